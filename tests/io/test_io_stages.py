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
