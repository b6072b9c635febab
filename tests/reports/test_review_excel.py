"""The review workbook: the pages' tables, one sheet each, numbers as numbers, and names that
look like formulas written as inert text."""

from __future__ import annotations

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from workbench.coaching.review import periodic_review
from workbench.kpi import KPIS, compute_kpis
from workbench.reports import REVIEW_TEXT, review_sheets, write_review_workbook

PERIOD = "2026-Q1"


def _awards(names):
    return pd.DataFrame({
        "award": ["most_improved"], "label": [names["at_name"]], "label_zh": ["=进步最快"], "rep_id": ["R002"],
        "rep_name": [names["hyperlink_name"]], "team": ["-West"], "value": [0.4], "unit": ["share"],
        "basis": ["+12 pp"], "runner_up": ["R005"], "runner_up_value": [0.3], "eligible": [20], "note": [""],
    })


@pytest.fixture(scope="module")
def review(hostile_sample, hostile_names):
    return periodic_review(hostile_sample, PERIOD, awards=_awards(hostile_names))


@pytest.fixture(scope="module")
def workbook(review, tmp_path_factory):
    return write_review_workbook(review, tmp_path_factory.mktemp("xlsx") / "review.xlsx", "en")


def _cells(path):
    book = openpyxl.load_workbook(path)
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_one_sheet_per_table(review, workbook):
    t = REVIEW_TEXT["en"]
    expected = [t[k] for k in ("sheet_reps", "sheet_kpis", "sheet_team_kpis", "sheet_trends", "sheet_findings",
                               "sheet_plan", "sheet_modules", "sheet_sessions", "sheet_awards")]
    assert openpyxl.load_workbook(workbook).sheetnames == expected
    sheets = pd.read_excel(workbook, sheet_name=None, engine="openpyxl")
    assert len(sheets[t["sheet_reps"]]) == len(review.rep_ids)
    assert len(sheets[t["sheet_kpis"]]) == len(review.kpis)
    assert len(sheets[t["sheet_findings"]]) == len(review.findings)


def test_formula_like_names_are_inert_text(workbook, hostile_names):
    formulas = {hostile_names[k] for k in ("hyperlink_name", "plus_name", "minus_name", "at_name")}
    cells = _cells(workbook)
    found = {c.value for c in cells if c.value in formulas}
    assert found == formulas  # each is in the workbook, exactly as it was
    risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    titles = [c for c in risky if str(c.value).startswith(hostile_names["title_prefix"])]
    assert titles and {"-West", "+12 pp"} <= {c.value for c in risky}
    for cell in risky:
        assert cell.data_type == "s", (cell.coordinate, cell.value)  # a string, not a formula
        assert cell.quotePrefix, (cell.coordinate, cell.value)
    with zipfile.ZipFile(workbook) as book:
        xml = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml


def test_kpi_numbers_are_numbers_and_compute_kpis(hostile_sample, review, workbook):
    t = REVIEW_TEXT["en"]
    sheet = pd.read_excel(workbook, sheet_name=t["sheet_kpis"], engine="openpyxl")
    kpis = compute_kpis(hostile_sample, by="rep", freq="Q", start=PERIOD, end=PERIOD)
    expected = kpis.set_index(["entity_id", "metric"])["value"]
    labels = {KPIS[m].label("en"): m for m in KPIS}
    keys = list(zip(sheet[t["rep"]].astype(str), sheet[t["kpi"]].map(labels)))
    np.testing.assert_allclose(sheet[t["this_rep"]].to_numpy(float), expected.loc[keys].to_numpy(float))


def test_chinese_workbook_has_chinese_sheets_headers_and_text(review, tmp_path):
    path = write_review_workbook(review, tmp_path / "review_zh.xlsx", "zh")
    t = REVIEW_TEXT["zh"]
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    assert list(sheets)[:2] == [t["sheet_reps"], t["sheet_kpis"]]
    reps = sheets[t["sheet_reps"]]
    assert KPIS["quota_attainment"].label("zh") in reps.columns and t["top_skill"] in reps.columns
    findings = sheets[t["sheet_findings"]]
    assert findings[t["evidence"]].tolist() == review.findings["evidence_zh"].tolist()
    assert set(sheets[t["sheet_kpis"]][t["kpi"]]) <= {KPIS[m].label("zh") for m in KPIS}
    award = next(c for c in _cells(path) if c.value == "=进步最快")
    assert award.data_type == "s" and award.quotePrefix


def test_sheets_match_the_review_tables(review):
    sheets = review_sheets(review, "en")
    plan = sheets[REVIEW_TEXT["en"]["sheet_plan"]]
    assert plan[REVIEW_TEXT["en"]["expected_uplift"]].tolist() == review.skills["expected_uplift"].tolist()
