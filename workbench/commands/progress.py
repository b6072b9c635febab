"""Progress of a command on stderr: named stages, drawn as a bar only on a terminal.

Every sub-command that can take more than a moment steps through named stages
("loading data", "computing KPIs", "writing kpis.csv"). On a terminal they are shown
as one bar on stderr whose clock keeps running during a long stage; the bar is wiped
at the end of each stage, so what the command prints on stdout between stages starts
on a clean line. Nothing is shown when stderr is not a terminal (a pipe, a log file,
a notebook), so piped output stays exactly the command's output.

Set ``WORKBENCH_PROGRESS=1`` to show progress anyway (tests do) and
``WORKBENCH_PROGRESS=0`` to hide it on a terminal.

Examples
--------
>>> from workbench.commands.progress import Progress
>>> progress = Progress("workbench kpi", ["loading data", "computing KPIs"], enabled=False)
>>> with progress.stage("loading data"):
...     pass
>>> with progress.stage("computing KPIs"):
...     pass
>>> progress.done
2
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from contextlib import contextmanager

__all__ = ["Progress", "ENV_VAR"]

#: Environment variable that forces progress on (``1``) or off (``0``).
ENV_VAR = "WORKBENCH_PROGRESS"

_BAR_FORMAT = "{desc} |{bar}| {n_fmt}/{total_fmt} [{elapsed}]"


def _wanted(file) -> bool:
    forced = os.environ.get(ENV_VAR, "").strip().lower()
    if forced in ("1", "true", "yes", "on"):
        return True
    if forced in ("0", "false", "no", "off"):
        return False
    isatty = getattr(file, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


class Progress:
    """The stages of one command run, shown on stderr.

    Parameters
    ----------
    command : str
        Shown before the stage name, e.g. ``"workbench forecast"``.
    stages : sequence of str
        The stages this run will go through, in order (their number sizes the bar).
    enabled : bool, optional
        Show progress; by default only when stderr is a terminal (see ``WORKBENCH_PROGRESS``).
    delay : float, optional
        Seconds after the first stage starts before anything is drawn, so that quick
        commands do not flicker (default 0.5 on a terminal, 0 when forced on).
    interval : float
        Seconds between redraws while a stage runs (the clock keeps moving).

    Notes
    -----
    Only stderr is written to. A stage that raises still wipes the bar before the
    error propagates, so the command's error message starts on a clean line.
    """

    def __init__(self, command: str, stages, *, enabled: bool | None = None, delay: float | None = None,
                 interval: float = 0.5):
        self.command = command
        self.stages = list(stages)
        self.file = sys.stderr
        forced = os.environ.get(ENV_VAR, "").strip().lower() in ("1", "true", "yes", "on")
        self.enabled = _wanted(self.file) if enabled is None else bool(enabled)
        self.delay = (0.0 if forced or enabled else 0.5) if delay is None else float(delay)
        self.interval = interval
        self.done = 0
        self._bar = None
        self._started = None

    @contextmanager
    def stage(self, name: str):
        """Run the body as the stage ``name``; the bar advances when it ends."""
        if not self.enabled:
            try:
                yield self
            finally:
                self.done += 1
            return
        bar = self._ensure_bar(name)
        bar.set_description_str(f"{self.command}: {name}", refresh=False)
        stop = threading.Event()
        ticker = threading.Thread(target=self._tick, args=(stop,), daemon=True)
        self._draw()
        ticker.start()
        try:
            yield self
        finally:
            stop.set()
            ticker.join()
            self.done += 1
            bar.update(1)
            bar.clear()
            if self.done >= len(self.stages):
                self.close()

    def close(self) -> None:
        """Remove the bar (also done after the last stage)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _ensure_bar(self, name: str):
        if self._bar is None:
            from tqdm import tqdm  # plain text on stderr, also when run inside a notebook

            self._started = time.monotonic()
            # shutil falls back to 100x24 where a terminal reports a size of 0 (tqdm would then draw nothing)
            size = shutil.get_terminal_size((100, 24))
            self._bar = tqdm(total=max(len(self.stages), 1), initial=self.done, desc=f"{self.command}: {name}",
                             file=self.file, leave=False, disable=False, bar_format=_BAR_FORMAT,
                             ncols=min(size.columns, 100), nrows=max(size.lines, 3), mininterval=0, delay=self.delay)
        return self._bar

    def _draw(self) -> None:
        if self._bar is not None and time.monotonic() - self._started >= self.delay:
            self._bar.refresh()

    def _tick(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            self._draw()
