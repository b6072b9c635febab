"""Periodic reviews as self-contained HTML pages: one per rep, and a team summary.

A page holds everything inline: its CSS, and the trend charts as SVG drawn offline by
vl-convert (:mod:`workbench.reports.svg`). It has no script and loads nothing, so it opens
from a file, from a mail or on paper, without a network.

**Escaping.** Every text that comes from the data (rep ids, names, teams, regions, stage
names, evidence sentences, module ids and titles, award names, notes …) is escaped by
the template engine: Jinja2 with autoescaping on, which is the package's one escaping rule
(:func:`workbench.markup.escape_html`, MarkupSafe), so ``<script>`` in a rep's name is
written ``&lt;script&gt;`` and shows as text, exactly as in the apps. The only markup inserted as it is are the
page's own CSS and the SVG charts, whose text (months, KPI labels) Vega escapes. A
Content-Security-Policy that allows no script and no outside resource stands behind that.

File names come from rep ids, which are data too: :func:`review_file_names` keeps
letters, digits, ``-`` and ``_`` and adds a short hash when it had to change an id, so no
id can reach outside the output folder or collide with another.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pandas as pd

from workbench.coaching.review import PeriodicReview, RepReview
from workbench.formatting import format_value, is_missing
from workbench.kpi import KPIS
from workbench.params import check_lang
from workbench.reports.review_tables import (
    Table,
    awards_table,
    findings_table,
    gaps_table,
    kpi_table,
    modules_table,
    plan_table,
    roster_table,
    sessions_table,
    team_kpis_table,
)
from workbench.reports.svg import TrendSvg
from workbench.reports.text import review_text

__all__ = ["ReviewPages", "rep_review_html", "team_summary_html", "write_review_pages", "review_file_names",
           "summary_file_name", "cell_text"]

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","Noto Sans CJK SC","PingFang SC",
"Microsoft YaHei",sans-serif;max-width:1040px;margin:1.5rem auto;padding:0 1rem;color:#1f2328;line-height:1.45}
h1{font-size:1.45rem;margin:.4rem 0}
h2{font-size:1.1rem;margin-top:1.8rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.4rem 0;font-size:.88rem}
th,td{padding:3px 9px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top;white-space:nowrap}
td.wrap{white-space:normal;min-width:18em}
body.wide{max-width:none}
th{background:#f6f8fa;vertical-align:bottom}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.better{color:#1a7f37}.worse{color:#b42318}
.muted,nav,footer{color:#57606a;font-size:.85rem}
.headline{font-size:1.02rem}
.chart svg{max-width:100%;height:auto}
a{color:#0969da}
@media print{nav{display:none}body{margin:0}}
"""

_PAGE = """<!DOCTYPE html>
<html lang="{{ html_lang }}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ css }}</style>
</head>
<body{% if wide %} class="wide"{% endif %}>
{%- macro table(tbl) %}
<table>
<thead><tr>{% for h in tbl.headers %}<th{% if h.cls %} class="{{ h.cls }}"{% endif %}>{{ h.text }}</th>{% endfor %}</tr></thead>
<tbody>
{%- for row in tbl.rows %}
<tr>{% for c in row %}<td{% if c.cls %} class="{{ c.cls }}"{% endif %}>{% if c.href %}<a href="{{ c.href }}">{{ c.text }}</a>{% else %}{{ c.text }}{% endif %}</td>{% endfor %}</tr>
{%- endfor %}
</tbody>
</table>
{%- endmacro %}
{%- macro section(s) %}
<section id="{{ s.id }}">
<h2>{{ s.heading }}</h2>
{%- for p in s.before %}<p{% if loop.first and s.id == 'kpis' %} class="headline"{% endif %}>{{ p }}</p>{% endfor %}
{%- if s.svg %}<div class="chart">{{ s.svg }}</div>{% endif %}
{%- for tbl in s.tables %}{% if tbl.caption %}<h3>{{ tbl.caption }}</h3>{% endif %}{{ table(tbl) }}{% endfor %}
{%- for p in s.after %}<p class="muted">{{ p }}</p>{% endfor %}
</section>
{%- endmacro %}
{%- if back %}<nav><a href="{{ back.href }}">{{ back.text }}</a></nav>{% endif %}
<header>
<h1>{{ title }}</h1>
{%- if meta %}<p class="meta">{% for m in meta %}{{ m.label }}: <span class="{{ m.cls }}">{{ m.value }}</span>{% if not loop.last %} · {% endif %}{% endfor %}</p>{% endif %}
</header>
{%- for s in sections %}{{ section(s) }}{% endfor %}
<footer><p>{{ footer }}</p></footer>
</body>
</html>
"""


