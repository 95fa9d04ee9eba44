"""Five colours that differ in every theme: OVERDUE, TOO SOON, DUE, NO REPLY and the focus (SPEC §6).

Themes reuse their colours (Textual's default gives warning and accent the same orange),
so each flag takes the first of its theme colours that is readable on the background and
clearly unlike the colours already taken, else a colour from a fixed set that is.
Distances are CIE76 ΔE in Lab space; readability is WCAG contrast.
"""

from __future__ import annotations

from textual.color import Color

# CSS variables the stylesheet uses (app.tcss), in the order they choose: first the theme's own
# colours, then fixed ones of the same family (a bright one for dark themes, a deep one for light)
PREFERENCES = {
    "flag-overdue": (("error",), ("#e5484d", "#ce2c31", "#ff6369")),
    "flag-too-frequent": (("warning",), ("#f76b15", "#cc4e00", "#ffa057", "#ab6400")),
    "flag-due": (("accent", "primary", "success"), ("#ffc53d", "#00a2c7", "#946800", "#0d74ce", "#3dd68c", "#218358")),
    "flag-no-reply": (("secondary", "primary", "accent"), ("#8e4ec6", "#d6409f", "#6550b9", "#c2298a", "#bf7af0")),
    "flag-focus": (("primary", "accent", "secondary", "success"), ("#3e63dd", "#0d74ce", "#46a758", "#70b8ff")),
}
MIN_DELTA = 20.0  # ΔE: two colours a person tells apart at a glance
MIN_CONTRAST = 2.5  # against the background: a word or a marker stays readable


def flag_colours(variables: dict[str, str]) -> dict[str, str]:
    """The five variables, as colours, for a theme's CSS variables."""
    background = Color.parse(variables.get("background", "#000000"))
    chosen: dict[str, Color] = {}
    for name, (theme_keys, fixed) in PREFERENCES.items():
        candidates = [Color.parse(variables[key]) for key in theme_keys if key in variables]
        candidates += [Color.parse(code) for code in fixed]
        readable = [c for c in candidates if contrast(c, background) >= MIN_CONTRAST] or candidates

        def nearest(colour: Color) -> float:
            return min((delta(colour, other) for other in chosen.values()), default=100.0)

        chosen[name] = next((c for c in readable if nearest(c) >= MIN_DELTA), None) or max(readable, key=nearest)
    return {name: colour.hex for name, colour in chosen.items()}


def contrast(a: Color, b: Color) -> float:
    """WCAG contrast ratio, 1 (none) to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def delta(a: Color, b: Color) -> float:
    """CIE76 colour difference."""
    return sum((x - y) ** 2 for x, y in zip(_lab(a), _lab(b), strict=False)) ** 0.5


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(colour: Color) -> float:
    r, g, b = (_linear(c) for c in colour.rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _lab(colour: Color) -> tuple[float, float, float]:
    r, g, b = (_linear(c) for c in colour.rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)
