"""Print every requirement pinned to its floor (`name>=X,<Y` → `name==X`; `name==X` stays), for the job that tests the floors.

Usage: python scripts/requirement_floors.py requirements-dev.txt > floors.txt; pip install -r floors.txt
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

FLOOR = re.compile(r"^\s*([A-Za-z0-9_.\-\[\]]+)\s*[>=]=\s*([^,;\s]+)")


def floors(path: Path) -> list[str]:
    """Return `name==floor` for every requirement with a floor in path and in the files it includes (-r)."""
    pinned: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line.startswith("-r "):
            pinned += floors(path.parent / line[3:].strip())
        elif found := FLOOR.match(line):
            pinned.append(f"{found.group(1)}=={found.group(2)}")
        elif line:
            sys.exit(f"{path}: '{line}' has no floor (name>=X): give it one so that the floors can be tested.")
    return pinned


if __name__ == "__main__":
    print("\n".join(floors(Path(sys.argv[1] if len(sys.argv) > 1 else "requirements-dev.txt"))))
