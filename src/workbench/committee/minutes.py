"""The minutes of a committee session: its decision record, to read, sign and keep.

Built from the session's store alone (:mod:`workbench.committee.store`), so that the minutes say
what was recorded, nothing recomputed: each member's weights (method, answers, consistency
ratio, time), the room's weights and the rule that aggregated them, the members' spread, the
decision in force on each call (the portfolio, each project's coded reason, the committee's
justification, the overrides with their reasons, the robustness under the members' weights when
it was computed), the decisions superseded, the audit trail and whether its hash chain is intact,
the scenario and code provenance, and a block for the signatures.

Written by :func:`write_minutes` into one folder, all or nothing (:func:`workbench.files.write_folder`):

* ``minutes.html`` — the minutes as a self-contained page: every text from a user (a title, a
  justification, a reason, a member's name) is escaped (:func:`html.escape`), and a strict
  Content-Security-Policy (no script, no network; the one style sheet allowed by its hash)
  stops anything else from running;
* ``minutes.pdf`` — that page printed by Debian's Chromium
  (:func:`workbench.reporting.batch.print_pdf`; left out, with a note, where Chromium is missing);
* ``minutes.docx`` — the same content as a Word document (python-docx), for the secretariat to
  edit before signature;
* ``minutes_*.csv`` — the record as tables (UTF-8 with BOM, ``;``: French Excel opens them; text
  never a live formula, :func:`workbench.files.csv_bytes`): ``decisions``, ``calls``,
  ``members``, ``room``, ``overrides``, ``audit`` and ``provenance``.  :func:`read_minutes` reads
  them back.

French by default (the catalog's words, :mod:`workbench.messages.words`), English on request.
The export is noted in the audit trail with each file's SHA-256.
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..version import __version__
from ..files import csv_bytes, file_sha256, write_folder
from ..errors import check_lang
from ..messages import header, label
from ..units import meur, pct
from . import elicitation as el
from . import store as S

#: The CSV tables of the minutes, by file stem.
TABLES = ("decisions", "calls", "members", "room", "overrides", "audit", "provenance")
#: Columns read back as numbers / as booleans by :func:`read_minutes`.
_NUMERIC = {"session_id", "decision_id", "grant_eur", "value", "selection_frequency", "budget_eur", "selected_count",
            "granted_eur", "consistency_ratio", "room_weight", "min", "max", "mean", "std", "range", "audit_id",
            "position"}
_BOOLEAN = {"selected", "in_force", "inconsistent"}


def code_fingerprint() -> str:
    """The workbench's version and a fingerprint of its code and shipped data
    (:func:`workbench.version.code_fingerprint`: one home for it)."""
    from ..version import code_fingerprint as fingerprint  # noqa: PLC0415

    return fingerprint()


@dataclass
class Minutes:
    """A session's minutes, language-free: the stored session, the room's weights under the
    session's rule (``None`` without members, or when the rule cannot apply: ``room_error``),
    the members' spread, the audit check and when the minutes were drawn up."""

    session: S.Session
    db: str
    room: el.RoomWeights | None
    room_error: str
    spread: pd.DataFrame
    audit_problems: list[str]
    generated_at: str
    provenance: dict = field(default_factory=dict)


def build_minutes(db: str | Path, session_id: int | None) -> Minutes:
    """The minutes of session ``session_id`` in the store ``db``."""
    from ..errors import InputError  # noqa: PLC0415

    s = S.load_session(db, session_id)
    room, err = None, ""
    if s.members:
        try:
            room = el.aggregate(list(s.members.values()), s.rule)
        except InputError as exc:
            err = "; ".join(p.rule_text("en") for p in exc.problems)
    problems = S.verify_audit(db, s.session_id)
    prov = {"workbench_version": __version__, "code_fingerprint": code_fingerprint()}
    return Minutes(s, str(db), room, err, el.spread(s.members), problems, S.now_utc(), prov)


