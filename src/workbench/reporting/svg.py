"""The chart API's SVG back-end: a :class:`~workbench.reporting.chart_specs.LineChart` as SVG text.

Written directly as text (no Matplotlib): the dashboard redraws its frontier on every slider
move in well under a millisecond, where a Matplotlib PNG took 60-100 ms, and the browser paints
it at any size.  The axes start at zero and end at the data's extent, padded by 3 % (x) and 5 %
(y); ticks follow :func:`~workbench.reporting.chart_specs.nice_ticks` (at most 5 intervals at
this size), written by :func:`~workbench.reporting.chart_specs.tick_text`.  Widths are in SVG
units (one per point of the spec); a dot's radius is 2/3 of its size in points (a 6-point dot
is 8 units across).
"""
from __future__ import annotations

import html

import numpy as np

from .chart_specs import LineChart, RangeChart, Series, nice_ticks, tick_text

#: SVG dash patterns of the spec's dash styles.
SVG_DASH = {"solid": "", "dashed": " stroke-dasharray='5,3'", "dotted": " stroke-dasharray='1,2'"}
#: Tick intervals at most, per axis, at the dashboard's size.
INTERVALS = 5


def _stroke(colour: str, width: float, dash: str) -> str:
    return f"stroke='{colour}' stroke-width='{width:g}'{SVG_DASH[dash]}"


def render_svg(chart: LineChart, width: int = 520, height: int = 310) -> bytes:
    """``chart`` drawn as an SVG image ``width`` x ``height`` px (UTF-8 bytes): grid and ticks,
    frame, series, vertical markers, points, legend (always lower right: ``chart.legend_loc`` is
    Matplotlib's alone), axis titles and title."""
    esc = html.escape
    lang = chart.lang
    xs = np.array([v for s in chart.series for v in s.x] + [v.x for v in chart.vlines] + [p.x for p in chart.points],
                  float)
    ys = np.array([v for s in chart.series for v in s.y] + [p.y for p in chart.points], float)
    xs, ys = xs[np.isfinite(xs)], ys[np.isfinite(ys)]
    x0, x1 = (min(xs.min(), 0.0), xs.max()) if len(xs) else (0.0, 1.0)
    y0, y1 = (min(ys.min(), 0.0), ys.max()) if len(ys) else (0.0, 1.0)
    padx, pady = 0.03 * ((x1 - x0) or 1.0), 0.05 * ((y1 - y0) or 1.0)
    x0, x1, y0, y1 = x0 - padx, x1 + padx, y0 - pady, y1 + pady
    L_, R_, T_, B_ = 62, 12, 30, 44  # margins [px]
    pw, ph = width - L_ - R_, height - T_ - B_

    def px(v):
        return L_ + (v - x0) / (x1 - x0) * pw

    def py(v):
        return T_ + (y1 - v) / (y1 - y0) * ph

    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"viewBox='0 0 {width} {height}' font-family='DejaVu Sans, Arial, sans-serif' font-size='11'>",
           f"<rect width='{width}' height='{height}' fill='white'/>"]
    xt, yt = nice_ticks(x0, x1, INTERVALS), nice_ticks(y0, y1, INTERVALS)
    for t in xt:
        out.append(f"<line x1='{px(t):.1f}' x2='{px(t):.1f}' y1='{T_}' y2='{T_ + ph}' stroke='#ddd'/>"
                   f"<text x='{px(t):.1f}' y='{T_ + ph + 14}' text-anchor='middle'>{esc(tick_text(t, chart.x, xt, lang))}</text>")
    for t in yt:
        out.append(f"<line x1='{L_}' x2='{L_ + pw}' y1='{py(t):.1f}' y2='{py(t):.1f}' stroke='#ddd'/>"
                   f"<text x='{L_ - 5}' y='{py(t) + 4:.1f}' text-anchor='end'>{esc(tick_text(t, chart.y, yt, lang))}</text>")
    out.append(f"<rect x='{L_}' y='{T_}' width='{pw}' height='{ph}' fill='none' stroke='#444'/>")
    for s in chart.series:
        xv, yv = np.asarray(s.x, float), np.asarray(s.y, float)
        ok = np.isfinite(xv) & np.isfinite(yv)
        if ok.any():
            pts = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xv[ok], yv[ok]))
            out.append(f"<polyline fill='none' points='{pts}' {_stroke(s.colour, s.width, s.dash)}/>")
    for v in chart.vlines:
        out.append(f"<line x1='{px(v.x):.1f}' x2='{px(v.x):.1f}' y1='{T_}' y2='{T_ + ph}' "
                   f"{_stroke(v.colour, v.width, v.dash)}/>")
    for p in chart.points:
        out.append(f"<circle cx='{px(p.x):.1f}' cy='{py(p.y):.1f}' r='{p.size / 3 * 2:g}' fill='{p.colour}'/>")
    legend = chart.legend()
    if legend:
        lx, ly = L_ + pw - 178, T_ + ph - 12 - 15 * len(legend)
        out.append(f"<rect x='{lx - 6}' y='{ly - 4}' width='180' height='{15 * len(legend) + 6}' fill='white' "
                   f"fill-opacity='0.85' stroke='#ccc'/>")
        for k, (words, item) in enumerate(legend):
            yk = ly + 15 * k + 6
            out.append(f"<line x1='{lx}' x2='{lx + 22}' y1='{yk}' y2='{yk}' {_stroke(item.colour, item.width, item.dash)}/>"
                       if isinstance(item, Series) else
                       f"<circle cx='{lx + 11}' cy='{yk}' r='{item.size / 3 * 2:g}' fill='{item.colour}'/>")
            out.append(f"<text x='{lx + 28}' y='{yk + 4}' font-size='10'>{esc(words)}</text>")
    out.append(f"<text x='{L_ + pw / 2:.0f}' y='{height - 8}' text-anchor='middle'>{esc(chart.x.title)}</text>")
    out.append(f"<text transform='translate(14,{T_ + ph / 2:.0f}) rotate(-90)' text-anchor='middle'>"
               f"{esc(chart.y.title)}</text>")
    out.append(f"<text x='{L_ + pw / 2:.0f}' y='18' text-anchor='middle' font-size='13'>"
               f"{esc(chart.title)}</text></svg>")
    return "".join(out).encode("utf-8")


