"""Opportunity finder: segments worth attacking.

Two kinds of segment are reported:

``growing_market_losing_share``
    region × product segments (needs the ``market`` table) whose market grew between the
    previous 12 months and the last 12 months of the window while our share of it fell by at least 10 % of itself
    (:data:`MIN_SHARE_DROP`). ``potential_revenue`` is what
    we would have booked had we held the previous share of the current market.
``high_win_rate_low_volume``
    region × product and lead-source segments whose (shrunken) win rate is in the top
    quartile of their kind while their number of decided deals is below the median.
    ``potential_revenue`` is the bookings the segment would add at the median volume,
    its own win rate and average deal.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.diagnose import stats
from workbench.diagnose.window import recent_window
from workbench.periods import parse_period

__all__ = ["find_opportunities", "OPPORTUNITY_COLUMNS"]

#: A segment is "losing share" when our share fell by at least this fraction of itself.
MIN_SHARE_DROP = 0.10

OPPORTUNITY_COLUMNS = [
    "reason", "segment_type", "segment", "region", "product", "source", "deals", "win_rate",
    "market_size", "market_growth", "share", "share_change", "potential_revenue", "note", "note_zh",
]


def _market_segments(prep, market: pd.DataFrame | None) -> pd.DataFrame:
    if market is None or market.empty or "region" not in market.columns:
        return pd.DataFrame(columns=OPPORTUNITY_COLUMNS)
    win = recent_window(prep.window)
    prev_start = win.start - pd.DateOffset(months=win.months)
    m = market.copy()
    starts, ends = [], []
    for p in m["period"].astype(str):
        try:
            parsed = parse_period(p)
            starts.append(parsed.start)
            ends.append(parsed.end)
        except ValueError:
            starts.append(pd.NaT)
            ends.append(pd.NaT)
    m["start"], m["end"] = starts, ends
    m["product"] = m["product"].astype(object).where(m["product"].notna(), None) if "product" in m else None
    m["which"] = np.where(
        (m["start"] >= win.start) & (m["end"] <= win.end), "now",
        np.where((m["start"] >= prev_start) & (m["end"] <= win.start), "prev", ""),
    )
    m = m[m["which"] != ""]
    if m.empty:
        return pd.DataFrame(columns=OPPORTUNITY_COLUMNS)
    size = m.groupby(["region", "product", "which"], dropna=False)["market_size"].sum().unstack("which")
    deals = prep.all_closed.merge(prep.reps[["rep_id", "region"]], on="rep_id")
    deals = deals[deals["won"] & (deals["closed_at"] >= prev_start)]
    deals["which"] = np.where(deals["closed_at"] >= win.start, "now", "prev")
    has_product = size.index.get_level_values("product").notna().any()
    keys = ["region", "product"] if has_product else ["region"]
    ours = deals.groupby(keys + ["which"])["amount"].sum().unstack("which")
    if not has_product:
        size = size.droplevel("product")
    frame = size.join(ours, lsuffix="_market", rsuffix="_ours", how="left")
    for c in ("now_market", "prev_market", "now_ours", "prev_ours"):
        if c not in frame:
            frame[c] = np.nan
    frame = frame.fillna({"now_ours": 0.0, "prev_ours": 0.0})
    frame["share"] = frame["now_ours"] / frame["now_market"].where(frame["now_market"] > 0)
    prev_share = frame["prev_ours"] / frame["prev_market"].where(frame["prev_market"] > 0)
    frame["share_change"] = frame["share"] - prev_share
    frame["market_growth"] = frame["now_market"] / frame["prev_market"].where(frame["prev_market"] > 0) - 1
    relative_drop = -frame["share_change"] / (frame["share"] - frame["share_change"])
    hit = frame[(frame["market_growth"] > 0) & (relative_drop >= MIN_SHARE_DROP)].reset_index()
    if hit.empty:
        return pd.DataFrame(columns=OPPORTUNITY_COLUMNS)
    if "product" not in hit:
        hit["product"] = None
    out = pd.DataFrame(
        {
            "reason": "growing_market_losing_share",
            "segment_type": "region×product",
            "segment": [f"{r} × {p}" if p is not None else str(r) for r, p in zip(hit["region"], hit["product"])],
            "region": hit["region"],
            "product": hit["product"],
            "source": None,
            "deals": np.nan,
            "win_rate": np.nan,
            "market_size": hit["now_market"],
            "market_growth": hit["market_growth"],
            "share": hit["share"],
            "share_change": hit["share_change"],
            "potential_revenue": -hit["share_change"] * hit["now_market"],
        }
    )
    out["note"] = [
        f"Market {s} grew {g:+.0%} but our share fell {c * 100:+.1f} pp to {sh:.1%}."
        for s, g, c, sh in zip(out["segment"], out["market_growth"], out["share_change"], out["share"])
    ]
    out["note_zh"] = [
        f"{s} 市场增长 {g:+.0%}，但我们的份额下降 {c * 100:+.1f} 个百分点至 {sh:.1%}。"
        for s, g, c, sh in zip(out["segment"], out["market_growth"], out["share_change"], out["share"])
    ]
    return out


def _win_rate_segments(prep) -> pd.DataFrame:
    columns = ["rep_id", "product", "source", "won", "amount"]  # what the segments count
    deals = prep.closed[columns].merge(prep.reps[["rep_id", "region"]], on="rep_id")
    if deals.empty:
        return pd.DataFrame(columns=OPPORTUNITY_COLUMNS)
    company = deals["won"].mean()
    out = []
    specs = [("region×product", ["region", "product"]), ("source", ["source"])]
    for kind, keys in specs:
        d = deals.dropna(subset=keys)
        if d.empty:
            continue
        g = d.groupby(keys).agg(deals=("won", "size"), wins=("won", "sum"))
        bookings = d[d["won"]].groupby(keys)["amount"].agg(["sum", "mean"])
        g = g.join(bookings).fillna({"sum": 0.0})
        if len(g) < 4:
            continue
        rates = g["wins"] / g["deals"]
        tau2 = stats.moment_tau2((rates - company).to_numpy(), (company * (1 - company) / g["deals"]).to_numpy())
        shrunk, _, _ = stats.beta_shrink(g["wins"], g["deals"], company, max(tau2, 1e-4))
        g["win_rate"] = shrunk
        high = g["win_rate"] >= g["win_rate"].quantile(0.75)
        low_volume = g["deals"] < g["deals"].median()
        hit = g[high & low_volume & (g["win_rate"] > company)].reset_index()
        if hit.empty:
            continue
        avg = hit["mean"].fillna(d.loc[d["won"], "amount"].mean())
        hit["potential_revenue"] = (g["deals"].median() - hit["deals"]) * hit["win_rate"] * avg
        hit["segment"] = [" × ".join(str(r[k]) for k in keys) for _, r in hit.iterrows()]
        hit["segment_type"] = kind
        out.append(hit)
    if not out:
        return pd.DataFrame(columns=OPPORTUNITY_COLUMNS)
    hit = pd.concat(out, ignore_index=True)
    hit["reason"] = "high_win_rate_low_volume"
    for c in ("region", "product", "source"):
        if c not in hit:
            hit[c] = None
    hit["note"] = [
        f"{s}: we win {w:.0%} of deals (company {company:.0%}) but saw only {int(n)} deals; "
        f"more leads here would pay off."
        for s, w, n in zip(hit["segment"], hit["win_rate"], hit["deals"])
    ]
    hit["note_zh"] = [
        f"{s}：赢单率 {w:.0%}（公司整体 {company:.0%}），但仅有 {int(n)} 个商机；在此加大获客投入回报可观。"
        for s, w, n in zip(hit["segment"], hit["win_rate"], hit["deals"])
    ]
    return hit.reindex(columns=OPPORTUNITY_COLUMNS)


def find_opportunities(prep, market: pd.DataFrame | None = None) -> pd.DataFrame:
    """Segments where the market grows but our share falls, or win rates are high and volume low."""
    parts = [p for p in (_market_segments(prep, market), _win_rate_segments(prep)) if not p.empty]
    if not parts:
        return pd.DataFrame(columns=OPPORTUNITY_COLUMNS)
    out = pd.concat(parts, ignore_index=True).reindex(columns=OPPORTUNITY_COLUMNS)
    return out.sort_values("potential_revenue", ascending=False).reset_index(drop=True)
