"""What the board shows for each card, read without loading every contact.

A summary is the card's own fields, its assessment (from the saved rule plan,
or from the full rules for a stale card), the time of its latest contact and
its prep progress: two queries for any number of cards. The card screen and
the actions load one card in full when they need it.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from .clock import from_iso, iso
from .config import Policy
from .model import Card
from .read import CARD_COLUMNS, card_from_row, load_bundles
from .rulecache import active_windows, flags_and_reasons, rules_key
from .rules import Assessment, assess


class CardSummary:
    """One card as the board needs it. The Card itself is built on first use:
    the board sorts and groups thousands of summaries but draws only a screenful."""

    __slots__ = ("_row", "_card", "assessment", "last_contact_at", "prep_done", "prep_total", "card_id", "stage",
                 "sort_key")

    def __init__(self, row: tuple, assessment: Assessment, last_contact_at: datetime | None,
                 prep_done: int, prep_total: int, card: Card | None = None) -> None:
        self._row, self._card, self.assessment = row, card, assessment
        self.last_contact_at, self.prep_done, self.prep_total = last_contact_at, prep_done, prep_total
        self.card_id, self.stage = row[0], row[4]  # the stage's name, as stored
        # most urgent first, then open before closed, the soonest interview (ISO text sorts as time), the id
        self.sort_key = (assessment.rank, row[17] is not None, row[7], row[0])

    @property
    def card(self) -> Card:
        if self._card is None:
            self._card = card_from_row(self._row)
        return self._card


def load(conn: sqlite3.Connection, policy: Policy, now: datetime, where: str = "c.closed_at IS NULL",
         params: dict | None = None) -> list[CardSummary]:
    """Summaries of the cards matching `where` (SQL over `cards c`, named parameters), most urgent first."""
    now_text, key = iso(now), rules_key(policy)
    params = {**(params or {}), "now": now_text}
    windows = active_windows(conn, policy, now, where=where, params=params, windows_first="c.id" not in where)
    found, stale = [], []
    for row in conn.execute(
        f"""SELECT {CARD_COLUMNS}, rules_key, rules_valid_from, next_ok_base,
                   (SELECT max(at) FROM contacts WHERE card_id = c.id AND at <= :now),
                   (SELECT count(*) FROM prep_items WHERE card_id = c.id AND done),
                   (SELECT count(*) FROM prep_items WHERE card_id = c.id)
            FROM cards c WHERE {where}""", params):
        card_id, (card_key, valid_from, base, last, done, total) = row[0], row[18:]
        if card_key != key or (valid_from is not None and valid_from > now_text):
            stale.append(card_id)
            continue
        hits = windows.get(card_id, [])
        flags, reasons = flags_and_reasons(hits, now)
        verdict = Assessment(tuple(flags), tuple(reasons), max(now, from_iso(base)) if base else now,
                             tuple(r[-4] for r in hits))
        found.append(CardSummary(row[:18], verdict, from_iso(last), done, total))
    found += _full(conn, stale, policy, now)
    found.sort(key=lambda summary: summary.sort_key)
    return found


def _full(conn: sqlite3.Connection, ids: list[int], policy: Policy, now: datetime) -> list[CardSummary]:
    """Cards whose saved plan does not apply (edited elsewhere, another policy, a past now)."""
    found = []
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for bundle in load_bundles(conn, f"id IN ({','.join('?' * len(chunk))})", chunk):
            past = [c.at for c in bundle.contacts if c.at <= now]
            card = bundle.card
            row = (card.id, None, None, None, card.stage.value, None, None, iso(card.interview_at), *(None,) * 9,
                   iso(card.closed_at))
            found.append(CardSummary(row, assess(bundle, policy, now), max(past, default=None),
                                     sum(p.done for p in bundle.prep), len(bundle.prep), card=card))
    return found


class Board:
    """Open cards' summaries by stage, most urgent first, with flag totals, kept up to date one card at a time.

    A change to one card touches only its old and new stage lists (new list objects, so a
    view can tell which columns changed by identity) and adjusts the totals.
    """

    def __init__(self, rows: list[CardSummary]) -> None:
        from .words import SEVERITY, STAGE_NAMES

        self.by_stage: dict[str, list[CardSummary]] = {stage: [] for stage in STAGE_NAMES}
        self.totals = dict.fromkeys(SEVERITY, 0)
        for row in rows:  # already most urgent first
            self.by_stage[row.stage].append(row)
            self._count(row, 1)

    def _count(self, row: CardSummary, sign: int) -> None:
        for flag in row.assessment.flags:
            self.totals[flag] += sign

    @property
    def rows(self) -> list[CardSummary]:
        return [row for rows in self.by_stage.values() for row in rows]

    @property
    def active(self) -> int:
        return sum(map(len, self.by_stage.values()))

    def replace(self, card_id: int, fresh: list[CardSummary]) -> None:
        """Card `card_id` is now `fresh` (empty: no longer on the board)."""
        import bisect

        for stage, rows in self.by_stage.items():
            index = next((n for n, row in enumerate(rows) if row.card_id == card_id), None)
            if index is not None:
                self._count(rows[index], -1)
                self.by_stage[stage] = rows[:index] + rows[index + 1:]
                break
        for row in fresh:
            rows = self.by_stage[row.stage] = list(self.by_stage[row.stage])
            rows.insert(bisect.bisect(rows, row.sort_key, key=lambda r: r.sort_key), row)
            self._count(row, 1)
