"""A shell that adds cards, or one that undoes, on a database others write at the same time.

    python journal_loop.py DB add PREFIX COUNT    # `followup add PREFIXn --interviewer "Person PREFIXn"`
    python journal_loop.py DB undo COUNT          # `followup undo`

Each command goes through the real entry point. Prints one line per command,
`CODE OUTPUT` (stderr for a failure), so the parent can count what happened.
"""

import io
import sys
from contextlib import redirect_stderr, redirect_stdout

from followup_tui.cli.entry import main as followup


def run(*args: str) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            followup(["--db", sys.argv[1], *args])
            code = 0
        except SystemExit as exc:
            code = exc.code or 0
    print(code, (out.getvalue() or err.getvalue()).strip(), flush=True)


def main() -> None:
    if sys.argv[2] == "add":
        prefix, count = sys.argv[3], int(sys.argv[4])
        for n in range(count):
            run("add", f"{prefix}{n}", "--at", "2026-11-25T10:00:00+00:00", "--interviewer", f"Person {prefix}{n}")
    else:
        for _ in range(int(sys.argv[3])):
            run("undo")


if __name__ == "__main__":
    main()
