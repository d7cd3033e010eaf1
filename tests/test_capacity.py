"""The next call's capacity (issue 24 item 1): against brute force on a small made-up fund, the
monotonicity that makes the bisection exact, with a book and without, the curve, the binding year,
bad input and the ``workbench capacity`` command."""
from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from workbench import envelope as E, load_scenario
from workbench.analysis import capacity as C
from workbench.candidates import validate_candidates
from workbench.cli import main
from workbench.errors import InputError
from workbench.pipeline import decide, funding_order

from helpers import PARAMS


@pytest.fixture(autouse=True)
def _french_by_default(monkeypatch):
    monkeypatch.delenv("WORKBENCH_LANG", raising=False)


FUND = """
name: capacity_test
seed: 11
horizon: {{start_year: 2024, end_year: 2026}}
funds:
  F:
    envelope_eur: 12000000
    appropriations:
      2024: {{ae_eur: 12000000, cp_eur: {cp24}}}
      2025: {{cp_eur: {cp25}}}
      2026: {{cp_eur: {cp26}}}
    reserve_rate: {{value: 0.05, assumption: "made-up fund for the test"}}
    cp_carryover_cap_rate: 0.03
    allow_overcommitment: false
calls:
  - {{id: C1, fund: F, decision: 2024-02-01, budget_eur: null}}
  - {{id: C2, fund: F, decision: 2024-06-01, budget_eur: null}}
  - {{id: C3, fund: F, decision: 2025-03-01, budget_eur: null}}
criteria:
  weights: {{strategic: 1, service: 1, savings: 1, governance: 1}}
  value_model: {{kind: points}}
uncertainty:
  enabled: true
  attrition_rate: 0.1
disbursement:
  commitment_lag: {{distribution: lognormal, median_months: 4, sigma: 0.8, max_months: 24, assumption: test}}
  profile_rates: [0.5, 0.3, 0.2]
"""
STEP = 250_000.0
DRAWS = 160


def candidates() -> pd.DataFrame:
    df = pd.DataFrame({
        "id": ["A", "B", "N1", "N2", "L1", "L2"], "title": "t", "owner": "o", "envelope": "F",
        "requested_eur": [2e6, 1.5e6, 2e6, 1e6, 1.5e6, 1e6], "total_cost_eur": [4e6, 3e6, 4e6, 2e6, 3e6, 2e6],
        "duration_months": [24, 30, 24, 18, 24, 30],
        "strategic": 8, "service": 8, "savings": 8, "governance": 8,
    })
    out = validate_candidates(df)
    out["call"] = ["C1", "C1", "C2", "C2", "C3", "C3"]
    return out


def scenario(tmp_path, cp=(3e6, 4e6, 4e6)):
    p = tmp_path / "capacity.yaml"
    p.write_text(FUND.format(cp24=int(cp[0]), cp25=int(cp[1]), cp26=int(cp[2])))
    return load_scenario(p)


# ---- an independent brute force ----------------------------------------------------------------
def _short_any(demand: dict, years: list[int], scn, count_from: int) -> np.ndarray:
    """Per draw: CP due (demand + unpaid backlog) above CP available (voted less the 5 % reserve,
    plus the carry-over: the unpaid and the reserve, at most 3 % of the voted) in a year >= count_from."""
    f = scn.funds["F"]
    n = next(iter(demand.values())).shape[-1]
    short = np.zeros(n, bool)
    carry, backlog = np.zeros(n), np.zeros(n)
    for y in years:
        voted = f.appropriations.get(y, {}).get("cp_eur")
        due = demand[y] + backlog
        if voted is None:
            carry, backlog = np.zeros(n), np.zeros(n)
            continue
        avail = 0.95 * voted + carry
        if y >= count_from:
            short |= due > avail + max(1.0, 1e-6 * 0.95 * voted)
        paid = np.minimum(due, avail)
        backlog = due - paid
        carry = np.minimum(avail - paid + 0.05 * voted, 0.03 * voted)
    return short


