"""The rules of SPEC §3, one row per situation, with their edges."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from followup_tui.clock import parse_instant
from followup_tui.config import Policy
from followup_tui.model import Card, CardBundle, Channel, Contact, Kind, Outcome, Person, PrepItem, Relation, Stage
from followup_tui.rules import assess, too_soon

NOW = datetime(2026, 11, 26, 10, tzinfo=timezone.utc)
POLICY = Policy()


def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours, minutes=minutes)


def ahead(days: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)


def bundle(stage=Stage.THANK_YOU, interview=None, contacts=(), people=(), prep=None, entered=None, **fields):
    interview = interview or ago(days=10)
    card = Card(id=1, uid="u", company="Acme", role="Engineer", stage=stage, outcome=Outcome.OPEN, round=1,
                interview_at=interview, stage_entered_at=entered or interview, created_at=interview,
                updated_at=interview, **fields)
    logged = [Contact(i, f"c{i}", 1, at, kind, Channel.EMAIL, person) for i, (kind, at, person) in
              enumerate(((c + (None,))[:3] for c in contacts), 1)]
    return CardBundle(card, logged, list(people), list(prep or []))


def prep_items(done: int, total: int) -> list[PrepItem]:
    return [PrepItem(i, f"p{i}", 1, i, f"item {i}", i <= done) for i in range(1, total + 1)]


DANA = Person(7, "dana", "Dana Lee", Relation.NETWORK)
T, F, C, R = Kind.THANK_YOU, Kind.FOLLOW_UP, Kind.CHECK_IN, Kind.REPLY
W, N, S = Stage.WAITING, Stage.NEXT_ROUND, Stage.STAY_IN_TOUCH

CASES = {
    # rule 1: thank-you within 24 real hours
    "thank-you 23h59m after": (bundle(interview=ago(hours=23, minutes=59)), ["due"], "send a thank-you within 1m"),
    "thank-you 24h01m after": (bundle(interview=ago(hours=24, minutes=1)), ["overdue"], "thank-you note overdue by 1m"),
    "thank-you sent": (bundle(interview=ago(hours=30), contacts=[(T, ago(hours=20))]), [], None),
    "thank-you for an earlier round does not count": (
        bundle(interview=ago(hours=30), contacts=[(T, ago(days=9))]), ["overdue"], "overdue by 6h"),
    "thank-you dated after now is ignored": (
        bundle(interview=ago(hours=30), contacts=[(T, ahead(hours=1))]), ["overdue"], "overdue by 6h"),
    # rule 2: the date they asked for
    "follow-up date today": (bundle(W, follow_up_on=date(2026, 11, 26), follow_up_via=Channel.EMAIL),
                             ["due"], "they asked to hear from you today via email"),
    "follow-up date tomorrow": (bundle(W, follow_up_on=date(2026, 11, 27)), [], None),
    "follow-up date passed": (bundle(W, follow_up_on=date(2026, 11, 25), follow_up_via=Channel.PHONE),
                              ["overdue"], "they asked to hear from you on Nov 25 via phone"),
    "follow-up done on the day": (bundle(W, follow_up_on=date(2026, 11, 25), contacts=[(F, ago(hours=20))]), [], None),
    "follow-up date ignored outside waiting": (bundle(S, entered=ago(days=1), follow_up_on=date(2026, 11, 25)), [], None),
    # rule 3: too soon
    "contacts 6 days apart": (bundle(W, contacts=[(T, ago(days=7)), (F, ago(days=1))]),
                              ["too-frequent"], "contacted 2× in 6 days; hold off until Dec 2"),
    "contacts 7 days apart": (bundle(W, contacts=[(T, ago(days=8)), (F, ago(days=1))]), [], None),
    "burst over, gap elapsed": (bundle(W, contacts=[(T, ago(days=10)), (F, ago(days=8))]), [], None),
    "contacting before the instructed date": (
        bundle(W, interview=ago(days=3), follow_up_on=date(2026, 12, 3), contacts=[(F, ago(days=1))]),
        ["too-frequent"], "they asked you to wait until Dec 3"),
    "thank-you before the instructed date is fine": (
        bundle(W, interview=ago(days=3), follow_up_on=date(2026, 12, 3), contacts=[(T, ago(days=2))]), [], None),
    # rule 4: stay in touch every ~90 days, not closer than ~60
    "stay in touch 89 days": (bundle(S, entered=ago(days=200), contacts=[(C, ago(days=89))]), [], None),
    "stay in touch 91 days": (bundle(S, entered=ago(days=200), contacts=[(C, ago(days=91))]),
                              ["due"], "last contact 91 days ago — time to check in"),
    "stay in touch, entered 91 days ago, no contact": (bundle(S, entered=ago(days=91)), ["due"], "91 days"),
    "check-ins 59 days apart": (bundle(S, entered=ago(days=200), contacts=[(C, ago(days=60)), (C, ago(days=1))]),
                                ["too-frequent"], "contacted 2× in 59 days"),
    "check-ins 61 days apart": (bundle(S, entered=ago(days=200), contacts=[(C, ago(days=62)), (C, ago(days=1))]), [], None),
    # rule 5: the decision date passed
    "decision date passed": (bundle(W, decision_by=date(2026, 11, 24), contacts=[(T, ago(days=9))]),
                             ["due"], "they expected to decide by Nov 24; a polite check-in is fine"),
    "decision date is today": (bundle(W, decision_by=date(2026, 11, 26), contacts=[(T, ago(days=9))]), [], None),
    "decision passed but contacted recently": (
        bundle(W, decision_by=date(2026, 11, 20), contacts=[(T, ago(days=9)), (F, ago(days=2))]), [], None),
    # rule 6: next round
    "next round in 2 days, prep 1/5": (bundle(N, next_round_at=ahead(days=2), prep=prep_items(1, 5)),
                                       ["due"], "round 2 in 2 days; prep 1/5"),
    "next round in 2 days, no prep": (bundle(N, next_round_at=ahead(days=2)), ["due"], "prep 0/0"),
    "next round in 2 days, prep done": (bundle(N, next_round_at=ahead(days=2), prep=prep_items(5, 5)), [], None),
    "next round in 4 days": (bundle(N, next_round_at=ahead(days=4), prep=prep_items(1, 5)), [], None),
    "next round was 3h ago": (bundle(N, next_round_at=ago(hours=3)), ["due"], "round 2 was 3h ago — log it"),
    "next round was 2 days ago": (bundle(N, next_round_at=ago(days=2)), ["overdue"], "round 2 was Nov 24 — log it"),
    # rule 7: no reply
    "2 unanswered": (bundle(W, interview=ago(days=40), contacts=[(T, ago(days=39)), (F, ago(days=30)), (F, ago(days=20))]),
                     [], None),
    "3 unanswered": (bundle(W, interview=ago(days=40), contacts=[(T, ago(days=39)), (F, ago(days=30)), (F, ago(days=20)),
                                                               (F, ago(days=10))]),
                     ["no-reply"], "3 messages without reply — consider moving on"),
    "a reply resets the count": (bundle(W, interview=ago(days=40), contacts=[(F, ago(days=30)), (F, ago(days=20)),
                                                                           (R, ago(days=15)), (F, ago(days=10))]),
                                 [], None),
    # rule 8: network
    "network person not asked": (bundle(W, people=[DANA], contacts=[(T, ago(days=9))]),
                                 ["due"], "ask Dana Lee for a recommendation"),
    "network person asked": (bundle(W, people=[DANA], contacts=[(T, ago(days=9)), (Kind.REFERRAL_ASK, ago(days=2), 7)]),
                             [], None),
}


@pytest.mark.parametrize("name", CASES)
def test_rule(name):
    subject, flags, reason = CASES[name]
    verdict = assess(subject, POLICY, NOW)
    assert list(verdict.flags) == flags
    if reason:
        assert any(reason in r for r in verdict.reasons), verdict.reasons
    else:
        assert verdict.reasons == ()


def test_thank_you_deadline_counts_real_hours_across_dst(zone):
    zone("America/New_York")  # clocks go back at 02:00 on 2026-11-01
    interview = parse_instant("2026-10-31 12:00", NOW)  # EDT
    now = parse_instant("2026-11-01 11:30", NOW)  # EST: 23.5 wall-clock hours, 24.5 real
    assert interview.hour == 16 and now.hour == 16
    verdict = assess(bundle(interview=interview), POLICY, now)
    assert verdict.flags == ("overdue",) and "by 30m" in verdict.reasons[0]


def test_follow_up_day_is_the_local_day(zone):
    zone("Asia/Kolkata")  # 10:00 UTC is 15:30 on Nov 26 there; 20:00 UTC is already Nov 27
    subject = bundle(W, follow_up_on=date(2026, 11, 27))
    assert assess(subject, POLICY, NOW).flags == ()
    assert assess(subject, POLICY, NOW + timedelta(hours=10)).flags == ("due",)


def test_flags_are_distinct_in_severity_order_with_a_reason_each():
    subject = bundle(W, interview=ago(days=40), people=[DANA], decision_by=date(2026, 11, 20),
                     follow_up_on=date(2026, 11, 20),
                     contacts=[(F, ago(days=30)), (F, ago(days=20)), (F, ago(days=10))])
    verdict = assess(subject, POLICY, NOW)
    assert verdict.flags == ("overdue", "due", "no-reply")
    assert len(verdict.reasons) == 4  # two rules gave `due`
    assert verdict.reason_flags == ("overdue", "due", "due", "no-reply")


def test_closed_cards_get_no_flags():
    subject = bundle(interview=ago(days=3), closed_at=ago(days=1))
    assert assess(subject, POLICY, NOW).flags == ()


def test_next_contact_ok_is_the_latest_of_now_gap_and_instructed_date():
    assert assess(bundle(W, contacts=[(T, ago(days=2))]), POLICY, NOW).next_contact_ok == ago(days=2) + timedelta(days=7)
    assert assess(bundle(W, contacts=[(T, ago(days=9))]), POLICY, NOW).next_contact_ok == NOW
    late = bundle(W, contacts=[(T, ago(days=2))], follow_up_on=date(2026, 12, 10))
    assert assess(late, POLICY, NOW).next_contact_ok == datetime(2026, 12, 10, tzinfo=timezone.utc)


def test_policy_changes_the_thresholds():
    subject = bundle(interview=ago(hours=30))
    assert assess(subject, Policy(thank_you_hours=48), NOW).flags == ("due",)


def test_too_soon_before_logging():
    subject = bundle(W, contacts=[(T, ago(days=2))])
    assert "minimum gap is 7 days" in too_soon(subject, Kind.FOLLOW_UP, NOW, POLICY)
    assert too_soon(subject, Kind.FOLLOW_UP, ahead(days=5), POLICY) is None
    assert too_soon(subject, Kind.REPLY, NOW, POLICY) is None
    waiting = bundle(W, interview=ago(days=1), follow_up_on=date(2026, 12, 3))
    assert "wait until Dec 3" in too_soon(waiting, Kind.CHECK_IN, NOW, POLICY)
    assert too_soon(waiting, Kind.THANK_YOU, NOW, POLICY) is None


def test_clock_jumping_back_before_the_last_contact_is_sane():
    subject = bundle(W, interview=ago(days=5), contacts=[(T, ago(days=4)), (F, ago(days=1))])
    verdict = assess(subject, POLICY, ago(days=30))  # now is before every contact
    assert verdict.flags == ()
    assert verdict.next_contact_ok == ago(days=30) + timedelta(0)


ZONES_AND_DAYS = [("UTC", date(2026, 11, 27)), ("America/New_York", date(2026, 3, 8)),
                  ("America/New_York", date(2026, 11, 1)), ("Asia/Kolkata", date(2026, 11, 27)),
                  ("Pacific/Chatham", date(2026, 4, 5))]


@pytest.mark.parametrize("zone_name, day", ZONES_AND_DAYS)
def test_the_instructed_day_is_the_whole_local_day(zone, zone_name, day):
    from followup_tui.clock import day_end, day_start

    zone(zone_name)
    start, end = day_start(day), day_end(day)
    subject = bundle(W, interview=start - timedelta(days=10), follow_up_on=day, contacts=[(T, start - timedelta(days=9))])
    second = timedelta(seconds=1)
    assert assess(subject, POLICY, start - second).flags == ()
    assert assess(subject, POLICY, start).flags == ("due",)
    assert assess(subject, POLICY, end - second).flags == ("due",)
    assert assess(subject, POLICY, end).flags == ("overdue",)
    hours = (end - start).total_seconds() / 3600
    assert hours == {date(2026, 3, 8): 23, date(2026, 11, 1): 25}.get(day, hours)


@pytest.mark.parametrize("zone_name", ["UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"])
def test_thank_you_and_stay_in_touch_count_real_time_in_any_zone(zone, zone_name):
    zone(zone_name)
    assert assess(bundle(interview=ago(hours=23, minutes=59)), POLICY, NOW).flags == ("due",)
    assert assess(bundle(interview=ago(hours=24, minutes=1)), POLICY, NOW).flags == ("overdue",)
    sit = bundle(S, entered=ago(days=200), contacts=[(C, ago(days=91))])
    assert assess(sit, POLICY, NOW).flags == ("due",)
