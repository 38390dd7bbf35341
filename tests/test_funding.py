"""Funders and grants: filters, funnel, organisations, cost per person, outcomes, learning gain and the funder's
report, against figures computed by hand on a small programme built here (not the demo), on both databases.

The programme: course A1 (modules M1 March 2016, M2 July 2016) and course B1 (module M1 May 2018).
  M1 of A1: Pia (completed, pre 40 → post 60), Raj (attended, not completed, 50 → 55), Sri (registered, absent)
  M2 of A1: Pia (completed, 60 → 80), Sri (completed, 30 → 50)
  M1 of B1: Tan (completed), Uma (facilitator)
Organisations: Pia and Raj work for "Kathmandu Rights" (NGO, Nepal), Sri for "Klang Workers" (trade union,
Malaysia), Uma for "Dhaka Voice" (NGO, Malaysia); Tan has none.
Grants: G-1 of Nordic Test Fund funds course A1, 9,000 EUR; G-2 of Pacific Test Trust funds B1's module 1 only,
3,000 USD; G-3 of Pacific Test Trust funds A1's module 2 only, no amount.
"""

from __future__ import annotations

import io
import json
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document
from sqlmodel import Session

from programme import funding, reach
from programme.access.accounts import SignedIn
from programme.access.privacy import PeopleToHide, redact
from programme.alumni.outcome_queries import OutcomeFilter, filtered_outcomes, outcome_kind_counts
from programme.alumni.outcomes import record_outcome
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import add_course, add_module, get_module
from programme.evaluations.comments import grouped_comments
from programme.evaluations.learning import learning_gain
from programme.models import (
    Answer,
    EvaluationForm,
    Gender,
    Organisation,
    OrgType,
    Participation,
    ParticipationRole,
    Person,
    Question,
    QuestionKind,
    Response,
    UserRole,
)
from programme.reach import ReachFilter
from programme.reports import funder_report, funder_report_content
from programme.reports.funder_report import LISTED_NOTE

EDITOR = SignedIn(user_id=1, username="tester", role=UserRole.FACILITATOR)
# t(0.975, 3), from a printed table of Student's t distribution (not from the code under test).
T_975_3 = 3.182446


def _person(session: Session, name: str, gender: Gender, nationality: str, org: Organisation | None) -> Person:
    person = Person(full_name=name, name_key=name.lower(), gender=gender, nationality=nationality,
                    country_of_work=org.country if org else nationality, organisation_id=org.id if org else None,
                    given_name=name.split()[0], family_name=name.split()[-1])  # fmt: skip
    session.add(person)
    return person


