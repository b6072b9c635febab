"""The one stage resolver: open pipeline stages in funnel order, closed-stage names, step labels.

Everything in the workbench that needs to know the funnel asks this module: loading
(:func:`resolve_stages`, called by :func:`workbench.load`), the KPI engine including its
Parquet-direct path (:func:`stage_statistics` runs on any ibis backend), the diagnosis
and the CRM import (:func:`stage_outcome` reads won / lost from a stage name).

Rules
-----
* **Order.** From a stage config when given (``stages.csv`` / ``stages.toml``, a list, a
  ``{pipeline: [...]}`` dict, a DataFrame); else inferred from ``stage_history``: each
  stage's position in a deal is its rank in that deal's history by ``entered_at``
  (0 = first stage entered; ties by stage name), and stages are ordered by their median
  position, ties broken by mean position and then name.
* **Terminal stages are not open stages.** A stage is terminal when its name reads as a
  closed outcome (:func:`stage_outcome`: ``Closed Won``, ``closedlost``, ``赢单``, ``输单``,
  …) or, when inferring, when every entry into it is the last entry of a closed (won or
  lost) deal. Terminal stages are left out of configs and inferred orders alike.
* **Steps.** The funnel steps are ``<stage>→<next stage>`` and, after the last open stage,
  ``<stage>→won`` (:func:`stage_steps`); KPIs and diagnoses label steps this way.

Examples
--------
>>> import pandas as pd
>>> resolve_stages(["Lead", "Demo", "Proposal", "Closed Won"], {})
(('Lead', 'Demo', 'Proposal'), {'default': ('Lead', 'Demo', 'Proposal')})
>>> config = pd.DataFrame({"stage": ["Demo", "Lead"], "order": [2, 1]})
>>> resolve_stages(config, {})[0]
('Lead', 'Demo')
>>> stage_steps(("Lead", "Demo"))
['Lead→Demo', 'Demo→won']
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa

from workbench.errors import DataError

if TYPE_CHECKING:  # ibis is imported where a stage order is inferred: a cached load never pays for it
    import ibis

__all__ = [
    "WON_STEP",
    "resolve_stages",
    "infers_stages",
    "read_stage_config",
    "infer_stages",
    "stage_statistics",
    "open_stages",
    "stage_outcome",
    "stage_steps",
]

#: Where the last open stage leads for a won deal, in step labels (``Negotiation→won``).
WON_STEP = "won"

#: Stage names that mean the deal was won / lost (anchored at the start of the name).
_WON_NAME = re.compile(
    r"^(closed[\s_-]*won|won|win|赢单|成交|已成交|签约|已签约|已赢单)\b|^(赢单|成交|已成交|签约|已签约)", re.I
)
_LOST_NAME = re.compile(
    r"^(closed[\s_-]*lost|lost|loss|输单|丢单|已输单|已丢单|失败|已失败)\b|^(输单|丢单|已输单|已丢单|失败)", re.I
)


def _clean(text) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def stage_outcome(stage) -> str:
    """``won`` / ``lost`` / ``open`` from a stage name, by the usual CRM conventions.

    >>> stage_outcome("Closed Won"), stage_outcome("closedlost"), stage_outcome("赢单"), stage_outcome("Proposal")
    ('won', 'lost', 'won', 'open')
    """
    text = _clean(stage)
    if _WON_NAME.search(text):
        return "won"
    if _LOST_NAME.search(text):
        return "lost"
    return "open"


def stage_steps(stages: Sequence[str]) -> list[str]:
    """The funnel steps of open ``stages``: ``<stage>→<next>``, the last one ``<stage>→won``."""
    stages = list(stages)
    return [f"{a}→{b}" for a, b in zip(stages, [*stages[1:], WON_STEP])]


def _drop_closed(stages) -> tuple[str, ...]:
    return tuple(s for s in dict.fromkeys(map(str, stages)) if stage_outcome(s) == "open")


def _from_frame(frame: pd.DataFrame, origin: str) -> dict[str, tuple[str, ...]]:
    columns = {str(c).strip().lower(): c for c in frame.columns}
    if "stage" not in columns:
        raise DataError(f"{origin}: missing required column 'stage'; expected columns stage, order "
                        f"and optionally pipeline; found {list(frame.columns)}.", file=origin, column="stage")
    stage = frame[columns["stage"]].astype("str").str.strip()
    if "order" in columns:
        order = pd.to_numeric(frame[columns["order"]], errors="coerce")
        if order.isna().any():
            bad = frame.index[order.isna()][0]
            raise DataError(f"{origin}: column 'order' must be a number on every row; row {bad} is "
                            f"{frame[columns['order']].loc[bad]!r}.", file=origin, column="order", row=bad)
    else:
        order = pd.Series(range(len(frame)), index=frame.index, dtype="float64")
    pipeline = (frame[columns["pipeline"]].astype("str").str.strip().replace("", "default")
                if "pipeline" in columns else pd.Series("default", index=frame.index))
    table = pd.DataFrame({"pipeline": pipeline, "stage": stage, "order": order, "pos": range(len(frame))})
    table = table[table["stage"].ne("") & table["stage"].notna()]
    pipelines = {}
    for name in dict.fromkeys(table["pipeline"]):
        part = table[table["pipeline"] == name].sort_values(["order", "pos"], kind="stable")
        pipelines[name] = tuple(dict.fromkeys(part["stage"]))
    return pipelines


def read_stage_config(path) -> dict[str, tuple[str, ...]]:
    """Read ``stages.csv`` (``stage``, ``order``, optional ``pipeline``) or ``stages.toml``.

    A TOML file holds ``stages = ["Lead", ...]`` or a ``[pipelines]`` table of lists.
    Returns stages per pipeline as written (one pipeline is called ``default``);
    :func:`resolve_stages` then leaves closed stages out.
    """
    path = Path(path)
    if path.suffix.lower() == ".toml":
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
            raise DataError(f"{path}: cannot read the stage config: {err}", file=path) from None
        if "pipelines" in config and isinstance(config["pipelines"], Mapping):
            return {str(k): tuple(map(str, v)) for k, v in config["pipelines"].items()}
        if isinstance(config.get("stages"), list):
            return {"default": tuple(map(str, config["stages"]))}
        raise DataError(f"{path}: expected `stages = [...]` or a [pipelines] table of stage lists.", file=path)
    from workbench.io.readers import read_table_file

    return _from_frame(read_table_file(path), str(path))


def stage_statistics(history: ibis.Table, opportunities: ibis.Table | None = None) -> ibis.Table:
    """Per stage of ``history``: its median and mean position in deals and whether it is terminal by data.

    The ibis expression behind :func:`infer_stages`; it runs wherever the tables live
    (DuckDB in process, a Parquet scan, a warehouse). ``opportunities`` (``opportunity_id``,
    ``outcome``) tells which deals are closed; without it no stage is terminal by data.

    Returns
    -------
    ibis.Table
        ``stage, median_position, mean_position, closing_only`` (``closing_only``: every
        entry into the stage is the last entry of a closed deal). Pass the executed
        result to :func:`open_stages`.
    """
    import ibis

    h = history.select("opportunity_id", "stage", "entered_at")
    h = h.filter(h.stage.notnull() & h.opportunity_id.notnull())
    by_deal = ibis.window(group_by=h.opportunity_id, order_by=[h.entered_at, h.stage])
    ranked = h.mutate(position=ibis.row_number().over(by_deal),
                      entries=h.opportunity_id.count().over(ibis.window(group_by=h.opportunity_id)))
    if opportunities is not None:
        o = opportunities
        closed = o.filter(o.outcome.isin(("won", "lost"))).select(_closed_id=o.opportunity_id).distinct()
        ranked = ranked.left_join(closed, ranked.opportunity_id == closed._closed_id)
        closing = (ranked.position == ranked.entries - 1) & ranked._closed_id.notnull()
    else:
        closing = ibis.literal(False)
    ranked = ranked.mutate(_closing=closing)
    return ranked.group_by("stage").agg(
        median_position=ranked.position.median(),
        mean_position=ranked.position.mean(),
        closing_only=ranked._closing.all(),
    )


def open_stages(statistics: pd.DataFrame) -> tuple[str, ...]:
    """Open stages in funnel order from executed :func:`stage_statistics`.

    Leaves out stages that are terminal by data (``closing_only``) or by name
    (:func:`stage_outcome`), then sorts by median position, mean position and name.
    """
    if statistics is None or statistics.empty:
        return ()
    stats = statistics.assign(stage=statistics["stage"].astype(str))
    keep = ~stats["closing_only"].fillna(False).astype(bool) & stats["stage"].map(stage_outcome).eq("open")
    stats = stats[keep].sort_values(["median_position", "mean_position", "stage"], kind="stable")
    return tuple(stats["stage"])


#: :func:`stage_statistics` written out for DuckDB, run in process on DataFrames (``history``,
#: ``deals``): a load that infers the stage order does not import ibis (seconds on a cold start).
#: ``tests/io/test_io_stages.py`` checks it gives the ibis expression's statistics.
_STATISTICS_SQL = """
WITH h AS (
    SELECT opportunity_id, stage,
           ROW_NUMBER() OVER (PARTITION BY opportunity_id ORDER BY entered_at ASC, stage ASC) - 1 AS position,
           COUNT(opportunity_id) OVER (PARTITION BY opportunity_id) AS entries
    FROM history WHERE stage IS NOT NULL AND opportunity_id IS NOT NULL
), closed AS (
    SELECT DISTINCT opportunity_id AS _closed_id FROM deals WHERE outcome IN ('won', 'lost')
)
SELECT h.stage,
       QUANTILE_CONT(h.position, 0.5) AS median_position,
       AVG(h.position) AS mean_position,
       BOOL_AND((h.position = h.entries - 1) AND (closed._closed_id IS NOT NULL)) AS closing_only
