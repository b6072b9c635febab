"""The win-model section of the pipeline backtest: the win model against a HistGradientBoosting baseline.

``section(data)`` fits :class:`workbench.forecast.WinModel` and a
``HistGradientBoostingClassifier`` on the same training snapshots, calibrates both the same
way and scores them on the same held-out months (:func:`workbench.forecast.compare_win_models`),
and returns a markdown table with a one-line verdict against the issue's bar: win-model AUC
at least the baseline's and expected calibration error at most 0.03.
``benchmarks/pipeline_backtest.py`` publishes it; for a quick look run
``python benchmarks/_win_model_section.py [sample_data]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import table  # noqa: E402

from workbench.forecast import compare_win_models  # noqa: E402

__all__ = ["section", "ECE_LIMIT"]

#: Highest expected calibration error the win model may show on the hold-out.
ECE_LIMIT = 0.03
_NAMES = {"win_model": "WinModel (logistic, cycle-relative age, calibrated)",
          "hist_gradient_boosting": "HistGradientBoosting, same snapshots and calibration",
          "stage_only": "stage only (reference)"}


def _fmt(value, digits=3) -> str:
    return "n/a" if value != value else f"{value:.{digits}f}"


def section(data, freq: str = "M") -> str:
    """Markdown: hold-out AUC, Brier, ECE, rows and fit time per model, then a one-line verdict."""
    scores = compare_win_models(data, freq=freq)
    rows = [[_NAMES.get(r.model, r.model), _fmt(r.auc), _fmt(r.brier), _fmt(r.ece), f"{r.n:,}", f"{r.deals:,}",
             _fmt(r.fit_seconds, 1)] for r in scores.itertuples()]
    text = table(["model", "AUC", "Brier", "ECE", "hold-out snapshots", "deals", "fit s"], rows)
    win = scores.set_index("model")
    auc, base, ece = win.loc["win_model", "auc"], win.loc["hist_gradient_boosting", "auc"], win.loc["win_model", "ece"]
    if auc != auc:
        verdict = "No verdict: the history left no room for a hold-out window."
    else:
        ok = auc >= base and ece <= ECE_LIMIT
        verdict = (f"{'Pass' if ok else 'FAIL'}: win-model hold-out AUC {auc:.3f} "
                   f"{'≥' if auc >= base else '<'} HistGradientBoosting {base:.3f}; "
                   f"calibration error {ece:.3f} {'≤' if ece <= ECE_LIMIT else '>'} {ECE_LIMIT}.")
    notes = "".join(f"\n- {note}" for note in scores.attrs["notes"])
    return f"{text}\n\n{verdict}\n" + (f"\nWin-model notes:{notes}\n" if notes else "")


if __name__ == "__main__":
    from workbench import load

    print(section(load(sys.argv[1] if len(sys.argv) > 1 else "sample_data")))
