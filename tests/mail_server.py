"""A real IMAP server for the mail tests: Dovecot on 127.0.0.1, started and stopped by a fixture.

Its config, passwd-file, logs and runtime folder live in the test's temp dir; it runs in the
foreground (`dovecot -F -c CONFIG`) as the current user, listening on random ports: plain IMAP
(STARTTLS offered) and IMAP over TLS with a certificate from a throwaway authority (trustme).

One thing cannot stay in pytest's temp dir: Dovecot refuses to touch mail as root, so the mail
itself is read and written by its processes as `nobody`, who cannot enter pytest's private
(0700) folders. The mailboxes therefore live in their own folder made with mkdtemp in the
system temp dir, owned by nobody, and removed with the server.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

MAIL_USER = "nobody"
USERS = 100  # mailboxes ready on one server (a module's tests take one each)


def dovecot() -> str | None:
    return shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ImapServer:
    def __init__(self, folder: Path):
        import trustme

        self.folder = folder
        self.port, self.tls_port = free_port(), free_port()
        self.ca = trustme.CA()
        self.ca_file = folder / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(folder / "key.pem"))
        cert.cert_chain_pems[0].write_to_path(str(folder / "cert.pem"))
        owner = pwd.getpwnam(MAIL_USER)
        self.mail_root = Path(tempfile.mkdtemp(prefix="followup-imap-"))
        os.chown(self.mail_root, owner.pw_uid, owner.pw_gid)
        self.passwd = folder / "passwd"  # every user written at once: Dovecot re-reads the file by its mtime
        self.passwd.write_text("".join(f"user{n}:{{PLAIN}}secret-{n}\n" for n in range(1, USERS + 1)))
        self.log = folder / "dovecot.log"
        self.config = folder / "dovecot.conf"
        self.config.write_text(self._config(owner))
        self.users = 0
        self.process: subprocess.Popen | None = None

    def _config(self, owner) -> str:
        f = self.folder
        (f / "run").mkdir()
        (f / "state").mkdir()
        return f"""
base_dir = {f}/run
state_dir = {f}/state
instance_name = followup-test-{self.port}
log_path = {self.log}
info_log_path = {self.log}
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{f}/cert.pem
ssl_key = <{f}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = root
default_internal_group = root
mail_uid = {owner.pw_uid}
mail_gid = {owner.pw_gid}
mail_location = maildir:{self.mail_root}/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {self.passwd}
}}
userdb {{
  driver = static
  args = home={self.mail_root}/%u
}}
service anvil {{
  # no "auth penalty": Dovecot would slow every login after a failed one (a test of a refused login)
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
"""

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [dovecot(), "-F", "-c", str(self.config)], stdout=log, stderr=log, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopped at start: {self.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.tls_port), timeout=1).close()
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen within 15 s: {self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.mail_root, ignore_errors=True)

    def new_user(self) -> tuple[str, str]:
        """A user with an empty mailbox (INBOX and Sent): (name, password)."""
        self.users += 1
        assert self.users <= USERS, "more users than tests/mail_server.py makes: raise USERS"
        name, password = f"user{self.users}", f"secret-{self.users}"
        with self.connect(name, password) as imap:
            imap.create("Sent")
        return name, password

    def connect(self, user: str, password: str) -> imaplib.IMAP4_SSL:
        """The test's own look at the server (over TLS, trusting the test authority)."""
        context = ssl.create_default_context(cafile=str(self.ca_file))
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.tls_port, ssl_context=context, timeout=10)
        imap.login(user, password)
        return imap

    def deliver(self, user: str, password: str, folder: str, data: bytes, flags: str = "") -> None:
        with self.connect(user, password) as imap:
            typ, said = imap.append(folder, f"({flags})" if flags else None, None, data)
            assert typ == "OK", said

    def flags(self, user: str, password: str, folder: str) -> dict[int, set[str]]:
        """Every message's flags, read without changing any (EXAMINE)."""
        with self.connect(user, password) as imap:
            imap.select(folder, readonly=True)
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            found = {}
            for line in data:
                if not line:
                    continue
                text = line.decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                found[uid] = set(text.split("FLAGS (")[1].split(")")[0].split())
            return found


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory):
    """Dovecot on 127.0.0.1 for the tests of one module (each test takes its own user)."""
    if dovecot() is None:
        pytest.skip(
            "DOVECOT IS NOT INSTALLED: the IMAP tests need it (.ci/run installs Debian's dovecot-imapd); "
            "install it with: apt-get install -y --no-install-recommends dovecot-imapd",
        )
    server = ImapServer(tmp_path_factory.mktemp("dovecot"))
    try:
        server.start()
        yield server
    finally:
        server.stop()
