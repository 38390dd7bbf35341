"""Alumni directory: search with facets, profiles and consent, map, corridors, trainer pool, outcomes."""

from programme.web import ui
from programme.web.alumni_directory import COURSE_KEYS, FACET_LABELS, directory_tab
from programme.web.alumni_tabs import consent_tab, corridors_tab, map_tab, outcomes_tab, trainers_tab

user = ui.guard(__file__)
ui.heading(
    "Alumni directory",
    "Everyone who completed a module as a participant and agreed to be listed. E-mail, phone and organisation "
    "show only where the person agreed to share them.",
)

TABS = {
    "Directory": directory_tab,
    "Map": map_tab,
    "Corridors": corridors_tab,
    "Trainer pool": trainers_tab,
    "Outcomes": outcomes_tab,
    "Consent": consent_tab,
}
# Only the open tab runs: at 500,000 people each tab's figures cost a query of their own.
tabs = ui.lazy_tabs(
    list(TABS), key="alumni_tab", keep=("search", *FACET_LABELS, *COURSE_KEYS, "years", "view", "directory_page")
)
for tab, draw in zip(tabs, TABS.values(), strict=True):
    if tab.open:
        with tab:
            ui.attempt(lambda draw=draw: draw(user))
