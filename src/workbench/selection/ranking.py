"""The ranking of the candidates: the optimal portfolio, each project's reason in or out, its files.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..candidates import split_ids
from ..files import project_relative, write_atomic, write_csv, write_folder, write_xlsx
from ..messages import Text, code_of, msg
from .scoring import roi_ratio
from .check import check_portfolio
from .engines import _engine_info
from .heuristic import greedy
from .model import Model
from .optimal import Selection, choice_table, select
from .inputs import DEFAULT_TIME_LIMIT_S, RULE_KEYS, candidate_flags, settings


# --------------------------------------------------------------------------------------------
# rank: the full answer
# --------------------------------------------------------------------------------------------
@dataclass
class RankResult:
    """The ranked and selected portfolio.

    Attributes
    ----------
    table : DataFrame
        One row per candidate: ``id``, ``title``, ``owner``, ``envelope``, ``paying_envelope``,
        ``eligible``, ``selected``, ``funding`` (``'full'``/``'phase1'``/``''``), ``value`` (the
        project's value if fully funded [points]), ``contribution`` (its part of the objective
        [points]), ``value_per_eur`` [points/EUR], ``value_per_meur`` [points/M€],
        ``rank_value_per_eur``, ``requested_eur``, ``funded_eur``, ``roi_ratio``,
        ``roi_below_target``, ``greedy_selected``, ``selection_frequency`` (when robustness
        ran), ``reason``; then the candidates' other columns.
    totals : dict
        Portfolio totals (counts, euros, value, greedy value and its shortfall).
    solver : dict
        Engine, version, status, gap, dual bound, time limit, time [s], the independent check.
    conflicts : list of str or None
        The conflicting rules when no portfolio satisfies them all.
    selection : Selection or None
        The solved selection (:func:`rank` always sets it; ``None`` only for a call-by-call
        result, :func:`workbench.decisions.decide_calls`, in which no call was decided).
    """

    table: pd.DataFrame
    totals: dict
    solver: dict
    conflicts: list | None
    weights: dict
    provenance: dict
    selection: Selection | None = field(repr=False)
    scenario: Any = field(repr=False, default=None)
    candidates: pd.DataFrame = field(repr=False, default=None)
    robustness: pd.DataFrame | None = None
    #: call-by-call decisions (:func:`workbench.decisions.decide_calls`): each call's own result
    calls: dict | None = field(repr=False, default=None)
    #: call-by-call decisions: one row per call (credits left, allotment, laureates, granted)
    by_call: pd.DataFrame | None = None
    #: call-by-call decisions with ``keep_states``: the state before each call, by call id
    #: (:class:`workbench.decisions.CallState`, what a later run resumes from)
    states: dict | None = field(repr=False, default=None)
    #: the command's own record (``workbench rank``: its time limit and the seconds of each stage)
    command: dict | None = None


def _reasons(cands: pd.DataFrame, model: Model, ch: pd.DataFrame, forced_in, forced_out,
             conflicts, solved: bool = True, merit: bool = False) -> list[Text]:
    """Why each candidate is in or out, as coded texts (English text, French by
    :func:`workbench.messages.render_text`)."""
    n = len(cands)
    ids = cands["id"].astype(str).to_numpy()
    selected = ch["selected"].to_numpy(bool)
    funding = ch["funding"].to_numpy()
    payer = ch["paying_envelope"].to_numpy()
    chosen = set(ids[selected])
    ok = model.eligible["eligible"].to_numpy(bool)
    why = model.eligible["reason"].to_numpy()
    req_cells = cands["requires"].to_numpy() if "requires" in cands else [""] * n
    exc_cells = cands["excludes"].to_numpy() if "excludes" in cands else [""] * n
    excluded_by: dict[str, list[str]] = {}
    for k in np.flatnonzero(selected):
        for y in split_ids(exc_cells[k]):
            excluded_by.setdefault(y, []).append(ids[k])
    fi, fo = set(forced_in), set(forced_out)
    options = set(model.item.tolist())
    # the reasons without parameters are the same text for every candidate: made once (200,000 rows)
    same = {code: Text(msg(code)) for code in ("R_NOT_SOLVED", "R_FORCED_OUT", "R_OUTRANKED", "R_OUTRANKED_MERIT_TIME")}
    closed = Text(msg("R_INELIGIBLE", parts=[msg("R_NO_OPEN_ENVELOPE")]))
    conflict = Text(msg("R_CONFLICT", detail="; ".join(conflicts))) if conflicts is not None else None

    def ids_in(cell) -> list[str]:
        return split_ids(cell) if isinstance(cell, str) and cell else [] if not cell or cell != cell else split_ids(cell)

    out = []
    for i in range(n):
        pid = ids[i]
        if not ok[i]:
            m = ineligible_reason(why[i])
        elif i not in options:
            out.append(closed)
            continue
        elif conflict is not None:
            out.append(conflict)
            continue
        elif not solved:
            out.append(same["R_NOT_SOLVED"])
            continue
        elif selected[i] and merit:
            m = msg("R_SELECTED_PHASE1_MERIT" if funding[i] == "phase1" else "R_SELECTED_MERIT", payer=payer[i])
        elif selected[i]:
            m = msg("R_SELECTED_PHASE1" if funding[i] == "phase1" else "R_SELECTED",
                    forced=msg("R_FORCED_IN") if pid in fi else "", payer=payer[i])
        elif pid in fo:
            out.append(same["R_FORCED_OUT"])
            continue
        else:
            deps = [msg("R_REQUIRES", other=y) for y in ids_in(req_cells[i]) if y not in chosen]
            deps += [msg("R_EXCLUDES", other=y) for y in ids_in(exc_cells[i]) if y in chosen]
            deps += [msg("R_EXCLUDED_BY", other=k) for k in excluded_by.get(pid, [])]
            if not deps:
                out.append(same["R_OUTRANKED_MERIT_TIME" if merit else "R_OUTRANKED"])
                continue
            m = msg("R_NOT_SELECTED_DEPENDENCY", parts=deps)
        out.append(Text(m))
    return out


#: Eligibility parts that come from an assumption of the workbench, not from a rule of the fund's
#: documents: a candidate left out only by them is "below the assumed quality bar", never
#: "ineligible (a fund rule is broken)".
ASSUMED_PARTS = ("R_QUALITY_BAR",)


def ineligible_reason(reason: Any):
    """The coded reason of a candidate that failed eligibility: ``R_BELOW_ASSUMED_BAR`` when every
    part comes from an assumption (:data:`ASSUMED_PARTS`: the quality bar), else ``R_INELIGIBLE``
    (a rule of the fund's documents is broken)."""
    parts = reason_parts(reason)
    assumed = bool(parts) and all(getattr(p, "code", None) in ASSUMED_PARTS for p in parts)
    return msg("R_BELOW_ASSUMED_BAR" if assumed else "R_INELIGIBLE", parts=parts)


def reason_parts(reason: Any) -> list:
    """The coded parts of an eligibility reason (a :class:`~workbench.messages.Text` of
    ``R_PARTS``); a plain text reason stays one part, shown as it is."""
    m = getattr(reason, "message", None)
    if m is not None and m.code == "R_PARTS":
        return list(m.params["parts"])
    return [reason]


def rank(scenario, candidates: pd.DataFrame, budget_eur: float | None = None,
         weights: Mapping[str, float] | None = None, forced_in: Iterable[str] = (),
         forced_out: Iterable[str] = (), rules: Mapping[str, Any] | None = None,
         time_limit_s: float | None = None, seed: int | None = None, engine: str = "scipy",
         deadline: float | None = None) -> RankResult:
    """Rank the candidates and select the optimal portfolio, with the greedy comparison.

    The robustness of the selection (selection frequency under weight and cost uncertainty) is
    the analysis layer's: :func:`workbench.selection.robustness.rank` adds it to this result.

    Parameters
    ----------
    scenario : Scenario
    candidates : DataFrame
        Validated candidates (:func:`workbench.sources.load_candidates`).
    budget_eur : float, optional
        The envelope [EUR] (default: ``selection.budget_eur``, else the funds' envelopes).
    weights : mapping, optional
        Criteria weights; default the scenario's.
    forced_in, forced_out : iterable of str
        Ids that must / must not be selected (added to ``selection.force_in/force_out``).
    rules : mapping, optional
        Overrides of ``selection`` settings.
    time_limit_s : float, optional
        Time limit [s] (default ``selection.time_limit_s``, else 60 s), on the wall clock: it
        covers building the model, solving and checking the portfolio (the solver gets what
        the rest leaves).  When the time runs out before the solver finds a portfolio, the
        answer is the greedy portfolio by value per euro (the merit order), marked
        ``solver["fallback"] = "greedy"`` and not proven optimal (see :func:`select`).
    deadline : float, optional
        A ``time.perf_counter()`` instant set by the caller (the command's own deadline, which
        also covers reading the candidates and writing the files): the ranking ends by the
        earlier of it and ``time_limit_s`` from now.
    seed : int, optional
        The seed recorded in the provenance (default: the scenario's seed).
    engine : {"scipy", "highspy"}
        How HiGHS is called (:func:`solve_model`); recorded in ``solver``.

    Returns
    -------
    RankResult
    """
    from ..version import __version__

    t_start = time.perf_counter()
    s0 = settings(scenario, rules, budget_eur)
    limit_s = float(time_limit_s if time_limit_s is not None else s0.get("time_limit_s") or DEFAULT_TIME_LIMIT_S)
    fi = tuple(s0.get("force_in") or ()) + tuple(forced_in)
    fo = tuple(s0.get("force_out") or ()) + tuple(forced_out)
    own = t_start + limit_s
    sel = select(scenario, candidates, budget_eur, weights, fi, fo, rules, limit_s, engine=engine,
                 deadline=own if deadline is None else min(own, deadline))
    mdl, ch, s = sel.model, sel.choice, sel.settings
    n = len(candidates)
    vals = sel.values.to_numpy(float)
    req = candidates["requested_eur"].to_numpy(float)
    funded = np.where(ch["funding"] == "phase1", candidates["phase1_cost_eur"].to_numpy(float),
                      np.where(ch["selected"], req, 0.0))
    vpe = vals / req
    elig = mdl.eligible["eligible"].to_numpy(bool)
    rank_vpe = pd.Series(np.where(elig, vpe, np.nan)).rank(ascending=False, method="min")
    roi = roi_ratio(candidates).to_numpy(float)
    target = float(s["roi_target_ratio"])
    # greedy
    gx = (sel.greedy_x if sel.greedy_x is not None else greedy(mdl, vals, s["budget_eur"], sel.forced_in)) \
        if sel.solve.x is not None else None
    gch = choice_table(mdl, gx, n)
    gch.index = candidates.index
    greedy_value = float((vals * gch["value_rate"].to_numpy()).sum()) if gx is not None else float("nan")
    greedy_broken = check_portfolio(scenario, candidates, gch, s, sel.forced_in, sel.forced_out,
                                    eligible=mdl.eligible["eligible"].to_numpy(bool)) if gx is not None else []
    table = pd.DataFrame({
        "id": candidates["id"].astype(str).to_numpy(),
        "title": candidates["title"].to_numpy(),
        "owner": candidates["owner"].to_numpy(),
        "envelope": candidates["envelope"].to_numpy(),
        "paying_envelope": ch["paying_envelope"].to_numpy(),
        "eligible": elig,
        "selected": ch["selected"].to_numpy(bool),
        "funding": ch["funding"].to_numpy(),
        "value": np.round(vals, 6),
        "contribution": np.round(vals * ch["value_rate"].to_numpy(), 6),
        "value_per_eur": vpe,
        "value_per_meur": vpe * 1e6,
        "rank_value_per_eur": rank_vpe.to_numpy(),
        "requested_eur": req,
        "funded_eur": funded,
        "roi_ratio": roi,
        "roi_below_target": ~(roi >= target),
        "greedy_selected": gch["selected"].to_numpy(bool),
    })
    table["roi_below_target"] = np.where(np.isnan(roi), pd.NA, table["roi_below_target"])
    table["reason"] = _reasons(candidates, mdl, ch, sel.forced_in, sel.forced_out, sel.conflicts,
                               solved=sel.solve.x is not None, merit=sel.fallback == "greedy")
    table["reason_code"] = [code_of(r) for r in table["reason"]]   # the reason's message code
    # warnings of the funds' texts, shown at selection without refusing (first results, DINUM opinion)
    fl = candidate_flags(scenario, candidates)
    for c in ("first_results_late", "governance_gate", "flag"):
        table[c] = fl[c].to_numpy()
    for c in candidates.columns:
        if c not in table.columns:
            table[c] = candidates[c].to_numpy()
    table.index = candidates.index
    opt = sel.objective
    budget = s["budget_eur"]
    committed = float(funded.sum())
    totals = {
        "candidates": int(n),
        "eligible": int(elig.sum()),
        "selected": int(ch["selected"].sum()),
        "phase1_only": int((ch["funding"] == "phase1").sum()),
        "budget_eur": float(budget),
        "committed_eur": committed,
        "unused_eur": float(budget - committed),
        "value": float(opt) if np.isfinite(opt) else float("nan"),
        "greedy_value": greedy_value,
        "greedy_committed_eur": float((np.where(gch["funding"] == "full", req, 0.0)).sum()),
        "greedy_shortfall_rate": float((opt - greedy_value) / opt) if opt and np.isfinite(opt) and opt > 0
        else float("nan"),
        "greedy_rules_broken": greedy_broken,
        "weights": dict(sel.weights),
    }
    by_env = pd.Series(funded).groupby(ch["paying_envelope"].to_numpy()).sum()
    totals["committed_by_envelope_eur"] = {str(k): float(v) for k, v in by_env.items() if k}
    solver = {**_engine_info(engine), "status": sel.solve.status, "gap": sel.solve.gap,
              "dual_bound": sel.solve.dual_bound,
              "mip_rel_gap": sel.solve.mip_rel_gap, "time_limit_s": limit_s,
              "solver_time_limit_s": sel.solve.time_limit_s, "time_s": sel.solve.time_s,
              "wall_time_s": time.perf_counter() - t_start, "variables": int(len(mdl.item)), "constraints": int(len(mdl.lb)),
              "checked": sel.solve.x is not None, "check": "every rule re-evaluated: none broken"
              if sel.solve.x is not None else "no portfolio to check",
              "proven_optimal": sel.solve.status == "optimal", "fallback": sel.fallback}
    source = str(candidates.attrs.get("source", ""))
    prov = {"workbench_version": __version__, "scenario": project_relative(scenario.path),
            "scenario_files": [project_relative(f) for f in getattr(scenario, "files", [])],
            "scenario_hash": scenario.hash(), "seed": scenario.seed if seed is None else seed,
            "candidates_source": project_relative(source) if source and Path(source).is_file() else source,
            "synthetic": bool(candidates.attrs.get("synthetic", False)),
            "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    return RankResult(table, totals, solver, sel.conflicts, dict(sel.weights), prov, sel, scenario, candidates, None)


def _rules_of(sel: Selection) -> dict:
    return {k: v for k, v in sel.settings.items() if k in RULE_KEYS and k not in ("budget_eur", "force_in",
                                                                                  "force_out", "time_limit_s")}


# --------------------------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------------------------
#: Time to write one cell of the ranking [s]: CSV and XLSX (measured CPU time on the shared 2-core
#: machine, 200,000 candidates x 40 columns: 7.9 s and 15.4 s, about 1 and 2 µs a cell; half as much
#: again for a busy machine).
CSV_S_PER_CELL = 1.5e-6
XLSX_S_PER_CELL = 3e-6
#: Columns the ranking adds to the candidates' own (18 on a generated pipeline's 22).
RANK_COLUMNS = 18


def write_time_s(rows: int, columns: int, xlsx_rows: int | None = None) -> float:
    """The time :func:`write_result` is expected to take [s]: every row in CSV, ``xlsx_rows`` (default
    all) in XLSX, and the JSON (estimates: :data:`CSV_S_PER_CELL`, :data:`XLSX_S_PER_CELL`)."""
    xlsx_rows = rows if xlsx_rows is None else xlsx_rows
    return 0.05 + columns * (rows * CSV_S_PER_CELL + xlsx_rows * XLSX_S_PER_CELL)


def write_result(result: RankResult, out_dir: str | Path, deadline: float | None = None) -> dict:
    """Write ``portfolio.csv``, ``portfolio.xlsx`` and ``portfolio.json`` (totals, solver,
    conflicts, provenance) into ``out_dir``, all or nothing: the three are built in a temporary
    sibling folder and moved in together (a failure leaves the previous three untouched).

    ``deadline`` (a ``time.perf_counter()`` instant, the command's): when the whole table would not
    be written into the XLSX by then (:func:`write_time_s`), the workbook holds the selected
    projects only and says so in its ``about`` sheet; the CSV always holds every candidate.  The
    returned mapping's ``"xlsx_rows"`` gives the rows written into the workbook.
    """
    out = Path(out_dir)
    names = {"csv": "portfolio.csv", "xlsx": "portfolio.xlsx", "json": "portfolio.json"}
    table = result.table
    xtable = table
    if deadline is not None:
        left = deadline - time.perf_counter()
        if write_time_s(len(table), table.shape[1]) > left:
            xtable = table[table["selected"].astype(bool)]
    meta: dict[str, Any] = {"totals": result.totals, "solver": result.solver, "conflicts": result.conflicts,
            "weights": result.weights, "provenance": result.provenance,
            "outputs": {"csv_rows": int(len(table)), "xlsx_rows": int(len(xtable)),
                        "xlsx_selected_only": bool(len(xtable) < len(table))}}
    if getattr(result, "command", None):
        meta["command"] = result.command
    info = pd.DataFrame([(k, json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (dict, list)) else v)
                         for sec in ("totals", "solver", "provenance", "outputs") for k, v in meta[sec].items()],
                        columns=["key", "value"])

    def build(tmp: Path) -> None:
        write_csv(tmp / names["csv"], table)
        write_xlsx(tmp / names["xlsx"], {"portfolio": xtable, "about": info})
        write_atomic(tmp / names["json"], json.dumps(meta, indent=2, ensure_ascii=False, default=str))

    write_folder(out, build)
    return {**{k: out / v for k, v in names.items()}, "xlsx_rows": len(xtable)}
