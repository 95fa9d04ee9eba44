"""Fixing mistakes: prep items, people and contacts edited or removed, each in one transaction (SPEC §5)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from board_fixtures import DAY, HOUR, NOW

from followup_tui.domain.model import Channel, Kind, Outcome, Relation, Stage
from followup_tui.storage.dbfile import StoreError
from followup_tui.storage.store import Instruction, NewCard, Store


def acme(store: Store) -> int:
    card_id = store.add_card(NewCard("Acme", NOW - DAY, interviewers=[("Jane Doe", "jane@acme.example")]), NOW)
    store.add_person(card_id, "Dana Kim", Relation.NETWORK)
    store.log_contact(card_id, Kind.THANK_YOU, NOW - DAY / 2, NOW, person="Jane Doe")
    store.log_contact(card_id, Kind.FOLLOW_UP, NOW - DAY / 4, NOW, note="typo")
    store.prep_changes(card_id, ["research", "stories", "questions"])
    return card_id


def counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("people", "card_people", "contacts", "prep_items")
        }
    finally:
        conn.close()


def test_prep_items_are_edited_and_removed(db_path):
    with Store.open(db_path) as store:
        card_id = acme(store)
        items = store.get(card_id).prep
        store.edit_prep(card_id, items[1].id, "two stories about on-call")
        assert store.remove_prep(card_id, [items[0].id]) == ["research"]
        assert [p.text for p in store.get(card_id).prep] == ["two stories about on-call", "questions"]
        with pytest.raises(StoreError, match="no such prep item"):
            store.edit_prep(card_id, items[0].id, "gone")
        with pytest.raises(StoreError, match="needs some text"):
            store.edit_prep(card_id, items[1].id, "  ")


def test_a_failed_prep_change_changes_nothing(db_path):
    with Store.open(db_path) as store:
        card_id = acme(store)
        with pytest.raises(StoreError, match="no prep item 9"):
            store.prep_changes(card_id, ["new"], done=[1], remove=[9])
        assert [(p.text, p.done) for p in store.get(card_id).prep] == [
            ("research", False),
            ("stories", False),
            ("questions", False),
        ]


def test_people_are_updated_and_unlinked(db_path):
    with Store.open(db_path) as store:
        card_id = acme(store)
        jane = store.linked_person(card_id, "  JANE doe ")
        changed = store.update_person(
            card_id,
            jane,
            {"name": "Jane Roe", "title": "CTO", "relation": Relation.HIRING_MANAGER, "email": "jane@acme.example"},
        )
        assert changed == {"name": "Jane Roe", "title": "CTO", "relation": "hiring-manager"}
        person = store.get(card_id).person(jane)
        assert (person.name, person.title, person.relation, person.email) == (
            "Jane Roe",
            "CTO",
            Relation.HIRING_MANAGER,
            "jane@acme.example",
        )
        assert store.unlink_person(card_id, jane) == 1  # the thank-you named her
        bundle = store.get(card_id)
        assert [p.name for p in bundle.people] == ["Dana Kim"]
        assert [c.person_id for c in bundle.contacts] == [None, None]
    assert counts(db_path)["people"] == 1  # linked to no other card: gone


def test_someone_on_two_cards_stays_on_the_other(db_path):
    with Store.open(db_path) as store:
        first = acme(store)
        second = store.add_card(NewCard("Globex", NOW), NOW)
        dana = store.linked_person(first, "Dana Kim")
        store.conn.execute(
            "INSERT INTO card_people (card_id, person_id, relation) VALUES (?, ?, 'network')", (second, dana)
        )
        store.unlink_person(first, dana)
        assert [p.name for p in store.get(second).people] == ["Dana Kim"]


def test_contacts_are_corrected_and_removed_and_the_stage_stays(db_path):
    with Store.open(db_path) as store:
        card_id = acme(store)
        thank_you, follow_up = store.get(card_id).contacts
        assert store.contact_id(card_id, 2) == follow_up.id
        changed = store.edit_contact(
            card_id, follow_up.id, {"note": "asked about the timeline", "channel": Channel.PHONE, "person": "Raj"}, NOW
        )
        assert set(changed) == {"note", "channel", "person_id"}
        fixed = store.get(card_id).contacts[1]
        raj = store.get(card_id).person(fixed.person_id)
        assert (fixed.note, fixed.channel, raj.name) == ("asked about the timeline", Channel.PHONE, "Raj")
        assert raj.relation == Relation.RECRUITER  # named on a follow-up, not a thank-you: owed no note
        assert store.remove_contact(card_id, thank_you.id, NOW) == {
            "stage": Stage.THANK_YOU,
            "stage_entered_at": NOW - DAY,
        }
        bundle = store.get(card_id)  # the note it moved the card on with is gone: it is asked for again
        assert [c.kind for c in bundle.contacts] == [Kind.FOLLOW_UP] and bundle.card.stage == Stage.THANK_YOU
        with pytest.raises(StoreError, match="no contact 3"):
            store.contact_id(card_id, 3)
        store.edit_contact(card_id, follow_up.id, {"kind": Kind.THANK_YOU, "person": "Mei"}, NOW)
        assert store.get(card_id).people[-1].relation == Relation.INTERVIEWER


def test_an_item_of_another_card_is_refused(db_path):
    with Store.open(db_path) as store:
        first, second = acme(store), acme(store)
        other = store.get(second)
        for attempt in (
            lambda: store.remove_contact(first, other.contacts[0].id, NOW),
            lambda: store.remove_prep(first, [other.prep[0].id]),
            lambda: store.unlink_person(first, other.people[0].id),
            lambda: store.update_person(first, other.people[0].id, {"title": "x"}),
        ):
            with pytest.raises(StoreError, match="no such"):
                attempt()
        assert counts(db_path) == {"people": 4, "card_people": 4, "contacts": 4, "prep_items": 6}


# --- the command line ---------------------------------------------------------------------


def added(fu) -> str:
    result = fu("add", "Acme", "--at", "yesterday", "--interviewer", "Jane Doe <jane@acme.example>")
    assert result.code == 0, result.err
    return result.out.strip()


def test_person_on_someone_linked_updates_the_given_fields(fu):
    card_id = added(fu)
    result = fu("person", card_id, "jane DOE", "--title", "CTO", "--relation", "hiring-manager")
    assert result.code == 0 and result.out.strip() == "#1 Acme: Jane Doe updated: relation hiring-manager, title CTO"
    person = json.loads(fu("show", card_id, "--json").out)["people"][0]
    assert (person["title"], person["relation"], person["email"]) == ("CTO", "hiring-manager", "jane@acme.example")
    assert fu("person", card_id, "Jane Doe").out.strip() == "#1 Acme: Jane Doe is already linked; nothing to change"


def test_person_unlink(fu):
    card_id = added(fu)
    fu("log", card_id, "thank-you", "--person", "Jane Doe")
    result = fu("person", card_id, "jane doe", "--unlink")
    assert result.code == 0 and result.out.strip() == "#1 Acme: Jane Doe unlinked (1 contact no longer names them)"
    assert json.loads(fu("show", card_id, "--json").out)["people"] == []
    again = fu("person", card_id, "Jane Doe", "--unlink")
    assert again.code == 1 and "nobody called Jane Doe is linked" in again.err
    assert fu("person", card_id, "Jane", "--unlink", "--title", "x").code == 2


def test_unlinking_a_friend_says_their_talk_is_now_the_company_s(fu):
    """QA walk 15, F10: talk with a friend in your network is not the company's thread; unlinked, the
    contacts name nobody and the rules read them as the company's (a reply from them ends a wait).
    Unlinking says so, and how to take one off."""
    card_id = added(fu)
    fu("person", card_id, "Ben Ortiz", "--relation", "network")
    fu("log", card_id, "follow-up", "--person", "ben")
    fu("log", card_id, "reply", "--person", "ben", "--note", "I pinged Jane")
    result = fu("person", card_id, "ben", "--unlink")
    assert result.code == 0 and result.out.strip() == (
        "#1 Acme: Ben Ortiz unlinked (2 contacts no longer name them, so the rules now read them as Acme's own "
        "thread; `followup contact 1 --remove N` takes one off)"
    )


def test_prep_remove(fu):
    card_id = added(fu)
    fu("prep", card_id, "--add", "research", "--add", "stories", "--add", "questions")
    result = fu("prep", card_id, "--remove", "2", "--done", "3")
    assert result.code == 0
    assert result.out.splitlines() == ["removed: stories", " 1. [ ] research", " 2. [x] questions"]
    bad = fu("prep", card_id, "--remove", "7")
    assert bad.code == 1 and "no prep item 7 (it has 2)" in bad.err


def test_contact_remove_by_the_number_show_gives(fu):
    card_id = added(fu)
    fu("log", card_id, "thank-you", "--at", "3 hours ago")
    fu("log", card_id, "follow-up", "--at", "1 hour ago", "--note", "by mistake")
    shown = fu("show", card_id).out
    assert "  2. Nov 26 09:00 (1h ago)  follow-up via email with Jane Doe: by mistake" in shown
    listed = fu("contact", card_id).out.splitlines()
    assert listed[1] == " 2. Nov 26 09:00 (1h ago)  follow-up via email with Jane Doe: by mistake"
    result = fu("contact", card_id, "--remove", "2")
    assert (
        result.code == 0
        and "removed contact 2 (Nov 26 09:00 (1h ago)  follow-up via email with Jane Doe: by mistake)" in result.out
    )
    assert [c["kind"] for c in json.loads(fu("show", card_id, "--json").out)["contacts"]] == ["thank-you"]
    missing = fu("contact", card_id, "--remove", "5")
    assert missing.code == 1 and "has no contact 5 (it has 1)" in missing.err


def test_removing_the_rejection_logged_by_mistake_takes_the_outcome_and_the_stage_with_it(fu):
    """QA: the card stayed 'rejected' with no rejection left, and the advice was the stay-in-touch gap;
    then it stayed in Stay in touch, its check-in due in 90 days instead of the decision date's nudge."""
    card_id = added(fu)
    fu("edit", card_id, "--decision-by", "2026-11-26")
    fu("log", card_id, "thank-you", "--at", "20 hours ago")
    fu("log", card_id, "rejection", "--at", "1 hour ago")  # meant for another company
    result = fu("contact", card_id, "--remove", "2")
    assert result.code == 0 and result.out.rstrip().endswith("; back in waiting; its outcome is open again")
    shown = json.loads(fu("show", card_id, "--json").out)
    assert (shown["stage"], shown["outcome"], shown["decision_by"]) == ("waiting", "open", "2026-11-26")
    assert "(round 1, waiting 20h)" in fu("list").out  # since the note, as before the rejection
    assert "they expected to decide by Nov 26" in fu("--now", "2026-12-03T17:00:00+00:00", "list").out
    assert fu("undo").code == 0 and json.loads(fu("show", card_id, "--json").out)["stage"] == "stay-in-touch"


