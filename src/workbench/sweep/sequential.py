"""The sequential executor: every task in this process, one after the other."""
from __future__ import annotations

from .base import Executor


class Sequential(Executor):
    """Everything in this process, one after the other."""

    name = "sequential"

    def map(self, function, items):
        for item in items:
            yield function(item)
