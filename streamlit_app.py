"""Programme Manager: the app's entry point builds the navigation; each page guards itself."""

import streamlit as st

from programme.selfservice.links import QUERY_PARAMETER
from programme.web import ui
from programme.web.navigation import PAGES, pages_for, refused_page

if QUERY_PARAMETER in st.query_params:
    # A participant's form link: the public form page only, whoever is signed in, with no navigation to anything else.
    st.set_page_config(page_title="Form", page_icon=":material/edit_note:", layout="centered")
    st.navigation([st.Page("public/form.py", title="Form", default=True)], position="hidden").run()
    st.stop()

st.set_page_config(page_title="Programme Manager", page_icon=":material/school:", layout="wide")

user = ui.current_user()
if user is None:
    # Signed out: every page's address is known (each shows the sign-in form first), so that a page opened by its
    # address or reloaded asks to sign in and then opens, instead of "Page not found"; no menu until then.
    hidden = [st.Page(spec.path, title=spec.title, default=spec.path == "pages/home.py") for spec in PAGES]
    with ui.navigation_run():
        st.navigation(hidden, position="hidden").run()
    st.stop()
refused = refused_page(user.role, ui.requested_page())
if refused is not None:  # shown by Home, which the navigation opens instead
    ui.open_home_instead()
    ui.flash(
        f"The page {refused.title} needs the {refused.role.value} role; you are signed in as {user.role.value}. "
        "Home is shown instead: ask an admin if you need that page.",
        "info",
    )
groups: dict[str, list] = {}
for spec in pages_for(user.role):
    page = st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.path == "pages/home.py")
    groups.setdefault(spec.group, []).append(page)
with ui.navigation_run():
    st.navigation(groups, position="top").run()
