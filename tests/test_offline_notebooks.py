"""Notebook charts draw with no network: ``workbench.charts.offline()`` in JupyterLab and in an
HTML export (``jupyter nbconvert --to html``) opened in Chromium with every request blocked."""

from __future__ import annotations

from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter

from workbench.charts.renderer import RENDERER_NAME, OfflineRenderer, offline

ROOT = Path(__file__).resolve().parents[1]
LIBRARY = "window.vegaEmbed="  # what the vega-embed bundle defines, once per page
HOSTILE_TITLE = "</script><script>document.title='owned'</script> & <b>"

#: A small analyst notebook: the setup line, two charts (one titled with markup), a table.
CELLS = [
    "import altair as alt\nimport pandas as pd\n\nimport workbench.charts\n\nworkbench.charts.offline()",
    "bookings = pd.DataFrame({'team': ['East', 'West', 'North'], 'bookings': [120.0, 95.5, 143.2]})\n"
    "alt.Chart(bookings).mark_bar().encode(x='team', y='bookings')",
    f"alt.Chart(bookings, title={HOSTILE_TITLE!r}).mark_line(point=True).encode(x='team', y='bookings')",
    "bookings",
]


@pytest.fixture
def restore_renderer():
    previous = alt.renderers.active
    yield
    alt.renderers.enable(previous)


def _spec(title: str = "Bookings") -> dict:
    frame = pd.DataFrame({"team": ["East", "West"], "bookings": [1.0, 2.0]})
    return alt.Chart(frame, title=title).mark_bar().encode(x="team", y="bookings").to_dict()


def test_offline_enables_the_renderer(restore_renderer):
    assert offline() is None
    assert alt.renderers.active == RENDERER_NAME
    bundle = alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a")._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    assert LIBRARY in bundle["text/html"]


def test_library_goes_with_the_first_chart_only_and_again_after_a_new_renderer():
    render = OfflineRenderer()
    first, second = render(_spec())["text/html"], render(_spec())["text/html"]
    assert first.count(LIBRARY) == 1 and LIBRARY not in second
    assert len(second) < 5_000 < 500_000 < len(first)
    assert render.library_sent
    assert LIBRARY in OfflineRenderer()(_spec())["text/html"]


def test_markup_in_a_chart_cannot_end_the_script():
    render = OfflineRenderer()
    render.library_sent = True  # only the chart's own script
    html = render(_spec(HOSTILE_TITLE))["text/html"]
    assert html.count("<script") == html.count("</script>") == 1
    assert "<b>" not in html and "</script><script>" not in html


def test_plain_text_names_the_chart():
    assert OfflineRenderer()(_spec("Bookings by team"))["text/plain"] == "<Altair chart: Bookings by team>"


def test_every_analyst_notebook_enables_offline_charts_in_its_first_cell():
    for path in sorted(ROOT.glob("notebooks/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        assert "workbench.charts.offline()" in first.source, path.name


@pytest.fixture(scope="module")
def exported_html(tmp_path_factory) -> Path:
    """The small notebook, run with nbclient and exported to HTML as ``nbconvert --to html`` does."""
    folder = tmp_path_factory.mktemp("offline_notebook")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in CELLS])
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    errors = [o for c in notebook.cells for o in c.outputs if o.output_type == "error"]
    assert errors == []
    body, _ = HTMLExporter().from_notebook_node(notebook)
    path = folder / "analysis.html"
    path.write_text(body, encoding="utf-8")
    return path


def test_export_carries_the_library_once(exported_html):
    text = exported_html.read_text(encoding="utf-8")
    assert text.count(LIBRARY) == 1
    assert text.count('class="wb-offline-chart"') == 2
    assert exported_html.stat().st_size < 2_000_000  # one library (~0.9 MB) + the page, not one per chart


def test_exported_notebook_draws_its_charts_with_the_network_blocked(exported_html, page):
    blocked: list[str] = []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(exported_html.as_uri(), timeout=60_000)
    charts = page.locator(".wb-offline-chart svg.marks")
    page.wait_for_function("() => document.querySelectorAll('.wb-offline-chart svg.marks').length === 2",
                           timeout=60_000)
    assert charts.count() == 2
    assert page.locator(".wb-offline-chart svg.marks path, .wb-offline-chart svg.marks .mark-rect").count() > 0
    # the markup in the title is drawn as text, and ran nothing
    titles = page.locator(".wb-offline-chart svg.marks text").all_text_contents()
    assert HOSTILE_TITLE in titles
    assert page.title() != "owned"
    assert page.locator(".wb-offline-chart", has_text="needs the chart library").count() == 0
