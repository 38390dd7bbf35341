"""A workbook parsed by calamine in a child process, while the server's process scans it (limits.check_workbook).

calamine releases Python's lock while it parses, but it must never see a file the scan has not passed in the
server's own process: a grid it cannot allocate aborts that process (see limits.py). A child process may parse
before the scan ends: its memory is capped (RLIMIT_AS) and its death harms nothing. The parent reads the child's
rows only once the scan has passed, and a child that died gives "could not be read" (reader.py).

This file is also the child's script, run by path with the interpreter's isolated mode (`python -I`): it imports
only the standard library and python_calamine (from where the parent found it), never the application. The cells' text is made here (cell_text),
by the same function the reader uses in its own process, so both give the same text.

The conversation, over the child's standard input and output:
- in: 8 bytes (big-endian length), then the file's bytes; for a workbook of several sheets, later a line with the
  index of the sheet whose remaining rows are wanted;
- out: frames of 8 bytes (length) and a marshal'd tuple: ("sheets", count); for each sheet ("sheet", name, height,
  width, its first rows, whether they are all); then the remaining rows of one sheet, ("rows", [...]) frames and
  ("end",). A failure of calamine anywhere: ("error",) and exit. Every row is a list of text, blank rows included.
"""

from __future__ import annotations

import io
import itertools
import marshal
import sys
import unicodedata
from datetime import date, datetime, time

# Rows sent in one frame.
ROWS_PER_FRAME = 4_000
LENGTH_BYTES = 8


def cell_text(value: object) -> str:
    """Return a cell as the reader keeps it: stripped text in NFC, whole numbers without ".0", dates in ISO form."""
    if type(value) is str:  # most cells: text, and ASCII text is already NFC
        return value.strip() if value.isascii() else unicodedata.normalize("NFC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # noqa: PLR0124 - NaN
            return ""
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def row_texts(rows: object) -> object:
    """Yield each row of calamine's iter_rows() as a list of cell_text (its commonest case, ASCII text, spelt out)."""
    for row in rows:  # type: ignore[attr-defined]
        yield [cell.strip() if type(cell) is str and cell.isascii() else cell_text(cell) for cell in row]


def _send(out: io.BufferedWriter, message: tuple) -> None:
    payload = marshal.dumps(message)
    out.write(len(payload).to_bytes(LENGTH_BYTES, "big"))
    out.write(payload)


def _read_exactly(stream: io.BufferedReader, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise EOFError
    return data


def _limit_memory(limit_bytes: int) -> None:
    try:
        import resource  # Unix only
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:  # a lower limit set on the server itself stays
        limit_bytes = min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # an abort leaves no core file


def main(top_rows: int, limit_bytes: int, library: str | None = None) -> int:
    _limit_memory(limit_bytes)
    if library and library not in sys.path:  # where the parent found python_calamine (isolated mode ignores PYTHONPATH)
        sys.path.append(library)
    import python_calamine  # after the limit

    source, out = sys.stdin.buffer, sys.stdout.buffer
    try:
        data = _read_exactly(source, int.from_bytes(_read_exactly(source, LENGTH_BYTES), "big"))
    except EOFError:
        return 1
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
        _send(out, ("sheets", len(names)))
        kept = None  # the largest sheet's grid is kept for its remaining rows; another is parsed again
        for index, name in enumerate(names):
            sheet = workbook.get_sheet_by_name(name)
            rows = row_texts(sheet.iter_rows())
            top = list(itertools.islice(rows, top_rows))
            whole = len(top) < top_rows or next(rows, None) is None
            _send(out, ("sheet", name, sheet.height, sheet.width, top, whole))
            out.flush()
            if kept is None or sheet.height * sheet.width > kept[1].height * kept[1].width:
                kept = (index, sheet)
            del rows, sheet
        if len(names) == 1:
            wanted = 0
        else:
            line = source.readline().strip()
            if not line.isdigit():
                return 0
            wanted = int(line)
        sheet = kept[1] if kept is not None and kept[0] == wanted else workbook.get_sheet_by_name(names[wanted])
        del kept
        frame = []
        for offset, row in enumerate(row_texts(sheet.iter_rows())):
            if offset < top_rows:
                continue
            frame.append(row)
            if len(frame) == ROWS_PER_FRAME:
                _send(out, ("rows", frame))
                frame = []
        if frame:
            _send(out, ("rows", frame))
        _send(out, ("end",))
        out.flush()
    except BrokenPipeError:
        return 1
    except BaseException:  # noqa: BLE001 - calamine's errors and panics (pyo3 PanicException) alike
        try:
            _send(out, ("error",))
            out.flush()
        except OSError:
            pass
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else None))
