"""reaching beyond the terminal; may import domain, storage, exchange; never cli/tui"""
