"""A disk cache of what the dashboard's first view needs, so that a cold kernel shows it at once.

Voila starts a fresh kernel for each visitor: without a cache the first page recomputes the exact
frontier, the envelope simulation behind the fan chart and the robustness (SMAA) of the default
scenario, seconds of work whose answer has not changed since the last visitor.  This module keeps
those results on disk, keyed by everything they depend on:

* the scenario's content hash (:meth:`workbench.scenario.Scenario.hash`, or the hash of the
  settings a stage depends on), the candidates' content hash
  (:func:`workbench.dashboard.candidates_key`), the stage's own settings (weights, budget,
  forced projects, draws, language);
* the workbench version (:data:`workbench.version.__version__`) and a fingerprint of the package's code
  and shipped data (:func:`_version`): a new version, or a development checkout between two
  versions whose code changed, recomputes everything.

Any change to one of them is a new key, so a stale answer is never shown; the old entry is
simply not read again.  Stages kept on disk (:data:`DISK_STAGES`): ``rank`` (a call view of the
decisions, and the decisions in brief: the rows shown and their totals are read at once, the
decisions behind them, which need scipy and the selection models, on first use), ``frontier``, ``sim`` and ``fan_png`` (the fan chart), ``robust`` and ``robust_png``
(the robustness chart).  Entries are
pickles: the folder is created private to the user (mode 0700), since loading a pickle runs
code, and each file is written atomically (a reader never sees half a file).

Folder: ``$WORKBENCH_CACHE_DIR`` (``off`` disables the cache), else
``$XDG_CACHE_HOME/workbench/dashboard``, else ``~/.cache/workbench/dashboard``.

Only the standard library is imported here: the cache must not slow the kernel's start.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import threading
from pathlib import Path
from collections.abc import Callable
from typing import Any

#: Environment variable naming the cache folder (``off``: no disk cache).
ENV_CACHE_DIR = "WORKBENCH_CACHE_DIR"
#: The dashboard's cache stages kept on disk, with how each key is made independent of the
#: process (see :func:`_portable_key`).
DISK_STAGES = ("rank", "frontier", "sim", "fan_png", "robust", "robust_png")
#: Entries of one stage kept on disk; the least recently written beyond are removed.
MAX_ENTRIES = 64
#: Attributes the first view reads from a stage's value, stored apart so that reading them does
#: not load the whole value (a simulation's full result needs the compiled simulation module,
#: half a second to import; the fan chart's totals need only its summary table; the ranked
#: table and totals of a selection need pandas only, its model needs scipy, 0.1-0.3 s).
EAGER_ATTRIBUTES = {"sim": ("summary",), "rank": ("table", "totals", "conflicts", "weights", "call", "key",
                                                        "cands")}

_MISS = object()


def cache_dir() -> Path | None:
    """The cache folder, or ``None`` when ``$WORKBENCH_CACHE_DIR`` is ``off``."""
    env = os.environ.get(ENV_CACHE_DIR)
    if env is not None and env.strip().lower() in ("off", "0", "none", ""):
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workbench" / "dashboard"


def _version() -> str:
    """The package's version and a fingerprint of its code and shipped data
    (:func:`workbench.version.code_fingerprint`): an entry written by other code is never read."""
    from ..version import code_fingerprint  # noqa: PLC0415

    return code_fingerprint()


def _is_hash(v: Any) -> bool:
    return isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v)


def _portable_key(stage: str, key: Any) -> Any:
    """The dashboard's in-memory key of ``stage`` without what only holds in this process.

    The ``rank``, ``frontier`` and ``robust`` keys start with ``id(scenario)`` (an address) followed by the
    scenario's content hash: the address is dropped.  Returns ``None`` when the key does not
    have the layout expected (then the stage is not cached on disk: never a wrong hit).
    """
    if stage in ("rank", "frontier", "robust"):
        if isinstance(key, tuple) and len(key) > 2 and isinstance(key[0], int) and _is_hash(key[1]):
            return key[1:]
        return None
    if stage == "robust_png":
        if isinstance(key, tuple) and len(key) == 3:
            inner = _portable_key("robust", key[0])
            return None if inner is None else (inner,) + key[1:]
        return None
    if stage in ("sim", "fan_png"):
        return key if isinstance(key, tuple) else None
    return None


def _plain(v: Any) -> bool:
    """Whether a key holds only values whose ``repr`` is stable across processes."""
    if isinstance(v, (str, bool, int, float, bytes)) or v is None:
        return True
    if isinstance(v, tuple):
        return all(_plain(x) for x in v)
    return False


class Deferred:
    """A value read from disk whose :data:`EAGER_ATTRIBUTES` are at hand and whose other
    attributes load the whole value on first use (then it behaves as the value)."""

    def __init__(self, eager: dict, payload: bytes, module: str = ""):
        self.__dict__["_eager"], self.__dict__["_payload"], self.__dict__["_value"] = eager, payload, _MISS
        self.__dict__["_module"] = module   # where the value's class lives (checked when read back)

    def __getstate__(self) -> dict:
        return {"_eager": self._eager, "_payload": self._payload, "_module": self._module}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update({"_module": ""}, **state, _value=_MISS)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_eager", "_payload", "_value", "_module"):
            raise AttributeError(name)   # not set yet (unpickling) or a protocol probe
        if name in self._eager:
            return self._eager[name]
        if self._value is _MISS:
            self.__dict__["_value"] = pickle.loads(self._payload)
        return getattr(self._value, name)


def deferred_modules(*names: str) -> tuple:
    """Modules of this package imported on first attribute use (``charts``, ``envelope``…):
    a first view served from the cache never imports matplotlib or the compiled simulation."""
    import importlib  # noqa: PLC0415

    class _Module:
        def __init__(self, name: str):
            self._name = name

        def __getattr__(self, attr: str) -> Any:
            return getattr(importlib.import_module(f"workbench.{self._name}"), attr)

    return tuple(_Module(n) for n in names)


def _module_exists(name: str) -> bool:
    """Whether module ``name`` of this package can be imported, checked without importing it
    (``importlib.util.find_spec`` would import its parent packages: the compiled simulation's
    for a simulation result).  Modules of other packages are assumed present."""
    if not name or name in sys.modules or not name.startswith("workbench."):
        return True
    base = Path(__file__).resolve().parents[1].joinpath(*name.split(".")[1:])   # the package's folder
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


class DiskStore:
    """Pickled values in ``folder/<stage>/<sha256 of the key and version>.pickle``."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, stage: str, key: Any) -> Path:
        blob = repr((_version(), stage, key)).encode("utf-8")
        return self.folder / stage / (hashlib.sha256(blob).hexdigest() + ".pickle")

    def load(self, stage: str, key: Any) -> Any:
        """The value stored for ``key``, or :data:`_MISS` (missing, unreadable or foreign)."""
        p = self.path(stage, key)
        try:
            st = p.stat()
            if hasattr(os, "getuid") and st.st_uid != os.getuid():  # only our own files are unpickled
                return _MISS
            with p.open("rb") as f:
                value = pickle.load(f)
            if isinstance(value, Deferred) and not _module_exists(value._module):
                # its payload is unpickled later, on first use: a class since moved or removed
                # would fail there, so such an entry is not read
                return _MISS
            return value
        except FileNotFoundError:
            return _MISS
        except Exception as exc:  # noqa: BLE001 - a damaged entry is recomputed, never fatal
            print(f"workbench cache: ignoring {p.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return _MISS

    def store(self, stage: str, key: Any, value: Any) -> None:
        """Write ``value`` atomically; a failure (disk full, read-only) only loses the cache."""
        p = self.path(stage, key)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(self.folder, 0o700)   # pickles run code when loaded: private to the user
            eager = EAGER_ATTRIBUTES.get(stage)
            if eager and not isinstance(value, Deferred) and all(hasattr(value, a) for a in eager):
                value = Deferred({a: getattr(value, a) for a in eager},
                                 pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), type(value).__module__)
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=p.parent)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, p)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._trim(p.parent)
        except Exception as exc:  # noqa: BLE001
            print(f"workbench cache: not stored ({type(exc).__name__}: {exc})", file=sys.stderr)

    @staticmethod
    def _trim(folder: Path) -> None:
        files = sorted(folder.glob("*.pickle"), key=lambda q: q.stat().st_mtime)
        for q in files[:-MAX_ENTRIES]:
            q.unlink(missing_ok=True)


