"""The scenario's schema: every key a scenario file may hold, its rule, its meaning and its default.

Each key is declared once here (:data:`SCHEMA`, with :func:`workbench.schema.doc`): what it
accepts, its unit, an example and, for an optional key, the value used when a scenario leaves it
out.  That default is the only one: the typed sections of a loaded scenario
(:mod:`workbench.scenario.sections`: ``scenario.selection``, ``scenario.disbursement``…) read it
from here (:func:`default_of`), and every consumer (selection, simulation, follow-up, dashboard)
reads the typed sections.  The generated reference of the scenario keys (``docs/gen_reference.py``)
shows what is written here.

Amounts are euros (``_eur``), rates fractions (``_rate``), durations months (``_months``).  A
figure taken from a document carries its source; a figure the workbench chose says it is an
assumption and why.
"""
from __future__ import annotations

import math
from typing import Any

from .. import credits as CR
from .. import limits as LIMITS
from .. import uncertainty as U
from ..messages import msg
from ..schema import Amount, Any_, Bool, Date, Fields, ListOf, MapOf, Num, Param, Rate, Spec, Str, doc

#: The four criteria a committee scores a project on (FTAP's calls for projects: strategic
#: interest, service to users, savings, governance), in this order everywhere.
CRITERIA = ("strategic", "service", "savings", "governance")
#: Kinds of project owners (candidates' optional ``owner_type`` column; ``;`` joins a group).
OWNER_TYPES = ("state_central", "state_deconcentrated", "state_operator", "local_authority",
               "small_local_authority")

# ---- the defaults that the simulation, the selection and the analyses share ----------------------
#: Payment profile of a grant from its commitment year on [fraction per year]: the budget
#: documents' schedule of FTAP's unpaid commitments at the end of 2020 (396.8 M€): 36.5 % the
#: next year, 36.5 %, 21.6 %, 5.3 % later (the shares sum to 99.9 %; the 0.1 % rounding gap is
#: added to the last year).
DEFAULT_PROFILE_RATES = (0.365, 0.365, 0.216, 0.054)
#: Months between the committee's decision and the signature of the transformation contract
#: (the commitment) when a scenario gives neither ``disbursement.commitment_lag`` nor
#: ``disbursement.contract_lag_months``: a fixed lag (an assumption; FTAP's execution shows a
#: longer, dispersed lag: about 195 M€ granted on 19 June and 31 October 2018 but only about 20 M€
#: of AE consumed in 2018, "Rapport annuel de performances 2019, programme 349", Direction du
#: budget: « 179,9 M€ en AE ont été reportées sur 2019 »; the shipped FTAP scenario sets a
#: lognormal lag, see :class:`~workbench.scenario.sections.CommitmentLag` and
#: docs/explanation/decide-commit-pay.md).
DEFAULT_CONTRACT_LAG_MONTHS = 6.0
#: The forms of ``disbursement.commitment_lag.distribution``.
LAG_DISTRIBUTIONS = ("lognormal", "fixed")
#: Share of a cost overrun the fund pays: 0, the transformation contract fixes the grant and
#: the owner pays overruns (an assumption; a scenario sets 1 for the cautious reading).
DEFAULT_OVERRUN_PAID_BY_FUND_RATE = 0.0
#: Envelope-simulation draws of every front end when the scenario does not say (``simulation.draws``):
#: the report, ``simulate``, ``rank``, ``compare``, the sweep and the dashboard compute the fund's
#: risk on the same draws.  An assumption: 2,000 draws give a shortfall probability of 20 % within
#: ±0.9 point (one standard error) in about 0.2 s for FTAP's 120 laureates on 2 cores.
DEFAULT_DRAWS = 2000
#: FTAP target: 1 € of lasting savings per year, three years after 1 € invested: « une cible de
#: rendement d'un euro pérenne d'économies après trois ans après l'investissement d'un euro »
#: ("[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16 lauréats", DITP,
#: 12 November 2018).
ROI_TARGET_RATIO = 1.0
ROI_TARGET_YEARS = 3
#: Defaults of the sensitivity analysis (``sensitivity`` section, :mod:`workbench.analysis.sensitivity`):
#: Saltelli's base samples (a power of 2: ``N (k + 2)`` parameter sets for ``k`` factors) and the
#: simulation draws per set.  An assumption with its reason: the CP risk is a threshold output
#: (zero on most sets, high in a corner of short lags), whose total indices need many sets more
#: than many draws per set: 256 x 32 gives seven factors 2,304 sets and 73,728 draws (8 to 34 s
#: on the shared machine, with its load), and total-index intervals of about ±0.2-0.6 on the risk,
#: ±0.01-0.14 on the money left (docs/explanation/sensitivity.md gives the measured widths).
DEFAULT_SENSITIVITY_SAMPLES = 256
DEFAULT_SENSITIVITY_DRAWS_PER_SET = 32
#: The criteria's scoring scale when a scenario does not declare one.
DEFAULT_SCALE = {"min": 0, "max": 10}
#: The value models a scenario may declare (``criteria.value_model.kind``).
VALUE_MODELS = ("quality_x_scope", "points")
#: Scope columns a value model may use (``criteria.value_model.scope``): the fund's investment
#: by default, or the project's declared yearly savings, its total cost, or any numeric column.
DEFAULT_VALUE_SCOPE = "requested_eur"
#: Eligibility rules a committee may switch off by name (``eligibility.rules_off``: the dashboard's
#: rule switches, a variant), for every fund at once.
SWITCHABLE_RULES = ("owner_types", "fast_track_threshold_eur", "last_commitment_date", "first_results_months",
                    "governance_gate_eur")
