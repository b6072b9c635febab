"""Importing realistic exports of every preset: rows, outcomes, amounts, nothing lost."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.errors import MappingError
from workbench.io.crm.importer import import_files

FIXTURES = Path(__file__).parent / "fixtures"


def accounted(result, table: str) -> None:
    """rows read = rows loaded + rows quarantined (one quarantine row per rejected row)."""
    data = result.data
    quarantined = data.quarantine[data.quarantine["table"] == table]
    assert data.rows_read[table] == len(data[table]) + quarantined[["file", "row"]].drop_duplicates().shape[0]


def by_name(frame: pd.DataFrame, ids, column: str):
    return dict(zip(ids, frame[column]))


# ----------------------------------------------------------------------------- Salesforce


@pytest.fixture(scope="module")
def salesforce():
    return import_files(
        [FIXTURES / "salesforce_opportunities.csv", FIXTURES / "salesforce_activities.csv"], preset="salesforce"
    )


def test_salesforce_rows_outcomes_and_amounts(salesforce):
    data = salesforce.data
    opps = data.opportunities
    assert data.rows_read["opportunities"] == 10  # 10 data rows; footer lines are not rows
    assert len(opps) == 9  # one row has an impossible created date
    accounted(salesforce, "opportunities")
    assert opps["outcome"].value_counts().to_dict() == {"won": 4, "open": 3, "lost": 2}
    won = opps[opps["outcome"] == "won"]
    assert won["amount"].sum() == pytest.approx(12000 + 5000 + 25000 + 0)
    assert opps["amount"].sum() == pytest.approx(12000 + 4500 + 8000 + 5000 + 1200.5 + 25000 + 30000 + 2000)
    q = data.quarantine
    assert q[["table", "row", "column", "value"]].values.tolist() == [["opportunities", 12, "created_at", "31/31/2026"]]
    assert "Created Date" in q["reason"].iloc[0]


def test_salesforce_dates_closed_and_expected(salesforce):
    opps = salesforce.data.opportunities
    won = opps[opps["outcome"] == "won"]
    assert won["closed_at"].notna().all() and won["expected_close"].isna().all()
    open_ = opps[opps["outcome"] == "open"]
    assert open_["closed_at"].isna().all() and open_["expected_close"].notna().all()
    # mixed date formats in one column: 3/5/2026 and 2026-03-20
    assert sorted(won["closed_at"].dt.strftime("%Y-%m-%d")) == ["2026-01-31", "2026-03-05", "2026-03-10", "2026-03-20"]


def test_salesforce_reps_and_first_touch(salesforce):
    data = salesforce.data
    reps = data.reps
    assert sorted(reps["rep_id"]) == ["jane-doe", "maria-garcia", "raj-patel"]
    assert set(reps["team"]) == {"Unassigned"}
    opps = data.opportunities.set_index("account_id")
    # the earliest of the two activities on the Acme widgets deal (an email the day before the call)
    acme = data.opportunities[data.opportunities["amount"] == 12000].iloc[0]
    assert acme["first_touch_at"] == pd.Timestamp("2026-01-11")
    acts = data.activities
    assert len(acts) == 6 and acts["opportunity_id"].isna().sum() == 1  # "Old Deal 2024" is not in the export
    assert acts["type"].value_counts().to_dict() == {"call": 3, "email": 1, "meeting": 1, "other": 1}
    assert opps is not None


def test_salesforce_report_lists_skipped_lines_warnings_and_missing_columns(salesforce):
    skipped = salesforce.skipped
    footer = skipped[skipped["reason"] == "footer line"]
    assert footer["file"].value_counts().to_dict() == {
        "salesforce_opportunities.csv": 5, "salesforce_activities.csv": 3}
    report = salesforce.report
    assert "expected columns not found:" in report and "product ('Product Name')" in report
    missing = salesforce.missing_columns
    assert {"product", "lost_reason", "competitor", "opportunity_id"} <= set(missing.loc[missing["table"] == "opportunities", "field"])
    assert "stage" not in set(missing["field"])
    used = salesforce.columns.set_index(["table", "field"])
    assert used.loc[("opportunities", "amount"), "header"] == "Amount" and used.loc[("opportunities", "amount"), "column"] == 7
    assert "header 'Type' occurs 2 times (columns 4, 12)" in report
    assert "several currencies (USD 9 rows, EUR 1 rows)" in report
    assert "Old Deal 2024" in report


def test_salesforce_currency_conversion_through_a_mapping(tmp_path):
    mapping = tmp_path / "acme.toml"
    mapping.write_text('extends = "salesforce"\n[currency]\nreporting = "USD"\nrates = {EUR = 1.1}\n', encoding="utf-8")
    result = import_files([FIXTURES / "salesforce_opportunities.csv"], mapping=mapping)
    opps = result.data.opportunities
    won = opps[opps["outcome"] == "won"]
    assert won["amount"].sum() == pytest.approx(12000 + 5500 + 25000)
    assert "converted to USD: EUR 1 rows" in result.report


def test_currency_without_a_rate_is_quarantined(tmp_path):
    mapping = tmp_path / "acme.toml"
    mapping.write_text('extends = "salesforce"\n[currency]\nreporting = "GBP"\nrates = {EUR = 0.86}\n', encoding="utf-8")
    result = import_files([FIXTURES / "salesforce_opportunities.csv"], mapping=mapping)
    q = result.data.quarantine
    no_rate = q[q["reason"].str.contains("no rate from USD to GBP")]
    assert len(no_rate) == 8  # 9 USD rows, one of which was already rejected for its date
    assert len(result.data.opportunities) == 1
    accounted(result, "opportunities")


def salesforce_formatted_xlsx(path: Path) -> Path:
    """A formatted Salesforce report export: title block, real dates and numbers, footer."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Opportunity Pipeline"
    sheet.append(["Opportunity Pipeline"])
    sheet.append(["Filtered By:", "Opportunity Status equals Any"])
    sheet.append([])
    sheet.append(["Opportunity Owner", "Opportunity Name", "Account Name", "Stage", "Amount", "Close Date",
                  "Created Date", "Opportunity ID"])
    sheet.append(["Jane Doe", "Acme - 200 Widgets", "Acme Corp", "Closed Won", 12000.0, dt.datetime(2026, 3, 5),
                  dt.datetime(2026, 1, 10), "0065g00000AbCdEAA1"])
    sheet.append(["Raj Patel", "Hooli Trial", "Hooli", "Closed Lost", 2000, dt.datetime(2026, 3, 1),
                  dt.datetime(2026, 1, 20), "0065g00000AbCdFAA1"])
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append(["Maria Garcia", "Umbrella Pilot", "Umbrella Corp", "Qualification", 1200.5, dt.datetime(2026, 6, 15),
                  dt.datetime(2026, 3, 1), "0065g00000AbCdGAA1"])
    sheet.append([])
    sheet.append(["Grand Totals (3 records)", None, None, None, 15200.5])
    sheet.append([])
    sheet.append(["Confidential Information - Do Not Distribute"])
    sheet.append(["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."])
    book.save(path)
    return path


