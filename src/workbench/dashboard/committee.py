"""The dashboard's committee panel: each member's weights, the room's, its robustness, the minutes.

A widget panel over :mod:`workbench.committee` (computing and storing), embedded by
:class:`workbench.dashboard.Dashboard` below its main column (one hook in ``app.py``):

1. **Session** — open a session (title, secretary) or pick one of the store's;
2. **A member's weights** — the member's name and method: swing points (0 to 100, the most
   valued swing at 100) or pairwise comparisons on Saaty's scale (one choice per pair of
   criteria); the weights and, for AHP, the consistency ratio (flagged above 0.10) are shown as
   the member answers; "record" stores them with the raw answers;
3. **The room** — every member's weights in force, the aggregation rule (stated), the room's
   weights and the spread; "apply" sets the page's weight sliders to the room's weights, so the
   portfolio on the page is the room's;
4. **Robustness under the members' weights** — the selection frequency over draws in the
   members' convex hull beside each member's own portfolio, and the sensitivity chart (the range
   of each weight over which the portfolio holds, with the members' weights), drawn as SVG with
   its figures as a table;
5. **Decision** — the committee's justification and a reason for each project forced in or out;
   "record" stores the page's portfolio for the call under review with its coded reasons;
6. **Minutes** — exported (PDF, CSV, DOCX, HTML) into ``<store folder>/minutes/session-<n>/``
   and offered for download.

The store is ``$WORKBENCH_COMMITTEE_DB`` when set, else ``committee.sqlite`` in the dashboard's
variants folder (the committee's working files; not among the follow-up's books, which are
listed from a ``books/`` folder).  Computations run in the kernel's thread when a button asks
for them (a few seconds for the robustness of a call of a few dozen candidates).

The panel reads the page through :func:`page_context` only (the scenario in force, the call's
candidates, the budget, the forced projects, the ranked table): if the page's internals change,
that one function follows.
"""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pandas as pd

from ..committee import elicitation as el
from ..committee import store as S
from ..errors import InputError, Problem
from ..messages import msg, render
from ..errors import problems_message
from ..messages import label
from ..units import number, pct
from .texts import colon, esc, short_error

#: The environment variable naming the committee store the dashboard writes.
ENV_COMMITTEE_DB = S.ENV_DB
#: Draws of the room's robustness on the page.
PANEL_SAMPLES = 300
#: Saaty's scale as the pair choices offer it, from "a extremely more important" to "b extremely".
_CHOICES = [str(k) for k in range(9, 1, -1)] + ["1"] + [f"1/{k}" for k in range(2, 10)]


@dataclass
class PageContext:
    """What the committee panel needs of the page: the scenario in force (the committee's rule
    settings applied), the candidates of the call under review, the call (``""``: all), the
    budget [EUR], the forced projects, the ranked table and the weights it was ranked with
    [fraction], the solver engine, and the provenance of the page's portfolio."""

    scenario: Any
    candidates: pd.DataFrame
    call: str
    budget_eur: float | None
    forced_in: tuple[str, ...]
    forced_out: tuple[str, ...]
    table: pd.DataFrame | None
    weights: dict | None
    engine: str = "scipy"
    provenance: dict = field(default_factory=dict)

    def key(self) -> tuple:
        """What the room's robustness depends on (not the weights: the members' draws replace them)."""
        ids = tuple(self.candidates["id"].astype(str)) if self.candidates is not None else ()
        return (self.scenario.hash() if self.scenario is not None else "", self.call, self.budget_eur,
                tuple(self.forced_in), tuple(self.forced_out), ids)


def page_context(dash) -> PageContext:
    """The :class:`PageContext` of a :class:`workbench.dashboard.Dashboard` (the one place the
    panel reads the page)."""
    scn = getattr(dash, "_struct", None) or getattr(dash, "_base", None)
    st = dash.settings()
    cands = dash.view_candidates()
    totals = dict(getattr(dash, "totals", None) or {})
    prov = {"scenario": str(getattr(scn, "path", "")), "scenario_hash": scn.hash() if scn is not None else "",
            "base_scenario_hash": dash._base.hash() if getattr(dash, "_base", None) is not None else "",
            "seed": getattr(scn, "seed", None),
            "candidates": getattr(dash, "_upload_name", None) or str(cands.attrs.get("source", "")),
            "synthetic": bool(cands.attrs.get("synthetic", False)),
            "settings": st.overrides()}
    return PageContext(scn, cands, dash.controls["call"].value or "", totals.get("budget_eur"),
                       tuple(st.force_in), tuple(st.force_out), dash.table, totals.get("weights"),
                       getattr(dash, "engine", "scipy"), prov)