@lru_cache(maxsize=1)
def _template():
    from jinja2 import Environment, StrictUndefined

    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)
    return env.from_string(_PAGE)


def _markup(text: str):
    """The page's own CSS and SVG charts: markup the package built, inserted as it is."""
    from workbench.markup import Markup

    return Markup(text)


#: Columns of running text, which wrap (every other column stays on one line).
_WRAP = {"evidence", "why", "note", "basis", "reps", "rep_ids", "awards"}


def cell_text(value, unit=None) -> str:
    """A value written for a page: text as it is, numbers in their unit, missing numbers as ``–``.

    ``days_bare`` and ``hours_bare`` are days and hours without a suffix, under a label
    that names the unit (the KPI labels do).

    >>> cell_text(1234.5, "currency"), cell_text(0.456, "share"), cell_text(23.61, "hours_bare"), cell_text(None, "int")
    ('1,234', '46%', '23.6', '–')
    >>> cell_text(3.25, "hours"), cell_text(48.2, "days_bare")
    ('3.2 h', '48')
    >>> cell_text("<b>", None)
    '<b>'
    """
    if not unit:
        return "" if is_missing(value) else str(value)
    if is_missing(value):
        return "–"
    if unit == "int":
        return f"{int(value):,}"
    if unit == "days_bare":
        return format_value(value, "count")
    if unit == "hours_bare":
        return format_value(value, "", decimals=1)
    return format_value(value, unit)


def _rendered(table: Table, *, links: dict | None = None, classes: dict | None = None, caption: str = "") -> dict:
    """A :class:`Table` as header and row cells for the template (text still unescaped)."""
    frame = table.frame
    numeric = {c for c in frame.columns if c in table.units}
    headers = [{"text": table.headers.get(c, c), "cls": "num" if c in numeric else ""} for c in frame.columns]
    columns = []
    for c in frame.columns:
        unit = table.units.get(c)
        units = unit.tolist() if isinstance(unit, pd.Series) else [unit] * len(frame)
        texts = [cell_text(v, u) for v, u in zip(frame[c].tolist(), units)]
        hrefs = links.get(c) if links else None
        extra = classes.get(c) if classes else None
        kind = "num" if c in numeric else "wrap" if c in _WRAP else ""
        columns.append([{"text": text, "cls": " ".join(filter(None, [kind, extra[i] if extra is not None else ""])),
                         "href": hrefs[i] if hrefs is not None else ""} for i, text in enumerate(texts)])
    rows = [list(row) for row in zip(*columns)] if columns else []
    return {"headers": headers, "rows": rows, "caption": caption}


def _section(id_: str, heading: str, *, before=(), tables=(), after=(), svg: str = "") -> dict:
    return {"id": id_, "heading": heading, "before": [p for p in before if p], "tables": list(tables),
            "after": [p for p in after if p], "svg": _markup(svg) if svg else ""}


def _page(lang: str, title: str, meta: list, sections: list, footer: str, back: dict | None,
          wide: bool = False) -> str:
    return _template().render(html_lang="zh-CN" if lang == "zh" else "en", title=title, css=_markup(_CSS),
                              meta=meta, sections=sections, footer=footer, back=back, wide=wide)


def _headline(rep: RepReview, t) -> str:
    shown = dict(zip(rep.kpis["metric"], rep.kpis["value"]))
    if "bookings" not in shown:
        return ""
    values = {m: shown.get(m, float("nan")) for m in ("bookings", "bookings_target", "quota_attainment")}
    if is_missing(values["bookings_target"]) or is_missing(values["quota_attainment"]):
        return t["headline_no_target"].format(bookings=cell_text(values["bookings"], "currency"), period=rep.period)
    return t["headline"].format(bookings=cell_text(values["bookings"], "currency"),
                                target=cell_text(values["bookings_target"], "currency"),
                                attainment=cell_text(values["quota_attainment"], "share"))


def _text_of(frame: pd.DataFrame, column: str, lang: str) -> pd.Series:
    return frame[f"{column}_zh"] if lang == "zh" else frame[column]


