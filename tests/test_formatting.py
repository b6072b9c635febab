"""Numbers and counts written for people: precision that keeps different numbers apart, plurals, order."""

from __future__ import annotations

import math
import re

import pytest

from workbench.formatting import count_label, format_compact, format_distinct, format_value, natural_key, plural


@pytest.mark.parametrize(
    ("values", "unit", "decimals", "texts"),
    [
        ([0.6123, 0.6341], "", 1, ["0.61", "0.63"]),  # "0.6–0.6" before
        ([0.58, 1.21, 0.56, 0.61], "", 1, ["0.58", "1.21", "0.56", "0.61"]),  # one decimals count for all
        ([0.612, 0.614], "rate", None, ["61.2%", "61.4%"]),
        ([0.4201, 0.4204], "share", None, ["42.01%", "42.04%"]),
        ([22.61, 22.64], "hours", None, ["22.61 h", "22.64 h"]),
        ([84.2, 84.4], "days", None, ["84.2 d", "84.4 d"]),
        ([1.021, 1.024], "×", None, ["1.021×", "1.024×"]),
        ([12.2, 12.4], "currency", None, ["12.2", "12.4"]),
        ([-0.0741, -0.1032, -0.0443], "signed", None, ["-0.074", "-0.103", "-0.044"]),
        ([-0.00041, -0.00043], "signed", None, ["-0.00041", "-0.00043"]),
    ],
)
def test_format_distinct_adds_decimals_until_different_numbers_differ(values, unit, decimals, texts):
    assert format_distinct(values, unit, decimals=decimals) == texts


def test_format_distinct_keeps_the_usual_precision_when_numbers_already_differ():
    assert format_distinct([53.8, 22.6, 46.3, 62.5], "hours") == ["53.8 h", "22.6 h", "46.3 h", "62.5 h"]
    assert format_distinct([15433.2, 18434.9], "currency") == ["15,433", "18,435"]
    assert format_distinct([0.42, 0.36, 0.48], "rate") == ["42%", "36%", "48%"]


def test_format_distinct_stops_at_four_significant_digits():
    # equal to four significant digits: more decimals would only print noise
    assert format_distinct([8000.2, 8000.4], "currency") == ["8,000", "8,000"]
    assert format_distinct([0.61234, 0.61236], "") == ["0.6123", "0.6124"]
    assert format_distinct([1 / 3, 1 / 3 + 1e-12], "") == ["0.33", "0.33"]


def test_format_distinct_writes_equal_and_missing_values():
    assert format_distinct([0.6, 0.6, math.nan, None], "", decimals=1) == ["0.6", "0.6", "–", "–"]
    assert format_distinct([], "") == []


def test_no_negative_zero():
    assert format_value(-0.0004, "") == "0.00"
    assert format_value(-0.0001, "pp") == "+0.0 pp"
    assert format_value(-0.2, "signed") == "-0.200"


@pytest.mark.parametrize(
    ("n", "noun", "lang", "text"),
    [
        (1, "company", "en", "1 company"),
        (2, "company", "en", "2 companies"),
        (80, "rep", "en", "80 reps"),
        (1, "rep", "en", "1 rep"),
        (0, "team", "en", "0 teams"),
        (1234, "row", "en", "1,234 rows"),
        (22, "KPI column", "en", "22 KPI columns"),
        (1, "KPI", "en", "1 KPI"),
        (80, "rep", "zh", "80 名销售"),
        (1, "company", "zh", "1 家公司"),
        (8, "team", "zh", "8 个团队"),
        (4, "region", "zh", "4 个区域"),
    ],
)
def test_count_label(n, noun, lang, text):
    assert count_label(n, noun, lang) == text


def test_plural_rules():
    assert [plural(2, w) for w in ("day", "box", "match", "stage pair", "person")] == [
        "days", "boxes", "matches", "stage pairs", "people"]


def test_count_label_rejects_unknown_language():
    with pytest.raises(ValueError, match="'lang' parameter"):
        count_label(1, "rep", "fr")


def test_natural_key_orders_numbers_by_value_and_is_stable():
    ids = ["R10", "R2", "R1", "R001", "Team 10", "Team 9", "r3"]
    assert sorted(ids, key=natural_key) == ["R001", "R1", "R2", "r3", "R10", "Team 9", "Team 10"]
    assert sorted(reversed(ids), key=natural_key) == sorted(ids, key=natural_key)


# --- languages ------------------------------------------------------------------------------

SCIENTIFIC = re.compile(r"\d[eE][+-]?\d")


@pytest.mark.parametrize(
    ("value", "unit", "en", "zh"),
    [
        (3158400.0, "currency", "3,158,400", "3,158,400"),  # was 3.158400e+06 in `kpi --lang zh`
        (0.456, "share", "46%", "46%"),
        (12.4, "days", "12 d", "12 天"),
        (3.25, "hours", "3.2 h", "3.2 小时"),
        (0.031, "pp", "+3.1 pp", "+3.1 个百分点"),
        (1.5, "×", "1.50×", "1.50×"),
        (float("nan"), "hours", "–", "–"),
    ],
)
def test_format_value_writes_the_same_number_with_the_units_words_in_each_language(value, unit, en, zh):
    assert format_value(value, unit) == format_value(value, unit, lang="en") == en
    assert format_value(value, unit, lang="zh") == zh


@pytest.mark.parametrize("unit", ["", "currency", "count", "share", "rate1", "days", "hours", "pp", "signed", "×",
                                  "ratio", "score"])
@pytest.mark.parametrize("value", [3.1584e6, 4.2e15, -7.5e12, 2.5e-7, -1e-9, 1e21, 0.0])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_unit_writes_scientific_notation(value, unit, lang):
    text = format_value(value, unit, lang=lang)
    assert not SCIENTIFIC.search(text), text
    if abs(value) >= 1000 and unit not in ("share", "rate1", "pp"):
        assert "," in text, text  # thousands separators


def test_format_distinct_in_chinese_keeps_the_numbers_and_changes_the_unit_words():
    assert format_distinct([22.61, 22.64], "hours", lang="zh") == ["22.61 小时", "22.64 小时"]
    assert format_distinct([0.612, 0.614], "rate", lang="zh") == format_distinct([0.612, 0.614], "rate")


@pytest.mark.parametrize(
    ("value", "en", "zh"),
    [
        (950, "950", "950"),
        (9_500, "9.5k", "9,500"),  # Chinese counts in 万 (10^4), not in thousands
        (12_000, "12k", "1.2万"),
        (3_158_400, "3.16M", "315.84万"),
        (215_000_000, "215M", "2.15亿"),
        (-2_500_000, "-2.5M", "-250万"),
        (1.5e12, "1.5T", "1.5万亿"),
    ],
)
def test_format_compact_uses_wan_and_yi_in_chinese(value, en, zh):
    assert format_compact(value, "en") == en
    assert format_compact(value, "zh") == zh


def test_languages_other_than_english_and_chinese_are_refused():
    with pytest.raises(ValueError, match="'lang' parameter"):
        format_value(1.0, "currency", lang="fr")
    with pytest.raises(ValueError, match="'lang' parameter"):
        format_compact(1.0, "de")
