"""Every page runs without an exception, and guards itself against the wrong visitor."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from programme.access import audit
from programme.access.accounts import add_user
from programme.core.db import make_engine, session_scope
from programme.models import AuditEntry, Course, Module, UserRole
from programme.web.navigation import PAGES
from tests.apptest_support import run_page

PAGE_PATHS = [page.path for page in PAGES]


@pytest.fixture
def demo_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    """The demo, with one account so that signed-out visitors meet the login form."""
    with session_scope(make_engine(demo_sqlite_url)) as session:
        add_user(session, username="admin", password="a-long-password", role=UserRole.ADMIN, by=None)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_runs_for_an_admin(demo_db: str, path: str) -> None:
    app = run_page(path, UserRole.ADMIN)
    assert not app.exception, app.exception
    assert app.title, f"{path} has no title"


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_every_page_meets_a_signed_out_visitor_with_the_login_form(demo_db: str, path: str) -> None:
    app = run_page(path, role=None)
    assert not app.exception
    labels = [widget.label for widget in app.text_input]
    assert labels[:2] == ["Username", "Password"]
    assert [button.label for button in app.button] == ["Log in"]
    assert not app.metric and not app.dataframe  # no data before signing in


@pytest.mark.parametrize("spec", [p for p in PAGES if p.role != UserRole.VIEWER], ids=lambda p: p.path)
def test_pages_above_a_viewer_refuse_a_viewer(demo_db: str, spec) -> None:
    app = run_page(spec.path, UserRole.VIEWER)
    assert not app.exception
    assert any("needs the" in error.value for error in app.error)
    assert not app.dataframe


def test_every_page_file_is_declared_once_and_guards_itself_from_the_registry() -> None:
    """Roles are declared once, in navigation.PAGES: each page passes only its own file to ui.guard."""
    from pathlib import Path

    files = sorted(path.as_posix() for path in Path("pages").glob("*.py"))
    assert sorted(PAGE_PATHS) == files
    for path in files:
        assert "ui.guard(__file__)" in Path(path).read_text(encoding="utf-8"), path


def test_a_page_missing_from_the_registry_is_named_in_the_error() -> None:
    from programme.web.navigation import role_for

    with pytest.raises(LookupError, match="pages/unlisted.py is not in"):
        role_for("pages/unlisted.py")


def test_home_shows_the_demo_headline(demo_db: str) -> None:
    app = run_page("pages/home.py", UserRole.VIEWER)
    values = {metric.label: metric.value for metric in app.metric}
    assert values["Courses"] == "30"
    assert int(values["Individuals"].replace(",", "")) >= 650


def test_homes_latest_modules_are_headed_as_the_other_tables(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    """Its headers were lower case ("module", "dates", "status"), unlike every other table's; and a module with
    nobody recorded in it said "delivered"."""
    import json
    from datetime import date

    from sqlmodel import Session

    from programme.core.db import make_engine
    from programme.courses.catalogue import add_course, add_module
    from programme.models import ModuleStatus

    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    with Session(make_engine(sqlite_url)) as session:
        add_course(session, code="MW-KL", title="Migrant workers' rights", by=None)
        module = add_module(session, course_code="MW-KL", number=1, title="Module 1", start=date(2019, 4, 9),
                            end=date(2019, 4, 12), by=None)  # fmt: skip
        module.status = ModuleStatus.DELIVERED
        session.commit()
    app = run_page("pages/home.py", UserRole.VIEWER)
    assert not app.exception
    frame = next(frame for frame in app.dataframe if "status" in frame.value.columns)
    columns = json.loads(frame.proto.columns)
    labels = {name: config.get("label") for name, config in columns.items() if not name.startswith("_")}
    assert labels == {"module": "Module", "title": "Title", "dates": "Dates", "city": "City", "status": "Status"}
    assert frame.value["status"].tolist() == ["ended, nothing recorded yet"]


def test_home_on_an_empty_database_offers_the_demo(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/home.py", UserRole.ADMIN)
    assert any("empty" in info.value for info in app.info)
    load = next(button for button in app.button if button.label == "Load demo data")
    app = load.click().run()
    assert not app.exception
    assert {metric.label for metric in app.metric} >= {"Courses", "Individuals"}


@pytest.mark.parametrize("role", [UserRole.FACILITATOR, UserRole.VIEWER])
def test_home_on_an_empty_database_offers_the_demo_to_administrators_only(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str, role: UserRole
) -> None:
    """Loading synthetic people into a real organisation's database is an administrator's decision: facilitators
    were offered the button, and viewers were told to create a course or load the demo, which they cannot."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/home.py", role)
    assert not app.exception
    assert any("empty" in info.value for info in app.info)
    assert "Load demo data" not in [button.label for button in app.button]
    said = " ".join(info.value for info in app.info)
    if role == UserRole.FACILITATOR:
        assert "An administrator can load demo data" in said
    else:  # a viewer can neither load the demo nor create a course
        assert "demo" not in said and "Create your first course" not in said


