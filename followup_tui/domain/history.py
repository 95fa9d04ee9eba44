"""A card's contact log as the rules read it (SPEC §3.1, §3.2): pure, no clock.

Each contact gets a role: `inbound` (from them), `expected` (a thank-you, an
answer — never too frequent), `unsolicited` (a follow-up or check-in: the only
contacts that can be too much) or `referral` (your own network: the ask, and
talk with someone linked as `network`). A follow-up or check-in logged while an
offer or a rejection waits for its answer *is* that answer (for an offer, until
another offer, a rejection or an invite comes). From the log and the card's
instructions come the moment a new unsolicited contact is OK (`ok`) and whether
one that was made came too soon (`judge`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter

from .clock import day_end, day_start, local_date
from .config import Policy
from .model import INBOUND, UNSOLICITED, Card, CardBundle, Contact, Kind, Outcome, Person, Relation, Stage
from .naming import matches

INBOUND_ROLE, EXPECTED, UNSOLICITED_ROLE, REFERRAL = "inbound", "expected", "unsolicited", "referral"
EARLIEST = datetime.min.replace(tzinfo=UTC)
_LOG_ORDER = attrgetter("at", "id")  # a contact's place in the log: its time, then the order logged


@dataclass(frozen=True)
class Entry:
    contact: Contact
    role: str

    @property
    def at(self) -> datetime:
        return self.contact.at

    @property
    def kind(self) -> Kind:
        return self.contact.kind


# what you send that honours a date they asked for, from that day on: a follow-up or check-in, or
# an answer (the kind a user logs the call they asked for by)
HONOURING = frozenset({Kind.FOLLOW_UP, Kind.CHECK_IN, Kind.ANSWER})


def honours(entry: Entry, start: datetime) -> bool:
    """A contact made from `start` on that does what they asked: yours, with the company (a call with
    a friend in your network on the day Ana asked for is not the call to Ana: QA walk 15)."""
    return entry.kind in HONOURING and entry.at >= start and entry.role != REFERRAL


# what a conversation with someone in your own network is made of: their reply to your ask for a
# word, your follow-up or thanks to them. Not the company's process (an invite, an offer, a rejection
# stay theirs, whoever passed them on), nor a thank-you (rule 2 reads those by kind and person).
NETWORK_TALK = frozenset({Kind.REPLY, Kind.FOLLOW_UP, Kind.CHECK_IN, Kind.ANSWER})


def roles(contacts: list[Contact], policy: Policy, network: frozenset[int] = frozenset()) -> list[Entry]:
    """The log in order (time, then the order logged), each contact with its role. `network`: the ids
    of the card's people linked as `network`; talk with them is `referral`, as the ask is (SPEC
    §3.1: only the network rule looks at it). A friend's "I pinged Ana for you" is not the company
    writing back: it neither ends what Ana asked for nor starts a new wait (QA walk 14, F1, F2)."""
    gracious = timedelta(days=policy.gracious_reply_days)
    entries, waiting_answer = [], None  # the offer or rejection not yet answered
    for contact in sorted(contacts, key=_LOG_ORDER):
        kind = contact.kind
        if with_network(contact, network):
            role = REFERRAL
        elif kind in INBOUND:
            role = INBOUND_ROLE
            if kind in (Kind.OFFER, Kind.REJECTION):
                waiting_answer = contact
            elif kind == Kind.INVITE:
                waiting_answer = None  # a new round: the rejection is history
        elif kind in UNSOLICITED and not _answers(waiting_answer, contact, gracious):
            role = UNSOLICITED_ROLE
        else:
            role = EXPECTED
            # an answer, or a follow-up that is one, ends the wait for it; but an offer you hold is
            # a conversation until it is settled: a question about it the day after your answer
            # is part of answering it, never pestering (QA walk 14, F3)
            if kind != Kind.THANK_YOU and (waiting_answer is None or waiting_answer.kind != Kind.OFFER):
                waiting_answer = None
        entries.append(Entry(contact, role))
    return entries


def with_network(contact: Contact, network: frozenset[int]) -> bool:
    """Talk with your network, not the company's thread: a referral ask, or a reply, follow-up,
    check-in or answer with someone whose id is in `network` (network_ids)."""
    return contact.kind == Kind.REFERRAL_ASK or (contact.kind in NETWORK_TALK and contact.person_id in network)


def _answers(waiting: Contact | None, contact: Contact, gracious: timedelta) -> bool:
    """A follow-up or check-in made while the next action was to answer an offer or a rejection."""
    if waiting is None:
        return False
    return waiting.kind == Kind.OFFER or contact.at - waiting.at < gracious


def company_side(person: Person | None) -> Person | None:
    """The person, unless a friend in your network: the company's messages never go to them (an offer
    a friend passed on is answered to the company: QA walk 15)."""
    return person if person is not None and person.relation != Relation.NETWORK else None


def named_person(bundle: CardBundle, typed: str | None) -> Person | None:
    """The linked person `typed` names, when it fits one alone (naming.matches, as logging finds them)."""
    if not typed:
        return None
    found, _, _ = matches(typed, [(p.id, p.name, p.email) for p in bundle.people], loose=True)
    return bundle.person(found[0]) if len(found) == 1 else None


def network_ids(bundle: CardBundle) -> frozenset[int]:
    """The ids of the card's people linked as `network` (someone who can recommend you)."""
    return frozenset(p.id for p in bundle.people if p.relation == Relation.NETWORK)


