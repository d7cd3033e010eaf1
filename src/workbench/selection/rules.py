"""The selection's rules as a registry: each rule's model rows, its independent check, its message codes.

A rule family (the envelope, the sub-envelopes, the yearly payments, forced projects, ...) is one
class here with

* ``rows(ctx, add)``: its named rows of the selection model (:func:`.model.build_model`), added
  through ``add(cols, coefficients, lb, ub, name, kind, cost_row)``; a row's *name* is the rule's
  name in a conflict report (``"sub-envelope A"``, ``"force in P3"``);
* ``check(ctx)``: the same rule re-evaluated on a chosen portfolio from the candidate table in euros,
  without the model's matrices (:func:`.check.check_portfolio`): MILP solvers have had public
  wrong-answer bugs.  A breach is a :class:`workbench.messages.Text` (English text, coded message);
* ``codes``: the catalog codes (``C_*``) of its breaches.

:data:`RULES` is the ordered registry.  Its order is the order of the model's rows (which steers
the solver's path, so it is part of the results) and of the check's breaches.  The ``options``
rule has no rows: its model part is the set of columns, one per funding option (:meth:`Options.columns`).
"""
from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..candidates import split_ids
from ..messages import Text, msg
from .inputs import _TOL_EUR, candidate_eligibility, param_value, payment_profile

#: ``add(cols, coefficients, lb, ub, name, kind, cost_row) -> row index``: adds one row to the model.
AddRow = Callable[..., int]


def _fund_of(scenario) -> dict[str, str]:
    """``{envelope or sub-envelope code: fund code}``."""
    return dict(scenario.envelope_codes)


def _payment_limits(s: Mapping[str, Any], funds: Mapping[str, Any]) -> tuple[dict, dict]:
    """The yearly payment limits in force [EUR]: ``{year: limit}`` from ``payment_limits_eur``
    and ``{(fund, year): limit}`` from the funds' ``appropriations.YEAR.cp_eur``."""
    limits = {int(y): float(param_value(v)) for y, v in (s.get("payment_limits_eur") or {}).items()}
    fund_limits = {}
    if s.get("fund_payment_limits", True):
        for fc, f in funds.items():
            for y, a in f.appropriations.items():
                if "cp_eur" in a:
                    fund_limits[(fc, int(y))] = a["cp_eur"]
    return limits, fund_limits


def _budget_eur(s: Mapping[str, Any], funds: Mapping[str, Any]) -> float:
    """The selection's budget [EUR]: ``budget_eur``, else the sum of the funds' envelopes."""
    budget = s.get("budget_eur")
    if budget is None:
        budget = sum(f.envelope_eur for f in funds.values())
    return budget


def _breach(code: str, **params: Any) -> Text:
    return Text(msg(code, **params))


# --------------------------------------------------------------------------------------------
# what the rules read
# --------------------------------------------------------------------------------------------
@dataclass
class ModelContext:
    """What the rules' rows are built from: the candidates, the settings and the model's columns.

    Column ``o`` is a funding option: candidate ``item[o]`` paid by ``envelope[o]`` (of fund
    ``fund_col[o]``) in ``mode[o]`` (``full``/``phase1``) for ``cost_eur[o]`` [EUR].  ``cols_of``
    maps a candidate's position to its columns.  The payments rule fills ``payments`` (columns x
    ``payment_years`` [EUR]); the force rule fills ``pre_conflicts``; the envelope rule
    ``envelope_row``.
    """

    scenario: Any
    cands: pd.DataFrame
    s: Mapping[str, Any]
    forced_in: tuple
    forced_out: tuple
    ids: np.ndarray
    pos: dict
    elig: pd.DataFrame
    codes: dict
    funds: Mapping[str, Any]
    item: np.ndarray
    envelope: np.ndarray
    mode: np.ndarray
    cost_eur: np.ndarray
    value_rate: np.ndarray
    fund_col: np.ndarray
    cols_of: dict
    envelope_row: int = 0
    payments: np.ndarray | None = None
    payment_years: tuple = ()
    pre_conflicts: list | None = None

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def m(self) -> int:
        return len(self.item)

    @property
    def all_cols(self) -> np.ndarray:
        return np.arange(self.m)

    @classmethod
    def build(cls, scenario, cands: pd.DataFrame, s: Mapping[str, Any], forced_in: Iterable[str] = (),
              forced_out: Iterable[str] = ()) -> ModelContext:
        """The candidates' eligibility and funding options (the model's columns)."""
        n = len(cands)
        ids = cands["id"].astype(str).to_numpy()
        elig = candidate_eligibility(scenario, cands, s)
        codes = _fund_of(scenario)
        item, envelope, mode, cost, rates = Options.columns(cands, s, elig, codes)
        cols_of: dict[int, np.ndarray] = {}
        if len(item):
            order = np.argsort(item, kind="stable")
            bounds_ = np.flatnonzero(np.diff(np.r_[-1, item[order], n + 1]))
            for a, b in zip(bounds_[:-1], bounds_[1:]):
                cols_of[int(item[order[a]])] = order[a:b]
        return cls(scenario=scenario, cands=cands, s=s, forced_in=tuple(forced_in), forced_out=tuple(forced_out),
                   ids=ids, pos={x: i for i, x in enumerate(ids)}, elig=elig, codes=codes, funds=scenario.funds,
                   item=item, envelope=envelope, mode=mode, cost_eur=cost, value_rate=rates,
                   fund_col=np.array([codes[e] for e in envelope], dtype=object), cols_of=cols_of)


