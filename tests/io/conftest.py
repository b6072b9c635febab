"""Fixtures for the io tests: small raw tables and a folder of them as CSV files."""

from __future__ import annotations

import pandas as pd
import pytest
from io_tables import OPPORTUNITIES_CSV, REPS_CSV, STAGE_HISTORY_CSV, frame


@pytest.fixture
def reps() -> pd.DataFrame:
    return frame(REPS_CSV)


@pytest.fixture
def opportunities() -> pd.DataFrame:
    return frame(OPPORTUNITIES_CSV)


@pytest.fixture
def stage_history() -> pd.DataFrame:
    return frame(STAGE_HISTORY_CSV)


@pytest.fixture
def valid_folder(tmp_path):
    """A folder holding the three small tables as UTF-8 CSV files."""
    folder = tmp_path / "crm"
    folder.mkdir()
    (folder / "reps.csv").write_text(REPS_CSV, encoding="utf-8")
    (folder / "opportunities.csv").write_text(OPPORTUNITIES_CSV, encoding="utf-8")
    (folder / "stage_history.csv").write_text(STAGE_HISTORY_CSV, encoding="utf-8")
    return folder
