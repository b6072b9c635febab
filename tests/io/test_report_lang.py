"""The data-quality report (``SalesData.summary`` / ``report``) and quarantine reasons in
English and Chinese: the same numbers, no English heading, label or reason left in Chinese,
and the English text unchanged byte for byte."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pandas as pd
import pytest
from io_tables import write_dirty_folder

import workbench
from workbench.io.reasons import REASON_KEYS, render_reason, with_reason_zh
from workbench.io.sales_data import CHECK_LABELS, check_label
from workbench.messages import MESSAGES

GOLDEN = Path(__file__).parent / "golden"
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d+\b")


@pytest.fixture(scope="module")
def dirty(tmp_path_factory):
    folder = write_dirty_folder(tmp_path_factory.mktemp("wb") / "dirty")
    return workbench.load(folder, cache=False), folder


def _english_fragments(prefixes=("quality.", "reason.")) -> list[str]:
    """The English words of the report's headings, labels and reason templates (their literal parts with a
    word of three letters or more, less what the Chinese text of the same key also writes)."""
    fragments = set()
    for key, entry in MESSAGES.items():
        if not key.startswith(prefixes):
            continue
        for literal, _, _, _ in string.Formatter().parse(entry["en"]):
            for part in re.split(r"[{}():;,=]", literal):
                part = part.strip(" .'")
                if re.search(r"[A-Za-z]{3,}", part) and part not in entry["zh"] and "_" not in part:
                    fragments.add(part)
    return sorted(fragments)


def _english_left(text: str) -> list[str]:
    return [f for f in _english_fragments() if re.search(rf"(?<![A-Za-z_]){re.escape(f)}(?![A-Za-z_])", text)]


def _counts(text: str) -> list[str]:
    """The numbers of the report's table and counts (the title aside, and the examples, whose reasons
    quote values)."""
    lines = [line for line in text.splitlines()[1:] if not line.startswith("      ")]
    return re.findall(r"(?<![\w./-])\d[\d,]*(?![\w.])", "\n".join(lines))


def test_the_english_report_is_unchanged_byte_for_byte(dirty):
    data, folder = dirty
    expected = (GOLDEN / "summary_en.txt").read_text(encoding="utf-8").replace("{folder}", str(folder))
    assert data.summary() == expected
    assert data.summary(lang="en") == expected


def test_the_chinese_report_has_no_english_heading_label_or_reason_left(dirty):
    data, _ = dirty
    zh = data.summary(lang="zh")
    assert zh.startswith("数据质量报告：") and "被隔离的行：15（见 data.quarantine）" in zh
    assert _english_left(zh) == []
    assert _english_left(data.summary()) != []  # the list would catch an untranslated English report
    # 1e+15 in the stored reason is written in full (a cell quoted as it was, '2e16', is data)
    assert "='2e16'" in zh and not SCIENTIFIC.search(re.sub(r"='[^']*'", "", zh))
    assert "1,000,000,000,000,000" in zh


def test_both_languages_show_the_same_numbers(dirty):
    data, _ = dirty
    en, zh = data.summary(examples=5), data.summary(examples=5, lang="zh")
    assert _counts(en) == _counts(zh) and len(_counts(en)) >= 10
    assert len(en.splitlines()) == len(zh.splitlines())
    rows_en = re.findall(r"row (\d+)", en)
    rows_zh = re.findall(r"第 (\d+) 行", zh)
    assert sorted(rows_en) == sorted(rows_zh)


def test_report_in_chinese_keeps_its_codes_and_counts(dirty):
    data, _ = dirty
    en, zh = data.report(), data.report(lang="zh")
    pd.testing.assert_frame_equal(en[["table", "check", "count"]], zh[["table", "check", "count"]])
    assert zh["label"].tolist() == [check_label(c, "zh") for c in zh["check"]]
    assert all(re.search(r"[\u4e00-\u9fff]", label) for label in zh["label"])
    assert zh["examples"].str.startswith("第 ").all()


def test_check_labels_come_from_the_catalogue():
    assert CHECK_LABELS == {c: MESSAGES[f"quality.check.{c}"]["en"] for c in CHECK_LABELS}
    assert list(CHECK_LABELS)[:2] == ["malformed_row", "missing_value"]
    assert check_label("lookup_missing", "zh") == "查找表中缺少键"
    assert check_label("made_up_check", "zh") == "made_up_check"


def test_an_unknown_language_is_the_standard_error(dirty):
    data, _ = dirty
    with pytest.raises(ValueError, match="The 'lang' parameter of SalesData.summary must be one of 'en', 'zh'"):
        data.summary(lang="fr")
    with pytest.raises(ValueError, match="'lang' parameter of render_reason"):
        render_reason("negative amount", "de")


@pytest.mark.parametrize("key", REASON_KEYS)
def test_every_reason_template_reads_back_into_its_own_chinese(key):
    """A reason filled from a template is rendered by that template (no other one claims it)."""
    en = MESSAGES[key]["en"]
    names = {n for _, n, _, _ in string.Formatter().parse(en) if n}
    fields = {n: ("missing required value" if n == "reason" else f"V{i}x") for i, n in enumerate(sorted(names))}
    expected = MESSAGES[key]["zh"].format(**{**fields, **({"reason": "缺少必填值"} if "reason" in names else {})})
    assert render_reason(en.format(**fields), "zh") == expected


def test_reasons_of_readers_and_the_crm_importer_render_in_chinese():
    assert render_reason("line 7: row has 10 fields, the header has 9", "zh") == "第 7 行：该行有 10 个字段，表头只有 9 个"
    assert (render_reason("cannot read '31/31/2026' in column 'Created Date' as a date", "zh")
            == "无法把列 'Created Date' 中的 '31/31/2026' 读作日期")
    assert render_reason("something new: 3 things", "zh") == "something new: 3 things"  # shown as stored
    assert render_reason("", "zh") == ""


def test_with_reason_zh_adds_a_column_and_leaves_the_quarantine_alone(dirty):
    data, _ = dirty
    quarantine = data.quarantine
    before = quarantine.copy()
    out = with_reason_zh(quarantine)
    pd.testing.assert_frame_equal(quarantine, before)
    assert out.columns.tolist() == ["table", "file", "row", "column", "value", "reason", "reason_zh", "check"]
    assert out["reason"].tolist() == before["reason"].tolist()
    assert out["reason_zh"].str.contains(r"[\u4e00-\u9fff]").all()
