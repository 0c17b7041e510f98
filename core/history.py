"""A growable float64 record of costs: 8 bytes an entry instead of a Python
list's 32, so a million epochs take 8 MB."""

from __future__ import annotations

import numpy as np


class CostHistory:
    """Append-only, except that it can be cut back (stepping back, resetting)."""

    def __init__(self, capacity: int = 1024):
        self._buf = np.empty(max(1, capacity))
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def _reserve(self, n: int) -> None:
        if n > self._buf.size:
            new = np.empty(max(n, 2 * self._buf.size))
            new[: self._n] = self._buf[: self._n]
            self._buf = new

    def append(self, value: float) -> None:
        self._reserve(self._n + 1)
        self._buf[self._n] = value
        self._n += 1

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=float).reshape(-1)
        self._reserve(self._n + values.size)
        self._buf[self._n : self._n + values.size] = values
        self._n += values.size

    def truncate(self, n: int) -> None:
        self._n = max(0, min(n, self._n))

    def clear(self) -> None:
        self._n = 0

    def view(self) -> np.ndarray:
        """The values, read-only, without a copy."""
        v = self._buf[: self._n]
        v.flags.writeable = False
        return v

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.view()[key].copy()
        if key < 0:
            key += self._n
        if not 0 <= key < self._n:
            raise IndexError("cost history index out of range")
        return float(self._buf[key])

    def __iter__(self):
        return iter(self.view().tolist())

    def tolist(self) -> list[float]:
        return self.view().tolist()

    def __array__(self, dtype=None, copy=None):
        return np.array(self.view(), dtype=dtype, copy=True)

    def __eq__(self, other):
        try:
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        except TypeError:
            return NotImplemented

    def __repr__(self) -> str:
        return f"CostHistory({self.tolist()!r})" if self._n < 10 else f"CostHistory(n={self._n})"
