"""Pieces every app panel shares: offline charts, readable errors, the data source, and what
makes a panel answer fast (charts updated in place, results kept per selection, tabs drawn
when they are opened)."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd

from workbench.markup import escape_html

if TYPE_CHECKING:  # altair is imported by the first chart drawn, not by the first import of a panel
    import altair as alt

__all__ = ["LANGS", "ErrorBox", "LazyTabs", "SelectionCache", "chart_spec", "chart_widget", "default_data_source",
           "html_table", "show_chart", "DATA_ENV_VAR"]

#: The language picker's choices, in every app.
LANGS = [("English", "en"), ("中文", "zh")]

#: Environment variable naming the data source apps load (a folder, DuckDB file, ...).
DATA_ENV_VAR = "WORKBENCH_DATA"

def chart_spec(chart: alt.TopLevelMixin | dict) -> dict:
    """The Vega-Lite specification a chart widget draws for ``chart`` (a dict is taken as it is).

    The apps' charts come from :mod:`workbench.charts`, whose specifications the chart tests
    validate against the Vega-Lite schema; validating every one again on each redraw costs
    30–100 ms per chart (it walks every data row), so here it is skipped (``validate=False``,
    Altair's own option). Everything else of ``to_dict`` (data sanitised and consolidated
    into ``datasets``) is the same.
    """
    return chart if isinstance(chart, dict) else chart.to_dict(validate=False)


def _has_params(chart) -> bool:
    params = getattr(chart, "params", None)
    return isinstance(params, list) and len(params) > 0


def chart_widget(chart: alt.TopLevelMixin | dict) -> alt.JupyterChart:
    """Wrap an Altair chart in a widget that draws without internet access.

    Voila pages cannot load Vega from a CDN here; ``JupyterChart`` in offline mode
    bundles it. Update the returned widget with :func:`show_chart` (its ``spec`` is what
    is drawn); a chart with parameters or selections goes through ``JupyterChart.chart``,
    which wires them up.
    """
    from workbench.charts.renderer import enable_offline_widgets

    enable_offline_widgets()  # once per process: it returns at once when the widgets are offline already
    import altair as alt  # after workbench.charts, which sets up Altair's import (workbench.charts.schema_formats)
    if _has_params(chart):
        return alt.JupyterChart(chart)
    widget = alt.JupyterChart(None)
    widget.spec = chart_spec(chart)
    return widget


def show_chart(widget: alt.JupyterChart, chart: alt.TopLevelMixin | dict) -> None:
    """Draw ``chart`` (an Altair chart or its :func:`chart_spec`) in the existing ``widget``.

    The widget and its place on the page stay; only its specification is sent again (the
    browser redraws in place), and nothing is sent when it is the one already drawn.
    """
    if _has_params(chart):
        widget.chart = chart
        return
    spec = chart_spec(chart)
    if widget.spec != spec:
        widget.spec = spec


class SelectionCache:
    """What a panel computed for a selection, kept for the last ``maxsize`` selections.

    A viewer flips between a few choices (two reps, two KPIs); each is computed once and
    shown again at once. Keys are tuples of the pickers' values the result depends on.

    Examples
    --------
    >>> cache = SelectionCache(maxsize=2)
    >>> calls = []
    >>> square = lambda n: cache.get(("square", n), lambda: calls.append(n) or n * n)
    >>> square(3), square(3), square(4), calls
    (9, 9, 16, [3, 4])
    >>> _ = square(5)  # the oldest (3) goes
    >>> ("square", 3) in cache, len(cache)
    (False, 2)
    """

    def __init__(self, maxsize: int = 32):
        self.maxsize = maxsize
        self._items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The result kept for ``key``, else ``compute()`` (kept unless it raises)."""
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        value = compute()
        self._items[key] = value
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget everything (the data changed)."""
        self._items.clear()

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


_NEVER = object()


class LazyTabs:
    """Draws the pages of a ``Tab`` when they are seen: the open page at once, another when it is opened.

    Each page has a ``key`` (what it shows depends on: e.g. ``(period, team, lang)``) and a
    ``draw``. :meth:`refresh` (after a picker changed) draws the open page if its key
    changed since it was drawn; the other pages wait until the viewer opens them, and are
    then drawn only if their key changed. So a change redraws only what is on screen and
    depends on it, and a first render draws only the first page.

    Parameters
    ----------
    tabs : ipywidgets.Tab
    pages : sequence of (key, draw)
        Per page, in tab order: ``key()`` returns a hashable, ``draw()`` fills the page.
    on_error : callable, optional
        Called with an exception a ``draw`` raised (the page is drawn again next time).

    Examples
    --------
    >>> import ipywidgets as widgets
    >>> tabs = widgets.Tab(children=[widgets.HTML(), widgets.HTML()])
    >>> state, drawn = {"team": "A"}, []
    >>> lazy = LazyTabs(tabs, [(lambda: state["team"], lambda: drawn.append(0)),
    ...                        (lambda: state["team"], lambda: drawn.append(1))])
    >>> lazy.refresh(); drawn          # the first page only
    [0]
    >>> tabs.selected_index = 1; drawn  # opened: drawn now
    [0, 1]
    >>> tabs.selected_index = 0; drawn  # nothing changed: not drawn again
    [0, 1]
    >>> state["team"] = "B"; lazy.refresh(); drawn
    [0, 1, 0]
    """

    def __init__(self, tabs: widgets.Tab, pages: Sequence[tuple[Callable[[], Hashable], Callable[[], None]]],
                 on_error: Callable[[BaseException], None] | None = None):
        self.tabs = tabs
        self._pages = list(pages)
        self._drawn: list[Any] = [_NEVER] * len(self._pages)
        self._on_error = on_error
        if tabs.selected_index is None and self._pages:
            tabs.selected_index = 0
        tabs.observe(self._on_select, names="selected_index")

    def is_current(self, index: int) -> bool:
        """Whether page ``index`` shows what its key says now."""
        return self._drawn[index] is not _NEVER and self._drawn[index] == self._pages[index][0]()

    def refresh(self) -> None:
        """Draw the open page if what it depends on changed."""
        self.draw(self.tabs.selected_index)

    def draw(self, index: int | None) -> None:
        """Draw page ``index`` if what it depends on changed since it was drawn."""
        if index is None or not 0 <= index < len(self._pages):
            return
        key_of, draw = self._pages[index]
        key = key_of()
        if self._drawn[index] is not _NEVER and self._drawn[index] == key:
            return
        self._drawn[index] = _NEVER
        try:
            draw()
        except Exception as exc:
            if self._on_error is None:
                raise
            self._on_error(exc)
            return
        self._drawn[index] = key

    def invalidate(self) -> None:
        """Every page is drawn again when next seen (e.g. the data changed)."""
        self._drawn = [_NEVER] * len(self._pages)

    def _on_select(self, change) -> None:
        self.draw(change["new"])


def default_data_source() -> Path:
    """The data the apps open: ``$WORKBENCH_DATA`` if set, else the bundled ``sample_data/``.

    Raises
    ------
    FileNotFoundError
        When neither exists, with the command that creates the sample data.
    """
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        return Path(env)
    for folder in [Path.cwd(), *Path.cwd().parents]:
        candidate = folder / "sample_data"
        if (candidate / "reps.csv").exists():
            return candidate
    raise FileNotFoundError(
        "No data to show: set WORKBENCH_DATA to a data folder, or create the sample "
        "data with `workbench sample --out sample_data` (make run does this)."
    )


_CELL = "padding:3px 10px;font-variant-numeric:tabular-nums;"


def html_table(frame: pd.DataFrame, *, css_class: str, numeric=(), wrap=(), index: bool = True) -> str:
    """An HTML table with a single header row, every value under its own header.

    ``DataFrame.to_html`` puts a named index on a second header row, which shifts the
    headers against the values in a widget; here the index name heads the first column
    instead. Columns in ``numeric`` are right-aligned, header included, so digits line
    up under their header; the first column and the others are left-aligned.

    Every header and value is text (from the data or formatted numbers), escaped here,
    once, with :func:`~workbench.markup.escape_html`: pass plain text, not HTML.

    Parameters
    ----------
    frame : pandas.DataFrame
        Already formatted values (text); the index is written as the first column.
    css_class : str
        Class of the ``<table>``.
    numeric : collection of str
        Columns holding numbers.
    wrap : collection of str
        Columns of running text that may wrap (the others stay on one line).
    index : bool
        Write the index as the first column (a row header); ``False`` leaves it out.

    Examples
    --------
    >>> frame = pd.DataFrame({"Bookings": ["1,000"]}, index=pd.Index(["R001"], name="Rep"))
    >>> print(html_table(frame, css_class="t", numeric={"Bookings"}))  # doctest: +ELLIPSIS
    <table class="t" ...><thead><tr><th style="...text-align:left...">Rep</th><th style="...text-align:right...">Bookings</th></tr></thead><tbody><tr><th ...>R001</th><td style="...text-align:right...">1,000</td></tr></tbody></table>
    """
    numeric, wrap = set(numeric), set(wrap)

    def style(column, header: bool) -> str:
        align = "right" if column in numeric else "left"
        extra = "vertical-align:bottom;" if header else ("vertical-align:top;" if column in wrap else "white-space:nowrap;")
        return f'style="{_CELL}text-align:{align};{extra}"'

    head = "".join(f"<th {style(c, True)}>{escape_html(c)}</th>" for c in frame.columns)
    index_head = f"<th {style(None, True)}>{escape_html(frame.index.name or '')}</th>" if index else ""
    rows = []
    for entity, values in zip(frame.index, frame.itertuples(index=False)):
        cells = "".join(f"<td {style(c, False)}>{escape_html(v)}</td>" for c, v in zip(frame.columns, values))
        row_head = f'<th scope="row" {style(None, False)}>{escape_html(entity)}</th>' if index else ""
        rows.append(f"<tr>{row_head}{cells}</tr>")
    return (f'<table class="{escape_html(css_class)}" style="border-collapse:collapse;line-height:1.35">'
            f"<thead><tr>{index_head}{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


class ErrorBox(widgets.HTML):
    """Shows a problem as a readable message (Voila hides tracebacks from viewers)."""

    def show(self, exc: BaseException | str) -> None:
        """Display ``exc`` (an exception or a message)."""
        kind = "" if isinstance(exc, str) else f"<b>{escape_html(type(exc).__name__)}</b>: "
        self.value = (
            '<div class="wb-error" style="color:#8a1c1c;background:#fdecea;'
            f'padding:8px;border-radius:4px">{kind}{escape_html(exc)}</div>'
        )

    def clear(self) -> None:
        """Hide the message."""
        self.value = ""
