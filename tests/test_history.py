"""A fund's published history as data (workbench.history): the shipped files, their validation,
the mapping of each kind to the model's outputs, and a new fund back-tested without code changes."""
import datetime as dt
import shutil

import pandas as pd
import pytest

from workbench import load_scenario
from workbench.analysis.observables import observe
from workbench.cli import main
from workbench.errors import InputError
from workbench.history import KINDS, figures_for, load_history

from helpers import PARAMS, DATA

NEW_FUND = DATA / "new_fund"


def test_each_shipped_scenario_reads_its_funds_published_figures_from_its_history_file():
    ids = {n: {f.id for f in figures_for(load_scenario(PARAMS / f"{n}.yaml"))}
           for n in ("ftap_2018_2022", "ftap_2018_backtest", "fitn_2021_2022", "ftap2_2023_2025")}
    assert {"call1_laureates", "end2019_granted", "ae_consumed_2019", "cp_consumed_2020",
            "cp_off_programme_2020", "by2022_laureates"} <= ids["ftap_2018_2022"]
    # the two-call scenario gets only the figures of its two calls
    assert "call2_laureates" in ids["ftap_2018_backtest"] and "end2019_laureates" not in ids["ftap_2018_backtest"]
    assert {"fitn_granted", "fitn_after_2022", "fitn_ITN8D"} <= ids["fitn_2021_2022"]
    assert ids["ftap2_2023_2025"] == {"ftap2_2023_laureates", "ftap2_2023_granted"}


def test_the_ftap_file_holds_the_execution_of_programme_349():
    h = load_history(PARAMS / "history" / "ftap.yaml")
    f = {x.id: x for x in h.figures}
    assert (f["ae_consumed_2018"].value, f["ae_consumed_2019"].value, f["ae_consumed_2020"].value) == \
        (20.1e6, 65.33e6, 151.90e6)
    assert (f["cp_off_programme_2019"].low, f["cp_off_programme_2019"].high) == (0, 81.7e6)
    assert f["end2019_laureates"].date == dt.date(2019, 11, 15) and f["end2019_laureates"].value == 63
    assert f["by2022_granted"].repeats_input and not f["by2022_laureates"].repeats_input


def _write(tmp_path, text):
    p = tmp_path / "h.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_a_broken_history_file_names_the_file_the_key_path_the_value_and_the_rule(tmp_path):
    p = _write(tmp_path, """fund: X
figures:
  - id: a
    label: {fr: "a", en: "a"}
    kind: laureates_count
    observed: {value: 3}
    date: 2020-01-01
    sources: [{document: ditp-ftap-aap2-laureats-2018, quotation: "x"}]
  - id: b
    label: {fr: "b", en: "b"}
    kind: ae_consumed_eur
    observed: {range: [5, 1]}
    date: 2020-01-01
    sources: [{document: no-such-document}]
  - id: b
    label: not a catalog word
    kind: granted_eur
    scope: {year: 2020}
    observed: {value: 1, range: [0, 2]}
    date: someday
    sources: [{title: "T", quotation: ""}]
""")
    with pytest.raises(InputError) as e:
        load_history(p)
    got = {(pr.where, pr.code) for pr in e.value.problems}
    assert all(pr.file == str(p) for pr in e.value.problems)
    assert ("figures[0].kind", "E_ONE_OF") in got
    assert ("figures[2].date", "E_NOT_DATE") in got
    # the schema's checks come first; fix them and the figures' own rules are reported
    p = _write(tmp_path, p.read_text().replace("laureates_count", "laureates").replace("someday", "2020-12-01"))
    with pytest.raises(InputError) as e:
        load_history(p)
    got = {(pr.where, pr.code) for pr in e.value.problems}
    assert ("figures[1].scope.year", "E_HISTORY_SCOPE_NEEDS") in got
    assert ("figures[1].observed.range", "E_HISTORY_RANGE") in got
    assert ("figures[1].sources[0].document", "E_HISTORY_DOCUMENT") in got
    assert ("figures[1].sources[0].quotation", "E_HISTORY_NO_WORDS") in got
    assert ("figures[2].id", "E_HISTORY_ID_TWICE") in got
    assert ("figures[2].label", "E_HISTORY_LABEL") in got
    assert ("figures[2].scope.year", "E_HISTORY_SCOPE_KEY") in got
    assert ("figures[2].observed", "E_HISTORY_VALUE_OR_RANGE") in got
    assert ("figures[2].sources[0].publisher", "E_HISTORY_DOCUMENT_FIELDS") in got
    assert ("figures[2].sources[0].quotation", "E_HISTORY_QUOTATION") in got
    # a date no calendar has is a problem too, not a crash
    p = _write(tmp_path, p.read_text().replace("2020-12-01", "2020-13-01"))
    with pytest.raises(InputError) as e:
        load_history(p)
    assert [pr.code for pr in e.value.problems] == ["E_DATE_NOT_IN_CALENDAR"]


