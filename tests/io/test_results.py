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
