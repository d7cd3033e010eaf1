"""The compiled kernel (numba): the model of :func:`.numpy_model._run_chunk`, one draw at a time,
fused, block by block on the simulation's threads.  Its inputs are one named structure
(:class:`KernelInputs`, built once per plan by :func:`_kernel_inputs`), its random inputs and
outputs two more (:class:`KernelDraws`, :class:`KernelOutputs`)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .compiled import _nb
from .draws import BLOCK, _SeedSeq, _each, _lag_medians32, _raw_blocks
from .numpy_model import _ChunkOut, _new_chunk_out, cohort_index
from .plan import _Plan
from .settings import EXHAUSTED_SHARE


class KernelInputs(NamedTuple):
    """What the compiled kernel reads of a plan (:func:`_kernel_inputs`, built once per plan).

    One field per input, passed to numba as one argument (a named tuple of arrays and scalars):
    a new model parameter is one field here, its value in :func:`_kernel_inputs` and its use in
    :func:`_kernel`.  Arrays are indexed by project ``p``, call ``k``, fund ``f``, group ``g``
    (fund, sub-envelope), year ``y`` (from ``plan.start``) or parameter set ``s``."""

    rows: np.ndarray          # (sum of the calls' projects,) int64: projects a call may fund, in selection order
    ptr: np.ndarray           # (K+1,) int64: call k's projects are rows[ptr[k]:ptr[k+1]]
    call_x: np.ndarray        # (K,) decision time from the start of the horizon [years]
    call_f: np.ndarray        # (K,) int64: the call's fund
    call_budget: np.ndarray   # (K,) the call's budget [EUR] (inf: none)
    call_share: np.ndarray    # (K,) share of the credits left the call may commit (allotment rule; 1: all)
    call_cap: np.ndarray      # (K,) AE the fund may have committed by the call's date (workbench.credits) [EUR]
    call_env: np.ndarray      # (K,) the fund's envelope in force at the call's date [EUR]
    env_batch: np.ndarray     # (F, K+1) envelope in force when the events before call k are met [EUR]
    last: np.ndarray          # (F,) int64: the fund's last call (-1: none)
    g: np.ndarray             # (P,) int64: the project's group
    gfund: np.ndarray         # (G,) int64: the group's fund
    gamt: np.ndarray          # (G,) the group's amount [EUR]
    env: np.ndarray           # (F,) the fund's latest envelope [EUR]
    cp: np.ndarray            # (F, Y) CP available (voted - reserve +- movements) [EUR], NaN where none
    cp_frz: np.ndarray        # (F, Y) CP still frozen at the year's end (carried over with the unpaid) [EUR]
    cp_cap: np.ndarray        # (F, Y) CP carry-over cap (rate x voted) [EUR]
    over: np.ndarray          # (F,) bool: overcommitment allowed
    req: np.ndarray           # (P,) grant requested [EUR]
    ph1: np.ndarray           # (P,) first phase's grant [EUR] (0: none)
    has_ph1: np.ndarray       # (P,) bool: the project has a first phase
    scope: np.ndarray         # (P,) total cost / grant [ratio]
    dur_y: np.ndarray         # (P,) planned duration [years]
    value: np.ndarray         # (P,) the candidate's value (the selection's score)
    savings: np.ndarray       # (P,) declared yearly savings [EUR]
    xb: np.ndarray            # (P,) decision + gate delay from the start [years] (+ the drawn lag: commitment)
    dec_bin: np.ndarray       # (P,) int64: year bin of the decision
    decommit_y: float         # a project never started is de-committed this long after its commitment [years]
    prof: np.ndarray          # (P, L) the project's own payment profile (rows where ``own``)
    own: np.ndarray           # (P,) bool: the project pays on its own schedule
    gorder: np.ndarray        # (P,) int64: projects group by group
    gptr: np.ndarray          # (G+1,) int64: group g's projects are gorder[gptr[g]:gptr[g+1]]
    cell_of: np.ndarray       # (Y, Y) int64: cell of (commitment year, payment year) in ``cohort`` (-1: none)
    common: bool              # no project has its own schedule: all pay on their draw's set's profile
    stop: bool                # a call stops at the first project that does not fit (ranked list)
    set_attrition: np.ndarray  # (S,) probability a laureate never starts [fraction]
    set_p1_lim: np.ndarray    # (S,) attrition_rate + phase1_only_rate [fraction]
    set_prof: np.ndarray      # (S, L) the set's payment profile [fractions]
    set_lag32: np.ndarray     # (S,) float32: the set's lag without uncertainty (its median, capped) [months]
    overrun_paid_by_fund_rate: float  # share of an overrun the fund pays [fraction]
    savings_mean_rate: float  # mean savings realisation factor (without uncertainty) [fraction]
    max_commit_share_per_call_rate: float  # policy's cap per call [fraction of the envelope] (NaN: none)
    reserve_last_call_eur: float  # policy's reserve kept for the fund's last call [EUR]
    exhausted_share: float    # a fund is exhausted below this share of its envelope [fraction]


class KernelDraws(NamedTuple):
    """The kernel's random inputs per block, ``(blocks, projects, BLOCK)`` float32 each."""

    cost_r: np.ndarray        # cost ratio (final / initial)
    delay_r: np.ndarray       # duration ratio
    fate_u: np.ndarray        # uniform deciding attrition / first phase only
    sav_f: np.ndarray         # savings realisation factor
    lag_m: np.ndarray         # decision-to-commitment lag [months]


