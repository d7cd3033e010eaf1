"""The dashboard's cached stages: a small thread-safe LRU cache and the keys stages are cached on."""
from __future__ import annotations

import copy
import json
from collections import OrderedDict
from typing import Any, Callable

import pandas as pd

from ..scenario import Scenario


class LRU:
    """A small least-recently-used cache: ``get(key, make)`` computes on a miss."""

    def __init__(self, size: int = 16):
        import threading

        self.size, self.data, self.hits, self.misses = size, OrderedDict(), 0, 0
        self.lock = threading.Lock()  # the dashboard's worker threads share the caches

    def get(self, key: Any, make: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.data:
                self.data.move_to_end(key)
                self.hits += 1
                return self.data[key]
            self.misses += 1
        val = make()
        with self.lock:
            self.data[key] = val
            if len(self.data) > self.size:
                self.data.popitem(last=False)
        return val

    def peek(self, key: Any) -> Any:
        """The cached value for ``key``, or ``None`` (no computation)."""
        with self.lock:
            return self.data.get(key)


def hash_without(scenario: Scenario, drop: tuple[str, ...]) -> str:
    """Hash of a scenario's resolved data without the dotted key paths in ``drop``."""
    import hashlib

    data = copy.deepcopy(scenario.resolved())
    for keypath in drop:
        parts = keypath.split(".")
        node = data
        for p in parts[:-1]:
            node = node.get(p) if isinstance(node, dict) else None
            if node is None:
                break
        if isinstance(node, dict):
            node.pop(parts[-1], None)
    blob = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def candidates_key(cands: pd.DataFrame) -> str:
    """A content hash of a candidate table (same rows and values -> same key)."""
    import hashlib

    h = hashlib.sha256(pd.util.hash_pandas_object(cands.astype(str), index=True).to_numpy().tobytes())
    return h.hexdigest()[:16]
