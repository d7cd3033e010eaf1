"""Each committee member's criteria weights, elicited by a method of the field, and the room's.

A selection committee (FTAP's steering committee: the budget minister's chair, DITP, the budget
directorate, SGPI, the digital state secretariat, qualified outsiders) rarely agrees on how much
each of the four criteria weighs.  Here each member states their own weights by one of two
methods, and the room's weights are aggregated by a stated rule:

* **Swing weighting** (Edwards & Barron, "SMARTS and SMARTER: Improved simple methods for
  multiattribute utility measurement", *Organizational Behavior and Human Decision Processes*
  60(3), 1994, pp. 306-325).  The member imagines each criterion moving from its worst to its
  best level (a "swing": from a score of 0 to 10 on the fund's scale), ranks the swings, gives
  the most valued one 100 points and rates each other swing against it (0 to 100 points).  The
  weight of a criterion is its points divided by the sum of the points.  With a ranking only,
  SMARTER's rank-order centroid weights (:func:`rank_order_centroid`) apply.
* **Pairwise comparisons** (Saaty, *The Analytic Hierarchy Process*, McGraw-Hill, 1980; the
  house example below is from Saaty, "How to make a decision: the analytic hierarchy process",
  *European Journal of Operational Research* 48(1), 1990, pp. 9-26).  For each pair of
  criteria the member says which matters more and how much on Saaty's 1-9 scale (1 equal,
  3 moderately, 5 strongly, 7 very strongly, 9 extremely more important; 2, 4, 6, 8 between).
  The judgments fill a positive reciprocal matrix ``A`` (``a_ji = 1 / a_ij``); the weights are
  its principal (Perron) eigenvector, normalised to sum 1; the consistency index is
  ``CI = (lambda_max - n) / (n - 1)`` and the consistency ratio ``CR = CI / RI(n)`` with Saaty's
  random indices :data:`RANDOM_INDEX` (the mean CI of random reciprocal matrices).  A CR above
  :data:`CR_THRESHOLD` (0.10, Saaty's rule) flags judgments to revisit.

The room's weights (:func:`aggregate`), by a rule the minutes state:

* ``"aij"`` (aggregation of individual judgments): the element-wise geometric mean of the
  members' pairwise matrices, then its eigenvector.  Aczél & Saaty ("Procedures for
  synthesizing ratio judgements", *Journal of Mathematical Psychology* 27(1), 1983, pp. 93-102)
  show the geometric mean is the rule that keeps the reciprocal property (the group's ``a_ji``
  stays ``1 / a_ij``) and unanimity.  AHP members only.
* ``"geometric"`` (aggregation of individual priorities, AIP): the normalised geometric mean of
  the members' weight vectors (Forman & Peniwati, "Aggregating individual judgments and
  priorities with the analytic hierarchy process", *EJOR* 108(1), 1998, pp. 165-169).  A
  criterion one member weighs 0 gets 0.
* ``"arithmetic"``: the arithmetic mean of the members' weight vectors (the usual rule for
  swing weights, which are on an interval of points rather than ratios of judgments).
* ``"auto"`` (the default): ``"aij"`` when every member compared pairwise, else
  ``"arithmetic"``.

Every member counts the same (no voting power); the spread of the members' weights
(:func:`spread`) is the room's disagreement, which :mod:`workbench.selection.robustness` turns
into the portfolio's robustness (draws in the members' convex hull).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, closest
from ..messages import msg
from ..scenario import CRITERIA

#: Saaty's random consistency indices RI(n) by matrix size (Saaty 1980, table 1.7; the mean
#: consistency index of random reciprocal matrices on the 1-9 scale).
RANDOM_INDEX = {1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49}
#: Saaty's threshold on the consistency ratio: above it, the judgments should be revisited.
CR_THRESHOLD = 0.10
#: The judgments Saaty's scale allows: 1/9 … 1/2, 1, 2 … 9 (a over b; below 1: b over a).
SAATY_SCALE = tuple(Fraction(1, k) for k in range(9, 1, -1)) + tuple(Fraction(k) for k in range(1, 10))
#: Points of the most valued swing (Edwards & Barron 1994): the others are rated against it.
SWING_TOP_POINTS = 100.0
#: The elicitation methods, as stored.
METHODS = ("swing", "ahp")
#: The aggregation rules (see the module).
RULES = ("auto", "aij", "geometric", "arithmetic")
#: Separator of a pair's key in stored judgments: ``"strategic|service"``.
PAIR_SEP = "|"


@dataclass(frozen=True)
class Elicited:
    """One member's weights and how they were obtained.

    Attributes
    ----------
    method : {"swing", "ahp"}
    criteria : tuple of str
    weights : dict
        ``criterion -> weight`` [fraction], summing to 1.
    raw : dict
        The member's answers as given, JSON-able: ``{"points": {criterion: points}}`` (swing) or
        ``{"judgments": {"a|b": "3", …}}`` (AHP: ``a`` is that many times as important as ``b``;
        ``"1/3"``: ``b`` three times as important as ``a``).
    lambda_max, consistency_index, consistency_ratio : float or None
        AHP only: the principal eigenvalue, ``CI`` and ``CR`` (0 for two criteria or fewer).
    """

    method: str
    criteria: tuple[str, ...]
    weights: dict[str, float]
    raw: dict = field(default_factory=dict)
    lambda_max: float | None = None
    consistency_index: float | None = None
    consistency_ratio: float | None = None

    @property
    def inconsistent(self) -> bool:
        """Whether the consistency ratio is above :data:`CR_THRESHOLD` (AHP only)."""
        return self.consistency_ratio is not None and self.consistency_ratio > CR_THRESHOLD + 1e-12

    def vector(self) -> np.ndarray:
        """The weights in :attr:`criteria` order [fraction]."""
        return np.array([self.weights[c] for c in self.criteria], float)

    def matrix(self) -> np.ndarray | None:
        """The pairwise matrix of an AHP member (``None`` for swing)."""
        if self.method != "ahp":
            return None
        return pairwise_matrix(self.raw["judgments"], self.criteria)


def _criteria(criteria: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(CRITERIA if criteria is None else criteria)


# --------------------------------------------------------------------------------------------
# swing weighting (Edwards & Barron 1994)
# --------------------------------------------------------------------------------------------
def swing(points: Mapping[str, Any], order: Sequence[str] | None = None,
          criteria: Sequence[str] | None = None, where: str = "points") -> Elicited:
    """Swing weights from each criterion's points: ``w_c = p_c / sum(p)`` [fraction].

    Parameters
    ----------
    points : mapping
        ``criterion -> points`` in [0, 100] for every criterion; the most valued swing gets
        :data:`SWING_TOP_POINTS` (100).
    order : sequence of str, optional
        The member's ranking of the swings, most valued first: the points must not increase
        along it.
    where : str
        The place named in an error (a key path).

    Raises
    ------
    InputError
        A missing or unknown criterion, points not a number in [0, 100], no swing at 100, or
        points that contradict the ranking.
    """
    crit = _criteria(criteria)
    probs: list[Problem] = []
    for c in points:
        if c not in crit:
            probs.append(Problem("<input>", f"{where}.{c}", c, msg("E_UNKNOWN_CRITERION", suggestion=closest(c, crit))))
    p: dict[str, float] = {}
    for c in crit:
        if c not in points:
            probs.append(Problem("<input>", f"{where}.{c}", None, msg("E_COMMITTEE_CRITERION_MISSING")))
            continue
        try:
            v = float(points[c])
        except (TypeError, ValueError):
            v = float("nan")
        if not 0.0 <= v <= SWING_TOP_POINTS:
            probs.append(Problem("<input>", f"{where}.{c}", points[c], msg("E_SWING_POINTS", top=SWING_TOP_POINTS)))
            continue
        p[c] = v
    if not probs and max(p.values()) != SWING_TOP_POINTS:
        probs.append(Problem("<input>", where, dict(points), msg("E_SWING_NO_TOP", top=SWING_TOP_POINTS)))
    if order is not None and not probs:
        bad = [c for c in order if c not in crit]
        if bad or len(set(order)) != len(order):
            probs.append(Problem("<input>", "order", list(order), msg("E_CRITERION_TWICE") if not bad else
                                 msg("E_UNKNOWN_CRITERION", suggestion=closest(bad[0], crit))))
        elif any(p[a] < p[b] for a, b in zip(order, order[1:])):
            probs.append(Problem("<input>", "order", list(order), msg("E_SWING_ORDER")))
    if probs:
        raise InputError(probs)
    total = sum(p.values())
    raw: dict[str, Any] = {"points": {c: p[c] for c in crit}}
    if order is not None:
        raw["order"] = list(order)
    return Elicited("swing", crit, {c: p[c] / total for c in crit}, raw)


def rank_order_centroid(order: Sequence[str]) -> dict[str, float]:
    """SMARTER's rank-order centroid weights (Edwards & Barron 1994) from a ranking alone:
    the criterion ranked ``k`` of ``n`` gets ``(1/n) sum_{i=k..n} 1/i`` [fraction]
    (four criteria: 0.521, 0.271, 0.146, 0.063)."""
    n = len(order)
    return {c: sum(1.0 / i for i in range(k, n + 1)) / n for k, c in enumerate(order, start=1)}


# --------------------------------------------------------------------------------------------
# pairwise comparisons (Saaty 1980)
# --------------------------------------------------------------------------------------------
def parse_judgment(value: Any) -> Fraction | None:
    """A judgment on Saaty's scale from ``3``, ``"3"``, ``"1/3"`` or ``0.3333…`` (within 1e-6),
    or ``None`` when it is not one of :data:`SAATY_SCALE`."""
    try:
        if isinstance(value, str):
            f = Fraction(value.strip())
        else:
            x = float(value)
            if not math.isfinite(x) or x <= 0:
                return None
            f = min(SAATY_SCALE, key=lambda s: abs(math.log(float(s)) - math.log(x)))
            if abs(float(f) - x) > 1e-6 * max(1.0, x):
                return None
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    return f if f in SAATY_SCALE else None


def judgment_text(value: Fraction) -> str:
    """How a judgment is stored: ``"3"``, ``"1/3"``."""
    return str(value.numerator) if value.denominator == 1 else f"1/{value.denominator}"


def pairs(criteria: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """Every pair of criteria, once, in the criteria's order: ``(a, b)`` with ``a`` before ``b``."""
    crit = _criteria(criteria)
    return [(a, b) for i, a in enumerate(crit) for b in crit[i + 1:]]


