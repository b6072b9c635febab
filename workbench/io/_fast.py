"""Small vectorised helpers shared by validation and stage inference (Arrow-backed)."""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["arrow_allocator", "isin", "isin_large", "duplicated_first", "hash_rows", "isin_short", "filter_rows",
           "null_text", "strip_text", "TEXT_DTYPE", "is_arrow_text", "text_series", "map_distinct", "pair_counts",
           "CellEdges"]

#: pandas' ``str`` dtype as an object: ``pd.array(arrow, dtype=TEXT_DTYPE)`` wraps an Arrow array
#: without a copy, while the alias ``"str"`` takes a much slower path for big arrays.
TEXT_DTYPE = pd.Series([], dtype="str").dtype
#: Below this many rows the hash-based helpers hand over to pandas / Arrow directly.
_HASH_FROM_ROWS = 200_000
#: From this many short cells, :func:`isin_short` decides once per distinct value (a
#: dictionary encoding costs about half of a regex pass over short text).
_DISTINCT_FROM_ROWS = 20_000
#: Threads for work split by column on big tables (the cores this process may use, at most 4).
_THREADS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


@contextlib.contextmanager
def arrow_allocator():
    """Allocate Arrow memory with the system allocator inside the block (then restore the previous one).

    Arrow's default allocator (mimalloc) hands freed memory back to the OS and faults it in
    again, which on this kind of workload (many column-sized buffers made and dropped)
    costs as much kernel time as the work itself; the system allocator does not. Buffers
    remember their allocator, so data made inside the block is freed correctly after it.
    An allocator chosen with ``ARROW_DEFAULT_MEMORY_POOL`` or ``pyarrow.set_memory_pool``
    other than mimalloc is left alone.

    >>> before = pa.default_memory_pool().backend_name
    >>> with arrow_allocator():
    ...     inside = pa.default_memory_pool().backend_name
    >>> chosen = bool(os.environ.get("ARROW_DEFAULT_MEMORY_POOL"))
    >>> inside != "mimalloc" or chosen, pa.default_memory_pool().backend_name == before
    (True, True)
    """
    previous = pa.default_memory_pool()
    switch = previous.backend_name == "mimalloc" and not os.environ.get("ARROW_DEFAULT_MEMORY_POOL")
    if switch:
        pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        if switch:
            pa.set_memory_pool(previous)


def isin(values: pd.Series, candidates) -> np.ndarray:
    """``values.isin(candidates)`` as a bool array, fast for big text columns.

    pandas' ``isin`` on Arrow strings converts the candidates one by one in Python; this
    hands both sides to Arrow's hash-based ``is_in``. Missing values never match.

    >>> isin(pd.Series(["a", "b", None]), pd.Series(["b", "c"])).tolist()
    [False, True, False]
    >>> isin(pd.Series(["a", None]), pd.Series(["b", "c", "a", None, "d"], dtype="str")).tolist()
    [True, False]
    """
    try:
        left = pa.array(values, from_pandas=True)
        if is_arrow_text(candidates):  # a column of ids: Arrow's set lookup takes the repeats as they are
            right = pa.array(candidates, from_pandas=True).drop_null()
            right = right.combine_chunks() if isinstance(right, pa.ChunkedArray) else right
        else:
            right = pa.array(pd.Series(candidates).dropna().unique(), from_pandas=True)
        if not (is_text_array(left) or pa.types.is_null(left.type)):
            raise TypeError("not text")
        left = left.cast(pa.large_string())
        right = right.cast(pa.large_string())
        if len(right) > 2 * len(left) > 0:  # many known ids: hash the few values, look the known ones up
            left = left.combine_chunks() if isinstance(left, pa.ChunkedArray) else left
            encoded = pc.dictionary_encode(left)
            found = pc.index_in(right, value_set=encoded.dictionary).drop_null().to_numpy(zero_copy_only=False)
            seen = np.zeros(len(encoded.dictionary) + 1, dtype=bool)  # the last slot: missing values
            seen[found] = True
            return seen[encoded.indices.fill_null(len(encoded.dictionary)).to_numpy(zero_copy_only=False)]
        return pc.is_in(left, value_set=right).fill_null(False).to_numpy(zero_copy_only=False).astype(bool)
    except (TypeError, ValueError, ArithmeticError, pa.ArrowException):
        return np.asarray(values.isin(list(pd.Series(candidates).dropna().unique())), dtype=bool)