class KernelOutputs(NamedTuple):
    """Where the kernel writes (the arrays of a :class:`_ChunkOut`, draws last, and the counts)."""

    yearly: np.ndarray        # (G, len(METRICS), Y, n) METRICS by group and year [EUR]
    fund_due: np.ndarray      # (F, Y, n) CP demand by fund [EUR]
    avail: np.ndarray         # (K, n) credits left before each call [EUR]
    committed_call: np.ndarray  # (K, n) committed by each call [EUR]
    nsel_call: np.ndarray     # (K, n) projects selected by each call
    gtot: np.ndarray          # (G, len(GTOT), n) totals by group
    fund_flags: np.ndarray    # (F, 3, n) exhausted, overcommitted, max net commitments
    sel_count: np.ndarray     # (P,) int64: draws selecting the project
    ph1_count: np.ndarray     # (P,) int64: of which first phase only
    attr_count: np.ndarray    # (P,) int64: of which never started
    cohort: np.ndarray        # (F, CELLS, n) float32, zeros: CP paid by (commitment year, payment year) [EUR]


def _kernel_inputs(plan: _Plan, sets=None) -> KernelInputs:
    """The plan as the compiled kernel reads it (built once, cached on the plan); ``sets``: other
    parameter sets than the plan's (the planned schedule runs on the scenario's own values)."""
    if sets is None and plan._kin is not None:
        return plan._kin
    if sets is not None:
        k = _kernel_inputs(plan)
        return k._replace(**_set_fields(sets))
    # the projects each call may fund, in selection order (the policy's exclusions left out)
    rows = [np.asarray([p for p in r if plan.ok_policy[p]], np.int64) for r in plan.call_rows]
    ptr = np.zeros(len(rows) + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    last = np.full(len(plan.funds), -1, np.int64)
    for f, k in plan.last_call_of_fund.items():
        last[f] = k
    st = plan.settings
    pol = plan.policy
    kin = KernelInputs(
        rows=np.concatenate(rows) if rows else np.zeros(0, np.int64), ptr=ptr,
        call_x=(plan.call_time - plan.start).astype(np.float64), call_f=plan.call_fund.astype(np.int64),
        call_budget=np.array(plan.call_budget, np.float64), call_share=np.asarray(plan.call_share, np.float64),
        call_cap=plan.call_cap.astype(np.float64), call_env=plan.call_env.astype(np.float64),
        env_batch=np.ascontiguousarray(plan.env_batch, np.float64), last=last,
        g=plan.g.astype(np.int64), gfund=plan.group_fund.astype(np.int64), gamt=plan.group_amount.astype(np.float64),
        env=plan.fund_env.astype(np.float64), cp=plan.fund_cp.astype(np.float64),
        cp_frz=plan.fund_cp_frozen.astype(np.float64), cp_cap=plan.fund_cp_cap.astype(np.float64),
        over=plan.fund_over.astype(np.bool_),
        req=plan.req.astype(np.float64), ph1=np.nan_to_num(plan.ph1).astype(np.float64),
        has_ph1=(np.isfinite(plan.ph1) & (plan.ph1 > 0)),
        scope=(plan.total / np.maximum(plan.req, 1.0)).astype(np.float64),
        dur_y=(plan.dur / 12).astype(np.float64), value=plan.value.astype(np.float64),
        savings=plan.savings.astype(np.float64),
        xb=plan.x_base.astype(np.float64), dec_bin=plan.dec_bin.astype(np.int64),
        decommit_y=float(plan.decommit_y),
        prof=np.ascontiguousarray(plan.profiles, np.float64), own=plan.own_profile.astype(np.bool_),
        gorder=np.argsort(plan.g, kind="stable").astype(np.int64),
        gptr=np.concatenate([[0], np.cumsum(np.bincount(plan.g, minlength=len(plan.groups)))]).astype(np.int64),
        cell_of=cohort_index(len(plan.years)),
        common=bool(plan.common_profile), stop=bool(plan.stop_at_misfit),
        overrun_paid_by_fund_rate=float(st.overrun_paid_by_fund_rate), savings_mean_rate=float(st.savings.mean_rate),
        max_commit_share_per_call_rate=(np.nan if pol.max_commit_share_per_call_rate is None
                                        else float(pol.max_commit_share_per_call_rate)),
        reserve_last_call_eur=float(pol.reserve_last_call_eur), exhausted_share=float(EXHAUSTED_SHARE),
        **_set_fields(plan.sets),
    )
    plan._kin = kin
    return kin


def _set_fields(sets) -> dict:
    """The kernel's fields of the parameter sets (see :class:`~.settings.ParameterSets`)."""
    return dict(set_attrition=np.asarray(sets.attrition_rate, np.float64),
                set_p1_lim=np.asarray(sets.attrition_rate + sets.phase1_only_rate, np.float64),
                set_prof=np.ascontiguousarray(sets.profiles, np.float64), set_lag32=_lag_medians32(sets))


def _kernel(n, off, g0, enabled, draws, kin, out, work):
    """The model of :func:`_run_chunk` on ``n`` draws, block by block (compiled by numba).

    The outputs are laid out draws last (as :class:`_ChunkOut`) and written from draw ``off`` on:
    each step writes a block's draws contiguously.  Output draw ``i`` is draw ``g0 + i`` of the
    run (its parameter set: ``(g0 + i) mod S``).

    The inputs come per block, projects x draws (``(blocks, projects, BLOCK)``: cost ratio,
    duration ratio, fate uniform, savings factor, lag; without uncertainty one block of 1, 1, 2,
    the mean factor, and each set's median lag).  Each step of the model (a project's fate, a
    project considered by a call, its amounts) is applied to all the block's draws in an inner
    loop over draws, written without branches so that it runs on SIMD lanes: every operand is
    loaded first (a select whose operand is loaded in one of its branches compiles to masked
    loads and stores, which stall), amounts are kept or dropped by a 0/1 factor (adding the
    resulting +-0 leaves a sum >= +0 as it was) and counts add 0/1 integers.  The events of the
    selected projects (a de-commitment, a cost adjustment), whose dates depend on the drawn lag,
    are met draw by draw: each call appends its laureates' events to its draw's pending list with
    the call before which they fall (the first call after theirs whose decision is at or after the
    event), and before each call a draw meets its due events in time order, ties by project.  Each
    draw is computed alone, with the NumPy reference's arithmetic, so the results are the same to
    the last bit whatever the block split.  ``work`` holds the working arrays
    (:func:`_kernel_work`), whose every element read is first set.  ``rows`` lists, call by call
    (``ptr``), the projects a call may fund in selection order; ``gorder``/``gptr`` list the
    projects group by group.  With ``common`` every project pays on its draw's set's profile:
    amounts are first added at the year their first tranche is due, then spread.  The payments are
    also followed by fund and commitment year (the cohort: the restes à payer), the same way: the
    amounts added at (cohort, first tranche's year) are spread once per block over the cells used,
    and each cohort is paid, year by year, the fund's share of what is due (``cohort``).
    """
    cost_r, delay_r, fate_u, sav_f, lag_m = draws
    rows, ptr, call_x, call_f, call_budget = kin.rows, kin.ptr, kin.call_x, kin.call_f, kin.call_budget
    call_share, call_cap, call_env, env_batch, last = kin.call_share, kin.call_cap, kin.call_env, kin.env_batch, kin.last
    g, gfund, gamt, env, cp, cp_frz, cp_cap, over = (kin.g, kin.gfund, kin.gamt, kin.env, kin.cp, kin.cp_frz,
                                                     kin.cp_cap, kin.over)
    req, ph1c, has_ph1, scope, dur_y, value, savings = (kin.req, kin.ph1, kin.has_ph1, kin.scope, kin.dur_y,
                                                        kin.value, kin.savings)
    xb, dec_bin, dm_y, prof, own, gorder, gptr = kin.xb, kin.dec_bin, kin.decommit_y, kin.prof, kin.own, kin.gorder, kin.gptr
    s_att, s_p1, s_prof, s_lag = kin.set_attrition, kin.set_p1_lim, kin.set_prof, kin.set_lag32
    common, stop = kin.common, kin.stop
    yearly, fund_due, avail_k, comm_k, nsel_k = out.yearly, out.fund_due, out.avail, out.committed_call, out.nsel_call
    gtot, flags, sel_count, ph1_count, attr_count = out.gtot, out.fund_flags, out.sel_count, out.ph1_count, out.attr_count
    coh = out.cohort
    cell_of = kin.cell_of
    wb2, wf2, wf3, wf1, wb1, wev, wc = work
    P_ = req.shape[0]
    G = gamt.shape[0]
    F = env.shape[0]
    K = call_x.shape[0]
    Y = yearly.shape[2]
    L = prof.shape[1]
    S = s_att.shape[0]
    B = cost_r.shape[2]
    o_rate = kin.overrun_paid_by_fund_rate
    sav_mean = kin.savings_mean_rate
    share_cap, reserve, exh = kin.max_commit_share_per_call_rate, kin.reserve_last_call_eur, kin.exhausted_share
    # working arrays (:func:`_kernel_work`), reused call after call: fresh ones cost page faults
    sel, attr, isph1 = wb2
    C, topup, unf, x0w, net_f, net_g, max_f, room_last, first, ae0, ae1, ae2, backlog = wf2
    dem = wf3
    rem, spent, cnt, av, s0, s1, s2, s3, s4, s5, s6, bsel, Aj, cr, due, paid, aj, pj, csel = wf1
    # payments by commitment year: amounts at (fund, cohort x Y + first tranche's year), the demand by
    # (fund, cohort, year), the cells used and the cohorts with any amount, each cohort's backlog
    firstc, demc, usedc, crow, blc = wc
    stopped = wb1
    pend_t, pend_p, pend_n, head, nev, bt, bp, sj, wprof = wev
    Ylast = np.float64(Y - 1)
    nblk = (n + B - 1) // B
    for blk in range(nblk):
        d0 = blk * B
        nd = min(B, n - d0)
        o = off + d0  # the block's first draw in the outputs
        bi0 = blk if enabled else 0
        # each draw's parameter set
        for j in range(nd):
            sv = (g0 + o + j) % S
            sj[j] = sv
            aj[j] = s_att[sv]
            pj[j] = s_p1[sv]
            nev[j] = 0
            for k in range(K + 1):
                head[j, k] = -1
        for i in range(L):  # each draw's profile, contiguous over draws
            for j in range(nd):
                wprof[i, j] = s_prof[sj[j], i]
        # fates, commitments and commitment times
        for p in range(P_):
            hp = has_ph1[p]
            cq = req[p]
            c1 = ph1c[p]
            fu = fate_u[bi0, p]
            xbp = xb[p]
            for j in range(nd):
                u = np.float64(fu[j])
                a = u < aj[j]
                h = (u >= aj[j]) & (u < pj[j]) & hp
                attr[p, j] = a
                isph1[p, j] = h
                C[p, j] = c1 if h else cq
                sel[p, j] = False
                topup[p, j] = 0.0
                unf[p, j] = 0.0
            if enabled:
                lg = lag_m[bi0, p]
                for j in range(nd):
                    x0w[p, j] = xbp + np.float64(lg[j]) / 12.0
            else:
                for j in range(nd):
                    x0w[p, j] = xbp + np.float64(s_lag[sj[j]]) / 12.0
        for f in range(F):
            for j in range(nd):
                net_f[f, j] = 0.0
                max_f[f, j] = 0.0
        for gg in range(G):
            for j in range(nd):
                net_g[gg, j] = 0.0
                room_last[gg, j] = 0.0
        for k in range(K + 1):
            # each draw meets its events due before call k (k == K: the rest), in time order
            # (each draw keeps one list of pending events per call: head[j, k], then pend_n)
            for j in range(nd):
                nb = 0
                q = head[j, k]
                while q >= 0:
                    bt[nb] = pend_t[j, q]
                    bp[nb] = pend_p[j, q]
                    nb += 1
                    q = pend_n[j, q]
                # in time order, ties by project (insertion sort: batches are short and come
                # nearly sorted); after the last call, when the fund pays no overrun, an event's
                # outcome does not depend on the others' (its top-up is its underrun, and the net
                # commitments are read no more): no need to sort them
                for a1 in range(1, nb if (k < K or o_rate != 0.0) else 0):
                    tt = bt[a1]
                    tq = bp[a1]
                    c2 = a1 - 1
                    while c2 >= 0 and (bt[c2] > tt or (bt[c2] == tt and bp[c2] > tq)):
                        bt[c2 + 1] = bt[c2]
                        bp[c2 + 1] = bp[c2]
                        c2 -= 1
                    bt[c2 + 1] = tt
                    bp[c2 + 1] = tq
                for a1 in range(nb):
                    p = bp[a1]
                    gg = g[p]
                    f = gfund[gg]
                    c = C[p, j]
                    if attr[p, j]:  # never started: de-committed
                        net_f[f, j] = net_f[f, j] - c
                        net_g[gg, j] = net_g[gg, j] - c
                        continue
                    # the final cost is known at the planned end
                    r = np.float64(cost_r[bi0, p, j])
                    nfj = net_f[f, j]
                    ngj = net_g[gg, j]
                    ov = max(r - 1.0, 0.0) * c * scope[p] * o_rate
                    und = min(r - 1.0, 0.0) * c
                    room = max(min(env_batch[f, k] - nfj, gamt[gg] - ngj), 0.0)
                    fu_ = ov if over[f] else min(ov, room)
                    delta = fu_ + und
                    topup[p, j] = delta
                    unf[p, j] = ov - fu_
                    x = nfj + delta
                    net_f[f, j] = x
                    net_g[gg, j] = ngj + delta
                    max_f[f, j] = max(max_f[f, j], x)
            if k == K:
                break
            f = call_f[k]
            cap = call_cap[k]
            cb = call_budget[k]
            csh = call_share[k]
            lastk = last[f] == k
            ef = call_env[k]
            nf = net_f[f]
            for j in range(nd):
                a_ = cap - nf[j]
                if a_ < 0.0:
                    a_ = 0.0
                avail_k[k, o + j] = a_
                budget = min(a_, cb)
                if csh < 1.0:  # the call's allotment: its share of the year's credits left
                    budget = min(budget, a_ * csh)
                if share_cap == share_cap:  # not nan
                    budget = min(budget, share_cap * ef)
                if reserve > 0 and not lastk:
                    budget = min(budget, max(a_ - reserve, 0.0))
                av[j] = a_
                rem[j] = budget
                spent[j] = 0.0
                cnt[j] = 0.0
                stopped[j] = False
            if lastk:
                for gg in range(G):
                    if gfund[gg] == f:
                        for j in range(nd):
                            room_last[gg, j] = min(gamt[gg] - net_g[gg, j], av[j])
            for ii in range(ptr[k], ptr[k + 1]):
                p = rows[ii]
                gg = g[p]
                ga = gamt[gg]
                ng = net_g[gg]
                Cp = C[p]
                sp = sel[p]
                # every operand is loaded before the selects: a select between a new value and
                # a load made in one of its branches becomes a masked load or store, which
                # stalls the processor
                for j in range(nd):
                    c = Cp[j]
                    remj = rem[j]
                    ngj = ng[j]
                    spentj = spent[j]
                    cntj = cnt[j]
                    fit = (c <= remj + 1e-6) & (c <= ga - ngj + 1e-6)
                    if stop:
                        st_ = stopped[j] | (not fit)
                        stopped[j] = st_
                        fit = fit & (not st_)
                    sp[j] = sp[j] | fit
                    rem[j] = (remj - c) if fit else remj
                    spent[j] = (spentj + c) if fit else spentj
                    cnt[j] = (cntj + 1.0) if fit else cntj
                    ng[j] = (ngj + c) if fit else ngj
            mf = max_f[f]
            for j in range(nd):
                x = nf[j] + spent[j]
                nf[j] = x
                mf[j] = max(mf[j], x)
                comm_k[k, o + j] = spent[j]
                nsel_k[k, o + j] = cnt[j]
            # the laureates' events, due before the first later call at or after them
            for ii in range(ptr[k], ptr[k + 1]):
                p = rows[ii]
                sp = sel[p]
                ap = attr[p]
                dyp = dur_y[p]
                for j in range(nd):
                    if sp[j]:
                        t = x0w[p, j] + (dm_y if ap[j] else dyp)
                        b = k + 1
                        while b < K and call_x[b] < t:
                            b += 1
                        q = nev[j]
                        pend_t[j, q] = t
                        pend_p[j, q] = p
                        pend_n[j, q] = head[j, b]
                        head[j, b] = q
                        nev[j] = q + 1
        # amounts, years, group by group
        for gg in range(G):
            gf = gfund[gg]
            for j in range(nd):
                s0[j] = 0.0
                s1[j] = 0.0
                s2[j] = 0.0
                s3[j] = 0.0
                s4[j] = 0.0
                s5[j] = 0.0
                s6[j] = 0.0
            for y in range(Y):
                for j in range(nd):
                    first[y, j] = 0.0
                    dem[gg, y, j] = 0.0
            for y in range(Y):
                for j in range(nd):
                    ae0[y, j] = 0.0
                    ae1[y, j] = 0.0
                    ae2[y, j] = 0.0
            for ii in range(gptr[gg], gptr[gg + 1]):
                p = gorder[ii]
                vp = value[p]
                vph = value[p] * (ph1c[p] / max(req[p], 1.0))
                svp = savings[p]
                dyp = dur_y[p]
                sp = sel[p]
                ap = attr[p]
                hp = isph1[p]
                Cp = C[p]
                tpp = topup[p]
                up = unf[p]
                svf = sav_f[bi0, p]
                drp = delay_r[bi0, p]
                x0p = x0w[p]
                a2d = ae2[dec_bin[p]]
                # one short loop per output, so that each can go on SIMD lanes; amounts are
                # kept or dropped by a 0/1 factor (x * 0 is +-0 for a finite x, and adding +-0 to
                # these sums, which are >= +0, leaves them as they are, to the bit)
                ns = 0
                na = 0
                nh = 0
                # (the counts add 0/1 integers: a count of a condition stays scalar)
                for j in range(nd):
                    sj_ = np.int64(sp[j])
                    ns += sj_
                    m = np.float64(sj_)
                    s0[j] += Cp[j] * m
                    s6[j] += m
                for j in range(nd):
                    a2d[j] += Cp[j] * (1.0 if sp[j] else 0.0)
                # the legal commitment, de-commitment and adjustment years depend on the drawn lag:
                # scattered draw by draw, for the selected projects only (a project is selected in
                # most draws or in few, so the branch is predictable; the others would add 0)
                for j in range(nd):
                    if sp[j]:
                        xj = x0p[j]
                        c = Cp[j]
                        ae0[int(min(max(np.floor(xj), 0.0), Ylast)), j] += c
                        if ap[j]:
                            ae1[int(min(max(np.floor(xj + dm_y), 0.0), Ylast)), j] += c
                        else:
                            tp = tpp[j]
                            ab_ = int(min(max(np.floor(xj + dyp), 0.0), Ylast))
                            if tp > 0:
                                ae0[ab_, j] += tp
                            else:
                                ae1[ab_, j] += -tp
                for j in range(nd):
                    na += np.int64(sp[j]) & np.int64(ap[j])
                for j in range(nd):
                    lf = 1.0 if (sp[j] & (not ap[j])) else 0.0
                    s1[j] += (Cp[j] + tpp[j]) * lf
                    s5[j] += up[j] * lf
                for j in range(nd):
                    live = np.int64(sp[j]) & (1 - np.int64(ap[j]))
                    hj = np.int64(hp[j])
                    lh = live & hj
                    nh += lh
                    s4[j] += vph * np.float64(lh) + vp * np.float64(live & (1 - hj))
                for j in range(nd):
                    ff = 1.0 if (sp[j] & (not ap[j]) & (not hp[j])) else 0.0
                    s2[j] += svp * (np.float64(svf[j]) if enabled else sav_mean) * ff
                    s3[j] += svp * ff
                # the year of the first tranche, clipped to the horizon (in floating point, so
                # that the loop runs on SIMD lanes); a project not live adds 0 in year 0, which
                # leaves every sum as it is (they are >= +0)
                for j in range(nd):
                    live = sp[j] & (not ap[j])
                    sh = max(np.float64(drp[j]) - 1.0, 0.0) * dyp
                    b = min(max(np.floor(x0p[j] + sh), 0.0), Ylast)
                    lf = 1.0 if live else 0.0
                    bsel[j] = b * lf
                    Aj[j] = (Cp[j] + tpp[j]) * lf
                    # the commitment year (the cohort); 0 where not live (adds 0 there)
                    csel[j] = min(max(np.floor(x0p[j]), 0.0), Ylast) * lf
                fc = firstc[gf]
                uc = usedc[gf]
                if common:
                    for j in range(nd):
                        first[int(bsel[j]), j] += Aj[j]
                    # by cohort, draw by draw for the live draws only (a project is selected in most
                    # draws or in few: the branch is predictable)
                    if ns > 0:
                        for j in range(nd):
                            if sp[j]:   # (a laureate that never starts adds 0 at its draw's year 0)
                                k_ = int(csel[j]) * Y + int(bsel[j])
                                fc[k_, j] += Aj[j]
                                uc[k_] = True
                else:
                    ownp = own[p]
                    dcf = demc[gf]
                    cr_ = crow[gf]
                    for j in range(nd):
                        b = int(bsel[j])
                        cj = int(csel[j])
                        cr_[cj] = True
                        for i in range(L):
                            bi = b + i
                            if bi > Y - 1:
                                bi = Y - 1
                            w = prof[p, i] if ownp else wprof[i, j]
                            dem[gg, bi, j] += Aj[j] * w
                            dcf[cj, bi, j] += Aj[j] * w
                sel_count[p] += ns
                attr_count[p] += na
                ph1_count[p] += nh
            if common:
                for b in range(Y):
                    for i in range(L):
                        bi = b + i
                        if bi > Y - 1:
                            bi = Y - 1
                        for j in range(nd):
                            dem[gg, bi, j] += first[b, j] * wprof[i, j]
            gt = gtot[gg]
            for t, s_ in enumerate((s0, s1, s2, s3, s4, s5, s6, room_last[gg])):
                for j in range(nd):
                    gt[t, o + j] = s_[j]
            for y in range(Y):
                y0 = yearly[gg, 0, y]
                y1 = yearly[gg, 1, y]
                y2 = yearly[gg, 2, y]
                y4 = yearly[gg, 4, y]
                a0 = ae0[y]
                a1 = ae1[y]
                a2 = ae2[y]
                dm = dem[gg, y]
                for j in range(nd):
                    y0[o + j] = a0[j]
                    y1[o + j] = a1[j]
                    y2[o + j] = dm[j]
                    y4[o + j] = a2[j]
        # the payments by cohort: each used (cohort, first year) cell spread by the draw's profile
        if common:
            for f in range(F):
                fc = firstc[f]
                dcf = demc[f]
                uc = usedc[f]
                for cy in range(Y):
                    for by in range(cy, Y):
                        if not uc[cy * Y + by]:
                            continue
                        crow[f, cy] = True
                        fcb = fc[cy * Y + by]
                        for i in range(L):
                            bi = by + i
                            if bi > Y - 1:
                                bi = Y - 1
                            dci = dcf[cy, bi]
                            for j in range(nd):
                                dci[j] += fcb[j] * wprof[i, j]
                        for j in range(nd):
                            fcb[j] = 0.0
                        uc[cy * Y + by] = False
        # CP available per fund, year by year (each draw sees the operations of the reference)
        for f in range(F):
            for j in range(nd):
                cr[j] = 0.0
            for gg in range(G):
                for j in range(nd):
                    backlog[gg, j] = 0.0
            for cy in range(Y):
                for j in range(nd):
                    blc[cy, j] = 0.0
            for y in range(Y):
                for j in range(nd):
                    due[j] = 0.0
                for gg in range(G):
                    if gfund[gg] == f:
                        dm = dem[gg, y]
                        bl = backlog[gg]
                        for j in range(nd):
                            due[j] += dm[j] + bl[j]
                fd = fund_due[f, y]
                for j in range(nd):
                    fd[o + j] = due[j]
                app = cp[f, y]
                if app != app or y == Y - 1:
                    for j in range(nd):
                        paid[j] = due[j]
                        cr[j] = 0.0
                else:
                    cmax = cp_cap[f, y]
                    frz = cp_frz[f, y]
                    for j in range(nd):
                        avc = app + cr[j]
                        pd_ = min(due[j], avc)
                        paid[j] = pd_
                        cr[j] = min(avc - pd_ + frz, cmax)
                for j in range(nd):
                    paid[j] = paid[j] / due[j] if due[j] > 0 else 1.0  # now the ratio paid / due
                for gg in range(G):
                    if gfund[gg] == f:
                        dm = dem[gg, y]
                        bl = backlog[gg]
                        y3 = yearly[gg, 3, y]
                        for j in range(nd):
                            dg = dm[j] + bl[j]
                            pg = dg * paid[j]
                            y3[o + j] = pg
                            bl[j] = dg - pg
                # each cohort committed by then is paid the fund's share of what is due
                for cy in range(y + 1):
                    if crow[f, cy]:   # (a cohort without any amount is left at 0: the outputs start at 0)
                        ch = coh[f, cell_of[cy, y]]
                        dm = demc[f, cy, y]
                        bl = blc[cy]
                        for j in range(nd):
                            dg = dm[j] + bl[j]
                            pg = dg * paid[j]
                            ch[o + j] = pg
                            bl[j] = dg - pg
            # the cohorts' demand read: set back to 0 for the next block
            for cy in range(Y):
                if crow[f, cy]:
                    for yy in range(Y):
                        for j in range(nd):
                            demc[f, cy, yy, j] = 0.0
                    crow[f, cy] = False
            fl = flags[f]
            if last[f] >= 0:
                al = avail_k[last[f]]
                lim = exh * env[f]
                for j in range(nd):
                    fl[0, o + j] = 1.0 if al[o + j] < lim else 0.0
            lim = env[f] + 0.5
            mf = max_f[f]
            for j in range(nd):
                fl[1, o + j] = 1.0 if mf[j] > lim else 0.0
                fl[2, o + j] = mf[j]


if _nb is not None:
    _kernel = _nb.njit(cache=True, nogil=True)(_kernel)


def _kernel_work(kin: KernelInputs) -> tuple:
    """The compiled kernel's working arrays for one block of draws (one set per thread, reused)."""
    P_, F, G, Y, B = len(kin.req), len(kin.env), len(kin.gamt), kin.cp.shape[1], BLOCK
    return (tuple(np.zeros((P_, B), np.bool_) for _ in range(3)),
            tuple(np.zeros(shape) for shape in [(P_, B)] * 4 + [(F, B), (G, B), (F, B), (G, B)] + [(Y, B)] * 4
                  + [(G, B)]),
            np.zeros((G, Y, B)), tuple(np.zeros(B) for _ in range(19)), np.zeros(B, np.bool_),
            (np.zeros((B, max(P_, 1))), np.zeros((B, max(P_, 1)), np.int64), np.zeros((B, max(P_, 1)), np.int64),
             np.full((B, len(kin.call_x) + 1), -1, np.int64), np.zeros(B, np.int64), np.zeros(max(P_, 1)),
             np.zeros(max(P_, 1), np.int64), np.zeros(B, np.int64), np.zeros((kin.prof.shape[1], B))),
            # cohorts: first tranches and demand by (fund, cohort, year), cells used, cohorts used,
            # backlog by cohort (kept at 0 between blocks: the kernel sets back what it used)
            (np.zeros((F, Y * Y, B)), np.zeros((F, Y, Y, B)), np.zeros((F, Y * Y), np.bool_),
             np.zeros((F, Y), np.bool_),
             np.zeros((Y, B))))


def _kernel_on(kin: KernelInputs, inputs: tuple | None, out: _ChunkOut, d0: int, d1: int, counts: np.ndarray,
               work: tuple | None = None, g0: int = 0) -> None:
    """The compiled kernel on draws ``d0 .. d1-1`` of ``out``; ``inputs`` hold those draws from
    their first block on (None: no uncertainty); ``counts`` (3, projects) accumulates; ``work``:
    the working arrays of :func:`_kernel_work` (default: new ones); ``g0``: the run's index of
    ``out``'s first draw (the draws' parameter sets)."""
    assert out.cohort is not None, "the chunks the kernel fills hold the cohorts (_new_chunk_out, simulate)"
    enabled = inputs is not None
    if inputs is None:
        shape = (1, len(kin.req), BLOCK)
        inputs = (np.ones(shape, np.float32), np.ones(shape, np.float32), np.full(shape, 2.0, np.float32),
                  np.zeros(shape, np.float32),  # the savings factor is then the mean (kin.savings_mean_rate)
                  np.zeros(shape, np.float32))  # the lag is then each set's median (kin.set_lag32)
    _kernel(d1 - d0, d0, g0, enabled, KernelDraws(*inputs), kin,
            KernelOutputs(out.yearly, out.fund_due, out.avail, out.committed_call, out.nsel_call, out.gtot,
                          out.fund_flags, counts[0], counts[1], counts[2], out.cohort),
            _kernel_work(kin) if work is None else work)


def _sum_counts(out: _ChunkOut, counts: np.ndarray) -> _ChunkOut:
    out.sel_count[:] = counts[:, 0].sum(axis=0)
    out.ph1_count[:] = counts[:, 1].sum(axis=0)
    out.attr_count[:] = counts[:, 2].sum(axis=0)
    return out


def _run_chunk_fast(plan: _Plan, raw: tuple | None, n: int, pool=None, workers: int = 1,
                    into: _ChunkOut | None = None, g0: int = 0, sets=None) -> _ChunkOut:
    """The compiled kernel on ``n`` draws (``raw`` from :func:`_raw_blocks`, None = no uncertainty).

    With ``workers`` > 1 the draws are split (at block boundaries) between threads of ``pool``;
    each draw is computed alone, so the split never changes a result.  ``into``: the arrays to
    write (default: new ones); ``g0``: the run's index of the first draw (its parameter set);
    ``sets``: other parameter sets than the plan's.
    """
    kin = _kernel_inputs(plan, sets)
    out = _new_chunk_out(plan, n) if into is None else into
    enabled = raw is not None
    nb = raw[0].shape[0] if raw is not None else 0
    parts = max(1, min(workers, nb if enabled else n))
    if enabled:
        cuts = [min(round(i * nb / parts) * BLOCK, n) for i in range(parts + 1)]
    else:
        cuts = [round(i * n / parts) for i in range(parts + 1)]
    counts = np.zeros((parts, 3, plan.n), np.int64)

    def run(i: int) -> None:
        d0, d1 = cuts[i], cuts[i + 1]
        if d1 > d0:
            _kernel_on(kin, tuple(a[d0 // BLOCK:] for a in raw) if raw is not None else None, out, d0, d1,
                       counts[i], g0=g0)

    _each(pool, run, parts)
    return _sum_counts(out, counts)


#: Blocks drawn and simulated together by a worker thread of :func:`_simulate_blocks_fast`.
FUSED_BLOCKS = 2


def _simulate_blocks_fast(plan: _Plan, seed_seq: _SeedSeq, b0: int, b1: int, n: int, pool=None,
                          workers: int = 1, into: _ChunkOut | None = None, tick=None) -> _ChunkOut:
    """Draws ``b0 * BLOCK ..`` (``n`` of them): each worker thread takes the next blocks
    (:data:`FUSED_BLOCKS` at a time), draws them (:func:`_raw_blocks`) and runs the compiled
    kernel on them at once, while they are still in the processor's cache.  Every block has its
    own seed and every draw is computed alone, so which thread takes which block never changes a
    result.  ``into``: the arrays to write (default: new ones); ``tick(k)`` is called (under a
    lock) as each worker finishes ``k`` draws (a progress bar)."""
    import threading

    kin = _kernel_inputs(plan)
    out = _new_chunk_out(plan, n) if into is None else into
    nb = b1 - b0
    parts = max(1, min(workers, -(-nb // FUSED_BLOCKS)))
    tasks = iter(range(0, nb, FUSED_BLOCKS))
    lock = threading.Lock()
    counts = np.zeros((parts, 3, plan.n), np.int64)

    def run(i: int) -> None:
        buf = tuple(np.empty((FUSED_BLOCKS, plan.n, BLOCK), np.float32) for _ in range(5))
        work = _kernel_work(kin)
        while True:
            with lock:
                j0 = next(tasks, None)
            if j0 is None:
                return
            j1 = min(j0 + FUSED_BLOCKS, nb)
            raw = _raw_blocks(plan, seed_seq, b0 + j0, b0 + j1, out=buf)
            _kernel_on(kin, raw, out, j0 * BLOCK, min(j1 * BLOCK, n), counts[i], work, g0=b0 * BLOCK)
            if tick is not None:
                with lock:
                    tick(min(j1 * BLOCK, n) - j0 * BLOCK)

    _each(pool, run, parts)
    return _sum_counts(out, counts)
