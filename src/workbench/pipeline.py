"""One evaluation of a scenario, the same for every front end.

The directorate's question, "will the fund run short of payment credits, and how much may the
next call commit?", must get one answer whichever door it is asked through.  Every front end
(the report notebook, ``workbench simulate``, ``workbench rank``, ``workbench compare``, the
sweep and the dashboard, for every call view and the whole fund) goes through this module:

1. :func:`decide` — the portfolio the scenario's committees fund: call by call when there are
   several calls (:func:`workbench.decisions.select_portfolio`: each committee sees its own
   applications, the credits left and its allotment), with the committee's own settings for the
   calls a live session changes (``call_settings``);
2. :func:`simulate_portfolio` — the envelope simulation of that portfolio, funded in
   :func:`funding_order` call after call, on the decisions' candidates (which hold the next phases
   of first-phase laureates), with the scenario's number of draws
   (:attr:`workbench.scenario.Scenario.draws`) and seed;
3. :func:`headline` — the figures every front end prints, from those two results only.

:func:`evaluate` runs the three.  Nothing else in the package chooses a portfolio for the
simulation or a number of draws for a front end.
"""
from __future__ import annotations

from dataclasses import dataclass
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Evaluation:
    """One scenario computed: flat ``metrics`` plus the full results they summarise.

    ``ranking`` is the decided portfolio (:class:`workbench.selection.RankResult`), ``simulation``
    its envelope simulation (:class:`workbench.envelope.SimulationResult`), ``candidates`` the
    candidates the decisions read, ``seed`` and ``draws`` what the simulation ran with."""

    metrics: dict
    ranking: Any
    simulation: Any = None
    candidates: pd.DataFrame | None = None
    seed: int | None = None
    draws: int | None = None

    @property
    def decided(self):
        """The decided portfolio (the same object as :attr:`ranking`)."""
        return self.ranking


def resolve_draws(scenario, draws: int | None) -> int:
    """``draws`` when given, else the scenario's (:attr:`Scenario.draws`, the one default)."""
    return int(scenario.draws if draws is None else draws)


def resolve_seed(scenario, seed: int | None) -> int:
    """``seed`` when given, else the scenario's."""
    return int(scenario.seed if seed is None else seed)


def decide(scenario, candidates: pd.DataFrame | None = None, seed: int | None = None,
           robustness_samples: int = 0, call_settings: Mapping[str, Mapping] | None = None,
           perfect_foresight: bool = False, **rank_options: Any):
    """The portfolio the scenario's committees fund (:func:`workbench.decisions.select_portfolio`).

    Parameters
    ----------
    candidates : DataFrame, optional
        Default: the scenario's own (:func:`workbench.sources.load_candidates`).
    seed : int, optional
        Seed of the robustness draws (default: the scenario's); it never changes the portfolio.
    robustness_samples : int
        Weight (and cost) draws of each call's selection frequency (0: none).
    call_settings : mapping, optional
        ``{call id: {"weights": {...}, "budget_eur": x}}``: a committee's own weights or budget for
        the named calls (a live session); the other calls decide with the scenario's.
    perfect_foresight : bool
        The whole-period optimum instead (a benchmark, not what committees do).
    rank_options
        ``forced_in``, ``forced_out``, ``time_limit_s``, ``budget_eur``, ``weights`` … as
        :func:`workbench.selection.rank` takes them.
    """
    from .decisions import select_portfolio
    from .sources import load_candidates

    cands = load_candidates(scenario) if candidates is None else candidates
    if call_settings:
        rank_options["call_settings"] = dict(call_settings)
    return select_portfolio(scenario, cands, perfect_foresight=perfect_foresight, seed=resolve_seed(scenario, seed),
                            robustness_samples=robustness_samples, **rank_options)


def funding_order(rank_table: pd.DataFrame) -> list[str]:
    """The selected projects' ids, best value per euro first (ties by id): the order in which
    the envelope simulation funds the portfolio call after call."""
    chosen = rank_table[rank_table["selected"].astype(bool)]
    return chosen.sort_values(["value_per_eur", "id"], ascending=[False, True])["id"].astype(str).tolist()


