"""Dated snapshots of laureate books in an embedded SQLite database (Python's standard library).

``workbench book import FILE --as-of DATE`` stores the validated book as one snapshot of a named
book (default: its fund codes, e.g. ``FTAP``).  Rules:

* nothing is overwritten: a snapshot is never changed by the workbench;
* a snapshot must be newer than the book's latest one: importing a date before it is refused;
  importing the same date again is refused unless the content is identical (then nothing happens);
* the snapshot date, the book's dates, payment years and amounts are checked against the
  scenario's fund (horizon, envelope) or sanity bounds (:mod:`workbench.followup.bounds`);
* all or nothing: the book is validated first and written in one transaction, so a bad book
  stores nothing;
* a snapshot stored by mistake is withdrawn with ``workbench book drop --as-of DATE --reason TEXT``:
  its rows leave the store's tables, and the audit trail (table ``audit``: who — the OS user —,
  when, what, why, with the withdrawn table itself) keeps it; every import is recorded there too.

Each snapshot keeps the table as it was read (canonical CSV text, dates ``YYYY-MM-DD``), the
source file's name and SHA-256 and the import time, so :func:`load_snapshot` gives the same table
back and :func:`history` follows a project's estimates from snapshot to snapshot (as the panorama
of large State digital projects follows projects from edition to edition).

Safety of the file:

* writes go through SQLite's write-ahead log (``journal_mode=WAL``) and switch the file back to
  its rollback journal when done: a process killed in the middle of an import leaves the log
  holding an unfinished transaction that every reader ignores, so ``book list`` and ``status``
  see the previous state *without writing anything* (a reader never has to roll back a journal,
  which a read-only user could not do).  The write-ahead log needs the file on a local disk, as
  SQLite requires for any concurrent use (not a network share);
* a store locked by another process is waited for :data:`BUSY_TIMEOUT_S`, then reported;
* a file that is not SQLite, a damaged database or an SQLite database of another application is
  reported with its code (``E_DB_*``), exit status 2, never a traceback, and nothing is written.

SQLite rather than DuckDB: transactional writes, no extra dependency; 200,000 projects per
snapshot are imported in seconds (``benchmarks/bench_book_scale.py``).
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import io
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from collections.abc import Iterator

import pandas as pd

from ..errors import InputError, Problem
from ..files import umask_mode
from ..messages import msg
from . import book as B
from .bounds import BookBounds, book_bounds, check_as_of

SCHEMA = """
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id INTEGER PRIMARY KEY AUTOINCREMENT,
    book TEXT NOT NULL,
    as_of TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    source_file TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    n_projects INTEGER NOT NULL,
    table_csv TEXT NOT NULL,
    UNIQUE (book, as_of)
);
CREATE TABLE IF NOT EXISTS projects (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(snapshot_id),
    id TEXT NOT NULL,
    fund TEXT NOT NULL,
    grant_eur REAL NOT NULL,
    paid_to_date_eur REAL NOT NULL,
    total_cost_eur REAL,
    end_date TEXT,
    status TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, id)
);
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_utc TEXT NOT NULL,
    os_user TEXT NOT NULL,
    action TEXT NOT NULL,
    book TEXT NOT NULL,
    as_of TEXT NOT NULL,
    snapshot_id INTEGER,
    n_projects INTEGER,
    content_sha256 TEXT,
    source_file TEXT,
    reason TEXT,
    withdrawn_csv TEXT
);
"""
#: The store's schema version (``PRAGMA user_version``): 2 added the audit trail.
SCHEMA_VERSION = 2
#: ``PRAGMA application_id`` of a book store ("WBK1"): another application's SQLite file is refused.
APPLICATION_ID = 0x57424B31
#: How long a command waits for a store another process is writing [s] (assumption: an import of
#: 200,000 projects takes a few seconds, ``benchmarks/bench_book_scale.py``).
BUSY_TIMEOUT_S = 15.0
DB_SUFFIXES = (".sqlite", ".sqlite3", ".db")
DEFAULT_DB = "books.sqlite"
SNAPSHOT_COLUMNS = ["snapshot_id", "book", "as_of", "imported_at", "source_file", "n_projects"]
AUDIT_COLUMNS = ["audit_id", "at_utc", "os_user", "action", "book", "as_of", "snapshot_id", "n_projects", "reason"]

# SQLite's primary result codes (https://www.sqlite.org/rescode.html)
_BUSY, _LOCKED, _CORRUPT, _NOTADB = 5, 6, 11, 26


def is_database(path: str | Path) -> bool:
    """Whether ``path`` names a snapshot database (by its suffix)."""
    return Path(path).suffix.lower() in DB_SUFFIXES


def book_name(df: pd.DataFrame) -> str:
    """The default name of a book: its fund codes joined by ``+`` (``FTAP``)."""
    return "+".join(sorted(set(df["fund"])))


def _csv_text(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    B.to_file_table(df).to_csv(buf, index=False)
    return buf.getvalue()


def _os_user() -> str:
    """Who writes: the operating system's user name (the audit trail's "who")."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container without passwd entry)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _db_problem(db: Path, exc: sqlite3.Error) -> InputError:
    """The user's message for an SQLite error on ``db``."""
    code = getattr(exc, "sqlite_errorcode", None)
    base = code & 0xFF if isinstance(code, int) else None
    text = str(exc)
    if base in (_BUSY, _LOCKED) or "locked" in text:
        rule = msg("E_DB_LOCKED", seconds=BUSY_TIMEOUT_S)
    elif base == _NOTADB or "not a database" in text:
        rule = msg("E_DB_NOT_SQLITE")
    elif base == _CORRUPT or "malformed" in text:
        rule = msg("E_DB_CORRUPT", detail=text)
    else:
        rule = msg("E_DB_CANNOT_OPEN", detail=text)
    return InputError([Problem(str(db), "", str(db), rule)])


