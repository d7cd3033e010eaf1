"""The dashboard's web server: Voilà with the limits a shared machine needs.

``workbench dashboard`` runs ``python -m workbench.dashboard.server`` instead of ``voila``: the
same server, read from the same ``voila.json``, with these changes, each against a failure
reproduced on a live server (issues 16, 21, 23; how to serve it: ``docs/operations/serving-the-dashboard.md``):

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
  are capped in total (:attr:`PageKernelManager.max_kernels`) and per client
  (:attr:`PageKernelManager.max_kernels_per_client`; the client is the connection's address,
  see :func:`client_address` behind a proxy); beyond that the page is refused (HTTP 503, a short
  message).  A page takes its place under the caps when it is admitted, before its kernel
  starts (:meth:`PageKernelManager.reserve`): 30 requests at once used to pass the check
  together and start 30 kernels (3.83 GB).  A kernel whose page has not been connected for
  :attr:`PageKernelManager.unconnected_timeout_s` (never connected, or closed without the page's
  shutdown call) is shut down at the next cull pass.
* **The token stays secret** (issue 23).  The address is printed by this server once it
  listens and its first page is ready (:meth:`WorkbenchVoila.listen`), with the port it really
  holds: ``workbench dashboard`` used to print the asked port before Voilà moved to the next
  free one, so whoever held that port received ``GET /?token=...``.  The token is taken out of
  the environment before any kernel starts and out of the page's request before Voilà copies it
  to the kernel (``QUERY_STRING``, ``VOILA_REQUEST_URL``), and every log line has it masked
  (:func:`install_log_redaction`).
* **Temporary files**.  Each kernel keeps the files a committee uploads in a private temporary
  folder named after its process id (:data:`workbench.dashboard.UPLOAD_PREFIX`); the kernel removes it when it
  exits cleanly, and the server removes the folders of kernels no longer running when it
  starts and after every kernel shutdown (:func:`remove_stale_upload_dirs`).  The kernels'
  connection files and unix sockets are in a folder named after the server's process id
  (:data:`CONNECTION_PREFIX`), removed when the server stops; a killed server's folder is removed
  by the next one (:func:`remove_stale_connection_dirs`).
* Host and Origin checks and the token are plain Voilà / jupyter_server settings: see
  ``voila.json`` (``Voila.tornado_settings``) and :func:`workbench.dashboard.serve_command`.
"""
from __future__ import annotations

import asyncio
import errno
import ipaddress
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from collections.abc import Callable, Iterable
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.iostream import StreamBufferFullError
from traitlets import Bool, Float, Integer, List, Unicode, default
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


# --------------------------------------------------------------------------------------------
# Upload folders
# --------------------------------------------------------------------------------------------
def upload_dir_pid(path: Path) -> int | None:
    """The kernel process id in an upload folder's name, or ``None`` if it has none."""
    from .uploads import UPLOAD_PREFIX

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

    from .uploads import UPLOAD_PREFIX

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


#: Prefix of the folder of the kernels' connection files and unix sockets; the server's process
#: id follows it (``workbench-voila-<pid>-<random>``), so that the next server knows whether the
#: folder's server still runs.
CONNECTION_PREFIX = "workbench-voila-"
#: Prefix of the folders Voilà itself names (``voila_<random>``), left by servers killed before
#: this naming.
LEGACY_CONNECTION_PREFIX = "voila_"


#: Longest path a unix socket may have on Linux (``sun_path``, 108 bytes with its final NUL).
UNIX_SOCKET_PATH_MAX = 107


def connection_root(preferred: str) -> str:
    """The folder to hold the kernels' connection folder: ``preferred`` (the temporary folder),
    unless the kernels' unix sockets would have too long a path there, then ``/tmp``.

    A socket is ``<root>/workbench-voila-<pid>-<8>/kernel-<36-character id>-ipc-<n>``, 82 characters
    besides ``<root>`` (a pid up to 7 digits): a temporary folder over 25 characters
    (``TMPDIR`` under a home folder, macOS's ``/var/folders/...``) made every kernel fail to bind
    ("File name too long") and fall back to TCP ports without encryption.
    """
    longest = os.path.join(preferred, f"{CONNECTION_PREFIX}4194304-abcdefgh", "kernel-" + "0" * 36 + "-ipc-5")
    if len(longest.encode()) <= UNIX_SOCKET_PATH_MAX or not os.path.isdir("/tmp"):
        return preferred
    return "/tmp"


