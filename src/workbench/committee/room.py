"""The committee's disagreement as the portfolio's robustness, and its sensitivity per criterion.

Two questions a committee asks once its members have given their weights
(:mod:`workbench.committee.elicitation`):

* **Which projects survive the room's disagreement?**  The SMAA selection frequency
  (:func:`workbench.selection.robustness.smaa`) with the weights drawn in the convex hull of the
  members' weights (Dirichlet-weighted mixes of their views) instead of uniformly from the
  scenario's intervals, beside each member's own portfolio (the optimal portfolio under that
  member's weights) and the room's (under the aggregated weights).  A project selected in every
  draw is selected whatever mix of the members' views prevails.
* **How far may each weight move before the portfolio changes?**  For each criterion, the range
  of its weight over which the room's portfolio stays the same, the others keeping their
  proportions (:func:`workbench.selection.robustness.weight_stability`), with each member's
  weight for that criterion beside it (Expert Choice Comparion shows the same as its
  sensitivity graphs).
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .. import selection as pf
from ..selection import robustness as rb
from . import elicitation as el

#: Weight draws of the room's robustness by default (the dashboard's: a few seconds on 2 cores
#: for a call of a few dozen candidates; most draws are proven by bound, see
#: :mod:`workbench.selection.draws`).
DEFAULT_SAMPLES = 300


@dataclass
class RoomRobustness:
    """The room's robustness.

    Attributes
    ----------
    table : DataFrame
        One row per candidate: ``id``, ``title``, ``eligible``, ``selected`` (under the room's
        weights), one boolean column per member (selected under that member's weights),
        ``members_selecting`` (how many members' portfolios hold it), ``selection_frequency``
        [fraction] over the draws in the members' hull, and ``core`` (``always`` /
        ``sometimes`` / ``never``).
    members : list of str
        The members, in the table's column order.
    room_weights : dict
        The aggregated weights the ``selected`` column uses [fraction].
    samples, seed : int
        The draws and their seed.
    frequency : DataFrame
        :func:`workbench.selection.robustness.smaa`'s frequency table (with its ``attrs``).
    """

    table: pd.DataFrame
    members: list[str]
    room_weights: dict
    samples: int
    seed: int
    frequency: pd.DataFrame

    def record(self) -> dict:
        """What a decision keeps of it (:func:`workbench.committee.store.record_decision`)."""
        a = self.frequency.attrs
        return {"source": "members' convex hull (Dirichlet mixes)", "samples": int(self.samples),
                "seed": int(self.seed), "members": list(self.members),
                "draws_proven_by_bound": a.get("draws_proven_by_bound"), "draws_solved": a.get("draws_solved"),
                "draws_not_proven": a.get("draws_not_proven")}


def room_robustness(scenario, candidates: pd.DataFrame, members: Mapping[str, el.Elicited],
                    room_weights: Mapping[str, float] | None = None, samples: int = DEFAULT_SAMPLES,
                    seed: int | None = None, budget_eur: float | None = None, forced_in: Iterable[str] = (),
                    forced_out: Iterable[str] = (), rules: Mapping[str, Any] | None = None,
                    engine: str = "scipy") -> RoomRobustness:
    """Each project's selection frequency under the members' weights (see the module).

    ``room_weights``: the aggregated weights (default: :func:`~workbench.committee.elicitation.aggregate`
    with the ``"auto"`` rule).  ``seed``: default the scenario's.  The other parameters are
    :func:`workbench.selection.select`'s.
    """
    names = list(members)
    if room_weights is None:
        room_weights = el.aggregate(list(members.values())).weights
    seed = scenario.seed if seed is None else int(seed)
    M = el.member_matrix(members)
    res = rb.smaa(scenario, candidates, int(samples), seed, budget_eur=budget_eur, rules=rules,
                  forced_in=forced_in, forced_out=forced_out, member_weights=M, engine=engine)
    fr = res.frequency
    ids = candidates["id"].astype(str).to_numpy()

    def chosen(w) -> np.ndarray:
        sel = pf.select(scenario, candidates, budget_eur, dict(w), forced_in, forced_out, rules, engine=engine)
        return sel.choice["selected"].to_numpy(bool)

    table = pd.DataFrame({"id": ids,
                          "title": candidates["title"].astype(str).to_numpy() if "title" in candidates else ids,
                          "eligible": fr["eligible"].to_numpy(bool),
                          "selected": chosen(room_weights)})
    for name in names:
        table[name] = chosen(members[name].weights)
    table["members_selecting"] = table[names].sum(axis=1).astype(int) if names else 0
    table["selection_frequency"] = fr["selection_frequency"].to_numpy(float)
    table["core"] = fr["core"].to_numpy()
    return RoomRobustness(table, names, dict(room_weights), int(samples), seed, fr)


def room_sensitivity(scenario, candidates: pd.DataFrame, room_weights: Mapping[str, float],
                     budget_eur: float | None = None, forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
                     rules: Mapping[str, Any] | None = None, members: Mapping[str, el.Elicited] | None = None,
                     tol: float = 0.005) -> pd.DataFrame:
    """For each criterion, the range of its weight over which the room's portfolio holds
    (:func:`workbench.selection.robustness.weight_stability`, to ``tol``), with the members' lowest
    and highest weight for it (``members_min``, ``members_max`` [fraction]) and how many members'
    weights for it fall inside the range (``members_inside``)."""
    t = rb.weight_stability(scenario, candidates, dict(room_weights), budget_eur, rules, forced_in, forced_out,
                            tol=tol)
    if members:
        M = el.member_matrix(members)
        crit = list(next(iter(members.values())).criteria)
        j = [crit.index(c) for c in t["criterion"]]
        t["members_min"] = M[:, j].min(axis=0)
        t["members_max"] = M[:, j].max(axis=0)
        t["members_inside"] = ((M[:, j] >= t["low"].to_numpy() - 1e-12) &
                               (M[:, j] <= t["high"].to_numpy() + 1e-12)).sum(axis=0).astype(int)
    return t