def _pair_key(key: Any) -> tuple[str, str] | None:
    if isinstance(key, tuple) and len(key) == 2:
        return str(key[0]), str(key[1])
    if isinstance(key, str) and key.count(PAIR_SEP) == 1:
        a, b = key.split(PAIR_SEP)
        return a.strip(), b.strip()
    return None


def check_judgments(judgments: Mapping[Any, Any], criteria: Sequence[str] | None = None,
                    where: str = "judgments") -> dict[tuple[str, str], Fraction]:
    """The judgments as ``{(a, b): a over b}`` for every pair of :func:`pairs` order, checked.

    A judgment may be given either way round (``("service", "strategic"): 3`` is
    ``("strategic", "service"): 1/3``).

    Raises
    ------
    InputError
        A key that is not a pair of two different known criteria, a pair given twice, a value off
        Saaty's scale, or a pair missing.
    """
    crit = _criteria(criteria)
    probs: list[Problem] = []
    out: dict[tuple[str, str], Fraction] = {}
    order = {c: i for i, c in enumerate(crit)}
    for key, value in judgments.items():
        pk = _pair_key(key)
        name = f"{where}.{key if isinstance(key, str) else PAIR_SEP.join(map(str, key))}"
        if pk is None or pk[0] == pk[1]:
            probs.append(Problem("<input>", name, key, msg("E_AHP_PAIR", sep=PAIR_SEP)))
            continue
        unknown = [c for c in pk if c not in order]
        if unknown:
            probs.append(Problem("<input>", name, unknown[0],
                                 msg("E_UNKNOWN_CRITERION", suggestion=closest(unknown[0], crit))))
            continue
        f = parse_judgment(value)
        if f is None:
            probs.append(Problem("<input>", name, value, msg("E_AHP_SCALE")))
            continue
        a, b = pk
        if order[a] > order[b]:
            a, b, f = b, a, 1 / f
        if (a, b) in out:
            probs.append(Problem("<input>", name, value, msg("E_AHP_PAIR_TWICE")))
            continue
        out[(a, b)] = f
    if not probs:
        for a, b in pairs(crit):
            if (a, b) not in out:
                probs.append(Problem("<input>", f"{where}.{a}{PAIR_SEP}{b}", None, msg("E_AHP_PAIR_MISSING")))
    if probs:
        raise InputError(probs)
    return {(a, b): out[(a, b)] for a, b in pairs(crit)}


