"""What a five-week search in London showed (QA walk 10), each as the user saw it: a courtesy reply
that silently ended "email me next Friday", talking points that said what nobody had said, a removed
contact that left its person behind, and a closed card still "waiting" (SPEC §3.2, §3.4)."""

from __future__ import annotations

import json


def at(fu, when: str, *args: str):
    return fu("--now", when, *args)


def test_a_reply_that_ends_their_follow_up_date_says_so_and_edit_keeps_it(fu):
    """A courtesy reply ends the date they asked for (SPEC §3.2): the log says so and how to keep it;
    `show` no longer gives it as current; giving it again with `edit` makes that day DUE, and the
    follow-up made on it draws no warning."""
    card = at(fu, "2026-12-07 12:00", "add", "Brightwave", "--at", "2026-12-07 10:00", "--interviewer", "Tomás Okafor")
    card = card.out.strip()
    at(fu, "2026-12-07 12:00", "edit", card, "--follow-up-on", "2026-12-18")
    at(fu, "2026-12-07 18:00", "log", card, "thank-you")
    replied = at(fu, "2026-12-15 09:00", "log", card, "reply", "--note", "thanks for your note")
    assert replied.code == 0, replied.err
    assert (
        f"this reply ends their request to hear from you on Fri Dec 18; if it still stands: "
        f"followup edit {card} --follow-up-on 2026-12-18"
    ) in replied.out
    shown = at(fu, "2026-12-15 09:05", "show", card).out
    assert "follow up on: Fri Dec 18 (ended by their reply of Dec 15)" in shown
    again = at(fu, "2026-12-15 09:10", "edit", card, "--follow-up-on", "2026-12-18")
    assert again.out.strip() == (
        f"#{card} Brightwave: follow-up date Fri Dec 18 given again: their message of Dec 15 no longer ends it"
    )
    assert "(ended by" not in at(fu, "2026-12-15 09:15", "show", card).out
    status = at(fu, "2026-12-18 09:00", "status").out
    assert "DUE" in status and "they asked to hear from you today" in status
    logged = at(fu, "2026-12-18 10:00", "log", card, "follow-up")
    assert logged.code == 0 and logged.err == ""


def test_a_reply_with_no_date_pending_says_nothing_about_one(fu):
    card = at(fu, "2026-12-07 12:00", "add", "Quiet", "--at", "2026-12-07 10:00").out.strip()
    at(fu, "2026-12-07 18:00", "log", card, "thank-you")
    replied = at(fu, "2026-12-09 09:00", "log", card, "reply")
    assert "ends their request" not in replied.out
    carried = at(fu, "2026-12-09 10:00", "log", card, "reply", "--follow-up-on", "2026-12-20")
    assert "ends their request" not in carried.out  # it carries the new one


def test_the_phone_notes_of_a_follow_up_say_why_now(fu):
    """Talking points named an instruction nobody gave ("They asked you to get in touch")."""
    card = at(
        fu, "2026-12-07 12:00", "add", "Harrow", "--at", "2026-12-07 10:00", "--interviewer", "Priya Nair",
        "--decision-by", "2026-12-10", "--via", "phone",
    ).out.strip()  # fmt: skip
    at(fu, "2026-12-07 18:00", "log", card, "thank-you")
    decided = at(fu, "2026-12-11 09:00", "draft", card).out
    assert "- They expected to decide by Thursday, December 10.\n" in decided
    assert "They asked you" not in decided
    asked = at(fu, "2026-12-11 09:30", "edit", card, "--follow-up-on", "2026-12-14")
    assert asked.code == 0
    notes = at(fu, "2026-12-14 09:00", "draft", card).out
    assert "- They asked you to get in touch on Monday, December 14.\n" in notes
    plain = at(fu, "2026-12-14 09:00", "draft", card, "follow-up").out
    assert plain.count("\n- ") == 6  # the occasion's line, then five


def test_the_phone_notes_of_an_offer_confirm_the_date_they_gave(fu):
    card = at(fu, "2026-12-07 12:00", "add", "Fenwick", "--at", "2026-12-07 10:00", "--interviewer", "Ana Costa")
    card = card.out.strip()
    at(fu, "2026-12-07 14:00", "log", card, "thank-you")
    at(fu, "2026-12-15 16:30", "log", card, "offer", "--via", "phone", "--decision-by", "2026-12-18")
    notes = at(fu, "2026-12-15 16:30", "draft", card).out
    assert "- Confirm you will give your answer by Friday, December 18.\n" in notes
    assert "Ask by when" not in notes


