"""The model in NumPy, vectorised over draws (:func:`_run_chunk`): the reference the compiled
kernel (:mod:`.kernel`) reproduces bit for bit, and the per-draw results both write
(:class:`_ChunkOut`)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


from .draws import _Draws
from .plan import _Plan
from .settings import EXHAUSTED_SHARE


METRICS = ("ae_committed_eur", "ae_decommitted_eur", "cp_demand_eur", "cp_paid_eur")


@dataclass
class _ChunkOut:
    """Per-draw results of ``n`` draws, draws last: each row (a metric of a year, …) is
    contiguous over draws, as the compiled model writes it and as percentiles read it."""

    yearly: np.ndarray     # (G, 4, Y, n) per group: METRICS by year
    fund_due: np.ndarray   # (F, Y, n) CP due (demand + backlog)
    avail: np.ndarray      # (K, n) credits left before each call [EUR]
    committed_call: np.ndarray  # (K, n)
    nsel_call: np.ndarray  # (K, n)
    gtot: np.ndarray       # (G, T, n) per group totals (GTOT)
    fund_flags: np.ndarray  # (F, 3, n): exhausted, overcommitted, max net commitment
    sel_count: np.ndarray  # (P,) int counts
    ph1_count: np.ndarray
    attr_count: np.ndarray


GTOT = ("committed_eur", "paid_eur", "savings_realised_eur", "savings_declared_eur", "value_delivered",
        "unfunded_overrun_eur", "projects_selected", "room_last_call_eur")


def _run_chunk(plan: _Plan, D: _Draws, n: int) -> _ChunkOut:
    """The NumPy reference implementation of the model on ``n`` draws (arrays projects x draws)."""
    st = plan.settings
    P_, G, F, K = plan.n, len(plan.groups), len(plan.funds), len(plan.calls)
    Y = len(plan.years)
    # fate of each (project, draw)
    attr = D.fate < st.attrition_rate
    has_ph1 = np.isfinite(plan.ph1) & (plan.ph1 > 0)
    ph1 = (~attr) & (D.fate < st.attrition_rate + st.phase1_only_rate) & has_ph1[:, None]
    C = np.where(ph1, np.nan_to_num(plan.ph1)[:, None], plan.req[:, None])   # commitment [EUR]
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
    # events (project, time, kind) in time order; processed lazily before each call
    scope = plan.total / np.maximum(plan.req, 1.0)               # total cost per euro of grant
    ev_t = np.concatenate([plan.t_decommit, plan.t_adjust])
    ev_p = np.concatenate([np.arange(P_), np.arange(P_)])
    ev_kind = np.concatenate([np.zeros(P_, int), np.ones(P_, int)])
    ev_order = np.lexsort((ev_kind, ev_p, ev_t))
    ev_ptr = 0
    committed_p = np.zeros(P_, bool)  # project considered at least once (its call has passed)

    def process_events(until: float) -> None:
        nonlocal ev_ptr
        while ev_ptr < len(ev_order) and ev_t[ev_order[ev_ptr]] <= until:
            e = ev_order[ev_ptr]
            ev_ptr += 1
            p, kind = ev_p[e], ev_kind[e]
            if not committed_p[p]:
                continue
            f, g = plan.group_fund[plan.g[p]], plan.g[p]
            if kind == 0:   # attrition: de-commit
                m = sel[p] & attr[p]
                if not m.any():
                    continue
                amt = np.where(m, C[p], 0.0)
                net_f[f] -= amt
                net_g[g] -= amt
            else:           # planned end: the final cost is known
                live = sel[p] & ~attr[p]
                if not live.any():
                    continue
                r = D.cost[p]
                over = np.maximum(r - 1.0, 0.0) * C[p] * scope[p] * st.overrun_paid_by_fund_rate
                under = np.minimum(r - 1.0, 0.0) * C[p]
                if plan.fund_over[f]:
                    funded = over
                else:
                    room = np.maximum(np.minimum(plan.fund_env[f] - net_f[f], plan.group_amount[g] - net_g[g]), 0.0)
                    funded = np.minimum(over, room)
                delta = np.where(live, funded + under, 0.0)
                topup[p] = delta
                unfunded[p] = np.where(live, over - funded, 0.0)
                net_f[f] += delta
                net_g[g] += delta
                np.maximum(max_f[f], net_f[f], out=max_f[f])

    for k, call in enumerate(plan.calls):
        t = plan.call_time[k]
        process_events(t)
        f = plan.call_fund[k]
        yi = min(max(call.decision.year - plan.start, 0), Y - 1)
        cap = plan.fund_cumcap[f, yi]
        avail = np.maximum(cap - net_f[f], 0.0)
        avail_k[:, k] = avail
        budget = np.minimum(avail, plan.call_budget[k])
        if plan.call_share[k] < 1.0:  # the call's allotment: its share of the year's credits left
            budget = np.minimum(budget, avail * plan.call_share[k])
        pol = plan.policy
        if pol.max_commit_share_per_call_rate is not None:
            budget = np.minimum(budget, pol.max_commit_share_per_call_rate * plan.fund_env[f])
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
            committed_p[p] = True
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
    process_events(math.inf)

    # ---- amounts -------------------------------------------------------------------------------
    live = sel & ~attr
    A = np.where(live, C + topup, 0.0)                         # the fund's final payments [EUR]
    # ---- yearly AE and CP per group ---------------------------------------------------------------
    Yb = Y + plan.profiles.shape[1] + 1
    dcol = np.arange(n)[None, :]
    gY = (plan.g * Yb)[:, None]
    base = dcol * (G * Yb) + gY                                 # (P, n)

    def year_bin(t):
        return np.clip(np.floor(t - plan.start).astype(int), 0, Y - 1)

    def scatter_fixed(weights, bins_p):
        idx = base + bins_p[:, None]
        return np.bincount(idx.ravel(), weights=weights.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)[:, :, :Y]

    commit_amt = np.where(sel, C, 0.0)
    ae_comm = scatter_fixed(commit_amt, year_bin(plan.t_commit))
    ae_top = scatter_fixed(np.maximum(topup, 0.0), year_bin(plan.t_adjust))
    ae_dec = scatter_fixed(np.where(sel & attr, C, 0.0), year_bin(plan.t_decommit)) + \
        scatter_fixed(np.maximum(-topup, 0.0), year_bin(plan.t_adjust))
    ae_comm = ae_comm + ae_top
    # payments: the profile starts at the commitment date, pushed by the delay
    shift = np.maximum(D.delay - 1.0, 0.0) * (plan.dur / 12)[:, None]
    x = (plan.t_commit - plan.start)[:, None] + shift
    b = np.clip(np.floor(x).astype(np.int64), 0, Y)            # bins >= Y are folded into Y - 1
    idx = base + b
    del x, shift, b
    Lp = plan.profiles.shape[1]                                 # idx + Lp - 1 < n * G * Yb
    pay = np.zeros((n, G, Yb))
    if plan.common_profile:
        # one scatter of the amounts at their first tranche's year, then the profile as a filter
        S = np.bincount(idx.ravel(), weights=A.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)
        r = plan.profiles[0] if plan.n else np.zeros(Lp)
        for i in range(Lp):
            if r[i]:
                pay[:, :, i:] += r[i] * S[:, :, :Yb - i]
    else:
        for i in range(Lp):
            w = A * plan.profiles[:, i][:, None]
            pay += np.bincount((idx + i).ravel(), weights=w.ravel(), minlength=n * G * Yb).reshape(n, G, Yb)
    demand = pay[:, :, :Y].copy()
    demand[:, :, Y - 1] += pay[:, :, Y:].sum(axis=2)           # later payments in the last year
    # ---- CP appropriations per fund ---------------------------------------------------------------
    paid = demand.copy()
    fund_due = np.zeros((n, F, Y))
    for fi in range(F):
        gs = np.flatnonzero(plan.group_fund == fi)
        backlog = np.zeros((n, len(gs)))
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
                carry = np.minimum(avail_cp - pd_, plan.fund_carry[fi] * app)
            ratio = np.divide(pd_, due, out=np.ones(n), where=due > 0)
            paid[:, gs, yi] = due_g * ratio[:, None]
            backlog = due_g - paid[:, gs, yi]
    yearly = np.stack([ae_comm, ae_dec, demand, paid], axis=-1)  # (n, G, Y, 4)
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

    return _ChunkOut(yearly=last(yearly.transpose(0, 1, 3, 2)), fund_due=last(fund_due), avail=last(avail_k),
                     committed_call=last(comm_k), nsel_call=last(nsel_k), gtot=last(gtot), fund_flags=last(flags),
                     sel_count=sel.sum(axis=1), ph1_count=(sel & ph1).sum(axis=1),
                     attr_count=(sel & attr).sum(axis=1))


def _new_chunk_out(plan: _Plan, n: int) -> _ChunkOut:
    P_, G, F, K, Y = plan.n, len(plan.groups), len(plan.funds), len(plan.calls), len(plan.years)
    return _ChunkOut(yearly=np.zeros((G, 4, Y, n)), fund_due=np.zeros((F, Y, n)),
                     avail=np.zeros((K, n)), committed_call=np.zeros((K, n)), nsel_call=np.zeros((K, n)),
                     gtot=np.zeros((G, len(GTOT), n)), fund_flags=np.zeros((F, 3, n)),
                     sel_count=np.zeros(P_, np.int64), ph1_count=np.zeros(P_, np.int64),
                     attr_count=np.zeros(P_, np.int64))
