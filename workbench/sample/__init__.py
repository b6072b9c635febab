"""Realistic sample data: a causal simulation of a B2B sales team, with planted drivers.

:func:`generate_sample` simulates a sales force month by month and returns every
contract table, plus ``planted_drivers`` (the ground truth of which reps were given
which underperformance driver), ``training_effects`` (the ground truth of what each
training module does) and ``stages`` (the funnel). :func:`write_sample` writes them
to a folder.

The simulation
--------------
*Calendar.* Reps work Mon-Fri 08:00-18:00; all durations are drawn in business hours.
The data covers ``months`` calendar months ending on ``end`` (inclusive); the
simulation starts 9 months earlier so the window opens with a mature pipeline (deals
still open at the window start are reported with their history, deals closed before
it are not). Nothing depends on today's date.

*Sales force.* ``n_reps`` reps in teams of ~10 spread over up to four regions
(North, South, East, West), one manager per team. Most reps are established (tenure
drawn from 0.3 + Exp(3) years); ~6 % are hired during the window (at least 12 months
before the end). New hires ramp from 35 % to full productivity over their first
6 months (fewer touches and leads, lower conversion). Each rep has modest natural
traits, each a normal truncated at 2 sd: general skill (conversion logit sd 0.1),
territory (inbound leads and account book, sd 12 %), activity rate (sd 7 %), follow-up
speed (sd 8 %), deal size (sd 7 %), cycle length (sd 5 %), CSAT (sd 0.07 points),
per-stage and per-product conversion (logit sd 0.06 and 0.10). None of these makes a
rep an outlier.

*Leads and deals.* Each rep-month draws prospecting touches (~26 at full productivity,
seasonal); 8.5 % of them become *outbound* deals. Inbound leads (~3.7 a month,
growing 8 %/year, with a yearly seasonal profile) come from Inbound, Referral,
Partner and Event sources in proportion to territory. A deal gets a product (regional
mix), an account from the rep's book (some accounts buy repeatedly), a lumpy
lognormal amount (product median x region price x source x 4 %/year price growth,
sd 0.7 in logs, 3 % very large deals), a follow-up delay (median 8 business hours,
sd 0.9 in logs) and an engagement level (activities per week on the deal).

*Funnel.* Prospecting → Qualification → Proposal → Negotiation → Closed Won. At each
transition the deal advances with a probability whose logit depends on the stage,
product, source (first two transitions), rep skill and ramp, follow-up delay
(Prospecting→Qualification: -0.40 per log unit), engagement (the two middle
transitions: +0.45 per log unit), relative amount (the two late transitions: -0.15 per
log unit; big deals are harder) and region x product segment effects. A deal that
fails a transition is lost part-way through that stage. Stage durations are gamma
draws around 7/14/20/16 days, scaled by product, rep cycle, and amount^0.12. Wins that
would land in the first three weeks of a quarter are often pulled into the previous
quarter end (quarter-end push; stronger at year end). Deals not closed by ``end``
are open at their current stage with an expected close date after ``end``.
``stage_history`` has one row per stage entered (Prospecting at ``created_at``), and
closed deals a final ``Closed Won`` or ``Closed Lost`` row at ``closed_at``; a lost
deal's last open stage is the one it died in. Deals still open at the window start
keep their earlier history (and their deal activities); deals closed before the window
are not reported, so series by *creation* month are complete only from the window
start (the first month of ``targets`` and ``market``).

*Activities.* Prospecting touches (no deal; 70 % with an account), one first-touch
activity per deal at its first touch (the CRM field ``first_touch_at`` is left empty
for ~7 % of deals), and deal activities between first touch and close at ~1.1 a week
x engagement, with a type mix that depends on the stage.

*After the sale.* Won deals produce an order shortly after closing (large deals a
second instalment 40-120 days later); 3-6 % of orders are cancelled (by product),
recent ones are pending. About 65 % of customers answer an onboarding survey 2-6 weeks
after their first completed order, and ~1 relationship check-in during the following
year (integer CSAT 1-5, mean ~4).

*Skills and training.* Semi-annual assessments of seven skills reflect the same traits
(and planted drivers) that drive behaviour; low scorers are often sent to a matching
module, and reps take ~0.8 elective modules a year. Each module has a planted effect:
five of the fifteen do nothing, the others add 5-9 points to their skill on average
(0.7-1.3x per completion), which also improves the matching behaviour by ~1 % a point
from the completion date (see :mod:`workbench.sample.people`). ``training_effects``
is the ground truth: per module its skill, the skill's KPI, the planted points and the
expected effect on that KPI as
:func:`workbench.coaching.effectiveness.training_effectiveness` reports it (a relative
change in the KPI's good direction; derived from the generator's own formulas, see
:mod:`workbench.sample.training`). The training schedule
is drawn first, from the traits alone, so the pipeline can react.

*Plan and market.* See :mod:`workbench.sample.plan`.

Planted drivers
---------------
With ``planted=True`` about 30 % of the reps with at least 18 months in the window
(never in-window hires) get one driver (20 % of them a second one, with a different
key). They act through the simulated process over the whole simulation. Measured on
400 reps x 36 months, seed 3 (planted rep median / peer median):

``slow_follow_up``
    Follow-up delay x2.0-2.6 in business hours, i.e. median calendar hours from
    creation to first touch ~2.3-3.2x peers (peers ~23 h: usually the next
    morning). Nights and weekends make calendar delays lumpy, so the mean of log
    hours per rep is a steadier statistic than the median. Causally lowers
    Prospecting→Qualification conversion through the follow-up effect (~-10 %
    relative; win rate a little lower), and a deal cannot leave Prospecting before its first
    touch, so the median won cycle is ~5-15 % longer. Neither is planted as a stage or
    cycle problem.
``low_stage_conversion``
    Probability of one transition x0.50-0.60 (measured: ~40-45 % lower). ``detail``
    names it: early ``Prospecting→Qualification`` or ``Qualification→Proposal``; late
    ``Proposal→Negotiation`` or ``Negotiation→Closed Won``. Knock-on: win rate ~-40 %,
    lower bookings.
``low_activity``
    Prospecting touches x0.45-0.55 and activity per deal x0.65: total activities a
    month ~-45 % (prospecting touches without a deal ~-50 %). Knock-on: ~20 % fewer
    opportunities (outbound deals come from prospecting), so less pipeline;
    Qualification→Proposal and Proposal→Negotiation ~-5 % (engagement effect); win
    rate a little lower.
``small_deals``
    Deal amounts x0.50-0.60 within every product (median deal ~-40 %). Knock-on:
    slightly higher late-stage conversion (smaller deals are easier), lower bookings.
``long_cycle``
    Every stage lasts x1.6-2.0 longer (median won cycle ~1.75x). Knock-on: ~35 % more
    activities a month (deals live longer and keep being worked), more open pipeline,
    bookings delayed; conversion unchanged.
``low_csat``
    CSAT lowered by 0.8-1.0 points (measured ~-0.9 on the 1-5 scale). No knock-on.
``weak_product``
    Win probability on one product x0.10-0.20 (``detail``; Analytics Suite or Data
    Connectors, the products that bring most wins), spread evenly over the four
    transitions of that product's deals. Knock-on: overall win rate ~-15 to -25 %, the
    rep's overall conversion ~-10 % at the first two stages; the mix of won deals
    shifts towards the rep's other products (e.g. longer median cycle when Data
    Connectors is weak).

Each planted driver also lowers the matching assessed skill by 15-22 points
(``catalog.DRIVER_SKILL``; a low early-stage conversion shows in discovery, as in the
coaching skill map). ``planted_drivers`` lists root causes only. With
``planted=False`` the same seed gives the same reps and traits with no drivers.

Tips for a diagnosis: compare reps in their ramped months (hire + 6 months); compare
deal sizes and cycles within product; the pipeline knock-ons above are smaller than
the planted effects (e.g. a stage converting 35-50 % less is planted, 5-10 % less is
a knock-on).

Region x product segments (not rep drivers): East x Cloud Platform faces a rising
competitor (Vandelay) from 2025 (late-stage logit down to -0.3) and a market growing
28 %/year; South x Analytics Suite's market grows 32 %/year (our share falls in both);
West sells few Security Add-ons but wins them often (+0.5 late-stage logit).

Examples
--------
>>> from workbench.sample import generate_sample
>>> data = generate_sample(n_reps=12, months=24, seed=3)
>>> sorted(data)[:4]
['activities', 'market', 'opportunities', 'orders']
>>> data["opportunities"]["outcome"].isin(["open", "won", "lost"]).all()
np.True_
>>> len(data["planted_drivers"]) > 0, len(generate_sample(12, 24, seed=3, planted=False)["planted_drivers"])
(True, 0)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from workbench.params import check_param
from workbench.sample import catalog
from workbench.sample.catalog import DRIVERS, STAGES, TRANSITIONS
from workbench.sample.people import skills_and_training, training_catalog
from workbench.sample.pipeline import simulate_deals, simulate_rep_months
from workbench.sample.plan import market_table, targets_table
from workbench.sample.roster import (
    CHANGE_DRIVERS,
    build_roster,
    build_world,
    no_effects,
    plant_bottlenecks,
    plant_changes,
    plant_drivers,
)
from workbench.sample.tables import activities_table, deal_tables, orders_table, surveys_table
from workbench.sample.training import training_effects_table
from workbench.sample.writer import write_tables

__all__ = ["generate_sample", "write_sample", "DRIVERS", "STAGES", "TRANSITIONS", "CHANGE_DRIVERS", "catalog"]

_STREAMS = ("roster", "plant", "months", "deals", "tables", "activities", "orders", "surveys", "people", "market",
            "changes")


def _check(n_reps, months, seed, end, late_drivers=0.0, bottlenecks=0):
    owner = "generate_sample"
    check_param(owner, "late_drivers", late_drivers, "a share in [0, 0.5]",
                isinstance(late_drivers, (int, float)) and 0 <= late_drivers <= 0.5)
    check_param(owner, "bottlenecks", bottlenecks, "an integer >= 0",
                isinstance(bottlenecks, (int, np.integer)) and bottlenecks >= 0)
    check_param(owner, "n_reps", n_reps, "a positive integer", isinstance(n_reps, (int, np.integer)) and n_reps >= 1)
    check_param(owner, "months", months, "an integer >= 3", isinstance(months, (int, np.integer)) and months >= 3)
    check_param(owner, "seed", seed, "a non-negative integer", isinstance(seed, (int, np.integer)) and seed >= 0)
    try:
        return pd.Timestamp(end)
    except (ValueError, TypeError):
        check_param(owner, "end", end, "a date like '2026-10-31'", False)


def generate_sample(n_reps: int = 80, months: int = 36, seed: int = 7, end="2026-10-31",
                    planted: bool = True, late_drivers: float = 0.0, bottlenecks: int = 0) -> dict[str, pd.DataFrame]:
    """Simulate a B2B sales team and return every contract table.

    Parameters
    ----------
    n_reps : int, default 80
        Number of sales reps (teams of ~10, up to four regions).
    months : int, default 36
        Length of the reported window in calendar months (at least 3).
    seed : int, default 7
        Seed of every random draw: the same arguments give identical tables.
    end : date-like, default "2026-10-31"
        Last day of the data; open deals are open as of this day.
    planted : bool, default True
        Plant underperformance drivers on ~30 % of the reps.
    late_drivers : float, default 0
        Share of the reps (established ones without a planted driver) who *slip*: one
        driver of :data:`CHANGE_DRIVERS` (low activity, slow follow-up, small deals) that
        starts 6-9 months before the data ends. Adds the ground truth ``planted_changes``
        (``rep_id, driver, detail, start``; ``start`` = the month it began, ``YYYY-MM``).
    bottlenecks : int, default 0
        Number of teams made slow at one stage (every deal of the team stays 2.5-3.5x
        longer in it, as behind an approval step). Adds the ground truth
        ``planted_bottlenecks`` (``team, stage, factor``).

    Returns
    -------
    dict of str to pandas.DataFrame
        The contract tables ``reps``, ``opportunities``, ``stage_history``,
        ``activities``, ``orders``, ``targets``, ``surveys``, ``skills``,
        ``training_catalog``, ``training_log``, ``market`` (contract columns and
        types; datetimes as ``datetime64[ns]``), plus ``planted_drivers``
        (``rep_id, driver, detail``), ``training_effects`` (``module_id, skill, kpi,
        planted_points, planted_effect``: what each training module really does) and
        ``stages`` (``stage, order``: the open stages in funnel order; terminal stages
        are ``Closed Won``/``Closed Lost``). With ``late_drivers`` or ``bottlenecks``,
        also ``planted_changes`` and ``planted_bottlenecks``. Without them the tables are
        exactly those of earlier versions (the options draw from their own random stream).

    Examples
    --------
    >>> t = generate_sample(n_reps=30, months=24, seed=5, late_drivers=0.1, bottlenecks=1)
    >>> list(t["planted_changes"].columns), len(t["planted_changes"])
    (['rep_id', 'driver', 'detail', 'start'], 3)
    >>> list(t["planted_bottlenecks"].columns)
    ['team', 'stage', 'factor']
    """
    end = _check(n_reps, months, seed, end, late_drivers, bottlenecks)
    streams = dict(zip(_STREAMS, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(_STREAMS)))))
    world = build_world(int(months), end)
    reps, traits = build_roster(int(n_reps), world, streams["roster"])
    effects = plant_drivers(reps, traits, world, streams["plant"]) if planted else no_effects(len(reps))
    if late_drivers:
        effects = plant_changes(reps, traits, world, effects, streams["changes"], float(late_drivers))
    if bottlenecks:
        effects = plant_bottlenecks(reps, world, effects, streams["changes"], int(bottlenecks))
    skills, training_log, gains = skills_and_training(world, reps, traits, effects, streams["people"])
    rep_months = simulate_rep_months(world, traits, effects, streams["months"], gains)
    deals = simulate_deals(world, traits, effects, rep_months, streams["deals"], gains)
    dt = deal_tables(world, reps, deals, streams["tables"])
    activities = activities_table(world, reps, traits, rep_months, deals, dt, streams["activities"])
    orders, order_deal, order_hours = orders_table(world, reps, deals, dt, streams["orders"])
    surveys, csat_mean = surveys_table(world, reps, traits, effects, deals, dt, order_deal, order_hours,
                                       orders["status"].to_numpy(dtype=object), streams["surveys"], gains)
    tables = {
        "reps": reps,
        "opportunities": dt.opportunities,
        "stage_history": dt.stage_history,
        "activities": activities,
        "orders": orders,
    }
    tables["targets"] = targets_table(world, reps, traits, tables)
    tables["surveys"] = surveys
    tables["skills"] = skills
    tables["training_catalog"] = training_catalog()
    tables["training_log"] = training_log
    tables["market"] = market_table(world, reps, dt.opportunities, streams["market"])
    tables["planted_drivers"] = effects.planted.reset_index(drop=True)
    tables["training_effects"] = training_effects_table(world, deals, reps, tables, csat_mean)
    if late_drivers:
        tables["planted_changes"] = effects.changes.reset_index(drop=True)
    if bottlenecks:
        tables["planted_bottlenecks"] = effects.bottlenecks.reset_index(drop=True)
    tables["stages"] = pd.DataFrame({"stage": pd.array(list(STAGES), dtype="str"),
                                     "order": np.arange(1, len(STAGES) + 1, dtype=np.int64)})
    return tables


def write_sample(out_dir, n_reps: int = 80, months: int = 36, seed: int = 7, end="2026-10-31",
                 planted: bool = True, late_drivers: float = 0.0, bottlenecks: int = 0) -> dict[str, Path]:
    """Generate the sample (see :func:`generate_sample`) and write it to ``out_dir``.

    Every table is written as ``<table>.csv`` except ``activities``
    (``activities.parquet``, to keep the folder small); the same arguments write the
    same bytes. Returns the written paths by table name.
    """
    tables = generate_sample(n_reps=n_reps, months=months, seed=seed, end=end, planted=planted,
                             late_drivers=late_drivers, bottlenecks=bottlenecks)
    return write_tables(tables, out_dir)
