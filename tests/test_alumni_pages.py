"""AppTest runs of the alumni directory and networks pages on the demo: consent holds on screen too."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import sqlalchemy as sa

from programme.core.db import make_engine, session_scope
from programme.models import AuditEntry, Network, NetworkMember, OutcomeKind, Participation, Person, UserRole
from programme.people.countries import country_name, country_named
from tests.apptest_support import run_page, shown_text


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _page_text(app) -> str:  # type: ignore[no-untyped-def]
    parts = [
        shown_text(element.value)
        for kind in ("markdown", "caption", "subheader", "info")
        for element in getattr(app, kind)
    ]
    parts += [frame.value.to_csv() for frame in app.dataframe]
    return "\n".join(str(part) for part in parts)


def _headers(frame) -> list[str]:  # type: ignore[no-untyped-def]
    """Return a table's headers as shown: the column_config label, else the column's name."""
    config = json.loads(frame.proto.columns or "{}")
    return [config.get(str(column), {}).get("label", str(column)) for column in frame.value.columns]


def _assert_readable(frame) -> None:  # type: ignore[no-untyped-def]
    """No database column name as a header, and no empty cell (shown as "None") in the table."""
    headers = _headers(frame)
    assert not [header for header in headers if "_" in header or header != header.strip()], headers
    assert not frame.value.isna().any().any(), frame.value[frame.value.isna().any(axis=1)].head()
    assert not (frame.value.astype(str) == "None").any().any()


def _open_tab(app, label: str):  # type: ignore[no-untyped-def]
    app.session_state["alumni_tab"] = label
    app.run()
    assert not app.exception and not app.error, label
    return app


def _alum(url: str, **where) -> Person:  # type: ignore[no-untyped-def]
    alumni = sa.select(Participation.person_id).where(Participation.role == "participant", Participation.completed)
    with session_scope(make_engine(url)) as session:
        query = sa.select(Person).where(Person.id.in_(alumni), Person.erased_at.is_(None))
        for column, value in where.items():
            query = query.where(getattr(Person, column) == value)
        return session.scalars(query.order_by(Person.id)).first()


def _search(app, text: str):  # type: ignore[no-untyped-def]
    next(box for box in app.text_input if box.label == "Search").input(text).run()
    return app


def test_directory_finds_a_listed_alum_and_opens_their_profile(demo_db: str) -> None:
    alum = _alum(demo_db, consent_listed=True, consent_email=True)
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), alum.full_name)
    assert not app.exception
    assert any(re.search(r"listed alum(ni)?\*\* match", m.value) for m in app.markdown)  # "1 listed alum** matches"
    assert alum.email in _page_text(app)
    next(box for box in app.selectbox if box.label == "Open a profile").set_value(alum.id).run()
    assert not app.exception
    assert alum.full_name in [header.value for header in app.subheader]
    assert any("Roles over time" in m.value for m in app.markdown)


def test_directory_never_shows_an_unlisted_alum_or_a_hidden_field(demo_db: str) -> None:
    unlisted = _alum(demo_db, consent_listed=False)
    app = _search(run_page("pages/alumni.py", UserRole.ADMIN), unlisted.full_name)
    assert unlisted.full_name not in _page_text(app)
    private = _alum(demo_db, consent_listed=True, consent_email=False, consent_phone=False)
    app = _search(app, private.full_name)
    text = _page_text(app)
    assert private.full_name in text and private.email not in text
    assert not private.phone or private.phone not in text
    next(control for control in app.segmented_control if control.label == "Show as").set_value("Table").run()
    assert not app.exception and private.email not in _page_text(app)


def test_consent_saved_on_the_profile_is_audited(demo_db: str) -> None:
    alum = _alum(demo_db, consent_listed=True, consent_phone=False)
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), alum.full_name)
    next(box for box in app.selectbox if box.label == "Open a profile").set_value(alum.id).run()
    next(box for box in app.checkbox if box.key == f"profile-consent_phone-{alum.id}").check()
    next(box for box in app.text_input if box.label == "Where the consent comes from").input("e-mail of 3 May")
    next(button for button in app.button if button.label == "Save consent").click().run()
    assert not app.exception
    assert any("Consent saved" in message.value for message in app.success)
    with session_scope(make_engine(demo_db)) as session:
        assert session.get(Person, alum.id).consent_phone is True
        entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "person")).one()
        assert entry.username == "tester" and "consent_phone" in entry.summary


def _consent_tab(username: str, alum: Person):  # type: ignore[no-untyped-def]
    app = run_page("pages/alumni.py", UserRole.FACILITATOR, username=username)
    app.session_state["alumni_tab"] = "Consent"
    app = app.run().text_input(key="consent-find").input(alum.full_name).run()
    return app.selectbox(key="consent-person").set_value(alum.id).run()


def _flag(app, alum: Person, flag: str):  # type: ignore[no-untyped-def]
    return next(box for box in app.checkbox if box.key.startswith(f"tab-{flag}-{alum.id}"))


def _save_consent(app, source: str):  # type: ignore[no-untyped-def]
    next(box for box in app.text_input if box.label == "Where the consent comes from").input(source)
    return next(button for button in app.button if button.label == "Save consent").click().run()


def test_a_withdrawal_of_consent_is_not_put_back_by_a_colleagues_form(demo_db: str) -> None:
    # A and B open the same alum's consent. A records that the alum withdrew from the directory; B, whose form still
    # showed them listed, records that they share their phone: B's save listed them again, without a word.
    alum = _alum(demo_db, consent_listed=True, consent_phone=False, consent_email=False)
    first, second = _consent_tab("fac_a", alum), _consent_tab("fac_b", alum)
    _flag(first, alum, "consent_listed").uncheck()
    first = _save_consent(first, "e-mail of 3 May: withdrawn")
    assert any("Consent saved" in message.value for message in first.success)
    _flag(second, alum, "consent_phone").check()
    second = _save_consent(second, "phone call")
    assert not second.exception
    assert any("Consent saved" in message.value for message in second.success), [e.value for e in second.error]
    with session_scope(make_engine(demo_db)) as session:
        saved = session.get(Person, alum.id)
        assert (saved.consent_listed, saved.consent_phone) == (False, True)
    # (A flag is yes or no: two people who change it from what they both saw change it the same way, so flags always
    # merge; a refusal needs a field with more values, as on the person's record.)


def test_every_tab_renders_for_a_facilitator_and_only_the_open_one_runs(demo_db: str) -> None:
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    labels = ["Directory", "Map", "Corridors", "Trainer pool", "Outcomes", "Consent"]
    assert [tab.label for tab in app.tabs] == labels
    _search(app, "domestic")
    for label in labels:
        app.session_state["alumni_tab"] = label
        app.run()
        assert not app.exception and not app.error, label
        # The outcomes' two charts (by kind, by year) appear in their tab only; the map draws its own.
        charts = len(app.get("plotly_chart"))
        assert charts == 2 if label == "Outcomes" else charts <= 1, label
    app.session_state["alumni_tab"] = "Directory"
    app.run()
    # The search typed before visiting the other tabs is still there.
    assert next(box for box in app.text_input if box.label == "Search").value == "domestic"


def _first_network_and_a_member_not_listed(session):  # type: ignore[no-untyped-def]
    """The demo's first network by name and one of its members who did not agree to be listed."""
    network = session.scalars(sa.select(Network).order_by(Network.name)).first()
    unlisted = session.scalars(
        sa.select(Person)
        .join(NetworkMember, NetworkMember.person_id == Person.id)
        .where(NetworkMember.network_id == network.id, Person.consent_listed.is_(False))
    ).first()
    return network, unlisted


