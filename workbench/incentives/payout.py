"""Payout per rep for a period's actual results, with a line-by-line explanation.

Attainment is the period's ``bookings`` KPI over its ``bookings_target`` KPI, both taken
from :func:`workbench.kpi.compute_kpis` (one truth per number: the scorecard, the
diagnosis and the payout show the same bookings and target). The plan's rate schedule
(:meth:`~workbench.incentives.plan.CommissionPlan.schedule`) turns them into commission
by band; SPIFs pay on the rep's won deals of a product closed in the period (the deals
the bookings KPI sums); the team bonus reads the team's ``quota_attainment`` KPI;
clawbacks come from an explicit list of cancelled deals (the data contract has no refund
or cancellation field); a draw tops the payout up to its amount.

Examples
--------
>>> import pandas as pd
>>> from workbench.incentives.plan import plan_from_dict
>>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["N"]})
>>> opps = pd.DataFrame({"opportunity_id": ["o1", "o2"], "rep_id": "r1", "stage": "Won", "outcome": "won",
...     "product": ["Cloud", "Suite"], "amount": [40_000.0, 26_000.0],
...     "created_at": pd.to_datetime(["2026-06-01", "2026-06-02"]),
...     "closed_at": pd.to_datetime(["2026-07-10", "2026-08-20"])})
>>> targets = pd.DataFrame({"entity_type": "rep", "entity_id": ["r1"], "period": ["2026-Q3"],
...     "metric": "bookings", "target": [60_000.0]})
>>> plan = plan_from_dict({"tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05}, {"from": 1.0, "rate": 0.08}],
...                        "spifs": [{"product": "Cloud", "per_deal": 500.0}]})
>>> payouts = compute_payouts({"reps": reps, "opportunities": opps, "targets": targets}, plan, "2026-Q3")
>>> payouts[["rep_id", "bookings", "target", "attainment", "commission", "spif", "total_payout"]]
  rep_id  bookings   target  attainment  commission  spif  total_payout
0     r1   66000.0  60000.0         1.1      3480.0 500.0        3980.0
>>> print(explain(payouts, "r1"))
r1 (Ann), 2026-Q3, plan 'plan'
Attainment: 66,000 bookings / 60,000 target = 110.0%
Tier 1: 0%–100% of 60,000 target = 60,000 × 5% = 3,000
Tier 2: 100%–110% of 60,000 target = 6,000 × 8% = 480
Commission: 3,480
SPIF Cloud: 1 deal × 500 = 500
Total payout: 3,980
>>> print(explain(payouts, "r1", lang="zh").splitlines()[2])
第 1 档：目标 60,000 的 0%–100% = 60,000 × 5% = 3,000
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd

from workbench.errors import DataError, KPIUnavailableWarning
from workbench.incentives.commission import commission
from workbench.incentives.plan import CommissionPlan
from workbench.io.load import as_sales_data
from workbench.kpi import compute_kpis
from workbench.params import check_lang, check_period

__all__ = ["compute_payouts", "compare_payouts", "side_by_side", "explain", "PAYOUT_COLUMNS"]

#: Columns of the payout table, in order.
PAYOUT_COLUMNS = [
    "rep_id", "name", "team", "period", "bookings", "target", "attainment", "threshold_met",
    "base_commission", "tier_commission", "accelerator", "decelerator", "commission_before_cap", "cap_reduction",
    "commission", "spif", "team_attainment", "team_bonus", "clawback", "earned", "draw_top_up",
    "draw_recoverable", "total_payout", "explanation", "explanation_zh",
]


def compute_payouts(data, plan: CommissionPlan, period, *, clawbacks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each rep's payout for one period's actual results under ``plan``.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Anything :func:`workbench.kpi.compute_kpis` reads; needs ``targets`` for attainment.
    plan : CommissionPlan
        From :func:`~workbench.incentives.plan.load_plan`.
    period : str
        A period of the plan's length: ``2026-Q3`` for a quarterly plan, ``2026-07`` for a
        monthly one.
    clawbacks : DataFrame, optional
        Cancelled deals: ``opportunity_id`` and ``cancelled_at`` (optional ``amount``, default
        the deal's amount). A deal cancelled in the period within ``clawback.window_days`` of
        its win (its ``closed_at``) is clawed back at ``clawback.rate`` (default: the plan's
        base rate, else its first tier's rate). Ignored when the plan has no ``[clawback]``.

    Returns
    -------
    DataFrame
        One row per rep hired before the period ends, columns :data:`PAYOUT_COLUMNS`.
        Commission parts are zero below the threshold; ``cap_reduction`` and ``clawback``
        are negative or zero; ``total_payout = earned + draw_top_up``; ``explanation`` /
        ``explanation_zh`` are the line-by-line text in English / Chinese (see :func:`explain`).

    Raises
    ------
    ValueError
        When ``period`` is not a period of the plan's length.
    workbench.errors.DataError
        When the data has no ``targets`` table or a clawback list lacks its columns.
    """
    freq_name = {"M": "a month label such as '2026-07'", "Q": "a quarter label such as '2026-Q3'"}[plan.period]
    p = check_period("compute_payouts", period, (plan.period,), f"{freq_name} (the plan '{plan.name}' is per "
                     f"{'month' if plan.period == 'M' else 'quarter'})")
    data = as_sales_data(data, caller="compute_payouts")
    if data.targets is None:
        raise DataError("compute_payouts needs the 'targets' table (bookings targets per rep and period) "
                        "to compute attainment; the data has none.", file="targets")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KPIUnavailableWarning)
        kpis = compute_kpis(data, by=["rep", "team"], freq=plan.period,
                            metrics=["bookings", "bookings_target", "quota_attainment"], start=p.label, end=p.label)
    wide = kpis.pivot_table(index=["entity_type", "entity_id"], columns="metric", values="value", dropna=False)
    reps = data.reps
    hired = reps["hire_date"] if "hire_date" in reps.columns else pd.Series(pd.NaT, index=reps.index)
    reps = reps[pd.isna(hired) | (pd.to_datetime(hired) < p.end)].reset_index(drop=True)
    rep_ids = reps["rep_id"].astype(str)
    rep_kpis = wide.loc["rep"].reindex(rep_ids) if "rep" in wide.index.get_level_values(0) else None
    bookings = rep_kpis["bookings"].fillna(0.0).to_numpy(float) if rep_kpis is not None else np.zeros(len(reps))
    target = rep_kpis["bookings_target"].to_numpy(float) if rep_kpis is not None else np.full(len(reps), np.nan)
    result = commission(plan, bookings, target)
    parts = _parts(result)
    out = pd.DataFrame({
        "rep_id": rep_ids.to_numpy(object), "name": reps["name"].astype(str).to_numpy(object),
        "team": reps["team"].astype(str).to_numpy(object), "period": p.label,
        "bookings": bookings, "target": target, "attainment": result.attainment, "threshold_met": result.paid,
        **parts, "commission_before_cap": result.before_cap, "cap_reduction": result.total - result.before_cap,
        "commission": result.total,
    })
    spif, spif_lines = _spifs(plan, data.opportunities, out["rep_id"], p)
    team_attainment = (wide.loc["team"]["quota_attainment"].reindex(out["team"]).to_numpy(float)
                       if "team" in wide.index.get_level_values(0) else np.full(len(out), np.nan))
    bonus = plan.team_bonus
    out["spif"] = spif
    out["team_attainment"] = team_attainment
    out["team_bonus"] = (np.where(np.nan_to_num(team_attainment, nan=-1.0) >= bonus.attainment, bonus.amount, 0.0)
                         if bonus is not None else 0.0)
    claw, claw_lines = _clawbacks(plan, data.opportunities, clawbacks, out["rep_id"], p)
    out["clawback"] = np.where(claw > 0, -claw, 0.0)
    out["earned"] = out["commission"] + out["spif"] + out["team_bonus"] + out["clawback"]
    draw = plan.draw.amount if plan.draw is not None else 0.0
    out["draw_top_up"] = np.clip(draw - out["earned"], 0.0, None)
    out["draw_recoverable"] = out["draw_top_up"] if plan.draw is not None and plan.draw.recoverable else 0.0
    out["total_payout"] = out["earned"] + out["draw_top_up"]
    for column, lang in (("explanation", "en"), ("explanation_zh", "zh")):
        out[column] = [_explanation(plan, p.label, row, result, i, spif_lines.get(row.rep_id, []),
                                    claw_lines.get(row.rep_id, []), lang)
                       for i, row in enumerate(out.itertuples(index=False))]
    return out[PAYOUT_COLUMNS]


