"""FollowupApp: the board and everything it opens (SPEC §6).

The board reads on the UI thread from its own connection. Every change goes through
`write()`: one Store action (one transaction, recorded in the undo journal) on the writer's
thread, so a database locked by another program never freezes the board; then the changed
card alone is read again, only the lines that changed are redrawn, focus follows the card
and a toast says what happened. The board remembers the journal ids of its own actions, so
u / ctrl+r undo and redo those, never anyone else's (journal.py). Keys take turns
(typeahead.py): a burst never lands on the board by mistake.
"""

from __future__ import annotations

import asyncio
import gc
import os
import shutil
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import suppress
from datetime import datetime
from pathlib import Path
from typing import Protocol, TypeVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.color import Color
from textual.dom import DOMNode
from textual.screen import Screen

from ..domain import clock
from ..domain.config import Config
from ..domain.model import CardBundle
from ..domain.rules import Assessment, assess
from ..domain.textsafe import safe
from ..domain.words import OVERDUE
from ..storage import dbfile, search, summaries
from ..storage.dbfile import BUSY_TIMEOUT_MS, NoCard, StoreError
from ..storage.store import Store
from ..storage.summaries import CardSummary
from .actions import CardActions
from .board import BoardScreen, board_of, lift_toasts
from .caches import keep_lines_acyclic
from .palette import flag_colours
from .preferences import remember_theme
from .typeahead import KeyHandled, TypeAhead
from .writer import Writer, is_busy

_Result = TypeVar("_Result")  # what a write's Store action returns


def binding_ids() -> set[str]:
    """Every binding id config.toml [keys] may rebind."""
    return set(default_keys())


def default_keys() -> dict[str, str]:
    """Binding id -> its keys before config.toml [keys]."""
    return {binding.id: binding.key for scope in key_scopes().values() for binding in scope if binding.id}


def key_scopes() -> dict[str, list[Binding]]:
    """Where each binding works, with the others that work there at the same time (the app's, the
    screen's, the focused widget's): one key can do one thing in each. A screen with several
    focusable parts has a scope per part."""
    from .card import CardBody, CardScreen, ContactList, PeopleList, PrepList
    from .cardlist import CardList
    from .forms import ChooseOutcome, ChooseRound, Confirm, Form
    from .screens import ArchiveScreen, DraftScreen, HelpBody, HelpScreen
    from .stats import DefinitionsScreen, StatsScreen

    scopes: dict[str, tuple[type[DOMNode], ...]] = {
        "the board": (BoardScreen, CardList),
        "the card screen": (CardScreen, CardBody),
        "the card screen's people": (CardScreen, PeopleList),
        "the card screen's contacts": (CardScreen, ContactList),
        "the card screen's prep list": (CardScreen, PrepList),
        "the archive": (ArchiveScreen,),
        "the stats screen": (StatsScreen,),
        "the stats definitions": (DefinitionsScreen,),
        "the help screen": (HelpScreen, HelpBody),
        "the draft screen": (DraftScreen,),
        "a form": (Form,),
        "a yes/no question": (Confirm,),
        "the close question": (ChooseOutcome,),
        "the next-round question": (ChooseRound,),
    }
    return {name: _bindings(FollowupApp, *holding) for name, holding in scopes.items()}


def _bindings(*holders: type[DOMNode]) -> list[Binding]:
    return [b for holder in holders for b in holder.BINDINGS if isinstance(b, Binding) and b.id]


FLAG_VARIABLES = {
    "overdue": "flag-overdue",
    "too-frequent": "flag-too-frequent",
    "due": "flag-due",
    "no-reply": "flag-no-reply",
}  # app.tcss and the legend colour flags with these
SLOW_WRITE_SECONDS = 1.0  # a save still running after this is waiting for another program: say so
RELOAD_ALL_ABOVE = 200  # another process changed more cards than this: read the whole board again
YOUNG_COLLECTION_AFTER = 10_000  # allocations between two young garbage collections (Python's default: 700)
YOUNG_COLLECTION_DUE = 2_000  # ... after which the board runs one between keys
MIDDLE_COLLECTION_DUE = 10  # young collections after which the board runs a middle one between keys
FULL_COLLECTION_AFTER = 1_000  # second-generation collections before Python runs a full one itself
FULL_COLLECTION_DUE = 50  # ... after which the board runs one between keys, idle or not (~500-600 keys)
IDLE_SECONDS = 2.0  # no key for this long: the board runs a full collection if any is owed
POLL_SECONDS = 0.25  # how often the board asks whether another program wrote (PRAGMA data_version: microseconds)
TICK_AFTER_MINUTE = 0.05  # the tick runs this long after each minute turns on the clock (clock.now drops fractions)
# the terminal closed, or `kill`: the board ends once what is being saved is saved (Windows has no SIGHUP)
HANGUPS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))


