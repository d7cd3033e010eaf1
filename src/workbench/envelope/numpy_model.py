"""The model in NumPy, vectorised over draws (:func:`_run_chunk`): the reference the compiled
kernel (:mod:`.kernel`) reproduces bit for bit, and the per-draw results both write
(:class:`_ChunkOut`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


from .draws import _Draws, set_of_draws
from .plan import _Plan
from .settings import EXHAUSTED_SHARE


#: Yearly metrics, in the order of the per-draw arrays: AE legally committed (the contract signed:
#: AE consumed; top-ups included), AE de-committed, CP demand (new payments due), CP paid, AE
#: decided (announced at the committee's decision).
METRICS = ("ae_committed_eur", "ae_decommitted_eur", "cp_demand_eur", "cp_paid_eur", "ae_decided_eur")


@dataclass
class _ChunkOut:
    """Per-draw results of ``n`` draws, draws last: each row (a metric of a year, …) is
    contiguous over draws, as the compiled model writes it and as percentiles read it."""

    yearly: np.ndarray     # (G, len(METRICS), Y, n) per group: METRICS by year
    fund_due: np.ndarray   # (F, Y, n) CP due (demand + backlog)
    avail: np.ndarray      # (K, n) credits left before each call [EUR]
    committed_call: np.ndarray  # (K, n)
    nsel_call: np.ndarray  # (K, n)
    gtot: np.ndarray       # (G, T, n) per group totals (GTOT)
    fund_flags: np.ndarray  # (F, 3, n): exhausted, overcommitted, max net commitment
    sel_count: np.ndarray  # (P,) int counts
    ph1_count: np.ndarray
    attr_count: np.ndarray
    cohort: np.ndarray | None = None  # (F, CELLS, n) float32: CP paid by (commitment year, payment year), cohort_cells


def cohort_cells(n_years: int) -> tuple[np.ndarray, np.ndarray]:
    """The cells of the payments by commitment year and payment year: ``(c, p)`` year indices
    with ``c <= p`` (a commitment pays nothing before its year), row by row
    (``numpy.triu_indices``); cell ``k`` of a per-draw ``cohort`` array is ``(c[k], p[k])``."""
    return np.triu_indices(n_years)


def cohort_index(n_years: int) -> np.ndarray:
    """``(Y, Y)`` int64: the cell of ``(c, p)`` in :func:`cohort_cells`, -1 where ``p < c``."""
    c, p = cohort_cells(n_years)
    out = np.full((n_years, n_years), -1, np.int64)
    out[c, p] = np.arange(len(c))
    return out


GTOT = ("committed_eur", "paid_eur", "savings_realised_eur", "savings_declared_eur", "value_delivered",
        "unfunded_overrun_eur", "projects_selected", "room_last_call_eur")


def _event_order(plan: _Plan, t: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The order in which each draw meets its projects' events: ``(order, batch)``, both (n, P).

    Project ``p``'s event in a draw (its de-commitment if it never starts, else its cost
    adjustment) at time ``t[p, d]`` [years from the start] is met before the first call after
    the project's own whose decision is at or after ``t`` (batch ``k``; ``K``: after the last
    call).  Within a batch, events are met in time order, ties by project (the order of the
    compiled kernel).  ``order[d]`` lists the projects by (batch, time, project); ``batch[d, i]``
    is the batch of ``order[d, i]``.
    """
    cx = plan.call_time - plan.start
    b = np.maximum(plan.kcall[:, None] + 1, np.searchsorted(cx, t, side="left"))   # (P, n)
    pidx = np.broadcast_to(np.arange(plan.n)[None, :], (n, plan.n))
    order = np.lexsort((pidx, t.T, b.T), axis=-1) if plan.n else np.zeros((n, 0), np.int64)
    batch = np.take_along_axis(b.T, order, axis=-1) if plan.n else np.zeros((n, 0), np.int64)
    return order, batch


