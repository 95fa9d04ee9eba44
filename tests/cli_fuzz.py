"""Command lines built from every option of every verb, for tests/test_fuzz_cli.py (a few seconds) and
bench/fuzz_cli.py (minutes). The options are read from click itself, so a new option is fuzzed too.

Every path is a name inside one temporary folder (FIFOs, sockets, links, device nodes made there):
we run as root, and a fuzzed `backup /dev/null` once replaced the machine's /dev/null.
"""

from __future__ import annotations

import io
import os
import socket
import stat
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import click
from hypothesis import strategies as st

from followup_tui.cli.entry import main
from followup_tui.cli.group import CardId
from followup_tui.cli.main import cli

SKIP = {"board", "demo"}  # they open the board, a full-screen app, not a command line
NOW = "2026-11-26T10:00:00+00:00"

IDS = st.one_of(
    st.integers(1, 4).map(str),
    st.integers(-2, 8).map(str),
    st.sampled_from(
        ["99999999999999999999", "9223372036854775807", "9223372036854775808", "0", "1e3", "0x10", " 1", "١", "1.5"]
    ),
)
TIMES = st.one_of(
    st.sampled_from(
        [
            "now",
            "today",
            "yesterday 14:00",
            "tomorrow",
            "friday",
            "next fri",
            "last tuesday",
            "Dec 3",
            "3 Dec 2027",
            "15:00",
            "3pm",
            "2 hours ago",
            "in 3 days",
            "in 2 days 15:00",
            "in 99999999 days",
            "99999999 weeks ago",
            "in -3 days",
            "12/03",
            "9999-12-31",
            "9999-12-31T23:59:59",
            "0001-01-01",
            "1969-12-31",
            "2026-02-30",
            "2026-11-26 12:00:00",
            "2026-11-26T10:00:00Z",
            "2026-11-26T10:00:00+05:30",
            "1e309",
            "nan",
            "",
            " ",
        ]
    ),
    st.datetimes().map(lambda d: d.isoformat()),
    st.text(max_size=12),
)
TEXTS = st.one_of(
    st.sampled_from(["Acme", "Globex Ltd", "Jane Doe <jane@acme.com>", "SRE"]),
    st.text(max_size=30),
    st.sampled_from(
        ["", " ", "-", "--", "[bold]x[/]", "\x1b[31m", "🦊", "x" * 5000, "\u202e", "'; DROP TABLE cards; --"]
    ),
)
INTS = st.one_of(
    st.integers(-3, 12).map(str), st.sampled_from(["99999999999999999999", "-99999999999999999999", "x", ""])
)
PATHS = [
    "f.db",
    "missing.db",
    "dir",
    "dir/",
    "new/deep/",
    "new/deep/x.db",
    "fifo",
    "sock",
    "device",
    "to-file",
    "to-fifo",
    "to-device",
    "dangling",
    "notes.txt",
    "out.json",
    "out.csv",
    "out.ics",
    "backups/",
    "bad.toml",
    "import.json",
    "import.csv",
    "f.db-wal",
    ".",
    "",
]
CONFIG_KEYS = [
    "theme",
    "me.name",
    "me.signature",
    "policy.thank_you_hours",
    "policy.unanswered_limit",
    "keys.log-thank-you",
    "keys.nope",
    "nope",
    "policy.",
    "",
]


