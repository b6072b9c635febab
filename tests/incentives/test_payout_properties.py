"""Property-based: payouts on odd data are never negative, or a clear error says why not."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import result_or_clear_error, sales_tables
from workbench import load
from workbench.incentives import compute_payouts, load_plan

ROOT = Path(__file__).resolve().parents[2]


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(sales_tables(max_reps=5, max_deals=40, with_targets=True), st.sampled_from(["2024-Q3", "2025-Q1", "2026-Q2"]))
def test_payouts_are_never_negative_or_say_why_not(tables, period):
    plan = load_plan(ROOT / "docs" / "example_plan.toml")
    data = result_or_clear_error(load, tables)
    payouts = result_or_clear_error(compute_payouts, data, plan, period) if data is not None else None
    if payouts is None:
        return
    assert (payouts["commission"] >= 0).all() and (payouts["total_payout"] >= 0).all()
