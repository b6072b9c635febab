"""[[joins]]: a marketing funnel in two files, joined, gives the KPIs of a hand-made pandas join."""

import pandas as pd
import pytest

from tests.io.crm.cookbook import FIXTURES, MAPPINGS, assert_accounted
from workbench.errors import DataError, MappingError
from workbench.io.crm import import_files
from workbench.io.crm.mapping import parse_mapping
from workbench.kpi import compute_kpis

FUNNEL = FIXTURES / "funnel"


def _hand_joined_kpis() -> pd.DataFrame:
    """Bookings, deals won and win rate per closer and month, by pandas on the raw files."""
    leads = pd.read_csv(FUNNEL / "leads.csv", dtype=str)
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str)
    deals = leads.merge(closed, on="mql_id", how="left")
    first = pd.to_datetime(deals["first_contact_date"])
    won_at = pd.to_datetime(deals["won_date"])
    export_date = max(first.max(), won_at.max())  # the documented default: the latest date in the files
    won = won_at.notna()
    lost = ~won & (first + pd.Timedelta(days=180) < export_date)
    deals["rep"] = deals["sr_id"].fillna("unassigned")
    deals["amount"] = pd.to_numeric(deals["declared_monthly_revenue"]).fillna(0.0)
    deals["closed"] = won_at.where(won, first + pd.Timedelta(days=180)).where(won | lost)
    deals["won"], deals["lost"] = won, lost
    deals["period"] = deals["closed"].dt.to_period("M").dt.start_time
    closed_deals = deals[won | lost]
    grouped = closed_deals.groupby(["rep", "period"])
    out = pd.DataFrame({
        "bookings": grouped.apply(lambda g: g.loc[g["won"], "amount"].sum(), include_groups=False),
        "deals_won": grouped["won"].sum().astype(float),
        "win_rate": grouped["won"].sum() / (grouped["won"].sum() + grouped["lost"].sum()),
    })
    return out.stack().rename("value").rename_axis(["rep", "period", "metric"]).reset_index()


def test_joined_funnel_gives_the_kpis_of_a_hand_joined_pandas_computation():
    result = import_files([FUNNEL], mapping=MAPPINGS / "funnel.toml")
    data = result.data
    assert_accounted(data)
    assert len(data.opportunities) == len(pd.read_csv(FUNNEL / "leads.csv")) and len(data.quarantine) == 0
    kpis = compute_kpis(data, by="rep", freq="M", metrics=["bookings", "deals_won", "win_rate"])
    got = kpis.rename(columns={"entity_id": "rep"})[["rep", "period", "metric", "value"]]
    expected = _hand_joined_kpis()
    merged = expected.merge(got, on=["rep", "period", "metric"], how="left", suffixes=("_pandas", "_workbench"))
    assert len(merged) == len(expected) > 20
    pd.testing.assert_series_equal(merged["value_workbench"], merged["value_pandas"], check_names=False)
    # and nothing the pandas computation lacks: every other KPI row is an empty period
    extra = got.merge(expected, on=["rep", "period", "metric"], how="left", indicator=True)
    extra = extra[extra["_merge"] == "left_only"]
    assert (extra["value_x"].fillna(0) == 0).all()


def test_the_sdr_and_the_closer_are_both_kept_and_the_closer_owns_the_deal():
    data = import_files([FUNNEL], mapping=MAPPINGS / "funnel.toml").data
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str)
    people = data.deal_people
    sdr = people[people["role"] == "sdr"].set_index("opportunity_id")["rep_id"]
    assert sdr.to_dict() == closed.set_index("mql_id")["sdr_id"].to_dict()
    owners = data.opportunities.set_index("opportunity_id")["rep_id"]
    assert (owners[closed["mql_id"]].to_numpy() == closed["sr_id"].to_numpy()).all()
    assert set(closed["sdr_id"]) <= set(data.reps["rep_id"])


def _funnel_mapping(**join) -> str:
    text = (MAPPINGS / "funnel.toml").read_text(encoding="utf-8")
    for key, value in join.items():
        text = text.replace('how = "left"', f'how = "left"\n{key} = {value}' if key != "how" else f'how = "{value}"')
    return text


def _write_funnel(tmp_path, leads=None, closed=None):
    leads = pd.read_csv(FUNNEL / "leads.csv", dtype=str) if leads is None else leads
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str) if closed is None else closed
    leads.to_csv(tmp_path / "leads.csv", index=False)
    closed.to_csv(tmp_path / "closed_deals.csv", index=False)
    return tmp_path


def test_a_duplicate_key_on_the_right_is_an_error_naming_file_key_and_rows(tmp_path):
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str)
    closed = pd.concat([closed, closed.iloc[[3]]], ignore_index=True)
    folder = _write_funnel(tmp_path, closed=closed)
    with pytest.raises(DataError) as err:
        import_files([folder], mapping=parse_mapping(_funnel_mapping(), source="funnel.toml"))
    text = str(err.value)
    assert "closed_deals.csv" in text and closed["mql_id"].iloc[3] in text
    assert "row 5" in text and f"row {len(closed) + 1}" in text and "many = true" in text


