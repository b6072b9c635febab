"""Stage inference on DataFrames (in-process DuckDB SQL) gives the ibis expression's answer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from workbench.io import stages


def _history(rng, n_deals):
    names = np.array(["Lead", "Qualified", "Demo", "Proposal", "Closed Won", "Signed", None], dtype=object)
    deal = rng.integers(0, n_deals, n_deals * 3)
    frame = pd.DataFrame({
        "opportunity_id": pd.Series([f"O{d}" for d in deal], dtype="str").mask(rng.random(len(deal)) < 0.03),
        "stage": pd.Series(names[rng.integers(0, len(names), len(deal))], dtype="str"),
        "entered_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 6, len(deal)), unit="D"),
    })
    frame.loc[rng.random(len(frame)) < 0.02, "entered_at"] = pd.NaT
    deals = pd.DataFrame({"opportunity_id": pd.Series([f"O{d}" for d in range(n_deals)], dtype="str"),
                          "outcome": pd.Series(rng.choice(["open", "won", "lost"], n_deals), dtype="str")})
    return frame, deals


def _by_ibis(history, deals):
    import ibis

    def table(frame, columns):
        return ibis.memtable(pa.Table.from_pandas(frame[columns], preserve_index=False))

    opps = None if deals is None else table(deals, ["opportunity_id", "outcome"])
    result = stages.stage_statistics(table(history, ["opportunity_id", "stage", "entered_at"]), opps)
    return result.to_pyarrow().to_pandas()


def _sorted(statistics):
    frame = statistics[["stage", "median_position", "mean_position", "closing_only"]].copy()
    frame["stage"] = frame["stage"].astype(object)
    frame["closing_only"] = frame["closing_only"].astype(bool)
    return frame.sort_values("stage").reset_index(drop=True)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("with_deals", [True, False])
def test_statistics_in_process_equal_the_ibis_expression(seed, with_deals):
    rng = np.random.default_rng(300 + seed)
    history, deals = _history(rng, int(rng.integers(1, 60)))
    deals = deals if with_deals else None
    fast = stages._statistics_in_process(history, deals)
    expected = _by_ibis(history, deals)
    pd.testing.assert_frame_equal(_sorted(fast), _sorted(expected), check_dtype=False)
    assert stages.open_stages(fast) == stages.open_stages(expected)


def test_infer_stages_from_dataframes_finds_the_funnel_order_without_closing_stages():
    history = pd.DataFrame({
        "opportunity_id": ["A", "A", "A", "B", "B", "C"],
        "stage": ["Lead", "Demo", "Signed", "Lead", "Demo", "Lead"],
        "entered_at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-02-01", "2026-01-02", "2026-01-09",
                                      "2026-01-03"])})
    deals = pd.DataFrame({"opportunity_id": ["A", "B", "C"], "outcome": ["won", "open", "open"]})
    assert stages.infer_stages(history, deals) == ("Lead", "Demo")
    assert stages.infer_stages(history) == ("Lead", "Demo", "Signed")


def _grouped_history(rng, n_deals, *, sorted_ids=True):
    """A history listing each deal's entries together in entry order (ties in time, one-entry deals)."""
    names = np.array(["Lead", "Qualified", "Demo", "Proposal", "Closed Won", "Signed", "Lost"], dtype=object)
    deal = rng.integers(0, n_deals, n_deals * 4)
    frame = pd.DataFrame({
        "opportunity_id": pd.Series([f"O{d:03d}" for d in deal], dtype="str"),
        "stage": pd.Series(names[rng.integers(0, len(names), len(deal))], dtype="str"),
        "entered_at": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 4, len(deal)), unit="D"),
    }).sort_values(["opportunity_id", "entered_at", "stage"], kind="stable", ignore_index=True)
    if not sorted_ids:  # deals in a shuffled order, each deal's rows still together
        order = {d: i for i, d in enumerate(rng.permutation(frame["opportunity_id"].unique()))}
        frame = frame.iloc[np.argsort(frame["opportunity_id"].map(order).to_numpy(), kind="stable")]
        frame = frame.reset_index(drop=True)
    deals = pd.DataFrame({"opportunity_id": pd.Series([f"O{d:03d}" for d in range(n_deals)], dtype="str"),
                          "outcome": pd.Series(rng.choice(["open", "won", "lost"], n_deals), dtype="str")})
    return frame, deals


def _by_sql(history, deals):
    from workbench.io._fast import _duckdb_query

    if deals is None:
        deals = pd.DataFrame({"opportunity_id": pd.Series([], dtype="str"), "outcome": pd.Series([], dtype="str")})
    return pd.DataFrame(_duckdb_query(
        stages._STATISTICS_SQL,
        history=pa.Table.from_pandas(history[["opportunity_id", "stage", "entered_at"]], preserve_index=False),
        deals=pa.Table.from_pandas(deals[["opportunity_id", "outcome"]], preserve_index=False)))


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("sorted_ids", [True, False])
@pytest.mark.parametrize("with_deals", [True, False])
def test_statistics_of_a_grouped_history_equal_the_sql(seed, sorted_ids, with_deals):
    rng = np.random.default_rng(500 + seed)
    history, deals = _grouped_history(rng, int(rng.integers(2, 80)), sorted_ids=sorted_ids)
    deals = deals if with_deals else None
    if seed % 4 == 3 and deals is not None:  # every deal closed: the last stages become terminal by data
        deals["outcome"] = "won"
    grouped = stages._statistics_of_grouped_history(history, deals)
    assert grouped is not None
    pd.testing.assert_frame_equal(_sorted(grouped), _sorted(_by_sql(history, deals)), check_dtype=False)
    assert stages._statistics_in_process(history, deals).equals(grouped)


def test_statistics_of_a_history_not_grouped_by_deal_are_left_to_sql():
    history, deals = _grouped_history(np.random.default_rng(7), 30)
    split = history.iloc[np.r_[1:len(history), 0]].reset_index(drop=True)  # the first deal in two runs
    assert stages._statistics_of_grouped_history(split, deals) is None
    backwards = history.iloc[::-1].reset_index(drop=True)  # each deal's entries in reverse time order
    assert stages._statistics_of_grouped_history(backwards, deals) is None
    gaps = history.assign(entered_at=history["entered_at"].mask(history.index == 3))
    assert stages._statistics_of_grouped_history(gaps, deals) is None
    for frame in (split, backwards):
        pd.testing.assert_frame_equal(_sorted(stages._statistics_in_process(frame, deals)),
                                      _sorted(_by_sql(frame, deals)), check_dtype=False)


def test_statistics_of_a_grouped_history_with_a_stage_name_per_entry_equal_the_sql():
    history, deals = _grouped_history(np.random.default_rng(11), 40)
    history["stage"] = pd.Series([f"S{i:04d}" for i in range(len(history))], dtype="str")
    grouped = stages._statistics_of_grouped_history(history, deals)
    assert grouped is not None and len(grouped) == len(history)
    pd.testing.assert_frame_equal(_sorted(grouped), _sorted(_by_sql(history, deals)), check_dtype=False)