def test_networks_page_lists_only_listed_members(demo_db: str) -> None:
    with session_scope(make_engine(demo_db)) as session:
        network, unlisted = _first_network_and_a_member_not_listed(session)
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    assert not app.exception
    assert network.name in [header.value for header in app.subheader]
    assert unlisted is not None and unlisted.full_name not in _page_text(app)
    assert any("did not agree to be listed" in caption.value for caption in app.caption)


def test_a_member_not_listed_can_be_removed_from_the_page(demo_db: str) -> None:
    """A facilitator added someone who did not agree to be listed (the picker offers them, "· not listed"): they were
    not on the page, nor in "Remove a member", so there was no way to take them out again."""
    with session_scope(make_engine(demo_db)) as session:
        network, unlisted = _first_network_and_a_member_not_listed(session)
        network_id, person_id, unlisted_name = network.id, unlisted.id, unlisted.full_name
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    removable = next(box for box in app.selectbox if box.key == "remove-member")
    assert f"{unlisted_name} · not listed" in removable.options  # the options as shown
    removable.set_value(person_id)
    app = next(button for button in app.button if button.label == "Remove from the network").click().run()
    assert not app.exception and not app.error
    with session_scope(make_engine(demo_db)) as session:
        assert session.get(NetworkMember, (network_id, person_id)) is None
    # The list of members to remove (kept between runs) no longer offers them, on this run and the next.
    for shown in (app, app.run()):
        assert (
            f"{unlisted_name} · not listed" not in next(b for b in shown.selectbox if b.key == "remove-member").options
        )


