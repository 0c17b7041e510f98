"""Numerical primitives shared by the stepped and the fast paths."""

from __future__ import annotations

import numpy as np

from .ops import SIGMOID


def sigmoid(z):
    """Logistic function that never overflows (the formula is `ops.Sigmoid`'s:
    ½(1 + tanh(z/2)), so z = ±1000 gives exactly 1 or 0 with no RuntimeWarning)."""
    return SIGMOID.forward(np.asarray(z, dtype=float))
