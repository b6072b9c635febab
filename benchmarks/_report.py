"""Write a benchmark's result table into ``docs/benchmarks.md``: the one place for figures.

Every ``benchmarks/<name>_bench.py`` builds its result as markdown, prints it and calls
:func:`publish`, which replaces the section between ``<!-- bench:<name> -->`` and
``<!-- /bench:<name> -->`` in ``docs/benchmarks.md`` (appending it when missing), stamped
with the date, the machine and the exact command. Nothing else writes figures there, and
the README and the other docs pages link to that page instead of repeating them
(``tests/test_readme.py`` checks both).

Each script takes ``--no-publish`` (see :func:`add_publish_flag`) for a dry run that only
prints.

Examples
--------
>>> import tempfile, pathlib
>>> doc = pathlib.Path(tempfile.mkdtemp()) / "benchmarks.md"
>>> _ = doc.write_text("# Benchmarks\\n\\n<!-- bench:demo -->\\nold\\n<!-- /bench:demo -->\\n\\nafter\\n")
>>> _ = publish("demo", "| a |\\n|---|\\n| 1 |", path=doc, command="python benchmarks/demo_bench.py")
>>> text = doc.read_text()
>>> "old" in text, "| 1 |" in text, text.rstrip().endswith("after")
(False, True, True)
>>> sections(text)
['demo']
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shlex
import sys
from pathlib import Path

__all__ = ["BENCH_DOC", "publish", "sections", "add_publish_flag", "machine", "command_line", "table"]

ROOT = Path(__file__).resolve().parents[1]
#: The page every benchmark writes its figures to.
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION = re.compile(r"<!-- bench:([a-z][a-z0-9_]*) -->")
_HEADER = "# Benchmarks\n\nFigures below are written by the scripts in `benchmarks/`; do not edit them by hand.\n"
# The load average when this helper was imported, i.e. when the benchmark script started.
_LOAD_AT_START = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def machine() -> str:
    """``Linux x86_64, 2 cores, 23 GiB, Python 3.11.2``: what the figures were measured on."""
    parts = [f"{platform.system()} {platform.machine()}", f"{os.cpu_count()} cores"]
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        parts.append(f"{memory:.0f} GiB")
    except (ValueError, OSError, AttributeError):
        pass
    parts.append(f"Python {platform.python_version()}")
    return ", ".join(parts)


def command_line(argv: list[str] | None = None) -> str:
    """The command that ran the benchmark, relative to the repository root."""
    argv = list(sys.argv if argv is None else argv)
    script = Path(argv[0]).resolve()
    try:
        script_text = str(script.relative_to(ROOT))
    except ValueError:
        script_text = argv[0]
    return shlex.join(["python", script_text, *argv[1:]])


def sections(text: str) -> list[str]:
    """Names of the ``<!-- bench:NAME -->`` sections in ``text``, in order."""
    return _SECTION.findall(text)


def publish(name: str, markdown: str, *, path: Path | str = BENCH_DOC, command: str | None = None,
            today: dt.date | None = None) -> Path:
    """Replace (or append) the ``bench:<name>`` section of ``path`` with ``markdown``.

    Parameters
    ----------
    name : str
        The benchmark's name: ``kpi`` for ``benchmarks/kpi_bench.py``.
    markdown : str
        The result as markdown (a table and a few lines), exactly as the script printed it.
    path : path, optional
        The page to write (default ``docs/benchmarks.md``; created when missing).
    command, today : optional
        The command and date in the stamp (default: this process's command line, today).

    Returns
    -------
    Path
        The page written.
    """
    if not _NAME.match(name):
        raise ValueError(f"The 'name' parameter of publish must be lower-case letters, digits and '_'; "
                         f"got {name!r} instead.")
    path = Path(path)
    stamp = (f"_Measured {(today or dt.date.today()).isoformat()} on {machine()}; load average "
             f"{_LOAD_AT_START:.1f} when it started; command: `{command or command_line()}`_")
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{stamp}\n\n{markdown.strip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + f"\n\n## {name}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def add_publish_flag(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``--no-publish`` (print the result only; leave ``docs/benchmarks.md`` alone)."""
    parser.add_argument("--no-publish", action="store_true",
                        help=f"print the result only; do not write it to {BENCH_DOC.relative_to(ROOT)}")
    return parser


def table(header: list[str], rows: list[list], align: str | None = None) -> str:
    """A markdown table; ``align`` is one letter per column, ``l`` or ``r`` (default: first l, rest r)."""
    align = align or "l" + "r" * (len(header) - 1)
    rule = ["---" if a == "l" else "---:" for a in align]
    lines = [header, rule, *[[str(c) for c in r] for r in rows]]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)