def pairwise_matrix(judgments: Mapping[Any, Any], criteria: Sequence[str] | None = None) -> np.ndarray:
    """The positive reciprocal matrix of the judgments: ``A[i, j]`` = how many times criterion
    ``i`` is as important as ``j`` (``A[j, i] = 1 / A[i, j]``, ``A[i, i] = 1``)."""
    crit = _criteria(criteria)
    checked = check_judgments(judgments, crit)
    n = len(crit)
    A = np.ones((n, n))
    for (a, b), f in checked.items():
        i, j = crit.index(a), crit.index(b)
        A[i, j], A[j, i] = float(f), float(1 / f)
    return A


def principal_eigen(A: np.ndarray) -> tuple[float, np.ndarray]:
    """``(lambda_max, w)``: the Perron eigenvalue of a positive matrix and its eigenvector
    normalised to sum 1 (Saaty 1980, ch. 2).  Computed by numpy's dense eigensolver; the
    eigenvalue of largest real part is the Perron root of a positive matrix."""
    A = np.asarray(A, float)
    vals, vecs = np.linalg.eig(A)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    return float(vals[k].real), w / w.sum()


def consistency(A: np.ndarray, lambda_max: float | None = None) -> tuple[float, float, float]:
    """``(lambda_max, CI, CR)`` of a reciprocal matrix: ``CI = (lambda_max - n) / (n - 1)``,
    ``CR = CI / RI(n)`` (:data:`RANDOM_INDEX`; 0 for n <= 2, where any matrix is consistent)."""
    A = np.asarray(A, float)
    n = A.shape[0]
    lam = principal_eigen(A)[0] if lambda_max is None else float(lambda_max)
    if n <= 2:
        return lam, 0.0, 0.0
    if n not in RANDOM_INDEX:
        raise InputError([Problem("<input>", "criteria", n, msg("E_AHP_SIZE", most=max(RANDOM_INDEX)))])
    ci = max(lam - n, 0.0) / (n - 1)   # lambda_max >= n for a reciprocal matrix; rounding below is 0
    return lam, ci, ci / RANDOM_INDEX[n]


