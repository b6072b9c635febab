"""Fixtures shared by the KPI tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def downstream_sample():
    """The small sample of :mod:`tests.kpi.downstream` and its downstream outputs from SalesData in pandas."""
    import workbench

    from .downstream import DIAGNOSIS_PERIOD, TARGET_PERIOD, downstream_outputs, small_sample

    sample = small_sample()
    return sample, downstream_outputs(workbench.load(sample), period=DIAGNOSIS_PERIOD, target_period=TARGET_PERIOD)
