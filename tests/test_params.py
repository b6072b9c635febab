"""One wording for every parameter error; one error for an unknown KPI."""

import pytest

from workbench.diagnose import DiagnosisConfig, diagnose
from workbench.errors import UnknownKPIError
from workbench.forecast.hierarchy import reconcile
from workbench.forecast.series import sales_series
from workbench.kpi import compute_kpis, kpi_label, to_series
from workbench.kpi.targets import period_targets
from workbench.params import check_by, check_choice
from workbench.sample import generate_sample


@pytest.fixture(scope="module")
def tables():
    return generate_sample(n_reps=8, months=6, seed=2)


def test_the_wording_is_the_same_everywhere(tables):
    wording = r"The '{name}' parameter of {owner} must be .*; got {value} instead\."
    cases = [
        (lambda: compute_kpis(tables, by="division"), "by", "compute_kpis", "'division'"),
        (lambda: sales_series(tables, by="division"), "by", "sales_series", "'division'"),
        (lambda: period_targets(None, tables["reps"], by="division"), "by", "period_targets", "'division'"),
        (lambda: diagnose(tables, lang="fr"), "lang", "diagnose", "'fr'"),
        (lambda: DiagnosisConfig(by=("company",)), "by", "DiagnosisConfig", r"\('company',\)"),
        (lambda: generate_sample(n_reps=0), "n_reps", "generate_sample", "0"),
        (lambda: reconcile(None, None, method="magic"), "method", "reconcile", "'magic'"),
        (lambda: check_choice("f", "x", 3, (1, 2)), "x", "f", "3"),
    ]
    for call, name, owner, value in cases:
        with pytest.raises(ValueError, match=wording.format(name=name, owner=owner, value=value)):
            call()


def test_by_keeps_order_and_drops_repeats():
    assert check_by("f", ["region", "rep", "region"]) == ["region", "rep"]


def test_an_unknown_kpi_raises_the_same_error_everywhere(tables):
    kpis = compute_kpis(tables, by="company", metrics=["bookings"])
    calls = [
        lambda: compute_kpis(tables, metrics=["bookingz"]),
        lambda: to_series(kpis, "bookingz"),
        lambda: kpi_label("bookingz"),
        lambda: sales_series(tables, metric="bookingz"),
    ]
    messages = set()
    for call in calls:
        with pytest.raises(UnknownKPIError) as caught:
            call()
        messages.add(str(caught.value))
    assert messages == {"Unknown KPI 'bookingz' (did you mean 'bookings'?); `workbench kpi --list` lists every KPI."}
