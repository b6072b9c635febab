"""Result tables written as CSV, Parquet or a multi-sheet workbook."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.io.results import write_result


def _findings():
    return pd.DataFrame({"rep": ["R1", "R2"], "period": pd.to_datetime(["2026-01-01", "2026-04-01"]),
                         "gap": [1200.5, -3.0], "evidence_zh": ["跟进慢", "赢单率低"]})


def test_csv_has_iso_dates_and_a_bom_for_excel(tmp_path):
    out = write_result({"findings": _findings()}, tmp_path / "sub" / "f.csv")
    text = out.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    assert text.decode("utf-8-sig").splitlines()[1] == "R1,2026-01-01,1200.5,跟进慢"


def test_parquet_round_trips_the_first_table(tmp_path):
    out = write_result({"findings": _findings(), "other": pd.DataFrame({"x": [1]})}, tmp_path / "f.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(out), _findings(), check_dtype=False)


def test_xlsx_gets_one_sheet_per_table(tmp_path):
    out = write_result({"findings": _findings(), "team_summary": pd.DataFrame({"team": ["A"]})}, tmp_path / "f.xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["findings", "team_summary"]
    assert sheets["findings"]["period"].tolist() == ["2026-01-01", "2026-04-01"]
    assert sheets["team_summary"]["team"].tolist() == ["A"]


def test_unknown_extension_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"f\.json.*\.csv, \.parquet or \.xlsx"):
        write_result({"findings": _findings()}, tmp_path / "f.json")


# --- text a spreadsheet would run as a formula is written inert ---------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\t=1+1"]


def _hostile():
    return pd.DataFrame({"name": FORMULAS + ["Ann"], "amount": [-2.0, 1.0, 0.0, 3.5, 4.0, 5.0],
                         "=cmd|' /C calc'!A0": ["R1", "R2", "R3", "R4", "R5", "R6"]})


def test_xlsx_writes_formula_like_text_as_text_cells(tmp_path):
    import openpyxl

    out = write_result({"reps": _hostile(), "more": pd.DataFrame({"team": ["-West"]})}, tmp_path / "f.xlsx")
    sheet = openpyxl.load_workbook(out)["reps"]
    cells = [sheet.cell(row=r, column=1) for r in range(2, 2 + len(FORMULAS))]
    assert [c.value for c in cells] == FORMULAS  # kept exactly ...
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)  # ... as text, not formulas
    header = sheet.cell(row=1, column=3)
    assert header.value == "=cmd|' /C calc'!A0" and header.data_type == "s"
    assert [sheet.cell(row=r, column=2).value for r in range(2, 8)] == [-2.0, 1.0, 0.0, 3.5, 4.0, 5.0]
    assert sheet.cell(row=2, column=2).data_type == "n"  # numbers stay numbers
    assert sheet.cell(row=7, column=1).quotePrefix is False  # ordinary text untouched
    assert openpyxl.load_workbook(out)["more"]["A2"].data_type == "s"
    import zipfile

    with zipfile.ZipFile(out) as book:
        xml = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml


def test_csv_puts_an_apostrophe_before_formula_like_text(tmp_path):
    out = write_result({"reps": _hostile()}, tmp_path / "f.csv")
    read = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert read["name"].tolist() == ["'" + f for f in FORMULAS] + ["Ann"]
    assert read["amount"].tolist() == [-2.0, 1.0, 0.0, 3.5, 4.0, 5.0]
    assert list(read.columns) == ["name", "amount", "'=cmd|' /C calc'!A0"]


def test_neutralising_leaves_the_callers_frame_alone(tmp_path):
    frame = _hostile()
    before = frame.copy()
    write_result({"reps": frame}, tmp_path / "f.csv")
    write_result({"reps": frame}, tmp_path / "f.xlsx")
    pd.testing.assert_frame_equal(frame, before)
