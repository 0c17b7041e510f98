"""Telling a learner that training has gone wrong, from the per-epoch cost alone."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    kind: str = "ok"  # "ok", "diverged" or "non-finite"
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


OK = Status()
NON_FINITE = Status(
    "non-finite",
    "The numbers overflowed (they are no longer finite): the learning rate is far too "
    "large. Lower it and reset.",
)
RISING = Status(
    "diverged",
    "Diverging: the cost has risen for five epochs in a row. The learning rate is too "
    "large, so every step overshoots the minimum. Lower it.",
)
ABOVE_START = Status(
    "diverged",
    "Diverging: the cost is now well above where it started. The learning rate is too "
    "large, so the steps overshoot the minimum. Lower it.",
)
STUCK = Status(
    "diverged",
    "Stuck: a huge step pushed the sigmoid into saturation. Its slope is zero, so every "
    "gradient vanished while the cost is still high. Lower the learning rate and reset.",
)


@dataclass(frozen=True)
class Watch:
    """What has been seen of the cost since training (re)started; immutable so a
    stepped pass can keep the watch as it was before it."""

    first: float | None = None
    prev: float | None = None
    rises: int = 0
    flat: int = 0

    def feed(self, cost: float) -> tuple[Watch, Status]:
        if not math.isfinite(cost):
            return self, NON_FINITE
        if self.first is None:
            return Watch(cost, cost), OK
        rises = self.rises + 1 if cost > self.prev else 0
        flat = self.flat + 1 if cost == self.prev else 0
        w = Watch(self.first, cost, rises, flat)
        if rises >= 5:
            return w, RISING
        if cost > 1.5 * self.first + 1e-12:
            return w, ABOVE_START
        if flat >= 3 and cost > self.first and cost > 1e-9:
            return w, STUCK
        return w, OK
