"""The directory search reaches what people were trained on (their modules' agendas), countries by name and
organisation types by name."""

from __future__ import annotations

from datetime import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from programme.alumni.terms import matches
from programme.core.db import session_scope
from programme.models import AgendaSession, Module, Participation, Person, SessionTopic, Topic
from tests.test_alumni import People, _build, _ids, _person


@pytest.fixture
def people(engine: Engine) -> People:
    """test_alumni's people (José and Amina completed module 1 of course 1; José led "Recruitment" in
    course 2's module), with an agenda for module 1 and Kim, an alum of course 2 only registered for
    module 1 (did not attend it)."""
    found = _build(engine)
    with session_scope(engine) as session:
        first = session.scalar(sa.select(Module).where(Module.course_id == found.course1))
        second = session.scalar(sa.select(Module).where(Module.course_id == found.course2))
        lobbying, negotiation = Topic(name="Lobbying"), Topic(name="Négociation collective")
        advocacy = AgendaSession(
            module_id=first.id, day=2, start_time=time(9), end_time=time(10, 30), title="Advocacy with ASEAN bodies"
        )
        session.add_all([lobbying, negotiation, advocacy])
        session.flush()
        session.add_all(
            [
                SessionTopic(session_id=advocacy.id, topic_id=lobbying.id),
                SessionTopic(session_id=advocacy.id, topic_id=negotiation.id),
            ]
        )
        kim = _person(session, "Kim Sokha", gender="female", nationality="KHM", consent_listed=True)
        session.add(Participation(person_id=kim.id, module_id=second.id, role="participant", completed=True))
        session.add(
            Participation(person_id=kim.id, module_id=first.id, role="participant", attended=False, completed=False)
        )
        # A topic in the vocabulary that no session uses reaches nobody.
        session.add(Topic(name="Detention monitoring"))
        found.kim = kim.id  # type: ignore[attr-defined]
    return found


def test_a_topic_or_session_title_finds_the_people_who_attended_the_module(engine: Engine, people: People) -> None:
    both = [people.amina, people.jose]  # by name: Amina Rahman, José Martínez
    assert _ids(engine, text="lobbying") == both  # a topic of a session
    assert _ids(engine, text="LOBBY") == both  # capitals aside, the start of a word
    assert _ids(engine, text="advocacy asean") == both  # words of the session's title
    assert _ids(engine, text="negociation") == both  # accents aside
    assert _ids(engine, text="collective negoc") == both  # every word, in one text
    assert _ids(engine, text="detention") == []  # a topic no session uses
    assert _ids(engine, text="obbying") == []  # a prefix, not any substring
    # Kim registered for module 1 but did not attend it; she attended course 2's module, with "Recruitment".
    kim = people.kim  # type: ignore[attr-defined]
    assert kim not in _ids(engine, text="lobbying")
    assert _ids(engine, text="recruitment") == [people.amina, people.jose, kim]  # Amina by her expertise
    # A topic and a word of the profile: both required.
    assert _ids(engine, text="lobbying amina") == [people.amina]
    assert _ids(engine, text="lobbying union") == [people.jose]  # his organisation
    assert _ids(engine, text="lobbying kim") == []
    # Facets still apply; people who are not listed never appear.
    assert _ids(engine, text="lobbying", genders=("female",)) == [people.amina]
    assert _ids(engine, text="lobbying", course_ids=(people.course2,)) == [people.jose]
    with session_scope(engine) as session:
        session.get(Person, people.amina).consent_listed = False
    assert _ids(engine, text="lobbying") == [people.jose]


def test_a_country_name_finds_people_from_or_working_there_and_profiles_mentioning_it(
    engine: Engine, people: People
) -> None:
    kim = people.kim  # type: ignore[attr-defined]
    assert _ids(engine, text="Lebanon") == [people.jose]  # works there (a Filipino)
    assert _ids(engine, text="philippines") == [people.jose]  # his nationality
    assert _ids(engine, text="Bangladesh") == [people.amina]
    assert _ids(engine, text="Cambodia") == [kim]
    with session_scope(engine) as session:
        session.get(Person, people.amina).notes = "Ran a shelter in Lebanon"
    assert _ids(engine, text="lebanon") == [people.amina, people.jose]  # her profile mentions it
    # A country of several words, and with other words: each must match.
    with session_scope(engine) as session:
        session.get(Person, kim).country_of_work = "LKA"
    assert _ids(engine, text="Sri Lanka") == [kim]
    assert _ids(engine, text="sri lanka sokha") == [kim]
    assert _ids(engine, text="lebanon case") == [people.jose]  # his position
    assert _ids(engine, text="lebanon recruitment") == [people.amina, people.jose]
    assert _ids(engine, text="lebanon kim") == []
    assert _ids(engine, text="Viet Nam") == []
    # A filter on nationality narrows a country's name in the text.
    assert _ids(engine, text="lebanon", nationalities=("BGD",)) == [people.amina]


def test_an_organisation_type_named_finds_people_whose_shared_organisation_is_of_that_type(
    engine: Engine, people: People
) -> None:
    # José's organisation, "Migrant Workers Union", is a trade union and he shares it; no profile holds "trade".
    assert _ids(engine, text="trade union") == [people.jose]
    assert _ids(engine, text="Trade Unions lebanon") == [people.jose]  # as an import reads the type, with a country
    assert _ids(engine, text="trade union", genders=("female",)) == []
    # Amina's organisation is an NGO, but she did not agree to share her organisation: its type does not find her.
    assert _ids(engine, text="NGO") == []
    with session_scope(engine) as session:
        session.get(Person, people.amina).consent_organisation = True
    assert _ids(engine, text="ngo") == [people.amina]
    assert _ids(engine, text="non governmental organisation bangladesh") == [people.amina]
    assert _ids(engine, text="lawyers") == []
    # Two letters name no type in a search ("un" is the start of many words).
    assert _ids(engine, text="tu") == []


@pytest.mark.parametrize("drives", [0, 1_000_000])
def test_the_same_people_whichever_list_drives_the_search(
    engine: Engine, people: People, monkeypatch: pytest.MonkeyPatch, drives: int
) -> None:
    """On SQLite a term's list of people drives the search when short, else the table in order: same result."""
    from programme.alumni import search

    queries = ["lobbying", "cambodia", "lebanon", "lobbying recruitment", "bangladesh lobbying", "lobbying union",
               "trade union", "trade union lebanon"]  # fmt: skip
    expected = {text: _ids(engine, text=text) for text in queries}
    monkeypatch.setattr(search, "TERM_LIST_DRIVES", drives)
    assert {text: _ids(engine, text=text) for text in queries} == expected
    assert expected["lobbying"] and expected["cambodia"]


@pytest.mark.parametrize(
    ("words", "text", "found"),
    [
        (("lobby",), "Lobbying for rights", True),
        (("negociation",), "Négociation collective", True),
        (("rights", "lobbying"), "Lobbying for rights", True),
        (("rights", "asean"), "Lobbying for rights", False),
        (("ing",), "Lobbying", False),
    ],
)
def test_a_word_matches_an_agenda_text_as_the_index_matches(words: tuple[str, ...], text: str, found: bool) -> None:
    assert matches(words, text) is found