@dataclass
class CheckContext:
    """What the rules' checks read: a chosen portfolio and the candidate table, in euros.

    ``money_eur`` is the fund's money committed to each candidate (``requested_eur``, or
    ``phase1_cost_eur`` for phase-1 funding; 0 when not selected); ``total_eur`` its sum;
    ``fund_of_row`` the fund paying each candidate (``""`` when none).  ``eligible`` is the
    eligibility of each candidate when the caller already has it (the model's, computed by the
    same :func:`.inputs.candidate_eligibility` from the same table and settings: eligibility is
    an input of the selection, not something the solver decides), else it is computed here.
    """

    scenario: Any
    cands: pd.DataFrame
    choice: pd.DataFrame
    s: Mapping[str, Any]
    forced_in: tuple
    forced_out: tuple
    sel: np.ndarray
    fund_share_eur: np.ndarray
    money_eur: np.ndarray
    total_eur: float
    ids: np.ndarray
    codes: dict
    funds: Mapping[str, Any]
    pay: np.ndarray
    fund_of_row: np.ndarray
    chosen: set
    eligible: np.ndarray | None = None

    @classmethod
    def build(cls, scenario, cands: pd.DataFrame, choice: pd.DataFrame, s: Mapping[str, Any],
              forced_in: Iterable[str] = (), forced_out: Iterable[str] = (),
              eligible: np.ndarray | None = None) -> CheckContext:
        sel = choice["selected"].to_numpy(bool)
        fund_share = np.where(choice["funding"].to_numpy() == "phase1", cands["phase1_cost_eur"].to_numpy(float),
                              cands["requested_eur"].to_numpy(float))
        money = np.where(sel, fund_share, 0.0)
        ids = cands["id"].astype(str).to_numpy()
        codes = _fund_of(scenario)
        pay = choice["paying_envelope"].astype(str).to_numpy()
        return cls(scenario=scenario, cands=cands, choice=choice, s=s, forced_in=tuple(forced_in),
                   forced_out=tuple(forced_out), sel=sel, fund_share_eur=fund_share, money_eur=money,
                   total_eur=money.sum(), ids=ids, codes=codes, funds=scenario.funds, pay=pay,
                   fund_of_row=np.array([codes.get(p, "") for p in pay], dtype=object), chosen=set(ids[sel]),
                   eligible=None if eligible is None else np.asarray(eligible, bool))

    @staticmethod
    def tol_eur(limit_eur: float) -> float:
        """The slack [EUR] allowed above a limit in euros (half a euro plus rounding of large sums)."""
        return _TOL_EUR + 1e-9 * abs(limit_eur)


# --------------------------------------------------------------------------------------------
# the rules
# --------------------------------------------------------------------------------------------
class Rule:
    """One rule family: its rows of the model, its independent check, the codes of its breaches."""

    #: the family's name (its rows are named after it)
    name: str = ""
    #: the rows' kind: ``budget``, ``structural`` (never relaxed), ``force``, ``logic``, ``share``
    kind: str = ""
    #: the catalog codes of a breach
    codes: tuple[str, ...] = ()

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        """Add the rule's named rows to the model (none by default)."""

    def check(self, ctx: CheckContext) -> list[Text]:
        """The rule's breaches on a chosen portfolio (none by default)."""
        return []