class SyncOutcome(Protocol):
    """How a calendar sync went (integrations.calsync.Outcome; the board never imports it). Read-only."""

    @property
    def at(self) -> datetime: ...

    @property
    def ok(self) -> bool: ...

    @property
    def line(self) -> str: ...


class CalendarSync(Protocol):
    """What syncs the board with the calendar (integrations.calsync.BoardSync, made by the command line)."""

    @property
    def every_minutes(self) -> float: ...

    def run(self) -> SyncOutcome: ...

    def last(self) -> SyncOutcome | None: ...


class BoardStopped(StoreError):
    """Why the board has to stop, as Textual prints it on the way out: one line, no traceback."""

    def __rich__(self) -> Text:
        return Text(f"followup: error: {self}")


class FollowupApp(CardActions, App):
    CSS_PATH = "app.tcss"
    TITLE = "followup"
    BINDINGS = [
        Binding("u", "undo", "Undo", id="undo"),
        Binding("ctrl+r", "redo", "Redo", show=False, id="redo"),
        Binding("Y", "sync_calendar", "Sync calendar", id="sync-calendar"),
        Binding("question_mark", "help", "Keys", id="help"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(
        self,
        store: Store,
        config: Config,
        now_text: str | None = None,
        data_dir: Path | None = None,
        busy_timeout_ms: int = BUSY_TIMEOUT_MS,
        calendar: CalendarSync | None = None,
        scratch: Path | None = None,
    ) -> None:
        """`store` is read on the UI thread; writes use a connection of their own (writer.py).
        `data_dir` takes a draft when no clipboard tool is found (default: beside the database).
        `calendar` syncs with the CalDAV calendar of config.toml [caldav] (the command line makes it)."""
        super().__init__()
        keep_lines_acyclic()
        self.store, self.config, self.now_text = store, config, now_text
        self.data_dir = data_dir or store.path.parent
        self.scratch = scratch  # a folder of the board's own (the demo's), removed if the terminal closes
        store.origin = "board"
        self.writer = Writer(store.path, config.policy, busy_timeout_ms)
        self.undoable: list[int] = []  # journal ids of this board's actions (and redos), latest last
        self._focus_before: dict[int, int] = {}  # action id -> the card focused when it was asked for
        self.redoable: list[int] = []  # journal ids of this board's undos
        self.board = summaries.Board(store.conn, config.policy, self.now())  # every column's order, once mounted
        self._overdue: set[int] = set()  # the open cards overdue when the board last looked
        self._data_version = store.data_version()
        self._journal_seen = store.journal_head()
        self._writes = 0
        self._saved = asyncio.Event()
        self._quit_when_saved = False
        self._typeahead = TypeAhead(self, self._deliver, lambda: self._saved if self._writes else None)
        self._thresholds: tuple[int, int, int] | None = None  # Python's collection thresholds, once changed
        self._last_key = 0.0  # time.monotonic() of the last key
        self.calendar = calendar
        self.syncing = False
        self.synced: SyncOutcome | None = calendar.last() if calendar else None
        if config.theme:
            self.theme = config.theme

    # --- lifecycle --------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """The file went bad under the board (damaged, a table dropped): stop with one line, not a traceback."""
        if isinstance(error, sqlite3.DatabaseError):
            error = dbfile.explain(self.store.path, error, "read")
        if isinstance(error, StoreError):
            error = BoardStopped(str(error))
        super()._handle_exception(error)

    def get_default_screen(self) -> Screen:
        """The board is the first screen (not a blank one with the board pushed over it: Textual would
        lay out, style and draw the board twice before it is ready)."""
        self.reload()
        return BoardScreen()

    def on_mount(self) -> None:
        if self.config.keys:
            self.set_keymap(self.config.keys)
        remember_theme(self)
        self.screen_change_signal.subscribe(self, lift_toasts)  # a dialog's toasts: above the board's status line
        self._quit_on_hangup()
        self.set_interval(POLL_SECONDS, self._poll_other_writers)
        self._next_minute()
        if self.calendar is not None and self.calendar.every_minutes > 0:
            self.set_interval(self.calendar.every_minutes * 60, lambda: self.action_sync_calendar(quiet=True))

    def board_ready(self) -> None:
        """The first cards are drawn: what exists now (Textual's widgets, styles, the columns) lives as
        long as the board, so full garbage collections need not walk it again and again (gc.freeze).
        Those that remain walk Textual's caches of drawn lines (60,000-70,000 objects at 10,000
        cards: 20-60 ms), too long to run between two keys: the board runs them itself while the
        user is idle (_collect_when_due), or once a dialog closed (pop_screen). Little else waits for
        them: the lines drawn are no longer cycles (caches.keep_lines_acyclic) and the card screen is
        made once (card.card_screen). Young collections run every YOUNG_COLLECTION_AFTER allocations
        rather than 700: a key allocates thousands of objects that die young, and at 700 the
        collections took 20 ms of a key's 80 (bench/board.py keys)."""
        gc.freeze()
        if self._thresholds is None:
            self._thresholds = gc.get_threshold()
            _, second, _ = self._thresholds
            gc.set_threshold(YOUNG_COLLECTION_AFTER, second, FULL_COLLECTION_AFTER)
            self.set_interval(1, self._collect_when_due)

    def pop_screen(self) -> AwaitComplete:
        """A screen that closes for good (a dialog; not the card screen, kept) is garbage in cycles,
        old enough by then to need a full collection: run once the screen below is drawn again.
        Left for the next pause in the keys, 60 dialogs opened and closed in a row took the
        process from 51 to 89 MB (Python keeps the memory it grew into; 60 MB collected at once)."""
        if not self.is_screen_installed(self.screen) and self._thresholds is not None:
            self.call_after_refresh(gc.collect)
        return super().pop_screen()

    def _collect_when_due(self) -> None:
        """Between keys (after a key's frame, or a second on), the collections Python would run in the
        middle of the next one, where their pause adds to the key's own: a young one once
        YOUNG_COLLECTION_DUE objects are new, a middle one once MIDDLE_COLLECTION_DUE young ones ran.
        A full one once the keys have paused (IDLE_SECONDS, nothing being saved) if a middle
        collection kept something; or, however busy, once FULL_COLLECTION_DUE of them did."""
        if self._thresholds is None:
            return
        young, middle, kept = gc.get_count()
        idle = time.monotonic() - self._last_key >= IDLE_SECONDS and not self.writing
        if kept >= FULL_COLLECTION_DUE or (idle and kept):
            gc.collect()
        elif middle >= MIDDLE_COLLECTION_DUE:
            gc.collect(1)
        elif young >= YOUNG_COLLECTION_DUE:
            gc.collect(0)

    def _quit_on_hangup(self) -> None:
        """Closing the terminal (SIGHUP) or `kill` (SIGTERM) ends the board once the writes asked for
        are saved (a demo's folder removed), instead of the process dying where it stands."""
        loop = asyncio.get_running_loop()
        for number in HANGUPS:
            try:
                loop.add_signal_handler(number, self._signalled, number)
            except (NotImplementedError, RuntimeError):  # an event loop without them (Windows), or not the main thread
                return

    def _signalled(self, number: int) -> None:
        """`kill`: quit as q does (a second one while a save is waited for quits at once). A hang-up:
        the terminal is gone, so Textual's own way out, which writes to it, is not taken (QA: a board
        closed while a save waited for a lock never ended): once the writes asked for are saved, the
        process ends, removing the demo's folder."""
        if number == getattr(signal, "SIGHUP", None):
            _to_nowhere()
            threading.Thread(target=self._end_after_saving, name="followup-hangup", daemon=True).start()
        elif self._quit_when_saved:
            self.exit()
        else:
            self.call_later(self.action_quit)

    def _end_after_saving(self) -> None:
        self.writer.close()  # waits for the writes already asked for (a locked database: its busy timeout)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
        os._exit(0)

    def on_unmount(self) -> None:
        loop = asyncio.get_running_loop()
        for number in HANGUPS:  # as they were: tests run many boards in one process
            with suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(number)
        self.writer.close()
        if self._thresholds is not None:  # as they were: tests run many boards in one process
            gc.set_threshold(*self._thresholds)
        gc.unfreeze()  # the board's objects may go now

    def now(self) -> datetime:
        return clock.now(self.now_text)

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables plus five flag colours that differ in this theme (palette.py)."""
        variables = super().get_css_variables()
        variables.update(flag_colours(variables))
        self.theme_variables = variables
        return variables

    # --- keys take turns (typeahead.py) ---------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._last_key = time.monotonic()
            await self._typeahead.admit(event)
            self.call_after_refresh(self._collect_when_due)
        else:
            await super().on_event(event)

    async def _deliver(self, event: events.Event) -> None:
        await super().on_event(event)

    def on_key_handled(self, message: KeyHandled) -> None:
        self._typeahead.reached_app()

    # --- reading ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read every column's order again; summaries are read as they are drawn."""
        self.board.load(self.now())
        self._overdue = self.board.flagged(OVERDUE)

    def reload_card(self, card_id: int) -> None:
        """After a change to one card: read only that card again."""
        self.reload_cards({card_id})

    def rows(self) -> list[CardSummary]:
        """Every open card's summary (reads them all: for checks, not for drawing)."""
        return self.board.rows()

    def closed_rows(self) -> list[CardSummary]:
        return summaries.load(self.store.conn, self.config.policy, self.now(), "c.closed_at IS NOT NULL")

    def matching_ids(self, needle: str) -> set[int]:
        """Open cards with every word of `needle` starting a word in their texts (the search index)."""
        return search.matching(self.store.conn, needle)

    def bundle(self, card_id: int) -> CardBundle | None:
        """One card in full (contacts, people, prep); None if it is gone."""
        try:
            return self.store.get(card_id)
        except StoreError:
            return None

    def assess(self, bundle: CardBundle) -> Assessment:
        return assess(bundle, self.config.policy, self.now())

    def refresh_all(self) -> None:
        self.reload()
        self.refresh_screens()

    def refresh_screens(self) -> None:
        if not self.is_running:  # shutting down: the screens' widgets are going (a timer may still fire)
            return
        for screen in self.screen_stack:
            if not screen.is_mounted:  # still composing (its on_mount refreshes it): no widgets to update yet
                continue
            for method in ("refresh_board", "refresh_card", "refresh_archive", "refresh_inbox", "refresh_stats"):
                if hasattr(screen, method):
                    getattr(screen, method)()

    def _poll_other_writers(self) -> None:
        """Another connection committed (a shell, or this board's writer): read again the cards its
        actions touched, as the journal says; all of them after a write the journal did not see (sqlite3)."""
        if not self.is_running:
            return
        if self.calendar is not None and not self.syncing:
            self._show_synced(self.calendar.last())  # a sync from a shell or cron
        version = self.store.data_version()
        if version != self._data_version:
            self._data_version = version
            changed, self._journal_seen = self.store.changed_cards_since(self._journal_seen)
            focused = self._focused_card()
            self.reload_cards(changed)
            self.refresh_screens()
            if focused is not None and self._focused_card() != focused:
                self.follow(focused)  # moved to another column by that write: the focus goes with it (QA)

    def _next_minute(self) -> None:
        """Time passes on the minute, as the header's clock and "due within 1m" count it. Counted from
        the board's start instead, a minute showed the one before for up to 59 s (QA walk 13, F8)."""
        self.set_timer(60 - time.time() % 60 + TICK_AFTER_MINUTE, self._on_the_minute)

    def _on_the_minute(self) -> None:
        self._next_minute()
        self._tick()

    def _tick(self) -> None:
        """Time passes. A card's flags change only where one segment of its saved plan ends and the
        next begins, so only those cards (and any the rules assess in full) are read again; the
        others keep their place and measure their reasons anew ("overdue by 4h") when next drawn.
        A card turning overdue is announced."""
        self.reload_cards(set())
        self.refresh_screens()
        for screen in self.screen_stack:
            if hasattr(screen, "refresh_times"):
                screen.refresh_times()

    def reload_cards(self, card_ids: set[int] | None) -> None:
        """Read these cards again (None or very many: the whole board), with those whose flags time
        changed since the board last looked; announce any of those now overdue."""
        if card_ids is None or len(card_ids) > RELOAD_ALL_ABOVE:
            self.reload()
            return
        now = self.now()
        crossed = self.board.crossed(now)
        changed = card_ids | crossed
        self.board.update(changed, now)
        overdue = {card_id for card_id in changed if self.board.carries(card_id, OVERDUE)}
        for row in self.board.summaries(sorted((overdue & crossed) - self._overdue)):
            if row is not None:
                self.notify(
                    f"{safe(row.company)} is now overdue: {safe(row.assessment.reasons[0])}",
                    severity="warning",
                    markup=False,
                )
        self._overdue = (self._overdue - changed) | overdue

    # --- writing -----------------------------------------------------------------------------

    def write(
        self,
        card_id: int | None,
        what: str,
        action: Callable[[Store], _Result],
        say: Callable[[_Result], str],
        then: Callable[[_Result], None] | None = None,
        follow: bool = True,
    ) -> None:
        """Run `action(store)` (one Store action) off the UI thread, then show its card.

        `card_id` None: the action adds a card and returns its id. `what` names the change
        before it is done ("the thank-you for #3 Acme": a write the database refused for too
        long is offered again); `say(result)` is the toast once done; `then(result)` runs after.
        The focus follows the card unless the user went to another card meanwhile (a slow save).
        """
        focused_then = self._focused_card()

        def done(result: _Result, action_id: int | None) -> None:
            if action_id is not None:  # None: it changed nothing
                self.undoable.append(action_id)
                self.redoable.clear()
                if focused_then is not None:
                    self._focus_before[action_id] = focused_then
            changed = result if card_id is None else card_id  # a new card: the action returned its id
            if isinstance(changed, int):
                self.card_changed(changed, follow and self._focused_card() == focused_then)
            self.notify(say(result), markup=False)
            if then is not None:
                then(result)

        self._submit(what, action, done)

    def _submit(
        self,
        what: str,
        action: Callable[[Store], _Result],
        done: Callable[[_Result, int | None], None],
        declined: Callable[[], None] | None = None,
        refused: Callable[[], None] | None = None,
    ) -> None:
        """`action(store)` on the writer's thread; `done(result, its journal id)` back on this one;
        `declined`: the user gave up a write the database was too busy for; `refused`: the store said no."""
        self._writes += 1
        self._saved.clear()
        self.show_saving()
        self.run_worker(self._write(what, action, done, declined, refused), group="writes")

    async def _write(self, what, action, done, declined, refused) -> None:
        slow = self.set_timer(
            SLOW_WRITE_SECONDS,
            lambda: self.notify(
                f"saving {what}… the database is busy (another program is writing); keep working",
                markup=False,
                timeout=4,
            ),
        )
        try:
            try:
                result, action_id = await self.writer.run(lambda store: (action(store), store.last_action_id))
            except StoreError as exc:
                if is_busy(exc):
                    self._offer_again(what, lambda: self._submit(what, action, done, declined, refused), declined)
                else:
                    self.notify(_refusal(what, exc), severity="error", markup=False)
                    if refused is not None:
                        refused()
                return
            finally:
                slow.stop()
            done(result, action_id)
        finally:
            self._write_done()

    def _write_done(self) -> None:
        self._writes -= 1
        if not self._writes:
            self._saved.set()
            if self._quit_when_saved:
                self.exit()
        self.show_saving()

    def _offer_again(self, what: str, again: Callable[[], None], declined: Callable[[], None] | None) -> None:
        from .forms import Confirm

        seconds = self.writer.busy_timeout_ms / 1000

        def answer(yes: bool | None) -> None:
            if yes:
                again()
                return
            self.notify(f"not saved: {what}", severity="warning", markup=False)
            if declined is not None:
                declined()

        self.push_screen(
            Confirm(
                f"Could not save {what}: another program kept the database locked for {seconds:g} s.\n\nTry again?",
                yes="Try again",
            ),
            answer,
        )

    @property
    def writing(self) -> int:
        """How many changes are still being saved."""
        return self._writes

    def show_saving(self) -> None:
        for screen in self.screen_stack:
            if hasattr(screen, "show_saving"):
                screen.show_saving(self._writes)

    def card_changed(self, card_id: int, follow: bool = True) -> None:
        """Card `card_id` was just changed by this board (a write, an undo): read it again, redraw
        what changed and, with `follow`, put the focus on it wherever it went."""
        self.reload_card(card_id)
        self.refresh_screens()
        if follow:
            self.follow(card_id)

    def _focused_card(self) -> int | None:
        """The card focused on the board (under any screen on top of it)."""
        board = board_of(self)
        return board.current_card_id if board is not None else None

    def follow(self, card_id: int) -> None:
        """Focus the card on the board, in whatever column it is now; when it left the board and its column
        is empty now, a card of the nearest column."""
        board = board_of(self)
        if board is not None and not board.select_card(card_id):
            board.leave_empty_column()

    async def action_quit(self) -> None:
        if self._writes:
            self._quit_when_saved = True
            self.notify("saving… the board closes once it is saved", markup=False)
        else:
            self.exit()

    # --- the calendar (followup sync): on a worker thread, never in the way of keys --------------

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "sync_calendar" and self.calendar is None:
            return None  # no [caldav] url: the key is not offered
        return True

    def action_sync_calendar(self, quiet: bool = False) -> None:
        """Y (and every caldav.every_minutes): sync now, on a thread of its own with its own connection.
        What it logs from the calendar reaches the board as a shell's changes do (the journal)."""
        if self.calendar is None or self.syncing:
            if not quiet:
                self.notify("a sync is already running" if self.syncing else "no calendar set up", markup=False)
            return
        self.syncing = True
        self.refresh_screens()
        calendar = self.calendar

        def run() -> None:
            outcome = calendar.run()
            self.call_from_thread(self._sync_done, outcome, quiet)

        self.run_worker(run, thread=True, group="calendar", exit_on_error=False)

    def _sync_done(self, outcome: SyncOutcome, quiet: bool) -> None:
        self.syncing = False
        self._show_synced(outcome, force=True)
        self._poll_other_writers()  # the contacts it logged, now
        if not outcome.ok:
            self.notify(f"calendar sync failed: {outcome.line}", severity="error", markup=False, timeout=8)
        elif not quiet or not outcome.line.startswith("0 changes"):
            self.notify(f"calendar synced: {outcome.line}", markup=False)

    def _show_synced(self, outcome: SyncOutcome | None, force: bool = False) -> None:
        if force or outcome != self.synced:
            self.synced = outcome
            self.refresh_screens()

    def sync_words(self) -> str:
        """For the board's header: '' without a calendar, else how the latest sync went."""
        if self.calendar is None:
            return ""
        if self.syncing:
            return "calendar: syncing…"
        done = self.synced
        if done is None:
            return f"calendar: not synced yet ({self.keys_for_action('sync_calendar')} syncs)"
        local = done.at.astimezone()
        when = f"{local:%H:%M}" if local.date() == self.now().astimezone().date() else f"{local:%b %-d %H:%M}"
        return f"synced {when}" if done.ok else f"sync failed {when}: {done.line}"

    def keys_for_action(self, action: str) -> str:
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.action == action)
        return self.keys_for(binding)

    # --- undo, redo: this board's own actions, through the shared journal (SPEC §7) ------------

    def action_undo(self) -> None:
        self._revert(self.undoable, self.redoable, "undo", "undone")

    def action_redo(self) -> None:
        self._revert(self.redoable, self.undoable, "redo", "redone")

    def _revert(self, source: list[int], target: list[int], step: str, verb: str) -> None:
        """Undo or redo this board's latest own action through the journal, on the writer's thread.
        A refusal (a later change is in the way) is said, and the action goes under the one before
        it: the next key tries that one, and the refused one comes round again (the change in the
        way may have been undone meanwhile)."""
        if not source:
            self.notify(self._nothing_to_revert(step, verb), markup=False)
            return
        action_id = source.pop()

        def done(reverted, _action_id) -> None:
            if reverted.action_id is not None:
                target.append(reverted.action_id)
            self.reload_cards(reverted.cards)
            self.refresh_screens()
            if reverted.cards:
                self.follow(min(reverted.cards))  # nothing when the card is not on the board
            if self._focused_card() not in reverted.cards and action_id in self._focus_before:
                self.follow(self._focus_before[action_id])  # an add undone: back where the user was
            self.notify(f"{verb}: {safe(reverted.label)}", markup=False)

        self._submit(
            f"the {step}",
            lambda store: getattr(store, step)(action_id),
            done,
            declined=lambda: source.append(action_id),
            refused=lambda: source.insert(max(len(source) - 1, 0), action_id),
        )

    def _nothing_to_revert(self, step: str, verb: str) -> str:
        """u with nothing this board did: say what `followup undo` would take back instead (a change
        made before the board was opened again, say, or in another shell), which u leaves alone."""
        from ..storage import journal

        other = journal.latest(self.store.conn, redo=step == "redo")
        if other is None:
            return f"nothing to be {verb}"
        base = other.base if step == "redo" else other.label
        return (
            f"nothing this board did to be {verb}; the latest change, #{other.id} '{safe(base)}' "
            f"({other.origin}, {other.when()}), is {verb} by: followup {step}"
        )

    # --- the card under the cursor ---------------------------------------------------------------

    def current_card_id(self) -> int | None:
        """The card the screen on top is about (the board's highlighted one, an open card's)."""
        return getattr(self.screen, "current_card_id", None)

    def _current(self) -> CardBundle | None:
        card_id = self.current_card_id()
        bundle = self.bundle(card_id) if card_id is not None else None
        if bundle is None:
            self.notify("no card here", markup=False)
        return bundle

    # --- keys, colours, command palette ------------------------------------------------------

    def keys_for(self, binding: Binding) -> str:
        """The keys a binding answers to now (the keymap from config.toml wins)."""
        return self._keymap.get(binding.id, binding.key) if binding.id else binding.key

    def flag_style(self, flag: str) -> Style:
        """Bold, in the flag's colour for this theme (palette.py)."""
        return self.flag_style_of(FLAG_VARIABLES[flag])

    def flag_style_of(self, variable: str) -> Style:
        return Style(color=Color.parse(self.theme_variables.get(variable, "red")).rich_color, bold=True)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then every action that works where the palette was opened."""
        yield from super().get_system_commands(screen)
        seen = set()
        for node, binding, _enabled, _tooltip in screen.active_bindings.values():
            if binding.id in PALETTE_SKIPS or binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                f"key: {self.keys_for(binding)}",
                lambda action=binding.action, node=node: self.run_action(action, node),
            )


# moving around and closing the palette itself are no commands
PALETTE_SKIPS = {
    "focus-left",
    "focus-right",
    "clear-filter",
    "card-up",
    "card-down",
    "card-top",
    "card-bottom",
    "card-page-up",
    "card-page-down",
    "command_palette",
    None,
}


def _refusal(what: str, exc: StoreError) -> str:
    """The store's no, as a toast: a card deleted meanwhile (by another program, while its form was
    open) is said so, with what was not saved; else the store's own line."""
    if isinstance(exc, NoCard):
        return (
            f"not saved: {what}: card #{exc.card_id} was deleted meanwhile, in another program "
            "(followup history shows it; followup undo brings it back if it was the latest change)"
        )
    return safe(str(exc))


def _to_nowhere() -> None:
    """Send the process's output to /dev/null: the terminal it wrote to is gone."""
    nowhere = os.open(os.devnull, os.O_WRONLY)
    for fd in (1, 2):
        os.dup2(nowhere, fd)
    os.close(nowhere)
