"""Calibration of a scenario's assumed parameters on its fund's published history, as a step.

``workbench calibrate SCENARIO --until DATE`` fits the parameters the scenario declares in
``calibration.parameters`` (key paths with priors: a decision-to-commitment lag, a payment
profile, a quality bar, an allotment rule, a pipeline size: whatever no document states) to the
published figures of its history file (:mod:`workbench.history`) dated up to ``DATE``, and
writes a posterior sample the scenario can use (``calibration.posterior``, or ``workbench
backtest --posterior``), with its provenance.

Method: Bayesian history matching with implausibility (Craig, Goldstein, Seheult and Smith
1997; Vernon, Goldstein and Bower 2010, "Galaxy formation: a Bayesian uncertainty analysis",
Bayesian Analysis 5(4); Andrianakis et al. 2015, "Bayesian history matching of complex
infectious disease models using emulation", PLoS Comput Biol 11(1)), run on the simulator
itself instead of an emulator (one evaluation costs about a second):

* wave 1: a Latin hypercube of ``points`` parameter sets over the priors
  (:class:`scipy.stats.qmc.LatinHypercube`; a ``choices`` prior takes the cell's choice);
* each parameter set is run ``replicates`` times (:func:`workbench.analysis.observables.model_run`:
  a synthetic pipeline, the decisions, one simulation draw).  The replicates' mean ``m`` and
  variance ``v`` give, for each figure ``z`` with observation error ``s_o`` and model
  discrepancy ``s_d = calibration.discrepancy_rate x |z|``, the implausibility

      I = |z - m| / sqrt(s_o**2 + s_d**2 + v + v / replicates)

  (the model's own variance ``v`` is the ensemble variability of a stochastic simulator; ``v /
  replicates`` the Monte Carlo error of ``m``, in place of an emulator's variance).  For a
  published range the numerator is the distance from ``m`` to the range;
* a set is non-implausible when its largest implausibility is at most ``cutoff`` (3, Pukelsheim's
  three-sigma rule: at least 95 % of any unimodal distribution lies within 3 sd);
* waves 2, 3, ...: ``points`` new sets drawn around the non-implausible ones (a Gaussian step of
  twice their spread in the unit cube; a ``choices`` prior keeps its choice or, one time in
  five, takes another), each run and judged the same way; while none has passed, around the
  least implausible tenth of the sets run so far;
* the posterior sample is every non-implausible set of every wave: a sample of the
  non-implausible space, each set equally likely.  History matching rules out; it does not
  weigh what it keeps.

Why history matching rather than ABC-SMC (``pyabc``): it needs a few hundred simulator runs
where ABC-SMC needs thousands, its cut-off reads directly as "the model cannot reproduce this
figure", and the model discrepancy and the observation errors enter it as variances a reader
can check.  When no set is non-implausible, that is the answer: the model as specified cannot
reproduce the figures; the sets least implausible are then written, marked so
(``calibration.json``: ``"status": "none_below_cutoff"``).

Runs are spread over processes (:func:`workbench.sweep.make_executor`); each run's seed depends
only on the calibration's seed, the wave and the replicate (every set of a wave meets the same
pipelines: common random numbers), so the sample is the same whatever the executor.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import platform
import time
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import Collector, InputError, Problem
from ..files import project_relative
from ..messages import Message, msg
from ..scenario import CalibrationSection
from ..posterior import load_posterior, parameter_sets, posterior_status, posterior_until  # noqa: F401 - re-exported

#: Defaults of the method, as the scenario's schema declares them (a scenario's ``calibration``
#: section sets its own).  The model discrepancy when a scenario declares none is an assumption:
#: what a model of synthetic pipelines and one lag for every project cannot represent is of the
#: order of a tenth of each figure.
_DEFAULTS = CalibrationSection()
DEFAULT_POINTS, DEFAULT_REPLICATES, DEFAULT_WAVES, DEFAULT_CUTOFF = (_DEFAULTS.points, _DEFAULTS.replicates,
                                                                    _DEFAULTS.waves, _DEFAULTS.cutoff)
DEFAULT_DISCREPANCY_RATE = _DEFAULTS.discrepancy_rate
#: Share of the sets written when none is below the cut-off (the least implausible ones).
FALLBACK_SHARE = 0.1
METHOD = "history matching (implausibility, waves, no emulator)"


@dataclass(frozen=True)
class Prior:
    """A calibrated parameter: its key path and its prior (a uniform range, or choices)."""

    keypath: str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    integer: bool = False

    def value(self, u: float) -> Any:
        """The parameter's value at ``u`` in [0, 1] of its prior."""
        u = min(max(float(u), 0.0), 1.0)
        if self.choices:
            return self.choices[min(int(u * len(self.choices)), len(self.choices) - 1)]
        low, high = self._range()
        x = low + u * (high - low)
        return int(round(x)) if self.integer else float(x)

    def unit(self, value: Any) -> float:
        """Where ``value`` lies in [0, 1] of the prior (a choice: the middle of its cell)."""
        if self.choices:
            i = [json.dumps(c) for c in self.choices].index(json.dumps(value))
            return (i + 0.5) / len(self.choices)
        low, high = self._range()
        return (float(value) - low) / (high - low)

    def _range(self) -> tuple[float, float]:
        """``(low, high)`` of a prior without choices (:func:`priors` gives it both)."""
        assert self.low is not None and self.high is not None, "a prior without choices is a range"
        return self.low, self.high