@pytest.fixture
def small(session: Session) -> dict:
    add_course(session, code="A1", title="Course A", by="t")
    add_course(session, code="B1", title="Course B", by="t")
    m1 = add_module(session, course_code="A1", number=1, title="M1", start=date(2016, 3, 1), end=date(2016, 3, 4),
                    city="Kathmandu", country="NPL", by="t")  # fmt: skip
    m2 = add_module(session, course_code="A1", number=2, title="M2", start=date(2016, 7, 1), end=date(2016, 7, 4),
                    city="Kathmandu", country="NPL", by="t")  # fmt: skip
    b1 = add_module(session, course_code="B1", number=1, title="M1", start=date(2018, 5, 1), end=date(2018, 5, 3),
                    city="Kuala Lumpur", country="MYS", by="t")  # fmt: skip
    ngo = Organisation(name="Kathmandu Rights", name_key="kathmandu rights", org_type=OrgType.NGO, country="NPL")
    union = Organisation(name="Klang Workers", name_key="klang workers", org_type=OrgType.TRADE_UNION, country="MYS")
    voice = Organisation(name="Dhaka Voice", name_key="dhaka voice", org_type=OrgType.NGO, country="MYS")
    session.add_all([ngo, union, voice])
    session.flush()
    pia = _person(session, "Pia Gurung", Gender.FEMALE, "NPL", ngo)
    raj = _person(session, "Raj Thapa", Gender.MALE, "NPL", ngo)
    sri = _person(session, "Sri Wahyuni", Gender.FEMALE, "IDN", union)
    tan = _person(session, "Tan Sok", Gender.MALE, "KHM", None)
    uma = _person(session, "Uma Begum", Gender.FEMALE, "BGD", voice)
    session.flush()

    def took_part(person, module, *, attended=True, completed=False, pre=None, post=None, role="participant"):  # type: ignore[no-untyped-def]
        session.add(Participation(person_id=person.id, module_id=module.id, role=ParticipationRole(role),
                                  attended=attended, completed=completed, pre_test_score=pre, post_test_score=post))  # fmt: skip

    took_part(pia, m1, completed=True, pre=40, post=60)
    took_part(raj, m1, pre=50, post=55)
    took_part(sri, m1, attended=False)
    took_part(pia, m2, completed=True, pre=60, post=80)
    took_part(sri, m2, completed=True, pre=30, post=50)
    took_part(tan, b1, completed=True)
    took_part(uma, b1, role="facilitator")
    funding.add_funder(session, name="Nordic Test Fund", country="NOR", by="t")
    funding.add_funder(session, name="Pacific Test Trust", by="t")
    funding.add_grant(session, funder="Nordic Test Fund", reference="G-1", amount="9000", currency="eur", by="t")
    funding.add_grant(session, funder="Pacific Test Trust", reference="G-2", amount=3000, currency="USD", by="t")
    funding.add_grant(session, funder="pacific test trust", reference="G-3", by="t")
    funding.link_course(session, reference="G-1", course_code="A1", by="t")
    funding.link_module(session, reference="G-2", module_id=get_module(session, "B1", 1).id, by="t")
    funding.link_module(session, reference="g-3", module_id=get_module(session, "A1", 2).id, by="t")
    # An evaluation comment of M2 naming a participant and giving contacts.
    form = EvaluationForm(module_id=m2.id, title="M2 evaluation")
    session.add(form)
    session.flush()
    question = Question(form_id=form.id, position=1, text="Comments", kind=QuestionKind.TEXT)
    response = Response(form_id=form.id)
    session.add_all([question, response])
    session.flush()
    session.add(Answer(response_id=response.id, question_id=question.id,
                       text="Pia Gurung helped a lot, write to pia@example.org or +977 98 1234 5678"))  # fmt: skip
    session.commit()
    record_outcome(session, person_id=pia.id, kind="policy change", description="Pia's union won a rule change",
                   reported_on=date(2016, 9, 1), course_id=m1.course_id, by=EDITOR)  # fmt: skip
    record_outcome(session, person_id=tan.id, kind="other", description="Started a hotline",
                   reported_on=date(2018, 8, 1), module_id=b1.id, by=EDITOR)  # fmt: skip
    session.commit()
    return {"m1": m1.id, "m2": m2.id, "b1": b1.id, "pia": pia.id}


def test_grant_and_funder_filters_select_the_funded_modules(session: Session, small: dict) -> None:
    g1 = reach.headline_figures(session, ReachFilter(grants=("G-1",))).iloc[0]
    # Five participations are listed in the grant's two modules; Sri did not attend Module 1, and reach counts
    # those who took part: 4.
    assert (g1["courses"], g1["modules"], g1["individuals"], g1["participations"]) == (1, 2, 3, 4)
    pacific = reach.headline_figures(session, ReachFilter(funders=("Pacific Test Trust",))).iloc[0]
    # B1's module (Tan, Uma) and A1's module 2 (Pia, Sri): two courses, two modules, four people.
    assert (pacific["courses"], pacific["modules"], pacific["individuals"], pacific["participations"]) == (2, 2, 4, 4)
    # A funder and a grant of another funder together select nothing.
    nothing = reach.headline_figures(session, ReachFilter(funders=("Nordic Test Fund",), grants=("G-2",))).iloc[0]
    assert nothing["participations"] == 0


def test_funnel_over_the_programme_and_per_module(session: Session, small: dict) -> None:
    steps = reach.funnel(session, ReachFilter(grants=("G-1",)))
    assert steps.set_index("stage").to_dict("index") == {
        "registered": {"individuals": 3, "participations": 5},
        "attended": {"individuals": 3, "participations": 4},  # Sri missed M1 but came to M2
        "completed": {"individuals": 2, "participations": 3},
    }
    per_module = reach.funnel_by_module(session, ReachFilter(grants=("G-1",)))
    assert per_module[["registered", "attended", "completed"]].values.tolist() == [[3, 2, 1], [2, 2, 2]]
    assert per_module["completion"].tolist() == [33.3, 100.0]
    # Facilitators are not in the funnel unless the Role filter asks for them.
    assert reach.funnel(session, ReachFilter(grants=("G-2",)))["individuals"].tolist() == [1, 1, 1]
    with_role = reach.funnel(session, ReachFilter(grants=("G-2",), roles=("facilitator",)))
    assert with_role["individuals"].tolist() == [1, 1, 0]


