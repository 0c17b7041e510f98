"""Networks of every shape the learner can choose (1–2 hidden layers of 1–8 units),
every hidden activation and loss, built from the validated `NetworkSpec`."""

import itertools

import numpy as np
import pytest
from conftest import assert_shown_gradients_match

from core import Engine, NetworkSpec, SetupError, from_points, gate, gradient_check
from core.setup import parse_network

SHAPES = [(2, h, 1) for h in (1, 3, 8)] + [(2, a, b, 1) for a, b in ((1, 1), (5, 3), (8, 8))]
ACTS = ["sigmoid", "tanh", "relu"]
LOSSES = ["mse", "bce"]
CASES = list(itertools.product(SHAPES, ACTS, LOSSES))


def random_case(seed, shape, act, loss, init="xavier"):
    rng = np.random.default_rng(seed)
    spec = NetworkSpec(shape, activation=act, loss=loss, init=init, seed=seed)
    net = spec.build()
    for s in net.slots:  # not only the zero biases of a fresh start
        net.set(s.name, net.get(s.name) + rng.normal(scale=0.5))
    m = int(rng.integers(2, 9))
    pts = np.column_stack([rng.uniform(-1, 2, size=(m, 2)), rng.integers(0, 2, size=m)])
    return net, from_points(pts)


def _close(analytic, numeric):
    return abs(analytic - numeric) < 1e-7 + 1e-5 * abs(numeric)


@pytest.mark.parametrize("shape,act,loss", CASES)
def test_backprop_matches_finite_differences(shape, act, loss):
    for seed in range(3):
        net, ds = random_case(seed, shape, act, loss)
        checks = gradient_check(net, ds.X, ds.Y)
        assert len(checks) == len(net.slots)
        for c in checks:
            assert _close(c.analytic, c.numeric), (seed, c)


@pytest.mark.parametrize("shape,act,loss", CASES)
def test_stepped_records_match_finite_differences(shape, act, loss):
    """The gradients the learner is shown, one pass at a time."""
    net, ds = random_case(7, shape, act, loss)
    e = Engine(net, ds, lr=0.2, mode="minibatch", batch_size=2)
    assert_shown_gradients_match(e, 2, _close)


@pytest.mark.parametrize("mode,kw", [("batch", {}), ("single", {"example": None}),
                                     ("minibatch", {"batch_size": 3})])
@pytest.mark.parametrize("shape,act,loss", CASES)
def test_stepped_path_equals_fast_path(shape, act, loss, mode, kw):
    net, ds = random_case(3, shape, act, loss)
    stepped = Engine(net.copy(), ds, lr=0.5, mode=mode, **kw)
    fast = Engine(net.copy(), ds, lr=0.5, mode=mode, **kw)
    for _ in range(8):
        stepped.run_epoch()
    np.testing.assert_allclose(fast.train(8), stepped.epoch_costs, atol=1e-12, rtol=0)
    for k, v in stepped.parameters().items():
        assert fast.parameters()[k] == pytest.approx(v, abs=1e-12), k


@pytest.mark.parametrize("loss", LOSSES)
def test_single_neuron_and_cross_fast_path_equals_stepped_path(loss):
    for network in ("neuron", "cross"):
        spec = NetworkSpec(network, loss=loss, params={"b": 0.3})
        stepped = Engine(spec.build(), gate("xor"), lr=2.0, mode="single", example=None)
        fast = Engine(spec.build(), gate("xor"), lr=2.0, mode="single", example=None)
        for _ in range(10):
            stepped.run_epoch()
        np.testing.assert_allclose(fast.train(10), stepped.epoch_costs, atol=1e-12, rtol=0)
        assert fast.parameters() == pytest.approx(stepped.parameters(), abs=1e-12)


def test_xavier_seed_48_reproduces_the_authors_notebook():
    e = Engine(NetworkSpec("2-3-1", init="xavier", seed=48).build(), gate("xor"),
               lr=1.0, mode="batch")
    costs = e.train(5000)
    assert costs[0] == pytest.approx(0.1292651, abs=1e-7)
    assert costs[4900] == pytest.approx(0.000921, abs=1e-6)  # the notebook's last print
    assert costs[-1] == pytest.approx(0.000893, abs=1e-6)


@pytest.mark.parametrize("init,scale", [("plain", lambda f: 0.01),
                                        ("xavier", lambda f: 1 / np.sqrt(f)),
                                        ("he", lambda f: np.sqrt(2 / f))])
