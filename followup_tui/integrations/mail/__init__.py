"""Replies and sent notes found in the user's own mail (README "Mail"), proposed for the contact log.

sources (a Maildir through Python's `mailbox`, an IMAP server read-only through IMAPClient) give
message headers -> message parses them -> match finds each one's card -> classify names the kind
of contact, with the words that decided it (phrases.toml) -> scan records the proposals
(storage/inbox.py), which the user accepts or rejects. Nothing here writes to the contact log.
"""
