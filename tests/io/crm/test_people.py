"""Several people per deal: deal_people, the reps they become, and the documented credit rule."""

import pandas as pd
import pytest

from tests.io.crm.cookbook import FIXTURES, MAPPINGS, assert_accounted
from workbench.errors import DataError, MappingError
from workbench.io.crm import import_files
from workbench.io.crm.derive import slug_id
from workbench.io.crm.mapping import parse_mapping
from workbench.io.crm.people import credit_to
from workbench.kpi import compute_kpis

FOLDER = FIXTURES / "sdr_closer"
METRICS = ["bookings", "deals_won", "win_rate", "pipeline_created", "avg_deal_size"]


def _import(text=None):
    mapping = MAPPINGS / "sdr_closer.toml" if text is None else parse_mapping(text, source="sdr_closer.toml")
    result = import_files([FOLDER], mapping=mapping)
    assert_accounted(result.data)
    return result


def test_every_person_of_a_deal_is_kept_with_a_role():
    raw = pd.read_csv(FOLDER / "opportunities.csv", dtype=str, keep_default_na=False)
    data = _import().data
    people = data.deal_people
    expected = [(r["Opportunity ID"], slug_id(r["SDR"]), "sdr") for _, r in raw.iterrows() if r["SDR"]]
    expected += [(r["Opportunity ID"], slug_id(p.strip()), "collaborator")
                 for _, r in raw.iterrows() for p in r["Collaborators"].split(";") if p.strip()]
    assert sorted(map(tuple, people[["opportunity_id", "rep_id", "role"]].values.tolist())) == sorted(expected)
    owners = data.opportunities.set_index("opportunity_id")["rep_id"]  # the owner lives there, once
    assert owners.to_dict() == {r["Opportunity ID"]: slug_id(r["Account Executive"]) for _, r in raw.iterrows()}
    reps = data.reps.set_index("rep_id")
    assert reps.at["ken-ito", "name"] == "Ken Ito" and reps.at["sam-ortiz", "team"] == "Unassigned"


def test_kpis_credit_the_owner_so_they_do_not_change_with_collaborators():
    text = (MAPPINGS / "sdr_closer.toml").read_text(encoding="utf-8")
    without = text.split("[tables.opportunities.people]")[0] + "[tables.opportunities.values.outcome]" + \
        text.split("[tables.opportunities.values.outcome]")[1]
    plain = _import(without).data
    assert not plain.has("deal_people")
    with_people = _import().data
    a = compute_kpis(plain, metrics=METRICS)
    b = compute_kpis(with_people, metrics=METRICS)
    b = b[b["entity_id"].isin(set(plain.reps["rep_id"]))].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b)
    assert a.loc[a["metric"] == "bookings", "value"].sum() > 0


def test_credit_to_a_role_moves_each_deal_to_its_person_and_keeps_company_totals():
    data = _import().data
    raw = pd.read_csv(FOLDER / "opportunities.csv", dtype=str, keep_default_na=False)
    sdr_view = credit_to(data, "sdr")
    by_id = sdr_view.opportunities.set_index("opportunity_id")["rep_id"]
    expected = raw.set_index("Opportunity ID").apply(
        lambda r: slug_id(r["SDR"] or r["Account Executive"]), axis=1)
    assert by_id.sort_index().tolist() == expected.sort_index().tolist()
    company = [compute_kpis(d, by="company", metrics=["bookings"])["value"].sum() for d in (data, sdr_view)]
    assert company[0] == company[1] > 0
    only = credit_to(data, "sdr", keep_uncredited=False)
    assert len(only.opportunities) == int((raw["SDR"] != "").sum())
    assert credit_to(data, "owner") is data
    with pytest.raises(DataError, match="no deal lists a 'closer'; roles in deal_people: collaborator, sdr"):
        credit_to(data, "closer")


def test_people_mistakes_are_reported_when_the_mapping_is_read():
    with pytest.raises(MappingError) as err:
        parse_mapping('[tables.opportunities.columns]\nstage = "Stage"\n'
                      '[tables.opportunities.people]\nowner = "AE"\n"SDR Name" = "SDR"\n')
    assert "role 'owner' must be a lower-case name" in str(err.value) and "role 'SDR Name'" in str(err.value)
    with pytest.raises(MappingError, match="people are kept per deal"):
        parse_mapping('[tables.activities.columns]\nowner = "Rep"\n[tables.activities.people]\nsdr = "SDR"\n')
