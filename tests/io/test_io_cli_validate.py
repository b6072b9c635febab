"""``workbench validate``: report on stdout, exit codes 0 / 1 / 2, quarantine export."""

from __future__ import annotations

import pandas as pd
import pytest
from io_tables import OPPORTUNITIES_CSV

from workbench.cli import main


def test_valid_folder_exits_0_and_prints_counts(valid_folder, capsys):
    assert main(["validate", str(valid_folder)]) == 0
    out = capsys.readouterr().out
    assert f"Data-quality report for {valid_folder}" in out
    assert "No rows quarantined." in out
    line = next(l for l in out.splitlines() if l.startswith("opportunities"))
    assert line.split()[:4] == ["opportunities", "4", "4", "0"]
    assert "stages (funnel order): Lead > Demo" in out


def test_quarantined_rows_still_exit_0_and_can_be_written(valid_folder, tmp_path, capsys):
    text = OPPORTUNITIES_CSV.replace(",800,", ",-800,").replace("2026-02-01,Lead", "someday,Lead")
    (valid_folder / "opportunities.csv").write_text(text, encoding="utf-8")
    out_file = tmp_path / "out" / "quarantine.csv"
    assert main(["validate", str(valid_folder), "--quarantine-out", str(out_file), "--examples", "1"]) == 0
    out = capsys.readouterr().out
    assert "Quarantined rows: 5" in out
    assert "opportunities / value out of range (e.g. negative amount): 1" in out
    assert "row 3, amount='-800': negative amount" in out
    assert "row 5, created_at='someday': unparseable date" in out
    written = pd.read_csv(out_file, dtype=str, encoding="utf-8-sig")
    assert written.columns.tolist() == ["table", "file", "row", "column", "value", "reason", "check"]
    assert len(written) == 5  # O2 and O4 rejected; O2's 2 and O4's 1 stage-history rows cascade
    assert f"written to {out_file}" in out


def test_file_level_error_exits_1_with_message_on_stderr(valid_folder, capsys):
    (valid_folder / "reps.csv").write_text("rep_id,name\nR1,Ann\n", encoding="utf-8")
    assert main(["validate", str(valid_folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "reps.csv" in captured.err and "missing required column 'team'" in captured.err
    assert "Traceback" not in captured.err


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2
    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_help_mentions_exit_codes(capsys):
    with pytest.raises(SystemExit):
        main(["validate", "--help"])
    assert "Exit status: 0 when the data loaded" in capsys.readouterr().out


def test_crm_export_with_a_preset(capsys):
    from pathlib import Path

    export = Path(__file__).parent / "crm" / "fixtures" / "salesforce_opportunities.csv"
    assert main(["validate", str(export), "--preset", "salesforce"]) == 0
    out = capsys.readouterr().out
    assert "Data-quality report" in out
    line = next(l for l in out.splitlines() if l.startswith("opportunities"))
    assert int(line.split()[1].replace(",", "")) > 0


def test_unknown_preset_exits_1(valid_folder, capsys):
    assert main(["validate", str(valid_folder), "--preset", "no-such-crm"]) == 1
    assert "no-such-crm" in capsys.readouterr().err


def test_lang_zh_prints_the_report_in_chinese_and_writes_reason_zh(tmp_path, capsys):
    from io_tables import write_dirty_folder

    folder = write_dirty_folder(tmp_path / "dirty")
    out_file = tmp_path / "quarantine.csv"
    assert main(["validate", str(folder), "--lang", "zh", "--no-cache", "--quarantine-out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"数据质量报告：{folder}\n")
    assert "opportunities / 数值超出范围（如金额为负）：2" in out
    assert "第 3 行，amount='-800'：amount 为负数" in out
    assert f"被隔离的行已写入 {out_file}" in out
    assert "Data-quality" not in out and "Quarantined" not in out and "row 3" not in out
    written = pd.read_csv(out_file, dtype=str, encoding="utf-8-sig")
    assert written.columns.tolist() == ["table", "file", "row", "column", "value", "reason", "reason_zh", "check"]
    assert written.loc[written["row"] == "3", ["reason", "reason_zh"]].values.tolist() == [["negative amount",
                                                                                            "amount 为负数"]]


def test_lang_en_is_the_default_output_and_a_bad_language_is_a_usage_error(tmp_path, capsys):
    from pathlib import Path

    from io_tables import write_dirty_folder

    folder = write_dirty_folder(tmp_path / "dirty")
    golden = (Path(__file__).parent / "golden" / "summary_en.txt").read_text(encoding="utf-8")
    assert main(["validate", str(folder), "--no-cache"]) == 0
    default = capsys.readouterr().out
    assert main(["validate", str(folder), "--no-cache", "--lang", "en"]) == 0
    assert capsys.readouterr().out == default == golden.replace("{folder}", str(folder)) + "\n"
    with pytest.raises(SystemExit) as exc:
        main(["validate", str(folder), "--lang", "fr"])
    assert exc.value.code == 2 and "invalid choice: 'fr'" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing"), "--lang", "zh"]) == 2
    assert capsys.readouterr().err.strip() == f"workbench validate：错误：{tmp_path / 'missing'}：文件或文件夹不存在"
