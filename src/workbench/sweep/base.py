"""The executors' one interface (like the EMA workbench's evaluators): ``with executor as ex:
ex.map(function, items)`` yields results as they complete; an item whose worker died yields a
:class:`Lost`.  One back-end a module: :mod:`.sequential`, :mod:`.processes`, :mod:`.dask`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from collections.abc import Callable, Iterator, Sequence


class Executor:
    """Runs ``function(item)`` over items; ``map`` yields results as they complete.

    Use as a context manager: ``with Sequential() as ex: for r in ex.map(f, items): ...``.
    """

    name = "executor"
    workers: int | None = 1    # None: as many as the machine has cores (the back-end decides)
    _depth = 0

    def __enter__(self) -> Executor:
        # re-entrant: an executor started by the caller is reused (and closed by the caller)
        if self._depth == 0:
            self.start()
        self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.close()

    def start(self) -> None:
        pass

    def close(self) -> None:
        pass

    def map(self, function: Callable, items: Sequence) -> Iterator:
        """Yield ``function(item)`` for every item, in completion order; an item whose call could
        not complete (a worker died) yields a :class:`Lost` instead, and the others go on."""
        raise NotImplementedError

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"


@dataclass
class Lost:
    """An item an executor could not compute (its worker died or the call could not be sent)."""

    item: Any
    error: str
