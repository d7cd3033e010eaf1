"""Order statistics: mean, P10, P50, P90 of each row of per-draw results, exactly as NumPy's
``percentile`` (linear method) but faster (:func:`_percentile_rows`), and the memory passes of
the per-draw stores."""
from __future__ import annotations


import numpy as np

from .compiled import _nb


PERCENTILES = (10.0, 50.0, 90.0)


def _percentile_rows(a: np.ndarray) -> tuple[np.ndarray, ...]:
    """P10, P50, P90 of each row of ``a`` [same unit], exactly as ``np.percentile(a, q, axis=1)``.

    NumPy's linear method interpolates between the two order statistics around ``q (n - 1)``.
    The compiled :func:`_order_stats` finds those order statistics by bucketing each row between
    its minimum and maximum and sorting only the few draws in the buckets that hold them (a few
    passes over the row instead of a partition); the interpolation below repeats NumPy's own
    (``_lerp``), so the figures are NumPy's to the last bit (a test checks it).  Rows with a NaN
    or an infinity go to NumPy.
    """
    R, n = a.shape
    if _nb is None or n < 2 or a.dtype not in (np.float32, np.float64) or not a.flags.c_contiguous:
        return tuple(np.percentile(a, PERCENTILES, axis=1).astype(np.float64))
    q = np.true_divide(np.array(PERCENTILES), 100)
    virtual = (n - 1) * q                                   # NumPy's virtual index (method linear)
    prev = np.floor(virtual)
    gamma = virtual - prev
    prev = prev.astype(np.int64)
    nxt = prev + 1
    top = virtual >= n - 1
    prev[top] = n - 1
    nxt[top] = n - 1
    ranks = np.unique(np.concatenate([prev, nxt]))
    stats = np.empty((R, len(ranks)), a.dtype)
    bad = np.zeros(R, np.bool_)
    _order_stats(a, ranks, stats, bad)
    lo = stats[:, np.searchsorted(ranks, prev)]
    hi = stats[:, np.searchsorted(ranks, nxt)]
    diff = hi - lo
    res = np.add(lo, diff * gamma)
    np.subtract(hi, diff * (1 - gamma), out=res, where=gamma >= 0.5, casting="unsafe", dtype=res.dtype.type)
    if bad.any():
        res[bad] = np.percentile(a[bad], PERCENTILES, axis=1).T
    return tuple(np.ascontiguousarray(res.T, dtype=np.float64))


