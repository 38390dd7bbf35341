"""The demo's funders and grants: invented donors in the style of real ones, fixed, with no randomness."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from programme.demo.generator import DemoPlan

# (name, country, notes). Invented names: no real organisation is meant.
FUNDERS = [
    ("Nordic Rights Fund", "NOR", "Core support for regional training, 2004–2015."),
    ("Asia-Pacific Migration Trust", "AUS", "National programmes in countries of origin and destination."),
    ("Lakeside Foundation for Labour Justice", "CHE", "Regional courses and the Gulf corridor."),
    ("Meridian Solidarity Fund", "NLD", "Sub-regional and South Asian national programmes."),
    ("Harbour Light Charitable Trust", "GBR", "Single modules on CEDAW and diplomatic engagement."),
]
# (reference, funder, title, start, end, amount, currency, courses funded whole, (course, module number) funded).
GRANTS = [
    ("NRF-2004-011", "Nordic Rights Fund", "Regional advocacy training, phase I", date(2004, 1, 1), date(2009, 12, 31),
     Decimal("540000.00"), "EUR", [f"RC{year}" for year in range(2004, 2010)], []),
    ("NRF-2010-027", "Nordic Rights Fund", "Regional advocacy training, phase II", date(2010, 1, 1), date(2015, 12, 31),
     Decimal("610000.00"), "EUR", [f"RC{year}" for year in range(2010, 2016)], []),
    ("APMT-NP-2006", "Asia-Pacific Migration Trust", "National programmes in the Mekong and the Philippines",
     date(2006, 1, 1), date(2009, 12, 31), Decimal("380000.00"), "AUD",
     ["NP-THA-2006", "NP-VNM-2007", "NP-PHL-2008", "NP-LKA-2009"], []),
    ("APMT-NP-2014", "Asia-Pacific Migration Trust", "National programmes in Indonesia, Cambodia and Malaysia",
     date(2014, 1, 1), date(2018, 6, 30), Decimal("465000.00"), "AUD", ["NP-IDN-2014", "NP-KHM-2015", "NP-MYS-2016"],
     []),
    ("LFLJ-2016-03", "Lakeside Foundation for Labour Justice", "Regional courses and the Asia–Gulf corridor",
     date(2016, 1, 1), date(2019, 12, 31), Decimal("720000.00"), "USD",
     ["RC2016", "RC2017", "RC2018", "RC2019", "SR-GULF-2019"], []),
    ("MSF-SA-2010", "Meridian Solidarity Fund", "South Asian national programmes", date(2010, 1, 1),
     date(2014, 12, 31), Decimal("295000.00"), "EUR", ["NP-NPL-2010", "NP-BGD-2012", "NP-TLS-2013"], []),
    ("MSF-SR-2011", "Meridian Solidarity Fund", "Sub-regional courses and Lebanon", date(2011, 1, 1),
     date(2020, 12, 31), None, None, ["SR-MEKONG-2011", "SR-SOUTHASIA-2015", "NP-LBN-2018"], []),
    ("HLCT-2017-08", "Harbour Light Charitable Trust", "CEDAW and diplomatic engagement modules, Malaysia",
     date(2017, 7, 1), date(2018, 12, 31), Decimal("48000.00"), "GBP", [], [("NP-MYS-2016", 4), ("NP-MYS-2016", 5)]),
]  # fmt: skip


def add_funding(plan: DemoPlan) -> None:
    """Add the funders, their grants and what each grant funds to the plan (the same rows every time)."""
    funder_ids = {}
    for name, country, notes in FUNDERS:
        funder_ids[name] = plan.add("funder", {"name": name, "country": country, "notes": notes})["id"]
    courses = {row["code"]: row["id"] for row in plan.rows["course"]}
    modules = {(row["course_id"], row["number"]): row["id"] for row in plan.rows["module"]}
    for reference, funder, title, start, end, amount, currency, whole, single in GRANTS:
        grant = plan.add(
            "funding_grant",
            {
                "funder_id": funder_ids[funder],
                "reference": reference,
                "title": title,
                "start_date": start,
                "end_date": end,
                "amount": amount,
                "currency": currency,
            },
        )
        for code in whole:
            plan.add("grant_course", {"grant_id": grant["id"], "course_id": courses[code]})
        for code, number in single:
            plan.add("grant_module", {"grant_id": grant["id"], "module_id": modules[(courses[code], number)]})