def test_removing_a_rejection_puts_the_card_back_in_the_stage_it_was_in(fu):
    """QA walk 13: a rejection logged on the wrong card, removed, always put it in Waiting: a Thank-you
    card no longer owed its note, a Next round card lost its coming round and its prep warning."""
    thank_you = added(fu)  # interviewed yesterday: its note is owed
    fu("log", thank_you, "rejection", "--at", "1 hour ago")
    result = fu("contact", thank_you, "--remove", "1")
    assert result.code == 0 and "; back in thank-you; its outcome is open again" in result.out
    assert "send a thank-you" in fu("list").out  # owed again, as before the rejection
    invited = added(fu)
    fu("log", invited, "thank-you", "--at", "20 hours ago")
    fu("log", invited, "invite", "--at", "2 hours ago", "--round-at", "in 3 days 10:00")
    fu("log", invited, "rejection", "--at", "1 hour ago")
    result = fu("contact", invited, "--remove", "3")
    assert result.code == 0 and "; back in next-round; its outcome is open again" in result.out
    shown = json.loads(fu("show", invited, "--json").out)
    assert (shown["stage"], shown["outcome"]) == ("next-round", "open")
    assert "round 2 in 3 days" in fu("show", invited).out


def test_removing_a_reply_takes_the_instruction_it_brought(fu):
    """QA: the reply logged on the wrong card went, its "call on Nov 30" stayed: "they asked to hear
    from you today by phone" for a call nobody asked for."""
    card_id = added(fu)
    fu("log", card_id, "thank-you", "--at", "20 hours ago")
    fu("log", card_id, "reply", "--at", "1 hour ago", "--follow-up-on", "Nov 30", "--follow-up-via", "phone")
    result = fu("contact", card_id, "--remove", "2")
    assert result.code == 0 and result.out.rstrip().endswith("; the follow-up date it brought (Nov 30) goes with it")
    shown = json.loads(fu("show", card_id, "--json").out)
    assert (shown["follow_up_on"], shown["follow_up_via"]) == (None, None)
    assert "asked to hear from you" not in fu("--now", "2026-11-30T15:00:00+00:00", "list").out