def test_organisations_by_type_and_country(session: Session, small: dict) -> None:
    table = reach.organisations(session)
    rows = {(r["org_type"], r["code"]): (r["organisations"], r["individuals"]) for r in table.to_dict("records")}
    assert rows == {("NGO", "NPL"): (1, 2), ("trade union", "MYS"): (1, 1), ("NGO", "MYS"): (1, 1)}
    assert reach.organisation_count(session) == 3  # Tan has no organisation
    by_type = reach.organisations_by_type(table)
    assert by_type[["org_type", "organisations"]].values.tolist() == [["NGO", 2], ["trade union", 1]]
    assert reach.organisation_count(session, ReachFilter(grants=("G-1",))) == 2


def test_an_organisation_without_type_or_country_is_not_recorded_as_on_the_organisation_type_tab(
    session: Session, small: dict
) -> None:
    """The Organisations tab said "unknown" where the Organisation type tab says "not recorded" for the same people."""
    from programme.reach import NOT_RECORDED

    bare = Organisation(name="Unnamed Collective", name_key="unnamed collective")  # no type, no country
    session.add(bare)
    session.flush()
    came = _person(session, "Vo Thi Ha", Gender.FEMALE, "VNM", bare)
    session.flush()
    session.add(Participation(person_id=came.id, module_id=get_module(session, "B1", 1).id, attended=True))
    session.flush()
    table = reach.organisations(session)
    row = table[table["organisations"].eq(1) & table["org_type"].eq(NOT_RECORDED)].to_dict("records")
    assert row == [
        {"org_type": "not recorded", "code": "unknown", "country": "not recorded", "organisations": 1, "individuals": 1}
    ]
    assert "unknown" not in set(table["org_type"]) | set(table["country"])
    # The same words as the Organisation type tab, whose filter option finds these people.
    assert NOT_RECORDED in set(reach.by_org_type(session)["org_type"])
    assert NOT_RECORDED in set(reach.organisations_by_type(table)["org_type"])
    figures = reach.headline_figures(session, ReachFilter(org_types=(NOT_RECORDED,))).iloc[0]
    assert figures["individuals"] == 2  # Tan (no organisation) and Vo Thi Ha (no type)


def test_individuals_and_cost_per_person_never_mix_currencies(session: Session, small: dict) -> None:
    per_grant = funding.individuals_by_grant(session).set_index("ref")
    assert per_grant["individuals"].to_dict() == {"G-1": 3, "G-2": 2, "G-3": 2}
    assert per_grant.loc["G-1", "cost_per_person"] == 3000.0  # 9,000 EUR / 3
    assert per_grant.loc["G-2", "cost_per_person"] == 1500.0  # 3,000 USD / 2
    assert per_grant["cost_per_person"].isna()["G-3"]  # no amount
    costs = funding.cost_per_person(session).set_index("currency")
    assert costs.to_dict("index") == {
        "EUR": {"grants": 1, "amount": 9000.0, "individuals": 3, "cost_per_person": 3000.0},
        "USD": {"grants": 1, "amount": 3000.0, "individuals": 2, "cost_per_person": 1500.0},
    }
    # A country filter narrows who is counted per grant but not a grant's cost per person.
    nepal = funding.individuals_by_grant(session, ReachFilter(countries=("NPL",))).set_index("ref")
    assert nepal.loc["G-1", "individuals"] == 2 and nepal.loc["G-1", "cost_per_person"] == 3000.0
    assert funding.individuals_by_funder(session) == {"Nordic Test Fund": 3, "Pacific Test Trust": 4}


def test_grant_operations_refuse_bad_input(session: Session, small: dict) -> None:
    with pytest.raises(ProgrammeError, match="currency"):
        funding.add_grant(session, funder="Nordic Test Fund", reference="G-9", amount="100", by="t")
    with pytest.raises(ProgrammeError, match="already exists"):
        funding.add_grant(session, funder="Nordic Test Fund", reference="g-1", by="t")
    with pytest.raises(ProgrammeError, match="already funds"):
        funding.link_course(session, reference="G-1", course_code="a1", by="t")
    with pytest.raises(ProgrammeError, match="not an amount"):
        funding.read_amount("lots", "EUR")


def test_learning_gain_with_n_and_confidence_interval(session: Session, small: dict) -> None:
    whole = learning_gain(session, by="programme", grants=("G-1",)).iloc[0]
    # Gains 20, 5, 20, 20: mean 16.25, sample sd 7.5, standard error 3.75.
    assert whole["n"] == 4 and whole["gain"] == pytest.approx(16.25)
    assert (whole["pre"], whole["post"]) == (pytest.approx(45.0), pytest.approx(61.25))
    assert whole["ci_low"] == pytest.approx(16.25 - T_975_3 * 3.75, abs=1e-4)
    assert whole["ci_high"] == pytest.approx(16.25 + T_975_3 * 3.75, abs=1e-4)
    by_module = learning_gain(session, by="module")
    assert by_module["n"].tolist() == [2, 2] and by_module["gain"].tolist() == [12.5, 20.0]
    # Two gains of 20: no spread, so the interval is the point itself.
    assert (by_module["ci_low"].iloc[1], by_module["ci_high"].iloc[1]) == (20.0, 20.0)
    assert learning_gain(session, by="year")["group"].tolist() == ["2016"]


