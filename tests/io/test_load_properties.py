"""Property-based: loading any small, odd but well-typed dataset loses no row and never crashes."""

from hypothesis import HealthCheck, given, settings

from tests.strategies import result_or_clear_error, sales_tables
from workbench import load

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(sales_tables())
def test_every_row_is_loaded_or_quarantined(tables):
    data = result_or_clear_error(load, tables)
    if data is None:
        return
    for name, frame in tables.items():
        loaded = getattr(data, name)
        quarantined = int((data.quarantine["table"] == name).sum())
        assert data.rows_read[name] == len(frame)
        assert len(loaded) + quarantined == len(frame), (name, len(loaded), quarantined, len(frame))
