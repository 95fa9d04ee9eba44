"""The spreadsheet export (SPEC §5 `export --format csv`): one row per card, streamed.

UTF-8 with a byte-order mark, so spreadsheets read accents right (Python's csv
and pandas read it with encoding="utf-8-sig"). Times people read are local
(`2026-11-26 10:00`); the last three columns repeat the instants in ISO-8601
UTC for importers, and `followup import` reads this file back (trackers.py):
a round trip keeps stage, outcome, closed cards, dates, notes and people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime

from ..domain.clock import iso
from ..domain.config import Policy
from ..domain.model import CardBundle
from ..domain.textsafe import safe_block
from .records import BATCH

COLUMNS = (
    "uid",
    "company",
    "role",
    "stage",
    "outcome",
    "closed",
    "round",
    "interview",
    "next_round",
    "follow_up_on",
    "follow_up_via",
    "decision_by",
    "last_contact",
    "next_contact_ok",
    "flags",
    "next_action",
    "people",
    "topic",
    "fit",
    "notes",
    "interview_at",
    "next_round_at",
    "closed_at",
)
COMPUTED = ("last_contact", "next_contact_ok", "flags", "next_action")  # from the rules: not imported
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """Text a spreadsheet will not run as a formula (a leading ' is stripped again on import).

    Control characters other than newline and tab are shown as \\x escapes: the CSV is for
    reading, the JSON export is the lossless one."""
    text = "" if value is None else safe_block(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def uncell(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_START) else text


def local(dt: datetime | None) -> str:
    """'2026-11-26 10:00' in the local zone."""
    return "" if dt is None else dt.astimezone().strftime("%Y-%m-%d %H:%M")


def people_text(bundle: CardBundle) -> str:
    """'Jane Doe <jane@acme.example> (interviewer); Dana Kim (network)'."""
    return "; ".join(f"{p.name}{f' <{p.email}>' if p.email else ''} ({p.relation})" for p in bundle.people)


def chunks(conn, policy: Policy, now: datetime) -> Iterator[bytes]:
    """The CSV in pieces of a few hundred cards, in the order they were added."""
    from ..storage.read import iter_bundles_by_id

    yield _rows([COLUMNS], BOM)
    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY id")]
    batch = []
    for bundle in iter_bundles_by_id(conn, ids):
        batch.append(_row(bundle, policy, now))
        if len(batch) == BATCH:
            yield _rows(batch)
            batch = []
    if batch:
        yield _rows(batch)


def _rows(rows, prefix: str = "") -> bytes:
    out = io.StringIO()
    out.write(prefix)
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def _row(bundle: CardBundle, policy: Policy, now: datetime) -> list[str]:
    from ..domain.present import last_contact
    from ..domain.rules import assess

    card, verdict = bundle.card, assess(bundle, policy, now)
    values = (
        card.uid,
        card.company,
        card.role,
        card.stage.value,
        card.outcome.value,
        local(card.closed_at),
        card.round,
        local(card.interview_at),
        local(card.next_round_at),
        card.follow_up_on,
        card.follow_up_via,
        card.decision_by,
        local(last_contact(bundle, now)),
        local(verdict.next_contact_ok) if not card.closed else "",
        " ".join(verdict.flags),
        verdict.reasons[0] if verdict.reasons else "",
        people_text(bundle),
        card.topic,
        card.fit,
        card.notes,
        iso(card.interview_at),
        iso(card.next_round_at),
        iso(card.closed_at),
    )
    return [cell(v) for v in values]
