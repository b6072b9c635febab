"""Lever settings and the factors they put on each rep's bookings still to come."""

import copy
from types import SimpleNamespace

import numpy as np
import pytest

from workbench.targets import LEVERS, LeverEffects, Levers
from workbench.targets.levers import cycle_share_of_new_deals


def test_levers_at_zero_are_the_baseline_and_moved_lists_the_others():
    assert Levers().is_baseline
    assert Levers(stage_conversion={"A→B": 0.0}).is_baseline
    lv = Levers(activity=0.1, stage_conversion={"A→B": -0.2}, headcount=2)
    assert not lv.is_baseline
    assert lv.moved() == {"activity": 0.1, "headcount": 2, "stage_conversion:A→B": -0.2}


@pytest.mark.parametrize("kwargs, name", [
    ({"activity": 1.5}, "activity"), ({"follow_up": -0.1}, "follow_up"), ({"cycle": -0.9}, "cycle"),
    ({"headcount": 1.5}, "headcount"), ({"headcount": 11}, "headcount"), ({"deal_size": float("nan")}, "deal_size"),
    ({"stage_conversion": {"Demo→won": 0.8}}, "stage_conversion\\[Demo→won\\]"),
])
def test_levers_out_of_range_name_the_lever_and_the_range(kwargs, name):
    with pytest.raises(ValueError, match=rf"'{name}' parameter of Levers must be a number from"):
        Levers(**kwargs)


def test_every_lever_has_labels_in_both_languages_and_a_source():
    for key, lever in LEVERS.items():
        assert lever.label("en") and lever.label("zh") and lever.label("zh") != lever.label("en")
        assert lever.source and lever.definition and lever.minimum < lever.maximum
    assert set(LEVERS) == {"follow_up", "stage_conversion", "activity", "deal_size", "cycle", "headcount"}


def test_share_of_new_deals_closing_in_the_period_by_hand():
    # period of 30 days, cycles 0, 15, 30, 60: 1, 0.5, 0, 0 -> 0.375; 20 % slower: 1, 0.4, 0, 0 -> 0.35
    assert cycle_share_of_new_deals([0, 15, 30, 60], 30) == pytest.approx(0.375)
    assert cycle_share_of_new_deals([0, 15, 30, 60], 30, change=0.2) == pytest.approx(0.35)
    assert np.isnan(cycle_share_of_new_deals([], 30))


def _bare_effects():
    """Two reps of one team; rep a decided one deal followed up after 3 hours (log-odds 0, amount 100)."""
    e = LeverEffects()
    e.rep_ids_, e.teams_ = ["a", "b"], np.array(["T", "T"])
    e.follow_up_ = SimpleNamespace(coef=-0.5)
    e._fu_rep, e._fu_team = np.array([0.0]), np.array(["T"], dtype=object)
    e._fu_hours, e._fu_amount, e._fu_eta = np.array([3.0]), np.array([100.0]), np.array([0.0])
    e._follow_cache = {}
    return e


def test_follow_up_ratio_by_hand_and_team_fallback():
    e = _bare_effects()
    # 50 % faster: 1.5 h; log-odds -0.5 * (ln 2.5 - ln 4) = 0.2350; p = 0.5585 against 0.5
    expected = (1 / (1 + np.exp(-(-0.5 * (np.log(2.5) - np.log(4.0)))))) / 0.5
    ratio = e.follow_up_ratio(0.5)
    assert ratio[0] == pytest.approx(expected, rel=1e-12) and expected == pytest.approx(1.1170, abs=1e-4)
    assert ratio[1] == ratio[0]  # rep b has no deals: the team's ratio
    assert (e.follow_up_ratio(0.0) == 1.0).all()


def test_zero_levers_give_factors_of_exactly_one(whatif_model):
    effects = whatif_model.effects_
    everyone = np.ones(len(effects.rep_ids_), bool)
    m_pipe, m_new = effects.multipliers(Levers(), everyone)
    assert (m_pipe == 1.0).all() and (m_new == 1.0).all()