def test_salesforce_formatted_xlsx(tmp_path):
    path = salesforce_formatted_xlsx(tmp_path / "report1712345678901.xlsx")
    result = import_files([path], preset="salesforce")
    opps = result.data.opportunities.set_index("opportunity_id")
    assert list(opps.index) == ["0065g00000AbCdEAA1", "0065g00000AbCdFAA1", "0065g00000AbCdGAA1"]
    assert opps["outcome"].tolist() == ["won", "lost", "open"]
    assert opps["amount"].tolist() == [12000.0, 2000.0, 1200.5]
    assert opps.loc["0065g00000AbCdEAA1", "closed_at"] == pd.Timestamp("2026-03-05")
    assert result.data.rows_read["opportunities"] == 3
    assert (result.skipped["reason"] == "footer line").sum() == 3


# ----------------------------------------------------------------------------- HubSpot


def test_hubspot_deals():
    result = import_files([FIXTURES / "hubspot_deals.csv"], preset="hubspot")
    opps = result.data.opportunities.set_index("opportunity_id")
    assert len(opps) == 8 and result.data.quarantine.empty
    accounted(result, "opportunities")
    outcome = opps["outcome"].to_dict()
    assert outcome == {"9001": "won", "9002": "lost", "9003": "open", "9004": "open", "9005": "won",
                       "9006": "lost", "9007": "open", "9008": "won"}
    assert opps.loc["9003", "amount"] == 12500.0  # "12,500"
    assert opps.loc["9004", "amount"] == 0.0  # empty amount -> the preset's default 0, reported
    assert opps.loc["9008", "closed_at"] == pd.Timestamp("2026-03-28")  # 03/28/2026 04:30 PM, a date column
    assert opps.loc["9001", "created_at"] == pd.Timestamp("2026-01-15 09:30")
    assert opps[opps["outcome"] == "won"]["amount"].sum() == pytest.approx(24000 + 8000 + 2000.75)
    assert opps.loc["9005", "account_id"] == "adventure-works"
    assert "opportunities.amount: default 0 used in 1 row(s)" in result.report


