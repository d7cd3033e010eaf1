"""The chart API: a chart described once, as data, and drawn by two back-ends.

A :class:`LineChart` says what a chart shows — its title, its axes (words, unit, scale and the
format of their ticks), its series (x, y, colour, width, dash, legend word), vertical markers and
labelled points — in the page's language, with every word taken from the catalog
(:mod:`workbench.messages.words`).  A builder makes it from the data (:func:`frontier_spec`);
two renderers draw it: :func:`workbench.reporting.charts.render_matplotlib` (a Matplotlib
``Figure``, for the reports) and :func:`workbench.reporting.svg.render_svg` (SVG text, for the
dashboard, drawn in well under a millisecond).  The rule of the ticks (:func:`nice_ticks`) and
their text (:func:`tick_text`) live here too, so both back-ends number their axes alike; how
many ticks fit is the renderer's business (its size).

This module imports neither Matplotlib nor the dashboard.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from ..units import meur, number
from .labels import label

#: The charts' colours, by role (Matplotlib's default cycle, as the reports always drew them).
BLUE, ORANGE, BLACK = "#1f77b4", "#ff7f0e", "black"
#: Dash styles a series or marker may take (each renderer draws them its own way).
DASHES = ("solid", "dashed", "dotted")


@dataclass(frozen=True)
class Axis:
    """An axis: its words, the unit shown after them, and the scale of its ticks.

    A tick at value ``v`` (in the data's unit, e.g. euros) is written ``v / scale`` with the
    language's separators (:func:`tick_text`); ``unit`` (e.g. ``"M€"``) is shown once, in the
    axis title: ``"Enveloppe (M€)"``.
    """

    label: str
    unit: str | None = None
    scale: float = 1.0

    @property
    def title(self) -> str:
        """The axis title: its words, then its unit in parentheses when it has one."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class Series:
    """A line through the points ``(x[i], y[i])`` in that order (non-finite points are skipped).

    ``width``: in points (Matplotlib) or SVG units; ``dash``: one of :data:`DASHES`;
    ``label``: its legend words (``None``: not in the legend).
    """

    x: tuple[float, ...]
    y: tuple[float, ...]
    colour: str
    width: float = 1.5
    dash: str = "solid"
    label: str | None = None


@dataclass(frozen=True)
class VLine:
    """A vertical marker across the plot at ``x`` (not in the legend)."""

    x: float
    colour: str = BLACK
    width: float = 0.8
    dash: str = "dotted"


@dataclass(frozen=True)
class Point:
    """A dot at ``(x, y)``; ``size``: its diameter in points (Matplotlib's ``markersize``)."""

    x: float
    y: float
    colour: str = BLACK
    size: float = 6.0
    label: str | None = None


#: Where an Axes legend may stand, in Matplotlib's words (its ``LegendLocType`` for an Axes).
LegendLoc = Literal["best", "upper right", "upper left", "lower left", "lower right", "right", "center left",
                    "center right", "lower center", "upper center", "center"]


@dataclass(frozen=True)
class LineChart:
    """A line chart, as data: what both renderers draw.

    Series are drawn in their order (the last on top), then the vertical markers, then the
    points; the legend lists the labelled series, then the labelled points, in that order, at
    ``legend_loc`` (Matplotlib's words: ``"lower right"``).  ``lang`` numbers the ticks.
    """

    title: str
    x: Axis
    y: Axis
    series: tuple[Series, ...] = ()
    vlines: tuple[VLine, ...] = ()
    points: tuple[Point, ...] = ()
    legend_loc: LegendLoc = "lower right"
    lang: str = "fr"
    size_in: tuple[float, float] = field(default=(7.0, 4.2))

    def legend(self) -> list[tuple[str, Series | Point]]:
        """The legend's entries in order: ``(words, the series or point they name)``."""
        return ([(s.label, s) for s in self.series if s.label] +
                [(p.label, p) for p in self.points if p.label])


def nice_ticks(lo: float, hi: float, intervals: int = 5) -> list[float]:
    """Round tick values covering ``[lo, hi]``: the smallest step of 1, 2, 2.5 or 5 times a
    power of ten making at most ``intervals`` intervals over the span (Matplotlib's
    ``MaxNLocator`` rule), ticks at the multiples of that step inside ``[lo, hi]``."""
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return [lo]
    raw = span / max(intervals, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = np.ceil(lo / step) * step
    return [0.0 if abs(v) < step * 1e-9 else float(v) for v in np.arange(first, hi + step * 1e-9, step)]


def tick_digits(ticks, scale: float = 1.0) -> int:
    """Decimals the ticks need once divided by ``scale``: 0 when all are whole, else 1."""
    return 0 if all(abs(t / scale - round(t / scale)) < 1e-9 for t in ticks) else 1


def tick_text(value: float, axis: Axis, ticks, lang: str = "fr") -> str:
    """A tick's text: ``value / axis.scale`` with the language's separators, as many decimals
    as the axis's ``ticks`` need (:func:`tick_digits`): ``"1 000"``, ``"2,5"``."""
    return number(value / axis.scale, lang, tick_digits(ticks, axis.scale))


def _pf(lang: str, key: str, **kw) -> str:
    return label("chart_pf_" + key, lang, **kw)


def frontier_spec(frontier, lang: str = "fr", title: str | None = None,
                  current: tuple[float, float] | None = None) -> LineChart:
    """The efficient frontier as a :class:`LineChart`: total value [points] of the optimal
    portfolio by budget [EUR] (solid blue), of the greedy one (value per euro; dashed orange),
    the current budget as a dotted vertical with a dot.

    Parameters
    ----------
    frontier : DataFrame
        :func:`workbench.selection.frontier` (``budget_eur``, ``value``, ``greedy_value``,
        ``current``), drawn by increasing budget.
    title : str, optional
        Default: the catalog's ``chart_pf_frontier``.
    current : (float, float), optional
        ``(budget_eur, value)`` of the portfolio shown (the dashboard's), marked "current
        portfolio"; default: the optimum at the table's current budget (rows with ``current``),
        marked "current envelope (amount)".  A non-finite point is not drawn.
    """
    fr = frontier.sort_values("budget_eur")
    x = tuple(fr["budget_eur"].to_numpy(float))
    series = []
    if "value" in fr:
        series.append(Series(x, tuple(fr["value"].to_numpy(float)), BLUE, 2.0, "solid", _pf(lang, "optimal")))
    if "greedy_value" in fr:
        series.append(Series(x, tuple(fr["greedy_value"].to_numpy(float)), ORANGE, 1.2, "dashed",
                             _pf(lang, "greedy")))
    if current is not None:
        marks = [(float(current[0]), float(current[1]), _pf(lang, "portfolio"))]
    else:
        cur = fr[fr["current"].astype(bool)] if "current" in fr else fr.iloc[:0]
        marks = [(float(b), float(v), f"{_pf(lang, 'current')} ({meur(b, lang)})")
                 for b, v in zip(cur["budget_eur"], cur["value"])]
    marks = [m for m in marks if np.isfinite(m[0]) and np.isfinite(m[1])]
    return LineChart(title=title or _pf(lang, "frontier"),
                     x=Axis(_pf(lang, "budget"), "M€", 1e6), y=Axis(_pf(lang, "value")),
                     series=tuple(series), vlines=tuple(VLine(b) for b, _, _ in marks),
                     points=tuple(Point(b, v, BLACK, 6.0, words) for b, v, words in marks), lang=lang)


# --------------------------------------------------------------------------------------------
# ranges: the weight-stability (sensitivity) chart
# --------------------------------------------------------------------------------------------
#: Colours of the range chart: the stable range, the weight in force, the members' weights.
GREEN, GREY = "#2ca02c", "#7f7f7f"


@dataclass(frozen=True)
class RangeRow:
    """One row of a :class:`RangeChart`: a bar from ``low`` to ``high`` (the data's unit), a dot
    at ``current`` and small ticks at ``marks`` (with ``mark_names``, for the text alternative)."""

    label: str
    low: float
    high: float
    current: float
    marks: tuple[float, ...] = ()
    mark_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class RangeChart:
    """Horizontal ranges, one row per category, on a common axis from ``lo`` to ``hi`` (the
    data's unit; ticks written by ``x``).

    The comparison of the committee's criteria: for each criterion, the range of its weight over
    which the portfolio holds (the bar), the weight in force (the dot), each member's weight (a
    tick).  ``legend``: the words of the bar, the dot and the ticks (``None``: not shown).
    """

    title: str
    x: Axis
    rows: tuple[RangeRow, ...]
    legend: tuple[str, str, str | None]
    lo: float = 0.0
    hi: float = 1.0
    lang: str = "fr"
    bar_colour: str = GREEN
    dot_colour: str = BLACK
    mark_colour: str = GREY

    @property
    def size_in(self) -> tuple[float, float]:
        """The figure's size [in]: 7 wide, 0.55 per row plus the title, axis and legend."""
        return (7.0, 1.7 + 0.55 * len(self.rows))


def stability_spec(table, lang: str = "fr", members=None, title: str | None = None) -> RangeChart:
    """The weight-stability (sensitivity) chart as a :class:`RangeChart`: for each criterion, the
    range of its weight [fraction, shown in %] over which the selected portfolio stays the
    same, the others keeping their proportions (:func:`workbench.selection.robustness.weight_stability`),
    the weight in force, and each committee member's weight for that criterion.

    Parameters
    ----------
    table : DataFrame
        ``criterion``, ``weight``, ``low``, ``high`` [fraction].
    members : mapping, optional
        ``member name -> {criterion: weight}`` [fraction].
    """
    rows = []
    members = dict(members or {})
    for r in table.itertuples(index=False):
        names = tuple(members)
        marks = tuple(float(members[m][r.criterion]) for m in names if r.criterion in members[m])
        rows.append(RangeRow(label(r.criterion, lang), float(r.low), float(r.high), float(r.weight), marks,
                             names if len(marks) == len(names) else ()))
    return RangeChart(title=title or label("chart_cm_stability_title", lang),
                      x=Axis(label("chart_cm_weight", lang), "%", 0.01), rows=tuple(rows),
                      legend=(label("chart_cm_stable", lang), label("chart_cm_current", lang),
                              label("chart_cm_members", lang) if members else None),
                      lang=lang)


def range_rows_text(chart: RangeChart) -> list[tuple[str, str, str, str, str]]:
    """The chart's text alternative, one tuple per row: label, low, high, current and the
    marks (``name value`` joined), values written as the axis's ticks (in %, the language's
    separators)."""
    def w(v: float) -> str:
        return number(v / chart.x.scale, chart.lang, 1)

    out = []
    for r in chart.rows:
        marks = ", ".join(f"{n} {w(v)}" for n, v in zip(r.mark_names, r.marks)) if r.mark_names else \
            ", ".join(w(v) for v in r.marks)
        out.append((r.label, w(r.low), w(r.high), w(r.current), marks))
    return out
