"""The independent check of a portfolio against every rule, from the candidate table.

MILP solvers have had public wrong-answer bugs: every solution is re-checked here, rule by rule,
without the model's matrices, before it is returned.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..messages import Text
from .rules import RULES, CheckContext


# --------------------------------------------------------------------------------------------
# independent check of a chosen portfolio
# --------------------------------------------------------------------------------------------
def check_portfolio(scenario, cands: pd.DataFrame, choice: pd.DataFrame, s: Mapping[str, Any],
                    forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
                    eligible: np.ndarray | None = None) -> list[Text]:
    """Every rule re-evaluated on a chosen portfolio, from the candidate table (not the model).

    Each rule of :data:`.rules.RULES` checks itself, in the registry's order.

    Parameters
    ----------
    choice : DataFrame
        Indexed like ``cands``: ``selected`` (bool), ``funding`` (``'full'``/``'phase1'``/``''``),
        ``paying_envelope`` (code or ``''``).
    eligible : array of bool, optional
        Each candidate's eligibility when already known (a model's ``eligible["eligible"]``);
        computed from the candidate table otherwise.

    Returns
    -------
    list of Text
        The rules broken, in words (English text carrying its coded message, ``C_*`` in the
        catalog, so that it renders in French too); empty when the portfolio satisfies every rule.
    """
    ctx = CheckContext.build(scenario, cands, choice, s, forced_in, forced_out, eligible)
    out: list[Text] = []
    for rule in RULES:
        out += rule.check(ctx)
    return out


class SolverCheckError(RuntimeError):
    """The solver returned a portfolio that breaks a rule (a solver bug): never shown as a result."""

    def __init__(self, broken: Sequence[str]):
        self.broken = broken
        super().__init__("the solver's portfolio breaks rules: " + "; ".join(broken))
