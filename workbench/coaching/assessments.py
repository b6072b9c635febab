"""Skill assessments: each rep's latest assessed score per skill, as of a date.

The one rule every coaching view uses (plans, mentors, reviews, the app): the latest
assessment *before* a date counts; later ones are not known yet.

Examples
--------
>>> import pandas as pd
>>> skills = pd.DataFrame({"rep_id": ["r1", "r1", "r1"], "skill": ["closing"] * 3,
...     "score": [60.0, 72.0, 90.0], "assessed_at": pd.to_datetime(["2025-07-15", "2026-01-15", "2026-07-15"])})
>>> latest_scores(skills, "2026-04-01")[["rep_id", "skill", "score"]]
  rep_id    skill  score
0     r1  closing   72.0
"""

from __future__ import annotations

import pandas as pd

__all__ = ["latest_scores"]

_COLUMNS = ["rep_id", "skill", "score", "assessed_at"]


def latest_scores(skills: pd.DataFrame | None, before=None) -> pd.DataFrame:
    """Each rep's latest assessed score per skill, among assessments before ``before``.

    Parameters
    ----------
    skills : DataFrame or None
        The ``skills`` table (``rep_id, skill, score, assessed_at``); None gives an empty frame.
    before : date-like, optional
        Assessments on or after it are left out (a period's exclusive end); all count without it.

    Returns
    -------
    DataFrame
        ``rep_id, skill, score, assessed_at``, sorted by ``skill`` then ``rep_id``.
    """
    if skills is None or skills.empty:
        return pd.DataFrame({"rep_id": pd.Series(dtype=object), "skill": pd.Series(dtype=object),
                             "score": pd.Series(dtype=float), "assessed_at": pd.Series(dtype="datetime64[ns]")})
    rows = skills[_COLUMNS]
    rows = rows[rows["score"].notna()]
    if before is not None:
        rows = rows[pd.to_datetime(rows["assessed_at"]) < pd.Timestamp(before)]
    rows = rows.astype({"rep_id": str, "skill": str}).sort_values(["skill", "rep_id", "assessed_at"], kind="stable")
    return rows.drop_duplicates(["skill", "rep_id"], keep="last").reset_index(drop=True)
