"""Property-based: loading any small, odd but well-typed dataset loses no row and never crashes."""

from hypothesis import HealthCheck, given, settings

from tests.strategies import describe, raised_by_workbench, sales_tables
from workbench import load

SETTINGS = settings(max_examples=300, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(sales_tables())
def test_every_row_is_loaded_or_quarantined(tables):
    try:
        data = load(tables)
    except Exception as exc:  # noqa: BLE001 - the property is about which exceptions escape
        assert raised_by_workbench(exc), describe(exc)
        return
    for name, frame in tables.items():
        loaded = getattr(data, name)
        quarantined = int((data.quarantine["table"] == name).sum())
        assert data.rows_read[name] == len(frame)
        assert len(loaded) + quarantined == len(frame), (name, len(loaded), quarantined, len(frame))
