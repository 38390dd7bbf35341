"""User text shown as text through Streamlit's Markdown (md_text), and what counts as nothing recorded (is_missing).

Apart from programme/web/display.py (which re-exports both) so that the sign-in page, which shows a flash message
and nothing of pandas, does not import pandas: display's tables do.
"""

from __future__ import annotations

import re


def is_missing(value: object) -> bool:
    """Return True for None, NaN, NaT and blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    import pandas as pd  # only for a value that is neither text nor None: a page's figures, pandas there already

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or an array is a value, not a missing one
        return False


# Every ASCII punctuation character may be backslash-escaped in (GitHub-flavoured) Markdown, and escaping all
# of them covers what Streamlit adds on top: $ (LaTeX), :name[...] (coloured text and other directives), ~
# (strikethrough), <...> (HTML, shown as text anyway while unsafe_allow_html stays False), "www." and
# "user@host" (autolinks), "&lt;" (character references), "===" (setext headings).
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Emoji shortcodes (":smile:", ":+1:") are found in the text after the escapes are read, so an escaped colon is
# not enough: a word joiner (invisible, zero width) after the colon that opens one breaks the code. (Icons,
# ":material/science:", are found before: the escaped slash already stops them.)
_SHORTCODE_START = re.compile(r"\\:(?=(?:\w|\\[+-])+\\:)")
WORD_JOINER = "\u2060"
# GitHub-flavoured autolinks ("https://...", "www....", "user@host.org") are found in the text after the escapes
# are read as well: a word joiner after "https:", "www" and "@" breaks them, and the words read the same.
_AUTOLINK_BREAKS = re.compile(r"(\\:(?=\\/\\/)|(?<![\w])www(?=\\\.)|\\@)", re.IGNORECASE)


def md_text(value: object) -> str:
    """Return value as Markdown that shows it literally: no image, link, emphasis, heading, HTML or emoji from data.

    For every user-supplied string shown through Streamlit's Markdown: st.markdown, st.write, st.caption,
    st.info and the other alerts, st.toast, headers, and the labels of widgets, tabs, expanders and metrics
    (which render Markdown too). Not for what Streamlit shows as plain text (selectbox and multiselect
    options, text inputs, dataframes): there the backslashes would show. None and NaN give "".
    """
    if value is None or (not isinstance(value, str) and is_missing(value)):
        return ""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    escaped = _AUTOLINK_BREAKS.sub(lambda match: match.group() + WORD_JOINER, escaped)
    return _SHORTCODE_START.sub("\\\\:" + WORD_JOINER, escaped)
