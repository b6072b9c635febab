"""The message catalogue: every key in English and Chinese, with the same fields to fill."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from workbench.messages import MESSAGES, message

ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_english_and_chinese_with_the_same_fields(key):
    entry = MESSAGES[key]
    assert set(entry) == {"en", "zh"}, f"{key}: languages {sorted(entry)}"
    assert entry["en"].strip() or entry["en"] == " ", f"{key}: empty English text"
    assert entry["zh"].strip() or entry["zh"] == " ", f"{key}: empty Chinese text"
    assert _fields(entry["en"]) == _fields(entry["zh"]), f"{key}: fields {_fields(entry['en'])} vs {_fields(entry['zh'])}"


def test_chinese_texts_are_chinese():
    """A Chinese text copied from the English one is a missing translation (ids and symbols aside)."""
    same = [k for k, e in MESSAGES.items()
            if e["en"] == e["zh"] and re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", e["en"]))]
    assert same == []


def test_message_fills_fields_and_names_a_missing_key():
    assert message("outlook.no_headline", "zh", entity="East 1", period="2026-11") == "2026-11 没有 East 1 的总体预测。"
    with pytest.raises(KeyError, match="no_such.key"):
        message("no_such.key")
    with pytest.raises(ValueError, match="'lang'"):
        message("app.language", "fr")


def test_every_literal_key_the_apps_and_charts_ask_for_exists():
    """``message("…")`` calls with a literal key in the apps and charts name keys of the catalogue."""
    asked = set()
    for path in [*ROOT.joinpath("workbench", "apps").glob("*.py"), *ROOT.joinpath("workbench", "charts").glob("*.py")]:
        asked |= set(re.findall(r"""message\(\s*["']([a-z_.]+)["']""", path.read_text(encoding="utf-8")))
    assert asked, "no message() call found"
    assert sorted(asked - set(MESSAGES)) == []


@pytest.mark.parametrize(("module", "prefix"), [("team_diagnosis", "diagnosis"), ("coaching", "coaching"),
                                                ("targets_whatif", "whatif"), ("forecast_outlook", "outlook")])
def test_every_word_a_panel_asks_for_exists(module, prefix):
    """A panel's ``_t("word")`` is its own ``<prefix>.word`` or the shared ``app.word``."""
    source = ROOT.joinpath("workbench", "apps", f"{module}.py").read_text(encoding="utf-8")
    words = set(re.findall(r"""\b_?t\(\s*["']([a-z_0-9]+)["']""", source))
    assert words
    missing = sorted(w for w in words if f"{prefix}.{w}" not in MESSAGES and f"app.{w}" not in MESSAGES)
    assert missing == []
