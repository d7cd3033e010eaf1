"""A committee session's record in an embedded SQLite file (Python's standard library).

A sibling of the follow-up's snapshot database (:mod:`workbench.followup.store`), in its own
file (default ``committee.sqlite``): a session of a selection committee, its members' weights
with the method and the raw answers, the decisions it records call by call (the portfolio, each
project's coded reason, the committee's justification, the overrides with their reasons) and an
audit trail.  Rules:

* **append-only**: nothing recorded is changed or deleted.  A member who gives their weights
  again adds a row (the latest is in force, the earlier ones stay); a decision recorded again
  for a call supersedes the earlier one the same way.  SQLite triggers refuse ``UPDATE`` and
  ``DELETE`` on every table but ``sessions`` (whose aggregation rule may change, each change
  audited);
* **audited**: every write adds a row to ``audit`` in the same transaction, chained per session
  by SHA-256 (each row's hash covers its content and the previous row's hash), so
  :func:`verify_audit` detects a row changed, removed or inserted behind the workbench's back;
* **all or nothing**: each write is one transaction (``BEGIN IMMEDIATE``: two kernels writing
  the same file wait for each other, up to :data:`BUSY_TIMEOUT_S`).

Timestamps are UTC, ISO 8601 to the second.  Every function taking a ``session_id`` accepts
``None`` (the dashboard's panel passes it when no session is open) and refuses it, like a
session that is not stored, with ``E_COMMITTEE_SESSION_UNKNOWN`` naming the sessions stored.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from ..errors import InputError, Problem
from ..files import umask_mode
from ..messages import msg
from . import elicitation as el

#: Default file name of the committee store.
DEFAULT_DB = "committee.sqlite"
#: The environment variable naming the committee store (the dashboard's and the command line's).
ENV_DB = "WORKBENCH_COMMITTEE_DB"
#: Seconds a writer waits for another one holding the file.
BUSY_TIMEOUT_S = 30.0
#: The schema's version, kept in ``meta``.
SCHEMA_VERSION = "1"
#: The longest free text kept [characters]: a justification, a reason, a title, a name.
MAX_TEXT_CHARS = 10_000
MAX_NAME_CHARS = 200

_APPEND_ONLY = ("elicitations", "decisions", "decision_projects", "overrides", "audit")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (
    session_id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    scenario_path TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    created_at TEXT NOT NULL,
    recorder TEXT NOT NULL,
    aggregation_rule TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS elicitations (
    elicitation_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(session_id),
    member TEXT NOT NULL,
    method TEXT NOT NULL,
    raw_json TEXT NOT NULL,
    weights_json TEXT NOT NULL,
    consistency_ratio REAL,
    recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decisions (
    decision_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(session_id),
    call TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorder TEXT NOT NULL,
    justification TEXT NOT NULL,
    weights_json TEXT NOT NULL,
    aggregation_rule TEXT NOT NULL,
    budget_eur REAL,
    scenario_path TEXT NOT NULL,
    scenario_hash TEXT NOT NULL,
    provenance_json TEXT NOT NULL,
    robustness_json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS decision_projects (
    decision_id INTEGER NOT NULL REFERENCES decisions(decision_id),
    position INTEGER NOT NULL,
    project_id TEXT NOT NULL,
    title TEXT NOT NULL,
    selected INTEGER NOT NULL,
    funding TEXT NOT NULL,
    grant_eur REAL NOT NULL,
    value REAL,
    reason_code TEXT NOT NULL,
    reason_fr TEXT NOT NULL,
    reason_en TEXT NOT NULL,
    selection_frequency REAL,
    PRIMARY KEY (decision_id, project_id)
);
CREATE TABLE IF NOT EXISTS overrides (
    decision_id INTEGER NOT NULL REFERENCES decisions(decision_id),
    project_id TEXT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    reason TEXT NOT NULL,
    PRIMARY KEY (decision_id, project_id)
);
CREATE TABLE IF NOT EXISTS audit (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail_json TEXT NOT NULL,
    prev_sha256 TEXT NOT NULL,
    sha256 TEXT NOT NULL
);
""" + "".join(
    f"""
CREATE TRIGGER IF NOT EXISTS {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, 'append-only: {t} rows are never changed'); END;
CREATE TRIGGER IF NOT EXISTS {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, 'append-only: {t} rows are never deleted'); END;
""" for t in _APPEND_ONLY) + """
CREATE TRIGGER IF NOT EXISTS sessions_no_delete BEFORE DELETE ON sessions
BEGIN SELECT RAISE(ABORT, 'append-only: sessions are never deleted'); END;
"""

