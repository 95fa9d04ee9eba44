"""Sample cards for `followup demo` (and the README screenshot).

A dozen realistic interviews, built through the Store relative to `now`, that
between them fill every column and raise every flag.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..domain.clock import local_date
from ..domain.model import Channel, Kind, Outcome, Relation, Stage
from ..storage.store import NewCard, Store


def fill(store: Store, now: datetime) -> None:
    with store.transaction("add the demo's sample cards"):
        for build in (_thank_you_cards, _waiting_cards, _next_round_cards, _stay_in_touch_cards, _archived_cards):
            build(store, now)


def _card(store: Store, now: datetime, company: str, role: str, ago: timedelta, **kw) -> int:
    people = kw.pop("people", [])
    return store.add_card(
        NewCard(company=company, role=role, interview_at=now - ago, interviewers=people, **kw), now - ago
    )


def _log(store: Store, card_id: int, kind: Kind, at: datetime, **kw) -> None:
    store.log_contact(card_id, kind, at, at, **kw)


def _thank_you_cards(store: Store, now: datetime) -> None:
    _card(
        store,
        now,
        "Acme Corp",
        "Backend Engineer",
        timedelta(hours=30),
        people=[("Jane Doe", "jane@acme.example"), ("Raj Patel", "")],
        fit="I ran the Postgres 12 → 16 migration they are about to start",
        notes="Talked about on-call load and the payments rewrite.",
    )
    _card(
        store,
        now,
        "Globex",
        "Staff Engineer",
        timedelta(hours=3),
        people=[("Mei Chen", "")],
        fit="Led a team of six through a platform migration",
    )


def _waiting_cards(store: Store, now: datetime) -> None:
    day = timedelta(days=1)
    initech = _card(
        store,
        now,
        "Initech",
        "Data Engineer",
        6 * day,
        people=[("Bill Lumbergh", "")],
        follow_up_on=local_date(now),
        follow_up_via=Channel.EMAIL,
    )
    _log(store, initech, Kind.THANK_YOU, now - 6 * day + timedelta(hours=5))
    umbrella = _card(
        store,
        now,
        "Umbrella",
        "Platform Engineer",
        9 * day,
        follow_up_on=local_date(now - 2 * day),
        follow_up_via=Channel.PHONE,
    )
    _log(store, umbrella, Kind.THANK_YOU, now - 9 * day + timedelta(hours=4))
    hooli = _card(store, now, "Hooli", "SRE", 4 * day, people=[("Gavin Belson", "")])
    _log(store, hooli, Kind.THANK_YOU, now - 3 * day)
    _log(store, hooli, Kind.FOLLOW_UP, now - day, note="asked about the timeline")
    stark = _card(store, now, "Stark Industries", "Engineering Manager", 40 * day)
    _log(store, stark, Kind.THANK_YOU, now - 39 * day)
    for weeks in (4, 3, 2):
        _log(store, stark, Kind.FOLLOW_UP, now - weeks * 7 * day)
    wayne = _card(store, now, "Wayne Enterprises", "Security Engineer", 5 * day, people=[("Lucius Fox", "")])
    _log(store, wayne, Kind.THANK_YOU, now - 5 * day + timedelta(hours=6))
    store.add_person(wayne, "Dana Lee", Relation.NETWORK, note="ex-colleague, now on their red team")
    aperture = _card(store, now, "Aperture Science", "QA Lead", 12 * day, decision_by=local_date(now - 2 * day))
    _log(store, aperture, Kind.THANK_YOU, now - 11 * day)
    mesa = _card(store, now, "Black Mesa", "Research Engineer", 3 * day)
    _log(store, mesa, Kind.THANK_YOU, now - 2 * day)
    massive = _card(store, now, "Massive Dynamic", "Principal Engineer", 20 * day, people=[("Nina Sharp", "")])
    _log(store, massive, Kind.THANK_YOU, now - 20 * day + timedelta(hours=4))
    _log(store, massive, Kind.OFFER, now - timedelta(hours=20), channel=Channel.PHONE, person="Nina Sharp")


def _next_round_cards(store: Store, now: datetime) -> None:
    day = timedelta(days=1)
    wonka = _card(store, now, "Wonka", "Frontend Engineer", 8 * day, people=[("Charlie Bucket", "")])
    _log(store, wonka, Kind.THANK_YOU, now - 8 * day + timedelta(hours=3))
    _log(store, wonka, Kind.INVITE, now - 4 * day, round_at=now + 2 * day, channel=Channel.PHONE)
    store.prep_changes(wonka, ["ask Charlie about the chocolate-river incident"], done=[1])  # after the defaults
    soylent = _card(store, now, "Soylent", "ML Engineer", 10 * day)
    _log(store, soylent, Kind.THANK_YOU, now - 10 * day + timedelta(hours=2))
    _log(store, soylent, Kind.INVITE, now - 6 * day, round_at=now - timedelta(hours=30))


def _stay_in_touch_cards(store: Store, now: datetime) -> None:
    day = timedelta(days=1)
    cyberdyne = _card(store, now, "Cyberdyne", "Tech Lead", 130 * day, people=[("Miles Dyson", "")])
    _log(store, cyberdyne, Kind.THANK_YOU, now - 129 * day)
    _log(store, cyberdyne, Kind.REJECTION, now - 100 * day, note="went with an internal candidate")
    oscorp = _card(store, now, "Oscorp", "Platform Engineer", 12 * day, people=[("Norman Osborn", "")])
    _log(store, oscorp, Kind.THANK_YOU, now - 12 * day + timedelta(hours=3))
    _log(store, oscorp, Kind.REJECTION, now - 2 * day, person="Norman Osborn", note="went with someone internal")
    tyrell = _card(store, now, "Tyrell", "Backend Engineer", 200 * day)
    _log(store, tyrell, Kind.THANK_YOU, now - 199 * day)
    _log(store, tyrell, Kind.REJECTION, now - 150 * day)
    _log(store, tyrell, Kind.CHECK_IN, now - 40 * day, channel=Channel.LINKEDIN)
    _log(store, tyrell, Kind.CHECK_IN, now - 10 * day, channel=Channel.LINKEDIN)


def _archived_cards(store: Store, now: datetime) -> None:
    day = timedelta(days=1)
    piper = _card(store, now, "Pied Piper", "Compression Engineer", 60 * day)
    _log(store, piper, Kind.THANK_YOU, now - 59 * day)
    _log(store, piper, Kind.OFFER, now - 30 * day)
    store.close_card(piper, now - 29 * day, Outcome.OFFER)
    vandelay = _card(store, now, "Vandelay Industries", "Importer", 90 * day)
    store.close_card(vandelay, now - 80 * day, Outcome.WITHDRAWN)


__all__ = ["fill", "Stage"]
