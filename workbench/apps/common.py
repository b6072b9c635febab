"""Pieces every app panel shares: offline charts, readable errors, the data source."""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import ipywidgets as widgets
import pandas as pd

from workbench.charts.renderer import enable_offline_widgets
from workbench.markup import escape_html

__all__ = ["LANGS", "ErrorBox", "chart_widget", "default_data_source", "html_table", "DATA_ENV_VAR"]

#: The language picker's choices, in every app.
LANGS = [("English", "en"), ("中文", "zh")]

#: Environment variable naming the data source apps load (a folder, DuckDB file, ...).
DATA_ENV_VAR = "WORKBENCH_DATA"

def chart_widget(chart: alt.TopLevelMixin) -> alt.JupyterChart:
    """Wrap an Altair chart in a widget that draws without internet access.

    Voila pages cannot load Vega from a CDN here; ``JupyterChart`` in offline mode
    bundles it. Update the returned widget with ``widget.chart = new_chart``.
    """
    enable_offline_widgets()  # once per process: it returns at once when the widgets are offline already
    return alt.JupyterChart(chart)


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
