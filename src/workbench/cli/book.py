"""``workbench book``: dated snapshots of a laureate book (funded projects) in a SQLite
database: ``import``, ``list`` and ``drop`` (:mod:`workbench.followup.store`)."""
from __future__ import annotations

from . import options
from .common import input_errors_in

#: The snapshot database's option, the same for every action.
DB_DEFAULT = "books.sqlite"


def add(sub) -> None:
    """Declare ``workbench book`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "book",
        help="store dated snapshots of a laureate book (funded projects) in a SQLite database",
        description="`workbench book import FILE --as-of DATE` validates a laureate book (CSV/XLSX, one row per "
                    "funded project: grants, convention dates, payments by year, latest cost and end date, "
                    "status, savings) and stores it as a dated snapshot. Nothing is overwritten; a snapshot "
                    "older than the book's latest one is refused; dates, payment years and amounts outside the "
                    "scenario's horizon and envelopes (sanity bounds without --scenario) are refused; a bad book "
                    "stores nothing (exit status 2). `workbench book list` lists the snapshots and the audit "
                    "trail; `workbench book drop --as-of DATE --reason TEXT` withdraws a snapshot (recorded in "
                    "the audit trail with who, when and why).",
    )
    bsub = p.add_subparsers(dest="book_command", metavar="ACTION", required=True)
    imp = bsub.add_parser("import", help="validate a book and store it as a dated snapshot")
    imp.add_argument("file", help="laureate book (.csv or .xlsx)")
    options.as_of(imp, "the date the book describes (YYYY-MM-DD)", required=True)
    _db(imp)
    imp.add_argument("--name", default=None, help="the book's name in the database (default: its fund codes)")
    imp.add_argument("--scenario", default=None,
                     help="check fund and envelope codes, dates and amounts against this scenario's funds")
    options.lang(imp, "language of messages")
    ls = bsub.add_parser("list", help="list the snapshots of a database and its audit trail")
    _db(ls)
    ls.add_argument("--name", default=None, help="only this book")
    options.lang(ls)
    dr = bsub.add_parser("drop", help="withdraw a snapshot stored by mistake (recorded in the audit trail)")
    options.as_of(dr, "the date of the snapshot to withdraw (YYYY-MM-DD)", required=True)
    _db(dr)
    dr.add_argument("--name", default=None, help="the book (required when the database holds several)")
    dr.add_argument("--reason", required=True, help="why the snapshot is withdrawn (kept in the audit trail)")
    options.lang(dr)


def _db(p) -> None:
    """``--db``: the snapshot database every action of ``workbench book`` reads or writes."""
    p.add_argument("--db", default=DB_DEFAULT, help=f"snapshot database (default {DB_DEFAULT})")


def execute(args) -> int:
    """Run ``workbench book``; its exit status."""
    def run() -> int:
        from ..followup import status as FS
        from ..followup import store
        from ..followup.bounds import book_bounds
        from ..messages import label

        if args.book_command == "list":
            snaps = store.snapshots(args.db, args.name)
            trail = store.audit_trail(args.db, args.name)
            print(label("fu_list_snapshots", args.lang, db=args.db))
            print(snaps.to_string(index=False) if len(snaps) else label("fu_list_none", args.lang))
            print(label("fu_list_audit", args.lang))
            print(trail.fillna("").to_string(index=False) if len(trail) else label("fu_list_none", args.lang))
            return 0
        as_of = FS.parse_as_of(args.as_of)
        if args.book_command == "drop":
            res = store.drop_snapshot(args.db, as_of, args.reason, name=args.name)
            print(label("fu_dropped", args.lang, db=res["db"], book=res["book"], as_of=res["as_of"],
                        n=res["n_projects"], sid=res["snapshot_id"], reason=res["reason"]))
            return 0
        codes = cands = scn = None
        if args.scenario:
            from ..scenario import load_scenario

            scn = load_scenario(args.scenario)
            codes, cands = scn.envelope_codes, FS.candidate_ids(scn)
        res = store.import_book(args.file, as_of, db=args.db, name=args.name, fund_codes=codes, candidate_ids=cands,
                                bounds=book_bounds(scn))
        key = "fu_imported" if res["stored"] else "fu_already_stored"
        print(label(key, args.lang, db=res["db"], book=res["book"], as_of=res["as_of"], n=res["n_projects"],
                    sid=res["snapshot_id"]))
        return 0

    return input_errors_in("book", args.lang, run)