#: Keys that say the same thing in two forms: a file (or an override) that gives one form replaces
#: the other form its base gives (a child's plain ``contract_lag_months`` replaces its base's
#: ``commitment_lag`` distribution, and the reverse).  Both in one file is an error.
ALTERNATIVE_KEYS = {"contract_lag_months": "commitment_lag", "commitment_lag": "contract_lag_months"}

_AMOUNT = Param(Amount())
_AMOUNT0 = Param(Amount(ge=0))
_RATE = Param(Rate())
_SOURCE = {"reference": doc(Str(), "The public document the figures of this block come from (title, publisher, "
                                   "date, quoted words)"),
           "assumption": doc(Str(), "Why the workbench chose the figures of this block where no document "
                                    "states them")}
_DESCRIPTION = doc(Str(), "A sentence saying what this block is for")

# one dated movement of a year's credits (workbench.credits): a freeze, an unfreeze, a
# cancellation, a transfer, a supplementary appropriation; amounts positive, the kind gives the sign
_MOVEMENT = Fields(
    {"date": doc(Date(), "The day of the movement (within its year)", example="2020-07-15"),
     "kind": doc(Str(list(CR.MOVEMENT_KINDS)), "What the movement does to the year's credits (its sign)",
                 example="freeze"),
     "ae_eur": doc(_AMOUNT0, "Commitment authority (AE) moved", unit="EUR", example=10000000),
     "cp_eur": doc(_AMOUNT0, "Payment credits (CP) moved", unit="EUR", example=5000000),
     **_SOURCE, "description": _DESCRIPTION},
    required=("date", "kind"),
)

_FUND = Fields(
    {
        "title": doc(Str(), "The fund's name as published",
                     example="Fonds pour la transformation de l'action publique"),
        "description": _DESCRIPTION,
        "envelope_eur": doc(_AMOUNT, "The fund's envelope (dated values: each top-up from its date)", unit="EUR",
                            example=700000000),
        "envelope_parts": doc(MapOf(Fields({"title": Str(),
                                            "amount_eur": doc(_AMOUNT, "The part's amount", unit="EUR")},
                                           required=("amount_eur",))),
                              "Named parts that should add up to the envelope (FITN: State 204 M€ + local 88 M€)"),
        "appropriations": doc(MapOf(
            Fields({"ae_eur": doc(_AMOUNT0, "Commitment authority (AE) voted for the year", unit="EUR",
                                  example=200000000),
                    "cp_eur": doc(_AMOUNT0, "Payment credits (CP) voted for the year", unit="EUR",
                                  example=160000000),
                    **_SOURCE,
                    "movements": doc(ListOf(_MOVEMENT), "Dated in-year movements of the year's credits "
                                                        "(workbench.credits.MOVEMENT_KINDS)")}),
            key=lambda k: isinstance(k, int) and not isinstance(k, bool),
            key_rule=msg("E_APPROPRIATION_YEAR_KEY"),
        ), "Voted appropriations by year (loi de finances initiale); a year left out has no cap of its own"),
        "reserve_rate": doc(_RATE, "Precautionary reserve (mise en réserve) of each year's voted AE and CP, read on "
                                   "1 January of the year (workbench.credits.reserve_rate)", default=0.0,
                            unit="fraction", example=0.04),
        "sub_envelopes": doc(MapOf(
            Fields({"title": Str(), "amount_eur": doc(_AMOUNT, "The sub-envelope's amount", unit="EUR"),
                    "part": doc(Str(), "The envelope part it belongs to (envelope_parts)"), **_SOURCE},
                   required=("amount_eur",))
        ), "Sub-envelopes by code, each a budget of its own (a candidate names the codes it may be paid from)"),
        "cp_carryover_cap_rate": doc(_RATE, "Cap on the carry-over of unused payment credits to the next year, as a "
                                            "share of the year's initial credits (LOLF art. 15: 3 %)",
                                     default=0.03, unit="fraction", example=0.03),
        "allow_overcommitment": doc(Bool(), "Whether the fund may commit beyond its envelope", default=False),
        "cp_on_programme_rate": doc(_RATE, "Share of the fund's payments executed on its own programme's CP (the "
                                           "rest through CP moved out to the ministries' programmes)",
                                    default=1.0, unit="fraction", example=0.5),
    },
    required=("envelope_eur",),
)

