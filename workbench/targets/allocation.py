"""Top-down allocation of a company target in proportion to potential, parts adding up exactly.

Examples
--------
>>> import pandas as pd
>>> allocate(100, pd.Series({"East": 1.0, "West": 1.0, "North": 1.0})).tolist()
[34.0, 33.0, 33.0]
>>> allocate(1000, pd.Series({"a": 2.0, "b": 1.0, "c": 1.0}), decimals=2).tolist()
[500.0, 250.0, 250.0]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["allocate", "allocate_hierarchy"]


def allocate(total: float, potential: pd.Series, decimals: int = 0) -> pd.Series:
    """Split ``total`` over the index of ``potential`` in proportion to it, rounded to ``decimals``.

    Largest-remainder rounding: every part is rounded down to the unit ``10**-decimals``,
    then the units left over go one each to the parts with the largest remainders (ties to
    the larger potential, then to the first), so the parts add up to ``total`` rounded to that
    unit exactly. Zero or missing potentials get 0; when every potential is 0 the total is split
    evenly.

    Raises
    ------
    ValueError
        If a potential is negative or ``total`` is negative or not finite.
    """
    if not np.isfinite(total) or total < 0:
        raise ValueError(f"allocate: the total to allocate must be a non-negative number; got {total!r}.")
    pot = potential.astype(float).fillna(0.0)
    if (pot < 0).any():
        raise ValueError(f"allocate: potentials must not be negative; negative for {list(pot.index[pot < 0])}.")
    if pot.empty:
        return pot
    weights = pot / pot.sum() if pot.sum() > 0 else pd.Series(1.0 / len(pot), index=pot.index)
    unit = 10.0 ** -decimals
    units_total = int(round(total / unit))
    exact = weights.to_numpy() * units_total
    floor = np.floor(exact + 1e-9)
    left = units_total - int(floor.sum())
    order = np.lexsort((np.arange(len(pot)), -pot.to_numpy(), -(exact - floor)))
    floor[order[:left]] += 1
    return pd.Series(np.round(floor * unit, decimals), index=pot.index, name="target")


def allocate_hierarchy(total: float, rep_potential: pd.Series, reps: pd.DataFrame, decimals: int = 0) -> pd.DataFrame:
    """Allocate ``total`` to regions, each region's part to its teams, each team's part to its reps.

    ``rep_potential`` is indexed by ``rep_id``; a region's or team's potential is the sum of
    its reps'. Returns ``entity_type, entity_id, target, potential``; at every level the
    parts add up to the parent exactly.
    """
    members = reps.set_index("rep_id")[["team", "region"]].reindex(rep_potential.index)
    pot = rep_potential.astype(float).fillna(0.0)
    rows = []
    regions = allocate(total, pot.groupby(members["region"]).sum(), decimals)
    for region, region_total in regions.items():
        in_region = members["region"] == region
        teams = allocate(region_total, pot[in_region].groupby(members.loc[in_region, "team"]).sum(), decimals)
        rows.append(("region", region, region_total, pot[in_region].sum()))
        for team, team_total in teams.items():
            in_team = in_region & (members["team"] == team)
            rows.append(("team", team, team_total, pot[in_team].sum()))
            for rep, rep_total in allocate(team_total, pot[in_team], decimals).items():
                rows.append(("rep", rep, rep_total, pot[rep]))
    return pd.DataFrame(rows, columns=["entity_type", "entity_id", "target", "potential"])
