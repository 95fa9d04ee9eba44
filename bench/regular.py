"""A regular (non-editable) install of this tree, so a bench measures what a user's `pip install .` runs.

    from regular import run_regular
    run_regular(__file__)  # first thing in main(): re-runs the script under that install's Python

The tree's tracked and changed files are copied to bench/out/regular/src and installed into
bench/out/regular/venv; the install is made again only when those files changed (a hash of
them is kept beside it). Everything stays under bench/out.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / "bench" / "out" / "regular"
VENV = HOME / "venv"
PYTHON = VENV / "bin" / "python"


def _sources() -> list[Path]:
    """The files a wheel is built from: pyproject, the README it names, the package (tracked or new)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "pyproject.toml", "README.md", "LICENSE"]
        + ["followup_tui", "scripts"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(path for path in (ROOT / name for name in listed) if path.is_file())


def _digest(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def install() -> Path:
    """The regular install's Python, made (again) if the tree changed since."""
    files = _sources()
    stamp, digest = HOME / "installed", _digest(files)
    if PYTHON.exists() and stamp.exists() and stamp.read_text() == digest:
        return PYTHON
    print("installing this tree (regular, not editable) into bench/out/regular…", file=sys.stderr)
    source = HOME / "src"
    shutil.rmtree(source, ignore_errors=True)
    for path in files:
        target = source / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(source)],
        check=True,
        capture_output=True,
    )
    subprocess.run([str(PYTHON), "-m", "pip", "install", "-q", str(source)], check=True, capture_output=True)
    stamp.write_text(digest)
    return PYTHON


def run_regular(script: str) -> None:
    """Re-run `script` under the regular install unless it already runs there (or --editable was given:
    then this tree's sources are measured as they are imported from the working copy)."""
    if "--editable" in sys.argv:
        sys.path.insert(0, str(ROOT))
        return
    if Path(sys.prefix).resolve() == VENV.resolve():
        return
    python = install()
    os.execv(python, [str(python), script, *sys.argv[1:]])
