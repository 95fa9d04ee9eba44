"""One sync: read what changed on the server, take in what was done there, then make the server hold
what the cards say, writing only what changed.

1. **Listing.** The calendar's items and ETags (one REPORT). An item whose ETag is not the one we
   last saw was changed there: it is read back (one multiget for all of them).
2. **Back from the calendar.** A to-do marked COMPLETED there logs the contact it stands for (the
   thank-you, the follow-up…) at its COMPLETED time, through the Store, so the undo journal has it
   (origin "sync") and an open board shows it. A DUE moved there is not taken (the rules own
   dates): the report says so and the item is put back. A to-do cancelled or deleted there is
   left so; it is not made again while it stands for the same action.
3. **Out to the calendar.** Each card's items (items.py) are compared with what was last pushed
   (a hash): new ones are created, changed ones updated with If-Match, unchanged ones not
   touched. One no longer wanted is marked COMPLETED (a contact logged since did it) or CANCELLED
   (it lapsed, or the card closed), and deleted GRACE later (with `private`, at once: one kept from
   before `private` was set names the company); an item of a deleted card is deleted at once. A
   412 (changed on the server in between) is read back and taken in as in 2, then written again
   onto the fresh copy, never over it.

`dry_run` reads the server and the database and says what would happen; it writes nothing, here or
there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ...domain.clock import day_start, from_iso, iso, short_date, short_datetime
from ...domain.config import Config, ConfigError
from ...domain.model import CardBundle, Channel, Kind
from ...domain.rules import too_soon
from ...domain.textsafe import safe, safe_title
from ...storage.store import Store
from .ical import build, read, retire, same_moment
from .items import CANCELLED, COMPLETED, EVENT, NEEDS_ACTION, TODO, Item
from .items import wanted as wanted_items
from .server import CONFLICT, GONE, Server, SyncError, path_of
from .state import Row, calendar_for, load, remember_calendar, save

GRACE = timedelta(days=7)  # a done or dropped to-do stays (ticked or struck out) this long, then goes
ORIGIN = "sync"  # as the undo journal and `followup history` name the contacts a sync logs
SAVE_EVERY = 200  # rows written per transaction while items go out
# The contacts that do what a to-do asked (by the kind completing it logs): any of them, logged after
# the to-do went out, completes it.
DONE_BY = {
    "thank-you": {Kind.THANK_YOU},
    "follow-up": {Kind.FOLLOW_UP, Kind.CHECK_IN},
    "check-in": {Kind.CHECK_IN, Kind.FOLLOW_UP},
    "answer": {Kind.ANSWER, Kind.FOLLOW_UP, Kind.CHECK_IN},
    "referral-ask": {Kind.REFERRAL_ASK},
}


@dataclass
class Report:
    """What a sync did (or, dry, would do)."""

    dry_run: bool = False
    calendar: str = ""
    made_calendar: bool = False
    created: int = 0
    updated: int = 0
    completed: int = 0
    cancelled: int = 0
    deleted: int = 0
    unchanged: int = 0
    logged: list[str] = field(default_factory=list)  # contacts logged from the calendar
    notes: list[str] = field(default_factory=list)  # what the calendar said that was not taken
    failures: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.created + self.updated + self.completed + self.cancelled + self.deleted + len(self.logged)

    def lines(self) -> list[str]:
        made = (" (would be made)" if self.dry_run else " (made now)") if self.made_calendar else ""
        counts = " · ".join(
            f"{number} {word}"
            for number, word in (
                (self.created, "created"),
                (self.updated, "updated"),
                (self.completed, "completed"),
                (self.cancelled, "cancelled"),
                (self.deleted, "deleted"),
                (self.unchanged, "unchanged"),
            )
        )
        head = [f"calendar {self.calendar}{made}", ("would be " if self.dry_run else "") + counts]
        if self.dry_run:
            head.insert(0, "dry run: nothing is written, here or on the server")
        return head + self.logged + self.notes + [f"not synced: {line}" for line in self.failures]

    def summary(self) -> str:
        """One line for the board."""
        if self.failures:
            return f"{len(self.failures)} not synced: {self.failures[0]}"
        return f"{self.changes} change{'s' if self.changes != 1 else ''}" + (
            f", {len(self.notes)} to read" if self.notes else ""
        )


def sync(store: Store, config: Config, now: datetime, password: Callable[[], str], dry_run: bool = False) -> Report:
    """Sync the cards in `store` with the calendar configured in [caldav]; raise SyncError or ConfigError."""
    settings = config.caldav
    if not settings.url:
        raise ConfigError('caldav.url is not set: followup config caldav.url "https://…/" (README: Calendar sync)')
    server = Server(settings, password())
    try:
        return _Sync(store, config, now, server, dry_run).run()
    finally:
        server.close()


class _Sync:
    def __init__(self, store: Store, config: Config, now: datetime, server: Server, dry_run: bool) -> None:
        self.store, self.config, self.now, self.server, self.dry = store, config, now, server, dry_run
        self.report = Report(dry_run=dry_run)
        self.rows: dict[str, Row] = {}
        self.remote: dict[str, str | None] = {}
        self.bases: dict[str, bytes] = {}  # server copies read this sync, by UID
        self.redo: set[str] = set()  # UIDs to write again whatever the hash says (a DUE moved there)
        self.dirty: dict[str, Row] = {}
        self.gone: list[str] = []

    def run(self) -> Report:
        settings = self.config.caldav
        known = calendar_for(self.store, settings.url, settings.calendar)
        url, made = self.server.open_calendar(settings.calendar, known, create=not self.dry)
        named = not settings.calendar.startswith(("http://", "https://", "/"))
        where = f" at {url}" if named and url else "" if named else url or settings.calendar
        self.report.calendar = safe(f"'{settings.calendar}'{where}" if named else where)
        self.report.made_calendar = made or url is None
        changed = url is not None and not self.dry and url != known
        if changed and url and remember_calendar(self.store, settings.url, settings.calendar, url):
            self.report.notes.append("a new calendar: the items in the one used before stay there")
        self.rows = load(self.store)
        self.remote = self.server.listing() if url is not None else {}
        self.bundles = self._bundles()
        try:
            self._back_from_calendar()
            if self.report.logged and not self.dry:
                self.bundles = self._bundles()  # what was logged changed those cards' next actions
            self._out_to_calendar()
        finally:
            self._save()
        return self.report

    def _bundles(self) -> dict[str, CardBundle]:
        return {bundle.card.uid: bundle for bundle in self.store.bundles(include_closed=True)}

    # --- 2. back from the calendar ---------------------------------------------------------------------

    def _back_from_calendar(self) -> None:
        changed = []
        for row in self.rows.values():
            path = path_of(row.href)
            if row.closed_by == "calendar" and row.status == "DELETED":
                continue
            if path not in self.remote:
                self._deleted_there(row)
            elif self.remote[path] is None or self.remote[path] != row.etag:
                changed.append(row)
        fetched = self.server.fetch([path_of(row.href) for row in changed])
        for row in changed:
            found = fetched.get(path_of(row.href))
            if found is None:
                self._deleted_there(row)
            else:
                self._read_back(row, *found)

    def _deleted_there(self, row: Row) -> None:
        if row.status == NEEDS_ACTION or row.component == EVENT and row.status != CANCELLED:
            self._note(row, "was deleted in the calendar; it is not made again while it stands for the same action")
        row.retire("DELETED", "calendar", self.now)
        self._changed(row)

    def _read_back(self, row: Row, etag: str | None, body: bytes, ours: bool = True) -> None:
        """Take in what the server's copy says (after a listing, or a 412). `ours` False: a copy this
        database never wrote (restored from a backup, or another machine's): what was done there is
        not logged again."""
        row.etag = etag
        self.bases[row.uid] = body
        self._changed(row)
        remote = read(body, row.uid)
        if remote is None:
            self._note(row, "cannot be read in the calendar; it is written again")
            self.redo.add(row.uid)
            return
        row.sequence = max(row.sequence, remote.sequence)
        if row.component == TODO and row.status == NEEDS_ACTION:
            if remote.completed:
                if ours:
                    self._done_there(row, remote.done_at)
                else:
                    self._note(row, "was found done in the calendar: nothing logged (not sent from here)")
                row.retire(COMPLETED, "calendar", self.now)
                return
            if remote.status == CANCELLED:
                self._note(row, "was cancelled in the calendar; left so")
                row.retire(CANCELLED, "calendar", self.now)
                return
        if ours and row.closed_by is None and not same_moment(remote.when, from_iso(row.due)):
            field = "due date" if row.component == TODO else "time"
            moved = _words(remote.when, self.now) if remote.when else "nothing"
            self._note(
                row,
                f"{field} was changed in the calendar to {moved}: ignored (the rules set it: "
                f"{_words(from_iso(row.due), self.now)}; change the card with followup edit)",
            )
            self.redo.add(row.uid)

    def _done_there(self, row: Row, done_at: datetime | None) -> None:
        """A to-do ticked in the calendar: log the contact it stands for, unless that is done already."""
        bundle = self.bundles.get(row.card_uid)
        name = f"{row.what.lower()} done in the calendar"
        if bundle is None:
            self._note(row, f"{name}, but the card was deleted: nothing logged")
            return
        card = bundle.card
        if card.closed:
            self._note(row, f"{name}, but the card is closed: nothing logged (followup reopen {card.id} first)")
            return
        if row.logs is None:
            self._note(row, f"{name}: nothing to log (tick the checklist: followup prep {card.id})")
            return
        kind = Kind(row.logs)
        if any(c.id > row.seen_contact and c.kind in DONE_BY[row.logs] for c in bundle.contacts):
            self._note(row, f"{name}: already logged")
            return
        at = min(done_at or self.now, self.now)  # a contact is never in the future
        channel = Channel(row.channel) if row.channel in {c.value for c in Channel} else card.channel
        when = short_datetime(at, self.now)
        title = f"#{card.id} {safe(card.company)}"
        if self.dry:
            self.report.logged.append(f"{title}: would log {kind} via {channel} (done in the calendar {when})")
            return
        person = row.person if row.person and self.store.linked_person(card.id, row.person) else None
        warning = too_soon(bundle, kind, at, self.config.policy, channel, person)
        self.store.origin = ORIGIN
        logged = self.store.log_contact(
            card.id, kind, at, self.now, channel=channel, person=person, note="done in the calendar"
        )
        changes = logged.changes
        moved = (f"; round {changes['round']} started" if "round" in changes else "") + (
            f"; moved to {changes['stage']}" if "stage" in changes else ""
        )
        self.report.logged.append(
            f"{title}: logged {kind} via {channel} (done in the calendar {when}){moved}"
            + (f"; warning: {safe(warning)}" if warning else "")
        )

    # --- 3. out to the calendar --------------------------------------------------------------------------

    def _out_to_calendar(self) -> None:
        wanted = {item.uid: item for item in wanted_items(list(self.bundles.values()), self.config, self.now)}
        retiring = []
        for uid, item in wanted.items():
            row = self.rows.get(uid)
            if row is None:
                self._create(item)
            elif row.closed_by == "calendar" and not (row.status == COMPLETED and row.hash != item.hash):
                self.report.unchanged += 1  # cancelled or deleted there, or done and still the same: as it is
            elif row.hash != item.hash or row.status != item.status or uid in self.redo:
                self._update(row, item)
            else:
                self.report.unchanged += 1
        for uid, row in list(self.rows.items()):
            if uid in wanted:
                continue
            if row.status == "DELETED":
                self._forget(row)
            elif row.card_uid not in self.bundles or row.component == EVENT:
                self._delete(row)
            elif row.retired is None:
                retiring.append(row)
            elif row.retired <= self.now - GRACE or self.config.caldav.private:
                self._delete(row)  # private: one kept from before may name the company
            else:
                self.report.unchanged += 1
        missing = [path_of(row.href) for row in retiring if row.uid not in self.bases]
        for path, (etag, body) in self.server.fetch(missing).items() if not self.dry else ():
            row = next(r for r in retiring if path_of(r.href) == path)
            row.etag, self.bases[row.uid] = etag, body
        for row in retiring:
            self._retire(row)

    def _create(self, item: Item) -> None:
        if self.dry:
            self.report.created += 1
            return
        href = self.server.href(item.name)
        row = Row(
            uid=item.uid,
            card_uid=item.card_uid,
            component=item.component,
            what=item.what,
            href=href,
            etag=None,
            sequence=0,
            hash="",
            status=item.status,
            closed_by=None,
            due=iso(_instant(item.when)),
            logs=item.logs,
            channel=item.channel,
            person=item.person,
            seen_contact=self._latest_contact(item),
            pushed_at=iso(self.now),
        )
        if path_of(href) in self.remote:  # there already (another copy of this database put it there): take it in
            found = self.server.fetch([path_of(href)]).get(path_of(href))
            if found is not None:
                self._read_back(row, *found, ours=False)
                if row.closed_by is None:
                    self._push(row, item, "created")
                return
        written = self.server.put(path_of(href), build(item, 0, self.now), None, create=True)
        if written.status == CONFLICT:  # made there just now by someone else: read it and write onto it
            self._reread_and_push(row, item, "created", ours=False)
        else:
            self._pushed(row, item, written.etag, 0, "created")

    def _update(self, row: Row, item: Item) -> None:
        """A changed item; or one ticked there that the rules ask for again, anew (the next follow-up)."""
        if self.dry:
            self.report.updated += 1
        else:
            self._push(row, item, "updated")

    def _push(self, row: Row, item: Item, counted: str, again: bool = True) -> None:
        """Write the item over the copy we last saw (If-Match); a 412 is read back, then written onto."""
        sequence = row.sequence + 1
        body = build(item, sequence, self.now, self.bases.get(row.uid))
        written = self.server.put(path_of(row.href), body, row.etag)
        if written.status == CONFLICT and again:
            self._reread_and_push(row, item, counted)
        elif written.status == CONFLICT:
            self._fail(row, "changed in the calendar again while it was written; the next sync tries again")
        elif written.status == GONE:
            self._deleted_there(row)
        else:
            self._pushed(row, item, written.etag, sequence, counted)

    def _pushed(self, row: Row, item: Item, etag: str | None, sequence: int, counted: str) -> None:
        """The server holds `item` now: remember what it says, and what doing it logs."""
        setattr(self.report, counted, getattr(self.report, counted) + 1)
        row.etag, row.sequence, row.hash, row.status, row.what = etag, sequence, item.hash, item.status, item.what
        row.due, row.logs, row.channel, row.person = iso(_instant(item.when)), item.logs, item.channel, item.person
        row.closed_by, row.retired_at = None, None
        row.seen_contact, row.pushed_at = self._latest_contact(item), iso(self.now)
        self.redo.discard(row.uid)
        self._changed(row)

    def _reread_and_push(self, row: Row, item: Item, counted: str, ours: bool = True) -> None:
        found = self.server.fetch([path_of(row.href)]).get(path_of(row.href))
        if found is None:
            self._fail(row, "could not be read back after the server refused it")
            return
        self._read_back(row, *found, ours=ours)
        if row.closed_by is None:  # not done, cancelled or deleted there meanwhile
            self._push(row, item, counted, again=False)

    def _retire(self, row: Row) -> None:
        """A to-do that is no longer the next action: done by a contact logged since, or dropped."""
        bundle = self.bundles[row.card_uid]
        done = self._done_by(bundle, row)
        status = COMPLETED if done is not None else CANCELLED
        self.report.completed += status == COMPLETED
        self.report.cancelled += status == CANCELLED
        if self.dry:
            return
        if self.config.caldav.private:  # gone at once: nothing of a done job search lingers there
            self._delete(row, counted=False)
            return
        base = self.bases.get(row.uid)
        body = retire(base, row.uid, status, done or self.now, row.sequence + 1, self.now) if base else None
        if body is None:  # gone or unreadable there: nothing left to mark
            self._delete(row, counted=False)
            return
        written = self.server.put(path_of(row.href), body, row.etag)
        if written.status == CONFLICT:  # changed there in between: read it, take it in, then mark that copy
            found = self.server.fetch([path_of(row.href)]).get(path_of(row.href))
            if found is not None:
                self._read_back(row, *found)
                if row.closed_by == "calendar":
                    return
                body = retire(found[1], row.uid, status, done or self.now, row.sequence + 1, self.now)
                written = self.server.put(path_of(row.href), body, row.etag) if body else written
        if written.status == GONE:
            self._forget(row)
            return
        if not written.ok:
            self._fail(row, "changed in the calendar again while it was marked; the next sync tries again")
            return
        row.etag, row.sequence = written.etag, row.sequence + 1
        row.retire(status, "sync", self.now)
        self._changed(row)

    def _done_by(self, bundle: CardBundle, row: Row) -> datetime | None:
        """When a contact logged since the to-do went out did what it asked (None: nothing did)."""
        if row.logs is None:  # prep: done when the checklist is
            return self.now if bundle.prep and all(item.done for item in bundle.prep) else None
        doing = [c.at for c in bundle.contacts if c.id > row.seen_contact and c.kind in DONE_BY[row.logs]]
        return min(doing) if doing else None

    def _delete(self, row: Row, counted: bool = True) -> None:
        self.report.deleted += counted
        if self.dry:
            return
        written = self.server.delete(path_of(row.href), row.etag)
        if written.status == CONFLICT:  # changed there since: read what it says, then delete that copy
            found = self.server.fetch([path_of(row.href)]).get(path_of(row.href))
            if found is not None:
                if row.card_uid in self.bundles:
                    self._read_back(row, *found)
                written = self.server.delete(path_of(row.href), found[0])
        if written.ok or written.status == GONE:
            self._forget(row)
        else:
            self._fail(row, "changed in the calendar again while it was deleted; the next sync tries again")

    # --- bookkeeping -------------------------------------------------------------------------------------

    def _latest_contact(self, item: Item) -> int:
        bundle = self.bundles.get(item.card_uid)
        return max((c.id for c in bundle.contacts), default=0) if bundle else 0

    def _changed(self, row: Row) -> None:
        if self.dry:
            return
        self.rows[row.uid] = row
        self.dirty[row.uid] = row
        if len(self.dirty) >= SAVE_EVERY:
            self._save()

    def _forget(self, row: Row) -> None:
        self.rows.pop(row.uid, None)
        self.dirty.pop(row.uid, None)
        if not self.dry:
            self.gone.append(row.uid)

    def _save(self) -> None:
        if self.dry:
            return
        save(self.store, list(self.dirty.values()), self.gone)
        self.dirty, self.gone = {}, []

    def _card_name(self, row: Row) -> str:
        bundle = self.bundles.get(row.card_uid)
        if bundle is None:
            return f"{row.what} (a deleted card)"
        card = bundle.card
        return f"#{card.id} {safe_title(card.company, card.role)}: {row.what.lower()}"

    def _note(self, row: Row, text: str) -> None:
        self.report.notes.append(f"{self._card_name(row)} {text}")

    def _fail(self, row: Row, text: str) -> None:
        self.report.failures.append(f"{self._card_name(row)} {text}")


def _instant(moment: datetime | date | None) -> datetime | None:
    """An item's date as an instant (an all-day date: its local start), for the sync's table."""
    return day_start(moment) if isinstance(moment, date) and not isinstance(moment, datetime) else moment


def _words(moment: datetime | date | None, now: datetime) -> str:
    if moment is None:
        return "no date"
    return short_datetime(moment, now) if isinstance(moment, datetime) else short_date(moment, now)


__all__ = ["GRACE", "Report", "SyncError", "sync"]