def test_many_true_keeps_one_row_per_match(tmp_path):
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str)
    twice = closed.iloc[[3]].assign(sr_id="ffff0000ffff0000ffff0000ffff0000")
    folder = _write_funnel(tmp_path, closed=pd.concat([closed, twice], ignore_index=True))
    text = _funnel_mapping(many="true").replace('opportunity_id = "mql_id"', 'name = "mql_id"')
    result = import_files([folder], mapping=parse_mapping(text, source="funnel.toml"))
    assert result.data.rows_read["opportunities"] == 301
    assert any("1 row(s) added by one-to-many matches" in n for n in result.report.splitlines())
    assert_accounted(result.data)


def test_an_inner_join_quarantines_the_rows_without_a_partner_with_the_key(tmp_path):
    result = import_files([FUNNEL], mapping=parse_mapping(_funnel_mapping(how="inner"), source="funnel.toml"))
    data = result.data
    assert_accounted(data)
    assert len(data.opportunities) == 75 and data.rows_read["opportunities"] == 300
    q = data.quarantine[data.quarantine["check"] == "join_unmatched"]
    assert len(q) == 225
    first_lost = pd.read_csv(FUNNEL / "leads.csv", dtype=str)["mql_id"].iloc[0]
    assert q["reason"].iloc[0] == (f"no row of closed_deals.csv has mql_id = {first_lost!r} (inner join in [[joins]] #1)")
    assert q["row"].iloc[0] == 2  # the line of leads.csv


def test_right_rows_that_match_no_left_row_are_reported(tmp_path):
    leads = pd.read_csv(FUNNEL / "leads.csv", dtype=str)
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str)
    dropped = leads["mql_id"].isin(closed["mql_id"].iloc[:2])
    folder = _write_funnel(tmp_path, leads=leads[~dropped])
    result = import_files([folder], mapping=parse_mapping(_funnel_mapping(), source="funnel.toml"))
    assert any(w.startswith("closed_deals.csv: 2 row(s) match no row of leads.csv on mql_id") for w in result.warnings)
    assert_accounted(result.data)


def test_the_source_file_is_never_stacked_into_a_table_and_its_absence_is_an_error(tmp_path):
    leads = pd.read_csv(FUNNEL / "leads.csv", dtype=str)
    leads.to_csv(tmp_path / "leads.csv", index=False)
    with pytest.raises(DataError, match=r"\[sources.closed_deals\] matches none of the files given \(leads.csv\)"):
        import_files([tmp_path], mapping=MAPPINGS / "funnel.toml")


def test_join_mistakes_are_reported_with_their_key():
    with pytest.raises(MappingError) as err:
        parse_mapping('[[joins]]\nsource = "deals"\non = "id"\nhow = "outer"\n'
                      '[sources.deals]\nfiles = "d*"\n[tables.opportunities.columns]\nstage = "Stage"')
    assert "[[joins]] #1 'how' must be one of 'left', 'inner'; got 'outer'" in str(err.value)
    with pytest.raises(MappingError, match=r"'source' must name a \[sources.<name>\] section \(did you mean 'deals'\?\)"):
        parse_mapping('[[joins]]\nsource = "deal"\non = "id"\n[sources.deals]\nfiles = "d*"\n'
                      '[tables.opportunities.columns]\nstage = "Stage"')
    with pytest.raises(MappingError, match="left key 'lead id' is not a column of leads.csv"):
        import_files([FUNNEL], mapping=parse_mapping(_funnel_mapping().replace('on = "mql_id"', 'left_on = "lead id"\nright_on = "mql_id"'),
                                                     source="funnel.toml"))


def test_a_source_in_several_files_is_stacked_before_the_join(tmp_path):
    closed = pd.read_csv(FUNNEL / "closed_deals.csv", dtype=str)
    pd.read_csv(FUNNEL / "leads.csv", dtype=str).to_csv(tmp_path / "leads.csv", index=False)
    closed.iloc[:40].to_csv(tmp_path / "closed_deals_2025.csv", index=False)
    closed.iloc[40:].to_csv(tmp_path / "closed_deals_2026.csv", index=False)
    split = import_files([tmp_path], mapping=MAPPINGS / "funnel.toml").data
    whole = import_files([FUNNEL], mapping=MAPPINGS / "funnel.toml").data
    assert_accounted(split)
    pd.testing.assert_frame_equal(split.opportunities, whole.opportunities)
    pd.testing.assert_frame_equal(split.deal_people, whole.deal_people)


def test_an_expression_with_when_always_overwrites_the_mapped_value():
    text = _funnel_mapping().replace('source = "origin"', 'source = "origin"\nstage = "origin"').replace(
        "stage = \"'Closed won'", "stage = {when = \"always\", expr = \"'Closed won'").replace(
        "else 'MQL'\"", "else 'MQL'\"}")
    data = import_files([FUNNEL], mapping=parse_mapping(text, source="funnel.toml")).data
    assert set(data.opportunities["stage"]) == {"Closed won", "Closed lost", "MQL"}
