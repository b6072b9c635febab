"""The ``workbench`` command line: one sub-command per job.

Each sub-command lives in its own module under :mod:`workbench.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to the function that
runs it. ``main`` only wires them together.
"""

from __future__ import annotations

import argparse
import importlib
import sys

__all__ = ["main", "build_parser"]

#: Sub-command modules, in the order ``workbench --help`` lists them.
COMMAND_MODULES = [
    "sample",
    "validate",
    "import_",
    "kpi",
    "forecast",
    "diagnose",
    "coach",
    "review",
    "targets",
    "payout",
]

DESCRIPTION = """\
Sales Performance Workbench: load CRM data, check it, and compute KPIs,
forecasts, diagnoses, coaching plans and periodic reviews from the command line.

Typical first steps:
  workbench sample --out sample_data          make a realistic demo dataset
  workbench validate sample_data              check a folder of CSV/Parquet/XLSX files
  workbench kpi sample_data --by rep -o kpis.csv
"""


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(f"workbench.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
