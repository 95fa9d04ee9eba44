"""An IMAP server, read-only, through IMAPClient.

Folders are opened with EXAMINE (`select_folder(readonly=True)`) and messages read with
BODY.PEEK, so a scan changes no flag on the server: what was unread stays unread. TLS by
default (`tls = "tls"`, port 993; `"starttls"` upgrades port 143), checked against the system's
certificates or `cafile`; `"none"` only for a server on this machine. Every failure (a name
that does not resolve, a refused login, a certificate that does not verify, a server that does
not answer within `timeout`) is one line.

Incremental: a folder's mark is its UIDVALIDITY and the highest UID read; a re-scan asks only
for UIDs above it. A new UIDVALIDITY (the server renumbered the folder) reads it all again; the
Message-IDs already proposed keep each message proposed once.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ...domain.mailconfig import Imap
from .errors import MailError
from .message import Headers, read_headers

BATCH = 500  # messages per FETCH
HEADERS = b"BODY[HEADER]"
BODY_LIMIT = 2 * 1024 * 1024
NO_DATE = datetime(1970, 1, 1, tzinfo=UTC)  # a message without a date of any kind counts for no card


class Session:
    """One logged-in connection, shared by the folders of a scan."""

    def __init__(self, settings: Imap, password: str):
        self.settings = settings
        self.where = f"{settings.host}:{settings.port}"
        self.client: IMAPClient
        with self.failures("connect to"):
            self.client = self._connect()
        try:
            with self.failures("log in to"):
                self.client.login(settings.username, password)
        except BaseException:
            self.close()
            raise
        self.client.normalise_times = False  # INTERNALDATE with its offset, not local wall time

    def _connect(self) -> IMAPClient:
        s = self.settings
        context = ssl.create_default_context(cafile=s.cafile or None)
        if s.tls == "tls":
            return IMAPClient(s.host, s.port, ssl=True, ssl_context=context, timeout=s.timeout)
        client = IMAPClient(s.host, s.port, ssl=False, timeout=s.timeout)
        if s.tls == "starttls":
            try:
                client.starttls(context)
            except BaseException:
                client.shutdown()
                raise
        return client

    def folders(self) -> list[ImapFolder]:
        with self.failures("list the folders of"):
            listed = {name: flags for flags, _, name in self.client.list_folders()}
        found = []
        for name in self.settings.folders:
            if name not in listed:
                known = ", ".join(sorted(listed)) or "none"
                raise MailError(f"IMAP folder {name!r} is not on {self.settings.host} (its folders: {known})")
            sent = name.casefold() in self.settings.sent or b"\\Sent" in listed[name]
            found.append(ImapFolder(self, name, sent))
        return found

    def close(self) -> None:
        try:
            self.client.logout()
        except Exception:  # noqa: BLE001 (already gone: nothing to tidy)
            with contextlib.suppress(Exception):
                self.client.shutdown()

    @contextlib.contextmanager
    def failures(self, doing: str) -> Iterator[None]:
        """What the network, TLS and the server raise, as one MailError line."""
        try:
            yield
        except MailError:
            raise
        except Exception as exc:  # noqa: BLE001 (what is not ours to explain goes on as it is)
            message = _explain(exc, self.settings)
            if message is None:
                raise
            raise MailError(f"cannot {doing} {self.where}: {message}") from None


def _explain(exc: BaseException, s: Imap) -> str | None:
    if isinstance(exc, socket.gaierror):
        return f"the name {s.host!r} does not resolve ({exc.strerror})"
    if isinstance(exc, ssl.SSLCertVerificationError):
        hint = " (set mail.imap.cafile for a server with its own certificate authority)"
        return f"TLS failure: the certificate does not verify ({exc.verify_message}){hint}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS failure ({exc.reason or exc})"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"no answer within {s.timeout:g} s (mail.imap.timeout)"
    if isinstance(exc, LoginError):
        return f"the server refused the login for {s.username!r} ({_text(exc)})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the port right?)"
    if isinstance(exc, IMAPClientError | OSError) or type(exc).__module__ == "imaplib":
        return _text(exc) or type(exc).__name__
    return None


def _text(exc: BaseException) -> str:
    text = str(exc.args[0] if exc.args else exc)
    if text.startswith("b'") or text.startswith('b"'):
        text = text[2:-1]
    return " ".join(text.split())


class ImapFolder:
    def __init__(self, session: Session, name: str, sent: bool):
        self.session = session
        self.name = name
        self.sent = sent
        s = session.settings
        self.source = f"imap:{s.username}@{s.host}:{s.port}/{name}"
        self.mark_after: dict = {}

    def _examine(self) -> dict:
        with self.session.failures(f"open {self.name!r} on"):
            return self.session.client.select_folder(self.name, readonly=True)  # EXAMINE: read-only

    def new_headers(self, mark: dict | None, since: datetime | None) -> Iterator[tuple[int, Headers]]:
        info = self._examine()
        validity = int(info.get(b"UIDVALIDITY", 0))
        last = int(mark["last"]) if mark and mark.get("uidvalidity") == validity and since is None else 0
        client = self.session.client
        with self.session.failures(f"search {self.name!r} on"):
            criteria = ["SINCE", since.date()] if since is not None else (["UID", f"{last + 1}:*"] if last else "ALL")
            uids = sorted(u for u in client.search(criteria) if u > last)
        high = max([last, *uids])
        for start in range(0, len(uids), BATCH):
            with self.session.failures(f"read {self.name!r} on"):
                fetched = client.fetch(uids[start : start + BATCH], ["BODY.PEEK[HEADER]", "INTERNALDATE"])
            for uid, data in sorted(fetched.items()):
                headers = read_headers(data.get(HEADERS) or b"", _arrived(data.get(b"INTERNALDATE")))
                if headers is not None and (since is None or headers.at >= since):
                    yield uid, headers
        self.mark_after = {"uidvalidity": validity, "last": high}

    def bodies(self, uids: list[int]) -> dict[int, bytes]:
        self._examine()
        found: dict[int, bytes] = {}
        for start in range(0, len(uids), BATCH):
            with self.session.failures(f"read {self.name!r} on"):
                fetched = self.session.client.fetch(uids[start : start + BATCH], [f"BODY.PEEK[]<0.{BODY_LIMIT}>"])
            for uid, data in fetched.items():
                found[uid] = next((v for k, v in data.items() if k.startswith(b"BODY[]")), b"") or b""
        return found


def _arrived(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return NO_DATE