def test_removing_a_thank_you_logged_on_the_wrong_card_asks_for_the_note_again(fu):
    """QA: the card stayed in Waiting and the note it still owed was never asked for."""
    card_id = added(fu)
    fu("log", card_id, "thank-you", "--at", "1 hour ago")
    result = fu("contact", card_id, "--remove", "1")
    assert result.code == 0 and result.out.rstrip().endswith("; back in thank-you")
    assert "thank-you note overdue" in fu("--now", "2026-11-26 11:00", "list").out  # the interview was yesterday
    follow_up = fu("log", card_id, "follow-up")
    kept = fu("contact", card_id, "--remove", "1")  # a follow-up never moved the card: nothing to say
    assert follow_up.code == kept.code == 0 and kept.out.rstrip().endswith("via email with Jane Doe)")


def test_removing_the_offer_that_reopened_a_rejected_card_puts_it_back(fu):
    """QA: the card stayed in Waiting, still with the removed offer's decision date, and invited
    contacting a company that had said no."""
    card_id = added(fu)
    fu("log", card_id, "rejection", "--at", "20 hours ago")
    fu("log", card_id, "offer", "--at", "1 hour ago", "--decision-by", "Dec 3")  # meant for another company
    result = fu("contact", card_id, "--remove", "2")
    assert result.code == 0 and result.out.rstrip().endswith(
        "; back in stay-in-touch; outcome: rejected; the decision date it brought (Dec 3) goes with it"
    )
    shown = json.loads(fu("show", card_id, "--json").out)
    assert (shown["stage"], shown["outcome"], shown["decision_by"]) == ("stay-in-touch", "rejected", None)
    assert "a gracious reply keeps the door open" in fu("list").out


