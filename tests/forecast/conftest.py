"""Fixtures for the forecast tests: small synthetic series and one small sample dataset."""

import pytest

from tests.forecast.helpers import monthly_series
from workbench.sample import generate_sample


@pytest.fixture(scope="session")
def series():
    return monthly_series()


@pytest.fixture(scope="session")
def sample_tables():
    return generate_sample(n_reps=20, months=36, seed=1)


@pytest.fixture(scope="session")
def win_model(sample_tables):
    from workbench.forecast import WinModel

    return WinModel().fit(sample_tables)
