"""The dashboard's server against a hostile client, over HTTP and the kernel websocket.

One server (``workbench.dashboard.serve_command``: the project's voila.json, a token) on a free
127.0.0.1 port for the module, with low caps so that the test stays light (2 page kernels per
client, pages unconnected for 6 s culled, culled every 2 s).  The server's memory is watched
during the tests and the server killed above 2 GB (the runaway this guards against reached
14 GB).
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid

import psutil
import pytest

from helpers import ROOT

websocket = pytest.importorskip("websocket")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(400)]

DATA = ROOT / "tests" / "data" / "dashboard"
LIMIT_RSS = 2_000_000_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from workbench.dashboard import dashboard_url, serve_command

    d = tmp_path_factory.mktemp("parameters")
    for f in DATA.iterdir():
        shutil.copy(f, d / f.name)
    port = free_port()
    cmd, env, cwd = serve_command(scenario=d / "committee.yaml", port=port, extra_args=(
        "--PageKernelManager.max_kernels_per_client=2", "--PageKernelManager.unconnected_timeout_s=6",
        "--MappingKernelManager.cull_interval=2"))
    log_path = tmp_path_factory.mktemp("voila") / "voila.log"
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    peak = {"rss": 0}
    stop = threading.Event()

    def watch():  # never let a regression eat the machine
        p = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                rss = p.memory_info().rss
            except psutil.NoSuchProcess:
                return
            peak["rss"] = max(peak["rss"], rss)
            if rss > LIMIT_RSS:
                proc.kill()
                return
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    t0 = time.monotonic()
    while True:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert proc.poll() is None and time.monotonic() - t0 < 90, "the server did not start"
        time.sleep(0.2)
    info = {"port": port, "url": dashboard_url(port, env=env), "token": env["JUPYTER_TOKEN"], "proc": proc,
            "peak": peak, "log": log_path}
    try:
        yield info
    finally:
        stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # pragma: no cover
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def get(url: str, host: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=180) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def kernel_of(page: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]+)"', page).group(1)


def message(session: str, msg_type: str, content: dict) -> str:
    return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                                  "username": "t", "date": "2026-01-01T00:00:00Z", "version": "5.3"},
                       "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})


def shutdown(server, kernel_id: str) -> None:
    req = urllib.request.Request(f"http://127.0.0.1:{server['port']}/voila/api/shutdown/{kernel_id}"
                                 f"?token={server['token']}", data=b"", method="POST")
    urllib.request.urlopen(req, timeout=60).read()


def test_request_state_of_every_widget_without_subprotocol_keeps_memory_flat(server):
    status, page = get(server["url"])
    assert status == 200
    kid = kernel_of(page)
    session = uuid.uuid4().hex
    # no sub-protocol offered: the legacy framing of binary messages (the widget images)
    ws = websocket.create_connection(f"ws://127.0.0.1:{server['port']}/api/kernels/{kid}/channels"
                                     f"?session_id={session}&token={server['token']}", timeout=60)
    ws.send(message(session, "comm_info_request", {"target_name": "jupyter.widget"}))
    while True:
        m = ws.recv()
        if isinstance(m, str) and json.loads(m)["header"]["msg_type"] == "comm_info_reply":
            comms = json.loads(m)["content"]["comms"]
            break
    assert len(comms) > 100  # every widget of the dashboard
    rss0 = psutil.Process(server["proc"].pid).memory_info().rss
    for cid in comms:
        ws.send(message(session, "comm_msg", {"comm_id": cid, "data": {"method": "request_state"}}))
    states, binary, t0 = 0, 0, time.monotonic()
    ws.settimeout(5)
    try:
        while states < len(comms) and time.monotonic() - t0 < 60:
            m = ws.recv()
            if isinstance(m, bytes):
                binary += 1
                states += 1  # an update carrying an image's bytes
            elif json.loads(m)["header"]["msg_type"] == "comm_msg":
                states += 1
    except websocket.WebSocketTimeoutException:
        pass
    assert states == len(comms) and binary >= 1  # every state came back, images included
    ws.close()  # and the client goes away
    time.sleep(5)
    proc = psutil.Process(server["proc"].pid)
    assert server["proc"].poll() is None
    assert proc.memory_info().rss < rss0 + 150_000_000
    assert server["peak"]["rss"] < 1_000_000_000
    status, _ = get(server["url"].replace("/?", "/voila/static/voila.js?"))
    assert status == 200  # still answering
    shutdown(server, kid)


def test_a_client_that_does_not_read_is_cut_off(server):
    import socket as so

    status, page = get(server["url"])
    kid = kernel_of(page)
    session = uuid.uuid4().hex
    ws = websocket.create_connection(f"ws://127.0.0.1:{server['port']}/api/kernels/{kid}/channels"
                                     f"?session_id={session}&token={server['token']}", timeout=60,
                                     sockopt=[(so.SOL_SOCKET, so.SO_RCVBUF, 4096)])
    ws.send(message(session, "comm_info_request", {"target_name": "jupyter.widget"}))
    while True:
        m = ws.recv()
        if isinstance(m, str) and json.loads(m)["header"]["msg_type"] == "comm_info_reply":
            comms = json.loads(m)["content"]["comms"]
            break
    rss0 = psutil.Process(server["proc"].pid).memory_info().rss
    try:
        for _ in range(45):  # about 8,500 replies asked, none read
            for cid in comms:
                ws.send(message(session, "comm_msg", {"comm_id": cid, "data": {"method": "request_state"}}))
    except (websocket.WebSocketException, OSError):
        pass  # the server may close first
    t0 = time.monotonic()
    while "queued for a client that does not read" not in server["log"].read_text() and time.monotonic() - t0 < 90:
        time.sleep(1)
    assert "more than 5000 messages queued for a client that does not read" in server["log"].read_text()
    assert psutil.Process(server["proc"].pid).memory_info().rss < rss0 + 200_000_000
    ws.close()
    shutdown(server, kid)


def test_foreign_host_and_origin_are_refused(server):
    port, token = server["port"], server["token"]
    assert get(server["url"], host="evil.example")[0] == 403
    assert get(server["url"], host=f"evil.example:{port}")[0] == 403
    api = f"http://127.0.0.1:{port}/api/kernels/00000000-0000-4000-8000-000000000000?token={token}"
    assert get(api, host=f"localhost:{port}")[0] == 404  # let through (no such kernel)
    assert get(api, host=f"[::1]:{port}")[0] == 404
    assert get(api, host=f"evil.example:{port}")[0] == 403
    status, _ = get(f"http://127.0.0.1:{port}/")  # no token: to the login page, no kernel
    assert status == 302
    # a websocket with the page's cookie but a foreign Origin (a page of evil.example)
    jar = urllib.request.HTTPCookieProcessor()
    op = urllib.request.build_opener(jar)
    with op.open(server["url"], timeout=180) as r:
        kid = kernel_of(r.read().decode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)
    assert cookie
    url = f"ws://127.0.0.1:{port}/api/kernels/{kid}/channels?session_id=x"
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(url, cookie=cookie, origin="http://evil.example", timeout=30)
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(url, host=f"evil.example:{port}", cookie=cookie,
                                    origin=f"http://evil.example:{port}", timeout=30)
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(url, origin=f"http://127.0.0.1:{port}", timeout=30)  # no cookie, no token
    ws = websocket.create_connection(url, cookie=cookie, origin=f"http://127.0.0.1:{port}", timeout=30)
    ws.close()
    shutdown(server, kid)


def test_page_kernels_are_capped_and_unconnected_ones_culled(server):
    time.sleep(8)  # kernels of the other tests culled or shut down
    pages = [get(server["url"]) for _ in range(3)]
    assert [p[0] for p in pages[:2]] == [200, 200]
    status, text = pages[2]
    assert status == 503
    assert "nombre maximal de pages" in text and "most open pages" not in text and "Close one" in text
    kids = [kernel_of(p[1]) for p in pages[:2]]
    assert all(alive(server, k) for k in kids)
    # never connected: shut down within the timeout (6 s) plus a cull interval (2 s), and a margin
    t0 = time.monotonic()
    while time.monotonic() - t0 < 40 and any(alive(server, k) for k in kids):
        time.sleep(1)
    assert not any(alive(server, k) for k in kids)
    assert get(server["url"])[0] == 200  # a page is served again
    log = server["log"].read_text()
    assert "its page has not been connected" in log and "Traceback" not in log, log[-3000:]


def test_kernels_talk_over_unix_sockets_not_tcp_ports(server):
    """Kernels on TCP took random local ports: under load a port taken meanwhile by another
    process killed the kernel before it answered ("Address already in use"), and every page then
    failed.  voila.json sets ``KernelManager.transport = "ipc"``: unix sockets beside each
    kernel's private connection file, no port to collide, nothing for other local users."""
    assert get(server["url"])[0] == 200
    log = server["log"].read_text()
    assert "Kernel started" in log
    assert "running over TCP" not in log and "Address already in use" not in log, log[-3000:]


def alive(server, kernel_id: str) -> bool:
    return get(f"http://127.0.0.1:{server['port']}/api/kernels/{kernel_id}?token={server['token']}")[0] == 200
