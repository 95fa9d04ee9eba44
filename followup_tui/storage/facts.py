"""What the stats count about each contact and each card, derived in SQL from the contact log.

The Store saves these rows with each card's rule plan (rulecache.save; tables from m010), so
`followup stats` only filters, groups and counts them:

- contact_days: every contact's local day and direction, in time order (activity);
- follow_up_facts: each follow-up and check-in with the card's next contact from them, your
  next follow-up, and the too-frequent rule's verdict (response, premature follow-ups); talk
  with your `network` is neither a follow-up nor their answer here, as in the rules;
- card_facts: each card's first interview, next round, offer and thank-you times (funnel, habits).

They hold for the policy and local zone of the card's plan (`cards.rules_key`): a card whose plan
is stale has none saved, and the stats derive its rows on the spot with the same SQL (the
`*_rows` functions over those cards). Nothing here depends on now: readers compare times with it.
Plain sqlite3: stats.py reads these on a read-only connection.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

FACTS_FROM = 10  # the schema that has these tables (migration m010_stats_facts)

INBOUND = "('reply', 'invite', 'rejection', 'offer')"
UNSOLICITED = "('follow-up', 'check-in')"
NETWORK_TALK = "('reply', 'follow-up', 'check-in', 'answer')"  # history.NETWORK_TALK

DAY_COLUMNS = "at, contact_id, card_id, day, inbound"
FOLLOW_UP_COLUMNS = "contact_id, card_id, at, month, channel, answer_at, again_at, premature"
CARD_COLUMNS = "card_id, first_at, month, next_round, offer, invited_at, offered_at, held, thanked_at"


def company_thread(contact: str) -> str:
    """SQL: the contact is the company's thread, not talk with someone linked to the card as
    `network` (a friend's reply to your ask, your follow-up to them: history.NETWORK_TALK), which
    the rules leave to the network rule; nor is it an answer to your follow-up for the stats."""
    return (
        f"NOT ({contact}.kind IN {NETWORK_TALK} AND EXISTS (SELECT 1 FROM card_people n WHERE "
        f"n.card_id = {contact}.card_id AND n.person_id = {contact}.person_id AND n.relation = 'network'))"
    )


def last_contact(card: str) -> str:
    """SQL: the latest contact in the company's thread (domain.present.last_contact) of a card whose
    saved plan applies: then none of its contacts is after now (its plan's valid_from is the latest
    of all). Read backwards on the index of contacts by card and time: the first is usually it."""
    return (
        f"(SELECT t.at FROM contacts t WHERE t.card_id = {card}.id AND t.kind != 'referral-ask' "
        f"AND {company_thread('t')} ORDER BY t.at DESC LIMIT 1)"
    )


def _next(kinds: str, card: str, after: str = "", since: str = "", company: bool = False) -> str:
    """SQL: the time of the card's first contact of these kinds (after a time, or at or after one;
    `company`: in the company's thread), found on the index of contacts by card and time."""
    bound = f" AND t.at > {after}" if after else f" AND t.at >= {since}" if since else ""
    thread = f" AND {company_thread('t')}" if company else ""
    return f"(SELECT min(t.at) FROM contacts t WHERE t.card_id = {card}{bound} AND t.kind IN {kinds}{thread})"


def day_rows(cards: str) -> str:
    """SQL: the contact_days rows (DAY_COLUMNS) of the cards whose ids `cards` selects."""
    return f"""SELECT at, id AS contact_id, card_id, date(at, 'localtime') AS day, kind IN {INBOUND} AS inbound
               FROM contacts WHERE card_id IN ({cards})"""


def follow_up_rows(cards: str) -> str:
    """SQL: the follow_up_facts rows (FOLLOW_UP_COLUMNS) of the cards whose ids `cards` selects:
    the card's next contact from them (answer_at) and your next follow-up or check-in (again_at).
    premature comes from the rules (history.Log.verdicts): NULL here."""
    return f"""
        SELECT f.id AS contact_id, f.card_id, f.at, strftime('%Y-%m', f.at, 'localtime') AS month, f.channel,
               {_next(INBOUND, "f.card_id", "f.at", company=True)} AS answer_at,
               {_next(UNSOLICITED, "f.card_id", "f.at", company=True)} AS again_at,
               NULL AS premature
        FROM contacts f WHERE f.card_id IN ({cards}) AND f.kind IN {UNSOLICITED} AND {company_thread("f")}"""


def card_rows(cards: str) -> str:
    """SQL: the card_facts rows (CARD_COLUMNS) of the cards whose ids `cards` selects.

    first_at: the first interview, as the Funnel defines it (the card's interview time in round 1;
    later, the earliest of that, when it was added and its first contact); month: its local month.
    held: the latest interview; thanked_at: the first thank-you at or after it."""
    first_contact = "(SELECT min(t.at) FROM contacts t WHERE t.card_id = c.id)"
    # LIMIT -1: the inner query is not flattened into the outer one, which would work first_at out twice
    return f"""
        SELECT card_id, first_at, strftime('%Y-%m', first_at, 'localtime') AS month, next_round, offer,
               invited_at, offered_at, held, thanked_at
        FROM (SELECT c.id AS card_id,
                     CASE WHEN c.round <= 1 THEN c.interview_at
                          ELSE min(c.interview_at, c.created_at, coalesce({first_contact}, c.created_at)) END
                          AS first_at,
                     c.round > 1 OR c.stage = 'next-round' AS next_round,
                     c.outcome = 'offer' AS offer,
                     {_next("('invite')", "c.id")} AS invited_at,
                     {_next("('offer')", "c.id")} AS offered_at,
                     c.interview_at AS held,
                     {_next("('thank-you')", "c.id", since="c.interview_at")} AS thanked_at
              FROM cards c WHERE c.id IN ({cards}) LIMIT -1)"""


def save(conn: sqlite3.Connection, card_ids: Sequence[int], verdicts: Iterable[tuple[int, int]]) -> None:
    """Derive and store these cards' rows (inside the writer's transaction, after `forget`), a
    statement per table for the lot; `verdicts`: (1 if premature, contact id) for the contacts the
    too-frequent rule judged."""
    if not card_ids:
        return
    ids = (json.dumps(list(card_ids)),)
    conn.execute(f"INSERT INTO contact_days ({DAY_COLUMNS}) {day_rows(_EACH)}", ids)
    conn.execute(f"INSERT INTO follow_up_facts ({FOLLOW_UP_COLUMNS}) {follow_up_rows(_EACH)}", ids)
    conn.execute(f"INSERT INTO card_facts ({CARD_COLUMNS}) {card_rows(_EACH)}", ids)
    conn.executemany("UPDATE follow_up_facts SET premature = ? WHERE contact_id = ?", verdicts)


def forget(conn: sqlite3.Connection, card_ids: list[int]) -> None:
    ids = (json.dumps(card_ids),)
    for table in ("contact_days", "follow_up_facts", "card_facts"):
        conn.execute(f"DELETE FROM {table} WHERE card_id IN ({_EACH})", ids)


_EACH = "SELECT value FROM json_each(?)"  # the card ids, passed as one JSON array
