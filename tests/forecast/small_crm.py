"""A small CRM for tests: ten months, a few thousand deals, long sales cycles.

The shape of a typical third-party CRM export: a short window in which deals take a good
part of the window to close, so a win model has little matured history to learn from.
Reuse it anywhere a test needs short history::

    from tests.forecast.small_crm import small_crm
    data = small_crm()                                # dict of contract DataFrames
    leaky = small_crm(lost_amount_zero=True)          # a CRM that zeroes lost deals' amounts
"""

import numpy as np
import pandas as pd

from workbench.sample import generate_sample

#: The contract tables kept (the sample's ground-truth tables are left out, as in a real export).
TABLES = ("reps", "opportunities", "stage_history", "activities", "orders", "targets")


def _stretch(when: pd.Series, created: pd.Series, scale: float) -> pd.Series:
    return created + (when - created) * scale


def small_crm(n_reps: int = 40, months: int = 10, seed: int = 11, *, cycle_scale: float = 2.5,
              stage_history: bool = True, activities: bool = True,
              lost_amount_zero: bool = False) -> dict[str, pd.DataFrame]:
    """Contract tables of a ``months``-month CRM export with ``n_reps`` reps (~2,600 deals by default).

    Parameters
    ----------
    n_reps, months, seed
        Passed to :func:`workbench.sample.generate_sample` (the data end on 2026-10-31).
    cycle_scale : float
        Every deal's life (first touch, stage entries, deal activities, close) is stretched by
        this factor from its creation, as in a market with long cycles; deals that would now
        close after the end of the data are open, at the last stage they entered by then.
        ``1`` keeps the sample's cycles. Orders are left as generated.
    stage_history, activities : bool
        Keep those tables (drop them to mimic an export without history or activity log).
    lost_amount_zero : bool
        Set the amount of every lost deal to 0, as some CRMs do when a deal is lost (a leak).
    """
    sample = generate_sample(n_reps=n_reps, months=months, seed=seed)
    data = {t: sample[t].copy() for t in TABLES}
    end = pd.Timestamp("2026-10-31 23:59:59")
    opps, hist, acts = data["opportunities"], data["stage_history"], data["activities"]
    if cycle_scale != 1:
        created = opps.set_index("opportunity_id")["created_at"]
        opps["closed_at"] = _stretch(opps["closed_at"], opps["created_at"], cycle_scale)
        opps["first_touch_at"] = _stretch(opps["first_touch_at"], opps["created_at"], cycle_scale)
        hist["entered_at"] = _stretch(hist["entered_at"], hist["opportunity_id"].map(created), cycle_scale)
        on_deal = acts["opportunity_id"].notna()
        acts.loc[on_deal, "at"] = _stretch(acts.loc[on_deal, "at"], acts.loc[on_deal, "opportunity_id"].map(created),
                                           cycle_scale)
        hist = hist[hist["entered_at"] <= end]
        acts = acts[acts["at"] <= end]
        late = opps["closed_at"] > end
        opps.loc[late, ["outcome", "closed_at", "lost_reason"]] = ["open", pd.NaT, np.nan]
        opps.loc[opps["first_touch_at"] > end, "first_touch_at"] = pd.NaT
        last = hist.sort_values("entered_at").groupby("opportunity_id")["stage"].last()
        opps.loc[late, "stage"] = opps.loc[late, "opportunity_id"].map(last).to_numpy()
    if lost_amount_zero:
        opps.loc[opps["outcome"] == "lost", "amount"] = 0.0
    data.update(opportunities=opps, stage_history=hist.reset_index(drop=True), activities=acts.reset_index(drop=True))
    for table, keep in (("stage_history", stage_history), ("activities", activities)):
        if not keep:
            del data[table]
    return data
