"""What every command of the command line shares: the exit status of bad input, the language of
what it prints, the checks of options that gather every problem before any is reported, shipped
scenarios named instead of files, and the one place where a command's errors become messages.

A user's mistake (:class:`~workbench.errors.InputError`) is printed as a readable message on
stderr with exit status :data:`EXIT_INPUT` and no traceback; a failed file operation says what
failed and where (:func:`describe_os_error`); Ctrl-C exits with status 130.
"""
from __future__ import annotations

import contextlib
import errno
import os
import sys
from collections.abc import Iterator

from ..errors import InputError, Problem, problems_message
from ..messages import LANGS, label, msg

#: The environment variable that sets the language of every command without ``--lang``.
ENV_LANG = "WORKBENCH_LANG"

EXIT_INPUT = 2
#: File errors that come from the user's choice of folder (exit status 2, like bad input).
USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR, errno.EEXIST,
               errno.ENAMETOOLONG}

#: Commands that check every option together (a bad ``--lang`` is reported with the others).
CHECK_THEIR_OPTIONS = ("run", "compare", "sweep")


# ---- options checked by the command (every problem of a command line reported at once) ----------
def collect(problems: list, fn, *args, **kwargs):
    """``fn(*args)``, or ``None`` with its input problems added to ``problems`` (so that every
    problem of a command line is reported at once)."""
    try:
        return fn(*args, **kwargs)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def int_option(name: str, raw, minimum: int, problems: list) -> int | None:
    """A whole number from an option given as text (``None`` when absent), at least ``minimum``;
    otherwise a problem added to ``problems``."""
    if raw is None:
        return None
    try:
        v = int(str(raw).strip())
    except ValueError:
        problems.append(Problem("<option>", name, raw, msg("E_NOT_WHOLE_NUMBER")))
        return None
    if v < minimum:
        problems.append(Problem("<option>", name, v, msg("E_WHOLE_NUMBER_MIN", minimum=minimum)))
    return v


def fraction_option(name: str, raw, problems: list) -> float | None:
    """A fraction strictly between 0 and 1 from an option (a decimal comma accepted)."""
    try:
        v = float(str(raw).strip().replace(",", "."))
    except ValueError:
        problems.append(Problem("<option>", name, raw, msg("E_NOT_NUMBER")))
        return None
    if not 0 < v < 1:
        problems.append(Problem("<option>", name, raw, msg("E_BOUNDS", bounds=[(">", 0), ("<", 1)])))
        return None
    return v


def date_option(name: str, raw, problems: list):
    """A date written YYYY-MM-DD from an option (``None`` when absent); otherwise a problem added
    to ``problems``."""
    import datetime as dt

    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        problems.append(Problem("<option>", name, raw, msg("E_NOT_DATE")))
        return None


# ---- language, shipped names, errors -------------------------------------------------------------
def resolve_lang(option: str | None) -> str:
    """The language of everything a command prints: its ``--lang``, else ``$WORKBENCH_LANG``, else
    French (the directorate's language)."""
    value = option if option is not None else os.environ.get(ENV_LANG) or "fr"
    if value not in LANGS:
        name = "--lang" if option is not None else f"${ENV_LANG}"
        raise InputError([Problem("<option>", name, value, msg("E_LANG", choices=list(LANGS)))])
    return value


def shipped_arguments(args) -> None:
    """Scenario arguments that name no existing file but a shipped scenario (or sweep spec) by
    name are replaced by its path (:func:`workbench.resources.scenario_path`)."""
    from .. import resources

    for key in ("scenario", "file", "a", "b"):
        value = getattr(args, key, None)
        if isinstance(value, str):
            setattr(args, key, str(resources.scenario_path(value)))
    if isinstance(getattr(args, "scenarios", None), list):
        args.scenarios = [str(resources.scenario_path(v)) for v in args.scenarios]
    if isinstance(getattr(args, "grid", None), str):
        args.grid = str(resources.sweep_path(args.grid))
    if isinstance(getattr(args, "book", None), str):   # a shipped example book by its name (status, capacity)
        args.book = str(resources.book_path(args.book))