def _duckdb_table(columns, *, positions: bool = False) -> pa.Table:
    arrays = {f"c{i}": col if isinstance(col, (pa.Array, pa.ChunkedArray)) else pa.array(col, from_pandas=True)
              for i, col in enumerate(columns)}
    if positions:
        arrays["pos"] = pa.array(np.arange(len(arrays["c0"]), dtype=np.int64))
    return pa.table(arrays)


def _duckdb_query(sql: str, **tables) -> dict:
    """Run ``sql`` in a fresh in-process DuckDB over Arrow ``tables`` (no copy); the result as NumPy arrays."""
    import duckdb

    con = duckdb.connect()
    try:
        for name, table in tables.items():
            con.register(name, table)
        return con.execute(sql).fetchnumpy()
    finally:
        con.close()


def hash_rows(columns) -> np.ndarray:
    """A 64-bit hash per row of one or more aligned columns (DuckDB's ``hash``, on all cores).

    Equal rows get equal hashes (missing values hash alike); different rows almost never
    do, so callers use it to find *candidates* and confirm them exactly.

    >>> h = hash_rows([pd.Series(["a", "b", "a", None], dtype="str")])
    >>> bool(h[0] == h[2]), bool(h[0] == h[1]), h.dtype
    (True, False, dtype('uint64'))
    """
    table = _duckdb_table(columns)
    names = ", ".join(table.column_names)
    return np.asarray(_duckdb_query(f"SELECT hash({names}) AS h FROM keys", keys=table)["h"], dtype=np.uint64)


