"""validate_tables: one test per quarantine reason, cascade, the no-row-lost invariant."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from io_tables import assert_no_row_lost

from workbench.contract import TABLES
from workbench.errors import DataError
from workbench.io import CHECK_LABELS, QUARANTINE_COLUMNS, SalesData, validate_tables


def only(q: pd.DataFrame, **equal) -> dict:
    """The single quarantine record matching ``equal``."""
    mask = np.ones(len(q), dtype=bool)
    for key, value in equal.items():
        mask &= (q[key] == value).to_numpy()
    rows = q[mask]
    assert len(rows) == 1, q.to_string()
    return rows.iloc[0].to_dict()


def load_with(reps, opportunities, **others):
    data = validate_tables({"reps": reps, "opportunities": opportunities, **others},
                           files={"reps": "reps.csv", "opportunities": "opportunities.csv"})
    assert_no_row_lost(data)
    return data


def test_clean_tables_load_typed_with_every_contract_column(reps, opportunities, stage_history):
    data = load_with(reps, opportunities, stage_history=stage_history)
    assert data.quarantine.empty
    assert list(data.quarantine.columns) == QUARANTINE_COLUMNS
    deals = data.opportunities
    assert deals.columns.tolist() == TABLES["opportunities"].column_names
    assert deals["amount"].dtype == "float64"
    assert deals["created_at"].dtype == "datetime64[ns]"
    assert deals["closed_at"].dtype == "datetime64[ns]"
    assert str(deals["opportunity_id"].dtype) == "str"
    assert deals["first_touch_at"].isna().all()  # absent nullable column added, empty
    assert deals["lost_reason"].isna().all()
    assert data.reps["hire_date"].tolist()[:2] == [pd.Timestamp("2024-01-15"), pd.Timestamp("2024-03-01")]
    assert data.rows_read == {"reps": 3, "opportunities": 4, "stage_history": 8}
    assert data.has("stage_history") and not data.has("activities") and data.activities is None


@pytest.mark.parametrize(
    "column, value, check, reason",
    [
        ("created_at", "31/02/2026", "unparseable_date", "unparseable date; expected e.g. 2026-03-05 or 2026-03-05 14:30"),
        ("created_at", "", "missing_value", "missing required value"),
        ("rep_id", "  ", "missing_value", "missing required value"),
        ("amount", "lots", "unparseable_number", "unparseable number"),
        ("amount", "-300", "out_of_range", "negative amount"),
        ("outcome", "maybe", "unknown_value", "unknown outcome value; expected one of open, won, lost"),
        ("rep_id", "R9", "unknown_reference", "rep_id not in reps"),
    ],
)
def test_each_row_level_problem_is_quarantined_with_row_column_value_reason(reps, opportunities, column, value, check, reason):
    bad = opportunities.copy()
    bad.loc[3, column] = value  # O4, 0-based index label 3
    data = load_with(reps, bad)
    record = only(data.quarantine, table="opportunities")
    assert record == {"table": "opportunities", "file": "opportunities.csv", "row": 3, "column": column,
                      "value": value, "reason": reason, "check": check}
    assert data.opportunities["opportunity_id"].tolist() == ["O1", "O2", "O3"]


def test_closed_before_created(reps, opportunities):
    bad = opportunities.copy()
    bad.loc[0, "closed_at"] = "2025-12-31"
    record = only(load_with(reps, bad).quarantine, table="opportunities")
    assert (record["row"], record["column"], record["value"], record["check"]) == (0, "closed_at", "2025-12-31",
                                                                                  "closed_before_created")
    assert record["reason"] == "closed_at before created_at 2026-01-05 00:00"


def test_outcome_inconsistent_with_closed_at(reps, opportunities):
    bad = opportunities.copy()
    bad.loc[0, "closed_at"] = ""  # won without a close date
    bad.loc[1, "closed_at"] = "2026-02-02"  # open with a close date
    q = load_with(reps, bad).quarantine
    won = only(q, row=0)
    assert (won["column"], won["value"], won["reason"]) == ("outcome", "won", "outcome won needs a closed_at date")
    still_open = only(q, row=1)
    assert still_open["reason"] == "outcome open but closed_at is 2026-02-02"
    assert set(q["check"]) == {"outcome_inconsistent"}


def test_duplicate_id_keeps_the_first_and_names_its_row(reps, opportunities):
    bad = pd.concat([opportunities, opportunities.iloc[[1]]], ignore_index=True)
    bad.loc[4, "amount"] = "999"
    data = load_with(reps, bad)
    record = only(data.quarantine, table="opportunities")
    assert (record["row"], record["column"], record["value"]) == (4, "opportunity_id", "O2")
    assert record["reason"] == "duplicate opportunity_id, first seen at row 1"
    kept = data.opportunities.set_index("opportunity_id")
    assert kept.loc["O2", "amount"] == 800.0


def test_duplicate_composite_key(reps, opportunities, stage_history):
    history = pd.concat([stage_history, stage_history.iloc[[0]]], ignore_index=True)
    record = only(load_with(reps, opportunities, stage_history=history).quarantine, table="stage_history")
    assert record["column"] == "opportunity_id, stage, entered_at"
    assert record["value"] == "O1, Lead, 2026-01-05"
    assert record["reason"] == "duplicate (opportunity_id, stage, entered_at), first seen at row 0"


def test_unknown_enum_values_are_lower_cased_first(reps, opportunities):
    deals = opportunities.copy()
    deals["outcome"] = ["Won", " OPEN ", "Lost", "open"]
    data = load_with(reps, deals)
    assert data.quarantine.empty
    assert data.opportunities["outcome"].tolist() == ["won", "open", "lost", "open"]


def test_orphans_of_other_tables(reps, opportunities, stage_history):
    history = stage_history.copy()
    history.loc[7, "opportunity_id"] = "O99"
    activities = pd.DataFrame({"activity_id": ["X1", "X2", "X3"], "rep_id": ["R1", "R7", "R1"],
                               "opportunity_id": ["O1", "O1", "O42"], "type": ["Call", "email", "demo"],
                               "at": ["2026-01-06 10:00", "2026-01-07", "2026-01-08"]})
    catalog = pd.DataFrame({"module_id": ["T1"], "title": ["Discovery"], "skill": ["discovery"], "hours": ["2"]})
    log = pd.DataFrame({"rep_id": ["R1", "R2"], "module_id": ["T1", "T9"], "completed_at": ["2026-01-01", "2026-01-02"]})
    data = load_with(reps, opportunities, stage_history=history, activities=activities,
                     training_catalog=catalog, training_log=log)
    q = data.quarantine
    assert only(q, table="stage_history")["reason"] == "opportunity_id not in opportunities"
    assert only(q, table="stage_history")["row"] == 7
    assert only(q, table="activities", row=1)["reason"] == "rep_id not in reps"
    assert only(q, table="activities", row=2)["reason"] == "opportunity_id not in opportunities"
    assert data.activities["type"].tolist() == ["call"]
    record = only(q, table="training_log")
    assert (record["row"], record["column"], record["value"], record["reason"]) == (
        1, "module_id", "T9", "module_id not in training_catalog")


def test_enum_error_comes_before_reference_error(reps, opportunities):
    activities = pd.DataFrame({"activity_id": ["X1"], "rep_id": ["R1"], "type": ["fax"], "at": ["2026-01-06"]})
    record = only(load_with(reps, opportunities, activities=activities).quarantine, table="activities")
    assert record["reason"] == "unknown type value; expected one of call, email, meeting, demo, visit, other"


def test_cascade_quarantines_dependants_with_the_cause(reps, opportunities, stage_history):
    bad_reps = reps.copy()
    bad_reps.loc[2, "region"] = ""  # R3 rejected -> O4 -> O4's stage history
    bad_deals = opportunities.copy()
    bad_deals.loc[1, "amount"] = "-1"  # O2 rejected -> O2's stage history
    data = load_with(bad_reps, bad_deals, stage_history=stage_history)
    q = data.quarantine
    assert only(q, table="reps")["reason"] == "missing required value"
    o4 = only(q, table="opportunities", row=3)
    assert o4["check"] == "cascade" and o4["column"] == "rep_id" and o4["value"] == "R3"
    assert o4["reason"] == "rep_id was quarantined from reps (row 2: missing required value)"
    history = q[q["table"] == "stage_history"]
    assert history["row"].tolist() == [3, 4, 7]
    assert set(history["check"]) == {"cascade"}
    assert history.iloc[0]["reason"] == "opportunity_id was quarantined from opportunities (row 1: negative amount)"
    assert "row 3: rep_id was quarantined from reps" in history.iloc[2]["reason"]
    assert sorted(data.stage_history["opportunity_id"].unique()) == ["O1", "O3"]


def test_one_entry_per_row_with_the_first_problem(reps, opportunities):
    bad = opportunities.copy()
    bad.loc[2, ["created_at", "amount", "rep_id"]] = ["never", "-1", "R9"]
    data = load_with(reps, bad)
    record = only(data.quarantine, table="opportunities")
    assert record["check"] == "unparseable_date"


def test_rows_read_equals_loaded_plus_quarantined_on_messy_data():
    rng = np.random.default_rng(3)
    n = 400
    reps = pd.DataFrame({"rep_id": [f"R{i}" for i in range(20)] + ["R0", ""], "name": "n", "team": "t", "region": "r"})
    deals = pd.DataFrame({
        "opportunity_id": [f"O{i}" for i in rng.integers(0, 300, n)],
        "rep_id": [f"R{i}" for i in rng.integers(0, 25, n)],
        "created_at": rng.choice(["2026-01-05", "2026/1/6", "bad", "", "2026-01-07 10:00"], n),
        "stage": "Demo",
        "amount": rng.choice(["100", "-5", "1,000", "x", ""], n),
        "closed_at": rng.choice(["", "2026-01-06", "2025-01-01"], n),
        "outcome": rng.choice(["open", "won", "lost", "Won", "??"], n),
    })
    history = pd.DataFrame({"opportunity_id": deals["opportunity_id"].sample(600, replace=True, random_state=1).to_numpy(),
                            "stage": "Demo", "entered_at": "2026-01-05"})
    data = validate_tables({"reps": reps, "opportunities": deals, "stage_history": history})
    assert_no_row_lost(data)
    assert data.rows_read == {"reps": 22, "opportunities": n, "stage_history": 600}
    assert len(data.quarantine) > 0 and sum(data.rows_loaded.values()) > 0
    assert data.rows_quarantined["opportunities"] == n - len(data.opportunities)


def test_missing_required_column_names_file_column_and_expectation(reps, opportunities):
    with pytest.raises(DataError) as err:
        validate_tables({"reps": reps, "opportunities": opportunities.drop(columns=["amount"])},
                        files={"opportunities": "/data/opportunities.csv"})
    message = str(err.value)
    assert "/data/opportunities.csv" in message
    assert "missing required column 'amount'" in message
    assert "expected columns ['opportunity_id', 'rep_id', 'created_at', 'stage', 'amount', 'outcome']" in message
    assert err.value.column == "amount" and err.value.file == "/data/opportunities.csv"


def test_missing_required_table(reps):
    with pytest.raises(DataError, match=r"required table 'opportunities' is missing; expected .*opportunities.csv"):
        validate_tables({"reps": reps})


def test_two_columns_meaning_the_same_contract_column(reps, opportunities):
    deals = opportunities.assign(**{"Rep ID": opportunities["rep_id"]})
    with pytest.raises(DataError, match=r"columns 'rep_id' and 'Rep ID' both mean 'rep_id'"):
        validate_tables({"reps": reps, "opportunities": deals})


def test_column_names_match_loosely_and_extras_are_reported(reps, opportunities):
    deals = opportunities.rename(columns={"opportunity_id": "Opportunity ID", "created_at": "Created-At"})
    deals["Probability"] = "50%"
    data = validate_tables({"REPS": reps, "Opportunities": deals, "notes": pd.DataFrame()})
    assert len(data.opportunities) == 4
    assert data.ignored_columns["opportunities"] == ("Probability",)
    assert data.ignored_sources == ("notes",)
    text = data.summary()
    assert "opportunities: columns Probability" in text and "notes" in text


def test_source_row_and_file_helper_columns_override(reps, opportunities):
    deals = opportunities.copy()
    deals["_source_row"] = [10, 11, 12, 13]
    deals["_source_file"] = "export_2026.xlsx"
    deals.loc[2, "amount"] = "-1"
    data = validate_tables({"reps": reps, "opportunities": deals})
    record = only(data.quarantine, table="opportunities")
    assert (record["row"], record["file"]) == (12, "export_2026.xlsx")
    assert "_source_row" not in data.opportunities.columns and "_source_file" not in data.opportunities.columns
    assert data.ignored_columns["opportunities"] == ()


def test_typed_inputs_are_accepted(reps):
    deals = pd.DataFrame({
        "opportunity_id": [101, 102], "rep_id": ["R1", "R2"],
        "created_at": [pd.Timestamp("2026-01-05 10:00"), pd.Timestamp("2026-01-06")], "stage": ["Demo", "Won"],
        "amount": [100.0, 250.5], "closed_at": [pd.NaT, pd.Timestamp("2026-02-01")], "outcome": ["open", "won"],
    })
    data = validate_tables({"reps": reps, "opportunities": deals})
    assert data.quarantine.empty
    assert data.opportunities["opportunity_id"].tolist() == ["101", "102"]
    assert data.opportunities["created_at"].iloc[0] == pd.Timestamp("2026-01-05 10:00")


def test_inputs_are_not_mutated(reps, opportunities):
    before = {"reps": reps.copy(), "opportunities": opportunities.copy()}
    opportunities.loc[1, "amount"] = "-7"
    before["opportunities"] = opportunities.copy()
    validate_tables({"reps": reps, "opportunities": opportunities})
    pd.testing.assert_frame_equal(reps, before["reps"])
    pd.testing.assert_frame_equal(opportunities, before["opportunities"])


def test_sales_data_hands_out_copies(reps, opportunities):
    opportunities.loc[1, "amount"] = "-7"
    data = validate_tables({"reps": reps, "opportunities": opportunities})
    deals = data.opportunities
    deals.loc[0, "amount"] = 0.0
    deals["extra"] = 1
    handed_out = data.tables["reps"]
    handed_out.loc[0, "name"] = "changed"
    data["reps"].drop(index=0, inplace=True)
    quarantine = data.quarantine
    quarantine.loc[0, "reason"] = "changed"
    assert data.opportunities.loc[0, "amount"] == 1200.0
    assert "extra" not in data.opportunities.columns
    assert data.reps.loc[0, "name"] == "Ann Lee" and len(data.reps) == 3
    assert data.quarantine.loc[0, "reason"] == "negative amount"
    with pytest.raises(AttributeError):
        data.stages = ("x",)


def test_targets_periods_and_company_entity(reps, opportunities):
    targets = pd.DataFrame({
        "entity_type": ["Rep", "team", "company", "region"],
        "entity_id": ["R1", "East", "", "North"],
        "period": ["2026/3", "2026-Q1", "2026年4月", "March"],
        "metric": ["Bookings", "bookings", "bookings", "bookings"],
        "target": ["10,000", "50000", "1e6", "5"],
    })
    data = load_with(reps, opportunities, targets=targets)
    loaded = data.targets
    assert loaded["period"].tolist() == ["2026-03", "2026-Q1", "2026-04"]
    assert loaded["entity_type"].tolist() == ["rep", "team", "company"]
    assert loaded["entity_id"].tolist() == ["R1", "East", "company"]
    assert loaded["metric"].tolist() == ["bookings"] * 3
    record = only(data.quarantine, table="targets")
    assert (record["row"], record["column"], record["value"], record["check"]) == (3, "period", "March",
                                                                                  "unparseable_period")


def test_bounds_of_scores(reps, opportunities):
    surveys = pd.DataFrame({"survey_id": ["S1", "S2"], "rep_id": ["R1", "R1"], "at": ["2026-01-01", "2026-01-02"],
                            "score": ["4.5", "7"]})
    record = only(load_with(reps, opportunities, surveys=surveys).quarantine, table="surveys")
    assert (record["row"], record["column"], record["value"], record["reason"]) == (1, "score", "7",
                                                                                  "score above the maximum 5")


def test_malformed_row_from_a_reader(reps, opportunities):
    deals = opportunities.copy()
    deals["_row_error"] = ["", "", "row has 10 fields, the header has 9", ""]
    record = only(load_with(reps, deals).quarantine, table="opportunities")
    assert (record["row"], record["check"], record["reason"]) == (2, "malformed_row", "row has 10 fields, the header has 9")


def test_stages_inferred_from_history_without_terminal_stages(reps, opportunities, stage_history):
    data = load_with(reps, opportunities, stage_history=stage_history)
    assert data.stages == ("Lead", "Demo")


def test_stages_given_as_list_mapping_or_frame(reps, opportunities, stage_history):
    frames = {"reps": reps, "opportunities": opportunities, "stage_history": stage_history}
    assert validate_tables(frames, stages=["Lead", "Qualify", "Demo"]).stages == ("Lead", "Qualify", "Demo")
    data = validate_tables(frames, stages={"new": ["Lead", "Demo"], "renewal": ["Review"]})
    assert data.stages == ("Lead", "Demo") and data.pipelines["renewal"] == ("Review",)
    config = pd.DataFrame({"stage": ["Demo", "Lead", "Proposal"], "order": ["2", "1", "3"]})
    assert validate_tables({**frames, "stages": config}).stages == ("Lead", "Demo", "Proposal")
    assert validate_tables({"reps": reps, "opportunities": opportunities}).stages == ()


def test_report_counts_per_table_and_reason_with_examples(reps, opportunities):
    bad = opportunities.copy()
    bad["amount"] = ["1", "-2", "-3", "-4"]
    bad.loc[0, "rep_id"] = "R9"
    data = load_with(reps, bad)
    report = data.report(examples=2)
    assert report[["table", "check", "count"]].values.tolist() == [
        ["opportunities", "out_of_range", 3], ["opportunities", "unknown_reference", 1]]
    assert report.loc[0, "examples"].split("\n") == ["row 1, amount='-2': negative amount",
                                                     "row 2, amount='-3': negative amount"]
    assert report.loc[0, "label"] == CHECK_LABELS["out_of_range"]
    table = data.table_report().set_index("table")
    assert table.loc["opportunities", ["rows_read", "rows_loaded", "rows_quarantined"]].tolist() == [4, 0, 4]
    text = data.summary()
    assert "Quarantined rows: 4" in text and "row 0, rep_id='R9': rep_id not in reps" in text
    assert repr(data) == "SalesData(reps=3, opportunities=0; quarantined=4)"


def test_empty_tables_load(reps, opportunities):
    data = validate_tables({"reps": reps, "opportunities": opportunities.iloc[0:0]})
    assert len(data.opportunities) == 0 and data.rows_read["opportunities"] == 0
    assert isinstance(data, SalesData)


def test_close_date_on_the_creation_day_is_not_before_creation(reps, opportunities):
    deals = opportunities.copy()
    deals.loc[0, ["created_at", "closed_at"]] = ["2026-01-05 14:30", "2026-01-05"]  # a date, same day: fine
    deals.loc[2, ["created_at", "closed_at"]] = ["2026-01-12 14:30", "2026-01-12 09:00"]  # a time before: not
    record = only(load_with(reps, deals).quarantine, table="opportunities")
    assert (record["row"], record["check"]) == (2, "closed_before_created")


@pytest.mark.parametrize("marker", ["", "  ", "NULL", "null", "None", "NaN", "#N/A", "(blank)"])
def test_null_markers_in_text_columns_are_missing_values(reps, opportunities, marker):
    deals = opportunities.copy()
    deals.loc[1, "rep_id"] = marker
    deals.loc[2, "product"] = marker  # nullable: just empty
    data = load_with(reps, deals)
    record = only(data.quarantine, table="opportunities")
    assert (record["row"], record["column"], record["value"], record["check"]) == (1, "rep_id", marker, "missing_value")
    assert data.opportunities.set_index("opportunity_id").loc["O3", "product"] is np.nan


def test_na_is_a_region_not_a_missing_value(reps, opportunities):
    regions = reps.copy()
    regions["region"] = ["NA", "EMEA", "-"]
    assert load_with(regions, opportunities).reps["region"].tolist() == ["NA", "EMEA", "-"]


def test_ids_written_as_floats_match_their_integer_form(reps, opportunities):
    deals = opportunities.copy()
    deals["opportunity_id"] = ["101.0", "102.0", "103.0", "104.0"]
    history = pd.DataFrame({"opportunity_id": [101, 102], "stage": ["Lead", "Lead"],
                            "entered_at": ["2026-01-05", "2026-01-10"]})
    data = load_with(reps, deals, stage_history=history)
    assert data.quarantine.empty
    assert data.opportunities["opportunity_id"].tolist() == ["101", "102", "103", "104"]
    mixed = opportunities.copy()
    mixed["account_id"] = ["A1.0", "2.0", "3", None]  # not all integers: left as written
    assert load_with(reps, mixed).opportunities["account_id"].tolist()[:3] == ["A1.0", "2.0", "3"]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("labels", ["range", "other"])
def test_duplicate_reasons_name_the_first_valid_occurrence(monkeypatch, seed, labels):
    from workbench.io import _fast

    monkeypatch.setattr(_fast, "_HASH_FROM_ROWS", 0)  # the hashed path, as for big tables
    rng = np.random.default_rng(900 + seed)
    n = 300
    ids = np.array([f"O{i:03d}" for i in rng.integers(0, 60, n)], dtype=object)
    if seed % 2:
        ids.sort()  # as exported, sorted by id: repeats are neighbours
    amount = np.where(rng.random(n) < 0.2, -5.0, 100.0)  # negative rows are quarantined before the key check
    deals = pd.DataFrame({"opportunity_id": ids, "rep_id": "R1", "created_at": "2026-01-05", "stage": "Demo",
                          "amount": amount, "outcome": "open"},
                         index=pd.RangeIndex(2, n + 2) if labels == "range" else pd.Index(np.arange(n) * 3 + 7))
    reps = pd.DataFrame({"rep_id": ["R1"], "name": ["Ann"], "team": ["East"], "region": ["North"]})
    quarantine = validate_tables({"reps": reps, "opportunities": deals}).quarantine
    found = quarantine[quarantine["check"] == "duplicate_key"]
    good = deals[amount >= 0]
    first = pd.Series(good.index, index=good.index).groupby(good["opportunity_id"]).transform("first")
    repeats = good["opportunity_id"].duplicated()
    assert repeats.any()
    assert found["row"].tolist() == good.index[repeats].tolist()
    assert found["reason"].tolist() == [f"duplicate opportunity_id, first seen at row {r}" for r in first[repeats]]


def test_a_table_may_be_a_future_of_its_frame(reps, opportunities):
    from concurrent.futures import Future

    pending = Future()
    pending.set_result(opportunities)
    data = validate_tables({"reps": reps, "opportunities": pending})
    pd.testing.assert_frame_equal(data.opportunities, validate_tables({"reps": reps, "opportunities": opportunities}
                                                                      ).opportunities)
    wrong = Future()
    wrong.set_result(["not", "a", "frame"])
    with pytest.raises(DataError, match="table 'opportunities': expected a pandas DataFrame, got list"):
        validate_tables({"reps": reps, "opportunities": wrong})
