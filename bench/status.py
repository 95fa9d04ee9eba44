"""How fast are the read commands (`status --short`, `status --json`, `list --json`), measured in one run?

    python bench/status.py [--runs 15] [--sizes 100,1000,10000]

Seeds (once, cached under bench/out/) databases of each size with bench/seed.py and installs this
tree in the bench venv (common.py), then runs, interleaved round by round so machine noise hits all
alike: `python -c "import sqlite3"` (the floor), and on each database `followup status --short`,
`status --json` and `list --json`. Prints min / median / max wall time, the median's ratio to the
floor, `list --json`'s ratio to `status --json` on the same database, and peak memory (VmHWM).
Targets (issue 19) at 10,000 cards: status --short ≤ 2.5× the floor, list --json ≤ 3× status --json.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ENV, NOW, followup, peak_command, peaks_mb, python, seeded  # noqa: E402

FORMS = {
    "status --short": ["status", "--short"],
    "status --json": ["status", "--json"],
    "list --json": ["list", "--json"],
}


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, env=ENV, check=True)
    return time.perf_counter() - start


def peak_mb(args: list[str]) -> float:
    done = subprocess.run(peak_command(*args), capture_output=True, text=True, env=ENV, check=True)
    return peaks_mb(done.stderr)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--forms", default=",".join(FORMS), help="which of: " + ", ".join(FORMS))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    forms = [form.strip() for form in args.forms.split(",")]
    floor = "python -c 'import sqlite3'"
    commands = {floor: [str(python()), "-c", "import sqlite3"]}
    peaks = {}
    for size in sizes:
        db = str(seeded(size))
        for form in forms:
            name, args_ = f"{form}, {size} cards", ["--db", db, *FORMS[form]]
            commands[name] = [*followup(), *args_]
            peaks[name] = peak_mb(args_)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        wall_time(command)  # warm the page cache and .pyc files
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(wall_time(command))
    report(samples, peaks, floor)
    print(f"median of {args.runs} runs, interleaved; now = {NOW}")


def report(samples: dict[str, list[float]], peaks: dict[str, float], floor: str) -> None:
    medians = {name: statistics.median(times) for name, times in samples.items()}
    print(f"{'command':<30} {'min ms':>7} {'median':>7} {'max':>7} {'× floor':>8} {'× status':>9} {'peak MB':>8}")
    for name, times in samples.items():
        status = name.replace("list --json", "status --json")
        versus = f"{medians[name] / medians[status]:9.2f}" if name.startswith("list") and status in medians else ""
        peak = f"{peaks[name]:8.1f}" if name in peaks else ""
        print(
            f"{name:<30} {min(times) * 1000:7.1f} {medians[name] * 1000:7.1f} {max(times) * 1000:7.1f} "
            f"{medians[name] / medians[floor]:8.2f} {versus:>9} {peak:>8}"
        )


if __name__ == "__main__":
    main()
