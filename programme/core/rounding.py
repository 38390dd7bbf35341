"""Figures rounded for people: a half rounded up, as a reader does (4.125 is 4.13, 4.25 is 4.3).

Python's round() and format() round a half to the even digit (round(4.125, 2) is 4.12), and a float such as 2.675
is stored a hair below its decimal (2.67499999...), so even a half-up rounding of the float gives 2.67. These
helpers round the number as it is written (repr: the shortest decimal that reads back as the same float), so a
mean of 33 ratings over 8 shows 4.13 and 2.675 shows 2.68, in every report, export, dashboard and JSON alike.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def half_up(value: float | Decimal, places: int) -> Decimal:
    """Return value rounded to places decimals, a half rounded up (away from zero), from its written decimal."""
    written = value if isinstance(value, Decimal) else Decimal(repr(float(value)))
    return written.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def rounded(value: float | Decimal, places: int = 2) -> float:
    """Return value rounded half up to places decimals, as a float (for JSON and tables)."""
    return float(half_up(value, places))


def percent(fraction: float, places: int = 0) -> str:
    """Return a fraction as a percentage, a half rounded up: 0.125 → "13%" (format(0.125, ".0%") gives "12%")."""
    return f"{fixed(Decimal(repr(float(fraction))) * 100, places)}%"


def fixed(value: float | Decimal, places: int = 2, *, thousands: bool = False, sign: bool = False) -> str:
    """Return value as text with places decimals, a half rounded up: "4.13"; thousands: "1,250.13"; sign: "+0.05"."""
    return format(half_up(value, places), f"{'+' if sign else ''}{',' if thousands else ''}.{places}f")