def test_a_network_is_created_from_the_page(demo_db: str) -> None:
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    next(box for box in app.text_input if box.label == "Name").input("Lebanon Alumni Forum")
    next(box for box in app.text_input if box.label == "Country").input("Lebanon")
    next(button for button in app.button if button.label == "Save network").click().run()
    assert not app.exception
    with session_scope(make_engine(demo_db)) as session:
        created = session.scalars(sa.select(Network).where(Network.name == "Lebanon Alumni Forum")).one()
        assert created.country == "LBN"


def test_a_networks_edit_form_shows_its_country_by_name_and_keeps_the_code(demo_db: str) -> None:
    """The Edit form's Country said "BGD" where the network's record above it says Bangladesh; a save leaves the
    code as it was."""
    with session_scope(make_engine(demo_db)) as session:
        network = session.scalars(sa.select(Network).order_by(Network.name)).first()
        network_id, country = network.id, network.country
    assert country == "BGD"  # the demo's Bangladesh Alumni Forum, first by name
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    edit = [box for box in app.text_input if box.label == "Country"]
    assert [box.value for box in edit] == ["", "Bangladesh"]  # the new network's, then this one's
    next(button for button in reversed(app.button) if button.label == "Save network").click().run()
    assert not app.exception and not app.error
    with session_scope(make_engine(demo_db)) as session:
        assert session.get(Network, network_id).country == "BGD"


def test_a_search_for_a_country_s_code_in_capitals_offers_the_country_filters(demo_db: str) -> None:
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "MYS")
    assert any(info.value.startswith("**MYS** is the code of Malaysia") for info in app.info)
    offered = [button.label for button in app.button if button.label.startswith("Alumni ")]
    assert offered == ["Alumni from Malaysia", "Alumni working in Malaysia"]
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "mys")
    assert not any("Malaysia" in info.value for info in app.info)


def test_a_search_for_a_country_offers_the_country_filters(demo_db: str) -> None:
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "malaysia")
    assert any(info.value.startswith("**malaysia** is a country") for info in app.info)
    offered = [button.label for button in app.button if button.label.startswith("Alumni ")]
    assert offered == ["Alumni from Malaysia", "Alumni working in Malaysia"]
    app = next(button for button in app.button if button.label == "Alumni working in Malaysia").click().run()
    assert not app.exception
    assert app.session_state["countries_of_work"] == ["MYS"] and app.session_state["search"] == ""
    assert not any("is a country" in info.value for info in app.info)
    with session_scope(make_engine(demo_db)) as session:
        alumni = sa.select(Participation.person_id).where(Participation.role == "participant", Participation.completed)
        working_in = session.scalar(
            sa.select(sa.func.count(Person.id)).where(
                Person.id.in_(alumni),
                Person.consent_listed,
                Person.erased_at.is_(None),
                Person.country_of_work == "MYS",
            )
        )
    assert working_in > 0
    assert any(m.value.startswith(f"**{working_in} listed alumni**") for m in app.markdown)
    # Words that are not a country's name offer nothing.
    app = _search(app, "domestic workers")
    assert not [button for button in app.button if button.label.startswith("Alumni ")]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Malaysia", "MYS"),
        ("  malaysia ", "MYS"),
        ("Viet Nam", "VNM"),
        ("Vietnam", "VNM"),
        ("Burma", "MMR"),
        ("South Korea", "KOR"),
        ("and", None),  # Andorra's code, and a word
        ("NPL", None),  # codes are not names
        ("Malaysi", None),  # no guessing in a search box
        ("domestic workers", None),
        ("", None),
    ],
)
def test_country_named_knows_names_and_variants_as_typed(text: str, code: str | None) -> None:
    assert country_named(text) == code