_CALL = Fields(
    {
        "id": doc(Str(), "The call's identifier (a recurring call's sessions are <id>-1, <id>-2…)",
                  example="FTAP-AAP2"),
        "title": doc(Str(), "The call's name as published"),
        "fund": doc(Str(), "The fund (its code under funds) the call commits", example="FTAP"),
        "envelopes": doc(ListOf(Str()), "The envelope codes the call is open to (any fund's)", default=()),
        "open": doc(Date(), "The day the call opened", example="2018-06-20"),
        "deadline": doc(Date(), "The last day to apply", example="2018-09-15"),
        "decision": doc(Date(), "The day the committee decided", example="2018-10-31"),
        "budget_eur": doc(_AMOUNT, "The most the call may commit; null or absent: until the fund's credits are "
                                   "exhausted", unit="EUR"),
        "track": doc(Str(["regular", "fast"]), "The call's track: regular, or fast (FITN's continuous track "
                                               "for small projects)", default="regular"),
        "every_months": doc(Num(gt=0, le=24, integer=True), "A repeating calendar: the call recurs every N months "
                                                            "until the date of until", unit="months", example=3),
        "until": doc(Date(), "The last decision of a recurring call", example="2022-06-30"),
        "expected_applications": doc(Num(gt=0, le=LIMITS.MAX_CANDIDATES, integer=True),
                                     "Published (or assumed) number of applications, for the synthetic pipeline; "
                                     "absent: candidates.synthetic.applications", example=61),
        "expected_total_cost_eur": doc(_AMOUNT, "Published (or assumed) total cost of the applications, for the "
                                                "synthetic pipeline", unit="EUR", example=757000000),
        "expected_requested_eur": doc(_AMOUNT, "Published (or assumed) sum requested from the fund, for the "
                                               "synthetic pipeline", unit="EUR", example=300000000),
        **_SOURCE,
    },
    required=("id", "fund", "decision"),
    nullable=("budget_eur",),
)

_ELIGIBILITY_RULES = {
    "min_total_cost_eur": doc(_AMOUNT0, "Minimum total cost of a project; absent: no minimum", unit="EUR",
                              example=500000),
    "min_total_cost_territorial_eur": doc(_AMOUNT0, "Minimum total cost of a project carried at territorial level; "
                                                    "absent: min_total_cost_eur", unit="EUR", example=100000),
    "max_requested_eur": doc(_AMOUNT, "Most a project may request from the fund; absent: no maximum", unit="EUR"),
    "cofinancing_rate": doc(Fields({"min": doc(_RATE, "Least owner's share", unit="fraction", example=0.5),
                                    "max": doc(_RATE, "Most owner's share", unit="fraction"), **_SOURCE}),
                            "The owner's co-financing, 1 - requested / total cost; absent: no bound"),
    "themes": doc(Param(ListOf(Str())), "The themes a project may have (a dated parameter: themes changed from call "
                                        "to call); absent: any theme"),
    "fast_track_threshold_eur": doc(_AMOUNT, "FITN: projects below it on the continuous (fast) track, others on the "
                                             "FTAP calendar", unit="EUR", example=1000000),
    "first_results_months": doc(Param(Num(gt=0)), "Months within which a project must show its first results; "
                                                  "absent: no limit", unit="months", example=6),
    "last_commitment_date": doc(Param(Date()), "Last date a grant may be committed (FITN: credits usable in 2021 "
                                               "and 2022); absent: none", example="2022-12-31"),
    "owner_types": doc(MapOf(Param(ListOf(Str(list(OWNER_TYPES))))),
                       "Who may apply, by fund or envelope code (candidates' owner_type column); absent: anyone"),
    "governance_gate_eur": doc(_AMOUNT, "Projects whose full cost exceeds it need the DINUM director's opinion, "
                                        "which delays their commitment; absent: no gate", unit="EUR", example=9000000),
    "governance_gate_delay_months": doc(Param(Num(ge=0)), "Months the DINUM opinion adds to a gated project's "
                                                          "commitment", default=0.0, unit="months", example=2),
    "innovation_lab_envelopes": doc(Param(ListOf(Str())), "Envelopes open only to projects backed by a territorial "
                                                          "innovation lab (ITN7's axis 3)", default=()),
}
_ELIGIBILITY = Fields({
    **_ELIGIBILITY_RULES,
    "funds": doc(MapOf(Fields(_ELIGIBILITY_RULES)), "One fund's own rules, replacing the ones above for that fund's "
                                                    "envelopes (two-fund scenarios)"),
    "rules_off": doc(ListOf(Str(list(SWITCHABLE_RULES))), "Eligibility rules switched off by name, for every fund "
                                                          "(the dashboard's rule switches)", default=()),
})

