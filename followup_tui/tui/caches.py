"""Letting go of what closed screens drew.

Textual 8.2.8 memoises `StylesCache.get_inner_outer` with `functools.lru_cache(1024)`
on the widget's own StylesCache, so the caches of the last 1,024 widgets, with every
line they drew, outlive the screens that held them: 200 card screens opened and closed
kept ~10 MB. A closing screen clears that memo (it is rebuilt at once for the widgets
still shown; only two styles per widget).
"""

from __future__ import annotations


def drop_closed_screens_lines() -> None:
    from textual._styles_cache import StylesCache

    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if clear is not None:  # a later Textual may not memoise it
        clear()
