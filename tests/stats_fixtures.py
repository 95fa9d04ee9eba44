"""A small search with known figures (tests/test_stats.py computes them by hand), built through the
Store the way a user would have logged it, each action at its own fixed moment."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from followup_tui.domain.model import Channel, Kind, Outcome
from followup_tui.storage.store import NewCard, Store

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)  # a Thursday
EMAIL, PHONE, LINKEDIN = Channel.EMAIL, Channel.PHONE, Channel.LINKEDIN


def at(text: str) -> datetime:
    """'11-02 15:00' in 2026, UTC."""
    return datetime.fromisoformat(f"2026-{text}").replace(tzinfo=UTC)


def add(store: Store, company: str, when: str, role: str = "Engineer") -> int:
    moment = at(when)  # added then, or now for an interview still ahead
    return store.add_card(NewCard(company=company, role=role, interview_at=moment), min(moment, NOW))


def log(store: Store, card_id: int, kind: Kind, when: str, channel: Channel = EMAIL, **kw) -> None:
    store.log_contact(card_id, kind, at(when), at(when), channel=channel, **kw)


def fill(store: Store) -> dict[str, int]:
    """Acme: two rounds and an offer. Globex: a late thank-you, then a rejection. Initech: waiting,
    a follow-up unanswered. Hooli: no thank-you (overdue). Umbrella: interviewed 4h before now.
    Wonka: interview ahead. Vandelay: an early check-in, then withdrawn."""
    ids = {name: add(store, name.title(), when) for name, when in _STARTS.items()}
    acme, globex, initech, vandelay = ids["acme"], ids["globex"], ids["initech"], ids["vandelay"]
    log(store, vandelay, Kind.THANK_YOU, "09-10 12:00")
    log(store, vandelay, Kind.CHECK_IN, "09-14 10:00")  # 4 days after the note: premature
    store.close_card(vandelay, at("09-30 10:00"), Outcome.WITHDRAWN)
    log(store, acme, Kind.THANK_YOU, "10-05 20:00")
    log(store, acme, Kind.FOLLOW_UP, "10-08 10:00")  # 3 days after the note: premature
    log(store, acme, Kind.REPLY, "10-10 10:00")
    log(store, acme, Kind.INVITE, "10-12 09:00", round_at=at("10-20 15:00"))
    log(store, globex, Kind.THANK_YOU, "10-15 16:00")  # 30h after the interview
    log(store, acme, Kind.THANK_YOU, "10-20 18:00")  # starts round 2
    log(store, globex, Kind.FOLLOW_UP, "10-20 09:00", LINKEDIN)  # 5 days after the note: premature
    log(store, globex, Kind.FOLLOW_UP, "10-29 09:00", LINKEDIN)
    log(store, acme, Kind.FOLLOW_UP, "11-02 10:00", PHONE)
    log(store, initech, Kind.THANK_YOU, "11-02 15:00")
    log(store, globex, Kind.REJECTION, "11-03 09:00")
    log(store, acme, Kind.OFFER, "11-05 12:00", PHONE)
    log(store, initech, Kind.FOLLOW_UP, "11-12 10:00")
    return ids


_STARTS = {
    "vandelay": "09-10 10:00",
    "acme": "10-05 14:00",
    "globex": "10-14 10:00",
    "initech": "11-02 11:00",
    "hooli": "11-20 09:00",
    "umbrella": "11-26 06:00",
    "wonka": "11-30 10:00",
}


def filled(path: Path) -> dict[str, int]:
    with Store.open(path) as store:
        return fill(store)
