"""Every option of every verb, fuzzed: a command line ends with 0, 1 or 2 and one line of error,
never a traceback or a hang (issue 14). A short run here; `python bench/fuzz_cli.py` runs minutes.
What the fuzzing found stays below as plain regression tests."""

from __future__ import annotations

import pytest
from cli_fuzz import NOW, command_lines, make_files, run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    """A folder of files to point at, and a database with a few cards for the command lines to act on."""
    folder = tmp_path_factory.mktemp("fuzz")
    make_files(folder)
    db = str(folder / "f.db")
    for args in (
        ["add", "Acme", "--interviewer", "Jane Doe"],
        ["add", "Globex"],
        ["log", "1", "thank-you"],
        ["log", "2", "invite", "--round-at", "in 2 days"],
    ):
        run(["--db", db, "--now", NOW, *args])
    return folder


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_command_line_ends_in_a_traceback(root, data):
    run(data.draw(command_lines(root), label="argv"))


@pytest.mark.parametrize(
    "args",
    [
        # found by fuzzing (and by hand, in issue 14): each was a traceback or a hang
        "show 99999999999999999999",
        "log 9223372036854775808 reply",
        "--now|in 99999999 days|list",
        "--now|in 99999999 days|status",
        "add|X|--follow-up-on|9999-12-31",
        "import {root}/fifo",
        "--config {root}/fifo list",
        "--config {root}/fifo status",
        "--config {root}/fifo config me.name Sam",
        "--db {root}/fifo add X",
        "--db {root}/to-device add X",
        "backup {root}/fifo",
        "export -o {root}/sock",
        "--db|| status",
        "prep 1 --done 99999999999999999999",
    ],
)
def test_what_the_fuzzer_found_is_a_clean_error(root, args):
    argv = [part.format(root=root) for part in (args.split("|") if "|" in args else args.split(" "))]
    code, _, err = run(["--db", str(root / "f.db"), *argv] if argv[0] != "--db" else argv)
    assert code in (1, 2) and len(err.strip().splitlines()) == 1, err


def test_history_of_more_changes_than_the_journal_keeps_shows_them_all(tmp_path):
    """Found by bench/fuzz_cli.py: `history -n 99999999999999999999` overflowed SQLite's integers."""
    db = str(tmp_path / "f.db")
    for company in ("Acme", "Globex", "Initech"):
        run(["--db", db, "add", company])
    code, out, err = run(["--db", db, "history", "-n", "99999999999999999999"])
    assert code == 0 and not err and [line.split()[-1] for line in out.splitlines()] == ["Initech", "Globex", "Acme"]
