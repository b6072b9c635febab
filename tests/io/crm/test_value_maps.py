"""A value map's default applies to empty cells, and the report counts how each value was mapped."""

import pandas as pd

from tests.io.crm.cookbook import FIXTURES, MAPPINGS, assert_accounted
from workbench.io.crm import import_files

FOLDER = FIXTURES / "price_list"


def test_the_default_applies_to_empty_cells_and_every_value_is_counted():
    raw = pd.read_csv(FOLDER / "deals.csv", dtype=str, keep_default_na=False)
    result = import_files([FOLDER], mapping=MAPPINGS / "price_list.toml")
    assert_accounted(result.data)
    opps = result.data.opportunities.set_index("opportunity_id")
    empty_source = raw.loc[raw["Lead Source"] == "", "Deal ID"]
    empty_source = empty_source[empty_source.isin(opps.index)]
    assert len(empty_source) > 0 and (opps.loc[empty_source, "source"] == "Unknown").all()
    vm = result.value_maps.set_index(["field", "value"])
    assert vm.loc[("source", "(empty)"), ["mapped", "rule"]].tolist() == ["Unknown", "default"]
    assert vm.loc[("source", "Web form"), ["mapped", "rule", "rows"]].tolist() == [
        "Inbound", "exact", int((raw["Lead Source"] == "Web form").sum())]
    # every row of the table is counted once per value map
    for field, g in result.value_maps.groupby("field"):
        assert g["rows"].sum() == len(raw), field
    assert "Value maps (value → mapped → rows)" in result.report
    assert "    (empty)                            → Unknown" in result.report


def test_empty_stage_cells_take_the_outcome_default_not_the_generic_rules(tmp_path):
    (tmp_path / "pipeline.csv").write_text(
        "Deal,Owner,Stage,Value,Created,Expected/Actual close\n"
        "A,Ruth Klein,,100,01.02.2026,01.03.2026\n"
        "B,Ruth Klein,Closed - Won,200,01.02.2026,01.03.2026\n", encoding="utf-8")
    text = (MAPPINGS / "stage_only.toml").read_text(encoding="utf-8").replace('default = "open"', 'default = "lost"')
    from workbench.io.crm.mapping import parse_mapping

    result = import_files([tmp_path / "pipeline.csv"], mapping=parse_mapping(text, source="stage_only.toml"))
    outcome = result.data.opportunities.set_index("stage")["outcome"]
    assert outcome.to_dict() == {"New": "lost", "Closed - Won": "won"}  # was: "open" from the generic rules
    vm = result.value_maps[result.value_maps["field"] == "outcome"]
    assert vm[["value", "mapped", "rule", "rows"]].values.tolist() == [
        ["(empty)", "lost", "default", 1], ["Closed - Won", "won", "pattern /^closed - won/", 1]]
