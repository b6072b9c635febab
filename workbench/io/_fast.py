"""Small vectorised helpers shared by validation and stage inference (Arrow-backed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["isin", "isin_short", "filter_rows", "null_text"]


def isin(values: pd.Series, candidates) -> np.ndarray:
    """``values.isin(candidates)`` as a bool array, fast for big text columns.

    pandas' ``isin`` on Arrow strings converts the candidates one by one in Python; this
    hands both sides to Arrow's hash-based ``is_in``. Missing values never match.

    >>> isin(pd.Series(["a", "b", None]), pd.Series(["b", "c"])).tolist()
    [False, True, False]
    """
    try:
        left = pa.array(values, from_pandas=True)
        right = pa.array(pd.Series(candidates).dropna().unique(), from_pandas=True)
        if not (pa.types.is_string(left.type) or pa.types.is_large_string(left.type) or pa.types.is_null(left.type)):
            raise TypeError("not text")
        left = left.cast(pa.large_string())
        right = right.cast(pa.large_string())
        return pc.is_in(left, value_set=right).fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    except (TypeError, ValueError, ArithmeticError, pa.ArrowException):
        return np.asarray(values.isin(list(pd.Series(candidates).dropna().unique())), dtype=bool)


def isin_short(values: pd.Series, tokens, *, stripped: bool = False) -> np.ndarray:
    """Cells equal to one of a few short ``tokens``, ignoring case and surrounding spaces.

    Only short cells starting like a token are lower-cased and hashed, so checking ten
    million ids for ``null`` / ``NA`` markers costs one anchored regex pass. Pass
    ``stripped=True`` when the cells are already stripped.

    >>> isin_short(pd.Series(["R00001", " NaN ", None, "Null"]), ["null", "nan"]).tolist()
    [False, True, False, True]
    """
    tokens = sorted({str(t).strip().lower() for t in tokens})
    longest = max((len(t.encode("utf-8")) for t in tokens), default=0)
    try:
        arr = pa.array(values, from_pandas=True)
        if pa.types.is_null(arr.type):
            return np.zeros(len(values), dtype=bool)
        if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
            raise TypeError("not text")
        arr = arr.cast(pa.large_string())
        if not stripped:
            arr = pc.utf8_trim_whitespace(arr)
        # one cheap anchored pass: empty, or short and starting like one of the tokens
        firsts = sorted({c for t in tokens if t for c in (t[0].lower(), t[0].upper())})
        pattern = ("^(?:$|[" + "".join("\\" + c if c in "\\^-]" else c for c in firsts) + "]"
                   + ".{0,%d}$)" % max(longest - 1, 0))
        short = pc.match_substring_regex(arr, pattern).fill_null(False).to_numpy(zero_copy_only=False)
        out = np.zeros(len(values), dtype=bool)
        if short.any():
            positions = np.flatnonzero(short)
            lowered = pc.utf8_lower(arr.take(pa.array(positions)))
            hit = pc.is_in(lowered, value_set=pa.array(tokens, type=pa.large_string()))
            out[positions] = hit.fill_null(False).to_numpy(zero_copy_only=False)
        return out
    except (TypeError, ValueError, pa.ArrowException):
        text = values.astype("str").str.strip().str.lower()
        return np.asarray(text.isin(tokens).fillna(False), dtype=bool)


def null_text(n: int) -> pd.Series:
    """An all-missing ``str`` Series of length ``n`` (built by Arrow, not from n Python objects)."""
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype="str"))


def filter_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``frame[keep]`` with a fresh RangeIndex; Arrow ``filter`` for text columns (several x faster).

    >>> filter_rows(pd.DataFrame({"a": ["x", "y", "z"], "b": [1.0, 2.0, 3.0]}), np.array([True, False, True]))
       a    b
    0  x  1.0
    1  z  3.0
    """
    keep = np.asarray(keep, dtype=bool)
    columns = {}
    arrow_mask = None
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_string_dtype(col.dtype) and col.dtype != object:
            try:
                arrow_mask = pa.array(keep) if arrow_mask is None else arrow_mask
                columns[name] = pd.Series(pd.array(pa.array(col, from_pandas=True).filter(arrow_mask), dtype=col.dtype))
                continue
            except (TypeError, ValueError, pa.ArrowException):
                pass
        columns[name] = pd.Series(col.to_numpy()[keep], dtype=col.dtype)
    return pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())))
