"""The few lines the command line prints after ``validate``, ``simulate`` and ``rank``, in French
(default) or English.

Every sentence comes from the label table (:data:`workbench.reporting.labels.LABELS`, keys
``sum_*``), amounts in M€ and rates in % through :mod:`workbench.units`; scenario warnings and
reasons are coded messages rendered in the same language.  Nothing here computes: each function
reads a result the library already built.
"""
from __future__ import annotations

from typing import Any

from ..messages import render_text
from ..units import meur, number, pct
from .labels import format_cell, label


def _warnings(items, lang: str) -> list[str]:
    return [label("sum_warning", lang, text=render_text(w, lang)) for w in items or ()]


def candidates_summary(df, lang: str = "fr") -> str:
    """A candidate table: how many, their total cost and what they ask of the fund(s) (M€)."""
    syn = label("sum_synthetic", lang) if df.attrs.get("synthetic") else ""
    return "\n".join([
        label("sum_candidates", lang, n=len(df)) + syn,
        label("sum_total_cost", lang, amount=meur(df["total_cost_eur"].sum(), lang)),
        label("sum_requested", lang, amount=meur(df["requested_eur"].sum(), lang)),
    ])


def scenario_summary(scn, cands=None, lang: str = "fr") -> str:
    """A validated scenario: funds and envelopes (M€), calls, the latest eligibility thresholds,
    the criteria weights, its candidates and its warnings."""
    lines = [label("sum_valid_scenario", lang, path=scn.path, name=scn.name, title=scn.title)]
    if len(scn.files) > 1:
        lines.append(label("sum_extends", lang, chain=" -> ".join(str(f.name) for f in scn.files[1:])))
    lines.append(label("sum_horizon", lang, start=scn.years[0], end=scn.years[-1], seed=scn.seed))
    for f in scn.funds.values():
        subs = label("sum_sub_envelopes", lang, n=len(f.sub_envelopes_eur)) if f.sub_envelopes_eur else ""
        lines.append(label("sum_fund", lang, code=f.code, amount=_envelope_text(f, lang)) + subs)
    lines += credit_lines(scn, lang)
    calls = scn.calls
    if calls:
        lines.append(label("sum_calls", lang, n=len(calls), first=calls[0].decision, last=calls[-1].decision))
    el = scn.eligibility_at()
    if "min_total_cost_eur" in el:
        lines.append(label("sum_min_total_cost", lang, amount=meur(el["min_total_cost_eur"], lang, 2)))
    if "cofinancing_rate" in el and "min" in el["cofinancing_rate"]:
        lines.append(label("sum_min_cofinancing", lang, rate=pct(el["cofinancing_rate"]["min"], lang, 0)))
    lines.append(label("sum_weights", lang, weights=", ".join(f"{k}={v:g}" for k, v in scn.weights.items())))
    if cands is not None:
        lines.append(candidates_summary(cands, lang))
    return "\n".join(lines + _warnings(scn.warnings, lang))


def _envelope_text(fund, lang: str) -> str:
    """The fund's envelope: its one value, or every dated value from its date."""
    from ..credits import envelope_values  # noqa: PLC0415

    vals = envelope_values(fund)
    if len(vals) == 1 and vals[0][0] is None:
        return meur(vals[0][1], lang)
    return ", ".join(label("sum_envelope_from", lang, amount=meur(v, lang), date=d) if d is not None
                     else meur(v, lang) for d, v in vals)


def credit_lines(scn, lang: str = "fr") -> list[str]:
    """Each fund's credits as managed, every dated value (:func:`workbench.credits.timeline`): per
    year the voted AE and CP, the reserve and what is available on 1 January, then each movement
    with the AE available after it (M€).  Nothing for a fund without yearly appropriations."""
    from ..credits import timeline  # noqa: PLC0415

    out = []
    for f in scn.funds.values():
        rows = [r for r in timeline(f, scn.years) if r["what"] != "envelope"]
        if not rows:
            continue
        out.append(label("sum_credits_head", lang, code=f.code))
        for r in rows:
            if r["what"] == "year":
                out.append(label("sum_credits_year", lang, year=r["year"], ae=meur(r["ae_eur"], lang),
                                 cp=meur(r["cp_eur"], lang), rate=pct(r["reserve_rate"], lang, 1),
                                 ae_avail=meur(r["ae_available_eur"], lang),
                                 cp_avail=meur(r["cp_available_eur"], lang)))
            else:
                out.append(label("sum_credits_move", lang, date=r["date"], kind=label(f"movement_{r['what']}", lang),
                                 ae=meur(r["ae_eur"], lang), cp=meur(r["cp_eur"], lang),
                                 ae_avail=meur(r["ae_available_eur"], lang)))
    return out