def priors(scenario) -> list[Prior]:
    """The scenario's calibrated parameters (``calibration.parameters``), in file order; a call's
    parameter is left out where the scenario has no such call.

    Raises
    ------
    InputError
        No parameter declared, or a prior value the scenario refuses (file, key path, value, rule).
    """
    col = Collector(str(scenario.path))
    out = []
    for kp, p in scenario.calibration.parameters.items():
        if not scenario.prior_applies(kp):
            continue
        if "choices" in p:
            pr = Prior(kp, choices=tuple(p["choices"]))
        else:
            pr = Prior(kp, float(p["range"][0]), float(p["range"][1]), integer=bool(p.get("integer", False)))
        for u in (0.0, 1.0) if not pr.choices else [(i + 0.5) / len(pr.choices) for i in range(len(pr.choices))]:
            try:
                scenario.with_parameters({kp: pr.value(u)})
            except InputError as exc:
                col.add(f"calibration.parameters.{kp}", pr.value(u),
                        msg("E_PRIOR_VALUE", detail="; ".join(p.rule for p in exc.problems)))
        out.append(pr)
    if not out:
        col.add("calibration.parameters", None, msg("E_CALIBRATION_NO_PARAMETERS"))
    col.raise_if_any()
    return out


def settings(scenario) -> dict:
    """The method's settings from ``calibration`` (defaults where the scenario is silent)."""
    c = scenario.calibration
    return {"points": int(c.points), "replicates": int(c.replicates), "waves": int(c.waves),
            "cutoff": float(c.cutoff), "discrepancy_rate": float(c.discrepancy_rate)}


def discrepancy_rate(scenario) -> float:
    """``calibration.discrepancy_rate`` [fraction of each figure], else :data:`DEFAULT_DISCREPANCY_RATE`."""
    return settings(scenario)["discrepancy_rate"]


def noise_sd(fig, rate: float) -> float:
    """The standard deviation of what separates a published figure from the model's expected
    value besides the model's own variance: the observation error and the model discrepancy
    (``rate`` x the figure, or x the range's upper end) [the figure's unit]."""
    return math.sqrt(fig.error_sd ** 2 + (rate * abs(fig.reference_value)) ** 2)


