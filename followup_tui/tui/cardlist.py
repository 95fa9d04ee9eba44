"""A column of cards that renders only what is on screen.

The column holds its cards' ids; every card is CARD_HEIGHT lines tall, so line y
belongs to card y // CARD_HEIGHT: a column of 100,000 cards costs no more to draw
than a column of ten. A card's row (its summary) is asked for when it comes into
view, with the screens around it in the same read, and its text worked out then.
User text goes into rich `Text` (never parsed as markup) after `safe()` has made
control characters visible.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from ..domain.model import Stage
from ..domain.present import next_contact_line, round_now, when_line
from ..domain.rules import FLAG_WORDS
from ..domain.textsafe import safe
from ..storage.summaries import CardSummary

# rows_of(ids, more): the rows of these cards, in order (None: gone), reading `more`'s with them if it must read
RowsOf = Callable[[Sequence[int], Sequence[int]], Sequence[Any | None]]


def _no_rows(ids: Sequence[int], more: Sequence[int]) -> list[None]:
    return [None] * len(ids)


CARD_HEIGHT = 5  # four lines of card and a blank line between cards
NEAR, FAR = 3, 24  # a column reads the cards it draws with the screens around them once any near ones are missing
ITEMS_KEPT = 1_000  # cards worked out for drawing, per column
LINES_KEPT = 128  # drawn lines kept per column: two screens (each holds seven small caches the GC walks)


def next_line(verdict) -> str:
    """The next action's line (reasons[0]), made safe, with the board's key that does it where the
    line names a command (SPEC §3.3: "x closes it"; a round's date is set in e's form)."""
    if not verdict.reasons:
        return ""
    action = verdict.action
    line = board_keys(safe(verdict.reasons[0]))
    return line + (" — x closes it" if action is not None and action.kind == "move-on" else "")


def board_keys(line: str) -> str:
    """A line that ends on a shell command ('(followup close 4)'), with the board's key for it instead."""
    return _SHELL_HINT.sub(lambda hint: _BOARD_KEYS[hint[1]], line)


# the rules' lines that end on a shell command (SPEC §3.3), and the board's key for it
_SHELL_HINT = re.compile(r" \(followup (edit|close|prep) \d+(?: --round-at WHEN| --add …)?\)$")
_BOARD_KEYS = {"edit": " — e sets it", "close": " — x closes it", "prep": " — enter, then p adds one"}


@dataclass(frozen=True)
class CardItem:
    """One card as a column shows it."""

    card_id: int
    title: str
    detail: str
    when: str
    note: str
    flag: str | None

    @classmethod
    def of(cls, row: CardSummary, now: datetime) -> CardItem:
        card, verdict = row, row.assessment  # a summary carries the fields a card shows
        detail = " · ".join(filter(None, [safe(card.role), f"round {round_now(card, now)}"]))
        if card.stage == Stage.NEXT_ROUND and row.prep_total:
            detail += f" · prep {row.prep_done}/{row.prep_total}"
        when = when_line(card, row.last_contact_at, now)
        note = next_line(verdict) or next_contact_line(verdict, now)
        # "waiting 7d", "round 2 was 2h ago": said once ("waiting 8d; no thank-you yet to …" under it too)
        note = "" if note == when else note.removeprefix(f"{when} — ").removeprefix(f"{when}; ")
        if row.problems:  # a value another tool wrote could not be read: say which
            note = f"problem: {safe(row.problems[0])}"
        return cls(card.id, safe(card.company), detail, when, note, verdict.top)


class CardStyles(Widget):
    """Never shown: holds the card styles (app.tcss `CardStyles > .card-list--…`) for the screen's card
    lists. Textual makes a node in reference cycles for each component class every time their widget
    is restyled, and a focus change restyles the lists it leaves and enters: on a CardList that was
    some 2,600 objects per key that only full collections free (20–60 ms each, up to 230 ms after a
    few hundred keys). Here they are made when the theme changes."""

    DEFAULT_CSS = "CardStyles { display: none; }"
    COMPONENT_CLASSES = {
        "card-list--cursor",
        "card-list--title",
        "card-list--dim",
        "card-list--id",
        "card-list--marker",
        "card-list--overdue",
        "card-list--too-frequent",
        "card-list--due",
        "card-list--no-reply",
    }


