"""Programme Manager: the app's entry point builds the navigation; each page guards itself.

It imports only what the sign-in page needs (no page's modules, no pandas): the first visit after a server start
draws the sign-in form without them, and programme/web/warmup.py imports them in the background meanwhile.
"""

import streamlit as st

from programme.selfservice.link_parameter import QUERY_PARAMETER
from programme.web import signin, warmup
from programme.web.messages import flash
from programme.web.navigation import PAGES, pages_for, refused_page

if QUERY_PARAMETER in st.query_params:
    # A participant's form link: the public form page only, whoever is signed in, with no navigation to anything else.
    st.set_page_config(page_title="Form", page_icon=":material/edit_note:", layout="centered")
    warmup.finish()  # never two threads importing at once
    st.navigation([st.Page("public/form.py", title="Form", default=True)], position="hidden").run()
    st.stop()

st.set_page_config(page_title="Programme Manager", page_icon=":material/school:", layout="wide")

user = signin.signed_in_user()
if user is None:
    # Signed out: every page's address is known, so that a page opened by its address or reloaded asks to sign in
    # and then opens, instead of "Page not found"; no menu until then. The navigation keeps the address asked for
    # and no page runs: the sign-in form is drawn here (what each page's guard would show), without the pages'
    # imports.
    hidden = [st.Page(spec.path, title=spec.title, default=spec.path == "pages/home.py") for spec in PAGES]
    st.navigation(hidden, position="hidden")
    signin.note_requested_page()  # for the page's role check after the sign-in
    signin.sign_in_page()
refused = refused_page(user.role, signin.requested_page())
if refused is not None:  # shown by Home, which the navigation opens instead
    signin.open_home_instead()
    flash(
        f"The page {refused.title} needs the {refused.role.value} role; you are signed in as {user.role.value}. "
        "Home is shown instead: ask an admin if you need that page.",
        "info",
    )
groups: dict[str, list] = {}
for spec in pages_for(user.role):
    page = st.Page(spec.path, title=spec.title, icon=spec.icon, default=spec.path == "pages/home.py")
    groups.setdefault(spec.group, []).append(page)
with signin.navigation_run():
    st.navigation(groups, position="top").run()
