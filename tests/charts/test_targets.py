import numpy as np
import pandas as pd
import pytest

from workbench.charts.targets import whatif_fan
from workbench.targets import Levers
from workbench.targets.whatif import Projection

DRAWS = np.arange(0.0, 1001.0, 10.0)  # 101 draws: P10 = 100, P25 = 250, P50 = 500, P75 = 750, P90 = 900


def _projection(period="2026-11", target=600.0, booked=0.0, scope=("team", "East")) -> Projection:
    return Projection(period=period, scope=scope, levers=Levers(), table=pd.DataFrame(),
                      summary={"target": target, "booked_to_date": booked},
                      draws=booked + DRAWS, baseline_draws=booked + 0.8 * DRAWS, rep_draws=pd.DataFrame(),
                      activity_plan=pd.DataFrame(), activity_mix=pd.DataFrame(), assumptions=pd.DataFrame())


def _rows(spec: dict, i: int) -> pd.DataFrame:
    frame = pd.DataFrame(spec["datasets"][spec["layer"][i]["data"]["name"]])
    if "date" in frame:
        frame["date"] = pd.to_datetime(frame["date"], format="ISO8601")
    return frame


def test_fan_widens_from_booked_to_date_to_the_end_of_period_quantiles():
    spec = whatif_fan(_projection()).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line", "rule", "text"]
    bands = _rows(spec, 0)
    start, end = pd.Timestamp("2026-11-01"), pd.Timestamp("2026-12-01")
    assert bands["date"].min() == start and bands["date"].max() == end
    at_end = bands[bands["date"] == end].set_index("band")
    assert at_end.loc["P10–P90", ["lo", "hi"]].tolist() == [100.0, 900.0]
    assert at_end.loc["P25–P75", ["lo", "hi"]].tolist() == [250.0, 750.0]
    assert (bands.loc[bands["date"] == start, ["lo", "hi"]] == 0.0).all().all()
    # evenly over the period: half-way through, half of what is still to come
    middle = bands[(bands["band"] == "P10–P90") & (bands["date"] == start + (end - start) / 2)]
    assert middle[["lo", "hi"]].iloc[0].tolist() == [50.0, 450.0]


def test_medians_pace_and_target():
    spec = whatif_fan(_projection()).to_dict()
    lines = _rows(spec, 1)
    last = lines.sort_values("date").groupby("series")["bookings"].last()
    first = lines.sort_values("date").groupby("series")["bookings"].first()
    assert last.to_dict() == {"What-if median": 500.0, "Baseline median": 400.0, "Pace to target": 600.0}
    assert first.to_dict() == {"What-if median": 0.0, "Baseline median": 0.0, "Pace to target": 0.0}
    dash = spec["layer"][1]["encoding"]["strokeDash"]["scale"]
    assert dash["range"][dash["domain"].index("Baseline median")] != [1, 0]  # the baseline is dashed
    assert _rows(spec, 2)["bookings"].tolist() == [600.0]
    assert _rows(spec, 3)["label"].tolist() == ["Target 600"]
    assert spec["title"]["text"] == "East · 2026-11: projected bookings against target"
    assert any("evenly" in line for line in spec["title"]["subtitle"])


def test_fan_of_a_started_quarter_starts_at_the_as_of_date_with_the_bookings_to_date():
    spec = whatif_fan(_projection(period="2026-Q4", booked=100.0), as_of="2026-11-01").to_dict()
    bands = _rows(spec, 0)
    assert bands["date"].min() == pd.Timestamp("2026-11-01")
    assert (bands.loc[bands["date"] == bands["date"].min(), ["lo", "hi"]] == 100.0).all().all()
    end = bands[bands["date"] == pd.Timestamp("2027-01-01")].set_index("band")
    assert end.loc["P10–P90", ["lo", "hi"]].tolist() == [200.0, 1000.0]
    lines = _rows(spec, 1)
    booked = lines[lines["series"] == "Booked so far"].sort_values("date")
    assert booked["date"].tolist() == [pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01")]
    assert booked["bookings"].tolist() == [0.0, 100.0]
    pace = lines[lines["series"] == "Pace to target"].sort_values("date")
    assert pace["date"].iloc[0] == pd.Timestamp("2026-10-01") and pace["bookings"].iloc[-1] == 600.0


def test_no_target_draws_no_rule_and_no_pace():
    spec = whatif_fan(_projection(target=float("nan"), scope=("company", "company"))).to_dict()
    assert "Pace to target" not in set(_rows(spec, 1)["series"])
    assert len(_rows(spec, 2)) == 0
    assert spec["title"]["text"].startswith("Company · 2026-11")


def test_fan_in_chinese():
    spec = whatif_fan(_projection(), lang="zh").to_dict()
    assert spec["title"]["text"] == "East · 2026-11：预计签约额与目标"
    assert set(_rows(spec, 1)["series"]) == {"假设情景中位数", "基线中位数", "达标进度线"}
    assert spec["layer"][1]["encoding"]["x"]["title"] == "日期"
    assert "均匀" in "".join(spec["title"]["subtitle"])
    with pytest.raises(ValueError, match="lang"):
        whatif_fan(_projection(), lang="fr")
