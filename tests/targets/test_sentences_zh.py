"""The what-if model's notes in Chinese: the same notes, in the same order, with no English left."""

from __future__ import annotations

from tests.sentences import CJK, data_words, english_left
from workbench import load
from workbench.sample import generate_sample
from workbench.targets import WhatIfModel


def test_whatif_notes_in_chinese():
    """Data with no stage history and no activity log on a short history: the win model says so."""
    sample = generate_sample(n_reps=12, months=12, seed=1)
    data = load({k: v for k, v in sample.items() if k not in ("stage_history", "activities")})
    model = WhatIfModel(n_sims=200).fit(data, shock_sd=0.3)
    en, zh = model.notes_, model.notes_zh_
    assert len(en) == len(zh) and len(en) >= 3
    assert all(CJK.search(t) for t in zh)
    assert english_left(zh, en, data_words(data)) == []
