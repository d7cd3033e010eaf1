"""One evaluation of a scenario, the same for every front end: the portfolio its committees would
fund (call by call when there are several calls, :func:`workbench.decisions.select_portfolio`),
the order the simulation funds it in, the envelope simulation of that portfolio, and the headline
figures.  The report notebook, ``workbench sweep`` and ``workbench compare`` call :func:`evaluate`;
the dashboard runs the same stages with its own caches.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

#: Simulation draws of an evaluation when not given (a sweep's default).
DEFAULT_DRAWS = 200


@dataclass
class Evaluation:
    """One scenario computed: flat ``metrics`` plus the full results they summarise."""

    metrics: dict
    ranking: Any
    simulation: Any = None
    candidates: pd.DataFrame | None = None
    seed: int | None = None
    draws: int | None = None


def evaluate(scenario, candidates: pd.DataFrame | None = None, seed: int | None = None,
             draws: int = DEFAULT_DRAWS, robustness_samples: int = 0) -> Evaluation:
    """One scenario's ranked portfolio and envelope simulation, with their headline figures.

    Parameters
    ----------
    scenario : Scenario
    seed : int, optional
        Seed of the scenario's random draws (default: the scenario's).
    draws : int
        Simulation draws.
    candidates : DataFrame, optional
        Default: the scenario's own (:func:`workbench.sources.load_candidates`).
    robustness_samples : int
        Weight (and cost) draws of the selection frequency, per call (0: none).

    Returns
    -------
    Evaluation
        ``metrics``: ``n_candidates``, ``n_eligible``, ``n_selected``, ``budget_eur``,
        ``committed_eur``, ``unused_eur``, ``total_value`` [the value model's unit],
        ``value_per_meur`` [its unit per M€], ``greedy_shortfall_rate``, ``solver_status``, ``selected_ids``
        (``;``-joined), then the envelope simulation's figures (:func:`envelope_metrics`).
    """
    from .decisions import select_portfolio
    from .sources import load_candidates

    seed = scenario.seed if seed is None else int(seed)
    cands = load_candidates(scenario) if candidates is None else candidates
    # call by call when the scenario has several calls
    rk = select_portfolio(scenario, cands, seed=seed, robustness_samples=robustness_samples)
    t = rk.totals
    committed = float(t["committed_eur"])
    out = {
        "n_candidates": int(t["candidates"]),
        "n_eligible": int(t["eligible"]),
        "n_selected": int(t["selected"]),
        "budget_eur": float(t["budget_eur"]),
        "committed_eur": committed,
        "unused_eur": float(t["unused_eur"]),
        "total_value": float(t["value"]),
        "value_per_meur": float(t["value"]) / (committed / 1e6) if committed > 0 else float("nan"),
        "greedy_shortfall_rate": float(t["greedy_shortfall_rate"]),
        "solver_status": str(rk.solver.get("status", "")),
    }
    sim_metrics, sim = envelope_metrics(scenario, cands, rk, seed, draws)
    out.update(sim_metrics)
    out["selected_ids"] = ";".join(rk.table.loc[rk.table["selected"], "id"].astype(str))
    return Evaluation(out, rk, sim, cands, seed, draws)


def funding_order(rank_table: pd.DataFrame) -> list[str]:
    """The selected projects' ids, best value per euro first (ties by id): the order in which
    the envelope simulation funds the portfolio call after call."""
    chosen = rank_table[rank_table["selected"].astype(bool)]
    return chosen.sort_values(["value_per_eur", "id"], ascending=[False, True])["id"].astype(str).tolist()


#: Envelope figures a sweep reports, from the simulation's ``summary`` row of all funds.
ENVELOPE_METRICS = ("shortfall_probability", "p_exhausted_before_last_call", "paid_mean_eur",
                    "unused_residual_p50_eur", "unfunded_overrun_mean_eur", "savings_vs_target_rate")


def envelope_metrics(scenario, candidates, ranking, seed: int, draws: int) -> tuple[dict, Any]:
    """The envelope simulation of the selected portfolio, and its headline figures.

    The simulation funds the ranked portfolio (:func:`funding_order`) call after call.  Figures:
    :data:`ENVELOPE_METRICS` from the summary of all funds, and
    ``max_year_shortfall_probability``, the highest probability over the years that payments
    needed exceed the year's reference (appropriation or planned calendar).
    """
    from . import envelope

    # the decisions' candidates hold the next phases of first-phase laureates, in their later calls
    pool = ranking.candidates if getattr(ranking, "candidates", None) is not None else candidates
    sim = envelope.simulate(scenario, pool, draws=draws, seed=seed, selection=funding_order(ranking.table))
    summ = sim.summary
    row = summ[summ["level"] == "ALL"]
    row = (row if len(row) else summ.iloc[:1]).iloc[0]
    out = {k: float(row[k]) for k in ENVELOPE_METRICS if k in row.index}
    sh = sim.shortfall["shortfall_probability"]
    out["max_year_shortfall_probability"] = float(sh.max()) if len(sh) else float("nan")
    return out, sim
