"""Pieces every app panel shares: offline charts, readable errors, the data source."""

from __future__ import annotations

import os
from pathlib import Path

import altair as alt
import ipywidgets as widgets

__all__ = ["ErrorBox", "chart_widget", "default_data_source", "DATA_ENV_VAR"]

#: Environment variable naming the data source apps load (a folder, DuckDB file, ...).
DATA_ENV_VAR = "WORKBENCH_DATA"

_offline_enabled = {"done": False}


def chart_widget(chart: alt.TopLevelMixin) -> alt.JupyterChart:
    """Wrap an Altair chart in a widget that draws without internet access.

    Voila pages cannot load Vega from a CDN here; ``JupyterChart`` in offline mode
    bundles it. Update the returned widget with ``widget.chart = new_chart``.
    """
    if not _offline_enabled["done"]:
        alt.JupyterChart.enable_offline()
        _offline_enabled["done"] = True
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


class ErrorBox(widgets.HTML):
    """Shows a problem as a readable message (Voila hides tracebacks from viewers)."""

    def show(self, exc: BaseException | str) -> None:
        """Display ``exc`` (an exception or a message)."""
        text = str(exc) if not isinstance(exc, str) else exc
        kind = "" if isinstance(exc, str) else f"<b>{type(exc).__name__}</b>: "
        self.value = (
            '<div class="wb-error" style="color:#8a1c1c;background:#fdecea;'
            f'padding:8px;border-radius:4px">{kind}{_escape(text)}</div>'
        )

    def clear(self) -> None:
        """Hide the message."""
        self.value = ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
