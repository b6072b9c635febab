"""Fixtures that serve the Voila apps; the headless Chromium that drives them is set up in
``tests/conftest.py`` (browser tests fail, not skip, when ``CI=true`` and it is missing).

A browser test also stands in for "restart and run all" of the app notebook it opens
(``tests/test_notebooks.py`` leaves that notebook to it when the browser is there), so
every browser test checks that no cell of the page failed (:data:`CELL_ERRORS`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


#: What Voila shows in place of a cell that raised or timed out.
CELL_ERRORS = ("There was an error when executing cell", "Cell execution timed out")


@pytest.fixture(autouse=True)
def _no_failed_cell_in_voila(request):
    """After a browser test: no cell of the app notebook it opened failed in Voila."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")  # set up here, so it is still open after the test
    yield
    text = page.content()
    failed = [message for message in CELL_ERRORS if message in text]
    assert failed == [], f"a cell of {page.url} failed in Voila: {failed}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_voila(apps: Path, runtime: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """Start Voila on ``apps`` (a folder of notebooks) with ``env`` added; return the process and base URL."""
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_DATA_DIR": str(runtime / "data"),
        "JUPYTER_RUNTIME_DIR": str(runtime / "runtime"),
        # the workbench's Voila template and configuration, as `make run` serves them
        "JUPYTER_PATH": str(ROOT / "share" / "jupyter"),
        "JUPYTER_CONFIG_PATH": str(ROOT / "etc" / "jupyter"),
        **env,
    }
    log = open(runtime / "voila.log", "w")
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "voila", str(apps), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", f"--Voila.connection_dir_root={runtime}",
        ],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Voila did not start; log:\n{(runtime / 'voila.log').read_text()[-3000:]}")
        time.sleep(0.3)
    return proc, base


def _stop_voila(proc: subprocess.Popen) -> None:
    """Stop Voila and its kernels."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def voila_server(tmp_path_factory):
    """Serve ``apps/`` with Voila on a free port; yields the base URL."""
    proc, base = _start_voila(ROOT / "apps", tmp_path_factory.mktemp("voila"),
                             {"WORKBENCH_DATA": str(ROOT / "sample_data")})
    yield base
    _stop_voila(proc)


@pytest.fixture(scope="session")
def serve_voila(tmp_path_factory):
    """A function ``serve(apps, env) -> base URL`` serving another folder of notebooks with ``env`` added
    (e.g. a smaller ``WORKBENCH_DATA``); every server it starts stops at the end of the session."""
    procs = []

    def serve(apps: Path, env: dict) -> str:
        proc, base = _start_voila(apps, tmp_path_factory.mktemp("voila"), env)
        procs.append(proc)
        return base

    yield serve
    for proc in procs:
        _stop_voila(proc)