_CRITERIA = Fields(
    {
        "scale": doc(Fields({"min": doc(Num(), "The scale's bottom", example=0),
                             "max": doc(Num(), "The scale's top", example=10)}, required=("min", "max")),
                     "The scale the committee scores each criterion on", default=DEFAULT_SCALE),
        "weights": doc(Fields({c: doc(Param(Num(ge=0, rule=msg("E_WEIGHT_NEGATIVE"))), f"Weight of the {c} criterion "
                                      "(weights are normalised to sum to 1; a dated parameter: the weighting of each "
                                      "call)", example=0.25) for c in CRITERIA},
                              required=CRITERIA),
                       "The criteria's weights"),
        "labels": doc(MapOf(Str()), "The criteria's names as the call for projects words them"),
        **_SOURCE,
        "value_model": doc(Fields({"kind": doc(Str(list(VALUE_MODELS)), "quality_x_scope: the weighted score times "
                                               "the scope; points: the weighted score alone", default="quality_x_scope"),
                                   "scope": doc(Str(), "The column the quality is multiplied by (any numeric column "
                                                       "of the candidates)", default=DEFAULT_VALUE_SCOPE,
                                                unit="EUR", example="annual_savings_eur"),
                                   **_SOURCE}),
                           "How a project's value follows from its scores (workbench.scenario.sections.ValueModel)"),
    },
    required=("weights",),
)


# cost overrun and delay: ratio (final / initial) drawn from a mixture of a body near 1, a
# lognormal part and a Pareto tail, truncated at max_ratio (see workbench.uncertainty); the
# defaults are the fits to the reference classes (workbench.uncertainty.DEFAULTS, with sources)
_MIXTURE_KEYS = {
    "body_weight": ("Weight of the body (final near initial)", Rate(), "fraction"),
    "body_sd": ("Log-sd of the body", Num(ge=0), ""),
    "lognormal_weight": ("Weight of the lognormal part", Rate(), "fraction"),
    "lognormal_mu": ("Log-mean of the lognormal part", Num(), ""),
    "lognormal_sigma": ("Log-sd of the lognormal part", Num(ge=0), ""),
    "tail_weight": ("Weight of the Pareto tail", Rate(), "fraction"),
    "tail_min_ratio": ("Ratio where the tail starts", Num(ge=1), "ratio"),
    "tail_alpha": ("Pareto index of the tail", Num(gt=0), ""),
    "max_ratio": ("Largest ratio drawn (truncation)", Num(gt=1), "ratio"),
}


def _mixture(kind: str, what: str) -> Spec:
    return doc(Fields({k: doc(Param(spec), f"{text} of the {what} ratio (final / initial)",
                              default=U.DEFAULTS[kind][k], unit=unit)
                       for k, (text, spec, unit) in _MIXTURE_KEYS.items()}
                      | {**_SOURCE, "description": _DESCRIPTION}),
               f"The {what} ratio's mixture (a body near 1, a lognormal part, a Pareto tail); each parameter left "
               f"out keeps the fit to the reference classes ({U.DEFAULT_SOURCES[kind]})")


_UNCERTAINTY = Fields(
    {
        "enabled": doc(Bool(), "Whether projects' costs, delays, attrition and savings are drawn (false: every "
                               "project as planned)", default=True),
        "cost_overrun": _mixture("cost_overrun", "cost"),
        "delay": _mixture("delay", "duration"),
        "attrition_rate": doc(_RATE, "Share of laureates that never start (their grant is de-committed); an "
                                     "assumption", default=0.05, unit="fraction", example=0.05),
        "phase1_only_rate": doc(_RATE, "Share of laureates funded in full that stop after their first phase",
                                default=0.0, unit="fraction", example=0.1),
        "savings_realisation": doc(Fields({
            "mean_rate": doc(Param(Num(ge=0)), "Mean of realised / declared lasting savings per project (the Cour "
                                               "des comptes, 13 November 2025: 339 M€ of lasting savings against a "
                                               "2 bn€ target)", default=U.SAVINGS_REALISATION_MEAN, unit="fraction"),
            "sd_rate": doc(Param(Num(ge=0)), "Spread of the realisation per project (assumed: not published)",
                           default=U.SAVINGS_REALISATION_SD, unit="fraction"),
            **_SOURCE}), "How much of the declared savings is realised (lognormal per project)"),
        "overrun_paid_by_fund_rate": doc(_RATE, "Share of a cost overrun that the fund pays (0: the transformation "
                                                "contract fixes the grant, the owner pays it all)",
                                         default=DEFAULT_OVERRUN_PAID_BY_FUND_RATE, unit="fraction", example=1.0),
        "attrition_decommit_months": doc(Param(Num(ge=0)), "Months after commitment before a laureate that never "
                                                           "starts is de-committed (assumed)",
                                         default=12.0, unit="months", example=12),
        **_SOURCE,
        "description": _DESCRIPTION,
    }
)

