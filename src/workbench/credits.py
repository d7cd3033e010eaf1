"""A fund's credits as they are managed: voted, put in reserve, frozen, moved, carried over.

The one home of the arithmetic of commitment authority (AE) and payment credits (CP).  Everything
that reads a fund's credits goes through it: the call allotments
(:mod:`workbench.selection.allotment`), the call-by-call decisions (:mod:`workbench.decisions`),
the envelope simulation (:mod:`workbench.envelope`), :meth:`workbench.scenario.Scenario.envelope_at`
and ``workbench validate``.  It sits below all of them: it reads a validated scenario's
:class:`~workbench.scenario.Fund` (any object with the same attributes) and imports nothing of
the workbench but :mod:`workbench.params`.

Voted is not available (the budget mechanics of the State, see ``docs/explanation/credits.md``):

* **Reserve** (*mise en réserve de précaution*): on 1 January of each year a share of the year's
  voted AE and CP (``reserve_rate``, a dated parameter read on 1 January) is put aside; at least
  5 % of the credits outside staff credits under the public-finance programming law for
  2012-2017 (loi n° 2012-1558 du 31 décembre 2012, art. 6); "4 % on average" was announced to the
  Senate for 2020.
* **Movements** of the year (``appropriations.<year>.movements``), each dated, in euros of AE
  and/or CP, each with its published source (:data:`MOVEMENT_KINDS`): freezes (*surgel*) and
  unfreezes (*dégel*, which also release the reserve) move credits in or out of the frozen stock;
  cancellations (*annulation*, of available or of frozen credits), transfers in and out
  (*transferts, virements*) and supplementary appropriations (*loi de finances rectificative*)
  change the credits opened.
* **Carry-over** (LOLF art. 15, loi organique n° 2001-692 du 1er août 2001): AE not consumed are
  carried over without cap; CP not consumed are carried over up to ``cp_carryover_cap_rate`` of
  the year's initial (voted) CP (3 % in the 2001 text, « Ce plafond peut être majoré par une
  disposition de loi de finances »).  What is still frozen at the end of a year and not cancelled
  is unconsumed credit like the rest: it is carried over with it (programme 349 in 2018: 200 M€ of
  AE opened, about 20.1 M€ consumed and « 179,9 M€ en AE ont été reportées sur 2019 », Rapport
  annuel de performances 2019: nothing lapsed).  Credits that lapse are a ``cancellation`` or a
  ``frozen_cancellation`` movement, written where it is published.

AE available at a date ``D`` of year ``Y`` (:func:`ae_available_eur`)::

    min(envelope in force at D,
        sum of voted AE of the years <= Y  +  opening movements dated <= D        (carry-over implicit)
        - frozen of year Y at D)                                                  (never below 0)
    frozen of year Y at D = reserve_rate(Y) x voted AE of Y + freezes - unfreezes - frozen cancellations

A year without an AE appropriation is capped by the envelope in force alone (the scenario then
models no yearly appropriation).  The AE available are cumulative: what the fund's calls have
decided so far comes off them (the allotment and the simulation do it).

CP available in year ``Y`` (:func:`cp_year`, :func:`cp_available_eur`)::

    voted CP of Y + opening movements of Y - frozen of Y at the end of the year + CP carried over from Y - 1
    carried over from Y = min(available of Y + frozen at its end - paid in Y, cp_carryover_cap_rate x voted CP of Y)

The envelope in force at a date (:func:`envelope_at_eur`): a dated ``envelope_eur`` takes, at a
date, the value of its latest start date on or before it (FTAP: 700 M€ from 1 February 2018,
780 M€ from 1 January 2022), never the latest value for an earlier date.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from collections.abc import Iterable
from typing import Any

from . import params as P

#: Kinds of in-year movements: (sign on the credits opened, sign on the frozen credits).
#: Credits available = opened - frozen.  Amounts are written positive; the kind gives the sign.
MOVEMENT_KINDS: dict[str, tuple[int, int]] = {
    "freeze": (0, +1),                 # surgel: credits frozen in year (available -)
    "unfreeze": (0, -1),               # dégel: frozen credits (the reserve included) released (available +)
    "cancellation": (-1, 0),           # annulation of available credits (available -)
    "frozen_cancellation": (-1, -1),   # annulation of frozen or reserved credits (available unchanged)
    "transfer_in": (+1, 0),            # transfert / virement into the fund's programme (available +)
    "transfer_out": (-1, 0),           # transfert / virement out of it (available -)
    "supplementary": (+1, 0),          # ouverture en loi de finances rectificative (available +)
}


@dataclass(frozen=True)
class Movement:
    """One dated movement of a fund's credits (``appropriations.<year>.movements[i]``) [EUR]."""

    date: dt.date
    kind: str
    ae_eur: float = 0.0
    cp_eur: float = 0.0
    year: int = 0
    source: str = ""

    def opened_eur(self, field: str) -> float:
        """Effect on the credits opened [EUR] (``field``: ``ae_eur`` or ``cp_eur``)."""
        return MOVEMENT_KINDS[self.kind][0] * getattr(self, field)

    def frozen_eur(self, field: str) -> float:
        """Effect on the frozen credits [EUR]."""
        return MOVEMENT_KINDS[self.kind][1] * getattr(self, field)


