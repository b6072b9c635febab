"""Property-based: diagnosing odd data gives a result or a clear error, never a crash."""

import warnings

from hypothesis import HealthCheck, given, settings

from tests.strategies import describe, raised_by_workbench, sales_tables
from workbench import load
from workbench.diagnose import diagnose

SETTINGS = settings(max_examples=8, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(sales_tables(max_reps=5, max_deals=50))
def test_diagnose_returns_a_result_or_a_clear_error(tables):
    try:
        data = load(tables)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = diagnose(data)
    except Exception as exc:  # noqa: BLE001
        assert raised_by_workbench(exc), describe(exc)
        return
    assert result.findings is not None
