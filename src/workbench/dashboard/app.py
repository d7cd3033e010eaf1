"""The committee dashboard: an ipywidgets application served by Voilà.

A selection committee reviews one call at a time (or the whole fund): it moves the criteria
weights and the call's budget, forces projects in or out with a reason, switches the fund's
rules and thresholds; the ranked candidates, the call's totals, the efficient frontier, the
whole fund's envelope simulation and risk of running short of payment credits, and the
selection frequencies follow.  This module wires the package's pieces (words from the message
catalog :mod:`workbench.messages`, settings in :mod:`.settings`, the stages' computations and
caches in :mod:`.caches`, views in :mod:`.views`); ``notebooks/dashboard.ipynb`` only displays
:meth:`Dashboard.widget`, and ``workbench dashboard`` serves that notebook with the settings of
``voila.json`` (:func:`workbench.dashboard.serve.serve_command`) and the page template of
:mod:`.page`.

**One evaluation.**  Every figure comes from :mod:`workbench.pipeline`, as in the report,
``workbench simulate``, ``rank``, ``compare`` and the sweep.  In a call view the earlier calls
decide as the scenario's committees would, the call under review decides with the committee's
settings by the same method (merit order within the call's budget, within the credits left),
the later calls are decided by the model given the credits left, and the risk is the whole
fund's (:func:`workbench.pipeline.simulate_portfolio` of the decided portfolio, the scenario's
draws and seed).  Untouched, every call view shows the report's laureates of that call and the
fund risk ``workbench simulate`` prints.  The whole view shows the call-by-call portfolio.

Data flows one way: scenario file (+ the committee's :class:`Settings`) -> validated scenario
and candidates -> decisions (:mod:`workbench.decisions`), simulation (:mod:`workbench.envelope`),
robustness (:mod:`workbench.selection.robustness`) -> tables, the frontier as SVG and PNG charts,
each with a text alternative and its data.  Each stage is cached on the inputs it depends on;
the decisions of the calls before the one under review are decided once and resumed from.  The
call's table and totals are sent first; the later calls, the simulation, the exact frontier and
the robustness follow from worker threads, each panel marked "calcul en cours…" meanwhile.

Labels are French by default (``lang="en"`` for English); amounts are shown in M€ in the
language's format (:func:`workbench.units.meur`).
"""
from __future__ import annotations

import base64
import csv
import datetime as dt
import json
import os
import re
import sys
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..version import __version__
from .. import resources
from ..candidates import read_candidates
from ..errors import InputError, Problem
from ..messages import code_of, msg, render
from ..files import shared_name, write_atomic
from ..scenario import CRITERIA, Scenario, load_scenario
from .caches import LRU, Controller, View, candidates_key
from .export import export_portfolio, export_table
from .serve import ENV_PARAMETERS, ENV_SCENARIO, ENV_VARIANTS
from .settings import RULE_NEUTRAL, SELECTION_TOGGLES, Settings, save_variant, variant_slug
from .texts import esc, short_error
from .uploads import check_upload, upload_dir, upload_name
from .views import (busy_html, call_options, compare_html, detail_html, fan_alt_and_table, figure_html,
                    frontier_alt_and_table, frontier_svg, header_html, page_meta_html, problems_html, ranked_order,
                    ranked_table_html, robustness_alt_and_table, rules_html, shortfall_probabilities, totals_html,
                    translate_warning, view_note_html, warnings_html)
from .widgets import build_layout

#: What each background job is called on the busy line (message codes).
BUSY_WORDS = {"fan_ms": "D_BUSY_FAN", "robustness_ms": "D_BUSY_ROBUST", "frontier_exact_ms": "D_BUSY_FRONTIER",
              "compare_ms": "D_BUSY_COMPARE", "prefix_ms": "D_BUSY_PREFIX"}


