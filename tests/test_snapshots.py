"""What the board looks like, pinned (pytest --snapshot-update after an intended change)."""

from __future__ import annotations

from board_fixtures import make_app


def test_board_80x24(snap_compare, db_path):
    app, _ = make_app(db_path)
    assert snap_compare(app, terminal_size=(80, 24))


def test_board_160x48(snap_compare, db_path):
    app, _ = make_app(db_path, hostile=True)
    assert snap_compare(app, terminal_size=(160, 48))


def test_card_screen(snap_compare, db_path):
    app, ids = make_app(db_path)
    app.store.prep_changes(ids["acme"], ["research the team", "questions to ask"], done=[1])
    assert snap_compare(app, press=["enter"], terminal_size=(100, 36))


def test_help_screen(snap_compare, db_path):
    app, _ = make_app(db_path)
    assert snap_compare(app, press=["question_mark"], terminal_size=(100, 48))


def test_edit_form_80x24(snap_compare, db_path):
    app, _ = make_app(db_path)
    assert snap_compare(app, press=["e"], terminal_size=(80, 24))
