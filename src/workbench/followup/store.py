"""Dated snapshots of laureate books in an embedded SQLite database (Python's standard library).

``workbench book import FILE --as-of DATE`` stores the validated book as one snapshot of a named
book (default: its fund codes, e.g. ``FTAP``).  Rules:

* nothing is overwritten: a snapshot is never changed or deleted by the workbench;
* a snapshot must be newer than the book's latest one: importing a date before it is refused;
  importing the same date again is refused unless the content is identical (then nothing happens);
* all or nothing: the book is validated first and written in one transaction, so a bad book
  stores nothing.

Each snapshot keeps the table as it was read (canonical CSV text, dates ``YYYY-MM-DD``), the
source file's name and SHA-256 and the import time, so :func:`load_snapshot` gives the same table
back and :func:`history` follows a project's estimates from snapshot to snapshot (as the panorama
of large State digital projects follows projects from edition to edition).

SQLite rather than DuckDB: a few hundred rows per snapshot, transactional writes, no extra
dependency.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from ..messages import msg
from . import book as B

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
"""
DB_SUFFIXES = (".sqlite", ".sqlite3", ".db")
DEFAULT_DB = "books.sqlite"


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


def _connect(db: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(db))
    con.executescript(SCHEMA)
    return con


def import_book(path: str | Path, as_of: dt.date, db: str | Path = DEFAULT_DB, name: str | None = None,
                fund_codes=None, candidate_ids=None) -> dict:
    """Validate the book at ``path`` as of ``as_of`` and store it as a new snapshot in ``db``.

    Returns
    -------
    dict
        ``book``, ``as_of``, ``snapshot_id``, ``n_projects``, ``stored`` (False when the same
        content was already stored for that date), ``db``.

    Raises
    ------
    InputError
        A bad book, or a snapshot not newer than the book's latest one; nothing is stored.
    """
    path, db = Path(path), Path(db)
    df = B.read_book(path, as_of=as_of, fund_codes=fund_codes, candidate_ids=candidate_ids)
    name = name or book_name(df)
    text = _csv_text(df)
    content_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    source_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    if db.exists() and not db.is_file():
        raise InputError([Problem("<option>", "--db", str(db), msg("E_DB_NOT_FILE"))])
    db.parent.mkdir(parents=True, exist_ok=True)
    with closing(_connect(db)) as con:
        try:
            con.execute("BEGIN IMMEDIATE")
            last = con.execute("SELECT as_of, content_sha256, snapshot_id FROM snapshots WHERE book = ? "
                               "ORDER BY as_of DESC LIMIT 1", (name,)).fetchone()
            same = con.execute("SELECT content_sha256, snapshot_id FROM snapshots WHERE book = ? AND as_of = ?",
                               (name, as_of.isoformat())).fetchone()
            if same is not None:
                con.rollback()
                if same[0] == content_sha:
                    return {"book": name, "as_of": as_of.isoformat(), "snapshot_id": same[1],
                            "n_projects": len(df), "stored": False, "db": str(db)}
                raise InputError([Problem("<option>", "--as-of", as_of.isoformat(),
                                          msg("E_SNAPSHOT_CONFLICT", book=name, db=str(db)))])
            if last is not None and last[0] > as_of.isoformat():
                con.rollback()
                raise InputError([Problem("<option>", "--as-of", as_of.isoformat(),
                                          msg("E_SNAPSHOT_OLDER", book=name, date=last[0], db=str(db)))])
            cur = con.execute(
                "INSERT INTO snapshots (book, as_of, imported_at, source_file, source_sha256, content_sha256, "
                "n_projects, table_csv) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (name, as_of.isoformat(), dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                 str(path), source_sha, content_sha, len(df), text))
            sid = cur.lastrowid
            paid = B.paid_to(df, as_of.year)
            con.executemany(
                "INSERT INTO projects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(sid, r.id, r.fund, float(r.grant_eur), float(p),
                  None if pd.isna(r.total_cost_eur) else float(r.total_cost_eur),
                  r.end_date.isoformat() if r.end_date else None, r.status)
                 for r, p in zip(df.itertuples(index=False), paid)])
            con.commit()
        except BaseException:
            if con.in_transaction:
                con.rollback()
            raise
    _group_readable(db)
    return {"book": name, "as_of": as_of.isoformat(), "snapshot_id": sid, "n_projects": len(df), "stored": True,
            "db": str(db)}


def _group_readable(path: Path) -> None:
    # sqlite creates the file with the process umask; make sure the group can read it when the
    # umask allows it
    mask = os.umask(0)
    os.umask(mask)
    want = 0o666 & ~mask
    try:
        if (path.stat().st_mode & 0o777) != want:
            os.chmod(path, want)
    except OSError:  # pragma: no cover - not our file
        pass


def snapshots(db: str | Path, name: str | None = None) -> pd.DataFrame:
    """The snapshots stored in ``db`` (all books, or book ``name``): id, book, as_of, import time,
    source file, number of projects."""
    db = Path(db)
    if not db.is_file():
        raise InputError([Problem(str(db), "", str(db), msg("E_FILE_MISSING"))])
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        q = "SELECT snapshot_id, book, as_of, imported_at, source_file, n_projects FROM snapshots"
        args: tuple = ()
        if name:
            q += " WHERE book = ?"
            args = (name,)
        return pd.read_sql_query(q + " ORDER BY book, as_of", con, params=args)


def load_snapshot(db: str | Path, as_of: dt.date, name: str | None = None) -> pd.DataFrame:
    """The latest snapshot of a book taken on or before ``as_of``, validated again and typed.

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
    with closing(sqlite3.connect(f"file:{Path(db)}?mode=ro", uri=True)) as con:
        text, src, sha = con.execute("SELECT table_csv, source_file, source_sha256 FROM snapshots WHERE snapshot_id = ?",
                                     (int(row["snapshot_id"]),)).fetchone()
    raw = pd.read_csv(io.StringIO(text), dtype=object, keep_default_na=False)
    raw = raw.map(lambda v: None if v == "" else v)
    where = f"{db}#{row['book']}@{row['as_of']}"
    df = B.validate_book(raw, where, as_of=dt.date.fromisoformat(row["as_of"]))
    df.attrs.update({"source": where, "snapshot_as_of": row["as_of"], "snapshot_id": int(row["snapshot_id"]),
                     "source_file": src, "source_sha256": sha, "book": row["book"]})
    return df


def history(db: str | Path, name: str | None = None) -> pd.DataFrame:
    """Each project's figures snapshot by snapshot: book, as_of, id, grant, paid to date, latest
    total cost and end date, status (the panorama's edition-to-edition view)."""
    db = Path(db)
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
        q = ("SELECT s.book, s.as_of, p.id, p.fund, p.grant_eur, p.paid_to_date_eur, p.total_cost_eur, "
             "p.end_date, p.status FROM projects p JOIN snapshots s USING (snapshot_id)")
        args: tuple = ()
        if name:
            q += " WHERE s.book = ?"
            args = (name,)
        return pd.read_sql_query(q + " ORDER BY s.book, p.id, s.as_of", con, params=args)
