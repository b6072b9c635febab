"""Every notebook and app notebook passes "restart and run all", and is committed without outputs."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from workbench.sample import write_sample

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("apps/*.ipynb")])


def _run(path: Path, data: Path, monkeypatch) -> nbformat.NotebookNode:
    monkeypatch.setenv("WORKBENCH_DATA", str(data))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    return notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_notebook_runs_top_to_bottom(path, monkeypatch):
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
