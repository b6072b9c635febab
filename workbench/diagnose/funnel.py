"""The funnel a diagnosis decomposes: its steps and the names of its factors.

Each factor of the gap decomposition (:mod:`workbench.diagnose.decomposition`) is declared
here once with its labels and definition. Two of them *are* KPIs measured over the
window (``win_rate``, ``avg_deal_size``) and take their labels from the KPI registry; the
others have names of their own because they are not the KPI of a similar name — e.g.
``stage_pass_rate`` counts the deals *decided in the window* that passed a step, while the
``stage_conversion`` KPI follows the deals that *entered* a stage in a period.

Examples
--------
>>> import pandas as pd
>>> funnel_steps(("Lead", "Demo"), pd.DataFrame({"reached": [0, 2]}), measured=True)
[(0, 'stage_pass_rate', 'Lead→Demo'), (1, 'stage_pass_rate', 'Demo→won')]
>>> funnel_steps(("Lead", "Demo"), pd.DataFrame({"reached": [-1, 0]}), measured=False)
[(-1, 'win_rate', '')]
>>> component_label("stage_pass_rate", "zh")
'阶段通过率'
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from workbench.io.stages import stage_steps
from workbench.kpi.registry import KPIS

__all__ = ["Component", "COMPONENTS", "component_label", "funnel_steps"]


@dataclass(frozen=True)
class Component:
    """One factor of the decomposition: key, labels and definition in words."""

    key: str
    label_en: str
    label_zh: str
    definition: str


def _kpi(key: str, definition: str) -> Component:
    return Component(key, KPIS[key].label_en, KPIS[key].label_zh, definition)


#: Every factor (and the target step) of the decomposition, in funnel order.
COMPONENTS = {c.key: c for c in [
    Component("target_vs_peers", "Target vs peers", "目标与同事水平之差",
              "peer-typical bookings − target: how far the target is from what comparable peers book"),
    Component("activities", "Activities", "活动量",
              "activities logged in the window's counted months (months with ≥ 5 workdays on the roster, "
              "after ramp-up and after the first logged activity)"),
    Component("opportunities_per_activity", "Decided deals per activity", "每次活动的已决商机",
              "deals decided in the window ÷ activities"),
    Component("opportunities", "Decided deals", "已决商机数", "deals decided (won or lost) in the window"),
    Component("stage_pass_rate", "Pass rate", "阶段通过率",
              "of the deals decided in the window that reached a step's first stage, the share that went on "
              "to the next stage (or won); the detail names the step"),
    _kpi("win_rate", "the win_rate KPI over the window (used when there is no stage history)"),
    _kpi("avg_deal_size", "the avg_deal_size KPI over the window: bookings ÷ deals won"),
]}


def component_label(key: str, lang: str = "en") -> str:
    """The display label of a decomposition component."""
    component = COMPONENTS[key]
    return component.label_zh if lang == "zh" else component.label_en


def funnel_steps(stages: tuple, closed: pd.DataFrame, measured: bool) -> list[tuple[int, str, str]]:
    """The steps from a decided deal to a win, as ``(from_index, component, detail)``.

    With stage history (``measured``), one ``stage_pass_rate`` step per open stage, labelled
    like the KPI's stage pairs (:func:`workbench.io.stages.stage_steps`), preceded by
    ``opportunity→<first stage>`` when some decided deals never entered an open stage
    (index −1). Without stage history no stage step is invented: the single step is the
    win rate.
    """
    if not measured or not stages:
        return [(-1, "win_rate", "")]
    out = []
    if (closed["reached"] < 0).any():
        out.append((-1, "stage_pass_rate", f"opportunity→{stages[0]}"))
    out += [(i, "stage_pass_rate", step) for i, step in enumerate(stage_steps(stages))]
    return out
