"""Reaching beyond the terminal: the user's calendar server (calsync: `followup sync`) and mail
(mail: `followup mail`).

A module here may import domain, storage and exchange, never cli or tui (tests/test_layers.py): the
command line and the board call in and pass what they know (the config, the clock, a Store). The
clients these need (caldav, keyring, imapclient) are imported only where they are used: the board
and every other command start without them.
"""
