"""The KPI expressions on PySpark (local mode) give the same KPI table as on DuckDB.

One SparkSession serves the whole module (``local[2]``, two shuffle partitions, no UI).
The suite needs the ``spark`` extra and Java; ``make test`` installs the extra and
``.ci/run`` installs Java, so in CI (``CI=true``) a missing piece fails the test instead
of skipping it.
"""

from __future__ import annotations

import os
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench.errors import DataError
from workbench.kpi import KPIS, compute_kpis, kpi_tables_from_parquet
from workbench.kpi.backends import EngineUnavailableError, engine_name, open_backend
from workbench.sample import generate_sample

from .downstream import write_parquet

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning")

LEVELS = ["rep", "team", "region", "company"]
KEYS = ["entity_type", "entity_id", "period", "metric", "detail"]


def _spark_missing() -> str:
    try:
        import ibis.backends.pyspark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as err:
        return f"pyspark is not installed ({err}); make test installs the spark extra"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed (.ci/run installs default-jre-headless)"
    return ""


@pytest.fixture(scope="module")
def spark():
    """One local SparkSession for every test here, stopped at the end."""
    missing = _spark_missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    from workbench.kpi.backends import spark_session

    # tiny data: compiling generated code and planning adaptive shuffles cost more than they save
    session = spark_session(master="local[2]", shuffle_partitions=1, config={
        "spark.driver.memory": "1g", "spark.sql.adaptive.enabled": "false", "spark.sql.codegen.wholeStage": "false",
        "spark.default.parallelism": "2", "spark.sql.autoBroadcastJoinThreshold": "-1"})
    yield session
    session.stop()


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory):
    """A small simulated sales team (24 reps: 2 teams, 2 regions; 6 months) as Parquet."""
    sample = generate_sample(n_reps=24, months=6, seed=3)
    folder = tmp_path_factory.mktemp("spark_sample")
    write_parquet(sample, folder)
    return folder


@pytest.fixture(scope="module")
def both(spark, sample_folder):
    """The KPI table of every KPI and level, monthly, on DuckDB and on Spark over the same files."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        duck = compute_kpis(workbench.connect(sample_folder), by=LEVELS)
        on_spark = compute_kpis(workbench.connect(sample_folder, engine=spark), by=LEVELS)
    return duck, on_spark


def assert_same_kpis(duck: pd.DataFrame, other: pd.DataFrame) -> None:
    """Same rows in the same order; counts equal exactly; other values equal to 1e-12 relative."""
    assert list(other.columns) == list(duck.columns)
    assert len(other) == len(duck)
    for key in KEYS:
        assert other[key].tolist() == duck[key].tolist(), key
    a, b = duck["value"].to_numpy(float), other["value"].to_numpy(float)
    assert (np.isnan(a) == np.isnan(b)).all(), duck[np.isnan(a) != np.isnan(b)]
    counts = duck["metric"].map(lambda m: KPIS[m].unit == "count").to_numpy()
    assert (a[counts & ~np.isnan(a)] == b[counts & ~np.isnan(a)]).all()
    close = np.isclose(a, b, rtol=1e-12, atol=0.0, equal_nan=True)
    assert close.all(), duck[~close].assign(spark=b[~close]).head()


def test_every_kpi_and_level_is_identical_on_spark_and_duckdb(both):
    duck, on_spark = both
    assert set(duck["entity_type"]) == set(LEVELS)
    assert {m for m in duck["metric"]} == set(KPIS)  # every KPI of the registry is compared
    assert duck["value"].notna().sum() > 0.5 * len(duck)  # a real comparison, not NaN against NaN
    assert_same_kpis(duck, on_spark)


def test_the_spark_run_reads_parquet_in_place(spark, sample_folder):
    tables = workbench.connect(sample_folder, engine=spark)
    assert engine_name(tables.backend) == "pyspark"
    assert tables.stages == ("Prospecting", "Qualification", "Proposal", "Negotiation")
    # the raw tables are Spark tables scanning the files, not pandas frames pulled in
    sql = tables.backend.compile(tables["activities"].count())
    assert "wb_activities" in sql


def test_weeks_and_sub_second_durations_agree(spark, tmp_path):
    """Week numbers and durations to the microsecond go through one definition on both engines."""
    reps = pd.DataFrame({"rep_id": ["r1", "r2"], "name": ["A", "B"], "team": ["T", "T"], "region": ["N", "N"]})
    created = pd.to_datetime(["2026-01-05 09:00:00.250", "2026-01-06 23:59:59.900", "2026-01-11 10:00:00.000"])
    opps = pd.DataFrame({
        "opportunity_id": ["o1", "o2", "o3"], "rep_id": ["r1", "r2", "r1"], "stage": ["Won", "Won", "Lost"],
        "created_at": created, "amount": [100.5, 200.25, 50.0], "outcome": ["won", "won", "lost"],
        "first_touch_at": created + pd.to_timedelta([1.5, 30.3, 0], unit="h"),
        "closed_at": created + pd.to_timedelta([10.75, 3.2, 1], unit="D"),
    })
    activities = pd.DataFrame({"activity_id": ["a1", "a2"], "rep_id": ["r1", "r2"], "opportunity_id": ["o1", None],
                               "type": ["call", "email"], "at": pd.to_datetime(["2026-01-05 10:00:00.999",
                                                                                "2026-01-12 00:00:00.001"])})
    write_parquet({"reps": reps, "opportunities": opps, "activities": activities}, tmp_path)
    metrics = ["bookings", "cycle_days_median", "follow_up_hours_median", "activities_per_workday"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        duck = compute_kpis(workbench.connect(tmp_path), by=["rep", "company"], freq="W", metrics=metrics)
        on_spark = compute_kpis(workbench.connect(tmp_path, engine=spark), by=["rep", "company"], freq="W",
                                metrics=metrics)
    assert_same_kpis(duck, on_spark)
    cycle = duck[(duck.entity_id == "r1") & (duck.metric == "cycle_days_median")].value.dropna()
    assert cycle.tolist() == [10.75]  # created 09:00:00.250, closed 10.75 days later to the microsecond
    hours = duck[(duck.entity_id == "r2") & (duck.metric == "follow_up_hours_median")].value.dropna()
    assert hours.round(9).tolist() == [30.3]


def test_downstream_gives_the_same_results_from_the_spark_tables(spark, sample_folder, both):
    """Forecasting, targets, diagnosis and coaching inputs from the Spark run equal DuckDB's."""
    from workbench.diagnose.engine import period_figures
    from workbench.forecast import Forecaster
    from workbench.kpi import to_series
    from workbench.kpi.deals import deal_follow_up_hours

    duck, on_spark = both
    # forecast: the bookings series and the forecasts fitted on them
    series_d, series_s = to_series(duck, "bookings"), to_series(on_spark, "bookings")
    pd.testing.assert_frame_equal(series_s, series_d, rtol=1e-12)
    fc_d = Forecaster(models=["naive", "seasonal_naive"]).fit(series_d).predict(h=2)
    fc_s = Forecaster(models=["naive", "seasonal_naive"]).fit(series_s).predict(h=2)
    pd.testing.assert_frame_equal(fc_s, fc_d, rtol=1e-12)
    # diagnosis and targets: the period's bookings vs target per level, and each deal's follow-up hours
    duck_tables, spark_tables = workbench.connect(sample_folder), workbench.connect(sample_folder, engine=spark)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig_d, fig_s = period_figures(duck_tables, "2026-09"), period_figures(spark_tables, "2026-09")
        hours_d, hours_s = deal_follow_up_hours(duck_tables), deal_follow_up_hours(spark_tables)
    assert len(fig_d) > 1 and fig_d["bookings_target"].notna().any()
    pd.testing.assert_frame_equal(fig_s, fig_d, rtol=1e-12)
    assert hours_d["follow_up_hours"].notna().sum() > 100
    pd.testing.assert_frame_equal(hours_s, hours_d, rtol=1e-12)


