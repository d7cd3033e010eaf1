"""The dashboard against hostile input, driven from Python as the page's callbacks are.

Uploads named ``..``, a CSV field over 128 KB, a NUL byte in an exported title, variant names
that share a file, upload folders left by killed kernels; the server's reading of kernel
message headers (the 14 GB runaway of issue 16) and its start command (token, Host check).
"""
from __future__ import annotations

import html
import io
import json
import os
import struct
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from workbench.dashboard import UPLOAD_PREFIX, dashboard_url, serve_command
from workbench.dashboard.server import message_header, remove_stale_upload_dirs, upload_dir_pid
from workbench.errors import InputError

from helpers import ROOT

DATA = ROOT / "tests" / "data" / "dashboard"




def upload_msg(app) -> str:
    return html.unescape(app.controls["upload_msg"].value)


# ---- uploads ------------------------------------------------------------------------------------
def test_an_upload_named_dotdot_is_refused_inline_and_nothing_leaves_the_folder(app):
    before = list(app.selected_ids)
    good = (DATA / "committee_candidates.csv").read_bytes()
    for name in ("..", ".", "", "../../evil.csv"):
        ok = app.upload(name, b"not a candidate file")
        assert not ok
        assert "Fichier refusé" in upload_msg(app) and "wb-upload-error" in app.controls["upload_msg"].value
    assert app.selected_ids == before
    assert not (app._tmpdir.parent / "evil.csv").exists()
    assert list(app._tmpdir.iterdir()) == []  # refused files are not kept
    # the same content under a hostile name is stored inside the kernel's folder, under a clean name
    assert app.upload("../../liste.csv", good)
    assert [p.name for p in app._tmpdir.iterdir()] == ["liste.csv"]


