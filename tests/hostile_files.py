"""Spreadsheets written by hand, byte by byte, as an attacker would: no spreadsheet library in between.

The .xlsx parts follow the smallest SpreadsheetML package of ECMA-376 Part 1 (§12.2: [Content_Types].xml,
the package relationships, workbook.xml with its relationships, one worksheet with inline strings,
§18.3.1.53 `is`); the .ods follows OpenDocument 1.2 Part 1 (§3.3 mimetype first and stored, §9.1 table
rows and cells with table:number-rows-repeated and table:number-columns-repeated).
"""

from __future__ import annotations

import io
import re
import zipfile

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Participants" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
# A participant list any import recognises: its header and one person.
LIST = [("A1", "Full name"), ("B1", "Gender"), ("C1", "Nationality"), ("A2", "Ana Tan"), ("B2", "F"), ("C2", "Nepal")]


def sheet_xml(cells: list[tuple[str, str]], dimension: str | None = None, padding: bytes = b"") -> bytes:
    """Return a worksheet part holding cells [(reference, text)], in rows as Excel orders them."""
    rows: dict[int, list[str]] = {}
    for reference, text in cells:
        row = int(re.sub("[A-Z]", "", reference))
        rows.setdefault(row, []).append(f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>')
    body = "".join(f'<row r="{row}">{"".join(parts)}</row>' for row, parts in sorted(rows.items()))
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{declared}'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode() + padding


def xlsx(sheet: bytes) -> bytes:
    """Return an .xlsx package around one worksheet part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def far_cell_xlsx() -> bytes:
    """The list plus one cell at XFD1048576, Excel's last cell (about 1.6 KB)."""
    return xlsx(sheet_xml([*LIST, ("XFD1048576", "x")], dimension="A1:XFD1048576"))


def zip_bomb_xlsx(unpacked_mb: int = 100) -> bytes:
    """The list whose worksheet part is padded with blanks to unpacked_mb MB, packing about 1000 to 1."""
    return xlsx(sheet_xml(LIST, padding=b" " * (unpacked_mb * 2**20)))


def _ods_cell(text: str, repeat: int = 1) -> str:
    return (
        f'<table:table-cell table:number-columns-repeated="{repeat}" office:value-type="string">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def ods(rows_xml: str) -> bytes:
    """Return an .ods package whose one table holds rows_xml."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Participants">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _ods_list_rows(trailing_empty: int) -> str:
    empty = f'<table:table-cell table:number-columns-repeated="{trailing_empty}"/>' if trailing_empty else ""
    header = "".join(_ods_cell(text) for text in ("Full name", "Gender", "Nationality"))
    person = "".join(_ods_cell(text) for text in ("Ana Tan", "F", "Nepal"))
    return f"<table:table-row>{header}{empty}</table:table-row><table:table-row>{person}{empty}</table:table-row>"


def repeated_cells_ods() -> bytes:
    """The list, then a row of 2,000 repeated filled cells repeated 100,000 times (200 million cells; < 1 KB)."""
    return ods(
        _ods_list_rows(0)
        + f'<table:table-row table:number-rows-repeated="100000">{_ods_cell("x", 2000)}</table:table-row>'
    )


def libreoffice_like_ods() -> bytes:
    """The list as LibreOffice saves it: empty cells and rows repeated to the sheet's edge (1,024 × 1,048,576)."""
    empty_row = '<table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    return ods(_ods_list_rows(1021) + empty_row)
