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
    rules_box: Any = None


def build_layout(lang: str, scenario_options: list[tuple[str, str]], scenario_value: str,
                 extra: tuple[Any, ...] = ()) -> Layout:
    """The dashboard's widgets in ``lang``: a sidebar of controls and the main column of outputs
    (``extra`` widgets appended below it, such as the follow-up panel).

    ``scenario_options``: the scenario picker's ``(label, path)`` pairs; ``scenario_value``: the
    path opened first.
    """
    import ipywidgets as W
    from ipywidgets.widgets.widget_bool import CheckboxStyle
    from ipywidgets.widgets.widget_button import ButtonStyle
    from ipywidgets.widgets.widget_description import DescriptionStyle
    from ipywidgets.widgets.widget_string import HTMLStyle, TextStyle

    L = lang
    labelled: list[tuple[Any, str, str]] = []
    c: dict[str, Any] = {}
    lay = W.Layout
    # Every widget's layout and style is a widget of its own, one more message and one more model
    # for the kernel and the page to create (a cold first page waits for them: 2-4 ms each on two
    # busy cores).  Those the dashboard never changes are shared by the widgets that look alike;
    # layouts changed at run time (fan_img, robust_img, variant_replace/cancel: ``display``) stay
    # their widget's own.
    full, plain = lay(width="100%"), lay()
    html_style, check_style, button_style = HTMLStyle(), CheckboxStyle(), ButtonStyle()
    dd70 = DescriptionStyle(description_width="70px")
    dd80 = DescriptionStyle(description_width="80px")
    num160 = DescriptionStyle(description_width="140px")
    slider_style = W.SliderStyle(description_width="120px")

    def html(**kw):
        return W.HTML(layout=kw.pop("layout", plain), style=html_style, **kw)

    def mk(cls, key: str | None = None, css: tuple[str, ...] = (), attr: str = "description", **kw):
        """A widget with its label (message ``key``, relabelled with the language) and CSS classes set at
        creation: one message to the page, not one per setting."""
        if key is not None:
            kw[attr] = render(key, L)
        if css:
            kw["_dom_classes"] = tuple(css)
        w = cls(**kw)
        if key is not None:
            labelled.append((w, attr, key))
        return w

    def hook(k: str) -> tuple[str]:  # stable hooks for the browser tests
        return ("wb-" + k.replace("_", "-"),)

    c["scenario"] = mk(W.Dropdown, "D_SCENARIO", hook("scenario"), options=scenario_options, value=scenario_value,
                       layout=full, style=dd70)
    c["lang"] = W.ToggleButtons(options=[("FR", "fr"), ("EN", "en")], value=L, _dom_classes=hook("lang"),
                                tooltips=["Français", "English"], style={"button_width": "42px"},
                                layout=lay(width="auto"))
    c["call"] = mk(W.Dropdown, "D_CALL", hook("call"), options=[], layout=full, style=dd70)
    c["upload"] = mk(W.FileUpload, "D_UPLOAD", ("wb-upload",), accept=".csv,.xlsx,.xlsm", multiple=False,
                     layout=full, style=button_style)
    c["shipped"] = mk(W.Button, "D_SHIPPED", hook("shipped"), layout=full, style=button_style)
    c["upload_msg"] = html()
    slider = dict(min=0.0, max=1.0, step=0.05, continuous_update=False, readout_format=".2f",
                  layout=full, style=slider_style)
    for crit in CRITERIA:
        c[f"weight_{crit}"] = mk(W.FloatSlider, f"D_CRITERION_{crit.upper()}", (f"wb-weight-{crit}",), **slider)
    c["budget"] = mk(W.FloatSlider, "D_BUDGET", ("wb-budget",), min=0.0, max=1.0, step=0.1, continuous_update=False,
                     readout_format=".1f", layout=full, style=slider_style)
    c["cofinancing"] = mk(W.FloatSlider, "D_COFINANCING", hook("cofinancing"), min=0.0, max=0.9, step=0.05,
                          continuous_update=False, readout_format=".0%", layout=full, style=slider_style)
    c["min_cost"] = mk(W.BoundedFloatText, "D_MIN_COST", hook("min_cost"), min=0.0, max=1e4, step=0.05, layout=full,
                       style=num160)
    c["min_cost_terr"] = mk(W.BoundedFloatText, "D_MIN_COST_TERR", hook("min_cost_terr"), min=0.0, max=1e4,
                            step=0.05, layout=full, style=num160)
    for rule in RULE_NEUTRAL:
        c[f"rule_{rule}"] = mk(W.Checkbox, f"D_RULE_{rule.upper()}", hook(f"rule_{rule}"), value=True, indent=False,
                               layout=plain, style=check_style)
    for rule in SELECTION_TOGGLES:
        c[f"sel_{rule}"] = mk(W.Checkbox, f"D_SEL_{rule.upper()}", hook(f"sel_{rule}"), value=False, indent=False,
                              layout=plain, style=check_style)
    c["force_in"] = W.TagsInput(allowed_tags=[], allow_duplicates=False, layout=full, _dom_classes=hook("force_in"))
    c["force_out"] = W.TagsInput(allowed_tags=[], allow_duplicates=False, layout=full, _dom_classes=hook("force_out"))
    # one reason field per override (built when the lists change: Dashboard._show_reason_fields)
    c["reasons"] = W.VBox([], layout=plain, _dom_classes=hook("reasons"))
    c["force_msg"] = html(_dom_classes=hook("force_msg"))
    c["variant_name"] = mk(W.Text, "D_VARIANT_NAME", hook("variant_name"), layout=full,
                           style=TextStyle(description_width="50px"))
    c["save_variant"] = mk(W.Button, "D_SAVE_VARIANT", hook("save_variant"), layout=full, style=button_style)
    c["variant_msg"] = html()
    c["variant_replace"] = mk(W.Button, "D_REPLACE", ("wb-variant-replace",), button_style="warning",
                              layout=lay(width="48%", display="none"), style=button_style)
    c["variant_cancel"] = mk(W.Button, "D_CANCEL", ("wb-variant-cancel",), layout=lay(width="48%", display="none"),
                             style=button_style)
    c["compare_a"] = mk(W.Dropdown, "D_VARIANT_A", hook("compare_a"), layout=full, style=dd80)
    c["compare_b"] = mk(W.Dropdown, "D_VARIANT_B", hook("compare_b"), layout=full, style=dd80)
    c["compare_btn"] = mk(W.Button, "D_COMPARE", hook("compare_btn"), layout=full, style=button_style)
    half = lay(width="48%")
    c["export_csv"] = mk(W.Button, "D_EXPORT_CSV", hook("export_csv"), layout=half, style=button_style)
    c["export_xlsx"] = mk(W.Button, "D_EXPORT_XLSX", hook("export_xlsx"), layout=half, style=button_style)
    c["download"] = html()
    c["detail_select"] = mk(W.Select, "D_DETAIL_PICK", hook("detail_select"), options=[], rows=8, layout=full,
                            style=DescriptionStyle(description_width="140px"))
    c["show_all"] = mk(W.Checkbox, "D_SHOW_ALL", hook("show_all"), value=False, indent=False, layout=lay(width="auto"),
                       style=check_style)

    o: dict[str, Any] = {}
    o["meta"] = html()
    o["header"] = html()
    o["warnings"] = html()
    o["busy"] = html(_dom_classes=("wb-busy-box",))
    o["status"] = html()
    o["note"] = html()
    o["totals"] = html()
    o["table"] = html(layout=lay(width="100%"), _dom_classes=("wb-ranked",))
    o["frontier_title"] = html()
    # charts: an <img> with its text alternative and its data (views.figure_html), classes
    # wb-frontier, wb-fan, wb-robustness on the image
    o["frontier_img"] = html(_dom_classes=("wb-frontier-out",))
    o["fan_title"] = html()
    o["fan_img"] = html(_dom_classes=("wb-fan-out",))
    o["robust_img"] = html(_dom_classes=("wb-robustness-out",))
    o["detail"] = html()
    o["compare_out"] = html(_dom_classes=("wb-compare-out",))
    o["rules"] = html()

    # section titles
    t = {k: html() for k in ("t_candidates", "t_weights", "t_thresholds", "t_rules", "t_overrides", "t_force_in",
                             "t_force_out", "t_reasons", "t_variants", "t_export", "t_ranked", "t_detail",
                             "t_robustness")}
    codes = {"t_candidates": "D_CANDIDATES", "t_weights": "D_WEIGHTS", "t_thresholds": "D_SETTINGS",
             "t_rules": "D_RULES", "t_overrides": "D_OVERRIDES", "t_force_in": "D_FORCE_IN",
             "t_force_out": "D_FORCE_OUT", "t_reasons": "D_REASONS", "t_variants": "D_VARIANTS",
             "t_export": "D_EXPORT", "t_ranked": "D_RANKED", "t_detail": "D_DETAIL", "t_robustness": "D_ROBUSTNESS"}
    titles = {k: (w, codes[k]) for k, w in t.items()}
    rules_box = W.Accordion(children=[o["rules"]], selected_index=None, layout=full, _dom_classes=hook("rules_panel"))

    sidebar = W.VBox([
        c["lang"], c["scenario"],
        t["t_candidates"], c["call"], c["upload"], c["shipped"], c["upload_msg"],
        t["t_weights"], *[c[f"weight_{k}"] for k in CRITERIA],
        t["t_thresholds"], c["budget"], c["cofinancing"], c["min_cost"], c["min_cost_terr"],
        t["t_rules"], *[c[f"rule_{r}"] for r in RULE_NEUTRAL], *[c[f"sel_{r}"] for r in SELECTION_TOGGLES],
        t["t_overrides"], t["t_force_in"], c["force_in"], t["t_force_out"], c["force_out"], c["force_msg"],
        t["t_reasons"], c["reasons"],
        t["t_variants"], c["variant_name"], c["save_variant"], c["variant_msg"],
        W.HBox([c["variant_replace"], c["variant_cancel"]], layout=plain),
        c["compare_a"], c["compare_b"], c["compare_btn"],
        t["t_export"], W.HBox([c["export_csv"], c["export_xlsx"]], layout=plain), c["download"],
    ], layout=lay(width="300px", min_width="260px"), _dom_classes=("wb-sidebar",))
    charts = W.HBox([W.VBox([o["frontier_title"], o["frontier_img"]], layout=lay(width="50%")),
                     W.VBox([o["fan_title"], o["fan_img"]], layout=lay(width="50%"))],
                    layout=lay(width="100%"), _dom_classes=("wb-charts",))
    ranked = W.VBox([W.HBox([t["t_ranked"], c["show_all"]], layout=lay(justify_content="space-between")),
                     o["table"]], layout=lay(width="100%"))
    detail = W.VBox([t["t_detail"], c["detail_select"], o["detail"]], layout=lay(width="100%"))
    main = W.VBox([o["meta"], o["header"], o["warnings"], o["busy"], o["status"], o["note"], o["totals"], charts,
                   ranked, detail, t["t_robustness"], o["robust_img"], o["compare_out"], rules_box],
                  layout=lay(flex="1 1 auto", width="100%"), _dom_classes=("wb-main",))
    main.children = (*main.children, *extra)
    root = W.HBox([html(value=CSS), sidebar, main], layout=full, _dom_classes=("wb-dashboard",))
    return Layout(controls=c, outputs=o, titles=titles, labelled=labelled, root=root, rules_box=rules_box)
