"""Mentor pairing: reps who need a skill, paired with peers who are strong in it.

A peer *qualifies* as a mentor in a skill when

* their latest assessed score in it (the ``skills`` row with the latest ``assessed_at``
  before the period ends) is at least ``min_score``, and
* the skill's KPI (:meth:`SkillMap.kpi <workbench.coaching.skills.SkillMap.kpi>`) is
  strong over the ``kpi_months`` calendar months that end with the period: the monthly
  values of :func:`workbench.kpi.compute_kpis` (``by="rep", freq="M"``), with a value in
  at least ``min_kpi_months`` of those months, whose mean — shrunk towards the peers' mean
  by :data:`PRIOR_MONTHS` months of it, so one lucky month does not make a mentor — ranks
  at least ``min_kpi_rank`` among every rep with enough months (0 worst, 1 best; the KPI's
  ``higher_is_better`` says which way is best). A skill without a KPI in the skill map,
  or whose KPI's table is missing (``compute_kpis`` warns which), is judged on the score
  alone.

A rep is never paired with themselves, nor with a mentor who needs the same skill.

The pairing is one assignment problem, solved exactly with
:func:`scipy.optimize.linear_sum_assignment` (:func:`assign_with_capacity`): rows are the
needs, columns are every mentor's ``capacity`` slots (capacity counts pairings across all
skills) plus one "unmatched" column per need. The numbers, all stated here:

* ``fit`` in [0, 1]: the mean of how far the mentor's score is above the bar,
  ``(score - min_score) / (100 - min_score)``, and how far their KPI rank is,
  ``(rank - min_kpi_rank) / (1 - min_kpi_rank)`` (the score part alone without a KPI);
* ``match_score = fit + same_team_bonus·[same team] + same_region_bonus·[same region]``
  (a same-team pair in the same region gets both bonuses);
* a pair costs ``-priority × (COVER_VALUE + match_score)``: it *earns* its need's priority
  times :data:`COVER_VALUE` for covering the need plus its match score;
* leaving a need unmatched costs 0; a pair that is not allowed has no entry (infinite cost).

So a need is left unmatched only when none of its qualified mentors has a slot left; with
equal priorities, covering one more need (worth 2) outweighs any one pair's better fit
(at most 1 + the bonuses, 1.3 by default), and a need with a higher priority wins a
mentor both want unless the other fits much better (by default a priority more than
3.3 / 2 = 1.65 times the other's always wins).

Examples
--------
>>> import pandas as pd
>>> from workbench.coaching.mentors import pair_mentors
>>> reps = pd.DataFrame({"rep_id": ["r1", "r2", "r3", "r4"], "name": ["Ann", "Bo", "Cy", "Di"],
...                      "team": ["East", "East", "West", "West"], "region": ["N", "N", "N", "N"]})
>>> deals = pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["r1"], "created_at": ["2026-01-05"],
...                       "stage": ["Won"], "amount": [100.0], "outcome": ["won"], "closed_at": ["2026-02-01"]})
>>> skills = pd.DataFrame({"rep_id": ["r1", "r2", "r3", "r4"], "skill": ["market_analysis"] * 4,
...                        "score": [55.0, 82.0, 90.0, 60.0], "assessed_at": ["2026-01-15"] * 4})
>>> needs = pd.DataFrame({"rep_id": ["r1", "r4"], "skill": ["market_analysis"] * 2})
>>> result = pair_mentors({"reps": reps, "opportunities": deals, "skills": skills}, needs,
...                       period="2026-Q1", capacity=1)
>>> result.pairs[["mentee_id", "mentor_id", "mentor_score", "same_team", "match_score"]]
  mentee_id mentor_id  mentor_score  same_team  match_score
0        r1        r2          82.0       True         0.7
1        r4        r3          90.0       True         0.97
>>> result.pairs["skill_label"].iloc[0]
'Market analysis'
"""

from __future__ import annotations

