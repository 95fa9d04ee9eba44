"""User text is data: make it harmless for a terminal.

C0/C1 control characters (ESC starts every terminal escape sequence; 0x9b is
a one-byte CSI) and Unicode bidi overrides are shown as visible `\\xNN` /
`\\uNNNN` escapes instead of being sent to the terminal.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_BLOCK = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")  # keeps \t and \n
_C1_AND_BIDI = re.compile(f"[\x7f-\x9f{_BIDI}]")


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """One line of user text, every control character made visible."""
    return _UNSAFE_LINE.sub(_escape, str(text))


def safe_title(company: str, role: str) -> str:
    """'Acme — Backend Engineer' (or just 'Acme'), made safe: how a line names a card."""
    return safe(company) + (f" — {safe(role)}" if role else "")


def safe_block(text: object) -> str:
    """Multi-line user text (notes): newlines and tabs kept, other controls made visible."""
    return _UNSAFE_BLOCK.sub(_escape, str(text))


def json_text(document: object) -> str:
    """Indented JSON that a terminal can print: json escapes C0 itself; C1 and bidi get \\u escapes."""
    import json

    raw = json.dumps(document, ensure_ascii=False, indent=2)
    return _C1_AND_BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", raw)


def json_compact(document: object) -> str:
    """One line of pure ASCII JSON (every other character as a \\u escape), safe in any terminal.

    Pieces of it can be joined: status pastes saved items together (rulecache.py).
    """
    import json

    return json.dumps(document, separators=(",", ":"))
