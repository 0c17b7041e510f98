"""Each operation's forward rule against its own local derivative, and the one-definition
contract: the stepped records, the fast path and the landscape all follow `core.ops`."""

import math

import numpy as np
import pytest

from core import Engine, from_points, gate, gradient_check, ops
from core.landscape import compare_learning_rates, cost_slice
from core.network import Linear, Network

ZS = np.array([-3.0, -0.7, -0.1, 0.2, 0.9, 2.5])


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
def test_activation_local_derivative_is_the_slope_of_its_forward_rule(name):
    act = ops.activation(name)
    h = 1e-6
    numeric = (act.forward(ZS + h) - act.forward(ZS - h)) / (2 * h)
    np.testing.assert_allclose(act.local(act.forward(ZS)), numeric, atol=1e-8)


def test_activation_values():
    np.testing.assert_allclose(ops.activation("sigmoid").forward(ZS), 1 / (1 + np.exp(-ZS)),
                               rtol=1e-15)
    np.testing.assert_allclose(ops.activation("tanh").forward(ZS), np.tanh(ZS))
    np.testing.assert_array_equal(ops.activation("relu").forward(ZS), np.maximum(ZS, 0))
    assert ops.activation("relu").local(np.array([0.0]))[0] == 0.0  # the slope at 0 is 0


@pytest.mark.parametrize("name", ["mse", "bce"])
def test_loss_dz_is_the_slope_of_the_loss_through_the_output_sigmoid(name):
    loss, sig = ops.loss(name), ops.SIGMOID
    h = 1e-6
    for y in (0.0, 1.0):
        Y = np.full_like(ZS, y)

        def L(z, Y=Y):
            return loss.losses(Y, sig.forward(z), z)

        numeric = (L(ZS + h) - L(ZS - h)) / (2 * h)
        np.testing.assert_allclose(loss.dz(Y, sig.forward(ZS)), numeric, atol=1e-8)


def test_cross_entropy_is_the_textbook_formula_and_stable_at_extremes():
    bce = ops.loss("bce")
    yhat = ops.SIGMOID.forward(ZS)
    for y in (0.0, 1.0):
        textbook = -(y * np.log(yhat) + (1 - y) * np.log(1 - yhat))
        np.testing.assert_allclose(bce.losses(y, yhat, ZS), textbook, rtol=1e-12)
    # warnings are errors here: log(0) or exp overflow would fail the test
    z = np.array([-1000.0, 1000.0])
    np.testing.assert_allclose(bce.losses(np.array([1.0, 0.0]), ops.SIGMOID.forward(z), z),
                               [1000.0, 1000.0])
    np.testing.assert_allclose(bce.dz(np.array([1.0, 0.0]), ops.SIGMOID.forward(z)), [-1, 1])


@pytest.mark.parametrize("name", ["mse", "bce"])
def test_scalar_and_array_formulas_agree(name):
    """The fast path's plain-float kernel runs the same expressions as NumPy."""
    loss = ops.loss(name)
    for z in ZS:
        for y in (0.0, 1.0):
            a = ops.SIGMOID.forward(z, ops.SCALAR)
            assert isinstance(a, float)
            assert a == pytest.approx(float(ops.SIGMOID.forward(np.array(z))), abs=1e-16)
            assert loss.losses(y, a, z, ops.SCALAR) == pytest.approx(
                float(loss.losses(np.array(y), np.array(a), np.array(z))), abs=1e-15)


def test_unknown_names_list_the_choices():
    with pytest.raises(ValueError, match="sigmoid, tanh, relu"):
        ops.activation("softmax")
    with pytest.raises(ValueError, match="mse, bce"):
        ops.loss("hinge")


@pytest.fixture
def softsign():
    """A new activation is one class: it registers itself and everything follows it."""

    class Softsign(ops.Activation):
        name, title = "softsign", "softsign"

        def forward(self, z, xp=np):
            return z / (1.0 + xp.abs(z))

        def local(self, a):
            return (1.0 - abs(a)) ** 2

        def forward_lines(self, asym, zsym, Z, A):
            return ((f"{asym} = {zsym} / (1 + |{zsym}|)", ()),
                    (f"{asym} = softsign({{0}}) = {{1}}", (Z, A)))

        def local_line(self, asym, zsym, A, loc):
            return (f"local gradient ∂{asym}/∂{zsym} = (1 − |{asym}|)² = {{1}}", (A, loc))

    yield ops.ACTIVATIONS["softsign"]
    del ops.ACTIVATIONS["softsign"]


def test_adding_an_activation_is_one_class(softsign):
    def make():
        return Network([Linear([[0.3, -0.5], [0.8, 0.1]], [0.1, -0.2]),
                        Linear([[0.7, -0.4]], [0.05])], activation="softsign")

    ds = from_points([(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0), (0.5, 0.2, 1)])
    for check in gradient_check(make(), ds.X, ds.Y):
        assert abs(check.analytic - check.numeric) < 1e-8, check
    stepped = Engine(make(), ds, lr=0.8, mode="batch")
    stepped.finish_forward()
    texts = [t for s in stepped.steps if s.kind == "activation" for t in s.text()]
    assert any("softsign" in t for t in texts)
    fast = Engine(make(), ds, lr=0.8, mode="batch")
    for _ in range(20):
        stepped.run_epoch()
    np.testing.assert_allclose(fast.train(20), stepped.epoch_costs, atol=1e-12, rtol=0)


def test_landscape_follows_the_networks_loss():
    ds = gate("and")
    net = Network([Linear([[0.1, 0.6]], [0.0])], loss="bce")
    assert cost_slice(net, ds.X, ds.Y, "b", [0.0])[0] == pytest.approx(0.719554, abs=1e-6)
    res = compare_learning_rates(net, ds.X, ds.Y, [1.0, 0.1], 50)
    eng = Engine(net.copy(), ds, lr=1.0, mode="batch")
    np.testing.assert_allclose(res.costs[0], eng.train(50), atol=1e-12, rtol=0)
    assert res.costs[0, 0] == pytest.approx(0.719554, abs=1e-6)
    assert res.costs[0, 1] == pytest.approx(0.618313, abs=1e-6)
    assert math.isfinite(res.costs[1, -1])


@pytest.mark.parametrize("loss", ["mse", "bce"])
@pytest.mark.parametrize("mode,m", [("single", 1), ("batch", 4)])
def test_a_diagram_label_and_the_explanation_share_the_loss_formula(loss, mode, m):
    e = Engine(Network([Linear([[0.1, 0.6]], [0.0])], loss=loss), gate("or"), mode=mode)
    e.finish_forward()
    first = [s for s in e.steps if s.kind == "loss"][0].text()[0]
    assert first.startswith(ops.loss(loss).formula(m))
    assert [a.symbol for a in ops.ACTIVATIONS.values()][:3] == ["σ", "tanh", "ReLU"]
