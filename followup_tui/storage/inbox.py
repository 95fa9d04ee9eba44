"""The mail inbox's rows (migration m007): messages a scan matched to a card, proposed for the log.

A message is proposed at most once: its Message-ID is unique here, whatever the user answers.
Accepting one logs the contact through Store.log_contact, in one journaled action, so
`followup undo` takes it back; the proposal then shows as waiting for review again, because a
proposal counts as accepted only while the contact it logged is still there. Rejecting one, or
skipping a sender, is not a change to the log and is not journaled. Only the message's date,
addresses, subject and the words that decided its kind are kept, never a body.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..domain.clock import from_iso, iso
from ..domain.lenient import EPOCH
from ..domain.model import Channel, Kind
from . import journal
from .dbfile import StoreError
from .read import DOMAIN_FROM

if TYPE_CHECKING:
    from .store import LoggedContact, Store

Mark = dict[str, Any]  # where a folder's last scan ended (a Maildir's ctime, an IMAP UID)

INBOX_FROM = DOMAIN_FROM  # the schema that has these tables (migration m007_mail)
AUTO_ACK = "auto-ack"  # a kind of its own: an automatic acknowledgement is never logged
SAME_CONTACT = timedelta(days=2)  # a contact of the same kind this near was logged by hand already


@dataclass(frozen=True)
class Proposal:
    """A message matched to a card, and the contact it suggests."""

    message_id: str
    card_id: int
    at: datetime
    outbound: bool
    sender: str
    recipients: tuple[str, ...]
    subject: str
    kind: str  # a Kind's value, or AUTO_ACK
    matched: tuple[str, ...]  # the words or facts that decided the kind
    match: str  # how it found its card: address, thread or domain
    confidence: float
    source: str
    person: str | None = None
    state: str = "proposed"
    contact_uid: str | None = None


@dataclass(frozen=True)
class Pending:
    """A proposal waiting for the user, as review shows it."""

    id: int
    proposal: Proposal
    company: str
    role: str
    closed: bool = False


_PENDING = (
    "(m.state = 'proposed' OR (m.state = 'accepted' "
    "AND NOT EXISTS (SELECT 1 FROM contacts c WHERE c.uid = m.contact_uid)))"
)
_COLUMNS = (
    "m.id, m.message_id, m.card_id, m.at, m.outbound, m.sender, m.recipients, m.subject, m.kind, m.matched, "
    "m.match, m.confidence, m.source, m.person, m.state, m.contact_uid, c.company, c.role, c.closed_at"
)


def has_inbox(conn: sqlite3.Connection) -> bool:
    return int(conn.execute("PRAGMA user_version").fetchone()[0]) >= INBOX_FROM


# --- what a scan needs to know ---------------------------------------------------------------------


def known_messages(conn: sqlite3.Connection) -> dict[str, tuple[int, bool]]:
    """Message-ID -> (card id, outbound) of every message proposed so far."""
    if not has_inbox(conn):  # a file not upgraded yet (`scan --dry-run` reads it as it is)
        return {}
    return {
        row[0]: (row[1], bool(row[2]))
        for row in conn.execute("SELECT message_id, card_id, outbound FROM mail_messages")
    }


def skipped_senders(conn: sqlite3.Connection) -> set[str]:
    if not has_inbox(conn):
        return set()
    return {row[0] for row in conn.execute("SELECT address FROM mail_skipped")}


def marks(conn: sqlite3.Connection) -> dict[str, Mark]:
    """Each folder's mark: where its last scan ended."""
    if not has_inbox(conn):
        return {}
    return {source: json.loads(mark) for source, mark in conn.execute("SELECT source, mark FROM mail_folders")}


def logged_contact(conn: sqlite3.Connection, card_id: int, kind: str, at: datetime) -> str | None:
    """The uid of a contact of this kind on this card within SAME_CONTACT of `at` (logged by hand)."""
    row = conn.execute(
        "SELECT uid FROM contacts WHERE card_id = ? AND kind = ? AND at BETWEEN ? AND ? ORDER BY at LIMIT 1",
        (card_id, kind, iso(at - SAME_CONTACT), iso(at + SAME_CONTACT)),
    ).fetchone()
    return None if row is None else row[0]


def save_scan(store: Store, proposals: list[Proposal], folder_marks: dict[str, Mark], now: datetime) -> int:
    """Record what a scan found, and where each folder's scan ended, in one transaction; returns how
    many proposals were new (a Message-ID seen before is left as it is)."""
    with store.transaction(journaled=False):
        added = 0
        for p in proposals:
            added += store.conn.execute(
                "INSERT OR IGNORE INTO mail_messages (message_id, card_id, at, outbound, sender, recipients, subject, "
                "person, kind, matched, match, confidence, state, contact_uid, source, found_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    p.message_id,
                    p.card_id,
                    iso(p.at),
                    int(p.outbound),
                    p.sender,
                    ", ".join(p.recipients),
                    p.subject,
                    p.person,
                    p.kind,
                    json.dumps(list(p.matched), ensure_ascii=False),
                    p.match,
                    p.confidence,
                    p.state,
                    p.contact_uid,
                    p.source,
                    iso(now),
                ),
            ).rowcount
        store.conn.executemany(
            "INSERT INTO mail_folders (source, mark, scanned_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET mark = excluded.mark, scanned_at = excluded.scanned_at",
            [(source, json.dumps(mark), iso(now)) for source, mark in folder_marks.items()],
        )
    return added


