"""Derivations across the tables of an import, for fields the export does not hold.

* opportunities: ``outcome`` from the stage (generic rules after the value map),
  ``rep_id`` from the owner, ``account_id`` from the account name, ``closed_at`` /
  ``expected_close`` from the close date, ``opportunity_id`` as a hash;
* activities and stage history: ``opportunity_id`` looked up by deal name (and account);
  activity types by generic rules; ``activity_id`` as a hash;
* ``first_touch_at`` = a deal's earliest linked activity;
* the ``reps`` table from the owners' names;
* currency conversion to the reporting currency (rows with no rate are quarantined).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from workbench.io._fast import isin, map_distinct, pair_counts
from workbench.io.crm.derive import distinct_ids, generic_activity_type, generic_outcome, hash_id, hash_ids, make_ids
from workbench.io.crm.mapping import Mapping, normalize_value
from workbench.io.crm.table import SRC_FILE, SRC_ROW, TableWork, fill

#: Currency names written in exports that are not ISO codes.
_CURRENCY_ALIASES = {"RMB": "CNY", "人民币": "CNY", "US$": "USD", "美元": "USD", "欧元": "EUR"}

__all__ = ["derive_opportunities", "derive_activities", "link_to_opportunities", "set_first_touch",
           "derive_reps", "convert_currency"]


def derive_opportunities(work: TableWork, m: Mapping, notes: list, warnings: list):
    d = work.data
    n = len(d)
    empty = pd.Series(None, index=d.index, dtype="object")
    if "stage" in d:
        generic = map_distinct(d["stage"], generic_outcome)
        before = d["outcome"].notna() if "outcome" in d else pd.Series(False, index=d.index)
        fill(work, "outcome", generic)
        if (~before).any() and "outcome" in work.found:
            notes.append(f"opportunities.outcome: {int((~before).sum())} stage(s) outside the value map were classified by the generic rules")
        work.found.setdefault("outcome", "from stage (generic rules)")
        d = work.data
    if "outcome" in d:
        # an outcome column may say "Won" or "Closed Won": allowed values pass (any case),
        # others go through the generic rules when those recognise them as won/lost
        def outcome(v):
            if not isinstance(v, str):
                return v
            low = v.strip().lower()
            if low in ("open", "won", "lost"):
                return low
            generic = generic_outcome(v)
            return generic if generic != "open" else v

        d["outcome"] = map_distinct(d["outcome"], outcome)
    if "owner" in d:
        fill(work, "rep_id", make_ids(d["owner"], m.reps.id, m.reps.prefix))
        work.found.setdefault("rep_id", f"{m.reps.id} of owner")
    if "account_name" in d:
        fill(work, "account_id", make_ids(d["account_name"], "slug"))
        work.found.setdefault("account_id", "slug of account_name")
    d = work.data
    if "close_date" in d and "outcome" in d:
        closed = pd.Series(isin(d["outcome"], ["won", "lost"]), index=d.index)
        fill(work, "closed_at", d["close_date"].where(closed, None))
        fill(work, "expected_close", d["close_date"].where(~closed, None))
        work.found.setdefault("closed_at", "close_date of won/lost deals")
        work.found.setdefault("expected_close", "close_date of open deals")
    d = work.data
    if "opportunity_id" not in d or d["opportunity_id"].isna().any():
        parts = [d[c] if c in d else empty for c in ("name", "account_name", "owner", "created_at")]
        if all(p.isna().all() for p in parts[:2]):
            ids = pd.Series([hash_id([f, r], "opp-") for f, r in zip(d[SRC_FILE], d[SRC_ROW])], index=d.index, dtype="object")
            warnings.append("opportunities.opportunity_id: no id, deal name or account column; ids were made from file and row, so they change between exports")
        else:
            ids = hash_ids(parts, "opp-")
            ids, renamed = _distinct_derived(work, ids)
            if renamed:
                notes.append(
                    f"opportunities.opportunity_id: {renamed} deal(s) share deal name, account, owner and created "
                    "date with an earlier deal but differ in other fields (stage, amount, close date, ...); their "
                    "derived ids end in -2, -3, ... in file order (identical rows stay duplicates)")
        fill(work, "opportunity_id", ids)
        work.found.setdefault("opportunity_id", "hash of name, account, owner, created_at")
    if n and "outcome" in work.data and "closed_at" in work.data:
        no_close = isin(work.data["outcome"], ["won", "lost"]) & work.data["closed_at"].isna().to_numpy()
        if no_close.any():
            warnings.append(f"opportunities: {int(no_close.sum())} won/lost deal(s) have no close date; they count in win rates but not in bookings by period")


def _distinct_derived(work: TableWork, ids: pd.Series) -> tuple[pd.Series, int]:
    """:func:`~workbench.io.crm.derive.distinct_ids` over the rows whose id is derived and not quarantined."""
    d = work.data
    derived = d["opportunity_id"].isna() if "opportunity_id" in d else pd.Series(True, index=d.index)
    live = derived & ~d.index.isin(list(work.dropped))
    if not live.any():
        return ids, 0
    fields = [c for c in d.columns if c not in (SRC_FILE, SRC_ROW, "opportunity_id")]
    unique, renamed = distinct_ids(ids[live], d.loc[live, fields])
    return ids.where(~live, unique.reindex(ids.index)), renamed


def link_to_opportunities(work: TableWork, opportunities: TableWork | None, warnings: list):
    """Fill ``opportunity_id`` from ``opportunity_name``: the deal with that name, or,
    when several deals share it, the one with that name and account."""
    d = work.data
    if "opportunity_name" not in d or opportunities is None or "name" not in opportunities.data:
        return
    opp = opportunities.data

    def key(*cols):
        parts = [c.map(lambda v: "" if v is None or v != v else normalize_value(v)) for c in cols]
        out = parts[0]
        for p in parts[1:]:
            out = out + "\x1f" + p
        return out

    none = pd.Series(None, index=opp.index, dtype="object")
    by_name = key(opp["name"])
    by_both = key(opp["name"], opp["account_name"] if "account_name" in opp else none)
    name_counts, both_counts = by_name.value_counts(), by_both.value_counts()
    ids_by_name = {k: i for k, i in zip(by_name, opp["opportunity_id"]) if name_counts.get(k) == 1}
    ids_by_both = {k: i for k, i in zip(by_both, opp["opportunity_id"]) if both_counts.get(k) == 1}
    none = pd.Series(None, index=d.index, dtype="object")
    want_name = key(d["opportunity_name"])
    want_both = key(d["opportunity_name"], d["account_name"] if "account_name" in d else none)
    resolved = want_name.map(ids_by_name)
    resolved = resolved.where(resolved.notna(), want_both.map(ids_by_both)).astype("object")
    named = d["opportunity_name"].notna()
    ambiguous = named & resolved.isna() & want_name.map(lambda k: name_counts.get(k, 0) > 1)
    not_found = named & resolved.isna() & ~ambiguous
    fill(work, "opportunity_id", resolved.where(resolved.notna(), None))
    work.found.setdefault("opportunity_id", "deal looked up by opportunity_name (and account_name)")
    if ambiguous.any():
        warnings.append(f"{work.table}: {int(ambiguous.sum())} row(s) name a deal that several opportunities share "
                        "(add an account column to tell them apart); left unlinked")
    if not_found.any():
        names = sorted(set(d.loc[not_found, "opportunity_name"]))[:5]
        warnings.append(f"{work.table}: {int(not_found.sum())} row(s) name a deal that is not in the opportunities "
                        f"export (e.g. {names}); left unlinked")


def derive_activities(work: TableWork, m: Mapping, opportunities: TableWork | None, warnings: list):
    d = work.data
    if "owner" in d:
        fill(work, "rep_id", make_ids(d["owner"], m.reps.id, m.reps.prefix))
        work.found.setdefault("rep_id", f"{m.reps.id} of owner")
    if "account_name" in work.data:
        fill(work, "account_id", make_ids(work.data["account_name"], "slug"))
    if "type" in work.data:
        work.data["type"] = work.data["type"].map(
            lambda v: None if v is None else (v if v in ("call", "email", "meeting", "demo", "visit", "other") else generic_activity_type(v))
        )
    else:
        work.data["type"] = "other"
        warnings.append("activities.type: no activity type column; every activity is typed 'other'")
    link_to_opportunities(work, opportunities, warnings)
    d = work.data
    if "activity_id" not in d or d["activity_id"].isna().any():
        parts = [d[c] if c in d else pd.Series(None, index=d.index, dtype="object") for c in ("rep_id", "at", "type", "opportunity_id", "account_id", "opportunity_name")]
        base = hash_ids(parts)
        nth = base.groupby(base).cumcount().astype("str")  # identical activities get distinct ids
        ids = hash_ids([base, nth], "act-")
        fill(work, "activity_id", ids)
        work.found.setdefault("activity_id", "hash of rep, time, type and deal")


def set_first_touch(opps: TableWork, acts: TableWork, notes: list):
    a = acts.data
    if "opportunity_id" not in a or "at" not in a:
        return
    linked = a[a["opportunity_id"].notna() & a["at"].notna()]
    if linked.empty:
        return
    first = linked.groupby("opportunity_id")["at"].min()
    ft = opps.data["opportunity_id"].map(first)
    before = opps.data["first_touch_at"].notna().sum() if "first_touch_at" in opps.data else 0
    fill(opps, "first_touch_at", ft.astype("object").where(ft.notna(), None))
    after = opps.data["first_touch_at"].notna().sum()
    opps.found.setdefault("first_touch_at", "earliest linked activity")
    notes.append(f"opportunities.first_touch_at: set from the earliest activity for {after - before} deal(s)")


def derive_reps(works: dict, m: Mapping, notes: list, *, from_ids: bool = False) -> pd.DataFrame | None:
    """The reps table from owner names (or, with ``from_ids``, from rep_id values when no
    owner name is mapped: the id doubles as the name)."""
    rows = []
    for work in works.values():
        d = work.data
        if "rep_id" in d and "owner" not in d and from_ids and work.table != "reps":
            d = d.assign(owner=d["rep_id"])
        if "owner" not in d or "rep_id" not in d:
            continue
        cols = ["rep_id", "owner"] + [c for c in ("owner_team", "owner_region", "owner_manager") if c in d]
        rows.append(d.loc[d["owner"].notna(), cols])
    if not rows:
        return None
    owners = pd.concat(rows, ignore_index=True)
    owners = owners[owners["rep_id"].notna()]
    if "owner_manager" in owners:
        owners = owners.assign(owner_manager=make_ids(owners["owner_manager"], m.reps.id, m.reps.prefix))
    # each rep's most common value of each column, counted once per (rep, value) pair
    common = {c: _most_common(owners, c) for c in ("owner", "owner_team", "owner_region", "owner_manager")
              if c in owners}
    out = []
    for rep_id in sorted(owners["rep_id"].unique()):
        out.append({
            "rep_id": rep_id,
            "name": common["owner"].get(rep_id),
            "team": (common["owner_team"].get(rep_id) if "owner_team" in common else None) or m.reps.team,
            "region": (common["owner_region"].get(rep_id) if "owner_region" in common else None) or m.reps.region,
            "manager_id": common["owner_manager"].get(rep_id) if "owner_manager" in common else None,
            "hire_date": None,
        })
    frame = pd.DataFrame(out, columns=["rep_id", "name", "team", "region", "manager_id", "hire_date"])
    notes.append(f"reps: {len(frame)} rep(s) derived from owner names ({m.reps.id} ids)")
    return frame


def _most_common(rows: pd.DataFrame, column: str) -> dict:
    """``{rep_id: the most common non-missing value of column}`` (ties: the first in sort
    order, as ``Series.mode`` gives); reps with no value are absent."""
    counts = pair_counts(rows["rep_id"], rows[column]).rename(columns={"first": "rep_id", "second": column})
    if len(counts) <= 1000:  # usually one value or a few per rep: chosen in Python, no frame sort
        best: dict = {}
        for rep_id, value, n in zip(counts["rep_id"], counts[column], counts["n"]):
            seen = best.get(rep_id)
            if seen is None or n > seen[0] or (n == seen[0] and value < seen[1]):
                best[rep_id] = (n, value)
        return {rep_id: value for rep_id, (_, value) in best.items()}
    counts = counts.sort_values(["rep_id", "n", column], ascending=[True, False, True], kind="stable")
    first = counts.drop_duplicates("rep_id")
    return dict(zip(first["rep_id"], first[column]))


def convert_currency(work: TableWork, m: Mapping, warnings: list, notes: list):
    d = work.data
    if "amount" not in d:
        return
    cur = d["currency"] if "currency" in d else None
    if cur is None or not cur.notna().any():  # no currency written anywhere: the default, if any
        cur = pd.Series(m.currency.default or None, index=d.index, dtype="object")
    else:
        codes_of = {v: _CURRENCY_ALIASES.get(v.strip().upper(), v.strip().upper()) if isinstance(v, str) else None
                    for v in pd.unique(cur.dropna())}  # each distinct code once
        cur = cur.map(codes_of).astype("object")
        cur = cur.where(cur.notna(), None)
        if m.currency.default:
            cur = cur.where(cur.notna(), m.currency.default)
    counts = cur.value_counts(dropna=True)
    codes = Counter({c: int(counts[c]) for c in pd.unique(cur.dropna())})  # in order of first appearance
    opts = m.currency
    if opts.reporting is None:
        if len(codes) > 1:
            warnings.append(
                f"{work.table}.amount: amounts are in several currencies ({', '.join(f'{c} {n} rows' for c, n in codes.most_common())}) "
                "and were kept as written; set [currency] reporting and rates to convert them"
            )
        return
    rate_of = {c: opts.rate(c) for c in codes}  # each code once; an empty code is the reporting currency
    rates = cur.map(rate_of).where(cur.notna(), 1.0)
    no_rate = rates.isna() & d["amount"].notna()
    for idx in d.index[no_rate]:
        if idx in work.dropped:
            continue
        row = d.loc[idx]
        work.quarantine.append({
            "table": work.table, "file": row[SRC_FILE], "row": int(row[SRC_ROW]), "column": "amount",
            "value": f"{row['amount']} {cur[idx]}",
            "reason": f"amount is in {cur[idx]} but [currency] has no rate from {cur[idx]} to {opts.reporting}",
            "check": "unknown_value",
        })
        work.dropped.add(idx)
    converted = d["amount"].astype("float64") * rates.astype("float64")
    d["amount"] = converted.where(~no_rate, d["amount"])
    others = {c: n for c, n in codes.items() if c != opts.reporting}
    if others:
        notes.append(f"{work.table}.amount: converted to {opts.reporting}: " + ", ".join(f"{c} {n} rows" for c, n in others.items()))


# ----------------------------------------------------------------------------- main