@dataclass(frozen=True)
class Ok:
    """When a new unsolicited contact stops being premature, and why then."""

    at: datetime
    why: str  # "offer", "follow-up date", "decision date" or "gap"
    basis: Entry | None = None  # for "gap": the contact the gap counts from (None: the round itself)


@dataclass(frozen=True)
class Verdict:
    """How an unsolicited contact compares with the OK that held just before it."""

    premature: bool
    ok: Ok
    hold_until: datetime  # when the too-frequent spell it starts ends


class Log:
    """The entries of one card, with the card's instructions and the policy."""

    def __init__(self, bundle: CardBundle, policy: Policy, entries: list[Entry] | None = None) -> None:
        self.card, self.people, self.policy = bundle.card, bundle.people, policy
        self.entries = roles(bundle.contacts, policy, network_ids(bundle)) if entries is None else entries
        self._verdicts: dict[int, Verdict] = {}  # by entry index: the plan and the stats both ask
        self._gap_ends: dict[tuple[datetime, float], datetime] = {}  # see gap_end

    def gap(self, as_of: datetime | None = None) -> float:
        """Days between unsolicited contacts, for one made at `as_of` (None: from now on). Stay in
        touch's longer gap holds from when the card entered that stage: a follow-up made while
        Waiting keeps Waiting's gap after a rejection moves the card."""
        stay = self.card.stage == Stage.STAY_IN_TOUCH and (as_of is None or as_of >= self.card.stage_entered_at)
        return self.policy.stay_in_touch_min_days if stay else self.policy.min_days_between_contacts

    def gap_end(self, since: datetime, as_of: datetime | None) -> datetime:
        """The start of the local day the gap (for a contact made at `as_of`) from `since` ends on. Worked
        out once per card: judging a contact asks again for the one its predecessor's hold ended on."""
        days = self.gap(as_of)
        found = self._gap_ends.get((since, days))
        if found is None:
            found = self._gap_ends[since, days] = day_start(local_date(since) + timedelta(days=days))
        return found

    def of(self, *wanted: str) -> list[Entry]:
        return [e for e in self.entries if e.role in wanted]

    # --- instructions (SPEC §3.2 rule 1) ---------------------------------------------------------

    def follow_up_open(self, known: list[Entry], as_of: datetime | None = None) -> bool:
        card = self.card
        return self._open(card.follow_up_on, card.follow_up_set_at, known, as_of)

    def decision_open(self, known: list[Entry], as_of: datetime | None = None) -> bool:
        card = self.card
        return self._open(card.decision_by, card.decision_set_at, known, as_of)

    def follow_up_ended_by(self, known: list[Entry]) -> Entry | None:
        """Their message that closed the follow-up date they had asked for (it was not honoured first)."""
        card = self.card
        closer = self._closer(card.follow_up_on, card.follow_up_set_at, known)
        return closer if closer is not None and closer.role == INBOUND_ROLE else None

    @classmethod
    def _open(cls, day: date | None, set_at: datetime | None, known: list[Entry], as_of: datetime | None) -> bool:
        """Recorded (by `as_of`), not yet honoured by contact from you from that day on (`honours`),
        and not overtaken by their writing after it was recorded."""
        if day is None or (as_of is not None and set_at is not None and set_at > as_of):
            return False
        return cls._closer(day, set_at, known) is None

    @staticmethod
    def _closer(day: date | None, set_at: datetime | None, known: list[Entry]) -> Entry | None:
        """The entry that closed this instruction: yours honouring it, or theirs after it was recorded."""
        if day is None:
            return None
        start = day_start(day)
        for entry in known:
            theirs_after = entry.role == INBOUND_ROLE and set_at is not None and entry.at > set_at
            if theirs_after or honours(entry, start):
                return entry
        return None

    # --- when a contact is OK (SPEC §3.2) ----------------------------------------------------------

    def ok(self, known: list[Entry], round_at: datetime | None, as_of: datetime | None = None) -> Ok:
        """next_contact_ok given the contacts `known` and the round time R (None: no round yet)."""
        card = self.card
        if card.outcome == Outcome.OFFER and self.holds_offer(known):
            # an offer you hold is a conversation: a question about it is never too soon, and the
            # answer-by date is yours, not theirs to decide by (QA walk 15, F8: "next contact from Dec 30")
            return Ok(EARLIEST, "offer")
        if card.follow_up_on is not None and self.follow_up_open(known, as_of):
            return Ok(day_start(card.follow_up_on), "follow-up date")
        if card.decision_by is not None and self.decision_open(known, as_of):
            return Ok(day_end(card.decision_by), "decision date")
        basis = next(
            (e for e in reversed(known) if e.role != REFERRAL and (round_at is None or e.at >= round_at)), None
        )
        since = basis.at if basis else round_at
        if since is None:  # before any interview and any contact: nothing to keep a distance from
            return Ok(EARLIEST, "gap")
        return Ok(self.gap_end(since, as_of), "gap", basis)

    def judge(self, index: int, round_at: datetime | None) -> Verdict:
        """Entry `index` (unsolicited) against the OK that held just before it (R as of its time)."""
        entry = self.entries[index]
        ok = self.ok(self.entries[:index], round_at, as_of=entry.at)
        # the instructed day itself is never blocked
        hold = ok.at if ok.why == "follow-up date" else max(ok.at, self.gap_end(entry.at, entry.at))
        return Verdict(entry.at < ok.at, ok, hold)

    def verdict(self, index: int) -> Verdict:
        """Entry `index` (unsolicited) judged with the round time R as of its own time (once: the
        plan reads the latest verdict, and the stats every one; the entries never change)."""
        found = self._verdicts.get(index)
        if found is None:
            found = self._verdicts[index] = self.judge(index, round_time(self.card, self.entries[index].at))
        return found

    def verdicts(self) -> list[tuple[Entry, Verdict]]:
        """Every unsolicited contact with its verdict, in log order: premature or not, as the
        too-frequent rule judged it when it was made (the stats count these)."""
        return [(entry, self.verdict(i)) for i, entry in enumerate(self.entries) if entry.role == UNSOLICITED_ROLE]

    @staticmethod
    def holds_offer(known: list[Entry]) -> bool:
        """An offer is being answered: the latest offer, rejection or invite from them is an offer.
        What you send meanwhile is part of answering it, never judged (roles)."""
        settles = (Kind.OFFER, Kind.REJECTION, Kind.INVITE)
        last = next((e for e in reversed(known) if e.role == INBOUND_ROLE and e.contact.kind in settles), None)
        return last is not None and last.contact.kind == Kind.OFFER

    def latest_unsolicited(self) -> int | None:
        return next((i for i in range(len(self.entries) - 1, -1, -1) if self.entries[i].role == UNSOLICITED_ROLE), None)

    # --- people ------------------------------------------------------------------------------------

    def person(self, person_id: int | None) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def first(self, *relations: str) -> Person | None:
        """The first linked person of the first relation that has one."""
        for relation in relations:
            found = next((p for p in self.people if p.relation == relation), None)
            if found:
                return found
        return None


