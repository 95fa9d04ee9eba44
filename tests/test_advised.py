"""Doing what the app advised is recorded as advised: the contact goes by the next action's channel
and person when the user names neither, and the draft names the round and the person it is for
(found by walking a search as a user; SPEC §3.3, §3.4)."""

from __future__ import annotations

import json

import pytest


def at(fu, when: str, *args: str):
    return fu("--now", when, *args)


def last_contact(fu, card_id: str) -> dict:
    return json.loads(at(fu, "2027-01-01 12:00", "show", card_id, "--json").out)["contacts"][-1]


@pytest.fixture
def contoso(fu) -> str:
    """Round 1 on Dec 4 with a panel of two; round 2 set for Dec 16 13:00."""
    card_id = at(
        fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00", "--interviewer", "Kim Lee"
    ).out.strip()
    at(fu, "2026-12-04 15:00", "person", card_id, "Raj Patel", "--relation", "interviewer")
    return card_id


def test_the_thank_you_after_round_2_names_round_2(fu, contoso):
    at(fu, "2026-12-04 20:00", "log", contoso, "thank-you")
    at(fu, "2026-12-08 10:00", "log", contoso, "invite", "--round-at", "2026-12-16 13:00")
    listed = at(fu, "2026-12-16 15:00", "list").out  # "round 2 was 2h ago" once; in round 2 by then
    assert "(round 2)  round 2 was 2h ago — send a thank-you within 22h" in listed
    draft = at(fu, "2026-12-16 15:00", "draft", contoso)
    assert draft.code == 0, draft.err
    assert draft.out.startswith("Subject: Thank you for Wednesday, December 16\n")
    assert "December 4" not in draft.out


def test_a_panel_gets_one_note_each(fu, contoso):
    logged = at(fu, "2026-12-04 20:00", "log", contoso, "thank-you")
    assert "logged thank-you via email (Kim Lee)" in logged.out
    assert last_contact(fu, contoso)["person"] == "Kim Lee"
    second = at(fu, "2026-12-04 20:05", "draft", contoso, "thank-you")
    assert "\nHi Raj,\n" in second.out


def test_a_panel_member_without_a_note_is_named_until_each_has_one(fu, contoso):
    """QA: after one note, nothing said the others were still owed one (SPEC §3.1: one to each)."""
    at(fu, "2026-12-04 20:00", "log", contoso, "thank-you")  # to Kim, as advised
    shown = json.loads(at(fu, "2026-12-04 20:05", "show", contoso, "--json").out)
    assert (shown["flags"], shown["reasons"]) == ([], ["next contact from Dec 11; no thank-you yet to Raj Patel"])
    refused = at(fu, "2026-12-04 20:05", "draft", contoso)
    assert refused.code == 1 and refused.err.strip().endswith(
        f"`followup draft {contoso} thank-you` writes the one to Raj Patel"
    )
    logged = at(fu, "2026-12-04 20:30", "log", contoso, "thank-you")  # to the one the line names
    assert "logged thank-you via email (Raj Patel)" in logged.out
    shown = json.loads(at(fu, "2026-12-04 20:35", "show", contoso, "--json").out)
    assert shown["reasons"] == ["next contact from Dec 11"]


def test_a_note_to_nobody_in_particular_names_no_one(fu, contoso):
    at(fu, "2026-12-04 15:00", "person", contoso, "Sue Mills", "--relation", "recruiter")
    at(fu, "2026-12-04 20:00", "log", contoso, "thank-you", "--person", "Sue")  # for all, by the recruiter
    shown = json.loads(at(fu, "2026-12-04 20:05", "show", contoso, "--json").out)
    assert shown["reasons"] == ["next contact from Dec 11"]


def _asked_for_a_call(fu) -> str:
    """Tailspin, interviewed Dec 9: Ana (hiring manager) asked for a call on Dec 21; thanked that evening."""
    card_id = at(
        fu,
        "2026-12-09 16:00",
        "add",
        "Tailspin",
        "--at",
        "2026-12-09 15:00",
        "--follow-up-on",
        "2026-12-21",
        "--via",
        "phone",
    ).out.strip()
    at(fu, "2026-12-09 16:00", "person", card_id, "Ana Silva", "--relation", "hiring-manager")
    at(fu, "2026-12-09 20:00", "log", card_id, "thank-you")
    return card_id


def test_the_thank_you_goes_by_email_though_they_asked_for_a_call_later(fu):
    card_id = _asked_for_a_call(fu)
    contact = last_contact(fu, card_id)
    assert (contact["channel"], contact["person"]) == ("email", "Ana Silva")
    at(fu, "2026-12-21 10:00", "log", card_id, "follow-up")  # the call they asked for
    contact = last_contact(fu, card_id)
    assert (contact["kind"], contact["channel"], contact["person"]) == ("follow-up", "phone", "Ana Silva")


def test_the_referral_ask_the_app_advised_clears_it(fu):
    card_id = at(fu, "2026-12-10 09:00", "add", "Litware", "--at", "2026-12-10 08:00").out.strip()
    at(fu, "2026-12-10 12:00", "log", card_id, "thank-you")
    at(fu, "2026-12-10 12:00", "person", card_id, "Dana Kim", "--relation", "network")
    assert "ask Dana Kim for a recommendation" in at(fu, "2026-12-14 13:00", "list").out
    logged = at(fu, "2026-12-14 13:00", "log", card_id, "referral-ask", "--via", "linkedin")
    assert "(Dana Kim)" in logged.out and "ask Dana Kim" not in logged.out
    assert "ask Dana Kim" not in at(fu, "2026-12-14 13:05", "list").out
    assert last_contact(fu, card_id)["person"] == "Dana Kim"


def test_a_person_named_wins_over_the_advice(fu, contoso):
    at(fu, "2026-12-04 20:00", "log", contoso, "thank-you", "--person", "Raj Patel", "--via", "linkedin")
    contact = last_contact(fu, contoso)
    assert (contact["channel"], contact["person"]) == ("linkedin", "Raj Patel")