def _run_chunk(plan: _Plan, D: _Draws, n: int, g0: int = 0, sets=None) -> _ChunkOut:
    """The NumPy reference implementation of the model on ``n`` draws (arrays projects x draws);
    ``g0``: the first draw's index in the run (its parameter set); ``sets``: the parameter sets
    (default: the plan's)."""
    st = plan.settings
    sets = plan.sets if sets is None else sets
    P_, G, F, K = plan.n, len(plan.groups), len(plan.funds), len(plan.calls)
    Y = len(plan.years)
    sidx = set_of_draws(sets, g0, n)
    a_rate = sets.attrition_rate[sidx]
    p1_lim = (sets.attrition_rate + sets.phase1_only_rate)[sidx]
    # fate of each (project, draw)
    attr = D.fate < a_rate[None, :]
    has_ph1 = np.isfinite(plan.ph1) & (plan.ph1 > 0)
    ph1 = (~attr) & (D.fate < p1_lim[None, :]) & has_ph1[:, None]
    C = np.where(ph1, np.nan_to_num(plan.ph1)[:, None], plan.req[:, None])   # commitment [EUR]
    # commitment: decision + gate delay + the drawn lag [years from the start]
    x0 = plan.x_base[:, None] + D.lag / 12.0
    dur_y = plan.dur / 12
    t_dec = x0 + plan.decommit_y
    t_adj = x0 + dur_y[:, None]
    order, batch = _event_order(plan, np.where(attr, t_dec, t_adj), n)
    ptr = np.zeros(n, np.int64)
    ar = np.arange(n)
    sel = np.zeros((P_, n), bool)
    net_f = np.zeros((F, n))          # net commitments of each fund
    net_g = np.zeros((G, n))          # net commitments of each group
    max_f = np.zeros((F, n))
    topup = np.zeros((P_, n))         # funded top-up (>0) or release (<0) at the adjustment
    unfunded = np.zeros((P_, n))
    avail_k = np.zeros((n, K))
    comm_k = np.zeros((n, K))
    nsel_k = np.zeros((n, K))
    room_last = np.zeros((G, n))
    scope = plan.total / np.maximum(plan.req, 1.0)               # total cost per euro of grant

    def process_events(k: int) -> None:
        """Every draw's events of batch ``k``, one per draw at a time, in each draw's order."""
        while True:
            live_ptr = ptr < P_
            act = live_ptr.copy()
            act[live_ptr] = batch[ar[live_ptr], ptr[live_ptr]] == k
            if not act.any():
                return
            d = ar[act]
            p = order[d, ptr[d]]
            ptr[d] += 1
            m = sel[p, d]
            d, p = d[m], p[m]
            if not len(d):
                continue
            g = plan.g[p]
            f = plan.group_fund[g]
            a = attr[p, d]
            c = C[p, d]
            # a project that never starts: de-committed
            amt = np.where(a, c, 0.0)
            # the others: their final cost is known at their planned end
            r = D.cost[p, d]
            over = np.maximum(r - 1.0, 0.0) * c * scope[p] * st.overrun_paid_by_fund_rate
            under = np.minimum(r - 1.0, 0.0) * c
            room = np.maximum(np.minimum(plan.env_batch[f, k] - net_f[f, d], plan.group_amount[g] - net_g[g, d]), 0.0)
            funded = np.where(plan.fund_over[f], over, np.minimum(over, room))
            delta = np.where(a, 0.0, funded + under)
            topup[p, d] = delta
            unfunded[p, d] = np.where(a, 0.0, over - funded)
            # a draw meets one event at a time: no two (f, d) pairs repeat here
            net_f[f, d] = np.where(a, net_f[f, d] - amt, net_f[f, d] + delta)
            net_g[g, d] = np.where(a, net_g[g, d] - amt, net_g[g, d] + delta)
            max_f[f, d] = np.maximum(max_f[f, d], net_f[f, d])

    for k, _call in enumerate(plan.calls):
        process_events(k)
        f = plan.call_fund[k]
        cap = plan.call_cap[k]
        avail = np.maximum(cap - net_f[f], 0.0)
        avail_k[:, k] = avail
        budget = np.minimum(avail, plan.call_budget[k])
        if plan.call_share[k] < 1.0:  # the call's allotment: its share of the year's credits left
            budget = np.minimum(budget, avail * plan.call_share[k])
        pol = plan.policy
        if pol.max_commit_share_per_call_rate is not None:
            budget = np.minimum(budget, pol.max_commit_share_per_call_rate * plan.call_env[k])
        if pol.reserve_last_call_eur > 0 and plan.last_call_of_fund.get(f) != k:
            budget = np.minimum(budget, np.maximum(avail - pol.reserve_last_call_eur, 0.0))
        if plan.last_call_of_fund.get(f) == k:
            for gi in np.flatnonzero(plan.group_fund == f):
                room_last[gi] = np.minimum(plan.group_amount[gi] - net_g[gi], avail)
        rem = budget.copy()
        spent = np.zeros(n)
        cnt = np.zeros(n)
        stopped = np.zeros(n, bool)
        for p in plan.call_rows[k]:
            if not plan.ok_policy[p]:
                continue
            g = plan.g[p]
            c = C[p]
            fit = (c <= rem + 1e-6) & (c <= plan.group_amount[g] - net_g[g] + 1e-6)
            if plan.stop_at_misfit:
                stopped |= ~fit
                fit &= ~stopped
            sel[p] = fit
            amt = np.where(fit, c, 0.0)
            rem -= amt
            spent += amt
            cnt += fit
            net_g[g] += amt
        net_f[f] += spent
        np.maximum(max_f[f], net_f[f], out=max_f[f])
        comm_k[:, k] = spent
        nsel_k[:, k] = cnt
    process_events(K)

    # ---- amounts -------------------------------------------------------------------------------
    live = sel & ~attr
    A = np.where(live, C + topup, 0.0)                         # the fund's final payments [EUR]
    # ---- yearly AE and CP per group ---------------------------------------------------------------
    Yb = Y + plan.profiles.shape[1] + 1
    dcol = np.arange(n)[None, :]
    gY = (plan.g * Yb)[:, None]
    base = dcol * (G * Yb) + gY                                 # (P, n)

    def year_bin(t):
        return np.clip(np.floor(t).astype(np.int64), 0, Y - 1)

    def scatter(weights, bins):
        idx = base + (bins if bins.ndim == 2 else bins[:, None])
        return np.bincount(idx.ravel(), weights=weights.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)[:, :, :Y]

    commit_amt = np.where(sel, C, 0.0)
    ae_decided = scatter(commit_amt, plan.dec_bin)
    ae_comm = scatter(commit_amt, year_bin(x0))
    abin = year_bin(t_adj)
    ae_top = scatter(np.maximum(topup, 0.0), abin)
    ae_dec = scatter(np.where(sel & attr, C, 0.0), year_bin(t_dec)) + scatter(np.maximum(-topup, 0.0), abin)
    ae_comm = ae_comm + ae_top
    # payments: the profile starts at the commitment date, pushed by the delay
    shift = np.maximum(D.delay - 1.0, 0.0) * dur_y[:, None]
    x = x0 + shift
    b = np.clip(np.floor(x).astype(np.int64), 0, Y)            # bins >= Y are folded into Y - 1
    idx = base + b
    # the same payments by fund and commitment year (cohort): a project's payments, top-ups
    # included, belong to the year of its legal commitment
    fp = plan.group_fund[plan.g] if P_ else np.zeros(0, np.int64)
    cidx = ((dcol * F + fp[:, None]) * Y + year_bin(x0)) * Yb + b
    del x, shift, b
    Lp = plan.profiles.shape[1]                                 # idx + Lp - 1 < n * G * Yb
    pay = np.zeros((n, G, Yb))
    payc = np.zeros((n, F, Y, Yb))
    sprof = sets.profiles[sidx]                                 # (n, L): each draw's set's profile
    if plan.common_profile:
        # one scatter of the amounts at their first tranche's year, then the profile as a filter
        S = np.bincount(idx.ravel(), weights=A.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)
        Sc = np.bincount(cidx.ravel(), weights=A.ravel(), minlength=n * F * Y * Yb).reshape(n, F, Y, Yb)
        for i in range(Lp):
            r = sprof[:, i][:, None, None]
            pay[:, :, i:] += r * S[:, :, :Yb - i]
            payc[..., i:] += r[..., None] * Sc[..., :Yb - i]
    else:
        own = plan.own_profile[:, None]
        for i in range(Lp):
            w = A * np.where(own, plan.profiles[:, i][:, None], sprof[:, i][None, :])
            pay += np.bincount((idx + i).ravel(), weights=w.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)
            payc += np.bincount((cidx + i).ravel(), weights=w.ravel(),
                                minlength=n * F * Y * Yb).reshape(n, F, Y, Yb)
    demand = pay[:, :, :Y].copy()
    demand[:, :, Y - 1] += pay[:, :, Y:].sum(axis=2)           # later payments in the last year
    demc = payc[..., :Y].copy()                                 # (n, F, cohort, year)
    demc[..., Y - 1] += payc[..., Y:].sum(axis=-1)
    del payc
    # ---- CP available per fund (workbench.credits: voted - reserve +- movements + carry-over) ------
    paid = demand.copy()
    fund_due = np.zeros((n, F, Y))
    cells = np.zeros((n, F, Y, Y))                              # CP paid by (cohort, year)
    for fi in range(F):
        gs = np.flatnonzero(plan.group_fund == fi)
        backlog = np.zeros((n, len(gs)))
        backlog_c = np.zeros((n, Y))                            # each cohort's unpaid demand
        carry = np.zeros(n)
        for yi in range(Y):
            due_g = demand[:, gs, yi] + backlog
            due = due_g.sum(axis=1)
            fund_due[:, fi, yi] = due
            app = plan.fund_cp[fi, yi]
            if np.isnan(app) or yi == Y - 1:
                pd_ = due
                carry = np.zeros(n)
            else:
                avail_cp = app + carry
                pd_ = np.minimum(due, avail_cp)
                # what was neither paid nor cancelled (the credits still frozen included), capped
                carry = np.minimum(avail_cp - pd_ + plan.fund_cp_frozen[fi, yi], plan.fund_cp_cap[fi, yi])
            ratio = np.divide(pd_, due, out=np.ones(n), where=due > 0)
            paid[:, gs, yi] = due_g * ratio[:, None]
            backlog = due_g - paid[:, gs, yi]
            # each cohort is paid the fund's share of what is due in the year
            due_c = demc[:, fi, :yi + 1, yi] + backlog_c[:, :yi + 1]
            paid_c = due_c * ratio[:, None]
            cells[:, fi, :yi + 1, yi] = paid_c
            backlog_c[:, :yi + 1] = due_c - paid_c
    yearly = np.stack([ae_comm, ae_dec, demand, paid, ae_decided], axis=-1)  # (n, G, Y, METRICS)
    # ---- totals per group --------------------------------------------------------------------------
    gbase = dcol * G + plan.g[:, None]

    def gsum(w):
        return np.bincount(gbase.ravel(), weights=np.asarray(w, float).ravel(), minlength=n * G).reshape(n, G)

    full = live & ~ph1
    ph1_share = np.where(plan.req > 0, np.nan_to_num(plan.ph1) / np.maximum(plan.req, 1.0), 0.0)
    val = np.where(full, plan.value[:, None], 0.0) + np.where(live & ph1, (plan.value * ph1_share)[:, None], 0.0)
    gtot = np.stack([
        gsum(np.where(sel, C, 0.0)),
        gsum(A),
        gsum(np.where(full, plan.savings[:, None] * D.savings, 0.0)),
        gsum(np.where(full, plan.savings[:, None], 0.0)),
        gsum(val),
        gsum(unfunded),
        gsum(sel),
        room_last.T,
    ], axis=-1)
    # ---- fund flags ----------------------------------------------------------------------------------
    flags = np.zeros((n, F, 3))
    for fi in range(F):
        k_last = plan.last_call_of_fund.get(fi)
        if k_last is not None:
            flags[:, fi, 0] = avail_k[:, k_last] < EXHAUSTED_SHARE * plan.fund_env[fi]
        flags[:, fi, 1] = max_f[fi] > plan.fund_env[fi] + 0.5
        flags[:, fi, 2] = max_f[fi]
    def last(a):  # draws last (the layout of _ChunkOut)
        return np.ascontiguousarray(np.moveaxis(a, 0, -1))

    cc, cp_ = cohort_cells(Y)
    return _ChunkOut(yearly=last(yearly.transpose(0, 1, 3, 2)), fund_due=last(fund_due), avail=last(avail_k),
                     committed_call=last(comm_k), nsel_call=last(nsel_k), gtot=last(gtot), fund_flags=last(flags),
                     sel_count=sel.sum(axis=1), ph1_count=(sel & ph1).sum(axis=1),
                     attr_count=(sel & attr).sum(axis=1),
                     cohort=last(cells[:, :, cc, cp_].astype(np.float32)))


def _new_chunk_out(plan: _Plan, n: int) -> _ChunkOut:
    P_, G, F, K, Y = plan.n, len(plan.groups), len(plan.funds), len(plan.calls), len(plan.years)
    return _ChunkOut(yearly=np.zeros((G, len(METRICS), Y, n)), fund_due=np.zeros((F, Y, n)),
                     avail=np.zeros((K, n)), committed_call=np.zeros((K, n)), nsel_call=np.zeros((K, n)),
                     gtot=np.zeros((G, len(GTOT), n)), fund_flags=np.zeros((F, 3, n)),
                     sel_count=np.zeros(P_, np.int64), ph1_count=np.zeros(P_, np.int64),
                     attr_count=np.zeros(P_, np.int64), cohort=np.zeros((F, Y * (Y + 1) // 2, n), np.float32))
