"""The CLI on strange but valid data: a valid result or a one-line error, never a traceback.

Every case of ``tests/hostile/cli_cases.py`` is built into a temporary folder and run with
its command; each crashed with a raw traceback on main (see the case's ``expect``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.hostile import CASES
from tests.hostile.cli_cases import RUNS, write_base
from workbench.cli import main
from workbench.io.load import load


def _run(command, folder, args, tmp_path, capsys):
    argv = [command, str(folder), *(str(tmp_path / a) if a == "reviews" else a for a in args)]
    if command in ("kpi", "diagnose"):
        argv += ["-o", str(tmp_path / f"{command}.csv")]
    code = main(argv)
    printed = capsys.readouterr()
    return code, printed.out, printed.err


@pytest.mark.parametrize("name", sorted(RUNS))
def test_hostile_cli_case(name, tmp_path, capsys, monkeypatch):
    case, run = CASES[name], RUNS[name]
    assert case.area == "cli"
    for variable, value in run.env.items():
        monkeypatch.setenv(variable, value)
    folder = tmp_path / name
    folder.mkdir()
    case.write(folder)
    code, out, err = _run(run.command, folder, run.args, tmp_path, capsys)
    assert "Traceback" not in err
    assert code == run.exit_code, err[-2000:]
    if run.exit_code:
        lines = [line for line in err.splitlines() if line.startswith(f"workbench {run.command}")]
        assert len(lines) == 1 and run.message in lines[0], err
    elif run.message:
        reasons = " ".join(load(folder).quarantine["reason"])
        assert run.message.lower() in (out + err + reasons).lower()


def _kpi_rows(folder, tmp_path) -> int:
    out = tmp_path / f"{folder.name}.csv"
    assert main(["kpi", str(folder), "-o", str(out)]) == 0
    return len(pd.read_csv(out))


@pytest.mark.parametrize("name", ["cli-stray-date-1900", "cli-dates-1678-2261"])
def test_a_stray_date_does_not_stretch_the_kpi_table(name, tmp_path, capsys):
    clean = tmp_path / "clean"
    clean.mkdir()
    write_base(clean)
    stray = tmp_path / name
    stray.mkdir()
    CASES[name].write(stray)
    # on main: 1900 -> a century of months per rep and KPI; 1678/2261 -> six centuries
    assert _kpi_rows(stray, tmp_path) == _kpi_rows(clean, tmp_path)
    data = load(stray)
    assert sum(data.rows_read.values()) == sum(len(data[t]) for t in data.rows_read) + len(data.quarantine)
