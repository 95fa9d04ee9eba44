"""What logging and editing do to a card (SPEC §3.5, §5 edit), and bad input for the new options."""

from __future__ import annotations

import hashlib
import json

import pytest


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def card(fu, card_id) -> dict:
    return json.loads(fu("show", card_id, "--json").out)


@pytest.fixture
def acme(fu) -> str:
    """Interviewed yesterday, thank-you sent: Waiting."""
    card_id = fu("add", "Acme", "--at", "yesterday 10:00", "--interviewer", "Jane Doe").out.strip()
    fu("log", card_id, "thank-you", "--at", "yesterday 18:00")
    return card_id


def test_a_thank_you_after_a_passed_round_starts_it(fu, acme):
    fu("log", acme, "invite", "--round-at", "2026-11-25 15:00", "--at", "2026-11-25 11:00")
    result = fu("log", acme, "thank-you")
    assert result.code == 0 and result.err == "" and "round 2 started; moved to waiting" in result.out
    shown = card(fu, acme)
    assert (shown["round"], shown["stage"], shown["interview_at"], shown["next_round_at"]) == (
        2,
        "waiting",
        "2026-11-25T15:00:00+00:00",
        None,
    )


def test_a_thank_you_before_the_next_round_keeps_it_ahead(fu):
    card_id = fu("add", "Acme", "--at", "2 hours ago").out.strip()
    fu("log", card_id, "invite", "--round-at", "in 3 days", "--at", "1 hour ago")
    fu("log", card_id, "thank-you")
    shown = card(fu, card_id)
    assert (shown["round"], shown["stage"]) == (1, "next-round")


def test_an_invite_without_a_date_says_it_is_not_set(fu, acme):
    out = fu("log", acme, "invite").out
    assert f"round 2: date not set yet (followup edit {acme} --round-at WHEN)" in out
    assert fu("edit", acme, "--round-at", "dec 3 15:00").out.strip() == f"#{acme} Acme: next round (none) → Dec 3 15:00"
    assert card(fu, acme)["reasons"] == ["round 2 in 7d"]


def test_offer_and_invite_reopen_a_rejected_card(fu, acme):
    fu("log", acme, "rejection", "--at", "2 hours ago")
    assert (card(fu, acme)["stage"], card(fu, acme)["outcome"]) == ("stay-in-touch", "rejected")
    fu("log", acme, "offer", "--at", "1 hour ago")
    assert (card(fu, acme)["stage"], card(fu, acme)["outcome"]) == ("waiting", "offer")
    fu("log", acme, "rejection", "--at", "3 hours ago")  # older than the offer: the offer stands
    assert card(fu, acme)["outcome"] == "offer"
    other = fu("add", "Globex", "--at", "3 days ago").out.strip()
    fu("log", other, "rejection", "--at", "1 day ago")
    fu("log", other, "invite", "--round-at", "in 5 days")
    assert (card(fu, other)["stage"], card(fu, other)["outcome"]) == ("next-round", "open")


def test_moving_out_of_stay_in_touch_reopens_and_records_the_entry(fu, acme):
    fu("log", acme, "rejection", "--at", "1 hour ago")
    moved = fu("move", acme, "waiting").out.strip()  # named, as every write is, and the reopening said (QA)
    assert moved == f"#{acme} Acme moved to waiting; reopened (no longer rejected)"
    shown = card(fu, acme)
    assert (shown["stage"], shown["outcome"], shown["stage_entered_at"]) == (
        "waiting",
        "open",
        "2026-11-26T10:00:00+00:00",
    )


def test_answering_an_offer_and_its_deadline(fu, acme):
    fu("log", acme, "offer", "--decision-by", "2026-11-30", "--at", "1 hour ago")
    assert card(fu, acme)["reasons"][0] == "respond to the offer by Nov 30"
    assert fu("--now", "2026-12-01 09:00", "show", acme, "--json").out.count('"overdue"') >= 1
    fu("log", acme, "answer")
    shown = card(fu, acme)
    assert shown["flags"] == [] and shown["reasons"] == [f"close the card when it is settled (followup close {acme})"]
    refused = fu("draft", acme)
    assert refused.code == 1 and "nothing to send now" in refused.err