def make_files(root: Path) -> None:
    """The folder the command lines point into: a database, special files, links, documents."""
    (root / "dir").mkdir()
    (root / "notes.txt").write_text("my notes")
    (root / "bad.toml").write_text("[policy\nthank_you_hours = 'x'")
    (root / "import.json").write_text(
        '{"format": "followup-tui export", "version": 1, "people": [], "cards": '
        '[{"uid": "u1", "company": "Imported", "stage": "waiting"}]}'
    )
    (root / "import.csv").write_text("company,role,stage\nAcme,SRE,waiting\n,,\n")
    os.mkfifo(root / "fifo")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(root / "sock"))  # left bound: the folder goes when the run ends
    try:
        os.mknod(root / "device", 0o600 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is, but ours
    except OSError:
        (root / "device").write_text("")
    (root / "to-file").symlink_to(root / "notes.txt")
    (root / "to-fifo").symlink_to(root / "fifo")
    (root / "to-device").symlink_to(root / "device")
    (root / "dangling").symlink_to(root / "nowhere" / "x")


def paths(root: Path) -> st.SearchStrategy[str]:
    made = (
        st.lists(st.sampled_from("abc._-"), min_size=1, max_size=6)
        .map("".join)
        .filter(lambda name: name not in (".", "..") and not name.startswith("-"))
    )
    return st.one_of(st.sampled_from(PATHS), made).map(
        lambda name: str(root / name) + ("/" if name.endswith("/") else "") if name else ""
    )


def value(param: click.Parameter, root: Path) -> st.SearchStrategy[str]:
    """Values for one parameter: mostly what it takes, sometimes what it must refuse."""
    kind, name = param.type, param.name or ""
    if isinstance(kind, CardId):
        return IDS
    if isinstance(kind, click.Choice):
        valid = st.sampled_from(list(kind.choices))
        return st.one_of(valid, valid, valid, st.sampled_from(["", "EMAIL", "fax", "zz"]))
    if isinstance(kind, click.types.IntParamType):
        return INTS
    if isinstance(kind, click.Path) or name in ("file", "dest", "output"):
        return paths(root)
    if name in ("at_text", "round_at", "follow_up_on", "decision_by", "now_text"):
        return TIMES
    if name in ("via", "follow_up_via"):
        return st.sampled_from(["email", "phone", "", "fax"])
    if name == "key":
        return st.sampled_from(CONFIG_KEYS)
    return TEXTS


def arguments(command: click.Command, root: Path) -> st.SearchStrategy[list[str]]:
    parts = []
    for param in command.params:
        if isinstance(param, click.Argument):
            parts.append(
                st.one_of(value(param, root).map(lambda v: [v]), st.just([]))
                if not param.required
                else value(param, root).map(lambda v: [v])
            )
        elif getattr(param, "is_flag", False):
            parts.append(st.sampled_from([[], [param.opts[0]]]))
        else:
            one = value(param, root).map(lambda v, opt=param.opts[-1]: [opt, v])
            parts.append(st.lists(one, max_size=2 if param.multiple else 1).map(lambda xs: sum(xs, [])))
    if not parts:
        return st.just([])
    return st.tuples(*parts).map(lambda groups: _order(command, groups))


def _order(command: click.Command, groups) -> list[str]:
    """Options first, then '--' and the arguments (a fuzzed value may start with '-')."""
    options, positional = [], []
    for param, group in zip(command.params, groups, strict=False):
        (positional if isinstance(param, click.Argument) else options).extend(group)
    return options + (["--", *positional] if positional else [])


def command_lines(root: Path) -> st.SearchStrategy[list[str]]:
    """`followup --db ... [--config ...] [--now ...] VERB ...`, every verb but the board's."""
    db = st.one_of(*[st.just(str(root / "f.db"))] * 3, paths(root))
    config = st.one_of(st.just([]), st.just([]), paths(root).map(lambda p: ["--config", p]))
    now = st.one_of(st.just(["--now", NOW]), st.just(["--now", NOW]), TIMES.map(lambda t: ["--now", t]))
    verbs = st.sampled_from(sorted(set(cli.commands) - SKIP)).flatmap(
        lambda verb: arguments(cli.commands[verb], root).map(lambda args: [verb, *args])
    )
    return st.tuples(db, config, now, verbs).map(lambda t: ["--db", t[0], *t[1], *t[2], *t[3]])


class Crash(AssertionError):
    """A command line ended in a traceback (or not with 0, 1 or 2)."""


def run(argv: list[str]) -> tuple[int, str, str]:
    """Run one command line in this process as `followup` would; Crash if it did not end cleanly."""
    out, err = io.StringIO(), io.StringIO()
    stdin, sys.stdin = sys.stdin, io.StringIO("")  # `delete` without --yes asks: the answer is no
    try:
        with redirect_stdout(out), redirect_stderr(err):
            main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException:  # noqa: BLE001 - this is what we are looking for
        raise Crash(f"followup {_shown(argv)}\n{traceback.format_exc()}") from None
    finally:
        sys.stdin = stdin
    if code not in (0, 1, 2) or "Traceback" in err.getvalue():
        raise Crash(f"followup {_shown(argv)} -> exit {code}\n{err.getvalue()}")
    return code, out.getvalue(), err.getvalue()


def _shown(argv: list[str]) -> str:
    return " ".join(repr(a) if not a or " " in a or not a.isprintable() else a for a in argv)
