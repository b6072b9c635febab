"""Real report layouts: repeated headers in CSV / XLSX / XLS, every line above the header listed,
derived ids that repeat for different deals, Jiandaoyun sub-forms and GBK files in every preset."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from python_calamine import CalamineWorkbook

from tests.io.crm.exports import (
    GBK_OWNERS,
    JIANDAOYUN_RECORDS,
    SALESFORCE_HEADER,
    salesforce_rows,
    write_gbk_deals,
    write_grouped_xlsx,
    write_jiandaoyun_subform,
    write_salesforce_report,
)
from workbench.io.crm import import_files
from workbench.io.crm.derive import distinct_ids
from workbench.io.crm.files import looks_like_gb18030, pick_encoding, read_export
from workbench.io.readers import read_table_file


def accounted(result) -> None:
    """rows read = rows loaded + rows quarantined, for every table."""
    data = result.data
    for table, read in data.rows_read.items():
        quarantined = data.quarantine[data.quarantine["table"] == table][["file", "row"]].drop_duplicates()
        assert read == len(data[table]) + len(quarantined), table


def sheet_lines(path) -> int:
    """Rows of a workbook's first sheet, counted from row 1 (what a spreadsheet shows)."""
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    return (sheet.start or (0, 0))[0] + sheet.height


def text_lines(path) -> int:
    return len(path.read_bytes().decode("utf-8-sig").splitlines())


def every_line_listed(result, lines: int, header_rows: int = 1) -> None:
    """Each line of the file is a header row, a row read or a skipped line, exactly once."""
    read = sum(result.data.rows_read[t] for t in result.data.rows_read if t != "reps")
    assert header_rows + read + len(result.skipped) == lines
    assert not result.skipped.duplicated(["file", "row"]).any()


# ----------------------------------------------------------------------------- repeated headers


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reports")
    out = {}
    for kind in ("csv", "xlsx", "xls"):
        path = write_salesforce_report(folder / f"report1712345678901.{kind}", kind)
        out[kind] = (path, import_files([path], preset="salesforce"))
    return out


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_repeated_type_header_reads_the_same_from_every_file_type(reports, kind):
    path, result = reports[kind]
    table = read_export(path, expected_headers=["Stage", "Amount", "Type"])
    assert table.headers == tuple(SALESFORCE_HEADER)
    assert table.duplicate_headers() == {"Type": [4, 10]}
    # both Type columns keep their own values: opportunity type and account type
    opportunity_type, account_type = table.data[3], table.data[9]
    assert set(opportunity_type) == {"New Business", "Existing Business"}
    assert set(account_type) == {"Customer", "Prospect", "Partner"}
    reference = reports["csv"][1].data.opportunities
    pd.testing.assert_frame_equal(result.data.opportunities, reference)
    accounted(result)


def test_a_header_repeated_after_trimming_does_not_crash(tmp_path):
    export = tmp_path / "report.csv"
    export.write_text("Opportunity Name,Type,Stage,Type ,Amount,Amount.1,Amount\nA,New,Won,Customer,1,2,3\n",
                      encoding="utf-8")
    frame = read_table_file(export)  # before: AttributeError: 'DataFrame' object has no attribute 'dtype'
    assert frame.columns.is_unique
    assert frame.attrs["header"] == ["Opportunity Name", "Type", "Stage", "Type", "Amount", "Amount.1", "Amount"]
    table = read_export(export)
    assert table.positions("Type") == [1, 3] and table.positions("Amount") == [4, 6]
    assert table.data[3].tolist() == ["Customer"] and table.data[5].tolist() == ["2"]


def test_occurrence_picks_the_account_type_in_every_file_type(tmp_path):
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('extends = "salesforce"\n[tables.opportunities.columns]\n'
                       'pipeline = {headers = ["Type"], occurrence = 2}\n', encoding="utf-8")
    for kind in ("csv", "xlsx", "xls"):
        path = write_salesforce_report(tmp_path / f"report.{kind}", kind)
        result = import_files([path], mapping=mapping)
        assert not any("occurs 2 times" in w for w in result.warnings)
        used = result.columns.set_index("field").loc["pipeline"]
        assert used["column"] == 10, kind


