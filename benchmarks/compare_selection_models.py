"""Bit-for-bit check of the selection models and the independent rule check before and after a refactoring.

Builds the selection model (:func:`workbench.selection.build_model`) of each shipped scenario
(``parameters/*.yaml``, candidates from :func:`workbench.sources.load_candidates`) under a fixed
set of rule settings (the scenario's own; owner and theme shares; yearly payment limits; no
phase 1, no sub-envelopes, no fund payment limits; a phase-1 value rate, a sub-envelope override
and a budget; forced in/out projects with extra requires/excludes cells, an unknown id and a
forced-in ineligible project; one call's candidates alone), and re-checks seeded random
portfolios (many of them broken: wrong envelopes, missing funding modes, phase 1 without an
option, budgets, shares, forced and dependent projects) with
:func:`workbench.selection.check_portfolio`.

It either saves every model's arrays (``A`` and ``A_csc`` as CSR/CSC arrays, ``lb``, ``ub``,
``row_group``, ``kind``, ``cost_rows``, ``groups``, ``relaxable``, the columns, ``payments``, the
pre-conflicts, the eligibility table) and every check's list of texts into a pickle, or compares
them with the saved ones exactly (floats by their bytes, texts as strings, in order).

Usage::

    # on the code before the change
    PYTHONPATH=<old>/src python benchmarks/compare_selection_models.py save /tmp/selection_ref.pkl
    # on the code after it: exit status 1 and the differences if anything changed
    PYTHONPATH=<new>/src python benchmarks/compare_selection_models.py check /tmp/selection_ref.pkl
"""
from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from workbench import selection as pf
from workbench.candidates import split_ids
from workbench.scenario import load_scenario
from workbench.sources import load_candidates

ROOT = Path(__file__).resolve().parents[1]
#: random portfolios re-checked per model
PORTFOLIOS = 40
SEED = 11


def _variants(scn, cands: pd.DataFrame, rng: np.random.Generator):
    """(name, candidate table, rules, forced in, forced out) of one scenario."""
    owners = sorted(cands["owner"].astype(str).unique())
    themes = sorted(cands["theme"].astype(str).unique())
    y0 = scn.years[0]
    subs = [sc for f in scn.funds.values() for sc in f.sub_envelopes_eur]
    out = [("default", cands, {}, (), ())]
    out.append(("shares", cands, {"owner_share_max_rate": 0.25,
                                  "owner_share_min_rate": {owners[0]: 0.05, owners[1]: 0.02},
                                  "theme_share_min_rate": {themes[0]: 0.1},
                                  "theme_share_max_rate": {themes[1]: 0.4, themes[-1]: 0.5}}, (), ()))
    out.append(("payments", cands, {"payment_limits_eur": {y0: 5e7, y0 + 1: 8e7, y0 + 2: 6e7}}, (), ()))
    out.append(("no_phase1_no_subs", cands, {"allow_phase1": False, "sub_envelopes": False,
                                             "fund_payment_limits": False}, (), ()))
    rules = {"phase1_value_rate": 0.6, "budget_eur": 5e7}
    if subs:
        rules["sub_envelope_budgets_eur"] = {subs[0]: 1e6}
    out.append(("phase1_rate_budget", cands, rules, (), ()))
    # forced projects and extra dependencies (an unknown id, a pair excluded both ways)
    c = cands.copy()
    ids = c["id"].astype(str).to_numpy()
    n = len(c)
    req = c["requires"].astype(str).to_numpy().copy() if "requires" in c else np.full(n, "", dtype=object)
    exc = c["excludes"].astype(str).to_numpy().copy() if "excludes" in c else np.full(n, "", dtype=object)
    req, exc = req.astype(object), exc.astype(object)
    for i in rng.choice(n, size=min(12, n), replace=False):
        j = int(rng.integers(n))
        req[i] = ";".join(x for x in (req[i], ids[j]) if x)
    for i in rng.choice(n, size=min(12, n), replace=False):
        j = int(rng.integers(n))
        exc[i] = ";".join(x for x in (exc[i], ids[j]) if x)
        exc[j] = ";".join(x for x in (exc[j], ids[i]) if x)
    req[int(rng.integers(n))] += ";NO-SUCH-ID"
    c["requires"], c["excludes"] = req, exc
    elig = pf.candidate_eligibility(scn, c, pf.settings(scn))["eligible"].to_numpy(bool)
    ok, ko = np.flatnonzero(elig), np.flatnonzero(~elig)
    fi = tuple(ids[rng.choice(ok, size=min(3, len(ok)), replace=False)])
    rest = np.setdiff1d(np.arange(n), [np.flatnonzero(ids == x)[0] for x in fi])
    fo = tuple(ids[rng.choice(rest, size=min(2, len(rest)), replace=False)])
    out.append(("forced_dependencies", c, {"owner_share_max_rate": 0.3}, fi, fo))
    if len(ko):
        out.append(("forced_ineligible", c, {}, (ids[ko[0]],) + fi[:1], ()))
    if "call" in cands:
        first = cands["call"].astype(str).iloc[0]
        sub = cands[cands["call"].astype(str) == first].reset_index(drop=True)
        out.append(("one_call", sub, {"fund_payment_limits": False}, (), ()))
    return out