def _process_started_after(pid: int, path: Path) -> bool:
    """Whether process ``pid`` runs and started no later than ``path`` was made (it may own it).

    A process id reused by a later process does not keep a dead server's folder.
    """
    import psutil

    try:
        return psutil.Process(pid).create_time() <= path.stat().st_mtime + 1.0
    except (psutil.Error, OSError):
        return False


def _paths_in_use(root: Path) -> set[str]:
    """The folders under ``root`` named on the command line of a running process of this user
    (a kernel is started with ``-f <folder>/kernel-<id>.json``)."""
    import psutil

    used: set[str] = set()
    prefix = str(root) + os.sep
    for proc in psutil.process_iter(["uids", "cmdline"]):
        try:
            if proc.info["uids"] is None or proc.info["uids"].real != os.getuid():
                continue
            for arg in proc.info["cmdline"] or ():
                if arg.startswith(prefix):
                    used.add(arg[len(prefix):].split(os.sep, 1)[0])
        except (psutil.Error, TypeError):
            continue
    return used


def remove_stale_connection_dirs(tmp: str | os.PathLike | None = None) -> list[Path]:
    """Remove the kernels' connection folders of servers no longer running; return them.

    A server killed (``SIGKILL``, a crash) leaves its folder: the kernels' connection files (with
    the key that signs their messages) and unix sockets.  Only folders owned by the current user
    are touched: ``<CONNECTION_PREFIX><pid>-...`` whose server process is gone (or whose process
    id now belongs to a later process), and Voilà's own ``voila_<random>`` folders (the naming
    before this one) that no running process of the user names and older than
    :data:`LEGACY_UPLOAD_DIR_AGE_S`.
    """
    root = Path(tmp) if tmp is not None else Path(tempfile.gettempdir())
    ours = re.compile(re.escape(CONNECTION_PREFIX) + r"(\d+)-[a-z0-9_]+")
    legacy = re.compile(re.escape(LEGACY_CONNECTION_PREFIX) + r"[a-z0-9_]{8}")
    removed = []
    in_use: set[str] | None = None
    for d in sorted(root.glob(CONNECTION_PREFIX + "*")) + sorted(root.glob(LEGACY_CONNECTION_PREFIX + "*")):
        try:
            if not d.is_dir() or d.is_symlink() or d.stat().st_uid != os.getuid():
                continue
            m = ours.fullmatch(d.name)
            if m:
                if _process_started_after(int(m.group(1)), d):
                    continue
            elif legacy.fullmatch(d.name):
                if time.time() - d.stat().st_mtime < LEGACY_UPLOAD_DIR_AGE_S:
                    continue
                in_use = _paths_in_use(root) if in_use is None else in_use
                if d.name in in_use:
                    continue
            else:
                continue
        except OSError:
            continue
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    return removed


# --------------------------------------------------------------------------------------------
# The token in logs and requests
# --------------------------------------------------------------------------------------------
_TOKEN_PARAMETER = re.compile(r"(token=)[^&#\s\"'<>;,)]+", re.IGNORECASE)
#: What a token is replaced with in a log line.
REDACTED = "[redacted]"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with the value of every ``token=`` parameter and every string of ``secrets`` masked."""
    text = _TOKEN_PARAMETER.sub(r"\1" + REDACTED, text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return text


def install_log_redaction(secrets: Iterable[str] = ()) -> None:
    """Mask tokens in every log record of this process, whatever logger or handler writes it.

    tornado's access log and its warnings name each request by its URI (``403 GET /?token=...``,
    ``503 GET /?token=...``): the record factory rewrites the message of every record before any
    handler sees it (a filter on handlers would miss tornado's loggers, which have none and reach
    ``logging.lastResort``).
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_workbench_redacts", False):
        # installed again (tests): replace, not stack; known by its flag rather than its class, as
        # the module may be loaded twice (as __main__ and as workbench.dashboard.server)
        previous = cast(_RedactingFactory, previous)._workbench_previous
    logging.setLogRecordFactory(_RedactingFactory(previous, tuple(s for s in secrets if s)))


