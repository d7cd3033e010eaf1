"""Figures for notebooks, reports and the dashboard: functions returning matplotlib Figures.

A flat module of functions, each returning a :class:`matplotlib.figure.Figure` built without
pyplot's global state (safe under the Agg backend, in threads and in servers).  Labels in French
(``lang="fr"``, the default: the users are a French directorate) or English (``"en"``); amounts
in M€.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, NullFormatter

from ..messages.words import LABELS
from ..units import meur, number
from .chart_specs import LineChart, RangeChart, _pf, frontier_spec, nice_ticks, stability_spec, tick_text
from .labels import label



def _t(lang: str, key: str, **kw: Any) -> str:
    """A chart's word from the catalog (:data:`workbench.messages.words.CHART_LABELS`)."""
    return label("chart_" + key, lang, **kw)


def _meur_axis(ax, lang: str) -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number(v / 1e6, lang, 0)))
    ax.set_ylabel(_t(lang, "meur"))


def _default_level(result) -> str:
    funds = result.summary[result.summary["level_kind"] == "fund"]["level"].tolist()
    return funds[0] if len(funds) == 1 else "ALL"


def fan_chart(result, fund: str | None = None, lang: str = "fr") -> Figure:
    """Cumulative payments P10–P90 (and median, mean) against the envelope, by year.

    Parameters
    ----------
    result : SimulationResult
        From :func:`workbench.envelope.simulate`.
    fund : str, optional
        A level of ``result.yearly`` (fund, sub-envelope or ``"ALL"``); default: the only fund,
        else ``"ALL"``.
    lang : {"fr", "en"}
    """
    level = fund or _default_level(result)
    cp = result.level(level, "cp_paid_cum_eur")
    ae = result.level(level, "ae_committed_cum_eur")
    years = cp.index.to_numpy()
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(years, cp["p10"], cp["p90"], color="#1f77b4", alpha=0.25, label=_t(lang, "p10_p90"))
    ax.plot(years, cp["p50"], color="#1f77b4", lw=1, ls="--", label=_t(lang, "p50"))
    ax.plot(years, cp["mean"], color="#1f77b4", lw=2, label=_t(lang, "paid_cum"))
    ax.plot(years, ae["mean"], color="#ff7f0e", lw=1.5, marker="o", ms=3, label=_t(lang, "committed_cum"))
    env = float(cp["envelope_eur"].iloc[0]) if len(cp) else float("nan")
    if np.isfinite(env):
        ax.axhline(env, color="#d62728", lw=1.5, ls=":", label=_t(lang, "envelope", amount=meur(env, lang)))
    ax.set_title(_t(lang, "fan_title", level=level))
    ax.set_xlabel(_t(lang, "year") + f" ({_t(lang, 'last_year_note')})")
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45)
    _meur_axis(ax, lang)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig


def committed_vs_paid(result, lang: str = "fr", fund: str | None = None) -> Figure:
    """AE committed, CP demanded and CP paid by year (means, with P10–P90 whiskers on CP paid)."""
    level = fund or _default_level(result)
    ae = result.level(level, "ae_committed_eur")
    dem = result.level(level, "cp_demand_eur")
    cp = result.level(level, "cp_paid_eur")
    years = cp.index.to_numpy()
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    w = 0.38
    ax.bar(years - w / 2, ae["mean"], width=w, color="#ff7f0e", label=_t(lang, "ae"))
    err = np.vstack([cp["mean"] - cp["p10"], cp["p90"] - cp["mean"]]).clip(min=0)
    ax.bar(years + w / 2, cp["mean"], width=w, color="#1f77b4", yerr=err, capsize=2, label=_t(lang, "cp"))
    ax.plot(years + w / 2, dem["mean"], color="black", lw=0, marker="_", ms=12, label=_t(lang, "cp_demand"))
    ax.set_title(_t(lang, "cvp_title", level=level))
    ax.set_xlabel(_t(lang, "year") + f" ({_t(lang, 'last_year_note')})")
    ax.set_xticks(years)
    ax.tick_params(axis="x", labelrotation=45)
    _meur_axis(ax, lang)
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=8)
    return fig


