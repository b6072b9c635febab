"""The calendar, the sales force, each rep's natural traits and the planted drivers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from workbench.sample import catalog as cat
from workbench.sample.clock import HOURS_PER_DAY, BusinessClock

__all__ = ["World", "build_world", "Traits", "build_roster", "Effects", "plant_drivers", "plant_changes",
           "plant_bottlenecks", "CHANGE_DRIVERS"]

#: Months simulated before the window so the window starts with a mature pipeline.
BURN_IN_MONTHS = 9
#: Business hours in an average month.
HOURS_PER_MONTH = HOURS_PER_DAY * 21.7
#: Months a new hire needs to reach full productivity.
RAMP_MONTHS = 6.0


@dataclass(frozen=True)
class World:
    """The simulated calendar.

    ``month_starts`` covers the burn-in months and the window; ``month_hours`` holds the
    business hour at which each month starts, plus one final entry: the end of the data
    (close of business on ``end``).
    """

    clock: BusinessClock
    window_start: pd.Timestamp
    end: pd.Timestamp
    month_starts: pd.DatetimeIndex
    month_hours: np.ndarray
    burn_in: int

    @property
    def end_hours(self) -> float:
        """Business hour at which the data ends (nothing at or after it has happened)."""
        return float(self.month_hours[-1])

    @property
    def window_hours(self) -> float:
        """Business hour at which the reported window starts."""
        return float(self.month_hours[self.burn_in])

    def years_at(self, hours) -> np.ndarray:
        """Years elapsed since the window start (negative during burn-in)."""
        return (np.asarray(hours, dtype=float) - self.window_hours) / (HOURS_PER_MONTH * 12.0)


def build_world(months: int, end) -> World:
    """The calendar of a window of ``months`` months ending on ``end`` (inclusive)."""
    end = pd.Timestamp(end).normalize()
    last_month = end.to_period("M").start_time
    window_start = last_month - pd.DateOffset(months=months - 1)
    sim_start = window_start - pd.DateOffset(months=BURN_IN_MONTHS)
    month_starts = pd.date_range(sim_start, last_month, freq="MS")
    clock = BusinessClock(sim_start)
    days = np.append(month_starts.values.astype("datetime64[D]"), np.datetime64(end + pd.Timedelta(days=1), "D"))
    return World(clock, window_start, end, month_starts, clock.hours_at(days), BURN_IN_MONTHS)


@dataclass
class Traits:
    """Each rep's natural (unplanted) characteristics; arrays indexed by rep position.

    The spreads are deliberately modest (a few percent to ~15 %), the way a stable
    sales team differs: nobody is an outlier by construction.
    """

    region: np.ndarray          # region name per rep
    hire_hours: np.ndarray      # business hour of the hire date (negative: before the simulation)
    tenure_years: np.ndarray    # tenure at the window start (negative: hired during the window)
    skill: np.ndarray           # general selling skill, standard normal
    territory: np.ndarray       # inbound lead volume multiplier
    activity: np.ndarray        # activity-rate multiplier
    follow_up: np.ndarray       # follow-up time multiplier
    deal_size: np.ndarray       # deal amount multiplier
    cycle: np.ndarray           # stage duration multiplier
    csat: np.ndarray            # CSAT offset (points)
    stage_logit: np.ndarray     # (reps, transitions) conversion logit offsets
    product_logit: np.ndarray   # (reps, products) conversion logit offsets
    account_offset: np.ndarray  # first account number of each rep's book
    account_pool: np.ndarray    # number of accounts in each rep's book

    def ramp(self, hours) -> np.ndarray:
        """Productivity of each rep at ``hours`` (broadcast): 0.35 at hire rising to 1 after 6 months."""
        tenure_months = (np.asarray(hours, dtype=float) - self.hire_hours[..., None]) / HOURS_PER_MONTH
        return np.clip(0.35 + 0.65 * tenure_months / RAMP_MONTHS, 0.35, 1.0)

    def ramp_at(self, rep: np.ndarray, hours: np.ndarray) -> np.ndarray:
        """Productivity of rep ``rep[i]`` at ``hours[i]``."""
        tenure_months = (np.asarray(hours, dtype=float) - self.hire_hours[rep]) / HOURS_PER_MONTH
        return np.clip(0.35 + 0.65 * tenure_months / RAMP_MONTHS, 0.35, 1.0)


def _names(n: int, rng: np.random.Generator) -> list[str]:
    first, last = cat.FIRST_NAMES, cat.LAST_NAMES
    combos = rng.permutation(len(first) * len(last))
    names = []
    for i in range(n):
        f, l = divmod(int(combos[i % len(combos)]), len(last))
        suffix = "" if i < len(combos) else f" {chr(65 + (i // len(combos) - 1) % 26)}."
        names.append(f"{first[f]}{suffix} {last[l]}")
    return names


def build_roster(n_reps: int, world: World, rng: np.random.Generator) -> tuple[pd.DataFrame, Traits]:
    """The ``reps`` table and the reps' natural traits."""
    if n_reps < 1:
        raise ValueError(f"n_reps must be at least 1; got {n_reps}.")
    n_teams = max(1, int(round(n_reps / 10)))
    team_region = [cat.REGIONS[j % len(cat.REGIONS)] for j in range(n_teams)]
    per_region: dict[str, int] = {}
    team_names = []
    for region in team_region:
        per_region[region] = per_region.get(region, 0) + 1
        team_names.append(f"{region} {per_region[region]}")
    team_of = np.arange(n_reps) % n_teams
    order = np.argsort(team_of, kind="stable")  # rep ids run team by team
    team_of = team_of[order]
    region = np.array([team_region[t] for t in team_of])

    window_months = len(world.month_starts) - world.burn_in
    # Tenure at the window start: most reps are established, a few hired in the window.
    tenure = 0.3 + rng.exponential(3.0, n_reps)
    n_new = int(round(0.06 * n_reps)) if window_months >= 15 else 0
    if n_new:
        new = rng.choice(n_reps, n_new, replace=False)
        hire_month = rng.uniform(2, window_months - 12, n_new)
        tenure[new] = -hire_month / 12.0
    tenure = np.where(tenure > 15.0, rng.uniform(10.0, 15.0, n_reps), tenure)  # few veterans beyond 15 years
    hire_day = (world.window_start - pd.to_timedelta(np.round(tenure * 365.25), unit="D")).values.astype("datetime64[D]")
    hire_day = np.busday_offset(hire_day, 0, roll="forward")
    hire_hours = world.clock.hours_at(hire_day)

    def spread(sd, size=n_reps):
        """Natural variation: normal, truncated at two standard deviations."""
        return sd * np.clip(rng.standard_normal(size), -2.0, 2.0)

    skill = spread(1.0)
    traits = Traits(
        region=region,
        hire_hours=hire_hours,
        tenure_years=tenure,
        skill=skill,
        territory=np.exp(spread(0.12)),
        activity=np.exp(spread(0.07)),
        follow_up=np.exp(spread(0.08)),
        deal_size=np.exp(spread(0.07)),
        cycle=np.exp(spread(0.05)),
        csat=spread(0.07),
        stage_logit=0.10 * skill[:, None] + spread(0.06, (n_reps, len(cat.TRANSITIONS))),
        product_logit=spread(0.10, (n_reps, len(cat.PRODUCTS))),
        account_offset=np.zeros(n_reps, dtype=np.int64),
        account_pool=np.zeros(n_reps, dtype=np.int64),
    )
    traits.account_pool = np.round(150 * traits.territory).astype(np.int64)
    traits.account_offset = np.concatenate([[0], np.cumsum(traits.account_pool)[:-1]]) + 1

    rep_ids = np.array([f"R{i + 1:03d}" for i in range(n_reps)]) if n_reps < 1000 else \
        np.array([f"R{i + 1:04d}" for i in range(n_reps)])
    reps = pd.DataFrame(
        {
            "rep_id": pd.array(rep_ids, dtype="str"),
            "name": pd.array(_names(n_reps, rng), dtype="str"),
            "team": pd.array([team_names[t] for t in team_of], dtype="str"),
            "region": pd.array(region, dtype="str"),
            "manager_id": pd.array([f"M{t + 1:02d}" for t in team_of], dtype="str"),
            "hire_date": pd.to_datetime(hire_day).astype("datetime64[ns]"),
        }
    )
    return reps, traits


