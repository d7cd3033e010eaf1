"""How much of a fund's credits each call may commit: the one home of the allotment rules.

Read by the envelope simulation (:mod:`workbench.envelope`, per draw) and by the call-by-call
selection (:mod:`workbench.decisions`, on the nominal plan), so both apply the same rule.

A call may commit at most the fund's commitment authority available at its decision date
(:func:`workbench.credits.ae_available_eur`: the yearly ``appropriations.YEAR.ae_eur`` voted up to
that date's year, less the year's precautionary reserve, plus or minus the movements dated up to
that date, capped by the envelope in force at that date; the envelope alone where the year has no
appropriation) less what the fund's earlier calls committed.  Within that, a call works to an
allotment:

* ``none``: the call may commit all the credits left (within its own ``budget_eur``): the
  committee fills what it can "until the credits are exhausted";
* ``year_share``: the credits left in the call's decision year are shared equally among the
  fund's calls still to decide that year (two calls in a year: the first may commit half, the
  second what is left);
* ``year_share_by_applications``: shared in proportion to the calls' expected applications
  (``expected_applications``; equally where a call gives none).  FTAP's 2018 record follows
  it: 200 M€ of commitment authority for 2018, about 126 M€ granted by the first call (122
  applications) and 69 M€ by the second (61) ("Le 2ème appel à projets du FTAP retient 16
  lauréats", DITP, 12 November 2018); the rule gives 133 and 67 M€.  The shares are an
  assumption of the workbench: the allotments of the calls were not published.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .. import credits as CR
from ..errors import InputError, Problem
from ..messages import msg

ALLOTMENT_RULES = ("none", "year_share", "year_share_by_applications")


def credits_at_eur(fund: Any, when: Any) -> float:
    """The commitment authority a fund may have committed by ``when`` (a call's decision date) [EUR]:
    :func:`workbench.credits.ae_available_eur` (cumulative; earlier calls' commitments come off it)."""
    return CR.ae_available_eur(fund, when)


def cumulative_ae_cap_eur(fund: Any, year: int) -> float:
    """A fund's cumulative commitment authority available on 31 December of ``year`` [EUR]
    (:func:`credits_at_eur` at the year's end)."""
    import datetime as dt

    return credits_at_eur(fund, dt.date(int(year), 12, 31))


def call_shares(scenario: Any, rule: str | None = None) -> np.ndarray:
    """Each call's share of the credits left that it may commit [fraction], in ``scenario.calls`` order.

    ``year_share``: ``1 / m`` where ``m`` counts the calls of the same fund decided in the same
    year from this one on (this one included); ``year_share_by_applications``: this call's
    expected applications over those of the same calls; ``none``: 1 for every call.
    """
    rule = scenario.call_allotment if rule is None else rule
    if rule not in ALLOTMENT_RULES:
        raise ValueError(f"unknown allotment rule {rule!r}; rules are {', '.join(ALLOTMENT_RULES)}")
    calls = scenario.calls
    out = np.ones(len(calls))
    if rule == "none":
        return out
    for k, c in enumerate(calls):
        same = [c2 for c2 in calls[k:] if c2.fund == c.fund and c2.decision.year == c.decision.year]
        if rule == "year_share_by_applications" and all(c2.expected_applications for c2 in same):
            out[k] = c.expected_applications / sum(c2.expected_applications for c2 in same)
        else:
            out[k] = 1.0 / max(len(same), 1)
    return out


def call_budget_eur(call: Any, credits_left_eur: float, share: float) -> float:
    """What a call may commit [EUR]: the credits left, its share of them, and its own budget."""
    b = max(float(credits_left_eur), 0.0) * float(share)
    if call.budget_eur is not None:
        b = min(b, float(call.budget_eur))
    return b


def candidate_calls(scenario: Any, cands) -> list[str]:
    """The call each candidate applies to: its ``call`` column, else the scenario's first call.

    Raises
    ------
    InputError
        When some (not all) candidates name a call the scenario does not define.
    """
    ids = [c.id for c in scenario.calls]
    if "call" in cands.columns:
        col = cands["call"].astype(str).tolist()
        bad = sorted({c for c in col if c not in ids})
        if bad and len(bad) < len(set(col)):
            raise InputError([Problem("<candidates>", "column call", bad[0],
                                      msg("E_CALL_UNDEFINED", choices=list(ids[:6])))])
        if not bad:
            return col
    return [ids[0]] * len(cands)
