"""``workbench coach``: plans, mentors, sessions and effectiveness from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from workbench.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"


def test_coach_prints_and_writes_every_table(tmp_path, capsys):
    out = tmp_path / "coaching.xlsx"
    assert main(["coach", str(SAMPLE), "--period", "2026-Q3", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    for heading in ("Skills to coach", "Mentors for each rep's top gap", "Group sessions", "Did past training work?"):
        assert heading in printed
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"plans", "modules", "mentors", "unmatched", "sessions", "effectiveness"}
    assert len(sheets["plans"]) > 10 and (sheets["plans"]["rank"] >= 1).all()


def test_coach_one_rep_in_chinese(capsys):
    assert main(["coach", str(SAMPLE), "--period", "2026-Q3", "--rep", "R008", "--lang", "zh"]) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.strip().startswith("R0")]
    assert rows and all(line.strip().startswith("R008") for line in rows[:3])


def test_coach_errors(tmp_path, capsys):
    assert main(["coach", str(tmp_path / "missing")]) == 2
    assert main(["coach", str(SAMPLE), "--period", "2030-Q1"]) == 2
    assert "starts after the data ends" in capsys.readouterr().err
    assert main(["coach", str(SAMPLE), "-o", str(tmp_path / "x.txt")]) == 2


def test_one_reps_view_lists_only_the_sessions_the_rep_joins(capsys):
    assert main(["coach", str(SAMPLE), "--period", "2026-Q3", "--rep", "R078"]) == 0
    printed = capsys.readouterr().out
    assert "1 rep with a plan" in printed
    sessions = printed.split("Group sessions:")[1].split("Did past training work?")[0]
    rows = [line for line in sessions.splitlines()[2:] if line.strip()]
    assert rows and all("R078" in line for line in rows)
