"""Small handmade tables and helpers for the io tests (raw strings, as read from files).

The fixtures built from them live in ``conftest.py``; test modules import the constants
and helpers from here (a module with a unique name, unlike ``conftest``).
"""

from __future__ import annotations

import pandas as pd

REPS_CSV = (
    "rep_id,name,team,region,manager_id,hire_date\n"
    "R1,Ann Lee,East,North,M1,2024-01-15\n"
    "R2,Bo Chen,East,North,M1,2024-03-01\n"
    "R3,Cy Diaz,West,South,,\n"
)
OPPORTUNITIES_CSV = (
    "opportunity_id,rep_id,account_id,product,created_at,stage,amount,closed_at,outcome\n"
    "O1,R1,A1,Pro,2026-01-05,Closed Won,1200,2026-02-01,won\n"
    "O2,R1,A2,Basic,2026-01-10,Demo,800,,open\n"
    "O3,R2,A3,Pro,2026-01-12,Closed Lost,500,2026-02-20,lost\n"
    "O4,R3,A4,Basic,2026-02-01,Lead,300,,open\n"
)
STAGE_HISTORY_CSV = (
    "opportunity_id,stage,entered_at\n"
    "O1,Lead,2026-01-05\n"
    "O1,Demo,2026-01-10\n"
    "O1,Closed Won,2026-02-01\n"
    "O2,Lead,2026-01-10\n"
    "O2,Demo,2026-01-20\n"
    "O3,Lead,2026-01-12\n"
    "O3,Closed Lost,2026-02-20\n"
    "O4,Lead,2026-02-01\n"
)


def frame(text: str) -> pd.DataFrame:
    """A CSV text as a DataFrame of strings with a 0-based index (like a dict input)."""
    import io

    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def assert_no_row_lost(data) -> None:
    """rows read = rows loaded + rows quarantined, for every provided table."""
    q = data.quarantine
    for table, read in data.rows_read.items():
        loaded = len(data[table])
        quarantined = int((q["table"] == table).sum())
        assert read == loaded + quarantined, (table, read, loaded, quarantined)


#: A folder's worth of tables with one row failing each row-level check (and an ignored
#: column and file), for the data-quality report in both languages.
DIRTY_REPS_CSV = (
    "rep_id,name,team,region,manager_id,hire_date,nickname\n"
    "R1,Ann Lee,East,North,M1,2024-01-15,a\n"
    "R2,Bo Chen,East,North,M1,2024-03-01,b\n"
    "R2,Dup,East,North,,,c\n"
    "R4,Bad Date,West,South,,1850-01-01,d\n"
)
DIRTY_OPPORTUNITIES_CSV = (
    "opportunity_id,rep_id,account_id,product,created_at,stage,amount,closed_at,outcome\n"
    "O1,R1,A1,Pro,2026-01-05,Closed Won,1200,2026-02-01,won\n"
    "O2,R1,A2,Basic,2026-01-10,Demo,-800,,open\n"
    "O3,R9,A3,Pro,2026-01-12,Closed Lost,500,2026-02-20,lost\n"
    "O4,R4,A4,Basic,2026-02-01,Lead,300,,open\n"
    "O5,R1,A4,Basic,not a date,Lead,300,,open\n"
    "O6,R1,A4,Basic,2026-02-01,Lead,lots,,open\n"
    "O7,R1,A4,Basic,2026-02-01,Lead,300,,maybe\n"
    "O8,R1,A4,Basic,2026-02-05,Lead,300,2026-01-01,won\n"
    "O9,R1,A4,Basic,2026-02-05,Lead,300,,won\n"
    "O10,R1,A4,Basic,2026-02-05,Lead,300,2026-03-01,open\n"
    "O11,R1,A4,Basic,2026-02-05,Lead,300,,open,extra\n"
    "O1,R1,A4,Basic,2026-02-05,Lead,300,,open\n"
    "O12,R1,A4,Basic,2026-02-05,Lead,2e16,,open\n"
    ",R1,A4,Basic,2026-02-05,Lead,3,,open\n"
)


def write_dirty_folder(folder):
    """Write the dirty tables (and a file that is not a table) into ``folder``; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "reps.csv").write_text(DIRTY_REPS_CSV, encoding="utf-8")
    (folder / "opportunities.csv").write_text(DIRTY_OPPORTUNITIES_CSV, encoding="utf-8")
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return folder
