"""One truth per number: every layer agrees with the KPI table, whatever the way in.

Cross-layer tests: a dict, a SalesData and a folder give identical KPIs; the diagnosis'
period figures, window totals and evidence counts are the KPI table's and the data's; the
forecast history is the KPI bookings series. Plus the structural rule behind them: one
adapter, one stage resolver, one targets module.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench
from workbench.diagnose import diagnose
from workbench.diagnose.facts import prepare
from workbench.forecast.series import sales_series
from workbench.kpi import compute_kpis, kpi_tables_from_parquet
from workbench.sample import generate_sample, write_sample

PACKAGE = Path(workbench.__file__).parent


@pytest.fixture(scope="module")
def tables():
    return generate_sample(n_reps=20, months=24, seed=3)


@pytest.fixture(scope="module")
def data(tables):
    return workbench.load(tables)


@pytest.fixture(scope="module")
def result(data):
    return diagnose(data, period="2026-Q3")


# --- one data path -----------------------------------------------------------------------


def test_the_sample_generators_dict_goes_straight_into_compute_kpis():
    # was: "The truth value of a DataFrame is ambiguous" (its `stages` entry is a DataFrame)
    kpis = compute_kpis(generate_sample(n_reps=10, months=12, seed=1), by="rep", freq="M")
    assert {"bookings", "stage_conversion"} <= set(kpis["metric"])


def test_dict_salesdata_and_folder_give_identical_kpi_tables(tmp_path):
    write_sample(tmp_path, n_reps=12, months=12, seed=5)
    tables = generate_sample(n_reps=12, months=12, seed=5)
    by = ["rep", "team", "region", "company"]
    from_dict = compute_kpis(tables, by=by, freq="M")
    from_data = compute_kpis(workbench.load(tables), by=by, freq="M")
    from_folder = compute_kpis(tmp_path, by=by, freq="M")
    pd.testing.assert_frame_equal(from_dict, from_data)
    pd.testing.assert_frame_equal(from_dict, from_folder, check_exact=False, rtol=1e-12)


def _chinese_stages(tables):
    names = {"Prospecting": "商机", "Qualification": "方案", "Proposal": "报价", "Negotiation": "谈判",
             "Closed Won": "签约", "Closed Lost": "输单"}
    history = tables["stage_history"].assign(stage=tables["stage_history"]["stage"].map(names))
    return {"reps": tables["reps"], "opportunities": tables["opportunities"], "stage_history": history}


def test_stage_pairs_are_the_same_through_every_way_in(tables, tmp_path):
    # was: dict → 商机→方案, 方案→签约, 签约→won; load(dict) → 商机→方案, 方案→won
    raw = _chinese_stages(tables)
    expected = ["商机→方案", "方案→报价", "报价→谈判", "谈判→won"]

    def pairs(source):
        kpis = compute_kpis(source, by="company", metrics=["stage_conversion"])
        return list(dict.fromkeys(kpis["detail"]))

    for name, frame in raw.items():
        frame.to_parquet(tmp_path / f"{name}.parquet", index=False)
    assert pairs(raw) == pairs(workbench.load(raw)) == pairs(kpi_tables_from_parquet(tmp_path)) == expected
    assert workbench.load(raw).stages == ("商机", "方案", "报价", "谈判")


def test_a_configured_closed_stage_is_not_an_open_stage(tables):
    data = workbench.load(tables, stages=["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won"])
    assert data.stages == ("Prospecting", "Qualification", "Proposal", "Negotiation")


# --- one definition per quantity ----------------------------------------------------------


def test_diagnosis_period_figures_are_the_kpi_tables(data, result):
    kpis = compute_kpis(data, by=["rep", "team", "region", "company"], freq="Q", start="2026-Q3", end="2026-Q3",
                        metrics=["bookings", "bookings_target", "quota_attainment"])
    wide = kpis.pivot(index=["entity_type", "entity_id"], columns="metric", values="value")
    figures = result.period_figures.set_index(["entity_type", "entity_id"])
    assert len(figures) == len(wide) > 20
    for metric in ("bookings", "bookings_target", "quota_attainment"):
        np.testing.assert_allclose(figures[metric].to_numpy(float), wide.loc[figures.index, metric].to_numpy(float))


def test_a_month_and_its_quarter_give_different_headlines(data):
    # was: `diagnose --period 2026-09` printed the same team attainments as `--period 2026-Q3`
    month = diagnose(data, period="2026-09").team_summary.set_index("team")
    quarter = diagnose(data, period="2026-Q3").team_summary.set_index("team")
    assert not np.allclose(month["bookings"], quarter.loc[month.index, "bookings"])
    assert (month["bookings"] <= quarter.loc[month.index, "bookings"] + 1e-6).all()


def test_diagnosis_window_totals_are_sums_of_the_monthly_kpis(data, result):
    w = result.window
    monthly = compute_kpis(data, by="rep", freq="M", start=w.start, end=w.end - pd.Timedelta(days=1),
                           metrics=["bookings", "bookings_target", "deals_won"])
    sums = monthly.groupby(["entity_id", "metric"])["value"].sum(min_count=1).unstack()
    known = monthly[monthly.metric == "bookings_target"].groupby("entity_id")["value"].apply(lambda v: v.notna().all())
    dec = result.decomposition[result.decomposition["entity_type"] == "rep"].drop_duplicates("entity_id")
    dec = dec.set_index("entity_id")
    np.testing.assert_allclose(dec["actual_bookings"], sums.loc[dec.index, "bookings"])
    targets = dec["target"][known.loc[dec.index]]
    assert len(targets) > 10
    np.testing.assert_allclose(targets, sums.loc[targets.index, "bookings_target"])
    # the decomposition's avg_deal_size is the KPI's: bookings / deals won, over the window
    size = result.decomposition.query("entity_type == 'rep' and component == 'avg_deal_size'").set_index("entity_id")
    won = sums.loc[size.index, "deals_won"] > 0
    np.testing.assert_allclose(size["actual"][won], (sums["bookings"] / sums["deals_won"]).loc[size.index][won])


def test_follow_up_hours_are_the_kpis(data):
    prep = prepare(data, "2026-Q3", 3)
    kpis = compute_kpis(data, by="rep", freq="M", start="2026-07", end="2026-09", metrics=["follow_up_hours_median"])
    created = prep.created.assign(month=prep.created["created_at"].dt.to_period("M").dt.start_time)
    # ramping reps' deals are left out of the diagnosis; compare reps past ramp-up
    mine = created.groupby(["rep_id", "month"])["follow_up_hours"].median()
    kpi = kpis.set_index(["entity_id", "period"])["value"]
    ramping = set(data.opportunities["rep_id"]) - set(prep.created["rep_id"])
    common = [k for k in mine.index if k[0] not in ramping and not pd.isna(mine[k])]
    full = data.opportunities.assign(month=data.opportunities["created_at"].dt.to_period("M").dt.start_time)
    created_all = full.groupby(["rep_id", "month"]).size()
    common = [k for k in common if created.groupby(["rep_id", "month"]).size()[k] == created_all[k]]
    assert len(common) > 20
    np.testing.assert_allclose(mine[common].to_numpy(), kpi.reindex(common).to_numpy())


def test_the_forecast_history_is_the_kpi_bookings_series(data):
    history = sales_series(data, by="team", freq="M", trim_leading_zeros=False, drop_partial=False)
    kpis = compute_kpis(data, by="team", freq="M", metrics=["bookings"])
    expected = pd.Series(kpis["value"].to_numpy(), index=("team:" + kpis["entity_id"]) + "|" + kpis["period"].astype(str))
    got = pd.Series(history["y"].to_numpy(), index=history["unique_id"] + "|" + history["ds"].astype(str))
    pd.testing.assert_series_equal(got.sort_index(), expected.sort_index(), check_names=False)


def _numbers(text: str) -> list[int]:
    return [int(n.replace(",", "")) for n in re.findall(r"(?<![\d.,])(\d[\d,]*)(?![\d.,]*%)(?=\s*(?:decided|new|months|surveys|orders))", text)]


def test_evidence_counts_are_the_counts_in_the_data(data, result):
    # was: "Rep R077 needs 84 days to win a deal … (228 won deals)" where 228 were deals decided
    findings = result.findings
    assert len(findings) > 3
    for row in findings.itertuples():
        if row.driver == "low_pipeline_coverage":
            continue
        assert int(row.n) in _numbers(row.evidence), row.evidence
        assert f"{int(row.n)}" in row.evidence_zh
    prep = prepare(data, "2026-Q3", ramp_months=6)
    closed = prep.closed
    for row in findings[findings["entity_type"] == "rep"].itertuples():
        mine = closed[closed["rep_id"] == row.entity_id]
        if row.driver == "small_deals":
            assert row.n == (mine["amount"] > 0).sum()
        if row.driver == "long_cycle":
            assert row.n == prep.stage_days.loc[prep.stage_days["rep_id"] == row.entity_id, "opportunity_id"].nunique()
            assert row.n == mine["opportunity_id"].isin(prep.stage_days["opportunity_id"]).sum()
        if row.driver == "slow_follow_up":
            created = prep.created[prep.created["rep_id"] == row.entity_id]
            assert row.n == created["follow_up_hours"].notna().sum()


def test_untested_drivers_are_listed_with_their_reason(tables):
    lean = {"reps": tables["reps"], "opportunities": tables["opportunities"]}
    result = diagnose(lean, period="2026-Q3")
    reasons = result.not_tested.drop_duplicates("driver").set_index("driver")["reason"]
    assert set(reasons.index) >= {"low_activity", "low_csat", "order_cancellations", "stalled_stage",
                                  "low_stage_conversion"}
    assert "stage_history" in reasons["low_stage_conversion"]
    assert not result.decomposition["component"].isin(["stage_pass_rate"]).any()


# --- one place for each rule -------------------------------------------------------------


def _grep(pattern: str) -> list[str]:
    found = []
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(pattern, text, flags=re.M):
            found.append(path.relative_to(PACKAGE).as_posix())
    return sorted(found)


def test_one_adapter_one_stage_resolver_one_targets_rollup():
    assert _grep(r"^def as_sales_data\(") == ["io/load.py"]
    assert _grep(r"^def (infer_stages|resolve_stages|stage_outcome)\(") == ["io/stages.py"]
    # closed-stage words (won / 赢单 …) are spelled in one place
    assert _grep(r"赢单\|") == ["io/stages.py"]
    assert _grep(r"^def (period_targets|window_targets|target_spans)\(") == ["kpi/targets.py"]
    # nobody else reads the targets table's target column to roll it up
    assert _grep(r"\[\"target\"\]\.sum\(|groupby\([^)]*\)\[\"target\"\]") == []
    assert _grep(r"def (get_table|get_tables)\(") == []
