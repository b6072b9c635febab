"""The data-source picker in Voila, driven in headless Chromium (the KPI scorecard app, the fastest).

Two browser contexts are two sessions: each page runs its own kernel, and an upload in
one never shows in the other. The uploaded zip carries a stored (incompressible) member
bigger than tornado's default websocket message limit (10 MiB), so the test also proves
that ``etc/jupyter/voila.json`` lets an upload within the documented limit through.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
from upload_data import UPLOADED_REPS, uploaded_tables, zip_of_csvs

from workbench.apps.uploads import TEMP_PREFIX
from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
#: Bigger than tornado's default websocket_max_message_size (10 MiB), within the upload limits.
PADDING_BYTES = 11 << 20
_ROWS = "table.wb-scorecard tbody tr th"


@pytest.fixture(scope="module")
def scorecard_app(serve_voila, tmp_path_factory) -> str:
    assert (ROOT / "etc" / "jupyter" / "voila.json").exists(), "the served configuration raises the message limit"
    folder = tmp_path_factory.mktemp("picker_app")
    write_sample(folder / "data", n_reps=6, months=8, seed=3)
    base = serve_voila(ROOT / "apps", {"WORKBENCH_DATA": str(folder / "data")})
    return f"{base}/voila/render/kpi_scorecard.ipynb"


def _open(page, url: str) -> None:
    page.goto(url, timeout=300_000)
    page.locator(_ROWS).first.wait_for(timeout=300_000)


def _rep_ids(page) -> list[str]:
    return page.locator(_ROWS).all_inner_texts()


def _upload(page, name: str, content: bytes) -> None:
    page.locator(".wb-data-source button", has_text="Upload files").click()
    with page.expect_file_chooser() as chooser:
        page.locator(".wb-data-source .widget-upload").click()
    chooser.value.set_files(files=[{"name": name, "mimeType": "application/zip", "buffer": content}])


def _upload_folders_holding(name: str) -> set[Path]:
    """This machine's upload folders (every session's) holding a file called ``name``."""
    return {folder for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*")
            if any(folder.glob(f"upload-*/{name}"))}


def test_upload_shows_the_uploaded_reps_a_bad_upload_is_an_error_and_sessions_are_isolated(
        scorecard_app, page, browser):
    # session B is the test's page; session A another browser context: its own page, its own kernel
    _open(page, scorecard_app)
    sample_reps = _rep_ids(page)
    assert sample_reps == [f"R{i:03d}" for i in range(1, 7)]
    assert "Showing Configured data:" in page.locator(".wb-data-status").inner_text()

    session_a = browser.new_context()
    try:
        page_a = session_a.new_page()
        _open(page_a, scorecard_app)

        # session A uploads a zip of CSVs (over 10 MiB with an ignored member)
        marker = f"scan-{uuid.uuid4().hex}.bin"
        content = zip_of_csvs(uploaded_tables(), folder="team_export/",
                              extra={f"attachments/{marker}": os.urandom(PADDING_BYTES)})
        assert len(content) > 10 << 20
        _upload(page_a, "team.zip", content)
        page_a.wait_for_function(f"[...document.querySelectorAll({_ROWS!r})].map(e => e.innerText).join() === "
                                 f"{','.join(UPLOADED_REPS)!r}", timeout=180_000)
        page_a.locator(".vega-embed svg.marks").first.wait_for(timeout=60_000)
        assert page_a.locator(".wb-data-status").inner_text().startswith("Showing upload (team.zip):")
        assert page_a.locator(".wb-error").count() == 0
        page_a.locator(".wb-data-report-details summary").click()
        report = page_a.locator(".wb-data-report-details").inner_text()
        assert marker in report and "/tmp" not in report
        assert len(_upload_folders_holding(marker)) == 1  # in one session's temporary folder

        # a bad upload: a readable message, and the uploaded data stays
        _upload(page_a, "broken.zip", b"this is not a zip")
        error = page_a.locator(".wb-error")
        error.wait_for(timeout=60_000)
        text = error.inner_text()
        assert "Could not load upload (broken.zip); still showing upload (team.zip)." in text
        assert "broken.zip: is not a zip archive" in text and "Traceback" not in text
        assert _rep_ids(page_a) == UPLOADED_REPS
        assert page_a.content().count("There was an error when executing cell") == 0

        # session B never saw A's data, before or after a reload (a new kernel)
        assert _rep_ids(page) == sample_reps
        assert page.locator(".wb-data-status").inner_text().startswith("Showing Configured data:")
        _open(page, scorecard_app)
        assert _rep_ids(page) == sample_reps
        assert page.locator(".wb-error").count() == 0
    finally:
        session_a.close()
