"""Every line of an export is accounted for once: found by the property-based import tests."""

import csv

from workbench.io.crm import import_files

HEADER = ["Opportunity Owner", "Opportunity Name", "Account Name", "Stage", "Amount Currency", "Amount",
          "Close Date", "Created Date", "Lead Source"]


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_a_row_with_two_unreadable_fields_is_quarantined_once(tmp_path):
    # was: two quarantine entries for one row, so rows read (1) != loaded (0) + quarantined (2)
    path = _write(tmp_path / "opportunities.csv", [["Jane", "Deal", "Acme", "Prospecting", "USD", "lots", "", "soon", ""]])
    data = import_files(path, preset="salesforce").data
    q = data.quarantine[data.quarantine["table"] == "opportunities"]
    assert len(q) == 1 and q["column"].iloc[0] == "amount"
    assert data.rows_read["opportunities"] == len(data.opportunities) + len(q)


def test_blank_lines_between_the_header_and_the_first_row_are_listed(tmp_path):
    # was: left out of the skipped lines (only gaps between data rows were listed)
    row = ["Jane", "Deal", "Acme", "Closed Won", "USD", "100", "3/5/2026", "1/10/2026", "Web"]
    result = import_files(_write(tmp_path / "opportunities.csv", [[""] * 9, [""] * 9, row]), preset="salesforce")
    assert result.skipped[["row", "reason"]].values.tolist() == [[2, "blank line"], [3, "blank line"]]
    assert result.data.rows_read["opportunities"] == 1
