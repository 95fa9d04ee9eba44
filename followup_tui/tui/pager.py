"""A page scrolled like a pager (the card screen, the help): j/k a line, space/b a page, g/G the ends."""

from __future__ import annotations

from collections.abc import Callable

from textual.actions import SkipAction
from textual.binding import Binding
from textual.containers import VerticalScroll


def pager_keys(prefix: str) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """A scrolled page's keys, as a pager has them (j/k, space/b, g/G); ids '{prefix}-scroll-down'…"""
    return [
        Binding("j", "scroll_down", "Down", show=False, id=f"{prefix}-scroll-down"),
        Binding("k", "scroll_up", "Up", show=False, id=f"{prefix}-scroll-up"),
        Binding("space", "page_down", "Page down", show=False, id=f"{prefix}-page-down-space"),
        Binding("b", "page_up", "Page up", show=False, id=f"{prefix}-page-up-b"),
        Binding("g", "scroll_home", "Top", show=False, id=f"{prefix}-scroll-top"),
        Binding("G", "scroll_end", "Bottom", show=False, id=f"{prefix}-scroll-bottom"),
    ]


class Pager(VerticalScroll):
    """A scrolled page with a pager's keys; a subclass sets BINDINGS = pager_keys(its prefix).

    Every key scrolls at once, not animated (QA walk 14, F6: g/G took most of a second to get
    there, and a capture meanwhile showed the page short of the end), and j and k there and then,
    not at the next refresh: a burst of them (a held key) was worth a third of the lines, each
    worked out from where the page was before the ones still pending (QA walk 13, F5).
    g, G, space and b pressed in a list on the page (the card screen's) scroll the page and take the
    focus back to it: a list left focused off screen moved an unseen highlight on j/k, and e or d
    then acted on a row the user never saw (F4)."""

    def action_scroll_down(self) -> None:
        self._line(1)

    def action_scroll_up(self) -> None:
        self._line(-1)

    def _line(self, lines: int) -> None:
        if not self.allow_vertical_scroll:
            raise SkipAction()  # as Textual's own: the key goes on to the screen's bindings
        self._lines(lines)

    def _lines(self, lines: int) -> None:
        self.scroll_relative(y=lines, animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self._as_the_page(lambda: self.scroll_home(animate=False, immediate=True))

    def action_scroll_end(self) -> None:
        self._as_the_page(lambda: self.scroll_end(animate=False, immediate=True))

    def action_page_down(self) -> None:
        self._as_the_page(lambda: self._lines(self.scrollable_content_region.height))

    def action_page_up(self) -> None:
        self._as_the_page(lambda: self._lines(-self.scrollable_content_region.height))

    def _as_the_page(self, scroll: Callable[[], None]) -> None:
        self.focus(scroll_visible=False)  # from a list on the page: the page has the focus again
        scroll()
