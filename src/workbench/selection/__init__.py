"""Portfolio selection: the best set of candidate projects under every budget rule.

One home for choosing laureates from a call's candidates (learned from pvlib's ``ModelChain``: a
thin facade over small functional modules).  Data flows one way through it:

- :mod:`.scoring`: quality points, the value model and eligibility (the committee's criteria);
- :mod:`.allotment`: how much of the fund's credits a call may grant;
- :mod:`.inputs`: the selection settings, weights, values and payment profile from the scenario;
- :mod:`.model`: the MILP (one binary per funding option, one named row group per rule) and the
  cache of built models (one lock, shared safely by the dashboard's threads);
- :mod:`.engines`: HiGHS through scipy or highspy, deadlines, the minimal conflicting rule set;
- :mod:`.check`: every solution re-checked rule by rule from the candidate table;
- :mod:`.optimal`: :func:`select`, the checked optimum; :mod:`.heuristic`: the value-per-euro order;
- :mod:`.ranking`: the ranking with each project's reason, its files and summary;
- :mod:`.frontiers`: the efficient frontier; :mod:`.explanation`: why a project is in or out;
- :mod:`.robustness` (SMAA of the weights, the joint weights-and-costs index, chance constraints,
  the contingency portfolio, weight stability) and :mod:`.draws` (the optimal portfolio under
  thousands of draws, proven by bound where it can): not imported by this facade, so that a
  selection does not load them.

Call-by-call committee decisions sit above this package in :mod:`workbench.decisions`.
"""
from .inputs import (
    RULE_KEYS, DEFAULT_TIME_LIMIT_S, MIN_SOLVE_S, POST_SOLVE_S, POST_SOLVE_S_PER_CANDIDATE,
    DEFAULT_MIP_REL_GAP, param_value, settings, check_weights, project_values, project_values_rows,
    candidate_eligibility, candidate_flags, payment_profile, quality_bar_settings,
)
from .model import MODELS, Model, ModelCache, build_model, check_forced_ids, get_model
from .engines import (
    engine, quiet, Solve, STATUS_NAMES, PROOF_COUNTS, PersistentHighs, solve_model, FAST_OPTIONS,
    FAST_TRY_S, LARGE_MODEL_OPTIONS, HIGHS_OVERRUN_S, find_conflicts,
)
from .check import check_portfolio, SolverCheckError
from .optimal import choice_table, Selection, select
from .heuristic import greedy, greedy_levels
from .ranking import RANK_COLUMNS, RankResult, ineligible_reason, rank, reason_parts, write_result, write_time_s
from .frontiers import frontier, greedy_frontier, PARETO_MAX_GROUP, pareto_frontier
from .explanation import explain

__all__ = [
    "RULE_KEYS", "DEFAULT_TIME_LIMIT_S", "MIN_SOLVE_S", "POST_SOLVE_S",
    "POST_SOLVE_S_PER_CANDIDATE", "DEFAULT_MIP_REL_GAP", "param_value", "settings", "check_weights",
    "project_values", "project_values_rows", "candidate_eligibility", "candidate_flags",
    "payment_profile", "quality_bar_settings", "MODELS", "Model", "ModelCache", "build_model", "check_forced_ids",
    "get_model", "engine", "quiet", "Solve", "STATUS_NAMES", "PROOF_COUNTS", "PersistentHighs",
    "solve_model", "FAST_OPTIONS", "FAST_TRY_S", "LARGE_MODEL_OPTIONS", "HIGHS_OVERRUN_S",
    "find_conflicts", "check_portfolio", "SolverCheckError", "choice_table", "Selection", "select",
    "greedy", "greedy_levels", "RankResult", "ineligible_reason", "rank", "reason_parts", "write_result",
    "write_time_s", "RANK_COLUMNS",
    "frontier", "greedy_frontier", "PARETO_MAX_GROUP", "pareto_frontier", "explain",
]
