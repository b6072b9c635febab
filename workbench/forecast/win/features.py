"""Cycle-relative deal features: age against the usual won cycle, days in stage against peers.

A deal's raw age says little on its own: 90 days is young for an enterprise platform and
old for an add-on. The win model therefore sees age as a share of the *usual cycle* (the
median creation-to-win time of won deals) and days in the current stage as a multiple of
the median time deals spend in that stage (*stage velocity*). Age is split in two:

* ``cycle_progress`` = ``min(age / usual cycle, 1)``, free to move the odds either way;
* ``overdue`` = ``log(1 + max(age / usual cycle - 1, 0))``, the part beyond the usual cycle,
  whose coefficient the model keeps at or below zero: being older than the usual cycle
  never raises a deal's win probability.

The norms are learned on the training period only (:func:`cycle_norms`), then applied to
any snapshot (:func:`add_cycle_features`).

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"age_days": [30.0, 60.0, 180.0], "stage": ["Demo"] * 3, "days_in_stage": [5.0, 10, 40]})
>>> out = add_cycle_features(rows, {"cycle_days": 60.0, "stage_days": {"Demo": 10.0}})
>>> out[["cycle_progress", "overdue", "log_stage_velocity"]].round(3)
   cycle_progress  overdue  log_stage_velocity
0             0.5    0.000               0.405
1             1.0    0.000               0.693
2             1.0    1.099               1.609
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["cycle_norms", "add_cycle_features", "CYCLE_FEATURES", "NONPOSITIVE_FEATURES"]

#: Features added by :func:`add_cycle_features`.
CYCLE_FEATURES = ["cycle_progress", "overdue", "log_stage_velocity"]
#: Features whose effect on the win odds may only be negative (or none).
NONPOSITIVE_FEATURES = ("overdue",)


def cycle_norms(opportunities: pd.DataFrame, stage_history: pd.DataFrame | None, before) -> dict:
    """The usual won cycle and the median days per stage, from what was known before ``before``.

    Parameters
    ----------
    opportunities : DataFrame
        Contract ``opportunities`` (``created_at``, ``closed_at``, ``outcome``).
    stage_history : DataFrame or None
        Contract ``stage_history``; without it ``stage_days`` is empty.
    before : date-like
        Only deals won, and stage visits completed, before this moment count.

    Returns
    -------
    dict
        ``cycle_days`` (median days from creation to win; at least 1) and ``stage_days``
        (stage name → median days a completed visit of that stage lasted; at least 0.5).

    Examples
    --------
    >>> opps = pd.DataFrame({"created_at": pd.to_datetime(["2026-01-01", "2026-01-01", "2026-02-01"]),
    ...                      "closed_at": pd.to_datetime(["2026-01-31", "2026-03-02", "2026-02-11"]),
    ...                      "outcome": ["won", "won", "lost"]})
    >>> cycle_norms(opps, None, "2026-12-31")
    {'cycle_days': 45.0, 'stage_days': {}}
    """
    before = pd.Timestamp(before)
    won = opportunities[(opportunities["outcome"] == "won") & (opportunities["closed_at"] < before)]
    days = (won["closed_at"] - won["created_at"]).dt.total_seconds() / 86400
    cycle = float(np.nanmedian(days)) if len(days) else float("nan")
    if not np.isfinite(cycle):
        closed = opportunities[opportunities["closed_at"].notna() & (opportunities["closed_at"] < before)]
        every = (closed["closed_at"] - closed["created_at"]).dt.total_seconds() / 86400
        cycle = float(np.nanmedian(every)) if len(every) else 30.0
    stage_days: dict = {}
    if stage_history is not None and len(stage_history):
        h = stage_history[["opportunity_id", "stage", "entered_at"]].dropna().sort_values(["opportunity_id",
                                                                                           "entered_at"])
        nxt = h.groupby("opportunity_id")["entered_at"].shift(-1)
        done = nxt.notna() & (nxt < before)
        spent = (nxt[done] - h.loc[done, "entered_at"]).dt.total_seconds() / 86400
        med = spent.groupby(h.loc[done, "stage"].astype(str)).median()
        stage_days = {str(k): max(float(v), 0.5) for k, v in med.items()}
    return {"cycle_days": max(cycle, 1.0), "stage_days": stage_days}


def add_cycle_features(rows: pd.DataFrame, norms: dict) -> pd.DataFrame:
    """A copy of snapshot ``rows`` with :data:`CYCLE_FEATURES` computed from ``norms``.

    ``log_stage_velocity`` = ``log(1 + days in stage / median days in that stage)``; it is
    missing where the stage has no norm (no stage history, or an ``unknown`` stage).
    """
    out = rows.copy()
    ratio = out["age_days"].astype(float) / norms["cycle_days"]
    out["cycle_progress"] = ratio.clip(lower=0, upper=1)
    out["overdue"] = np.log1p((ratio - 1).clip(lower=0))
    typical = out["stage"].astype(str).map(norms["stage_days"]).astype(float)
    out["log_stage_velocity"] = np.log1p(out["days_in_stage"].astype(float).clip(lower=0) / typical)
    return out