# --- review ------------------------------------------------------------------------------------------


def pending(conn: sqlite3.Connection) -> list[Pending]:
    """Proposals waiting for the user, oldest message first (logging follows the order they happened)."""
    if not has_inbox(conn):
        return []
    return [_pending(row) for row in conn.execute(_SELECT + f"WHERE {_PENDING} ORDER BY m.at, m.id")]


def pending_count(conn: sqlite3.Connection) -> int:
    """How many proposals wait for review (the board's header); 0 on a file without the inbox yet."""
    if not has_inbox(conn):
        return 0
    return int(conn.execute(f"SELECT count(*) FROM mail_messages m WHERE {_PENDING}").fetchone()[0])


def is_pending(conn: sqlite3.Connection, proposal_id: int) -> bool:
    return (
        conn.execute(f"SELECT 1 FROM mail_messages m WHERE id = ? AND {_PENDING}", (proposal_id,)).fetchone()
        is not None
    )


def get(conn: sqlite3.Connection, proposal_id: int) -> Pending:
    row = conn.execute(_SELECT + "WHERE m.id = ?", (proposal_id,)).fetchone()
    if row is None:
        raise StoreError(f"no mail proposal #{proposal_id}")
    return _pending(row)


_SELECT = f"SELECT {_COLUMNS} FROM mail_messages m JOIN cards c ON c.id = m.card_id "


def _pending(row: tuple[Any, ...]) -> Pending:
    (id_, message_id, card_id, at, outbound, sender, recipients, subject, kind, matched, match, confidence,
     source, person, state, contact_uid, company, role, closed_at) = row  # fmt: skip
    proposal = Proposal(
        message_id=message_id,
        card_id=card_id,
        at=from_iso(at) or EPOCH,
        outbound=bool(outbound),
        sender=sender,
        recipients=tuple(r for r in recipients.split(", ") if r),
        subject=subject,
        kind=kind,
        matched=tuple(json.loads(matched)),
        match=match,
        confidence=confidence,
        source=source,
        person=person,
        state=state,
        contact_uid=contact_uid,
    )
    return Pending(id_, proposal, company, role, closed=closed_at is not None)


def accept(store: Store, proposal_id: int, now: datetime, kind: Kind | None = None) -> tuple[LoggedContact, Kind]:
    """Log the proposal's contact (at the message's date, by email, to or from its person) as one
    journaled action; returns (the LoggedContact, the kind logged)."""
    item = get(store.conn, proposal_id)
    chosen = Kind(kind or item.proposal.kind) if (kind or item.proposal.kind) in set(Kind) else None
    if chosen is None:
        raise StoreError(f"an automatic acknowledgement is not a contact: choose a kind to log proposal #{proposal_id}")
    p = item.proposal
    with store.transaction(f"log {chosen} from mail on {journal.CARD}"):
        if not store.conn.execute(
            f"SELECT 1 FROM mail_messages m WHERE id = ? AND {_PENDING}", (proposal_id,)
        ).fetchone():
            raise StoreError(f"mail proposal #{proposal_id} was already reviewed")
        logged = store.log_contact(
            p.card_id,
            chosen,
            min(p.at, now),
            now,
            channel=Channel.EMAIL,
            person=p.person,
            note=f"mail: {p.subject}" if p.subject else "mail",
        )
        uid = store.conn.execute("SELECT uid FROM contacts WHERE id = ?", (logged.contact_id,)).fetchone()[0]
        store.conn.execute(
            "UPDATE mail_messages SET state = 'accepted', kind = ?, contact_uid = ? WHERE id = ?",
            (chosen.value, uid, proposal_id),
        )
    return logged, chosen


def reject(store: Store, proposal_id: int) -> None:
    """Not a contact: never proposed again (its Message-ID stays known). Only a proposal waiting
    for review: one accepted is in the log (undo takes it out), one rejected is already."""
    with store.transaction(journaled=False):
        get(store.conn, proposal_id)
        if not store.conn.execute(
            f"SELECT 1 FROM mail_messages m WHERE id = ? AND {_PENDING}", (proposal_id,)
        ).fetchone():
            raise StoreError(f"mail proposal #{proposal_id} was already reviewed")
        store.conn.execute(
            "UPDATE mail_messages SET state = 'rejected', contact_uid = NULL WHERE id = ?", (proposal_id,)
        )


def skip_sender(store: Store, address: str, now: datetime) -> int:
    """Reject every waiting proposal from `address`, and let no later scan propose one; returns how many."""
    address = address.casefold()
    with store.transaction(journaled=False):
        store.conn.execute("INSERT OR IGNORE INTO mail_skipped (address, at) VALUES (?, ?)", (address, iso(now)))
        return store.conn.execute(
            f"UPDATE mail_messages AS m SET state = 'rejected', contact_uid = NULL WHERE {_PENDING} "
            "AND lower(m.sender) LIKE ? ESCAPE '\\'",
            (f"%<{_like(address)}>",),
        ).rowcount


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
