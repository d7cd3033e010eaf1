"""Check that two checkouts of the dashboard show the same page (used for the split of
``workbench.dashboard`` into a package, issue 11: behaviour unchanged).

Each checkout's ``src`` drives a :class:`workbench.dashboard.Dashboard` in French and English
on ``parameters/fitn_2021_2022.yaml`` (one weight moved, one project forced out) and records
the HTML of the table, totals, header and warnings, the hashes of the frontier SVG and of the
fan and robustness charts, the detail of twelve projects, the words of every control and section
title, the pickers' choices and a comparison of two scenario files; the script prints the views
that differ and exits 1 if any does.

Run: ``python benchmarks/compare_dashboard_views.py /work/main/src src`` (about 60 s).  With
``--cached``, the second checkout's views are those of a kernel reading the first view from the
disk cache (``workbench.dashboard.disk_cache``) an earlier kernel of that checkout filled: the views a cold
kernel serves from the cache must be the ones computed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SNAPSHOT = r'''
import hashlib, json, os, sys
from workbench.dashboard import Dashboard
out = {}
for lang in ("fr", "en"):
    d = Dashboard(scenario=sys.argv[1], parameters_dir=os.path.dirname(sys.argv[1]), variants_dir=sys.argv[2],
                  debounce_s=0, lang=lang)
    d.widget()
    d.controls["weight_strategic"].value = 0.7
    d.controls["force_out"].value = [d.selected_ids[0]]
    for pid in [str(i) for i in d.table["id"]][:12]:
        d.controls["detail_select"].value = pid
        out[f"{lang}-detail-{pid}"] = d.outputs["detail"].value
    for k in ("table", "totals", "header", "warnings", "frontier_img", "fan_img", "robust_img"):
        v = d.outputs[k].value
        out[f"{lang}-{k}"] = v if isinstance(v, str) else hashlib.sha256(v).hexdigest()
    # the words of the controls and section titles, the pickers' choices, a comparison
    for name, w in sorted(d.controls.items()):
        out[f"{lang}-control-{name}"] = [getattr(w, a, None) for a in ("description", "placeholder")]
        if hasattr(w, "options"):
            out[f"{lang}-options-{name}"] = [list(o) if isinstance(o, tuple) else o for o in w.options]
    out[f"{lang}-titles"] = [html.value for html, *_ in d._titles.values()]
    d.controls["detail_select"].value = None
    out[f"{lang}-detail-none"] = d.outputs["detail"].value
    d.controls["compare_b"].value = d.controls["compare_b"].options[1][1]
    d._on_compare()
    out[f"{lang}-compare"] = d.outputs["compare_out"].value
print(json.dumps(out))
'''


def snapshot(src: str, cache_dir: str = "off") -> dict:
    """The views of the dashboard of the checkout whose package folder is ``src`` (``cache_dir``:
    the disk cache of first views, ``off`` by default)."""
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve()), "WORKBENCH_CACHE_DIR": cache_dir}
    with tempfile.TemporaryDirectory() as tmp:
        r = subprocess.run([sys.executable, "-c", SNAPSHOT, str(ROOT / "parameters" / "fitn_2021_2022.yaml"), tmp],
                           env=env, cwd=tmp, capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def main() -> int:
    args = [a for a in sys.argv[1:] if a != "--cached"]
    if "--cached" in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as cache:
            snapshot(args[1], cache)                   # fills the cache
            a, b = snapshot(args[0]), snapshot(args[1], cache)
        print("second checkout: views of a kernel reading the disk cache")
    else:
        a, b = snapshot(args[0]), snapshot(args[1])
    diff = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
    print(f"{len(a)} views compared; differing: {diff or 'none'}")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
