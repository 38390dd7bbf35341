"""The hidden columns of an .xlsx workbook's sheets: read from each sheet's <cols> (calamine does not say)."""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile

# Attributes of a tag: name="value" (or 'value'), a namespace prefix allowed (r:id).
_ATTRIBUTE = re.compile(r"""([\w:]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b([^>]*)/?>")
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)/?>")
_COL = re.compile(r"<(?:\w+:)?col\b([^>]*)/?>")
# The <cols> element comes before <sheetData>: only the sheet's start is read.
HEAD_BYTES = 256 * 1024


def _attributes(text: str) -> dict[str, str]:
    return {name.split(":")[-1]: html.unescape(a if a else b) for name, a, b in _ATTRIBUTE.findall(text)}


def hidden_columns(data: bytes) -> dict[str, set[int]]:
    """Return {sheet name: the 0-based indexes of its hidden columns}; {} for a file that is not an .xlsx."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            relations = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
            targets = {
                found["Id"]: found["Target"]
                for found in map(_attributes, _RELATIONSHIP.findall(relations))
                if "Id" in found and "Target" in found
            }
            hidden: dict[str, set[int]] = {}
            for sheet in map(_attributes, _SHEET.findall(workbook)):
                target = targets.get(sheet.get("id", ""))
                if not target or "name" not in sheet:
                    continue
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                with archive.open(path) as stream:
                    head = stream.read(HEAD_BYTES).decode("utf-8", "replace").split("<sheetData", 1)[0]
                columns: set[int] = set()
                for col in map(_attributes, _COL.findall(head)):
                    if col.get("hidden") in ("1", "true") and col.get("min", "").isdigit():
                        low = int(col["min"])
                        high = int(col["max"]) if col.get("max", "").isdigit() else low
                        columns.update(range(low - 1, min(high, low + 16_384)))
                if columns:
                    hidden[sheet["name"]] = columns
            return hidden
    except Exception:  # noqa: BLE001 - a damaged or encrypted part: the reader refuses the file in its own words
        return {}