def round_time(card: Card, at: datetime) -> datetime | None:
    """R as of `at`: the latest interview that had happened by then (None: none yet)."""
    later = next_round(card)
    if later is not None and at >= later:
        return later
    return card.interview_at if at >= card.interview_at else None


def round_thank_yous(bundle: CardBundle, now: datetime | None) -> list[Contact]:
    """The thank-yous logged for the round held by `now` (the card's interview when None): a panel
    has one per person."""
    held = (round_time(bundle.card, now) if now else None) or bundle.card.interview_at
    return [c for c in bundle.contacts if c.kind == Kind.THANK_YOU and c.at >= held]


PANEL = (Relation.INTERVIEWER, Relation.HIRING_MANAGER)  # who is owed a note of their own


def round_panel(bundle: CardBundle, round_: int, named: frozenset[int | None] = frozenset()) -> list[Person]:
    """Round `round_`'s panel: the interviewers and hiring managers met in it, and those of them that
    a note of that round named (`named`: the same interviewer again, say), in the order linked."""
    return [p for p in bundle.people if p.relation in PANEL and (p.round == round_ or p.id in named)]


def unthanked(bundle: CardBundle) -> list[Person]:
    """The card's round's panel: the people no thank-you went to, once one went to one of them (one
    note each is expected, SPEC §3.1). Nobody when no note named a panel member (one to the recruiter
    for all, say). Earlier rounds are not asked about again."""
    thanked = frozenset(c.person_id for c in round_thank_yous(bundle, None))
    if not thanked:
        return []
    panel = round_panel(bundle, bundle.card.round, thanked)
    if not thanked & {p.id for p in panel}:
        return []
    return [p for p in panel if p.id not in thanked]


