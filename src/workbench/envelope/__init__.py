"""Envelope simulation: commitments (AE) and payments (CP) over the years, call after call.

How a fund's envelope is consumed over its life, under cost overruns, delays, attrition and
first-phase-only funding, by Monte Carlo vectorised over draws.

Model (one draw)
----------------
* Calls are decided in date order (:attr:`Scenario.calls`).  At each call a portfolio is picked
  from that call's candidates by a rule: ``greedy`` (best value per euro first, each project
  taken if it fits the credits left), ``greedy_value`` (best value first), a fixed list of ids
  (in list order), or a caller's function.  Only eligible candidates
  (:func:`workbench.selection.scoring.eligibility` at the call's date) are considered.
* The credits a call may commit are the least of: the call's ``budget_eur``; the AE the fund may
  have committed by the call's decision date (:func:`workbench.credits.ae_available_eur`: the
  voted AE of the years up to then, carried over without cap (LOLF art. 15), less the year's
  precautionary reserve, plus or minus the freezes, unfreezes, cancellations and transfers dated
  up to then, within the envelope in force at that date) less the fund's net decisions so far;
  the sub-envelope's amount less its commitments; and the policy's limits (share of the envelope
  in force per call, reserve kept for the fund's last call, value-per-euro threshold).
* Three dates per project: the committee's **decision** (``ae_decided_eur``: the grant announced,
  which the credits left at later calls count), the legal **commitment** (``ae_committed_eur``:
  the contract signed, the AE consumed) and the **payments** (``cp_paid_eur``).  The commitment
  comes ``decision + gate delay + lag``, the lag drawn per project and draw from
  ``disbursement.commitment_lag`` (lognormal ``median x exp(sigma Z)``, at most ``max_months``;
  a plain ``contract_lag_months`` is a fixed lag).  With probability ``phase1_only_rate`` only
  its first phase (``phase1_cost_eur``) is funded and committed; with probability
  ``attrition_rate`` the project never starts: nothing is paid and the grant is de-committed
  ``attrition_decommit_months`` after its commitment, freeing credits for later calls.  A
  project's de-commitment or cost adjustment is met before the first later call at or after its
  date, draw by draw in time order (the lag makes the dates differ from draw to draw).
* The project's cost ratio (final / initial, :class:`~workbench.uncertainty.OverrunModel`) is
  known at its planned end: an underrun lowers the fund's payment in proportion and frees the
  rest of the commitment; an overrun adds ``overrun_paid_by_fund_rate`` x overrun (in euros of
  total cost, scaled to the funded scope) to the fund's bill, committed as a top-up if credits
  remain (unless ``allow_overcommitment``, the top-up never makes commitments exceed the
  envelope: the rest is an *unfunded overrun*, left to the owner).
* Payments follow the disbursement profile (share of the grant paid in the commitment year,
  the year after, …; default 36.5/36.5/21.6/5.4 %) or the project's own ``cp_<year>_eur``
  schedule, each tranche a year apart from the commitment date, the whole schedule pushed later
  by the delay ``(duration ratio - 1) x duration_months``.  Payments after the last reported
  year are counted in that year.
* Where the scenario gives CP appropriations, a year pays at most the CP available
  (:func:`workbench.credits.cp_year`: voted less the reserve and what is still frozen at the
  year's end, plus or minus the year's movements) plus the carry-over (what was neither paid nor
  cancelled, capped at ``cp_carryover_cap_rate`` of the year's voted CP); unpaid demand moves to
  the next year.  The year-by-year shortfall risk compares CP due with those CP available, or,
  where the scenario gives none, with the *planned* schedule (the same run without uncertainty,
  the lag at its median): the budget documents plan CP on the contracts' calendars.
* Parameters a calibration leaves uncertain may vary from draw to draw (``parameter_sets``:
  draw ``d`` uses set ``d mod n``): the lag's median and sigma, the attrition and first-phase
  rates, the payment profile; the result then gives each set's figures and the band across sets.
* Lasting savings realised = declared ``annual_savings_eur`` x a lognormal realisation factor
  (mean 0.17: 339 M€ realised against 2 bn€, Cour des comptes 2025), none for projects that
  never start or are funded for their first phase only; the target is 1 € of yearly savings per
  euro paid (FTAP: « une cible de rendement d'un euro pérenne d'économies après trois ans après
  l'investissement d'un euro », DITP, 12 November 2018).

Determinism: draws are made in blocks of :data:`BLOCK` draws; block ``b`` draws from
``SeedSequence(seed).spawn(...)[b]`` whatever the chunking (the lag's normal after the other
variates, only when some set spreads the lag), every reduction is per draw and a draw's parameter
set is its index in the run modulo the sets, so results are bit-identical for any
``chunk_size`` and thread count.

Pages: ``docs/explanation/decide-commit-pay.md`` (the three dates, the lag, parameter sets) and
``docs/explanation/credits.md`` (the credits as they are managed).

Layout (one concern per module; imports flow down this list, never up)
-----------------------------------------------------------------------
* :mod:`.compiled` - numba when installed (else the NumPy reference runs).
* :mod:`.settings` - model assumptions (:class:`Settings`) and allocation policy (:class:`Policy`),
  read from the scenario, with the model's fixed constants.
* :mod:`.plan` - the call plan: deterministic arrays of projects, calls and levels, and the
  allocation rules (:func:`build_plan`, :func:`optimal_per_call`).
* :mod:`.draws` - the random inputs, block by block from the seed (:data:`BLOCK`), and the fixed
  inputs of a run without uncertainty.
* :mod:`.numpy_model` - the model in NumPy, vectorised over draws: the reference.
* :mod:`.kernel` - the same model compiled, one draw at a time, on threads; its inputs are one
  named structure (:class:`KernelInputs`: a new model parameter is one field).
* :mod:`.stats` - order statistics (exact NumPy percentiles, faster).
* :mod:`.tables` - the result tables (:class:`SimulationResult`) and their provenance.
* :mod:`.simulation` - :func:`simulate`, the entry point that runs the above.
* :mod:`.projects` - each project's own payments draw by draw (:func:`project_demand`).
* :mod:`.policies` - allocation policies compared on the same draws (:func:`compare_policies`).
* :mod:`.replay` - back-test: FTAP call 2's real laureates replayed (:func:`replay_call2_fixed`).

The package re-exports the names callers use (``envelope.simulate``, ``envelope.Settings``,
``envelope.STORE_BYTES``...).  A module variable is read where it is defined: to change
``STORE_BYTES`` for a run, set ``envelope.simulation.STORE_BYTES``.
"""
from ..errors import InputError, Problem
from .compiled import _nb
from .settings import (DEFAULT_CONTRACT_LAG_MONTHS, DEFAULT_DECOMMIT_MONTHS, DEFAULT_PROFILE, EXHAUSTED_SHARE,
                       SET_COLUMNS,
                       EXTRA_YEARS, ParameterSets, Policy, Settings)
