"""Envelope simulation: hand-computed schedule, determinism across chunking, conservation, caps,
selection rules, policies, and the `workbench simulate` command."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from workbench.reporting import charts
from workbench import envelope as E, load_scenario
from workbench.candidates import validate_candidates
from workbench.cli import main

from helpers import PARAMS

BACKTEST = str(PARAMS / "ftap_2018_backtest.yaml")
FITN = str(PARAMS / "fitn_2021_2022.yaml")

SMALL = """
name: small
seed: 7
horizon: {start_year: 2019, end_year: 2021}
funds:
  F:
    envelope_eur: 100000000
    allow_overcommitment: false
calls:
  - {id: C1, fund: F, decision: 2019-03-01, budget_eur: 30000000}
  - {id: C2, fund: F, decision: 2020-03-01, budget_eur: null}
criteria:
  weights: {strategic: 1, service: 1, savings: 1, governance: 1}
  value_model: {kind: points}  # hand computations below sum scores
uncertainty:
  enabled: false
disbursement:
  contract_lag_months: 0
  profile_rates: [0.5, 0.3, 0.2]
"""


def small_candidates():
    df = pd.DataFrame({
        "id": ["A", "B", "X", "C"], "title": ["a", "b", "x", "c"], "owner": "o", "envelope": "F",
        "total_cost_eur": [20e6, 40e6, 40e6, 60e6], "requested_eur": [10e6, 20e6, 25e6, 30e6],
        "duration_months": [24, 24, 24, 24],
        # values: A 80, B 60, X 40 (per M€: A 8, B 3, X 1.6), C 50
        "strategic": [8, 6, 4, 5], "service": [8, 6, 4, 5], "savings": [8, 6, 4, 5], "governance": [8, 6, 4, 5],
        "annual_savings_eur": [5e6, 0, 0, 10e6],
    })
    out = validate_candidates(df)
    out["call"] = ["C1", "C1", "C1", "C2"]
    return out


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "small.yaml"
    p.write_text(SMALL)
    return load_scenario(p)


def test_without_uncertainty_the_schedule_is_the_hand_computed_one(small):
    res = E.simulate(small, small_candidates(), draws=3, seed=1)
    y = res.yearly
    f = y[y["level"] == "F"].pivot(index="year", columns="metric", values="mean")
    # call 1 (budget 30 M€): A (8 pts/M€) then B (3 pts/M€) = 30 M€; X (25 M€) no longer fits
    # call 2: C, 30 M€.  Commitment at the decision (lag 0); payments 50/30/20 % from that year.
    assert f.loc[2019, "ae_committed_eur"] == 30e6 and f.loc[2020, "ae_committed_eur"] == 30e6
    expected = {2019: 15e6, 2020: 0.3 * 30e6 + 0.5 * 30e6, 2021: 0.2 * 30e6 + 0.3 * 30e6, 2022: 0.2 * 30e6}
    for yr, v in expected.items():
        assert f.loc[yr, "cp_paid_eur"] == pytest.approx(v, abs=1e-3)
        assert f.loc[yr, "cp_demand_eur"] == pytest.approx(v, abs=1e-3)
    assert f["cp_paid_eur"].sum() == pytest.approx(60e6)
    assert f.loc[2024, "cp_paid_cum_eur"] == pytest.approx(60e6)
    sel = res.selected.set_index("id")["selected"]
    assert sel.to_dict() == {"A": True, "B": True, "X": False, "C": True}
    calls = res.calls.set_index("call")
    assert calls.loc["C2", "credits_left_mean_eur"] == 70e6
    s = res.summary.set_index("level").loc["F"]
    assert s["unused_residual_mean_eur"] == pytest.approx(40e6)
    assert s["p_exhausted_before_last_call"] == 0
    # savings: A and C declared 15 M€/yr, realised at the audit's mean rate 339/2000
    assert s["savings_realised_mean_eur"] == pytest.approx(15e6 * 339 / 2000)
    assert s["savings_target_mean_eur"] == pytest.approx(60e6)
    # the delivered value is A + B + C
    assert s["value_delivered_mean"] == pytest.approx(80 + 60 + 50)


def test_selection_rules_fixed_list_ranked_and_callable(small):
    # X (25 M€) first, then A (10 M€) no longer fits the 30 M€ budget of call 1
    res = E.simulate(small, small_candidates(), draws=1, selection=["X", "A", "C"])
    assert set(res.selected.loc[res.selected["selected"], "id"]) == {"X", "C"}
    seen = []

    def chooser(call, cands, budget_eur):
        seen.append((call.id, budget_eur, set(cands.columns) >= {"value", "eligible"}))
        return cands.sort_values("requested_eur")["id"].tolist()

    res = E.simulate(small, small_candidates(), draws=1, selection=chooser)
    assert seen[0] == ("C1", 30e6, True) and seen[1][0] == "C2"
    assert set(res.selected.loc[res.selected["selected"], "id"]) == {"A", "B", "C"}
    ranked = E.simulate(small, small_candidates(), draws=1, selection="ranked")
    # ranked by value: A (80), B (60), X (40) does not fit -> stop; same here
    assert set(ranked.selected.loc[ranked.selected["selected"], "id"]) == {"A", "B", "C"}


def test_bit_identical_whatever_the_chunking():
    scn = load_scenario(BACKTEST)
    a = E.simulate(scn, draws=2500, seed=11, chunk_size=1024, threads=1)
    b = E.simulate(scn, draws=2500, seed=11, chunk_size=3000, threads=2)
    c = E.simulate(scn, draws=2500, seed=11, threads=3)
    for name in ("yearly", "summary", "shortfall", "calls", "selected"):
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
        pd.testing.assert_frame_equal(getattr(a, name), getattr(c, name), check_exact=True)
    d = E.simulate(scn, draws=2500, seed=12, chunk_size=1024)
    assert not a.yearly["mean"].equals(d.yearly["mean"])


def _chunks(scn, n=600, seed=3):
    """The same draws through the NumPy reference and (when installed) the compiled kernel."""
    plan = E.build_plan(scn)
    raw = E._raw_blocks(plan, E._SeedSeq(seed), 0, -(-n // E.BLOCK))
    yield plan, E._run_chunk(plan, E._draws_from_raw(plan, raw, n), n)
    if E._nb is not None:
        yield plan, E._run_chunk_fast(plan, raw, n)


def test_conservation_in_every_draw():
    scn = load_scenario(BACKTEST).with_overrides({"uncertainty": {"overrun_paid_by_fund_rate": 1.0},
                                                  "funds": {"FTAP": {"envelope_eur": 200000000}}})
    T = {k: i for i, k in enumerate(E.GTOT)}
    for plan, out in _chunks(scn):
        # per-draw results are laid out draws last: yearly (group, metric, year, draw)
        paid = out.gtot[:, T["paid_eur"]].sum(axis=0)
        # every euro due is paid over the years (no appropriation caps in this scenario)
        assert np.allclose(out.yearly[:, 3].sum(axis=(0, 1)), paid, rtol=1e-12)
        assert np.allclose(out.yearly[:, 2].sum(axis=(0, 1)), paid, rtol=1e-12)
        # net commitments never exceed the envelope, and what is paid never exceeds what was
        # committed (grants and the top-ups the fund carries)
        env = plan.fund_env[0]
        assert (out.fund_flags[0, 2] <= env + 1e-3).all()
        ae = out.yearly[:, 0].sum(axis=(0, 1))
        assert (paid <= ae + 1e-3).all()
        # net commitments at the end (committed - de-committed) are exactly what is paid
        net = ae - out.yearly[:, 1].sum(axis=(0, 1))
        assert np.allclose(net, paid, rtol=1e-12, atol=1e-3)
        # overruns did occur and some could not be funded once the credits were committed
        assert (out.gtot[:, T["unfunded_overrun_eur"]].sum(axis=0) > 0).mean() > 0.5


def test_overcommitment_is_reported_when_the_scenario_allows_it():
    scn = load_scenario(BACKTEST).with_overrides({"uncertainty": {"overrun_paid_by_fund_rate": 1.0},
                                                  "funds": {"FTAP": {"allow_overcommitment": True,
                                                                     "envelope_eur": 200000000}}})
    res = E.simulate(scn, draws=300, seed=2)
    s = res.summary.set_index("level").loc["FTAP"]
    assert s["overcommitment_allowed"] and s["overcommitted"] and s["p_overcommitted"] > 0.5
    assert s["unfunded_overrun_mean_eur"] == 0


def test_cp_appropriations_cap_payments_and_carry_over(small, tmp_path):
    p = tmp_path / "capped.yaml"
    p.write_text(SMALL.replace("    allow_overcommitment: false\n", "    allow_overcommitment: false\n"
                               "    cp_carryover_cap_rate: 0.5\n"
                               "    appropriations:\n"
                               "      2019: {cp_eur: 10000000}\n"
                               "      2020: {cp_eur: 30000000}\n"
                               "      2021: {cp_eur: 30000000}\n"))
    scn = load_scenario(p)
    res = E.simulate(scn, small_candidates(), draws=1)
    f = res.yearly[res.yearly["level"] == "F"].pivot(index="year", columns="metric", values="mean")
    # 2019: demand 15, paid 10 (5 late); 2020: due 24 + 5 = 29 <= 30, 1 unused, carry min(1, 15);
    # 2021: due 15 <= 30 + 1; 2022 (no appropriation): 6
    assert f.loc[2019, "cp_paid_eur"] == pytest.approx(10e6)
    assert f.loc[2020, "cp_paid_eur"] == pytest.approx(29e6)
    assert f.loc[2021, "cp_paid_eur"] == pytest.approx(15e6)
    assert f["cp_paid_eur"].sum() == pytest.approx(60e6)
    sh = res.shortfall.set_index("year")
    assert sh.loc[2019, "shortfall_probability"] == 1.0 and sh.loc[2019, "appropriation_source"] == "scenario"
    assert sh.loc[2020, "shortfall_probability"] == 0.0
    assert res.summary.set_index("level").loc["F", "shortfall_probability"] == 1.0


def test_sub_envelopes_are_reported_and_respected():
    scn = load_scenario(FITN).with_overrides({"uncertainty": {"enabled": False}})
    res = E.simulate(scn, draws=1)
    s = res.summary.set_index("level")
    subs = s[s["level_kind"] == "sub_envelope"]
    assert len(subs) >= 8
    assert (subs["committed_mean_eur"] <= subs["envelope_eur"] + 1e-6).all()
    assert s.loc["FITN", "committed_mean_eur"] == pytest.approx(subs["committed_mean_eur"].sum()
                                                                + s.filter(like="unitemised", axis=0)["committed_mean_eur"].sum())
    assert set(res.yearly["level"]) >= {"FITN", "ALL", "ITN7"}


def test_uncertainty_pushes_payments_later_and_leaves_credits_unused():
    # a fixed lag: the shipped lognormal lag (whose median is the run without uncertainty) would
    # also bring some commitments earlier; here only delays, overruns and attrition differ
    scn = load_scenario(BACKTEST).with_overrides({"disbursement": {"contract_lag_months": 6}})
    off = E.simulate(scn.with_overrides({"uncertainty": {"enabled": False}}), draws=1)
    on = E.simulate(scn, draws=400, seed=4)
    cum = lambda r: r.level("FTAP", "cp_paid_cum_eur")["mean"]  # noqa: E731
    assert cum(on).loc[2019] < cum(off).loc[2019]
    assert on.summary.iloc[0]["unused_residual_mean_eur"] > off.summary.iloc[0]["unused_residual_mean_eur"]
    sh = on.shortfall.set_index("year")
    # the default FTAP scenario ships the voted CP of 2019-2022 (programme 349)
    assert (sh.loc[2019:2022, "appropriation_source"] == "scenario").all()
    assert sh.loc[2019, "cp_demand_mean_eur"] < sh.loc[2019, "appropriation_eur"]


def test_compare_policies_runs_each_policy_on_the_same_pipelines():
    scn = load_scenario(BACKTEST)
    pols = [{"name": "all"}, {"name": "nothing", "min_value_per_meur": 1e9},
            {"name": "capped", "max_commit_share_per_call_rate": 0.05}]
    df = E.compare_policies(scn, pols, draws=40, seed=1, pipelines=2)
    d = df.set_index("policy")
    assert list(d.index) == ["all", "nothing", "capped"]
    assert d.loc["nothing", "value_delivered_mean"] == 0 and d.loc["nothing", "committed_mean_eur"] == 0
    # two calls, each capped at 5 % of the fund's envelope
    assert d.loc["capped", "committed_mean_eur"] <= 2 * 0.05 * scn.funds["FTAP"].envelope_eur + 1
    assert d.loc["all", "value_delivered_mean"] > d.loc["capped", "value_delivered_mean"]


def test_result_to_csv_and_figures(small, tmp_path):
    res = E.simulate(small, small_candidates(), draws=2)
    files = res.to_csv(tmp_path / "o")
    assert {f.name for f in files} == {"yearly.csv", "summary.csv", "shortfall.csv", "calls.csv", "selected.csv",
                                       "restes_a_payer.csv", "provenance.json"}
    prov = json.loads((tmp_path / "o" / "provenance.json").read_text())
    assert prov["scenario_hash"] == small.hash() and prov["draws"] == 2 and prov["seed"] == 7
    for fig in (charts.fan_chart(res), charts.committed_vs_paid(res, lang="en")):
        assert isinstance(fig, Figure)


def test_cli_simulate_writes_tables_figures_and_summary(tmp_path, capsys):
    out = tmp_path / "sim"
    rc = main(["simulate", BACKTEST, "--draws", "200", "--seed", "5", "--out", str(out), "--no-progress"])
    assert rc == 0
    names = {p.name for p in out.iterdir()}
    assert {"yearly.csv", "summary.csv", "fan_chart.png", "committed_vs_paid.png", "calibration.png",
            "restes_a_payer.csv", "provenance.json"} <= names
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sim")]
    text = capsys.readouterr().out
    assert "FTAP: envelope 780.0\u00a0M€" in text  # 700 M€ announced, plus the 80 M€ of 2022 and "P(exhausted before last call)" in text
    y = pd.read_csv(out / "yearly.csv")
    assert {"level", "year", "metric", "mean", "p10", "p50", "p90"} <= set(y.columns)


@pytest.mark.parametrize("args, extra_yaml, message", [
    (["--draws", "0"], None, "--draws: 0: must be a whole number >= 1"),
    (["--draws", "ten"], None, "--draws: 'ten': must be a whole number"),
    ([], "disbursement:\n  profile_rates: [0.5, 0.3]\n", "disbursement.profile_rates"),
    ([], "uncertainty:\n  attrition_rate: -0.1\n", "uncertainty.attrition_rate"),
    ([], "calls:\n  - {id: LATE, fund: FTAP, decision: 2031-01-01}\n", "date outside the horizon"),
])
def test_cli_bad_input_exit_2_and_nothing_written(tmp_path, capsys, args, extra_yaml, message):
    scn = BACKTEST
    if extra_yaml:
        p = tmp_path / "bad.yaml"
        p.write_text(f"extends: {Path(BACKTEST).resolve()}\n" + extra_yaml)
        scn = str(p)
    out = tmp_path / "never"
    rc = main(["simulate", scn, "--out", str(out), "--no-progress"] + (args or ["--draws", "10"]))
    assert rc == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name != "bad.yaml"] == []


def test_simulate_rejects_bad_arguments(small):
    with pytest.raises(E.InputError) as e:
        E.simulate(small, small_candidates(), draws=0, chunk_size=-1)
    assert "draws" in str(e.value) and "chunk_size" in str(e.value)


@pytest.mark.skipif(E._nb is None, reason="numba not installed")
def test_compiled_kernel_agrees_with_the_numpy_reference():
    scn = load_scenario(BACKTEST).with_overrides({"uncertainty": {"overrun_paid_by_fund_rate": 1.0,
                                                                  "phase1_only_rate": 0.3},
                                                  "funds": {"FTAP": {"envelope_eur": 200000000}}})
    a = E.simulate(scn, draws=1500, seed=8, engine="numba")
    b = E.simulate(scn, draws=1500, seed=8, engine="numpy")
    for name in ("yearly", "summary", "shortfall", "calls", "selected"):
        x, y = getattr(a, name), getattr(b, name)
        assert list(x.columns) == list(y.columns)
        num = x.select_dtypes("number").columns
        np.testing.assert_allclose(x[num].to_numpy(float), y[num].to_numpy(float), rtol=1e-9, atol=1e-3)
    assert a.summary.iloc[0]["p_unfunded_overrun"] > 0


def test_variates_become_the_models_ratios_and_savings_factors():
    """The per-block transform gives exactly the models' tabulated quantiles and lognormal factors."""
    scn = load_scenario(BACKTEST)
    plan = E.build_plan(scn)
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(5, spawn_key=(0,))))
    u = [rng.random((plan.n, E.BLOCK), dtype=np.float32) for _ in range(3)]
    z = rng.standard_normal((plan.n, E.BLOCK), dtype=np.float32)
    rc, rd, sf = u[0].copy(), u[1].copy(), z.copy()
    E._transform_block(plan, rc, rd, sf)
    st = plan.settings
    # the tabulated quantile, interpolated in float32 (compiled and NumPy twins agree exactly)
    np.testing.assert_allclose(rc, st.cost.from_uniform(u[0]), rtol=1e-6)
    np.testing.assert_allclose(rd, st.delay.from_uniform(u[1]), rtol=1e-6)
    twin = u[0].copy()
    E._ratios_from_table_np(twin, st.cost._quantile_table())
    np.testing.assert_array_equal(rc, twin)
    mu, sig = st.savings.lognormal()
    np.testing.assert_allclose(sf, np.exp(mu + sig * z.astype(np.float64)), rtol=1e-6)
    # the raw blocks are these transforms of the block's own uniforms and normals
    raw = E._raw_blocks(plan, E._SeedSeq(5), 0, 1)
    np.testing.assert_array_equal(raw[0][0], rc)
    np.testing.assert_array_equal(raw[2][0], u[2])
    assert sf.mean() == pytest.approx(st.savings.mean_rate, rel=0.05)