import difflib
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.coaching.assessments import latest_scores
from workbench.coaching.skills import SkillMap, load_skill_map
from workbench.errors import DataError
from workbench.kpi import KPIS, compute_kpis, kpi_label
from workbench.kpi.facts import as_sales_input
from workbench.params import check_lang, check_param, check_period
from workbench.periods import Period, period_label

__all__ = [
    "MentorPairs", "pair_mentors", "assign_with_capacity",
    "PAIR_COLUMNS", "UNMATCHED_COLUMNS", "CANDIDATE_COLUMNS", "COVER_VALUE", "PRIOR_MONTHS",
]

#: What covering a need is worth, in match-score points, before its fit and bonuses.
COVER_VALUE = 2.0
#: Months of the peers' mean a rep's own monthly KPI mean is shrunk towards.
PRIOR_MONTHS = 3

#: Columns of ``MentorPairs.pairs``.
PAIR_COLUMNS = [
    "mentee_id", "skill", "skill_label", "mentor_id", "mentor_score", "mentor_kpi", "mentor_kpi_value",
    "mentor_kpi_months", "mentor_kpi_rank", "same_team", "same_region", "priority", "match_score", "cost",
]
#: Columns of ``MentorPairs.unmatched``.
UNMATCHED_COLUMNS = ["rep_id", "skill", "skill_label", "priority", "reason_code", "reason", "reason_zh"]
#: Columns of ``MentorPairs.candidates``.
CANDIDATE_COLUMNS = [
    "skill", "mentor_id", "score", "kpi", "kpi_value", "kpi_months", "kpi_rank", "fit", "pairings",
]

_OWNER = "pair_mentors"
_REASONS = {
    "no_skilled_peer": {
        "en": "no other rep scores ≥ {min_score:g} in {skill} (latest assessment before {end})",
        "zh": "没有其他销售在{skill}上的评分 ≥ {min_score:g}（{end} 之前的最近一次评估）",
    },
    "no_strong_kpi": {
        "en": "no rep scoring ≥ {min_score:g} in {skill} has a strong {kpi} (a value in ≥ {months} of the "
              "months {first}…{last} and a rank ≥ {rank:g} among peers)",
        "zh": "{skill}评分 ≥ {min_score:g} 的销售中，没有人的{kpi}足够强"
              "（{first}…{last} 中至少 {months} 个月有数据，且在同事中排名 ≥ {rank:g}）",
    },
    "peers_need_it_too": {
        "en": "every qualified mentor in {skill} needs it too",
        "zh": "所有合格的{skill}导师自己也需要提升该技能",
    },
    "at_capacity": {
        "en": "every qualified mentor is at capacity ({n} qualified, capacity {capacity} each)",
        "zh": "所有合格导师的名额已满（{n} 位合格导师，每位最多带 {capacity} 个）",
    },
}


