"""The rules of SPEC §3 (version 2), one dated situation per row, with their edges.

Each row is a card as it stands at NOW (Thursday 2026-11-26 10:00 UTC) and what
the rules must answer: the flags, the next action's kind and its line, and
for the "never too frequent" rows the absence of any warning.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from followup_tui.domain.clock import day_end, day_start, parse_instant
from followup_tui.domain.config import Policy
from followup_tui.domain.model import (
    Card,
    CardBundle,
    Channel,
    Contact,
    Kind,
    Outcome,
    Person,
    PrepItem,
    Relation,
    Stage,
)
from followup_tui.domain.rules import assess, too_soon

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)
POLICY = Policy()


def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours, minutes=minutes)


def ahead(days: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def bundle(
    stage=Stage.WAITING, interview=None, contacts=(), people=(), prep=None, entered=None, outcome=Outcome.OPEN, **fields
) -> CardBundle:
    """A card; contacts are (kind, at[, person id[, channel]]); instructions count from the interview."""
    interview = interview or ago(days=10)
    if fields.get("follow_up_on"):
        fields.setdefault("follow_up_set_at", interview)
    if fields.get("decision_by"):
        fields.setdefault("decision_set_at", interview)
    card = Card(
        id=1,
        uid="u",
        company="Acme",
        role="Engineer",
        stage=stage,
        outcome=outcome,
        round=1,
        interview_at=interview,
        stage_entered_at=entered or interview,
        created_at=interview,
        updated_at=interview,
        **fields,
    )
    logged = [
        Contact(i, f"c{i}", 1, at, kind, channel, person)
        for i, (kind, at, person, channel) in enumerate(map(_padded, contacts), 1)
    ]
    return CardBundle(card, logged, list(people), list(prep or []))


def _padded(contact: tuple) -> tuple:
    """(kind, at[, person id[, channel]]) with the defaults filled in."""
    return tuple(contact) + (None, None, None, Channel.EMAIL)[len(contact) :]


def prep_items(done: int, total: int) -> list[PrepItem]:
    return [PrepItem(i, f"p{i}", 1, i, f"item {i}", i <= done) for i in range(1, total + 1)]


JANE = Person(1, "jane", "Jane Doe", Relation.INTERVIEWER, "jane@acme.example")
ANA = Person(2, "ana", "Ana Silva", Relation.HIRING_MANAGER)
DANA = Person(7, "dana", "Dana Lee", Relation.NETWORK)
T, F, C, A, R = Kind.THANK_YOU, Kind.FOLLOW_UP, Kind.CHECK_IN, Kind.ANSWER, Kind.REPLY
INVITE, OFFER, NO = Kind.INVITE, Kind.OFFER, Kind.REJECTION
TY, W, N, S = Stage.THANK_YOU, Stage.WAITING, Stage.NEXT_ROUND, Stage.STAY_IN_TOUCH
PHONE = Channel.PHONE
SENT = (T, ago(days=9))  # the round-1 thank-you, long done

# name: (card, flags, next action kind, the first line (a part of it), or None for no line check)
CASES = {
    # 1. offer
    "offer waiting for an answer": (
        bundle(outcome=Outcome.OFFER, people=[JANE], contacts=[SENT, (OFFER, ago(days=1), 1, PHONE)]),
        ["due"],
        "offer",
        "respond to the offer",
    ),
    "offer with the date they want an answer by": (
        bundle(
            outcome=Outcome.OFFER,
            contacts=[SENT, (OFFER, ago(days=1))],
            decision_by=date(2026, 11, 30),
            decision_set_at=ago(days=1),
        ),
        ["due"],
        "offer",
        "respond to the offer by Nov 30",
    ),
    "offer answer date passed": (
        bundle(
            outcome=Outcome.OFFER,
            contacts=[SENT, (OFFER, ago(days=5))],
            decision_by=date(2026, 11, 24),
            decision_set_at=ago(days=5),
        ),
        ["overdue"],
        "offer",
        "they wanted an answer by Nov 24",
    ),
    "offer answered: close it when settled": (
        bundle(outcome=Outcome.OFFER, contacts=[SENT, (OFFER, ago(days=2)), (A, ago(days=1))]),
        [],
        "offer",
        "close the card when it is settled (followup close 1)",
    ),
    "offer answered with a follow-up: it was the answer": (
        bundle(outcome=Outcome.OFFER, contacts=[SENT, (OFFER, ago(days=2)), (F, ago(hours=20))]),
        [],
        "offer",
        "close the card when it is settled",
    ),
    # 2. thank-you
    "thank-you 23h59m after": (
        bundle(TY, interview=ago(hours=23, minutes=59)),
        ["due"],
        "thank-you",
        "send a thank-you within 1m",
    ),
    "thank-you 24h01m after": (
        bundle(TY, interview=ago(hours=24, minutes=1)),
        ["overdue"],
        "thank-you",
        "thank-you note overdue by 1m",
    ),
    "interview added ahead of time: nothing due but prep": (
        bundle(TY, interview=ahead(days=5)),
        [],
        "wait",
        "interview in 5d",
    ),
    "round 2 was 3h ago: thank-you due": (
        bundle(N, contacts=[SENT, (INVITE, ago(days=5))], next_round_at=ago(hours=3)),
        ["due"],
        "thank-you",
        "round 2 was 3h ago — send a thank-you within 21h",
    ),
    "round 2 was 2 days ago": (
        bundle(N, contacts=[SENT, (INVITE, ago(days=5))], next_round_at=ago(days=2)),
        ["overdue"],
        "thank-you",
        "round 2 is over — thank-you note overdue by 24h",
    ),
    "round-1 note still asked for when the invite was logged first": (
        bundle(N, interview=ago(hours=20), contacts=[(INVITE, ago(hours=2))], next_round_at=ahead(days=5)),
        ["due"],
        "thank-you",
        "send a thank-you within 4h",
    ),
    # an invite days after the note was due: the card had gone on (or came from a tracker, in
    # Waiting): not "thank-you note overdue by 23d" (QA)
    "an invite long after the interview leaves round 1's note alone": (
        bundle(N, interview=ago(days=23), contacts=[(INVITE, ago(hours=2))], next_round_at=ahead(days=5)),
        [],
        "wait",
        "round 2 in 5d",
    ),
    "two panel thank-yous are never too frequent": (
        bundle(interview=ago(hours=5), contacts=[(T, ago(hours=2), 1), (T, ago(hours=1), 2)]),
        [],
        "wait",
        None,
    ),
    # 3. prep
    "round 2 in 2 days, prep 1/5": (
        bundle(N, contacts=[SENT, (INVITE, ago(days=3))], next_round_at=ahead(days=2), prep=prep_items(1, 5)),
        ["due"],
        "prep",
        "round 2 in 2 days; prep 1/5",
    ),
    "round 2 in 2 days, prep done": (
        bundle(N, contacts=[SENT, (INVITE, ago(days=3))], next_round_at=ahead(days=2), prep=prep_items(5, 5)),
        [],
        "wait",
        "round 2 in 2d",
    ),
    "round 2 in 4 days": (
        bundle(N, contacts=[SENT, (INVITE, ago(days=3))], next_round_at=ahead(days=4), prep=prep_items(1, 5)),
        [],
        "wait",
        "round 2 in 4d",
    ),
    "first interview tomorrow, no prep list": (
        bundle(TY, interview=ahead(days=1, hours=2)),
        ["due"],
        "prep",
        "interview in 1 day; no prep list yet",
    ),
    # 4. gracious reply
    "rejection: a gracious reply": (
        bundle(
            S, outcome=Outcome.REJECTED, people=[JANE], contacts=[SENT, (NO, ago(hours=2), 1)], entered=ago(hours=2)
        ),
        ["due"],
        "gracious-reply",
        "a gracious reply keeps the door open",
    ),
    "gracious reply logged as an answer": (
        bundle(
            S, outcome=Outcome.REJECTED, contacts=[SENT, (NO, ago(hours=2)), (A, ago(hours=1))], entered=ago(hours=2)
        ),
        [],
        "wait",
        "next contact from Jan 25 2027",
    ),
    "gracious reply logged as a follow-up is that answer, never premature": (
        bundle(
            S, outcome=Outcome.REJECTED, contacts=[SENT, (NO, ago(hours=2)), (F, ago(hours=1))], entered=ago(hours=2)
        ),
        [],
        "wait",
        "next contact from Jan 25 2027",
    ),
    "the gracious-reply suggestion lapses after a week": (
        bundle(S, outcome=Outcome.REJECTED, contacts=[SENT, (NO, ago(days=8))], entered=ago(days=8)),
        [],
        "wait",
        None,
    ),
    "a follow-up made while waiting is not too soon once a rejection moves the card": (
        bundle(
            S,
            outcome=Outcome.REJECTED,
            contacts=[(T, ago(days=30)), (F, ago(days=21)), (NO, ago(days=10))],
            entered=ago(days=10),
        ),
        [],
        "wait",
        "next contact from Jan 15 2027",
    ),
    # 5. the follow-up they asked for
    "the day they asked for: call Ana": (
        bundle(people=[JANE, ANA], contacts=[SENT], follow_up_on=date(2026, 11, 26), follow_up_via=PHONE),
        ["due"],
        "follow-up",
        "they asked to hear from you today by phone — call Ana",
    ),
    "instructed follow-up on its day is never too soon": (
        bundle(contacts=[SENT, (F, ago(hours=1), 2, PHONE)], follow_up_on=date(2026, 11, 26), follow_up_via=PHONE),
        [],
        "wait",
        "next contact from Dec 3",
    ),
    "instructed follow-up a day late is never too soon": (
        bundle(contacts=[(T, ago(days=3)), (F, ago(hours=1))], follow_up_on=date(2026, 11, 25)),
        [],
        "wait",
        None,
    ),
    "the day they asked for has passed": (
        bundle(people=[ANA], contacts=[SENT], follow_up_on=date(2026, 11, 25), follow_up_via=PHONE),
        ["overdue"],
        "follow-up",
        "they asked to hear from you on Nov 25 by phone — call Ana",
    ),
    "their reply after the instruction closes it": (
        bundle(contacts=[SENT, (R, ago(days=1))], follow_up_on=date(2026, 12, 3)),
        [],
        "wait",
        "next contact from Dec 2",
    ),
    "following up before the date they asked for, by the wrong channel": (
        bundle(
            interview=ago(days=3),
            contacts=[(T, ago(days=3, hours=-5)), (F, ago(days=1))],
            follow_up_on=date(2026, 12, 3),
            follow_up_via=PHONE,
        ),
        ["too-frequent"],
        "wait",
        "next contact from Dec 3",
    ),
    "a contact before the instruction was recorded is judged without it": (
        bundle(contacts=[SENT, (F, ago(days=1))], follow_up_on=date(2026, 12, 3), follow_up_set_at=ago(hours=1)),
        [],
        "wait",
        "next contact from Dec 3",
    ),
    # 6. the decision date passed
    "decision date passed: a polite check-in": (
        bundle(contacts=[SENT], decision_by=date(2026, 11, 24)),
        ["due"],
        "follow-up",
        "they expected to decide by Nov 24; a polite check-in is fine",
    ),
    "follow-up after the decision date is never too soon": (
        bundle(contacts=[SENT, (F, ago(hours=1))], decision_by=date(2026, 11, 24)),
        [],
        "wait",
        "next contact from Dec 3",
    ),
    "decision date is today": (
        bundle(contacts=[SENT], decision_by=date(2026, 11, 26)),
        [],
        "wait",
        "next contact from Nov 27",
    ),
    # 7. network
    "network person not asked yet": (
        bundle(people=[DANA], contacts=[SENT]),
        ["due"],
        "referral-ask",
        "ask Dana Lee for a recommendation",
    ),
    "network person asked": (
        bundle(people=[DANA], contacts=[SENT, (Kind.REFERRAL_ASK, ago(days=2), 7)]),
        [],
        "wait",
        None,
    ),
    # 8. stay in touch
    "stay in touch 91 days": (
        bundle(S, interview=ago(days=300), entered=ago(days=200), contacts=[(C, ago(days=91))]),
        ["due"],
        "check-in",
        "last contact 91 days ago — time to check in",
    ),
    "stay in touch 89 days": (
        bundle(S, interview=ago(days=300), entered=ago(days=200), contacts=[(C, ago(days=89))]),
        [],
        "wait",
        "next check-in due Nov 27 10:00",
    ),
    "check-ins 59 days apart": (
        bundle(S, interview=ago(days=300), entered=ago(days=200), contacts=[(C, ago(days=60)), (C, ago(days=1))]),
        ["too-frequent"],
        "wait",
        None,
    ),
    "check-ins 61 days apart": (
        bundle(S, interview=ago(days=300), entered=ago(days=200), contacts=[(C, ago(days=62)), (C, ago(days=1))]),
        [],
        "wait",
        None,
    ),
    # 9. wait
    "waiting, the gap has passed": (bundle(contacts=[SENT]), [], "wait", "waiting 10d"),
    "waiting for the gap": (bundle(contacts=[(T, ago(days=2))]), [], "wait", "next contact from Dec 1"),
    "next round without a date": (
        bundle(N, contacts=[SENT, (INVITE, ago(days=1))]),
        [],
        "wait",
        "round 2: date not set yet (followup edit 1 --round-at WHEN)",
    ),
    # too-frequent and no-reply
    "follow-up 6 days after the thank-you": (
        bundle(contacts=[(T, ago(days=7)), (F, ago(days=1))]),
        ["too-frequent"],
        "wait",
        "next contact from Dec 2",
    ),
    "a nudge on the seventh day counts whole": (
        bundle(contacts=[(T, ago(days=7, hours=-10)), (F, ago(hours=2))]),
        [],
        "wait",
        None,
    ),
    "their reply restarts the clock": (
        bundle(contacts=[SENT, (R, ago(days=2)), (F, ago(days=1))]),
        ["too-frequent"],
        "wait",
        None,
    ),
    "their reply to a premature nudge ends the warning": (
        bundle(contacts=[(T, ago(days=7)), (F, ago(days=3)), (R, ago(days=2))]),
        [],
        "wait",
        "next contact from Dec 1",  # a week from their reply (Nov 24), not the nudge's hold-off (Nov 30)
    ),
    "an answer after their reply is never too frequent": (
        bundle(contacts=[SENT, (R, ago(days=2)), (A, ago(days=1))]),
        [],
        "wait",
        None,
    ),
    "three messages without reply: move on": (
        bundle(
            interview=ago(days=40),
            contacts=[(T, ago(days=39)), (F, ago(days=30)), (F, ago(days=20)), (F, ago(days=10))],
        ),
        ["no-reply"],
        "move-on",
        "3 messages without reply — consider moving on",
    ),
    "two messages without reply is fine": (
        bundle(interview=ago(days=40), contacts=[(T, ago(days=39)), (F, ago(days=30)), (F, ago(days=20))]),
        [],
        "wait",
        None,
    ),
    "a reply resets the count": (
        bundle(
            interview=ago(days=40), contacts=[(F, ago(days=30)), (F, ago(days=20)), (R, ago(days=15)), (F, ago(days=8))]
        ),
        [],
        "wait",
        None,
    ),
    "move on, and the third came too soon": (
        bundle(
            interview=ago(days=40), contacts=[(T, ago(days=39)), (F, ago(days=30)), (F, ago(days=5)), (F, ago(hours=1))]
        ),
        ["too-frequent", "no-reply"],
        "move-on",
        "3 messages without reply — consider moving on",
    ),
    "no reply leaves the follow-up they asked for standing": (
        bundle(
            interview=ago(days=40),
            contacts=[(T, ago(days=39)), (F, ago(days=30)), (F, ago(days=20)), (F, ago(days=10))],
            follow_up_on=date(2026, 11, 26),
        ),
        ["due", "no-reply"],
        "follow-up",
        "they asked to hear from you today",
    ),
    "contacts dated after now are ignored": (
        bundle(TY, interview=ago(hours=30), contacts=[(T, ahead(hours=1))]),
        ["overdue"],
        "thank-you",
        "overdue by 6h",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_rule(name):
    subject, flags, kind, line = CASES[name]
    verdict = assess(subject, POLICY, NOW)
    assert list(verdict.flags) == flags, verdict.reasons
    assert verdict.action.kind == kind, verdict.reasons
    assert verdict.reasons[0] == verdict.action.text
    if line:
        assert line in verdict.reasons[0], verdict.reasons


def test_the_warning_follows_the_next_action_line():
    wrong_channel = CASES["following up before the date they asked for, by the wrong channel"][0]
    verdict = assess(wrong_channel, POLICY, NOW)
    assert verdict.reasons[1] == "they asked you to wait until Dec 3 (and they asked for a phone call)"
    assert verdict.reason_flags == ("", "too-frequent")
    six_days = assess(CASES["follow-up 6 days after the thank-you"][0], POLICY, NOW)
    assert six_days.reasons[1] == "followed up 6 days after your last message; hold off until Dec 2"
    assert six_days.next_contact_ok == datetime(2026, 12, 2, tzinfo=UTC)
    reply = assess(CASES["their reply restarts the clock"][0], POLICY, NOW)
    assert reply.reasons[1] == "followed up 1 day after their last message; hold off until Dec 2"
    check_ins = assess(CASES["check-ins 59 days apart"][0], POLICY, NOW)
    assert check_ins.reasons[1].startswith("checked in 59 days after your last message; hold off until Jan 24")


def test_a_premature_nudge_is_too_soon_until_the_next_round_then_the_thank_you_is_all():
    """A nudge the day after the round-2 invite is too soon; once round 2 is held the card asks for
    its thank-you alone, and after that thank-you the new round's own clock counts (SPEC §3.2)."""
    at_round = ago(hours=2)
    contacts = [(T, ago(days=8, hours=-3)), (INVITE, ago(days=7)), (F, ago(days=6))]
    card = bundle(N, interview=ago(days=8), next_round_at=at_round, contacts=contacts)
    before = assess(card, POLICY, at_round - timedelta(days=1))
    assert "too-frequent" in before.flags and before.reasons[-1].endswith("hold off until Nov 27")
    held = assess(card, POLICY, NOW)
    assert held.flags == ("due",) and held.reasons == ("round 2 was 2h ago — send a thank-you within 22h",)
    card.card.stage, card.card.round, card.card.interview_at, card.card.next_round_at = Stage.WAITING, 2, at_round, None
    card.contacts.append(Contact(9, "c9", 1, ago(hours=1), T, Channel.EMAIL, None))
    thanked = assess(card, POLICY, NOW)
    assert (thanked.flags, thanked.reasons) == ((), ("next contact from Dec 3",))
    assert thanked.next_contact_ok == datetime(2026, 12, 3, tzinfo=UTC)


