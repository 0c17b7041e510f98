"""Numerical primitives shared by the stepped and the fast paths."""

from __future__ import annotations

import numpy as np


def sigmoid(z):
    """Logistic function that never overflows.

    σ(z) = ½(1 + tanh(z/2)) is algebraically the textbook 1/(1 + e^−z), but
    tanh saturates to ±1 instead of overflowing, so z = ±1000 gives exactly 1
    or 0 with no RuntimeWarning.
    """
    return 0.5 + 0.5 * np.tanh(0.5 * np.asarray(z, dtype=float))

