"""Plausible dates and amounts: outliers quarantined at load with a reason naming the setting.

On today's main a valid date in 1900 loads and stretches every KPI table over a century,
a created_at before ~1733 overflows the diagnosis, and an amount of 1e32 overflows the KPI
engine's exact sums; here such rows are quarantined (check ``out_of_range``).
"""

from __future__ import annotations

import pandas as pd
import pytest
from io_tables import OPPORTUNITIES_CSV, REPS_CSV, assert_no_row_lost, frame

from workbench.errors import DataError
from workbench.io import validate_tables
from workbench.io.plausible import DATE_RANGE_VARIABLE, MAX_AMOUNT_VARIABLE, Plausible


def _deals(cells=None) -> pd.DataFrame:
    """The handmade deals with ``cells`` ({(row, column): value}) changed."""
    deals = frame(OPPORTUNITIES_CSV)
    for (row, column), value in (cells or {}).items():
        deals.loc[row, column] = value
    return deals


def _load(deals, plausible=None, **others):
    data = validate_tables({"reps": frame(REPS_CSV), "opportunities": deals, **others}, plausible=plausible)
    assert_no_row_lost(data)
    return data


def test_a_valid_but_implausible_date_is_quarantined_with_the_setting_named(monkeypatch):
    monkeypatch.delenv(DATE_RANGE_VARIABLE, raising=False)
    assert _load(_deals()).quarantine.empty  # the handmade data is plausible
    deals = _deals()
    deals.loc[1, "created_at"] = "1900-01-05"
    deals.loc[3, "created_at"] = "2261-06-01"
    data = _load(deals)
    q = data.quarantine
    assert q["row"].tolist() == [1, 3]
    assert q["column"].tolist() == ["created_at", "created_at"]
    assert q["value"].tolist() == ["1900-01-05", "2261-06-01"]
    assert set(q["check"]) == {"out_of_range"}
    assert "outside the plausible range 1990-01-01 to 2100-12-31" in q["reason"].iloc[0]
    assert DATE_RANGE_VARIABLE in q["reason"].iloc[0]
    assert data.opportunities["opportunity_id"].tolist() == ["O1", "O3"]


def test_range_edges_are_inclusive_years():
    deals = _deals()
    deals.loc[1, "created_at"] = "1990-01-01"  # first instant of the range: kept
    deals.loc[3, "created_at"] = "1989-12-31 23:59"  # one minute before: out
    data = _load(deals)
    assert data.quarantine["row"].tolist() == [3]
    deals = _deals()
    deals.loc[1, "created_at"] = "2100-12-31 23:59"
    deals.loc[1, "closed_at"] = ""
    deals.loc[1, "outcome"] = "open"
    assert _load(deals).quarantine.empty


def test_every_date_column_is_checked_and_hire_dates_may_go_back_50_more_years():
    reps = frame(REPS_CSV)
    reps.loc[0, "hire_date"] = "1985-06-01"  # a veteran: plausible
    reps.loc[1, "hire_date"] = "1901-06-01"  # not
    deals = _deals()
    deals["expected_close"] = ["2026-03-01", "2999-01-01", "", ""]
    data = validate_tables({"reps": reps, "opportunities": deals})
    assert_no_row_lost(data)
    q = data.quarantine
    assert q.loc[q["table"] == "reps", "column"].tolist() == ["hire_date"]
    assert q.loc[q["table"] == "reps", "row"].tolist() == [1]
    assert "1940-01-01 to 2100-12-31" in q.loc[q["table"] == "reps", "reason"].iloc[0]
    # R2's deal O3 cascades; O2's expected_close is implausible
    deals_q = q[q["table"] == "opportunities"].set_index("row")
    assert deals_q.loc[1, "column"] == "expected_close"
    assert deals_q.loc[2, "check"] == "cascade"


def test_the_range_is_configurable_by_argument_and_environment(monkeypatch):
    deals = _deals()
    deals.loc[1, "created_at"] = "1975-03-01"
    assert len(_load(deals).quarantine) == 1
    assert _load(deals, plausible=Plausible(first_year=1970)).quarantine.empty
    monkeypatch.setenv(DATE_RANGE_VARIABLE, "1970..2100")
    assert _load(deals).quarantine.empty
    monkeypatch.setenv(DATE_RANGE_VARIABLE, "1995..2100")
    assert _load(_deals()).quarantine.empty  # 2024 hire dates and 2026 deals are inside
    q = _load(deals).quarantine
    assert "1995-01-01 to 2100-12-31" in q["reason"].iloc[0]


def test_an_amount_above_the_plausible_maximum_is_quarantined(monkeypatch):
    monkeypatch.delenv(MAX_AMOUNT_VARIABLE, raising=False)
    deals = _deals()
    deals.loc[0, "amount"] = "1e32"
    deals.loc[2, "amount"] = "999999999999999"  # just under 1e15: kept
    data = _load(deals)
    q = data.quarantine
    assert q["row"].tolist() == [0]
    assert q["column"].tolist() == ["amount"]
    assert q["check"].tolist() == ["out_of_range"]
    assert MAX_AMOUNT_VARIABLE in q["reason"].iloc[0] and "1e+15" in q["reason"].iloc[0]
    monkeypatch.setenv(MAX_AMOUNT_VARIABLE, "1e20")
    assert _load(_deals({(0, "amount"): "1e19"})).quarantine.empty


def test_order_amounts_are_checked_too():
    orders = pd.DataFrame({"order_id": ["X1", "X2"], "rep_id": ["R1", "R1"], "ordered_at": ["2026-01-05"] * 2,
                           "amount": ["5", "2e16"], "status": ["completed"] * 2})
    q = _load(_deals(), orders=orders).quarantine
    assert q[["table", "row", "column"]].values.tolist() == [["orders", 1, "amount"]]


@pytest.mark.parametrize(("variable", "value", "expected"), [
    (DATE_RANGE_VARIABLE, "1990-2100", "expected two years as FIRST..LAST"),
    (DATE_RANGE_VARIABLE, "1600..2100", "expected years within 1700..2250"),
    (DATE_RANGE_VARIABLE, "1700..2100", "at most 290 after the first"),  # differences would overflow
    (DATE_RANGE_VARIABLE, "2100..1990", "expected years within"),
    (MAX_AMOUNT_VARIABLE, "lots", "expected a number"),
    (MAX_AMOUNT_VARIABLE, "1e32", "at most 1e+20"),
    (MAX_AMOUNT_VARIABLE, "nan", "above 0"),
])
def test_a_malformed_setting_is_a_data_error_naming_it(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(DataError, match=variable) as caught:
        _load(_deals())
    assert expected in str(caught.value)
