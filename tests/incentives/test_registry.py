"""Every figure a payout table or a simulation produces is registered with both labels."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.incentives import PAYOUT_COLUMNS, PAYOUT_FIGURES, payout_label, plan_from_dict, simulate_payouts


def test_every_payout_column_is_registered():
    assert set(PAYOUT_COLUMNS) - {"rep_id", "name", "team", "period"} <= set(PAYOUT_FIGURES)


def test_every_simulated_figure_is_registered():
    plan = plan_from_dict({"base_rate": 0.05})
    sim = simulate_payouts(plan, np.ones((2, 3)), [1.0, 1.0])
    produced = set(sim.by_rep.columns) - {"rep_id", "target", "bookings_mean", "attainment_p50"}
    assert produced <= set(PAYOUT_FIGURES)


def test_labels_in_both_languages():
    for figure in PAYOUT_FIGURES.values():
        assert figure.label("en") and figure.label("zh") and figure.label("en") != figure.label("zh")
        assert figure.unit in ("currency", "share", "flag", "text")
    assert payout_label("team_bonus", "zh") == "团队奖金"
    with pytest.raises(KeyError, match="Unknown payout figure 'bonus'"):
        payout_label("bonus")
    with pytest.raises(ValueError, match="'lang' parameter"):
        payout_label("spif", "fr")
