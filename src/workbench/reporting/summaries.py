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
from .labels import _fill, format_cell, label


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
            lines.append(label("sum_greedy_breaks", lang,
                               rules="; ".join(render_text(r, lang) for r in t["greedy_rules_broken"])))
        by = t.get("committed_by_envelope_eur") or {}
        if len(by) > 1:
            lines.append(label("sum_by_envelope", lang,
                               amounts=", ".join(f"{k} {meur(v, lang, 2)}" for k, v in by.items())))
        if "selection_frequency" in result.table and "robustness" not in t:
            # call by call under a time limit: the robustness draws ran for some calls only
            calls = t.get("by_call") or []
            done = int(result.table.groupby("call")["selection_frequency"].apply(lambda s: s.notna().any()).sum()) \
                if "call" in result.table else 0
            lines.append(label("sum_robustness_partial", lang, done=done, calls=len(calls)))
        elif "selection_frequency" in result.table:
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


# --------------------------------------------------------------------------------------------
# the first page's answer (report, run, simulate, rank)
# --------------------------------------------------------------------------------------------
#: The fragile choices the answer names (the most fragile first; the report's section names all).
BOX_FRAGILE = 3


class AnswerBox:
    """The directorate's answer, opening the report's first page and what ``run``, ``simulate``
    and ``rank`` print: projects funded and M€ granted; the money left, reconciled from the AE
    not committed and the CP left to pay; the CP-shortfall risk with its year and band; the next
    call's capacity at its risk (when a capacity result is given); the most fragile choices.

    ``figures`` holds the numbers behind every sentence (EUR, fractions): the same figures the
    report's tests read back from its first page.  ``lines(markdown)`` gives the sentences, each
    value escaped for Markdown (:func:`workbench.reporting.labels.label_md`) or as plain text."""

    def __init__(self, figures: dict, entries: list, restes=None, lang: str = "fr"):
        self.figures, self._entries, self.restes, self.lang = figures, entries, restes, lang

    def lines(self, markdown: bool = False) -> list[str]:
        from .labels import label_md

        out = []
        for key, values in self._entries:
            if markdown:
                out.append(str(label_md(key, self.lang, **values)))
            else:
                out.append(_fill(key, self.lang, values, str, lambda w: w.replace("**", "").replace("*", "")))
        return out

    def text(self) -> str:
        """Plain text for a terminal: a title, then one line per figure."""
        return "\n".join([label("box_title", self.lang)] + ["  " + x for x in self.lines(False)])

    def markdown(self) -> str:
        """Markdown for the report's first cell: a titled list in a quoted block, framed on the page
        (values escaped)."""
        from .escape import MarkdownText

        return MarkdownText(f"## {label('box_title', self.lang)}\n\n"
                            + "\n".join(f"> - {x}" for x in self.lines(True)))


def fragile_text(fr, lang: str = "fr", n: int | None = None) -> str:
    """The fragile choices (:func:`workbench.selection.robustness.fragile_choices`) named in one
    sentence part, the most fragile first (the first ``n`` when given)."""
    rows = fr if n is None else fr.head(n)
    return label("box_list_sep", lang).join(label(f"fragile_{r.kind}", lang, id=r.id, call=r.call or "-",
                                                  f=pct(r.selection_frequency, lang, 0))
                     for r in rows.itertuples())