def _as_date(when: Any) -> dt.date:
    return P.as_date(when)


# --------------------------------------------------------------------------------------------
# the envelope in force
# --------------------------------------------------------------------------------------------
def envelope_at_eur(fund: Any, when: Any = None) -> float:
    """The fund's envelope in force at ``when`` [EUR]: the dated value whose start date is the
    latest on or before ``when``; 0 before the first start date (not yet in force, as a dated
    parameter in :mod:`workbench.params`); the latest value when ``when`` is None."""
    values = getattr(fund, "envelope_values", None) or ((None, float(fund.envelope_eur)),)
    if when is None:
        return float(values[-1][1])
    d = _as_date(when)
    out = None
    for start, v in values:
        if start is None or start <= d:
            out = float(v)
    return 0.0 if out is None else out


def envelope_values(fund: Any) -> list[tuple[dt.date | None, float]]:
    """Every value of the fund's envelope with its start date (None: not dated), in date order."""
    return list(getattr(fund, "envelope_values", None) or ((None, float(fund.envelope_eur)),))


# --------------------------------------------------------------------------------------------
# the reserve and the frozen stock
# --------------------------------------------------------------------------------------------
def reserve_rate(fund: Any, year: int) -> float:
    """The precautionary reserve rate of ``year`` [fraction]: the fund's ``reserve_rate`` in force
    on 1 January of the year; 0 where the scenario gives none (or none yet in force)."""
    rates = getattr(fund, "reserve_rates", None) or ()
    d = dt.date(int(year), 1, 1)
    out = 0.0
    for start, v in rates:
        if start is None or start <= d:
            out = float(v)
    return out


def voted_eur(fund: Any, year: int, field: str) -> float | None:
    """The year's voted appropriation [EUR] (``field``: ``ae_eur`` or ``cp_eur``), None if not given."""
    a = fund.appropriations.get(int(year)) or {}
    return float(a[field]) if field in a else None


def movements_of(fund: Any, year: int | None = None, until: Any = None) -> list[Movement]:
    """The fund's movements (of ``year``; dated on or before ``until``), in date order (ties: file order)."""
    mv = list(getattr(fund, "movements", None) or ())
    if year is not None:
        mv = [m for m in mv if m.year == int(year)]
    if until is not None:
        d = _as_date(until)
        mv = [m for m in mv if m.date <= d]
    return sorted(mv, key=lambda m: m.date)


def frozen_eur(fund: Any, year: int, field: str, until: Any = None) -> float:
    """Credits of ``year`` frozen at ``until`` (end of the year by default) [EUR]: the reserve put
    aside on 1 January plus the freezes, less the unfreezes and the frozen credits cancelled."""
    voted = voted_eur(fund, year, field) or 0.0
    end = dt.date(int(year), 12, 31) if until is None else min(_as_date(until), dt.date(int(year), 12, 31))
    return reserve_rate(fund, year) * voted + sum(m.frozen_eur(field) for m in movements_of(fund, year, end))


def frozen_shortfalls(reserve_eur: float, movements: Iterable[Movement], field: str) -> list[tuple[int, float]]:
    """Movements that release more than is frozen: ``(position in movements, frozen before it)``.

    ``movements`` are one year's, in file order; they are applied in date order (ties: file order)
    from the year's reserve ``reserve_eur`` [EUR].  Used by the scenario's checks."""
    items = sorted(enumerate(movements), key=lambda im: im[1].date)
    frozen = float(reserve_eur)
    out = []
    for i, m in items:
        nxt = frozen + m.frozen_eur(field)
        if nxt < -0.5:
            out.append((i, frozen))
        frozen = nxt
    return out


# --------------------------------------------------------------------------------------------
# commitment authority (AE)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AePosition:
    """The terms of a fund's AE available at a date [EUR] (see the module)."""

    when: dt.date
    appropriated: bool        # the year has an AE appropriation (else the envelope alone caps)
    voted_eur: float          # voted AE of the years up to the date's (cumulative)
    movements_eur: float      # movements on the credits opened, dated up to the date (cumulative)
    reserve_eur: float        # the year's reserve (rate x the year's voted AE)
    frozen_eur: float         # the year's other frozen credits at the date (freezes - unfreezes - ...)
    envelope_eur: float       # the envelope in force at the date
    available_eur: float      # what the fund may have committed by the date, in all

    @property
    def opened_eur(self) -> float:
        return self.voted_eur + self.movements_eur


