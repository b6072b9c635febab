"""Reading CSV / XLSX / Parquet files: encodings, delimiters, row numbers, file-level errors."""

from __future__ import annotations

import codecs
import datetime as dt

import openpyxl
import pandas as pd
import pytest

from workbench.errors import DataError
from workbench.io.readers import read_csv_text, read_table_file

CHINESE = "rep_id,name,team,region\nR1,张三,华东,北区\nR2,李四,华南,南区\n"


@pytest.mark.parametrize(
    "encoding, prefix",
    [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gbk", b""), ("gb18030", b""), ("utf-16-le", codecs.BOM_UTF16_LE)],
)
def test_encodings_are_detected(tmp_path, encoding, prefix):
    path = tmp_path / "reps.csv"
    path.write_bytes(prefix + CHINESE.encode(encoding))
    frame = read_table_file(path)
    assert list(frame.columns) == ["rep_id", "name", "team", "region"]  # no BOM left in the header
    assert frame["name"].tolist() == ["张三", "李四"]
    assert frame["region"].tolist() == ["北区", "南区"]


def test_undecodable_file_names_file_and_encodings_tried(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_bytes(b"rep_id,name\nR1,\x81\xff\xfe bad\n")
    with pytest.raises(DataError) as err:
        read_table_file(path)
    message = str(err.value)
    assert "reps.csv" in message and "utf-8" in message and "gb18030" in message
    assert "byte" in message
    assert err.value.file == str(path)


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = tmp_path / "opportunities.csv"
    rows = [["opportunity_id", "amount", "name"], ["O1", "1.234,50" if delimiter != "," else "1234.50", "A, B"]]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) for row in rows) + "\n"
    path.write_text(text, encoding="utf-8")
    frame = read_table_file(path)
    assert list(frame.columns) == ["opportunity_id", "amount", "name"]
    assert frame.attrs["delimiter"] == delimiter
    assert frame.loc[2, "name"] == "A, B"


def test_cells_stay_text_and_row_numbers_match_a_spreadsheet(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text('rep_id,name,note\n00123,Ann,"two\nlines"\n\n,,\nR2,Bo,="00042"\n', encoding="utf-8")
    frame = read_table_file(path)
    assert frame.index.name == "row"
    assert frame.index.tolist() == [2, 5]  # blank line and empty row skipped, but counted
    assert frame.loc[2, "rep_id"] == "00123"  # no type guessing: leading zeros kept
    assert frame.loc[2, "note"] == "two\nlines"
    assert frame.loc[5, "note"] == "00042"  # Excel's ="..." text guard removed
    assert all(str(dtype) == "str" for dtype in frame.dtypes)


def test_excel_sep_hint_and_banner_above_header(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("sep=;\nrep_id;name\nR1;Ann\n", encoding="utf-8")
    frame = read_table_file(path)
    assert frame.columns.tolist() == ["rep_id", "name"] and frame.index.tolist() == [3]
    path.write_text("Sales report,,\nExported 2026-03-01,,\nrep_id,name,team\nR1,Ann,East\n", encoding="utf-8")
    frame = read_csv_text(path, expected_columns=["rep_id", "name", "team", "region"])
    assert frame.columns.tolist() == ["rep_id", "name", "team"]
    assert frame.index.tolist() == [4]


def test_rows_with_extra_fields_are_kept_and_flagged(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("rep_id,name\nR1,Ann\nR2,Bo,oops\nR3,Cy\n", encoding="utf-8")
    frame = read_table_file(path)
    assert frame["rep_id"].tolist() == ["R1", "R2", "R3"]
    assert frame.index.tolist() == [2, 3, 4]
    assert frame["_row_error"].tolist() == ["", "row has 3 fields, the header has 2", ""]


def test_empty_file_is_a_file_level_error(tmp_path):
    path = tmp_path / "reps.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match="reps.csv.*empty"):
        read_table_file(path)


def test_unsupported_and_missing_files(tmp_path):
    path = tmp_path / "reps.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(DataError, match=r"reps.json: unsupported file type '.json'; expected one of .csv"):
        read_table_file(path)
    with pytest.raises(DataError, match="no such file"):
        read_table_file(tmp_path / "nope.csv")


def test_xlsx_cells_as_text_with_sheet_row_numbers(tmp_path):
    path = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.title = "Summary"
    first.append(["nothing", "here"])
    sheet = workbook.create_sheet("Opportunities")
    sheet.append(["Exported from CRM"])
    sheet.append([])
    sheet.append(["opportunity_id", "amount", "created_at", "rep_id"])
    sheet.append(["O1", 1200.5, dt.datetime(2026, 3, 5, 14, 30), 1001])
    sheet.append([])
    sheet.append(["O2", 300, dt.date(2026, 3, 6), "R2"])
    workbook.save(path)
    frame = read_table_file(path, table="opportunities",
                            expected_columns=["opportunity_id", "rep_id", "amount", "created_at"])
    assert frame.attrs["sheet"] == "Opportunities"
    assert frame.columns.tolist() == ["opportunity_id", "amount", "created_at", "rep_id"]
    assert frame.index.tolist() == [4, 6]
    assert frame.loc[4].tolist() == ["O1", "1200.5", "2026-03-05 14:30:00", "1001"]
    assert frame.loc[6, "amount"] == "300"
    assert frame.loc[6, "created_at"].startswith("2026-03-06")
    # without a table name the first sheet is read
    assert read_table_file(path).columns.tolist() == ["nothing", "here"]


def test_corrupt_xlsx_and_parquet_raise_data_error(tmp_path):
    for name in ("reps.xlsx", "reps.parquet"):
        path = tmp_path / name
        path.write_bytes(b"this is not a real file")
        with pytest.raises(DataError, match=name):
            read_table_file(path)


def test_parquet_keeps_types_and_numbers_rows_from_2(tmp_path):
    path = tmp_path / "opportunities.parquet"
    pd.DataFrame({"amount": [1.5, 2.0], "created_at": pd.to_datetime(["2026-03-05", "2026-03-06"])}).to_parquet(path)
    frame = read_table_file(path)
    assert frame["amount"].dtype == "float64"
    assert frame["created_at"].dtype.kind == "M"
    assert frame.index.tolist() == [2, 3]


@pytest.mark.parametrize(
    "raw, rows",
    [
        (b"rep_id,name\r\nR1,Ann\r\n\r\nR2,Bo\r\n", [2, 4]),  # Windows line ends, blank line counted
        (b"rep_id,name\rR1,Ann\rR2,Bo\r", [2, 3]),  # old Mac line ends
        (b"rep_id,name,\nR1,Ann,\nR2,Bo,\n", [2, 3]),  # trailing delimiter: no phantom column
        (b"\n\nrep_id,name\nR1,Ann\nR2,Bo", [4, 5]),  # blank lines above the header, no final newline
    ],
)
def test_line_endings_and_trailing_delimiters(tmp_path, raw, rows):
    path = tmp_path / "reps.csv"
    path.write_bytes(raw)
    frame = read_table_file(path)
    assert frame.columns.tolist() == ["rep_id", "name"]
    assert frame.index.tolist() == rows
    assert frame["name"].tolist() == ["Ann", "Bo"]


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, sheet_name="Deals", index=False)
    with pytest.raises(DataError, match=r"book.xlsx: no sheet named 'Reps'; sheets are \['Deals'\]"):
        read_table_file(path, sheet="Reps")
