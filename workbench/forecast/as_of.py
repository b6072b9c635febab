"""The data as the CRM showed it at a past date: the base of every pipeline backtest.

:func:`data_as_of` rebuilds what a manager would have seen at ``t``: deals created after
``t`` are not there yet; deals closed after ``t`` were still open, in the stage they had
reached at ``t``; activities, stage changes, orders, surveys, skill assessments and
training logged after ``t`` had not happened. Targets (set in advance), the market
table, the training catalogue and the reps are kept as they are.
"""

from __future__ import annotations

import pandas as pd

from workbench.io.load import as_sales_data
from workbench.io.sales_data import SalesData

__all__ = ["data_as_of"]

#: Per optional table, the column dating each row: rows dated after ``t`` are dropped.
_DATED = {"activities": "at", "orders": "ordered_at", "surveys": "at", "skills": "assessed_at",
          "training_log": "completed_at", "stage_history": "entered_at"}
#: Columns of a deal that are only known once it has closed.
_CLOSING = ("lost_reason", "competitor")


def _isin(values: pd.Series, wanted) -> pd.Series:
    """``values.isin(wanted)``, hashed as Python objects: pandas' ``str`` dtype turns every wanted
    value into a pyarrow scalar one by one, which took seconds per call on the sample data.

    >>> _isin(pd.Series(["O1", "O2", None], dtype="str"), pd.Series(["O2", "O3"], dtype="str")).tolist()
    [False, True, False]
    """
    return values.astype(object).isin(wanted.astype(object))


def _stage_config(data: SalesData):
    if len(data.pipelines) > 1:
        return {name: list(stages) for name, stages in data.pipelines.items()}
    return list(data.stages) if data.stages else None


def data_as_of(data, t, *, tables=None) -> SalesData:
    """The sales data as it stood at ``t`` (a pure function: ``data`` is not changed).

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
    t : date-like
        The moment to go back to. Anything dated at or before ``t`` is known.
    tables : sequence of str, optional
        Keep only these tables (``reps`` and ``opportunities`` always): quicker when only
        some are needed, e.g. ``("reps", "opportunities", "stage_history")``.

    Returns
    -------
    SalesData
        Loaded through :func:`workbench.io.load.as_sales_data` with the source's stage
        order. In ``opportunities``: deals created after ``t`` are dropped; deals closed
        after ``t`` have ``outcome`` "open", no ``closed_at``, ``lost_reason`` or
        ``competitor``, and the ``stage`` of their last ``stage_history`` entry at or
        before ``t`` (else the first open stage of the stage config, else "unknown");
        ``first_touch_at`` after ``t`` is cleared. ``stage_history``, ``activities``,
        ``orders``, ``surveys``, ``skills`` and ``training_log`` rows dated after ``t``
        (or about a deal dropped) are dropped. ``reps``, ``targets``, ``market`` and
        ``training_catalog`` are kept.

    Examples
    --------
    >>> import pandas as pd
    >>> reps = pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "team": ["East"], "region": ["N"]})
    >>> deals = pd.DataFrame({
    ...     "opportunity_id": ["O1", "O2", "O3"], "rep_id": "R1", "amount": [100.0, 200.0, 300.0],
    ...     "created_at": ["2026-01-05", "2026-01-10", "2026-03-01"],
    ...     "closed_at": ["2026-01-20", "2026-02-15", None], "stage": ["Won", "Won", "Demo"],
    ...     "outcome": ["won", "won", "open"]})
    >>> history = pd.DataFrame({"opportunity_id": ["O2", "O2", "O2"], "stage": ["Lead", "Demo", "Won"],
    ...                         "entered_at": ["2026-01-10", "2026-01-25", "2026-02-15"]})
    >>> then = data_as_of({"reps": reps, "opportunities": deals, "stage_history": history}, "2026-02-01")
    >>> then.opportunities[["opportunity_id", "stage", "outcome", "closed_at"]]
      opportunity_id stage outcome  closed_at
    0             O1   Won     won 2026-01-20
    1             O2  Demo    open        NaT
    >>> len(then.stage_history)
    2
    """
    data = as_sales_data(data, caller="data_as_of")
    t = pd.Timestamp(t)
    if pd.isna(t):
        raise ValueError(f"data_as_of needs a date for t; got {t!r}.")
    wanted = None if tables is None else {"reps", "opportunities", *tables}
    tables = {name: frame for name, frame in data.tables.items() if wanted is None or name in wanted}
    opps = tables["opportunities"]
    opps = opps[opps["created_at"] <= t].copy()
    reopen = opps["closed_at"].notna() & (opps["closed_at"] > t)
    stage = pd.Series("unknown", index=opps.index, dtype=object)
    if data.stages:
        stage[:] = data.stages[0]
    history = tables.get("stage_history")
    if history is not None and len(history):
        known = history[(history["entered_at"] <= t) & _isin(history["opportunity_id"], opps["opportunity_id"])]
        last = known.sort_values("entered_at").groupby("opportunity_id")["stage"].last()
        ids = opps["opportunity_id"]
        stage = stage.where(~_isin(ids, last.index), ids.map(last))
    opps.loc[reopen, "stage"] = stage[reopen]
    opps.loc[reopen, "outcome"] = "open"
    opps.loc[reopen, "closed_at"] = pd.NaT
    for col in _CLOSING:
        if col in opps.columns:
            opps.loc[reopen, col] = None
    if "first_touch_at" in opps.columns:
        opps.loc[opps["first_touch_at"] > t, "first_touch_at"] = pd.NaT
    tables["opportunities"] = opps
    kept = opps["opportunity_id"]
    for name, column in _DATED.items():
        frame = tables.get(name)
        if frame is None:
            continue
        keep = ~(frame[column] > t)
        if "opportunity_id" in frame.columns:
            keep &= frame["opportunity_id"].isna() | _isin(frame["opportunity_id"], kept)
        tables[name] = frame[keep]
    return as_sales_data(tables, caller="data_as_of", stages=_stage_config(data))
