"""The IMAP password, asked for when needed and never kept: from `password_command` or the
keyring (integrations/password.py, shared with the calendar sync), named by the setting it came from.

Neither is ever printed: an error says which program failed and how, not what it printed.
"""

from __future__ import annotations

from ...domain.mailconfig import Imap
from ..password import PasswordError, from_command, from_keyring

COMMAND_TIMEOUT = 120  # seconds: a command may ask for a passphrase (gpg-agent, pass)


def password(settings: Imap) -> str:
    """The password, or PasswordError naming mail.imap.password_command or mail.imap.keyring."""
    try:
        if settings.password_command:
            return from_command(list(settings.password_command), COMMAND_TIMEOUT)
        return from_keyring(settings.keyring, settings.username)
    except PasswordError as exc:
        where = "mail.imap.password_command" if settings.password_command else "mail.imap.keyring"
        raise PasswordError(f"{where}: {exc}", exc.code) from None
