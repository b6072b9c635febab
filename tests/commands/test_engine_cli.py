"""``--engine`` on diagnose, coach and targets: the same summary and files as the default load.

DuckDB over a Parquet folder read in place (``--direct --memory-limit``) goes through the
engine path (:func:`workbench.kpi.sales_facts`); the default path loads the same folder
into pandas. No Spark here: a Spark subprocess costs about 30 s of CI, and
``tests/kpi/test_spark.py`` already checks that Spark's facts give pandas' outputs.
"""

from __future__ import annotations

import argparse
import importlib
import warnings

import pandas as pd
import pytest

from tests.kpi.downstream import DIAGNOSIS_PERIOD, TARGET_PERIOD, small_sample, write_parquet
from workbench.cli import main
from workbench.commands.engine import engine_notes

#: The engine path on this machine: DuckDB reading the Parquet files in place, with a memory limit.
IN_ENGINE = ["--direct", "--memory-limit", "512MB"]

#: Each command's arguments, and the file it writes (every table in a workbook, or a CSV).
COMMANDS = {
    "diagnose": (["--period", DIAGNOSIS_PERIOD], "findings.xlsx"),
    "coach": (["--period", DIAGNOSIS_PERIOD], "coaching.xlsx"),
    "targets": (["--period", TARGET_PERIOD, "--by", "team"], "targets.csv"),
}


@pytest.fixture(scope="module")
def lake(tmp_path_factory):
    """The small sample as Parquet files (and stages.csv) side by side, as a lake holds them."""
    folder = tmp_path_factory.mktemp("lake")
    write_parquet(small_sample(), folder)
    return folder


def _run(capsys, argv) -> tuple[int, str, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _written(path) -> dict:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, sheet_name=None, engine="openpyxl")
    return {"table": pd.read_csv(path, encoding="utf-8-sig")}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_the_engine_path_prints_and_writes_what_the_default_load_does(command, lake, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("WORKBENCH_PROGRESS", "1")  # the stages on stderr
    arguments, name = COMMANDS[command]
    outputs, stages = {}, {}
    for path, extra in (("loaded", ["--no-cache"]), ("engine", IN_ENGINE)):
        out = tmp_path / path / name
        out.parent.mkdir()
        code, printed, stages[path] = _run(capsys, [command, str(lake), *arguments, *extra, "-o", str(out)])
        assert code == 0, stages[path]
        outputs[path] = printed.replace(str(out), name), _written(out)
    (printed, tables), (printed_in_engine, tables_in_engine) = outputs["loaded"], outputs["engine"]
    assert printed_in_engine == printed
    assert list(tables_in_engine) == list(tables)
    for sheet, frame in tables.items():
        pd.testing.assert_frame_equal(tables_in_engine[sheet], frame, check_dtype=False, rtol=1e-9, obj=sheet)
    assert sum(len(frame) for frame in tables.values()) >= 2  # something to compare (targets: one row per team)
    if command == "diagnose":
        assert len(tables["findings"]) > 0
    assert "aggregating in duckdb" in stages["engine"] and "aggregating" not in stages["loaded"]
    assert f"writing {name}" in stages["engine"]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("lang, message", [("en", "--engine-option takes KEY=VALUE"),
                                           ("zh", "--engine-option 的格式为 KEY=VALUE")])
def test_a_bad_engine_option_fails_before_loading(command, lang, message, lake, capsys, monkeypatch):
    loader = importlib.import_module("workbench.io.load")
    monkeypatch.setattr(loader, "load", lambda *a, **k: pytest.fail("loaded before checking"))
    code, out, err = _run(capsys, [command, str(lake), *COMMANDS[command][0], "--engine-option", "master",
                                   "--lang", lang])
    assert code == 2 and message in err and not out


@pytest.mark.parametrize("command", list(COMMANDS))
def test_an_unknown_engine_is_named(command, lake, capsys):
    code, _, err = _run(capsys, [command, str(lake), *COMMANDS[command][0], "--engine", "no_such_engine"])
    assert code == 2 and "Unknown engine 'no_such_engine'" in err  # a usage error, as for every command


@pytest.mark.parametrize("lang, message", [("en", "the spark engine cannot run here: "),
                                           ("zh", "spark 引擎无法在此运行：")])
def test_a_missing_engine_package_is_named(lang, message, lake, capsys, monkeypatch):
    import workbench.kpi.backends as backends

    def unavailable(engine, **options):
        raise backends.EngineUnavailableError("The Spark engine needs pyspark: install them with pip install")

    monkeypatch.setattr(backends, "open_backend", unavailable)
    code, _, err = _run(capsys, ["coach", str(lake), "--period", DIAGNOSIS_PERIOD, "--engine", "spark",
                                 "--lang", lang])
    assert code == 1 and message in err and "needs pyspark" in err


@pytest.mark.parametrize("lang, message", [("en", "--plan needs the raw deal and activity rows"),
                                           ("zh", "--plan 需要原始的商机和活动行")])
def test_the_activity_plan_needs_raw_rows_and_says_so(lang, message, lake, capsys):
    code, _, err = _run(capsys, ["targets", str(lake), "--period", TARGET_PERIOD, "--plan", *IN_ENGINE,
                                 "--lang", lang])
    assert code == 2 and message in err and "duckdb" in err


def test_without_source_the_default_engine_asks_for_one(capsys):
    code, _, err = _run(capsys, ["diagnose", "--period", DIAGNOSIS_PERIOD])
    assert code == 2 and "SOURCE is required" in err and "`workbench diagnose --help`" in err


def test_help_shows_the_engine_options_and_examples(capsys):
    for command in COMMANDS:
        with pytest.raises(SystemExit):
            main([command, "--help"])
        shown = capsys.readouterr().out
        assert "--engine ENGINE" in shown and "--engine-option KEY=VALUE" in shown and "--memory-limit" in shown
        assert f"workbench {command} big_parquet_folder --direct --memory-limit 2GB" in shown


def test_the_engines_notes_are_shown_without_its_libraries_chatter(capsys):
    args = argparse.Namespace(engine="spark", direct=False, memory_limit=None, temp_directory=None, lang="zh")
    with engine_notes(args):
        warnings.warn("surveys 表缺失：跳过 csat_mean", UserWarning)
        warnings.warn("pandas will change", FutureWarning)
    assert capsys.readouterr().err == "提示：surveys 表缺失：跳过 csat_mean\n"
    with pytest.warns(UserWarning, match="left alone"), engine_notes(argparse.Namespace(
            engine="duckdb", direct=False, memory_limit=None, temp_directory=None, lang="en")):
        warnings.warn("left alone", UserWarning)  # SOURCE loaded into memory: the command's own handling
