"""Labels and explanatory texts of reports, in French (default) and English.

The users are a French budget directorate: every report, table header and chart label is French
unless ``lang="en"`` is asked for.  Amounts are shown in M€ through :mod:`workbench.units`
(``12,8 M€`` in French, ``12.8 M€`` in English).

Every text lives in the one catalog, :mod:`workbench.messages` (the words of tables and
reports in :mod:`workbench.messages.words`, ``key -> {"fr": ..., "en": ...}``), so that the
report notebook, the comparison report, the sweep summary, the command line and the dashboard
say the same thing in the same words.  Texts may hold ``{placeholders}`` filled by :func:`label`.
The words themselves (:func:`label`, :func:`header`, :func:`format_cell`) live in
:mod:`workbench.messages` and the rendering of input problems (:func:`problem_text`,
:func:`problems_message`, :func:`check_lang`) in :mod:`workbench.errors`, for every layer; this
module re-exports them beside what it shows: small display tables, Markdown and HTML.

Table display follows the naming convention of the package: a column ending in ``_eur`` is an
amount in euros (shown in M€), one ending in ``_rate`` or ``_probability`` is a fraction (shown
in %).  :func:`display_table` formats a table that way and translates its headers.

Text from data is shown as text (:mod:`workbench.reporting.escape`): every table of a report goes
through :func:`escaped_table` (cells and headers escaped, bidi isolated), whether shown in a
notebook (:func:`show_table`) or on a static page (:func:`table_html`, :func:`html_table`); a
sentence of the catalog that holds data is filled by :func:`label_md` (Markdown) or
:func:`label_html` (HTML), which escape the values and never the catalog's own words.
"""
from __future__ import annotations

import html
import math
import string
from pathlib import Path
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pandas as pd

from ..errors import check_lang, problem_text, problems_message  # noqa: F401 (re-exported: one home, errors)
from ..messages import DEFAULT_LANG, LANGS, Message, msg, render_text  # noqa: F401 (LANGS: notebook API)
from ..messages.labels import format_cell, header, label  # noqa: F401 (re-exported: the words' home is messages)
from ..messages.words import LABELS
from ..units import meur, number, pct
from .escape import MarkdownText, html_text, markdown_code, markdown_text, plain_text  # noqa: F401 (notebook API)


def translate_warning(text: str, lang: str = DEFAULT_LANG) -> str:
    """A scenario warning in ``lang``: a coded warning (:func:`workbench.scenario.reconcile`) is
    rendered from the message catalog; any other text is returned as it is, never re-parsed."""
    return render_text(text, lang)


def _fill(key: str, lang: str, values: Mapping[str, Any], value: Callable[[str], str],
          words: Callable[[str], str]) -> str:
    """The text of ``key`` with its words passed through ``words`` and each ``{placeholder}``'s
    formatted value through ``value``."""
    entry = LABELS[key]
    template = entry.get(lang, entry[DEFAULT_LANG])
    f = string.Formatter()
    out = []
    for literal, name, spec, conv in f.parse(template):
        out.append(words(literal))
        if name is not None:
            v = values[name]
            if isinstance(v, MarkdownText) and not spec and not conv:
                out.append(value(v))          # already safe: markdown_text returns it unchanged
            else:
                out.append(value(f.format_field(f.convert_field(v, conv), spec or "")))
    return "".join(out)


def label_md(key: str, lang: str = DEFAULT_LANG, **values: Any) -> MarkdownText:
    """:func:`label` for Markdown: the catalog's words as they are (their ``**emphasis**`` kept),
    each value shown literally (:func:`~workbench.reporting.escape.markdown_text`; a
    :class:`~workbench.reporting.escape.MarkdownText` value, e.g. from :func:`markdown_code`, as
    it is)."""
    return MarkdownText(_fill(key, lang, values, markdown_text, lambda w: w))


def markdown_codes(items: Iterable[Any]) -> MarkdownText:
    """Texts in the code font, separated by commas, for Markdown (each by
    :func:`~workbench.reporting.escape.markdown_code`)."""
    return MarkdownText(", ".join(markdown_code(x) for x in items))


