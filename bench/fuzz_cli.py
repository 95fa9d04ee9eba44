"""Fuzz every option of every `followup` verb for a while (default 5 minutes) and report.

    python bench/fuzz_cli.py [--minutes 5]

The command lines are tests/cli_fuzz.py's (the same as tests/test_fuzz_cli.py, which runs a few
seconds in CI), run in this process against files in one temporary folder. Prints how many command
lines ran, their exit codes, and each crash (a traceback, or an exit code other than 0, 1, 2)
with its command line; exits 1 if there was one.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli_fuzz import NOW, Crash, command_lines, make_files, run  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    minutes = parser.parse_args().minutes
    with tempfile.TemporaryDirectory(prefix="followup-fuzz-") as folder:
        root = Path(folder)
        # defaults (config, data dir) land in the temporary folder too, never in the real home
        os.environ.update(
            HOME=str(root / "home"),
            XDG_DATA_HOME=str(root / "home" / "data"),
            XDG_CONFIG_HOME=str(root / "home" / "config"),
            FOLLOWUP_CONFIG=str(root / "home" / "config.toml"),
        )  # a path no command line names
        os.environ.pop("FOLLOWUP_DB", None)
        os.environ.pop("FOLLOWUP_NOW", None)
        make_files(root)
        for args in (
            ["add", "Acme", "--interviewer", "Jane Doe"],
            ["add", "Globex"],
            ["log", "1", "thank-you"],
            ["log", "2", "invite", "--round-at", "in 2 days"],
        ):
            run(["--db", str(root / "f.db"), "--now", NOW, *args])
        codes: collections.Counter = collections.Counter()
        crashes: dict[str, str] = {}

        end, started = time.monotonic() + 60 * minutes, time.monotonic()

        @settings(max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def batch(data):
            argv = data.draw(command_lines(root))
            if time.monotonic() > end:
                return  # time is up: the rest of this batch passes at once
            try:
                codes[run(argv)[0]] += 1
            except Crash as crash:
                first = str(crash).splitlines()
                crashes.setdefault(first[-1], str(crash))  # one report per distinct error line
                codes["crash"] += 1

        while time.monotonic() < end:
            batch()
        elapsed = time.monotonic() - started
    total = sum(codes.values())
    print(
        f"{total:,} command lines in {elapsed / 60:.1f} min ({total / elapsed:.0f}/s); exit codes: "
        + ", ".join(f"{code}: {n:,}" for code, n in sorted(codes.items(), key=str))
    )
    for report in crashes.values():
        print("\nCRASH " + report)
    print(f"{len(crashes)} distinct crash(es)")
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