def test_outcomes_are_tied_to_the_module_before_them_and_filter(session: Session, small: dict) -> None:
    table = filtered_outcomes(session, user=EDITOR).set_index("description")
    # Pia's outcome named the course only: tied to her last module of A1 before 1 September 2016, module 2.
    assert table.loc["Pia's union won a rule change", "module"].startswith("A1 · Module 2")
    assert table.loc["Pia's union won a rule change", "course"] == "A1"
    assert table.loc["Started a hotline", "course"] == "B1"  # from the module given
    assert set(filtered_outcomes(session, OutcomeFilter(grants=("G-3",)), user=None)["description"]) == {
        "Pia's union won a rule change"
    }
    assert len(filtered_outcomes(session, OutcomeFilter(year_from=2017), user=None)) == 1
    assert len(filtered_outcomes(session, OutcomeFilter(countries=("NPL",)), user=None)) == 1
    assert outcome_kind_counts(session, OutcomeFilter(kinds=("other",)))["other"] == 1
    assert outcome_kind_counts(session, OutcomeFilter(kinds=("other",)))["policy change"] == 0


def test_outcomes_filter_on_a_country_of_work_not_recorded_as_reach_does(session: Session, small: dict) -> None:
    import sqlalchemy as sa

    from programme.models import Outcome, Person
    from programme.reach import NOT_RECORDED

    hotline = session.scalar(sa.select(Outcome).where(Outcome.description == "Started a hotline"))
    everyone = set(filtered_outcomes(session, user=None)["description"])
    assert not filtered_outcomes(session, OutcomeFilter(countries=(NOT_RECORDED,)), user=None)["description"].tolist()
    session.get(Person, hotline.person_id).country_of_work = None
    session.commit()
    unrecorded = filtered_outcomes(session, OutcomeFilter(countries=(NOT_RECORDED,)), user=None)
    assert unrecorded["description"].tolist() == ["Started a hotline"]
    nepal = set(filtered_outcomes(session, OutcomeFilter(countries=("NPL",)), user=None)["description"])
    both = set(filtered_outcomes(session, OutcomeFilter(countries=("NPL", NOT_RECORDED)), user=None)["description"])
    assert both == nepal | {"Started a hotline"} and both <= everyone
    assert sum(outcome_kind_counts(session, OutcomeFilter(countries=(NOT_RECORDED,))).values()) == 1


def test_redact_removes_names_emails_and_phones() -> None:
    text = "Pia Gurung helped, mail pia@example.org or call +977 98 1234 5678; GURUNG again. Module 2 of 2016."
    assert (
        redact(text, PeopleToHide.of([("Pia Gurung", "Pia", "Gurung", None)]))
        == "[name] helped, mail [e-mail] or call [phone]; [name] again. Module 2 of 2016."
    )


def _docx_tables(data: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(io.BytesIO(data)).tables]


