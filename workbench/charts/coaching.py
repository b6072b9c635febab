"""Charts of coaching results: the reps × skills heatmap, one rep's plan, training effectiveness.

They draw the frames of :mod:`workbench.coaching` as they are; labels come from the
frames (which read them from the skill map), titles in English or Chinese.

Examples
--------
>>> import pandas as pd
>>> heat = pd.DataFrame({"rep_id": ["R1", "R1", "R2", "R2"], "team": "East",
...     "skill": ["closing", "follow_up"] * 2, "skill_label": ["Closing", "Follow-up"] * 2,
...     "expected_uplift": [0.0, 1200.0, 300.0, 0.0], "rank": [None, 1, 1, None], "score": [61, 48, 55, 70]})
>>> spec = skill_heatmap_chart(heat).to_dict()
>>> spec["mark"]["type"], spec["encoding"]["x"]["field"], spec["encoding"]["color"]["condition"]["field"]
('rect', 'skill_label', 'expected_uplift')
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from workbench.formatting import natural_key
from workbench.messages import MESSAGES
from workbench.params import check_lang

__all__ = ["skill_heatmap_chart", "plan_chart", "effectiveness_chart"]

_WORDS = ("heat", "rep", "skill", "uplift", "score", "plan", "stake", "effect", "module", "change", "verdict",
          "effect_tip", "ci_low", "ci_high")


def _text(lang: str) -> dict[str, str]:
    """The chart words in ``lang`` (``chart.coaching.*`` of :mod:`workbench.messages`), by name."""
    return {name: MESSAGES[f"chart.coaching.{name}"][lang] for name in _WORDS}


def skill_heatmap_chart(heatmap: pd.DataFrame, lang: str = "en") -> alt.Chart:
    """Reps (rows) × skills (columns), coloured by the expected uplift of coaching the skill.

    Parameters
    ----------
    heatmap : DataFrame
        :func:`workbench.coaching.sessions.skill_heatmap`.
    """
    check_lang("skill_heatmap_chart", lang)
    t = _text(lang)
    reps = sorted(heatmap["rep_id"].astype(str).unique(), key=natural_key)
    return (
        alt.Chart(heatmap, title=t["heat"])
        .mark_rect()
        .encode(
            x=alt.X("skill_label", title=t["skill"], axis=alt.Axis(labelAngle=-30, labelLimit=220)),
            y=alt.Y("rep_id", sort=reps, title=t["rep"]),
            color=alt.condition(alt.datum.expected_uplift > 0,
                                alt.Color("expected_uplift:Q", title=t["uplift"], scale=alt.Scale(scheme="oranges")),
                                alt.value("#f2f2f2")),  # no gap: grey, not the palest orange
            tooltip=[alt.Tooltip("rep_id", title=t["rep"]), alt.Tooltip("skill_label", title=t["skill"]),
                     alt.Tooltip("expected_uplift", title=t["uplift"], format=",.0f"),
                     alt.Tooltip("score", title=t["score"], format=".0f")],
        )
        .properties(height=alt.Step(16), width=alt.Step(70))
    )


def plan_chart(rep_skills: pd.DataFrame, rep_id: str, lang: str = "en") -> alt.LayerChart:
    """One rep's ranked skills: expected uplift bars over the revenue at stake behind them."""
    check_lang("plan_chart", lang)
    t = _text(lang)
    data = rep_skills[rep_skills["rep_id"].astype(str) == str(rep_id)]
    order = data.sort_values("rank")["skill_label"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("skill_label", sort=order, title=t["skill"]))
    stake = base.mark_bar(color="#d9d9d9").encode(x=alt.X("revenue_at_stake", title=t["stake"]))
    uplift = base.mark_bar(color="#e6550d", height=8).encode(
        x=alt.X("expected_uplift", title=t["uplift"]),
        tooltip=[alt.Tooltip("skill_label", title=t["skill"]),
                 alt.Tooltip("expected_uplift", title=t["uplift"], format=",.0f"),
                 alt.Tooltip("revenue_at_stake", title=t["stake"], format=",.0f")])
    return (stake + uplift).properties(title=t["plan"].format(rep=rep_id))


def effectiveness_chart(modules: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Each module's measured effect with its confidence interval; 0 is "no change".

    Parameters
    ----------
    modules : DataFrame
        ``TrainingEffectiveness.modules`` (``module_id, title, effect, ci_low, ci_high, verdict``).
    """
    check_lang("effectiveness_chart", lang)
    t = _text(lang)
    data = modules.dropna(subset=["effect"]).assign(label=lambda m: m["module_id"] + " " + m["title"])
    order = data.sort_values("effect", ascending=False)["label"].tolist()
    base = alt.Chart(data).encode(y=alt.Y("label", sort=order, title=t["module"]))
    bars = base.mark_rule().encode(x=alt.X("ci_low", title=t["change"], axis=alt.Axis(format="+.0%")), x2="ci_high")
    points = base.mark_point(filled=True, size=60).encode(
        x=alt.X("effect", title=t["change"]),
        color=alt.Color("verdict", title=t["verdict"]),
        tooltip=[alt.Tooltip("label", title=t["module"]), alt.Tooltip("effect", title=t["effect_tip"], format="+.1%"),
                 alt.Tooltip("ci_low", title=t["ci_low"], format="+.1%"),
                 alt.Tooltip("ci_high", title=t["ci_high"], format="+.1%"), alt.Tooltip("verdict", title=t["verdict"])])
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(strokeDash=[4, 3], color="#888").encode(
        x=alt.X("x", title=t["change"]))
    return (bars + points + zero).properties(title=t["effect"])