def test_first_start_without_accounts_asks_for_an_administrator(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/home.py", role=None)
    assert "Create administrator" in [button.label for button in app.button]


def test_accounts_page_for_an_admin_signed_in_by_single_sign_on_with_no_local_accounts(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/accounts.py", UserRole.ADMIN, account=False)
    assert not app.exception, app.exception
    assert any("No local accounts yet" in info.value for info in app.info)
    app = app.button(key="FormSubmitter:change_account-Save changes").click().run()
    assert not app.exception
    assert any("Create an account first" in warning.value for warning in app.warning)


def test_settings_page_changes_the_completion_rule_for_every_module(demo_db: str) -> None:
    from programme.planning.attendance import CompletionRule, completion_rule

    app = run_page("pages/settings.py", UserRole.ADMIN)
    assert not app.exception, app.exception
    assert app.radio[0].value == CompletionRule.ALL_DAYS
    app.radio[0].set_value(CompletionRule.ANY_DAY)
    app = app.button(key="FormSubmitter:completion_rule-Save and apply to every module").click().run()
    assert not app.exception, app.exception
    assert any("participations changed" in s.value for s in app.success)
    with session_scope(make_engine(demo_db)) as session:
        assert completion_rule(session) == CompletionRule.ANY_DAY


def test_finding_a_module_chooses_its_first_match_unless_the_chosen_one_matches(demo_db: str) -> None:
    app = run_page("pages/next_steps.py", UserRole.FACILITATOR)
    picker = app.selectbox(key="next_steps_module")
    first = picker.value
    assert not picker.format_func(first).startswith("NP-LBN")  # the newest module is another course's
    app = app.text_input(key="next_steps_module_find").set_value("NP-LBN").run()
    chosen = app.selectbox(key="next_steps_module")
    assert chosen.format_func(chosen.value).startswith("NP-LBN")
    assert all(option.startswith("NP-LBN") for option in chosen.options)  # the options as shown
    # Another module of the course, picked by hand, stays chosen while the search is unchanged...
    with session_scope(make_engine(demo_db)) as session:
        course = session.scalar(sa.select(Course.id).where(Course.code.startswith("NP-LBN")))
        modules = set(session.scalars(sa.select(Module.id).where(Module.course_id == course)))
    other = min(modules - {chosen.value})
    app = chosen.set_value(other).run()
    app = app.run()
    assert app.selectbox(key="next_steps_module").value == other
    # ...and when a new search matches it too.
    app = app.text_input(key="next_steps_module_find").set_value("NP-LBN 2018").run()
    assert app.selectbox(key="next_steps_module").value == other
    assert not app.exception


def _headers(frame) -> list[str]:  # type: ignore[no-untyped-def]
    """Return a table's headers as shown: the column_config label, else the column's name."""
    config = json.loads(frame.proto.columns or "{}")
    return [config.get(str(column), {}).get("label", str(column)) for column in frame.value.columns]


def test_accounts_table_has_plain_headers_and_a_dash_for_never_signed_in(demo_db: str) -> None:
    app = run_page("pages/accounts.py", UserRole.ADMIN)
    assert not app.exception
    (table,) = app.dataframe
    assert _headers(table) == [
        "Username",
        "Role",
        "Active",
        "Sign-in waits until (UTC)",
        "Failed sign-ins (24 h)",
        "Last sign-in (UTC)",
    ]
    row = table.value.set_index("username").loc["admin"]
    assert row["last_login_at"] == "—"  # the account was made, never used


def test_changing_an_account_shows_its_own_role_and_saves_the_new_one(demo_db: str) -> None:
    from programme.access import accounts
    from programme.models import User as AppUser

    with session_scope(make_engine(demo_db)) as session:
        accounts.add_user(session, username="fac_ben", password="a-long-test-password", role="facilitator", by=None)
        accounts.add_user(session, username="view_dee", password="a-long-test-password", role="viewer", by=None)
        accounts.update_user(
            session,
            user_id=session.scalar(sa.select(AppUser.id).where(AppUser.username == "view_dee")),
            by=None,
            active=False,
        )
    app = run_page("pages/accounts.py", UserRole.ADMIN)
    app = app.selectbox(key="change_account_name").set_value("view_dee").run()
    role = next(box for box in app.selectbox if box.label == "Role" and box.key.startswith("change_role_"))
    active = next(box for box in app.checkbox if box.label == "Active")
    assert (role.value, active.value) == ("viewer", False)  # view_dee's, not the first account's
    app = app.selectbox(key="change_account_name").set_value("fac_ben").run()
    role = next(box for box in app.selectbox if box.label == "Role" and box.key.startswith("change_role_"))
    assert role.value == "facilitator"
    role.set_value("viewer")
    app = app.button(key="FormSubmitter:change_account-Save changes").click().run()
    assert not app.exception
    assert any("Account fac\\_ben updated." == message.value for message in app.success)
    with session_scope(make_engine(demo_db)) as session:
        roles = dict(session.execute(sa.select(AppUser.username, AppUser.role)).all())
        assert roles["fac_ben"] == "viewer" and roles["view_dee"] == "viewer"


def test_a_password_reset_does_not_enable_an_account_another_admin_disabled_meanwhile(demo_db: str) -> None:
    # Two admins open fac_ben's account. One disables it (Ben left the team); the other, whose form still shows it
    # active, resets Ben's password: that save enabled the account again, without a word.
    from programme.access import accounts
    from programme.models import User as AppUser

    with session_scope(make_engine(demo_db)) as session:
        accounts.add_user(session, username="fac_ben", password="a-long-test-password", role="facilitator", by=None)
    first, second = (
        run_page("pages/accounts.py", UserRole.ADMIN, username=name).selectbox(key="change_account_name")
        for name in ("admin_a", "admin_b")
    )
    first, second = first.set_value("fac_ben").run(), second.set_value("fac_ben").run()
    next(box for box in first.checkbox if box.label == "Active").uncheck()
    first = first.button(key="FormSubmitter:change_account-Save changes").click().run()
    assert any("updated" in message.value for message in first.success)
    next(box for box in second.text_input if box.label.startswith("New password")).input("another-long-passphrase-9")
    second = second.button(key="FormSubmitter:change_account-Save changes").click().run()
    assert not second.exception
    assert any("updated" in message.value for message in second.success), [e.value for e in second.error]
    with session_scope(make_engine(demo_db)) as session:
        ben = session.scalar(sa.select(AppUser).where(AppUser.username == "fac_ben"))
        assert ben.active is False and accounts._verify(ben.password_hash, "another-long-passphrase-9")
    # Both change the role, to different ones: the second admin is told what is saved now, and nothing is saved.
    role = next(box for box in first.selectbox if box.label == "Role" and box.key.startswith("change_role_"))
    role.set_value("viewer")
    first = first.button(key="FormSubmitter:change_account-Save changes").click().run()
    role = next(box for box in second.selectbox if box.label == "Role" and box.key.startswith("change_role_"))
    role.set_value("admin")
    second = second.button(key="FormSubmitter:change_account-Save changes").click().run()
    assert not second.exception
    assert any("admin\\_a saved account fac\\_ben while you were editing it" in e.value for e in second.error), [
        e.value for e in second.error
    ]
    with session_scope(make_engine(demo_db)) as session:
        assert session.scalar(sa.select(AppUser.role).where(AppUser.username == "fac_ben")) == "viewer"


def test_audit_trail_names_the_record_column_and_dashes_what_an_entry_lacks(demo_db: str) -> None:
    with session_scope(make_engine(demo_db)) as session:
        audit.record(session, action="login_failed", username="somebody")
        audit.record(session, action="update", username="admin", entity="person", entity_id=42, summary="edited")
    app = run_page("pages/audit.py", UserRole.ADMIN)
    assert not app.exception
    (table,) = app.dataframe
    headers = _headers(table)
    assert "Record" in headers and not [header for header in headers if "_" in header], headers
    shown = table.value
    failed = shown[shown["action"] == "login_failed"].iloc[0]
    assert failed["entity_id"] == failed["entity"] == failed["summary"] == "—"
    assert "42" in set(shown["entity_id"])
    assert not (shown.drop(columns=["at"]).isna()).any().any()


def test_course_and_module_pickers_start_on_the_same_newest_module(demo_db: str) -> None:
    from programme.courses.search import course_choices, module_choices

    with session_scope(make_engine(demo_db)) as session:
        newest_module = next(iter(module_choices(session).labels))
        course_of_newest = session.scalar(
            sa.select(Course.code).join(Module, Module.course_id == Course.id).where(Module.id == newest_module)
        )
        _, courses = course_choices(session)
    assert next(iter(courses)) == course_of_newest


def test_a_disabled_or_demoted_account_is_held_to_it_at_its_next_click(demo_db: str) -> None:
    from programme.models import User as AppUser

    app = run_page("pages/participants.py", UserRole.FACILITATOR, username="fac_chi")
    assert not app.exception and not app.error  # a facilitator's page, open
    with session_scope(make_engine(demo_db)) as session:
        session.scalar(sa.select(AppUser).where(AppUser.username == "fac_chi")).role = UserRole.VIEWER
    app = app.run()  # the next click, in the same browser session
    assert any("needs the facilitator role; you are signed in as viewer" in error.value for error in app.error)
    with session_scope(make_engine(demo_db)) as session:
        session.scalar(sa.select(AppUser).where(AppUser.username == "fac_chi")).active = False
    app = app.run()
    assert "signed_in" not in app.session_state
    assert any("Your account was disabled" in info.value for info in app.info)
    assert any(button.label == "Log in" for button in app.button)


def test_a_session_whose_account_is_not_in_a_restored_database_is_signed_out(demo_db: str) -> None:
    """A backup restored under an open session (another browser, a fresh installation) has other accounts: a
    session whose account is not among them kept its role over the restored organisation's people."""
    from programme.models import User as AppUser

    app = run_page("pages/participants.py", UserRole.ADMIN, username="install_admin")
    assert not app.exception and not app.error
    with session_scope(make_engine(demo_db)) as session:  # what a restore of a backup without the account leaves
        session.execute(sa.delete(AuditEntry).where(AuditEntry.username == "install_admin"))
        session.execute(sa.delete(AppUser).where(AppUser.username == "install_admin"))
    app = app.run()  # the next click, in the same browser session
    assert "signed_in" not in app.session_state
    assert any("not in this database" in info.value for info in app.info)
    assert any(button.label == "Log in" for button in app.button)


def test_a_page_opened_by_address_without_its_role_is_named_not_found() -> None:
    """Seen as a viewer opening /participants (a colleague's link): Home opened under Streamlit's dialog "The page
    that you have requested does not seem to exist", though it exists. The address is read as a page the role may not
    open, which Home then names with the role it needs (checked in Chromium: the sentence, and no dialog)."""
    from programme.web.navigation import refused_page

    refused = refused_page(UserRole.VIEWER, "participants")
    assert refused is not None and (refused.title, refused.role) == ("Participants", UserRole.FACILITATOR)
    assert refused_page(UserRole.FACILITATOR, "/accounts/").title == "Accounts"  # the admin's page
    for role, address in [
        (UserRole.VIEWER, "evaluations"),  # a page the role may open
        (UserRole.ADMIN, "accounts"),
        (UserRole.VIEWER, ""),  # Home
        (UserRole.VIEWER, None),  # a click in the menu names no address
        (UserRole.VIEWER, "nonexistent"),  # no such page: Streamlit's own dialog says so
    ]:
        assert refused_page(role, address) is None
    # Every page of the registry is found by the address st.Page gives it.
    assert all(refused_page(UserRole.VIEWER, spec.path.split("/")[-1][:-3]) in (None, spec) for spec in PAGES)


def test_the_backup_page_on_a_laptop_says_a_team_s_backup_can_be_taken_onto_it(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/backup.py", UserRole.ADMIN)
    assert not app.exception
    captions = " ".join(caption.value for caption in app.caption)
    assert "Taking the team's records on a trip?" in captions and "pg_restore" in captions
