"""benchmarks/_report.py: how a benchmark script writes its section of docs/benchmarks.md."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_report", ROOT / "benchmarks" / "_report.py")
report = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report)

DAY = dt.date(2026, 12, 1)


def test_publish_replaces_only_its_own_section(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nintro\n\n<!-- bench:kpi -->\nold kpi\n<!-- /bench:kpi -->\n\nmiddle\n\n"
                   "<!-- bench:load -->\nold load\n<!-- /bench:load -->\n\nend\n", encoding="utf-8")
    report.publish("kpi", "| a |\n|---|\n| 1 |\n", path=doc, command="python benchmarks/kpi_bench.py", today=DAY)
    text = doc.read_text(encoding="utf-8")
    assert "old kpi" not in text and "| 1 |" in text
    assert "old load" in text and "intro" in text and "middle" in text and text.endswith("end\n")
    assert report.sections(text) == ["kpi", "load"]
    section = text[text.index("<!-- bench:kpi -->"):text.index("<!-- /bench:kpi -->")]
    assert "_Measured 2026-12-01 on " in section and "cores" in section
    assert "command: `python benchmarks/kpi_bench.py`" in section


def test_publish_twice_gives_the_same_page(tmp_path):
    doc = tmp_path / "benchmarks.md"
    for _ in range(2):
        report.publish("sample", "figures", path=doc, command="python benchmarks/sample_bench.py", today=DAY)
    first = doc.read_text(encoding="utf-8")
    report.publish("sample", "figures", path=doc, command="python benchmarks/sample_bench.py", today=DAY)
    assert doc.read_text(encoding="utf-8") == first
    assert first.count("<!-- bench:sample -->") == 1


def test_publish_creates_the_page_and_appends_missing_sections(tmp_path):
    doc = tmp_path / "docs" / "benchmarks.md"
    report.publish("import", "A", path=doc, command="c1", today=DAY)
    report.publish("forecast", "B", path=doc, command="c2", today=DAY)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Benchmarks")
    assert report.sections(text) == ["import", "forecast"]


def test_publish_keeps_replacement_text_literally(tmp_path):
    doc = tmp_path / "benchmarks.md"
    report.publish("diagnose", r"a \1 backslash and \g<0>", path=doc, command="c", today=DAY)
    assert r"a \1 backslash and \g<0>" in doc.read_text(encoding="utf-8")


def test_publish_rejects_a_bad_name(tmp_path):
    with pytest.raises(ValueError, match="'name' parameter of publish"):
        report.publish("KPI bench", "x", path=tmp_path / "b.md")


def test_command_line_is_relative_to_the_repository():
    argv = [str(ROOT / "benchmarks" / "kpi_bench.py"), "--reps", "200"]
    assert report.command_line(argv) == "python benchmarks/kpi_bench.py --reps 200"


def test_markdown_table():
    assert report.table(["model", "time"], [["a", "1.0 s"]]) == "| model | time |\n| --- | ---: |\n| a | 1.0 s |"