def _adjacent_order(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """For each pair of neighbouring cells: whether the first is less than the second, and whether
    they are equal (missing cells are neither); None for a column that is not text, numbers or
    naive time stamps."""
    n = len(values)
    if is_arrow_text(values):
        arr = pa.array(values, from_pandas=True)
        head, tail = arr.slice(0, n - 1), arr.slice(1)
        return (pc.less(head, tail).fill_null(False).to_numpy(zero_copy_only=False).astype(bool),
                pc.equal(head, tail).fill_null(False).to_numpy(zero_copy_only=False).astype(bool))
    if isinstance(values.dtype, np.dtype) and values.dtype.kind in "iufM":
        cells = values.to_numpy()
        return cells[:-1] < cells[1:], cells[:-1] == cells[1:]  # NaN / NaT compare neither way
    return None


def _strictly_increasing(keys: pd.DataFrame) -> bool:
    """Whether the rows of ``keys`` increase strictly, compared column by column (the first key
    column, then time stamps, then the rest): then no two rows are equal.

    One comparison of neighbours per column, far cheaper than hashing: an export sorted by
    its key (deals by id, a deal's stage entries by time) is known to have no duplicates
    at once. Missing cells, columns of other types or any pair not in order: False.

    >>> _strictly_increasing(pd.DataFrame({"id": pd.Series(["a", "a", "b"], dtype="str"),
    ...                                    "at": pd.to_datetime(["2026-01-02", "2026-01-03", "2026-01-01"])}))
    True
    >>> _strictly_increasing(pd.DataFrame({"id": pd.Series(["a", "b", "a"], dtype="str")}))
    False
    """
    if len(keys) < 2:
        return True
    columns = [keys.columns[0]] + sorted(keys.columns[1:], key=lambda c: keys[c].dtype.kind != "M")
    tied = None  # the neighbouring pairs equal in every column so far
    for column in columns:
        order = _adjacent_order(keys[column])
        if order is None:
            return False
        less, equal = order
        if tied is None:
            if not (less | equal).all():
                return False
            tied = equal
        else:
            if (tied & ~less & ~equal).any():
                return False
            tied &= equal
        if not tied.any():
            return True
    return False


def duplicated_first(keys: pd.DataFrame, among: np.ndarray | None = None) -> np.ndarray:
    """``keys.duplicated(keep="first")`` as a bool array, fast for millions of text keys.

    Rows are hashed in DuckDB (on all cores) and the hashes sorted; only rows whose hash
    occurs more than once (the true duplicates, plus a rare collision) go through pandas'
    exact ``duplicated``, in their original order, so the result is exactly pandas'
    (missing values equal each other, the first occurrence is not flagged).

    ``among`` (a bool mask) limits the comparison to those rows, as if the others were
    not there (they are never flagged), without copying the key columns.

    >>> keys = pd.DataFrame({"id": ["a", "b", "a", None, None], "n": [1, 2, 1, 3, 3]})
    >>> duplicated_first(keys).tolist()
    [False, False, True, False, True]
    >>> duplicated_first(keys, among=np.array([False, True, True, True, True])).tolist()
    [False, False, False, False, True]
    """
    n = len(keys)
    # the rows compared: all (no position array, a big fresh allocation), or those of ``among``
    positions = slice(None) if among is None else np.flatnonzero(among)
    out = np.zeros(n, dtype=bool)
    if n < _HASH_FROM_ROWS:
        subset = keys if among is None else keys.iloc[positions]
        out[positions] = subset.duplicated(keep="first").to_numpy(dtype=bool)
        return out
    if _strictly_increasing(keys):  # a key column sorted as exported: all different, among any rows
        return out
    try:
        hashed = hash_rows([keys[c] for c in keys.columns])
    except (TypeError, ValueError, pa.ArrowException, ImportError, RuntimeError):
        subset = keys if among is None else keys.iloc[positions]
        out[positions] = subset.duplicated(keep="first").to_numpy(dtype=bool)
        return out
    if among is not None:
        hashed = hashed[positions]
    ordered = np.sort(hashed)  # NumPy's integer sort is far cheaper than any hash table here
    same = ordered[1:] == ordered[:-1]
    if not same.any():
        return out
    repeated = np.flatnonzero(np.isin(hashed, np.unique(ordered[1:][same])))
    candidates = repeated if among is None else positions[repeated]
    out[candidates] = keys.iloc[candidates].duplicated(keep="first").to_numpy(dtype=bool)
    return out


def isin_large(values: pd.Series, known: pd.Series) -> np.ndarray:
    """:func:`isin` for big columns of ids against a big set of known ids (references).

    Against a big set of known ids (deals), an anti join in DuckDB (a hash join on all
    cores, exact) finds the positions of the values that are not known; missing values
    never match. Small inputs, a small set of known ids (reps: Arrow's hash set is
    cheaper than a join) or columns that are not text go to :func:`isin`.

    >>> isin_large(pd.Series(["a", "b", None]), pd.Series(["b", "c", "b"])).tolist()
    [False, True, False]
    """
    if len(values) < _HASH_FROM_ROWS or len(known) < _HASH_FROM_ROWS:
        return isin(values, known)
    try:
        left = pa.array(values, from_pandas=True)
        right = pa.array(known, from_pandas=True)
        if not (is_text_array(left) and is_text_array(right)):
            return isin(values, known)
        unknown = _duckdb_query(
            "SELECT pos FROM ids WHERE c0 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM known WHERE known.c0 = ids.c0)",
            ids=_duckdb_table([left.cast(pa.large_string())], positions=True),
            known=_duckdb_table([right.cast(pa.large_string())]),
        )["pos"]
    except (TypeError, ValueError, pa.ArrowException, ImportError, RuntimeError):
        return isin(values, known)
    out = left.is_valid().to_numpy(zero_copy_only=False).astype(bool)
    out[np.asarray(unknown, dtype=np.int64)] = False
    return out


class CellEdges:
    """The first and last byte of every non-empty cell of an Arrow text array, read once, in
    place, from its offsets and data buffers (no string kernel, no copy of the text).

    The cheap screens that tell what a column cannot need (a trim, a search for missing-value
    markers) share one reading of a column. Each screen is conservative: False means no cell
    can match; True means one may.

    >>> edges = CellEdges(pa.array(["R1", "a b", None, " 7"]))
    >>> edges.may_have_edge_space(), edges.may_start_like("nN"), edges.has_empty
    (True, False, False)
    >>> CellEdges(pa.array(["1001.0", "R10"])).may_end_with(".0"), edges.may_end_with(".0")
    (True, False)
    >>> [CellEdges(pa.array(cells)).may_have_edge_space() for cells in (["R1", "a b", None], ["R1", "b\u3000"])]
    [False, True]
    >>> [CellEdges(pa.array(cells)).may_start_like("nN") for cells in (["R1", "R2", None], ["R1", "NULL"])]
    [False, True]
    """

    def __init__(self, arr):
        self.has_empty = False
        self._parts = []  # per chunk: the first and last bytes of its non-empty cells
        self._cells = []  # per chunk: its data bytes and the ends of its non-empty cells
        for chunk in _chunks(arr):
            offsets_type = np.int64 if pa.types.is_large_string(chunk.type) else np.int32
            buffers = chunk.buffers()
            offsets = np.frombuffer(buffers[1], dtype=offsets_type)[chunk.offset:chunk.offset + len(chunk) + 1]
            data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
            starts, ends = offsets[:-1], offsets[1:]
            filled = ends > starts
            if not filled.all():
                starts, ends = starts[filled], ends[filled]
                valid = chunk.is_valid().to_numpy(zero_copy_only=False) if chunk.null_count else True
                self.has_empty = self.has_empty or bool((~filled & valid).any())
            self._parts.append((data[starts], data[ends - 1]))
            self._cells.append((data, starts, ends))

    def may_have_edge_space(self) -> bool:
        """Whether any cell may start or end with white space: its first or last byte is a space or
        control character (0x00-0x20) or part of a non-ASCII character (0x80-0xFF, where every
        non-ASCII space is)."""
        # one wrapping subtraction maps exactly those bytes to 0x5F-0xFF and 0x21-0x7F below
        return any(((head - np.uint8(0x21)) >= 0x5F).any() or ((tail - np.uint8(0x21)) >= 0x5F).any()
                   for head, tail in self._parts)

    def may_end_with(self, suffix: str) -> bool:
        """Whether any cell ends with the ASCII ``suffix`` (exact: the last bytes of the cells
        whose last byte matches are compared)."""
        tail_bytes = suffix.encode("ascii")
        for (_, tail), (data, starts, ends) in zip(self._parts, self._cells):
            candidates = np.flatnonzero(tail == tail_bytes[-1])
            if not len(candidates):
                continue
            start, end = starts[candidates], ends[candidates]
            match = (end - start) >= len(tail_bytes)
            for k in range(2, len(tail_bytes) + 1):
                match &= data[np.maximum(end - k, 0)] == tail_bytes[-k]
            if match.any():
                return True
        return False

    def may_start_like(self, firsts) -> bool:
        """Whether any cell is empty or may start with one of the characters ``firsts`` (a cell
        starting with a non-ASCII character always may: its lower-case form is not decided here)."""
        wanted = sorted({char.encode("utf-8")[0] for char in firsts})
        return self.has_empty or any((head >= 0x80).any() or any((head == byte).any() for byte in wanted)
                                     for head, _ in self._parts)


def _chunks(arr) -> list:
    return arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]


