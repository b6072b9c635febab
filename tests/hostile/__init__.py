"""The hostile corpus: odd, broken and malicious inputs, each written by code, with its expected outcome.

Every case is a :class:`HostileCase` registered in :data:`CASES` by the module of its area
(``tests/hostile/<area>_cases.py``); ``tests/data/hostile/build.py`` writes them all to disk
(``python tests/data/hostile/build.py OUT_DIR``) and the tests of each area build the cases
they need into a temporary folder. No binary blobs are committed: the files are made here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

__all__ = ["HostileCase", "CASES", "register", "build_all"]


@dataclass(frozen=True)
class HostileCase:
    """One hostile input.

    Attributes
    ----------
    name : str
        Unique, kebab-case (``csv-unclosed-quote``); the case's folder name.
    area : str
        ``io``, ``html``, ``export``, ``cli``, …: the module that registers it.
    write : callable
        ``write(folder: Path) -> None`` writes the case's files (a data folder the CLI reads).
    expect : str
        One sentence: what must happen (e.g. "every line is loaded, quarantined or listed as skipped").
    """

    name: str
    area: str
    write: Callable[[Path], None]
    expect: str


#: Every registered case, by name.
CASES: dict[str, HostileCase] = {}


def register(case: HostileCase) -> HostileCase:
    """Add ``case`` to :data:`CASES` (names must be unique)."""
    if case.name in CASES:
        raise ValueError(f"hostile case {case.name!r} is registered twice")
    CASES[case.name] = case
    return case


def build_all(out_dir) -> list[Path]:
    """Write every case of every area into ``out_dir/<name>/``; returns the folders."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.endswith("_cases"):
            importlib.import_module(f"tests.hostile.{module.name}")
    folders = []
    for case in CASES.values():
        folder = Path(out_dir) / case.name
        folder.mkdir(parents=True, exist_ok=True)
        case.write(folder)
        (folder / "EXPECT.txt").write_text(case.expect + "\n", encoding="utf-8")
        folders.append(folder)
    return folders
