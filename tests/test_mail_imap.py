"""`followup mail scan` against a real IMAP server (Dovecot on 127.0.0.1, tests/mail_server.py): read-only
(no flag changes), incremental by UID, TLS checked, every failure one line."""

from __future__ import annotations

import json
import socket
import sqlite3
import sys
import threading

import keyring
import pytest
from keyring.backend import KeyringBackend
from mail_messages import message
from mail_server import imap_server  # noqa: F401  (the fixture)

ME = "Sam Doe <sam@example.org>"
JANE = "Jane Doe <jane@acme.com>"


@pytest.fixture
def account(imap_server, tmp_path, fu):  # noqa: F811
    """A fresh mailbox on the server, a card for Acme, and a config that reads the mailbox over TLS."""
    user, password = imap_server.new_user()
    secret = tmp_path / "secret"
    secret.write_text(password + "\n")

    def configure(**overrides) -> None:
        imap = {
            "host": "127.0.0.1",
            "port": imap_server.tls_port,
            "username": user,
            "password_command": ["cat", str(secret)],
            "cafile": str(imap_server.ca_file),
            "timeout": 5,
            **overrides,
        }
        lines = [f"{key} = {json.dumps(value)}" for key, value in imap.items() if value is not None]
        (tmp_path / "config.toml").write_text('[me]\nemail = "sam@example.org"\n\n[mail.imap]\n' + "\n".join(lines))

    configure()
    assert fu("add", "Acme", "--role", "SRE", "--at", "2026-11-24 14:00", "--interviewer", JANE).code == 0

    class Account:
        pass

    found = Account()
    found.user, found.password, found.configure = user, password, configure
    found.deliver = lambda folder, data, flags="": imap_server.deliver(user, password, folder, data, flags)
    found.flags = lambda folder: imap_server.flags(user, password, folder)
    return found


def kinds(fu) -> list[tuple[str, str]]:
    return [(p["direction"], p["kind"]) for p in json.loads(fu("mail", "list", "--json").out)]


def test_a_scan_reads_inbox_and_sent_and_changes_no_flag(account, fu, tmp_path):
    account.deliver("INBOX", message(JANE, ME, "Next steps", "Unfortunately we will not be moving forward.",
                                     at="2026-11-25T09:00:00+00:00", message_id="<r@acme.com>"))  # fmt: skip
    account.deliver("INBOX", message(JANE, ME, "Old news", "Hello", at="2026-11-25T08:00:00+00:00"), r"\Seen")
    account.deliver("Sent", message(ME, JANE, "Thank you", "Thank you for your time.", at="2026-11-24T18:00:00+00:00"),
                    r"\Seen")  # fmt: skip
    before = account.flags("INBOX"), account.flags("Sent")
    assert r"\Seen" not in before[0][1]  # the rejection is unread

    out = fu("mail", "scan")
    assert out.code == 0, out.err
    assert "read 3 messages in 2 folders" in out.out and "3 to review" in out.out
    assert (account.flags("INBOX"), account.flags("Sent")) == before  # unread stays unread
    assert kinds(fu) == [("outbound", "thank-you"), ("inbound", "reply"), ("inbound", "rejection")]

    review = fu("mail", "review", stdin="y\nn\ny\n")
    assert review.code == 0, review.err
    rows = sqlite3.connect(tmp_path / "followup.db").execute("SELECT at, kind FROM contacts ORDER BY at").fetchall()
    assert rows == [("2026-11-24T18:00:00+00:00", "thank-you"), ("2026-11-25T09:00:00+00:00", "rejection")]
    assert (account.flags("INBOX"), account.flags("Sent")) == before


def test_a_second_scan_asks_only_for_new_uids(account, fu):
    account.deliver("INBOX", message(JANE, ME, "one", "Thanks.", at="2026-11-25T08:00:00+00:00"))
    assert "1 to review" in fu("mail", "scan").out
    again = fu("mail", "scan").out
    assert "read 0 messages" in again and "nothing new to review" in again
    account.deliver("INBOX", message(JANE, ME, "two", "Next round?", at="2026-11-25T09:00:00+00:00"))
    third = fu("mail", "scan").out
    assert "read 1 message" in third and "1 to review" in third
    everything = fu("mail", "scan", "--since", "2026-11-20").out  # SEARCH SINCE: all again, proposed once
    assert "read 2 messages" in everything and "nothing new to review" in everything
    assert len(kinds(fu)) == 2