@dataclass
class Effects:
    """Planted effects, as multipliers/offsets per rep (1 or 0 = no effect)."""

    prospecting: np.ndarray      # prospecting activity multiplier (low_activity)
    engagement: np.ndarray       # activity-per-deal multiplier (low_activity)
    follow_up: np.ndarray        # follow-up time multiplier (slow_follow_up)
    amount: np.ndarray           # deal amount multiplier (small_deals)
    cycle: np.ndarray            # stage duration multiplier (long_cycle)
    csat: np.ndarray             # CSAT shift in points (low_csat)
    transition: np.ndarray       # (reps, transitions) probability multiplier (low_stage_conversion)
    product: np.ndarray          # (reps, products) win probability multiplier (weak_product)
    skill_penalty: np.ndarray    # (reps, skills) points off the assessed skill
    planted: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["rep_id", "driver", "detail"]))
    #: business hour from which each rep's planted effects act (-inf: all along; see plant_changes)
    start: np.ndarray | None = None
    #: (reps, stages) multiplier of the time spent in each open stage (team bottlenecks)
    stage_scale: np.ndarray | None = None
    changes: pd.DataFrame = field(default_factory=lambda: _empty_changes())
    bottlenecks: pd.DataFrame = field(default_factory=lambda: _empty_bottlenecks())

    def on(self, rep, hours) -> np.ndarray | bool:
        """Whether the planted effects of ``rep`` act at business hour ``hours`` (broadcast)."""
        if self.start is None:
            return True
        return np.asarray(hours) >= self.start[rep]

    def at(self, name: str, rep, hours):
        """The planted multiplier ``name`` of ``rep`` at ``hours`` (1 before a late driver starts)."""
        value = getattr(self, name)[rep]
        if self.start is None:
            return value
        return np.where(self.on(rep, hours), value, 0.0 if name == "csat" else 1.0)


