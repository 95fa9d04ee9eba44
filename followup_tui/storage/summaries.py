"""What the board shows for each card, read without loading every contact.

A summary is the card's own fields, its assessment (from the saved rule plan,
or from the full rules for a stale card), the time of its latest contact and
its prep progress: two queries for any number of cards. The card screen and
the actions load one card in full when they need it.
"""

from __future__ import annotations

import bisect
import sqlite3
from datetime import datetime

from ..domain.clock import iso
from ..domain.config import Policy
from ..domain.lenient import instant_or_none as from_iso  # a row another tool wrote may lack an offset
from ..domain.model import Card, Outcome, Stage
from ..domain.present import last_contact, prep_progress
from ..domain.rules import Assessment, NextAction, assess
from ..domain.words import SEVERITY, STAGE_NAMES
from .read import CARD_COLUMNS, card_from_row, load_bundles_by_id
from .rulecache import (
    ACTION_HEAD,
    FLAGS,
    NEXT_OK,
    REASON_FLAGS,
    REASONS,
    SEVERITY_RANK,
    plan_rows,
    reason_texts,
    rules_key,
)

SUMMARY_COLUMNS = "id, company, role, stage, outcome, round, interview_at, stage_entered_at, next_round_at, closed_at"

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from .rulecache import PlanRow

    # A row of SUMMARY_COLUMNS, times as stored (ISO text)
    SummaryRow = tuple[int, str, str, str, str, int, str, str, str | None, str | None]


class CardSummary:
    """One card as a board column shows it: the few fields it draws, parsed when first read.

    Reading the whole card (notes can be long) for thousands of rows would only slow the
    start; `card` fetches it in full when something needs it.
    """

    __slots__ = (
        "_row",
        "_card",
        "_conn",
        "_assessment",
        "_plan",
        "flags",
        "last_contact_at",
        "prep_done",
        "prep_total",
        "card_id",
        "sort_key",
    )

    def __init__(
        self,
        row: SummaryRow,
        assessment: Assessment | None,
        last_contact_at: datetime | None,
        prep_done: int,
        prep_total: int,
        conn: sqlite3.Connection | None = None,
        card: Card | None = None,
        plan: tuple[PlanRow, datetime] | None = None,
    ) -> None:
        """`plan`: (the saved segment holding now, now) to build the assessment from when first read."""
        self._row, self._conn, self._card, self._assessment, self._plan = row, conn, card, assessment, plan
        self.last_contact_at, self.prep_done, self.prep_total = last_contact_at, prep_done, prep_total
        self.card_id = row[0]
        if assessment is not None:
            self.flags, rank = assessment.flags, assessment.rank
        else:
            assert plan is not None, "a summary is made with its assessment or the saved plan to build it from"
            segment = plan[0]
            self.flags = tuple(flag.strip('"') for flag in segment[FLAGS].split(",")) if segment[FLAGS] else ()
            rank = segment[SEVERITY_RANK]
        # most urgent first, then open before closed, the soonest interview (ISO text sorts as time), the id
        self.sort_key = (rank, row[9] is not None, row[6], row[0])

    @property
    def assessment(self) -> Assessment:
        """Built on first read: rendering every reason of thousands of cards would only slow the start."""
        if self._assessment is None:
            assert self._plan is not None, "made without an assessment, so from a saved plan"
            segment, now = self._plan
            self._assessment = _assessment(segment, now, self.flags)
        return self._assessment

    def measure_at(self, now: datetime) -> None:
        """Time passed but the card's plan segment did not end: it still holds, and its reasons are
        measured again ("overdue by 4h") at `now` when next read. A card assessed in full must be
        read again instead."""
        if self._plan is not None:
            self._plan, self._assessment = (self._plan[0], now), None

    # the fields a column draws, named as on Card (present.when_line reads them)
    @property
    def id(self) -> int:
        return self._row[0]

    @property
    def company(self) -> str:
        return self._row[1]

    @property
    def role(self) -> str:
        return self._row[2]

    @property
    def stage(self) -> Stage:
        return Stage(self._row[3])

    @property
    def outcome(self) -> Outcome:
        return Outcome(self._row[4])

    @property
    def round(self) -> int:
        return self._row[5]

    @property
    def interview_at(self) -> datetime:
        return from_iso(self._row[6])

    @property
    def stage_entered_at(self) -> datetime:
        return from_iso(self._row[7])

    @property
    def next_round_at(self) -> datetime | None:
        return from_iso(self._row[8])

    @property
    def closed_at(self) -> datetime | None:
        return from_iso(self._row[9])

    @property
    def problems(self) -> tuple[str, ...]:
        """Values that could not be read; such a card has no saved plan, so it was read in full."""
        return self._card.problems if self._card is not None else ()

    @property
    def stage_name(self) -> str:
        return self._row[3]

    @property
    def card(self) -> Card:
        """The whole card, read on first use."""
        if self._card is None:
            assert self._conn is not None, "a summary made without its card reads it from `conn`"
            row = self._conn.execute(f"SELECT {CARD_COLUMNS} FROM cards WHERE id = ?", (self.card_id,)).fetchone()
            self._card = card_from_row(row)
        return self._card


