"""Where a server's password comes from: a command the user names, or the system keyring.

Never config.toml (config.py refuses a `password` key there). The command is run as a list of
words, never through a shell: a string is split as a shell would split it (`pass show "my dav"`),
and nothing else is spliced into it. Its first line of output is the password, as `pass` prints it.
"""

from __future__ import annotations

import shlex
import subprocess


class PasswordError(Exception):
    """No password to be had; `code` 2 when the configuration must change, else 1."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


def password(command: str | list[str], service: str, username: str, timeout: float = 30) -> str:
    """From `command` when one is configured, else from the keyring under (service, username)."""
    return from_command(command, timeout) if command else from_keyring(service, username)


def from_command(command: str | list[str], timeout: float = 30) -> str:
    words = shlex.split(command) if isinstance(command, str) else list(command)
    if not words:
        raise PasswordError("the password command is empty", 2)
    name = words[0]
    try:
        done = subprocess.run(words, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except FileNotFoundError:
        raise PasswordError(f"the password command {name!r} was not found", 2) from None
    except PermissionError:
        raise PasswordError(f"the password command {name!r} cannot be run (permission denied)", 2) from None
    except subprocess.TimeoutExpired:
        raise PasswordError(f"the password command {name!r} gave no answer within {timeout:g} s") from None
    except OSError as exc:
        raise PasswordError(f"the password command {name!r} cannot be run ({exc.strerror})", 2) from None
    if done.returncode != 0:
        said = _first_line(done.stderr)
        raise PasswordError(
            f"the password command {name!r} failed (exit {done.returncode})" + (f": {said}" if said else "")
        )
    secret = _first_line(done.stdout, strip=False)
    if not secret:
        raise PasswordError(f"the password command {name!r} printed no password")
    return secret


def from_keyring(service: str, username: str) -> str:
    hint = f"store it with `keyring set {service} {username or 'USERNAME'}`, or set a password command"
    try:
        import keyring
        from keyring.errors import NoKeyringError
    except ImportError:
        raise PasswordError(f"no password command is set and the keyring package is not installed; {hint}", 2) from None
    try:
        secret = keyring.get_password(service, username)
    except NoKeyringError:
        raise PasswordError(f"no password command is set and no system keyring is available; {hint}", 2) from None
    except Exception as exc:  # a locked or broken backend (D-Bus, KWallet…) raises its own kinds
        raise PasswordError(f"the system keyring did not give the password ({type(exc).__name__}: {exc})") from None
    if not secret:
        raise PasswordError(f"no password for {username!r} in the system keyring (service {service!r}); {hint}", 2)
    return secret


def _first_line(data: bytes, strip: bool = True) -> str:
    text = data.decode("utf-8", "replace")
    line = text.splitlines()[0] if text.splitlines() else ""
    return line.strip() if strip else line