from .plan import _Plan, build_plan, optimal_per_call
from .draws import BLOCK, _draws_from_raw, _fixed_draws, _raw_blocks, _ratios_from_table_np, _SeedSeq, _transform_block
from .numpy_model import GTOT, METRICS, _run_chunk
from .kernel import FUSED_BLOCKS, KernelDraws, KernelInputs, KernelOutputs, _kernel_inputs, _run_chunk_fast
from .stats import PERCENTILES, _percentile_rows, _row_stats
from .tables import RESTES_COLUMNS, DrawArrays, SimulationResult, first_results_late_share, restes_a_payer_table
from .simulation import CHUNK_BYTES, RAP_PERCENTILE_DRAWS, RAP_STORE_DRAWS, STORE_BYTES, default_chunk_size, simulate
from .projects import ProjectDemand, project_demand
from .policies import compare_policies, scenario_policies
from .replay import call2_laureates_candidates, replay_call2_fixed

__all__ = [
    "BLOCK", "CHUNK_BYTES", "RAP_PERCENTILE_DRAWS", "RAP_STORE_DRAWS", "RESTES_COLUMNS", "restes_a_payer_table", "DEFAULT_CONTRACT_LAG_MONTHS", "DrawArrays", "ParameterSets", "SET_COLUMNS", "DEFAULT_DECOMMIT_MONTHS", "DEFAULT_PROFILE",
    "EXHAUSTED_SHARE", "EXTRA_YEARS", "FUSED_BLOCKS", "GTOT", "METRICS", "PERCENTILES", "STORE_BYTES",
    "InputError", "KernelDraws", "KernelInputs", "KernelOutputs", "Policy", "Problem", "Settings",
    "SimulationResult", "build_plan", "call2_laureates_candidates", "compare_policies", "default_chunk_size",
    "first_results_late_share", "optimal_per_call", "ProjectDemand", "project_demand", "replay_call2_fixed", "scenario_policies", "simulate",
]
