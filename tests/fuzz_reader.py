"""Mutated .xlsx, .ods and .csv bytes (Hypothesis) through the reader: only UnreadableFile may come out.

Run by tests/test_hostile_files.py in a child process under an address-space limit; prints a line when done.
"""

from __future__ import annotations

import io
import resource
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programme.core.errors import ProgrammeError
from programme.importing.columns import PARTICIPANT_SYNONYMS
from programme.sheets import read_table
from tests import hostile_files

ADDRESS_SPACE_BYTES = 2 * 2**30
CPU_SECONDS = 120  # a hang in the reader: SIGXCPU ends the child (the whole run takes 2-3 s of CPU)
EXAMPLES = 150
CSV = b'Participants\r\nFull name,Gender,Nationality,E-mail\r\nAna Tan,F,Nepal,ana@example.org\r\n"Rai, Ram",M,NPL,\r\n'
SEEDS = {
    "xlsx": hostile_files.xlsx(hostile_files.sheet_xml(hostile_files.LIST, dimension="A1:C2")),
    "ods": hostile_files.libreoffice_like_ods(),
    "csv": CSV,
}
# Fragments an attacker would splice into a sheet's XML or a CSV.
FRAGMENTS = [
    b'<c r="XFD1048576"><v>1</v></c>',
    b'<c r="A99999999999999"><v>1</v></c>',
    b"<c><v>1</v></c>" * 50,
    b'table:number-columns-repeated="16384" office:value-type="float"',
    b'table:number-rows-repeated="1048576"',
    b"\x00\xff\xfe",
    b'"',
    b"\r\n" * 20,
    b"&#0;",
    b"]]>",
]


def _inner_part(data: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name in ("content.xml", "xl/worksheets/sheet1.xml"):
                return name
    return None


def _rezip(data: bytes, part: str, body: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, body if item.filename == part else source.read(item.filename))
    return buffer.getvalue()


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, cut, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + cut :]
    return data


edit = st.tuples(st.integers(0, 10**6), st.integers(0, 8), st.one_of(st.binary(max_size=6), st.sampled_from(FRAGMENTS)))


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(sorted(SEEDS)),
    inside=st.booleans(),
    edits=st.lists(edit, min_size=1, max_size=6),
    truncate=st.one_of(st.none(), st.integers(0, 4000)),
)
def check_mutated_file(kind: str, inside: bool, edits: list, truncate: int | None) -> None:
    data = SEEDS[kind]
    part = _inner_part(data) if kind != "csv" and inside else None
    if part is not None:  # mutate the XML itself, then pack it again: reaches the scanner and calamine's parser
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            body = archive.read(part)
        data = _rezip(data, part, _mutate(body, edits))
    else:  # mutate the packed bytes: damaged archives, headers and CSV text
        data = _mutate(data, edits)
    if truncate is not None:
        data = data[:truncate]
    try:
        read_table(data, f"list.{kind}", PARTICIPANT_SYNONYMS)
    except ProgrammeError as error:
        message = str(error)
        assert message and "\n" not in message and "Traceback" not in message


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    check_mutated_file()
    print(f"{EXAMPLES} examples passed")
