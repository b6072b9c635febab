"""Render times of the team diagnosis panel on the committed sample (80 reps × 36 months).

Baseline, measured in the same run: ``diagnose(data, period)`` alone, which the panel runs
once per period; both are timed after one small untimed diagnosis that loads the imports.
Run: ``.venv/bin/python benchmarks/team_diagnosis_bench.py``. The result is printed as
markdown and written to ``docs/benchmarks.md`` (``--no-publish``: print only).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import workbench
from _report import add_publish_flag, publish, table
from workbench.apps import TeamDiagnosis
from workbench.diagnose import DiagnosisConfig, diagnose, diagnosis_periods

ROOT = Path(__file__).resolve().parents[1]


def _time(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main(publish_result: bool = True) -> None:
    data = workbench.load(ROOT / "sample_data")
    period = diagnosis_periods(data)[0]
    diagnose(data, period=period, window=3, config=DiagnosisConfig(by=("rep",)))  # warm imports, untimed
    base, _ = _time(lambda: diagnose(data, period=period))
    first, panel = _time(lambda: TeamDiagnosis(data))
    assert panel.error.value == "", panel.error.value
    full = panel.diagnosis.findings
    rep = full.loc[full["entity_type"] == "rep", "entity_id"].iloc[0]
    team = str(full.loc[full["entity_type"] == "rep", "team"].iloc[0])
    steps = [
        ("team (first chart: offline Vega bundle)", lambda: setattr(panel, "team", team)),
        ("rep", lambda: setattr(panel, "rep", rep)),
        ("language → 中文", lambda: setattr(panel, "lang", "zh")),
        ("all teams", lambda: setattr(panel, "team", "")),
        ("new period (diagnose again)", lambda: setattr(panel, "period", panel.period_picker.options[1])),
        ("back to a cached period", lambda: setattr(panel, "period", period)),
    ]
    rows = [["`diagnose()` alone (baseline)", f"{base:.2f} s"], ["panel first render (incl. diagnose)", f"{first:.2f} s"]]
    for name, step in steps:
        seconds, _ = _time(step)
        rows.append([name, f"{seconds:.2f} s"])
    assert panel.error.value == "", panel.error.value
    markdown = "\n".join([
        f"The committed `sample_data/` ({len(data.reps)} reps), period {period}, window "
        f"{panel.diagnosis.window.label}; the panel is built in the Python process (no browser).",
        "",
        table(["step", "time"], rows),
    ])
    print(markdown)
    if publish_result:
        print(f"\nwritten to {publish('team_diagnosis', markdown)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    args = add_publish_flag(parser).parse_args()
    main(publish_result=not args.no_publish)
