"""The fast helpers behind validation give exactly pandas' answers (duplicates, references, stripping)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from workbench.io import _fast


@pytest.fixture
def hashed_always(monkeypatch):
    """Take the DuckDB / hash paths even for small inputs (they start at 200,000 rows otherwise)."""
    monkeypatch.setattr(_fast, "_HASH_FROM_ROWS", 0)


def _ids(rng, n, distinct, missing=0.1):
    values = rng.integers(0, distinct, n).astype(str)
    return pd.Series(np.where(rng.random(n) < missing, None, values), dtype="str")


@pytest.mark.parametrize("seed", range(8))
def test_duplicated_first_equals_pandas(hashed_always, seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    keys = pd.DataFrame({
        "opportunity_id": _ids(rng, n, 40),
        "stage": pd.Series(rng.choice(["Lead", "Demo", " Demo"], n), dtype="str"),
        "entered_at": pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 3, n), unit="D"),
    })
    for columns in (["opportunity_id"], ["opportunity_id", "stage", "entered_at"]):
        expected = keys[columns].duplicated(keep="first").to_numpy()
        assert _fast.duplicated_first(keys[columns]).tolist() == expected.tolist()


@pytest.mark.parametrize("seed", range(4))
def test_duplicated_first_among_some_rows_equals_pandas_on_those_rows(hashed_always, seed):
    rng = np.random.default_rng(50 + seed)
    n = int(rng.integers(1, 300))
    keys = pd.DataFrame({"id": _ids(rng, n, 30)})
    among = rng.random(n) < 0.7
    expected = np.zeros(n, dtype=bool)
    expected[among] = keys[among].duplicated(keep="first").to_numpy()
    assert _fast.duplicated_first(keys, among=among).tolist() == expected.tolist()


def test_duplicated_first_without_duplicates(hashed_always):
    keys = pd.DataFrame({"activity_id": pd.Series([f"A{i:06d}" for i in range(5000)], dtype="str")})
    assert not _fast.duplicated_first(keys).any()


def test_duplicated_first_survives_hash_collisions(hashed_always, monkeypatch):
    monkeypatch.setattr(_fast, "hash_rows", lambda columns: np.zeros(len(columns[0]), dtype=np.uint64))
    keys = pd.DataFrame({"id": pd.Series(["a", "b", "a", "c", "b"], dtype="str")})
    assert _fast.duplicated_first(keys).tolist() == [False, False, True, False, True]


@pytest.mark.parametrize("seed", range(8))
def test_isin_large_equals_pandas(hashed_always, seed):
    rng = np.random.default_rng(100 + seed)
    values = _ids(rng, int(rng.integers(1, 500)), 60)
    known = _ids(rng, int(rng.integers(0, 90)), 50, missing=0.05)
    expected = values.isin(set(known.dropna())).to_numpy() & values.notna().to_numpy()
    assert _fast.isin_large(values, known).tolist() == expected.tolist()


def test_isin_large_is_exact_for_near_misses(hashed_always):
    values = pd.Series(["R1", "r1", "R1 ", "R10", "", None, "张三"], dtype="str")
    known = pd.Series(["R1", "张三", "R1"], dtype="str")
    assert _fast.isin_large(values, known).tolist() == [True, False, False, False, False, False, True]


def test_strip_text_equals_pandas_strip():
    text = pd.Series([" a ", "\tb\n", "c\u3000", "\u00a0d", "", None, "e f"], dtype="str")
    pd.testing.assert_series_equal(_fast.strip_text(text), text.str.strip())


def test_isin_short_finds_tokens_in_long_and_short_cells():
    cells = pd.Series(["R00001", " NULL ", "n/a", "(blank)", "", None, "nullable", "Nil"], dtype="str")
    assert _fast.isin_short(cells, ["null", "(blank)", "", "nil"]).tolist() == [
        False, True, False, True, True, False, False, True]


@pytest.mark.parametrize("seed", range(4))
def test_isin_short_on_a_column_of_short_codes_equals_the_cell_by_cell_answer(hashed_always, seed):
    # many short cells with few distinct values take the once-per-distinct-value path
    rng = np.random.default_rng(200 + seed)
    codes = ["call", "email", "NULL", " nan", "n/a", "", "None", "demo", "NaT", "nullx"]
    cells = pd.Series(rng.choice(codes, 400), dtype="str").mask(rng.random(400) < 0.1)
    tokens = ["null", "nan", "nat", "none", ""]
    expected = cells.str.strip().str.lower().isin(tokens).fillna(False).to_numpy(dtype=bool)
    assert _fast.isin_short(cells, tokens).tolist() == expected.tolist()
    assert _fast.isin_short(cells, tokens).sum() > 0


def test_isin_short_counts_characters_not_bytes():
    # "nüll" is 4 characters but 5 bytes: a short cell (checked, not a marker); "空" is one
    cells = pd.Series(["null", "NULL", "nüll", "R00001", None, "空"], dtype="str")
    assert _fast.isin_short(cells, ["null", "空"]).tolist() == [True, True, False, False, False, True]


def test_isin_short_when_every_cell_is_short():
    cells = pd.Series(["NULL", "ab", " nan", "", "Nil"], dtype="str")
    assert _fast.isin_short(cells, ["null", "nan", ""]).tolist() == [True, False, True, True, False]


@pytest.mark.parametrize("seed", range(6))
def test_duplicated_first_of_sorted_keys_equals_pandas(hashed_always, seed):
    # keys sorted as exported take the neighbour comparison; ties, gaps and repeats must still be found
    rng = np.random.default_rng(700 + seed)
    n = int(rng.integers(2, 300))
    keys = pd.DataFrame({
        "opportunity_id": pd.Series(np.sort(rng.integers(0, n // 3 + 1, n)).astype(str), dtype="str"),
        "entered_at": pd.to_datetime("2026-01-01") + pd.to_timedelta(rng.integers(0, 4, n), unit="D"),
        "stage": pd.Series(rng.choice(["Lead", "Demo", "Won"], n), dtype="str"),
    }).sort_values(["opportunity_id", "entered_at", "stage"], kind="stable", ignore_index=True)
    if seed % 3 == 0:
        keys = keys.drop_duplicates(ignore_index=True)
    if seed % 3 == 1:  # a missing value
        keys.loc[n // 2 % len(keys), "entered_at"] = pd.NaT
    among = rng.random(len(keys)) < 0.8
    for columns in (["opportunity_id"], ["opportunity_id", "stage", "entered_at"]):
        expected = keys[columns].duplicated(keep="first").to_numpy()
        assert _fast.duplicated_first(keys[columns]).tolist() == expected.tolist()
        expected = np.zeros(len(keys), dtype=bool)
        expected[among] = keys[columns][among].duplicated(keep="first").to_numpy()
        assert _fast.duplicated_first(keys[columns], among=among).tolist() == expected.tolist()


def test_strictly_increasing_keys_need_every_pair_in_order():
    ids = pd.Series(["A1", "A2", "A2", "A3"], dtype="str")
    at = pd.to_datetime(["2026-01-05", "2026-01-01", "2026-01-02", "2026-01-01"])
    assert _fast._strictly_increasing(pd.DataFrame({"id": ids, "at": at}))
    assert not _fast._strictly_increasing(pd.DataFrame({"id": ids}))  # A2 twice
    assert not _fast._strictly_increasing(pd.DataFrame({"id": ids, "at": at.where(at.day != 2)}))  # NaT
    assert not _fast._strictly_increasing(pd.DataFrame({"id": ids[::-1].reset_index(drop=True)}))
    assert not _fast._strictly_increasing(pd.DataFrame({"id": pd.Series(["a", None, "b"], dtype="str")}))
    assert not _fast._strictly_increasing(pd.DataFrame({"id": pd.Series(["a", "b"], dtype=object)}))


@pytest.mark.parametrize("cells", [
    ["R1", "R2", "R3"],
    ["R1", "R2 ", "R3"],
    ["R1", "\tR2", None],
    ["R1", "R2\u3000", ""],
    ["\u00a0R1", "R2", "R3"],
    ["R1", "R2\u2009", "空"],
    [None, None, ""],
    ["", "x ", None],
])
def test_strip_text_trims_only_when_a_cell_needs_it(cells):
    text = pd.Series(cells, dtype="str")
    pd.testing.assert_series_equal(_fast.strip_text(text), text.str.strip())
    chunked = pd.Series(pd.concat([text, text], ignore_index=True), dtype="str")
    pd.testing.assert_series_equal(_fast.strip_text(chunked), chunked.str.strip())


@pytest.mark.parametrize("cells", [
    ["R00001", "R00002", "R00003"],
    ["R00001", "", "R00003"],
    ["R00001", None, "NULL"],
    ["R00001", "ｎｕｌｌ", "Ｎ"],
    ["R00001", "#N/A", "<NA>"],
    ["空", "R1", None],
])
def test_isin_short_skips_only_columns_where_no_cell_can_be_a_marker(cells):
    tokens = ["null", "nan", "#n/a", "<na>", "", "空"]
    text = pd.Series(cells * 10_000, dtype="str")  # big enough for the once-per-distinct-value path
    expected = text.str.strip().str.lower().isin(tokens).fillna(False).to_numpy(dtype=bool)
    assert _fast.isin_short(text, tokens, stripped=True).tolist() == expected.tolist()
    assert _fast.isin_short(text, [t for t in tokens if t]).tolist() == (expected & text.ne("").to_numpy()).tolist()


def test_filter_rows_by_column_on_threads_equals_boolean_indexing(hashed_always):
    # big frames are filtered a column per task on threads (forced here on a small frame)
    frame = pd.DataFrame({
        "id": pd.Series(["a", None, "c", "d", "e"], dtype="str"),
        "amount": [1.0, np.nan, 3.0, 4.0, 5.0],
        "at": pd.to_datetime(["2026-01-01", None, "2026-01-03", "2026-01-04", "2026-01-05"]),
        "note": pd.Series(["x", "y", None, "z", "w"], dtype=object),
    })
    keep = np.array([True, False, True, False, True])
    out = _fast.filter_rows(frame, keep)
    pd.testing.assert_frame_equal(out, frame[keep].reset_index(drop=True))
    assert list(out.dtypes) == list(frame.dtypes)


@pytest.mark.parametrize("seed", range(3))
def test_may_end_with_equals_arrow_ends_with(seed):
    import pyarrow as pa
    import pyarrow.compute as pc

    rng = np.random.default_rng(seed)
    alphabet = np.array(["1", "0", ".", "a", " ", "é"])
    for _ in range(300):
        cells = [None if rng.random() < 0.2 else "".join(rng.choice(alphabet, rng.integers(0, 6)))
                 for _ in range(rng.integers(0, 9))]
        arr = pa.array(cells, type=pa.string())
        if len(cells) > 2 and rng.random() < 0.3:
            arr = arr.slice(1, len(cells) - 2)  # a slice: offsets not starting at 0
        for suffix in (".0", "0", "1.0"):
            exact = bool(pc.any(pc.ends_with(arr, suffix)).as_py() or False)
            assert _fast.CellEdges(arr).may_end_with(suffix) == exact, (cells, suffix)
