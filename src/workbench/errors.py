"""Errors for a user's bad input.

Every check of user input (scenario files, candidate files, command-line options) reports
:class:`Problem` records: the file, the place in it (YAML key path or line; CSV row and
column), the offending value and the rule it breaks.  Checks collect all problems before
raising a single :class:`InputError`, so a user sees every mistake in one run.  The command
line turns an ``InputError`` into a readable message and exit status 2, without a traceback.
"""
from __future__ import annotations

import difflib
import reprlib
from dataclasses import dataclass, field
from collections.abc import Iterable, Mapping
from typing import Any

from .messages import LANGS, Message, Text, label, msg, render


@dataclass(frozen=True)
class Problem:
    """One broken rule in one place of one input.

    Parameters
    ----------
    file : str
        The input file (or ``"<option>"`` / ``"<argument>"`` for command-line input).
    where : str
        The place: a YAML key path such as ``funds.FTAP.envelope_eur``, ``line 12``, or
        ``row 7, column total_cost_eur`` (rows counted as a spreadsheet shows them, header = 1).
    value : object
        The offending value (``None`` when the value is missing).
    rule : str or Message
        The rule broken: a coded :class:`~workbench.messages.Message` (every shipped check gives
        one), kept here as its English wording; a plain string (a third party's rule) is kept as
        it is and shown in English in every language.
    code : str or None
        The rule's code in :data:`workbench.messages.CATALOG` (``None`` for an uncoded rule).
    params : mapping
        The code's named parameters.
    """

    file: str
    where: str
    value: object
    rule: Any
    code: str | None = field(default=None, compare=False)
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if isinstance(self.rule, Message):
            object.__setattr__(self, "code", self.rule.code)
            object.__setattr__(self, "params", dict(self.rule.params))
            object.__setattr__(self, "rule", self.rule.render("en"))
        elif self.code is not None:
            object.__setattr__(self, "rule", render(self.code, "en", **self.params))
        if isinstance(self.where, Message):
            object.__setattr__(self, "where", Place(self.where))

    def rule_text(self, lang: str = "fr") -> str:
        """The broken rule in ``lang`` from the catalog (an uncoded rule as it was given)."""
        return self.rule if self.code is None else render(self.code, lang, **self.params)

    def where_text(self, lang: str = "fr") -> str:
        """The place in ``lang`` (a key path is the same in every language)."""
        return self.where.render(lang) if isinstance(self.where, Place) else self.where

    def __str__(self) -> str:
        shown = "(missing)" if self.value is _MISSING else shorten(self.value)
        place = f"{self.file}: {self.where}" if self.where else self.file
        return f"{place}: {shown}: {self.rule}"


#: The longest value a message shows [characters]; longer ones are cut with "…".
MAX_SHOWN_CHARS = 80

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = MAX_SHOWN_CHARS + 2
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 8
_REPR.maxlevel = 3


def shorten(value: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters (``…`` marks the cut).

    Built with :mod:`reprlib`, so a huge value (a long cell, a big nested mapping) is never
    rendered in full before being cut.
    """
    text = repr(value[: limit + 1]) if isinstance(value, str) else _REPR.repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Place(Text):
    """A place in a file (``row 7, column x``, ``line 12``) that also knows its message code.

    It is the English text, so code that reads ``problem.where`` as a string is unchanged;
    :meth:`render` gives it in another language.
    """


def at_row(row: int, column: str | None = None) -> Place:
    """``row 7`` or ``row 7, column total_cost_eur`` (rows as a spreadsheet shows them)."""
    return Place(msg("P_ROW", row=row) if column is None else msg("P_ROW_COLUMN", row=row, column=column))


def at_line(line: int, column: int | None = None) -> Place:
    """``line 12`` or ``line 12, column 3`` of a text file."""
    return Place(msg("P_LINE", line=line) if column is None else msg("P_LINE_COLUMN", line=line, column=column))


def at_column(column: str) -> Place:
    """``column requested_eur`` (a whole column of a table)."""
    return Place(msg("P_COLUMN", column=column))


class _Missing:
    def __repr__(self) -> str:  # pragma: no cover - shown through Problem.__str__
        return "(missing)"


#: Marker for a value that is absent (distinct from an explicit ``null``).
_MISSING = _Missing()
MISSING = _MISSING


class InputError(Exception):
    """A user's input breaks one or more rules; carries every :class:`Problem` found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(self.message())

    def message(self) -> str:
        n = len(self.problems)
        head = "1 problem found:" if n == 1 else f"{n} problems found:"
        return "\n".join([head] + [f"  - {p}" for p in self.problems])


class Collector:
    """Accumulates problems for one file; ``raise_if_any`` raises them together."""

    def __init__(self, file: str):
        self.file = str(file)
        self.problems: list[Problem] = []

    def add(self, where: str, value: object, rule: Message | str, file: str | None = None) -> None:
        self.problems.append(Problem(file or self.file, where, value, rule))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)


def closest(word: object, choices: Iterable[object]) -> str | None:
    """The close spelling of ``word`` among ``choices`` (for a message's ``suggestion``), or ``None``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return ``" (did you mean 'x'?)"`` when a close spelling of ``word`` exists, else ``""``."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


# ---- a problem as the user reads it, in French (default) or English ------------------------------
def problem_text(problem: Problem, lang: str = "fr", file: str | None = None) -> str:
    """One input problem as the user reads it: ``file: place: value: rule``.

    In English it is ``str(problem)`` (the command line's wording); in French the place and the
    rule are rendered from the message catalog (:mod:`workbench.messages`) by the problem's code
    and parameters (figures in the French format), and the value is shown as it was given, cut
    to 80 characters.  A problem without a code (a third party's rule) keeps its English text
    rather than a guess.  ``file`` replaces the problem's file name (an uploaded file's
    temporary path by the name the user gave).
    """
    import dataclasses

    p = problem if file is None else dataclasses.replace(problem, file=file)
    if lang != "fr":
        return str(p)
    shown = label("value_missing", lang) if p.value is MISSING else shorten(p.value)  # never a whole hostile value
    where = p.where_text(lang)
    place = f"{p.file} : {where}" if where else p.file
    return f"{place} : {shown} : {p.rule_text(lang)}"


def problems_message(problems: Iterable[Problem], lang: str = "fr", file: str | None = None) -> str:
    """Every problem of an :class:`InputError`, one per line, under a count.

    In English the text of ``InputError.message()``; in French each line by :func:`problem_text`.
    """
    problems = list(problems)
    if lang != "fr":
        import dataclasses

        return InputError([p if file is None else dataclasses.replace(p, file=file) for p in problems]).message()
    n = len(problems)
    head = label("problems_one", lang) if n == 1 else label("problems_many", lang, n=n)
    return "\n".join([head] + [f"  - {problem_text(p, lang, file)}" for p in problems])


def check_lang(lang: str) -> str:
    """``lang`` if it is a supported language, else :class:`InputError` naming the choices."""
    if lang not in LANGS:
        raise InputError([Problem("<option>", "--lang", lang, msg("E_LANG", choices=list(LANGS)))])
    return lang