def _empty_changes() -> pd.DataFrame:
    return pd.DataFrame({"rep_id": pd.array([], dtype="str"), "driver": pd.array([], dtype="str"),
                         "detail": pd.array([], dtype="str"), "start": pd.array([], dtype="str")})


def _empty_bottlenecks() -> pd.DataFrame:
    return pd.DataFrame({"team": pd.array([], dtype="str"), "stage": pd.array([], dtype="str"),
                         "factor": pd.array([], dtype=float)})


_VARIANTS = (
    "slow_follow_up",
    "low_stage_conversion:early",
    "low_stage_conversion:late",
    "low_activity",
    "small_deals",
    "long_cycle",
    "low_csat",
    "weak_product",
)


def no_effects(n_reps: int) -> Effects:
    """Effects of a rep population without any planted driver."""
    ones = np.ones(n_reps)
    return Effects(
        prospecting=ones.copy(), engagement=ones.copy(), follow_up=ones.copy(), amount=ones.copy(),
        cycle=ones.copy(), csat=np.zeros(n_reps),
        transition=np.ones((n_reps, len(cat.TRANSITIONS))),
        product=np.ones((n_reps, len(cat.PRODUCTS))),
        skill_penalty=np.zeros((n_reps, len(cat.SKILLS))),
        planted=pd.DataFrame({"rep_id": pd.array([], dtype="str"), "driver": pd.array([], dtype="str"),
                              "detail": pd.array([], dtype="str")}),
    )


