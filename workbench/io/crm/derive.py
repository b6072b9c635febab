"""Stable ids and the vendor-neutral rules the importer falls back on.

Ids derived from names must not change between two exports of the same CRM, so they
are pure functions of the text:

* ``slug``: NFKC-normalised, case-folded, every run of characters that are not letters
  or digits replaced by ``-`` (Chinese characters are letters and are kept):
  ``"Jane  O'Neil"`` → ``jane-o-neil``, ``"张伟"`` → ``张伟``. Text with no letter or
  digit falls back to ``hash``.
* ``hash``: the first 12 hex digits of the SHA-1 of the parts, each trimmed and
  case-folded, joined by U+001F: the same deal exported twice gets the same id.

Examples
--------
>>> slug_id("Jane  O'Neil"), slug_id("张伟"), slug_id("Ｊａｎｅ Doe", prefix="rep-")
('jane-o-neil', '张伟', 'rep-jane-doe')
>>> hash_id(["Acme - 200 units", "Acme Corp", "2026-03-05"])
'9029e7c43dd3'
>>> generic_outcome("Closed Won"), generic_outcome("closedlost"), generic_outcome("赢单"), generic_outcome("Proposal")
('won', 'lost', 'won', 'open')
>>> generic_activity_type("Outbound call"), generic_activity_type("拜访"), generic_activity_type("Task")
('call', 'visit', 'other')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from workbench.io._fast import is_arrow_text, text_series
from workbench.io.stages import stage_outcome
from workbench.params import check_choice

__all__ = ["slug_id", "hash_id", "hash_ids", "distinct_ids", "make_ids", "generic_outcome", "generic_activity_type"]

_NOT_WORD = re.compile(r"[^\w]+|_+", re.UNICODE)

#: Fallback activity type rules, first match wins.
_ACTIVITY_TYPES = (
    ("demo", re.compile(r"demo|演示|试用", re.I)),
    ("visit", re.compile(r"visit|on[\s-]?site|拜访|上门|面访|走访|实地", re.I)),
    ("meeting", re.compile(r"meeting|event|会议|会面|面谈|见面|视频", re.I)),
    ("call", re.compile(r"call|phone|电话|致电|通话", re.I)),
    ("email", re.compile(r"e-?mail|mail|邮件|微信|短信|wechat|sms|message", re.I)),
)


def _clean(text) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


def _part_text(part) -> str:
    """One hash part as text: '' when missing, timestamps as 2026-03-05T14:07:00."""
    if part is None or part is pd.NaT or (isinstance(part, float) and part != part):
        return ""
    if isinstance(part, (pd.Timestamp,)):
        return part.strftime(_ISO)
    return _clean(part)


_ISO = "%Y-%m-%dT%H:%M:%S"


def hash_id(parts, prefix: str = "") -> str:
    """Stable 12-hex-digit id from text parts (see the module docstring)."""
    joined = "\x1f".join(_part_text(p) for p in parts)
    return prefix + hashlib.sha1(joined.encode("utf-8")).hexdigest()[:12]


_ASCII_SPACE = r"[\t\n\x0b\x0c\r\x1c-\x1f ]+"  # what str.split() splits ASCII text on


def _column_arrow(values: pd.Series) -> pa.Array:
    """:func:`_part_text` of each cell, as an Arrow text array.

    Whole-second timestamps are written by NumPy (``2026-03-05T14:07:00``, as
    ``strftime`` writes them) and ASCII text is cleaned in Arrow (NFKC leaves ASCII
    as it is, ``casefold`` is ``lower`` there); other cells, one distinct value at a time.
    """
    if values.dtype.kind == "M" and isinstance(values.dtype, np.dtype):
        stamps = values.to_numpy().astype("datetime64[ns]")
        nat = np.isnat(stamps)
        if not (stamps[~nat].view("int64") % 1_000_000_000).any():
            text = np.datetime_as_string(stamps.astype("datetime64[s]"), unit="s").astype(object)
            text[nat] = ""
            return pa.array(text, type=pa.string())
    if values.dtype.kind == "M":
        return pa.array(values.dt.strftime(_ISO).fillna("").astype("object"), type=pa.string())
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        arr = pa.array(values.to_numpy(dtype=object, na_value=None), type=pa.string(), from_pandas=True)
        if pc.all(pc.string_is_ascii(arr)).as_py() in (True, None):
            cleaned = pc.utf8_trim(pc.replace_substring_regex(arr, _ASCII_SPACE, " "), " ")
            return pc.ascii_lower(cleaned).fill_null("")
    distinct = pd.unique(values.dropna())
    lookup = {v: _part_text(v) for v in distinct}  # each distinct value is cleaned once
    return pa.array(values.map(lookup).fillna("").astype("object"), type=pa.string())


def _column_text(values: pd.Series) -> pd.Series:
    return pd.Series(_column_arrow(values).to_numpy(zero_copy_only=False), index=values.index, dtype="object")


def hash_ids(columns, prefix: str = "") -> pd.Series:
    """:func:`hash_id` of each row of several aligned Series, vectorised.

    Examples
    --------
    >>> ids = hash_ids([pd.Series(["Acme - 200 units"]), pd.Series(["Acme Corp"]), pd.Series(["2026-03-05"])])
    >>> ids.iloc[0] == hash_id(["Acme - 200 units", "Acme Corp", "2026-03-05"])
    True
    """
    columns = list(columns)
    joined = pc.binary_join_element_wise(*[_column_arrow(c) for c in columns], "\x1f")
    sha1 = hashlib.sha1
    digests = [prefix + sha1(text.encode("utf-8")).hexdigest()[:12] for text in joined.to_pylist()]
    return pd.Series(digests, index=columns[0].index, dtype="object")


def distinct_ids(ids: pd.Series, rows: pd.DataFrame) -> tuple[pd.Series, int]:
    """Make derived ids unique among rows that are different deals.

    Ids derived from a deal's name, account, owner and created date collide when a
    pipeline repeats a deal name ("Renewal 2026") for the same account and owner on the
    same day. The rule: among the rows sharing an id, rows whose other fields (``rows``:
    stage, amount, close date, ...) are all equal are one deal (a true duplicate keeps
    the id, and validation quarantines the repeat as now); each further *different* row,
    in file order, gets the id with ``-2``, ``-3``, … appended. The first deal keeps
    the plain id, so ids that never collide are unchanged, and the same export imported
    twice gives the same ids.

    Parameters
    ----------
    ids : pandas.Series
        Derived ids.
    rows : pandas.DataFrame
        The fields that tell deals apart, aligned with ``ids``.

    Returns
    -------
    (pandas.Series, int)
        The unique ids, and how many deals got a suffix.

    Examples
    --------
    >>> ids = pd.Series(["opp-1", "opp-1", "opp-1", "opp-2"])
    >>> rows = pd.DataFrame({"stage": ["Won", "Open", "Won", "Open"], "amount": [5.0, 7.0, 5.0, 1.0]})
    >>> out, renamed = distinct_ids(ids, rows)
    >>> out.tolist(), renamed
    (['opp-1', 'opp-1-2', 'opp-1', 'opp-2'], 1)
    """
    shared = ids.duplicated(keep=False).to_numpy()
    if not shared.any():  # the usual case: nothing to tell apart
        return ids, 0
    some, part = ids[shared], rows[shared]
    content = hash_ids([part[c] for c in part.columns]) if len(part.columns) else pd.Series("", index=some.index)
    frame = pd.DataFrame({"id": some.to_numpy(dtype=object), "content": content.to_numpy(dtype=object)})
    pairs = frame.drop_duplicates()
    pairs = pairs.assign(nth=pairs.groupby("id", sort=False).cumcount())
    nth = frame.merge(pairs, on=["id", "content"], how="left")["nth"].to_numpy()
    renamed = pd.Series(some.astype("str").to_numpy() + "-" + (nth + 1).astype("str"), index=some.index)
    out = ids.astype("object").copy()
    out[shared] = some.where(nth == 0, renamed)
    return out, int((pairs["nth"] > 0).sum())


def slug_id(text, prefix: str = "") -> str:
    """Readable stable id from a name (see the module docstring)."""
    slug = _NOT_WORD.sub("-", _clean(text)).strip("-")
    return prefix + (slug if slug else hash_id([text]))


def make_ids(values: pd.Series, method: str, prefix: str = "") -> pd.Series:
    """Ids for a Series of names with ``slug``, ``hash`` or ``as_is``; NA stays NA.

    Each distinct name is converted once. Names in Arrow-backed text give ids in
    Arrow-backed text (missing where the name is), with no Python object per cell.

    >>> make_ids(pd.Series(["Jane Doe", None, "Jane Doe"], dtype="str"), "slug").tolist()
    ['jane-doe', nan, 'jane-doe']
    """
    if is_arrow_text(values):
        arr = pa.array(values, from_pandas=True)
        encoded = pc.dictionary_encode(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr)
        distinct = encoded.dictionary.to_pylist()
        if distinct:
            ids = _ids_of(distinct, method, prefix)
            return text_series(pa.array(ids, type=pa.large_string()).take(encoded.indices), values.index)
    codes, distinct = pd.factorize(values, use_na_sentinel=True)
    if not len(distinct):
        return pd.Series(pd.NA, index=values.index, dtype="object")
    ids = _ids_of(distinct, method, prefix)
    table = np.empty(len(ids) + 1, dtype=object)
    table[:-1] = ids
    table[-1] = pd.NA  # code -1: a missing name
    return pd.Series(table[codes], index=values.index, dtype="object")


def _ids_of(distinct, method: str, prefix: str) -> list:
    """The id of each distinct name (see :func:`make_ids`)."""
    check_choice("make_ids", "method", method, ("slug", "hash", "as_is"))
    if method == "slug":
        return [slug_id(v, prefix) for v in distinct]
    if method == "hash":
        return [hash_id([v], prefix) for v in distinct]
    return [prefix + " ".join(str(v).split()) for v in distinct]


def generic_outcome(stage) -> str:
    """``won``/``lost``/``open`` from a stage name: the fallback when a mapping's value map
    leaves a stage unmatched. The rule is the stage resolver's
    (:func:`workbench.io.stages.stage_outcome`), so import and KPIs agree on closed stages."""
    return stage_outcome(stage)


def generic_activity_type(text) -> str:
    """``call``/``email``/``meeting``/``demo``/``visit``/``other`` from an activity label."""
    text = _clean(text)
    if text in ("call", "email", "meeting", "demo", "visit", "other"):
        return text
    for kind, pattern in _ACTIVITY_TYPES:
        if pattern.search(text):
            return kind
    return "other"
