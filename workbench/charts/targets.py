"""Charts of targets and what-if projections: the bookings fan of a lever setting against target.

:func:`whatif_fan` draws a :class:`~workbench.targets.whatif.Projection`: the scope's cumulative
bookings across the period, from what is booked to date to the end-of-period quantiles
(:meth:`Projection.fan`), with the baseline median, the target and the pace to it. It
computes only layout (the straight paths between those end points), never business numbers.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from workbench.targets import Levers
>>> from workbench.targets.whatif import Projection
>>> draws = np.arange(0.0, 1001.0, 10.0)  # 0, 10, ..., 1000: P10 = 100, P90 = 900
>>> p = Projection(period="2026-11", scope=("team", "East"), levers=Levers(), table=pd.DataFrame(),
...                summary={"target": 600.0, "booked_to_date": 0.0}, draws=draws, baseline_draws=draws,
...                rep_draws=pd.DataFrame(), activity_plan=pd.DataFrame(), activity_mix=pd.DataFrame(),
...                assumptions=pd.DataFrame())
>>> spec = whatif_fan(p).to_dict()
>>> [layer["mark"]["type"] for layer in spec["layer"]]
['area', 'line', 'rule', 'text']
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from workbench.messages import MESSAGES
from workbench.params import check_lang
from workbench.periods import parse_period

__all__ = ["whatif_fan", "whatif_fan_frames", "FAN_POINTS"]

#: Points drawn along the period for each path (straight lines: more only help tooltips).
FAN_POINTS = 7

_WORDS = ("title", "date", "bookings", "band", "whatif", "baseline", "pace", "booked", "target", "company",
          "no_target", "low", "high")


def _text(lang: str) -> dict:
    """The chart words in ``lang`` (``chart.whatif.*`` of :mod:`workbench.messages`), by name."""
    words = {name: MESSAGES[f"chart.whatif.{name}"][lang] for name in _WORDS}
    words["subtitle"] = [MESSAGES["chart.whatif.subtitle_1"][lang], MESSAGES["chart.whatif.subtitle_2"][lang]]
    return words


def _path(start: pd.Timestamp, end: pd.Timestamp, first: float, last: float, n: int):
    """``n`` dates and values on the straight line from ``(start, first)`` to ``(end, last)``."""
    share = np.linspace(0.0, 1.0, n)
    seconds = np.rint((end - start).total_seconds() * share).astype("int64").astype("timedelta64[s]")
    return start.to_datetime64().astype("datetime64[s]") + seconds, first + (last - first) * share


def whatif_fan_frames(projection, lang: str = "en", *, as_of=None) -> dict:
    """The data :func:`whatif_fan` draws, layer by layer.

    Returns
    -------
    dict
        ``"bands"`` (``date, lo, hi, band``), ``"lines"`` (``date, bookings, series``) and
        ``"target"`` (``bookings, label``; empty without a target): the frames of the area,
        line and rule / text layers, in the language ``lang``.
    """
    check_lang("whatif_fan", lang)
    t = _text(lang)
    period = parse_period(projection.period)
    start, end = period.start, period.end
    as_of = start if as_of is None else min(max(pd.Timestamp(as_of), start), end)
    fan = projection.fan()
    booked = float(fan["booked_to_date"].iloc[0])
    ends = {(s, int(k)): float(v) for s, k, v in zip(fan["scenario"].to_numpy(), fan["quantile"].to_numpy(),
                                                     fan["bookings"].to_numpy())}
    q = {k: v for (s, k), v in ends.items() if s == "what-if"}
    base_median = ends[("baseline", 50)]
    dates, _ = _path(as_of, end, 0.0, 0.0, FAN_POINTS)
    band_cols = {"date": [], "lo": [], "hi": [], "band": []}
    for lo, hi in ((10, 90), (25, 75)):
        band_cols["date"].append(dates)
        band_cols["lo"].append(_path(as_of, end, booked, q[lo], FAN_POINTS)[1])
        band_cols["hi"].append(_path(as_of, end, booked, q[hi], FAN_POINTS)[1])
        band_cols["band"].append(np.repeat(f"P{lo}–P{hi}", FAN_POINTS))
    bands = pd.DataFrame({k: np.concatenate(v) for k, v in band_cols.items()})
    target = projection.summary.get("target")
    has_target = target is not None and np.isfinite(target)
    paths = [(t["whatif"], _path(as_of, end, booked, q[50], FAN_POINTS)),
             (t["baseline"], _path(as_of, end, booked, base_median, FAN_POINTS))]
    if has_target:
        paths.append((t["pace"], _path(start, end, 0.0, float(target), FAN_POINTS)))
    if as_of > start:
        paths.append((t["booked"], _path(start, as_of, 0.0, booked, 2)))
    lines = pd.DataFrame({"date": np.concatenate([d for _, (d, _) in paths]),
                          "bookings": np.concatenate([v for _, (_, v) in paths]),
                          "series": np.concatenate([np.repeat(name, len(v)) for name, (_, v) in paths])})
    goal = pd.DataFrame({"bookings": [float(target)] if has_target else [],
                         "label": [t["target"].format(value=f"{target:,.0f}")] if has_target else []})
    return {"bands": bands, "lines": lines, "target": goal}


def whatif_fan(projection, lang: str = "en", *, as_of=None, title: str | None = None) -> alt.LayerChart:
    """The scope's cumulative bookings over the period: what-if fan, baseline median, target and pace.

    Parameters
    ----------
    projection : Projection
        From :meth:`workbench.targets.WhatIfModel.project`; its :meth:`~Projection.fan`
        gives the end-of-period quantiles and the bookings to date.
    lang : {"en", "zh"}
        Language of the titles and labels.
    as_of : date-like, optional
        When the bookings to date were counted (the model's ``as_of_``); the fan starts
        there. Default: the period start (nothing booked yet).
    title : str, optional
        Replaces the title (the subtitle stays).

    Returns
    -------
    alt.LayerChart
        Layers: the bands (P10–P90 and P25–P75 of the what-if), the medians (what-if solid,
        baseline dashed), the pace to target and bookings so far as lines; the target as a
        horizontal rule with its label. Without a target, no rule and no pace line.
    """
    frames = whatif_fan_frames(projection, lang, as_of=as_of)
    t = _text(lang)
    period = parse_period(projection.period)
    start, end = period.start, period.end
    bands, lines, goal = frames["bands"], frames["lines"], frames["target"]
    styles = {t["whatif"]: ("#08519c", [1, 0]), t["baseline"]: ("#636363", [6, 4]), t["pace"]: ("#d62728", [2, 2]),
              t["booked"]: ("#31a354", [1, 0])}
    series = [name for name in styles if name in set(lines["series"])]  # the legend lists what is drawn
    x = alt.X("date:T", title=t["date"], scale=alt.Scale(domain=[start.isoformat(), end.isoformat()]),
              axis=alt.Axis(format="%m-%d", labelOverlap=True))
    band = alt.Chart(bands).mark_area(opacity=0.3).encode(
        x=x, y=alt.Y("lo:Q", title=t["bookings"], axis=alt.Axis(format="~s")), y2="hi:Q",
        color=alt.Color("band:N", title=t["band"], scale=alt.Scale(domain=["P10–P90", "P25–P75"],
                                                                   range=["#9ecae1", "#4292c6"])),
        tooltip=[alt.Tooltip("date:T", title=t["date"]), alt.Tooltip("band:N", title=t["band"]),
                 alt.Tooltip("lo:Q", title=t["low"], format=",.0f"), alt.Tooltip("hi:Q", title=t["high"], format=",.0f")])
    line = alt.Chart(lines).mark_line().encode(
        x=x, y=alt.Y("bookings:Q", title=t["bookings"]),
        stroke=alt.Stroke("series:N", title=None, scale=alt.Scale(
            domain=series, range=[styles[name][0] for name in series])),
        strokeDash=alt.StrokeDash("series:N", title=None, scale=alt.Scale(
            domain=series, range=[styles[name][1] for name in series])),
        tooltip=[alt.Tooltip("series:N", title=" "), alt.Tooltip("date:T", title=t["date"]),
                 alt.Tooltip("bookings:Q", title=t["bookings"], format=",.0f")])
    rule = alt.Chart(goal).mark_rule(color="#d62728", strokeWidth=1.5).encode(
        y=alt.Y("bookings:Q", title=t["bookings"]))
    label = alt.Chart(goal).mark_text(align="left", dx=4, dy=-6, color="#d62728").encode(
        x=alt.value(0), y=alt.Y("bookings:Q", title=t["bookings"]), text="label:N")
    level, entity = projection.scope
    scope = t["company"] if level == "company" else str(entity)
    heading = title or t["title"].format(scope=scope, period=projection.period)
    return alt.layer(band, line, rule, label).properties(
        title=alt.TitleParams(heading, subtitle=t["subtitle"], anchor="start"), width=520, height=280)