def test_a_reply_can_carry_a_new_instruction(fu, acme):
    result = fu("log", acme, "reply", "--follow-up-on", "dec 3", "--follow-up-via", "phone", "--person", "Jane Doe")
    assert result.code == 0 and "next: next contact from Dec 3" in result.out
    shown = card(fu, acme)
    assert (shown["follow_up_on"], shown["follow_up_via"]) == ("2026-12-03", "phone")
    on_the_day = json.loads(fu("--now", "2026-12-03 09:00", "show", acme, "--json").out)
    assert on_the_day["next_action"]["person"] == "Jane Doe"
    assert on_the_day["reasons"][0] == "they asked to hear from you today by phone — call Jane"


def test_edit_changes_fields_and_says_what(fu, acme, db_path):
    out = fu("edit", acme, "--follow-up-on", "2026-12-04", "--via", "phone", "--topic", "the SLOs").out
    assert (
        out.strip() == f"#{acme} Acme: follow up on (none) → Fri Dec 4; via (none) → phone; topic (none) → “the SLOs”"
    )
    assert fu("edit", acme, "--note", "x" * 50).out.strip() == f"#{acme} Acme: notes (none) → “{'x' * 40}…”"
    said = fu("edit", acme, "--note", "line 1\nline 2").out.strip()  # new lines read as such (QA walk 14)
    assert said == f"#{acme} Acme: notes “{'x' * 40}…” → “line 1 ↵ line 2”"
    assert fu("edit", acme, "--topic", "the SLOs").out.strip() == f"#{acme} Acme: nothing changed"
    assert fu("edit", acme, "--follow-up-on", "").out.strip() == f"#{acme} Acme: follow up on Fri Dec 4 → (none)"
    assert card(fu, acme)["follow_up_on"] is None


def test_a_date_recorded_by_edit_counts_from_then(fu):
    """A follow-up made before the instruction was recorded is not judged by it."""
    card_id = fu("add", "Acme", "--at", "10 days ago").out.strip()
    fu("log", card_id, "thank-you", "--at", "10 days ago")
    fu("log", card_id, "follow-up", "--at", "1 hour ago")
    fu("edit", card_id, "--follow-up-on", "2026-12-10")
    shown = card(fu, card_id)
    assert shown["flags"] == [] and shown["reasons"] == ["next contact from Dec 10"]
    early = fu("log", card_id, "check-in", "--note", "one more")  # this one is judged by it
    assert "too soon: they asked you to wait until Dec 10" in early.err


