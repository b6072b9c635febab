"""The registry of diagnosis drivers: named, documented rules.

Each :class:`DriverRule` states its metric, the benchmark it is compared with, the default
materiality threshold, the direction that is bad, the data it needs, the drivers upstream
of it (root causes that explain it) and how its revenue impact is computed. Its
``evaluate`` function scores every entity of one level and returns one row per entity ×
detail; the engine (:mod:`workbench.diagnose.engine`) then applies the false-discovery
control, the materiality test and the root-cause suppression identically for all rules.

Revenue impact is always "what the entity would have booked in the window with the
benchmark value of this metric, everything else held equal", read off the funnel identity
``bookings = decided deals × Π stage conversions × average won deal size``.

Examples
--------
>>> from workbench.diagnose.drivers import DRIVERS
>>> list(DRIVERS)[:3]
['slow_follow_up', 'low_activity', 'low_stage_conversion']
>>> DRIVERS["small_deals"].threshold
0.2
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd

from workbench.diagnose.changes import evaluate_changes
from workbench.diagnose.facts import arrow_codes, mix_cells, stage_centre, stage_deals
from workbench.diagnose.funnel import funnel_steps
from workbench.diagnose.scoring import score_means, score_rates
from workbench.diagnose.stalls import evaluate_bottlenecks
from workbench.messages import message

__all__ = ["DriverRule", "DRIVERS", "Context", "untested_reason"]


@dataclass(frozen=True)
class DriverRule:
    """One named diagnosis rule.

    Attributes
    ----------
    key : str
        Stable identifier used in findings (``slow_follow_up``, …).
    label_en, label_zh : str
        Display names.
    metric : str
        What is measured per entity, and on which scale it is tested.
    unit : str
        Unit of ``value`` / ``benchmark`` in the findings.
    benchmark : str
        What the metric is compared with.
    threshold : float
        Default materiality threshold on the gap of the shrunken value to the benchmark:
        relative (``0.2`` = 20 % worse) or, when ``threshold_kind == "absolute"``, in units.
    threshold_kind : {"relative", "absolute"}
    higher_is_worse : bool
        Direction of the one-sided test.
    needs : tuple of str
        Tables needed besides ``reps`` and ``opportunities``.
    upstream : tuple of str
        Drivers that, when found for the same entity, explain this one (it is then
        suppressed as a knock-on effect).
    impact : str
        How the revenue impact is computed.
    evaluate : callable
        ``evaluate(ctx) -> DataFrame`` with columns ``entity, detail, n, value, benchmark,
        ci_low, ci_high, gap, p_value, revenue_impact`` (``gap`` in the bad direction).
    levels : tuple of str
        Entity levels the rule applies to (``stage_bottleneck`` is a team and region rule).
    """

    key: str
    label_en: str
    label_zh: str
    metric: str
    unit: str
    benchmark: str
    threshold: float
    threshold_kind: str
    higher_is_worse: bool
    needs: tuple
    upstream: tuple
    impact: str
    evaluate: Callable = field(repr=False, compare=False)
    levels: tuple = ("rep", "team", "region")


@dataclass
class Context:
    """Everything a rule needs for one entity level (built by the engine)."""

    frames: dict
    stages: tuple
    config: object
    follow_up: object = None
    measured: bool = True  # funnel steps measured from stage_history
    excluded_products: dict = field(default_factory=dict)  # entity -> products to leave out

    @property
    def level(self) -> str:
        return self.frames["level"]

    @property
    def groups(self):
        return self.frames["groups"]

    @property
    def entities(self) -> pd.DataFrame:
        return self.frames["entities"]

    def kw(self):
        c = self.config
        return dict(min_peers=c.min_peers, min_observations=c.min_observations, level=c.level)

    # funnel facts per entity, used by the revenue impacts ------------------------------
    @property
    def funnel(self) -> pd.DataFrame:
        if "_funnel" not in self.frames:
            closed = self.frames["closed_with_ramp"]
            won = closed[closed["won"]]
            f = pd.DataFrame(
                {
                    "decided": closed.groupby("entity").size(),
                    "wins": won.groupby("entity").size(),
                    "bookings": won.groupby("entity")["amount"].sum(),
                }
            ).reindex(self.entities.index).fillna(0.0)
            f["avg_deal"] = f["bookings"] / f["wins"].where(f["wins"] > 0)
            f["win_rate"] = f["wins"] / f["decided"].where(f["decided"] > 0)
            company_avg = won["amount"].mean() if len(won) else np.nan
            f["avg_deal"] = f["avg_deal"].fillna(company_avg)
            self.frames["_funnel"] = f
        return self.frames["_funnel"]


def _window_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a fact frame inside the window (all of them unless older history is borrowed)."""
    return frame[frame["weight"] >= 1.0] if "weight" in frame.columns else frame