def input_errors_in(command: str, lang: str, run) -> int:
    """Run ``run()``; an InputError is printed in ``lang`` with exit status 2."""
    try:
        return run()
    except InputError as exc:
        print(f"workbench {command}: {problems_message(exc.problems, lang)}", file=sys.stderr)
        return EXIT_INPUT


def run_command(args, execute) -> int:
    """Run ``execute(args)`` for ``args.command`` once its language is settled and its shipped
    names resolved; the exit status.  Bad input: the coded message in the user's language and
    status 2; a file the user's folder refuses: status 2, other file errors 1; Ctrl-C: 130; no
    traceback for any of them."""
    lang = "fr"
    try:
        option = getattr(args, "lang", None)
        lang = resolve_lang(None)   # $WORKBENCH_LANG, else French: checked first
        if option in LANGS:
            lang = option
        elif option is not None and args.command not in CHECK_THEIR_OPTIONS:
            resolve_lang(option)    # raises: an unknown --lang
        # a command that checks all its options together reports a bad --lang among the others
        args.lang = option if option is not None else lang
        shipped_arguments(args)
        return execute(args)
    except InputError as exc:
        print(f"workbench {args.command}: {problems_message(exc.problems, lang)}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(label("cli_interrupted", lang), file=sys.stderr)
        return 130
    except OSError as exc:
        # a folder the user cannot write, a full disk: a message, never a traceback
        code = EXIT_INPUT if exc.errno in USER_ERRNOS else 1
        print(f"workbench {args.command}: {describe_os_error(exc, lang)}", file=sys.stderr)
        return code
    except MemoryError:
        print(f"workbench {args.command}: {label('cli_no_memory', lang)}", file=sys.stderr)
        return 1


#: The label of each file error the command line explains (others: the system's own words).
_OS_ERRORS = {errno.ENOTDIR: "os_not_folder", errno.EACCES: "os_permission",
              errno.EPERM: "os_not_permitted", errno.EROFS: "os_read_only", errno.ENOSPC: "os_no_space",
              errno.EDQUOT: "os_quota"}


class _PipeSafe:
    """The command's standard output, whose reader may leave early (``workbench simulate … | head``):
    past a broken pipe, what is printed goes to ``os.devnull`` and the command goes on, so that its
    files are still written and it ends with its own status (the Python documentation's recipe for
    SIGPIPE, applied to the stream rather than to the whole process)."""

    def __init__(self, stream):
        self._stream = stream
        self._broken = False

    def _to_devnull(self) -> None:
        self._broken = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def write(self, text: str) -> int:
        if not self._broken:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._to_devnull()
        return len(text)

    def flush(self) -> None:
        if not self._broken:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._to_devnull()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def pipe_safe_stdout() -> Iterator[None]:
    """Standard output that a reader closing early cannot break (:class:`_PipeSafe`), restored after."""
    before = sys.stdout
    sys.stdout = _PipeSafe(before)
    try:
        yield
    finally:
        with contextlib.suppress(BrokenPipeError):
            sys.stdout.flush()
        sys.stdout = before


def describe_os_error(exc: OSError, lang: str = "fr") -> str:
    """One line on a failed file operation: what failed, on which path; nothing was half-written."""
    key = _OS_ERRORS.get(exc.errno) if exc.errno is not None else None
    if exc.errno == errno.EEXIST:
        what = msg("E_OUT_NOT_FOLDER").render(lang)
    else:
        what = label(key, lang) if key else (exc.strerror or type(exc).__name__)
    where = exc.filename if exc.filename is not None else ""
    text = label("os_cannot", lang, where=where, what=what) if where else label("os_failed", lang, what=what)
    return text + label("os_untouched", lang)
