"""The board: four stage columns of cards, most urgent first (SPEC §6)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ..model import STAGES, Stage
from ..rules import FLAG_WORDS, SEVERITY
from ..summaries import CardSummary
from ..textsafe import safe
from .cardlist import CardItem, CardList


class StageColumn(Vertical):
    """A titled column holding one stage's CardList."""

    def __init__(self, stage: Stage) -> None:
        super().__init__(id=f"column-{stage.value}", classes="column")
        self.stage = stage
        self._title = ""

    def compose(self) -> ComposeResult:
        yield Static(self.stage.title, classes="column-title", markup=False)
        yield CardList(self.stage.value, id=f"list-{self.stage.value}")

    def show(self, rows: list[CardSummary], now: datetime) -> None:
        title = f"{self.stage.title} ({len(rows)})"
        if title != self._title:
            self._title = title
            # one fixed line (app.tcss): repaint it, without laying out the whole screen again
            self.query_one(".column-title", Static).update(title, layout=False)
        self.query_one(CardList).set_rows(rows, lambda row: CardItem.of(row, now))


class BoardScreen(Screen):
    BINDINGS = [
        Binding("left,h", "focus_column(-1)", "Column left", show=False, id="focus-left"),
        Binding("right,l", "focus_column(1)", "Column right", show=False, id="focus-right"),
        Binding("shift+left,H", "move_card(-1)", "Move card to the previous stage", show=False, id="move-prev"),
        Binding("shift+right,L", "move_card(1)", "Move card to the next stage", show=False, id="move-next"),
        Binding("enter", "open_card", "Open", id="open-card"),
        Binding("n,a", "app.add_card", "Add", id="add-card"),
        Binding("e", "app.edit_card", "Edit", show=False, id="edit-card"),
        Binding("t", "app.thank", "Thank-you sent", id="log-thank-you"),
        Binding("c", "app.log_contact", "Log contact", id="log-contact"),
        Binding("w", "app.write_draft", "Draft", id="write-draft"),
        Binding("x", "app.close_card", "Close", id="close-card"),
        Binding("d", "app.delete_card", "Delete", show=False, id="delete-card"),
        Binding("slash", "filter", "Filter", id="filter"),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="clear-filter"),
        Binding("A", "app.archive", "Archive", id="archive"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(id="totals", markup=False)
        with Horizontal(id="columns"):
            for stage in STAGES:
                yield StageColumn(stage)
        yield Input(placeholder="filter: company, role, people, notes (esc clears)", id="filter")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.refresh_board(focus_first=True)

    # --- data ----------------------------------------------------------------------

    @property
    def needle(self) -> str:
        return self.query_one("#filter", Input).value.strip().casefold()

    def refresh_board(self, focus_first: bool = False) -> None:
        board, now = self.app.board, self.app.now()
        needle = self.needle
        shown = self.app.matching_ids(needle) if needle else None
        for stage in STAGES:
            rows = board.by_stage[stage.value]
            if shown is not None:
                rows = [row for row in rows if row.card_id in shown]
            self.query_one(f"#column-{stage.value}", StageColumn).show(rows, now)
        visible = board.active if shown is None else sum(len(c.rows) for c in self.query(CardList))
        self._show_totals(board.totals, board.active, visible)
        if focus_first or self.focused is None:
            self._focus_first_card()

    def _show_totals(self, totals: dict[str, int], active: int, shown: int) -> None:
        text = Text(" ")
        for flag in SEVERITY:
            style = f"bold {'' if totals[flag] else 'dim'}"
            text.append(f"{FLAG_WORDS[flag]} {totals[flag]}", style)
            text.append("  ·  ", "dim")
        text.append(f"{active} active")
        if self.needle:
            text.append(f"  ·  filter “{safe(self.needle)}”: {shown} shown", "italic")
        text.append(f"  ·  {self.app.now().astimezone():%a %b %-d %Y %H:%M}", "dim")
        if text.plain != getattr(self, "_totals", None):
            self._totals = text.plain
            self.query_one("#totals", Static).update(text, layout=False)  # one fixed line, as the titles

    def _focus_first_card(self) -> None:
        lists = list(self.query(CardList))
        target = next((cards for cards in lists if cards.rows), lists[0])
        target.focus()

    # --- navigation ----------------------------------------------------------------

    @property
    def current_list(self) -> CardList | None:
        return self.focused if isinstance(self.focused, CardList) else None

    @property
    def current_card_id(self) -> int | None:
        cards = self.current_list
        return cards.current_id if cards else None

    def select_card(self, card_id: int) -> None:
        """Focus the column holding `card_id` and highlight it."""
        for cards in self.query(CardList):
            if cards.select(card_id):
                cards.focus()
                return

    def action_focus_column(self, step: int) -> None:
        lists = list(self.query(CardList))
        current = self.current_list
        index = lists.index(current) if current in lists else 0
        target = lists[max(0, min(len(lists) - 1, index + step))]
        if current is not None and target.rows:
            target.cursor = min(current.cursor, len(target.rows) - 1)
        target.focus()

    def action_move_card(self, step: int) -> None:
        card_id, cards = self.current_card_id, self.current_list
        if card_id is None or cards is None:
            return
        index = STAGES.index(Stage(cards.stage)) + step
        if 0 <= index < len(STAGES):
            self.app.move_card(card_id, STAGES[index])

    def action_open_card(self) -> None:
        if self.current_card_id is not None:
            self.app.open_card(self.current_card_id)

    def on_card_list_opened(self, message: CardList.Opened) -> None:
        self.app.open_card(message.card_id)

    # --- filter --------------------------------------------------------------------

    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        field.value = ""
        field.display = False
        self.refresh_board(focus_first=True)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "filter":
            self.refresh_board()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "filter":
            if not event.value.strip():
                event.input.display = False
            self._focus_first_card()
