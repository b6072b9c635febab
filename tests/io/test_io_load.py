"""workbench.load: folders of CSV/XLSX/Parquet, DuckDB / SQLite files, workbooks, dicts."""

from __future__ import annotations

import sqlite3

import duckdb
import openpyxl
import pandas as pd
import pytest
from io_tables import OPPORTUNITIES_CSV, REPS_CSV, STAGE_HISTORY_CSV, assert_no_row_lost, frame

import workbench
from workbench.errors import DataError
from workbench.io import SalesData, load


def test_workbench_load_is_exported():
    assert workbench.load is load


def test_folder_of_mixed_formats_with_gbk_and_semicolons(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "REPS.CSV").write_bytes(
        "rep_id;name;team;region\nR1;张三;华东;北区\nR2;李四;华南;南区\n".encode("gbk"))
    deals = frame(OPPORTUNITIES_CSV)
    deals["rep_id"] = ["R1", "R1", "R2", "R2"]
    deals["created_at"] = ["2026年1月5日", "2026/1/10", "2026.01.12", "20260201"]
    deals["amount"] = ["¥1,200.00", "800", "RMB 500", "(300)"]
    deals.to_excel(folder / "Opportunities.xlsx", index=False)
    frame(STAGE_HISTORY_CSV).to_parquet(folder / "stage_history.parquet")
    (folder / "notes.txt").write_text("not a table", encoding="utf-8")
    (folder / "~$Opportunities.xlsx").write_bytes(b"lock file")
    data = load(folder)
    assert_no_row_lost(data)
    assert data.reps["name"].tolist() == ["张三", "李四"]
    assert data.opportunities["created_at"].dt.strftime("%Y-%m-%d").tolist() == [
        "2026-01-05", "2026-01-10", "2026-01-12"]
    assert data.opportunities["amount"].tolist() == [1200.0, 800.0, 500.0]
    record = data.quarantine.iloc[0].to_dict()
    assert record["table"] == "opportunities" and record["file"].endswith("Opportunities.xlsx")
    assert (record["row"], record["column"], record["value"], record["reason"]) == (5, "amount", "(300)",
                                                                                  "negative amount")
    # O4's stage history cascades, with the row number of the Parquet file
    cascade = data.quarantine.iloc[1].to_dict()
    assert (cascade["table"], cascade["row"], cascade["check"]) == ("stage_history", 9, "cascade")
    assert data.ignored_sources == ("notes.txt",)
    assert data.files["reps"].endswith("REPS.CSV")
    assert data.stages == ("Lead", "Demo")
    assert data.source == str(folder)


def test_csv_row_numbers_count_the_header_and_blank_lines(valid_folder):
    path = valid_folder / "opportunities.csv"
    lines = OPPORTUNITIES_CSV.splitlines()
    lines.insert(2, "")
    lines[4] = lines[4].replace(",500,", ",-500,")  # O3, now on spreadsheet row 5
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = load(valid_folder)
    record = data.quarantine.iloc[0]
    assert (record["table"], record["row"], record["column"], record["value"]) == ("opportunities", 5, "amount", "-500")
    assert record["file"] == str(path)
    assert_no_row_lost(data)


def test_stage_config_file_in_the_folder(valid_folder):
    (valid_folder / "stages.csv").write_text("stage,order\nDemo,2\nLead,1\nProposal,3\n", encoding="utf-8")
    assert load(valid_folder).stages == ("Lead", "Demo", "Proposal")
    (valid_folder / "stages.csv").unlink()
    (valid_folder / "stages.toml").write_text('[pipelines]\nnew = ["Lead", "Demo"]\nrenewal = ["Review"]\n',
                                              encoding="utf-8")
    data = load(valid_folder)
    assert data.stages == ("Lead", "Demo") and dict(data.pipelines) == {"new": ("Lead", "Demo"), "renewal": ("Review",)}
    assert load(valid_folder, stages=["A", "B"]).stages == ("A", "B")