class Options(Rule):
    """A selected project is eligible, paid by one of its own envelopes, in a funding mode it offers.

    Model: no rows; these are the model's columns (:meth:`columns`), one per funding option of an
    eligible candidate.  Check: each selected project, from the candidate table.
    """

    name = "options"
    kind = "structural"
    codes = ("C_NOT_ELIGIBLE", "C_NOT_OWN_ENVELOPE", "C_NO_FUNDING_MODE", "C_NO_PHASE1_OPTION")

    @staticmethod
    def columns(cands: pd.DataFrame, s: Mapping[str, Any], elig: pd.DataFrame, codes: Mapping[str, str]):
        """The funding options: ``(item, envelope, mode, cost_eur, value_rate)`` arrays, one entry per
        eligible candidate x envelope that may pay for it x mode (``full``; ``phase1`` when the
        candidate's ``phase1_cost_eur`` is above 0 and below ``requested_eur`` and the settings allow
        it).  ``value_rate`` is 1 for full funding, ``phase1_value_rate`` or the phase-1 cost share
        otherwise."""
        n = len(cands)
        ok = elig["eligible"].to_numpy(bool)
        req = cands["requested_eur"].to_numpy(float)
        p1 = cands["phase1_cost_eur"].to_numpy(float) if "phase1_cost_eur" in cands else np.full(n, np.nan)
        allow_p1 = bool(s["allow_phase1"])
        p1_rate_set = s.get("phase1_value_rate")
        items, envs, modes, costs, rates = [], [], [], [], []
        # a candidate may be paid only by the envelopes whose fund's rules admit it
        env_cells = elig["eligible_envelopes"].to_numpy() if "eligible_envelopes" in elig else cands["envelope"].to_numpy()
        for i in np.flatnonzero(ok):
            options = []
            for e in dict.fromkeys(split_ids(env_cells[i])):
                if e in codes:
                    options.append(e)
            has_p1 = allow_p1 and p1[i] > 0 and p1[i] < req[i]
            for e in options:
                items.append(i)
                envs.append(e)
                modes.append("full")
                costs.append(req[i])
                rates.append(1.0)
                if has_p1:
                    items.append(i)
                    envs.append(e)
                    modes.append("phase1")
                    costs.append(p1[i])
                    rates.append(float(p1_rate_set) if p1_rate_set is not None else p1[i] / req[i])
        return (np.array(items, dtype=int), np.array(envs, dtype=object), np.array(modes, dtype=object),
                np.array(costs, dtype=float), np.array(rates, dtype=float))

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        cands, s, ids, pay, fund_share = ctx.cands, ctx.s, ctx.ids, ctx.pay, ctx.fund_share_eur
        if not ctx.sel.any():
            return out
        elig = ctx.eligible if ctx.eligible is not None else \
            candidate_eligibility(ctx.scenario, cands, s)["eligible"].to_numpy(bool)
        env_cells = cands["envelope"].to_numpy()
        fund_mode = ctx.choice["funding"].to_numpy()
        for i in np.flatnonzero(ctx.sel):
            if not elig[i]:
                out.append(_breach("C_NOT_ELIGIBLE", id=ids[i]))
            if pay[i] not in split_ids(env_cells[i]) or pay[i] not in ctx.codes:
                out.append(_breach("C_NOT_OWN_ENVELOPE", id=ids[i], payer=pay[i]))
            if fund_mode[i] not in ("full", "phase1"):
                out.append(_breach("C_NO_FUNDING_MODE", id=ids[i]))
            if fund_mode[i] == "phase1" and not (s["allow_phase1"] and fund_share[i] > 0
                                                  and fund_share[i] < cands["requested_eur"].to_numpy(float)[i]):
                out.append(_breach("C_NO_PHASE1_OPTION", id=ids[i]))
        return out


class Envelope(Rule):
    """``envelope``: the fund's money committed within the budget [EUR] (``budget_eur``, else the sum
    of the funds' envelopes)."""

    name = "envelope"
    kind = "budget"
    codes = ("C_ENVELOPE",)

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        ctx.envelope_row = add(ctx.all_cols, ctx.cost_eur, -np.inf, float(_budget_eur(ctx.s, ctx.funds)), "envelope",
                               self.kind, True)

    def check(self, ctx: CheckContext) -> list[Text]:
        budget = _budget_eur(ctx.s, ctx.funds)
        if ctx.total_eur > budget + ctx.tol_eur(budget):
            return [_breach("C_ENVELOPE", total=float(ctx.total_eur), budget=float(budget))]
        return []