def calibration_figure(lang: str = "fr", models: dict | None = None, table=None) -> Figure:
    """The overrun and delay models' ECDFs beside each reference class's (one panel per class).

    Parameters
    ----------
    lang : {"fr", "en"}
    models : dict, optional
        ``kind -> OverrunModel`` (default: the fitted defaults).
    table : DataFrame, optional
        A precomputed :func:`workbench.uncertainty.calibration_table`.
    """
    from ..uncertainty import calibration_table

    tab = table if table is not None else calibration_table(models)
    summ = tab.attrs.get("summary")
    names = list(dict.fromkeys(tab["reference_class"]))
    fig = Figure(figsize=(4.2 * len(names), 4), layout="constrained")
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    for ax, name in zip(axes, names):
        t = tab[tab["reference_class"] == name]
        ax.step(t["ratio"], t["ecdf_reference"], where="post", color="black",
                label=_t(lang, "reference", n=int(t["n"].iloc[0])))
        ax.step(t["ratio"], t["ecdf_model"], where="post", color="#1f77b4", label=_t(lang, "model"))
        ax.set_xscale("log")
        ticks = [v for v in (0.1, 0.25, 0.5, 1, 2, 4, 10) if t["ratio"].min() / 1.5 <= v <= t["ratio"].max() * 1.5]
        ax.set_xticks(ticks)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",") if lang == "fr" else f"{v:g}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.axvline(1.0, color="grey", lw=0.8, ls=":")
        ax.set_title(_t(lang, name) if "chart_" + name in LABELS else name, fontsize=10)
        ax.set_xlabel(_t(lang, "ratio"))
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
        if summ is not None:
            row = summ[summ["reference_class"] == name].iloc[0]
            ax.text(0.02, 0.97, f"KS = {row['ks_distance']:.2f}\n" + _t(lang, "means", ref=row["mean_reference"],
                                                                         mod=row["mean_model"]),
                    transform=ax.transAxes, va="top", fontsize=8)
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel(_t(lang, "ecdf"))
    fig.suptitle(_t(lang, "calib_title"))
    return fig


# ------------------------------------------------------------------------------------------------
# portfolio: efficient frontier and selection frequency
# ------------------------------------------------------------------------------------------------


#: Matplotlib's line styles of the chart API's dashes.
MPL_DASH = {"solid": "-", "dashed": "--", "dotted": ":"}
#: Tick intervals at most, per axis (Matplotlib's own maximum at the reports' sizes).
MPL_INTERVALS = 9


def render_matplotlib(chart: LineChart) -> Figure:
    """``chart`` (:mod:`workbench.reporting.chart_specs`) drawn as a Matplotlib figure of
    ``chart.size_in`` inches: series, vertical markers and points in the spec's order, axes
    autoscaled on them (5 % margins), ticks by :func:`~workbench.reporting.chart_specs.nice_ticks`
    over the resulting limits and written by :func:`~workbench.reporting.chart_specs.tick_text`,
    a light grid, the legend at ``chart.legend_loc``."""
    fig = Figure(figsize=chart.size_in, layout="constrained")
    ax = fig.subplots()
    for s in chart.series:
        ax.plot(s.x, s.y, color=s.colour, lw=s.width, ls=MPL_DASH[s.dash], label=s.label)
    for v in chart.vlines:
        ax.axvline(v.x, color=v.colour, lw=v.width, ls=MPL_DASH[v.dash])
    for p in chart.points:
        ax.plot([p.x], [p.y], marker="o", ls="none", ms=p.size, color=p.colour, label=p.label)
    for axis, spec, lim in ((ax.xaxis, chart.x, ax.get_xlim()), (ax.yaxis, chart.y, ax.get_ylim())):
        ticks = nice_ticks(lim[0], lim[1], MPL_INTERVALS)
        axis.set_ticks(ticks)
        axis.set_major_formatter(FuncFormatter(lambda v, _, spec=spec,
                                               ticks=ticks: tick_text(v, spec, ticks, chart.lang)))
    ax.set_xlabel(chart.x.title)
    ax.set_ylabel(chart.y.title)
    ax.grid(alpha=0.3)
    if chart.legend():
        ax.legend(loc=chart.legend_loc, fontsize=8)
    ax.set_title(chart.title, fontsize=11)
    return fig


def frontier_chart(frontier, lang: str = "fr", title: str | None = None) -> Figure:
    """Optimal (and greedy) total value against the envelope, the current budget marked:
    :func:`~workbench.reporting.chart_specs.frontier_spec` drawn by :func:`render_matplotlib`.

    Parameters
    ----------
    frontier : DataFrame
        :func:`workbench.selection.frontier` (``budget_eur``, ``value``, ``greedy_value``,
        ``current``).
    """
    return render_matplotlib(frontier_spec(frontier, lang, title))