def brute_force(scn, cands, res):
    """The risk at every grid amount, each from its own run of the simulation with the grant's
    pieces at their actual amounts (the seeds of the capacity's run: common random numbers)."""
    pv = res.provenance
    seeds = pv["seeds"]
    d = decide(scn, cands, seed=res.seed)
    order = funding_order(d.table)
    call_of = dict(zip(d.table["id"].astype(str), d.table["call"].astype(str)))
    pool = d.candidates
    years = None

    def fund_demand(ids, seed, pieces=None):
        nonlocal years
        r = E.simulate(scn, pool if pieces is None else pieces, draws=DRAWS, seed=seed, selection=ids,
                       keep_draws=True)
        years = r.draws.years
        return r.draws.cp_demand_eur[0]

    owed = fund_demand([i for i in order if call_of[i] == "C1"], seeds["owed"])
    later = fund_demand([i for i in order if call_of[i] == "C3"], seeds["later"])
    t, m = pv["piece_eur"], pv["pieces"]
    call = next(c for c in scn.calls if c.id == "C2")
    tmpl = pool[pool["id"].astype(str).isin([i for i in order if call_of[i] == "C2"])]
    risks, shorts = [], []
    for g in range(int(round(res.ae_available_eur // STEP)) + 1):
        x = g * STEP
        pieces = C._synthetic_pieces(scn, cands, call, t, m, tmpl)
        amounts = np.clip(x - np.arange(m) * t, 0.0, t)
        pieces["total_cost_eur"] = np.maximum(pieces["total_cost_eur"] * amounts / t, 1.0)   # (no 0 / 0)
        pieces["requested_eur"] = amounts
        block = fund_demand(list(pieces["id"]), seeds["next_call"], pieces)
        total = owed + later + block
        s = _short_any({y: total[i] for i, y in enumerate(years)}, years, scn, call.decision.year)
        shorts.append(s)
        risks.append(float(s.mean()))
    return np.array(risks), np.array(shorts)


@pytest.mark.parametrize("cp", [(3e6, 4e6, 4e6), (3.6e6, 4.2e6, 4e6)], ids=["tight", "looser"])
def test_the_capacity_is_the_brute_forces_largest_grid_amount_within_the_risk(tmp_path, cp):
    scn = scenario(tmp_path, cp)
    cands = candidates()
    res = C.next_call_capacity(scn, as_of="2024-03-01", candidates=cands, draws=DRAWS, seed=5, step_eur=STEP,
                               risk_levels=(0.05, 0.1, 0.2, 0.3, 0.5))
    assert res.next_call["id"] == "C2" and res.binding in ("cp", "ae")
    risks, shorts = brute_force(scn, cands, res)
    # monotone draw by draw: a draw short at a grant is short at every larger grant
    assert (shorts[1:] >= shorts[:-1]).all()
    for r in res.curve.itertuples():
        # the largest grid amount with its risk within the level (0 when even nothing is)
        want = max((g for g in range(len(risks)) if risks[g] <= r.risk_rate + 1e-12), default=0) * STEP
        assert r.capacity_eur == pytest.approx(want), (r.risk_rate, risks)
        assert r.risk_at_capacity_rate == pytest.approx(risks[int(round(r.capacity_eur / STEP))])
        if r.binding == "ae":
            assert r.capacity_eur == pytest.approx(len(risks) * STEP - STEP)
    # the risk the result reads at any grid amount is the brute force's
    for g in (0, len(risks) // 3, len(risks) - 1):
        assert res.risk_at(g * STEP) == pytest.approx(risks[g])
    assert res.risk_at_zero == pytest.approx(risks[0])


def test_the_tight_fund_is_bound_by_a_cp_year_and_the_ample_one_by_its_ae(tmp_path):
    cands = candidates()
    tight = C.next_call_capacity(scenario(tmp_path, (3e6, 4e6, 4e6)), as_of="2024-03-01", candidates=cands,
                                 draws=DRAWS, seed=5)
    assert tight.binding == "cp" and tight.binding_year in (2024, 2025, 2026)
    assert 0 < tight.capacity_eur < tight.ae_available_eur
    row = tight.by_year.set_index("year").loc[tight.binding_year]
    assert row["binding"] and row["shortfall_above_probability"] > 0
    # the curve grows with the risk accepted
    assert tight.curve["capacity_eur"].is_monotonic_increasing
    ample = C.next_call_capacity(scenario(tmp_path, (40e6, 40e6, 40e6)), as_of="2024-03-01", candidates=cands,
                                 draws=DRAWS, seed=5)
    assert ample.binding == "ae" and ample.binding_year is None
    # the AE available at the call: 12 M€ less the 5 % reserve, less what call 1 decided
    d = decide(ample_scn := scenario(tmp_path, (40e6, 40e6, 40e6)), cands)
    c1 = d.table[(d.table["call"] == "C1") & d.table["selected"].astype(bool)]["funded_eur"].sum()
    assert ample.capacity_eur == pytest.approx(np.floor((11.4e6 - c1) / 1e5) * 1e5)
    assert ample_scn.name == "capacity_test"


def test_the_shortfall_is_monotone_in_the_demand_for_any_credits():
    """The property the bisection rests on: more demand in any year never turns a short draw into
    one that is not (random demands, credits, carry-over caps)."""
    rng = np.random.default_rng(3)
    for _ in range(50):
        Y, n = 4, 300
        avail = rng.uniform(1, 5, Y)
        avail[rng.random(Y) < 0.2] = np.nan
        cr = C._Credits(list(range(2024, 2024 + Y)), avail, avail, rng.uniform(0, 0.3, Y), rng.uniform(0, 0.5, Y), 0,
                        float(rng.uniform(0, 0.2)), np.isfinite(avail))
        base = rng.gamma(1.0, 1.0, (Y, n))
        pieces = rng.gamma(0.5, 0.5, (6, Y, n))
        block = C._Block(pieces, 1.0)
        prev = None
        for x in np.linspace(0, 6, 25):
            s = C._short(cr, base + block.demand(np.full(n, x)))
            if prev is not None:
                assert (s >= prev).all()
            prev = s


def test_a_book_mid_way_is_what_is_owed_and_a_heavy_one_leaves_nothing(tmp_path):
    scn = scenario(tmp_path, (3e6, 4e6, 4e6))
    cands = candidates()
    header = ("id,call,fund,grant_eur,decision_date,convention_date,paid_2024_eur,total_cost_eur,end_date,status\n")
    light = tmp_path / "light.csv"
    light.write_text(header + "P1,C1,F,1000000,2024-02-01,2024-03-01,100000,2000000,2026-06-30,running\n")
    heavy = tmp_path / "heavy.csv"
    heavy.write_text(header + "P1,C1,F,8000000,2024-02-01,2024-03-01,1000000,16000000,2025-03-31,running\n")
    as_of = dt.date(2024, 4, 30)
    a = C.next_call_capacity(scn, as_of=as_of, book=light, candidates=cands, draws=DRAWS, seed=5)
    b = C.next_call_capacity(scn, as_of=as_of, book=heavy, candidates=cands, draws=DRAWS, seed=5)
    assert a.next_call["id"] == b.next_call["id"] == "C2"
    # the AE available: 11.4 M€ less the book's decisions
    assert a.ae_available_eur == pytest.approx(11.4e6 - 1e6) and b.ae_available_eur == pytest.approx(11.4e6 - 8e6)
    assert a.provenance["book_projects"] == 1 and a.provenance["earlier_laureates"] == 0
    # the heavy book's 7 M€ still to pay by early 2025 exceed the CP: nothing can be granted
    assert b.risk_at_zero > 0.10 and b.capacity_eur == 0 and b.binding == "cp"
    assert [n.code for n in b.notes] == ["W_CAPACITY_ZERO"]
    assert a.capacity_eur > 0 and a.risk_at_zero <= 0.10
    # what the book owes is in the table: its P50 in 2024 holds the 0.1 M€ already paid
    owed = a.by_year.set_index("year")["owed_p50_eur"]
    assert owed.loc[2024] >= 100_000


def test_parameter_sets_spread_the_simulations_draws(tmp_path):
    scn = scenario(tmp_path, (3e6, 4e6, 4e6))
    cands = candidates()
    short_lag = pd.DataFrame({"disbursement.commitment_lag.median_months": [1.0], "disbursement.commitment_lag.sigma": [0.3]})
    long_lag = pd.DataFrame({"disbursement.commitment_lag.median_months": [20.0], "disbursement.commitment_lag.sigma": [0.3]})
    a = C.next_call_capacity(scn, as_of="2024-03-01", candidates=cands, draws=DRAWS, seed=5, parameter_sets=short_lag)
    b = C.next_call_capacity(scn, as_of="2024-03-01", candidates=cands, draws=DRAWS, seed=5, parameter_sets=long_lag)
    # commitments signed later pay later: the early years bind less
    assert b.capacity_eur >= a.capacity_eur and (a.capacity_eur, a.binding) != (b.capacity_eur, b.binding)
    assert a.provenance["parameter_sets"] == 1
    both = C.next_call_capacity(scn, as_of="2024-03-01", candidates=cands, draws=DRAWS, seed=5,
                                parameter_sets=pd.concat([short_lag, long_lag], ignore_index=True))
    assert a.capacity_eur <= both.capacity_eur <= b.capacity_eur


def test_bad_arguments_are_refused(tmp_path):
    scn = scenario(tmp_path)
    with pytest.raises(InputError) as e:
        C.next_call_capacity(scn, as_of="2026-01-01", candidates=candidates(), draws=10)
    assert "E_CAPACITY_NO_NEXT_CALL" in [p.code for p in e.value.problems]
    with pytest.raises(InputError) as e:
        C.next_call_capacity(scn, book=tmp_path / "x.csv", risk_rate=1.5, draws=0)
    codes = [p.code for p in e.value.problems]
    assert codes.count("E_BOUNDS") == 1 and "E_CAPACITY_BOOK_NEEDS_AS_OF" in codes and "E_WHOLE_NUMBER_POSITIVE" in codes


def test_a_call_left_without_credits_is_decided_as_such():
    """A committee session given no credits (a book's sessions, or an exhausted fund) is recorded
    as having nothing left, not an error."""
    scn = load_scenario(PARAMS / "ftap_2018_backtest.yaml")
    d = decide(scn, call_settings={scn.calls[0].id: {"budget_eur": 0}})
    rec = d.by_call.set_index("call").loc[scn.calls[0].id]
    assert rec["status"] == "no credits left" and rec["granted_eur"] == 0


# ---- the command -----------------------------------------------------------------------------------
def test_the_command_prints_the_capacity_in_french_and_writes_its_files(tmp_path, capsys):
    scn = scenario(tmp_path)
    cands = candidates()
    cpath = tmp_path / "cands.csv"
    cands.drop(columns=["call"]).assign(call=cands["call"]).to_csv(cpath, index=False)
    text = scn.path.read_text() + f"candidates: {{source: file, file: {cpath.name}}}\n"
    scn.path.write_text(text)
    out = tmp_path / "cap"
    rc = main(["capacity", str(scn.path), "--as-of", "2024-03-01", "--draws", "120", "--seed", "3", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "prochaine session : C2 (2024-06-01)" in printed and "Capacité selon le risque accepté" in printed
    assert sorted(p.name for p in out.iterdir()) == ["capacity.csv", "capacity_by_year.csv", "provenance.json"]
    curve = pd.read_csv(out / "capacity.csv")
    assert list(curve["risk_rate"]) == [0.05, 0.1, 0.2, 0.3] and curve["chosen"].sum() == 1
    prov = json.loads((out / "provenance.json").read_text())
    assert prov["draws"] == 120 and prov["seed"] == 3 and prov["next_call"]["id"] == "C2"
    rc = main(["capacity", str(scn.path), "--as-of", "2024-03-01", "--draws", "120", "--seed", "3", "--lang", "en"])
    assert rc == 0 and "next session: C2 (2024-06-01)" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--risk", "1.5"], "--risk"),
    (["--risk", "dix"], "--risk"),
    (["--book", "livre.csv"], "--as-of"),
    (["--as-of", "2031-01-01"], "aucun appel du scénario n'est décidé après cette date"),
    (["--as-of", "2024-02-30"], "--as-of"),
])
def test_the_command_refuses_bad_input_with_exit_2_and_writes_nothing(tmp_path, capsys, args, message):
    scn = scenario(tmp_path)
    out = tmp_path / "cap"
    rc = main(["capacity", str(scn.path), "--draws", "50", "--out", str(out), *args])
    err = capsys.readouterr().err
    assert rc == 2 and message in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.slow
def test_the_shipped_ftap2_book_gives_a_live_funds_capacity(tmp_path, capsys):
    out = tmp_path / "cap"
    rc = main(["capacity", str(PARAMS / "ftap2_2023_2025.yaml"), "--book", "ftap2_2024-06-30.csv",
               "--as-of", "2024-06-30", "--draws", "300", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "FTAP2-FIL-16 (2024-07-15)" in printed and "19 projets" in printed
    by_year = pd.read_csv(out / "capacity_by_year.csv")
    assert list(by_year["year"]) == [2024, 2025]
    scn = load_scenario(PARAMS / "ftap2_2023_2025.yaml")
    path, as_of = scn.example_book
    assert path.name == "ftap2_2024-06-30.csv" and as_of == dt.date(2024, 6, 30) and path.is_file()


def test_status_shows_the_capacity_beside_the_position_and_writes_restes_a_payer(tmp_path, capsys):
    scn = scenario(tmp_path)
    cands = candidates()
    cpath = tmp_path / "cands.csv"
    cands.to_csv(cpath, index=False)
    scn.path.write_text(scn.path.read_text() + f"candidates: {{source: file, file: {cpath.name}}}\n")
    book = tmp_path / "book.csv"
    book.write_text("id,call,fund,grant_eur,decision_date,convention_date,paid_2024_eur,total_cost_eur,end_date,status\n"
                    "P1,C1,F,1000000,2024-02-01,2024-03-01,100000,2000000,2026-06-30,running\n")
    out = tmp_path / "st"
    rc = main(["status", str(scn.path), "--book", str(book), "--as-of", "2024-04-30", "--draws", "100", "--out", str(out)])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "prochaine session C2 (2024-06-01) : capacité" in printed
    names = {p.name for p in out.iterdir()}
    assert {"capacity.csv", "capacity_by_year.csv", "restes_a_payer.csv", "position.csv"} <= names
    rap = pd.read_csv(out / "restes_a_payer.csv")
    assert set(rap["scope"]) == {"cohort", "outstanding"}
    # after the last call there is nothing to grant: said, not an error
    rc = main(["status", str(scn.path), "--book", str(book), "--as-of", "2025-06-30", "--draws", "50",
               "--out", str(tmp_path / "st2")])
    assert rc == 0 and "Aucune session du scénario après le 2025-06-30" in capsys.readouterr().out


def test_a_posterior_csv_is_read_as_parameter_sets_and_a_bad_column_is_named(tmp_path, capsys):
    scn = scenario(tmp_path)
    cands = candidates()
    cpath = tmp_path / "cands.csv"
    cands.to_csv(cpath, index=False)
    scn.path.write_text(scn.path.read_text() + f"candidates: {{source: file, file: {cpath.name}}}\n")
    post = tmp_path / "posterior.csv"
    # a French spreadsheet's export: ';' between cells, decimal commas, the profile as text
    post.write_text("disbursement.commitment_lag.median_months;disbursement.commitment_lag.sigma;"
                    "disbursement.profile_rates\n"
                    '3,5;0,6;"0.5;0.3;0.2"\n'
                    '12;0,9;"0.4;0.4;0.2"\n', encoding="utf-8")
    sets = C.read_parameter_sets(post)
    assert sets["disbursement.commitment_lag.median_months"].tolist() == [3.5, 12.0]
    out = tmp_path / "cap"
    rc = main(["capacity", str(scn.path), "--as-of", "2024-03-01", "--draws", "100", "--parameter-sets", str(post),
               "--out", str(out)])
    assert rc == 0, capsys.readouterr().err
    assert json.loads((out / "provenance.json").read_text())["parameter_sets"] == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("disbursement.commitment_lag.median\n4\n")
    rc = main(["capacity", str(scn.path), "--as-of", "2024-03-01", "--draws", "50", "--parameter-sets", str(bad)])
    err = capsys.readouterr().err
    assert rc == 2 and "disbursement.commitment_lag.median" in err and "Traceback" not in err