# ----------------------------------------------------------------------------- Zoho


def test_zoho_deals_with_lookup_ids_and_duplicate_amount_columns():
    result = import_files([FIXTURES / "zoho_deals.csv"], preset="zoho")
    data = result.data
    opps = data.opportunities.set_index("opportunity_id")
    assert data.rows_read["opportunities"] == 8 and len(opps) == 7
    accounted(result, "opportunities")
    q = data.quarantine
    assert q[["row", "column", "value"]].values.tolist() == [[8, "amount", "lots"]]
    assert opps.loc["zcrm_4150868000000224007", "outcome"] == "lost"  # Closed-Lost to Competition
    assert opps.loc["zcrm_4150868000000224007", "account_id"] == "zcrm_4150868000000200102"  # Account Name.id
    assert opps.loc["zcrm_4150868000000224010", "lost_reason"] == "No budget\n(moved to next FY)"
    assert opps["outcome"].value_counts().to_dict() == {"won": 3, "lost": 2, "open": 2}
    assert opps[opps["outcome"] == "won"]["amount"].sum() == pytest.approx(15000 + 7500 + 3000)
    assert "header 'Amount' occurs 2 times" in result.report


def test_zoho_second_amount_column_by_occurrence(tmp_path):
    mapping = tmp_path / "zoho_home_currency.toml"
    mapping.write_text(
        'extends = "zoho"\n[tables.opportunities.columns]\namount = {headers = ["Amount"], occurrence = 2}\n'
        "currency = {default = \"USD\"}\n",
        encoding="utf-8",
    )
    result = import_files([FIXTURES / "zoho_deals.csv"], mapping=mapping)
    opps = result.data.opportunities.set_index("opportunity_id")
    assert opps.loc["zcrm_4150868000000224008", "amount"] == 8250.0
    assert "several currencies" not in result.report


# ----------------------------------------------------------------------------- Jiandaoyun


@pytest.fixture(scope="module")
def jiandaoyun():
    return import_files([FIXTURES / "jiandaoyun_商机.csv", FIXTURES / "jiandaoyun_跟进记录.csv"], preset="jiandaoyun")


def test_jiandaoyun_gbk_opportunities(jiandaoyun):
    data = jiandaoyun.data
    opps = data.opportunities
    assert data.rows_read["opportunities"] == 8 and len(opps) == 8
    accounted(jiandaoyun, "opportunities")
    assert opps["outcome"].value_counts().to_dict() == {"won": 3, "open": 3, "lost": 2}
    won = opps[opps["outcome"] == "won"]
    assert won["amount"].sum() == pytest.approx(120000 + 30000 + 9800)
    assert opps["amount"].sum() == pytest.approx(613300.50)  # equals the export's own 合计 line
    closed = dict(zip(opps["account_id"], opps["closed_at"]))
    assert closed["星辰科技"] == pd.Timestamp("2026-03-08")  # 2026年3月8日
    assert closed["北方电力"] == pd.Timestamp("2026-02-28")  # 2026-02-28
    assert sorted(data.reps["team"]) == ["华东销售部", "华北销售部", "西南销售部"]
    assert set(data.reps["rep_id"]) == {"张伟", "李娜", "王芳"}
    skipped = jiandaoyun.skipped
    assert skipped[skipped["reason"].str.startswith("summary")]["text"].str.startswith("合计").all()


def test_jiandaoyun_follow_ups_become_activities_and_first_touch(jiandaoyun):
    data = jiandaoyun.data
    acts = data.activities
    assert len(acts) == 8
    accounted(jiandaoyun, "activities")
    assert acts["type"].value_counts().to_dict() == {"call": 3, "visit": 1, "email": 1, "meeting": 1, "demo": 1,
                                                     "other": 1}
    opps = data.opportunities
    first = dict(zip(opps["amount"], opps["first_touch_at"]))
    assert first[120000.0] == pd.Timestamp("2026-01-09 09:30")  # the earliest of two follow-ups
    assert pd.isna(first[80000.0])  # the same customer's second deal has no follow-up
    first = dict(zip(opps["account_id"], opps["first_touch_at"]))
    assert first["中原制造"] == pd.Timestamp("2026-01-12 10:00")  # 2026年1月12日 10:00
    assert pd.isna(first["东海银行"])  # its follow-up names no deal


