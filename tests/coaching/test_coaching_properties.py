"""Property-based: coaching on odd data gives a result or a clear error, never a crash."""

from hypothesis import HealthCheck, given, settings

from tests.strategies import result_or_clear_error, sales_tables
from workbench import load
from workbench.coaching import coach

SETTINGS = settings(max_examples=4, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(sales_tables(max_reps=5, max_deals=50))
def test_coach_returns_plans_or_a_clear_error(tables):
    data = result_or_clear_error(load, tables)
    result = result_or_clear_error(coach, data) if data is not None else None
    assert result is None or result.plans is not None