def simulate_portfolio(scenario, decided, seed: int | None = None, draws: int | None = None,
                       progress: bool = False, parameter_sets: pd.DataFrame | None = None,
                       chunk_size: int | None = None, common_draws: bool = False):
    """The envelope simulation of a decided portfolio (:func:`workbench.envelope.simulate`).

    The simulation funds the decided laureates in :func:`funding_order`, call after call, on the
    decisions' candidates (with the next phases of first-phase laureates in their later calls);
    ``draws`` default to the scenario's, ``seed`` to the scenario's.  ``parameter_sets`` (a
    sample of the calibrated parameters, one row per set) spreads the draws over the sets when the
    simulation supports it; ``common_draws`` gives every set the same random numbers (a sensitivity
    analysis, :mod:`workbench.analysis.sensitivity`).  ``chunk_size`` only sets the working memory
    (results do not depend on it).
    """
    from . import envelope

    pool = decided.candidates if getattr(decided, "candidates", None) is not None else None
    kwargs: dict[str, Any] = {}
    kept: list[str] = []
    if parameter_sets is None:
        parameter_sets, kept = posterior_sets(scenario)
    if parameter_sets is not None:
        kwargs["parameter_sets"] = parameter_sets
        if common_draws:
            kwargs["common_draws"] = True
    sim = envelope.simulate(scenario, pool, draws=resolve_draws(scenario, draws), seed=resolve_seed(scenario, seed),
                            selection=funding_order(decided.table), progress=progress, chunk_size=chunk_size,
                            **kwargs)
    if kept:   # the posterior's parameters the draws cannot vary: said, never silently dropped
        sim.provenance["posterior_not_propagated"] = kept
    return sim


def posterior_sets(scenario) -> tuple[pd.DataFrame | None, list[str]]:
    """The scenario's posterior sample (``calibration.posterior``) as the simulation's parameter
    sets: its columns the draws may vary (:data:`workbench.envelope.SET_COLUMNS`: the lag, the
    payment profile, attrition…), and the names of the others (a quality bar, an allotment rule,
    a pipeline size: they choose the laureates, which the decisions fix with the scenario's own
    values).  ``(None, [])`` without a posterior."""
    from .envelope.settings import SET_COLUMNS
    from .posterior import posterior_of

    post = posterior_of(scenario)
    if post is None:
        return None, []
    cols = [c for c in post.columns if c in SET_COLUMNS]
    rest = [c for c in post.columns if c not in SET_COLUMNS]
    if not cols:
        return None, rest
    return post[cols].reset_index(drop=True), rest


def evaluate(scenario, candidates: pd.DataFrame | None = None, seed: int | None = None,
             draws: int | None = None, robustness_samples: int = 0,
             call_settings: Mapping[str, Mapping] | None = None, progress: bool = False,
             parameter_sets: pd.DataFrame | None = None, **rank_options: Any) -> Evaluation:
    """One scenario's decided portfolio and envelope simulation, with their headline figures.

    Parameters are those of :func:`decide` and :func:`simulate_portfolio`.

    Returns
    -------
    Evaluation
        ``metrics``: ``n_candidates``, ``n_eligible``, ``n_selected``, ``budget_eur``,
        ``committed_eur``, ``unused_eur``, ``total_value`` [the value model's unit],
        ``value_per_meur`` [its unit per M€], ``greedy_shortfall_rate``, ``solver_status``,
        ``selected_ids`` (``;``-joined), then the envelope simulation's figures
        (:func:`envelope_metrics`).
    """
    from .sources import load_candidates

    seed = resolve_seed(scenario, seed)
    draws = resolve_draws(scenario, draws)
    cands = load_candidates(scenario) if candidates is None else candidates
    rk = decide(scenario, cands, seed=seed, robustness_samples=robustness_samples, call_settings=call_settings,
                **rank_options)
    sim = simulate_portfolio(scenario, rk, seed=seed, draws=draws, progress=progress, parameter_sets=parameter_sets)
    return assemble(rk, sim, cands)


def assemble(decided, sim, candidates: pd.DataFrame | None = None) -> Evaluation:
    """The :class:`Evaluation` of a decided portfolio and its simulation (:func:`decide`,
    :func:`simulate_portfolio`), for a front end that ran the two steps itself."""
    pv = sim.provenance
    return Evaluation(portfolio_metrics(decided) | envelope_metrics(sim) | {"selected_ids": selected_ids(decided)},
                      decided, sim, candidates, int(pv["seed"]), int(pv["draws"]))


def selected_ids(decided) -> str:
    """The decided laureates' ids, ``;``-joined in table order."""
    t = decided.table
    return ";".join(t.loc[t["selected"].astype(bool), "id"].astype(str))


def portfolio_metrics(decided) -> dict:
    """The decided portfolio's headline figures (counts, euros, value)."""
    t = decided.totals
    committed = float(t["committed_eur"])
    return {
        "n_candidates": int(t["candidates"]),
        "n_eligible": int(t["eligible"]),
        "n_selected": int(t["selected"]),
        "budget_eur": float(t["budget_eur"]),
        "committed_eur": committed,
        "unused_eur": float(t["unused_eur"]),
        "total_value": float(t["value"]),
        "value_per_meur": float(t["value"]) / (committed / 1e6) if committed > 0 else float("nan"),
        "greedy_shortfall_rate": float(t["greedy_shortfall_rate"]),
        "solver_status": str(decided.solver.get("status", "")),
    }


