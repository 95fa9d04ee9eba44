"""The board: four stage columns of cards, most urgent first (SPEC §6)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from ..domain.model import STAGES, Stage
from ..domain.present import reason_words
from ..domain.rules import FLAG_WORDS, SEVERITY
from ..domain.textsafe import safe, safe_title
from ..domain.words import said_in_order
from ..storage import inbox
from .cardlist import CardItem, CardList, CardStyles, RowsOf, next_line
from .fields import TextInput
from .keybar import KeyBar

if TYPE_CHECKING:
    from textual import getters
    from textual.timer import Timer

    from .app import FollowupApp

# `/due`, `/overdue`, … filter by flag instead of text (the flag's JSON name or its word)
FLAG_FILTERS = {
    **{flag: flag for flag in SEVERITY},
    **{FLAG_WORDS[flag].casefold().replace(" ", "-"): flag for flag in SEVERITY},
}


FILTER_PAUSE = 0.08  # seconds without a key before the filter is applied
_ON_A_CARD = ("open-card", "log-thank-you", "log-contact", "write-draft")  # binding ids the key bar shows


class StageColumn(Vertical):
    """A titled column holding one stage's CardList."""

    def __init__(self, stage: Stage) -> None:
        super().__init__(id=f"column-{stage.value}", classes="column")
        self.stage = stage
        self._count: int | None = None
        self._title: tuple[str, int, int] | None = None  # (title, count, width) as last drawn

    def compose(self) -> ComposeResult:
        yield Static(self.stage.title, classes="column-title", markup=False)
        yield CardList(self.stage.value, id=f"list-{self.stage.value}")

    def show(self, ids: list[int], rows_of: RowsOf, now: datetime, first: bool = False) -> None:
        """These cards; `first`: highlight the first of them (else the same card, when it is still here)."""
        self._count = len(ids)
        self._show_title()
        self.query_one(CardList).set_cards(ids, rows_of, lambda row: CardItem.of(row, now), first)

    def on_resize(self) -> None:
        self._show_title()

    def _show_title(self) -> None:
        """'Stay in touch (12)', shortened to 'Stay in t… (12)' when the column is narrow: the count always shows."""
        title = self.query_one(".column-title", Static)
        width = title.content_size.width or 30
        if self._count is None or (self.stage.title, self._count, width) == self._title:
            return
        self._title = (self.stage.title, self._count, width)
        text = Text(self.stage.title)
        count = f" ({self._count})"
        text.truncate(max(1, width - len(count)), overflow="ellipsis")
        text.append(count)
        # one fixed line (app.tcss): repaint it, without laying out the whole screen again
        title.update(text, layout=False)


def board_of(app: App) -> BoardScreen | None:
    """The board, under whatever screens are on top of it (None before it opens)."""
    return next((screen for screen in app.screen_stack if isinstance(screen, BoardScreen)), None)


def lift_toasts(screen: Screen) -> None:
    """Toasts stack above the board's status line and the key bar: the focused card's line stays
    readable. A dialog's (a form, the draft) go to the top right: its keys and buttons are at its foot
    (QA: "copied" covered the draft's "s Mark as sent", a toast the person form's Save)."""
    board = board_of(screen.app)
    lines = board.status_lines if board is not None else 1
    try:
        rack = screen.get_child_by_id("textual-toastrack")
    except NoMatches:  # notifications are off (tests)
        return
    if isinstance(screen, ModalScreen):
        if rack.styles.dock != "top":
            rack.styles.dock, rack.styles.align_vertical, rack.styles.margin = "top", "top", (1, 0, 0, 0)
    elif rack.styles.margin.bottom != lines + 1:
        rack.styles.margin = (0, 0, lines + 1, 0)


