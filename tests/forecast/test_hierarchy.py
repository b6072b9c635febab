import numpy as np
import pandas as pd
import pytest

from tests.forecast.helpers import FAST_MODELS, monthly_series
from workbench.forecast import (
    Forecaster, aggregate_hierarchy, coherence_table, hierarchy_tags, reconcile, summing_matrix,
)

REPS = pd.DataFrame({"rep_id": ["R00", "R01", "R02", "R03"], "team": ["A", "A", "B", "C"],
                     "region": ["East", "East", "East", "West"]})


@pytest.fixture(scope="module")
def hierarchy():
    tags = hierarchy_tags(REPS)
    history = aggregate_hierarchy(monthly_series(n_series=4), tags)
    f = Forecaster(models=FAST_MODELS, level=[80]).fit(history)
    return tags, history, f, f.predict(3)


def _children_sum(out, tags, column="forecast"):
    wide = out.pivot_table(index="ds", columns="unique_id", values=column)
    for parent_level, child_level in (("team", "rep"), ("region", "team"), ("company", "region")):
        pairs = tags[[parent_level, child_level]].drop_duplicates()
        for parent, kids in pairs.groupby(parent_level)[child_level]:
            assert np.allclose(wide[kids.tolist()].sum(axis=1), wide[parent], rtol=1e-9), (parent, list(kids))


def test_aggregation_adds_up(hierarchy):
    tags, history, _, _ = hierarchy
    assert set(history["unique_id"]) == set(summing_matrix(tags).index)
    _children_sum(history.rename(columns={"y": "forecast"}), tags)


@pytest.mark.parametrize("method", ["bottom_up", "ols", "wls_struct", "mint_shrink"])
def test_reconciled_children_sum_to_parents(hierarchy, method):
    tags, _, f, base = hierarchy
    out = reconcile(base, tags, method=method, residuals=f.cv_)
    _children_sum(out, tags)
    assert (out["forecast-lo-80"] <= out["forecast"] + 1e-9).all()
    assert (out["forecast"] <= out["forecast-hi-80"] + 1e-9).all()
    assert (out["forecast"] >= 0).all()
    assert "forecast_base" in out.columns
    if method == "bottom_up":
        reps = base[base["unique_id"].str.startswith("rep:")].set_index(["unique_id", "ds"])["forecast"]
        got = out.set_index(["unique_id", "ds"]).loc[reps.index, "forecast"]
        assert np.allclose(got, reps)


def test_mint_uses_residuals_or_says_it_fell_back(hierarchy):
    tags, _, f, base = hierarchy
    assert reconcile(base, tags, method="mint_shrink", residuals=f.cv_).attrs["reconcile_method"] == "mint_shrink"
    assert reconcile(base, tags, method="mint_shrink").attrs["reconcile_method"] == "wls_struct"


def test_reconcile_errors(hierarchy):
    tags, _, _, base = hierarchy
    with pytest.raises(ValueError, match="'method' parameter of reconcile"):
        reconcile(base, tags, method="top_down")
    with pytest.raises(ValueError, match="no base forecast for series"):
        reconcile(base[base["unique_id"] != "team:A"], tags, method="ols")


def test_reconcile_does_not_mutate(hierarchy):
    tags, _, _, base = hierarchy
    before = base.copy()
    reconcile(base, tags, method="ols")
    pd.testing.assert_frame_equal(base, before)


def test_coherence_table_finds_gaps_only_before_reconciling(hierarchy):
    tags, _, f, base = hierarchy
    original = base.copy()
    before = coherence_table(base, tags)
    pd.testing.assert_frame_equal(base, original)  # input not mutated
    assert set(before["level"]) == {"team", "region", "company"}
    assert len(before) == (3 + 2 + 1) * base["ds"].nunique()
    assert before["gap"].abs().max() > 1e-6  # independent base forecasts do not add up
    after = coherence_table(reconcile(base, tags, method="ols"), tags)
    assert np.allclose(after["gap"], 0.0, atol=1e-6)
    team_a = after[after["unique_id"] == "team:A"]
    assert (team_a["children"] == 2).all()
