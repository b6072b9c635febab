"""The aggregated tables an engine brings back (SalesFacts) give the same downstream outputs as SalesData."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench.errors import DataError
from workbench.kpi import SalesFacts, compute_kpis, kpi_tables, sales_facts
from workbench.kpi.facts import activity_months

from .downstream import DIAGNOSIS_PERIOD as PERIOD
from .downstream import TARGET_PERIOD, assert_meaningful, assert_same_outputs, downstream_outputs, write_parquet


@pytest.fixture(scope="module")
def sample(downstream_sample):
    return downstream_sample


@pytest.fixture(scope="module")
def folder(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("facts_sample")
    write_parquet(sample, path)
    return path


@pytest.fixture(scope="module")
def in_pandas(downstream_in_pandas):
    """The outputs from SalesData loaded in pandas: what every engine must reproduce."""
    return downstream_in_pandas


def test_the_facts_of_parquet_read_in_place_give_the_same_outputs_as_pandas(folder, in_pandas):
    facts = sales_facts(workbench.connect(folder))
    assert isinstance(facts, SalesFacts)
    assert_meaningful(in_pandas)
    assert_same_outputs(in_pandas, downstream_outputs(facts, period=PERIOD, target_period=TARGET_PERIOD))


def test_the_tables_of_connect_are_taken_directly(sample, in_pandas):
    tables = workbench.connect(sample, engine="duckdb")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from workbench.diagnose import diagnose

        diagnosis = diagnose(tables, period=PERIOD)
    pd.testing.assert_frame_equal(diagnosis.findings, in_pandas["diagnose.findings"], check_dtype=False, rtol=1e-9)
    pd.testing.assert_frame_equal(diagnosis.tests, in_pandas["diagnose.tests"], check_dtype=False, rtol=1e-9)


def test_tables_of_the_engines_own_database_give_the_same_outputs_as_pandas(folder, in_pandas, tmp_path):
    """A warehouse holding the contract tables (and skills, training) by name: here a DuckDB database file
    with a schema, opened as any ibis backend is, without a SOURCE."""
    import duckdb
    import ibis

    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA crm")
        for table in sorted(folder.glob("*.parquet")):
            con.execute(f"CREATE TABLE crm.{table.stem} AS SELECT * FROM read_parquet('{table}')")
    backend = ibis.duckdb.connect(str(path), read_only=True)
    facts = sales_facts(workbench.connect(None, engine=backend, database="crm"))
    assert {"skills", "training_catalog", "training_log"} <= set(facts.frames)  # found by name, like the rest
    assert_same_outputs(in_pandas, downstream_outputs(facts, period=PERIOD, target_period=TARGET_PERIOD))


def test_what_comes_back_is_small_and_the_activities_stay_in_the_engine(folder, sample):
    facts = sales_facts(workbench.connect(folder))
    assert "activities" not in facts.tables and facts.has("activities")
    months = facts.activity_months
    assert len(months) < len(sample["activities"]) / 10
    assert months["activities"].sum() == len(sample["activities"])
    assert months["prospecting"].sum() == sample["activities"]["opportunity_id"].isna().sum()
    with pytest.raises(DataError, match=r"activities stay in the engine \(duckdb\).*workbench\.load"):
        facts.activities
    # the small coaching tables next to the Parquet files come back whole
    assert len(facts.skills) == len(sample["skills"]) and len(facts.training_log) == len(sample["training_log"])


def test_activity_months_are_one_count_for_pandas_data_and_for_an_engine(folder, sample):
    """The diagnosis reads the same counts from SalesData (its DuckDB tables) as from the Parquet files."""
    from_pandas = activity_months(workbench.load(sample))
    from_engine = activity_months(workbench.connect(folder))
    pd.testing.assert_frame_equal(from_pandas, from_engine)
    acts = sample["activities"]
    jan = acts[(acts["rep_id"] == from_pandas["rep_id"].iloc[0])
               & (acts["at"].dt.to_period("M") == from_pandas["month"].iloc[0].to_period("M"))]
    assert from_pandas[["activities", "prospecting"]].iloc[0].tolist() == [len(jan), jan["opportunity_id"].isna().sum()]


def test_kpis_and_deal_hours_of_the_facts_are_the_engines(folder):
    tables = workbench.connect(folder)
    facts = sales_facts(tables)
    assert kpi_tables(facts) is tables and sales_facts(facts) is facts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pd.testing.assert_frame_equal(compute_kpis(facts, by="team"), compute_kpis(tables, by="team"))
    from workbench.kpi.deals import deal_follow_up_hours

    hours = deal_follow_up_hours(facts)
    pd.testing.assert_frame_equal(hours, deal_follow_up_hours(tables))
    assert hours["follow_up_hours"].notna().sum() > 100 and np.all(hours["follow_up_hours"].dropna() >= 0)


def test_coaching_without_skills_from_an_engine_names_the_table(folder, tmp_path):
    """A lake without the skills table: coaching says which table it needs, the other analyses still run."""
    for name in ("reps", "opportunities", "stage_history", "activities", "targets", "stages"):
        suffix = ".csv" if name == "stages" else ".parquet"
        (tmp_path / f"{name}{suffix}").symlink_to(folder / f"{name}{suffix}")
    facts = sales_facts(workbench.connect(tmp_path))
    assert not facts.has("skills") and facts.skills is None
    from workbench.coaching import pair_mentors

    with pytest.raises(DataError, match="skills"):
        pair_mentors(facts, pd.DataFrame({"rep_id": ["R001"], "skill": ["prospecting"], "priority": [1.0]}),
                     period=PERIOD)


def test_unknown_extra_tables_are_refused(folder):
    with pytest.raises(ValueError, match="extra tables skills, training_catalog"):
        sales_facts(workbench.connect(folder), activities=pd.DataFrame())


def test_a_function_that_needs_raw_rows_says_so(folder):
    from workbench.targets import reverse_funnel

    with pytest.raises(TypeError, match=r"reverse_funnel needs the raw contract tables.*SalesFacts.*workbench\.load"):
        reverse_funnel(sales_facts(workbench.connect(folder)), pd.DataFrame({"entity_id": ["R001"], "target": [1.0]}),
                       "2026-11")