def simulation_summary(res, lang: str = "fr") -> str:
    """An envelope simulation (:class:`workbench.envelope.SimulationResult`): per fund, the
    envelope, committed, paid (mean, P10, P90) and unused amounts (M€), the risks of running
    out, the savings realised against the 1 € for 1 € target, and late first results."""
    from ..envelope import first_results_late_share  # noqa: PLC0415 - only after a simulation

    pv = res.provenance
    off = "" if pv.get("uncertainty_enabled", True) else label("sum_uncertainty_off", lang)
    lines = [label("sum_simulation", lang, name=pv.get("scenario"), draws=number(pv.get("draws"), lang),
                   seed=pv.get("seed")) + off]
    one_fund = (res.summary["level_kind"] == "fund").sum() == 1
    for r in res.summary.itertuples():
        if r.level_kind not in ("fund", "all") or (r.level_kind == "all" and one_fund):
            continue
        lines.append(label("sum_sim_amounts", lang, level=r.level, envelope=meur(r.envelope_eur, lang),
                           committed=meur(r.committed_mean_eur, lang), paid=meur(r.paid_mean_eur, lang),
                           p10=meur(r.paid_p10_eur, lang), p90=meur(r.paid_p90_eur, lang),
                           unused=meur(r.unused_residual_mean_eur, lang)))
        lines.append(label("sum_sim_risks", lang, exhausted=pct(r.p_exhausted_before_last_call, lang, 0),
                           short=pct(r.shortfall_probability, lang, 0),
                           savings=meur(r.savings_realised_mean_eur, lang),
                           target=pct(r.savings_vs_target_rate, lang, 0))
                     + (label("sum_overcommitted", lang) if r.overcommitted else ""))
    late = first_results_late_share(res)
    if late == late and late > 0:  # a fund that promises first results within a deadline (FITN)
        lines.append(label("sum_late_results", lang, share=pct(late, lang, 1)))
    return "\n".join(lines + _warnings(pv.get("warnings", []), lang))


def answer_summary(head: dict, lang: str = "fr") -> str:
    """The directorate's answer (:func:`workbench.pipeline.headline`): the probability that the fund
    runs short of payment credits in at least one year, and the year most at risk — the one line
    ``simulate``, ``rank`` and ``run`` print alike."""
    p = head.get("shortfall_probability")
    if p is None or p != p:
        return label("sum_answer_no_cp", lang, draws=number(head["draws"], lang), seed=head["seed"])
    line = label("sum_answer", lang, p=pct(p, lang, 1), year=head.get("shortfall_worst_year"),
                 p_year=pct(head.get("max_year_shortfall_probability"), lang, 1),
                 draws=number(head["draws"], lang), seed=head["seed"])
    if (head.get("parameter_sets") or 1) > 1 and head.get("shortfall_probability_p10") == head.get("shortfall_probability_p10"):
        line += "\n" + label("sum_answer_band", lang, n=head["parameter_sets"],
                             p10=pct(head["shortfall_probability_p10"], lang, 0),
                             p90=pct(head["shortfall_probability_p90"], lang, 0))
    return line