# --------------------------------------------------------------------------------------------
# the tables (CSV, and the HTML / DOCX sections)
# --------------------------------------------------------------------------------------------
def _h(col: str, lang: str) -> str:
    """A column's header: the committee's words (``cm_col_<col>``), else the package's."""
    from ..messages import LABELS  # noqa: PLC0415

    key = f"cm_col_{col}"
    return label(key, lang) if key in LABELS else header(col, lang)


def _criteria(m: Minutes) -> tuple[str, ...]:
    if m.session.members:
        return next(iter(m.session.members.values())).criteria
    return tuple(el.CRITERIA)


def minutes_tables(m: Minutes, lang: str = "fr") -> dict[str, pd.DataFrame]:
    """The minutes as tables (machine column names, raw values: weights and frequencies as
    fractions, amounts in euros), texts in ``lang``: see the module."""
    s = m.session
    crit = _criteria(m)
    dec_rows, call_rows, ov_rows = [], [], []
    in_force = set(int(d) for d in s.decisions["decision_id"]) if len(s.decisions) else set()
    for d in s.all_decisions.itertuples(index=False):
        did = int(d.decision_id)
        proj = s.projects.get(did, pd.DataFrame())
        ovs = s.overrides.get(did, pd.DataFrame(columns=["project_id", "direction", "reason"]))
        ov_of = {str(o.project_id): (o.direction, o.reason) for o in ovs.itertuples(index=False)}
        w = json.loads(d.weights_json)
        sel = proj[proj["selected"].astype(bool)] if len(proj) else proj
        call_rows.append({"session_id": s.session_id, "decision_id": did, "call": d.call, "in_force": did in in_force,
                          "recorded_at": d.recorded_at, "recorder": d.recorder, "justification": d.justification,
                          "aggregation_rule": d.aggregation_rule, "budget_eur": d.budget_eur,
                          "selected_count": int(len(sel)), "granted_eur": float(sel["grant_eur"].sum()) if len(sel) else 0.0,
                          **{f"weight_{c}": w.get(c) for c in crit},
                          "scenario_path": d.scenario_path, "scenario_hash": d.scenario_hash})
        for o in ovs.itertuples(index=False):
            ov_rows.append({"decision_id": did, "call": d.call, "in_force": did in in_force,
                            "project_id": o.project_id, "direction": o.direction, "reason": o.reason})
        if did not in in_force:
            continue
        for p in proj.itertuples(index=False):
            o = ov_of.get(str(p.project_id), ("", ""))
            dec_rows.append({"session_id": s.session_id, "decision_id": did, "call": d.call,
                             "recorded_at": d.recorded_at,
                             "position": int(p.position), "project_id": p.project_id, "title": p.title,
                             "selected": bool(p.selected), "funding": p.funding, "grant_eur": p.grant_eur,
                             "value": p.value, "reason_code": p.reason_code,
                             "reason": p.reason_fr if lang == "fr" else p.reason_en,
                             "selection_frequency": p.selection_frequency, "override": o[0], "override_reason": o[1]})
    members = []
    for r in s.member_rows.itertuples(index=False):
        e = s.members[r.member]
        members.append({"member": r.member, "method": r.method, "recorded_at": r.recorded_at,
                        "consistency_ratio": e.consistency_ratio, "inconsistent": e.inconsistent,
                        **{c: e.weights[c] for c in crit}, "answers": json.dumps(e.raw, ensure_ascii=False,
                                                                                 sort_keys=True)})
    room = m.spread.copy()
    room.insert(1, "room_weight", [m.room.weights[c] for c in room["criterion"]] if m.room is not None else None)
    audit = s.audit[["audit_id", "at", "actor", "action", "detail_json", "prev_sha256", "sha256"]].rename(
        columns={"detail_json": "detail"}) if len(s.audit) else pd.DataFrame(
        columns=["audit_id", "at", "actor", "action", "detail", "prev_sha256", "sha256"])
    prov = {"session_id": s.session_id, "title": s.title, "created_at": s.created_at, "recorder": s.recorder,
            "scenario_path": s.scenario_path, "scenario_hash": s.scenario_hash, "aggregation_rule": s.rule,
            "rule_applied": m.room.rule if m.room is not None else "", "room_error": m.room_error,
            "db": m.db, "generated_at": m.generated_at, "lang": lang,
            "audit_intact": not m.audit_problems, "audit_entries": int(len(s.audit)),
            "audit_problems": " | ".join(m.audit_problems), **m.provenance}
    return {
        "decisions": pd.DataFrame(dec_rows, columns=["session_id", "decision_id", "call", "recorded_at", "position",
                                                     "project_id", "title", "selected", "funding", "grant_eur",
                                                     "value", "reason_code", "reason", "selection_frequency",
                                                     "override", "override_reason"]),
        "calls": pd.DataFrame(call_rows, columns=["session_id", "decision_id", "call", "in_force", "recorded_at",
                                                  "recorder", "justification", "aggregation_rule", "budget_eur",
                                                  "selected_count", "granted_eur", *[f"weight_{c}" for c in crit],
                                                  "scenario_path", "scenario_hash"]),
        "members": pd.DataFrame(members, columns=["member", "method", "recorded_at", "consistency_ratio",
                                                  "inconsistent", *crit, "answers"]),
        "room": room,
        "overrides": pd.DataFrame(ov_rows, columns=["decision_id", "call", "in_force", "project_id", "direction",
                                                    "reason"]),
        "audit": audit,
        "provenance": pd.DataFrame([(k, "" if v is None else str(v)) for k, v in prov.items()],
                                   columns=["key", "value"]),
    }


