"""The date where a module is held: a check-in at 07:45 in Kuala Lumpur is that day, not the day before in UTC.

Offsets by hand from the IANA database: Malaysia, the Philippines and Seoul have one each all year (UTC+8, +8, +9);
Indonesia spans UTC+7 to +9, so its modules take the computer's own zone (set to UTC here).
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from programme.core import local_time
from programme.courses.catalogue import add_course, add_module
from programme.selfservice import checkin, links, registration

# 23:45 on 3 December in UTC: 07:45 on 4 December in Kuala Lumpur and Manila, 08:45 in Seoul.
LATE_IN_UTC = datetime(2026, 12, 3, 23, 45, tzinfo=UTC)


@pytest.fixture
def computer_in_utc(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("MYS", date(2026, 12, 4)),
        ("PHL", date(2026, 12, 4)),
        ("KOR", date(2026, 12, 4)),
        ("NPL", date(2026, 12, 4)),  # UTC+5:45: 05:30 on the 4th
        ("IDN", date(2026, 12, 3)),  # several offsets: the computer's zone
        (None, date(2026, 12, 3)),  # an online module
    ],
)
def test_the_day_is_the_modules_country_s_when_it_has_one_offset(computer_in_utc, country, expected) -> None:  # type: ignore[no-untyped-def]
    assert local_time.local_today(country, LATE_IN_UTC) == expected


def test_a_check_in_before_eight_in_kuala_lumpur_is_that_day(
    session: Session, computer_in_utc, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Seen on a phone: a module in Kuala Lumpur from 4 to 6 December; a check-in at 07:45 on the 4th was refused as
    "not a day of the module" (it was the 3rd in UTC), and at 07:45 on the 5th it marked day 1."""
    add_course(session, code="KL", title="Kuala Lumpur course", by=None)
    module = add_module(session, course_code="KL", number=1, title="Lobbying", start=date(2026, 12, 4),
                        end=date(2026, 12, 6), city="Kuala Lumpur", country="MYS", by=None)  # fmt: skip
    session.commit()
    monkeypatch.setattr(local_time, "now", lambda: LATE_IN_UTC - timedelta(days=2))  # forms opened on 2 December
    opened = links.open_form(session, module_id=module.id, kind="registration", allow_multiple=True)
    checks = links.open_form(session, module_id=module.id, kind="checkin", allow_multiple=True)
    closing = links.open_form(session, module_id=module.id, kind="evaluation", closes_on=date(2026, 12, 6))
    session.commit()
    done = registration.submit_registration(session, opened.token, {"full_name": "Siti Aminah", "nationality": "MYS"},
                                            {}, browser="p1", client="10.0.0.1")  # fmt: skip
    session.commit()
    for moment, day in ((LATE_IN_UTC, 1), (LATE_IN_UTC + timedelta(days=1), 2)):
        monkeypatch.setattr(local_time, "now", lambda moment=moment: moment)
        assert checkin.submit_checkin(session, checks.token, done.checkin_code, browser=f"c{day}", client="c") == day
        session.commit()
    # Closing "after 6 December" there: open at 23:00 on the 6th in Kuala Lumpur (15:00 UTC), closed at 00:30 on
    # the 7th (16:30 UTC on the 6th, still the 6th in UTC).
    monkeypatch.setattr(local_time, "now", lambda: datetime(2026, 12, 6, 15, 0, tzinfo=UTC))
    assert links.find_open_link(session, closing.token).kind == "evaluation"
    monkeypatch.setattr(local_time, "now", lambda: datetime(2026, 12, 6, 16, 30, tzinfo=UTC))
    with pytest.raises(links.FormUnavailable):
        links.find_open_link(session, closing.token)
