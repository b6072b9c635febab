import re

import pandas as pd
import pytest

from workbench.cli import main
from workbench.sample import write_sample


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    write_sample(out, n_reps=6, months=27, seed=2)
    return out


def test_forecast_command_writes_forecast_with_accuracy(sample_dir, tmp_path, capsys):
    target = tmp_path / "forecast.csv"
    code = main(["forecast", str(sample_dir), "--by", "team", "--freq", "M", "--h", "2", "--windows", "1",
                 "--models", "naive,seasonal_naive,ets_ann", "--no-headline", "-o", str(target)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Backtest" in printed and "SeasonalNaive" in printed
    out = pd.read_csv(target)
    assert {"entity_type", "entity_id", "period", "forecast", "forecast-lo-80", "forecast-hi-95",
            "backtest_mase", "backtest_accuracy", "note"} <= set(out.columns)
    assert (out["entity_type"] == "team").all()
    assert out.groupby("entity_id").size().eq(2).all()
    assert out["backtest_wape"].notna().all()


def test_forecast_command_reconciles_quarters(sample_dir, tmp_path):
    target = tmp_path / "fc.parquet"
    code = main(["forecast", str(sample_dir), "--by", "all", "--freq", "Q", "--h", "1", "--windows", "1",
                 "--models", "naive,ets_ann", "--reconcile", "bottom_up", "--no-headline", "-o", str(target)])
    assert code == 0
    out = pd.read_parquet(target)
    company = out.loc[out["entity_type"] == "company", "forecast"].sum()
    assert abs(out.loc[out["entity_type"] == "rep", "forecast"].sum() - company) < 1e-6 * max(company, 1)


def test_forecast_command_pipeline_odds(sample_dir, tmp_path, capsys):
    target = tmp_path / "odds.csv"
    code = main(["forecast", str(sample_dir), "--level", "rep", "--h", "1", "--windows", "1",
                 "--models", "naive,ets_ann", "--snapshots", "3", "--pipeline-out", str(target)])
    assert code == 0
    assert "AUC" in capsys.readouterr().out
    odds = pd.read_csv(target)
    assert set(odds["entity_type"]) == {"rep", "team", "region", "company"}
    assert (odds["p10"] <= odds["p90"]).all()
    reps = odds[odds["entity_type"] == "rep"]
    assert reps["headline"].notna().all() and odds.loc[odds["entity_type"] != "rep", "headline"].isna().all()
    assert (reps["headline-lo-80"] <= reps["headline"]).all() and (reps["headline"] <= reps["headline-hi-80"]).all()


def test_forecast_command_usage_errors(tmp_path, capsys):
    assert main(["forecast", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["forecast", str(tmp_path), "-o", str(tmp_path / "fc.json")]) == 2
    assert ".csv, .parquet or .xlsx" in capsys.readouterr().err


def _printed_forecast_rows(printed: str) -> list[str]:
    lines = printed.split("Forecast (80% interval")[1].splitlines()[2:]
    rows = []
    for line in lines:
        if not line.strip():
            break  # the table ends at the first blank line
        rows.append(line)
    return rows


def test_forecast_command_prints_each_interval_in_the_kpi_unit_apart(sample_dir, tmp_path, capsys):
    target = tmp_path / "fc.csv"
    code = main(["forecast", str(sample_dir), "--by", "team", "--metric", "win_rate", "--h", "2",
                 "--windows", "1", "--models", "naive,ets_ann", "--no-headline", "-o", str(target)])
    assert code == 0
    rows = _printed_forecast_rows(capsys.readouterr().out)
    written = pd.read_csv(target)
    assert len(rows) == len(written)
    for line, (_, row) in zip(rows, written.iterrows()):
        forecast, lo, hi = re.findall(r"[\d.]+%", line)  # a share, written as one
        if round(row["forecast-lo-80"], 9) != round(row["forecast-hi-80"], 9):
            assert lo != hi
        if round(row["forecast"], 9) != round(row["forecast-hi-80"], 9):
            assert forecast != hi


def test_forecast_command_prints_bookings_without_cents(sample_dir, capsys):
    code = main(["forecast", str(sample_dir), "--by", "company", "--h", "1", "--windows", "1",
                 "--models", "naive,ets_ann", "--no-headline"])
    assert code == 0
    (line,) = _printed_forecast_rows(capsys.readouterr().out)
    assert all(re.fullmatch(r"[\d,]+", value) for value in line.split()[3:6]), line


def test_forecast_command_leads_with_the_headline(sample_dir, capsys):
    code = main(["forecast", str(sample_dir), "--by", "team", "--h", "2", "--windows", "1",
                 "--models", "naive,seasonal_naive", "--snapshots", "3"])
    assert code == 0
    printed = capsys.readouterr().out
    assert printed.startswith("Headline forecast of ")
    assert "learned on 3 past periods" in printed.splitlines()[0]
    assert printed.index("Headline forecast") < printed.index("Backtest (") < printed.index("Forecast (80%")
    assert "Why the views differ:" in printed or "agree" in printed
    header = printed.splitlines()[1]
    for column in ("headline", "80% range", "booked", "open deals", "new deals", "run-rate", "P(reach)"):
        assert column in header


def test_forecast_command_exits_0_when_the_pipeline_fails(sample_dir, tmp_path, capsys, monkeypatch):
    from workbench.errors import DataError

    def broken(self, data):
        raise DataError("WinModel: too little won-deal history to learn when deals close.")

    monkeypatch.setattr("workbench.forecast.win.WinModel.fit", broken)
    forecast, odds = tmp_path / "fc.csv", tmp_path / "odds.csv"
    code = main(["forecast", str(sample_dir), "--by", "team", "--h", "1", "--windows", "1",
                 "--models", "naive,seasonal_naive", "--snapshots", "3", "-o", str(forecast),
                 "--pipeline-out", str(odds)])
    assert code == 0
    captured = capsys.readouterr()
    assert "too little won-deal history" in captured.err
    assert "warning" in captured.err and str(odds.name) in captured.err
    assert "Headline forecast of" in captured.out  # on the run-rate view alone
    assert "run-rate view only" in captured.out
    assert forecast.exists() and not odds.exists()


def test_forecast_command_exits_0_when_the_headline_crashes(sample_dir, tmp_path, capsys, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("simulated crash")

    monkeypatch.setattr("workbench.forecast.outlook.forecast_headline", crash)
    forecast = tmp_path / "fc.csv"
    code = main(["forecast", str(sample_dir), "--by", "team", "--h", "1", "--windows", "1",
                 "--models", "naive,seasonal_naive", "--snapshots", "2", "-o", str(forecast),
                 "--pipeline-out", str(tmp_path / "odds.csv")])
    assert code == 0
    err = capsys.readouterr().err
    assert "warning: headline and pipeline forecast skipped: simulated crash" in err
    assert forecast.exists()


def test_forecast_command_shows_the_win_model_notes_on_stderr(sample_dir, tmp_path, capsys, win_model_note):
    code = main(["forecast", str(sample_dir), "--by", "company", "--h", "1", "--windows", "1",
                 "--models", "naive", "--snapshots", "2"])
    assert code == 0
    captured = capsys.readouterr()
    assert f"note: {win_model_note}" in captured.err
    assert win_model_note not in captured.out
