"""The chart API (workbench.reporting.chart_specs): the frontier described once holds the frontier
table's numbers, and both back-ends draw what it describes — the SVG of the dashboard (points
read back through its own tick labels) and the report's Matplotlib figure."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from workbench.reporting.chart_specs import Axis, frontier_spec, nice_ticks, tick_text
from workbench.reporting.svg import render_svg

NS = "{http://www.w3.org/2000/svg}"

#: A frontier by hand, rows out of order: the chart sorts them by budget.
FRONTIER = pd.DataFrame({"budget_eur": [30e6, 10e6, 20e6, 40e6],
                         "value": [50.0, 20.0, 35.0, 52.5],
                         "greedy_value": [45.0, 20.0, 30.0, 52.5],
                         "current": [False, False, True, False]})


def test_the_spec_holds_the_frontier_table_and_marks_the_current_budget():
    spec = frontier_spec(FRONTIER, "fr")
    opt, gre = spec.series
    assert opt.x == gre.x == (10e6, 20e6, 30e6, 40e6)
    assert opt.y == (20.0, 35.0, 50.0, 52.5)
    assert gre.y == (20.0, 30.0, 45.0, 52.5)
    assert [v.x for v in spec.vlines] == [20e6]
    assert [(p.x, p.y) for p in spec.points] == [(20e6, 35.0)]
    assert [w for w, _ in spec.legend()] == ["Optimum (MILP)", "Glouton (valeur par euro)",
                                             "Enveloppe actuelle (20,0\u00a0M€)"]
    assert (spec.x.title, spec.y.title) == ("Enveloppe (M€)", "Valeur totale (points)")
    # the dashboard's portfolio instead of the optimum at the current budget
    spec = frontier_spec(FRONTIER, "en", title="T", current=(25e6, 33.0))
    assert [(p.x, p.y, p.label) for p in spec.points] == [(25e6, 33.0, "Current portfolio")]
    assert spec.title == "T" and spec.x.title == "Envelope (M€)"
    # a portfolio without a budget is not drawn, nor named in the legend
    assert frontier_spec(FRONTIER, "fr", current=(float("nan"), float("nan"))).points == ()


@pytest.mark.parametrize("lo,hi", [(-52.6e6, 1112.7e6), (-3339.2, 70641.2), (-0.8, 17.04), (0.0, 1.0),
                                   (-28.4e6, 599.9e6), (3.0, 7.5), (-1.2, 0.3)])
def test_nice_ticks_are_matplotlibs_own_at_the_same_density(lo, hi):
    from matplotlib.ticker import MaxNLocator

    mpl = MaxNLocator(nbins=9, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    np.testing.assert_allclose(nice_ticks(lo, hi, 9), [t for t in mpl if lo <= t <= hi], atol=1e-9 * (hi - lo))
    assert nice_ticks(0.0, 1.0, 5) == [0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0]


def test_tick_text_follows_the_language_and_the_axis_scale():
    meur_axis, points = Axis("Enveloppe", "M€", 1e6), Axis("Valeur")
    assert [tick_text(v, points, [0, 10000, 20000], "fr") for v in (0, 10000)] == ["0", "10\u202f000"]
    assert tick_text(10000, points, [0, 10000], "en") == "10,000"
    assert [tick_text(v, meur_axis, [0, 2.5e6, 5e6], "fr") for v in (2.5e6, 5e6)] == ["2,5", "5,0"]
    assert tick_text(1.2e9, meur_axis, [0, 1.2e9], "fr") == "1\u202f200"


def _number(text: str, lang: str) -> float:
    t = text.replace("\u202f", "")
    return float(t.replace(",", ".") if lang == "fr" else t.replace(",", ""))


def _svg_values(svg: bytes, lang: str):
    """The SVG's polylines, vertical markers and dots read back in data units through its own tick
    labels (a straight line fitted to each axis's grid lines and their texts), and its texts."""
    root = ET.fromstring(svg)
    kids = list(root)
    xs, ys = [], []  # (pixel, value) of each grid line
    for el, nxt in zip(kids, kids[1:]):
        if el.tag == NS + "line" and el.get("stroke") == "#ddd":
            if el.get("x1") == el.get("x2"):
                xs.append((float(el.get("x1")), _number(nxt.text, lang) * 1e6))
            else:
                ys.append((float(el.get("y1")), _number(nxt.text, lang)))
    fx, fy = np.polyfit(*zip(*xs), 1), np.polyfit(*zip(*ys), 1)

    def back(px, py):
        return np.polyval(fx, px), np.polyval(fy, py)

    lines = []
    for el in kids:
        if el.tag == NS + "polyline":
            pts = np.array([[float(c) for c in p.split(",")] for p in el.get("points").split()])
            lines.append((el.get("stroke"), *back(pts[:, 0], pts[:, 1])))
    dots = [back(float(el.get("cx")), float(el.get("cy"))) for el in kids if el.tag == NS + "circle"]
    texts = [el.text for el in kids if el.tag == NS + "text"]
    return lines, dots, texts, (fx, fy)


@pytest.mark.parametrize("lang,words", [
    ("fr", ["Optimum (MILP)", "Glouton (valeur par euro)", "Portefeuille actuel", "Enveloppe (M€)",
            "Valeur totale (points)", "Frontière efficace"]),
    ("en", ["Optimum (MILP)", "Greedy (value per euro)", "Current portfolio", "Envelope (M€)",
            "Total value (points)", "Efficient frontier"])])
def test_the_dashboards_svg_draws_each_series_in_order_with_the_legend_words(lang, words):
    from workbench.dashboard.views import frontier_svg

    svg = frontier_svg(FRONTIER, (25e6, 33.0), lang)
    lines, dots, texts, (fx, fy) = _svg_values(svg, lang)
    spec = frontier_spec(FRONTIER, lang, current=(25e6, 33.0))
    assert [c for c, *_ in lines] == [s.colour for s in spec.series] == ["#1f77b4", "#ff7f0e"]
    # pixels are rounded to 0.1: the points come back within 0.1 px of the data, in the table's budget order
    for (_, bx, vy), s in zip(lines, spec.series):
        np.testing.assert_allclose(bx, s.x, atol=abs(0.1 * fx[0]))
        np.testing.assert_allclose(vy, s.y, atol=abs(0.1 * fy[0]))
    # the dot of the portfolio (the legend's dot lies outside the data: the last circle is the legend's)
    np.testing.assert_allclose(dots[0], (25e6, 33.0), atol=abs(0.1 * fx[0]) + abs(0.1 * fy[0]))
    assert set(words) <= set(texts)
    prov = frontier_svg(FRONTIER, (25e6, 33.0), lang, provisional=True).decode()
    assert ("(courbe exacte en cours de calcul)" if lang == "fr" else "(exact curve being computed)") in prov


def test_the_matplotlib_figure_draws_the_specs_lines():
    from workbench.reporting.charts import MPL_DASH, frontier_chart

    spec = frontier_spec(FRONTIER, "en")
    ax = frontier_chart(FRONTIER, "en").axes[0]
    opt, gre, vline, dot = ax.lines
    for line, s in ((opt, spec.series[0]), (gre, spec.series[1])):
        np.testing.assert_array_equal(line.get_xdata(), s.x)
        np.testing.assert_array_equal(line.get_ydata(), s.y)
        assert (line.get_color(), line.get_linewidth(), line.get_linestyle()) == (s.colour, s.width, MPL_DASH[s.dash])
    assert list(vline.get_xdata()) == [20e6, 20e6] and vline.get_linestyle() == ":"
    assert (list(dot.get_xdata()), list(dot.get_ydata()), dot.get_marker()) == ([20e6], [35.0], "o")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [w for w, _ in spec.legend()]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == (spec.x.title, spec.y.title, spec.title)
    # the ticks: nice_ticks over the axes' limits, written by tick_text
    lo, hi = ax.get_xlim()
    np.testing.assert_allclose(ax.get_xticks(), nice_ticks(lo, hi, 9))
    assert [ax.xaxis.get_major_formatter()(t, 0) for t in ax.get_xticks()] == ["10", "15", "20", "25", "30", "35", "40"]


def test_render_svg_draws_a_chart_without_legend_or_data():
    from workbench.reporting.chart_specs import LineChart

    svg = render_svg(LineChart("Vide", Axis("x"), Axis("y"))).decode()
    ET.fromstring(svg)
    assert "Vide" in svg and "<polyline" not in svg and "fill-opacity" not in svg
