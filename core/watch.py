"""Telling a learner that training has gone wrong, from the per-epoch cost alone."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Status:
    kind: str = "ok"  # "ok", "diverged", "stuck" or "non-finite"
    message: str = ""
    title: str = ""  # a word for a header: "Diverging", "Stuck", "Overflowed"; "" when ok

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


OK = Status()
NON_FINITE = Status(
    "non-finite",
    "Overflowed: the numbers are no longer finite (too large for the computer). The "
    "learning rate or a value is far too large. Lower it and reset.",
    "Overflowed",
)
RISING = Status(
    "diverged",
    "Diverging: the cost has risen for five epochs in a row, well above its best. The "
    "learning rate is too large, so every step overshoots the minimum. Lower it.",
    "Diverging",
)
ABOVE_START = Status(
    "diverged",
    "Diverging: the cost is now well above where it started. The learning rate is too "
    "large, so the steps overshoot the minimum. Lower it.",
    "Diverging",
)
STUCK = Status(
    "stuck",
    "Stuck: a huge step pushed the sigmoid into saturation. Its slope is zero, so every "
    "gradient vanished while the cost is still high. Lower the learning rate and reset.",
    "Stuck",
)


RISE = 1e-9  # a relative change smaller than this is rounding, not a rise
RISES = 5  # rises in a row, ending well above the best cost, make a divergence
# With several updates an epoch (single over all examples, mini-batch) the epoch cost is
# measured while the parameters move, and it settles on a cycle that may lie a little
# above an earlier low point (XOR, batch size 3: from 0.127 up to 0.139). Such a rise is
# the noise of stochastic steps, not overshooting: there a rise counts only when it is
# half as large again as the reference and at least NOISE above it.
NOISY_FACTOR = 1.5
NOISE = 0.01


class Watch(NamedTuple):
    """What has been seen of the cost since training (re)started; immutable so a
    stepped pass can keep the watch as it was before it. (A named tuple: the fast
    path feeds it every epoch, and a tuple is the cheapest immutable record.)

    `still_ok` is set when α = 0: then a cost that never changes is expected.
    `noisy` is set when an epoch has several updates (see NOISY_FACTOR).
    """

    first: float | None = None
    prev: float = math.nan
    best: float = math.inf
    rises: int = 0
    flat: int = 0
    still_ok: bool = False
    noisy: bool = False

    def feed(self, cost: float, saturated=None) -> tuple[Watch, Status]:
        """The watch after one more epoch's cost, and what it makes of it.

        `saturated`, a function asked only when the cost has stopped changing,
        says whether the output sigmoid is flat on every example: that, not a
        plateau such as XOR's, is what "stuck" means."""
        if not math.isfinite(cost):
            return self, NON_FINITE
        if self.first is None:
            return Watch(cost, cost, cost, 0, 0, self.still_ok, self.noisy), OK
        rises = self.rises + 1 if cost > self.prev * (1 + RISE) else 0
        flat = self.flat + 1 if cost == self.prev else 0
        best = cost if cost < self.best else self.best
        w = Watch(self.first, cost, best, rises, flat, self.still_ok, self.noisy)
        if self.noisy:
            rising = cost > NOISY_FACTOR * best + NOISE
            above = cost > NOISY_FACTOR * self.first + NOISE
        else:
            rising, above = cost > 1.1 * best, cost > 1.5 * self.first + 1e-12
        if rises >= RISES and rising:
            return w, RISING
        if above:
            return w, ABOVE_START
        if flat >= 3 and cost > 1e-3 and not self.still_ok and saturated is not None \
                and saturated():
            return w, STUCK
        return w, OK
