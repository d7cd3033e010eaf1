"""Seeded synthetic pipelines of candidate projects, calibrated on published call figures.

No candidate list of the funds is public, so demos, tests and the simulation of future calls use
pipelines drawn here.  Each pipeline is calibrated to a call's published figures: the number
of applications, their total cost and the amount requested from the fund (FTAP call 2: 61
applications, 757 M€ total cost, 300 M€ requested; call 1: 122 applications, 2,310 M€, 827 M€;
"[INVESTIR POUR TRANSFORMER] Le 2ème appel à projets du FTAP retient 16 lauréats", DITP,
12 November 2018, and the DITP page "Investir pour transformer"; see :func:`workbench.reference.documents`).  Costs follow a lognormal
law (project sizes of public IT portfolios are right-skewed) rescaled so that the totals match
the published ones exactly, with the dispersion of the laureates' real grants (FTAP call 2: log-sd
0.96); scores are correlated through a latent quality.  No published data links a project's size
to its scores, so none is drawn.  Every frame made
here has ``attrs["synthetic"] = True`` and a ``synthetic`` column, so that it is labelled wherever
it is shown.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .candidates import validate_candidates
from .errors import InputError, Problem
from .messages import Text, msg
from .limits import MAX_CANDIDATES
from .scenario import CRITERIA, CriteriaSection, SyntheticSection

# Owners as they appear on the published laureate lists (DITP, 12 November 2018); the projects are invented.
OWNERS = (
    "Ministère de l'Intérieur",
    "Ministère de l'Action et des comptes publics",
    "Ministère de l'Économie et des finances",
    "Ministère du Travail",
    "Ministère de la Cohésion des territoires",
    "Ministère de l'Enseignement supérieur de la recherche et de l'innovation",
    "Ministère de l'Agriculture",
    "Ministère de la Culture",
    "Ministère de la Justice",
    "Ministère des Armées",
    "Premier ministre",
    "Opérateur de l'État",
)

DEFAULT_THEMES = (
    "réformes prioritaires",
    "transformation des administrations",
    "simplification",
    "expérience usager",
)

#: Defaults: FTAP call 2 (DITP, 12 November 2018): 61 applications, 757 M€ total cost, 300 M€
#: requested, and the shapes the schema declares (``candidates.synthetic``, one home per default).
DEFAULTS = SyntheticSection().as_dict()
_SCALE = CriteriaSection().scale


def _rescale_requested(req: np.ndarray, total: np.ndarray, target: float, share_cap: float) -> np.ndarray:
    """Rescale requests to sum to ``target`` while each stays within ``share_cap`` of its cost."""
    cap = total * share_cap
    req = np.minimum(req, cap)
    for _ in range(50):
        s = req.sum()
        if abs(s - target) <= 1e-6 * target:
            break
        free = req < cap - 1e-9
        if not free.any():
            break
        need = target - (req[~free].sum())
        req = np.where(free, req * need / req[free].sum(), req)
        req = np.minimum(req, cap)
    return req


def generate_pipeline(
    n: int,
    total_cost_eur: float,
    requested_eur: float,
    rng: np.random.Generator,
    *,
    call_id: str = "C",
    envelopes: tuple[str, ...] | list[str] = ("FTAP",),
    envelope_weights: list[float] | None = None,
    themes: tuple[str, ...] | list[str] = DEFAULT_THEMES,
    scale: tuple[float, float] = _SCALE,
    cost_sigma: float = DEFAULTS["cost_sigma"],
    territorial_rate: float = DEFAULTS["territorial_rate"],
    savings_per_eur_mean: float = DEFAULTS["savings_per_eur_mean"],
    phase1_rate: float = DEFAULTS["phase1_rate"],
    dependency_rate: float = DEFAULTS["dependency_rate"],
    fund_share_cap: float = 0.9,
    multi_envelope_rate: float = DEFAULTS["multi_envelope_rate"],
    quality_share_link: float = DEFAULTS["quality_share_link"],
    start_year: int | None = None,
) -> pd.DataFrame:
    """A synthetic pipeline of ``n`` applications summing to the given totals.

    Parameters
    ----------
    n : int
        Number of applications.
    total_cost_eur, requested_eur : float
        Totals of the pipeline [EUR]; the drawn costs and requests are rescaled to match them.
    rng : numpy.random.Generator
        The seeded source of every draw.
    envelopes : sequence of str
        Envelope codes candidates apply to (drawn with ``envelope_weights``).
    fund_share_cap : float
        Upper bound of requested / total cost per project [fraction].
    multi_envelope_rate : float
        Share of candidates eligible to two envelopes (``"A;B"``) [fraction].
    quality_share_link : float
        Correlation between a project's latent quality and the fund's share of its cost (logit,
        standardised); > 0: projects asking the fund for a larger share of their cost score
        higher (0: no link).

    Returns
    -------
    pandas.DataFrame
        Validated candidates (see :mod:`workbench.candidates`) with ``call`` and ``synthetic``
        columns.
    """
    if n <= 0:
        raise ValueError("n must be > 0")
    if requested_eur > total_cost_eur * fund_share_cap:
        raise ValueError("requested_eur cannot exceed fund_share_cap x total_cost_eur")
    lo, hi = scale
    cost = rng.lognormal(0.0, cost_sigma, n)
    cost = np.maximum(np.round(cost * total_cost_eur / cost.sum(), -3), 1e3)
    mean_share = requested_eur / total_cost_eur
    a = 4.0
    share = rng.beta(a * mean_share / (1 - mean_share) if mean_share < 1 else a, a, n)
    req = _rescale_requested(cost * share, cost, requested_eur, fund_share_cap)
    req = np.minimum(np.floor(req / 1e3) * 1e3, cost)  # floor: rounding never breaks the share cap
    quality = rng.standard_normal(n)
    if quality_share_link:
        # the fund's share of each project's cost, standardised on the logit scale
        fs = np.clip(req / np.maximum(cost, 1.0), 1e-3, 1 - 1e-3)
        z = np.log(fs / (1 - fs))
        z = (z - z.mean()) / (z.std() or 1.0)
        quality = np.sqrt(1 - quality_share_link ** 2) * quality + quality_share_link * z
    mid, half = (lo + hi) / 2, (hi - lo) / 2
    scores = {}
    for c in CRITERIA:
        raw = mid + half * (0.35 * quality + 0.25 * rng.standard_normal(n))
        scores[c] = np.clip(np.round(raw * 2) / 2, lo, hi)
    duration = np.clip(np.round(12 + 10 * np.log1p(cost / 1e6) + rng.normal(0, 6, n)), 6, 72)
    savings_ratio = rng.lognormal(np.log(max(savings_per_eur_mean, 1e-9)) - 0.5 * 0.8**2, 0.8, n)
    annual_savings = np.round(req * savings_ratio * (0.5 + 0.1 * (scores["savings"] - lo) / max(half, 1e-9)), -3)
    phase1 = np.where(rng.random(n) < phase1_rate, np.round(req * rng.uniform(0.15, 0.4, n), -3), np.nan)
    env = list(envelopes)
    w = np.asarray(envelope_weights if envelope_weights is not None else [1.0] * len(env), dtype=float)
    pick = rng.choice(len(env), size=n, p=w / w.sum())
    env_cells = []
    for i in range(n):
        code = env[pick[i]]
        if len(env) > 1 and rng.random() < multi_envelope_rate:
            other = env[(pick[i] + 1 + rng.integers(len(env) - 1)) % len(env)]
            code = f"{code};{other}"
        env_cells.append(code)
    ids = [f"{call_id}-S{i + 1:03d}" for i in range(n)]
    requires = [""] * n
    excludes = [""] * n
    for i in range(n):
        u = rng.random()
        if u < dependency_rate and i > 0:
            requires[i] = ids[int(rng.integers(0, i))]  # only earlier ids: no cycle
        elif u < 2 * dependency_rate and i > 0:
            excludes[i] = ids[int(rng.integers(0, i))]
    theme_idx = rng.integers(0, len(themes), n) if themes else None
    df = pd.DataFrame(
        {
            "id": ids,
            "title": [f"Projet synthétique {call_id} n°{i + 1}" for i in range(n)],
            "owner": [OWNERS[k] for k in rng.integers(0, len(OWNERS), n)],
            "envelope": env_cells,
            "theme": [themes[k] for k in theme_idx] if theme_idx is not None else [""] * n,
            "territorial": rng.random(n) < territorial_rate,
            "total_cost_eur": cost,
            "requested_eur": req,
            "duration_months": duration,
            **scores,
            "annual_savings_eur": annual_savings,
            "phase1_cost_eur": phase1,
            "requires": requires,
            "excludes": excludes,
            "call": call_id,
            "synthetic": True,
        }
    )
    # drawn after every other column, so that adding them changed none of the earlier draws
    df["owner_type"] = _owner_types(rng, env_cells, df["territorial"].to_numpy(bool))
    df["first_results_months"] = np.minimum(duration, np.round(rng.uniform(3.0, 18.0, n)))
    # a project applying to an envelope reserved for innovation-lab projects (ITN7's axis 3,
    # "ITN7-3L") is one such project (no draw: nothing else changes)
    df["innovation_lab"] = [any(e.endswith("-3L") for e in c.split(";")) for c in env_cells]
    out = validate_candidates(df, file=f"<synthetic pipeline {call_id}>", scale=scale, synthetic=True)
    return out


#: Shares of State owners in the synthetic pipelines (assumed): central services, operators
#: (the 2018-2019 beneficiaries were 31 central directorates, 9 prefectures or departmental
#: directorates and 21 operators, "[CITP] Rencontre entre le Premier ministre et les lauréats du
#: FTAP", DITP, 2019-11-19); one project in ten carried by a group of owners (assumed).
STATE_OWNER_RATES = {"state_central": 31 / 61, "state_deconcentrated": 9 / 61, "state_operator": 21 / 61}
GROUP_RATE = 0.1


def _owner_types(rng: np.random.Generator, env_cells: list[str], territorial: np.ndarray) -> list[str]:
    """Synthetic ``owner_type`` cells: local authorities for ITN7 (small or medium ones for its axis 3),
    else State owners (deconcentrated
    for territorial projects), some grouped with an operator."""
    n = len(env_cells)
    kinds = list(STATE_OWNER_RATES)
    pick = rng.choice(len(kinds), size=n, p=np.array(list(STATE_OWNER_RATES.values())))
    group = rng.random(n) < GROUP_RATE
    out = []
    for i, cell in enumerate(env_cells):
        codes = cell.split(";")
        if all(c.startswith("ITN7") for c in codes):  # ITN7: local authorities, axis 3 small or medium ones
            out.append("small_local_authority" if any(c != "ITN7" for c in codes) else "local_authority")
            continue
        kind = "state_deconcentrated" if territorial[i] else kinds[pick[i]]
        out.append(f"{kind};state_operator" if group[i] and kind != "state_operator" else kind)
    return out


def generate_for_scenario(scenario, seed: int | None = None) -> pd.DataFrame:
    """One synthetic pipeline per call of a scenario, each call drawn from its own seed stream.

    Each call uses its ``expected_applications`` / ``expected_total_cost_eur`` /
    ``expected_requested_eur`` where given, else the scenario's ``candidates.synthetic``
    settings (defaults: FTAP call 2, DITP, 12 November 2018).  Call ``k`` draws from
    ``SeedSequence(seed).spawn`` child ``k``, so adding a later call never changes earlier ones.
    """
    settings = scenario.candidates.synthetic.as_dict()   # each setting given, else the schema's default
    seed = scenario.seed if seed is None else seed
    calls = scenario.calls
    funds = scenario.funds
    themes = tuple(scenario.eligibility_at().get("themes") or DEFAULT_THEMES)
    total_n = sum(c.expected_applications or int(settings["applications"]) for c in calls) if calls \
        else int(settings["applications"])
    if total_n > MAX_CANDIDATES:  # checked before any drawing: a typo never takes gigabytes
        raise InputError([Problem(str(scenario.path), "candidates.synthetic.applications", total_n,
                                  msg("E_TOO_MANY_GENERATED", n=total_n, limit=MAX_CANDIDATES))])
    children = np.random.SeedSequence(seed).spawn(max(len(calls), 1))
    frames = []
    if not calls:
        code = next(iter(funds))
        rng = np.random.default_rng(children[0])
        frames.append(generate_pipeline(int(settings["applications"]), settings["total_cost_eur"],
                                        settings["requested_eur"], rng, call_id=code, envelopes=(code,),
                                        themes=themes, scale=scenario.criteria_scale,
                                        **_shape(settings)))
    for k, call in enumerate(calls):
        rng = np.random.default_rng(children[k])
        n = call.expected_applications or int(settings["applications"])
        per_app_cost = settings["total_cost_eur"] / settings["applications"]
        per_app_req = settings["requested_eur"] / settings["applications"]
        total = call.expected_total_cost_eur or per_app_cost * n
        req = call.expected_requested_eur or per_app_req * n
        fund = funds[call.fund]
        if call.envelopes:
            env = list(call.envelopes)
            sizes = {**{c: f.envelope_eur for c, f in funds.items()},
                     **{e: a for f in funds.values() for e, a in f.sub_envelopes_eur.items()}}
            w = [sizes.get(e, 1.0) for e in env]
        elif fund.sub_envelopes_eur:
            env = list(fund.sub_envelopes_eur)
            w = list(fund.sub_envelopes_eur.values())
        else:
            env, w = [call.fund], [1.0]
        el = scenario.eligibility_at(call.decision)
        cof = (el.get("cofinancing_rate") or {}).get("min", 0.1)
        frames.append(generate_pipeline(n, total, req, rng, call_id=call.id, envelopes=env, envelope_weights=w,
                                        themes=themes, scale=scenario.criteria_scale,
                                        fund_share_cap=max(min(1 - cof, 0.95), 0.05) if cof else 0.9,
                                        **_shape(settings)))
    df = pd.concat(frames, ignore_index=True)
    df.attrs["synthetic"] = True
    df.attrs["source"] = Text(msg("S_SYNTHETIC_SOURCE", seed=str(seed)))   # "synthetic (seed N)" in English
    return df


def _shape(settings: dict) -> dict:
    return {k: settings[k] for k in ("cost_sigma", "territorial_rate", "savings_per_eur_mean", "phase1_rate",
                                     "dependency_rate", "multi_envelope_rate", "quality_share_link")}