def ranking_summary(result: Any, lang: str = "fr") -> str:
    """A ranking (:class:`workbench.selection.RankResult`): how many selected, the calls decided,
    the money committed and its average grant (M€), the value against the greedy order, the
    robustness figures when drawn, and how the solver did."""
    from ..selection import PROOF_COUNTS  # noqa: PLC0415

    t, sv = result.totals, result.solver
    syn = label("sum_synthetic", lang) if result.provenance.get("synthetic") else ""
    lines = [label("sum_portfolio", lang, selected=t["selected"], candidates=t["candidates"],
                   eligible=t["eligible"], phase1=t["phase1_only"]) + syn]
    vm = result.scenario.value_model if result.scenario is not None else None
    if result.by_call is not None:
        lines.append(label("sum_by_call", lang, allotment=t.get("call_allotment")))
        for r in result.by_call.itertuples():
            lines.append(label("sum_call_line", lang, call=r.call, decision=r.decision, laureates=r.laureates,
                               applications=r.applications, eligible=r.eligible,
                               granted=meur(r.granted_eur, lang, 1), allotment=meur(r.allotment_eur, lang, 1)))
    elif result.scenario is not None and len(result.scenario.calls) > 1:
        lines.append(label("sum_foresight", lang))
    if result.conflicts is not None:
        lines.append(label("sum_no_portfolio", lang, rules="; ".join(render_text(c, lang) for c in result.conflicts)))
        lines.append(label("sum_no_portfolio_hint", lang))
    else:
        lines.append(label("sum_committed", lang, committed=meur(t["committed_eur"], lang, 2),
                           budget=meur(t["budget_eur"], lang, 2), unused=meur(t["unused_eur"], lang, 2)))
        if t["selected"]:
            lines.append(label("sum_average_grant", lang, amount=meur(t["committed_eur"] / t["selected"], lang, 2)))
        lines.append(label("sum_value", lang, value=number(t["value"], lang, 1),
                           unit=vm.unit if vm is not None else "points",
                           model=vm.describe() if vm is not None else "points",
                           greedy=number(t["greedy_value"], lang, 1), short=pct(t["greedy_shortfall_rate"], lang, 2)))
        if t["greedy_rules_broken"]:
            lines.append(label("sum_greedy_breaks", lang, rules="; ".join(render_text(r, lang) for r in t["greedy_rules_broken"])))
        by = t.get("committed_by_envelope_eur") or {}
        if len(by) > 1:
            lines.append(label("sum_by_envelope", lang,
                               amounts=", ".join(f"{k} {meur(v, lang, 2)}" for k, v in by.items())))
        if "selection_frequency" in result.table:
            core = result.table["core"].value_counts()
            rob = t["robustness"]
            lines.append(label("sum_robustness", lang, samples=result.robustness.attrs.get("samples"),
                               always=core.get("always", 0), sometimes=core.get("sometimes", 0),
                               never=core.get("never", 0))
                         + (label("sum_with_costs", lang) if rob["with_costs"] else ""))
            proofs = {k: rob.get(k) for k in PROOF_COUNTS}
            if None not in proofs.values():
                lines.append(label("sum_proofs", lang, bound=proofs["draws_proven_by_bound"],
                                   solved=proofs["draws_solved"])
                             + (label("sum_not_proven", lang, n=proofs["draws_not_proven"])
                                if proofs["draws_not_proven"] else ""))
            lines.append(label("sum_within_envelope", lang, p=pct(t["within_envelope_probability"], lang, 1),
                               p90=meur(t["p90_final_cost_eur"], lang, 1), draws=rob["cost_samples"],
                               paid=pct(rob["paid_by_fund_rate"], lang, 0)))
    status = format_cell("solver_status", sv["status"], lang)
    if sv.get("fallback") == "greedy":   # the time ran out before a solution: the merit order's portfolio
        status += label("sum_fallback_greedy", lang)
    gap = sv["gap"]
    lines.append(label("sum_solver", lang, version=sv["version"], status=status,
                       gap=f"{gap:.2g}" if gap == gap else "–",
                       target=f"{sv['mip_rel_gap']:g}", wall=number(sv.get("wall_time_s", sv["time_s"]), lang, 2),
                       time=number(sv["time_s"], lang, 2), limit=f"{sv['time_limit_s']:g}",
                       check=label("sum_checked" if sv.get("checked") else "sum_not_checked", lang)))
    return "\n".join(lines + _warnings(getattr(result.scenario, "warnings", []), lang))