@contextmanager
def _db_errors(db: Path) -> Iterator[None]:
    """SQLite's errors on ``db`` as :class:`InputError` (exit status 2, no traceback)."""
    try:
        yield
    except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
        if isinstance(exc, (sqlite3.ProgrammingError, sqlite3.InterfaceError)):
            raise  # the workbench's own mistake, not the file's
        raise _db_problem(db, exc) from None
    except pd.errors.DatabaseError as exc:  # pandas' read_sql_query wraps SQLite's error
        cause = exc.__cause__ if isinstance(exc.__cause__, sqlite3.Error) else sqlite3.DatabaseError(str(exc))
        raise _db_problem(db, cause) from None


def _tables(con: sqlite3.Connection, db: Path) -> set[str]:
    """The store's tables; refuses another application's database or a newer schema."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    app = con.execute("PRAGMA application_id").fetchone()[0]
    version = con.execute("PRAGMA user_version").fetchone()[0]
    own = tables - {"sqlite_sequence"}
    if app not in (0, APPLICATION_ID) or (own and "snapshots" not in own):
        raise InputError([Problem(str(db), "", str(db), msg("E_DB_NOT_BOOK_STORE", tables=", ".join(sorted(own))))])
    if version > SCHEMA_VERSION:
        raise InputError([Problem(str(db), "", str(db),
                                  msg("E_DB_NEWER_SCHEMA", found=version, known=SCHEMA_VERSION))])
    return tables


@contextmanager
def _reading(db: str | Path) -> Iterator[tuple[sqlite3.Connection, set[str]]]:
    """A read-only connection to an existing store and its tables; never writes to the file."""
    db = Path(db)
    if not db.exists():
        raise InputError([Problem(str(db), "", str(db), msg("E_FILE_MISSING"))])
    if not db.is_file():
        raise InputError([Problem(str(db), "", str(db), msg("E_DB_NOT_FILE"))])
    with _db_errors(db):
        con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        try:
            yield con, _tables(con, db)
        finally:
            con.close()


@contextmanager
def _writing(db: str | Path) -> Iterator[sqlite3.Connection]:
    """A connection that writes the store (created when missing), in autocommit mode: the caller
    opens its one transaction with ``BEGIN IMMEDIATE``.  The write-ahead log is on while it is
    open; the file goes back to its rollback journal at the end (see the module)."""
    db = Path(db)
    if db.exists() and not db.is_file():
        raise InputError([Problem("<option>", "--db", str(db), msg("E_DB_NOT_FILE"))])
    db.parent.mkdir(parents=True, exist_ok=True)
    with _db_errors(db):
        con = sqlite3.connect(str(db), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        wal = False
        try:
            tables = _tables(con, db)
            if tables:
                bad = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
                if bad != ["ok"]:
                    raise InputError([Problem(str(db), "", str(db), msg("E_DB_CORRUPT", detail="; ".join(bad)))])
            con.execute("PRAGMA journal_mode=WAL")
            wal = True
            con.executescript(SCHEMA)
            if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                con.execute(f"PRAGMA application_id={APPLICATION_ID}")
            if con.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            yield con
        finally:
            try:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                if wal:  # back to the rollback journal: readers without write access need no -shm file
                    con.execute("PRAGMA busy_timeout=0")
                    con.execute("PRAGMA journal_mode=DELETE")
            except sqlite3.Error:  # a reader is open: the file stays in WAL mode until the next write
                pass
            con.close()
    umask_mode(db)


def _insert_projects(con: sqlite3.Connection, snapshot_id: int, df: pd.DataFrame, as_of: dt.date) -> None:
    """The ``projects`` rows of a snapshot (inside the import's transaction)."""
    paid = B.paid_to(df, as_of.year)
    cost = df["total_cost_eur"].to_numpy(float)
    con.executemany(
        "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        zip([snapshot_id] * len(df), df["id"].tolist(), df["fund"].tolist(), df["grant_eur"].astype(float).tolist(),
            paid.astype(float).tolist(), [None if c != c else c for c in cost.tolist()],
            [d.isoformat() if d else None for d in df["end_date"]], df["status"].tolist()))