def test_random_starts_are_drawn_as_the_authors_code_draws_them(init, scale):
    net = NetworkSpec("2-5-3-1", init=init, seed=11).build()
    rng = np.random.RandomState(11)
    for lin, (units, fan) in zip(net.linears, [(5, 2), (3, 5), (1, 3)]):
        np.testing.assert_allclose(lin.W, rng.randn(units, fan) * scale(fan), rtol=1e-15)
        np.testing.assert_array_equal(lin.b, np.zeros((units, 1)))
    again = NetworkSpec("2-5-3-1", init=init, seed=11).build()
    assert again.values() == net.values()  # re-rolling is reproducible from the seed
    assert NetworkSpec("2-5-3-1", init=init, seed=12).build().values() != net.values()


def test_tutorial_starts():
    assert NetworkSpec().build().values() == {"w1": 0.1, "w2": 0.6, "b": 0.0}
    assert NetworkSpec(bias=False).build().values() == {"w1": 0.1, "w2": 0.6}
    assert NetworkSpec("cross").build().values() == {"w1": 0.1, "w2": 0.6, "w3": 0.2, "b": 0.0}
    net = NetworkSpec("2-3-1").build()
    np.testing.assert_array_equal(net.linears[0].W, [[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]])
    np.testing.assert_array_equal(net.linears[1].W, [[0.1, 0.4, 0.9]])
    assert NetworkSpec(params={"w1": -2, "b": 1}).build().values() == {
        "w1": -2.0, "w2": 0.6, "b": 1.0}


def test_spec_describes_itself_and_rebuilds():
    s = NetworkSpec("2-5-3-1", activation="tanh", loss="bce", init="he", seed=3)
    assert s.sizes == (2, 5, 3, 1) and s.hidden == (5, 3) and s.label == "2-5-3-1"
    assert s.to_dict() == {"network": "2-5-3-1", "bias": True, "activation": "tanh",
                           "loss": "bce", "init": "he", "seed": 3}
    net = s.build()
    assert [a.name for a in net.activations] == ["tanh", "tanh", "sigmoid"]
    assert net.loss.name == "bce" and len(net.slots) == 5 * 3 + 3 * 6 + 4
    assert s.build() is not net and s.build().values() == net.values()
    t = s.replace(network="2-3-1", init="tutorial")
    assert t.label == "2-3-1" and t.activation == "tanh"
    assert NetworkSpec((2, 3, 1)) == NetworkSpec("2-3-1")
    assert parse_network(" 2 - 8 - 8 - 1 ") == (2, 8, 8, 1)


@pytest.mark.parametrize("kw,message", [
    ({"network": "2-9-1"}, "1 to 8 units, not 9"),
    ({"network": "2-0-1", "init": "he"}, "1 to 8 units, not 0"),
    ({"network": "2-3-3-3-1", "init": "he"}, "at most 2"),
    ({"network": "3-3-1"}, "input layer has 2 units"),
    ({"network": "2-3-2"}, "output layer has one unit"),
    ({"network": "2-1"}, "no hidden layer"),
    ({"network": "triangle"}, "choose neuron, cross, or layer sizes"),
    ({"network": "neuron", "activation": "relu"}, "no hidden activation"),
    ({"network": "2-4-1"}, "tutorial gives starting parameters for 2-3-1 only"),
    ({"network": "2-4-1", "init": "lecun"}, "unknown init 'lecun'"),
    ({"activation": "softmax"}, "choose one of sigmoid, tanh, relu"),
    ({"loss": "hinge"}, "choose one of mse, bce"),
    ({"seed": -1}, "between 0 and"),
    ({"seed": 1.5}, "whole number"),
    ({"params": {"w3": 1.0}}, "no parameter 'w3'; its parameters are w1, w2, b"),
    ({"params": {"b": float("nan")}}, "finite"),
    ({"bias": False, "params": {"b": 1.0}}, "no parameter 'b'"),
])
def test_bad_choices_say_what_to_change(kw, message):
    with pytest.raises(SetupError, match=message):
        NetworkSpec(**kw)
    assert issubclass(SetupError, ValueError)


def test_fast_path_reports_each_epochs_parameters_by_name():
    spec = NetworkSpec("2-5-3-1", activation="tanh", loss="bce", init="xavier", seed=2)
    stepped = Engine(spec.build(), gate("xor"), lr=0.7, mode="minibatch", batch_size=3)
    fast = Engine(spec.build(), gate("xor"), lr=0.7, mode="minibatch", batch_size=3)
    seen = []
    fast.train(4, lambda cost, params: seen.append((cost, params)))
    for cost, params in seen:
        stepped.run_epoch()
        assert cost == pytest.approx(stepped.epoch_costs[-1], abs=1e-12)
        assert params == pytest.approx(stepped.parameters(), abs=1e-12)
        assert list(params) == [s.name for s in stepped.network.slots]


def test_copies_keep_activation_and_loss():
    net = NetworkSpec("2-3-1", activation="relu", loss="bce").build()
    twin = net.copy()
    assert [a.name for a in twin.activations] == ["relu", "sigmoid"]
    assert twin.loss.name == "bce" and twin.values() == net.values()