_COMMITMENT_LAG = Fields({
    "distribution": doc(Str(list(LAG_DISTRIBUTIONS)), "lognormal (median x exp(sigma Z)) or fixed (the median for "
                                                      "every project)", example="lognormal"),
    "median_months": doc(Param(Num(ge=0, le=240), dated=False), "The lag's median", unit="months", example=10),
    "sigma": doc(Param(Num(ge=0, le=3), dated=False), "Standard deviation of the lag's logarithm (P90 = median x "
                                                      "exp(1.2816 sigma)); lognormal only", default=0.0, example=0.8),
    "max_months": doc(Param(Num(gt=0, le=600), dated=False), "The lag never exceeds it; absent: no cap",
                      default=math.inf, unit="months", example=48),
    **_SOURCE, "description": _DESCRIPTION,
}, required=("distribution", "median_months"))

_DISBURSEMENT = Fields(
    {
        "contract_lag_months": doc(Param(Num(ge=0)), "A fixed lag from the decision to the commitment (a degenerate "
                                                     "commitment_lag); with neither form, a fixed lag of "
                                                     f"{DEFAULT_CONTRACT_LAG_MONTHS:g} months",
                                   default=DEFAULT_CONTRACT_LAG_MONTHS, unit="months", example=6),
        "commitment_lag": doc(_COMMITMENT_LAG, "The lag from the decision to the commitment as a distribution "
                                               "(workbench.scenario.sections.CommitmentLag)"),
        "profile_rates": doc(Param(ListOf(Rate(), min_len=1)), "Share of a grant paid in the commitment year, the next "
                                                               "year, … (sums to 1)", default=DEFAULT_PROFILE_RATES,
                             unit="fraction per year", example=[0.4, 0.4, 0.2]),
        "use_project_schedule": doc(Bool(), "Pay along the candidates' own cp_<year>_eur schedules where they give one",
                                    default=False),
        **_SOURCE,
        "description": _DESCRIPTION,
    }
)

_CALL_SETTINGS = Fields(
    {
        "weights": doc(Fields({c: Num(ge=0, rule=msg("E_WEIGHT_NEGATIVE")) for c in CRITERIA}),
                       "The committee's own weights for this call; absent: the scenario's"),
        "budget_eur": doc(Amount(ge=0), "The call's budget within the credits left; absent: the allotment's",
                          unit="EUR"),
        "force_in": doc(ListOf(Str()), "Projects (ids) the committee funds whatever their rank", default=()),
        "force_out": doc(ListOf(Str()), "Projects (ids) the committee refuses whatever their rank", default=()),
    }
)