class BoardScreen(Screen):
    if TYPE_CHECKING:
        app = getters.app(FollowupApp)

    BINDINGS = [
        Binding("left,h", "focus_column(-1)", "Column left", show=False, id="focus-left"),
        Binding("right,l", "focus_column(1)", "Column right", show=False, id="focus-right"),
        Binding("shift+left,H", "move_card(-1)", "Move card to the previous stage", show=False, id="move-prev"),
        Binding("shift+right,L", "move_card(1)", "Move card to the next stage", show=False, id="move-next"),
        Binding("enter", "open_card", "Open", id="open-card"),
        Binding("t", "app.thank", "Thank-you sent", id="log-thank-you"),
        Binding("c", "app.log_contact", "Log contact", id="log-contact"),
        Binding("w", "app.write_draft", "Draft", id="write-draft"),
        Binding("n,a", "app.add_card", "Add", id="add-card"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("e", "app.edit_card", "Edit", show=False, id="edit-card"),
        Binding("x", "app.close_card", "Close", show=False, id="close-card"),
        Binding("d", "app.delete_card", "Delete", show=False, id="delete-card"),
        Binding("number_sign", "app.jump", "Go to card #", show=False, id="jump"),
        Binding("A", "app.archive", "Archive", show=False, id="archive"),
        Binding("S", "app.stats", "Stats: how the search is going", show=False, id="stats"),
        Binding("i", "app.inbox", "Mail inbox", show=False, id="inbox"),
        Binding("escape", "clear_filter", "Clear filter", id="clear-filter"),
    ]

    _pending: Timer | None = None  # the filter, applied once typing pauses
    _filtered_from: int | None = None  # the card highlighted when / was pressed: esc goes back to it
    _filter_shown: tuple[str, str | None] = ("", None)  # the filter the columns show: (text, flag)
    # Textual repaints the whole screen whenever the focus moves (Screen.focused repaints): 40–50 ms
    # at 160×48, on every h/l and every move of a card to another column. What changes repaints
    # itself: the columns, restyled by :focus-within, and the lists on focus and blur.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def offers(self, binding_id: str) -> bool:
        """The footer offers the keys that act on a card while one is focused: not on an empty column,
        nor in the filter field, where they are letters typed (keybar.py; QA walk 13, F10)."""
        return binding_id not in _ON_A_CARD or self.current_card_id is not None

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "clear_filter" and not self.query_one("#filter", Input).display:
            return None  # no filter: esc does nothing here, and the footer does not offer it
        return True

    def compose(self) -> ComposeResult:
        yield Static(id="totals", markup=False)
        with Horizontal(id="columns"):
            for stage in STAGES:
                yield StageColumn(stage)
        yield TextInput(
            placeholder="filter: company, role, people, notes, contacts, prep; /due, /overdue… (esc clears)",
            id="filter",
        )
        yield Static(id="status-line", markup=False)
        yield KeyBar()
        yield CardStyles()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self._status: tuple | None = None
        self._totals_shown: tuple | None = None
        self._saving = 0
        self.status_lines = 1  # the status line's height, which toasts keep clear of (lift_toasts)
        self._status_size: tuple[int, int] | None = None  # the screen size status_lines was grown for
        self.refresh_board(focus_first=True)
        self.app.call_after_refresh(self.app.board_ready)

    # --- data ----------------------------------------------------------------------

    @property
    def needle(self) -> str:
        return self.query_one("#filter", Input).value.strip().casefold()

    @property
    def filter_pending(self) -> bool:
        """A filter typed but not applied yet (it waits FILTER_PAUSE for the next key)."""
        return self._pending is not None

    def refresh_board(self, focus_first: bool = False) -> None:
        """Every column again from the board's order (and the filter, read again: cards change)."""
        self._stop_pending()
        board, now = self.app.board, self.app.now()
        needle = self.needle
        flag = FLAG_FILTERS.get(needle.lstrip("/"))
        shown = board.flagged(flag) if flag else self.app.matching_ids(needle) if needle else None
        # a new filter: each column from its first (most urgent) match, not from where its highlight
        # was, which could leave the first matches scrolled out of sight (enter then lands below them)
        first = shown is not None and (needle, flag) != self._filter_shown
        self._filter_shown = (needle, flag)
        visible = 0
        for stage in STAGES:
            ids = board.order[stage.value]
            if shown is not None:
                ids = [card_id for card_id in ids if card_id in shown]
            visible += len(ids)
            self.query_one(f"#column-{stage.value}", StageColumn).show(ids, board.summaries, now, first)
        self._show_totals(board.totals, board.active, visible, flag)
        if focus_first or self.focused is None:
            self._focus_first_card()
        self._show_status()

    def refresh_times(self) -> None:
        """Time passed: the cards' own times ("waiting 12d") are worked out again as they are drawn."""
        now = self.app.now()
        for cards in self.query(CardList):
            cards.refresh_items(lambda row: CardItem.of(row, now))

    def _show_totals(self, totals: dict[str, int], active: int, shown: int, flag: str | None) -> None:
        self._totals_shown = (totals, active, shown, flag)  # drawn again for a new width
        text = Text(" ")
        for name in SEVERITY:
            style = f"bold {'' if totals[name] else 'dim'}"
            text.append(f"{FLAG_WORDS[name]} {totals[name]}", style)
            text.append("  ·  ", "dim")
        text.append(f"{active} active")
        waiting = inbox.pending_count(self.app.store.conn)  # what `followup mail scan` proposed
        if waiting:
            text.append(f"  ·  Inbox: {waiting} to review (i)", "bold")
        if flag:
            text.append(f"  ·  only {FLAG_WORDS[flag]}: {shown} shown", "italic")
        elif self.needle:
            text.append(f"  ·  filter “{safe(self.needle)}”: {shown} shown", "italic")
        totals_line = self.query_one("#totals", Static)
        room = self.app.size.width - totals_line.styles.padding.width - text.cell_len - len("  ·  ")
        today = date_that_fits(self.app.now(), room)
        if today:
            text.append(f"  ·  {today}", "dim")
        synced = self.app.sync_words()
        if synced:
            failed = synced.startswith("sync failed")
            text.append("  ·  ", "dim")
            text.append(synced, self.app.flag_style("overdue") if failed else "dim")
        if text.plain != getattr(self, "_totals", None):
            self._totals = text.plain
            totals_line.update(text, layout=False)  # one fixed line, as the titles

    def _focus_first_card(self) -> None:
        lists = list(self.query(CardList))
        target = next((cards for cards in lists if cards.ids), lists[0])
        target.focus()

    # --- the status line: the focused card's id and whole next-action line -------------

    def show_saving(self, count: int) -> None:
        self._saving = count
        self._show_status()

    def on_card_list_moved(self, message: CardList.Moved) -> None:
        if message.control is self.focused:
            self._show_status()

    def on_descendant_focus(self) -> None:
        self._show_status()

    def on_resize(self) -> None:
        self._show_status()  # wrapped anew for the new width: the whole line, at any size
        shown = getattr(self, "_totals_shown", None)  # a resize may come before the board is shown
        if shown is not None:
            self._show_totals(*shown)  # the date, as much of it as fits

    def _show_status(self) -> None:
        cards = self.current_list
        row = cards.row(cards.cursor) if cards else None
        width, height = self.size
        key = (row, row and row.assessment, self._saving, width, height)
        if key == self._status:
            return
        self._status = key
        text = Text()
        if self._saving:
            text.append("saving… ", "bold reverse")
        if row is not None:
            verdict = row.assessment
            text.append(f"#{row.card_id} ", "bold")
            title = Text(safe_title(row.company, row.role))
            title.truncate(max(40, 2 * (width - 2)), overflow="ellipsis")  # a pasted essay of a role: its head
            text.append_text(title)
            # every reason (TOO SOON: why, until when), the card's flag first, as status and list say them
            reasons = [next_line(verdict), *map(safe, verdict.reasons[1:])]
            for flag, reason in said_in_order(reasons, reason_words(verdict), verdict.top, led=False):
                text.append(" · ")
                if flag:
                    text.append(f"{FLAG_WORDS[flag]} ", self.app.flag_style(flag))
                text.append(reason)
        line = self.query_one("#status-line", Static)
        # the whole line, wrapped as it is drawn (by words), at any width; never more than a quarter
        # of the screen (a huge name in a reason), so the columns always stay on screen. It grows to
        # fit and keeps that height until the terminal is resized: a height that followed each card
        # laid the whole screen out again as j passed a card with a longer reason (the board's
        # slowest key, 35-45 ms at 10,000 cards), and the columns jumped a row up and down.
        wrapped = len(text.wrap(self.app.console, max(1, width - 2)))
        if self._status_size != (width, height):
            self._status_size, self.status_lines = (width, height), 1
        lines = max(self.status_lines, min(wrapped, height // 4))
        if line.styles.height is None or line.styles.height.value != lines:
            line.styles.height = lines  # lays the screen out again, only when the line count changes
        self.status_lines = lines
        lift_toasts(self)
        line.update(text, layout=False)

    # --- navigation ----------------------------------------------------------------

    @property
    def current_list(self) -> CardList | None:
        return self.focused if isinstance(self.focused, CardList) else None

    @property
    def current_card_id(self) -> int | None:
        cards = self.current_list
        return cards.current_id if cards else None

    def select_card(self, card_id: int) -> bool:
        """Focus the column holding `card_id` and highlight it; False when it is not shown."""
        for cards in self.query(CardList):
            if cards.select(card_id):
                cards.focus()
                return True
        if self.needle and self.app.board.holds(card_id):  # hidden by the filter: clear it (saying so), look again
            self.app.notify(f"filter {safe(self.needle)!r} cleared: it hid #{card_id}", markup=False)
            self.action_clear_filter()
            return self.select_card(card_id)
        return False

    def leave_empty_column(self) -> None:
        """The focused column has no card left (its last one deleted or gone): focus the nearest column
        that has one, as a move would (QA: the focus stayed on nothing, and t, c and w said "no card here")."""
        lists, current = list(self.query(CardList)), self.current_list
        if current is None or current.ids or current not in lists:
            return
        at = lists.index(current)
        for n in sorted(range(len(lists)), key=lambda n: (abs(n - at), n)):  # the nearest first, left before right
            if lists[n].ids:
                lists[n].focus()
                return

    def action_focus_column(self, step: int) -> None:
        lists = list(self.query(CardList))
        current = self.current_list
        index = lists.index(current) if current in lists else 0
        target = lists[max(0, min(len(lists) - 1, index + step))]
        if current is not None and target.ids:
            target.cursor = target.level_with(current)
        target.focus()

    def action_move_card(self, step: int) -> None:
        if self.current_card_id is not None:
            self.app.move_card(self.current_card_id, step)

    def action_open_card(self) -> None:
        if self.current_card_id is not None:
            self.app.open_card(self.current_card_id)

    def on_card_list_opened(self, message: CardList.Opened) -> None:
        self.app.open_card(message.card_id)

    # --- filter --------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if self.current_card_id is not None:  # None: / again from the filter field itself
            self._filtered_from = self.current_card_id
        field.display = True
        field.focus()
        self.refresh_bindings()

    def action_clear_filter(self) -> None:
        """esc: every card again, the focus on the card picked among those filtered, else on the one
        highlighted before the filter (not the board's first card: esc goes back to where you were)."""
        back_to = self.current_card_id or self._filtered_from
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.refresh_bindings()
        self.refresh_board()
        if back_to is None or not self.select_card(back_to):
            self._focus_first_card()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Each key restarts a short wait; the board is filtered once typing pauses (a burst is one query)."""
        if event.input.id == "filter":
            self._stop_pending()
            self._pending = self.set_timer(FILTER_PAUSE, self.refresh_board)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            if self._pending is not None:
                self.refresh_board()
            if not event.value.strip():
                event.input.display = False
                self.refresh_bindings()
            self._focus_first_card()

    def _stop_pending(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None


def date_that_fits(now: datetime, room: int) -> str:
    """'Wed Mar 11 2026 14:00', then without the year, the weekday, the time, as room runs out; '' when
    not even 'Mar 11' fits: a date cut short ('Wed Mar 1…') reads as another date."""
    local = now.astimezone()
    forms = ("%a %b %-d %Y %H:%M", "%a %b %-d %H:%M", "%b %-d %H:%M", "%a %b %-d", "%b %-d")
    return next((local.strftime(form) for form in forms if len(local.strftime(form)) <= room), "")
