"""The IMAP password, asked for when needed and never kept: a program prints it, or the keyring holds it.

`password_command` runs without a shell (a list, or a string split as a shell would: no pipes,
no variables), with no input; its first line of output is the password (`pass show mail`,
`secret-tool lookup …`, `gpg -dq ~/.mail.gpg`). `keyring` names a service of the system keyring
(the optional `keyring` package): the password stored for `username` there. Neither is ever
printed: an error says which program failed and how, not what it printed.
"""

from __future__ import annotations

import subprocess

from ...domain.mailconfig import Imap
from .errors import MailError

COMMAND_TIMEOUT = 120  # seconds: a command may ask for a passphrase (gpg-agent, pass)


def password(settings: Imap) -> str:
    return _from_command(settings.password_command) if settings.password_command else _from_keyring(settings)


def _from_command(command: tuple[str, ...]) -> str:
    name = command[0] if command else "''"
    try:
        done = subprocess.run(
            list(command), stdin=subprocess.DEVNULL, capture_output=True, timeout=COMMAND_TIMEOUT, check=False
        )
    except FileNotFoundError:
        raise MailError(f"mail.imap.password_command: no program {name!r}") from None
    except PermissionError:
        raise MailError(f"mail.imap.password_command: {name!r} cannot be run (permission denied)") from None
    except subprocess.TimeoutExpired:
        raise MailError(f"mail.imap.password_command: {name!r} did not finish within {COMMAND_TIMEOUT} s") from None
    except OSError as exc:
        raise MailError(f"mail.imap.password_command: {name!r} cannot be run ({exc.strerror})") from None
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MailError(
            f"mail.imap.password_command: {name!r} failed (exit {done.returncode})" + (f": {said[0]}" if said else "")
        )
    lines = done.stdout.decode("utf-8", "replace").splitlines()
    if not lines or not lines[0]:
        raise MailError(f"mail.imap.password_command: {name!r} printed no password")
    return lines[0]


def _from_keyring(settings: Imap) -> str:
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        raise MailError("mail.imap.keyring needs the keyring package (pip install keyring)") from None
    try:
        found = keyring.get_password(settings.keyring, settings.username)
    except KeyringError as exc:
        raise MailError(f"mail.imap.keyring: the keyring failed ({exc})") from None
    if not found:
        raise MailError(
            f"no password for {settings.username!r} in keyring service {settings.keyring!r} "
            f"(store it with: keyring set {settings.keyring} {settings.username})"
        )
    return found
