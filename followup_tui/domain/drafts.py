"""Message drafts from templates, following the card's next action (SPEC §3.4).

A template is a text file: the first line `Subject: …` (an email) or `Title: …`
(talking points for a call or a meeting), then the body, with {placeholders}
filled from the card (see PLACEHOLDERS; `{{` and `}}` are literal braces). A
line that mentions {topic} is left out when the card has no topic. Defaults
ship in followup_tui/templates/ (NAME.txt, and NAME.call.txt for talking
points); a file of the same name in the config dir's templates/ folder wins.
Drafts never quote the card's notes: they are private.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from .clock import days, local_date, short_date
from .config import Config, Policy
from .history import (
    PANEL,
    Log,
    company_side,
    named_person,
    network_ids,
    next_round,
    round_panel,
    round_thank_yous,
    round_time,
    unthanked,
)
from .model import CardBundle, Channel, Kind, Relation
from .rules import Assessment, NextAction, assess, offer_extended
from .words import TOO_FREQUENT, spoken_list

TEMPLATES = ("thank-you", "follow-up", "check-in", "gracious-reply", "referral-ask", "offer-reply")
PLACEHOLDERS = {
    "company": "the company",
    "role": "the role (or 'open')",
    "round": "the current round number",
    "to": "first name of the person the message is for (or 'there')",
    "to_name": "full name of the person the message is for (or 'the team')",
    "interviewer": "first name of the first interviewer (or 'there')",
    "interviewers": "all interviewers' full names ('Jane Doe and Raj Patel')",
    "interview_day": "the latest interview's day in words ('Tuesday, November 25')",
    "fit": "the card's 'why I fit' note",
    "topic": "what you talked about (the card's topic; a line with it is left out when there is none)",
    "waiting_days": "days since the card entered its stage",
    "answer_by": "for an offer: 'I will give you my answer by Friday, March 19.' when they gave a date, else a "
    "question asking for one",
    "answer_point": "for an offer's talking points: 'Confirm you will give your answer by Friday, March 19.' when "
    "they gave a date, else 'Ask by when they would like your answer.'",
    "occasion": "for a follow-up: 'They asked you to get in touch on Friday, March 26.' or 'They expected to decide "
    "by Thursday, March 18.' (a line with it is left out when neither holds)",
    "person": "first name of the network person to ask for a recommendation (or 'there')",
    "my_name": "[me] name from config.toml (or '[your name]')",
    "signature": "[me] signature from config.toml (or the name)",
    "talk": "for talking points: 'call' by phone, 'meeting' in person",
}
UNNAMED = "[your name]"
NAME_HINT = 'set your name for drafts: followup config me.name "Sam Doe"'
# What a draft, once sent, is logged as (w: "mark as sent").
SENT_AS = {
    "thank-you": Kind.THANK_YOU,
    "follow-up": Kind.FOLLOW_UP,
    "check-in": Kind.CHECK_IN,
    "gracious-reply": Kind.ANSWER,
    "referral-ask": Kind.REFERRAL_ASK,
    "offer-reply": Kind.ANSWER,
}
_SPOKEN = (Channel.PHONE.value, Channel.IN_PERSON.value)
# placeholders whose line is left out when they are empty ({discussed}: topic's old name, kept for users' templates)
_OPTIONAL = ("topic", "discussed", "occasion")


class DraftError(ValueError):
    """A template that cannot be used; the message names the file and the problem."""


class NothingToSend(DraftError):
    """The next action sends nothing (wait, move on, prep, an answered offer); `fallback`: the
    template to write anyway (SPEC §3.4)."""

    def __init__(self, reason: str, card_id: int, fallback: str, owed: str | None = None) -> None:
        # `owed`: a panel member the wait line names, whose note is not due but still to write
        force = f"writes the one to {owed}" if owed else "writes one anyway"
        nothing = "nothing due now" if owed else "nothing to send now"
        super().__init__(f"{nothing}: {reason}; `followup draft {card_id} {fallback}` {force}")
        self.reason, self.fallback, self.owed = reason, fallback, owed


@dataclass(frozen=True)
class Draft:
    template: str
    subject: str
    body: str
    talking_points: bool = False
    channel: str = Channel.EMAIL.value
    to: str | None = None  # the person it is for (None: nobody linked)

    @property
    def text(self) -> str:
        heading = self.subject if self.talking_points else f"Subject: {self.subject}"
        return f"{heading}\n\n{self.body}"


def name_hint(draft: Draft, config: Config) -> str | None:
    """How to set your name, when the draft signs with the placeholder (talking points sign nothing)."""
    return NAME_HINT if not config.me.name and UNNAMED in draft.text else None


def default_template(bundle: CardBundle, config: Config, now: datetime) -> str:
    """The next action's template; NothingToSend says why there is none and how to force one."""
    verdict = assess(bundle, config.policy, now)
    if verdict.action is not None and verdict.action.template:
        return verdict.action.template
    fallback, panel = _fallback(bundle, now), unthanked(bundle)
    owed = panel[0].name if fallback == "thank-you" and panel and bundle.card.interview_at <= now else None
    raise NothingToSend(_why_nothing(verdict, bundle.card.id, now), bundle.card.id, fallback, owed)


