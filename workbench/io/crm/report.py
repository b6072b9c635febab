"""The text report of an import: files, lines skipped, columns matched, rows accounted for."""

from __future__ import annotations

from collections import Counter

import pandas as pd

__all__ = ["render_report"]


def render_report(mapping, assigned, works, data, skipped: pd.DataFrame, warnings, notes, value_maps=None) -> str:
    """Render the import and data-quality report as plain text.

    The report answers, in order: which file went to which table; how many lines each
    file had and why any were skipped; which header fed each field and which expected
    columns were not found; what was derived; how stage names were classified; and
    for every table, rows read = rows loaded + rows quarantined, with the reasons.
    """
    out = [f"Import report — mapping {mapping.name!r} ({mapping.source})", ""]
    out.append("Files")
    for table, exports in assigned.items():
        for e in exports:
            reasons = Counter(s.reason.split(" (")[0] for s in e.skipped)
            extra = "; ".join(f"{n} {r}(s)" for r, n in sorted(reasons.items()))
            enc = f", {e.encoding}" if e.encoding else ""
            if e.header_row and e.header_row > 1:
                enc += f", header on row {e.header_row} (rows above it are titles)"
            out.append(f"  {e.file} → {table}: {len(e.data)} data row(s){enc}" + (f"; skipped {extra}" if extra else ""))
    if len(skipped):
        nonblank = skipped[skipped["reason"] != "blank line"]
        if len(nonblank):
            out.append("")
            out.append("Lines that are not data (also in skipped_rows.csv)")
            for _, s in nonblank.head(20).iterrows():
                text = s["text"] if len(s["text"]) <= 70 else s["text"][:67] + "..."
                out.append(f"  {s['file']} row {s['row']}: {s['reason']}: {text}")
            if len(nonblank) > 20:
                out.append(f"  ... and {len(nonblank) - 20} more")
    out.append("")
    out.append("Columns")
    for table, work in works.items():
        out.append(f"  {table}:")
        for fld, source in work.found.items():
            out.append(f"    {fld:<16} ← {source}")
        tm = mapping.tables[table]
        absent = [f for f in tm.columns if f not in work.found]
        if absent:
            out.append("    expected columns not found: " + ", ".join(f"{f} ({tm.columns[f].headers[0]!r})" for f in absent if tm.columns[f].headers))
    opps = data.opportunities if data.has("opportunities") else None
    if opps is not None and len(opps):
        out.append("")
        out.append("Stages → outcome")
        counts = opps.groupby(["stage", "outcome"]).size().reset_index(name="n").sort_values(["outcome", "stage"])
        for _, r in counts.iterrows():
            out.append(f"  {r['stage']!s:<34} {r['outcome']:<5} {r['n']:>6}")
        won = opps[opps["outcome"] == "won"]
        out.append(f"  won amount: {won['amount'].sum():,.2f} across {len(won)} deal(s)")
    if value_maps is not None and len(value_maps):
        out.append("")
        out.append("Value maps (value → mapped → rows)")
        for (table, fld, source), g in value_maps.groupby(["table", "field", "source"], sort=False):
            out.append(f"  {table}.{fld} ← {source}:")
            for r in g.sort_values("rows", ascending=False).head(30).itertuples(index=False):
                mapped = "(unmatched)" if r.mapped is None else r.mapped
                out.append(f"    {str(r.value)[:34]:<34} → {mapped!s:<12} {r.rows:>7}  {r.rule}")
            if len(g) > 30:
                out.append(f"    ... and {len(g) - 30} more value(s) (ImportResult.value_maps)")
    if notes:
        out.append("")
        out.append("Derived and mapped")
        out.extend(f"  - {n}" for n in notes)
    if warnings:
        out.append("")
        out.append("Warnings")
        out.extend(f"  ! {w}" for w in warnings)
    out.append("")
    out.append(data.summary())
    return "\n".join(out) + "\n"
