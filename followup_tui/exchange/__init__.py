"""Data in and out: the lossless JSON export and import, CSV for spreadsheets and other trackers'
exports (Huntr, Simplify, Notion…), the calendar (ICS), and the demo's sample data.

May import: domain, storage. Never cli or tui.
"""
