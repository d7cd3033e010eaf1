"""What the model says of each published figure: the one mapping of a figure's kind
(:data:`workbench.history.KINDS`) to the model's outputs, and one run of the stochastic model.

A run (:func:`model_run`) is one sample of everything the model does not know: a synthetic
pipeline of applications (:func:`workbench.generator.generate_for_scenario`; the real
applications are not public), the committees' decisions call by call
(:func:`workbench.decisions.decide_calls`), and one draw of the envelope simulation
(:func:`workbench.envelope.simulate`: contract signatures, cost overruns, delays, attrition).
:func:`observe` reads each figure's value off the decisions and the simulation:

=============================  ==============================================================
kind                           the model's value
=============================  ==============================================================
``laureates``                  selected projects of the figure's calls (decided by ``until``;
                               paid by its ``level``; of its fund)
``granted_eur``                their grants (``funded_eur``) [EUR]
``laureates_total_cost_eur``   their total cost [EUR]
``mean_grant_eur``             grants / laureates [EUR]
``ae_consumed_eur``            the fund's AE legally committed in ``year`` (simulation metric
                               ``ae_committed_eur``: contracts signed) [EUR]
``ae_consumed_after_eur``      the same, summed over the years after ``year`` [EUR]
``cp_paid_eur``                the fund's payments in ``year`` (``cp_paid_eur``) [EUR]
``cp_consumed_eur``            ``funds.<fund>.cp_on_programme_rate`` x payments [EUR]
``cp_paid_off_programme_eur``  (1 - that rate) x payments [EUR]
=============================  ==============================================================

The share of the fund's payments executed on its own programme (``cp_on_programme_rate``,
default 1) models how FTAP paid: part of its CP were moved out of programme 349 to the
programmes of the ministries carrying the projects (−81.7 M€ in 2019, −129.65 M€ in 2020:
"Rapport annuel de performances", programme 349, Direction du budget), so CP consumed on the
programme are that share of what the fund paid, and what it paid elsewhere cannot exceed the CP
moved out.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

#: Simulation metrics the kinds read (the envelope simulation's ``yearly`` table).
AE_COMMITTED, CP_PAID = "ae_committed_eur", "cp_paid_eur"


def cp_on_programme_rate(scenario, fund: str) -> float:
    """``funds.<fund>.cp_on_programme_rate`` [fraction], 1 when the scenario leaves it out (every
    payment on the fund's own programme)."""
    return scenario.funds[fund].cp_on_programme_rate


def _selected(scenario, fig, t: pd.DataFrame) -> pd.DataFrame:
    """The laureates (rows of the selected decision table ``t``) a figure counts."""
    if fig.calls:
        call = t["call"].astype(str)
        # a recurring call by its base id: its sessions are <id>-1, <id>-2, ...
        recurring = [c for c in scenario.recurring_call_ids if c in fig.calls]
        hit = call.isin(fig.calls)
        for r in recurring:
            hit |= call.str.fullmatch(rf"{re.escape(r)}-\d+")
        t = t[hit]
    if fig.until is not None:
        t = t[t["decision"].astype(str) <= fig.until.isoformat()]   # ISO dates sort as text
    fund_of = scenario.envelope_codes
    env = t["paying_envelope"].astype(str)
    if fig.level is not None:
        t = t[env == fig.level] if fig.level not in scenario.funds else t[env.map(fund_of) == fig.level]
    else:
        t = t[env.map(fund_of).fillna(fig.fund) == fig.fund]
    return t


def _yearly(yearly: pd.DataFrame, fund: str, metric: str, col: str) -> pd.Series:
    sel = yearly[(yearly["level"] == fund) & (yearly["metric"] == metric)]
    return pd.Series(sel[col].to_numpy(float), index=sel["year"].astype(int).to_numpy())


def observe(scenario, figures: Iterable, decisions: pd.DataFrame, yearly: pd.DataFrame | None,
            col: str = "mean") -> dict[str, float]:
    """Each figure's value in one model run: ``{figure id: value}`` [projects or EUR].

    ``decisions`` is a decision table (:func:`workbench.decisions.decide_calls` ``.table``);
    ``yearly`` the simulation's yearly table (column ``col``: with one draw its mean is the
    draw), needed only by the simulated kinds.
    """
    out: dict[str, float] = {}
    chosen = decisions[decisions["selected"].astype(bool)]
    for f in figures:
        if not f.simulated:
            s = _selected(scenario, f, chosen)
            n, granted = float(len(s)), float(s["funded_eur"].sum())
            out[f.id] = {"laureates": n, "granted_eur": granted,
                         "laureates_total_cost_eur": float(s["total_cost_eur"].sum()),
                         "mean_grant_eur": granted / n if n else float("nan")}[f.kind]
            continue
        if yearly is None:
            raise ValueError(f"figure {f.id} ({f.kind}) needs the envelope simulation")
        if f.kind == "ae_consumed_after_eur":
            s = _yearly(yearly, f.fund, AE_COMMITTED, col)
            out[f.id] = float(s[s.index > f.year].sum())
            continue
        metric = AE_COMMITTED if f.kind == "ae_consumed_eur" else CP_PAID
        value = float(_yearly(yearly, f.fund, metric, col).get(f.year, 0.0))
        rate = cp_on_programme_rate(scenario, f.fund)
        out[f.id] = {"ae_consumed_eur": value, "cp_paid_eur": value, "cp_consumed_eur": rate * value,
                     "cp_paid_off_programme_eur": (1.0 - rate) * value}[f.kind]
    return out


def horizon_of(figures: Iterable) -> dt.date | None:
    """The last date the figures describe (the calls decided after it cannot move them)."""
    dates = [f.date for f in figures]
    return max(dates) if dates else None


def calls_until(scenario, when: dt.date | None) -> list[str]:
    """The ids of the scenario's calls decided on or before ``when`` (all when ``None``)."""
    return [c.id for c in scenario.calls if when is None or c.decision <= when]


def model_run(scenario, figures, seed: int, until: dt.date | None = None) -> dict[str, float]:
    """One run of the stochastic model, and what it says of each figure (:func:`observe`).

    ``seed`` seeds everything (the pipeline and the simulation draw, from two words of
    ``SeedSequence(seed)``).  Only the calls decided by ``until`` (default: the last date the
    figures describe) are decided and simulated: a later decision cannot move a figure of an
    earlier period, and leaving it out saves its cost.
    """
    from .. import envelope
    from ..decisions import decide_calls
    from ..generator import generate_for_scenario
    from ..pipeline import funding_order

    figures = tuple(figures)
    until = horizon_of(figures) if until is None else until
    gen_seed, sim_seed = (int(x) for x in np.random.SeedSequence(int(seed)).generate_state(2))
    cands = generate_for_scenario(scenario, seed=gen_seed)
    ids = calls_until(scenario, until)
    dec = decide_calls(scenario, cands, calls=ids)
    yearly = None
    if any(f.simulated for f in figures):
        pool = dec.candidates if getattr(dec, "candidates", None) is not None else cands
        pool = pool[pool["call"].astype(str).isin(ids)] if "call" in pool.columns else pool
        sim = envelope.simulate(scenario, pool, draws=1, seed=sim_seed % (2**63), selection=funding_order(dec.table),
                                progress=False)
        yearly = sim.yearly
    return observe(scenario, figures, dec.table, yearly)
