"""Export folders with other files: ignored and listed, never stacked; weak matches ask for --table."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.io.crm.exports import write_hubspot_folder, write_salesforce_report
from workbench.cli import main
from workbench.errors import MappingError
from workbench.io.crm import import_files
from workbench.io.crm.assign import header_fit, needed_fields
from workbench.io.crm.files import read_export
from workbench.io.crm.mapping import load_preset, parse_mapping

FIXTURES = Path(__file__).parent / "fixtures"
NOT_TABLES = ["accounts.csv", "data_dictionary.csv", "notes.pdf", "products.csv", "README.txt", "~$deals.xlsx"]


def accounted(result) -> None:
    data = result.data
    for table, read in data.rows_read.items():
        quarantined = data.quarantine[data.quarantine["table"] == table][["file", "row"]].drop_duplicates()
        assert read == len(data[table]) + len(quarantined), table


@pytest.fixture()
def folder(tmp_path):
    return write_hubspot_folder(tmp_path / "export")


def test_files_matching_no_table_are_ignored_and_listed(folder):
    result = import_files([folder], preset="hubspot")
    data = result.data
    # only deals.csv and calls.csv were read: nothing stacked, nothing quarantined
    assert data.rows_read == {"reps": 4, "opportunities": 24, "activities": 10}
    assert data.quarantine.empty
    assert set(data.quarantine["file"]) | {"deals.csv", "calls.csv"} == {"deals.csv", "calls.csv"}
    assert sorted(result.ignored["file"], key=str.casefold) == sorted(NOT_TABLES, key=str.casefold)
    reasons = dict(zip(result.ignored["file"], result.ignored["reason"]))
    assert reasons["accounts.csv"].startswith("its name matches none of the mapping's files patterns (opportunities: *deal*")
    assert reasons["notes.pdf"].startswith("not a table file (.pdf")
    assert reasons["~$deals.xlsx"].startswith("a hidden file or an Excel lock file")
    assert "Files ignored (6; nothing was read from them into a table)" in result.report
    assert "  data_dictionary.csv: its name matches none" in result.report
    accounted(result)


def test_the_cli_lists_ignored_files_even_when_quiet(folder, tmp_path, capsys):
    out = tmp_path / "data"
    assert main(["import", "--preset", "hubspot", str(folder), "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    for name in NOT_TABLES:
        assert f"ignored {name}: " in printed
    assert "6 file(s) ignored (see quality_report.txt)" in printed
    assert "products.csv: its name matches none" in (out / "quality_report.txt").read_text(encoding="utf-8")


def test_a_file_matching_a_pattern_only_by_its_name_asks_for_table(tmp_path):
    folder = write_hubspot_folder(tmp_path / "export", weak_file=True)
    with pytest.raises(MappingError) as err:
        import_files([folder], preset="hubspot")
    text = str(err.value)
    assert "deal_products.csv matches the files pattern of opportunities only by its name" in text
    assert "lacks owner ('Deal owner'), created_at ('Create Date'), stage ('Deal Stage')" in text
    assert "candidate tables: opportunities (2 of its 17 columns" in text
    assert "--table TABLE deal_products.csv" in text and "--ignore deal_products.csv" in text


def test_ignore_leaves_the_weak_file_out_and_says_so(tmp_path, capsys):
    folder = write_hubspot_folder(tmp_path / "export", weak_file=True)
    out = tmp_path / "data"
    assert main(["import", "--preset", "hubspot", str(folder), "--ignore", "deal_products.csv", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "deal_products.csv: left out with --ignore" in printed
    assert pd.read_csv(out / "opportunities.csv").shape[0] == 24


def test_the_cli_error_for_a_weak_match_names_file_and_tables(tmp_path, capsys):
    folder = write_hubspot_folder(tmp_path / "export", weak_file=True)
    assert main(["import", "--preset", "hubspot", str(folder), "--out", str(tmp_path / "data")]) == 1
    err = capsys.readouterr().err
    assert "deal_products.csv" in err and "candidate tables: opportunities" in err and "--table" in err


def test_table_option_imports_an_ignored_file(folder):
    result = import_files([folder], preset="hubspot", tables={"opportunities": [folder / "deals.csv"]})
    assert result.data.rows_read["opportunities"] == 24
    assert "deals.csv" not in set(result.ignored["file"])


def test_a_named_file_is_assigned_by_its_header_and_the_report_says_so(tmp_path):
    path = write_salesforce_report(tmp_path / "report1712345678901.csv")
    result = import_files([path], preset="salesforce")
    assert result.data.rows_read["opportunities"] == 40
    assert "report1712345678901.csv → opportunities by its header (9 of the table's 18 columns" in result.report


def test_a_named_file_sharing_few_columns_asks_for_table(tmp_path):
    path = tmp_path / "export1.csv"
    path.write_text("Opportunity Name,Amount,Notes\nAcme,100,x\n", encoding="utf-8")
    with pytest.raises(MappingError, match=r"export1.csv shares only a few columns with the mapping's tables.*"
                                           r"candidate tables: opportunities \(2 of its 18 columns; lacks owner"):
        import_files([path], preset="salesforce")


def test_a_named_file_fitting_two_tables_alike_asks_for_table(tmp_path):
    mapping = parse_mapping('''
name = "two"
[tables.opportunities.columns]
opportunity_id = "ID"
owner = "Owner"
stage = "Stage"
created_at = "Created"
amount = {headers = "Amount", default = 0}
[tables.stage_history.columns]
opportunity_id = "ID"
stage = "Stage"
entered_at = "Created"
''')
    path = tmp_path / "export.csv"
    path.write_text("ID,Owner,Stage,Created\n1,Ann,Won,2026-01-01\n", encoding="utf-8")
    with pytest.raises(MappingError, match="export.csv fits several tables by its header"):
        import_files([path], mapping=mapping)
    result = import_files([], mapping=mapping, tables={"stage_history": [path], "opportunities": [path]})
    assert result.data.rows_read["stage_history"] == 1


def test_folder_files_go_by_header_to_tables_without_patterns(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(FIXTURES / "salesforce_opportunities.csv", folder / "pipeline_q1.csv")
    (folder / "glossary.csv").write_text("Term,Meaning\nACV,annual contract value\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text('extends = "salesforce"\n[tables.opportunities]\nfiles = []\n', encoding="utf-8")
    result = import_files([folder], mapping=mapping)
    assert result.data.rows_read["opportunities"] == 10
    assert result.ignored["file"].tolist() == ["glossary.csv"]
    assert result.ignored["reason"].iloc[0] == "none of its headers is one the mapping knows"


def test_needed_fields_and_fit_of_a_preset():
    tm = load_preset("hubspot").tables["opportunities"]
    assert needed_fields(tm, "opportunities") == [("rep_id", ("owner",)), ("created_at", ("created_at",)),
                                                  ("stage", ("stage",)), ("outcome", ("stage",))]
    assert needed_fields(tm, "opportunities", kept_dates={"created_at"})[1] == ("stage", ("stage",))
    export = read_export(FIXTURES / "hubspot_deals.csv")
    fit = header_fit(export, tm, "opportunities")
    assert fit.fits and not fit.missing and len(fit.found) >= 8


def test_a_folder_whose_files_match_no_pattern_is_matched_by_headers(tmp_path):
    """Renamed reports (or files uploaded in an app): no name matches, so headers decide."""
    folder = tmp_path / "upload"
    folder.mkdir()
    write_salesforce_report(folder / "report1712345678901.csv")
    shutil.copy(FIXTURES / "salesforce_activities.csv", folder / "report1712345678999.csv")
    (folder / "glossary.csv").write_text("Term,Meaning\nACV,annual contract value\n", encoding="utf-8")
    result = import_files([folder], preset="salesforce")
    assert result.data.rows_read["opportunities"] == 40 and result.data.rows_read["activities"] == 6
    assert result.ignored.values.tolist() == [["glossary.csv", "none of its headers is one the mapping knows"]]
    assert "no file of the folder matches the mapping's files patterns" in result.report
    accounted(result)


def test_a_folder_inside_the_export_folder_is_listed_not_read(folder):
    (folder / "archive").mkdir()
    (folder / "archive" / "deals_2025.csv").write_text("Record ID\n1\n", encoding="utf-8")
    result = import_files([folder], preset="hubspot")
    reasons = dict(zip(result.ignored["file"], result.ignored["reason"]))
    assert reasons["archive/"].startswith("a folder inside the export folder (not read")
    assert result.data.rows_read["opportunities"] == 24


def test_a_file_forced_by_an_absolute_path_is_not_read_twice(folder, monkeypatch):
    monkeypatch.chdir(folder.parent)
    result = import_files(["export"], preset="hubspot", tables={"opportunities": [(folder / "deals.csv").resolve()]})
    assert result.data.rows_read["opportunities"] == 24 and result.data.quarantine.empty