def isin_short(values: pd.Series, tokens, *, stripped: bool = False, edges: CellEdges | None = None) -> np.ndarray:
    """Cells equal to one of a few short ``tokens``, ignoring case and surrounding spaces.

    Only short cells starting like a token are lower-cased and hashed, so checking ten
    million ids for ``null`` / ``NA`` markers costs one anchored regex pass. Pass
    ``stripped=True`` when the cells are already stripped, and their :class:`CellEdges`
    as ``edges`` when the caller has read them.

    >>> isin_short(pd.Series(["R00001", " NaN ", None, "Null"]), ["null", "nan"]).tolist()
    [False, True, False, True]
    """
    tokens = sorted({str(t).strip().lower() for t in tokens})
    longest = max((len(t.encode("utf-8")) for t in tokens), default=0)
    try:
        arr = pa.array(values, from_pandas=True)
        if pa.types.is_null(arr.type):
            return np.zeros(len(values), dtype=bool)
        if not is_text_array(arr):
            raise TypeError("not text")
        arr = arr.cast(pa.large_string())
        if not stripped:
            arr = pc.utf8_trim_whitespace(arr)
        out = np.zeros(len(values), dtype=bool)
        firsts = sorted({c for t in tokens if t for c in (t[0].lower(), t[0].upper())})
        edges = edges if edges is not None and stripped else CellEdges(arr)
        if not edges.may_start_like(firsts):  # no cell can be a token: nothing more to look at
            return out
        # a length pass first (ids and names are longer than every token: nothing else to do),
        # then one anchored pass over the short cells: empty, or starting like one of the tokens
        short = pc.less_equal(pc.utf8_length(arr), longest)  # never more characters than bytes
        short = short.fill_null(False).to_numpy(zero_copy_only=False)
        if not short.any():
            return out
        # every cell short (a column of codes): no position array (a big fresh allocation)
        positions = slice(None) if short.all() else np.flatnonzero(short)
        if not isinstance(positions, slice):
            arr = arr.take(pa.array(positions))
        if len(arr) >= _DISTINCT_FROM_ROWS:
            # many short cells (a column of short codes: call / email / won): decide once per
            # distinct value, then spread the answers over the cells
            encoded = pc.dictionary_encode(arr)
            encoded = encoded.combine_chunks() if isinstance(encoded, pa.ChunkedArray) else encoded
            if len(encoded.dictionary) * 4 < len(arr):
                hit = isin_short(pd.Series(encoded.dictionary.to_pylist(), dtype=object), tokens, stripped=True)
                if hit.any():  # usually none of the codes is a missing-value marker: nothing to spread
                    codes = pa.array(np.flatnonzero(hit), type=encoded.indices.type)
                    chosen = pc.is_in(encoded.indices, value_set=codes).fill_null(False)
                    out[positions] = chosen.to_numpy(zero_copy_only=False)
                return out
        pattern = ("^(?:$|[" + "".join("\\" + c if c in "\\^-]" else c for c in firsts) + "]"
                   + ".{0,%d}$)" % max(longest - 1, 0))
        like = pc.match_substring_regex(arr, pattern).fill_null(False).to_numpy(zero_copy_only=False)
        if like.any():
            lowered = pc.utf8_lower(arr.filter(pa.array(like)))
            positions = np.flatnonzero(like) if isinstance(positions, slice) else positions[like]
            hit = pc.is_in(lowered, value_set=pa.array(tokens, type=pa.large_string()))
            out[positions] = hit.fill_null(False).to_numpy(zero_copy_only=False)
        return out
    except (TypeError, ValueError, pa.ArrowException):
        text = values.astype("str").str.strip().str.lower()
        return np.asarray(text.isin(tokens).fillna(False), dtype=bool)


