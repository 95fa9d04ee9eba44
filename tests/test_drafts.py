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
