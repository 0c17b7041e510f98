"""Colours of the diagram and panels: the tutorial's green/red, or colour-blind safe."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True)
class Palette:
    forward: QColor
    backward: QColor
    update: QColor
    highlight: QColor


PALETTES = {
    # forward green and backward red, as in the tutorial's figures
    "default": Palette(QColor("#1a9641"), QColor("#d7191c"), QColor("#5e3c99"),
                       QColor("#ff9f1c")),
    # Okabe–Ito: distinguishable with every common colour-vision deficiency
    "colorblind": Palette(QColor("#0072B2"), QColor("#D55E00"), QColor("#CC79A7"),
                          QColor("#F0E442")),  # yellow: far from the vermilion gradients
}


# Text colours for a verdict (right / a caveat / wrong), dark enough on white; the words
# and symbols (✓ ⚠ ✗) beside them carry the meaning, the colour follows the palette.
VERDICT_TEXT = {
    "default": {"good": "#00704f", "warn": "#8f5400", "bad": "#b3261e"},
    "colorblind": {"good": "#005a8c", "warn": "#7a5c00", "bad": "#a33d00"},  # Okabe–Ito
}
VERDICT_BACK = {
    "default": {"good": ("#e8f5e9", "#a5d6a7"), "bad": ("#fdecea", "#e6a0a0")},
    "colorblind": {"good": ("#e6f1f8", "#8fbfdf"), "bad": ("#fbece3", "#e0a98a")},
}


def verdict_colour(palette: str, verdict: str) -> str:
    return VERDICT_TEXT.get(palette, VERDICT_TEXT["default"])[verdict]


def verdict_style(palette: str, verdict: str) -> str:
    """A boxed label's style sheet for a right ("good") or wrong ("bad") answer."""
    back, border = VERDICT_BACK.get(palette, VERDICT_BACK["default"])[verdict]
    return (f"color: {verdict_colour(palette, verdict)}; background: {back}; "
            f"border: 1px solid {border}; padding: 4px")
