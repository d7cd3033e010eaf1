"""The compiled kernel (numba): the model of :func:`.numpy_model._run_chunk`, one draw at a time,
fused, block by block on the simulation's threads.  Its inputs are one named structure
(:class:`KernelInputs`, built once per plan by :func:`_kernel_inputs`), its random inputs and
outputs two more (:class:`KernelDraws`, :class:`KernelOutputs`)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .compiled import _nb
from .draws import BLOCK, _SeedSeq, _each, _raw_blocks
from .numpy_model import _ChunkOut, _new_chunk_out
from .plan import _Plan
from .settings import EXHAUSTED_SHARE


class KernelInputs(NamedTuple):
    """What the compiled kernel reads of a plan (:func:`_kernel_inputs`, built once per plan).

    One field per input, passed to numba as one argument (a named tuple of arrays and scalars):
    a new model parameter is one field here, its value in :func:`_kernel_inputs` and its use in
    :func:`_kernel`.  Arrays are indexed by project ``p``, call ``k``, fund ``f``, group ``g``
    (fund, sub-envelope), year ``y`` (from ``plan.start``) or event (time order)."""

    rows: np.ndarray          # (sum of the calls' projects,) int64: projects a call may fund, in selection order
    ptr: np.ndarray           # (K+1,) int64: call k's projects are rows[ptr[k]:ptr[k+1]]
    call_t: np.ndarray        # (K,) decision time [years]
    call_f: np.ndarray        # (K,) int64: the call's fund
    call_budget: np.ndarray   # (K,) the call's budget [EUR] (inf: none)
    call_share: np.ndarray    # (K,) share of the credits left the call may commit (allotment rule; 1: all)
    call_y: np.ndarray        # (K,) int64: the decision's year bin
    last: np.ndarray          # (F,) int64: the fund's last call (-1: none)
    eptr: np.ndarray          # (K+1,) int64: events before call k (K: all)
    ev_p: np.ndarray          # (events,) int64: the event's project
    ev_kind: np.ndarray       # (events,) int64: 0 de-commitment of a project never started, 1 cost adjustment
    g: np.ndarray             # (P,) int64: the project's group
    gfund: np.ndarray         # (G,) int64: the group's fund
    gamt: np.ndarray          # (G,) the group's amount [EUR]
    env: np.ndarray           # (F,) the fund's envelope [EUR]
    cumcap: np.ndarray        # (F, Y) cumulative AE cap [EUR]
    cp: np.ndarray            # (F, Y) CP appropriation [EUR], NaN where none
    carry: np.ndarray         # (F,) CP carry-over cap [fraction of the year's CP]
    over: np.ndarray          # (F,) bool: overcommitment allowed
    req: np.ndarray           # (P,) grant requested [EUR]
    ph1: np.ndarray           # (P,) first phase's grant [EUR] (0: none)
    has_ph1: np.ndarray       # (P,) bool: the project has a first phase
    scope: np.ndarray         # (P,) total cost / grant [ratio]
    dur_y: np.ndarray         # (P,) planned duration [years]
    value: np.ndarray         # (P,) the candidate's value (the selection's score)
    savings: np.ndarray       # (P,) declared yearly savings [EUR]
    cbin: np.ndarray          # (P,) int64: year bin of the commitment
    abin: np.ndarray          # (P,) int64: year bin of the cost adjustment
    dbin: np.ndarray          # (P,) int64: year bin of the de-commitment
    x0: np.ndarray            # (P,) commitment time from plan.start [years]
    prof: np.ndarray          # (P, L) relative payment profile [fractions]; with ``common`` only prof[0] is read
    gorder: np.ndarray        # (P,) int64: projects group by group
    gptr: np.ndarray          # (G+1,) int64: group g's projects are gorder[gptr[g]:gptr[g+1]]
    common: bool              # every project pays on prof[0]
    stop: bool                # a call stops at the first project that does not fit (ranked list)
    attrition_rate: float     # probability a laureate never starts [fraction]
    phase1_only_rate: float   # probability only the first phase is funded [fraction]
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


class KernelOutputs(NamedTuple):
    """Where the kernel writes (the arrays of a :class:`_ChunkOut`, draws last, and the counts)."""

    yearly: np.ndarray        # (G, 4, Y, n) METRICS by group and year [EUR]
    fund_due: np.ndarray      # (F, Y, n) CP demand by fund [EUR]
    avail: np.ndarray         # (K, n) credits left before each call [EUR]
    committed_call: np.ndarray  # (K, n) committed by each call [EUR]
    nsel_call: np.ndarray     # (K, n) projects selected by each call
    gtot: np.ndarray          # (G, len(GTOT), n) totals by group
    fund_flags: np.ndarray    # (F, 3, n) exhausted, overcommitted, max net commitments
    sel_count: np.ndarray     # (P,) int64: draws selecting the project
    ph1_count: np.ndarray     # (P,) int64: of which first phase only
    attr_count: np.ndarray    # (P,) int64: of which never started


def _kernel_inputs(plan: _Plan) -> KernelInputs:
    """The plan as the compiled kernel reads it (built once, cached on the plan)."""
    if getattr(plan, "_kin", None) is not None:
        return plan._kin
    Y = len(plan.years)
    P_ = plan.n
    # the projects each call may fund, in selection order (the policy's exclusions left out)
    rows = [np.asarray([p for p in r if plan.ok_policy[p]], np.int64) for r in plan.call_rows]
    ptr = np.zeros(len(rows) + 1, np.int64)
    ptr[1:] = np.cumsum([len(r) for r in rows])
    ev_t = np.concatenate([plan.t_decommit, plan.t_adjust])
    ev_p = np.concatenate([np.arange(P_), np.arange(P_)])
    ev_kind = np.concatenate([np.zeros(P_, int), np.ones(P_, int)])
    order = np.lexsort((ev_kind, ev_p, ev_t))

    def year_bin(t):
        return np.clip(np.floor(t - plan.start).astype(np.int64), 0, Y - 1)

    last = np.full(len(plan.funds), -1, np.int64)
    for f, k in plan.last_call_of_fund.items():
        last[f] = k
    st = plan.settings
    pol = plan.policy
    kin = KernelInputs(
        rows=np.concatenate(rows) if rows else np.zeros(0, np.int64), ptr=ptr,
        call_t=plan.call_time.astype(np.float64), call_f=plan.call_fund.astype(np.int64),
        call_budget=np.array(plan.call_budget, np.float64), call_share=np.asarray(plan.call_share, np.float64),
        call_y=np.array([min(max(c.decision.year - plan.start, 0), Y - 1) for c in plan.calls], np.int64),
        last=last, ev_p=ev_p[order].astype(np.int64),
        # events before call k (and, at K, all of them): the first eptr[k] in time order
        eptr=np.maximum.accumulate(np.searchsorted(
            ev_t[order], np.append(plan.call_time.astype(np.float64), np.inf), side="right")).astype(np.int64),
        ev_kind=ev_kind[order].astype(np.int64),
        g=plan.g.astype(np.int64), gfund=plan.group_fund.astype(np.int64), gamt=plan.group_amount.astype(np.float64),
        env=plan.fund_env.astype(np.float64), cumcap=plan.fund_cumcap.astype(np.float64),
        cp=plan.fund_cp.astype(np.float64), carry=plan.fund_carry.astype(np.float64),
        over=plan.fund_over.astype(np.bool_),
        req=plan.req.astype(np.float64), ph1=np.nan_to_num(plan.ph1).astype(np.float64),
        has_ph1=(np.isfinite(plan.ph1) & (plan.ph1 > 0)),
        scope=(plan.total / np.maximum(plan.req, 1.0)).astype(np.float64),
        dur_y=(plan.dur / 12).astype(np.float64), value=plan.value.astype(np.float64),
        savings=plan.savings.astype(np.float64),
        gorder=np.argsort(plan.g, kind="stable").astype(np.int64),
        gptr=np.concatenate([[0], np.cumsum(np.bincount(plan.g, minlength=len(plan.groups)))]).astype(np.int64),
        common=bool(plan.common_profile),
        cbin=year_bin(plan.t_commit), abin=year_bin(plan.t_adjust), dbin=year_bin(plan.t_decommit),
        x0=(plan.t_commit - plan.start).astype(np.float64), prof=np.ascontiguousarray(plan.profiles, np.float64),
        attrition_rate=float(st.attrition_rate), phase1_only_rate=float(st.phase1_only_rate),
        overrun_paid_by_fund_rate=float(st.overrun_paid_by_fund_rate), savings_mean_rate=float(st.savings.mean_rate),
        max_commit_share_per_call_rate=(np.nan if pol.max_commit_share_per_call_rate is None
                                        else float(pol.max_commit_share_per_call_rate)),
        reserve_last_call_eur=float(pol.reserve_last_call_eur), exhausted_share=float(EXHAUSTED_SHARE),
        stop=bool(plan.stop_at_misfit),
    )
    plan._kin = kin
    return kin


def _kernel(n, off, enabled, draws, kin, out, work):
    """The model of :func:`_run_chunk` on ``n`` draws, block by block (compiled by numba).

    The outputs are laid out draws last (as :class:`_ChunkOut`) and written from draw ``off`` on:
    each step writes a block's draws contiguously.

    The inputs come per block, projects x draws (``(blocks, projects, BLOCK)``: cost ratio,
    duration ratio, fate uniform, savings factor; without uncertainty one block of 1, 1, 2 and
    the mean factor).  Each step of the model (a project's fate, an event, a project considered by
    a call, its amounts) is applied to all the block's draws in an inner loop over draws, written
    without branches so that it runs on SIMD lanes: every operand is loaded first (a select whose
    operand is loaded in one of its branches compiles to masked loads and stores, which stall),
    amounts are kept or dropped by a 0/1 factor (adding the resulting +-0 leaves a sum >= +0 as it
    was) and counts add 0/1 integers.  Each draw is computed alone, with the NumPy reference's
    arithmetic, so the results are the same to the last bit whatever the block split.
    ``wb2, wf2, wf3, wf1, wb1`` are the working arrays (:func:`_kernel_work`), whose every element
    read is first set.  ``rows`` lists, call by call (``ptr``), the projects a call may fund
    in selection order; ``eptr[k]`` counts the events (time order) before call ``k``;
    ``gorder``/``gptr`` list the projects group by group.  With ``common`` every project has the
    payment profile ``prof[0]``: amounts are first added at the year their first tranche is due,
    then spread.
    """
    cost_r, delay_r, fate_u, sav_f = draws
    rows, ptr, call_t, call_f, call_budget = kin.rows, kin.ptr, kin.call_t, kin.call_f, kin.call_budget
    call_share, call_y, last, eptr, ev_p, ev_kind = (kin.call_share, kin.call_y, kin.last, kin.eptr, kin.ev_p,
                                                     kin.ev_kind)
    g, gfund, gamt, env, cumcap, cp, carry, over = kin.g, kin.gfund, kin.gamt, kin.env, kin.cumcap, kin.cp, kin.carry, kin.over
    req, ph1c, has_ph1, scope, dur_y, value, savings = (kin.req, kin.ph1, kin.has_ph1, kin.scope, kin.dur_y,
                                                        kin.value, kin.savings)
    cbin, abin, dbin, x0, prof, gorder, gptr = kin.cbin, kin.abin, kin.dbin, kin.x0, kin.prof, kin.gorder, kin.gptr
    common, stop = kin.common, kin.stop
    yearly, fund_due, avail_k, comm_k, nsel_k = out.yearly, out.fund_due, out.avail, out.committed_call, out.nsel_call
    gtot, flags, sel_count, ph1_count, attr_count = out.gtot, out.fund_flags, out.sel_count, out.ph1_count, out.attr_count
    wb2, wf2, wf3, wf1, wb1 = work
    P_ = req.shape[0]
    G = gamt.shape[0]
    F = env.shape[0]
    K = call_t.shape[0]
    Y = yearly.shape[2]
    L = prof.shape[1]
    B = cost_r.shape[2]
    a_rate, p1_rate, o_rate = kin.attrition_rate, kin.phase1_only_rate, kin.overrun_paid_by_fund_rate
    sav_mean = kin.savings_mean_rate
    share_cap, reserve, exh = kin.max_commit_share_per_call_rate, kin.reserve_last_call_eur, kin.exhausted_share
    p1_lim = a_rate + p1_rate
    # working arrays (:func:`_kernel_work`), reused call after call: fresh ones cost page faults
    sel, attr, isph1 = wb2
    C, topup, unf, net_f, net_g, max_f, room_last, first, ae0, ae1, backlog = wf2
    dem = wf3
    rem, spent, cnt, av, s0, s1, s2, s3, s4, s5, s6, bsel, Aj, cr, due, paid = wf1
    stopped = wb1
    Ylast = np.float64(Y - 1)
    nblk = (n + B - 1) // B
    for blk in range(nblk):
        d0 = blk * B
        nd = min(B, n - d0)
        o = off + d0  # the block's first draw in the outputs
        bi0 = blk if enabled else 0
        # fates and commitments
        for p in range(P_):
            hp = has_ph1[p]
            cq = req[p]
            c1 = ph1c[p]
            fu = fate_u[bi0, p]
            for j in range(nd):
                u = np.float64(fu[j])
                a = u < a_rate
                h = (u >= a_rate) & (u < p1_lim) & hp
                attr[p, j] = a
                isph1[p, j] = h
                C[p, j] = c1 if h else cq
                sel[p, j] = False
                topup[p, j] = 0.0
                unf[p, j] = 0.0
        for f in range(F):
            for j in range(nd):
                net_f[f, j] = 0.0
                max_f[f, j] = 0.0
        for gg in range(G):
            for j in range(nd):
                net_g[gg, j] = 0.0
                room_last[gg, j] = 0.0
        ep = 0
        for k in range(K + 1):
            while ep < eptr[k]:
                p = ev_p[ep]
                kind = ev_kind[ep]
                ep += 1
                gg = g[p]
                f = gfund[gg]
                nf = net_f[f]
                ng = net_g[gg]
                mf = max_f[f]
                Cp = C[p]
                ap = attr[p]
                sp = sel[p]
                if kind == 0:
                    for j in range(nd):
                        cm = Cp[j] * (1.0 if (ap[j] & sp[j]) else 0.0)  # x - 0.0 is x, to the bit
                        nf[j] -= cm
                        ng[j] -= cm
                    continue
                sc = scope[p]
                ovf = over[f]
                ef = env[f]
                ga = gamt[gg]
                crp = cost_r[bi0, p]
                tp = topup[p]
                up = unf[p]
                for j in range(nd):
                    live = sp[j] & (not ap[j])
                    r = np.float64(crp[j])
                    c = Cp[j]
                    nfj = nf[j]
                    ngj = ng[j]
                    tpj = tp[j]
                    upj = up[j]
                    mfj = mf[j]
                    ov = max(r - 1.0, 0.0) * c * sc * o_rate
                    und = min(r - 1.0, 0.0) * c
                    room = max(min(ef - nfj, ga - ngj), 0.0)
                    fu_ = ov if ovf else min(ov, room)
                    delta = fu_ + und
                    # selected by a 0/1 factor rather than a select, whose operands LLVM would
                    # load under a mask: adding the resulting +-0 leaves a sum as it is, to the
                    # bit (net commitments are never -0)
                    lf = 1.0 if live else 0.0
                    dl = delta * lf
                    tp[j] = tpj + dl
                    up[j] = upj + (ov - fu_) * lf
                    x = nfj + dl
                    nf[j] = x
                    ng[j] = ngj + dl
                    mf[j] = max(mfj, x)
            if k == K:
                break
            f = call_f[k]
            cap = cumcap[f, call_y[k]]
            cb = call_budget[k]
            csh = call_share[k]
            lastk = last[f] == k
            ef = env[f]
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
        # amounts, years, group by group
        for gg in range(G):
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
            for ii in range(gptr[gg], gptr[gg + 1]):
                p = gorder[ii]
                vp = value[p]
                vph = value[p] * (ph1c[p] / max(req[p], 1.0))
                svp = savings[p]
                x0p = x0[p]
                dyp = dur_y[p]
                sp = sel[p]
                ap = attr[p]
                hp = isph1[p]
                Cp = C[p]
                tpp = topup[p]
                up = unf[p]
                svf = sav_f[bi0, p]
                drp = delay_r[bi0, p]
                a0c = ae0[cbin[p]]
                a0a = ae0[abin[p]]
                a1a = ae1[abin[p]]
                a1d = ae1[dbin[p]]
                # one short loop per output, so that each can go on SIMD lanes; amounts are
                # kept or dropped by a 0/1 factor (x * 0 is +-0 for a finite x, and adding +-0 to
                # these sums, which are >= +0, leaves them as they are, to the bit)
                ns = 0
                na = 0
                nh = 0
                # (the counts add 0/1 integers: a count of a condition stays scalar)
                for j in range(nd):
                    sj = np.int64(sp[j])
                    ns += sj
                    m = np.float64(sj)
                    s0[j] += Cp[j] * m
                    s6[j] += m
                for j in range(nd):
                    a0c[j] += Cp[j] * (1.0 if sp[j] else 0.0)
                for j in range(nd):
                    sa = np.int64(sp[j]) & np.int64(ap[j])
                    na += sa
                    a1d[j] += Cp[j] * np.float64(sa)
                for j in range(nd):
                    tp = tpp[j]
                    a0a[j] += tp * (1.0 if (sp[j] & (not ap[j]) & (tp > 0)) else 0.0)
                for j in range(nd):
                    tp = tpp[j]
                    a1a[j] += -tp * (1.0 if (sp[j] & (not ap[j]) & (not tp > 0)) else 0.0)
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
                    b = min(max(np.floor(x0p + sh), 0.0), Ylast)
                    lf = 1.0 if live else 0.0
                    bsel[j] = b * lf
                    Aj[j] = (Cp[j] + tpp[j]) * lf
                if common:
                    for j in range(nd):
                        first[int(bsel[j]), j] += Aj[j]
                else:
                    for j in range(nd):
                        b = int(bsel[j])
                        for i in range(L):
                            bi = b + i
                            if bi > Y - 1:
                                bi = Y - 1
                            dem[gg, bi, j] += Aj[j] * prof[p, i]
                sel_count[p] += ns
                attr_count[p] += na
                ph1_count[p] += nh
            if common:
                for b in range(Y):
                    for i in range(L):
                        bi = b + i
                        if bi > Y - 1:
                            bi = Y - 1
                        w = prof[0, i]
                        for j in range(nd):
                            dem[gg, bi, j] += first[b, j] * w
            gt = gtot[gg]
            for t, s_ in enumerate((s0, s1, s2, s3, s4, s5, s6, room_last[gg])):
                for j in range(nd):
                    gt[t, o + j] = s_[j]
            for y in range(Y):
                y0 = yearly[gg, 0, y]
                y1 = yearly[gg, 1, y]
                y2 = yearly[gg, 2, y]
                a0 = ae0[y]
                a1 = ae1[y]
                dm = dem[gg, y]
                for j in range(nd):
                    y0[o + j] = a0[j]
                    y1[o + j] = a1[j]
                    y2[o + j] = dm[j]
        # CP appropriations per fund, year by year (each draw sees the operations of the reference)
        for f in range(F):
            for j in range(nd):
                cr[j] = 0.0
            for gg in range(G):
                for j in range(nd):
                    backlog[gg, j] = 0.0
            cf = carry[f]
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
                    cmax = cf * app
                    for j in range(nd):
                        avc = app + cr[j]
                        pd_ = min(due[j], avc)
                        paid[j] = pd_
                        cr[j] = min(avc - pd_, cmax)
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
            tuple(np.zeros(shape) for shape in [(P_, B)] * 3 + [(F, B), (G, B), (F, B), (G, B)] + [(Y, B)] * 3
                  + [(G, B)]),
            np.zeros((G, Y, B)), tuple(np.zeros(B) for _ in range(16)), np.zeros(B, np.bool_))


def _kernel_on(kin: KernelInputs, inputs: tuple | None, out: _ChunkOut, d0: int, d1: int, counts: np.ndarray,
               work: tuple | None = None) -> None:
    """The compiled kernel on draws ``d0 .. d1-1`` of ``out``; ``inputs`` hold those draws from
    their first block on (None: no uncertainty); ``counts`` (3, projects) accumulates; ``work``:
    the working arrays of :func:`_kernel_work` (default: new ones)."""
    enabled = inputs is not None
    if not enabled:
        shape = (1, len(kin.req), BLOCK)
        inputs = (np.ones(shape, np.float32), np.ones(shape, np.float32), np.full(shape, 2.0, np.float32),
                  np.zeros(shape, np.float32))  # the savings factor is then the mean (kin.savings_mean_rate)
    _kernel(d1 - d0, d0, enabled, KernelDraws(*inputs), kin,
            KernelOutputs(out.yearly, out.fund_due, out.avail, out.committed_call, out.nsel_call, out.gtot,
                          out.fund_flags, counts[0], counts[1], counts[2]),
            _kernel_work(kin) if work is None else work)


def _sum_counts(out: _ChunkOut, counts: np.ndarray) -> _ChunkOut:
    out.sel_count[:] = counts[:, 0].sum(axis=0)
    out.ph1_count[:] = counts[:, 1].sum(axis=0)
    out.attr_count[:] = counts[:, 2].sum(axis=0)
    return out


def _run_chunk_fast(plan: _Plan, raw: tuple | None, n: int, pool=None, workers: int = 1,
                    into: _ChunkOut | None = None) -> _ChunkOut:
    """The compiled kernel on ``n`` draws (``raw`` from :func:`_raw_blocks`, None = no uncertainty).

    With ``workers`` > 1 the draws are split (at block boundaries) between threads of ``pool``;
    each draw is computed alone, so the split never changes a result.  ``into``: the arrays to
    write (default: new ones).
    """
    kin = _kernel_inputs(plan)
    out = _new_chunk_out(plan, n) if into is None else into
    enabled = raw is not None
    nb = raw[0].shape[0] if enabled else 0
    parts = max(1, min(workers, nb if enabled else n))
    if enabled:
        cuts = [min(round(i * nb / parts) * BLOCK, n) for i in range(parts + 1)]
    else:
        cuts = [round(i * n / parts) for i in range(parts + 1)]
    counts = np.zeros((parts, 3, plan.n), np.int64)

    def run(i: int) -> None:
        d0, d1 = cuts[i], cuts[i + 1]
        if d1 > d0:
            _kernel_on(kin, tuple(a[d0 // BLOCK:] for a in raw) if enabled else None, out, d0, d1, counts[i])

    _each(pool, run, parts)
    return _sum_counts(out, counts)


#: Blocks drawn and simulated together by a worker thread of :func:`_simulate_blocks_fast`.
FUSED_BLOCKS = 2


def _simulate_blocks_fast(plan: _Plan, seed_seq: "_SeedSeq", b0: int, b1: int, n: int, pool=None,
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
        buf = tuple(np.empty((FUSED_BLOCKS, plan.n, BLOCK), np.float32) for _ in range(4))
        work = _kernel_work(kin)
        while True:
            with lock:
                j0 = next(tasks, None)
            if j0 is None:
                return
            j1 = min(j0 + FUSED_BLOCKS, nb)
            raw = _raw_blocks(plan, seed_seq, b0 + j0, b0 + j1, out=buf)
            _kernel_on(kin, raw, out, j0 * BLOCK, min(j1 * BLOCK, n), counts[i], work)
            if tick is not None:
                with lock:
                    tick(min(j1 * BLOCK, n) - j0 * BLOCK)

    _each(pool, run, parts)
    return _sum_counts(out, counts)