def implausibility(fig, mean: float, var: float, replicates: int, rate: float) -> float:
    """The implausibility of a parameter set for one figure (see the module)."""
    if fig.is_range:
        gap = max(fig.low - mean, 0.0, mean - fig.high)
    else:
        gap = abs(fig.value - mean)
    denom = math.sqrt(noise_sd(fig, rate) ** 2 + var * (1.0 + 1.0 / max(replicates, 1)))
    if gap == 0.0:
        return 0.0
    return gap / denom if denom > 0 else math.inf


def calibration_figures(scenario, until: dt.date, history=None) -> tuple:
    """The figures a calibration up to ``until`` fits: those that apply to the scenario, dated by
    ``until``, and not mere repeats of its inputs."""
    from ..history import figures_for

    return tuple(f for f in figures_for(scenario, history) if f.date <= until and not f.repeats_input)


# ---- one chunk of runs: any process may compute it -----------------------------------------
def _run_point(task) -> tuple[int, int, list[dict], float]:
    """``(wave, point, [observables of each replicate], CPU seconds)`` for one parameter set."""
    from .observables import model_run

    scenario, figures, wave, point, values, seeds, until = task
    cpu = time.process_time()
    try:
        scn = scenario.with_parameters(values) if values else scenario
        return wave, point, [model_run(scn, figures, s, until) for s in seeds], time.process_time() - cpu
    except InputError as exc:   # the parameter set makes an input the model refuses: ruled out
        return wave, point, [{"_error": str(exc.problems[0])}], time.process_time() - cpu


def run_seeds(seed: int, wave: int, replicates: int) -> list[int]:
    """The replicates' seeds of a wave (common to every parameter set of the wave)."""
    ss = np.random.SeedSequence([int(seed), int(wave)]).spawn(replicates)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in ss]


@dataclass
class CalibrationResult:
    """What a calibration gives: the posterior sample, every set run with its implausibility,
    and the provenance."""

    posterior: pd.DataFrame
    points: pd.DataFrame
    provenance: dict
    figures: tuple = field(repr=False, default=())

    @property
    def status(self) -> str:
        return self.provenance["status"]