def _list(values, lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(values)


def rep_review_html(rep: RepReview, review: PeriodicReview, lang: str = "en", *, chart_svg: str = "",
                    summary_href: str = "") -> str:
    """One rep's review page.

    Parameters
    ----------
    rep : RepReview
        ``review.for_rep(rep_id)``.
    review : PeriodicReview
        For the months, the assumptions and the KPIs that could not be computed.
    lang : {"en", "zh"}
    chart_svg : str
        The trend charts (:class:`~workbench.reports.svg.TrendSvg`); drawn here when empty.
    summary_href : str
        Link back to the team summary (none when empty).
    """
    check_lang("rep_review_html", lang)
    t = review_text(lang)
    chart_svg = chart_svg or TrendSvg(review.months, lang)(rep)
    name = rep.name or rep.rep_id
    missing = [KPIS[m].label(lang) for m in review.missing_kpis]
    kpis = kpi_table(rep.kpis, lang)
    vs_class = [v if v in ("better", "worse") else "" for v in rep.kpis["vs_team"]]
    sections = [_section(
        "kpis", t["kpis_heading"].format(period=rep.period), before=[_headline(rep, t)],
        tables=[_rendered(kpis, classes={"vs_team": vs_class})],
        after=[t["kpis_note"].format(period=rep.period),
               t["kpis_missing"].format(kpis=_list(missing, lang)) if missing else ""])]
    metric_label = KPIS[rep.trend_metric].label(lang)
    skill = rep.skills[rep.skills["skill"] == rep.trend_skill] if rep.trend_skill else rep.skills.iloc[:0]
    note = (t["trend_note_skill"].format(kpi=metric_label, skill=_text_of(skill, "skill_label", lang).iloc[0])
            if len(skill) else t["trend_note"].format(kpi=metric_label))
    sections.append(_section("trends", t["trends_heading"].format(months=len(review.months)), svg=chart_svg,
                             after=[note]))
    findings = [_rendered(findings_table(rep.findings, lang))] if len(rep.findings) else []
    sections.append(_section("findings", t["findings_heading"].format(window=rep.window), tables=findings,
                             before=[] if findings else [t["no_findings"].format(window=rep.window)]))
    assumed = cell_text(review.assumptions.get("assumed_effectiveness", float("nan")), "share")
    plan = [_rendered(plan_table(rep.skills, lang))] if len(rep.skills) else []
    sections.append(_section("plan", t["plan_heading"], tables=plan, before=[] if plan else [t["no_plan"]],
                             after=[t["plan_note"].format(window=rep.window, assumed=assumed)] if plan else []))
    if len(rep.skills):
        modules = [_rendered(modules_table(rep.modules, lang))] if len(rep.modules) else []
        hours = cell_text(review.assumptions.get("hours_per_period", float("nan")), "hours_bare")
        sections.append(_section("modules", t["modules_heading"], tables=modules,
                                 before=[] if modules else [t["no_modules"]],
                                 after=[t["modules_note"].format(hours=hours)] if modules else []))
    if rep.awards is not None:
        won = [_rendered(awards_table(rep.awards, lang, with_winner=False))] if len(rep.awards) else []
        sections.append(_section("recognition", t["recognition_heading"], tables=won,
                                 before=[] if won else [t["no_award"]]))
    meta = [{"label": t["rep"], "value": rep.rep_id, "cls": "rep-id"},
            {"label": t["name"], "value": rep.name, "cls": "rep-name"},
            {"label": t["team"], "value": rep.team, "cls": "team"},
            {"label": t["region"], "value": rep.region, "cls": "region"}]
    back = {"href": summary_href, "text": t["back"]} if summary_href else None
    return _page(lang, t["rep_title"].format(period=rep.period, name=name, rep_id=rep.rep_id), meta, sections,
                 t["footer"].format(period=rep.period, window=rep.window), back)


def team_summary_html(review: PeriodicReview, lang: str = "en", rep_hrefs: dict | None = None) -> str:
    """The team summary page: team KPIs, reps × KPIs with their top skill gap, group sessions, awards.

    ``rep_hrefs`` maps rep ids to their review pages (the rep ids become links).
    """
    check_lang("team_summary_html", lang)
    t = review_text(lang)
    roster = roster_table(review.roster, lang, with_awards=review.awards is not None)
    links = {"rep_id": [rep_hrefs.get(r, "") for r in review.roster["rep_id"]]} if rep_hrefs else None
    sections = [
        _section("team-kpis", t["team_kpis_heading"].format(period=review.period),
                 tables=[_rendered(team_kpis_table(review.team_kpis, lang))]),
        _section("reps", t["reps_heading"], tables=[_rendered(roster, links=links)],
                 after=[t["reps_note"]] if links else []),
    ]
    gaps = gaps_table(review.roster, lang)
    sections.append(_section("gaps", t["gaps_heading"], tables=[_rendered(gaps)] if len(gaps.frame) else [],
                             before=[] if len(gaps.frame) else [t["no_gaps"]]))
    sessions = [_rendered(sessions_table(review.sessions, lang))] if len(review.sessions) else []
    sections.append(_section("sessions", t["sessions_heading"], tables=sessions,
                             before=[] if sessions else [t["no_sessions"]]))
    team_findings = review.findings[review.findings["entity_type"] == "team"]
    if len(team_findings):
        sections.append(_section("team-findings", t["team_findings_heading"].format(window=review.window),
                                 tables=[_rendered(findings_table(team_findings, lang, with_entity=True))]))
    if review.awards is not None:
        awards = [_rendered(awards_table(review.awards, lang))] if len(review.awards) else []
        sections.append(_section("recognition", t["recognition_heading"], tables=awards,
                                 before=[] if awards else [t["no_award"]]))
    notes = []
    if review.missing_kpis:
        notes.append(t["kpis_missing"].format(kpis=_list([KPIS[m].label(lang) for m in review.missing_kpis], lang)))
    if review.later_hires:
        notes.append(t["later_hires"].format(n=review.later_hires, period=review.period))
    if notes:
        sections.append(_section("notes", t["notes_heading"], before=notes))
    title = (t["summary_title_team"].format(period=review.period, team=review.team) if review.team
             else t["summary_title"].format(period=review.period))
    return _page(lang, title, [], sections, t["footer"].format(period=review.period, window=review.window), None,
                 wide=True)


def _slug(text: str) -> str:
    """``text`` as a safe file name part: ASCII letters, digits, ``-`` and ``_``; a hash when changed."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_-")[:60]
    if slug != text or not slug:
        slug = f"{slug or 'x'}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"
    return slug


def summary_file_name(period: str) -> str:
    """``2026-Q1_team_summary.html``."""
    return f"{_slug(period)}_team_summary.html"


def review_file_names(rep_ids, period: str) -> dict[str, str]:
    """Each rep's review file name, ``2026-Q1_rep_R001.html``: safe and distinct whatever the ids.

    >>> names = review_file_names(["R001", "../../etc/passwd", "<script>"], "2026-Q1")
    >>> names["R001"], names["../../etc/passwd"].startswith("2026-Q1_rep_etc_passwd-")
    ('2026-Q1_rep_R001.html', True)
    """
    names, taken = {}, set()
    for rep_id in rep_ids:
        name = f"{_slug(period)}_rep_{_slug(str(rep_id))}"
        candidate, n = name, 1
        while candidate.lower() in taken:  # case-insensitive file systems
            n += 1
            candidate = f"{name}-{n}"
        taken.add(candidate.lower())
        names[str(rep_id)] = f"{candidate}.html"
    return names


@dataclass(frozen=True)
class ReviewPages:
    """The pages :func:`write_review_pages` wrote: ``reps`` (rep id → path) and ``summary``."""

    reps: dict
    summary: Path


def write_review_pages(review: PeriodicReview, out_dir, lang: str = "en", on_page=None) -> ReviewPages:
    """Write every rep's review and the team summary into ``out_dir`` (created if needed).

    ``on_page(rep_id)`` is called after each rep's page (for a progress display).
    """
    check_lang("write_review_pages", lang)
    out = Path(out_dir).expanduser()
    out.mkdir(parents=True, exist_ok=True)
    names = review_file_names(review.rep_ids, review.period)
    summary_name = summary_file_name(review.period)
    draw = TrendSvg(review.months, lang)
    written = {}
    # vl-convert draws on its own thread without the GIL: one worker draws the charts
    # while this thread lays out the pages (vl-convert draws one chart at a time anyway).
    with ThreadPoolExecutor(max_workers=1) as drawer:
        queued = []
        for rep_id in review.rep_ids:
            rep = review.for_rep(rep_id)
            queued.append((rep, drawer.submit(draw, rep)))
        for rep, chart in queued:
            page = rep_review_html(rep, review, lang, chart_svg=chart.result(), summary_href=quote(summary_name))
            path = out / names[rep.rep_id]
            path.write_text(page, encoding="utf-8")
            written[rep.rep_id] = path
            if on_page is not None:
                on_page(rep.rep_id)
    summary = out / summary_name
    summary.write_text(team_summary_html(review, lang, {r: quote(n) for r, n in names.items()}), encoding="utf-8")
    return ReviewPages(written, summary)
