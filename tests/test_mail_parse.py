"""Mail is hostile input: whatever a message's bytes hold, reading it never raises, and what is read
is what a person would read."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st
from mail_messages import message

from followup_tui.integrations.mail.message import own_words, read_body, read_headers

ARRIVED = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NAMES = ["From", "To", "Cc", "Date", "Subject", "Message-ID", "In-Reply-To", "References", "Content-Type",
         "Content-Transfer-Encoding", "Auto-Submitted", "Precedence", "MIME-Version"]  # fmt: skip
NASTY = [b"=?utf-8?b?", b"=?x-unknown?q?", b"?=", b"<", b">", b"@", b",", b";", b'"', b"\\", b"\r", b"\n", b"\x00",
         b"\xff", b"\x1b[31m", b"boundary=", b"charset=", b"--", b"multipart/mixed", b"base64", b" ", b"\t",
         b"Mon, 31 Feb 40000 25:61:61 +9999", b"text/calendar", b"name=x.ics"]  # fmt: skip

values = st.lists(st.one_of(st.sampled_from(NASTY), st.binary(max_size=20)), max_size=12).map(b"".join)
headers = st.lists(st.tuples(st.sampled_from(NAMES), values), max_size=12)


@settings(max_examples=400, deadline=None)
@given(headers, st.binary(max_size=300))
def test_hostile_headers_and_bodies_never_raise(fields, body):
    data = b"".join(name.encode() + b": " + value + b"\n" for name, value in fields) + b"\n" + body
    found = read_headers(data, ARRIVED)
    if found is not None:
        assert found.message_id.startswith("<") and found.message_id.endswith(">")
        assert 1970 <= found.at.year <= 2999 and found.at.tzinfo is not None
        assert all("@" in address for address in found.recipients)
    read_body(data)


def test_a_message_is_read_as_a_person_reads_it():
    data = message(
        '"Doe, Jane" <Jane@ACME.com>',
        "Sam <sam@example.org>, =?utf-8?q?Ren=C3=A9?= <rene@example.org>",
        "Re: Entretien — deuxième tour",
        "Merci !\n\nOn Tue, Nov 24, 2026 at 9:00 AM Sam wrote:\n> thank you for your time",
        at="2026-11-25T09:30:00-05:00",
        message_id="<abc@acme.com>",
        in_reply_to="<x@example.org>",
        references="<w@example.org> <x@example.org>",
    )
    found = read_headers(data, ARRIVED)
    assert found.sender == "jane@acme.com" and found.sender_name == "Doe, Jane"
    assert found.recipients == ("sam@example.org", "rene@example.org")
    assert found.subject == "Re: Entretien — deuxième tour"
    assert found.at == datetime(2026, 11, 25, 14, 30, tzinfo=UTC)
    assert found.replies_to == ("<x@example.org>", "<w@example.org>")
    assert read_body(data).text.strip() == "Merci !"  # the quote is theirs to read, not to classify


def test_no_message_id_gets_a_stable_one_and_no_date_the_arrival():
    data = b"From: jane@acme.com\nSubject: hi\n\nbody\n"
    first, second = read_headers(data, ARRIVED), read_headers(data, ARRIVED)
    assert first.message_id == second.message_id and first.message_id.endswith("@no-message-id.followup-tui>")
    assert first.at == ARRIVED


def test_quotes_and_forwards_are_cut_off():
    assert own_words("Yes.\n\n-----Original Message-----\nFrom: x@y.z\nunfortunately") == "Yes.\n"
    assert own_words("Sure\nAm 24.11.2026 um 09:00 schrieb Jane Doe <jane@acme.com>:\n> leider") == "Sure"
    assert own_words("FYI\nBegin forwarded message:\nnext round") == "FYI"


def test_next_steps_alone_is_a_reply_not_an_invite():
    from followup_tui.integrations.mail.classify import inbound, load_phrases

    phrases = load_phrases(None)
    asked = inbound(
        phrases, "Re: Round 2 — next steps", "Could you send your references?", "alice@umbrella.co", "", False
    )
    assert (asked.kind, asked.matched) == ("reply", ("a message from them",))
    invited = inbound(
        phrases, "Next steps", "We'd like to invite you to a final round.", "alice@umbrella.co", "", False
    )
    assert invited.kind == "invite" and "final round" in invited.matched
