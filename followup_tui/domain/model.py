"""The words of the product (SPEC §2) as enums and plain dataclasses.

Times are aware UTC datetimes; calendar dates (`follow_up_on`, `decision_by`)
are `date`s in the user's local zone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from .words import STAGE_NAMES


class Stage(StrEnum):
    THANK_YOU = "thank-you"
    WAITING = "waiting"
    NEXT_ROUND = "next-round"
    STAY_IN_TOUCH = "stay-in-touch"

    @property
    def title(self) -> str:  # type: ignore[override]  # a column heading; str.title() is never wanted on a Stage
        return STAGE_TITLES[self]


STAGES: tuple[Stage, ...] = tuple(Stage)
assert STAGES == STAGE_NAMES, "words.STAGE_NAMES and Stage must agree"
STAGE_TITLES = {
    Stage.THANK_YOU: "Thank-you",
    Stage.WAITING: "Waiting",
    Stage.NEXT_ROUND: "Next round",
    Stage.STAY_IN_TOUCH: "Stay in touch",
}


class Outcome(StrEnum):
    OPEN = "open"
    OFFER = "offer"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Kind(StrEnum):
    """What a logged contact was. The first five go out from you (SPEC §2, §3.1)."""

    THANK_YOU = "thank-you"
    FOLLOW_UP = "follow-up"
    CHECK_IN = "check-in"
    ANSWER = "answer"
    REFERRAL_ASK = "referral-ask"
    REPLY = "reply"
    INVITE = "invite"
    REJECTION = "rejection"
    OFFER = "offer"


# From you to the company: expected ones (a thank-you after a round, an answer to their
# message) are never too frequent; only unsolicited ones can be. A referral-ask goes to
# your own network, so it is neither outbound nor inbound for the pacing rules.
EXPECTED = frozenset({Kind.THANK_YOU, Kind.ANSWER})
UNSOLICITED = frozenset({Kind.FOLLOW_UP, Kind.CHECK_IN})
OUTBOUND = EXPECTED | UNSOLICITED
INBOUND = frozenset({Kind.REPLY, Kind.INVITE, Kind.REJECTION, Kind.OFFER})


class Channel(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LINKEDIN = "linkedin"
    IN_PERSON = "in-person"
    OTHER = "other"


class Relation(StrEnum):
    INTERVIEWER = "interviewer"
    RECRUITER = "recruiter"
    HIRING_MANAGER = "hiring-manager"
    NETWORK = "network"


def relation_named_on(kind: Kind) -> Relation:
    """How a person first named on a contact of this kind is linked. You thank your interviewers
    and ask your network; whoever else writes to you, or you to them, is most likely the recruiter
    (as an interviewer, they would be owed a thank-you note). `followup person` changes it."""
    return {Kind.THANK_YOU: Relation.INTERVIEWER, Kind.REFERRAL_ASK: Relation.NETWORK}.get(kind, Relation.RECRUITER)


@dataclass
class Card:
    id: int
    uid: str
    company: str
    role: str
    stage: Stage
    outcome: Outcome
    round: int
    interview_at: datetime
    stage_entered_at: datetime
    created_at: datetime
    updated_at: datetime
    follow_up_on: date | None = None
    follow_up_via: Channel | None = None
    decision_by: date | None = None
    next_round_at: datetime | None = None
    fit: str = ""
    notes: str = ""
    closed_at: datetime | None = None
    topic: str = ""  # what you talked about: the thank-you may mention it (notes are private)
    # when each instruction was recorded: contacts before it are judged without it (SPEC §3.1)
    follow_up_set_at: datetime | None = None
    decision_set_at: datetime | None = None
    domain: str = ""  # the company's mail domain ('acme.com'; `edit --domain`): mail matching reads it
    # values another tool wrote that could not be read (lenient.py): shown on the card, named by doctor
    problems: tuple[str, ...] = ()

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    @property
    def channel(self) -> Channel:
        """How to reach them: the way they asked to hear from you, else email."""
        return self.follow_up_via or Channel.EMAIL


@dataclass
class Contact:
    id: int
    uid: str
    card_id: int
    at: datetime
    kind: Kind
    channel: Channel
    person_id: int | None = None
    note: str = ""

    @property
    def outbound(self) -> bool:
        return self.kind in OUTBOUND

    @property
    def inbound(self) -> bool:
        return self.kind in INBOUND


@dataclass
class Person:
    id: int
    uid: str
    name: str
    relation: Relation
    email: str = ""
    title: str = ""
    note: str = ""
    round: int = 1  # the round this card met them in (a link made before rounds were kept: 1)


def name_and_email(text: str) -> tuple[str, str]:
    """'Jane Doe <jane@acme.com>' -> ('Jane Doe', 'jane@acme.com'); 'Raj' -> ('Raj', '')."""
    text = text.strip()
    if text.endswith(">") and "<" in text:
        name, _, email = text[:-1].rpartition("<")
        return name.strip(), email.strip()
    return text, ""


def names_and_emails(text: str) -> list[tuple[str, str]]:
    """'Jane Doe <jane@x.com>, Raj' -> [('Jane Doe', 'jane@x.com'), ('Raj', '')]: a panel in one line."""
    return [name_and_email(part) for part in text.split(",") if part.strip()]


@dataclass
class PrepItem:
    id: int
    uid: str
    card_id: int
    position: int
    text: str
    done: bool = False


@dataclass
class CardBundle:
    """A card with everything the rules and views need about it."""

    card: Card
    contacts: list[Contact] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    prep: list[PrepItem] = field(default_factory=list)

    def person(self, person_id: int | None) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)
