"""What the engine remembers: a growable float64 record of costs (8 bytes an
entry instead of a Python list's 32, so a million epochs take 8 MB), and the
passes kept for stepping back, within a memory budget."""

from __future__ import annotations

from collections import deque

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
        n = max(0, min(n, self._n))
        if n < self._n:
            # a fresh buffer, so that a frozen() copy taken at the longer length stays
            # true when appends overwrite what was cut (copy-on-write)
            self._buf = self._buf[: max(n, 1)].copy()
        self._n = n

    def frozen(self) -> tuple[np.ndarray, int]:
        """(buffer, length): a snapshot that costs nothing and stays true, since the
        values below the length are never changed in place (see truncate)."""
        return self._buf, self._n

    @classmethod
    def thawed(cls, frozen: tuple[np.ndarray, int]) -> CostHistory:
        buf, n = frozen
        # room for some more, not twice as much: an undo (a restore) followed by an update
        # would otherwise keep a buffer of 2n for every such branch of a long run
        h = cls(n + min(n // 8, 65_536) + 16)
        h.extend(buf[:n])
        return h

    def clear(self) -> None:
        self.truncate(0)

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


STEP_OVERHEAD = 1500  # bytes of Python objects around one Step's arrays (measured: 1.4 kB)
PASS_OVERHEAD = 2000  # the Pass, its Book, dicts and parameter matrices' headers
INDEX_BYTES = 40  # an example's index: a tuple slot and an int object


def _arrays(obj, out: dict) -> None:
    """Collect the memory blocks behind `obj` (arrays, in tuples), each once: a view
    keeps its whole base alive, so the base is what is counted."""
    if isinstance(obj, np.ndarray):
        while isinstance(obj.base, np.ndarray):
            obj = obj.base
        out[id(obj)] = obj.nbytes
    elif isinstance(obj, (tuple, list)):
        for v in obj:
            _arrays(v, out)


def pass_bytes(p) -> int:
    """An estimate of the memory one stored pass (core.steps.Pass) holds."""
    blocks: dict[int, int] = {}
    for s in p.steps:
        _arrays((s.value, s.upstream, s.local, s.per_example), blocks)
        for _template, values in s.lines:
            _arrays(values, blocks)
    _arrays((p.state_before, p.state_after, p.y_hat), blocks)
    return (sum(blocks.values()) + STEP_OVERHEAD * len(p.steps) + PASS_OVERHEAD
            + INDEX_BYTES * len(p.indices))


class PassHistory:
    """The passes kept for stepping back, newest last, bounded both in number and in
    estimated bytes: the oldest go first. (A count alone let 2000 passes over 2000
    points take 1.5 GB.)"""

    def __init__(self, max_passes: int = 2000, max_bytes: int = 200_000_000):
        self.max_passes, self.max_bytes = max_passes, max_bytes
        self._items: deque = deque()
        self.nbytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def append(self, p, book) -> None:
        size = pass_bytes(p)
        self._items.append((p, book, size))
        self.nbytes += size
        while self._items and (len(self._items) > self.max_passes
                               or self.nbytes > self.max_bytes):
            self.nbytes -= self._items.popleft()[2]

    def pop(self):
        """The newest (pass, book)."""
        p, book, size = self._items.pop()
        self.nbytes -= size
        return p, book

    def clear(self) -> None:
        self._items.clear()
        self.nbytes = 0

    def frozen(self) -> tuple:
        return tuple(self._items), self.nbytes

    def thaw(self, frozen) -> None:
        items, nbytes = frozen
        self._items = deque(items)
        self.nbytes = nbytes


class ParamLog:
    """What it takes to give the parameters at the end of every epoch without keeping
    them (10⁶ epochs × 105 parameters would be 840 MB): the training as a list of
    segments, each a checkpoint (the state a stretch of training started from, kept by
    the engine: see Engine._log_op) and the operations since, one number each in `ops`
    (0: one pass stepped through; n > 0: a fast-path call that ran n epochs) with the
    update count after it in `iters` (to cut the log back when stepping back). Replaying
    a segment's operations from its checkpoint gives the same numbers, since both paths
    are pure functions of where they start (Engine.parameters_by_epoch).

    Copy-on-write like CostHistory, so an undo snapshot costs nothing: `frozen`."""

    MAX_SEGMENTS = 10_000  # beyond, the oldest go: their epochs lose their parameters

    def __init__(self):
        self.segments: tuple = ()
        self.ops = CostHistory(64)
        self.iters = CostHistory(64)
        self.tail = None  # (parameter state, key) where the last operation left off

    def __len__(self) -> int:
        return len(self.ops)

    def add(self, n: int, iteration: int, checkpoint=None) -> None:
        if checkpoint is not None:
            self.segments = (*self.segments[-(self.MAX_SEGMENTS - 1):], checkpoint)
        self.ops.append(float(n))
        self.iters.append(float(iteration))

    def cut(self, iteration: int) -> None:
        """Forget the operations that ended after update `iteration` (stepped back)."""
        it = self.iters.view()
        n = len(it)
        while n and it[n - 1] > iteration:
            n -= 1
        if n < len(it):
            self.ops.truncate(n)
            self.iters.truncate(n)
            self.segments = tuple(s for s in self.segments if s.first < n or
                                  (s.first == n and s.book.iteration <= iteration))

    def clear(self) -> None:
        self.segments = ()
        self.ops.clear()
        self.iters.clear()
        self.tail = None

    def frozen(self) -> tuple:
        return self.segments, self.ops.frozen(), self.iters.frozen(), self.tail

    def thaw(self, frozen) -> None:
        self.segments, ops, iters, self.tail = frozen
        self.ops = CostHistory.thawed(ops)
        self.iters = CostHistory.thawed(iters)
