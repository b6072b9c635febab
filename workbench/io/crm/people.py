"""Several people per deal: the owner plus collaborators (SDRs, closers, pre-sales...).

``[tables.opportunities.people]`` names a column per role::

    [tables.opportunities.people]
    sdr = "SDR"                                        # one person per cell
    collaborators = {headers = "Team", split = ";"}    # several people in one cell

The import then writes the optional contract table ``deal_people`` (``opportunity_id``,
``rep_id``, ``role``): one row per person named in a role column. The owner is not
repeated there: a deal's owner is ``opportunities.rep_id``, in one place only. People get
rep ids the way owners do (``[reps] id``), and every person joins the ``reps`` table.

**Credit rule for KPIs.** Every KPI of :mod:`workbench.kpi` credits a deal to its owner,
``opportunities.rep_id``: bookings, quota attainment, win rate, pipeline, cycle time are
the owner's, so data with or without collaborators gives the same KPIs. To see a role's
view (e.g. bookings sourced by each SDR), :func:`credit_to` returns the same data with
each deal credited to its person in that role; every KPI then runs on it unchanged. Each
deal is credited once per view (full credit, no split), so company totals are the same
in every view.

Examples
--------
>>> import pandas as pd
>>> opps = pd.DataFrame({"opportunity_id": ["o1", "o2"], "rep_id": ["ann", "bob"],
...                      "x_people_sdr": ["Cy Diaz", None]})
>>> deal_people_frame(opps, {"sdr": ("x_people_sdr", "")}, id_method="slug")[["opportunity_id", "rep_id", "role"]]
  opportunity_id   rep_id role
0             o1  cy-diaz  sdr
"""

from __future__ import annotations

import dataclasses
import re
from types import MappingProxyType

import pandas as pd

from workbench.errors import DataError
from workbench.io.crm.derive import make_ids

__all__ = ["DEAL_PEOPLE_COLUMNS", "deal_people_frame", "people_names", "credit_to"]

DEAL_PEOPLE_COLUMNS = ["opportunity_id", "rep_id", "role"]
_EXTRA = ["_source_file", "_source_row"]


def _split(values: pd.Series, sep: str) -> pd.Series:
    if not sep:
        return values.dropna()
    parts = values.dropna().map(lambda v: [p.strip() for p in re.split("|".join(map(re.escape, sep)), str(v)) if p.strip()])
    return parts.explode().dropna()


def deal_people_frame(opps: pd.DataFrame, roles: dict, *, id_method: str = "slug", prefix: str = "") -> pd.DataFrame:
    """The ``deal_people`` rows of ``opps`` (a table being imported: ``opportunity_id`` and
    one helper column per role, see ``roles`` = ``{role: (column, split)}``).

    Each character of ``split`` separates names in one cell (``";"``, ``";,、"``). A person
    listed twice in the same role of a deal is kept once. Source columns
    ``_source_file``/``_source_row`` are carried when present.
    """
    extra = [c for c in _EXTRA if c in opps]
    parts = []
    for role, (column, sep) in roles.items():
        if column not in opps:
            continue
        names = _split(opps[column], sep)
        if not len(names):
            continue
        frame = opps.loc[names.index, ["opportunity_id"] + extra]
        frame["_name"] = names.array  # by position (a split cell repeats its row's label)
        frame["rep_id"] = make_ids(frame["_name"], id_method, prefix).array
        parts.append(frame.drop(columns="_name").assign(role=role))
    if not parts:
        return pd.DataFrame(columns=DEAL_PEOPLE_COLUMNS + extra)
    out = pd.concat(parts, ignore_index=True).drop_duplicates(["opportunity_id", "rep_id", "role"])
    return out.reset_index(drop=True)[DEAL_PEOPLE_COLUMNS + extra]


def people_names(opps: pd.DataFrame, roles: dict, *, id_method: str = "slug", prefix: str = "") -> pd.DataFrame:
    """``rep_id``, ``name`` of every person named in a role column (for the reps table)."""
    rows = []
    for _role, (column, sep) in roles.items():
        if column in opps:
            names = _split(opps[column], sep)
            rows.append(pd.DataFrame({"rep_id": make_ids(names, id_method, prefix).array, "name": names.array}))
    if not rows:
        return pd.DataFrame(columns=["rep_id", "name"])
    return pd.concat(rows, ignore_index=True).drop_duplicates("rep_id").reset_index(drop=True)


def credit_to(data, role: str, *, keep_uncredited: bool = True):
    """``data`` with each deal credited to its person in ``role`` instead of its owner.

    Parameters
    ----------
    data : SalesData
        Data with a ``deal_people`` table (from an import with ``[tables.opportunities.people]``).
    role : str
        A role of ``deal_people`` (``"sdr"``, ``"collaborator"``...; ``"owner"`` returns ``data``).
        When a deal lists several people in the role, the first listed is credited.
    keep_uncredited : bool
        Keep deals with nobody in ``role`` under their owner (default), or drop them
        (``False``: the role's view holds only the deals that person worked on).

    Returns
    -------
    SalesData
        Same tables, ``opportunities.rep_id`` replaced; activities, orders and the
        rest are unchanged. KPIs from :mod:`workbench.kpi` run on it unchanged.

    Examples
    --------
    >>> from workbench.io.validate import validate_tables
    >>> data = validate_tables({
    ...     "reps": pd.DataFrame({"rep_id": ["ann", "cy"], "name": ["Ann", "Cy"], "team": "A", "region": "N"}),
    ...     "opportunities": pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["ann"], "created_at": ["2026-01-05"],
    ...                                    "stage": ["Won"], "amount": [100.0], "outcome": ["won"],
    ...                                    "closed_at": ["2026-02-01"]}),
    ...     "deal_people": pd.DataFrame({"opportunity_id": ["o1"], "rep_id": ["cy"], "role": ["sdr"]})})
    >>> credit_to(data, "sdr").opportunities["rep_id"].tolist()
    ['cy']
    """
    if role == "owner":
        return data
    if not data.has("deal_people"):
        raise DataError("credit_to needs the deal_people table (import with [tables.opportunities.people])")
    people = data.deal_people
    roles = sorted(set(people["role"]))
    if role not in roles:
        raise DataError(f"credit_to: no deal lists a {role!r}; roles in deal_people: {', '.join(roles)}")
    first = people[people["role"] == role].drop_duplicates("opportunity_id").set_index("opportunity_id")["rep_id"]
    opps = data.opportunities
    credited = opps["opportunity_id"].map(first)
    if not keep_uncredited:
        opps = opps[credited.notna()].reset_index(drop=True)
        credited = credited[credited.notna()].reset_index(drop=True)
    opps["rep_id"] = credited.where(credited.notna(), opps["rep_id"]).astype(opps["rep_id"].dtype)
    tables = dict(data.tables)
    tables["opportunities"] = opps
    return dataclasses.replace(data, _tables=MappingProxyType(tables), _cache={}, fingerprint=None,
                               source=f"{data.source} (deals credited to {role})")
