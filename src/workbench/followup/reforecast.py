"""Re-forecast of a fund from its actuals: what it still has to pay, when, and with what risk.

The envelope simulation (:mod:`workbench.envelope`) models a fund from its first call.  Here the
past is known: the book says, at ``as_of``, what each project was granted, what it has been paid
and its latest estimated end date.  Only the *remaining* part of each project is uncertain, and
it is drawn from the same reference classes, by Monte Carlo vectorised over draws.

Method (one draw, one live project ``i``: running or first-phase-only, committed or decided)
-------------------------------------------------------------------------------------------
* Remaining grant ``R_i = grant_i - paid_i`` [EUR]; progress ``p_i = paid_i / grant_i``.  A project
  fully paid (``R_i = 0``), completed or abandoned is not simulated: it adds no future risk.
* Remaining duration ``L_i = end_i - as_of`` [years] from the latest estimated end date, at least
  :data:`MIN_REMAINING_YEARS` (an overdue project still owes a last tranche after its closing report).
* Conditioning on progress: the drift still to come applies to the *remaining* work only, so a
  project 80 % paid carries a fifth of a new project's risk in euros.  The latest estimates already
  hold the drift seen so far (they are the re-baselined plan, as in the panorama's successive
  editions); the reference classes' ratios ``final / baseline`` are applied to what remains:

  - delay: the remaining duration becomes ``L_i x d``, ``d`` drawn from the delay model
    (:class:`workbench.uncertainty.OverrunModel` ``delay``: panorama durations, 115 projects);
  - cost: with a cost ratio ``r`` (``cost_overrun`` model: panorama and Canadian IT projects, with
    Flyvbjerg & Budzier's mean), an underrun lowers the fund's remaining payment to ``R_i x r``
    and releases the rest (de-commitment at the end); an overrun adds
    ``overrun_paid_by_fund_rate x (r - 1) x R_i`` (a top-up; 0 by default: the grant is fixed by
    the convention and the owner bears the overrun), exactly as the envelope simulation does;
  - abandonment: with probability ``attrition_rate x (1 - p_i)`` the project stops at once; nothing
    more is paid and ``R_i`` is de-committed.  A project not started carries the scenario's full
    attrition rate (the Cour des comptes found laureates that never started); the linear decrease
    with progress is an *assumption* (no published rate by progress).
* The remaining payments are spread evenly over ``[as_of, as_of + L_i x d]`` and cut by calendar
  year (payments after the last reported year are counted in that year).

With uncertainty disabled (``uncertainty.enabled: false``) ``r = d = 1`` and nothing is abandoned:
the re-forecast is the remaining schedule by hand, ``R_i x`` (share of ``[as_of, end_i]`` in each
year).  Per draw, ``paid to date + future payments + de-committed = committed + pending + top-ups``
(conservation; checked by the tests draw by draw).

CP needs by year (the payments already made in ``as_of``'s year plus those to come) are compared
with the CP voted in the scenario (``funds.<code>.appropriations.<year>.cp_eur``), with the unused
CP of a year carried to the next up to ``cp_carryover_cap_rate`` of its voted CP (LOLF art. 15).
The budget the next calls can safely commit is the envelope's credits available today (see
:mod:`~workbench.followup.position`) plus the credits released (abandonment, underruns) less the
top-ups, at their 10th percentile: with 90 % probability at least that much is free.

Determinism and memory: draws come in blocks of :data:`BLOCK`, and the live projects, grouped by
fund, in units of :data:`UNIT` (the last unit of each fund padded with projects of nothing left to
pay).  Unit ``q`` of block ``b`` draws from ``SeedSequence(seed, spawn_key=(b, q))`` (three float32
uniforms per project and draw: cost, delay, abandonment); sums over projects are taken unit by unit
and added in unit order.  Projects are processed a chunk of whole units at a time, the chunk sized
so that its working arrays stay within :data:`CHUNK_BYTES` (a 200,000-project book at 1,000 draws
once needed 7 GB): the same book, scenario, draws and seed give the same figures bit for bit, for
any chunk size.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .position import fund_position

#: Draws per random block.
BLOCK = 4096
#: Projects per random stream and per partial sum (fixed: the figures do not depend on the chunk size).
UNIT = 256
#: Working memory of one chunk of projects [bytes] (measured: larger chunks are slower, their arrays
#: leaving the processor's caches) and what one project-draw cell takes in it [bytes] (the float32
#: uniforms, about ten float64 arrays and the quantile look-up's temporaries).
CHUNK_BYTES = 64 * 2**20
BYTES_PER_CELL = 160
#: Shortest remaining duration of a live project [years]: a quarter (assumption: an overdue project
#: pays its last tranche after its closing report).
MIN_REMAINING_YEARS = 0.25
#: Years reported after the as-of year (the last one holds every later payment).
HORIZON_YEARS = 7
#: Percentiles reported.
QUANTILES = (0.1, 0.5, 0.9)
LIVE = ("running", "phase1_only")


def year_fraction(d: dt.date) -> float:
    """The end of day ``d`` as a decimal year: ``2020-12-31 -> 2021.0``, ``2021-07-02 -> 2021.5``."""
    n = 366 if (d.year % 4 == 0 and (d.year % 100 != 0 or d.year % 400 == 0)) else 365
    return d.year + d.timetuple().tm_yday / n


@dataclass
class Reforecast:
    """The re-forecast of a book at ``as_of``.

    Attributes
    ----------
    yearly : DataFrame
        Per fund and year: ``paid_in_year_eur`` (already paid), ``cp_need_mean_eur`` and
        ``cp_need_p10/p50/p90_eur`` (paid + to pay in the year), ``cp_voted_eur``,
        ``shortfall_probability`` (need above voted + carry-over), ``planned_cp_eur`` (the
        remaining schedule without uncertainty, plus what was paid).
    summary : DataFrame
        Per fund: remaining and expected future payments, credits released by abandonment and
        underruns (mean, P10, P50, P90), top-ups, probability of running short in any year,
        credits available today and the budget the next calls can safely commit.
    projects : DataFrame
        Per live project: remaining grant, progress, probability of abandonment, expected future
        payment, remaining years planned and expected.
    draws : dict of ndarray
        Per draw (``draws`` long) totals over the book: ``future_paid_eur``, ``freed_abandon_eur``,
        ``freed_underrun_eur``, ``topup_eur``, and ``cp_future_eur`` (draws x years, all funds).
    provenance : dict
    funds : list of str
        The funds of the book, in the order of :attr:`cp_future_by_fund_eur`.
    cp_future_by_fund_eur : ndarray
        ``(funds, draws, years)``: each fund's payments still to come, by year, draw by draw [EUR]
        (from ``as_of``; the first year holds what remains to pay in ``as_of``'s year, the last
        every later payment).
    cohorts : list of (str, int or None)
        ``(fund, commitment year)`` of each row of :attr:`cp_future_by_cohort_eur`: the year of
        the projects' conventions, ``None`` for the projects decided and not yet committed.
    cp_future_by_cohort_eur : ndarray
        ``(cohorts, draws, years)``: the same payments by commitment year [EUR].
    restes_a_payer : DataFrame
        The restes à payer at ``as_of``, in the simulation's layout
        (:func:`workbench.envelope.restes_a_payer_table`): per fund, the payments still to come on
        each year's commitments by payment year (``scope == "cohort"``; ``"pending"``: decided, not
        yet committed, with no commitment year), and the outstanding at the end of each year.
    """

    as_of: dt.date
    years: list[int]
    yearly: pd.DataFrame
    summary: pd.DataFrame
    projects: pd.DataFrame
    draws: dict
    provenance: dict = field(default_factory=dict)
    funds: list = field(default_factory=list)
    cp_future_by_fund_eur: np.ndarray | None = None
    cohorts: list = field(default_factory=list)
    cp_future_by_cohort_eur: np.ndarray | None = None
    restes_a_payer: pd.DataFrame | None = None


def _cp_voted(scenario, fund: str, year: int) -> float:
    f = scenario.funds.get(fund) if scenario is not None else None
    if f is None:
        return float("nan")
    return float(f.appropriations.get(year, {}).get("cp_eur", float("nan")))


def chunk_projects(draws: int) -> int:
    """Projects per chunk at ``draws`` draws: whole units within :data:`CHUNK_BYTES`."""
    n = max(1, min(int(draws), BLOCK))
    return max(UNIT, CHUNK_BYTES // (BYTES_PER_CELL * n) // UNIT * UNIT)


def reforecast(book: pd.DataFrame, as_of: dt.date, scenario, draws: int = 10_000, seed: int | None = None,
               uncertainty: bool | None = None, horizon_years: int = HORIZON_YEARS,
               chunk: int | None = None) -> Reforecast:
    """Re-forecast the book's remaining payments from ``as_of`` (see the module's method).

    Parameters
    ----------
    book : DataFrame
        A validated laureate book.
    as_of : date
    scenario : Scenario
        Its ``uncertainty`` section gives the reference-class models, the attrition rate and the
        share of overruns the fund pays (:class:`workbench.envelope.Settings`); its funds give the
        envelopes and the voted CP.
    draws : int
        Monte Carlo draws (> 0).
    seed : int, optional
        Default: the scenario's seed.
    uncertainty : bool, optional
        Override of ``uncertainty.enabled``.
    horizon_years : int
        Years reported after ``as_of``'s year (the last one holds every later payment).
    chunk : int, optional
        Projects processed at once (rounded up to whole :data:`UNIT`; default
        :func:`chunk_projects`): memory only, the figures are the same for any chunk.
    """
    from ..envelope import Settings

    st = Settings.from_scenario(scenario)
    enabled = st.enabled if uncertainty is None else bool(uncertainty)
    seed = scenario.seed if seed is None else int(seed)
    draws = int(draws)
    pos = fund_position(book, as_of, scenario)
    pp = pos.projects
    years = list(range(as_of.year, as_of.year + horizon_years + 1))
    Y = len(years)
    funds = sorted(set(pp["fund"]))

    remaining = (pp["committed_eur"] + pp["pending_eur"] - pp["paid_to_date_eur"]).to_numpy(float)
    live = pp["status"].isin(LIVE).to_numpy() & (remaining > 0.005)
    idx = np.flatnonzero(live)
    P = len(idx)
    R = remaining[idx]
    prog = pp["progress_rate"].to_numpy(float)[idx]
    t0 = year_fraction(as_of)
    ends = np.array([year_fraction(d) for d in book["end_date"]], float)[idx]
    L = np.maximum(ends - t0, MIN_REMAINING_YEARS)
    p_ab = np.clip(st.attrition_rate * (1.0 - prog), 0.0, 1.0) if enabled else np.zeros(P)
    fund_of = pp["fund"].to_numpy(object)[idx]
    fmask = [(fund_of == f) for f in funds]
    F_n = len(funds)
    # boundaries between reported years, as offsets from t0 [years]
    bounds = np.array([y + 1 - t0 for y in years[:-1]], float)

    # units: each fund's live projects in book order, cut in UNIT, the last one padded (R = 0)
    unit_fund, unit_cols = [], []
    for j in range(F_n):
        cols = np.flatnonzero(fmask[j])
        for a in range(0, len(cols), UNIT):
            part = cols[a:a + UNIT]
            unit_fund.append(j)
            unit_cols.append(np.concatenate([part, np.full(UNIT - len(part), -1)]))
    n_units = len(unit_cols)
    per_chunk = max(1, -(-int(chunk or chunk_projects(draws)) // UNIT))

    def take(values: np.ndarray, cols: np.ndarray, pad: float) -> np.ndarray:
        out = np.full(len(cols), pad, dtype=float)
        ok = cols >= 0
        out[ok] = values[cols[ok]]
        return out

    # project -> (fund, commitment year): the convention's year, None while decided and not committed
    origin = pp["origin_year"].to_numpy(float)[idx]
    coh_of = [(f, None if not np.isfinite(o) else int(o)) for f, o in zip(fund_of, origin)]
    cohorts = sorted(set(coh_of), key=lambda c: (c[0], c[1] is None, c[1] or 0))
    C_n = len(cohorts)
    coh_index = np.array([cohorts.index(c) for c in coh_of], int) if P else np.zeros(0, int)
    # each unit's project -> cohort matrix (padding rows are zero): cohort sums unit by unit, in
    # unit order, so that they do not depend on the chunk size either
    unit_coh = []
    for cols in unit_cols:
        m = np.zeros((UNIT, C_n))
        ok = cols >= 0
        m[np.flatnonzero(ok), coh_index[cols[ok]]] = 1.0
        unit_coh.append(m)

    cp_future = np.zeros((F_n, draws, Y))
    cp_cohort = np.zeros((C_n, draws, Y))
    tot = {k: np.zeros(draws) for k in ("future_paid_eur", "freed_abandon_eur", "freed_underrun_eur", "topup_eur")}
    fund_tot = {k: np.zeros((F_n, draws)) for k in tot}
    proj_paid = np.zeros(P)
    proj_years = np.zeros(P)
    proj_ab = np.zeros(P)
    n_blocks = -(-draws // BLOCK)
    for b in range(n_blocks):
        lo, hi = b * BLOCK, min(draws, (b + 1) * BLOCK)
        n = hi - lo
        if P == 0:
            continue
        # per fund and draw: cumulative payments by each boundary, then the total (last column)
        cum = np.zeros((F_n, Y, n))
        cum_c = np.zeros((C_n, Y, n))
        sums = {k: np.zeros((F_n, n)) for k in ("freed_abandon_eur", "freed_underrun_eur", "topup_eur")}
        for c0 in range(0, n_units, per_chunk):
            units = range(c0, min(n_units, c0 + per_chunk))
            k_u = len(units)
            cols = np.concatenate([unit_cols[q] for q in units])
            Rc = take(R, cols, 0.0)
            Lc = take(L, cols, MIN_REMAINING_YEARS)
            if enabled:
                u = np.concatenate([np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b, q)))
                                    .random((3, n, UNIT), dtype=np.float32) for q in units], axis=2)
                r = st.cost.from_uniform(u[0])
                d = st.delay.from_uniform(u[1])
                ab = u[2] < take(p_ab, cols, 0.0)
                del u
            else:
                r = np.ones((n, len(cols)))
                d = np.ones((n, len(cols)))
                ab = np.zeros((n, len(cols)), bool)
            # amounts [EUR], computed in place: this loop is the benchmark's target
            live_d = ~ab
            keep = np.minimum(r, 1.0)                                    # underrun keeps r x R
            keep *= live_d
            A = keep * Rc                                                # future payments [EUR]
            freed_un = live_d * Rc - A                                   # released by underruns
            if st.overrun_paid_by_fund_rate > 0:
                top = np.maximum(r - 1.0, 0.0)
                top *= st.overrun_paid_by_fund_rate * Rc
                top *= live_d
                A += top
            else:
                top = None
            del keep, r
            freed_ab = ab * Rc
            Ld = d if d.dtype == np.float64 else d.astype(np.float64)
            Ld *= Lc                                                     # remaining years after delay
            inv = 1.0 / Ld
            inv_min = float(inv.min())

            def unit_sums(X: np.ndarray, n=n, k_u=k_u) -> np.ndarray:     # (n, units): one sum per unit
                return X.reshape(n, k_u, UNIT).sum(axis=2)

            def add(acc: np.ndarray, part: np.ndarray, units=units) -> None:   # in unit order
                for i, q in enumerate(units):
                    acc[unit_fund[q]] += part[:, i]

            def add_cohorts(acc: np.ndarray, X: np.ndarray, units=units) -> None:   # (C, n), in unit order
                for i, q in enumerate(units):
                    acc += (X[:, i * UNIT:(i + 1) * UNIT] @ unit_coh[q]).T

            total = unit_sums(A)
            F = np.empty_like(A)
            for k, bnd in enumerate(bounds):
                if bnd <= 0:
                    continue
                if inv_min * bnd >= 1.0:   # every project of the chunk has paid all by then: F = A exactly
                    add(cum[:, k], total)
                    add_cohorts(cum_c[:, k], A)
                    continue
                np.multiply(inv, bnd, out=F)
                np.minimum(F, 1.0, out=F)
                F *= A
                add(cum[:, k], unit_sums(F))
                add_cohorts(cum_c[:, k], F)
            add(cum[:, Y - 1], total)
            add_cohorts(cum_c[:, Y - 1], A)
            add(sums["freed_abandon_eur"], unit_sums(freed_ab))
            add(sums["freed_underrun_eur"], unit_sums(freed_un))
            if top is not None:
                add(sums["topup_eur"], unit_sums(top))
            real = cols >= 0
            proj_paid[cols[real]] += A.sum(axis=0)[real]
            proj_years[cols[real]] += Ld.sum(axis=0)[real]
            proj_ab[cols[real]] += ab.sum(axis=0)[real]
            del A, F, Ld, inv, freed_un, freed_ab, ab, live_d, top
        prev = np.zeros((F_n, n))
        prev_c = np.zeros((C_n, n))
        for k, bnd in enumerate(bounds):
            if bnd <= 0:
                continue
            cp_future[:, lo:hi, k] = cum[:, k] - prev
            cp_cohort[:, lo:hi, k] = cum_c[:, k] - prev_c
            prev, prev_c = cum[:, k], cum_c[:, k]
        cp_future[:, lo:hi, Y - 1] = cum[:, Y - 1] - prev
        cp_cohort[:, lo:hi, Y - 1] = cum_c[:, Y - 1] - prev_c
        fund_tot["future_paid_eur"][:, lo:hi] = cum[:, Y - 1]
        for key, v in sums.items():
            fund_tot[key][:, lo:hi] = v
    for key in tot:
        tot[key] = fund_tot[key].sum(axis=0)

    # ---- tables ---------------------------------------------------------------------------------
    from .book import paid_column

    yearly_rows, summary_rows = [], []
    for j, f in enumerate(funds):
        fb = book[book["fund"] == f]
        pc = paid_column(as_of.year)
        paid_now = float(fb[pc].sum()) if pc in fb else 0.0
        need = cp_future[j].copy()
        need[:, 0] += paid_now
        fund = scenario.funds.get(f)
        cap = fund.cp_carryover_cap_rate if fund is not None else 0.0
        voted = np.array([_cp_voted(scenario, f, y) for y in years])
        # per draw: available CP = voted + carry-over of last year's unused CP (capped)
        short = np.zeros((draws, Y), bool)
        carry = np.zeros(draws)
        for k in range(Y):
            if math.isnan(voted[k]):
                carry = np.zeros(draws)
                continue
            avail = voted[k] + carry
            short[:, k] = need[:, k] > avail + 0.5
            carry = np.minimum(np.maximum(avail - need[:, k], 0.0), cap * voted[k])
        planned = _planned(R[fmask[j]], L[fmask[j]], t0, years)
        planned[0] += paid_now
        q = np.quantile(need, QUANTILES, axis=0) if draws else np.zeros((3, Y))
        for k, y in enumerate(years):
            yearly_rows.append({
                "fund": f, "year": y, "paid_in_year_eur": paid_now if k == 0 else 0.0,
                "planned_cp_eur": planned[k], "cp_need_mean_eur": float(need[:, k].mean()),
                "cp_need_p10_eur": float(q[0, k]), "cp_need_p50_eur": float(q[1, k]),
                "cp_need_p90_eur": float(q[2, k]), "cp_voted_eur": voted[k],
                "shortfall_probability": float(short[:, k].mean()) if not math.isnan(voted[k]) else float("nan"),
                "last_year_includes_later": k == Y - 1,
            })
        fpos = pos.funds.set_index("fund").loc[f]
        released = fund_tot["freed_abandon_eur"][j] + fund_tot["freed_underrun_eur"][j] - fund_tot["topup_eur"][j]
        fa = fund_tot["freed_abandon_eur"][j]
        has_voted = ~np.isnan(voted)
        summary_rows.append({
            "fund": f, "as_of": as_of.isoformat(), "draws": draws, "seed": seed, "uncertainty_enabled": enabled,
            "n_live_projects": int(sum(fmask[j])),
            "remaining_eur": float(R[fmask[j]].sum()),
            "future_paid_mean_eur": float(fund_tot["future_paid_eur"][j].mean()),
            "future_paid_p10_eur": float(np.quantile(fund_tot["future_paid_eur"][j], 0.1)),
            "future_paid_p90_eur": float(np.quantile(fund_tot["future_paid_eur"][j], 0.9)),
            "freed_by_abandonment_mean_eur": float(fa.mean()),
            "freed_by_abandonment_p10_eur": float(np.quantile(fa, 0.1)),
            "freed_by_abandonment_p50_eur": float(np.quantile(fa, 0.5)),
            "freed_by_abandonment_p90_eur": float(np.quantile(fa, 0.9)),
            "freed_by_underrun_mean_eur": float(fund_tot["freed_underrun_eur"][j].mean()),
            "topup_mean_eur": float(fund_tot["topup_eur"][j].mean()),
            "available_now_eur": float(fpos["available_for_next_calls_eur"]),
            "safe_to_commit_eur": float(fpos["available_for_next_calls_eur"] + np.quantile(released, 0.1)),
            "shortfall_any_year_probability": float(short[:, has_voted].any(axis=1).mean()) if has_voted.any()
            else float("nan"),
            "years_with_voted_cp": int(has_voted.sum()),
        })
    yearly = pd.DataFrame(yearly_rows)
    summary = pd.DataFrame(summary_rows)
    projects = pd.DataFrame({
        "id": pp["id"].to_numpy(object)[idx], "fund": fund_of, "status": pp["status"].to_numpy(object)[idx],
        "remaining_eur": R, "progress_rate": prog, "abandonment_probability": p_ab,
        "abandoned_share_rate": proj_ab / draws if P else np.zeros(0),
        "future_paid_mean_eur": proj_paid / draws if P else np.zeros(0),
        "remaining_years_planned": L, "remaining_years_mean": proj_years / draws if P else np.zeros(0),
    })
    tot["cp_future_eur"] = cp_future.sum(axis=0)
    prov = {
        "as_of": as_of.isoformat(), "draws": draws, "seed": seed, "block": BLOCK, "unit": UNIT,
        "uncertainty_enabled": enabled,
        "cost_overrun": {**st.cost.params(), "source": st.cost.source},
        "delay": {**st.delay.params(), "source": st.delay.source},
        "attrition_rate": st.attrition_rate, "overrun_paid_by_fund_rate": st.overrun_paid_by_fund_rate,
        "min_remaining_years": MIN_REMAINING_YEARS, "horizon_years": horizon_years,
        "not_simulated": {"fully_paid_or_closed": int(len(pp) - P)},
    }
    return Reforecast(as_of=as_of, years=years, yearly=yearly, summary=summary, projects=projects, draws=tot,
                      provenance=prov, funds=funds, cp_future_by_fund_eur=cp_future, cohorts=cohorts,
                      cp_future_by_cohort_eur=cp_cohort,
                      restes_a_payer=restes_table(funds, cohorts, cp_cohort, years))


def restes_table(funds: list, cohorts: list, cp_cohort: np.ndarray, years: list[int]) -> pd.DataFrame:
    """The restes à payer of a re-forecast (:attr:`Reforecast.restes_a_payer`) from its per-draw
    payments by cohort ``(cohorts, draws, years)`` [EUR], in the simulation's layout."""
    from ..envelope import RESTES_COLUMNS, restes_a_payer_table

    parts = []
    Y = len(years)
    for f in funds:
        rows = [i for i, c in enumerate(cohorts) if c[0] == f]
        cy = np.repeat([np.nan if cohorts[i][1] is None else cohorts[i][1] for i in rows], Y).astype(float)
        py = np.tile(years, len(rows))
        cells = cp_cohort[rows].transpose(0, 2, 1).reshape(len(rows) * Y, -1) if rows else np.zeros((0, 0))
        scopes = np.repeat(["cohort" if cohorts[i][1] is not None else "pending" for i in rows], Y)
        parts.append(restes_a_payer_table(f, years, cy, py, cells.mean(axis=1) if cells.shape[1] else
                                          np.zeros(len(cy)), cells, scopes=scopes))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(RESTES_COLUMNS))


def _planned(R: np.ndarray, L: np.ndarray, t0: float, years: list[int]) -> np.ndarray:
    """The remaining schedule without uncertainty: each ``R_i`` spread evenly over ``[t0, t0 + L_i]``,
    cut by calendar year, the last year holding what comes later [EUR]."""
    out = np.zeros(len(years))
    end = t0 + L
    for k, y in enumerate(years):
        a = max(t0, y)
        b = end if k == len(years) - 1 else np.minimum(end, y + 1)
        out[k] = float((R * np.maximum(b - a, 0.0) / L).sum())
    return out
