"""The next call's capacity: how much commitment authority (AE) the next call may grant so that
the probability of running short of payment credits (CP) in any year stays under a chosen risk.

The question a budget directorate asks each quarter of a live fund (issue 24): given what is
still owed (a laureate book's re-forecast, or the earlier calls' decisions), the pipeline of the
later calls, the CP voted or forecast after the precautionary reserve and the parameters'
uncertainty, how much may the next session grant?  Page: ``docs/explanation/capacity.md``
(method), ``docs/guide/capacite.md`` (for the directorate).

Method (:func:`next_call_capacity`)
-----------------------------------
* **The next call** is the scenario's first call decided after ``as_of`` (without ``as_of`` and
  without a book: the fund's first call).
* **What is owed** before it: with a book, the book's projects and their re-forecast
  (:func:`workbench.followup.reforecast.reforecast`: the remaining part of each project, drawn
  from the reference classes), plus what the book paid in ``as_of``'s year; without a book, the
  earlier calls as the scenario's committees decide them (:func:`workbench.pipeline.decide`),
  simulated from the fund's start (:func:`workbench.envelope.simulate`).
* **The later calls** are decided by the model with the credits left (after the book's net
  decisions, or the earlier calls', and after the model's own decision at the next call), once,
  and simulated with their portfolio fixed: it is the same whatever the next call grants.
* **The next call's grant** ``X`` is a block of synthetic commitments (named ``CAPACITE-…``, never
  shown as real projects) of the call's typical size ``t`` (the model's own laureates' mean grant
  there), granted one after another, the last one partial: ``X`` fills piece 1 up to ``t``, then
  piece 2…  Each piece has the scenario's decision-to-commitment lag, fate, drift and payment
  profile, drawn once (:func:`workbench.envelope.project_demand`); a piece's payments scale with
  its amount.  The pieces are granted whole (never a first phase only: ``X`` is what is granted).
* Per draw ``d`` and year ``y`` the CP due is ``owed + later + block(X)``, every term >= 0 and
  ``block`` non-decreasing in ``X``; with the CP available after the reserve and the movements
  (:func:`workbench.credits.cp_year`), the carry-over capped as the scenario says and each
  year's unpaid demand moved to the next, a draw runs short in year ``y`` when the CP due exceed
  the CP available with the carry-over (the envelope simulation's rule).  A higher demand never
  lowers a later year's CP due nor raises its CP available, so with **common random numbers**
  (the same draws for every ``X``) whether a draw runs short is monotone in ``X``.
* Each draw's threshold (the smallest ``X`` on the grid of ``step_eur`` that makes it run short in
  a year from the next call's year on) is found by bisection, draw by draw; the risk at ``X`` is
  the share of draws whose threshold is at or below ``X``, exactly, for every ``X`` of the grid at
  once.  The capacity at a risk ``r`` is the largest grid amount, within the AE available at the
  call (:func:`workbench.credits.ae_available_eur` less what is decided before it, and the
  call's own budget), whose risk is at most ``r``.
* **Parameter sets** (``parameter_sets``: a calibration's posterior sample, one row per set, the
  columns scenario key paths, :data:`workbench.envelope.SET_COLUMNS`): the simulations' draw ``d``
  uses set ``d mod n`` in every simulation (the earlier calls', the later calls', the block's),
  so the risk spreads over the calibrated uncertainty.  The book's re-forecast keeps the
  scenario's values (its projects are committed: the lag does not apply to them).

The later calls' portfolio held fixed makes the answer conservative for grants above the model's
own decision at the next call (the later calls would in truth have less to commit) and
optimistic below it; the model's decision there is given for reading (``model_decision_eur``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..messages import Message, msg

#: Risk levels of the capacity curve [fraction].
RISK_LEVELS = (0.05, 0.10, 0.20, 0.30)
#: The grid of the grants searched [EUR]: 0.1 M€.
STEP_EUR = 100_000.0
#: The synthetic pieces of the next call's grant are named so (never a real project).
PIECE_PREFIX = "CAPACITE-"
#: At most this many pieces: beyond, the pieces are larger than the call's typical grant, so that
#: the memory of the per-draw arrays stays bounded (pieces x years x draws).  A piece's size matters
#: beyond its amount only through the governance gate (the DINUM opinion on projects over 9 M€ of
#: full cost delays the commitment), applied to a piece as to a project of its size.
MAX_PIECES = 256


@dataclass
class CapacityResult:
    """The next call's capacity (see the module).

    Attributes
    ----------
    capacity_eur : float
        The largest grant [EUR] (on the grid of ``step_eur``) whose risk of running short of CP in
        at least one year, from the next call's year on, is at most ``risk_rate``.
    risk_rate : float
        The risk accepted [fraction].
    next_call : dict
        ``id``, ``decision`` (date), ``fund``, ``title`` of the call.
    binding : str
        ``"cp"``: a year's CP bind (``binding_year``); ``"ae"``: the AE available at the call bind
        before any CP year (``ae_available_eur``).
    binding_year : int or None
        With ``binding == "cp"``: the year whose shortfall first exceeds the risk just above the
        capacity (the first year whose probability there exceeds ``risk_rate``, else the year most
        often short).
    curve : DataFrame
        One row per risk level: ``risk_rate``, ``capacity_eur``, ``binding_year``, ``binding``,
        ``risk_at_capacity_rate`` (the sample's risk at that capacity).
    by_year : DataFrame
        Per year from the next call's: ``cp_voted_eur``, ``cp_available_eur`` (after the reserve and
        the movements, before the carry-over), ``owed_p50_eur``, ``owed_p90_eur`` (the book's, or the
        earlier decisions', payments due), ``later_calls_mean_eur``, ``next_call_mean_eur`` (the
        next call's payments at the capacity), ``headroom_eur`` (CP available less the
        ``1 - risk_rate`` quantile of owed plus later calls), the shortfall probability with nothing
        granted, at the capacity and just above it, and ``binding``.
    risk_at_zero : float
        The risk with nothing granted by the next call; above ``risk_rate`` the capacity is 0
        (``notes`` says so).
    ae_available_eur : float
        The AE the next call may grant at most.
    draws, seed : int
    piece_eur : float
        The synthetic pieces' size (the call's typical grant) [EUR]; ``pieces``: how many.
    model_decision_eur : float
        What the scenario's own committee decides at the next call [EUR] (for reading).
    notes : list of Message
    provenance : dict
    """

    capacity_eur: float
    risk_rate: float
    next_call: dict
    binding: str
    binding_year: int | None
    curve: pd.DataFrame
    by_year: pd.DataFrame
    risk_at_zero: float
    ae_available_eur: float
    draws: int
    seed: int
    piece_eur: float
    pieces: int
    model_decision_eur: float
    notes: list = field(default_factory=list)
    provenance: dict = field(default_factory=dict)
    thresholds_eur: np.ndarray | None = None   # each draw's threshold (inf: never short within the AE)

    def risk_at(self, amount_eur: float) -> float:
        """The sample's risk of running short of CP if the next call grants ``amount_eur`` [EUR]
        (on the grid: rounded down to a multiple of the step)."""
        step = float(self.provenance.get("step_eur", STEP_EUR))
        g = math.floor(float(amount_eur) / step + 1e-9) * step
        assert self.thresholds_eur is not None, "capacity() gives its result the draws' thresholds"
        return float(np.mean(self.thresholds_eur <= g + 1e-6))

    def curve_table(self) -> pd.DataFrame:
        """The capacity curve as written to ``capacity.csv``: one row per risk level, ``chosen`` on
        the level asked for, with the next call, the AE available and the risk with nothing granted
        (a method, so that the follow-up's tables include it without importing this analysis)."""
        c = self.curve.copy()
        c["chosen"] = np.isclose(c["risk_rate"], self.risk_rate)
        c.insert(0, "fund", self.next_call["fund"])
        c.insert(1, "next_call", self.next_call["id"])
        c.insert(2, "decision", self.next_call["decision"].isoformat())
        c["ae_available_eur"] = self.ae_available_eur
        c["risk_at_zero_rate"] = self.risk_at_zero
        return c


# --------------------------------------------------------------------------------------------
# arguments
# --------------------------------------------------------------------------------------------
def _check(scenario, as_of, book, risk_rate, risk_levels, draws, seed) -> tuple[dt.date | None, list[float]]:
    probs = []

    def rate_ok(v) -> bool:
        return isinstance(v, (int, float, np.floating)) and not isinstance(v, bool) and 0 < float(v) < 1

    if not rate_ok(risk_rate):
        probs.append(Problem("<argument>", "risk_rate", risk_rate, msg("E_BOUNDS", bounds=[(">", 0), ("<", 1)])))
    levels = []
    for v in risk_levels or ():
        if not rate_ok(v):
            probs.append(Problem("<argument>", "risk_levels", v, msg("E_BOUNDS", bounds=[(">", 0), ("<", 1)])))
        else:
            levels.append(float(v))
    if draws is not None and (isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws <= 0):
        probs.append(Problem("<argument>", "draws", draws, msg("E_WHOLE_NUMBER_POSITIVE")))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        probs.append(Problem("<argument>", "seed", seed, msg("E_WHOLE_NUMBER_MIN", minimum=0)))
    when = None
    if as_of is not None:
        try:
            when = as_of if isinstance(as_of, dt.date) and not isinstance(as_of, dt.datetime) else \
                (as_of.date() if isinstance(as_of, dt.datetime) else dt.date.fromisoformat(str(as_of)))
        except ValueError:
            probs.append(Problem("<argument>", "as_of", as_of, msg("E_NOT_DATE")))
    elif book is not None:
        probs.append(Problem("<argument>", "as_of", None, msg("E_CAPACITY_BOOK_NEEDS_AS_OF")))
    if probs:
        raise InputError(probs)
    if rate_ok(risk_rate) and float(risk_rate) not in levels:
        levels.append(float(risk_rate))
    return when, sorted(set(levels))


def next_call_of(scenario, as_of: dt.date | None):
    """The scenario's first call decided after ``as_of`` (the first call when None), or None."""
    calls = sorted(scenario.calls, key=lambda c: c.decision)
    if as_of is None:
        return calls[0] if calls else None
    return next((c for c in calls if c.decision > as_of), None)


def _seeds(seed: int) -> dict[str, int]:
    """The seeds of the four random sources, derived from the run's seed (independent streams)."""
    kids = np.random.SeedSequence(int(seed)).spawn(4)
    names = ("owed", "later", "next_call", "reforecast")
    return {n: int(k.generate_state(1, np.uint32)[0]) for n, k in zip(names, kids)}


# --------------------------------------------------------------------------------------------
# the sources of CP demand, per draw, on one grid of years
# --------------------------------------------------------------------------------------------
def _on_grid(arr: np.ndarray, years: list[int], grid: list[int]) -> np.ndarray:
    """``arr`` (years, draws) placed on ``grid`` (a source's last year holds its later payments:
    left where it is)."""
    out = np.zeros((len(grid), arr.shape[-1]))
    g0 = grid[0]
    for i, y in enumerate(years):
        j = min(max(int(y) - g0, 0), len(grid) - 1)
        out[j] += arr[i]
    return out


def _fund_demand(res, fund: str) -> tuple[list[int], np.ndarray]:
    d = res.draws
    fi = d.funds.index(fund)
    return d.years, d.cp_demand_eur[fi]


def _synthetic_pieces(scenario, cands: pd.DataFrame, call, piece_eur: float, pieces: int,
                      template_pool: pd.DataFrame) -> pd.DataFrame:
    """The next call's grant as ``pieces`` synthetic projects of ``piece_eur`` each, shaped on the
    call's candidate closest to that size (duration, cost per euro of grant, savings per euro),
    granted whole (no first phase), labelled synthetic."""
    pool = template_pool if len(template_pool) else cands
    req = pool["requested_eur"].to_numpy(float)
    tmpl = pool.iloc[int(np.argmin(np.abs(req - piece_eur)))]
    scale = piece_eur / max(float(tmpl["requested_eur"]), 1.0)
    rows = pd.DataFrame([tmpl] * pieces).reset_index(drop=True)
    rows["id"] = [f"{PIECE_PREFIX}{k + 1:03d}" for k in range(pieces)]
    rows["title"] = [f"Octroi de la session {call.id} (synthétique, part {k + 1})" for k in range(pieces)]
    rows["owner"] = "synthétique"
    rows["requested_eur"] = piece_eur
    rows["total_cost_eur"] = float(tmpl["total_cost_eur"]) * scale
    if "phase1_cost_eur" in rows:
        rows["phase1_cost_eur"] = np.nan
    if "annual_savings_eur" in rows:
        rows["annual_savings_eur"] = float(np.nan_to_num(tmpl["annual_savings_eur"])) * scale
    for c in [c for c in rows.columns if str(c).startswith("cp_") and str(c).endswith("_eur")]:
        rows[c] = np.nan
    for c in ("requires", "excludes"):
        if c in rows:
            rows[c] = ""
    rows["envelope"] = call.fund
    rows["call"] = call.id
    rows["synthetic"] = True
    return rows


# --------------------------------------------------------------------------------------------
# the CP of each year, per draw
# --------------------------------------------------------------------------------------------
@dataclass
class _Credits:
    """CP terms of the fund on the grid (NaN where no CP is voted) and where the recursion starts."""

    years: list[int]
    available: np.ndarray      # after the reserve and the movements, before the carry-over [EUR]
    voted: np.ndarray
    frozen: np.ndarray
    cap: np.ndarray
    start: int                 # index of the first year of the recursion
    carry_in: float            # CP carried into the first year [EUR]
    counted: np.ndarray        # (Y,) bool: years whose shortfall counts (the next call's year on, with CP voted)


def _credits(scenario, fund: str, grid: list[int], start_year: int, count_from: int, book=None) -> _Credits:
    from .. import credits as CR
    from ..followup.book import paid_column

    f = scenario.funds[fund]
    terms = [CR.cp_year(f, y) for y in grid]
    avail = np.array([t.available_eur for t in terms])
    voted = np.array([t.voted_eur for t in terms])
    frozen = np.array([t.frozen_eur for t in terms])
    cap = np.array([t.carryover_cap_eur for t in terms])
    carry = 0.0
    if book is not None:
        # what the book's payments left of the years before: the carry-over into the as-of year
        fb = book[book["fund"] == fund]
        for y, t in zip(grid, terms):
            if y >= start_year:
                break
            if not np.isfinite(t.voted_eur):
                carry = 0.0
                continue
            paid = float(fb[paid_column(y)].sum()) if paid_column(y) in fb else 0.0
            a = t.available_eur + carry
            carry = min(a - min(paid, a) + t.frozen_eur, t.carryover_cap_eur)
    s = grid.index(start_year) if start_year in grid else 0
    counted = np.array([y >= count_from for y in grid]) & np.isfinite(avail)
    return _Credits(grid, avail, voted, frozen, cap, s, carry, counted)


def _short(cr: _Credits, demand: np.ndarray) -> np.ndarray:
    """(Y, draws) bool: the draw runs short in the year (CP due above the CP available with the
    carry-over), as :func:`workbench.envelope.simulate` measures it, from ``cr.start`` on."""
    Y, n = demand.shape
    out = np.zeros((Y, n), bool)
    carry = np.full(n, cr.carry_in)
    backlog = np.zeros(n)
    for y in range(cr.start, Y):
        due = demand[y] + backlog
        app = cr.available[y]
        if not np.isfinite(app):
            backlog = np.zeros(n)
            carry = np.zeros(n)
            continue
        avail = app + carry
        out[y] = due > avail + max(1.0, 1e-6 * abs(app))
        paid = np.minimum(due, avail)
        backlog = due - paid
        carry = np.minimum(avail - paid + cr.frozen[y], cr.cap[y])
    return out


class _Block:
    """The next call's CP demand for a grant per draw: pieces filled one after another."""

    def __init__(self, pieces_demand: np.ndarray, piece_eur: float):
        # pieces_demand (m, Y, n): piece i's demand at its full size
        m, Y, n = pieces_demand.shape
        self.t = float(piece_eur)
        self.m = m
        self.each = pieces_demand
        self.cum = np.zeros((m + 1, Y, n))
        np.cumsum(pieces_demand, axis=0, out=self.cum[1:])

    def demand(self, x_eur: np.ndarray) -> np.ndarray:
        """(Y, n): the demand of granting ``x_eur[d]`` in draw ``d`` (0 <= x <= m t)."""
        x = np.broadcast_to(np.asarray(x_eur, float), (self.cum.shape[-1],))
        k = np.minimum(np.floor(x / self.t + 1e-12).astype(np.int64), self.m)
        frac = np.clip(x / self.t - k, 0.0, 1.0)
        idx = k[None, None, :]
        base = np.take_along_axis(self.cum, np.broadcast_to(idx, (1,) + self.cum.shape[1:]), axis=0)[0]
        kk = np.minimum(k, self.m - 1)
        part = np.take_along_axis(self.each, np.broadcast_to(kk[None, None, :], (1,) + self.each.shape[1:]), axis=0)[0]
        return base + part * np.where(k < self.m, frac, 0.0)[None, :]


def _thresholds(cr: _Credits, fixed: np.ndarray, block: _Block, step_eur: float, g_max: int) -> np.ndarray:
    """Each draw's smallest grid index ``g`` (grant ``g x step``) at which it runs short in a
    counted year; ``g_max + 1`` when it never does within ``g_max``.  Bisection draw by draw: a
    draw's shortfall is monotone in the grant (see the module)."""
    n = fixed.shape[1]

    def short_at(g: np.ndarray) -> np.ndarray:
        s = _short(cr, fixed + block.demand(g * step_eur))
        return (s & cr.counted[:, None]).any(axis=0)

    out = np.full(n, g_max + 1, np.int64)
    at0 = short_at(np.zeros(n, np.int64))
    out[at0] = 0
    lo = np.zeros(n, np.int64)
    hi = np.full(n, g_max + 1, np.int64)
    todo = ~at0
    if g_max >= 1 and todo.any():
        # draws not short at the top of the range never are within it
        top = short_at(np.full(n, g_max, np.int64))
        hi[todo & top] = g_max
        todo &= top
        while todo.any():
            mid = (lo + hi) // 2
            s = short_at(np.where(todo, mid, 0))
            hi = np.where(todo & s, mid, hi)
            lo = np.where(todo & ~s, mid, lo)
            todo &= (hi - lo) > 1
        out = np.where(at0, 0, np.where(hi <= g_max, hi, g_max + 1))
    return out


# --------------------------------------------------------------------------------------------
# the entry point
# --------------------------------------------------------------------------------------------
def next_call_capacity(scenario, *, as_of=None, book=None, risk_rate: float = 0.10,
                       risk_levels: Iterable[float] = RISK_LEVELS, draws: int | None = None,
                       seed: int | None = None, parameter_sets: pd.DataFrame | None = None,
                       candidates: pd.DataFrame | None = None, step_eur: float = STEP_EUR,
                       book_name: str | None = None) -> CapacityResult:
    """The largest AE the next call can grant with a risk of running short of CP under ``risk_rate``.

    Parameters
    ----------
    scenario : Scenario
        Its calls, credits (voted AE and CP, reserve, movements, carry-over cap), model and seed.
    as_of : date or ISO text, optional
        The date of the question: the next call is the first decided after it.  Required with a book.
    book : DataFrame or path, optional
        A validated laureate book (:func:`workbench.followup.book.read_book`), or a book file /
        snapshot database read as of ``as_of`` (``book_name``: the book in a database).  Without
        one, the earlier calls are the scenario's own decisions.
    risk_rate : float
        The risk accepted: probability of running short of CP in at least one year [fraction].
    risk_levels : iterable of float
        The capacity curve's levels (``risk_rate`` is added).
    draws, seed : int, optional
        Default: the scenario's (``simulation.draws``, ``seed``).
    parameter_sets : DataFrame, optional
        A calibration's posterior sample (one row per parameter set, columns scenario key paths,
        :data:`workbench.envelope.SET_COLUMNS`; ``workbench calibrate``'s ``posterior.csv``): draw
        ``d`` of every simulation uses row ``d mod n``.
    candidates : DataFrame, optional
        Default: the scenario's.
    step_eur : float
        The grid of the grants [EUR] (default 0.1 M€).

    Raises
    ------
    InputError
        A bad argument, a book without ``as_of``, no call after ``as_of``.
    """
    from ..version import __version__
    from .. import envelope
    from .. import credits as CR
    from ..followup import position as Po
    from ..followup import reforecast as RF
    from ..pipeline import decide, funding_order, resolve_draws, resolve_seed
    from ..sources import load_candidates

    when, levels = _check(scenario, as_of, book, risk_rate, risk_levels, draws, seed)
    risk_rate = float(risk_rate)
    draws = resolve_draws(scenario, draws)
    seed = resolve_seed(scenario, seed)
    seeds = _seeds(seed)
    call = next_call_of(scenario, when)
    if call is None:
        raise InputError([Problem("<argument>", "as_of", when.isoformat() if when else None,
                                  msg("E_CAPACITY_NO_NEXT_CALL"))])
    fund = call.fund
    if book is not None and not isinstance(book, pd.DataFrame):
        from ..followup.status import load_book

        assert when is not None, "_check refuses a book without as_of"
        book = load_book(book, when, scenario=scenario, name=book_name)
    cands = load_candidates(scenario) if candidates is None else candidates
    calls = sorted(scenario.calls, key=lambda c: c.decision)
    earlier = [c.id for c in calls if c.decision < call.decision and (when is None or c.decision <= when)]
    later = [c.id for c in calls if c.decision > call.decision]
    # ---- what is decided before the call: the book's, or the scenario's committees' -----------
    book_net = {}
    if book is not None:
        assert when is not None, "_check refuses a book without as_of"
        pos = Po.fund_position(book, when, scenario)
        for r in pos.funds.itertuples():
            book_net[r.fund] = float(r.net_committed_eur + r.pending_eur)
    decided = None
    if len(scenario.calls) > 1 and (later or (book is None and earlier)):
        opts: dict[str, Any] = {}
        if book is not None:
            opts["call_settings"] = {c.id: {"budget_eur": 0.0} for c in calls if c.decision <= when}
            opts["committed_eur"] = book_net
        decided = decide(scenario, cands, seed=seed, **opts)
    pool = decided.candidates if decided is not None and getattr(decided, "candidates", None) is not None else cands
    if decided is not None:
        t = decided.table
        order = funding_order(t)
        call_of = dict(zip(t["id"].astype(str), t["call"].astype(str)))
        sel = t[t["selected"].astype(bool)]
        model_here = sel[sel["call"].astype(str) == call.id]
        model_decision = float(model_here["funded_eur"].sum())
        earlier_ids = [i for i in order if call_of.get(i) in set(earlier)] if book is None else []
        later_ids = [i for i in order if call_of.get(i) in set(later)]
        bc = decided.by_call if getattr(decided, "by_call", None) is not None else pd.DataFrame(
            columns=["call", "fund", "granted_eur"])
        # what the earlier calls of the call's fund granted (the AE they took before it)
        earlier_granted = float(bc[bc["call"].isin(earlier) & (bc["fund"] == fund)]["granted_eur"].sum()) \
            if book is None else 0.0
    else:
        model_here, model_decision, earlier_ids, later_ids, earlier_granted = None, float("nan"), [], [], 0.0
    # ---- the AE the call may grant -----------------------------------------------------------------
    before = book_net.get(fund, 0.0) if book is not None else earlier_granted
    ae_at = CR.ae_available_eur(scenario.funds[fund], call.decision)
    ae_cap = max(ae_at - before, 0.0)
    if call.budget_eur is not None:
        ae_cap = min(ae_cap, float(call.budget_eur))
    g_max = int(math.floor(ae_cap / step_eur + 1e-9))
    # ---- the pieces of the call's grant --------------------------------------------------------------
    call_cands = pool[pool["call"].astype(str) == call.id] if "call" in pool else pool.iloc[:0]
    if model_here is not None and len(model_here):
        piece = float(model_here["funded_eur"].mean())
    elif decided is not None and decided.table["selected"].astype(bool).any():
        piece = float(sel["funded_eur"].mean())
    elif len(call_cands):
        piece = float(call_cands["requested_eur"].mean())
    else:
        piece = float(cands["requested_eur"].mean())
    piece = max(round(piece / step_eur) * step_eur, step_eur)
    piece = max(piece, math.ceil(g_max / MAX_PIECES) * step_eur)
    n_pieces = max(1, int(math.ceil(g_max * step_eur / piece - 1e-9)))
    tmpl_pool = call_cands
    if decided is not None and model_here is not None and len(model_here):
        tmpl_pool = pool[pool["id"].astype(str).isin(set(model_here["id"].astype(str)))]
    pieces = _synthetic_pieces(scenario, cands, call, piece, n_pieces, tmpl_pool)
    # ---- per-draw demand of each source --------------------------------------------------------------
    if parameter_sets is None:   # the scenario's calibration, as every front end spreads its draws over it
        from ..pipeline import posterior_sets

        parameter_sets, _ = posterior_sets(scenario)
    kw = {"parameter_sets": parameter_sets} if parameter_sets is not None else {}
    blocks = envelope.project_demand(scenario, pieces, list(pieces["id"]), draws, seeds["next_call"], **kw)
    sources: dict[str, tuple[list[int], np.ndarray]] = {}
    rf = None
    if book is not None:
        assert when is not None, "_check refuses a book without as_of"
        rf = RF.reforecast(book, when, scenario, draws=draws, seed=seeds["reforecast"])
        if fund in rf.funds:
            assert rf.cp_future_by_fund_eur is not None, "reforecast() gives the future CP by fund"
            arr = rf.cp_future_by_fund_eur[rf.funds.index(fund)].T.copy()      # (Y, draws)
            from ..followup.book import paid_column

            fb = book[book["fund"] == fund]
            arr[0] += float(fb[paid_column(when.year)].sum()) if paid_column(when.year) in fb else 0.0
            sources["owed"] = (rf.years, arr)
    elif earlier_ids:
        res = envelope.simulate(scenario, pool, draws=draws, seed=seeds["owed"], selection=earlier_ids,
                                keep_draws=True, **kw)
        sources["owed"] = _fund_demand(res, fund)
    if later_ids:
        res = envelope.simulate(scenario, pool, draws=draws, seed=seeds["later"], selection=later_ids,
                                keep_draws=True, **kw)
        sources["later"] = _fund_demand(res, fund)
    years_all = [int(y) for y in blocks.years] + [int(y) for ys, _ in sources.values() for y in ys]
    grid = list(range(min(min(years_all), int(scenario.years[0])), max(years_all) + 1))
    start_year = when.year if book is not None and when is not None else grid[0]   # a book has its date
    cr = _credits(scenario, fund, grid, start_year, call.decision.year, book)
    # the years after the last one whose shortfall counts change nothing before it: left out
    counted_idx = np.flatnonzero(cr.counted)
    keep = max(int(counted_idx[-1]) if len(counted_idx) else 0, grid.index(call.decision.year)
               if call.decision.year in grid else 0) + 1
    full = grid
    grid = grid[:keep]
    cr = _Credits(grid, cr.available[:keep], cr.voted[:keep], cr.frozen[:keep], cr.cap[:keep], cr.start, cr.carry_in,
                  cr.counted[:keep])

    def placed(arr, years):
        return _on_grid(arr, years, full)[:keep]

    owed = placed(sources["owed"][1], sources["owed"][0]) if "owed" in sources else np.zeros((keep, draws))
    later_d = placed(sources["later"][1], sources["later"][0]) if "later" in sources else np.zeros((keep, draws))
    each = np.stack([placed(blocks.demand_eur[i], blocks.years) for i in range(n_pieces)])
    del blocks
    block = _Block(each, piece)
    fixed = owed + later_d
    # ---- thresholds, risk curve, capacities ------------------------------------------------------
    th = _thresholds(cr, fixed, block, step_eur, g_max)

    def risk(g: int) -> float:
        return float(np.mean(th <= g))

    def capacity_index(r: float) -> int:
        # the largest g in [0, g_max] with risk(g) <= r (risk is non-decreasing in g)
        srt = np.sort(th)
        allowed = int(math.floor(r * draws + 1e-9))       # draws that may run short
        if allowed >= draws:
            return g_max
        return int(min(srt[allowed] - 1, g_max))           # below the (allowed+1)-th threshold

    def binding_of(g: int, r: float) -> tuple[str, int | None, np.ndarray]:
        if g >= g_max and risk(g_max) <= r:
            return "ae", None, np.full(len(grid), np.nan)
        g_above = min(g + 1, g_max) if g >= 0 else 0
        s = _short(cr, fixed + block.demand(np.full(draws, g_above * step_eur)))
        p = np.where(cr.counted, s.mean(axis=1), np.nan)
        if risk(0) > r:
            s0 = _short(cr, fixed)
            p = np.where(cr.counted, s0.mean(axis=1), np.nan)
        over = [i for i in range(len(grid)) if cr.counted[i] and p[i] > r]
        i = over[0] if over else (int(np.nanargmax(p)) if np.isfinite(p).any() else None)
        return "cp", (grid[i] if i is not None else None), p

    rows = []
    for r in levels:
        g = capacity_index(r) if risk(0) <= r else -1
        kind, year, _ = binding_of(max(g, 0), r)
        rows.append({"risk_rate": r, "capacity_eur": max(g, 0) * step_eur, "binding_year": year, "binding": kind,
                     "risk_at_capacity_rate": risk(max(g, 0))})
    curve = pd.DataFrame(rows)
    curve["binding_year"] = curve["binding_year"].astype("Int64")
    here = curve[np.isclose(curve["risk_rate"], risk_rate)].iloc[0]
    g_star = int(round(here["capacity_eur"] / step_eur))
    binding, binding_year = str(here["binding"]), (None if pd.isna(here["binding_year"]) else int(here["binding_year"]))
    risk0 = risk(0)
    notes: list[Message] = []
    if risk0 > risk_rate:
        notes.append(msg("W_CAPACITY_ZERO", call=call.id, risk_pct=100 * risk_rate, risk0_pct=100 * risk0))
    if not cr.counted.any():
        notes.append(msg("W_CAPACITY_NO_CP", year=call.decision.year))
    # ---- year by year ------------------------------------------------------------------------------
    at_cap = block.demand(np.full(draws, g_star * step_eur))
    s_zero = _short(cr, fixed)
    s_cap = _short(cr, fixed + at_cap)
    s_above = _short(cr, fixed + block.demand(np.full(draws, min(g_star + 1, g_max) * step_eur)))
    q = 1.0 - risk_rate
    last = max([i for i in range(len(grid)) if np.isfinite(cr.available[i])] + [0])
    last = max(last, grid.index(call.decision.year) if call.decision.year in grid else 0)
    by = []
    for i in range(grid.index(call.decision.year) if call.decision.year in grid else 0, last + 1):
        both = owed[i] + later_d[i]
        by.append({
            "year": grid[i], "cp_voted_eur": cr.voted[i], "cp_available_eur": cr.available[i],
            "owed_p50_eur": float(np.percentile(owed[i], 50)), "owed_p90_eur": float(np.percentile(owed[i], 90)),
            "later_calls_mean_eur": float(later_d[i].mean()), "next_call_mean_eur": float(at_cap[i].mean()),
            "headroom_eur": float(cr.available[i] - np.quantile(both, q)) if np.isfinite(cr.available[i]) else np.nan,
            "shortfall_at_zero_probability": float(s_zero[i].mean()) if cr.counted[i] else np.nan,
            "shortfall_at_capacity_probability": float(s_cap[i].mean()) if cr.counted[i] else np.nan,
            "shortfall_above_probability": float(s_above[i].mean()) if cr.counted[i] else np.nan,
            "binding": binding == "cp" and binding_year == grid[i],
        })
    by_year = pd.DataFrame(by)
    # ---- provenance ------------------------------------------------------------------------------------
    prov = {
        "workbench_version": __version__, "command": "capacity", "scenario": scenario.name,
        "scenario_hash": scenario.hash(), "scenario_files": [str(f) for f in scenario.files],
        "as_of": when.isoformat() if when else None,
        "next_call": {"id": call.id, "decision": call.decision.isoformat(), "fund": fund},
        "draws": draws, "seed": seed, "seeds": seeds, "step_eur": step_eur, "risk_rate": risk_rate,
        "risk_levels": levels, "ae_available_at_call_eur": ae_at, "decided_before_eur": before,
        "ae_cap_eur": ae_cap, "piece_eur": piece, "pieces": n_pieces,
        "piece_template": str(tmpl_pool.iloc[int(np.argmin(np.abs(tmpl_pool["requested_eur"].to_numpy(float) - piece)))]["id"])
        if len(tmpl_pool) else None,
        "model_decision_eur": model_decision, "earlier_laureates": len(earlier_ids), "later_laureates": len(later_ids),
        "earlier_calls": len(earlier) if book is None else 0, "later_calls": later,
        "book_projects": int(len(book)) if book is not None else 0, "parameter_sets": 0 if parameter_sets is None else int(len(parameter_sets)),
        "method": "per-draw bisection on the grid of step_eur, common random numbers (docs/explanation/capacity.md)",
        "years": [grid[0], grid[-1]], "cp_counted_years": [int(y) for y, c in zip(grid, cr.counted) if c],
        "carry_in_eur": cr.carry_in, "notes": [n.render("en") for n in notes],
        "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    if book is not None:
        src = str(book.attrs.get("source", ""))
        prov["book"] = src
        prov["book_snapshot"] = {k: book.attrs[k] for k in ("snapshot_as_of", "snapshot_id", "source_sha256", "book")
                                 if k in book.attrs}
        if src and Path(src).is_file():
            prov["book_sha256"] = hashlib.sha256(Path(src).read_bytes()).hexdigest()
        prov["reforecast"] = rf.provenance if rf is not None else None
    return CapacityResult(
        capacity_eur=g_star * step_eur, risk_rate=risk_rate,
        next_call={"id": call.id, "decision": call.decision, "fund": fund, "title": call.title},
        binding=binding, binding_year=binding_year, curve=curve, by_year=by_year, risk_at_zero=risk0,
        ae_available_eur=ae_cap, draws=draws, seed=seed, piece_eur=piece, pieces=n_pieces,
        model_decision_eur=model_decision, notes=notes, provenance=prov,
        thresholds_eur=np.where(th > g_max, np.inf, th * step_eur))


def read_parameter_sets(path: str | Path) -> pd.DataFrame:
    """Parameter sets from a CSV or XLSX file (a calibration's ``posterior.csv``: one row per set,
    columns scenario key paths, :data:`workbench.envelope.SET_COLUMNS`): numbers read as numbers
    (a French decimal comma accepted), ``disbursement.profile_rates`` kept as text
    (``"0.365;0.365;0.216;0.054"``).  The values are checked where they are used
    (:meth:`workbench.envelope.ParameterSets.from_frame`: an unknown column or a bad value is an
    :class:`~workbench.errors.InputError` naming its row and column)."""
    from ..candidates import _read_table, parse_number

    df = _read_table(Path(path))
    out = df.copy()
    for c in df.columns:
        if c == "disbursement.profile_rates":
            continue
        vals = []
        for v in df[c].tolist():
            try:
                x = parse_number(v)
            except (ValueError, TypeError):
                x = v          # left as written: reported with its row and column
            vals.append(x)
        out[c] = vals
    out.attrs["source"] = str(path)
    return out


# --------------------------------------------------------------------------------------------
# what the command prints and writes
# --------------------------------------------------------------------------------------------
#: The files :func:`write_capacity` writes.
FILES = ("capacity.csv", "capacity_by_year.csv", "provenance.json")


def curve_table(result: CapacityResult) -> pd.DataFrame:
    """The capacity curve as written to ``capacity.csv`` (:meth:`CapacityResult.curve_table`)."""
    return result.curve_table()


def write_capacity(result: CapacityResult, out: str | Path) -> Path:
    """Write :data:`FILES` into ``out``, all or nothing (:func:`workbench.files.write_folder`)."""
    import json

    from ..files import write_atomic, write_csv, write_folder

    def build(tmp: Path) -> None:
        write_csv(tmp / "capacity.csv", curve_table(result))
        write_csv(tmp / "capacity_by_year.csv", result.by_year)
        write_atomic(tmp / "provenance.json",
                     json.dumps(result.provenance, indent=2, ensure_ascii=False, default=str).encode())

    return write_folder(out, build)


def summary_text(result: CapacityResult, lang: str = "fr", by_year: bool = True) -> str:
    """What ``workbench capacity`` prints, in ``lang`` (the catalog's words)."""
    from ..messages import label

    return "\n".join(_summary_lines(result, lang, label, curve=True, by_year=by_year))


def summary_markdown(result: CapacityResult, lang: str = "fr") -> str:
    """The capacity's sentences for a report (Markdown, every value shown as text): the headline,
    what binds, the notes and what the answer rests on; the curve and the years are tables
    (:attr:`CapacityResult.curve`, :attr:`CapacityResult.by_year`)."""
    from ..reporting.labels import label_md

    return "\n\n".join(x.strip() for x in _summary_lines(result, lang, label_md, curve=False, by_year=False))


def _summary_lines(result: CapacityResult, lang: str, label, curve: bool, by_year: bool) -> list[str]:
    from ..units import meur, pct

    nc = result.next_call
    pv = result.provenance
    lines = [label("cap_head", lang, fund=nc["fund"], call=nc["id"], date=nc["decision"].isoformat(),
                   risk=pct(result.risk_rate, lang, 0), capacity=meur(result.capacity_eur, lang),
                   ae=meur(result.ae_available_eur, lang), draws=result.draws, seed=result.seed)]
    if result.binding == "ae":
        lines.append(label("cap_bind_ae", lang, risk=pct(result.risk_at(result.capacity_eur), lang)))
    else:
        row = result.by_year[result.by_year["year"] == result.binding_year]
        p = (float(row["shortfall_above_probability"].iloc[0]) if result.risk_at_zero <= result.risk_rate
             else float(row["shortfall_at_zero_probability"].iloc[0])) if len(row) else float("nan")
        lines.append(label("cap_bind_cp", lang, year=result.binding_year, p=pct(p, lang)))
    for n in result.notes:
        lines.append(label("cap_note", lang, text=n.render(lang)))
    if pv.get("book"):
        owed = label("cap_owed_book", lang, as_of=pv.get("as_of"), n=int(pv.get("book_projects", 0)))
    elif pv.get("earlier_laureates"):
        owed = label("cap_owed_earlier", lang, n=int(pv.get("earlier_calls", 0)))
    else:
        owed = label("cap_owed_none", lang)
    lines.append(label("cap_context", lang, owed_what=owed, later=len(pv.get("later_calls", [])),
                       later_n=pv.get("later_laureates", 0),
                       model=meur(result.model_decision_eur, lang), pieces=result.pieces,
                       piece=meur(result.piece_eur, lang)))
    if not curve:
        return lines
    lines.append(label("cap_curve_head", lang))
    for r in result.curve.itertuples():
        what = label("cap_binding_ae_short", lang) if r.binding == "ae" else \
            label("cap_binding_year", lang, year=r.binding_year)
        lines.append(label("cap_curve_line", lang, risk=pct(r.risk_rate, lang, 0), capacity=meur(r.capacity_eur, lang),
                           binding=what))
    if by_year and len(result.by_year):
        lines.append(label("cap_by_year_head", lang))
        for r in result.by_year.itertuples():
            lines.append(label("cap_year_line", lang, year=r.year, available=meur(r.cp_available_eur, lang),
                               owed=meur(r.owed_p50_eur, lang), owed90=meur(r.owed_p90_eur, lang),
                               later=meur(r.later_calls_mean_eur, lang), here=meur(r.next_call_mean_eur, lang),
                               headroom=meur(r.headroom_eur, lang), p=pct(r.shortfall_above_probability, lang)))
    return lines
