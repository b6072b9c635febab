"""The registry contract: one description per KPI, and it matches what the engine computes."""

import pytest

from tests.kpi.handmade import handmade_kpis
from workbench.contract import ENTITY_TYPES, TABLE_NAMES
from workbench.errors import UnknownKPIError
from workbench.kpi import KPIS, kpi_label
from workbench.kpi.registry import UNITS, parse_wide_column, wide_column

ISSUE_KEYS = [
    "bookings", "bookings_growth_pop", "bookings_growth_yoy", "bookings_target", "quota_attainment", "deals_won", "win_rate",
    "avg_deal_size", "cycle_days_median", "follow_up_hours_median", "touched_within_24h_share",
    "activities_per_workday", "stage_conversion", "pipeline_created", "open_pipeline", "pipeline_coverage",
    "order_completion_rate", "csat_mean", "csat_responses", "market_share", "new_accounts",
]


def test_registry_holds_exactly_the_stable_keys():
    assert sorted(KPIS) == sorted(ISSUE_KEYS)


@pytest.mark.parametrize("key", list(KPIS))
def test_every_kpi_is_fully_described(key):
    kpi = KPIS[key]
    assert kpi.key == key and key.islower() and " " not in key
    assert kpi.label_en.strip() and kpi.label_zh.strip()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in kpi.label_zh), "Chinese label has no Chinese characters"
    assert len(kpi.formula) > 30
    assert kpi.unit in UNITS
    assert isinstance(kpi.higher_is_better, bool)
    assert set(kpi.needs) <= set(TABLE_NAMES) and kpi.needs
    assert set(kpi.levels) <= set(ENTITY_TYPES) and kpi.levels
    assert kpi_label(key) == kpi.label_en and kpi_label(key, lang="zh") == kpi.label_zh


def test_lower_is_better_only_for_durations():
    assert {k for k, kpi in KPIS.items() if not kpi.higher_is_better} == {"cycle_days_median", "follow_up_hours_median"}


def test_every_key_is_produced_and_every_produced_metric_is_registered():
    produced = set()
    for level in ENTITY_TYPES:
        kpis = handmade_kpis(level)
        metrics = set(kpis["metric"])
        assert metrics <= set(KPIS)
        assert metrics == {k for k, kpi in KPIS.items() if level in kpi.levels}, level
        produced |= metrics
    assert produced == set(KPIS)


def test_labels_for_wide_columns_and_unknown_keys():
    assert wide_column("stage_conversion", "Lead→Demo") == "stage_conversion[Lead→Demo]"
    assert parse_wide_column("stage_conversion[Lead→Demo]") == ("stage_conversion", "Lead→Demo")
    assert kpi_label("stage_conversion[Lead→Demo]") == "Stage conversion (Lead→Demo)"
    with pytest.raises(UnknownKPIError, match="Unknown KPI 'bookingz'"):
        kpi_label("bookingz")
    with pytest.raises(ValueError, match="'lang'"):
        KPIS["bookings"].label("fr")
