"""The dashboard's server against a hostile client, over HTTP and the kernel websocket.

Servers are started as ``workbench dashboard`` starts them (``workbench.dashboard.serve_command``:
the project's voila.json, a token) on a free 127.0.0.1 port and awaited by readiness: the line
with the page's address the server prints on its standard output once the page answers, never a
fixed delay.  One server serves the module's tests that leave the caps alone (each shuts its
kernels down and waits until they are gone); a test about the caps, the port or the temporary
folder starts its own server, so that kernels of an earlier test still shutting down cannot
starve it.  Every wait is a condition with a generous deadline (the suite runs on 2 cores shared
with other work, load 3-7).  The server's memory is watched and the server killed above 2 GB
(the runaway this guards against reached 14 GB).
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest

from helpers import ROOT, free_port

websocket = pytest.importorskip("websocket")

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

DATA = ROOT / "tests" / "data" / "dashboard"
LIMIT_RSS = 2_000_000_000
#: Longest wait for anything a loaded machine makes slow (a server's first page, a cull) [s].
DEADLINE_S = 300
#: The pre-heated kernels of voila.json (not counted in the caps).
POOL = 2


# --------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------
def wait_until(condition, what: str, deadline_s: float = DEADLINE_S, every_s: float = 0.2):
    """Poll ``condition`` until it returns a true value (returned) or ``deadline_s`` passes (fails)."""
    t0 = time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() - t0 > deadline_s:
            pytest.fail(f"not within {deadline_s} s: {what}")
        time.sleep(every_s)


class Server:
    """A dashboard server process, its printed address, its log (stderr) and a memory watch."""

    def __init__(self, folder: Path, extra_args: tuple[str, ...] = (), port: int | None = None,
                 port_retries: int = 0, env: dict | None = None):
        from workbench.dashboard import serve_command

        params = folder / "parameters"
        params.mkdir(parents=True, exist_ok=True)
        for f in DATA.iterdir():
            shutil.copy(f, params / f.name)
        cmd, self.env, cwd = serve_command(scenario=params / "committee.yaml", port=port or free_port(),
                                           port_retries=port_retries, extra_args=extra_args, lang="fr")
        self.env.update(env or {})
        self.token = self.env["JUPYTER_TOKEN"]
        self.log_path = folder / "voila.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(cmd, env=self.env, cwd=cwd, stdout=subprocess.PIPE, stderr=self._log,
                                     text=True)
        self.lines: list[str] = []
        self.printed = threading.Event()
        self.peak_rss = 0
        self._stop = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._watch, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)
            self.printed.set()

    def _watch(self) -> None:  # never let a regression eat the machine
        try:
            p = psutil.Process(self.proc.pid)
            while not self._stop.is_set():
                rss = p.memory_info().rss
                self.peak_rss = max(self.peak_rss, rss)
                if rss > LIMIT_RSS:
                    self.proc.kill()
                    return
                time.sleep(0.2)
        except psutil.NoSuchProcess:
            return

    def ready(self) -> "Server":
        """Wait for the address line (the server answers from then on)."""
        wait_until(lambda: self.printed.is_set() or self.proc.poll() is not None, "the server's address line")
        assert self.printed.is_set(), f"the server stopped ({self.proc.returncode}): {self.log()[-3000:]}"
        m = re.search(r"http://127\.0\.0\.1:(\d+)/\?token=(\w+)", self.lines[0])
        assert m, self.lines[0]
        self.port, self.url = int(m.group(1)), m.group(0)
        assert m.group(2) == self.token
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def kernels(self) -> list[psutil.Process]:
        """The server's kernel processes (pages and pool)."""
        try:
            children = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        out = []
        for c in children:
            try:
                if "ipykernel_launcher" in " ".join(c.cmdline()):
                    out.append(c)
            except psutil.Error:
                continue
        return out

    def stop(self) -> None:
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=120)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.proc.kill()
                self.proc.wait(timeout=30)
        self._log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("server"))
    try:
        yield s.ready()
    finally:
        s.stop()