def default_db(variants_dir: Path) -> Path:
    """The committee store of a dashboard: ``$WORKBENCH_COMMITTEE_DB``, else
    ``<variants_dir>/committee.sqlite`` (:func:`workbench.committee.store.default_path`)."""
    return S.default_path(variants_dir)


def _pair_options(a: str, b: str, lang: str) -> list[tuple[str, str]]:
    """The 17 choices of a pair ``(label, judgment "a over b")``, from "a extremely more
    important (9)" to "b extremely more important (9)"."""
    out = []
    for v in _CHOICES:
        if v == "1":
            out.append((render("D_CM_EQUAL", lang), v))
        elif v.startswith("1/"):
            k = v[2:]
            out.append((render("D_CM_MORE", lang, criterion=label(b, lang), words=render(f"D_CM_SAATY_{k}", lang),
                               value=k), v))
        else:
            out.append((render("D_CM_MORE", lang, criterion=label(a, lang), words=render(f"D_CM_SAATY_{v}", lang),
                               value=v), v))
    return out


def _weights_line(w: dict, lang: str) -> str:
    return ", ".join(f"{label(c, lang)} {pct(float(w[c]), lang)}" for c in w)


class CommitteePanel:
    """The committee's widgets and actions.

    Parameters
    ----------
    context : callable
        Returns the page's :class:`PageContext` when an action needs it.
    db : path
        The committee store.
    apply_weights : callable, optional
        Sets the page's weights (``{criterion: weight}``); ``None``: the "apply" button is hidden.
    on_forced : callable, optional
        ``on_forced(callback)`` registers a callback run when the page's forced projects change.
    """

    def __init__(self, context: Callable[[], PageContext], db: str | os.PathLike, lang: str = "fr",
                 apply_weights: Callable[[dict], None] | None = None,
                 on_forced: Callable[[Callable[[], None]], None] | None = None):
        self.context = context
        self.db = Path(db)
        self.lang = lang
        self.apply_weights = apply_weights
        self.on_forced = on_forced
        self.session_id: int | None = None
        self.session: S.Session | None = None
        self.room: el.RoomWeights | None = None
        self.robust: Any = None               # the last RoomRobustness
        self.robust_key: tuple | None = None  # the page and members it was computed for
        self.sensitivity: pd.DataFrame | None = None
        self.minutes: Any = None              # the last minutes written (committee.minutes.Written)
        self._root = None
        self.w: dict[str, Any] = {}
        self._reasons: dict[tuple[str, str], Any] = {}
        self._attached = False                # the page's forced projects are followed

    @classmethod
    def for_dashboard(cls, dash) -> CommitteePanel:
        """The panel of a :class:`workbench.dashboard.Dashboard`: its page, its language, the
        store in its variants folder, its weight sliders."""
        def apply(weights: dict) -> None:
            for c, v in weights.items():
                dash.controls[f"weight_{c}"].value = round(float(v), 4)

        def on_forced(callback: Callable[[], None]) -> None:
            controls = [dash.controls[k] for k in ("force_in", "force_out")]   # KeyError before the layout
            for c in controls:
                c.observe(lambda _ch: callback(), "value")

        return cls(lambda: page_context(dash), default_db(dash.variants_dir), dash.lang, apply, on_forced)

    # ---- widgets ------------------------------------------------------------------------------
    def widget(self):
        """The panel's root widget (built on the first call)."""
        if self._root is not None:
            return self._root
        import ipywidgets as W

        w = self.w
        full = W.Layout(width="100%")

        def html(name: str):
            return W.HTML(layout=full, _dom_classes=(f"wb-cm-{name}",))

        def hook(widget, name: str):
            widget.add_class(f"wb-cm-{name}")
            return widget

        for k in ("title_h", "intro", "session_h", "member_h", "room_h", "robust_h", "decision_h", "minutes_h",
                  "swing_hint", "ahp_hint", "preview", "msg", "room", "robust_out", "sensitivity", "decide_msg",
                  "links"):
            w[k] = html(k.replace("_", "-"))
        w["session"] = hook(W.Dropdown(options=[], layout=W.Layout(width="60%")), "session")
        w["new_title"] = hook(W.Text(layout=W.Layout(width="45%")), "new-title")
        w["recorder"] = hook(W.Text(layout=W.Layout(width="30%")), "recorder")
        w["create"] = hook(W.Button(icon="plus", layout=W.Layout(width="22%")), "create")
        w["member"] = hook(W.Text(layout=W.Layout(width="45%")), "member")
        w["method"] = hook(W.ToggleButtons(options=[("swing", "swing"), ("AHP", "ahp")], value="swing",
                                           style={"button_width": "230px"}), "method")
        for c in el.CRITERIA:
            w[f"swing_{c}"] = hook(W.BoundedIntText(value=100, min=0, max=100, layout=W.Layout(width="48%"),
                                                    style={"description_width": "170px"}), f"swing-{c}")
        for a, b in el.pairs():
            w[f"ahp_{a}_{b}"] = hook(W.Dropdown(options=_pair_options(a, b, self.lang), value="1",
                                                layout=W.Layout(width="98%"), style={"description_width": "360px"}),
                                     f"ahp-{a}-{b}")
        w["record"] = hook(W.Button(icon="save", button_style="primary", layout=W.Layout(width="40%")), "record")
        w["rule"] = hook(W.Dropdown(options=[], layout=W.Layout(width="70%"), style={"description_width": "150px"}),
                         "rule")
        w["apply"] = hook(W.Button(icon="sliders", layout=W.Layout(width="55%")), "apply")
        w["robust"] = hook(W.Button(icon="random", layout=W.Layout(width="45%")), "robust")
        w["justification"] = hook(W.Textarea(layout=W.Layout(width="98%", height="90px"),
                                             style={"description_width": "190px"}), "justification")
        w["reasons"] = hook(W.VBox(layout=full), "reasons")
        w["decide"] = hook(W.Button(icon="gavel", button_style="primary", layout=W.Layout(width="45%")), "decide")
        w["minutes_lang"] = hook(W.Dropdown(options=[("FR", "fr"), ("EN", "en")], value=self.lang,
                                            layout=W.Layout(width="30%"), style={"description_width": "130px"}),
                                 "minutes-lang")
        w["minutes"] = hook(W.Button(icon="file-pdf-o", layout=W.Layout(width="45%")), "minutes")
        if self.apply_weights is None:
            w["apply"].layout.display = "none"
        # the two boxes' layouts are their own: their display changes (a shared layout would hide its sharers)
        w["swing_box"] = W.VBox([w["swing_hint"], *[w[f"swing_{c}"] for c in el.CRITERIA]],
                                layout=W.Layout(width="100%"))
        w["ahp_box"] = W.VBox([w["ahp_hint"], *[w[f"ahp_{a}_{b}"] for a, b in el.pairs()]],
                              layout=W.Layout(width="100%", display="none"))

        # events
        w["create"].on_click(lambda _b: self._on_create())
        w["session"].observe(lambda ch: self.select_session(ch["new"]) if ch["new"] else None, "value")
        w["method"].observe(lambda ch: self._show_method(), "value")
        for c in el.CRITERIA:
            w[f"swing_{c}"].observe(lambda ch: self._preview(), "value")
        for a, b in el.pairs():
            w[f"ahp_{a}_{b}"].observe(lambda ch: self._preview(), "value")
        w["record"].on_click(lambda _b: self._on_record())
        w["rule"].observe(lambda ch: self._on_rule(ch["new"]), "value")
        w["apply"].on_click(lambda _b: self.apply_room())
        w["robust"].on_click(lambda _b: self.compute_robustness())
        w["decide"].on_click(lambda _b: self._on_decide())
        w["minutes"].on_click(lambda _b: self.export_minutes(w["minutes_lang"].value))
        self._root = W.VBox([
            w["title_h"], w["intro"],
            w["session_h"], W.HBox([w["session"]]), W.HBox([w["new_title"], w["recorder"], w["create"]]),
            w["member_h"], W.HBox([w["member"], w["method"]]), w["swing_box"], w["ahp_box"], w["preview"],
            w["record"], w["msg"],
            w["room_h"], w["rule"], w["room"], w["apply"],
            w["robust_h"], w["robust"], w["robust_out"], w["sensitivity"],
            w["decision_h"], w["justification"], w["reasons"], w["decide"], w["decide_msg"],
            w["minutes_h"], W.HBox([w["minutes_lang"], w["minutes"]]), w["links"],
        ], layout=W.Layout(width="100%", border_top="2px solid #888", padding="8px 0 0 0", margin="12px 0 0 0"),
            _dom_classes=("wb-committee",))
        self.relabel(self.lang)
        self._refresh_sessions()
        self._preview()
        return self._root

    def relabel(self, lang: str) -> None:
        """Every word of the panel in ``lang``."""
        self.lang = lang
        w = self.w
        if not w:
            return
        if self.on_forced is not None and not self._attached:
            try:   # the page's controls exist once its layout is built (the first relabel after it)
                self.on_forced(self._refresh_reasons)
                self._attached = True
            except LookupError:
                pass
        r = lambda code, **kw: render(code, lang, **kw)  # noqa: E731
        w["title_h"].value = f"<h3>{esc(r('D_CM_TITLE'))}</h3>"
        w["intro"].value = f"<p>{esc(r('D_CM_INTRO', db=self.db.name))}</p>"   # no server path on the page
        for k, code in (("session_h", "D_CM_SESSION"), ("member_h", "D_CM_MEMBER_H"), ("room_h", "D_CM_ROOM"),
                        ("robust_h", "D_CM_ROBUST"), ("decision_h", "D_CM_DECISION"), ("minutes_h", "D_CM_MINUTES_H")):
            w[k].value = f"<b>{esc(r(code))}</b>"
        w["session"].description = r("D_CM_SESSION")
        w["new_title"].description, w["recorder"].description = r("D_CM_NEW_TITLE"), r("D_CM_RECORDER")
        w["create"].description = r("D_CM_CREATE")
        w["member"].description = r("D_CM_MEMBER")
        method = w["method"].value
        w["method"].options = [(r("D_CM_SWING"), "swing"), (r("D_CM_AHP"), "ahp")]
        w["method"].value = method
        w["swing_hint"].value = f"<i>{esc(r('D_CM_SWING_HINT'))}</i>"
        w["ahp_hint"].value = f"<i>{esc(r('D_CM_AHP_HINT'))}</i>"
        for c in el.CRITERIA:
            w[f"swing_{c}"].description = label(c, lang)
        for a, b in el.pairs():
            d = w[f"ahp_{a}_{b}"]
            cur = d.value
            d.options = _pair_options(a, b, lang)
            d.value = cur
            d.description = f"{label(a, lang)} ↔ {label(b, lang)}"
        w["record"].description = r("D_CM_RECORD")
        rule = w["rule"].value or (self.session.rule if self.session else "auto")
        w["rule"].options = [(r(f"D_CM_RULE_{k.upper()}"), k) for k in el.RULES]
        w["rule"].value = rule
        w["rule"].description = r("D_CM_RULE")
        w["apply"].description = r("D_CM_APPLY")
        w["robust"].description = r("D_CM_ROBUST_RUN")
        w["justification"].description = r("D_CM_JUSTIFICATION")
        w["justification"].placeholder = r("D_CM_JUSTIFICATION")
        w["decide"].description = r("D_CM_DECIDE")
        w["minutes_lang"].description = r("D_CM_MINUTES_LANG")
        w["minutes"].description = r("D_CM_MINUTES")
        self._refresh_reasons()
        self._preview()
        self._show_room()

    # ---- session -----------------------------------------------------------------------------
    def _refresh_sessions(self) -> None:
        opts: list[tuple[str, Any]] = [(render("D_CM_NO_SESSION", self.lang), None)]
        if self.db.is_file():
            try:
                t = S.sessions(self.db)
                opts += [(f"n° {r.session_id} — {r.title} ({r.created_at[:10]})", int(r.session_id))
                         for r in t.itertuples(index=False)]
            except InputError as exc:
                self._say("msg", problems_message(exc.problems, self.lang), ok=False)
        d = self.w["session"]
        d.options = opts
        d.value = self.session_id if self.session_id in {v for _, v in opts} else None

    def open_session(self, title: str, recorder: str = "") -> int:
        """Open a new session on the page's scenario; returns its number."""
        ctx = self.context()
        sid = S.create_session(self.db, title, str(getattr(ctx.scenario, "path", "")),
                               ctx.scenario.hash() if ctx.scenario is not None else "", recorder,
                               (self.w["rule"].value or "auto") if self.w else "auto")
        self.session_id = sid
        if self.w:
            self._refresh_sessions()
        self.select_session(sid)
        return sid

    def _on_create(self) -> None:
        try:
            sid = self.open_session(self.w["new_title"].value, self.w["recorder"].value)
        except InputError as exc:
            self._say("msg", problems_message(exc.problems, self.lang), ok=False)
            return
        assert self.session is not None, "open_session loaded the session it created (select_session, reload)"
        self._say("msg", render("D_CM_CREATED", self.lang, id=sid, title=self.session.title))

    def select_session(self, session_id: int) -> None:
        """Make ``session_id`` the session the panel records into, and show its members."""
        self.session_id = int(session_id)
        self.reload()
        if self.w and self.w["session"].value != self.session_id:
            self._refresh_sessions()

    def reload(self) -> None:
        """Read the session again from the store; recompute the room's weights."""
        self.session = S.load_session(self.db, self.session_id) if self.session_id is not None else None
        self.room = None
        if self.session is not None and self.session.members:
            try:
                self.room = el.aggregate(list(self.session.members.values()), self.session.rule)
            except InputError as exc:
                self._say("msg", problems_message(exc.problems, self.lang), ok=False)
        if self.w and self.session is not None and self.w["rule"].value != self.session.rule:
            self.w["rule"].value = self.session.rule
        self._show_room()

    def _need_session(self) -> bool:
        if self.session_id is None:
            self._say("msg", render("D_CM_PICK_SESSION", self.lang), ok=False)
            return False
        return True

    # ---- a member's weights -------------------------------------------------------------------
    def answers(self) -> tuple[str, dict]:
        """The method and raw answers the widgets hold: ``("swing", {"points": …})`` or
        ``("ahp", {"judgments": …})``."""
        w = self.w
        if w["method"].value == "swing":
            return "swing", {"points": {c: int(w[f"swing_{c}"].value) for c in el.CRITERIA}}
        return "ahp", {"judgments": {f"{a}{el.PAIR_SEP}{b}": w[f"ahp_{a}_{b}"].value for a, b in el.pairs()}}

    def set_answers(self, method: str, raw: dict) -> None:
        """Fill the widgets with a member's answers (``raw`` as :meth:`answers` gives them)."""
        w = self.w
        w["method"].value = method
        if method == "swing":
            for c, p in raw["points"].items():
                w[f"swing_{c}"].value = int(p)
        else:
            for k, v in el.check_judgments(raw["judgments"]).items():
                w[f"ahp_{k[0]}_{k[1]}"].value = el.judgment_text(v)

    def _show_method(self) -> None:
        swing = self.w["method"].value == "swing"
        self.w["swing_box"].layout.display = None if swing else "none"
        self.w["ahp_box"].layout.display = "none" if swing else None
        self._preview()

    def _elicited(self) -> el.Elicited:
        method, raw = self.answers()
        return el.from_raw(method, raw)

    def _preview(self) -> None:
        if not self.w:
            return
        lang = self.lang
        try:
            e = self._elicited()
        except InputError as exc:
            self.w["preview"].value = f"<div class='wb-err'>{esc(problems_message(exc.problems, lang))}</div>"
            return
        text = esc(_weights_line(e.weights, lang))
        if e.consistency_ratio is not None:
            cr = render("D_CM_CR", lang, cr=number(e.consistency_ratio, lang, 3))
            flag = render("D_CM_CR_HIGH" if e.inconsistent else "D_CM_CR_OK", lang)
            cls = "wb-warn wb-cm-cr-high" if e.inconsistent else "wb-ok"
            text += f"<div class='{cls}'>{esc(cr)}{colon(lang)}{esc(flag)}</div>"
        self.w["preview"].value = f"<div class='wb-cm-weights'>{text}</div>"

    def record_member(self, member: str, elicited: el.Elicited | None = None) -> int:
        """Store ``member``'s weights (the widgets' answers by default) in the session."""
        e = elicited if elicited is not None else self._elicited()
        eid = S.record_weights(self.db, self.session_id, member, e)
        self.reload()
        return eid

    def _on_record(self) -> None:
        if not self._need_session():
            return
        name = self.w["member"].value
        try:
            e = self._elicited()
            self.record_member(name, e)
        except InputError as exc:
            self._say("msg", problems_message(exc.problems, self.lang), ok=False)
            return
        self._say("msg", render("D_CM_RECORDED", self.lang, member=name.strip(),
                                method=label(f"cm_method_{e.method}", self.lang)))

    # ---- the room -------------------------------------------------------------------------------
    def _on_rule(self, rule: str) -> None:
        if rule is None or self.session is None or rule == self.session.rule:
            return
        try:
            S.set_rule(self.db, self.session_id, rule)
        except InputError as exc:
            self._say("msg", problems_message(exc.problems, self.lang), ok=False)
            return
        self.reload()

    def _show_room(self) -> None:
        if not self.w:
            return
        lang = self.lang
        s = self.session
        if s is None or not s.members:
            self.w["room"].value = ""
            return
        crit = list(el.CRITERIA)
        head = "".join(f"<th>{esc(h)}</th>" for h in [label("cm_col_member", lang), label("cm_col_method", lang),
                                                    *[label(c, lang) for c in crit],
                                                    label("cm_col_consistency_ratio", lang)])
        rows = []
        for name, e in s.members.items():
            cr = "–" if e.consistency_ratio is None else number(e.consistency_ratio, lang, 3)
            badge = (f" <span class='wb-badge wb-b-fout'>CR &gt; {esc(number(el.CR_THRESHOLD, lang, 2))}</span>"
                     if e.inconsistent else "")
            rows.append(f"<tr><td>{esc(name)}</td><td>{esc(label(f'cm_method_{e.method}', lang))}</td>"
                        + "".join(f"<td class='num'>{esc(pct(e.weights[c], lang))}</td>" for c in crit)
                        + f"<td class='num'>{esc(cr)}{badge}</td></tr>")
        if self.room is not None:
            rows.append(f"<tr class='wb-sel wb-cm-room-row'><td><b>{esc(label('cm_room_title', lang))}</b></td>"
                        f"<td>{esc(label(f'cm_rule_name_{self.room.rule}', lang))}</td>"
                        + "".join(f"<td class='num'><b>{esc(pct(self.room.weights[c], lang))}</b></td>" for c in crit)
                        + f"<td class='num'>{esc('–' if self.room.consistency_ratio is None else number(self.room.consistency_ratio, lang, 3))}</td></tr>")
        sp = el.spread(s.members)
        for key in ("min", "max", "std"):
            rows.append(f"<tr class='wb-cm-spread'><td><i>{esc(label(f'cm_col_{key}', lang))}</i></td><td></td>"
                        + "".join(f"<td class='num'><i>{esc(pct(v, lang))}</i></td>" for v in sp[key])
                        + "<td></td></tr>")
        rule = f"<p class='wb-cm-rule-text'>{esc(label(f'cm_rule_{self.room.rule}', lang))}</p>" if self.room else ""
        self.w["room"].value = (f"<table class='wb-table wb-cm-members'><thead><tr>{head}</tr></thead>"
                                f"<tbody>{''.join(rows)}</tbody></table>{rule}")

    def apply_room(self) -> None:
        """Set the page's weights to the room's (the page then recomputes the portfolio)."""
        if self.room is None or self.apply_weights is None:
            return
        self.apply_weights(self.room.weights)
        self._say("decide_msg", render("D_CM_APPLIED", self.lang))

    # ---- robustness and sensitivity ----------------------------------------------------------------
    def compute_robustness(self, samples: int = PANEL_SAMPLES) -> None:
        """The room's robustness (:func:`workbench.committee.room.room_robustness`) and the
        sensitivity per criterion around the room's weights, for the page's call."""
        session = self.session   # never None when the room is set: reload computes the room from it
        if not self._need_session() or self.room is None or session is None:
            self._say("msg", render("E_COMMITTEE_NO_MEMBER", self.lang), ok=False)
            return
        from ..committee.room import room_robustness, room_sensitivity  # noqa: PLC0415 - the solver, on use

        lang = self.lang
        btn = self.w["robust"] if self.w else None
        if btn is not None:
            btn.disabled = True
            self.w["robust_out"].value = f"<i class='wb-busy' role='status'>{esc(render('D_COMPUTING', lang))}</i>"
        try:
            ctx = self.context()
            members = session.members
            rr = room_robustness(ctx.scenario, ctx.candidates, members, self.room.weights, samples=samples,
                                 budget_eur=ctx.budget_eur, forced_in=ctx.forced_in, forced_out=ctx.forced_out,
                                 engine=ctx.engine)
            sens = room_sensitivity(ctx.scenario, ctx.candidates, self.room.weights, ctx.budget_eur,
                                    ctx.forced_in, ctx.forced_out, members=members)
        except InputError as exc:
            self._say("robust_out", problems_message(exc.problems, lang), ok=False)
            return
        except Exception as exc:  # noqa: BLE001 - keep the page alive: a message, never a traceback
            self._say("robust_out", short_error(exc, 200), ok=False)
            return
        finally:
            if btn is not None:
                btn.disabled = False
        self.robust, self.sensitivity = rr, sens
        self.robust_key = (ctx.key(), tuple(session.elicitations["elicitation_id"]))
        if self.w:
            self._show_robustness(session)

    def _show_robustness(self, session: S.Session) -> None:
        """The room's robustness table and the sensitivity chart with ``session``'s members' weights."""
        from ..reporting.chart_specs import range_rows_text, stability_spec  # noqa: PLC0415
        from ..reporting.svg import render_ranges_svg  # noqa: PLC0415

        lang, rr = self.lang, self.robust
        t = rr.table.sort_values(["selection_frequency", "id"], ascending=[False, True])
        names = rr.members
        head = "".join(f"<th>{esc(h)}</th>" for h in [label("id", lang), label("title", lang),
                                                    label("cm_room_title", lang), *names,
                                                    label("cm_col_members_selecting", lang),
                                                    label("selection_frequency", lang), label("cm_col_core", lang)])
        rows = []
        for r in t.itertuples(index=False):
            rec = r._asdict()
            tick = lambda v: "✔" if v else "·"  # noqa: E731
            rows.append(f"<tr class='{'wb-sel' if rec['selected'] else ''}' data-id='{esc(rec['id'])}'>"
                        f"<td>{esc(rec['id'])}</td><td class='txt'>{esc(rec['title'])}</td>"
                        f"<td>{tick(rec['selected'])}</td>"
                        + "".join(f"<td>{tick(v)}</td>" for v in t.loc[t['id'] == rec['id'], names].iloc[0])
                        + f"<td class='num'>{rec['members_selecting']}/{len(names)}</td>"
                        f"<td class='num wb-cm-freq'>{esc(pct(rec['selection_frequency'], lang, 0))}</td>"
                        f"<td>{esc(label('chart_pf_' + rec['core'], lang))}</td></tr>")
        note = render("D_CM_ROBUST_NOTE", lang, samples=rr.samples, members=len(names), seed=rr.seed)
        self.w["robust_out"].value = (f"<p class='wb-cm-robust-note'>{esc(note)}</p>"
                                      f"<table class='wb-table wb-cm-robust-table'><thead><tr>{head}</tr></thead>"
                                      f"<tbody>{''.join(rows)}</tbody></table>")
        members_w = {n: e.weights for n, e in session.members.items()}
        spec = stability_spec(self.sensitivity, lang, members_w)
        svg = render_ranges_svg(spec).decode("utf-8")
        cols = [label("cm_col_criterion", lang), label("cm_col_low", lang), label("cm_col_high", lang),
                label("cm_col_weight", lang), label("cm_col_members_weights", lang)]
        data = "".join("<tr>" + "".join(f"<td>{esc(x)}</td>" for x in row) + "</tr>" for row in range_rows_text(spec))
        self.w["sensitivity"].value = (
            f"<b>{esc(render('D_CM_SENSITIVITY', lang))}</b><figure class='wb-cm-stability' style='margin:4px 0'>{svg}"
            f"<figcaption><table class='wb-table wb-cm-stability-data'><caption>{esc(spec.title)} (%)</caption>"
            f"<thead><tr>{''.join(f'<th scope=col>{esc(c)}</th>' for c in cols)}</tr></thead>"
            f"<tbody>{data}</tbody></table></figcaption></figure>")

    # ---- decision ------------------------------------------------------------------------------
    def _forced(self, ctx: PageContext | None = None) -> list[tuple[str, str]]:
        ctx = ctx or self.context()
        return [(str(i), "in") for i in ctx.forced_in] + [(str(i), "out") for i in ctx.forced_out]

    def _refresh_reasons(self) -> None:
        """One reason box per project forced in or out on the page (their texts kept)."""
        if not self.w:
            return
        import ipywidgets as W

        try:
            forced = self._forced()
        except Exception:  # noqa: BLE001 - the page is not ready yet: no reason boxes
            forced = []
        boxes = []
        for pid, d in forced:
            box = self._reasons.get((pid, d))
            if box is None:
                box = W.Text(layout=W.Layout(width="98%"), style={"description_width": "260px"})
                box.add_class("wb-cm-reason")
                box.add_class(f"wb-cm-reason-{pid}")
                self._reasons[(pid, d)] = box
            box.description = render("D_CM_OVERRIDE_REASON", self.lang, id=pid,
                                     direction=render(f"D_CM_DIRECTION_{d.upper()}", self.lang))
            boxes.append(box)
        self.w["reasons"].children = tuple(boxes)

    def record_decision(self, justification: str, reasons: dict[str, str] | None = None, recorder: str = "") -> int:
        """Store the page's portfolio for the call under review as the committee's decision:
        the justification, a reason for each forced project (``{project id: reason}``; default
        the reason boxes), the weights it was ranked with, the session's rule, the robustness
        under the members' weights when computed for this page and these members."""
        from ..committee.minutes import code_fingerprint  # noqa: PLC0415
        from ..version import __version__  # noqa: PLC0415

        ctx = self.context()
        forced = self._forced(ctx)
        if reasons is None:
            reasons = {pid: (self._reasons[(pid, d)].value if (pid, d) in self._reasons else "") for pid, d in forced}
        overrides = [S.Override(pid, d, reasons.get(pid, "")) for pid, d in forced]
        if ctx.table is None:   # the page's first computation failed: no portfolio on screen
            raise InputError([Problem("<input>", "table", None, msg("E_COMMITTEE_NO_PORTFOLIO"))])
        table = ctx.table.copy()
        rob: dict = {}
        key = (ctx.key(), tuple(self.session.elicitations["elicitation_id"])) if self.session is not None else None
        if self.robust is not None and key == self.robust_key:
            freq = dict(zip(self.robust.table["id"].astype(str), self.robust.table["selection_frequency"]))
            table["selection_frequency"] = [freq.get(str(i)) for i in table["id"]]
            rob = self.robust.record()
        elif "selection_frequency" in table:
            table = table.drop(columns=["selection_frequency"])
        room = self.room
        prov = {**ctx.provenance, "workbench_version": __version__, "code_fingerprint": code_fingerprint(),
                "room_weights": room.weights if room else None,
                "members": list(self.session.members) if self.session else []}
        did = S.record_decision(self.db, self.session_id, ctx.call, table, justification,
                                ctx.weights or {}, room.rule if room else (self.session.rule if self.session else ""),
                                overrides, budget_eur=ctx.budget_eur,
                                scenario_path=str(getattr(ctx.scenario, "path", "")),
                                scenario_hash=ctx.scenario.hash() if ctx.scenario is not None else "",
                                provenance=prov, robustness=rob, recorder=recorder)
        self.reload()
        return did

    def _on_decide(self) -> None:
        if not self._need_session():
            return
        try:
            did = self.record_decision(self.w["justification"].value)
        except InputError as exc:
            self._say("decide_msg", problems_message(exc.problems, self.lang), ok=False)
            return
        call = self.context().call or render("D_CM_ALL_CALLS", self.lang)
        self._say("decide_msg", render("D_CM_DECIDED", self.lang, id=did, call=call))

    # ---- minutes -------------------------------------------------------------------------------
    def minutes_folder(self) -> Path:
        """Where the session's minutes are written: ``<store folder>/minutes/session-<n>``."""
        return self.db.parent / "minutes" / f"session-{self.session_id}"

    def export_minutes(self, lang: str | None = None) -> Any:
        """Write the session's minutes (:func:`workbench.committee.minutes.write_minutes`) and
        offer them for download."""
        if not self._need_session():
            return None
        from ..committee.minutes import write_minutes  # noqa: PLC0415

        lang = lang or self.lang
        if self.w:
            self.w["links"].value = f"<i class='wb-busy' role='status'>{esc(render('D_COMPUTING', self.lang))}</i>"
        try:
            out = write_minutes(self.db, self.session_id, self.minutes_folder(), lang=lang)
        except InputError as exc:
            self._say("links", problems_message(exc.problems, self.lang), ok=False)
            return None
        except OSError as exc:
            self._say("links", short_error(exc, 200), ok=False)
            return None
        self.minutes = out
        self.reload()
        if self.w:
            mime = {".pdf": "application/pdf", ".csv": "text/csv", ".html": "text/html",
                    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
            links = []
            for name in sorted(out.files, key=lambda n: (not n.endswith(".pdf"), not n.endswith(".docx"), n)):
                data = base64.b64encode((out.folder / name).read_bytes()).decode("ascii")
                links.append(f"<a class='wb-download wb-cm-dl' download='{esc(name)}' "
                             f"href='data:{mime[Path(name).suffix]};base64,{data}'>⬇ {esc(name)}</a>")
            notes = "".join(f"<div class='wb-warn'>{esc(n)}</div>" for n in out.notes)
            self.w["links"].value = (f"<div class='wb-ok wb-cm-minutes-done'>"
                                     f"{esc(render('D_CM_MINUTES_DONE', self.lang, folder=self._shown_folder(out.folder)))}</div>"
                                     f"{notes}<div>{' · '.join(links)}</div>")
        return out

    def _shown_folder(self, folder: Path) -> str:
        """The minutes' folder as the page shows it: relative to the store's folder (no server path)."""
        try:
            return str(Path(folder).relative_to(self.db.parent))
        except ValueError:
            return Path(folder).name

    # ---- messages ------------------------------------------------------------------------------
    def _say(self, where: str, text: str, ok: bool = True) -> None:
        if self.w:
            cls, role = ("wb-ok", "status") if ok else ("wb-err", "alert")   # read out by screen readers
            self.w[where].value = f"<div class='{cls}' role='{role}'>{esc(text)}</div>"