#: Envelope figures a sweep reports, from the simulation's ``summary`` row of all funds.
ENVELOPE_METRICS = ("shortfall_probability", "p_exhausted_before_last_call", "paid_mean_eur",
                    "unused_residual_p50_eur", "unfunded_overrun_mean_eur", "savings_vs_target_rate")


def envelope_metrics(sim) -> dict:
    """The headline figures of an envelope simulation: :data:`ENVELOPE_METRICS` from the summary
    of all funds, ``max_year_shortfall_probability`` (the highest probability over the years that
    payments due exceed the credits of the year) and ``shortfall_worst_year`` (that year)."""
    summ = sim.summary
    row = summ[summ["level"] == "ALL"]
    row = (row if len(row) else summ.iloc[:1]).iloc[0]
    out: dict[str, float | int | None] = {k: float(row[k]) for k in ENVELOPE_METRICS if k in row.index}
    sh = sim.shortfall.dropna(subset=["shortfall_probability"])
    if len(sh):
        worst = sh.loc[sh["shortfall_probability"].idxmax()]
        out["max_year_shortfall_probability"] = float(worst["shortfall_probability"])
        out["shortfall_worst_year"] = int(worst["year"])
    else:
        out["max_year_shortfall_probability"] = float("nan")
        out["shortfall_worst_year"] = None
    out.update(set_band_metrics(sim))
    return out


def set_band_metrics(sim) -> dict:
    """The band of the shortfall probability across the parameter sets the draws were spread over
    (a calibration's posterior): P10 and P90 over the sets of each set's probability of running
    short in at least one year (the fund most at risk when there are several), and the number of
    sets; without sets the band is the point itself and ``parameter_sets`` is 1."""
    band = getattr(sim, "set_band", None)
    if band is None or not len(band):
        return {"shortfall_probability_p10": float("nan"), "shortfall_probability_p90": float("nan"),
                "parameter_sets": 1}
    b = band[band["scope"] == "any_year"].dropna(subset=["shortfall_probability_p50"])
    if not len(b):
        return {"shortfall_probability_p10": float("nan"), "shortfall_probability_p90": float("nan"),
                "parameter_sets": int(sim.provenance.get("parameter_sets", 0) or 0)}
    worst = b.loc[b["shortfall_probability_p50"].idxmax()]
    n = int(sim.parameter_sets["set"].nunique()) if sim.parameter_sets is not None else 1
    return {"shortfall_probability_p10": float(worst["shortfall_probability_p10"]),
            "shortfall_probability_p90": float(worst["shortfall_probability_p90"]), "parameter_sets": n}


def headline(ev: Evaluation) -> dict:
    """The answer every front end prints, from one evaluation: laureates and M€ granted, the
    probability that the fund runs short of payment credits in at least one year (and the year
    most at risk), the seed and draws it was computed with."""
    m = ev.metrics
    return {"n_selected": m["n_selected"], "committed_eur": m["committed_eur"],
            "shortfall_probability": m.get("shortfall_probability", float("nan")),
            "max_year_shortfall_probability": m.get("max_year_shortfall_probability", float("nan")),
            "shortfall_worst_year": m.get("shortfall_worst_year"),
            "shortfall_probability_p10": m.get("shortfall_probability_p10", float("nan")),
            "shortfall_probability_p90": m.get("shortfall_probability_p90", float("nan")),
            "parameter_sets": m.get("parameter_sets", 1), "seed": ev.seed, "draws": ev.draws}


def _level_of(sim) -> str:
    """The simulation level that answers for the whole scenario: its one fund, else ``ALL``."""
    funds = sim.summary[sim.summary["level_kind"] == "fund"]["level"].tolist()
    return funds[0] if len(funds) == 1 else "ALL"