@pytest.fixture
def own_server(tmp_path):
    """A server of the test's own (started by the test with its options), stopped after it."""
    started: list[Server] = []

    def start(*extra_args: str, **kwargs) -> Server:
        s = Server(tmp_path / f"server{len(started)}", tuple(extra_args), **kwargs)
        started.append(s)
        return s

    try:
        yield start
    finally:
        for s in started:
            s.stop()


@pytest.fixture
def short_tmp():
    """A temporary folder of a short path (the kernels' unix sockets live under it; pytest's are too long)."""
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="wb-", dir="/tmp"))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Requests
# --------------------------------------------------------------------------------------------
def get(url: str, host: str | None = None) -> tuple[int, str]:
    req = urllib.request.Request(url, headers={"Host": host} if host else {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=DEADLINE_S) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


def get_from(source_ip: str, port: int, path: str) -> tuple[int, str]:
    """``GET path`` from the local address ``source_ip`` (127.0.0.x: another client for the caps)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE_S, source_address=(source_ip, 0))
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    finally:
        conn.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def kernel_of(page: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]+)"', page).group(1)


def message(session: str, msg_type: str, content: dict) -> str:
    return json.dumps({"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                                  "username": "t", "date": "2026-01-01T00:00:00Z", "version": "5.3"},
                       "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []})


def alive(server: Server, kernel_id: str) -> bool:
    return get(f"http://127.0.0.1:{server.port}/api/kernels/{kernel_id}?token={server.token}")[0] == 200


def shutdown(server: Server, kernel_id: str) -> None:
    """Shut a page's kernel down (as the page's beacon does) and wait until it is gone."""
    req = urllib.request.Request(f"http://127.0.0.1:{server.port}/voila/api/shutdown/{kernel_id}"
                                 f"?token={server.token}", data=b"", method="POST")
    urllib.request.urlopen(req, timeout=DEADLINE_S).read()
    wait_until(lambda: not alive(server, kernel_id), f"kernel {kernel_id} gone", every_s=0.5)


def comms_of(ws, session: str) -> list[str]:
    ws.send(message(session, "comm_info_request", {"target_name": "jupyter.widget"}))
    while True:
        m = ws.recv()
        if isinstance(m, str) and json.loads(m)["header"]["msg_type"] == "comm_info_reply":
            return list(json.loads(m)["content"]["comms"])


# --------------------------------------------------------------------------------------------
# The kernel websocket (one server for the module)
# --------------------------------------------------------------------------------------------
def test_request_state_of_every_widget_without_subprotocol_keeps_memory_flat(server):
    status, page = get(server.url)
    assert status == 200
    kid = kernel_of(page)
    session = uuid.uuid4().hex
    # no sub-protocol offered: the legacy framing of binary messages (the widget images)
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/api/kernels/{kid}/channels"
                                     f"?session_id={session}&token={server.token}", timeout=DEADLINE_S)
    comms = comms_of(ws, session)
    assert len(comms) > 100  # every widget of the dashboard
    rss0 = psutil.Process(server.proc.pid).memory_info().rss
    for cid in comms:
        ws.send(message(session, "comm_msg", {"comm_id": cid, "data": {"method": "request_state"}}))
    states, binary, t0 = 0, 0, time.monotonic()
    ws.settimeout(30)
    try:
        while states < len(comms) and time.monotonic() - t0 < DEADLINE_S:
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
    proc = psutil.Process(server.proc.pid)
    wait_until(lambda: proc.memory_info().rss < rss0 + 150_000_000, "the server's memory back near its level",
               deadline_s=60)
    assert server.proc.poll() is None
    assert server.peak_rss < 1_000_000_000
    status, _ = get(server.url.replace("/?", "/voila/static/voila.js?"))
    assert status == 200  # still answering
    shutdown(server, kid)


def test_a_client_that_does_not_read_is_cut_off(server):
    import socket as so

    status, page = get(server.url)
    assert status == 200
    kid = kernel_of(page)
    session = uuid.uuid4().hex
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/api/kernels/{kid}/channels"
                                     f"?session_id={session}&token={server.token}", timeout=DEADLINE_S,
                                     sockopt=[(so.SOL_SOCKET, so.SO_RCVBUF, 4096)])
    comms = comms_of(ws, session)
    rss0 = psutil.Process(server.proc.pid).memory_info().rss
    try:
        for _ in range(45):  # about 8,500 replies asked, none read
            for cid in comms:
                ws.send(message(session, "comm_msg", {"comm_id": cid, "data": {"method": "request_state"}}))
    except (websocket.WebSocketException, OSError):
        pass  # the server may close first
    # cut off when 5,000 messages wait for it (within half a minute on an idle machine), or, when
    # the kernel answers too slowly to queue that many (a loaded machine: its 8,500 replies take
    # minutes), when it has not answered the server's websocket ping for 30 s (it reads nothing,
    # pongs included).  The bound itself: test_dashboard_hardening's test of the websocket queue
    cut = wait_until(lambda: re.search(r"more than 5000 messages queued for a client that does not read|"
                                       r"WebSocket ping timeout", server.log()), "the slow client cut off",
                     deadline_s=600, every_s=1)
    print(f"cut off by: {cut.group(0)}")
    assert psutil.Process(server.proc.pid).memory_info().rss < rss0 + 200_000_000
    ws.close()
    shutdown(server, kid)


def test_foreign_host_and_origin_are_refused(server):
    port, token = server.port, server.token
    assert get(server.url, host="evil.example")[0] == 403
    assert get(server.url, host=f"evil.example:{port}")[0] == 403
    api = f"http://127.0.0.1:{port}/api/kernels/00000000-0000-4000-8000-000000000000?token={token}"
    assert get(api, host=f"localhost:{port}")[0] == 404  # let through (no such kernel)
    assert get(api, host=f"[::1]:{port}")[0] == 404
    assert get(api, host=f"evil.example:{port}")[0] == 403
    status, _ = get(f"http://127.0.0.1:{port}/")  # no token: to the login page, no kernel
    assert status == 302
    # a websocket with the page's cookie but a foreign Origin (a page of evil.example)
    jar = urllib.request.HTTPCookieProcessor()
    op = urllib.request.build_opener(jar)
    with op.open(server.url, timeout=DEADLINE_S) as r:
        kid = kernel_of(r.read().decode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)
    assert cookie
    url = f"ws://127.0.0.1:{port}/api/kernels/{kid}/channels?session_id=x"
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(url, cookie=cookie, origin="http://evil.example", timeout=60)
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(url, host=f"evil.example:{port}", cookie=cookie,
                                    origin=f"http://evil.example:{port}", timeout=60)
    with pytest.raises(websocket.WebSocketBadStatusException, match="403"):
        websocket.create_connection(url, origin=f"http://127.0.0.1:{port}", timeout=60)  # no cookie, no token
    ws = websocket.create_connection(url, cookie=cookie, origin=f"http://127.0.0.1:{port}", timeout=60)
    ws.close()
    shutdown(server, kid)


def test_kernels_talk_over_unix_sockets_not_tcp_ports(server):
    """Kernels on TCP took random local ports: under load a port taken meanwhile by another
    process killed the kernel before it answered ("Address already in use"), and every page then
    failed.  voila.json sets ``KernelManager.transport = "ipc"``: unix sockets beside each
    kernel's private connection file, no port to collide, nothing for other local users."""
    status, page = get(server.url)
    assert status == 200
    log = server.log()
    assert "Kernel started" in log
    assert "running over TCP" not in log and "Address already in use" not in log, log[-3000:]
    shutdown(server, kernel_of(page))


