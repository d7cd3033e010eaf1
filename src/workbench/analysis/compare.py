"""Two scenarios side by side: what differs in their parameters and what that changes.

``workbench compare A.yaml B.yaml`` computes both scenarios with the **same seed and number of
draws** (common random numbers: a difference in the results comes from the parameters, not from
sampling noise) and writes ``<out>/compare_<A>_vs_<B>/``:

- ``parameters.csv``: every parameter whose value differs (dotted key path, A, B); sources and
  descriptions are left out, dated values are compared date by date;
- ``projects.csv``: the projects selected in one portfolio and not in the other;
- ``metrics.csv``: portfolio and envelope figures for A and B and their difference;
- ``comparison.html``: all of it as one static, self-contained page (French by default).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError

#: Keys that document a parameter rather than set it (left out of the differences).
DOC_KEYS = ("reference", "description", "unit", "labels")

#: Figures compared, in display order (from :func:`workbench.pipeline.evaluate`).
METRICS = ("n_candidates", "n_eligible", "n_selected", "budget_eur", "committed_eur", "unused_eur",
           "total_value", "value_per_meur", "greedy_shortfall_rate", "shortfall_probability",
           "p_exhausted_before_last_call", "max_year_shortfall_probability", "paid_mean_eur",
           "unused_residual_p50_eur", "unfunded_overrun_mean_eur", "savings_vs_target_rate")


def flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    """A resolved scenario as ``{dotted.key.path: value}``; parameter nodes give their value
    (``{value: x, reference: ...}`` -> ``x``), dated ones ``path.values.DATE``; list items are
    indexed (``calls[2].decision``)."""
    out: dict[str, Any] = {}
    if isinstance(node, dict):
        if "value" in node and not isinstance(node.get("value"), dict) and set(node) - {"value"} <= set(DOC_KEYS):
            out[prefix] = node["value"]
            return out
        for k, v in node.items():
            if str(k) in DOC_KEYS or str(k).startswith("_"):
                continue
            key = f"{prefix}.{k}" if prefix else str(k)
            out.update(flatten(v, key))
    elif isinstance(node, list):
        if all(not isinstance(v, (dict, list)) for v in node):
            out[prefix] = list(node)
        else:
            for i, v in enumerate(node):
                out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = node.isoformat() if isinstance(node, dt.date) else node
    return out


def parameter_differences(a, b) -> pd.DataFrame:
    """Every parameter whose value differs between scenarios ``a`` and ``b``.

    Returns
    -------
    DataFrame
        ``parameter`` (dotted key path), ``value_a``, ``value_b`` (``None`` where absent), in
        the order of A's file then B's extra keys.  Name and title are left out.
    """
    fa, fb = flatten(a.resolved()), flatten(b.resolved())
    # files a scenario names relative to its own folder compare by the file they name
    for flat, scn in ((fa, a), (fb, b)):
        for key, path in (("history", scn.history_path()), ("calibration.posterior", scn.posterior_path())):
            if path is not None and key in flat:
                flat[key] = str(path.resolve())
    rows = []
    for k in list(fa) + [k for k in fb if k not in fa]:
        if k in ("name", "title", "extends"):
            continue
        va, vb = fa.get(k), fb.get(k)
        if _norm(va) != _norm(vb):
            rows.append({"parameter": k, "value_a": _show(va), "value_b": _show(vb)})
    return pd.DataFrame(rows, columns=["parameter", "value_a", "value_b"])


def _norm(v: Any) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, (int, float)):
        return float(v)
    return json.dumps(v, sort_keys=True, default=str) if isinstance(v, (list, dict)) else v


def _show(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v


@dataclass
class Comparison:
    """Two scenarios computed side by side.

    Attributes
    ----------
    a, b : Scenario
    seed, draws : int
        The common seed and number of draws.
    parameters : DataFrame
        :func:`parameter_differences`.
    metrics : DataFrame
        ``metric``, ``value_a``, ``value_b``, ``difference`` (B − A).
    projects : DataFrame
        ``id``, ``title``, ``change`` (``"in"``: selected in B only; ``"out"``: in A only),
        ``requested_eur``, ``value_a``, ``value_b`` [points].
    """

    a: Any
    b: Any
    seed: int
    draws: int
    parameters: pd.DataFrame
    metrics: pd.DataFrame
    projects: pd.DataFrame
    simulations: tuple = (None, None)


def compare(a, b, draws: int | None = None, seed: int | None = None) -> Comparison:
    """Compute scenarios ``a`` and ``b`` with one seed (default A's) and compare them."""
    from ..sweep import evaluate_full

    draws = a.draws if draws is None else int(draws)
    seed = a.seed if seed is None else int(seed)
    ea, eb = evaluate_full(a, seed, draws), evaluate_full(b, seed, draws)
    names = [m for m in METRICS if m in ea.metrics or m in eb.metrics]
    names += [m for m in ea.metrics if m not in names and m not in ("selected_ids", "solver_status")]
    rows = []
    for m in names:
        va, vb = ea.metrics.get(m), eb.metrics.get(m)
        diff = vb - va if isinstance(va, (int, float)) and isinstance(vb, (int, float)) else None
        rows.append({"metric": m, "value_a": va, "value_b": vb, "difference": diff})
    metrics = pd.DataFrame(rows, columns=["metric", "value_a", "value_b", "difference"])
    return Comparison(a, b, seed, draws, parameter_differences(a, b), metrics,
                      selection_changes(ea.ranking.table, eb.ranking.table), (ea.simulation, eb.simulation))


def _selected(table: pd.DataFrame) -> set:
    return set(table.loc[table["selected"].astype(bool), "id"])


def selection_changes(table_a: pd.DataFrame, table_b: pd.DataFrame) -> pd.DataFrame:
    """The projects selected in one ranked table (:attr:`workbench.selection.RankResult.table`)
    and not in the other.

    Returns
    -------
    DataFrame
        ``id``, ``title``, ``change`` (``"out"``: selected in A only, first, by id; ``"in"``: in B
        only, by id), ``requested_eur`` [EUR], ``value_a``, ``value_b`` [points] (``None`` where
        the project is not a candidate of that side).
    """
    ta, tb = table_a.set_index("id"), table_b.set_index("id")
    sa, sb = _selected(table_a), _selected(table_b)
    proj = []
    for pid, change in [(p, "out") for p in sorted(sa - sb)] + [(p, "in") for p in sorted(sb - sa)]:
        src = ta if pid in ta.index else tb
        proj.append({"id": pid, "title": src.at[pid, "title"], "change": change,
                     "requested_eur": float(src.at[pid, "requested_eur"]),
                     "value_a": float(ta.at[pid, "value"]) if pid in ta.index else None,
                     "value_b": float(tb.at[pid, "value"]) if pid in tb.index else None})
    return pd.DataFrame(proj, columns=["id", "title", "change", "requested_eur", "value_a", "value_b"])


def portfolios_side_by_side(ranking_a, ranking_b, name_a: str, name_b: str) -> pd.DataFrame:
    """Two rankings' portfolios (:class:`workbench.selection.RankResult`) side by side, as the
    dashboard compares two variants without simulating them.

    Returns
    -------
    DataFrame
        Columns ``A`` and ``B``; one row per measure: ``scenario`` (the names given),
        ``selected`` (projects), ``budget_eur``, ``committed_eur`` [EUR], ``value`` [points],
        ``weight_<criterion>``.  ``attrs``: ``only_a`` and ``only_b``, the ids selected on one
        side only (:func:`selection_changes`), and ``both``, the ids selected on both; each
        sorted, as text.
    """
    out = {}
    for tag, name, r in (("A", name_a, ranking_a), ("B", name_b, ranking_b)):
        t = r.totals
        out[tag] = {"scenario": name, "selected": t["selected"], "budget_eur": t["budget_eur"],
                    "committed_eur": t["committed_eur"], "value": t["value"],
                    **{f"weight_{k}": v for k, v in t["weights"].items()}}
    df = pd.DataFrame(out)
    ch = selection_changes(ranking_a.table, ranking_b.table)
    df.attrs["only_a"] = sorted(str(i) for i in ch.loc[ch["change"] == "out", "id"])
    df.attrs["only_b"] = sorted(str(i) for i in ch.loc[ch["change"] == "in", "id"])
    df.attrs["both"] = sorted(str(i) for i in _selected(ranking_a.table) & _selected(ranking_b.table))
    return df


def fan_charts_png(c: Comparison, lang: str = "fr") -> list[tuple[str, bytes]]:
    """Each scenario's fan chart of cumulative payments (every fund), as PNG bytes with a caption."""
    import io

    from ..reporting import charts
    from ..reporting.escape import plain_text

    out = []
    for tag, scn, sim in (("A", c.a, c.simulations[0]), ("B", c.b, c.simulations[1])):
        if sim is None:
            continue
        for fund in scn.funds:
            fig = charts.fan_chart(sim, fund=fund, lang=lang)
            buf = io.BytesIO()
            fig.savefig(buf, dpi=100, format="png", bbox_inches="tight")
            # the name isolated (U+2068 … U+2069): its bidi controls cannot reorder the caption
            out.append((f"{tag} — {plain_text(scn.name)} — {fund}", buf.getvalue()))
    return out


def _metric_rows(metrics: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Metrics formatted per row (each row has its own unit)."""
    from ..messages import format_cell, header

    return pd.DataFrame({
        header("metric", lang): [header(m, lang) for m in metrics["metric"]],
        header("value_a", lang): [format_cell(m, v, lang) for m, v in zip(metrics["metric"], metrics["value_a"])],
        header("value_b", lang): [format_cell(m, v, lang) for m, v in zip(metrics["metric"], metrics["value_b"])],
        header("difference", lang): [format_cell(m, v, lang) for m, v in zip(metrics["metric"], metrics["difference"])],
    })


def to_html(c: Comparison, lang: str = "fr") -> str:
    """The comparison as one static HTML page (no script, no external resource).

    Text from the scenarios (names, titles, project ids, parameter values, warnings' data) is
    shown as text (:mod:`workbench.reporting.escape`); the page carries the reports'
    Content-Security-Policy (:func:`~workbench.reporting.escape.add_csp`)."""
    from ..reporting.escape import add_csp, html_text, plain_text
    from ..reporting.labels import display_table, html_table, label, label_html, warning_items

    def words(key: str) -> str:   # the catalog's words (no data in them)
        return html.escape(label(key, lang).replace("**", ""), quote=False)

    projects = c.projects.copy()
    if len(projects):
        projects["change"] = [label("change_in" if v == "in" else "change_out", lang) for v in projects["change"]]
    def warn_list(scn) -> str:
        items = warning_items(scn.warnings, scn.synthetic, lang, markup="html")
        if not items:
            return f"<p>{words('no_warnings')}</p>"
        return "<ul>" + "".join(f"<li>⚠ {w}</li>" for w in items) + "</ul>"

    params = (html_table(display_table(c.parameters.fillna(label("absent", lang)), lang))
              if len(c.parameters) else f"<p>{words('compare_no_param_diff')}</p>")
    proj = (html_table(display_table(projects, lang))
            if len(projects) else f"<p>{words('compare_no_project_change')}</p>")
    import base64

    figs = "\n".join(f'<figure style="display:inline-block;margin:0 1em 1em 0"><img alt="{html.escape(cap)}" width="480" '
                     f'src="data:image/png;base64,{base64.b64encode(png).decode()}"><figcaption class="small">'
                     f'{html.escape(cap)}</figcaption></figure>' for cap, png in fan_charts_png(c, lang))
    intro = label_html("compare_intro", lang, a=f"{c.a.title} ({c.a.name})", b=f"{c.b.title} ({c.b.name})",
                       draws=c.draws)
    title = html.escape(f"{label('compare_title', lang)}: {plain_text(c.a.name)} / {plain_text(c.b.name)}")
    return add_csp(f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<style>{_CSS}</style></head><body>
<h1>{words('compare_title')}</h1>
<p>{intro}</p>
<h2>{words('warnings_title')}</h2>
<p><b>A</b> — {html_text(c.a.name)}</p>
{warn_list(c.a)}
<p><b>B</b> — {html_text(c.b.name)}</p>
{warn_list(c.b)}
<h2>{words('compare_params_title')}</h2>
{params}
<h2>{words('compare_metrics_title')}</h2>
{html_table(_metric_rows(c.metrics, lang))}
<h2>{words('compare_projects_title')}</h2>
{proj}
<h2>{words('compare_fans_title')}</h2>
<p>{words('fan_intro')}</p>
{figs}
<p class="small">workbench {html_text(_version())} — {words('seed')} {c.seed} — {words('draws')} {c.draws}
— A {html_text(c.a.hash()[:12])} — B {html_text(c.b.hash()[:12])}</p>
</body></html>
""")


_CSS = """body{font-family:DejaVu Sans,Arial,sans-serif;margin:2em;color:#222;max-width:70em}
table.wb-table{border-collapse:collapse;font-size:13px;margin-bottom:1em}
table.wb-table th,table.wb-table td{border:1px solid #ccc;padding:3px 6px;text-align:left}
table.wb-table th{background:#eef}
.small{color:#666;font-size:12px}"""


def _version() -> str:
    from ..version import __version__

    return __version__


def write_comparison(c: Comparison, out_dir: str | Path, lang: str = "fr") -> list[Path]:
    """Write ``parameters.csv``, ``projects.csv``, ``metrics.csv`` and ``comparison.html`` into
    ``out_dir``, all or nothing (built in a temporary sibling folder, then moved in)."""
    from ..files import write_atomic, write_csv, write_folder

    out = Path(out_dir)
    tables = (("parameters", c.parameters), ("projects", c.projects), ("metrics", c.metrics))
    html = to_html(c, lang)

    def build(tmp: Path) -> None:
        for name, df in tables:
            write_csv(tmp / f"{name}.csv", df)
        write_atomic(tmp / "comparison.html", html)

    write_folder(out, build)
    return [out / f"{name}.csv" for name, _ in tables] + [out / "comparison.html"]


def summary_text(c: Comparison, lang: str = "en") -> str:
    """A few lines for the terminal."""
    from ..messages import format_cell, header

    lines = [f"A = {c.a.name}, B = {c.b.name} (seed {c.seed}, {c.draws} draws)",
             f"  parameters that differ: {len(c.parameters)}"]
    for _, r in c.parameters.head(12).iterrows():
        lines.append(f"    {r['parameter']}: {r['value_a']} -> {r['value_b']}")
    if len(c.parameters) > 12:
        lines.append(f"    ... and {len(c.parameters) - 12} more (parameters.csv)")
    for _, r in c.metrics.iterrows():
        m = r["metric"]
        lines.append(f"  {header(m, lang)}: {format_cell(m, r['value_a'], lang)} -> {format_cell(m, r['value_b'], lang)}")
    n_in = int((c.projects["change"] == "in").sum()) if len(c.projects) else 0
    n_out = int((c.projects["change"] == "out").sum()) if len(c.projects) else 0
    lines.append(f"  projects in (B only): {n_in}; out (A only): {n_out}")
    return "\n".join(lines)


def main_compare(args, out=None) -> int:
    """The ``workbench compare`` command body."""
    out = out or sys.stdout
    from ..reporting.batch import _folder_name, option_problems
    from ..scenario import load_scenario

    probs = option_problems(args.draws, args.seed, args.lang)
    scns = []
    for p in (args.a, args.b):
        try:
            scns.append(load_scenario(p))
        except InputError as exc:
            probs.extend(exc.problems)
    if probs:
        raise InputError(probs)
    a, b = scns
    c = compare(a, b, draws=args.draws, seed=args.seed)
    folder = Path(args.out) / f"compare_{_folder_name(a.name)}_vs_{_folder_name(b.name)}"
    files = write_comparison(c, folder, args.lang)
    print(summary_text(c, args.lang), file=out)
    print(f"{folder}: " + ", ".join(f.name for f in files), file=out)
    return 0
