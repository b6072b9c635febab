"""Mapping files: parsing, validation and the precision of their error messages."""

from __future__ import annotations

import pytest

from workbench.errors import MappingError
from workbench.io.crm.mapping import (
    allowed_fields,
    load_mapping,
    load_preset,
    parse_mapping,
    preset_names,
)

MINIMAL = """
[tables.opportunities.columns]
owner = "Owner"
stage = "Stage"
amount = "Amount"
created_at = "Created"
"""


def problems_of(text: str) -> str:
    with pytest.raises(MappingError) as info:
        parse_mapping(text, source="my.toml")
    return str(info.value)


def test_every_preset_loads_and_maps_opportunities():
    assert preset_names() == ["hubspot", "jiandaoyun", "salesforce", "zoho"]
    for name in preset_names():
        mapping = load_preset(name)
        assert mapping.name == name
        opportunities = mapping.tables["opportunities"]
        for field in ("owner", "stage", "amount", "created_at", "close_date"):
            assert opportunities.columns[field].headers, (name, field)
        assert opportunities.values["outcome"].source == "stage"


def test_presets_classify_their_vendor_stage_names():
    cases = {
        "salesforce": {"Closed Won": "won", "closed lost": "lost", "Negotiation/Review": "open"},
        "hubspot": {"closedwon": "won", "Closed lost": "lost", "Closed won (Enterprise Pipeline)": "won",
                    "Contract sent": "open"},
        "zoho": {"Closed Won": "won", "Closed-Lost to Competition": "lost", "Closed Lost": "lost",
                 "Qualification": "open"},
        "jiandaoyun": {"赢单": "won", "成交": "won", "输单": "lost", "丢单": "lost", "方案报价": "open"},
    }
    for name, stages in cases.items():
        outcome = load_preset(name).tables["opportunities"].values["outcome"]
        assert {s: outcome.lookup(s) for s in stages} == stages, name


def test_minimal_mapping_gets_defaults():
    mapping = parse_mapping(MINIMAL, source="my.toml")
    assert mapping.name == "my"
    spec = mapping.tables["opportunities"].columns["created_at"]
    assert spec.type == "datetime" and spec.headers == ("Created",) and spec.occurrence == 1
    assert mapping.reps.team == "Unassigned" and mapping.currency.reporting is None


def test_unknown_top_level_key_names_allowed_keys():
    text = problems_of('nmae = "x"\n' + MINIMAL)
    assert "my.toml: unknown key 'nmae' (did you mean 'name'?)" in text
    assert "allowed keys:" in text and "tables" in text


def test_unknown_table_and_field_suggest_the_right_name():
    text = problems_of("[tables.oportunities.columns]\nstage = 'Stage'")
    assert "[tables] unknown table 'oportunities' (did you mean 'opportunities'?)" in text
    text = problems_of("[tables.opportunities.columns]\namout = 'Amount'")
    assert "[tables.opportunities.columns] unknown field 'amout' (did you mean 'amount'?)" in text
    assert "must start with 'x_'" in text


def test_all_problems_are_reported_at_once():
    text = problems_of(
        """
[read]
header_row = 0
[parse]
date_formats = ["YYYY-MM-DD"]
[currency]
rates = {EUR = 1.1}
[tables.opportunities.columns]
stage = 5
created_at = {headers = "Created", formats = ["%Q"]}
[tables.opportunities.values.outcome]
source = "stage"
won = ["Won"]
lost_patterns = ["(unclosed"]
default = "pending"
"""
    )
    assert text.startswith("my.toml: 7 problems:")
    assert "[read] 'header_row' must be \"auto\" or a row number" in text
    assert "[parse] 'date_formats': 'YYYY-MM-DD' is not a strptime format" in text
    assert "[currency] 'rates' needs 'reporting'" in text
    assert "[tables.opportunities.columns] 'stage' must be a header, a list of headers or a table" in text
    assert "[tables.opportunities.columns.created_at] 'formats': '%Q' is not a valid strptime format" in text
    assert "[tables.opportunities.values.outcome] 'lost_patterns': '(unclosed' is not a valid regular expression" in text
    assert "'default': 'pending' is not an allowed value of opportunities.outcome" in text