def test_their_reply_after_a_premature_nudge_restarts_the_clock_from_them():
    """The nudge held off until Dec 3 (they asked to wait until then); they answered it on Nov 25:
    no TOO SOON, and the next contact counts from their reply, as after any reply (SPEC §3.2)."""
    nudged = bundle(contacts=[SENT, (F, ago(days=2))], follow_up_on=date(2026, 12, 3))
    assert assess(nudged, POLICY, NOW).flags == ("too-frequent",)
    nudged.contacts.append(Contact(9, "c9", 1, ago(days=1), R, Channel.EMAIL, None))
    answered = assess(nudged, POLICY, NOW)
    assert (answered.flags, answered.reasons) == ((), ("next contact from Dec 2",))
    assert answered.next_contact_ok == datetime(2026, 12, 2, tzinfo=UTC)


def test_move_on_is_said_once():
    verdict = assess(CASES["move on, and the third came too soon"][0], POLICY, NOW)
    assert verdict.reasons == (
        "3 messages without reply — consider moving on",
        "followed up 5 days after your last message; hold off until Dec 3",
    )
    assert verdict.action.template is None


def test_next_action_names_channel_person_and_template():
    call = assess(CASES["the day they asked for: call Ana"][0], POLICY, NOW).action
    assert (call.channel, call.person, call.template, call.due) == (
        "phone",
        "Ana Silva",
        "follow-up",
        day_end(date(2026, 11, 26)),
    )
    offer = assess(CASES["offer waiting for an answer"][0], POLICY, NOW).action
    assert (offer.channel, offer.person, offer.template) == ("phone", "Jane Doe", "offer-reply")
    gracious = assess(CASES["rejection: a gracious reply"][0], POLICY, NOW).action
    assert (gracious.channel, gracious.person, gracious.template) == ("email", "Jane Doe", "gracious-reply")
    thanks = assess(bundle(TY, interview=ago(hours=2), people=[JANE, ANA]), POLICY, NOW).action
    assert (thanks.channel, thanks.person, thanks.template) == ("email", "Jane Doe", "thank-you")
    ask = assess(CASES["network person not asked yet"][0], POLICY, NOW).action
    assert (ask.person, ask.template, ask.json()["kind"]) == ("Dana Lee", "referral-ask", "referral-ask")
    waiting = assess(CASES["waiting for the gap"][0], POLICY, NOW).action
    assert waiting.json() == {
        "kind": "wait",
        "due": None,
        "overdue": False,
        "channel": None,
        "person": None,
        "template": None,
        "text": "next contact from Dec 1",
    }


