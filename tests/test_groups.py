"""Role-play and working groups: the generator's guarantees, balance, roles, storage, CLI and documents."""

from __future__ import annotations

import io
import itertools
import json
import os
import random

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programme.charts.groups import scores_chart, spread_chart
from programme.cli import main
from programme.core.db import make_engine, session_scope
from programme.core.errors import ProgrammeError
from programme.courses.catalogue import get_module
from programme.groups.balance import ATTRIBUTES, Scale, encode, scale, squared_gap
from programme.groups.documents import group_lists_docx, role_cards_docx
from programme.groups.plan import describe_group, explain, make_groups, move_person, set_role, swap_people
from programme.groups.problem import build_problem, group_sizes
from programme.groups.roles import assign_roles, fill_required_roles
from programme.groups.search import _seed
from programme.groups.store import (
    load_groups,
    make_module_groups,
    participants_frame,
    person_groups,
    previous_pairs,
    save_groups,
)
from programme.models import AuditEntry, Group, GroupMember, GroupRole, Participation, Person, UserRole
from programme.people.corridors import corridor_side
from programme.people.names import name_key
from tests.apptest_support import run_page

COUNTRIES = ["NPL", "BGD", "PHL", "MYS", "THA", "IDN"]
GENDERS = ["female", "male", "undisclosed"]
ORG_TYPES = ["NGO", "trade union", "lawyers/bar", "faith-based"]


def people(count: int, seed: int = 0) -> pd.DataFrame:
    """Return a participants table of count people with attributes drawn from seed."""
    rng = random.Random(seed)
    rows = []
    for number in range(1, count + 1):
        nationality = rng.choice(COUNTRIES)
        rows.append(
            {
                "person_id": number * 10,
                "name": f"Person {number}",
                "nationality": nationality,
                "side": corridor_side(nationality, None),
                "gender": rng.choice(GENDERS),
                "org_type": rng.choice(ORG_TYPES),
                "languages": "English, " + rng.choice(["Nepali", "Malay", "Thai"]),
                "returning": rng.choice(["newcomer", "returning"]),
            }
        )
    return pd.DataFrame(rows)


def member_lists(plan) -> list[tuple[int, ...]]:
    return [group.members for group in plan.groups]


# --- sizes and errors -----------------------------------------------------------------------------


def test_group_sizes_by_number_and_by_size() -> None:
    assert group_sizes(25, groups=3) == (9, 8, 8)
    assert group_sizes(25, size=5) == (5, 5, 5, 5, 5)
    # 25 / 4 = 6.25: six groups come closest to four each.
    assert group_sizes(25, size=4) == (5, 4, 4, 4, 4, 4)
    assert group_sizes(3, size=10) == (3,)


@pytest.mark.parametrize(
    ("people_count", "options", "message"),
    [
        (5, {"groups": 6}, "only 5 participants"),
        (0, {"groups": 2}, "no participants"),
        (5, {}, "either a number of groups or a group size"),
        (5, {"groups": 2, "size": 2}, "either a number of groups or a group size"),
        (5, {"size": 0}, "at least 1"),
        (5, {"groups": 0}, "at least 1"),
    ],
)
def test_impossible_requests_are_refused_clearly(people_count: int, options: dict, message: str) -> None:
    with pytest.raises(ProgrammeError, match=message):
        group_sizes(people_count, **options)


def test_a_pair_both_together_and_apart_is_refused() -> None:
    with pytest.raises(ProgrammeError, match="both kept together and kept apart"):
        make_groups(people(6), groups=2, keep_together=[(10, 20)], keep_apart=[(20, 10)])


def test_a_pair_naming_someone_else_is_refused() -> None:
    with pytest.raises(ProgrammeError, match="Person 999 .* not a participant"):
        make_groups(people(6), groups=2, keep_apart=[(10, 999)])


# --- properties -----------------------------------------------------------------------------------

FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(count=st.integers(1, 40), data=st.data())
def test_everyone_is_in_exactly_one_group_and_sizes_differ_by_at_most_one(count: int, data: st.DataObject) -> None:
    groups = data.draw(st.integers(1, count), label="groups")
    seed = data.draw(st.integers(0, 10_000), label="seed")
    participants = people(count, seed=seed)
    plan = make_groups(participants, groups=groups, seed=seed)
    placed = [person for members in member_lists(plan) for person in members]
    assert sorted(placed) == sorted(participants["person_id"])
    sizes = [len(members) for members in member_lists(plan)]
    assert len(sizes) == groups
    assert max(sizes) - min(sizes) <= 1
    for group in plan.groups:
        roles = [group.roles[person] for person in group.members]
        assert GroupRole.LEAD in roles
        if len(group.members) >= 2:
            assert GroupRole.NOTE_TAKER in roles
    assert 0.0 <= plan.balance_score <= 1.0


@st.composite
def satisfiable_constraints(draw: st.DrawFn) -> tuple[pd.DataFrame, int, list, list]:
    """Participants, a number of groups, and pairs that a hidden split respects (so all can be met)."""
    count = draw(st.integers(4, 30))
    groups = draw(st.integers(2, min(6, count // 2)))
    participants = people(count, seed=draw(st.integers(0, 1000)))
    ids = list(participants["person_id"])
    order = draw(st.permutations(ids))
    hidden = {person: index % groups for index, person in enumerate(order)}
    same = [pair for pair in itertools.combinations(ids, 2) if hidden[pair[0]] == hidden[pair[1]]]
    different = [pair for pair in itertools.combinations(ids, 2) if hidden[pair[0]] != hidden[pair[1]]]
    together = draw(st.lists(st.sampled_from(same), max_size=4, unique=True)) if same else []
    apart = draw(st.lists(st.sampled_from(different), max_size=6, unique=True))
    return participants, groups, together, apart


@FAST
@given(case=satisfiable_constraints(), seed=st.integers(0, 1000))
def test_keep_together_and_apart_are_respected_when_they_can_be(case, seed: int) -> None:
    participants, groups, together, apart = case
    plan = make_groups(participants, groups=groups, keep_together=together, keep_apart=apart, seed=seed)
    where = {person: number for number, members in enumerate(member_lists(plan)) for person in members}
    assert all(where[first] == where[second] for first, second in together)
    assert all(where[first] != where[second] for first, second in apart)
    assert plan.explanation.split_together == [] and plan.explanation.joined_apart == []


@FAST
@given(count=st.integers(2, 25), seed=st.integers(0, 1000), data=st.data())
def test_the_cost_of_a_swap_is_what_the_swap_changes(count: int, seed: int, data: st.DataObject) -> None:
    participants = people(count, seed=seed)
    pairs = [(10 * a, 10 * b) for a, b in itertools.combinations(range(1, count + 1), 2)][::3]
    problem = build_problem(participants, groups=2, previous_pairs=pairs, keep_apart=pairs[:1])
    split = _seed(problem, random.Random(seed))
    one, two = sorted(split.members[0]), sorted(split.members[1])
    first, second = data.draw(st.sampled_from(one)), data.draw(st.sampled_from(two))
    before = split.total_cost()
    predicted = split.swap_delta(first, second)
    split.swap(first, second)
    assert split.total_cost() - before == pytest.approx(predicted, abs=1e-6)


def test_the_same_seed_gives_the_same_groups_and_roles() -> None:
    participants = people(30, seed=4)
    first = make_groups(participants, groups=5, seed=11, keep_apart=[(10, 20)])
    again = make_groups(participants, groups=5, seed=11, keep_apart=[(10, 20)])
    assert first.groups == again.groups
    assert first.balance_score == again.balance_score
    # Another seed gives another split for at least one of a few seeds.
    assert any(make_groups(participants, groups=5, seed=s).groups != first.groups for s in (12, 13, 14))


# --- balance ---------------------------------------------------------------------------------------


def test_a_perfect_mix_is_found_when_one_exists() -> None:
    # 12 people: four nationalities of three each, half women; three groups can hold one of each country.
    rows = [
        {"person_id": n, "nationality": country, "gender": "female" if n % 2 else "male"}
        for n, country in enumerate(["NPL", "BGD", "PHL", "MYS"] * 3, start=1)
    ]
    plan = make_groups(pd.DataFrame(rows), groups=3, weights={"nationality": 1, "gender": 1}, seed=2)
    spread = plan.explanation.spread
    nationality = spread[spread["attribute"] == "Nationality"]
    assert set(nationality["count"]) == {1}
    assert len(nationality) == 12  # every group holds each of the four countries once
    assert plan.explanation.attribute_scores["nationality"] == 1.0
    assert plan.balance_score == 1.0


def test_scores_run_from_sorted_groups_to_the_best_mix() -> None:
    frame = pd.DataFrame({"person_id": [1, 2, 3, 4], "gender": ["female", "female", "male", "male"]})
    gender = encode(frame, next(a for a in ATTRIBUTES if a.key == "gender"))
    limits = scale(gender, [2, 2])
    # Sorted: [F F][M M] is 4 × (2 − 1)² = 4 away from a 1–1 mix; the best is 0.
    assert limits == Scale(best=0.0, worst=4.0)
    assert limits.score(squared_gap(gender, [[0, 1], [2, 3]])) == 0.0
    assert limits.score(squared_gap(gender, [[0, 2], [1, 3]])) == 1.0
    # Two women and a man over groups of 2 and 1: ideal women 4/3 and 2/3, men 2/3 and 1/3. The best whole
    # split, [F M][F], misses each ideal by 1/3: 4 × 1/9.
    odd = encode(frame.iloc[:3], next(a for a in ATTRIBUTES if a.key == "gender"))
    assert scale(odd, [2, 1]).best == pytest.approx(4 / 9)
    assert squared_gap(odd, [[0, 2], [1]]) == pytest.approx(4 / 9)


def test_explanation_counts_each_attribute_per_group() -> None:
    frame = pd.DataFrame(
        {"person_id": [1, 2, 3, 4], "gender": ["female", "male", "female", "male"], "nationality": ["NPL"] * 4}
    )
    plan = make_groups(frame, groups=2, seed=0, weights={"gender": 1})
    spread = plan.explanation.spread
    gender = spread[spread["attribute"] == "Gender"].sort_values(["group", "value"])
    assert gender[["group", "value", "count"]].values.tolist() == [
        ["Group 1", "female", 1],
        ["Group 1", "male", 1],
        ["Group 2", "female", 1],
        ["Group 2", "male", 1],
    ]


def test_earlier_pairings_are_repeated_less_than_in_a_random_split() -> None:
    participants = people(24, seed=9)
    ids = list(participants["person_id"])
    earlier = [ids[start : start + 6] for start in range(0, 24, 6)]
    pairs = [pair for group in earlier for pair in itertools.combinations(group, 2)]
    plan = make_groups(participants, groups=4, previous_pairs=pairs, seed=3)
    repeated = len(plan.explanation.repeated_pairs)
    rng = random.Random(0)
    random_repeats = []
    for _ in range(200):
        shuffled = ids[:]
        rng.shuffle(shuffled)
        groups = [set(shuffled[start : start + 6]) for start in range(0, 24, 6)]
        random_repeats.append(sum(any({a, b} <= g for g in groups) for a, b in pairs))
    # Six people from four earlier groups share at least two earlier pairs: 8 is the least possible.
    mean_random = sum(random_repeats) / len(random_repeats)
    assert mean_random == pytest.approx(60 * (4 * 6 * 5) / (24 * 23), rel=0.1)  # about 13
    assert 8 <= repeated <= 10 < mean_random


# --- manual changes --------------------------------------------------------------------------------


def test_swapping_two_people_keeps_sizes_and_rescoring_matches() -> None:
    plan = make_groups(people(20, seed=1), groups=4, seed=5)
    first, second = plan.groups[0].members[0], plan.groups[1].members[-1]
    swapped = swap_people(plan, first=first, second=second)
    assert swapped.group_of(first) == 1 and swapped.group_of(second) == 0
    assert [len(g.members) for g in swapped.groups] == [len(g.members) for g in plan.groups]
    # The lead's slot stays a lead: the person arriving takes the role of the one leaving.
    assert swapped.groups[0].roles[second] == plan.groups[0].roles[first]
    assert swapped.balance_score == explain(swapped.problem, swapped.groups).balance_score
    with pytest.raises(ProgrammeError, match="same group"):
        swap_people(plan, first=first, second=plan.groups[0].members[1])


def test_moving_the_lead_leaves_a_new_lead_behind() -> None:
    plan = make_groups(people(8, seed=1), groups=2, seed=0)
    lead = next(p for p, r in plan.groups[0].roles.items() if r == GroupRole.LEAD)
    moved = move_person(plan, person_id=lead, to_group=1)
    assert [len(g.members) for g in moved.groups] == [3, 5]
    assert moved.groups[1].roles[lead] == GroupRole.MEMBER
    # Group 1 had lead, note-taker, presenter, timekeeper: the timekeeper now leads.
    assert sorted(moved.groups[0].roles.values()) == sorted([GroupRole.LEAD, GroupRole.NOTE_TAKER, GroupRole.PRESENTER])
    assert moved.balance_score == explain(moved.problem, moved.groups).balance_score
    assert set_role(moved, person_id=lead, role="observer").groups[1].roles[lead] == GroupRole.OBSERVER


def test_a_swap_that_unmixes_gender_lowers_the_score() -> None:
    # Four women and four men in two groups of four: the generator mixes them 2–2; a woman swapped for a
    # man gives 3–1 and 1–3, gaps of 1 in each of four cells against 16 for groups sorted by gender.
    frame = pd.DataFrame({"person_id": range(1, 9), "gender": ["female", "male"] * 4, "nationality": ["NPL"] * 8})
    plan = make_groups(frame, groups=2, seed=0, weights={"gender": 1})
    assert plan.balance_score == 1.0
    woman = next(p for p in plan.groups[0].members if p % 2)
    man = next(p for p in plan.groups[1].members if not p % 2)
    swapped = swap_people(plan, first=woman, second=man)
    assert swapped.balance_score == pytest.approx(1 - 4 / 16)
    assert swap_people(swapped, first=woman, second=man).balance_score == 1.0


def test_corridor_side_of_a_participant() -> None:
    assert corridor_side("NPL", "MYS") == "destination"  # a Nepali advocate working in Malaysia
    assert corridor_side("NPL", "NPL") == "origin"
    assert corridor_side("MYS", None) == "destination"
    assert corridor_side("FRA", "FRA") == "unknown"
    assert corridor_side(None, None) == "unknown"


# --- documents and charts --------------------------------------------------------------------------


def _text_of(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_group_lists_and_role_cards_read_back() -> None:
    plan = make_groups(people(9, seed=2), groups=2, seed=1)
    plan = describe_group(plan, 0, exercise="Visit to the EU Delegation")
    lists = _text_of(group_lists_docx(plan, title="MY · Module 4"))
    assert "MY · Module 4" in lists and "Group 1" in lists and "Group 2" in lists
    assert "Exercise: Visit to the EU Delegation" in lists
    assert all(f"Person {n}" in lists for n in range(1, 10))
    assert "Nepal" in lists or "Bangladesh" in lists or "Philippines" in lists  # countries by name
    cards = Document(io.BytesIO(role_cards_docx(plan, title="MY · Module 4")))
    assert len(cards.tables) == 9  # one card per member
    first_card = cards.tables[0].rows[0].cells[0].text
    assert "Your role: lead/introducer." in first_card and "Visit to the EU Delegation" in first_card


def test_charts_show_scores_and_spread() -> None:
    plan = make_groups(people(12, seed=3), groups=3, seed=1)
    figure = scores_chart(plan.explanation.scores_table())
    assert list(figure.data[0].y)[-1] == "Nationality"  # the first weighted attribute on top
    spread = spread_chart(plan.explanation.spread, "Gender")
    assert {trace.name for trace in spread.data} <= set(GENDERS)
    assert sum(sum(trace.y) for trace in spread.data) == 12


# --- the database ----------------------------------------------------------------------------------


def test_module_groups_are_saved_loaded_replaced_and_shown_per_person(demo_engine) -> None:
    with session_scope(demo_engine) as session:
        module = get_module(session, "NP-MYS-2016", 4)
        participants = participants_frame(session, module.id)
        assert len(participants) == 25
        assert set(participants["returning"]) <= {"returning", "newcomer"}
        assert participants["nationality"].str.len().eq(3).all()
        earlier = previous_pairs(session, module.id)
        assert earlier and all(a < b for a, b in earlier)
        plan = make_module_groups(session, module_id=get_module(session, "NP-MYS-2016", 4).id, groups=4, seed=7)
        repeated_when_avoiding = len(plan.explanation.repeated_pairs)
        careless = make_module_groups(
            session, module_id=get_module(session, "NP-MYS-2016", 4).id, groups=4, seed=7, repeat_weight=0.0
        )
        assert repeated_when_avoiding <= len(careless.explanation.repeated_pairs)
        save_groups(session, module_id=module.id, plan=plan, by="tester")
        module_id = module.id
    with session_scope(demo_engine) as session:
        loaded = load_groups(session, module_id=module_id)
        assert [g.members for g in loaded.groups] == [g.members for g in plan.groups]
        assert [g.roles for g in loaded.groups] == [g.roles for g in plan.groups]
        assert loaded.balance_score == plan.balance_score
        assert loaded.seed == 7
        save_groups(
            session,
            module_id=module_id,
            plan=swap_people(loaded, first=loaded.groups[0].members[0], second=loaded.groups[1].members[0]),
            by="tester",
        )
    with session_scope(demo_engine) as session:
        count = session.scalar(sa.select(sa.func.count()).select_from(Group).where(Group.module_id == module_id))
        assert count == 4  # the second save replaced the first, and the demo's groups
        entry = session.scalars(sa.select(AuditEntry).where(AuditEntry.entity == "module")).all()[-1]
        assert entry.username == "tester" and "4 groups with 25 members saved" in entry.summary
        person = plan.groups[2].members[0]
        record = person_groups(session, person)
        latest = record[record["course"] == "NP-MYS-2016"]
        assert (latest["module"] == 4).sum() == 1
        assert latest[latest["module"] == 4]["group"].iloc[0] == "Group 3"
        assert (
            session.scalar(
                sa.select(sa.func.count())
                .select_from(GroupMember)
                .where(GroupMember.group_id.in_(sa.select(Group.id).where(Group.module_id == module_id)))
            )
            == 25
        )


# --- the command line ------------------------------------------------------------------------------


def run_cli(monkeypatch, url: str, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setenv("DATABASE_URL", url)
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_json_contract(monkeypatch, capsys, demo_sqlite_url: str) -> None:
    code, out, _ = run_cli(
        monkeypatch,
        demo_sqlite_url,
        capsys,
        "groups",
        "make",
        "--course",
        "NP-MYS-2016",
        "--module",
        "4",
        "--groups",
        "3",
        "--seed",
        "5",
        "--json",
    )
    assert code == 0
    payload = json.loads(out)
    assert 0.0 <= payload["balance_score"] <= 1.0
    assert [group["name"] for group in payload["groups"]] == ["Group 1", "Group 2", "Group 3"]
    members = [member for group in payload["groups"] for member in group["members"]]
    assert len(members) == len({m["person_id"] for m in members}) == 25
    for member in members:
        assert {"person_id", "name", "nationality", "gender", "org_type", "role"} <= member.keys()
        assert len(member["nationality"]) == 3 and member["nationality"].isupper()
        assert member["role"] in {role.value for role in GroupRole}
    assert sorted(len(group["members"]) for group in payload["groups"]) == [8, 8, 9]
    # Same seed, same answer; nothing saved without --save.
    assert (
        json.loads(
            run_cli(
                monkeypatch,
                demo_sqlite_url,
                capsys,
                "groups",
                "make",
                "--course",
                "NP-MYS-2016",
                "--module",
                "4",
                "--groups",
                "3",
                "--seed",
                "5",
                "--json",
            )[1]
        )
        == payload
    )
    with session_scope(make_engine(demo_sqlite_url)) as session:
        assert not session.scalar(sa.select(AuditEntry.id).where(AuditEntry.entity == "module"))


def test_cli_size_and_save(monkeypatch, capsys, demo_sqlite_url: str) -> None:
    code, out, _ = run_cli(
        monkeypatch,
        demo_sqlite_url,
        capsys,
        "groups",
        "make",
        "--course",
        "np-mys-2016",
        "--module",
        "4",
        "--size",
        "5",
        "--save",
    )
    assert code == 0
    assert "Group 5 (5 members)" in out and "Balance score:" in out and "Saved 5 groups" in out
    with session_scope(make_engine(demo_sqlite_url)) as session:
        module = get_module(session, "NP-MYS-2016", 4)
        sizes = (
            session.execute(
                sa.select(sa.func.count())
                .select_from(GroupMember)
                .join(Group)
                .where(Group.module_id == module.id)
                .group_by(Group.id)
            )
            .scalars()
            .all()
        )
        assert sorted(sizes) == [5, 5, 5, 5, 5]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--course", "NOPE", "--module", "1", "--groups", "2"], "no course with the code 'NOPE'"),
        (["--course", "NP-MYS-2016", "--module", "9", "--groups", "2"], "has no module 9"),
        (["--course", "NP-MYS-2016", "--module", "4", "--groups", "26"], "only 25 participants"),
        (["--course", "NP-MYS-2016", "--module", "4", "--size", "0"], "at least 1"),
    ],
)
def test_cli_errors_are_one_sentence_and_exit_1(monkeypatch, capsys, demo_sqlite_url: str, args, message) -> None:
    code, out, err = run_cli(monkeypatch, demo_sqlite_url, capsys, "groups", "make", *args)
    assert code == 1 and out == ""
    assert err.startswith("Error: ") and message in err


def test_cli_refuses_a_module_without_participants(monkeypatch, capsys, sqlite_url: str) -> None:
    assert run_cli(monkeypatch, sqlite_url, capsys, "course", "add", "--code", "T1", "--title", "Test")[0] == 0
    assert (
        run_cli(
            monkeypatch,
            sqlite_url,
            capsys,
            "module",
            "add",
            "--course",
            "T1",
            "--number",
            "1",
            "--title",
            "One",
            "--start",
            "2024-01-01",
            "--end",
            "2024-01-02",
            "--city",
            "Dili",
            "--country",
            "TLS",
        )[0]
        == 0
    )
    code, _, err = run_cli(
        monkeypatch, sqlite_url, capsys, "groups", "make", "--course", "T1", "--module", "1", "--groups", "2"
    )
    assert code == 1 and "no participants yet" in err


def test_cli_needs_groups_or_size(monkeypatch, capsys, demo_sqlite_url: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        run_cli(monkeypatch, demo_sqlite_url, capsys, "groups", "make", "--course", "X", "--module", "1")
    assert stopped.value.code == 2


# --- the page --------------------------------------------------------------------------------------


@pytest.fixture
def groups_page(monkeypatch, demo_sqlite_url: str):
    """The groups page on the demo, on Module 4 of the Malaysia programme, signed in as a facilitator."""
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    app = run_page("pages/groups.py", UserRole.FACILITATOR, username="facilitator")
    with session_scope(make_engine(demo_sqlite_url)) as session:
        module_id = get_module(session, "NP-MYS-2016", 4).id
    app.selectbox(key="module").set_value(module_id).run()
    return app, module_id, demo_sqlite_url


def test_the_module_picker_counts_the_participants_on_the_module_s_lists(groups_page) -> None:
    """The picker's count is of everyone listed as a participant (those only registered too), and says so: beside
    the page's "Those who came (N)" a bare "25 participants" read as a second, contradictory count (audit, 6 December)."""
    app, module_id, url = groups_page
    with make_engine(url).connect() as connection:
        listed = connection.execute(
            sa.text("SELECT count(*) FROM participation WHERE module_id = :m AND role = 'participant'"),
            {"m": module_id},
        ).scalar_one()
    picker = app.selectbox(key="module")
    label = picker.options[picker.index]
    assert label.endswith(f" · {listed} participants listed"), label


def test_page_generates_adjusts_saves_and_prints(groups_page) -> None:
    app, module_id, url = groups_page
    assert not app.exception
    assert any("Generate groups" in info.value for info in app.info)
    app.number_input(key="amount").set_value(4).run()
    app = app.button(key="generate").click().run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Groups"] == "4"
    score = float(metrics["Balance score"])
    assert 0 < score <= 1
    tables = [frame.value for frame in app.dataframe]
    assert len(tables) == 4 and sum(len(table) for table in tables) == 25
    assert list(tables[0].columns[:2]) == ["Name", "Role"]
    assert all("lead/introducer" in set(table["Role"]) for table in tables)
    # Nationalities read as country names, in the tables and in the spread chart's legend.
    nationalities = {value for table in tables for value in table["Nationality"]}
    assert nationalities and not any(len(value) == 3 and value.isupper() for value in nationalities)
    legend = {trace["name"] for trace in json.loads(app.get("plotly_chart")[-1].proto.spec)["data"]}
    assert app.selectbox(key="spread_of").value == "Nationality" and legend <= nationalities and len(legend) > 1

    # Swap two people from different groups: the score is recomputed and shown with its change.
    plan = app.session_state["groups_plan"]
    one, two = plan.groups[0].members[-1], plan.groups[1].members[-1]
    app.selectbox(key="swap_one").set_value(one)
    app.selectbox(key="swap_two").set_value(two)
    app = app.button(key="swap").click().run()
    assert not app.exception
    swapped = app.session_state["groups_plan"]
    assert swapped.group_of(one) == 1 and swapped.group_of(two) == 0
    assert app.metric[0].value == f"{swapped.balance_score:.2f}"
    assert app.metric[0].delta == f"{swapped.balance_score - plan.balance_score:+.2f}"

    app = app.button(key="save").click().run()
    assert any("Saved 4 groups" in success.value for success in app.success)
    with session_scope(make_engine(url)) as session:
        loaded = load_groups(session, module_id=module_id)
        # Membership and roles come back as saved (members of equal role are listed by id).
        assert [g.roles for g in loaded.groups] == [g.roles for g in swapped.groups]
    labels = [button.label for button in app.get("download_button")]
    assert labels == ["Group lists (.docx)", "Role cards (.docx)", "Members (.csv)"]


def test_a_very_long_name_leaves_the_role_in_view(groups_page) -> None:
    """A name of 150 characters widened the Name column past a group's table, and Role, beside it, went out of view.
    Name keeps a fixed width (the full name shows on hover) and Name and Role stay pinned while the rest scrolls."""
    app, module_id, url = groups_page
    long_name = "Maria " + "de los Santos " * 10 + "Fernández"
    with session_scope(make_engine(url)) as session:
        person_id = session.scalars(
            sa.select(Participation.person_id).where(
                Participation.module_id == module_id,
                Participation.attended.is_(True),
                Participation.role == "participant",
            )
        ).first()
        person = session.get(Person, person_id)
        person.full_name, person.name_key = long_name, name_key(long_name)
    app = app.run()
    app = app.button(key="generate").click().run()
    assert not app.exception
    assert any(long_name in set(frame.value["Name"]) for frame in app.dataframe)
    for frame in app.dataframe:
        assert list(frame.value.columns[:2]) == ["Name", "Role"]
        config = json.loads(frame.proto.columns)
        name, role = config["Name"], config["Role"]
        assert isinstance(name["width"], int) and name["width"] <= 200, name  # never as wide as the longest name
        assert isinstance(role["width"], int) and role["width"] >= 110, role  # "lead/introducer" reads whole
        assert name["pinned"] and role["pinned"]


def test_page_does_not_replace_a_colleagues_save_unseen(groups_page) -> None:
    """Two facilitators load the saved groups in two browsers; one changes a role and saves, then the other saves
    their own change: it was saved over the first one's without a word. Now the second is told and saves only
    when they press Save again."""
    first, module_id, url = groups_page
    first = first.button(key="generate").click().run()
    first = first.button(key="save").click().run()
    second = run_page("pages/groups.py", UserRole.FACILITATOR, username="colleague")
    second.selectbox(key="module").set_value(module_id).run()
    first, second = first.button(key="load").click().run(), second.button(key="load").click().run()
    plan = first.session_state["groups_plan"]
    member = plan.groups[0].members[-1]
    first.selectbox(key="role_who").set_value(member)
    first.selectbox(key="role_new").set_value(GroupRole.NOTE_TAKER.value)
    first = first.button(key="set_role").click().run()
    first = first.button(key="save").click().run()
    assert any("Saved" in success.value for success in first.success)
    second = second.button(key="save").click().run()
    assert not second.exception
    assert any("facilitator saved groups for this module since you started these" in e.value for e in second.error)
    with session_scope(make_engine(url)) as session:
        assert load_groups(session, module_id=module_id).groups[0].roles[member] == GroupRole.NOTE_TAKER
    second = second.button(key="save").click().run()  # told, they save again: theirs replace the colleague's
    assert any("Saved" in success.value for success in second.success)
    with session_scope(make_engine(url)) as session:
        saved = load_groups(session, module_id=module_id)
        assert saved.groups[0].roles == second.session_state["groups_plan"].groups[0].roles
    second = second.button(key="save").click().run()  # and their own saves after that go through
    assert any("Saved" in success.value for success in second.success) and not second.error


def add_pair(app, first: int, second: int, kind: str):
    """Add a pair of the first and second participants in the page's order (by name)."""
    module_id = app.session_state["groups_scope"][0]
    with session_scope(make_engine(os.environ["DATABASE_URL"])) as session:
        ids = [int(person) for person in participants_frame(session, module_id)["person_id"]]
    app.selectbox(key="pair_first").set_value(ids[first])
    app.selectbox(key="pair_second").set_value(ids[second])
    app.radio(key="pair_kind").set_value(kind)
    return app.button(key="pair_add").click().run()


def test_page_keeps_pairs_apart_as_asked(groups_page) -> None:
    app, _, _ = groups_page
    assert len(app.selectbox(key="pair_first").options) == 25
    app = add_pair(app, 0, 1, "apart")
    pairs = app.session_state["groups_pairs"]
    assert len(pairs) == 1 and pairs[0][2] == "apart"
    app.number_input(key="amount").set_value(2).run()
    app = app.button(key="generate").click().run()
    plan = app.session_state["groups_plan"]
    first, second, _ = pairs[0]
    assert plan.group_of(first) != plan.group_of(second)
    assert {metric.label: metric.value for metric in app.metric}["Pairs not kept as asked"] == "0"


def test_page_explains_a_contradictory_request(groups_page) -> None:
    app, _, _ = groups_page
    app = add_pair(add_pair(app, 0, 1, "together"), 1, 0, "apart")
    app = app.button(key="generate").click().run()
    assert not app.exception
    assert any("both kept together and kept apart" in error.value for error in app.error)
    assert "groups_plan" not in app.session_state


def test_page_on_a_module_without_participants_says_what_to_do(monkeypatch, sqlite_url: str) -> None:
    with session_scope(make_engine(sqlite_url)) as session:
        from datetime import date

        from programme.courses.catalogue import add_course, add_module

        add_course(session, code="T1", title="Test course", by=None)
        add_module(session, course_code="T1", number=1, title="One", start=date(2024, 1, 1), end=date(2024, 1, 2))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    app = run_page("pages/groups.py", UserRole.FACILITATOR)
    assert not app.exception
    assert any("no participants yet" in info.value for info in app.info)


def test_roles_go_first_to_people_who_have_not_held_them() -> None:
    held = {1: {GroupRole.LEAD}, 2: {GroupRole.NOTE_TAKER}}
    for seed in range(5):
        roles = assign_roles([1, 2, 3], random.Random(seed), held_before={**held, 3: {GroupRole.LEAD}})
        assert roles[2] == GroupRole.LEAD  # 1 and 3 led before
        assert roles[1] == GroupRole.NOTE_TAKER or roles[3] == GroupRole.NOTE_TAKER
    assert fill_required_roles([5, 6], {5: GroupRole.PRESENTER, 6: GroupRole.OFFICIAL}) == {
        5: GroupRole.LEAD,
        6: GroupRole.NOTE_TAKER,
    }


def test_the_spread_chart_gives_each_of_many_nationalities_its_own_colour() -> None:
    """Seen on a new installation: 13 nationalities over three groups, and Bangladesh and Thailand drawn in the
    same blue (the theme's palette has ten colours), so the chart could not tell them apart."""
    countries = ["Bangladesh", "Cambodia", "Indonesia", "Japan", "Lebanon", "Malaysia", "Myanmar", "Nepal",
                 "Philippines", "South Korea", "Sri Lanka", "Thailand", "Vietnam", "Laos", "Timor-Leste", "Pakistan",
                 "India", "China", "Hong Kong", "Singapore", "Brunei", "Mongolia"]  # fmt: skip
    spread = pd.DataFrame(
        [{"attribute": "Nationality", "group": f"Group {g}", "value": c, "count": 1} for g in (1, 2) for c in countries]
    )
    figure = spread_chart(spread, "Nationality")
    colours = {trace.name: trace.marker.color for trace in figure.data}
    assert len(colours) == len(countries)
    assert all(colours.values())  # named here, not left to the theme's palette
    assert len(set(colours.values())) == len(countries)
