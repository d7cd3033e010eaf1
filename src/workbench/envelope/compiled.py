"""numba, the compiler of the kernel and of the order statistics, when installed (None otherwise:
the NumPy reference runs instead, slower).  Compiled functions are cached on disk next to their
module (``cache=True``)."""
from types import ModuleType

_nb: ModuleType | None
try:
    import numba as _nb
except ImportError:  # pragma: no cover - numba is a declared dependency
    _nb = None