def test_the_person_who_gave_the_instruction_is_the_one_to_contact():
    carried = bundle(
        people=[JANE, ANA],
        contacts=[SENT, (R, ago(days=3), 1)],
        follow_up_on=date(2026, 11, 26),
        follow_up_set_at=ago(days=3),
    )
    assert assess(carried, POLICY, NOW).action.person == "Jane Doe"
    assert "write to Jane" in assess(carried, POLICY, NOW).reasons[0]


def test_thank_you_deadline_counts_real_hours_across_dst(zone):
    zone("America/New_York")  # clocks go back at 02:00 on 2026-11-01
    interview = parse_instant("2026-10-31 12:00", NOW)  # EDT
    now = parse_instant("2026-11-01 11:30", NOW)  # EST: 23.5 wall-clock hours, 24.5 real
    assert interview.hour == 16 and now.hour == 16
    verdict = assess(bundle(TY, interview=interview), POLICY, now)
    assert verdict.flags == ("overdue",) and "by 30m" in verdict.reasons[0]


def test_follow_up_day_is_the_local_day(zone):
    zone("Asia/Kolkata")  # 10:00 UTC is 15:30 on Nov 26 there; 20:00 UTC is already Nov 27
    subject = bundle(contacts=[SENT], follow_up_on=date(2026, 11, 27))
    assert assess(subject, POLICY, NOW).flags == ()
    assert assess(subject, POLICY, NOW + timedelta(hours=10)).flags == ("due",)


