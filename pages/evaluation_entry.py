"""Forms and entry: a module's evaluation form, imports of survey exports, typing in paper forms, and the pre- and
post-test scores (a quiz's export imported, or typed)."""

import streamlit as st

from programme.evaluations import add_paper_response, module_form, questions_table
from programme.evaluations.forms import module_participants
from programme.evaluations.scales import answered_in_words, form_labels
from programme.web import evaluation_import as importer
from programme.web import form_editor, test_scores, ui
from programme.web.display import md_text

user = ui.guard(__file__)
st.title("Forms and entry")
st.caption(
    "Create a module's evaluation form and adapt its questions, import a survey export, type in paper forms one "
    "after another, or record the pre- and post-test scores."
)

module_id = ui.module_picker("entry_module")
if module_id is None:
    st.stop()

with ui.db() as session:
    form = module_form(session, module_id)
    form_id = form.id if form else None
    asks_name = bool(form and form.asks_name)
    scale = form_labels(form.scale_labels if form else None)
    questions = questions_table(session, form_id, asked_only=True) if form else None


form_tab, import_tab, paper_tab, tests_tab = ui.tabs(
    ["Form", "Import an export", "Type paper forms", "Pre/post tests"], key="evaluation_entry_tab"
)

with form_tab:
    form_editor.tab(module_id, user=user)

with import_tab:
    st.write(
        "Upload the spreadsheet as the survey tool exported it (KoboToolbox, ODK Central, Google Forms, Microsoft "
        "Forms, SurveyMonkey, Typeform...). The tool's own columns are ignored; each other column becomes a "
        "question, tied to the session whose title it contains. Importing the same export again adds no duplicates."
    )
    nonce = st.session_state.setdefault("evaluation_upload", 0)
    uploaded = st.file_uploader("Evaluation export", type=["csv", "xlsx", "xls", "ods"], key=f"upload_{nonce}",
                                on_change=importer.remember_export, args=(f"upload_{nonce}",))  # fmt: skip
    if uploaded is not None and importer.EXPORT_KEY not in st.session_state:
        # A file that arrived while another run was drawing the page (its callback did not run): kept all the same.
        importer.remember_export(f"upload_{nonce}")
    custom = st.text_input("Scale labels, if the form used its own (five, lowest first, separated by commas)",
                           placeholder="e.g. Mauvais, Passable, Bien, Très bien, Excellent")  # fmt: skip
    upload = st.session_state.get(importer.EXPORT_KEY)
    if upload is not None:
        importer.import_export(upload, custom, module_id, by=user.username)
    if "evaluation_imported" in st.session_state:
        st.success(f"Imported {ui.counted(st.session_state.pop('evaluation_imported'), 'response')}.")
    importer.past_imports(module_id, by=user.username)

with paper_tab:
    if form is None:
        st.info("Create the form first (on the **Form** tab), then type the paper forms here.")
    elif questions.empty:
        st.info("The form asks no question: add its questions on the **Form** tab, then type the paper forms here.")
    else:
        typed = st.session_state.get("paper_typed", 0)
        st.caption(f"Type one form, save, and the next blank form appears. Forms typed in this sitting: {typed}.")
        options = list(range(1, len(scale) + 1))
        with ui.db() as session:
            people = module_participants(session, module_id) if asks_name else {}
        # A form kept as typed after an error; cleared for the next one once saved. A question's key names its kind
        # and scale: one changed on the Form tab meanwhile is a new, empty widget, not the old choice's place.
        paper_keys = ui.form_keys("paper_person", *(f"q{r.id} {r.kind} {r.scale_min}-{r.scale_max}"
                                                    for r in questions.itertuples()))  # fmt: skip
        question_keys = dict(zip(questions["id"], paper_keys[1:], strict=True))
        with st.form("paper_form"):
            person = None
            if asks_name:
                person = st.selectbox(
                    "Who filled it in",
                    [None, *people],
                    format_func=lambda p: people.get(p, "(no name)"),
                    key=paper_keys[0],
                )
            answers = {}
            for row in questions.itertuples():
                label = md_text(
                    f"{row.number}. {row.text}"
                )  # the asked questions 1, 2, 3...: none taken off shows a gap
                if row.kind == "rating" and not answered_in_words(row.scale_min, row.scale_max, row.uses_form_labels):
                    # A 0-10 question, or one imported as numbered ratings: the numbers, not the form's words.
                    answers[row.id] = st.radio(label, list(range(row.scale_min, row.scale_max + 1)), index=None,
                                               horizontal=True, key=question_keys[row.id])  # fmt: skip
                elif row.kind == "rating":
                    answers[row.id] = st.radio(label, options, index=None, horizontal=True, key=question_keys[row.id],
                                               format_func=lambda r: md_text(f"{r} {scale[r - 1]}"))  # fmt: skip
                else:
                    answers[row.id] = st.text_area(label, key=question_keys[row.id], height=68)
            saved = st.form_submit_button("Save and start the next form", type="primary")
        if saved:
            ui.action(
                lambda session: add_paper_response(session, form_id=form_id, answers={k: v for k, v in answers.items()
                                                   if v is not None}, person_id=person, by=user.username),
                f"Saved. {typed + 1} form{'' if typed == 0 else 's'} typed in this sitting.",
                clear=paper_keys,
                then=lambda _: st.session_state.__setitem__("paper_typed", typed + 1),
            )  # fmt: skip

with tests_tab:
    test_scores.tab(module_id, user=user)
