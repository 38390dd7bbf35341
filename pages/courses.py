"""Courses and modules."""

from datetime import date

import streamlit as st

from programme.charts.planning import programme_timeline
from programme.courses import catalogue as courses
from programme.courses import overview, queries
from programme.models import Scope
from programme.people.countries import country_name
from programme.planning import partners
from programme.web import course_forms, course_tables, ui
from programme.web.display import md_text

user = ui.guard(__file__)
ui.heading(
    "Courses and modules",
    "Create, edit and filter courses and modules, with partners and a timeline of the whole programme.",
)

ANY = "Any"
# The tables list at most this many rows (the newest), the timeline this many modules; filters narrow them.
SHOWN_ROWS = 500
TIMELINE_MODULES = 100

if ui.cached_query(queries.count_courses) == 0:
    st.info("No course yet. Open the **Add a course or module** tab to add the first one, then its modules.")

years, countries = ui.cached_query(queries.module_filter_options)
filters = st.columns(5)
search = filters[0].text_input("Find", placeholder="Course code or title, module title, city").strip() or None
year = filters[1].selectbox("Year", [ANY, *years])
country = filters[2].selectbox("Country", [ANY, *countries], format_func=lambda c: c if c == ANY else country_name(c))
scope = filters[3].selectbox("Scope", [ANY, *[s.value for s in Scope]])
# The words the modules list says ("under way", "ended, attendance not recorded"...), not the stored status.
status = filters[4].selectbox("Module status", [ANY, *overview.SHOWN_STATUSES])


def _pick(value):
    return None if value == ANY else value


shown = queries.ModuleFilter(
    year=_pick(year), country=_pick(country), scope=_pick(scope), status=_pick(status), search=search
)
today = date.today()
module_count, course_count = ui.cached_query(queries.count_modules, shown, today=today)
modules = ui.cached_query(queries.modules_table, shown, limit=SHOWN_ROWS, today=today)
if not modules.empty:
    # "delivered" follows what is recorded, as on Home and in the filter above: "ended, attendance not recorded" of a
    # past module with only registrations.
    recorded = ui.cached_query(overview.recorded_in_modules, tuple(int(m) for m in modules["module_id"]))
    modules = modules.assign(status=overview.shown_statuses(modules, recorded, today=today))
courses_matching = ui.cached_query(queries.count_courses, shown.for_courses())
course_list = ui.cached_query(queries.courses_table, shown.for_courses(), limit=SHOWN_ROWS)
NARROW = "narrow them with the filters or **Find**"
# Whether any filter or search is set: with none, an empty list means nothing was added yet.
FILTERED = shown.is_set()

timeline_tab, modules_tab, courses_tab, add_tab = ui.tabs(
    ["Timeline", "Modules", "Courses", "Add a course or module"], key="courses_tab"
)
# The course added last in this session: the module form opens on it, and offers it whatever the filters.
NEW_COURSE = "add_module_new_course"
# Form fields keep what was typed after an error; they are cleared only once the record is saved.
ADD_COURSE = ui.form_keys("add_course_code", "add_course_title", "add_course_scope", "add_course_host")
ADD_MODULE = ui.form_keys(
    "add_module_course",
    "add_module_number",
    "add_module_title",
    "add_module_start",
    "add_module_end",
    "add_module_city",
    "add_module_country",
)

with timeline_tab:
    if modules.empty and not FILTERED:
        st.caption("The timeline of the whole programme appears here once modules are added.")
    else:
        st.plotly_chart(programme_timeline(modules.head(TIMELINE_MODULES)), width="stretch")
        st.caption(
            f"{ui.counted(module_count, 'module')} of {ui.counted(course_count, 'course')} "
            f"{'matches' if module_count == 1 else 'match'} the filters."
            + (
                f" The timeline shows the newest {TIMELINE_MODULES}; {NARROW}."
                if module_count > TIMELINE_MODULES
                else ""
            )
        )

