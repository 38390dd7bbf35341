"""Reads .xlsx/.xls/.ods/.csv lists as they come: title rows, odd headers, several sheets."""

from __future__ import annotations

import array
import codecs
import csv
import io
import itertools
import marshal
import subprocess
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import PurePath
from typing import Any

import pandas as pd
import pyarrow as pa
import python_calamine

from programme.core.collector import collector_paused
from programme.core.errors import NoHeaderRow, UnreadableFile
from programme.sheets import calamine_child, limits
from programme.sheets.calamine_child import cell_text as _cell_text
from programme.sheets.calamine_child import row_texts
from programme.sheets.hidden import hidden_columns

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
# The header is looked for in this many rows from the top (title rows come first).
HEADER_SEARCH_ROWS = 30
# A row is taken as the header only when at least this many of its cells are known column names.
MIN_HEADER_MATCHES = 2
# Rows turned into a frame at a time: the rows' lists are freed chunk by chunk (limits.py bounds the file).
ROWS_PER_CHUNK = 50_000


@dataclass
class SheetTable:
    """The list found in a file: its sheet, header row, and rows as text with their spreadsheet numbers."""

    sheet: str
    header_row: int  # 1-based, as the spreadsheet shows it
    columns: list[str]
    frame: pd.DataFrame  # one column per header cell, all values as stripped text ('' when blank)
    row_numbers: list[int]  # the spreadsheet row of each frame row (1-based; for CSV the header is row 1)
    # The workbook's other sheets that have a header row too: they are not read (one list per file).
    other_sheets: list[str] = dataclass_field(default_factory=list)
    # The columns hidden in the workbook (an .xlsx's own setting): read like the others, though nobody sees them.
    hidden_columns: list[str] = dataclass_field(default_factory=list)
    # The rows above the header (at most HEADER_SEARCH_ROWS), as text: a report's own lines, such as the meeting's row
    # above a Zoom meeting's participants ("Export with meeting data"), read by the tool's profile.
    above: list[list[str]] = dataclass_field(default_factory=list)
    # The second header row's cell of each column, when the header had two rows (SurveyMonkey's sub-labels: a choice's
    # label, "Response", "Open-Ended Response"), in the order of columns; empty for a one-row header.
    sub_labels: list[str] = dataclass_field(default_factory=list)


def header_key(text: object) -> str:
    """Return a column name without case, accents, spaces or punctuation: "E-mail address" → "emailaddress"."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def map_columns(columns: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """Return {field: column} for each field whose synonym (compared by header_key) names a column."""
    keys = {header_key(column): column for column in reversed(columns) if str(column).strip()}
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field, names in synonyms.items():
        for name in [field, *names]:
            column = keys.get(header_key(name))
            if column is not None and column not in taken:
                mapping[field] = column
                taken.add(column)
                break
    return mapping


def _csv_encoding(data: bytes) -> str:
    """Return "utf-16" when the file starts with a UTF-16 byte order mark (little- or big-endian: Microsoft Teams'
    attendance report, Excel's "Unicode Text"), else "utf-8-sig" when the whole file decodes as UTF-8, else "cp1252";
    UTF-8 is checked a chunk at a time."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the mark for the byte order, and drops it
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), limits.CHUNK_BYTES):
            decoder.decode(view[start : start + limits.CHUNK_BYTES])
        decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp1252"  # cp1252 decodes nearly anything; undefined bytes are replaced below


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    """Yield a CSV's rows as stripped text, decoding as it goes: memory follows one row, not the file."""
    limits.check_size(data)
    encoding = _csv_encoding(data)
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")
    dialect = _dialect(text.read(4096))
    text.seek(0)
    try:
        for row in csv.reader(text, dialect):
            yield [_cell_text(cell) for cell in row]
    except csv.Error as error:
        raise UnreadableFile(f"The CSV file could not be read ({error}); check its quotes and separators.") from None


