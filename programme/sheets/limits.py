"""What a file may hold before it is read: a hostile or careless file is refused in one sentence, not read.

calamine, the spreadsheet reader, builds a dense grid from the first to the last cell it finds, whatever
lies between, and a Rust allocation failure aborts the whole process (the web server with it): one cell at
XFD1048576 asks for 550 GB. So, before calamine sees a file, the zip members are unpacked as a stream (never
whole) and counted: their unpacked size, and the furthest row and column any cell or repeated cell reaches.
A sheet's declared <dimension> is not trusted or needed: calamine sizes its grid from the cells themselves.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

from programme.core.errors import UnreadableFile

# The largest file read at all (the page's own upload limit, .streamlit/config.toml, is lower): a list of
# a million participants as CSV is about 100 MB.
MAX_FILE_BYTES = 256 * 1024 * 1024
# Excel's own last row: no spreadsheet program can hold a longer list.
MAX_ROWS = 1_048_576
# Participant lists have 10-40 columns and evaluation exports one per question; 1,000 leaves room for both.
MAX_COLUMNS = 1_000
# Cells in the grid a sheet is read into (rows × columns, empty ones included): calamine keeps each in
# about 32 bytes, so 20 million cells stay under about 650 MB (a million rows of 20 columns).
MAX_CELLS = 20_000_000
# Unpacked size of all the parts of an .xlsx/.ods together: a million-row sheet's XML is about 300 MB.
MAX_UNPACKED_BYTES = 768 * 1024 * 1024
# Unpacked size ÷ packed size of one part: spreadsheets' XML packs 5-30 times, a zip bomb thousands of
# times. Parts smaller than RATIO_FLOOR_BYTES unpacked are not judged by ratio (tiny parts pack oddly).
MAX_PACKING_RATIO = 200
RATIO_FLOOR_BYTES = 16 * 1024 * 1024
# Unpacked bytes scanned per step: memory for the scan is bounded by this, not by the part.
CHUNK_BYTES = 1024 * 1024
# A tag longer than this is not a spreadsheet's: the scan keeps at most this much between steps.
MAX_TAG_BYTES = 64 * 1024

_TOO_BIG = (
    "The file is too large to read: {what} (at most {limit}); split the list or remove what lies outside it, "
    "such as cells far below or to the right of the list."
)


@dataclass
class Extent:
    """How far a sheet's cells reach: its last row and column (1-based) and how many cells it holds."""

    rows: int = 0
    columns: int = 0
    cells: int = 0