with modules_tab:
    if modules.empty:
        if FILTERED:
            st.info("No module matches these filters; choose Any and clear **Find** to see all.")
        else:
            st.info("There are no modules yet. Add one in the **Add a course or module** tab.")
    else:
        if module_count > len(modules):
            st.caption(f"Showing the newest {len(modules)} of {module_count:,} modules; {NARROW}.")
        # Every column in view on a laptop (course_tables.py): the course's title and scope are on the Courses tab.
        shown_modules, options = course_tables.modules_view(modules)
        ui.table(shown_modules, hide_index=True, width="stretch", **options)
        labels = {
            row.module_id: courses.module_label(row.course, row.number, row.start_date, row.city)
            for row in modules.itertuples()
        }
        chosen = st.selectbox(
            "Edit a module", list(labels), format_func=labels.get, index=None, placeholder="Pick a module"
        )
        if chosen is not None:
            row = modules.set_index("module_id").loc[chosen]
            course_forms.module_form(user, int(chosen))

with courses_tab:
    if course_list.empty and not FILTERED:
        st.info("There are no courses yet. Add one in the **Add a course or module** tab.")
    elif course_list.empty:
        st.info("No course matches these filters; choose Any and clear **Find** to see all.")
    else:
        if courses_matching > len(course_list):
            st.caption(f"Showing the newest {len(course_list)} of {courses_matching:,} courses; {NARROW}.")
        shown_courses, options = course_tables.courses_view(course_list)
        ui.table(shown_courses, hide_index=True, width="stretch", **options)
        code = st.selectbox(
            "Course", course_list["code"].tolist(), index=None, placeholder="Pick a course to edit it or its partners"
        )
        if code:
            with ui.db() as session:
                partner_table = partners.partners_table(session, code)
            edit, partner_col = st.columns(2)
            with edit:
                course_forms.course_form(user, code)
            with partner_col:
                course_forms.partners_panel(user, code, partner_table)

with add_tab:
    new_course, new_module = st.columns(2)
    with new_course.form("add_course"):
        st.subheader("Add a course")
        code = st.text_input("Code", placeholder="NP-MYS-2019", key=ADD_COURSE[0])
        title = st.text_input("Title", key=ADD_COURSE[1])
        scope_value = st.selectbox("Scope", [s.value for s in Scope], key=ADD_COURSE[2])
        host = st.text_input("Host country (code or name)", key=ADD_COURSE[3])
        if st.form_submit_button("Add course", type="primary"):
            ui.action(
                lambda session: courses.add_course(
                    session, code=code, title=title, scope=scope_value, country=host, by=user.username
                ),
                f"Course {md_text(code)} added. Add its modules beside it.",
                clear=ADD_COURSE,
                # Its modules are added next: the module form beside it opens on it.
                then=lambda course: st.session_state.update({NEW_COURSE: course.code, ADD_MODULE[0]: course.code}),
            )
    with new_module.form("add_module"):
        st.subheader("Add a module")
        # The course added last is offered even where the filters above leave it out.
        choices = course_list["code"].tolist()
        if st.session_state.get(NEW_COURSE) and st.session_state[NEW_COURSE] not in choices:
            choices.insert(0, st.session_state[NEW_COURSE])
        course_code = st.selectbox(
            "Course",
            choices,
            index=None,
            placeholder="Pick a course",
            help=f"The courses matching the filters above (the newest {SHOWN_ROWS}); {NARROW}.",
            key=ADD_MODULE[0],
        )
        # The course stays chosen after a module is added: the next number is offered (the field is new then).
        with ui.db() as session:
            suggested = courses.next_module_number(session, st.session_state.get(ADD_MODULE[0]))
        number = st.number_input("Number", min_value=1, value=suggested, step=1, key=ADD_MODULE[1])
        # The placeholder follows the number (a title left blank is saved as "Module N"): it said "Module 1" when
        # Module 3 was offered.
        title = st.text_input("Title", placeholder=f"Module {int(number)}", key=ADD_MODULE[2])
        start = st.date_input("Start date", date.today(), key=ADD_MODULE[3])
        end = st.date_input("End date", date.today(), key=ADD_MODULE[4])
        city = st.text_input("City", key=ADD_MODULE[5])
        where = st.text_input("Country (code or name)", key=ADD_MODULE[6])
        if st.form_submit_button("Add module", type="primary"):
            if not course_code:
                st.error("Pick the course the module belongs to.")
            else:
                ui.action(
                    lambda session: courses.add_module(
                        session,
                        course_code=course_code,
                        number=int(number),
                        title=title,
                        start=start,
                        end=end,
                        city=city or None,
                        country=where or None,
                        by=user.username,
                    ),
                    f"Module {int(number)} of {course_code} added. Plan its agenda on the Agenda page.",
                    clear=ADD_MODULE[1:],  # the course stays chosen, for its next module
                )
