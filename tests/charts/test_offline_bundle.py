"""The Vega bundle the offline charts need is built once, kept in the cache folder, and sent to a page once."""

from __future__ import annotations

import altair as alt
import pytest

from workbench.apps import chart_widget
from workbench.charts.renderer import enable_offline_widgets, vega_library


@pytest.fixture
def fresh_widget_class(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)
    monkeypatch.setattr(alt.JupyterChart, "_esm", alt.JupyterChart._esm)
    vega_library.cache_clear()  # as in a new kernel
    yield tmp_path
    vega_library.cache_clear()


def test_a_new_kernel_reads_the_bundle_back_instead_of_bundling_again(fresh_widget_class, monkeypatch):
    enable_offline_widgets()
    assert alt.JupyterChart._is_offline
    built = vega_library().source
    kept = list((fresh_widget_class / "vega").glob("jupyterchart-*.js"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == built
    assert len(built) > 100_000  # Vega, Vega-Lite and vega-embed themselves, not a link to a CDN

    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)  # as in a new kernel
    monkeypatch.setattr(alt.JupyterChart, "_esm", "")
    vega_library.cache_clear()

    def no_bundling(*args, **kwargs):
        raise AssertionError("bundled again although the cache holds the bundle")

    monkeypatch.setattr(alt.JupyterChart, "enable_offline", no_bundling)
    enable_offline_widgets()
    assert alt.JupyterChart._is_offline and vega_library().source == built


def test_without_the_cache_it_still_bundles(fresh_widget_class, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE", "0")
    enable_offline_widgets()
    assert alt.JupyterChart._is_offline
    assert len(vega_library().source) > 100_000
    assert not (fresh_widget_class / "vega").exists()


def test_chart_widgets_carry_a_small_loader_and_share_one_library(fresh_widget_class):
    chart = alt.Chart(alt.Data(values=[{"a": 1}])).mark_point().encode(x="a:Q")
    first, second = chart_widget(chart), chart_widget(chart)
    library = vega_library()
    for widget in (first, second):
        assert len(widget._esm) < 5_000  # not Vega again in every chart widget
        assert library.key in widget._esm and "http" not in widget._esm
    assert library.key.startswith("jupyterchart-altair")
    assert "vegaEmbed" in library.source or "vega" in library.source
    enable_offline_widgets()
    assert vega_library() is library  # one library per kernel, however many charts


def test_a_closed_library_is_made_again(fresh_widget_class):
    enable_offline_widgets()
    closed = vega_library()
    closed.close()
    enable_offline_widgets()
    assert vega_library() is not closed and vega_library().comm is not None
    assert vega_library().source == closed.source