def check_size(data: bytes) -> None:
    """Refuse a file larger than MAX_FILE_BYTES."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(_TOO_BIG.format(what=f"{len(data) // 2**20:,} MB", limit=f"{MAX_FILE_BYTES // 2**20} MB"))


def check_extent(extent: Extent, sheet: str | None = None) -> None:
    """Refuse a sheet reaching beyond MAX_ROWS, MAX_COLUMNS or MAX_CELLS."""
    where = f" in sheet '{sheet}'" if sheet else ""
    if extent.rows > MAX_ROWS:
        raise UnreadableFile(_TOO_BIG.format(what=f"cells reach row {extent.rows:,}{where}", limit=f"{MAX_ROWS:,}"))
    if extent.columns > MAX_COLUMNS:
        what = f"cells reach column {extent.columns:,}{where}"
        raise UnreadableFile(_TOO_BIG.format(what=what, limit=f"{MAX_COLUMNS:,} columns"))
    grid = extent.rows * extent.columns
    if grid > MAX_CELLS or extent.cells > MAX_CELLS:
        what = f"{max(grid, extent.cells):,} cells{where}"
        raise UnreadableFile(_TOO_BIG.format(what=what, limit=f"{MAX_CELLS:,} cells"))


def check_workbook(data: bytes) -> None:
    """Refuse a zip-based workbook (.xlsx, .xlsm, .xlsb, .ods) that would unpack or spread too far to read.

    Files that are not zip archives (.xls, or a damaged file) are left to the reader, which refuses them.
    """
    check_size(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    with archive:
        try:
            members = archive.infolist()
        except Exception:  # noqa: BLE001 - a damaged directory is the reader's to refuse
            return
        declared = sum(max(member.file_size, 0) for member in members)
        if declared > MAX_UNPACKED_BYTES:
            raise UnreadableFile(_unpacked_message(declared))
        unpacked = 0
        for member in members:
            scanner = _scanner_for(member.filename)
            size = 0
            for chunk in _unpack(archive, member):
                size += len(chunk)
                unpacked += len(chunk)
                if unpacked > MAX_UNPACKED_BYTES:
                    raise UnreadableFile(_unpacked_message(unpacked))
                if size > RATIO_FLOOR_BYTES and size > MAX_PACKING_RATIO * max(member.compress_size, 1):
                    raise UnreadableFile(
                        "The file unpacks to far more than it holds (a 'zip bomb'); it cannot be read."
                    )
                if scanner is not None:
                    scanner.feed(chunk)
            if scanner is not None:
                check_extent(scanner.finish())


def _unpacked_message(size: int) -> str:
    return _TOO_BIG.format(what=f"it unpacks to over {size // 2**20:,} MB", limit=f"{MAX_UNPACKED_BYTES // 2**20} MB")


def _unpack(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(CHUNK_BYTES):
                yield chunk
    except UnreadableFile:
        raise
    except Exception:  # noqa: BLE001 - a damaged or encrypted part: the reader refuses the file in its words
        return


def _scanner_for(name: str) -> _XlsxScanner | _OdsScanner | None:
    lowered = name.lower()
    if lowered.startswith("xl/worksheets/") and lowered.endswith(".xml"):
        return _XlsxScanner()
    if lowered == "content.xml":
        return _OdsScanner()
    return None


# An .xlsx cell: <c r="XFD1048576" ...> (its reference) or a <c> without one, placed after the one before.
_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s>/])([^>]*)>")
_REFERENCE = re.compile(rb'\br\s*=\s*("[^"]*"|\'[^\']*\')')
_PLAIN_REFERENCE = re.compile(rb"\s*([A-Za-z]+)(\d+)\s*")
_ROW = re.compile(rb"<(?:\w+:)?row(?=[\s>/])([^>]*)>")
_ROW_NUMBER = re.compile(rb'\br\s*=\s*["\']\s*(\d+)')
# What every writer seen so far writes; anything else (below) sends a chunk down the slow, general path.
_FAST_COLUMN = re.compile(rb'<c r="([A-Za-z]+)')
_FAST_ROW = re.compile(rb'<c r="[A-Za-z]+(\d+)"')
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.-]*:c[\s>/]")


def column_number(letters: bytes) -> int:
    """Return the 1-based column of letters such as b"A" (1) or b"XFD" (16,384)."""
    number = 0
    for letter in letters.upper()[:8]:  # eight letters already pass any limit
        number = number * 26 + (letter - 64)
    return number


class _XlsxScanner:
    """Follows a worksheet's XML as it streams past and records how far its cells reach."""

    def __init__(self) -> None:
        self.extent = Extent()
        self.rows_seen = 0
        self.unplaced = 0  # cells without a reference: calamine puts each after the previous one
        self.tail = b""

    def feed(self, chunk: bytes) -> None:
        text = self.tail + chunk
        cut = text.rfind(b"<")
        if cut < 0 or len(text) - cut > MAX_TAG_BYTES:
            cut = len(text)
        self._scan(text[:cut])
        self.tail = text[cut:]

    def _scan(self, text: bytes) -> None:
        extent = self.extent
        cells = text.count(b"<c")  # also counts <col>, <cfRule>...: such a chunk takes the slow path
        placed = text.count(b'<c r="')
        # A prefixed cell tag holds ":c": the expression is run only on a chunk that has one (it is slower to search).
        if cells != placed or (b":c" in text and _PREFIXED_CELL.search(text)):
            self._scan_slowly(text)  # prefixed tags, cells without a reference or with it after other attributes
            return
        # Every cell is <c r="LETTERS DIGITS"...>: two C-speed searches, no Python per cell.
        extent.cells += cells
        self.rows_seen += text.count(b"<row")
        letters = set(_FAST_COLUMN.findall(text))
        if letters:
            extent.columns = max(extent.columns, max(column_number(column) for column in letters))
        rows = _FAST_ROW.findall(text)
        if len(rows) != cells:  # a reference that is not plain letters and digits
            extent.cells -= cells
            self.rows_seen -= text.count(b"<row")
            self._scan_slowly(text)
            return
        if rows:
            extent.rows = max(extent.rows, max(map(_bounded, set(rows))))

    def _scan_slowly(self, text: bytes) -> None:
        extent = self.extent
        for match in _ROW.finditer(text):
            self.rows_seen += 1
            number = _ROW_NUMBER.search(match.group(1))
            if number:
                extent.rows = max(extent.rows, _bounded(number.group(1)))
        for match in _CELL.finditer(text):
            extent.cells += 1
            attribute = _REFERENCE.search(match.group(1))
            if attribute is None:
                self.unplaced += 1
                continue
            reference = _PLAIN_REFERENCE.fullmatch(attribute.group(1)[1:-1])
            if reference is None:  # escaped or odd: where calamine would put the cell is not certain
                raise UnreadableFile("The file could not be read as a spreadsheet: a cell's position is unclear.")
            extent.columns = max(extent.columns, column_number(reference.group(1)))
            extent.rows = max(extent.rows, _bounded(reference.group(2)))

    def finish(self) -> Extent:
        self._scan(self.tail)
        self.extent.rows = max(self.extent.rows, self.rows_seen)
        self.extent.columns += self.unplaced
        return self.extent


