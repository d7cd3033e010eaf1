"""Pure functions turning the dashboard's results into what it shows: the frontier as SVG, charts
as PNG, shortfall probabilities, reasons and warnings in the page's language."""
from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from .. import __version__
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
    except Exception:  # pragma: no cover - a figure not managed by pyplot
        pass
    return buf.getvalue()


def frontier_svg(fr: pd.DataFrame, current: tuple[float, float], lang: str = "fr",
                 provisional: bool = False, width: int = 520, height: int = 310) -> bytes:
    """The dashboard's frontier chart as SVG: optimal value by budget, the greedy curve (value
    per euro), and the current portfolio as a point on a dotted vertical at its budget.

    The reports' chart (:func:`workbench.reporting.charts.frontier_chart`) described by the same
    :func:`workbench.reporting.chart_specs.frontier_spec` (words, colours, ticks), drawn by
    :func:`workbench.reporting.svg.render_svg`; titled "efficient frontier", with a note while
    the exact curve is being computed (``provisional``).
    ``fr``: ``budget_eur``, ``value``, ``greedy_value`` (:func:`workbench.selection.frontier`);
    ``current``: ``(budget_eur, value)``.
    """
    title = render("D_FRONTIER", lang) + (f" ({render('D_FRONTIER_COMING', lang)})" if provisional else "")
    return render_svg(frontier_spec(fr, lang, title, current=current), width, height)


def shortfall_probabilities(res: Any) -> dict[str, float]:
    """From a simulation: the probability that payment credits run short (any year) and that
    the envelope is exhausted before the last call, for the whole (``ALL``) or the only fund."""
    summ = res.summary
    row = summ[summ["level"] == "ALL"]
    if row.empty:
        row = summ.iloc[:1]
    r = row.iloc[0]
    return {"shortfall_probability": float(r.get("shortfall_probability", float("nan"))),
            "p_exhausted_before_last_call": float(r.get("p_exhausted_before_last_call", float("nan")))}


def translate_warning(warning: str, lang: str = "fr") -> str:
    """A scenario warning in ``lang``, rendered from the message catalog by its code
    (:func:`workbench.reporting.labels.translate_warning`); an uncoded warning is shown as it is."""
    return render_text(warning, lang)


def translate_reason(reason, lang: str = "fr") -> str:
    """A ranking or eligibility reason in ``lang``, rendered from the message catalog by its code
    (:func:`workbench.messages.render_text`); a reason without a code is shown as it is."""
    return render_text(reason, lang)


def ranked_order(table: pd.DataFrame) -> pd.DataFrame:
    """A ranking's table in the order shown: selected first, then eligible, then by value per
    euro (best first), then by id."""
    t = table
    order = np.lexsort((t["id"].to_numpy(), -np.nan_to_num(t["value_per_eur"].to_numpy(float), nan=-1.0),
                        ~t["eligible"].to_numpy(bool), ~t["selected"].to_numpy(bool)))
    return t.iloc[order]


def call_options(scenario: Any, cands: pd.DataFrame, lang: str = "fr") -> list[tuple[str, str]]:
    """The call picker's ``(label, call)`` choices: every call at once (``""``: a benchmark with
    perfect foresight), then each call of ``cands`` in the scenario's decision order (calls the
    scenario does not name after, sorted), each with its candidate count."""
    present = set(cands["call"].astype(str)) if "call" in cands.columns else set()
    order = [c.id for c in scenario.calls if c.id in present]
    calls = order + sorted(present - set(order))
    return [(render("D_ALL_CALLS", lang, n=len(cands)), "")] + [
        (f"{k} ({int((cands['call'].astype(str) == k).sum())})", k) for k in calls]