def test_two_files_for_one_table(valid_folder):
    frame(REPS_CSV).to_parquet(valid_folder / "Reps.parquet")
    with pytest.raises(DataError, match=r"two files for table 'reps': Reps.parquet, reps.csv; expected exactly one"):
        load(valid_folder)


def test_missing_required_file(valid_folder):
    (valid_folder / "reps.csv").unlink()
    with pytest.raises(DataError) as err:
        load(valid_folder)
    assert "required table 'reps' is missing; expected a file named reps.csv" in str(err.value)
    assert str(valid_folder) in str(err.value)
    assert "['rep_id', 'name', 'team', 'region']" in str(err.value)


def test_missing_required_column_in_a_file(valid_folder):
    (valid_folder / "reps.csv").write_text("rep_id,name,region\nR1,Ann,North\n", encoding="utf-8")
    with pytest.raises(DataError) as err:
        load(valid_folder)
    message = str(err.value)
    assert str(valid_folder / "reps.csv") in message
    assert "missing required column 'team'" in message
    assert "expected columns ['rep_id', 'name', 'team', 'region']" in message
    assert "found ['rep_id', 'name', 'region']" in message
    assert (err.value.file, err.value.column) == (str(valid_folder / "reps.csv"), "team")


def test_undecodable_file_in_a_folder(valid_folder):
    (valid_folder / "opportunities.csv").write_bytes(OPPORTUNITIES_CSV.encode() + b"O5,R1,\xff\xfe\x81,,,,,\n")
    with pytest.raises(DataError) as err:
        load(valid_folder)
    assert "opportunities.csv: cannot decode the file as text; tried utf-8" in str(err.value)
    assert "gb18030" in str(err.value)


def test_malformed_csv_row_is_quarantined_not_lost(valid_folder):
    text = OPPORTUNITIES_CSV.replace("O2,R1,A2,Basic,2026-01-10,Demo,800,,open", "O2,R1,A2,Basic,2026-01-10,Demo,800,,open,extra")
    (valid_folder / "opportunities.csv").write_text(text, encoding="utf-8")
    data = load(valid_folder)
    record = data.quarantine.iloc[0]
    assert (record["row"], record["check"]) == (3, "malformed_row")
    assert_no_row_lost(data)


def test_duckdb_file(tmp_path, reps, opportunities, stage_history):
    path = tmp_path / "crm.duckdb"
    bad = opportunities.copy()
    bad.loc[1, "amount"] = "-1"
    with duckdb.connect(str(path)) as con:
        for name, table in {"reps": reps, "Opportunities": bad, "stage_history": stage_history,
                            "audit_log": pd.DataFrame({"x": [1]})}.items():
            con.register("tmp", table)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM tmp')
            con.unregister("tmp")
    data = load(path)
    assert_no_row_lost(data)
    assert len(data.opportunities) == 3
    record = data.quarantine.iloc[0]
    assert (record["table"], record["row"], record["file"]) == ("opportunities", 2, f"{path}:Opportunities")
    assert data.ignored_sources == ("audit_log",)
    assert data.stages == ("Lead", "Demo")


def test_sqlite_file(tmp_path, reps, opportunities):
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as con:
        reps.to_sql("reps", con, index=False)
        opportunities.to_sql("opportunities", con, index=False)
    data = load(path)
    assert len(data.reps) == 3 and len(data.opportunities) == 4


def test_corrupt_database_file(tmp_path):
    path = tmp_path / "crm.duckdb"
    path.write_bytes(b"garbage" * 100)
    with pytest.raises(DataError, match="crm.duckdb: cannot open the DuckDB database"):
        load(path)


