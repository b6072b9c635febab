"""Tests of the sample-data generator: determinism, contract, planted signatures, files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbench.cli import main
from workbench.contract import TABLES

#: Contract tables the sample generator writes (import-only tables such as deal_people are not).
SAMPLE_TABLES = {name: spec for name, spec in TABLES.items() if spec.in_sample}
from workbench.sample import DRIVERS, STAGES, TRANSITIONS, generate_sample, write_sample
from workbench.sample.catalog import EARLY_TRANSITIONS, LATE_TRANSITIONS, LOST_STAGE, PRODUCTS, WON_STAGE

REPO = Path(__file__).resolve().parents[1]
SAMPLE_DATA = REPO / "sample_data"
END = pd.Timestamp("2026-10-31")
WINDOW_START = pd.Timestamp("2024-11-01")  # 24 months


@pytest.fixture(scope="module")
def data():
    return generate_sample(n_reps=60, months=24, seed=11)


@pytest.fixture(scope="module")
def clean():
    return generate_sample(n_reps=60, months=24, seed=11, planted=False)


def test_same_seed_gives_identical_tables(data):
    again = generate_sample(n_reps=60, months=24, seed=11)
    assert list(again) == list(data)
    for name in data:
        pd.testing.assert_frame_equal(again[name], data[name], check_exact=True)


def test_different_seed_gives_different_tables(data):
    other = generate_sample(n_reps=60, months=24, seed=12)
    assert not other["opportunities"]["amount"].equals(data["opportunities"]["amount"])
    assert not other["planted_drivers"].equals(data["planted_drivers"])


def test_every_contract_table_with_contract_columns_and_types(data):
    for name, spec in SAMPLE_TABLES.items():
        frame = data[name]
        assert list(frame.columns) == spec.column_names, name
        assert len(frame) > 0, name
        for col in spec.columns:
            s = frame[col.name]
            if col.dtype in ("datetime", "date"):
                assert s.dtype == "datetime64[ns]", (name, col.name, s.dtype)
            elif col.dtype == "float":
                assert pd.api.types.is_float_dtype(s), (name, col.name, s.dtype)
            else:
                assert pd.api.types.is_string_dtype(s), (name, col.name, s.dtype)
            if not col.nullable:
                assert s.notna().all(), (name, col.name)
            if col.allowed:
                assert set(s.dropna().str.lower()) <= set(col.allowed), (name, col.name)
            if col.min_value is not None:
                assert (s.dropna() >= col.min_value).all(), (name, col.name)
            if col.max_value is not None:
                assert (s.dropna() <= col.max_value).all(), (name, col.name)
            if col.dtype == "date":
                assert (s.dropna() == s.dropna().dt.normalize()).all(), (name, col.name)
        if spec.key:
            assert not frame.duplicated(list(spec.key)).any(), name


def test_references_hold(data):
    for name, spec in SAMPLE_TABLES.items():
        for col in spec.columns:
            if col.references:
                table, column = col.references.split(".")
                values = data[name][col.name].dropna()
                assert values.isin(data[table][column]).all(), (name, col.name)


def test_opportunities_are_consistent(data):
    opp = data["opportunities"]
    closed = opp["closed_at"].notna()
    assert ((opp["outcome"] == "open") == ~closed).all()
    assert (opp.loc[closed, "closed_at"] >= opp.loc[closed, "created_at"]).all()
    assert (opp["created_at"] <= END + pd.Timedelta(days=1)).all()
    assert (opp.loc[closed, "closed_at"] < END + pd.Timedelta(days=1)).all()
    touched = opp["first_touch_at"].notna()
    assert (opp.loc[touched, "first_touch_at"] >= opp.loc[touched, "created_at"]).all()
    assert 0.02 < (~touched).mean() < 0.15  # some CRM records lack the first touch
    assert (opp.loc[opp["outcome"] == "won", "stage"] == WON_STAGE).all()
    assert (opp.loc[opp["outcome"] == "lost", "stage"] == LOST_STAGE).all()
    assert opp.loc[opp["outcome"] == "open", "stage"].isin(STAGES).all()
    # Open deals are expected to close after the end of the data.
    assert (opp.loc[opp["outcome"] == "open", "expected_close"] > END).all()
    assert (opp["outcome"] == "open").sum() > 100
    lost = opp[opp["outcome"] == "lost"]
    assert 0.6 < lost["lost_reason"].notna().mean() < 0.95
    assert lost["competitor"].notna().any() and opp.loc[opp["outcome"] != "lost", "lost_reason"].isna().all()
    assert lost["competitor"].nunique() >= 4


def test_stage_history_is_a_path_through_the_funnel(data):
    opp = data["opportunities"].set_index("opportunity_id")
    hist = data["stage_history"]
    order = {s: i for i, s in enumerate(STAGES + (WON_STAGE, LOST_STAGE))}
    rank = hist["stage"].map(order)
    assert rank.notna().all()
    g = hist.assign(rank=rank).groupby("opportunity_id", sort=False)
    # Entered in funnel order, times increasing, starting at Prospecting on creation.
    assert g["rank"].apply(lambda r: (np.diff(r.to_numpy()) > 0).all()).all()
    assert g["entered_at"].apply(lambda t: t.is_monotonic_increasing).all()
    first = g.first()
    assert (first["stage"] == STAGES[0]).all()
    assert (first["entered_at"] == opp.loc[first.index, "created_at"]).all()
    last = g.last()
    assert (last["stage"] == opp.loc[last.index, "stage"]).all()
    closed = opp["closed_at"].notna()
    assert (last.loc[closed[closed].index, "entered_at"] == opp.loc[closed, "closed_at"]).all()
    # Won deals pass every stage; lost deals stop where they died.
    won_ids = opp.index[opp["outcome"] == "won"]
    assert (g.size().loc[won_ids] == len(STAGES) + 1).all()
    assert set(hist["opportunity_id"]) == set(opp.index)


def test_activities_include_first_touch_and_stay_inside_the_deal(data):
    opp = data["opportunities"].set_index("opportunity_id")
    act = data["activities"]
    assert act["at"].is_monotonic_increasing
    linked = act.dropna(subset=["opportunity_id"])
    first = linked.groupby("opportunity_id")["at"].min()
    touched = opp["first_touch_at"].dropna()
    common = touched.index.intersection(first.index)
    assert len(common) > 0.9 * len(touched)
    assert (first.loc[common] == touched.loc[common]).all()
    last = linked.groupby("opportunity_id")["at"].max()
    closed = opp["closed_at"].dropna()
    both = last.index.intersection(closed.index)
    assert (last.loc[both] <= closed.loc[both]).all()
    assert (linked["rep_id"].to_numpy() == opp.loc[linked["opportunity_id"], "rep_id"].to_numpy()).all()
    assert act["opportunity_id"].isna().mean() > 0.3  # prospecting touches
    assert (act["at"] >= WINDOW_START - pd.DateOffset(months=9)).all() and (act["at"] < END + pd.Timedelta(days=1)).all()


def test_orders_and_surveys_follow_wins(data):
    opp = data["opportunities"]
    won_accounts = set(opp.loc[opp["outcome"] == "won", "account_id"])
    orders = data["orders"]
    assert set(orders["account_id"]) <= won_accounts
    assert set(orders["status"]) == {"completed", "cancelled", "pending"}
    assert 0.02 < (orders["status"] == "cancelled").mean() < 0.10
    surveys = data["surveys"]
    assert set(surveys["score"]) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert 3.7 < surveys["score"].mean() < 4.3
    assert (orders["ordered_at"] < END + pd.Timedelta(days=1)).all()


def test_targets_cover_every_level_metric_and_the_future(data):
    t = data["targets"]
    assert set(t["entity_type"]) == {"rep", "team", "region", "company"}
    assert {"bookings", "orders", "new_accounts", "csat", "activities"} <= set(t["metric"])
    rep_bookings = t[(t["entity_type"] == "rep") & (t["metric"] == "bookings")]
    assert {"2026-11", "2026-12", "2027-01", "2026-Q4", "2027-Q1"} <= set(rep_bookings["period"])
    assert set(rep_bookings["entity_id"]) == set(data["reps"]["rep_id"])
    # Quarter = sum of its months; team = sum of its reps.
    month = rep_bookings[rep_bookings["period"].isin(["2026-04", "2026-05", "2026-06"])]
    quarter = rep_bookings[rep_bookings["period"] == "2026-Q2"].set_index("entity_id")["target"]
    assert np.allclose(month.groupby("entity_id")["target"].sum().loc[quarter.index], quarter)
    team_of = data["reps"].set_index("rep_id")["team"]
    jan = rep_bookings[rep_bookings["period"] == "2026-01"]
    team_target = t[(t["entity_type"] == "team") & (t["metric"] == "bookings") & (t["period"] == "2026-01")]
    assert np.allclose(jan.groupby(jan["entity_id"].map(team_of))["target"].sum().loc[team_target["entity_id"]],
                       team_target["target"])


def test_targets_are_missed_by_some_and_beaten_by_others(data):
    t = data["targets"]
    quota = t[(t["entity_type"] == "rep") & (t["metric"] == "bookings") & t["period"].str.startswith("2026-0")]
    quota = quota.groupby("entity_id")["target"].sum()
    opp = data["opportunities"]
    won = opp[(opp["outcome"] == "won") & (opp["closed_at"] >= "2026-01-01") & (opp["closed_at"] < "2026-10-01")]
    attainment = won.groupby("rep_id")["amount"].sum().reindex(quota.index, fill_value=0) / quota
    assert (attainment < 0.9).mean() > 0.15 and (attainment > 1.1).mean() > 0.1
    planted = set(data["planted_drivers"]["rep_id"])
    assert attainment[attainment.index.isin(planted)].median() < attainment[~attainment.index.isin(planted)].median()


def test_market_grows_and_our_share_falls_in_some_segments(data):
    market = data["market"]
    assert market["period"].nunique() == 24
    first, last = market["period"].min(), market["period"].max()
    size = market.pivot_table(index=["region", "product"], columns="period", values="market_size")
    assert (size[last] > size[first]).mean() > 0.8


def test_skills_and_training(data):
    skills = data["skills"]
    assert skills["skill"].nunique() == 7
    catalog = data["training_catalog"]
    assert 12 <= len(catalog) <= 20 and set(catalog["skill"]) == set(skills["skill"])
    assert set(catalog["format"]) == {"e-learning", "workshop", "coaching"}
    assert len(data["training_log"]) > 0
    # A planted driver shows in its skill: the rep scores lower than peers there.
    planted = data["planted_drivers"]
    slow = planted.loc[planted["driver"] == "slow_follow_up", "rep_id"]
    fu = skills[skills["skill"] == "follow_up"].groupby("rep_id")["score"].mean()
    assert fu.loc[fu.index.isin(slow)].mean() < fu.loc[~fu.index.isin(planted["rep_id"])].mean() - 8


def test_training_effects_table(data, clean):
    """Each module's planted effect: five do nothing, the others move their skill's KPI the good way."""
    from workbench.sample.catalog import MODULE_POINTS, SKILL_KPI, TRAINING_MODULES, TRAINING_POINT

    effects = data["training_effects"]
    assert list(effects.columns) == ["module_id", "skill", "kpi", "planted_points", "planted_effect"]
    assert effects["module_id"].tolist() == [m[0] for m in TRAINING_MODULES]
    assert (effects["kpi"] == effects["skill"].map(SKILL_KPI)).all()
    assert effects["planted_points"].tolist() == [MODULE_POINTS[m] for m in effects["module_id"]]
    null = effects["planted_points"] == 0
    assert null.sum() == 5 and (effects.loc[null, "planted_effect"] == 0).all()
    assert (effects.loc[~null, "planted_effect"] > 0.01).all() and (effects["planted_effect"] < 0.3).all()
    assert set(effects.loc[~null, "skill"]) == set(effects["skill"])  # every skill has a module that works
    closing = effects[effects["skill"] == "closing"]
    assert np.allclose(closing["planted_effect"], 0.5 * TRAINING_POINT * closing["planted_points"])
    # training is not a planted driver: the same modules work without drivers
    assert (clean["training_effects"]["planted_points"] == effects["planted_points"]).all()


def test_planted_drivers_table(data, clean):
    planted = data["planted_drivers"]
    assert list(planted.columns) == ["rep_id", "driver", "detail"]
    assert set(planted["driver"]) <= set(DRIVERS)
    n_reps = planted["rep_id"].nunique()
    assert 0.2 * 60 <= n_reps <= 0.35 * 60
    assert planted.groupby("rep_id").size().max() <= 2
    assert not planted.duplicated(["rep_id", "driver"]).any()
    stage = planted.loc[planted["driver"] == "low_stage_conversion", "detail"]
    assert stage.isin(TRANSITIONS).all()
    product = planted.loc[planted["driver"] == "weak_product", "detail"]
    assert product.isin([p.name for p in PRODUCTS]).all()
    assert len(clean["planted_drivers"]) == 0
    assert list(clean["planted_drivers"].columns) == ["rep_id", "driver", "detail"]
    pd.testing.assert_frame_equal(clean["reps"], data["reps"])


@pytest.fixture(scope="module")
def big():
    """A larger dataset so that every driver is planted on several reps."""
    return generate_sample(n_reps=120, months=24, seed=5)


def _reps_with(data, driver, detail=None):
    p = data["planted_drivers"]
    mask = p["driver"] == driver
    if detail is not None:
        mask &= p["detail"].isin(detail)
    return set(p.loc[mask, "rep_id"])


def _peers(data):
    reps = data["reps"]
    planted = set(data["planted_drivers"]["rep_id"])
    established = reps["hire_date"] < WINDOW_START - pd.DateOffset(months=6)
    return set(reps.loc[established & ~reps["rep_id"].isin(planted), "rep_id"])


def _contrast(metric: pd.Series, planted: set, peers: set) -> tuple[float, float]:
    assert planted, "no rep got this driver"
    return metric[metric.index.isin(planted)].median(), metric[metric.index.isin(peers)].median()


def test_slow_follow_up_signature(big):
    opp = big["opportunities"]
    hours = (opp["first_touch_at"] - opp["created_at"]).dt.total_seconds() / 3600
    median = hours.groupby(opp["rep_id"]).median()
    slow, peers = _contrast(median, _reps_with(big, "slow_follow_up"), _peers(big))
    assert slow > 1.8 * peers
    # Slow follow-up lowers the win rate deal by deal.
    decided = opp[(opp["outcome"] != "open") & hours.notna()]
    quick = hours.loc[decided.index] < hours.loc[decided.index].median()
    won = decided["outcome"] == "won"
    assert won[quick].mean() > won[~quick].mean() + 0.02


def test_low_activity_signature(big):
    act = big["activities"]
    act = act[act["at"] >= WINDOW_START]
    per_month = act.groupby("rep_id").size() / 24
    low, peers = _contrast(per_month, _reps_with(big, "low_activity"), _peers(big))
    assert low < 0.7 * peers
    opp = big["opportunities"]
    opps = opp[opp["created_at"] >= WINDOW_START].groupby("rep_id").size()
    low_opps, peer_opps = _contrast(opps, _reps_with(big, "low_activity"), _peers(big))
    assert low_opps < 0.92 * peer_opps  # fewer outbound deals


def test_small_deals_signature(big):
    opp = big["opportunities"]
    median = opp.groupby("rep_id")["amount"].median()
    small, peers = _contrast(median, _reps_with(big, "small_deals"), _peers(big))
    assert small < 0.7 * peers


def test_long_cycle_signature(big):
    opp = big["opportunities"]
    won = opp[opp["outcome"] == "won"]
    days = ((won["closed_at"] - won["created_at"]).dt.total_seconds() / 86400).groupby(won["rep_id"]).median()
    long, peers = _contrast(days, _reps_with(big, "long_cycle"), _peers(big))
    assert long > 1.4 * peers


def test_low_csat_signature(big):
    csat = big["surveys"].groupby("rep_id")["score"].mean()
    low, peers = _contrast(csat, _reps_with(big, "low_csat"), _peers(big))
    assert low < peers - 0.5


def _conversion(data, transition: str) -> pd.Series:
    a, b = transition.split("→")
    hist = data["stage_history"]
    opp = data["opportunities"].set_index("opportunity_id")
    entered = hist.groupby("opportunity_id")["stage"].agg(set)
    reached_a = entered[entered.apply(lambda s: a in s)]
    decided = reached_a[reached_a.apply(lambda s: b in s) | (opp.loc[reached_a.index, "outcome"] == "lost")]
    passed = decided.apply(lambda s: b in s)
    return passed.groupby(opp.loc[passed.index, "rep_id"]).mean()


@pytest.mark.parametrize("pool", [EARLY_TRANSITIONS, LATE_TRANSITIONS], ids=["early", "late"])
def test_low_stage_conversion_signature(big, pool):
    planted = big["planted_drivers"]
    hits = planted[(planted["driver"] == "low_stage_conversion") & planted["detail"].isin(pool)]
    assert len(hits) > 0
    for transition, group in hits.groupby("detail"):
        rate = _conversion(big, transition)
        low, peers = _contrast(rate, set(group["rep_id"]), _peers(big))
        assert low < 0.8 * peers, transition


def test_weak_product_signature(big):
    opp = big["opportunities"]
    decided = opp[opp["outcome"] != "open"]
    won = (decided["outcome"] == "won").groupby([decided["rep_id"], decided["product"]]).mean()
    planted = big["planted_drivers"]
    weak = planted[planted["driver"] == "weak_product"]
    assert len(weak) > 0
    peers = _peers(big)
    ratios = []
    for _, row in weak.iterrows():
        product_rates = won.xs(row["detail"], level="product")
        peer_rate = product_rates[product_rates.index.isin(peers)].mean()
        ratios.append(product_rates.loc[row["rep_id"]] / peer_rate)
    assert max(ratios) < 0.75, ratios
    assert np.median(ratios) < 0.4, ratios


def test_no_planted_reps_are_not_outliers(clean):
    """Without planted drivers, per-rep rates stay within a realistic band."""
    reps = clean["reps"]
    established = set(reps.loc[reps["hire_date"] < WINDOW_START - pd.DateOffset(months=6), "rep_id"])
    opp = clean["opportunities"]
    opp = opp[opp["rep_id"].isin(established)]
    hours = (opp["first_touch_at"] - opp["created_at"]).dt.total_seconds() / 3600
    typical_hours = np.exp(np.log1p(hours).groupby(opp["rep_id"]).mean())
    assert typical_hours.max() < 1.6 * typical_hours.median()
    # deal size relative to the same product's median (a rep's product mix varies by chance)
    relative = np.log(opp["amount"] / opp.groupby("product")["amount"].transform("median"))
    size = np.exp(relative.groupby(opp["rep_id"]).median())
    assert size.min() > 0.75 * size.median()
    csat = clean["surveys"].groupby("rep_id")["score"].mean().loc[sorted(established)]
    assert csat.min() > csat.median() - 0.5


def test_write_sample_writes_every_table(tmp_path):
    paths = write_sample(tmp_path, n_reps=8, months=6, seed=1)
    assert set(paths) == set(SAMPLE_TABLES) | {"planted_drivers", "training_effects", "stages"}
    assert paths["activities"].suffix == ".parquet"
    assert paths["opportunities"].suffix == ".csv"
    reps = pd.read_csv(paths["reps"])
    assert list(reps.columns) == TABLES["reps"].column_names
    text = paths["opportunities"].read_text(encoding="utf-8")
    header, first = text.splitlines()[:2]
    assert header.split(",") == TABLES["opportunities"].column_names
    assert "\r" not in text
    stages = pd.read_csv(paths["stages"])
    assert stages["stage"].tolist() == list(STAGES) and stages["order"].tolist() == [1, 2, 3, 4]
    again = write_sample(tmp_path / "again", n_reps=8, months=6, seed=1)
    for name, path in paths.items():
        assert path.read_bytes() == again[name].read_bytes(), name


def test_cli_writes_and_reports(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path), "--reps", "6", "--months", "4", "--seed", "2", "--no-drivers"]) == 0
    out = capsys.readouterr().out
    assert "opportunities.csv" in out and "rows" in out and "total" in out
    assert pd.read_csv(tmp_path / "planted_drivers.csv").empty


def test_cli_rejects_bad_arguments(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path), "--reps", "0"]) == 2
    assert "n_reps" in capsys.readouterr().err


def test_committed_sample_data_is_reproduced_byte_for_byte(tmp_path):
    assert SAMPLE_DATA.is_dir(), "sample_data/ is missing; run `workbench sample --out sample_data`"
    paths = write_sample(tmp_path)
    committed = sorted(p.name for p in SAMPLE_DATA.iterdir())
    assert committed == sorted(p.name for p in paths.values())
    for path in paths.values():
        committed_file = SAMPLE_DATA / path.name
        if path.suffix == ".parquet" and not _same_parquet_writer(committed_file):
            # another pyarrow version encodes differently: compare the contents instead
            assert pq.read_table(path).equals(pq.read_table(committed_file)), path.name
            continue
        assert path.read_bytes() == committed_file.read_bytes(), path.name
    assert sum(p.stat().st_size for p in SAMPLE_DATA.iterdir()) < 6.5 * 2**20


def _same_parquet_writer(path: Path) -> bool:
    return pq.read_metadata(path).created_by.endswith(f"version {pa.__version__}")


def test_committed_sample_data_loads_cleanly_and_matches_the_generator():
    import workbench

    loaded = workbench.load(str(SAMPLE_DATA))
    assert len(loaded.quarantine) == 0
    assert loaded.stages == STAGES
    generated = generate_sample()
    for name in SAMPLE_TABLES:
        frame = loaded[name]
        assert frame is not None, name
        expected = generated[name]
        assert len(frame) == len(expected), name
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), expected, check_dtype=False, obj=name)


def test_competitor_landscape_changes_over_time(data):
    lost = data["opportunities"]
    lost = lost[lost["outcome"] == "lost"]
    vandelay = lost["competitor"] == "Vandelay"
    assert not vandelay[lost["closed_at"] < "2025-01-01"].any()
    assert vandelay[lost["closed_at"] >= "2026-01-01"].mean() > 0.01


def test_our_share_falls_where_the_market_outgrows_us(big):
    region_of = big["reps"].set_index("rep_id")["region"]
    won = big["opportunities"]
    won = won[won["outcome"] == "won"]
    segment = won[(won["rep_id"].map(region_of) == "East") & (won["product"] == "Cloud Platform")]
    market = big["market"]
    size = market[(market["region"] == "East") & (market["product"] == "Cloud Platform")].set_index("period")["market_size"]
    ours = segment.groupby(segment["closed_at"].dt.strftime("%Y-%m"))["amount"].sum().reindex(size.index, fill_value=0)
    first, last = size.index[:12], size.index[-12:]
    assert ours[last].sum() / size[last].sum() < 0.9 * ours[first].sum() / size[first].sum()


def test_series_have_trend_and_yearly_seasonality(big):
    opp = big["opportunities"]
    opp = opp[opp["created_at"] >= WINDOW_START]
    created = opp.groupby(opp["created_at"].dt.to_period("M")).size()
    # more leads in year two than in year one (inbound growth; reps hired in the window)
    assert created.iloc[12:].sum() > 1.04 * created.iloc[:12].sum()
    by_month = created.groupby(created.index.month).mean()
    assert by_month.loc[[3, 10]].mean() > 1.15 * by_month.loc[[8, 12]].mean()  # busy spring/autumn, quiet Aug/Dec
    won = big["opportunities"]
    won = won[(won["outcome"] == "won") & (won["closed_at"] >= WINDOW_START)]
    bookings = won.groupby(won["closed_at"].dt.to_period("M"))["amount"].sum()
    quarter_end = bookings[bookings.index.month.isin([3, 6, 9, 12])].mean()
    quarter_start = bookings[bookings.index.month.isin([1, 4, 7, 10])].mean()
    assert quarter_end > 1.15 * quarter_start  # quarter-end push


def test_new_hires_ramp_up(big):
    reps = big["reps"]
    hires = reps[reps["hire_date"] > WINDOW_START]
    assert 0 < len(hires) < 0.15 * len(reps)
    assert not big["planted_drivers"]["rep_id"].isin(hires["rep_id"]).any()
    act = big["activities"].merge(hires[["rep_id", "hire_date"]], on="rep_id")
    tenure_months = (act["at"] - act["hire_date"]).dt.days // 30
    assert tenure_months.min() >= 0  # nobody works before being hired
    monthly = act.groupby([act["rep_id"], tenure_months]).size().unstack()
    assert (monthly[[0, 1]].mean(axis=1) < 0.8 * monthly[[8, 9]].mean(axis=1)).all()