def strip_text(text: pd.Series, edges: CellEdges | None = None) -> pd.Series:
    """``text.str.strip()`` for a ``str`` column, straight through Arrow's ``utf8_trim_whitespace``.

    The same kernel pandas uses, without its per-call overhead (a few times faster on
    ten million cells). ``text`` itself is returned when no cell needs a trim (as its
    :class:`CellEdges`, read here or passed as ``edges``, show).

    >>> strip_text(pd.Series([" a ", "b\u3000", None], dtype="str")).tolist()
    ['a', 'b', nan]
    """
    if text.dtype != TEXT_DTYPE:
        return text.str.strip()
    arr = pa.array(text, from_pandas=True)
    if not (edges if edges is not None else CellEdges(arr)).may_have_edge_space():  # ids, codes as exported
        return text
    trimmed = pc.utf8_trim_whitespace(arr)
    return pd.Series(pd.array(trimmed, dtype=TEXT_DTYPE), index=text.index, name=text.name)


def null_text(n: int) -> pd.Series:
    """An all-missing ``str`` Series of length ``n`` (built by Arrow, not from n Python objects)."""
    return pd.Series(pd.array(pa.nulls(n, pa.large_string()), dtype=TEXT_DTYPE))


def filter_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """``frame[keep]`` with a fresh RangeIndex; Arrow ``filter`` for text columns (several x faster).

    Big frames are filtered a column per task on a few threads (Arrow's and NumPy's filters
    run outside the GIL); the result is the same.

    >>> filter_rows(pd.DataFrame({"a": ["x", "y", "z"], "b": [1.0, 2.0, 3.0]}), np.array([True, False, True]))
       a    b
    0  x  1.0
    1  z  3.0
    """
    keep = np.asarray(keep, dtype=bool)
    arrow_mask = pa.array(keep) if any(_is_text_extension(frame[name]) for name in frame.columns) else None

    def filtered(name):
        col = frame[name]
        if _is_text_extension(col):
            try:
                return pd.Series(pd.array(pa.array(col, from_pandas=True).filter(arrow_mask), dtype=col.dtype))
            except (TypeError, ValueError, pa.ArrowException):
                pass
        # the filtered values are a fresh array: no second copy in the Series or the frame (pandas 3 copies
        # NumPy input to either by default)
        return pd.Series(col.to_numpy()[keep], dtype=col.dtype, copy=False)

    names = list(frame.columns)
    if len(frame) >= _HASH_FROM_ROWS and len(names) > 1:
        with ThreadPoolExecutor(max_workers=_THREADS, thread_name_prefix="workbench-filter") as pool:
            columns = dict(zip(names, pool.map(filtered, names)))
    else:
        columns = {name: filtered(name) for name in names}
    return pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())), copy=False)


