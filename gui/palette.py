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
