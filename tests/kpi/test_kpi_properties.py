"""Property-based: KPIs of any small, odd dataset are a table of finite numbers or a clear error."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import finite_or_nan, result_or_clear_error, sales_tables
from workbench import load
from workbench.kpi import compute_kpis

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(sales_tables(), st.sampled_from(["rep", "team", "region", "company"]), st.sampled_from(["M", "Q", "W"]))
def test_kpis_are_finite_or_a_clear_error(tables, by, freq):
    data = result_or_clear_error(load, tables)
    kpis = result_or_clear_error(compute_kpis, data, by=by, freq=freq) if data is not None else None
    if kpis is None:
        return
    assert finite_or_nan(kpis["value"])
    assert set(kpis["entity_type"]) <= {by}