def test_a_csv_field_over_128_kb_is_an_inline_problem(app):
    before = list(app.selected_ids)
    text = (DATA / "committee_candidates.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    row[header.index("title")] = '"' + "x" * 200_000 + '"'
    bad = "\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n"
    assert not app.upload("long.csv", bad.encode("utf-8"))
    msg = upload_msg(app)
    assert "Fichier refusé : long.csv" in msg
    assert "x" * 100 not in msg  # the field itself is not echoed
    assert app.selected_ids == before


def test_a_nul_byte_in_a_title_still_exports_as_xlsx(app):
    good = (DATA / "committee_candidates.csv").read_text(encoding="utf-8")
    first_id = good.splitlines()[1].split(",")[0]
    # the table exported (the ranking's, which may have been read from the disk cache: not the
    # candidate list's own rows)
    app.table.loc[app.table["id"] == first_id, "title"] = "Projet\x00 avec NUL\x07"
    app._on_export("xlsx")
    link = app.controls["download"].value
    assert "base64," in link and "wb-err" not in link
    import base64

    data = base64.b64decode(link.split("base64,", 1)[1].split("'", 1)[0])
    ws = openpyxl.load_workbook(io.BytesIO(data))["portefeuille"]   # sheet and headers in the page's language
    col = [c.value for c in ws[1]].index("Intitulé")
    titles = [r[col].value for r in ws.iter_rows(min_row=2)]
    assert "Projet avec NUL" in titles


# ---- variants -----------------------------------------------------------------------------------
def test_names_sharing_a_file_ask_before_replacing(app, scenario_dir):
    c = app.controls
    c["variant_name"].value = "a/b"
    c["weight_strategic"].value = 1.0
    app._on_save_variant()
    path = scenario_dir / "variants" / "a_b.yaml"
    first = path.read_text(encoding="utf-8")
    assert c["variant_replace"].layout.display == "none"
    for other in ("a_b", "a b"):
        c["variant_name"].value = other
        c["weight_strategic"].value = 0.5
        app._on_save_variant()
        msg = html.unescape(c["variant_msg"].value)
        assert f"« {other} » donne le fichier a_b.yaml, qui existe déjà" in msg
        assert c["variant_replace"].layout.display is None  # the Replace / Cancel buttons show
        assert path.read_text(encoding="utf-8") == first  # nothing overwritten yet
    app._on_cancel_variant()
    assert c["variant_replace"].layout.display == "none" and path.read_text(encoding="utf-8") == first
    c["variant_name"].value = "a b"
    app._on_save_variant()
    app._on_replace_variant()
    assert "Variante enregistrée : a_b.yaml" in html.unescape(c["variant_msg"].value)
    assert path.read_text(encoding="utf-8") != first
    assert "variante a_b" in path.read_text(encoding="utf-8")
    assert c["variant_replace"].layout.display == "none"


# ---- upload folders -----------------------------------------------------------------------------
@pytest.mark.slow
def test_a_page_whose_first_scenario_did_not_load_says_so_instead_of_crashing(tmp_path):
    """The first file is broken: the page shows its problems; a slider, "back to the scenario's
    candidates", an upload, the language and "save" then say that no scenario is open (no
    AttributeError, no traceback in the page)."""
    from workbench.dashboard import Dashboard
    from workbench.scenario import CRITERIA

    (tmp_path / "bad.yaml").write_text("name: [unclosed\n", encoding="utf-8")
    d = Dashboard(scenario=tmp_path / "bad.yaml", parameters_dir=tmp_path, debounce_s=0)
    d.widget()
    assert "YAML" in d.last_error
    none_open = "aucun scénario n'est ouvert"
    d.controls[f"weight_{CRITERIA[0]}"].value = 3.0
    assert none_open in d.last_error and none_open in html.unescape(d.outputs["status"].value)
    d._clear_error()
    d._on_shipped()
    assert none_open in d.last_error
    good = (DATA / "committee_candidates.csv").read_bytes()
    assert d.upload("c.csv", good) is False
    assert none_open in upload_msg(d) and not list(d._tmpdir.iterdir())  # nothing written
    d.controls["lang"].value = "en"
    assert "no scenario is open" in d.last_error
    d.controls["variant_name"].value = "v1"
    d._on_save_variant()
    assert "no scenario is open" in html.unescape(d.controls["variant_msg"].value)
    assert not (tmp_path / "variants").exists()


def test_upload_folder_is_private_named_after_the_kernel_and_removed_at_exit(scenario_dir, tmp_path):
    code = ("import sys; from workbench.dashboard import Dashboard;"
            f"d = Dashboard(scenario={str(scenario_dir / 'committee.yaml')!r}, debounce_s=0); d.robustness_samples = 4;"
            "d.widget(); print(d._tmpdir, oct(d._tmpdir.stat().st_mode & 0o777), flush=True);"
            "assert d.upload('x.csv', open(sys.argv[1], 'rb').read()); assert (d._tmpdir / 'x.csv').is_file()")
    env = {**os.environ, "TMPDIR": str(tmp_path), "MPLBACKEND": "Agg"}
    r = subprocess.run([sys.executable, "-c", code, str(DATA / "committee_candidates.csv")], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    folder, mode = r.stdout.strip().splitlines()[0].rsplit(" ", 1)
    folder = Path(folder)
    assert mode == "0o700"  # the committee's files: for this user only
    assert folder.parent == tmp_path and folder.name.startswith(UPLOAD_PREFIX)
    assert upload_dir_pid(folder) is not None
    assert not folder.exists()  # removed when the (kernel) process exited


def test_stale_upload_folders_of_dead_kernels_are_removed(tmp_path):
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    dead = tmp_path / f"{UPLOAD_PREFIX}{p.pid}-abc"
    alive = tmp_path / f"{UPLOAD_PREFIX}{os.getpid()}-def"
    other = tmp_path / "workbench-other-1-x"
    legacy_old = tmp_path / f"{UPLOAD_PREFIX}ab12cd_9"  # the earlier naming, two days old
    legacy_new = tmp_path / f"{UPLOAD_PREFIX}zz34yy_1"  # the earlier naming, maybe still in use
    for d in (dead, alive, other, legacy_old, legacy_new):
        d.mkdir()
        (d / "committee.csv").write_text("secret", encoding="utf-8")
    two_days_ago = time.time() - 2 * 86400
    os.utime(legacy_old, (two_days_ago, two_days_ago))
    assert sorted(remove_stale_upload_dirs(tmp_path)) == sorted([dead, legacy_old])
    assert not dead.exists() and not legacy_old.exists()
    assert alive.exists() and other.exists() and legacy_new.exists()


# ---- the server ---------------------------------------------------------------------------------
def legacy_frame(msg: dict, buffers: list[bytes]) -> bytes:
    """A message framed as jupyter_server frames it for a client without sub-protocol."""
    parts = [json.dumps(msg).encode("utf-8"), *buffers]
    offsets = [4 * (len(parts) + 1)]
    for b in parts[:-1]:
        offsets.append(offsets[-1] + len(b))
    return struct.pack("!" + "I" * (len(parts) + 1), len(parts), *offsets) + b"".join(parts)


def v1_frame(channel: str, header: dict, buffers: list[bytes]) -> bytes:
    parts = [channel.encode(), json.dumps(header).encode(), b"{}", b"{}", b"{}", *buffers]
    offsets = [8 * (len(parts) + 1 + 1)]
    for b in parts:
        offsets.append(offsets[-1] + len(b))
    return (len(offsets)).to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + b"".join(parts)


def test_message_headers_are_read_by_the_framing_in_use():
    header = {"msg_type": "comm_msg", "msg_id": "1"}
    legacy = legacy_frame({"header": header, "content": {}}, [b"\x89PNG" + bytes(5000)])
    # read as v1 (what Voilà 0.5.13 did), the first count is about 10^17: never built now
    assert int.from_bytes(legacy[:8], "little") > 10**15
    assert message_header(legacy, v1=True) is None
    assert message_header(legacy, v1=False) == header
    assert message_header(v1_frame("iopub", header, [b"x" * 100]), v1=True) == header
    assert message_header({"header": {"msg_type": "execute_input"}}, v1=False) == {"msg_type": "execute_input"}
    for junk in (b"", b"\xff" * 7, b"\xff" * 64, b"\x00\x00\x00\x02" + b"\xff" * 12):
        assert message_header(junk, v1=True) is None and message_header(junk, v1=False) is None


def test_a_websocket_client_that_does_not_read_is_closed_at_the_queue_bound(monkeypatch):
    """What the server holds for one client is bounded: the 5,001st message waiting to be sent,
    or a message that would pass 64 MB queued, closes the connection (1009) instead of growing."""
    import concurrent.futures
    import logging

    import tornado.websocket
    from tornado.iostream import StreamBufferFullError

    from workbench.dashboard.server import V1_PROTOCOL, KernelWebsocketHandler

    sent, closed = [], []

    class Connection:
        selected_subprotocol = V1_PROTOCOL

        def is_closing(self):
            return bool(closed)

    def write(self, message, binary=False):
        if message == b"too big":
            raise StreamBufferFullError("Reached maximum write buffer size")
        sent.append(concurrent.futures.Future())  # written once the client reads: never here
        return sent[-1]

    monkeypatch.setattr(tornado.websocket.WebSocketHandler, "write_message", write)
    monkeypatch.setattr(KernelWebsocketHandler, "close", lambda self, code=None, reason=None: closed.append(code))
    monkeypatch.setattr(KernelWebsocketHandler, "log", logging.getLogger("test"), raising=False)
    handler = KernelWebsocketHandler.__new__(KernelWebsocketHandler)
    handler.ws_connection = Connection()
    update = v1_frame("iopub", {"msg_type": "comm_msg", "msg_id": "1"}, [b"\x89PNG" + bytes(100)])
    assert handler.write_message(v1_frame("iopub", {"msg_type": "execute_input"}, []), binary=True) is None
    for _ in range(KernelWebsocketHandler.max_queued_messages):
        assert handler.write_message(update, binary=True) is not None
    assert not closed and len(sent) == 5000
    for future in sent[:10]:
        future.set_result(None)  # the client read ten: ten more may wait
    for _ in range(10):
        assert handler.write_message(update, binary=True) is not None
    assert not closed
    assert handler.write_message(update, binary=True) is None and closed == [1009]
    assert handler.write_message(update, binary=True) is None and len(sent) == 5010  # dropped once closed
    closed.clear()
    handler._pending = 0
    assert handler.write_message(b"too big", binary=True) is None and closed == [1009]


def test_serve_command_uses_a_token_and_checks_hosts():
    cmd, env, cwd = serve_command(port=8999)
    assert cmd[1:3] == ["-m", "workbench.dashboard.server"] and "--token" in cmd
    token = env["JUPYTER_TOKEN"]
    assert len(token) >= 32 and token not in " ".join(cmd)  # not visible in `ps`
    assert dashboard_url(8999, env=env) == f"http://127.0.0.1:8999/?token={token}"
    assert serve_command(port=8999)[1]["JUPYTER_TOKEN"] != token  # a new one each start
    cmd, env, _ = serve_command(port=8999, token="")
    assert "--token" not in cmd and "JUPYTER_TOKEN" not in env and dashboard_url(8999, env=env).endswith(":8999/")
    cfg = json.loads((cwd / "voila.json").read_text())
    ts = cfg["Voila"]["tornado_settings"]
    assert ts["allow_remote_access"] is False and ts["local_hostnames"] == ["localhost"]
    assert cfg["MappingKernelManager"]["buffer_offline_messages"] is False
    assert cfg["VoilaConfiguration"]["multi_kernel_manager_class"] == "workbench.dashboard.server.PageKernelManager"
    # a proxy's name, or a network address (then the token protects, as in Jupyter)
    cmd, _, _ = serve_command(port=8999, allow_hosts=("tableau.example.fr",))
    assert "--WorkbenchVoila.extra_hostnames=tableau.example.fr" in cmd
    assert not any("remote_access" in a for a in cmd)
    cmd, _, _ = serve_command(port=8999, ip="0.0.0.0")
    assert "--WorkbenchVoila.remote_access=True" in cmd
    # as Voilà reads them: voila.json's settings, the proxy's name added, remote access only beyond loopback
    import signal

    from workbench.dashboard.server import WorkbenchVoila

    sigterm = signal.getsignal(signal.SIGTERM)  # Voilà's initialize installs its own
    for extra, hosts, remote in (((), ["localhost"], False),
                                 (("--WorkbenchVoila.extra_hostnames=a.fr", "--WorkbenchVoila.extra_hostnames=b.fr"),
                                  ["localhost", "a.fr", "b.fr"], False),
                                 (("--WorkbenchVoila.remote_access=True",), ["localhost"], True)):
        app = WorkbenchVoila()
        app.initialize([str(cwd / "notebooks" / "dashboard.ipynb"), f"--Voila.config_file_paths={cwd}", *extra])
        assert app.tornado_settings["local_hostnames"] == hosts
        assert app.tornado_settings["allow_remote_access"] is remote
        assert app.tornado_settings["websocket_max_message_size"] == 10 * 2**20
        WorkbenchVoila.clear_instance()
    signal.signal(signal.SIGTERM, sigterm)
    with pytest.raises(InputError, match="needs its token"):
        serve_command(port=8999, ip="0.0.0.0", token="")


def test_cli_refuses_no_token_beyond_this_machine():
    r = subprocess.run([sys.executable, "-m", "workbench.cli", "dashboard", "--ip", "0.0.0.0", "--no-token",
                        "--port", "8999"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--no-token" in r.stderr and "needs its token" in r.stderr


# ---- serving: caps under a burst, the token, the connection folder (issue 23) ------------------
def test_caps_count_pages_from_their_admission():
    """A page counts against the caps from the moment it is admitted, before its kernel exists:
    requests arriving together no longer all pass the check (30 kernels for 30 requests)."""
    from workbench.dashboard.server import PageKernelManager

    km = PageKernelManager(max_kernels=3, max_kernels_per_client=2)
    assert [km.reserve("a") for _ in range(3)] == [None, None, "client"]  # no kernel started yet
    assert km.reserve("b") is None and km.reserve("b") == "total" and km.reserve("c") == "total"
    km.release("a")  # a request ended without a kernel (an error): its place is free again
    assert km.reserve("c") is None and km.reserve("c") == "total"
    assert dict(km.reserved) == {"a": 1, "b": 1, "c": 1}


def test_clients_behind_a_proxy_are_told_apart_only_when_it_is_trusted():
    from workbench.dashboard.server import client_address

    xff = "6.6.6.6, 203.0.113.7"  # the first written by the client itself, the last by the proxy
    assert client_address("10.0.0.5", xff) == "10.0.0.5"  # default: no proxy trusted
    assert client_address("10.0.0.5", xff, ["10.0.0.5"]) == "203.0.113.7"
    assert client_address("10.0.0.5", xff, ["10.0.0.0/8"]) == "203.0.113.7"
    assert client_address("10.0.0.5", "203.0.113.7, 10.0.0.9", ["10.0.0.0/8"]) == "203.0.113.7"  # two proxies
    assert client_address("192.0.2.1", xff, ["10.0.0.0/8"]) == "192.0.2.1"  # not from the proxy: header ignored
    assert client_address("10.0.0.5", "not-an-address", ["10.0.0.5"]) == "10.0.0.5"
    assert client_address("10.0.0.5", None, ["10.0.0.5"]) == "10.0.0.5"


def test_tokens_are_masked_in_log_lines_and_dropped_from_page_requests():
    import logging

    from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

    from workbench.dashboard.server import REDACTED, drop_token_from_request, install_log_redaction, redact

    token = "0123456789abcdef0123456789abcdef0123456789abcdef"
    assert redact(f"503 GET /?token={token} (127.0.0.1) 3.1ms") == f"503 GET /?token={REDACTED} (127.0.0.1) 3.1ms"
    assert redact(f"GET /voila/x?a=1&TOKEN={token}&b=2") == f"GET /voila/x?a=1&TOKEN={REDACTED}&b=2"
    assert token not in redact(f"Authorization: token {token}", [token])
    old = logging.getLogRecordFactory()
    stream = io.StringIO()
    logger = logging.getLogger("tornado.access.test")
    handler = logging.StreamHandler(stream)
    logger.addHandler(handler)
    try:
        install_log_redaction([token])
        logger.warning("%d %s", 403, f"GET /?token={token} (127.0.0.1)")
    finally:
        logger.removeHandler(handler)
        logging.setLogRecordFactory(old)
    assert stream.getvalue() == f"403 GET /?token={REDACTED} (127.0.0.1)\n"
    req = HTTPServerRequest(start_line=RequestStartLine("GET", f"/?token={token}&theme=dark", "HTTP/1.1"),
                            headers=HTTPHeaders({"Host": "127.0.0.1:8866"}))
    drop_token_from_request(req)
    assert req.uri == "/?theme=dark" and req.query == "theme=dark" and "token" not in req.arguments


def test_connection_folders_of_dead_servers_are_removed(tmp_path):
    from workbench.dashboard.server import CONNECTION_PREFIX, connection_root, remove_stale_connection_dirs

    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    dead = tmp_path / f"{CONNECTION_PREFIX}{p.pid}-abcd1234"
    alive = tmp_path / f"{CONNECTION_PREFIX}{os.getpid()}-efgh5678"
    legacy_old = tmp_path / "voila_ab12cd_9"  # Voilà's own naming, two days old, no process names it
    legacy_new = tmp_path / "voila_zz34yy_1"  # maybe a running server's
    for d in (dead, alive, legacy_old, legacy_new):
        d.mkdir()
        (d / "kernel-1.json").write_text("{}", encoding="utf-8")
    two_days_ago = time.time() - 2 * 86400
    os.utime(legacy_old, (two_days_ago, two_days_ago))
    assert sorted(remove_stale_connection_dirs(tmp_path)) == sorted([dead, legacy_old])
    assert alive.exists() and legacy_new.exists()
    # a folder whose process id now belongs to a process started after it: that server is dead
    os.utime(alive, (two_days_ago, two_days_ago))
    assert remove_stale_connection_dirs(tmp_path) == [alive]
    # the kernels' unix sockets must fit in 107 characters: a long temporary folder is not used
    assert connection_root("/tmp") == "/tmp"
    assert connection_root("/home/someone/a/rather/long/temporary/folder") == "/tmp"


def test_serve_command_port_policy_proxies_and_language():
    cmd, _, _ = serve_command(port=8999)
    assert "--port=8999" in cmd and "--Voila.port_retries=0" in cmd  # that port or none
    cmd, _, _ = serve_command(port=8866, port_retries=20, trusted_proxies=("10.0.0.1",), lang="en")
    assert "--Voila.port_retries=20" in cmd and "--WorkbenchVoila.trusted_proxies=10.0.0.1" in cmd
    assert "--WorkbenchVoila.lang=en" in cmd


def test_cli_refuses_a_trusted_proxy_that_is_no_address():
    r = subprocess.run([sys.executable, "-m", "workbench.cli", "dashboard", "--trusted-proxy", "proxy.example"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "--trusted-proxy" in r.stderr and "must be an IP address or a network" in r.stderr
