"""Property-based: KPIs of any small, odd dataset are a table of finite numbers or a clear error."""

import warnings

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import describe, finite_or_nan, raised_by_workbench, sales_tables
from workbench import load
from workbench.kpi import compute_kpis

SETTINGS = settings(max_examples=20, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(sales_tables(), st.sampled_from(["rep", "team", "region", "company"]), st.sampled_from(["M", "Q", "W"]))
def test_kpis_are_finite_or_a_clear_error(tables, by, freq):
    try:
        data = load(tables)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            kpis = compute_kpis(data, by=by, freq=freq)
    except Exception as exc:  # noqa: BLE001
        assert raised_by_workbench(exc), describe(exc)
        return
    assert finite_or_nan(kpis["value"])
    assert set(kpis["entity_type"]) <= {by}