def _bounded(digits: bytes) -> int:
    return int(digits[:12])  # twelve digits already pass any limit


_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class _OdsScanner:
    """Follows an .ods content.xml as it streams past, counting repeated rows and cells as calamine expands them.

    Empty cells and rows repeated at the end of a row or table (LibreOffice writes them to the sheet's edge)
    are not expanded by the reader, so only repeats up to the last cell holding something count.
    """

    def __init__(self) -> None:
        # Read as UTF-8 whatever encoding the XML declares (ODF writes UTF-8): calamine does so too, so a declaration
        # the scan cannot follow ("TF-8") must not stop the scan while calamine reads on.
        self.parser = expat.ParserCreate(encoding="UTF-8", namespace_separator=" ")
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.worst = Extent()
        self.repeat_rows = 1
        self.column = self.last_filled = self.filled = 0
        self._new_table()
        self.failed = False

    def _new_table(self) -> None:
        self.row = 0  # rows so far in this table
        self.table = Extent()

    def feed(self, chunk: bytes) -> None:
        if self.failed:
            return
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError:
            # Damaged XML: not read at all. calamine's reader is more lenient than expat, and what it would read on
            # past the damage the scan has not counted.
            raise UnreadableFile("The file could not be read as a spreadsheet: its content is damaged.") from None
        except UnreadableFile:
            raise

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if name == f"{_TABLE} table":
            self._new_table()
        elif name in (f"{_TABLE} table-row",):
            self.repeat_rows = _count(attributes.get(f"{_TABLE} number-rows-repeated"))
            self.column = 0
            self.last_filled = 0
            self.filled = 0
        elif name in (f"{_TABLE} table-cell", f"{_TABLE} covered-table-cell"):
            repeat = _count(attributes.get(f"{_TABLE} number-columns-repeated"))
            self.column += repeat
            if attributes.get(f"{_OFFICE} value-type"):
                self.last_filled = self.column
                self.filled += repeat
                if self.column > MAX_COLUMNS:
                    check_extent(Extent(rows=self.row + 1, columns=self.column))
        elif name.endswith(" p") and self.column and self.last_filled < self.column:
            self.last_filled = self.column  # text in a cell without a value type still shows
            self.filled += 1

    def _end(self, name: str) -> None:
        if name == f"{_TABLE} table-row":
            self.row += self.repeat_rows
            if self.last_filled:
                table = self.table
                table.rows = self.row
                table.columns = max(table.columns, self.last_filled)
                table.cells += self.filled * self.repeat_rows
                check_extent(Extent(rows=table.rows, columns=table.columns, cells=table.cells))
        elif name == f"{_TABLE} table":
            worst = self.worst
            worst.rows, worst.columns = max(worst.rows, self.table.rows), max(worst.columns, self.table.columns)
            worst.cells = max(worst.cells, self.table.cells)

    def finish(self) -> Extent:
        if not self.failed:
            try:
                self.parser.Parse(b"", True)
            except expat.ExpatError:
                pass
        return self.worst


def _count(text: str | None) -> int:
    if not text:
        return 1
    digits = text.strip()[:12]
    return max(int(digits), 1) if digits.isdigit() else 1
