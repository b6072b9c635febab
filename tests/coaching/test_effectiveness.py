"""Training effectiveness: a difference-in-differences checked by hand, on the committed
sample against the generator's planted module effects, and for its contract."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import workbench
from workbench.coaching import load_skill_map
from workbench.coaching.effectiveness import COMPLETION_COLUMNS, MODULE_COLUMNS, VERDICTS, training_effectiveness
from workbench.errors import DataError
from workbench.sample import catalog, generate_sample

SAMPLE = Path(__file__).resolve().parents[2] / "sample_data"
MONTHS = pd.date_range("2025-01-01", "2025-12-01", freq="MS")


# --- a small hand-built case ---------------------------------------------------------------


def _hand_data(csat: dict, teams: dict, log: list, regions: dict | None = None) -> dict:
    """Reps with one survey a month (score ``csat[rep][month]``) and a customer-care module.

    Two decided deals pin the data's history to January-December 2025.
    """
    reps = pd.DataFrame({"rep_id": list(csat), "name": [f"Rep {r}" for r in csat],
                         "team": [teams[r] for r in csat],
                         "region": [(regions or {}).get(r, "North") for r in csat]})
    surveys = pd.DataFrame([
        {"survey_id": f"{rep}-{m}", "rep_id": rep, "at": month + pd.Timedelta(days=9), "score": score}
        for rep, scores in csat.items() for m, (month, score) in enumerate(zip(MONTHS, scores))
    ])
    first = next(iter(csat))
    deals = pd.DataFrame({
        "opportunity_id": ["o1", "o2"], "rep_id": [first, first],
        "created_at": pd.to_datetime(["2025-01-01 09:00", "2025-12-31 09:00"]),
        "stage": ["Won", "Won"], "amount": [100.0, 100.0], "outcome": ["won", "won"],
        "closed_at": pd.to_datetime(["2025-01-01 10:00", "2025-12-31 10:00"]),
    })
    catalog_ = pd.DataFrame({"module_id": ["CC1"], "title": ["Care basics"], "skill": ["customer_care"],
                             "hours": [2.0], "format": ["workshop"]})
    training_log = pd.DataFrame(log, columns=["rep_id", "module_id", "completed_at"])
    training_log["completed_at"] = pd.to_datetime(training_log["completed_at"])
    return {"reps": reps, "opportunities": deals, "surveys": surveys, "training_catalog": catalog_,
            "training_log": training_log}


def _flat(before: float, after: float, switch: int = 6) -> list:
    """A monthly series: ``before`` until month ``switch`` (June = 5), ``after`` from it."""
    return [before if m < switch else after for m in range(12)]


@pytest.fixture(scope="module")
def hand():
    # Trainee T completes CC1 on 15 June: CSAT 4.0 before, 4.4 (+10 %) after.
    # Peers: A (same team) flat at 3.5; B (same team) 4.0 -> 4.2 (+5 %) from July;
    # C (other team, same region) flat at 4.0. With pre/post 2 months (April-May vs
    # July-August) and 2 controls, the nearest on the level before the pre-window
    # (February-March) with the team preferred are B (same level, same team) and A.
    csat = {"T": _flat(4.0, 4.4), "A": _flat(3.5, 3.5), "B": _flat(4.0, 4.2), "C": _flat(4.0, 4.0)}
    csat["T"][5] = 4.2  # June itself is left out
    return _hand_data(csat, {"T": "East", "A": "East", "B": "East", "C": "West"},
                      [("T", "CC1", "2025-06-15")])


def test_difference_in_differences_by_hand(hand):
    result = training_effectiveness(hand, pre_months=2, post_months=2, n_controls=2, min_trainees=2)
    done = result.completions.iloc[0]
    assert done["used"] and done["controls"] == "B,A"
    assert done["pre_trainee"] == pytest.approx(4.0) and done["post_trainee"] == pytest.approx(4.4)
    assert done["pre_control"] == pytest.approx((3.5 + 4.0) / 2)
    assert done["post_control"] == pytest.approx((3.5 + 4.2) / 2)
    # trainee +10 %; controls +0 % and +5 %: geometric mean change sqrt(1.05)
    expected = 1.10 / math.sqrt(1.05) - 1  # 0.0735
    assert done["effect"] == pytest.approx(expected)
    module = result.modules.iloc[0]
    assert module["effect"] == pytest.approx(expected)
    assert module["n_trained"] == 1 and module["n_controls"] == 2
    assert module["verdict"] == "too few trainees" and module["flagged"]
    assert (done["pre_start"], done["post_start"], done["post_end"]) == (
        pd.Timestamp("2025-04-01"), pd.Timestamp("2025-07-01"), pd.Timestamp("2025-09-01"))


def test_more_controls_reach_the_other_team(hand):
    result = training_effectiveness(hand, pre_months=2, post_months=2, n_controls=3)
    done = result.completions.iloc[0]
    assert done["controls"] == "B,A,C"
    assert done["effect"] == pytest.approx(1.10 / 1.05 ** (1 / 3) - 1)


def test_a_lower_is_better_kpi_reports_the_good_direction():
    # follow-up hours: trainee 10 h -> 8 h (-20 %), peers unchanged: effect +0.20
    reps = pd.DataFrame({"rep_id": ["T", "A", "B"], "name": ["t", "a", "b"], "team": ["E"] * 3,
                         "region": ["N"] * 3})
    rows = []
    for rep in ("T", "A", "B"):
        for m, month in enumerate(MONTHS):
            hours = 8.0 if (rep == "T" and m >= 6) else 10.0
            created = month + pd.Timedelta(days=2, hours=9)
            rows.append({"opportunity_id": f"{rep}{m}", "rep_id": rep, "created_at": created,
                         "first_touch_at": created + pd.Timedelta(hours=hours), "stage": "Won",
                         "amount": 10.0, "outcome": "won", "closed_at": created + pd.Timedelta(days=1)})
    data = {"reps": reps, "opportunities": pd.DataFrame(rows),
            "training_catalog": pd.DataFrame({"module_id": ["F1"], "title": ["Speed"], "skill": ["follow_up"],
                                              "hours": [1.0], "format": ["e-learning"]}),
            "training_log": pd.DataFrame({"rep_id": ["T"], "module_id": ["F1"],
                                          "completed_at": pd.to_datetime(["2025-06-10"])})}
    result = training_effectiveness(data, pre_months=3, post_months=3, n_controls=2)
    assert result.modules.iloc[0]["kpi"] == "follow_up_hours_median"
    assert result.modules.iloc[0]["effect"] == pytest.approx(0.20)


def test_interval_from_the_spread_across_trainees():
    # Five trainees: +10 %, +5 %, +15 %, +10 %, +10 % against flat peers.
    after = [4.4, 4.2, 4.6, 4.4, 4.4]
    csat = {f"T{i}": _flat(4.0, a) for i, a in enumerate(after)}
    csat.update({f"P{i}": _flat(4.0 + 0.02 * i, 4.0 + 0.02 * i) for i in range(6)})
    data = _hand_data(csat, {r: "East" for r in csat}, [(f"T{i}", "CC1", "2025-06-15") for i in range(5)])
    row = training_effectiveness(data, pre_months=2, post_months=2).modules.iloc[0]
    change = np.log(np.array(after) / 4.0)
    assert row["n_trained"] == 5
    assert row["effect"] == pytest.approx(np.expm1(change.mean()))
    # the bootstrap's standard error of a mean of 5 is about sd(ddof=0) / sqrt(5); t with 4 df
    half = stats.t.ppf(0.95, 4) * change.std() / math.sqrt(5)
    assert (np.log1p(row["ci_high"]) - np.log1p(row["ci_low"])) / 2 == pytest.approx(half, rel=0.2)
    assert row["verdict"] == "works" and not row["flagged"]


def test_overlapping_modules_for_the_same_kpi_are_left_out(hand):
    data = dict(hand)
    data["training_log"] = pd.DataFrame({"rep_id": ["T", "T"], "module_id": ["CC1", "CC1"],
                                         "completed_at": pd.to_datetime(["2025-06-15", "2025-08-01"])})
    result = training_effectiveness(data, pre_months=2, post_months=2)
    assert not result.completions["used"].any()
    assert set(result.completions["reason"]) == {"another module aimed at csat_mean within the windows"}
    assert result.modules.iloc[0]["n_trained"] == 0 and np.isnan(result.modules.iloc[0]["effect"])


def test_excluded_completions_say_why(hand):
    data = dict(hand)
    # B also took the module within T's windows: no longer T's control. T's December
    # completion has no post-window in the data.
    data["training_log"] = pd.DataFrame({"rep_id": ["T", "B", "T"], "module_id": ["CC1"] * 3,
                                         "completed_at": pd.to_datetime(["2025-06-15", "2025-07-20", "2025-12-01"])})
    result = training_effectiveness(data, pre_months=2, post_months=2, n_controls=2)
    done = result.completions.set_index(["rep_id", "completed_at"])
    # A and C are left: C has T's level (other team: +0.25 sd), A is 1.35 sd below
    assert done.loc[("T", pd.Timestamp("2025-06-15")), "controls"] == "C,A"
    assert done.loc[("T", pd.Timestamp("2025-12-01")), "reason"] == "windows outside the data"
    assert done.loc[("B", pd.Timestamp("2025-07-20")), "used"]


def test_missing_tables_are_named(hand):
    without_log = {k: v for k, v in hand.items() if k != "training_log"}
    with pytest.raises(DataError, match="'training_log' table"):
        training_effectiveness(without_log)
    without_catalog = {k: v for k, v in hand.items() if k != "training_catalog"}
    with pytest.raises(DataError, match="'training_catalog' table"):
        training_effectiveness(without_catalog)


def test_a_kpi_whose_table_is_missing_gives_no_kpi(hand):
    data = {k: v for k, v in hand.items() if k != "surveys"}
    result = training_effectiveness(data)
    assert result.modules.iloc[0]["verdict"] == "no KPI" and not result.modules.iloc[0]["flagged"]
    assert result.completions.iloc[0]["reason"] == "csat_mean needs the surveys table"


@pytest.mark.parametrize(("name", "value"), [("level", 1.5), ("pre_months", 0), ("min_trainees", 1),
                                             ("seed", -1), ("n_controls", 0), ("skill_map", 3)])
def test_parameters_are_checked(hand, name, value):
    with pytest.raises(ValueError, match=f"The '{name}' parameter of training_effectiveness must be"):
        training_effectiveness(hand, **{name: value})


# --- the committed sample against the planted module effects -------------------------------


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "training_effects.csv").exists():
        pytest.skip("sample_data not generated")
    truth = pd.read_csv(SAMPLE / "training_effects.csv")
    result = training_effectiveness(workbench.load(SAMPLE))
    return result, result.modules.merge(truth[["module_id", "planted_effect"]], on="module_id")


def test_result_shape_on_the_sample(sample):
    result, _ = sample
    assert result.modules.columns.tolist() == MODULE_COLUMNS
    assert result.completions.columns.tolist() == COMPLETION_COLUMNS
    assert result.modules["module_id"].tolist() == sorted(catalog.MODULE_POINTS)
    assert set(result.modules["verdict"]) <= set(VERDICTS)
    assert len(result.completions) == len(pd.read_csv(SAMPLE / "training_log.csv"))
    used = result.completions[result.completions["used"]]
    assert (used.groupby("module_id").size().reindex(result.modules["module_id"], fill_value=0).to_numpy()
            == result.modules["n_trained"].to_numpy()).all()
    assert (result.completions.loc[~result.completions["used"], "reason"] != "").all()


def test_intervals_cover_the_planted_effect_on_the_sample(sample):
    _, modules = sample
    working = modules[modules["planted_effect"] != 0]
    covered = (working["ci_low"] <= working["planted_effect"]) & (working["planted_effect"] <= working["ci_high"])
    assert len(working) == 10
    assert covered.mean() >= 0.8, working[["module_id", "effect", "ci_low", "ci_high", "planted_effect"]]


def test_modules_that_do_nothing_are_not_reported_to_work_on_the_sample(sample):
    _, modules = sample
    null = modules[modules["planted_effect"] == 0]
    assert len(null) == 5
    claims = null["verdict"].isin(["works", "worse after training"])
    assert claims.mean() <= 0.1, null[["module_id", "effect", "ci_low", "ci_high", "verdict"]]
    assert null["flagged"].all()


def test_measured_effects_track_planted_ones_when_training_works_harder(monkeypatch):
    """With four times the sample's per-point effect on 300 reps, the estimate finds the
    working modules, and its intervals still cover the truth and spare the null modules."""
    monkeypatch.setattr(catalog, "TRAINING_POINT", 0.04)
    tables = generate_sample(n_reps=300, months=36, seed=1)
    truth = tables["training_effects"]
    modules = training_effectiveness(tables).modules.merge(truth[["module_id", "planted_effect"]], on="module_id")
    working, null = modules[modules["planted_effect"] != 0], modules[modules["planted_effect"] == 0]
    covered = (working["ci_low"] <= working["planted_effect"]) & (working["planted_effect"] <= working["ci_high"])
    assert covered.mean() >= 0.8
    assert (working["verdict"] == "works").mean() >= 0.6
    assert not (null["verdict"] == "works").any()


# --- contract ------------------------------------------------------------------------------


def test_same_input_same_output_and_input_not_mutated():
    tables = generate_sample(n_reps=30, months=24, seed=4)
    before = {name: frame.copy(deep=True) for name, frame in tables.items()}
    first = training_effectiveness(tables)
    second = training_effectiveness(tables)
    pd.testing.assert_frame_equal(first.modules, second.modules)
    pd.testing.assert_frame_equal(first.completions, second.completions)
    for name, frame in tables.items():
        pd.testing.assert_frame_equal(frame, before[name], check_exact=True)
    other_seed = training_effectiveness(tables, seed=1).modules
    pd.testing.assert_series_equal(other_seed["effect"], first.modules["effect"])  # the seed moves intervals only


def test_sales_data_and_dict_give_the_same_result():
    tables = generate_sample(n_reps=30, months=24, seed=4)
    pd.testing.assert_frame_equal(training_effectiveness(tables).modules,
                                  training_effectiveness(workbench.load(tables)).modules)


def test_result_is_frozen():
    result = training_effectiveness(generate_sample(n_reps=20, months=24, seed=2))
    with pytest.raises(AttributeError):
        result.level = 0.5
    assert np.isnan(result.effect("TM01")) or isinstance(result.effect("TM01"), float)
    with pytest.raises(KeyError, match="TM99"):
        result.effect("TM99")


def test_generator_measures_each_skill_with_the_skill_maps_kpi():
    from workbench.kpi import KPIS
    from workbench.sample.training import _LOWER_IS_BETTER

    skills = load_skill_map()
    for skill, kpi in catalog.SKILL_KPI.items():
        assert skills.kpi(skill) == kpi, skill
        assert KPIS[kpi].higher_is_better == (skill not in _LOWER_IS_BETTER), skill
    assert catalog.DRIVER_SKILL[catalog.TRANSITIONS[0]] == skills.skill_for(
        "low_stage_conversion", catalog.TRANSITIONS[0], catalog.STAGES)
