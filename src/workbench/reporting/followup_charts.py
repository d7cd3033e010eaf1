"""Figures of the follow-up: the re-forecast's fan chart (matplotlib, in the style of
:mod:`workbench.reporting.charts`: no pyplot state, amounts in M€, French by default)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from .charts import _meur_axis
from ..messages import label


def fan_chart(rf, fund: str | None = None, lang: str = "fr") -> Figure:
    """CP needs by year from the as-of date: P10–P90 band, median, the remaining schedule without
    uncertainty, and the CP voted where the scenario gives them.

    Parameters
    ----------
    rf : Reforecast
        From :func:`workbench.followup.reforecast.reforecast`.
    fund : str, optional
        Default: the first fund of the book.
    lang : {"fr", "en"}
    """
    y = rf.yearly
    fund = fund or (y["fund"].iloc[0] if len(y) else "")
    t = y[y["fund"] == fund]
    years = t["year"].to_numpy()
    fig = Figure(figsize=(8, 4.5), layout="constrained")
    ax = fig.add_subplot()
    ax.fill_between(years, t["cp_need_p10_eur"], t["cp_need_p90_eur"], color="#1f77b4", alpha=0.25,
                    label=label("fu_fan_band", lang))
    ax.plot(years, t["cp_need_p50_eur"], color="#1f77b4", lw=2, label=label("fu_fan_p50", lang))
    ax.plot(years, t["planned_cp_eur"], color="#7f7f7f", lw=1.2, ls="--", marker="o", ms=3,
            label=label("fu_fan_planned", lang))
    voted = t["cp_voted_eur"].to_numpy(float)
    if np.isfinite(voted).any():
        ax.plot(years, voted, color="#d62728", lw=0, marker="_", ms=22, mew=2.5, label=label("fu_fan_voted", lang))
    ax.set_title(label("fu_fan_title", lang, fund=fund, as_of=rf.as_of.isoformat()))
    ax.set_xlabel(label("fu_fan_xlabel", lang))
    ax.set_xticks(years)
    _meur_axis(ax, lang)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)
    return fig
