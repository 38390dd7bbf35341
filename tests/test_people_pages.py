"""The person's page on Participants: correct the record, merge a duplicate, consent for a module's list."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.models import AuditEntry, Participation, Person, UserRole
from programme.people.names import name_key
from tests.apptest_support import run_page, shown_text
from tests.test_participants import loaded  # noqa: F401 - the fixture: Ana Lim, Ram Rai, -Sneaky Name in BKK 1


def _open(app, name: str):
    option = next(index for index, label in enumerate(app.selectbox(key="people_person").options) if name in label)
    return app.selectbox(key="people_person").select_index(option).run()


def _person(url: str, email: str) -> Person:
    with session_scope(make_engine(url)) as session:
        found = session.scalar(sa.select(Person).where(Person.email == email))
        session.expunge_all()
        return found


def test_a_facilitator_corrects_a_record_and_a_wrong_value_keeps_what_was_typed(loaded: str) -> None:  # noqa: F811
    app = _open(run_page("pages/participants.py", UserRole.FACILITATOR), "Ram Rai")
    ram = _person(loaded, "ram@x.org")
    key = f"edit_{{}}_{ram.id}"
    app.text_input(key=key.format("nationality")).input("Narnia")
    app.text_input(key=key.format("position")).input("Organiser")
    app = app.button(key=f"FormSubmitter:edit_person_{ram.id}-Save the corrections").click().run()
    assert not app.exception, app.exception
    assert any("Nationality" in e.value and "Narnia" in e.value for e in app.error)
    assert app.text_input(key=key.format("position")).value == "Organiser"  # what was typed is kept
    app.text_input(key=key.format("nationality")).input("Nepal")
    app.text_input(key=key.format("phone")).input("+977 980-123 4567")
    app = app.button(key=f"FormSubmitter:edit_person_{ram.id}-Save the corrections").click().run()
    assert not app.exception, app.exception
    assert any("Saved: position" in s.value for s in app.success)
    saved = _person(loaded, "ram@x.org")
    assert saved.position == "Organiser"
    # The form shows what was stored (the phone as read), under new keys: the browser draws the fields afresh.
    assert app.text_input(key=key.format("phone") + "~1").value == saved.phone == "+9779801234567"


def test_a_duplicate_is_offered_and_merged_from_the_page(loaded: str) -> None:  # noqa: F811
    engine = make_engine(loaded)
    with session_scope(engine) as session:  # a second Ram Rai, as an import turned down as "new person" makes
        ram = session.scalar(sa.select(Person).where(Person.email == "ram@x.org"))
        twin = Person(
            full_name="Ram Rai",
            name_key=name_key("Ram Rai"),
            nationality="NPL",
            position="Lawyer",
            email="ram.rai@y.org",
        )
        session.add(twin)
        session.flush()
        ram_id, twin_id = ram.id, twin.id
    app = _open(run_page("pages/participants.py", UserRole.FACILITATOR), "Ram Rai · Nepal · GEFONT")
    app = app.selectbox(key=f"merge_with_{ram_id}").select(twin_id).run()
    assert any(f"removes record {twin_id}" in info.value for info in app.info)
    # Both give an e-mail: the preview says that the twin's will not be kept (it was dropped without a word).
    assert any(f"Record {twin_id}'s other e-mail will not be kept" in info.value for info in app.info)
    submit = f"FormSubmitter:merge_{ram_id}-Merge the two records"
    app = app.button(key=submit).click().run()
    assert any("Tick the box" in w.value for w in app.warning)
    next(box for box in app.checkbox if "same person" in box.label).check()
    app = app.button(key=submit).click().run()
    assert not app.exception, app.exception
    assert any(f"record {twin_id} is now part of record {ram_id}" in s.value for s in app.success)
    with session_scope(engine) as session:
        assert session.get(Person, twin_id) is None and session.get(Person, ram_id).position == "Lawyer"
        assert session.scalar(sa.select(AuditEntry.username).where(AuditEntry.action == "merge")) == "tester"


@pytest.mark.parametrize("role", [UserRole.FACILITATOR])
def test_consent_for_everyone_in_a_module_from_the_page(loaded: str, role: UserRole) -> None:  # noqa: F811
    app = run_page("pages/participants.py", role)
    app = app.selectbox(key="people_course").select("BKK").run()
    app = app.selectbox(key="people_module").select_index(1).run()
    # Nobody ticked: the module's whole list is the only choice, and the one taken (it was "the 0 people ticked", kept
    # from before the module was chosen, and the save said "Choose the people first.").
    who = next(radio for radio in app.radio if radio.label == "For")
    assert who.options == ["everyone in the chosen module's list (3 people)"] and who.value == "module"
    app.selectbox(key="bulk_consent_listed").set_value("yes")
    next(t for t in app.text_input if t.label == "Where the consent comes from").input("signed forms")
    app = app.button(key="FormSubmitter:bulk_consent-Set consent").click().run()
    assert not app.exception, app.exception
    assert any("Consent set for 3 people" in s.value for s in app.success)
    with session_scope(make_engine(loaded)) as session:
        listed = session.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.consent_listed.is_(True)))
        assert listed == session.scalar(sa.select(sa.func.count()).select_from(Participation)) == 3


def test_two_facilitators_correct_one_record_and_neither_loses_the_others(loaded: str) -> None:  # noqa: F811
    # A and B open Ram's record in two browsers. A corrects the position and saves; B then corrects the languages
    # and saves: B's save put A's position back (every field of B's form was written, as B had opened it).
    ram = _person(loaded, "ram@x.org")
    key, submit = f"edit_{{}}_{ram.id}", f"FormSubmitter:edit_person_{ram.id}-Save the corrections"
    first = _open(run_page("pages/participants.py", UserRole.FACILITATOR, username="fac_a"), "Ram Rai")
    second = _open(run_page("pages/participants.py", UserRole.FACILITATOR, username="fac_b"), "Ram Rai")
    first.text_input(key=key.format("position")).input("Organiser")
    first = first.button(key=submit).click().run()
    assert any("Saved: position" in s.value for s in first.success)
    second.text_input(key=key.format("languages")).input("Nepali; English")
    second = second.button(key=submit).click().run()
    assert not second.exception, second.exception
    assert any("Saved: languages" in s.value for s in second.success), [s.value for s in second.success]
    saved = _person(loaded, "ram@x.org")
    assert (saved.position, saved.languages) == ("Organiser", "Nepali; English")
    # Both change the position: the second is refused with what is saved now, and keeps what was typed.
    first.text_input(key=key.format("position") + "~1").input("Coordinator")
    second.text_input(key=key.format("position") + "~1").input("Lawyer")
    first = first.button(key=submit).click().run()
    second = second.button(key=submit).click().run()
    assert not second.exception, second.exception
    refusal = [shown_text(e.value) for e in second.error]
    assert any(
        "fac_a saved this person's record while you were editing it" in e and "Coordinator" in e for e in refusal
    )
    assert _person(loaded, "ram@x.org").position == "Coordinator"
    assert second.text_input(key=key.format("position") + "~1").value == "Lawyer"  # what B typed is kept
    assert second.text_input(key=key.format("languages") + "~2").value == "Nepali; English"  # shown as saved now
    second = second.button(key=submit).click().run()  # told, B saves again: B's position replaces A's
    assert any("Saved: position" in s.value for s in second.success)
    saved = _person(loaded, "ram@x.org")
    assert (saved.position, saved.languages) == ("Lawyer", "Nepali; English")


def test_a_correction_opened_before_a_merge_keeps_what_the_merge_filled_in(loaded: str) -> None:  # noqa: F811
    # B opens Ram's record (no position); A merges a duplicate holding a position into it; B corrects the phone and
    # saves: the position the merge brought was blanked again by B's form.
    engine = make_engine(loaded)
    with session_scope(engine) as session:
        ram = session.scalar(sa.select(Person).where(Person.email == "ram@x.org"))
        twin = Person(full_name="Ram Rai", name_key=name_key("Ram Rai"), nationality="NPL", position="Lawyer")
        session.add(twin)
        session.flush()
        ram_id, twin_id = ram.id, twin.id
    second = _open(
        run_page("pages/participants.py", UserRole.FACILITATOR, username="fac_b"), "Ram Rai · Nepal · GEFONT"
    )
    first = _open(run_page("pages/participants.py", UserRole.FACILITATOR, username="fac_a"), "Ram Rai · Nepal · GEFONT")
    first = first.selectbox(key=f"merge_with_{ram_id}").select(twin_id).run()
    next(box for box in first.checkbox if "same person" in box.label).check()
    first = first.button(key=f"FormSubmitter:merge_{ram_id}-Merge the two records").click().run()
    assert any(f"record {twin_id} is now part of record {ram_id}" in s.value for s in first.success)
    second.text_input(key=f"edit_phone_{ram_id}").input("+977 980-765 4321")
    second = second.button(key=f"FormSubmitter:edit_person_{ram_id}-Save the corrections").click().run()
    assert not second.exception, second.exception
    with session_scope(engine) as session:
        saved = session.get(Person, ram_id)
        assert (saved.position, saved.phone) == ("Lawyer", "+9779807654321")


def test_the_list_of_people_shows_a_dash_where_nothing_is_recorded_not_none(loaded: str) -> None:  # noqa: F811
    """Seen in Chromium on a registration export: the Participants table drew a grey "None" in the organisation type
    and position of everyone who gave none. The table now names the dash for an empty cell; the values stay missing."""
    app = run_page("pages/participants.py", UserRole.FACILITATOR)
    assert not app.exception, app.exception
    people = app.dataframe[0]
    assert people.value["position"].isna().any()  # a position not recorded: missing, not the text "None"
    assert people.proto.placeholder == "—"


def test_a_name_written_as_markdown_shows_as_written_on_the_persons_page(loaded: str) -> None:  # noqa: F811
    """Seen in Chromium after importing an Eventbrite export whose name cells held Markdown: the person's page drew
    "**Mark**" in bold and "[link](http://evil.example)" as a link to that address, in the heading, the caption and
    the erasure's confirmation. A name is shown as it was written."""
    hostile = "**Mark** [link](http://evil.example)"
    with session_scope(make_engine(loaded)) as session:
        ram = session.scalar(sa.select(Person).where(Person.email == "ram@x.org"))
        ram.full_name = hostile
    app = _open(run_page("pages/participants.py", UserRole.ADMIN), hostile)
    assert not app.exception, app.exception
    forget = next(box for box in app.checkbox if "erase" in box.label)
    shown = [app.subheader[0].value, *(caption.value for caption in app.caption if "Record" in caption.value)]
    assert len(shown) == 2
    for markdown in [*shown, forget.label]:
        assert hostile in shown_text(markdown)  # the words as written...
        assert "](http" not in markdown and "**Mark**" not in markdown  # ...and no link, no bold