def test_levels_beyond_the_memory_budget_are_simulated_again_identically(monkeypatch):
    """FITN's 15 levels (the fund, 13 sub-envelopes with ITN7 in its axes, ALL) kept within a tiny
    budget: several passes, the same tables bit for bit."""
    scn = load_scenario(FITN)
    one = E.simulate(scn, draws=600, seed=4, chunk_size=256)
    monkeypatch.setattr(E.simulation, "STORE_BYTES", 600 * 3 * 400)
    many = E.simulate(scn, draws=600, seed=4, chunk_size=512)
    assert one.provenance["passes"] == 1 and many.provenance["passes"] >= 4
    for name in ("yearly", "summary", "shortfall", "calls", "selected"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(many, name), check_exact=True)
    assert len(many.summary) == 15


@pytest.mark.parametrize("dtype", [np.float64, pytest.param(np.float32, marks=pytest.mark.slow)])
def test_percentiles_are_numpys_to_the_last_bit(dtype):
    """The compiled order statistics give np.percentile's figures exactly, on smooth rows, rows
    with point masses (a call's budget met in most draws), constant rows and rows NumPy must take
    (NaN, infinite range), and for tiny and odd sample sizes."""
    rng = np.random.default_rng(7)
    for n in (2, 3, 11, 1000, 30001):
        a = rng.lognormal(18, 1, size=(10, n)).astype(dtype)
        a[1] = np.round(a[1] / 1e6) * 1e6          # few distinct values
        a[2] = 126e6                               # constant
        a[3, : (9 * n) // 10] = 700e6              # a point mass inside the range
        a[8, : (17 * n) // 20] = 0.0               # nothing paid in a late year, in most draws
        a[8, :: 7] = rng.random(len(a[8, :: 7])) * 1e3
        a[9] = np.minimum(a[9], np.quantile(a[9], 0.3).astype(dtype))  # a budget met in most draws
        a[4, 0], a[4, -1] = -1e30, 1e30            # a huge but finite range
        a[5, n // 2] = np.nan
        a[6, 0] = np.inf
        a[7] = -a[7]
        with np.errstate(invalid="ignore"):  # NumPy's own interpolation of the infinite row
            want = np.percentile(a, E.PERCENTILES, axis=1)
            for row_stats in (E._percentile_rows(a), E._row_stats(a)[1:]):
                np.testing.assert_array_equal(np.array(row_stats), want)
    # rows split between two threads give the same figures
    a = rng.normal(size=(9, 5000))
    from concurrent.futures import ThreadPoolExecutor
    with ThreadPoolExecutor(2) as pool:
        for x, y in zip(E._row_stats(a, pool), E._row_stats(a)):
            np.testing.assert_array_equal(x, y)


def test_the_compiled_kernel_reads_the_plan_by_name(small):
    """The kernel's inputs are one named structure built once per plan: each model parameter and
    policy limit is a field holding the scenario's or the policy's figure (no array read by position)."""
    pol = E.Policy(name="p", max_commit_share_per_call_rate=0.4, reserve_last_call_eur=5e6)
    plan = E.build_plan(small, small_candidates(), policy=pol)
    kin = E._kernel_inputs(plan)
    assert isinstance(kin, E.KernelInputs) and E._kernel_inputs(plan) is kin
    st = E.Settings.from_scenario(small)
    # the rates a calibration may vary draw by draw are per parameter set (one set: the scenario's)
    assert kin.set_attrition.tolist() == [st.attrition_rate]
    assert kin.set_p1_lim.tolist() == [st.attrition_rate + st.phase1_only_rate]
    assert kin.overrun_paid_by_fund_rate == st.overrun_paid_by_fund_rate
    assert kin.max_commit_share_per_call_rate == 0.4 and kin.reserve_last_call_eur == 5e6
    assert kin.exhausted_share == E.EXHAUSTED_SHARE
    # requested grants [EUR] in the plan's project order; call C1 may fund A, B, X, call C2 only C
    assert sorted(kin.req.tolist()) == [10e6, 20e6, 25e6, 30e6]
    assert kin.ptr.tolist() == [0, 3, 4] and sorted(kin.req[kin.rows[:3]].tolist()) == [10e6, 20e6, 25e6]
    # the policy's limits reach the results the same way on both engines
    a = E.simulate(small, small_candidates(), draws=300, seed=3, policy=pol)
    b = E.simulate(small, small_candidates(), draws=300, seed=3, policy=pol, engine="numpy")
    pd.testing.assert_frame_equal(a.calls, b.calls, check_exact=True)
