"""The dashboard's widgets: the controls, the outputs and their layout (no computation, no callbacks).

:func:`build_layout` returns the widgets by name; :class:`workbench.dashboard.app.Dashboard` wires
their events and fills the outputs.  Every control carries a stable CSS class (``wb-<name>``) the
browser tests and the benchmark select on.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..scenario import CRITERIA
from .settings import RULE_NEUTRAL, SELECTION_TOGGLES
from ..messages import render
from .texts import CSS


@dataclass
class Layout:
    """The dashboard's widgets.

    ``controls`` and ``outputs`` by name; ``titles``: section title widgets as
    ``{name: (widget, message code)}``; ``labelled``: ``(widget, attribute, message code)`` of
    every labelled control (relabelled when the language changes, :mod:`workbench.messages`);
    ``root``: the page.
    """

    controls: dict[str, Any]
    outputs: dict[str, Any]
    titles: dict[str, tuple[Any, str]]
    labelled: list[tuple[Any, str, str]]
    root: Any


def build_layout(lang: str, scenario_options: list[tuple[str, str]], scenario_value: str,
                 extra: tuple[Any, ...] = ()) -> Layout:
    """The dashboard's widgets in ``lang``: a sidebar of controls and the main column of outputs
    (``extra`` widgets appended below it, such as the follow-up panel).

    ``scenario_options``: the scenario picker's ``(label, path)`` pairs; ``scenario_value``: the
    path opened first.
    """
    import ipywidgets as W

    L = lang
    labelled: list[tuple[Any, str, str]] = []
    c: dict[str, Any] = {}
    lay = W.Layout

    def lab(w, code, attr="description"):
        labelled.append((w, attr, code))
        setattr(w, attr, render(code, L))
        return w

    c["scenario"] = lab(W.Dropdown(options=scenario_options, value=scenario_value,
                                   layout=lay(width="100%"), style={"description_width": "70px"}), "D_SCENARIO")
    c["lang"] = W.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=L,
                                style={"button_width": "42px"}, layout=lay(width="auto"))
    c["call"] = lab(W.Dropdown(options=[], layout=lay(width="100%"), style={"description_width": "70px"}), "D_CALL")
    c["upload"] = lab(W.FileUpload(accept=".csv,.xlsx,.xlsm", multiple=False, layout=lay(width="100%")), "D_UPLOAD")
    c["upload"].add_class("wb-upload")
    c["shipped"] = lab(W.Button(layout=lay(width="100%")), "D_SHIPPED")
    c["upload_msg"] = W.HTML()
    slider = dict(min=0.0, max=1.0, step=0.05, continuous_update=False, readout_format=".2f",
                  layout=lay(width="100%"), style={"description_width": "120px"})
    for crit in CRITERIA:
        c[f"weight_{crit}"] = lab(W.FloatSlider(**slider), f"D_CRITERION_{crit.upper()}")
        c[f"weight_{crit}"].add_class(f"wb-weight-{crit}")
    c["budget"] = lab(W.FloatSlider(min=0.0, max=1.0, step=0.5, continuous_update=False, readout_format=".1f",
                                    layout=lay(width="100%"), style={"description_width": "120px"}), "D_BUDGET")
    c["budget"].add_class("wb-budget")
    c["cofinancing"] = lab(W.FloatSlider(min=0.0, max=0.9, step=0.05, continuous_update=False,
                                         readout_format=".0%", layout=lay(width="100%"),
                                         style={"description_width": "120px"}), "D_COFINANCING")
    c["min_cost"] = lab(W.BoundedFloatText(min=0.0, max=1e4, step=0.05, layout=lay(width="100%"),
                                           style={"description_width": "160px"}), "D_MIN_COST")
    c["min_cost_terr"] = lab(W.BoundedFloatText(min=0.0, max=1e4, step=0.05, layout=lay(width="100%"),
                                                style={"description_width": "160px"}), "D_MIN_COST_TERR")
    for rule in RULE_NEUTRAL:
        c[f"rule_{rule}"] = lab(W.Checkbox(value=True, indent=False), f"D_RULE_{rule.upper()}")
    for rule in SELECTION_TOGGLES:
        c[f"sel_{rule}"] = lab(W.Checkbox(value=False, indent=False), f"D_SEL_{rule.upper()}")
    c["force_in"] = W.TagsInput(allowed_tags=[], allow_duplicates=False, layout=lay(width="100%"))
    c["force_out"] = W.TagsInput(allowed_tags=[], allow_duplicates=False, layout=lay(width="100%"))
    c["variant_name"] = lab(W.Text(layout=lay(width="100%"), style={"description_width": "50px"}), "D_VARIANT_NAME")
    c["save_variant"] = lab(W.Button(icon="save", layout=lay(width="100%")), "D_SAVE_VARIANT")
    c["variant_msg"] = W.HTML()
    c["variant_replace"] = lab(W.Button(button_style="warning", layout=lay(width="48%", display="none")), "D_REPLACE")
    c["variant_cancel"] = lab(W.Button(layout=lay(width="48%", display="none")), "D_CANCEL")
    c["variant_replace"].add_class("wb-variant-replace")
    c["variant_cancel"].add_class("wb-variant-cancel")
    c["compare_a"] = lab(W.Dropdown(layout=lay(width="100%"), style={"description_width": "80px"}), "D_VARIANT_A")
    c["compare_b"] = lab(W.Dropdown(layout=lay(width="100%"), style={"description_width": "80px"}), "D_VARIANT_B")
    c["compare_btn"] = lab(W.Button(icon="columns", layout=lay(width="100%")), "D_COMPARE")
    c["export_csv"] = W.Button(description="CSV", icon="download", layout=lay(width="48%"))
    c["export_xlsx"] = W.Button(description="XLSX", icon="download", layout=lay(width="48%"))
    c["download"] = W.HTML()
    c["detail_select"] = W.Select(options=[], rows=10, layout=lay(width="100%"))
    c["show_all"] = lab(W.Checkbox(value=False, indent=False, layout=lay(width="auto")), "D_SHOW_ALL")
    for k in ("scenario", "call", "lang", "variant_name", "save_variant", "compare_a", "compare_b", "compare_btn",
              "export_csv", "export_xlsx", "detail_select", "cofinancing", "min_cost", "min_cost_terr", "show_all"):
        c[k].add_class("wb-" + k.replace("_", "-"))  # stable hooks for the browser tests

    o: dict[str, Any] = {}
    o["header"] = W.HTML()
    o["warnings"] = W.HTML()
    o["status"] = W.HTML()
    o["totals"] = W.HTML()
    o["table"] = W.HTML(layout=lay(max_height="460px", overflow="auto", width="100%"))
    o["table"].add_class("wb-ranked")
    o["frontier_title"] = W.HTML()
    o["frontier_img"] = W.Image(format="svg+xml", layout=lay(width="100%", max_width="520px"))
    o["frontier_img"].add_class("wb-frontier")
    o["fan_title"] = W.HTML()
    o["fan_img"] = W.Image(format="png", layout=lay(width="100%", max_width="520px", display="none"))
    o["fan_img"].add_class("wb-fan")
    o["fan_msg"] = W.HTML()
    o["robust_msg"] = W.HTML()
    o["robust_img"] = W.Image(format="png", layout=lay(max_width="620px", display="none"))
    o["robust_img"].add_class("wb-robustness")
    o["detail"] = W.HTML()
    o["compare_out"] = W.HTML()

    # section titles
    t = {k: W.HTML() for k in ("t_candidates", "t_weights", "t_thresholds", "t_rules", "t_force_in",
                               "t_force_out", "t_variants", "t_export", "t_ranked", "t_detail",
                               "t_robustness")}
    codes = {"t_candidates": "D_CANDIDATES", "t_weights": "D_WEIGHTS", "t_thresholds": "D_SETTINGS",
             "t_rules": "D_RULES", "t_force_in": "D_FORCE_IN", "t_force_out": "D_FORCE_OUT",
             "t_variants": "D_VARIANTS", "t_export": "D_EXPORT", "t_ranked": "D_RANKED", "t_detail": "D_DETAIL",
             "t_robustness": "D_ROBUSTNESS"}
    titles = {k: (w, codes[k]) for k, w in t.items()}

    sidebar = W.VBox([
        c["lang"], c["scenario"],
        t["t_candidates"], c["call"], c["upload"], c["shipped"], c["upload_msg"],
        t["t_weights"], *[c[f"weight_{k}"] for k in CRITERIA],
        t["t_thresholds"], c["budget"], c["cofinancing"], c["min_cost"], c["min_cost_terr"],
        t["t_rules"], *[c[f"rule_{r}"] for r in RULE_NEUTRAL], *[c[f"sel_{r}"] for r in SELECTION_TOGGLES],
        t["t_force_in"], c["force_in"], t["t_force_out"], c["force_out"],
        t["t_variants"], c["variant_name"], c["save_variant"], c["variant_msg"],
        W.HBox([c["variant_replace"], c["variant_cancel"]]),
        c["compare_a"], c["compare_b"], c["compare_btn"],
        t["t_export"], W.HBox([c["export_csv"], c["export_xlsx"]]), c["download"],
    ], layout=lay(width="330px", min_width="300px", padding="0 10px 0 0"))
    charts = W.HBox([W.VBox([o["frontier_title"], o["frontier_img"]], layout=lay(width="50%")),
                     W.VBox([o["fan_title"], o["fan_msg"], o["fan_img"]], layout=lay(width="50%"))])
    lower = W.HBox([W.VBox([W.HBox([t["t_ranked"], c["show_all"]], layout=lay(justify_content="space-between")),
                            o["table"]], layout=lay(width="68%")),
                    W.VBox([t["t_detail"], c["detail_select"], o["detail"]], layout=lay(width="32%",
                                                                                         padding="0 0 0 10px"))])
    main = W.VBox([o["header"], o["warnings"], o["status"], o["totals"], charts, lower,
                   t["t_robustness"], o["robust_msg"], o["robust_img"], o["compare_out"]], layout=lay(flex="1 1 auto", width="100%"))
    main.children = (*main.children, *extra)
    root = W.HBox([W.HTML(CSS), sidebar, main], layout=lay(width="100%"))
    root.add_class("wb-dashboard")
    return Layout(controls=c, outputs=o, titles=titles, labelled=labelled, root=root)
