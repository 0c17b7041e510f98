"""Training sets. Examples are columns, as in the tutorial: X is (2, m), Y is (1, m)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .symbols import MINUS, fmt, sub

_INPUTS = ((0, 0), (0, 1), (1, 0), (1, 1))
GATES = {
    "or": (0, 1, 1, 1),
    "and": (0, 0, 0, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
}
# Far larger inputs only overflow w·x (the diagram would show ∞) and teach nothing
COORD_LIMIT = 1e6
COORD_LIMIT_TEXT = "10⁶"
GATE_TITLES = {"or": "OR", "and": "AND", "nand": "NAND", "nor": "NOR", "xor": "XOR"}


class DatasetError(ValueError):
    """A dataset that cannot be trained on; the message says why."""


@dataclass(frozen=True, eq=False)
class Dataset:
    name: str
    X: np.ndarray  # (2, m) float
    Y: np.ndarray  # (1, m) float, each 0 or 1

    @property
    def m(self) -> int:
        return self.X.shape[1]

    @property
    def points(self) -> list[tuple[float, float, int]]:
        return [(float(a), float(b), int(c)) for a, b, c in zip(self.X[0], self.X[1], self.Y[0])]

    def with_point(self, x1: float, x2: float, y: int) -> Dataset:
        return from_points([*self.points, (x1, x2, y)], name="custom")

    def without_point(self, index: int) -> Dataset:
        pts = self.points
        if not 0 <= index < len(pts):
            raise DatasetError(f"there is no example {index} (the dataset has {len(pts)})")
        del pts[index]
        return from_points(pts, name="custom")


def gate(name: str) -> Dataset:
    key = name.lower()
    if key not in GATES:
        raise DatasetError(f"unknown dataset {name!r}; choose one of {', '.join(GATES)}")
    X = np.array(_INPUTS, dtype=float).T.copy()
    Y = np.array([GATES[key]], dtype=float)
    return Dataset(GATE_TITLES[key], X, Y)


def from_points(points, name: str = "custom") -> Dataset:
    """Rows (x₁, x₂, y) with y in {0, 1}."""
    try:
        arr = np.array(list(points), dtype=float)
    except (TypeError, ValueError) as exc:
        raise DatasetError(f"points must be rows of three numbers (x1, x2, y): {exc}") from None
    if arr.size == 0:
        raise DatasetError("the dataset is empty: add at least one point")
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise DatasetError(
            f"each point needs exactly three numbers (x1, x2, y), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise DatasetError("every coordinate and label must be a finite number")
    far = np.abs(arr[:, :2]) > COORD_LIMIT
    if far.any():
        row, col = (int(v) for v in np.argwhere(far)[0])
        raise DatasetError(
            f"point {row} has x{sub(col + 1)} = {fmt(arr[row, col])}: coordinates must lie "
            f"between {MINUS}{COORD_LIMIT_TEXT} and {COORD_LIMIT_TEXT}")
    labels = arr[:, 2]
    bad = ~np.isin(labels, (0.0, 1.0))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DatasetError(f"label of point {row} is {labels[row]:g}; labels must be 0 or 1")
    return Dataset(name, arr[:, :2].T.copy(), arr[:, 2][None, :].copy())


def from_arrays(X, Y, name: str = "custom") -> Dataset:
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if X.ndim != 2 or X.shape[0] != 2:
        raise DatasetError(f"X must have shape (2, m), one column per example; got {X.shape}")
    if Y.shape != (1, X.shape[1]):
        raise DatasetError(f"Y must have shape (1, {X.shape[1]}) to match X; got {Y.shape}")
    return from_points(np.vstack([X, Y]).T, name=name)
