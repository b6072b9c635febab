"""Gap decomposition along the funnel with LMDI (log-mean Divisia index, additive form).

The funnel identity of an entity over the window is exact::

    bookings = activities × (decided deals / activity) × Π_steps (pass rate) × average won deal

(``activities`` and the deals-per-activity factor collapse into ``opportunities`` when there
is no activity table; the pass rates of the funnel steps multiply to the win rate, and
without stage history the win rate is the single step). The factors are declared in
:mod:`workbench.diagnose.funnel`. Comparing an entity with
a reference funnel (the leave-one-out median of each factor over comparable peers), the
LMDI weights ``L(V1, V0) = (V1 − V0) / (ln V1 − ln V0)`` give each factor the part
``L · ln(x1 / x0)``; the parts add up to ``V1 − V0`` exactly. When a target exists, one
more part, ``target_vs_peers`` (peer-typical bookings − target), closes the path from the
target to the actual bookings, so all parts sum to ``actual − target``.

Zeros (a rep with no win) follow the analytical limit of LMDI: the whole difference goes
to the first factor that is zero. Undefined factors (0/0, e.g. the average deal of a rep
with no win) take the reference value and contribute nothing.

Examples
--------
>>> import numpy as np
>>> from workbench.diagnose.decomposition import lmdi
>>> lmdi(np.array([[2.0, 2.0]]), np.array([[1.0, 1.0]])).round(4).tolist()
[[1.5, 1.5]]
>>> lmdi(np.array([[4.0, 3.0]]), np.array([[2.0, 3.0]])).tolist()
[[6.0, 0.0]]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.diagnose import stats
from workbench.diagnose.funnel import funnel_steps

__all__ = ["lmdi", "funnel_factors", "decompose", "DECOMPOSITION_COLUMNS"]

DECOMPOSITION_COLUMNS = [
    "entity_type", "entity_id", "component", "detail", "actual", "benchmark", "contribution",
    "target", "peer_bookings", "actual_bookings", "reference", "gap",
]


def lmdi(actual: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Additive LMDI parts: row i, factor k → contribution to ``Π actual_i − Π reference_i``.

    Parameters
    ----------
    actual, reference : ndarray, shape (n_entities, n_factors)
        Non-negative factor values whose row products are the quantities compared.

    Returns
    -------
    ndarray, same shape; each row sums to the difference of the row products.
    """
    x1 = np.asarray(actual, float)
    x0 = np.asarray(reference, float)
    v1, v0 = x1.prod(axis=1), x0.prod(axis=1)
    out = np.zeros_like(x1)
    both = (v1 > 0) & (v0 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.log(x1[both] / x0[both])
        d_log = np.log(v1[both]) - np.log(v0[both])
        same = np.isclose(d_log, 0.0, atol=1e-12)
        weight = np.where(same, v1[both], (v1[both] - v0[both]) / np.where(same, 1.0, d_log))
    out[both] = weight[:, None] * log_ratio
    for i in np.flatnonzero(~both):
        if v1[i] == v0[i]:
            continue
        zero_side = x1[i] if v1[i] == 0 else x0[i]
        k = int(np.flatnonzero(zero_side == 0)[0])
        out[i, k] = v1[i] - v0[i]
    return out


def funnel_factors(
    closed: pd.DataFrame, stages: tuple, activities: pd.Series | None, index, measured: bool = True,
    counts: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Funnel factors per entity; columns are ``(component, detail)`` in funnel order
    (see :data:`workbench.diagnose.funnel.COMPONENTS`).

    Factors whose value is undefined (0/0) are NaN; the caller fills them with the reference.
    The frame's ``attrs`` hold the ``bookings`` and ``decided`` deals per entity.
    ``counts``, when given, are the ``decided``, ``wins`` and ``bookings`` of ``closed`` per
    entity of ``index`` already counted (the diagnosis's funnel facts of a level), not counted again.
    """
    if counts is None:
        decided = closed.groupby("entity").size().reindex(index).fillna(0.0)
        won = closed[closed["won"]]
        wins = won.groupby("entity").size().reindex(index).fillna(0.0)
        bookings = won.groupby("entity")["amount"].sum().reindex(index).fillna(0.0)
    else:
        decided, wins, bookings = (counts[c].reindex(index) for c in ("decided", "wins", "bookings"))
    cols = {}
    if activities is not None:
        acts = activities.reindex(index).fillna(0.0)
        cols[("activities", "")] = acts
        cols[("opportunities_per_activity", "")] = decided / acts.where(acts > 0)
    else:
        cols[("opportunities", "")] = decided
    reached = closed["reached"].to_numpy()
    # deals at and past each step per entity: the entities hashed once, then integer counts
    ent_code, ent_names = pd.factorize(closed["entity"], sort=True)
    known = ent_code >= 0

    def per_entity(mask):
        counts = np.bincount(ent_code[known & mask], minlength=len(ent_names))
        return pd.Series(counts, index=ent_names).reindex(index).fillna(0.0)

    for i, component, label in funnel_steps(stages, closed, measured):
        at = per_entity(reached >= i)
        nxt = per_entity(reached >= i + 1)
        cols[(component, label)] = nxt / at.where(at > 0)
    cols[("avg_deal_size", "")] = bookings / wins.where(wins > 0)
    frame = pd.DataFrame(cols)
    frame.attrs["bookings"], frame.attrs["decided"] = bookings, decided
    return frame


def decompose(frames: dict, stages: tuple, config, measured: bool = True,
              funnel: pd.DataFrame | None = None) -> pd.DataFrame:
    """Decompose each entity's gap (to target, else to peer-typical bookings) along the funnel.

    ``funnel`` are the level's ``decided``, ``wins`` and ``bookings`` per entity of
    ``closed_with_ramp`` when already counted (:attr:`workbench.diagnose.drivers.Context.funnel`).
    """
    ent = frames["entities"]
    idx = ent.index
    closed = frames["closed_with_ramp"]
    am = frames.get("activity_months")
    acts = am.groupby("entity")["activities"].sum() if am is not None else None
    factors = funnel_factors(closed, stages, acts, idx, measured, counts=funnel)
    bookings, decided = factors.attrs["bookings"], factors.attrs["decided"]
    eligible = decided >= config.min_observations
    benchmarks = []
    for col in factors.columns:
        bench, _, _ = stats.peer_benchmark(factors[col], eligible, frames["groups"], config.min_peers)
        benchmarks.append(bench.fillna(factors[col].median()).to_numpy(float))
    reference = pd.DataFrame(np.column_stack(benchmarks) if benchmarks else np.empty((len(idx), 0)), index=idx,
                             columns=factors.columns)
    actual = factors.copy()
    # undefined factors take the reference value; no activities logged → activity data missing
    if ("activities", "") in actual.columns:
        no_acts = actual[("activities", "")] <= 0
        actual.loc[no_acts, ("activities", "")] = reference.loc[no_acts, ("activities", "")]
        actual.loc[no_acts, ("opportunities_per_activity", "")] = (
            decided[no_acts] / actual.loc[no_acts, ("activities", "")]
        )
    actual = actual.fillna(reference).fillna(0.0)
    reference = reference.fillna(0.0)
    parts = lmdi(actual.to_numpy(), reference.to_numpy())
    peer_bookings = pd.Series(reference.to_numpy().prod(axis=1), index=idx)
    target = ent["target"]
    ref_total = target.fillna(peer_bookings)
    level = frames["level"]
    n, k = parts.shape
    has_target = target.notna().to_numpy()
    common = pd.DataFrame(
        {
            "entity_type": level,
            "entity_id": idx.to_numpy(),
            "target": target.to_numpy(float),
            "peer_bookings": peer_bookings.to_numpy(),
            "actual_bookings": bookings.to_numpy(),
            "reference": np.where(has_target, "target", "peers"),
            "gap": (bookings - ref_total).to_numpy(),
        }
    )
    first = common[has_target].assign(
        component="target_vs_peers", detail="", actual=target[has_target].to_numpy(float),
        benchmark=peer_bookings[has_target].to_numpy(),
        contribution=(peer_bookings - target)[has_target].to_numpy(), order=-1,
    )
    body = common.loc[np.repeat(np.arange(n), k)].reset_index(drop=True).assign(
        component=np.tile([c for c, _ in factors.columns], n),
        detail=np.tile([d for _, d in factors.columns], n),
        actual=factors.to_numpy().ravel(),
        benchmark=reference.to_numpy().ravel(),
        contribution=parts.ravel(),
        order=np.tile(np.arange(k), n),
    )
    out = pd.concat([first, body], ignore_index=True)
    out["entity_pos"] = out["entity_id"].map({e: i for i, e in enumerate(idx)})
    out = out.sort_values(["entity_pos", "order"], kind="stable")
    return out.reindex(columns=DECOMPOSITION_COLUMNS).reset_index(drop=True)
