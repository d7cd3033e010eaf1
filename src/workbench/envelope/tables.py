"""The result tables of a simulation from its per-draw results: levels (funds, sub-envelopes,
ALL), yearly figures, summary, shortfall, calls, selected projects, and provenance."""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..version import __version__
from ..files import project_relative, write_atomic, write_csv
from .draws import BLOCK
from .numpy_model import GTOT, METRICS, cohort_cells
from .plan import _Plan
from .settings import EXHAUSTED_SHARE
from .stats import _percentile_rows, _row_stats, _row_stats_f64


@dataclass
class SimulationResult:
    """Labelled tables of a simulation.

    Attributes
    ----------
    yearly : DataFrame
        Long format: ``level`` (fund, sub-envelope, ``"ALL"``), ``level_kind``, ``year``,
        ``metric`` (``ae_decided_eur``: announced at the committee's decision;
        ``ae_committed_eur``: legally committed, the contract signed: the AE consumed;
        ``ae_decommitted_eur``, ``cp_demand_eur``, ``cp_paid_eur``, and their ``*_cum_eur``
        cumulative values), ``mean``, ``p10``, ``p50``, ``p90`` [EUR].
    summary : DataFrame
        One row per fund / envelope / ALL: probabilities of running short, expected unused
        residual, savings against the 1 € for 1 € target, overcommitment flag, …
    shortfall : DataFrame
        Per fund and year: the CP available (``appropriation_eur``: voted less the reserve and what
        is still frozen at the year's end, plus or minus the year's movements; its terms
        ``cp_voted_eur``, ``cp_reserve_eur``, ``cp_frozen_eur``, ``cp_movements_eur``; the planned
        schedule where no CP is voted), the mean carry-over, the probability that CP due exceeds
        the CP available with the carry-over, expected excess.
    calls : DataFrame
        Per call: the credits left before it (mean, P10, P50, P90), probability nothing is left,
        commitments and projects selected.
    selected : DataFrame
        Per candidate: its call, rank, value, whether / how often selected.
    provenance : dict
        Version, scenario hash, seed, draws, input files, settings.
    parameter_sets : DataFrame or None
        With ``parameter_sets`` given to :func:`~workbench.envelope.simulate`: per fund, set and
        year, the set's draws, its shortfall probability, CP paid, AE committed and AE decided
        (means over its draws, EUR), and the set's parameter values.
    set_band : DataFrame or None
        The band across sets: per fund, for each year and for the worst year (``year`` empty,
        ``scope`` ``worst_year``: each set's highest yearly probability; ``any_year``: each set's
        probability of running short in at least one year with voted credits, the headline's), the
        P10, P50 and P90 over the sets of their shortfall probability.
    set_summary : DataFrame or None
        With ``parameter_sets``: per level (each fund, and all funds) and set, the summary's
        figures over the set's draws: ``shortfall_probability`` (the fund runs short in at least
        one year, or is exhausted before its last call, or leaves an overrun unfunded: the
        summary's definition), ``unused_residual_p50_eur`` and ``unused_residual_mean_eur``
        (envelope less CP paid), ``paid_mean_eur``, ``cp_paid_to_horizon_p50_eur`` and
        ``_mean_eur`` (CP paid up to the horizon's last year), and the set's parameter values.
    draws : DrawArrays or None
        With ``keep_draws=True``: the per-draw yearly arrays of each fund (predictive checks).
    restes_a_payer : DataFrame
        What each year's commitments cost in payment credits, year after year (restes à payer):
        per fund, rows ``scope == "cohort"``: the CP paid in ``payment_year`` on the commitments of
        ``commitment_year`` (a project's payments, top-ups included, belong to the year of its
        legal commitment; after any CP shortage moved them); rows ``scope == "outstanding"``
        (``commitment_year`` empty): at the end of ``payment_year``, what the commitments made
        by then will still pay (:func:`restes_a_payer_table`).  ``mean_eur`` over every draw,
        ``p10_eur``, ``p50_eur``, ``p90_eur`` over the first
        :data:`~workbench.envelope.simulation.RAP_PERCENTILE_DRAWS` draws (provenance
        ``restes_a_payer_percentile_draws``).
    """

    yearly: pd.DataFrame
    summary: pd.DataFrame
    shortfall: pd.DataFrame
    calls: pd.DataFrame
    selected: pd.DataFrame
    provenance: dict
    envelopes: dict = field(default_factory=dict)
    parameter_sets: pd.DataFrame | None = None
    set_band: pd.DataFrame | None = None
    draws: DrawArrays | None = None
    set_summary: pd.DataFrame | None = None
    restes_a_payer: pd.DataFrame | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        out = {"yearly": self.yearly, "summary": self.summary, "shortfall": self.shortfall,
               "calls": self.calls, "selected": self.selected}
        if self.restes_a_payer is not None:
            out["restes_a_payer"] = self.restes_a_payer
        if self.parameter_sets is not None:
            out["parameter_sets"] = self.parameter_sets
            out["set_band"] = self.set_band
        if self.set_summary is not None:
            out["set_summary"] = self.set_summary
        return out

    def to_csv(self, directory: str | os.PathLike) -> list[Path]:
        """Write every table as ``<name>.csv`` and ``provenance.json`` into ``directory`` (atomic)."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        out = []
        for name, df in self.tables().items():
            out.append(write_csv(d / f"{name}.csv", df))
        out.append(write_atomic(d / "provenance.json",
                                json.dumps(self.provenance, indent=2, ensure_ascii=False, default=str).encode()))
        return out

    def level(self, level: str, metric: str = "cp_paid_cum_eur") -> pd.DataFrame:
        """The yearly rows of one level and metric, indexed by year."""
        y = self.yearly
        return y[(y["level"] == level) & (y["metric"] == metric)].set_index("year")


@dataclass
class DrawArrays:
    """Per-draw yearly figures of each fund [EUR], arrays ``(funds, years, draws)`` (``keep_draws``).

    ``ae_decided_eur`` (announced at the decisions), ``ae_committed_eur`` (legally committed,
    top-ups included), ``cp_demand_eur`` (payments falling due in the year), ``cp_due_eur`` (that
    plus the unpaid backlog of earlier years), ``cp_paid_eur``, ``cp_available_eur`` (CP
    available with the carry-over; NaN where no CP is voted).  ``set_index``: each draw's
    parameter set."""

    funds: list
    years: list
    set_index: np.ndarray
    ae_decided_eur: np.ndarray
    ae_committed_eur: np.ndarray
    cp_demand_eur: np.ndarray
    cp_due_eur: np.ndarray
    cp_paid_eur: np.ndarray
    cp_available_eur: np.ndarray


#: The columns of a restes à payer table (:func:`restes_a_payer_table`).
RESTES_COLUMNS = ("fund", "scope", "commitment_year", "payment_year", "mean_eur", "p10_eur", "p50_eur", "p90_eur")


def restes_a_payer_table(fund: str, years, commitment_years, payment_years, means: np.ndarray,
                         per_draw: np.ndarray, pool=None, scopes=None) -> pd.DataFrame:
    """The restes à payer of one fund from its payments by (commitment year, payment year).

    ``years``: the payment years reported (the outstanding is given at the end of each);
    ``commitment_years``, ``payment_years``: each cell's years; ``means`` (cells,): each cell's
    mean over every draw [EUR]; ``per_draw`` (cells, draws): the cells of the draws the
    percentiles read [EUR].  Rows ``scope == "cohort"`` (one per cell of a cohort that pays
    anything) and, per year, ``scope == "outstanding"``: what the commitments made by the end of
    the year still pay after it (the cells with ``commitment year <= year < payment year``).
    ``scopes`` (cells,): a scope per cell other than ``"cohort"`` (the follow-up's ``"pending"``:
    decided, not yet committed, its commitment year NaN), left out of the outstanding.  Columns
    :data:`RESTES_COLUMNS`; ``commitment_year`` is empty on the outstanding and pending rows.
    """
    years = np.asarray(years, np.int64)
    Y = len(years)
    cy = np.asarray(commitment_years, np.float64)
    py = np.asarray(payment_years, np.int64)
    scope = np.array(["cohort"] * len(cy), object) if scopes is None else np.asarray(scopes, object)
    if per_draw.dtype not in (np.float32, np.float64):
        per_draw = per_draw.astype(np.float64)
    per_draw = np.ascontiguousarray(per_draw)
    nan = np.full(len(cy), np.nan)
    _, p10, p50, p90 = _row_stats(per_draw, pool) if per_draw.shape[1] and len(cy) else (None, nan, nan, nan)
    # the outstanding at the end of year y: cells committed by y (c <= y) paid after it (p > y),
    # summed in float64 a slice of draws at a time
    committed = (scope == "cohort") & np.isfinite(cy)
    after = ((cy[None, :] <= years[:, None]) & (py[None, :] > years[:, None]) & committed[None, :]).astype(np.float64)
    out_means = after @ np.asarray(means, np.float64) if len(cy) else np.zeros(Y)
    n_d = per_draw.shape[1]
    out_draws = np.zeros((Y, n_d))
    for i in range(0, n_d if len(cy) else 0, 16384):
        out_draws[:, i:i + 16384] = after @ per_draw[:, i:i + 16384].astype(np.float64)
    _, o10, o50, o90 = _row_stats(out_draws, pool) if out_draws.shape[1] else (None,) + (np.full(Y, np.nan),) * 3
    # a cohort that pays nothing in any draw is left out
    key = [("" if not np.isfinite(c) else int(c), s_) for c, s_ in zip(cy, scope)]
    pays: dict = {}
    for k, m_, q in zip(key, means, p90):
        pays[k] = pays.get(k, False) or bool(m_ > 0) or bool(q > 0)
    keep = np.array([pays[k] for k in key], bool) if len(key) else np.zeros(0, bool)
    rows = pd.DataFrame({"fund": fund, "scope": scope[keep],
                         "commitment_year": pd.array([int(c) if np.isfinite(c) else pd.NA for c in cy[keep]],
                                                     dtype="Int64"),
                         "payment_year": py[keep], "mean_eur": np.asarray(means, np.float64)[keep],
                         "p10_eur": p10[keep], "p50_eur": p50[keep], "p90_eur": p90[keep]})
    paying = [int(c) for c, k in zip(cy, keep) if k and np.isfinite(c)]
    first = int(np.searchsorted(years, min(paying))) if paying else Y
    outst = pd.DataFrame({"fund": fund, "scope": "outstanding",
                          "commitment_year": pd.array([pd.NA] * (Y - first), dtype="Int64"),
                          "payment_year": years[first:], "mean_eur": np.maximum(out_means[first:], 0.0),
                          "p10_eur": np.maximum(o10[first:], 0.0), "p50_eur": np.maximum(o50[first:], 0.0),
                          "p90_eur": np.maximum(o90[first:], 0.0)})
    out = pd.concat([rows, outst], ignore_index=True) if len(rows) else outst
    out["commitment_year"] = out["commitment_year"].astype("Int64")
    out["payment_year"] = out["payment_year"].astype(int)
    return out[list(RESTES_COLUMNS)]


def _block_sums(a: np.ndarray) -> np.ndarray:
    """Sums of the last axis of ``a`` block by block of :data:`BLOCK` draws (the last block may be
    short), in float64: the same figures whatever the chunking of the run (chunks hold whole
    blocks, and each block's draws are summed alike)."""
    n = a.shape[-1]
    full = n // BLOCK
    out = np.zeros(a.shape[:-1] + (-(-n // BLOCK),))
    if full:
        out[..., :full] = a[..., :full * BLOCK].reshape(a.shape[:-1] + (full, BLOCK)).sum(axis=-1, dtype=np.float64)
    if n > full * BLOCK:
        out[..., full] = a[..., full * BLOCK:].sum(axis=-1, dtype=np.float64)
    return out


def _restes_table(plan: _Plan, block_sums: np.ndarray, store: np.ndarray, draws: int, pool=None) -> pd.DataFrame:
    """Every fund's restes à payer (:attr:`SimulationResult.restes_a_payer`) from the per-block
    sums of the cohort cells ``(F, cells, blocks)`` and their per-draw values ``(F, cells, kept)``."""
    cy, py = cohort_cells(len(plan.years))
    years = np.asarray(plan.years)
    parts = [restes_a_payer_table(f, years, years[cy], years[py], block_sums[fi].sum(axis=1) / draws,
                                  np.ascontiguousarray(store[fi]), pool) for fi, f in enumerate(plan.funds)]
    return pd.concat(parts, ignore_index=True)


def _levels(plan: _Plan) -> list[dict]:
    """Reported levels, each with the groups it sums and its envelope [EUR]."""
    out = []
    for fi, f in enumerate(plan.funds):
        gs = [gi for gi, (gf, _) in enumerate(plan.groups) if gf == f]
        out.append({"level": f, "kind": "fund", "groups": gs, "fund": fi, "envelope_eur": plan.fund_env[fi]})
        for gi in gs:
            sub = plan.groups[gi][1]
            if sub is not None:
                out.append({"level": sub, "kind": "sub_envelope", "groups": [gi], "fund": fi,
                            "envelope_eur": plan.group_amount[gi]})
            elif plan.scenario.funds[f].sub_envelopes_eur:
                out.append({"level": f"{f} (unitemised)", "kind": "unitemised", "groups": [gi], "fund": fi,
                            "envelope_eur": plan.group_amount[gi]})
    out.append({"level": "ALL", "kind": "all", "groups": list(range(len(plan.groups))), "fund": None,
                "envelope_eur": float(plan.fund_env.sum())})
    # levels that sum the same groups share one stored array
    keys: dict[tuple, int] = {}
    for lv in out:
        lv["store"] = keys.setdefault(tuple(lv["groups"]), len(keys))
    return out


def _store_groups(levels: list[dict]) -> list[list[int]]:
    n = max(lv["store"] for lv in levels) + 1
    out: list[list[int]] = [[] for _ in range(n)]
    for lv in levels:
        out[lv["store"]] = lv["groups"]
    return out


def _shortfall_table(plan, store_due, planned_due, draws, pool=None, detail: bool = False
                     ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Year-by-year shortfall risk per fund, for each draw whether a fund's CP ran short, and with
    ``detail`` the per-draw ``(F, Y, draws)`` arrays: whether the year ran short, the CP available
    (with the carry-over; NaN where none is voted).

    The CP available are :mod:`workbench.credits`'s: voted, less the reserve and the credits still
    frozen at the year's end, plus or minus the year's movements, plus the previous year's
    carry-over (what was neither paid nor cancelled, capped at ``cp_carryover_cap_rate`` x the
    voted CP, LOLF art. 15)."""
    years = np.array(plan.years)
    F, Y = len(plan.funds), len(years)
    dues = store_due.reshape(F * Y, draws).astype(np.float64, copy=False)  # rows: (fund, year)
    means, _, _, p90s = _row_stats(dues, pool)
    srows = []
    fund_short_cp = np.zeros((draws, len(plan.funds)), bool)
    short_fy = np.zeros((F, Y, draws), bool) if detail else None
    avail_fy = np.full((F, Y, draws), np.nan) if detail else None
    for fi, f in enumerate(plan.funds):
        carry = np.zeros(draws)  # CP carried over from the previous year, per draw (capped, LOLF art. 15)
        for yi, y in enumerate(years):
            app = plan.fund_cp[fi, yi]
            due = dues[fi * Y + yi]
            row = {"fund": f, "year": int(y), "cp_demand_mean_eur": float(means[fi * Y + yi]),
                   "cp_demand_p90_eur": float(p90s[fi * Y + yi])}
            terms = plan.fund_cp_terms.get((f, int(y)))
            if np.isfinite(app):
                # measured against the CP available (after the reserve and the movements) plus what
                # the previous year carried over
                avail = app + carry
                exceed = due > avail + max(1.0, 1e-6 * abs(app))
                fund_short_cp[:, fi] |= exceed
                if short_fy is not None and avail_fy is not None:   # detail
                    short_fy[fi, yi] = exceed
                    avail_fy[fi, yi] = avail
                carry = np.minimum(avail - np.minimum(due, avail) + plan.fund_cp_frozen[fi, yi],
                                   plan.fund_cp_cap[fi, yi])
                row.update(appropriation_eur=float(app), appropriation_source="scenario",
                           cp_voted_eur=terms.voted_eur, cp_reserve_eur=terms.reserve_eur,
                           cp_frozen_eur=terms.frozen_eur - terms.reserve_eur, cp_movements_eur=terms.movements_eur,
                           carried_over_mean_eur=float((avail - app).mean()),
                           shortfall_probability=float(exceed.mean()),
                           expected_excess_eur=float(np.maximum(due - avail, 0).mean()))
            else:
                # no voted credits: CP needs only (a probability against the model's own planned
                # schedule would have no meaning)
                carry = np.zeros(draws)
                nan = float("nan")
                row.update(appropriation_eur=float(planned_due[fi, yi]), appropriation_source="planned schedule",
                           cp_voted_eur=nan, cp_reserve_eur=nan, cp_frozen_eur=nan, cp_movements_eur=nan,
                           carried_over_mean_eur=nan, shortfall_probability=nan, expected_excess_eur=nan)
            srows.append(row)
    return pd.DataFrame(srows), fund_short_cp, short_fy, avail_fy


def _set_means(a: np.ndarray, n_sets: int) -> np.ndarray:
    """The mean over each parameter set's draws (draw ``d``: set ``d mod n_sets``) of every row of
    ``a`` (``(..., draws)``), shape ``(..., n_sets)``; NaN for a set without draws."""
    draws = a.shape[-1]
    cnt = np.bincount(np.arange(draws) % n_sets, minlength=n_sets)
    out = np.full(a.shape[:-1] + (n_sets,), np.nan)
    for s in range(min(n_sets, draws)):
        out[..., s] = a[..., s::n_sets].sum(axis=-1, dtype=np.float64) / cnt[s]
    return out


def _set_tables(plan, per_fund: dict, short_fy: np.ndarray, draws: int, frame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The per-set table and the band across sets (see :class:`SimulationResult`).

    ``per_fund[fi]``: the set means ``(3, Y, S)`` of AE committed, CP paid and AE decided."""
    S = plan.sets.n
    years = [int(y) for y in plan.years]
    cnt = np.bincount(np.arange(draws) % S, minlength=S)
    rows, band = [], []
    voted = np.isfinite(plan.fund_cp)
    params = frame.reset_index(drop=True) if frame is not None else None
    for fi, f in enumerate(plan.funds):
        p_short = _set_means(short_fy[fi].astype(np.float64), S)           # (Y, S)
        p_short[~voted[fi]] = np.nan
        m = per_fund[fi]
        for s in range(S):
            extra = {} if params is None else {c: params.at[s, c] for c in params.columns}
            for yi, y in enumerate(years):
                rows.append({"fund": f, "set": s, "year": y, "draws": int(cnt[s]),
                             "shortfall_probability": float(p_short[yi, s]),
                             "cp_paid_mean_eur": float(m[1, yi, s]), "ae_committed_mean_eur": float(m[0, yi, s]),
                             "ae_decided_mean_eur": float(m[2, yi, s]), **extra})
        have = cnt > 0
        for yi, y in enumerate(years):
            v = p_short[yi, have]
            q = np.percentile(v, [10, 50, 90]) if voted[fi, yi] and len(v) else [np.nan] * 3
            band.append({"fund": f, "year": y, "scope": "year", "shortfall_probability_p10": float(q[0]),
                         "shortfall_probability_p50": float(q[1]), "shortfall_probability_p90": float(q[2])})
        if voted[fi].any() and have.any():
            worst = np.nanmax(p_short[voted[fi]][:, have], axis=0)
            q = np.percentile(worst, [10, 50, 90])
        else:
            q = [np.nan] * 3
        band.append({"fund": f, "year": pd.NA, "scope": "worst_year", "shortfall_probability_p10": float(q[0]),
                     "shortfall_probability_p50": float(q[1]), "shortfall_probability_p90": float(q[2])})
        # the headline's band: each set's probability of running short in at least one voted year
        if voted[fi].any() and have.any():
            any_year = short_fy[fi][voted[fi]].any(axis=0).astype(np.float64)     # (draws,)
            q = np.percentile(_set_means(any_year[None, :], S)[0, have], [10, 50, 90])
        else:
            q = [np.nan] * 3
        band.append({"fund": f, "year": pd.NA, "scope": "any_year", "shortfall_probability_p10": float(q[0]),
                     "shortfall_probability_p50": float(q[1]), "shortfall_probability_p90": float(q[2])})
    b = pd.DataFrame(band)
    b["year"] = b["year"].astype("Int64")
    return pd.DataFrame(rows), b


def _level_tables(plan, levels, local: dict[int, int], store_y, store_tot, store_flags, fund_short_cp, draws,
                  pool=None) -> dict[int, tuple[list[pd.DataFrame], dict, list | None]]:
    """Yearly rows and summary row of each level whose store is in ``local`` (store -> index)."""
    years = np.array(plan.years)
    T = {k: i for i, k in enumerate(GTOT)}
    done: dict[int, list] = {}
    summ: dict[tuple, tuple] = {}
    out: dict[int, tuple[list[pd.DataFrame], dict, list | None]] = {}
    for li, lv in enumerate(levels):
        if lv["store"] not in local:
            continue
        u = local[lv["store"]]
        if u not in done:
            parts = []
            stats: dict[int, list[tuple]] = {}
            # rows = (metric, year), each contiguous over draws (the stores are laid out draws
            # last); the stored dtype is kept (float32 for big runs) and sums are taken in float64
            for mi, m in enumerate(METRICS):
                t = store_y[u, mi]
                # a metric equal draw for draw to an earlier one (paid = demand when no appropriation
                # caps) shares its figures
                twin = next((mj for mj in stats if np.array_equal(t[:, :64], store_y[u, mj, :, :64])
                             and np.array_equal(t, store_y[u, mj])), None)
                if twin is not None:
                    stats[mi] = stats[twin]
                else:
                    # cumulated year after year (as cumsum along the rows, one contiguous add per year)
                    cum = np.empty(t.shape, np.float64)
                    cum[0] = t[0]
                    for y in range(1, t.shape[0]):
                        np.add(cum[y - 1], t[y], out=cum[y])
                    stats[mi] = [_row_stats(t, pool), _row_stats(cum, pool)]
                    del cum
                del t
                for name, (mean, p10, p50, p90) in zip((m, m.replace("_eur", "_cum_eur")), stats[mi]):
                    parts.append(pd.DataFrame({"year": years, "metric": name, "mean": mean, "p10": p10,
                                               "p50": p50, "p90": p90}))
            del stats
            done[u] = parts
        rows = [part.assign(level=lv["level"], level_kind=lv["kind"], envelope_eur=lv["envelope_eur"])
                for part in done[u]]
        fi = lv["fund"]
        tot = store_tot[u]
        env = lv["envelope_eur"]
        paid = tot[T["paid_eur"]]
        unused = env - paid
        unf = tot[T["unfunded_overrun_eur"]]
        if lv["kind"] == "fund":
            exhausted = store_flags[fi, 0] > 0
            over = store_flags[fi, 1] > 0
            allowed = bool(plan.fund_over[fi])
            short = exhausted | (unf > 0.5) | fund_short_cp[:, fi]
        elif lv["kind"] == "all":
            exhausted = (store_flags[:, 0] > 0).any(axis=0)
            over = (store_flags[:, 1] > 0).any(axis=0)
            allowed = bool(plan.fund_over.any())
            short = exhausted | (unf > 0.5) | fund_short_cp.any(axis=1)
        else:
            room = tot[T["room_last_call_eur"]]
            exhausted = room < EXHAUSTED_SHARE * max(env, 1.0)
            over = np.zeros(draws, bool)
            allowed = bool(plan.fund_over[fi])
            short = exhausted | (unf > 0.5)
        if (u, env) not in summ:  # levels sharing a store and an envelope (a fund alone and ALL)
            summ[(u, env)] = _percentile_rows(np.stack([paid, unused]))
        pp10, pp50, pp90 = summ[(u, env)]
        set_rows = None
        if plan.sets.given and lv["kind"] in ("fund", "all"):
            S = plan.sets.n
            yh = int(np.searchsorted(years, plan.scenario.years[-1], side="right"))
            paid_h = store_y[u, METRICS.index("cp_paid_eur"), :yh].astype(np.float64).sum(axis=0)
            set_rows = [{"level": lv["level"], "level_kind": lv["kind"], "set": s, "draws": int(len(short[s::S])),
                         "cp_paid_to_horizon_p50_eur": float(np.median(paid_h[s::S])) if len(paid_h[s::S]) else float("nan"),
                         "cp_paid_to_horizon_mean_eur": float(paid_h[s::S].mean()) if len(paid_h[s::S]) else float("nan"),
                         "shortfall_probability": float(short[s::S].mean()) if len(short[s::S]) else float("nan"),
                         "unused_residual_p50_eur": float(np.median(unused[s::S])) if len(unused[s::S]) else float("nan"),
                         "unused_residual_mean_eur": float(unused[s::S].mean()) if len(unused[s::S]) else float("nan"),
                         "paid_mean_eur": float(paid[s::S].mean()) if len(paid[s::S]) else float("nan")}
                        for s in range(S)]
        target = paid * 1.0  # FTAP: 1 EUR of lasting yearly savings per EUR invested (DITP, 12 November 2018)
        sav = tot[T["savings_realised_eur"]]
        out[li] = (rows, {
            "level": lv["level"], "level_kind": lv["kind"], "envelope_eur": env,
            "shortfall_probability": float(short.mean()),
            "p_exhausted_before_last_call": float(exhausted.mean()),
            "committed_mean_eur": float(tot[T["committed_eur"]].mean()),
            "paid_mean_eur": float(paid.mean()), "paid_p10_eur": float(pp10[0]),
            "paid_p90_eur": float(pp90[0]),
            "unused_residual_mean_eur": float(unused.mean()),
            "unused_residual_p10_eur": float(pp10[1]),
            "unused_residual_p50_eur": float(pp50[1]),
            "unused_residual_p90_eur": float(pp90[1]),
            "savings_declared_mean_eur": float(tot[T["savings_declared_eur"]].mean()),
            "savings_realised_mean_eur": float(sav.mean()),
            "savings_target_mean_eur": float(target.mean()),
            "savings_vs_target_rate": float(sav.mean() / target.mean()) if target.mean() > 0 else float("nan"),
            "value_delivered_mean": float(tot[T["value_delivered"]].mean()),
            "projects_selected_mean": float(tot[T["projects_selected"]].mean()),
            "unfunded_overrun_mean_eur": float(unf.mean()),
            "p_unfunded_overrun": float((unf > 0.5).mean()),
            "overcommitment_allowed": allowed,
            "p_overcommitted": float(over.mean()),
            "overcommitted": bool(over.any()),
        }, set_rows)
    return out


def _set_summary_table(plan, per_level: list, frame) -> pd.DataFrame:
    """The per-set summary rows of every fund and all-funds level (see :class:`SimulationResult`),
    with each set's parameter values (the columns of the ``parameter_sets`` frame)."""
    rows = [r for part in per_level if part for r in part]
    out = pd.DataFrame(rows)
    if frame is not None and len(out):
        params = frame.reset_index(drop=True)
        for c in params.columns:
            out[c] = params[c].to_numpy(dtype=object)[out["set"].to_numpy()]
    return out


def _calls_table(plan, store_avail, store_comm, store_nsel, pool=None) -> pd.DataFrame:
    """Credits left before each call and what it committed."""
    crows = []
    K = len(plan.calls)
    # rows: calls' credits left, then what they committed (in float64, a few rows at a time)
    means, p10s, p50s, p90s = (tuple(np.concatenate(x) for x in zip(_row_stats_f64(store_avail, pool),
                                                                    _row_stats_f64(store_comm, pool)))
                               if K else (np.zeros(0),) * 4)
    for k, call in enumerate(plan.calls):
        fi = plan.call_fund[k]
        a = store_avail[k].astype(np.float64)
        m, p10, p50, p90 = means[k], p10s[k], p50s[k], p90s[k]
        rws = plan.call_rows[k]
        crows.append({"call": call.id, "fund": call.fund, "decision": call.decision.isoformat(),
                      "budget_eur": None if not np.isfinite(plan.call_budget[k]) else plan.call_budget[k],
                      "candidates": int((plan.cands["_call"] == call.id).sum()),
                      "eligible": int(plan.eligible[plan.cands["_call"].to_numpy() == call.id].sum()),
                      "credits_left_mean_eur": float(m), "credits_left_p10_eur": float(p10),
                      "credits_left_p50_eur": float(p50), "credits_left_p90_eur": float(p90),
                      "p_nothing_left": float((a < EXHAUSTED_SHARE * plan.fund_env[fi]).mean()),
                      "committed_mean_eur": float(means[K + k]),
                      "committed_p10_eur": float(p10s[K + k]),
                      "committed_p90_eur": float(p90s[K + k]),
                      "projects_selected_mean": float(store_nsel[k].astype(np.float64).mean()),
                      "ranked": int(len(rws))})
    return pd.DataFrame(crows)


def _selected_table(plan, sel_count, ph1_count, attr_count, draws) -> pd.DataFrame:
    """Each candidate with how often it is selected, funded for its first phase only, abandoned."""
    c = plan.cands
    gname = [plan.groups[g][1] or plan.groups[g][0] for g in plan.g]
    selected = pd.DataFrame({
        "call": c["_call"].to_numpy(), "id": c["id"].astype(str).to_numpy(), "title": c["title"].to_numpy(),
        "owner": c["owner"].to_numpy(), "envelope": gname,
        "requested_eur": plan.req, "total_cost_eur": plan.total, "value": plan.value,
        "value_per_meur": plan.value / np.maximum(plan.req / 1e6, 1e-9),
        "eligible": plan.eligible, "reason": plan.reason,
        "rank_in_call": plan.rank,
        "p_selected": sel_count / draws,
        "p_phase1_only": np.divide(ph1_count, sel_count, out=np.zeros(plan.n), where=sel_count > 0),
        "p_attrition": np.divide(attr_count, sel_count, out=np.zeros(plan.n), where=sel_count > 0),
        "synthetic": c["synthetic"].to_numpy(bool) if "synthetic" in c else np.zeros(plan.n, bool),
    })
    if plan.flags is not None and len(plan.flags) == plan.n:
        selected["first_results_late"] = plan.flags["first_results_late"].to_numpy(bool)
        selected["governance_gate"] = plan.flags["governance_gate"].to_numpy(bool)
        selected["flag"] = plan.flags["flag"].to_numpy()
    selected["selected"] = selected["p_selected"] >= 0.5
    return selected.sort_values(["call", "rank_in_call", "id"], key=lambda s: s if s.name != "rank_in_call"
                                else s.where(s > 0, 10**9)).reset_index(drop=True)


def _provenance(plan: _Plan, seed: int, draws: int, chunk: int, selection: Any) -> dict:
    scn = plan.scenario
    st = plan.settings
    if callable(selection):
        sel = f"callable {getattr(selection, '__qualname__', repr(selection))}"
    elif isinstance(selection, (list, tuple)):
        sel = f"fixed list of {len(selection)} ids"
    else:
        sel = selection or scn.selection.rule
    synthetic = bool(plan.cands["synthetic"].astype(bool).any()) if "synthetic" in plan.cands else False
    return {
        "workbench_version": __version__,
        "scenario": scn.name,
        "scenario_hash": scn.hash(),
        "input_files": [project_relative(f) for f in scn.files],
        "candidates": "synthetic" if synthetic else "file/given",
        "seed": seed, "draws": draws, "chunk_size": chunk, "block_size": BLOCK,
        "selection": sel,
        "value_model": scn.value_model.describe(),
        "call_allotment": scn.call_allotment,
        "policy": plan.policy.__dict__,
        "uncertainty_enabled": st.enabled,
        "cost_overrun": {**st.cost.params(), "source": st.cost.source},
        "delay": {**st.delay.params(), "source": st.delay.source},
        "attrition_rate": st.attrition_rate, "phase1_only_rate": st.phase1_only_rate,
        "overrun_paid_by_fund_rate": st.overrun_paid_by_fund_rate,
        "savings_realisation": {"mean_rate": st.savings.mean_rate, "sd_rate": st.savings.sd_rate},
        "contract_lag_months": st.contract_lag_months, "commitment_lag": st.commitment_lag.describe(),
        "profile_rates": list(st.profile_rates),
        "parameter_sets": plan.sets.n if plan.sets.given else 0,
        "use_project_schedule": st.use_project_schedule,
        "years": [plan.years[0], plan.years[-1]],
        "note": f"payments after {plan.years[-1]} are counted in {plan.years[-1]}",
        # the scenario's "synthetic candidates" warning does not apply to candidates given from a file
        "warnings": [w for w in scn.warnings if synthetic or not w.startswith("Candidates are SYNTHETIC")],
        "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }


def first_results_late_share(result: SimulationResult) -> float:
    """Expected share of the funded projects whose plan shows first results later than the fund
    promises (FITN: 12 months), weighting each candidate by how often it is selected [fraction];
    NaN when nothing is funded or no candidate gives ``first_results_months``."""
    sel = result.selected
    if "first_results_late" not in sel.columns or sel["p_selected"].sum() <= 0:
        return float("nan")
    return float((sel["p_selected"] * sel["first_results_late"]).sum() / sel["p_selected"].sum())
