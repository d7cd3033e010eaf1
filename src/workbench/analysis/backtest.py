"""Back-test: a scenario replayed against every published figure of its fund's history.

A budget directorate tests a model on the past before trusting it on the future.  The candidate
lists of the funds are not public, so the back-test replays the scenario's calls on many
synthetic pipelines (one per replicate, each generated to the calls' published or assumed
application counts and amounts, :func:`workbench.generator.generate_for_scenario`), decides
them call by call (:func:`workbench.decisions.decide_calls`), and compares the mean and the
P10-P90 range over the replicates with what was published.  Payments by year come from the
envelope simulation of one replicate's decisions.

Published figures and their documents (:data:`workbench.reference.HISTORY`):

* FTAP call 1: 17 laureates, about 126 M€ granted (2018's 195 M€ less call 2's 69 M€);
  call 2: 16 laureates, 69 M€ granted, 135 M€ total cost ("[INVESTIR POUR TRANSFORMER] Le 2ème
  appel à projets du FTAP retient 16 lauréats", DITP, 12 November 2018);
* 2018: 33 projects, 195 M€ granted, 472 M€ total cost (same document);
* end 2019: 63 projects, 351 M€ ("[CITP] Rencontre entre le Premier ministre et les lauréats du
  FTAP", DITP, 19 November 2019);
* by 2022: 126 projects, 764 M€ (DITP's FTAP page); average grant 764 / 126 = 6.1 M€;
* commitments of 2018: about 20.1 M€ of AE consumed on programme 349 (179.9 M€ of the 200 M€
  carried over into 2019): the simulated commitments of 2018 must stay below twice that;
* payments of 2019 and 2020: between the CP consumed on programme 349 (37.6 and 71.9 M€) and
  that plus the CP moved out of it during the year, partly to the ministries carrying laureate
  projects (81.7 and 129.65 M€): annual performance reports of programme 349, 2019 and 2020.

Each figure has a tolerance (:data:`TOLERANCES`, explained in the README): a count or amount
passes when the replicates' mean is within it of the published figure; a published range
passes when the simulated mean falls inside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import os
import pickle
import sys
import numpy as np
import pandas as pd

#: Relative tolerances of the back-test, by kind of figure [fraction of the published figure].
#: Laureate counts of one call: 35 % (a call of 60-120 synthetic applications gives counts that
#: vary by +-30 % from pipeline to pipeline, and the real applications are not public); amounts
#: granted and cumulative counts: 25 %; total costs of laureates: 35 % (the owners' share of
#: cost is drawn, not known); average grant: 25 %.
TOLERANCES = {"call_laureates": 0.35, "call_granted": 0.25, "total_cost": 0.35, "cumulative": 0.25,
              "mean_grant": 0.25}


@dataclass
class Figure:
    """One published figure the back-test compares: its key, the calls it sums, what it measures."""

    key: str
    label: str
    calls: tuple[str, ...]
    measure: str            # laureates | granted_eur | total_cost_eur | mean_grant_eur | paid_eur
    published: float | tuple[float, float]
    tolerance_kind: str
    source: str
    year: int | None = None
    level: str | None = None   # a fund or sub-envelope code (measure granted_by_level)
    until: str | None = None   # only the calls decided by this date (ISO), whatever their ids


#: The published history of FTAP 2018-2022 (document, figure); calls named as in the shipped
#: scenario ``parameters/ftap_2018_2022.yaml``.
FTAP_HISTORY = (
    Figure("call1_laureates", "call 1: laureates", ("FTAP-AAP1",), "laureates", 17, "call_laureates",
           "Le 2ème appel à projets du FTAP retient 16 lauréats (DITP, 2018-11-12): « retenu 17 projets »"),
    Figure("call1_granted", "call 1: granted", ("FTAP-AAP1",), "granted_eur", 126e6, "call_granted",
           "same document: 195 M€ granted in 2018 less 69 M€ for call 2"),
    Figure("call2_laureates", "call 2: laureates", ("FTAP-AAP2",), "laureates", 16, "call_laureates",
           "Le 2ème appel à projets du FTAP retient 16 lauréats (DITP, 2018-11-12)"),
    Figure("call2_granted", "call 2: granted", ("FTAP-AAP2",), "granted_eur", 69e6, "call_granted",
           "same document: 69 M€ (the list sums to 68.625 M€)"),
    Figure("call2_total_cost", "call 2: laureates' total cost", ("FTAP-AAP2",), "total_cost_eur", 135e6,
           "total_cost", "same document: 135 M€ of total cost"),
    Figure("y2018_laureates", "2018: projects", ("FTAP-AAP1", "FTAP-AAP2"), "laureates", 33, "cumulative",
           "same document: 33 projects in 2018"),
    Figure("y2018_granted", "2018: granted", ("FTAP-AAP1", "FTAP-AAP2"), "granted_eur", 195e6, "cumulative",
           "same document: 195 M€ in 2018"),
    Figure("y2018_total_cost", "2018: laureates' total cost", ("FTAP-AAP1", "FTAP-AAP2"), "total_cost_eur",
           472e6, "total_cost", "same document: 472 M€ of total cost"),
    Figure("end2019_laureates", "end 2019: projects", ("FTAP-AAP1", "FTAP-AAP2", "FTAP-AAP3-S1"), "laureates", 63,
           "cumulative", "[CITP] Rencontre entre le Premier ministre et les lauréats du FTAP (DITP, 2019-11-19): "
           "« le FTAP soutient 63 projets pour un montant total de 351 M€ »"),
    Figure("end2019_granted", "end 2019: granted", ("FTAP-AAP1", "FTAP-AAP2", "FTAP-AAP3-S1"), "granted_eur",
           351e6, "cumulative", "same document"),
    Figure("by2022_laureates", "by 2022: projects", (), "laureates", 126, "cumulative",
           "Fonds pour la transformation de l'action publique (DITP, FTAP page, 2022-2023): 126 projects, 764 M€"),
    Figure("by2022_granted", "by 2022: granted", (), "granted_eur", 764e6, "cumulative", "same page"),
    Figure("mean_grant", "average grant 2018-2022", (), "mean_grant_eur", 764e6 / 126, "mean_grant",
           "same page: 764 M€ / 126 projects"),
    Figure("committed_2018", "commitments 2018 (at most)", (), "committed_eur", (0.0, 40.2e6), "range",
           "Rapport annuel de performances 2019, programme 349 (Direction du budget): « 179,9 M€ en AE ont été "
           "reportées sur 2019 » of the 200 M€ opened: about 20.1 M€ of AE consumed in 2018; commitments carried "
           "by other programmes allowed up to twice that", year=2018),
    Figure("paid_2019", "payments 2019 (range)", (), "paid_eur", (37.60e6, 119.30e6), "range",
           "Rapport annuel de performances 2019, programme 349 (Direction du budget): CP consumed 37.60 M€, "
           "CP moved out 81.7 M€", year=2019),
    Figure("paid_2020", "payments 2020 (range)", (), "paid_eur", (71.91e6, 201.56e6), "range",
           "Rapport annuel de performances 2020, programme 349 (Direction du budget): CP consumed 71.91 M€, "
           "CP moved out 129.65 M€", year=2020),
)


@dataclass
class BacktestResult:
    """The back-test's table (one row per figure) and what ran."""

    table: pd.DataFrame
    replicates: int
    draws: int
    seed: int
    scenario: Any = field(repr=False, default=None)

    @property
    def passed(self) -> bool:
        return bool(self.table["passed"].all()) if len(self.table) else True


