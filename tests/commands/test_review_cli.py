"""``workbench review``: one page per rep, the team summary and one workbook; exit codes 0 / 1 / 2."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

from workbench.cli import main
from workbench.kpi import KPIS
from workbench.sample import write_sample

PERIOD = "2026-Q1"


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, n_reps=24, months=18, seed=5)
    return out


def _employed(source) -> list[str]:
    reps = pd.read_csv(source / "reps.csv", parse_dates=["hire_date"])
    return reps.loc[reps["hire_date"] < pd.Timestamp("2026-04-01"), "rep_id"].tolist()


def test_writes_a_page_per_rep_the_summary_and_a_workbook(source, tmp_path, capsys):
    out = tmp_path / "reviews"
    assert main(["review", str(source), "--period", PERIOD, "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    employed = _employed(source)
    pages = sorted(p.name for p in out.glob("*_rep_*.html"))
    assert pages == sorted(f"2026-Q1_rep_{r}.html" for r in employed)
    assert (out / "2026-Q1_team_summary.html").exists() and (out / "2026-Q1_review.xlsx").exists()
    assert len(list(out.iterdir())) == len(employed) + 2
    assert f"{len(employed)} rep reviews" in printed and "2026-Q1_team_summary.html" in printed
    assert "2026-Q1_review.xlsx" in printed and str(out) in printed
    book = openpyxl.load_workbook(out / "2026-Q1_review.xlsx")
    assert book["Reps"].max_row == len(employed) + 1


def test_chinese_for_one_team(source, tmp_path, capsys):
    out = tmp_path / "zh"
    team = pd.read_csv(source / "reps.csv").set_index("rep_id").loc["R002", "team"]
    assert main(["review", str(source), "--period", PERIOD, "--out", str(out), "--lang", "zh", "--team", team]) == 0
    assert "中文" in capsys.readouterr().out
    page = (out / "2026-Q1_rep_R002.html").read_text(encoding="utf-8")
    assert KPIS["quota_attainment"].label("zh") in page and "辅导计划" in page
    reps = pd.read_csv(source / "reps.csv")
    mates = set(reps.loc[reps["team"] == team, "rep_id"]) & set(_employed(source))
    assert {re.sub(r"^2026-Q1_rep_|\.html$", "", p.name) for p in out.glob("*_rep_*.html")} == mates
    assert "销售" in openpyxl.load_workbook(out / "2026-Q1_review.xlsx").sheetnames


def test_one_rep(source, tmp_path, capsys):
    out = tmp_path / "one"
    assert main(["review", str(source), "--period", "2026-03", "--out", str(out), "--rep", "R005"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["2026-03_rep_R005.html", "2026-03_review.xlsx",
                                                     "2026-03_team_summary.html"]
    assert "1 rep review:" in capsys.readouterr().out


@pytest.mark.parametrize("extra, message", [
    (["--team", "Nowhere"], "The 'team' parameter of periodic_review must be one of"),
    (["--rep", "R999"], "The 'rep' parameter of periodic_review must be a rep_id"),
    (["--period", "someday"], "The 'period' parameter of periodic_review must be a month, quarter or year"),
    (["--period", "2031-Q1"], "starts after the data ends"),
])
def test_usage_errors_exit_2(source, tmp_path, capsys, extra, message):
    argv = ["review", str(source), "--period", PERIOD, "--out", str(tmp_path / "out"), *extra]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench review: error: ") and message in err
    assert not (tmp_path / "out").exists()


def test_missing_arguments_and_paths_exit_2(source, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["review", str(source), "--out", str(tmp_path / "out")])  # no --period
    assert stop.value.code == 2
    assert main(["review", str(tmp_path / "nowhere"), "--period", PERIOD, "--out", str(tmp_path)]) == 2
    (tmp_path / "file.txt").write_text("x")
    assert main(["review", str(source), "--period", PERIOD, "--out", str(tmp_path / "file.txt")]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "is a file, not a folder" in err


def test_a_data_error_exits_1(tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "reps.csv").write_text("rep_id,name\nR1,Ann\n", encoding="utf-8")
    assert main(["review", str(broken), "--period", PERIOD, "--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("workbench review: error: ")