def selection_frequency_chart(frequency, lang: str = "fr", top: int = 40, selected=None) -> Figure:
    """Horizontal bars of each project's selection frequency (the ``top`` most uncertain first).

    Parameters
    ----------
    frequency : DataFrame
        :func:`workbench.selection.robustness.selection_frequency` (``id``, ``selection_frequency``,
        ``core``).
    selected : iterable of str, optional
        Ids of the current portfolio, drawn with a dark edge.
    """
    f = frequency[frequency["eligible"]] if "eligible" in frequency else frequency
    f = f.assign(_u=-(f["selection_frequency"] * (1 - f["selection_frequency"])))
    f = f.sort_values(["_u", "selection_frequency"], ascending=[True, False]).head(top)
    f = f.sort_values("selection_frequency")
    colours = {"always": "#2ca02c", "sometimes": "#ffbf00", "never": "#c0c0c0"}
    chosen = set(map(str, selected or ()))
    fig = Figure(figsize=(7, max(2.5, 0.22 * len(f) + 1)), layout="constrained")
    ax = fig.subplots()
    ax.barh(f["id"].astype(str), f["selection_frequency"], color=[colours.get(c, "#1f77b4") for c in f["core"]],
            edgecolor=["black" if i in chosen else "none" for i in f["id"].astype(str)])
    ax.set_xlim(0, 1)
    ax.set_xlabel(_pf(lang, "freq"))
    ax.tick_params(axis="y", labelsize=7)
    from matplotlib.patches import Patch

    handles = [Patch(color=colours[k], label=_pf(lang, k)) for k in ("always", "sometimes", "never")]
    ax.legend(handles=handles, loc="lower right", fontsize=8)
    ax.grid(axis="x", alpha=0.3)
    n = frequency.attrs.get("samples")
    ax.set_title(_pf(lang, "freq_title") + (f" ({n})" if n else ""), fontsize=11)
    return fig




def backtest_chart(table, lang: str = "fr") -> Figure:
    """Each published figure against the model's posterior predictive, as ratios to the published
    value (or to a published range's upper end).

    Parameters
    ----------
    table : DataFrame
        :func:`workbench.analysis.backtest.run_backtest`'s table.  A published range is drawn as a
        grey band; the line is the 90 % predictive interval, the dot its mean (green: the figure
        passes; red: it does not); a hollow dot marks a figure out of the calibration window.
    """
    import math

    from .labels import backtest_label

    t = table.reset_index(drop=True)
    n = len(t)
    fig = Figure(figsize=(7.5, 0.42 * n + 1.4), layout="constrained")
    ax = fig.subplots()
    top = 2.0
    for i, r in t.iterrows():
        y = n - 1 - i
        ref = max(float(r["published_value"]), 1.0)  # a published 0 (nothing after a window): 1 €
        if not math.isnan(float(r["observed_low"])):
            lo, hi = float(r["observed_low"]), float(r["observed_high"])
            ax.add_patch(Rectangle((lo / ref, y - 0.35), max(hi - lo, 0.0) / ref, 0.7, color="#dddddd", lw=0))
        color = "#2ca02c" if r["passed"] else "#d62728"
        ax.plot([r["predicted_low"] / ref, r["predicted_high"] / ref], [y, y], color=color, lw=2)
        face = "white" if r["sample"] == "out" else color
        ax.plot([r["simulated_mean"] / ref], [y], "o", color=color, markerfacecolor=face)
        top = max(top, float(r["predicted_high"]) / ref * 1.05)
    ax.axvline(1.0, color="black", lw=0.8)
    ax.set_yticks(range(n))
    ax.set_yticklabels([backtest_label(r, lang) for r in t.to_dict("records")[::-1]], fontsize=8)
    ax.set_xlabel(label("chart_bt_ratio", lang))
    ax.set_xlim(0, min(top, 10.0))
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(label("chart_bt_title", lang), fontsize=11)
    return fig


