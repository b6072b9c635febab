"""The import report (``render_report``, ``workbench import --lang``) in English and Chinese."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.io.crm import import_files
from workbench.messages import MESSAGES

FIXTURES = Path(__file__).parent / "fixtures"
GOLDEN = Path(__file__).parent / "golden"
SALESFORCE = [FIXTURES / "salesforce_opportunities.csv"]
ACTIVITIES = {"activities": [FIXTURES / "salesforce_activities.csv"]}


def _headings(prefix: str = "import.") -> list[str]:
    """The English words of the report's own headings and labels (literal parts of its catalogue keys)."""
    out = set()
    for key, entry in MESSAGES.items():
        if key.startswith(prefix):
            for literal, _, _, _ in string.Formatter().parse(entry["en"]):
                for part in re.split(r"[{}();:,→]", literal):
                    part = part.strip(" .")
                    if re.search(r"[A-Za-z]{3,}", part) and " " in part and part not in entry["zh"]:
                        out.add(part)  # phrases: one-word headings are checked as lines
    return sorted(out)


def _left(text: str, words) -> list[str]:
    return [w for w in words if re.search(rf"(?<![A-Za-z_.]){re.escape(w)}(?![A-Za-z_])", text)]


@pytest.fixture(scope="module")
def reports():
    return {lang: import_files(SALESFORCE, preset="salesforce", tables=ACTIVITIES, lang=lang).report
            for lang in ("en", "zh")}


def test_the_english_report_is_unchanged_byte_for_byte(reports):
    assert reports["en"] == (GOLDEN / "import_salesforce_en.txt").read_text(encoding="utf-8")
    assert import_files(SALESFORCE, preset="salesforce", tables=ACTIVITIES).report == reports["en"]


def test_the_chinese_report_has_its_headings_labels_and_reasons_in_chinese(reports):
    zh, en = reports["zh"], reports["en"]
    headings = _headings() + _headings("quality.")
    assert _left(zh, headings) == [] and len(_left(en, headings)) > 10
    lines = {"Files", "Columns", "Warnings", "Derived and mapped"}
    assert lines <= set(en.splitlines()) and not lines & set(zh.splitlines())
    assert not re.search(r"stage +outcome +loaded +quarantined", zh)  # the words of the importer's own notes
    # and warnings are not the report's: they stay as written (see docs/import.md)
    for text in ("导入报告 — 映射 'salesforce'", "\n文件\n", "\n列\n", "阶段 → 结果", "赢单金额：42,000.00，共 4 笔",
                 "跳过 4 行空行；5 行页脚行", "第 14 行：页脚行：Grand Totals", "数据质量报告：",
                 "无法把列 'Created Date' 中的 '31/31/2026' 读作日期"):
        assert text in zh, text
    # the same tables, counts and amounts
    numbers = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?(?![\w.])")
    assert sorted(numbers.findall(en)) == sorted(numbers.findall(zh))


def test_import_lang_zh_prints_and_writes_the_chinese_report(tmp_path, capsys):
    out = tmp_path / "data"
    assert main(["import", "--preset", "salesforce", *map(str, SALESFORCE), "--activities",
                 str(FIXTURES / "salesforce_activities.csv"), "--out", str(out), "--lang", "zh"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("导入报告 — 映射 'salesforce'") and printed.endswith(f"已将 7 个文件写入 {out}\n")
    assert "Import report" not in printed and "wrote " not in printed
    assert (out / "quality_report.txt").read_text(encoding="utf-8").startswith("导入报告")
    assert "reason_zh" not in (out / "quarantine.csv").read_text(encoding="utf-8")  # the data files are the same


def test_import_quiet_zh_lists_ignored_files_in_chinese(tmp_path, capsys):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "salesforce_opportunities.csv").write_bytes(SALESFORCE[0].read_bytes())
    (folder / "readme.txt").write_text("not an export\n", encoding="utf-8")
    (folder / "~$lock.xlsx").write_bytes(b"")
    code = main(["import", "--preset", "salesforce", str(folder), "--out", str(tmp_path / "data"), "-q", "--lang", "zh"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "已忽略 ~$lock.xlsx：隐藏文件或 Excel 锁定文件（~$...）" in printed
    assert re.search(r"忽略了 \d+ 个文件（见 quality_report.txt）", printed)


def test_usage_errors_in_chinese_and_a_bad_language(tmp_path, capsys):
    assert main(["import", "--preset", "salesforce", "--lang", "zh"]) == 2
    assert capsys.readouterr().err.strip() == "workbench import：请至少给出一个导出文件"
    assert main(["import", "--preset", "salesforce", str(SALESFORCE[0])]) == 2
    assert capsys.readouterr().err.strip() == "workbench import: give --out DIR, the folder to write the tables to"
    with pytest.raises(SystemExit) as exc:
        main(["import", "--preset", "salesforce", str(SALESFORCE[0]), "--lang", "fr"])
    assert exc.value.code == 2
    with pytest.raises(ValueError, match="The 'lang' parameter of import_files must be one of 'en', 'zh'"):
        import_files(SALESFORCE, preset="salesforce", lang="fr")
