"""The result writer gives the same bytes for the same tables, and neutralises text of any dtype."""

from __future__ import annotations

import zipfile

import openpyxl
import pandas as pd

from workbench.io.results import FIXED_TIMESTAMP, neutralise_formulas, write_result


def _tables():
    return {"kpis": pd.DataFrame({"rep_id": ["=1+1", "\r=2+2"], "gap": [-5.0, 3.0],
                                  "period": pd.to_datetime(["2026-01-01", "2026-02-01"])}),
            "teams": pd.DataFrame({"team": ["+West"]})}


def test_workbook_times_are_fixed_not_the_time_of_writing(tmp_path):
    out = write_result(_tables(), tmp_path / "k.xlsx")
    props = openpyxl.load_workbook(out).properties
    assert props.created == FIXED_TIMESTAMP and props.modified == FIXED_TIMESTAMP
    with zipfile.ZipFile(out) as book:
        assert {part.date_time for part in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert book.testzip() is None


def test_the_same_tables_give_the_same_bytes(tmp_path, monkeypatch):
    first = write_result(_tables(), tmp_path / "a.xlsx").read_bytes()
    import time

    later = time.time() + 3 * 86400  # written three days later
    monkeypatch.setattr(time, "time", lambda: later)
    assert write_result(_tables(), tmp_path / "b.xlsx").read_bytes() == first
    assert write_result(_tables(), tmp_path / "a.csv").read_bytes() == write_result(_tables(), tmp_path / "b.csv").read_bytes()


def test_a_reproducible_workbook_still_reads_back(tmp_path):
    out = write_result(_tables(), tmp_path / "k.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert [v.strip() for v in sheets["kpis"]["rep_id"]] == ["=1+1", "=2+2"]  # XML reads a CR back as LF
    assert sheets["kpis"]["gap"].tolist() == [-5.0, 3.0]
    assert sheets["teams"]["team"].tolist() == ["+West"]


def test_categorical_text_is_neutralised_too(tmp_path):
    frame = pd.DataFrame({"team": pd.Categorical(["=cmd|' /C calc'!A0", "West", "=cmd|' /C calc'!A0"]),
                          "gap": [-5, 2, 0]})
    assert neutralise_formulas(frame)["team"].tolist() == ["'=cmd|' /C calc'!A0", "West", "'=cmd|' /C calc'!A0"]
    assert frame["team"].dtype == "category"  # the caller's frame is left alone
    read = pd.read_csv(write_result({"t": frame}, tmp_path / "t.csv"), encoding="utf-8-sig")
    assert read["team"].tolist()[0] == "'=cmd|' /C calc'!A0" and read["gap"].tolist() == [-5, 2, 0]
    sheet = openpyxl.load_workbook(write_result({"t": frame}, tmp_path / "t.xlsx"))["t"]
    assert sheet["A2"].data_type == "s" and sheet["A2"].quotePrefix and sheet["B2"].value == -5
