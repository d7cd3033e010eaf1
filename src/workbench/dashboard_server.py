"""The dashboard's web server: Voilà with the limits a shared machine needs.

``workbench dashboard`` runs ``python -m workbench.dashboard_server`` instead of ``voila``: the
same server, read from the same ``voila.json``, with four changes, each against a failure
reproduced on a live server (issue 16):

* **Kernel websocket** (:class:`KernelWebsocketHandler`).  Voilà 0.5.13 reads the header of
  every binary message it sends to the page as if the client spoke the ``v1`` websocket
  protocol.  A client that connects without a sub-protocol (the legacy protocol, any script)
  gets binary messages framed the legacy way (4-byte big-endian counts); read as 8-byte
  little-endian, the first count is about 10^17 and Voilà builds a list of that many offsets:
  the server grew at ~60 MB/s, stopped answering and ignored SIGTERM (its event loop never
  came back).  Asking the state of every widget (``request_state``, whose replies carry the
  images as binary buffers) was enough.  Here the header is read by the framing the
  connection really uses, with every offset checked against the message length, and what
  the server queues for one client is bounded (:attr:`KernelWebsocketHandler.max_queued_bytes`,
  the connection is closed beyond it).
* **Pages and kernels** (:class:`PageHandler`, :class:`PageKernelManager`).  Voilà starts (or takes
  from its pre-heated pool, then refills) a kernel for every ``GET`` of the page, browser or
  not; Voilà offers no way to wait for the page's websocket.  So the kernels handed to pages
  are capped in total (:attr:`PageKernelManager.max_kernels`) and per client address
  (:attr:`PageKernelManager.max_kernels_per_client`); beyond that the page is refused (HTTP 503,
  a short message); and a kernel whose page has not been connected for
  :attr:`PageKernelManager.unconnected_timeout_s` (never connected, or closed without the page's
  shutdown call) is shut down at the next cull pass.
* **Upload folders**.  Each kernel keeps the files a committee uploads in a private temporary
  folder named after its process id (:data:`workbench.dashboard.UPLOAD_PREFIX`); the kernel removes it when it
  exits cleanly, and the server removes the folders of kernels no longer running when it
  starts and after every kernel shutdown (:func:`remove_stale_upload_dirs`).
* Host and Origin checks and the token are plain Voilà / jupyter_server settings: see
  ``voila.json`` (``Voila.tornado_settings``) and :func:`workbench.dashboard.serve_command`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.iostream import StreamBufferFullError
from traitlets import Bool, Float, Integer, List, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


# --------------------------------------------------------------------------------------------
# Upload folders
# --------------------------------------------------------------------------------------------
def upload_dir_pid(path: Path) -> int | None:
    """The kernel process id in an upload folder's name, or ``None`` if it has none."""
    from .dashboard import UPLOAD_PREFIX

    m = re.fullmatch(re.escape(UPLOAD_PREFIX) + r"(\d+)-.+", path.name)
    return int(m.group(1)) if m else None


#: Age after which an upload folder of the earlier naming (without the kernel's process id) is
#: taken as abandoned [s].  An assumption: a day is longer than any committee session.
LEGACY_UPLOAD_DIR_AGE_S = 24 * 3600


def remove_stale_upload_dirs(tmp: str | os.PathLike | None = None) -> list[Path]:
    """Remove the upload folders whose kernel process no longer runs; return them.

    Only folders owned by the current user are touched: ``<UPLOAD_PREFIX><pid>-...`` whose
    process is gone (a folder of a running process is kept: its kernel still serves a page), and
    folders of the earlier naming (``<UPLOAD_PREFIX>`` and a random suffix only, which never were
    removed) older than :data:`LEGACY_UPLOAD_DIR_AGE_S`.
    """
    import psutil

    from .dashboard import UPLOAD_PREFIX

    root = Path(tmp) if tmp is not None else Path(tempfile.gettempdir())
    legacy = re.compile(re.escape(UPLOAD_PREFIX) + r"[a-z0-9_]{8}")
    removed = []
    for d in root.glob(UPLOAD_PREFIX + "*"):
        pid = upload_dir_pid(d)
        try:
            if not d.is_dir() or d.is_symlink() or d.stat().st_uid != os.getuid():
                continue
            if pid is None:
                if not legacy.fullmatch(d.name) or time.time() - d.stat().st_mtime < LEGACY_UPLOAD_DIR_AGE_S:
                    continue
            elif psutil.pid_exists(pid):
                continue
        except OSError:
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


