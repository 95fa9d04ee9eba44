"""The `followup` command line.

`entry` is the console script: it answers `status` without click (shell prompts call it) and
hands every other command line to `main`, which registers the verbs of each group module
(cards, reading, data, configure, history, board) on the click group in `group`; `errors`
prints the one line every failure becomes. The board (tui) is imported lazily.

May import: everything below it (domain, storage, exchange, integrations) and tui lazily.
This file stays empty: `entry` imports the package on the fast path.
"""