def test_draft_names_the_panel_member_still_owed_a_note(fu):
    card = at(
        fu, "2026-12-07 12:00", "add", "Cobalt", "--at", "2026-12-07 10:00",
        "--interviewer", "Zoë Martín", "--interviewer", "Raj Patel",
    ).out.strip()  # fmt: skip
    at(fu, "2026-12-07 17:00", "log", card, "thank-you", "--person", "zoe")
    refused = at(fu, "2026-12-07 17:05", "draft", card)
    assert refused.code == 1
    assert refused.err.strip() == (
        f"followup: error: nothing due now: next contact from Dec 14; no thank-you yet to Raj Patel; "
        f"`followup draft {card} thank-you` writes the one to Raj Patel"
    )


def test_removing_a_contact_takes_away_the_person_it_linked(fu):
    """A thank-you logged on the wrong card, removed: its person went on being owed a note there."""
    card = at(fu, "2026-12-07 12:00", "add", "Elstree", "--at", "2026-12-07 10:00", "--interviewer", "Ben Carter")
    card = card.out.strip()
    at(fu, "2026-12-07 16:00", "log", card, "thank-you")
    at(fu, "2026-12-08 14:00", "log", card, "thank-you", "--person", "Ana Costa")
    removed = at(fu, "2026-12-08 14:02", "contact", card, "--remove", "2")
    assert removed.out.rstrip().endswith("; Ana Costa, whom it linked, goes with it")
    shown = json.loads(at(fu, "2026-12-08 14:03", "show", card, "--json").out)
    assert [p["name"] for p in shown["people"]] == ["Ben Carter"]
    assert "no thank-you yet" not in " ".join(shown["reasons"])
    at(fu, "2026-12-08 14:04", "undo")
    shown = json.loads(at(fu, "2026-12-08 14:05", "show", card, "--json").out)
    assert [p["name"] for p in shown["people"]] == ["Ben Carter", "Ana Costa"]


def test_removing_a_contact_keeps_a_person_another_contact_names(fu):
    card = at(fu, "2026-12-07 12:00", "add", "Keep", "--at", "2026-12-07 10:00").out.strip()
    at(fu, "2026-12-07 16:00", "log", card, "thank-you", "--person", "Ana Costa")
    at(fu, "2026-12-09 10:00", "log", card, "reply", "--person", "Ana Costa")
    removed = at(fu, "2026-12-09 10:05", "contact", card, "--remove", "1")
    assert "goes with it" not in removed.out
    shown = json.loads(at(fu, "2026-12-09 10:06", "show", card, "--json").out)
    assert [p["name"] for p in shown["people"]] == ["Ana Costa"]


def test_a_closed_card_is_shown_closed_not_waiting(fu):
    card = at(fu, "2026-12-07 12:00", "add", "Dunmore", "--at", "2026-12-07 10:00").out.strip()
    at(fu, "2026-12-07 18:00", "log", card, "thank-you")
    at(fu, "2026-12-20 09:00", "close", card)
    shown = at(fu, "2026-12-28 09:00", "show", card).out.splitlines()[1]
    assert shown == "  closed, withdrawn · round 1 · closed Dec 20"


def test_a_typo_in_person_is_refused_with_the_name_it_missed(fu):
    """A one-letter slip ("Prya Nair") linked a second recruiter, silently; now it asks."""
    card = at(fu, "2026-12-07 12:00", "add", "Harrow", "--at", "2026-12-07 10:00").out.strip()
    at(fu, "2026-12-07 12:00", "person", card, "Priya Nair", "--relation", "recruiter")
    slip = at(fu, "2026-12-09 11:00", "log", card, "reply", "--person", "Prya Nair")
    assert slip.code == 1
    assert slip.err.strip() == (
        f"followup: error: --person 'Prya Nair' is nobody on #{card}: did you mean Priya Nair? "
        f"(someone new by that name: followup person {card} 'Prya Nair' first)"
    )
    assert json.loads(at(fu, "2026-12-09 11:01", "show", card, "--json").out)["contacts"] == []
    fitting = at(fu, "2026-12-09 11:02", "log", card, "reply", "--person", "priya")
    assert fitting.code == 0 and "(Priya Nair)" in fitting.out
    someone_else = at(fu, "2026-12-09 11:03", "log", card, "reply", "--person", "Raj Patel")
    assert someone_else.code == 0 and "linked Raj Patel" in someone_else.out


def test_a_call_made_on_the_day_is_not_too_soon_once_the_date_is_given_again(fu):
    """QA walk 12: the user called on the day they asked for, after a reply had ended it (TOO SOON);
    giving the date again, as the note says, made it stand only from then on: still TOO SOON."""
    card = at(fu, "2026-12-07 12:00", "add", "Acme", "--at", "2026-12-07 10:00", "--interviewer", "Priya Shah")
    card = card.out.strip()
    at(fu, "2026-12-07 12:00", "edit", card, "--follow-up-on", "2026-12-14", "--via", "phone")
    at(fu, "2026-12-07 15:00", "log", card, "thank-you")
    at(fu, "2026-12-09 10:00", "log", card, "reply")
    called = at(fu, "2026-12-14 10:00", "log", card, "follow-up", "--via", "phone")
    assert "too soon" in called.err
    at(fu, "2026-12-14 12:00", "edit", card, "--follow-up-on", "2026-12-14")
    shown = json.loads(at(fu, "2026-12-14 12:05", "show", card, "--json").out)
    assert shown["flags"] == [] and shown["reasons"] == ["next contact from Dec 21"]


