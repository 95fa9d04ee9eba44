"""User text is data: make it harmless for a terminal.

C0/C1 control characters (ESC starts every terminal escape sequence; 0x9b is
a one-byte CSI) and Unicode bidi overrides are shown as visible `\\xNN` /
`\\uNNNN` escapes instead of being sent to the terminal.
"""

from __future__ import annotations

from functools import cache

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing: `followup status` loads this module
if TYPE_CHECKING:
    import re
    from collections.abc import Callable

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CLASSES = {
    "line": f"[\x00-\x1f\x7f-\x9f{_BIDI}]",
    "block": f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]",  # keeps \t and \n
    "c1": f"[\x7f-\x9f{_BIDI}]",
    "beyond ascii": "[^\x00-\x7f]",
}


@cache
def _unsafe(kind: str) -> re.Pattern[str]:
    """Compiled on first use: `followup status` never needs them (nor re, ~3 ms with what it imports)."""
    import re

    return re.compile(_CLASSES[kind])


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: object) -> str:
    """One line of user text, every control character made visible."""
    return _unsafe("line").sub(_escape, str(text))


def safe_title(company: str, role: str) -> str:
    """'Acme — Backend Engineer' (or just 'Acme'), made safe: how a line names a card."""
    return safe(company) + (f" — {safe(role)}" if role else "")


def safe_block(text: object) -> str:
    """Multi-line user text (notes): newlines and tabs kept, other controls made visible."""
    return _unsafe("block").sub(_escape, str(text))


def json_text(document: object) -> str:
    """Indented JSON that a terminal can print: json escapes C0 itself; C1 and bidi get \\u escapes
    (and everything beyond ASCII when stdout cannot take it, so no character is replaced)."""
    import json

    raw = json.dumps(document, ensure_ascii=not _unicode_stdout(), indent=2, default=_bytes_as_text)
    return _unsafe("c1").sub(lambda m: f"\\u{ord(m.group(0)):04x}", raw)


def json_printable(text: str) -> str:
    """Text of json.dumps(..., ensure_ascii=False) as json_text prints it (for JSON written a piece at a
    time): C1 controls and bidi marks as \\u escapes, and everything beyond ASCII too when stdout
    cannot take it (ensure_ascii). Outside strings JSON is ASCII, so this is the same on any piece."""
    if text.isascii() and "\x7f" not in text:  # the common case, found at C speed
        return text
    text = _unsafe("c1").sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    if text.isascii() or _unicode_stdout():
        return text
    return _unsafe("beyond ascii").sub(_json_escape, text)


@cache
def _unsafe_utf8() -> re.Pattern[bytes]:
    """UTF-8 of what json_text escapes after json.dumps: DEL, C1 controls, bidi marks."""
    import re

    return re.compile(rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


_BIDI_TAILS = frozenset(bytes([0x80, end]) for end in (0x8E, 0x8F, *range(0xAA, 0xAF))) | frozenset(
    bytes([0x81, end]) for end in range(0xA6, 0xAA)
)  # after \xe2: U+200E, U+200F, U+202A-U+202E, U+2066-U+2069


def json_printable_utf8(chunk: bytes) -> bytes:
    """UTF-8 JSON as json_text writes it to a UTF-8 stdout: DEL, C1 controls and bidi marks as \\u escapes.

    Looked for with bytes.find (memchr), not a regular expression over every byte: '—' and other
    characters of the U+2000 block lead with \\xe2 too, and are in many reasons. A two-byte needle is
    looked for byte by byte (7 ms over 10 MB): \\xd8 first, alone, with memchr."""
    if b"\x7f" in chunk or b"\xc2" in chunk or (b"\xd8" in chunk and b"\xd8\x9c" in chunk) or _bidi_utf8(chunk):
        return _unsafe_utf8().sub(lambda m: f"\\u{ord(m.group(0).decode()):04x}".encode(), chunk)
    return chunk


def _bidi_utf8(chunk: bytes) -> bool:
    at = chunk.find(b"\xe2")
    while at >= 0:
        if chunk[at + 1 : at + 3] in _BIDI_TAILS:
            return True
        at = chunk.find(b"\xe2", at + 1)
    return False


def _json_escape(match: re.Match[str]) -> str:
    """A character as ensure_ascii writes it: \\uXXXX, or a surrogate pair beyond the BMP."""
    code = ord(match.group(0))
    if code > 0xFFFF:
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_compact(document: object) -> str:
    """One line of pure ASCII JSON (every other character as a \\u escape), safe in any terminal.

    Pieces of it can be joined: status pastes saved items together (rulecache.py).
    """
    encoded: str = _compact_encoder()(document)
    return encoded


@cache
def _compact_encoder() -> Callable[[object], str]:
    """json.dumps(separators=(",", ":")) without making an encoder per call (rule plans make
    several per card: an import of 100,000 cards calls it a million times)."""
    import json

    return json.JSONEncoder(separators=(",", ":")).encode


def _bytes_as_text(value: object) -> str:
    """A BLOB another tool stored in a text column: its text, undecodable bytes replaced."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    raise TypeError(f"{type(value).__name__} is not JSON")


# --- a terminal that cannot take Unicode ------------------------------------------------------------

# What we print between the user's words, as ASCII: '2 overdue - 1 due - 10 active', 'Acme - SRE'.
_ASCII = {
    "\u00b7": "-",
    "\u2014": "-",
    "\u2013": "-",
    "\u2026": "...",
    "\u201c": '"',
    "\u201d": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u2192": "->",
    "\u00d7": "x",
    "\u25b6": ">",
    "\u2713": "v",
}


def _unicode_stdout() -> bool:
    import sys

    return (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "") in ("utf8", "utf16", "utf32")


def _ascii_stand_in(exc: UnicodeError) -> tuple[str, int]:
    """The codec error handler: our separators as ASCII, anything else (user text) as a \\u escape."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for char in exc.object[exc.start : exc.end]:
        code = ord(char)
        if char in _ASCII:
            out.append(_ASCII[char])
        elif code > 0xFFFF:  # as JSON writes it: a surrogate pair
            code -= 0x10000
            out.append(f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}")
        else:
            out.append(f"\\u{code:04x}")
    return "".join(out), exc.end


def ascii_fallback() -> None:
    """When stdout or stderr cannot encode what we print (PYTHONIOENCODING=ascii, a C locale),
    print ASCII stand-ins instead of failing with UnicodeEncodeError."""
    import codecs
    import sys

    codecs.register_error("followup-ascii", _ascii_stand_in)
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("-", "")
        if encoding not in ("utf8", "utf16", "utf32") and hasattr(stream, "reconfigure"):
            try:  # noqa: SIM105  (contextlib, which suppress needs, is off `followup status`'s path)
                stream.reconfigure(errors="followup-ascii")
            except (ValueError, OSError):
                pass
