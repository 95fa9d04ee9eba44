"""The layers (docs/ARCHITECTURE.md), held by their imports.

domain < storage < exchange < integrations < cli, tui: a module may import its own layer and the
ones below, never above (the command line opens the board lazily, so cli may import tui).
Nothing outside tui imports Textual; the `status` path imports neither Textual, sqlite-utils
nor click; no two modules import each other at load time.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "followup_tui"
LAYERS = ["domain", "storage", "exchange", "integrations", "cli", "tui"]
MAY_IMPORT = {layer: set(LAYERS[: n + 1]) for n, layer in enumerate(LAYERS)}
MAY_IMPORT["cli"] |= {"tui"}  # `followup` opens the board, lazily
MAY_IMPORT["tui"] -= {"cli", "integrations"}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, at_load_only: bool = False) -> set[str]:
    """The modules `name` imports (our own resolved to absolute names); at load time only if asked."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if at_load_only else ast.walk(tree)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in ALL}
    return found


ALL = modules()


def layer(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "followup_tui" and parts[1] in LAYERS else None


def test_every_module_lives_in_a_layer():
    loose = [name for name in ALL if layer(name) is None and name not in ("followup_tui", "followup_tui.__main__")]
    assert loose == []
    assert {
        "followup_tui.domain.rules",
        "followup_tui.storage.store",
        "followup_tui.cli.main",
        "followup_tui.storage.status",
        "followup_tui.tui.app",
    } <= set(ALL)


@pytest.mark.parametrize("name", sorted(n for n in ALL if layer(n)))
def test_imports_go_down_the_layers(name):
    own = layer(name)
    upward = sorted(
        target for target in imports(name, ALL[name]) if layer(target) and layer(target) not in MAY_IMPORT[own]
    )
    assert upward == [], f"{name} ({own}) imports from a layer above it"
    if own != "tui":
        assert not any(t == "textual" or t.startswith(("textual.", "rich")) for t in imports(name, ALL[name]))


def test_no_import_cycles_at_load_time():
    graph = {
        name: {t for t in imports(name, path, at_load_only=True) if t in ALL and t != name}
        for name, path in ALL.items()
    }
    cycles = []

    def visit(node: str, trail: list[str]) -> None:
        for target in graph[node]:
            if target in trail:
                cycles.append(trail[trail.index(target) :] + [target])
            elif target not in done:
                visit(target, trail + [target])
        done.add(node)

    done: set[str] = set()
    for name in graph:
        if name not in done:
            visit(name, [name])
    assert cycles == []


def test_outside_the_board_nothing_loads_textual():
    outside = [n for n in ALL if layer(n) and layer(n) != "tui"]
    code = (
        "import importlib, sys\n"
        f"for name in {outside!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in ('textual', 'rich') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_status_path_stays_light(tmp_path):
    code = (
        "import sys\nfrom followup_tui.cli.entry import main\n"
        "try:\n    main(['--db', sys.argv[1], 'status', '--json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('textual', 'click', 'sqlite_utils', 'tomlkit', 'platformdirs', 'typing') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.db")], capture_output=True, text=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_board_opens_without_click_or_what_only_other_screens_need(tmp_path):
    """`followup` alone: the board's first frame waits for neither the command line's modules nor the
    forms, drafts, card and archive screens (they load when first opened)."""
    code = (
        "import sys\nfrom followup_tui.tui.app import FollowupApp\n"
        "FollowupApp.run = lambda self: print('board ran')\n"
        "from followup_tui.cli.entry import main\n"
        "try:\n    main(['--db', sys.argv[1], '--config', sys.argv[2]])\nexcept SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "heavy = ('click', 'sqlite_utils', 'tomlkit', 'followup_tui.cli.main', 'followup_tui.tui.forms',\n"
        "         'followup_tui.tui.card', 'followup_tui.tui.screens', 'followup_tui.domain.drafts')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    from followup_tui.storage.store import Store

    Store.open(tmp_path / "x.db").close()  # a board opened before (a new file's schema needs sqlite-utils)
    args = [str(tmp_path / "x.db"), str(tmp_path / "config.toml")]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    assert done.stdout.strip().splitlines() == ["board ran", "exit 0", "[]"], done.stderr
