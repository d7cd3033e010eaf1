"""The committee dashboard: an ipywidgets application served by Voilà.

A selection committee moves the criteria weights, the budget, the co-financing rate and the
minimum-cost thresholds, switches rules on and off and forces projects in or out; the ranked
candidates, the portfolio's totals, the efficient frontier, the envelope's fan chart and the
selection frequencies follow.  This module wires the package's pieces (words from the message
catalog :mod:`workbench.messages`, settings in :mod:`.settings`, the stages' computations and
caches in :mod:`.caches`, views in :mod:`.views`);
``notebooks/dashboard.ipynb`` only displays :meth:`Dashboard.widget`, and ``workbench dashboard``
serves that notebook with the settings of ``voila.json`` (:func:`workbench.dashboard.serve.serve_command`).

Data flows one way: scenario file (+ the committee's :class:`Settings` as overrides) ->
validated scenario and candidates -> ranking (:mod:`workbench.selection`), simulation
(:mod:`workbench.envelope`), robustness (:mod:`workbench.analysis.robustness`) -> tables, the frontier
as SVG (:func:`frontier_svg`) and PNG charts (:mod:`workbench.reporting.charts`).  Each stage is cached on
the inputs it depends on, so a slider change recomputes only what it changes; the simulation
of an unchanged portfolio under unchanged settings is never run twice.  The selection (HiGHS
kept per model, ``engine="highspy"``), the table, totals and the exact frontier (Pareto
enumeration, :func:`workbench.selection.pareto_frontier`) are sent first; the simulation and
the robustness are computed in worker threads and shown when ready
(:meth:`Dashboard._background`), results of a stale setting dropped.  When the frontier cannot
be enumerated (sub-envelopes, payment or share rules), the greedy curve is shown, marked as
provisional (title, and the image's ``wb-provisional`` class), until the levels are solved.

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
from typing import Any, Callable

import pandas as pd

from .. import __version__, resources
from ..candidates import read_candidates
from ..errors import InputError, Problem
from ..messages import code_of, msg, render
from ..files import shared_name, write_atomic
from ..scenario import CRITERIA, Scenario, load_scenario
from .caches import LRU, Controller, candidates_key
from .export import export_portfolio
from .serve import ENV_PARAMETERS, ENV_SCENARIO, ENV_VARIANTS
from .settings import RULE_NEUTRAL, SELECTION_TOGGLES, Settings, save_variant, variant_slug
from .texts import esc, short_error
from .uploads import check_upload, upload_dir, upload_name
from .views import (call_options, compare_html, detail_html, frontier_svg, header_html, ranked_order,
                    ranked_table_html, shortfall_probabilities, totals_html, translate_warning, warnings_html)
from .widgets import build_layout


class Dashboard:
    """The committee's dashboard: widgets on top of the package's computations.

    Parameters
    ----------
    scenario : str or Path, optional
        Scenario file opened first (default: :data:`ENV_SCENARIO`, else the first
        ``parameters/*.yaml``).
    parameters_dir : str or Path, optional
        Folder whose ``*.yaml`` the scenario picker lists (default ``parameters/`` of the project).
    variants_dir : str or Path, optional
        Folder where named variants are saved and listed (default ``<parameters_dir>/variants``).
    lang : {"fr", "en"}
        Language of labels and amounts.
    draws : int
        Monte Carlo draws of the envelope simulation.
    debounce_s : float
        Wait [s] after the last change before recomputing; ``0`` recomputes at once
        (also when no event loop runs, as in scripts and tests).
    cache_size : int
        Entries kept by each stage's cache.

    Notes
    -----
    The constructor only stores its arguments; :meth:`widget` builds the widgets and runs the
    first computation.  Driven from Python, set a control's ``value`` (see :attr:`controls`)
    and read :attr:`table`, :attr:`selected_ids` and :attr:`totals`.
    """

    def __init__(self, scenario: str | os.PathLike | None = None, parameters_dir: str | os.PathLike | None = None,
                 variants_dir: str | os.PathLike | None = None, lang: str = "fr", draws: int = 400,
                 debounce_s: float = 0.01, cache_size: int = 16):
        self.scenario_arg = scenario
        self.parameters_dir_arg = parameters_dir
        self.variants_dir_arg = variants_dir
        self.lang = lang
        self.draws = draws
        self.debounce_s = debounce_s
        self.cache_size = cache_size
        # state, set by widget() (declared here so that the object's shape is visible at once)
        self._root: Any = None                        # the root widget
        self._jobs: Controller | None = None          # cached stages, worker threads, generations
        self.controls: dict[str, Any] = {}            # the committee's controls, by name
        self.outputs: dict[str, Any] = {}             # what is shown, by name
        self.followup: Any = None                     # the follow-up panel (workbench.followup.panel)
        self.committee: Any = None                    # the committee panel (workbench.dashboard.committee)
        self._titles: dict[str, tuple[Any, str]] = {}  # section titles: (widget, message code)
        self._labelled: list[tuple[Any, str, str]] = []  # (widget, attribute, message code)
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
        self._rank_key: Any = None
        self._shown = False                           # the first page was sent
        self._shortfall: dict[str, float] | None = None
        self._replace_name: str | None = None         # the variant waiting for "replace?"
        self.rank_result: Any = None
        self.sim_result: Any = None
        self.robust_result: Any = None
        self.frontier_data: pd.DataFrame | None = None
        self.frontier_provisional = False
        self.table: pd.DataFrame | None = None
        self.totals: dict[str, float] = {}
        self.last_error: str = ""

    @classmethod
    def from_environment(cls, **kwargs: Any) -> "Dashboard":
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
        self._jobs = Controller(self.cache_size, self.debounce_s, on_error=self._error)
        from ..cache import attach_disk_cache  # a cold kernel shows the first view from disk
        attach_disk_cache(self._jobs.caches)
        self._tmpdir = upload_dir()
        files = self.scenario_files()
        if not files:
            raise InputError([Problem(str(self.parameters_dir), "", "", msg("E_NO_SCENARIO_FILE"))])
        first = Path(self.scenario_arg).resolve() if self.scenario_arg else files[0]
        # the follow-up of funded projects (workbench.followup.panel: its own widgets and computation)
        from ..followup.panel import FollowupPanel

        self.followup = FollowupPanel(lambda: self._struct or self._base, self.lang,
                                      scenario_dir=self.parameters_dir)
        from .committee import CommitteePanel  # the committee room: members' weights, robustness, minutes

        self.committee = CommitteePanel.for_dashboard(self)
        layout = build_layout(self.lang, [(self._file_label(f), str(f)) for f in files], str(first),
                              extra=(self.followup.widget(), self.committee.widget()))
        self.controls, self.outputs, self._titles = layout.controls, layout.outputs, layout.titles
        self._labelled, self._root = layout.labelled, layout.root
        c = self.controls

        # events
        for crit in CRITERIA:
            c[f"weight_{crit}"].observe(self._schedule, "value")
        c["call"].observe(self._on_call, "value")
        for k in ("budget", "cofinancing", "min_cost", "min_cost_terr", "force_in", "force_out",
                  *[f"rule_{r}" for r in RULE_NEUTRAL], *[f"sel_{r}" for r in SELECTION_TOGGLES]):
            c[k].observe(self._schedule, "value")
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
            w.value = f"<b>{esc(render(code, L))}</b>"
        self.controls["force_in"].placeholder = render("D_FORCE_HINT", L)
        self.controls["force_out"].placeholder = render("D_FORCE_HINT", L)
        self.outputs["frontier_title"].value = ""  # the chart carries its title
        self.outputs["fan_title"].value = f"<b>{esc(render('D_FAN', L))}</b>"

    def _on_lang(self, change) -> None:
        self.lang = change["new"]
        self._relabel()
        self._mute = True
        try:
            cur = self.controls["call"].value
            self.controls["call"].options = self._call_options()
            self.controls["call"].value = cur
        finally:
            self._mute = False
        self._refresh_variant_lists()
        self.refresh()

    # ---- scenario and candidates ---------------------------------------------------------------
    def _open_scenario(self, path: Path | str) -> bool:
        """Load a scenario and its candidates; on a bad file show the problems, keep the state."""
        try:
            scn = load_scenario(path, allowed_dirs=self._scenario_dirs())
            cands = self._jobs.candidates(scn)
        except InputError as exc:
            self._error(exc.message())
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
        self._reset_controls()
        self.refresh()
        return True

    def _on_scenario(self, change) -> None:
        if self._mute or change["new"] is None:
            return
        self._open_scenario(change["new"])

    def _on_shipped(self, _button=None) -> None:
        """Back to the candidates the scenario names."""
        self._open_scenario(self._base.path)

    def upload(self, name: str, content: bytes) -> bool:
        """Use an uploaded candidate file (CSV or XLSX); on problems show them and keep the state.

        Returns ``True`` when the file was accepted.
        """
        L = self.lang
        safe = upload_name(name)
        path = self._tmpdir / safe
        try:
            check_upload(name, len(content))  # then the reader checks the shape before parsing
            write_atomic(path, bytes(content))
            cands = read_candidates(path, scale=self._base.criteria_scale, envelope_codes=self._base.envelope_codes)
        except (InputError, OSError, ValueError, csv.Error, MemoryError) as exc:
            # an InputError names the place and the rule; anything else (a file the readers did not
            # expect) is still the file's problem, shown here, never a traceback in the page
            if isinstance(exc, InputError):
                from ..reporting.labels import problems_message

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

    def _reset_controls(self, keep_settings: bool = False) -> None:
        """Set every control to the scenario's values (or keep the committee's, ``keep_settings``)."""
        scn, c = self._base, self.controls
        self._mute = True
        try:
            opts = self._call_options()
            calls = [v for _, v in opts if v]
            keep = c["call"].value if keep_settings and c["call"].value in {v for _, v in opts} else None
            c["call"].options = opts
            # a committee examines one call at a time: open on the first call when there are several
            c["call"].value = keep if keep is not None else (calls[0] if len(calls) > 1 else "")
            call_budget = self._call_budget_eur(c["call"].value)
            ids = list(self._cands["id"])
            for k in ("force_in", "force_out"):
                c[k].allowed_tags = ids
            if not keep_settings:
                w = scn.weights
                top = max(1.0, max(w.values()))
                for crit in CRITERIA:
                    c[f"weight_{crit}"].max = top
                    c[f"weight_{crit}"].value = w[crit]
                env_eur = sum(f.envelope_eur for f in scn.funds.values())
                budget = call_budget or scn.value("selection.budget_eur") or env_eur
                c["budget"].max = round(max(env_eur, budget) / 1e6, 1)
                c["budget"].value = round(budget / 1e6, 1)
                el = scn.eligibility_at()
                c["cofinancing"].value = float((el.get("cofinancing_rate") or {}).get("min", 0.0))
                c["min_cost"].value = float(el.get("min_total_cost_eur", 0.0)) / 1e6
                c["min_cost_terr"].value = float(el.get("min_total_cost_territorial_eur",
                                                        el.get("min_total_cost_eur", 0.0))) / 1e6
                for rule in RULE_NEUTRAL:
                    c[f"rule_{rule}"].value = True
                c["sel_allow_phase1"].value = bool(scn.value("selection.allow_phase1", True))
                c["sel_roi_rule"].value = scn.value("selection.roi_mode") == "rule"
                c["force_in"].value = [i for i in (scn.value("selection.force_in") or []) if i in ids]
                c["force_out"].value = [i for i in (scn.value("selection.force_out") or []) if i in ids]
            else:
                c["force_in"].value = [i for i in c["force_in"].value if i in ids]
                c["force_out"].value = [i for i in c["force_out"].value if i in ids]
            self._defaults = self._control_values()
        finally:
            self._mute = False

    def _call_budget_eur(self, call: str) -> float | None:
        """What the committee of ``call`` may commit [EUR] (:meth:`Controller.call_budget_eur`)."""
        return self._jobs.call_budget_eur(self._base, self._cands, self._cands_key, call)

    def _on_call(self, change) -> None:
        """A committee turns to another call: the budget becomes that call's allotment."""
        if self._mute:
            return
        b = self._call_budget_eur(change["new"])
        if b is not None:
            self._mute = True
            try:
                self.controls["budget"].value = round(b / 1e6, 1)
            finally:
                self._mute = False
        self._schedule(change)

    def _call_options(self) -> list[tuple[str, str]]:
        """The call picker's choices (:func:`views.call_options`)."""
        return call_options(self._base, self._cands, self.lang)

    def _control_values(self) -> dict[str, Any]:
        c = self.controls
        keys = [f"weight_{k}" for k in CRITERIA] + ["budget", "cofinancing", "min_cost", "min_cost_terr"] + \
               [f"rule_{r}" for r in RULE_NEUTRAL] + [f"sel_{r}" for r in SELECTION_TOGGLES]
        out = {k: c[k].value for k in keys}
        out["force_in"] = tuple(c["force_in"].value)
        out["force_out"] = tuple(c["force_out"].value)
        return out

    def settings(self) -> Settings:
        """The committee's current settings: only what differs from the scenario is set."""
        v, d = self._control_values(), self._defaults
        changed = {k for k in v if v[k] != d.get(k)}
        weights = None
        if any(f"weight_{k}" in changed for k in CRITERIA):
            weights = tuple((k, float(v[f"weight_{k}"])) for k in CRITERIA)
        return Settings(
            scenario_path=str(self._base.path),
            weights=weights,
            # a call under review works to its allotment, the slider's value, even when untouched
            budget_eur=float(v["budget"]) * 1e6 if "budget" in changed or self._call_budget_eur(
                self.controls["call"].value) is not None else None,
            cofinancing_min_rate=float(v["cofinancing"]) if "cofinancing" in changed else None,
            min_total_cost_eur=float(v["min_cost"]) * 1e6 if "min_cost" in changed else None,
            min_total_cost_territorial_eur=float(v["min_cost_terr"]) * 1e6 if "min_cost_terr" in changed else None,
            rules_off=tuple(r for r in RULE_NEUTRAL if not v[f"rule_{r}"]),
            selection_rules=tuple(
                ([("allow_phase1", bool(v["sel_allow_phase1"]))] if "sel_allow_phase1" in changed else [])
                + ([("roi_mode", "rule" if v["sel_roi_rule"] else "flag")] if "sel_roi_rule" in changed else [])),
            force_in=v["force_in"],
            force_out=v["force_out"],
        )

    # ---- messages --------------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        self.last_error = message
        self.outputs["status"].value = (f"<div class='wb-err wb-error'><b>{esc(render('D_ERROR', self.lang))}</b>\n"
                                        f"{esc(message)}</div>")

    def _clear_error(self) -> None:
        self.last_error = ""
        self.outputs["status"].value = ""

    # ---- recomputation -----------------------------------------------------------------------------
    @property
    def _caches(self) -> dict[str, LRU]:
        """The cached stages (:data:`workbench.dashboard.caches.STAGES`), owned by the controller."""
        return self._jobs.caches

    @property
    def timings(self) -> dict[str, float]:
        """Times [ms] of the last refresh's steps (``rank_ms``, ``first_ms``, ``fan_ms``…)."""
        return self._jobs.timings if self._jobs is not None else {}

    @property
    def defer_mode(self) -> str:
        """How background views ran: ``"inline"`` (no event loop), ``"event loop"``, ``""`` before any."""
        return self._jobs.defer_mode if self._jobs is not None else ""

    def _schedule(self, change=None) -> None:
        if self._mute:
            return
        self._jobs.schedule(self.refresh)

    def refresh(self) -> None:
        """Recompute what the current settings change and update the views.

        A user's mistake (an invalid setting) is shown as a message and the previous results
        stay on screen; an unexpected error is shown the same way (no traceback on the page)
        and logged on the kernel's stderr.
        """
        self._jobs.pending = None
        try:
            self._refresh()
        except InputError as exc:
            self._error(exc.message())
        except Exception as exc:  # keep the page alive: show a clear message, log the details
            import traceback

            traceback.print_exc(file=sys.stderr)
            self._error(f"{type(exc).__name__}: {exc}")

    def _refresh(self) -> None:
        """The stages (:class:`Controller`) for the current settings: the selection and, when it
        comes at once, the exact frontier are shown first (else the greedy curve, provisional);
        the exact frontier, the envelope simulation and the robustness follow from worker threads."""
        t0 = time.perf_counter()
        gen = self._jobs.new_generation()
        st = self.settings()
        base, cands, ckey = self._base, self._view_candidates(), self._cands_key
        call = self.controls["call"].value
        struct = self._jobs.effective(base, st.eligibility_overrides(base))
        weights = st.weight_dict(base)
        self._struct, self._settings = struct, st
        self._clear_error()
        self._show_warnings()
        sel = self._jobs.select(struct, cands, (ckey, call), st.budget_eur, weights, st.force_in, st.force_out,
                                self.engine, self.frontier_levels)
        self.rank_result, self._rank_key = sel.ranking, sel.key
        self.table = self.rank_result.table
        self.totals = self.rank_result.totals
        tm = dict(sel.timings)
        ranked = self.ranked()
        chosen = [str(i) for i in ranked.loc[ranked["selected"].astype(bool), "id"]]
        L = self.lang
        t1 = time.perf_counter()
        self._show_table(ranked)
        self._show_totals()
        if sel.frontier is not None:
            self._show_frontier(sel.frontier, provisional=False)
        else:  # a quick curve to show at once: the greedy portfolio's value by budget
            from ..selection import greedy_frontier

            self._show_frontier(greedy_frontier(struct, cands, self.rank_result.selection.values,
                                                self.totals["budget_eur"], st.force_in, st.force_out),
                                provisional=True)
        tm["views_ms"] = (time.perf_counter() - t1) * 1e3
        tm["first_ms"] = (time.perf_counter() - t0) * 1e3
        self._jobs.timings = tm

        if sel.frontier is None:
            self._background(gen, "frontier_exact_ms", sel.exact_frontier,
                             lambda fr: self._show_frontier(fr, provisional=False))
        self._soon(gen, self._after_views)
        # the first page waits for nothing: no slider is moving yet
        first, self._shown = not self._shown, True
        self._background(gen, "fan_ms", lambda: self._jobs.simulate(struct, cands, ckey, call, chosen, self.draws, L),
                         self._show_fan, delay_s=0.0 if first else self.views_first_s)
        self._background(gen, "robustness_ms", lambda: self._jobs.robustness(
            struct, cands, ckey, call, sel.budget_eur, st.force_in, st.force_out, chosen, self.robustness_samples,
            self.engine, L), self._show_robustness, delay_s=0.0 if first else self.robustness_delay_s,
            worker="robustness")

    def _after_views(self) -> None:
        """The project picker (one option per candidate) and the open project's explanation:
        sent after the table, totals and frontier of a change."""
        self._update_detail_options()
        if self.controls["detail_select"].value:
            self._show_detail()

    def _soon(self, gen: int, fn: Callable[[], None]) -> None:
        self._jobs.soon(gen, fn)

    #: Wait [s] before the fan chart's simulation starts: the table, totals and frontier of a
    #: change reach the page first (on 2 cores the simulation would slow their sending and
    #: the browser's drawing by 40-60 ms).
    views_first_s = 0.2

    #: Rest [s] the settings must keep before the robustness (SMAA) is recomputed.
    robustness_delay_s = 1.0

    def _background(self, gen: int, name: str, compute: Callable[[], Any], show: Callable[[Any], None],
                    delay_s: float = 0.0, worker: str = "views") -> None:
        """``compute()`` in a worker thread, then ``show(result)``: :meth:`Controller.background`."""
        self._jobs.background(gen, name, compute, show, delay_s=delay_s, worker=worker)

    # ---- views -------------------------------------------------------------------------------------
    def _view_candidates(self) -> pd.DataFrame:
        """The candidates of the call under review (all when the list has no ``call`` column)."""
        return self._jobs.call_candidates(self._cands, self._cands_key, self.controls["call"].value)

    def _show_warnings(self) -> None:
        """Every warning of the scenario (reconciliation gaps, …) and the synthetic-data notice."""
        L = self.lang
        items = [esc(translate_warning(w, L)) for w in self._struct.warnings if code_of(w) != "W_SYNTHETIC"]
        if self._cands.attrs.get("synthetic") and not self._upload_name:
            from ..reporting.labels import label as report_label

            text = esc(report_label("synthetic_warning", L))
            items.insert(0, re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text))
        src = self._upload_name or (render("D_SYNTHETIC", L) if self._cands.attrs.get("synthetic")
                                    else Path(str(self._cands.attrs.get("source", ""))).name)
        self.outputs["header"].value = header_html(self._base, src, L)
        self.outputs["warnings"].value = warnings_html(items, L)

    def ranked(self) -> pd.DataFrame:
        """The candidates in the order shown: selected first, then by value per euro."""
        return ranked_order(self.table)

    @property
    def selected_ids(self) -> list[str]:
        """Ids of the selected candidates, sorted."""
        if self.table is None:
            return []
        return sorted(self.table.loc[self.table["selected"].astype(bool), "id"].astype(str))

    #: Rows of the ranked table (the others on request: "show_all"): Chromium takes 80-190 ms
    #: to lay out a table of 200 rows, 30 ms for 40 rows, on each slider move.
    table_rows = 50

    def _show_table(self, ranked: pd.DataFrame | None = None) -> None:
        """The ranked candidates as one HTML table: the selected ones, then those left out by
        value per euro, each with
        the reason.  The first :attr:`table_rows` rows, or all with "show all".  The cells that do
        not depend on the settings are built once per list."""
        L = self.lang
        t = self.ranked() if ranked is None else ranked
        sel = t["selected"].to_numpy(bool)
        total, n_sel = len(t), int(sel.sum())
        if not self.controls["show_all"].value:
            t = t.iloc[: self.table_rows]
        static = self._caches["cands"].get(("table-cells", self._cands_key, L), dict)
        self.outputs["table"].value = ranked_table_html(t, total, n_sel, static, self._settings.force_in,
                                                        self._settings.force_out, L, self._jobs.generation,
                                                        self.defer_mode)

    def _show_totals(self) -> None:
        conflicts = self.rank_result.conflicts if self.rank_result is not None else ()
        self.outputs["totals"].value = totals_html(self.totals, self.table, self._shortfall, conflicts, self.lang)

    # ---- frontier ------------------------------------------------------------------------------
    frontier_levels = 15
    #: How the selection MILP is solved (:func:`workbench.selection.solve_model`): HiGHS kept
    #: per model, with the search settings that suit a call's selection.
    engine = "highspy"

    def _show_frontier(self, fr: pd.DataFrame, provisional: bool) -> None:
        """The frontier chart with the current portfolio (:func:`frontier_svg`)."""
        cur = (float(self.totals["budget_eur"]), float(self.totals["value"]))
        self.frontier_data = fr
        img = self.outputs["frontier_img"]
        img.value = frontier_svg(fr, cur, lang=self.lang, provisional=provisional)
        if provisional != self.frontier_provisional:  # a hook for the page: the greedy curve only
            (img.add_class if provisional else img.remove_class)("wb-provisional")
        self.frontier_provisional = provisional

    # ---- envelope simulation -----------------------------------------------------------------------
    def _show_fan(self, out: dict) -> None:
        """The fan chart and the probability of running short, or why there is none."""
        if "message" in out:
            self.sim_result, self._shortfall = None, None
            self.outputs["fan_img"].layout.display = "none"
            self.outputs["fan_msg"].value = f"<div class='wb-warn'>{esc(out['message'])}</div>"
        else:
            self.sim_result = out["result"]
            self._shortfall = shortfall_probabilities(out["result"])
            self.outputs["fan_img"].value = out["png"]
            self.outputs["fan_img"].layout.display = None
            self.outputs["fan_msg"].value = ""
        self._show_totals()

    # ---- robustness --------------------------------------------------------------------------------
    robustness_samples = 40

    def _show_robustness(self, out: dict) -> None:
        self.robust_result = out["frequency"]
        self.outputs["robust_img"].value = out["png"]
        self.outputs["robust_img"].layout.display = None
        self.outputs["robust_msg"].value = ""

    # ---- project detail ------------------------------------------------------------------------------
    def _update_detail_options(self) -> None:
        sel = self.controls["detail_select"]
        r = self.ranked()
        L = self.lang
        opts = [(f"{'✔' if s else '·'} {i} — {str(t)[:40]}", str(i)) for i, t, s in zip(r["id"], r["title"], r["selected"])]
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
        """Why a project is in or out of the current portfolio and what would change that
        (:func:`workbench.selection.explain`, cached per ranking)."""
        return self._jobs.explain(self._rank_key, self.rank_result, project_id)

    def _show_detail(self) -> None:
        if self._mute:
            return
        L = self.lang
        pid = self.controls["detail_select"].value
        if not pid or self.rank_result is None:
            self.outputs["detail"].value = f"<i>{esc(render('D_DETAIL_PICK', L))}</i>"
            return
        row = self.table[self.table["id"].astype(str) == pid].iloc[0]
        try:
            ex = self.explain(pid)
        except InputError as exc:
            ex = {"text": exc.message()}
        self.outputs["detail"].value = detail_html(pid, row, ex, self._settings.force_in, self._settings.force_out, L)

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
        """Save the current settings as ``<variants_dir>/<name>.yaml`` extending the scenario.

        With ``overwrite=False`` an existing file of that name is kept and :class:`FileExistsError`
        raised (the page asks before replacing a variant, :meth:`_on_save_variant`).
        """
        # the variant's candidates: a copy of the uploaded file, beside it; without ``overwrite``
        # the file is created exclusively, so two pages saving one name cannot both succeed
        path = save_variant(self._base, self.settings(), name, self.variants_dir, overwrite=overwrite,
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
            self.controls["variant_msg"].value = (
                f"<div class='wb-err wb-variant-exists'>"
                f"{esc(render('D_VARIANT_EXISTS', L, name=name, path=self.variant_path(name).name))}</div>")
            self._show_replace(True)
            return
        except (InputError, OSError) as exc:
            text = exc.message() if isinstance(exc, InputError) else short_error(exc)
            self.controls["variant_msg"].value = f"<div class='wb-err'>{esc(text)}</div>"
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

    def compare(self, path_a: str | Path, path_b: str | Path) -> pd.DataFrame:
        """Two scenario files (variants) side by side: totals and the selected projects.

        Each file is ranked with its own settings and candidates (its weights, budget and forced
        projects come from the file).  Returns a table indexed by the measure.
        """
        scns = tuple(load_scenario(p, allowed_dirs=self._scenario_dirs()) for p in (path_a, path_b))
        return self._jobs.compare(scns, (Path(path_a).stem, Path(path_b).stem), self.controls["call"].value,
                                  self.engine)

    def _on_compare(self, _button=None) -> None:
        L = self.lang
        try:
            df = self.compare(self.controls["compare_a"].value, self.controls["compare_b"].value)
        except InputError as exc:
            self.outputs["compare_out"].value = f"<div class='wb-err'>{esc(exc.message())}</div>"
            return
        self.outputs["compare_out"].value = compare_html(df, L)

    # ---- export ----------------------------------------------------------------------------------------
    def export(self, fmt: str) -> tuple[str, bytes]:
        """The current portfolio as ``(file name, bytes)`` in ``fmt`` (``"csv"`` or ``"xlsx"``)."""
        t = self.ranked().copy()
        source = self._cands.attrs.get("source", "")
        if not self._upload_name and not self._cands.attrs.get("synthetic") and source:
            source = shared_name(str(source))  # a file: its name, never a user's folders
        prov = {"workbench_version": __version__, "scenario": shared_name(self._base.path),
                "scenario_hash": self._struct.hash(), "base_scenario_hash": self._base.hash(),
                "seed": self._base.seed, "candidates": self._upload_name or str(source),
                "synthetic": bool(self._cands.attrs.get("synthetic", False)),
                "call": self.controls["call"].value or "all",
                "settings": json.dumps(self._settings.overrides(), ensure_ascii=False, default=str),
                "created_utc": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        name = f"portefeuille_{variant_slug(self._base.name)}.{fmt}"
        if fmt == "xlsx":  # characters an XLSX file cannot hold (NUL, other control characters) dropped
            from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

            for col in t.columns:
                if t[col].dtype == object or pd.api.types.is_string_dtype(t[col]):
                    t[col] = [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in t[col]]
        return name, export_portfolio(t, fmt, prov)

    def _on_export(self, fmt: str) -> None:
        L = self.lang
        from openpyxl.utils.exceptions import IllegalCharacterError

        try:
            name, data = self.export(fmt)
        except (IllegalCharacterError, ValueError, OSError) as exc:
            self.controls["download"].value = (f"<div class='wb-err'>"
                                               f"{esc(render('D_EXPORT_FAILED', L, reason=short_error(exc)))}</div>")
            return
        mime = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        b64 = base64.b64encode(data).decode("ascii")
        self.controls["download"].value = (f"<a class='wb-download' download='{esc(name)}' "
                                           f"href='data:{mime};base64,{b64}'>⬇ {esc(render('D_DOWNLOAD', L, name=name))}</a>")