#: FTAP 2 (2023-2025): the first laureates published (AEF info, 6 July 2023; DITP press kit of
#: 10 February 2023): 3 projects for 9.2 M€ in March 2023, then 4 for 22 M€ in July 2023.
FTAP2_HISTORY = (
    Figure("ftap2_2023_laureates", "FTAP 2: laureates by July 2023", (), "laureates", 7, "call_laureates",
           "Le FTAP 2 sélectionne quatre nouveaux projets pour un investissement de 22 millions d'euros (AEF info, "
           "2023-07-06): 3 projects in March 2023 and 4 in July 2023", until="2023-07-31"),
    Figure("ftap2_2023_granted", "FTAP 2: granted by July 2023", (), "granted_eur", 31.2e6, "call_granted",
           "same document: 9.2 M€ in March 2023 and 22 M€ in July 2023", until="2023-07-31"),
)

FITN_DOC = ("France Relance : accélérer la transition numérique de l'État et des territoires (DINUM et DITP, "
            "2021): « 292 millions d'€ »")


def fitn_history(scenario) -> tuple[Figure, ...]:
    """What the documents publish for FITN: the 292 M€ envelope (204 M€ for the State and its
    operators, 88 M€ for local authorities), each sub-envelope's amount, and the window
    (credits « mobilisables en 2021 et 2022 »): the simulated commitments must stay within each
    published amount and none may come after 2022.  No laureate count or amount granted is
    published for FITN, so nothing more can be compared."""
    fund = scenario.funds.get("FITN")
    if fund is None:
        return ()
    out = [Figure("fitn_granted", "FITN: granted (within 292 M€)", (), "granted_by_level", (0.0, 292e6), "range",
                  FITN_DOC, level="FITN"),
           Figure("fitn_after_2022", "FITN: commitments after 2022", (), "committed_after", (0.0, 0.0), "range",
                  "France Relance (DINUM et DITP, 2021): credits usable in 2021 and 2022", year=2022)]
    for code, amt in fund.sub_envelopes_eur.items():
        out.append(Figure(f"fitn_{code}", f"FITN {code}: granted (within {amt / 1e6:.0f} M€)", (), "granted_by_level",
                          (0.0, float(amt)), "range", FITN_DOC + f": sub-envelope {code}", level=code))
    return tuple(out)


