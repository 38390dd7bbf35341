"""Forms and entry: a module's evaluation form, imports of survey exports, typing in paper forms, and the pre- and
post-test scores (a quiz's export imported, or typed)."""

import streamlit as st

from programme.evaluations import module_form, questions_table
from programme.evaluations.scales import form_labels
from programme.web import evaluation_import as importer
from programme.web import form_editor, paper_entry, test_scores, ui
from programme.web.display import md_text

user = ui.guard(__file__)
st.title("Forms and entry")
st.caption(
    "Create a module's evaluation form and adapt its questions, import a survey export, type in paper forms one "
    "after another, or record the pre- and post-test scores."
)

module_id = ui.module_picker("entry_module", opens_on="begun")
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
    if importer.REFUSED_KEY in st.session_state:  # a colleague imported the same export meanwhile
        st.warning(md_text(st.session_state.pop(importer.REFUSED_KEY)))
    if "evaluation_imported" in st.session_state:
        st.success(f"Imported {ui.counted(st.session_state.pop('evaluation_imported'), 'response')}.")
    importer.past_imports(module_id, by=user.username)

with paper_tab:
    if form is None:
        st.info("Create the form first (on the **Form** tab), then type the paper forms here.")
    elif questions.empty:
        st.info("The form asks no question: add its questions on the **Form** tab, then type the paper forms here.")
        paper_entry.nothing_left(form_id)
    else:
        paper_entry.tab(module_id, form_id, asks_name, scale, questions, user=user)

with tests_tab:
    test_scores.tab(module_id, user=user)
