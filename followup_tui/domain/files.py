"""What kind of file a path names: the special ones (devices, FIFOs, sockets) are never opened,
whether as the database, a config file, an import or an output (reading a FIFO waits for ever;
`backup /dev/null` once replaced the device)."""

from __future__ import annotations

import stat

_SPECIAL = (
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """'a device', 'a FIFO', 'a socket': file types we never open; None for the others."""
    return next((name for test, name in _SPECIAL if test(mode)), None)