def _portfolios(scn, cands: pd.DataFrame, mdl, rng: np.random.Generator):
    """Seeded random choice tables: half drawn from the model's options (one per project), half
    anywhere (wrong envelopes, missing or impossible funding modes)."""
    n = len(cands)
    env_cells = cands["envelope"].astype(str).to_numpy()
    codes = list(dict(scn.envelope_codes))
    out = []
    for k in range(PORTFOLIOS):
        sel = np.zeros(n, bool)
        funding = np.full(n, "", dtype=object)
        paying = np.full(n, "", dtype=object)
        rate = rng.uniform(0.02, 0.7)
        if k % 2 == 0 and len(mdl.item):
            for o in rng.permutation(len(mdl.item)):
                i = mdl.item[o]
                if not sel[i] and rng.random() < rate:
                    sel[i], funding[i], paying[i] = True, mdl.mode[o], mdl.envelope[o]
        else:
            sel = rng.random(n) < rate
            for i in np.flatnonzero(sel):
                u = rng.random()
                funding[i] = "full" if u < 0.75 else ("phase1" if u < 0.95 else "")
                own = split_ids(env_cells[i]) or [""]
                v = rng.random()
                paying[i] = own[int(rng.integers(len(own)))] if v < 0.85 else (
                    codes[int(rng.integers(len(codes)))] if v < 0.95 else "NOWHERE")
        out.append(pd.DataFrame({"selected": sel, "funding": funding, "paying_envelope": paying}, index=cands.index))
    return out


def _arrays(mdl) -> dict:
    A, C = mdl.A.tocsr(), mdl.A_csc
    return {
        "A.shape": A.shape, "A.indptr": A.indptr, "A.indices": A.indices, "A.data": A.data,
        "A_csc.indptr": C.indptr, "A_csc.indices": C.indices, "A_csc.data": C.data,
        "lb": mdl.lb, "ub": mdl.ub, "row_group": list(mdl.row_group), "kind": list(mdl.kind),
        "cost_rows": mdl.cost_rows, "groups": {k: list(v) for k, v in mdl.groups.items()},
        "groups.order": list(mdl.groups), "relaxable": list(mdl.relaxable), "envelope_row": mdl.envelope_row,
        "ids": list(mdl.ids), "item": mdl.item, "envelope": list(mdl.envelope), "mode": list(mdl.mode),
        "cost_eur": mdl.cost_eur, "value_rate": mdl.value_rate, "payments": mdl.payments,
        "payment_years": tuple(mdl.payment_years), "pre_conflicts": mdl.pre_conflicts, "eligible": mdl.eligible,
    }


def results() -> tuple[dict, dict]:
    """({case: model arrays}, {case: [check texts of each random portfolio]})."""
    models, checks = {}, {}
    for path in sorted((ROOT / "parameters").glob("*.yaml")):
        scn = load_scenario(path)
        cands = load_candidates(scn)
        rng = np.random.default_rng([SEED, len(models)])
        for name, c, rules, fi, fo in _variants(scn, cands, rng):
            case = f"{path.stem}/{name}"
            s = pf.settings(scn, rules)
            mdl = pf.build_model(scn, c, s, fi, fo)
            models[case] = _arrays(mdl)
            checks[case] = [[str(t) for t in _check(scn, c, ch, s, fi, fo)]
                            for ch in _portfolios(scn, c, mdl, rng)]
    return models, checks


def _check(scn, c, ch, s, fi, fo) -> list:
    out = pf.check_portfolio(scn, c, ch, s, fi, fo)
    for t in out:  # coded texts (after the rules registry) render in French too
        if hasattr(t, "render"):
            assert t.render("fr") and t.render("en") == str(t), t
    return out


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
            return True
        except AssertionError:
            return False
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.dtype.kind == "O" or b.dtype.kind == "O":
            return a.shape == b.shape and a.tolist() == b.tolist()
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return a == b


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("save", "check"))
    ap.add_argument("file", help="pickle of the saved models and checks (written by 'save', read by 'check')")
    a = ap.parse_args(argv)
    print(f"workbench from {pf.__file__}", file=sys.stderr)
    t0 = time.perf_counter()
    models, checks = results()
    n_texts = sum(len(x) for v in checks.values() for x in v)
    n_broken = sum(bool(x) for v in checks.values() for x in v)
    print(f"{len(models)} models ({sum(m['A.shape'][0] for m in models.values())} rows), "
          f"{sum(len(v) for v in checks.values())} portfolios checked ({n_broken} broken, {n_texts} breaches) "
          f"in {time.perf_counter() - t0:.1f} s")
    path = Path(a.file)
    if a.mode == "save":
        path.write_bytes(pickle.dumps((models, checks)))
        print(f"saved to {path}")
        return 0
    ref_models, ref_checks = pickle.loads(path.read_bytes())
    bad = []
    if set(ref_models) != set(models):
        bad.append(f"cases differ: {sorted(set(ref_models) ^ set(models))}")
    for case in sorted(set(ref_models) & set(models)):
        for k, v in ref_models[case].items():
            if k not in models[case] or not _same(v, models[case][k]):
                bad.append(f"{case}: {k} differs")
        for j, (x, y) in enumerate(zip(ref_checks[case], checks[case])):
            if x != y:
                bad.append(f"{case}: portfolio {j}: {x} != {y}")
        if len(ref_checks[case]) != len(checks[case]):
            bad.append(f"{case}: number of portfolios differs")
    for line in bad:
        print(line)
    print("identical" if not bad else f"{len(bad)} differences")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