def test_value_map_conflicts_and_unknown_keys():
    text = problems_of(
        MINIMAL
        + """
[tables.opportunities.values.outcome]
source = "stage"
won = ["Closed"]
lost = ["closed"]
drawn = ["Tie"]
"""
    )
    assert "'closed' is mapped to both 'won' and 'lost'" in text
    assert "unknown key 'drawn'" in text and "won_patterns" in text


def test_activity_type_map_accepts_lists_named_after_types():
    mapping = parse_mapping(
        """
[tables.activities.columns]
owner = "跟进人"
at = "跟进时间"
type = "跟进方式"
[tables.activities.values.type]
call = ["电话"]
visit = ["拜访"]
visit_patterns = ["上门"]
default = "other"
""",
        source="a.toml",
    )
    types = mapping.tables["activities"].values["type"]
    assert [types.lookup(v) for v in ["电话", "拜访", "上门服务", "微信"]] == ["call", "visit", "visit", "other"]


def test_constant_and_column_for_the_same_field_is_an_error():
    text = problems_of(MINIMAL + "[tables.opportunities.constants]\nstage = 'Open'\n")
    assert "[tables.opportunities.constants] 'stage' is also mapped in [tables.opportunities.columns]" in text


def test_contract_type_cannot_be_changed():
    text = problems_of("[tables.opportunities.columns]\namount = {headers = 'Amount', type = 'date'}")
    assert "'type' 'date' does not fit 'amount', which is number" in text


def test_derive_checks_method_and_sources():
    text = problems_of(MINIMAL + "[tables.opportunities.derive]\nopportunity_id = {method = 'md5', from = ['nam']}\n")
    assert "'method' must be one of 'slug', 'hash', 'coalesce'" in text
    assert "'from' names 'nam', which is not a field of opportunities (did you mean 'name'?)" in text


def test_invalid_toml_reports_the_line():
    text = problems_of("[tables.opportunities.columns]\nstage = \n")
    assert text.startswith("my.toml: not valid TOML:") and "line 2" in text


def test_extends_a_preset_and_overrides_parts(tmp_path):
    path = tmp_path / "acme.toml"
    path.write_text(
        'extends = "salesforce"\nname = "acme"\n[currency]\nreporting = "USD"\nrates = {EUR = 1.1}\n'
        '[tables.opportunities.columns]\namount = "Amount (converted)"\n',
        encoding="utf-8",
    )
    mapping = load_mapping(path)
    assert mapping.name == "acme" and mapping.source == "acme.toml"
    assert mapping.currency.rate("EUR") == 1.1 and mapping.currency.rate("USD") == 1.0
    opportunities = mapping.tables["opportunities"]
    assert opportunities.columns["amount"].headers == ("Amount (converted)",)
    assert opportunities.columns["stage"].headers[0] == "Stage"  # inherited
    assert "activities" in mapping.tables


def test_extends_a_relative_file(tmp_path):
    (tmp_path / "base.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "child.toml").write_text('extends = "base.toml"\n[reps]\nteam = "Field"\n', encoding="utf-8")
    mapping = load_mapping(tmp_path / "child.toml")
    assert mapping.reps.team == "Field"
    assert mapping.tables["opportunities"].columns["stage"].headers == ("Stage",)


def test_extends_unknown_preset_suggests_one():
    text = problems_of('extends = "salesforse"\n')
    assert "'extends' = 'salesforse' is neither a preset" in text and "(did you mean 'salesforce'?)" in text


def test_unknown_preset_and_missing_file():
    with pytest.raises(MappingError, match="unknown preset 'hubspt' \\(did you mean 'hubspot'\\?\\)"):
        load_preset("hubspt")
    with pytest.raises(MappingError, match="mapping file not found"):
        load_mapping("/nonexistent/map.toml")


def test_allowed_fields_include_auxiliary_fields():
    fields = allowed_fields("opportunities")
    assert fields["close_date"] == "date" and fields["owner"] == "str" and fields["amount"] == "number"
    assert "opportunity_name" in allowed_fields("activities")
    assert "opportunity_name" not in fields
