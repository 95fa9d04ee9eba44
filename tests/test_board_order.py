"""The board's read model (summaries.Board): each column holds its open cards in the order a full
read gives, with the same flag totals, whether the cards' saved plans apply or they are read in
full, and it stays so as changes and time are read in card by card."""

from __future__ import annotations

import shutil
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from followup_tui.domain.config import Policy
from followup_tui.domain.model import Kind, Outcome, Stage
from followup_tui.domain.words import OVERDUE, SEVERITY, STAGE_NAMES
from followup_tui.storage import summaries
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def read_in_full(conn: sqlite3.Connection, now: datetime) -> tuple[dict[str, list[int]], dict[str, int]]:
    """Every open card's summary, most urgent first (summaries.load): the columns and the flag totals."""
    rows = summaries.load(conn, Policy(), now)
    columns: dict[str, list[int]] = {stage: [] for stage in STAGE_NAMES}
    for row in rows:
        columns[row.stage_name].append(row.card_id)
    flags = Counter(flag for row in rows for flag in row.flags)
    return columns, {flag: flags[flag] for flag in SEVERITY}


def board_at(conn: sqlite3.Connection, now: datetime) -> summaries.Board:
    board = summaries.Board(conn, Policy(), now)
    board.load()
    return board


def same_as_a_full_read(board: summaries.Board) -> None:
    columns, totals = read_in_full(board.conn, board.now)
    assert board.order == columns
    assert board.totals == totals
    assert board.active == sum(map(len, columns.values()))
    every = [card_id for ids in columns.values() for card_id in ids]
    full = {row.card_id: row for row in summaries.load(board.conn, Policy(), board.now)}
    shown = board.summaries(every)
    assert [(row.card_id, row.assessment, row.last_contact_at) for row in shown if row] == [
        (full[card_id].card_id, full[card_id].assessment, full[card_id].last_contact_at) for card_id in every
    ]
    assert board.flagged(OVERDUE) == {card_id for card_id, row in full.items() if OVERDUE in row.flags}


@pytest.fixture
def copy(seeded, tmp_path):
    path = tmp_path / "board.db"
    shutil.copy(seeded, path)
    return path


@pytest.mark.parametrize("offset_days", [0, 2, 30, -20])
def test_columns_hold_the_order_and_flags_a_full_read_gives(seeded, offset_days):
    with Store.open_readonly(seeded) as store:
        same_as_a_full_read(board_at(store.conn, NOW + timedelta(days=offset_days)))


@pytest.mark.parametrize("merge_above", [summaries.FULL_MERGE_ABOVE, 0])
def test_cards_read_in_full_are_merged_in_by_urgency(seeded, monkeypatch, merge_above):
    """20 days back many plans were made after that moment: those cards are read in full and placed
    among the others one by one, or (many in a column) by one pass over the column's keys."""
    monkeypatch.setattr(summaries, "FULL_MERGE_ABOVE", merge_above)
    with Store.open_readonly(seeded) as store:
        board = board_at(store.conn, NOW - timedelta(days=20))
        assert len(board._full) > 20
        same_as_a_full_read(board)


def test_cards_whose_plans_another_tool_dropped_are_placed_among_the_others(copy):
    """A few stale cards (their plans dropped, as a trigger does when another tool edits them) are
    read in full and put where their urgency says, one by one."""
    conn = sqlite3.connect(copy)
    stale = [row[0] for row in conn.execute("SELECT id FROM cards WHERE closed_at IS NULL ORDER BY id LIMIT 12")]
    with conn:
        conn.executemany("UPDATE cards SET rules_key = NULL WHERE id = ?", [(card_id,) for card_id in stale])
    board = board_at(conn, NOW)
    assert set(board._full) == set(stale)
    same_as_a_full_read(board)


def test_changes_read_card_by_card_keep_the_columns_as_a_full_read(copy):
    with Store.open(copy) as store:
        board = board_at(store.conn, NOW)
        waiting, stay = board.order["waiting"], board.order["stay-in-touch"]
        hour = timedelta(hours=1)

        def added() -> int:
            return store.add_card(NewCard(company="Fresh", interview_at=NOW - 30 * hour), NOW)

        changes = [  # what a user, or another shell, does to one card
            (waiting[0], lambda card_id: store.move(card_id, Stage.NEXT_ROUND, NOW)),
            (stay[3], lambda card_id: store.log_contact(card_id, Kind.REPLY, NOW - hour, NOW)),
            (waiting[5], lambda card_id: store.close_card(card_id, NOW, Outcome.WITHDRAWN)),
            (stay[7], lambda card_id: store.update_card(card_id, {"interview_at": NOW - 2000 * 24 * hour}, NOW)),
            (stay[9], store.delete),
            (None, None),  # a new card
        ]
        for card_id, change in changes:
            columns = dict(board.order)
            if change is None:
                card_id = added()
            else:
                change(card_id)
            board.update({card_id})
            same_as_a_full_read(board)
            moved = {stage for stage in STAGE_NAMES if board.order[stage] != columns[stage]}
            assert moved, card_id
            assert all(board.order[stage] is not columns[stage] for stage in moved)  # views see it by identity


def test_time_passing_reads_again_only_the_cards_whose_flags_change(copy):
    with Store.open_readonly(copy) as store:
        board = board_at(store.conn, NOW)
        read_again = []
        for later in (NOW + timedelta(minutes=1), NOW + timedelta(hours=5), NOW + timedelta(days=3)):
            crossed = board.crossed(later)
            board.update(crossed, later)
            same_as_a_full_read(board)
            read_again.append(len(crossed))
        assert 0 < max(read_again) < board.active, read_again