_SELECTION = Fields(
    {
        "rule": doc(Str(["optimal", "greedy", "fixed_list"]), "How the envelope simulation selects each call's "
                                                              "laureates: the optimal portfolio, the merit order, or "
                                                              "a fixed list", default="greedy"),
        "fixed_list": doc(ListOf(Str()), "The laureates (ids) of rule fixed_list", default=()),
        "budget_eur": doc(_AMOUNT, "A cap on what the selection commits over all calls; absent: the funds' "
                                   "envelopes", unit="EUR", example=500000000),
        "force_in": doc(ListOf(Str()), "Projects (ids) funded whatever their rank", default=()),
        "force_out": doc(ListOf(Str()), "Projects (ids) refused whatever their rank", default=()),
        "allow_phase1": doc(Bool(), "Whether a project may be funded for its first phase only", default=True),
        "roi_target_ratio": doc(Param(Num(ge=0)), "Lasting savings per year for 1 € invested that the fund targets "
                                                  "(FTAP: 1 €, DITP, 12 November 2018)", default=ROI_TARGET_RATIO,
                                unit="ratio", example=1.0),
        "roi_target_years": doc(Param(Num(gt=0)), "Years after the investment the savings target is reached",
                                default=ROI_TARGET_YEARS, unit="years", example=3),
        "roi_mode": doc(Str(["flag", "criterion", "rule"]), "The return on investment: shown beside each project "
                                                            "(flag), a fifth criterion of weight roi_weight "
                                                            "(criterion), or a rule refusing projects below the "
                                                            "target (rule)", default="flag"),
        "owner_share_max_rate": doc(_RATE, "Most of the money committed one owner may receive; absent: no cap",
                                    unit="fraction", example=0.25),
        "owner_share_min_rate": doc(MapOf(_RATE), "Least share of the money committed for named owners, e.g. "
                                                  "{\"Ministère de la Justice\": 0.05}", default={}, unit="fraction"),
        "theme_share_min_rate": doc(MapOf(_RATE), "Least share of the money committed for named themes", default={},
                                    unit="fraction"),
        "theme_share_max_rate": doc(MapOf(_RATE), "Most share of the money committed for named themes", default={},
                                    unit="fraction"),
        "time_limit_s": doc(Num(gt=0), "Time the solver may take for one selection (an assumption: a committee "
                                       "waits a minute at most)", default=60.0, unit="s", example=20),
        "mip_rel_gap": doc(Num(ge=0, le=1), "Relative gap at which the solver's portfolio counts as optimal",
                           default=1e-6, unit="fraction", example=1e-4),
        "phase1_value_rate": doc(_RATE, "Value of a phase-1-only award as a fraction of the full project's; absent: "
                                        "its cost share", unit="fraction", example=0.3),
        "roi_weight": doc(_RATE, "Weight of the return on investment when roi_mode is criterion (an assumption)",
                          default=0.2, unit="fraction", example=0.2),
        "payment_limits_eur": doc(MapOf(_AMOUNT0, key=lambda k: isinstance(k, int) and not isinstance(k, bool),
                                        key_rule=msg("E_PAYMENT_YEAR_KEY")),
                                  "Yearly payment limits of this selection, e.g. {2021: 150000000}", default={},
                                  unit="EUR"),
        "sub_envelope_budgets_eur": doc(MapOf(_AMOUNT0), "Budgets replacing the sub-envelopes' amounts for this "
                                                         "selection", default={}, unit="EUR"),
        "min_quality_points": doc(Param(Num(ge=0, le=100)), "The quality bar: least weighted score to be funded (an "
                                                            "assumption of the workbench, not a rule of the fund's "
                                                            "texts); absent: no bar", unit="points", example=55),
        "call_allotment": doc(Fields({"rule": doc(Str(["none", "year_share", "year_share_by_applications"]),
                                                  "none: a call commits until the credits are exhausted, within its "
                                                  "budget_eur; year_share: the fund's credits left in the decision "
                                                  "year shared equally among that year's remaining calls; "
                                                  "year_share_by_applications: shared by their applications",
                                                  default="none"),
                                      **_SOURCE}),
                              "How much of the credits a call may commit"),
        "call_decision": doc(Str(["merit_order", "optimal"]), "How each committee decides within its call: merit "
                                                              "order (best value per euro first, skipping what no "
                                                              "longer fits) or the exact programme",
                             default="merit_order"),
        # an assumption: a scoping study, a feasibility demonstrator or a pilot, the first phases the
        # FTAP committee may fund (« Fonds pour la transformation publique », DITP, 2021), take about a year
        "next_phase_after_months": doc(Param(Num(ge=0, le=120)), "Months after a first-phase award before the "
                                                                 "project may come back for its next phases (an "
                                                                 "assumption: a scoping study, a demonstrator or a "
                                                                 "pilot takes about a year)", default=12.0,
                                       unit="months", example=12),
        "call_settings": doc(MapOf(_CALL_SETTINGS), "A committee's own settings for named calls (a variant saved from "
                                                    "the dashboard's call view); the other calls decide with the "
                                                    "scenario's settings", default={}),
        "override_reasons": doc(MapOf(Str()), "Why the committee forced a project in or out, by candidate id (shown "
                                              "in the tables)", default={}),
    }
)

_SIMULATION = Fields(
    {
        "draws": doc(Num(gt=0, le=LIMITS.MAX_DRAWS, integer=True), "Monte Carlo draws of the envelope simulation, the "
                                                                   "same for every front end", default=DEFAULT_DRAWS,
                     example=5000),
        **_SOURCE,
    }
)

_ROBUSTNESS = Fields(
    {
        "samples": doc(Num(gt=0, integer=True), "Weight draws of the robustness analysis (SMAA) recorded with the "
                                                "scenario; the commands take theirs from their options "
                                                "(--robustness-samples, the report's robustness_samples)", example=200),
        "weight_intervals": doc(MapOf(ListOf(Num(ge=0))), "Each criterion's weight drawn within [low, high] "
                                                          "(fractions); absent: anywhere on the simplex",
                                example={"strategic": [0.2, 0.5]}),
        "weight_order": doc(ListOf(Str(list(CRITERIA))), "The criteria from the most to the least important: the "
                                                         "weights are drawn in that order; absent: no order"),
        "with_cost_uncertainty": doc(Bool(), "Whether the robustness draws the projects' costs too (the joint "
                                             "weights-and-costs index)", default=False),
        "within_envelope_probability": doc(_RATE, "The chance of staying within the envelope the report asks of "
                                                  "the portfolio", default=0.9, unit="fraction", example=0.9),
        "contingency_reserve_rate": doc(_RATE, "Share of the envelope kept as a contingency reserve, for a "
                                               "contingency portfolio asked by reserve rather than by probability "
                                               "(workbench.selection.robustness.contingency_portfolio)",
                                        unit="fraction", example=0.1),
    }
)