def test_activity_and_deal_size_scale_new_deals_only_of_the_reps_in_scope(whatif_model):
    effects = whatif_model.effects_
    scope = np.zeros(len(effects.rep_ids_), bool)
    scope[:3] = True
    m_pipe, m_new = effects.multipliers(Levers(activity=0.1, deal_size=0.2), scope)
    assert m_new[:3] == pytest.approx(1.1 * 1.2) and (m_new[3:] == 1.0).all()
    assert (m_pipe == 1.0).all()  # open deals' amounts and activity are already set


def test_stage_conversion_is_capped_at_a_rate_of_one_and_counts_only_steps_ahead(whatif_model):
    effects = whatif_model.effects_
    everyone = np.ones(len(effects.rep_ids_), bool)
    step = effects.steps_[-1]
    m_pipe, m_new = effects.multipliers(Levers(stage_conversion={step: 0.5}), everyone)
    rates = effects.pass_rates_[step].to_numpy()
    assert m_new == pytest.approx(np.minimum(1.0, rates * 1.5) / rates)
    assert (m_new[rates > 1 / 1.5] < 1.5).all() and (m_new[rates < 1 / 1.5] == pytest.approx(1.5))
    # open deals all still pass the last step: each rep's expected open bookings scale like its win chance
    for i in range(len(effects.rep_ids_)):
        mine = effects._deal_rep == i
        if not mine.any():
            assert m_pipe[i] == 1.0
            continue
        amount, p_won, p_close = effects._deal_amount[mine], effects._deal_p_won[mine], effects._deal_p_close[mine]
        moved = (amount * np.minimum(1.0, p_won * m_new[i]) * p_close).sum()
        assert m_pipe[i] == pytest.approx(moved / (amount * p_won * p_close).sum(), rel=1e-9)
    # the first step: deals already past it do not move
    first = effects.steps_[0]
    m_pipe1, _ = effects.multipliers(Levers(stage_conversion={first: 0.5}), everyone)
    at_first = effects._deal_first_step == 0
    assert (m_pipe1 <= m_new.max()).all()
    later_only = [i for i in range(len(effects.rep_ids_))
                  if (effects._deal_rep == i).any() and not at_first[effects._deal_rep == i].any()]
    assert all(m_pipe1[i] == pytest.approx(1.0) for i in later_only)


def test_unknown_stage_step_lists_the_steps(whatif_model):
    with pytest.raises(ValueError, match="steps of this funnel: " + whatif_model.effects_.steps_[0]):
        whatif_model.effects_.multipliers(Levers(stage_conversion={"Nowhere→won": 0.1}), [True] * 24)


def test_faster_cycle_raises_the_chance_of_closing_in_the_period_by_the_constant_rate_rule(whatif_model):
    effects = whatif_model.effects_
    everyone = np.ones(len(effects.rep_ids_), bool)
    m_pipe, m_new = effects.multipliers(Levers(cycle=-0.2), everyone)
    i = int(np.bincount(effects._deal_rep).argmax())
    mine = effects._deal_rep == i
    p = effects._deal_p_close[mine]
    faster = 1 - (1 - p) ** (1 / 0.8)
    w = effects._deal_amount[mine] * effects._deal_p_won[mine]
    assert m_pipe[i] == pytest.approx((w * faster).sum() / (w * p).sum(), rel=1e-9)
    share = cycle_share_of_new_deals(effects.won_cycles_, effects.period_days_, -0.2)
    assert m_new == pytest.approx(share / cycle_share_of_new_deals(effects.won_cycles_, effects.period_days_))
    assert (m_pipe >= 1).all() and (m_new > 1).all()
    slower_pipe, slower_new = effects.multipliers(Levers(cycle=0.2), everyone)
    assert (slower_pipe <= 1).all() and (slower_new < 1).all()


def test_assumptions_name_the_source_of_every_lever(whatif_model):
    a = whatif_model.effects_.assumptions_
    assert {"follow_up", "cycle", "headcount", "stage_conversion"} <= set(a["lever"])
    assert a["source"].str.len().gt(10).all()


def test_bare_effects_are_not_shared_state():
    e1, e2 = _bare_effects(), copy.deepcopy(_bare_effects())
    e1.follow_up_ratio(0.5)
    assert e2._follow_cache == {}