def history_for(scenario) -> tuple[Figure, ...]:
    """The published figures that apply to ``scenario``: those whose calls and funds it defines."""
    ids = {c.id for c in scenario.calls}
    funds = set(scenario.funds)
    out: tuple[Figure, ...] = ()
    if "FTAP" in funds:
        out += tuple(f for f in FTAP_HISTORY if set(f.calls) <= ids
                     and (f.calls or {"FTAP-AAP1", "FTAP-2022"} <= ids))
    if "FTAP" in funds and any(c.fund == "FTAP" and c.decision.year == 2023 for c in scenario.calls):
        out += FTAP2_HISTORY
    if "FITN" in funds:
        out += fitn_history(scenario)
    return out


def run_backtest(scenario, replicates: int = 30, draws: int = 200, seed: int | None = None) -> BacktestResult:
    """Replay the scenario on ``replicates`` synthetic pipelines and compare with the published history.

    Replicate ``r`` draws its pipeline from child ``r`` of ``SeedSequence(seed)``; the
    payments come from ``draws`` envelope-simulation draws of the first replicate's decisions.
    """
    seed = int(scenario.seed if seed is None else seed)
    return _assemble(scenario, [_replicate(scenario, r, replicates, draws, seed) for r in range(replicates)],
                     replicates, draws, seed)