def thank_you_to(bundle: CardBundle, round_: int) -> Person | None:
    """Who round `round_`'s thank-you goes to: the first of its panel (interviewers before hiring
    managers), else (nobody linked to that round) the card's first interviewer, hiring manager or
    recruiter, whichever round."""
    panel = round_panel(bundle, round_)
    for relation in PANEL if panel else (*PANEL, Relation.RECRUITER):
        found = next((p for p in panel or bundle.people if p.relation == relation), None)
        if found:
            return found
    return None


def link_round(card: Card) -> int:
    """The round someone linked now was met in: the coming one while the card waits in Next round,
    else the card's."""
    return card.round + 1 if card.stage == Stage.NEXT_ROUND else card.round


def note_round(card: Card, at: datetime) -> int:
    """The round a thank-you at `at` counts for, on the card as logging it left it: one dated before
    this round's interview thanks for the one before (lifecycle.check_thank_you_time)."""
    return card.round if at >= card.interview_at or card.round == 1 else card.round - 1


def round_problem(card: Card, value: object) -> str | None:
    """Why `value` cannot be the round someone on this card was met in (1 up to the card's next
    round), or None; said after the value ("--round 0: ...")."""
    latest = card.round + 1
    if type(value) is int and 1 <= value <= latest:
        return None
    return f"#{card.id} is in round {card.round}; give a round from 1 to {latest} (its next)"


def next_round(card: Card) -> datetime | None:
    """The next round's time, when the card is waiting for one that is dated."""
    at = card.next_round_at
    return at if card.stage == Stage.NEXT_ROUND and at is not None and at > card.interview_at else None
