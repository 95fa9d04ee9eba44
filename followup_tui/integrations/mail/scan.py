"""`followup mail scan`: read what is new in the configured folders, match, classify, propose.

Headers of every new message are read first (all folders, oldest first, so a reply found in
INBOX can follow the thread of a note found in Sent); only the messages that matched a card are
read further, for their text. Nothing is proposed twice (Message-IDs are remembered), a message
dated before its card began is background, not a contact, and a contact of the same kind that
you logged by hand within two days counts as this message already logged. The proposals and
each folder's mark are saved in one transaction at the end, so a scan that fails half-way
saves nothing and the next one reads the same messages again; `dry_run` saves nothing at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ...domain.config import Config
from ...domain.mailconfig import Imap
from ...domain.model import Card
from ...storage import inbox
from ...storage.inbox import AUTO_ACK, Proposal
from ...storage.store import Store
from . import classify, maildir
from .match import STRENGTH, Directory, Found
from .message import Headers, read_body


class Folder(Protocol):
    """A folder of mail, read-only: a Maildir folder (maildir.py) or an IMAP folder (imap.py)."""

    source: str  # names the folder for its mark: 'maildir:/path', 'imap:user@host:993/INBOX'
    name: str
    sent: bool  # holds your own mail
    mark_after: inbox.Mark  # where this scan ended, once new_headers is exhausted

    def new_headers(self, mark: inbox.Mark | None, since: datetime | None) -> Iterator[tuple[Any, Headers]]: ...

    def bodies(self, refs: list[Any]) -> dict[Any, bytes]: ...


class NotConfigured(Exception):
    """config.toml names no mail to read (a configuration error: exit 2)."""


@dataclass
class Report:
    folders: list[str] = field(default_factory=list)
    read: int = 0  # messages whose headers were read
    proposed: list[Proposal] = field(default_factory=list)  # new, waiting for review
    logged_already: list[Proposal] = field(default_factory=list)  # found in the log, logged by hand
    automatic: list[Proposal] = field(default_factory=list)  # automatic acknowledgements, set aside
    ambiguous: int = 0  # matched several cards: left out
    saved: bool = False

    def by_state(self, state: str) -> list[Proposal]:
        return {"proposed": self.proposed, "accepted": self.logged_already, "ignored": self.automatic}[state]


@dataclass
class _Seen:
    folder: Folder
    ref: Any
    headers: Headers
    outbound: bool
    found: Found | None = None


def scan(
    store: Store,
    config: Config,
    now: datetime,
    since: datetime | None = None,
    dry_run: bool = False,
    password_for: Callable[[Imap], str] | None = None,
) -> Report:
    mail = config.mail
    if mail is None or (not mail.maildirs and mail.imap is None):
        raise NotConfigured('no mail to read: set [mail] maildir = "~/Mail/work" or [mail.imap] in config.toml')
    phrases = classify.load_phrases(None if config.path is None else config.path.parent)
    me = {config.me.email.strip().casefold()} - {""}
    known = inbox.known_messages(store.conn)
    directory = Directory.build(store.bundles(), me, phrases.of("domains", "public"), known)
    folders: list[Folder] = [f for root in mail.maildirs for f in maildir.folders(root, mail.sent)]
    session = None
    report = Report()
    try:
        if mail.imap is not None:
            from . import imap, password

            session = imap.Session(mail.imap, (password_for or password.password)(mail.imap))
            folders += session.folders()
        marks = inbox.marks(store.conn)
        seen = []
        for folder in folders:
            report.folders.append(folder.source)
            for ref, headers in folder.new_headers(marks.get(folder.source), since):
                report.read += 1
                if headers.message_id not in known:
                    seen.append(_Seen(folder, ref, headers, folder.sent or headers.sender in me))
        matched = _match(seen, directory, inbox.skipped_senders(store.conn))
        report.ambiguous = directory.ambiguous
        bodies = _bodies(matched)
    finally:
        if session is not None:
            session.close()
    for item in matched:
        proposal = _propose(store, item, bodies.get((id(item.folder), item.ref), b""), directory, phrases, config)
        report.by_state(proposal.state).append(proposal)
    if not dry_run:
        everything = report.proposed + report.logged_already + report.automatic
        inbox.save_scan(store, everything, {f.source: f.mark_after for f in folders}, now)
        report.saved = True
    return report


def _match(seen: list[_Seen], directory: Directory, skipped: set[str]) -> list[_Seen]:
    matched = []
    for item in sorted(seen, key=lambda s: s.headers.at):
        headers = item.headers
        if headers.message_id in directory.threads or (not item.outbound and headers.sender in skipped):
            continue  # the same message in two folders, or a sender the user skips
        found = directory.find(headers, item.outbound)
        if found is None or headers.at < directory.start(found.card_id):
            continue
        directory.remember(headers, found.card_id, item.outbound)
        item.found = found
        matched.append(item)
    return matched


def _bodies(matched: list[_Seen]) -> dict[tuple[int, Any], bytes]:
    """The matched messages' bytes, fetched folder by folder."""
    wanted: dict[int, tuple[Folder, list[Any]]] = {}
    for item in matched:
        wanted.setdefault(id(item.folder), (item.folder, []))[1].append(item.ref)
    found = {}
    for key, (folder, refs) in wanted.items():
        for ref, data in folder.bodies(refs).items():
            found[(key, ref)] = data
    return found


def _propose(
    store: Store, item: _Seen, data: bytes, directory: Directory, phrases: classify.Phrases, config: Config
) -> Proposal:
    headers, found = item.headers, item.found
    assert found is not None
    body = read_body(data)
    card = directory.cards[found.card_id].card
    if item.outbound:
        answers = any(directory.threads.get(m, (0, True))[1] is False for m in headers.replies_to)
        moment = classify.Moment(_rounds(card, headers.at), card.stage, config.policy.thank_you_hours, answers)
        verdict = classify.outbound(phrases, headers.subject, body.text, headers.at, moment)
    else:
        verdict = classify.inbound(
            phrases, headers.subject, body.text, headers.sender, headers.automatic, body.calendar
        )
    state, contact_uid = "proposed", None
    if verdict.kind == AUTO_ACK:
        state = "ignored"
    else:
        contact_uid = inbox.logged_contact(store.conn, card.id, verdict.kind, headers.at)
        state = "accepted" if contact_uid else state
    return Proposal(
        message_id=headers.message_id,
        card_id=card.id,
        at=headers.at,
        outbound=item.outbound,
        sender=headers.from_line,
        recipients=headers.recipients,
        subject=headers.subject,
        kind=verdict.kind,
        matched=verdict.matched,
        match=f"{found.how} {found.address}",
        confidence=round(STRENGTH[found.how] * (1.0 if verdict.certain else 0.9), 2),
        source=getattr(item.folder, "name", ""),
        person=found.person,
        state=state,
        contact_uid=contact_uid,
    )


def _rounds(card: Card, at: datetime) -> tuple[datetime, ...]:
    return tuple(r for r in (card.interview_at, card.next_round_at) if r is not None and r <= at)
