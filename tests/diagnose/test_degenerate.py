"""diagnose on degenerate data: a valid (empty) result or a clear ValueError, never a pandas crash.

Each test failed on main: no rep hired yet by the period (TypeError from mapping an empty
datetime Series), every table empty (the same TypeError), and no decided deal at all.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.diagnose.handmade import make_sales
from workbench.diagnose import diagnose
from workbench.io import validate_tables


@pytest.fixture(scope="module")
def sales():
    return make_sales(n_reps=6, months=6, seed=3, deals_per_month=6)


def _tables(sales) -> dict:
    """The contract tables (a fresh dict; the stage order stays under ``stages``)."""
    return dict(sales)


def test_a_period_before_any_rep_was_hired_is_a_clear_error(sales):
    tables = _tables(sales)
    reps = tables["reps"].copy()
    reps["hire_date"] = pd.Timestamp("2026-03-01")  # after the deals of late 2025 were created
    tables["reps"] = reps
    with pytest.raises(ValueError, match=r"No rep was on the team during the window .* the first hire date is "
                                         r"2026-03-01; pick a period from 2026-03"):
        diagnose(tables, period="2025-12")


def test_every_table_empty_gives_an_empty_diagnosis(sales):
    empty = {name: frame if name == "stages" else frame.iloc[:0] for name, frame in _tables(sales).items()}
    result = diagnose(empty, period="2026-03")
    assert result.findings.empty
    assert result.window.label == "2023-04..2026-03"  # no history: the longest default window


def test_no_decided_deal_gives_a_result_and_a_clear_period_error(sales):
    tables = _tables(sales)
    deals = tables["opportunities"]
    open_deals = deals[deals["outcome"] == "open"]
    assert len(open_deals) > 3
    tables["opportunities"] = open_deals
    ids = set(open_deals["opportunity_id"])
    for name in ("stage_history", "activities"):
        if name in tables:
            frame = tables[name]
            tables[name] = frame[frame["opportunity_id"].isin(ids) | frame["opportunity_id"].isna()]
    data = validate_tables(tables)
    first_created = data.opportunities["created_at"].min()
    result = diagnose(data)
    assert result.findings.empty
    with pytest.raises(ValueError, match=r"first deal created \(none is decided yet\): "
                                         + f"{first_created:%Y-%m-%d}"):
        diagnose(data, period=f"{first_created - pd.DateOffset(months=2):%Y-%m}")
