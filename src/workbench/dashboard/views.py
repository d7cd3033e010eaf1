"""Pure functions turning the dashboard's results into what it shows: the ranked table, the totals
of a call view or of the whole fund, a project's explanation, the comparison of two variants, the
charts as images with a text alternative and a data table, the scenario's rules, reasons and
warnings — every word from the message catalog, in the page's language."""
from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pandas as pd

from ..version import __version__
from ..messages import render, render_text
from ..reporting.chart_specs import frontier_spec
from ..reporting.svg import render_svg
from ..scenario import CRITERIA
from ..units import meur, number, pct
from .texts import colon, esc


def figure_png(fig, dpi: int = 72) -> bytes:
    """A matplotlib figure as PNG bytes (Agg canvas, no pyplot state); the figure is closed.

    A figure with a layout engine (``constrained``) is saved as laid out: a second "tight"
    pass would draw it twice, and the dashboard redraws charts on every change.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    tight = None if fig.get_layout_engine() is not None else "tight"
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches=tight)
    try:
        import matplotlib.pyplot as plt

        plt.close(fig)
    except Exception:  # noqa: BLE001 - pragma: no cover - a figure not managed by pyplot
        pass
    return buf.getvalue()


def frontier_svg(fr: pd.DataFrame, current: tuple[float, float], lang: str = "fr",
                 provisional: bool = False, width: int = 520, height: int = 310, whole: bool = False) -> bytes:
    """The dashboard's frontier chart as SVG: optimal value by budget, the greedy curve (value
    per euro), and the current portfolio as a point on a dotted vertical at its budget.

    The reports' chart (:func:`workbench.reporting.charts.frontier_chart`) described by the same
    :func:`workbench.reporting.chart_specs.frontier_spec` (words, colours, ticks), drawn by
    :func:`workbench.reporting.svg.render_svg`; titled "efficient frontier" (of the whole period,
    a benchmark, in the whole view), with a note while the exact curve is being computed.
    ``fr``: ``budget_eur``, ``value``, ``greedy_value`` (:func:`workbench.selection.frontier`);
    ``current``: ``(budget_eur, value)``.
    """
    title = render("D_FRONTIER_WHOLE" if whole else "D_FRONTIER", lang) + (
        f" ({render('D_FRONTIER_COMING', lang)})" if provisional else "")
    return render_svg(frontier_spec(fr, lang, title, current=current), width, height)


def shortfall_probabilities(res: Any) -> dict[str, float]:
    """From a simulation: the probability that payment credits run short (any year) and that
    the envelope is exhausted before the last call, for the whole (``ALL``) or the only fund."""
    summ = res.summary
    row = summ[summ["level"] == "ALL"]
    if row.empty:
        row = summ.iloc[:1]
    r = row.iloc[0]
    from ..pipeline import set_band_metrics   # the band every front end shows (the report's box too)

    return {"shortfall_probability": float(r.get("shortfall_probability", float("nan"))),
            "p_exhausted_before_last_call": float(r.get("p_exhausted_before_last_call", float("nan"))),
            **set_band_metrics(res)}


def _band(risk: dict, lang: str) -> str:
    """The risk's band over the calibrated parameter sets, as the report's first page gives it
    (empty without a posterior: the draws then share one parameter set)."""
    low, high = risk.get("shortfall_probability_p10"), risk.get("shortfall_probability_p90")
    sets = int(risk.get("parameter_sets") or 1)
    if sets < 2 or low is None or high is None or low != low or high != high:
        return ""
    return (" <small class='wb-band'>· " + esc(render("D_RISK_BAND", lang, low=pct(low, lang, 1),
                                                        high=pct(high, lang, 1), sets=sets)) + "</small>")


def translate_warning(warning: str, lang: str = "fr") -> str:
    """A scenario warning in ``lang``, rendered from the message catalog by its code
    (:func:`workbench.reporting.labels.translate_warning`); an uncoded warning is shown as it is."""
    return render_text(warning, lang)


def translate_reason(reason, lang: str = "fr") -> str:
    """A ranking or eligibility reason in ``lang``, rendered from the message catalog by its code
    (:func:`workbench.messages.render_text`); a reason without a code is shown as it is."""
    return render_text(reason, lang)


def problems_html(exc: Any, lang: str = "fr") -> str:
    """An input error's problems as HTML, each rule in ``lang`` from the catalog (never a raw
    Python value): the place is said in words for the committee's own controls."""
    probs = getattr(exc, "problems", None)
    if not probs:
        return esc(render("D_UNEXPECTED", lang, error=type(exc).__name__))
    items = []
    for p in probs:
        where = p.where_text(lang) if hasattr(p, "where_text") else str(p.where)
        place = "" if p.file in ("<committee>", "<option>") or not where else f"{esc(where)}{colon(lang)}"
        items.append(f"<li>{place}{esc(p.rule_text(lang))}</li>")
    return f"<ul class='wb-problems'>{''.join(items)}</ul>"


