"""Start Voila and headless Chromium for the browser benchmarks (``app_latency``, ``whatif_bench``).

:func:`serve` starts Voila on a free port of 127.0.0.1 with the workbench's template and
configuration (``share/jupyter``, ``etc/jupyter``: what ``make run`` uses), its runtime files
in a temporary folder, and returns once it answers; :func:`stop` ends it and its kernels.
:func:`chromium` finds Debian's Chromium (Playwright cannot download its own here).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
#: What ``make run`` adds to the environment: the workbench's Voila template and configuration.
WORKBENCH_VOILA_ENV = {"JUPYTER_PATH": str(ROOT / "share" / "jupyter"),
                       "JUPYTER_CONFIG_PATH": str(ROOT / "etc" / "jupyter")}
#: Seconds Voila waits before refilling a kernel pool (``make run``'s configuration).
FILL_DELAY_S = float(json.loads((ROOT / "etc" / "jupyter" / "voila.json").read_text())
                     ["VoilaKernelManager"]["fill_delay"])
_KERNEL_STARTED = re.compile(r"Kernel started: ([0-9a-f-]{36})")


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def chromium() -> str:
    """Path of the installed Chromium; raises with the install command when there is none."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("Chromium is not installed (apt-get install chromium); the browser benchmark needs it.")


def serve(apps: Path, runtime: Path, env: dict, args: tuple[str, ...] = (), *,
          timeout_s: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start Voila on ``apps`` (a folder of notebooks); return the process and its base URL.

    Parameters
    ----------
    apps : Path
        Folder served.
    runtime : Path
        Existing folder for Voila's data, runtime and connection files and ``voila.log``.
    env : dict
        Added to the environment (after :data:`WORKBENCH_VOILA_ENV`), e.g. ``WORKBENCH_DATA``.
    args : tuple of str
        Extra command-line options, e.g. ``("--preheat_kernel=True", "--pool_size=1")``.
    timeout_s : float
        Longest wait for Voila to answer.
    """
    port = free_port()
    full_env = {**os.environ, "JUPYTER_DATA_DIR": str(runtime / "data"), "JUPYTER_RUNTIME_DIR": str(runtime / "runtime"),
                **WORKBENCH_VOILA_ENV, **env}
    with open(runtime / "voila.log", "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "voila", str(apps), "--no-browser", f"--port={port}",
                                 "--Voila.ip=127.0.0.1", f"--Voila.connection_dir_root={runtime}", *args],
                                env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(f"{base}/voila/static/voila.js", timeout=2) as response:
                if response.status == 200:
                    return proc, base
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            raise RuntimeError(f"Voila did not start: {(runtime / 'voila.log').read_text()[-2000:]}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    """Stop Voila and its kernels (SIGTERM to its process group, SIGKILL after 15 s)."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def kernels_started(runtime: Path) -> list[str]:
    """Ids of the kernels Voila started so far (from ``voila.log`` in ``runtime``)."""
    return list(dict.fromkeys(_KERNEL_STARTED.findall((runtime / "voila.log").read_text())))


def kernel_states(base: str, runtime: Path) -> dict[str, str]:
    """``kernel id -> execution state`` of the kernels Voila started that still run (ids from ``voila.log``)."""
    states = {}
    for kernel_id in kernels_started(runtime):
        try:
            with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}", timeout=5) as response:
                states[kernel_id] = json.load(response).get("execution_state")
        except OSError:  # shut down (404) or not reachable
            continue
    return states


def wait_until_idle(base: str, runtime: Path, *, min_kernels: int = 0, quiet_s: float = 3.0, settle_s: float = 30.0,
                    timeout_s: float = 900.0) -> float:
    """Wait until Voila has started ``min_kernels`` kernels and all have run their notebook.

    A kernel has run its notebook once it was seen busy and is idle again, or has stayed idle
    for ``settle_s`` (a preheated kernel may sit idle a moment between its start and its first
    cell); all of them idle for ``quiet_s``. With preheated kernels this is a warm pool.
    Returns the seconds waited; raises ``TimeoutError`` after ``timeout_s``.
    """
    started = time.monotonic()
    seen_busy: set[str] = set()
    first_seen: dict[str, float] = {}
    quiet_since = None
    while True:
        now = time.monotonic()
        states = kernel_states(base, runtime)
        for kernel_id, state in states.items():
            first_seen.setdefault(kernel_id, now)
            if state not in ("idle", "dead"):
                seen_busy.add(kernel_id)
        done = (len(kernels_started(runtime)) >= min_kernels
                and all(state in ("idle", "dead") and (k in seen_busy or now - first_seen[k] >= settle_s)
                        for k, state in states.items()))
        if not done:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= quiet_s:
            return now - started
        if now - started > timeout_s:
            raise TimeoutError(f"Voila's kernels still busy after {timeout_s:.0f} s")
        time.sleep(0.5)
