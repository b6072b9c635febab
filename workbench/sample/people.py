"""Skill assessments, the training catalog and the training log.

Assessed skills reflect the same traits that drive behaviour in the pipeline: a rep
whose natural activity rate is high scores higher on prospecting, a rep with a planted
``low_activity`` driver scores 15-22 points lower on it, and so on (see
``catalog.DRIVER_SKILL``). Reps who score low are often sent to a matching module, and
every rep takes ~0.8 elective modules a year. What a completion does depends on the
module only: each module has a planted mean gain (``catalog.MODULE_POINTS``: 0 for the
five that do nothing, 5-9 points for the others) and a completion adds 0.7-1.3x of it
to the skill. The gain shows at later assessments and carries over into behaviour from
the completion date (see :class:`TrainingGains`): ``catalog.TRAINING_POINT`` (1 %) better
on the matching behaviour per point gained, so an effective module softens a planted
driver by 4-12 % but never removes it. :mod:`workbench.sample.training` turns the
planted gains into the expected change of each module's KPI.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from workbench.sample import catalog as cat
from workbench.sample.roster import Effects, Traits, World

__all__ = ["training_catalog", "skills_and_training", "TrainingGains"]

_LOW_SCORE = 52.0


def training_catalog() -> pd.DataFrame:
    """The training modules (fixed)."""
    rows = list(cat.TRAINING_MODULES)
    return pd.DataFrame({
        "module_id": pd.array([r[0] for r in rows], dtype="str"),
        "title": pd.array([r[1] for r in rows], dtype="str"),
        "skill": pd.array([r[2] for r in rows], dtype="str"),
        "hours": np.array([r[3] for r in rows], dtype=float),
        "format": pd.array([r[4] for r in rows], dtype="str"),
    })


def _natural_skill_z(traits: Traits) -> np.ndarray:
    """Per rep and skill, the standardised natural deviation behind the behaviour."""
    stage = (traits.stage_logit - 0.10 * traits.skill[:, None]) / 0.06
    z = {
        "prospecting": np.log(traits.activity) / 0.07,
        "discovery": (stage[:, 0] + stage[:, 1]) / np.sqrt(2),
        "follow_up": -np.log(traits.follow_up) / 0.15,
        "negotiation": (np.log(traits.deal_size) / 0.07 + stage[:, 2]) / np.sqrt(2),
        "closing": (-np.log(traits.cycle) / 0.07 + stage[:, 3]) / np.sqrt(2),
        "product_knowledge": traits.product_logit.mean(axis=1) / (0.10 / np.sqrt(len(cat.PRODUCTS))),
        "customer_care": traits.csat / 0.07,
    }
    return np.stack([z[s] for s in cat.SKILLS], axis=1)


def _assessment_days(world: World) -> list[np.datetime64]:
    days = []
    for year in range(world.window_start.year, world.end.year + 1):
        for month in (1, 7):
            day = pd.Timestamp(year, month, 15)
            if world.window_start <= day <= world.end:
                days.append(np.busday_offset(np.datetime64(day.date()), 0, roll="forward"))
    return days


class TrainingGains:
    """Skill points each rep has gained from training completed by a given time.

    Parameters
    ----------
    rep, skill : array of int
        Rep position and skill index (into ``catalog.SKILLS``) of each completed module.
    hours : array of float
        Business hour of the completion.
    gain : array of float
        Points the module added to the skill (may be ~0 for modules that did not work).
    """

    def __init__(self, rep, skill, hours, gain):
        order = np.lexsort((hours, rep, skill))
        self.rep, self.skill = np.asarray(rep)[order], np.asarray(skill)[order]
        self.hours, self.gain = np.asarray(hours, float)[order], np.asarray(gain, float)[order]

    def at(self, skill: str, rep: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """Points of ``skill`` gained by rep ``rep[i]`` before ``hours[i]`` (capped at 15)."""
        rep = np.asarray(rep, dtype=np.int64)
        hours = np.broadcast_to(np.asarray(hours, dtype=float), rep.shape)
        mask = self.skill == cat.SKILLS.index(skill)
        if not mask.any():
            return np.zeros(rep.shape)
        e_rep, e_hours, e_gain = self.rep[mask], self.hours[mask], self.gain[mask]
        cum = np.cumsum(e_gain)
        # events sorted by (rep, time): find the last event of the same rep before ``hours``
        key_events = e_rep.astype(float) * 1e9 + e_hours
        pos = np.searchsorted(key_events, rep.astype(float) * 1e9 + hours, side="left") - 1
        first_of_rep = np.searchsorted(e_rep, rep, side="left") - 1
        valid = (pos >= 0) & (pos > first_of_rep)
        total = np.where(valid, cum[np.maximum(pos, 0)], 0.0)
        before_rep = np.where(first_of_rep >= 0, cum[np.maximum(first_of_rep, 0)], 0.0)
        return np.clip(total - np.where(valid, before_rep, 0.0), -5.0, 15.0)


def skills_and_training(world: World, reps: pd.DataFrame, traits: Traits, eff: Effects,
                        rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, TrainingGains]:
    """Semi-annual skill assessments, the training reps completed, and its gains."""
    n, n_skills = len(reps), len(cat.SKILLS)
    hire = reps["hire_date"].to_numpy().astype("datetime64[D]")
    end_day = np.datetime64(world.end.date())
    start_day = np.datetime64(world.window_start.date())
    modules = np.array([m[0] for m in cat.TRAINING_MODULES])
    module_skill = np.array([cat.SKILLS.index(m[2]) for m in cat.TRAINING_MODULES])
    module_points = np.array([cat.MODULE_POINTS[m[0]] for m in cat.TRAINING_MODULES])
    natural = 60.0 + 5.0 * traits.skill[:, None] + 3.5 * _natural_skill_z(traits) - eff.skill_penalty

    # Electives: about one module per rep and year, any skill.
    years = (end_day - start_day).astype(int) / 365.25
    n_elective = rng.poisson(0.8 * years, n)
    e_rep = np.repeat(np.arange(n), n_elective)
    first_day = np.maximum(hire[e_rep], start_day)
    span = (end_day - first_day).astype(int)
    e_day = first_day + np.floor(rng.random(len(e_rep)) * np.maximum(span, 1)).astype("timedelta64[D]")
    e_module = rng.integers(0, len(modules), len(e_rep))
    e_gain = module_points[e_module] * rng.uniform(0.7, 1.3, len(e_rep))
    log_rep, log_module, log_day, log_gain = [e_rep], [e_module], [e_day], [e_gain]

    rows = []
    for day in _assessment_days(world):
        active = np.flatnonzero(hire <= day - np.timedelta64(60, "D"))
        if len(active) == 0:
            continue
        gain = np.zeros((n, n_skills))
        l_rep, l_mod, l_day, l_gain = (np.concatenate(x) for x in (log_rep, log_module, log_day, log_gain))
        done = l_day < day
        np.add.at(gain, (l_rep[done], module_skill[l_mod[done]]), l_gain[done])
        tenure = np.minimum((day - hire[active]).astype(int) / 365.25, 6.0)
        score = (natural[active] + 1.2 * tenure[:, None] + np.minimum(gain[active], 15.0)
                 + rng.normal(0.0, 3.5, (len(active), n_skills)))
        score = np.clip(np.round(score), 0.0, 100.0)
        for j, skill in enumerate(cat.SKILLS):
            rows.append(pd.DataFrame({"rep": active, "skill": skill, "score": score[:, j], "day": day}))
        # Low scores lead to a matching module within a few weeks (for most reps).
        low_rep, low_skill = np.nonzero((score < _LOW_SCORE) & (rng.random(score.shape) < 0.6))
        if len(low_rep):
            options = [np.flatnonzero(module_skill == s) for s in range(n_skills)]
            pick = np.array([options[s][int(rng.integers(len(options[s])))] for s in low_skill])
            t_day = day + rng.integers(10, 80, len(low_rep)).astype("timedelta64[D]")
            t_gain = module_points[pick] * rng.uniform(0.7, 1.3, len(low_rep))
            log_rep.append(active[low_rep])
            log_module.append(pick)
            log_day.append(t_day)
            log_gain.append(t_gain)

    assessed = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["rep", "skill", "score", "day"])
    assessed = assessed.sort_values(["rep", "day", "skill"], kind="stable", ignore_index=True)
    skills = pd.DataFrame({
        "rep_id": pd.array(reps["rep_id"].to_numpy()[assessed["rep"].to_numpy(dtype=np.int64)], dtype="str"),
        "skill": pd.array(assessed["skill"].to_numpy(dtype=object), dtype="str"),
        "score": assessed["score"].to_numpy(dtype=float),
        "assessed_at": pd.Series(assessed["day"].to_numpy(dtype="datetime64[D]")).astype("datetime64[ns]"),
    })

    l_rep, l_mod, l_day = (np.concatenate(x) for x in (log_rep, log_module, log_day))
    ok = l_day <= end_day
    log = pd.DataFrame({"rep": l_rep[ok], "module": modules[l_mod[ok]], "day": l_day[ok]})
    log = log.drop_duplicates().sort_values(["rep", "day", "module"], kind="stable", ignore_index=True)
    training_log = pd.DataFrame({
        "rep_id": pd.array(reps["rep_id"].to_numpy()[log["rep"].to_numpy(dtype=np.int64)], dtype="str"),
        "module_id": pd.array(log["module"].to_numpy(dtype=object), dtype="str"),
        "completed_at": pd.Series(log["day"].to_numpy(dtype="datetime64[D]")).astype("datetime64[ns]"),
    })
    l_skill = module_skill[np.concatenate(log_module)]
    l_gain = np.concatenate(log_gain)
    gains = TrainingGains(l_rep[ok], l_skill[ok], world.clock.hours_at(l_day[ok]), l_gain[ok])
    return skills, training_log, gains
