"""A small sample and a what-if model fitted on it, shared by the what-if tests."""

import pytest


@pytest.fixture(scope="session")
def whatif_data():
    """24 reps, 18 months to 2026-10 (typed SalesData); do not change it."""
    from workbench.io.load import as_sales_data
    from workbench.sample import generate_sample

    return as_sales_data(generate_sample(n_reps=24, months=18, seed=5))


@pytest.fixture(scope="session")
def whatif_model(whatif_data):
    """A WhatIfModel on :func:`whatif_data` with a known shock (no backtest); do not change it."""
    from workbench.targets import WhatIfModel

    return WhatIfModel(n_sims=1000).fit(whatif_data, shock_sd=0.3)