class Dashboard:
    """The committee's dashboard: widgets on top of the package's computations.

    Parameters
    ----------
    scenario : str or Path, optional
        Scenario file opened first (default: :data:`ENV_SCENARIO`, else the first
        ``parameters/*.yaml``).  A variant saved from a call view opens on its call with its
        settings.
    parameters_dir : str or Path, optional
        Folder whose ``*.yaml`` the scenario picker lists (default ``parameters/`` of the project).
    variants_dir : str or Path, optional
        Folder where named variants are saved and listed (default ``<parameters_dir>/variants``).
    lang : {"fr", "en"}
        Language of labels and amounts.
    debounce_s : float
        Wait [s] after the last change before recomputing; ``0`` recomputes at once
        (also when no event loop runs, as in scripts and tests).
    cache_size : int
        Entries kept by each stage's cache.

    Notes
    -----
    The envelope simulation runs the scenario's draws (``simulation.draws``) with its seed, as
    every front end does.  The constructor only stores its arguments; :meth:`widget` builds the
    widgets and runs the first computation.  Driven from Python, set a control's ``value`` (see
    :attr:`controls`) and read :attr:`table`, :attr:`selected_ids`, :attr:`totals` and
    :attr:`risk`.
    """

    def __init__(self, scenario: str | os.PathLike | None = None, parameters_dir: str | os.PathLike | None = None,
                 variants_dir: str | os.PathLike | None = None, lang: str = "fr", debounce_s: float = 0.01,
                 cache_size: int = 16):
        self.scenario_arg = scenario
        self.parameters_dir_arg = parameters_dir
        self.variants_dir_arg = variants_dir
        self.lang = lang
        self.debounce_s = debounce_s
        self.cache_size = cache_size
        # state, set by widget() (declared here so that the object's shape is visible at once)
        self._root: Any = None                        # the root widget
        self._jobs: Controller | None = None          # cached stages, worker threads, generations
        self.controls: dict[str, Any] = {}            # the committee's controls, by name
        self.outputs: dict[str, Any] = {}             # what is shown, by name
        self.followup: Any = None                     # the follow-up panel (workbench.dashboard.followup_panel)
        self.committee: Any = None                    # the committee panel (workbench.dashboard.committee)
        self._titles: dict[str, tuple[Any, str]] = {}  # section titles: (widget, message code)
        self._labelled: list[tuple[Any, str, str]] = []  # (widget, attribute, message code)
        self._rules_box: Any = None
        self._mute = False                            # True while controls are set by the program
        self._defaults: dict[str, Any] = {}           # the controls' values as the scenario sets them
        self._base: Scenario | None = None            # the scenario file opened
        self._struct: Scenario | None = None          # the scenario with the committee's rule settings
        self._settings: Settings | None = None        # the settings of the last refresh
        self._cands: pd.DataFrame | None = None       # the candidates (scenario's list or upload)
        self._cands_key = ""                          # their content hash (caches.candidates_key)
        self._upload_name: str | None = None
        self._upload_path: Path | None = None
        self._tmpdir: Path | None = None              # this kernel's upload folder
        self._shown = False                           # the first page was sent
        self._replace_name: str | None = None         # the variant waiting for "replace?"
        self._busy: dict[str, int] = {}               # background jobs running, by name
        self._reasons: dict[str, str] = {}            # the committee's reasons of its overrides, by id
        self._charts: dict[str, dict] = {}            # each chart's last content (views.figure_html)
        self._compare_runs = 0                        # comparisons asked (data-run of the result, for tests)
        self.view: View | None = None                 # what the page shows (caches.View)
        self.rank_result: Any = None                  # the same (kept for callers of the earlier name)
        self.sim_result: Any = None
        self.robust_result: Any = None
        self.frontier_data: pd.DataFrame | None = None
        self.frontier_provisional = False
        self.table: pd.DataFrame | None = None
        self.totals: dict[str, Any] = {}
        self.risk: dict | None = None                 # the whole fund's risk (views.totals_html), None while computed
        self.last_error: str = ""

    @classmethod
    def from_environment(cls, **kwargs: Any) -> Dashboard:
        """A dashboard set by the environment ``workbench dashboard`` passes to the kernel."""
        kwargs.setdefault("scenario", os.environ.get(ENV_SCENARIO) or None)
        kwargs.setdefault("parameters_dir", os.environ.get(ENV_PARAMETERS) or None)
        kwargs.setdefault("variants_dir", os.environ.get(ENV_VARIANTS) or None)
        return cls(**kwargs)


    # ---- paths -----------------------------------------------------------------------------
    @property
    def parameters_dir(self) -> Path:
        """The folder the scenario picker lists: the shipped ``parameters/``
        (:func:`workbench.resources.parameters_dir`) unless given."""
        if self.parameters_dir_arg is not None:
            return Path(self.parameters_dir_arg)
        return resources.parameters_dir()

    def _scenario_dirs(self) -> list[Path]:
        """Folders a saved variant may extend from (workbench.limits): the scenario list's
        and the opened scenario's."""
        base = self._base
        return [self.parameters_dir] + ([Path(base.path).resolve().parent] if base is not None else [])

    # ---- state set by widget() -----------------------------------------------------------------
    @property
    def _ctl(self) -> Controller:
        """The controller (cached stages, worker threads, generations)."""
        # widget() makes it first (_build), before any control, callback or refresh exists; the
        # public methods are for a built page (the class's Notes)
        assert self._jobs is not None, "Dashboard.widget() builds the page first"
        return self._jobs

    def _no_scenario(self) -> InputError:
        return InputError([Problem(str(self.parameters_dir), "", None, msg("E_DASHBOARD_NO_SCENARIO"))])

    def _scenario(self) -> Scenario:
        """The scenario file opened; an :class:`InputError` (``E_DASHBOARD_NO_SCENARIO``, shown by the
        page's error paths) while none is: the first file did not load (its problems are shown)."""
        if self._base is None:
            raise self._no_scenario()
        return self._base

    def _candidates(self) -> pd.DataFrame:
        """The candidates (the scenario's list or the upload), set with the scenario opened: the
        same error while none is."""
        if self._cands is None:
            raise self._no_scenario()
        return self._cands

    @property
    def variants_dir(self) -> Path:
        return Path(self.variants_dir_arg) if self.variants_dir_arg is not None else self.parameters_dir / "variants"

    def scenario_files(self) -> list[Path]:
        """The files the scenario picker offers: the scenarios, then the saved variants."""
        files = sorted(p.resolve() for p in self.parameters_dir.glob("*.yaml"))
        files += sorted(p.resolve() for p in self.variants_dir.glob("*.yaml")) if self.variants_dir.is_dir() else []
        if self.scenario_arg is not None:
            first = Path(self.scenario_arg).resolve()
            if first not in files:
                files.insert(0, first)
        seen, out = set(), []
        for f in files:
            if f not in seen:
                seen.add(f)
                out.append(f)
        return out

    def _file_label(self, p: Path) -> str:
        try:
            if p.parent == self.variants_dir.resolve():
                return f"{render('D_VARIANTS', self.lang)} / {p.stem}"
        except OSError:  # pragma: no cover
            pass
        return p.stem

    # ---- build -------------------------------------------------------------------------------
    def widget(self):
        """The dashboard's root widget (built, and computed once, on the first call)."""
        if self._root is None:
            self._build()
        return self._root

    def _build(self) -> None:
        self._jobs = Controller(self.cache_size, self.debounce_s, on_error=self._error, on_busy=self._on_busy)
        from .disk_cache import attach_disk_cache  # a cold kernel shows the first view from disk
        attach_disk_cache(self._jobs.caches)
        self._tmpdir = upload_dir()
        files = self.scenario_files()
        if not files:
            raise InputError([Problem(str(self.parameters_dir), "", "", msg("E_NO_SCENARIO_FILE"))])
        first = Path(self.scenario_arg).resolve() if self.scenario_arg else files[0]
        # the follow-up of funded projects (workbench.dashboard.followup_panel: its own widgets and computation)
        from .followup_panel import FollowupPanel

        self.followup = FollowupPanel(lambda: self._struct or self._base, self.lang,
                                      scenario_dir=self.parameters_dir)
        from .committee import CommitteePanel  # the committee room: members' weights, robustness, minutes

        self.committee = CommitteePanel.for_dashboard(self)
        layout = build_layout(self.lang, [(self._file_label(f), str(f)) for f in files], str(first),
                              extra=(self.followup.widget(), self.committee.widget()))
        self.controls, self.outputs, self._titles = layout.controls, layout.outputs, layout.titles
        self._labelled, self._root, self._rules_box = layout.labelled, layout.root, layout.rules_box
        c = self.controls

        # events
        for crit in CRITERIA:
            c[f"weight_{crit}"].observe(self._schedule, "value")
        c["call"].observe(self._on_call, "value")
        for k in ("budget", "cofinancing", "min_cost", "min_cost_terr",
                  *[f"rule_{r}" for r in RULE_NEUTRAL], *[f"sel_{r}" for r in SELECTION_TOGGLES]):
            c[k].observe(self._schedule, "value")
        for k in ("force_in", "force_out"):
            c[k].observe(self._on_force, "value")
        c["scenario"].observe(self._on_scenario, "value")
        c["lang"].observe(self._on_lang, "value")
        c["upload"].observe(self._on_upload, "value")
        c["shipped"].on_click(self._on_shipped)
        c["detail_select"].observe(lambda ch: self._show_detail(), "value")
        c["show_all"].observe(lambda ch: self._show_table() if self.table is not None else None, "value")
        c["save_variant"].on_click(self._on_save_variant)
        c["variant_replace"].on_click(self._on_replace_variant)
        c["variant_cancel"].on_click(self._on_cancel_variant)
        c["compare_btn"].on_click(self._on_compare)
        c["export_csv"].on_click(lambda b: self._on_export("csv"))
        c["export_xlsx"].on_click(lambda b: self._on_export("xlsx"))

        self._relabel()
        self._refresh_variant_lists()
        self._open_scenario(first)

    # ---- labels ------------------------------------------------------------------------------
    def _relabel(self) -> None:
        L = self.lang
        if self.followup is not None:
            self.followup.relabel(L)
        if self.committee is not None:
            self.committee.relabel(L)
        for w, attr, code in self._labelled:
            setattr(w, attr, render(code, L))
        for w, code in self._titles.values():
            w.value = f"<h2 class='wb-h2'>{esc(render(code, L))}</h2>"
        self.controls["force_in"].placeholder = render("D_FORCE_HINT", L)
        self.controls["force_out"].placeholder = render("D_FORCE_HINT", L)
        self.controls["lang"].tooltips = [render("D_LANG_FR", L), render("D_LANG_EN", L)]
        for w in self.controls["reasons"].children:
            w.placeholder = render("D_REASON_HINT", L)
        self.outputs["frontier_title"].value = ""  # the chart carries its title
        self.outputs["fan_title"].value = f"<h2 class='wb-h2'>{esc(render('D_FAN', L))}</h2>"
        if self._rules_box is not None:
            self._rules_box.set_title(0, render("D_RULES_TABLE", L))
        self.outputs["meta"].value = page_meta_html(L, render("D_PAGE_TITLE", L)) + (
            f"<span class='wb-aria-labels' hidden data-force-in='{esc(render('D_FORCE_IN', L))}' "
            f"data-force-out='{esc(render('D_FORCE_OUT', L))}'></span>")

    def _on_lang(self, change) -> None:
        self.lang = change["new"]
        self._relabel()
        if self._base is not None:  # the call picker has choices once a scenario is open
            self._mute = True
            try:
                cur = self.controls["call"].value
                self.controls["call"].options = self._call_options()
                self.controls["call"].value = cur
            finally:
                self._mute = False
        self._refresh_variant_lists()
        self._show_busy()
        self.controls["force_msg"].value = ""
        self.outputs["compare_out"].value = ""
        self.refresh()

    # ---- scenario and candidates ---------------------------------------------------------------
    def _open_scenario(self, path: Path | str) -> bool:
        """Load a scenario and its candidates; on a bad file show the problems, keep the state."""
        try:
            scn = load_scenario(path, allowed_dirs=self._scenario_dirs())
            cands = self._ctl.candidates(scn)
        except InputError as exc:
            self._error(exc)
            if self._base is not None:
                self._mute = True
                self.controls["scenario"].value = str(Path(self._base.path).resolve())
                self._mute = False
            return False
        self._base = scn
        self._cands = cands
        self._cands_key = candidates_key(cands)
        self._upload_name = None
        self._upload_path = None
        self.controls["upload_msg"].value = ""
        self.controls["force_msg"].value = ""
        self.outputs["compare_out"].value = ""
        self._reset_controls()
        self._mute = True    # compare the scenario opened with the last file of the list by default
        try:
            here = str(Path(scn.path).resolve())
            if here in {v for _, v in self.controls["compare_a"].options}:
                self.controls["compare_a"].value = here
        finally:
            self._mute = False
        self.refresh()
        return True

    def _on_scenario(self, change) -> None:
        if self._mute or change["new"] is None:
            return
        self._open_scenario(change["new"])

    def _on_shipped(self, _button=None) -> None:
        """Back to the candidates the scenario names."""
        try:
            path = self._scenario().path
        except InputError as exc:  # the first file did not load: nothing to go back to
            self._error(exc)
            return
        self._open_scenario(path)

    def upload(self, name: str, content: bytes) -> bool:
        """Use an uploaded candidate file (CSV or XLSX); on problems show them and keep the state.

        Returns ``True`` when the file was accepted.
        """
        L = self.lang
        safe = upload_name(name)
        # _build made this kernel's upload folder (upload() is for a built page, the class's Notes)
        assert self._tmpdir is not None, "Dashboard.widget() builds the page first"
        path = self._tmpdir / safe
        try:
            scn = self._scenario()  # the candidates are read with its scale; none open: shown as the file's problem
            check_upload(name, len(content))  # then the reader checks the shape before parsing
            write_atomic(path, bytes(content))
            cands = read_candidates(path, scale=scn.criteria_scale, envelope_codes=scn.envelope_codes)
        except (InputError, OSError, ValueError, csv.Error, MemoryError) as exc:
            # an InputError names the place and the rule; anything else (a file the readers did not
            # expect) is still the file's problem, shown here, never a traceback in the page
            if isinstance(exc, InputError):
                from ..errors import problems_message

                msg = problems_message(exc.problems, L, file=safe)
            else:
                msg = render("D_UPLOAD_UNREADABLE", L, reason=short_error(exc))
            path.unlink(missing_ok=True)
            self.controls["upload_msg"].value = (
                f"<div class='wb-err wb-upload-error'><b>{esc(render('D_UPLOAD_BAD', L, name=safe))}</b>\n"
                f"{esc(msg)}</div>")
            return False
        self._cands = cands
        self._cands_key = candidates_key(cands)
        self._upload_name, self._upload_path = safe, path
        self.controls["upload_msg"].value = (
            f"<div class='wb-ok'>{esc(render('D_UPLOAD_OK', L, name=safe, n=len(cands)))}</div>")
        self._reset_controls(keep_settings=True)
        self.refresh()
        return True

    def _on_upload(self, change) -> None:
        files = change["new"]
        if not files:
            return
        f = files[0]
        self.upload(f["name"], bytes(f["content"]))

    # ---- the committee's controls ----------------------------------------------------------------
    def _summary(self):
        """The scenario's decisions in brief (:meth:`Controller.summary`): calls, allotments."""
        return self._ctl.summary(self._scenario(), self._candidates(), self._cands_key)

    def _call_options(self) -> list[tuple[str, str]]:
        """The call picker's choices (:func:`views.call_options`)."""
        sm = self._summary()
        by = sm.table if "call" in getattr(sm.table, "columns", ()) else None
        return call_options(by, int(sm.totals.get("candidates", len(self._candidates()))), self.lang)

    def _call_record(self, call: str) -> dict | None:
        """The scenario's decision record of ``call`` (credits left, allotment), or ``None``."""
        by = self._summary().table
        if not call or "call" not in getattr(by, "columns", ()):
            return None
        got = by[by["call"] == call]
        return got.iloc[0].to_dict() if len(got) else None

    def _fund_budget_eur(self) -> float:
        return float(self._summary().totals.get("budget_eur") or sum(f.envelope_eur for f in self._scenario().funds.values()))

    def _reset_controls(self, keep_settings: bool = False) -> None:
        """Set every control to the scenario's values (or keep the committee's, ``keep_settings``);
        a variant saved from a call view opens on its call with its settings."""
        scn, c = self._scenario(), self.controls
        self._mute = True
        try:
            opts = self._call_options()
            calls = [v for _, v in opts if v]
            keep = c["call"].value if keep_settings and c["call"].value in {v for _, v in opts} else None
            c["call"].options = opts
            # a committee examines one call at a time: open on the variant's call, else the first call
            start = scn.review_call if scn.review_call in calls else (calls[0] if calls else "")
            c["call"].value = keep if keep is not None else start
            if not keep_settings:
                el = scn.eligibility_at()
                c["cofinancing"].value = float((el.get("cofinancing_rate") or {}).get("min", 0.0))
                c["min_cost"].value = float(el.get("min_total_cost_eur", 0.0)) / 1e6
                c["min_cost_terr"].value = float(el.get("min_total_cost_territorial_eur",
                                                        el.get("min_total_cost_eur", 0.0))) / 1e6
                for rule in RULE_NEUTRAL:
                    c[f"rule_{rule}"].value = True
                c["sel_allow_phase1"].value = bool(scn.selection.allow_phase1)
                c["sel_roi_rule"].value = scn.selection.roi_mode == "rule"
                self._set_call_controls(c["call"].value, from_file=True)
            else:
                self._set_call_controls(c["call"].value, keep=True)
            self._defaults = {**self._fund_defaults(), **self._call_defaults(c["call"].value)}
        finally:
            self._mute = False

    def _fund_defaults(self) -> dict[str, Any]:
        """The rule controls' values as the scenario sets them (fund-wide)."""
        scn = self._scenario()
        el = scn.eligibility_at()
        out = {"cofinancing": float((el.get("cofinancing_rate") or {}).get("min", 0.0)),
               "min_cost": float(el.get("min_total_cost_eur", 0.0)) / 1e6,
               "min_cost_terr": float(el.get("min_total_cost_territorial_eur",
                                             el.get("min_total_cost_eur", 0.0))) / 1e6,
               "sel_allow_phase1": bool(scn.selection.allow_phase1),
               "sel_roi_rule": scn.selection.roi_mode == "rule"}
        out.update({f"rule_{r}": True for r in RULE_NEUTRAL})
        return out

    def _call_defaults(self, call: str) -> dict[str, Any]:
        """The call-level controls' values as the scenario's committee of ``call`` has them (the
        whole fund's for ``""``): its weights (dated), its budget, no override."""
        scn = self._scenario()
        dec = next((k.decision for k in scn.calls if k.id == call), None)
        w = scn.weights_at(dec) if dec is not None else scn.weights
        rec = self._call_record(call)
        budget = float(rec["allotment_eur"]) if rec is not None else (
            float(scn.selection.budget_eur) if scn.selection.budget_eur else self._fund_budget_eur())
        if rec is None and len(scn.calls) > 1:
            budget = self._fund_budget_eur()
        forced_in = [] if call else list(scn.selection.force_in)
        forced_out = [] if call else list(scn.selection.force_out)
        return {**{f"weight_{k}": float(w[k]) for k in CRITERIA}, "budget": round(budget / 1e6, 1),
                "force_in": tuple(forced_in), "force_out": tuple(forced_out)}

    def _set_call_controls(self, call: str, from_file: bool = False, keep: bool = False) -> None:
        """The call-level controls (weights, budget, overrides) for ``call``: the scenario
        committee's, or a variant file's own settings for that call (``from_file``); the slider's
        range is the call's credits left (the fund's budget in the whole view)."""
        c = self.controls
        d = self._call_defaults(call)
        rec = self._call_record(call)
        top_budget = float(rec["credits_left_eur"]) if rec is not None else self._fund_budget_eur()
        c["budget"].max = max(round(top_budget / 1e6, 1), d["budget"], 1.0)
        top_w = max(1.0, *[d[f"weight_{k}"] for k in CRITERIA])
        for crit in CRITERIA:
            c[f"weight_{crit}"].max = top_w
        view_ids = self._view_ids(call)
        for k in ("force_in", "force_out"):
            c[k].allowed_tags = view_ids
        if keep:
            c["force_in"].value = [i for i in c["force_in"].value if i in set(view_ids)]
            c["force_out"].value = [i for i in c["force_out"].value if i in set(view_ids)]
            return
        own = self._scenario().call_settings.get(call, {}) if (from_file and call) else {}
        w = own.get("weights") or {k: d[f"weight_{k}"] for k in CRITERIA}
        top_w = max(1.0, *[float(w[k]) for k in CRITERIA])
        for crit in CRITERIA:
            c[f"weight_{crit}"].max = top_w
            c[f"weight_{crit}"].value = float(w[crit])
        b = own.get("budget_eur")
        c["budget"].value = round(float(b) / 1e6, 1) if b is not None else d["budget"]
        c["force_in"].value = [i for i in (own.get("force_in") or d["force_in"]) if i in set(view_ids)]
        c["force_out"].value = [i for i in (own.get("force_out") or d["force_out"]) if i in set(view_ids)]
        self._reasons = dict(self._scenario().override_reasons) if from_file else {}
        self._show_reason_fields()
        self.controls["force_msg"].value = ""

    def _view_ids(self, call: str) -> list[str]:
        """The ids a committee may force in ``call``'s view: its applications and the next phases
        it examines (every candidate in the whole view)."""
        cands = self._candidates()
        ids = list(cands["id"].astype(str)) if not call or "call" not in cands.columns else \
            list(cands.loc[cands["call"].astype(str) == call, "id"].astype(str))
        rec = self._call_record(call)
        if rec is not None and (rec.get("next_phases") or 0) == (rec.get("next_phases") or 0) and rec.get("next_phases"):
            view = self.view if self.view is not None and self.view.call == call else None
            if view is not None:
                ids = list(view.table["id"].astype(str))
        return ids

    def _on_call(self, change) -> None:
        """A committee turns to another call: the call-level controls become that call's (its
        committee's weights, its allotment, no override), the charts of the previous call are
        taken down at once."""
        if self._mute:
            return
        self._mute = True
        try:
            self._set_call_controls(change["new"])
            self._defaults = {**self._fund_defaults(), **self._call_defaults(change["new"])}
        finally:
            self._mute = False
        for name in ("fan", "robust", "frontier"):
            self._charts.pop(name, None)
        self._schedule(change)

    def _on_force(self, change) -> None:
        """The override lists changed: one reason field per forced project, then recompute."""
        if self._mute:
            return
        self._show_reason_fields()
        self.controls["force_msg"].value = ""
        self._schedule(change)

    def _show_reason_fields(self) -> None:
        """A text field for the reason of each override (kept while the project stays forced)."""
        import ipywidgets as W

        c, L = self.controls, self.lang
        forced = list(c["force_in"].value) + [i for i in c["force_out"].value if i not in c["force_in"].value]
        have = {w.description: w for w in c["reasons"].children}
        kids = []
        for i in forced:
            w = have.get(i)
            if w is None:
                w = W.Text(value=self._reasons.get(i, ""), description=i, placeholder=render("D_REASON_HINT", L),
                           continuous_update=False, layout=W.Layout(width="100%"),
                           style={"description_width": "110px"})
                w.add_class("wb-reason-field")
                w.observe(lambda ch, i=i: self._on_reason(i, ch["new"]), "value")
            kids.append(w)
        c["reasons"].children = tuple(kids)

    def _on_reason(self, pid: str, text: str) -> None:
        self._reasons[pid] = str(text)
        if not self._mute:
            self._schedule()

    def _control_values(self) -> dict[str, Any]:
        c = self.controls
        keys = [f"weight_{k}" for k in CRITERIA] + ["budget", "cofinancing", "min_cost", "min_cost_terr"] + \
               [f"rule_{r}" for r in RULE_NEUTRAL] + [f"sel_{r}" for r in SELECTION_TOGGLES]
        out = {k: c[k].value for k in keys}
        out["force_in"] = tuple(c["force_in"].value)
        out["force_out"] = tuple(c["force_out"].value)
        return out

    def settings(self) -> Settings:
        """The committee's current settings: only what differs from the scenario is set.  Untouched,
        a call view's budget is the call's allotment exactly (the slider shows it rounded)."""
        v, d = self._control_values(), self._defaults
        changed = {k for k in v if v[k] != d.get(k)}
        weights = None
        if any(f"weight_{k}" in changed for k in CRITERIA):
            weights = tuple((k, float(v[f"weight_{k}"])) for k in CRITERIA)
        forced = set(v["force_in"]) | set(v["force_out"])
        return Settings(
            scenario_path=str(self._scenario().path),
            weights=weights,
            budget_eur=float(v["budget"]) * 1e6 if "budget" in changed else None,
            cofinancing_min_rate=float(v["cofinancing"]) if "cofinancing" in changed else None,
            min_total_cost_eur=float(v["min_cost"]) * 1e6 if "min_cost" in changed else None,
            min_total_cost_territorial_eur=float(v["min_cost_terr"]) * 1e6 if "min_cost_terr" in changed else None,
            rules_off=tuple(r for r in RULE_NEUTRAL if not v[f"rule_{r}"]),
            selection_rules=tuple(
                ([("allow_phase1", bool(v["sel_allow_phase1"]))] if "sel_allow_phase1" in changed else [])
                + ([("roi_mode", "rule" if v["sel_roi_rule"] else "flag")] if "sel_roi_rule" in changed else [])),
            force_in=v["force_in"],
            force_out=v["force_out"],
            call=self.controls["call"].value or "",
            override_reasons=tuple(sorted((i, t) for i, t in self._reasons.items() if i in forced and t.strip())),
        )

    # ---- messages --------------------------------------------------------------------------------
    def _error(self, error: Any) -> None:
        """Show an error on the page: an input error's problems in the page's language (each rule
        from the catalog), anything else by its kind (logged on the kernel's stderr)."""
        L = self.lang
        if isinstance(error, InputError):
            self.last_error = render_problem_text(error, L)
            body = problems_html(error, L)
        elif isinstance(error, str):
            self.last_error, body = error, esc(error)
        else:
            self.last_error = render("D_UNEXPECTED", L, error=type(error).__name__)
            body = esc(self.last_error)
        self.outputs["status"].value = (f"<div class='wb-err wb-error' role='alert'><b>{esc(render('D_ERROR', L))}</b>"
                                        f"{body}</div>")

    def _clear_error(self) -> None:
        self.last_error = ""
        self.outputs["status"].value = ""

    def _on_busy(self, name: str, busy: bool) -> None:
        n = self._busy.get(name, 0) + (1 if busy else -1)
        if n > 0:
            self._busy[name] = n
        else:
            self._busy.pop(name, None)
        self._show_busy()

    def _show_busy(self) -> None:
        if "busy" in self.outputs:
            names = [BUSY_WORDS[k] for k in BUSY_WORDS if k in self._busy]
            self.outputs["busy"].value = busy_html(names, self.lang)

    @property
    def busy(self) -> list[str]:
        """The background jobs running (``fan_ms``, ``robustness_ms``, ``frontier_exact_ms``,
        ``compare_ms``, ``prefix_ms``)."""
        return sorted(self._busy)

    # ---- recomputation -----------------------------------------------------------------------------
    @property
    def _caches(self) -> dict[str, LRU]:
        """The cached stages (:data:`workbench.dashboard.caches.STAGES`), owned by the controller."""
        return self._ctl.caches

    @property
    def timings(self) -> dict[str, float]:
        """Times [ms] of the last refresh's steps (``view_ms``, ``first_ms``, ``fan_ms``…)."""
        return self._jobs.timings if self._jobs is not None else {}

    @property
    def defer_mode(self) -> str:
        """How background views ran: ``"inline"`` (no event loop), ``"event loop"``, ``""`` before any."""
        return self._jobs.defer_mode if self._jobs is not None else ""

    def _schedule(self, change=None) -> None:
        if self._mute:
            return
        self._ctl.schedule(self.refresh)

    def refresh(self) -> None:
        """Recompute what the current settings change and update the views.

        A user's mistake (an invalid setting) is shown as a message in the page's language and
        the previous results stay on screen; an override the fund's rules refuse is refused beside
        its field; an unexpected error is shown the same way (no traceback on the page) and
        logged on the kernel's stderr.
        """
        self._ctl.pending = None
        try:
            self._refresh()
        except InputError as exc:
            self._error(exc)
        except Exception as exc:  # noqa: BLE001 - keep the page alive: show a clear message, log the details
            import traceback

            traceback.print_exc(file=sys.stderr)
            self._error(exc)

    def view_candidates(self) -> pd.DataFrame:
        """The candidates of the view on screen: the call under review with the next phases it
        examines, or every candidate in the whole-fund view (what the committee panel reads)."""
        if self.view is not None:
            return self._view_cands(self.view)
        call, cands = self.controls["call"].value, self._candidates()
        if call and "call" in cands.columns:
            return cands[cands["call"].astype(str) == call]
        return cands

    def _view_cands(self, view: View) -> pd.DataFrame:
        """The candidates of the rows a view shows (with the next phases it examines)."""
        return view.cands if view.cands is not None else self._candidates()

    def _refresh(self) -> None:
        """The stages (:class:`Controller`) for the current settings: the view's table and totals
        first (the call decided with the committee's settings after the earlier calls), the
        frontier when it comes at once; the later calls and the simulation of the whole fund, the
        exact frontier and the robustness follow from worker threads, each panel marked
        "calcul en cours…" meanwhile."""
        t0 = time.perf_counter()
        jobs = self._ctl
        gen = jobs.new_generation()
        st = self.settings()
        base, cands, ckey, call = self._scenario(), self._candidates(), self._cands_key, st.call
        struct = jobs.effective(base, st.eligibility_overrides(base))
        self._struct, self._settings = struct, st
        self._clear_error()
        self._show_warnings(struct)
        own, reasons = st.own(), st.reasons()
        try:
            view = jobs.view(struct, cands, ckey, call, own, reasons)
        except InputError as exc:
            if self._refuse_overrides(exc):
                return self._refresh()
            raise
        tm = {"view_ms": (time.perf_counter() - t0) * 1e3}
        self.view = self.rank_result = view
        self.table, self.totals = view.table, view.totals
        L = self.lang
        ranked = self.ranked()
        chosen = [str(i) for i in ranked.loc[ranked["selected"].astype(bool), "id"]]
        t1 = time.perf_counter()
        self.outputs["note"].value = view_note_html(call, L)
        if "budget" not in {k for k, v in self._control_values().items() if v != self._defaults.get(k)}:
            self._mute = True      # the slider shows the budget the totals show
            try:
                b = round(float(view.totals["budget_eur"]) / 1e6, 1)
                self.controls["budget"].max = max(self.controls["budget"].max, b)
                self.controls["budget"].value = b
                self._defaults["budget"] = b
            finally:
                self._mute = False
        self._show_table(ranked)
        self.risk = None
        self._show_totals()
        vc_key = (ckey, call, len(view.table))
        w = own.get("weights") or view.weights
        fi = tuple(x for x in view.table.loc[view.table.get("override", pd.Series("", view.table.index)) == "force_in",
                                             "id"].astype(str))
        fo = tuple(x for x in view.table.loc[view.table.get("override", pd.Series("", view.table.index)) == "force_out",
                                             "id"].astype(str))
        budget = float(view.totals["budget_eur"])
        fr = vcands = None
        try:
            vcands = self._view_cands(view)
            fr = jobs.frontier(struct, vcands, vc_key, budget, w, fi, fo, self.engine, self.frontier_levels,
                               quick=True)
        except InputError:
            fr = None
        if fr is not None:
            self._show_frontier(fr, provisional=False)
        else:  # a quick curve to show at once: the greedy portfolio's value by budget
            try:
                from ..selection import greedy_frontier, project_values

                vals = project_values(struct, vcands, w)
                self._show_frontier(greedy_frontier(struct, vcands, vals, budget, fi, fo, weights=w),
                                    provisional=True)
            except InputError:
                pass
        tm["views_ms"] = (time.perf_counter() - t1) * 1e3
        tm["first_ms"] = (time.perf_counter() - t0) * 1e3
        jobs.timings = tm
        self._mark_busy_charts()

        if fr is None and vcands is not None:
            self._background(gen, "frontier_exact_ms", lambda: jobs.frontier(
                struct, vcands, vc_key, budget, w, fi, fo, self.engine, self.frontier_levels, quick=False),
                lambda f: self._show_frontier(f, provisional=False))
        self._soon(gen, self._after_views)
        # the first page waits for nothing: no slider is moving yet
        first, self._shown = not self._shown, True

        def fund():
            # the whole portfolio: known at once for untouched settings (its figures are in the
            # view's totals: a cold kernel reads the simulation from disk without the decisions)
            if "funding_order" in view.totals:
                out = jobs.simulate(struct, lambda: jobs.full(struct, cands, ckey, view, own, reasons),
                                    ckey, L, order=view.totals["funding_order"])
                out["fund"] = dict(view.totals["fund"])
                return out
            full = jobs.full(struct, cands, ckey, view, own, reasons)
            out = jobs.simulate(struct, full, ckey, L)
            out["fund"] = {"selected": int(full.totals["selected"]),
                           "committed_eur": float(full.totals["committed_eur"]),
                           "budget_eur": float(full.totals["budget_eur"])}
            return out

        self._background(gen, "fan_ms", fund, self._show_fan, delay_s=0.0 if first else self.views_first_s)
        if self.robustness_samples > 0 and vcands is not None:
            self._background(gen, "robustness_ms", lambda: jobs.robustness(
                struct, vcands, vc_key, budget, w, fi, fo, chosen, self.robustness_samples, self.engine, L),
                self._show_robustness, delay_s=0.0 if first else self.robustness_delay_s, worker="robustness")

    def _refuse_overrides(self, exc: InputError) -> bool:
        """Overrides the fund's rules or the call's budget refuse (``E_FORCE_…``): taken off their
        list, each refusal said beside the override fields in the page's language.  ``True``
        when something was taken off (then the view is computed again without it)."""
        codes = {"E_FORCE_IN_REFUSED", "E_FORCE_IN_OVER_BUDGET", "E_FORCE_NOT_IN_CALL"}
        probs = [p for p in exc.problems if p.code in codes]
        if not probs or len(probs) != len(exc.problems):
            return False
        c, L = self.controls, self.lang
        drop = set()
        for p in probs:
            if p.code == "E_FORCE_IN_OVER_BUDGET":
                drop.add(list(c["force_in"].value)[-1]) if c["force_in"].value else None
            else:
                drop.add(str(p.value))
        if not drop:
            return False
        self._mute = True
        try:
            c["force_in"].value = [i for i in c["force_in"].value if i not in drop]
            c["force_out"].value = [i for i in c["force_out"].value if i not in drop]
            self._show_reason_fields()
        finally:
            self._mute = False
        c["force_msg"].value = (f"<div class='wb-err wb-force-refused' role='alert'>"
                                f"<b>{esc(render('D_OVERRIDE_REFUSED', L))}</b>{problems_html(exc, L)}</div>")
        return True

    def _after_views(self) -> None:
        """The project picker (one option per candidate) and the open project's explanation:
        sent after the table, totals and frontier of a change."""
        self._update_detail_options()
        if self.controls["detail_select"].value:
            self._show_detail()

    def _soon(self, gen: int, fn: Callable[[], None]) -> None:
        self._ctl.soon(gen, fn)

    #: Wait [s] before the fan chart's simulation starts: the table, totals and frontier of a
    #: change reach the page first (on 2 cores the simulation would slow their sending and
    #: the browser's drawing by 40-60 ms).
    views_first_s = 0.2

    #: Rest [s] the settings must keep before the robustness (SMAA) is recomputed.
    robustness_delay_s = 1.0

    def _background(self, gen: int | None, name: str, compute: Callable[[], Any], show: Callable[[Any], None],
                    delay_s: float = 0.0, worker: str = "views") -> None:
        """``compute()`` in a worker thread, then ``show(result)``: :meth:`Controller.background`."""
        self._ctl.background(gen, name, compute, show, delay_s=delay_s, worker=worker)

    # ---- views -------------------------------------------------------------------------------------
    def _show_warnings(self, struct: Scenario) -> None:
        """Every warning of the scenario ``struct`` (with the committee's rule settings:
        reconciliation gaps, …) and the synthetic-data notice."""
        L = self.lang
        cands = self._candidates()
        items = [esc(translate_warning(w, L)) for w in struct.warnings if code_of(w) != "W_SYNTHETIC"]
        if cands.attrs.get("synthetic") and not self._upload_name:
            from ..messages import label as report_label

            text = esc(report_label("synthetic_warning", L))
            items.insert(0, re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text))
        src = self._upload_name or (render("D_SYNTHETIC", L) if cands.attrs.get("synthetic")
                                    else Path(str(cands.attrs.get("source", ""))).name)
        self.outputs["header"].value = header_html(self._scenario(), src, L)
        self.outputs["warnings"].value = warnings_html(items, L)
        self.outputs["rules"].value = rules_html(struct, L)

    def ranked(self) -> pd.DataFrame:
        """The candidates in the order shown: selected first, then by value per euro."""
        return ranked_order(self.table)

    @property
    def selected_ids(self) -> list[str]:
        """Ids of the selected candidates of the view, sorted."""
        if self.table is None:
            return []
        return sorted(self.table.loc[self.table["selected"].astype(bool), "id"].astype(str))

    #: Rows of the ranked table (the others on request: "show_all"): Chromium takes 80-190 ms
    #: to lay out a table of 200 rows, 30 ms for 40 rows, on each slider move.
    table_rows = 50

    def _show_table(self, ranked: pd.DataFrame | None = None) -> None:
        """The ranked candidates as one HTML table: the selected ones, then those left out by
        value per euro, each with its status and reason (overrides named).  The first
        :attr:`table_rows` rows, or all with "show all".  The cells that do not depend on the
        settings are built once per list."""
        L = self.lang
        t = self.ranked() if ranked is None else ranked
        sel = t["selected"].to_numpy(bool)
        total, n_sel = len(t), int(sel.sum())
        if not self.controls["show_all"].value:
            t = t.iloc[: self.table_rows]
        static = self._caches["cands"].get(("table-cells", self._cands_key, L), dict)
        self.outputs["table"].value = ranked_table_html(t, total, n_sel, static, L, self._ctl.generation,
                                                        self.defer_mode)

    def _show_totals(self) -> None:
        conflicts = getattr(self.view, "conflicts", None) if self.view is not None else None
        self.outputs["totals"].value = totals_html(self.totals, self.risk, self.lang, conflicts)

    # ---- charts ------------------------------------------------------------------------------------
    frontier_levels = 15
    #: How the selection MILP is solved (:func:`workbench.selection.solve_model`): HiGHS kept
    #: per model, with the search settings that suit a call's selection.
    engine = "highspy"

    def _chart(self, name: str, busy: bool | None = None) -> None:
        """Draw chart ``name`` (``frontier``, ``fan``, ``robust``) from its last content, marked
        busy while a newer one is computed; a chart of another call is not shown."""
        out = {"frontier": "frontier_img", "fan": "fan_img", "robust": "robust_img"}[name]
        cls = {"frontier": "wb-frontier", "fan": "wb-fan", "robust": "wb-robustness"}[name]
        ch = self._charts.get(name)
        if busy is not None and ch is not None:
            ch["busy"] = busy
        if ch is None:
            self.outputs[out].value = figure_html(cls, "", None, "", "", self.lang, busy=True)
            return
        self.outputs[out].value = figure_html(cls, ch["mime"], ch.get("data"), ch.get("alt", ""), ch.get("table", ""),
                                              self.lang, busy=ch.get("busy", False), extra_cls=ch.get("extra", ""),
                                              message=ch.get("message", ""))

    def _mark_busy_charts(self) -> None:
        for name in ("fan", "robust"):
            self._chart(name, busy=True)

    def _show_frontier(self, fr: pd.DataFrame, provisional: bool) -> None:
        """The frontier chart with the current portfolio (:func:`frontier_svg`)."""
        cur = (float(self.totals["budget_eur"]), float(self.totals["value"]))
        self.frontier_data = fr
        alt, table = frontier_alt_and_table(fr, cur, self.lang)
        svg = frontier_svg(fr, cur, lang=self.lang, provisional=provisional, whole=not self.totals.get("call"))
        self._charts["frontier"] = {"mime": "image/svg+xml", "data": svg, "alt": alt, "table": table, "busy": False,
                                    "extra": "wb-provisional" if provisional else ""}
        self.frontier_provisional = provisional
        self._chart("frontier")

    def _show_fan(self, out: dict) -> None:
        """The fan chart and the whole fund's risk of running short, or why there is none."""
        L = self.lang
        if "message" in out:
            self.sim_result, self.risk = None, {"message": render_problem_text(out["message"], L)}
            self._charts["fan"] = {"mime": "image/png", "data": None, "message": esc(self.risk["message"]),
                                   "busy": False}
        else:
            self.sim_result = out["result"]
            alt, table = fan_alt_and_table(out["result"], L)
            self.risk = {**shortfall_probabilities(out["result"]), "draws": out["draws"], "seed": out["seed"],
                         "fund": out.get("fund") or {}}
            self._charts["fan"] = {"mime": "image/png", "data": out["png"], "alt": alt, "table": table, "busy": False}
        self._chart("fan")
        self._show_totals()

    @property
    def _shortfall(self) -> dict | None:
        """The whole fund's shortfall probabilities shown (``None`` while computed)."""
        if not self.risk or "message" in self.risk:
            return None
        return {k: self.risk[k] for k in ("shortfall_probability", "p_exhausted_before_last_call")}

    robustness_samples = 40

    def _show_robustness(self, out: dict) -> None:
        self.robust_result = out["frequency"]
        alt, table = robustness_alt_and_table(out["frequency"], self.lang)
        self._charts["robust"] = {"mime": "image/png", "data": out["png"], "alt": alt, "table": table, "busy": False}
        self._chart("robust")

    # ---- project detail ------------------------------------------------------------------------------
    def _update_detail_options(self) -> None:
        sel = self.controls["detail_select"]
        r = self.ranked()
        L = self.lang
        opts = [(f"{'✔' if s else '·'} {i} — {str(t)[:40]}", str(i))
                for i, t, s in zip(r["id"], r["title"], r["selected"])]
        cur = sel.value
        self._mute = True
        try:
            sel.options = opts
            sel.value = cur if cur in {v for _, v in opts} else None
        finally:
            self._mute = False
        if cur:  # the explanation re-solves the selection: it comes with the slower views
            self.outputs["detail"].value = f"<i>{esc(render('D_COMPUTING', L))}</i>"

    def explain(self, project_id: str) -> dict:
        """Why a project is in or out of the view's decisions and what would change that
        (:func:`workbench.decisions.explain_decision`, cached per view)."""
        if self.view is None:  # no ranking yet (the first computation failed: its error is shown)
            raise InputError([Problem("<dashboard>", "", project_id, msg("E_DASHBOARD_NO_VIEW"))])
        return self._ctl.explain(self.view, project_id)

    def _show_detail(self) -> None:
        if self._mute:
            return
        L = self.lang
        pid = self.controls["detail_select"].value
        if not pid or self.view is None:
            self.outputs["detail"].value = f"<i>{esc(render('D_DETAIL_PICK', L))}</i>"
            return
        assert self.table is not None, "_refresh sets the table with the view"
        row = self.table[self.table["id"].astype(str) == pid].iloc[0]
        try:
            ex = self.explain(pid)
        except InputError as exc:
            ex = {"text": problems_html(exc, L)}
        self.outputs["detail"].value = detail_html(pid, row, ex, L)

    # ---- variants ------------------------------------------------------------------------------------
    def _refresh_variant_lists(self) -> None:
        files = self.scenario_files()
        opts = [(self._file_label(f), str(f)) for f in files]
        self._mute = True
        try:
            cur = self.controls["scenario"].value
            self.controls["scenario"].options = opts
            if cur in {v for _, v in opts}:
                self.controls["scenario"].value = cur
            for k in ("compare_a", "compare_b"):
                old = self.controls[k].value
                self.controls[k].options = opts
                self.controls[k].value = old if old in {v for _, v in opts} else (opts[0][1] if k == "compare_a" or len(opts) < 2 else opts[-1][1])
        finally:
            self._mute = False

    def variant_path(self, name: str) -> Path | None:
        """The file a variant named ``name`` is saved to (names differing only in punctuation,
        such as ``a/b``, ``a b`` and ``a_b``, share one), or ``None`` for a name without letters."""
        slug = variant_slug(name)
        return self.variants_dir / f"{slug}.yaml" if slug else None

    def save_variant(self, name: str, overwrite: bool = True) -> Path:
        """Save the current settings as ``<variants_dir>/<name>.yaml`` extending the scenario: in a
        call view, the call (``call:``) and that call's committee settings
        (``selection.call_settings``, its budget a call setting), with the reasons of the overrides.

        With ``overwrite=False`` an existing file of that name is kept and :class:`FileExistsError`
        raised (the page asks before replacing a variant, :meth:`_on_save_variant`).
        """
        # the variant's candidates: a copy of the uploaded file, beside it; without ``overwrite``
        # the file is created exclusively, so two pages saving one name cannot both succeed
        path = save_variant(self._scenario(), self.settings(), name, self.variants_dir, overwrite=overwrite,
                            candidates=self._upload_path, allowed_dirs=self._scenario_dirs())
        self._refresh_variant_lists()
        return path

    def _show_replace(self, show: bool) -> None:
        for k in ("variant_replace", "variant_cancel"):
            self.controls[k].layout.display = None if show else "none"

    def _on_save_variant(self, _button=None, overwrite: bool = False) -> None:
        """Save the variant named in the box; if its file exists, ask first (Replace / Cancel)."""
        L = self.lang
        name = self.controls["variant_name"].value
        self._show_replace(False)
        try:
            path = self.save_variant(name, overwrite=overwrite)
        except FileExistsError:
            self._replace_name = name
            existing = self.variant_path(name)
            # save_variant refuses a name without letters (E_VARIANT_NAME) before touching a file
            assert existing is not None, "a variant file exists, so its name has a slug"
            self.controls["variant_msg"].value = (
                f"<div class='wb-err wb-variant-exists' role='alert'>"
                f"{esc(render('D_VARIANT_EXISTS', L, name=name, path=existing.name))}</div>")
            self._show_replace(True)
            return
        except (InputError, OSError) as exc:
            text = problems_html(exc, L) if isinstance(exc, InputError) else esc(
                render("D_VARIANT_NOT_SAVED", L, reason=short_error(exc)))
            self.controls["variant_msg"].value = f"<div class='wb-err' role='alert'>{text}</div>"
            return
        self.controls["variant_msg"].value = f"<div class='wb-ok'>{esc(render('D_SAVED', L, path=path.name))}</div>"

    def _on_replace_variant(self, _button=None) -> None:
        """The committee confirmed: replace the variant file (of the name it confirmed)."""
        if self._replace_name is not None:
            self.controls["variant_name"].value = self._replace_name
            self._replace_name = None
            self._on_save_variant(overwrite=True)

    def _on_cancel_variant(self, _button=None) -> None:
        self._replace_name = None
        self._show_replace(False)
        self.controls["variant_msg"].value = ""

    def compare(self, path_a: str | Path, path_b: str | Path) -> dict:
        """Two scenario files (variants) side by side, computed as the live view computes
        (:meth:`Controller.compare`: each file's decisions call by call and the simulation of the
        whole fund): the view's call and the fund, the projects in one and not the other."""
        dirs = self._scenario_dirs()
        scns = (load_scenario(path_a, allowed_dirs=dirs), load_scenario(path_b, allowed_dirs=dirs))
        return self._ctl.compare(scns, (Path(path_a).stem, Path(path_b).stem), self.controls["call"].value or "",
                                  self.lang)

    def _on_compare(self, _button=None) -> None:
        """Compare the two files chosen, in a worker thread: "Comparer" is disabled and the
        result box says "calcul en cours…" until it is shown."""
        L = self.lang
        btn = self.controls["compare_btn"]
        if btn.disabled:
            return
        a, b = self.controls["compare_a"].value, self.controls["compare_b"].value
        btn.disabled = True
        self.outputs["compare_out"].value = (f"<div class='wb-compare' aria-busy='true'><i>"
                                             f"{esc(render('D_COMPUTING', L))}</i></div>")

        self._compare_runs += 1
        run = self._compare_runs

        def show(cmp: dict) -> None:
            btn.disabled = False
            self.outputs["compare_out"].value = compare_html(cmp, self.lang, run)

        def failed(exc: Any) -> None:
            btn.disabled = False
            self.outputs["compare_out"].value = (f"<div class='wb-err' role='alert'>"
                                                 f"{problems_html(exc, self.lang) if isinstance(exc, InputError) else esc(render('D_UNEXPECTED', self.lang, error=type(exc).__name__))}"
                                                 f"</div>")

        def compute():
            try:
                return ("ok", self.compare(a, b))
            except Exception as exc:  # noqa: BLE001 - shown in the comparison box
                if not isinstance(exc, InputError):
                    print(f"workbench dashboard: {type(exc).__name__}: {exc}", file=sys.stderr)
                return ("error", exc)

        self._background(None, "compare_ms", compute,
                         lambda r: show(r[1]) if r[0] == "ok" else failed(r[1]), worker="compare")

    # ---- export ----------------------------------------------------------------------------------------
    def export(self, fmt: str) -> tuple[str, bytes]:
        """The current view's candidates as ``(file name, bytes)`` in ``fmt`` (``"csv"`` or
        ``"xlsx"``): headers, reasons and overrides in the page's language, with the provenance."""
        L = self.lang
        t = export_table(self.ranked(), L)
        call = self.controls["call"].value or ""
        # a table to export: _refresh set the scenario with the rule settings and the settings first
        assert self._struct is not None and self._settings is not None, "_refresh sets them before the table"
        base, cands = self._scenario(), self._candidates()
        source = cands.attrs.get("source", "")
        if not self._upload_name and not cands.attrs.get("synthetic") and source:
            source = shared_name(str(source))  # a file: its name, never a user's folders
        prov = {"workbench_version": __version__, "scenario": shared_name(base.path),
                "scenario_hash": self._struct.hash(), "base_scenario_hash": base.hash(),
                "seed": base.seed, "draws": base.draws,
                "candidates": self._upload_name or str(source),
                "synthetic": bool(cands.attrs.get("synthetic", False)),
                "call": call or render("D_EXPORT_WHOLE", L),
                "settings": json.dumps(self._settings.overrides(), ensure_ascii=False, default=str),
                "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        if self.risk and "shortfall_probability" in self.risk:
            prov["shortfall_probability"] = self.risk["shortfall_probability"]
        name = f"portefeuille_{variant_slug(base.name)}{('_' + variant_slug(call)) if call else ''}.{fmt}"
        return name, export_portfolio(t, fmt, prov, lang=L)

    def _on_export(self, fmt: str) -> None:
        L = self.lang
        from openpyxl.utils.exceptions import IllegalCharacterError

        try:
            name, data = self.export(fmt)
        except (IllegalCharacterError, ValueError, OSError) as exc:
            self.controls["download"].value = (f"<div class='wb-err' role='alert'>"
                                               f"{esc(render('D_EXPORT_FAILED', L, reason=short_error(exc)))}</div>")
            return
        mime = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        b64 = base64.b64encode(data).decode("ascii")
        self.controls["download"].value = (f"<a class='wb-download' download='{esc(name)}' "
                                           f"href='data:{mime};base64,{b64}'>⬇ {esc(render('D_DOWNLOAD', L, name=name))}</a>")


def render_problem_text(error: Any, lang: str) -> str:
    """An error's text in ``lang``: an input error's rules from the catalog, else its kind."""
    if isinstance(error, InputError):
        return "; ".join(p.rule_text(lang) for p in error.problems)
    return str(error)
