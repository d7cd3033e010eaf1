"""``workbench calibrate``: history matching of the scenario's assumed parameters on the fund's
published figures up to a date (``workbench backtest`` calibrates the same way when asked)."""
from __future__ import annotations

from ..errors import InputError
from . import options
from .common import date_option, int_option


def add(sub) -> None:
    """Declare ``workbench calibrate`` and its options in the sub-parsers ``sub``."""
    p = sub.add_parser(
        "calibrate",
        help="fit the scenario's assumed parameters to the published figures dated up to a date",
        description="History matching (implausibility cut-off, waves) of the parameters the scenario lists in "
                    "calibration.parameters, on the figures of its history file dated up to --until. Writes "
                    "posterior.csv (one row per parameter set, columns = key paths), points.csv and "
                    "calibration.json (provenance) to --out, all or nothing. A scenario uses the sample with "
                    "calibration.posterior: <path>, or workbench backtest --posterior.",
    )
    options.scenario(p)
    p.add_argument("--until", required=True, metavar="DATE", help="last date of the figures to fit (YYYY-MM-DD)")
    options.out(p, default_help="default outputs/<scenario>/calibration")
    options.seed(p, "seed", "the scenario's", as_text=False)
    p.add_argument("--points", type=int, help="parameter sets per wave (default: calibration.points, else 40)")
    p.add_argument("--replicates", type=int, help="runs per parameter set (default: calibration.replicates, else 6)")
    p.add_argument("--waves", type=int, help="waves (default: calibration.waves, else 3)")
    p.add_argument("--executor", choices=["processes", "sequential", "dask"], default="processes",
                   help="where the runs go (default: processes)")
    p.add_argument("--workers", type=int, help="processes (default: 2, or 1 on one core)")
    p.add_argument("--scheduler", help="a Dask scheduler address (tcp://HOST:PORT) for --executor dask")
    options.lang(p)


def execute(args) -> int:
    """Run ``workbench calibrate``; its exit status."""
    from ..scenario import load_scenario

    problems: list = []
    until = date_option("--until", args.until, problems)
    for name in ("points", "replicates", "waves", "workers"):
        int_option(f"--{name}", getattr(args, name), 2 if name in ("points", "replicates") else 1, problems)
    if problems:
        raise InputError(problems)
    scn = load_scenario(args.scenario)
    args.calib_replicates = args.replicates
    calibrate_and_write(scn, until, args, args.out)
    return 0


def calibrate_and_write(scn, until, args, out):
    import os
    from pathlib import Path

    from ..analysis.calibrate import (
        calibrate,
        calibration_figures,
        settings,
        write_calibration,
    )
    from ..messages import label
    from ..sweep import make_executor

    st = settings(scn)
    pts = getattr(args, "points", None) or st["points"]
    reps = getattr(args, "calib_replicates", None) or st["replicates"]
    print(label("cal_head", args.lang, name=scn.name, n=len(calibration_figures(scn, until)), until=until.isoformat(),
                points=pts, replicates=reps, cutoff=st["cutoff"]), flush=True)
    kind = getattr(args, "executor", None) or "processes"
    workers = getattr(args, "workers", None) or min(2, os.cpu_count() or 1)
    ex = make_executor(kind, workers, getattr(args, "scheduler", None))
    res = calibrate(scn, until, seed=args.seed, points=pts, replicates=reps, waves=getattr(args, "waves", None),
                    executor=ex, progress=lambda m: print("  " + m.render(args.lang), flush=True))
    out = Path(out) if out is not None else Path("outputs") / scn.name / "calibration"
    write_calibration(res, out)
    prov = res.provenance
    if res.status != "ok":
        worst = ", ".join(f"{k} ({v})" for k, v in list(prov["worst_figures"].items())[:4])
        print(label("cal_none_kept", args.lang, cutoff=prov["cutoff"], worst=worst, kept=prov["kept"]))
    print(label("cal_done", args.lang, kept=prov["kept"], total=prov["waves"] * prov["points_per_wave"],
                evaluations=prov["evaluations"], wall_s=prov["wall_s"]))
    print(posterior_text(res.posterior, args.lang))
    print(label("sum_written", args.lang, files=", ".join(str(out / f) for f in
                                                           ("posterior.csv", "points.csv", "calibration.json"))))
    return res


def posterior_text(posterior, lang: str) -> str:
    from ..analysis.calibrate import summary
    from ..messages import label
    from ..units import number, pct

    rows = []
    for r in summary(posterior).to_dict("records"):
        if r["mode"]:
            rows.append((r["parameter"], "–", "–", f"{r['mode']} ({pct(r['mode_share'], lang, 0)})"))
        else:
            big = abs(r["median"]) >= 1e5
            fmt = (lambda v: number(v / 1e6, lang, 1) + " M") if big else (lambda v: number(v, lang, 2))
            rows.append((r["parameter"], fmt(r["median"]), f"{fmt(r['p10'])}–{fmt(r['p90'])}", "–"))
    head = (label("cal_parameter", lang), label("cal_median", lang), label("cal_p10_p90", lang),
            label("cal_mode", lang))
    widths = [max(len(x) for x in col) for col in zip(head, *rows)]
    return "\n".join("  " + "  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in [head, *rows])
