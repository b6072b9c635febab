"""workbench.memo: results kept per dataset, computed again when data, arguments or code change."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench import memo
from workbench.memo import data_fingerprint, remember

CALLS: list[dict] = []


def _total(data, *, column: str, scale: float = 1.0) -> float:
    CALLS.append({"column": column, "scale": scale})
    return float(data["deals"][column].sum() * scale)


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "1")  # this test is about the store, so it stays on
    CALLS.clear()
    return tmp_path / "cache"


def _deals(amounts):
    return {"deals": pd.DataFrame({"amount": amounts})}


def test_the_same_call_is_computed_once(store):
    assert remember(_total, _deals([1.0, 2.0]), column="amount") == 3.0
    assert remember(_total, _deals([1.0, 2.0]), column="amount") == 3.0  # equal content, a new bundle
    assert len(CALLS) == 1
    assert any((store / "results").rglob("output.pkl"))


def test_other_data_or_arguments_are_computed_afresh(store):
    remember(_total, _deals([1.0, 2.0]), column="amount")
    assert remember(_total, _deals([1.0, 5.0]), column="amount") == 6.0
    assert remember(_total, _deals([1.0, 2.0]), column="amount", scale=2.0) == 6.0
    assert len(CALLS) == 3


def test_new_code_is_never_served_an_old_result(store, monkeypatch):
    remember(_total, _deals([1.0]), column="amount")
    monkeypatch.setattr(memo, "code_version", lambda: "another version")
    remember(_total, _deals([1.0]), column="amount")
    assert len(CALLS) == 2


def test_unkeyed_arguments_are_passed_on_but_not_part_of_the_key(store):
    remember(_total, _deals([1.0]), column="amount", unkeyed={"scale": 1.0})
    assert remember(_total, _deals([1.0]), column="amount", unkeyed={"scale": 7.0}) == 1.0  # kept result
    assert len(CALLS) == 1


def test_switched_off_it_computes_every_time_and_writes_nothing(store, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE_RESULTS", "0")
    remember(_total, _deals([1.0]), column="amount")
    remember(_total, _deals([1.0]), column="amount")
    assert len(CALLS) == 2
    assert not store.exists()


def test_fingerprint_follows_content_dtypes_and_a_files_key():
    base = data_fingerprint(_deals([1.0, 2.0]))
    assert base == data_fingerprint(_deals([1.0, 2.0]))
    assert base != data_fingerprint(_deals([1.0, 3.0]))
    assert base != data_fingerprint({"deals": pd.DataFrame({"amount": [1, 2]})})  # int, not float
    assert base != data_fingerprint({"other": pd.DataFrame({"amount": [1.0, 2.0]})})

    class Loaded:
        fingerprint = "files:abc"

    assert data_fingerprint(Loaded()) == "files:abc"


def test_cache_root_honours_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path / "here"))
    assert memo.cache_root() == tmp_path / "here"
    monkeypatch.delenv("WORKBENCH_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert memo.cache_root() == tmp_path / "xdg" / "workbench"


def test_data_marked_keep_nothing_is_computed_every_time_and_never_stored(store):
    from workbench.io.validate import validate_tables
    from workbench.memo import keep_nothing_of

    data = validate_tables({"reps": pd.DataFrame({"rep_id": ["R1"], "name": ["A"], "team": ["T"], "region": ["N"]}),
                            "opportunities": pd.DataFrame({"opportunity_id": ["O1"], "rep_id": ["R1"],
                                                           "created_at": ["2026-01-05"], "stage": ["Won"],
                                                           "amount": [5.0], "closed_at": ["2026-02-01"],
                                                           "outcome": ["won"]})})
    keep_nothing_of(data)

    def bookings(data, *, scale):
        CALLS.append({"scale": scale})
        return float(data.opportunities["amount"].sum() * scale)

    assert remember(bookings, data, scale=1.0) == remember(bookings, data, scale=1.0) == 5.0
    assert len(CALLS) == 2
    assert not store.exists()


def _warning_total(data, *, column: str) -> float:
    CALLS.append({"column": column})
    import warnings

    warnings.warn("left out: no csat table", UserWarning)
    return float(data["deals"][column].sum())


def test_what_a_kept_computation_warned_is_warned_again_when_it_is_read_back(store):
    with pytest.warns(UserWarning, match="left out: no csat table"):
        remember(_warning_total, _deals([1.0]), column="amount")
    with pytest.warns(UserWarning, match="left out: no csat table"):
        assert remember(_warning_total, _deals([1.0]), column="amount") == 1.0
    assert len(CALLS) == 1
