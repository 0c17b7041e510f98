"""Analytic gradients (vectorized and stepped records) against central finite differences."""

import numpy as np
import pytest
from conftest import assert_shown_gradients_match

from core import Engine, feature_cross_neuron, from_points, gradient_check, neuron, two_layer
from core.numerics import sigmoid


def random_network(rng, kind):
    if kind == "neuron":
        return neuron(rng.normal(size=2), rng.normal())
    if kind == "no-bias":
        return neuron(rng.normal(size=2), None)
    if kind == "cross":
        return feature_cross_neuron(rng.normal(size=3), rng.normal())
    h = int(rng.integers(1, 5))
    return two_layer(rng.normal(size=(h, 2)), rng.normal(size=h), rng.normal(size=(1, h)),
                     rng.normal(size=1))


def random_dataset(rng):
    m = int(rng.integers(1, 9))
    pts = np.column_stack([rng.uniform(-1, 2, size=(m, 2)), rng.integers(0, 2, size=m)])
    return from_points(pts)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("kind", ["neuron", "no-bias", "cross", "hidden"])
def test_backprop_matches_finite_differences(seed, kind):
    rng = np.random.default_rng(seed)
    net, ds = random_network(rng, kind), random_dataset(rng)
    for check in gradient_check(net, ds.X, ds.Y):
        assert abs(check.analytic - check.numeric) < 1e-8 + 1e-6 * abs(check.numeric), check


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["single", "minibatch", "batch"])
@pytest.mark.parametrize("kind", ["neuron", "cross", "hidden"])
def test_stepped_records_match_finite_differences(seed, mode, kind):
    """The gradients the learner is shown, pass by pass, in every mode."""
    rng = np.random.default_rng(100 + seed)
    net, ds = random_network(rng, kind), random_dataset(rng)
    e = Engine(net, ds, lr=0.3, mode=mode, example=None, batch_size=int(rng.integers(1, 4)))
    assert_shown_gradients_match(
        e, 3, lambda g, n: g == pytest.approx(n, abs=1e-8, rel=1e-6))


def test_sigmoid_is_stable_at_extremes():
    # warnings are errors in this suite: an overflow would fail here
    assert sigmoid(1000.0) == 1.0
    assert sigmoid(-1000.0) == 0.0
    np.testing.assert_allclose(sigmoid(np.array([-2.0, 0.0, 2.0])),
                               1 / (1 + np.exp(-np.array([-2.0, 0.0, 2.0]))), rtol=1e-15)