def answer_box(ev, lang: str = "fr", capacity=None, restes=None, sensitivity=None) -> AnswerBox:
    """The answer box of an evaluation (:class:`workbench.pipeline.Evaluation`).

    Parameters
    ----------
    capacity : optional
        The next call's capacity (``workbench.analysis.capacity.next_call_capacity``'s result:
        ``capacity_eur``, ``next_call``, ``binding_year``, ``binding``, and ``risk_rate`` when it
        carries it, else 10 %).  ``None``: the box says nothing about capacity.
    restes : DataFrame, optional
        The outstanding commitments by commitment and payment year (``SimulationResult.restes_a_payer``),
        shown under the box by the report.  ``None``: no table.
    sensitivity : SensitivityResult, optional
        :func:`workbench.analysis.sensitivity.analyze`: the risk's band over the factors' ranges
        (when the simulation ran on no calibrated parameter sets) and what drives the risk.
    """
    from .. import pipeline as P  # noqa: PLC0415 - the figures come from the one evaluation
    from ..selection.robustness import FRAGILE_THRESHOLD_RATE  # noqa: PLC0415

    m, dec = ev.metrics, ev.ranking
    money = P.money_left(ev)
    band = P.risk_band(ev, sensitivity)
    fr = P.fragile(ev)
    n_calls = len(dec.by_call) if getattr(dec, "by_call", None) is not None else 1
    fig = {"n_selected": int(m["n_selected"]), "granted_eur": float(m["committed_eur"]), **money,
           "shortfall_probability": float(m.get("shortfall_probability", float("nan"))),
           "shortfall_worst_year": m.get("shortfall_worst_year"),
           "max_year_shortfall_probability": float(m.get("max_year_shortfall_probability", float("nan"))),
           "risk_band_low": band["low"], "risk_band_high": band["high"], "risk_band_source": band["source"],
           "fragile_ids": fr["id"].astype(str).tolist(), "seed": ev.seed, "draws": ev.draws}
    entries: list = [("box_funded", {"n": fig["n_selected"], "granted": meur(fig["granted_eur"], lang, 1),
                                     "calls": label("box_calls_one" if n_calls == 1 else "box_calls_many", lang,
                                                    n=n_calls),
                                     "ae": meur(money["ae_available_eur"], lang, 1)})]
    p = fig["shortfall_probability"]
    if p == p:
        bname = label(f"box_band_{band['source']}", lang, draws=number(ev.draws, lang))
        key = "box_risk" if fig["max_year_shortfall_probability"] > 0 else "box_risk_zero"
        entries.append((key,
                        {"p": pct(p, lang, 1), "year": fig["shortfall_worst_year"], "draws": number(ev.draws, lang),
                                     "p_year": pct(fig["max_year_shortfall_probability"], lang, 1),
                                     "low": pct(band["low"], lang, 1), "high": pct(band["high"], lang, 1),
                                     "band": bname}))
    else:
        entries.append(("box_risk_no_cp", {}))
    if sensitivity is not None:
        t = sensitivity.table("shortfall_probability")
        if len(t) and bool(t["output_varies"].iloc[0]):
            top = t.head(2)
            entries.append(("box_drivers", {"items": label("box_list_sep", lang).join(
                f"{label('sf_' + r.factor, lang)} {number(r.ST, lang, 2)} ± {number(r.ST_conf, lang, 2)}"
                for r in top.itertuples())}))
    entries.append(("box_money", {"year": money["horizon_end"], "total": meur(money["money_left_eur"], lang, 1),
                                  "low": meur(money["money_left_p10_eur"], lang, 1),
                                  "high": meur(money["money_left_p90_eur"], lang, 1),
                                  "ae_left": meur(money["ae_left_eur"], lang, 1),
                                  "not_decided": meur(money["ae_not_decided_eur"], lang, 1),
                                  "awaiting": meur(money["ae_awaiting_eur"], lang, 1),
                                  "cp_left": meur(money["cp_left_eur"], lang, 1)}))
    entries.append(("box_money_def", {"ae": meur(money["ae_available_eur"], lang, 1), "year": money["horizon_end"],
                                      "paid": meur(money["paid_eur"], lang, 1)}))
    if money["cp_available_eur"] == money["cp_available_eur"]:
        entries.append(("box_cp_unpaid", {"available": meur(money["cp_available_eur"], lang, 1),
                                          "unpaid": meur(money["cp_unpaid_eur"], lang, 1)}))
    if capacity is not None:
        call = getattr(capacity, "next_call", None)
        call = call.get("id") if isinstance(call, dict) else getattr(call, "id", call)
        risk = float(getattr(capacity, "risk_rate", 0.10))
        binding = getattr(capacity, "binding", None)
        by = getattr(capacity, "binding_year", None)
        fig.update(capacity_eur=float(capacity.capacity_eur), capacity_risk_rate=risk, next_call=call)
        entries.append(("box_capacity", {"call": call, "risk": pct(risk, lang, 0),
                                         "amount": meur(float(capacity.capacity_eur), lang, 1),
                                         "binding": " ".join(str(x) for x in (binding, by) if x is not None) or "-"}))
    samples = (dec.robustness.attrs.get("samples") if getattr(dec, "robustness", None) is not None else None)
    if "selection_frequency" not in dec.table.columns:
        entries.append(("box_fragile_not_computed", {}))
    elif len(fr):
        more = label("box_fragile_more", lang, n=len(fr) - BOX_FRAGILE) if len(fr) > BOX_FRAGILE else ""
        entries.append(("box_fragile", {"samples": samples, "items": fragile_text(fr, lang, BOX_FRAGILE) + more}))
    else:
        entries.append(("box_fragile_none", {"samples": samples, "threshold": pct(FRAGILE_THRESHOLD_RATE, lang, 0)}))
    return AnswerBox(fig, entries, restes, lang)
