"""The package's version, and a fingerprint of its code and shipped data.

One home for what a record says of the code that wrote it: ``run.json``, ``provenance.json``, the
minutes of a committee, the dashboard's disk cache (an entry written by other code is never
read).  Only the standard library is imported here: every layer may import it.
"""
from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version as _version
from pathlib import Path

try:
    __version__ = _version("workbench")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"

#: The package's files whose content a result may depend on (code and shipped data).
FINGERPRINTED = (".py", ".csv", ".yaml", ".json")
_FINGERPRINT: dict = {}


def code_fingerprint(root: str | Path | None = None) -> str:
    """``<version>+<16 hex digits>``: the package's version and the sha256 of every ``.py``,
    ``.csv``, ``.yaml`` and ``.json`` file under ``root`` (default: the package's folder), by
    relative path; computed once per folder and process (a few milliseconds).  A development
    checkout whose code changed between two versions gets another fingerprint."""
    folder = Path(root) if root is not None else Path(__file__).resolve().parent
    key = str(folder)
    if key not in _FINGERPRINT:
        h = hashlib.sha256()
        for f in sorted(folder.rglob("*")):
            if f.suffix in FINGERPRINTED and "__pycache__" not in f.parts and f.is_file():
                h.update(str(f.relative_to(folder)).encode("utf-8") + b"\0" + f.read_bytes() + b"\0")
        _FINGERPRINT[key] = f"{__version__}+{h.hexdigest()[:16]}"
    return _FINGERPRINT[key]