class DiskBacked:
    """One dashboard cache stage in memory (the dashboard's own LRU) backed by a
    :class:`DiskStore`: ``get(key, make)`` and ``peek(key)`` as the LRU's, reading the disk on a
    memory miss and writing what ``make`` computes (in a background thread)."""

    def __init__(self, memory: Any, store: DiskStore, stage: str):
        self.memory, self.store, self.stage = memory, store, stage
        self.disk_hits = 0

    def __getattr__(self, name: str) -> Any:      # hits, misses, size, data, lock: the LRU's
        return getattr(self.memory, name)

    def _disk_key(self, key: Any) -> Any:
        k = _portable_key(self.stage, key)
        return k if k is not None and _plain(k) else None

    def _from_disk(self, key: Any) -> Any:
        dk = self._disk_key(key)
        if dk is None:
            return _MISS
        value = self.store.load(self.stage, dk)
        if value is not _MISS:
            self.disk_hits += 1
        return value

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        hit = self.memory.peek(key)
        if hit is not None:
            return self.memory.get(key, make)
        value = self._from_disk(key)
        if value is not _MISS:
            return self.memory.get(key, lambda: value)
        value = self.memory.get(key, make)
        dk = self._disk_key(key)
        if dk is not None and value is not None:
            threading.Thread(target=self.store.store, args=(self.stage, dk, value), daemon=True,
                             name=f"workbench-cache-{self.stage}").start()
        return value

    def peek(self, key: Any) -> Any:
        hit = self.memory.peek(key)
        if hit is not None:
            return hit
        value = self._from_disk(key)
        if value is _MISS:
            return None
        return self.memory.get(key, lambda: value)


def attach_disk_cache(caches: dict, folder: Path | None = None) -> dict:
    """Back the dashboard's stages :data:`DISK_STAGES` in ``caches`` (its ``{stage: LRU}``) with
    the disk cache; the others stay in memory.  Does nothing when the cache is off."""
    folder = cache_dir() if folder is None else Path(folder)
    if folder is None:
        return caches
    store = DiskStore(folder)
    for stage in DISK_STAGES:
        if stage in caches and not isinstance(caches[stage], DiskBacked):
            caches[stage] = DiskBacked(caches[stage], store, stage)
    return caches
