"""Small vectorised helpers shared by validation and stage inference (Arrow-backed)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["isin", "token_variants"]


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


def token_variants(tokens) -> list[str]:
    """Tokens in the spellings met in exports (as is, UPPER, Title, Capitalized).

    >>> sorted(token_variants(["null"]))
    ['NULL', 'Null', 'null']
    """
    out = set()
    for token in tokens:
        out.update({token, token.upper(), token.title(), token.capitalize()})
    return sorted(out)
