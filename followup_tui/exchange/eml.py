"""A draft as mail clients open it: an RFC 5322 message file, or a mailto: URL (README "Mail").

`followup draft ID --eml FILE` writes the draft to the person it is for (their linked email), from
`[me]`, with its subject and body: `mutt -H FILE` (and neomutt) opens it as a message to send,
Thunderbird and other clients open the .eml file (`X-Unsent: 1` asks them to treat it as a
draft). `--mailto` prints a `mailto:` URL (RFC 6068) that a browser, `xdg-open` or `aerc` takes.
Talking points for a call or a meeting are not mail.
"""

from __future__ import annotations

import email.policy
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import quote

from ..domain.config import Me
from ..domain.drafts import Draft
from ..domain.model import CardBundle

MAX_LINE = 998  # RFC 5322's limit, not 78: lines stay whole
_POLICY = email.policy.default.clone(max_line_length=MAX_LINE)


class NotMail(ValueError):
    """Talking points for a call or a meeting: nothing to send by mail."""


def addressee(bundle: CardBundle, draft: Draft) -> tuple[str, str]:
    """(name, email) of the person the draft is for; the email is '' when none is linked."""
    name = draft.to or ""
    person = next((p for p in bundle.people if p.name == name), None)
    return name, (person.email.strip() if person else "")


def eml(draft: Draft, to: tuple[str, str], me: Me, now: datetime) -> bytes:
    """The draft as a message file: To, From (when [me] email is set), Subject, Date, the body."""
    _check(draft)
    message = EmailMessage(policy=_POLICY)
    if to[1]:
        message["To"] = formataddr(to)
    if me.email:
        message["From"] = formataddr((me.name, me.email))
    message["Subject"] = draft.subject
    message["Date"] = format_datetime(now.astimezone())
    message["X-Unsent"] = "1"
    body = draft.body + "\n"
    plain = all(len(line) <= MAX_LINE for line in body.splitlines())
    message.set_content(body, cte="8bit" if plain else "quoted-printable")  # 8bit: mutt -H edits it as it is
    return message.as_bytes()


def mailto(draft: Draft, to: tuple[str, str]) -> str:
    """mailto:ADDRESS?subject=…&body=… (every reserved character escaped, lines as %0D%0A)."""
    _check(draft)
    body = draft.body.replace("\r\n", "\n").replace("\n", "\r\n")
    return f"mailto:{quote(to[1], safe='@')}?subject={quote(draft.subject, safe='')}&body={quote(body, safe='')}"


def _check(draft: Draft) -> None:
    if draft.talking_points:
        raise NotMail(f"the {draft.template} draft is talking points for a {draft.channel} contact, not mail")
