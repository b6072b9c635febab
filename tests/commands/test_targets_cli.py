"""``workbench targets``: proposals with SMART flags, allocation, the activity plan; exit codes 0 / 1 / 2."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from workbench.cli import main
from workbench.sample import write_sample


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, n_reps=16, months=24, seed=5)
    return out


def test_proposes_and_writes_csv(source, tmp_path, capsys):
    out = tmp_path / "targets.csv"
    assert main(["targets", str(source), "--period", "2026-11", "--probability", "0.7", "--by", "team",
                 "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Targets of bookings for 2026-11 per team (met with probability 70%)" in printed
    table = pd.read_csv(out, encoding="utf-8-sig")
    teams = pd.read_csv(source / "reps.csv")["team"].unique()
    assert sorted(table["entity_id"]) == sorted(teams)
    assert {"target", "attainment_probability", "smart_ok", "smart_flags"} <= set(table.columns)
    assert f"{len(teams)} rows written to" in printed


def test_company_target_adds_up_and_plan_workbook(source, tmp_path, capsys):
    out = tmp_path / "plan.xlsx"
    assert main(["targets", str(source), "--period", "2026-11", "--by", "rep", "--company-target", "1000003",
                 "--plan", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "allocated by forecast" in printed and "Activity plan" in printed
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["targets", "activity_plan", "activities_by_type", "assumptions"]
    targets = pd.read_excel(out, sheet_name="targets")
    assert targets["target"].sum() == 1000003
    plan = pd.read_excel(out, sheet_name="activity_plan")
    assert len(plan) == len(targets) and (plan["activities_per_workday"] > 0).all()


def test_usage_errors(source, tmp_path, capsys):
    assert main(["targets", str(tmp_path / "nope"), "--period", "2026-11"]) == 2
    assert main(["targets", str(source), "--period", "2026-11", "-o", str(tmp_path / "x.txt")]) == 2
    assert main(["targets", str(source), "--period", "2026-11", "--by", "team", "--plan"]) == 2
    assert main(["targets", str(source), "--period", "2026-11", "--probability", "1.5"]) == 2
    assert "'probability' parameter of propose_targets" in capsys.readouterr().err


def test_stages_on_stderr_and_stdout_unchanged(source, tmp_path, monkeypatch, capsys):
    from workbench.commands.progress import ENV_VAR

    argv = ["targets", str(source), "--period", "2026-11", "--by", "region"]
    monkeypatch.setenv(ENV_VAR, "0")
    assert main(argv) == 0
    quiet = capsys.readouterr()
    monkeypatch.setenv(ENV_VAR, "1")
    assert main([*argv, "-o", str(tmp_path / "t.csv")]) == 0
    shown = capsys.readouterr()
    for stage in ("loading data", "forecasting and proposing", "writing t.csv"):
        assert f"workbench targets: {stage}" in shown.err
    assert "3/3" in shown.err and "workbench" not in quiet.err
    assert shown.out.startswith(quiet.out)
