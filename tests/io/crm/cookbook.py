"""Paths of the import cookbook (docs/import.md) and the checks every import must pass."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "data" / "import_cookbook"
MAPPINGS = ROOT / "docs" / "examples" / "import"
EXAMPLES = ("funnel", "price_list", "sdr_closer", "stage_only", "chinese_crm")


def fixture_writer():
    """The module tests/data/import_cookbook/make_fixtures.py (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_accounted(data) -> None:
    """Rows read = rows loaded + rows quarantined, for every table."""
    quarantined = data.quarantine["table"].value_counts().to_dict()
    for table, read in data.rows_read.items():
        loaded = len(data[table]) if data.has(table) else 0
        assert read == loaded + quarantined.get(table, 0), (table, read, loaded, quarantined.get(table, 0))
    assert set(quarantined) <= set(data.rows_read)
