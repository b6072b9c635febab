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

The names are imported on first use (PEP 562): the what-if app reads a kept model back
without loading the forecasting libraries behind the proposals and their backtest.
"""

from workbench.lazy import lazy_attributes

__all__ = [
    "propose_targets", "forecast_distribution", "PROPOSAL_COLUMNS", "allocate", "allocate_hierarchy",
    "smart_check", "reverse_funnel", "ReverseFunnel", "backtest_proposals", "backtest_summary",
    "ramp_curve", "attainment_probability", "quantile_column",
    "WhatIfModel", "Projection", "PROJECTION_COLUMNS", "Levers", "Lever", "LEVERS", "LeverEffects",
]


_LAZY = {
    "allocate": "workbench.targets.allocation",
    "allocate_hierarchy": "workbench.targets.allocation",
    "backtest_proposals": "workbench.targets.backtest",
    "backtest_summary": "workbench.targets.backtest",
    "ReverseFunnel": "workbench.targets.funnel",
    "reverse_funnel": "workbench.targets.funnel",
    "LEVERS": "workbench.targets.levers",
    "Lever": "workbench.targets.levers",
    "LeverEffects": "workbench.targets.levers",
    "Levers": "workbench.targets.levers",
    "PROPOSAL_COLUMNS": "workbench.targets.proposals",
    "forecast_distribution": "workbench.targets.proposals",
    "propose_targets": "workbench.targets.proposals",
    "attainment_probability": "workbench.targets.quantiles",
    "quantile_column": "workbench.targets.quantiles",
    "ramp_curve": "workbench.targets.ramp",
    "smart_check": "workbench.targets.smart",
    "PROJECTION_COLUMNS": "workbench.targets.whatif",
    "Projection": "workbench.targets.whatif",
    "WhatIfModel": "workbench.targets.whatif",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, __all__)