def test_closed_cards_get_no_action_and_no_flags():
    verdict = assess(bundle(TY, interview=ago(days=3), closed_at=ago(days=1)), POLICY, NOW)
    assert (verdict.flags, verdict.reasons, verdict.action) == ((), (), None)


def test_policy_changes_the_thresholds():
    subject = bundle(TY, interview=ago(hours=30))
    assert assess(subject, Policy(thank_you_hours=48), NOW).flags == ("due",)
    assert assess(CASES["rejection: a gracious reply"][0], Policy(gracious_reply_days=0.01), NOW).action.kind == "wait"


def test_too_soon_before_logging():
    subject = bundle(contacts=[(T, ago(days=2))])
    assert (
        too_soon(subject, F, NOW, POLICY)
        == "too soon: followed up 2 days after your last message; hold off until Dec 3"
    )
    assert too_soon(subject, F, ahead(days=5), POLICY) is None  # Dec 1, the seventh day
    assert too_soon(subject, R, NOW, POLICY) is None
    waiting = bundle(interview=ago(days=1), follow_up_on=date(2026, 12, 3), follow_up_via=PHONE)
    assert (
        too_soon(waiting, C, NOW, POLICY, Channel.EMAIL)
        == "too soon: they asked you to wait until Dec 3 (and they asked for a phone call)"
    )
    assert too_soon(waiting, C, NOW, POLICY, PHONE) == "too soon: they asked you to wait until Dec 3"
    assert too_soon(waiting, T, NOW, POLICY) is None
    assert too_soon(waiting, A, NOW, POLICY) is None
    assert too_soon(waiting, F, day_start(date(2026, 12, 3)), POLICY) is None  # the day itself
    rejected = bundle(S, outcome=Outcome.REJECTED, contacts=[SENT, (NO, ago(hours=2))], entered=ago(hours=2))
    assert too_soon(rejected, F, NOW, POLICY) is None  # it is the gracious reply


