"""`workbench import` end to end: exports → contract folder → load → KPIs."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import workbench
from workbench import kpi
from workbench.cli import main
from workbench.io.crm import import_files

FIXTURES = Path(__file__).parent / "fixtures"


def test_import_salesforce_then_load_and_compute_bookings(tmp_path, capsys):
    out = tmp_path / "data"
    code = main(["import", "--preset", "salesforce", str(FIXTURES / "salesforce_opportunities.csv"),
                 "--activities", str(FIXTURES / "salesforce_activities.csv"), "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Import report — mapping 'salesforce'" in printed and f"to {out}" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == ["activities.csv", "opportunities.csv", "quality_report.txt", "quarantine.csv", "reps.csv",
                     "skipped_rows.csv", "stages.csv"]
    quarantine = pd.read_csv(out / "quarantine.csv")
    assert quarantine["value"].tolist() == ["31/31/2026"]
    skipped = pd.read_csv(out / "skipped_rows.csv")
    assert (skipped["reason"] == "footer line").sum() == 8
    assert "Grand Totals (10 records)" in (out / "quality_report.txt").read_text(encoding="utf-8")

    data = workbench.load(out)
    assert data.rows_loaded == {"reps": 3, "opportunities": 9, "activities": 6}
    assert data.quarantine.empty
    assert data.stages == ("Qualification", "Proposal/Price Quote", "Negotiation/Review")
    bookings = kpi.compute_kpis(data, by="company", freq="M", metrics=["bookings"])
    by_month = dict(zip(bookings["period"].dt.strftime("%Y-%m"), bookings["value"]))
    # won: Stark 25,000 (Jan 31); Acme 12,000 (Mar 5) + Initech 5,000 (Mar 20) + Soylent 0 (Mar 10)
    assert by_month["2026-01"] == pytest.approx(25000)
    assert by_month["2026-03"] == pytest.approx(17000)
    assert sum(by_month.values()) == pytest.approx(42000)


def test_import_jiandaoyun_by_headers_and_reload(tmp_path, capsys):
    out = tmp_path / "data"
    code = main(["import", "--preset", "jiandaoyun", str(FIXTURES / "jiandaoyun_商机.csv"),
                 str(FIXTURES / "jiandaoyun_跟进记录.csv"), "--out", str(out), "-q"])
    assert code == 0
    data = workbench.load(out)
    assert len(data.activities) == 8 and len(data.opportunities) == 8
    bookings = kpi.compute_kpis(data, by="rep", freq="Q", metrics=["bookings"])
    q1 = bookings[bookings["period"] == pd.Timestamp("2026-01-01")].set_index("entity_id")["value"]
    assert q1["张伟"] == pytest.approx(120000) and q1["王芳"] == pytest.approx(30000) and q1["李娜"] == pytest.approx(9800)


def test_load_reads_an_export_directly_with_a_preset():
    data = workbench.load(FIXTURES / "hubspot_deals.csv", preset="hubspot")
    assert len(data.opportunities) == 8 and data.has("reps")
    data = workbench.load([FIXTURES / "zoho_deals.csv"], preset="zoho")
    assert data.rows_read["opportunities"] == 8 and len(data.opportunities) == 7


def test_mapping_errors_exit_with_code_1_and_a_message(tmp_path, capsys):
    mapping = tmp_path / "bad.toml"
    mapping.write_text("[tables.opportunities.columns]\nstage = 'Stagee'\n", encoding="utf-8")
    code = main(["import", "--mapping", str(mapping), str(FIXTURES / "hubspot_deals.csv"), "--out", str(tmp_path / "o")])
    assert code == 1
    err = capsys.readouterr().err
    assert "bad.toml:" in err and "'stage' refers to column 'Stagee'" in err


def test_usage_errors_and_list_presets(tmp_path, capsys):
    assert main(["import", str(FIXTURES / "hubspot_deals.csv"), "--out", str(tmp_path)]) == 2
    assert "give --preset NAME or --mapping FILE.toml" in capsys.readouterr().err
    assert main(["import", "--preset", "hubspot", str(FIXTURES / "hubspot_deals.csv")]) == 2
    assert main(["import", "--list-presets"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in ("salesforce", "hubspot", "zoho", "jiandaoyun"))


def test_stage_history_report_and_forced_tables(tmp_path):
    out = tmp_path / "data"
    history = tmp_path / "report1712.csv"  # a name no glob recognises
    history.write_bytes((FIXTURES / "salesforce_opportunity_history.csv").read_bytes())
    code = main(["import", "--preset", "salesforce", str(FIXTURES / "salesforce_opportunities.csv"),
                 "--table", "stage_history", str(history), "--out", str(out), "-q"])
    assert code == 0
    data = workbench.load(out)
    history_rows = data.stage_history
    assert len(history_rows) == 5 and history_rows["opportunity_id"].nunique() == 2
    won = data.opportunities[data.opportunities["amount"] == 12000]["opportunity_id"].iloc[0]
    assert history_rows[history_rows["opportunity_id"] == won]["stage"].tolist() == [
        "Prospecting", "Proposal/Price Quote", "Closed Won"]


def test_history_file_is_recognised_by_its_name():
    result = import_files(
        [FIXTURES / "salesforce_opportunities.csv", FIXTURES / "salesforce_opportunity_history.csv"], preset="salesforce")
    assert result.data.rows_read == {"reps": 3, "opportunities": 10, "stage_history": 5}


def test_writing_into_a_folder_with_other_tables_is_refused(tmp_path, capsys):
    out = tmp_path / "data"
    out.mkdir()
    (out / "activities.csv").write_text("activity_id\n", encoding="utf-8")
    code = main(["import", "--preset", "hubspot", str(FIXTURES / "hubspot_deals.csv"), "--out", str(out), "-q"])
    assert code == 1
    err = capsys.readouterr().err
    assert "already holds activities.csv, which this import does not write" in err
    assert not (out / "opportunities.csv").exists()
    # re-importing into a folder written by the same import is fine
    out2 = tmp_path / "again"
    assert main(["import", "--preset", "hubspot", str(FIXTURES / "hubspot_deals.csv"), "--out", str(out2), "-q"]) == 0
    assert main(["import", "--preset", "hubspot", str(FIXTURES / "hubspot_deals.csv"), "--out", str(out2), "-q"]) == 0
