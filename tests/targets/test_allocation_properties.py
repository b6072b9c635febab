"""Property-based: allocation adds up exactly and gives nobody a negative part."""

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import result_or_clear_error
from workbench.targets import Levers, allocate

SETTINGS = settings(max_examples=800, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.floats(0, 1e10, allow_nan=False), st.lists(st.one_of(st.floats(0, 1e8, allow_nan=False),
                                                               st.just(0.0)), min_size=1, max_size=40),
       st.integers(0, 2))
def test_parts_add_up_to_the_total(total, potentials, decimals):
    potential = pd.Series(potentials, index=[f"e{i}" for i in range(len(potentials))])
    parts = result_or_clear_error(lambda: allocate(total, potential, decimals))
    if parts is None:
        return
    assert list(parts.index) == list(potential.index)
    assert (parts >= 0).all()
    units = round(total * 10 ** decimals)  # the total in whole units of 10**-decimals, as allocate rounds it
    assert round(float(parts.sum()) * 10 ** decimals) == units
    assert np.isclose(float(parts.sum()), units / 10 ** decimals, rtol=1e-12, atol=10 ** -(decimals + 3))


@SETTINGS
@given(st.dictionaries(st.sampled_from(["follow_up", "activity", "deal_size", "cycle", "headcount"]),
                       st.one_of(st.floats(-2, 2), st.just(float("nan")), st.integers(-3, 12))))
def test_levers_are_valid_or_refused_by_name(values):
    try:
        lv = Levers(**values)
    except ValueError as exc:
        assert "parameter of Levers must be" in str(exc)
        return
    assert lv.is_baseline == (not any(values.values()))
