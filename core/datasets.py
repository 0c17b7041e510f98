"""Training sets. Examples are columns, as in the tutorial: X is (2, m), Y is (1, m).

The four gates, hand-placed points, sets generated from a seed (`generated`: two blobs,
circles, moons, a spiral) and a stratified train/test split of any set (`split`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from .symbols import MINUS, fmt, fmt_short, sub

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


# ---- generated data sets --------------------------------------------------------------
# Shapes after scikit-learn's make_blobs, make_circles and make_moons and TensorFlow
# Playground's spiral (our own code), scaled and centred so that without noise every set lies
# in [−0.4, 1.4]², inside the input plane's default view (−0.5 to 1.5), around the gates.
GENERATED_TITLES = {"blobs": "two blobs", "circles": "circles", "moons": "moons",
                    "spiral": "spiral"}
GENERATED_NOTES = {
    "blobs": "two round clouds around (0, 0) and (1, 1): a straight line separates them",
    "circles": "a ring of radius 0.9 around a ring of radius 0.45: no straight line "
               "separates them",
    "moons": "two interleaved half-circles: a curve separates them",
    "spiral": "two arms winding 1¾ turns around each other: the hardest of the four",
}
# Blobs need noise to spread at all; the other shapes are recognisable with little
DEFAULT_NOISE = {"blobs": 0.3, "circles": 0.05, "moons": 0.1, "spiral": 0.05}
DEFAULT_POINTS = 200
MAX_POINTS = 10_000  # enough to see a shape; more only slows every epoch
MAX_NOISE = 1.0  # the shapes span about 2 units: at 1 every set is one cloud
MAX_SEED = 2**32 - 1  # RandomState's limit
MAX_TEST_FRACTION = 0.9
_CENTRE = 0.5  # the middle of the gates' square
_RADIUS = 0.9  # circles' outer ring, the spiral's arms: to ±1.4 with the centre at 0.5
_INNER = 0.5  # make_circles' factor: the inner ring's radius over the outer's
_MOON_SCALE = 0.6  # make_moons spans 3 × 1.5; 0.6 makes it 1.8 × 0.9


def _whole(value, what: str, lo: int, hi: int) -> int:
    # bool is an int to Python but "True points" is a mistake, not a count
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DatasetError(f"{what} must be a whole number from {lo} to {hi}, got {value!r}")
    value = int(value)
    if not lo <= value <= hi:
        raise DatasetError(f"{what} must be a whole number from {lo} to {hi}, got {value}")
    return value


def _fraction(value, what: str, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise DatasetError(f"{what} must be a number from 0 to {fmt_short(hi)}, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and 0.0 <= value <= hi):
        raise DatasetError(
            f"{what} must be a number from 0 to {fmt_short(hi)}, got {fmt_short(value)}")
    return value


def _kind(kind) -> str:
    key = str(kind).strip().lower()
    if key not in GENERATED_TITLES:
        raise DatasetError(
            f"unknown generated data set {kind!r}; choose one of {', '.join(GENERATED_TITLES)}")
    return key


def _class_sizes(n: int) -> tuple[int, int]:
    """As even as n allows; class 0 takes the odd point (so one point is of class 0)."""
    return (n + 1) // 2, n // 2


def _blobs(n0: int, n1: int) -> np.ndarray:
    # make_blobs with two fixed centres, the gates' (0, 0) and (1, 1); noise is the spread
    return np.hstack([np.zeros((2, n0)), np.ones((2, n1))])


def _circles(n0: int, n1: int) -> np.ndarray:
    # make_circles: evenly spaced angles, outer ring class 0, inner ring class 1
    t0 = np.linspace(0.0, 2 * np.pi, n0, endpoint=False)
    t1 = np.linspace(0.0, 2 * np.pi, n1, endpoint=False)
    outer = _RADIUS * np.vstack([np.cos(t0), np.sin(t0)])
    inner = _RADIUS * _INNER * np.vstack([np.cos(t1), np.sin(t1)])
    return _CENTRE + np.hstack([outer, inner])


def _moons(n0: int, n1: int) -> np.ndarray:
    # make_moons: the upper half-circle (class 0) and the lower one shifted right and down,
    # spanning x from −1 to 2 and y from −0.5 to 1, centred here on (0.5, 0.5)
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    upper = np.vstack([np.cos(t0), np.sin(t0)])
    lower = np.vstack([1.0 - np.cos(t1), 0.5 - np.sin(t1)])
    middle = np.array([[0.5], [0.25]])
    return _CENTRE + _MOON_SCALE * (np.hstack([upper, lower]) - middle)


def _arm(k: int, turn: float) -> np.ndarray:
    # Playground's spiral: radius and angle grow together over 1.75 turns. Its i/k puts both
    # arms' first points on the centre with different labels; (i + ½)/k keeps them apart.
    s = (np.arange(k) + 0.5) / k if k else np.zeros(0)
    r = _RADIUS * s
    t = 1.75 * 2 * np.pi * s + turn
    return np.vstack([r * np.sin(t), r * np.cos(t)])


def _spiral(n0: int, n1: int) -> np.ndarray:
    return _CENTRE + np.hstack([_arm(n0, 0.0), _arm(n1, np.pi)])


_SHAPES = {"blobs": _blobs, "circles": _circles, "moons": _moons, "spiral": _spiral}


def generated(kind: str, n: int = DEFAULT_POINTS, noise: float | None = None,
              seed: int = 0) -> Dataset:
    """`n` points of one of GENERATED_TITLES' shapes, two classes (0 and 1) as even as n
    allows, each coordinate moved by Gaussian noise of standard deviation `noise` (None: the
    shape's DEFAULT_NOISE), the points in an order shuffled by `seed`.

    Reproducible: the draws come from NumPy's legacy generator np.random.RandomState(seed),
    whose stream NumPy keeps fixed across versions and platforms; the same seed gives the same
    points on every run (only sin and cos, which some CPUs' vector code rounds differently,
    could move a coordinate in its last bit from one machine to another). The noise is drawn
    before anything else, one standard normal per coordinate, then scaled: changing only the
    noise moves the same points further or less.
    """
    key = _kind(kind)
    n = _whole(n, "the number of points", 1, MAX_POINTS)
    noise = DEFAULT_NOISE[key] if noise is None else _fraction(noise, "noise", MAX_NOISE)
    seed = _whole(seed, "the seed", 0, MAX_SEED)
    rng = np.random.RandomState(seed)
    jitter = rng.standard_normal((2, n))
    order = rng.permutation(n)  # mixed classes, for one-example and mini-batch passes
    n0, n1 = _class_sizes(n)
    X = _SHAPES[key](n0, n1) + noise * jitter
    Y = np.hstack([np.zeros(n0), np.ones(n1)])[None, :]
    name = (f"{GENERATED_TITLES[key]} ({n} point{'s' if n != 1 else ''}, "
            f"noise {fmt_short(noise)}, seed {seed})")
    return from_arrays(X[:, order], Y[:, order], name=name)


def split(dataset: Dataset, test_fraction: float,
          seed: int = 0) -> tuple[Dataset, Dataset | None]:
    """(train, test): about `test_fraction` of the points, drawn by
    np.random.RandomState(seed) from each class in proportion (stratified), set aside to
    measure the cost on points the training never sees. Training keeps at least one point
    of every class present. A fraction of 0 gives (dataset, None). Both parts keep the
    dataset's order. DatasetError if the split would leave no test point."""
    f = _fraction(test_fraction, "the test fraction", MAX_TEST_FRACTION)
    seed = _whole(seed, "the split seed", 0, MAX_SEED)
    if f == 0.0:
        return dataset, None
    m = dataset.m
    labels = dataset.Y[0]
    classes = [np.flatnonzero(labels == c) for c in (0.0, 1.0)]
    present = sum(1 for idx in classes if idx.size)
    want = max(1, math.floor(f * m + 0.5))  # any fraction above 0 tests at least one point
    total = min(want, m - present)
    if total < 1:
        raise DatasetError(
            f"{m} point{'s' if m != 1 else ''} cannot be split: training needs at least one "
            f"point of each class, which leaves none to test; add points or set the test "
            f"fraction to 0")
    # Largest remainders: each class's share of the test points, its last point kept back
    shares = [total * idx.size / m for idx in classes]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(2), key=lambda c: counts[c] - shares[c])
    for c in by_remainder * 2:
        if sum(counts) == total:
            break
        if counts[c] < classes[c].size - 1:
            counts[c] += 1
    rng = np.random.RandomState(seed)
    test_idx = np.sort(np.concatenate(
        [rng.permutation(idx)[:k] for idx, k in zip(classes, counts)]))
    keep = np.ones(m, dtype=bool)
    keep[test_idx] = False
    train = Dataset(f"{dataset.name}: training part", dataset.X[:, keep].copy(),
                    dataset.Y[:, keep].copy())
    test = Dataset(f"{dataset.name}: test part", dataset.X[:, test_idx].copy(),
                   dataset.Y[:, test_idx].copy())
    return train, test
