"""Two-way sync of the cards' next actions with a CalDAV calendar (`followup sync`, the board's key).

- items.py: what the calendar should hold (a to-do per next action, interviews as events).
- ical.py: those items as iCalendar, and what a server's copy says.
- server.py: the server, through the caldav library (conditional writes; one-line errors).
- state.py: what the sync remembers (tables caldav_items, caldav_calendar).
- engine.py: one sync, both ways.
- outcome.py: the latest sync's outcome beside the database (the board's header), and running a
  sync from the board.
"""

from .outcome import KEYRING_SERVICE, BoardSync, Outcome, failure_line, last_outcome, password_for, remember, sync
from .server import SyncError

__all__ = [
    "KEYRING_SERVICE",
    "BoardSync",
    "Outcome",
    "SyncError",
    "failure_line",
    "last_outcome",
    "password_for",
    "remember",
    "sync",
]