def ranked_order(table: pd.DataFrame) -> pd.DataFrame:
    """A ranking's table in the order shown: selected first, then eligible, then by value per
    euro (best first), then by id."""
    t = table
    order = np.lexsort((t["id"].to_numpy(), -np.nan_to_num(t["value_per_eur"].to_numpy(float), nan=-1.0),
                        ~t["eligible"].to_numpy(bool), ~t["selected"].to_numpy(bool)))
    return t.iloc[order]


def call_options(by_call: pd.DataFrame | None, n_candidates: int, lang: str = "fr") -> list[tuple[str, str]]:
    """The call picker's ``(label, call)`` choices: the whole fund (``""``: every call as the
    committees decide them, one after another), then each call in decision order with its
    applications and the next phases of earlier first-phase laureates it examines (the
    decisions' candidates: they add up to the whole fund's rows).  A scenario of one call has
    the whole fund only."""
    if by_call is None or len(by_call) <= 1:
        return [(render("D_ALL_CALLS_ONE", lang, n=n_candidates), "")]
    nxt = by_call["next_phases"].fillna(0).astype(int) if "next_phases" in by_call else pd.Series(0, by_call.index)
    rows = by_call["applications"].astype(int)
    total, extra = int(rows.sum()), int(nxt.sum())
    out = [(render("D_ALL_CALLS", lang, n=total, apps=total - extra, next=extra) if extra
            else render("D_ALL_CALLS_PLAIN", lang, n=total), "")]
    for c, n, k in zip(by_call["call"], rows, nxt):
        out.append((render("D_CALL_OPTION_NEXT", lang, call=c, n=int(n), next=int(k)) if k
                    else render("D_CALL_OPTION", lang, call=c, n=int(n)), str(c)))
    return out


def status_badge(selected: bool, override: str, lang: str = "fr") -> str:
    """A project's status as an HTML badge: selected (forced in by the committee or not), forced
    out, left out."""
    L = lang
    if selected:
        if override == "force_in":
            return f"<span class='wb-badge wb-b-fin'>{esc(render('D_FORCED_IN', L))}</span>"
        return f"<span class='wb-badge wb-b-sel'>✔ {esc(render('D_SELECTED', L))}</span>"
    if override == "force_out":
        return f"<span class='wb-badge wb-b-fout'>{esc(render('D_FORCED_OUT', L))}</span>"
    return f"<span class='wb-badge wb-b-out'>{esc(render('D_NOT_SELECTED', L))}</span>"


