"""Data to upload in the picker tests: a small sample whose reps are U001, U002, ... (never in the default data)."""

from __future__ import annotations

import io
import zipfile

from workbench.sample import generate_sample

#: The ids of the uploaded reps.
UPLOADED_REPS = ["U001", "U002", "U003", "U004"]


def uploaded_tables(seed: int = 4) -> dict:
    """A 4-rep sample with its reps renamed R00n -> U00n in every table (targets included)."""
    tables = generate_sample(n_reps=len(UPLOADED_REPS), months=8, seed=seed)
    renamed = {f"R{i:03d}": rep for i, rep in enumerate(UPLOADED_REPS, start=1)}
    out = {}
    for name, frame in tables.items():
        if name in ("planted_drivers", "training_effects"):
            continue  # the simulation's answer key, not data
        if "rep_id" in frame.columns:
            frame = frame.assign(rep_id=frame["rep_id"].replace(renamed))
        if name == "targets":
            frame = frame.assign(entity_id=frame["entity_id"].replace(renamed))
        out[name] = frame
    return out


def zip_of_csvs(tables: dict, *, folder: str = "", extra: dict | None = None) -> bytes:
    """The tables as ``<folder>/<table>.csv`` in a zip, plus ``extra`` members (name -> bytes)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{folder}{name}.csv", frame.to_csv(index=False))
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()
