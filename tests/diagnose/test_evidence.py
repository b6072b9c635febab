"""Evidence sentences print their numbers precisely enough that different numbers differ."""

from __future__ import annotations

import math
import re

import pytest

from workbench.diagnose.evidence import sentence

# One driver per template unit, with a value, benchmark and interval that print alike at
# the unit's usual precision, and the texts they must print as instead.
CASES = {
    "hours": ("slow_follow_up", "", (22.61, 22.9, 22.58, 22.66), ("22.61", "22.90", "22.58", "22.66")),
    "perday": ("low_activity", "prospecting", (0.58, 1.21, 0.56, 0.61), ("0.58", "1.21", "0.56", "0.61")),
    "rate": ("low_stage_conversion", "Demo→Proposal", (0.612, 0.7, 0.6104, 0.6136), ("61.2%", "70.0%", "61.0%", "61.4%")),
    "points": ("low_csat", "", (3.372, 4.0, 3.3712, 3.3748), ("3.372", "4.000", "3.371", "3.375")),
    "currency": ("small_deals", "", (12.3, 20.0, 12.2, 12.4), ("12.3", "20.0", "12.2", "12.4")),
    "days": ("long_cycle", "", (84.2, 84.4, math.nan, math.nan), ("84.2", "84.4")),
    "x": ("low_pipeline_coverage", "", (1.02, 1.04, math.nan, math.nan), ("1.02", "1.04")),
}


def _row(driver, detail, numbers):
    value, benchmark, lo, hi = numbers
    return dict(entity_type="rep", entity_id="R006", driver=driver, detail=detail, value=value,
                benchmark=benchmark, ci_low=lo, ci_high=hi, n=35, revenue_impact=1234.0)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("unit", list(CASES))
def test_numbers_that_differ_print_differently(unit, lang):
    driver, detail, numbers, texts = CASES[unit]
    text = sentence(_row(driver, detail, numbers), lang)
    position = 0
    for expected in texts:  # value, benchmark, then the bounds, in that order
        found = re.search(rf"(?<![\d.]){re.escape(expected)}(?![\d])", text[position:])
        assert found, f"{expected!r} not in {text!r} after position {position}"
        position += found.end()
    interval = re.search(r"(?:CI|置信区间) ([\d.,%]+)–([\d.,%]+)", text)
    if len(texts) == 4:
        assert interval and interval.group(1) != interval.group(2), text
    else:
        assert interval is None  # these templates print no interval


def test_bounds_the_sentence_does_not_print_do_not_add_decimals():
    row = _row("long_cycle", "", (84.0, 53.0, 80.01, 80.02))
    assert "needs 84 days to win a deal against 53 " in sentence(row, "en")


def test_wide_intervals_keep_the_usual_precision():
    row = _row("slow_follow_up", "", (53.8, 22.6, 46.3, 62.5))
    assert "takes 53.8 h to first touch a new lead against 22.6 h" in sentence(row, "en")
    assert "95% CI 46.3–62.5 h" in sentence(row, "en")


def test_missing_bounds_read_n_a():
    row = _row("low_csat", "", (3.4, 4.0, math.nan, None))
    assert "95% CI n/a–n/a" in sentence(row, "en")


def test_cli_summary_prints_the_follow_up_interval_apart():
    from types import SimpleNamespace

    import pandas as pd

    from workbench.commands.diagnose import summary_text

    effect = SimpleNamespace(odds_ratio_per_doubling=0.9997, coef=-0.00041, ci_low=-0.00062, ci_high=-0.00019,
                             n_deals=17006)
    from workbench.diagnose.engine import NOT_TESTED_COLUMNS, PERIOD_FIGURE_COLUMNS

    result = SimpleNamespace(
        findings=pd.DataFrame(columns=["entity_type", "entity_id"]), team_summary=pd.DataFrame(),
        window=SimpleNamespace(label="2023-11..2026-09", months=35, period="2026-Q3"), follow_up_effect=effect,
        period_figures=pd.DataFrame(columns=PERIOD_FIGURE_COLUMNS), not_tested=pd.DataFrame(columns=NOT_TESTED_COLUMNS))
    text = summary_text(result)
    assert "(log-odds -0.0004, 95% CI -0.0006..-0.0002, 17,006 deals)" in text
