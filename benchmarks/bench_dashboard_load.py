"""Twenty dashboard pages opened at once in a real browser: memory, errors and recovery.

One server started as ``workbench dashboard`` starts it (``workbench.dashboard.serve_command``:
the project's voila.json, a token) on a free 127.0.0.1 port; twenty Chromium pages (Playwright)
open it at the same moment.  Prints:

1. pages rendered completely (ranked table shown, no ``.wb-error``), pages refused by the
   server's caps (HTTP 503 with its message: ``PageKernelManager.max_kernels`` and
   ``max_kernels_per_client`` of voila.json; all pages come from one address here), and any
   other error (page errors, time-outs);
2. memory: peak resident memory of the server process and of the server with all its kernels,
   number of kernels at the peak;
3. recovery once the pages are closed (as a user closes a tab, ``beforeunload`` run): seconds
   until only the pre-heated pool is left, the memory then, and the time a new page then takes
   to render.

The server's process tree is watched every 0.2 s and killed above ``--limit-gb`` (default 8 GB,
a bound for a machine shared with others).  ``--per-client N`` raises the per-client cap (and
the total cap to at least N) to measure N real sessions instead.

Run: ``.venv/bin/python benchmarks/bench_dashboard_load.py`` (about 3 minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from workbench.dashboard import dashboard_url, serve_command  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
READY = "document.querySelector('.wb-ranked table') !== null"
POOL = 2  # voila.json: kernel_pools_config.default.pool_size


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Watch(threading.Thread):
    """Resident memory of a process tree every 0.2 s: peaks, and a kill above a limit."""

    def __init__(self, pid: int, limit_bytes: float):
        super().__init__(daemon=True)
        self.proc, self.limit = psutil.Process(pid), limit_bytes
        self.peak_server = self.peak_total = self.kernels_at_peak = 0
        self.killed = False
        self.stop = threading.Event()

    def sample(self) -> tuple[int, int, int]:
        kids = [k for k in self.proc.children(recursive=True) if k.is_running()]
        server = self.proc.memory_info().rss
        total = server
        for k in kids:
            try:
                total += k.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return server, total, len(kids)

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                server, total, n = self.sample()
            except psutil.NoSuchProcess:
                return
            self.peak_server = max(self.peak_server, server)
            if total > self.peak_total:
                self.peak_total, self.kernels_at_peak = total, n
            if total > self.limit:
                self.killed = True
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    try:
                        p.kill()
                    except psutil.NoSuchProcess:
                        pass
                return
            time.sleep(0.2)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=20, help="pages opened at once (default 20)")
    ap.add_argument("--per-client", type=int, default=None, help="raise the per-client cap to this")
    ap.add_argument("--limit-gb", type=float, default=8.0, help="kill the server above this memory [GB]")
    args = ap.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-dashboard-load-"))
    port = free_port()
    extra: tuple[str, ...] = ()
    if args.per_client:
        extra = (f"--PageKernelManager.max_kernels_per_client={args.per_client}",
                 f"--PageKernelManager.max_kernels={max(args.per_client, 12)}")
    cmd, env, cwd = serve_command(port=port, extra_args=extra)
    url = dashboard_url(port, env=env)
    log = (tmp / "voila.log").open("w")
    proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    watch = Watch(proc.pid, args.limit_gb * 1e9)
    watch.start()
    print(f"dashboard under load: {args.pages} pages at once (2 shared cores; load "
          f"{psutil.getloadavg()[0]:.1f} at start)")
    try:
        t0 = time.monotonic()
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() - t0 > 120:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        while len(psutil.Process(proc.pid).children(recursive=True)) < POOL:  # the pre-heated pool
            time.sleep(0.5)
        time.sleep(5)
        idle_server, idle_total, _ = watch.sample()
        print(f"  before: server {idle_server / 2**20:.0f} MiB, with the {POOL} pre-heated kernels "
              f"{idle_total / 2**30:.2f} GiB")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            pages, errors, statuses = [], [], []
            for _ in range(args.pages):
                p = ctx.new_page()
                p.on("pageerror", lambda e: errors.append(f"page error: {e}"[:200]))
                pages.append(p)
            t0 = time.monotonic()
            for p in pages:  # all requests in flight together
                p.goto(url, wait_until="commit", timeout=300_000)
            rendered, refused = 0, 0
            for p in pages:
                try:
                    p.wait_for_function(f"{READY} || document.querySelector('.wb-full') !== null",
                                        timeout=300_000)
                    if p.locator(".wb-full").count():
                        refused += 1
                    elif p.locator(".wb-error").count():
                        errors.append(p.inner_text(".wb-error")[:200])
                    else:
                        rendered += 1
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    errors.append(f"{type(exc).__name__}: {exc}"[:200])
            took = time.monotonic() - t0
            time.sleep(3)
            _, open_total, open_kernels = watch.sample()
            print(f"  {rendered} pages rendered, {refused} refused by the caps (HTTP 503 with the message), "
                  f"{len(errors)} other errors, in {took:.1f} s")
            for e in errors[:5]:
                print(f"    error: {e}")
            print(f"  memory: peak server {watch.peak_server / 2**20:.0f} MiB; peak server + kernels "
                  f"{watch.peak_total / 2**30:.2f} GiB with {watch.kernels_at_peak} kernels; "
                  f"{open_total / 2**30:.2f} GiB with {open_kernels} kernels while open")
            t1 = time.monotonic()
            for p in pages:
                p.close(run_before_unload=True)  # as a user closes the tab: Voilà's shutdown call
            back = None
            while time.monotonic() - t1 < 180:
                server, total, n = watch.sample()
                if n <= POOL:
                    back = time.monotonic() - t1
                    break
                time.sleep(0.5)
            time.sleep(3)
            server, total, n = watch.sample()
            print(f"  recovery: {'back to the ' + str(POOL) + ' pre-heated kernels in ' + f'{back:.1f} s' if back is not None else 'still ' + str(n) + ' kernels after 180 s'}; "
                  f"server {server / 2**20:.0f} MiB, with kernels {total / 2**30:.2f} GiB")
            p = ctx.new_page()
            t2 = time.monotonic()
            p.goto(url, timeout=300_000)
            p.wait_for_function(READY, timeout=300_000)
            print(f"  a new page afterwards renders in {time.monotonic() - t2:.1f} s")
            p.close(run_before_unload=True)
            browser.close()
        if watch.killed:
            print(f"  KILLED: the server went above {args.limit_gb} GB")
    finally:
        watch.stop.set()
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if watch.killed else 0


if __name__ == "__main__":
    sys.exit(main())