def ahp_from_matrix(A: np.ndarray, criteria: Sequence[str] | None = None) -> Elicited:
    """The weights (principal eigenvector) and consistency of a positive reciprocal matrix.

    Raises
    ------
    InputError
        A matrix that is not square of the criteria's size, not positive, or not reciprocal.
    """
    crit = _criteria(criteria)
    A = np.asarray(A, float)
    n = len(crit)
    if A.shape != (n, n) or not np.all(np.isfinite(A)) or np.any(A <= 0) or \
            not np.allclose(A * A.T, 1.0, rtol=1e-9, atol=1e-12):
        raise InputError([Problem("<input>", "matrix", A.shape, msg("E_AHP_MATRIX", n=n))])
    judgments = {}
    for i, a in enumerate(crit):
        for j in range(i + 1, n):
            f = Fraction(A[i, j]).limit_denominator(9)
            judgments[f"{a}{PAIR_SEP}{crit[j]}"] = judgment_text(f) if f in SAATY_SCALE else repr(float(A[i, j]))
    lam, w = principal_eigen(A)
    lam, ci, cr = consistency(A, lam)
    return Elicited("ahp", crit, dict(zip(crit, w.tolist())), {"judgments": judgments}, lam, ci, cr)


def ahp(judgments: Mapping[Any, Any], criteria: Sequence[str] | None = None, where: str = "judgments") -> Elicited:
    """A member's weights from pairwise judgments on Saaty's scale (see the module).

    ``judgments``: ``{(a, b): value}`` or ``{"a|b": value}`` for every pair of criteria, the
    value (``3``, ``"1/3"``…) saying how many times ``a`` is as important as ``b``.
    """
    crit = _criteria(criteria)
    checked = check_judgments(judgments, crit, where)
    A = pairwise_matrix({k: v for k, v in checked.items()}, crit)
    lam, w = principal_eigen(A)
    lam, ci, cr = consistency(A, lam)
    raw = {"judgments": {f"{a}{PAIR_SEP}{b}": judgment_text(f) for (a, b), f in checked.items()}}
    return Elicited("ahp", crit, dict(zip(crit, w.tolist())), raw, lam, ci, cr)


def from_raw(method: str, raw: Mapping[str, Any], criteria: Sequence[str] | None = None) -> Elicited:
    """A member's weights computed again from the answers stored (``raw``) by ``method``."""
    if method == "swing":
        return swing(raw.get("points") or {}, raw.get("order"), criteria)
    if method == "ahp":
        return ahp(raw.get("judgments") or {}, criteria)
    raise InputError([Problem("<input>", "method", method, msg("E_EITHER", first="swing", second="ahp"))])