def money_left(ev: Evaluation) -> dict:
    """The money left at the horizon's end: one quantity, reconciled from its parts (EUR, means
    over the draws unless said).

    ``ae_available_eur`` is the commitment authority (AE) the calls could commit: the funds' AE
    available at their last call (voted less the reserve, with the dated movements, within the
    envelope: :func:`workbench.credits.ae_available_eur`; the decisions' ``budget_eur``).  At the end
    of the horizon's last year:

    * ``money_left_eur`` = AE available − CP paid up to then (its P10 and P90 over the draws:
      ``money_left_p10_eur``, ``money_left_p90_eur``);
    * = ``ae_left_eur``, the AE not committed (AE available − AE committed net of de-commitments),
      itself ``ae_not_decided_eur`` (no committee granted it: AE available − the decisions'
      grants ``decided_eur``) + ``ae_awaiting_eur`` (granted, but its contract is not yet signed,
      or the grant was reduced to a first phase, or the laureate never started and was de-committed);
    * + ``cp_left_eur``, the CP left to pay on the commitments (AE committed net − CP paid: the
      *restes à payer*).

    ``cp_available_eur`` and ``cp_unpaid_eur``: the CP available over the horizon's years where CP are
    voted (with the reserve and movements, :mod:`workbench.credits`) and the part of them not paid
    (carried over or lapsed); NaN without voted CP.  ``horizon_end`` is the year.
    """
    sim, dec = ev.simulation, ev.ranking
    end = int(dec.scenario.years[-1]) if getattr(dec, "scenario", None) is not None else int(sim.shortfall["year"].max())
    lvl = _level_of(sim)
    y = sim.yearly[(sim.yearly["level"] == lvl) & (sim.yearly["year"] <= end)]

    def cum(metric, stat="mean"):
        r = y[(y["metric"] == metric) & (y["year"] == end)]
        return float(r[stat].iloc[0]) if len(r) else 0.0

    ae = float(dec.totals["budget_eur"])
    decided = float(dec.totals["committed_eur"])     # the grants the committees decided
    committed = cum("ae_committed_cum_eur") - cum("ae_decommitted_cum_eur")
    paid = cum("cp_paid_cum_eur")
    sh = sim.shortfall[(sim.shortfall["year"] <= end) & (sim.shortfall["appropriation_source"] == "scenario")]
    cp_avail = float(sh.groupby("year")["appropriation_eur"].sum().sum()) if len(sh) else float("nan")
    cp_paid_voted = float(y[(y["metric"] == "cp_paid_eur") & (y["year"].isin(sh["year"]))]["mean"].sum()) \
        if len(sh) else float("nan")
    return {"horizon_end": end, "ae_available_eur": ae, "decided_eur": decided, "committed_net_eur": committed,
            "paid_eur": paid, "money_left_eur": ae - paid,
            "money_left_p10_eur": ae - cum("cp_paid_cum_eur", "p90"),
            "money_left_p90_eur": ae - cum("cp_paid_cum_eur", "p10"),
            "ae_left_eur": ae - committed, "ae_not_decided_eur": ae - decided, "ae_awaiting_eur": decided - committed,
            "cp_left_eur": committed - paid, "cp_available_eur": cp_avail,
            "cp_unpaid_eur": cp_avail - cp_paid_voted if cp_avail == cp_avail else float("nan")}


def fragile(ev: Evaluation):
    """The fragile choices of the decided portfolio (:func:`workbench.selection.robustness.fragile_choices`
    on the decisions' table): empty without robustness draws."""
    from .selection.robustness import fragile_choices  # noqa: PLC0415

    return fragile_choices(ev.ranking.table)


def risk_band(ev: Evaluation, sensitivity=None) -> dict:
    """The band of the shortfall risk: over a calibration's parameter sets when the simulation ran
    with them (``source`` ``"parameter_sets"``: P10 and P90 over the sets of each set's risk of
    running short in at least one year, :func:`set_band_metrics`), else over the sensitivity analysis' sets (``"sensitivity"``:
    the factors' ranges), else the Monte Carlo interval of the estimate (``"monte_carlo"``: 95 %,
    normal approximation of a proportion over the draws)."""
    sim = ev.simulation
    p = float(ev.metrics.get("shortfall_probability", float("nan")))
    sb = getattr(sim, "set_band", None)
    if sb is not None and len(sb):
        # the headline's own band: each set's risk of running short in at least one year
        w = sb[sb["scope"] == "any_year"].dropna(subset=["shortfall_probability_p90"])
        if not len(w):
            w = sb[sb["scope"] == "worst_year"]
        if len(w):
            return {"source": "parameter_sets", "low": float(w["shortfall_probability_p10"].max()),
                    "high": float(w["shortfall_probability_p90"].max())}
    if sensitivity is not None and len(sensitivity.sets):
        s = sensitivity.sets["shortfall_probability"].to_numpy(float)
        return {"source": "sensitivity", "low": float(np.percentile(s, 10)), "high": float(np.percentile(s, 90))}
    n = max(int(ev.draws or 1), 1)
    half = 1.96 * math.sqrt(max(p * (1 - p), 0.0) / n) if p == p else float("nan")
    return {"source": "monte_carlo", "low": max(p - half, 0.0), "high": min(p + half, 1.0)}
