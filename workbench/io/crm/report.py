"""The text report of an import: files, lines skipped, columns matched, rows accounted for."""

from __future__ import annotations

import unicodedata
from collections import Counter

import numpy as np
import pandas as pd

from workbench.formatting import format_value
from workbench.io._fast import pair_counts
from workbench.io.reasons import render_reason
from workbench.messages import message
from workbench.params import check_lang

__all__ = ["render_report", "stage_outcomes"]


def _pad(text, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (a Chinese character takes two).

    >>> _pad("赢单", 6) + "|", _pad("Won", 6) + "|"
    ('赢单  |', 'Won   |')
    """
    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return text + " " * max(width - used, 1 if used >= width else 0)


def stage_outcomes(work, quarantine: pd.DataFrame) -> pd.DataFrame:
    """Every stage seen in the opportunities read, with its outcome and how many of its
    rows were loaded and quarantined (a stage whose rows were all quarantined is listed).

    Parameters
    ----------
    work : TableWork
        The opportunities as imported (every row read, quarantined ones included).
    quarantine : pandas.DataFrame
        The import's quarantine (rows rejected by validation are found by file and row).

    Returns
    -------
    pandas.DataFrame
        ``stage``, ``outcome``, ``loaded``, ``quarantined``; stages without a name are
        ``(no stage)``, rows without an outcome ``?``.
    """
    from workbench.io.crm.table import SRC_FILE, SRC_ROW

    d = work.data
    columns = ["stage", "outcome", "loaded", "quarantined"]
    if d.empty or "stage" not in d:
        return pd.DataFrame(columns=columns)
    q = quarantine[quarantine["table"] == work.table] if len(quarantine) else quarantine
    out_q = pd.Series(d.index.isin(list(work.dropped)), index=d.index)
    if len(q):  # rows rejected by validation, found by file and row
        rejected = pd.MultiIndex.from_arrays([q["file"].astype("str"), pd.to_numeric(q["row"], errors="coerce")])
        rows = pd.MultiIndex.from_arrays([d[SRC_FILE].astype("str"), pd.to_numeric(d[SRC_ROW], errors="coerce")])
        out_q |= rows.isin(rejected)
    outcome = _labels(d["outcome"], "?") if "outcome" in d else pd.Series("?", index=d.index, dtype="object")
    # rows per (stage, outcome) in order of first appearance, counted on integer codes
    pairs = pair_counts(_labels(d["stage"], "(no stage)"), outcome, weights=out_q.to_numpy(dtype=np.int64))
    table = pd.DataFrame({"stage": pairs["first"], "outcome": pairs["second"],
                          "loaded": pairs["n"] - pairs["weight"], "quarantined": pairs["weight"]})
    rank = {"open": 0, "won": 1, "lost": 2}
    # open, won, lost, then anything else; by stage name within each (a few rows: sorted in Python)
    keys = [(rank.get(o, 3), st) for o, st in zip(table["outcome"], table["stage"])]
    order = sorted(range(len(table)), key=keys.__getitem__)
    return table.iloc[order][columns].reset_index(drop=True)


def _labels(values: pd.Series, empty: str) -> pd.Series:
    """``values`` with ``empty`` for missing cells (Arrow-backed text stays in Arrow)."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return values.fillna(empty)
    return values.astype("object").where(values.notna(), empty)


def _right(text, width: int) -> str:
    """``text`` right-aligned in ``width`` terminal columns (a Chinese character takes two).

    >>> "|" + _right("已隔离", 8), "|" + _right("loaded", 8)
    ('|  已隔离', '|  loaded')
    """
    text = str(text)
    used = sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)
    return " " * max(width - used, 0) + text


