"""Pipeline stages in funnel order: from a config, or inferred from stage_history.

Examples
--------
>>> import pandas as pd
>>> resolve_stages(["Lead", "Demo", "Proposal"], {})
(('Lead', 'Demo', 'Proposal'), {'default': ('Lead', 'Demo', 'Proposal')})
>>> config = pd.DataFrame({"stage": ["Demo", "Lead"], "order": [2, 1]})
>>> resolve_stages(config, {})[0]
('Lead', 'Demo')
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from workbench.errors import DataError
from workbench.io._fast import isin

__all__ = ["resolve_stages", "read_stage_config", "infer_stages"]


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
    Returns stages per pipeline in funnel order (one pipeline is called ``default``).
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


def infer_stages(stage_history: pd.DataFrame | None, opportunities: pd.DataFrame | None) -> tuple[str, ...]:
    """Open stages in funnel order, inferred from the stage histories of deals.

    Each stage's position in a deal is its rank in that deal's history by ``entered_at``
    (0 = first stage entered). Stages are ordered by their median position, ties broken
    by mean position and then name. A stage is **terminal** (won / lost, not an open
    stage) when every entry into it is the last entry of a closed (won or lost) deal;
    terminal stages are left out.

    >>> import pandas as pd
    >>> history = pd.DataFrame({
    ...     "opportunity_id": ["A", "A", "A", "B", "B"],
    ...     "stage": ["Lead", "Demo", "Closed Won", "Lead", "Demo"],
    ...     "entered_at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-02-01", "2026-01-02", "2026-01-09"])})
    >>> deals = pd.DataFrame({"opportunity_id": ["A", "B"], "outcome": ["won", "open"]})
    >>> infer_stages(history, deals)
    ('Lead', 'Demo')
    """
    if stage_history is None or stage_history.empty:
        return ()
    history = stage_history[["opportunity_id", "stage", "entered_at"]].dropna(subset=["stage"])
    deal, deal_ids = pd.factorize(history["opportunity_id"])
    entered = history["entered_at"].to_numpy(dtype="datetime64[ns]").astype("int64")
    order = np.lexsort((entered, deal))  # by deal, then time entered
    deal_sorted = deal[order]
    starts = np.r_[0, np.flatnonzero(np.diff(deal_sorted)) + 1]
    sizes = np.diff(np.r_[starts, len(deal_sorted)])
    position = np.arange(len(deal_sorted)) - np.repeat(starts, sizes)
    is_last = position == np.repeat(sizes, sizes) - 1
    if opportunities is not None and "outcome" in opportunities:
        closed_ids = opportunities.loc[isin(opportunities["outcome"], ["won", "lost"]), "opportunity_id"]
        closed = isin(pd.Series(deal_ids), closed_ids)[deal_sorted]
    else:
        closed = np.zeros(len(order), dtype=bool)
    stage_code, stage_names = pd.factorize(history["stage"])
    frame = pd.DataFrame({"stage": stage_code[order], "position": position, "closing": is_last & closed})
    stats = frame.groupby("stage").agg(median=("position", "median"), mean=("position", "mean"),
                                       terminal=("closing", "all"))
    stats = stats[~stats["terminal"]].reset_index()
    stats["stage"] = np.asarray(stage_names, dtype=object)[stats["stage"].to_numpy()]
    stats = stats.sort_values(["median", "mean", "stage"], kind="stable")
    return tuple(stats["stage"].astype(str))


def resolve_stages(stages, tables: Mapping) -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """Stages in funnel order and stages per pipeline, from a config or inferred.

    ``stages`` may be None (infer from ``tables['stage_history']``), a list of names, a
    ``{pipeline: [names]}`` dict, a DataFrame (``stage``, ``order``, optional
    ``pipeline``) or a path to ``stages.csv`` / ``stages.toml``.
    """
    if stages is None:
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
    first = next(iter(pipelines.values()), ())
    return tuple(first), pipelines
