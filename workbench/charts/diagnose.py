"""Charts of a diagnosis: driver waterfall, funnel against peers, follow-up effect curve.

All three draw frames held by :class:`workbench.diagnose.Diagnosis`; they compute only
layout (cumulative bar positions), never business numbers.

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
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.diagnose.funnel import COMPONENTS, component_label

__all__ = ["driver_waterfall", "funnel_vs_peers", "follow_up_curve"]


def _entity(decomposition: pd.DataFrame, entity_id, entity_type: str) -> pd.DataFrame:
    d = decomposition[
        (decomposition["entity_type"] == entity_type) & (decomposition["entity_id"] == str(entity_id))
    ]
    if d.empty:
        raise ValueError(f"No decomposition rows for {entity_type} {entity_id!r}.")
    return d


def driver_waterfall(decomposition: pd.DataFrame, entity_id, entity_type: str = "rep") -> alt.Chart:
    """Waterfall from the target (or peer-typical bookings) to the actual bookings.

    Each bar is one LMDI part of ``Diagnosis.decomposition``; red bars cost bookings,
    green bars add them.
    """
    d = _entity(decomposition, entity_id, entity_type)
    has_target = (d["component"] == "target_vs_peers").any()
    start = float(d["target"].iloc[0]) if has_target else float(d["peer_bookings"].iloc[0])
    end = float(d["actual_bookings"].iloc[0])
    rows = [{"step": "Target" if has_target else "Peer level", "start": 0.0, "end": start, "kind": "total"}]
    level = start
    for r in d.itertuples(index=False):
        label = component_label(r.component) if r.component in COMPONENTS else r.component
        if r.detail:
            label = f"{label} {r.detail}"
        rows.append({"step": label, "start": level, "end": level + r.contribution,
                     "kind": "gain" if r.contribution >= 0 else "loss"})
        level += r.contribution
    rows.append({"step": "Actual", "start": 0.0, "end": end, "kind": "total"})
    data = pd.DataFrame(rows)
    data["amount"] = data["end"] - data["start"]
    order = data["step"].tolist()
    return (
        alt.Chart(data, title=f"Bookings gap of {entity_type} {entity_id}, by funnel driver")
        .mark_bar()
        .encode(
            x=alt.X("step:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("start:Q", title="Bookings"),
            y2="end:Q",
            color=alt.Color(
                "kind:N",
                scale=alt.Scale(domain=["total", "gain", "loss"], range=["#4c78a8", "#54a24b", "#e45756"]),
                legend=None,
            ),
            tooltip=["step", alt.Tooltip("amount:Q", format=",.0f")],
        )
    )


def funnel_vs_peers(decomposition: pd.DataFrame, entity_id, entity_type: str = "rep") -> alt.Chart:
    """Step-by-step pass rates of one entity's decided deals beside the peer benchmark.

    Without stage history the only step is the win rate (see
    :func:`workbench.diagnose.funnel.funnel_steps`).
    """
    d = _entity(decomposition, entity_id, entity_type)
    d = d[d["component"].isin(["stage_pass_rate", "win_rate"])]
    d = d.assign(detail=[det if det else component_label(c) for c, det in zip(d["component"], d["detail"])])
    data = pd.concat(
        [
            pd.DataFrame({"transition": d["detail"], "who": str(entity_id), "conversion": d["actual"]}),
            pd.DataFrame({"transition": d["detail"], "who": "peers", "conversion": d["benchmark"]}),
        ],
        ignore_index=True,
    )
    order = d["detail"].tolist()
    return (
        alt.Chart(data, title=f"Pass rates of {entity_type} {entity_id}'s decided deals vs comparable peers")
        .mark_bar()
        .encode(
            x=alt.X("transition:N", sort=order, title=None),
            xOffset="who:N",
            y=alt.Y("conversion:Q", axis=alt.Axis(format="%"), title=component_label("stage_pass_rate")),
            color=alt.Color("who:N", title=None),
            tooltip=["transition", "who", alt.Tooltip("conversion:Q", format=".1%")],
        )
    )


def follow_up_curve(effect) -> alt.LayerChart:
    """Predicted win rate of a typical deal against hours to first touch, with its band."""
    if effect is None:
        raise ValueError("No follow-up effect to draw: the data lacked follow-up times or enough deals.")
    curve = effect.curve
    base = alt.Chart(curve, title="Win rate by follow-up speed (company-wide logistic regression)")
    x = alt.X("follow_up_hours:Q", scale=alt.Scale(type="log"), title="Hours to first touch")
    band = base.mark_area(opacity=0.25).encode(x=x, y=alt.Y("lo:Q", axis=alt.Axis(format="%")), y2="hi:Q")
    line = base.mark_line().encode(
        x=x,
        y=alt.Y("win_probability:Q", axis=alt.Axis(format="%"), title="Win probability"),
        tooltip=[alt.Tooltip("follow_up_hours:Q", format=".1f"), alt.Tooltip("win_probability:Q", format=".1%")],
    )
    return band + line
