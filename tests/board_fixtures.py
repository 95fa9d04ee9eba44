"""Fixed cards and a fixed now for board tests and snapshots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from followup_tui.domain.config import Config
from followup_tui.domain.model import Kind, Outcome
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
EVIL = "[bold]Evil[/] [@click=app.quit]Corp[/] [/"


def add(store: Store, company: str, ago: timedelta, role: str = "Engineer", **kw) -> int:
    return store.add_card(NewCard(company=company, role=role, interview_at=NOW - ago, **kw), NOW - ago)


def fill(store: Store) -> dict[str, int]:
    """Acme overdue thank-you, Globex due thank-you, Hooli waiting (thanked 2 days ago),
    Initech waiting quietly, Cyberdyne staying in touch, Vandelay archived."""
    ids = {
        "acme": add(
            store, "Acme", 30 * HOUR, "Backend Engineer", interviewers=[("Jane Doe", "")], notes="talked about payments"
        ),
        "globex": add(store, "Globex", 3 * HOUR, "Staff Engineer"),
        "hooli": add(store, "Hooli", 4 * DAY, "SRE", interviewers=[("Gavin Belson", "")]),
        "initech": add(store, "Initech", 10 * DAY, "Data Engineer"),
        "cyberdyne": add(store, "Cyberdyne", 130 * DAY, "Tech Lead"),
        "vandelay": add(store, "Vandelay", 90 * DAY, "Importer"),
    }
    store.log_contact(ids["hooli"], Kind.THANK_YOU, NOW - 2 * DAY, NOW)
    store.log_contact(ids["initech"], Kind.THANK_YOU, NOW - 9 * DAY, NOW)
    store.log_contact(ids["cyberdyne"], Kind.REJECTION, NOW - 100 * DAY, NOW)
    store.close_card(ids["vandelay"], NOW - 80 * DAY, Outcome.WITHDRAWN)
    return ids


def make_app(path: Path, hostile: bool = False, config: Config | None = None, **options):
    """The board on `path`, filled; `options` go to FollowupApp (data_dir, busy_timeout_ms)."""
    from followup_tui.tui.app import FollowupApp

    store = Store.open(path)
    ids = fill(store)
    if hostile:
        ids["evil"] = add(store, EVIL, 2 * HOUR, role="[red]role[/]", notes="\x1b[31mred\x1b[0m")
    return FollowupApp(store, config or Config(), **options), ids


def toasts(app) -> list[str]:
    return [notification.message for notification in app._notifications]


async def press(pilot, *keys: str) -> None:
    """Press keys one at a time, as a person would, and wait until what each one started (a save on
    the writer's thread, the focus following the card) is done and on screen."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def settle(pilot) -> None:
    """Until no write is pending, a filter typed is applied (once typing pauses) and the screen has caught up."""
    app = pilot.app
    for _ in range(500):
        if not app.writing and not getattr(app.screen, "filter_pending", False):
            break
        await pilot.pause(0.01)
    await app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition, seconds: float = 15.0) -> None:
    """Until `condition()` holds (what another process or a timer brings; a loaded machine is slow)."""
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition(), f"waited {seconds:g} s in vain"
