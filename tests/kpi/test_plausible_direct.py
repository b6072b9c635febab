"""``kpi_tables_from_parquet`` (``workbench kpi --direct``) refuses implausible dates and amounts.

Direct scans do not validate rows, so they cannot quarantine them: on main a 1e32 amount
crashed DuckDB's DECIMAL(38, 6) sum and a 1900 date stretched the table over a century.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.kpi.handmade import STAGES, handmade_data
from workbench.errors import DataError
from workbench.io.plausible import Plausible
from workbench.kpi import compute_kpis, kpi_tables_from_parquet


def _write(folder, changes=None, *, row_group_size=None):
    """The handmade tables as Parquet files, with ``changes`` ({(table, column, row): value}) made.

    With ``row_group_size``: microsecond timestamps in row groups of that many rows (footer
    statistics per group); else as pandas writes them.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    for name, frame in handmade_data().tables.items():
        frame = frame.copy()
        for (table, column, row), value in (changes or {}).items():
            if table == name:
                frame.loc[row, column] = value
        if row_group_size is None:
            frame.to_parquet(folder / f"{name}.parquet")
        else:
            pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / f"{name}.parquet",
                           coerce_timestamps="us", allow_truncated_timestamps=True, row_group_size=row_group_size)


@pytest.mark.parametrize(("change", "setting"), [
    ({("opportunities", "amount", 1): 1e32}, "WORKBENCH_MAX_AMOUNT"),
    ({("opportunities", "created_at", 1): pd.Timestamp("1900-01-05")}, "WORKBENCH_DATE_RANGE"),
    ({("activities", "at", 0): pd.Timestamp("2261-01-05")}, "WORKBENCH_DATE_RANGE"),
])
def test_an_implausible_value_is_a_data_error_naming_file_column_and_setting(tmp_path, change, setting):
    _write(tmp_path, change)
    (table, column, _), = change
    with pytest.raises(DataError, match=setting) as caught:
        kpi_tables_from_parquet(tmp_path, stages=STAGES)
    assert caught.value.column == column
    assert f"{table}.parquet: 1 row(s) with {column}" in str(caught.value)


def test_a_wider_range_lets_the_scan_through(tmp_path):
    _write(tmp_path)
    # the handmade data has a 2025 deal: a range starting in 2026 refuses it, the default accepts it
    with pytest.raises(DataError, match="created_at outside the plausible range 2026-01-01"):
        kpi_tables_from_parquet(tmp_path, stages=STAGES, plausible=Plausible(first_year=2026))
    assert len(compute_kpis(kpi_tables_from_parquet(tmp_path, stages=STAGES), by="company"))


def test_footer_statistics_give_the_bounds_and_the_same_kpis(tmp_path):
    _write(tmp_path, row_group_size=3)
    tables = kpi_tables_from_parquet(tmp_path, stages=STAGES)
    opps = handmade_data().tables["opportunities"]
    assert tables.known_bounds("opportunities", "created_at") == (opps.created_at.min(), opps.created_at.max())
    assert tables.known_bounds("opportunities", "amount") == (opps.amount.min(), opps.amount.max())
    assert tables.known_bounds("opportunities", "stage") is None  # only dates and amounts are kept
    levels = ["rep", "team", "region", "company"]
    pd.testing.assert_frame_equal(compute_kpis(tables, by=levels), compute_kpis(handmade_data(), by=levels))


def test_statistics_outside_the_range_still_count_the_rows(tmp_path):
    last = len(handmade_data().tables["opportunities"]) - 1  # in the last row group
    _write(tmp_path, {("opportunities", "closed_at", last): pd.Timestamp("2300-01-02")}, row_group_size=3)
    with pytest.raises(DataError, match="WORKBENCH_DATE_RANGE") as caught:
        kpi_tables_from_parquet(tmp_path, stages=STAGES)
    assert "opportunities.parquet: 1 row(s) with closed_at" in str(caught.value)


def test_nanosecond_timestamps_are_queried_not_read_from_statistics(tmp_path):
    _write(tmp_path)
    opps = handmade_data().tables["opportunities"]
    opps = opps.assign(created_at=opps["created_at"].astype("datetime64[ns]"))
    opps.to_parquet(tmp_path / "opportunities.parquet")  # a cast of nanoseconds to microseconds may round
    tables = kpi_tables_from_parquet(tmp_path, stages=STAGES)
    assert tables.known_bounds("opportunities", "created_at") is None
    assert tables.known_bounds("opportunities", "amount") is not None
