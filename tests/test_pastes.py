"""A paste holding escape codes (colored output copied from a terminal) arrives as one paste, as
text: never as key presses the board would run (tui/pastes.py)."""

from __future__ import annotations

from textual import events
from textual._xterm_parser import XTermParser

from followup_tui.tui.pastes import PasteSafeParser

COLORED = "see \x1b[31mtimeout\x1b[0m"
PASTED = f"\x1b[200~{COLORED}\x1b[201~"


def parse(parser, *chunks: str) -> list:
    return [event for chunk in chunks for event in parser.feed(chunk)]


def keys(found: list) -> list[str]:
    return [event.key for event in found if isinstance(event, events.Key)]


def test_textual_alone_turns_a_pasted_escape_code_into_keys():
    """Why pastes.py exists: t, i, m, e, o, u, t would reach the board as keys."""
    assert "t" in keys(parse(XTermParser(), PASTED))


def test_a_paste_with_escape_codes_is_one_paste_of_visible_text():
    found = parse(PasteSafeParser(), PASTED)
    assert keys(found) == []
    assert [event.text for event in found if isinstance(event, events.Paste)] == ["see \\x1b[31mtimeout\\x1b[0m"]


def test_a_paste_split_across_reads_even_inside_its_end_marker():
    for cut in range(1, len(PASTED)):
        for second in range(cut + 1, len(PASTED)):  # (an empty read is the end of input)
            parser = PasteSafeParser()
            found = parse(parser, PASTED[:cut], PASTED[cut:second], PASTED[second:], "j")
            assert keys(found) == ["j"], (cut, second)
            assert [event.text for event in found if isinstance(event, events.Paste)] == [
                "see \\x1b[31mtimeout\\x1b[0m"
            ]


def test_keys_outside_a_paste_are_read_as_before():
    found = parse(PasteSafeParser(), "t", "\x1b[A", "x", PASTED, "u")
    assert keys(found) == ["t", "up", "x", "u"]
