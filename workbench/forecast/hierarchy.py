"""Sales hierarchy (rep → team → region → company) and forecast reconciliation.

Series ids follow the KPI engine's multi-level convention ``"<level>:<entity id>"``
(``rep:R001``, ``team:Alpha``, ``region:East``, ``company:company``).

Reconciliation makes forecasts add up: reps sum to their team, teams to their region,
regions to the company. Methods:

* ``bottom_up`` — sum the rep forecasts;
* ``ols`` — least-squares projection (all series weighted equally);
* ``wls_struct`` — weighted by the number of reps under each series;
* ``mint_shrink`` — MinT (Wickramasuriya, Athanasopoulos & Hyndman 2019) with the
  Schäfer–Strimmer shrinkage covariance of the base forecasts' validation errors.

Reconciled rep forecasts are clipped at 0 (sales cannot be negative) and re-summed,
so every level stays coherent. Interval bounds are shifted by the same amount as their
point forecast (they are not re-derived).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.contract import ENTITY_TYPES
from workbench.params import check_by, check_choice, check_param

__all__ = ["entity_uid", "hierarchy_tags", "summing_matrix", "aggregate_hierarchy", "reconcile",
           "coherence_table", "RECONCILE_METHODS"]

RECONCILE_METHODS = ("bottom_up", "ols", "wls_struct", "mint_shrink")


def entity_uid(level: str, entity_id) -> str:
    """The series id of an entity: ``"<level>:<entity id>"``.

    >>> entity_uid("team", "Alpha")
    'team:Alpha'
    """
    return f"{level}:{entity_id}"


def hierarchy_tags(reps: pd.DataFrame, by=ENTITY_TYPES) -> pd.DataFrame:
    """One row per rep with the series id of each entity level (``by``) above it.

    >>> reps = pd.DataFrame({"rep_id": ["r1", "r2"], "team": ["A", "B"], "region": ["E", "E"]})
    >>> hierarchy_tags(reps).iloc[0].tolist()
    ['rep:r1', 'team:A', 'region:E', 'company:company']
    """
    levels = check_by("hierarchy_tags", by)
    check_param("hierarchy_tags", "by", by, "entity levels starting with 'rep'", levels[0] == "rep")
    out = pd.DataFrame(index=range(len(reps)))
    for level in levels:
        if level == "company":
            out[level] = entity_uid("company", "company")
            continue
        col = "rep_id" if level == "rep" else level
        if col not in reps.columns:
            raise ValueError(f"reps table has no {col!r} column, needed for the {level!r} level.")
        out[level] = [entity_uid(level, v) for v in reps[col].astype(str)]
    return out


def summing_matrix(tags: pd.DataFrame) -> pd.DataFrame:
    """The 0/1 matrix S (every series × rep series) with ``y_all = S @ y_reps``.

    Rows are ordered top level first (company, regions, teams, reps).
    """
    bottom = tags.iloc[:, 0].tolist()
    rows = {}
    for level in reversed(tags.columns.tolist()):
        for uid, members in tags.groupby(level, sort=True)[tags.columns[0]]:
            rows[uid] = np.isin(bottom, members.to_numpy()).astype(float)
    return pd.DataFrame(rows, index=bottom).T


def aggregate_hierarchy(bottom: pd.DataFrame, tags: pd.DataFrame, *, id_col="unique_id", time_col="ds",
                        target_col="y") -> pd.DataFrame:
    """Sum rep series up every level; returns all series in long format.

    Reps missing in a period count as 0 for their parents.
    """
    levels = tags.columns.tolist()
    merged = bottom.merge(tags, left_on=id_col, right_on=levels[0], how="inner")
    frames = [bottom[bottom[id_col].isin(tags[levels[0]])][[id_col, time_col, target_col]]]
    for level in levels[1:]:
        agg = merged.groupby([level, time_col], as_index=False)[target_col].sum()
        frames.append(agg.rename(columns={level: id_col}))
    return pd.concat(frames, ignore_index=True).sort_values([id_col, time_col]).reset_index(drop=True)


def _shrunk_covariance(resid: np.ndarray) -> np.ndarray:
    """Schäfer–Strimmer shrinkage of the residual covariance toward its diagonal."""
    n, t = resid.shape
    cov = resid @ resid.T / t
    sd = np.sqrt(np.clip(np.diag(cov), 1e-12, None))
    x = resid / sd[:, None]
    corr = x @ x.T / t
    # variance of each correlation estimate, sum_t (x_ti x_tj - corr_ij)^2, without an n x n x t array
    x2 = x**2
    var_corr = t / (t - 1) ** 3 * (x2 @ x2.T - t * corr**2) if t > 1 else np.ones((n, n))
    off = ~np.eye(n, dtype=bool)
    denom = (corr[off] ** 2).sum()
    lam = 1.0 if denom == 0 else float(np.clip(var_corr[off].sum() / denom, 0, 1))
    shrunk = lam * np.diag(np.diag(cov)) + (1 - lam) * cov
    return shrunk + np.eye(n) * 1e-9 * max(np.trace(shrunk) / n, 1e-12)


def _projection(S: np.ndarray, method: str, resid: np.ndarray | None) -> np.ndarray:
    n_all, n_bottom = S.shape
    if method == "bottom_up":
        P = np.zeros((n_bottom, n_all))
        P[:, n_all - n_bottom:] = np.eye(n_bottom)
        return P
    if method == "ols":
        W_inv = np.eye(n_all)
    elif method == "wls_struct":
        W_inv = np.diag(1.0 / S.sum(axis=1))
    else:
        W_inv = np.linalg.pinv(_shrunk_covariance(resid))
    return np.linalg.solve(S.T @ W_inv @ S, S.T @ W_inv)


def reconcile(forecasts: pd.DataFrame, tags: pd.DataFrame, method: str = "mint_shrink",
              residuals: pd.DataFrame | None = None, *, column: str = "forecast", nonnegative: bool = True,
              id_col: str = "unique_id", time_col: str = "ds") -> pd.DataFrame:
    """Make forecasts of every hierarchy level add up.

    Parameters
    ----------
    forecasts : DataFrame
        Base forecasts of every series in ``summing_matrix(tags)`` (e.g. the output of
        :meth:`Forecaster.predict` on :func:`aggregate_hierarchy` data).
    tags : DataFrame
        From :func:`hierarchy_tags`.
    method : {"bottom_up", "ols", "wls_struct", "mint_shrink"}
    residuals : DataFrame, optional
        Validation errors for ``mint_shrink``: ``unique_id``, ``ds``, ``cutoff``, ``y`` and
        the ``column`` forecast (e.g. ``Forecaster.cv_``). Without enough of them MinT
        falls back to ``wls_struct`` and says so in ``attrs["reconcile_method"]``.
    column : str
        The point-forecast column to reconcile; its ``-lo-``/``-hi-`` columns shift with it.

    Returns
    -------
    DataFrame
        A copy of ``forecasts`` with ``column`` (and its bounds) reconciled and
        ``<column>_base`` holding the unreconciled forecast.

    Examples
    --------
    >>> reps = pd.DataFrame({"rep_id": ["r1", "r2"], "team": ["A", "A"], "region": ["E", "E"]})
    >>> tags = hierarchy_tags(reps)
    >>> fc = pd.DataFrame({"unique_id": ["rep:r1", "rep:r2", "team:A", "region:E", "company:company"],
    ...                    "ds": pd.Timestamp("2026-01-01"), "forecast": [10.0, 20.0, 33.0, 29.0, 31.0]})
    >>> out = reconcile(fc, tags, method="ols").set_index("unique_id")["forecast"]
    >>> bool(np.isclose(out["rep:r1"] + out["rep:r2"], out["company:company"]))
    True
    """
    check_choice("reconcile", "method", method, RECONCILE_METHODS)
    S_df = summing_matrix(tags)
    order = S_df.index.tolist()
    present = set(forecasts[id_col])
    missing = [u for u in order if u not in present]
    if missing:
        raise ValueError(f"reconcile: no base forecast for series {missing[:5]}"
                         f"{' and more' if len(missing) > 5 else ''}; forecast every level first.")
    S = S_df.to_numpy()
    used = method
    resid = None
    if method == "mint_shrink":
        if residuals is not None and len(residuals):
            r = residuals.assign(_e=residuals["y"] - residuals[column])
            key = [c for c in ("cutoff", time_col) if c in r.columns]
            mat = r.pivot_table(index=id_col, columns=key, values="_e").reindex(order)
            mat = mat.dropna(axis=1)
            if mat.shape[1] >= 2:
                resid = mat.to_numpy()
        if resid is None:
            used = "wls_struct"
    P = _projection(S, used, resid)
    out = forecasts.copy()
    base = out.pivot_table(index=id_col, columns=time_col, values=column).reindex(order)
    bottom = P @ np.nan_to_num(base.to_numpy())
    if nonnegative:
        bottom = np.clip(bottom, 0, None)
    rec = pd.DataFrame(S @ bottom, index=order, columns=base.columns)
    rec_long = rec.stack().rename("_rec").reset_index().rename(columns={"level_0": id_col})
    rec_long.columns = [id_col, time_col, "_rec"]
    out = out.merge(rec_long, on=[id_col, time_col], how="left")
    out["_rec"] = out["_rec"].fillna(out[column])  # series outside the hierarchy are left as they are
    shift = out["_rec"] - out[column]
    out[f"{column}_base"] = out[column]
    for c in out.columns:
        if c.startswith(f"{column}-lo-") or c.startswith(f"{column}-hi-"):
            out[c] = out[c] + shift
            if nonnegative:
                out[c] = out[c].clip(lower=0)
    out[column] = out["_rec"]
    out = out.drop(columns="_rec")
    lo_cols = [c for c in out.columns if c.startswith(f"{column}-lo-")]
    for c in lo_cols:
        out[c] = np.minimum(out[c], out[column])
    out.attrs["reconcile_method"] = used
    return out


def coherence_table(forecasts: pd.DataFrame, tags: pd.DataFrame, *, column: str = "forecast",
                    id_col: str = "unique_id", time_col: str = "ds") -> pd.DataFrame:
    """Check that children add up to their parent: one row per parent series and period.

    Parameters
    ----------
    forecasts : DataFrame
        Forecasts (or actuals) of every level, e.g. the output of :func:`reconcile`.
    tags : DataFrame
        From :func:`hierarchy_tags`.
    column : str
        The value column to check.

    Returns
    -------
    DataFrame
        ``level, unique_id, ds, children`` (how many), ``value``, ``children_sum`` and
        ``gap`` (``value - children_sum``; 0 when coherent). Children without a row
        count as 0.

    Examples
    --------
    >>> reps = pd.DataFrame({"rep_id": ["r1", "r2"], "team": ["A", "A"], "region": ["E", "E"]})
    >>> fc = pd.DataFrame({"unique_id": ["rep:r1", "rep:r2", "team:A", "region:E", "company:company"],
    ...                    "ds": pd.Timestamp("2026-01-01"), "forecast": [10.0, 20.0, 30.0, 30.0, 31.0]})
    >>> coherence_table(fc, hierarchy_tags(reps))[["unique_id", "gap"]].to_dict("records")[-1]
    {'unique_id': 'company:company', 'gap': 1.0}
    """
    levels = tags.columns.tolist()
    values = forecasts.set_index([id_col, time_col])[column]
    periods = sorted(forecasts[time_col].unique())
    rows = []
    for child_level, parent_level in zip(levels[:-1], levels[1:]):
        pairs = tags[[parent_level, child_level]].drop_duplicates()
        for parent, kids in pairs.groupby(parent_level, sort=True)[child_level]:
            for ds in periods:
                kid_values = [values.get((kid, ds), 0.0) for kid in kids]
                rows.append({"level": parent_level, id_col: parent, time_col: ds, "children": len(kids),
                             "value": float(values.get((parent, ds), np.nan)),
                             "children_sum": float(np.nansum(kid_values))})
    out = pd.DataFrame(rows, columns=["level", id_col, time_col, "children", "value", "children_sum"])
    out["gap"] = out["value"] - out["children_sum"]
    return out
