"""The product's own words and rules, pure: the model, the clock, the config and policy, the rules
that make each card's next action, drafts, and how cards read as text and JSON.

May import: the standard library (and tomlkit, arrow lazily). Never storage, exchange, cli, tui,
SQLite or Textual: everything here works on plain objects and is tested without a database.
"""