def compare_payouts(data, plan_a: CommissionPlan, plan_b: CommissionPlan, period, *,
                    clawbacks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each rep's payout for the same period's actual results under two plans, side by side.

    Parameters
    ----------
    data, period, clawbacks
        As for :func:`compute_payouts`.
    plan_a, plan_b : CommissionPlan
        Two plans of the same period length.

    Returns
    -------
    DataFrame
        ``rep_id, name, team, period, bookings, target, attainment``, then ``payout_a``,
        ``payout_b`` (each plan's ``total_payout``) and ``difference`` (B − A). The plans'
        names are in ``attrs["plans"]``.

    Examples
    --------
    >>> import pandas as pd
    >>> from workbench.incentives.plan import plan_from_dict
    >>> reps = pd.DataFrame({"rep_id": ["r1"], "name": ["Ann"], "team": ["East"], "region": ["N"]})
    >>> opps = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": "r1", "stage": "Won", "outcome": "won",
    ...     "amount": [66_000.0], "created_at": pd.to_datetime(["2026-06-01"]),
    ...     "closed_at": pd.to_datetime(["2026-07-10"])})
    >>> targets = pd.DataFrame({"entity_type": "rep", "entity_id": ["r1"], "period": ["2026-Q3"],
    ...     "metric": "bookings", "target": [60_000.0]})
    >>> flat = plan_from_dict({"name": "Flat", "base_rate": 0.06})
    >>> tiered = plan_from_dict({"name": "Tiered", "tiers": [{"from": 0.0, "to": 1.0, "rate": 0.05},
    ...                                                       {"from": 1.0, "rate": 0.10}]})
    >>> compare_payouts({"reps": reps, "opportunities": opps, "targets": targets}, flat, tiered,
    ...                 "2026-Q3")[["rep_id", "payout_a", "payout_b", "difference"]]
      rep_id  payout_a  payout_b  difference
    0     r1    3960.0    3600.0      -360.0
    """
    if plan_a.period != plan_b.period:
        raise ValueError(f"Plans '{plan_a.name}' (per {plan_a.period}) and '{plan_b.name}' (per {plan_b.period}) "
                         "pay over different periods; compare plans of the same period length.")
    data = as_sales_data(data, caller="compare_payouts")
    return side_by_side(compute_payouts(data, plan_a, period, clawbacks=clawbacks),
                        compute_payouts(data, plan_b, period, clawbacks=clawbacks), (plan_a.name, plan_b.name))


def side_by_side(payouts_a: pd.DataFrame, payouts_b: pd.DataFrame, names=("A", "B")) -> pd.DataFrame:
    """Two payout tables of the same reps and period (from :func:`compute_payouts`) side by side.

    Returns the table :func:`compare_payouts` describes; ``names`` go to ``attrs["plans"]``.
    """
    keys = ["rep_id", "period"]
    if not payouts_a[keys].reset_index(drop=True).equals(payouts_b[keys].reset_index(drop=True)):
        raise ValueError("side_by_side needs two payout tables of the same reps and period.")
    out = payouts_a[["rep_id", "name", "team", "period", "bookings", "target", "attainment"]].assign(
        payout_a=payouts_a["total_payout"].to_numpy(), payout_b=payouts_b["total_payout"].to_numpy())
    out["difference"] = out["payout_b"] - out["payout_a"]
    out.attrs["plans"] = tuple(names)
    return out.reset_index(drop=True)


def explain(payouts: pd.DataFrame, rep_id, lang: str = "en") -> str:
    """The line-by-line explanation of one rep's payout (from :func:`compute_payouts`), in ``lang``.

    Parameters
    ----------
    payouts : DataFrame
    rep_id : str
    lang : {"en", "zh"}

    Raises
    ------
    KeyError
        Naming the rep when it is not in the table, with a few ids that are.
    """
    check_lang("explain", lang)
    rows = payouts[payouts["rep_id"].astype(str) == str(rep_id)]
    if rows.empty:
        known = ", ".join(payouts["rep_id"].astype(str).head(5))
        raise KeyError(f"Rep {rep_id!r} is not in the payout table (reps such as {known}).")
    return rows["explanation_zh" if lang == "zh" else "explanation"].iloc[0]


def _parts(result) -> dict:
    """Base, tier, accelerator and decelerator parts of the commission (zero below the threshold)."""
    parts = {k: np.zeros(result.total.shape) for k in ("base_commission", "tier_commission", "accelerator",
                                                         "decelerator")}
    for segment, band in zip(result.segments, result.bands):
        unit = np.where(result.paid, band * segment.unit_rate, 0.0)
        parts["base_commission" if segment.tier < 0 else "tier_commission"] += unit
        parts["accelerator" if segment.multiplier > 1 else "decelerator"] += unit * (segment.multiplier - 1)
    return parts


def _in_period(values: pd.Series, p) -> pd.Series:
    return (values >= p.start) & (values < p.end)


def _spifs(plan: CommissionPlan, opportunities: pd.DataFrame, rep_ids: pd.Series, p):
    """SPIF per rep and the explanation lines (English, Chinese): won deals of the product, by closed_at."""
    total = pd.Series(0.0, index=rep_ids.to_numpy())
    lines: dict[str, list[tuple[str, str]]] = {}
    if not plan.spifs:
        return total.to_numpy(), lines
    won = opportunities[(opportunities["outcome"] == "won") & _in_period(opportunities["closed_at"], p)]
    product = won["product"].astype(str).str.strip().str.casefold() if "product" in won.columns else None
    for spif in plan.spifs:
        deals = won[product == spif.product.casefold()] if product is not None else won.iloc[:0]
        by_rep = deals.groupby(deals["rep_id"].astype(str))["amount"].agg(["size", "sum"])
        by_rep = by_rep[by_rep.index.isin(total.index)]
        for rep, row in by_rep.iterrows():
            if spif.per_deal is not None:
                amount = row["size"] * spif.per_deal
                text = (f"SPIF {spif.product}: {int(row['size'])} deal{'s' if row['size'] != 1 else ''} × "
                        f"{_money(spif.per_deal)} = {_money(amount)}",
                        f"产品专项奖励 {spif.product}：{int(row['size'])} 单 × {_money(spif.per_deal)} = {_money(amount)}")
            else:
                amount = row["sum"] * spif.rate
                text = (f"SPIF {spif.product}: {_money(row['sum'])} won × {_pct(spif.rate)} = {_money(amount)}",
                        f"产品专项奖励 {spif.product}：成交额 {_money(row['sum'])} × {_pct(spif.rate)} = {_money(amount)}")
            total[rep] += amount
            lines.setdefault(rep, []).append(text)
    return total.to_numpy(), lines


def _clawbacks(plan, opportunities, clawbacks, rep_ids, p):
    """Clawback per rep and the explanation lines (English, Chinese)."""
    total = pd.Series(0.0, index=rep_ids.to_numpy())
    lines: dict[str, list[tuple[str, str]]] = {}
    if plan.clawback is None or clawbacks is None or clawbacks.empty:
        return total.to_numpy(), lines
    missing = [c for c in ("opportunity_id", "cancelled_at") if c not in clawbacks.columns]
    if missing:
        raise DataError(f"The clawback list needs columns opportunity_id and cancelled_at; it lacks {missing}.",
                        file="clawbacks", column=missing[0])
    rate = plan.clawback.rate
    if rate is None:
        rate = plan.base_rate or (plan.tiers[0].rate if plan.tiers else 0.0)
    cancelled = clawbacks.assign(opportunity_id=clawbacks["opportunity_id"].astype(str),
                                 cancelled_at=pd.to_datetime(clawbacks["cancelled_at"], errors="coerce"))
    if cancelled["cancelled_at"].isna().any():
        raise DataError("The clawback list has cancelled_at values that are not dates.", file="clawbacks",
                        column="cancelled_at")
    deals = opportunities[["opportunity_id", "rep_id", "amount", "closed_at"]].assign(
        opportunity_id=lambda f: f["opportunity_id"].astype(str))
    joined = cancelled.merge(deals, on="opportunity_id", how="inner", suffixes=("_cancelled", ""))
    if "amount_cancelled" in joined.columns:
        given = pd.to_numeric(joined["amount_cancelled"], errors="coerce")
        joined["amount"] = given.fillna(joined["amount"])
    days = (joined["cancelled_at"] - joined["closed_at"]).dt.days
    hit = joined[_in_period(joined["cancelled_at"], p) & (days >= 0) & (days <= plan.clawback.window_days)]
    for row in hit.itertuples(index=False):
        rep = str(row.rep_id)
        if rep not in total.index:
            continue
        amount = float(row.amount) * rate
        total[rep] += amount
        days_after = (row.cancelled_at - row.closed_at).days
        lines.setdefault(rep, []).append((
            f"Clawback {row.opportunity_id}: {_money(row.amount)} cancelled {days_after} days after the win "
            f"(within {plan.clawback.window_days}) × {_pct(rate)} = −{_money(amount)}",
            f"佣金追回 {row.opportunity_id}：{_money(row.amount)} 在成交后 {days_after} 天取消"
            f"（{plan.clawback.window_days} 天内）× {_pct(rate)} = −{_money(amount)}"))
    return total.to_numpy(), lines


def _money(value: float) -> str:
    value = float(value)
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


def _pct(value: float) -> str:
    return f"{value * 100:.4g}%"


def _segment_label(plan: CommissionPlan, segment, zh: bool) -> str:
    if segment.tier < 0:
        label = "基础费率" if zh else "Base rate"
    else:
        label = plan.tiers[segment.tier].name or (f"第 {segment.tier + 1} 档" if zh else f"Tier {segment.tier + 1}")
    if segment.multiplier > 1:
        label += f" ×{segment.multiplier:g} " + ("加速" if zh else "accelerator")
    elif segment.multiplier < 1:
        label += f" ×{segment.multiplier:g} " + ("减速" if zh else "decelerator")
    return label


def _explanation(plan, label, row, result, i, spif_lines, claw_lines, lang="en") -> str:
    """The line-by-line text of one rep's payout, in English or Chinese."""
    zh = lang == "zh"
    lines = [f"{row.rep_id}（{row.name}），{label}，方案「{plan.name}」" if zh else
             f"{row.rep_id} ({row.name}), {label}, plan '{plan.name}'"]
    if math.isnan(row.target) or row.target <= 0:
        lines.append(f"{label} 没有签约额目标：完成率未知，不发佣金（签约额 {_money(row.bookings)}）" if zh else
                     f"No bookings target for {label}: attainment unknown, no commission "
                     f"(bookings {_money(row.bookings)}).")
    else:
        lines.append(f"完成率：签约额 {_money(row.bookings)} / 目标 {_money(row.target)} = {row.attainment * 100:.1f}%"
                     if zh else f"Attainment: {_money(row.bookings)} bookings / {_money(row.target)} target = "
                     f"{row.attainment * 100:.1f}%")
        if not row.threshold_met:
            lines.append(f"低于 {_pct(plan.threshold)} 门槛：不发佣金" if zh else
                         f"Below the {_pct(plan.threshold)} threshold: no commission")
        else:
            for segment, earned, bands in zip(result.segments, result.by_segment, result.bands):
                if row.attainment <= segment.start:
                    continue
                amount, band = float(earned[i]), float(bands[i])
                reached = min(row.attainment, segment.end)
                rate = f"{_pct(segment.unit_rate)}" + (f" × {segment.multiplier:g}" if segment.multiplier != 1 else "")
                name = _segment_label(plan, segment, zh)
                lines.append(f"{name}：目标 {_money(row.target)} 的 {_pct(segment.start)}–{_pct(reached)} = "
                             f"{_money(band)} × {rate} = {_money(amount)}" if zh else
                             f"{name}: {_pct(segment.start)}–{_pct(reached)} of {_money(row.target)} target "
                             f"= {_money(band)} × {rate} = {_money(amount)}")
            top = result.segments[-1].end
            if row.attainment > top:
                lines.append(f"完成率封顶：超过目标 {_pct(top)} 的签约额不计佣金" if zh else
                             f"Attainment cap: bookings above {_pct(top)} of target earn nothing")
            if row.cap_reduction < 0:
                lines.append(f"佣金封顶：{_money(row.commission_before_cap)} 封顶为 {_money(plan.cap.payout)}" if zh else
                             f"Payout cap: {_money(row.commission_before_cap)} capped at {_money(plan.cap.payout)}")
            lines.append(f"佣金：{_money(row.commission)}" if zh else f"Commission: {_money(row.commission)}")
    lines.extend(text[1] if zh else text[0] for text in spif_lines)
    if plan.team_bonus is not None:
        if math.isnan(row.team_attainment):
            lines.append(f"团队奖金：团队 {row.team} 在 {label} 没有目标：无奖金" if zh else
                         f"Team bonus: team {row.team} has no target for {label}: no bonus")
        else:
            sign = "≥" if row.team_attainment >= plan.team_bonus.attainment else "<"
            lines.append(f"团队奖金：团队 {row.team} 完成目标的 {row.team_attainment * 100:.1f}% {sign} "
                         f"{_pct(plan.team_bonus.attainment)} → {_money(row.team_bonus)}" if zh else
                         f"Team bonus: team {row.team} at {row.team_attainment * 100:.1f}% of target "
                         f"{sign} {_pct(plan.team_bonus.attainment)} → {_money(row.team_bonus)}")
    lines.extend(text[1] if zh else text[0] for text in claw_lines)
    if row.draw_top_up > 0:
        if zh:
            kind = "可追回（从以后的佣金中扣回）" if plan.draw.recoverable else "不可追回"
            lines.append(f"保底：应得 {_money(row.earned)} < 保底 {_money(plan.draw.amount)}："
                         f"补足 {_money(row.draw_top_up)}，{kind}")
        else:
            kind = "recoverable (owed back from future commission)" if plan.draw.recoverable else "non-recoverable"
            lines.append(f"Draw: earned {_money(row.earned)} < draw {_money(plan.draw.amount)}: "
                         f"top-up {_money(row.draw_top_up)}, {kind}")
    lines.append(f"应发总额：{_money(row.total_payout)}" if zh else f"Total payout: {_money(row.total_payout)}")
    return "\n".join(lines)
