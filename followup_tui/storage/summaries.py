"""What the board shows for each card, read without loading every contact.

A summary is the card's own fields, its assessment (from the saved rule plan,
or from the full rules for a stale card), the time of its latest contact and
its prep progress: two queries for any number of cards. The card screen and
the actions load one card in full when they need it.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from ..domain.clock import iso
from ..domain.config import Policy
from ..domain.lenient import instant_or_none as from_iso  # a row another tool wrote may lack an offset
from ..domain.model import Card, Outcome, Stage
from ..domain.present import last_contact, prep_progress
from ..domain.rules import Assessment, NextAction, assess
from ..domain.words import CALM, SEVERITY, STAGE_NAMES
from . import facts
from .read import CARD_COLUMNS, card_from_row, load_bundles_by_id
from .rulecache import (
    ACTION_HEAD,
    FLAGS,
    NEXT_OK,
    REASON_FLAGS,
    REASONS,
    URGENCY,
    plan_rows,
    reason_texts,
    rules_key,
    stale_open_cards,
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
            rank = segment[URGENCY]
        # most urgent first (flag, then rule), then open before closed, the soonest interview (ISO text
        # sorts as time), the id
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
    def on_board(self) -> bool:
        """On the board (not closed)."""
        return self._row[9] is None

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
        segment[URGENCY],
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
        f"SELECT {SUMMARY_COLUMNS}, rules_key, rules_valid_from, {facts.last_contact('c')} FROM cards c WHERE {where}",
        params,
    ):
        card_id, (card_key, valid_from, last_at) = row[0], row[10:]
        if card_key != key or (valid_from is not None and valid_from > now_text):
            stale.append(card_id)
            continue
        # a fresh plan's card has no contact after now: last_at is the company's latest (facts.last_contact)
        segment = segments.get(card_id)  # none for a closed card: no advice
        found.append(
            CardSummary(
                row[:10],
                None if segment else Assessment((), (), now),
                from_iso(last_at),
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


_HOLDING = "attention IN (0, 1) AND opens <= :now AND :now < closes"  # the segment of a card's plan holding now
# card_plans.severity holds the urgency (words.urgency): the top flag, then the next action's rule
_ORDER = f"FROM card_plans WHERE stage = :stage AND {_HOLDING} ORDER BY severity, interview_at, card_id"
ORDER_SQL = f"SELECT card_id {_ORDER}"  # a column by the saved plans, most urgent first: one index, no table
ORDER_KEYS_SQL = f"SELECT severity, interview_at, card_id {_ORDER}"
KEY_SQL = f"SELECT severity, interview_at FROM card_plans WHERE card_id = :id AND {_HOLDING}"  # a card's place
FLAGS_SQL = "SELECT card_id, flags FROM card_plans WHERE attention = 1 AND opens <= :now AND :now < closes"  # totals
FULL_MERGE_ABOVE = 64  # more cards read in full in one column than this: merge them by the column's keys
KEPT = 2_000  # summaries kept for drawing (a few screens of every column; the board reads more on demand)
BITS = {flag: 1 << n for n, flag in enumerate(SEVERITY)}  # a card's flags as one small int


class Board:
    """The open cards of each stage, most urgent first, as card ids; summaries built for the rows drawn.

    The order comes from the saved plans (card_plans_board: urgency, interview time, id), so
    opening the board reads one integer per card, not its summary. Cards whose saved plan does
    not apply (stale, another policy, a plan made after now) or that have none holding now are
    read in full and placed among the others by the same key. `summaries()` builds what a view
    draws, a window at a time, and keeps the latest KEPT. After a change, only the changed cards
    are read again: each is taken out of its column and put back where its key says (a binary
    search over the others, whose order did not change), and the flag totals move by its flags.
    """

    def __init__(self, conn: sqlite3.Connection, policy: Policy, now: datetime) -> None:
        """An empty board; load() reads it."""
        self.conn, self.policy, self.now = conn, policy, now
        self.order: dict[str, list[int]] = {stage: [] for stage in STAGE_NAMES}
        self.totals = dict.fromkeys(SEVERITY, 0)
        self._flags: dict[int, int] = {}  # the open cards with a flag now: card id -> BITS
        self._kept: dict[int, CardSummary] = {}  # the latest read, by card id, oldest first
        self._full: dict[int, CardSummary] = {}  # the cards read in full, all kept
        self._changed: set[str] = set()  # the columns this update has copied already

    # --- reading -------------------------------------------------------------------------------

    def load(self, now: datetime | None = None) -> None:
        """Read every column's order again (after a change nobody recorded, or many)."""
        self.now = now or self.now
        self._kept.clear()
        self._full.clear()
        self._flags.clear()
        self.totals = dict.fromkeys(SEVERITY, 0)
        self._changed = set(STAGE_NAMES)  # every column is a new list
        params = {"now": iso(self.now)}
        outside = set(stale_open_cards(self.conn, self.policy, self.now))
        for stage in STAGE_NAMES:
            rows = self.conn.execute(ORDER_SQL, {**params, "stage": stage})
            self.order[stage] = [card_id for (card_id,) in rows if card_id not in outside]
        shown = sum(map(len, self.order.values()))
        (open_cards,) = self.conn.execute("SELECT count(*) FROM cards WHERE closed_at IS NULL").fetchone()
        if open_cards != shown + len(outside):  # a card with no plan segment holding now: read it in full
            placed = {card_id for ids in self.order.values() for card_id in ids}
            outside |= {card_id for (card_id,) in self.conn.execute("SELECT id FROM cards WHERE closed_at IS NULL")}
            outside -= placed
        masks: dict[str, int] = {}  # few distinct flag lists: each parsed once
        for card_id, flags in self.conn.execute(FLAGS_SQL, params):
            if card_id not in outside:
                mask = masks.get(flags)
                if mask is None:
                    mask = masks[flags] = _mask(flag.strip('"') for flag in flags.split(","))
                self._set_flags(card_id, mask)
        self._read_in_full(outside)

    def _set_flags(self, card_id: int, mask: int) -> None:
        """The card's flags are now `mask` (0: none, or not on the board): the totals move by the difference."""
        old = self._flags.pop(card_id, 0)
        if mask:
            self._flags[card_id] = mask
        if old != mask:
            for flag, bit in BITS.items():
                self.totals[flag] += bool(mask & bit) - bool(old & bit)

    def _read_in_full(self, card_ids: set[int]) -> None:
        """Assess these cards in full and place them in their columns."""
        placed: dict[str, list[int]] = {}
        for summary in _full(self.conn, sorted(card_ids), self.policy, self.now):
            self._full[summary.card_id] = summary
            self._set_flags(summary.card_id, _mask(summary.flags))
            placed.setdefault(summary.stage_name, []).append(summary.card_id)
        for stage, ids in placed.items():
            if len(ids) > FULL_MERGE_ABOVE:
                self.order[stage] = self._merged(stage)
            else:
                self._own(stage)
                for card_id in ids:
                    self._place(stage, card_id)

    def _merged(self, stage: str) -> list[int]:
        """The column's planned cards and those read in full, in one pass by key (when many were read in full)."""
        import heapq

        planned = self.conn.execute(ORDER_KEYS_SQL, {"now": iso(self.now), "stage": stage})
        full = self._full
        ours = sorted(_key(summary) for summary in full.values() if summary.stage_name == stage)
        return [key[2] for key in heapq.merge((row for row in planned if row[2] not in full), ours)]

    def _key(self, card_id: int) -> tuple[int, str, int]:
        """(urgency, interview time, id): where a card stands in its column."""
        summary = self._full.get(card_id)
        if summary is not None:
            return _key(summary)
        row = self.conn.execute(KEY_SQL, {"id": card_id, "now": iso(self.now)}).fetchone()
        return (row[0], row[1], card_id) if row else (CALM, "", card_id)

    def _place(self, stage: str, card_id: int) -> None:
        """Put the card where its key says: the column is in key order (a binary search, a key read per step)."""
        ids = self.order[stage]
        ids.insert(bisect.bisect(ids, self._key(card_id), key=self._key), card_id)

    def _own(self, stage: str) -> None:
        """A new list for the column before it changes, once per update: a view holding the old one
        can tell by identity that it changed."""
        if stage not in self._changed:
            self._changed.add(stage)
            self.order[stage] = list(self.order[stage])

    @property
    def active(self) -> int:
        return sum(map(len, self.order.values()))

    def summaries(self, card_ids: Sequence[int], more: Sequence[int] = ()) -> list[CardSummary | None]:
        """These cards' summaries, in the same order (None: no longer open). If any must be read, the
        missing ones of `more` (the rows around them) are read with them, in one pass."""
        kept, full = self._kept, self._full
        if any(card_id not in kept and card_id not in full for card_id in card_ids):
            missing = [card_id for card_id in {*card_ids, *more} if card_id not in kept and card_id not in full]
            for start in range(0, len(missing), 500):
                chunk = ",".join(map(str, missing[start : start + 500]))
                # by id alone: with `closed_at IS NULL` too SQLite would rather scan every open card
                for summary in load(self.conn, self.policy, self.now, f"c.id IN ({chunk})", many=False):
                    if summary.on_board:
                        kept[summary.card_id] = summary
            while len(kept) > KEPT:
                del kept[next(iter(kept))]
        return [kept.get(card_id) or full.get(card_id) for card_id in card_ids]

    def summary(self, card_id: int) -> CardSummary | None:
        return self.summaries([card_id])[0]

    def rows(self) -> list[CardSummary]:
        """Every open card's summary, column by column (reads them all: for checks, not for drawing)."""
        return [row for ids in self.order.values() for row in self.summaries(ids) if row is not None]

    def flagged(self, flag: str) -> set[int]:
        """The open cards carrying `flag` now."""
        bit = BITS[flag]
        return {card_id for card_id, mask in self._flags.items() if mask & bit}

    def carries(self, card_id: int, flag: str) -> bool:
        return bool(self._flags.get(card_id, 0) & BITS[flag])

    def holds(self, card_id: int) -> bool:
        """Whether the card is on the board: it exists and is not closed."""
        found = self.conn.execute("SELECT 1 FROM cards WHERE id = ? AND closed_at IS NULL", (card_id,))
        return found.fetchone() is not None

    # --- changes ---------------------------------------------------------------------------------

    def crossed(self, now: datetime) -> set[int]:
        """The open cards whose flags may have changed since the board's moment, `now` being later (or
        earlier): a segment of their plan opened or closed in between (a closed card has no plan), or
        their saved plan does not hold at `now`. Segments opening are one range of the plans' key;
        those closing (a card whose plan ends there, no next segment opening) one pass over an index."""
        if now == self.now:
            return set()
        low, high = sorted((iso(self.now), iso(now)))
        found = {
            card_id
            for (card_id,) in self.conn.execute(
                "SELECT card_id FROM card_plans WHERE attention IN (0, 1) AND opens > :low AND opens <= :high "
                "UNION SELECT card_id FROM card_plans WHERE closes > :low AND closes <= :high",
                {"low": low, "high": high},
            )
        }
        return found | set(stale_open_cards(self.conn, self.policy, now))

    def update(self, card_ids: set[int], now: datetime | None = None) -> None:
        """These cards changed (or their flags did, as time passed to `now`): read them again. The
        others keep their place; their summaries measure their reasons again at `now` when next read."""
        if now is not None and now != self.now:
            self.now = now
            for summary in self._kept.values():
                summary.measure_at(now)
            card_ids = card_ids | set(self._full)  # assessed for a moment that has passed
        if not card_ids:
            return
        self._changed.clear()
        for card_id in card_ids:
            self._kept.pop(card_id, None)
            self._full.pop(card_id, None)
            self._set_flags(card_id, 0)
        for stage, ids in self.order.items():
            if not card_ids.isdisjoint(ids):
                self._changed.add(stage)
                self.order[stage] = [card_id for card_id in ids if card_id not in card_ids]
        listed = ",".join(map(str, sorted(card_ids)))
        key, now_text = rules_key(self.policy), iso(self.now)
        planned: dict[int, str] = {}
        outside: set[int] = set()
        for card_id, stage, card_key, valid_from, closed_at in self.conn.execute(
            # by id alone, as in summaries(): SQLite would rather scan every open card
            f"SELECT id, stage, rules_key, rules_valid_from, closed_at FROM cards WHERE id IN ({listed})"
        ):
            if closed_at is not None:
                continue
            if card_key != key or (valid_from is not None and valid_from > now_text):
                outside.add(card_id)
            else:
                planned[card_id] = stage
        holding = dict(
            self.conn.execute(
                f"SELECT card_id, flags FROM card_plans INDEXED BY card_plans_card WHERE card_id IN ({listed}) "
                f"AND {_HOLDING}",  # the cards' own segments, not every one holding now
                {"now": now_text},
            ).fetchall()
        )
        outside |= set(planned) - set(holding)  # no segment holds now: assessed in full
        for card_id, stage in planned.items():
            if card_id in holding:
                self._own(stage)
                self._place(stage, card_id)
                self._set_flags(card_id, _mask(flag.strip('"') for flag in holding[card_id].split(",") if flag))
        self._read_in_full(outside)


def _mask(flags: Iterable[str]) -> int:
    found = 0
    for flag in flags:
        if flag:
            found |= BITS[flag]
    return found


def _key(summary: CardSummary) -> tuple[int, str, int]:
    rank, _closed, interview_at, card_id = summary.sort_key
    return rank, interview_at, card_id