# ----------------------------------------------------------------------------- every line listed


@pytest.mark.parametrize("kind", ["csv", "xlsx", "xls"])
def test_every_line_above_the_header_is_listed(reports, kind):
    path, result = reports[kind]
    lines = text_lines(path) if kind == "csv" else sheet_lines(path)
    every_line_listed(result, lines)
    above = result.skipped[result.skipped["row"] < 8]
    assert above["row"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert above["reason"].str.split(" \\(").str[0].tolist() == (
        ["title line", "title line", "blank line", "title line", "title line", "title line", "blank line"])
    assert above["text"].iloc[4] == "Opportunity Status equals Any"


def test_grouped_xlsx_lists_title_subtotals_and_blank_lines(tmp_path):
    path = write_grouped_xlsx(tmp_path / "report1712.xlsx")
    result = import_files([path], preset="salesforce")
    every_line_listed(result, sheet_lines(path))
    reasons = result.skipped["reason"].str.split(" \\(").str[0].value_counts().to_dict()
    assert reasons == {"title line": 5, "blank line": 5, "summary line": 5}
    opps = result.data.opportunities
    rows = salesforce_rows()[:-1]
    assert len(opps) + len(result.data.quarantine) == len(rows)
    assert sorted(set(opps["rep_id"])) == ["jane-doe", "li-lei", "maria-garcia", "raj-patel"]  # filled down
    accounted(result)


def test_csv_sep_hint_and_title_lines_are_listed(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text("sep=;\nDeals export\n\nRecord ID;Deal Name;Deal Stage;Amount;Close Date;Create Date;Deal owner\n"
                      "1;A;Closed won;100;2026-03-01;2026-01-01;Ann Lee\n", encoding="utf-8")
    result = import_files([export], preset="hubspot")
    assert result.skipped[["row", "reason"]].values.tolist() == [
        [1, "delimiter hint line (above the header)"], [2, "title line (above the header)"],
        [3, "blank line (above the header)"]]
    every_line_listed(result, 5)


# ----------------------------------------------------------------------------- derived ids


def expected_deals(rows) -> tuple[int, int]:
    """(distinct deals, deals sharing name/account/owner/created with an earlier different one), by pandas."""
    frame = pd.DataFrame(rows, columns=[f"c{i}" for i in range(len(SALESFORCE_HEADER))])
    distinct = frame.drop_duplicates()
    key = ["c0", "c1", "c2", "c7"]
    return len(distinct), len(distinct) - len(distinct.drop_duplicates(key))


def test_derived_ids_tell_repeated_deal_names_apart(reports):
    result = reports["csv"][1]
    opps = result.data.opportunities
    distinct, renamed = expected_deals(salesforce_rows())
    assert renamed >= 2
    assert len(opps) == distinct and opps["opportunity_id"].is_unique
    # the three "Renewal 2026" deals for Acme, Jane Doe, 2026-01-05: all loaded, won and lost included
    twins = opps[(opps["account_id"] == "acme-corp") & (opps["created_at"] == pd.Timestamp("2026-01-05"))]
    assert sorted(twins["amount"]) == [3000.0, 8000.0, 12000.0]
    assert sorted(twins["outcome"]) == ["lost", "open", "won"]
    base = twins["opportunity_id"].str.replace(r"-\d$", "", regex=True)
    assert base.nunique() == 1 and sorted(twins["opportunity_id"].str.len()) == [16, 18, 18]
    # only the exact duplicate line is quarantined, as a duplicate
    q = result.data.quarantine
    assert q["check"].tolist() == ["duplicate_key"] and q["row"].tolist() == [8 + len(salesforce_rows())]
    assert f"{renamed} deal(s) share deal name, account, owner and created date" in result.report


def test_derived_ids_are_stable_between_imports(tmp_path, reports):
    path = write_salesforce_report(tmp_path / "again.csv", "csv")
    again = import_files([path], preset="salesforce").data.opportunities
    assert again["opportunity_id"].tolist() == reports["csv"][1].data.opportunities["opportunity_id"].tolist()


def test_distinct_ids_does_not_mutate_and_keeps_identical_rows_together():
    ids = pd.Series(["a", "a", "b", "a"], index=[10, 11, 12, 13])
    rows = pd.DataFrame({"stage": ["x", "y", "x", "x"]}, index=ids.index)
    before = (ids.copy(), rows.copy())
    out, renamed = distinct_ids(ids, rows)
    assert out.tolist() == ["a", "a-2", "b", "a"] and renamed == 1 and list(out.index) == [10, 11, 12, 13]
    pd.testing.assert_series_equal(ids, before[0])
    pd.testing.assert_frame_equal(rows, before[1])


# ----------------------------------------------------------------------------- Jiandaoyun sub-forms


@pytest.mark.parametrize("kind", ["xlsx", "csv", "csv-gbk"])
def test_jiandaoyun_subform_export_gives_one_deal_per_record(tmp_path, kind):
    name = "商机_子表单.xlsx" if kind == "xlsx" else "商机_子表单.csv"
    path = write_jiandaoyun_subform(tmp_path / name, kind)
    result = import_files([path], preset="jiandaoyun")
    opps = result.data.opportunities
    assert len(opps) == len(JIANDAOYUN_RECORDS) and result.data.quarantine.empty
    assert opps["amount"].tolist() == [1280000.0, 560000.0, 90000.0, 230000.0, 410000.0]
    assert opps["product"].tolist()[:3] == ["智能电表; 集中器; 安装服务", "MES软件许可; 实施服务", "WMS试用"]
    assert pd.isna(opps["product"].iloc[3])  # a record without sub-form rows
    assert opps["outcome"].tolist() == ["open", "won", "open", "lost", "open"]
    assert opps["rep_id"].tolist() == ["张伟", "李娜", "王强", "张伟", "李娜"]
    assert result.columns.set_index("field").loc["product", "header"] == "产品明细.产品名称"
    reasons = result.skipped["reason"].str.split(" \\(").str[0].value_counts().to_dict()
    assert reasons == {"sub-form row": 4, "sub-form header row": 1, "summary line": 1}
    lines = sheet_lines(path) if kind == "xlsx" else len(path.read_bytes().decode(
        "gbk" if kind == "csv-gbk" else "utf-8-sig").splitlines())
    every_line_listed(result, lines)
    accounted(result)
    assert "sub-form 产品明细 (产品名称, 数量, 小计)" in result.report


def test_subform_with_parent_cells_repeated_on_every_row(tmp_path):
    from tests.io.crm.exports import _jiandaoyun_grid

    grid, _ = _jiandaoyun_grid(repeat_parents=True)
    path = tmp_path / "商机.csv"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(grid)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    result = import_files([path], preset="jiandaoyun")
    assert len(result.data.opportunities) == len(JIANDAOYUN_RECORDS)
    assert result.data.opportunities["product"].iloc[1] == "MES软件许可; 实施服务"


def test_a_plain_export_with_an_empty_header_cell_is_not_a_subform(tmp_path):
    path = tmp_path / "商机.csv"
    path.write_text("商机名称,销售阶段,,预计成交金额,创建时间,负责人\nA项目,赢单,备注,100,2026/1/5,张三\n"
                    "B项目,输单,,200,2026/1/6,李四\n", encoding="utf-8")
    table = read_export(path)
    assert len(table.data) == 2 and not table.notes


# ----------------------------------------------------------------------------- encodings


@pytest.mark.parametrize("preset", ["hubspot", "zoho", "salesforce"])
def test_gbk_export_is_not_read_as_cp1252_in_western_presets(tmp_path, preset):
    path = write_gbk_deals(tmp_path / f"{preset}_deals.csv", preset)
    result = import_files([path], preset=preset)
    assert sorted(result.data.reps["name"]) == sorted(GBK_OWNERS)
    assert result.data.reps["rep_id"].tolist() == sorted(GBK_OWNERS)
    assert any("read as GB18030, not cp1252" in w for w in result.warnings)
    assert "read as GB18030" in result.report
    accounted(result)


def test_gbk_is_detected_in_the_jiandaoyun_preset_without_a_warning(tmp_path):
    path = write_gbk_deals(tmp_path / "商机.csv", "hubspot")
    mapping = tmp_path / "m.toml"
    mapping.write_text('extends = "hubspot"\n[read]\nencoding = "auto"\n', encoding="utf-8")
    result = import_files([path], mapping=mapping)
    assert sorted(result.data.reps["name"]) == sorted(GBK_OWNERS)
    assert not any("GB18030" in w for w in result.warnings)


def test_an_explicit_cp1252_encoding_is_kept_but_warns_loudly(tmp_path):
    path = write_gbk_deals(tmp_path / "deals.csv", "hubspot")
    mapping = tmp_path / "m.toml"
    mapping.write_text('extends = "hubspot"\n[read]\nencoding = "cp1252"\n', encoding="utf-8")
    result = import_files([path], mapping=mapping)
    assert any("bytes look like Chinese text in GBK/GB18030" in w for w in result.warnings)


def test_gbk_bytes_cp1252_cannot_decode_are_read_as_gb18030(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_bytes("负责人,金额\n丁一,100\n".encode("gbk"))  # 丁 is 0xB6 0xA1; 负 0xB8 0xBA; 0x81.. lead bytes too
    path.write_bytes(path.read_bytes() + "乂乃\n".encode("gbk"))  # 乂 = 0x81 0x57: no cp1252 character
    assert pick_encoding(path, ["utf-8", "cp1252"]) == "gb18030"


@pytest.mark.parametrize("text", ["Owner\nJosé Müller\n", "Name\nMüller,Zoë,Ångström\nFrançois Señor\n",
                                  "Owner\nBjörk Guðmundsdóttir\n"])
def test_western_text_is_still_read_as_cp1252(tmp_path, text):
    path = tmp_path / "owners.csv"
    path.write_bytes(text.encode("cp1252"))
    assert not looks_like_gb18030(text.encode("cp1252"))
    assert pick_encoding(path, ["utf-8", "cp1252"]) == "cp1252"


def test_openpyxl_is_what_wrote_the_merged_subform(tmp_path):
    path = write_jiandaoyun_subform(tmp_path / "商机.xlsx")
    merged = {str(r) for r in openpyxl.load_workbook(path).active.merged_cells.ranges}
    assert {"A1:A2", "E1:G1", "A3:A5"} <= merged  # header and parent cells really are merged


def test_skipped_rows_csv_lists_the_title_block(tmp_path):
    from workbench.cli import main

    path = write_salesforce_report(tmp_path / "report1712.xlsx", "xlsx")
    out = tmp_path / "data"
    assert main(["import", "--preset", "salesforce", str(path), "--out", str(out), "--quiet"]) == 0
    skipped = pd.read_csv(out / "skipped_rows.csv", keep_default_na=False)
    assert skipped["row"].tolist()[:7] == [1, 2, 3, 4, 5, 6, 7]
    assert skipped["text"].tolist()[:2] == ["Opportunity Pipeline", "Acme Industries"]
    loaded = pd.read_csv(out / "opportunities.csv")
    quarantined = pd.read_csv(out / "quarantine.csv")
    assert 1 + len(loaded) + len(quarantined) + len(skipped) == sheet_lines(path)