def test_clock_jumping_back_before_the_last_contact_is_sane():
    subject = bundle(interview=ago(days=5), contacts=[(T, ago(days=4)), (F, ago(days=1))])
    verdict = assess(subject, POLICY, ago(days=30))  # now is before every contact and the interview
    assert verdict.flags == () and verdict.action.kind == "wait"
    assert verdict.next_contact_ok == ago(days=30)


ZONES_AND_DAYS = [
    ("UTC", date(2026, 11, 27)),
    ("America/New_York", date(2026, 3, 8)),
    ("America/New_York", date(2026, 11, 1)),
    ("Asia/Kolkata", date(2026, 11, 27)),
    ("Pacific/Chatham", date(2026, 4, 5)),
]


@pytest.mark.parametrize("zone_name, day", ZONES_AND_DAYS)
def test_the_instructed_day_is_the_whole_local_day(zone, zone_name, day):
    zone(zone_name)
    start, end = day_start(day), day_end(day)
    subject = bundle(interview=start - timedelta(days=10), follow_up_on=day, contacts=[(T, start - timedelta(days=9))])
    second = timedelta(seconds=1)
    assert assess(subject, POLICY, start - second).flags == ()
    assert assess(subject, POLICY, start).flags == ("due",)
    assert assess(subject, POLICY, end - second).flags == ("due",)
    assert assess(subject, POLICY, end).flags == ("overdue",)
    assert too_soon(subject, F, start, POLICY) is None
    assert too_soon(subject, F, start - second, POLICY).endswith(f"wait until {day:%b} {day.day}")
    hours = (end - start).total_seconds() / 3600
    assert hours == {date(2026, 3, 8): 23, date(2026, 11, 1): 25}.get(day, hours)


