"""Each project's own payments, draw by draw (:func:`project_demand`): the model of
:func:`~.simulation.simulate` run with every listed project funded and reported alone.

What a question about *adding* commitments needs (the next call's capacity,
:mod:`workbench.analysis.capacity`): the CP each new commitment would call for, year by year and
draw by draw, on the same random numbers whatever amount is then granted.  The projects are the
plan's (:func:`~.plan.build_plan` with the list as the fixed selection), each in its own group, with
no limit on the credits (the caller decides what is granted) and no CP cap (the demand, before
any shortage moves it): the figures are the model's ``cp_demand_eur`` of each project.
"""
from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..messages import msg
from .compiled import _nb
from .draws import BLOCK, _SeedSeq, _draws_from_raw, _fixed_draws, _raw_blocks
from .kernel import _run_chunk_fast, _simulate_blocks_fast
from .numpy_model import METRICS, _run_chunk
from .plan import build_plan
from .settings import Policy

#: Working memory aimed at per chunk of :func:`project_demand` [bytes].
CHUNK_BYTES = 64 * 2**20


@dataclass
class ProjectDemand:
    """Per-draw CP demand of each project [EUR]: ``demand_eur[i, y, d]`` is project ``ids[i]``'s
    payments falling due in ``years[y]`` in draw ``d`` (the last year holds every later one);
    ``set_index[d]``: draw ``d``'s parameter set; ``fund``: each project's fund."""

    ids: list
    fund: list
    years: list
    demand_eur: np.ndarray
    set_index: np.ndarray
    seed: int
    draws: int


def project_demand(scenario, candidates: pd.DataFrame, ids: Sequence[str], draws: int, seed: int,
                   parameter_sets: pd.DataFrame | None = None, engine: str = "auto",
                   threads: int | None = None) -> ProjectDemand:
    """The CP each listed project calls for, year by year and draw by draw [EUR].

    Every listed candidate is funded at its call (no credit limit, no CP cap) with the scenario's
    model: its drawn decision-to-commitment lag, fate (never started, first phase only where it has
    a ``phase1_cost_eur``), cost and duration ratios and payment profile, exactly as
    :func:`~.simulation.simulate` draws them for a plan of these candidates in this order (the same
    seed gives the same variates to the same project).  ``parameter_sets``: as
    :func:`~.simulation.simulate` (draw ``d`` uses set ``d mod n``).

    Raises
    ------
    InputError
        A listed id that is not a candidate.
    """
    ids = [str(i) for i in ids]
    cand_ids = set(candidates["id"].astype(str))
    missing = [i for i in ids if i not in cand_ids]
    if missing:
        raise InputError([Problem("<argument>", "ids", missing[0], msg("E_UNKNOWN_CANDIDATE"))])
    engine = ("numba" if _nb is not None else "numpy") if engine == "auto" else engine
    cands = candidates[candidates["id"].astype(str).isin(set(ids))].reset_index(drop=True)
    plan = build_plan(scenario, cands, Policy(), ids, parameter_sets=parameter_sets)
    P_, K = plan.n, len(plan.calls)
    fund_of = [plan.groups[g][0] for g in plan.g]
    # one group per project; credits without limit; no CP cap: each project's own demand
    plan = dataclasses.replace(
        plan, groups=[(f, f"#{i}") for i, f in enumerate(fund_of)], g=np.arange(P_, dtype=np.int64),
        group_fund=np.array([plan.funds.index(f) for f in fund_of], np.int64), group_amount=np.full(P_, math.inf),
        call_cap=np.full(K, math.inf), call_budget=[math.inf] * K, call_share=np.ones(K),
        env_batch=np.full_like(plan.env_batch, math.inf), fund_cp=np.full_like(plan.fund_cp, np.nan),
        fund_over=np.ones_like(plan.fund_over), stop_at_misfit=False, ok_policy=np.ones(P_, bool))
    Y = len(plan.years)
    out = np.zeros((P_, Y, draws))
    m = METRICS.index("cp_demand_eur")
    per_draw = max(P_, 1) * len(METRICS) * Y * 8 * 2
    chunk = max(BLOCK, (CHUNK_BYTES // per_draw) // BLOCK * BLOCK)
    n_blocks = -(-draws // BLOCK)
    seq = _SeedSeq(seed)
    workers = max(1, int(threads if threads is not None else min(2, os.cpu_count() or 1)))
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 and draws > BLOCK else None
    try:
        for cb0 in range(0, n_blocks, chunk // BLOCK):
            cb1 = min(cb0 + chunk // BLOCK, n_blocks)
            d0 = cb0 * BLOCK
            n = min(cb1 * BLOCK, draws) - d0
            if engine == "numba" and plan.settings.enabled:
                o = _simulate_blocks_fast(plan, seq, cb0, cb1, n, pool, workers)
            elif engine == "numba":
                o = _run_chunk_fast(plan, None, n, pool, workers, g0=d0)
            else:
                raw = _raw_blocks(plan, seq, cb0, cb1, pool) if plan.settings.enabled else None
                D = _draws_from_raw(plan, raw, n) if raw is not None else _fixed_draws(plan, n, g0=d0)
                o = _run_chunk(plan, D, n, g0=d0)
            out[:, :, d0:d0 + n] = o.yearly[:, m]
    finally:
        if pool is not None:
            pool.shutdown()
    order = {i: k for k, i in enumerate(plan.cands["id"].astype(str))}
    rows = [order[i] for i in ids]
    return ProjectDemand(ids=ids, fund=[fund_of[r] for r in rows], years=[int(y) for y in plan.years],
                         demand_eur=out[rows], set_index=np.arange(draws) % plan.sets.n, seed=int(seed),
                         draws=int(draws))