def ae_position(fund: Any, when: Any) -> AePosition:
    """The terms of the fund's AE available at ``when`` (see the module's formula)."""
    d = _as_date(when)
    y = d.year
    env = envelope_at_eur(fund, d)
    if voted_eur(fund, y, "ae_eur") is None:
        return AePosition(d, False, math.nan, 0.0, 0.0, 0.0, env, max(env, 0.0))
    voted = sum(float(a["ae_eur"]) for yy, a in fund.appropriations.items() if int(yy) <= y and "ae_eur" in a)
    moves = sum(m.opened_eur("ae_eur") for m in movements_of(fund, until=d))
    reserve = reserve_rate(fund, y) * float(fund.appropriations[y]["ae_eur"])
    frozen = frozen_eur(fund, y, "ae_eur", d) - reserve
    avail = max(min(env, voted + moves - reserve - frozen), 0.0)
    return AePosition(d, True, voted, moves, reserve, frozen, env, avail)


def ae_available_eur(fund: Any, when: Any) -> float:
    """Cumulative AE the fund may have committed by ``when`` [EUR] (see the module's formula)."""
    return ae_position(fund, when).available_eur


# --------------------------------------------------------------------------------------------
# payment credits (CP)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CpYear:
    """The terms of a fund's CP in a year [EUR]; NaN where the year has no voted CP."""

    year: int
    voted_eur: float            # voted CP of the year (loi de finances initiale)
    reserve_eur: float          # the reserve: rate x voted
    movements_eur: float        # movements on the credits opened in the year
    frozen_eur: float           # still frozen at the end of the year (the reserve included)
    available_eur: float        # voted + movements - frozen at the end (>= 0), before the carry-over
    carryover_cap_eur: float    # at most this is carried into the next year (cap rate x voted)


def cp_year(fund: Any, year: int) -> CpYear:
    """The fund's CP terms in ``year`` (see the module)."""
    voted = voted_eur(fund, year, "cp_eur")
    if voted is None:
        nan = math.nan
        return CpYear(int(year), nan, nan, nan, nan, nan, nan)
    reserve = reserve_rate(fund, year) * voted
    moves = sum(m.opened_eur("cp_eur") for m in movements_of(fund, year))
    frozen = frozen_eur(fund, year, "cp_eur")
    return CpYear(int(year), voted, reserve, moves, frozen, max(voted + moves - frozen, 0.0),
                  float(fund.cp_carryover_cap_rate) * voted)


def cp_available_eur(fund: Any, year: int, carried_in_eur: float = 0.0) -> float:
    """CP the fund may pay in ``year`` [EUR]: the year's available CP plus what the previous year
    carried over; NaN where the year has no voted CP."""
    return cp_year(fund, year).available_eur + float(carried_in_eur)


def cp_carried_over_eur(fund: Any, year: int, available_eur: float, paid_eur: float) -> float:
    """CP carried from ``year`` into the next [EUR]: what was neither paid nor cancelled (the
    credits still frozen included), capped at ``cp_carryover_cap_rate`` x the year's voted CP."""
    c = cp_year(fund, year)
    return min(float(available_eur) + c.frozen_eur - float(paid_eur), c.carryover_cap_eur)


# --------------------------------------------------------------------------------------------
# a fund's credit calendar (workbench validate)
# --------------------------------------------------------------------------------------------
def timeline(fund: Any, years: Iterable[int]) -> list[dict[str, Any]]:
    """Every dated change of the fund's credits, in date order: each envelope value from its date,
    each year's opening (voted AE and CP, reserve) and each movement, with the AE available
    after it (cumulative) and the year's CP available (before carry-over) [EUR].

    Rows: ``date``, ``what`` (``envelope``, ``year``, or a movement kind), ``year``, ``ae_eur``,
    ``cp_eur`` (the amounts of the row), ``reserve_rate``, ``ae_available_eur``,
    ``cp_available_eur``, ``source``.
    """
    years = sorted(int(y) for y in years)
    rows: list[dict[str, Any]] = []
    for start, v in envelope_values(fund):
        rows.append({"date": start, "what": "envelope", "year": start.year if start else None, "ae_eur": v,
                     "cp_eur": math.nan, "reserve_rate": math.nan, "ae_available_eur": math.nan,
                     "cp_available_eur": math.nan, "source": ""})
    for y in years:
        ae, cp = voted_eur(fund, y, "ae_eur"), voted_eur(fund, y, "cp_eur")
        if ae is None and cp is None and not movements_of(fund, y):
            continue
        d0 = dt.date(y, 1, 1)
        rows.append({"date": d0, "what": "year", "year": y, "ae_eur": math.nan if ae is None else ae,
                     "cp_eur": math.nan if cp is None else cp, "reserve_rate": reserve_rate(fund, y),
                     "ae_available_eur": ae_available_eur(fund, d0) if ae is not None else math.nan,
                     "cp_available_eur": cp_year(fund, y).available_eur, "source": ""})
        for m in movements_of(fund, y):
            rows.append({"date": m.date, "what": m.kind, "year": y, "ae_eur": m.ae_eur, "cp_eur": m.cp_eur,
                         "reserve_rate": math.nan,
                         "ae_available_eur": ae_available_eur(fund, m.date) if ae is not None else math.nan,
                         "cp_available_eur": math.nan, "source": m.source})
    return sorted(rows, key=lambda r: (r["date"] or dt.date.min, r["what"] != "envelope", r["what"] != "year"))