def _why_nothing(verdict: Assessment, card_id: int, now: datetime) -> str:
    """'hold off until Mar 28; 3 messages without reply — consider moving on (followup close 4)': the
    hold-off first when a follow-up was too soon (it stands in for 'next contact from'), then the line."""
    action = verdict.action
    if action is None:
        return "the card is closed"
    said = [f"hold off until {short_date(verdict.next_contact_ok, now)}"] if TOO_FREQUENT in verdict.flags else []
    if action.kind == "move-on":
        said.append(f"{action.text} (followup close {card_id})")
    elif action.kind != "wait" or not said:
        said.append(action.text)
    return "; ".join(said)


def _fallback(bundle: CardBundle, now: datetime) -> str:
    card = bundle.card
    if card.interview_at > now:
        return "thank-you"  # before the interview: the note to send after it
    if unthanked(bundle):
        return "thank-you"  # a panel's next note: to someone not thanked yet (_person)
    if card.outcome.value == "offer":
        return "offer-reply"  # the offer is answered: more about it, not a nudge
    return "check-in" if card.stage.value == "stay-in-touch" else "follow-up"


def variant(bundle: CardBundle, name: str, policy: Policy) -> str | None:
    """The version of template `name` that fits where the card is, when it has more than one: an
    offer's answer after they granted more time thanks them for it (NAME.VARIANT.txt)."""
    if name == "offer-reply" and offer_extended(bundle, policy):
        return "extended"
    return None


def template_path(name: str, config: Config, spoken: bool = False, version: str | None = None) -> Path:
    """The user's template if there is one, else ours; talking points when asked and available; the
    `version` (variant) first, when there is one."""
    if name not in TEMPLATES:
        raise DraftError(f"no template {name!r} (known: {', '.join(TEMPLATES)})")
    stems = [f"{name}.{version}", name] if version else [name]
    for file in [f"{stem}{suffix}" for stem in stems for suffix in ((".call.txt",) if spoken else ()) + (".txt",)]:
        for folder in (config.templates_dir, Path(__file__).parent / "templates"):
            if folder is not None and (folder / file).exists():
                return folder / file
    raise DraftError(f"no template file for {name!r}")


def render(bundle: CardBundle, name: str, config: Config, now: datetime) -> Draft:
    """Template `name` filled in for this card, addressed as its next action says when it is that one."""
    action = assess(bundle, config.policy, now).action
    own = action if action is not None and action.template == name else None
    channel = own.channel if own and own.channel else Channel.EMAIL.value
    path = template_path(name, config, channel in _SPOKEN, variant(bundle, name, config.policy))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"cannot read template {path}: {exc}") from None
    first, _, body = text.partition("\n")
    label = next((label for label in ("Subject:", "Title:") if first.startswith(label)), None)
    if label is None:
        raise DraftError(f"template {path}: the first line must be 'Subject: …' (or 'Title: …' for talking points)")
    to = recipient(bundle, name, own, now)
    values = fill(bundle, config, now, to)
    if name == "referral-ask" and not bundle.card.fit:
        values["fit"] = "I think I would be a good fit for the team"  # they were not there to describe the role
    talking_points = label == "Title:"
    values["talk"] = "meeting" if channel == Channel.IN_PERSON.value else "call"
    if talking_points and not bundle.card.fit:  # notes to yourself: "they", not "you"
        values["fit"] = "your experience lines up well with what they described"
    return Draft(
        name,
        _format(first[len(label) :].strip(), values, path),
        _format(body.strip("\n"), values, path),
        talking_points=talking_points,
        channel=channel,
        to=to,
    )


def _format(text: str, values: dict[str, str], path: Path) -> str:
    empty = [f"{{{name}}}" for name in _OPTIONAL if not values[name]]
    if empty:
        text = "\n".join(line for line in text.split("\n") if not any(p in line for p in empty))
    try:
        return text.format_map(values)
    except KeyError as exc:
        raise DraftError(
            f"template {path}: unknown placeholder {{{exc.args[0]}}} (known: {', '.join(PLACEHOLDERS)})"
        ) from None
    except (ValueError, IndexError) as exc:
        raise DraftError(f"template {path}: {exc} (write {{{{ and }}}} for literal braces)") from None


