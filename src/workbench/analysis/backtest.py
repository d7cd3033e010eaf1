"""Back-test: a scenario's predictions against its fund's published history, in and out of sample.

A budget directorate tests a model on the past before trusting it on the future, and a test
must be able to fail.  The published figures are data (:mod:`workbench.history`: the file the
scenario names by ``history:``), each dated by the period it describes.  The back-test draws
``replicates`` runs of the stochastic model (:func:`workbench.analysis.observables.model_run`):
each takes a parameter set (a row of the posterior sample of ``workbench calibrate``, else the
scenario's own values), a synthetic pipeline (the real applications are not public), the
committees' decisions call by call and one envelope-simulation draw.  The posterior predictive
distribution of a figure pools the runs, each with the observation error and the model
discrepancy added (:data:`NOISE_DRAWS` normal draws of standard deviation
:func:`workbench.analysis.calibrate.noise_sd`); its P5-P95 interval judges the figure:

* a published value passes when it lies inside the 90 % predictive interval;
* a published range passes when it overlaps the interval.

With a calibration window (``calibrate_until``), every figure is marked in sample (dated by the
window's end: the parameters were fitted on it) or out of sample (after it: the test).  The
score is over the out-of-sample figures that do not merely repeat an input (``repeats_input`` in
the history file): the coverage of their intervals (the share that pass; a calibrated model
covers about 90 %) and the mean CRPS of the point figures (the continuous ranked probability
score of the predictive ensemble, :func:`crps`, divided by the published value: 0 for a perfect
point forecast, 0.023 for a normal forecast centred on the truth with a standard deviation of 10 %
of it, more when the forecast is off or vague).

:func:`power_table` runs models that are clearly wrong (``calibration.wrong_models``: key-path
overrides on top of the posterior) and says which out-of-sample figures reject each one.
"""
from __future__ import annotations

import datetime as dt
import os
import pickle
import sys
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np
import pandas as pd

#: The predictive interval's percentiles [%]: a 90 % interval.
PREDICTIVE_PERCENTILES = (5.0, 95.0)
#: Normal draws of observation error and model discrepancy added to each run's value.
NOISE_DRAWS = 20


def crps(samples: np.ndarray, observed: float) -> float:
    """Continuous ranked probability score of an ensemble forecast ``samples`` for ``observed``
    (Gneiting and Raftery 2007, "Strictly proper scoring rules", JASA 102: CRPS = E|X - y| -
    E|X - X'| / 2), in the figure's unit; lower is better."""
    x = np.sort(np.asarray(samples, float))
    n = len(x)
    if not n:
        return float("nan")
    i = np.arange(1, n + 1)
    spread = 2.0 * np.sum((2 * i - n - 1) * x) / (n * n)
    return float(np.mean(np.abs(x - observed)) - 0.5 * spread)


@dataclass
class Setup:
    """What every run of a back-test shares (picklable: another process may compute runs)."""

    scenario: Any
    figures: tuple
    parameter_sets: list
    replicates: int
    seed: int
    until: dt.date | None = None
    discrepancy_rate: float = 0.1


@dataclass
class BacktestResult:
    """The back-test's table (one row per figure), its score and what ran."""

    table: pd.DataFrame
    replicates: int
    seed: int
    until: dt.date | None = None
    parameter_sets: int = 0
    score: dict = field(default_factory=dict)
    scenario: Any = field(repr=False, default=None)
    draws: int = 1

    @property
    def passed(self) -> bool:
        return bool(self.table["passed"].all()) if len(self.table) else True


def setup(scenario, replicates: int = 30, seed: int | None = None, calibrate_until: dt.date | None = None,
          posterior: pd.DataFrame | None = None, figures: tuple | None = None,
          overrides: dict | None = None) -> Setup:
    """The back-test's shared inputs: the figures (default: the scenario's history file's), the
    parameter sets (``posterior`` rows, else the scenario's ``calibration.posterior``, else
    none: the scenario's values), each with ``overrides`` applied on top."""
    from ..history import figures_for
    from .calibrate import discrepancy_rate, load_posterior, parameter_sets

    figs = figures_for(scenario) if figures is None else tuple(figures)
    if posterior is None and scenario.posterior_path() is not None:
        posterior = load_posterior(scenario.posterior_path(), scenario)
    sets = parameter_sets(posterior) if posterior is not None else []
    if overrides:
        sets = [{**s, **overrides} for s in sets] if sets else [dict(overrides)]
    return Setup(scenario, figs, sets, int(replicates), int(scenario.seed if seed is None else seed),
                 calibrate_until, discrepancy_rate(scenario))