def render_ranges_svg(chart: RangeChart, width: int = 560) -> bytes:
    """A :class:`~workbench.reporting.chart_specs.RangeChart` as SVG (UTF-8 bytes): one row per
    category (label at left), its range as a bar, the value in force as a dot, the marks as
    short vertical ticks; the axis from ``chart.lo`` to ``chart.hi`` with a grid; the legend
    below.  The image is labelled for assistive technologies (``role='img'``, ``<title>`` and
    ``<desc>``: every row's figures, as :func:`~workbench.reporting.chart_specs.range_rows_text`
    writes them); the page shows the same figures as a table beside it."""
    from .chart_specs import range_rows_text

    esc = html.escape
    n = len(chart.rows)
    L_, R_, T_, row_h = 170, 16, 34, 26
    ph = row_h * max(n, 1)
    height = T_ + ph + 64
    pw = width - L_ - R_
    lo, hi = chart.lo, chart.hi

    def px(v):
        return L_ + (min(max(v, lo), hi) - lo) / ((hi - lo) or 1.0) * pw

    desc = "; ".join(f"{a}: {b}–{c} ({d}{'; ' + e if e else ''})" for a, b, c, d, e in range_rows_text(chart))
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' role='img' "
           f"aria-labelledby='wb-rc-title wb-rc-desc' viewBox='0 0 {width} {height}' "
           f"font-family='DejaVu Sans, Arial, sans-serif' font-size='11'>",
           f"<title id='wb-rc-title'>{esc(chart.title)}</title><desc id='wb-rc-desc'>{esc(desc)}</desc>",
           f"<rect width='{width}' height='{height}' fill='white'/>"]
    ticks = nice_ticks(lo, hi, INTERVALS * 2)
    for t in ticks:
        out.append(f"<line x1='{px(t):.1f}' x2='{px(t):.1f}' y1='{T_}' y2='{T_ + ph}' stroke='#ddd'/>"
                   f"<text x='{px(t):.1f}' y='{T_ + ph + 14}' text-anchor='middle'>"
                   f"{esc(tick_text(t, chart.x, ticks, chart.lang))}</text>")
    out.append(f"<rect x='{L_}' y='{T_}' width='{pw}' height='{ph}' fill='none' stroke='#444'/>")
    for k, r in enumerate(chart.rows):
        yc = T_ + row_h * k + row_h / 2
        out.append(f"<text x='{L_ - 6}' y='{yc + 4:.1f}' text-anchor='end'>{esc(r.label)}</text>")
        out.append(f"<rect class='wb-rc-bar' x='{px(r.low):.1f}' y='{yc - 6:.1f}' width='{max(px(r.high) - px(r.low), 1.5):.1f}' "
                   f"height='12' fill='{chart.bar_colour}' fill-opacity='0.55'/>")
        for v in r.marks:
            out.append(f"<line class='wb-rc-mark' x1='{px(v):.1f}' x2='{px(v):.1f}' y1='{yc - 9:.1f}' y2='{yc + 9:.1f}' "
                       f"stroke='{chart.mark_colour}' stroke-width='2'/>")
        out.append(f"<circle class='wb-rc-dot' cx='{px(r.current):.1f}' cy='{yc:.1f}' r='4.5' fill='{chart.dot_colour}'/>")
    out.append(f"<text x='{L_ + pw / 2:.0f}' y='{T_ + ph + 30}' text-anchor='middle'>{esc(chart.x.title)}</text>")
    ly = T_ + ph + 48
    bar, dot, marks = chart.legend
    lx = 12   # the legend from the left edge: three entries fit in 560 px (about 6 px a character)
    out.append(f"<rect x='{lx}' y='{ly - 6}' width='22' height='12' fill='{chart.bar_colour}' fill-opacity='0.55'/>"
               f"<text x='{lx + 28}' y='{ly + 4}' font-size='10'>{esc(bar)}</text>")
    lx += 44 + 6 * len(bar)
    out.append(f"<circle cx='{lx + 8}' cy='{ly}' r='4.5' fill='{chart.dot_colour}'/>"
               f"<text x='{lx + 18}' y='{ly + 4}' font-size='10'>{esc(dot)}</text>")
    if marks:
        lx += 34 + 6 * len(dot)
        out.append(f"<line x1='{lx + 8}' x2='{lx + 8}' y1='{ly - 8}' y2='{ly + 8}' stroke='{chart.mark_colour}' "
                   f"stroke-width='2'/><text x='{lx + 16}' y='{ly + 4}' font-size='10'>{esc(marks)}</text>")
    out.append(f"<text x='{width / 2:.0f}' y='20' text-anchor='middle' font-size='13'>{esc(chart.title)}</text></svg>")
    return "".join(out).encode("utf-8")
