"""How fast is the board at 100, 1,000 and 10,000 cards, and against kanban-tui?

    python bench/board.py [--runs 5] [--sizes 100,1000,10000] [--no-peer]

1. Board ready: from launch in a real terminal (tmux, 160×48) until the first
   cards are on screen (capture-pane polled every 5 ms), for followup and for
   kanban-tui (`pip install kanban-tui` into bench/out/ktui, its SQLite seeded
   with the same number of tasks through its own functions), interleaved run by run.
2. Key latency inside the app at the largest size (Textual's Pilot,
   perf_counter around each key until the app is idle again): j (focus down a
   column) and L/H (move the card to the next stage and back, a database write each).
3. Memory: the board's resident size (VmRSS) once ready at each size.

Databases are seeded once with bench/seed.py and kept under bench/out/.
Prints min / median / max and the ratios the targets speak of.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
NOW = "2026-11-26T10:00:00+00:00"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))


def followup_db(cards: int) -> Path:
    from seed import seed
    from followup_tui.clock import now

    path = OUT / f"status-{cards}.db"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        print(f"seeding {cards} cards…", file=sys.stderr)
        seed(path, cards, now(NOW))
    return path


def copy_db(source: Path, target: Path) -> Path:
    """A private copy through the project's own backup (a file copy could miss the WAL, or meet a stale one)."""
    from followup_tui.backup import copy
    from followup_tui.dbfile import connect_readonly

    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    reader = connect_readonly(source)
    try:
        copy(reader, target)
    finally:
        reader.close()
    return target


def ktui_home(tasks: int) -> Path | None:
    """An XDG home holding a kanban-tui database of `tasks` tasks (None if kanban-tui cannot be installed)."""
    venv = OUT / "ktui"
    if not (venv / "bin" / "ktui").exists():
        print("installing kanban-tui…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "kanban-tui"], capture_output=True)
        if done.returncode != 0:
            return None
    home = OUT / f"ktui-{tasks}"
    if not (home / "data" / "kanban_tui" / "kanban_tui.db").exists():
        print(f"seeding kanban-tui with {tasks} tasks…", file=sys.stderr)
        seed_code = f"""
from kanban_tui.backends.sqlite.database import init_new_db, init_first_board, create_new_task_db, get_all_columns_on_board_db
from kanban_tui.constants import DATABASE_FILE
db = DATABASE_FILE.as_posix()
init_new_db(db)
init_first_board(db)
columns = [c.column_id for c in get_all_columns_on_board_db(board_id=1, database=db)][:3]
for n in range({tasks}):
    create_new_task_db(title=f"task {{n:05d}}", column=columns[n % len(columns)], description="interview follow-up", database=db)
"""
        subprocess.run([str(venv / "bin" / "python"), "-c", seed_code], env=ktui_env(home), check=True)
    return home


def ktui_env(home: Path) -> dict:
    return {**os.environ, "XDG_DATA_HOME": str(home / "data"), "XDG_CONFIG_HOME": str(home / "config")}


LIMIT = 30.0  # kanban-tui at 10,000 tasks showed nothing within 90 s when tried by hand


def ready_time(command: str, env: dict, marker: str) -> float:
    """Seconds from launching `command` in tmux until `marker` is on the screen (inf after LIMIT)."""
    subprocess.run(["tmux", "kill-session", "-t", "bench"], capture_output=True)
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k.startswith(("FOLLOWUP_", "XDG_")))
    start = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", "bench", "-x", "160", "-y", "48",
                    f"env {exports} {command}"], check=True)
    try:
        while time.perf_counter() - start < LIMIT:
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True).stdout
            if marker in screen:
                return time.perf_counter() - start
            time.sleep(0.005)
        return float("inf")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", "bench"], capture_output=True)


def stats(values: list[float]) -> str:
    def ms(value: float) -> str:
        return f"{value * 1000:7.0f}" if value != float("inf") else f">{LIMIT * 1000:6.0f}"

    return f"{ms(min(values))} {ms(statistics.median(values))} {ms(max(values))}"


