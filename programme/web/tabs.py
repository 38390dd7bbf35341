"""Tabs that keep where the user was across reruns, and tabs that run only the open one."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import streamlit as st

from programme.web import page_script


def tabs(labels: Sequence[str], *, key: str) -> Sequence[Any]:
    """Draw tabs that stay where the user was across reruns (a save, a message above them), unlike plain tabs, and
    across a reload: the open tab is in the address (?key=Label; none for the first tab), so that F5 or a link
    copied from the address bar opens it again.

    Every tab's content still runs on each run; use lazy_tabs for tabs whose content is costly.
    """
    _wrap_on_narrow_screens(key)
    return st.tabs(list(labels), key=key, on_change="rerun", bind="query-params")


def lazy_tabs(labels: Sequence[str], *, key: str, keep: Sequence[str] = ()) -> Sequence[Any]:
    """Draw tabs that rerun when the user switches, so that a page runs only the open one (`tab.open`).

    A widget not drawn in a run loses its value; `keep` names the keys of widgets in the tabs whose values
    must survive while their tab is hidden (a search typed in one tab is still there on coming back). The open tab is
    in the address, as tabs() keeps it, so that a reload opens it again.
    """
    for name in keep:
        if name in st.session_state:
            st.session_state[name] = st.session_state[name]
    _wrap_on_narrow_screens(key)
    return st.tabs(list(labels), key=key, on_change="rerun", bind="query-params")


def _wrap_on_narrow_screens(key: str) -> None:
    """Let the tab row keyed key wrap onto a second line where it does not fit (a phone, ~390 px): Streamlit scrolls
    it sideways instead, and the last tabs (Forms for participants' "Check-in codes") were out of sight behind an
    arrow. Where the row fits (a laptop), nothing changes. The selected tab's underline is drawn inside the tab, so
    it stays under it on either line."""
    st.html(f"<style>.st-key-{key} [role='tablist'] {{ flex-wrap: wrap; row-gap: 0; }}</style>")


# Scrolls the app's main area (and the window) to the top: Streamlit keeps the scroll position across reruns.
_SCROLL_TO_TOP = """<script>
for (const area of [window.parent.document.querySelector('[data-testid="stMain"]'),
                    window.parent.document.scrollingElement]) { if (area) { area.scrollTo(0, 0); } }
</script>"""


def scroll_to_top() -> None:
    """Show what replaced the content at the top of the page (a profile opened from a card far down the list)."""
    page_script.run_script(_SCROLL_TO_TOP)