def test_starttls_on_the_plain_port(account, fu, imap_server):  # noqa: F811
    account.configure(port=imap_server.port, tls="starttls")
    account.deliver("INBOX", message(JANE, ME, "one", "Thanks.", at="2026-11-25T08:00:00+00:00"))
    result = fu("mail", "scan")
    assert result.code == 0 and "1 to review" in result.out, result.err


def one_line(result, *words: str, code: int = 1) -> None:
    assert result.code == code, (result.out, result.err)
    assert result.err.count("\n") == 1 and result.err.startswith("followup: error: "), result.err
    for word in words:
        assert word in result.err, result.err


def test_a_refused_login_is_one_line(account, fu, tmp_path):
    (tmp_path / "secret").write_text("wrong\n")
    refused = fu("mail", "scan")
    one_line(refused, "cannot log in to 127.0.0.1", "refused the login", account.user)
    assert "wrong" not in refused.err + refused.out  # the password is never printed


def test_a_certificate_that_does_not_verify_is_one_line(account, fu):
    account.configure(cafile=None)  # the server's authority is not one the system trusts
    one_line(fu("mail", "scan"), "TLS failure", "certificate does not verify", "mail.imap.cafile")


def test_tls_against_a_plain_port_is_one_line(account, fu, imap_server):  # noqa: F811
    account.configure(port=imap_server.port)
    one_line(fu("mail", "scan"), "TLS failure")


def test_a_name_that_does_not_resolve_is_one_line(account, fu):
    account.configure(host="imap.nonexistent.invalid")
    one_line(fu("mail", "scan"), "imap.nonexistent.invalid", "does not resolve")


def test_a_closed_port_is_one_line(account, fu):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    account.configure(port=port)
    one_line(fu("mail", "scan"), "connection refused")


def test_a_server_that_never_answers_is_one_line(account, fu):
    silent = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def hold() -> None:  # accept, then say nothing (no greeting) until the test ends
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(silent.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    try:
        account.configure(port=silent.getsockname()[1], timeout=1)
        one_line(fu("mail", "scan"), "no answer within 1 s", "mail.imap.timeout")
    finally:
        stop.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        silent.close()


@pytest.mark.parametrize(
    ("command", "says", "code"),
    [
        (["/nonexistent/pass"], "'/nonexistent/pass' was not found", 2),  # the config must change
        (
            [sys.executable, "-c", "import sys; print('locked', file=sys.stderr); sys.exit(3)"],
            "failed (exit 3): locked",
            1,
        ),
        (["true"], "printed no password", 1),
    ],
)
def test_a_password_command_that_fails_is_one_line(account, fu, command, says, code):
    account.configure(password_command=command)
    one_line(fu("mail", "scan"), "mail.imap.password_command", says, code=code)


def test_a_missing_folder_is_one_line(account, fu):
    account.configure(folders=["INBOX", "Sent Items"])
    one_line(fu("mail", "scan"), "'Sent Items' is not on 127.0.0.1", "INBOX", "Sent")


class MemoryKeyring(KeyringBackend):
    """A keyring backend holding its passwords in memory (keyring's own extension point)."""

    priority = 1

    def __init__(self, passwords: dict[tuple[str, str], str]):
        super().__init__()
        self.passwords = passwords

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring({})
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_the_password_from_the_keyring(account, fu, memory_keyring):
    account.configure(password_command=None, keyring="imap.test")
    one_line(
        fu("mail", "scan"),
        f"mail.imap.keyring: no password for '{account.user}' in the system keyring (service 'imap.test')",
        "keyring set imap.test",
        code=2,
    )
    memory_keyring.set_password("imap.test", account.user, account.password)
    account.deliver("INBOX", message(JANE, ME, "one", "Thanks.", at="2026-11-25T08:00:00+00:00"))
    result = fu("mail", "scan")
    assert result.code == 0 and "1 to review" in result.out, result.err
