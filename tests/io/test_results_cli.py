"""Every CSV and workbook the CLI writes holds formula-like text inert and is reproducible.

The CLI runs on the hostile case ``export-formula-cells`` (:mod:`tests.hostile.export_cases`):
a rep id, name, team, region, product and competitor that start with ``@ = + -``, a tab
or a carriage return, and one amount ``=1+1`` that is quarantined. Each workbook is read
back with openpyxl: no cell is a formula, formula-like text is a text cell with a quote
prefix, numbers are numbers. Each CSV field that starts like a formula is a number or
starts with an apostrophe. The same command run twice writes the same bytes.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.export_cases import BAD_AMOUNT, FORMULAS, write_formula_folder
from workbench.cli import main
from workbench.io.results import FORMULA_TRIGGERS

PLAN = Path(__file__).resolve().parents[2] / "docs" / "example_plan.toml"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export") / "data"
    write_formula_folder(folder)
    return folder


def _commands(folder, out):
    return {
        "validate": ["validate", str(folder), "--quarantine-out", str(out / "quarantine.csv")],
        "validate-xlsx": ["validate", str(folder), "--quarantine-out", str(out / "quarantine.xlsx")],
        "kpi": ["kpi", str(folder), "--by", "rep", "-o", str(out / "kpis.xlsx")],
        "kpi-csv": ["kpi", str(folder), "--by", "team", "-o", str(out / "kpis.csv")],
        "diagnose": ["diagnose", str(folder), "-o", str(out / "diagnosis.xlsx")],
        "forecast": ["forecast", str(folder), "--by", "team", "--h", "1", "--windows", "1", "--snapshots", "2",
                     "-o", str(out / "forecast.xlsx"), "--pipeline-out", str(out / "pipeline_odds.csv")],
        "targets": ["targets", str(folder), "--period", "2026-11", "-o", str(out / "targets.xlsx")],
        "payout": ["payout", str(folder), "--plan", str(PLAN), "--period", "2026-Q3",
                   "-o", str(out / "payouts.xlsx")],
        "coach": ["coach", str(folder), "-o", str(out / "coaching.xlsx")],
    }


@pytest.fixture(scope="module")
def outputs(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    for name, args in _commands(folder, out).items():
        assert main(args) == 0, name
    return out


def _workbook_cells(path):
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _csv_fields(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            yield from row


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_no_workbook_the_cli_writes_holds_a_formula(outputs):
    books = sorted(outputs.glob("*.xlsx"))
    assert {p.name for p in books} == {"quarantine.xlsx", "kpis.xlsx", "diagnosis.xlsx", "forecast.xlsx",
                                       "targets.xlsx", "payouts.xlsx", "coaching.xlsx"}
    seen = set()
    for book in books:
        for cell in _workbook_cells(book):
            assert cell.data_type != "f", (book.name, cell.coordinate, cell.value)
            if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                assert cell.data_type == "s" and cell.quotePrefix, (book.name, cell.coordinate, cell.value)
                seen.update(k for k, v in FORMULAS.items() if v in cell.value)
            if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                assert cell.data_type == "n"  # numbers stay numbers
        with zipfile.ZipFile(book) as parts:
            sheets = [parts.read(n).decode() for n in parts.namelist() if n.startswith("xl/worksheets/")]
        assert not any("<f>" in xml or "<f " in xml for xml in sheets), book.name
    assert {"rep_id", "name", "team"} <= seen  # the hostile names did reach the workbooks


def test_no_csv_the_cli_writes_starts_a_cell_with_a_formula(outputs):
    files = sorted(outputs.glob("*.csv"))
    assert {p.name for p in files} == {"quarantine.csv", "kpis.csv", "pipeline_odds.csv"}
    apostrophes = 0
    for path in files:
        for field in _csv_fields(path):
            if field.startswith(FORMULA_TRIGGERS):
                assert _is_number(field), (path.name, field)  # -5 stays a number
            apostrophes += field.startswith("'") and field[1:].startswith(FORMULA_TRIGGERS)
    assert apostrophes >= 3  # the team in kpis.csv and pipeline_odds.csv, the bad amount


def test_quarantine_out_writes_the_raw_formula_cell_inert(outputs):
    rows = list(csv.DictReader(open(outputs / "quarantine.csv", encoding="utf-8-sig", newline="")))
    bad = [r for r in rows if r["column"] == "amount" and r["reason"] == "unparseable number"]
    assert [r["value"] for r in bad] == ["'" + BAD_AMOUNT]
    book = openpyxl.load_workbook(outputs / "quarantine.xlsx")
    cells = [c for c in _workbook_cells(outputs / "quarantine.xlsx") if c.value == BAD_AMOUNT]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].quotePrefix
    assert book.properties.created.year == 1980


def test_the_same_command_writes_the_same_bytes_twice(folder, outputs, tmp_path):
    again = tmp_path / "again"
    commands = _commands(folder, again)
    for name in ("kpi", "kpi-csv", "validate-xlsx"):
        assert main(commands[name]) == 0
    for file in ("kpis.xlsx", "kpis.csv", "quarantine.xlsx"):
        assert (again / file).read_bytes() == (outputs / file).read_bytes(), file
