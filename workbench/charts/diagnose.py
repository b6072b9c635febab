"""Charts of a diagnosis: driver waterfall, funnel against peers, follow-up effect curve.

All three draw frames held by :class:`workbench.diagnose.Diagnosis`; they compute only
layout (cumulative bar positions), never business numbers. Words are English or Chinese
(``lang``): driver names from :mod:`workbench.diagnose.funnel`, the rest from
:mod:`workbench.messages`.

Examples
--------
>>> import pandas as pd
>>> from workbench.charts.diagnose import driver_waterfall
>>> dec = pd.DataFrame({"entity_type": "rep", "entity_id": "R1",
...     "component": ["target_vs_peers", "opportunities", "avg_deal_size"], "detail": "",
...     "contribution": [-10.0, 5.0, -15.0], "target": 100.0, "actual_bookings": 80.0})
>>> spec = driver_waterfall(dec, "R1").to_dict()
>>> [row["step"] for row in spec["datasets"][spec["data"]["name"]]]
['Target', 'Target vs peers', 'Decided deals', 'Average deal size', 'Actual']
>>> driver_waterfall(dec, "R1", lang="zh").to_dict()["title"]
'销售 R1 的签约额差距（按漏斗因素）'
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.diagnose.funnel import COMPONENTS, component_label
from workbench.kpi.registry import KPIS
from workbench.messages import message
from workbench.params import check_lang

__all__ = ["driver_waterfall", "funnel_vs_peers", "follow_up_curve", "stuck_deals_chart"]


def _entity(decomposition: pd.DataFrame, entity_id, entity_type: str) -> pd.DataFrame:
    d = decomposition[
        (decomposition["entity_type"] == entity_type) & (decomposition["entity_id"] == str(entity_id))
    ]
    if d.empty:
        raise ValueError(f"No decomposition rows for {entity_type} {entity_id!r}.")
    return d


def _entity_type(entity_type: str, lang: str) -> str:
    key = f"chart.entity_type.{entity_type}"
    return message(key, lang) if entity_type in ("rep", "team", "region", "company") else entity_type


def driver_waterfall(decomposition: pd.DataFrame, entity_id, entity_type: str = "rep", lang: str = "en") -> alt.Chart:
    """Waterfall from the target (or peer-typical bookings) to the actual bookings.

    Each bar is one LMDI part of ``Diagnosis.decomposition``; red bars cost bookings,
    green bars add them. ``lang`` (``"en"`` or ``"zh"``) is the language of every word.
    """
    check_lang("driver_waterfall", lang)
    d = _entity(decomposition, entity_id, entity_type)
    has_target = (d["component"] == "target_vs_peers").any()
    start = float(d["target"].iloc[0]) if has_target else float(d["peer_bookings"].iloc[0])
    end = float(d["actual_bookings"].iloc[0])
    first = message("chart.waterfall.target" if has_target else "chart.waterfall.peer_level", lang)
    rows = [{"step": first, "start": 0.0, "end": start, "kind": "total"}]
    level = start
    for r in d.itertuples(index=False):
        label = component_label(r.component, lang) if r.component in COMPONENTS else r.component
        if r.detail:
            label = f"{label} {r.detail}"
        rows.append({"step": label, "start": level, "end": level + r.contribution,
                     "kind": "gain" if r.contribution >= 0 else "loss"})
        level += r.contribution
    rows.append({"step": message("chart.waterfall.actual", lang), "start": 0.0, "end": end, "kind": "total"})
    data = pd.DataFrame(rows)
    data["amount"] = data["end"] - data["start"]
    order = data["step"].tolist()
    title = message("chart.waterfall.title", lang, entity_type=_entity_type(entity_type, lang), entity_id=entity_id)
    step = message("chart.waterfall.step", lang)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("start:Q", title=KPIS["bookings"].label(lang)),
            y2="end:Q",
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["total", "gain", "loss"], range=["#4c78a8", "#54a24b", "#e45756"]),
                legend=None,
            ),
            tooltip=[alt.Tooltip("step:N", title=step),
                     alt.Tooltip("amount:Q", title=message("chart.waterfall.amount", lang), format=",.0f")],
        )
    )


def funnel_vs_peers(decomposition: pd.DataFrame, entity_id, entity_type: str = "rep", lang: str = "en") -> alt.Chart:
    """Step-by-step pass rates of one entity's decided deals beside the peer benchmark.

    Without stage history the only step is the win rate (see
    :func:`workbench.diagnose.funnel.funnel_steps`). ``lang`` (``"en"`` or ``"zh"``) is
    the language of every word.
    """
    check_lang("funnel_vs_peers", lang)
    d = _entity(decomposition, entity_id, entity_type)
    d = d[d["component"].isin(["stage_pass_rate", "win_rate"])]
    d = d.assign(detail=[det if det else component_label(c, lang) for c, det in zip(d["component"], d["detail"])])
    peers = message("chart.funnel.peers", lang)
    data = pd.concat(
        [
            pd.DataFrame({"transition": d["detail"], "who": str(entity_id), "conversion": d["actual"]}),
            pd.DataFrame({"transition": d["detail"], "who": peers, "conversion": d["benchmark"]}),
        ],
        ignore_index=True,
    )
    order = d["detail"].tolist()
    pass_rate = component_label("stage_pass_rate", lang)
    title = message("chart.funnel.title", lang, entity_type=_entity_type(entity_type, lang), entity_id=entity_id)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("transition:N", sort=order, title=None),
            xOffset="who:N",
            y=alt.Y("conversion:Q", axis=alt.Axis(format="%"), title=pass_rate),
            color=alt.Color("who:N", title=None),
            tooltip=[alt.Tooltip("transition:N", title=message("chart.funnel.step", lang)),
                     alt.Tooltip("who:N", title=message("chart.funnel.who", lang)),
                     alt.Tooltip("conversion:Q", title=pass_rate, format=".1%")],
        )
    )


def follow_up_curve(effect, lang: str = "en") -> alt.LayerChart:
    """Predicted win rate of a typical deal against hours to first touch, with its band.

    ``lang`` (``"en"`` or ``"zh"``) is the language of the title, axes and tooltips.
    """
    check_lang("follow_up_curve", lang)
    if effect is None:
        raise ValueError("No follow-up effect to draw: the data lacked follow-up times or enough deals.")
    curve = effect.curve
    hours, win = message("chart.follow_up.hours", lang), message("chart.follow_up.win_probability", lang)
    base = alt.Chart(curve, title=message("chart.follow_up.title", lang))
    x = alt.X("follow_up_hours:Q", scale=alt.Scale(type="log"), title=hours)
    band = base.mark_area(opacity=0.25).encode(
        x=x, y=alt.Y("lo:Q", axis=alt.Axis(format="%"), title=win), y2="hi:Q",
        tooltip=[alt.Tooltip("follow_up_hours:Q", title=hours, format=".1f"),
                 alt.Tooltip("lo:Q", title=message("chart.follow_up.low", lang), format=".1%"),
                 alt.Tooltip("hi:Q", title=message("chart.follow_up.high", lang), format=".1%")])
    line = base.mark_line().encode(
        x=x,
        y=alt.Y("win_probability:Q", axis=alt.Axis(format="%"), title=win),
        tooltip=[alt.Tooltip("follow_up_hours:Q", title=hours, format=".1f"),
                 alt.Tooltip("win_probability:Q", title=win, format=".1%")],
    )
    return band + line


def stuck_deals_chart(stuck: pd.DataFrame, lang: str = "en", top: int = 50) -> alt.LayerChart:
    """The stuck open deals (``Diagnosis.stuck_deals``): days in their stage per stage, sized by
    amount, with each stage's 90th percentile as a tick; the ``top`` largest deals.

    ``lang`` (``"en"`` or ``"zh"``) is the language of the title, axes and tooltips.

    >>> import pandas as pd
    >>> stuck = pd.DataFrame({"opportunity_id": ["D1"], "rep_id": ["R1"], "team": ["T"], "stage": ["Proposal"],
    ...                       "days_in_stage": [80.0], "stage_p90_days": [30.0], "amount": [5e4],
    ...                       "note": ["In Proposal for 80 days"], "note_zh": ["停留 80 天"]})
    >>> type(stuck_deals_chart(stuck, "zh")).__name__
    'LayerChart'
    """
    check_lang("stuck_deals_chart", lang)
    deals = stuck.nlargest(top, "amount") if len(stuck) > top else stuck
    deals = deals.assign(note_shown=deals["note_zh" if lang == "zh" else "note"])
    days, p90 = message("chart.stuck_deals.days", lang), message("chart.stuck_deals.p90", lang)
    amount = message("chart.stuck_deals.amount", lang)
    base = alt.Chart(deals, title=message("chart.stuck_deals.title", lang))
    points = base.mark_circle(opacity=0.7).encode(
        x=alt.X("days_in_stage:Q", title=days),
        y=alt.Y("stage:N", title=None),
        size=alt.Size("amount:Q", title=amount),
        tooltip=[alt.Tooltip("opportunity_id:N"), alt.Tooltip("rep_id:N"), alt.Tooltip("team:N"),
                 alt.Tooltip("amount:Q", title=amount, format=",.0f"), alt.Tooltip("note_shown:N", title=days)],
    )
    limits = alt.Chart(deals.drop_duplicates("stage")).mark_tick(thickness=2, size=24, color="black").encode(
        x=alt.X("stage_p90_days:Q", title=days), y=alt.Y("stage:N", title=None),
        tooltip=[alt.Tooltip("stage_p90_days:Q", title=p90, format=",.0f")])
    return points + limits
