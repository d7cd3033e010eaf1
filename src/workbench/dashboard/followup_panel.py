"""The dashboard's follow-up tab: a laureate book at a date, its position and re-forecast.

A small widget panel (layout only) over :mod:`workbench.followup.status` (computing): the
committee picks a shipped example book or the book of the scenario's folder
(``books/*.csv|xlsx|sqlite``), a date, and sees the fund's position, the re-forecast fan chart,
the drift and flags and the savings by cohort, as the follow-up report shows them.  The
:class:`workbench.dashboard.Dashboard` embeds it; it runs the computation when asked (a button),
in the kernel's thread: a book of a few hundred projects at 2,000 draws takes well under a second.
"""
from __future__ import annotations

import io
from pathlib import Path
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..reporting import labels as L
from ..errors import InputError
from ..messages import render

if TYPE_CHECKING:
    from ..followup.status import Status

#: Re-forecast draws of the dashboard's follow-up (the report's default is 2,000 too).
PANEL_DRAWS = 2000


def book_choices(scenario_dir: Path | None = None, lang: str = "fr") -> list[tuple[str, str]]:
    """``(label, path)`` of the books a committee may open: the shipped examples (said so in
    ``lang``), then the books in a ``books/`` folder beside the scenario."""
    from ..resources import data_path  # not .examples: it imports scipy (the dashboard's first page waits)

    out = []
    shipped = data_path("books", "ftap_call2_2020-12-31.csv").parent
    for p in sorted(shipped.glob("*.csv")):
        out.append((f"{p.stem} ({render('D_FU_EXAMPLE', lang)})", str(p)))
    if scenario_dir is not None and (Path(scenario_dir) / "books").is_dir():
        for p in sorted((Path(scenario_dir) / "books").iterdir()):
            if p.suffix.lower() in (".csv", ".xlsx", ".sqlite", ".db"):
                out.append((p.name, str(p)))
    return out


def _default_date(path: str) -> str:
    stem = Path(path).stem
    tail = stem[-10:]
    return tail if len(tail) == 10 and tail[4] == "-" and tail[7] == "-" else "2020-12-31"


class FollowupPanel:
    """The follow-up widgets; ``scenario()`` gives the scenario in force when computing."""

    def __init__(self, scenario: Callable[[], Any], lang: str = "fr", scenario_dir: Path | None = None):
        self.scenario = scenario
        self.lang = lang
        self.scenario_dir = scenario_dir
        self.status: Status | None = None
        self._root = None

    def widget(self):
        import ipywidgets as W

        choices = book_choices(self.scenario_dir, self.lang)
        self.title = W.HTML()
        self.book = W.Dropdown(options=choices, value=choices[0][1] if choices else None,
                               layout=W.Layout(width="60%"))
        self.as_of = W.Text(value=_default_date(self.book.value) if self.book.value else "2020-12-31",
                            layout=W.Layout(width="20%"))
        self.run = W.Button(icon="calculator", layout=W.Layout(width="18%"))
        self.out = W.HTML()
        self.fan = W.Image(format="png", layout=W.Layout(max_width="620px", display="none"))
        for w, k in ((self.book, "book"), (self.as_of, "as-of"), (self.run, "run"), (self.out, "out"),
                     (self.fan, "fan")):
            w.add_class(f"wb-followup-{k}")
        self.book.observe(lambda ch: setattr(self.as_of, "value", _default_date(ch["new"])), "value")
        self.run.on_click(lambda _b: self.compute())
        self.relabel(self.lang)
        self._root = W.VBox([self.title, W.HBox([self.book, self.as_of, self.run]), self.fan, self.out])
        return self._root

    def relabel(self, lang: str) -> None:
        if lang != self.lang and self._root is not None:   # the books' labels in the language
            book, day = self.book.value, self.as_of.value
            self.book.options = book_choices(self.scenario_dir, lang)
            self.book.value, self.as_of.value = book, day
        self.lang = lang
        self.title.value = f"<b>{render('D_FU_TITLE', lang)}</b>"
        self.book.description, self.as_of.description = render("D_FU_BOOK", lang), render("D_FU_AS_OF", lang)
        self.run.description = render("D_FU_RUN", lang)
        if self.status is None:
            self.out.value = f"<i>{render('D_FU_HINT', lang)}</i>"

    def compute(self) -> None:
        """Load the book at the date, compute the position and re-forecast, show them."""
        from ..followup import status as FS
        from ..followup import store

        lang = self.lang
        try:
            scn = self.scenario()
            day = FS.parse_as_of(self.as_of.value)
            src = self.book.value
            book = FS.load_book(src, day, scenario=scn)
            self.status = st = FS.compute_status(scn, book, day, draws=PANEL_DRAWS,
                                                 db=src if store.is_database(src) else None)
        except InputError as exc:
            self.out.value = f"<div class='wb-err'>{L.problems_message(exc.problems, lang)}</div>"
            self.fan.layout.display = "none"
            return
        from ..reporting.followup_charts import fan_chart

        fig = fan_chart(st.reforecast, lang=lang)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=90)
        self.fan.value = buf.getvalue()
        self.fan.layout.display = ""
        parts = [f"<h4>{L.label('fu_position_title', lang)}</h4>",
                 L.table_html(st.position.funds, lang, ["fund", "committed_eur", "paid_to_date_eur", "outstanding_eur",
                                                        "decommitted_eur", "available_for_next_calls_eur"]),
                 f"<h4>{L.label('fu_reforecast_title', lang)}</h4>",
                 L.table_html(st.reforecast.summary, lang, ["fund", "remaining_eur", "future_paid_mean_eur",
                                                            "freed_by_abandonment_mean_eur", "safe_to_commit_eur",
                                                            "shortfall_any_year_probability"]),
                 f"<h4>{L.label('fu_drift_title', lang)}</h4>",
                 L.table_html(st.drift_summary, lang, ["drift", "mean_rate", "weighted_mean_rate",
                                                       "panorama_nov2020_rate"]),
                 L.table_html(st.drift, lang, ["id", "status", "grant_eur", "budget_drift_rate",
                                               "schedule_drift_rate", "flag_late_first_results",
                                               "flag_no_dinum_opinion", "flag_stalled_payments"]),
                 f"<h4>{L.label('fu_savings_title', lang)}</h4>",
                 L.table_html(st.savings.astype({"cohort": str}), lang,
                              ["cohort", "n_projects", "paid_to_date_eur", "declared_savings_eur",
                               "measured_savings_eur", "target_savings_eur", "realisation_rate"])]
        synth = st.provenance.get("synthetic_columns") or []
        if synth:   # the columns said in words of the language (every column: "all")
            note = (L.label("fu_synthetic_all", lang) if "all" in synth else
                    L.label("fu_synthetic_note", lang, columns=", ".join(L.header(c, lang) for c in synth))
                    ).replace("**", "")
            parts.insert(0, f"<p><i>{note}</i></p>")
        self.out.value = "\n".join(parts)