def _assessment(segment: PlanRow, now: datetime, flags: tuple[str, ...]) -> Assessment:
    """rules.evaluate's answer, from the saved segment holding now."""
    import json

    reasons = tuple(reason_texts(segment[REASONS], now))
    fields = json.loads(segment[ACTION_HEAD] + json.dumps(reasons[0]) + "}")
    base = from_iso(segment[NEXT_OK])
    return Assessment(
        flags,
        reasons,
        max(now, base) if base else now,
        tuple(segment[REASON_FLAGS].split(",")),
        NextAction(**{**fields, "due": from_iso(fields["due"])}),
    )


def load(
    conn: sqlite3.Connection,
    policy: Policy,
    now: datetime,
    where: str = "c.closed_at IS NULL",
    params: dict[str, object] | None = None,
    many: bool = True,
) -> list[CardSummary]:
    """Summaries of the cards matching `where` (SQL over `cards c`, named parameters), most urgent first.

    `many`: a large share of the cards (scan the windows open now), not a few named ones.
    """
    now_text, key, params = iso(now), rules_key(policy), params or {}
    segments = plan_rows(conn, now, where=where, params=params, plans_first=many)
    prep = {
        card_id: (done, total)
        for card_id, done, total in conn.execute(
            "SELECT card_id, sum(done), count(*) FROM prep_items "
            f"WHERE card_id IN (SELECT c.id FROM cards c WHERE {where}) GROUP BY card_id",
            params,
        )
    }
    found: list[CardSummary] = []
    stale: list[int] = []
    for row in conn.execute(
        f"SELECT {SUMMARY_COLUMNS}, rules_key, rules_valid_from FROM cards c WHERE {where}", params
    ):
        card_id, (card_key, valid_from) = row[0], row[10:]
        if card_key != key or (valid_from is not None and valid_from > now_text):
            stale.append(card_id)
            continue
        # a fresh plan's valid_from is the latest contact, which is not after now
        segment = segments.get(card_id)  # none for a closed card: no advice
        found.append(
            CardSummary(
                row[:10],
                None if segment else Assessment((), (), now),
                from_iso(valid_from),
                *prep.get(card_id, (0, 0)),
                conn=conn,
                plan=(segment, now) if segment else None,
            )
        )
    found += _full(conn, stale, policy, now)
    found.sort(key=lambda summary: summary.sort_key)
    return found


def _full(conn: sqlite3.Connection, ids: list[int], policy: Policy, now: datetime) -> list[CardSummary]:
    """Cards whose saved plan does not apply (edited elsewhere, another policy, a past now)."""
    found: list[CardSummary] = []
    for bundle in load_bundles_by_id(conn, ids):
        card = bundle.card
        row = (
            card.id,
            card.company,
            card.role,
            card.stage.value,
            card.outcome.value,
            card.round,
            iso(card.interview_at),
            iso(card.stage_entered_at),
            iso(card.next_round_at),
            iso(card.closed_at),
        )
        found.append(
            CardSummary(row, assess(bundle, policy, now), last_contact(bundle, now), *prep_progress(bundle), card=card)
        )
    return found


class Board:
    """Open cards' summaries by stage, most urgent first, with flag totals, kept up to date one card at a time.

    A change to one card touches only its old and new stage lists (new list objects, so a
    view can tell which columns changed by identity) and adjusts the totals.
    """

    def __init__(self, rows: list[CardSummary]) -> None:
        self.by_stage: dict[str, list[CardSummary]] = {stage: [] for stage in STAGE_NAMES}
        self.totals = dict.fromkeys(SEVERITY, 0)
        for row in rows:  # already most urgent first
            self.by_stage[row.stage_name].append(row)
            self._count(row, 1)

    def _count(self, row: CardSummary, sign: int) -> None:
        for flag in row.flags:
            self.totals[flag] += sign

    @property
    def rows(self) -> list[CardSummary]:
        return [row for rows in self.by_stage.values() for row in rows]

    @property
    def active(self) -> int:
        return sum(map(len, self.by_stage.values()))

    def replace(self, card_id: int, fresh: list[CardSummary]) -> None:
        """Card `card_id` is now `fresh` (empty: no longer on the board)."""
        for stage, rows in self.by_stage.items():
            index = next((n for n, row in enumerate(rows) if row.card_id == card_id), None)
            if index is not None:
                self._count(rows[index], -1)
                self.by_stage[stage] = rows[:index] + rows[index + 1 :]
                break
        for row in fresh:
            rows = self.by_stage[row.stage_name] = list(self.by_stage[row.stage_name])
            rows.insert(bisect.bisect(rows, row.sort_key, key=lambda r: r.sort_key), row)
            self._count(row, 1)
