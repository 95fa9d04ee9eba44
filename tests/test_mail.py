"""`followup mail`: a Maildir written in the test's folder is scanned, matched, classified and
proposed; proposals change nothing until confirmed, confirmed ones are logged through the undo
journal, and nothing is proposed twice."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from mail_messages import maildir, message

ME = "Sam Doe <sam@example.org>"
JANE = "Jane Doe <jane@acme.com>"


@pytest.fixture
def mail(tmp_path, fu):
    """A card for Acme (interviewed Nov 24 14:00 by Jane), a config reading tmp/Mail, and helpers."""
    root = tmp_path / "Mail"
    (tmp_path / "config.toml").write_text(f'[me]\nemail = "sam@example.org"\n\n[mail]\nmaildir = "{root}"\n')
    card = fu("add", "Acme", "--role", "SRE", "--at", "2026-11-24 14:00", "--interviewer", JANE)
    assert card.code == 0, card.err
    return root


def db(tmp_path) -> sqlite3.Connection:
    return sqlite3.connect(tmp_path / "followup.db")


def contacts(tmp_path) -> list[tuple]:
    return db(tmp_path).execute("SELECT card_id, at, kind, channel, note FROM contacts ORDER BY at").fetchall()


def scan(fu, *args):
    result = fu("mail", "scan", *args)
    assert result.code == 0, result.err
    return result.out


def test_a_reply_is_proposed_logged_on_yes_and_undone(mail, fu, tmp_path):
    maildir(
        mail, "INBOX", message(JANE, ME, "Re: Thank you", "Great talking to you too!", at="2026-11-25T09:30:00+00:00")
    )
    out = scan(fu)
    assert "read 1 message in 1 folder" in out
    assert "1 to review" in out and "#1 Acme — SRE" in out and "reply from Jane Doe <jane@acme.com>" in out
    assert "by address jane@acme.com" in out
    assert contacts(tmp_path) == []  # a proposal is not a contact

    review = fu("mail", "review", stdin="y\n")
    assert review.code == 0, review.err
    assert "#1 Acme: logged reply of Nov 25 09:30" in review.out
    assert contacts(tmp_path) == [(1, "2026-11-25T09:30:00+00:00", "reply", "email", "mail: Re: Thank you")]
    assert "log reply from mail on #1 Acme" in fu("history").out

    undone = fu("undo")
    assert undone.code == 0 and "log reply from mail on #1 Acme" in undone.out
    assert contacts(tmp_path) == []
    listed = json.loads(fu("mail", "list", "--json").out)  # undone: it waits for review again
    assert [(p["kind"], p["subject"]) for p in listed] == [("reply", "Re: Thank you")]


@pytest.mark.parametrize(
    ("frm", "subject", "body", "kind", "words"),
    [
        (JANE, "Next steps", "We'd like to invite you to the next round. What is your availability?", "invite",
         ['"next round"', '"your availability"', '"like to invite"']),
        (JANE, "Your application", "Unfortunately, we decided to move forward with other candidates.", "rejection",
         ['"unfortunately"', '"decided to move forward with other candidates"']),
        (JANE, "Good news", "We are pleased to offer you the SRE role; the offer letter is attached.", "offer",
         ['"pleased to offer"', '"offer letter"']),
        (JANE, "Re: Checking in", "Hi Sam, we'd like to make you an offer!", "offer", ['"make you an offer"']),
        (JANE, "Re: hello", "Thanks, talk soon.", "reply", ['"a message from them"']),
    ],
)  # fmt: skip
def test_each_inbound_kind_shows_the_words_that_decided_it(mail, fu, frm, subject, body, kind, words):
    maildir(mail, "INBOX", message(frm, ME, subject, body, at="2026-11-25T09:30:00+00:00"))
    out = scan(fu)
    assert f" · {kind} from " in out
    for word in words:
        assert word in out
    assert json.loads(fu("mail", "list", "--json").out)[0]["kind"] == kind


def test_an_automatic_acknowledgement_is_set_aside_never_logged(mail, fu, tmp_path):
    maildir(
        mail,
        "INBOX",
        message("Acme Careers <no-reply@acme.com>", ME, "Application received", "We received your application.",
                at="2026-11-25T08:00:00+00:00"),
    )  # fmt: skip
    out = scan(fu)
    assert "1 automatic acknowledgement(s) set aside (Acme Careers <no-reply@acme.com>)" in out
    assert "nothing new to review" in out
    assert fu("mail", "list").out.strip() == "nothing to review"
    row = db(tmp_path).execute("SELECT kind, state, matched, match FROM mail_messages").fetchone()
    assert row[:2] == ("auto-ack", "ignored") and "we received your application" in row[2]
    assert row[3] == "domain no-reply@acme.com"  # acme.com: learned from Jane's address


def test_calendar_invitation_and_html_only_mail(mail, fu):
    maildir(
        mail,
        "INBOX",
        message(JANE, ME, "Interview: round 2", "See the invitation.", at="2026-11-25T08:00:00+00:00", calendar=True),
        message(JANE, ME, "Update", html="<html><head><style>p {color: red}</style></head><body><p>Hello,</p>"
                "<p>Unfortunately we will not be moving forward.</p></body></html>", at="2026-11-25T09:00:00+00:00"),
    )  # fmt: skip
    out = scan(fu)
    assert "· invite from Jane Doe <jane@acme.com>\n" in out
    assert '"Interview: round 2" · matched "a calendar invitation"' in out
    assert "· rejection from" in out and '"unfortunately", "will not be moving forward"' in out
    assert "color" not in out


def test_encoded_words_in_any_language(mail, fu):
    subject = "=?utf-8?b?" + base64.b64encode("Einladung zum zweiten Gespräch".encode()).decode() + "?="
    maildir(mail, "INBOX", message(JANE, ME, subject, "Bis bald", at="2026-11-25T08:00:00+00:00", raw_subject=True))
    out = scan(fu)
    assert '"Einladung zum zweiten Gespräch"' in out
    assert "· invite from" in out and '"einladung", "zweites gespräch"' not in out  # "zweiten" is another word
    assert 'matched "einladung"' in out


@pytest.mark.parametrize(
    ("at", "body", "extra", "kind", "words"),
    [
        ("2026-11-24T19:00:00+00:00", "Hi Jane, great chat today.", {}, "thank-you",
         ['"sent within 24h of the interview"']),
        ("2026-11-25T18:00:00+00:00", "Hi Jane, thank you for your time on Tuesday.", {}, "thank-you",
         ['"thank you for your time"']),
        ("2026-11-25T18:00:00+00:00", "Tuesday works for me.", {"In-Reply-To": "<q@acme.com>"}, "answer",
         ['"a reply to their message"']),
        ("2026-11-26T09:00:00+00:00", "Any news on the role?", {}, "follow-up",
         ['"a message from you, card in Thank-you"']),
    ],
)  # fmt: skip
def test_each_outbound_kind_from_the_sent_folder(mail, fu, at, body, extra, kind, words):
    question = message(JANE, ME, "A question", "Could you do Tuesday?", at="2026-11-25T10:00:00+00:00",
                       message_id="<q@acme.com>")  # fmt: skip
    maildir(mail, "INBOX", question)
    maildir(mail, "Sent", message(ME, JANE, "Re: our chat", body, at=at, extra=extra))
    out = scan(fu)
    listed = json.loads(fu("mail", "list", "--json").out)
    mine = [p for p in listed if p["direction"] == "outbound"]
    assert [p["kind"] for p in mine] == [kind], out
    assert mine[0]["recipients"] == ["jane@acme.com"]
    for word in words:
        assert word in out


def test_a_message_from_me_outside_sent_is_outbound(mail, fu):
    maildir(mail, "INBOX", message(ME, JANE, "Checking in", "Any news?", at="2026-11-26T09:00:00+00:00"))
    scan(fu)
    assert [p["direction"] for p in json.loads(fu("mail", "list", "--json").out)] == ["outbound"]


def test_matching_by_domain_subdomain_and_thread(mail, fu):
    maildir(mail, "Sent", message(ME, JANE, "Thank you", "Thank you for your time.", at="2026-11-24T18:00:00+00:00",
                                  message_id="<ty@example.org>"))  # fmt: skip
    maildir(
        mail,
        "INBOX",
        message("Raj <raj@hr.acme.com>", ME, "Hello", "Nice to meet you.", at="2026-11-25T08:00:00+00:00"),
        message("Scheduler <bot@goodtime.example>", ME, "Re: Thank you", "Pick a slot for the next round.",
                at="2026-11-25T09:00:00+00:00", in_reply_to="<ty@example.org>"),
    )  # fmt: skip
    scan(fu)
    found = {p["subject"]: p["match"] for p in json.loads(fu("mail", "list", "--json").out)}
    assert found == {
        "Thank you": "address jane@acme.com",
        "Hello": "domain raj@hr.acme.com",
        "Re: Thank you": "thread <ty@example.org>",
    }


def test_a_forwarded_mail_or_a_stranger_matches_nothing(mail, fu):
    forwarded = message(
        "Pat <pat@gmail.com>",
        ME,
        "Fwd: Next steps",
        "FYI\n\n---------- Forwarded message ---------\nFrom: Jane Doe <jane@acme.com>\n"
        "Subject: Next steps\n\nWe'd like to invite you to the next round.",
        at="2026-11-25T08:00:00+00:00",
    )
    stranger = message("Lee <lee@globex.example>", ME, "Hi", "Unfortunately...", at="2026-11-25T09:00:00+00:00")
    maildir(mail, "INBOX", forwarded, stranger)
    out = scan(fu)
    assert "read 2 messages" in out and "nothing new to review" in out


def test_mail_older_than_the_card_is_background(mail, fu):
    maildir(mail, "INBOX", message(JANE, ME, "Interview on the 24th?", "Next round", at="2026-11-01T08:00:00+00:00"))
    assert "nothing new to review" in scan(fu)


def test_a_second_scan_proposes_nothing_new_and_reads_only_new_files(mail, fu, tmp_path):
    maildir(mail, "INBOX", message(JANE, ME, "Re: hi", "Sure.", at="2026-11-25T09:30:00+00:00"))
    assert "1 to review" in scan(fu)
    again = scan(fu)
    assert "read 0 messages" in again and "nothing new to review" in again
    everything = scan(fu, "--since", "2026-11-01")  # reads every file again: still proposed once
    assert "read 1 message" in everything and "nothing new to review" in everything
    maildir(mail, "INBOX", message(JANE, ME, "Re: Re: hi", "And one more thing.", at="2026-11-25T11:00:00+00:00"))
    assert "read 1 message" in scan(fu)
    assert db(tmp_path).execute("SELECT count(*) FROM mail_messages").fetchone() == (2,)


def test_the_same_message_in_two_folders_is_proposed_once(mail, fu):
    data = message(ME, JANE, "Thank you", "Thank you for your time.", at="2026-11-24T18:00:00+00:00",
                   message_id="<ty@example.org>")  # fmt: skip
    maildir(mail, "Sent", data)
    maildir(mail, "Archive", data)
    assert "1 to review" in scan(fu)


def test_dry_run_writes_nothing(mail, fu, tmp_path):
    maildir(mail, "INBOX", message(JANE, ME, "Re: hi", "Sure.", at="2026-11-25T09:30:00+00:00"))
    before = hashlib.sha256((tmp_path / "followup.db").read_bytes()).hexdigest()
    out = scan(fu, "--dry-run")
    assert "1 would propose" in out and "nothing written (--dry-run)" in out
    assert hashlib.sha256((tmp_path / "followup.db").read_bytes()).hexdigest() == before
    assert fu("mail", "list").out.strip() == "nothing to review"
    assert "1 to review" in scan(fu)  # the real scan still finds it


def test_a_contact_logged_by_hand_is_not_proposed_again(mail, fu, tmp_path):
    assert fu("log", "1", "thank-you", "--at", "2026-11-24 20:00").code == 0
    maildir(mail, "Sent", message(ME, JANE, "Thank you", "Thank you for your time.", at="2026-11-24T18:00:00+00:00"))
    out = scan(fu)
    assert "1 already in the log (logged by hand): not proposed" in out and "nothing new to review" in out
    assert len(contacts(tmp_path)) == 1


def test_review_no_edit_skip_and_quit(mail, fu, tmp_path):
    maildir(
        mail,
        "INBOX",
        message(JANE, ME, "one", "Thanks.", at="2026-11-25T08:00:00+00:00"),
        message(JANE, ME, "two", "Thanks again.", at="2026-11-25T09:00:00+00:00"),
        message("Bot <bot@acme.com>", ME, "three", "Newsletter", at="2026-11-25T10:00:00+00:00"),
        message("Bot <bot@acme.com>", ME, "four", "Newsletter", at="2026-11-25T11:00:00+00:00"),
        message(JANE, ME, "five", "Bye.", at="2026-11-25T12:00:00+00:00"),
    )
    scan(fu)
    review = fu("mail", "review", stdin="n\ne\ninvite\ns\nq\n")
    assert review.code == 0, review.err
    assert "rejected: it will not be proposed again" in review.out
    assert "logged invite of Nov 25 09:00; moved to next-round" in review.out
    assert "skipped 2 from bot@acme.com" in review.out
    assert "stopped: 1 left to review" in review.out
    assert [c[2] for c in contacts(tmp_path)] == ["invite"]
    assert [p["subject"] for p in json.loads(fu("mail", "list", "--json").out)] == ["five"]
    maildir(mail, "INBOX", message("Bot <bot@acme.com>", ME, "six", "More", at="2026-11-25T13:00:00+00:00"))
    assert "nothing new to review" in scan(fu)  # a skipped sender stays skipped


def test_apply_logs_only_the_sure_ones_in_date_order(mail, fu, tmp_path):
    maildir(
        mail,
        "INBOX",
        message("Raj <raj@acme.com>", ME, "Hello", "Nice to meet you.", at="2026-11-25T07:00:00+00:00"),
        message(JANE, ME, "Next steps", "Unfortunately we went another way.", at="2026-11-25T08:00:00+00:00"),
    )
    out = fu("mail", "scan", "--apply")
    assert out.code == 0, out.err
    assert "logged rejection of Nov 25 08:00; moved to stay-in-touch; outcome rejected" in out.out
    assert "logged 1 at or above 0.8; 1 left to review" in out.out  # the domain match waits for review
    assert [c[2] for c in contacts(tmp_path)] == ["rejection"]
    assert "nothing at or above 0.8; 1 left to review" in fu("mail", "review", "--apply").out


def test_accept_and_reject_by_number(mail, fu, tmp_path):
    maildir(mail, "INBOX", message(JANE, ME, "one", "Thanks.", at="2026-11-25T08:00:00+00:00"),
            message(JANE, ME, "two", "Thanks.", at="2026-11-25T09:00:00+00:00"))  # fmt: skip
    scan(fu)
    assert fu("mail", "accept", "1", "--kind", "invite").code == 0
    assert fu("mail", "reject", "2").code == 0
    assert [c[2] for c in contacts(tmp_path)] == ["invite"]
    again = fu("mail", "accept", "1")
    assert again.code == 1 and again.err.count("\n") == 1 and "already reviewed" in again.err
    for reviewed in ("1", "2"):  # logged, or rejected: reject says so, and the logged invite stays linked
        refused = fu("mail", "reject", reviewed)
        assert refused.code == 1 and f"mail proposal #{reviewed} was already reviewed" in refused.err
    assert [c[2] for c in contacts(tmp_path)] == ["invite"]
    assert fu("mail", "accept", "1").code == 1  # still the accepted one: its contact is still its own
    missing = fu("mail", "accept", "9")
    assert missing.code == 1 and "no mail proposal #9" in missing.err


@pytest.mark.parametrize(
    ("config", "code", "says"),
    [
        ("", 2, "no mail to read"),
        ("[mail]\nmaildir = 3\n", 2, "mail.maildir must be a string or a list of strings"),
        ("[mail]\nfolder = 'x'\n", 2, "unknown key mail.folder"),
        ("[mail.imap]\nhost = 'imap.example.org'\nusername = 'sam'\npassword = 'x'\n", 2,
         "unknown key mail.imap.password"),
        ("[mail.imap]\nhost = 'imap.example.org'\nusername = 'sam'\n", 2, "needs one of password_command or keyring"),
        ("[mail.imap]\nhost = 'imap.example.org'\nusername = 'sam'\nkeyring = 'mail'\ntls = 'none'\n", 2,
         "only for a server on this machine"),
        ("[mail]\nmaildir = '/nonexistent/mail'\n", 2, "maildir /nonexistent/mail is not a folder"),
    ],
)  # fmt: skip
def test_configuration_problems_are_one_line(tmp_path, fu, config, code, says):
    fu("add", "Acme")
    (tmp_path / "config.toml").write_text(config)
    result = fu("mail", "scan")
    assert result.code == code and says in result.err and result.err.count("\n") == 1, result.err


def test_user_phrases_extend_ours(mail, fu, tmp_path):
    (tmp_path / "mail-phrases.toml").write_text('[inbound]\nrejection = ["gone with someone else"]\n')
    maildir(
        mail, "INBOX", message(JANE, ME, "Update", "We have gone with someone else.", at="2026-11-25T08:00:00+00:00")
    )
    assert "· rejection from" in scan(fu) and '"gone with someone else"' in fu("mail", "list").out
    (tmp_path / "mail-phrases.toml").write_text('[inbound]\nrejected = ["x"]\n')
    bad = fu("mail", "scan")
    assert bad.code == 2 and "unknown list inbound.rejected" in bad.err


def test_the_board_and_scan_leave_the_mail_files_alone(mail, fu):
    folder = maildir(mail, "INBOX", message(JANE, ME, "Re: hi", "Sure.", at="2026-11-25T09:30:00+00:00"))
    before = sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*"))
    scan(fu)
    assert sorted((p.relative_to(folder), p.stat().st_mtime_ns) for p in folder.rglob("*")) == before


def test_hostile_files_never_stop_a_scan(mail, fu):
    folder = maildir(mail, "INBOX", message(JANE, ME, "Re: hi", "Sure.", at="2026-11-25T09:30:00+00:00"))
    garbage = [
        b"\x00\xff" * 500,
        b"From: =?utf-8?q?\xff?= <jane@acme.com>\nDate: Mon, 99 Foo 40000 99:99:99 +9999\n"
        b"Subject: =?x-unknown?b?!!!?=\nContent-Type: text/plain; charset=x-nonsense\n\n\xff\xfe",
        b"From: jane@acme.com\nContent-Type: multipart/mixed; boundary=\n\n--\n--",
        b"Subject: " + b"A" * 300_000 + b"\n\nbody",
    ]
    for number, data in enumerate(garbage):
        (folder / "new" / f"17000000{number}.bad.host").write_bytes(data)
    out = scan(fu)
    assert "read 5 messages" in out
    assert "Re: hi" in out


def test_mail_needs_a_database_first(tmp_path, fu):
    (tmp_path / "config.toml").write_text(f'[mail]\nmaildir = "{tmp_path}"\n')
    result = fu("mail", "scan", "--dry-run")
    assert result.code == 1 and "no database yet" in result.err
    assert not os.path.exists(tmp_path / "followup.db")
    assert Path(tmp_path / "config.toml").exists()


def test_a_draft_as_a_mail_file_and_a_mailto_url(mail, fu, tmp_path):
    from email.parser import BytesParser
    from email.policy import default
    from urllib.parse import parse_qs, urlsplit

    (tmp_path / "config.toml").write_text('[me]\nname = "Sam Doe"\nemail = "sam@example.org"\n')
    plain = fu("draft", "1").out
    subject, _, body = plain.partition("\n\n")
    written = fu("draft", "1", "--eml", tmp_path / "ty.eml")
    assert written.code == 0 and "mutt -H" in written.err
    saved = BytesParser(policy=default).parsebytes((tmp_path / "ty.eml").read_bytes())
    assert (saved["To"], saved["From"]) == ("Jane Doe <jane@acme.com>", "Sam Doe <sam@example.org>")
    assert "Subject: " + saved["Subject"] == subject and saved.get_content().strip() == body.strip()
    assert saved["X-Unsent"] == "1" and (tmp_path / "ty.eml").stat().st_mode & 0o777 == 0o600

    url = fu("draft", "1", "--mailto").out.strip()
    parts = urlsplit(url)
    assert (parts.scheme, parts.path) == ("mailto", "jane@acme.com")
    query = parse_qs(parts.query)
    assert "Subject: " + query["subject"][0] == subject
    assert query["body"][0].replace("\r\n", "\n").strip() == body.strip()


def test_talking_points_are_not_mail(mail, fu, tmp_path):
    assert fu("edit", "1", "--follow-up-on", "2026-11-26", "--via", "phone").code == 0
    assert fu("log", "1", "thank-you", "--at", "2026-11-24 18:00").code == 0
    result = fu("draft", "1", "--eml", tmp_path / "x.eml")
    assert result.code == 1 and "talking points for a phone contact, not mail" in result.err
    assert not (tmp_path / "x.eml").exists()


def test_a_file_of_the_previous_schema_is_read_as_it_is_and_upgraded_by_a_scan(tmp_path, fu):
    from old_files import make_old_database

    path = tmp_path / "followup.db"
    make_old_database(path, 6)
    root = tmp_path / "Mail"
    maildir(root, "INBOX", message(JANE, ME, "Re: hi", "Sure.", at="2026-11-25T12:00:00+00:00"))
    (tmp_path / "config.toml").write_text(f'[mail]\nmaildir = "{root}"\n')
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    assert fu("mail", "list").out.strip() == "nothing to review"
    assert "nothing new to review" in scan(fu, "--dry-run")  # nobody at acme.com on the card yet
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert fu("person", "1", "Jane Doe", "--email", "jane@acme.com").code == 0  # upgrades the file
    assert "1 to review" in scan(fu)


def test_a_company_domain_set_with_edit_matches_and_travels(tmp_path, fu, monkeypatch):
    root = tmp_path / "Mail"
    (tmp_path / "config.toml").write_text(f'[mail]\nmaildir = "{root}"\n')
    assert fu("add", "Globex", "--at", "2026-11-24 14:00").code == 0
    edited = fu("edit", "1", "--domain", "@Globex.example ")
    assert edited.code == 0 and "mail domain (none) → “globex.example”" in edited.out
    assert "mail domain: globex.example" in fu("show", "1").out
    bad = fu("edit", "1", "--domain", "not a domain")
    assert bad.code == 2 and "is not a mail domain" in bad.err
    maildir(root, "INBOX", message("Kim <kim@globex.example>", ME, "Hi", "Next round?", at="2026-11-25T08:00:00+00:00"))
    assert "by domain kim@globex.example (0.6)" in scan(fu, "--dry-run")

    exported = json.loads(fu("export").out)
    assert exported["cards"][0]["domain"] == "globex.example"
    assert fu("undo").code == 0  # the edit is one journaled change
    assert "nothing new to review" in scan(fu, "--dry-run")
    (tmp_path / "export.json").write_text(json.dumps(exported))
    monkeypatch.setenv("FOLLOWUP_DB", str(tmp_path / "other.db"))
    assert fu("import", tmp_path / "export.json").code == 0
    assert json.loads(fu("export").out)["cards"][0]["domain"] == "globex.example"


def test_a_proposal_on_a_card_closed_since_stays_for_review(mail, fu, tmp_path):
    maildir(mail, "INBOX", message(JANE, ME, "Re: hi", "Sure.", at="2026-11-25T09:30:00+00:00"))
    scan(fu)
    assert fu("close", "1", "--outcome", "withdrawn").code == 0
    review = fu("mail", "review", stdin="y\n")
    assert review.code == 0 and "not logged:" in review.out and "closed" in review.out, review.out
    assert contacts(tmp_path) == [] and len(json.loads(fu("mail", "list", "--json").out)) == 1


def test_a_scan_numbers_its_proposals_as_accept_knows_them(mail, fu, tmp_path):
    maildir(mail, "INBOX", message(JANE, ME, "first", "Thanks.", at="2026-11-25T08:00:00+00:00"))
    scan(fu)
    fu("mail", "reject", "1")
    maildir(mail, "INBOX", message(JANE, ME, "second", "Thanks again.", at="2026-11-25T09:00:00+00:00"))
    out = scan(fu)
    line = next(line for line in out.splitlines() if "reply from" in line)
    number = line.split()[0]
    assert number == "2" and line.split()[1].startswith("#")  # the proposal's number, then the card's
    assert "next: followup mail review (or followup mail accept N)" in out
    assert fu("mail", "accept", number).code == 0
    assert [c[2] for c in contacts(tmp_path)] == ["reply"]


def test_since_a_future_day_is_refused(mail, fu):
    refused = fu("mail", "scan", "--since", "in 3 days")
    assert refused.code == 1 and refused.err.count("\n") == 1 and "--since" in refused.err and "future" in refused.err