# ------------------------------------------------------------------------------------------------
# the committee: weight stability per criterion (sensitivity)
# ------------------------------------------------------------------------------------------------
def render_ranges_matplotlib(chart: RangeChart) -> Figure:
    """A :class:`~workbench.reporting.chart_specs.RangeChart` drawn as a Matplotlib figure: one
    row per category (the first on top), its range as a bar, the value in force as a dot, the
    marks as short vertical ticks, the axis from ``chart.lo`` to ``chart.hi`` with ticks by
    :func:`~workbench.reporting.chart_specs.nice_ticks`, the legend below the plot."""
    fig = Figure(figsize=chart.size_in, layout="constrained")
    ax = fig.subplots()
    n = len(chart.rows)
    bar, dot, marks = chart.legend
    handles: dict[str, Any] = {}
    for k, r in enumerate(chart.rows):
        y = n - 1 - k
        handles["bar"] = ax.barh([y], [max(r.high - r.low, 0.0)], left=[r.low], height=0.45, color=chart.bar_colour,
                                 alpha=0.55, label=bar)
        if r.marks:
            handles["marks"] = ax.plot(list(r.marks), [y] * len(r.marks), ls="none", marker="|", ms=14, mew=2,
                                       color=chart.mark_colour, label=marks)[0]
        handles["dot"] = ax.plot([r.current], [y], ls="none", marker="o", ms=7, color=chart.dot_colour, label=dot)[0]
    ax.set_yticks(range(n))
    ax.set_yticklabels([r.label for r in reversed(chart.rows)])
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlim(chart.lo, chart.hi)
    ticks = nice_ticks(chart.lo, chart.hi, MPL_INTERVALS)
    ax.xaxis.set_ticks(ticks)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: tick_text(v, chart.x, ticks, chart.lang)))
    ax.set_xlabel(chart.x.title)
    ax.grid(axis="x", alpha=0.3)
    shown = [(handles[k], w) for k, w in zip(("bar", "dot", "marks"), chart.legend) if w and k in handles]
    if shown:   # in the SVG's order: the range, the weight in force, the members' weights
        ax.legend([h for h, _ in shown], [w for _, w in shown], loc="upper center", bbox_to_anchor=(0.5, -0.28),
                  ncol=3, fontsize=8, frameon=False)
    ax.set_title(chart.title, fontsize=11)
    return fig


def stability_chart(table, lang: str = "fr", members=None, title: str | None = None) -> Figure:
    """For each criterion, the range of its weight over which the portfolio holds, the weight in
    force and the committee members' weights:
    :func:`~workbench.reporting.chart_specs.stability_spec` drawn by :func:`render_ranges_matplotlib`.

    Parameters
    ----------
    table : DataFrame
        :func:`workbench.selection.robustness.weight_stability` (``criterion``, ``weight``, ``low``, ``high``).
    members : mapping, optional
        ``member name -> {criterion: weight}`` [fraction].
    """
    return render_ranges_matplotlib(stability_spec(table, lang, members, title))


def sensitivity_chart(result, lang: str = "fr") -> Figure:
    """Tornado chart of the Sobol indices (:func:`workbench.analysis.sensitivity.analyze`): one
    panel per output (the risk of running short of CP, the money left), one row per factor (the
    highest total index on the risk on top), the total index as a wide light bar and the
    first-order index as a narrow dark bar, each with its confidence interval as a whisker.
    The text alternative is :func:`workbench.reporting.labels.sensitivity_table`."""
    from .labels import sensitivity_output_name  # noqa: PLC0415

    order = result.table(result.outputs[0])["factor"].tolist()[::-1]      # highest on top
    names = [label("sf_" + k, lang) for k in order]
    fig = Figure(figsize=(9, 0.45 * len(order) + 1.8), layout="constrained")
    axes = fig.subplots(1, len(result.outputs), sharey=True)
    y = np.arange(len(order))
    for ax, o in zip(np.atleast_1d(axes), result.outputs):
        t = result.indices[result.indices["output"] == o].set_index("factor").loc[order]
        st, s1 = t["ST"].to_numpy(float), t["S1"].to_numpy(float)
        ax.barh(y, np.clip(st, 0, None), height=0.7, color="#9ecae1", label=_t(lang, "sens_st"),
                xerr=t["ST_conf"].to_numpy(float), error_kw={"ecolor": "#3182bd", "capsize": 2, "lw": 0.8})
        ax.barh(y, np.clip(s1, 0, None), height=0.3, color="#08519c", label=_t(lang, "sens_s1"),
                xerr=t["S1_conf"].to_numpy(float), error_kw={"ecolor": "black", "capsize": 2, "lw": 0.8})
        ax.axvline(0, color="black", lw=0.6)
        ax.set_xlim(-0.05, 1.05)   # an index is a share of the variance: a wider whisker is cut (the table gives it)
        ax.set_title(sensitivity_output_name(o, result, lang), fontsize=10)
        ax.set_xlabel(_t(lang, "sens_index"), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(y, names, fontsize=8)
    first.legend(loc="lower right", fontsize=8)
    fig.suptitle(_t(lang, "sens_title"), fontsize=11)
    return fig