def test_jiandaoyun_xlsx_with_typed_cells(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "商机"
    sheet.append(["商机名称", "客户名称", "销售阶段", "预计成交金额", "预计成交日期", "负责人", "提交时间"])
    sheet.append(["华东集团ERP项目", "华东集团", "赢单", 120000, dt.datetime(2026, 3, 5), "张伟", dt.datetime(2026, 1, 8, 10, 20)])
    sheet.append([None] * 7)
    sheet.append(["北方电力CRM", "北方电力", "输单", "￥45,500.50", "2026/2/28", "李娜", "2025年12月3日 14:00"])
    sheet.append(["合计", None, None, 165500.5, None, None, None])
    path = tmp_path / "商机.xlsx"
    book.save(path)
    result = import_files([path], preset="jiandaoyun")
    opps = result.data.opportunities
    assert opps["outcome"].tolist() == ["won", "lost"]
    assert opps["amount"].tolist() == [120000.0, 45500.5]
    assert opps["created_at"].tolist() == [pd.Timestamp("2026-01-08 10:20"), pd.Timestamp("2025-12-03 14:00")]
    assert result.data.rows_read["opportunities"] == 2


# ----------------------------------------------------------------------------- any source


GENERIC_EXPORT = (
    "Deal #;Title;Organisation;Salesperson;Team;Phase;Value;Won on;Expected;Opened\n"
    "D-1;Alpha;Org A;Ana Silva;Iberia;Gewonnen;1.234,50 €;05.03.2026;;10.01.2026\n"
    "D-2;Beta;Org B;Jonas Weber;DACH;Verloren;2.000,00 €;;20.02.2026;01.12.2025\n"
    "D-3;Gamma;Org C;Ana Silva;Iberia;Angebot;500,00 €;;30.04.2026;01.02.2026\n"
    "D-4;Delta;Org D;Jonas Weber;DACH;Gewonnen;300,00 €;01.03.2026;;15.01.2026\n"
    "D-5;Epsilon;Org E;Jonas Weber;DACH;Gewonnen;1.000,00 €;13.02.2026;;2026-02-30\n"
)

GENERIC_MAPPING = """
name = "pipedrive-de"
description = "A German CRM export, mapped from the README alone"

[parse]
date_formats = ["%d.%m.%Y"]

[currency]
default = "EUR"

[reps]
region = "Europe"

[tables.opportunities]
files = ["*.csv"]

[tables.opportunities.columns]
opportunity_id = "Deal #"
name = "Title"
account_name = "Organisation"
owner = "Salesperson"
owner_team = "Team"
stage = "Phase"
amount = "Value"
closed_at = {headers = "Won on", type = "datetime"}
close_date = "Expected"
created_at = "Opened"

[tables.opportunities.values.outcome]
source = "stage"
won = ["Gewonnen"]
lost = ["Verloren"]
default = "open"
"""


def test_any_source_through_a_mapping_file(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text(GENERIC_EXPORT, encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GENERIC_MAPPING, encoding="utf-8")
    result = import_files([export], mapping=mapping)
    data = result.data
    opps = data.opportunities.set_index("opportunity_id")
    assert data.rows_read["opportunities"] == 5 and list(opps.index) == ["D-1", "D-2", "D-3", "D-4"]
    assert data.quarantine[["row", "column", "value"]].values.tolist() == [[6, "created_at", "2026-02-30"]]
    assert opps["outcome"].tolist() == ["won", "lost", "open", "won"]
    assert opps["amount"].tolist() == [1234.5, 2000.0, 500.0, 300.0]
    assert opps.loc["D-1", "closed_at"] == pd.Timestamp("2026-03-05")  # day first
    assert opps.loc["D-2", "closed_at"] == pd.Timestamp("2026-02-20")  # lost: close date from "Expected"
    assert opps.loc["D-3", "expected_close"] == pd.Timestamp("2026-04-30")
    reps = data.reps.set_index("rep_id")
    assert reps.loc["ana-silva", "team"] == "Iberia" and reps.loc["jonas-weber", "region"] == "Europe"


def test_a_required_column_missing_from_the_file_is_a_precise_error(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text(GENERIC_EXPORT.replace("Opened", "Created On"), encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GENERIC_MAPPING.replace('created_at = "Opened"', 'created_at = "Openned"'), encoding="utf-8")
    with pytest.raises(MappingError) as info:
        import_files([export], mapping=mapping)
    text = str(info.value)
    assert text.startswith("mapping.toml: [tables.opportunities.columns] 'created_at' refers to column 'Openned', "
                           "which is not in deals.csv; columns found: 'Deal #', 'Title',")
    assert "this column is required" in text


def test_did_you_mean_a_header_of_the_file(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text(GENERIC_EXPORT, encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GENERIC_MAPPING.replace('stage = "Phase"', 'stage = "Phases"'), encoding="utf-8")
    with pytest.raises(MappingError, match=r"'stage' refers to column 'Phases'.*\(did you mean 'Phase'\?\)"):
        import_files([export], mapping=mapping)


def test_a_file_that_fits_no_table_is_named(tmp_path):
    stray = tmp_path / "notes.csv"
    stray.write_text("foo,bar\n1,2\n", encoding="utf-8")
    with pytest.raises(MappingError, match="notes.csv does not look like any table of mapping 'salesforce'"):
        import_files([stray], preset="salesforce")


# ----------------------------------------------------------------------------- properties


def test_ids_are_stable_between_imports_and_files_are_untouched(tmp_path):
    files = [FIXTURES / "jiandaoyun_商机.csv", FIXTURES / "jiandaoyun_跟进记录.csv"]
    digest = [hashlib.sha256(f.read_bytes()).hexdigest() for f in files]
    copies = []
    for f in files:
        copies.append(tmp_path / f.name)
        shutil.copy(f, copies[-1])
    first = import_files(files, preset="jiandaoyun").data
    second = import_files(copies, preset="jiandaoyun").data
    assert first.opportunities["opportunity_id"].tolist() == second.opportunities["opportunity_id"].tolist()
    assert first.activities["activity_id"].tolist() == second.activities["activity_id"].tolist()
    assert first.activities["activity_id"].is_unique
    assert [hashlib.sha256(f.read_bytes()).hexdigest() for f in files] == digest


def test_tables_argument_forces_a_file_to_a_table():
    result = import_files([FIXTURES / "salesforce_opportunities.csv"], preset="salesforce",
                          tables={"activities": [FIXTURES / "salesforce_activities.csv"]})
    assert result.data.has("activities") and len(result.data.activities) == 6
    with pytest.raises(MappingError, match="table 'orders', which the mapping does not map"):
        import_files([FIXTURES / "hubspot_deals.csv"], preset="hubspot", tables={"orders": [FIXTURES / "hubspot_deals.csv"]})


def test_written_tables_are_typed(salesforce):
    opps = salesforce.data.opportunities
    assert opps["amount"].dtype == np.float64
    assert opps["created_at"].dtype.kind == "M" and opps["closed_at"].dtype.kind == "M"


def test_explicit_header_row_below_a_title_block(tmp_path):
    export = tmp_path / "deals.csv"
    # the title line names "Stage" and "Amount" too, so only header_row finds the header
    export.write_text("Stage and Amount report;;;;;;;;;\nExported 2026-03-10;;;;;;;;;\n" + GENERIC_EXPORT, encoding="utf-8")
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(GENERIC_MAPPING.replace("[parse]", "[read]\nheader_row = 3\n\n[parse]"), encoding="utf-8")
    result = import_files([export], mapping=mapping)
    assert result.data.rows_read["opportunities"] == 5
    assert result.data.quarantine["row"].tolist() == [8]  # spreadsheet rows count the title lines


DOCS_EXAMPLE = Path(__file__).parents[3] / "docs" / "mapping_example.toml"


def test_the_documented_example_mapping_imports_its_example_exports(tmp_path):
    deals = tmp_path / "deals_export.csv"
    deals.write_text(
        "Report generated 10.03.2026;;;;;;;;;;;;\n"
        "Deal ID;Old CRM ID;Title;Company;Sales Rep;Sales Team;Pipeline Stage;Deal Value;Currency;"
        "Expected Close;Won/Lost Date;Created;Source\n"
        "A-1;;Alpha;Org A;Ana Silva;Iberia;Closed - Signed;1.234,50 €;;01.03.2026;05.03.2026;10.01.2026;Website\n"
        ";L-77;Beta;Org B;Jonas Weber;;Lost to competitor X;$2,000.00;USD;20.02.2026;;01.12.2025;Inbound Call\n"
        "A-3;;Gamma;Org C;Ana Silva;Iberia;Proposal;500;GBP;30.04.2026;;01.02.2026;Partner\n"
        "A-4;;Delta;Org D;Jonas Weber;;Won;300;JPY;01.03.2026;;15.01.2026;Website\n"
        "A-5;;Epsilon;Org E;Jonas Weber;;Demo;-;;30.05.2026;;01.03.2026;\n",
        encoding="utf-8",
    )
    acts = tmp_path / "activities_export.csv"
    acts.write_text(
        "Rep,When,Kind,Deal Title,Company\n"
        "Ana Silva,12.01.2026 10:00,Phone call,Alpha,Org A\n"
        "Ana Silva,11.01.2026 09:00,On-site visit,Alpha,Org A\n"
        "Jonas Weber,02.12.2025 15:30,Newsletter,Beta,Org B\n",
        encoding="utf-8",
    )
    result = import_files([deals, acts], mapping=DOCS_EXAMPLE)
    data = result.data
    opps = data.opportunities.set_index("opportunity_id")
    assert list(opps.index) == ["A-1", "L-77", "A-3", "A-5"]  # A-4 is in JPY, which has no rate
    q = data.quarantine
    assert q["reason"].tolist() == ["amount is in JPY but [currency] has no rate from JPY to EUR"]
    assert opps["outcome"].tolist() == ["won", "lost", "open", "open"]
    assert opps["amount"].tolist() == pytest.approx([1234.5, 2000 * 0.92, 500 * 1.17, 0.0])
    assert opps.loc["A-1", "closed_at"] == pd.Timestamp("2026-03-05")  # Won/Lost Date wins over Expected Close
    assert opps.loc["L-77", "closed_at"] == pd.Timestamp("2026-02-20")
    assert opps["source"].tolist()[:3] == ["Web", "Phone", "Partner"]
    assert opps["account_id"].tolist() == ["acct-org-a", "acct-org-b", "acct-org-c", "acct-org-e"]
    assert opps.loc["A-1", "first_touch_at"] == pd.Timestamp("2026-01-11 09:00")
    assert sorted(data.activities["type"]) == ["call", "email", "visit"]
    reps = data.reps.set_index("rep_id")
    assert reps.loc["ana-silva", "team"] == "Iberia" and reps.loc["jonas-weber", "team"] == "Unassigned"
    assert set(reps["region"]) == {"EMEA"}
    assert data.rows_read["opportunities"] == 5
    assert "deals_export.csv → opportunities: 5 data row(s), utf-8, header on row 2" in result.report


def test_two_exports_for_one_table_are_stacked_and_duplicates_quarantined(tmp_path):
    second = tmp_path / "hubspot_deals_again.csv"
    second.write_bytes((FIXTURES / "hubspot_deals.csv").read_bytes())
    result = import_files([FIXTURES / "hubspot_deals.csv", second], preset="hubspot")
    data = result.data
    assert data.rows_read["opportunities"] == 16 and len(data.opportunities) == 8
    accounted(result, "opportunities")
    assert set(data.quarantine["file"]) == {"hubspot_deals_again.csv"}


def test_required_option_and_derive_methods(tmp_path):
    export = tmp_path / "orders.csv"
    export.write_text(
        "Order,Seller,Client,Placed,Total,State,Ref\n"
        "1001,Ana Silva,Org A,2026-03-01,\"1,000\",done,\n"
        "1002,Jonas Weber,Org B,2026-03-02,250,cancelled,R-9\n"
        "1003,Ana Silva,,2026-03-03,75,open,\n",
        encoding="utf-8",
    )
    base = """
[tables.opportunities.columns]
owner = "Seller"
stage = "State"
amount = "Total"
created_at = "Placed"
[tables.orders]
files = ["orders*"]
[tables.orders.columns]
x_order = "Order"
x_ref = "Ref"
owner = "Seller"
account_name = "Client"
ordered_at = "Placed"
amount = "Total"
status = "State"
[tables.orders.values.status]
completed = ["done"]
cancelled = ["cancelled"]
default = "pending"
[tables.orders.derive]
order_id = {method = "coalesce", from = ["x_ref", "x_order"]}
account_id = {method = "hash", from = ["account_name"], prefix = "a-", when = "always"}
"""
    mapping = tmp_path / "orders.toml"
    mapping.write_text(base, encoding="utf-8")
    result = import_files([], tables={"orders": [export], "opportunities": [export]}, mapping=mapping)
    orders = result.data.orders
    assert orders["order_id"].tolist() == ["1001", "R-9", "1003"]
    assert orders["status"].tolist() == ["completed", "cancelled", "pending"]
    assert orders["rep_id"].tolist() == ["ana-silva", "jonas-weber", "ana-silva"]
    assert orders["account_id"].iloc[0].startswith("a-") and pd.isna(orders["account_id"].iloc[2])
    assert orders["amount"].tolist() == [1000.0, 250.0, 75.0]
    assert sorted(result.data.reps["rep_id"]) == ["ana-silva", "jonas-weber"]

    mapping.write_text(base.replace('status = "State"', 'status = {headers = "Status", required = true}'),
                       encoding="utf-8")
    with pytest.raises(MappingError, match=r"\[tables.orders.columns.status\] refers to column 'Status'.*did you mean 'State'"):
        import_files([], tables={"orders": [export], "opportunities": [export]}, mapping=mapping)


def test_outcome_column_rep_ids_and_a_value_map_without_source(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text(
        "Id,Owner Id,Status,Step,Amount,Created,Closed\n"
        "1,U1,Won,Contract,100,2026-01-05,2026-02-01\n"
        "2,U2,Closed Lost,Demo,200,2026-01-06,2026-02-02\n"
        "3,U1,In progress,Demo,300,2026-01-07,\n"
        "4,U2,,Signed,400,2026-01-08,2026-03-01\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        "[tables.opportunities.columns]\nopportunity_id = 'Id'\nrep_id = 'Owner Id'\noutcome = 'Status'\n"
        "stage = 'Step'\namount = 'Amount'\ncreated_at = 'Created'\nclosed_at = 'Closed'\n",
        encoding="utf-8",
    )
    result = import_files([export], mapping=mapping)
    data = result.data
    assert sorted(data.reps["rep_id"]) == ["U1", "U2"]  # reps derived from the ids themselves
    q = data.quarantine
    assert q[["row", "column", "value", "check"]].values.tolist() == [
        [4, "outcome", "In progress", "unknown_value"],  # not a value the generic rules know: say so
        [5, "outcome", "open", "outcome_inconsistent"],  # no status: open by its stage, yet it has a close date
    ]
    assert data.opportunities["outcome"].tolist() == ["won", "lost"]

    # a value map on outcome with no outcome column reads the stage
    mapping.write_text(
        "[tables.opportunities.columns]\nrep_id = 'Owner Id'\nstage = 'Step'\namount = 'Amount'\n"
        "created_at = 'Created'\nclose_date = 'Closed'\n[tables.opportunities.values.outcome]\n"
        "won = ['Contract', 'Signed']\ndefault = 'open'\n",
        encoding="utf-8",
    )
    opps = import_files([export], mapping=mapping).data.opportunities
    assert opps["outcome"].tolist() == ["won", "open", "open", "won"]
    assert opps["closed_at"].notna().tolist() == [True, False, False, True]


def test_hubspot_and_zoho_activity_exports_give_first_touch():
    result = import_files([FIXTURES / "hubspot_deals.csv", FIXTURES / "hubspot_calls.csv"], preset="hubspot")
    data = result.data
    acts = data.activities.set_index("activity_id")
    assert acts["type"].to_dict() == {"70001": "call", "70002": "email", "70003": "meeting", "70004": "other"}
    opps = data.opportunities.set_index("opportunity_id")
    assert opps.loc["9001", "first_touch_at"] == pd.Timestamp("2026-01-15 16:30")
    assert opps.loc["9004", "first_touch_at"] == pd.Timestamp("2026-03-02 14:00")
    accounted(result, "activities")

    result = import_files([FIXTURES / "zoho_deals.csv", FIXTURES / "zoho_calls.csv"], preset="zoho")
    opps = result.data.opportunities.set_index("opportunity_id")
    assert opps.loc["zcrm_4150868000000224005", "first_touch_at"] == pd.Timestamp("2026-01-09 10:00")
    assert opps.loc["zcrm_4150868000000224008", "first_touch_at"] == pd.Timestamp("2026-01-20 15:00")
    assert result.data.activities["type"].tolist() == ["call", "call"]


def test_salesforce_summary_report_with_groups_and_subtotals(tmp_path):
    """A formatted summary report grouped by owner: the owner is written once per group."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Opportunities by Owner"])
    sheet.append([])
    sheet.append(["Opportunity Owner", "Opportunity Name", "Stage", "Amount", "Close Date", "Created Date"])
    sheet.append(["Jane Doe", "Acme - 200 Widgets", "Closed Won", 12000, dt.datetime(2026, 3, 5), dt.datetime(2026, 1, 10)])
    sheet.append([None, "Acme - Support", "Proposal/Price Quote", 4500, dt.datetime(2026, 4, 30), dt.datetime(2026, 2, 1)])
    sheet.append(["Subtotal", None, None, 16500])
    sheet.append(["Raj Patel", "Hooli Trial", "Closed Lost", 2000, dt.datetime(2026, 3, 1), dt.datetime(2026, 1, 20)])
    sheet.append([None, "Initech Expansion", "Closed Won", 5000, dt.datetime(2026, 3, 20), dt.datetime(2026, 1, 5)])
    sheet.append(["Subtotal", None, None, 7000])
    sheet.append(["Total", None, None, 23500])
    path = tmp_path / "report1712.xlsx"
    book.save(path)
    result = import_files([path], preset="salesforce")
    opps = result.data.opportunities
    assert opps["rep_id"].tolist() == ["jane-doe", "jane-doe", "raj-patel", "raj-patel"]
    assert opps["amount"].sum() == 23500
    assert result.data.rows_read["opportunities"] == 4
    assert result.skipped["reason"].str.startswith("summary line").sum() == 3
    assert "filled down from the row above" in result.report


def test_western_code_page_export_is_not_read_as_gb18030(tmp_path):
    export = tmp_path / "report_latin1.csv"
    text = (FIXTURES / "hubspot_deals.csv").read_text(encoding="utf-8").replace("Ann Lee", "José Müller")
    export.write_bytes(text.encode("cp1252"))
    result = import_files([export], preset="hubspot")
    assert "José Müller" in set(result.data.reps["name"])
    assert "jos-m-ller" not in set(result.data.reps["rep_id"]) and "josé-müller" in set(result.data.reps["rep_id"])


def test_an_export_with_only_a_header_imports_empty_tables_and_says_so(tmp_path):
    export = tmp_path / "deals.csv"
    export.write_text("Record ID,Deal Name,Deal Stage,Amount,Close Date,Create Date,Deal owner\n", encoding="utf-8")
    result = import_files([export], preset="hubspot")
    assert result.data.rows_read == {"reps": 0, "opportunities": 0}
    assert "deals.csv: no data rows below the header" in result.report


def test_salesforce_day_first_locale_is_detected_per_column(tmp_path):
    export = tmp_path / "report_uk.csv"
    export.write_text(
        '"Opportunity Owner","Opportunity Name","Stage","Amount","Close Date","Created Date"\n'
        '"Jane Doe","A","Closed Won","100","05/03/2026","10/01/2026"\n'
        '"Jane Doe","B","Closed Won","200","25/03/2026","14/02/2026"\n',
        encoding="utf-8",
    )
    opps = import_files([export], preset="salesforce").data.opportunities
    assert opps["closed_at"].tolist() == [pd.Timestamp("2026-03-05"), pd.Timestamp("2026-03-25")]
    assert opps["created_at"].tolist() == [pd.Timestamp("2026-01-10"), pd.Timestamp("2026-02-14")]


def test_one_stray_value_does_not_flip_a_month_first_column():
    from workbench.io.parsing import parse_datetimes

    values, invalid = parse_datetimes(pd.Series(["12/15/2025", "2/14/2026", "1/20/2026", "31/31/2026", "25/01/2026"]))
    assert values.dt.strftime("%Y-%m-%d").tolist()[:3] == ["2025-12-15", "2026-02-14", "2026-01-20"]
    assert invalid.tolist() == [False, False, False, True, True]
