"""Telling a learner that training has gone wrong, from the per-epoch cost alone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple


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
    "Diverging: the cost has risen for five epochs in a row, well above its best. The "
    "learning rate is too large, so every step overshoots the minimum. Lower it.",
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


RISE = 1e-9  # a relative change smaller than this is rounding, not a rise
RISES = 5  # rises in a row, ending well above the best cost, make a divergence


class Watch(NamedTuple):
    """What has been seen of the cost since training (re)started; immutable so a
    stepped pass can keep the watch as it was before it. (A named tuple: the fast
    path feeds it every epoch, and a tuple is the cheapest immutable record.)

    `still_ok` is set when α = 0: then a cost that never changes is expected.
    """

    first: float | None = None
    prev: float = math.nan
    best: float = math.inf
    rises: int = 0
    flat: int = 0
    still_ok: bool = False

    def feed(self, cost: float, saturated=None) -> tuple[Watch, Status]:
        """The watch after one more epoch's cost, and what it makes of it.

        `saturated`, a function asked only when the cost has stopped changing,
        says whether the output sigmoid is flat on every example: that, not a
        plateau such as XOR's, is what "stuck" means."""
        if not math.isfinite(cost):
            return self, NON_FINITE
        if self.first is None:
            return Watch(cost, cost, cost, 0, 0, self.still_ok), OK
        rises = self.rises + 1 if cost > self.prev * (1 + RISE) else 0
        flat = self.flat + 1 if cost == self.prev else 0
        best = cost if cost < self.best else self.best
        w = Watch(self.first, cost, best, rises, flat, self.still_ok)
        if rises >= RISES and cost > 1.1 * best:
            return w, RISING
        if cost > 1.5 * self.first + 1e-12:
            return w, ABOVE_START
        if flat >= 3 and cost > 1e-3 and not self.still_ok and saturated is not None \
                and saturated():
            return w, STUCK
        return w, OK