async def test_t_on_the_board_logs_the_thank_you_as_advised(db_path):
    from board_fixtures import HOUR, NOW, press

    from followup_tui.domain.config import Config
    from followup_tui.domain.model import Channel, Kind
    from followup_tui.storage.store import NewCard, Store
    from followup_tui.tui.app import FollowupApp

    store = Store.open(db_path)
    new = NewCard(
        company="Tailspin",
        interview_at=NOW - 2 * HOUR,
        follow_up_on=(NOW + 300 * HOUR).date(),
        follow_up_via=Channel.PHONE,  # the call they asked for, later
        interviewers=[("Ana Silva", "")],
    )
    card_id = store.add_card(new, NOW - 2 * HOUR)
    app = FollowupApp(store, Config())
    async with app.run_test(size=(160, 48)) as pilot:
        await press(pilot, "t")
        contact = store.get(card_id).contacts[-1]
        person = store.get(card_id).person(contact.person_id)
        assert (contact.kind, contact.channel, person and person.name) == (Kind.THANK_YOU, Channel.EMAIL, "Ana Silva")


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("add", "Acme", "--at", "2026-12-22 10:00", "--follow-up-on", "last monday"), "before the interview (Dec 22)"),
        (("add", "Acme", "--at", "2026-12-22 10:00", "--decision-by", "2019-05-05"), "May 5 2019 is before"),
        (("edit", "1", "--follow-up-on", "2019-05-05"), "--follow-up-on: May 5 2019 is before the interview"),
        (("log", "1", "reply", "--follow-up-on", "yesterday"), "--follow-up-on: Dec 21 is before the reply (Dec 22)"),
        (("log", "1", "invite", "--round-at", "yesterday 10:00"), "--round-at: Dec 21 10:00 is not after the invite"),
    ],
)
def test_a_date_before_what_it_came_with_is_refused_and_nothing_written(fu, args, says):
    at(fu, "2026-12-20 09:00", "add", "Globex", "--at", "2026-12-20 08:00")
    before = (fu("history").out, fu("list", "--all").out)
    refused = at(fu, "2026-12-22 16:00", *args)
    assert refused.code == 1 and refused.err.count("\n") == 1 and says in refused.err, refused.err
    assert (fu("history").out, fu("list", "--all").out) == before


def test_a_date_in_another_year_shows_its_year(fu):
    at(fu, "2026-12-20 09:00", "add", "Globex", "--at", "2026-12-20 08:00")
    changed = at(fu, "2026-12-22 16:00", "edit", "1", "--follow-up-on", "2027-01-05")
    assert changed.out.strip() == "#1 Globex: follow up on (none) → Tue Jan 5 2027"


def test_a_new_date_for_an_answered_offer_asks_for_an_answer_again(fu):
    at(fu, "2027-03-01 11:00", "add", "Globex", "--at", "2027-03-01 10:00")
    at(fu, "2027-03-01 15:00", "log", "1", "thank-you")
    at(fu, "2027-03-15 11:00", "log", "1", "offer", "--via", "phone", "--decision-by", "Mar 19")
    asked = at(fu, "2027-03-17 12:00", "log", "1", "answer", "--note", "asked for an extension")
    assert "next: close the card when it is settled" in asked.out
    extended = at(fu, "2027-03-17 15:00", "log", "1", "reply", "--decision-by", "Mar 24")
    assert "next: respond to the offer by Mar 24" in extended.out
    late = json.loads(at(fu, "2027-03-25 09:00", "show", "1", "--json").out)
    assert (late["flags"], late["reasons"][0]) == (
        ["overdue"],
        "respond to the offer — they wanted an answer by Mar 24",
    )
    answered = at(fu, "2027-03-25 10:00", "log", "1", "answer")
    assert "next: close the card when it is settled" in answered.out


def test_an_answer_that_is_not_the_decision_keeps_the_deadline_when_the_date_is_given_again(fu):
    """QA: "thanks, I'll confirm by Friday" logged as the answer, and nothing said a word on Friday."""
    at(fu, "2026-12-01 10:00", "add", "Umbrella", "--at", "2026-11-30 10:00")
    at(fu, "2026-12-01 11:00", "log", "1", "thank-you")
    at(fu, "2026-12-08 11:00", "log", "1", "offer", "--decision-by", "Dec 11")
    acknowledged = at(fu, "2026-12-08 15:00", "log", "1", "answer", "--note", "thanks, I'll confirm by Friday")
    assert 'not your decision yet? followup edit 1 --decision-by DATE keeps "respond to the offer"' in acknowledged.out
    again = at(fu, "2026-12-08 15:05", "edit", "1", "--decision-by", "Dec 11")
    assert again.out.strip() == "#1 Umbrella: answer-by date Dec 11 given again: it holds from now"
    friday = json.loads(at(fu, "2026-12-11 09:00", "show", "1", "--json").out)
    assert (friday["flags"], friday["reasons"][0]) == (["due"], "respond to the offer by Dec 11")
    decided = at(fu, "2026-12-11 10:00", "log", "1", "answer", "--note", "accepted")
    assert "next: close the card when it is settled" in decided.out


def test_an_edit_that_makes_the_follow_up_made_as_asked_too_soon_says_so_and_how_to_go_back(fu):
    """QA: changing the follow-up date once a follow-up kept it judged that follow-up without it,
    TOO SOON, without a word (SPEC §3.1: a contact is judged by the instructions recorded before it)."""
    at(fu, "2026-12-07 12:00", "add", "Northwind", "--at", "2026-12-07 10:00", "--follow-up-on", "2026-12-11",
       "--decision-by", "2026-12-11")  # fmt: skip
    at(fu, "2026-12-07 19:00", "log", "1", "thank-you")
    at(fu, "2026-12-11 16:00", "log", "1", "follow-up")  # as asked
    edited = at(fu, "2026-12-16 15:00", "edit", "1", "--follow-up-on", "2026-12-21")
    assert edited.code == 0 and edited.err.startswith("followup: warning: the card is now too soon: ")
    assert "followup undo takes the edit back" in edited.err and "followup log 1 reply --follow-up-on" in edited.err
    at(fu, "2026-12-16 15:01", "undo")
    at(fu, "2026-12-16 15:02", "log", "1", "reply", "--follow-up-on", "2026-12-21")  # the way to record it
    shown = json.loads(at(fu, "2026-12-16 15:02", "show", "1", "--json").out)
    assert (shown["flags"], shown["reasons"]) == ([], ["next contact from Dec 21"])
    quiet = at(fu, "2026-12-16 15:03", "edit", "1", "--topic", "the monolith")
    assert quiet.err == ""


def test_a_follow_up_date_given_again_does_not_judge_the_one_made_as_asked(fu):
    """QA: the date given again was recorded anew, and the follow-up made on it turned TOO SOON."""
    at(fu, "2026-12-07 12:00", "add", "Northwind", "--at", "2026-12-07 10:00", "--follow-up-on", "2026-12-11")
    at(fu, "2026-12-07 19:00", "log", "1", "thank-you")
    at(fu, "2026-12-11 16:00", "log", "1", "follow-up")  # as asked
    again = at(fu, "2026-12-14 10:00", "edit", "1", "--follow-up-on", "2026-12-11")
    assert again.out.strip() == "#1 Northwind: nothing changed"
    assert json.loads(at(fu, "2026-12-14 10:00", "show", "1", "--json").out)["flags"] == []