def test_fixing_a_contact_s_kind_moves_the_card_as_logging_it_so_would_have(db_path):
    """QA: a thank-you logged as a follow-up by mistake, once fixed, left the card in Thank-you
    (asking for the note that was sent); fixed the other way, the card stayed in Waiting and the
    note was never asked for; a rejection fixed to an offer stayed in Stay in touch. What they
    asked for (a follow-up date) stays with the contact whatever its kind."""
    with Store.open(db_path) as store:
        card_id = store.add_card(NewCard(company="Acme", interview_at=NOW - 3 * DAY), NOW)
        store.log_contact(card_id, Kind.FOLLOW_UP, NOW - 2 * DAY, NOW)
        sent = store.get(card_id).contacts[0]
        assert store.edit_contact(card_id, sent.id, {"kind": Kind.THANK_YOU}, NOW) == {
            "kind": "thank-you",
            "stage": Stage.WAITING,
            "stage_entered_at": NOW - 2 * DAY,
        }
        assert store.edit_contact(card_id, sent.id, {"kind": Kind.FOLLOW_UP}, NOW)["stage"] == Stage.THANK_YOU
        store.edit_contact(card_id, sent.id, {"kind": Kind.THANK_YOU}, NOW)
        store.log_contact(card_id, Kind.REJECTION, NOW - DAY, NOW)
        said = store.get(card_id).contacts[-1]
        assert store.get(card_id).card.stage == Stage.STAY_IN_TOUCH
        changed = store.edit_contact(card_id, said.id, {"kind": Kind.OFFER}, NOW)
        assert (changed["stage"], changed["outcome"]) == (Stage.WAITING, Outcome.OFFER)
        card = store.get(card_id).card
        assert (card.stage, card.outcome, card.stage_entered_at) == (Stage.WAITING, Outcome.OFFER, NOW - 2 * DAY)
        store.log_contact(
            card_id, Kind.REPLY, NOW - HOUR, NOW, instruction=Instruction(follow_up_on=(NOW + 3 * DAY).date())
        )
        reply = store.get(card_id).contacts[-1]
        store.edit_contact(card_id, reply.id, {"kind": Kind.ANSWER}, NOW)
        assert store.get(card_id).card.follow_up_on == (NOW + 3 * DAY).date()