def run_backtest(scenario, replicates: int = 30, seed: int | None = None, calibrate_until: dt.date | None = None,
                 posterior: pd.DataFrame | None = None, figures: tuple | None = None,
                 overrides: dict | None = None) -> BacktestResult:
    """The back-test of ``scenario`` in this process (see the module and :func:`setup`).

    Run ``r`` draws from child ``r`` of ``SeedSequence(seed)`` and takes parameter set
    ``perm[r % n]`` (a permutation seeded by ``seed``): the result depends on nothing else.
    """
    s = setup(scenario, replicates, seed, calibrate_until, posterior, figures, overrides)
    return _assemble(s, [_replicate(s, r) for r in range(s.replicates)])


def _set_of(s: Setup, r: int) -> dict:
    if not s.parameter_sets:
        return {}
    perm = np.random.default_rng(np.random.SeedSequence([s.seed, 1])).permutation(len(s.parameter_sets))
    return s.parameter_sets[int(perm[r % len(perm)])]


def _replicate(s: Setup, r: int) -> dict[str, float]:
    """Run ``r``'s value of every figure (``{figure id: value}``); it depends only on its seed
    and its parameter set, so any process may compute it."""
    from .observables import model_run

    child = np.random.SeedSequence(s.seed).spawn(s.replicates)[r]
    values = _set_of(s, r)
    scn = s.scenario.with_parameters(values) if values else s.scenario
    return model_run(scn, s.figures, int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)))


def _assemble(s: Setup, runs: list[dict]) -> BacktestResult:
    """The back-test table from the runs' figures, in run order."""
    from .calibrate import noise_sd

    rng = np.random.default_rng(np.random.SeedSequence([s.seed, 2]))
    lo_q, hi_q = PREDICTIVE_PERCENTILES
    rows = []
    for f in s.figures:
        v = np.array([run[f.id] for run in runs], float)
        v = v[~np.isnan(v)]
        sd = noise_sd(f, s.discrepancy_rate)
        noise = rng.normal(0.0, 1.0, (len(v), NOISE_DRAWS)) * sd
        pred = (v[:, None] + noise).ravel() if len(v) else v
        plo, phi = (float(np.percentile(pred, q)) for q in (lo_q, hi_q)) if len(pred) else (np.nan, np.nan)
        if f.is_range:
            ok = bool(len(pred) and phi >= f.low - 0.5 and plo <= f.high + 0.5)
            score, gap = float("nan"), float("nan")
        else:
            ok = bool(len(pred) and plo <= f.value <= phi)
            score = crps(pred, f.value)
            gap = (float(v.mean()) - f.value) / f.value if len(v) and f.value else float("nan")
        sample = "" if s.until is None else ("in" if f.date <= s.until else "out")
        rows.append({
            "figure": f.id, "label": f.text("en"), "label_fr": f.text("fr"), "kind": f.kind, "unit": f.unit,
            "date": f.date.isoformat(), "sample": sample, "counted": not f.repeats_input,
            "observed": f.value if not f.is_range else float("nan"),
            "observed_low": f.low if f.is_range else float("nan"),
            "observed_high": f.high if f.is_range else float("nan"),
            "error_sd": f.error_sd, "published_value": f.reference_value,
            "simulated_mean": float(v.mean()) if len(v) else float("nan"),
            "simulated_p10": float(np.percentile(v, 10)) if len(v) else float("nan"),
            "simulated_p90": float(np.percentile(v, 90)) if len(v) else float("nan"),
            "predicted_low": plo, "predicted_high": phi, "relative_gap": gap, "passed": ok,
            "crps": score, "crps_rate": score / abs(f.value) if not f.is_range and f.value else float("nan"),
            "repeats_input": f.repeats_input, "source": f.citation(),
        })
    table = pd.DataFrame(rows)
    table.attrs.update(replicates=s.replicates, seed=s.seed)
    return BacktestResult(table, s.replicates, s.seed, s.until, len(s.parameter_sets), score_of(table), s.scenario)