def test_show_counts_the_next_round_s_days_as_its_line_does(fu):
    """QA: "round 2 in 6d" two lines above "next round: Dec 16 13:00 (in 5d)"."""
    at(fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00")
    at(fu, "2026-12-04 20:00", "log", "1", "thank-you")
    at(fu, "2026-12-08 10:00", "log", "1", "invite", "--round-at", "2026-12-16 13:00")
    shown = at(fu, "2026-12-10 18:10", "show", "1").out
    assert "round 2 in 6d" in shown and "next round: Dec 16 13:00 (in 6d)" in shown


def test_status_list_and_show_agree_on_the_second_a_check_in_falls_due(fu):
    """QA: at the exact moment, status said DUE (its saved plan) and list and show did not."""
    at(fu, "2026-12-01 12:00", "add", "Zeta", "--at", "2026-11-20 10:00")
    at(fu, "2026-12-01 12:00", "log", "1", "rejection", "--at", "2026-11-25 10:00")
    at(fu, "2026-12-15 12:00", "log", "1", "check-in")
    for now, due in (("2027-03-15T12:00:00", False), ("2027-03-15T12:00:01", True)):
        said = [at(fu, now, "status").out, at(fu, now, "list").out, at(fu, now, "show", "1").out]
        assert ["DUE" in text for text in said] == [due] * 3, (now, said)
        assert "last contact 90d ago" in said[1]


def test_show_looking_back_lists_the_contacts_known_then(fu):
    """README: "Looking back with a past --now shows the contacts known then" (QA: it listed later ones)."""
    at(fu, "2026-12-07 12:00", "add", "Northwind", "--at", "2026-12-07 10:00")
    at(fu, "2026-12-07 19:00", "log", "1", "thank-you")
    at(fu, "2026-12-11 16:00", "log", "1", "follow-up")
    back = at(fu, "2026-12-10 12:00", "show", "1").out
    assert "1. Dec 7 19:00 (2d ago)  thank-you" in back and "follow-up" not in back
    assert back.rstrip().endswith("(and 1 logged after this moment)")


def test_days_are_counted_on_the_calendar(fu):
    at(fu, "2027-03-01 11:00", "add", "Globex", "--at", "2027-03-01 10:00")
    at(fu, "2027-03-01 15:00", "log", "1", "thank-you")
    at(fu, "2027-03-02 15:00", "log", "1", "invite", "--round-at", "2027-03-10 14:00")
    monday_evening = json.loads(at(fu, "2027-03-08 20:00", "show", "1", "--json").out)
    assert monday_evening["reasons"][0].startswith("round 2 in 2 days; prep")  # Wednesday is two days away
    assert (
        at(fu, "2027-03-08 20:00", "status", "--json").out.count("round 2 in 2 days; prep") == 2
    )  # SQL agrees (reason, action)
    wednesday_morning = json.loads(at(fu, "2027-03-10 08:00", "show", "1", "--json").out)
    assert wednesday_morning["reasons"][0].startswith("round 2 in 6h; prep")


async def test_the_board_says_why_a_card_is_too_soon(db_path):
    from board_fixtures import DAY, NOW
    from textual.widgets import Static

    from followup_tui.domain.config import Config
    from followup_tui.domain.model import Channel, Kind
    from followup_tui.storage.store import NewCard, Store
    from followup_tui.tui.app import FollowupApp

    store = Store.open(db_path)
    card_id = store.add_card(NewCard(company="Hooli", interview_at=NOW - 4 * DAY), NOW - 4 * DAY)
    store.log_contact(card_id, Kind.THANK_YOU, NOW - 4 * DAY, NOW, channel=Channel.EMAIL)
    store.log_contact(card_id, Kind.FOLLOW_UP, NOW - DAY, NOW, channel=Channel.EMAIL)  # 3 days after: too soon
    app = FollowupApp(store, Config())
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()  # the only card, and the most urgent: focused
        line = str(app.screen.query_one("#status-line", Static).render())
        assert f"#{card_id} Hooli" in line
        assert "TOO SOON followed up 3 days after your last message; hold off until" in line


def test_a_referral_ask_does_not_quote_what_the_friend_never_described(fu):
    at(fu, "2026-12-10 09:00", "add", "Litware", "--at", "2026-12-10 08:00")
    at(fu, "2026-12-10 12:00", "log", "1", "thank-you")
    at(fu, "2026-12-10 12:00", "person", "1", "Dana Kim", "--relation", "network")
    draft = at(fu, "2026-12-14 13:00", "draft", "1").out
    assert "Hi Dana," in draft and "In short: I think I would be a good fit for the team." in draft
    assert "what you described" not in draft


def test_call_notes_speak_to_you_and_a_recruiter_is_not_told_of_a_talk_they_missed(fu):
    """QA: the call notes said "…what you described" to the user; a follow-up to the recruiter spoke
    of "our conversation" on the day of an interview they were not in."""
    at(fu, "2026-12-07 12:00", "add", "Tailspin", "--at", "2026-12-07 10:00", "--follow-up-on", "2026-12-21",
       "--via", "phone")  # fmt: skip
    at(fu, "2026-12-07 12:00", "person", "1", "Rita Gomez", "--relation", "recruiter")
    at(fu, "2026-12-07 15:00", "log", "1", "thank-you")
    points = at(fu, "2026-12-21 09:00", "draft", "1").out
    assert "Still very interested: your experience lines up well with what they described." in points
    email = at(fu, "2026-12-14 09:00", "draft", "1", "follow-up").out  # forced, before the day: an email
    assert "Hi Rita," in email and "follow up on my interview on Monday, December 7 for the" in email
    assert "our conversation" not in email


def test_in_person_notes_speak_of_a_meeting_and_notes_ending_in_a_full_stop_get_one(fu):
    """QA: an in-person follow-up's notes spoke of a call; a fit typed with a full stop got two."""
    at(fu, "2026-12-07 12:00", "add", "Tailspin", "--at", "2026-12-07 10:00", "--follow-up-on", "2026-12-21",
       "--via", "in-person", "--fit", "I ran three payment systems.", "--topic", "the API.")  # fmt: skip
    at(fu, "2026-12-07 12:00", "person", "1", "Ana Silva", "--relation", "hiring-manager")
    thanks = at(fu, "2026-12-07 13:00", "draft", "1").out
    assert "I enjoyed our conversation about the API.\n" in thanks
    assert "excited about the role, and about what I could bring to it: I ran three payment systems.\n" in thanks
    at(fu, "2026-12-07 15:00", "log", "1", "thank-you")
    points = at(fu, "2026-12-21 09:00", "draft", "1").out
    assert points.startswith("Follow-up meeting with Ana Silva (Tailspin): talking points")
    assert "- Still very interested: I ran three payment systems.\n" in points


def test_before_the_interview_draft_offers_the_note_for_after_it(fu):
    """SPEC §3.4: nothing to send says how to force one, also while only prep is due (QA: no way was named)."""
    at(fu, "2026-12-10 09:00", "add", "Litware", "--at", "2026-12-12 10:00")
    early = at(fu, "2026-12-10 09:00", "draft", "1")
    assert early.code == 1 and early.out == ""
    assert early.err.endswith(
        "nothing to send now: interview in 2 days; no prep list yet (followup prep 1 --add …); "
        "`followup draft 1 thank-you` writes one anyway\n"
    )


def no_reply_too_soon(fu) -> None:
    """Hooli: three follow-ups unanswered, the last a day after the one before (hold off until Mar 20)."""
    at(fu, "2026-03-14 10:00", "add", "Hooli", "--at", "2026-02-20 14:00")
    for kind, when in (("thank-you", "02-20 18:00"), ("follow-up", "03-02 10:00"), ("follow-up", "03-12 10:00")):
        at(fu, "2026-03-14 10:00", "log", "1", kind, "--at", f"2026-{when}")
    at(fu, "2026-03-14 10:00", "log", "1", "follow-up", "--at", "2026-03-13 10:00")


def test_no_reply_and_too_soon_says_hold_off_and_how_to_close_before_forcing_one(fu):
    """QA: "nothing to send now: 3 messages without reply — consider moving on; `followup draft 1
    follow-up` writes one anyway" hid the hold-off and how to close the card."""
    no_reply_too_soon(fu)
    refused = at(fu, "2026-03-14 10:00", "draft", "1")
    assert refused.code == 1 and refused.err.endswith(
        "nothing to send now: hold off until Mar 20; 3 messages without reply — consider moving on "
        "(followup close 1); `followup draft 1 follow-up` writes one anyway\n"
    )


async def test_w_says_what_draft_says_with_the_boards_key(fu, db_path):
    from textual.widgets import Static

    from followup_tui.domain.config import Config
    from followup_tui.storage.store import Store
    from followup_tui.tui.app import FollowupApp

    no_reply_too_soon(fu)
    app = FollowupApp(Store.open(db_path), Config(), now_text="2026-03-14 10:00")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        body = str(app.screen.query_one("#draft-text", Static).render())
        assert body.startswith(
            "hold off until Mar 20; 3 messages without reply — consider moving on — x closes it\n\n2 writes a follow-up"
        )


def test_list_says_interview_ahead_waiting_just_begun_and_closed(fu):
    at(fu, "2026-12-10 09:00", "add", "Ahead", "--at", "2026-12-12 10:00")
    at(fu, "2026-12-10 09:00", "add", "Thanked", "--at", "2026-12-09 10:00")
    at(fu, "2026-12-10 09:00", "log", "2", "thank-you")
    at(fu, "2026-12-10 09:00", "add", "Gone", "--at", "2026-12-01 10:00")
    at(fu, "2026-12-10 09:00", "close", "3", "--outcome", "withdrawn")
    lines = at(fu, "2026-12-10 09:00", "list", "--all").out.splitlines()
    assert any("Ahead" in x and "(round 1, interview in 2d)" in x for x in lines)
    assert any("Thanked" in x and "(round 1, waiting since just now)" in x for x in lines)
    assert any("Gone" in x and "(round 1, closed Dec 10)" in x for x in lines)


def test_the_offer_reply_says_the_date_they_gave_or_asks_for_one(fu):
    at(fu, "2027-03-01 11:00", "add", "Globex", "--at", "2027-03-01 10:00")
    at(fu, "2027-03-01 11:00", "add", "Hooli", "--at", "2027-03-01 10:00")
    at(fu, "2027-03-15 11:00", "log", "1", "offer", "--decision-by", "Mar 19")
    at(fu, "2027-03-15 11:00", "log", "2", "offer")
    dated = at(fu, "2027-03-15 12:00", "draft", "1").out
    assert "I will give you my answer by Friday, March 19." in dated and "by when" not in dated
    undated = at(fu, "2027-03-15 12:00", "draft", "2").out
    assert "Could you also let me know by when you would like my answer?" in undated


def test_an_interview_ahead_counts_the_same_days_on_the_card_and_in_its_line(fu):
    """Wednesday 20:01, round 2 on Saturday 20:00: 3 days ahead by the calendar (71 h 59 m), in the
    card's label, the prep warning and, once prep is done, the wait line alike."""
    card_id = at(fu, "2027-03-01 12:00", "add", "Fabrikam", "--at", "2027-03-01 10:00").out.strip()
    at(fu, "2027-03-01 13:00", "log", card_id, "thank-you")
    at(fu, "2027-03-02 13:00", "log", card_id, "invite", "--round-at", "2027-03-06 20:00")
    line = at(fu, "2027-03-03 20:01", "list").out
    assert "(round 1, round 2 in 3d)" in line and "round 2 in 3 days; prep 0/5" in line
    at(fu, "2027-03-03 20:01", "prep", card_id, *[arg for n in range(1, 6) for arg in ("--done", str(n))])
    line = at(fu, "2027-03-03 20:01", "list").out
    assert line.rstrip().endswith("(round 1, round 2 in 3d)")  # the wait line says the same: said once
    assert json.loads(at(fu, "2027-03-03 20:01", "list", "--json").out)[0]["reasons"] == ["round 2 in 3d"]
    same_day = at(fu, "2027-03-06 00:00", "list").out  # the same day: its time, and hours in the line
    assert same_day.rstrip().endswith("(round 1, round 2 today 20:00)  round 2 in 20h")


def test_a_second_follow_up_in_the_same_minute_is_right_after_not_1m_after(fu):
    card_id = at(fu, "2026-12-20 10:00", "add", "Acme", "--at", "2026-12-01 10:00").out.strip()
    at(fu, "2026-12-20 10:00", "log", card_id, "thank-you", "--at", "2026-12-01 12:00")
    at(fu, "2026-12-20 10:00", "log", card_id, "follow-up")
    again = at(fu, "2026-12-20 10:00", "log", card_id, "follow-up")
    assert "too soon: followed up right after your last message; hold off until Dec 27" in again.err
    assert "TOO SOON: followed up right after your last message" in at(fu, "2026-12-20 10:05", "show", card_id).out


def test_prep_for_round_two_and_an_answered_offer_say_how_to_write_one_anyway(fu):
    """SPEC §3.4: nothing to send names the way to force a draft; after an answered offer, it is the offer reply."""
    at(fu, "2026-12-07 12:00", "add", "Contoso", "--at", "2026-12-07 10:00")
    at(fu, "2026-12-07 15:00", "log", "1", "thank-you")
    at(fu, "2026-12-10 09:00", "log", "1", "invite", "--round-at", "2026-12-16 13:00")
    prep = at(fu, "2026-12-14 12:00", "draft", "1")
    assert prep.code == 1 and prep.out == ""
    hint = "nothing to send now: round 2 in 2 days; prep 0/5; `followup draft 1 follow-up` writes one anyway\n"
    assert prep.err.endswith(hint)
    at(fu, "2026-12-17 10:00", "log", "1", "offer")
    at(fu, "2026-12-17 11:00", "log", "1", "answer")
    settled = at(fu, "2026-12-17 12:00", "draft", "1")
    assert settled.code == 1 and "`followup draft 1 offer-reply` writes one anyway" in settled.err


def test_show_names_the_outcome_and_says_no_wait_beside_a_note_to_send(fu):
    """`show` beside "send a thank-you" gave "next contact from: Dec 29" (when a nudge is OK), which
    read as "wait"; and it never said that an offer was on the table, as `list` does."""
    at(fu, "2026-12-22 12:00", "add", "Zeta", "--at", "2026-12-22 10:00")
    due = at(fu, "2026-12-22 12:00", "show", "1").out
    assert "DUE: send a thank-you within 22h" in due and "next contact from" not in due
    at(fu, "2026-12-22 19:00", "log", "1", "thank-you")
    assert "  next contact from: Dec 29\n" in at(fu, "2026-12-23 12:00", "show", "1").out
    at(fu, "2026-12-23 13:00", "log", "1", "offer")
    assert at(fu, "2026-12-23 14:00", "show", "1").out.splitlines()[1].startswith("  waiting, offer · round 1 ·")


def test_an_offer_you_hold_has_no_next_contact_date(fu):
    """QA walk 15, F8: after answering an offer due by Dec 29, `show` said "next contact from: Dec 30"
    (the answer-by date read as their decision date), though a question about the offer is never too
    soon. While the offer is held there is no date to wait for; once an invite starts a new round,
    the wait is back."""
    at(fu, "2026-12-15 10:00", "add", "Contoso", "--at", "2026-12-15 09:00", "--interviewer", "Lee Park")
    at(fu, "2026-12-15 12:00", "log", "1", "thank-you")
    at(fu, "2026-12-22 15:00", "log", "1", "offer", "--person", "lee", "--decision-by", "2026-12-29")
    at(fu, "2026-12-22 17:00", "log", "1", "answer")
    shown = at(fu, "2026-12-23 12:30", "show", "1").out
    assert "next: close the card when it is settled" in shown and "next contact from" not in shown
    (listed,) = json.loads(at(fu, "2026-12-23 12:30", "list", "--json").out)
    assert listed["next_contact_ok"] == "2026-12-23T12:30:00+00:00"  # now
    at(fu, "2026-12-23 13:00", "log", "1", "follow-up", "--note", "a question about equity")
    (asked,) = json.loads(at(fu, "2026-12-23 14:00", "list", "--json").out)
    assert (asked["flags"], asked["next_contact_ok"]) == ([], "2026-12-23T14:00:00+00:00")
    at(fu, "2026-12-24 10:00", "log", "1", "invite", "--round-at", "2027-01-05 10:00")
    assert "next contact from" in at(fu, "2026-12-24 11:00", "show", "1").out


def test_a_first_name_logs_the_contact_with_the_one_person_who_has_it(fu):
    """The advice says "write to Priya"; `--person priya` is Priya Shah, not a second person. A new
    name is linked and said so; with two Priyas on the card, the full name is asked for."""
    at(fu, "2026-12-01 12:00", "add", "Inv", "--at", "2026-12-01 10:00", "--interviewer", "Priya Shah <p@x.com>")
    thanked = at(fu, "2026-12-01 13:00", "log", "1", "thank-you", "--person", "priya")
    assert thanked.out.startswith("#1 Inv: logged thank-you via email (Priya Shah); moved to waiting")
    other = at(fu, "2026-12-01 13:00", "log", "1", "reply", "--person", "Omar Haddad")
    assert other.out.startswith("#1 Inv: logged reply via email (Omar Haddad); linked Omar Haddad (recruiter)")
    at(fu, "2026-12-01 13:00", "person", "1", "Priya Patel")
    before = at(fu, "2026-12-01 14:00", "show", "1", "--json").out
    two = at(fu, "2026-12-01 14:00", "log", "1", "reply", "--person", "Priya")
    assert two.code == 1 and "2 people on this card are called Priya (Priya Shah, Priya Patel)" in two.err
    assert at(fu, "2026-12-01 14:00", "show", "1", "--json").out == before
    people = [p["name"] for p in json.loads(before)["people"]]
    assert people == ["Priya Shah", "Omar Haddad", "Priya Patel"]


def test_someone_new_named_on_a_reply_is_not_owed_a_thank_you(fu):
    """A recruiter named on a reply (`--person "Hank Hill"`) was linked as an interviewer, and the
    wait line then asked for a note to him: "no thank-you yet to Hank Hill". Only a thank-you links
    a new name as an interviewer; a referral-ask as network; anyone else as a recruiter."""
    at(fu, "2026-12-01 12:00", "add", "Inv", "--at", "2026-12-01 10:00", "--interviewer", "Priya Shah")
    at(fu, "2026-12-01 13:00", "log", "1", "thank-you", "--person", "Priya")
    replied = at(fu, "2026-12-02 09:00", "log", "1", "reply", "--person", "Hank Hill")
    assert "linked Hank Hill (recruiter)" in replied.out
    assert "no thank-you yet" not in at(fu, "2026-12-02 10:00", "show", "1").out
    at(fu, "2026-12-02 11:00", "log", "1", "thank-you", "--person", "Omar Haddad")
    at(fu, "2026-12-02 11:00", "log", "1", "follow-up", "--person", "Ann Lee")
    at(fu, "2026-12-02 11:00", "log", "1", "referral-ask", "--person", "Bo Chen")
    people = json.loads(at(fu, "2026-12-02 12:00", "show", "1", "--json").out)["people"]
    assert [(p["name"], p["relation"]) for p in people] == [
        ("Priya Shah", "interviewer"),
        ("Hank Hill", "recruiter"),
        ("Omar Haddad", "interviewer"),
        ("Ann Lee", "recruiter"),
        ("Bo Chen", "network"),
    ]


def test_a_message_logged_late_does_not_replace_what_a_later_one_asked(fu):
    """QA: today's reply moved the offer's deadline to Jan 6; then the user logged an older message
    (Dec 26) that had said Dec 31, and Dec 31 won because it was typed last: "OVERDUE … respond to
    the offer" on Jan 1, five days early. The later message's date stays, and the log says why."""
    at(fu, "2026-12-28 14:00", "add", "Orbit", "--at", "2026-12-21 10:00", "--interviewer", "Dan Weiss")
    at(fu, "2026-12-28 14:00", "log", "1", "thank-you", "--at", "2026-12-21 15:00")
    at(fu, "2026-12-28 14:00", "log", "1", "offer", "--at", "2026-12-23 16:00", "--decision-by", "Dec 30")
    at(fu, "2026-12-28 14:00", "log", "1", "answer", "--at", "2026-12-24 10:00")
    at(fu, "2026-12-28 14:00", "log", "1", "reply", "--at", "13:00", "--decision-by", "Jan 6")
    late = at(fu, "2026-12-28 14:05", "log", "1", "reply", "--at", "2026-12-26 09:00", "--decision-by", "Dec 31")
    assert late.code == 0 and late.err.strip() == (
        "followup: warning: the decision date stays Jan 6 2027, "
        "as their message of Dec 28 13:00 asked (this message is older)"
    )
    assert json.loads(at(fu, "2027-01-01 09:00", "show", "1", "--json").out)["decision_by"] == "2027-01-06"
    at(fu, "2026-12-28 15:00", "edit", "1", "--decision-by", "Jan 8")  # the user's own, later still
    mine = at(fu, "2026-12-28 15:05", "log", "1", "reply", "--at", "2026-12-27 09:00", "--decision-by", "Dec 31")
    assert "the decision date stays Jan 8 2027, as you set it on Dec 28 15:00 (this message is older)" in mine.err
    assert "OVERDUE" not in at(fu, "2027-01-01 09:00", "status").out


def test_the_call_they_asked_for_logged_as_an_answer_honours_it(fu):
    """QA: the recruiter asked for a call on Dec 14; the user called and logged it as their answer
    to her message. The card kept asking for the call, and on Dec 15 said OVERDUE: missed."""
    at(fu, "2026-12-10 11:00", "add", "Quanta", "--at", "2026-12-08 14:00", "--interviewer", "Lena Novak")
    at(fu, "2026-12-10 11:00", "person", "1", "Jess Park", "--relation", "recruiter")
    at(fu, "2026-12-10 11:00", "log", "1", "thank-you", "--at", "2026-12-08 17:00", "--person", "lena")
    at(
        fu,
        "2026-12-10 11:00",
        "log",
        "1",
        "reply",
        "--person",
        "jess",
        "--follow-up-on",
        "Dec 14",
        "--follow-up-via",
        "phone",
    )
    early = at(fu, "2026-12-10 12:00", "log", "1", "answer", "--person", "jess", "--note", "will call on the 14th")
    assert "next contact from Dec 14" in early.out  # an answer before that day is not the call
    called = at(fu, "2026-12-14 10:30", "log", "1", "answer", "--via", "phone", "--person", "jess")
    assert called.code == 0 and called.err == ""
    assert "they asked to hear from you" not in called.out
    assert "they asked to hear from you today by phone" in at(fu, "2026-12-14 09:00", "status").out
    assert "OVERDUE" not in at(fu, "2026-12-15 09:00", "status").out


def test_prep_is_due_from_the_day_its_line_counts_three_days_ahead(fu):
    """QA: with round 2 on Tuesday 14:00, Saturday 10:00 said "round 2 in 3 days" without a flag and
    Saturday 15:00 said the same, DUE. The prep warning starts with the day, as its line counts."""
    at(fu, "2026-12-08 12:00", "add", "Orbit", "--at", "2026-12-08 10:00", "--interviewer", "Dan Weiss")
    at(fu, "2026-12-08 12:00", "log", "1", "thank-you")
    at(fu, "2026-12-10 09:00", "log", "1", "invite", "--round-at", "2026-12-15 14:00")
    assert at(fu, "2026-12-11 23:00", "list").out.split() == [
        "#1",
        "next-round",
        "Orbit",
        "(round",
        "1,",
        "round",
        "2",
        "in",
        "4d)",
    ]
    morning = at(fu, "2026-12-12 10:00", "list").out
    assert "DUE" in morning and "round 2 in 3 days; prep 0/" in morning


async def test_the_board_says_the_reasons_in_the_order_status_does(fu, db_path):
    """The status line, like `status` and `list`: TOO SOON's hold-off first, then NO REPLY with the board's key."""
    from textual.widgets import Static

    from followup_tui.domain.config import Config
    from followup_tui.storage.store import Store
    from followup_tui.tui.app import FollowupApp

    no_reply_too_soon(fu)
    app = FollowupApp(Store.open(db_path), Config(), now_text="2026-03-14 10:00")
    async with app.run_test(size=(200, 48)) as pilot:
        await pilot.pause()
        line = str(app.screen.query_one("#status-line", Static).render())
        assert line.endswith(
            "Hooli · TOO SOON followed up 1 day after your last message; hold off until Mar 20 · "
            "NO REPLY 3 messages without reply — consider moving on — x closes it"
        )


def test_a_follow_up_while_waiting_goes_to_the_one_obvious_person(fu, contoso):
    """QA: "#4 Hooli: logged follow-up via email" with no person, though the card had one interviewer.
    Of several, none is guessed, until one of them writes: the follow-up answers that person."""
    hooli = at(fu, "2026-12-10 09:00", "add", "Hooli", "--at", "2026-12-01 10:00", "--interviewer", "Ana Li").out
    at(fu, "2026-12-10 09:00", "log", hooli.strip(), "thank-you", "--at", "2026-12-01 15:00")
    logged = at(fu, "2026-12-10 09:00", "log", hooli.strip(), "follow-up")
    assert logged.out.startswith(f"#{hooli.strip()} Hooli: logged follow-up via email (Ana Li)")
    assert last_contact(fu, hooli.strip())["person"] == "Ana Li"

    for name in ("Kim Lee", "Raj Patel"):  # a panel of two: nobody is obvious
        at(fu, "2026-12-04 16:00", "log", contoso, "thank-you", "--person", name)
    at(fu, "2026-12-20 09:00", "log", contoso, "follow-up")
    assert last_contact(fu, contoso)["person"] is None
    at(fu, "2026-12-21 09:00", "log", contoso, "reply", "--person", "Raj Patel")
    at(fu, "2026-12-29 09:00", "log", contoso, "follow-up")
    assert last_contact(fu, contoso)["person"] == "Raj Patel"  # the one who wrote last


def test_an_answer_goes_to_whoever_wrote_last(fu):
    """QA walk 14, F4: `log ID answer` named nobody, where a follow-up at the same moment named the
    interviewer: an answer is to whoever's message it answers."""
    card_id = at(fu, "2026-12-10 09:00", "add", "Hooli", "--at", "2026-12-01 10:00", "--interviewer", "Ana Li")
    card_id = card_id.out.strip()
    at(fu, "2026-12-10 09:00", "person", card_id, "Bo Chen", "--relation", "recruiter")
    at(fu, "2026-12-10 10:00", "log", card_id, "reply", "--person", "bo", "--note", "can you do a call?")
    logged = at(fu, "2026-12-10 11:00", "log", card_id, "answer")
    assert logged.out.startswith(f"#{card_id} Hooli: logged answer via email (Bo Chen)")
    assert last_contact(fu, card_id)["person"] == "Bo Chen"


@pytest.fixture
def tailspin(fu) -> str:
    """Ana asked for a call on Dec 21; a friend in the user's network (Ben) can put in a word."""
    card_id = _asked_for_a_call(fu)
    at(fu, "2026-12-12 10:00", "person", card_id, "Ben Ortiz", "--relation", "network")
    at(fu, "2026-12-12 10:00", "log", card_id, "referral-ask", "--person", "ben")
    return card_id


def test_a_friend_s_reply_is_not_the_company_writing_back(fu, tailspin):
    """QA walk 14, F1: Ben's "I pinged Ana for you" ended Ana's request for a call on Dec 21, so
    nothing was due that day, and the call she asked for was TOO SOON ("6 days after their last
    message"). Talk with your own network is the network's thread, as the ask is (SPEC §3.1)."""
    logged = at(fu, "2026-12-15 10:00", "log", tailspin, "reply", "--person", "ben", "--note", "I pinged Ana")
    assert "next: next contact from Dec 21" in logged.out and "ends their request" not in logged.out
    status = at(fu, "2026-12-21 09:00", "status").out
    assert "DUE       #1    Tailspin: they asked to hear from you today by phone — call Ana" in status
    assert at(fu, "2026-12-21 09:00", "draft", tailspin).out.startswith("Follow-up call with Ana Silva")
    call = at(fu, "2026-12-21 10:00", "log", tailspin, "follow-up", "--via", "phone")
    assert "logged follow-up via phone (Ana Silva)" in call.out and call.err == ""
    assert json.loads(at(fu, "2026-12-21 10:05", "show", tailspin, "--json").out)["flags"] == []


def test_a_friend_s_reply_neither_restarts_the_wait_nor_answers_for_the_company(fu):
    """QA walk 14, F2: Dana's reply moved Litware's next contact from Dec 17 to Dec 23, and the
    follow-up drafted to Omar was then logged with Dana and TOO SOON; nor does it end NO REPLY."""
    card_id = at(
        fu, "2026-12-10 09:00", "add", "Litware", "--at", "2026-12-10 08:00", "--interviewer", "Omar Haddad"
    ).out.strip()
    at(fu, "2026-12-10 12:00", "log", card_id, "thank-you")
    at(fu, "2026-12-14 12:00", "person", card_id, "Dana Kim", "--relation", "network")
    at(fu, "2026-12-14 13:00", "log", card_id, "referral-ask")
    reply = at(fu, "2026-12-16 13:00", "log", card_id, "reply", "--person", "dana", "--note", "put in a word")
    assert "next: next contact from Dec 17" in reply.out
    follow_up = at(fu, "2026-12-17 09:00", "log", card_id, "follow-up")
    assert "logged follow-up via email (Omar Haddad)" in follow_up.out and "too soon" not in follow_up.err
    for day in ("2026-12-24 09:00", "2026-12-31 09:00"):
        at(fu, day, "log", card_id, "follow-up")
    at(fu, "2027-01-02 09:00", "log", card_id, "reply", "--person", "dana", "--note", "no news from Omar")
    shown = json.loads(at(fu, "2027-01-02 09:05", "show", card_id, "--json").out)
    assert "no-reply" in shown["flags"]  # Omar has still not answered three messages


def test_a_question_about_an_offer_after_answering_it_is_never_too_soon(fu):
    """QA walk 14, F3: after answering an offer, a question about equity was TOO SOON, "they said
    they would decide by Dec 29" (the date was the answer-by date they gave with the offer)."""
    added = at(fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00", "--interviewer", "Lee Wong")
    card_id = added.out.strip()
    at(fu, "2026-12-04 20:00", "log", card_id, "thank-you")
    at(fu, "2026-12-22 15:00", "log", card_id, "offer", "--person", "lee", "--decision-by", "2026-12-29")
    at(fu, "2026-12-22 17:00", "log", card_id, "answer", "--note", "reviewing; will answer by the 29th")
    question = at(fu, "2026-12-23 10:00", "log", card_id, "follow-up", "--note", "question about equity")
    assert question.code == 0 and "too soon" not in question.err
    shown = json.loads(at(fu, "2026-12-23 10:05", "show", card_id, "--json").out)
    assert shown["flags"] == [] and shown["reasons"] == ["close the card when it is settled (followup close 1)"]


def test_a_call_with_the_friend_on_the_day_is_not_the_call_they_asked_for(fu, tailspin):
    """QA walk 15, F1: a follow-up with Ben on Dec 21 honoured Ana's request: "call Ana" was gone,
    and never OVERDUE."""
    at(fu, "2026-12-21 08:00", "log", tailspin, "follow-up", "--person", "ben", "--note", "coffee")
    assert (
        "DUE       #1    Tailspin: they asked to hear from you today by phone — call Ana"
        in at(fu, "2026-12-21 09:00", "status").out
    )
    assert json.loads(at(fu, "2026-12-22 09:00", "show", tailspin, "--json").out)["flags"] == ["overdue"]


def test_a_follow_up_with_the_friend_is_never_too_soon(fu, tailspin):
    """QA walk 15, F4: the warning judged a follow-up with Ben against the company's messages ("too
    soon"), though the card, once it was logged, showed no flag."""
    thanks = at(fu, "2026-12-13 10:00", "log", tailspin, "follow-up", "--person", "ben", "--note", "thanks")
    assert thanks.code == 0 and thanks.err == ""
    assert json.loads(at(fu, "2026-12-13 10:05", "show", tailspin, "--json").out)["flags"] == []


def test_a_follow_up_with_the_friend_goes_by_email_not_the_call_the_company_asked_for(fu, tailspin):
    """QA walk 15, F12: on the day Ana asked for a call, a follow-up with Ben was logged "via phone"."""
    with_ben = at(fu, "2026-12-21 08:00", "log", tailspin, "follow-up", "--person", "ben", "--note", "coffee")
    assert "logged follow-up via email (Ben Ortiz)" in with_ben.out
    call = at(fu, "2026-12-21 10:00", "log", tailspin, "follow-up", "--person", "ana")
    assert "logged follow-up via phone (Ana Silva)" in call.out  # hers is the call she asked for


def test_a_follow_up_drafted_and_logged_goes_to_the_same_person(fu):
    """QA walk 15, F11: after Tom the recruiter wrote, a follow-up was drafted to Omar (the
    interviewer) but logged with Tom (whoever wrote last)."""
    card_id = at(fu, "2026-12-01 11:00", "add", "Acme", "--at", "2026-12-01 10:00", "--interviewer", "Omar Haddad")
    card_id = card_id.out.strip()
    at(fu, "2026-12-01 12:00", "log", card_id, "thank-you")
    at(fu, "2026-12-03 12:00", "log", card_id, "reply", "--person", "Tom Reed <tom@acme.com>")
    assert "\nHi Tom,\n" in at(fu, "2026-12-10 10:00", "draft", card_id, "follow-up").out
    assert "(Tom Reed)" in at(fu, "2026-12-10 10:00", "log", card_id, "follow-up").out


def test_an_offer_a_friend_passed_on_is_answered_to_the_company(fu):
    """QA walk 15, F2: an offer logged with the friend who passed it on was to be answered to her
    ("Hi Cara, thank you so much for the offer"), and that answer, network talk, never answered it."""
    card_id = at(fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00", "--interviewer", "Lee Wong")
    card_id = card_id.out.strip()
    at(fu, "2026-12-04 20:00", "log", card_id, "thank-you")
    at(fu, "2026-12-10 10:00", "person", card_id, "Cara Diaz", "--relation", "network")
    at(fu, "2026-12-22 15:00", "log", card_id, "offer", "--person", "cara")
    assert "\nHi Lee,\n" in at(fu, "2026-12-22 15:05", "draft", card_id).out
    assert "logged answer via email (Lee Wong)" in at(fu, "2026-12-22 16:00", "log", card_id, "answer").out
    shown = json.loads(at(fu, "2026-12-22 16:05", "show", card_id, "--json").out)
    assert shown["reasons"] == [f"close the card when it is settled (followup close {card_id})"]


def test_talk_with_a_friend_is_not_the_cards_last_contact(fu, db_path):
    """QA walk 15, F5: on Dec 7 the card said "last contact 46d ago" (the check-in with Ben, a friend)
    beside "last contact 90 days ago — time to check in" (the company's answer on Sep 8)."""
    from datetime import UTC, datetime

    from followup_tui.domain.config import Policy
    from followup_tui.storage import summaries
    from followup_tui.storage.store import Store

    card_id = at(fu, "2026-09-01 11:00", "add", "Fabrikam", "--at", "2026-09-01 10:00", "--interviewer", "Mia Chen")
    card_id = card_id.out.strip()
    at(fu, "2026-09-01 12:00", "log", card_id, "thank-you")
    at(fu, "2026-09-08 12:00", "log", card_id, "rejection")
    at(fu, "2026-09-08 13:00", "log", card_id, "answer")
    at(fu, "2026-09-20 10:00", "person", card_id, "Ben Ortiz", "--relation", "network")
    at(fu, "2026-10-20 10:00", "log", card_id, "reply", "--person", "ben", "--note", "they are hiring again in Q1")
    at(fu, "2026-10-22 10:00", "log", card_id, "check-in", "--person", "ben", "--note", "coffee?")
    now = "2026-12-07 14:00"
    listed = at(fu, now, "list").out
    assert "(round 1, last contact 90d ago)  last contact 90 days ago — time to check in" in listed
    assert "· last contact 90d ago" in at(fu, now, "show", card_id).out
    (card,) = json.loads(at(fu, now, "list", "--json").out)  # the saved plan's SQL
    assert card["last_contact_at"] == "2026-09-08T13:00:00+00:00"
    with Store.open(db_path) as store:  # the board's summaries, from the saved plan
        (summary,) = summaries.load(store.conn, Policy(), datetime(2026, 12, 7, 14, tzinfo=UTC))
    assert summary.last_contact_at == datetime(2026, 9, 8, 13, tzinfo=UTC)


def test_a_friend_who_replied_was_asked(fu):
    """QA walk 15, F9: after Ben's "I pinged Priya", the card still said "ask Ben Ortiz for a
    recommendation" (only a logged referral-ask counted as asking him)."""
    card_id = at(fu, "2026-11-02 11:00", "add", "Acme", "--at", "2026-11-02 10:00", "--interviewer", "Priya Shah")
    card_id = card_id.out.strip()
    at(fu, "2026-11-02 12:00", "log", card_id, "thank-you")
    at(fu, "2026-11-03 09:00", "person", card_id, "Ben Ortiz", "--relation", "network")
    assert "ask Ben Ortiz for a recommendation" in at(fu, "2026-11-17 09:00", "list").out
    at(fu, "2026-11-17 10:00", "log", card_id, "follow-up", "--person", "ben", "--note", "coffee?")
    assert "ask Ben Ortiz for a recommendation" in at(fu, "2026-11-17 11:00", "list").out  # talk is not asking
    at(fu, "2026-11-18 10:00", "log", card_id, "reply", "--person", "ben", "--note", "I pinged Priya")
    shown = json.loads(at(fu, "2026-11-18 11:00", "show", card_id, "--json").out)
    assert "ask Ben Ortiz for a recommendation" not in shown["reasons"] and "due" not in shown["flags"]


@pytest.mark.parametrize("new_date", ["yours", "theirs"])
def test_a_follow_up_answers_an_offer_after_a_new_answer_by_date(fu, new_date):
    """QA walk 15, F7: after a new answer-by date (one you set, or more time they granted), "decided:
    accept" logged as a follow-up still left "respond to the offer by Dec 18", then OVERDUE."""
    card_id = at(fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00", "--interviewer", "Lee Wong")
    card_id = card_id.out.strip()
    at(fu, "2026-12-04 20:00", "log", card_id, "thank-you")
    at(fu, "2026-12-10 15:00", "log", card_id, "offer")
    at(fu, "2026-12-10 17:00", "log", card_id, "answer")
    if new_date == "yours":
        at(fu, "2026-12-12 10:00", "edit", card_id, "--decision-by", "2026-12-18")
    else:
        at(fu, "2026-12-12 10:00", "log", card_id, "reply", "--decision-by", "2026-12-18")
    asked = json.loads(at(fu, "2026-12-12 11:00", "show", card_id, "--json").out)
    assert asked["reasons"] == ["respond to the offer by Dec 18"] and asked["flags"] == ["due"]
    at(fu, "2026-12-13 10:00", "log", card_id, "follow-up", "--note", "decided: accept")
    for day in ("2026-12-13 10:05", "2026-12-19 10:00"):
        shown = json.loads(at(fu, day, "show", card_id, "--json").out)
        assert shown["flags"] == [], day
        assert shown["reasons"] == [f"close the card when it is settled (followup close {card_id})"], day


def test_a_new_round_after_an_answered_offer_asks_for_its_prep_and_thank_you(fu):
    """QA walk 15, F3: after an answered offer, an invite to another round left the card saying "close
    the card when it is settled": no prep warning before the round, no thank-you after it."""
    card_id = at(fu, "2026-12-04 15:00", "add", "Contoso", "--at", "2026-12-04 14:00", "--interviewer", "Lee Wong")
    card_id = card_id.out.strip()
    at(fu, "2026-12-04 20:00", "log", card_id, "thank-you")
    at(fu, "2026-12-10 15:00", "log", card_id, "offer")
    at(fu, "2026-12-10 17:00", "log", card_id, "answer", "--note", "reviewing")
    at(fu, "2026-12-14 10:00", "log", card_id, "invite", "--round-at", "2026-12-17 10:00")
    before = json.loads(at(fu, "2026-12-15 10:00", "show", card_id, "--json").out)
    assert before["flags"] == ["due"] and before["reasons"][0].startswith("round 2 in 2 days; prep 0/")
    after = json.loads(at(fu, "2026-12-18 12:00", "show", card_id, "--json").out)
    assert after["flags"] == ["overdue"] and "thank-you note overdue" in after["reasons"][0]