def recipient(bundle: CardBundle, name: str, action: NextAction | None, now: datetime | None = None) -> str | None:
    """Who a draft of template `name` is for: the next action's person, else the natural one."""
    if action is not None and action.person:
        return action.person
    people = bundle.people
    if name == "referral-ask":
        asked = {c.person_id for c in bundle.contacts if c.kind == Kind.REFERRAL_ASK}
        network = [p for p in people if p.relation == Relation.NETWORK]
        chosen = next((p for p in network if p.id not in asked), network[0] if network else None)
        return chosen.name if chosen else None
    if name in ("gracious-reply", "offer-reply"):
        kind = Kind.REJECTION if name == "gracious-reply" else Kind.OFFER
        message = next((c for c in reversed(bundle.contacts) if c.kind == kind), None)
        person = company_side(bundle.person(message.person_id)) if message else None
        if person:  # else passed on by a friend: the company's people, below
            return person.name
    if name in ("follow-up", "check-in") and (obvious := obvious_person(bundle)):
        return obvious  # whom `log` would log it with (QA walk 15, F11: the draft went to Omar, the log to Tom)
    ranked = sorted(
        (p for p in people if p.relation != Relation.NETWORK),
        key=lambda p: [Relation.INTERVIEWER, Relation.HIRING_MANAGER, Relation.RECRUITER].index(p.relation),
    )
    if name == "thank-you":  # a panel: one note each, so the next one goes to someone not yet thanked
        panel = unthanked(bundle)  # this round's, as the wait line names them
        if panel:
            return panel[0].name
        thanked = {c.person_id for c in round_thank_yous(bundle, now)}
        # this round's people first (a note to the recruiter "for everyone" named none of them): not
        # an interviewer from an earlier round who was not on this one (QA: "Hi Tony" for round 2)
        panel_now = round_panel(bundle, bundle.card.round)
        met = [p for p in panel_now if p.id not in thanked] or panel_now  # all thanked: one of them again
        ranked = met or [p for p in ranked if p.id not in thanked] or ranked
    return ranked[0].name if ranked else None


def as_advised(
    bundle: CardBundle, kind: Kind, policy: Policy, at: datetime, named: str | None = None
) -> tuple[Channel, str | None]:
    """The channel and person a contact of `kind` logged at `at` goes by when the user names neither:
    the next action's, when this contact is that action (the thank-you by email to the interviewer,
    the referral ask to the friend the card names); else the way they asked to hear from you for a
    follow-up or check-in, and email for the rest; a follow-up, check-in or answer is with the
    obvious person (obvious_person). `named`: the person the user gave; with a friend in your
    network, the way the company asked to hear from you does not apply (email; QA walk 15, F12)."""
    channel, person = _channel_and_person(bundle, assess(bundle, policy, at).action, kind)
    friend = named_person(bundle, named)
    if friend is not None and friend.relation == Relation.NETWORK and kind != Kind.REFERRAL_ASK:
        channel = Channel.EMAIL
    return channel, person


def _channel_and_person(bundle: CardBundle, action: NextAction | None, kind: Kind) -> tuple[Channel, str | None]:
    """as_advised, given the next action."""
    if action is not None and action.template and SENT_AS.get(action.template) == kind:
        channel = Channel(action.channel) if action.channel else Channel.EMAIL
        return channel, action.person
    panel = unthanked(bundle) if kind == Kind.THANK_YOU else []
    if panel:  # a panel's next note: to the first one the wait line names
        return Channel.EMAIL, panel[0].name
    if kind in (Kind.FOLLOW_UP, Kind.CHECK_IN):
        return bundle.card.channel, obvious_person(bundle)
    if kind == Kind.ANSWER:  # you answered their message: whoever it came from (QA walk 14, F4)
        return Channel.EMAIL, obvious_person(bundle)
    return Channel.EMAIL, None


def obvious_person(bundle: CardBundle) -> str | None:
    """Who a contact nobody was named for is with, when one answer fits: the person their latest
    message came from (the company's: a friend in your network answering your ask is not them), else
    the card's only interviewer or hiring manager; of several, nobody (no guess)."""
    network = network_ids(bundle)
    heard = max(
        (c for c in bundle.contacts if c.inbound and c.person_id not in network), key=lambda c: c.at, default=None
    )
    if heard is not None and heard.person_id is not None:
        person = bundle.person(heard.person_id)
        return person.name if person else None
    panel = [p for p in bundle.people if p.relation in PANEL]
    return panel[0].name if len(panel) == 1 else None


