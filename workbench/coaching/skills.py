"""The driver → skill map: which skill is behind each diagnosis finding.

The default map ships as ``workbench/coaching/skill_map.toml`` (documented in the file
itself); a trainer copies and edits it and passes the copy to :func:`load_skill_map`.
Each skill has its labels (English and Chinese), the KPI that shows it at work (used to
pick mentors and to measure whether training worked) and a sentence on what it covers.

Examples
--------
>>> skills = load_skill_map()
>>> skills.skill_for("slow_follow_up")
'follow_up'
>>> stages = ("Prospecting", "Qualification", "Proposal", "Negotiation")
>>> [skills.skill_for("low_stage_conversion", step, stages) for step in
...  ("Prospecting→Qualification", "Proposal→Negotiation", "Negotiation→won")]
['discovery', 'negotiation', 'closing']
>>> skills.label("follow_up", "zh"), skills.kpi("follow_up")
('跟进纪律', 'follow_up_hours_median')
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from workbench.errors import DataError
from workbench.io.stages import stage_steps
from workbench.params import check_lang

__all__ = ["Skill", "SkillRule", "SkillMap", "load_skill_map", "step_position", "DEFAULT_SKILL_MAP", "STEPS"]

#: The shipped default map.
DEFAULT_SKILL_MAP = Path(__file__).with_name("skill_map.toml")
#: Which funnel steps a ``low_stage_conversion`` rule can cover.
STEPS = ("early", "late", "last")


@dataclass(frozen=True)
class Skill:
    """One coachable skill: key, labels, the KPI that shows it at work, what it covers."""

    key: str
    label_en: str
    label_zh: str
    kpi: str | None
    covers: str


@dataclass(frozen=True)
class SkillRule:
    """``driver`` (and, for stage conversion, which ``step``) → ``skill``."""

    driver: str
    skill: str
    step: str | None = None
    detail: str | None = None  # only findings with this detail (e.g. a recent_change's metric)


def step_position(detail: str, stages) -> str:
    """Where a stage-conversion finding's step sits in the funnel: ``early``, ``late`` or ``last``.

    The steps are those of :func:`workbench.io.stages.stage_steps`; the first half are
    early (and so is ``opportunity→<first stage>``), the step into a win is last, the
    rest are late. A finding without a stage step (no stage history) is ``last``.

    >>> step_position("Qualification→Proposal", ("Prospecting", "Qualification", "Proposal", "Negotiation"))
    'early'
    """
    steps = stage_steps(stages) if stages else []
    detail = str(detail or "")
    if detail.lower().startswith("opportunity→"):
        return "early"
    if detail not in steps:
        return "last"
    i = steps.index(detail)
    if i == len(steps) - 1:
        return "last"
    return "early" if i < len(steps) / 2 else "late"


def _rebuild_skill_map(skills: dict, rules: tuple, opportunities: dict, source: str) -> "SkillMap":
    return SkillMap(MappingProxyType(skills), rules, MappingProxyType(opportunities), source)


@dataclass(frozen=True)
class SkillMap:
    """Skills, the rules from diagnosis drivers to skills and from opportunities to skills.

    Build it with :func:`load_skill_map`.
    """

    skills: MappingProxyType
    rules: tuple
    opportunities: MappingProxyType
    source: str = ""

    def __reduce__(self):
        # read-only mappings do not pickle; results holding a map are kept on disk (workbench.memo)
        return _rebuild_skill_map, (dict(self.skills), self.rules, dict(self.opportunities), self.source)

    def skill_for(self, driver: str, detail: str = "", stages=()) -> str | None:
        """The skill behind a finding of ``driver`` (with its ``detail``); None when no rule fits."""
        position = step_position(detail, stages) if driver == "low_stage_conversion" else None
        for rule in self.rules:
            if rule.driver == driver and (rule.step is None or rule.step == position) and (
                    rule.detail is None or rule.detail == str(detail or "")):
                return rule.skill
        return None

    def label(self, skill: str, lang: str = "en") -> str:
        """The display label of ``skill`` (the key itself for a skill the map does not know)."""
        check_lang("SkillMap.label", lang)
        known = self.skills.get(skill)
        if known is None:
            return str(skill)
        return known.label_zh if lang == "zh" else known.label_en

    def kpi(self, skill: str) -> str | None:
        """The KPI key that shows ``skill`` at work, or None."""
        known = self.skills.get(skill)
        return known.kpi if known is not None else None

    def assign(self, findings: pd.DataFrame, stages=()) -> pd.DataFrame:
        """``findings`` with a ``skill`` column (None where no rule fits); a new frame.

        Parameters
        ----------
        findings : DataFrame
            ``Diagnosis.findings`` (``driver`` and ``detail`` are read).
        stages : sequence of str
            Open stages in funnel order (``SalesData.stages``), to place stage steps.
        """
        skills = [self.skill_for(d, det, stages) for d, det in zip(findings["driver"], findings["detail"].fillna(""))]
        return findings.assign(skill=pd.Series(skills, index=findings.index, dtype=object))


def _fail(source: str, where: str, message: str) -> None:
    raise DataError(f"{source}: {where}: {message}", file=source)


def _hint(value: str, known) -> str:
    close = difflib.get_close_matches(str(value), list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_skill_map(path=None) -> SkillMap:
    """Read a driver → skill map (TOML); the shipped default without ``path``.

    Parameters
    ----------
    path : str or Path, optional
        Your copy of ``workbench/coaching/skill_map.toml``.

    Raises
    ------
    DataError
        Naming the file, the entry and what is wrong (an unknown driver, skill or KPI, a
        missing key), with a did-you-mean suggestion.
    """
    from workbench.diagnose import DRIVERS
    from workbench.kpi import KPIS

    path = Path(path) if path is not None else DEFAULT_SKILL_MAP
    source = str(path)
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError(f"{source}: no such skill map file.", file=source) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise DataError(f"{source}: cannot read the skill map: {err}", file=source) from None
    skills = {}
    for key, entry in (config.get("skills") or {}).items():
        if not isinstance(entry, dict) or not entry.get("label"):
            _fail(source, f"[skills.{key}]", "needs at least `label = \"...\"`")
        kpi = str(entry.get("kpi") or "") or None
        if kpi is not None and kpi not in KPIS:
            _fail(source, f"[skills.{key}] kpi", f"unknown KPI {kpi!r}{_hint(kpi, KPIS)}; use \"\" for none")
        skills[str(key)] = Skill(str(key), str(entry["label"]), str(entry.get("label_zh") or entry["label"]), kpi,
                                 str(entry.get("covers", "")))
    if not skills:
        _fail(source, "[skills]", "no skills defined")
    rules = []
    for i, entry in enumerate(config.get("rules") or [], start=1):
        where = f"[[rules]] #{i}"
        driver, skill, step = entry.get("driver"), entry.get("skill"), entry.get("step")
        if driver not in DRIVERS:
            _fail(source, where, f"unknown driver {driver!r}{_hint(driver, DRIVERS)}; drivers are {list(DRIVERS)}")
        if skill not in skills:
            _fail(source, where, f"unknown skill {skill!r}{_hint(skill, skills)}; define it under [skills.{skill}]")
        if step is not None and (driver != "low_stage_conversion" or step not in STEPS):
            _fail(source, where, f"`step` is for low_stage_conversion and one of {list(STEPS)}; got {step!r}")
        detail = entry.get("detail")
        rules.append(SkillRule(str(driver), str(skill), step, None if detail is None else str(detail)))
    opportunities = {}
    for i, entry in enumerate(config.get("opportunities") or [], start=1):
        skill = entry.get("skill")
        if skill not in skills:
            _fail(source, f"[[opportunities]] #{i}", f"unknown skill {skill!r}{_hint(skill, skills)}")
        opportunities[str(entry.get("reason"))] = str(skill)
    return SkillMap(MappingProxyType(skills), tuple(rules), MappingProxyType(opportunities), source)
