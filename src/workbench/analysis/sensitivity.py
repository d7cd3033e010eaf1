"""What drives the risk: global sensitivity of the CP-shortfall risk and of the money left to the
uncertain parameters of the simulation (Sobol indices).

The directorate sees a risk of running short of payment credits (CP) and a sum of money left; it
must know which uncertain parameter moves them before it argues about either.  A one-at-a-time
sweep misses interactions (a long contract lag matters more when few laureates drop out); the
variance-based indices of Sobol' do not:

* the **first-order index** ``S1`` of a factor is the share of the output's variance it explains
  alone (``Var(E[Y | X_i]) / Var(Y)``);
* the **total index** ``ST`` adds every interaction it takes part in (``E[Var(Y | X_~i)] / Var(Y)``):
  a factor with ``ST ≈ 0`` may be fixed anywhere in its range without changing the output.

They are estimated as the EMA workbench does (Kwakkel, *Environmental Modelling & Software* 96,
2017), with SALib (Herman and Usher, *JOSS* 2017): Saltelli's sampling scheme (Sobol' sequences,
``N (k + 2)`` points for ``k`` factors and ``N`` base samples, second order not computed) and
Saltelli's and Jansen's estimators (Saltelli et al., *Computer Physics Communications* 181, 2010),
each with a bootstrap confidence interval (SALib's ``num_resamples`` resamples of the points).

The factors are scenario key paths with ranges, declared in the scenario (``sensitivity.factors``:
each with ``low``, ``high`` and the ``assumption`` or ``reference`` behind the range); without that
section, the calibration's priors (``calibration.parameters``) when the scenario has them.  Every
sample point is one parameter set of ONE envelope simulation of the decided portfolio
(:func:`workbench.envelope.simulate` with ``parameter_sets`` and ``common_draws``): each set gets
the same number of draws, and the draws of one replicate share their random numbers across the
sets, so that the sets differ by their parameters only (common random numbers: the Monte Carlo
noise of one set's risk is largely shared by the others and cancels out of the variances).

Outputs per set: the probability that the fund runs short (the summary's ``shortfall_probability``:
CP due above the CP available in at least one year, or exhausted before its last call, or an
overrun left unfunded) and the **money left** at the horizon's end, median over the set's draws:
the commitment authority (AE) available for the calls less the CP paid up to the horizon's last
year (:func:`workbench.reporting.summaries.money_left`: the same definition as the report's first
page).  ``docs/explanation/sensitivity.md`` explains the method and its limits.
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, closest
from ..messages import msg

#: The factors the simulation varies draw by draw (a parameter set's columns,
#: :data:`workbench.envelope.SET_COLUMNS`), with the values each may take and its unit.
#: ``disbursement.profile_rates.first_year_rate`` is the share of a grant paid in its commitment
#: year, the later years' shares scaled to keep their proportions (the profile's shape);
#: ``uncertainty.cost_overrun.excess_scale`` and ``uncertainty.delay.excess_scale`` multiply the
#: mixture's excess over 1 (1: the scenario's mixture; 0: every project on budget and on time).
FACTORS: dict[str, tuple[float, float, str]] = {
    "disbursement.commitment_lag.median_months": (0.0, 240.0, "months"),
    "disbursement.commitment_lag.sigma": (0.0, 3.0, ""),
    "uncertainty.attrition_rate": (0.0, 1.0, "fraction"),
    "uncertainty.phase1_only_rate": (0.0, 1.0, "fraction"),
    "disbursement.profile_rates.first_year_rate": (0.0, 1.0, "fraction"),
    "uncertainty.cost_overrun.excess_scale": (0.0, 3.0, ""),
    "uncertainty.delay.excess_scale": (0.0, 3.0, ""),
}

#: The outputs analysed: the shortfall probability [fraction] and the money left at the horizon's
#: end, median [EUR].
OUTPUTS = ("shortfall_probability", "money_left_p50_eur")

#: Confidence level of the bootstrap intervals, and the bootstrap's resamples (SALib's
#: ``conf_level`` and ``num_resamples``; 1,000 resamples make the interval's own noise small next
#: to its width: an assumption).
CONF_LEVEL = 0.95
NUM_RESAMPLES = 1000


@dataclass(frozen=True)
class Factor:
    """One uncertain parameter: its scenario key path, its range, unit and the source of the range."""

    key: str
    low: float
    high: float
    unit: str = ""
    source: str = ""      # "sensitivity.factors" or "calibration.parameters"
    why: str = ""         # the assumption or reference behind the range


@dataclass
class SensitivityResult:
    """Sobol indices of the outputs (:data:`OUTPUTS`) to the factors.

    Attributes
    ----------
    indices : DataFrame
        One row per output and factor: ``output``, ``factor``, ``S1``, ``S1_conf``, ``ST``,
        ``ST_conf`` (the half-width of the bootstrap interval at ``conf_level``), ``low``,
        ``high``, ``unit``, ``source``; ``output_varies`` False where the output took one value on
        every set (its indices are then 0: nothing to explain).
    left_out : DataFrame
        Factors declared that the simulation cannot vary from draw to draw: ``factor``, ``reason``.
    sets : DataFrame
        Every parameter set (the sample point, in factor terms) and its outputs.
    """

    indices: pd.DataFrame
    left_out: pd.DataFrame
    sets: pd.DataFrame
    factors: list[Factor]
    samples: int
    draws_per_set: int
    seed: int
    conf_level: float
    num_resamples: int
    ae_available_eur: float
    horizon_end: int
    seconds: dict = field(default_factory=dict)

    @property
    def outputs(self) -> tuple[str, ...]:
        """The outputs explained (:data:`OUTPUTS`, in order): the tables and the tornado chart
        read them here, without importing this analysis."""
        return OUTPUTS

    @property
    def n_sets(self) -> int:
        return int(len(self.sets))

    @property
    def draws(self) -> int:
        return self.n_sets * self.draws_per_set

    def table(self, output: str) -> pd.DataFrame:
        """The indices of one output, the factor of highest total index first."""
        t = self.indices[self.indices["output"] == output]
        return t.sort_values(["ST", "factor"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# the factors a scenario declares
# --------------------------------------------------------------------------------------------
def _calibration_ranges(params: Any) -> dict[str, dict]:
    """The calibration's priors as ranges: ``calibration.parameters`` as a mapping ``key ->
    {low, high}`` (or ``{prior: {low, high}}``, ``{prior: [low, high]}``, ``{range: [low, high]}``),
    or as a list of such entries each naming its ``key`` (or ``name``, ``path``)."""
    if isinstance(params, list):
        params = {str(p.get("key") or p.get("name") or p.get("path")): p for p in params if isinstance(p, dict)}
    out = {}
    for key, p in (params or {}).items():
        if not isinstance(p, dict):
            continue
        rng = p.get("prior", p.get("range", p))
        if isinstance(rng, (list, tuple)) and len(rng) == 2:
            lo, hi = rng
        elif isinstance(rng, dict):
            lo, hi = rng.get("low", rng.get("min")), rng.get("high", rng.get("max"))
        else:
            continue
        out[str(key)] = {"low": lo, "high": hi, "assumption": p.get("assumption", ""),
                         "reference": p.get("reference", "")}
    return out


def factors(scenario) -> tuple[list[Factor], pd.DataFrame]:
    """The factors of a scenario's sensitivity analysis and those left out.

    ``sensitivity.factors`` when the scenario declares it, else the calibration's priors
    (``calibration.parameters``).  A factor the simulation varies per draw (:data:`FACTORS`) is
    analysed; a key path of the scenario that it cannot vary per draw (a mixture's weights, the
    lag's cap, the reserve rate…) is left out and listed with its reason.

    Raises
    ------
    InputError
        A key path the scenario does not hold and no known factor, a range outside the values
        the parameter allows, attrition and first-phase shares that may exceed 100 % together,
        or no factor at all (each naming the scenario file and key path).
    """
    declared = scenario.sensitivity.factors
    source = "sensitivity.factors"
    if not declared:
        declared, source = _calibration_ranges(scenario.calibration.parameters), "calibration.parameters"
    file = str(scenario.path)
    probs, out, left = [], [], []
    for key, spec in (declared or {}).items():
        where = f"{source}.{key}"
        if key not in FACTORS:
            if scenario.gives(key) or key == "disbursement.commitment_lag.max_months":
                left.append({"factor": key, "reason": "not_per_draw"})
            else:
                probs.append(Problem(file, where, key, msg("E_SENSITIVITY_FACTOR", choices=list(FACTORS),
                                                            suggestion=closest(key, list(FACTORS)))))
            continue
        lo_ok, hi_ok, unit = FACTORS[key]
        try:
            lo, hi = float(spec["low"]), float(spec["high"])
        except (TypeError, ValueError, KeyError):
            probs.append(Problem(file, where, spec, msg("E_SENSITIVITY_RANGE")))
            continue
        if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < hi:
            probs.append(Problem(file, where, [lo, hi], msg("E_SENSITIVITY_RANGE")))
            continue
        bad_low = lo <= 0 if key == "disbursement.commitment_lag.median_months" else lo < lo_ok
        if bad_low or hi > hi_ok:
            probs.append(Problem(file, where, [lo, hi], msg("E_SENSITIVITY_BOUNDS", low=lo_ok, high=hi_ok)))
            continue
        if key == "disbursement.profile_rates.first_year_rate" and len(scenario.profile_rates) < 2:
            left.append({"factor": key, "reason": "one_year_profile"})
            continue
        out.append(Factor(key, lo, hi, unit, source, str(spec.get("assumption") or spec.get("reference") or "")))
    keys = {f.key: f for f in out}
    if "uncertainty.attrition_rate" in keys or "uncertainty.phase1_only_rate" in keys:
        from ..envelope import Settings  # noqa: PLC0415

        st = Settings.from_scenario(scenario)
        a = keys["uncertainty.attrition_rate"].high if "uncertainty.attrition_rate" in keys else st.attrition_rate
        p = keys["uncertainty.phase1_only_rate"].high if "uncertainty.phase1_only_rate" in keys else st.phase1_only_rate
        if a + p > 1 + 1e-12:
            probs.append(Problem(file, source, a + p, msg("E_SENSITIVITY_RATES_SUM", total=a + p)))
    if not probs and not out:
        probs.append(Problem(file, "sensitivity.factors", None, msg("E_SENSITIVITY_NO_FACTORS")))
    if probs:
        raise InputError(probs)
    return out, pd.DataFrame(left, columns=["factor", "reason"])


# --------------------------------------------------------------------------------------------
# the design: Saltelli's points as parameter sets
# --------------------------------------------------------------------------------------------
def problem(fs: list[Factor]) -> dict:
    """SALib's problem definition of the factors (names and bounds)."""
    return {"num_vars": len(fs), "names": [f.key for f in fs], "bounds": [[f.low, f.high] for f in fs]}


def sample_points(fs: list[Factor], samples: int, seed: int) -> np.ndarray:
    """Saltelli's points (SALib's Sobol' sequence, scrambled with ``seed``): ``samples (k + 2)``
    rows, one column per factor, first order and total indices only."""
    from SALib.sample import sobol as sobol_sample  # noqa: PLC0415 - only for an analysis

    return sobol_sample.sample(problem(fs), int(samples), calc_second_order=False, seed=int(seed))


def parameter_sets(scenario, fs: list[Factor], points: np.ndarray) -> pd.DataFrame:
    """The parameter sets of :func:`workbench.envelope.simulate` for the sample points: a column
    per factor the simulation reads (:data:`workbench.envelope.SET_COLUMNS`); the first year's
    share of the payment profile becomes the whole profile (the later years' shares scaled to
    keep their proportions, so that it still sums to 1)."""
    frame = pd.DataFrame(index=range(len(points)))
    prof = np.asarray(scenario.profile_rates, float)
    for j, f in enumerate(fs):
        x = points[:, j].astype(float)
        if f.key == "disbursement.profile_rates.first_year_rate":
            rest = prof[1:] / prof[1:].sum() if prof[1:].sum() > 0 else np.full(len(prof) - 1, 1.0 / (len(prof) - 1))
            frame["disbursement.profile_rates"] = [tuple([a, *((1.0 - a) * rest)]) for a in x]
        else:
            frame[f.key] = x
    return frame


# --------------------------------------------------------------------------------------------
# the analysis
# --------------------------------------------------------------------------------------------
def sobol_indices(fs: list[Factor], y: np.ndarray, seed: int, conf_level: float = CONF_LEVEL,
                  num_resamples: int = NUM_RESAMPLES) -> pd.DataFrame:
    """First-order and total Sobol indices of one output ``y`` (one value per Saltelli point, in
    :func:`sample_points`' order) with their bootstrap confidence intervals (half-widths).

    An output that takes one value on every point has no variance to share: its indices are 0
    (``output_varies`` False) rather than SALib's 0/0."""
    from SALib.analyze import sobol as sobol_analyze  # noqa: PLC0415

    y = np.asarray(y, float)
    names = [f.key for f in fs]
    if not np.isfinite(y).all() or float(np.ptp(y)) == 0.0:
        z = np.zeros(len(fs))
        return pd.DataFrame({"factor": names, "S1": z, "S1_conf": z, "ST": z, "ST_conf": z, "output_varies": False})
    with warnings.catch_warnings():   # SALib warns when some resample is constant: the intervals say it
        warnings.filterwarnings("ignore", message="Constant values encountered", category=UserWarning)
        res = sobol_analyze.analyze(problem(fs), y, calc_second_order=False, num_resamples=int(num_resamples),
                                    conf_level=float(conf_level), seed=int(seed))
    return pd.DataFrame({"factor": names, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"],
                         "ST_conf": res["ST_conf"], "output_varies": True})


def analyze(scenario, decided, samples: int | None = None, draws_per_set: int | None = None,
            seed: int | None = None, conf_level: float = CONF_LEVEL, num_resamples: int = NUM_RESAMPLES,
            progress: bool = False) -> SensitivityResult:
    """Sobol indices of the shortfall risk and of the money left to the scenario's factors.

    Parameters
    ----------
    scenario : Scenario
    decided : RankResult
        The decided portfolio (:func:`workbench.pipeline.decide`, or ``Evaluation.ranking``): the
        simulation funds it, as the report's does.
    samples : int, optional
        Saltelli's base samples ``N`` (a power of 2; default ``sensitivity.samples``, else
        :data:`workbench.scenario.DEFAULT_SENSITIVITY_SAMPLES`).
    draws_per_set : int, optional
        Simulation draws per parameter set (default ``sensitivity.draws_per_set``, else
        :data:`workbench.scenario.DEFAULT_SENSITIVITY_DRAWS_PER_SET`).
    seed : int, optional
        The simulation's seed and the scrambling of the Sobol' sequence and of the bootstrap
        (default: the scenario's).

    Raises
    ------
    InputError
        Bad factors (:func:`factors`), a number of samples that is not a power of 2, or draws per
        set below 1.
    """
    from ..pipeline import resolve_seed, simulate_portfolio  # noqa: PLC0415 - the one simulation of a portfolio
    sec = scenario.sensitivity
    n = int(samples if samples is not None else sec.samples)
    d = int(draws_per_set if draws_per_set is not None else sec.draws_per_set)
    probs = []
    if n < 2 or n & (n - 1):
        probs.append(Problem("<option>", "--samples", n, msg("E_POWER_OF_TWO")))
    if d < 1:
        probs.append(Problem("<option>", "--draws-per-set", d, msg("E_WHOLE_NUMBER_MIN", minimum=1)))
    if probs:
        raise InputError(probs)
    fs, left = factors(scenario)
    seed = resolve_seed(scenario, seed)
    t0 = time.perf_counter()
    points = sample_points(fs, n, seed)
    sets = parameter_sets(scenario, fs, points)
    t1 = time.perf_counter()
    sim = simulate_portfolio(scenario, decided, seed=seed, draws=len(sets) * d, parameter_sets=sets,
                             common_draws=True, progress=progress)
    t2 = time.perf_counter()
    summ = sim.set_summary
    row = summ[summ["level_kind"] == "all"] if (summ["level_kind"] == "all").any() else summ
    row = row.sort_values("set")
    ae = float(decided.totals["budget_eur"])
    y = {"shortfall_probability": row["shortfall_probability"].to_numpy(float),
         "money_left_p50_eur": ae - row["cp_paid_to_horizon_p50_eur"].to_numpy(float)}
    parts = []
    for name in OUTPUTS:
        t = sobol_indices(fs, y[name], seed, conf_level, num_resamples)
        t.insert(0, "output", name)
        parts.append(t)
    info = pd.DataFrame([{"factor": f.key, "low": f.low, "high": f.high, "unit": f.unit, "source": f.source}
                         for f in fs])
    indices = pd.concat(parts, ignore_index=True).merge(info, on="factor", how="left")
    table = pd.DataFrame(points, columns=[f.key for f in fs])
    for name in OUTPUTS:
        table[name] = y[name]
    t3 = time.perf_counter()
    return SensitivityResult(indices, left, table, fs, n, d, seed, float(conf_level), int(num_resamples), ae,
                             int(scenario.years[-1]),
                             {"sample_s": t1 - t0, "simulate_s": t2 - t1, "indices_s": t3 - t2, "total_s": t3 - t0})
