import numpy as np
import pandas as pd
import pytest

from workbench.targets import attainment_probability, quantile_column, smart_check
from workbench.targets.calibration import QuantileCalibration
from workbench.targets.quantiles import check_probability, quantile_at


def test_smart_flags_at_the_boundaries():
    t = pd.DataFrame({"metric": ["bookings"] * 4 + ["", "no_such_kpi"], "period": ["2026-Q1"] * 6,
                      "history_periods": [5, 5, 5, 5, 5, 5],
                      "attainment_probability": [0.30, 0.29, 0.90, 0.91, 0.5, 0.5]})
    out = smart_check(t)
    assert out["attainable"].tolist() == [True, False, True, False, True, True]
    assert out["smart_flags"][1].startswith("stretch: 29%")
    assert out["smart_flags"][3].startswith("too soft: 91%")
    assert not out["specific"][4]
    assert "'no_such_kpi' is not a KPI" in out["smart_flags"][5]
    assert out["smart_ok"].tolist() == [True, False, True, False, False, False]


def test_quantiles_by_hand():
    fc = pd.DataFrame({"forecast": [100.0], "forecast-lo-80": [60.0], "forecast-hi-80": [140.0],
                       "forecast-lo-40": [80.0], "forecast-hi-40": [120.0]})
    assert quantile_column(0.7) == "forecast-lo-40"  # the 30% quantile
    assert quantile_at(fc, 0.3).tolist() == [80.0]
    assert quantile_at(fc, 0.2).tolist() == [70.0]  # halfway between the 10% and 30% quantiles
    assert attainment_probability(fc, [70.0]) == pytest.approx([0.8])
    # a value several quantiles share (clipped at zero): P(actual >= 0) read at the lowest
    zero = pd.DataFrame({"forecast": [5.0], "forecast-lo-80": [0.0], "forecast-hi-80": [20.0],
                         "forecast-lo-40": [0.0], "forecast-hi-40": [10.0]})
    assert attainment_probability(zero, [0.0]) == pytest.approx([0.9])
    with pytest.raises(ValueError, match="'probability' parameter"):
        check_probability("propose_targets", 1.0)


def test_calibration_moves_the_level_with_the_track_record():
    rng = np.random.default_rng(0)
    uniform = QuantileCalibration(prior_points=0).fit(rng.uniform(size=20_000))
    assert uniform.level_for(0.8) == pytest.approx(0.2, abs=0.01)
    # actuals that always land in the top half: a target met 80% of the time sits at the 60% quantile
    high = QuantileCalibration(prior_points=0).fit(rng.uniform(0.5, 1.0, size=20_000))
    assert high.level_for(0.8) == pytest.approx(0.6, abs=0.01)
    assert high.probability([0.6]) == pytest.approx([0.8], abs=0.01)
    # few points: shrunk toward the nominal level
    few = QuantileCalibration(prior_points=30).fit([0.9] * 10)
    assert few.level_for(0.5) == pytest.approx((10 * 0.9 + 30 * 0.5) / 40)
