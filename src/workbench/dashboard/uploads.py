"""Where a kernel keeps the candidate files a committee uploads: a private folder per kernel,
files stored under a safe name."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..errors import InputError, Problem
from ..limits import MAX_CANDIDATE_BYTES
from ..messages import msg

#: Prefix of a kernel's upload folder in the system temporary folder, ``<prefix><pid>-<random>``:
#: the server removes the folders of kernels no longer running (:mod:`workbench.dashboard.server`).
UPLOAD_PREFIX = "workbench-dashboard-"


def upload_dir() -> Path:
    """A private folder (0700) for this kernel's uploads, removed when the kernel exits.

    Its name carries the kernel's process id, so that the server can remove the folders of
    kernels killed before they could (:func:`workbench.dashboard.server.remove_stale_upload_dirs`).
    """
    import atexit
    import shutil

    d = Path(tempfile.mkdtemp(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-"))
    atexit.register(shutil.rmtree, d, ignore_errors=True)
    return d


def upload_name(name: str) -> str:
    """The name an uploaded file is stored under: its last path part, letters, digits, ``._-``
    (``..``, ``.``, an empty or hidden name become ``upload<suffix>``)."""
    base = re.sub(r"[^\w.-]+", "_", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip("._")[:120]
    suffix = Path(base).suffix.lower()
    if not Path(base).stem:
        return "upload" + (suffix if suffix in (".csv", ".xlsx", ".xlsm") else ".csv")
    return base


def check_upload(name: str, size: int) -> None:
    """Refuse an upload by its size before it is written to the kernel's folder (the readers then
    check its shape before parsing it: :mod:`workbench.preflight`), so a page gets its message at
    once.  Raises :class:`~workbench.errors.InputError`."""
    if size > MAX_CANDIDATE_BYTES:
        raise InputError([Problem(upload_name(name), "", f"{size:,} bytes",
                                  msg("E_CANDIDATES_TOO_LARGE", limit=MAX_CANDIDATE_BYTES))])
