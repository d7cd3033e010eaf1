"""Pure functions turning the dashboard's results into what it shows: the frontier as SVG, charts
as PNG, shortfall probabilities, reasons and warnings in the page's language."""
from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from ..messages import render_text
from ..units import number
from .texts import label


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


def _nice_ticks(lo: float, hi: float, n: int = 6) -> list[float]:
    """Round tick values covering ``[lo, hi]`` (steps of 1, 2, 2.5 or 5 times a power of ten)."""
    span = hi - lo
    if not np.isfinite(span) or span <= 0:
        return [lo]
    raw = span / max(n - 1, 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = np.ceil(lo / step) * step
    return [0.0 if abs(v) < step * 1e-9 else float(v) for v in np.arange(first, hi + step * 1e-9, step)]


def frontier_svg(fr: pd.DataFrame, current: tuple[float, float], lang: str = "fr",
                 provisional: bool = False, width: int = 520, height: int = 310) -> bytes:
    """The dashboard's frontier chart as SVG: optimal value by budget, the greedy curve (value
    per euro), and the current portfolio as a point on a dotted vertical at its budget.

    Same content and colours as :func:`workbench.charts.frontier_chart` (the reports' chart),
    written directly as SVG text: a slider move redraws it in well under a millisecond, where
    rendering a matplotlib PNG took 60-100 ms, and the browser paints it at any size.
    ``fr``: ``budget_eur``, ``value``, ``greedy_value`` (:func:`workbench.portfolio.frontier`);
    ``current``: ``(budget_eur, value)``.
    """
    import html as _html

    fr_ = lang == "fr"
    f = fr.sort_values("budget_eur")
    x = f["budget_eur"].to_numpy(float)
    opt = f["value"].to_numpy(float) if "value" in f else np.full(len(x), np.nan)
    gre = f["greedy_value"].to_numpy(float) if "greedy_value" in f else np.full(len(x), np.nan)
    xs = np.concatenate([x, [current[0]]])
    ys = np.concatenate([opt, gre, [current[1]]])
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

    def line(xv, yv, style):
        ok = np.isfinite(xv) & np.isfinite(yv)
        if ok.sum() < 1:
            return ""
        pts = " ".join(f"{px(a):.1f},{py(b):.1f}" for a, b in zip(xv[ok], yv[ok]))
        return f"<polyline fill='none' points='{pts}' {style}/>"

    esc = _html.escape
    title = label("frontier", lang) + (f" ({label('frontier_coming', lang)})" if provisional else "")
    out = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
           f"viewBox='0 0 {width} {height}' font-family='DejaVu Sans, Arial, sans-serif' font-size='11'>",
           f"<rect width='{width}' height='{height}' fill='white'/>"]
    def digits(ticks, scale):
        return 0 if all(abs(t / scale - round(t / scale)) < 1e-9 for t in ticks) else 1

    xt, yt = _nice_ticks(x0, x1), _nice_ticks(y0, y1)
    dx, dy = digits(xt, 1e6), digits(yt, 1.0)
    for t in xt:
        out.append(f"<line x1='{px(t):.1f}' x2='{px(t):.1f}' y1='{T_}' y2='{T_ + ph}' stroke='#ddd'/>"
                   f"<text x='{px(t):.1f}' y='{T_ + ph + 14}' text-anchor='middle'>{esc(number(t / 1e6, lang, dx))}</text>")
    for t in yt:
        out.append(f"<line x1='{L_}' x2='{L_ + pw}' y1='{py(t):.1f}' y2='{py(t):.1f}' stroke='#ddd'/>"
                   f"<text x='{L_ - 5}' y='{py(t) + 4:.1f}' text-anchor='end'>{esc(number(t, lang, dy))}</text>")
    out.append(f"<rect x='{L_}' y='{T_}' width='{pw}' height='{ph}' fill='none' stroke='#444'/>")
    out.append(line(x, gre, "stroke='#ff7f0e' stroke-width='1.3' stroke-dasharray='5,3'"))
    out.append(line(x, opt, "stroke='#1f77b4' stroke-width='2'"))
    if np.isfinite(current[0]) and np.isfinite(current[1]):
        cx, cy = px(current[0]), py(current[1])
        out.append(f"<line x1='{cx:.1f}' x2='{cx:.1f}' y1='{T_}' y2='{T_ + ph}' stroke='black' "
                   f"stroke-width='0.8' stroke-dasharray='1,2'/><circle cx='{cx:.1f}' cy='{cy:.1f}' r='4'/>")
    legend = [("Optimum (MILP)", "stroke='#1f77b4' stroke-width='2'"),
              ("Glouton (valeur par euro)" if fr_ else "Greedy (value per euro)",
               "stroke='#ff7f0e' stroke-width='1.3' stroke-dasharray='5,3'"),
              ("Portefeuille actuel" if fr_ else "Current portfolio", None)]
    lx, ly = L_ + pw - 178, T_ + ph - 12 - 15 * len(legend)
    out.append(f"<rect x='{lx - 6}' y='{ly - 4}' width='180' height='{15 * len(legend) + 6}' fill='white' "
               f"fill-opacity='0.85' stroke='#ccc'/>")
    for k, (txt, style) in enumerate(legend):
        yk = ly + 15 * k + 6
        out.append(f"<line x1='{lx}' x2='{lx + 22}' y1='{yk}' y2='{yk}' {style}/>" if style
                   else f"<circle cx='{lx + 11}' cy='{yk}' r='4'/>")
        out.append(f"<text x='{lx + 28}' y='{yk + 4}' font-size='10'>{esc(txt)}</text>")
    out.append(f"<text x='{L_ + pw / 2:.0f}' y='{height - 8}' text-anchor='middle'>"
               f"{esc('Enveloppe (M€)' if fr_ else 'Envelope (M€)')}</text>")
    out.append(f"<text transform='translate(14,{T_ + ph / 2:.0f}) rotate(-90)' text-anchor='middle'>"
               f"{esc('Valeur totale (points)' if fr_ else 'Total value (points)')}</text>")
    out.append(f"<text x='{L_ + pw / 2:.0f}' y='18' text-anchor='middle' font-size='13'>{esc(title)}</text></svg>")
    return "".join(out).encode("utf-8")


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
    (:func:`workbench.labels.translate_warning`); an uncoded warning is shown as it is."""
    return render_text(warning, lang)


def translate_reason(reason, lang: str = "fr") -> str:
    """A ranking or eligibility reason in ``lang``, rendered from the message catalog by its code
    (:func:`workbench.messages.render_text`); a reason without a code is shown as it is."""
    return render_text(reason, lang)
