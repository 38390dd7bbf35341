"""Text is text: Markdown and HTML in imported or typed data never render as images, links, emphasis or HTML.

Every text field of the demo gets payloads (an image that would fetch an address, a link, bold, italics, raw
HTML, a heading); every page then runs as an admin (each tab of the pages whose tabs run only when open, a
profile, a network) and every string Streamlit renders as Markdown (st.markdown, st.caption, st.write, alerts,
headings, labels of widgets, tabs, expanders and metrics, radio options) is parsed with markdown-it-py, a
CommonMark parser, as the browser's parser would read it. No image, link, emphasis, heading or HTML may come
from the data. Selectbox and multiselect options and dataframes are shown as plain text by Streamlit and are
not scanned.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from markdown_it import MarkdownIt
from markdown_it.token import Token

from programme.access.accounts import add_user
from programme.core.db import make_engine, session_scope
from programme.models import Person, UserRole
from programme.selfservice.labels import labels
from programme.web.display import WORD_JOINER, md_label, md_text
from programme.web.navigation import PAGES
from tests.apptest_support import run_page

IMAGE, LINK, BOLD, ITALIC, HTML, HEADING = "IMGX", "LINKX", "BOLDX", "EMX", "HTMLX", "HEADX"
# One payload of each kind in front of the real value; "# " makes a heading only where the value starts a line.
PAYLOAD = (
    f"# {HEADING} ![{IMAGE}](http://beacon.invalid/{IMAGE}.png) [{LINK}](https://phish.invalid/{LINK}) "
    f"**{BOLD}** _{ITALIC}_ <img src='{HTML}.png'> https://autolink.invalid/{LINK} mail.{LINK}@phish.invalid "
)
# GitHub-flavoured Markdown, as Streamlit renders it, makes links of bare addresses found in the text (after the
# escapes are read); CommonMark's parser leaves them as text, so the scan looks for them there.
AUTOLINKS = re.compile(rf"(?:https?://|www\.)\S*{LINK}|[\w.+-]*{LINK}[\w.+-]*@[\w-]+\.\w", re.IGNORECASE)
# Every free-text column a user or an import fills, and that a page may show.
TEXT_COLUMNS = {
    "person": ["given_name", "family_name", "full_name", "position", "languages", "expertise", "notes"],
    "organisation": ["name"],
    "course": ["title", "description"],
    "module": ["title", "focus", "objectives", "venue", "city"],
    "agenda_session": ["title", "room", "notes"],
    "session_design": ["title", "objectives", "topics"],
    "topic": ["name"],
    "topic_suggestion": ["text", "requested_by"],
    "action_item": ["text"],
    "evaluation_form": ["title"],
    "evaluation_question": ["text"],
    "evaluation_answer": ["text"],
    "work_group": ["name", "exercise", "target", "briefing"],
    "network": ["name", "description", "activities"],
    "outcome": ["description"],
    "import_batch": ["file_name"],
}
LAZY_TABS = {"pages/alumni.py": "alumni_tab", "pages/evaluations.py": "evaluations_tab", "pages/reach.py": "reach_tab"}
# Pages that show some of the data through Markdown in the runs above (so that the scan is known to see it).
SHOWS_DATA = {
    "pages/agenda.py",
    "pages/evaluation_entry.py",
    "pages/alumni.py",
    "pages/networks.py",
    "pages/reports.py",
    "pages/groups.py",
}
# Elements whose text Streamlit shows as it is, not as Markdown.
PLAIN_ELEMENTS = {"Text", "Code", "Exception", "Json", "Arrow", "ArrowTable", "DataFrame", "Selectbox", "MultiSelect"}
MARKDOWN_FIELDS = ("body", "label", "help", "caption")
MARKDOWN_LISTS = {"Radio": ("options", "captions"), "ButtonGroup": ()}

_parser = MarkdownIt("commonmark", {"html": True}).enable("strikethrough")


@pytest.fixture
def hostile_db(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> str:
    """The demo with the payload in front of every free-text value, and one admin account."""
    engine = make_engine(demo_sqlite_url)
    with session_scope(engine) as session:
        for table, columns in TEXT_COLUMNS.items():
            values = ", ".join(f"{column} = :payload || {column}" for column in columns)
            session.execute(sa.text(f"UPDATE {table} SET {values}"), {"payload": PAYLOAD})
        add_user(session, username="admin", password="a-long-password", role=UserRole.ADMIN, by=None)
    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    return demo_sqlite_url


def _markdown_strings(node) -> Iterator[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Yield (element type, text) for every string of the tree that Streamlit renders as Markdown."""
    proto = getattr(node, "proto", None)
    kind = type(proto).__name__ if proto is not None else ""
    if proto is not None and kind not in PLAIN_ELEMENTS:
        fields = {field.name for field in proto.DESCRIPTOR.fields}
        for name in MARKDOWN_FIELDS:
            value = getattr(proto, name, None) if name in fields else None
            if isinstance(value, str) and value:
                yield kind, value
        for name in ("expandable", "tab"):  # block labels: expanders and tabs
            if name in fields and proto.HasField(name):
                yield kind, getattr(proto, name).label
        for name in MARKDOWN_LISTS.get(kind, ()):
            yield from ((kind, str(value)) for value in getattr(proto, name))
        if kind == "ButtonGroup":
            yield from ((kind, option.content) for option in proto.options)
    for child in getattr(node, "children", {}).values():
        yield from _markdown_strings(child)


def _inner_text(tokens: list[Token], start: int) -> str:
    """Return the text between an opening token and its closing one."""
    depth, text = 0, []
    for token in tokens[start + 1 :]:
        if token.nesting == 1:
            depth += 1
        elif token.nesting == -1:
            if depth == 0:
                break
            depth -= 1
        else:
            text.append(token.content)
    return "".join(text)