class FundEnvelopes(Rule):
    """``fund envelope F``: each fund's money committed within its envelope [EUR], when a scenario
    has several funds."""

    name = "fund envelope"
    kind = "budget"
    codes = ("C_FUND_ENVELOPE",)

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        if len(ctx.funds) > 1:
            for fc, f in ctx.funds.items():
                cols = np.flatnonzero(ctx.fund_col == fc)
                if len(cols):
                    add(cols, ctx.cost_eur[cols], -np.inf, f.envelope_eur, f"fund envelope {fc}", self.kind, True)

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        if len(ctx.funds) > 1:
            for fc, f in ctx.funds.items():
                t = ctx.money_eur[ctx.fund_of_row == fc].sum()
                if t > f.envelope_eur + ctx.tol_eur(f.envelope_eur):
                    out.append(_breach("C_FUND_ENVELOPE", fund=str(fc), total=float(t), limit=float(f.envelope_eur)))
        return out


class SubEnvelopes(Rule):
    """``sub-envelope S``: each sub-envelope's budget [EUR] (``sub_envelope_budgets_eur`` overrides
    the fund's amount); off with ``sub_envelopes: false``."""

    name = "sub-envelope"
    kind = "budget"
    codes = ("C_SUB_ENVELOPE",)

    @staticmethod
    def _limits(s: Mapping[str, Any], funds: Mapping[str, Any]):
        over = s.get("sub_envelope_budgets_eur") or {}
        for f in funds.values():
            for sc, amount in f.sub_envelopes_eur.items():
                yield sc, float(param_value(over.get(sc, amount)))

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        if ctx.s.get("sub_envelopes", True):
            for sc, lim in self._limits(ctx.s, ctx.funds):
                cols = np.flatnonzero(ctx.envelope == sc)
                if len(cols):
                    add(cols, ctx.cost_eur[cols], -np.inf, lim, f"sub-envelope {sc}", self.kind, True)

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        if ctx.s.get("sub_envelopes", True):
            for sc, lim in self._limits(ctx.s, ctx.funds):
                t = ctx.money_eur[ctx.pay == sc].sum()
                if t > lim + ctx.tol_eur(lim):
                    out.append(_breach("C_SUB_ENVELOPE", envelope=str(sc), total=float(t), limit=float(lim)))
        return out


class Payments(Rule):
    """``payments YEAR`` (``payment_limits_eur``) and ``payments F YEAR`` (the fund's
    ``appropriations.YEAR.cp_eur``): the payments of the year [EUR], from the candidate's
    ``cp_<year>_eur`` columns, else the scenario's disbursement profile, else an even spread."""

    name = "payments"
    kind = "budget"
    codes = ("C_PAYMENTS", "C_FUND_PAYMENTS")

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        limits, fund_limits = _payment_limits(ctx.s, ctx.funds)
        years = tuple(sorted(set(limits) | {y for _, y in fund_limits}))
        ctx.payment_years = years
        if years and ctx.m:
            prof = payment_profile(ctx.scenario, ctx.cands, years)
            payments = prof[ctx.item] * ctx.cost_eur[:, None]
            ctx.payments = payments
            for k, y in enumerate(years):
                if y in limits:
                    cols = np.flatnonzero(payments[:, k] > 0)
                    add(cols, payments[cols, k], -np.inf, limits[y], f"payments {y}", self.kind, True)
            for (fc, y), lim in sorted(fund_limits.items()):
                k = years.index(y)
                cols = np.flatnonzero((payments[:, k] > 0) & (ctx.fund_col == fc))
                add(cols, payments[cols, k], -np.inf, lim, f"payments {fc} {y}", self.kind, True)

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        limits, fund_limits = _payment_limits(ctx.s, ctx.funds)
        years = sorted(set(limits) | {y for _, y in fund_limits})
        if years:
            prof = payment_profile(ctx.scenario, ctx.cands, years)
            paid = prof * ctx.money_eur[:, None]
            for k, y in enumerate(years):
                if y in limits and paid[:, k].sum() > limits[y] + ctx.tol_eur(limits[y]):
                    out.append(_breach("C_PAYMENTS", year=y, total=float(paid[:, k].sum()), limit=float(limits[y])))
            for (fc, y), lim in fund_limits.items():
                t = paid[ctx.fund_of_row == fc, years.index(y)].sum()
                if t > lim + ctx.tol_eur(lim):
                    out.append(_breach("C_FUND_PAYMENTS", fund=str(fc), year=y, total=float(t), limit=float(lim)))
        return out


