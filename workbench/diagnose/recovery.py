"""How well a diagnosis recovers known drivers (e.g. the sample generator's planted ones).

>>> import pandas as pd
>>> findings = pd.DataFrame({"entity_type": ["rep", "rep", "team"], "entity_id": ["R1", "R2", "T1"],
...                          "driver": ["low_csat", "small_deals", "low_csat"]})
>>> planted = pd.DataFrame({"rep_id": ["R1", "R3"], "driver": ["low_csat", "long_cycle"], "detail": ["", ""]})
>>> r = driver_recovery(findings, planted)
>>> r.precision, r.recall
(0.5, 0.5)
>>> r.missed[["rep_id", "driver"]].values.tolist(), r.extra[["entity_id", "driver"]].values.tolist()
([['R3', 'long_cycle']], [['R2', 'small_deals']])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["DriverRecovery", "driver_recovery"]


@dataclass(frozen=True)
class DriverRecovery:
    """Precision and recall of rep findings against known drivers, by (rep, driver).

    Attributes
    ----------
    precision : float
        Share of rep findings that are known drivers (NaN without findings).
    recall : float
        Share of known drivers that were found (NaN without known drivers).
    missed : DataFrame
        Known drivers no finding names (rows of ``planted``).
    extra : DataFrame
        Rep findings that are not known drivers (rows of ``findings``).
    """

    precision: float
    recall: float
    missed: pd.DataFrame
    extra: pd.DataFrame


def driver_recovery(findings: pd.DataFrame, planted: pd.DataFrame) -> DriverRecovery:
    """Compare rep findings (``entity_id``, ``driver``) with known drivers (``rep_id``, ``driver``).

    Team and region findings are left out: planted drivers belong to reps.
    """
    reps = findings[findings["entity_type"] == "rep"]
    found = set(zip(reps["entity_id"].astype(str), reps["driver"]))
    truth = set(zip(planted["rep_id"].astype(str), planted["driver"]))
    hits = found & truth
    is_found = [pair in found for pair in zip(planted["rep_id"].astype(str), planted["driver"])]
    is_true = [pair in truth for pair in zip(reps["entity_id"].astype(str), reps["driver"])]
    return DriverRecovery(
        precision=len(hits) / len(found) if found else float("nan"),
        recall=len(hits) / len(truth) if truth else float("nan"),
        missed=planted[~np.array(is_found, dtype=bool)].reset_index(drop=True),
        extra=reps[~np.array(is_true, dtype=bool)].reset_index(drop=True),
    )