def _order_stats_py(a, ranks, out, bad):
    """``out[r, i]``: the value of rank ``ranks[i]`` (sorted, 0-based) in row ``r`` of ``a``.

    Each row is bucketed linearly between its minimum and maximum (a monotone map, so a rank's
    bucket is found from the counts); only the buckets holding the wanted ranks are gathered and
    sorted, or, when one holds many draws (a point mass: a budget met in most draws, nothing paid
    in a late year), bucketed again between its own extremes until few are left or all are equal.
    ``bad[r]``: the row holds a NaN or an infinite range (left to NumPy).
    """
    R, n = a.shape
    NB = 4096
    SMALL = 2048  # a bucket of at most this many draws is sorted
    cnt = np.zeros(NB, np.int64)
    tgt = np.full(NB, -1, np.int64)
    buf = np.empty(n, a.dtype)
    w1 = np.empty(n, a.dtype)
    w2 = np.empty(n, a.dtype)
    m = ranks.shape[0]
    rb = np.zeros(m, np.int64)      # bucket of each rank
    before = np.zeros(m, np.int64)  # draws in lower buckets
    seg0 = np.zeros(m, np.int64)    # start of each target bucket's draws in buf
    pos = np.zeros(m, np.int64)
    slo = np.zeros(m)               # a big target bucket's extremes, and the draws equal to each
    shi = np.zeros(m)
    snlo = np.zeros(m, np.int64)
    snhi = np.zeros(m, np.int64)
    for r in range(R):
        row = a[r]
        lo = np.float64(row[0])
        hi = lo
        nan = False
        for i in range(n):
            v = np.float64(row[i])
            lo = min(lo, v)
            hi = max(hi, v)
            nan |= v != v
        if nan:
            bad[r] = True
            continue
        if not hi > lo:
            for i in range(m):
                out[r, i] = row[0]
            continue
        scale = NB / (hi - lo)
        if not (scale > 0.0 and scale < np.inf):  # an infinite range: left to NumPy
            bad[r] = True
            continue
        cnt[:] = 0
        for i in range(n):
            cnt[min(int((np.float64(row[i]) - lo) * scale), NB - 1)] += 1
        # the bucket of each rank, and the targets' places in buf
        acc = 0
        i = 0
        nt = 0
        lastb = 0
        for b in range(NB):
            c = cnt[b]
            if c == 0:
                continue
            while i < m and ranks[i] < acc + c:
                rb[i] = b
                before[i] = acc
                if tgt[b] < 0:
                    tgt[b] = nt
                    seg0[nt] = 0 if nt == 0 else seg0[nt - 1] + cnt[lastb]
                    pos[nt] = seg0[nt]
                    lastb = b
                    nt += 1
                i += 1
            acc += c
            if i == m:
                break
        for i in range(n):
            v = row[i]
            t = tgt[min(int((np.float64(v) - lo) * scale), NB - 1)]
            if t >= 0:
                buf[pos[t]] = v
                pos[t] += 1
        for t in range(nt):
            if pos[t] - seg0[t] <= SMALL:
                buf[seg0[t]:pos[t]].sort()
            else:
                # a big bucket: its extremes and how many draws equal each (a point mass:
                # nothing paid in a late year, a budget met in most draws)
                seg = buf[seg0[t]:pos[t]]
                l_ = np.float64(seg[0])
                h_ = l_
                for v in seg:
                    l_ = min(l_, np.float64(v))
                    h_ = max(h_, np.float64(v))
                nl_ = 0
                nh_ = 0
                for v in seg:
                    nl_ += 1 if v == l_ else 0
                    nh_ += 1 if v == h_ else 0
                slo[t] = l_
                shi[t] = h_
                snlo[t] = nl_
                snhi[t] = nh_
        for i in range(m):
            t = tgt[rb[i]]
            k = ranks[i] - before[i]
            mm = pos[t] - seg0[t]
            if mm <= SMALL:
                out[r, i] = buf[seg0[t] + k]
                continue
            if k < snlo[t]:
                out[r, i] = slo[t]
                continue
            if k >= mm - snhi[t]:
                out[r, i] = shi[t]
                continue
            if i > 0 and rb[i - 1] == rb[i] and ranks[i] == ranks[i - 1] + 1:
                # the next rank after a known value (a percentile's second order statistic): that
                # value again if more draws of the bucket are <= it, else the least one above it
                vp = np.float64(out[r, i - 1])
                cle = 0
                gmin = np.inf
                for v in buf[seg0[t]:pos[t]]:
                    fv = np.float64(v)
                    cle += 1 if fv <= vp else 0
                    gmin = min(gmin, fv if fv > vp else np.inf)
                out[r, i] = vp if k < cle else gmin
                continue
            # a big bucket: bucketed again between its own extremes, keeping the rank's bucket
            # (its extremes fall in different buckets, so each round keeps fewer draws)
            # (the extremes of the kept draws are tracked as they are gathered)
            cur = w1
            oth = w2
            cur[:mm] = buf[seg0[t]:pos[t]]
            lo2 = slo[t]
            hi2 = shi[t]
            while True:
                if mm <= SMALL:
                    cur[:mm].sort()
                    out[r, i] = cur[k]
                    break
                if not hi2 > lo2:
                    out[r, i] = cur[0]
                    break
                sc2 = NB / (hi2 - lo2)
                cnt[:] = 0
                for ii in range(mm):
                    cnt[min(int((np.float64(cur[ii]) - lo2) * sc2), NB - 1)] += 1
                acc = 0
                tb = 0
                for b in range(NB):
                    if k < acc + cnt[b]:
                        tb = b
                        break
                    acc += cnt[b]
                k -= acc
                c = 0
                nlo2 = np.inf
                nhi2 = -np.inf
                for ii in range(mm):
                    v = cur[ii]
                    fv = np.float64(v)
                    if min(int((fv - lo2) * sc2), NB - 1) == tb:
                        oth[c] = v
                        c += 1
                        nlo2 = min(nlo2, fv)
                        nhi2 = max(nhi2, fv)
                cur, oth = oth, cur
                mm = c
                lo2 = nlo2
                hi2 = nhi2
        for i in range(m):
            tgt[rb[i]] = -1


def _row_stats(t: np.ndarray, pool=None) -> tuple[np.ndarray, ...]:
    """Mean, P10, P50, P90 of each row of ``t`` [same unit, float64], rows split between ``pool``'s threads.

    The compiled order statistics (and NumPy's partition) release the GIL, so two threads take
    about half the time; each row's figures do not depend on the split.
    """
    def stats(a):
        return (a.mean(axis=1, dtype=np.float64), *_percentile_rows(a))

    if pool is None or t.shape[0] < 2:
        return stats(t)
    h = t.shape[0] // 2
    lo, hi = pool.map(stats, (t[:h], t[h:]))
    return tuple(np.concatenate([a, b]) for a, b in zip(lo, hi))


def _row_stats_f64(t: np.ndarray, pool=None, max_bytes: int = 32 * 2**20) -> tuple[np.ndarray, ...]:
    """:func:`_row_stats` of ``t``'s rows taken in float64, a block of rows of at most
    ``max_bytes`` at a time (a big run's float32 stores are not copied whole)."""
    R, n = t.shape
    step = max(1, max_bytes // max(n * 8, 1))
    parts = [_row_stats(t[i:i + step].astype(np.float64), pool) for i in range(0, R, step)]
    return tuple(np.concatenate(x) for x in zip(*parts)) if parts else (np.zeros(0),) * 4


def _store_passes(n_stores: int, bytes_per_store: int, budget: int) -> list[list[int]]:
    """Stores (levels' per-draw results) kept together in each pass, within ``budget`` bytes."""
    per_pass = max(1, int(budget // max(bytes_per_store, 1)))
    return [list(range(i, min(i + per_pass, n_stores))) for i in range(0, max(n_stores, 1), per_pass)]


if _nb is not None:
    _order_stats = _nb.njit(cache=True, nogil=True)(_order_stats_py)
