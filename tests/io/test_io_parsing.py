"""Date and number parsing: every format the loader promises, missing vs invalid."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from workbench.io.parsing import parse_datetimes, parse_numbers


def parsed_text(values, **kwargs):
    parsed, invalid = parse_datetimes(pd.Series(values, dtype=object), **kwargs)
    text = [None if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M:%S") for v in parsed]
    return text, invalid.tolist()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-03-05", "2026-03-05 00:00:00"),
        ("2026-03-05 14:30", "2026-03-05 14:30:00"),
        ("2026-03-05T14:30:15", "2026-03-05 14:30:15"),
        ("2026-03-05T14:30:15.250Z", "2026-03-05 14:30:15"),
        ("2026/3/5", "2026-03-05 00:00:00"),
        ("2026/03/05 09:05:01", "2026-03-05 09:05:01"),
        ("2026.03.05", "2026-03-05 00:00:00"),
        ("2026年3月5日", "2026-03-05 00:00:00"),
        ("2026年3月5日 14:30", "2026-03-05 14:30:00"),
        ("2026年03月05日 下午2:30", "2026-03-05 14:30:00"),
        ("2026年3月5日14时30分", "2026-03-05 14:30:00"),
        ("20260305", "2026-03-05 00:00:00"),
        ("46086", "2026-03-05 00:00:00"),  # Excel serial day
        ("46086.5", "2026-03-05 12:00:00"),
        ("05-Mar-2026", "2026-03-05 00:00:00"),
        ("Mar 5, 2026", "2026-03-05 00:00:00"),
        ("２０２６－０３－０５", "2026-03-05 00:00:00"),  # full-width
        ("  2026-03-05  ", "2026-03-05 00:00:00"),
    ],
)
def test_each_date_format(text, expected):
    values, invalid = parsed_text([text])
    assert values == [expected]
    assert invalid == [False]


def test_offsets_keep_wall_clock_time_even_when_mixed():
    values, invalid = parsed_text(["2026-03-05T09:00:00+08:00", "2026-03-05T09:00:00Z", "2026-03-06"])
    assert values == ["2026-03-05 09:00:00", "2026-03-05 09:00:00", "2026-03-06 00:00:00"]
    assert invalid == [False, False, False]


def test_day_first_when_a_first_field_exceeds_12():
    values, _ = parsed_text(["05/03/2026", "25/03/2026"])
    assert values == ["2026-03-05 00:00:00", "2026-03-25 00:00:00"]


def test_month_first_when_a_second_field_exceeds_12():
    values, _ = parsed_text(["05/03/2026", "03/25/2026 2:30 PM"])
    assert values == ["2026-05-03 00:00:00", "2026-03-25 14:30:00"]


def test_ambiguous_column_defaults_to_month_first_and_can_be_overridden():
    assert parsed_text(["05/03/2026"])[0] == ["2026-05-03 00:00:00"]
    assert parsed_text(["05/03/2026"], dayfirst=True)[0] == ["2026-03-05 00:00:00"]
    assert parsed_text(["05.03.26"], dayfirst=True)[0] == ["2026-03-05 00:00:00"]


def test_value_contradicting_the_column_rule_is_invalid():
    values, invalid = parsed_text(["25/03/2026", "03/25/2026"])
    assert values == ["2026-03-25 00:00:00", None]
    assert invalid == [False, True]


def test_missing_markers_are_missing_not_invalid():
    values, invalid = parsed_text(["", "  ", "NA", "null", "NULL", "-", "#N/A", None, np.nan])
    assert values == [None] * 9
    assert invalid == [False] * 9


@pytest.mark.parametrize("text", ["soon", "2026-02-30", "2026-13-01", "2026", "2026-03", "9999-12-31", "3/5", "25:00"])
def test_invalid_dates(text):
    values, invalid = parsed_text([text])
    assert values == [None]
    assert invalid == [True]


def test_explicit_formats_are_tried_first():
    values, _ = parsed_text(["05|03|2026"], formats=["%d|%m|%Y"])
    assert values == ["2026-03-05 00:00:00"]


def test_datetime_objects_numbers_and_typed_columns():
    mixed = [dt.datetime(2026, 3, 5, 14, 30), dt.date(2026, 3, 6), pd.Timestamp("2026-03-07"), 46089, "2026-03-09", None]
    values, invalid = parsed_text(mixed)
    assert values == ["2026-03-05 14:30:00", "2026-03-06 00:00:00", "2026-03-07 00:00:00",
                      "2026-03-08 00:00:00", "2026-03-09 00:00:00", None]
    assert not any(invalid)
    aware = pd.Series(pd.to_datetime(["2026-03-05 09:00"]).tz_localize("Asia/Shanghai"))
    parsed, invalid = parse_datetimes(aware)
    assert parsed.dtype == "datetime64[ns]"
    assert parsed.iloc[0] == pd.Timestamp("2026-03-05 09:00")
    compact = pd.Series([20260305, 20260306])
    parsed, invalid = parse_datetimes(compact)
    assert parsed.tolist() == [pd.Timestamp("2026-03-05"), pd.Timestamp("2026-03-06")]


def test_result_keeps_index_dtype_and_does_not_touch_input():
    raw = pd.Series(["2026-03-05", "bad", "2026/3/7"], index=[10, 20, 30])
    before = raw.copy()
    parsed, invalid = parse_datetimes(raw)
    assert parsed.dtype == "datetime64[ns]"
    assert list(parsed.index) == [10, 20, 30]
    assert invalid.tolist() == [False, True, False]
    pd.testing.assert_series_equal(raw, before)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1234.5", 1234.5),
        ("1,234.50", 1234.5),
        ("1,234,567", 1234567.0),
        ("1 234,50", 1234.5),
        ("1.234,50", 1234.5),
        ("1'234.50", 1234.5),
        ("¥1,234.50", 1234.5),
        ("￥ 1,234", 1234.0),
        ("$99.90", 99.9),
        ("€ 10", 10.0),
        ("£7", 7.0),
        ("RMB 500", 500.0),
        ("CNY500", 500.0),
        ("500 USD", 500.0),
        ("300元", 300.0),
        ("(123)", -123.0),
        ("($1,000.00)", -1000.0),
        ("-5", -5.0),
        ("5-", -5.0),
        ("１２３．５", 123.5),
        ("12.5万", 125000.0),
        ("1e3", 1000.0),
    ],
)
def test_each_number_format(text, expected):
    parsed, invalid = parse_numbers(pd.Series([text]))
    assert parsed.tolist() == [expected]
    assert invalid.tolist() == [False]


def test_decimal_comma_is_decided_per_column():
    # "1,234" alone reads as thousands; in a column that writes decimals with a comma it is 1.234
    assert parse_numbers(pd.Series(["1,234", "12.50"]))[0].tolist() == [1234.0, 12.5]
    assert parse_numbers(pd.Series(["1,234", "12,5"]))[0].tolist() == [1.234, 12.5]


def test_percent_is_left_to_the_caller():
    parsed, invalid = parse_numbers(pd.Series(["12.5%"]))
    assert np.isnan(parsed.iloc[0]) and invalid.iloc[0]
    parsed, invalid = parse_numbers(pd.Series(["12.5%"]), percent=True)
    assert parsed.tolist() == [0.125] and not invalid.iloc[0]


def test_numbers_missing_and_invalid():
    parsed, invalid = parse_numbers(pd.Series(["", "n/a", "-", None, "lots", "1.2.3,4,5", "inf", "12abc"], dtype=object))
    assert parsed.isna().all()
    assert invalid.tolist() == [False, False, False, False, True, True, True, True]


def test_typed_numbers_pass_through():
    parsed, invalid = parse_numbers(pd.Series([1, 2.5, np.nan]))
    assert parsed.tolist()[:2] == [1.0, 2.5] and np.isnan(parsed.iloc[2])
    assert not invalid.any()
    parsed, invalid = parse_numbers(pd.Series([1, "2,000", None], dtype=object))
    assert parsed.tolist()[:2] == [1.0, 2000.0]
    assert not invalid.any()