def test_a_check_in_is_due_at_the_same_local_time_ninety_days_on_across_a_clock_change(zone):
    """Checked in Dec 15 at noon in New York: due from noon on Mar 15 (clocks went forward on Mar 14),
    the moment "next check-in due Mar 15 12:00" names, not an hour later (QA: "due Mar 15" alone
    read as due all that day, while the morning was not DUE yet)."""
    zone("America/New_York")
    noon = datetime(2026, 12, 15, 17, tzinfo=UTC)  # 12:00 EST
    sit = bundle(S, interview=noon - timedelta(days=200), entered=noon - timedelta(days=100), contacts=[(C, noon)])
    due = datetime(2027, 3, 15, 16, tzinfo=UTC)  # 12:00 EDT
    waiting = assess(sit, POLICY, due - timedelta(minutes=1))
    assert waiting.flags == () and waiting.reasons == ("next check-in due Mar 15 12:00",)
    assert assess(sit, POLICY, due).flags == ()  # "more than 90 days": from the second after
    due_now = assess(sit, POLICY, due + timedelta(minutes=1))
    assert due_now.flags == ("due",)  # 90 days by the clock, though 89 days and 23 hours went by
    assert due_now.reasons == ("last contact 90 days ago — time to check in",)
    assert due_now.action.due == due + timedelta(seconds=1)  # when it is due, not an hour later


@pytest.mark.parametrize("zone_name", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])
def test_thank_you_and_stay_in_touch_count_real_time_in_any_zone(zone, zone_name):
    zone(zone_name)
    assert assess(bundle(TY, interview=ago(hours=23, minutes=59)), POLICY, NOW).flags == ("due",)
    assert assess(bundle(TY, interview=ago(hours=24, minutes=1)), POLICY, NOW).flags == ("overdue",)
    sit = bundle(S, interview=ago(days=300), entered=ago(days=200), contacts=[(C, ago(days=91))])
    assert assess(sit, POLICY, NOW).flags == ("due",)