def test_missing_spark_extra_says_how_to_install(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    with pytest.raises(EngineUnavailableError, match=r"pip install '\.\[spark\]'"):
        open_backend("spark")


def test_missing_java_is_named(monkeypatch, spark):
    from pyspark.sql import SparkSession

    monkeypatch.setattr(SparkSession, "getActiveSession", classmethod(lambda cls: None))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(EngineUnavailableError, match="default-jre-headless"):
        open_backend("spark", master="local[1]")


def test_a_folder_without_reps_is_a_data_error_on_spark(spark, sample_folder, tmp_path):
    (tmp_path / "opportunities.parquet").symlink_to(sample_folder / "opportunities.parquet")
    with pytest.raises(DataError, match=r"no reps\.parquet"):
        kpi_tables_from_parquet(tmp_path, backend=open_backend(spark))


def test_cli_engine_spark_writes_the_same_table(spark, sample_folder, both, tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "kpis.parquet"
    metrics = ["bookings", "win_rate", "activities_per_workday"]
    assert main(["kpi", str(sample_folder), "--engine", "spark", "--by", "team", "--metrics", ",".join(metrics),
                 "-o", str(out)]) == 0
    written = pd.read_parquet(out)
    duck = both[0]
    expected = duck[(duck["entity_type"] == "team") & duck["metric"].isin(metrics)].reset_index(drop=True)
    assert_same_kpis(expected, written)
    assert "note:" not in capsys.readouterr().err  # pyspark's own deprecation chatter is not shown


def test_duckdb_with_a_memory_limit_gives_the_same_table(sample_folder, both, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = workbench.connect(sample_folder, memory_limit="200MB", temp_directory=str(tmp_path / "spill"),
                                   threads=1)
        limited = compute_kpis(tables, by=LEVELS)
    setting = tables.backend.raw_sql("SELECT current_setting('memory_limit')").fetchone()[0]
    assert setting.endswith("MiB") and float(setting.split()[0]) < 200
    assert_same_kpis(both[0], limited)


@pytest.mark.parametrize("argv, message", [
    (["--engine", "spark", "--memory-limit", "1G"], "DuckDB settings"),
    (["--engine-option", "master"], "KEY=VALUE"),
    (["--engine", "no_such_engine"], "Unknown engine"),
])
def test_cli_engine_errors_are_named(sample_folder, argv, message, capsys):
    from workbench.cli import main

    assert main(["kpi", str(sample_folder), *argv]) == 2
    assert message in capsys.readouterr().err


def test_diagnose_coach_targets_and_forecast_run_on_the_facts_spark_brings_back(spark, downstream_sample,
                                                                               downstream_in_pandas, tmp_path_factory):
    """The aggregated tables from Spark give the outputs of SalesData in pandas; raw activities stay in Spark."""
    from workbench.kpi import sales_facts

    from .downstream import (
        DIAGNOSIS_PERIOD,
        TARGET_PERIOD,
        assert_meaningful,
        assert_same_outputs,
        downstream_outputs,
    )

    sample, expected = downstream_sample, downstream_in_pandas
    folder = tmp_path_factory.mktemp("spark_downstream")
    write_parquet(sample, folder)
    facts = sales_facts(workbench.connect(folder, engine=spark))
    assert engine_name(facts.engine.backend) == "pyspark" and "activities" not in facts.tables
    assert_meaningful(expected)
    assert_same_outputs(expected, downstream_outputs(facts, period=DIAGNOSIS_PERIOD, target_period=TARGET_PERIOD))
