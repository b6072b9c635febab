import pandas as pd
import pytest

from workbench.targets import allocate, allocate_hierarchy


def test_largest_remainder_by_hand():
    # 100 over 1:2:3 -> 16.67, 33.33, 50 -> floors 16, 33, 50 (99); the 1 left goes to the largest remainder (0.67)
    parts = allocate(100, pd.Series({"a": 1.0, "b": 2.0, "c": 3.0}))
    assert parts.tolist() == [17.0, 33.0, 50.0]
    assert parts.sum() == 100


def test_parts_add_up_exactly_with_decimals_and_odd_weights():
    pot = pd.Series([3.3, 1.1, 7.7, 0.0, 2.9], index=list("abcde"))
    for total, decimals in ((1_000_003, 0), (12_345.67, 2), (7, 0)):
        parts = allocate(total, pot, decimals)
        assert round(parts.sum(), decimals) == pytest.approx(total)
        assert parts["d"] == 0
    assert allocate(10, pd.Series({"a": 0.0, "b": 0.0})).tolist() == [5.0, 5.0]


def test_allocation_errors_name_the_problem():
    with pytest.raises(ValueError, match="negative for \\['b'\\]"):
        allocate(10, pd.Series({"a": 1.0, "b": -1.0}))
    with pytest.raises(ValueError, match="non-negative number"):
        allocate(-5, pd.Series({"a": 1.0}))


def test_hierarchy_adds_up_at_every_level():
    reps = pd.DataFrame({"rep_id": ["r1", "r2", "r3", "r4"], "team": ["A", "A", "B", "C"],
                         "region": ["N", "N", "N", "S"]})
    pot = pd.Series({"r1": 10.0, "r2": 20.0, "r3": 30.0, "r4": 41.0})
    out = allocate_hierarchy(1001, pot, reps)
    by = out.set_index(["entity_type", "entity_id"])["target"]
    assert by["region"].sum() == 1001
    assert by[("region", "N")] == by[("team", "A")] + by[("team", "B")]
    assert by[("team", "A")] == by[("rep", "r1")] + by[("rep", "r2")]
    assert by["rep"].sum() == 1001
