"""Competition: which competitors take deals from which reps, products and regions.

Uses the ``competitor`` (and, for the reason, ``lost_reason``) columns of lost deals. For
every dimension (``company``, ``rep``, ``product``, ``region``) and key, each competitor's
``take_rate`` is the share of that key's decided deals lost to it in the last 12 months of
the window, ``prev_take_rate`` the same in the 12 months before them; ``change`` is the
difference (in rate points).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.diagnose.window import recent_window

__all__ = ["competition_analysis", "COMPETITION_COLUMNS"]

COMPETITION_COLUMNS = [
    "dimension", "key", "competitor", "losses", "lost_amount", "take_rate",
    "prev_losses", "prev_take_rate", "change", "top_lost_reason",
]


def competition_analysis(prep) -> pd.DataFrame:
    """Losses to competitors per dimension and key, now versus the previous window."""
    deals = prep.all_closed
    if deals.empty or deals["competitor"].isna().all():
        return pd.DataFrame(columns=COMPETITION_COLUMNS)
    win = recent_window(prep.window)
    prev_start = win.start - pd.DateOffset(months=win.months)
    columns = ["rep_id", "product", "closed_at", "won", "amount", "competitor", "lost_reason"]  # what is counted
    d = deals.loc[deals["closed_at"] >= prev_start, columns].merge(prep.reps[["rep_id", "region"]], on="rep_id")
    d["which"] = np.where(d["closed_at"] >= win.start, "now", "prev")
    d["company"] = "company"
    d["competitor"] = d["competitor"].astype(object).where(d["competitor"].notna(), None)
    rows = []
    for dim in ("company", "rep_id", "product", "region"):
        dd = d.dropna(subset=[dim])
        decided = dd.groupby([dim, "which"]).size().unstack("which").reindex(columns=["now", "prev"]).fillna(0)
        lost = dd[(~dd["won"]) & dd["competitor"].notna()]
        if lost.empty:
            continue
        g = lost.groupby([dim, "competitor", "which"]).agg(
            losses=("won", "size"), lost_amount=("amount", "sum")
        ).unstack("which")
        g.columns = [f"{a}_{b}" for a, b in g.columns]
        g = g.reindex(columns=["losses_now", "losses_prev", "lost_amount_now", "lost_amount_prev"]).fillna(0.0)
        keys = g.index.get_level_values(0)
        g["take_rate"] = g["losses_now"] / decided["now"].reindex(keys).to_numpy()
        g["prev_take_rate"] = g["losses_prev"] / decided["prev"].reindex(keys).replace(0, np.nan).to_numpy()
        counted = (
            lost[lost["which"] == "now"].dropna(subset=["lost_reason"])
            .groupby([dim, "competitor", "lost_reason"]).size().sort_values(ascending=False)
            .reset_index()
        )
        reasons = counted.drop_duplicates([dim, "competitor"]).set_index([dim, "competitor"])["lost_reason"]
        g = g.join(reasons.rename("top_lost_reason"))
        g = g.reset_index()
        rows.append(
            pd.DataFrame(
                {
                    "dimension": "rep" if dim == "rep_id" else dim,
                    "key": g[dim].astype(str),
                    "competitor": g["competitor"].astype(str),
                    "losses": g["losses_now"].astype(int),
                    "lost_amount": g["lost_amount_now"],
                    "take_rate": g["take_rate"],
                    "prev_losses": g["losses_prev"].astype(int),
                    "prev_take_rate": g["prev_take_rate"],
                    "change": g["take_rate"] - g["prev_take_rate"],
                    "top_lost_reason": g["top_lost_reason"],
                }
            )
        )
    if not rows:
        return pd.DataFrame(columns=COMPETITION_COLUMNS)
    out = pd.concat(rows, ignore_index=True)
    return out.sort_values(["dimension", "lost_amount"], ascending=[True, False]).reset_index(drop=True)