def test_workbook_with_one_sheet_per_table(tmp_path, reps, opportunities):
    path = tmp_path / "crm.xlsx"
    with pd.ExcelWriter(path) as writer:
        reps.to_excel(writer, sheet_name="Reps", index=False)
        opportunities.to_excel(writer, sheet_name="opportunities", index=False)
        pd.DataFrame({"stage": ["Lead", "Demo"], "order": [1, 2]}).to_excel(writer, sheet_name="stages", index=False)
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="Pivot", index=False)
    data = load(path)
    assert len(data.reps) == 3 and len(data.opportunities) == 4
    assert data.stages == ("Lead", "Demo")
    assert data.ignored_sources == ("sheet Pivot",)
    assert data.files["reps"] == f"{path}[Reps]"


def test_xlsx_table_file_with_blank_rows_reports_sheet_rows(valid_folder):
    (valid_folder / "reps.csv").unlink()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["rep_id", "name", "team", "region"])
    sheet.append(["R1", "Ann", "East", "North"])
    sheet.append([])
    sheet.append(["R2", "Bo", "East", None])
    sheet.append(["R3", "Cy", "West", "South"])
    workbook.save(valid_folder / "reps.xlsx")
    data = load(valid_folder)
    record = data.quarantine[data.quarantine["table"] == "reps"].iloc[0]
    assert (record["row"], record["column"], record["reason"]) == (4, "region", "missing required value")
    assert_no_row_lost(data)


def test_dict_and_sales_data_sources(reps, opportunities):
    data = load({"reps": reps, "opportunities": opportunities})
    assert isinstance(data, SalesData) and data.source == "in-memory tables"
    assert load(data) is data


def test_missing_and_unsupported_sources(tmp_path):
    with pytest.raises(DataError, match="no such file or folder"):
        load(tmp_path / "nothing")
    single = tmp_path / "reps.csv"
    single.write_text(REPS_CSV, encoding="utf-8")
    with pytest.raises(DataError, match="put it in a folder with the other tables"):
        load(single)
    with pytest.raises(TypeError):
        load(42)