def calibrate(scenario, until: dt.date, seed: int | None = None, points: int | None = None,
              replicates: int | None = None, waves: int | None = None, cutoff: float | None = None,
              executor: Any = None, progress: Callable[[Message], None] | None = None) -> CalibrationResult:
    """History matching of the scenario's ``calibration.parameters`` on its published figures
    dated up to ``until`` (see the module).  ``executor``: a :mod:`workbench.sweep` executor
    (default: 2 processes, or this one on a single core); ``progress`` receives one coded
    message per wave (:class:`workbench.messages.Message`).

    Raises
    ------
    InputError
        The scenario names no history file, declares no parameter, or no figure is dated by ``until``.
    """
    from ..history import history_of
    from ..sweep import Sequential, make_executor

    started = time.time()
    hist = history_of(scenario)
    if hist is None:
        raise InputError([Problem(str(scenario.path), "history", None, msg("E_CALIBRATION_NO_HISTORY"))])
    figs = calibration_figures(scenario, until, hist)
    if not figs:
        raise InputError([Problem("<option>", "--until", until.isoformat(),
                                  msg("E_CALIBRATION_NO_FIGURE", until=until.isoformat()))])
    prs = priors(scenario)
    st = settings(scenario)
    n = int(points or st["points"])
    R = int(replicates or st["replicates"])
    W = int(waves or st["waves"])
    cut = float(cutoff or st["cutoff"])
    rate = st["discrepancy_rate"]
    seed = int(scenario.seed if seed is None else seed)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0xCA11]))
    from scipy.stats import qmc

    d = len(prs)
    if executor is None:
        executor = make_executor("processes", min(2, os.cpu_count() or 1)) if (os.cpu_count() or 1) > 1 \
            else Sequential()
    rows: list[dict] = []
    keep_u = np.empty((0, d))
    table_u, table_i = np.empty((0, d)), np.empty(0)
    evaluations, cpu_s = 0, 0.0
    with executor as ex:
        for w in range(1, W + 1):
            if w == 1:
                U = qmc.LatinHypercube(d=d, seed=rng).random(n)
            elif len(keep_u):
                U = _refocus(keep_u, prs, n, rng)
            else:   # none passed yet: explore around the least implausible tenth so far
                n_best = max(2, int(math.ceil(FALLBACK_SHARE * len(table_i))))
                best = table_u[np.argsort(table_i, kind="stable")[:n_best]]
                U = _refocus(best, prs, n, rng)
            seeds = run_seeds(seed, w, R)
            tasks = [(scenario, figs, w, i, {p.keypath: p.value(u) for p, u in zip(prs, U[i])}, seeds, until)
                     for i in range(n)]
            got: dict[int, list[dict]] = {}
            for res in ex.map(_run_point, tasks):
                if not isinstance(res, tuple):   # a lost task (a worker died): computed here
                    res = _run_point(res.item)
                got[res[1]] = res[2]
                cpu_s += res[3]
            evaluations += n * R
            wave_rows = []
            for i in range(n):
                obs = got[i]
                rec = {"wave": w, "point": i, **{p.keypath: _cell(p.value(u)) for p, u in zip(prs, U[i])}}
                if "_error" in obs[0]:
                    rec.update(implausibility=math.inf, worst_figure="model_error: " + obs[0]["_error"])
                    wave_rows.append(rec)
                    continue
                worst, worst_fig = 0.0, ""
                for f in figs:
                    vals = np.array([o[f.id] for o in obs], float)
                    m, v = float(np.nanmean(vals)), float(np.nanvar(vals, ddof=1)) if len(vals) > 1 else 0.0
                    imp = implausibility(f, m, v, R, rate)
                    rec[f"mean:{f.id}"] = m
                    rec[f"impl:{f.id}"] = imp
                    if imp > worst or not worst_fig:
                        worst, worst_fig = imp, f.id
                rec["implausibility"] = worst
                rec["worst_figure"] = worst_fig
                wave_rows.append(rec)
            rows += wave_rows
            ok = np.array([r["implausibility"] <= cut for r in wave_rows])
            table_u = np.vstack([table_u, U])
            table_i = np.concatenate([table_i, [r["implausibility"] for r in wave_rows]])
            if ok.any():
                keep_u = np.vstack([keep_u, U[ok]]) if len(keep_u) else U[ok]
            if progress is not None:
                best = min(r["implausibility"] for r in wave_rows)
                progress(msg("I_CALIBRATION_WAVE", wave=w, waves=W, kept=int(ok.sum()), points=n, best=best))
    table = pd.DataFrame(rows)
    keys = [p.keypath for p in prs]
    kept = table[table["implausibility"] <= cut]
    status = "ok"
    if not len(kept):
        status = "none_below_cutoff"
        k = max(3, int(math.ceil(FALLBACK_SHARE * len(table))))
        kept = table.nsmallest(k, "implausibility", keep="first")
    posterior = kept[keys].reset_index(drop=True)
    from ..version import __version__

    prov = {
        "scenario": scenario.name, "scenario_file": project_relative(scenario.path), "scenario_sha256": scenario.hash(),
        "history_file": project_relative(hist.path), "history_sha256": hist.sha256, "until": until.isoformat(),
        "method": METHOD, "cutoff": cut, "waves": W, "points_per_wave": n, "replicates": R,
        "evaluations": int(evaluations), "seed": seed, "discrepancy_rate": rate,
        # CPU time of the runs (whatever else the machine ran meanwhile) [s]
        "cpu_s": round(cpu_s, 1),
        "parameters": [{"keypath": p.keypath, **({"choices": list(p.choices)} if p.choices else
                                                {"range": [p.low, p.high], "integer": p.integer})} for p in prs],
        "figures": [f.id for f in figs], "kept": int(len(posterior)), "status": status,
        "kept_per_wave": [int((table[table["wave"] == w]["implausibility"] <= cut).sum()) for w in range(1, W + 1)],
        "worst_figures": table.loc[table["implausibility"] > cut, "worst_figure"].value_counts().to_dict(),
        "started": dt.datetime.fromtimestamp(started, dt.timezone.utc).isoformat(timespec="seconds"),
        "wall_s": round(time.time() - started, 1), "workbench_version": __version__,
        # the version and a fingerprint of the package's code and data (the disk cache's key)
        "code_version": _code_version(),
        "python": platform.python_version(), "executor": executor.describe(),
    }
    return CalibrationResult(posterior=posterior, points=table, provenance=prov, figures=figs)


