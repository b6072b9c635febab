"""Hostile inputs for reading: broken quotes, huge cells and headers, sparse and expanding files, links.

Each case starts from the small valid sample (``write_sample(folder, n_reps=6, months=6,
seed=1)``) and breaks one file. ``tests/io/test_io_hostile.py`` builds each case and
asserts its expected outcome.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.hostile import HostileCase, register

#: Line (1-based, header = 1) of opportunities.csv that the quote cases break.
BROKEN_LINE = 51
#: Column position (0-based) of lost_reason in the sample's opportunities.csv.
LOST_REASON = 12


_BASE: list[Path] = []


def write_base(folder: Path) -> None:
    """The small valid sample all cases start from (written once per process, then copied)."""
    import shutil
    import tempfile

    from workbench.sample import write_sample

    if not _BASE:
        import atexit

        base = Path(tempfile.mkdtemp(prefix="hostile-io-base-"))
        atexit.register(shutil.rmtree, base, ignore_errors=True)
        write_sample(base, n_reps=6, months=6, seed=1)
        _BASE.append(base)
    shutil.copytree(_BASE[0], folder, dirs_exist_ok=True)


def _edit_opportunities(folder: Path, edit) -> None:
    write_base(folder)
    path = folder / "opportunities.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = edit(lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _set_cell(line: str, position: int, value: str) -> str:
    cells = line.split(",")
    cells[position] = value
    return ",".join(cells)


def _unclosed_quote(folder: Path) -> None:
    def edit(lines):
        lines[BROKEN_LINE - 1] = _set_cell(lines[BROKEN_LINE - 1], LOST_REASON, '"price')
        return lines
    _edit_opportunities(folder, edit)


def _unclosed_quote_then_quoted_cell(folder: Path) -> None:
    def edit(lines):
        lines[BROKEN_LINE - 1] = _set_cell(lines[BROKEN_LINE - 1], LOST_REASON, '"price')
        lines[BROKEN_LINE + 1] = _set_cell(lines[BROKEN_LINE + 1], LOST_REASON, '"budget, timing"')
        return lines
    _edit_opportunities(folder, edit)


def _early_unclosed_quote_long_file(folder: Path) -> None:
    def edit(lines):
        body = lines[1:]
        opened = _set_cell(body[3], LOST_REASON, '"price')
        # 1,697 data lines, as in the report: the quote opens on line 5
        long_body = [body[i % len(body)] for i in range(1697)]
        long_body = [line if i < len(body) else _set_cell(line, 0, f"{line.split(',')[0]}-{i}")
                     for i, line in enumerate(long_body)]
        long_body[3] = _set_cell(opened, 0, "OPENQ")
        return [lines[0]] + long_body
    _edit_opportunities(folder, edit)


def _huge_cell_and_ragged_row(folder: Path) -> None:
    def edit(lines):
        lines[BROKEN_LINE - 1] = _set_cell(lines[BROKEN_LINE - 1], LOST_REASON, "x" * 200_000)
        lines[BROKEN_LINE + 9] += ",extra"
        return lines
    _edit_opportunities(folder, edit)


def _cell_over_limit(folder: Path) -> None:
    def edit(lines):
        lines[BROKEN_LINE - 1] = _set_cell(lines[BROKEN_LINE - 1], LOST_REASON, "x" * 1_200_000)
        return lines
    _edit_opportunities(folder, edit)


def _multiline_notes(folder: Path) -> None:
    def edit(lines):
        lines[BROKEN_LINE - 1] = _set_cell(lines[BROKEN_LINE - 1], LOST_REASON, '"price\ncalled twice, no answer"')
        return lines
    _edit_opportunities(folder, edit)


def _wide_header(n_columns: int):
    def write(folder: Path) -> None:
        write_base(folder)
        path = folder / "opportunities.csv"
        lines = path.read_text(encoding="utf-8").splitlines()
        extra = "," + ",".join(f"c{i}" for i in range(n_columns - 14))
        path.write_text("\n".join([lines[0] + extra] + lines[1:]) + "\n", encoding="utf-8")
    return write


def _sparse_gigabyte(folder: Path) -> None:
    write_base(folder)
    path = folder / "activities.csv"
    header = "activity_id,rep_id,opportunity_id,account_id,type,at\n"
    path.write_text(header, encoding="utf-8")
    (folder / "activities.parquet").unlink(missing_ok=True)
    with open(path, "r+b") as handle:
        handle.truncate(1 << 30)  # a sparse file: 1 GiB of NUL bytes that take no disk


def _expanding_xlsx(folder: Path) -> None:
    """An activities.xlsx of ~1 MB whose sheet expands to 1,048,575 rows (hundreds of MB of XML)."""
    write_base(folder)
    (folder / "activities.parquet").unlink(missing_ok=True)
    header = ["activity_id", "rep_id", "opportunity_id", "account_id", "type", "at"]
    row = ["A1", "R001", "OP000001", "ACC000001", "call", "2026-03-05 10:00"] + ["padding"] * 8
    cell = '<c t="inlineStr"><is><t>{}</t></is></c>'
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    with zipfile.ZipFile(folder / "activities.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            f'"/xl/workbook.xml" ContentType="{types}.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            f'sheet1.xml" ContentType="{types}.worksheet+xml"/></Types>'))
        archive.writestr("_rels/.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}">'
                         f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} '
                         f'xmlns:r="{rel}"><sheets><sheet name="activities" sheetId="1" r:id="rId1"/></sheets>'
                         '</workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<?xml version="1.0" encoding="UTF-8"?><Relationships '
                         f'xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet" '
                         'Target="worksheets/sheet1.xml"/></Relationships>')
        n_rows = 1_048_575
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write((f'<?xml version="1.0" encoding="UTF-8"?><worksheet {ns}><dimension ref="A1:F{n_rows + 1}"/>'
                         "<sheetData><row>" + "".join(cell.format(h) for h in header) + "</row>").encode())
            block = ("<row>" + "".join(cell.format(v) for v in row) + "</row>").encode() * 10_000
            for _ in range(n_rows // 10_000):
                sheet.write(block)
            sheet.write(block[: len(block) // 10_000 * (n_rows % 10_000)] + b"</sheetData></worksheet>")


def _extra_field_in_first_row(folder: Path) -> None:
    def edit(lines):
        lines[1] += ",stray"
        return lines
    _edit_opportunities(folder, edit)


def _duplicate_amount(folder: Path) -> None:
    def edit(lines):
        return [line + "," + line.split(",")[8] for line in lines]
    _edit_opportunities(folder, edit)


#: First line of the file outside the data folder that the link case points to.
SECRET = "root:x:0:0:SECRET-FIRST-LINE"


def _symlink_outside(folder: Path) -> None:
    write_base(folder)
    outside = folder.parent / f"{folder.name}-outside"
    outside.mkdir(exist_ok=True)
    target = outside / "passwd"
    target.write_text(SECRET + "\nsecond line\n", encoding="utf-8")
    (folder / "opportunities.csv").unlink()
    (folder / "opportunities.csv").symlink_to(target)


def _symlink_inside(folder: Path) -> None:
    write_base(folder)
    (folder / "archive").mkdir()
    (folder / "opportunities.csv").rename(folder / "archive" / "opportunities-2026.csv")
    (folder / "opportunities.csv").symlink_to(Path("archive") / "opportunities-2026.csv")


def _blank_lines_and_banner(folder: Path) -> None:
    def edit(lines):
        return ["Opportunities export,,", "generated 2026-03-05,,", ""] + lines[:20] + ["", ",,,,"] + lines[20:]
    _edit_opportunities(folder, edit)


for _case in [
    HostileCase("csv-unclosed-quote", "io", _unclosed_quote,
                f"opportunities line {BROKEN_LINE} is quarantined as an unbalanced quote; every other line loads "
                "(rows read = data lines)"),
    HostileCase("csv-unclosed-quote-then-quoted-cell", "io", _unclosed_quote_then_quoted_cell,
                f"line {BROKEN_LINE} is quarantined as an unbalanced quote; the deal two lines below loads with its "
                "own lost_reason (no deal ends up inside another's cell)"),
    HostileCase("csv-early-unclosed-quote-1697-lines", "io", _early_unclosed_quote_long_file,
                "1,697 data lines: 1,697 rows read, 1,696 loaded, line 5 quarantined as an unbalanced quote"),
    HostileCase("csv-200k-character-cell", "io", _huge_cell_and_ragged_row,
                "the 200,000-character cell loads; the row with an extra field is quarantined; validate does not "
                "crash on the csv field limit"),
    HostileCase("csv-cell-over-limit", "io", _cell_over_limit,
                f"the row holding a 1,200,000-character cell (line {BROKEN_LINE}) is quarantined, naming "
                "max_cell_chars; the rest loads"),
    HostileCase("csv-extra-field-in-first-row", "io", _extra_field_in_first_row,
                "the first data row (line 2) is quarantined for its 15th field; the other rows load unshifted"),
    HostileCase("csv-multiline-note", "io", _multiline_notes,
                "a quoted lost_reason spanning two lines is one row; nothing is quarantined"),
    HostileCase("csv-200k-columns", "io", _wide_header(200_000),
                "refused at once with a DataError naming the file and max_columns (no std::bad_alloc)"),
    HostileCase("csv-20k-columns", "io", _wide_header(20_000),
                "refused at once with a DataError naming the file and max_columns"),
    HostileCase("csv-sparse-1gib", "io", _sparse_gigabyte,
                "refused at once with a DataError: NUL bytes, not a text table (no 5 GB read)"),
    HostileCase("xlsx-expands-to-1m-rows", "io", _expanding_xlsx,
                "refused before reading with a DataError naming max_xlsx_expanded_bytes"),
    HostileCase("csv-duplicate-amount-column", "io", _duplicate_amount,
                "refused with a DataError naming opportunities.csv and the column 'amount' (no silent amount.1)"),
    HostileCase("symlink-outside-data-folder", "io", _symlink_outside,
                "refused with a DataError naming the link; the target's content is never printed"),
    HostileCase("symlink-inside-data-folder", "io", _symlink_inside,
                "a link to a file inside the data folder loads like the file"),
    HostileCase("csv-banner-and-blank-lines", "io", _blank_lines_and_banner,
                "banner and blank lines are listed as skipped in the report; every data line loads"),
]:
    register(_case)
