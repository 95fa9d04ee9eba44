"""The board: a Textual app over the Store and the board's read model (storage.summaries).

May import: domain, storage, exchange. The only package that imports Textual.
"""