def import_book(path: str | Path, as_of: dt.date, db: str | Path = DEFAULT_DB, name: str | None = None,
                fund_codes=None, candidate_ids=None, bounds: BookBounds | None = None) -> dict:
    """Validate the book at ``path`` as of ``as_of`` and store it as a new snapshot in ``db``.

    ``bounds``: what the snapshot date and the book's dates, payment years and amounts may be
    (:func:`workbench.followup.bounds.book_bounds` of the scenario; default its sanity bounds).

    Returns
    -------
    dict
        ``book``, ``as_of``, ``snapshot_id``, ``n_projects``, ``stored`` (False when the same
        content was already stored for that date), ``db``.

    Raises
    ------
    InputError
        A bad book, a date out of bounds, a snapshot not newer than the book's latest one, a
        store that is locked, damaged or not a book store; nothing is stored.
    """
    path, db = Path(path), Path(db)
    bounds = bounds if bounds is not None else book_bounds(None)
    check_as_of(as_of, bounds)
    df = B.read_book(path, as_of=as_of, fund_codes=fund_codes, candidate_ids=candidate_ids, bounds=bounds)
    name = name or book_name(df)
    text = _csv_text(df)
    content_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    day = as_of.isoformat()
    with _writing(db) as con:
        con.execute("BEGIN IMMEDIATE")
        last = con.execute("SELECT as_of FROM snapshots WHERE book = ? ORDER BY as_of DESC LIMIT 1",
                           (name,)).fetchone()
        same = con.execute("SELECT content_sha256, snapshot_id FROM snapshots WHERE book = ? AND as_of = ?",
                           (name, day)).fetchone()
        if same is not None:
            con.execute("ROLLBACK")
            if same[0] == content_sha:
                return {"book": name, "as_of": day, "snapshot_id": same[1], "n_projects": len(df), "stored": False,
                        "db": str(db)}
            raise InputError([Problem("<option>", "--as-of", day, msg("E_SNAPSHOT_CONFLICT", book=name, db=str(db)))])
        if last is not None and last[0] > day:
            con.execute("ROLLBACK")
            raise InputError([Problem("<option>", "--as-of", day,
                                      msg("E_SNAPSHOT_OLDER", book=name, date=last[0], db=str(db)))])
        at = _now()
        sid = con.execute(
            "INSERT INTO snapshots (book, as_of, imported_at, source_file, source_sha256, content_sha256, "
            "n_projects, table_csv) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, day, at, str(path), source_sha, content_sha, len(df), text)).lastrowid
        assert sid is not None, "an INSERT always sets lastrowid"
        _insert_projects(con, sid, df, as_of)
        con.execute("INSERT INTO audit (at_utc, os_user, action, book, as_of, snapshot_id, n_projects, "
                    "content_sha256, source_file) VALUES (?, ?, 'import', ?, ?, ?, ?, ?, ?)",
                    (at, _os_user(), name, day, sid, len(df), content_sha, str(path)))
        con.execute("COMMIT")
    return {"book": name, "as_of": day, "snapshot_id": sid, "n_projects": len(df), "stored": True, "db": str(db)}


def drop_snapshot(db: str | Path, as_of: dt.date, reason: str, name: str | None = None) -> dict:
    """Withdraw the snapshot of book ``name`` taken at ``as_of`` (exactly) from ``db``.

    Its rows leave ``snapshots`` and ``projects`` in one transaction; the audit trail records who
    (the OS user), when, what (book, date, snapshot id, number of projects, content hash, the
    withdrawn table itself) and why (``reason``, required).  Later imports may then use that date
    again, and an older date once no later snapshot remains.

    Returns
    -------
    dict
        ``book``, ``as_of``, ``snapshot_id``, ``n_projects``, ``db``, ``reason``.
    """
    db = Path(db)
    reason = (reason or "").strip()
    if not reason:
        raise InputError([Problem("<option>", "--reason", reason, msg("E_REASON_REQUIRED"))])
    if not db.exists():
        raise InputError([Problem(str(db), "", str(db), msg("E_FILE_MISSING"))])
    day = as_of.isoformat()
    with _writing(db) as con:
        con.execute("BEGIN IMMEDIATE")
        books = [r[0] for r in con.execute("SELECT DISTINCT book FROM snapshots ORDER BY book")]
        if name is None and len(books) > 1:
            raise InputError([Problem("<option>", "--name", None, msg("E_SEVERAL_BOOKS", db=str(db), choices=books))])
        book = name if name is not None else (books[0] if books else "")
        row = con.execute("SELECT snapshot_id, n_projects, content_sha256, source_file, table_csv FROM snapshots "
                          "WHERE book = ? AND as_of = ?", (book, day)).fetchone()
        if row is None:
            dates = [r[0] for r in con.execute("SELECT as_of FROM snapshots WHERE book = ? ORDER BY as_of", (book,))]
            raise InputError([Problem("<option>", "--as-of", day,
                                      msg("E_NO_SNAPSHOT_AT", book=book, dates=", ".join(dates) or "-"))])
        sid, n, sha, src, text = row
        con.execute("INSERT INTO audit (at_utc, os_user, action, book, as_of, snapshot_id, n_projects, "
                    "content_sha256, source_file, reason, withdrawn_csv) VALUES (?, ?, 'drop', ?, ?, ?, ?, ?, ?, ?, ?)",
                    (_now(), _os_user(), book, day, sid, n, sha, src, reason, text))
        con.execute("DELETE FROM projects WHERE snapshot_id = ?", (sid,))
        con.execute("DELETE FROM snapshots WHERE snapshot_id = ?", (sid,))
        con.execute("COMMIT")
    return {"book": book, "as_of": day, "snapshot_id": sid, "n_projects": n, "db": str(db), "reason": reason}


def snapshots(db: str | Path, name: str | None = None) -> pd.DataFrame:
    """The snapshots stored in ``db`` (all books, or book ``name``): id, book, as_of, import time,
    source file, number of projects.  Reads only (a read-only file or folder will do)."""
    with _reading(db) as (con, tables):
        if "snapshots" not in tables:
            return pd.DataFrame(columns=SNAPSHOT_COLUMNS)
        q = f"SELECT {', '.join(SNAPSHOT_COLUMNS)} FROM snapshots"
        args: tuple = ()
        if name:
            q += " WHERE book = ?"
            args = (name,)
        return pd.read_sql_query(q + " ORDER BY book, as_of", con, params=args)


def audit_trail(db: str | Path, name: str | None = None) -> pd.DataFrame:
    """The store's audit trail (all books, or book ``name``), oldest first: when (UTC), who (OS
    user), what (``import`` or ``drop``, book, date, snapshot id, projects) and why (a drop's
    reason).  A store written before the trail existed has none of its earlier imports."""
    with _reading(db) as (con, tables):
        if "audit" not in tables:
            return pd.DataFrame(columns=AUDIT_COLUMNS)
        q = f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit"
        args: tuple = ()
        if name:
            q += " WHERE book = ?"
            args = (name,)
        return pd.read_sql_query(q + " ORDER BY audit_id", con, params=args)


def load_snapshot(db: str | Path, as_of: dt.date, name: str | None = None, fund_codes=None, candidate_ids=None,
                  bounds: BookBounds | None = None) -> pd.DataFrame:
    """The latest snapshot of a book taken on or before ``as_of``, validated again and typed
    (against ``fund_codes``, ``candidate_ids`` and ``bounds`` when given, as :func:`import_book`).

    ``attrs`` carry ``source`` (``db#book@as_of``), ``snapshot_as_of``, ``snapshot_id``,
    ``source_file`` and ``source_sha256``.
    """
    snaps = snapshots(db, name)
    books = sorted(set(snaps["book"]))
    if name is None and len(books) > 1:
        raise InputError([Problem("<option>", "--name", None,
                                  msg("E_SEVERAL_BOOKS", db=str(db), choices=books))])
    if snaps.empty:
        raise InputError([Problem(str(db), "", name, msg("E_NO_SNAPSHOT"))])
    ok = snaps[snaps["as_of"] <= as_of.isoformat()]
    if ok.empty:
        raise InputError([Problem("<option>", "--as-of", as_of.isoformat(),
                                  msg("E_BEFORE_FIRST_SNAPSHOT", date=str(snaps['as_of'].min())))])
    row = ok.iloc[-1]
    with _reading(db) as (con, _):
        got = con.execute("SELECT table_csv, source_file, source_sha256 FROM snapshots WHERE snapshot_id = ?",
                          (int(row["snapshot_id"]),)).fetchone()
    if got is None:  # withdrawn between the two reads
        raise InputError([Problem(str(db), "", name, msg("E_NO_SNAPSHOT"))])
    text, src, sha = got
    raw = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False)
    raw = raw.where(raw != "", None)
    where = f"{db}#{row['book']}@{row['as_of']}"
    df = B.validate_book(raw, where, as_of=dt.date.fromisoformat(row["as_of"]), fund_codes=fund_codes,
                         candidate_ids=candidate_ids, bounds=bounds)
    df.attrs.update({"source": where, "snapshot_as_of": row["as_of"], "snapshot_id": int(row["snapshot_id"]),
                     "source_file": src, "source_sha256": sha, "book": row["book"]})
    return df


def history(db: str | Path, name: str | None = None) -> pd.DataFrame:
    """Each project's figures snapshot by snapshot: book, as_of, id, grant, paid to date, latest
    total cost and end date, status (the panorama's edition-to-edition view)."""
    with _reading(db) as (con, tables):
        cols = ["book", "as_of", "id", "fund", "grant_eur", "paid_to_date_eur", "total_cost_eur", "end_date", "status"]
        if "snapshots" not in tables:
            return pd.DataFrame(columns=cols)
        q = ("SELECT s.book, s.as_of, p.id, p.fund, p.grant_eur, p.paid_to_date_eur, p.total_cost_eur, "
             "p.end_date, p.status FROM projects p JOIN snapshots s USING (snapshot_id)")
        args: tuple = ()
        if name:
            q += " WHERE s.book = ?"
            args = (name,)
        return pd.read_sql_query(q + " ORDER BY s.book, p.id, s.as_of", con, params=args)
