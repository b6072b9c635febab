"""The README a newcomer reads: short, every command in it runs as written, every link in
it and in ``docs/`` resolves, and no benchmark figure is copied by hand.

Commands are taken from the README's ```bash blocks: ``workbench …`` and
``.venv/bin/workbench …`` lines run with this environment's ``workbench`` script in a
temporary folder holding a copy of ``sample_data/`` and ``docs/examples/`` (so every output
file lands there); long-running servers (``make run``, ``make lab``) are only dry-run with
``make -n``. The ```python blocks run in a subprocess in such a folder.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
BENCH_DOC = ROOT / "docs" / "benchmarks.md"
BIN = Path(sys.executable).parent  # this environment's console scripts (.venv/bin after `make test`)
MAX_LINES = 200

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.M)
_SECTION = re.compile(r"<!-- bench:([a-z0-9_]+) -->(.*?)<!-- /bench:\1 -->", re.S)
#: Timing, memory and throughput figures ("4.6 s", "641 MB", "557,000 rows/s"): these belong
#: to docs/benchmarks.md, where the benchmark scripts write them.
_FIGURE = re.compile(
    r"\b\d[\d,]*(?:\.\d+)?\s?(?:s|ms|sec|secs|seconds?|min|minutes?|KB|MB|GB|MiB|GiB)\b(?!-)|\brows/s\b", re.I)


def _blocks(text: str, language: str) -> list[str]:
    return [body for lang, body in _FENCE.findall(text) if lang == language]


def _commands(text: str) -> list[str]:
    """Every command line of the ```bash blocks (comments dropped, continuations joined)."""
    commands = []
    for block in _blocks(text, "bash"):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            if words:
                commands.append(shlex.join(words))
    return commands


def _split(command: str) -> tuple[dict, list[str]]:
    """``NAME=value … program args`` → (environment additions, argv)."""
    words = shlex.split(command)
    env = {}
    while words and _ASSIGNMENT.match(words[0]):
        name, value = words.pop(0).split("=", 1)
        env[name] = value
    return env, words


def _kind(argv: list[str]) -> str:
    program = argv[0]
    if program in ("workbench", ".venv/bin/workbench"):
        return "workbench"
    if program == "make":
        return "make"
    if program in ("source", "."):
        return "source"
    return "unknown"


def _workdir(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sample_data", tmp_path / "sample_data")
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    return tmp_path


def _outside_code(text: str) -> str:
    return _FENCE.sub("", text)


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces → '-'."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


README_TEXT = README.read_text(encoding="utf-8")
COMMANDS = _commands(README_TEXT)


# --- (a) short, and it answers the newcomer's questions ------------------------------------


def test_readme_is_at_most_200_lines():
    lines = README_TEXT.count("\n") + (not README_TEXT.endswith("\n"))
    assert lines <= MAX_LINES, f"README.md has {lines} lines; move detail into docs/ (limit {MAX_LINES})"


def test_readme_starts_with_the_two_commands():
    first = _blocks(README_TEXT, "bash")[0]
    assert [c.split()[:2] for c in _commands("```bash\n" + first + "```\n")] == [["make", "run"], ["make", "test"]]


def test_readme_says_how_to_reach_every_surface():
    for needed in (".venv/bin/workbench", "source .venv/bin/activate", "command not found", "make lab",
                   "WORKBENCH_DATA=", "http://127.0.0.1:8866"):
        assert needed in README_TEXT, needed
    for app in sorted((ROOT / "apps").glob("*.ipynb")):
        assert f"http://127.0.0.1:8866/voila/render/{app.name}" in README_TEXT, f"app {app.name} not listed"
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert notebook.name in README_TEXT, f"notebook {notebook.name} not listed"


# --- (b) every command runs as written -----------------------------------------------------


def test_every_readme_command_is_one_the_test_can_check():
    unknown = [c for c in COMMANDS if _kind(_split(c)[1]) == "unknown"]
    assert unknown == [], f"README commands this test cannot check (teach tests/test_readme.py): {unknown}"
    assert sum(_kind(_split(c)[1]) == "workbench" for c in COMMANDS) >= 3


def test_readme_make_targets_exist():
    makes = [c for c in COMMANDS if _kind(_split(c)[1]) == "make"]
    assert {"run", "test", "lab"} <= {_split(c)[1][1] for c in makes}
    for command in makes:
        env, argv = _split(command)
        result = subprocess.run(["make", "-n", *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60,
                                env={**os.environ, **env})
        assert result.returncode == 0, f"make -n for {command!r} failed:\n{result.stderr}"
        assert result.stdout.strip(), command


def test_readme_sourced_files_exist():
    for command in COMMANDS:
        env, argv = _split(command)
        if _kind(argv) == "source":
            path = Path(argv[1])
            if path.parts[0] == ".venv":  # this environment stands in for the README's .venv
                path = Path(sys.prefix).joinpath(*path.parts[1:])
            assert (ROOT / path).exists(), command


def test_readme_workbench_commands_run(tmp_path):
    work = _workdir(tmp_path)
    before = set(os.listdir(ROOT))
    env_base = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    ran = 0
    for command in COMMANDS:  # in order: a later command may read what an earlier one wrote
        env, argv = _split(command)
        if _kind(argv) != "workbench":
            continue
        result = subprocess.run([str(BIN / "workbench"), *argv[1:]], cwd=work, capture_output=True, text=True,
                                timeout=300, env={**env_base, **env})
        assert result.returncode == 0, (
            f"README command failed (exit {result.returncode}): {command}\n{result.stdout[-2000:]}\n"
            f"{result.stderr[-3000:]}")
        ran += 1
    assert ran >= 3
    assert set(os.listdir(ROOT)) == before, "a README command wrote into the repository"


# --- (c) the Python examples run -----------------------------------------------------------


@pytest.mark.parametrize("index", range(len(_blocks(README_TEXT, "python"))))
def test_readme_python_example_runs(index, tmp_path):
    work = _workdir(tmp_path)
    script = work / f"readme_example_{index}.py"
    script.write_text(_blocks(README_TEXT, "python")[index], encoding="utf-8")
    result = subprocess.run([sys.executable, script.name], cwd=work, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"README python example {index} failed:\n{result.stderr[-3000:]}"


def test_readme_has_a_python_example():
    assert _blocks(README_TEXT, "python")


# --- (d) links resolve ---------------------------------------------------------------------


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(page):
    text = _outside_code(page.read_text(encoding="utf-8"))
    broken = []
    for target in _LINK.findall(text):
        if re.match(r"^[a-z]+:", target):  # http:, https:, mailto:
            continue
        path_text, _, anchor = target.partition("#")
        path = (page.parent / path_text).resolve() if path_text else page
        if not path.exists():
            broken.append(f"{target}: no such file")
            continue
        if anchor and path.suffix == ".md":
            anchors = {_slug(h) for h in _HEADING.findall(_outside_code(path.read_text(encoding="utf-8")))}
            if anchor not in anchors:
                broken.append(f"{target}: no heading with anchor #{anchor}")
    assert broken == [], f"{page.name}: {broken}"


def test_every_docs_page_is_linked_from_the_readme():
    linked = {(README.parent / t.partition("#")[0]).resolve() for t in _LINK.findall(README_TEXT)}
    assert [p.name for p in DOCS if p.resolve() not in linked] == []


# --- benchmark figures: written by the scripts, in one place ------------------------------


def test_every_benchmark_section_is_written_by_its_script():
    text = BENCH_DOC.read_text(encoding="utf-8")
    opened = re.findall(r"<!-- bench:([a-z0-9_]+) -->", text)
    closed = re.findall(r"<!-- /bench:([a-z0-9_]+) -->", text)
    assert opened == closed and len(set(opened)) == len(opened), (opened, closed)
    # benchmarks/<name>_bench.py, and the few scripts named after what they measure (pipeline_backtest.py)
    scripts = {p.stem.removesuffix("_bench"): p for p in (ROOT / "benchmarks").glob("[!_]*.py")}
    assert set(opened) == set(scripts), f"sections {sorted(opened)} vs scripts {sorted(scripts)}"
    for name, body in _SECTION.findall(text):
        source = scripts[name].read_text(encoding="utf-8")
        assert re.search(rf"publish\(\s*['\"]{name}['\"]", source), f"{scripts[name].name} does not publish {name!r}"
        assert body.strip().startswith("_Measured "), f"section {name!r} was not written by its script"


@pytest.mark.parametrize("page", [README, *DOCS], ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hand_copied_benchmark_figures(page):
    text = page.read_text(encoding="utf-8")
    if page == BENCH_DOC:
        text = _SECTION.sub("", text)  # the scripts' own sections are the one place for figures
    found = [m.group(0) for m in _FIGURE.finditer(text)]
    assert found == [], (f"{page.name} states timing / memory figures {found}; link to docs/benchmarks.md, "
                         "which the benchmark scripts write")
