"""Hostile cases of the ``html`` area: script payloads in every text field people type.

A small valid sample whose team, rep id, rep name, region, product, loss reason,
competitor, account and training module title each carry a different script payload.
Every payload sets ``window.__xss`` when it runs, and several hold ``&``, so a page that
runs one, or escapes it twice, is caught. The apps must show each one literally
(``tests/apps/test_apps_escaping*.py``; the review pages are checked on the ``hostile_sample``
fixture in ``tests/reports/test_review_html.py``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.hostile import HostileCase, register

__all__ = ["PAYLOADS", "hostile_tables", "write_hostile_folder"]

#: One payload per user-text field (each runs ``window.__xss = '<field>'`` if it is ever parsed as markup).
PAYLOADS = {
    "team": '<img src=x onerror="window.__xss=\'team\'"> & Co',
    "rep_id": '"><svg onload="window.__xss=\'rep\'">',
    "name": "<script>window.__xss='name'</script> & Sons",
    "region": "<b onmouseover=\"window.__xss='region'\">North & East</b>",
    "product": "<img src=x onerror=\"window.__xss='product'\">",
    "lost_reason": "<iframe srcdoc=\"<script>parent.__xss='reason'</script>\"></iframe>",
    "competitor": "<img src=x onerror=\"window.__xss='competitor'\"> Ltd & Co",
    "account_id": "<img src=x onerror=\"window.__xss='account'\">",
    "title": "<svg><script>window.__xss='title'</script></svg> Negotiation",
}

#: The sample the payloads are put into: small, with two teams, findings and open deals.
SAMPLE = {"n_reps": 20, "months": 18, "seed": 3}


def _most_common(values: pd.Series) -> str:
    counts = values.dropna().astype(str).value_counts()
    return str(counts.index[0])


def _replace(frame: pd.DataFrame, column: str, old: str, new: str) -> pd.DataFrame:
    if column not in frame.columns:
        return frame
    return frame.assign(**{column: frame[column].where(frame[column].astype(str) != old, new)})


def hostile_tables(n_reps: int = SAMPLE["n_reps"], months: int = SAMPLE["months"], seed: int = SAMPLE["seed"]):
    """The sample tables with :data:`PAYLOADS` in them; returns ``(tables, replaced)``.

    ``replaced`` maps each field to the original value the payload replaced (the rep id,
    the team name, …), so a test can pick the hostile team or rep.
    """
    from workbench.sample import generate_sample

    tables = {k: v for k, v in generate_sample(n_reps=n_reps, months=months, seed=seed).items()
              if k != "planted_drivers"}
    reps, opps = tables["reps"], tables["opportunities"]
    first = reps["rep_id"].iloc[1]
    replaced = {
        "team": str(reps.loc[reps["rep_id"] == first, "team"].iloc[0]),
        "rep_id": str(first),
        "name": str(reps["rep_id"].iloc[2]),
        "region": str(reps.loc[reps["rep_id"] == first, "region"].iloc[0]),
        "product": _most_common(opps["product"]),
        "lost_reason": _most_common(opps["lost_reason"]),
        "competitor": _most_common(opps["competitor"]),
        "account_id": _most_common(opps["account_id"]),
        "title": str(tables["training_catalog"]["module_id"].iloc[0]),
    }
    for name, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            continue
        for column in ("team", "region", "product", "lost_reason", "competitor", "account_id", "rep_id",
                       "mentor_id", "manager_id"):
            field = "rep_id" if column in ("mentor_id", "manager_id") else column
            if field in replaced and field != "title" and column in frame.columns:
                frame = _replace(frame, column, replaced[field], PAYLOADS[field])
        tables[name] = frame
    targets = tables["targets"]
    for field in ("rep_id", "team", "region"):
        targets = _replace(targets, "entity_id", replaced[field], PAYLOADS[field])
    tables["targets"] = targets
    reps = tables["reps"]
    tables["reps"] = reps.assign(name=reps["name"].where(reps["rep_id"] != replaced["name"], PAYLOADS["name"]))
    catalog = tables["training_catalog"]
    tables["training_catalog"] = catalog.assign(
        title=catalog["title"].where(catalog["module_id"] != replaced["title"], PAYLOADS["title"]))
    return tables, replaced


def write_hostile_folder(folder: Path) -> dict:
    """Write :func:`hostile_tables` as a data folder; returns what each payload replaced."""
    from workbench.sample.writer import write_tables

    tables, replaced = hostile_tables()
    write_tables(tables, folder)
    return replaced


register(HostileCase(
    name="html-script-payloads",
    area="html",
    write=write_hostile_folder,
    expect="every app panel shows each payload as literal text, escaped once; in a browser no script runs",
))