def board_ready(sizes: list[int], runs: int, peer: bool) -> None:
    followup = shutil.which("followup", path=str(Path(sys.executable).parent)) or "followup"
    env = {**os.environ, "FOLLOWUP_NOW": NOW, "FOLLOWUP_CONFIG": str(OUT / "no-config.toml")}
    commands = {}
    for size in sizes:
        commands[f"followup, {size} cards"] = (f"{followup} --db {followup_db(size)}", env, "▶")
        home = ktui_home(size) if peer else None
        if home is not None:
            commands[f"kanban-tui, {size} tasks"] = (str(OUT / "ktui" / "bin" / "ktui"), ktui_env(home), "task 0")
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, (command, run_env, marker) in commands.items():
            samples[name].append(ready_time(command, run_env, marker))
    print("\nboard ready (ms, launch to first cards on screen, tmux 160×48)")
    print(f"{'':32} {'min':>7} {'median':>7} {'max':>7}")
    for name, values in samples.items():
        print(f"{name:<32} {stats(values)}")
    medians = {name: statistics.median(values) for name, values in samples.items()}
    small, large = f"followup, {sizes[0]} cards", f"followup, {sizes[-1]} cards"
    print(f"followup {sizes[-1]} / {sizes[0]} cards: {medians[large] / medians[small]:.2f}× (target ≤ 1.5×)")
    peer_large = f"kanban-tui, {sizes[-1]} tasks"
    if peer_large in medians:
        ratio = medians[large] / medians[peer_large]
        shown = f"< {medians[large] / LIMIT:.3f}× (kanban-tui showed nothing in {LIMIT:.0f} s)" \
            if medians[peer_large] == float("inf") else f"{ratio:.2f}×"
        print(f"followup / kanban-tui at {sizes[-1]}: {shown} (target < 1)")


async def key_latency(size: int, presses: int) -> None:
    """Each key timed with Pilot until the app is idle again, minus the same for an unbound key.

    Pilot's own round trip (posting the key, waiting for idle and the next frame) is
    measured with f12, which nothing is bound to, in the same run; the difference is
    what our code and the repaint it causes add.
    """
    from followup_tui.config import Config
    from followup_tui.store import Store
    from followup_tui.tui.app import FollowupApp
    from followup_tui.tui.cardlist import CardList

    path = copy_db(followup_db(size), OUT / "latency.db")
    app = FollowupApp(Store.open(path), Config(), NOW)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        movable = [cards for cards in app.screen.query(CardList) if cards.stage != "stay-in-touch"]  # L needs a next stage
        biggest = max(movable, key=lambda cards: len(cards.rows))
        biggest.focus()
        await pilot.press("L", "u")  # the first write saves any stale rule plans: not part of a key's cost
        samples: dict[str, list[float]] = {"f12 (nothing bound)": [], "j (focus down)": [], "L (move card, a write)": []}
        for _ in range(presses):
            for name in samples:
                start = time.perf_counter()
                await pilot.press(name.split()[0])
                samples[name].append(time.perf_counter() - start)
        floor = statistics.median(samples["f12 (nothing bound)"])
        print(f"\nkey latency at {size} cards ({len(biggest.rows)} in the focused column), ms")
        print(f"{'':32} {'min':>7} {'median':>7} {'max':>7} {'net':>7}")
        for name, values in samples.items():
            print(f"{name:<32} {stats(values)} {(statistics.median(values) - floor) * 1000:7.0f}")
        print("net = median minus the f12 median; target: net median < 50")
        await _direct(pilot, app, biggest, presses)
    path.unlink()


async def _direct(pilot, app, cards, presses: int) -> None:
    """Finer grained: the action called directly, then a pause until the screen is repainted,
    minus a bare pause (Pilot's frame wait) measured alongside."""
    board = app.screen
    actions = {"pause alone": lambda: None, "focus down (j)": lambda: cards.action_cursor(1),
               "move card (L), a write": lambda: board.action_move_card(1)}
    samples: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(presses):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            await pilot.pause()
            samples[name].append(time.perf_counter() - start)
    floor = statistics.median(samples["pause alone"])
    print(f"{'action + repaint (direct)':<32} {'min':>7} {'median':>7} {'max':>7} {'net':>7}")
    for name, values in samples.items():
        print(f"{name:<32} {stats(values)} {(statistics.median(values) - floor) * 1000:7.0f}")


def memory(sizes: list[int]) -> None:
    print("\nboard memory once ready (VmRSS, MB; target < 150 at 10,000)")
    code = """
import asyncio, sys
from pathlib import Path
from followup_tui.config import Config
from followup_tui.store import Store
from followup_tui.tui.app import FollowupApp
async def main():
    app = FollowupApp(Store.open(sys.argv[1]), Config(), sys.argv[2])
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(0.5)
        status = Path("/proc/self/status").read_text()
        print(int(status.split("VmRSS:")[1].split()[0]) / 1024)
asyncio.run(main())
"""
    for size in sizes:
        copy = copy_db(followup_db(size), OUT / "memory.db")
        done = subprocess.run([sys.executable, "-c", code, str(copy), NOW], capture_output=True, text=True, check=True)
        print(f"followup, {size} cards: {float(done.stdout.split()[-1]):.0f} MB")
        copy.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--no-peer", action="store_true", help="skip kanban-tui")
    parser.add_argument("--parts", default="ready,latency,memory", help="which measurements to run")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    parts = args.parts.split(",")
    if "ready" in parts:
        board_ready(sizes, args.runs, not args.no_peer)
    if "latency" in parts:
        asyncio.run(key_latency(sizes[-1], args.presses))
    if "memory" in parts:
        memory(sizes)


if __name__ == "__main__":
    main()
