"""The checks of a resolved scenario as a whole (the schema checks each file of an ``extends``
chain on its own, :mod:`workbench.scenario.loader`): required values, cross-references, dates
within the horizon, credits and their movements, the commitment lag's form, the calibration's key
paths; and the reconciliation warnings (parts that do not add up to their whole).  All problems
go to one :class:`~workbench.errors.Collector`.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .. import credits as CR
from .. import limits as LIMITS
from .. import params as P
from ..errors import MISSING, Collector, closest
from ..messages import Text, msg
from ..schema import Ctx
from .keypaths import locate, prior_applies, schema_field
from .schema import CRITERIA, DEFAULT_SCALE, SCHEMA
from .sections import Fund, dated_values, expand_calls


def validate_resolved(data: dict, col: Collector, path: Path, dirs: list[Path] | None = None) -> dict:
    """Check a resolved scenario as a whole; problems go to ``col``; returns normalised data."""
    data = dict(data)
    bases = {k: data.pop(k) for k in [k for k in data if str(k).startswith("_")]}   # files' folders
    ctx = Ctx(col, partial=False)
    data = SCHEMA.check(data, "", ctx)
    data.update(bases)
    if col:
        return data
    _check_semantics(data, col, path, dirs if dirs is not None else LIMITS.allowed_dirs(path))
    return data


def _check_semantics(d: dict, col: Collector, path: Path, dirs: list[Path]) -> None:
    h = d["horizon"]
    start, end = int(h["start_year"]), int(h["end_year"])
    if start > end:
        col.add("horizon.end_year", end, msg("E_END_BEFORE_START", start=start))
        return
    funds = d["funds"]
    codes = {}
    for fcode, f in funds.items():
        codes[fcode] = fcode
        for s in (f.get("sub_envelopes") or {}):
            if s in codes:
                col.add(f"funds.{fcode}.sub_envelopes.{s}", s, msg("E_ENVELOPE_CODE_NOT_UNIQUE"))
            codes[s] = fcode
        for y in (f.get("appropriations") or {}):
            if not start <= int(y) <= end:
                col.add(f"funds.{fcode}.appropriations.{y}", y, msg("E_YEAR_OUTSIDE_HORIZON", start=start, end=end))
    # calls
    for i, c in enumerate(d.get("calls") or []):
        p = f"calls[{i}]"
        if c.get("fund") not in funds:
            col.add(f"{p}.fund", c.get("fund"), msg("E_FUND_UNDEFINED", suggestion=closest(c.get("fund"), funds)))
            continue
        for j, e in enumerate(c.get("envelopes") or []):
            # a call may also be open to another fund's envelopes (FITN's large projects ran on
            # the FTAP calendar: "Fonds pour la transformation publique", DITP, 2021): any defined
            # code is accepted
            if e not in codes:
                col.add(f"{p}.envelopes[{j}]", e, msg("E_SUB_ENVELOPE_UNDEFINED", suggestion=closest(
                    e, [k for k, v in codes.items() if v == c["fund"]] or list(codes))))
        for key in ("open", "deadline", "decision", "until"):
            val = c.get(key)
            if isinstance(val, dt.date) and not start <= val.year <= end:
                col.add(f"{p}.{key}", val.isoformat(), msg("E_DATE_OUTSIDE_HORIZON", start=start, end=end))
        if c.get("open") and c.get("deadline") and c["deadline"] < c["open"]:
            col.add(f"{p}.deadline", c["deadline"].isoformat(), msg("E_DEADLINE_BEFORE_OPEN"))
        if c.get("deadline") and c.get("decision") and c["decision"] < c["deadline"]:
            col.add(f"{p}.decision", c["decision"].isoformat(), msg("E_DECISION_BEFORE_DEADLINE"))
        if c.get("until") and not c.get("every_months"):
            col.add(f"{p}.until", c["until"].isoformat(), msg("E_UNTIL_NEEDS_EVERY"))
    # dated parameters: dates within the horizon
    _check_dated(d, "", col, start, end)
    # the shipped example book it names
    fu = d.get("followup") or {}
    if isinstance(fu.get("example_book"), str):
        from ..resources import data_path

        books = sorted(x.name for x in data_path("books").glob("*.csv"))
        if fu["example_book"] not in books:
            col.add("followup.example_book", fu["example_book"], msg("E_ONE_OF", choices=books,
                                                                      suggestion=closest(fu["example_book"], books)))
    # criteria
    cr = d["criteria"]
    scale = cr.get("scale") or DEFAULT_SCALE
    if scale["min"] >= scale["max"]:
        col.add("criteria.scale", f"{scale['min']}..{scale['max']}", msg("E_SCALE_ORDER"))
    w = {k: P.value(v) for k, v in cr["weights"].items()}
    for k, node in cr["weights"].items():   # every value of a dated weight (issue 23: 1e308 overflowed)
        values = [e[1] for e in P.dated_entries(node)] if isinstance(node, dict) and "values" in node else [P.value(node)]
        if any(isinstance(x, (int, float)) and x > LIMITS.MAX_WEIGHT for x in values):
            col.add(f"criteria.weights.{k}", P.value(node), msg("E_WEIGHT_TOO_LARGE", limit=LIMITS.MAX_WEIGHT))
    if all(v == 0 for v in w.values()):
        col.add("criteria.weights", w, msg("E_WEIGHTS_ALL_ZERO"))
    # eligibility
    el = d.get("eligibility") or {}
    cof = el.get("cofinancing_rate") or {}
    if "min" in cof and "max" in cof and P.value(cof["min"]) > P.value(cof["max"]):
        col.add("eligibility.cofinancing_rate", cof, msg("E_MIN_ABOVE_MAX"))
    # disbursement
    disb = d.get("disbursement") or {}
    if "profile_rates" in disb:
        prof = P.value(disb["profile_rates"])
        if isinstance(prof, list) and abs(sum(prof) - 1.0) > 1e-6:
            col.add("disbursement.profile_rates", prof, msg("E_PROFILE_SUM", total=sum(prof)))
    _check_commitment_lag(disb, col)
    # credits as they are managed: reserve rates and in-year movements
    for fcode, f in funds.items():
        _check_credits(fcode, f, col)
    # uncertainty mixtures: weights must not exceed 1
    for mix in ("cost_overrun", "delay"):
        m = (d.get("uncertainty") or {}).get(mix) or {}
        ws = [P.value(m[k]) for k in ("body_weight", "lognormal_weight", "tail_weight") if k in m]
        if ws and sum(ws) > 1 + 1e-9:
            col.add(f"uncertainty.{mix}", ws, msg("E_MIX_SUM", total=sum(ws)))
    # robustness
    rob = d.get("robustness") or {}
    for crit, iv in (rob.get("weight_intervals") or {}).items():
        if crit not in CRITERIA:
            col.add(f"robustness.weight_intervals.{crit}", crit,
                    msg("E_UNKNOWN_CRITERION", suggestion=closest(crit, CRITERIA)))
        elif len(iv) != 2 or iv[0] > iv[1] or iv[1] > 1:
            col.add(f"robustness.weight_intervals.{crit}", iv, msg("E_WEIGHT_INTERVAL"))
    ivs = {c: v for c, v in (rob.get("weight_intervals") or {}).items() if c in CRITERIA and len(v) == 2}
    if ivs and (sum(v[0] for v in ivs.values()) > 1 or sum(ivs.get(c, [0, 1])[1] for c in CRITERIA) < 1):
        col.add("robustness.weight_intervals", ivs, msg("E_WEIGHT_INTERVALS_INFEASIBLE"))
    order = rob.get("weight_order") or []
    if len(set(order)) != len(order):
        col.add("robustness.weight_order", order, msg("E_CRITERION_TWICE"))
    # sensitivity factors: a range, and the reason for it
    sens = d.get("sensitivity") or {}
    for key, f in (sens.get("factors") or {}).items():
        if not isinstance(f, dict):
            continue
        lo, hi = f.get("low"), f.get("high")
        if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and not lo < hi:
            col.add(f"sensitivity.factors.{key}", [lo, hi], msg("E_SENSITIVITY_RANGE"))
        if not (f.get("assumption") or f.get("reference") or sens.get("assumption") or sens.get("reference")):
            col.add(f"sensitivity.factors.{key}", MISSING, msg("E_SENSITIVITY_SOURCE"))
    n = sens.get("samples")
    if isinstance(n, int) and n & (n - 1):
        col.add("sensitivity.samples", n, msg("E_POWER_OF_TWO"))
    sel = d.get("selection") or {}
    try:   # the calls' ids as the decisions see them (a recurring call's sessions X-1, X-2…)
        call_ids = [c.id for c in expand_calls(d.get("calls") or [])]
    except (KeyError, TypeError, ValueError):
        call_ids = [c.get("id") for c in (d.get("calls") or [])]
    for call in (sel.get("call_settings") or {}):
        if call not in call_ids:
            col.add(f"selection.call_settings.{call}", call, msg("E_CALL_UNDEFINED", choices=call_ids[:6]))
        call_w = ((sel.get("call_settings") or {}).get(call) or {}).get("weights")
        if isinstance(call_w, dict) and call_w and all(isinstance(v, (int, float)) and v == 0 for v in call_w.values()):
            col.add(f"selection.call_settings.{call}.weights", call_w, msg("E_WEIGHTS_ALL_ZERO"))
    if d.get("call") is not None and d.get("call") not in call_ids:
        col.add("call", d.get("call"), msg("E_CALL_UNDEFINED", choices=call_ids[:6]))
    for code in (sel.get("sub_envelope_budgets_eur") or {}):
        if code not in codes:
            col.add(f"selection.sub_envelope_budgets_eur.{code}", code,
                    msg("E_SUB_ENVELOPE_UNDEFINED_FUNDS", suggestion=closest(code, list(codes))))
    # candidates
    cand = d.get("candidates") or {}
    if cand.get("source") == "file":
        if not cand.get("file"):
            col.add("candidates.file", MISSING, msg("E_REQUIRED_WHEN_SOURCE", source="file"))
        else:
            f = Path(d.get("_candidates_base", path.parent)) / cand["file"]
            if not LIMITS.is_allowed(f, dirs):
                col.add("candidates.file", cand["file"], LIMITS.outside_rule(dirs))
            elif LIMITS.hidden_part(f, dirs):
                col.add("candidates.file", cand["file"], msg("E_HIDDEN_PATH", part=LIMITS.hidden_part(f, dirs)))
            elif not f.exists():
                col.add("candidates.file", cand["file"], msg("E_CANDIDATE_FILE_MISSING", path=f))
    elif cand.get("source") == "synthetic" and "synthetic" not in cand:
        col.add("candidates.synthetic", MISSING, msg("E_REQUIRED_WHEN_SOURCE", source="synthetic"))
    _check_history_and_calibration(d, col, path, dirs)


def _check_history_and_calibration(d: dict, col: Collector, path: Path, dirs: list[Path]) -> None:
    """The history file exists in the allowed folders; the calibration's key paths name
    parameters of the scenario; its priors are ranges or choices; its posterior file exists."""
    if d.get("history"):
        f = Path(d.get("_history_base", path.parent)) / d["history"]
        if not LIMITS.is_allowed(f, dirs):
            col.add("history", d["history"], LIMITS.outside_rule(dirs))
        # a missing file is a warning (reconcile): a scenario copied without its history file
        # still runs; the back-test then has no figure and `workbench calibrate` refuses it
    cal = d.get("calibration") or {}
    for kp, prior in (cal.get("parameters") or {}).items():
        if not prior_applies(d, kp):
            continue   # a call this scenario does not have (it extends a scenario that has it)
        known, close = schema_field(kp)
        if not known:
            col.add(f"calibration.parameters.{kp}", kp, msg("E_KEYPATH_MISSING", suggestion=close))
            continue
        try:
            locate(d, kp)
        except KeyError as exc:
            col.add(f"calibration.parameters.{kp}", kp, msg("E_KEYPATH_MISSING", suggestion=exc.args[0] if exc.args
                                                              else None))
            continue
        rng, choices = prior.get("range"), prior.get("choices")
        if (rng is None) == (choices is None) or (rng is not None and (len(rng) != 2 or not rng[0] < rng[1])):
            col.add(f"calibration.parameters.{kp}", prior, msg("E_PRIOR_FORM"))
    for name, model in (cal.get("wrong_models") or {}).items():
        for kp in (model or {}):
            if not prior_applies(d, kp):
                continue
            known, close = schema_field(kp)
            if not known:
                col.add(f"calibration.wrong_models.{name}.{kp}", kp, msg("E_KEYPATH_MISSING", suggestion=close))
                continue
            try:
                locate(d, kp)
            except KeyError as exc:
                col.add(f"calibration.wrong_models.{name}.{kp}", kp,
                        msg("E_KEYPATH_MISSING", suggestion=exc.args[0] if exc.args else None))
    if cal.get("posterior"):
        f = Path(d.get("_posterior_base", path.parent)) / cal["posterior"]
        if not LIMITS.is_allowed(f, dirs):
            col.add("calibration.posterior", cal["posterior"], LIMITS.outside_rule(dirs))
        # a missing file is a warning (reconcile): a scenario copied without its calibration still
        # runs, with the scenario's own values and no band


def _sourced(node: Any) -> bool:
    """The node (a parameter, a section or a dated value) says where its figure comes from."""
    if not isinstance(node, dict):
        return False
    if node.get("reference") or node.get("assumption"):
        return True
    vals = node.get("values")
    return isinstance(vals, dict) and bool(vals) and all(_sourced(v) for v in vals.values())


def _check_commitment_lag(disb: dict, col: Collector) -> None:
    """``disbursement.commitment_lag``: one form only, the parameters its distribution needs, a
    source for every figure (see :class:`CommitmentLag`)."""
    lag = disb.get("commitment_lag")
    if lag is None:
        return
    p = "disbursement.commitment_lag"
    if "contract_lag_months" in disb:
        col.add(p, "contract_lag_months + commitment_lag", msg("E_LAG_TWO_FORMS"))
    kind = lag.get("distribution")
    med = P.value(lag.get("median_months"))
    sig = P.value(lag.get("sigma")) if "sigma" in lag else None
    if kind == "lognormal":
        if sig is None:
            col.add(f"{p}.sigma", MISSING, msg("E_LAG_SIGMA_REQUIRED"))
        if med is not None and not med > 0:
            col.add(f"{p}.median_months", med, msg("E_LAG_MEDIAN_POSITIVE"))
    elif kind == "fixed" and sig:
        col.add(f"{p}.sigma", sig, msg("E_LAG_FIXED_SIGMA"))
    mx = P.value(lag.get("max_months")) if "max_months" in lag else None
    if mx is not None and med is not None and mx < med:
        col.add(f"{p}.max_months", mx, msg("E_LAG_MAX_BELOW_MEDIAN", median=med))
    if not _sourced(lag):
        for k in ("median_months", "sigma", "max_months"):
            if k in lag and not _sourced(lag[k]):
                col.add(f"{p}.{k}", P.value(lag[k]), msg("E_SOURCE_REQUIRED"))


def _check_credits(fcode: str, f: dict, col: Collector) -> None:
    """A fund's ``reserve_rate`` (dated on 1 January, sourced) and its movements: dated within
    their year, an amount, a source, voted credits to move, never more released than frozen."""
    base = f"funds.{fcode}"
    rr = f.get("reserve_rate")
    n_before = len(col.problems)
    if rr is not None:
        if not _sourced(rr):
            col.add(f"{base}.reserve_rate", P.value(rr), msg("E_SOURCE_REQUIRED"))
        if isinstance(rr, dict) and isinstance(rr.get("values"), dict):
            for k in rr["values"]:
                try:
                    d = P.as_date(k)
                except (ValueError, TypeError):
                    continue
                if (d.month, d.day) != (1, 1):
                    col.add(f"{base}.reserve_rate.values.{k}", str(k), msg("E_RESERVE_DATE"))
    rates = dated_values(rr) if rr is not None and len(col.problems) == n_before else ()
    for y, a in (f.get("appropriations") or {}).items():
        mv = (a or {}).get("movements") or []
        if not mv:
            continue
        mp = f"{base}.appropriations.{y}.movements"
        n_year = len(col.problems)
        parsed = []
        for i, m in enumerate(mv):
            if not isinstance(m, dict):
                continue
            when = m.get("date")
            if isinstance(when, dt.date) and when.year != int(y):
                col.add(f"{mp}[{i}].date", when.isoformat(), msg("E_MOVEMENT_DATE_YEAR", year=y))
            if "ae_eur" not in m and "cp_eur" not in m:
                col.add(f"{mp}[{i}]", m.get("kind"), msg("E_MOVEMENT_AMOUNT"))
            if not _sourced(m):
                col.add(f"{mp}[{i}]", m.get("kind"), msg("E_SOURCE_REQUIRED"))
            for fld in ("ae_eur", "cp_eur"):
                if fld in m and fld not in a:
                    col.add(f"{mp}[{i}].{fld}", P.value(m[fld]),
                            msg("E_MOVEMENT_WITHOUT_VOTED", field=fld, year=y))
            if isinstance(when, dt.date) and m.get("kind") in CR.MOVEMENT_KINDS:
                parsed.append((i, CR.Movement(date=when, kind=m["kind"], ae_eur=float(P.value(m.get("ae_eur", 0.0))),
                                              cp_eur=float(P.value(m.get("cp_eur", 0.0))), year=int(y))))
        if len(col.problems) > n_year or not parsed:
            continue
        probe = Fund(code=fcode, title="", envelope_eur=0.0, sub_envelopes_eur={}, appropriations={},
                     cp_carryover_cap_rate=0.0, allow_overcommitment=False, reserve_rates=rates)
        rate = CR.reserve_rate(probe, int(y))
        for fld in ("ae_eur", "cp_eur"):
            if fld not in a:
                continue
            reserve = rate * float(P.value(a[fld]))
            for j, frozen in CR.frozen_shortfalls(reserve, [m for _, m in parsed], fld):
                i = parsed[j][0]
                col.add(f"{mp}[{i}].{fld}", P.value(mv[i].get(fld)),
                        msg("E_MOVEMENT_UNFREEZE_EXCESS", frozen_meur=frozen / 1e6))


def _check_dated(node: Any, path: str, col: Collector, start: int, end: int) -> None:
    if isinstance(node, dict):
        if "values" in node and isinstance(node["values"], dict):
            for k in node["values"]:
                try:
                    when = P.as_date(k)
                except (ValueError, TypeError):
                    continue
                if not start <= when.year <= end:
                    col.add(f"{path}.values.{k}", str(k), msg("E_DATE_OUTSIDE_HORIZON", start=start, end=end))
        for k, v in node.items():
            if k != "values" and not str(k).startswith("_"):
                _check_dated(v, f"{path}.{k}" if path else str(k), col, start, end)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_dated(v, f"{path}[{i}]", col, start, end)


def reconcile(d: dict) -> list[str]:
    """Warnings where parts do not add up to their whole, with the gap in M€: coded texts
    (:class:`workbench.messages.Text`, English as text, any language by ``render``).

    FITN's published sub-envelope table ("France Relance : accélérer la transition numérique de
    l'État et des territoires", DINUM and DITP, 2021) sums to 265 M€ of the 292 M€ opened: the
    27 M€ gap is shown, not hidden.
    """
    out: list[str] = []
    for code, f in (d.get("funds") or {}).items():
        total = float(P.value(f["envelope_eur"]))
        subs = f.get("sub_envelopes") or {}
        if subs:
            s = sum(float(P.value(v["amount_eur"])) for v in subs.values())
            if abs(s - total) > 0.5:
                out.append(Text(msg("W_SUB_ENVELOPES_BELOW" if s < total else "W_SUB_ENVELOPES_ABOVE", fund=code,
                                    sum_meur=s / 1e6, gap_meur=abs(total - s) / 1e6, envelope_meur=total / 1e6)))
        parts = f.get("envelope_parts") or {}
        if parts:
            s = sum(float(P.value(v["amount_eur"])) for v in parts.values())
            if abs(s - total) > 0.5:
                out.append(Text(msg("W_ENVELOPE_PARTS", fund=code, sum_meur=s / 1e6, gap_meur=(total - s) / 1e6,
                                    envelope_meur=total / 1e6)))
        for part, pv in parts.items():
            members = {k: v for k, v in subs.items() if v.get("part") == part}
            if members:
                s = sum(float(P.value(v["amount_eur"])) for v in members.values())
                pt = float(P.value(pv["amount_eur"]))
                if abs(s - pt) > 0.5:
                    out.append(Text(msg("W_PART_SUB_ENVELOPES", fund=code, part=part, sum_meur=s / 1e6,
                                        part_meur=pt / 1e6, gap_meur=(pt - s) / 1e6)))
        apps = f.get("appropriations") or {}
        ae = [float(P.value(a["ae_eur"])) for a in apps.values() if "ae_eur" in a]
        h = d.get("horizon") or {}
        n_years = int(h.get("end_year", 0)) - int(h.get("start_year", 0)) + 1
        if ae and len(ae) == n_years and abs(sum(ae) - total) > 0.5:
            out.append(Text(msg("W_ANNUAL_AE", fund=code, sum_meur=sum(ae) / 1e6, envelope_meur=total / 1e6)))
    if (d.get("candidates") or {}).get("source") == "synthetic":
        out.append(Text(msg("W_SYNTHETIC")))
    if d.get("history") and "_history_base" in d and not (Path(d["_history_base"]) / d["history"]).is_file():
        out.append(Text(msg("W_HISTORY_MISSING", path=Path(d["_history_base"]) / d["history"])))
    post = (d.get("calibration") or {}).get("posterior")
    if post and not (Path(d.get("_posterior_base", ".")) / post).is_file():
        out.append(Text(msg("W_POSTERIOR_MISSING", path=post)))
    return out
