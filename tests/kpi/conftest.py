"""Fixtures shared by the KPI tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def downstream_sample() -> dict:
    """The small sample of :mod:`tests.kpi.downstream`."""
    from .downstream import small_sample

    return small_sample()


@pytest.fixture(scope="session")
def downstream_in_pandas(downstream_sample) -> dict:
    """The outputs of diagnose, coach, propose_targets and forecast_entities from SalesData in pandas."""
    import workbench

    from .downstream import DIAGNOSIS_PERIOD, TARGET_PERIOD, downstream_outputs

    return downstream_outputs(workbench.load(downstream_sample), period=DIAGNOSIS_PERIOD, target_period=TARGET_PERIOD)
