"""Diagnosis: why a rep, team or region falls short, which drivers cost how much, how sure we are.

>>> from workbench.diagnose import DRIVERS, DiagnosisConfig
>>> sorted(DRIVERS) == sorted(["slow_follow_up", "low_activity", "low_stage_conversion",
...     "small_deals", "long_cycle", "low_csat", "weak_product", "low_pipeline_coverage",
...     "order_cancellations", "stalled_stage", "recent_change", "stage_bottleneck"])
True
"""

from workbench.diagnose.config import DiagnosisConfig
from workbench.diagnose.decomposition import lmdi
from workbench.diagnose.drivers import DRIVERS, DriverRule
from workbench.diagnose.engine import FINDING_COLUMNS, Diagnosis, diagnose
from workbench.diagnose.follow_up import FollowUpEffect, fit_follow_up_effect
from workbench.diagnose.recovery import DriverRecovery, driver_recovery
from workbench.diagnose.selection import diagnosis_periods, select

__all__ = [
    "DriverRecovery",
    "driver_recovery",
    "diagnose",
    "diagnosis_periods",
    "select",
    "Diagnosis",
    "DiagnosisConfig",
    "DRIVERS",
    "DriverRule",
    "FINDING_COLUMNS",
    "FollowUpEffect",
    "fit_follow_up_effect",
    "lmdi",
]