def test_directory_table_view_has_plain_headers_country_names_and_dashes(demo_db: str) -> None:
    private = _alum(demo_db, consent_listed=True, consent_organisation=False)
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), private.full_name)
    next(control for control in app.segmented_control if control.label == "Show as").set_value("Table").run()
    table = app.dataframe[0]
    _assert_readable(table)
    headers = _headers(table)
    assert {"Name", "Nationality", "Works in", "Organisation", "Type of organisation"} <= set(headers)
    row = table.value[table.value["name"] == private.full_name].iloc[0]
    assert row["nationality"] == country_name(private.nationality) != private.nationality
    assert row["organisation"] == "—" and row["org_type"] == "—"


def test_map_and_corridor_tables_have_plain_headers_and_names(demo_db: str) -> None:
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Map")
    assert _headers(app.dataframe[0]) == ["Country", "Alumni"]
    _open_tab(app, "Corridors")
    corridors, *ends = app.dataframe
    assert _headers(corridors) == [
        "Corridor",
        "Migrant alumni",
        "Alumni in country of origin",
        "Alumni in country of destination",
    ]
    assert len(ends) == 2
    for end in ends:
        _assert_readable(end)
        assert _headers(end)[:2] == ["Name", "Organisation"]
    # The demo has listed alumni who keep their organisation to themselves: a dash, not "None".
    assert any((end.value["organisation"] == "—").any() for end in ends)


def test_trainer_pool_shows_nationalities_by_name(demo_db: str) -> None:
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Trainer pool")
    pool = app.dataframe[0]
    _assert_readable(pool)
    nationalities = set(pool.value["nationality"])
    assert "Thailand" in nationalities or "Nepal" in nationalities
    assert not [value for value in nationalities if len(value) == 3 and value.isupper()], nationalities


def test_outcomes_show_plain_headers_and_kinds_as_written(demo_db: str) -> None:
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Outcomes")
    # Seen in a browser: the figures by kind were metrics whose labels are cut to their column ("Case taken to a UN
    # mec…"). Each kind is now named whole on the chart's axis, every kind listed, and whole in the yearly legend.
    by_kind, by_year = (json.loads(chart.proto.spec) for chart in app.get("plotly_chart"))
    whole = [
        "Shadow report submitted", "Case taken to a UN mechanism", "Policy change", "Network or campaign started",
        "Other",
    ]  # fmt: skip
    assert by_kind["data"][0]["y"] == whole and by_kind["layout"]["yaxis"]["automargin"] is True
    with session_scope(make_engine(demo_db)) as session:  # the demo's outcomes, counted by bare SQL
        counted = dict(session.execute(sa.text("SELECT kind, count(*) FROM outcome GROUP BY kind")).all())
    by_name = {kind.name: kind.value for kind in OutcomeKind}
    assert sum(by_kind["data"][0]["x"]) == sum(counted.values()) > 0
    assert by_kind["data"][0]["x"][1] == counted.get("UN_CASE", counted.get(by_name["UN_CASE"], 0))
    assert {trace["name"] for trace in by_year["data"]} <= set(whole)
    assert "Case taken to a UN mechanism" in {trace["name"] for trace in by_year["data"]}
    table = app.dataframe[0]
    _assert_readable(table)
    assert _headers(table) == [
        "Reported on", "Kind", "What happened", "After the course", "After the module", "Works in", "Alum",
    ]  # fmt: skip
    assert "Case taken to a UN mechanism" in set(table.value["kind"])
    # Every demo outcome follows a module (issue 20: the column was a dash on every row).
    assert not (table.value["course"] == "—").any()
    assert table.value["module"].str.contains(" · Module ").all()


