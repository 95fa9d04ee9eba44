"""Build a realistic followup database of N cards through the project's own Store.

    python bench/seed.py --cards 1000 --db /tmp/followup-1000.db [--seed 7] [--now WHEN]

Each card lives a plausible history (interview, thank-you, follow-ups, replies,
invites, rejections), ends in one of the four stages or the archive, and has
people, 5–15 contacts and, in Next round, a prep checklist. The mix raises
every flag. Cards are written in batches of 500 per transaction to keep
seeding quick; each card is still built with the user actions.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from followup_tui.domain.clock import local_date  # noqa: E402
from followup_tui.domain.clock import now as clock_now
from followup_tui.domain.model import Channel, Kind, Outcome, Relation, Stage  # noqa: E402
from followup_tui.storage.store import NewCard, Store  # noqa: E402

COMPANIES = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Wonka",
    "Soylent",
    "Cyberdyne",
    "Tyrell",
    "Aperture",
    "Black Mesa",
    "Vandelay",
    "Pied Piper",
    "Massive Dynamic",
    "Oscorp",
    "Dunder Mifflin",
    "Prestige Worldwide",
    "Gringotts",
]
ROLES = [
    "Backend Engineer",
    "Staff Engineer",
    "Data Engineer",
    "SRE",
    "Engineering Manager",
    "Frontend Engineer",
    "Platform Engineer",
    "Security Engineer",
    "ML Engineer",
    "Tech Lead",
]
FIRST = ["Jane", "Sam", "Priya", "Luis", "Mei", "Omar", "Ada", "Tom", "Ines", "Kofi", "Dana", "Yuki"]
LAST = ["Doe", "Lee", "Patel", "García", "Chen", "Haddad", "Okafor", "Smith", "Novak", "Kim"]
PREP = [
    "research the team and recent news",
    "re-read the job description",
    "prepare stories for the likely questions",
    "questions to ask them",
    "logistics and travel",
]
# target stage weights: most history ends up staying in touch or archived
TARGETS = [(Stage.THANK_YOU, 8), (Stage.WAITING, 25), (Stage.NEXT_ROUND, 10), (Stage.STAY_IN_TOUCH, 42), ("closed", 15)]


def name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def seed_card(store: Store, rng: random.Random, now: datetime, contacts: tuple[int, int] = (5, 15)) -> None:
    target = rng.choices([t for t, _ in TARGETS], [w for _, w in TARGETS])[0]
    recent = target in (Stage.THANK_YOU, Stage.WAITING, Stage.NEXT_ROUND)
    start = now - timedelta(days=rng.uniform(20, 120) if recent else rng.uniform(120, 900))
    follow_up = local_date(start) + timedelta(days=rng.choice([5, 7, 10, 14])) if rng.random() < 0.4 else None
    card_id = store.add_card(
        NewCard(
            company=rng.choice(COMPANIES),
            role=rng.choice(ROLES),
            interview_at=start,
            interviewers=[(name(rng), "") for _ in range(rng.randint(1, 3))],
            follow_up_on=follow_up,
            follow_up_via=rng.choice(list(Channel)) if follow_up else None,
            decision_by=local_date(start) + timedelta(days=14) if rng.random() < 0.3 else None,
            fit="I have shipped this exact kind of system before",
            notes="Talked about on-call, team size, roadmap.",
        ),
        start,
    )
    total = rng.randint(*contacts)  # contacts on this card, all told
    if target in (Stage.STAY_IN_TOUCH, "closed"):
        process_end = start + timedelta(days=rng.uniform(20, 60))
        check_ins = _check_ins(rng, process_end, now)
        check_ins = check_ins[max(len(check_ins) - (total - 4), 0) :] if total > 4 else []  # the latest ones
        at = _history(store, rng, card_id, start, process_end, total - 2 - len(check_ins))
        _after_rejection(store, rng, card_id, target, at, check_ins, now)
    else:
        at = _history(store, rng, card_id, start, now, total - 2)
        _finish(store, rng, card_id, target, at, now)


def _check_ins(rng: random.Random, since: datetime, now: datetime) -> list[datetime]:
    """A user who heeds the board checks in every few months; one in five lets it slide."""
    if rng.random() < 0.2:
        return []
    times, at = [], since
    while (at := at + timedelta(days=rng.uniform(70, 130))) < now:
        times.append(at)
    return times


def _history(store: Store, rng: random.Random, card_id: int, start: datetime, end: datetime, count: int) -> datetime:
    at = start + timedelta(hours=rng.uniform(2, 30))  # some thank-yous come late
    store.log_contact(card_id, Kind.THANK_YOU, at, at, channel=Channel.EMAIL)
    span = (end - at) * 0.8
    for _ in range(count):
        at += span / (count + 1) * rng.uniform(0.5, 1.5)
        kind = rng.choices([Kind.FOLLOW_UP, Kind.REPLY, Kind.CHECK_IN], [4, 5, 1])[0]
        store.log_contact(card_id, kind, min(at, end), end, channel=rng.choice(list(Channel)))
    return min(at, end)


def _finish(store: Store, rng: random.Random, card_id: int, target, at: datetime, now: datetime) -> None:
    if target == Stage.WAITING and rng.random() < 0.1:  # they replied, and the user wrote again too soon
        replied = max(at, now - timedelta(days=5))
        store.log_contact(card_id, Kind.REPLY, replied, now, channel=Channel.EMAIL)
        nudged = replied + (now - replied) * rng.uniform(0.3, 0.9)
        store.log_contact(card_id, Kind.FOLLOW_UP, nudged, now, channel=Channel.EMAIL)
    if target == Stage.WAITING and rng.random() < 0.3:
        store.add_person(card_id, name(rng), Relation.NETWORK, note="former colleague")
    elif target in (Stage.NEXT_ROUND, Stage.THANK_YOU):
        round_at = now + timedelta(days=rng.uniform(-3, 8))
        store.log_contact(card_id, Kind.INVITE, at, now, round_at=round_at)
        store.prep_changes(card_id, PREP, done=list(range(1, rng.randint(1, 6))))
        if target == Stage.THANK_YOU:
            store.move(card_id, Stage.THANK_YOU, now, at=now - timedelta(hours=rng.uniform(1, 40)))


def _after_rejection(
    store: Store, rng: random.Random, card_id: int, target, at: datetime, check_ins: list[datetime], now: datetime
) -> None:
    store.log_contact(card_id, Kind.REJECTION, at, now)
    for check_in in check_ins:
        store.log_contact(card_id, Kind.CHECK_IN, check_in, now, channel=Channel.LINKEDIN)
    if target == "closed":
        store.close_card(card_id, now, rng.choice([Outcome.REJECTED, Outcome.WITHDRAWN, Outcome.OFFER]))


def seed(path: Path, cards: int, now: datetime, seed_value: int = 7, contacts: tuple[int, int] = (5, 15)) -> None:
    """`contacts`: how many each card has, at least and at most (5-15: ~10 a card)."""
    rng = random.Random(seed_value)
    with Store.open(path) as store:
        for batch in range(0, cards, 500):
            with store.transaction():
                for _ in range(min(500, cards - batch)):
                    seed_card(store, rng, now, contacts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--contacts", default="5-15", help="contacts per card, at least-at most (default 5-15)")
    parser.add_argument("--now", default=None, help="the 'now' the history is built up to (default: the clock)")
    args = parser.parse_args()
    if args.db.exists():
        sys.exit(f"{args.db} exists; pick a new path")
    low, _, high = args.contacts.partition("-")
    seed(args.db, args.cards, clock_now(args.now), args.seed, contacts=(int(low), int(high or low)))
    print(f"seeded {args.cards} cards into {args.db}")


if __name__ == "__main__":
    main()