def ranked_table_html(t: pd.DataFrame, total: int, n_sel: int, static: dict[str, str], force_in, force_out,
                      lang: str = "fr", generation: int = 0, defer: str = "") -> str:
    """The ranked candidates ``t`` (rows as shown) as one HTML table, each with its status badge
    and, when left out, its reason in ``lang``; a last row says how many of the ``total``
    candidates (``n_sel`` selected) are not shown.

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
            static[i] = f"<td>{esc(i)}</td><td title='{esc(ti)}'>{esc(ti)}</td><td>{esc(ow)}</td><td>{meur(rq, L, 2)}</td>"
    elig = t["eligible"].to_numpy(bool)
    fin, fout = set(force_in), set(force_out)
    badge = {k: f"<span class='wb-badge {c}'>{esc(txt)}</span>" for k, c, txt in (
        ("in", "wb-b-fin", render("D_FORCED_IN", L)), ("sel", "wb-b-sel", "✔ " + render("D_SELECTED", L)),
        ("fout", "wb-b-fout", render("D_FORCED_OUT", L)), ("out", "wb-b-out", render("D_NOT_SELECTED", L)))}
    rows = []
    for k, (i, s_, e_, v, vpm, why) in enumerate(zip(ids, sel, elig, t["value"].to_numpy(float),
                                                      t["value_per_meur"].to_numpy(float), t["reason"]), start=1):
        cls = "wb-sel" if s_ else ("" if e_ else "wb-inel")
        b = badge[("in" if i in fin else "sel") if s_ else ("fout" if i in fout else "out")]
        reason = "" if s_ else esc(translate_reason(why, L))
        rows.append(f"<tr class='{cls}' data-id='{esc(i)}'><td>{k}</td>{static[i]}"
                    f"<td>{number(v, L, 1)}</td><td>{number(vpm, L, 2)}</td><td>{b}</td><td>{reason}</td></tr>")
    if total > len(t):
        rows.append(f"<tr class='wb-more'><td colspan='9'>"
                    f"{esc(render('D_MORE_ROWS', L, n=total - len(t), k=n_sel - int(sel.sum())))}</td></tr>")
    heads = ["D_COL_RANK", "D_COL_ID", "D_COL_TITLE", "D_COL_OWNER", "D_COL_REQUESTED", "D_COL_VALUE",
             "D_COL_VALUE_PER_EUR", "D_COL_STATUS", "D_COL_REASON"]
    head = "".join(f"<th>{esc(render(h, L))}</th>" for h in heads)
    return (f"<table class='wb-table wb-rt' data-generation='{generation}' data-defer='{defer}'>"
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def totals_html(totals: dict, table: pd.DataFrame, shortfall: dict[str, float] | None, conflicts,
                lang: str = "fr") -> str:
    """The selected portfolio's totals as HTML: projects, amount requested from the fund [M€]
    and share of the budget, total cost [M€], value; the probability of a shortfall of payment
    credits when simulated (:func:`shortfall_probabilities`), and the ranking's conflicts."""
    L, t = lang, totals
    sel = table[table["selected"].astype(bool)]
    cost = float(sel["total_cost_eur"].sum()) if "total_cost_eur" in sel else float("nan")
    used = t["committed_eur"] / t["budget_eur"] if t["budget_eur"] else float("nan")
    parts = [
        f"<span class='wb-kpi'><b class='wb-n-selected'>{t['selected']}</b> / {t['candidates']} "
        f"{esc(render('D_N_SELECTED', L))}</span>",
        f"<span class='wb-kpi'><b>{meur(t['committed_eur'], L)}</b> {esc(render('D_REQUESTED', L))} "
        f"({pct(used, L, 0)} {esc(render('D_BUDGET_USED', L))} {meur(t['budget_eur'], L)})</span>",
        f"<span class='wb-kpi'><b>{meur(cost, L)}</b> {esc(render('D_TOTAL_COST', L))}</span>",
        f"<span class='wb-kpi'><b>{number(t['value'], L, 1)}</b> {esc(render('D_VALUE', L))}</span>",
    ]
    p = shortfall
    if p is not None:
        parts.append(f"<span class='wb-kpi wb-shortfall'>{esc(render('D_SHORTFALL', L))}{colon(L)}"
                     f"<b>{pct(p['shortfall_probability'], L, 0)}</b> · {esc(render('D_EXHAUSTED', L))}{colon(L)}"
                     f"<b>{pct(p['p_exhausted_before_last_call'], L, 0)}</b></span>")
    if conflicts:
        parts.append(f"<div class='wb-err'>{esc('; '.join(conflicts))}</div>")
    return f"<div class='wb-totals'><b>{esc(render('D_TOTALS', L))}</b><br>{''.join(parts)}</div>"


def status_badge(selected: bool, project_id: str, force_in, force_out, lang: str = "fr") -> str:
    """A project's status as an HTML badge: selected (forced in or not), forced out, left out."""
    L = lang
    if selected:
        if project_id in force_in:
            return f"<span class='wb-badge wb-b-fin'>{esc(render('D_FORCED_IN', L))}</span>"
        return f"<span class='wb-badge wb-b-sel'>✔ {esc(render('D_SELECTED', L))}</span>"
    if project_id in force_out:
        return f"<span class='wb-badge wb-b-fout'>{esc(render('D_FORCED_OUT', L))}</span>"
    return f"<span class='wb-badge wb-b-out'>{esc(render('D_NOT_SELECTED', L))}</span>"