def score_of(table: pd.DataFrame) -> dict:
    """The score of a back-test table: over the out-of-sample figures counted (all counted
    figures when no calibration window is given), the coverage of the predictive intervals and
    the mean CRPS / published value of the point figures; the same coverage in sample."""
    if not len(table):
        return {}
    counted = table[table["counted"].astype(bool)]
    out = counted[counted["sample"] != "in"]
    ins = counted[counted["sample"] == "in"]
    return {"out_of_sample": int(len(out)), "out_of_sample_passed": int(out["passed"].sum()),
            "coverage": float(out["passed"].mean()) if len(out) else float("nan"),
            "crps_rate": float(out["crps_rate"].mean()) if out["crps_rate"].notna().any() else float("nan"),
            "in_sample": int(len(ins)), "in_sample_passed": int(ins["passed"].sum()),
            "in_sample_coverage": float(ins["passed"].mean()) if len(ins) else float("nan"),
            "not_counted": int((~table["counted"].astype(bool)).sum())}


def wrong_models(scenario) -> dict[str, dict]:
    """The scenario's models clearly wrong (``calibration.wrong_models``: ``{name: {key path:
    value}}``), the calls it does not have left out."""
    return {name: {k: v for k, v in m.items() if scenario.prior_applies(k)}
            for name, m in scenario.calibration.wrong_models.items()}


def power_table(scenario, calibrate_until: dt.date, replicates: int = 30, seed: int | None = None,
                posterior: pd.DataFrame | None = None, models: dict | None = None) -> pd.DataFrame:
    """Each wrong model (default :func:`wrong_models`) back-tested on top of the posterior: the
    out-of-sample figures it fails (``failed``: ids, ``;``-joined), how many of how many, its
    coverage and CRPS, ``rejected``: whether at least one counted out-of-sample figure fails,
    ``beyond_reference``: the figures it fails that the model itself (first row) passes (a
    rejection that owes nothing to the model's own misses), and the in-sample figures it fails
    (``failed_in_sample``: what a calibration would rule out).
    The first row is the model itself (its posterior, else the scenario's values), for comparison."""
    models = wrong_models(scenario) if models is None else models
    rows: list[dict] = []
    first = "(posterior)" if posterior is not None or scenario.posterior_path() is not None else "(scenario)"
    for name, over in [(first, {}), *models.items()]:
        # two processes share the runs, as in the report (each run depends only on its seed)
        res = PendingBacktest(setup(scenario, replicates, seed, calibrate_until, posterior,
                                    overrides=over or None)).result()
        t = res.table
        out = t[(t["sample"] == "out") & t["counted"].astype(bool)]
        failed = out.loc[~out["passed"].astype(bool), "figure"].tolist()
        ins = t[(t["sample"] == "in") & t["counted"].astype(bool)]
        reference = set(rows[0]["failed"].split(";")) if rows else set(failed)   # the first row: itself
        rows.append({"model": name, "overrides": "; ".join(f"{k} = {v}" for k, v in over.items()),
                     "rejected": bool(failed), "failed": ";".join(failed), "n_failed": len(failed),
                     "beyond_reference": ";".join(f for f in failed if f not in reference),
                     "failed_in_sample": ";".join(ins.loc[~ins["passed"].astype(bool), "figure"]),
                     "n_out_of_sample": int(len(out)), "coverage": res.score.get("coverage", float("nan")),
                     "crps_rate": res.score.get("crps_rate", float("nan"))})
    return pd.DataFrame(rows)


