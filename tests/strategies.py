"""Hypothesis strategies: small sales datasets in the contract's shape, odd but well-typed.

``sales_tables()`` draws a dict of DataFrames (``reps``, ``opportunities``, optionally
``activities`` and ``targets``) with a handful of reps and deals: empty tables, single rows,
zero / tiny / huge amounts, unicode and hostile names, duplicate ids, missing optional
values, deals open / won / lost, all within plausible sales dates. ``raised_by_workbench``
tells whether an exception was raised on purpose by the package (its own error, raised
from its own code) rather than leaking from a library.
"""

from __future__ import annotations

import traceback
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import strategies as st

import workbench

PACKAGE = str(Path(workbench.__file__).resolve().parent)
STAGES = ("Lead", "Demo", "Proposal")

names = st.one_of(
    st.sampled_from(["North", "South", "Ånäs", "华东", "=SUM(A1)", "<b>x</b>", " padded ", "O'Brien", "Team 1"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
)
amounts = st.one_of(st.sampled_from([0.0, 0.01, 1.0, 1e6, 1e9]), st.floats(0, 5e6, allow_nan=False))
days = st.integers(0, 1000)  # days after 2024-01-01: dates up to late 2026
START = pd.Timestamp("2024-01-01")


@st.composite
def sales_tables(draw, max_reps: int = 6, max_deals: int = 40, max_activities: int = 40, with_targets=None):
    """A dict of contract tables, small and odd."""
    n_reps = draw(st.integers(1, max_reps))
    teams = draw(st.lists(names, min_size=1, max_size=3))
    reps = pd.DataFrame({
        "rep_id": [f"r{i}" for i in range(n_reps)],
        "name": draw(st.lists(names, min_size=n_reps, max_size=n_reps)),
        "team": [teams[draw(st.integers(0, len(teams) - 1))] for _ in range(n_reps)],
        "region": draw(st.lists(st.sampled_from(["East", "West", "中部"]), min_size=n_reps, max_size=n_reps)),
        "hire_date": [START + pd.Timedelta(days=draw(st.integers(-900, 900))) if draw(st.booleans()) else pd.NaT
                      for _ in range(n_reps)],
    })
    n = draw(st.integers(0, max_deals))
    rows = []
    for i in range(n):
        created = START + pd.Timedelta(days=draw(days), hours=draw(st.integers(0, 23)))
        outcome = draw(st.sampled_from(["open", "won", "lost"]))
        closed = created + pd.Timedelta(days=draw(st.integers(0, 200))) if outcome != "open" else pd.NaT
        stage = {"won": "Closed Won", "lost": "Closed Lost"}.get(outcome) or draw(st.sampled_from(STAGES))
        rows.append({
            "opportunity_id": f"o{draw(st.integers(0, n)) if draw(st.integers(0, 9)) == 0 else i}",  # some duplicates
            "rep_id": f"r{draw(st.integers(0, n_reps - 1))}",
            "product": draw(st.sampled_from(["A", "B", "Ω", None])),
            "source": draw(st.sampled_from(["web", "referral", None])),
            "created_at": created,
            "first_touch_at": created + pd.Timedelta(hours=draw(st.integers(0, 500))) if draw(st.booleans()) else pd.NaT,
            "stage": stage, "amount": draw(amounts), "closed_at": closed, "outcome": outcome,
        })
    opps = pd.DataFrame(rows, columns=["opportunity_id", "rep_id", "product", "source", "created_at",
                                       "first_touch_at", "stage", "amount", "closed_at", "outcome"])
    tables = {"reps": reps, "opportunities": opps}
    if draw(st.booleans()):
        k = draw(st.integers(0, max_activities))
        tables["activities"] = pd.DataFrame({
            "activity_id": [f"a{i}" for i in range(k)],
            "rep_id": [f"r{draw(st.integers(0, n_reps - 1))}" for _ in range(k)],
            "opportunity_id": [f"o{draw(st.integers(0, max(n - 1, 0)))}" if n and draw(st.booleans()) else None
                               for _ in range(k)],
            "type": [draw(st.sampled_from(["call", "email", "meeting", "demo"])) for _ in range(k)],
            "at": [START + pd.Timedelta(days=draw(days)) for _ in range(k)],
        }, columns=["activity_id", "rep_id", "opportunity_id", "type", "at"])
    if with_targets if with_targets is not None else draw(st.booleans()):
        periods = sorted({f"{(START + pd.Timedelta(days=d)):%Y-%m}" for d in draw(st.lists(days, max_size=4))})
        tables["targets"] = pd.DataFrame([
            {"entity_type": "rep", "entity_id": f"r{draw(st.integers(0, n_reps - 1))}", "period": p,
             "metric": "bookings", "target": draw(amounts)} for p in periods
        ], columns=["entity_type", "entity_id", "period", "metric", "target"]).drop_duplicates(
            ["entity_type", "entity_id", "period", "metric"])
    return tables


def raised_by_workbench(exc: BaseException) -> bool:
    """Whether ``exc`` is a deliberate error of the package: a ``ValueError`` (the base of every
    workbench error) or ``workbench.errors`` type, raised by a line of the package's own code."""
    from workbench import errors

    own = tuple(getattr(errors, n) for n in errors.__all__ if isinstance(getattr(errors, n), type)
                and issubclass(getattr(errors, n), Exception))
    if not isinstance(exc, (ValueError, *own)):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and str(Path(frames[-1].filename).resolve()).startswith(PACKAGE) and bool(str(exc).strip())


def result_or_clear_error(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` with warnings silenced; ``None`` when it raised a deliberate error of the
    package (anything else fails the test with the traceback's end)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the property is about which exceptions escape
        assert raised_by_workbench(exc), describe(exc)
        return None


def describe(exc: BaseException) -> str:
    """The exception and where it was raised, for an assertion message."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-6:])


def finite_or_nan(values) -> bool:
    """No infinities among numbers (NaN is a missing value)."""
    v = np.asarray(values, dtype=float)
    return not np.isinf(v).any()