# --------------------------------------------------------------------------------------------
# the room: aggregation and spread
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RoomWeights:
    """The room's weights and how they were aggregated.

    ``rule``: the rule applied (``"aij"``, ``"geometric"`` or ``"arithmetic"``; ``"auto"``
    resolved); ``requested``: the rule asked for; ``consistency_ratio``: the group matrix's CR
    under ``"aij"`` (else ``None``); ``members``: how many.
    """

    weights: dict[str, float]
    rule: str
    requested: str
    members: int
    consistency_ratio: float | None = None


def resolve_rule(members: Sequence[Elicited], rule: str = "auto") -> str:
    """The rule ``"auto"`` stands for with these members: ``"aij"`` when all compared
    pairwise, else ``"arithmetic"``; any other rule as it is."""
    if rule == "auto":
        return "aij" if members and all(m.method == "ahp" for m in members) else "arithmetic"
    return rule


def aggregate(members: Sequence[Elicited], rule: str = "auto") -> RoomWeights:
    """The room's weights from its members' (see the module for the rules) [fraction].

    Raises
    ------
    InputError
        No member, an unknown rule, ``"aij"`` with a member who did not compare pairwise, members
        on different criteria, or ``"geometric"`` when every criterion has a member at 0.
    """
    if rule not in RULES:
        raise InputError([Problem("<input>", "rule", rule, msg("E_COMMITTEE_RULE", choices=list(RULES)))])
    if not members:
        raise InputError([Problem("<input>", "members", 0, msg("E_COMMITTEE_NO_MEMBER"))])
    crit = members[0].criteria
    if any(m.criteria != crit for m in members):
        raise InputError([Problem("<input>", "members", [m.criteria for m in members], msg("E_COMMITTEE_CRITERIA"))])
    used = resolve_rule(members, rule)
    cr = None
    if used == "aij":
        if any(m.method != "ahp" for m in members):
            raise InputError([Problem("<input>", "rule", rule, msg("E_COMMITTEE_AIJ_AHP_ONLY"))])
        log_matrices = []
        for m in members:
            M = m.matrix()
            assert M is not None, "every member is AHP (checked just above)"
            log_matrices.append(np.log(M))
        logs = np.mean(log_matrices, axis=0)
        G = np.exp(logs)
        lam, w = principal_eigen(G)
        cr = consistency(G, lam)[2]
    else:
        M = np.array([m.vector() for m in members])
        if used == "geometric":
            with np.errstate(divide="ignore"):
                g = np.exp(np.mean(np.log(M), axis=0))
            if not g.sum() > 0:
                raise InputError([Problem("<input>", "rule", rule, msg("E_COMMITTEE_GEOMETRIC_ZERO"))])
            w = g / g.sum()
        else:
            w = M.mean(axis=0)
            w = w / w.sum()
    return RoomWeights(dict(zip(crit, (float(x) for x in w))), used, rule, len(members), cr)


def spread(members: Mapping[str, Elicited] | Sequence[Elicited]) -> pd.DataFrame:
    """The members' disagreement, per criterion: ``criterion``, ``min``, ``max``, ``mean``,
    ``std`` (population standard deviation, over the members as they are: not a sample of a
    larger room) and ``range`` (max - min) of the weights [fraction]; ``min_member`` and
    ``max_member`` name who gave the extremes (first in order on ties)."""
    items = list(members.items()) if isinstance(members, Mapping) else [(str(i + 1), m) for i, m in enumerate(members)]
    if not items:
        return pd.DataFrame(columns=["criterion", "min", "max", "mean", "std", "range", "min_member", "max_member"])
    crit = items[0][1].criteria
    names = [n for n, _ in items]
    M = np.array([m.vector() for _, m in items])
    lo, hi = M.argmin(axis=0), M.argmax(axis=0)
    return pd.DataFrame({"criterion": list(crit), "min": M.min(axis=0), "max": M.max(axis=0),
                         "mean": M.mean(axis=0), "std": M.std(axis=0, ddof=0),
                         "range": M.max(axis=0) - M.min(axis=0),
                         "min_member": [names[i] for i in lo], "max_member": [names[i] for i in hi]})


def member_matrix(members: Mapping[str, Elicited] | Sequence[Elicited]) -> np.ndarray:
    """The members' weight vectors as rows, shape ``(members, criteria)`` [fraction]."""
    ms = list(members.values()) if isinstance(members, Mapping) else list(members)
    return np.array([m.vector() for m in ms], float)
