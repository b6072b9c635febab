"""Stalled stages: team bottlenecks and the open deals stuck longest in their stage.

``stage_bottleneck`` (a driver of teams and regions) compares the days a team's deals
spend in each stage with the same stage in comparable teams — not relative to the team's
own pace elsewhere, as ``stalled_stage`` does for reps — so "approval takes 3× longer in
team X" is one finding naming the stage. :func:`stuck_deals` lists the deals open at the
window end that have sat in their current stage longer than the 90th percentile of the
time deals spent in that stage: the table a manager can act on, with the value at stake.

Examples
--------
>>> import pandas as pd
>>> from workbench.diagnose.stalls import stage_percentiles
>>> sd = pd.DataFrame({"stage": ["Proposal"] * 10, "days": [float(d) for d in range(1, 11)]})
>>> stage_percentiles(sd).round(1).to_dict()
{'Proposal': 9.1}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.diagnose.facts import stage_centre, stage_deals
from workbench.diagnose.scoring import score_means

__all__ = ["STUCK_COLUMNS", "stage_percentiles", "stuck_deals", "evaluate_bottlenecks"]

#: Columns of ``Diagnosis.stuck_deals``.
STUCK_COLUMNS = [
    "opportunity_id", "rep_id", "team", "region", "stage", "entered_at", "days_in_stage", "stage_p90_days",
    "times_p90", "amount", "product", "note", "note_zh",
]


def stage_percentiles(stage_days: pd.DataFrame, q: float = 0.9) -> pd.Series:
    """The ``q`` quantile of the days deals spent in each stage (index: stage)."""
    if stage_days is None or stage_days.empty:
        return pd.Series(dtype=float)
    return stage_days.groupby("stage")["days"].quantile(q)


def stuck_deals(data, prep, q: float = 0.9) -> pd.DataFrame:
    """Deals open at the window end that have been in their stage longer than most deals ever are.

    Parameters
    ----------
    data : SalesData
        For the opportunities and their stage history.
    prep : Prepared
        The diagnosis facts: reps in scope, the window and the stage times of decided deals
        (:func:`workbench.diagnose.facts.prepare`).
    q : float
        The percentile of the time decided deals spent in the stage that a deal must exceed.

    Returns
    -------
    DataFrame
        :data:`STUCK_COLUMNS`, largest amount first; ``note`` / ``note_zh`` say it in a sentence.
    """
    from workbench.formatting import format_value

    history = data.stage_history
    limits = stage_percentiles(prep.stage_days[prep.stage_days.get("weight", 1.0) >= 1.0]
                               if "weight" in prep.stage_days else prep.stage_days, q)
    if history is None or history.empty or limits.empty:
        return pd.DataFrame(columns=STUCK_COLUMNS)
    end = prep.window.end
    o = data.opportunities
    is_open = (o["created_at"] < end) & ((o["outcome"].astype(str) == "open") | (o["closed_at"] >= end))
    reps = prep.reps.set_index("rep_id")
    open_deals = o[is_open & o["rep_id"].astype(str).isin(reps.index)]
    h = history[(history["entered_at"] < end)
                & history["opportunity_id"].astype(str).isin(set(open_deals["opportunity_id"].astype(str)))]
    if h.empty:
        return pd.DataFrame(columns=STUCK_COLUMNS)
    last = h.sort_values("entered_at", kind="stable").drop_duplicates("opportunity_id", keep="last")
    last = last[last["stage"].astype(str).isin(set(prep.stages))]
    deals = open_deals.assign(opportunity_id=open_deals["opportunity_id"].astype(str)).merge(
        pd.DataFrame({"opportunity_id": last["opportunity_id"].astype(str), "current": last["stage"].astype(str),
                      "entered_at": last["entered_at"]}), on="opportunity_id")
    days = (end - deals["entered_at"]).dt.total_seconds() / 86400.0
    limit = deals["current"].map(limits)
    stuck = deals[(days > limit).to_numpy()].copy()
    if stuck.empty:
        return pd.DataFrame(columns=STUCK_COLUMNS)
    stuck["days_in_stage"] = days[stuck.index]
    stuck["stage_p90_days"] = limit[stuck.index]
    rep_id = stuck["rep_id"].astype(str)
    out = pd.DataFrame({
        "opportunity_id": stuck["opportunity_id"].to_numpy(),
        "rep_id": rep_id.to_numpy(),
        "team": rep_id.map(reps["team"]).to_numpy(),
        "region": rep_id.map(reps["region"]).to_numpy(),
        "stage": stuck["current"].to_numpy(),
        "entered_at": stuck["entered_at"].to_numpy(),
        "days_in_stage": stuck["days_in_stage"].to_numpy(float),
        "stage_p90_days": stuck["stage_p90_days"].to_numpy(float),
        "amount": stuck["amount"].to_numpy(float),
        "product": stuck["product"].astype(object).to_numpy(),
    })
    out["times_p90"] = out["days_in_stage"] / out["stage_p90_days"].where(out["stage_p90_days"] > 0)
    pct = f"{round(q * 100):d}"
    out["note"] = [
        f"In {s} for {format_value(d, '', decimals=0)} days, {format_value(r, '', decimals=1)}× the {pct}th "
        f"percentile of that stage ({format_value(p, '', decimals=0)} days); "
        f"{format_value(a, 'currency')} at stake."
        for s, d, r, p, a in zip(out["stage"], out["days_in_stage"], out["times_p90"], out["stage_p90_days"],
                                 out["amount"])]
    out["note_zh"] = [
        f"停留在 {s} 阶段 {format_value(d, '', decimals=0, lang='zh')} 天，是该阶段第 {pct} 百分位"
        f"（{format_value(p, '', decimals=0, lang='zh')} 天）的 {format_value(r, '', decimals=1, lang='zh')} 倍；"
        f"涉及金额 {format_value(a, 'currency', lang='zh')}。"
        for s, d, r, p, a in zip(out["stage"], out["days_in_stage"], out["times_p90"], out["stage_p90_days"],
                                 out["amount"])]
    out = out.sort_values(["amount", "days_in_stage"], ascending=False, kind="stable")
    return out.reindex(columns=STUCK_COLUMNS).reset_index(drop=True)


def evaluate_bottlenecks(ctx) -> pd.DataFrame:
    """``stage_bottleneck``: days in each stage against the same stage in comparable entities.

    Each stage passage is measured as log1p days relative to the company's typical passage
    of the same stage and product, averaged per entity × stage and scored against the
    leave-one-out median of comparable entities (normal-normal, as every mean). Revenue
    impact: Little's law on the stage's excess days within the entity's cycle.
    """
    sd = ctx.frames["stage_days"]
    if ctx.level == "rep" or sd is None or sd.empty:
        return pd.DataFrame()
    y = np.log1p(sd["days"].to_numpy(float))
    centre = ctx.frames.get("stage_centre")  # the same stage and product's typical passage, shared by every level
    if centre is None or len(centre) != len(sd):
        centre = stage_centre(sd)
    obs = pd.DataFrame({"entity": sd["entity"].array, "detail": sd["stage"].array, "y": y - centre})
    if "weight" in sd.columns:
        obs["weight"] = sd["weight"].to_numpy(float)
    s = score_means(obs, ctx.groups, higher_is_worse=True, **ctx.kw())
    if s.empty:
        return s
    ratio = np.exp(s["value"] - s["benchmark"])
    s["gap"] = ratio - 1.0
    inside = sd[sd["weight"] >= 1.0] if "weight" in sd.columns else sd
    typical = inside.groupby(["entity", "stage"])["days"].median()
    days = pd.Series(typical.reindex(pd.MultiIndex.from_arrays([s["entity"], s["detail"]])).to_numpy(), index=s.index)
    lo, hi = np.exp(s["ci_low"] - s["benchmark"]), np.exp(s["ci_high"] - s["benchmark"])
    s["value"] = days
    s["benchmark"] = days / ratio
    s["raw"] = days
    s["ci_low"], s["ci_high"] = s["benchmark"] * lo, s["benchmark"] * hi
    # each deal's days in its stages (summed once for every level; a deal has one entity, its first row's),
    # their median per entity over the deals of the window
    deals = ctx.frames.get("stage_deals")
    codes = ctx.frames.get("stage_deal")
    if deals is None or codes is None or len(codes) != len(sd):
        codes = pd.factorize(sd["opportunity_id"])[0]
        deals = stage_deals(sd, codes, centre)
    first, deal_days = deals["first"].to_numpy(), deals["days"].to_numpy()
    if "weight" in sd.columns:  # a deal's weight is the same on all its rows
        in_window = sd["weight"].to_numpy(float)[first] >= 1.0
        first, deal_days = first[in_window], deal_days[in_window]
    per_deal = pd.DataFrame({"entity": sd["entity"].array.take(first), "days": deal_days})
    cycle = per_deal.groupby("entity")["days"].median()
    cyc = s["entity"].map(cycle)
    excess = (s["value"] - s["benchmark"]).clip(lower=0)
    s["revenue_impact"] = s["entity"].map(ctx.funnel["bookings"]) * (excess / (cyc - excess).where(cyc - excess > 0))
    return s