def test_an_offer_answered_late_is_not_promised_by_a_day_gone_by(fu):
    card = at(fu, "2026-12-07 16:00", "add", "Acme", "--at", "2026-12-07 10:00", "--interviewer", "Ana Ruiz")
    card = card.out.strip()
    at(fu, "2026-12-07 16:00", "log", card, "thank-you")
    at(fu, "2026-12-10 10:00", "log", card, "offer", "--decision-by", "2026-12-15")
    email = at(fu, "2026-12-16 10:00", "draft", card).out
    assert "I am sorry to be later than Tuesday, December 15, as you asked; I will come back to you very soon." in email
    assert "I will give you my answer by" not in email
    at(fu, "2026-12-16 10:05", "log", card, "reply", "--via", "phone", "--decision-by", "2026-12-18")
    notes = at(fu, "2026-12-16 10:10", "draft", card, "offer-reply").out
    assert "Friday, December 18" in notes


def test_removing_a_contact_keeps_a_person_given_details_since(fu):
    """QA walk 12: the hiring manager's address and note, added with `person` after the reply that
    linked him, went with that reply when it was removed to be logged again."""
    card = at(fu, "2026-12-09 12:00", "add", "Acme", "--at", "2026-12-07 10:00", "--interviewer", "Priya Shah")
    card = card.out.strip()
    at(fu, "2026-12-09 12:00", "log", card, "reply", "--at", "2026-12-09 10:00", "--person", "Sam New")
    at(fu, "2026-12-09 12:01", "person", card, "Sam New", "--relation", "hiring-manager", "--email", "sam@acme.com")
    removed = at(fu, "2026-12-09 12:02", "contact", card, "--remove", "1")
    assert "goes with it" not in removed.out
    people = json.loads(at(fu, "2026-12-09 12:03", "show", card, "--json").out)["people"]
    assert [(p["name"], p["relation"]) for p in people] == [
        ("Priya Shah", "interviewer"),
        ("Sam New", "hiring-manager"),
    ]


def test_a_reply_logged_late_that_ends_the_day_they_asked_for_says_so(fu):
    """QA walk 12: a courtesy reply of Dec 12, logged on Dec 15, made the call made on Dec 14 (the day
    they asked for) TOO SOON, and nothing said why; the note names the edit that keeps the day."""
    card = at(fu, "2026-12-07 12:00", "add", "Acme", "--at", "2026-12-07 10:00", "--interviewer", "Priya Shah")
    card = card.out.strip()
    at(fu, "2026-12-07 12:00", "edit", card, "--follow-up-on", "2026-12-14", "--via", "phone")
    at(fu, "2026-12-07 15:00", "log", card, "thank-you")
    at(fu, "2026-12-14 10:00", "log", card, "follow-up", "--via", "phone")
    late = at(fu, "2026-12-15 09:00", "log", card, "reply", "--at", "2026-12-12 10:00")
    assert f"if it still stands: followup edit {card} --follow-up-on 2026-12-14" in late.out
    at(fu, "2026-12-15 09:05", "edit", card, "--follow-up-on", "2026-12-14")
    shown = json.loads(at(fu, "2026-12-15 09:10", "show", card, "--json").out)
    assert shown["flags"] == [] and shown["reasons"] == ["next contact from Dec 21"]
    after_day = at(fu, "2026-12-16 09:00", "log", card, "reply")  # they wrote after the day: nothing to keep
    assert "ends their request" not in after_day.out


def test_a_reply_restating_the_day_keeps_the_channel_they_asked_for(fu):
    """QA walk 12: "talk on the 14th", logged with the date alone, turned the call they asked for into
    an email; a new day with no channel still has none."""
    card = at(fu, "2026-12-07 12:00", "add", "Acme", "--at", "2026-12-07 10:00", "--interviewer", "Priya Shah")
    card = card.out.strip()
    at(fu, "2026-12-07 12:00", "edit", card, "--follow-up-on", "2026-12-14", "--via", "phone")
    at(fu, "2026-12-07 15:00", "log", card, "thank-you")
    at(fu, "2026-12-09 10:00", "log", card, "reply", "--follow-up-on", "2026-12-14")
    assert "they asked to hear from you today by phone — call Priya" in at(fu, "2026-12-14 09:00", "list").out
    at(fu, "2026-12-15 10:00", "log", card, "reply", "--follow-up-on", "2026-12-18")
    assert "follow up on: Fri Dec 18\n" in at(fu, "2026-12-15 10:05", "show", card).out