def read_minutes(folder: str | Path) -> dict[str, Any]:
    """The minutes' CSV tables read back from ``folder`` (``{stem: DataFrame}``, numbers and
    booleans typed), and ``"provenance"`` as a ``{key: text}`` mapping."""
    folder = Path(folder)
    out: dict[str, Any] = {}
    for name in TABLES:
        df = pd.read_csv(folder / f"minutes_{name}.csv", sep=";", encoding="utf-8-sig", dtype=str,
                         keep_default_na=False)
        for c in (df.columns if name != "provenance" else ()):
            if c in _NUMERIC or c.startswith("weight_") or c in el.CRITERIA:
                df[c] = pd.to_numeric(df[c].replace("", None), errors="coerce")
            elif c in _BOOLEAN:
                df[c] = df[c].map({"True": True, "False": False})
        out[name] = df
    out["provenance"] = dict(zip(out["provenance"]["key"], out["provenance"]["value"]))
    return out


# --------------------------------------------------------------------------------------------
# the page (HTML, printed to PDF)
# --------------------------------------------------------------------------------------------
_CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; color: #111; margin: 18mm 16mm; }
h1 { font-size: 17pt; margin: 0 0 6pt 0; } h2 { font-size: 13pt; margin: 16pt 0 6pt 0; border-bottom: 1px solid #999; }
h3 { font-size: 11pt; margin: 12pt 0 4pt 0; }
table { border-collapse: collapse; margin: 4pt 0 8pt 0; width: 100%; }
th, td { border: 1px solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; font-size: 9pt; }
th { background: #eee; } td.num { text-align: right; white-space: nowrap; }
.facts td:first-child { width: 28%; font-weight: bold; background: #f6f6f6; }
.just { white-space: pre-wrap; border-left: 3px solid #555; padding: 4pt 8pt; background: #fafafa; }
.warn { color: #a00; font-weight: bold; } .ok { color: #060; } .muted { color: #555; font-size: 9pt; }
.sig td { height: 60pt; width: 50%; } .mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 8pt; }
@page { size: A4; margin: 0; }
"""


def _e(v: Any) -> str:
    """Any value as escaped HTML text (every user text is data)."""
    return html.escape("" if v is None else str(v), quote=True)


def _pct(x: Any, lang: str, digits: int = 1) -> str:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    return "–" if v != v else pct(v, lang, digits)


def _num(x: Any, lang: str, digits: int = 2) -> str:
    from ..units import number  # noqa: PLC0415

    try:
        v = float(x)
    except (TypeError, ValueError):
        return "–"
    return "–" if v != v else number(v, lang, digits)


def _table(headers: list[str], rows: list[list[tuple[str, bool]]]) -> str:
    """An HTML table: ``rows`` of ``(escaped html, numeric?)`` cells."""
    head = "".join(f"<th scope='col'>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td class='num'>{c}</td>" if num else f"<td>{c}</td>" for c, num in r)
                   + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def rule_text(rule: str, lang: str) -> str:
    """The sentence that states an aggregation rule (with its reference)."""
    return label(f"cm_rule_{rule}", lang)


def minutes_sections(m: Minutes, lang: str = "fr") -> list[tuple[str, Any]]:
    """The minutes as a list of blocks, shared by the HTML and DOCX writers: ``("h1" | "h2" |
    "h3" | "p" | "just" | "warn" | "ok" | "muted", text)``, ``("facts", [(key, value)])`` and
    ``("table", (headers, rows, numeric columns))``; texts are plain (each writer escapes)."""
    check_lang(lang)
    s = m.session
    crit = _criteria(m)
    cname = [label(c, lang) for c in crit]
    out: list[tuple[str, Any]] = [("h1", label("cm_minutes_title", lang, id=s.session_id, title=s.title))]
    out.append(("facts", [(label("cm_opened", lang), s.created_at), (label("cm_recorder", lang), s.recorder or "–"),
                          (label("cm_scenario", lang), f"{s.scenario_path} (sha256 {s.scenario_hash[:16]}…)"),
                          (label("cm_db", lang), m.db), (label("cm_generated", lang), m.generated_at)]))
    # each member's weights
    out.append(("h2", label("cm_members_title", lang)))
    out.append(("p", label("cm_members_intro", lang)))
    if not s.members:
        out.append(("p", label("cm_no_members", lang)))
    else:
        rows = []
        for r in s.member_rows.itertuples(index=False):
            e = s.members[r.member]
            cr = "–" if e.consistency_ratio is None else (
                _num(e.consistency_ratio, lang, 3) + (" ⚠ " + label("cm_cr_high", lang) if e.inconsistent else ""))
            rows.append([r.member, label(f"cm_method_{e.method}", lang), *[_pct(e.weights[c], lang) for c in crit],
                         cr, r.recorded_at])
        out.append(("table", ([_h("member", lang), _h("method", lang), *cname, _h("consistency_ratio", lang),
                               _h("recorded_at", lang)], rows, set(range(2, 3 + len(crit))))))
        for r in s.member_rows.itertuples(index=False):
            e = s.members[r.member]
            if e.method == "ahp":
                judg = ", ".join(f"{label(a, lang)} / {label(b, lang)} = {v}"
                                 for k, v in e.raw["judgments"].items() for a, b in [k.split(el.PAIR_SEP)])
                out.append(("muted", f"{r.member} — {label('cm_answers_ahp', lang)} {judg}"))
            else:
                pts = ", ".join(f"{label(c, lang)} {_num(p, lang, 0)}" for c, p in e.raw["points"].items())
                out.append(("muted", f"{r.member} — {label('cm_answers_swing', lang)} {pts}"))
    # the room
    out.append(("h2", label("cm_room_title", lang)))
    if m.room is not None:
        out.append(("p", rule_text(m.room.rule, lang) + (" " + label("cm_rule_was_auto", lang)
                                                         if m.room.requested == "auto" else "")))
        if m.room.consistency_ratio is not None:
            out.append(("p", label("cm_group_cr", lang, cr=_num(m.room.consistency_ratio, lang, 3))))
        rows = []
        for r in m.spread.itertuples(index=False):
            rows.append([label(r.criterion, lang), _pct(m.room.weights[r.criterion], lang), _pct(r.min, lang),
                         _pct(r.max, lang), _pct(r.std, lang), f"{r.min_member} / {r.max_member}"])
        out.append(("table", ([_h("criterion", lang), _h("room_weight", lang), _h("min", lang), _h("max", lang),
                               _h("std", lang), _h("extremes", lang)], rows, {1, 2, 3, 4})))
        out.append(("muted", label("cm_spread_note", lang)))
    elif m.room_error:
        out.append(("warn", m.room_error))
    else:
        out.append(("p", label("cm_no_members", lang)))
    # decisions
    out.append(("h2", label("cm_decisions_title", lang)))
    if not len(s.decisions):
        out.append(("p", label("cm_no_decision", lang)))
    for d in s.decisions.itertuples(index=False):
        did = int(d.decision_id)
        call = d.call or label("cm_all_calls", lang)
        out.append(("h3", label("cm_decision_heading", lang, call=call, id=did, at=d.recorded_at,
                                who=d.recorder or "–")))
        w = json.loads(d.weights_json)
        rob = json.loads(d.robustness_json)
        facts = [(label("cm_weights_used", lang), ", ".join(f"{label(c, lang)} {_pct(w.get(c), lang)}" for c in crit)),
                 (label("cm_rule_used", lang), label(f"cm_rule_name_{d.aggregation_rule}", lang)
                  if d.aggregation_rule in el.RULES else d.aggregation_rule),
                 (label("cm_budget", lang), meur(d.budget_eur, lang) if d.budget_eur is not None and
                  d.budget_eur == d.budget_eur else "–"),
                 (label("cm_robustness", lang), label("cm_robustness_line", lang, samples=rob["samples"],
                                                      members=len(rob.get("members", [])), seed=rob["seed"])
                  if rob.get("samples") else label("cm_no_robustness", lang))]
        out.append(("facts", facts))
        out.append(("p", label("cm_justification", lang)))
        out.append(("just", d.justification))
        proj = s.projects.get(did, pd.DataFrame())
        if len(proj):
            proj = proj.sort_values(["selected", "position"], ascending=[False, True])
            ovs = s.overrides.get(did)
            ov_of = {} if ovs is None else {str(o.project_id): o.direction for o in ovs.itertuples(index=False)}
            rows = []
            for p in proj.itertuples(index=False):
                forced = ov_of.get(str(p.project_id))
                rows.append([p.project_id, p.title, label("yes" if p.selected else "no", lang),
                             meur(p.grant_eur, lang) if p.selected else "–",
                             (p.reason_fr if lang == "fr" else p.reason_en) + f" [{p.reason_code}]",
                             _pct(p.selection_frequency, lang, 0),
                             label(f"cm_dir_{forced}", lang) if forced else ""])
            out.append(("h3", label("cm_portfolio", lang)))
            out.append(("table", ([_h("id", lang), _h("title", lang), _h("selected", lang), _h("grant_eur", lang),
                                   _h("reason", lang), _h("selection_frequency", lang), _h("direction", lang)],
                                  rows, {3, 5})))
        out.append(("h3", label("cm_overrides", lang)))
        ovs = s.overrides.get(did)
        if ovs is None or not len(ovs):
            out.append(("p", label("cm_no_overrides", lang)))
        else:
            out.append(("table", ([_h("id", lang), _h("direction", lang), _h("override_reason", lang)],
                                  [[o.project_id, label(f"cm_dir_{o.direction}", lang), o.reason]
                                   for o in ovs.itertuples(index=False)], set())))
    superseded = s.all_decisions[~s.all_decisions["decision_id"].isin(s.decisions["decision_id"])] \
        if len(s.all_decisions) else s.all_decisions
    if len(superseded):
        out.append(("h3", label("cm_superseded", lang)))
        latest = dict(zip(s.decisions["call"], s.decisions["decision_id"]))
        for d in superseded.itertuples(index=False):
            out.append(("p", label("cm_superseded_row", lang, id=int(d.decision_id),
                                   call=d.call or label("cm_all_calls", lang), at=d.recorded_at,
                                   by=int(latest.get(d.call, 0)))))
    # audit
    out.append(("h2", label("cm_audit_title", lang)))
    if m.audit_problems:
        out.append(("warn", label("cm_audit_broken", lang, problems="; ".join(m.audit_problems))))
    else:
        out.append(("ok", label("cm_audit_ok", lang, n=len(s.audit))))
    if len(s.audit):   # the chain's head: a later copy of the store must still hold it (no entry removed)
        out.append(("muted", label("cm_audit_head", lang, sha=s.audit.iloc[-1]["sha256"])))
    rows = [[str(a.audit_id), a.at, a.actor or "–", label(f"cm_action_{a.action}", lang) if a.action in S.ACTIONS
             else a.action, _audit_detail(a.action, a.detail_json, lang), a.sha256[:16] + "…"]
            for a in s.audit.itertuples(index=False)]
    out.append(("table", ([_h("audit_id", lang), _h("at", lang), _h("actor", lang), _h("action", lang),
                           _h("detail", lang), _h("sha256", lang)], rows, set())))
    # provenance and signatures
    out.append(("h2", label("cm_provenance_title", lang)))
    out.append(("facts", [(label("cm_version", lang), m.provenance.get("workbench_version", "")),
                          (label("cm_code", lang), m.provenance.get("code_fingerprint", "")),
                          (label("cm_scenario", lang), f"{s.scenario_path} (sha256 {s.scenario_hash})")]
                + [(label("cm_scenario_of", lang, id=int(d.decision_id)),
                    f"{d.scenario_path} (sha256 {d.scenario_hash})")
                   for d in s.decisions.itertuples(index=False)
                   if (d.scenario_path, d.scenario_hash) != (s.scenario_path, s.scenario_hash)]))
    out.append(("h2", label("cm_signatures", lang)))
    out.append(("signatures", [label("cm_chair", lang), label("cm_secretary", lang)]))
    return out


def _audit_detail(action: str, detail_json: str, lang: str) -> str:
    """A short reading of an audit row's detail."""
    d = json.loads(detail_json)
    if action == "weights_recorded":
        cr = d.get("consistency_ratio")
        return f"{label('cm_method_' + d.get('method', 'swing'), lang)}" + (
            f", CR {_num(cr, lang, 3)}" if cr is not None else "")
    if action == "decision_recorded":
        return label("cm_audit_decision", lang, id=d.get("decision_id"),
                     call=d.get("call") or label("cm_all_calls", lang),
                     n=len(d.get("selected", [])), overrides=len(d.get("overrides", [])))
    if action == "rule_set":
        return f"{d.get('from')} → {d.get('to')}"
    if action == "session_created":
        return str(d.get("title", ""))
    if action == "minutes_exported":
        return ", ".join(sorted(d.get("files", {})))
    return detail_json


def minutes_html(m: Minutes, lang: str = "fr") -> str:
    """The minutes as one self-contained HTML page (see the module: every user text escaped, a
    strict Content-Security-Policy)."""
    css_hash = base64.b64encode(hashlib.sha256(_CSS.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; style-src 'sha256-{css_hash}'; img-src data:; base-uri 'none'; "
           f"form-action 'none'")
    parts = []
    for kind, v in minutes_sections(m, lang):
        if kind in ("h1", "h2", "h3"):
            parts.append(f"<{kind}>{_e(v)}</{kind}>")
        elif kind in ("p", "warn", "ok", "muted"):
            cls = "" if kind == "p" else f" class='{kind}'"
            parts.append(f"<p{cls}>{_e(v)}</p>")
        elif kind == "just":
            parts.append(f"<div class='just'>{_e(v)}</div>")
        elif kind == "facts":
            parts.append("<table class='facts'><tbody>" + "".join(
                f"<tr><td>{_e(k)}</td><td>{_e(x)}</td></tr>" for k, x in v) + "</tbody></table>")
        elif kind == "table":
            heads, rows, nums = v
            parts.append(_table(heads, [[(_e(c), j in nums) for j, c in enumerate(r)] for r in rows]))
        elif kind == "signatures":
            parts.append("<table class='sig'><tbody><tr>" + "".join(
                f"<td>{_e(who)}<br><span class='muted'>{_e(label('cm_date_sign', lang))}</span></td>" for who in v)
                + "</tr></tbody></table>")
    title = label("cm_minutes_title", lang, id=m.session.session_id, title=m.session.title)
    return ("<!DOCTYPE html>\n"
            f"<html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def minutes_docx(m: Minutes, lang: str = "fr") -> bytes:
    """The minutes as a Word document (python-docx): the same blocks as the page."""
    import docx  # noqa: PLC0415 - python-docx, imported when a DOCX is asked for
    from docx.shared import Pt  # noqa: PLC0415

    doc = docx.Document()
    doc.core_properties.title = label("cm_minutes_title", lang, id=m.session.session_id, title=m.session.title)
    doc.core_properties.language = lang
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(10)
    for kind, v in minutes_sections(m, lang):
        if kind in ("h1", "h2", "h3"):
            doc.add_heading(_docx_text(v), level=int(kind[1]) - 1 if kind != "h1" else 0)
        elif kind in ("p", "muted", "ok", "warn", "just"):
            para = doc.add_paragraph(_docx_text(v))
            if kind == "warn":
                para.runs[0].bold = True
            if kind == "just":
                para.style = doc.styles["Quote"] if "Quote" in [s.name for s in doc.styles] else para.style
        elif kind == "facts":
            t = doc.add_table(rows=0, cols=2)
            t.style = "Table Grid"
            for k, x in v:
                cells = t.add_row().cells
                cells[0].text, cells[1].text = _docx_text(k), _docx_text(x)
        elif kind == "table":
            heads, rows, _nums = v
            t = doc.add_table(rows=1, cols=len(heads))
            t.style = "Table Grid"
            for c, h in zip(t.rows[0].cells, heads):
                c.text = _docx_text(h)
            for r in rows:
                for c, x in zip(t.add_row().cells, r):
                    c.text = _docx_text(x)
        elif kind == "signatures":
            t = doc.add_table(rows=1, cols=len(v))
            t.style = "Table Grid"
            for c, who in zip(t.rows[0].cells, v):
                c.text = f"{_docx_text(who)}\n{label('cm_date_sign', lang)}\n\n\n"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_text(v: Any) -> str:
    """Text a DOCX can hold (XML 1.0: no NUL or other control characters but tab and newlines)."""
    from ..files import clean_text  # noqa: PLC0415

    return clean_text("" if v is None else str(v))


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------
@dataclass
class Written:
    """What :func:`write_minutes` wrote: the folder, the files (name -> SHA-256) and notes
    (a PDF or DOCX left out, and why)."""

    folder: Path
    files: dict
    notes: list


def write_minutes(db: str | Path, session_id: int | None, out: str | Path, lang: str = "fr", pdf: bool = True,
                  docx: bool = True, chromium: str | None = None) -> Written:
    """Write the minutes of a session into ``out`` (all or nothing; see the module) and note the
    export in the session's audit trail.  ``pdf=False`` / ``docx=False`` leave those out."""
    from ..reporting.batch import ReportError, find_chromium, print_pdf  # noqa: PLC0415

    check_lang(lang)
    m = build_minutes(db, session_id)
    notes: list[str] = []
    written: list[str] = []

    def build(tmp: Path) -> None:
        for name, df in minutes_tables(m, lang).items():
            (tmp / f"minutes_{name}.csv").write_bytes(csv_bytes(df, sep=";", bom=True))
        page = tmp / "minutes.html"
        page.write_text(minutes_html(m, lang), encoding="utf-8")
        if pdf:
            exe = chromium or find_chromium()
            if exe is None:
                notes.append(label("cm_no_chromium", lang))
            else:
                try:
                    print_pdf(page, tmp / "minutes.pdf", chromium=exe)
                except ReportError as exc:
                    notes.append(str(exc))
        if docx:
            try:
                (tmp / "minutes.docx").write_bytes(minutes_docx(m, lang))
            except ImportError:
                notes.append(label("cm_no_docx", lang))
        written.extend(sorted(f.name for f in tmp.iterdir()))

    folder = write_folder(out, build)
    for stale in ("minutes.pdf", "minutes.docx"):   # of an earlier export, not written this time
        if stale not in written:
            (folder / stale).unlink(missing_ok=True)
    files = {n: file_sha256(folder / n) for n in written}
    S.record_minutes(db, m.session.session_id, files)
    return Written(folder, files, notes)
