"""The app's pages: file, title, icon, navigation group and the least role that may open it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from programme.core.db import REPO_ROOT as PROJECT_ROOT
from programme.models import UserRole


@dataclass(frozen=True)
class PageSpec:
    path: str
    title: str
    icon: str
    group: str
    role: UserRole


PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "Home", ":material/home:", "", UserRole.VIEWER),
    PageSpec("pages/courses.py", "Courses and modules", ":material/event:", "Plan", UserRole.FACILITATOR),
    PageSpec("pages/agenda.py", "Agenda", ":material/view_agenda:", "Plan", UserRole.FACILITATOR),
    PageSpec("pages/next_steps.py", "Next steps and topics", ":material/checklist:", "Plan", UserRole.FACILITATOR),
    PageSpec("pages/groups.py", "Groups and role plays", ":material/groups:", "Plan", UserRole.FACILITATOR),
    PageSpec("pages/funding.py", "Funders and grants", ":material/volunteer_activism:", "Plan", UserRole.FACILITATOR),
    PageSpec("pages/participants.py", "Participants", ":material/badge:", "People", UserRole.FACILITATOR),
    PageSpec(
        "pages/import_participants.py", "Import participants", ":material/upload_file:", "People", UserRole.FACILITATOR
    ),
    PageSpec(
        "pages/participant_forms.py", "Forms for participants", ":material/qr_code_2:", "People", UserRole.FACILITATOR
    ),
    PageSpec("pages/evaluations.py", "Evaluation dashboard", ":material/insights:", "Evaluate", UserRole.VIEWER),
    PageSpec("pages/evaluation_entry.py", "Forms and entry", ":material/edit_note:", "Evaluate", UserRole.FACILITATOR),
    PageSpec("pages/alumni.py", "Alumni directory", ":material/travel_explore:", "Alumni", UserRole.FACILITATOR),
    PageSpec("pages/networks.py", "Networks", ":material/hub:", "Alumni", UserRole.FACILITATOR),
    PageSpec("pages/reach.py", "Reach dashboard", ":material/public:", "Reports", UserRole.VIEWER),
    PageSpec("pages/reports.py", "Reports and exports", ":material/description:", "Reports", UserRole.FACILITATOR),
    PageSpec("pages/accounts.py", "Accounts", ":material/manage_accounts:", "Admin", UserRole.ADMIN),
    PageSpec("pages/audit.py", "Audit trail", ":material/policy:", "Admin", UserRole.ADMIN),
    PageSpec("pages/backup.py", "Backup and restore", ":material/backup:", "Admin", UserRole.ADMIN),
    PageSpec("pages/settings.py", "Settings", ":material/settings:", "Admin", UserRole.ADMIN),
]


def pages_for(role: UserRole | None) -> list[PageSpec]:
    """Return the pages a role may open (only Home before signing in)."""
    if role is None:
        return [PAGES[0]]
    return [page for page in PAGES if role.at_least(page.role)]


def page_for(path: str) -> PageSpec:
    """Return the registry's entry for a page, given as "pages/x.py" or as the page's own __file__."""
    relative = Path(path).resolve().relative_to(PROJECT_ROOT).as_posix() if Path(path).is_absolute() else path
    found = next((page for page in PAGES if page.path == relative), None)
    if found is None:
        raise LookupError(f"{relative} is not in programme/web/navigation.py's PAGES: declare it there, with its role.")
    return found


def role_for(path: str) -> UserRole:
    """Return the least role a page needs."""
    return page_for(path).role


def url_path(spec: PageSpec) -> str:
    """Return the page's address under the app, as st.Page names it: its file's name without .py ("participants")."""
    return Path(spec.path).stem


def refused_page(role: UserRole, requested: str | None) -> PageSpec | None:
    """Return the page an address asks for (its path, "participants") when it exists but the role may not open it;
    None for a page the role may open, Home, or an address that names no page. The navigation lists only the pages a
    role may open, so such an address opened Home without a word (a link a colleague sent, a bookmark)."""
    wanted = (requested or "").strip("/").split("/")[-1].lower()
    if not wanted:
        return None
    found = next((spec for spec in PAGES if url_path(spec) == wanted), None)
    if found is None or role.at_least(found.role):
        return None
    return found