class OneFunding(Rule):
    """``one funding for X``: at most one funding option per project (never relaxed), so a project
    is never paid twice.  Check: none needed, a choice table holds one paying envelope and one
    funding mode per project (whether they are valid is the ``options`` rule's check)."""

    name = "one funding"
    kind = "structural"

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        for i, c in ctx.cols_of.items():
            if len(c) > 1:
                add(c, np.ones(len(c)), -np.inf, 1.0, f"one funding for {ctx.ids[i]}", self.kind, False)


class Forced(Rule):
    """``force in X`` (selected) and ``force out X`` (not selected).  Forcing in a project without a
    funding option is a conflict found before solving (``ModelContext.pre_conflicts``)."""

    name = "force"
    kind = "force"
    codes = ("C_FORCED_IN_NOT_SELECTED", "C_FORCED_OUT_SELECTED")

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        pre = []
        for x in ctx.forced_in:
            i = ctx.pos[x]
            if i not in ctx.cols_of:
                reason = ctx.elig["reason"].iloc[i] or msg("R_NO_OPEN_ENVELOPE")
                pre.append([f"force in {x}", Text(msg("R_PRE_ELIGIBILITY", id=x, reason=reason))])
                continue
            c = ctx.cols_of[i]
            add(c, np.ones(len(c)), 1.0, np.inf, f"force in {x}", self.kind, False)
        for x in ctx.forced_out:
            i = ctx.pos[x]
            if i in ctx.cols_of:
                c = ctx.cols_of[i]
                add(c, np.ones(len(c)), -np.inf, 0.0, f"force out {x}", self.kind, False)
        ctx.pre_conflicts = pre[0] if pre else None

    def check(self, ctx: CheckContext) -> list[Text]:
        out = [_breach("C_FORCED_IN_NOT_SELECTED", id=str(x)) for x in ctx.forced_in if x not in ctx.chosen]
        out += [_breach("C_FORCED_OUT_SELECTED", id=str(x)) for x in ctx.forced_out if x in ctx.chosen]
        return out


class Dependencies(Rule):
    """``X requires Y`` (X selected only with Y) and ``X excludes Y`` (not both), from the
    candidates' ``requires`` and ``excludes`` columns; an unknown id is ignored."""

    name = "requires/excludes"
    kind = "logic"
    codes = ("C_REQUIRES", "C_EXCLUDES")

    @staticmethod
    def _cells(cands: pd.DataFrame):
        n = len(cands)
        req_cells = cands["requires"].to_numpy() if "requires" in cands else [""] * n
        exc_cells = cands["excludes"].to_numpy() if "excludes" in cands else [""] * n
        return req_cells, exc_cells

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        req_cells, exc_cells = self._cells(ctx.cands)
        cols_of, pos, ids = ctx.cols_of, ctx.pos, ctx.ids
        seen_pairs = set()
        for i in range(ctx.n):
            if i not in cols_of:
                continue
            ci = cols_of[i]
            for y in split_ids(req_cells[i]):
                j = pos.get(y)
                if j is None:
                    continue
                cj = cols_of.get(j, np.array([], dtype=int))
                add(np.r_[ci, cj], np.r_[np.ones(len(ci)), -np.ones(len(cj))], -np.inf, 0.0,
                    f"{ids[i]} requires {y}", self.kind, False)
            for y in split_ids(exc_cells[i]):
                j = pos.get(y)
                if j is None or j not in cols_of:
                    continue
                key = (min(i, j), max(i, j))
                if key in seen_pairs:
                    continue
                seen_pairs.add(key)
                cj = cols_of[j]
                add(np.r_[ci, cj], np.ones(len(ci) + len(cj)), -np.inf, 1.0, f"{ids[i]} excludes {y}", self.kind,
                    False)

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        req_cells, exc_cells = self._cells(ctx.cands)
        for i in np.flatnonzero(ctx.sel):
            for y in split_ids(req_cells[i]):
                if y not in ctx.chosen:
                    out.append(_breach("C_REQUIRES", id=ctx.ids[i], other=str(y)))
            for y in split_ids(exc_cells[i]):
                if y in ctx.chosen:
                    out.append(_breach("C_EXCLUDES", id=ctx.ids[i], other=str(y)))
        return out


