"""Input limits: configured by argument, environment or defaults; checked before reading."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest

import workbench
from workbench.errors import DataError
from workbench.io.limits import LIMITS, InputLimits, current_limits, parse_size, resolve_limits, using_limits
from workbench.io.readers import read_table_file


def test_defaults_never_block_a_big_real_export():
    assert LIMITS.max_file_bytes >= 4 << 30
    assert LIMITS.max_columns >= 2_000
    assert LIMITS.max_cells >= 10_000_000 * 50
    assert LIMITS.max_cell_chars >= 200_000


def test_limits_from_a_dict_the_environment_and_a_with_block(monkeypatch):
    assert resolve_limits({"max_columns": "3k"}).max_columns == 3 << 10
    assert resolve_limits(InputLimits(max_columns=7)).max_columns == 7
    monkeypatch.setenv("WORKBENCH_MAX_FILE_BYTES", "8GB")
    assert current_limits().max_file_bytes == 8 << 30
    with using_limits({"max_columns": 9}):
        assert current_limits().max_columns == 9
        assert current_limits().max_file_bytes == 8 << 30  # the environment still applies
    assert current_limits().max_columns == LIMITS.max_columns
    monkeypatch.setenv("WORKBENCH_MAX_COLUMNS", "many")
    with pytest.raises(ValueError, match="WORKBENCH_MAX_COLUMNS"):
        current_limits()


@pytest.mark.parametrize("text", ["0", "-5", "12 parsecs", "", True])
def test_bad_limit_values_are_rejected(text):
    with pytest.raises(ValueError):
        parse_size(text)


def test_file_size_limit_names_file_limit_and_how_to_raise(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("rep_id,name,team,region\n" + "R1,Ann,East,North\n" * 100, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_table_file(path, limits={"max_file_bytes": 1000})
    message = str(caught.value)
    assert message.startswith(f"{path}: the file is")
    assert "max_file_bytes = 1,000 bytes" in message and "WORKBENCH_MAX_FILE_BYTES" in message
    assert len(read_table_file(path, limits={"max_file_bytes": 10_000})) == 100


def test_cells_limit_counts_lines_times_columns_before_reading(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("rep_id,name,team,region\n" + "R1,Ann,East,North\n" * 100, encoding="utf-8")
    with pytest.raises(DataError, match=r"100 lines x 4 columns = 400 cells, more than 399"):
        read_table_file(path, limits={"max_cells": 399})
    assert len(read_table_file(path, limits={"max_cells": 400})) == 100


def test_line_length_limit_refuses_a_file_without_line_breaks(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("rep_id,name,team,region\nR1,Ann,East," + "x" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="reps.csv: line 2 is longer than 4 KiB"):
        read_table_file(path, limits={"max_line_bytes": 4096})


def test_load_passes_limits_to_every_file(tmp_path):
    (tmp_path / "reps.csv").write_text("rep_id,name,team,region\nR1,Ann,East,North\n", encoding="utf-8")
    (tmp_path / "opportunities.csv").write_text(
        "opportunity_id,rep_id,created_at,stage,amount,closed_at,outcome\nO1,R1,2026-01-05,Won,1,2026-02-01,won\n",
        encoding="utf-8")
    with pytest.raises(DataError, match=r"opportunities.csv: the header \(line 1\) has 7 columns, more than 5"):
        workbench.load(tmp_path, limits={"max_columns": 5})
    assert workbench.load(tmp_path).rows_loaded == {"reps": 1, "opportunities": 1}
    with pytest.raises(ValueError, match="unknown input limit 'max_colums'"):
        workbench.load(tmp_path, limits={"max_colums": 5})


def _xlsx(path, rows):
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    with pd.ExcelWriter(path) as writer:
        frame.to_excel(writer, index=False, sheet_name="reps")


def test_workbook_expanded_size_and_dimension_are_checked_before_reading(tmp_path):
    path = tmp_path / "reps.xlsx"
    _xlsx(path, [["rep_id", "name", "team", "region"]] + [[f"R{i}", "Ann", "East", "North"] for i in range(200)])
    expanded = sum(i.file_size for i in zipfile.ZipFile(path).infolist()
                   if i.filename.startswith("xl/worksheets/") or i.filename == "xl/sharedStrings.xml")
    with pytest.raises(DataError, match="max_xlsx_expanded_bytes"):
        read_table_file(path, limits={"max_xlsx_expanded_bytes": expanded - 1})
    with pytest.raises(DataError, match=r"201 rows x 4 columns = 804 cells, more than 800"):
        read_table_file(path, limits={"max_cells": 800})
    with pytest.raises(DataError, match=r"4 columns, more than 3"):
        read_table_file(path, limits={"max_columns": 3})
    frame = read_table_file(path)
    assert frame.shape == (200, 4) and frame.index[0] == 2


def test_parquet_rows_and_columns_come_from_the_footer(tmp_path):
    path = tmp_path / "reps.parquet"
    pd.DataFrame({"rep_id": ["R1", "R2"], "name": ["A", "B"]}).to_parquet(path)
    with pytest.raises(DataError, match=r"2 rows x 2 columns = 4 cells, more than 3"):
        read_table_file(path, limits={"max_cells": 3})
    assert len(read_table_file(path)) == 2


def test_nul_bytes_are_not_a_text_table(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_bytes(b"rep_id,name\nR1,A\x00nn\n")
    with pytest.raises(DataError, match="byte 16 is a NUL byte"):
        read_table_file(path)


def test_utf16_file_with_bom_is_still_text(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_bytes("rep_id\tname\nR1\tAnn\n".encode("utf-16"))
    frame = read_table_file(path)
    assert frame["name"].tolist() == ["Ann"] and frame.attrs["lines"] == 2


def test_limit_errors_reach_the_cli_as_messages(tmp_path):
    from workbench.cli import main

    (tmp_path / "reps.csv").write_text("rep_id,name,team,region\nR1,Ann,East,North\n", encoding="utf-8")
    (tmp_path / "opportunities.csv").write_text(",".join(f"c{i}" for i in range(3000)) + "\n", encoding="utf-8")
    err = io.StringIO()
    from contextlib import redirect_stderr

    with redirect_stderr(err):
        code = main(["validate", str(tmp_path)])
    assert code != 0
    assert "3,000 columns, more than 2,000" in err.getvalue() and "Traceback" not in err.getvalue()


def test_process_wide_limits_can_be_replaced(monkeypatch, tmp_path):
    import workbench.io.limits as limits

    monkeypatch.setattr(limits, "LIMITS", limits.LIMITS.replace(max_columns="3"))
    path = tmp_path / "reps.csv"
    path.write_text("rep_id,name,team,region\nR1,Ann,East,North\n", encoding="utf-8")
    with pytest.raises(DataError, match="max_columns = 3"):
        read_table_file(path)