class CardList(ScrollView, can_focus=True):
    """The cards of one stage, one highlighted; styled by the screen's CardStyles."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False, id="card-up"),
        Binding("down,j", "cursor(1)", "Down", show=False, id="card-down"),
        Binding("g,home", "first", "Top", show=False, id="card-top"),
        Binding("G,end", "last", "Bottom", show=False, id="card-bottom"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="card-page-up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="card-page-down"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Opened(Message):
        """Enter or a click on a card."""

        card_id: int

    @dataclass
    class Moved(Message):
        """The highlight moved to another card (or the column's cards changed)."""

        cards: CardList

        @property
        def control(self) -> CardList:
            return self.cards

    def __init__(self, stage: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stage = stage
        self.ids: list[int] = []  # the cards shown, most urgent first
        self._rows: RowsOf = _no_rows
        self._format: Callable[[Any], CardItem] | None = None
        self._items: dict[int, tuple[object, CardItem]] = {}  # by card id: (the row it was worked out from, it)
        self._lines: LRUCache[tuple, Strip] = LRUCache(LINES_KEPT)  # drawn lines (a move shifts them)
        self._pass: tuple | None = None  # what every line of one render pass shares
        self._styles: dict[str, Style] = {}  # the card styles (component classes) the drawn lines used
        self._styled = False  # _styles are this CSS's

    # --- data ------------------------------------------------------------------

    def set_cards(
        self, ids: list[int], rows_of: RowsOf, format_item: Callable[[Any], CardItem], first: bool = False
    ) -> None:
        """Show these cards (by id, in order), keeping the highlight on the same card when it is still here
        (`first`: on the first card, scrolled to the top).
        `rows_of(ids, more)` gives the rows of these ids, reading those of `more` with them when it
        must read at all (the screens around: a column reads a window at a time, not a card per key);
        `format_item(row)` how a card shows. Either is only asked for the cards drawn."""
        self._rows, self._format = rows_of, format_item
        if (ids is self.ids or ids == self.ids) and not first:
            self.refresh()  # the same cards; any whose row changed is worked out again as it is drawn
            return
        current = None if first else self.current_id
        if bool(ids) != bool(self.ids) and self.has_focus:  # the key bar offers card keys on a card only
            self.screen.refresh_bindings()
        self.ids = ids
        self._set_height(len(ids) * CARD_HEIGHT)
        index = self.index_of(current) if current is not None else 0 if first else None
        self.cursor = index if index is not None else min(self.cursor, max(0, len(ids) - 1))
        self.call_after_refresh(self.keep_cursor_in_view)  # once the new height allows the scroll
        self.refresh()

    def _set_height(self, height: int) -> None:
        """Scroll extent for `height` lines. Setting virtual_size lays out the whole screen again;
        when the scrollbar is there before and after (a long column), only it needs an update."""
        if height == self.virtual_size.height:
            return
        view = self.container_size.height
        if self.virtual_size.height > view and height > view and hasattr(self, "_scroll_update"):
            self.set_reactive(CardList.virtual_size, Size(0, height))
            self._scroll_update(self.virtual_size)  # Textual's own update of the scrollbars (textual 8)
        else:
            self.virtual_size = Size(0, height)

    def index_of(self, card_id: int) -> int | None:
        try:
            return self.ids.index(card_id)
        except ValueError:
            return None

    def row(self, index: int) -> Any | None:
        """The row (a card's summary) at `index`; None when there is none."""
        if not 0 <= index < len(self.ids):
            return None
        near, far = self._window(index, index + 1)
        return self._rows(self.ids[near.start : near.stop], self.ids[far.start : far.stop])[index - near.start]

    def item(self, index: int) -> CardItem | None:
        """The card at `index` as shown (worked out on first use, again when its row changed)."""
        row = self.row(index)
        if row is None:
            return None
        card_id = self.ids[index]
        cached = self._items.get(card_id)
        if cached is None or cached[0] is not row:
            assert self._format is not None, "set_cards gives the cards with the way to show them"
            if len(self._items) > ITEMS_KEPT:
                self._items.clear()
            cached = self._items[card_id] = (row, self._format(row))
        return cached[1]

    def _window(self, first: int, last: int) -> tuple[range, range]:
        """(the indexes `first`..`last` and a few around, the screens around them): what to read."""
        count = len(self.ids)
        return range(max(0, first - NEAR), min(count, last + NEAR)), range(max(0, first - FAR), min(count, last + FAR))

    @property
    def current_id(self) -> int | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    def select(self, card_id: int) -> bool:
        index = self.index_of(card_id)
        if index is not None:
            self.cursor = index
        return index is not None

    # --- keys --------------------------------------------------------------------

    def watch_cursor(self, before: int, cursor: int) -> None:
        """Only the two cards whose highlight changed are drawn again, unless the column scrolled
        (j and k drew the whole column: 30-45 ms of a key at 10,000 cards, bench/board.py keys)."""
        if self.scroll_to_region_if_needed(cursor * CARD_HEIGHT):
            self.refresh()
        else:
            self.refresh(*(self._drawn_at(index) for index in {before, cursor}))
        self.post_message(self.Moved(self))

    def _drawn_at(self, index: int) -> Region:
        """Where the card at `index` is drawn, in the column's visible lines."""
        return Region(0, index * CARD_HEIGHT - int(self.scroll_y), self.scrollable_content_region.width, CARD_HEIGHT)

    def refresh_items(self, format_item: Callable[[Any], CardItem]) -> None:
        """Work the cards' text out again (time passed: "waiting 12d" became 13d), as they are drawn."""
        self._format = format_item
        self._items.clear()
        self.refresh()

    def keep_cursor_in_view(self) -> None:
        self.scroll_to_region_if_needed(self.cursor * CARD_HEIGHT)

    def on_resize(self) -> None:
        self.call_after_refresh(self.keep_cursor_in_view)  # a smaller terminal must not hide the card

    def scroll_to_region_if_needed(self, top: int) -> bool:
        """Scroll the card drawn from line `top` into view: True if the column scrolled (all of it is drawn again)."""
        view = self.scrollable_content_region.height
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + CARD_HEIGHT > self.scroll_y + view:
            self.scroll_to(y=top + CARD_HEIGHT - view, animate=False)
        else:
            return False
        return True

    def level_with(self, other: CardList) -> int:
        """The card drawn level with `other`'s highlighted card, as far down as this column goes: where
        h and l land. By index, a long column scrolled down sent h then l back to its first card, the
        column jumping to the top (QA walk 13)."""
        row = (other.cursor * CARD_HEIGHT - int(other.scroll_y)) // CARD_HEIGHT
        return max(0, min(len(self.ids) - 1, int(self.scroll_y) // CARD_HEIGHT + row))

    def action_cursor(self, step: int) -> None:
        if self.ids:
            self.cursor = max(0, min(len(self.ids) - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_cursor(step * max(1, self.scrollable_content_region.height // CARD_HEIGHT))

    def action_first(self) -> None:
        self.action_cursor(-len(self.ids))

    def action_last(self) -> None:
        self.action_cursor(len(self.ids))

    def on_click(self, event) -> None:
        index = (event.y + int(self.scroll_y)) // CARD_HEIGHT
        if 0 <= index < len(self.ids):
            if index == self.cursor and event.chain == 2:
                self.post_message(self.Opened(self.ids[index]))
            self.cursor = index

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # --- drawing -----------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styled = False  # new CSS, a theme, focus: the card styles are looked up again when next drawn

    def card_styles(self) -> dict[str, Style]:
        donor = self.screen.query_one(CardStyles)
        return {name: donor.get_component_rich_style(name) for name in CardStyles.COMPONENT_CLASSES}

    def render_lines(self, crop: Region) -> list[Strip]:
        # worked out once per pass, not per line (rich_style walks the DOM)
        self._pass = (self.scrollable_content_region.width, self.rich_style, self.has_focus)
        if not self._styled:  # (Textual forgets component styles at every refresh: not looked up per key)
            self._styled = True
            styles = self.card_styles()
            if styles != self._styles:  # the lines drawn before are stale (focus moving in or out
                self._styles = styles  # restyles the column, but not the cards: they are kept)
                self._lines.clear()
        top = int(self.scroll_y) // CARD_HEIGHT
        near, far = self._window(top, top + self.size.height // CARD_HEIGHT + 1)
        self._rows(self.ids[near.start : near.stop], self.ids[far.start : far.stop])  # in view, and around: one read
        try:
            return super().render_lines(crop)
        finally:
            self._pass = None

    def render_line(self, y: int) -> Strip:
        width, base, focused = self._pass or (self.scrollable_content_region.width, self.rich_style, self.has_focus)
        index, offset = divmod(int(self.scroll_y) + y, CARD_HEIGHT)
        item = self.item(index) if index < len(self.ids) and offset != CARD_HEIGHT - 1 else None
        if item is None:
            return Strip.blank(width, base)
        highlighted = focused and index == self.cursor
        key = (item, offset, highlighted, width, base)
        strip = self._lines.get(key)
        if strip is None:
            strip = self._lines[key] = self._draw(item, offset, highlighted, width, base)
        return strip

    def _draw(self, item: CardItem, offset: int, highlighted: bool, width: int, base: Style) -> Strip:
        style = base + self._styles["card-list--cursor"] if highlighted else base
        text = self._line_text(item, offset, highlighted)
        card_id = Text(f" #{item.card_id}", self._styles["card-list--id"]) if offset == 0 else Text()
        text.truncate(max(0, width - len(card_id)), overflow="ellipsis", pad=True)
        text.append_text(card_id)  # the id stays readable however narrow the column (two "TickCo"s differ)
        text.truncate(width)
        segments = [
            Segment(seg.text, style + seg.style if seg.style else style) for seg in text.render(self.app.console)
        ]
        return Strip(segments, width)

    def _line_text(self, item: CardItem, offset: int, focused: bool) -> Text:
        marker = "▶ " if focused else "  "
        if offset == 0:
            text = Text(marker, self._styles["card-list--marker"])
            if item.flag:
                text.append(f"{FLAG_WORDS[item.flag]} ", self._styles[f"card-list--{item.flag}"])
            text.append(item.title, self._styles["card-list--title"])
            return text
        content = (item.detail, item.when, item.note)[offset - 1]
        dim = self._styles["card-list--dim"] if offset == 3 and not item.flag else Style()
        return Text.assemble("  ", (content, dim))