def test_bad_stage_config_is_a_file_level_error(valid_folder):
    (valid_folder / "stages.csv").write_text("stage,order\nLead,1\nDemo,second\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"stages.csv: column 'order' must be a number on every row; row 3 is 'second'"):
        load(valid_folder)
    (valid_folder / "stages.csv").write_text("name,order\nLead,1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"stages.csv: missing required column 'stage'"):
        load(valid_folder)


def test_quarantine_row_numbers_are_integers_for_files(valid_folder):
    (valid_folder / "reps.csv").write_text(REPS_CSV.replace("R3,Cy Diaz,West,South", "R3,Cy Diaz,West,"),
                                           encoding="utf-8")
    data = load(valid_folder)
    assert data.quarantine["row"].dtype == "int64"
    assert data.quarantine["row"].tolist()[0] == 4
    assert data.report()["count"].sum() == len(data.quarantine)


def test_clean_source_has_an_empty_report(valid_folder):
    data = load(valid_folder)
    assert data.report().empty
    assert list(data.report().columns) == ["table", "check", "label", "count", "examples"]
    assert data.rows_quarantined == {"reps": 0, "opportunities": 0, "stage_history": 0}


def test_messy_crm_export_end_to_end(tmp_path):
    """A GBK, semicolon-separated export with a banner, local formats, markers and a total row."""
    folder = tmp_path / "crm"
    folder.mkdir()
    reps_text = (
        "销售人员导出;;;;\n"
        "Rep ID;Name;Team;Region;Phone\n"
        "R1;张三;华东;North;138\n"
        "R2;李四;华东;North;139\n"
        "R3;王五;华南;NULL;137\n"
    )
    (folder / "reps.csv").write_bytes(reps_text.encode("gbk"))
    deals_text = (
        "opportunity_id;rep_id;created_at;stage;amount;closed_at;outcome;competitor\n"
        "O1;R1;2026年1月5日 上午9:30;赢单;￥1.234,50;2026/2/1;Won;无\n"
        "O2;R2;05/01/2026;Demo;\"800\";;open;-\n"
        "O3;R3;2026-01-12;Demo;500;;open;\n"
        "O4;R1;2026.01.20;Lost;(300);2026-02-20;lost;X\n"
        "O5;R2;31/01/2026;Demo;2.000,00;;Open;\n"
        "合计;;;;￥3.734,50;;;\n"
    )
    (folder / "opportunities.csv").write_bytes(deals_text.encode("gbk"))
    data = load(folder)
    assert_no_row_lost(data)
    assert data.reps["name"].tolist() == ["张三", "李四"]
    assert data.ignored_columns["reps"] == ("Phone",)
    deals = data.opportunities.set_index("opportunity_id")
    assert deals.index.tolist() == ["O1", "O2", "O5"]
    assert deals.loc["O1", "created_at"] == pd.Timestamp("2026-01-05 09:30")
    assert deals.loc["O2", "created_at"] == pd.Timestamp("2026-01-05")  # day-first: 31/01 in the column
    assert deals["amount"].tolist() == [1234.5, 800.0, 2000.0]
    assert deals.loc["O5", "outcome"] == "open"
    assert deals["competitor"].isna().tolist() == [False, False, True]  # "无" is kept as text, "-" too
    q = data.quarantine.set_index(["table", "row"])
    assert q.loc[("reps", 5), "reason"] == "missing required value"  # R3 region NULL (banner -> header on row 2)
    assert q.loc[("opportunities", 4), "check"] == "cascade"  # O3 belongs to R3
    assert q.loc[("opportunities", 5), "reason"] == "negative amount"
    assert q.loc[("opportunities", 7), "reason"] == "missing required value"  # the total row


def test_a_file_error_wins_over_an_earlier_tables_validation_error(valid_folder):
    # files are read while earlier tables are validated: reps fails validation (missing column) and
    # stage_history cannot be decoded; as when every file was read first, the file's error is reported
    (valid_folder / "reps.csv").write_text("rep_id,name,region\nR1,Ann,North\n", encoding="utf-8")
    (valid_folder / "stage_history.csv").write_bytes(STAGE_HISTORY_CSV.encode() + b"O1,\xff\xfe\x81,\n")
    with pytest.raises(DataError, match="stage_history.csv: cannot decode the file as text"):
        load(valid_folder, cache=False)


def test_the_first_unreadable_file_by_name_is_reported(valid_folder):
    (valid_folder / "stage_history.csv").write_bytes(STAGE_HISTORY_CSV.encode() + b"O1,\xff\xfe\x81,\n")
    (valid_folder / "opportunities.csv").write_bytes(OPPORTUNITIES_CSV.encode() + b"O5,R1,\xff\xfe\x81,,,,,\n")
    with pytest.raises(DataError, match="opportunities.csv: cannot decode the file as text"):
        load(valid_folder, cache=False)


def test_folder_load_equals_validating_the_read_frames(valid_folder):
    # the reader thread and the stage helper thread change nothing: same tables, quarantine, stages, report
    from workbench.io.readers import read_table_file
    from workbench.io.validate import validate_tables

    (valid_folder / "notes.txt").write_text("not a table", encoding="utf-8")
    data = load(valid_folder, cache=False)
    frames = {t: read_table_file(valid_folder / f"{t}.csv", table=t)
              for t in ("reps", "opportunities", "stage_history")}
    files = {t: str(valid_folder / f"{t}.csv") for t in frames}
    direct = validate_tables(frames, files=files, source=str(valid_folder), ignored_sources=["notes.txt"])
    for name, table in direct.tables.items():
        pd.testing.assert_frame_equal(data[name], table)
    pd.testing.assert_frame_equal(data.quarantine, direct.quarantine)
    assert data.stages == direct.stages and data.stages
    assert data.summary() == direct.summary()
    assert data.ignored_sources == ("notes.txt",)