class OwnerShares(Rule):
    """``owner share max O`` (one rate ``owner_share_max_rate`` for every owner) and ``owner share
    min O`` (``owner_share_min_rate``, named owners): an owner's share of the money committed
    [fraction]."""

    name = "owner share"
    kind = "share"
    codes = ("C_OWNER_SHARE_MAX", "C_OWNER_SHARE_MIN")

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        if not ctx.m:
            return
        cost, all_cols = ctx.cost_eur, ctx.all_cols
        owner = ctx.cands["owner"].astype(str).to_numpy()[ctx.item]
        r = ctx.s.get("owner_share_max_rate")
        if r is not None:
            for o in sorted(set(owner)):
                coef = cost * ((owner == o) - float(r))
                add(all_cols, coef, -np.inf, 0.0, f"owner share max {o}", self.kind, True)
        for o, rate in (ctx.s.get("owner_share_min_rate") or {}).items():
            add(all_cols, cost * ((owner == o) - float(param_value(rate))), 0.0, np.inf, f"owner share min {o}",
                self.kind, True)

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        total, money = ctx.total_eur, ctx.money_eur
        if not total > 0:
            return out
        owners = ctx.cands["owner"].astype(str).to_numpy()
        r = ctx.s.get("owner_share_max_rate")
        if r is not None:
            for o in sorted(set(owners[ctx.sel])):
                sh = money[owners == o].sum() / total
                if sh > float(r) + 1e-9:
                    out.append(_breach("C_OWNER_SHARE_MAX", owner=str(o), share=float(sh), limit=float(r)))
        for o, rate in (ctx.s.get("owner_share_min_rate") or {}).items():
            sh = money[owners == o].sum() / total
            if sh < float(param_value(rate)) - 1e-9:
                out.append(_breach("C_OWNER_SHARE_MIN", owner=str(o), share=float(sh),
                                   limit=float(param_value(rate))))
        return out


class ThemeShares(Rule):
    """``theme share min T`` and ``theme share max T`` (``theme_share_min_rate``,
    ``theme_share_max_rate``): a theme's share of the money committed [fraction]."""

    name = "theme share"
    kind = "share"
    codes = ("C_THEME_SHARE_MIN", "C_THEME_SHARE_MAX")

    def rows(self, ctx: ModelContext, add: AddRow) -> None:
        if not ctx.m:
            return
        m, cost = ctx.m, ctx.cost_eur
        theme = ctx.cands["theme"].astype(str).to_numpy()[ctx.item] if "theme" in ctx.cands else np.full(m, "")
        for key, lo_side in (("theme_share_min_rate", True), ("theme_share_max_rate", False)):
            for t, rate in (ctx.s.get(key) or {}).items():
                coef = cost * ((theme == t) - float(param_value(rate)))
                if lo_side:
                    add(ctx.all_cols, coef, 0.0, np.inf, f"theme share min {t}", self.kind, True)
                else:
                    add(ctx.all_cols, coef, -np.inf, 0.0, f"theme share max {t}", self.kind, True)

    def check(self, ctx: CheckContext) -> list[Text]:
        out: list[Text] = []
        total, money = ctx.total_eur, ctx.money_eur
        if not total > 0:
            return out
        themes = ctx.cands["theme"].astype(str).to_numpy() if "theme" in ctx.cands else np.full(len(ctx.cands), "")
        for t, rate in (ctx.s.get("theme_share_min_rate") or {}).items():
            sh = money[themes == t].sum() / total
            if sh < float(param_value(rate)) - 1e-9:
                out.append(_breach("C_THEME_SHARE_MIN", theme=str(t), share=float(sh), limit=float(param_value(rate))))
        for t, rate in (ctx.s.get("theme_share_max_rate") or {}).items():
            sh = money[themes == t].sum() / total
            if sh > float(param_value(rate)) + 1e-9:
                out.append(_breach("C_THEME_SHARE_MAX", theme=str(t), share=float(sh), limit=float(param_value(rate))))
        return out


#: The rules in order: the order of the model's rows and of the check's breaches.
RULES: tuple[Rule, ...] = (Options(), Envelope(), FundEnvelopes(), SubEnvelopes(), Payments(), OneFunding(),
                           Forced(), Dependencies(), OwnerShares(), ThemeShares())
