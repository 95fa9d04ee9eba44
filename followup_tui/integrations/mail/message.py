"""A message's headers and readable text, from its bytes, whatever they hold.

Mail is hostile input: a broken header, an unknown charset, a bad encoded word or a Date from the
year 40000 must never stop a scan. Headers are parsed leniently (compat32, no structured header
objects) and each field is decoded on its own; a field that cannot be read is left empty, a
message whose headers cannot be read at all is skipped. Only the headers are read for matching;
the text is read for the few messages that matched a card, and quoted or forwarded parts are cut
off so that your own words, quoted back to you, do not decide what *they* wrote.
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from html.parser import HTMLParser

MAX_TEXT = 20_000  # characters of a message's text that classification reads
_MESSAGE_ID = re.compile(r"<[^<>\s]+>")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


@dataclass(frozen=True)
class Headers:
    message_id: str
    at: datetime  # the Date header, else when the message arrived
    sender: str  # address, lower case ('' when unreadable)
    sender_name: str
    recipients: tuple[str, ...]  # To and Cc addresses, lower case
    subject: str
    replies_to: tuple[str, ...]  # Message-IDs from In-Reply-To, then References (nearest first)
    automatic: str  # why it looks sent by a machine (an Auto-Submitted header...), or ''

    @property
    def from_line(self) -> str:
        return f"{self.sender_name} <{self.sender}>" if self.sender_name else f"<{self.sender}>"


@dataclass(frozen=True)
class Body:
    text: str  # the message's own words: plain text (or the HTML's), without quoted or forwarded parts
    calendar: bool  # carries a calendar invitation (text/calendar or an .ics file)


def read_headers(data: bytes, arrived: datetime) -> Headers | None:
    """The headers of a raw message (`arrived`: when the folder got it); None if they are unreadable."""
    try:
        message = BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    except Exception:  # noqa: BLE001 (hostile input: anything may fail; the message is skipped)
        return None
    at = _date(_field(message, "Date")) or arrived
    sender_name, sender = _addresses(_field(message, "From"), named=True)[0] if _field(message, "From") else ("", "")
    recipients = tuple(a for _, a in _addresses(_field(message, "To"), _field(message, "Cc")) if a)
    subject = _decoded(_field(message, "Subject"))
    message_id = _ids(_field(message, "Message-ID"))
    return Headers(
        message_id=message_id[0] if message_id else _made_up_id(at, sender, subject, data),
        at=at,
        sender=sender,
        sender_name=sender_name,
        recipients=recipients,
        subject=subject,
        replies_to=tuple(
            dict.fromkeys(_ids(_field(message, "In-Reply-To")) + _ids(_field(message, "References"))[::-1])
        ),
        automatic=_automatic(message),
    )


def read_body(data: bytes) -> Body:
    """The text a person wrote in the message, for classifying it; empty when it cannot be read."""
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
        plain, html, calendar = [], [], False
        for part in message.walk():
            kind = part.get_content_type()
            name = (part.get_filename() or "").casefold()
            if kind == "text/calendar" or name.endswith(".ics"):
                calendar = True
            elif part.is_attachment() or part.is_multipart():
                continue
            elif kind == "text/plain":
                plain.append(_content(part))
            elif kind == "text/html":
                html.append(_html_text(_content(part)))
        text = "\n".join(plain) if any(t.strip() for t in plain) else "\n".join(html)
        return Body(own_words(text)[:MAX_TEXT], calendar)
    except Exception:  # noqa: BLE001 (hostile input: classify it by its subject alone)
        return Body("", False)


# --- the parts -----------------------------------------------------------------------------------


def _field(message, name: str) -> str:
    """A header's raw text ('' when absent or unreadable); the first, if it comes twice."""
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception:  # noqa: BLE001
        return ""


def _decoded(raw: str) -> str:
    """A header with its encoded words (=?utf-8?b?...?=) decoded, on one line."""
    try:
        text = str(email.header.make_header(email.header.decode_header(raw)))
    except Exception:  # noqa: BLE001 (a bad encoded word or charset: keep the raw text)
        text = raw
    return " ".join(text.split())


def _addresses(*fields: str, named: bool = False) -> list[tuple[str, str]]:
    """(name, lower-case address) for each well-formed address in the fields; [('', '')] if none."""
    found = []
    try:
        pairs = email.utils.getaddresses([f for f in fields if f])
    except Exception:  # noqa: BLE001
        pairs = []
    for name, address in pairs:
        address = address.strip().casefold()
        if _ADDRESS.match(address):
            found.append((_decoded(name) if named else "", address))
    return found or [("", "")]


def _ids(raw: str) -> list[str]:
    return _MESSAGE_ID.findall(raw)[:100]  # a References header can be long; the nearest ones are enough


def _thread(message) -> tuple[str, ...]:
    """The Message-IDs this one answers: In-Reply-To, then References from the nearest."""
    return tuple(dict.fromkeys(_ids(_field(message, "In-Reply-To")) + _ids(_field(message, "References"))[::-1]))


def _date(raw: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except Exception:  # noqa: BLE001 (no date, or one that is not a date)
        return None
    if when.tzinfo is None:  # RFC 5322's -0000: a time whose zone is unknown; read it as UTC
        when = when.replace(tzinfo=UTC)
    try:
        when = when.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return when if 1970 <= when.year <= 2999 else None


def _made_up_id(at: datetime, sender: str, subject: str, data: bytes) -> str:
    """A stable stand-in for a message without a Message-ID, so it too is proposed once."""
    digest = hashlib.sha256(f"{at.isoformat()}\0{sender}\0{subject}\0".encode() + data[:4096]).hexdigest()[:32]
    return f"<{digest}@no-message-id.followup-tui>"


def _automatic(message) -> str:
    auto = _field(message, "Auto-Submitted").strip().casefold()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if _field(message, "X-Autoreply") or _field(message, "X-Autorespond"):
        return "an autoreply header"
    precedence = _field(message, "Precedence").strip().casefold()
    if precedence in ("bulk", "junk", "auto_reply"):
        return f"Precedence: {precedence}"
    return ""


def _content(part) -> str:
    try:
        return part.get_content()
    except Exception:  # noqa: BLE001 (an unknown charset, a broken transfer encoding)
        payload = part.get_payload(decode=True) or b""
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)


class _Text(HTMLParser):
    """The words of an HTML message, without its styles and scripts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("style", "script", "head"):
            self._hidden += 1
        elif tag in ("br", "p", "div", "tr", "li", "blockquote"):
            self.words.append("\n")
        if tag == "blockquote":
            self.words.append("> ")  # a quoted part: cut off with the rest of the quote

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.append(data)


def _html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.words)


# Where the message's own words end: the start of a quote or of a forwarded message.
_QUOTE_STARTS = re.compile(
    r"^\s*(?:>|on .{0,200} wrote:\s*$|am .{0,200} schrieb .{0,120}:\s*$|le .{0,200} a écrit\s*:\s*$|"
    r"-{2,}\s*(?:original message|forwarded message|mensaje original|message d'origine|ursprüngliche nachricht)"
    r"|begin forwarded message:|from:\s.+@|de\s?:\s.+@|von:\s.+@)",
    re.IGNORECASE,
)


def own_words(text: str) -> str:
    """The text up to the first quoted line, 'On … wrote:' or forwarded message."""
    kept = []
    for line in text.splitlines():
        if _QUOTE_STARTS.match(line):
            break
        kept.append(line)
    return "\n".join(kept)
