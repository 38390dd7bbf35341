"""Python's cycle collector paused while an import makes and drops millions of small objects.

The rows of a large list (their cells, PersonRow and planned-row objects, the columns written) hold no reference
cycles: reference counting frees them. But each of the collector's passes walks every object still alive, and
while an import's objects pile up it runs full passes again and again: a fifth of a 50,000-row import's time
(benchmarks/import_participants.py). Paused for the import's steps only, and nested or from several threads at
once: the collector runs again when the last of them ends, and then collects any cycle made meanwhile.

When it runs again, the objects made meanwhile are all in its youngest generation, and the first allocation after
would walk them all at once (0.1-0.3 s after a 50,000-row import, most of them about to be freed by reference
counting). They are moved to the oldest generation instead, where a pass that survived would have taken them: the
next full collection, as for any long-lived object, finds the cycles among them. This uses gc.freeze and
gc.unfreeze, so only in a process that froze nothing itself (the web server's warm-up freezes its imports: there the
collector resumes as before).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_state = {"depth": 0, "was_enabled": True}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector inside the block (also a decorator); restore it as it was when the last ends."""
    with _LOCK:
        if _state["depth"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["depth"] -= 1
            if _state["depth"] == 0 and _state["was_enabled"]:
                if gc.get_freeze_count() == 0:
                    # Every tracked object to the oldest generation, its count of new objects set back to 0.
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