class _RedactingFactory:
    """A log record factory: the record ``previous`` makes, its message with ``secrets`` masked."""

    _workbench_redacts = True

    def __init__(self, previous: Callable[..., logging.LogRecord], secrets: tuple[str, ...]):
        self._workbench_previous = previous
        self.secrets = secrets

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self._workbench_previous(*args, **kwargs)
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logging's to report, as it is
            return record
        masked = redact(text, self.secrets)
        if masked != text:
            record.msg, record.args = masked, None
        return record


def drop_token_from_request(request) -> None:
    """Remove the ``token`` parameter from a request already authenticated.

    Voilà copies the page's request into the kernel it hands out (``QUERY_STRING``,
    ``VOILA_REQUEST_URL`` in its environment, and the request info it keeps for the kernel): the
    token has no business there.
    """
    if "token" not in request.query_arguments:
        return
    kept = [(k, v) for k, v in parse_qsl(request.query, keep_blank_values=True) if k != "token"]
    request.query = urlencode(kept)
    request.uri = request.path + (f"?{request.query}" if request.query else "")
    request.query_arguments.pop("token", None)
    request.arguments.pop("token", None)


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------
def client_address(peer: str, forwarded_for: str | None, trusted_proxies: Iterable[str] = ()) -> str:
    """The client a page request counts against in the caps.

    The connection's address (``peer``), unless it is one of ``trusted_proxies`` (addresses or
    networks, ``10.0.0.0/8``): then the last address of ``X-Forwarded-For`` that is not itself a
    trusted proxy (proxies append the address they received the request from; addresses a client
    writes itself come first and are never read).  No trusted proxy (the default): behind a
    reverse proxy every page is one client, the proxy.  A malformed header counts as the peer.
    """
    networks = []
    for p in trusted_proxies:
        try:
            networks.append(ipaddress.ip_network(p, strict=False))
        except ValueError:
            continue

    def trusted(addr: str) -> bool:
        try:
            ip = ipaddress.ip_address(addr)
        except ValueError:
            return False
        return any(ip in n for n in networks)

    if not networks or not trusted(peer) or not forwarded_for:
        return peer
    hops = [h.strip() for h in forwarded_for.split(",")]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return peer
        if not trusted(hop):
            return hop
    return peer


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

    A page counts against the caps from its admission (:meth:`reserve`, before any kernel is
    taken or started) until its kernel is recorded (:meth:`handed_out`) or its request ends
    without one; then as long as its kernel lives.  The server runs on one event loop and
    :meth:`reserve` checks and counts in one step, with no ``await`` between: requests arriving
    together are admitted one after the other, and the caps hold under a burst.
    """

    max_kernels = Integer(12, config=True, help="Most kernels handed to pages at once, all clients "
                                                "together (pre-heated pool kernels not counted).")
    max_kernels_per_client = Integer(6, config=True, help="Most kernels handed to pages at once for one "
                                                          "client (workbench.dashboard.server.client_address).")
    unconnected_timeout_s = Float(60.0, config=True, help="Shut a page's kernel down when no websocket has "
                                                          "been connected to it for this long [s].")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.page_owner: dict[str, str] = {}  # kernel id -> client
        self.last_seen: dict[str, float] = {}  # kernel id -> monotonic time it was handed out or last connected
        self.reserved: Counter[str] = Counter()  # client -> pages admitted whose kernel is not recorded yet
        removed = remove_stale_upload_dirs()
        if removed:
            self.log.info("Removed %d upload folder(s) of kernels no longer running", len(removed))

    def page_kernels(self, client: str | None = None) -> int:
        """Number of live kernels handed to pages (of ``client`` when given)."""
        live = set(self._kernels)
        return sum(1 for k, c in self.page_owner.items() if k in live and (client is None or c == client))

    def admit(self, client: str) -> str | None:
        """``None`` when ``client`` may open one more page, else the reason (``"total"`` or ``"client"``).

        Pages admitted and not yet given their kernel count (:meth:`reserve`).
        """
        if self.page_kernels() + sum(self.reserved.values()) >= self.max_kernels:
            return "total"
        if self.page_kernels(client) + self.reserved[client] >= self.max_kernels_per_client:
            return "client"
        return None

    def reserve(self, client: str) -> str | None:
        """Admit one more page of ``client`` and count it at once; ``None`` if admitted, else the reason.

        An admitted page must end with :meth:`release` (its request is over) after
        :meth:`handed_out` (its kernel is recorded), or with :meth:`release` alone.
        """
        reason = self.admit(client)
        if reason is None:
            self.reserved[client] += 1
        return reason

    def release(self, client: str) -> None:
        """An admitted page of ``client`` no longer waits for its kernel (recorded, or none)."""
        self.reserved[client] -= 1
        if self.reserved[client] <= 0:
            del self.reserved[client]

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


class _Admission:
    """One admitted page request: its place under the caps, held until its kernel is recorded."""

    def __init__(self, km: PageKernelManager, client: str):
        self.km, self.client, self.held = km, client, True

    def kernel(self, kernel_id: str) -> None:
        """The page's kernel: counted from now on as a page kernel, no longer as a reservation."""
        self.km.handed_out(kernel_id, self.client)
        self.release()

    def release(self) -> None:
        if self.held:
            self.held = False
            self.km.release(self.client)


