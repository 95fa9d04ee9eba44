"""The SQLite file: refusing what is not ours, migrations, the Store (one transaction per user
action, with its undo journal), the saved rule plans, the read models of the board and of
`followup status`, backups and the doctor.

May import: domain. Never exchange, cli or tui, and never Textual; `status` and what it imports
stay off sqlite-utils and click so a shell prompt can call it.
"""
