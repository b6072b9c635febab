"""The five mapping files of docs/import.md, each run on its fixture export."""

import filecmp

import pytest

from tests.io.crm.cookbook import EXAMPLES, FIXTURES, MAPPINGS, ROOT, assert_accounted, fixture_writer
from workbench.io.crm import import_files

#: What each example must show, beyond rows read = loaded + quarantined.
EXPECTED = {
    "funnel": {"opportunities": 300, "deal_people": 75, "quarantined": 0},
    "price_list": {"opportunities": 119, "quarantined": 1},
    "sdr_closer": {"opportunities": 90, "deal_people": 149, "quarantined": 0},
    "stage_only": {"opportunities": 80, "quarantined": 0},
    "chinese_crm": {"opportunities": 60, "deal_people": 64, "quarantined": 0},
}


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_cookbook_mapping_imports_its_export(example):
    result = import_files([FIXTURES / example], mapping=MAPPINGS / f"{example}.toml")
    data = result.data
    assert_accounted(data)
    want = EXPECTED[example]
    assert len(data.quarantine) == want["quarantined"]
    for table in ("opportunities", "deal_people"):
        if table in want:
            assert len(data[table]) == want[table]
    assert set(data.opportunities["outcome"]) == {"open", "won", "lost"}
    assert data.opportunities["amount"].notna().all() and data.opportunities["created_at"].notna().all()


def test_the_stage_only_export_keeps_the_funnel_order_and_every_stage():
    data = import_files([FIXTURES / "stage_only"], mapping=MAPPINGS / "stage_only.toml").data
    assert data.stages == ("New", "Qualified", "Demo Scheduled", "Proposal Sent")
    outcome = data.opportunities.groupby("stage")["outcome"].first().to_dict()
    assert outcome["Closed - Lost (no decision)"] == "lost" and outcome["Won (verbal)"] == "won"
    assert outcome["Disqualified"] == "lost" and outcome["New"] == "open"


def test_the_chinese_export_reads_gbk_yuan_amounts_and_chinese_dates():
    import pandas as pd

    raw = pd.read_csv(FIXTURES / "chinese_crm" / "商机.csv", encoding="gbk", dtype=str, keep_default_na=False)
    data = import_files([FIXTURES / "chinese_crm"], mapping=MAPPINGS / "chinese_crm.toml").data
    opps = data.opportunities.set_index("opportunity_id")
    first = raw.iloc[0]
    assert opps.at[first["商机编号"], "amount"] == float(first["商机金额"].lstrip("￥").replace(",", ""))
    y, rest = first["创建时间"].split("年")
    m, d = rest.rstrip("日").split("月")
    assert opps.at[first["商机编号"], "created_at"] == pd.Timestamp(int(y), int(m), int(d))
    assert {"刘洋", "陈静"} <= set(data.reps["name"])
    assert set(data.deal_people["role"]) == {"collaborator"}


def test_the_committed_fixtures_are_what_the_script_writes(tmp_path):
    written = fixture_writer().write_all(tmp_path)
    assert len(written) == 7
    for path in written:
        committed = FIXTURES / path.relative_to(tmp_path)
        assert filecmp.cmp(path, committed, shallow=False), committed


def test_the_cookbook_page_shows_every_mapping_and_the_readme_links_it():
    page = (ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    for example in EXAMPLES:
        assert f"docs/examples/import/{example}.toml" in page
        body = (MAPPINGS / f"{example}.toml").read_text(encoding="utf-8")
        assert body in page  # the page quotes the file as it is
    assert "docs/import.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_cli_imports_a_joined_funnel_with_an_export_date_and_load_reads_deal_people_back(tmp_path, capsys):
    from workbench.cli import main
    from workbench.io import load

    out = tmp_path / "data"
    code = main(["import", "--mapping", str(MAPPINGS / "funnel.toml"), str(FIXTURES / "funnel" / "leads.csv"),
                 str(FIXTURES / "funnel" / "closed_deals.csv"), "--export-date", "2026-01-01", "--out", str(out), "-q"])
    assert code == 0, capsys.readouterr().err
    assert (out / "deal_people.csv").exists()
    data = load(out)
    assert len(data.deal_people) == 75 and len(data.opportunities) == 300
    assert "export_date = 2026-01-01 (given in the mapping or the import call)" in \
        (out / "quality_report.txt").read_text(encoding="utf-8")
    assert data.opportunities["outcome"].value_counts()["lost"] < 205  # the default (latest date) gives 205