def test_a_scenario_copied_without_its_history_file_warns_and_calibrate_refuses_it(tmp_path):
    from workbench.analysis.calibrate import calibrate

    scn = tmp_path / "s.yaml"
    shutil.copy(NEW_FUND / "fni_2024_2025.yaml", scn)
    s = load_scenario(scn)
    assert [w.message.code for w in s.warnings if w.message.code == "W_HISTORY_MISSING"] == ["W_HISTORY_MISSING"]
    assert figures_for(s) == ()
    with pytest.raises(InputError) as e:
        calibrate(s, dt.date(2024, 12, 31))
    assert [(p.file, p.where, p.code) for p in e.value.problems] == [(str(scn), "history", "E_HISTORY_FILE_MISSING")]
    # a history file outside the allowed folders is refused at once
    (tmp_path / "t.yaml").write_text(scn.read_text().replace("history: history/fni.yaml", "history: /etc/passwd"))
    with pytest.raises(InputError) as e:
        load_scenario(tmp_path / "t.yaml")
    assert [p.where for p in e.value.problems] == ["history"]


def test_each_kind_maps_to_the_model_outputs_as_computed_by_hand():
    """Two calls, three laureates, a yearly table: every kind's value by hand."""
    scn = load_scenario(NEW_FUND / "fni_2024_2025.yaml").with_parameters({})
    from workbench.history import Figure, Source

    src = (Source("t", "p", "2024"),)
    figs = [Figure("n1", {"en": "n1"}, "laureates", "FNI", dt.date(2024, 6, 15), src, calls=("FNI-S1",)),
            Figure("g", {"en": "g"}, "granted_eur", "FNI", dt.date(2024, 12, 31), src, calls=("FNI-S1", "FNI-S2")),
            Figure("c", {"en": "c"}, "laureates_total_cost_eur", "FNI", dt.date(2024, 12, 31), src),
            Figure("m", {"en": "m"}, "mean_grant_eur", "FNI", dt.date(2024, 12, 31), src, until=dt.date(2024, 7, 1)),
            Figure("ae", {"en": "ae"}, "ae_consumed_eur", "FNI", dt.date(2024, 12, 31), src, year=2025),
            Figure("after", {"en": "a"}, "ae_consumed_after_eur", "FNI", dt.date(2024, 12, 31), src, year=2024),
            Figure("cp", {"en": "cp"}, "cp_consumed_eur", "FNI", dt.date(2024, 12, 31), src, year=2025),
            Figure("off", {"en": "o"}, "cp_paid_off_programme_eur", "FNI", dt.date(2024, 12, 31), src, year=2025),
            Figure("paid", {"en": "p"}, "cp_paid_eur", "FNI", dt.date(2024, 12, 31), src, year=2025)]
    assert {f.kind for f in figs} == set(KINDS)
    dec = pd.DataFrame({"call": ["FNI-S1", "FNI-S1", "FNI-S2", "FNI-S2"], "decision": ["2024-06-15"] * 2 + ["2024-12-10"] * 2,
                        "selected": [True, True, True, False], "paying_envelope": ["FNI"] * 4,
                        "funded_eur": [2e6, 4e6, 3e6, 0.0], "total_cost_eur": [5e6, 8e6, 6e6, 9e6]})
    yearly = pd.DataFrame({"level": "FNI", "year": [2024, 2025, 2026, 2024, 2025],
                           "metric": ["ae_committed_eur"] * 3 + ["cp_paid_eur"] * 2,
                           "mean": [5e6, 4e6, 1e6, 2e6, 10e6]})
    rated = scn.with_parameters({"funds.FNI.cp_on_programme_rate": 0.4})
    got = observe(rated, figs, dec, yearly)
    assert got == {"n1": 2, "g": 9e6, "c": 19e6, "m": 3e6, "ae": 4e6, "after": 5e6,
                   "cp": pytest.approx(4e6), "off": pytest.approx(6e6), "paid": 10e6}
    # without a rate every payment is on the fund's own programme
    assert observe(scn, figs[-3:], dec, yearly) == {"cp": 10e6, "off": 0.0, "paid": 10e6}


@pytest.mark.slow
def test_a_new_funds_history_file_and_scenario_back_test_without_code_changes(tmp_path, capsys):
    """A made-up fund (two sessions around a summer freeze, then a third) with its own history
    file in its own folder: `workbench backtest` reads it, judges each figure, and marks them in
    or out of sample."""
    folder = tmp_path / "fund"
    shutil.copytree(NEW_FUND, folder)
    out = tmp_path / "out"
    assert main(["backtest", str(folder / "fni_2024_2025.yaml"), "--replicates", "6", "--calibrate-until",
                 "2024-12-31", "--posterior", str(_posterior(tmp_path)), "--power", "--out", str(out),
                 "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "session 1: laureates" in text and "2024–2025: laureates" in text and "Sample" in text
    # its own model clearly wrong (calibration.wrong_models), judged out of sample
    assert "power of the test" in text and "bar 90" in text
    pw = pd.read_csv(out / "power.csv")
    assert list(pw["model"]) == ["(posterior)", "bar 90"] and (pw["n_out_of_sample"] == 1).all()
    t = pd.read_csv(out / "backtest.csv").set_index("figure")
    assert list(t.index) == ["s1_laureates", "s1_granted", "ae_2024", "y2025_laureates"]
    assert list(t["sample"]) == ["in", "in", "in", "out"]
    assert t["passed"].dtype == bool and (t["predicted_low"] <= t["predicted_high"]).all()


def _posterior(tmp_path):
    p = tmp_path / "posterior.csv"
    p.write_text("selection.min_quality_points,disbursement.contract_lag_months\n50,2\n60,4\n", encoding="utf-8")
    return p