#: The audit trail's actions.
ACTIONS = ("session_created", "rule_set", "weights_recorded", "decision_recorded", "minutes_exported")
#: The hash a session's first audit row chains to.
GENESIS = "0" * 64


def default_path(variants_dir: str | os.PathLike | None = None) -> Path:
    """Where the committee's store is when none is named: ``$WORKBENCH_COMMITTEE_DB``, else
    :data:`DEFAULT_DB` in the dashboard's variants folder (``variants_dir``, by default the
    shipped ``parameters/variants``: the dashboard's default), beside the variants the
    committee saves."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    if variants_dir is None:
        from ..resources import parameters_dir  # noqa: PLC0415 - the shipped scenarios' folder

        variants_dir = parameters_dir() / "variants"
    return Path(variants_dir) / DEFAULT_DB


def now_utc() -> str:
    """The current UTC time, ISO 8601 to the second (``2024-05-03T09:12:40+00:00``)."""
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def _text(value: Any, where: str, probs: list, required: bool = True, limit: int = MAX_TEXT_CHARS) -> str:
    """A free text as kept: a string, stripped, at most ``limit`` characters, no NUL."""
    text = "" if value is None else str(value).replace("\x00", "").strip()
    if required and not text:
        probs.append(Problem("<input>", where, value, msg("E_COMMITTEE_TEXT_EMPTY")))
    elif len(text) > limit:
        probs.append(Problem("<input>", where, text, msg("E_COMMITTEE_TEXT_LONG", limit=limit)))
    return text


def _connect(db: Path, write: bool) -> sqlite3.Connection:
    if write:
        if db.exists() and not db.is_file():
            raise InputError([Problem("<option>", "--db", str(db), msg("E_DB_NOT_FILE"))])
        db.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(str(db), timeout=BUSY_TIMEOUT_S, isolation_level=None)
        con.executescript(SCHEMA)
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
        umask_mode(db)
        return con
    if not db.is_file():
        raise InputError([Problem(str(db), "", str(db), msg("E_FILE_MISSING"))])
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
        con.execute("SELECT 1 FROM sessions LIMIT 1")
    except sqlite3.DatabaseError as exc:
        raise InputError([Problem(str(db), "", str(db), msg("E_COMMITTEE_NOT_STORE", detail=str(exc)))]) from None
    return con


def _row_hash(session_id: int, at: str, actor: str, action: str, detail_json: str, prev: str) -> str:
    blob = _json([int(session_id), at, actor, action, detail_json, prev])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _audit(con: sqlite3.Connection, session_id: int, at: str, actor: str, action: str, detail: Mapping) -> str:
    """Append one audit row (inside the caller's transaction); returns its hash."""
    last = con.execute("SELECT sha256 FROM audit WHERE session_id = ? ORDER BY audit_id DESC LIMIT 1",
                       (session_id,)).fetchone()
    prev = last[0] if last else GENESIS
    dj = _json(detail)
    h = _row_hash(session_id, at, actor, action, dj, prev)
    con.execute("INSERT INTO audit (session_id, at, actor, action, detail_json, prev_sha256, sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)", (session_id, at, actor, action, dj, prev, h))
    return h


class _Write:
    """One write transaction on the store: ``with _Write(db) as con:`` (``BEGIN IMMEDIATE``,
    committed on success, rolled back on any error)."""

    def __init__(self, db: str | Path):
        self.db = Path(db)
        self.con: sqlite3.Connection | None = None

    def __enter__(self) -> sqlite3.Connection:
        self.con = _connect(self.db, write=True)
        self.con.execute("BEGIN IMMEDIATE")
        return self.con

    def __exit__(self, exc_type, exc, tb) -> None:
        con = self.con
        assert con is not None, "__exit__ runs only after __enter__ opened the connection"
        try:
            if exc_type is None:
                con.execute("COMMIT")
            elif con.in_transaction:
                con.execute("ROLLBACK")
        finally:
            con.close()


def _inserted_id(cur: sqlite3.Cursor) -> int:
    """The row id the INSERT just run through ``cur`` gave (sqlite3 sets ``lastrowid`` on each INSERT)."""
    rid = cur.lastrowid
    assert rid is not None, "an INSERT sets lastrowid"
    return int(rid)


def _session_row(con: sqlite3.Connection, session_id: Any, db: Path) -> tuple:
    """The row of session ``session_id``; a session that is not stored, or ``None`` (the dashboard's
    panel before a session is open), is refused with ``E_COMMITTEE_SESSION_UNKNOWN`` listing the
    sessions stored."""
    try:
        sid = int(session_id)
    except (TypeError, ValueError):
        sid = None
    row = None if sid is None else con.execute(
        "SELECT session_id, title, scenario_path, scenario_hash, created_at, recorder, aggregation_rule "
        "FROM sessions WHERE session_id = ?", (sid,)).fetchone()
    if row is None:
        known = [r[0] for r in con.execute("SELECT session_id FROM sessions ORDER BY session_id")]
        raise InputError([Problem("<option>", "--session", session_id,
                                  msg("E_COMMITTEE_SESSION_UNKNOWN", db=str(db), choices=known or ["-"]))])
    return row


# --------------------------------------------------------------------------------------------
# writes
# --------------------------------------------------------------------------------------------
def create_session(db: str | Path, title: str, scenario_path: str, scenario_hash: str, recorder: str = "",
                   rule: str = "auto") -> int:
    """A new session (``title``: e.g. "Comité FTAP, appel 2"); returns its id.  ``recorder``:
    who keeps the record (the secretary), named in the audit trail."""
    probs: list[Problem] = []
    t = _text(title, "title", probs, limit=MAX_NAME_CHARS)
    r = _text(recorder, "recorder", probs, required=False, limit=MAX_NAME_CHARS)
    if rule not in el.RULES:
        probs.append(Problem("<input>", "rule", rule, msg("E_COMMITTEE_RULE", choices=list(el.RULES))))
    if probs:
        raise InputError(probs)
    at = now_utc()
    with _Write(db) as con:
        cur = con.execute("INSERT INTO sessions (title, scenario_path, scenario_hash, created_at, recorder, "
                          "aggregation_rule) VALUES (?, ?, ?, ?, ?, ?)",
                          (t, str(scenario_path), str(scenario_hash), at, r, rule))
        sid = _inserted_id(cur)
        _audit(con, sid, at, r, "session_created", {"title": t, "scenario_path": str(scenario_path),
                                                     "scenario_hash": str(scenario_hash), "rule": rule})
    return sid


def set_rule(db: str | Path, session_id: int | None, rule: str, actor: str = "") -> None:
    """The session's aggregation rule (:data:`workbench.committee.elicitation.RULES`), audited."""
    if rule not in el.RULES:
        raise InputError([Problem("<input>", "rule", rule, msg("E_COMMITTEE_RULE", choices=list(el.RULES)))])
    db = Path(db)
    with _Write(db) as con:
        row = _session_row(con, session_id, db)
        if row[6] == rule:
            return
        con.execute("UPDATE sessions SET aggregation_rule = ? WHERE session_id = ?", (rule, row[0]))
        _audit(con, row[0], now_utc(), str(actor or row[5]), "rule_set", {"from": row[6], "to": rule})


def record_weights(db: str | Path, session_id: int | None, member: str, elicited: el.Elicited) -> int:
    """Store a member's weights (method, raw answers, weights, CR); returns the row's id.  The
    weights are computed again from the raw answers first: what is stored is what they give."""
    probs: list[Problem] = []
    name = _text(member, "member", probs, limit=MAX_NAME_CHARS)
    if probs:
        raise InputError(probs)
    again = el.from_raw(elicited.method, elicited.raw, elicited.criteria)
    db = Path(db)
    at = now_utc()
    with _Write(db) as con:
        row = _session_row(con, session_id, db)
        cur = con.execute(
            "INSERT INTO elicitations (session_id, member, method, raw_json, weights_json, consistency_ratio, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row[0], name, again.method, _json(again.raw), _json(again.weights), again.consistency_ratio, at))
        eid = _inserted_id(cur)
        _audit(con, row[0], at, name, "weights_recorded",
               {"elicitation_id": eid, "method": again.method, "weights": again.weights,
                "consistency_ratio": again.consistency_ratio})
    return eid


@dataclass
class Override:
    """A project the committee forced in or out, and why (the reason is required)."""

    project_id: str
    direction: str   # "in" | "out"
    reason: str


def record_decision(db: str | Path, session_id: int | None, call: str, table: pd.DataFrame, justification: str,
                    weights: Mapping[str, float], rule: str, overrides: Sequence[Override] = (),
                    budget_eur: float | None = None, scenario_path: str = "", scenario_hash: str = "",
                    provenance: Mapping[str, Any] | None = None, robustness: Mapping[str, Any] | None = None,
                    recorder: str = "") -> int:
    """Store the committee's decision on ``call`` (``""``: all calls): the portfolio table (one row
    per candidate: ``id``, ``title``, ``selected``, ``funding``, ``requested_eur`` /
    ``funded_eur``, ``value``, ``reason`` (coded), ``reason_code`` and, when computed,
    ``selection_frequency``), the justification, the overrides with their reasons, the weights
    and rule it was decided with, the scenario and code provenance.  Returns the decision's id.

    Raises
    ------
    InputError
        An empty justification, an override without a reason, in a direction other than in/out,
        naming a project not in the table or given twice; nothing is stored.
    """
    from ..messages import render_text  # the reason in both languages, from its code

    probs: list[Problem] = []
    just = _text(justification, "justification", probs)
    who = _text(recorder, "recorder", probs, required=False, limit=MAX_NAME_CHARS)
    ids = [str(i) for i in table["id"]]
    seen: set[str] = set()
    ovs = []
    for k, o in enumerate(overrides):
        where = f"overrides[{k}]"
        pid = str(o.project_id)
        if pid not in ids:
            probs.append(Problem("<input>", f"{where}.project_id", pid, msg("E_COMMITTEE_OVERRIDE_UNKNOWN")))
        if pid in seen:
            probs.append(Problem("<input>", f"{where}.project_id", pid, msg("E_COMMITTEE_OVERRIDE_TWICE")))
        seen.add(pid)
        if o.direction not in ("in", "out"):
            probs.append(Problem("<input>", f"{where}.direction", o.direction,
                                 msg("E_EITHER", first="in", second="out")))
        reason = _text(o.reason, f"{where}.reason", probs)
        ovs.append((pid, o.direction, reason))
    if probs:
        raise InputError(probs)
    w = {str(k): float(v) for k, v in dict(weights).items()}
    prov = dict(provenance or {})
    rob = dict(robustness or {})
    freq = table["selection_frequency"] if "selection_frequency" in table else pd.Series([None] * len(table))
    funded = table["funded_eur"] if "funded_eur" in table else table.get("requested_eur", pd.Series([0.0] * len(table)))
    rows = []
    for pos, (r, f, g) in enumerate(zip(table.itertuples(index=False), freq, funded)):
        sel = bool(r.selected)
        reason = getattr(r, "reason", "")
        rows.append((pos, str(r.id), str(getattr(r, "title", "") or ""), int(sel), str(getattr(r, "funding", "") or ""),
                     float(g) if sel and g is not None and pd.notna(g) else 0.0,
                     None if pd.isna(getattr(r, "value", None)) else float(r.value),
                     str(getattr(r, "reason_code", "") or ""), render_text(reason, "fr"), render_text(reason, "en"),
                     None if f is None or pd.isna(f) else float(f)))
    db = Path(db)
    at = now_utc()
    with _Write(db) as con:
        row = _session_row(con, session_id, db)
        cur = con.execute(
            "INSERT INTO decisions (session_id, call, recorded_at, recorder, justification, weights_json, "
            "aggregation_rule, budget_eur, scenario_path, scenario_hash, provenance_json, robustness_json) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row[0], str(call or ""), at, who or row[5], just, _json(w), str(rule),
             None if budget_eur is None else float(budget_eur), str(scenario_path), str(scenario_hash),
             _json(prov), _json(rob)))
        did = _inserted_id(cur)
        con.executemany("INSERT INTO decision_projects VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [(did, *r) for r in rows])
        con.executemany("INSERT INTO overrides VALUES (?, ?, ?, ?)", [(did, *o) for o in ovs])
        _audit(con, row[0], at, who or row[5], "decision_recorded",
               {"decision_id": did, "call": str(call or ""), "selected": [r[1] for r in rows if r[3]],
                "overrides": [{"project_id": p, "direction": d, "reason": t} for p, d, t in ovs],
                "justification_sha256": hashlib.sha256(just.encode("utf-8")).hexdigest(),
                "weights": w, "rule": str(rule), "scenario_hash": str(scenario_hash)})
    return did


def record_minutes(db: str | Path, session_id: int | None, files: Mapping[str, str], actor: str = "") -> str:
    """Note in the audit trail that minutes were exported, with each file's SHA-256; returns
    the audit row's hash."""
    db = Path(db)
    with _Write(db) as con:
        row = _session_row(con, session_id, db)
        return _audit(con, row[0], now_utc(), str(actor or row[5]), "minutes_exported", {"files": dict(files)})


# --------------------------------------------------------------------------------------------
# reads
# --------------------------------------------------------------------------------------------
def sessions(db: str | Path) -> pd.DataFrame:
    """The sessions stored: ``session_id``, ``title``, ``created_at``, ``scenario_path``,
    ``recorder``, ``aggregation_rule``, ``members`` (with weights), ``decisions``."""
    db = Path(db)
    with closing(_connect(db, write=False)) as con:
        return pd.read_sql_query(
            "SELECT s.session_id, s.title, s.created_at, s.scenario_path, s.recorder, s.aggregation_rule, "
            "(SELECT COUNT(DISTINCT member) FROM elicitations e WHERE e.session_id = s.session_id) AS members, "
            "(SELECT COUNT(*) FROM decisions d WHERE d.session_id = s.session_id) AS decisions "
            "FROM sessions s ORDER BY s.session_id", con)


@dataclass
class Session:
    """A session as stored: its header, each member's weights in force, the decisions in force
    (the latest per call), and the whole history (every elicitation, every decision, the audit)."""

    session_id: int
    title: str
    scenario_path: str
    scenario_hash: str
    created_at: str
    recorder: str
    rule: str
    members: dict            # member -> Elicited (the latest)
    member_rows: pd.DataFrame  # the latest elicitation per member: member, method, recorded_at, CR, weights
    elicitations: pd.DataFrame  # every elicitation, in order
    decisions: pd.DataFrame   # the decisions in force, one per call
    all_decisions: pd.DataFrame
    projects: dict            # decision_id -> DataFrame of its projects
    overrides: dict           # decision_id -> DataFrame of its overrides
    audit: pd.DataFrame


def load_session(db: str | Path, session_id: int | None) -> Session:
    """Everything stored about one session (see :class:`Session`); the members' weights are
    computed again from their raw answers."""
    db = Path(db)
    with closing(_connect(db, write=False)) as con:
        row = _session_row(con, session_id, db)
        sid = row[0]
        eli = pd.read_sql_query("SELECT * FROM elicitations WHERE session_id = ? ORDER BY elicitation_id", con,
                                params=(sid,))
        dec = pd.read_sql_query("SELECT * FROM decisions WHERE session_id = ? ORDER BY decision_id", con,
                                params=(sid,))
        proj = pd.read_sql_query(
            "SELECT p.* FROM decision_projects p JOIN decisions d USING (decision_id) WHERE d.session_id = ? "
            "ORDER BY p.decision_id, p.position", con, params=(sid,))
        ov = pd.read_sql_query(
            "SELECT o.* FROM overrides o JOIN decisions d USING (decision_id) WHERE d.session_id = ? "
            "ORDER BY o.decision_id, o.project_id", con, params=(sid,))
        aud = pd.read_sql_query("SELECT * FROM audit WHERE session_id = ? ORDER BY audit_id", con, params=(sid,))
    members: dict[str, el.Elicited] = {}
    first = list(dict.fromkeys(eli["member"])) if len(eli) else []
    latest = (eli.groupby("member", sort=False).tail(1).set_index("member").loc[first].reset_index()
              if len(eli) else eli)
    for r in latest.itertuples(index=False):
        members[r.member] = el.from_raw(r.method, json.loads(r.raw_json))
    rows = pd.DataFrame({"member": list(members), "method": list(latest["method"]) if len(latest) else [],
                         "recorded_at": list(latest["recorded_at"]) if len(latest) else [],
                         "consistency_ratio": list(latest["consistency_ratio"]) if len(latest) else []})
    for c in (next(iter(members.values())).criteria if members else ()):
        rows[c] = [m.weights[c] for m in members.values()]
    in_force = dec.groupby("call", sort=False).tail(1).sort_values("decision_id") if len(dec) else dec
    projects = {int(d): g.reset_index(drop=True) for d, g in proj.groupby("decision_id")}
    overrides = {int(d): g.reset_index(drop=True) for d, g in ov.groupby("decision_id")}
    return Session(sid, row[1], row[2], row[3], row[4], row[5], row[6], members, rows, eli,
                   in_force.reset_index(drop=True), dec, projects, overrides, aud)


def verify_audit(db: str | Path, session_id: int | None = None) -> list[str]:
    """Check the audit chain(s): each row's hash recomputed from its content and the previous
    row's hash.  Returns the problems found (``[]``: the trail is intact), as
    ``"audit row N: …"`` texts."""
    db = Path(db)
    with closing(_connect(db, write=False)) as con:
        q = "SELECT audit_id, session_id, at, actor, action, detail_json, prev_sha256, sha256 FROM audit"
        args: tuple = ()
        if session_id is not None:
            q += " WHERE session_id = ?"
            args = (int(session_id),)
        rows = con.execute(q + " ORDER BY session_id, audit_id", args).fetchall()
    out: list[str] = []
    last: dict[int, str] = {}
    for aid, sid, at, actor, action, dj, prev, h in rows:
        want_prev = last.get(sid, GENESIS)
        if prev != want_prev:
            out.append(f"audit row {aid}: chained to {prev[:12]}…, expected {want_prev[:12]}…")
        if _row_hash(sid, at, actor, action, dj, prev) != h:
            out.append(f"audit row {aid}: content does not match its hash")
        last[sid] = h
    return out


def latest_members(db: str | Path, session_id: int | None) -> dict[str, el.Elicited]:
    """Each member's weights in force (their latest), by name, in the order they first spoke."""
    return load_session(db, session_id).members


