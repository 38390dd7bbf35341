"""The date where a module is held: a participant's check-in at 07:45 in Kuala Lumpur is that day, not the day
before (UTC), and a form closing "on 5 December" takes submissions until that day ends there.

The module's country names its time zone when all of the country's zones are at one offset from UTC on that day
(the Philippines, Thailand, Malaysia's two, Nepal...). A country spanning several offsets (Indonesia, Australia) and a
module with no country (online) take the computer's own zone: on a facilitator's laptop at the venue, the venue's.
The country's zones are read from the IANA time zone database's zone.tab (the tzdata package, or the system's).
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pycountry

SYSTEM_ZONE_TABLE = Path("/usr/share/zoneinfo/zone.tab")


@lru_cache(maxsize=1)
def _zones_by_country() -> dict[str, tuple[str, ...]]:
    """Return {alpha-2: the country's zone names} from zone.tab ("MY\t+0310+10142\tAsia/Kuala_Lumpur")."""
    try:
        text = resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        text = SYSTEM_ZONE_TABLE.read_text(encoding="utf-8") if SYSTEM_ZONE_TABLE.exists() else ""
    zones: dict[str, list[str]] = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) >= 3 and not line.startswith("#"):
            zones.setdefault(fields[0], []).append(fields[2])
    return {code: tuple(names) for code, names in zones.items()}


def now() -> datetime:
    """Return the present moment, aware, in the computer's zone."""
    return datetime.now().astimezone()


def country_zone(country: str | None, on: datetime | None = None) -> tzinfo | None:
    """Return the time zone of a country (alpha-3) when all its zones are at one offset from UTC (at on, default
    now); else None."""
    found = pycountry.countries.get(alpha_3=country) if country else None
    names = _zones_by_country().get(found.alpha_2, ()) if found else ()
    try:
        zones = [ZoneInfo(name) for name in names]
    except ZoneInfoNotFoundError:
        return None
    moment = on or now()
    if not zones or len({moment.astimezone(zone).utcoffset() for zone in zones}) != 1:
        return None
    return zones[0]


def local_today(country: str | None, at: datetime | None = None) -> date:
    """Return today's date in the country (alpha-3) when its time zone is known, else in the computer's own zone.

    at: an aware moment to take instead of the present."""
    moment = at or now()
    zone = country_zone(country, moment)
    return moment.astimezone(zone).date() if zone else moment.astimezone().date()
