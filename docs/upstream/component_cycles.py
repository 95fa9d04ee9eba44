"""Every restyle of a widget with COMPONENT_CLASSES leaves a DOMNode per class in reference cycles (8.2.8)."""

import asyncio
import gc

from textual.app import App
from textual.dom import DOMNode
from textual.widgets import Static


class Styled(Static, can_focus=True):
    COMPONENT_CLASSES = {f"styled--part{n}" for n in range(9)}


class Restyles(App):
    CSS = "Styled:focus { background: red; }"

    def compose(self):
        yield Styled("one")
        yield Styled("two")


def cyclic_dom_nodes() -> int:
    """Plain DOMNodes (Textual's virtual nodes for component styles) that only the cycle collector frees."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    gc.set_debug(0)
    found = sum(type(o) is DOMNode for o in gc.garbage)
    gc.garbage.clear()
    gc.collect()
    return found


async def main() -> None:
    app = Restyles()
    async with app.run_test() as pilot:
        await pilot.pause()
        cyclic_dom_nodes()
        for _ in range(10):
            await pilot.press("tab")
            await pilot.pause()
        print(f"DOMNodes freed only by the cycle collector after 10 focus changes: {cyclic_dom_nodes()}")


asyncio.run(main())