def rendered_from_data(markdown: str) -> list[str]:
    """Return what the Markdown renders from the payload: images, links, emphasis, headings, HTML."""
    found = []
    blocks = _parser.parse(markdown)
    for index, block in enumerate(blocks):
        if block.type == "html_block" and HTML in block.content:
            found.append(f"HTML block {block.content!r}")
        if block.type == "heading_open" and blocks[index + 1].content.startswith(HEADING):
            found.append("heading")
        tokens = block.children or []
        for index, token in enumerate(tokens):
            attrs = " ".join(str(value) for value in token.attrs.values())
            if token.type == "image" and (IMAGE in attrs or IMAGE in token.content):
                found.append(f"image {attrs}")
            elif token.type == "link_open" and (LINK in attrs or LINK in _inner_text(tokens, index)):
                found.append(f"link {attrs}")
            elif token.type == "strong_open" and _inner_text(tokens, index) == BOLD:
                found.append("bold")
            elif token.type == "em_open" and _inner_text(tokens, index) == ITALIC:
                found.append("italics")
            elif token.type == "html_inline" and HTML in token.content:
                found.append(f"HTML {token.content}")
            elif token.type == "text":
                found += [f"autolink {address}" for address in AUTOLINKS.findall(token.content)]
    return found


def test_the_scan_finds_each_payload_rendered_and_none_once_escaped() -> None:
    found = rendered_from_data(PAYLOAD + "Org")
    assert {kind.split()[0] for kind in found} == {"image", "link", "bold", "italics", "HTML", "heading", "autolink"}
    assert len([kind for kind in found if kind.startswith("autolink")]) == 2
    assert rendered_from_data(md_text(PAYLOAD + "Org")) == []
    assert rendered_from_data(f"**{md_text(PAYLOAD)}** and _{md_text(PAYLOAD)}_") == []


def test_md_text_escapes_markdown_and_streamlit_additions_and_keeps_the_words() -> None:
    assert md_text("**x**") == r"\*\*x\*\*"
    assert md_text("$E=mc^2$ :red[alert] 50% ~struck~") == r"\$E\=mc\^2\$ \:red\[alert\] 50\% \~struck\~"
    # A word joiner after the colon that opens an emoji code breaks the code; other colons are only escaped.
    assert md_text(":smile: :+1:") == "\\:" + WORD_JOINER + "smile\\: \\:" + WORD_JOINER + "\\+1\\:"
    assert md_text("09:00–10:30") == r"09\:00–10\:30"
    # A word joiner after "https:", "www" and "@": no autolink, the same words on screen.
    assert md_text("ana@example.org www.example.org https://example.org") == (
        "ana\\@"
        + WORD_JOINER
        + "example\\.org www"
        + WORD_JOINER
        + "\\.example\\.org https\\:"
        + WORD_JOINER
        + "\\/\\/example\\.org"
    )
    assert md_text("Maria Santos") == "Maria Santos"
    assert md_text(None) == ""
    assert md_text(12) == "12"


def test_md_label_shows_the_payload_as_text_with_few_backslashes() -> None:
    assert rendered_from_data(md_label(PAYLOAD + "Org")) == []
    assert rendered_from_data(f"**{md_label(PAYLOAD)}**") == []
    for line_start in ("# HEADX", "> quoted", "- item", "+ item", "1. item", "2) item"):
        assert _parser.parse(md_label(line_start))[0].type == "paragraph_open", line_start
    # What a screen reader reads out: the consent sentences as written, not "e\\-mail" or "programme\\, seen".
    for name in ("consent_listed", "consent_email", "consent_photo"):
        wording = labels("en")[name]
        assert md_label(wording) == wording
    assert (
        md_label(":smile: https://example.org")
        == "\\:" + WORD_JOINER + "smile\\: https\\:" + WORD_JOINER + "//example.org"
    )
    assert md_label(None) == ""


def _pages_and_tabs(path: str) -> Iterator:  # type: ignore[no-untyped-def]
    """Yield the page after each run that shows something new: its first run, each lazy tab, a profile."""
    app = run_page(path, UserRole.ADMIN)
    yield app
    if path in LAZY_TABS:
        for label in [tab.label for tab in app.tabs]:
            app.session_state[LAZY_TABS[path]] = label
            yield app.run()
    if path == "pages/alumni.py":
        app.session_state[LAZY_TABS[path]] = "Directory"
        app.run()
        profile = next(box for box in app.selectbox if box.label == "Open a profile")
        with session_scope(make_engine(os.environ["DATABASE_URL"])) as session:
            person_id = session.scalar(sa.select(Person.id).where(Person.full_name == profile.options[0]))
        yield profile.set_value(person_id).run()
    if path == "pages/groups.py":
        yield app.button(key="pair_add").click().run()  # "Keep **name** and **name** together"
        saved = [button for button in app.button if button.label.startswith("Load the")]
        yield (saved[0] if saved else app.button(key="generate")).click().run()


@pytest.mark.parametrize("path", [page.path for page in PAGES])
def test_no_page_renders_markdown_or_html_from_data(hostile_db: str, path: str) -> None:
    shown, rendered = 0, []
    for app in _pages_and_tabs(path):
        assert not app.exception, app.exception
        for kind, text in _markdown_strings(app._tree):
            shown += any(marker in text for marker in (IMAGE, LINK, BOLD))
            rendered += [f"{kind}: {what} in {text[:160]!r}" for what in rendered_from_data(text)]
    assert not rendered, "\n".join(rendered)
    if path in SHOWS_DATA:
        assert shown, f"{path} showed none of the data through Markdown: the test did not look at it"
