"""Every notebook and app notebook passes "restart and run all", and is committed without outputs.

An app notebook (``apps/NAME.ipynb``) is run by its browser test
(``tests/apps/test_NAME_app.py``, which opens it in Voila and fails on any failed cell)
when that test is part of the session and Chromium is there; it is then not run a second
time here. Without a browser (outside CI) it is run here, so no notebook goes unexecuted.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import chromium_path
from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("apps/*.ipynb")])


def _run(path: Path, data: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("WORKBENCH_DATA", str(data))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    return notebook


def _browser_test_running(path: Path, session) -> str | None:
    """The browser test of app notebook ``path`` when it runs in this session with Chromium, else None."""
    if path.parent.name != "apps" or chromium_path() is None:
        return None
    module = f"tests/apps/test_{path.stem}_app.py"
    source = ROOT / module
    if not source.exists() or f"voila/render/{path.name}" not in source.read_text(encoding="utf-8"):
        return None
    return module if any(item.nodeid.startswith(f"{module}::") for item in session.items) else None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_runs_top_to_bottom(path, monkeypatch, request):
    browser_test = _browser_test_running(path, request.session)
    if browser_test:
        pytest.skip(f"run in Voila by {browser_test}, which fails on any failed cell")
    _run(path, ROOT / "sample_data", monkeypatch)


def test_diagnosis_notebook_runs_when_nothing_is_found(tmp_path, monkeypatch):
    # was: IndexError when the diagnosis had no findings
    write_sample(tmp_path, n_reps=10, months=12, seed=1, planted=False)
    notebook = _run(ROOT / "notebooks" / "03_diagnosis.ipynb", tmp_path, monkeypatch)
    printed = "".join(o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs)
    assert "No rep has a significant and material finding" in printed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_is_committed_without_outputs(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)