def label_html(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """:func:`label` for an HTML page: the catalog's words escaped (Markdown ``**`` dropped),
    each value shown literally (:func:`~workbench.reporting.escape.html_text`)."""
    return _fill(key, lang, values, html_text, lambda w: html.escape(w.replace("**", ""), quote=False))


def display_table(df: pd.DataFrame, lang: str = DEFAULT_LANG, columns: Iterable[str] | None = None,
                  index: bool = False) -> pd.DataFrame:
    """A copy of ``df`` for reading: values formatted as text, headers translated.

    Parameters
    ----------
    df : DataFrame
        A table of the package (amounts in euros, rates as fractions).
    lang : {"fr", "en"}
        The language of headers and number formats.
    columns : iterable of str, optional
        The columns to keep, in order (default: all).
    index : bool
        Keep the index as a first column.
    """
    t = df.reset_index() if index else df
    cols = [c for c in (columns if columns is not None else t.columns) if c in t.columns]
    out = pd.DataFrame({header(c, lang): [format_cell(c, v, lang) for v in t[c].tolist()] for c in cols})
    return out


def escaped_table(df: pd.DataFrame, lang: str = DEFAULT_LANG, columns: Iterable[str] | None = None,
                  index: bool = False) -> pd.DataFrame:
    """:func:`display_table` with every cell and header made HTML text
    (:func:`~workbench.reporting.escape.html_text`: entities, bidi isolated): the one table every
    report shows."""
    return escape_shown(display_table(df, lang, columns, index))


def escape_shown(shown: pd.DataFrame) -> pd.DataFrame:
    """A table already formatted for reading (text cells) with every cell and header made HTML
    text (:func:`~workbench.reporting.escape.html_text`)."""
    return pd.DataFrame({html_text(c): [html_text(v) for v in shown[c].tolist()] for c in shown.columns},
                        columns=[html_text(c) for c in shown.columns])


def show_table(df: pd.DataFrame, lang: str = DEFAULT_LANG, columns: Iterable[str] | None = None,
               index: bool = False):
    """:func:`escaped_table` as a pandas ``Styler`` without the row numbers (for notebooks).

    The Styler is told to write its cells and headers as they are (whatever pandas'
    ``styler.format.escape`` option says): they are escaped here, once, by :func:`escaped_table`."""
    return (escaped_table(df, lang, columns, index).style.format(escape=None)
            .format_index(escape=None, axis=1).hide(axis="index"))


def weights_markdown(weights: Mapping[str, float], lang: str = DEFAULT_LANG) -> str:
    """The criteria weights as one line, normalised to 100 %: ``Stratégique 25 %, …``."""
    total = sum(weights.values()) or 1.0
    return MarkdownText(label("weights", lang) + label("colon", lang) + ", ".join(
        f"{markdown_text(header(k, lang))} {markdown_text(pct(v / total, lang, 0))}" for k, v in weights.items()))


def table_html(df: pd.DataFrame, lang: str = DEFAULT_LANG, columns: Iterable[str] | None = None,
               index: bool = False) -> str:
    """A formatted table as plain static HTML (no style sheet or script), cells and headers
    escaped (:func:`escaped_table`)."""
    return html_table(display_table(df, lang, columns, index))


def html_table(shown: pd.DataFrame) -> str:
    """A table already formatted for reading (:func:`display_table`, :func:`metrics_table`…) as
    plain static HTML, cells and headers escaped (:func:`escape_shown`)."""
    return escape_shown(shown).to_html(index=False, escape=False, border=0, classes="wb-table")


def warning_items(warnings: Iterable[str], synthetic: bool, lang: str = DEFAULT_LANG,
                  markup: str | None = None) -> list[str]:
    """A scenario's warnings for a reader: synthetic data first, then each warning in ``lang``.

    ``markup``: ``None`` gives plain text with the catalog's Markdown emphasis (the command
    line); ``"markdown"`` gives Markdown and ``"html"`` HTML text, the warnings' data (a
    parameter of a coded warning, a warning that is plain text) escaped and the catalog's words
    kept (a :class:`~workbench.reporting.escape.MarkdownText` warning is Markdown already)."""
    shown = [w for w in warnings if "SYNTHETIC" not in str(w) or not synthetic]
    if markup is None:
        return ([label("synthetic_warning", lang)] if synthetic else []) + [translate_warning(w, lang) for w in shown]
    if markup == "markdown":
        head: list[str] = [MarkdownText(label("synthetic_warning", lang))] if synthetic else []
        return head + [w if isinstance(w, MarkdownText) else MarkdownText(render_text(w, lang, markdown_text))
                       for w in shown]
    if markup == "html":
        def words(w: str) -> str:
            return html.escape(w.replace("**", ""), quote=False)
        head = [words(label("synthetic_warning", lang))] if synthetic else []
        return head + [words(w) if isinstance(w, MarkdownText) else render_text(w, lang, html_text, words)
                       for w in shown]
    raise ValueError(f"markup must be None, 'markdown' or 'html', not {markup!r}")


def warnings_markdown(warnings: Iterable[str], synthetic: bool, lang: str = DEFAULT_LANG) -> MarkdownText:
    """The warnings section of a report as Markdown: synthetic data first, then each warning
    (its data shown as text)."""
    items = warning_items(warnings, synthetic, lang, markup="markdown")
    if not items:
        return MarkdownText(label("no_warnings", lang))
    return MarkdownText(label("warnings_intro", lang) + "\n\n" + "\n".join(f"- ⚠ {w}" for w in items))


def mapping_markdown(rows: Mapping[str, Any], lang: str = DEFAULT_LANG) -> MarkdownText:
    """A two-column Markdown table ``label | value`` (labels translated when known).  A value
    (or each item of a list value, one per line) is shown as text unless it is
    :class:`~workbench.reporting.escape.MarkdownText` (made safe by its caller)."""
    lines = ["| | |", "|---|---|"]
    for k, v in rows.items():
        if isinstance(v, (list, tuple)):
            v = MarkdownText("<br>".join(markdown_text(x) for x in v))
        lines.append(f"| {markdown_text(header(k, lang))} | {markdown_text(v)} |")
    return MarkdownText("\n".join(lines))


# --------------------------------------------------------------------------------------------
# report building blocks (text and small display tables; no computation of results)
# --------------------------------------------------------------------------------------------


def year_ranges(years: Iterable[int], lang: str = DEFAULT_LANG) -> str:
    """Years as runs, e.g. ``[2018, 2023, 2024, 2025]`` → "2018 et 2023–2025" ("2018 and 2023–2025")."""
    ys = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for y in ys:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    parts = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + label("and_word", lang) + parts[-1]


def section(name: str, lang: str = DEFAULT_LANG, level: int = 2, **values: Any) -> MarkdownText:
    """Markdown for a report section: ``<name>_title`` as a heading, ``<name>_intro`` below
    (values shown as text, :func:`label_md`)."""
    text = "#" * level + " " + label_md(f"{name}_title", lang, **values)
    if f"{name}_intro" in LABELS:
        text += "\n\n" + label_md(f"{name}_intro", lang, **values)
    return MarkdownText(text)


def report_header(scenario, draws: int, seed: int, lang: str = DEFAULT_LANG) -> MarkdownText:
    """Markdown for the top of a scenario report: title, scenario name, funds, horizon, draws, seed
    (the scenario's words shown as text)."""
    funds = ", ".join(f"{f.code} {meur(f.envelope_eur, lang, 0)}" for f in scenario.funds.values())
    years = scenario.years
    return MarkdownText("\n\n".join([
        "# " + label_md("report_title", lang, title=scenario.title),
        "*" + label_md("report_subtitle", lang, name=markdown_code(scenario.name), funds=funds, start=years[0],
                       end=years[-1], draws=number(draws, lang), seed=seed) + "*",
        label("report_intro", lang),
    ]))


def scenario_overview(scenario, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per fund: envelope [EUR], sub-envelopes, call sessions, first and last decision,
    and (given the candidates) their number and the amount they request [EUR]."""
    rows = []
    calls = scenario.calls
    for code, f in scenario.funds.items():
        fc = [c for c in calls if c.fund == code]
        row = {"fund": code, "envelope_eur": f.envelope_eur, "sub_envelopes": len(f.sub_envelopes_eur),
               "n_calls": len(fc), "first_decision": fc[0].decision.isoformat() if fc else "",
               "last_decision": fc[-1].decision.isoformat() if fc else ""}
        if candidates is not None:
            codes = {code, *f.sub_envelopes_eur}
            mine = candidates["envelope"].astype(str).map(
                lambda e: any(x.strip() in codes for x in e.split(";")))  # noqa: B023 - map calls it at once
            row["n_candidates"] = int(mine.sum())
            row["requested_eur"] = float(candidates.loc[mine, "requested_eur"].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def metrics_table(values: Mapping[str, Any], lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """A two-column table ``indicator | value``, each value formatted by its own name's unit."""
    return pd.DataFrame({header("metric", lang): [header(k, lang) for k in values],
                         header("figure", lang): [format_cell(k, v, lang) for k, v in values.items()]})


#: The label key of each selection reason's message code (workbench.messages, ``R_`` codes).
REASON_CATEGORY = {
    "R_SELECTED": "selected", "R_SELECTED_PHASE1": "selected", "R_SELECTED_MERIT": "selected",
    "R_SELECTED_PHASE1_MERIT": "selected",
    "R_INELIGIBLE": "reason_ineligible", "R_BELOW_ASSUMED_BAR": "reason_below_bar",
    "R_CONFLICT": "reason_conflict", "R_NOT_SOLVED": "reason_conflict",
    "R_FORCED_OUT": "reason_forced_out",
    "R_OUTRANKED": "reason_outranked", "R_OUTRANKED_ALLOTMENT": "reason_outranked",
    "R_NOT_SELECTED_DEPENDENCY": "reason_dependency",
    "R_NO_CREDITS_LEFT": "reason_other",
}


def reason_category(reason: Any) -> str:
    """The label key of a portfolio reason, from its message code: a ``reason_code`` cell
    (``R_INELIGIBLE``…) or a reason that carries its message; anything else is ``reason_other``
    (a reason's wording is never read)."""
    from ..messages import code_of

    code = reason if isinstance(reason, str) and reason in REASON_CATEGORY else code_of(reason)
    return REASON_CATEGORY.get(code, "reason_other")


def reasons_table(table: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """How many candidates were not selected, and why (by category), from a ranking table."""
    codes = table["reason_code"] if "reason_code" in table.columns else table["reason"]
    cats = codes.map(reason_category)
    counts = cats[cats != "selected"].value_counts()
    order = ["reason_ineligible", "reason_below_bar", "reason_outranked", "reason_dependency", "reason_forced_out",
             "reason_conflict", "reason_other"]
    rows = [(label(k, lang), int(counts[k])) for k in order if k in counts.index]
    return pd.DataFrame(rows, columns=[header("category", lang), header("count", lang)])


def provenance_markdown(scenario, seed: int, draws: int, lang: str = DEFAULT_LANG,
                        candidates_source: str = "") -> MarkdownText:
    """Markdown for a report's provenance: version, scenario hash, seed, draws and the files read
    (named relative to the project folder, or by their name alone: no folder of the user's
    machine, :func:`workbench.files.shown_path`)."""
    from ..version import __version__
    from ..files import shown_path
    from ..messages import code_of

    files = [shown_path(f) for f in scenario.files]   # no folder of the user's machine
    source = candidates_source or (msg("S_SYNTHETIC") if scenario.synthetic else "")
    if (source and not isinstance(source, Message) and not code_of(source)
            and Path(str(source)).is_absolute()):   # a candidate file
        source = shown_path(source)
    cpath = scenario.candidates_path()
    if cpath is not None:
        files.append(shown_path(cpath))
    rows = {
        "workbench_version": markdown_code(__version__),
        "scenario": markdown_code(scenario.name),
        "scenario_hash": markdown_code(scenario.hash()),
        "draws_seed": MarkdownText(f"{markdown_text(number(draws, lang))} / {markdown_code(seed)}"),
        "candidates_source": MarkdownText(render_text(source, lang, markdown_text)),
        "input_files": [markdown_code(f) for f in files],
    }
    return MarkdownText(section("provenance", lang) + "\n\n" + mapping_markdown(rows, lang))


def summary_table(summary: pd.DataFrame, lang: str = DEFAULT_LANG, metrics: Iterable[str] | None = None,
                  key: str = "level") -> pd.DataFrame:
    """A table of ``summary`` turned on its side for reading: one row per figure (labelled,
    formatted by its unit), one column per ``key`` value (fund, envelope, ``ALL``)."""
    metrics = [m for m in (metrics or [c for c in summary.columns if c != key]) if m in summary.columns]
    out = {header("metric", lang): [header(m, lang) for m in metrics]}
    for _, row in summary.iterrows():
        name = str(row[key])
        out[label("all_funds", lang) if name == "ALL" else name] = [format_cell(m, row[m], lang) for m in metrics]
    return pd.DataFrame(out)


def portfolio_figures(ranking) -> dict[str, Any]:
    """The headline figures of a :class:`workbench.selection.RankResult`, keyed by label name
    (for :func:`metrics_table`)."""
    t = ranking.totals
    return {"n_candidates": t["candidates"], "n_eligible": t["eligible"], "n_selected": t["selected"],
            "phase1_only": t["phase1_only"], "budget_eur": t["budget_eur"], "committed_eur": t["committed_eur"],
            "unused_eur": t["unused_eur"], "total_value": t["value"],
            "greedy_shortfall_rate": t["greedy_shortfall_rate"], "solver_status": ranking.solver["status"]}




def backtest_label(row: dict, lang: str = DEFAULT_LANG) -> str:
    """A back-test figure's name in ``lang`` (its history file gives it in French and English)."""
    return str(row.get("label_fr") or row["label"]) if lang == "fr" else str(row["label"])


def _bt_amount(v: float, unit: str, lang: str) -> str:
    return meur(v, lang, 1) if unit == "EUR" else number(v, lang, 0)


def backtest_table(table: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The back-test (:func:`workbench.analysis.backtest.run_backtest`) for reading: one row per
    figure, with its sample (in or out of the calibration window), the published value or range,
    the posterior predictive mean and P5–P95 interval, the gap, the CRPS and the result."""
    rows = []
    for r in table.to_dict("records"):
        unit = r["unit"]
        if isinstance(r["observed"], float) and math.isnan(r["observed"]):   # a published range
            lo, hi = r["observed_low"], r["observed_high"]
            pub = ("≤ " + _bt_amount(hi, unit, lang)) if lo == 0 else \
                f"{_bt_amount(lo, unit, lang)} – {_bt_amount(hi, unit, lang)}"
        else:
            pub = _bt_amount(r["observed"], unit, lang)
        mean = meur(r["simulated_mean"], lang, 1) if unit == "EUR" else number(r["simulated_mean"], lang, 1)
        pred = f"{mean} ({_bt_amount(r['predicted_low'], unit, lang)}–{_bt_amount(r['predicted_high'], unit, lang)})"
        gap = "–" if not isinstance(r["relative_gap"], float) or math.isnan(r["relative_gap"]) \
            else pct(r["relative_gap"], lang, 0)
        crps = "–" if math.isnan(r["crps_rate"]) else number(r["crps_rate"], lang, 3)
        sample = {"in": label("bt_in_sample", lang), "out": label("bt_out_of_sample", lang)}.get(r["sample"], "–")
        if not r["counted"]:
            sample += label("bt_not_counted", lang)
        rows.append({header("passed", lang): label("pass" if r["passed"] else "fail", lang),
                     header("label", lang): backtest_label(r, lang), header("bt_sample", lang): sample,
                     header("published", lang): pub, header("bt_predicted", lang): pred,
                     header("relative_gap", lang): gap, header("bt_crps", lang): crps})
    return pd.DataFrame(rows)


def backtest_score_line(score: dict, lang: str = DEFAULT_LANG) -> str:
    """One line on a back-test's score: coverage and CRPS out of sample, coverage in sample."""
    if not score:
        return ""
    cov = "–" if math.isnan(score["coverage"]) else pct(score["coverage"], lang, 0)
    crps = "–" if math.isnan(score["crps_rate"]) else number(score["crps_rate"], lang, 3)
    ins = "–" if math.isnan(score["in_sample_coverage"]) else pct(score["in_sample_coverage"], lang, 0)
    return label("backtest_score", lang, ok=score["out_of_sample_passed"], n=score["out_of_sample"], coverage=cov,
                 crps=crps, ins_ok=score["in_sample_passed"], ins_n=score["in_sample"], ins=ins,
                 not_counted=score["not_counted"])


def backtest_warnings(table: pd.DataFrame, lang: str = DEFAULT_LANG) -> list[str]:
    """One warning per published figure outside the model's 90 % predictive interval (Markdown,
    :func:`label_md`: its figures shown as text)."""
    out: list[str] = []
    shown = backtest_table(table, lang)
    for (r, s) in zip(table.to_dict("records"), shown.to_dict("records")):
        if not r["passed"]:
            out.append(label_md("backtest_fail_warning", lang, label=s[header("label", lang)],
                                published=s[header("published", lang)], simulated=s[header("bt_predicted", lang)]))
    return out


def sensitivity_output_name(output: str, result, lang: str = DEFAULT_LANG) -> str:
    """The name of a sensitivity output (:data:`workbench.analysis.sensitivity.OUTPUTS`)."""
    return label(f"sens_output_{output}", lang, year=result.horizon_end)


def _range_text(low: float, high: float, unit: str, lang: str) -> str:
    if unit == "fraction":
        return f"{pct(low, lang, 0)} – {pct(high, lang, 0)}"
    suffix = {"months": " mois" if lang == "fr" else " months"}.get(unit, "")
    return f"{number(low, lang, 2 if high < 10 else 0)} – {number(high, lang, 2 if high < 10 else 0)}{suffix}"


def sensitivity_table(result, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The Sobol indices (:class:`workbench.analysis.sensitivity.SensitivityResult`) for reading,
    the text alternative of the tornado chart: one row per factor (the highest total index on
    the risk first), its range, then per output the first-order and total indices, each
    ``value ± half-width`` of its confidence interval."""
    order = result.table(result.outputs[0])["factor"].tolist()
    info = {f.key: f for f in result.factors}
    out = {label("sens_factor", lang): [label("sf_" + k, lang) for k in order],
           label("sens_range", lang): [_range_text(info[k].low, info[k].high, info[k].unit, lang) for k in order]}
    for o in result.outputs:
        t = result.indices[result.indices["output"] == o].set_index("factor")
        name = sensitivity_output_name(o, result, lang)
        for idx, key in (("S1", "sens_s1"), ("ST", "sens_st")):
            out[f"{name} : {label(key, lang)}" if lang == "fr" else f"{name}: {label(key, lang)}"] = [
                f"{number(t.at[k, idx], lang, 2)} ± {number(t.at[k, idx + '_conf'], lang, 2)}" for k in order]
    return pd.DataFrame(out)


def restes_table(restes: pd.DataFrame, lang: str = DEFAULT_LANG) -> pd.DataFrame:
    """The outstanding commitments (``SimulationResult.restes_a_payer``) for the first page: one
    row per commitment year, one column per payment year, the mean (M€), when the table is long
    (``commitment_year``, ``payment_year`` and a mean column); else the table as given."""
    cols = set(map(str, restes.columns))
    mean = next((c for c in restes.columns if str(c).startswith("mean")), None)
    if not {"commitment_year", "payment_year"} <= cols or mean is None:
        return display_table(restes, lang)
    wide = restes.pivot_table(index="commitment_year", columns="payment_year", values=mean, aggfunc="sum")
    out = pd.DataFrame({header("commitment_year", lang): [str(int(y)) for y in wide.index]})
    for y in wide.columns:
        out[str(int(y))] = [meur(v, lang, 1) if v == v else "–" for v in wide[y].to_numpy(float)]
    return out
