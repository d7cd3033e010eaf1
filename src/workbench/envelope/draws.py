"""The random inputs: blocks of :data:`BLOCK` draws, each from its own child of the seed
sequence (:func:`_raw_blocks`), turned into cost and duration ratios, savings factors and
decision-to-commitment lags (:func:`_transform_block`); the fixed inputs of a run without
uncertainty; and the helper that spreads work over the simulation's threads (:func:`_each`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .compiled import _nb
from .plan import _Plan


#: Draws per random block (fixed: the chunking never changes which variates a draw gets).
BLOCK = 256


@dataclass
class _Draws:
    """The random inputs of ``n`` draws, arrays shaped (projects, draws)."""

    cost: np.ndarray      # cost ratio
    delay: np.ndarray     # duration ratio
    fate: np.ndarray      # uniform: attrition / phase-1-only
    savings: np.ndarray   # realisation factor
    lag: np.ndarray       # decision-to-commitment lag [months] (float32 values)


def set_of_draws(sets, g0: int, n: int) -> np.ndarray:
    """The parameter set of draws ``g0 .. g0+n-1`` (draw ``d`` uses set ``d mod sets.n``)."""
    return (np.arange(g0, g0 + n, dtype=np.int64) % sets.n).astype(np.int64)


def _lag_medians32(sets) -> np.ndarray:
    """Each set's lag without spread [months, float32]: the median, within the cap."""
    m = sets.lag_median_months.astype(np.float32)
    if np.isfinite(sets.lag_max_months):
        m = np.minimum(m, np.float32(sets.lag_max_months))
    return m


def _fixed_draws(plan: _Plan, n: int, g0: int = 0, sets=None) -> _Draws:
    """The inputs of a run without uncertainty: ratios 1, no attrition, the mean savings factor,
    the lag's median (of each draw's set)."""
    P_ = plan.n
    sets = plan.sets if sets is None else sets
    lag = np.broadcast_to(_lag_medians32(sets)[set_of_draws(sets, g0, n)].astype(np.float64), (P_, n)).copy()
    return _Draws(cost=np.ones((P_, n)), delay=np.ones((P_, n)), fate=np.full((P_, n), 2.0, np.float32),
                  savings=np.full((P_, n), plan.settings.savings.mean_rate), lag=lag)


class _SeedSeq:
    """``SeedSequence(seed).spawn(k)[b]`` for any ``b`` without spawning the ones before it."""

    def __init__(self, seed: int):
        self.seed = int(seed)

    def spawn_child(self, b: int) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.seed, spawn_key=(b,))


