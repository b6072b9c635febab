"""The KPI scorecard app in 中文, served by Voila and drawn in headless Chromium.

Switching the page's language picker to 中文 leaves no known English chart title in the
charts' SVG (the known titles are those the same panel draws in English on the same data,
in process), and a screenshot of the Chinese page is saved. With a CJK font installed
(``fc-list :lang=zh``; CI installs Debian's ``fonts-noto-cjk``) the Chinese characters of
the charts are drawn as glyphs, not as the empty boxes of a missing font; on CI a missing
font fails the test, naming the package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.apps.language import panel_labels
from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
#: Every text drawn in the charts' SVG (titles, axes, legends, labels).
SVG_TEXTS = "() => [...document.querySelectorAll('.vega-embed svg text')].map(t => t.textContent.trim())"
#: A Chinese KPI label the scorecard's charts show in 中文 (bookings, the default chart).
ZH_BOOKINGS = "签约额"
FONT_PACKAGE = "fonts-noto-cjk"
#: True once every chart on the page draws some Chinese text.
ALL_CHARTS_CHINESE = ("() => { const charts = [...document.querySelectorAll('.vega-embed svg.marks')];"
                      " return charts.length > 0 && charts.every(svg => /[\\u4e00-\\u9fff]/.test(svg.textContent)); }")


@pytest.fixture(scope="module")
def scorecard_app(serve_voila, tmp_path_factory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("language_app")
    write_sample(folder / "data", n_reps=8, months=6, seed=3)
    base = serve_voila(ROOT / "apps", {"WORKBENCH_DATA": str(folder / "data")})
    return f"{base}/voila/render/kpi_scorecard.ipynb", folder / "data"


@pytest.fixture(scope="module")
def english_titles(scorecard_app) -> set[str]:
    """The chart titles (chart, axes, legends, tooltips) the panel draws in English on the app's data."""
    from workbench import load
    from workbench.apps import KpiScorecard

    return panel_labels(KpiScorecard(load(scorecard_app[1])))["charts"]


def _open_in_chinese(page, url: str) -> None:
    page.goto(url, timeout=300_000)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=300_000)
    language = page.locator(".widget-dropdown select", has=page.locator("option", has_text="中文")).first
    language.select_option(label="中文")
    # every chart is drawn again (each its own message from the kernel): each one's SVG holds Chinese
    page.wait_for_function(ALL_CHARTS_CHINESE, timeout=120_000)


def _leftover(english: set[str], texts: list[str]) -> list[str]:
    """Known English titles drawn in the SVG: as a whole text, or inside one when long enough to be unambiguous."""
    return sorted(t for t in english if any(s == t or (len(t) > 8 and t in s) for s in texts))


def test_chinese_page_draws_no_english_chart_title(scorecard_app, english_titles, page, tmp_path):
    url, _ = scorecard_app
    page.goto(url, timeout=300_000)
    page.locator(".vega-embed svg.marks").first.wait_for(timeout=300_000)
    before = page.evaluate(SVG_TEXTS)
    assert _leftover(english_titles, before), f"the English page draws none of the known titles: {before[:20]}"

    _open_in_chinese(page, url)
    texts = page.evaluate(SVG_TEXTS)
    assert _leftover(english_titles, texts) == [], f"English chart titles in 中文 mode; SVG texts: {texts[:40]}"
    assert page.locator(".wb-error").count() == 0
    shot = tmp_path / "kpi_scorecard_zh.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


#: Draws one character on a canvas in ``font`` and returns its pixels; the box of a missing
#: glyph is what a code point no font has (U+10FFFD, private use) draws.
GLYPHS = """(font) => {
  const canvas = document.createElement('canvas');
  canvas.width = 48; canvas.height = 48;
  const ctx = canvas.getContext('2d');
  const draw = (ch) => {
    ctx.clearRect(0, 0, 48, 48); ctx.font = font; ctx.fillStyle = '#000'; ctx.textBaseline = 'top';
    ctx.fillText(ch, 4, 4);
    return Array.from(ctx.getImageData(0, 0, 48, 48).data).join(',');
  };
  const box = draw('\\u{10FFFD}'), blank = draw(' ');
  return ['签', '约', '额', '销', '售'].map(ch => {
    const pixels = draw(ch);
    return {ch, box: pixels === box, blank: pixels === blank, pixels};
  });
}"""


def _cjk_fonts() -> str:
    if shutil.which("fc-list") is None:
        return ""
    return subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip()


def test_chinese_characters_render_as_glyphs_not_boxes(scorecard_app, page, tmp_path):
    if not _cjk_fonts():
        message = (f"No CJK font installed (`fc-list :lang=zh` is empty): Chinese renders as boxes. "
                   f"Install Debian's {FONT_PACKAGE} (apt-get install {FONT_PACKAGE}).")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    _open_in_chinese(page, scorecard_app[0])
    title = page.locator(".vega-embed svg text", has_text=ZH_BOOKINGS).first
    family = title.evaluate("t => getComputedStyle(t).fontFamily")
    glyphs = page.evaluate(GLYPHS, f"20px {family}")
    boxes = [g["ch"] for g in glyphs if g["box"] or g["blank"]]
    assert boxes == [], (f"Chinese characters drawn as boxes in font {family!r}: {boxes}; "
                         f"install {FONT_PACKAGE}")
    assert len({g["pixels"] for g in glyphs}) == len(glyphs), "different characters drew the same shape (boxes)"
    page.screenshot(path=str(tmp_path / "kpi_scorecard_zh_glyphs.png"))
