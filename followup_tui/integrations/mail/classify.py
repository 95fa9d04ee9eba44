"""What kind of contact a matched message is: plain phrase lists (phrases.toml), no network, no model.

Every verdict carries the words or facts that decided it, so the user sees why ("rejection:
'unfortunately', 'other candidates'") and can extend the lists in mail-phrases.toml.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from importlib import resources
from pathlib import Path

from ...domain.model import Kind, Stage
from ...storage.inbox import AUTO_ACK

USER_FILE = "mail-phrases.toml"  # beside config.toml: the user's phrases, added to ours
INBOUND_ORDER = ("offer", "rejection", "invite", AUTO_ACK)
_SHAPE = {
    "inbound": INBOUND_ORDER,
    "outbound": ("thank-you",),
    "senders": ("automatic",),
    "domains": ("public",),
}


class PhraseError(Exception):
    """mail-phrases.toml cannot be used (a configuration error: exit 2)."""


@dataclass(frozen=True)
class Verdict:
    kind: str  # a Kind's value, or AUTO_ACK
    matched: tuple[str, ...]  # the phrases or facts that decided it
    certain: bool  # decided by something found, not by default


@dataclass(frozen=True)
class Phrases:
    lists: dict[str, dict[str, tuple[str, ...]]]

    def of(self, table: str, name: str) -> tuple[str, ...]:
        return self.lists[table][name]

    @cached_property
    def _patterns(self) -> dict[tuple[str, str], list[tuple[str, re.Pattern]]]:
        return {
            (table, name): [(phrase, _pattern(phrase)) for phrase in phrases]
            for table, names in self.lists.items()
            for name, phrases in names.items()
        }

    def found(self, table: str, name: str, text: str) -> tuple[str, ...]:
        """The phrases of a list that occur in `text`, in the list's order (not one within another found)."""
        found = [phrase for phrase, pattern in self._patterns[(table, name)] if pattern.search(text)]
        return tuple(p for p in found if not any(p != q and p.casefold() in q.casefold() for q in found))


def _pattern(phrase: str) -> re.Pattern:
    words = r"\s+".join(re.escape(word) for word in phrase.split())
    return re.compile(rf"(?<!\w){words}(?!\w)", re.IGNORECASE)


def load_phrases(config_dir: Path | None) -> Phrases:
    """Our lists, with the user's mail-phrases.toml (if there is one) added to them."""
    ours = tomllib.loads(resources.files(__package__).joinpath("phrases.toml").read_text(encoding="utf-8"))
    lists = {table: {name: tuple(ours[table][name]) for name in names} for table, names in _SHAPE.items()}
    path = None if config_dir is None else config_dir / USER_FILE
    if path is not None and path.is_file():
        for table, name, phrases in _user_lists(path):
            lists[table][name] += tuple(p for p in phrases if p not in lists[table][name])
    return Phrases(lists)


def _user_lists(path: Path):
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PhraseError(f"{path}: {exc}") from None
    for table, names in data.items():
        if table not in _SHAPE or not isinstance(names, dict):
            raise PhraseError(f"{path}: unknown table {table!r} (known: {', '.join(_SHAPE)})")
        for name, phrases in names.items():
            if name not in _SHAPE[table]:
                raise PhraseError(f"{path}: unknown list {table}.{name} (known: {', '.join(_SHAPE[table])})")
            if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
                raise PhraseError(f"{path}: {table}.{name} must be a list of phrases (strings)")
            yield table, name, [" ".join(p.split()) for p in phrases]


def inbound(phrases: Phrases, subject: str, text: str, sender: str, automatic: str, calendar: bool) -> Verdict:
    """offer, rejection, invite or auto-ack when their words say so (in that order), else reply."""
    words = f"{subject}\n{text}"
    for kind in INBOUND_ORDER:
        found = phrases.found("inbound", kind, words)
        if kind == "invite" and calendar:
            found = ("a calendar invitation", *found)
        if kind == AUTO_ACK:
            found = tuple(f"from {sender}" for s in phrases.of("senders", "automatic") if s in sender)[:1] + found
            found = ((automatic,) if automatic else ()) + found
        if found:
            return Verdict(kind if kind == AUTO_ACK else Kind(kind).value, found, True)
    return Verdict(Kind.REPLY.value, ("a message from them",), False)


@dataclass(frozen=True)
class Moment:
    """What an outbound message is judged against: the card's rounds and stage at the time."""

    rounds: tuple[datetime, ...]  # interview times that had passed (the current round, a next round)
    stage: Stage
    thank_you_hours: float
    answers: bool  # it replies to a message of theirs


def outbound(phrases: Phrases, subject: str, text: str, at: datetime, moment: Moment) -> Verdict:
    """thank-you (its words, or sent within the thank-you window after a round), answer (a reply
    to their message), else follow-up (check-in in Stay in touch)."""
    found = phrases.found("outbound", "thank-you", f"{subject}\n{text}")
    window = timedelta(hours=moment.thank_you_hours)
    after_round = [r for r in moment.rounds if r <= at <= r + window]
    if after_round:
        found = (f"sent within {moment.thank_you_hours:g}h of the interview", *found)
    if found:
        return Verdict(Kind.THANK_YOU.value, found, True)
    if moment.answers:
        return Verdict(Kind.ANSWER.value, ("a reply to their message",), True)
    kind = Kind.CHECK_IN if moment.stage == Stage.STAY_IN_TOUCH else Kind.FOLLOW_UP
    return Verdict(kind.value, (f"a message from you, card in {moment.stage.title}",), False)