def _is_text_extension(col: pd.Series) -> bool:
    """Whether a column holds text in a pandas extension dtype (filtered by Arrow)."""
    return pd.api.types.is_string_dtype(col.dtype) and col.dtype != object


def is_arrow_text(values) -> bool:
    """Whether ``values`` is a Series of Arrow-backed text (pandas' ``str`` dtype).

    >>> is_arrow_text(pd.Series(["a"], dtype="str")), is_arrow_text(pd.Series(["a"], dtype=object))
    (True, False)
    """
    dtype = getattr(values, "dtype", None)
    return isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow"


def is_text_array(array) -> bool:
    """Whether an Arrow array (or chunked array) holds text (``string`` or ``large_string``).

    >>> is_text_array(pa.array(["a"])), is_text_array(pa.array([1]))
    (True, False)
    """
    return pa.types.is_string(array.type) or pa.types.is_large_string(array.type)


def text_series(arr, index=None) -> pd.Series:
    """An Arrow text array as a ``str`` Series (no copy for ``large_string``)."""
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not pa.types.is_large_string(arr.type):
        arr = arr.cast(pa.large_string())
    return pd.Series(pd.array(arr, dtype=TEXT_DTYPE), index=index)


def map_distinct(values: pd.Series, func) -> pd.Series:
    """``func`` of each distinct non-missing value of ``values``, spread over the cells.

    Missing cells stay missing. For a ``str`` column whose results are all text (or
    ``None``) the result is a ``str`` column too, built in Arrow (one ``index_in`` and one
    ``take``), with no Python object per cell; otherwise an ``object`` column with
    ``None`` for missing values, as ``values.map(...)`` gives.

    >>> map_distinct(pd.Series(["Won", None, "Won", "lost"], dtype="str"), str.lower).tolist()
    ['won', nan, 'won', 'lost']
    >>> map_distinct(pd.Series(["a", None], dtype=object), str.upper).tolist()
    ['A', None]
    """
    if is_arrow_text(values):
        arr = pa.array(values, from_pandas=True)
        distinct = pc.unique(arr).drop_null()
        results = [func(v) for v in distinct.to_pylist()]
        if all(r is None or isinstance(r, str) for r in results):
            mapped = pa.array(results, type=pa.large_string())
            return text_series(mapped.take(pc.index_in(arr, value_set=distinct)), values.index)
        lookup = dict(zip(distinct.to_pylist(), results))
    else:
        lookup = {v: func(v) for v in pd.unique(values.dropna())}
    out = values.map(lookup).astype("object")
    return out.where(out.notna(), None)


def pair_counts(first: pd.Series, second: pd.Series, weights=None) -> pd.DataFrame:
    """How many rows hold each pair of values (``first``, ``second``), in order of first
    appearance: columns ``first``, ``second`` (the values, as objects), ``n`` and, with
    ``weights``, ``weight`` (their sum per pair). Rows where either value is missing are left out.

    The pairs are counted on integer codes (one factorization per column), so a hundred
    thousand rows cost two hash passes, not a group-by over text.

    >>> pair_counts(pd.Series(["a", "b", "a", None]), pd.Series(["x", "y", "x", "x"]))
      first second  n
    0     a      x  2
    1     b      y  1
    """
    fc, fv = pd.factorize(first, use_na_sentinel=True)
    sc, sv = pd.factorize(second, use_na_sentinel=True)
    ok = (fc >= 0) & (sc >= 0)
    key = fc[ok].astype(np.int64) * max(len(sv), 1) + sc[ok]
    inverse, order = pd.factorize(key)  # pairs in order of first appearance
    out = pd.DataFrame({"first": np.asarray(fv, dtype=object)[order // max(len(sv), 1)],
                        "second": np.asarray(sv, dtype=object)[order % max(len(sv), 1)],
                        "n": np.bincount(inverse, minlength=len(order)).astype(np.int64)})
    if weights is not None:
        w = np.asarray(weights)[ok]
        total = np.bincount(inverse, weights=w, minlength=len(order))
        out["weight"] = total.astype(np.int64) if w.dtype.kind in "iub" else total
    return out
