"""What pages call, in one place: `from programme.web import ui`, then ui.guard(__file__) first.

The pieces live in the modules named after what they hold: engine (the engine and figures cached until the
data changes), signin (the guard, the sign-in forms, the sidebar), messages (flash/done after a rerun, errors
as sentences, action()), pickers (module picker, import to undo), people_picker, tabs.
"""

from programme.core.words import agreeing, counted
from programme.web.display import table
from programme.web.engine import cached_headline, cached_query, db, engine, forget_figures
from programme.web.messages import (
    action,
    attempt,
    done,
    flash,
    forget,
    form_keys,
    heading,
    show_error,
    show_flash,
)
from programme.web.metrics import metric_rows
from programme.web.pickers import (
    course_and_module_from_address,
    course_filter,
    first_with_people,
    follow_search,
    funding_filters,
    import_target,
    import_to_undo,
    keep_module_in_address,
    kept_index,
    module_or_stop,
    module_picker,
    undo_import,
)
from programme.web.signin import (
    client_address,
    current_user,
    guard,
    navigation_run,
    open_home_instead,
    requested_page,
    sign_out,
    sign_out_every_browser,
    single_sign_on_configured,
)
from programme.web.tabs import lazy_tabs, scroll_to_top, tabs

__all__ = [
    "first_with_people",
    "funding_filters",
    "metric_rows",
    "action",
    "agreeing",
    "attempt",
    "cached_headline",
    "cached_query",
    "client_address",
    "counted",
    "current_user",
    "db",
    "done",
    "engine",
    "flash",
    "follow_search",
    "course_and_module_from_address",
    "course_filter",
    "forget",
    "form_keys",
    "forget_figures",
    "guard",
    "heading",
    "import_to_undo",
    "import_target",
    "keep_module_in_address",
    "kept_index",
    "lazy_tabs",
    "module_or_stop",
    "module_picker",
    "navigation_run",
    "scroll_to_top",
    "show_error",
    "open_home_instead",
    "requested_page",
    "show_flash",
    "sign_out",
    "sign_out_every_browser",
    "single_sign_on_configured",
    "table",
    "tabs",
    "undo_import",
]
