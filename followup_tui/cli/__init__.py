"""The `followup` command line: `entry` answers `status` fast without click; `main` is the click
group and its verbs, which open the board (tui) lazily.

May import: everything below it (domain, storage, exchange, integrations) and tui lazily.
This file stays empty: `entry` imports the package on the fast path.
"""