@pytest.mark.parametrize(
    "args, code, message",
    [
        (
            ["log", "1", "follow-up", "--at", "in 2 hours"],
            1,
            "--at: Nov 26 12:00 is in the future: log a contact once it has happened",
        ),
        (  # a slip in the date: it would thank for no interview, and the round's note would never be asked for
            ["log", "1", "thank-you", "--at", "2 days ago"],
            1,
            "a thank-you at Nov 24 10:00 is before the interview (Nov 25 10:00): check its date",
        ),
        (["log", "1", "follow-up", "--follow-up-on", "friday"], 2, "go with reply, answer or offer"),
        (["log", "1", "reply", "--follow-up-via", "phone"], 2, "--follow-up-via goes with --follow-up-on"),
        (["log", "1", "reply", "--follow-up-on", "12/03"], 1, "--follow-up-on: "),
        (["log", "1", "reply", "--decision-by", "someday"], 1, "--decision-by: "),
        (["log", "1", "answer", "--round-at", "friday"], 2, "--round-at goes with the invite kind"),
        (["edit", "1"], 2, "say what to change"),
        (["edit", "1", "--via", "pigeon"], 2, "'pigeon' is not a channel"),
        (["edit", "1", "--company", " "], 1, "company must not be empty"),
        (["edit", "1", "--at", "in -3 days"], 1, "--at: "),
        (["edit", "1", "--at", "yesterday 20:00"], 1, "a thank-you is logged at Nov 25 18:00, before Nov 25 20:00"),
        (["edit", "9", "--topic", "x"], 1, "no card #9"),
        (["add", "Globex", "--topic"], 2, "requires an argument"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(fu, acme, db_path, args, code, message):
    before = sha(db_path)
    result = fu(*args)
    assert result.code == code and message in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and "Traceback" not in result.err
    assert sha(db_path) == before


def test_an_invite_reopening_a_rejected_card_drops_the_old_process_dates(fu):
    card_id = fu("add", "Acme", "--at", "2026-11-20 10:00", "--decision-by", "2026-11-27").out.strip()
    fu("edit", card_id, "--follow-up-on", "2026-11-30", "--via", "phone")
    fu("log", card_id, "rejection", "--at", "2026-11-24 10:00")
    fu("log", card_id, "invite", "--round-at", "2026-12-03 10:00")
    shown = card(fu, card_id)
    assert (shown["outcome"], shown["decision_by"], shown["follow_up_on"], shown["follow_up_via"]) == (
        "open",
        None,
        None,
        None,
    )
    fu("undo")
    assert card(fu, card_id)["decision_by"] == "2026-11-27"


def test_a_thank_you_dated_before_a_later_round_is_for_an_earlier_one(fu):
    """QA: round 2 was moved into Thank-you, then a note was logged with a slip in its date (the day
    before round 2). It moved the card to Waiting, so round 2's note was never asked for. It is
    logged, with a warning, and the card stays in Thank-you asking for round 2's."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-01 12:00", "add", "Acme", "--at", "2026-12-01 10:00", "--interviewer", "Jane Doe")
    at("2026-12-01 13:00", "log", "1", "thank-you")
    at("2026-12-03 09:00", "log", "1", "invite", "--round-at", "2026-12-08 10:00")
    at("2026-12-08 12:00", "move", "1", "thank-you")  # round 2 happened
    slip = at("2026-12-08 16:00", "log", "1", "thank-you", "--at", "2026-12-07 16:00")
    assert slip.code == 0
    assert slip.err.strip() == (
        "followup: warning: a thank-you at Dec 7 16:00 is before round 2's interview (Dec 8 10:00): "
        "it counts for an earlier round, and round 2's note is still owed"
    )
    shown = card(fu, "1")
    assert (shown["round"], shown["stage"], len(shown["contacts"])) == (2, "thank-you", 3)
    assert "send a thank-you" in at("2026-12-08 16:00", "list").out
    right = at("2026-12-08 16:30", "log", "1", "thank-you")
    assert right.err == "" and "moved to waiting" in right.out


def test_a_follow_up_dated_before_the_interview_is_logged_with_a_warning(fu):
    """QA: "Dec 7" typed for Dec 17 logged a follow-up two days before the interview, without a
    word; the advice then counted from a follow-up that never followed anything."""
    fu("--now", "2026-12-10 11:05", "add", "Sable", "--at", "2026-12-09 15:00", "--interviewer", "Greta Holm")
    fu("--now", "2026-12-10 11:05", "log", "1", "thank-you", "--at", "2026-12-09 20:00")
    slip = fu("--now", "2026-12-17 10:05", "log", "1", "follow-up", "--at", "Dec 7 10:00")
    assert slip.code == 0 and slip.err.strip() == (
        "followup: warning: a follow-up at Dec 7 10:00 is before the interview (Dec 9 15:00): "
        "check its date (followup contact 1 lists it)"
    )
    second = fu("--now", "2026-12-17 10:06", "log", "1", "follow-up", "--at", "Dec 7 10:30")
    assert "is before the interview" in second.err and "too soon" not in second.err  # the slip, not pestering
    right = fu("--now", "2026-12-17 10:06", "log", "1", "follow-up", "--at", "Dec 17 10:00")
    assert right.code == 0 and right.err == ""


def test_a_thank_you_dated_before_a_round_that_happened_says_which_round_it_thanks(fu):
    """QA: round 3 was on Mar 25; a note logged with a slip in its date (Mar 20) counted for round 2
    without a word, so the user believed round 3's note was sent."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2027-03-25 12:00", "add", "Xeno", "--at", "2027-03-10 10:00", "--interviewer", "Mo Park")
    at("2027-03-25 12:00", "log", "1", "thank-you", "--at", "2027-03-10 15:00")
    at("2027-03-25 12:00", "log", "1", "invite", "--round-at", "2027-03-15 14:00", "--at", "2027-03-11 10:00")
    at("2027-03-25 12:00", "log", "1", "thank-you", "--at", "2027-03-15 18:00")
    at("2027-03-25 12:00", "log", "1", "invite", "--round-at", "2027-03-25 10:00", "--at", "2027-03-18 10:00")
    slip = at("2027-03-25 12:01", "log", "1", "thank-you", "--at", "2027-03-20 10:00")
    assert slip.err.strip() == (
        "followup: warning: a thank-you at Mar 20 10:00 is before round 3 (Mar 25 10:00): "
        "it counts for round 2, and round 3's note is still owed"
    )
    assert "round 3 was 2h ago — send a thank-you within 21h" in slip.out
    again = at("2027-03-25 12:05", "contact", "1", "--remove", "5")  # the slip, removed: it moved nothing
    assert again.code == 0 and "stays in" not in again.out


def test_the_same_contact_logged_twice_is_kept_and_said(fu):
    """QA: the same thank-you to Tom logged twice in a minute went in without a word. It is kept (a
    second note the same hour happens) and stderr says how to take it back; a panel's notes, to
    different people at the same minute, are not twins."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-07 18:00", "add", "Tera", "--at", "2026-12-07 10:00", "--interviewer", "Tom Chen, Ravi Gupta")
    at("2026-12-07 18:10", "log", "1", "thank-you", "--person", "tom")
    assert at("2026-12-07 18:10", "log", "1", "thank-you", "--person", "ravi").err == ""
    twice = at("2026-12-07 18:11", "log", "1", "thank-you", "--person", "tom")
    assert twice.code == 0 and twice.err.strip() == (
        "followup: warning: a thank-you like this one is logged already (Dec 7 18:10); "
        "if it is the same, followup contact 1 --remove 3 takes this one back"
    )
    assert len(json.loads(at("2026-12-07 18:12", "show", "1", "--json").out)["contacts"]) == 3


def test_an_invite_to_the_next_round_starts_its_prep_unticked(fu):
    """QA: right after the round-3 invite, the card said "round 3 in 3 days; prep 3/6", the ticks
    of round 2's prep. The checklist is kept and unticked for the new round; an invite that only
    moves the round's date keeps the ticks."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-01 12:00", "add", "Orbit", "--at", "2026-12-01 10:00", "--interviewer", "Dan Weiss")
    at("2026-12-01 13:00", "log", "1", "thank-you")
    at("2026-12-03 09:00", "log", "1", "invite", "--round-at", "2026-12-08 10:00")
    at("2026-12-04 09:00", "prep", "1", "--done", "1", "--done", "2", "--done", "3")
    moved = at("2026-12-04 10:00", "log", "1", "invite", "--round-at", "2026-12-09 10:00")  # rescheduled
    assert "unticked" not in moved.out
    assert [item["done"] for item in card(fu, "1")["prep"]] == [True, True, True, False, False]
    at("2026-12-09 15:00", "log", "1", "thank-you")  # round 2 held, and thanked
    third = at("2026-12-11 09:00", "log", "1", "invite", "--round-at", "2026-12-14 10:00")
    assert "; its prep list is unticked for round 3" in third.out
    assert "round 3 in 3 days; prep 0/5" in at("2026-12-11 09:00", "list").out


def test_moving_a_rejected_card_back_to_stay_in_touch_makes_it_rejected_again(fu):
    """QA: a rejected card moved out of Stay in touch (the move reopens it) and back lost "rejected":
    no gracious reply, and an open process in Stay in touch. While their rejection is the latest
    word, moving back says so again; after an invite since, it does not."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-01 12:00", "add", "Acme", "--at", "2026-12-01 10:00", "--interviewer", "Ana Silva")
    at("2026-12-01 15:00", "log", "1", "thank-you")
    at("2026-12-03 10:00", "log", "1", "rejection")
    assert at("2026-12-03 11:00", "move", "1", "waiting").out.strip().endswith("; reopened (no longer rejected)")
    back = at("2026-12-03 11:01", "move", "1", "stay-in-touch")
    assert back.out.strip() == "#1 Acme moved to stay-in-touch; rejected again (their no stands)"
    assert "a gracious reply keeps the door open" in at("2026-12-03 12:00", "list").out
    at("2026-12-10 10:00", "log", "1", "invite", "--round-at", "2026-12-15 10:00")  # they came back
    at("2026-12-10 11:00", "move", "1", "stay-in-touch")
    assert json.loads(at("2026-12-10 11:01", "show", "1", "--json").out)["outcome"] == "open"
