"""Candidate files: columns, French exports, extra columns, XLSX, the requires graph."""
import math

import pytest

from workbench.candidates import cp_schedule, parse_number, read_candidates, split_ids
from workbench.errors import InputError

from helpers import DATA


def test_reads_the_documented_columns_and_keeps_extras():
    df = read_candidates(DATA / "candidates_small.csv")
    assert list(df["id"]) == ["P1", "P2", "P3"]
    assert df.loc[0, "total_cost_eur"] == 2_000_000.0
    assert df.loc[1, "territorial"] is True or df.loc[1, "territorial"] == True  # noqa: E712
    assert math.isnan(df.loc[1, "annual_savings_eur"])
    assert df.loc[1, "phase1_cost_eur"] == 200_000
    assert split_ids(df.loc[2, "envelope"]) == ["ITN1", "ITN2"]
    assert df.loc[0, "note"] == "=SUM(A1:A2)"  # extra column carried as text
    sched = cp_schedule(df)
    assert list(sched.columns) == [2021, 2022]
    assert sched.loc["P1", 2021] == 600_000 and math.isnan(sched.loc["P2", 2022])
    assert df.attrs["synthetic"] is False


@pytest.mark.parametrize("name", ["candidates_fr_cp1252.csv", "candidates_fr_bom.csv"])
def test_french_spreadsheet_exports_work_as_they_are(name):
    df = read_candidates(DATA / name)
    assert df.loc[0, "total_cost_eur"] == pytest.approx(1_250_000.50)
    assert df.loc[0, "requested_eur"] == 937_500
    assert df.loc[0, "strategic"] == 7.5
    assert "Démarches" in df.loc[0, "title"]
    if name == "candidates_fr_cp1252.csv":
        assert df.loc[0, "territorial"] == True  # noqa: E712  ('oui')
        assert df.loc[1, "total_cost_eur"] == 300_000
        assert df.loc[1, "owner"] == "Préfecture"


def test_xlsx_round_trip(tmp_path):
    src = read_candidates(DATA / "candidates_small.csv")
    p = tmp_path / "c.xlsx"
    src.drop(columns=["note"]).to_excel(p, index=False)
    df = read_candidates(p)
    assert list(df["id"]) == ["P1", "P2", "P3"]
    assert df["requested_eur"].sum() == 3_700_000
    assert df.loc[2, "excludes"] == "P2"


@pytest.mark.parametrize("text,expected", [
    ("1 250 000,50", 1250000.5), ("1\u202f250\u202f000", 1250000.0), ("1250000.5", 1250000.5),
    ("1,250,000", 1250000.0), ("12,5", 12.5), ("3 000 €", 3000.0), ("", None), (None, None), (7, 7.0),
])
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_parse_number_rejects_text():
    with pytest.raises(ValueError):
        parse_number("douze")


def test_missing_required_column_is_named(tmp_path):
    p = tmp_path / "c.csv"
    p.write_text("id,title,owner,envelope,total_cost,requested_eur,duration_months,strategic,service,savings,governance\n"
                 "P1,A,M,FTAP,1000000,500000,12,5,5,5,5\n")
    with pytest.raises(InputError) as e:
        read_candidates(p)
    msg = str(e.value)
    assert "column total_cost_eur" in msg and "required column is missing" in msg and "did you mean 'total_cost'" in msg


def test_wrong_extension_and_broken_xlsx(tmp_path):
    p = tmp_path / "c.json"
    p.write_text("{}")
    with pytest.raises(InputError, match="must be .csv or .xlsx"):
        read_candidates(p)
    q = tmp_path / "c.xlsx"
    q.write_bytes(b"not a workbook")
    with pytest.raises(InputError, match="cannot be read as an XLSX workbook"):
        read_candidates(q)
