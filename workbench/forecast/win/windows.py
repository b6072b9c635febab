"""Time windows for training, calibrating and testing the win model, with fallbacks for short data.

Wins take longer than losses, so deals closed recently are mostly quick losses. To avoid
that censoring bias every window sits one sales cycle back (the *maturity lag*, the 90th
percentile of closed deals' cycle in months): snapshots before ``cal_start`` whose deals
closed before ``cal_start + lag`` train the model, snapshots in the next
``calibration_months`` calibrate it, and snapshots in the ``holdout_months`` before
``data end − lag`` measure it.

A short history (a 10-month CRM export) has no room for three such windows.
:func:`plan_windows` then tries, in order, and keeps the first plan whose windows each
hold enough won and lost deals (:data:`MIN_DEALS`), with a training window at least as
large (in deals) as each of the other two — a model trained on one early month of a short
export learns that month's oddities, not the funnel:

1. the windows asked for;
2. smaller windows (two months each, then one);
3. no hold-out window: the hold-out scores are NaN and say why;
4. calibration merged into training (cross-fitted on the training deals);
5. a maturity lag of one month, then none (every closed snapshot trains the model; a
   note warns that recent losses are over-represented).

Each step taken is written as a plain sentence in ``WindowPlan.notes`` (and in Chinese in
``WindowPlan.notes_zh``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from workbench.messages import message

__all__ = ["WindowPlan", "plan_windows", "MIN_DEALS"]

#: Won and lost deals (each) a window needs to be used.
MIN_DEALS = {"training": 100, "calibration": 20, "hold-out": 20}


@dataclass
class WindowPlan:
    """The windows chosen: boundaries, sizes and what was given up to fit the data."""

    lag: int
    holdout_months: int
    calibration_months: int
    cal_start: pd.Timestamp
    test_start: pd.Timestamp
    test_end: pd.Timestamp
    mode: str = "three windows"
    notes: list = field(default_factory=list)
    notes_zh: list = field(default_factory=list)

    def say(self, key: str, **fields) -> None:
        """Add the catalogue's sentence ``key`` to :attr:`notes` and its Chinese to :attr:`notes_zh`."""
        self.notes.append(message(key, "en", **fields))
        self.notes_zh.append(message(key, "zh", **fields))

    @property
    def train_end(self) -> pd.Timestamp:
        """Where the training window's information stops (norms are learned before it)."""
        return self.cal_start


def _counts(part: pd.DataFrame) -> tuple[int, int]:
    deals = part.drop_duplicates("opportunity_id")
    won = int((deals["outcome"] == "won").sum())
    return won, len(deals) - won


def _cut(closed, data_end, lag, h, c):
    month = lambda k: pd.DateOffset(months=k)  # noqa: E731
    last_month = pd.Timestamp(data_end).to_period("M").start_time
    test_end = last_month - month(max(lag - 1, 0)) if lag > 0 else pd.Timestamp(data_end) + pd.Timedelta(seconds=1)
    test_start = test_end - month(h) if h else test_end
    cal_start = test_start - month(c) if c else test_start
    a, e = closed["as_of"], closed["closed_at"]
    lag_off = month(lag)
    train = closed[(a < cal_start) & (e < cal_start + lag_off)]
    cal = closed[(a >= cal_start) & (a < test_start) & (e < test_start + lag_off)]
    test = closed[(a >= test_start) & (a < test_end)]
    return (train, cal, test), (cal_start, test_start, test_end)


def _enough(part, need) -> bool:
    won, lost = _counts(part)
    return won >= need and lost >= need


def plan_windows(closed: pd.DataFrame, data_end, lag: int, holdout_months: int, calibration_months: int):
    """Split closed deals' snapshots into training, calibration and hold-out windows.

    Parameters
    ----------
    closed : DataFrame
        Snapshots of closed deals (``opportunity_id, as_of, closed_at, outcome``).
    data_end : Timestamp
        Last moment covered by the data.
    lag : int
        Maturity lag in months.
    holdout_months, calibration_months : int
        Window sizes asked for.

    Returns
    -------
    (train, cal, test, plan)
        Three DataFrames (``cal`` and ``test`` may be empty) and the :class:`WindowPlan`.
    """
    h0, c0 = holdout_months, calibration_months
    sizes = [(h0, c0)]
    for k in (2, 1):
        if (min(h0, k), min(c0, k)) not in sizes:
            sizes.append((min(h0, k), min(c0, k)))
    tries = [(lag, h, c, "three windows") for h, c in sizes]
    tries += [(lag, 0, c, "no hold-out") for c in sorted({min(c0, 2), 1}, reverse=True)]
    tries += [(lag, 0, 0, "merged calibration")]
    tries += [(k, 0, 0, "merged calibration") for k in (1, 0) if k < lag]
    for k, h, c, mode in tries:
        (train, cal, test), (cal_start, test_start, test_end) = _cut(closed, data_end, k, h, c)
        n_train = train["opportunity_id"].nunique()
        ok = _enough(train, MIN_DEALS["training"]) and (c == 0 or _enough(cal, MIN_DEALS["calibration"])) \
            and (h == 0 or _enough(test, MIN_DEALS["hold-out"])) \
            and n_train >= max(cal["opportunity_id"].nunique(), test["opportunity_id"].nunique())
        if ok:
            break
    else:
        # nothing fits the minimum counts: every closed snapshot trains the model
        k, h, c, mode = 0, 0, 0, "all history"
        (train, cal, test), (cal_start, test_start, test_end) = _cut(closed, data_end, 0, 0, 0)
    plan = WindowPlan(k, h, c, cal_start, test_start, test_end, mode)
    won, lost = _counts(train)
    if (h, c) != (h0, c0) and h and c:
        plan.say("pkg.win.windows_cut", c=c, h=h, c0=c0, h0=h0)
    if h == 0:
        plan.say("pkg.win.no_holdout")
    if c == 0:
        plan.say("pkg.win.no_calibration")
    if k < lag:
        plan.say("pkg.win.short_lag", lag=lag, k=k)
    if mode == "all history":
        plan.say("pkg.win.few_deals", won=won, lost=lost)
    return train, cal, test, plan