def test_the_funders_report_shows_the_dashboards_figures(session: Session, small: dict) -> None:
    grant_filter = ReachFilter(grants=("G-1",))
    content = funder_report_content(session, "g-1")
    # The report's frames are the dashboard functions' under the same filter; the people by country, gender and
    # organisation type as a viewer sees them: groups of fewer than 3 people together (tests/test_small_counts.py),
    # the same total. By hand: Nepal 2 and Indonesia 1 (4 participations) are one group of 3.
    assert content.funnel.equals(reach.funnel(session, grant_filter))
    # Per module, the modules of fewer than 3 people on the lists together (Module 2's two): here both, one row of 5.
    per_module = reach.funnel_by_module(session, grant_filter)
    assert content.funnel_by_module["registered"].tolist() == [per_module["registered"].sum()] == [5]
    for mine, theirs in (
        (content.by_country, reach.by_country(session, grant_filter)),
        (content.by_gender, reach.by_gender(session, grant_filter)),
        (content.by_org_type, reach.by_org_type(session, grant_filter)),
    ):
        assert mine["individuals"].sum() == theirs["individuals"].sum() == 3 and mine["individuals"].min() >= 3
    assert content.by_country.to_dict("records") == [
        {"code": "—", "country": "Other (fewer than 3 each)", "individuals": 3, "participations": 4, "share": 100.0}
    ]
    data = funder_report(session, reference="G-1", by="tester")
    tables = _docx_tables(data)
    summary = dict(tables[0][1:])
    headline = reach.headline_figures(session, grant_filter).iloc[0]
    assert summary["Individuals (each counted once)"] == str(int(headline["individuals"])) == "3"
    # Five listed in the grant's modules; Sri did not attend Module 1 and reach counts those who took part.
    assert summary["Participations (a person in a module)"] == "4"
    assert summary["Organisations"] == "2"
    assert summary["Cost per person reached (every individual above)"] == "EUR 3,000.00"
    assert summary["Participants (each counted once)"] == "3" and summary["Cost per participant"] == "EUR 3,000.00"
    modules = tables[1]
    # Registered, completed per module (3 and 1, 2 and 2): Module 2's two people are fewer than 3, and Module 1's
    # counts would follow from the totals, so neither module's counts are given (tests/test_small_counts_order.py).
    assert [row[3:5] for row in modules[1:]] == [["not given (privacy)"] * 2] * 2
    # The place as the module report writes it: the city and the country's name (NPL: Nepal), not its code.
    assert [row[2] for row in modules[1:]] == ["Kathmandu, Nepal", "Kathmandu, Nepal"]
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "pia@example.org" not in text and "Pia Gurung" not in text and "5678" not in text
    assert "[name] helped a lot" in text
    assert "rule change" in text  # the outcome after module 2
    assert len(Document(io.BytesIO(data)).inline_shapes) == 4  # country, gender, organisation type, funnel


def test_the_funders_report_says_whom_its_figures_count(session: Session, small: dict) -> None:
    # G-2 funds B1: Tan Sok took part (no organisation recorded) and Uma Begum facilitated (Dhaka Voice, an NGO).
    # By hand: 2 individuals, 1 participant; 3,000 USD is 1,500 a person; the civil-society share is of the one
    # person whose organisation type is recorded (Uma: 100%), not of both. One participant and one other are each
    # fewer than 3 people (tests/test_small_counts_funnel.py): neither count is given, nor the cost per participant
    # (3,000 would say there is one).
    data = funder_report(session, reference="G-2", by="tester")
    tables = _docx_tables(data)
    summary = dict(tables[0][1:])
    assert summary["Individuals (each counted once)"] == "2"
    assert summary["Participants (each counted once)"] == "not given (privacy)"
    assert summary["Cost per person reached (every individual above)"] == "USD 1,500.00"
    assert summary["Cost per participant"] == "not given (privacy)"
    # The share is of the one person whose type is recorded: 100% would tell the funder Uma's organisation type, a
    # group of one (tests/test_small_counts.py), so it is not given, and the report says why.
    # Nor how many have their type recorded (1 of 2: tests/test_small_counts_funnel.py).
    assert summary["Civil society (% of those whose organisation type is recorded)"] == "not given (privacy)"
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "reached 2 individuals (each counted once): fewer than 3 participants and fewer than 3 others " \
           "(facilitators" in text  # fmt: skip
    # One organisation (Uma's): in the singular (it read "1 organisations").
    assert "and 1 organisation; " in text
    assert "the civil-society share is not given." in text
    assert "A share that would count fewer than 3 people, or all but fewer than 3, is not given" in text
    by_type = next(table for table in tables if table[0] == ["Organisation type", "Individuals", "Share"])
    # Tan (not recorded) and Uma (NGO): two people, shown together to the funder (fewer than 3 each); the share is
    # Uma's, the not recorded being left out of the shares.
    assert by_type[1:] == [["Other (fewer than 3 each)", "2", "100.0%"]] and "nan%" not in str(tables)


