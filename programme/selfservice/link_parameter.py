"""The query parameter of a form's link (`/?form=TOKEN`): streamlit_app.py shows the public form page when it is present.

On its own so that the app's entry script reads it without importing links.py (the forms, the evaluations and
pandas with them) on every run, the sign-in page's first.
"""

QUERY_PARAMETER = "form"