def render_report(mapping, assigned, works, data, skipped: pd.DataFrame, warnings, notes, value_maps=None, *,
                  ignored=None, missing_dates=(), lang: str = "en") -> str:
    """Render the import and data-quality report as plain text, in ``lang`` ("en" or "zh").

    The report answers, in order: which file went to which table, and which files were
    ignored and why; how many lines each file had and why any were skipped; which
    header fed each field and which expected columns were not found; what was derived;
    how rows without a required date were handled; how every stage seen was
    classified (loaded and quarantined rows); and for every table, rows read = rows
    loaded + rows quarantined, with the reasons. Headings, labels and quarantine
    reasons follow ``lang`` (:mod:`workbench.messages`); file names, headers, values and
    the importer's warnings and notes are shown as they are.
    """
    check_lang("render_report", lang)

    def say(key, **fields):
        return message(key, lang, **fields)

    sep = say("cli.sep")
    out = [say("import.title", name=repr(mapping.name), source=mapping.source), ""]
    out.append(say("import.files"))
    for table, exports in assigned.items():
        for e in exports:
            reasons = Counter(s.reason.split(" (")[0] for s in e.skipped)
            skipped_lines = sep.join(say("import.skipped_count", n=n, reason=render_reason(r, lang))
                                     for r, n in sorted(reasons.items()))
            extra = say("import.encoding", encoding=e.encoding) if e.encoding else ""
            if e.header_row and e.header_row > 1:
                extra += say("import.header_row", row=e.header_row)
            if skipped_lines:
                extra += say("import.skipped", lines=skipped_lines)
            out.append(say("import.file_line", file=e.file, table=table, rows=len(e.data), extra=extra))
    if ignored is not None and len(ignored):
        out.append("")
        out.append(say("import.ignored", n=len(ignored)))
        out.extend(f"  {r['file']}{say('import.colon')}{render_reason(r['reason'], lang)}" for _, r in ignored.iterrows())
    if len(skipped):
        nonblank = skipped[~skipped["reason"].str.startswith("blank line")]
        if len(nonblank):
            out.append("")
            out.append(say("import.not_data"))
            for _, s in nonblank.head(20).iterrows():
                text = s["text"] if len(s["text"]) <= 70 else s["text"][:67] + "..."
                out.append(say("import.not_data_line", file=s["file"], row=s["row"], reason=render_reason(s["reason"], lang), text=text))
            if len(nonblank) > 20:
                out.append(say("import.more_lines", n=len(nonblank) - 20))
    out.append("")
    out.append(say("import.columns"))
    for table, work in works.items():
        out.append(f"  {table}:")
        for fld, source in work.found.items():
            out.append(f"    {fld:<16} ← {source}")
        tm = mapping.tables[table]
        absent = [f for f in tm.columns if f not in work.found]
        if absent:
            out.append(say("import.columns_not_found", columns=", ".join(
                f"{f} ({tm.columns[f].headers[0]!r})" for f in absent if tm.columns[f].headers)))
    if missing_dates:
        out.append("")
        out.append(say("import.missing_dates"))
        for summary in missing_dates:
            how = ", ".join(say("import.missing_dates_from", n=n, source=source)
                            for source, n in summary["filled"].items() if n)
            out.append(say("import.missing_dates_line", target=f"{summary['table']}.{summary['field']}",
                           missing=summary["missing"], filled=say("import.missing_dates_filled", how=how) if how else "",
                           quarantined=summary["quarantined"], policy=summary["policy"]))
    opps = data.opportunities if data.has("opportunities") else None
    stages = stage_outcomes(works["opportunities"], data.quarantine) if "opportunities" in works else None
    if stages is not None and len(stages):
        out.append("")
        out.append(say("import.stages"))
        out.append(f"  {_pad(say('import.col.stage'), 34)} {_pad(say('import.col.outcome'), 7)}"
                   f"{_right(say('import.col.loaded'), 7)} {_right(say('import.col.quarantined'), 12)}")
        for _, r in stages.iterrows():
            out.append(f"  {_pad(r['stage'], 34)} {r['outcome']!s:<7} {r['loaded']:>7} {r['quarantined']:>12}")
    if opps is not None and len(opps):
        won = opps[opps["outcome"] == "won"]
        out.append(say("import.won_amount", amount=format_value(won["amount"].sum(), lang=lang), n=len(won)))
    if value_maps is not None and len(value_maps):
        out.append("")
        out.append(say("import.value_maps"))
        for (table, fld, source), g in value_maps.groupby(["table", "field", "source"], sort=False):
            out.append(f"  {table}.{fld} ← {source}:")
            for r in g.sort_values("rows", ascending=False).head(30).itertuples(index=False):
                mapped = say("import.unmatched") if r.mapped is None else r.mapped
                out.append(f"    {str(r.value)[:34]:<34} → {mapped!s:<12} {r.rows:>7}  {r.rule}")
            if len(g) > 30:
                out.append(say("import.more_values", n=len(g) - 30))
    if notes:
        out.append("")
        out.append(say("import.derived"))
        out.extend(f"  - {n}" for n in notes)
    if warnings:
        out.append("")
        out.append(say("import.warnings"))
        out.extend(f"  ! {w}" for w in warnings)
    out.append("")
    out.append(data.summary(lang=lang))
    return "\n".join(out) + "\n"
