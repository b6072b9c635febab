"""Selecting a team's or rep's part of a computed diagnosis, and its headline figures."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.diagnose import diagnose, diagnosis_periods, select
from workbench.diagnose.selection import driver_totals, headline
from workbench.kpi import compute_kpis
from workbench.sample import generate_sample


@pytest.fixture(scope="module")
def tables():
    return generate_sample(n_reps=20, months=24, seed=3)


@pytest.fixture(scope="module")
def result(tables):
    return diagnose(tables, period="2026-Q3")


def test_periods_are_complete_quarters_then_months(tables):
    periods = diagnosis_periods(tables, quarters=3, months=4)
    assert periods == ["2026-Q3", "2026-Q2", "2026-Q1", "2026-09", "2026-08", "2026-07", "2026-06"]


def test_team_selection_keeps_the_team_and_its_reps(tables, result):
    reps = tables["reps"]
    before = result.findings.copy()
    for team in reps["team"].unique():
        members = set(reps.loc[reps["team"] == team, "rep_id"])
        part = select(result, reps, team=team)
        f = result.findings
        expected = f[((f["entity_type"] == "rep") & f["entity_id"].isin(members))
                     | ((f["entity_type"] == "team") & (f["entity_id"] == team))]
        pd.testing.assert_frame_equal(part.findings, expected.reset_index(drop=True))
        assert set(part.decomposition["entity_id"]) == members | {team}
        assert part.team_summary["team"].tolist() == [team]
        comp = part.competition
        assert set(comp.loc[comp["dimension"] == "rep", "key"]) <= members
        assert (comp["dimension"] != "rep").sum() == (result.competition["dimension"] != "rep").sum()
    pd.testing.assert_frame_equal(result.findings, before)  # the input is not changed
    assert select(result, reps) is result


def test_rep_selection_and_errors(tables, result):
    rep = result.findings.loc[result.findings["entity_type"] == "rep", "entity_id"].iloc[0]
    part = select(result, tables["reps"], rep=rep)
    pd.testing.assert_frame_equal(part.findings, result.for_entity(rep))
    assert set(part.decomposition["entity_id"]) == {rep}
    with pytest.raises(ValueError, match="Rep 'R999'"):
        select(result, tables["reps"], rep="R999")
    with pytest.raises(ValueError, match="Team 'Nowhere'"):
        select(result, tables["reps"], team="Nowhere")


def test_headline_shows_the_labelled_period_as_the_kpi_table_does(tables, result):
    reps = tables["reps"]
    kpis = compute_kpis(tables, by=["rep", "team", "company"], freq="Q", start="2026-Q3", end="2026-Q3",
                        metrics=["bookings", "bookings_target", "quota_attainment"])

    def kpi(level, entity, metric):
        row = kpis[(kpis.entity_type == level) & (kpis.entity_id == entity) & (kpis.metric == metric)]
        return float(row["value"].iloc[0])

    team = result.team_summary["team"].iloc[0]
    row = result.team_summary.iloc[0]
    h = headline(select(result, reps, team=team), team=team)
    assert (h["entity_type"], h["period"]) == ("team", "2026-Q3")
    assert h["bookings"] == pytest.approx(kpi("team", team, "bookings")) == pytest.approx(row["bookings"])
    assert h["target"] == pytest.approx(kpi("team", team, "bookings_target")) == pytest.approx(row["target"])
    assert h["attainment"] == pytest.approx(kpi("team", team, "quota_attainment"))
    assert h["gap"] == pytest.approx(row["gap"])
    assert h["revenue_at_stake"] == pytest.approx(row["revenue_at_stake"])
    assert h["reps_with_findings"] == row["reps_with_findings"]
    rep = result.findings.loc[result.findings["entity_type"] == "rep", "entity_id"].iloc[0]
    h = headline(select(result, reps, rep=rep), rep=rep)
    assert h["bookings"] == pytest.approx(kpi("rep", rep, "bookings"))
    assert h["gap"] == pytest.approx(kpi("rep", rep, "bookings") - kpi("rep", rep, "bookings_target"))
    company = headline(result)
    assert company["bookings"] == pytest.approx(kpi("company", "company", "bookings"))
    assert company["attainment"] == pytest.approx(kpi("company", "company", "quota_attainment"))
    assert company["revenue_at_stake"] == pytest.approx(result.team_summary["revenue_at_stake"].sum())
    totals = driver_totals(result.findings)
    assert totals["revenue_impact"].sum() == pytest.approx(company["revenue_at_stake"])
    assert totals["revenue_impact"].is_monotonic_decreasing


def test_team_summary_window_figures_are_the_decomposition(result):
    dec = result.decomposition[result.decomposition["entity_type"] == "team"].drop_duplicates("entity_id")
    dec = dec.set_index("entity_id")
    for row in result.team_summary.itertuples():
        assert row.window_bookings == pytest.approx(dec.loc[row.team, "actual_bookings"])
        assert row.window_gap == pytest.approx(dec.loc[row.team, "gap"])


def test_driver_recovery_counts_rep_pairs_only():
    import pandas as pd

    from workbench.diagnose import driver_recovery

    findings = pd.DataFrame({
        "entity_type": ["rep", "rep", "rep", "team"],
        "entity_id": ["R1", "R1", "R2", "T1"],
        "driver": ["low_csat", "long_cycle", "small_deals", "low_activity"],
    })
    planted = pd.DataFrame({"rep_id": ["R1", "R2", "R3"], "driver": ["low_csat", "small_deals", "low_activity"]})
    result = driver_recovery(findings, planted)
    # found {(R1, low_csat), (R1, long_cycle), (R2, small_deals)}; truth has 3 pairs; 2 hits
    assert result.precision == pytest.approx(2 / 3)
    assert result.recall == pytest.approx(2 / 3)
    assert result.missed["rep_id"].tolist() == ["R3"]
    assert result.extra["driver"].tolist() == ["long_cycle"]
    empty = driver_recovery(findings.iloc[0:0], planted)
    assert pd.isna(empty.precision) and empty.recall == 0
