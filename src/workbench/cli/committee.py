"""``workbench committee``: the sessions of a committee (members' weights, decisions, audit
trail) stored by the dashboard: ``list`` them, write a session's ``minutes``."""
from __future__ import annotations

import sys

from . import options
from .common import input_errors_in

#: The committee store's option: the dashboard's store unless named.
DB_HELP = ("committee store (default: $WORKBENCH_COMMITTEE_DB, else the dashboard's: committee.sqlite in "
           "parameters/variants/)")


def add(sub) -> None:
    """Declare ``workbench committee`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "committee",
        help="the committee's sessions: list them, write a session's minutes (PDF, CSV, DOCX)",
        description="A committee session (opened from the dashboard's committee panel) stores each member's "
                    "weights, the decisions call by call with their justification and overrides, and an "
                    "audit trail in a SQLite file (the dashboard's: committee.sqlite beside its variants). "
                    "`workbench committee list` lists "
                    "the sessions; `workbench committee minutes --session ID --out DIR` writes the session's "
                    "minutes (minutes.pdf, minutes.html, minutes.docx and minutes_*.csv), all or nothing, and "
                    "notes the export in the audit trail.",
    )
    csub = p.add_subparsers(dest="committee_command", metavar="ACTION", required=True)
    ls = csub.add_parser("list", help="list the sessions of a committee store")
    ls.add_argument("--db", default=None, help=DB_HELP)
    options.lang(ls)
    mn = csub.add_parser("minutes", help="write a session's minutes")
    mn.add_argument("--session", required=True, help="the session's number (see `workbench committee list`)")
    options.out(mn, required=True)
    mn.add_argument("--db", default=None, help=DB_HELP)
    mn.add_argument("--no-pdf", action="store_true", help="leave the PDF out (it needs Chromium)")
    mn.add_argument("--no-docx", action="store_true", help="leave the Word document out")
    options.lang(mn, "language of the minutes")


def execute(args) -> int:
    """Run ``workbench committee``; its exit status."""
    def run() -> int:
        from ..committee import store
        from ..messages import label

        args.db = args.db or str(store.default_path())
        if args.committee_command == "list":
            t = store.sessions(args.db)
            print(t.to_string(index=False) if len(t) else label("cm_list_empty", args.lang, db=args.db))
            return 0
        from ..committee.minutes import write_minutes

        w = write_minutes(args.db, args.session, args.out, lang=args.lang, pdf=not args.no_pdf,
                          docx=not args.no_docx)
        for note in w.notes:
            print(note, file=sys.stderr)
        print(label("cm_minutes_written", args.lang, id=args.session, out=w.folder, files=", ".join(sorted(w.files))))
        return 0

    return input_errors_in("committee", args.lang, run)
