"""Spreadsheet readers: XLSX (openpyxl), XLS and WPS ET (xlrd; LibreOffice when xlrd cannot).

Each visible worksheet becomes one page laid out by ``sheets.sheet_page``: the captions above
the table as paragraphs, the table with its merged ranges as spans, notes below it. Formulas
give their cached values. Hidden sheets, rows and columns are skipped (with a warning for
sheets), as a printed notice would not show them.
"""

from __future__ import annotations

import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from extractors.errors import BadInputError, TooLargeError, ToolMissingError
from extractors.readers.doc import DocSettings, convert_with_soffice, find_soffice
from extractors.readers.sheets import SheetGrid, cell_text, sheet_page
from schemas import Page

XLSX_READER_VERSION = "1"
XLS_READER_VERSION = "1"
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # zip-bomb guard, as for DOCX
MAX_CELLS = 2_000_000


def read_xlsx(path: Path) -> tuple[list[Page], list[str]]:
    import openpyxl

    _guard_zip(path)
    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise BadInputError(f"{path.name}: not a readable XLSX workbook: {exc}", code="xlsx.damaged",
                            value=type(exc).__name__, expected="an Office Open XML workbook") from exc
    try:
        grids, warnings = _openpyxl_grids(book, path.name)
    finally:
        book.close()
    return _pages(grids, path.name), warnings


def read_xls(path: Path, settings: DocSettings | None = None) -> tuple[list[Page], list[str]]:
    """Excel 97-2003 / WPS ET binaries: xlrd (merged cells need its formatting info), else LibreOffice."""
    try:
        import xlrd
    except ImportError:
        return _read_via_soffice(path, settings, ["xlrd is not installed: read through LibreOffice"])
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, NotImplementedError, AssertionError, struct.error, IndexError, ValueError) as exc:
        return _read_via_soffice(path, settings, [f"xlrd could not read the workbook ({exc}): read through LibreOffice"])
    try:
        grids, warnings = _xlrd_grids(book, path.name)
    finally:
        book.release_resources()
    return _pages(grids, path.name), warnings


def _pages(grids: list[SheetGrid], name: str) -> list[Page]:
    pages = [p for p in (sheet_page(g, n) for n, g in enumerate(grids, start=1)) if p is not None]
    if not pages:
        raise BadInputError(f"{name}: no worksheet holds any text", code="sheet.empty",
                            value=f"{len(grids)} sheets", expected="a sheet with cells")
    return [p.model_copy(update={"number": i}) if p.number != i else p for i, p in enumerate(pages, start=1)]


def _guard_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise BadInputError(f"{path.name}: damaged zip archive: {exc}", code="xlsx.bad_zip") from exc
    if total > MAX_UNCOMPRESSED:
        raise TooLargeError(f"{path.name}: uncompressed size {total} bytes exceeds {MAX_UNCOMPRESSED} (zip bomb?)",
                            value=str(total), expected=f"<= {MAX_UNCOMPRESSED} bytes uncompressed")


def _check_size(rows: int, cols: int, name: str, sheet: str) -> None:
    if rows * cols > MAX_CELLS:
        raise TooLargeError(f"{name}: sheet {sheet!r} spans {rows} x {cols} cells", value=f"{rows}x{cols}",
                            expected=f"<= {MAX_CELLS} cells per sheet")


def _openpyxl_grids(book: Any, name: str) -> tuple[list[SheetGrid], list[str]]:
    grids: list[SheetGrid] = []
    warnings: list[str] = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            warnings.append(f"{name}: hidden sheet {ws.title!r} skipped")
            continue
        _check_size(ws.max_row, ws.max_column, name, ws.title)
        grid = SheetGrid(name=ws.title)
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    grid.values[(cell.row - 1, cell.column - 1)] = cell_text(cell.value, cell.number_format or "")
        grid.merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        grid.hidden_rows = {i - 1 for i, d in ws.row_dimensions.items() if d.hidden}
        grid.hidden_cols = _hidden_columns(ws)
        grid.header_rows = _print_title_rows(ws.print_title_rows)
        grid.col_widths = _column_widths(ws)
        grids.append(grid)
    return grids, warnings


def _hidden_columns(ws: Any) -> set[int]:
    from openpyxl.utils import column_index_from_string

    out: set[int] = set()
    for key, dim in ws.column_dimensions.items():
        if dim.hidden:
            first = column_index_from_string(key) if dim.min is None else dim.min
            last = first if dim.max is None else dim.max
            out |= set(range(first - 1, last))
    return out


def _column_widths(ws: Any) -> dict[int, float]:
    from openpyxl.utils import column_index_from_string

    widths: dict[int, float] = {}
    for key, dim in ws.column_dimensions.items():
        first = column_index_from_string(key) if dim.min is None else dim.min
        last = first if dim.max is None else dim.max
        for c in range(first, last + 1):
            widths[c - 1] = float(dim.width or 0.0)
    return {c: w if w > 0 else 8.43 for c, w in widths.items()} | {
        c: 8.43 for c in range(ws.max_column) if c not in widths}


def _print_title_rows(spec: str | None) -> set[int]:
    """'1:2' (openpyxl's print_title_rows) → {0, 1}."""
    if not spec:
        return set()
    first, _, last = spec.replace("$", "").partition(":")
    try:
        return set(range(int(first) - 1, int(last or first)))
    except ValueError:
        return set()


def _xlrd_grids(book: Any, name: str) -> tuple[list[SheetGrid], list[str]]:
    import xlrd

    grids: list[SheetGrid] = []
    warnings: list[str] = []
    for index in range(book.nsheets):
        sh = book.sheet_by_index(index)
        if sh.visibility:
            warnings.append(f"{name}: hidden sheet {sh.name!r} skipped")
            continue
        _check_size(sh.nrows, sh.ncols, name, sh.name)
        grid = SheetGrid(name=sh.name)
        for r in range(sh.nrows):
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    continue
                grid.values[(r, c)] = _xlrd_text(book, cell)
        grid.merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
        grid.hidden_rows = {r for r, info in sh.rowinfo_map.items() if info.hidden}
        grid.hidden_cols = {c for c, info in sh.colinfo_map.items() if info.hidden}
        grid.col_widths = {c: float(sh.colinfo_map[c].width if c in sh.colinfo_map else sh.defcolwidth or 2340)
                           for c in range(sh.ncols)}
        grids.append(grid)
    return grids, warnings


def _xlrd_text(book: Any, cell: Any) -> str:
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if cell.xf_index is not None else None
        try:
            return cell_text(xlrd.xldate_as_datetime(cell.value, book.datemode), fmt.format_str if fmt else "")
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell_text(cell.value)
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return cell_text(bool(cell.value))
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return ""
    return cell_text(cell.value)


def _read_via_soffice(path: Path, settings: DocSettings | None, warnings: list[str]) -> tuple[list[Page], list[str]]:
    settings = settings or DocSettings()
    program = find_soffice(settings)
    if program is None:
        raise ToolMissingError(
            f"{path.name}: neither xlrd nor LibreOffice can read this Excel 97-2003 / ET workbook",
            code="xls.reader_missing", value=path.name, expected="pip install xlrd, or soffice on PATH")
    with tempfile.TemporaryDirectory(prefix="qmetl-xls-") as tmp:
        xlsx = convert_with_soffice(path, Path(tmp), program, settings.timeout_s,
                                    target="xlsx:Calc Office Open XML", input_suffix=".xls")
        pages, more = read_xlsx(xlsx)
    return pages, warnings + more