FROM h LEFT JOIN closed ON h.opportunity_id = closed._closed_id
GROUP BY 1
"""


def _statistics_in_process(stage_history: pd.DataFrame, opportunities: pd.DataFrame | None) -> pd.DataFrame:
    """:func:`stage_statistics` of DataFrames: in NumPy when each deal's entries are consecutive
    rows in entry order (:func:`_statistics_of_grouped_history`), else in an in-process DuckDB
    over Arrow (no ibis)."""
    from workbench.io._fast import _duckdb_query

    grouped = _statistics_of_grouped_history(stage_history, opportunities)
    if grouped is not None:
        return grouped
    history = pa.Table.from_pandas(stage_history[["opportunity_id", "stage", "entered_at"]], preserve_index=False)
    if opportunities is not None:
        deals = pa.Table.from_pandas(opportunities[["opportunity_id", "outcome"]], preserve_index=False)
    else:  # no deals: no deal is closed, so no stage is terminal by data
        deals = pa.table({"opportunity_id": history.column("opportunity_id").slice(0, 0),
                          "outcome": pa.array([], type=pa.string())})
    return pd.DataFrame(_duckdb_query(_STATISTICS_SQL, history=history, deals=deals))


def _arrow(values: pd.Series) -> pa.Array:
    """A column as one Arrow array (no copy for one chunk)."""
    array = pa.array(values, from_pandas=True)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _statistics_of_grouped_history(stage_history: pd.DataFrame,
                                   opportunities: pd.DataFrame | None) -> pd.DataFrame | None:
    """:func:`stage_statistics` without sorting, when the history lists each deal's entries together.

    CRM exports (and the sample data) list a deal's stage entries as consecutive rows in
    the order they were entered. Then a stage entry's position in its deal is its offset
    in the deal's run of rows, and the statistics follow from a few passes over the rows:
    adjacent comparisons find the runs, one count of distinct run ids checks that no deal
    has two runs (skipped when the ids are sorted), and the deals are looked up among the
    closed ones only for the entries of stages that are never entered but last. Positions
    are small integers, so each stage's median (interpolated, as ``QUANTILE_CONT``) and
    mean come from a histogram of positions per stage, exactly as in SQL.

    Returns None, for the SQL to decide, when the rows are not in that order (a deal in two
    runs, entries out of ``entered_at`` / stage order in a deal), when any id, stage or
    entry time is missing, when the columns are not text and naive time stamps, or when a
    deal is so long that the histogram would be large.

    >>> history = pd.DataFrame({"opportunity_id": ["A", "A", "B", "B", "B"],
    ...                         "stage": ["Lead", "Won", "Lead", "Demo", "Lost"],
    ...                         "entered_at": pd.to_datetime(["2026-01-01", "2026-01-03", "2026-01-02",
    ...                                                       "2026-01-04", "2026-01-04"])})
    >>> deals = pd.DataFrame({"opportunity_id": ["A", "B"], "outcome": ["won", "lost"]})
    >>> _statistics_of_grouped_history(history, deals)
      stage  median_position  mean_position  closing_only
    0  Lead              0.0            0.0         False
    1   Won              1.0            1.0          True
    2  Demo              1.0            1.0         False
    3  Lost              2.0            2.0          True
    >>> _statistics_of_grouped_history(history.iloc[[0, 2, 1, 3, 4]], deals) is None   # deal A in two runs
    True
    """
    import numpy as np
    import pyarrow.compute as pc

    from workbench.io._fast import is_text_array

    entered = stage_history["entered_at"]
    if not (isinstance(entered.dtype, np.dtype) and entered.dtype.kind == "M") or len(stage_history) < 2:
        return None
    ids, names = _arrow(stage_history["opportunity_id"]), _arrow(stage_history["stage"])
    if not (is_text_array(ids) and is_text_array(names)) or ids.null_count or names.null_count or entered.isna().any():
        return None
    n = len(ids)
    # runs of rows of one deal
    same_deal = pc.equal(ids.slice(1), ids.slice(0, n - 1)).to_numpy(zero_copy_only=False)
    starts = np.flatnonzero(~same_deal) + 1
    starts = np.concatenate([[0], starts])
    if not pc.all(pc.less_equal(ids.slice(0, n - 1), ids.slice(1))).as_py():  # ids not sorted: one run per deal?
        if pc.count_distinct(ids.take(pa.array(starts))).as_py() != len(starts):
            return None
    # in entry order inside each run: by entered_at, ties by stage name
    stamps = entered.to_numpy()
    later, tied = stamps[1:] > stamps[:-1], stamps[1:] == stamps[:-1]
    out_of_order = same_deal & ~later & ~tied
    if out_of_order.any():
        return None
    ties = np.flatnonzero(same_deal & tied)
    if len(ties) and not pc.all(pc.greater_equal(names.take(pa.array(ties + 1)), names.take(pa.array(ties)))).as_py():
        return None
    lengths = np.diff(np.append(starts, n))
    encoded = pc.dictionary_encode(names)
    n_stages, width = len(encoded.dictionary), int(lengths.max())
    if n_stages * width > 4 * n + 4096:  # a histogram of positions per stage would be big: let SQL sort
        return None
    run = np.repeat(np.arange(len(starts)), lengths)
    position = np.arange(n) - starts[run]
    last = np.append(~same_deal, True)  # the deal's last entry
    stage = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    counts = np.bincount(stage * width + position, minlength=n_stages * width).reshape(n_stages, width)
    entries = counts.sum(axis=1)
    cumulative = counts.cumsum(axis=1)
    # QUANTILE_CONT(position, 0.5): the values at ranks floor and ceil of (n - 1) / 2, interpolated halfway
    # (the value at rank r is the number of positions whose running count is at most r)
    low = (cumulative <= ((entries - 1) // 2)[:, None]).sum(axis=1)
    high = (cumulative <= (entries // 2)[:, None]).sum(axis=1)
    median = low + (high - low) * 0.5
    mean = np.bincount(stage, weights=position, minlength=n_stages) / entries
    # closing only: every entry is the last of its deal, and that deal is closed
    closing = np.bincount(stage, weights=~last, minlength=n_stages) == 0
    if opportunities is None:
        closing[:] = False
    elif closing.any():
        deal_ids, outcomes = _arrow(opportunities["opportunity_id"]), _arrow(opportunities["outcome"])
        if not (is_text_array(deal_ids) and is_text_array(outcomes)):
            return None
        closed_ids = deal_ids.filter(pc.is_in(outcomes, value_set=pa.array(["won", "lost"])).fill_null(False))
        rows = np.flatnonzero(closing[stage])  # the entries of the stages still in question, all last ones
        closed = pc.is_in(ids.take(pa.array(rows)), value_set=closed_ids.cast(ids.type)).to_numpy(
            zero_copy_only=False)
        closing &= np.bincount(stage[rows], weights=~closed, minlength=n_stages) == 0
    return pd.DataFrame({"stage": encoded.dictionary.to_pylist(), "median_position": median,
                         "mean_position": mean, "closing_only": closing})


def infer_stages(stage_history, opportunities=None) -> tuple[str, ...]:
    """Open stages in funnel order, inferred from the stage histories of deals.

    See the module rules. Accepts pandas DataFrames (run in an in-process DuckDB, without
    ibis) or ibis tables (:func:`stage_statistics`, run on their backend).

    >>> import pandas as pd
    >>> history = pd.DataFrame({
    ...     "opportunity_id": ["A", "A", "A", "B", "B"],
    ...     "stage": ["Lead", "Demo", "Signed", "Lead", "Demo"],
    ...     "entered_at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-02-01", "2026-01-02", "2026-01-09"])})
    >>> deals = pd.DataFrame({"opportunity_id": ["A", "B"], "outcome": ["won", "open"]})
    >>> infer_stages(history, deals)
    ('Lead', 'Demo')
    """
    if stage_history is None:
        return ()
    if isinstance(stage_history, pd.DataFrame):
        if stage_history.empty:
            return ()
        deals = opportunities if opportunities is not None and "outcome" in opportunities else None
        return open_stages(_statistics_in_process(stage_history, deals))
    statistics = stage_statistics(stage_history, opportunities).to_pyarrow().to_pandas()
    return open_stages(statistics)


def infers_stages(stages) -> bool:
    """Whether :func:`resolve_stages` infers the order from the tables for this ``stages`` argument
    (None or an empty config), rather than reading it from the config.

    >>> infers_stages(None), infers_stages([]), infers_stages(["Lead", "Demo"]), infers_stages("stages.csv")
    (True, True, False, False)
    """
    return stages is None or (not isinstance(stages, (str, Path)) and len(stages) == 0)


def resolve_stages(stages, tables: Mapping) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Open stages in funnel order and open stages per pipeline, from a config or inferred.

    ``stages`` may be None (infer from ``tables['stage_history']``), a list of names, a
    ``{pipeline: [names]}`` dict, a DataFrame (``stage``, ``order``, optional
    ``pipeline``) or a path to ``stages.csv`` / ``stages.toml``; an empty config counts as
    none. Stage names that read as a closed outcome (``Closed Won``, ``赢单``, …) are left out.
    """
    if infers_stages(stages):
        inferred = infer_stages(tables.get("stage_history"), tables.get("opportunities"))
        return inferred, ({"default": inferred} if inferred else {})
    if isinstance(stages, (str, Path)):
        pipelines = read_stage_config(stages)
    elif isinstance(stages, pd.DataFrame):
        pipelines = _from_frame(stages, "stages")
    elif isinstance(stages, Mapping):
        pipelines = {str(k): tuple(map(str, v)) for k, v in stages.items()}
    elif isinstance(stages, Sequence):
        pipelines = {"default": tuple(map(str, stages))}
    else:
        raise TypeError(f"stages must be a list, a dict, a DataFrame or a path; got {type(stages).__name__}.")
    pipelines = {name: _drop_closed(names) for name, names in pipelines.items()}
    first = next(iter(pipelines.values()), ())
    return tuple(first), pipelines
