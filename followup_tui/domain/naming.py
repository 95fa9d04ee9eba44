"""Which linked person a name typed on a contact means (`log --person`, the log form's person).

The advice speaks of people by first name ("write to Priya"), and users type what they remember:
"priya", "Shah", "Ms. Shah", "Priya S", her address, or "Priya Shah <priya@x.com>" as `add
--interviewer` takes it. Each of these finds the one linked person it fits; a name that fits none
is someone new. A person is (id, name, email).
"""

from __future__ import annotations

import re
import unicodedata

from .model import name_and_email

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})
_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")  # a name typed that is plainly an address


def matches(typed: str, people: list[tuple[int, str, str]], loose: bool) -> tuple[list[int], str, str]:
    """(the ids of the linked people `typed` fits, best kind of fit first; the name and email a new
    person would get). The full name, or an address (alone or as "Name <email>"), always fits.
    `loose`: a first or last name alone, a title and a surname, or a first name and an initial fit
    too, and someone new named by an address alone gets it as their email (how contacts are logged)."""
    name, email = name_and_email(typed)
    wanted = email.casefold()
    if not email:  # a new person's name is as typed (nothing trimmed off it)
        address = typed.strip() if _ADDRESS.fullmatch(typed.strip()) else ""
        name, email, wanted = typed, address if loose else "", address.casefold()  # the address: on a contact
    by_email = [pid for pid, _, known in people if wanted and (known or "").strip().casefold() == wanted]
    name = name or email  # "<priya@x.com>" alone
    if by_email:
        return by_email, name, email
    words = _words(name)
    exact = [pid for pid, known, _ in people if _words(known or "") == words]
    if exact or not loose or not words:
        return exact, name, email
    split = [(pid, _words(known or "")) for pid, known, _ in people]
    split = [(pid, known) for pid, known in split if known]
    if len(words) == 1:  # a first name first (as the advice names people), else a surname
        firsts = [pid for pid, known in split if known[0] == words[0]]
        return firsts or [pid for pid, known in split if known[-1] == words[0]], name, email
    return [pid for pid, known in split if _fits(words, known)], name, email


def _words(name: str) -> list[str]:
    """A name's words as they are compared: case, accents and dots aside ("renee" is Renée O'Brien,
    as typed on a keyboard without accents; "J.R." is "J R")."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(".", " ").split()


def _fits(words: list[str], known: list[str]) -> bool:
    """'ms shah' for Priya Shah; 'priya s' (a first name and an initial)."""
    if words[0] in _TITLES:
        return len(words) == 2 and words[1] == known[-1]
    return len(words) == 2 and words[0] == known[0] and len(words[1]) == 1 and known[-1].startswith(words[1])


def near_miss(typed: str, people: list[tuple[int, str, str]]) -> str | None:
    """The linked person's name that `typed` (which fits nobody) misses by one letter, the way a typo
    does ("Prya Nair" for Priya Nair); None when none or several do (QA: the typo linked a second
    recruiter, silently owed messages of their own)."""
    words = " ".join(_words(name_and_email(typed)[0] or typed))
    if len(words) < 4:  # too short to tell a typo from another name
        return None
    close = [known for _, known, _ in people if _one_edit(words, " ".join(_words(known or "")))]
    return close[0] if len(close) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by exactly one letter added, dropped or changed."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    start = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    rest = a[start + 1 :] if len(a) == len(b) else a[start:]
    return rest == b[start + 1 :]
