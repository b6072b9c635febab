"""``workbench payout``: preview, explanation, output file with formulas made inert, clear errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"

PLAN_TOML = """\
name = "Tiny plan"
period = "Q"
threshold = 0.5
[[tiers]]
from = 0.0
to = 1.0
rate = 0.05
[[tiers]]
from = 1.0
to = 1.2
rate = 0.08
[[tiers]]
from = 1.2
rate = 0.10
[accelerator]
above = 1.2
multiplier = 1.5
[cap]
payout = 6660.0
[[spifs]]
product = "Cloud"
per_deal = 500.0
[clawback]
window_days = 30
rate = 0.05
"""


@pytest.fixture
def source(tmp_path, tiny_data) -> Path:
    folder = tmp_path / "crm"
    folder.mkdir()
    tiny_data["reps"].assign(name=lambda f: f["name"].where(f["rep_id"] != "r3", "=HYPERLINK(\"x\")")).to_csv(
        folder / "reps.csv", index=False)
    for name in ("opportunities", "targets"):
        tiny_data[name].to_csv(folder / f"{name}.csv", index=False)
    (tmp_path / "plan.toml").write_text(PLAN_TOML, encoding="utf-8")
    return folder


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["payout", *map(str, argv)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_preview_and_summary(source, capsys):
    code, out, err = _run(capsys, source, "--plan", source.parent / "plan.toml", "--period", "2026-Q3")
    assert code == 0, err
    assert "total_payout" in out and "r6" in out
    # 4,000 + 4,050 + 6,660 + 6,660 + 0 + 1,500 = 22,870 on 396,600 bookings
    assert "6 reps, 2026-Q3, plan 'Tiny plan': total payout 22,870 = 5.8% of 396,600 bookings" in out
    assert "5 reps above the threshold, 4 at or above 100 % of target" in out


def test_explain_one_rep(source, capsys):
    code, out, _ = _run(capsys, source, "--plan", source.parent / "plan.toml", "--period", "2026-Q3",
                        "--explain", "r2")
    assert code == 0
    assert "Tier 2: 100%–120% of 60,000 target = 12,000 × 8% = 960" in out
    assert "Total payout: 4,050" in out


def test_output_file_with_clawbacks(source, capsys):
    cancelled = source.parent / "cancelled.csv"
    pd.DataFrame({"opportunity_id": ["r2-1"], "cancelled_at": ["2026-08-01"]}).to_csv(cancelled, index=False)
    output = source.parent / "payouts.csv"
    code, out, err = _run(capsys, source, "--plan", source.parent / "plan.toml", "--period", "2026-Q3",
                          "--clawbacks", cancelled, "-o", output)
    assert code == 0, err
    assert out.startswith(f"Wrote {output}: 6 reps")
    written = pd.read_csv(output, encoding="utf-8-sig")
    assert written.set_index("rep_id").loc["r2", "clawback"] == -500.0
    assert written.set_index("rep_id").loc["r3", "name"] == "'=HYPERLINK(\"x\")"  # made inert
    assert "Clawback r2-1" in written.set_index("rep_id").loc["r2", "explanation"]


@pytest.mark.parametrize("extra, code, message", [
    (["--period", "2026-07"], 2, "--period must be a quarter (2026-Q3)"),
    (["--period", "2026-Q3", "--explain", "r9"], 2, "Rep 'r9' is not in the payout table"),
    (["--period", "2026-Q3", "-o", "payouts.txt"], 2, "must end in .csv, .parquet or .xlsx"),
    (["--period", "2026-Q3", "--clawbacks", "missing.csv"], 2, "--clawbacks missing.csv: no such file"),
])
def test_clear_errors(source, capsys, extra, code, message):
    got, _, err = _run(capsys, source, "--plan", source.parent / "plan.toml", *extra)
    assert got == code
    assert err.startswith("workbench payout: error: ") and message in err


def test_invalid_plan_names_the_key(source, capsys):
    bad = source.parent / "bad.toml"
    bad.write_text(PLAN_TOML.replace("from = 1.2", "from = 1.1"), encoding="utf-8")
    code, _, err = _run(capsys, source, "--plan", bad, "--period", "2026-Q3")
    assert code == 2
    assert "workbench payout: error: invalid plan bad.toml: tiers[2].from: 1.1 overlaps tiers[1]" in err


def test_missing_source(tmp_path, capsys):
    code, _, err = _run(capsys, tmp_path / "nope", "--plan", DOCS / "example_plan.toml", "--period", "2026-Q3")
    assert code == 2 and "no such file or folder" in err


def test_compare_two_plans(source, capsys):
    flat = source.parent / "flat.toml"
    flat.write_text('name = "Flat"\nperiod = "Q"\nbase_rate = 0.06\n', encoding="utf-8")
    output = source.parent / "comparison.xlsx"
    code, out, err = _run(capsys, source, "--plan", source.parent / "plan.toml", "--compare", flat,
                          "--period", "2026-Q3", "-o", output)
    assert code == 0, err
    # flat: 6 % of 396,600 = 23,796 against 22,870 under the tiny plan
    assert "plan 'Flat': total payout 23,796 = 6.0% of 396,600 bookings" in out
    assert "difference ('Flat' − 'Tiny plan'): 926" in out
    sheets = pd.read_excel(output, sheet_name=None)
    assert list(sheets) == ["comparison", "payouts", "payouts_b"]
    comparison = sheets["comparison"].set_index("rep_id")
    assert comparison.loc["r4", "payout_a"] == 6_660.0 and comparison.loc["r4", "payout_b"] == 7_200.0
    assert comparison.loc["r4", "difference"] == 540.0
    monthly = source.parent / "monthly.toml"
    monthly.write_text('name = "Monthly"\nperiod = "M"\nbase_rate = 0.06\n', encoding="utf-8")
    code, _, err = _run(capsys, source, "--plan", source.parent / "plan.toml", "--compare", monthly,
                        "--period", "2026-Q3")
    assert code == 2 and "compare plans of the same period length" in err


def test_a_period_without_targets_is_noted(source, capsys):
    code, out, err = _run(capsys, source, "--plan", source.parent / "plan.toml", "--period", "2027-Q1")
    assert code == 0
    assert "note: no rep has a bookings target for 2027-Q1" in err
    assert "total payout 0 (no bookings)" in out


def test_explain_in_chinese(source, capsys):
    code, out, _ = _run(capsys, source, "--plan", source.parent / "plan.toml", "--period", "2026-Q3",
                        "--explain", "r1", "--lang", "zh")
    assert code == 0
    assert "产品专项奖励 Cloud：2 单 × 500 = 1,000" in out and "应发总额：4,000" in out