@dataclass(frozen=True)
class MentorPairs:
    """Result of :func:`pair_mentors` (compute once, draw separately).

    Attributes
    ----------
    pairs : DataFrame
        One row per paired need, sorted by ``mentee_id`` then ``skill``; columns
        :data:`PAIR_COLUMNS`. ``mentor_score`` is the mentor's latest assessed score;
        ``mentor_kpi`` the KPI that qualified them (None when the skill is judged on the
        score alone); ``mentor_kpi_value`` the plain mean of their monthly values of that
        KPI over the window (as :func:`~workbench.kpi.compute_kpis` gives them: a summary
        of the window, not the KPI of one period), ``mentor_kpi_months`` how many months
        had a value, ``mentor_kpi_rank`` the rank (0–1, 1 best) of the shrunk mean;
        ``match_score`` and ``cost`` are the numbers the solver used (see the module).
    unmatched : DataFrame
        One row per need left without a mentor, sorted by ``rep_id`` then ``skill``;
        columns :data:`UNMATCHED_COLUMNS`. ``reason_code`` is one of
        ``no_skilled_peer``, ``no_strong_kpi``, ``peers_need_it_too``, ``at_capacity``;
        ``reason`` says it in words (in ``lang``), ``reason_zh`` in Chinese.
    candidates : DataFrame
        Every qualified mentor of every needed skill with their numbers and how many
        pairings they got; columns :data:`CANDIDATE_COLUMNS`, sorted by skill, best
        fit first.
    period : str
        The period label the pairing is for.
    kpi_window : tuple of str
        The first and last month of the KPI window (``("2025-10", "2026-03")``).
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    candidates: pd.DataFrame
    period: str
    kpi_window: tuple


def pair_mentors(
    data,
    needs: pd.DataFrame,
    *,
    period: str,
    skill_map=None,
    capacity: int = 2,
    min_score: float = 70.0,
    min_kpi_rank: float = 0.5,
    min_kpi_months: int = 3,
    kpi_months: int = 6,
    same_team_bonus: float = 0.2,
    same_region_bonus: float = 0.1,
    lang: str = "en",
) -> MentorPairs:
    """Pair reps who need a skill with peers strong in it, as one optimal assignment.

    Who qualifies and what a pairing costs are stated in :mod:`workbench.coaching.mentors`.

    Parameters
    ----------
    data : SalesData, path or dict of DataFrames
        Anything :func:`workbench.io.load.as_sales_data` accepts; needs a ``skills`` table.
    needs : DataFrame
        ``rep_id, skill`` and optionally ``priority`` (e.g. the expected revenue uplift;
        positive, default 1). A repeated (rep, skill) keeps its highest priority.
    period : str
        The period label the pairing is for (``"2026-Q1"``, ``"2026-03"``): scores are
        the latest assessed before it ends, the KPI window ends with it.
    skill_map : SkillMap, str or Path, optional
        The skill map (labels, each skill's KPI); default :func:`load_skill_map`.
    capacity : int
        Pairings per mentor, across all skills (default 2).
    min_score : float
        The lowest assessed score (0–100) a mentor may have in the skill.
    min_kpi_rank : float
        The lowest rank (0–1, 1 best) of a mentor's shrunk KPI mean among peers.
    min_kpi_months : int
        Months of the window in which a mentor's KPI must have a value.
    kpi_months : int
        Calendar months in the KPI window, ending with the last month that ends by the
        period's end.
    same_team_bonus, same_region_bonus : float
        Added to the match score of a pair in the same team / region (≥ 0).
    lang : {"en", "zh"}
        Language of skill labels and reasons.

    Returns
    -------
    MentorPairs
        ``pairs``, ``unmatched`` and ``candidates``, sorted deterministically: the same
        input gives the same output, whatever the order of ``needs``' rows. Inputs are
        not modified.

    Raises
    ------
    workbench.errors.DataError
        When the data has no ``skills`` table.
    ValueError
        For a parameter out of range, ``needs`` without its columns, or naming reps or
        skills that are not in the data or the skill map.

    Examples
    --------
    >>> import pandas as pd, workbench
    >>> from workbench.sample import generate_sample
    >>> data = workbench.load(generate_sample(n_reps=30, months=18, seed=2))
    >>> needs = pd.DataFrame({"rep_id": ["R001", "R002", "R003"],
    ...                       "skill": ["follow_up", "negotiation", "follow_up"]})
    >>> result = pair_mentors(data, needs, period="2026-Q2")
    >>> result.pairs[["mentee_id", "skill", "mentor_id", "mentor_score", "mentor_kpi"]]
      mentee_id        skill mentor_id  mentor_score              mentor_kpi
    0      R001    follow_up      R013          75.0  follow_up_hours_median
    1      R002  negotiation      R010          70.0           avg_deal_size
    2      R003    follow_up      R013          75.0  follow_up_hours_median
    >>> result.kpi_window, len(result.unmatched)
    (('2026-01', '2026-06'), 0)
    """
    _check_numbers(capacity, min_score, min_kpi_rank, min_kpi_months, kpi_months, same_team_bonus, same_region_bonus)
    check_lang(_OWNER, lang)
    window = _window(_period(period), kpi_months)
    data = as_sales_input(data, caller=_OWNER)
    if not data.has("skills"):
        raise DataError(
            f"{_OWNER} needs the 'skills' table (rep_id, skill, score, assessed_at: skill assessments, 0-100) "
            f"to know who is strong in a skill; the data has none. Add a skills file to the data folder.",
            file="skills",
        )
    skill_map = skill_map if isinstance(skill_map, SkillMap) else load_skill_map(skill_map)
    reps = data.reps[["rep_id", "team", "region"]].astype({"rep_id": str})
    needs = _check_needs(needs, reps, data.skills, skill_map)
    scores = latest_scores(data.skills, window.end)
    kpi_of = {s: skill_map.kpi(s) for s in needs["skill"].unique()}
    strength, available = _kpi_strength(data, {k for k in kpi_of.values() if k}, window, min_kpi_months)
    kpi_of = {s: (k if k in available else None) for s, k in kpi_of.items()}
    candidates = _candidates(scores, strength, kpi_of, min_score, min_kpi_rank)
    edges = _edges(needs, candidates, reps, same_team_bonus, same_region_bonus)
    pairs = _solve(edges, len(needs), capacity)
    matched = pairs["need"].to_numpy()
    settings = dict(min_score=min_score, min_kpi_rank=min_kpi_rank, min_kpi_months=min_kpi_months,
                    capacity=capacity, window=window)
    return MentorPairs(
        pairs=_pairs_table(pairs, skill_map, lang),
        unmatched=_unmatched_table(needs, matched, scores, candidates, kpi_of, skill_map, lang, settings),
        candidates=_candidates_table(candidates, needs, pairs),
        period=window.label,
        kpi_window=(window.first, window.last),
    )


def assign_with_capacity(value, capacity) -> np.ndarray:
    """The mentor of each need that maximises the total value, each mentor used at most ``capacity`` times.

    Solved exactly with :func:`scipy.optimize.linear_sum_assignment` on the cost matrix
    ``-value`` with each mentor's column repeated ``capacity`` times (its slots) and one
    "unmatched" column per need at cost 0.

    Parameters
    ----------
    value : array of shape (needs, mentors)
        What each pairing is worth (> 0); NaN where a pairing is not allowed.
    capacity : int or array of int
        Pairings per mentor (one number for all, or one per column).

    Returns
    -------
    numpy.ndarray of int
        The mentor column of each need, -1 for a need left unmatched.

    Examples
    --------
    A greedy pass would give need 0 its best mentor (column 0, worth 5) and leave need 1
    without one; the optimum is 4 + 3:

    >>> assign_with_capacity([[5.0, 4.0], [3.0, np.nan]], capacity=1)
    array([1, 0])
    """
    from scipy.optimize import linear_sum_assignment

    value = np.asarray(value, dtype=float)
    n_needs, n_mentors = value.shape
    slots = np.repeat(np.arange(n_mentors), np.broadcast_to(np.asarray(capacity, dtype=int), (n_mentors,)))
    chosen = np.full(n_needs, -1)
    rows = np.flatnonzero(np.isfinite(value).any(axis=1)) if n_mentors else np.array([], dtype=int)
    if rows.size == 0 or slots.size == 0:
        return chosen
    cost = np.where(np.isfinite(value[rows][:, slots]), -value[rows][:, slots], np.inf)
    cost = np.hstack([cost, np.zeros((rows.size, rows.size))])
    row_index, col_index = linear_sum_assignment(cost)
    paired = col_index < slots.size
    chosen[rows[row_index[paired]]] = slots[col_index[paired]]
    return chosen


# --------------------------------------------------------------------------- checks and window


def _check_numbers(capacity, min_score, min_kpi_rank, min_kpi_months, kpi_months, team_bonus, region_bonus):
    def is_int(v):
        return isinstance(v, numbers.Integral) and not isinstance(v, bool)

    def is_number(v):
        return isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v)

    check_param(_OWNER, "capacity", capacity, "a positive integer", is_int(capacity) and capacity >= 1)
    check_param(_OWNER, "min_score", min_score, "a number from 0 to 100",
                is_number(min_score) and 0 <= min_score <= 100)
    check_param(_OWNER, "min_kpi_rank", min_kpi_rank, "a number from 0 to 1",
                is_number(min_kpi_rank) and 0 <= min_kpi_rank <= 1)
    check_param(_OWNER, "kpi_months", kpi_months, "a positive integer", is_int(kpi_months) and kpi_months >= 1)
    check_param(_OWNER, "min_kpi_months", min_kpi_months, f"an integer from 1 to kpi_months ({kpi_months})",
                is_int(min_kpi_months) and 1 <= min_kpi_months <= kpi_months)
    for name, bonus in (("same_team_bonus", team_bonus), ("same_region_bonus", region_bonus)):
        check_param(_OWNER, name, bonus, "a number ≥ 0", is_number(bonus) and bonus >= 0)


def _period(period) -> Period:
    return check_period(_OWNER, period)


@dataclass(frozen=True)
class _Window:
    label: str        # the period
    end: pd.Timestamp  # the period's exclusive end
    first: str        # first and last month of the KPI window
    last: str


def _window(period: Period, kpi_months: int) -> _Window:
    """The ``kpi_months`` months ending with the last month that ends by the period's end."""
    last = pd.Timestamp(period.end.year, period.end.month, 1) - pd.DateOffset(months=1)
    first = last - pd.DateOffset(months=kpi_months - 1)
    return _Window(period.label, period.end, period_label(first, "M"), period_label(last, "M"))


def _check_needs(needs, reps: pd.DataFrame, skills: pd.DataFrame, skill_map: SkillMap) -> pd.DataFrame:
    """``need, rep_id, skill, priority``, one row per (rep, skill), sorted; a new frame."""
    columns = list(getattr(needs, "columns", []))
    check_param(_OWNER, "needs", columns if isinstance(needs, pd.DataFrame) else type(needs).__name__,
                "a DataFrame with columns 'rep_id' and 'skill' (and optionally 'priority')",
                isinstance(needs, pd.DataFrame) and {"rep_id", "skill"} <= set(columns))
    frame = pd.DataFrame({
        "rep_id": needs["rep_id"].astype(str).to_numpy(),
        "skill": needs["skill"].astype(str).to_numpy(),
        "priority": pd.to_numeric(needs["priority"], errors="coerce").to_numpy(dtype=float)
        if "priority" in columns else np.ones(len(needs)),
    })
    unknown = sorted(set(frame["rep_id"]) - set(reps["rep_id"]))
    check_param(_OWNER, "needs", unknown, "a table whose rep_id values are in the reps table", not unknown)
    known = set(skill_map.skills) | set(skills["skill"].astype(str))
    unknown = sorted(set(frame["skill"]) - known)
    hint = difflib.get_close_matches(unknown[0], sorted(known), n=1) if unknown else []
    check_param(_OWNER, "needs", unknown, "a table whose skill values are in the skill map or the skills table"
                + (f" (did you mean {hint[0]!r}?)" if hint else ""), not unknown)
    bad = needs["priority"][~(np.isfinite(frame["priority"]) & (frame["priority"] > 0)).to_numpy()].tolist() \
        if "priority" in columns else []
    check_param(_OWNER, "needs", bad, "a table whose priority values are positive numbers", not bad)
    frame = frame.sort_values(["rep_id", "skill", "priority"], ascending=[True, True, False], kind="stable")
    frame = frame.drop_duplicates(["rep_id", "skill"]).reset_index(drop=True)
    return frame.assign(need=np.arange(len(frame)))


# --------------------------------------------------------------------------- who qualifies


def _kpi_strength(data, kpis: set, window: _Window, min_months: int) -> tuple[pd.DataFrame, set]:
    """Per KPI and rep: mean of the monthly values, months with a value, rank of the shrunk mean.

    Also returns the KPIs :func:`compute_kpis` could compute (it warns about the others).
    """
    columns = ["kpi", "rep_id", "kpi_value", "kpi_months", "kpi_rank"]
    empty = pd.DataFrame({"kpi": pd.Series(dtype="str"), "rep_id": pd.Series(dtype="str"),
                          "kpi_value": pd.Series(dtype=float), "kpi_months": pd.Series(dtype=int),
                          "kpi_rank": pd.Series(dtype=float)})
    if not kpis:
        return empty, set()
    table = compute_kpis(data, by="rep", freq="M", metrics=sorted(kpis), start=window.first, end=window.last)
    available = set(table["metric"])
    table = table[table["value"].notna()]
    if table.empty:
        return empty, available
    per_rep = (table.groupby(["metric", "entity_id"])
               .agg(kpi_value=("value", "mean"), kpi_months=("period", "nunique")).reset_index())
    peers = per_rep["metric"].map(table.groupby("metric")["value"].mean())
    months = per_rep["kpi_months"]
    shrunk = (months * per_rep["kpi_value"] + PRIOR_MONTHS * peers) / (months + PRIOR_MONTHS)
    better = shrunk.where(per_rep["metric"].map(lambda k: KPIS[k].higher_is_better), -shrunk)
    ranked = months >= min_months
    per_rep["kpi_rank"] = better[ranked].groupby(per_rep.loc[ranked, "metric"]).rank(pct=True)
    return per_rep.rename(columns={"metric": "kpi", "entity_id": "rep_id"})[columns], available


def _candidates(scores, strength, kpi_of: dict, min_score: float, min_rank: float) -> pd.DataFrame:
    """Qualified mentors of each needed skill: ``skill, mentor_id, score, kpi…, fit``."""
    skilled = scores[scores["skill"].isin(kpi_of) & (scores["score"] >= min_score)]
    kpi = skilled["skill"].map(kpi_of).astype("str")
    skilled = skilled.assign(kpi=kpi).rename(columns={"rep_id": "mentor_id"})
    merged = skilled.merge(strength.rename(columns={"rep_id": "mentor_id"}), on=["kpi", "mentor_id"], how="left")
    judged = merged["kpi"].notna()
    merged = merged[~judged | (merged["kpi_rank"] >= min_rank)].copy()
    score_part = (merged["score"] - min_score) / max(100.0 - min_score, 1e-9)
    kpi_part = (merged["kpi_rank"] - min_rank) / max(1.0 - min_rank, 1e-9)
    merged["fit"] = np.clip(np.where(merged["kpi"].notna(), (score_part + kpi_part) / 2, score_part), 0, 1)
    merged["kpi"] = merged["kpi"].astype(object).where(merged["kpi"].notna(), None)
    merged["kpi_months"] = merged["kpi_months"].astype("Int64")
    return merged[["skill", "mentor_id", "score", "kpi", "kpi_value", "kpi_months", "kpi_rank", "fit"]]


def _edges(needs, candidates, reps, team_bonus: float, region_bonus: float) -> pd.DataFrame:
    """Every allowed (need, mentor) pair with its match score, value and cost."""
    edges = needs.merge(candidates, on="skill")
    edges = edges[(edges["mentor_id"] != edges["rep_id"]) & ~_needs_it(edges["mentor_id"], edges["skill"], needs)]
    where = reps.set_index("rep_id")
    same_team = _same(edges["rep_id"].map(where["team"]), edges["mentor_id"].map(where["team"]))
    same_region = _same(edges["rep_id"].map(where["region"]), edges["mentor_id"].map(where["region"]))
    match = edges["fit"] + team_bonus * same_team + region_bonus * same_region
    value = edges["priority"] * (COVER_VALUE + match)
    return edges.assign(same_team=same_team, same_region=same_region, match_score=match, value=value,
                        cost=-value).reset_index(drop=True)


def _needs_it(rep_ids: pd.Series, skills: pd.Series, needs: pd.DataFrame) -> np.ndarray:
    """Whether each (rep, skill) is itself a need."""
    needing = pd.MultiIndex.from_frame(needs[["rep_id", "skill"]])
    return pd.MultiIndex.from_arrays([rep_ids, skills]).isin(needing)


def _solve(edges: pd.DataFrame, n_needs: int, capacity: int) -> pd.DataFrame:
    """The rows of ``edges`` the optimal assignment picks."""
    mentors = np.sort(edges["mentor_id"].to_numpy(dtype=object))
    mentors = mentors[np.r_[True, mentors[1:] != mentors[:-1]]] if mentors.size else mentors
    value = np.full((n_needs, len(mentors)), np.nan)
    columns = np.searchsorted(mentors, edges["mentor_id"].to_numpy(dtype=object))
    value[edges["need"].to_numpy(), columns] = edges["value"].to_numpy()
    chosen = assign_with_capacity(value, capacity)
    matched = np.flatnonzero(chosen >= 0)
    keys = pd.DataFrame({"need": matched, "mentor_id": pd.array(mentors[chosen[matched]], dtype="str")})
    return edges.merge(keys, on=["need", "mentor_id"])


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    return (a.notna() & b.notna() & (a.astype(str) == b.astype(str))).to_numpy(dtype=bool)


# --------------------------------------------------------------------------- result tables


def _pairs_table(pairs: pd.DataFrame, skill_map: SkillMap, lang: str) -> pd.DataFrame:
    table = pairs.rename(columns={
        "rep_id": "mentee_id", "score": "mentor_score", "kpi": "mentor_kpi", "kpi_value": "mentor_kpi_value",
        "kpi_months": "mentor_kpi_months", "kpi_rank": "mentor_kpi_rank"})
    table["skill_label"] = [skill_map.label(s, lang) for s in table["skill"]]
    table = table.astype({"mentor_kpi_months": "Int64", "mentor_kpi": object})
    return table[PAIR_COLUMNS].sort_values(["mentee_id", "skill"], kind="stable").reset_index(drop=True)


def _candidates_table(candidates: pd.DataFrame, needs: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Qualified mentors who do not need the skill themselves, with their pairings."""
    free = ~_needs_it(candidates["mentor_id"], candidates["skill"], needs)
    count = pairs.groupby(["skill", "mentor_id"]).size().rename("pairings").reset_index()
    table = candidates[free].merge(count, on=["skill", "mentor_id"], how="left")
    table["pairings"] = table["pairings"].fillna(0).astype(int)
    table = table.sort_values(["skill", "fit", "mentor_id"], ascending=[True, False, True], kind="stable")
    return table[CANDIDATE_COLUMNS].reset_index(drop=True)


def _unmatched_table(needs, matched, scores, candidates, kpi_of, skill_map, lang, settings) -> pd.DataFrame:
    """The needs without a mentor and why, in the order of the checks a mentor has to pass."""
    window = settings["window"]
    skilled = scores[scores["score"] >= settings["min_score"]].groupby("skill")["rep_id"].agg(set)
    qualified = candidates.groupby("skill")["mentor_id"].agg(set)
    needing = needs.groupby("skill")["rep_id"].agg(set)
    rows = []
    for need in needs.drop(index=matched).itertuples(index=False):
        others = skilled.get(need.skill, set()) - {need.rep_id}
        mentors = qualified.get(need.skill, set()) - {need.rep_id}
        free = mentors - needing.get(need.skill, set())
        code = ("no_skilled_peer" if not others else "no_strong_kpi" if not mentors
                else "peers_need_it_too" if not free else "at_capacity")
        kpi = kpi_of.get(need.skill)
        label = skill_map.label(need.skill, lang)
        text, text_zh = (_REASONS[code][language].format(
            skill=skill_map.label(need.skill, language), kpi=kpi_label(kpi, language) if kpi else "",
            end=window.end.date(), first=window.first, last=window.last, min_score=settings["min_score"],
            months=settings["min_kpi_months"], rank=settings["min_kpi_rank"], n=len(free),
            capacity=settings["capacity"]) for language in (lang, "zh"))
        rows.append((need.rep_id, need.skill, label, need.priority, code, text, text_zh))
    table = pd.DataFrame(rows, columns=UNMATCHED_COLUMNS).astype({"priority": float})
    return table.sort_values(["rep_id", "skill"], kind="stable").reset_index(drop=True)
