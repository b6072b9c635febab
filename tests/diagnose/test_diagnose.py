"""Tests of workbench.diagnose: decomposition, statistics, rules, recovery of planted drivers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import workbench
from tests.diagnose.handmade import make_sales
from workbench.diagnose import DRIVERS, DiagnosisConfig, diagnose, fit_follow_up_effect, lmdi, stats
from workbench.diagnose.drivers import Context
from workbench.diagnose.facts import entity_frames, prepare

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
PLANTED_KEYS = ["slow_follow_up", "low_activity", "low_stage_conversion", "small_deals", "long_cycle",
                "low_csat", "weak_product", "order_cancellations", "stalled_stage"]
#: one planted rep per driver in the handmade data
HANDMADE = {f"R{3 * i + 2:03d}": k for i, k in enumerate(PLANTED_KEYS)}


@pytest.fixture(scope="module")
def handmade():
    return make_sales(n_reps=40, months=18, seed=0, effects=HANDMADE, deals_per_month=16)


@pytest.fixture(scope="module")
def handmade_result(handmade):
    return diagnose(handmade, period="2026-03", window=18)


def _pairs(result):
    f = result.findings[result.findings["entity_type"] == "rep"]
    return set(zip(f["entity_id"], f["driver"]))


# --- decomposition ---------------------------------------------------------------------


def test_lmdi_hand_computed():
    # V0 = 1 (1×1), V1 = 4 (2×2): L = 3/ln 4, each part = L·ln 2 = 1.5
    np.testing.assert_allclose(lmdi(np.array([[2.0, 2.0]]), np.array([[1.0, 1.0]])), [[1.5, 1.5]])
    # only the first factor moves: it takes the whole difference
    np.testing.assert_allclose(lmdi(np.array([[4.0, 3.0]]), np.array([[2.0, 3.0]])), [[6.0, 0.0]])
    # a zero factor (no wins) takes the whole difference (analytical limit)
    np.testing.assert_allclose(lmdi(np.array([[5.0, 0.0, 2.0]]), np.array([[5.0, 0.5, 2.0]])), [[0.0, -5.0, 0.0]])


def test_lmdi_parts_sum_to_difference():
    rng = np.random.default_rng(1)
    x1, x0 = rng.uniform(0.1, 3, (50, 5)), rng.uniform(0.1, 3, (50, 5))
    parts = lmdi(x1, x0)
    np.testing.assert_allclose(parts.sum(axis=1), x1.prod(axis=1) - x0.prod(axis=1), rtol=1e-10)


def test_decomposition_parts_sum_to_gap(handmade_result):
    dec = handmade_result.decomposition
    assert set(dec["entity_type"]) == {"rep", "team", "region"}
    for (_, _), grp in dec.groupby(["entity_type", "entity_id"]):
        reference = grp["target"].iloc[0] if grp["reference"].iloc[0] == "target" else grp["peer_bookings"].iloc[0]
        assert grp["contribution"].sum() == pytest.approx(grp["actual_bookings"].iloc[0] - reference, rel=1e-9, abs=1e-6)
        assert grp["gap"].iloc[0] == pytest.approx(grp["actual_bookings"].iloc[0] - reference)


def test_decomposition_tiny_hand_case():
    """Two reps, one stage; rep B wins half as often with the same deal size."""
    reps = pd.DataFrame({"rep_id": ["A", "B"], "name": ["A", "B"], "team": "T", "region": "N"})
    rows = []
    for rep, wins in (("A", 4), ("B", 2)):
        for k in range(8):
            won = k < wins
            rows.append((f"{rep}{k}", rep, pd.Timestamp("2026-01-05"), 100.0, "won" if won else "lost",
                         pd.Timestamp("2026-02-01"), "Closed Won" if won else "Closed Lost"))
    opps = pd.DataFrame(rows, columns=["opportunity_id", "rep_id", "created_at", "amount", "outcome", "closed_at",
                                       "stage"])
    targets = pd.DataFrame({"entity_type": "rep", "entity_id": ["A", "B"], "period": "2026-Q1",
                            "metric": "bookings", "target": [400.0, 400.0]})
    result = diagnose({"reps": reps, "opportunities": opps, "targets": targets}, period="2026-Q1", window=3,
                      config=DiagnosisConfig(min_peers=1, min_observations=1, by=("rep",)))
    dec = result.decomposition.set_index(["entity_id", "component"])
    # B: bookings 200 against target 400; its only peer A books 400 (8 deals, 50 %, 100)
    assert dec.loc[("B", "target_vs_peers"), "contribution"] == pytest.approx(0.0)
    assert dec.loc[("B", "opportunities"), "contribution"] == pytest.approx(0.0)
    assert dec.loc[("B", "avg_deal_size"), "contribution"] == pytest.approx(0.0)
    # no stage history: the funnel step is the win rate, not an invented stage
    assert not dec.index.get_level_values("component").isin(["stage_pass_rate", "stage_conversion"]).any()
    assert dec.loc[("B", "win_rate"), "contribution"] == pytest.approx(-200.0)
    assert dec.loc[("B", "win_rate"), "actual"] == pytest.approx(0.25)
    assert dec.loc[("B", "win_rate"), "benchmark"] == pytest.approx(0.5)
    untested = result.not_tested.set_index("driver")["reason"]
    assert "stage_history" in untested["low_stage_conversion"]
    assert "activities" in untested["low_activity"] and "surveys" in untested["low_csat"]


# --- statistics ------------------------------------------------------------------------


def test_benjamini_hochberg_matches_statsmodels():
    from statsmodels.stats.multitest import multipletests

    p = np.random.default_rng(3).uniform(0, 0.2, 40)
    np.testing.assert_allclose(stats.benjamini_hochberg(p), multipletests(p, method="fdr_bh")[1])


def test_fdr_controls_false_discoveries_under_the_null():
    rng = np.random.default_rng(4)
    any_discovery = 0
    for _ in range(200):
        p = rng.uniform(size=300)
        fq, mq = stats.hierarchical_fdr(p, np.repeat(np.arange(100), 3), 0.05)
        any_discovery += bool(((fq <= 0.05) & (mq <= 0.05)).any())
    assert any_discovery / 200 <= 0.08  # FWER = FDR under the complete null: ≈ 0.05


def test_loo_median_matches_brute_force():
    v = np.random.default_rng(5).normal(size=11)
    brute = [np.median(np.delete(v, i)) for i in range(v.size)]
    np.testing.assert_allclose(stats.loo_median(v), brute)
    v = v[:10]
    np.testing.assert_allclose(stats.loo_median(v), [np.median(np.delete(v, i)) for i in range(10)])


def _peer_benchmark_one_by_one(values, eligible, groups, min_peers):
    """The definition of peer_benchmark, entity by entity (for the test of the vectorised one)."""
    bench, n_peers, spread = [], [], []
    ok = eligible & values.notna()
    for entity in values.index:
        found = (np.nan, 0, np.nan)
        for level, keys in enumerate(groups):
            key = keys.astype(object).fillna("∅")
            peers = values[ok & (key == key[entity])]
            others = peers.drop(entity) if ok[entity] else peers
            if len(others) >= (1 if level == len(groups) - 1 else min_peers):
                mad = stats.MAD_TO_SD * np.median(np.abs(peers - np.median(peers)))
                found = (np.median(others), len(others), mad)
                break
        bench.append(found[0])
        n_peers.append(found[1])
        spread.append(found[2])
    return np.array(bench), np.array(n_peers), np.array(spread)


def test_peer_benchmark_matches_its_definition_entity_by_entity():
    rng = np.random.default_rng(11)
    for trial in range(40):
        n = int(rng.integers(1, 30))
        index = pd.Index([f"E{i}" for i in range(n)])
        values = pd.Series(np.round(rng.normal(size=n), 1), index=index)  # ties included
        values[rng.random(n) < 0.1] = np.nan
        eligible = pd.Series(rng.random(n) < 0.8, index=index)
        team = pd.Series(rng.integers(0, 4, n).astype(str), index=index).astype(object)
        team[rng.random(n) < 0.1] = None  # an entity without a team is a group of its own
        region = pd.Series(rng.integers(0, 2, n).astype(str), index=index)
        groups = [team, region, pd.Series("company", index=index)]
        bench, n_peers, spread = stats.peer_benchmark(values, eligible, groups, min_peers=2)
        want = _peer_benchmark_one_by_one(values, eligible, groups, 2)
        np.testing.assert_array_equal(bench.to_numpy(), want[0])
        np.testing.assert_array_equal(n_peers.to_numpy(), want[1])
        np.testing.assert_array_equal(spread.to_numpy(), want[2])


def test_three_deals_cannot_be_significant():
    # 0 wins out of 3 against a 50 % benchmark: plainly not evidence
    p = stats.beta_binomial_pvalue([0], [3], [0.5], 0.0, higher_is_worse=False)
    assert p[0] > 0.1
    # the shrunken estimate stays near the benchmark
    post, lo, hi = stats.beta_shrink([0], [3], [0.5], 0.01)
    assert post[0] > 0.35 and lo[0] < 0.3 < hi[0]
    # the same rate on 60 deals is
    assert stats.beta_binomial_pvalue([0], [60], [0.5], 0.0, higher_is_worse=False)[0] < 1e-10


# --- rules -----------------------------------------------------------------------------


def test_registry_contract():
    for key, rule in DRIVERS.items():
        assert rule.key == key
        assert rule.label_en and rule.label_zh and rule.metric and rule.benchmark and rule.impact
        assert rule.threshold > 0 and rule.threshold_kind in ("relative", "absolute")
        assert set(rule.upstream) <= set(DRIVERS) and key not in rule.upstream
        assert callable(rule.evaluate)


@pytest.mark.parametrize("key", PLANTED_KEYS)
def test_each_rule_singles_out_its_planted_rep(handmade, key):
    prep = prepare(handmade, "2026-03", 18)
    frames = entity_frames(prep, "rep")
    frames["window_months"] = prep.window.months
    frames["reference_bookings"] = pd.Series(1e6, index=frames["entities"].index)
    ctx = Context(frames=frames, stages=prep.stages, config=DiagnosisConfig(), measured=prep.has_stage_history,
                  follow_up=fit_follow_up_effect(prep.closed))
    out = DRIVERS[key].evaluate(ctx)
    for col in ("entity", "detail", "n", "value", "benchmark", "ci_low", "ci_high", "gap", "p_value", "revenue_impact"):
        assert col in out.columns, f"{key} lacks {col}"
    rep = next(r for r, k in HANDMADE.items() if k == key)
    best = out.sort_values("p_value").iloc[0]
    assert best["entity"] == rep
    assert best["gap"] >= DRIVERS[key].threshold
    assert best["revenue_impact"] > 0


def test_engine_recovers_handmade_drivers(handmade_result):
    found = _pairs(handmade_result)
    assert found == set(HANDMADE.items())
    f = handmade_result.findings
    assert list(f.columns[:11]) == ["entity_type", "entity_id", "driver", "detail", "value", "benchmark", "gap",
                                    "revenue_impact", "confidence", "evidence", "evidence_zh"]
    assert (f["revenue_impact"].diff().dropna() <= 0).all()  # sorted by revenue at stake
    assert f["evidence"].str.len().gt(40).all() and f["evidence_zh"].str.contains("同类同事|同事").all()
    conv = f[f["driver"] == "low_stage_conversion"]
    assert conv["detail"].tolist() == ["Demo→Proposal"]
    assert f.loc[f["driver"] == "weak_product", "detail"].tolist() == ["Pro"]


def test_small_sample_rep_is_not_flagged(handmade):
    data = dict(handmade)
    opps = data["opportunities"]
    # R010 keeps three deals, all lost at the first stage
    keep = opps[opps["rep_id"] != "R010"]
    few = opps[opps["rep_id"] == "R010"].head(3).assign(outcome="lost")
    data["opportunities"] = pd.concat([keep, few], ignore_index=True)
    result = diagnose(data, period="2026-03", window=18)
    tests = result.tests[(result.tests["entity"] == "R010") & (result.tests["driver"] == "low_stage_conversion")]
    assert len(tests) and (tests["p_value"] > 0.05).all()
    assert "R010" not in set(result.findings["entity_id"])


def test_no_findings_without_planted_drivers():
    data = make_sales(n_reps=40, months=18, seed=2, deals_per_month=16)
    result = diagnose(data, period="2026-03", window=18)
    assert result.findings[result.findings["entity_type"] == "rep"]["entity_id"].nunique() <= 2


@pytest.mark.parametrize("case", ["minimal", "no_history", "no_product_source_touch", "one_team"])
def test_degrades_gracefully_with_missing_tables_and_columns(case):
    base = make_sales(n_reps=24, months=9, seed=5, effects={"R002": "small_deals"}, deals_per_month=12)
    data = {
        "minimal": {k: base[k] for k in ("reps", "opportunities")},
        "no_history": {k: v for k, v in base.items() if k != "stage_history"},
        "no_product_source_touch": {
            **base, "opportunities": base["opportunities"].drop(columns=["product", "source", "first_touch_at"])
        },
        "one_team": {**base, "reps": base["reps"].assign(team="All", region="All")},
    }[case]
    result = diagnose(data, period="2026-03", window=9)
    assert set(result.findings["driver"]) <= set(DRIVERS)
    assert len(result.decomposition) and len(result.team_summary)
    if case == "minimal":  # only the drivers that need nothing but deals can run
        assert set(result.tests["driver"]) <= {"low_stage_conversion", "small_deals", "long_cycle",
                                                "weak_product", "low_pipeline_coverage", "slow_follow_up",
                                                "recent_change"}


def test_inputs_not_mutated(handmade):
    before = {k: v.copy() for k, v in handmade.items() if isinstance(v, pd.DataFrame)}
    diagnose(handmade, period="2026-03", window=6, config=DiagnosisConfig(by=("rep",)))
    for k, v in before.items():
        pd.testing.assert_frame_equal(handmade[k], v)


def test_follow_up_effect_and_uplift(handmade_result):
    eff = handmade_result.follow_up_effect
    assert eff is not None and eff.ci_high < 0  # the simulator penalises slow follow-up
    assert eff.curve["win_probability"].is_monotonic_decreasing
    slow = handmade_result.for_entity("R002")
    assert slow["driver"].tolist() == ["slow_follow_up"] and slow["revenue_impact"].iloc[0] > 0


def test_config_and_arguments_are_checked(handmade):
    with pytest.raises(ValueError, match="'fdr' parameter of DiagnosisConfig"):
        DiagnosisConfig(fdr=0)
    with pytest.raises(ValueError, match="Unknown driver"):
        DiagnosisConfig(thresholds={"slow_followup": 0.3})
    with pytest.raises(ValueError, match="Rep 'NOPE'"):
        diagnose(handmade, period="2026-03", rep="NOPE")


def test_rep_and_team_filters(handmade):
    result = diagnose(handmade, period="2026-03", window=18, rep="R005")
    assert set(result.findings["entity_id"]) == {"R005"}
    assert set(result.decomposition["entity_id"]) == {"R005"}


def test_charts(handmade_result):
    from workbench.charts import driver_waterfall, follow_up_curve, funnel_vs_peers

    spec = driver_waterfall(handmade_result.decomposition, "R008").to_dict()
    steps = spec["datasets"][spec["data"]["name"]]
    assert steps[-1]["step"] == "Actual"
    assert steps[-1]["end"] == pytest.approx(steps[-2]["end"])  # the waterfall closes on the actual
    funnel = funnel_vs_peers(handmade_result.decomposition, "R008").to_dict()
    assert funnel["mark"]["type"] == "bar"
    curve = follow_up_curve(handmade_result.follow_up_effect).to_dict()
    assert len(curve["layer"]) == 2


# --- the committed sample and the generator ------------------------------------------------


@pytest.fixture(scope="module")
def sample_recovery():
    import workbench

    if not (SAMPLE / "reps.csv").exists():
        pytest.skip("sample_data not generated")
    data = workbench.load(SAMPLE)
    truth = pd.read_csv(SAMPLE / "planted_drivers.csv")
    # defaults: the last full month, all the history before it (at most 36 months)
    result = diagnose(data, config=DiagnosisConfig(by=("rep",)))
    assert result.window.months >= 24
    found, planted = _pairs(result), set(zip(truth["rep_id"], truth["driver"]))
    return len(found & planted) / len(found), len(found & planted) / len(planted), found, planted


def test_precision_on_sample_data(sample_recovery):
    precision, _, found, planted = sample_recovery
    assert precision >= 0.9, (precision, sorted(found - planted))


def test_recall_on_sample_data(sample_recovery):
    _, recall, found, planted = sample_recovery
    assert recall >= 0.85, (recall, sorted(planted - found))


@pytest.mark.skipif(not (SAMPLE / "reps.csv").exists(), reason="sample_data not generated")
def test_opportunities_and_competition_on_sample_data():
    import workbench

    result = diagnose(workbench.load(SAMPLE), period="2026-09", config=DiagnosisConfig(by=("rep",)))
    opp = result.opportunities
    losing = set(opp.loc[opp["reason"] == "growing_market_losing_share", "segment"])
    assert "East × Cloud Platform" in losing  # the generator's rising competitor and growing market
    assert (opp.loc[opp["reason"] == "growing_market_losing_share", "share_change"] < 0).all()
    niche = set(opp.loc[opp["reason"] == "high_win_rate_low_volume", "segment"])
    assert "West × Security Add-on" in niche  # sold rarely, won often
    comp = result.competition
    company = comp[comp["dimension"] == "company"].set_index("competitor")
    assert company["change"].idxmax() == "Vandelay"  # the competitor on the rise
    assert {"rep", "product", "region", "company"} <= set(comp["dimension"])


def test_at_most_five_percent_of_reps_flagged_without_planted_drivers():
    from workbench.sample import generate_sample

    data = generate_sample(planted=False, seed=7)
    result = diagnose(data, period="2026-10", config=DiagnosisConfig(by=("rep",)))
    flagged = result.findings.loc[result.findings["entity_type"] == "rep", "entity_id"].nunique()
    assert flagged <= 0.05 * len(data["reps"])


@pytest.mark.skipif(not (SAMPLE / "reps.csv").exists(), reason="sample_data not generated")
def test_cli(tmp_path, capsys):
    from workbench.cli import main

    out = tmp_path / "findings.csv"
    assert main(["diagnose", str(SAMPLE), "--period", "2026-Q3", "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Top findings" in printed and "Teams, 2026-Q3" in printed and "Company, 2026-Q3: bookings" in printed
    findings = pd.read_csv(out)
    assert {"entity_type", "entity_id", "driver", "revenue_impact", "evidence"} <= set(findings.columns)
    assert main(["diagnose", str(SAMPLE), "--period", "2026-13"]) == 2


def test_a_period_after_the_data_ends_is_an_error(capsys):
    from workbench.cli import main

    assert main(["diagnose", str(SAMPLE), "--period", "2027-01"]) == 2
    err = capsys.readouterr().err
    assert "2027-01 starts after the data ends" in err and "newest record 2026-10" in err
    with pytest.raises(ValueError, match="ends before the data starts"):
        diagnose(workbench.load(SAMPLE), period="2019-Q1")
