"""One clean line on stderr for every failure: shared by the fast path (entry) and the full command line."""

from __future__ import annotations

import sys


def error(message: str, code: int) -> int:
    """Print one clean line on stderr; return the exit code."""
    from ..domain.textsafe import safe

    print(f"followup: error: {safe(' '.join(message.split()))}", file=sys.stderr)
    return code
