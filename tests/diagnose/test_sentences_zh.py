"""The diagnosis' sentences in Chinese: why a driver was not tested, with no English left."""

from __future__ import annotations

import pytest

from tests.sentences import CJK, data_words, english_left
from workbench import load
from workbench.diagnose import diagnose
from workbench.diagnose.drivers import _UNTESTED
from workbench.messages import MESSAGES
from workbench.sample import generate_sample


@pytest.fixture(scope="module")
def data():
    """The small sample without surveys and orders: their drivers cannot be tested."""
    sample = generate_sample(n_reps=12, months=24, seed=1)
    return load({name: table for name, table in sample.items() if name not in ("surveys", "orders")})


def test_every_reason_is_in_the_catalogue():
    keys = {key for checks in _UNTESTED.values() for _, key in checks} | {"too_little", "one_entity"}
    assert sorted(k for k in keys if f"pkg.diagnose.untested.{k}" not in MESSAGES) == []


def test_not_tested_reasons_in_chinese(data):
    not_tested = diagnose(data, period="2026-Q1").not_tested
    assert {"low_csat", "order_cancellations"} <= set(not_tested["driver"])
    assert not_tested["reason_zh"].map(lambda t: bool(CJK.search(t))).all()
    assert not_tested["label_zh"].map(lambda t: bool(CJK.search(t))).all()
    left = english_left(not_tested["reason_zh"], not_tested["reason"], data_words(data))
    assert left == [], not_tested[["reason", "reason_zh"]].drop_duplicates().to_string()