_SENSITIVITY = Fields(
    {
        "samples": doc(Num(gt=0, le=4096, integer=True), "Saltelli's base samples N (a power of 2)",
                       default=DEFAULT_SENSITIVITY_SAMPLES, example=128),
        "draws_per_set": doc(Num(gt=0, le=100000, integer=True), "Simulation draws per parameter set (common random "
                                                                 "numbers across sets)",
                             default=DEFAULT_SENSITIVITY_DRAWS_PER_SET, example=32),
        "factors": doc(MapOf(Fields({"low": doc(Num(), "The range's low end"),
                                     "high": doc(Num(), "The range's high end"),
                                     "unit": Str(), **_SOURCE, "description": _DESCRIPTION},
                                    required=("low", "high"))),
                       "Each factor (a scenario key path) with its range and the reason for it; absent: the "
                       "calibration's priors", default={}),
        **_SOURCE, "description": _DESCRIPTION,
    }
)

_POLICY = Fields(
    {
        "name": doc(Str(), "The policy's name in the tables", example="reserve for the last call"),
        "max_commit_share_per_call_rate": doc(_RATE, "Most of the credits left one call may commit; absent: no cap",
                                              unit="fraction", example=0.4),
        "reserve_last_call_eur": doc(_AMOUNT0, "Credits kept for the last call", default=0.0, unit="EUR"),
        "min_value_per_meur": doc(Num(ge=0), "Least value per M€ requested a funded project must have", default=0.0,
                                  unit="points per M€"),
        "order": doc(Str(["value_per_eur", "value"]), "Greedy order of a call's candidates: value per euro requested, "
                                                      "or value", default="value_per_eur"),
        "description": _DESCRIPTION,
        **_SOURCE,
    },
    required=("name",),
)

# ---- the published history and the calibration of the assumed parameters (workbench.history,
# workbench.analysis.calibrate) ----
#: A parameter's prior: a uniform ``range: [low, high]`` (``integer`` for counts) or equally
#: likely ``choices``.
_PRIOR = Fields({"range": doc(ListOf(Num(), min_len=2), "A uniform prior on [low, high]", example=[3, 24]),
                 "choices": doc(ListOf(Any_(), min_len=1), "Equally likely values", example=["none", "year_share"]),
                 "integer": doc(Bool(), "Whether the range holds counts", default=False),
                 "description": _DESCRIPTION, **_SOURCE})
_CALIBRATION = Fields(
    {
        "parameters": doc(MapOf(_PRIOR), "The parameters to calibrate, by key path "
                                         "(disbursement.contract_lag_months; a call by its id: "
                                         "calls.FTAP-AAP3-S1.expected_applications), each with its prior", default={}),
        "discrepancy_rate": doc(_RATE, "Model discrepancy: relative standard deviation of what the model cannot "
                                       "represent (an assumption)", default=0.10, unit="fraction", example=0.1),
        "posterior": doc(Str(), "A posterior sample (workbench calibrate's posterior.csv), relative to this file's "
                                "folder", example="calibration/ftap_2018_2022/posterior.csv"),
        "points": doc(Num(gt=1, le=100_000, integer=True), "History matching: points per wave", default=40),
        "replicates": doc(Num(gt=1, le=1000, integer=True), "History matching: replicates per point", default=6),
        "waves": doc(Num(gt=0, le=20, integer=True), "History matching: waves", default=3),
        "cutoff": doc(Num(gt=0), "History matching: implausibility cut-off", default=3.0),
        "wrong_models": doc(MapOf(MapOf(Any_())), "Models a back-test must reject (workbench backtest --power): "
                                                  "{name: {key path: value}}", default={}),
        "description": _DESCRIPTION, **_SOURCE,
    }
)

#: The synthetic pipeline's settings when a scenario's calls do not give their own figures:
#: FTAP's second call ("[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16
#: lauréats", DITP, 12 November 2018: « 61 nouveaux dossiers … pour un montant total de 757 M€
#: dont 300 M€ demandés au fonds »); the shapes are assumptions.
_SYNTHETIC = Fields(
    {
        "applications": doc(Num(gt=0, le=LIMITS.MAX_CANDIDATES, integer=True), "Applications per call", default=61),
        "total_cost_eur": doc(_AMOUNT, "Total cost of a call's applications", default=757e6, unit="EUR"),
        "requested_eur": doc(_AMOUNT, "Sum a call's applications request from the fund", default=300e6, unit="EUR"),
        # log-sd of costs: 0.8 gives requests a log-sd of 0.95, that of the 16 grants of FTAP's second
        # call (0.96; "[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16
        # lauréats", DITP, 2018-11-12): a committee that funds on merit, not size, picks grants as
        # dispersed as the applications (1.1 before: requests of log-sd 1.2, 52 M€ grants in call 1)
        "cost_sigma": doc(Num(gt=0), "Log-sd of the projects' costs (0.8: requests as dispersed as FTAP call 2's "
                                     "grants)", default=0.8),
        "territorial_rate": doc(_RATE, "Share of projects carried at territorial level", default=0.15,
                                unit="fraction"),
        "savings_per_eur_mean": doc(Num(ge=0), "Mean yearly savings declared per euro requested", default=0.6,
                                    unit="EUR per EUR"),
        "phase1_rate": doc(_RATE, "Share of projects with a first phase that may be funded alone", default=0.3,
                           unit="fraction"),
        "dependency_rate": doc(_RATE, "Share of projects that need another project", default=0.05, unit="fraction"),
        "multi_envelope_rate": doc(_RATE, "Share of candidates eligible to two of the call's envelopes (\"A;B\")",
                                   default=0.0, unit="fraction"),
        "quality_share_link": doc(Num(ge=-1, le=1), "Correlation between latent quality and the fund's share of a "
                                                    "project's cost (0: none)", default=0.0),
        **_SOURCE,
    }
)

