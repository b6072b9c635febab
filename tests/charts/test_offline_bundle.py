"""The Vega bundle the offline charts need is built once and kept in the cache folder."""

from __future__ import annotations

import altair as alt
import pytest

from workbench.charts.renderer import enable_offline_widgets


@pytest.fixture
def fresh_widget_class(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)
    monkeypatch.setattr(alt.JupyterChart, "_esm", alt.JupyterChart._esm)
    return tmp_path


def test_a_new_kernel_reads_the_bundle_back_instead_of_bundling_again(fresh_widget_class, monkeypatch):
    enable_offline_widgets()
    assert alt.JupyterChart._is_offline
    built = alt.JupyterChart._esm
    kept = list((fresh_widget_class / "vega").glob("jupyterchart-*.js"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8") == built
    assert len(built) > 100_000  # Vega, Vega-Lite and vega-embed themselves, not a link to a CDN

    monkeypatch.setattr(alt.JupyterChart, "_is_offline", False)  # as in a new kernel
    monkeypatch.setattr(alt.JupyterChart, "_esm", "")

    def no_bundling(*args, **kwargs):
        raise AssertionError("bundled again although the cache holds the bundle")

    monkeypatch.setattr(alt.JupyterChart, "enable_offline", no_bundling)
    enable_offline_widgets()
    assert alt.JupyterChart._is_offline and alt.JupyterChart._esm == built


def test_without_the_cache_it_still_bundles(fresh_widget_class, monkeypatch):
    monkeypatch.setenv("WORKBENCH_CACHE", "0")
    enable_offline_widgets()
    assert alt.JupyterChart._is_offline
    assert not (fresh_widget_class / "vega").exists()