def _with_weight(obs: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``obs`` with the history weights of ``frame`` (its rows, in order), when it has them."""
    return obs.assign(weight=frame["weight"].to_numpy(float)) if "weight" in frame.columns else obs


def _stage_deal_codes(frames: dict, sd: pd.DataFrame) -> np.ndarray:
    """Each ``stage_days`` row's deal code (``pd.factorize`` of ``opportunity_id``), shared by every
    level when the prepared facts carry it."""
    codes = frames.get("stage_deal")
    if codes is not None and len(codes) == len(sd):
        return codes
    return pd.factorize(sd["opportunity_id"])[0]


def _stage_centre(frames: dict, sd: pd.DataFrame) -> np.ndarray:
    """Each ``stage_days`` row's typical ``log1p(days)`` for its stage and product, shared by every
    level when the prepared facts carry it (:func:`workbench.diagnose.facts.stage_centre`)."""
    centre = frames.get("stage_centre")
    return centre if centre is not None and len(centre) == len(sd) else stage_centre(sd)


def _stage_deals(frames: dict, sd: pd.DataFrame) -> pd.DataFrame:
    """Per deal of ``stage_days``: first row, pace and days (:func:`workbench.diagnose.facts.stage_deals`),
    shared by every level when the prepared facts carry it."""
    deals = frames.get("stage_deals")
    codes = frames.get("stage_deal")
    if deals is not None and codes is not None and len(codes) == len(sd):
        return deals
    return stage_deals(sd, _stage_deal_codes(frames, sd), _stage_centre(frames, sd))


def _window_n(s: pd.DataFrame) -> pd.Series:
    """Observations inside the window (``n`` when no older history is borrowed)."""
    return s["n_window"] if "n_window" in s.columns else s["n"]


def _finish(scored: pd.DataFrame, *, log_scale: bool, higher_is_worse: bool, kind: str) -> pd.DataFrame:
    """Back-transform to display units and compute the gap in the bad direction."""
    s = scored.copy()
    if log_scale:
        for c in ("raw", "value", "benchmark", "ci_low", "ci_high"):
            s[c] = np.expm1(s[c].astype(float))
    v, b = s["value"].astype(float), s["benchmark"].astype(float)
    if kind == "absolute":
        s["gap"] = (v - b) if higher_is_worse else (b - v)
    else:
        s["gap"] = ((v - b) if higher_is_worse else (b - v)) / b.abs().where(b != 0)
    return s


# ---------------------------------------------------------------------------------------
# evaluate functions
# ---------------------------------------------------------------------------------------


def _follow_up(ctx: Context) -> pd.DataFrame:
    created = ctx.frames["created"]
    obs = created[created["follow_up_hours"].notna()]
    if obs.empty:
        return pd.DataFrame()
    obs = _with_weight(pd.DataFrame({"entity": obs["entity"], "detail": "", "y": np.log1p(obs["follow_up_hours"])}),
                       obs)
    s = score_means(obs, ctx.groups, higher_is_worse=True, **ctx.kw())
    effect = ctx.follow_up
    impact = pd.Series(np.nan, index=s.index)
    if effect is not None:
        closed = ctx.frames["closed"]
        if "follow_up_eta" in closed.columns:  # only what the uplift needs is filtered
            closed = closed[["entity", "amount", "follow_up_hours", "follow_up_eta"]
                            + (["weight"] if "weight" in closed.columns else [])]
        closed = _window_rows(closed)
        closed = closed[closed["follow_up_hours"].notna() & (closed["amount"] > 0)]
        shift = (s.set_index("entity")["benchmark"] - s.set_index("entity")["value"]).clip(upper=0)
        at = arrow_codes(closed["entity"], shift.index.to_series())  # each deal's entity in shift (−1: none)
        deal_shift = np.where(at >= 0, shift.to_numpy()[np.maximum(at, 0)] if len(shift) else np.nan, np.nan)
        deal_shift = np.where(np.isnan(deal_shift), 0.0, deal_shift)
        if "follow_up_eta" in closed.columns:  # log-odds computed once for all levels
            eta = closed["follow_up_eta"].to_numpy(float)
        else:
            eta = effect.linear_predictor(closed)
        p0 = 1.0 / (1.0 + np.exp(-eta))
        p1 = 1.0 / (1.0 + np.exp(-(eta + effect.coef * deal_shift)))
        uplift = pd.Series((p1 - p0) * closed["amount"].to_numpy(), index=closed.index)
        impact = s["entity"].map(uplift.groupby(closed["entity"]).sum()).fillna(0.0)
    s = _finish(s, log_scale=True, higher_is_worse=True, kind="relative")
    s["revenue_impact"] = impact.to_numpy()
    return s


def _activity(ctx: Context) -> pd.DataFrame:
    am = ctx.frames["activity_months"]
    if am is None or am.empty:
        return pd.DataFrame()
    obs = []
    # "all" activities, and "prospecting" ones (not tied to a deal): deal activities follow
    # the pipeline a rep already has, prospecting is the effort that fills it
    details = [("all", "activities")]
    if am["prospecting"].sum() > 0 and am["prospecting"].sum() < am["activities"].sum():
        details.append(("prospecting", "prospecting"))
    for detail, col in details:
        y = np.log((am[col] + 0.5) / am["workdays"])
        # company-wide month effects (seasonality, holidays) are not a rep's noise
        month_effect = y.groupby(am["month"]).transform("median") - y.median()
        obs.append(_with_weight(pd.DataFrame({"entity": am["entity"], "detail": detail, "y": y - month_effect}), am))
    s = score_means(pd.concat(obs, ignore_index=True), ctx.groups, higher_is_worse=False, **ctx.kw())
    for c in ("raw", "value", "benchmark", "ci_low", "ci_high"):
        s[c] = np.exp(s[c])
    s["gap"] = (s["benchmark"] - s["value"]) / s["benchmark"]
    bookings = s["entity"].map(ctx.funnel["bookings"])
    # fewer activities → proportionally fewer deals (deals per activity held equal); for
    # prospecting, only the outbound share of deals scales with it
    # (elasticity: the company-wide share of activities that are prospecting)
    prospecting_share = am["prospecting"].sum() / max(am["activities"].sum(), 1)
    share = np.where(s["detail"] == "prospecting", prospecting_share, 1.0)
    s["revenue_impact"] = bookings * (s["benchmark"] / s["value"] - 1.0) * share
    return s


def _stage_counts(closed: pd.DataFrame, stages: tuple, measured: bool, mix: pd.DataFrame | None = None,
                  cells: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Deals at each funnel step and deals that passed it, per entity.

    With ``mix`` (the company's deals), each count also gets ``expected``: the successes the
    entity would have had at the company's rate for each deal's lead source × product
    (indirect standardisation), so a rep is not judged on their mix of leads. ``cells`` are
    the lead source × product cells of ``mix`` and of ``closed``
    (:func:`workbench.diagnose.facts.mix_cells`) when they are known already.
    """
    reached = closed["reached"].to_numpy()
    # entity codes hashed once (sorted, as groupby would), then every step groups by the integer code
    ent, ent_names = pd.factorize(closed["entity"], sort=True)
    weight = closed["weight"].to_numpy(float) if "weight" in closed.columns else None
    if mix is not None:
        if cells is None:  # lead source × product cells as integer codes shared by both frames
            both = mix_cells(pd.concat([mix[["source", "product"]], closed[["source", "product"]]], ignore_index=True))
            cells = both[: len(mix)], both[len(mix):]
        mix_cell, cell = cells
        size = int(max(mix_cell.max(initial=-1), cell.max(initial=-1))) + 1 if len(mix_cell) + len(cell) else 1
        mix_reached = mix["reached"].to_numpy()
    steps = list(funnel_steps(stages, closed, measured))
    # every step's counts as columns of one frame, summed per entity in one grouping (each column's
    # sums are the ones a grouping of that step alone gives)
    columns = {"entity": ent}
    for i, _, _ in steps:
        at = reached >= i
        nxt = reached >= i + 1
        if weight is not None:  # history-weighted counts, their Σw² and the window's own count
            columns[f"at{i}"], columns[f"next{i}"] = at * weight, nxt * weight
        else:
            columns[f"at{i}"], columns[f"next{i}"] = at, nxt
        if mix is not None:
            m_at = mix_reached >= i
            n_at = np.bincount(mix_cell[m_at], minlength=size)
            n_next = np.bincount(mix_cell[m_at], weights=mix_reached[m_at] >= i + 1, minlength=size)
            overall = float((mix_reached[m_at] >= i + 1).mean()) if m_at.any() else np.nan
            rate = np.where(n_at > 0, n_next / np.maximum(n_at, 1), overall)
            expected = np.where(at, rate[cell], 0.0)
            columns[f"expected{i}"] = expected * weight if weight is not None else expected
        if weight is not None:
            columns[f"at_sq{i}"], columns[f"at_window{i}"] = at * weight**2, at & (weight >= 1)
    frame = pd.DataFrame(columns)
    g = frame[ent >= 0].groupby("entity").sum()  # missing entities are left out, as groupby does
    entity = ent_names.take(g.index.to_numpy())
    rows = []
    for i, _, label in steps:
        out = pd.DataFrame(
            {"entity": entity, "detail": label, "trials": g[f"at{i}"].to_numpy(),
             "successes": g[f"next{i}"].to_numpy(), "from_index": i}
        )
        if mix is not None:
            out["expected_successes"] = g[f"expected{i}"].to_numpy()
        if weight is not None:
            out["trials_sq"] = g[f"at_sq{i}"].to_numpy()
            out["n_window"] = g[f"at_window{i}"].to_numpy(float)
        rows.append(out)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _conversion(ctx: Context) -> pd.DataFrame:
    closed = ctx.frames["closed"]
    if closed.empty:
        return pd.DataFrame()
    cell = ctx.frames.get("deal_cell")
    cell = cell if cell is not None and len(cell) == len(closed) else mix_cells(closed)
    mix_cell = cell
    if ctx.excluded_products:
        pairs = [(e, p) for e, products in ctx.excluded_products.items() for p in products]
        drop = pd.MultiIndex.from_arrays([closed["entity"], closed["product"]]).isin(pairs)
        closed, cell = closed[~drop], cell[~drop]
    if not ctx.measured:  # without stage history there are no stages to test
        return pd.DataFrame()
    counts = _stage_counts(closed, ctx.stages, ctx.measured, mix=ctx.frames["closed"], cells=(mix_cell, cell))
    counts = counts[counts["trials"] > 0]
    s = score_rates(counts, ctx.groups, higher_is_worse=False, **ctx.kw())
    s = _finish(s, log_scale=False, higher_is_worse=False, kind="relative")
    # lost wins = deals at the stage × conversion shortfall × onward conversion × deal size
    s = s.merge(counts[["entity", "detail", "from_index"]], on=["entity", "detail"], how="left")
    wins = _window_rows(closed).groupby("entity")["won"].sum()
    passed = s["successes"] * _window_n(s) / s["n"].where(s["n"] > 0)  # in the window
    onward = s["entity"].map(wins) / passed.where(passed > 0)
    # a stage nobody passed: the product of the later benchmarks instead
    # product of the benchmarks of the later transitions, per entity
    if s["benchmark"].notna().sum() == 0:  # no peers to compare with
        return pd.DataFrame()
    wide = s.pivot_table(index="entity", columns="from_index", values="benchmark", aggfunc="first")
    wide = wide.reindex(columns=sorted(wide.columns)).fillna(1.0)
    after = np.cumprod(wide.to_numpy()[:, ::-1], axis=1)[:, ::-1]
    after = np.c_[after[:, 1:], np.ones(len(wide))]
    later_map = pd.DataFrame(after, index=wide.index, columns=wide.columns).stack()
    later = pd.Series(
        later_map.reindex(pd.MultiIndex.from_arrays([s["entity"], s["from_index"]])).to_numpy(), index=s.index
    )
    onward = onward.fillna(later)
    avg_deal = s["entity"].map(ctx.funnel["avg_deal"])
    s["revenue_impact"] = _window_n(s) * (s["benchmark"] - s["value"]) * onward * avg_deal
    return s.drop(columns=["from_index"]).reset_index(drop=True)


def _deal_size(ctx: Context) -> pd.DataFrame:
    closed = ctx.frames["closed"]
    d = closed[closed["amount"] > 0]
    if d.empty:
        return pd.DataFrame()
    # compared within product × lead source: log amount relative to the typical deal of
    # the same kind, so a rep is not judged on their mix of products and leads
    log_amount = np.log(d["amount"])
    cell = ctx.frames.get("deal_cell")
    sized = (closed["amount"] > 0).to_numpy()
    cell = cell[sized] if cell is not None and len(cell) == len(closed) else mix_cells(d)
    centre = log_amount.groupby(cell).transform("median")
    obs = _with_weight(pd.DataFrame({"entity": d["entity"], "detail": "", "y": log_amount - centre}), d)
    s = score_means(obs, ctx.groups, higher_is_worse=False, **ctx.kw())
    ratio = np.exp(s["value"] - s["benchmark"])  # rep deal size / peer deal size
    for c in ("raw", "value", "benchmark", "ci_low", "ci_high"):
        s[c] = np.exp(s[c])
    s["gap"] = 1.0 - ratio
    avg = s["entity"].map(ctx.funnel["avg_deal"])
    wins = s["entity"].map(ctx.funnel["wins"])
    # the same wins at the benchmark size
    s["revenue_impact"] = wins * avg * (1.0 / ratio - 1.0)
    # report sizes in currency: typical won deal now vs at the benchmark ratio
    s["value"] = avg
    s["benchmark"] = avg / ratio
    s["ci_low"] = avg * s["ci_low"] / s["raw"].where(s["raw"] > 0)
    s["ci_high"] = avg * s["ci_high"] / s["raw"].where(s["raw"] > 0)
    return s


def _cycle(ctx: Context) -> pd.DataFrame:
    closed = ctx.frames["closed"]
    sd = ctx.frames["stage_days"]
    won = closed[closed["won"] & closed["cycle_days"].notna() & (closed["cycle_days"] >= 0)]
    if won.empty:
        return pd.DataFrame()
    if sd is not None and not sd.empty:
        # pace of every decided deal: its stage durations against the same stage and
        # product's typical duration (lost deals count too, up to where they were lost)
        # (each deal's pace computed once for every level; a deal's entity and weight are its first row's)
        deals = _stage_deals(ctx.frames, sd)
        first = deals["first"].to_numpy()
        obs = pd.DataFrame({"entity": sd["entity"].array.take(first), "detail": "", "y": deals["pace"].to_numpy()})
        if "weight" in sd.columns:
            obs["weight"] = sd["weight"].to_numpy(float)[first]
    else:
        y = np.log1p(won["cycle_days"])
        centre = y.groupby(won["product"].fillna("∅")).transform("median")
        obs = _with_weight(pd.DataFrame({"entity": won["entity"], "detail": "", "y": y - centre}), won)
    s = score_means(obs, ctx.groups, higher_is_worse=True, **ctx.kw())
    ratio = np.exp(s["value"] - s["benchmark"])  # rep pace / peer pace
    lo, hi = np.exp(s["ci_low"] - s["benchmark"]), np.exp(s["ci_high"] - s["benchmark"])
    s["gap"] = ratio - 1.0
    median_days = _window_rows(won).groupby("entity")["cycle_days"].median().reindex(
        s["entity"].unique()).fillna(won.groupby("entity")["cycle_days"].median())
    s["value"] = s["entity"].map(median_days)
    s["benchmark"] = s["value"] / ratio
    s["raw"] = s["value"]
    s["ci_low"], s["ci_high"] = s["benchmark"] * lo, s["benchmark"] * hi
    # Little's law: with the same pipeline, bookings per window scale with 1 / cycle length
    s["revenue_impact"] = s["entity"].map(ctx.funnel["bookings"]) * (ratio - 1.0)
    return s


def _csat(ctx: Context) -> pd.DataFrame:
    surveys = ctx.frames["surveys"]
    if surveys is None or surveys.empty:
        return pd.DataFrame()
    obs = _with_weight(pd.DataFrame({"entity": surveys["entity"], "detail": "", "y": surveys["score"]}), surveys)
    s = score_means(obs, ctx.groups, higher_is_worse=False, **ctx.kw())
    s = _finish(s, log_scale=False, higher_is_worse=False, kind="absolute")
    # revenue at risk: bookings × relative satisfaction shortfall (retention ∝ satisfaction)
    s["revenue_impact"] = s["entity"].map(ctx.funnel["bookings"]) * s["gap"] / s["benchmark"]
    return s


def _product(ctx: Context) -> pd.DataFrame:
    closed = ctx.frames["closed"]
    d = closed[closed["product"].notna()]
    if d.empty or d["product"].nunique() < 2:
        return pd.DataFrame()
    if "weight" in d.columns:  # history-weighted counts (see score_rates)
        w = d["weight"].astype(float)
        g = d.assign(sw=w * d["won"], w=w, ww=w * w, inside=(w >= 1.0).astype(float)).groupby(
            ["entity", "product"])[["sw", "w", "ww", "inside"]].sum().reset_index()
        g.columns = ["entity", "detail", "successes", "trials", "trials_sq", "n_window"]
    else:
        g = d.groupby(["entity", "product"])["won"].agg(["sum", "count"]).reset_index()
        g.columns = ["entity", "detail", "successes", "trials"]
    # peer benchmark for the product, scaled by the rep's level on their *other* products
    # (the median of their shrunken rate / benchmark ratios there), so a rep who converts
    # poorly everywhere is not blamed on each product in turn, and one weak product does
    # not distort the level read from the others
    plain = score_rates(g, ctx.groups, higher_is_worse=False, **ctx.kw())
    plain["ratio"] = plain["value"] / plain["benchmark"]
    wide = plain.pivot_table(index="entity", columns="detail", values="ratio", aggfunc="first")
    arr = wide.to_numpy()
    level = np.full(arr.shape, np.nan)
    for j in range(arr.shape[1]):  # median over the entity's other products
        others = np.delete(arr, j, axis=1)
        has = (~np.isnan(others)).any(axis=1)
        level[has, j] = np.nanmedian(others[has], axis=1)
    level_map = pd.DataFrame(level, index=wide.index, columns=wide.columns).stack()
    plain["level"] = level_map.reindex(pd.MultiIndex.from_arrays([plain["entity"], plain["detail"]])).to_numpy()
    g = g.merge(plain[["entity", "detail", "benchmark", "level"]], on=["entity", "detail"], how="left")
    level_ratio = g["level"].clip(0.2, 5.0).fillna(1.0)
    g["expected"] = (g["benchmark"] * level_ratio).clip(1e-3, 0.999)
    s = score_rates(g[["entity", "detail", "successes", "trials", "expected"]
                      + [c for c in ("trials_sq", "n_window") if c in g.columns]], ctx.groups,
                    higher_is_worse=False, **ctx.kw())
    s = _finish(s, log_scale=False, higher_is_worse=False, kind="relative")
    won = _window_rows(d[d["won"]])
    size = won.groupby(["entity", "product"])["amount"].mean()
    product_size = won.groupby("product")["amount"].mean()
    avg = pd.Series(
        size.reindex(pd.MultiIndex.from_arrays([s["entity"], s["detail"]])).to_numpy(), index=s.index
    ).fillna(s["detail"].map(product_size))
    s["revenue_impact"] = _window_n(s) * (s["benchmark"] - s["value"]) * avg
    return s


def _coverage(ctx: Context) -> pd.DataFrame:
    pipeline = ctx.frames["open_pipeline"]
    ent = ctx.entities
    reference = ctx.frames.get("reference_bookings")
    if reference is None or pipeline.empty:
        return pd.DataFrame()
    months = ctx.frames["window_months"]
    per_quarter = reference.astype(float) / months * 3.0
    coverage = (pipeline.reindex(ent.index).fillna(0.0) / per_quarter.where(per_quarter > 0)).dropna()
    if coverage.empty:
        return pd.DataFrame()
    # a pipeline of N open deals is a compound-Poisson sum: var(log) ≈ (1 + cv²) / N
    closed = ctx.frames["closed"]
    amounts = closed.loc[closed["amount"] > 0, "amount"]
    cv2 = float((amounts.std() / amounts.mean()) ** 2) if len(amounts) > 1 else 1.0
    count = ctx.frames["open_count"].reindex(coverage.index).fillna(0.0)
    obs = pd.DataFrame(
        {"entity": coverage.index, "detail": "", "y": np.log(coverage.clip(lower=0.01)).to_numpy(),
         "sampling_var": ((1.0 + cv2) / (count + 0.5)).to_numpy()}
    )
    s = score_means(obs, ctx.groups, higher_is_worse=False, **ctx.kw())
    for c in ("raw", "value", "benchmark", "ci_low", "ci_high"):
        s[c] = np.exp(s[c])
    s["gap"] = (s["benchmark"] - s["value"]) / s["benchmark"]
    # missing pipeline converts at the entity's win rate
    win_rate = s["entity"].map(ctx.funnel["win_rate"]).fillna(ctx.funnel["win_rate"].median())
    s["revenue_impact"] = (s["benchmark"] - s["value"]) * s["entity"].map(per_quarter) * win_rate
    return s


def _cancellations(ctx: Context) -> pd.DataFrame:
    orders = ctx.frames["orders"]
    if orders is None or orders.empty:
        return pd.DataFrame()
    o = orders[orders["status"].isin(["completed", "cancelled"])]
    if "weight" in o.columns:  # history-weighted counts (see score_rates); amounts of the window
        w = o["weight"].astype(float)
        g = o.assign(c=w * (o["status"] == "cancelled"), w=w, ww=w * w, inside=(w >= 1.0).astype(float),
                     amount=o["amount"].where(w >= 1.0, 0.0)).groupby("entity").agg(
            successes=("c", "sum"), trials=("w", "sum"), trials_sq=("ww", "sum"), n_window=("inside", "sum"),
            ordered=("amount", "sum")).reset_index()
    else:
        g = o.assign(c=o["status"] == "cancelled").groupby("entity").agg(
            successes=("c", "sum"), trials=("c", "size"), ordered=("amount", "sum")
        ).reset_index()
    g["detail"] = ""
    s = score_rates(g, ctx.groups, higher_is_worse=True, **ctx.kw())
    s = _finish(s, log_scale=False, higher_is_worse=True, kind="relative")
    s["revenue_impact"] = (s["value"] - s["benchmark"]) * s["entity"].map(g.set_index("entity")["ordered"])
    return s


def _stalled(ctx: Context) -> pd.DataFrame:
    sd = ctx.frames["stage_days"]
    if sd is None or sd.empty or sd["stage"].nunique() < 2:
        return pd.DataFrame()
    y = np.log1p(sd["days"].to_numpy(float))
    ent_code, ent_names = pd.factorize(sd["entity"])
    stg_code, stg_names = pd.factorize(sd["stage"])
    n_e, n_s = len(ent_names), len(stg_names)
    cell = ent_code * n_s + stg_code
    count = np.bincount(cell, minlength=n_e * n_s).reshape(n_e, n_s)
    total = np.bincount(cell, weights=y, minlength=n_e * n_s).reshape(n_e, n_s)
    with np.errstate(invalid="ignore", divide="ignore"):
        stage_mean = total / count
    centre = pd.Series(y).groupby(stg_code).median().reindex(range(n_s)).to_numpy()
    # relative to how fast the same entity moves through its *other* stages, so a rep who is
    # slow everywhere shows a long cycle, not a stall in every stage
    dev = stage_mean - centre[None, :]
    dev_tot = np.nansum(dev, axis=1)[:, None]
    dev_cnt = (~np.isnan(dev)).sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        pace_other = np.where(dev_cnt > 1, (dev_tot - np.nan_to_num(dev)) / (dev_cnt - 1), 0.0)
    obs = _with_weight(pd.DataFrame(
        {"entity": sd["entity"].array, "detail": sd["stage"].array,
         "y": y - centre[stg_code] - pace_other[ent_code, stg_code]}
    ), sd)
    s = score_means(obs, ctx.groups, higher_is_worse=True, **ctx.kw())
    ratio = np.exp(s["value"] - s["benchmark"])
    s["gap"] = ratio - 1.0
    typical = pd.Series(y).groupby(cell).median()
    e_pos = pd.Index(ent_names).get_indexer(s["entity"])
    s_pos = pd.Index(stg_names).get_indexer(s["detail"])
    days = np.expm1(typical.reindex(e_pos * n_s + s_pos).to_numpy())
    s["value"] = days
    s["benchmark"] = days / ratio
    for c in ("raw", "ci_low", "ci_high"):
        s[c] = np.exp(s[c])
    deals = _stage_deals(ctx.frames, sd)  # each deal's days in its stages, summed once for every level
    per_deal = pd.DataFrame({"entity": ent_code[deals["first"].to_numpy()], "days": deals["days"].to_numpy()})
    cycle = per_deal.groupby("entity")["days"].median().reindex(range(n_e)).to_numpy()
    excess = (s["value"] - s["benchmark"]).clip(lower=0)
    cyc = pd.Series(cycle[e_pos], index=s.index)
    # Little's law on the stage's share of the cycle
    s["revenue_impact"] = s["entity"].map(ctx.funnel["bookings"]) * (
        excess / (cyc - excess).where(cyc - excess > 0)
    )
    return s


def _changes(ctx: Context) -> pd.DataFrame:
    window = ctx.frames.get("window")
    if window is None:
        return pd.DataFrame()
    coef = ctx.follow_up.coef if ctx.follow_up is not None else None
    return evaluate_changes(ctx.frames, window, ctx.config.change_months, coef)


_R = DriverRule
DRIVERS: dict[str, DriverRule] = {
    r.key: r
    for r in [
        _R(
            "slow_follow_up", "Slow follow-up", "跟进慢",
            "typical hours from lead creation to first touch (mean of log1p hours of deals created in the window)",
            "hours", "leave-one-out median of comparable peers", 0.5, "relative", True,
            (), (),
            "expected extra bookings if the rep's follow-up times shifted to the peer level, "
            "from the company-wide win ~ log follow-up logistic regression",
            _follow_up,
        ),
        _R(
            "low_activity", "Low activity", "活动量低",
            "activities per workday (mean over months of log activities per workday, company-wide "
            "month effects removed); detail 'all' or 'prospecting' (activities not tied to a deal)",
            "activities/day", "leave-one-out median of comparable peers", 0.2, "relative", False,
            ("activities",), (),
            "bookings × (benchmark / actual − 1): deals scale with activity, deals per activity held",
            _activity,
        ),
        _R(
            "low_stage_conversion", "Low stage conversion", "阶段转化率低",
            "share of decided deals that reach the next stage (detail = 'from→to'), "
            "leaving out products already found weak",
            "rate", "peers' observed / expected ratio (expected at company rates for each deal's "
            "lead source × product) applied to the entity's own mix", 0.2, "relative", False,
            (), ("slow_follow_up",),
            "deals at the stage × conversion shortfall × onward conversion × average won deal",
            _conversion,
        ),
        _R(
            "small_deals", "Small deals", "单笔金额小",
            "deal size relative to the typical deal of the same product and lead source (mean log amount of decided deals)",
            "currency", "leave-one-out median of comparable peers", 0.2, "relative", False,
            (), (),
            "the same wins at the benchmark size",
            _deal_size,
        ),
        _R(
            "long_cycle", "Long sales cycle", "销售周期长",
            "pace: each decided deal's stage durations against the typical duration of the same "
            "stage and product (mean log1p days; without stage history, days from creation to win)",
            "days", "leave-one-out median of comparable peers", 0.25, "relative", True,
            (), ("stalled_stage", "stage_bottleneck"),
            "Little's law: bookings × (cycle / benchmark cycle − 1)",
            _cycle,
        ),
        _R(
            "low_csat", "Low customer satisfaction", "客户满意度低",
            "mean CSAT score (1–5) of surveys in the window",
            "points", "leave-one-out median of comparable peers", 0.3, "absolute", False,
            ("surveys",), (),
            "revenue at risk: bookings × relative CSAT shortfall",
            _csat,
        ),
        _R(
            "weak_product", "Weak product", "产品弱项",
            "win rate on one product (detail), against peers on that product scaled by the rep's "
            "level on their other products",
            "rate", "peers' win rate on the product × the rep's level on other products "
            "(median of their shrunken rate / benchmark ratios there)", 0.25,
            "relative", False, (), (),
            "decided deals of the product × win-rate shortfall × the rep's average deal of the product",
            _product,
        ),
        _R(
            "low_pipeline_coverage", "Low pipeline coverage", "管道覆盖不足",
            "open pipeline at window end ÷ a quarter of reference bookings (target, else peer-typical)",
            "×", "leave-one-out median of comparable peers", 0.3, "relative", False,
            (), ("low_activity", "slow_follow_up", "low_stage_conversion", "small_deals", "weak_product"),
            "missing pipeline × the entity's win rate",
            _coverage,
        ),
        _R(
            "order_cancellations", "Order cancellations", "订单取消多",
            "share of completed or cancelled orders that were cancelled",
            "rate", "leave-one-out pooled rate of comparable peers (rare events)", 0.5, "relative", True,
            ("orders",), ("low_csat",),
            "cancellation excess × ordered amount",
            _cancellations,
        ),
        _R(
            "stalled_stage", "Stalled stage", "阶段停滞",
            "days deals spend in one stage (detail), relative to the entity's pace in its other stages",
            "days", "leave-one-out median of comparable peers", 0.5, "relative", True,
            ("stage_history",), ("stage_bottleneck",),
            "Little's law on the stage's excess days within the cycle",
            _stalled,
        ),
        _R(
            "recent_change", "Recent change", "近期变化",
            "the entity's own level of a metric (detail: activities, follow_up, deal_size, win_rate, pace) "
            "since the month it changed, against its level before; each month taken relative to the "
            "entity's peer group in that month (a rep against the team, a team against the company), so "
            "seasonality and team-wide moves cancel",
            "", "the entity's own level before the change", 0.2, "relative", True,
            (), (),
            "bookings since the change × the relative change (the metric back at its earlier level, "
            "everything else equal; Little's law for pace, the follow-up effect for follow-up)",
            _changes,
        ),
        _R(
            "stage_bottleneck", "Stage bottleneck", "阶段瓶颈",
            "days the entity's deals spend in one stage (detail) against the same stage and product in "
            "comparable teams (mean log1p days)",
            "days", "leave-one-out median of comparable teams (or regions)", 0.5, "relative", True,
            ("stage_history",), (),
            "Little's law on the stage's excess days within the cycle",
            evaluate_bottlenecks,
            ("team", "region"),
        ),
    ]
}


def _has_rows(frame) -> bool:
    return frame is not None and len(frame) > 0


#: Why a driver produced no test on a level, checked in order; the first that holds is the reason
#: (a key of :data:`workbench.messages.MESSAGES` under ``pkg.diagnose.untested.``).
_UNTESTED = {
    "slow_follow_up": [
        (lambda c: not _has_rows(c.frames["created"]), "no_created"),
        (lambda c: c.frames["created"]["follow_up_hours"].isna().all(), "no_first_touch"),
    ],
    "low_activity": [(lambda c: not _has_rows(c.frames["activity_months"]), "no_activities")],
    "low_stage_conversion": [(lambda c: not c.measured, "no_stage_history")],
    "small_deals": [(lambda c: not (c.frames["closed"]["amount"] > 0).any(), "no_amount")],
    "long_cycle": [(lambda c: not c.frames["closed"]["won"].any(), "no_won")],
    "low_csat": [(lambda c: not _has_rows(c.frames["surveys"]), "no_surveys")],
    "weak_product": [(lambda c: c.frames["closed"]["product"].nunique() < 2, "one_product")],
    "low_pipeline_coverage": [(lambda c: c.frames["open_pipeline"].empty, "no_pipeline")],
    "order_cancellations": [(lambda c: not _has_rows(c.frames["orders"]), "no_orders")],
    "stalled_stage": [(lambda c: not _has_rows(c.frames["stage_days"]) or c.frames["stage_days"]["stage"].nunique() < 2,
                       "few_stages")],
    "recent_change": [(lambda c: c.frames.get("window") is None or c.frames["window"].months < 3, "short_history")],
    "stage_bottleneck": [(lambda c: not _has_rows(c.frames["stage_days"]), "few_stages")],
}


def untested_reason(key: str, ctx: Context, lang: str = "en") -> str:
    """Why driver ``key`` produced no test for the entities of ``ctx`` (for the audit trail), in ``lang``."""
    for failed, reason in _UNTESTED.get(key, []):
        if failed(ctx):
            return message(f"pkg.diagnose.untested.{reason}", lang)
    return message("pkg.diagnose.untested.too_little", lang)