_CANDIDATES = Fields(
    {
        "source": doc(Str(["file", "synthetic"]), "Where the candidates come from: a file, or a synthetic pipeline "
                                                  "calibrated on the calls' figures", example="synthetic"),
        "file": doc(Str(), "The candidate file (CSV or XLSX), relative to this file's folder",
                    example="candidates/call2.csv"),
        "synthetic": doc(_SYNTHETIC, "The synthetic pipeline's settings"),
    },
    required=("source",),
)

#: A laureate book shipped with the workbench that goes with the scenario (a live fund's example).
_FOLLOWUP = Fields(
    {
        "example_book": doc(Str(), "A laureate book shipped with the workbench (a file of workbench/data/books/) "
                                   "describing the fund mid-way: what `workbench capacity` and the report read as the "
                                   "live fund's position", example="ftap2_2024-06-30.csv"),
        "as_of": doc(Date(), "The date the example book describes", example="2024-06-30"),
        **_SOURCE,
    },
    required=("example_book", "as_of"),
)

SCHEMA = Fields(
    {
        "name": doc(Str(), "The scenario's name; absent: the file's name", example="ftap_2018_2022"),
        "title": doc(Str(), "The title reports show; absent: the name"),
        "description": _DESCRIPTION,
        "extends": doc(Str(), "A scenario this one changes (relative to this file's folder): its keys apply unless "
                              "this file gives them", example="ftap_2018_2022.yaml"),
        "call": doc(Str(), "The call a committee reviewed when it saved this variant (the dashboard opens on it; the "
                           "decisions do not depend on it: see selection.call_settings)"),
        "seed": doc(Num(ge=0, integer=True), "The random seed of every draw", default=0, example=20180201),
        "horizon": doc(Fields({"start_year": doc(Num(ge=1900, le=2200, integer=True), "First year", example=2018),
                               "end_year": doc(Num(ge=1900, le=2200, integer=True), "Last year", example=2022)},
                              required=("start_year", "end_year")), "The years the scenario covers"),
        "funds": doc(MapOf(_FUND, min_len=1), "The funds by code"),
        "calls": doc(ListOf(_CALL), "The calls for projects", default=()),
        "eligibility": doc(_ELIGIBILITY, "Who and what may be funded (each rule absent: not applied)"),
        "criteria": doc(_CRITERIA, "The criteria and their weights"),
        "uncertainty": doc(_UNCERTAINTY, "The projects' risks the simulation draws"),
        "disbursement": doc(_DISBURSEMENT, "How a grant is committed and paid"),
        "simulation": doc(_SIMULATION, "The envelope simulation's settings"),
        "selection": doc(_SELECTION, "The selection's rules"),
        "robustness": doc(_ROBUSTNESS, "The robustness analysis of the selection"),
        "sensitivity": doc(_SENSITIVITY, "The sensitivity analysis of the fund's risk"),
        "policies": doc(ListOf(_POLICY), "Allocation policies the simulation compares; absent: commit until "
                                         "exhausted", default=()),
        "candidates": doc(_CANDIDATES, "Where the candidates come from"),
        "history": doc(Str(), "The fund's published figures (workbench.history), relative to this file's folder",
                       example="history/ftap.yaml"),
        "calibration": doc(_CALIBRATION, "The calibration of the assumed parameters"),
        "followup": doc(_FOLLOWUP, "The live fund's example book"),
    },
    required=("horizon", "funds", "criteria"),
)


def spec_at(keypath: str) -> Spec:
    """The spec of ``keypath`` in :data:`SCHEMA` (``selection.roi_weight``; ``<name>`` or any word for
    a free key: ``funds.FTAP.reserve_rate``, ``policies.0.order``).  Raises ``KeyError``."""
    spec: Any = SCHEMA
    for part in str(keypath).split("."):
        while isinstance(spec, Param):
            spec = spec.inner
        if isinstance(spec, Fields):
            spec = spec.fields[part]
        elif isinstance(spec, MapOf):
            spec = spec.value
        elif isinstance(spec, ListOf):
            spec = spec.item
        else:
            raise KeyError(keypath)
    return spec


def default_of(keypath: str) -> Any:
    """The default :data:`SCHEMA` declares for ``keypath``: the value used when a scenario leaves the
    key out (``None``: the key is optional and its absence means "no such rule")."""
    return spec_at(keypath).default
