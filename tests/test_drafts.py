"""Message drafts: every default template, a user's own, and a broken one."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from followup_tui.domain import drafts
from followup_tui.domain.config import Config, Me
from followup_tui.domain.model import Card, CardBundle, Outcome, Person, Relation, Stage

NOW = datetime(2026, 11, 26, 10, tzinfo=UTC)


def two_interviewer_card(**fields) -> CardBundle:
    at = datetime(2026, 11, 24, 15, tzinfo=UTC)
    card = Card(
        1,
        "u",
        "Acme",
        "Backend Engineer",
        fields.pop("stage", Stage.WAITING),
        fields.pop("outcome", Outcome.OPEN),
        1,
        at,
        at,
        at,
        at,
        fit="I ran the exact migration you are planning",
        notes="They said: please don't email on Fridays",
        topic=fields.pop("topic", "the payments rewrite"),
        **fields,
    )
    people = [
        Person(1, "p1", "Jane Doe", Relation.INTERVIEWER),
        Person(2, "p2", "Raj Patel", Relation.HIRING_MANAGER),
        Person(3, "p3", "Dana Lee", Relation.NETWORK),
    ]
    return CardBundle(card, [], people, [])


CONFIG = Config(me=Me(name="Alex Doe", signature="Alex Doe · alex@example.com"))


@pytest.mark.parametrize("template", drafts.TEMPLATES)
def test_each_default_template_fills_in_the_card(template):
    draft = drafts.render(two_interviewer_card(), template, CONFIG, NOW)
    text = draft.text
    assert draft.subject and "{" not in text and "}" not in text
    assert "Alex Doe · alex@example.com" in text
    assert "Acme" in text
    greeting = "Hi Dana," if template == "referral-ask" else "Hi Jane,"
    assert greeting in text


def test_thank_you_reiterates_fit_and_the_topic_never_the_notes():
    body = drafts.render(two_interviewer_card(), "thank-you", CONFIG, NOW).body
    assert "Backend Engineer role at Acme" in body
    assert "I ran the exact migration you are planning" in body
    assert "I enjoyed our conversation about the payments rewrite." in body and "Fridays" not in body
    assert "Tuesday, November 24" in body
    without = drafts.render(two_interviewer_card(topic=""), "thank-you", CONFIG, NOW).body
    assert "conversation about" not in without and "Fridays" not in without
    assert without.count("\n\n") == body.count("\n\n")  # the line went, the paragraphs stayed


def test_placeholders_list_two_interviewers():
    assert drafts.fill(two_interviewer_card(), CONFIG, NOW)["interviewers"] == "Jane Doe and Raj Patel"


def test_a_users_template_wins(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "thank-you.txt").write_text(
        "Subject: Thanks, {interviewer}\nShort and sweet, {company}. {{literal}}\n"
    )
    config = Config(path=tmp_path / "config.toml")
    draft = drafts.render(two_interviewer_card(), "thank-you", config, NOW)
    assert (draft.subject, draft.body) == ("Thanks, Jane", "Short and sweet, Acme. {literal}")


def test_an_unknown_placeholder_is_named(tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "follow-up.txt").write_text("Subject: hi\nDear {recruiter_name}\n")
    with pytest.raises(drafts.DraftError, match=r"unknown placeholder \{recruiter_name\}"):
        drafts.render(two_interviewer_card(), "follow-up", Config(path=tmp_path / "config.toml"), NOW)


def test_the_default_template_follows_the_next_action():
    def default(**fields):
        return drafts.default_template(two_interviewer_card(**fields), CONFIG, NOW)

    assert default(stage=Stage.THANK_YOU) == "thank-you"
    assert default() == "referral-ask"  # waiting, and Dana has not been asked
    with pytest.raises(
        drafts.NothingToSend,
        match=r"nothing to send now: next contact from Jan 23 2027; "
        r"`followup draft 1 check-in` writes one anyway",
    ):
        default(stage=Stage.STAY_IN_TOUCH)


def test_draft_command(fu, tmp_path):
    card_id = fu("add", "Acme", "--role", "SRE", "--interviewer", "Jane Doe", "--fit", "on-call veteran").out.strip()
    result = fu("draft", card_id)
    assert result.code == 0 and result.out.startswith("Subject: Thank you") and "on-call veteran" in result.out
    assert fu("draft", card_id, "nope").code == 2
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "check-in.txt").write_text("no subject line\n")
    bad = fu("draft", card_id, "check-in")
    assert bad.code == 1 and "first line must be 'Subject:" in bad.err


def test_after_they_grant_more_time_the_offers_draft_thanks_them_not_asks_for_the_written_offer(fu, tmp_path):
    """QA: the offer, your answer asking for more time, their reply granting it (a new answer-by date):
    `draft` asked for the written offer again, as on the day the offer came."""
    card = fu("add", "Acme", "--role", "SRE", "--at", "2026-11-16 10:00", "--interviewer", "Priya Shah").out.strip()
    fu("log", card, "thank-you", "--at", "2026-11-16 18:00")
    fu("log", card, "offer", "--at", "2026-11-23 10:00", "--decision-by", "2026-11-27")
    first = fu("draft", card)
    assert "Could you send me the written offer? I will give you my answer by Friday, November 27." in first.out
    fu("log", card, "answer", "--at", "2026-11-24 10:00", "--note", "asked for a week more")
    fu("log", card, "reply", "--at", "2026-11-24 15:00", "--decision-by", "2026-12-04")
    assert "respond to the offer by Dec 4" in fu("show", card).out
    granted = fu("draft", card)
    assert granted.code == 0 and "written offer" not in granted.out
    assert granted.out.startswith("Subject: Your offer for the SRE role\n\nHi Priya,\n\n")
    assert "Thank you for giving me more time to consider the offer for the SRE role at Acme" in granted.out
    assert "I will give you my answer by Friday, December 4." in granted.out
    assert fu("draft", card, "offer-reply").out == granted.out  # the one template, as it fits now
    (tmp_path / "templates").mkdir()  # your own version of it wins, as any template's
    (tmp_path / "templates" / "offer-reply.extended.txt").write_text("Subject: Thanks\nThanks, {to}.\n")
    assert fu("draft", card).out == "Subject: Thanks\n\nThanks, Priya.\n"
