"""Many `followup` command lines in one process, as a shell script would run them.

    python cli_loop.py DB PREFIX COUNT

Each iteration runs `followup add` then `followup log ID thank-you` through the
real entry point (options parsed, database opened, one transaction, closed).
Exits 1 at the first command that fails, with its error on stderr.
"""

import io
import sys
from contextlib import redirect_stdout

from followup_tui.cli.entry import main as followup


def run(*args: str) -> str:
    out = io.StringIO()
    with redirect_stdout(out):
        try:
            followup(["--db", sys.argv[1], *args])
        except SystemExit as exc:
            if exc.code:
                sys.exit(1)
    return out.getvalue()


def main() -> None:
    prefix, count = sys.argv[2], int(sys.argv[3])
    for n in range(count):
        card_id = run("add", f"{prefix}{n}", "--at", "2026-11-25T10:00:00+00:00").strip()
        run("log", card_id, "thank-you", "--at", "2026-11-25T12:00:00+00:00")


if __name__ == "__main__":
    main()
