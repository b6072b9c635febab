"""Property-based: a CRM export with odd cells imports with every data line accounted for, or a clear error."""

import csv

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.strategies import result_or_clear_error
from workbench.io.crm import import_files

HEADER = ["Opportunity Owner", "Opportunity Name", "Account Name", "Stage", "Amount Currency", "Amount",
          "Close Date", "Created Date", "Lead Source"]
cells = st.one_of(
    st.sampled_from(["", "Jane Doe", "李雷", "=1+2", "Closed Won", "Closed Lost", "Prospecting", "USD", "EUR",
                     "12,000.00", "-5", "1e40", "3/5/2026", "2026-13-45", "1/10/2026", "Web", "\u202eevil", "N/A"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=15),
)


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cells, min_size=len(HEADER), max_size=len(HEADER)), min_size=0, max_size=25))
def test_every_export_line_is_imported_quarantined_or_skipped(tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("export") / "opportunities.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    result = result_or_clear_error(import_files, path, preset="salesforce")
    if result is None:
        return
    data = result.data
    opps = data.rows_read.get("opportunities", 0)
    quarantined = int((data.quarantine["table"] == "opportunities").sum())
    assert opps == len(data.opportunities) + quarantined
    # every line up to the last one with data is a data row (loaded or quarantined) or a listed skipped line
    filled = [i for i, r in enumerate(rows) if any(c.strip() for c in r)]
    lines = filled[-1] + 1 if filled else 0
    skipped = result.skipped[result.skipped["file"].astype(str).str.endswith("opportunities.csv")]
    assert opps + len(skipped) == lines, (opps, skipped, lines)
