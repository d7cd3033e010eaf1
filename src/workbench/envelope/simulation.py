"""The simulation's entry point (:func:`simulate`): checks its arguments, builds the plan, runs
the draws chunk by chunk (compiled kernel or NumPy reference) and assembles
:class:`SimulationResult`."""
from __future__ import annotations

import dataclasses

import os
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..messages import msg
from .compiled import _nb
from .draws import BLOCK, _SeedSeq, _draws_from_raw, _fixed_draws, _raw_blocks
from .kernel import _run_chunk_fast, _simulate_blocks_fast
from .numpy_model import GTOT, METRICS, _ChunkOut, _run_chunk, cohort_cells
from .plan import build_plan
from .settings import Policy
from .stats import _store_passes
from .tables import (DrawArrays, SimulationResult, _block_sums, _calls_table, _level_tables, _levels, _provenance,
                     _restes_table, _selected_table, _set_means, _set_summary_table, _set_tables, _shortfall_table,
                     _store_groups)


#: Working memory aimed at per chunk [bytes] (sets the default chunk size).
CHUNK_BYTES = 160 * 2**20


#: Memory for the per-draw results kept for exact percentiles [bytes]; beyond it the draws are
#: simulated again for the next levels (see :func:`simulate`).
STORE_BYTES = 448 * 2**20


#: Draws whose payments by commitment year give the percentiles of the restes à payer (the first
#: ones of the run; the means count every draw): 20,000 draws put P10 and P90 within a few tenths
#: of a percentage point of probability, well inside the model's own uncertainty, for a fifth of
#: the time 100,000 would take.
RAP_PERCENTILE_DRAWS = 20_000


#: Runs up to this many draws keep every draw's payments by commitment year in memory (float32),
#: so the compiled kernel writes them in place; bigger runs keep the first
#: :data:`RAP_PERCENTILE_DRAWS` and sum the rest block by block as the chunks come.
RAP_STORE_DRAWS = 100_000


def _check_args(draws: Any, chunk_size: Any, seed: Any) -> list[Problem]:
    probs = []
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws <= 0:
        probs.append(Problem("<argument>", "draws", draws, msg("E_WHOLE_NUMBER_POSITIVE")))
    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer))
                                   or chunk_size <= 0):
        probs.append(Problem("<argument>", "chunk_size", chunk_size, msg("E_WHOLE_NUMBER_POSITIVE")))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        probs.append(Problem("<argument>", "seed", seed, msg("E_WHOLE_NUMBER_MIN", minimum=0)))
    return probs


