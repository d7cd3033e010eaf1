"""`workbench validate` on broken inputs: one clear message per problem, exit 2, no traceback."""
import pytest

from workbench.cli import main

from helpers import DATA, PARAMS

B = DATA / "broken"

# file, fragments that must all appear in the message (place, value, rule)
CASES = [
    ("yaml_syntax.yaml", ["yaml_syntax.yaml", "line 3", "YAML syntax error"]),
    ("unknown_key.yaml", ["unknown_key.yaml", "funds.FITN.envelop_eur", "unknown key", "did you mean 'envelope_eur'"]),
    ("missing_required.yaml", ["funds.FITN.envelope_eur", "(missing)", "is required"]),
    ("wrong_type.yaml", ["wrong_type.yaml", "seed", "'twelve'", "must be a whole number"]),
    ("negative_amount.yaml", ["funds.FITN.envelope_eur.value", "-5000000", "must be an amount in euros > 0"]),
    ("zero_amount.yaml", ["funds.FITN.sub_envelopes.ITN2.amount_eur", ": 0:", "> 0"]),
    ("weights_negative.yaml", ["criteria.weights.strategic", "-1", "a weight must be >= 0"]),
    ("weights_zero.yaml", ["criteria.weights", "must not all be zero"]),
    ("date_outside.yaml", ["calls[0].decision", "2024-06-01", "outside the horizon 2021-2022"]),
    ("undefined_envelope.yaml", ["calls[0].envelopes[1]", "'ITN9'", "sub-envelope not defined", "did you mean 'ITN"]),
    ("cofinancing_range.yaml", ["eligibility.cofinancing_rate.min", "1.25", "between 0 and 1"]),
    ("extends_a.yaml", ["extends", "extends cycle", "extends_a.yaml -> extends_b.yaml -> extends_a.yaml"]),
    ("empty.yaml", ["empty.yaml", "file is empty"]),
    ("does_not_exist.yaml", ["does_not_exist.yaml", "file does not exist"]),
    ("header.csv", ["header.csv", "no candidate rows"]),
    ("duplicated_ids.csv", ["row 4, column id", "'P1'", "duplicated id (first at row 2)"]),
    ("bad_costs.csv", ["row 2, column total_cost_eur", "'abc'", "must be a number",
                       "row 3, column total_cost_eur", "(missing)", "is required"]),
    ("requested_above_total.csv", ["row 2, column requested_eur", "exceeds total_cost_eur"]),
    ("unknown_requires.csv", ["row 2, column requires", "'P3'", "unknown candidate id",
                              "row 3, column excludes", "'PX'"]),
    ("requires_cycle.csv", ["column requires", "P1 -> P2 -> P3 -> P1", "cycle of requires"]),
]


@pytest.mark.parametrize("name,fragments", CASES, ids=[c[0] for c in CASES])
def test_broken_input_is_reported_clearly(name, fragments, capsys):
    code = main(["validate", str(B / name)])
    out = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out.err
    assert out.out == ""  # nothing printed as if valid
    for f in fragments:
        assert f in out.err, f"{f!r} not in:\n{out.err}"


def test_several_errors_are_reported_together(tmp_path, capsys):
    p = tmp_path / "many.yaml"
    p.write_text("horizon: {start_year: 2021, end_year: 2022}\nfunds:\n  F: {envelope_eur: -1, colour: red}\n"
                 "criteria:\n  weights: {strategic: -1, service: 0, savings: 0, governance: 0}\n")
    assert main(["validate", str(p)]) == 2
    err = capsys.readouterr().err
    assert "3 problems found" in err
    assert "funds.F.envelope_eur" in err and "funds.F.colour" in err and "criteria.weights.strategic" in err


def test_candidate_envelopes_checked_against_scenario(capsys):
    code = main(["validate", str(DATA / "candidates_small.csv"), "--scenario", str(PARAMS / "ftap_2018_2022.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert "row 2, column envelope" in err and "'ITN1'" in err and "not defined in the scenario" in err


def test_scores_outside_the_declared_scale(tmp_path, capsys):
    p = tmp_path / "c.csv"
    p.write_text("id,title,owner,envelope,total_cost_eur,requested_eur,duration_months,strategic,service,savings,governance\n"
                 "P1,A,M,FTAP,1000000,500000,12,11,5,5,5\n")
    assert main(["validate", str(p)]) == 2
    assert "row 2, column strategic" in capsys.readouterr().err


def test_every_shipped_file_validates(capsys):
    for f in sorted(PARAMS.glob("*.yaml")):
        assert main(["validate", str(f)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "27.0 M€ below the 292.0 M€ envelope" in out


def test_validate_show_prints_the_resolved_scenario(capsys):
    assert main(["validate", str(PARAMS / "fitn_2021_2022.yaml"), "--show"]) == 0
    out = capsys.readouterr().out
    assert "envelope_eur:" in out and "ITN8D" in out and "France Relance" in out


def test_help_explains_itself(capsys):
    with pytest.raises(SystemExit) as e:
        main(["validate", "--help"])
    assert e.value.code == 0
    assert "scenario" in capsys.readouterr().out
