"""The committee's settings (:class:`Settings`) on top of a scenario file: applied as scenario
overrides (:func:`effective_scenario`) and saved as variant files that ``extends`` the base one."""
from __future__ import annotations

import copy
import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..version import __version__
from ..errors import InputError, Problem
from ..files import create_exclusive, write_atomic
from ..messages import msg
from ..scenario import Scenario, load_scenario


#: Eligibility rules a committee can switch off, with the scenario keys each one neutralises
#: (a switched-off rule is written as its neutral value, so a variant file says the same).
RULE_NEUTRAL: dict[str, dict[str, Any]] = {
    "min_cost": {"min_total_cost_eur": 0, "min_total_cost_territorial_eur": 0},
    "cofinancing": {"cofinancing_rate": {"min": 0.0}},
    "themes": {"themes": []},
    # the funds' other rules, switched off by name (workbench.scenario.SWITCHABLE_RULES)
    "owner_types": {"rules_off": ["owner_types"]},
    "routing": {"rules_off": ["fast_track_threshold_eur"]},
    "window": {"rules_off": ["last_commitment_date"]},
    "first_results": {"rules_off": ["first_results_months"]},
    "governance_gate": {"rules_off": ["governance_gate_eur"]},
}


#: Selection rules a committee can switch (scenario key ``selection.<name>``).
SELECTION_TOGGLES = ("allow_phase1", "roi_rule")


@dataclass(frozen=True)
class Settings:
    """What a committee member has set, on top of a scenario file.

    ``None`` means "as in the scenario".  Amounts in euros, rates as fractions.

    Attributes
    ----------
    scenario_path : str
        The scenario file the settings apply to.
    weights : tuple of (str, float), optional
        Criteria weights (any non-negative scale; normalised by the scoring).
    budget_eur : float, optional
        Budget of the selection [EUR].
    cofinancing_min_rate : float, optional
        Minimum owner's share of the cost [fraction].
    min_total_cost_eur, min_total_cost_territorial_eur : float, optional
        Minimum total cost of a project, general and territorial [EUR].
    rules_off : tuple of str
        Eligibility rules switched off (keys of :data:`RULE_NEUTRAL`).
    selection_rules : tuple of (str, value)
        Selection settings switched by the committee (``allow_phase1``, ``roi_mode``).
    force_in, force_out : tuple of str
        Candidate ids forced into or out of the portfolio (overrides of the committee).
    call : str
        The call under review (``""``: the whole fund).  In a call view the weights, budget and
        overrides are that call's committee settings (the other calls decide as the scenario
        says); in the whole view they apply to every call and the budget caps the fund.  Rule
        and threshold settings apply to every call (they change the scenario).
    override_reasons : tuple of (str, str)
        Why the committee forced each project in or out, by id.
    """

    scenario_path: str
    weights: tuple[tuple[str, float], ...] | None = None
    budget_eur: float | None = None
    cofinancing_min_rate: float | None = None
    min_total_cost_eur: float | None = None
    min_total_cost_territorial_eur: float | None = None
    rules_off: tuple[str, ...] = ()
    selection_rules: tuple[tuple[str, Any], ...] = ()
    force_in: tuple[str, ...] = ()
    force_out: tuple[str, ...] = ()
    call: str = ""
    override_reasons: tuple[tuple[str, str], ...] = ()

    def own(self) -> dict:
        """The view's committee settings as :func:`workbench.decisions.decide_calls` takes them for
        one call (``call_settings[call]``): only those the committee set."""
        out: dict[str, Any] = {}
        if self.weights is not None:
            out["weights"] = {c: float(v) for c, v in self.weights}
        if self.budget_eur is not None:
            out["budget_eur"] = float(self.budget_eur)
        if self.force_in:
            out["force_in"] = list(self.force_in)
        if self.force_out:
            out["force_out"] = list(self.force_out)
        return out

    def reasons(self) -> dict[str, str]:
        """Why each forced project is forced, by id (the projects still forced, non-empty words)."""
        forced = set(self.force_in) | set(self.force_out)
        return {i: str(t).strip() for i, t in self.override_reasons if i in forced and str(t).strip()}

    def weight_dict(self, scenario: Scenario) -> dict[str, float]:
        return dict(self.weights) if self.weights is not None else dict(scenario.weights)

    def eligibility_overrides(self, scenario: Scenario | None = None) -> dict:
        """The settings that change the rules (thresholds, rules off) as scenario overrides.

        Weights, budget and forced projects are left out: the ranking takes them as arguments,
        so its cached constraint system is reused when only they change.
        """
        el = self.overrides().get("eligibility")
        out: dict[str, Any] = {"eligibility": el} if el else {}
        sel: dict[str, Any] = dict(self.selection_rules)
        if not self.call and scenario is not None and (scenario.selection.force_in or scenario.selection.force_out):
            sel.update({"force_in": [], "force_out": []})  # the whole view's lists replace them
        if sel:
            out["selection"] = sel
        return out

    def overrides(self) -> dict:
        """The settings as scenario overrides (the body of a variant file).

        A call view's settings are written as that call's committee settings
        (``selection.call_settings.<call>``, with ``call: <call>``): its budget stays the call's,
        never a cap on the fund.  The whole view's are the scenario's (``criteria.weights``,
        ``selection.budget_eur`` — the fund's cap —, ``selection.force_in/force_out``)."""
        out: dict[str, Any] = {}
        sel: dict[str, Any] = dict(self.selection_rules)
        if self.call:
            out["call"] = self.call
            own = self.own()
            if own:
                sel["call_settings"] = {self.call: own}
        else:
            if self.weights is not None:
                out["criteria"] = {"weights": {c: float(v) for c, v in self.weights}}
            if self.budget_eur is not None:
                sel["budget_eur"] = float(self.budget_eur)
            if self.force_in:
                sel["force_in"] = list(self.force_in)
            if self.force_out:
                sel["force_out"] = list(self.force_out)
        if self.reasons():
            sel["override_reasons"] = self.reasons()
        if sel:
            out["selection"] = sel
        el: dict[str, Any] = {}
        if self.min_total_cost_eur is not None:
            el["min_total_cost_eur"] = float(self.min_total_cost_eur)
        if self.min_total_cost_territorial_eur is not None:
            el["min_total_cost_territorial_eur"] = float(self.min_total_cost_territorial_eur)
        if self.cofinancing_min_rate is not None:
            el["cofinancing_rate"] = {"min": float(self.cofinancing_min_rate)}
        for rule in self.rules_off:
            for k, v in copy.deepcopy(RULE_NEUTRAL[rule]).items():
                if k == "rules_off":   # several switches add to one list
                    el["rules_off"] = sorted(set(el.get("rules_off", [])) | set(v))
                else:
                    el[k] = v
        if el:
            out["eligibility"] = el
        return out