def _replicate(scenario, r: int, replicates: int, draws: int, seed: int) -> dict[str, float]:
    """Replicate ``r``'s figures (``{figure key: value}``; the first replicate also gives the
    simulated commitments and payments).  Each replicate depends only on its own seed: any
    process may run it."""
    from .. import envelope
    from ..decisions import decide_calls
    from ..generator import generate_for_scenario
    from ..pipeline import funding_order

    figs = history_for(scenario)
    child = np.random.SeedSequence(seed).spawn(replicates)[r]
    cands = generate_for_scenario(scenario, seed=int(child.generate_state(1)[0]))
    dec = decide_calls(scenario, cands)
    out: dict[str, float] = {}
    t = dec.table[dec.table["selected"].astype(bool)]
    fund_of = {e: fc for fc, fo in scenario.funds.items() for e in [fc, *fo.sub_envelopes_eur]}
    for f in figs:
        if f.measure in _SIMULATED:
            continue
        if f.measure == "granted_by_level":
            env = t["paying_envelope"].astype(str)
            hit = env == f.level if f.level not in scenario.funds else env.map(fund_of) == f.level
            out[f.key] = float(t.loc[hit, "funded_eur"].sum())
            continue
        s = t if not f.calls else t[t["call"].isin(f.calls)]
        if f.until is not None:
            s = s[s["decision"].astype(str) <= f.until]
        if f.measure == "laureates":
            out[f.key] = float(len(s))
        elif f.measure == "granted_eur":
            out[f.key] = float(s["funded_eur"].sum())
        elif f.measure == "total_cost_eur":
            out[f.key] = float(s["total_cost_eur"].sum())
        elif f.measure == "mean_grant_eur":
            out[f.key] = float(s["funded_eur"].sum() / max(len(s), 1))
    if r == 0 and any(f.measure in _SIMULATED for f in figs):
        sim = envelope.simulate(scenario, cands, draws=draws, seed=seed, selection=funding_order(dec.table),
                                progress=False)
        y = sim.yearly
        for f in figs:
            if f.measure == "committed_after":
                sel = y[(y["level"] == "FITN") & (y["metric"] == "ae_committed_eur") & (y["year"] > f.year)]
                for suffix, col in (("", "mean"), ("_p10", "p10"), ("_p90", "p90")):
                    out[f.key + suffix] = float(sel[col].sum())
            elif f.measure in ("paid_eur", "committed_eur"):
                metric = "cp_paid_eur" if f.measure == "paid_eur" else "ae_committed_eur"
                sel = y[(y["level"] == "FTAP") & (y["metric"] == metric)]
                row = sel[sel["year"] == f.year]
                for suffix, col in (("", "mean"), ("_p10", "p10"), ("_p90", "p90")):
                    out[f.key + suffix] = float(row[col].iloc[0]) if len(row) else float("nan")
    return out


#: Figures measured on the first replicate's envelope simulation (not over the replicates).
_SIMULATED = ("paid_eur", "committed_eur", "committed_after")


def _assemble(scenario, per_replicate: list[dict], replicates: int, draws: int, seed: int) -> BacktestResult:
    """The back-test table from the replicates' figures, in replicate order."""
    figs = history_for(scenario)
    rows: dict[str, list[float]] = {}
    for f in figs:
        if f.measure not in _SIMULATED:
            rows[f.key] = [got[f.key] for got in per_replicate]
        else:   # from the first replicate's simulation
            for suffix in ("", "_p10", "_p90"):
                rows[f.key + suffix] = [per_replicate[0][f.key + suffix]] if per_replicate else []
    out = []
    for f in figs:
        v = np.asarray(rows[f.key], float)
        if isinstance(f.published, tuple):   # a published range (or an amount not to exceed)
            lo, hi = f.published
            if f.measure in _SIMULATED:
                mean, p10, p90 = v[0], rows[f.key + "_p10"][0], rows[f.key + "_p90"][0]
                ok = bool(lo - 1.0 <= mean <= hi + 1.0)
            else:                            # every replicate within the published amount
                mean, p10, p90 = float(v.mean()), float(np.percentile(v, 10)), float(np.percentile(v, 90))
                ok = bool((v <= hi + 1.0).all() and (v >= lo - 1.0).all())
            out.append({"figure": f.key, "label": f.label, "published": f"{lo / 1e6:.1f}-{hi / 1e6:.1f} M€",
                        "published_low": lo, "published_high": hi,
                        "published_value": hi if lo == 0 else (lo + hi) / 2, "simulated_mean": mean,
                        "simulated_p10": p10, "simulated_p90": p90, "relative_gap": np.nan,
                        "tolerance": "inside the range", "passed": ok, "unit": "EUR", "source": f.source})
            continue
        mean = float(v.mean()) if len(v) else float("nan")
        tol = TOLERANCES[f.tolerance_kind]
        gap = (mean - f.published) / f.published
        out.append({"figure": f.key, "label": f.label, "published": f.published, "published_value": f.published,
                    "simulated_mean": mean, "simulated_p10": float(np.percentile(v, 10)),
                    "simulated_p90": float(np.percentile(v, 90)), "relative_gap": gap,
                    "tolerance": f"±{tol:.0%}", "passed": bool(abs(gap) <= tol),
                    "unit": "projects" if f.measure == "laureates" else "EUR", "source": f.source})
    table = pd.DataFrame(out)
    table.attrs.update(replicates=replicates, draws=draws, seed=seed)
    return BacktestResult(table, replicates, draws, seed, scenario)