def advised_contact(bundle: CardBundle, policy: Policy, at: datetime) -> tuple[Kind, Channel, str] | None:
    """The contact the next action asks for (kind, channel, person), which a form to log one starts
    with; None when it asks for none (wait, prep, move on)."""
    action = assess(bundle, policy, at).action
    kind = SENT_AS.get(action.template) if action is not None and action.template else None
    if kind is None:
        return None
    channel, person = _channel_and_person(bundle, action, kind)
    return kind, channel, person or ""


def _first_name(name: str | None) -> str:
    return name.split()[0] if name and name.split() else "there"


def fill(bundle: CardBundle, config: Config, now: datetime, to: str | None = None) -> dict[str, str]:
    """The placeholder values for this card (`to`: who the message is for)."""
    card = bundle.card
    interviewers = [p.name for p in bundle.people if p.relation != Relation.NETWORK]
    network = recipient(bundle, "referral-ask", None)
    held = round_time(card, now) or card.interview_at  # a round that has passed, waiting for its note
    local = held.astimezone()
    me = config.me
    name = me.name or UNNAMED
    return {
        "company": card.company,
        "role": card.role or "open",
        "round": str(card.round + 1 if held == next_round(card) else card.round),
        "to": _first_name(to),
        "to_name": to or "the team",
        "interviewer": _first_name(interviewers[0] if interviewers else None),
        "interviewers": spoken_list(interviewers) if interviewers else "the team",
        "interview_day": f"{local:%A}, {local:%B} {local.day}",
        "fit": _sentence_part(card.fit) or "my experience lines up well with what you described",
        "topic": _sentence_part(card.topic),
        "discussed": _sentence_part(card.topic),
        "waiting_days": str(max(0, days(now - card.stage_entered_at))),
        "person": _first_name(network),
        "answer_by": _answer_said(bundle, now, "answer_by"),
        "answer_point": _answer_said(bundle, now, "answer_point"),
        "occasion": _occasion(bundle, config, now),
        "my_name": name,
        "signature": me.signature or name,
    }


def _sentence_part(text: str) -> str:
    """A note placed before a template's full stop: without one of its own ("…systems.." otherwise)."""
    return text.strip().rstrip(".").rstrip()


# What a draft says of the offer's answer date, by placeholder (an email's, talking points'): the date
# gone by (QA: the draft promised an answer by yesterday), the date they gave, no date given
_ANSWER_SAID = {
    "answer_by": (
        "I am sorry to be later than {day}, as you asked; I will come back to you very soon.",
        "I will give you my answer by {day}.",
        "Could you also let me know by when you would like my answer? I will come back to you as soon as I can.",
    ),
    "answer_point": (  # QA: a call's notes asked for the date they had given
        "Apologise for missing {day}, and say when you will answer.",
        "Confirm you will give your answer by {day}.",
        "Ask by when they would like your answer, and say when you will come back to them.",
    ),
}


def _answer_said(bundle: CardBundle, now: datetime, placeholder: str) -> str:
    """The offer's answer date, said (when it was given with the offer or since), else asked for."""
    by = _answer_date(bundle)
    missed, given, asked = _ANSWER_SAID[placeholder]
    if by is None:
        return asked
    return (missed if by < local_date(now) else given).format(day=_day_words(by))


def _answer_date(bundle: CardBundle) -> date | None:
    """The date they want the offer answered by, when it was given with the offer or since."""
    card = bundle.card
    offer = next((c for c in reversed(bundle.contacts) if c.kind == Kind.OFFER), None)
    set_at, by = card.decision_set_at, card.decision_by
    return by if by is not None and (offer is None or (set_at is not None and set_at >= offer.at)) else None


def _occasion(bundle: CardBundle, config: Config, now: datetime) -> str:
    """Why a follow-up now: the day they asked for it, or the decision date gone by; '' for neither
    (QA: a call's notes said "they asked you to get in touch" when nobody had)."""
    card = bundle.card
    log = Log(bundle, config.policy)
    known = [e for e in log.entries if e.at <= now]
    if card.follow_up_on is not None and log.follow_up_open(known, now):
        return f"They asked you to get in touch on {_day_words(card.follow_up_on)}."
    if card.decision_by is not None and card.decision_by < local_date(now) and log.decision_open(known, now):
        return f"They expected to decide by {_day_words(card.decision_by)}."
    return ""


def _day_words(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}"