class _RecordingKernels:
    """The kernel manager as one page request sees it: records the kernel the page gets."""

    def __init__(self, km: PageKernelManager, admission: _Admission):
        self._km, self._admission = km, admission

    def __getattr__(self, name):
        return getattr(self._km, name)

    async def get_rendered_notebook(self, *args, **kwargs):
        task, cache, kernel_id = await self._km.get_rendered_notebook(*args, **kwargs)
        self._admission.kernel(kernel_id)
        return task, cache, kernel_id

    async def start_kernel(self, *args, **kwargs):
        kernel_id = await self._km.start_kernel(*args, **kwargs)
        self._admission.kernel(kernel_id)
        return kernel_id


class PageHandler(TornadoVoilaHandler):
    """Voilà's page, refused (HTTP 503) once the kernels of pages reach their caps."""

    _admission: _Admission | None = None

    @property
    def client(self) -> str:
        """The client this request counts against in the caps (:func:`client_address`)."""
        return client_address(self.request.remote_ip, self.request.headers.get("X-Forwarded-For"),
                              self.settings.get("workbench_trusted_proxies", ()))

    @property
    def kernel_manager(self):
        km = self.settings["kernel_manager"]
        if isinstance(km, PageKernelManager) and self._admission is not None:
            return _RecordingKernels(km, self._admission)
        return km

    @web.authenticated
    async def get(self, path=None):
        km = self.settings["kernel_manager"]
        if isinstance(km, PageKernelManager):
            client = self.client
            reason = km.reserve(client)
            if reason is not None:
                return self._refuse(km, client, reason)
            self._admission = _Admission(km, client)
        # authenticated: the token has done its work and must not reach the kernel
        drop_token_from_request(self.request)
        # the page tells the server it closes (a beacon to /voila/api/shutdown/<kernel>) with the
        # _xsrf cookie; Voilà never sets it, so with a token every beacon was refused (403) and the
        # kernel stayed until culled
        self.xsrf_token  # noqa: B018 - reading it sets the cookie
        try:
            return await super().get(path=path)
        finally:
            if self._admission is not None:
                self._admission.release()  # no kernel recorded (an error, a redirect): its place is free

    def _refuse(self, km: PageKernelManager, client: str, reason: str) -> None:
        from ..messages import label

        self.log.warning("Refusing a page for %s: %d page kernels (%d of this client), %d pages starting",
                         client, km.page_kernels(), km.page_kernels(client), sum(km.reserved.values()))
        self.set_status(503)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Retry-After", str(int(km.unconnected_timeout_s)))
        key = "dashboard_full_total" if reason == "total" else "dashboard_full_client"
        self.finish("<!DOCTYPE html><html><head><meta charset='utf-8'><title>workbench</title></head><body>"
                    f"<p class='wb-full' lang='fr'>{label(key, 'fr')}</p>"
                    f"<p class='wb-full' lang='en'>{label(key, 'en')}</p></body></html>")


