"""compute_kpis edge cases, kpi_wide, to_series, the Parquet path and input hygiene."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from tests.kpi.handmade import ALL_TABLES, STAGES, handmade_data, handmade_kpis
from tests.kpi.helpers import contract_frame, make_sales_data
from workbench.errors import DataError, UnknownKPIError
from workbench.kpi import (
    KPIS,
    KPIUnavailableWarning,
    compute_kpis,
    kpi_tables_from_parquet,
    kpi_wide,
    to_series,
)


def test_dict_input_is_not_mutated_and_matches_sales_data():
    frames = {name: contract_frame(name, rows) for name, rows in ALL_TABLES.items()}
    before = {name: frame.copy(deep=True) for name, frame in frames.items()}
    from_dict = compute_kpis({**frames, "stages": list(STAGES)}, by="team")
    for name, frame in frames.items():
        pd.testing.assert_frame_equal(frame, before[name], obj=name)
    pd.testing.assert_frame_equal(from_dict, handmade_kpis("team"))


def test_missing_tables_skip_their_kpis_with_a_warning():
    data = handmade_data(without=("activities", "market", "orders"))
    with pytest.warns(KPIUnavailableWarning) as record:
        kpis = compute_kpis(data, by="company")
    messages = " ".join(str(w.message) for w in record)
    assert "activities_per_workday" in messages and "'activities'" in messages
    assert "market_share" in messages and "order_completion_rate" in messages
    metrics = set(kpis["metric"])
    assert not metrics & {"activities_per_workday", "market_share", "order_completion_rate"}
    # Without activities, follow-up speed uses first_touch_at only: in January only o2 (1 h)
    # and o5 (0 h) have one; o1 is now untouched.
    jan = kpis[(kpis.period == "2026-01-01") & (kpis.metric == "follow_up_hours_median")]
    assert jan["value"].iloc[0] == pytest.approx(0.5)


def test_empty_optional_table_gives_zero_counts_and_missing_ratios():
    tables = dict(ALL_TABLES)
    tables["surveys"] = {c: [] for c in ALL_TABLES["surveys"]}
    kpis = compute_kpis(make_sales_data(tables, stages=STAGES), by="rep", metrics=["csat_mean", "csat_responses"])
    assert (kpis.loc[kpis.metric == "csat_responses", "value"] == 0).all()
    assert kpis.loc[kpis.metric == "csat_mean", "value"].isna().all()


def test_stage_order_is_inferred_from_history_when_not_configured():
    tables = {name: contract_frame(name, rows) for name, rows in ALL_TABLES.items()}
    kpis = compute_kpis(tables, by="company", metrics=["stage_conversion"])
    # "Closed Won" is left out; Lead comes first in every deal, Proposal last.
    assert list(dict.fromkeys(kpis["detail"])) == ["Lead→Demo", "Demo→Proposal", "Proposal→won"]


def test_unknown_arguments_are_reported_clearly():
    data = handmade_data()
    with pytest.raises(ValueError, match="'by' parameter of compute_kpis must be one of"):
        compute_kpis(data, by="division")
    with pytest.raises(UnknownKPIError, match="Unknown KPI 'bookingz' \(did you mean 'bookings'\?\)"):
        compute_kpis(data, metrics=["bookingz"])
    with pytest.raises(ValueError, match="Unknown frequency"):
        compute_kpis(data, freq="fortnight")
    with pytest.raises(TypeError, match="SalesData"):
        compute_kpis([1, 2, 3])


def test_missing_required_table_or_column_names_it():
    with pytest.raises(DataError, match="'opportunities'"):
        compute_kpis({"reps": contract_frame("reps", ALL_TABLES["reps"])})
    opps = contract_frame("opportunities", ALL_TABLES["opportunities"]).drop(columns=["amount"])
    with pytest.raises(DataError, match="missing required column 'amount'"):
        compute_kpis({"reps": contract_frame("reps", ALL_TABLES["reps"]), "opportunities": opps})


def test_missing_nullable_columns_are_treated_as_empty():
    opps = contract_frame("opportunities", ALL_TABLES["opportunities"]).drop(columns=["first_touch_at", "account_id"])
    kpis = compute_kpis({"reps": contract_frame("reps", ALL_TABLES["reps"]), "opportunities": opps},
                        by="company", metrics=["new_accounts", "follow_up_hours_median"])
    assert (kpis.loc[kpis.metric == "new_accounts", "value"] == 0).all()
    assert kpis.loc[kpis.metric == "follow_up_hours_median", "value"].isna().all()


@pytest.mark.filterwarnings("ignore::workbench.kpi.KPIUnavailableWarning")
def test_no_events_gives_an_empty_table_with_the_right_columns():
    tables = {"reps": ALL_TABLES["reps"], "opportunities": {c: [] for c in ALL_TABLES["opportunities"]}}
    kpis = compute_kpis(make_sales_data(tables), by="rep")
    assert kpis.empty and list(kpis.columns) == ["entity_type", "entity_id", "period", "metric", "detail", "value"]


def test_kpi_wide_has_one_row_per_entity_period_and_one_column_per_metric():
    kpis = handmade_kpis("rep")
    wide = kpi_wide(kpis)
    assert len(wide) == 4 * 14  # 4 reps x Feb 2025 .. Mar 2026
    stage_columns = [f"stage_conversion[{pair}]" for pair in ("Lead→Demo", "Demo→Proposal", "Proposal→won")]
    expected = [k for k in KPIS if k not in ("stage_conversion", "market_share")]
    assert list(wide.columns[:3]) == ["entity_type", "entity_id", "period"]
    assert sorted(wide.columns[3:]) == sorted(expected + stage_columns)
    metric_columns = list(wide.columns[3:])
    assert metric_columns.index("stage_conversion[Lead→Demo]") < metric_columns.index("pipeline_created")
    row = wide[(wide.entity_id == "r1") & (wide.period == "2026-02-01")].iloc[0]
    assert row["bookings"] == 100.0 and row["win_rate"] == 0.5
    assert math.isnan(row["pipeline_coverage"])
    assert row["stage_conversion[Proposal→won]"] == 1.0
    assert wide["entity_id"].tolist()[:2] == ["r1", "r1"]  # keeps the order of the tidy table


def test_to_series_gives_the_forecasting_long_format():
    kpis = compute_kpis(handmade_data(), by=["team", "company"], metrics=["bookings", "stage_conversion"])
    series = to_series(kpis, "bookings")
    assert list(series.columns) == ["unique_id", "ds", "y"]
    assert set(series["unique_id"]) == {"team:East", "team:West", "company:company"}
    east = series[series.unique_id == "team:East"].set_index("ds")["y"]
    assert east[pd.Timestamp("2026-02-01")] == 130.0 and len(east) == 14
    stage = to_series(kpis[kpis.entity_type == "company"], "stage_conversion[Demo→Proposal]")
    assert set(stage["unique_id"]) == {"company"}
    renamed = to_series(kpis, "bookings", id_col="entity", time_col="month", target_col="bookings")
    assert list(renamed.columns) == ["entity", "month", "bookings"]
    with pytest.raises(ValueError, match="No rows for metric 'win_rate'"):
        to_series(kpis, "win_rate")


def test_parquet_folder_gives_the_same_table_as_in_memory(tmp_path):
    for name, frame in handmade_data().tables.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    from_files = compute_kpis(kpi_tables_from_parquet(tmp_path, stages=STAGES), by="region")
    pd.testing.assert_frame_equal(from_files, handmade_kpis("region"))


def test_parquet_folder_without_opportunities_is_a_clear_error(tmp_path):
    handmade_data().reps.to_parquet(tmp_path / "reps.parquet")
    with pytest.raises(DataError, match="opportunities.parquet"):
        kpi_tables_from_parquet(tmp_path)


def test_values_are_never_infinite_even_with_zero_targets_everywhere():
    tables = dict(ALL_TABLES)
    tables["targets"] = {**ALL_TABLES["targets"], "target": [0.0] * len(ALL_TABLES["targets"]["target"])}
    with warnings.catch_warnings():
        warnings.simplefilter("error", KPIUnavailableWarning)
        kpis = compute_kpis(make_sales_data(tables, stages=STAGES), by=["rep", "company"],
                            metrics=["quota_attainment", "pipeline_coverage"])
    assert kpis["value"].isna().all()
    assert not np.isinf(kpis["value"]).any()


def test_unreadable_target_period_names_table_and_value():
    tables = dict(ALL_TABLES)
    tables["targets"] = {**ALL_TABLES["targets"], "period": ["March"] + ALL_TABLES["targets"]["period"][1:]}
    with pytest.raises(DataError, match="Table 'targets', column 'period': Cannot read period 'March'"):
        compute_kpis(make_sales_data(tables, stages=STAGES), by="rep", metrics=["quota_attainment"])


@pytest.mark.parametrize("freq, start, end", [("M", "2026-02", "2026-02"), ("M", "2026-01", "2026-03"),
                                              ("Q", "2026-Q1", "2026-Q1"), ("W", "2026-02-02", "2026-02-16")])
def test_a_requested_span_gives_the_same_rows_as_the_whole_table(freq, start, end):
    """Without growth or the open pipeline only start..end is computed; with them the whole span is
    (they read earlier periods). Either way the rows are those of the whole table, cut to start..end."""
    data = handmade_data()
    levels = ["rep", "team", "region", "company"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KPIUnavailableWarning)
        whole = compute_kpis(data, by=levels, freq=freq)
        first, last = pd.Timestamp(whole["period"].min()), pd.Timestamp(whole["period"].max())
        for metrics in (["bookings", "bookings_target", "quota_attainment", "win_rate", "activities_per_workday"],
                        ["bookings_growth_pop", "open_pipeline", "pipeline_coverage", "bookings"]):
            part = compute_kpis(data, by=levels, freq=freq, metrics=metrics, start=start, end=end)
            lo, hi = part["period"].min(), part["period"].max()
            assert first <= lo <= hi <= last and (lo, hi) != (first, last)  # a part of the data's span
            expected = whole[whole["metric"].isin(metrics) & whole["period"].between(lo, hi)]
            pd.testing.assert_frame_equal(part.reset_index(drop=True), expected.reset_index(drop=True))