def _raw_blocks(plan: _Plan, seed_seq: _SeedSeq, b0: int, b1: int, pool=None,
                out: tuple[np.ndarray, ...] | None = None) -> tuple[np.ndarray, ...]:
    """The random inputs of blocks ``b0 .. b1-1``: cost ratio, duration ratio, fate, savings
    factor, decision-to-commitment lag [months].

    Each block draws three float32 uniforms and one float32 standard normal per project and
    draw, in this order, then, when some parameter set spreads the lag, a second standard
    normal, from its own child of the seed sequence (so the chunking never changes a draw's
    variates, and a run with a fixed lag draws the variates it always drew), then turns them, in
    place and in the same thread, into what the model uses (:func:`_transform_block`).  Shape
    ``(blocks, projects, BLOCK)``, float32 (a project's inputs for the block's draws contiguous,
    as the compiled model reads them).
    """
    nb, P_ = b1 - b0, plan.n
    if out is None:
        out = tuple(np.empty((nb, P_, BLOCK), np.float32) for _ in range(5))
    else:  # a worker's buffers, reused block after block
        out = tuple(a[:nb] for a in out)
    spread = plan.sets.lag_random
    common = plan.sets.common_draws and plan.sets.n > 1

    def variates(b: int, into: tuple[np.ndarray, ...]) -> None:
        rng = np.random.Generator(np.random.PCG64(seed_seq.spawn_child(b)))
        rng.random(out=into[0], dtype=np.float32)
        rng.random(out=into[1], dtype=np.float32)
        rng.random(out=into[2], dtype=np.float32)
        rng.standard_normal(out=into[3], dtype=np.float32)
        if spread:
            rng.standard_normal(out=into[4], dtype=np.float32)

    def draw(j: int) -> None:  # NumPy (and the compiled transform) release the GIL
        if common:
            # common random numbers: draw d takes the variates of replicate d // N (the draws of
            # one replicate, one per set, share them), read from the replicate's own block
            rep = (np.arange(BLOCK, dtype=np.int64) + (b0 + j) * BLOCK) // plan.sets.n
            for rb in np.unique(rep // BLOCK):
                tmp = tuple(np.empty((P_, BLOCK), np.float32) for _ in range(5))
                variates(int(rb), tmp)
                cols = np.flatnonzero(rep // BLOCK == rb)
                for k in range(5 if spread else 4):
                    out[k][j][:, cols] = tmp[k][:, rep[cols] % BLOCK]
        else:
            variates(b0 + j, tuple(a[j] for a in out))
        _transform_block(plan, out[0][j], out[1][j], out[3][j], out[4][j], b0 + j)

    _each(pool, draw, nb)
    return out


def _each(pool, fn, n: int) -> None:
    """``fn(0) .. fn(n - 1)``, on ``pool``'s threads when there is a pool and more than one."""
    if pool is not None and n > 1:
        list(pool.map(fn, range(n)))
    else:
        for i in range(n):
            fn(i)


def _transform_block(plan: _Plan, uc: np.ndarray, ud: np.ndarray, z: np.ndarray, zl: np.ndarray | None = None,
                     block: int = 0) -> None:
    """In place: cost and duration ratios from their uniforms, savings factors from normals,
    decision-to-commitment lags from their normals (``zl``, of block ``block``).

    The ratios come from the models' tabulated quantile functions (the table of
    :meth:`~workbench.uncertainty.OverrunModel.from_uniform`, interpolated in float32 here:
    within 1e-6 of it); the savings factor is ``exp(mu + sigma z)`` in float32 (a lognormal of
    mean ``savings_realisation_rate``), 0 where the scenario realises no savings; the lag is
    ``median x exp(sigma z)`` months in float32, at most the cap, with the median and sigma of
    each draw's parameter set (the median itself where no set spreads it).  Done once per block,
    vectorised, so the per-draw model only reads them (both engines read the same values).
    """
    st = plan.settings
    sets = plan.sets
    for u, model, scale in ((uc, st.cost, sets.cost_excess_scale), (ud, st.delay, sets.delay_excess_scale)):
        if model.point_weight >= 1.0:
            u.fill(1.0)
        elif _nb is not None:
            _ratios_from_table(u.reshape(-1), model._quantile_table())
        else:
            _ratios_from_table_np(u, model._quantile_table())
        if scale is not None and bool((scale != 1.0).any()):
            _scale_excess(u, scale, sets, block, model)
    mu, sig = st.savings.lognormal()
    if np.isfinite(mu):
        z *= np.float32(sig)
        z += np.float32(mu)
        np.exp(z, out=z)
    else:
        z.fill(0.0)
    if zl is not None:
        _lags_from_normals(plan.sets, zl, block)


def _scale_excess(u: np.ndarray, scale: np.ndarray, sets, block: int, model) -> None:
    """In place: block ``block``'s ratios ``r`` (projects x BLOCK, float32) become
    ``1 + s (r - 1)`` with each draw's set's scale ``s``, kept within the mixture's support (its
    tabulated minimum and ``max_ratio``), in float32 (both engines read the result)."""
    s = scale.astype(np.float32)[set_of_draws(sets, block * BLOCK, u.shape[-1])]
    u -= np.float32(1.0)
    u *= s
    u += np.float32(1.0)
    q = model._quantile_table() if model.point_weight < 1.0 else np.ones(1, np.float32)
    np.clip(u, q[0], q[-1], out=u)


def _lags_from_normals(sets, zl: np.ndarray, block: int) -> None:
    """In place: block ``block``'s lag normals (projects x BLOCK) into lags [months, float32]:
    ``median x exp(sigma z)`` (at most the cap) with each draw's set; the medians where no set
    spreads the lag (``zl`` is then not read)."""
    s = set_of_draws(sets, block * BLOCK, zl.shape[-1])
    med = sets.lag_median_months.astype(np.float32)[s]
    if not sets.lag_random:
        zl[...] = _lag_medians32(sets)[s]
        return
    zl *= sets.lag_sigma.astype(np.float32)[s]
    np.exp(zl, out=zl)
    zl *= med
    if np.isfinite(sets.lag_max_months):
        np.minimum(zl, np.float32(sets.lag_max_months), out=zl)


def _ratios_from_table_np(u: np.ndarray, q: np.ndarray) -> None:
    """Ratios from float32 uniforms ``u`` (in place) by linear interpolation in the float32 table
    ``q`` of ``len(q) - 1`` cells, in float32 arithmetic (what the compiled twin does)."""
    N = q.shape[0] - 1
    x = u * np.float32(N)
    k = np.clip(x.astype(np.int32), 0, N - 1)
    x -= k.astype(np.float32)
    lo = q[k]
    x *= q[k + 1] - lo
    x += lo
    u[...] = x


def _ratios_from_table_py(u, q):
    """Compiled twin of :func:`_ratios_from_table_np` (the same float32 operations, in place)."""
    N = q.shape[0] - 1
    Nf = np.float32(N)
    for i in range(u.shape[0]):
        x = u[i] * Nf
        k = np.int32(x)
        if k > N - 1:
            k = N - 1
        elif k < 0:
            k = 0
        x -= np.float32(k)
        lo = q[k]
        x *= q[k + 1] - lo
        x += lo
        u[i] = x


def _draws_from_raw(plan: _Plan, raw: tuple[np.ndarray, ...], n: int) -> _Draws:
    """The NumPy path's (projects, draws) arrays from the blocks of :func:`_raw_blocks`."""
    P_ = plan.n

    def flat(a):
        return np.ascontiguousarray(a.transpose(1, 0, 2).reshape(P_, -1)[:, :n])

    rc, rd, uf, sf, lg = (flat(a) for a in raw)
    return _Draws(cost=rc.astype(np.float64), delay=rd.astype(np.float64), fate=uf,
                  savings=sf.astype(np.float64), lag=lg.astype(np.float64))


if _nb is not None:
    _ratios_from_table = _nb.njit(cache=True, nogil=True)(_ratios_from_table_py)
