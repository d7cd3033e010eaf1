"""Cost overruns and delays: a fat-tailed mixture fitted to reference classes.

A project's cost (or duration) ratio ``final / initial`` (1.0 = on budget, on time) is drawn
from a mixture of four parts, truncated at a stated maximum ``max_ratio``:

=================  =====================  ==================================================
part               weight                 law
=================  =====================  ==================================================
unchanged          ``1 - b - l - t``      exactly 1.0 (the panorama shows 41 % of projects
                                          with an unchanged cost between editions)
body               ``body_weight`` b      lognormal(0, ``body_sd``): small drifts both ways
lognormal          ``lognormal_weight`` l lognormal(``lognormal_mu``, ``lognormal_sigma``)
tail               ``tail_weight`` t      Pareto(``tail_min_ratio``, ``tail_alpha``)
=================  =====================  ==================================================

Each part is truncated at ``max_ratio`` (the power-law tail of IT projects is so heavy that an
untruncated mean is unstable; Flyvbjerg & Budzier, "Why Your IT Project May Be Riskier Than You
Think", Harvard Business Review, September 2011).

The default parameters (module constants below) were fitted by :func:`fit_mixture` to the
reference classes shipped in ``workbench/data/reference_class`` (the Panorama des grands projets
numériques de l'État, DINUM, 2016-2021; the Large Government of Canada IT projects, YOWCT) and the
published figures named beside each constant.  :func:`calibration_table` gives
the model's empirical CDF beside each reference class (the figure is
:func:`workbench.reporting.charts.calibration_figure`).

Sampling uses one uniform variate per ratio and the mixture's quantile function, tabulated on
:data:`QUANTILE_NODES` + 1 nodes and interpolated linearly (exact quantiles are
:meth:`OverrunModel.quantile`; the table's error is below 1e-4 in ratio, see the tests).  This
keeps a draw of 20 million ratios close to the cost of drawing the uniforms themselves.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


#: Nodes of the tabulated quantile function used by :meth:`OverrunModel.sample` and the envelope
#: simulation: 16,384 cells keep the table (64 KiB in float32) in a core's cache; against the exact
#: inverse CDF the mean error is 3e-5 on the ratio and 0.04 % of draws are off by more than 1e-3
#: (those whose cell straddles the edge of the point mass at 1).
QUANTILE_NODES = 1 << 14

PARAM_NAMES = ("body_weight", "body_sd", "lognormal_weight", "lognormal_mu", "lognormal_sigma",
               "tail_weight", "tail_min_ratio", "tail_alpha", "max_ratio")

# ------------------------------------------------------------------------------------------------
# Fitted defaults.  Refit with ``fit_defaults()`` (a test checks these constants against a refit).
# Sources: panorama_cost_drift_2016_2021.csv (115 projects, DISIC/panorama, MIT: 41 % unchanged,
# mean 1.13, median 1.00, P90 1.39); canada_gc_it_projects.csv (192 projects seen twice: median
# 1.17, mean 1.85, 12 % >= 3x); Flyvbjerg & Budzier, HBR 2011 (1,471 IT projects: mean overrun
# 27 %, one in six a "black swan" averaging +200 %).
# ------------------------------------------------------------------------------------------------
# The sources disagree (panorama drift mean 1.13, Flyvbjerg 1.27, Canada 1.85): the fit weighs the
# two classes' ECDFs equally and holds the published 27 % mean loosely (tolerance 0.2 in ratio),
# giving a mean of 1.39, a tail of 4.5 % of projects beyond 2.9 x and 6 % of projects at 3 x or
# more (panorama 1.7 %, Canada 12 %).  The body's sd sits at its lower bound: near budget means on
# budget for a third of projects (panorama: 34 % within 0.1 % of budget).
#: Tolerance on the published mean in the cost fit [ratio].
COST_MEAN_TOLERANCE = 0.2
#: Cost ratio: weight of the body, drifts near budget [fraction] (fit).
COST_BODY_WEIGHT = 0.3342
#: Cost ratio: log-sd of the body [-] (fit; at its lower bound).
COST_BODY_SD = 0.005
#: Cost ratio: weight of the lognormal part [fraction] (fit).
COST_LOGNORMAL_WEIGHT = 0.5695
#: Cost ratio: log-mean of the lognormal part [-] (fit).
COST_LOGNORMAL_MU = 0.2718
#: Cost ratio: log-sd of the lognormal part [-] (fit).
COST_LOGNORMAL_SIGMA = 0.4569
#: Cost ratio: weight of the Pareto tail [fraction] (fit).
COST_TAIL_WEIGHT = 0.04546
#: Cost ratio: where the tail starts [ratio] (fit).
COST_TAIL_MIN_RATIO = 2.932
#: Cost ratio: Pareto index of the tail [-] (fit).
COST_TAIL_ALPHA = 3.473
#: Cost ratio: truncation [ratio] (stated: Canada's largest observed ratio is 12.8; 10 x kept).
COST_MAX_RATIO = 10.0

# Delay (duration ratio): fitted to panorama_cost_drift_2016_2021.csv ``dur_ratio`` (115 projects:
# median 1.01, P90 1.28) and, loosely (tolerance 0.2), the mean of the panorama's headline
# calendar slippage by edition (28 %, panorama_key_figures_by_edition.csv; 15 %-43 %).  The drift
# between editions sees a window of each project's life, the headline slippage the whole life
# since the first baseline: the fit sits between them (mean 1.22) and puts 6.8 % of projects in
# a tail from 3 x (Flyvbjerg's black swans: one in six, +70 % schedule on average).  Truncation
# 4 x (panorama max 2.4).
#: Tolerance on the published mean in the delay fit [ratio].
DELAY_MEAN_TOLERANCE = 0.2
DELAY_BODY_WEIGHT = 0.3559
DELAY_BODY_SD = 0.005
DELAY_LOGNORMAL_WEIGHT = 0.5165
DELAY_LOGNORMAL_MU = 0.09218
DELAY_LOGNORMAL_SIGMA = 0.1281
DELAY_TAIL_WEIGHT = 0.06829
DELAY_TAIL_MIN_RATIO = 3.0
DELAY_TAIL_ALPHA = 1.0
DELAY_MAX_RATIO = 4.0

DEFAULTS: dict[str, dict[str, float]] = {
    "cost_overrun": {
        "body_weight": COST_BODY_WEIGHT, "body_sd": COST_BODY_SD,
        "lognormal_weight": COST_LOGNORMAL_WEIGHT, "lognormal_mu": COST_LOGNORMAL_MU,
        "lognormal_sigma": COST_LOGNORMAL_SIGMA, "tail_weight": COST_TAIL_WEIGHT,
        "tail_min_ratio": COST_TAIL_MIN_RATIO, "tail_alpha": COST_TAIL_ALPHA, "max_ratio": COST_MAX_RATIO,
    },
    "delay": {
        "body_weight": DELAY_BODY_WEIGHT, "body_sd": DELAY_BODY_SD,
        "lognormal_weight": DELAY_LOGNORMAL_WEIGHT, "lognormal_mu": DELAY_LOGNORMAL_MU,
        "lognormal_sigma": DELAY_LOGNORMAL_SIGMA, "tail_weight": DELAY_TAIL_WEIGHT,
        "tail_min_ratio": DELAY_TAIL_MIN_RATIO, "tail_alpha": DELAY_TAIL_ALPHA, "max_ratio": DELAY_MAX_RATIO,
    },
}

#: Where the defaults come from (shown in provenance and in the calibration figure).
DEFAULT_SOURCES = {
    "cost_overrun": "fit to panorama_cost_drift_2016_2021.csv (115 projects) and canada_gc_it_projects.csv "
                    "(192 projects) ECDFs, with the 27 % mean overrun of Flyvbjerg & Budzier (HBR 2011)",
    "delay": "fit to panorama_cost_drift_2016_2021.csv dur_ratio (115 projects) and the panorama's headline "
             "calendar slippage by edition (panorama_key_figures_by_edition.csv)",
}

#: Savings realised / savings declared: the Cour des comptes (Nov 2025) found 339 M€ of lasting
#: savings against a 2 bn€ target ("Le fonds de transformation de l'action publique : un bilan
#: insaisissable imposant des clarifications à l'avenir", Cour des comptes, 13 November 2025) -> 0.17.
SAVINGS_REALISATION_MEAN = 339 / 2000
#: Spread of the realisation per project [fraction] (assumed: not published).
SAVINGS_REALISATION_SD = 0.25

KINDS = ("cost_overrun", "delay")

#: Quantile tables already built, keyed by the mixture's parameters (building one takes ~0.5 s).
_TABLES: dict[tuple, np.ndarray] = {}


def _ln_cdf(x: np.ndarray, mu: float, sigma: float) -> np.ndarray:
    from scipy import special  # noqa: PLC0415 - scipy on first use: the scenario's schema imports this module

    x = np.asarray(x, dtype=float)
    if sigma <= 0:
        return (x >= math.exp(mu)).astype(float)
    with np.errstate(divide="ignore"):
        z = (np.log(np.maximum(x, 1e-300)) - mu) / sigma
    return special.ndtr(z) * (x > 0)


class OverrunModel:
    """A truncated fat-tailed mixture of ratios ``final / initial`` (1.0 = on budget / on time).

    Parameters
    ----------
    body_weight, lognormal_weight, tail_weight : float
        Weights of the parts [fraction]; the rest (``1 - sum``) is exactly 1.0 (unchanged).
    body_sd : float
        Log-sd of the body, lognormal(0, ``body_sd``) [-].
    lognormal_mu, lognormal_sigma : float
        Log-mean and log-sd of the lognormal part [-].
    tail_min_ratio, tail_alpha : float
        Scale [ratio] and index [-] of the Pareto tail.
    max_ratio : float
        Every part is truncated at this ratio.
    kind : str
        ``"cost_overrun"`` or ``"delay"`` (a label).
    source : str
        Where the parameters come from.

    Notes
    -----
    The constructor only stores; :meth:`check` validates (the scenario schema already does it
    for parameters read from a scenario).
    """

    def __init__(self, body_weight: float, body_sd: float, lognormal_weight: float, lognormal_mu: float,
                 lognormal_sigma: float, tail_weight: float, tail_min_ratio: float, tail_alpha: float,
                 max_ratio: float, kind: str = "cost_overrun", source: str = ""):
        self.body_weight = float(body_weight)
        self.body_sd = float(body_sd)
        self.lognormal_weight = float(lognormal_weight)
        self.lognormal_mu = float(lognormal_mu)
        self.lognormal_sigma = float(lognormal_sigma)
        self.tail_weight = float(tail_weight)
        self.tail_min_ratio = float(tail_min_ratio)
        self.tail_alpha = float(tail_alpha)
        self.max_ratio = float(max_ratio)
        self.kind = kind
        self.source = source
        self._table: np.ndarray | None = None

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def default(cls, kind: str = "cost_overrun") -> OverrunModel:
        """The fitted default model of ``kind`` (module constants)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        return cls(**DEFAULTS[kind], kind=kind, source=DEFAULT_SOURCES[kind])

    @classmethod
    def from_scenario(cls, scenario: Any, kind: str = "cost_overrun") -> OverrunModel:
        """The model of ``kind`` set by ``scenario.uncertainty.<kind>`` (the scenario's typed section,
        :class:`workbench.scenario.UncertaintySection`); the fitted defaults fill what is absent.

        Parameters
        ----------
        scenario : Scenario or None
            A validated scenario; ``None`` or a scenario without an ``uncertainty`` section gives
            the fitted defaults.
        kind : {"cost_overrun", "delay"}
        """
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
        if scenario is None:
            return cls.default(kind)
        m = scenario.uncertainty.mixture(kind)    # each parameter given, else the fit (the schema's default)
        return cls(**m.params, kind=kind, source=m.source)

    def params(self) -> dict[str, float]:
        """The mixture's parameters as a dict (keys as in the scenario)."""
        return {k: getattr(self, k) for k in PARAM_NAMES}

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v:g}" for k, v in self.params().items())
        return f"OverrunModel({inner}, kind={self.kind!r})"

    def check(self) -> list[str]:
        """Broken rules, in words (empty when the parameters are consistent)."""
        out = []
        for k in ("body_weight", "lognormal_weight", "tail_weight"):
            if not 0 <= getattr(self, k) <= 1:
                out.append(f"{k} must be between 0 and 1")
        if self.body_weight + self.lognormal_weight + self.tail_weight > 1 + 1e-9:
            out.append("body, lognormal and tail weights must sum to at most 1")
        if self.body_sd < 0 or self.lognormal_sigma < 0:
            out.append("body_sd and lognormal_sigma must be >= 0")
        if self.tail_alpha <= 0:
            out.append("tail_alpha must be > 0")
        if not 1 <= self.tail_min_ratio < self.max_ratio:
            out.append("tail_min_ratio must be >= 1 and below max_ratio")
        if self.max_ratio <= 1:
            out.append("max_ratio must be > 1")
        return out

    # ---- distribution --------------------------------------------------------------------------
    @property
    def point_weight(self) -> float:
        """Weight of 'exactly on budget / on time' [fraction]."""
        return max(0.0, 1.0 - self.body_weight - self.lognormal_weight - self.tail_weight)

    def _parts(self):
        M = self.max_ratio
        return [
            (self.body_weight, 0.0, self.body_sd, _ln_cdf(M, 0.0, self.body_sd)),
            (self.lognormal_weight, self.lognormal_mu, self.lognormal_sigma,
             _ln_cdf(M, self.lognormal_mu, self.lognormal_sigma)),
        ]

    def cdf(self, x) -> np.ndarray:
        """P(ratio <= x) [fraction]."""
        x = np.asarray(x, dtype=float)
        out = self.point_weight * (x >= 1.0)
        for w, mu, sg, cap in self._parts():
            if w > 0:
                out = out + w * np.minimum(_ln_cdf(x, mu, sg) / max(cap, 1e-300), 1.0)
        if self.tail_weight > 0:
            xm, a, M = self.tail_min_ratio, self.tail_alpha, self.max_ratio
            norm = 1 - (xm / M) ** a
            with np.errstate(divide="ignore", invalid="ignore"):
                ft = np.where(x < xm, 0.0, (1 - (xm / np.maximum(x, xm)) ** a) / norm)
            out = out + self.tail_weight * np.clip(ft, 0, 1)
        return np.clip(out, 0.0, 1.0)

    def quantile(self, u) -> np.ndarray:
        """The exact quantile function: the ratio at probability ``u`` in [0, 1]."""
        # the parts overlap (body, point mass and lognormal all sit near 1), so the mixture's CDF
        # is inverted numerically
        return self._invert(np.asarray(u, dtype=float))

    def _invert(self, u: np.ndarray) -> np.ndarray:
        # bisection on the monotone CDF, vectorised, on log scale: 52 halvings of a log range of
        # ~16 leave < 4e-15 relative
        lo = np.full(u.shape, 1e-6)
        hi = np.full(u.shape, self.max_ratio)
        llo, lhi = np.log(lo), np.log(hi)
        for _ in range(52):
            mid = 0.5 * (llo + lhi)
            below = self.cdf(np.exp(mid)) < u
            llo = np.where(below, mid, llo)
            lhi = np.where(below, lhi, mid)
        return np.exp(lhi)

    def _quantile_table(self) -> np.ndarray:
        if self._table is None:
            key = tuple(self.params().values())
            cached = _TABLES.get(key)
            if cached is not None:
                self._table = cached
                return cached
            # nodes at u = i/K, the last one the maximum; the point mass at 1 is kept exact by the
            # bisection (it returns 1.0 for every u inside the mass)
            u = np.arange(QUANTILE_NODES + 1) / QUANTILE_NODES
            q = self._invert(np.clip(u, 0.5 / QUANTILE_NODES / 8, 1.0))
            q[-1] = self.max_ratio if (self.tail_weight > 0 or self.lognormal_weight > 0 or self.body_weight > 0) \
                else 1.0
            q = np.maximum.accumulate(q)
            # snap values within 1e-12 of 1 to 1 so 'on budget' draws are exactly 1.0
            q[np.abs(q - 1.0) < 1e-9] = 1.0
            # stored in float32 (relative rounding 6e-8, finer than the float32 uniforms that read
            # it): the two tables of a simulation then stay in a core's 512 KiB cache
            q = q.astype(np.float32)
            q.setflags(write=False)
            if len(_TABLES) > 64:
                _TABLES.clear()
            _TABLES[key] = q
            self._table = q
        return self._table

    def from_uniform(self, u: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Ratios from uniforms in [0, 1) by the tabulated quantile (float64 result)."""
        q = self._quantile_table()
        if self.point_weight >= 1.0:
            if out is None:
                return np.ones(np.shape(u))
            np.copyto(out, 1.0)
            return out
        x = np.multiply(u, QUANTILE_NODES, dtype=np.float64)
        idx = x.astype(np.int32)
        np.minimum(idx, QUANTILE_NODES - 1, out=idx)
        x -= idx
        lo = q.take(idx).astype(np.float64)
        d = q.take(idx + 1).astype(np.float64)
        d -= lo
        x *= d
        x += lo
        return x

    def sample(self, rng: np.random.Generator, size) -> np.ndarray:
        """Ratios ``final / initial`` (1.0 = on budget / on time), shape ``size``.

        Parameters
        ----------
        rng : numpy.random.Generator
            The seeded source (one uniform variate per ratio).
        size : int or tuple
            Shape of the result.
        """
        return self.from_uniform(rng.random(size))

    # ---- summaries ----------------------------------------------------------------------------
    def mean(self) -> float:
        """Mean ratio [ratio] (closed form)."""
        return mixture_mean(self)

    def describe(self) -> dict[str, float]:
        """Mean, median, P90, P95, share unchanged and share >= 3x (compare with the classes)."""
        q = self._invert(np.array([0.5, 0.9, 0.95]))
        return {"mean": self.mean(), "median": float(q[0]), "p90": float(q[1]), "p95": float(q[2]),
                "share_unchanged": self.point_weight, "share_3x_or_more": float(1 - self.cdf(3.0 - 1e-12))}


# ------------------------------------------------------------------------------------------------
# Reference classes and fit
# ------------------------------------------------------------------------------------------------
def reference_classes() -> dict[str, dict[str, Any]]:
    """The reference classes as arrays of ratios, with their kind and source.

    Returns
    -------
    dict
        ``name -> {"kind", "ratios" (ndarray), "source"}`` for the panorama cost and duration
        drifts (115 projects) and the Canadian budget ratios (192 projects seen twice or more).
    """
    from . import reference as R

    pan = R.panorama_cost_drift()
    can = R.canada_it_projects()["cost_ratio"].dropna().to_numpy(float)
    return {
        "panorama_cost": {"kind": "cost_overrun", "ratios": pan["cost_ratio"].to_numpy(float),
                          "source": "panorama_cost_drift_2016_2021.csv (DISIC/panorama, MIT), 115 projects"},
        "canada_cost": {"kind": "cost_overrun", "ratios": can,
                        "source": "canada_gc_it_projects.csv (House of Commons papers), 192 projects"},
        "panorama_duration": {"kind": "delay", "ratios": pan["dur_ratio"].to_numpy(float),
                              "source": "panorama_cost_drift_2016_2021.csv dur_ratio, 115 projects"},
    }


def published_targets() -> dict[str, dict[str, float]]:
    """Published summary figures the fit also honours (Flyvbjerg & Budzier, HBR 2011; the panorama's editions).

    ``cost_overrun.mean`` 1.27 (Flyvbjerg & Budzier: mean overrun 27 %); ``delay.mean`` the mean
    of the panorama's headline calendar slippage by edition (1 + mean of 15 %-43 %).
    """
    from . import reference as R

    kf = R.panorama_key_figures()
    return {"cost_overrun": {"mean": 1.27},
            "delay": {"mean": 1.0 + float(kf["calendar_slippage_rate"].mean())}}


def _distance(model: OverrunModel, ratios: np.ndarray) -> float:
    """Anderson-Darling-weighted distance between the model CDF and a class's ECDF.

    Mean over the observed ratios of ``(F - E)^2 / (F (1 - F) + 0.01)`` at both sides of each
    jump of the ECDF (the point mass at 1 is handled); the weight keeps the tails in view.
    """
    x = np.sort(np.asarray(ratios, float))
    x = x[x <= model.max_ratio]
    n = len(x)
    e_hi = np.arange(1, n + 1) / n
    e_lo = np.arange(0, n) / n
    f_hi = model.cdf(x)
    f_lo = model.cdf(x * (1 - 1e-9))
    w_hi = 1.0 / (f_hi * (1 - f_hi) + 0.01)
    w_lo = 1.0 / (f_lo * (1 - f_lo) + 0.01)
    return float(np.mean(0.5 * (w_hi * (f_hi - e_hi) ** 2 + w_lo * (f_lo - e_lo) ** 2)))


def mixture_mean(model: OverrunModel) -> float:
    """Mean ratio of the truncated mixture, in closed form [ratio]."""
    from scipy import special  # noqa: PLC0415

    M = model.max_ratio
    out = model.point_weight
    for w, mu, sg, cap in model._parts():
        if w > 0:
            if sg <= 0:
                out += w * math.exp(mu)
            else:
                lm = math.log(M)
                out += w * math.exp(mu + sg * sg / 2) * special.ndtr((lm - mu - sg * sg) / sg) / max(cap, 1e-300)
    if model.tail_weight > 0:
        xm, a = model.tail_min_ratio, model.tail_alpha
        r = xm / M
        if abs(a - 1) < 1e-9:
            m = xm * math.log(M / xm) / (1 - r)
        else:
            m = a * xm / (a - 1) * (1 - r ** (a - 1)) / (1 - r ** a)
        out += model.tail_weight * m
    return float(out)


#: Bounds of the fitted parameters: each part keeps its role (body near budget, tail beyond 1.3 x).
BOUNDS = {"body_sd": (0.005, 0.15), "lognormal_mu": (0.0, 1.0), "lognormal_sigma": (0.05, 1.0),
          "tail_min_ratio": (1.3, 3.0), "tail_alpha": (1.0, 4.0)}


_STARTS = (
    (0.0, 0.0, -1.0, 0.0, -1.0, 0.0, 0.0, 0.0),
    (0.5, 0.0, 0.0, 0.0, -2.0, -1.0, -1.0, 0.5),
    (1.0, -1.0, 0.5, -1.0, -1.0, -1.0, -2.0, -0.5),
)


def fit_mixture(kind: str, classes: list[np.ndarray], target_mean: float | None = None,
                mean_tolerance: float = 0.02, max_ratio: float = 10.0) -> OverrunModel:
    """Fit the mixture to reference classes (equal weight each) and a published mean.

    Minimises the mean of :func:`_distance` over the classes plus
    ``((mean - target_mean) / mean_tolerance)^2 / 100``; deterministic (Nelder-Mead from a
    fixed start, then Powell).  Weights go through a softmax so they stay in [0, 1] and sum to 1.

    Parameters
    ----------
    kind : str
        Label of the model.
    classes : list of ndarray
        Observed ratios of each reference class.
    target_mean : float, optional
        A published mean ratio the model should match [ratio].
    max_ratio : float
        Stated truncation [ratio].
    """
    from scipy import optimize, special  # noqa: PLC0415

    def sig(x, lo, hi):
        return lo + (hi - lo) * special.expit(x)

    def build(th):
        z = np.concatenate([[0.0], th[0:3]])
        w = np.exp(z - z.max())
        w = w / w.sum()
        # bounds keep each part in its role: the body near budget, the tail beyond 1.3 x
        return OverrunModel(body_weight=w[1], body_sd=sig(th[3], *BOUNDS["body_sd"]), lognormal_weight=w[2],
                            lognormal_mu=sig(th[4], *BOUNDS["lognormal_mu"]),
                            lognormal_sigma=sig(th[5], *BOUNDS["lognormal_sigma"]), tail_weight=w[3],
                            tail_min_ratio=sig(th[6], *BOUNDS["tail_min_ratio"]),
                            tail_alpha=sig(th[7], *BOUNDS["tail_alpha"]), max_ratio=max_ratio, kind=kind)

    def loss(th):
        m = build(th)
        if m.tail_min_ratio >= max_ratio * 0.9:
            return 1e9
        d = sum(_distance(m, c) for c in classes) / len(classes)
        if target_mean is not None:
            d += ((mixture_mean(m) - target_mean) / mean_tolerance) ** 2 / 100
        return d

    best = None
    for th0 in _STARTS:  # a few fixed starts: the loss has local minima (tail vs wide lognormal)
        res = optimize.minimize(loss, np.array(th0, float), method="Nelder-Mead",
                                options={"maxiter": 3000, "maxfev": 6000, "xatol": 1e-5, "fatol": 1e-10})
        if best is None or res.fun < best.fun:
            best = res
    assert best is not None, "_STARTS holds several starts"
    res = optimize.minimize(loss, best.x, method="Powell", options={"maxiter": 4000, "xtol": 1e-6, "ftol": 1e-12})
    m = build(res.x)
    m.source = "fit"
    return m


def fit_defaults() -> dict[str, OverrunModel]:
    """Refit both default models from the shipped reference classes (a few seconds)."""
    rc = reference_classes()
    tg = published_targets()
    cost = fit_mixture("cost_overrun", [rc["panorama_cost"]["ratios"], rc["canada_cost"]["ratios"]],
                       target_mean=tg["cost_overrun"]["mean"], mean_tolerance=COST_MEAN_TOLERANCE,
                       max_ratio=COST_MAX_RATIO)
    delay = fit_mixture("delay", [rc["panorama_duration"]["ratios"]], target_mean=tg["delay"]["mean"],
                        mean_tolerance=DELAY_MEAN_TOLERANCE, max_ratio=DELAY_MAX_RATIO)
    return {"cost_overrun": cost, "delay": delay}


def calibration_table(models: dict[str, OverrunModel] | None = None, draws: int = 20_000,
                      seed: int = 0) -> pd.DataFrame:
    """Empirical CDFs of the model and of each reference class, side by side.

    Parameters
    ----------
    models : dict, optional
        ``kind -> OverrunModel``; the fitted defaults when omitted.
    draws : int
        Model draws for its ECDF.
    seed : int
        Seed of the model draws.

    Returns
    -------
    DataFrame
        Long format: ``reference_class``, ``kind``, ``ratio``, ``ecdf_reference``, ``ecdf_model``
        (at each observed ratio), plus ``n`` and ``source``; and summary rows are in
        ``df.attrs["summary"]`` (mean, median, P90 of class and model, Kolmogorov distance).
    """
    models = models or {k: OverrunModel.default(k) for k in KINDS}
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    samples = {k: np.sort(m.sample(rng, draws)) for k, m in models.items()}
    rows, summ = [], []
    for name, rc in reference_classes().items():
        x = np.sort(rc["ratios"])
        s = samples[rc["kind"]]
        ecdf_ref = np.arange(1, len(x) + 1) / len(x)
        ecdf_mod = np.searchsorted(s, x, side="right") / len(s)
        rows.append(pd.DataFrame({"reference_class": name, "kind": rc["kind"], "ratio": x,
                                  "ecdf_reference": ecdf_ref, "ecdf_model": ecdf_mod, "n": len(x),
                                  "source": rc["source"]}))
        summ.append({"reference_class": name, "kind": rc["kind"], "n": len(x),
                     "mean_reference": x.mean(), "mean_model": float(s.mean()),
                     "median_reference": float(np.median(x)), "median_model": float(np.median(s)),
                     "p90_reference": float(np.quantile(x, 0.9)), "p90_model": float(np.quantile(s, 0.9)),
                     "ks_distance": float(np.max(np.abs(ecdf_ref - ecdf_mod)))})
    out = pd.concat(rows, ignore_index=True)
    out.attrs["summary"] = pd.DataFrame(summ)
    return out


@dataclass(frozen=True)
class SavingsRealisation:
    """Realised / declared lasting savings per project: lognormal with ``mean_rate``, ``sd_rate``."""

    mean_rate: float = SAVINGS_REALISATION_MEAN
    sd_rate: float = SAVINGS_REALISATION_SD

    @classmethod
    def from_scenario(cls, scenario: Any) -> SavingsRealisation:
        """``uncertainty.savings_realisation`` of ``scenario`` (its typed section), else the defaults."""
        if not scenario:
            return cls()
        return cls(scenario.uncertainty.savings_mean_rate, scenario.uncertainty.savings_sd_rate)

    def lognormal(self) -> tuple[float, float]:
        """``(mu, sigma)`` of the lognormal with this mean and sd."""
        m, s = self.mean_rate, self.sd_rate
        if m <= 0:
            return -np.inf, 0.0
        sig2 = math.log1p((s / m) ** 2)
        return math.log(m) - 0.5 * sig2, math.sqrt(sig2)