def test_outcomes_offer_a_country_of_work_not_recorded_last(demo_db: str) -> None:
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Outcomes")
    countries = next(box for box in app.multiselect if box.key == "outcomes_countries")
    assert countries.options[-1] == "not recorded" and "Nepal" in countries.options
    countries.set_value(["not recorded"]).run()
    assert not app.exception


def test_outcomes_on_an_empty_database_say_how_to_record_one(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """Seen: "No outcomes match. Widen the filters" on an empty database, where no filter was set."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Outcomes")
    (message,) = [info.value for info in app.info]
    assert "Widen the filters" not in message and "No outcomes are recorded yet" in message
    assert "Import participants" in message and "Record an outcome" in message  # nobody yet: a list first


def test_outcomes_hidden_by_the_filters_say_widen_them(demo_db: str) -> None:
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Outcomes")
    app.slider(key="outcomes_years").set_value((2000, 2000)).run()
    assert not app.exception
    assert "No outcomes match. Widen the filters, or record an outcome below." in [info.value for info in app.info]


def test_outcomes_with_people_but_none_recorded_say_how(demo_db: str) -> None:
    from programme.models import Outcome

    with session_scope(make_engine(demo_db)) as session:
        session.execute(sa.delete(Outcome))
    app = _open_tab(run_page("pages/alumni.py", UserRole.FACILITATOR), "Outcomes")
    (message,) = [info.value for info in app.info]
    assert message.startswith("No outcomes are recorded yet.") and "find them by name under" in message
    assert "Import participants" not in message


def test_empty_directory_says_who_gets_listed(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    assert not app.exception
    (message,) = [info.value for info in app.info]
    assert "No alumni are listed yet" in message
    assert "completed a module as a participant" in message and "agreed to be listed" in message
    # Once something is typed, the message is about the search.
    _search(app, "domestic")
    (message,) = [info.value for info in app.info]
    assert "No listed alumni match" in message
    # Seen on a first module: "trade union" found nobody, the alumni having shared no organisation; the message says
    # why such words can find nobody.
    assert "an organisation (or its type, such as “trade union”) is found only for those who agreed" in message


def test_networks_tables_have_plain_headers_country_names_and_dashes(demo_db: str) -> None:
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    assert not app.exception
    networks, officers, members = app.dataframe
    assert _headers(networks) == ["Name", "Kind", "Country", "Founded", "Members"]
    assert "Bangladesh" in set(networks.value["country"]) and "BGD" not in set(networks.value["country"])
    for table in (officers, members):
        _assert_readable(table)
        assert _headers(table)[:5] == ["Name", "Role in network", "Joined", "Nationality", "Works in"]
    assert set(members.value["nationality"]) == {"Bangladesh"}  # the first network, the Bangladesh Alumni Forum
    assert (members.value["joined_on"] == "—").all()  # the demo records no joining dates
    assert "Alumni of the courses from Bangladesh." in _page_text(app)


def test_a_card_labels_the_expertise(demo_db: str) -> None:
    alumni = sa.select(Participation.person_id).where(Participation.role == "participant", Participation.completed)
    with session_scope(make_engine(demo_db)) as session:
        alum = session.scalars(
            sa.select(Person).where(Person.id.in_(alumni), Person.consent_listed, Person.expertise.is_not(None))
        ).first()
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), alum.full_name)
    assert f"Expertise: {alum.expertise}" in _page_text(app)


def test_a_listed_alum_with_no_country_of_work_or_nationality_does_not_crash_the_directory(demo_db: str) -> None:
    """pandas 3 gives NaN for a missing country when other rows have one: cards and profile treat it as missing."""
    alumni = sa.select(Participation.person_id).where(Participation.role == "participant", Participation.completed)
    with session_scope(make_engine(demo_db)) as session:
        query = sa.select(Person).where(
            Person.id.in_(alumni), Person.consent_listed, Person.country_of_work.is_not(None)
        )
        first, second = session.scalars(query.order_by(Person.id).limit(2)).all()
        for person in (first, second):
            person.expertise = "Quokkaology"
        first.country_of_work = None
        first.nationality = None
        first.position = None
        name, person_id = first.full_name, first.id
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "Quokkaology")
    assert not app.exception, app.exception
    assert name in _page_text(app)
    assert "nan" not in _page_text(app).lower().split()
    next(box for box in app.selectbox if box.label == "Open a profile").set_value(person_id).run()
    assert not app.exception, app.exception
    assert name in [header.value for header in app.subheader]


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, ""])
def test_country_name_of_a_missing_value_is_empty(missing: object) -> None:
    assert country_name(missing) == ""


def _count_line(app) -> str:  # type: ignore[no-untyped-def]
    return next(m.value for m in app.markdown if "listed alumni" in m.value)


def test_a_card_opens_the_profile_and_back_returns_to_the_search_and_filters(demo_db: str) -> None:
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "lobbying")
    assert not app.exception
    # The demo's agendas have sessions on lobbying: their participants are found, though no profile says it.
    assert any("whose agenda has it" in caption.value for caption in app.caption)
    next(box for box in app.multiselect if box.label == "Gender").select("female").run()
    before = _count_line(app)
    assert int(before.split("**")[1].split()[0]) > 0
    opened = next(button for button in app.button if button.label == "Open profile")
    person_id = int(opened.key.removeprefix("open-"))
    with session_scope(make_engine(demo_db)) as session:
        name = session.get(Person, person_id).full_name
    opened.click().run()
    assert not app.exception
    assert [header.value for header in app.subheader] == [name]
    assert not [box for box in app.text_input if box.label == "Search"]  # the profile, in place of the results
    next(button for button in app.button if button.label == "Back to results").click().run()
    assert not app.exception
    assert next(box for box in app.text_input if box.label == "Search").value == "lobbying"
    assert next(box for box in app.multiselect if box.label == "Gender").value == ["female"]
    assert _count_line(app) == before
    assert not app.subheader


def test_a_country_name_typed_in_the_search_lists_its_alumni(demo_db: str) -> None:
    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "Cambodia")
    assert any(info.value.startswith("**Cambodia** is a country") for info in app.info)
    with session_scope(make_engine(demo_db)) as session:
        alumni = sa.select(Participation.person_id).where(Participation.role == "participant", Participation.completed)
        from_or_in = session.scalars(
            sa.select(Person.full_name).where(
                Person.id.in_(alumni),
                Person.consent_listed,
                Person.erased_at.is_(None),
                sa.or_(Person.nationality == "KHM", Person.country_of_work == "KHM"),
            )
        ).all()
    assert from_or_in
    text = _page_text(app)
    # Everyone from or working in Cambodia is on the page (fewer than one page of results in the demo).
    assert len(from_or_in) <= 50 and all(name in text for name in from_or_in)


def test_an_organisation_type_typed_in_the_search_lists_its_alumni_and_says_so(demo_db: str) -> None:
    from programme.models import Organisation

    app = _search(run_page("pages/alumni.py", UserRole.FACILITATOR), "trade union Malaysia")
    assert not app.exception, app.exception
    # Seen: "Also found by their organisation's type (where they share their organisation): “trade union”: trade
    # union.", and nothing on what "Malaysia" did.
    assert (
        "Each part must match. “trade union”: an organisation of the type trade union (where the alum shares their "
        "organisation), or these words in a profile. “Malaysia”: from or working in Malaysia, or this word in a "
        "profile."
    ) in [shown_text(caption.value) for caption in app.caption]
    with session_scope(make_engine(demo_db)) as session:
        alumni = sa.select(Participation.person_id).where(Participation.role == "participant", Participation.completed)
        unions = sa.select(Organisation.id).where(Organisation.org_type == "trade union")
        expected = session.scalars(
            sa.select(Person.full_name).where(
                Person.id.in_(alumni),
                Person.consent_listed,
                Person.consent_organisation,
                Person.erased_at.is_(None),
                Person.organisation_id.in_(unions),
                sa.or_(Person.nationality == "MYS", Person.country_of_work == "MYS"),
            )
        ).all()
    assert expected
    text = _page_text(app)
    assert len(expected) <= 50 and all(name in text for name in expected)


def test_two_members_of_one_name_are_told_apart_by_their_record(demo_db: str) -> None:
    from programme.access.accounts import SignedIn
    from programme.alumni import networks

    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    shown = app.subheader[0].value  # the network the page opens with
    with session_scope(make_engine(demo_db)) as session:
        network = session.scalar(sa.select(Network).where(Network.name == shown_text(shown)))
        member = session.scalars(
            sa.select(Person)
            .join(NetworkMember, NetworkMember.person_id == Person.id)
            .where(NetworkMember.network_id == network.id, NetworkMember.role == "member", Person.consent_listed)
            .order_by(Person.id)
        ).first()
        namesake = Person(full_name=member.full_name, name_key=member.name_key, consent_listed=True)
        session.add(namesake)
        session.flush()
        editor = SignedIn(user_id=0, username="tester", role=UserRole.FACILITATOR)
        networks.add_member(session, network_id=network.id, person_id=namesake.id, by=editor)
        ids = {member.id, namesake.id}
        name = member.full_name
    app = run_page("pages/networks.py", UserRole.FACILITATOR)
    assert not app.exception
    members = app.dataframe[2]
    assert "Record" in _headers(members)
    same = members.value[[shown_text(str(text)) == name for text in members.value["name"]]]
    assert set(same["person_id"].astype(int)) == ids
    removable = next(box for box in app.selectbox if box.key == "remove-member")
    assert {f"{name} (record {i})" for i in ids} <= set(removable.options)  # the options as shown


def test_a_search_read_as_its_own_words_says_nothing_more() -> None:
    from programme.alumni.terms import Term, reading

    assert reading([Term(words=("santos",))]) is None
    assert reading([Term(words=("lobbying",), modules=(1, 2, 3))]) == (
        "“lobbying”: trained on it (attended one of the 3 modules whose agenda has it), or this word in a profile."
    )
    assert reading([Term(words=("cedaw",), modules=(4,))]) == (
        "“cedaw”: trained on it (attended the module whose agenda has it), or this word in a profile."
    )
    assert reading([Term(words=("viet", "nam"), country="VNM"), Term(words=("maria",))]) == (
        "Each part must match. “Vietnam”: from or working in Vietnam, or these words in a profile."
    )


def test_the_directory_kept_across_tabs_logs_no_session_state_warning(
    demo_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seen in a journey's server log: each visit to the directory after the first logged "The widget with key
    "view" was created with a default value but also had its value set via the Session State API", with a stack
    that reads like a crash (the page keeps the widget's value across tabs through the session state)."""
    from streamlit.elements.lib import policies

    warned: list[str] = []
    monkeypatch.setattr(policies._LOGGER, "warning", lambda message, *args, **kwargs: warned.append(message % args))
    app = run_page("pages/alumni.py", UserRole.FACILITATOR)
    years = next(box for box in app.slider if box.key == "years")
    years.set_value((years.min, years.max - 1)).run()
    _open_tab(app, "Map")
    _open_tab(app, "Directory")
    app.run()
    assert not app.exception
    assert not [message for message in warned if "Session State API" in message], warned
    # The choices are still kept across tabs, and the view shows as cards first.
    assert next(box for box in app.slider if box.key == "years").value == (years.min, years.max - 1)
    assert app.session_state["view"] == "Cards"