def test_fixing_a_contact_s_kind_to_an_offer_gives_the_card_that_outcome(db_path):
    with Store.open(db_path) as store:
        card_id = store.add_card(NewCard(company="Acme", interview_at=NOW - 3 * DAY), NOW)
        store.log_contact(card_id, Kind.REPLY, NOW - DAY, NOW)
        reply = store.get(card_id).contacts[0]
        assert store.edit_contact(card_id, reply.id, {"kind": Kind.OFFER}, NOW) == {"kind": "offer", "outcome": "offer"}
        assert store.get(card_id).card.outcome == Outcome.OFFER
        assert store.edit_contact(card_id, reply.id, {"kind": Kind.REPLY}, NOW)["outcome"] == "open"


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("add", "Acme", "--interviewer", ""), "--interviewer must not be empty"),
        (("add", "Acme", "--interviewer", "Bob <not-an-email>"), "--interviewer: 'not-an-email' is not an email"),
        (("person", "1", "Jo", "--email", "not an email"), "--email: 'not an email' is not an email address"),
        (("prep", "1", "--add", "  "), "--add: a prep item needs some text"),
    ],
)
def test_empty_names_and_addresses_that_are_not_are_refused(fu, args, says):
    fu("add", "Globex", "--interviewer", "Kim <kim@globex.com>")
    before = (fu("history").out, fu("show", "1", "--json").out)
    refused = fu(*args)
    assert refused.code == 1 and refused.err.count("\n") == 1 and says in refused.err, refused.err
    assert (fu("history").out, fu("show", "1", "--json").out) == before


def test_a_public_provider_is_nobody_s_company_domain(fu):
    fu("add", "Acme")
    refused = fu("edit", "1", "--domain", "Gmail.com")
    assert refused.code == 1 and "gmail.com is a public mail provider's" in refused.err
    assert fu("edit", "1", "--domain", "acme.com").code == 0


def test_reopening_keeps_the_logged_outcome_and_drops_what_only_the_close_said(fu):
    """QA: `close 1 --outcome rejected` meant for another card, then `reopen 1`, left the card
    rejected (in Stay in touch's advice, a gracious reply to a company that had said nothing), with
    no way back but undo. The log is what a card's outcome rests on: reopening keeps a logged
    offer or rejection, and says when the close's outcome goes."""
    card_id = added(fu)
    fu("log", card_id, "thank-you", "--at", "20 hours ago")
    fu("close", card_id, "--outcome", "rejected")
    wrong = fu("reopen", card_id)
    assert wrong.code == 0 and wrong.out.rstrip().endswith(
        "reopened in waiting; its outcome is open again (it was closed as rejected)"
    )
    assert json.loads(fu("show", card_id, "--json").out)["outcome"] == "open"
    fu("close", card_id)
    assert fu("reopen", card_id).out.rstrip().endswith("reopened in waiting")  # a withdrawal just goes
    fu("log", card_id, "rejection", "--at", "1 hour ago")
    fu("close", card_id, "--outcome", "offer")
    fixed = fu("reopen", card_id)
    assert fixed.out.rstrip().endswith("; its outcome is rejected again (it was closed as offer)")
    fu("close", card_id)
    kept = fu("reopen", card_id)
    assert kept.out.rstrip().endswith("reopened in stay-in-touch; still rejected")
    assert json.loads(fu("show", card_id, "--json").out)["outcome"] == "rejected"


