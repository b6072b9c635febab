"""Every command that prints words prints them in English and in Chinese (``--lang zh``), with
the same numbers, written per unit and never in scientific notation.

Each command runs twice on one small sample (``--lang en`` and ``--lang zh``). The English
heading and column words to look for are built from the English run: the words of the CLI
catalogue (``cli.*`` in :mod:`workbench.messages`) that the English run printed. Words that
are data (names, teams, stage names, module titles, plan names …) or command-line syntax
(``--explain``, ``kpis.csv``) are not headings and may appear in both.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from workbench.cli import main
from workbench.contract import TABLE_NAMES
from workbench.messages import MESSAGES
from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "docs" / "example_plan.toml"
PERIOD = "2026-Q1"

#: A number written in scientific notation (``3.158400e+06``, ``1E-5``).
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][+-]?\d+\b")
#: A number as printed: optional sign, thousands separators, decimals, percent.
NUMBER = re.compile(r"(?<![\d.])[-+]?\d+(?:,\d{3})*(?:\.\d+)?%?")
WORD = re.compile(r"[A-Za-z][A-Za-z_]{2,}")
#: Command-line syntax, file names, acronyms (SMART, MASE, AUC) and the formula's max(): the
#: same in both languages.
SYNTAX = re.compile(r"--?[a-z][a-z-]*|\S*\.(?:csv|parquet|xlsx|html|toml)\b|\b[A-Z]{2,}\b|\bmax\(")

#: Each command (without ``--lang``).
COMMANDS = {
    "kpi": ["kpi", "{src}", "--by", "company,team", "--freq", "Q", "--rows", "60"],
    "kpi_wide": ["kpi", "{src}", "--by", "team", "--freq", "Q", "--wide", "--rows", "10",
                 "--metrics", "bookings,win_rate,cycle_days_median,stage_conversion"],
    "diagnose": ["diagnose", "{src}", "--period", PERIOD],
    "coach": ["coach", "{src}", "--period", PERIOD, "--top", "8"],
    "targets": ["targets", "{src}", "--period", "2026-07", "--by", "team"],
    "payout": ["payout", "{src}", "--plan", str(PLAN), "--period", PERIOD],
    "forecast": ["forecast", "{src}", "--by", "team", "--freq", "M", "--h", "1", "--windows", "1",
                 "--models", "naive", "--no-headline"],
    "validate": ["validate", "{src}", "--no-cache"],
}
#: Catalogue keys whose words a command prints besides the ``cli.*`` ones (the data-quality report).
CATALOGUE = {"validate": ("quality.",)}
#: Names a command prints as they are: the data-quality report lists the contract tables by name.
IDENTIFIERS = {"validate": {t.lower() for t in TABLE_NAMES}}

#: Text left out of the number comparison, in both runs: the coaching "why" column is cut
#: to fit a terminal at other places in the two languages; the forecast's English column
#: names carry the interval level (forecast-lo-80) that the Chinese headers write as 80%.
ASIDE = {"coach": re.compile(r"(?m)(?<=TM\d\d) .*$"), "forecast": re.compile(r"forecast-(?:lo|hi)-80|80% [下上]限")}



@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, n_reps=16, months=18, seed=5)
    return out


@pytest.fixture(scope="module")
def data_words(source) -> set[str]:
    """Every word of the sample's text cells and of the plan's names: data, shown as it is."""
    words = set()
    for path in source.glob("*.csv"):
        frame = pd.read_csv(path, dtype=str)
        for column in frame.columns:
            words |= {w.lower() for cell in frame[column].dropna().unique() for w in WORD.findall(cell)}
    words |= {w.lower() for w in WORD.findall(PLAN.read_text(encoding="utf-8"))}
    words |= {w.lower() for w in WORD.findall((ROOT / "docs" / "example_plan_flat.toml").read_text(encoding="utf-8"))}
    stages = pd.read_parquet(source / "stage_history.parquet", columns=["stage"])["stage"].unique()
    words |= {w.lower() for s in stages for w in WORD.findall(str(s))}
    return words


@pytest.fixture(scope="module")
def runs(source):
    """``name -> (English stdout, Chinese stdout)`` for every command."""
    out = {}
    capture = _Capture()
    for name, argv in COMMANDS.items():
        out[name] = tuple(capture(lambda lang: main([a.replace("{src}", str(source)) for a in argv]
                                                    + ["--lang", lang]), lang) for lang in ("en", "zh"))
    return out


class _Capture:
    """Run a command with stdout captured (module-scoped fixtures cannot use ``capsys``)."""

    def __call__(self, call, lang: str) -> str:
        import contextlib
        import io

        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            assert call(lang) == 0
        return buffer.getvalue()


def _catalogue_words(name: str = "") -> set[str]:
    words = set()
    for key, entry in MESSAGES.items():
        if key.startswith(("cli.", *CATALOGUE.get(name, ()))):
            text = re.sub(r"\{[^}]*\}", " ", entry["en"])
            words |= {w.lower() for w in WORD.findall(SYNTAX.sub(" ", text))}
    return words


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(SYNTAX.sub(" ", text))}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_number_in_scientific_notation(runs, name):
    for text in runs[name]:
        assert not SCIENTIFIC.search(text), SCIENTIFIC.search(text).group(0)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_chinese_run_prints_no_english_heading_or_column(runs, name, data_words, source):
    en, zh = runs[name]
    headings = (_catalogue_words(name) & _words(en)) - data_words - IDENTIFIERS.get(name, set()) - _words(str(source))
    assert len(headings) >= 3, headings  # the English run did print its headings
    left = sorted(headings & _words(zh))
    assert not left, f"English words in `workbench {name} --lang zh`: {left}\n{zh[:3000]}"
    assert re.search(r"[\u4e00-\u9fff]", zh)


def _without_kpi_names(text: str) -> str:
    """``text`` without KPI keys and labels: names with digits ("Touched within 24 h"), not figures."""
    from workbench.kpi import KPIS

    names = sorted({n for k in KPIS.values() for n in (k.key, k.label_en, k.label_zh)}, key=len, reverse=True)
    return re.sub("|".join(map(re.escape, names)), " ", text)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_chinese_run_prints_the_english_runs_numbers(runs, name):
    en, zh = (re.sub(r"(\d) %", r"\1%", _without_kpi_names(text)) for text in runs[name])  # en: "100 % of target"
    if name in ASIDE:
        en, zh = ASIDE[name].sub("", en), ASIDE[name].sub("", zh)
    numbers_en, numbers_zh = Counter(NUMBER.findall(en)), Counter(NUMBER.findall(zh))
    assert sum(numbers_en.values()) > 10
    assert numbers_zh == numbers_en, (numbers_en - numbers_zh, numbers_zh - numbers_en)


def test_kpi_preview_writes_amounts_in_full_with_separators(runs):
    en, zh = runs["kpi"]
    amounts = re.findall(r"\b\d{1,3}(?:,\d{3}){2,}\b", en)  # a million or more: company bookings
    assert amounts and all(a in zh for a in amounts)


def test_the_file_keeps_raw_numbers(source, tmp_path):
    out = tmp_path / "kpis.csv"
    assert main(["kpi", str(source), "--by", "company", "--freq", "Q", "--lang", "zh", "-o", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(table["value"]) and table["value"].max() > 1e6


def test_catalogue_cli_keys_have_both_languages_with_the_same_fields():
    keys = [k for k in MESSAGES if k.startswith("cli.")]
    assert len(keys) > 100

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}

    for key in keys:
        entry = MESSAGES[key]
        assert set(entry) == {"en", "zh"}, key
        assert entry["en"].strip() and entry["zh"].strip(), key
        assert fields(entry["en"]) == fields(entry["zh"]), key


def test_errors_are_in_the_chosen_language(tmp_path, capsys):
    assert main(["kpi", str(tmp_path / "nowhere"), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("workbench kpi：错误：") and "文件或文件夹不存在" in err
    assert main(["payout", str(tmp_path / "nowhere"), "--plan", str(PLAN), "--period", PERIOD]) == 2
    assert "no such file or folder" in capsys.readouterr().err
