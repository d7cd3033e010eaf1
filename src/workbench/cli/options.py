"""The options several commands share, each declared once here: the scenario argument, ``--lang``,
``--seed``, ``--draws``, ``--out``, ``--no-progress``, ``--timeout`` and ``--as-of``.

A command says what its option is about (what is printed in the language, what the draws are of,
the folder's default); the option's name, type, wording pattern and defaults are written here, so
that ``workbench COMMAND --help`` and the generated reference (``docs/reference/cli.md``) word
them alike.

``--seed`` and ``--draws`` come in two forms: read by argparse as whole numbers (``as_text=False``:
``rank``, ``backtest``, ``calibrate``, ``run``, ``compare``, ``sweep``), or kept as text
(``as_text=True``) and checked by the command with its other options
(:func:`workbench.cli.common.int_option`: every problem at once, a coded message in the user's
language); the help of the second form states the bound (``>= 0``, ``> 0``) the command checks.
"""
from __future__ import annotations

from .common import ENV_LANG

#: What ``--lang`` is the language of, unless a command says.
LANG_OF = "language of what the command prints"


def scenario(p, help: str = "scenario .yaml") -> None:
    """The positional scenario file (a shipped scenario's name is accepted too:
    :func:`workbench.cli.common.shipped_arguments`)."""
    p.add_argument("scenario", help=help)


def lang(p, what: str = LANG_OF) -> None:
    """``--lang``: the language of ``what`` (its argument's French unless ``$WORKBENCH_LANG`` says)."""
    p.add_argument("--lang", help=f"{what}: fr or en (default: ${ENV_LANG}, else fr)")


def seed(p, what: str = "random seed", default: str = "the scenario's seed", *, as_text: bool) -> None:
    """``--seed``: ``what`` the seed is of, and its ``default`` in words."""
    if as_text:
        p.add_argument("--seed", default=None, help=f"{what} (>= 0; default: {default})")
    else:
        p.add_argument("--seed", type=int, default=None, help=f"{what} (default: {default})")


def draws(p, what: str, default_help: str, *, as_text: bool, default: str | None = None) -> None:
    """``--draws``: how many draws ``what`` counts; ``default_help`` says the default in words
    (``default`` is the value, for the commands that have one)."""
    if as_text:
        p.add_argument("--draws", default=default, help=f"{what} (> 0; {default_help})")
    else:
        p.add_argument("--draws", type=int, default=default, help=f"{what} ({default_help})")


def out(p, what: str = "output folder", default: str | None = None, default_help: str | None = None,
        *, required: bool = False) -> None:
    """``--out``: the folder the command writes ``what`` into; ``required``, or ``default`` (said
    in words by ``default_help``)."""
    if required:
        p.add_argument("--out", required=True, help=what)
    else:
        p.add_argument("--out", default=default, help=f"{what} ({default_help})")


def no_progress(p) -> None:
    """``--no-progress``: no progress bar on stderr (for logs and scripts)."""
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def timeout(p, what: str) -> None:
    """``--timeout``: seconds ``what`` may take (600 s unless given)."""
    p.add_argument("--timeout", type=float, default=600.0, help=f"{what} (default 600)")


def as_of(p, help: str, *, required: bool) -> None:
    """``--as-of``: a date written YYYY-MM-DD (checked by the command)."""
    p.add_argument("--as-of", required=required, default=None, help=help)
