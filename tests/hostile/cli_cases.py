"""Hostile cases of the CLI: strange but valid data that crashed a command with a traceback.

Each case is a small sample dataset (``write_sample(n_reps=6, months=6, seed=1)``) broken
in one way. :data:`RUNS` says which command each case is run with and the exit code
expected: 0 (a valid result, implausible rows quarantined) or the command's usual error
code with a one-line message. ``tests/commands/test_hostile_cli.py`` runs them all and
checks no traceback escapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from tests.hostile import HostileCase, register

__all__ = ["RUNS", "CliRun", "write_base"]


@dataclass(frozen=True)
class CliRun:
    """How a case is run: ``workbench COMMAND FOLDER *args`` with ``env`` set; its exit code and message."""

    command: str
    args: tuple = ()
    exit_code: int = 0
    message: str = ""  # a fragment of stderr expected (for an error), or of the quarantine reasons
    env: dict = field(default_factory=dict)


#: Case name -> how to run it.
RUNS: dict[str, CliRun] = {}


def write_base(folder: Path) -> None:
    """The small valid dataset every case starts from."""
    from workbench.sample import write_sample

    write_sample(folder, n_reps=6, months=6, seed=1)


def _deals(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "opportunities.csv", dtype=str, keep_default_na=False)


def _put_deals(folder: Path, deals: pd.DataFrame) -> None:
    deals.to_csv(folder / "opportunities.csv", index=False)


def _first(deals: pd.DataFrame, outcome: str) -> int:
    return int(deals.index[deals["outcome"] == outcome][0])


def _case(name: str, expect: str, run: CliRun):
    def decorator(breaker):
        def write(folder: Path) -> None:
            write_base(folder)
            breaker(Path(folder))

        register(HostileCase(name=name, area="cli", write=write, expect=expect))
        RUNS[name] = run
        return breaker
    return decorator


@_case("cli-amount-1e32", "workbench kpi exits 0; the 1e32 amount is quarantined as above the plausible maximum "
       "(main: DuckDB DECIMAL(38,6) conversion traceback)", CliRun("kpi", message="above the plausible maximum"))
def _amount_1e32(folder):
    deals = _deals(folder)
    deals.loc[0, "amount"] = "1e32"
    _put_deals(folder, deals)


@_case("cli-created-1700", "workbench diagnose exits 0; the deal created in 1700 is quarantined "
       "(main: int64 overflow traceback)", CliRun("diagnose", message="outside the plausible range"))
def _created_1700(folder):
    deals = _deals(folder)
    row = _first(deals, "won")
    deals.loc[row, ["created_at", "first_touch_at"]] = ["1700-01-05 10:00", ""]
    _put_deals(folder, deals)


@_case("cli-stray-date-1900", "workbench kpi exits 0 with as many rows as without the stray 1900 date "
       "(main: the KPI table spans a century)", CliRun("kpi", message="outside the plausible range"))
def _stray_1900(folder):
    deals = _deals(folder)
    row = _first(deals, "open")
    deals.loc[row, ["created_at", "first_touch_at"]] = ["1900-01-05 10:00", ""]
    _put_deals(folder, deals)


@_case("cli-dates-1678-2261", "workbench kpi exits 0 with as many rows as the clean data "
       "(main: 3.4 M rows, ~1 GB on the full sample)", CliRun("kpi", message="outside the plausible range"))
def _dates_1678_2261(folder):
    deals = _deals(folder)
    opened = deals.index[deals["outcome"] == "open"]
    deals.loc[opened[0], ["created_at", "first_touch_at"]] = ["1678-01-05 10:00", ""]
    won = _first(deals, "won")
    deals.loc[won, "closed_at"] = "2261-12-31 10:00"
    _put_deals(folder, deals)


@_case("cli-period-1990-stray-1900", "workbench diagnose --period 1990-01 exits 2 with a one-line error "
       "(main: TypeError traceback)",
       CliRun("diagnose", ("--period", "1990-01"), 2, "ends before the data starts"))
def _period_1990(folder):
    deals = _deals(folder)
    row = _first(deals, "won")
    deals.loc[row, ["created_at", "first_touch_at", "closed_at"]] = ["1900-01-05 10:00", "", "1900-03-05 10:00"]
    _put_deals(folder, deals)


RUNS["cli-period-1990-no-rep-hired"] = CliRun(
    "diagnose", ("--period", "1990-01"), 2, "No rep was on the team", env={"WORKBENCH_DATE_RANGE": "1900..2100"})
register(HostileCase(
    "cli-period-1990-no-rep-hired", "cli", lambda folder: (write_base(folder), _period_1990(Path(folder))),
    "with WORKBENCH_DATE_RANGE=1900..2100 (the 1900 deal loads), diagnose --period 1990-01 exits 2: no rep "
    "was hired yet (main: TypeError traceback)"))


@_case("cli-header-only-activities", "workbench diagnose exits 0 and lists low_activity as not tested",
       CliRun("diagnose", message="not tested"))
def _header_only_activities(folder):
    (folder / "activities.parquet").unlink()
    (folder / "activities.csv").write_text("activity_id,rep_id,opportunity_id,account_id,type,at\n",
                                           encoding="utf-8")


@_case("cli-no-decided-deals", "workbench diagnose exits 0 on a pipeline of open deals only",
       CliRun("diagnose"))
def _no_decided(folder):
    deals = _deals(folder)
    open_ids = set(deals.loc[deals["outcome"] == "open", "opportunity_id"])
    _put_deals(folder, deals[deals["outcome"] == "open"])
    for name in ("stage_history", "activities"):
        table = pd.read_parquet(folder / f"{name}.parquet")
        keep = table["opportunity_id"].isin(open_ids) | table["opportunity_id"].isna()
        table[keep].to_parquet(folder / f"{name}.parquet")


@_case("cli-one-rep", "workbench coach exits 0 with one rep (main: KeyError 'skill')",
       CliRun("coach", ("--period", "2026-07")))
def _one_rep(folder):
    reps = pd.read_csv(folder / "reps.csv", dtype=str, keep_default_na=False)
    keep = set(reps["rep_id"].iloc[:1])
    reps.iloc[:1].to_csv(folder / "reps.csv", index=False)
    for name in ("opportunities", "orders", "skills", "surveys", "training_log"):
        table = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        table[table["rep_id"].isin(keep)].to_csv(folder / f"{name}.csv", index=False)
    targets = pd.read_csv(folder / "targets.csv", dtype=str, keep_default_na=False)
    targets[(targets["entity_type"] != "rep") | targets["entity_id"].isin(keep)].to_csv(folder / "targets.csv",
                                                                                         index=False)
    deal_ids = set(pd.read_csv(folder / "opportunities.csv", dtype=str)["opportunity_id"])
    for name in ("stage_history", "activities"):
        table = pd.read_parquet(folder / f"{name}.parquet")
        keep_rows = table["opportunity_id"].isin(deal_ids) | table["opportunity_id"].isna()
        if "rep_id" in table:
            keep_rows &= table["rep_id"].isin(keep)
        table[keep_rows].to_parquet(folder / f"{name}.parquet")


@_case("cli-empty-tables", "every table has its header and no row: workbench diagnose exits 0 with no finding "
       "(main: TypeError traceback)", CliRun("diagnose", ("--period", "2026-07")))
def _empty_tables(folder):
    for path in folder.iterdir():
        if path.suffix == ".parquet":
            pd.read_parquet(path).iloc[:0].to_parquet(path)
        elif path.suffix == ".csv" and path.name != "stages.csv":
            pd.read_csv(path, dtype=str).iloc[:0].to_csv(path, index=False)


@_case("cli-direct-parquet-amount-1e32", "workbench kpi --direct exits 1 naming the file, the column and "
       "WORKBENCH_MAX_AMOUNT (it cannot quarantine rows) (main: DuckDB conversion traceback)",
       CliRun("kpi", ("--direct",), 1, "WORKBENCH_MAX_AMOUNT"))
def _direct_amount(folder):
    for name, dates in (("reps", ["hire_date"]),
                        ("opportunities", ["created_at", "first_touch_at", "expected_close", "closed_at"])):
        table = pd.read_csv(folder / f"{name}.csv")
        for column in dates:
            table[column] = pd.to_datetime(table[column])
        if name == "opportunities":
            table.loc[0, "amount"] = 1e32
        table.to_parquet(folder / f"{name}.parquet")
        (folder / f"{name}.csv").unlink()


for _command, _code, _message in (("coach", 0, ""), ("review", 2, "No rep to review in 2026-07")):
    RUNS[f"cli-empty-tables-{_command}"] = CliRun(
        _command, ("--period", "2026-07") + (("--out", "reviews") if _command == "review" else ()), _code, _message)
    register(HostileCase(
        f"cli-empty-tables-{_command}", "cli", lambda folder: (write_base(folder), _empty_tables(Path(folder))),
        f"every table has its header and no row: workbench {_command} "
        + ("exits 0 (main: TypeError traceback)" if _code == 0 else "exits 2: no rep to review (main: TypeError traceback)")))
