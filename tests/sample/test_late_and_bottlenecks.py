"""The sample generator's opt-in plants: drivers that start late and team stage bottlenecks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.sample import CHANGE_DRIVERS, STAGES, generate_sample

END = pd.Timestamp("2026-10-31")


@pytest.fixture(scope="module")
def planted():
    return generate_sample(n_reps=60, months=24, seed=9, late_drivers=0.1, bottlenecks=1)


def test_late_drivers_are_written_with_their_start(planted):
    changes = planted["planted_changes"]
    assert list(changes.columns) == ["rep_id", "driver", "detail", "start"]
    assert len(changes) == 6
    assert set(changes["driver"]) <= set(CHANGE_DRIVERS)
    assert not set(changes["rep_id"]) & set(planted["planted_drivers"]["rep_id"])  # a slip is the rep's only driver
    back = [(END.to_period("M") - pd.Period(s, "M")).n + 1 for s in changes["start"]]
    assert all(6 <= b <= 9 for b in back), back  # starts 6-9 months before the data ends


def _ratio(values: pd.Series, when: pd.Series, start: str, how=np.median) -> float:
    after = when >= pd.Timestamp(start)
    return float(how(values[after]) / how(values[~after & (when >= pd.Timestamp(start) - pd.DateOffset(months=12))]))


def test_each_slip_shows_in_the_data_from_its_start(planted):
    o, a = planted["opportunities"], planted["activities"]
    for row in planted["planted_changes"].itertuples(index=False):
        if row.driver == "low_activity":
            mine = a[(a["rep_id"] == row.rep_id) & a["opportunity_id"].isna()]
            months = mine.groupby(mine["at"].dt.to_period("M")).size()
            months = months[months.index < END.to_period("M")]
            ratio = _ratio(months, months.index.to_timestamp().to_series(index=months.index), row.start, np.mean)
            assert ratio < 0.7, (row, ratio)
        elif row.driver == "slow_follow_up":
            mine = o[(o["rep_id"] == row.rep_id) & o["first_touch_at"].notna()]
            hours = (mine["first_touch_at"] - mine["created_at"]).dt.total_seconds() / 3600
            assert _ratio(hours, mine["created_at"], row.start) > 1.5, row
        else:
            mine = o[o["rep_id"] == row.rep_id]
            assert _ratio(mine["amount"], mine["created_at"], row.start) < 0.75, row


def test_a_bottleneck_team_is_slow_at_its_stage_only(planted):
    bottleneck = planted["planted_bottlenecks"]
    assert list(bottleneck.columns) == ["team", "stage", "factor"] and len(bottleneck) == 1
    team, stage, factor = bottleneck.iloc[0]
    assert stage in STAGES[1:] and 2.5 <= factor <= 3.5
    h = planted["stage_history"].sort_values(["opportunity_id", "entered_at"])
    h = h.assign(days=(h.groupby("opportunity_id")["entered_at"].shift(-1) - h["entered_at"]).dt.total_seconds()
                 / 86400).dropna(subset=["days"])
    team_of = planted["reps"].set_index("rep_id")["team"]
    h["team"] = h["opportunity_id"].map(planted["opportunities"].set_index("opportunity_id")["rep_id"]).map(team_of)
    median = h.groupby(["stage", h["team"] == team])["days"].median().unstack()
    assert median.loc[stage, True] > 2 * median.loc[stage, False]
    others = [s for s in STAGES if s != stage]
    assert (median.loc[others, True] < 1.3 * median.loc[others, False]).all()


def test_without_the_options_the_sample_is_unchanged():
    plain = generate_sample(n_reps=20, months=12, seed=4)
    off = generate_sample(n_reps=20, months=12, seed=4, late_drivers=0.0, bottlenecks=0)
    assert "planted_changes" not in plain and "planted_bottlenecks" not in plain
    assert sorted(plain) == sorted(off)
    for name in plain:
        pd.testing.assert_frame_equal(plain[name], off[name])
    # turning them on leaves the persistent drivers where they were
    on = generate_sample(n_reps=20, months=12, seed=4, late_drivers=0.2, bottlenecks=1)
    pd.testing.assert_frame_equal(on["planted_drivers"], plain["planted_drivers"])


@pytest.mark.parametrize(("kwargs", "match"), [({"late_drivers": 0.9}, "late_drivers"),
                                                ({"bottlenecks": -1}, "bottlenecks")])
def test_bad_options_are_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        generate_sample(n_reps=5, months=6, **kwargs)
