"""Allocation policies compared on the same draws: sequential decisions under unknown future
pipelines (:func:`compare_policies`)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

from .settings import Policy
from .simulation import _check_args, simulate


def scenario_policies(scenario) -> list[Policy]:
    """The scenario's ``policies`` (or a baseline 'until exhausted' policy when it has none)."""
    pols = [Policy.from_section(p) for p in scenario.policies]
    return pols or [Policy(name="until exhausted")]


def compare_policies(scenario, policies: Sequence[Policy | Mapping] | None = None, draws: int = 1000,
                     seed: int | None = None, pipelines: int | None = None,
                     candidates: pd.DataFrame | None = None, progress: bool = False) -> pd.DataFrame:
    """Compare allocation policies by Monte Carlo over future calls' pipelines and project risks.

    Later calls' candidates are unknown when an early call is decided: each of ``pipelines``
    replicates draws every call's pipeline from the calibrated generator
    (:func:`workbench.generator.generate_for_scenario`, own seed per replicate), or keeps the
    given ``candidates`` for the calls they name and draws the others.  Each policy meets the
    same pipelines and the same project draws (common random numbers).

    Parameters
    ----------
    policies : sequence of Policy or mappings, optional
        Default: the scenario's ``policies``.
    draws : int
        Total draws, split evenly over the pipelines.
    pipelines : int, optional
        Number of pipeline replicates (default ``min(20, draws)``).

    Returns
    -------
    DataFrame
        One row per policy: value delivered (mean, P10, P90), committed, paid, unused residual
        [EUR], probability of running short and of exhausting the fund before its last call,
        savings realised, projects funded.
    """
    from ..generator import generate_for_scenario

    probs = _check_args(draws, None, seed)
    if probs:
        raise InputError(probs)
    seed = int(scenario.seed if seed is None else seed)
    pols = [p if isinstance(p, Policy) else Policy.from_mapping(p) for p in (policies or scenario_policies(scenario))]
    R = int(pipelines or min(20, draws))
    per = max(1, draws // R)
    children = np.random.SeedSequence(seed).spawn(R)
    acc: dict[str, list] = {p.name: [] for p in pols}
    from tqdm.auto import tqdm

    for r in tqdm(range(R), disable=not progress, desc="policies"):
        pseed = int(children[r].generate_state(1)[0])
        gen = generate_for_scenario(scenario, seed=pseed)
        if candidates is not None and "call" in candidates.columns:
            known = set(candidates["call"].astype(str))
            gen = pd.concat([candidates, gen[~gen["call"].astype(str).isin(known)]], ignore_index=True)
        for p in pols:
            res = simulate(scenario, gen, draws=per, seed=pseed, policy=p)
            fund_rows = res.summary[res.summary["level_kind"] == "all"].iloc[0]
            acc[p.name].append(fund_rows)
    rows = []
    for p in pols:
        df = pd.DataFrame(acc[p.name])
        rows.append({
            "policy": p.name,
            "max_commit_share_per_call_rate": p.max_commit_share_per_call_rate,
            "reserve_last_call_eur": p.reserve_last_call_eur, "min_value_per_meur": p.min_value_per_meur,
            "order": p.order,
            "value_delivered_mean": df["value_delivered_mean"].mean(),
            "value_delivered_p10": df["value_delivered_mean"].quantile(0.1),
            "value_delivered_p90": df["value_delivered_mean"].quantile(0.9),
            "projects_selected_mean": df["projects_selected_mean"].mean(),
            "committed_mean_eur": df["committed_mean_eur"].mean(),
            "paid_mean_eur": df["paid_mean_eur"].mean(),
            "unused_residual_mean_eur": df["unused_residual_mean_eur"].mean(),
            "shortfall_probability": df["shortfall_probability"].mean(),
            "p_exhausted_before_last_call": df["p_exhausted_before_last_call"].mean(),
            "savings_realised_mean_eur": df["savings_realised_mean_eur"].mean(),
            "savings_vs_target_rate": (df["savings_realised_mean_eur"].sum()
                                       / max(df["savings_target_mean_eur"].sum(), 1e-9)),
            "pipelines": R, "draws_per_pipeline": per,
        })
    return pd.DataFrame(rows)