def default_chunk_size(n_projects: int) -> int:
    """Draws per chunk so that a chunk's working arrays stay near :data:`CHUNK_BYTES`."""
    per_draw = max(n_projects, 1) * 120
    return max(BLOCK, (CHUNK_BYTES // per_draw) // BLOCK * BLOCK)


def simulate(scenario, candidates: pd.DataFrame | None = None, draws: int = 1000, seed: int | None = None,
             chunk_size: int | None = None, progress: bool = False, selection: Any = None,
             policy: Policy | Mapping | None = None, engine: str = "auto",
             threads: int | None = None, parameter_sets: pd.DataFrame | None = None,
             keep_draws: bool = False, common_draws: bool = False) -> SimulationResult:
    """Monte Carlo of a fund's envelope, call after call: commitments and payments by year.

    Parameters
    ----------
    scenario : Scenario
        A validated scenario (:func:`workbench.load_scenario`).
    candidates : DataFrame, optional
        Validated candidates with a ``call`` column naming their call (rows without one go to
        the first call); by default the scenario's (:func:`workbench.load_candidates`).
    draws : int
        Number of Monte Carlo draws (> 0).
    seed : int, optional
        Seed of every draw (default: the scenario's ``seed``).
    chunk_size : int, optional
        Draws computed at once (working memory); rounded up to whole blocks of :data:`BLOCK`.
        Results do not depend on it.  (The compiled path writes straight into the results when
        every reported level is one group, and then needs no chunks.)
    progress : bool
        Show a progress bar (``tqdm.auto``: terminal or notebook).
    selection : str, list of ids, or callable, optional
        ``"greedy"`` (value per euro), ``"greedy_value"`` (value), ``"ranked"`` (value order,
        stopping at the first project that does not fit, as a committee's ranked list), a list of candidate ids funded
        in that order where credits allow, or ``f(call, candidates, budget_eur) -> ids`` (called
        once per call with the call's candidates, their ``value`` and ``eligible`` columns, and
        the call's nominal budget [EUR]).  Default: the scenario's ``selection.rule``
        (``fixed_list`` uses ``selection.fixed_list``; ``optimal`` runs the ranking's exact MILP
        per call, see :func:`optimal_per_call`).
    policy : Policy or mapping, optional
        Allocation policy (see :class:`Policy`).
    engine : {"auto", "numba", "numpy"}
        ``numba``: the compiled per-draw kernel (default when numba is installed); ``numpy``: the
        vectorised reference implementation (same model; the tests check they agree).
    threads : int, optional
        Threads drawing random blocks and running the compiled kernel (default: 2, or 1 on a
        single core).  Results do not depend on it.
    parameter_sets : DataFrame, optional
        Model parameters that vary from draw to draw (a calibration's posterior sample): one row
        per set, columns named by their scenario key paths
        (:data:`~workbench.envelope.settings.SET_COLUMNS`: the commitment lag's median and sigma,
        ``uncertainty.attrition_rate``, ``uncertainty.phase1_only_rate``,
        ``disbursement.profile_rates`` as a tuple, a list or ``"a;b;c"`` per cell); a column left
        out keeps the scenario's value.  Draw ``d`` uses set ``d mod len(parameter_sets)``; one
        set equal to the scenario's values gives the run without sets, bit for bit.  The result
        then holds :attr:`SimulationResult.parameter_sets` and :attr:`SimulationResult.set_band`.
    keep_draws : bool
        Keep each fund's per-draw yearly arrays on the result (:attr:`SimulationResult.draws`).
    common_draws : bool
        With ``parameter_sets``: common random numbers, the draws ``j N .. j N + N - 1`` (one per
        set) take the same random variates (those of draw ``j`` of a run without sets), so that
        the sets differ by their parameters only (a sensitivity analysis, :mod:`workbench.analysis.sensitivity`).
        Results stay bit-identical whatever the chunking and the threads; with one set it is the
        run without it.

    Returns
    -------
    SimulationResult

    Raises
    ------
    InputError
        Bad arguments (draws <= 0, …), candidates naming unknown calls, a parameter-set column the
        simulation cannot vary or a bad value in one.
    """
    probs = _check_args(draws, chunk_size, seed)
    if engine not in ("auto", "numba", "numpy"):
        probs.append(Problem("<argument>", "engine", engine, msg("E_ONE_OF", choices=["auto", "numba", "numpy"],
                                                                  suggestion="")))
    if probs:
        raise InputError(probs)
    engine = ("numba" if _nb is not None else "numpy") if engine == "auto" else engine
    draws = int(draws)
    seed = int(scenario.seed if seed is None else seed)
    pol = policy if isinstance(policy, Policy) or policy is None else Policy.from_mapping(policy)
    plan = build_plan(scenario, candidates, pol, selection, parameter_sets=parameter_sets)
    if common_draws:
        plan.sets = dataclasses.replace(plan.sets, common_draws=True)
    st = plan.settings
    levels = _levels(plan)
    sgroups = _store_groups(levels)
    U, Y, F, K, P_ = len(sgroups), len(plan.years), len(plan.funds), len(plan.calls), plan.n
    M = len(METRICS)
    # the plan without uncertainty, on the scenario's own values: the CP schedule the budget
    # documents would plan
    base = plan.base_sets
    planned = _run_chunk_fast(plan, None, 1, sets=base) if engine == "numba" else \
        _run_chunk(plan, _fixed_draws(plan, 1, sets=base), 1, sets=base)
    planned_due = planned.fund_due[:, :, 0]                   # (F, Y)
    chunk = default_chunk_size(P_) if chunk_size is None else int(chunk_size)
    chunk = max(BLOCK, -(-chunk // BLOCK) * BLOCK)
    big = draws * U * Y * M * 8 > 256 * 2**20
    fdt = np.float32 if big else np.float64
    T = len(GTOT)
    # the per-draw results of each reported level are kept for exact percentiles; when they do not
    # fit STORE_BYTES the draws are simulated again for the next levels (bit-identical each time)
    passes = _store_passes(U, draws * (Y * M * np.dtype(fdt).itemsize + T * 8), STORE_BYTES)
    by_set = plan.sets.given
    fund_store = {lv["fund"]: lv["store"] for lv in levels if lv["kind"] == "fund"}
    set_means: dict[int, np.ndarray] = {}                      # fund -> (3, Y, S)
    kept: dict[int, np.ndarray] = {}                           # fund -> (4, Y, draws) decided, committed, demand, paid
    # draws last: every row (a metric of a year, a call, ...) contiguous, as percentiles read it
    store_due = np.empty((F, Y, draws), fdt)
    store_avail = np.empty((K, draws), fdt)
    store_comm = np.empty((K, draws), fdt)
    store_nsel = np.empty((K, draws), fdt)
    store_flags = np.zeros((F, 3, draws), np.float64)
    # payments by (commitment year, payment year): per draw for the first draws (percentiles), and
    # summed block by block for the means (blocks are fixed: bit-identical whatever the chunking)
    n_cells = len(cohort_cells(Y)[0])
    pct_coh = min(draws, RAP_PERCENTILE_DRAWS)
    keep_coh = draws if draws <= RAP_STORE_DRAWS else pct_coh
    store_coh = np.zeros((F, n_cells, keep_coh), np.float32)
    coh_blocks = np.zeros((F, n_cells, -(-draws // BLOCK)))
    sel_count = np.zeros(P_, np.int64)
    ph1_count = np.zeros(P_, np.int64)
    attr_count = np.zeros(P_, np.int64)
    seq = _SeedSeq(seed)
    n_blocks = -(-draws // BLOCK)
    from tqdm.auto import tqdm

    bar = tqdm(total=draws * len(passes), disable=not progress, unit="draw", desc=f"simulate {scenario.name}")
    workers = max(1, int(threads if threads is not None else min(2, os.cpu_count() or 1)))
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=workers) if workers > 1 and draws > BLOCK else None
    parts: dict[int, tuple[list, dict, list | None]] = {}   # level -> yearly rows, summary row, set rows
    try:
        for pi, us in enumerate(passes):
            first = pi == 0
            store_y = np.empty((len(us), M, Y, draws), fdt)
            store_tot = np.empty((len(us), T, draws), np.float64)
            # the compiled kernel writes straight into the stores when each level is one group
            direct = (engine == "numba" and len(passes) == 1 and fdt is np.float64 and draws <= keep_coh
                      and sgroups == [[gi] for gi in range(len(plan.groups))])
            # writing straight into the stores needs no working memory per chunk: one chunk, so
            # the threads never wait for each other between chunks
            step = n_blocks if direct else chunk // BLOCK
            for cb0 in range(0, n_blocks, step):
                cb1 = min(cb0 + step, n_blocks)
                d0 = cb0 * BLOCK
                n = min(cb1 * BLOCK, draws) - d0
                sl = slice(d0, d0 + n)
                into = _ChunkOut(yearly=store_y, fund_due=store_due, avail=store_avail,
                                 committed_call=store_comm, nsel_call=store_nsel, gtot=store_tot,
                                 fund_flags=store_flags, sel_count=np.zeros(P_, np.int64),
                                 ph1_count=np.zeros(P_, np.int64), attr_count=np.zeros(P_, np.int64),
                                 cohort=store_coh) \
                    if direct else None
                if engine == "numba" and st.enabled:
                    out = _simulate_blocks_fast(plan, seq, cb0, cb1, n, pool, workers, into,
                                                tick=bar.update if progress else None)
                elif engine == "numba":
                    out = _run_chunk_fast(plan, None, n, pool, workers, into, g0=d0)
                else:
                    raw = _raw_blocks(plan, seq, cb0, cb1, pool) if st.enabled else None
                    D = _draws_from_raw(plan, raw, n) if raw is not None else _fixed_draws(plan, n, g0=d0)
                    out = _run_chunk(plan, D, n, g0=d0)
                    del D, raw
                for i, u in enumerate([] if direct else us):
                    gs = sgroups[u]
                    store_y[i, ..., sl] = out.yearly[gs].sum(axis=0) if len(gs) > 1 else out.yearly[gs[0]]
                    store_tot[i, :, sl] = out.gtot[gs].sum(axis=0) if len(gs) > 1 else out.gtot[gs[0]]
                if first and not direct:
                    store_due[..., sl] = out.fund_due
                    store_avail[:, sl] = out.avail
                    store_comm[:, sl] = out.committed_call
                    store_nsel[:, sl] = out.nsel_call
                    store_flags[..., sl] = out.fund_flags
                    assert out.cohort is not None, "both engines' chunks hold the cohorts"
                    if d0 < keep_coh:
                        store_coh[..., d0:min(d0 + n, keep_coh)] = out.cohort[..., :min(n, keep_coh - d0)]
                    coh_blocks[..., cb0:cb1] = _block_sums(out.cohort)
                if first:
                    sel_count += out.sel_count
                    ph1_count += out.ph1_count
                    attr_count += out.attr_count
                del out
                if not (direct and st.enabled and progress):
                    bar.update(n)
            # the funds' per-draw figures the per-set tables and keep_draws need, while in memory
            for fi, u in fund_store.items():
                if u not in us:
                    continue
                sy = store_y[us.index(u)]
                ix = [METRICS.index(m) for m in ("ae_committed_eur", "cp_paid_eur", "ae_decided_eur")]
                if by_set:
                    set_means[fi] = _set_means(sy[ix], plan.sets.n)
                if keep_draws:
                    kept[fi] = np.stack([sy[METRICS.index(m)].astype(np.float64) for m in
                                         ("ae_decided_eur", "ae_committed_eur", "cp_demand_eur", "cp_paid_eur")])
            if first and direct:
                coh_blocks[...] = _block_sums(store_coh)
            if first:
                restes = _restes_table(plan, coh_blocks, store_coh[..., :pct_coh], draws, pool)
                del store_coh, coh_blocks
                shortfall, fund_short_cp, short_fy, avail_fy = _shortfall_table(
                    plan, store_due, planned_due, draws, pool, detail=by_set or keep_draws)
                calls = _calls_table(plan, store_avail, store_comm, store_nsel, pool)
                due_kept = store_due.astype(np.float64) if keep_draws else None
                del store_avail, store_comm, store_nsel
                del store_due
            parts.update(_level_tables(plan, levels, {u: i for i, u in enumerate(us)}, store_y, store_tot,
                                       store_flags, fund_short_cp, draws, pool))
            del store_y, store_tot
    finally:
        bar.close()
        if pool is not None:
            pool.shutdown()
    yearly = pd.concat([p for li in range(len(levels)) for p in parts[li][0]], ignore_index=True)[
        ["level", "level_kind", "year", "metric", "mean", "p10", "p50", "p90", "envelope_eur"]]
    res = SimulationResult(yearly=yearly, summary=pd.DataFrame([parts[li][1] for li in range(len(levels))]),
                           shortfall=shortfall, calls=calls,
                           selected=_selected_table(plan, sel_count, ph1_count, attr_count, draws), provenance={},
                           restes_a_payer=restes)
    res.envelopes = {lv["level"]: lv["envelope_eur"] for lv in levels}
    if by_set:
        frame = parameter_sets if isinstance(parameter_sets, pd.DataFrame) else None
        res.set_summary = _set_summary_table(plan, [parts[li][2] for li in range(len(levels))], frame)
        frame = parameter_sets if isinstance(parameter_sets, pd.DataFrame) else None
        assert short_fy is not None, "_shortfall_table gave the detail: asked with by_set"
        res.parameter_sets, res.set_band = _set_tables(plan, set_means, short_fy, draws, frame)
    if keep_draws:
        assert due_kept is not None and avail_fy is not None, "kept and detailed with keep_draws"
        res.draws = DrawArrays(funds=list(plan.funds), years=[int(y) for y in plan.years],
                               set_index=np.arange(draws) % plan.sets.n,
                               ae_decided_eur=np.stack([kept[fi][0] for fi in range(F)]),
                               ae_committed_eur=np.stack([kept[fi][1] for fi in range(F)]),
                               cp_demand_eur=np.stack([kept[fi][2] for fi in range(F)]),
                               cp_due_eur=due_kept, cp_paid_eur=np.stack([kept[fi][3] for fi in range(F)]),
                               cp_available_eur=avail_fy)
    res.provenance = _provenance(plan, seed, draws, chunk, selection)
    res.provenance["engine"] = engine
    res.provenance["threads"] = workers
    res.provenance["passes"] = len(passes)
    res.provenance["common_draws"] = bool(plan.sets.common_draws and by_set)
    res.provenance["restes_a_payer_percentile_draws"] = pct_coh
    return res


#: Percentiles reported for every per-draw figure [%].
