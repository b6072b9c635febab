"""What an app panel shows as labels, for the language tests: chart titles and widget labels.

:func:`chart_titles` reads a Vega-Lite specification the way a viewer reads the chart: the
chart's title and subtitle, every axis and legend title, and every tooltip title (a
tooltip, axis or legend without a title shows its field name, so the field name counts).
:func:`panel_labels` walks a panel's widgets: descriptions, dropdown choices, tab and
accordion titles, button texts, and the headings and column headers of its HTML.
:func:`english_left` keeps the labels of a Chinese panel that are also labels of the same
panel in English, except proper nouns, ids and units.
"""

from __future__ import annotations

import html
import re

import ipywidgets as widgets

#: Encoding channels that draw an axis or a legend, titled by their field when they have no title.
_TITLED_CHANNELS = ("x", "y", "color", "fill", "stroke", "strokeDash", "size", "shape", "opacity")
#: Keys of a specification that hold data, not words.
_DATA_KEYS = ("datasets", "data", "values")
#: Labels that read the same in both languages: language names, quantiles, symbols.
PROPER = frozenset({"English", "中文", "P10", "P25", "P50", "P75", "P90", "P10–P90", "P25–P75", "MASE", "#", "—",
                    " ", "–"})


def _add_title(title, found: set[str]) -> None:
    if isinstance(title, str):
        if title:
            found.add(title)
    elif isinstance(title, (list, tuple)):
        for line in title:
            _add_title(line, found)
    elif isinstance(title, dict):
        _add_title(title.get("text"), found)
        _add_title(title.get("subtitle"), found)


def chart_titles(spec: dict) -> set[str]:
    """Every title a viewer of the chart ``spec`` (``chart.to_dict()``) reads: chart, axes, legends, tooltips."""
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        if "title" in node:
            _add_title(node["title"], found)
        for channel, encoding in (node.get("encoding") or {}).items():
            for entry in encoding if isinstance(encoding, list) else [encoding]:
                if not isinstance(entry, dict) or "field" not in entry or "title" in entry:
                    continue
                if channel == "tooltip" or (channel in _TITLED_CHANNELS and entry.get("axis", {}) is not None
                                            and entry.get("legend", {}) is not None):
                    found.add(str(entry["field"]))
        for key, value in node.items():
            if key not in _DATA_KEYS:
                walk(value)

    walk(spec)
    return found


def _spec(chart_widget) -> dict:
    return chart_widget.spec if isinstance(getattr(chart_widget, "spec", None), dict) else chart_widget.chart.to_dict()


def _html_labels(markup: str) -> set[str]:
    """Headings, bold lead-ins, summaries and column headers of a piece of HTML."""
    found = set()
    for tag in ("h3", "h4", "summary"):
        found.update(re.findall(rf"<{tag}[^>]*>(.*?)</{tag}>", markup, flags=re.S))
    for head in re.findall(r"<thead>(.*?)</thead>", markup, flags=re.S):
        found.update(re.findall(r"<th[^>]*>(.*?)</th>", head, flags=re.S))
    texts = {html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found}
    return {text for text in texts if text}


def open_every_tab(panel: widgets.Widget) -> None:
    """Open each tab of ``panel`` as a viewer would (a tab is drawn when it is opened), then
    the one open before again; a panel without tabs is left as it is."""
    tabs = getattr(panel, "tabs", None)
    if tabs is not None:
        shown = tabs.selected_index
        for index in range(len(tabs.children)):
            tabs.selected_index = index
        tabs.selected_index = shown


def panel_labels(panel: widgets.Widget) -> dict[str, set[str]]:
    """The labels ``panel`` shows: ``{"charts": chart titles, "widgets": widget labels}``."""
    charts: set[str] = set()
    labels: set[str] = set()
    seen = set()

    def walk(widget) -> None:
        if id(widget) in seen or not isinstance(widget, widgets.Widget):
            return
        seen.add(id(widget))
        if hasattr(widget, "spec") and hasattr(widget, "chart"):  # altair.JupyterChart
            charts.update(chart_titles(_spec(widget)))
            return
        description = getattr(widget, "description", "")
        if isinstance(description, str) and description.strip():
            labels.add(description)
        labels.update(str(label) for label in getattr(widget, "_options_labels", ()) or ())
        labels.update(str(title) for title in getattr(widget, "titles", ()) or () if title)
        if isinstance(widget, widgets.HTML):
            labels.update(_html_labels(widget.value))
        for child in getattr(widget, "children", ()) or ():
            walk(child)

    walk(panel)
    return {"charts": charts, "widgets": labels}


def english_left(zh: set[str], en: set[str], allowed=()) -> set[str]:
    """Labels of the Chinese panel (``zh``) that are labels of the English one (``en``) too.

    Proper nouns (:data:`PROPER`), ``allowed`` (ids and names from the data) and labels with
    no Latin word (numbers, periods like ``2026-Q1``, units) do not count.
    """
    allowed = PROPER | set(allowed)
    return {text for text in zh & en
            if text not in allowed and re.search(r"[A-Za-z]{2,}", re.sub(r"\d{4}-Q\d", "", text))}
