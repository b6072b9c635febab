"""Derived columns as safe expressions: the grammar, what it refuses, and export_date."""

import pandas as pd
import pytest

from tests.io.crm.cookbook import FIXTURES, MAPPINGS, assert_accounted
from workbench.errors import MappingError
from workbench.io.crm import import_files
from workbench.io.crm.expressions import evaluate, parse_expression
from workbench.io.crm.mapping import parse_mapping

FRAME = pd.DataFrame({
    "created_at": pd.to_datetime(["2026-01-01", "2026-03-01", None]),
    "x_won": pd.to_datetime(["2026-02-15", None, None]),
    "amount": [100.0, 0.0, None],
    "stage": ["Won", "Demo", None],
})
NAMES = set(FRAME.columns)


def _eval(text, words=(), export_date="2026-06-30"):
    return evaluate(parse_expression(text, names=NAMES, words=words), FRAME, export_date=pd.Timestamp(export_date))


def test_durations_dates_and_choices():
    assert _eval("created_at + 30 d").tolist()[:2] == [pd.Timestamp("2026-01-31"), pd.Timestamp("2026-03-31")]
    assert _eval("created_at + 2 weeks - 12 h").iloc[0] == pd.Timestamp("2026-01-14 12:00")
    assert _eval("x_won - created_at").tolist()[0] == 45.0  # date - date = days
    assert _eval("created_at + days(amount)").iloc[0] == pd.Timestamp("2026-04-11")
    assert _eval("won if x_won else lost if created_at + 90 d < export_date else open",
                 words=("open", "won", "lost")).tolist() == ["won", "lost", "open"]
    assert _eval("x_won if x_won else None").isna().tolist() == [False, True, True]


def test_empty_cells_compare_false_and_conditions_read_presence():
    assert _eval("created_at < export_date").tolist() == [True, True, False]
    assert _eval("not created_at < export_date").tolist() == [False, False, True]
    assert _eval("'yes' if amount else 'no'").tolist() == ["yes", "no", "no"]  # 0 and empty are false
    assert _eval("'yes' if stage == 'Won' or empty(stage) else 'no'").tolist() == ["yes", "no", "yes"]
    assert _eval("coalesce(x_won, created_at, date('2026-12-31'))").tolist() == [
        pd.Timestamp("2026-02-15"), pd.Timestamp("2026-03-01"), pd.Timestamp("2026-12-31")]
    assert _eval("'a' if date('2026-01-01') < created_at < date('2026-12-31') else 'b'").tolist() == ["b", "a", "b"]


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('x')", "is not allowed"),
    ("open('x')", "function 'open' is not allowed"),
    ("stage.lower()", "is not allowed"),
    ("(stage).lower", "attribute access (a.b) is not allowed"),
    ("[c for c in stage]", "is not allowed in an expression"),
    ("lambda: 1", "lambda is not allowed"),
    ("stage[0]", "indexing"),
    ("amount ** 2", "'**' is not allowed"),
    ("stge == 'Won'", "unknown name 'stge' (did you mean 'stage'?)"),
    ("True", "only numbers, quoted text and None"),
    ("created_at +", "not a valid expression"),
    ("date(stage)", "date() takes a quoted date"),
])
def test_anything_outside_the_grammar_is_refused_before_running(text, message):
    with pytest.raises(MappingError, match=None) as err:
        parse_expression(text, names=NAMES)
    assert message in str(err.value)


def test_a_duration_inside_quotes_stays_text():
    assert _eval("'30 d' if stage else None").tolist()[:2] == ["30 d", "30 d"]


def test_a_date_plus_a_plain_number_is_an_error_naming_the_expression():
    with pytest.raises(MappingError, match=r"'created_at \+ 5'.*cannot compute.*'180 d'"):
        _eval("created_at + 5")


def test_mapping_expressions_are_checked_when_the_mapping_is_read():
    with pytest.raises(MappingError) as err:
        parse_mapping('[tables.opportunities.columns]\nstage = "Stage"\nx_won_date = {headers = "Won", type = "date"}\n'
                      '[tables.opportunities.derive]\noutcome = "won if x_won_date else lsot"')
    assert "[tables.opportunities.derive.outcome]" in str(err.value) and "unknown name 'lsot'" in str(err.value)
    with pytest.raises(MappingError, match=r"unknown name 'x_won'.*declare helper fields in \[tables.<table>.columns\]"):
        parse_mapping('[tables.opportunities.columns]\nstage = "Stage"\n[tables.opportunities.derive]\nclosed_at = "x_won"')
    with pytest.raises(MappingError, match="'export_date' must be a date like 2026-06-30"):
        parse_mapping('export_date = "soon"\n[tables.opportunities.columns]\nstage = "Stage"')


def _funnel(export_date=None, in_mapping=None):
    text = (MAPPINGS / "funnel.toml").read_text(encoding="utf-8")
    if in_mapping:
        text = text.replace("# export_date = 2026-12-31", f"export_date = {in_mapping}")
    result = import_files([FIXTURES / "funnel"], mapping=parse_mapping(text, source="funnel.toml"),
                          export_date=export_date)
    assert_accounted(result.data)
    return result


def test_export_date_defaults_to_the_latest_date_and_can_be_set_in_the_mapping_or_the_call():
    leads = pd.read_csv(FIXTURES / "funnel" / "leads.csv")
    closed = pd.read_csv(FIXTURES / "funnel" / "closed_deals.csv")
    latest = max(pd.to_datetime(leads["first_contact_date"]).max(), pd.to_datetime(closed["won_date"]).max())
    default = _funnel()
    assert f"export_date = {latest:%Y-%m-%d} (the latest date in the opportunities rows)" in default.report
    early = _funnel(in_mapping="2026-01-01")
    assert "export_date = 2026-01-01 (given in the mapping or the import call)" in early.report
    counts = {name: r.data.opportunities["outcome"].value_counts() for name, r in (("default", default), ("early", early))}
    assert counts["early"]["lost"] < counts["default"]["lost"] and counts["early"]["won"] == counts["default"]["won"] == 75
    first = pd.to_datetime(leads["first_contact_date"])
    not_won = ~leads["mql_id"].isin(closed["mql_id"])
    assert counts["early"]["lost"] == int((not_won & (first + pd.Timedelta(days=180) < "2026-01-01")).sum())
    called = _funnel(export_date="2026-01-01", in_mapping="2030-01-01")  # the call wins over the mapping
    assert called.data.opportunities["outcome"].value_counts()["lost"] == counts["early"]["lost"]


def test_a_number_field_with_a_default_stays_a_number_in_expressions():
    # amount = {headers = "declared_monthly_revenue", default = 0}: leads that never closed take
    # the default, and a 0 (given or defaulted) is false in a condition, as for any number
    text = (MAPPINGS / "funnel.toml").read_text(encoding="utf-8")
    text += "competitor = \"'declared' if amount else 'none'\"\n"
    opps = import_files([FIXTURES / "funnel"], mapping=parse_mapping(text, source="funnel.toml")).data.opportunities
    assert (opps["competitor"] == "declared").tolist() == (opps["amount"] != 0).tolist()
    assert 0 < int((opps["competitor"] == "declared").sum()) < 75
