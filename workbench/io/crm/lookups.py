"""Lookup tables: a field taken from another file, found by a key.

``amount = {lookup = "products", key = "product", value = "sales_price"}`` in
``[tables.opportunities.columns]`` reads the ``sales_price`` column of the source
``products`` (``[sources.products] files = "products*.csv", key = "product_name"``) on
the row whose key equals the deal's ``product``. Keys are compared like value-map
values (NFKC, trimmed, case-folded). The rules:

* when the field also lists ``headers``, the lookup only fills the cells the export left
  empty (an open deal without an amount takes the list price); otherwise every cell
  comes from the lookup;
* a key that occurs twice in the source with different values is an error naming the
  file, the key and the rows (the same value twice is fine);
* a key the source lacks (or an empty key): the field's ``default`` if it has one; else,
  for a required contract column, the row is quarantined (check ``lookup_missing``)
  with the key and the file in the reason; for a nullable field the cell stays empty
  and a warning counts the rows.

The looked-up text is then parsed like any cell of the field (numbers with currency
symbols and separators, dates).

Examples
--------
>>> import pandas as pd
>>> from workbench.io.crm.files import ExportTable
>>> products = ExportTable("products.csv", ("product_name", "sales_price"),
...                        pd.DataFrame({0: ["GTX Basic", "MG Special"], 1: ["550", "55"]}, index=[2, 3]))
>>> table = lookup_table(products, ("product_name",), ("sales_price",), "products")
>>> table["gtx basic"], table["mg special"]
('550', '55')
"""

from __future__ import annotations

import pandas as pd

from workbench.contract import TABLES
from workbench.errors import DataError, MappingError
from workbench.io.crm.files import ExportTable
from workbench.io.crm.mapping import Mapping, TableMapping, normalize_value

__all__ = ["lookup_table", "apply_lookups"]


def _column(export: ExportTable, headers, what: str) -> int:
    for header in headers:
        found = export.positions(header)
        if found:
            return found[0]
    raise MappingError(f"{export.file}: has no {what} column {list(headers)}; columns: "
                       f"{', '.join(map(repr, export.headers))}", file=export.file)


def lookup_table(export: ExportTable, key_headers, value_headers, source: str, files=None) -> dict:
    """``{normalized key: value text}`` from a source file.

    Raises
    ------
    DataError
        If a key occurs on several rows with different values (naming the rows).
    """
    kpos = _column(export, key_headers, f"key ([sources.{source}] key =)")
    vpos = _column(export, value_headers, "value")
    keys = export.data[kpos].map(lambda v: None if v is None or v != v or not str(v).strip() else normalize_value(v))
    values = export.data[vpos].map(lambda v: None if v is None or v != v or not str(v).strip() else str(v).strip())
    frame = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()}).dropna(subset=["key"])
    conflicts = frame.groupby("key")["value"].nunique(dropna=False)
    conflicts = conflicts[conflicts > 1]
    if len(conflicts):
        key = conflicts.index[0]
        pos = [i for i, k in enumerate(keys) if k == key]
        files = files or [export.file] * len(export.data)
        rows = ", ".join(f"{files[i]} row {int(export.data.index[i])}: {values.iloc[i]!r}" for i in pos[:5])
        raise DataError(f"{export.file}: key {export.data[kpos].iloc[pos[0]]!r} (column {export.headers[kpos]!r}) has "
                        f"different {export.headers[vpos]!r} values on {len(pos)} rows ({rows}); a lookup needs one "
                        f"value per key ({len(conflicts)} key(s) conflict)", file=export.file)
    return dict(zip(frame["key"], frame["value"]))


def apply_lookups(work, tm: TableMapping, m: Mapping, sources: dict, warnings: list, notes: list) -> None:
    """Fill the fields of ``tm`` that have a ``lookup`` (see the module docstring).

    ``work`` is the table being built (:class:`~workbench.io.crm.table.TableWork`, text
    cells); ``sources`` maps a source name to ``(ExportTable, file of each row)``.
    """
    from workbench.io.crm.table import SRC_FILE, SRC_ROW

    for fld, spec in tm.columns.items():
        if spec.lookup is None:
            continue
        lk = spec.lookup
        export, files = sources[lk.source]
        table = lookup_table(export, m.sources[lk.source].key, lk.value, lk.source, files)
        d = work.data
        keys = d[lk.key_field] if lk.key_field in d else pd.Series(None, index=d.index, dtype="object")
        distinct = {k: table.get(normalize_value(k)) for k in pd.unique(keys.dropna())}
        found = keys.map(distinct).astype("object")
        found = found.where(found.notna(), None)
        own = fld in d and spec.headers
        need = d[fld].isna() if own else pd.Series(True, index=d.index)
        value = d[fld].where(~need, found) if own else found
        work.data[fld] = value
        how = f"{', '.join(lk.value)} of {export.file} by {lk.key_field}"
        work.found[fld] = f"{work.found[fld]}, else {how}" if own and fld in work.found else how
        missing = need & found.isna() & ~d.index.isin(list(work.dropped))
        filled = int((need & found.notna()).sum())
        if filled:
            notes.append(f"{tm.name}.{fld}: {filled} value(s) looked up in {export.file} by {lk.key_field}")
        if not missing.any():
            continue
        contract = TABLES[tm.name]
        required = fld in contract.column_names and not contract.column(fld).nullable
        if spec.default is not None:
            notes.append(f"{tm.name}.{fld}: {int(missing.sum())} row(s) whose {lk.key_field} is not in {export.file} "
                         f"take the default {spec.default!r}")
        elif required:
            for idx in d.index[missing]:
                key = keys[idx]
                reason = (f"{lk.key_field} {key!r} is not in {export.file} (column {m.sources[lk.source].key[0]!r}), "
                          f"where {fld} is looked up" if key is not None else
                          f"{lk.key_field} is empty, so {fld} cannot be looked up in {export.file}")
                work.quarantine.append({"table": tm.name, "file": d.at[idx, SRC_FILE], "row": int(d.at[idx, SRC_ROW]),
                                        "column": lk.key_field, "value": "" if key is None else str(key),
                                        "reason": reason, "check": "lookup_missing"})
                work.dropped.add(idx)
        else:
            absent = sorted({str(k) for k in keys[missing].dropna()})
            warnings.append(f"{tm.name}.{fld}: {int(missing.sum())} row(s) have a {lk.key_field} that is not in "
                            f"{export.file} (or is empty); {fld} left empty"
                            + (f" (e.g. {', '.join(map(repr, absent[:3]))})" if absent else ""))
