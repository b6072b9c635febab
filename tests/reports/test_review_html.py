"""The HTML reviews: data shown as text (checked in headless Chromium), charts drawn inline
with nothing loaded from the network, the KPI table's numbers, English and Chinese."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from workbench.coaching.review import periodic_review
from workbench.kpi import KPIS, compute_kpis
from workbench.reports import REVIEW_TEXT, review_file_names, write_review_pages
from workbench.reports.review_html import cell_text

PERIOD = "2026-Q1"


def _awards(names):
    return pd.DataFrame({
        "award": ["rep_of_the_month"], "label": ["<i>Rep</i> of the month"], "label_zh": ["<i>月度</i>最佳销售"],
        "rep_id": ["R002"], "rep_name": [names["script_name"]], "team": [names["img_team"]], "value": [1.52],
        "unit": ["share"], "basis": ["attainment <u>"], "runner_up": [names["rep_id"]], "runner_up_value": [1.31],
        "eligible": [20], "note": [""],
    })


@pytest.fixture(scope="module")
def review(hostile_sample, hostile_names):
    return periodic_review(hostile_sample, PERIOD, awards=_awards(hostile_names))


@pytest.fixture(scope="module")
def pages(review, tmp_path_factory):
    return write_review_pages(review, tmp_path_factory.mktemp("en"), "en")


@pytest.fixture(scope="module")
def pages_zh(review, tmp_path_factory):
    return write_review_pages(review, tmp_path_factory.mktemp("zh"), "zh")


def _all_pages(pages) -> list[Path]:
    return [*pages.reps.values(), pages.summary]


def test_one_page_per_rep_and_a_summary(review, pages):
    assert set(pages.reps) == set(review.rep_ids) and len(pages.reps) == 23
    assert len({p.name for p in pages.reps.values()}) == 23
    assert all(p.parent == pages.summary.parent for p in pages.reps.values())
    assert pages.summary.name == "2026-Q1_team_summary.html"


def test_file_names_stay_inside_the_folder_and_apart():
    ids = ["R1", "../../etc/passwd", "<script>", "r1", "R1 ", "报告", "", "a/b", "a_b"]
    names = review_file_names(ids, PERIOD)
    assert len(set(n.lower() for n in names.values())) == len(set(ids))
    for name in names.values():
        assert re.fullmatch(r"2026-Q1_rep_[A-Za-z0-9_-]+\.html", name), name


def test_data_is_escaped_in_the_markup(pages, hostile_names):
    rep_page = pages.reps["R002"].read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rep_page
    assert "&lt;img src=x onerror=alert(2)&gt;" in rep_page
    for path in _all_pages(pages):
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text.lower() and "<img" not in text.lower(), path.name
        assert "onerror=alert" not in text.replace("&lt;img src=x onerror=alert(2)&gt;", ""), path.name
        assert "<b onmouseover" not in text and '"><svg onload' not in text, path.name
    hostile_page = pages.reps[hostile_names["rep_id"]].read_text(encoding="utf-8")
    assert "&#34;&gt;&lt;svg onload=alert(3)&gt;" in hostile_page  # the rep id, in the evidence too
    assert "=&lt;b onmouseover=alert(4)&gt;" in hostile_page  # a module title


def test_pages_are_self_contained_and_draw_their_charts_inline(pages, hostile_names):
    from markupsafe import escape

    for path in _all_pages(pages):
        text = path.read_text(encoding="utf-8")
        data_url = str(escape(hostile_names["hyperlink_name"]))  # a rep's name holds a URL: text, not a link
        assert not re.search(r"https?://", text.replace(data_url, "")), path.name  # no CDN, font or namespace URL
        assert not re.search(r"<(script|link|iframe|object|embed)\b", text, re.I), path.name
        assert not re.search(r"<[a-z][^>]*\s(src|srcset|href)\s*=\s*[\"']?\s*(https?:|//)", text, re.I), path.name
        assert not re.search(r"<[a-z][^>]*\s(src|srcset)\s*=", text, re.I), path.name  # no image or frame at all
        assert "url(" not in text and "@import" not in text
        assert "Content-Security-Policy" in text and "default-src 'none'" in text
    rep_page = pages.reps["R002"].read_text(encoding="utf-8")
    assert rep_page.count("<svg") == 1 and "</svg>" in rep_page
    svg = rep_page[rep_page.index("<svg"):rep_page.index("</svg>")]
    assert "<path" in svg and "2026-03" in svg and KPIS["bookings"].label("en") in svg


def test_kpi_values_on_the_page_are_compute_kpis(hostile_sample, review, pages):
    kpis = compute_kpis(hostile_sample, by="rep", freq="Q", start=PERIOD, end=PERIOD)
    mine = kpis[kpis["entity_id"] == "R002"].set_index("metric")["value"]
    text = pages.reps["R002"].read_text(encoding="utf-8")
    for metric in review.for_rep("R002").kpis["metric"]:
        unit = {"days": "days_bare", "hours": "hours_bare"}.get(KPIS[metric].unit, KPIS[metric].unit)
        shown = cell_text(mine[metric], unit)
        assert re.search(rf"<td>{re.escape(KPIS[metric].label('en'))}</td><td class=\"num\">{re.escape(shown)}</td>",
                         text), metric


def test_chinese_pages_use_the_registry_labels_and_chinese_evidence(review, pages_zh):
    rep_id = next(r for r in review.rep_ids if re.fullmatch(r"R\d+", r)  # a rep whose name is no markup
                  and len(review.for_rep(r).findings) and len(review.for_rep(r).skills))
    text = pages_zh.reps[rep_id].read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in text
    for metric in ("bookings", "quota_attainment", "win_rate", "cycle_days_median"):
        assert KPIS[metric].label("zh") in text
    rep = review.for_rep(rep_id)
    assert rep.findings["evidence_zh"].iloc[0].replace('"', "&#34;") in text
    assert rep.skills["skill_label_zh"].iloc[0] in text
    t = REVIEW_TEXT["zh"]
    for key in ("plan_heading", "recognition_heading", "this_rep", "team_median", "why"):
        assert t[key] in text
    for english in ("Coaching plan", "Findings", "Team median", "Expected uplift", "Rep of the month", "by month"):
        assert english not in text
    summary = pages_zh.summary.read_text(encoding="utf-8")
    assert REVIEW_TEXT["zh"]["reps_heading"] in summary and KPIS["win_rate"].label("zh") in summary


def test_the_summary_links_every_rep_and_shows_awards(review, pages):
    summary = pages.summary.read_text(encoding="utf-8")
    hrefs = re.findall(r'<a href="([^"]+)">', summary)
    assert sorted(hrefs) == sorted(p.name for p in pages.reps.values())
    assert "&lt;i&gt;Rep&lt;/i&gt; of the month" in summary
    back = re.search(r'<nav><a href="([^"]+)">', pages.reps["R002"].read_text(encoding="utf-8")).group(1)
    assert back == pages.summary.name


def test_both_languages_have_the_same_words():
    en, zh = REVIEW_TEXT["en"], REVIEW_TEXT["zh"]
    assert set(en) == set(zh)
    for key, text in zh.items():
        assert re.search(r"[\u4e00-\u9fff]", text), key
        assert set(re.findall(r"\{(\w+)\}", text)) == set(re.findall(r"\{(\w+)\}", en[key])), key


# --- in a real browser ----------------------------------------------------------------------


def test_hostile_names_render_as_text_in_a_browser(page, pages, hostile_names):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in (pages.reps["R002"], pages.reps[hostile_names["rep_id"]], pages.summary):
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        assert page.locator("script").count() == 0 and page.locator("img").count() == 0
        assert page.locator("body svg").count() == (0 if path == pages.summary else 1)
    page.goto(pages.reps["R002"].as_uri())
    assert page.locator("h1").inner_text() == f"Review 2026-Q1: {hostile_names['script_name']} (R002)"
    assert page.locator(".rep-name").inner_text() == hostile_names["script_name"]
    assert page.locator(".team").inner_text() == hostile_names["img_team"]
    assert page.get_by_text(hostile_names["script_name"], exact=True).first.is_visible()
    page.goto(pages.reps[hostile_names["rep_id"]].as_uri())
    assert page.locator(".rep-id").inner_text() == hostile_names["rep_id"]
    assert page.locator("#modules td", has_text=hostile_names["title_prefix"]).count() >= 1
    page.goto(pages.summary.as_uri())
    assert hostile_names["script_name"] in page.locator("#reps").inner_text()
    page.wait_for_timeout(300)  # an onerror / onload handler would have fired by now
    assert dialogs == []


def test_charts_drawn_from_one_compiled_spec_are_each_reps_own(review):
    import vl_convert as vlc

    from workbench.charts.review import review_trend_chart
    from workbench.reports.svg import TrendSvg, inline_svg

    draw = TrendSvg(review.months, "en")
    reps = [review.for_rep(r) for r in review.rep_ids]
    first = next(r for r in reps if r.trend_metric == "win_rate")
    second = next(r for r in reps if r.trend_metric == "win_rate" and r.rep_id != first.rep_id)
    draw(first)  # compiles the win-rate chart with the first rep's rows
    fresh = vlc.vegalite_to_svg(review_trend_chart(second.trend, "win_rate", "en", review.months).to_dict())
    assert draw(second) == inline_svg(fresh)
    assert draw(second) != draw(first)


def test_recognition_shows_the_award_in_its_unit(pages, pages_zh):
    section = re.search(r'<section id="recognition">(.*?)</section>',
                        pages.reps["R002"].read_text(encoding="utf-8"), re.S).group(1)
    assert "&lt;i&gt;Rep&lt;/i&gt; of the month" in section and ">152%<" in section
    assert "&lt;i&gt;月度&lt;/i&gt;最佳销售" in pages_zh.reps["R002"].read_text(encoding="utf-8")
    other = pages.reps["R005"].read_text(encoding="utf-8")
    assert REVIEW_TEXT["en"]["no_award"] in other


def _heading_and_chart_text(path: Path) -> str:
    """The words of a page a reader takes for the report's own: title, headings, table headers,
    captions, footer and the charts' texts (titles, legends, axes)."""
    import html

    page = path.read_text(encoding="utf-8")
    parts = re.findall(r"<(h1|h2|h3|th|title|footer|nav)\b[^>]*>(.*?)</\1>", page, flags=re.S)
    texts = [re.sub(r"<[^>]+>", " ", inner) for _, inner in parts]
    texts += re.findall(r"<text\b[^>]*>([^<]*)</text>", page)  # SVG chart text
    return html.unescape(" ".join(texts))


def test_chinese_pages_have_no_english_heading_header_or_chart_text(review, pages, pages_zh):
    words = re.compile(r"[A-Za-z][A-Za-z']{2,}")
    data = " ".join(str(v) for column in ("rep_id", "name", "team") for v in review.roster[column])
    data += " ".join(str(v) for v in review.skills.get("module_id", pd.Series(dtype=str)))
    data_words = {w.lower() for w in words.findall(data)} | {"workbench", "kpi"}  # the package named in notes
    for rep_id in review.rep_ids[:5]:
        english = {w.lower() for w in words.findall(_heading_and_chart_text(pages.reps[rep_id]))} - data_words
        assert {"coaching", "plan", "findings", "month"} <= english  # built from the English page
        chinese = _heading_and_chart_text(pages_zh.reps[rep_id])
        left = english & {w.lower() for w in words.findall(chinese)}
        assert not left, (rep_id, sorted(left))
        assert re.search(r"[\u4e00-\u9fff]", chinese)
    english = {w.lower() for w in words.findall(_heading_and_chart_text(pages.summary))} - data_words
    left = english & {w.lower() for w in words.findall(_heading_and_chart_text(pages_zh.summary))}
    assert not left, sorted(left)
