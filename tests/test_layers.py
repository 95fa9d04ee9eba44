"""Layering: nothing outside followup_tui/tui/ pulls in Textual (ARCHITECTURE.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import followup_tui

CORE = sorted(m.name for m in pkgutil.iter_modules(followup_tui.__path__, "followup_tui.")
              if not m.name.startswith("followup_tui.tui") and m.name != "followup_tui.__main__")


def test_core_modules_exist():
    assert {"followup_tui.rules", "followup_tui.store", "followup_tui.cli", "followup_tui.status"} <= set(CORE)


def test_no_core_module_imports_textual():
    code = ("import importlib, sys\n"
            f"for name in {CORE!r}: importlib.import_module(name)\n"
            "print('textual' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