# --------------------------------------------------------------------------------------------
# The kernel websocket
# --------------------------------------------------------------------------------------------
def message_header(message: Any, v1: bool) -> dict | None:
    """The header of a kernel message as sent on the websocket, or ``None`` if unreadable.

    ``v1`` framing: an 8-byte little-endian count ``n``, ``n`` 8-byte offsets, then the parts
    (channel, header, parent header, metadata, content, buffers).  Legacy framing: a 4-byte
    big-endian count, 4-byte offsets, the message as JSON then the buffers.  Every count and
    offset is checked against the message's length before use.
    """
    if isinstance(message, dict):
        return message.get("header")
    if isinstance(message, str):
        try:
            return json.loads(message).get("header")
        except (ValueError, AttributeError):
            return None
    if not isinstance(message, (bytes, bytearray, memoryview)):
        return None
    message = bytes(message)
    size = 8 if v1 else 4
    if len(message) < size:
        return None
    n = int.from_bytes(message[:size], "little" if v1 else "big")
    if n < (3 if v1 else 1) or size * (n + 1) > len(message):
        return None
    offsets = [int.from_bytes(message[size * (i + 1):size * (i + 2)], "little" if v1 else "big") for i in range(n)]
    try:
        if v1:
            start, end = offsets[1], offsets[2]
        else:
            start, end = offsets[0], offsets[1] if n > 1 else len(message)
        if not 0 <= start <= end <= len(message):
            return None
        part = json.loads(message[start:end].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(part, dict):
        return None
    return part if v1 else part.get("header")


class KernelWebsocketHandler(VoilaKernelWebsocketHandler):
    """Voilà's kernel websocket, reading message headers safely and bounding its queue.

    Like Voilà's, it does not forward ``execute_input`` messages (the page never shows code).
    """

    #: Bytes the server may queue for one client that does not read [bytes]; beyond it the
    #: connection is closed.  An assumption: 64 MB holds the whole widget state of the
    #: dashboard (measured: 571 messages, 0.55 MB with its images) over a hundred times.
    max_queued_bytes = 64 * 1024 * 1024
    #: Messages the server may hold unsent for one client (each costs a task and a future besides
    #: its bytes); beyond it the connection is closed.  An assumption: a page's first load asks
    #: about 600 messages (the state of every widget) and reads them as they come.
    max_queued_messages = 5000
    _pending = 0

    def write_error(self, status_code: int, **kwargs) -> None:
        """A plain refusal (jupyter_server's error page needs templates Voilà does not ship)."""
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")

    def open(self, *args, **kwargs):
        stream = getattr(self.ws_connection, "stream", None)
        if stream is not None:
            stream.max_write_buffer_size = self.max_queued_bytes
        return super().open(*args, **kwargs)

    def write_message(self, message, binary: bool = False):
        if self.ws_connection is None or self.ws_connection.is_closing():
            return None  # closed (by the client, or below): the kernel's later output is dropped
        header = message_header(message, v1=self.selected_subprotocol == V1_PROTOCOL)
        if header and header.get("msg_type") == "execute_input":
            return None
        if self._pending >= self.max_queued_messages:
            return self._close_slow_client(f"{self.max_queued_messages} messages")
        try:
            future = super(VoilaKernelWebsocketHandler, self).write_message(message, binary)
        except StreamBufferFullError:
            return self._close_slow_client(f"{self.max_queued_bytes} bytes")
        self._pending += 1
        future.add_done_callback(self._written)
        return future

    def _written(self, future) -> None:
        self._pending -= 1
        # a write still queued when the connection closes fails; nobody awaits it (jupyter_server
        # does not): retrieve its error here rather than log one "never retrieved" per message
        if not future.cancelled():
            future.exception()

    def _close_slow_client(self, what: str) -> None:
        self.log.warning("Closing the websocket of kernel %s: more than %s queued for a client that does "
                         "not read", getattr(self, "kernel_id", "?"), what)
        self.close(1009, "too much data queued")
        return None  # the message is dropped with the connection (the page reconnects, or not)


# --------------------------------------------------------------------------------------------
# Kernels handed to pages
# --------------------------------------------------------------------------------------------
class PageKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager with a cap on page kernels and a short cull of unconnected ones.

    Voilà wraps this class (``VoilaConfiguration.multi_kernel_manager_class``) with its pool of
    pre-heated kernels; pool kernels are neither counted nor culled here (Voilà skips them).
    """

    max_kernels = Integer(12, config=True, help="Most kernels handed to pages at once, all clients "
                                                "together (pre-heated pool kernels not counted).")
    max_kernels_per_client = Integer(6, config=True, help="Most kernels handed to pages at once for one "
                                                          "client address.")
    unconnected_timeout_s = Float(60.0, config=True, help="Shut a page's kernel down when no websocket has "
                                                          "been connected to it for this long [s].")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.page_owner: dict[str, str] = {}  # kernel id -> client address
        self.last_seen: dict[str, float] = {}  # kernel id -> monotonic time it was handed out or last connected
        removed = remove_stale_upload_dirs()
        if removed:
            self.log.info("Removed %d upload folder(s) of kernels no longer running", len(removed))

    def page_kernels(self, client: str | None = None) -> int:
        """Number of live kernels handed to pages (of ``client`` when given)."""
        live = set(self._kernels)
        return sum(1 for k, c in self.page_owner.items() if k in live and (client is None or c == client))

    def admit(self, client: str) -> str | None:
        """``None`` when ``client`` may open one more page, else the reason (``"total"`` or ``"client"``)."""
        if self.page_kernels() >= self.max_kernels:
            return "total"
        if self.page_kernels(client) >= self.max_kernels_per_client:
            return "client"
        return None

    def handed_out(self, kernel_id: str, client: str) -> None:
        """Record that ``kernel_id`` now serves a page of ``client``."""
        self.log.info("Kernel %s serves a page of %s", kernel_id, client)
        self.page_owner[kernel_id] = client
        self.last_seen[kernel_id] = time.monotonic()
        self.initialize_culler()

    def notify_connect(self, kernel_id):
        super().notify_connect(kernel_id)
        self.last_seen[kernel_id] = time.monotonic()

    def notify_disconnect(self, kernel_id):
        super().notify_disconnect(kernel_id)
        self.last_seen[kernel_id] = time.monotonic()

    async def cull_kernel_if_idle(self, kernel_id):
        if kernel_id in self.page_owner and kernel_id in self._kernels:
            connected = self._kernel_connections.get(kernel_id, 0) > 0
            if connected:
                self.last_seen[kernel_id] = time.monotonic()
            elif time.monotonic() - self.last_seen.get(kernel_id, 0.0) > self.unconnected_timeout_s:
                self.log.warning("Culling kernel %s: its page has not been connected for %.0f s",
                                 kernel_id, self.unconnected_timeout_s)
                await self.shutdown_kernel(kernel_id)
                return
        return await super().cull_kernel_if_idle(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        try:
            return await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            self.page_owner.pop(kernel_id, None)
            self.last_seen.pop(kernel_id, None)
            remove_stale_upload_dirs()


class _RecordingKernels:
    """The kernel manager as one page request sees it: records the kernel the page gets."""

    def __init__(self, km: PageKernelManager, client: str):
        self._km, self._client = km, client

    def __getattr__(self, name):
        return getattr(self._km, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        task, cache, kernel_id = await self._km.get_rendered_notebook(*args, **kwargs)
        self._km.handed_out(kernel_id, self._client)
        return task, cache, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await self._km.start_kernel(*args, **kwargs)
        self._km.handed_out(kernel_id, self._client)
        return kernel_id


class PageHandler(TornadoVoilaHandler):
    """Voilà's page, refused (HTTP 503) once the kernels of pages reach their caps."""

    @property
    def kernel_manager(self):
        km = self.settings["kernel_manager"]
        return _RecordingKernels(km, self.request.remote_ip) if isinstance(km, PageKernelManager) else km

    @web.authenticated
    async def get(self, path=None):
        km = self.settings["kernel_manager"]
        if isinstance(km, PageKernelManager):
            reason = km.admit(self.request.remote_ip)
            if reason is not None:
                from .reporting.labels import label

                self.log.warning("Refusing a page for %s: %d page kernels (%d of this client)", self.request.remote_ip,
                                 km.page_kernels(), km.page_kernels(self.request.remote_ip))
                self.set_status(503)
                self.set_header("Content-Type", "text/html; charset=utf-8")
                self.set_header("Retry-After", str(int(km.unconnected_timeout_s)))
                key = "dashboard_full_total" if reason == "total" else "dashboard_full_client"
                self.finish("<!DOCTYPE html><html><head><meta charset='utf-8'><title>workbench</title></head><body>"
                            f"<p class='wb-full' lang='fr'>{label(key, 'fr')}</p>"
                            f"<p class='wb-full' lang='en'>{label(key, 'en')}</p></body></html>")
                return
        # the page tells the server it closes (a beacon to /voila/api/shutdown/<kernel>) with the
        # _xsrf cookie; Voilà never sets it, so with a token every beacon was refused (403) and the
        # kernel stayed until culled
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        return await super().get(path=path)


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------
class WorkbenchVoila(Voila):
    """Voilà with the kernel websocket and page handlers of this module.

    ``extra_hostnames`` and ``remote_access`` adjust the Host check of ``voila.json``'s
    ``Voila.tornado_settings`` from the command line (a dict option cannot be given there
    without its values turning into strings).
    """

    extra_hostnames = List(Unicode(), config=True,
                           help="Host names accepted besides voila.json's local_hostnames (a reverse proxy's).")
    remote_access = Bool(False, config=True, help="Turn the Host check off (a server listening beyond this "
                                                  "machine, protected by its token).")

    def initialize(self, argv=None):
        super().initialize(argv)
        settings = dict(self.tornado_settings)
        settings["local_hostnames"] = [*settings.get("local_hostnames", ["localhost"]), *self.extra_hostnames]
        if self.remote_access:
            settings["allow_remote_access"] = True
        self.tornado_settings = settings

    def init_handlers(self):
        swap = {VoilaKernelWebsocketHandler: KernelWebsocketHandler, TornadoVoilaHandler: PageHandler}
        return [(h[0], swap.get(h[1], h[1]), *h[2:]) if isinstance(h, tuple) else h for h in super().init_handlers()]


main = WorkbenchVoila.launch_instance

if __name__ == "__main__":  # pragma: no cover - run by ``workbench dashboard``
    # run the classes of the imported module, the ones voila.json names (not copies in __main__)
    from workbench.dashboard_server import main as _main

    _main()
