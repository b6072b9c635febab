"""Targets: proposals at a chance of attainment, allocation, SMART checks, reverse funnel and backtest.

* :func:`propose_targets` — a target per rep / team / region for a coming month or quarter, the
  forecast's ``1 - p`` quantile (ramp for new hires), or a company target allocated in proportion
  to potential; each with its chance of attainment and SMART check;
* :func:`allocate`, :func:`allocate_hierarchy` — largest-remainder splits that add up exactly;
* :func:`smart_check` — specific, measurable, attainable flags;
* :func:`reverse_funnel` — deals, decided deals and activities (by type) per week and working day
  needed for a target, from the rep's shrunk funnel rates, with the assumptions and the gap to today;
* :func:`backtest_proposals`, :func:`backtest_summary` — were past proposals met in ``p`` of cases?
* :func:`ramp_curve` — new hires' share of a tenured rep's month, by month since hire;
* :class:`WhatIfModel` — move :class:`Levers` (follow-up speed, stage conversion, activity, deal
  size, cycle, headcount) and see the period's bookings distribution and odds of target per rep,
  team, region; effects learned from the data (:class:`LeverEffects`, :data:`LEVERS`).
"""

from workbench.targets.allocation import allocate, allocate_hierarchy
from workbench.targets.backtest import backtest_proposals, backtest_summary
from workbench.targets.funnel import ReverseFunnel, reverse_funnel
from workbench.targets.levers import LEVERS, Lever, LeverEffects, Levers
from workbench.targets.proposals import PROPOSAL_COLUMNS, forecast_distribution, propose_targets
from workbench.targets.quantiles import attainment_probability, quantile_column
from workbench.targets.ramp import ramp_curve
from workbench.targets.smart import smart_check
from workbench.targets.whatif import PROJECTION_COLUMNS, Projection, WhatIfModel

__all__ = [
    "propose_targets", "forecast_distribution", "PROPOSAL_COLUMNS", "allocate", "allocate_hierarchy",
    "smart_check", "reverse_funnel", "ReverseFunnel", "backtest_proposals", "backtest_summary",
    "ramp_curve", "attainment_probability", "quantile_column",
    "WhatIfModel", "Projection", "PROJECTION_COLUMNS", "Levers", "Lever", "LEVERS", "LeverEffects",
]
