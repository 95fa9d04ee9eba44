"""How fast is `followup status --json`, against bare Python start-up, measured in one run?

    python bench/status.py [--runs 15] [--sizes 100,1000,10000]

Seeds (once, cached under bench/out/) databases of each size with bench/seed.py,
then runs, interleaved round by round so machine noise hits all alike:
`python -c "import sqlite3"` (the baseline) and `followup status --json` on each
database. Prints min / median / max wall time, the median's ratio to the
baseline's, and peak memory (max RSS). Target: ratio < 4 at 10,000 cards,
memory < 60 MB, growth no worse than linear.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = "2026-11-26T10:00:00+00:00"
sys.path.insert(0, str(HERE))


def followup_command() -> list[str]:
    script = Path(sys.executable).parent / "followup"
    return [str(script)] if script.exists() else [sys.executable, "-m", "followup_tui"]


def seeded(cards: int) -> Path:
    from seed import seed

    from followup_tui.domain.clock import now

    path = HERE / "out" / f"status-{cards}.db"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        print(f"seeding {cards} cards…", file=sys.stderr)
        seed(path, cards, now(NOW))
    return path


ENV = {**os.environ, "FOLLOWUP_NOW": NOW, "FOLLOWUP_CONFIG": str(HERE / "out" / "no-config.toml")}
# Peak memory is read from /proc/self/status (VmHWM) at exit, inside the measured
# process: a child's ru_maxrss would include the parent's pages from before exec.
PEAK = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0],"
    " file=sys.stderr))\n"
    "sys.argv = ['followup', *sys.argv[1:]]\n"
    "runpy.run_module('followup_tui', run_name='__main__')"
)


def wall_time(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, env=ENV, check=True)
    return time.perf_counter() - start


def peak_mb(args: list[str]) -> float:
    done = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True, env=ENV)
    return int(done.stderr.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sizes", default="100,1000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    commands = {"python -c 'import sqlite3'": [sys.executable, "-c", "import sqlite3"]}
    peaks = {}
    for size in sizes:
        name, args_ = f"status --json, {size} cards", ["--db", str(seeded(size)), "status", "--json"]
        commands[name] = [*followup_command(), *args_]
        peaks[name] = peak_mb(args_)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():
        wall_time(command)  # warm the page cache and .pyc files
    for _ in range(args.runs):
        for name, command in commands.items():
            samples[name].append(wall_time(command))
    report(samples, peaks, sizes)


def report(samples: dict[str, list[float]], peaks: dict[str, float], sizes: list[int]) -> None:
    baseline = statistics.median(next(iter(samples.values())))
    print(f"{'command':<32} {'min ms':>7} {'median':>7} {'max':>7} {'× base':>7} {'peak MB':>8}")
    medians = {}
    for name, times in samples.items():
        medians[name] = statistics.median(times)
        peak = f"{peaks[name]:8.1f}" if name in peaks else f"{'':>8}"
        print(
            f"{name:<32} {min(times) * 1000:7.1f} {medians[name] * 1000:7.1f} {max(times) * 1000:7.1f} "
            f"{medians[name] / baseline:7.2f} {peak}"
        )
    names = list(samples)[1:]
    sized = list(zip(sizes, names, strict=True))
    for (small, a), (large, b) in zip(sized, sized[1:], strict=False):
        per_card = (medians[b] - medians[a]) / (large - small) * 1e6
        print(f"cost per extra card {small}→{large}: {per_card:.1f} µs")


if __name__ == "__main__":
    main()