def _code_version() -> str:
    from ..version import code_fingerprint

    return code_fingerprint()


def _cell(v: Any) -> Any:
    """A parameter's value as a cell of the posterior table (a list as JSON text)."""
    return json.dumps(v) if isinstance(v, (list, tuple, dict)) else v


def _refocus(keep_u: np.ndarray, prs: Sequence[Prior], n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` new points in the unit cube around the non-implausible ones ``keep_u``: a random one
    moved by a Gaussian step of twice their spread (at least 0.05), reflected into [0, 1]; a
    ``choices`` coordinate keeps its cell or, one time in five, takes another."""
    spread = np.maximum(2.0 * keep_u.std(axis=0), 0.05) if len(keep_u) > 1 else np.full(keep_u.shape[1], 0.1)
    base = keep_u[rng.integers(0, len(keep_u), n)]
    out = base + rng.normal(0.0, 1.0, base.shape) * spread
    out = np.abs(out)
    out = np.where(out > 1.0, 2.0 - out, out).clip(0.0, 1.0 - 1e-12)
    for j, p in enumerate(prs):
        if p.choices:
            k = len(p.choices)
            cell = np.minimum((base[:, j] * k).astype(int), k - 1)
            switch = rng.random(n) < 0.2
            other = rng.integers(0, k, n)
            cell = np.where(switch, other, cell)
            out[:, j] = (cell + 0.5) / k
    return out


def write_calibration(result: CalibrationResult, out_dir: str | Path) -> Path:
    """``posterior.csv`` (one row per parameter set, columns = key paths), ``points.csv`` (every
    set run, its mean and implausibility per figure) and ``calibration.json`` (provenance),
    written together (all or nothing) into ``out_dir``."""
    from ..files import csv_bytes, write_folder

    def build(tmp: Path) -> None:
        (tmp / "posterior.csv").write_bytes(csv_bytes(result.posterior))
        (tmp / "points.csv").write_bytes(csv_bytes(result.points))
        (tmp / "calibration.json").write_text(json.dumps(result.provenance, indent=2, ensure_ascii=False,
                                                         default=str) + "\n", encoding="utf-8")
        for f in tmp.iterdir():
            from ..files import file_mode

            os.chmod(f, file_mode())

    return write_folder(out_dir, build)


def summary(posterior: pd.DataFrame) -> pd.DataFrame:
    """Median and P10-P90 of each numeric parameter of a posterior sample; a ``choices``
    parameter's most frequent value and its share."""
    rows = []
    for c in posterior.columns:
        col = posterior[c]
        nums = pd.to_numeric(col, errors="coerce")
        if nums.notna().all():
            rows.append({"parameter": c, "median": float(nums.median()), "p10": float(nums.quantile(0.1)),
                         "p90": float(nums.quantile(0.9)), "mode": "", "mode_share": float("nan")})
        else:
            txt = col.map(lambda v: json.dumps(v) if isinstance(v, (list, dict)) else str(v))
            vc = txt.value_counts()
            rows.append({"parameter": c, "median": float("nan"), "p10": float("nan"), "p90": float("nan"),
                         "mode": vc.index[0], "mode_share": float(vc.iloc[0] / len(txt))})
    return pd.DataFrame(rows)