def _dialect(sample: str) -> type[csv.Dialect]:
    """Return the CSV's dialect as the sniffer finds it in its first characters. When it cannot tell (a report of
    sections: Teams' summary of "key<TAB>value" lines, then its people, whose times hold commas), tabs on more lines
    than commas or semicolons make it tab-separated; otherwise comma-separated."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        pass
    lines = [line for line in sample.splitlines() if line.strip()]
    tabs, commas, semicolons = (sum(1 for line in lines if mark in line) for mark in "\t,;")
    return csv.excel_tab if tabs > max(commas, semicolons) else csv.excel


def _reading_failed(error: BaseException) -> UnreadableFile:
    if isinstance(error, UnreadableFile):
        return error
    return UnreadableFile("The file could not be read as a spreadsheet; it may be damaged or password-protected.")


def _workbook_sources(data: bytes, stack: ExitStack) -> Iterator[tuple[str, Iterator[list[str]]]]:
    """Return (sheet name, its rows) for each sheet, in order; calamine holds one sheet's grid at a time.

    A large workbook is parsed in a child process (_ChildParse) while this process scans it; its rows are read only
    once the scan has passed. The child ends when the stack closes (read_table's end).
    """
    if len(data) >= CHILD_MIN_BYTES:
        child = _ChildParse.start(data)
        if child is not None:
            stack.callback(child.close)
            limits.check_workbook(data)  # meanwhile the child parses; nothing it sends is read before this passes
            return child.sources()
    return _in_process_sources(data)


def _in_process_sources(data: bytes) -> Iterator[tuple[str, Iterator[list[str]]]]:
    limits.check_workbook(data)  # before calamine: a grid it cannot allocate aborts the process
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except BaseException as error:  # calamine panics are BaseException (pyo3 PanicException)
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        raise _reading_failed(error) from None
    for name in names:
        try:
            sheet = workbook.get_sheet_by_name(name)
            limits.check_extent(limits.Extent(rows=sheet.height, columns=sheet.width), name)
        except BaseException as error:  # a calamine panic, as above
            if isinstance(error, (KeyboardInterrupt, SystemExit)):
                raise
            raise _reading_failed(error) from None
        yield name, _sheet_rows(sheet)


# Workbooks of at least this size are parsed in a child process while this one scans them: below it, the child's
# start-up (about 30 ms) would cost more than the overlap saves.
CHILD_MIN_BYTES = 1024 * 1024
# The child's address space: room for the largest grid the limits allow (MAX_CELLS cells of about 32 bytes, built
# from a list of them) and the file; an allocation beyond it ends the child alone.
CHILD_MEMORY_BYTES = 3 * 1024**3


class _ChildParse:
    """calamine_child.py running on a workbook: its sheets and rows read from its output (see that module)."""

    def __init__(self, process: subprocess.Popen, data: bytes) -> None:
        self.process = process
        self.feeder = threading.Thread(target=self._feed, args=(data,), name="calamine-child-input", daemon=True)
        self.feeder.start()

    @classmethod
    def start(cls, data: bytes) -> _ChildParse | None:
        """Start the child on data; None when no child can be started (the workbook is then read in this process)."""
        if not sys.executable:
            return None
        library = str(PurePath(python_calamine.__file__).parent.parent)
        command = [
            sys.executable,
            "-I",
            calamine_child.__file__,
            str(HEADER_SEARCH_ROWS),
            str(CHILD_MEMORY_BYTES),
            library,
        ]
        try:
            process = subprocess.Popen(  # our own script, by path, with this interpreter
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, close_fds=True
            )
        except OSError:
            return None
        return cls(process, data)

    def _feed(self, data: bytes) -> None:
        stream = self.process.stdin
        try:
            stream.write(len(data).to_bytes(calamine_child.LENGTH_BYTES, "big"))  # type: ignore[union-attr]
            stream.write(data)  # type: ignore[union-attr]
            stream.flush()  # type: ignore[union-attr]
        except (OSError, ValueError):  # the child ended (or was ended) before reading it all
            pass

    def _message(self) -> tuple:
        """Return the child's next message; a failure or a child that died is the reader's one sentence."""
        stream = self.process.stdout
        try:
            size = int.from_bytes(_exactly(stream, calamine_child.LENGTH_BYTES), "big")
            message = marshal.loads(_exactly(stream, size))
        except (EOFError, ValueError, TypeError, OSError):
            message = ("error",)
        if not isinstance(message, tuple) or not message or message[0] == "error":
            raise _reading_failed(ValueError("the child process failed"))
        return message

    def sources(self) -> Iterator[tuple[str, Iterator[list[str]]]]:
        count = self._expect("sheets")[1]
        for index in range(count):
            _, name, height, width, top, whole = self._expect("sheet")
            limits.check_extent(limits.Extent(rows=height, columns=width), name)
            yield name, itertools.chain(top, () if whole else self._rest(index, count))

    def _expect(self, kind: str) -> tuple:
        message = self._message()
        if message[0] != kind:
            raise _reading_failed(ValueError(f"the child process sent {message[0]!r}, not {kind!r}"))
        return message

    def _rest(self, index: int, count: int) -> Iterator[list[str]]:
        """Yield the sheet's rows after the first ones (asked for by index when the workbook has several sheets)."""
        if count > 1:
            self.feeder.join()
            try:
                self.process.stdin.write(f"{index}\n".encode())  # type: ignore[union-attr]
                self.process.stdin.flush()  # type: ignore[union-attr]
            except OSError:
                pass  # the child died: _message says so
        while (message := self._message())[0] == "rows":
            yield from message[1]
        if message[0] != "end":
            raise _reading_failed(ValueError(f"the child process sent {message[0]!r}"))

    def close(self) -> None:
        """End the child (at once, whatever it is doing) and release its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.feeder.join()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                stream.close()  # type: ignore[union-attr]
            except OSError:
                pass


def _exactly(stream: Any, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def _sheet_rows(sheet: python_calamine.CalamineSheet) -> Iterator[list[str]]:
    try:
        yield from row_texts(sheet.iter_rows())
    except BaseException as error:  # a calamine panic, as above
        if isinstance(error, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _reading_failed(error) from None


def _find_header(
    rows: list[list[str]], known: set[str], header_cell: Callable[[str], bool] | None = None
) -> tuple[int, int]:
    """Return (index of the header row, number of known names in it)."""
    best, best_score = -1, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = sum(1 for cell in row if header_key(cell) in known or (header_cell is not None and header_cell(cell)))
        if score > best_score:
            best, best_score = index, score
    return best, best_score


@collector_paused()
def read_table(
    data: bytes,
    filename: str,
    synonyms: Mapping[str, Sequence[str]],
    *,
    header_cell: Callable[[str], bool] | None = None,
    sub_header: Callable[[list[str], list[str]], list[str] | None] | None = None,
) -> SheetTable:
    """Return the list in a file: the sheet and header row that best match the synonyms, blank rows dropped.

    header_cell, when given, also counts a cell as a column name (for lists whose columns are free-form
    questions, such as evaluation exports); the first best-scoring row wins, so a header beats the rows below.
    """
    suffix = PurePath(filename).suffix.lower()
    if not data:
        raise UnreadableFile("The file is empty.")
    with ExitStack() as stack:  # a child process parsing the workbook ends with it
        return _read_table(data, suffix, synonyms, stack, header_cell=header_cell, sub_header=sub_header)


def _read_table(
    data: bytes,
    suffix: str,
    synonyms: Mapping[str, Sequence[str]],
    stack: ExitStack,
    *,
    header_cell: Callable[[str], bool] | None,
    sub_header: Callable[[list[str], list[str]], list[str] | None] | None,
) -> SheetTable:
    if suffix == ".csv" or suffix == ".txt":
        sources: Iterator[tuple[str, Iterator[list[str]]]] = iter([("CSV", _csv_rows(data))])
    elif suffix in SPREADSHEET_SUFFIXES:
        sources = _workbook_sources(data, stack)
    else:
        raise UnreadableFile(f"Files of type '{suffix or 'unknown'}' cannot be read; use .xlsx, .xls, .ods or .csv.")
    known = {header_key(name) for field, names in synonyms.items() for name in [field, *names]}
    chosen: tuple[str, list[list[str]], Iterator[list[str]]] | None = None
    best_score = -1
    with_header: list[str] = []
    for name, rows in sources:
        top = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
        score = _find_header(top, known, header_cell)[1]
        if score >= MIN_HEADER_MATCHES and any(any(row) for row in top[_find_header(top, known, header_cell)[0] + 1 :]):
            with_header.append(name)
        if score > best_score:  # the first sheet wins a tie, as max() did
            chosen, best_score = (name, top, rows), score
    if chosen is None:
        raise UnreadableFile("The file holds no sheet.")
    name, top, rows = chosen
    header_index, score = _find_header(top, known, header_cell)
    if score < MIN_HEADER_MATCHES:
        raise NoHeaderRow("No header row with recognisable column names was found in the first 30 rows.")
    if sub_header and header_index > 0 and sub_header(top[header_index - 1], top[header_index]) is not None:
        header_index -= 1  # the sub-labels row scored best (a wide matrix): the header is the row above it
    cells = top[header_index]
    merged = sub_header(cells, top[header_index + 1]) if sub_header and header_index + 1 < len(top) else None
    body_start = header_index + (2 if merged else 1)
    header = _unique([cell or f"Column {i + 1}" for i, cell in enumerate(merged or cells)])
    frame, numbers = _body(itertools.chain(top[body_start:], rows), header, first=body_start + 1)
    return SheetTable(
        sheet=name,
        header_row=header_index + 1,
        columns=list(frame.columns),
        frame=frame,
        row_numbers=numbers,
        other_sheets=[other for other in with_header if other != name],
        hidden_columns=(
            [header[index] for index in sorted(hidden_columns(data).get(name, ())) if index < len(header)]
            if suffix in (".xlsx", ".xlsm")
            else []
        ),
        above=[list(row) for row in top[:header_index]],
        sub_labels=[str(cell).strip() for cell in (top[header_index + 1] + [""] * len(header))[: len(header)]]
        if merged
        else [],
    )


def other_sheets_note(table: SheetTable) -> str:
    """Return the warning that a workbook's other sheets, which look like lists too, are not imported."""
    names = ", ".join(f"'{name}'" for name in table.other_sheets)
    many = len(table.other_sheets) > 1
    return (
        f"Only sheet '{table.sheet}' is imported; the workbook's other sheet{'s' if many else ''} {names} "
        f"{'have' if many else 'has'} a list too, not imported. To import {'them' if many else 'it'}, save "
        f"{'each' if many else 'it'} as a file of its own and import that."
    )


def hidden_note(columns: Sequence[str]) -> str:
    """Return the warning that columns read by the import are hidden in the workbook."""
    names = ", ".join(f"'{column}'" for column in columns)
    many = len(columns) > 1
    return (
        f"The column{'s' if many else ''} {names} {'are' if many else 'is'} hidden in the workbook but read by the "
        f"import; unhide {'them' if many else 'it'} in the spreadsheet to check that {'they hold' if many else 'it holds'}"
        " what the list should give (or choose another column)."
    )


def _body(rows: Iterator[list[str]], header: list[str], first: int) -> tuple[pd.DataFrame, list[int]]:
    """Return the non-blank rows as a frame of text, built ROWS_PER_CHUNK rows at a time, and their numbers.

    A table of one chunk keeps its text as Python strings (object columns). A larger one is held as Arrow
    strings (pandas' "str" dtype), chunk by chunk as it is read: a quarter of the memory, the same text.
    """
    width = len(header)
    if width > limits.MAX_COLUMNS:
        limits.check_extent(limits.Extent(rows=first - 1, columns=width))
    chunks: list[pd.DataFrame] = []
    body: list[list[str]] = []
    # The row numbers as machine integers while the rows come: Python ints made among each chunk's short-lived
    # strings would keep the memory of those strings from being reused (made at the end, they lie together).
    numbers = array.array("q")

    def add_chunk() -> None:
        if len(chunks) == 1:  # a second chunk: the table is large
            chunks[0] = chunks[0].astype("str")
        chunks.append(pd.DataFrame(body, columns=header, dtype="str" if chunks else object))

    for offset, row in enumerate(rows, start=first):
        if offset > limits.MAX_ROWS or len(numbers) * width > limits.MAX_CELLS:
            limits.check_extent(limits.Extent(rows=offset, columns=width, cells=(len(numbers) + 1) * width))
        if any(row):
            body.append(row if len(row) == width else (row + [""] * width)[:width])
            numbers.append(offset)
            if len(body) == ROWS_PER_CHUNK:
                add_chunk()
                body = []
    if body or not chunks:
        add_chunk()
    frame = chunks[0] if len(chunks) == 1 else _joined(chunks)
    return frame, numbers.tolist()


def _joined(chunks: list[pd.DataFrame]) -> pd.DataFrame:
    """Return the chunks' rows as one frame, each column's Arrow chunks kept as they are (pd.concat copies them)."""
    columns = {}
    for position in range(chunks[0].shape[1]):
        parts = pa.chunked_array([pa.array(chunk.iloc[:, position]) for chunk in chunks], type=pa.large_string())
        columns[position] = pd.arrays.ArrowStringArray(parts, dtype=chunks[0].dtypes.iloc[position])
    frame = pd.DataFrame(columns, copy=False)
    frame.columns = chunks[0].columns
    return frame


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        count = seen.get(name, 0)
        seen[name] = count + 1
        result.append(name if count == 0 else f"{name} ({count + 1})")
    return result
