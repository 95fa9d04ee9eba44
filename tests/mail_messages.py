"""Mail for the mail tests: real RFC 5322 messages, and Maildir folders written with Python's `mailbox`."""

from __future__ import annotations

import mailbox
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path


def message(
    frm: str,
    to: str,
    subject: str,
    body: str = "",
    at: str = "2026-11-24T15:00:00+00:00",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    html: str | None = None,
    calendar: bool = False,
    extra: dict[str, str] | None = None,
    raw_subject: bool = False,
) -> bytes:
    """A message as a mail client would send it (`html` alone: an HTML-only message)."""
    mail = EmailMessage()
    mail["From"] = frm
    mail["To"] = to
    mail["Subject"] = subject
    mail["Date"] = format_datetime(datetime.fromisoformat(at))
    if message_id:
        mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
    if references:
        mail["References"] = references
    for name, value in (extra or {}).items():
        mail[name] = value
    if html is not None and not body:
        mail.set_content(html, subtype="html")
    else:
        mail.set_content(body)
        if html is not None:
            mail.add_alternative(html, subtype="html")
    if calendar:
        mail.add_attachment(
            b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
        )
    data = mail.as_bytes()
    if raw_subject:  # the subject exactly as given (an encoded word written by hand)
        head, _, rest = data.partition(b"\n\n")
        lines = [line for line in head.split(b"\n") if not line.startswith(b"Subject:")]
        data = b"\n".join([*lines, b"Subject: " + subject.encode("ascii")]) + b"\n\n" + rest
    return data


def maildir(root: Path, folder: str, *messages: bytes, seen: bool = False) -> Path:
    """Add messages to a Maildir folder under root (made if missing), as `mailbox` delivers them."""
    path = root / folder
    root.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(path, create=True)
    for data in messages:
        item = mailbox.MaildirMessage(data)
        if seen:
            item.set_subdir("cur")
            item.add_flag("S")
        box.add(item)
    return path
