"""Run forecast, diagnosis, coaching and targets on one input and compare two such runs.

Shared by the DuckDB test (``test_facts.py``) and the Spark test (``test_spark.py``): the
aggregated tables an engine brings back must give the same outputs as SalesData in pandas.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from workbench.sample import generate_sample

#: The period the diagnosis ends with, and the period targets are proposed for (the sample ends 2026-10-30).
DIAGNOSIS_PERIOD, TARGET_PERIOD = "2026-09", "2026-11"

#: Tables written next to each other as Parquet, as a lake would hold them.
PARQUET_TABLES = ("reps", "opportunities", "stage_history", "activities", "orders", "targets", "surveys", "market",
                  "skills", "training_catalog", "training_log")


def small_sample() -> dict:
    """A small simulated sales team: 16 reps, 18 months (enough for rep findings, plans and forecasts)."""
    return generate_sample(n_reps=16, months=18, seed=7)


def write_parquet(tables: dict, folder) -> None:
    """Each contract table as ``<table>.parquet`` (microsecond timestamps: Spark cannot read pandas'
    nanoseconds) and the stages, when given, as ``stages.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in PARQUET_TABLES:
        if name in tables:
            pq.write_table(pa.Table.from_pandas(tables[name], preserve_index=False), folder / f"{name}.parquet",
                           coerce_timestamps="us", allow_truncated_timestamps=True)
    if "stages" in tables:
        tables["stages"].to_csv(folder / "stages.csv", index=False)


def downstream_outputs(data, *, period: str, target_period: str) -> dict:
    """Every output frame of diagnose, coach, propose_targets and forecast_entities on ``data``."""
    from workbench.coaching import coach
    from workbench.diagnose import diagnose
    from workbench.forecast import forecast_entities
    from workbench.targets import propose_targets

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        diagnosis = diagnose(data, period=period)
        coaching = coach(data, period, diagnosis=diagnosis)  # its own diagnosis is the one above
        proposals = propose_targets(data, target_period, by="team", calibration_windows=2,
                                    models=["naive", "seasonal_naive"])
        forecast = forecast_entities(data, by="team", h=2, models=["naive", "seasonal_naive"], n_windows=2)
    effect = diagnosis.follow_up_effect
    return {
        **{f"diagnose.{name}": getattr(diagnosis, name) for name in (
            "findings", "team_summary", "decomposition", "opportunities", "competition", "tests", "period_figures",
            "not_tested", "stuck_deals")},
        "diagnose.follow_up_effect": pd.DataFrame({"coef": [effect.coef], "p_value": [effect.p_value],
                                                   "n_deals": [effect.n_deals]}),
        "coach.plans": coaching.plans.skills,
        "coach.modules": coaching.plans.modules,
        "coach.effectiveness": coaching.effectiveness.modules,
        "coach.mentors": coaching.mentors.pairs,
        "coach.sessions": coaching.sessions,
        "coach.awards": coaching.awards,
        "coach.scores": coaching.scores,
        "propose_targets": proposals,
        "forecast_entities": forecast.forecast,
        "forecast_entities.scores": forecast.scores,
    }


def assert_same_outputs(expected: dict, actual: dict) -> None:
    """Same frames: same columns, rows and values (floats to 1e-9 relative; text types may differ)."""
    assert list(actual) == list(expected)
    for name, frame in expected.items():
        got = actual[name]
        assert list(got.columns) == list(frame.columns), name
        assert len(got) == len(frame), name
        pd.testing.assert_frame_equal(got.reset_index(drop=True), frame.reset_index(drop=True), check_dtype=False,
                                      rtol=1e-9, obj=name)


def assert_meaningful(outputs: dict) -> None:
    """The comparison is not of empty tables: the small sample yields findings, tests, targets and forecasts."""
    for name in ("diagnose.tests", "diagnose.findings", "diagnose.stuck_deals", "diagnose.decomposition",
                 "coach.plans", "coach.awards", "propose_targets", "forecast_entities"):
        assert len(outputs[name]) > 0, name
    assert np.isfinite(outputs["diagnose.follow_up_effect"]["coef"]).all()
    tested = set(outputs["diagnose.tests"]["driver"])
    # drivers that read the engine's facts: activity months, follow-up hours, stage passages, surveys, orders
    assert {"low_activity", "slow_follow_up", "stalled_stage", "low_csat", "order_cancellations"} <= tested
