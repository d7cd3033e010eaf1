"""The sensitivity chart of the committee (a RangeChart: weight stability per criterion with the
members' weights), described once (workbench.reporting.chart_specs) and drawn as SVG and Matplotlib."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from workbench.reporting.chart_specs import range_rows_text, stability_spec
from workbench.reporting.charts import stability_chart
from workbench.reporting.svg import render_ranges_svg

NS = {"s": "http://www.w3.org/2000/svg"}
TABLE = pd.DataFrame({"criterion": ["strategic", "service", "savings", "governance"],
                      "weight": [0.35, 0.27, 0.2, 0.18], "low": [0.0, 0.1, 0.0, 0.05], "high": [0.5, 0.6, 1.0, 0.3]})
MEMBERS = {"Anne <b>": {"strategic": 0.5, "service": 0.2, "savings": 0.15, "governance": 0.15},
           "Bruno": {"strategic": 0.2, "service": 0.34, "savings": 0.25, "governance": 0.21}}


def test_the_spec_holds_each_criterions_range_weight_and_members():
    spec = stability_spec(TABLE, "fr", MEMBERS)
    assert [r.label for r in spec.rows] == ["Stratégique et innovant", "Qualité de service", "Économies durables",
                                            "Gouvernance"]
    assert [(r.low, r.high, r.current) for r in spec.rows] == list(zip(TABLE["low"], TABLE["high"], TABLE["weight"]))
    assert spec.rows[0].marks == (0.5, 0.2) and spec.rows[0].mark_names == ("Anne <b>", "Bruno")
    assert spec.legend == ("portefeuille inchangé", "poids en vigueur", "poids d'un membre")
    assert spec.x.title == "Poids du critère (%)"
    assert range_rows_text(spec)[1] == ("Qualité de service", "10,0", "60,0", "27,0", "Anne <b> 20,0, Bruno 34,0")
    en = stability_spec(TABLE, "en")
    assert en.legend[2] is None and en.rows[0].marks == () and range_rows_text(en)[0][1:4] == ("0.0", "50.0", "35.0")


def test_the_svg_draws_the_ranges_to_scale_and_carries_its_text():
    spec = stability_spec(TABLE, "fr", MEMBERS)
    svg = render_ranges_svg(spec, width=560)
    root = ET.fromstring(svg)                                     # well-formed XML
    assert root.get("role") == "img"
    assert root.find("s:title", NS).text == spec.title
    desc = root.find("s:desc", NS).text
    assert "Qualité de service: 10,0–60,0 (27,0; Anne <b> 20,0, Bruno 34,0)" in desc     # escaped in the file
    assert b"Anne &lt;b&gt;" in svg and b"Anne <b>" not in svg
    bars = [r for r in root.findall("s:rect", NS) if r.get("class") == "wb-rc-bar"]
    assert len(bars) == 4
    left, width = 170, 560 - 170 - 16                             # the plot's margins [px]
    for bar, r in zip(bars, spec.rows):
        assert float(bar.get("x")) == pytest.approx(left + r.low * width, abs=0.06)
        assert float(bar.get("width")) == pytest.approx(max((r.high - r.low) * width, 1.5), abs=0.11)
    dots = [c for c in root.findall("s:circle", NS) if c.get("class") == "wb-rc-dot"]
    assert len(root.findall("s:line[@class='wb-rc-mark']", NS)) == 8          # two members, four criteria
    assert [float(c.get("cx")) for c in dots] == pytest.approx([left + w * width for w in TABLE["weight"]], abs=0.06)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Gouvernance" in texts and "100" in texts and "50" in texts and "Poids du critère (%)" in texts


def test_the_matplotlib_figure_draws_the_same_rows():
    fig = stability_chart(TABLE, "en", MEMBERS)
    ax = fig.axes[0]
    bars = ax.patches
    assert [(round(b.get_x(), 6), round(b.get_width(), 6)) for b in bars] == \
        [(lo, round(hi - lo, 6)) for lo, hi in zip(TABLE["low"], TABLE["high"])]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Governance", "Lasting savings", "Service quality",
                                                            "Strategic and innovative"]
    assert ax.get_xlim() == (0.0, 1.0) and ax.get_xlabel() == "Weight of the criterion (%)"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["portfolio unchanged", "weight in force",
                                                                   "a member's weight"]
    assert ax.xaxis.get_major_formatter()(0.5, 0) == "50"
