"""Generated data sets (blobs, circles, moons, spiral) and the train/test split."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import datasets
from core.datasets import (
    COORD_LIMIT,
    GENERATED_TITLES,
    MAX_POINTS,
    Dataset,
    DatasetError,
    from_points,
    gate,
    generated,
    split,
)

KINDS = list(GENERATED_TITLES)


def test_the_four_kinds_have_titles():
    assert KINDS == ["blobs", "circles", "moons", "spiral"]
    assert GENERATED_TITLES["blobs"] == "two blobs"
    assert set(datasets.GENERATED_NOTES) == set(KINDS)
    assert set(datasets.DEFAULT_NOISE) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", [1, 2, 7, 200])
def test_shape_labels_and_balance(kind, n):
    ds = generated(kind, n, 0.1, 3)
    assert isinstance(ds, Dataset)
    assert ds.X.shape == (2, n) and ds.Y.shape == (1, n) and ds.m == n
    assert ds.X.dtype == float and ds.Y.dtype == float
    assert set(np.unique(ds.Y)) <= {0.0, 1.0}
    ones = int(ds.Y.sum())
    assert (n - ones, ones) == ((n + 1) // 2, n // 2)  # class 0 takes the odd point


def test_one_point_is_one_class_and_trains_as_a_dataset():
    ds = generated("moons", 1, 0.0, 0)
    assert ds.points == [(0.5 + 0.6 * 0.5, 0.5 + 0.6 * -0.25, 0)]
    assert ds.name == "moons (1 point, noise 0, seed 0)"


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_seed_gives_the_same_points_another_seed_others(kind):
    a = generated(kind, 300, 0.2, 11)
    b = generated(kind, 300, 0.2, 11)
    c = generated(kind, 300, 0.2, 12)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.Y, b.Y)
    assert not np.array_equal(a.X, c.X)


def test_draws_are_numpys_legacy_generator_seeded():
    # The documented source of randomness: RandomState(seed), noise first
    ds = generated("blobs", 6, 0.5, 42)
    rng = np.random.RandomState(42)
    jitter = rng.standard_normal((2, 6))
    order = rng.permutation(6)
    centres = np.array([[0, 0, 0, 1, 1, 1]] * 2, dtype=float)
    assert np.array_equal(ds.X, (centres + 0.5 * jitter)[:, order])
    assert np.array_equal(ds.Y[0], centres[0, order])


def test_changing_only_the_noise_moves_the_same_points():
    a = generated("moons", 50, 0.0, 5)
    b = generated("moons", 50, 0.1, 5)
    c = generated("moons", 50, 0.2, 5)
    assert np.array_equal(a.Y, b.Y)
    assert np.allclose(c.X - a.X, 2 * (b.X - a.X))


@pytest.mark.parametrize("kind", KINDS)
def test_points_are_shuffled_not_sorted_by_class(kind):
    y = generated(kind, 200, 0.1, 0).Y[0]
    assert 30 < y[:100].sum() < 70  # sorted by class, the first half would be all 0


@pytest.mark.parametrize("kind", KINDS)
def test_without_noise_every_set_lies_inside_the_default_view(kind):
    ds = generated(kind, 1000, 0.0, 0)
    assert ds.X.min() >= -0.4 - 1e-12 and ds.X.max() <= 1.4 + 1e-12
    assert ds.X.min() <= 0.0 and ds.X.max() >= 1.0  # and spreads over it


@pytest.mark.parametrize("kind", KINDS)
def test_largest_noise_and_points_stay_within_the_coordinate_limit(kind):
    ds = generated(kind, MAX_POINTS, datasets.MAX_NOISE, 2**32 - 1)
    assert ds.m == MAX_POINTS
    assert np.all(np.isfinite(ds.X)) and np.abs(ds.X).max() < 10 < COORD_LIMIT


def test_circles_without_noise_lie_exactly_on_their_radii():
    ds = generated("circles", 101, 0.0, 4)
    r = np.hypot(ds.X[0] - 0.5, ds.X[1] - 0.5)
    assert np.allclose(r[ds.Y[0] == 0], 0.9, rtol=0, atol=1e-12)
    assert np.allclose(r[ds.Y[0] == 1], 0.45, rtol=0, atol=1e-12)


def test_blobs_without_noise_sit_on_the_gate_corners():
    ds = generated("blobs", 9, 0.0, 1)
    for x1, x2, y in ds.points:
        assert (x1, x2) == ((1.0, 1.0) if y else (0.0, 0.0))


def test_moons_without_noise_follow_the_two_half_circles():
    ds = generated("moons", 400, 0.0, 0)
    # undo the scaling and centring: back to make_moons' own coordinates
    u = (ds.X - 0.5) / 0.6 + np.array([[0.5], [0.25]])
    upper, lower = u[:, ds.Y[0] == 0], u[:, ds.Y[0] == 1]
    assert np.allclose(np.hypot(upper[0], upper[1]), 1.0, atol=1e-12)
    assert upper[1].min() >= -1e-12
    assert np.allclose(np.hypot(lower[0] - 1.0, lower[1] - 0.5), 1.0, atol=1e-12)
    assert lower[1].max() <= 0.5 + 1e-12


def test_spiral_arms_grow_and_mirror_each_other():
    ds = generated("spiral", 200, 0.0, 0)
    for cls in (0, 1):
        arm = ds.X[:, ds.Y[0] == cls] - 0.5
        r = np.sort(np.hypot(arm[0], arm[1]))
        assert r[0] > 0 and r[-1] < 0.9 and np.all(np.diff(r) > 0)
    a = ds.X[:, ds.Y[0] == 0] - 0.5
    b = ds.X[:, ds.Y[0] == 1] - 0.5
    # the second arm is the first turned half a turn: same points, mirrored through the centre
    key = lambda p: np.lexsort((p[1], p[0]))  # noqa: E731
    assert np.allclose((-a)[:, key(-a)], b[:, key(b)], atol=1e-12)


def test_names_say_what_was_generated():
    assert generated("moons", 200, 0.1, 1).name == "moons (200 points, noise 0.1, seed 1)"
    assert generated("blobs", 50, 0, 0).name == "two blobs (50 points, noise 0, seed 0)"
    assert generated("SPIRAL", 10, 0.25, 9).name == "spiral (10 points, noise 0.25, seed 9)"


def test_defaults():
    ds = generated("circles")
    assert ds.m == datasets.DEFAULT_POINTS == 200
    assert ds.name == "circles (200 points, noise 0.05, seed 0)"


def test_numpy_integers_and_floats_are_accepted():
    a = generated("moons", np.int64(20), np.float64(0.1), np.uint32(3))
    b = generated("moons", 20, 0.1, 3)
    assert np.array_equal(a.X, b.X)


@pytest.mark.parametrize("n, shown", [
    (0, "got 0"), (-3, "got -3"), (10_001, "got 10001"), (2.5, "got 2.5"),
    (200.0, "got 200.0"), (True, "got True"), ("200", "got '200'"), (None, "got None"),
])
def test_bad_number_of_points_is_refused_by_name(n, shown):
    with pytest.raises(DatasetError) as err:
        generated("moons", n, 0.1, 0)
    msg = str(err.value)
    assert msg.startswith("the number of points must be a whole number from 1 to 10000")
    assert msg.endswith(shown)


@pytest.mark.parametrize("noise, shown", [
    (float("nan"), "got NaN"), (-0.1, "got \u22120.1"), (1.5, "got 1.5"),
    (1e300, "got 1×10³⁰⁰"), (float("inf"), "got ∞"), (True, "got True"), ("0.1", "got '0.1'"),
])
def test_bad_noise_is_refused_by_name(noise, shown):
    with pytest.raises(DatasetError) as err:
        generated("circles", 10, noise, 0)
    msg = str(err.value)
    assert msg.startswith("noise must be a number from 0 to 1, got")
    assert msg.endswith(shown)


@pytest.mark.parametrize("seed, shown", [
    (-1, "got -1"), (2**32, "got 4294967296"), (1.5, "got 1.5"), (False, "got False"),
])
def test_bad_seed_is_refused_by_name(seed, shown):
    with pytest.raises(DatasetError) as err:
        generated("spiral", 10, 0.1, seed)
    msg = str(err.value)
    assert msg.startswith("the seed must be a whole number from 0 to 4294967295")
    assert msg.endswith(shown)


@pytest.mark.parametrize("kind", ["xor", "moon", "", 3])
def test_unknown_kind_is_refused_with_the_choices(kind):
    with pytest.raises(DatasetError, match="unknown generated data set .*choose one of "
                                           "blobs, circles, moons, spiral"):
        generated(kind, 10, 0.1, 0)


def test_gates_and_hand_placed_points_are_unchanged():
    g = gate("xor")
    assert g.name == "XOR"
    assert g.points == [(0.0, 0.0, 0), (0.0, 1.0, 1), (1.0, 0.0, 1), (1.0, 1.0, 0)]
    d = from_points([(0.2, 0.3, 1)])
    assert d.name == "custom" and d.points == [(0.2, 0.3, 1)]
    with pytest.raises(DatasetError):
        gate("moons")


def test_a_generated_set_can_be_edited_by_hand():
    ds = generated("moons", 4, 0.0, 0).with_point(0.1, 0.2, 1)
    assert ds.m == 5 and ds.name == "custom"


# ---- split ----------------------------------------------------------------------------
def _counts(ds):
    ones = int(ds.Y.sum())
    return ds.m - ones, ones


@pytest.mark.parametrize("n, f, expect", [
    (200, 0.2, (40, (20, 20))), (201, 0.2, (40, (20, 20))), (10, 0.5, (5, (3, 2))),
    (5, 0.9, (3, (2, 1))), (3, 0.9, (1, (1, 0))), (100, 0.9, (90, (45, 45))),
    (4, 0.01, (1, (1, 0))),
])
def test_split_sizes_are_stratified_and_train_keeps_both_classes(n, f, expect):
    ds = generated("moons", n, 0.1, 7)
    train, test = split(ds, f, 3)
    total, per_class = expect
    assert test.m == total and _counts(test) == per_class
    assert train.m + test.m == n
    assert min(_counts(train)) >= 1
    # together they are the data set's points, each once, each part in the set's order
    pts = ds.points
    where = [pts.index(p) for p in train.points], [pts.index(p) for p in test.points]
    assert sorted(where[0] + where[1]) == list(range(n))
    assert where[0] == sorted(where[0]) and where[1] == sorted(where[1])


def test_split_shares_follow_the_class_proportions():
    ds = from_points([(i, 0, 1 if i < 30 else 0) for i in range(100)])  # 70 of class 0
    train, test = split(ds, 0.3, 0)
    assert _counts(test) == (21, 9) and _counts(train) == (49, 21)


def test_split_is_reproducible_from_its_seed():
    ds = generated("spiral", 300, 0.1, 1)
    a, b, c = split(ds, 0.25, 5), split(ds, 0.25, 5), split(ds, 0.25, 6)
    assert np.array_equal(a[1].X, b[1].X) and np.array_equal(a[0].X, b[0].X)
    assert not np.array_equal(a[1].X, c[1].X)


def test_split_parts_are_datasets_with_names():
    train, test = split(generated("moons", 200, 0.1, 1), 0.2, 0)
    assert train.name == "moons (200 points, noise 0.1, seed 1): training part"
    assert test.name == "moons (200 points, noise 0.1, seed 1): test part"
    assert train.X.shape == (2, 160) and test.Y.shape == (1, 40)


def test_split_of_nothing_keeps_the_set():
    ds = generated("moons", 20, 0.1, 1)
    train, test = split(ds, 0, 0)
    assert train is ds and test is None


def test_split_of_a_single_class_set():
    ds = from_points([(0, 0, 1), (1, 0, 1), (2, 0, 1), (3, 0, 1)])
    train, test = split(ds, 0.5, 0)
    assert (train.m, test.m) == (2, 2) and _counts(test) == (0, 2)


@pytest.mark.parametrize("points", [
    [(0, 0, 1)], [(0, 0, 0), (1, 1, 1)],
])
def test_a_split_that_would_leave_no_test_point_is_refused(points):
    with pytest.raises(DatasetError, match="cannot be split: training needs at least one "
                                           "point of each class"):
        split(from_points(points), 0.9, 0)


@pytest.mark.parametrize("f, shown", [
    (-0.1, "got \u22120.1"), (0.95, "got 0.95"), (1, "got 1"), (float("nan"), "got NaN"),
    (True, "got True"),
])
def test_bad_test_fraction_is_refused_by_name(f, shown):
    with pytest.raises(DatasetError) as err:
        split(gate("or"), f, 0)
    msg = str(err.value)
    assert msg.startswith("the test fraction must be a number from 0 to 0.9")
    assert msg.endswith(shown)


def test_bad_split_seed_is_refused_by_name():
    with pytest.raises(DatasetError, match="the split seed must be a whole number"):
        split(gate("or"), 0.5, -1)


def test_no_warning_for_any_kind_and_size():
    # pytest turns warnings into errors; this walks the edges where NumPy might warn
    for kind in KINDS:
        for n in (1, 2, 3):
            for noise in (0, 1):
                ds = generated(kind, n, noise, 0)
                assert math.isfinite(float(ds.X.sum()))