def test_removing_a_duplicate_reply_keeps_what_the_other_one_asked(fu):
    """QA: a reply asking for a call on Dec 14, logged twice by mistake; removing the duplicate took
    the date with it, and on Dec 14 the call they asked for was flagged TOO SOON. What the card
    said before the removed contact (the undo journal knows) is what it says again."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-10 11:00", "add", "Quanta", "--at", "2026-12-08 14:00", "--interviewer", "Lena Novak")
    at("2026-12-10 11:00", "log", "1", "thank-you", "--at", "2026-12-08 17:00")
    at("2026-12-10 11:00", "log", "1", "reply", "--follow-up-on", "Dec 14", "--follow-up-via", "phone")
    at("2026-12-10 11:01", "log", "1", "reply", "--follow-up-on", "Dec 14", "--follow-up-via", "phone")
    removed = at("2026-12-10 11:02", "contact", "1", "--remove", "3")
    assert removed.code == 0 and "follow-up date" not in removed.out  # the date did not change
    shown = json.loads(at("2026-12-10 11:03", "show", "1", "--json").out)
    assert (shown["follow_up_on"], shown["follow_up_via"]) == ("2026-12-14", "phone")
    assert "they asked to hear from you today by phone" in at("2026-12-14 09:00", "status").out
    called = at("2026-12-14 10:00", "log", "1", "follow-up", "--via", "phone")
    assert called.code == 0 and called.err == ""


def test_removing_the_reply_that_moved_a_deadline_brings_the_earlier_one_back(fu):
    """The offer wanted an answer by Dec 30; a reply (logged on the wrong card) moved it to Jan 6.
    Removing that reply brings Dec 30 back, and says so; removing the offer then takes Dec 30 too."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-28 10:00", "add", "Orbit", "--at", "2026-12-21 10:00", "--interviewer", "Dan Weiss")
    at("2026-12-28 10:00", "log", "1", "offer", "--at", "2026-12-23 16:00", "--decision-by", "Dec 30")
    at("2026-12-28 10:00", "log", "1", "reply", "--decision-by", "Jan 6")
    back = at("2026-12-28 10:02", "contact", "1", "--remove", "2")
    assert back.out.rstrip().endswith("; the decision date goes back to Dec 30")
    assert json.loads(at("2026-12-28 10:03", "show", "1", "--json").out)["decision_by"] == "2026-12-30"
    gone = at("2026-12-28 10:04", "contact", "1", "--remove", "1")
    assert "the decision date it brought (Dec 30) goes with it" in gone.out


