"""Reports and exports: the module report, certificates of participation, the programme summary workbook."""

import streamlit as st

from programme import funding, reports
from programme.courses.lookup import module_ref
from programme.courses.search import course_choices, module_choices
from programme.groups.store import participant_counts
from programme.planning.attendance import completion_rule
from programme.web import ui
from programme.web.display import md_text

user = ui.guard(__file__)
ui.heading(
    "Reports and exports",
    "Module reports for partners and funders, certificates of participation, and the summary workbook.",
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

courses_total, course_titles = ui.cached_query(course_choices)
if not courses_total:
    st.info("No modules are recorded yet. Add a course and its modules under **Plan** first.")
    st.stop()

st.subheader("A module")
find, left, right = st.columns([1, 2, 2])
words = find.text_input("Find a course", key="reports_course_find", placeholder="Code or title").strip()
if words:
    courses_total, course_titles = ui.cached_query(course_choices, words)
if not course_titles:
    find.warning(f"No course matches '{md_text(words)}': try part of its code or title.")
    st.stop()
# A module's address (?module=ID) opens on it and its course.
ui.course_and_module_from_address("reports_course", "reports_module", course_titles)
# The index is the choice kept (ui.kept_index): a selectbox the browser draws afresh falls back to it.
course = left.selectbox("Course", list(course_titles), format_func=lambda code: f"{code} · {course_titles[code]}",
                        key="reports_course", index=ui.kept_index(list(course_titles), "reports_course"))  # fmt: skip
if courses_total > len(course_titles):
    left.caption(f"The newest {len(course_titles):,} of {courses_total:,} courses; find one by code or title.")
module_labels = ui.cached_query(module_choices, course_code=course).labels
if not module_labels:
    st.info(f"{md_text(course)} has no modules yet. Add them under **Plan**.")
    st.stop()
# Listed oldest first, as a course's modules are numbered; chosen first, the newest with someone on its list (the one a
# report is due for): the first listed was an empty Module 1 while the lists had gone into Module 2.
if st.session_state.get("reports_module") not in module_labels:
    counts = ui.cached_query(participant_counts, module_ids=tuple(module_labels))
    st.session_state["reports_module"] = ui.first_with_people(module_labels, counts) or list(module_labels)[-1]
module_id = right.selectbox(
    "Module",
    list(reversed(module_labels)),
    format_func=module_labels.get,
    key="reports_module",
    index=ui.kept_index(list(reversed(module_labels)), "reports_module"),
)
ui.keep_module_in_address(module_id)
with ui.db() as session:
    number = module_ref(session, module_id).number
slug = f"{course}-module-{number}"

content = ui.cached_query(reports.module_report_content, module_id)
completed = ui.cached_query(reports.module_certificates, module_id)
course_completed = ui.cached_query(reports.course_certificates, course)

st.write(
    f"**{md_text(content.course_title)}, Module {number}** — {reports.date_span(content.start, content.end)}"
    f"{', ' + md_text(content.place) if content.place else ''}: {ui.counted(int(content.figures['individuals']), 'participant')}, "
    f"{ui.counted(content.sessions, 'session')}, {ui.counted(content.evaluation_responses, 'evaluation response')}, "
    f"{ui.counted(len(content.next_steps), 'next step')}."
)


def module_report_bytes() -> bytes:
    with ui.db() as session:
        return reports.module_report(session, module_id=module_id, by=user.username)


def certificates_bytes(whole_course: bool) -> bytes:
    with ui.db() as session:
        return reports.certificates_pdf(
            session, course_code=course, module_id=None if whole_course else module_id, by=user.username
        )


st.download_button(
    "Download the module report (.docx)",
    module_report_bytes,
    f"{slug}-report.docx",
    DOCX,
    type="primary",
    icon=":material/description:",
    on_click="ignore",
)
st.caption(
    "Headings as in our module reports: summary, participants, program content, evaluation, next steps, topics "
    f"for the next module. Participants are named only with their consent ({len(content.listed_participants)} of "
    f"{len(content.listed_participants) + content.unlisted_participants}); edit the text in Word afterwards."
)

st.subheader("Certificates of participation")
unprintable = reports.unprintable_names([*completed, *course_completed])
if unprintable:
    # Names are user text: shown as written, never as Markdown (a code span ended at a name's own backtick, and
    # what followed was read as Markdown). Said before the buttons, not under them.
    left = {c.name for c in reports.left_out([*completed, *course_completed])}
    listed = "; ".join(f"{md_text(name)} ({md_text(chars)})" for name, chars in unprintable.items() if name in left)
    others = "; ".join(f"{md_text(name)} ({md_text(chars)})" for name, chars in unprintable.items() if name not in left)
    if listed:
        st.warning(
            f"Left out of the PDF, as their names have characters no font of the app has: {listed}. Print those "
            "certificates by hand, or check how the names are spelled."
        )
    if others:
        st.warning(f"These certificates would leave out characters no font of the app has: {others}.")
a, b = st.columns(2)
with a:
    st.write(f"Completed Module {number}: **{len(completed)}**")
    st.download_button(
        "Certificates for this module (PDF)",
        lambda: certificates_bytes(False),
        f"{slug}-certificates.pdf",
        "application/pdf",
        disabled=not completed,
        key="certificates-module",
        on_click="ignore",
    )
with b:
    st.write(f"Completed the whole course so far: **{len(course_completed)}**")
    st.download_button(
        "Certificates for the course (PDF)",
        lambda: certificates_bytes(True),
        f"{course}-certificates.pdf",
        "application/pdf",
        disabled=not course_completed,
        key="certificates-course",
        on_click="ignore",
    )
took_part = int(content.figures["individuals"])
if not completed and not content.roles.get("participant"):
    st.info(
        "Nobody is on this module's participant list yet: import the list first (**People › Import participants**, "
        "or participants register through **People › Forms for participants**), then record attendance "
        "(**Agenda**, tab **Attendance**)."
    )
elif not completed and not took_part:
    st.info(
        "Nobody is marked as having completed this module yet: record attendance first (**Agenda**, tab **Attendance**)."
    )
elif not completed:
    with ui.db() as session:
        rule = completion_rule(session)
    days = (content.end - content.start).days + 1
    st.info(
        f"{took_part:,} took part, and nobody meets the completion rule ('{rule.value}' of the module's {ui.counted(days, 'day')}). "
        "Check the days recorded under **Agenda**, tab **Attendance** (a sheet may cover fewer days than the module), "
        "or the rule under **Settings**."
    )

st.subheader("Programme summary workbook")
scope = st.selectbox(
    "For",
    ["", *course_titles],
    format_func=lambda code: "All courses" if not code else f"{code} · {course_titles[code]}",
)


def summary_bytes() -> bytes:
    with ui.db() as session:
        return reports.summary_workbook(session, course_code=scope or None)


st.download_button(
    "Download the summary workbook (.xlsx)",
    summary_bytes,
    f"programme-summary-{scope or 'all'}.xlsx",
    XLSX,
    icon=":material/table_view:",
    on_click="ignore",
)
st.caption("A sheet per dimension (country, gender, organisation type, year, growth, repeat, corridors) with charts.")

st.subheader("A funder's report")
grant_options = ui.cached_query(funding.funding_options)["grants"]
if not grant_options:
    st.caption("No grants recorded yet: add funders and grants on **Funders and grants**.")
else:
    grant = st.selectbox("Grant", list(grant_options), format_func=grant_options.get, key="reports_grant")

    def funder_report_bytes() -> bytes:
        with ui.db() as session:
            return reports.funder_report(session, reference=grant, by=user.username)

    st.download_button(
        "Download the funder's report (.docx)",
        funder_report_bytes,
        f"grant-{grant}-report.docx",
        DOCX,
        icon=":material/volunteer_activism:",
        on_click="ignore",
    )
    st.caption(
        "The grant's courses and modules; reach by country, gender and organisation type; completion; learning; "
        "evaluation highlights without e-mails, phone numbers or the names of the courses' participants and "
        "facilitators (other names a comment mentions stay: read them before sending); outcomes. The figures are the "
        "Reach dashboard's with this grant as its filter."
    )
