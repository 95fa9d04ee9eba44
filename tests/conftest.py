"""Shared fixtures: a private database per test, a frozen clock, a fixed zone."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

import pytest
from caldav_fixtures import radicale  # noqa: F401  (one Radicale on 127.0.0.1 for the session)

NOW = "2026-11-26T10:00:00+00:00"
os.environ["TEXTUAL_ANIMATION"] = "none"


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test gets its own database, config and frozen clock, in UTC."""
    monkeypatch.setenv("FOLLOWUP_DB", str(tmp_path / "followup.db"))
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_NOW", NOW)
    set_zone(monkeypatch, "UTC")
    yield
    monkeypatch.undo()  # TZ as it was, and the C library told so, before the next fixture reads the time
    time.tzset()


def set_zone(monkeypatch, zone: str) -> None:
    monkeypatch.setenv("TZ", zone)
    time.tzset()


@pytest.fixture
def zone(monkeypatch):
    """Switch the local time zone for one test: zone('America/New_York')."""
    return lambda name: set_zone(monkeypatch, name)


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def fu(capsys, monkeypatch):
    """Run `followup ARGS...` in-process through the real entry point."""
    from followup_tui.cli.entry import main

    def run(*args: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        with pytest.raises(SystemExit) as exit_info:
            main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(exit_info.value.code or 0, captured.out, captured.err)

    return run


@pytest.fixture
def proc():
    """Run `python -m followup_tui ARGS...` as a real subprocess."""

    def run(*args: str | bytes, env: dict | None = None, stdin: str = "") -> Result:
        done = subprocess.run(
            [sys.executable, "-m", "followup_tui", *(a if isinstance(a, bytes) else str(a) for a in args)],
            capture_output=True,
            text=True,
            input=stdin,
            env={**os.environ, **(env or {})},
            timeout=60,
        )
        return Result(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "followup.db"


@pytest.fixture(scope="session")
def seeded(tmp_path_factory) -> Path:
    """A realistic database of 150 cards (bench/seed.py) as of 2026-11-26 10:00 UTC. Copy it before writing."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from datetime import datetime

    from seed import seed

    path = tmp_path_factory.mktemp("seeded") / "followup.db"
    zone = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"  # its plans are for the zone the tests run in (`isolated`), whatever ran before
    time.tzset()
    try:
        seed(path, 150, datetime(2026, 11, 26, 10, tzinfo=UTC))
    finally:
        if zone is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = zone
        time.tzset()
    return path


@pytest.fixture
def memory_keyring():
    """The system keyring replaced by one in memory (keyring's own extension point) for one test."""
    import keyring
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()
            self.passwords: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.passwords.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.passwords[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.passwords.pop((service, username), None)

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
