"""Programme Manager served with the sign-in cookie HttpOnly: `streamlit run app.py` (instead of streamlit_app.py).

Streamlit's public st.App (an ASGI app on Starlette) serves the same pages as `streamlit run streamlit_app.py` and
two routes of ours that set and expire the sign-in cookie from the server (programme/web/cookie_routes.py).
"""

import streamlit as st

from programme.web.cookie_routes import routes

app = st.App("streamlit_app.py", routes=routes())