def test_reopening_puts_back_the_outcome_from_before_the_close(fu):
    """QA: a rejection the user had reopened (`move`, the company came back), then a close and a
    reopen, came back rejected, in Waiting, advising a gracious reply to a live process. Reopening
    restores what the card was before the close (the journal knows), the log only when it cannot."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-01 12:00", "add", "Acme", "--at", "2026-12-01 10:00", "--interviewer", "Ana Silva")
    at("2026-12-01 15:00", "log", "1", "thank-you")
    at("2026-12-03 10:00", "log", "1", "rejection")
    at("2026-12-05 10:00", "move", "1", "waiting")
    at("2026-12-06 10:00", "close", "1")
    back = at("2026-12-06 10:01", "reopen", "1")
    assert back.out.strip() == "#1 Acme reopened in waiting"
    assert json.loads(at("2026-12-06 10:02", "show", "1", "--json").out)["outcome"] == "open"
    assert "gracious" not in at("2026-12-06 10:02", "list").out
    at("2026-12-06 10:03", "close", "1", "--outcome", "rejected")
    at("2026-12-06 10:04", "reopen", "1")
    at("2026-12-06 10:05", "undo")  # the reopen undone: closed (rejected) again, by an undo
    again = at("2026-12-06 10:06", "reopen", "1")
    assert again.out.strip().endswith("; its outcome is open again (it was closed as rejected)")
    assert json.loads(at("2026-12-06 10:07", "show", "1", "--json").out)["outcome"] == "open"


def test_an_offer_removed_after_an_invite_leaves_the_new_process_open(fu):
    """Rejected, then invited again (a new process: open), then an offer logged on the wrong card and
    removed: the card went back to rejected, in Stay in touch, as if the invite had never come."""

    def at(when, *args):
        return fu("--now", when, *args)

    at("2026-12-01 12:00", "add", "Acme", "--at", "2026-12-01 10:00", "--interviewer", "Ana Silva")
    at("2026-12-03 10:00", "log", "1", "rejection")
    at("2026-12-10 10:00", "log", "1", "invite", "--round-at", "2026-12-15 10:00")
    at("2026-12-11 10:00", "log", "1", "offer")
    removed = at("2026-12-11 10:05", "contact", "1", "--remove", "3")
    assert removed.code == 0 and "rejected" not in removed.out
    shown = json.loads(at("2026-12-11 10:06", "show", "1", "--json").out)
    assert (shown["stage"], shown["outcome"]) == ("next-round", "open")


def test_moving_back_out_of_next_round_drops_a_date_no_invite_gave(fu):
    """QA: a card moved to Next round by mistake (with its date) and moved back to Waiting kept the
    date: show went on listing it, and an invite logged later revived it ("round 2 was 24h ago")."""
    card = fu("add", "Acme", "--at", "2026-11-16 10:00").out.strip()
    fu("log", card, "thank-you", "--at", "2026-11-16 18:00")
    fu("--now", "2026-11-20 10:00", "move", card, "next-round", "--at", "2026-11-24 10:00")
    back = fu("--now", "2026-11-20 10:01", "move", card, "waiting")
    assert back.out == f"#{card} Acme moved to waiting; round 2's date (Nov 24 10:00) dropped\n"
    assert json.loads(fu("show", card, "--json").out)["next_round_at"] is None
    assert "next round" not in fu("show", card).out
    fu("log", card, "invite", "--at", "2026-11-25 10:00")  # a real invite, with no date yet
    assert "round 2: date not set yet" in fu("list").out
    assert fu("undo").code == 0 and fu("undo").code == 0  # undo puts the move back exactly, date and all
    assert json.loads(fu("show", card, "--json").out)["next_round_at"] == "2026-11-24T10:00:00+00:00"

    fu("log", card, "invite", "--at", "2026-11-25 10:00", "--round-at", "2026-12-02 10:00")
    kept = fu("move", card, "waiting")  # an invite's date is what they said: it stays
    assert kept.out == f"#{card} Acme moved to waiting\n"
    assert json.loads(fu("show", card, "--json").out)["next_round_at"] == "2026-12-02T10:00:00+00:00"


def test_a_card_moved_out_of_stay_in_touch_and_back_counts_its_check_in_from_the_last_contact(fu):
    """QA: a Stay in touch card moved to Waiting by mistake and back counted its next check-in from the
    move ("in touch list for 90 days"), months later than the last check-in said it was due."""
    card = fu("add", "Acme", "--at", "2026-03-02 10:00").out.strip()
    fu("log", card, "thank-you", "--at", "2026-03-02 18:00")
    fu("log", card, "rejection", "--at", "2026-03-10 10:00")
    fu("log", card, "answer", "--at", "2026-03-11 10:00")
    fu("log", card, "check-in", "--at", "2026-06-15 10:00")
    fu("--now", "2026-07-01 10:00", "move", card, "waiting")
    assert fu("--now", "2026-07-01 10:01", "move", card, "stay-in-touch").code == 0
    assert json.loads(fu("show", card, "--json").out)["stage_entered_at"] == "2026-03-10T10:00:00+00:00"
    assert "next check-in due Sep 13 10:00" in fu("--now", "2026-09-13 09:00", "list").out
    due = fu("--now", "2026-09-13 10:01", "status").out  # 90 days after the check-in, as before the moves
    assert f"DUE       #{card}    Acme: last contact 90 days ago — time to check in" in due
    fu("--now", "2026-09-13 10:02", "move", card, "waiting")  # a move that takes it elsewhere starts anew
    assert fu("--now", "2026-09-13 10:03", "move", card, "next-round").code == 0
    assert json.loads(fu("show", card, "--json").out)["stage_entered_at"] == "2026-09-13T10:03:00+00:00"
