"""Commission plans: declarative plan files, payouts with their explanation, and plan simulation.

* :func:`load_plan`, :func:`plan_from_dict` — read and validate a plan (TOML); errors name the key;
* :func:`compute_payouts`, :func:`explain` — each rep's payout for a period's actual results;
  :func:`compare_payouts` — the same under two plans;
* :data:`PAYOUT_FIGURES`, :func:`payout_label` — every payout figure's labels (English / 中文) and definition;
* :func:`simulate_payouts`, :func:`compare_plans` — payouts over a distribution of bookings.

See ``docs/incentives.md``.
"""

from workbench.errors import PlanError
from workbench.incentives.commission import Commission, commission
from workbench.incentives.payout import PAYOUT_COLUMNS, compare_payouts, compute_payouts, explain, side_by_side
from workbench.incentives.plan import CommissionPlan, load_plan, plan_from_dict
from workbench.incentives.registry import PAYOUT_FIGURES, payout_label
from workbench.incentives.simulate import (
    PlanSimulation,
    compare_plans,
    compare_simulations,
    draws_from_pipeline,
    simulate_payouts,
)

__all__ = [
    "PlanError", "CommissionPlan", "load_plan", "plan_from_dict", "Commission", "commission",
    "compute_payouts", "compare_payouts", "side_by_side", "explain", "PAYOUT_COLUMNS",
    "PAYOUT_FIGURES", "payout_label",
    "PlanSimulation", "simulate_payouts", "compare_plans", "compare_simulations", "draws_from_pipeline",
]