class PendingBacktest:
    """A back-test under way in another process (:func:`start_backtest`).

    The other process (a fresh Python running :func:`_serve`, fed through a pipe) computes the
    replicates from the first one up and says which one it starts; :meth:`result` computes the
    ones it has not reached, from the last one down, then collects the others.  Each replicate
    depends only on its own seed, so who computes it changes nothing.
    """

    def __init__(self, s: Setup):
        import subprocess  # noqa: PLC0415
        import threading  # noqa: PLC0415

        self.setup = s
        replicates = s.replicates
        self._claimed = -1                     # the highest replicate the other process started
        self._done: dict[int, dict] = {}
        self._cond = threading.Condition()
        self._ended = False
        self._proc: subprocess.Popen[bytes] | None = None
        if (os.cpu_count() or 1) > 1 and replicates > 1:
            try:
                self._proc = proc = subprocess.Popen(
                    [sys.executable, "-c", "import sys; from workbench.analysis.backtest import _serve; "
                                           "_serve(sys.stdin.buffer, sys.stdout.buffer)"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                assert proc.stdin is not None and proc.stdout is not None, "both are pipes"
                pickle.dump(s, proc.stdin)
                proc.stdin.close()
            except (OSError, pickle.PicklingError):   # nothing to spare: computed here
                self._stop()
            else:
                threading.Thread(target=self._read, args=(proc.stdout,), daemon=True, name="backtest-reader").start()

    def _read(self, stream: IO[bytes]) -> None:
        """The other process's messages from ``stream`` (its stdout), until it ends."""
        try:
            while True:
                kind, r, got = pickle.load(stream)
                with self._cond:
                    if kind == "start":
                        self._claimed = r
                    else:
                        self._done[r] = got
                    self._cond.notify_all()
        except Exception:  # noqa: BLE001 - the other process ended (or failed): this one goes on
            pass
        finally:
            with self._cond:
                self._ended = True
                self._cond.notify_all()

    def _stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._ended = True

    def result(self) -> BacktestResult:
        """The back-test, the same as :func:`run_backtest` gives in this process."""
        n = self.setup.replicates
        got: dict[int, dict] = {}
        try:
            r = n - 1
            while r >= 0:       # the last replicates here, while the other process climbs
                with self._cond:
                    if self._proc is not None and not self._ended and r <= self._claimed:
                        break
                    if r in self._done:
                        break
                got[r] = _replicate(self.setup, r)
                r -= 1
            for k in range(r + 1):
                with self._cond:
                    while k not in self._done and not self._ended:
                        self._cond.wait()
                    if k in self._done:
                        got[k] = self._done[k]
                if k not in got:   # the other process stopped short: computed here
                    got[k] = _replicate(self.setup, k)
        finally:
            self._stop()
        return _assemble(self.setup, [got[k] for k in range(n)])


def _serve(inp, out) -> None:
    """The other process of :class:`PendingBacktest`: replicates from the first one up."""
    s = pickle.load(inp)
    for r in range(s.replicates):
        pickle.dump(("start", r, None), out)
        out.flush()
        pickle.dump(("done", r, _replicate(s, r)), out)
        out.flush()


def start_backtest(scenario, replicates: int = 30, seed: int | None = None, calibrate_until: dt.date | None = None,
                   posterior: pd.DataFrame | None = None) -> PendingBacktest:
    """:func:`run_backtest` started in another process, so that the caller goes on with other
    work meanwhile (the report selects its portfolio); ``.result()`` then computes the
    replicates the other process has not started, last first, and gives the same
    :class:`BacktestResult` (each replicate depends only on its own seed).  On a one-core
    machine, or when no process can be started, everything is computed by ``.result()``.
    """
    return PendingBacktest(setup(scenario, int(replicates), seed, calibrate_until, posterior))


def format_table(res: BacktestResult, lang: str = "fr") -> str:
    """The back-test as aligned text lines in ``lang``, one per figure (from
    :func:`workbench.reporting.labels.backtest_table`, the report's table)."""
    from ..reporting.labels import backtest_table

    t = backtest_table(res.table, lang)
    cols = list(t.columns)
    widths = [max(len(str(x)) for x in [c, *t[c]]) for c in cols]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(cols, widths))]
    for row in t[cols].itertuples(index=False):
        lines.append("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    return "\n".join(lines)
