"""What goes wrong on the way to the calendar is one line on stderr, exit 1 (could not) or 2 (change
the configuration), and changes nothing. Each server here is real and on 127.0.0.1: Radicale
(over HTTPS with a certificate of its own too), a plain web server, a socket that never answers,
a port where nothing listens.
"""

from __future__ import annotations

import http.server
import json
import socket
import sys
import threading

import keyring
import pytest
from caldav_fixtures import PASSWORD, USER, configure, free_port, radicale_tls  # noqa: F401  (a fixture)
from keyring.backend import KeyringBackend

from followup_tui.integrations.calsync import KEYRING_SERVICE


def one_line_error(result, code: int, *words: str) -> str:
    assert result.code == code, (result.out, result.err)
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("followup: error: "), result.err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def card(fu):
    result = fu("add", "Acme", "--at", "2026-11-26 08:00")
    assert result.code == 0
    return result.out.strip()


def test_no_url_set_says_how_to_set_it(fu, card):
    one_line_error(fu("sync"), 2, "caldav.url is not set", "followup config caldav.url")


def test_a_bad_url_is_a_config_error(fu, tmp_path, card):
    configure(tmp_path, "htp:/dav.example.com")
    one_line_error(fu("sync"), 2, "caldav.url must be an http:// or https:// address")


def test_a_server_that_is_down(fu, tmp_path, card):
    configure(tmp_path, f"http://127.0.0.1:{free_port()}/")
    one_line_error(fu("sync"), 1, "cannot reach http://127.0.0.1:", "connection refused")
    said = json.loads((tmp_path / "followup.db-sync").read_text())  # what the board's header shows
    assert said["ok"] is False and "connection refused" in said["line"]


def test_a_wrong_password(fu, tmp_path, card, radicale):
    configure(tmp_path, radicale.url, password_command=[sys.executable, "-c", "print('guess')"])
    one_line_error(fu("sync"), 1, "refused the username or password (401 Unauthorized)")


def test_tls_that_cannot_be_trusted_and_ca_file_that_trusts_it(fu, tmp_path, card, radicale_tls):  # noqa: F811
    configure(tmp_path, radicale_tls.url)
    one_line_error(fu("sync"), 1, "TLS failed with https://127.0.0.1:", "certificate verify failed", "caldav.ca_file")
    configure(tmp_path, radicale_tls.url, ca_file=str(radicale_tls.folder / "cert.pem"))
    result = fu("sync")
    assert result.code == 0, result.err
    assert "1 created" in result.out


def test_https_to_a_plain_http_server(fu, tmp_path, card, radicale):
    configure(tmp_path, radicale.url.replace("http://", "https://"))
    one_line_error(fu("sync"), 1, "TLS failed with https://127.0.0.1:")


def test_a_server_that_never_answers(fu, tmp_path, card):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # takes the connection, then says nothing
        configure(tmp_path, f"http://127.0.0.1:{silent.getsockname()[1]}/", timeout=1)
        one_line_error(fu("sync"), 1, "did not answer within 1 s (caldav.timeout)")


class Website(http.server.BaseHTTPRequestHandler):
    """A web site: GET answers a page; anything else (PROPFIND, REPORT) is 501, as http.server says."""

    def do_GET(self) -> None:
        page = b"<html><body>hello</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def web_server():
    """A plain web server on 127.0.0.1: no WebDAV at all."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Website)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def test_a_server_that_does_not_speak_caldav(fu, tmp_path, card, web_server):
    configure(tmp_path, web_server)
    one_line_error(fu("sync"), 1, "does not speak CalDAV")


def test_a_calendar_url_that_is_not_a_calendar(fu, tmp_path, card, radicale):
    configure(tmp_path, radicale.url, calendar=f"/{USER}/")
    one_line_error(fu("sync"), 2, f"caldav.calendar /{USER}/ is not a calendar on the server")


# --- the password --------------------------------------------------------------------------------


def test_a_password_command_that_fails(fu, tmp_path, card, radicale):
    command = [sys.executable, "-c", "import sys; sys.stderr.write('gpg: decryption failed\\n'); sys.exit(2)"]
    configure(tmp_path, radicale.url, password_command=command)
    one_line_error(fu("sync"), 1, "the password command", "failed (exit 2): gpg: decryption failed")


def test_a_password_command_that_is_not_there(fu, tmp_path, card, radicale):
    configure(tmp_path, radicale.url, password_command="no-such-password-tool show dav")
    one_line_error(fu("sync"), 2, "the password command 'no-such-password-tool' was not found")


def test_the_password_command_is_run_without_a_shell(fu, tmp_path, card, radicale):
    spliced = tmp_path / "spliced"
    command = f"{sys.executable} -c \"import sys; print(sys.argv[1])\" '{PASSWORD}; touch {spliced}'"
    configure(tmp_path, radicale.url, password_command=command)
    one_line_error(fu("sync"), 1, "refused the username or password")  # the words, as one argument
    assert not spliced.exists()


class Memory(KeyringBackend):
    """A keyring backend holding its passwords in memory (keyring's own plug-in interface)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def keyring_backend():
    before = keyring.get_keyring()
    backend = Memory()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def test_the_password_from_the_system_keyring(fu, tmp_path, card, radicale, keyring_backend):
    configure(tmp_path, radicale.url, password_command="")
    one_line_error(fu("sync"), 2, f"no password for '{USER}' in the system keyring", f"keyring set {KEYRING_SERVICE}")
    keyring_backend.set_password(KEYRING_SERVICE, USER, PASSWORD)
    result = fu("sync")
    assert result.code == 0, result.err
    assert "1 created" in result.out


def test_no_keyring_at_all(fu, tmp_path, card, radicale):
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        configure(tmp_path, radicale.url, password_command="")
        one_line_error(fu("sync"), 2, "no password command is set and no system keyring is available")
    finally:
        keyring.set_keyring(before)


def test_a_password_in_config_toml_is_refused(fu, tmp_path, card):
    (tmp_path / "config.toml").write_text('[caldav]\nurl = "https://dav.example.com/"\npassword = "hunter2"\n')
    line = one_line_error(fu("sync"), 2, "a password is never kept in config.toml", "password_command")
    assert "hunter2" not in line
