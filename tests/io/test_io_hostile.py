"""The io cases of the hostile corpus (tests/hostile/io_cases.py), each with its expected outcome.

Each test reproduces one failure of issue 12's Why list on the code before the fix:
lines lost after an unclosed quote, two deals in one cell, a crash on the csv field limit,
unbounded memory on wide / sparse / expanding files, a silently renamed duplicate column
and a symlink whose target's first line was printed.
"""

from __future__ import annotations

import pytest

import workbench
from tests.hostile import CASES
from tests.hostile.io_cases import BROKEN_LINE, SECRET
from workbench.errors import DataError


def build(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir()
    CASES[name].write(folder)
    return folder


def opportunity_lines(folder) -> int:
    """Physical data lines of opportunities.csv (header excluded)."""
    return (folder / "opportunities.csv").read_bytes().count(b"\n") - 1


def quarantined(data, table="opportunities"):
    q = data.quarantine
    return q[q["table"] == table]


def test_every_io_case_is_registered_with_an_expectation():
    names = [n for n, c in CASES.items() if c.area == "io"]
    assert len(names) >= 15
    assert all(CASES[n].expect.strip() for n in names)


def test_unclosed_quote_quarantines_its_line_and_loses_nothing(tmp_path):
    folder = build(tmp_path, "csv-unclosed-quote")
    lines = opportunity_lines(folder)
    data = workbench.load(folder)
    # before: 50 rows read, 0 quarantined, 183 lines gone
    assert data.rows_read["opportunities"] == lines == 233
    q = quarantined(data)
    assert q["row"].tolist() == [BROKEN_LINE]
    assert q["check"].tolist() == ["malformed_row"]
    assert f"opens on line {BROKEN_LINE}" in q["reason"].iloc[0] and "unbalanced quote" in q["reason"].iloc[0]
    assert data.rows_loaded["opportunities"] == lines - 1


def test_unclosed_quote_does_not_put_two_deals_in_one_cell(tmp_path):
    folder = build(tmp_path, "csv-unclosed-quote-then-quoted-cell")
    data = workbench.load(folder)
    deals = data.opportunities
    assert data.rows_read["opportunities"] == opportunity_lines(folder)
    assert not deals["lost_reason"].fillna("").str.contains("\n").any()
    assert "budget, timing" in deals["lost_reason"].tolist()
    assert quarantined(data)["row"].tolist() == [BROKEN_LINE]


def test_early_unclosed_quote_in_a_1697_line_file(tmp_path):
    folder = build(tmp_path, "csv-early-unclosed-quote-1697-lines")
    data = workbench.load(folder)
    # before: "read 1,200", 1 quarantined, 496 lines gone
    assert data.rows_read["opportunities"] == 1697
    assert data.rows_loaded["opportunities"] == 1696
    assert quarantined(data)["row"].tolist() == [5]


def test_200k_character_cell_loads_and_does_not_crash_validate(tmp_path):
    folder = build(tmp_path, "csv-200k-character-cell")
    data = workbench.load(folder)  # before: _csv.Error: field larger than field limit (131072)
    assert data.rows_read["opportunities"] == opportunity_lines(folder)
    assert data.opportunities["lost_reason"].str.len().max() == 200_000
    q = quarantined(data)
    assert q["row"].tolist() == [BROKEN_LINE + 10]
    assert q["reason"].iloc[0] == "row has 15 fields, the header has 14"


def test_cell_over_the_limit_quarantines_its_row(tmp_path):
    folder = build(tmp_path, "csv-cell-over-limit")
    data = workbench.load(folder)
    q = quarantined(data)
    assert q["row"].tolist() == [BROKEN_LINE]
    assert "max_cell_chars" in q["reason"].iloc[0] and "WORKBENCH_MAX_CELL_CHARS" in q["reason"].iloc[0]
    assert data.rows_read["opportunities"] == opportunity_lines(folder)
    raised = workbench.load(folder, limits={"max_cell_chars": 2_000_000})
    assert quarantined(raised).empty


def test_extra_field_in_the_first_row_does_not_shift_the_columns(tmp_path):
    folder = build(tmp_path, "csv-extra-field-in-first-row")
    data = workbench.load(folder)
    # before: pandas made the first column the index, so every cell moved one column left
    q = quarantined(data)
    assert q["row"].tolist() == [2] and q["reason"].tolist() == ["row has 15 fields, the header has 14"]
    assert data.rows_loaded["opportunities"] == 232
    assert data.opportunities["opportunity_id"].str.startswith("OP").all()


def test_quoted_cell_spanning_lines_is_one_row(tmp_path):
    folder = build(tmp_path, "csv-multiline-note")
    data = workbench.load(folder)
    assert quarantined(data).empty
    assert data.rows_read["opportunities"] == opportunity_lines(folder) - 1  # two lines, one row
    assert "price\ncalled twice, no answer" in data.opportunities["lost_reason"].tolist()


@pytest.mark.parametrize("name, columns", [("csv-200k-columns", "200,000"), ("csv-20k-columns", "20,000")])
def test_very_wide_header_is_refused_before_reading(tmp_path, name, columns):
    folder = build(tmp_path, name)
    with pytest.raises(DataError) as caught:
        workbench.load(folder)  # before: std::bad_alloc after 44 s / 1.8 GB
    message = str(caught.value)
    assert "opportunities.csv" in message and f"{columns} columns" in message
    assert "max_columns" in message and "WORKBENCH_MAX_COLUMNS" in message


def test_sparse_gigabyte_is_refused_without_reading_it(tmp_path):
    folder = build(tmp_path, "csv-sparse-1gib")
    with pytest.raises(DataError, match="activities.csv: byte 53 is a NUL byte"):
        workbench.load(folder)  # before: 5.4 GB


def test_expanding_xlsx_is_refused_before_reading(tmp_path):
    folder = build(tmp_path, "xlsx-expands-to-1m-rows")
    assert (folder / "activities.xlsx").stat().st_size < 16 << 20
    with pytest.raises(DataError) as caught:
        workbench.load(folder)  # before: 2.7 GB
    message = str(caught.value)
    assert "activities.xlsx" in message and "expand to" in message
    assert "max_xlsx_expanded_bytes" in message and "WORKBENCH_MAX_XLSX_EXPANDED_BYTES" in message


def test_duplicate_contract_column_is_an_error_naming_it(tmp_path):
    folder = build(tmp_path, "csv-duplicate-amount-column")
    with pytest.raises(DataError) as caught:
        workbench.load(folder)  # before: the second amount became amount.1 and was ignored
    assert "opportunities.csv" in str(caught.value) and "'amount'" in str(caught.value)
    assert "columns 9 and 15" in str(caught.value)
    assert caught.value.column == "amount"


def test_symlink_outside_the_folder_is_refused_without_its_content(tmp_path):
    folder = build(tmp_path, "symlink-outside-data-folder")
    with pytest.raises(DataError) as caught:
        workbench.load(folder)  # before: the error quoted the target's first line
    message = str(caught.value)
    assert "symbolic link" in message and "opportunities.csv" in message
    assert "SECRET" not in message and "root:x" not in message and "passwd" not in message


def test_symlink_inside_the_folder_loads(tmp_path):
    folder = build(tmp_path, "symlink-inside-data-folder")
    data = workbench.load(folder)
    assert data.rows_loaded["opportunities"] == 233


def test_banner_and_blank_lines_are_listed_as_skipped(tmp_path):
    folder = build(tmp_path, "csv-banner-and-blank-lines")
    data = workbench.load(folder)
    assert data.rows_read["opportunities"] == 233 and quarantined(data).empty
    listed = [s for s in data.ignored_sources if s.startswith("opportunities.csv")]
    assert listed == ["opportunities.csv rows 1-3 (above the header); rows 24-25 (blank)"]
    assert "rows 24-25 (blank)" in data.summary()


def test_secret_is_not_in_the_case_folder(tmp_path):
    # the link's target lives beside the data folder, never inside it
    folder = build(tmp_path, "symlink-outside-data-folder")
    inside = [p for p in folder.rglob("*") if not p.is_symlink() and p.is_file()]
    assert all(SECRET not in p.read_text(encoding="utf-8", errors="ignore") for p in inside)


def test_crm_import_of_a_folder_refuses_a_link_out_of_it(tmp_path):
    from workbench.io.crm import import_files

    folder = tmp_path / "export"
    folder.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text(SECRET + "\n", encoding="utf-8")
    (folder / "opportunities.csv").symlink_to(secret)
    with pytest.raises(DataError) as caught:
        import_files(folder, preset="salesforce")
    assert "symbolic link" in str(caught.value) and "SECRET" not in str(caught.value)


def test_crm_import_quarantines_an_unbalanced_quote_by_line(tmp_path):
    from pathlib import Path

    from workbench.io.crm import import_files

    fixture = Path(__file__).parent / "crm" / "fixtures" / "salesforce_opportunities.csv"
    lines = fixture.read_text(encoding="utf-8-sig").split("\n")
    lines[2] = lines[2].replace('"Send revised quote"', '"Send revised quote')  # the quote never closes
    path = tmp_path / "salesforce_opportunities.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    clean = import_files(fixture, preset="salesforce").data
    broken = import_files(path, preset="salesforce").data
    q = broken.quarantine[broken.quarantine["check"] == "malformed_row"]
    assert q["row"].tolist() == [3] and "unbalanced quote" in q["reason"].iloc[0]
    assert broken.rows_loaded["opportunities"] == clean.rows_loaded["opportunities"] - 1


def test_duplicate_contract_column_in_a_workbook_is_an_error_too(tmp_path):
    import pandas as pd

    folder = build(tmp_path, "csv-unclosed-quote")
    deals = pd.read_csv(folder / "opportunities.csv", dtype=str, nrows=5)
    deals.insert(3, "amount", deals["amount"], allow_duplicates=True)
    (folder / "opportunities.csv").unlink()
    deals.to_excel(folder / "opportunities.xlsx", index=False)
    with pytest.raises(DataError, match=r"opportunities.xlsx: column 'amount' appears 2 times .*columns 4 and 10"):
        workbench.load(folder)