def test_stats_and_grants_list_on_the_command_line(
    small: dict, session: Session, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path
) -> None:
    from programme.cli import main

    url = session.get_bind().url.render_as_string(hide_password=False)
    monkeypatch.setenv("DATABASE_URL", url)
    assert main(["stats", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["organisations"] == 3 and figures["registered"] == 4 and figures["completed"] == 3
    assert figures["by_funder"] == {"Nordic Test Fund": 3, "Pacific Test Trust": 4}
    assert {"courses", "individuals", "by_country", "by_year"} <= set(figures)
    assert main(["grants", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"ref": "G-1", "funder": "Nordic Test Fund", "courses": ["A1"], "individuals": 3},
        {"ref": "G-2", "funder": "Pacific Test Trust", "courses": ["B1"], "individuals": 2},
        {"ref": "G-3", "funder": "Pacific Test Trust", "courses": ["A1"], "individuals": 2},
    ]
    out = tmp_path / "g1.docx"
    assert main(["export", "funder-report", str(out), "--grant", "G-1"]) == 0
    assert _docx_tables(out.read_bytes())[0][3] == ["Individuals (each counted once)", "3"]
    assert main(["export", "funder-report", str(out), "--grant", "NOPE"]) != 0
    assert "No grant has the reference 'NOPE'" in capsys.readouterr().err


def test_evaluation_comments_follow_the_grant_filter(session: Session, small: dict) -> None:
    assert len(grouped_comments(session, grants=("G-1",))) == 1
    assert grouped_comments(session, grants=("G-2",)).empty


def test_the_funders_report_calls_everyone_on_a_modules_lists_on_the_lists(session: Session, small: dict) -> None:
    # Nobody in G-1's modules came from a registration list: Pia, Raj and Sri are on Module 1's list (Sri absent), Pia
    # and Sri on Module 2's. The report called the three "Registered (listed)", beside the module report's and the
    # Reach headline's "signed up"/"registered" for those on a registration list only: a funder read one word for two
    # figures (100 and 60 on a real import). It says "On the lists", as the Completion tab does, and what a list is.
    data = funder_report(session, reference="G-1", by="tester")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "participants registered" not in text and "Registered (listed)" not in text
    # 2 completed: "fewer than 3" (tests/test_small_counts_funnel.py).
    assert "Of 3 participants on the modules' lists (those who signed up on a registration list and those only on " \
           "an attendance sheet or a list of who took part, whether or not they came), 3 attended and fewer than 3 " \
           "completed at least one module" in text  # fmt: skip
    assert LISTED_NOTE in text
    tables = _docx_tables(data)
    assert tables[1][0] == ["Module", "Dates", "Place", "On the lists", "Completed", "Evaluations",
                            "Mean rating"]  # fmt: skip
    completion = next(table for table in tables if table[0][-1] == "Completion")
    assert completion[0] == ["Module", "On the lists", "Attended", "Completed", "Completion"]


def test_the_grants_table_shows_whom_a_grant_reached_and_its_cost_before_the_lists_of_what_it_funds(
    small: dict, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The table is wider than the page: individuals reached and cost per person, the figures a manager opens it for,
    # sat last, behind a sideways scroll, after the (long) lists of courses and modules funded. By hand: G-1 reached
    # Pia, Raj and Sri (3), 9,000 EUR / 3 = 3,000 a person.
    from tests.apptest_support import run_page

    monkeypatch.setenv("DATABASE_URL", session.get_bind().url.render_as_string(hide_password=False))
    app = run_page("pages/funding.py", UserRole.FACILITATOR)
    assert not app.exception, app.exception
    table = app.dataframe[0].value
    assert list(table.columns).index("individuals") < list(table.columns).index("courses")
    assert list(table.columns)[:9] == ["ref", "funder", "title", "start", "end", "amount", "currency", "individuals",
                                       "cost_per_person"]  # fmt: skip
    g1 = table.set_index("ref").loc["G-1"]
    assert (g1["individuals"], g1["cost_per_person"]) == (3, 3000)


def test_the_funders_report_says_which_names_its_comments_lose(session: Session, small: dict) -> None:
    """Seen in a first module's funder report: it said its comments had "names ... removed", and a comment thanking
    someone outside the course kept that name (the names hidden are those of the courses' people, as the privacy
    rule says). The report says which names it removes; the name of someone outside the courses stays as written."""
    form = session.exec(sa.select(EvaluationForm).where(EvaluationForm.title == "M2 evaluation")).one()[0]
    question = session.exec(sa.select(Question).where(Question.form_id == form.id)).one()[0]
    response = Response(form_id=form.id)
    session.add(response)
    session.flush()
    session.add(Answer(response_id=response.id, question_id=question.id, text="Thanks to Siti Aminah for the visit"))
    session.flush()
    text = "\n".join(p.text for p in Document(io.BytesIO(funder_report(session, reference="G-1", by="t"))).paragraphs)
    assert "Thanks to Siti Aminah for the visit" in text  # not a person of the course: kept, as the rule says
    assert "(names, e-mail addresses and phone numbers removed)" not in text
    assert "the names of the courses' participants and facilitators removed" in text


def test_a_funder_or_grant_text_longer_than_its_column_is_refused_in_a_sentence(session: Session) -> None:
    """Seen adding a funder on PostgreSQL: a 400-letter name ended in "something unexpected went wrong (DataError)"
    (SQLite stored it whole). Every ORM write now checks its texts against their columns before the flush, on both
    databases, and names the field."""
    with pytest.raises(ProgrammeError, match=r"The funder's name is longer than 200 characters \(400 typed\)"):
        funding.add_funder(session, name="F" * 400, by="t")
    session.rollback()
    funding.add_funder(session, name="EU", by="t")
    with pytest.raises(
        ProgrammeError, match=r"The funding grant's reference is longer than 80 characters \(81 typed\)"
    ):
        funding.add_grant(session, funder="EU", reference="R" * 81, by="t")
    session.rollback()
    assert session.scalar(sa.text("SELECT count(*) FROM funder WHERE length(name) > 200")) == 0
    # A text that fits is written as before.
    funding.add_funder(session, name="G" * 200, by="t")
    session.commit()
    assert session.scalar(sa.text("SELECT count(*) FROM funder WHERE length(name) = 200")) == 1


def test_the_funders_report_gives_no_mean_score_of_fewer_than_three_people(session: Session, small: dict) -> None:
    """G-1's modules each have two people with both tests (M1: Pia 40 → 60, Raj 50 → 55; M2: Pia 60 → 80, Sri
    30 → 50): a module's mean of two tells each of them the other's score. The grant's four are shown, by hand
    (40 + 50 + 60 + 30) / 4 = 45 before and (60 + 55 + 80 + 50) / 4 = 61.25 after; the modules' means are not, and
    the report says why (access/small_counts.small_means)."""
    content = funder_report_content(session, "G-1")
    rows = {row["group"]: row for row in content.learning.to_dict("records")}
    whole = rows.pop("Whole programme")
    assert (whole["n"], whole["pre"], whole["post"]) == (4, pytest.approx(45.0), pytest.approx(61.25))
    assert [row["n"] for row in rows.values()] == [2, 2]
    assert all(pd.isna(row[c]) for row in rows.values() for c in ("pre", "post", "gain", "ci_low", "ci_high"))
    data = funder_report(session, reference="G-1", by="tester")
    learning = next(table for table in _docx_tables(data) if table[0][:3] == ["", "n", "Before"])
    # 61.25 after: a half rounded up, as every figure shown (format(61.25, ".1f") gave "61.2").
    assert learning[1][:4] == ["All modules of the grant", "4", "45.0", "61.3"]
    assert [row[1:5] for row in learning[2:]] == [["2", "—", "—", "—"], ["2", "—", "—", "—"]]
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "the scores of groups of fewer than 3 people who took both tests are not shown" in text


def test_the_funders_report_counts_every_module_the_grant_funds_and_says_how_many_have_people(
    session: Session, small: dict
) -> None:
    """Seen in a journey: a grant funding a whole course of Module 1 (nobody recorded yet) and Module 2 (60 people):
    the report said "funded 1 module of 1 course" above a table listing both modules."""
    text = "\n".join(p.text for p in Document(io.BytesIO(funder_report(session, reference="G-1", by="t"))).paragraphs)
    assert "Grant G-1 of Nordic Test Fund funded 2 modules of 1 course. They reached" in text  # both have people
    add_module(session, course_code="A1", number=3, title="M3", start=date(2017, 2, 1), end=date(2017, 2, 3), by="t")
    session.commit()
    data = funder_report(session, reference="G-1", by="t")
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    modules = _docx_tables(data)[1]
    assert len(modules) - 1 == 3  # the table: every module the grant funds, M3 with nobody yet
    assert (
        "Grant G-1 of Nordic Test Fund funded 3 modules of 1 course (people are recorded in 2 of them so far). "
        "They reached 3 individuals" in text
    )


def _more_organisations(session: Session) -> None:
    """Two more NGOs, two more trade unions and three organisations of no recorded type, one person each, all in
    A1's Module 1 (grant G-1)."""
    m1 = get_module(session, "A1", 1)
    for name, kind in (("Pokhara Rights", OrgType.NGO), ("Lalitpur Aid", OrgType.NGO),
                       ("Penang Union", OrgType.TRADE_UNION), ("Johor Union", OrgType.TRADE_UNION),
                       ("Collective One", None), ("Collective Two", None), ("Collective Three", None)):  # fmt: skip
        org = Organisation(name=name, name_key=name.lower(), org_type=kind, country="NPL")
        session.add(org)
        session.flush()
        person = _person(session, f"Staff {name}", Gender.MALE, "NPL", org)
        session.flush()
        session.add(Participation(person_id=person.id, module_id=m1.id, attended=True))
    session.flush()


def _organisations_by_type_sql(session: Session, module_ids: list[int] | None = None) -> dict[str, int]:
    """Distinct organisations of the people who took part, by type (None: not recorded), in bare SQL."""
    where = "" if module_ids is None else f" AND pa.module_id IN ({', '.join(str(int(m)) for m in module_ids)})"
    rows = session.execute(sa.text(
        "SELECT o.org_type, count(DISTINCT o.id) FROM participation pa JOIN person p ON p.id = pa.person_id "
        f"JOIN organisation o ON o.id = p.organisation_id WHERE pa.attended = :yes{where} GROUP BY o.org_type"
    ), {"yes": True}).all()  # fmt: skip
    return {kind: int(n) for kind, n in rows}


def test_organisations_by_type_leave_not_recorded_out_of_the_shares_as_people_by_type_do(
    session: Session, small: dict
) -> None:
    """The Organisations tab gave "not recorded" a share (40 organisations, 66.7%) where the Organisation type tab
    leaves the people whose type is not recorded out of the shares: the shares are of the organisations whose type
    is recorded, and "not recorded" is last, its count shown, with no share."""
    from programme.charts.funding import organisations_chart
    from programme.reach import NOT_RECORDED

    _more_organisations(session)
    counted_by_hand = _organisations_by_type_sql(session)
    unknown = counted_by_hand.pop(None)
    assert unknown == 3 and counted_by_hand == {"NGO": 4, "trade union": 3}  # Dhaka Voice (Uma) is an NGO
    typed = sum(counted_by_hand.values())
    by_type = reach.organisations_by_type(reach.organisations(session))
    assert by_type["org_type"].tolist() == ["NGO", "trade union", NOT_RECORDED]
    assert by_type["organisations"].tolist() == [counted_by_hand["NGO"], counted_by_hand["trade union"], unknown]
    assert by_type["share"].iloc[:2].tolist() == [round(100 * 4 / typed, 1), round(100 * 3 / typed, 1)]  # 57.1, 42.9
    assert pd.isna(by_type["share"].iloc[2])
    # The chart says so on the bar, and draws "not recorded" at the bottom (a horizontal chart's first row).
    bars = organisations_chart(by_type).data[0]
    assert list(bars.y) == [NOT_RECORDED, "trade union", "NGO"]
    assert list(bars.text) == ["3 (not in the shares)", "3 (42.9%)", "4 (57.1%)"]


def test_a_viewers_organisations_by_type_merge_small_types_and_keep_not_recorded_apart() -> None:
    """What a viewer sees (access/small_counts.merge_small): the types of fewer than 3 organisations together, the
    total exact, "not recorded" still without a share. By hand: 4 + 3 + 1 + 1 = 9 typed organisations; faith-based
    and academia (1 each) are too few, and with the smallest shown type (trade union, 3) they make Other: 5."""
    from programme.access.small_counts import merge_small, other_label
    from programme.reach import NOT_RECORDED

    table = pd.DataFrame(
        [("NGO", "NPL", 4, 6), ("trade union", "MYS", 3, 3), ("faith-based", "MYS", 1, 1), ("academia", "NPL", 1, 2),
         (NOT_RECORDED, "unknown", 5, 5)],
        columns=["org_type", "code", "organisations", "individuals"],
    )  # fmt: skip
    by_type = reach.organisations_by_type(table)
    assert by_type.loc[by_type["org_type"] == "NGO", "share"].item() == round(100 * 4 / 9, 1)
    merged = merge_small(by_type, "org_type", threshold=3, count="organisations")
    rows = dict(zip(merged["org_type"], merged["organisations"], strict=True))
    assert rows == {"NGO": 4, NOT_RECORDED: 5, other_label(3): 5}
    assert int(merged["organisations"].sum()) == 14
    assert pd.isna(merged.loc[merged["org_type"] == NOT_RECORDED, "share"].item())
    assert merged.loc[merged["org_type"] == "NGO", "share"].item() == round(100 * 4 / 9, 1)


def test_the_funders_report_gives_organisations_shares_of_those_whose_type_is_recorded(
    session: Session, small: dict
) -> None:
    _more_organisations(session)
    a1 = [get_module(session, "A1", 1).id, get_module(session, "A1", 2).id]  # G-1 funds course A1
    by_hand = _organisations_by_type_sql(session, a1)
    assert by_hand == {"NGO": 3, "trade union": 3, None: 3}  # none fewer than 3: nothing merged for the funder
    data = funder_report(session, reference="G-1", by="tester")
    organisations = next(t for t in _docx_tables(data) if t[0] == ["Organisation type", "Organisations", "Share"])
    assert organisations[1:] == [["NGO", "3", "50.0%"], ["trade union", "3", "50.0%"],
                                 ["not recorded", "3", "not in the shares"]]  # fmt: skip
    from programme.reach import ORGANISATION_SHARE_NOTE

    text = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert ORGANISATION_SHARE_NOTE in text