def detail_html(pid: str, row: Any, ex: dict, force_in, force_out, lang: str = "fr") -> str:
    """One project explained as HTML: its figures (amounts in M€, value, criteria), why it is in
    or out, and what would change the decision (``ex``: :func:`workbench.selection.explain`'s
    score increase [points], request cut [EUR] or value lost [points]; ``text``)."""
    L = lang
    facts = [
        (render("D_COL_OWNER", L), row["owner"]),
        (render("D_COL_REQUESTED", L), meur(row["requested_eur"], L, 2)),
        (render("D_TOTAL_COST", L), meur(row.get("total_cost_eur", float("nan")), L, 2)),
        (render("D_COL_VALUE", L), number(row["value"], L, 1)),
        (render("D_COL_VALUE_PER_EUR", L), number(row["value_per_meur"], L, 2)),
    ] + [(render(f"D_CRITERION_{c.upper()}", L), number(row[c], L, 1)) for c in CRITERIA if c in row]
    items = "".join(f"<tr><td>{esc(k)}</td><td class='num'>{esc(v)}</td></tr>" for k, v in facts)
    head = render("D_WHY_IN", L) if row["selected"] else render("D_WHY_OUT", L)
    change = []
    if pid in force_out:
        change.append(render("D_CHANGE_FORCE_OUT", L))
    elif row["selected"] and pid in force_in:
        change.append(render("D_CHANGE_FORCE_IN", L))
    elif not row["selected"] and row["eligible"]:
        if ex.get("score_increase_points") is not None:
            change.append(render("D_CHANGE_SCORE", L, points=number(ex["score_increase_points"], L, 2),
                                 per_criterion=number(ex.get("score_increase_per_criterion", float("nan")), L, 2)))
        if ex.get("cost_reduction_eur") is not None:
            change.append(render("D_CHANGE_REQUEST", L, amount=meur(ex["cost_reduction_eur"], L, 2)))
    elif row["selected"] and ex.get("value_lost_if_removed") is not None:
        change.append(render("D_CHANGE_LOST", L, points=number(ex["value_lost_if_removed"], L, 2)))
    return (f"<div class='wb-detail' data-id='{esc(pid)}'><b>{esc(pid)} — {esc(row['title'])}</b> "
            f"{status_badge(bool(row['selected']), row['id'], force_in, force_out, L)}"
            f"<table class='wb-table'>{items}</table>"
            f"<p><b>{esc(head)}</b>{colon(L)}{esc(translate_reason(row['reason'], L))}</p>"
            + (f"<p><b>{esc(render('D_WHAT_CHANGE', L))}</b>{colon(L)}{esc(render('D_LIST_SEP', L).join(change))}</p>"
               if change else "")
            + f"<p style='font-size:11px;color:#555'>{esc(render_text(ex.get('text', ''), L))}</p></div>")


def compare_html(df: pd.DataFrame, lang: str = "fr") -> str:
    """Two variants side by side as HTML (``df``: :func:`workbench.analysis.compare.portfolios_side_by_side`,
    measures by row, A and B by column, the projects only in A, only in B and in both in
    ``df.attrs``); amounts (``*_eur``) in M€."""
    L = lang
    rows = []
    for k, r in df.iterrows():
        cells = []
        for v in r:
            if k.endswith("_eur"):
                cells.append(meur(v, L))
            elif isinstance(v, (float, np.floating)):
                cells.append(number(v, L, 2))
            else:
                cells.append(str(v))
        rows.append(f"<tr><td>{esc(k)}</td>" + "".join(f"<td class='num'>{esc(c)}</td>" for c in cells) + "</tr>")
    c = colon(L)
    diff = (f"<p><b>{esc(render('D_ONLY_IN_A', L))}</b> ({len(df.attrs['only_a'])}){c}{esc(', '.join(df.attrs['only_a']))}<br>"
            f"<b>{esc(render('D_ONLY_IN_B', L))}</b> ({len(df.attrs['only_b'])}){c}{esc(', '.join(df.attrs['only_b']))}<br>"
            f"<b>{esc(render('D_IN_BOTH', L))}</b>{c}{len(df.attrs['both'])}</p>")
    return (f"<div class='wb-compare'><b>{esc(render('D_COMPARE', L))}</b><table class='wb-table' style='width:auto'>"
            f"<thead><tr><th></th><th>A</th><th>B</th></tr></thead><tbody>{''.join(rows)}</tbody></table>{diff}</div>")


def header_html(scenario: Any, source: str, lang: str = "fr") -> str:
    """The page's title and provenance line: scenario title, candidate list ``source``, workbench
    version, scenario hash and seed."""
    L = lang
    return (f"<h2 style='margin:0 0 4px 0'>{esc(render('D_TITLE', L))}</h2>"
            f"<div style='font-size:13px'><b>{esc(scenario.title)}</b> · {esc(render('D_CANDIDATES', L))}{colon(L)}"
            f"{esc(source)} · {esc(render('D_PROVENANCE', L))}{colon(L)}workbench {__version__}, "
            f"{esc(scenario.hash()[:12])}, {esc(render('D_SEED', L, seed=str(scenario.seed)))}</div>")


def warnings_html(items: list[str], lang: str = "fr") -> str:
    """The scenario's warnings (``items``: HTML already escaped) as boxes, or ``""`` when none."""
    html = "".join(f"<div class='wb-warn'>⚠ {w}</div>" for w in items)
    return f"<div class='wb-warnings' title='{esc(render('D_WARNINGS', lang))}'>{html}</div>" if html else ""
