"""The ``workbench`` console command and its sub-commands (the top floor: it may import every
layer of the package; nothing in the package imports it).

Each sub-command is a module of this package with two functions: ``add(subparsers)`` declares its
options (the options several commands share are declared once, in :mod:`.options`) and
``execute(args) -> int`` runs it.  :func:`main` parses the command line and runs the command
through :func:`.common.run_command`: a user's mistake (:class:`~workbench.errors.InputError`) is
printed as a readable message on stderr with exit status 2 and no traceback.
"""
from __future__ import annotations

import argparse

from ..version import __version__
from . import (
    backtest,
    book,
    calibrate,
    capacity,
    committee,
    compare,
    dashboard,
    rank,
    run,
    scenarios,
    sensitivity,
    simulate,
    status,
    sweep,
    validate,
)
from .common import EXIT_INPUT, pipe_safe_stdout, run_command

#: Every sub-command by name, in the order ``workbench --help`` lists them.
COMMANDS = {
    "simulate": simulate,
    "run": run,
    "compare": compare,
    "sweep": sweep,
    "dashboard": dashboard,
    "validate": validate,
    "rank": rank,
    "backtest": backtest,
    "calibrate": calibrate,
    "sensitivity": sensitivity,
    "book": book,
    "status": status,
    "capacity": capacity,
    "committee": committee,
    "scenarios": scenarios,
}


def build_parser() -> argparse.ArgumentParser:
    """The command line's parser: every sub-command and its options (``docs/gen_reference.py``
    renders it as the reference page ``reference/cli.md``)."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="Decision support for France's public transformation funds (FTAP, FITN): scenario "
                    "files, envelope simulation, portfolio ranking, reports and dashboard.",
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.add(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``workbench ARGV`` (the process's arguments when ``None``); the exit status: 0 done,
    1 failed, 2 bad input (or no command: the help is printed), 130 interrupted."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return EXIT_INPUT
    with pipe_safe_stdout():
        return run_command(args, COMMANDS[args.command].execute)
