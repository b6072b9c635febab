"""Progress on stderr: named stages, a bar only on a terminal, never a byte on stdout."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.commands.progress import ENV_VAR, Progress
from workbench.sample import write_sample

FIXTURES = Path(__file__).resolve().parents[1] / "io" / "crm" / "fixtures"


class _Terminal(io.StringIO):
    """A stderr that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_stages_are_named_on_stderr_and_the_bar_is_wiped(capsys):
    progress = Progress("workbench test", ["loading data", "computing KPIs"], enabled=True)
    with progress.stage("loading data"):
        pass
    with progress.stage("computing KPIs"):
        pass
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "workbench test: loading data" in captured.err
    assert "workbench test: computing KPIs" in captured.err
    assert "2/2" in captured.err
    assert captured.err.rstrip(" ").endswith("\r")  # the line is cleared, nothing is left behind
    assert progress.done == 2


def test_what_a_command_prints_between_stages_starts_on_a_clean_line(capsys):
    progress = Progress("workbench test", ["a", "b"], enabled=True)
    with progress.stage("a"):
        pass
    before = capsys.readouterr().err
    assert re.search(r"\r +\r$", before)  # wiped before the command prints its result
    with progress.stage("b"):
        pass


def test_clock_keeps_running_during_a_long_stage(capsys):
    progress = Progress("workbench test", ["slow"], enabled=True, interval=0.05)
    with progress.stage("slow"):
        time.sleep(0.3)
    assert capsys.readouterr().err.count("workbench test: slow") >= 3  # redrawn while it ran


def test_a_failing_stage_wipes_the_bar_and_raises(capsys):
    progress = Progress("workbench test", ["loading data", "computing"], enabled=True)
    with pytest.raises(ValueError, match="bad data"):
        with progress.stage("loading data"):
            raise ValueError("bad data")
    err = capsys.readouterr().err
    assert "loading data" in err and re.search(r"\r +\r$", err)


def test_nothing_is_shown_when_stderr_is_not_a_terminal(monkeypatch, capsys):
    monkeypatch.delenv(ENV_VAR, raising=False)
    progress = Progress("workbench test", ["loading data"])
    assert not progress.enabled
    with progress.stage("loading data"):
        pass
    assert capsys.readouterr() == ("", "")


def test_a_terminal_gets_a_bar_unless_switched_off(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    progress = Progress("workbench test", ["loading data"], delay=0)
    assert progress.enabled
    with progress.stage("loading data"):
        pass
    assert "workbench test: loading data" in terminal.getvalue()
    monkeypatch.setenv(ENV_VAR, "0")
    assert not Progress("workbench test", ["loading data"]).enabled


def test_a_terminal_is_not_drawn_on_for_a_quick_command(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    progress = Progress("workbench test", ["quick"])  # default delay on a terminal: 0.5 s
    with progress.stage("quick"):
        pass
    assert "quick" not in terminal.getvalue()


# --------------------------------------------------------------------------- every command


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, n_reps=6, months=15, seed=4)
    return out


def _commands(sample_dir: Path, out: Path):
    return {
        "sample": (["sample", "--out", str(out / "sample"), "--reps", "4", "--months", "3"],
                   ["simulating", "writing tables"]),
        "validate": (["validate", str(sample_dir), "--quarantine-out", str(out / "q.csv")],
                     ["loading and validating data", "writing q.csv"]),
        "import": (["import", "--preset", "salesforce", str(FIXTURES / "salesforce_opportunities.csv"),
                    "--activities", str(FIXTURES / "salesforce_activities.csv"), "--out", str(out / "imported")],
                   ["reading exports", "writing tables"]),
        "kpi": (["kpi", str(sample_dir), "--by", "team", "-o", str(out / "kpis.csv")],
                ["loading data", "computing KPIs", "writing kpis.csv"]),
        "forecast": (["forecast", str(sample_dir), "--by", "team", "--h", "1", "--windows", "1", "--snapshots", "3",
                      "--models", "naive,ets_ann", "-o", str(out / "fc.csv"), "--pipeline-out", str(out / "odds.csv")],
                     ["loading data", "backtesting and forecasting", "backtesting the pipeline", "writing fc.csv",
                      "scoring open deals", "simulating the pipeline", "writing odds.csv"]),
        "diagnose": (["diagnose", str(sample_dir), "-o", str(out / "findings.csv")],
                     ["loading data", "diagnosing", "writing findings.csv"]),
        "review": (["review", str(sample_dir), "--period", "2026-Q1", "--out", str(out / "reviews")],
                   ["loading data", "diagnosing", "measuring training effectiveness", "planning",
                    "assembling the reviews", "writing rep reviews", "writing the team summary and workbook"]),
        "coach": (["coach", str(sample_dir), "--period", "2026-Q1", "-o", str(out / "coaching.xlsx")],
                  ["loading data", "diagnosing", "measuring training effectiveness", "planning",
                   "writing coaching.xlsx"]),
    }


@pytest.mark.parametrize("command", ["sample", "validate", "import", "kpi", "forecast", "diagnose", "review", "coach"])
def test_every_command_names_its_stages_on_stderr_and_leaves_stdout_alone(command, sample_dir, tmp_path,
                                                                         monkeypatch, capsys):
    quiet_dir, shown_dir = tmp_path / "quiet", tmp_path / "shown"
    quiet_dir.mkdir(), shown_dir.mkdir()

    monkeypatch.setenv(ENV_VAR, "0")
    argv, _ = _commands(sample_dir, quiet_dir)[command]
    assert main(argv) == 0
    quiet = capsys.readouterr()

    monkeypatch.setenv(ENV_VAR, "1")
    argv, stages = _commands(sample_dir, shown_dir)[command]
    assert main(argv) == 0
    shown = capsys.readouterr()

    for stage in stages:
        assert f"workbench {command}: {stage}" in shown.err
    assert f"{len(stages)}/{len(stages)}" in shown.err
    assert "workbench" not in quiet.err  # off: no progress at all
    assert "backtest:" not in quiet.err  # not even the forecaster's own bar
    # stdout is the same with and without progress (up to the folder names and timings)
    def normalise(text):
        return re.sub(r"\d+(\.\d+)? s\b", "", text.replace(str(shown_dir), "").replace(str(quiet_dir), ""))

    assert normalise(shown.out) == normalise(quiet.out)
    assert "\r" not in shown.out