# --------------------------------------------------------------------------------------------
# The application
# --------------------------------------------------------------------------------------------
class WorkbenchVoila(Voila):
    """Voilà with the handlers of this module, its token kept out of kernels and logs, and an
    address printed once it answers.

    ``extra_hostnames`` and ``remote_access`` adjust the Host check of ``voila.json``'s
    ``Voila.tornado_settings`` from the command line (a dict option cannot be given there
    without its values turning into strings).  ``port_retries`` (Voilà's option) is the number of
    next ports tried, one after the other, when the port is taken; ``workbench dashboard`` sets
    it to 0 when ``--port`` is given (a taken port is then refused, exit status 2).
    """

    extra_hostnames = List(Unicode(), config=True,
                           help="Host names accepted besides voila.json's local_hostnames (a reverse proxy's).")
    remote_access = Bool(False, config=True, help="Turn the Host check off (a server listening beyond this "
                                                  "machine, protected by its token).")
    trusted_proxies = List(Unicode(), config=True,
                           help="Addresses (or networks) of reverse proxies whose X-Forwarded-For names the "
                                "client the caps count (default none: the connection's address).")
    ready_timeout_s = Float(300.0, config=True,
                            help="Longest wait for the first pre-heated page before printing the address "
                                 "anyway [s].")
    lang = Unicode(config=True, help="Language of what the server prints: fr or en (default $WORKBENCH_LANG, "
                                     "else fr).")

    @default("lang")
    def _lang_default(self):
        from ..messages import LANGS

        value = os.environ.get("WORKBENCH_LANG") or "fr"
        return value if value in LANGS else "fr"

    def initialize(self, argv=None):
        super().initialize(argv)
        settings = dict(self.tornado_settings)
        settings["local_hostnames"] = [*settings.get("local_hostnames", ["localhost"]), *self.extra_hostnames]
        if self.remote_access:
            settings["allow_remote_access"] = True
        settings["workbench_trusted_proxies"] = tuple(self.trusted_proxies)
        self.tornado_settings = settings
        # the token Voilà reads from JUPYTER_TOKEN (--token) is taken out of the environment now,
        # before any kernel starts: kernels inherit this process's environment and do not need it
        token = os.environ.pop("JUPYTER_TOKEN", None)
        os.environ.pop("JUPYTER_TOKEN_FILE", None)
        if token and self.token is None and self.auto_token:
            self.token = token
        install_log_redaction([self.token or ""])

    def start(self):
        """Voilà's start, the kernels' connection folder named after this server's process id
        (:func:`remove_stale_connection_dirs`)."""
        import tornado.web

        root = connection_root(self.connection_dir_root)
        if root != self.connection_dir_root:
            self.log.warning("%s is too long a path for the kernels' unix sockets: using %s", self.connection_dir_root,
                             root)
        removed = remove_stale_connection_dirs(root)
        if removed:
            self.log.info("Removed %d connection folder(s) of servers no longer running", len(removed))
        self.connection_dir = tempfile.mkdtemp(prefix=f"{CONNECTION_PREFIX}{os.getpid()}-", dir=root)
        self.log.info("Storing connection files in %s.", self.connection_dir)
        self.log.info("Serving static files from %s.", self.static_root)
        settings = self.init_settings()
        install_log_redaction([self.token or "", self.identity_provider.token or ""])
        self.app = tornado.web.Application(**settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        self.listen()

    def stop(self):
        """Shut every kernel down, then remove the connection folder (Voilà removed the folder
        first, under its kernels' feet)."""
        from jupyter_core.utils import run_sync

        try:
            run_sync(self.kernel_manager.shutdown_all)()
        finally:
            shutil.rmtree(self.connection_dir, ignore_errors=True)

    def candidate_ports(self) -> list[int]:
        """The port asked for, then the next ``port_retries`` ones (never a random one)."""
        return [p for p in range(self.port, self.port + max(self.port_retries, 0) + 1) if p <= 65535]

    def listen(self):
        """Listen on the first free port of :meth:`candidate_ports`, print the address once the
        server answers (:meth:`announce_when_ready`), run until stopped.

        No free port: the problem is printed (``E_PORT_TAKEN``) and the server exits with status 2,
        before any address is printed.
        """
        import tornado.ioloop

        for port in self.candidate_ports():
            try:
                self.app.listen(port, self.ip)
            except OSError as e:
                if e.errno in (errno.EADDRINUSE, errno.EACCES):
                    self.log.info("Port %i is not available (%s)", port, os.strerror(e.errno))
                    continue
                raise
            self.port = port
            break
        else:
            self._refuse_port()
        self.log.info("Voilà listens on %s:%i", self.ip, self.port)
        self.ioloop = tornado.ioloop.IOLoop.current()
        self.ioloop.add_callback(self.announce_when_ready)
        try:
            self.ioloop.start()
        except KeyboardInterrupt:
            self.log.info("Stopping...")
        finally:
            self.stop()

    def _refuse_port(self) -> None:
        from ..errors import Problem
        from ..messages import msg
        from ..errors import problems_message

        ports = self.candidate_ports()
        shown = ports[0] if len(ports) == 1 else f"{ports[0]}-{ports[-1]}"
        problem = Problem("<option>", "--port", shown, msg("E_PORT_TAKEN"))
        print(f"workbench dashboard: {problems_message([problem], self.lang)}", file=sys.stderr, flush=True)
        shutil.rmtree(self.connection_dir, ignore_errors=True)
        self.exit(2)

    def page_url(self) -> str:
        """The page's address on the port this server holds, with its token."""
        from .serve import dashboard_url

        return dashboard_url(self.port, self.ip, token=self.identity_provider.token or "")

    async def first_page_ready(self) -> None:
        """Wait until a pre-heated kernel has run the dashboard notebook (at most
        :attr:`ready_timeout_s`), so that a page opened at once is served at once; return at once
        without a pool."""
        pools = getattr(self.kernel_manager, "_pools", None) or {}
        tasks = [t for pool in pools.values() for t in pool]
        if not tasks:
            return
        deadline = time.monotonic() + self.ready_timeout_s
        pending = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, timeout=max(deadline - time.monotonic(), 0),
                                               return_when=asyncio.FIRST_COMPLETED)
            if not done:
                break
            for task in done:
                if task.cancelled() or task.exception() is not None:
                    continue  # that kernel failed: wait for another
                render = task.result()["task"]
                await asyncio.wait([render], timeout=max(deadline - time.monotonic(), 0))
                return
        self.log.warning("No pre-heated page ready after %.0f s: printing the address anyway", self.ready_timeout_s)

    async def announce_when_ready(self) -> None:
        """Print the page's address on stdout once the server answers on it (its log goes to stderr)."""
        from ..messages import label

        try:
            await self.first_page_ready()
        finally:
            print(label("dashboard_ready", self.lang, url=self.page_url()), file=sys.stdout, flush=True)

    def init_handlers(self):
        swap = {VoilaKernelWebsocketHandler: KernelWebsocketHandler, TornadoVoilaHandler: PageHandler}
        return [(h[0], swap.get(h[1], h[1]), *h[2:]) if isinstance(h, tuple) else h for h in super().init_handlers()]


main = WorkbenchVoila.launch_instance

if __name__ == "__main__":  # pragma: no cover - run by ``workbench dashboard``
    # run the classes of the imported module, the ones voila.json names (not copies in __main__)
    from workbench.dashboard.server import main as _main

    _main()