class PendingBacktest:
    """A back-test under way in another process (:func:`start_backtest`).

    The other process (a fresh Python running :func:`_serve`, fed through a pipe) computes the
    replicates from the first one up and says which one it starts; :meth:`result` computes the
    ones it has not reached, from the last one down, then collects the others.  Each replicate
    depends only on its own seed, so who computes it changes nothing.
    """

    def __init__(self, scenario, replicates: int, draws: int, seed: int | None):
        import subprocess  # noqa: PLC0415
        import threading  # noqa: PLC0415

        self.scenario = scenario
        self.args = (int(replicates), int(draws), int(scenario.seed if seed is None else seed))
        self._claimed = -1                     # the highest replicate the other process started
        self._done: dict[int, dict] = {}
        self._cond = threading.Condition()
        self._ended = False
        self._proc = None
        if (os.cpu_count() or 1) > 1 and replicates > 1:
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-c", "import sys; from workbench.analysis.backtest import _serve; "
                                           "_serve(sys.stdin.buffer, sys.stdout.buffer)"],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
                pickle.dump((scenario, *self.args), self._proc.stdin)
                self._proc.stdin.close()
            except (OSError, pickle.PicklingError):   # nothing to spare: computed here
                self._stop()
            else:
                threading.Thread(target=self._read, daemon=True, name="backtest-reader").start()

    def _read(self) -> None:
        try:
            while True:
                kind, r, got = pickle.load(self._proc.stdout)
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
        n = self.args[0]
        got: dict[int, dict] = {}
        try:
            r = n - 1
            while r >= 0:       # the last replicates here, while the other process climbs
                with self._cond:
                    if self._proc is not None and not self._ended and r <= self._claimed:
                        break
                    if r in self._done:
                        break
                got[r] = _replicate(self.scenario, r, *self.args)
                r -= 1
            for k in range(r + 1):
                with self._cond:
                    while k not in self._done and not self._ended:
                        self._cond.wait()
                    if k in self._done:
                        got[k] = self._done[k]
                if k not in got:   # the other process stopped short: computed here
                    got[k] = _replicate(self.scenario, k, *self.args)
        finally:
            self._stop()
        return _assemble(self.scenario, [got[k] for k in range(n)], *self.args)


def _serve(inp, out) -> None:
    """The other process of :class:`PendingBacktest`: replicates from the first one up."""
    scenario, replicates, draws, seed = pickle.load(inp)
    for r in range(replicates):
        pickle.dump(("start", r, None), out)
        out.flush()
        pickle.dump(("done", r, _replicate(scenario, r, replicates, draws, seed)), out)
        out.flush()


def start_backtest(scenario, replicates: int = 30, draws: int = 200, seed: int | None = None) -> PendingBacktest:
    """:func:`run_backtest` started in another process, so that the caller goes on with other
    work meanwhile (the report selects its portfolio); ``.result()`` then computes the
    replicates the other process has not started, last first, and gives the same
    :class:`BacktestResult` (each replicate depends only on its own seed).  On a one-core
    machine, or when no process can be started, everything is computed by ``.result()``.
    """
    return PendingBacktest(scenario, int(replicates), int(draws), seed)


def format_table(res: BacktestResult, lang: str = "fr") -> str:
    """The back-test as aligned text lines in ``lang``, one per figure (from
    :func:`workbench.reporting.labels.backtest_table`, the report's table)."""
    from ..reporting.labels import backtest_table, header

    t = backtest_table(res.table, lang)
    cols = [header(k, lang) for k in ("passed", "label", "published", "simulated", "relative_gap", "tolerance")]
    widths = [max(len(str(x)) for x in [c, *t[c]]) for c in cols]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(cols, widths))]
    for row in t[cols].itertuples(index=False):
        lines.append("  " + "  ".join(str(v).ljust(w) for v, w in zip(row, widths)))
    return "\n".join(lines)
