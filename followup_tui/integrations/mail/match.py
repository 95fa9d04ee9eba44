"""Which card a message belongs to: by a linked person's address, by thread, or by company domain.

Strongest first: an address equal to a linked person's email; then the thread headers
(In-Reply-To, References) of a message already matched; then the address's domain (or a
subdomain of it) equal to a card's company domain, learned from its people's addresses (never a
public provider's such as gmail.com, nor your own) or set with `followup edit ID --domain`.
Only open cards take contacts. An address or
domain that belongs to two open cards says nothing about which one: such a message is left out
(and counted), unless its thread decides. Only the headers are read; a message forwarded to you
by a friend names the company only in its body, and so matches nothing. Your own network
(relation `network`) is not a company: mail with them is never proposed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from ...domain.model import CardBundle, Relation
from .message import Headers

STRENGTH = {"address": 1.0, "thread": 0.9, "domain": 0.6}  # how sure each kind of match is


@dataclass(frozen=True)
class Found:
    card_id: int
    how: str  # address, thread or domain
    address: str  # the address (or Message-ID) that decided it
    person: str | None  # the linked person, when it matched by address


@dataclass
class Directory:
    """Open cards as mail sees them: addresses, domains, threads, and when each card began."""

    cards: dict[int, CardBundle]
    me: frozenset[str]
    by_address: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    names: dict[tuple[int, str], str] = field(default_factory=dict)
    by_domain: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    threads: dict[str, tuple[int, bool]] = field(default_factory=dict)  # Message-ID -> (card, outbound)
    ambiguous: int = 0  # messages left out because their address or domain named several cards

    @classmethod
    def build(
        cls,
        bundles: list[CardBundle],
        me: set[str],
        public: tuple[str, ...],
        threads: dict[str, tuple[int, bool]],
    ) -> Directory:
        found = cls({b.card.id: b for b in bundles if not b.card.closed}, frozenset(a.casefold() for a in me if a))
        own = {domain_of(a) for a in found.me} | {d.casefold() for d in public}
        for bundle in found.cards.values():
            if bundle.card.domain:
                found.by_domain[bundle.card.domain.casefold()].add(bundle.card.id)
            for person in bundle.people:
                address = person.email.strip().casefold()
                if person.relation == Relation.NETWORK or "@" not in address or address in found.me:
                    continue
                found.by_address[address].add(bundle.card.id)
                found.names[(bundle.card.id, address)] = person.name
                if domain_of(address) not in own:
                    found.by_domain[domain_of(address)].add(bundle.card.id)
        found.threads = {mid: card for mid, card in threads.items() if card[0] in found.cards}
        return found

    def start(self, card_id: int) -> datetime:
        """When mail starts to count for a card: its interview or creation, or its first contact."""
        bundle = self.cards[card_id]
        return min([bundle.card.interview_at, bundle.card.created_at, *(c.at for c in bundle.contacts)])

    def find(self, headers: Headers, outbound: bool) -> Found | None:
        """The card of a message (from you: one of its recipients'; to you: its sender's)."""
        addresses = [a for a in (headers.recipients if outbound else (headers.sender,)) if a and a not in self.me]
        for address in addresses:
            cards = self.by_address.get(address, set())
            if len(cards) == 1:
                (card_id,) = cards
                return Found(card_id, "address", address, self.names[(card_id, address)])
        for message_id in headers.replies_to:
            if message_id in self.threads:
                return Found(self.threads[message_id][0], "thread", message_id, None)
        for address in addresses:
            cards = self.by_address.get(address) or self._by_domain(domain_of(address))
            if len(cards) == 1:
                (card_id,) = cards
                return Found(card_id, "domain", address, None)
            if cards:
                self.ambiguous += 1
                return None
        return None

    def _by_domain(self, domain: str) -> set[int]:
        """Cards whose company domain is `domain` or a parent of it (mail.acme.com is Acme's)."""
        parts = domain.split(".")
        for start in range(len(parts) - 1):
            cards = self.by_domain.get(".".join(parts[start:]))
            if cards:
                return cards
        return set()

    def remember(self, headers: Headers, card_id: int, outbound: bool) -> None:
        """A matched message: replies to it will match by thread."""
        self.threads[headers.message_id] = (card_id, outbound)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].casefold()
