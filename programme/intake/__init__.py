"""Intake: what the survey and registration tools' exports look like, shared by the importers.

`tools` knows each tool's own columns (signature, meta, submission time); `languages` names Google Forms' and
Microsoft Forms' own columns in the form's language, for both importers; `headers` reads two-row headers;
`scales` decides a rating column's scale from all its labels; `times` reads a column of timestamps as UTC.
"""