def test_the_token_reaches_neither_the_kernels_nor_the_log(server):
    """The server's environment carried the token (``JUPYTER_TOKEN``) into every kernel, and Voilà
    copied the page's request into the kernel it handed out (``QUERY_STRING``,
    ``VOILA_REQUEST_URL``); the log named every refused request with its ``?token=``."""
    started = {k.pid for k in server.kernels()}
    status, page = get(server.url)
    assert status == 200
    assert get(server.url, host="evil.example")[0] == 403  # a log line for a refused request
    # the page's kernel and the one Voilà starts to refill its pool (with the page's request in its environment)
    kernels = wait_until(lambda: [k for k in server.kernels() if k.pid not in started] or None,
                         "the pool refilled after the page")
    for k in server.kernels():
        env = k.environ()
        assert not [name for name, value in env.items() if server.token in value], k.cmdline()
        assert "JUPYTER_TOKEN" not in env
    assert any("VOILA_REQUEST_URL" in k.environ() for k in kernels)  # the request is there, without its token
    log = server.log()
    assert "403 GET /?token=[redacted]" in log
    assert server.token not in log, [line for line in log.splitlines() if server.token in line]
    shutdown(server, kernel_of(page))


# --------------------------------------------------------------------------------------------
# Caps, port, temporary folder (a server for each test)
# --------------------------------------------------------------------------------------------
def burst(port: int, path: str, clients: list[str]) -> list[tuple[int, str]]:
    """One ``GET path`` from each of ``clients`` (source addresses), all released at once."""
    gate = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def one(i: int, source: str) -> None:
        gate.wait()
        try:
            results[i] = get_from(source, port, path)
        except OSError as exc:  # pragma: no cover - reported by the assertion below
            results[i] = (0, repr(exc))

    threads = [threading.Thread(target=one, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE_S + 60)
    return results


def test_a_burst_of_pages_starts_at_most_the_caps(own_server):
    """Sequential requests were refused at the cap, but 30 at once passed the check together and
    started 30 kernels (3.83 GB): a page now takes its place under the caps when it is admitted."""
    server = own_server("--PageKernelManager.max_kernels_per_client=2", "--PageKernelManager.max_kernels=3").ready()
    path = f"/?token={server.token}"
    peak = {"kernels": 0}
    done = threading.Event()

    def count():
        while not done.is_set():
            peak["kernels"] = max(peak["kernels"], len(server.kernels()))
            time.sleep(0.05)

    counter = threading.Thread(target=count, daemon=True)
    counter.start()
    try:
        first = burst(server.port, path, ["127.0.0.1"] * 30)  # one client: its cap (2)
        statuses = [s for s, _ in first]
        assert statuses.count(200) == 2 and statuses.count(503) == 28, statuses
        for status, text in first:
            if status == 503:
                assert "Ce poste a déjà le nombre maximal de pages du tableau de bord ouvertes" in text
        pages = {kernel_of(text) for status, text in first if status == 200}
        assert len(pages) == 2 and all(alive(server, k) for k in pages)
        # two other clients at once: one place left under the total cap (3)
        second = burst(server.port, path, ["127.0.0.2"] * 10 + ["127.0.0.3"] * 10)
        statuses = [s for s, _ in second]
        assert statuses.count(200) == 1 and statuses.count(503) == 19, statuses
        assert all("Le tableau de bord sert déjà le nombre maximal de pages ouvertes" in text
                   for status, text in second if status == 503)
    finally:
        done.set()
        counter.join()
    assert peak["kernels"] <= 3 + POOL, peak  # the pages' kernels and the pre-heated pool, no more
    log = server.log()
    assert log.count("serves a page of") == 3
    assert "503 GET /?token=[redacted]" in log and server.token not in log


def test_unconnected_page_kernels_are_culled_and_a_page_is_served_again(own_server):
    server = own_server("--PageKernelManager.max_kernels_per_client=2", "--PageKernelManager.unconnected_timeout_s=6",
                        "--MappingKernelManager.cull_interval=2").ready()
    pages = [get(server.url) for _ in range(3)]
    assert [p[0] for p in pages[:2]] == [200, 200]
    status, text = pages[2]
    assert status == 503
    assert "nombre maximal de pages" in text and "Close one" in text
    kids = [kernel_of(p[1]) for p in pages[:2]]
    assert all(alive(server, k) for k in kids)
    # never connected: shut down after the timeout (6 s) at the next cull pass (every 2 s)
    wait_until(lambda: not any(alive(server, k) for k in kids), "the unconnected kernels culled", every_s=1)
    status, page = get(server.url)
    assert status == 200  # a page is served again
    log = server.log()
    assert "its page has not been connected" in log and "Traceback" not in log, log[-3000:]


def squatter(port: int) -> tuple[socket.socket, list[bytes]]:
    """A program holding ``port`` on 127.0.0.1 that records every byte it receives."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen(16)
    received: list[bytes] = []

    def serve():
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            conn.settimeout(5)
            try:
                received.append(conn.recv(65536))
            except OSError:
                pass
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    return sock, received


def test_the_printed_address_is_the_port_that_answers_at_once(own_server):
    """The address was printed with the asked port before Voilà moved to the next free one (the
    port's holder then received ``GET /?token=...``), and 4 s before the server answered
    (connection refused when opened at once)."""
    port = free_port()
    sock, received = squatter(port)
    try:
        server = own_server(port=port, port_retries=5)
        server.ready()
        status, page = get(server.url)  # at once, as a user clicking the printed address
        assert status == 200 and kernel_of(page)
        assert server.port != port
        assert f"Port {port} is not available" in server.log()
        assert not received and server.token not in b"".join(received).decode("latin-1")
        assert server.lines[0].startswith("workbench dashboard : http://127.0.0.1:")
        assert server.token not in server.log()  # the address line is on stdout, not in the log
    finally:
        sock.close()


def test_a_taken_explicit_port_is_refused_before_any_address(short_tmp):
    port = free_port()
    sock, received = squatter(port)
    try:
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "WORKBENCH_LANG": "fr", "TMPDIR": str(short_tmp)}
        r = subprocess.run([sys.executable, "-m", "workbench.cli", "dashboard", "--port", str(port)], cwd=ROOT,
                           env=env, capture_output=True, text=True, timeout=DEADLINE_S)
    finally:
        sock.close()
    assert r.returncode == 2, r.stderr[-3000:]
    assert r.stdout == ""  # no address, no token
    assert f"--port : {port} : déjà pris par un autre programme" in r.stderr and "Traceback" not in r.stderr
    assert "token=" not in r.stderr and not received
    assert not list(short_tmp.glob("workbench-voila-*"))  # nothing left behind


def test_a_killed_servers_connection_folder_is_removed_by_the_next(own_server, short_tmp):
    """Voilà keeps its kernels' connection files (with the key that signs their messages) and
    unix sockets in a temporary folder it removes when it stops; a killed server left it."""
    tmp = short_tmp
    first = own_server(env={"TMPDIR": str(tmp)}).ready()
    folder, = tmp.glob(f"workbench-voila-{first.proc.pid}-*")
    assert list(folder.glob("kernel-*.json")) and list(folder.glob("kernel-*-ipc-*"))  # unix sockets, no TCP
    kernels = first.kernels()
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(timeout=60)
    # its kernels notice their parent is gone and exit
    wait_until(lambda: not any(k.is_running() and k.status() != psutil.STATUS_ZOMBIE for k in kernels),
               "the killed server's kernels gone", every_s=0.5)
    assert folder.is_dir()  # left behind by the kill
    second = own_server(env={"TMPDIR": str(tmp)}).ready()
    assert not folder.exists()
    assert "Removed 1 connection folder(s) of servers no longer running" in second.log()
    own, = tmp.glob(f"workbench-voila-{second.proc.pid}-*")
    second.stop()
    assert not own.exists()  # a server stopped normally removes its own
