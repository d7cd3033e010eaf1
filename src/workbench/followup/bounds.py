"""What a laureate book's dates, payment years and amounts may be, and what a snapshot date may be.

A book that lies must be refused, not stored: a ``paid_0001_eur`` column, a grant of 1e15 €, a
decision in 1900, an end date in 9999 or a snapshot dated 9999-12-31 are typing mistakes, and a
snapshot dated in the far future would refuse every later real import.  The bounds come from the
scenario's funds when a scenario is given, else from sanity bounds:

==========================  ====================================  ==================================
what                        with a scenario                       without a scenario
==========================  ====================================  ==================================
any date of the book,       from 1 January of                     1990-01-01 to 2100-12-31
``paid_<year>_eur`` years   ``horizon.start_year`` to 31 December
                            of ``horizon.end_year`` +
                            :data:`TAIL_YEARS`
``decision_date``           no later than 31 December of          (the date bounds above)
                            ``horizon.end_year`` (the fund decides
                            within its horizon)
``grant_eur``               at most the fund's largest envelope   at most :data:`MAX_AMOUNT_EUR`
every amount [EUR]          at most :data:`MAX_AMOUNT_EUR`        at most :data:`MAX_AMOUNT_EUR`
snapshot date (``--as-of``) within the date bounds above and no   1990-01-01 to today +
                            later than today +                    :data:`FUTURE_MARGIN_DAYS`
                            :data:`FUTURE_MARGIN_DAYS`
==========================  ====================================  ==================================

Every bound is an assumption, chosen wide enough for every real book and narrow enough to catch a
typing mistake; the constants say why.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..errors import InputError, Problem
from ..messages import Message, msg

#: First and last years of any date or payment year when no scenario is given (assumption: no
#: public transformation fund of the French State is older than 1990 or planned beyond 2100).
SANE_FIRST_YEAR = 1990
SANE_LAST_YEAR = 2100
#: Years after the scenario's horizon in which payments, end dates and snapshots may still fall
#: (assumption).  A project decided in the horizon's last year may run long: the withholding-tax
#: project took 56 months (panorama of large State digital projects, Nov 2020), and the workbench's
#: delay model stretches a schedule by up to 4 times (:mod:`workbench.uncertainty`, ``delay``: the
#: panorama's and Flyvbjerg & Budzier's tails), so it ends within 56 x 4 months, under 19 years;
#: FTAP, which decided in 2018-2022, was still paying in 2024 (Cour des comptes, Nov 2025).
TAIL_YEARS = 20
#: How far after today a snapshot may be dated [days] (assumption: a book closed at the end of the
#: current month is sometimes dated then; a later date is a typing mistake, and a snapshot dated in
#: the future would refuse every later import, since snapshots are stored in date order).
FUTURE_MARGIN_DAYS = 31
#: The largest amount a book may hold in any column [EUR] (assumption): 10 bn€, fourteen times
#: FTAP's whole envelope (700 M€, DITP 2018) and five times the cost of the 43 projects of the
#: panorama of large State digital projects together (1.86 bn€, Nov 2020).
MAX_AMOUNT_EUR = 10e9


@dataclass(frozen=True)
class BookBounds:
    """The bounds a book is checked against (see the module's table).

    ``max_grant_eur`` maps each fund code (and its sub-envelope codes) to the fund's largest
    envelope [EUR]; ``basis`` says where the bounds come from (shown in messages).
    """

    first_date: dt.date
    last_date: dt.date
    last_decision_date: dt.date
    today: dt.date
    basis: Message
    max_grant_eur: dict = field(default_factory=dict)
    max_amount_eur: float = MAX_AMOUNT_EUR

    @property
    def latest_as_of(self) -> dt.date:
        """The latest date a snapshot or a status may be taken at."""
        return min(self.last_date, self.today + dt.timedelta(days=FUTURE_MARGIN_DAYS))


def largest_envelope_eur(scenario, fund: str) -> float:
    """A fund's largest envelope over its dated values [EUR] (FTAP: 780 M€ after its 2022 top-up)."""
    return scenario.funds[fund].largest_envelope_eur


def book_bounds(scenario=None, today: dt.date | None = None) -> BookBounds:
    """The bounds of a book under ``scenario`` (its horizon and envelopes), or the sanity bounds."""
    today = today or dt.date.today()
    if scenario is None:
        return BookBounds(dt.date(SANE_FIRST_YEAR, 1, 1), dt.date(SANE_LAST_YEAR, 12, 31),
                          dt.date(SANE_LAST_YEAR, 12, 31), today, msg("S_BOOK_BOUNDS_SANITY"))
    years = scenario.years
    grants = {}
    for code, fund in scenario.funds.items():
        top = largest_envelope_eur(scenario, code)
        grants[code] = top
        for sub in fund.sub_envelopes_eur:
            grants[sub] = top
    return BookBounds(dt.date(years[0], 1, 1), dt.date(years[-1] + TAIL_YEARS, 12, 31),
                      dt.date(years[-1], 12, 31), today,
                      msg("S_BOOK_BOUNDS_SCENARIO", name=scenario.name, start=years[0], end=years[-1], tail=TAIL_YEARS),
                      max_grant_eur=grants)


def check_as_of(as_of: dt.date, bounds: BookBounds, option: str = "--as-of") -> None:
    """Raise :class:`InputError` when a snapshot or status date is outside ``bounds``."""
    if as_of > bounds.today + dt.timedelta(days=FUTURE_MARGIN_DAYS):
        raise InputError([Problem("<option>", option, as_of.isoformat(),
                                  msg("E_AS_OF_FUTURE", latest=bounds.latest_as_of.isoformat(),
                                      days=FUTURE_MARGIN_DAYS))])
    if as_of < bounds.first_date or as_of > bounds.last_date:
        raise InputError([Problem("<option>", option, as_of.isoformat(),
                                  msg("E_DATE_OUT_OF_RANGE", first=bounds.first_date.isoformat(),
                                      last=bounds.last_date.isoformat(), basis=bounds.basis))])
