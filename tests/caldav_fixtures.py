"""A real CalDAV server for the sync tests: Radicale on 127.0.0.1, and a counting proxy in front of it.

Radicale runs as a subprocess (`python -m radicale`) on a free port, with its storage, config and
htpasswd file (user `alex`, password `secret`) in the test's temporary folder; the fixture stops it.
The proxy forwards every request to it unchanged and records what passed (method, path, the
If-Match / If-None-Match headers, the status), so a test can count the writes a sync sent; a
`before` hook runs just before a request is forwarded (a change made "in between").
"""

from __future__ import annotations

import http.client
import http.server
import logging
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

USER, PASSWORD = "alex", "secret"
# how the tests' config asks for the password: a command (a word list, run without a shell)
PASSWORD_COMMAND = [sys.executable, "-c", f"print({PASSWORD!r})"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server stopped at start (exit {process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


@dataclass
class Radicale:
    port: int
    folder: Path
    process: subprocess.Popen

    tls: bool = False

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    def client(self):
        import caldav

        logging.getLogger("caldav").setLevel(logging.CRITICAL)
        trust = str(self.folder / "cert.pem") if self.tls else True
        return caldav.DAVClient(
            url=self.url, username=USER, password=PASSWORD, enable_rfc6764=False, timeout=10, ssl_verify_cert=trust
        )


def start_radicale(folder: Path, tls: bool = False) -> Radicale:
    """Radicale on a free port; with `tls`, over HTTPS with a certificate of its own (folder/cert.pem)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "users").write_text(f"{USER}:{PASSWORD}\n", encoding="utf-8")
    port = free_port()
    secure = ""
    if tls:
        self_signed(folder / "cert.pem", folder / "key.pem")
        secure = f"ssl = True\ncertificate = {folder / 'cert.pem'}\nkey = {folder / 'key.pem'}\n"
    (folder / "config").write_text(
        f"""[server]
hosts = 127.0.0.1:{port}
{secure}[auth]
type = htpasswd
htpasswd_filename = {folder / "users"}
htpasswd_encryption = plain
# Radicale waits about a second after each 401 (against password guessing): not wanted in tests
delay = 0
[rights]
type = owner_only
[storage]
filesystem_folder = {folder / "collections"}
[web]
type = none
[logging]
level = warning
""",
        encoding="utf-8",
    )
    log = (folder / "radicale.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(folder / "config")], stdout=log, stderr=log
    )
    try:
        wait_for_port(port, process)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return Radicale(port, folder, process, tls)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def radicale(tmp_path_factory) -> Iterator[Radicale]:
    """One Radicale for the test session (each test has a calendar of its own on it); conftest.py
    offers it to every module."""
    server = start_radicale(tmp_path_factory.mktemp("radicale"))
    yield server
    stop(server.process)


@pytest.fixture(scope="module")
def radicale_tls(tmp_path_factory) -> Iterator[Radicale]:
    """Radicale over HTTPS, with a self-signed certificate for 127.0.0.1 (its cert.pem)."""
    server = start_radicale(tmp_path_factory.mktemp("radicale-tls"), tls=True)
    yield server
    stop(server.process)


def self_signed(cert: Path, key: Path) -> None:
    """A certificate for 127.0.0.1 that no one vouches for (cryptography comes with keyring's SecretStorage)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )


# --- the counting proxy ---------------------------------------------------------------------------

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "proxy-connection", "te", "upgrade"}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    condition: dict[str, str]  # If-Match / If-None-Match as sent
    status: int


@dataclass
class Proxy:
    server: http.server.ThreadingHTTPServer
    target: int
    seen: list[Seen] = field(default_factory=list)
    before: Callable[[str, str], None] | None = None  # (method, path), just before forwarding
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def writes(self) -> list[Seen]:
        return [s for s in self.seen if s.method in ("PUT", "DELETE", "MKCALENDAR", "MKCOL", "PROPPATCH")]

    def clear(self) -> None:
        self.seen.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=10)


def _handler(proxy: Proxy) -> type[http.server.BaseHTTPRequestHandler]:
    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if proxy.before is not None:
                proxy.before(self.command, self.path)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            upstream = http.client.HTTPConnection("127.0.0.1", proxy.target, timeout=30)
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                answer = upstream.getresponse()
                data = answer.read()
            finally:
                upstream.close()
            condition = {k: v for k, v in self.headers.items() if k.lower() in ("if-match", "if-none-match")}
            proxy.seen.append(Seen(self.command, self.path, condition, answer.status))
            self.send_response_only(answer.status, answer.reason)
            for name, value in answer.getheaders():
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = forward
        do_MKCALENDAR = do_MKCOL = do_PROPPATCH = do_HEAD = do_POST = forward

        def log_message(self, *args) -> None:
            pass

    return Forward


def start_proxy(target: int) -> Proxy:
    """A recording proxy on 127.0.0.1 in front of the server on port `target`; stop it with close()."""
    found = Proxy(None, target)  # type: ignore[arg-type]
    found.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    # a short poll: shutdown() waits for it, and each test closes its proxy
    found.thread = threading.Thread(target=found.server.serve_forever, args=(0.02,), daemon=True)
    found.thread.start()
    return found


@pytest.fixture
def proxy(radicale) -> Iterator[Proxy]:
    """A proxy on 127.0.0.1 in front of Radicale that records every request."""
    found = start_proxy(radicale.port)
    yield found
    found.close()


# --- configuring the sync -------------------------------------------------------------------------


def config_text(url: str, calendar: str | None = None, **extra: object) -> str:
    """A config.toml [caldav] table for `url` (a calendar of the test's own unless named)."""
    values = {
        "url": url,
        "username": USER,
        "calendar": calendar or f"followups-{uuid.uuid4().hex[:8]}",
        "password_command": PASSWORD_COMMAND,
        **extra,
    }
    lines = ["[caldav]"]
    for key, value in values.items():
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, (int, float)):
            lines.append(f"{key} = {value}")
        elif isinstance(value, list):
            lines.append(f"{key} = [{', '.join(_toml_string(v) for v in value)}]")
        else:
            lines.append(f"{key} = {_toml_string(value)}")
    return "\n".join(lines) + "\n"


def _toml_string(value: object) -> str:
    import json

    return json.dumps(str(value))


def configure(tmp_path: Path, url: str, **extra: object) -> str:
    """Write config.toml (FOLLOWUP_CONFIG, conftest.py) for a sync to `url`; returns the calendar's name."""
    text = config_text(url, **extra)
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    return next(line.split(" = ", 1)[1].strip('"') for line in text.splitlines() if line.startswith("calendar"))
