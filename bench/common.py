"""What the command-line benches share: the seeded databases, the install they measure, the memory probe.

Commands are measured as users run them: from a regular (non-editable) install of this tree in a
throwaway venv under bench/out/venv, made anew whenever the tree's source changes. Seeded
databases are cached under bench/out/, one per size and schema version.

FOLLOWUP_BENCH_TREE=DIR measures another source tree (say, an earlier commit unpacked with
`git archive REV | tar -x -C bench/out/before`) from its own venv, bench/out/venv-DIRNAME.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
TREE = Path(os.environ.get("FOLLOWUP_BENCH_TREE") or ROOT).resolve()
VENV = OUT / ("venv" if TREE == ROOT else f"venv-{TREE.name}")
NOW = "2026-11-26T10:00:00+00:00"
ENV = {**os.environ, "FOLLOWUP_NOW": NOW, "FOLLOWUP_CONFIG": str(OUT / "no-config.toml")}
# Peak memory is read from /proc/self/status (VmHWM) at exit, inside the measured
# process: a child's ru_maxrss would include the parent's pages from before exec. The largest
# peak of its own children (an import's planner process) follows it, 0 when it had none.
PEAK = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0],"
    " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr))\n"
    "sys.argv = ['followup', *sys.argv[1:]]\n"
    "runpy.run_module('followup_tui', run_name='__main__')"
)


def peaks_mb(stderr: str) -> tuple[float, float]:
    """(the process's peak MB, its largest child's) from what PEAK printed last."""
    own, children = stderr.split()[-2:]
    return int(own) / 1024, int(children) / 1024


def _source_stamp() -> str:
    digest = hashlib.sha256()
    for path in sorted([TREE / "pyproject.toml", *(TREE / "followup_tui").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(TREE)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def python() -> Path:
    """The bench venv's interpreter, with this tree installed as a regular package (made or refreshed)."""
    interpreter, stamp_file = VENV / "bin" / "python", VENV / "followup-source.sha256"
    stamp = _source_stamp()
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return interpreter
    OUT.mkdir(exist_ok=True)
    if not interpreter.exists():
        print("making the bench venv…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    print(f"installing {TREE} into {VENV} (not editable)…", file=sys.stderr)
    source = OUT / f"{VENV.name}-source"  # built from a copy: the build writes build/ and *.egg-info beside it
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(
        TREE, source, ignore=shutil.ignore_patterns(".*", "bench", "tests", "build", "*.egg-info", "__pycache__")
    )
    pip = [str(VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, str(source)], check=True)  # dependencies, once
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(source)], check=True)  # this tree's code, always
    stamp_file.write_text(stamp)
    return interpreter


def followup() -> list[str]:
    """The installed console script, as a user's shell runs it."""
    script = python().parent / "followup"
    return [str(script)]


def peak_command(*args: str) -> list[str]:
    """`followup ARGS` in the bench venv that prints its peak memory last on stderr (peaks_mb); -I keeps the
    source tree (the working directory) off sys.path, so the installed package is what runs."""
    return [str(python()), "-I", "-c", PEAK, *args]


def seeded(cards: int) -> Path:
    """A database of `cards` cards from bench/seed.py, of the schema the measured tree reads, seeded once
    per schema version (never written to: benches that write work on a copy)."""
    sys.path.insert(0, str(HERE))
    from seed import seed

    from followup_tui.domain.clock import now
    from followup_tui.storage.dbfile import SCHEMA_VERSION

    measured = int(re.search(r"SCHEMA_VERSION = (\d+)", (TREE / "followup_tui/storage/dbfile.py").read_text())[1])
    path = OUT / f"seed-{cards}-v{measured}.db"
    if path.exists() and _plans_current(path):
        return path
    if measured != SCHEMA_VERSION:
        sys.exit(f"no {path.name} for {TREE} to read: seed one with a tree of schema {measured}")
    OUT.mkdir(exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    older = sorted(OUT.glob(f"seed-{cards}-v*.db"), key=lambda p: int(p.stem.rsplit("-v", 1)[1]))
    if older:  # the same seed, upgraded (or planned for new rules) by the Store as a user's file is
        from followup_tui.storage.store import Store

        print(f"upgrading {older[-1].name} to schema {SCHEMA_VERSION} and these rules…", file=sys.stderr)
        copy_db(older[-1], partial)
        Store.open(partial).close()
        shutil.rmtree(OUT / "backups", ignore_errors=True)  # the copy the upgrade made first
    else:
        print(f"seeding {cards} cards (minutes at 100,000)…", file=sys.stderr)
        seed(partial, cards, now(NOW))
    partial.rename(path)
    return path


def copy_db(source: Path, target: Path) -> Path:
    """A private copy through the project's own backup (a file copy could miss the WAL, or meet a stale one)."""
    from followup_tui.storage.backup import copy
    from followup_tui.storage.dbfile import connect_readonly

    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    reader = connect_readonly(source)
    try:
        copy(reader, target)
    finally:
        reader.close()
    return target


def _plans_current(path: Path) -> bool:
    """The seed's saved plans are for this tree's rules (a new rules version makes them all stale:
    `status` would assess every card in full, and the board would plan them all as it opens)."""
    import sqlite3

    from followup_tui.domain.config import Policy
    from followup_tui.storage.rulecache import plans_key, rules_key

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return plans_key(conn) == rules_key(Policy())
    finally:
        conn.close()
