"""workbench kpi: writes CSV, Parquet and Excel; previews; explains its errors."""

import math
import re

import pandas as pd
import pytest

from tests.kpi.handmade import STAGES, handmade_data
from workbench.cli import main


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """The handmade dataset as a folder of CSV files plus a stage config."""
    folder = tmp_path_factory.mktemp("handmade")
    for name, frame in handmade_data().tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    pd.DataFrame({"stage": list(STAGES), "order": [1, 2, 3]}).to_csv(folder / "stages.csv", index=False)
    return folder


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_writes_each_format(source, tmp_path, suffix, capsys):
    out = tmp_path / f"kpis{suffix}"
    argv = ["kpi", str(source), "--by", "team", "--freq", "Q", "--metrics", "bookings,stage_conversion"]
    assert main([*argv, "-o", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    table = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}[suffix](out)
    assert list(table.columns) == ["entity_type", "entity_id", "period", "metric", "detail", "value"]
    east = table[(table.entity_id == "East") & (table.metric == "bookings")]
    assert pd.to_datetime(east["period"]).max() == pd.Timestamp("2026-01-01")
    assert east["value"].iloc[-1] == pytest.approx(170.0)  # o1 100 + o3 30 + o5 40 in 2026-Q1
    conversion = table[(table.entity_id == "East") & (table.metric == "stage_conversion")]
    assert set(conversion["detail"]) == {"Lead→Demo", "Demo→Proposal", "Proposal→won"}


def test_wide_with_chinese_labels(source, tmp_path):
    out = tmp_path / "wide.csv"
    assert main(["kpi", str(source), "--by", "rep,company", "--metrics", "bookings,win_rate",
                 "--wide", "--lang", "zh", "-o", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == ["entity_type", "entity_id", "period", "签约额", "赢单率"]
    assert len(table) == 5 * 14  # 4 reps + the company, Feb 2025 .. Mar 2026
    feb = table[(table.entity_id == "r1") & (table.period == "2026-02-01")].iloc[0]
    assert feb["签约额"] == 100.0 and feb["赢单率"] == 0.5


def test_preview_without_output(source, capsys):
    assert main(["kpi", str(source), "--by", "region", "--metrics", "win_rate", "--rows", "3"]) == 0
    out = capsys.readouterr().out
    assert "win_rate" in out and "28 rows = 2 regions × 14 periods × 1 KPI." in out


def test_missing_tables_are_noted_not_fatal(tmp_path, capsys):
    data = handmade_data()
    for name in ("reps", "opportunities"):
        data[name].to_csv(tmp_path / f"{name}.csv", index=False)
    assert main(["kpi", str(tmp_path), "--by", "company", "--metrics", "bookings,csat_mean"]) == 0
    assert "csat_mean skipped: table 'surveys' is missing" in capsys.readouterr().err


def test_direct_parquet_scan(tmp_path, capsys):
    for name, frame in handmade_data().tables.items():
        frame.to_parquet(tmp_path / f"{name}.parquet")
    pd.DataFrame({"stage": list(STAGES), "order": [1, 2, 3]}).to_csv(tmp_path / "stages.csv", index=False)
    out = tmp_path / "out.parquet"
    assert main(["kpi", str(tmp_path), "--direct", "--by", "rep", "-o", str(out)]) == 0
    table = pd.read_parquet(out)
    assert "Proposal→won" in set(table["detail"])


@pytest.mark.parametrize("argv, code, message", [
    (["--by", "division"], 2, "'by' parameter"),
    (["--freq", "fortnight"], 2, "Unknown frequency"),
    (["--metrics", "bookingz"], 2, "bookingz"),
    (["-o", "kpis.json"], 2, "must end in .csv, .parquet or .xlsx"),
])
def test_usage_errors_are_explained(source, argv, code, message, capsys):
    assert main(["kpi", str(source), *argv]) == code
    assert message in capsys.readouterr().err


def test_missing_source(tmp_path, capsys):
    assert main(["kpi", str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["kpi", str(tmp_path)]) == 1  # an empty folder: reps is missing
    assert "reps" in capsys.readouterr().err


def test_list_shows_every_kpi(capsys):
    from workbench.kpi import KPIS

    assert main(["kpi", "--list"]) == 0
    out = capsys.readouterr().out
    assert all(key in out for key in KPIS)


def test_help_explains_the_output(capsys):
    with pytest.raises(SystemExit):
        main(["kpi", "--help"])
    out = capsys.readouterr().out
    assert "entity_type" in out and "-o kpis.csv" in out and "--wide" in out


def _check_arithmetic(summary: str) -> int:
    """Evaluate 'N rows = a × b × c + d × e × f (…)', check that it adds up to N and return N."""
    total, terms = re.match(r"([\d,]+) rows? = ([^(]*)", summary).groups()
    grid = terms.split(", ")[0]  # a wide table adds ", 23 KPI columns" after the sum
    products = [math.prod(int(f.split()[0].replace(",", "")) for f in term.split(" × ")) for term in grid.split(" + ")]
    assert sum(products) == int(total.replace(",", "")), summary
    return int(total.replace(",", ""))


def _summary(text: str) -> str:
    return re.search(r"^(?:Wrote \S+: )?(\d[\d,]* rows? = .*?)\.(?: Write|$)", text, re.M).group(1)


@pytest.mark.parametrize("by", ["rep", "team,company", "rep,team,region,company"])
@pytest.mark.parametrize("wide", [False, True])
def test_summary_arithmetic_holds_for_every_level_mix(source, tmp_path, by, wide, capsys):
    out = tmp_path / "kpis.csv"
    argv = ["kpi", str(source), "--by", by, "--freq", "Q", "-o", str(out)] + (["--wide"] if wide else [])
    assert main(argv) == 0
    summary = _summary(capsys.readouterr().out)
    assert _check_arithmetic(summary) == len(pd.read_csv(out))
    assert " x " not in summary
    levels = by.split(",")
    assert summary.count(" × ") == len(levels) * (1 if wide else 2)
    assert "stage conversion has 3 stage pairs" in summary  # Lead→Demo, Demo→Proposal, Proposal→won
    if wide:
        assert ", " in summary and "KPI columns" in summary.split(" + ")[-1]


def test_summary_uses_singular_and_plural(source, capsys):
    assert main(["kpi", str(source), "--by", "company", "--freq", "Y", "--metrics", "bookings", "--rows", "0"]) == 0
    summary = _summary(capsys.readouterr().out)
    assert summary == "2 rows = 1 company × 2 periods × 1 KPI"
    assert main(["kpi", str(source), "--by", "rep", "--freq", "Y", "--metrics", "bookings,win_rate",
                 "--start", "2026", "--rows", "0"]) == 0
    assert _summary(capsys.readouterr().out) == "8 rows = 4 reps × 1 period × 2 KPIs"


def test_summary_counts_stage_pairs_as_columns(source, capsys):
    assert main(["kpi", str(source), "--by", "region", "--freq", "Q",
                 "--metrics", "bookings,stage_conversion", "--rows", "0"]) == 0
    summary = _summary(capsys.readouterr().out)
    assert summary.endswith("× 4 KPI columns (2 KPIs; stage conversion has 3 stage pairs)")
    _check_arithmetic(summary)