def plant_drivers(reps: pd.DataFrame, traits: Traits, world: World, rng: np.random.Generator,
                  share: float = 0.30, second_share: float = 0.20) -> Effects:
    """Choose ~30 % of the established reps and give each one (sometimes two) drivers."""
    n = len(reps)
    eff = no_effects(n)
    months_in_window = (world.end_hours - np.maximum(traits.hire_hours, world.window_hours)) / HOURS_PER_MONTH
    eligible = np.flatnonzero(months_in_window >= 18)
    n_planted = min(len(eligible), int(round(share * n)))
    if n_planted == 0:
        return eff
    chosen = np.sort(rng.choice(eligible, n_planted, replace=False))
    cycles = -(-n_planted // len(_VARIANTS))
    first = np.concatenate([rng.permutation(len(_VARIANTS)) for _ in range(cycles)])[:n_planted]
    rows = []
    skill_index = {s: i for i, s in enumerate(cat.SKILLS)}
    product_names = [p.name for p in cat.PRODUCTS]
    # A weak product is one that normally brings many wins, so the weakness costs a lot.
    big_products = [i for i, p in enumerate(cat.PRODUCTS) if p.lead_share >= 0.2 and p.conversion_logit >= 0]
    for pos, rep in enumerate(chosen):
        variants = [_VARIANTS[first[pos]]]
        if rng.random() < second_share:
            key = variants[0].split(":")[0]
            others = [v for v in _VARIANTS if v.split(":")[0] != key]
            variants.append(others[int(rng.integers(len(others)))])
        for variant in variants:
            driver = variant.split(":")[0]
            skill = cat.DRIVER_SKILL.get(driver)
            if variant == "slow_follow_up":
                f = rng.uniform(2.0, 2.6)
                eff.follow_up[rep] = f
                detail = f"time to first touch about {f:.1f}x peers (business hours)"
            elif variant.startswith("low_stage_conversion"):
                pool = cat.EARLY_TRANSITIONS if variant.endswith("early") else cat.LATE_TRANSITIONS
                k = cat.TRANSITIONS.index(pool[int(rng.integers(len(pool)))])
                f = rng.uniform(0.50, 0.60)
                eff.transition[rep, k] = f
                detail = cat.TRANSITIONS[k]
                skill = cat.DRIVER_SKILL[detail]
            elif variant == "low_activity":
                f = rng.uniform(0.45, 0.55)
                eff.prospecting[rep] = f
                eff.engagement[rep] = 0.65
                detail = f"prospecting activity about {100 * (1 - f):.0f}% below peers"
            elif variant == "small_deals":
                f = rng.uniform(0.50, 0.60)
                eff.amount[rep] = f
                detail = f"deal sizes about {100 * (1 - f):.0f}% below peers"
            elif variant == "long_cycle":
                f = rng.uniform(1.6, 2.0)
                eff.cycle[rep] = f
                detail = f"stages last about {f:.1f}x longer than peers"
            elif variant == "low_csat":
                f = rng.uniform(0.8, 1.0)
                eff.csat[rep] = -f
                detail = f"CSAT about {f:.1f} points below peers"
            else:  # weak_product
                p = big_products[int(rng.integers(len(big_products)))]
                f = rng.uniform(0.10, 0.20)
                eff.product[rep, p] = f
                detail = product_names[p]
            eff.skill_penalty[rep, skill_index[skill]] = rng.uniform(15.0, 22.0)
            rows.append((reps["rep_id"].iloc[rep], driver, detail))
    planted = pd.DataFrame(rows, columns=["rep_id", "driver", "detail"]).sort_values(
        ["rep_id", "driver"], kind="stable", ignore_index=True)
    eff.planted = planted.astype({"rep_id": "str", "driver": "str", "detail": "str"})
    return eff


#: Drivers a late-starting slip can be (behaviours that change from one month to the next).
CHANGE_DRIVERS = ("low_activity", "slow_follow_up", "small_deals")


def plant_changes(reps: pd.DataFrame, traits: Traits, world: World, eff: Effects, rng: np.random.Generator,
                  share: float) -> Effects:
    """Give ``share`` of the reps a driver that starts 6-9 months before the data ends.

    The reps are established ones (at least 18 months in the window) without
    a planted driver of their own; each gets one driver of :data:`CHANGE_DRIVERS` at the
    strength :func:`plant_drivers` uses, acting on everything from the first day of its
    start month. ``eff.changes`` (``rep_id, driver, detail, start``; ``start`` = ``YYYY-MM``)
    is the ground truth.
    """
    n = len(reps)
    months_in_window = (world.end_hours - np.maximum(traits.hire_hours, world.window_hours)) / HOURS_PER_MONTH
    taken = set(eff.planted["rep_id"].astype(str))
    eligible = np.flatnonzero((months_in_window >= 18) & ~reps["rep_id"].astype(str).isin(taken).to_numpy())
    count = min(len(eligible), int(round(share * n)))
    if count == 0:
        return eff
    chosen = np.sort(rng.choice(eligible, count, replace=False))
    eff.start = np.full(n, -np.inf)
    n_months = len(world.month_starts)
    rows = []
    skill_index = {s: i for i, s in enumerate(cat.SKILLS)}
    kinds = np.concatenate([rng.permutation(len(CHANGE_DRIVERS)) for _ in range(-(-count // len(CHANGE_DRIVERS)))])
    for pos, rep in enumerate(chosen):
        driver = CHANGE_DRIVERS[kinds[pos]]
        back = int(rng.integers(6, 10))  # the slip starts 6-9 months before the data ends
        month = n_months - back
        eff.start[rep] = world.month_hours[month]
        if driver == "low_activity":
            f = rng.uniform(0.45, 0.55)
            eff.prospecting[rep], eff.engagement[rep] = f, 0.65
            detail = f"prospecting activity about {100 * (1 - f):.0f}% below its earlier level"
        elif driver == "slow_follow_up":
            f = rng.uniform(2.0, 2.6)
            eff.follow_up[rep] = f
            detail = f"time to first touch about {f:.1f}x its earlier level (business hours)"
        else:
            f = rng.uniform(0.50, 0.60)
            eff.amount[rep] = f
            detail = f"deal sizes about {100 * (1 - f):.0f}% below their earlier level"
        eff.skill_penalty[rep, skill_index[cat.DRIVER_SKILL[driver]]] = rng.uniform(15.0, 22.0)
        rows.append((reps["rep_id"].iloc[rep], driver, detail, f"{world.month_starts[month]:%Y-%m}"))
    eff.changes = pd.DataFrame(rows, columns=["rep_id", "driver", "detail", "start"]).astype("str")
    return eff


def plant_bottlenecks(reps: pd.DataFrame, world: World, eff: Effects, rng: np.random.Generator,
                      count: int) -> Effects:
    """Make ``count`` teams slow at one stage: every deal of the team stays 2.5-3.5x longer there.

    The stage is one of the middle stages, where an approval step would sit (Qualification,
    Proposal, Negotiation). ``eff.bottlenecks`` (``team, stage, factor``) is the ground truth.
    """
    teams = np.unique(reps["team"].astype(str).to_numpy())
    count = min(int(count), len(teams))
    if count == 0:
        return eff
    eff.stage_scale = np.ones((len(reps), len(cat.STAGES)))
    rows = []
    for team in rng.choice(teams, count, replace=False):
        stage = int(rng.integers(1, len(cat.STAGES)))
        factor = float(rng.uniform(2.5, 3.5))
        eff.stage_scale[(reps["team"].astype(str) == team).to_numpy(), stage] = factor
        rows.append((str(team), cat.STAGES[stage], round(factor, 2)))
    eff.bottlenecks = pd.DataFrame(rows, columns=["team", "stage", "factor"]).astype(
        {"team": "str", "stage": "str", "factor": float}).sort_values("team", ignore_index=True)
    return eff
