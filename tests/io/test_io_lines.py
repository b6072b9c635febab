"""Every physical line of a CSV is a row, a quarantined row or a listed skipped line."""

from __future__ import annotations

import io
import random

import pytest

from workbench.io.limits import InputLimits
from workbench.io.lines import describe_lines, scan_text, split_records
from workbench.io.readers import read_csv_text


@pytest.mark.parametrize("raw, lines, longest", [
    (b"a,b\n1,2\n", 2, 3),
    (b"a,b\r\n1,2\r\n3,4", 3, 3),
    (b"a,b\r1,2\r", 2, 3),
    (b"a,b\n\n\n1,22222\n", 4, 7),
    (b"", 0, 0),
])
def test_scan_counts_physical_lines_and_the_longest(tmp_path, raw, lines, longest):
    path = tmp_path / "t.csv"
    path.write_bytes(raw)
    scan = scan_text(path, None, ("utf-8",), InputLimits())
    assert (scan.lines, scan.longest_line, scan.nul_at) == (lines, longest, None)


def test_scan_counts_a_crlf_split_across_chunks(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"x" * ((1 << 20) - 1) + b"\r\n" + b"y\n")
    scan = scan_text(path, None, ("utf-8",), InputLimits())
    assert scan.lines == 2 and scan.longest_line == (1 << 20) - 1


def split(text, width=3):
    return split_records(io.StringIO(text), ",", width=width, first_line=2, max_cell_chars=100)


def test_too_many_fields_is_quarantined_with_its_line():
    result = split("a,b,c\na,b,c,d\na,b,c,,\n")
    assert result.errors == ["", "row has 4 fields, the header has 3", ""]  # empty surplus is fine
    assert result.lines == [2, 3, 4]


def test_quote_open_at_the_end_quarantines_every_line_it_swallowed():
    result = split('a,b,c\na,"b\nx\ny\n')
    assert result.lines == [2, 3, 4, 5]
    assert result.errors[0] == ""
    assert "never closes" in result.errors[1]
    assert result.errors[2:] == ["inside the unclosed quoted cell that opens on line 3"] * 2


def test_cell_over_the_field_limit_is_quarantined_not_raised():
    result = split("a,b,c\na," + "x" * 150 + ",c\nd,e,f\n")
    assert result.lines == [2, 3, 4]
    assert result.errors[1].startswith("a cell is longer than 100 characters")
    assert result.rows[2] == ["d", "e", "f"]


def test_multiline_cell_in_the_first_column_is_not_a_broken_quote():
    result = split('"note\nmore",b,c\nd,e,f\n')
    assert result.errors == ["", ""] and result.rows[0] == ["note\nmore", "b", "c"]
    assert result.numbers == [2, 3] and result.lines == [2, 4]


def test_describe_lines_shortens_long_lists():
    assert describe_lines([5, 3, 4, 9]) == "3-5, 9"
    assert describe_lines([]) == ""


def _fuzzed_csv(rng: random.Random) -> str:
    """A small CSV with quotes, delimiters and line breaks sprinkled in at random."""
    rows = ["id,name,amount,note"]
    for i in range(rng.randint(0, 25)):
        cells = [f"O{i}", rng.choice(["Ann", "Bo", ""]), str(rng.randint(0, 999)), rng.choice(["x", "", "a b"])]
        line = ",".join(cells)
        for _ in range(rng.randint(0, 2)):
            at = rng.randint(0, len(line))
            line = line[:at] + rng.choice(['"', ",", "\n", '""', "\r\n", " "]) + line[at:]
        rows.append(line)
    return "\n".join(rows) + rng.choice(["", "\n", "\n\n"])


def test_fuzz_every_line_is_accounted_for():
    rng = random.Random(12)
    for _ in range(500):
        text = _fuzzed_csv(rng)
        body = io.StringIO(text, newline="")
        body.readline()  # the header
        result = split_records(body, ",", width=4, first_line=2, max_cell_chars=1000)
        numbers = sorted(result.numbers + result.blank)
        # every record (row, quarantined line or blank line) has its own spreadsheet row: none lost
        assert numbers == list(range(2, 2 + len(numbers))), text
        physical = io.StringIO(text, newline="").readlines()[1:]
        assert len(physical) >= len(numbers), text
        # a clean whole row (no quote that could close an open cell) always starts its own record
        starts = set(result.lines)
        for number, line in enumerate(physical, start=2):
            if '"' not in line and line.count(",") == 3 and all(line.rstrip("\r\n").split(",")):
                assert number in starts, (number, text)


def test_fuzz_reader_matches_the_careful_split(tmp_path):
    rng = random.Random(7)
    path = tmp_path / "opportunities.csv"
    for _ in range(60):
        text = _fuzzed_csv(rng)
        path.write_text(text, encoding="utf-8", newline="")
        frame = read_csv_text(path, delimiter=",")
        body = io.StringIO(text, newline="")
        body.readline()
        result = split_records(body, ",", width=4, first_line=2, max_cell_chars=10**6)
        kept = [n for n, fields, error in zip(result.numbers, result.rows, result.errors)
                if error or any(f.strip() for f in fields)]
        assert frame.index.tolist() == kept, text