def ranked_table_html(t: pd.DataFrame, total: int, n_sel: int, static: dict[str, str], lang: str = "fr",
                      generation: int = 0, defer: str = "") -> str:
    """The ranked candidates ``t`` (rows as shown) as one HTML table, each with its status badge
    (an override of the committee named) and its reason in ``lang`` (why it is in, or out); a
    last row says how many of the ``total`` candidates (``n_sel`` selected) are not shown.

    ``static``: cells that do not depend on the settings (id, title, owner, requested amount),
    by id, filled here for the ids missing (the caller keeps it per candidate list and
    language).  ``generation``, ``defer``: written as ``data-`` attributes for the browser tests.
    """
    L = lang
    sel = t["selected"].to_numpy(bool)
    ids = t["id"].astype(str).to_numpy()
    missing = [i for i in ids if i not in static]
    if missing:
        sub = t[t["id"].astype(str).isin(missing)]
        for i, ti, ow, rq in zip(sub["id"].astype(str), sub["title"], sub["owner"], sub["requested_eur"]):
            static[i] = (f"<td>{esc(i)}</td><td title='{esc(ti)}'>{esc(ti)}</td><td title='{esc(ow)}'>{esc(ow)}</td>"
                         f"<td>{meur(rq, L, 2)}</td>")
    elig = t["eligible"].to_numpy(bool)
    ov = t["override"].astype(str).to_numpy() if "override" in t.columns else np.full(len(t), "")
    rows = []
    for k, (i, s_, e_, v, vpm, why, o) in enumerate(zip(ids, sel, elig, t["value"].to_numpy(float),
                                                         t["value_per_meur"].to_numpy(float), t["reason"], ov), start=1):
        cls = "wb-sel" if s_ else ("" if e_ else "wb-inel")
        if o:
            cls += " wb-override"
        reason = esc(translate_reason(why, L))
        rows.append(f"<tr class='{cls.strip()}' data-id='{esc(i)}'><td>{k}</td>{static[i]}"
                    f"<td>{number(v, L, 1)}</td><td>{number(vpm, L, 2)}</td><td>{status_badge(bool(s_), o, L)}</td>"
                    f"<td class='wb-reason'>{reason}</td></tr>")
    if total > len(t):
        rows.append(f"<tr class='wb-more'><td colspan='9'>"
                    f"{esc(render('D_MORE_ROWS', L, n=total - len(t), k=n_sel - int(sel.sum())))}</td></tr>")
    heads = ["D_COL_RANK", "D_COL_ID", "D_COL_TITLE", "D_COL_OWNER", "D_COL_REQUESTED", "D_COL_VALUE",
             "D_COL_VALUE_PER_EUR", "D_COL_STATUS", "D_COL_REASON"]
    head = "".join(f"<th scope='col'>{esc(render(h, L))}</th>" for h in heads)
    # a scrolling region the keyboard can reach (tabindex), named for a screen reader
    return (f"<div class='wb-table-scroll' tabindex='0' role='region' aria-label='{esc(render('D_RANKED', L))}'>"
            f"<table class='wb-table wb-rt' data-generation='{generation}' data-defer='{defer}'>"
            f"<caption class='wb-sr'>{esc(render('D_RANKED', L))}</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def totals_html(view: dict, risk: dict | None, lang: str = "fr", conflicts=None) -> str:
    """The totals of a view as HTML: the call's (or the fund's) projects selected out of its
    rows, the amount granted against its budget — the call's in a call view (what the budget
    slider shows), the fund's in the whole view —, total cost and value; then the whole fund's
    laureates and the probability of running short of payment credits
    (:func:`shortfall_probabilities` of the whole decided portfolio's simulation, with its
    draws and seed), or "calcul en cours…" while it is computed (``risk`` ``None``)."""
    L, t = lang, view
    used = t["committed_eur"] / t["budget_eur"] if t.get("budget_eur") else float("nan")
    call = t.get("call") or ""
    head = render("D_TOTALS_CALL", L, call=call) if call else render("D_TOTALS_FUND", L)
    rows_note = (render("D_ROWS_NEXT", L, apps=t["applications"], next=t["next_phases"]) if t.get("next_phases")
                 else render("D_ROWS", L, apps=t["applications"]))
    parts = [
        f"<span class='wb-kpi'><b class='wb-n-selected'>{t['selected']}</b> / {t['candidates']} "
        f"{esc(render('D_N_SELECTED', L))} <small>({esc(rows_note)})</small></span>",
        f"<span class='wb-kpi'><b class='wb-committed'>{meur(t['committed_eur'], L)}</b> "
        f"{esc(render('D_GRANTED', L))} ({pct(used, L, 0)} {esc(render('D_OF_BUDGET', L))} "
        f"<b class='wb-budget-total'>{meur(t['budget_eur'], L)}</b>)</span>",
        f"<span class='wb-kpi'><b>{meur(t.get('total_cost_eur', float('nan')), L)}</b> "
        f"{esc(render('D_TOTAL_COST', L))}</span>",
        f"<span class='wb-kpi'><b>{number(t['value'], L, 1)}</b> {esc(render('D_VALUE', L))}</span>",
    ]
    if call:
        parts.append(f"<span class='wb-kpi wb-credits'>{esc(render('D_CREDITS_LEFT', L))}{colon(L)}"
                     f"<b>{meur(t['credits_left_eur'], L)}</b></span>")
    fund_line = ""
    if risk is None:
        fund_line = (f"<div class='wb-fund wb-busy-text' aria-busy='true'>{esc(render('D_FUND_RISK', L))}{colon(L)}"
                     f"<i>{esc(render('D_COMPUTING', L))}</i></div>")
    elif "message" in risk:
        fund_line = f"<div class='wb-fund wb-warn'>{esc(risk['message'])}</div>"
    else:
        f = risk.get("fund") or {}
        lead = render("D_FUND_CALL_VIEW", L, call=call) if call else render("D_FUND_WHOLE_VIEW", L)
        fund_line = (f"<div class='wb-fund'><span class='wb-kpi'>{esc(lead)}{colon(L)}<b>{f.get('selected', '–')}</b> "
                     f"{esc(render('D_LAUREATES', L))}, <b>{meur(f.get('committed_eur', float('nan')), L)}</b> "
                     f"{esc(render('D_GRANTED', L))}</span>"
                     f"<span class='wb-kpi wb-shortfall'>{esc(render('D_SHORTFALL', L))}{colon(L)}"
                     f"<b class='wb-risk'>{pct(risk['shortfall_probability'], L, 1)}</b> "
                     f"<small>({esc(render('D_DRAWS_SEED', L, draws=number(risk['draws'], L), seed=risk['seed']))})"
                     f"</small>{_band(risk, L)} · {esc(render('D_EXHAUSTED', L))}{colon(L)}"
                     f"<b>{pct(risk['p_exhausted_before_last_call'], L, 0)}</b></span></div>")
    if conflicts:
        fund_line += f"<div class='wb-err'>{esc('; '.join(render_text(c, L) for c in conflicts))}</div>"
    return (f"<div class='wb-totals' data-call='{esc(call)}'><b>{esc(head)}</b><br>{''.join(parts)}{fund_line}"
            f"</div>")


def view_note_html(call: str, lang: str = "fr") -> str:
    """What a view computes, said on the page: a call view (earlier calls as the scenario's
    committees decide them, the call with the committee's settings, later calls by the model
    given the credits left, the whole fund simulated) or the whole fund (every call, one after
    another)."""
    text = render("D_NOTE_CALL", lang, call=call) if call else render("D_NOTE_WHOLE", lang)
    return f"<p class='wb-note'>{esc(text)}</p>"


def detail_html(pid: str, row: Any, ex: dict, lang: str = "fr") -> str:
    """One project explained as HTML: its figures (amounts in M€, value, criteria), why it is in
    or out (the override and its reason when the committee forced it), and what would change
    the decision — only changes the explanation itself says would work (``ex``:
    :func:`workbench.decisions.explain_decision`)."""
    L = lang
    facts = [
        (render("D_COL_OWNER", L), row["owner"]),
        (render("D_COL_REQUESTED", L), meur(row["requested_eur"], L, 2)),
        (render("D_TOTAL_COST", L), meur(row.get("total_cost_eur", float("nan")), L, 2)),
        (render("D_COL_VALUE", L), number(row["value"], L, 1)),
        (render("D_COL_VALUE_PER_EUR", L), number(row["value_per_meur"], L, 2)),
    ] + [(render(f"D_CRITERION_{c.upper()}", L), number(row[c], L, 1)) for c in CRITERIA if c in row]
    override = str(row.get("override", "") or "")
    if override:
        facts.append((render("D_OVERRIDE", L), render("D_FORCED_IN" if override == "force_in" else "D_FORCED_OUT", L)
                      + (f" — {row.get('override_reason')}" if row.get("override_reason") else "")))
    items = "".join(f"<tr><th scope='row'>{esc(k)}</th><td class='num'>{esc(v)}</td></tr>" for k, v in facts)
    head = render("D_WHY_IN", L) if row["selected"] else render("D_WHY_OUT", L)
    change = []
    if override == "force_out":
        change.append(render("D_CHANGE_FORCE_OUT", L))
    elif override == "force_in":
        change.append(render("D_CHANGE_FORCE_IN", L))
    elif not row["selected"] and row["eligible"]:
        if ex.get("score_increase_points") is not None and ex.get("score_reachable", True) \
                and ex["score_increase_points"] > 1e-9:
            change.append(render("D_CHANGE_SCORE", L, points=number(ex["score_increase_points"], L, 1),
                                 per_criterion=number(ex.get("score_increase_per_criterion", float("nan")), L, 2)))
        if ex.get("cost_reduction_eur") is not None:
            change.append(render("D_CHANGE_REQUEST", L, amount=meur(ex["cost_reduction_eur"], L, 2)))
    elif row["selected"] and ex.get("value_lost_if_removed") is not None:
        change.append(render("D_CHANGE_LOST", L, points=number(ex["value_lost_if_removed"], L, 1)))
    return (f"<div class='wb-detail' data-id='{esc(pid)}'><b>{esc(pid)} — {esc(row['title'])}</b> "
            f"{status_badge(bool(row['selected']), override, L)}"
            f"<table class='wb-table'>{items}</table>"
            f"<p><b>{esc(head)}</b>{colon(L)}{esc(translate_reason(row['reason'], L))}</p>"
            + (f"<p><b>{esc(render('D_WHAT_CHANGE', L))}</b>{colon(L)}{esc(render('D_LIST_SEP', L).join(change))}</p>"
               if change else "")
            + f"<p class='wb-small'>{esc(render_text(ex.get('text', ''), L))}</p></div>")


def compare_html(cmp: dict, lang: str = "fr", run: int = 0) -> str:
    """Two variants side by side as HTML (``cmp``: :meth:`workbench.dashboard.caches.Controller.compare`):
    for the view's call (or the whole fund) the laureates, budget and amount granted; for the
    whole fund the laureates, amount granted and the risk of running short of payment credits;
    the weights; the projects only in A, only in B, in both; and a notice when a variant was
    saved from another call than the one the committee is looking at."""
    L = lang
    call = cmp.get("call") or ""
    a, b = cmp["sides"]
    scope = render("D_CMP_CALL", L, call=call) if call else render("D_CMP_FUND", L)

    def cells(f) -> str:
        return "".join(f"<td class='num'>{esc(f(s))}</td>" for s in (a, b))

    rows = [
        (render("D_CMP_NAME", L), cells(lambda s: s["name"])),
        (render("D_CMP_SAVED_FROM", L), cells(lambda s: s["call"] or render("D_CMP_NO_CALL", L))),
    ]
    if call:
        rows += [
            (render("D_CMP_SELECTED", L, scope=scope),
             cells(lambda s: f"{s['view']['selected']} / {s['view']['candidates']}")),
            (render("D_CMP_BUDGET", L, scope=scope), cells(lambda s: meur(s["view"]["budget_eur"], L))),
            (render("D_CMP_COMMITTED", L, scope=scope), cells(lambda s: meur(s["view"]["committed_eur"], L))),
            (render("D_CMP_VALUE", L, scope=scope), cells(lambda s: number(s["view"]["value"], L, 1))),
            (render("D_CMP_OVERRIDES", L, scope=scope), cells(lambda s: str(s["overrides"]))),
        ]
    fund = render("D_CMP_FUND", L)
    rows += [
        (render("D_CMP_SELECTED", L, scope=fund), cells(lambda s: str(s["fund"]["selected"]))),
        (render("D_CMP_BUDGET", L, scope=fund), cells(lambda s: meur(s["fund"]["budget_eur"], L))),
        (render("D_CMP_COMMITTED", L, scope=fund), cells(lambda s: meur(s["fund"]["committed_eur"], L))),
        (render("D_SHORTFALL", L), cells(lambda s: pct(s["fund"].get("shortfall_probability", float("nan")), L, 1))),
    ]
    for c in CRITERIA:
        rows.append((render("D_CMP_WEIGHT", L, criterion=render(f"D_CRITERION_{c.upper()}", L)),
                     cells(lambda s, c=c: pct(s["weights"].get(c, 0.0) / (sum(s["weights"].values()) or 1.0), L, 0))))
    body = "".join(f"<tr><th scope='row'>{esc(k)}</th>{v}</tr>" for k, v in rows)
    notes = []
    for tag, s in (("A", a), ("B", b)):
        if s["call"] and s["call"] != call:
            notes.append(render("D_CMP_OTHER_CALL", L, tag=tag, saved=s["call"],
                                view=call if call else render("D_CMP_FUND", L)))
    c = colon(L)
    note_html = "".join(f"<div class='wb-warn wb-cmp-other-call'>{esc(n)}</div>" for n in notes)
    draws = a["fund"].get("draws")
    runs = [render("D_DRAWS_SEED", L, draws=number(s["fund"]["draws"], L), seed=s["fund"]["seed"])
            for s in (a, b) if s["fund"].get("draws")]
    how = runs[0] if len(set(runs)) == 1 else render("D_LIST_SEP", L).join(
        f"{tag}{colon(L)}{r}" for tag, r in zip(("A", "B"), runs))
    meta = f"<p class='wb-small'>{esc(render('D_CMP_SAME_EVALUATION', L, runs=how))}</p>" if draws else ""
    diff = (f"<p><b>{esc(render('D_ONLY_IN_A', L))}</b> ({len(cmp['only_a'])}){c}{esc(', '.join(cmp['only_a']))}<br>"
            f"<b>{esc(render('D_ONLY_IN_B', L))}</b> ({len(cmp['only_b'])}){c}{esc(', '.join(cmp['only_b']))}<br>"
            f"<b>{esc(render('D_IN_BOTH', L))}</b>{c}{len(cmp['both'])}</p>")
    return (f"<div class='wb-compare' data-run='{run}'><b>{esc(render('D_COMPARE_TITLE', L, scope=scope))}</b>"
            f"{note_html}"
            f"<table class='wb-table' style='width:auto'><thead><tr><th scope='col'>"
            f"{esc(render('D_CMP_MEASURE', L))}</th><th scope='col'>A</th><th scope='col'>B</th></tr></thead>"
            f"<tbody>{body}</tbody></table>{diff}{meta}</div>")


def header_html(scenario: Any, source: str, lang: str = "fr") -> str:
    """The page's title and provenance line: scenario title, candidate list ``source``, workbench
    version, scenario hash and seed."""
    L = lang
    return (f"<h1 class='wb-h1'>{esc(render('D_TITLE', L))}</h1>"
            f"<div class='wb-prov'><b>{esc(scenario.title)}</b> · {esc(render('D_CANDIDATES', L))}{colon(L)}"
            f"{esc(source)} · {esc(render('D_PROVENANCE', L))}{colon(L)}workbench {__version__}, "
            f"{esc(scenario.hash()[:12])}, {esc(render('D_SEED', L, seed=str(scenario.seed)))}</div>")


def page_meta_html(lang: str, title: str) -> str:
    """A hidden marker the page's template reads to set the document's language and title
    (``<html lang>``, ``<title>``) when the committee switches language."""
    return f"<span class='wb-page-meta' data-lang='{esc(lang)}' data-title='{esc(title)}' hidden></span>"


def warnings_html(items: list[str], lang: str = "fr") -> str:
    """The scenario's warnings (``items``: HTML already escaped) as boxes, or ``""`` when none."""
    html = "".join(f"<div class='wb-warn'>⚠ {w}</div>" for w in items)
    return (f"<div class='wb-warnings' role='note' aria-label='{esc(render('D_WARNINGS', lang))}'>{html}</div>"
            if html else "")


def busy_html(names: list[str], lang: str = "fr") -> str:
    """The page's busy line: what is being computed (``names``: message codes), or nothing."""
    if not names:
        return "<div class='wb-busy-line' aria-live='polite'></div>"
    what = render("D_LIST_SEP", lang).join(render(n, lang) for n in names)
    return (f"<div class='wb-busy-line' aria-live='polite' aria-busy='true'><span class='wb-spinner' "
            f"aria-hidden='true'></span>{esc(render('D_COMPUTING', lang))} {esc(what)}</div>")


# ---- charts: an image with its text alternative and its data ------------------------------------
def _data_uri(mime: str, data: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def figure_html(cls: str, mime: str, data: bytes | None, alt: str, table: str, lang: str = "fr",
                busy: bool = False, extra_cls: str = "", message: str = "") -> str:
    """A chart as an ``<img class=cls>`` with its text alternative (``alt``) and, under a
    disclosure, the data it draws (``table``, HTML); marked "calcul en cours…" while ``busy``
    (the image then belongs to earlier settings: greyed, said so); ``message`` instead of the
    image when there is none."""
    L = lang
    mark = (f"<div class='wb-busy-text' aria-live='polite'>{esc(render('D_COMPUTING', L))}</div>" if busy else "")
    if data is None:
        body = f"<div class='wb-chart-msg'>{message}</div>" if message else ""
        return f"<div class='wb-chart {cls}-box{' wb-busy' if busy else ''}'>{mark}{body}</div>"
    img = (f"<img class='{cls}{(' ' + extra_cls) if extra_cls else ''}' alt='{esc(alt)}' "
           f"src='{_data_uri(mime, data)}'>")
    data_part = (f"<details class='wb-chart-data'><summary>{esc(render('D_CHART_DATA', L))}</summary>{table}</details>"
                 if table else "")
    return (f"<figure class='wb-chart {cls}-box{' wb-busy' if busy else ''}' aria-busy='{str(busy).lower()}'>"
            f"{mark}{img}{data_part}</figure>")


def _small_table(df: pd.DataFrame, lang: str) -> str:
    head = "".join(f"<th scope='col'>{esc(c)}</th>" for c in df.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>" for r in df.itertuples(index=False))
    return f"<table class='wb-table wb-data'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def frontier_alt_and_table(fr: pd.DataFrame, current: tuple[float, float], lang: str = "fr") -> tuple[str, str]:
    """The frontier chart in words (its text alternative) and its data as a table."""
    L = lang
    ok = fr.dropna(subset=["value"]) if "value" in fr else fr.iloc[:0]
    alt = render("D_ALT_FRONTIER", L, n=len(fr), budget=meur(current[0], L), value=number(current[1], L, 1),
                 top=number(float(ok["value"].max()) if len(ok) else float("nan"), L, 1))
    df = pd.DataFrame({render("D_COL_BUDGET", L): [meur(b, L) for b in fr["budget_eur"]],
                       render("D_COL_OPTIMUM", L): [number(v, L, 1) for v in fr.get("value", pd.Series(np.nan,
                                                                                                    fr.index))],
                       render("D_COL_GREEDY", L): [number(v, L, 1) for v in fr.get("greedy_value",
                                                                                    pd.Series(np.nan, fr.index))]})
    return alt, _small_table(df, L)


def fan_alt_and_table(res: Any, lang: str = "fr") -> tuple[str, str]:
    """The fan chart in words (cumulative payments of the last year, P10–P90, against the
    envelope) and its data by year as a table."""
    L = lang
    summ = res.summary
    funds = summ[summ["level_kind"] == "fund"]["level"].tolist() if "level_kind" in summ else []
    level = funds[0] if len(funds) == 1 else "ALL"
    cp = res.level(level, "cp_paid_cum_eur")
    ae = res.level(level, "ae_committed_cum_eur")
    if not len(cp):
        return render("D_FAN", L), ""
    last = cp.iloc[-1]
    env = float(cp["envelope_eur"].iloc[0]) if "envelope_eur" in cp else float("nan")
    alt = render("D_ALT_FAN", L, level=level, year=int(cp.index[-1]), p10=meur(last["p10"], L),
                 p50=meur(last["p50"], L), p90=meur(last["p90"], L), envelope=meur(env, L))
    df = pd.DataFrame({render("D_COL_YEAR", L): [str(int(y)) for y in cp.index],
                       render("D_COL_COMMITTED_CUM", L): [meur(v, L) for v in ae["mean"].reindex(cp.index)],
                       render("D_COL_PAID_P10", L): [meur(v, L) for v in cp["p10"]],
                       render("D_COL_PAID_P50", L): [meur(v, L) for v in cp["p50"]],
                       render("D_COL_PAID_P90", L): [meur(v, L) for v in cp["p90"]]})
    return alt, _small_table(df, L)


def robustness_alt_and_table(fr: pd.DataFrame, lang: str = "fr", top: int = 30) -> tuple[str, str]:
    """The robustness chart in words (how many projects are always, sometimes, never chosen) and
    the frequencies of the projects it draws as a table."""
    L = lang
    f = fr[fr["eligible"]] if "eligible" in fr else fr
    counts = f["core"].value_counts() if "core" in f else pd.Series(dtype=int)
    alt = render("D_ALT_ROBUST", L, always=int(counts.get("always", 0)), sometimes=int(counts.get("sometimes", 0)),
                 never=int(counts.get("never", 0)), samples=number(fr.attrs.get("samples", float("nan")), L))
    g = f.assign(_u=-(f["selection_frequency"] * (1 - f["selection_frequency"])))
    g = g.sort_values(["_u", "selection_frequency"], ascending=[True, False]).head(top)
    df = pd.DataFrame({render("D_COL_ID", L): g["id"].astype(str),
                       render("D_COL_FREQUENCY", L): [pct(v, L, 0) for v in g["selection_frequency"]]})
    return alt, _small_table(df, L)


def rules_html(scenario: Any, lang: str = "fr") -> str:
    """The scenario's rules (:func:`workbench.scenario.rules.rules_table`) as an HTML table in ``lang``,
    under a note that separates the fund's rules (from its texts: a forced project is refused)
    from the model's assumptions (the quality bar: a forced project passes it)."""
    from ..scenario.rules import rules_table

    t = rules_table(scenario, lang)
    head = "".join(f"<th scope='col'>{esc(c)}</th>" for c in t.columns)
    body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in r) + "</tr>" for r in t.itertuples(index=False))
    return (f"<p class='wb-note'>{esc(render('D_RULES_NOTE', lang))}</p>"
            f"<div class='wb-scroll'><table class='wb-table wb-rules'><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table></div>")
