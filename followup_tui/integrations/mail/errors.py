"""What can go wrong reaching mail, said in one line."""

from __future__ import annotations


class MailError(Exception):
    """Mail could not be read as configured (exit 1): the message is one line for the user."""


class MailSettingError(MailError):
    """What [mail] names cannot be what it should be (a maildir that is not one): config.toml must change (exit 2)."""