def effective_scenario(base: Scenario, settings: Settings) -> Scenario:
    """The base scenario with the committee's settings applied, validated.

    Raises
    ------
    InputError
        When a setting breaks a scenario rule (for instance all weights at zero).
    """
    ov = settings.overrides()
    return base.with_overrides(ov) if ov else base


def variant_slug(name: str) -> str:
    """The file name (without ``.yaml``) a variant named ``name`` is saved under: its letters and
    digits in any alphabet (``é``, ``ç`` kept; NFC, so a name typed either way gives one file),
    ``-`` and ``_``; every other character (spaces, punctuation, the path separators ``/`` and
    ``\\``, control characters) becomes ``_``, so none reaches the file name; at most 60
    characters; ``""`` for a name without a letter or digit."""
    s = unicodedata.normalize("NFC", str(name)).strip()
    s = re.sub(r"[^\w-]+", "_", s).strip("_-")
    return s[:60].rstrip("_-")


def variant_yaml(base: Scenario, settings: Settings, name: str, variants_dir: Path) -> str:
    """A scenario file that ``extends`` the base file with the settings as overrides."""
    rel = os.path.relpath(Path(base.path).resolve(), Path(variants_dir).resolve())
    where = f", appel {settings.call}" if settings.call else ", fonds entier"
    doc: dict[str, Any] = {
        "name": name,
        "title": f"{base.title} — variante {name}{where}",
        "description": f"Variante enregistrée depuis le tableau de bord du comité le {dt.date.today().isoformat()} "
                       f"(workbench {__version__} ; empreinte du scénario de base {base.hash()[:12]}).",
        "extends": rel.replace(os.sep, "/"),
    }
    doc.update(settings.overrides())
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def save_variant(base: Scenario, settings: Settings, name: str, variants_dir: Path, overwrite: bool = True,
                 candidates: Path | None = None, allowed_dirs: list[Path] | None = None) -> Path:
    """Write the settings as ``<variants_dir>/<slug>.yaml`` and check it loads.

    With ``overwrite`` the file is replaced atomically; without it the file is *created*
    atomically (:func:`workbench.files.create_exclusive`): if the name exists, even when another
    page saves it at the same moment, :class:`FileExistsError` is raised and nothing is written
    (the page then asks before replacing).  ``candidates`` (an uploaded file) is copied beside the
    variant as ``<slug>_candidates<suffix>`` and named by it.

    Raises
    ------
    InputError
        For a name without a letter or digit, or if the written file would not load as a valid
        scenario (then nothing is left on disk).
    FileExistsError
        Without ``overwrite``, when the variant's file exists.
    """
    slug = variant_slug(name)
    if not slug:
        raise InputError([Problem("<variant>", "name", name, msg("E_VARIANT_NAME"))])
    variants_dir = Path(variants_dir)
    path = variants_dir / f"{slug}.yaml"
    text = variant_yaml(base, settings, slug, variants_dir)
    copy_to = None
    if candidates is not None:
        copy_from = Path(candidates)
        copy_to = path.with_name(f"{slug}_candidates{copy_from.suffix.lower()}")
        text += yaml.safe_dump({"candidates": {"source": "file", "file": copy_to.name}}, allow_unicode=True)
    blob = text.encode("utf-8")
    if overwrite:
        if copy_to is not None:
            write_atomic(copy_to, copy_from.read_bytes())
        write_atomic(path, blob)
    else:
        create_exclusive(path, blob)   # the name is this page's from here on
    try:
        if copy_to is not None and not overwrite:
            write_atomic(copy_to, copy_from.read_bytes())
        load_scenario(path, allowed_dirs=[Path(base.path).resolve().parent, *(allowed_dirs or [])])
    except (InputError, OSError):
        path.unlink(missing_ok=True)
        if copy_to is not None:
            copy_to.unlink(missing_ok=True)
        raise
    return path
