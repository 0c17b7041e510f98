"""Every worked number of the tutorial (shared/reference/worked-numbers.md, A–D) to 1e-6."""

import numpy as np
import pytest

from core import Engine, feature_cross_neuron, from_points, gate, neuron, two_layer

TOL = 1e-6


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), b, atol=TOL, rtol=0)


def stepped_values(engine):
    """{(phase, target): value} of the current pass, read from the records."""
    return {(s.phase, s.target): s.value for s in engine.steps}


# ------------------------------------------------------------------ A
@pytest.mark.parametrize("bias", [False, True])
def test_a_one_example(bias):
    e = Engine(neuron((0.1, 0.6), 0.0 if bias else None), gate("or"), lr=1.0, example=0)
    e.finish_backward()
    v = stepped_values(e)
    close(v["forward", "node:z"], [0.0])
    close(v["forward", "node:y_hat"], [0.5])
    close(v["forward", "node:loss"], 0.125)
    hop = {s.target: s for s in e.steps if s.phase == "backward"}
    close(hop["edge:y_hat->loss"].local, [0.5])
    close(hop["edge:y_hat->loss"].value, [0.5])
    close(hop["edge:z->y_hat"].local, [0.25])
    close(hop["edge:z->y_hat"].value, [0.125])
    close(hop["edge:w1"].value, 0.0)
    close(hop["edge:w2"].value, 0.0)
    close(hop["edge:w1"].local, [0.0])  # the local gradient x₁ is zero: no information
    if bias:
        close(hop["edge:b"].local, [1.0])
        close(hop["edge:b"].value, 0.125)
    e.apply_update()
    if bias:
        close(e.parameters()["b"], -0.125)
        e.step_forward()
        e.finish_forward()
        close(e.current_pass.y_hat, [0.468791])
        close(e.current_pass.cost, 0.109882)
    else:  # without a bias nothing can move
        assert e.parameters() == {"w1": 0.1, "w2": 0.6}


def test_a_update_text():
    e = Engine(example=0)
    e.apply_update()
    upd = [s for s in e.steps if s.target == "param:b"][0]
    assert upd.text(3)[-1] == "b = 0.000 − 1 × 0.125 = −0.125"
    grad = [s for s in e.steps if s.kind == "param_grad" and s.param == "b"][0]
    assert grad.text(3) == [
        "upstream gradient ∂L/∂z = 0.125",
        "local gradient ∂z/∂b = 1",
        "∂L/∂b = 0.125 × 1 = 0.125",
    ]


# ------------------------------------------------------------------ B
def test_b_batch_iterations():
    e = Engine(mode="batch")
    e.finish_backward()
    v = stepped_values(e)
    close(v["forward", "node:z"], [0, 0.6, 0.1, 0.7])
    close(v["forward", "node:y_hat"], [0.500000, 0.645656, 0.524979, 0.668188])
    close(v["forward", "node:loss"], 0.088913)
    hop = {s.target: s for s in e.steps if s.phase == "backward"}
    close(hop["edge:y_hat->loss"].value, [0.125000, -0.088586, -0.118755, -0.082953])
    close(hop["edge:z->y_hat"].local, [0.250000, 0.228784, 0.249376, 0.221713])
    close(hop["edge:z->y_hat"].value, [0.031250, -0.020267, -0.029615, -0.018392])
    close([hop["edge:w1"].value, hop["edge:w2"].value], [-0.048006, -0.038659])
    close(hop["edge:b"].value, -0.037024)
    # the shared bias receives the sum of every example's gradient
    close(hop["edge:b"].per_example, hop["edge:z->y_hat"].value)
    e.apply_update()
    p = e.parameters()
    close([p["w1"], p["w2"], p["b"]], [0.148006, 0.638659, 0.037024])
    e.apply_update()  # iteration 2
    cp = e.current_pass
    close(cp.y_hat, [0.509255, 0.662774, 0.546126, 0.695019])
    close(cp.cost, 0.084010)
    close([cp.grads["w1"], cp.grads["w2"]], [-0.044287, -0.035004])
    close(cp.grads["b"], -0.031313)


def test_b_5000_epochs():
    e = Engine(mode="batch")
    costs = e.train(5000)
    assert len(costs) == 5000
    close(costs[[0, 100, 1000, 3000, 4900, 4999]],
          [0.088913, 0.030480, 0.003144, 0.000920, 0.000539, 0.000528])
    p = e.parameters()
    close([p["w1"], p["w2"], p["b"]], [6.434191, 6.434236, -2.973036])
    close(e.network.predict(e.dataset.X)[0], [0.048659, 0.969563, 0.969562, 0.999950])
    # the decision boundary crosses both axes at 0.462
    assert round(-p["b"] / p["w1"], 3) == 0.462
    assert round(-p["b"] / p["w2"], 3) == 0.462


# ------------------------------------------------------------------ C
def test_c_xor_single_neuron_cannot_fit():
    e = Engine(dataset=gate("xor"), mode="batch")
    costs = e.train(5000)
    assert costs[-1] > 0.12  # stuck near the 0.125 of guessing ½ everywhere


def test_c_feature_cross():
    e = Engine(feature_cross_neuron((0.1, 0.6, 0.2), 0.0), gate("xor"), mode="batch")
    e.finish_backward()
    cp = e.current_pass
    close(cp.cost, 0.138332)
    close([cp.grads["w1"], cp.grads["w2"], cp.grads["w3"]], [0.006910, 0.016258, 0.036525])
    close(cp.grads["b"], 0.017893)
    e.reset(feature_cross_neuron((0.1, 0.6, 0.2), 0.0))
    close(e.train(5000)[-1], 0.001567)


def tutorial_231():
    return two_layer([[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]], [0, 0, 0], [[0.1, 0.4, 0.9]], [0])


def test_c_hidden_layer():
    e = Engine(tutorial_231(), gate("xor"), mode="batch")
    e.apply_update()
    cp = e.current_pass
    close(cp.y_hat, [0.668188, 0.712060, 0.687709, 0.727710])
    close(cp.cost, 0.144559)
    close([cp.grads[f"w2_1_{k}"] for k in (1, 2, 3)], [0.024274, 0.023738, 0.025378])
    close(cp.grads["b2"], 0.041559)
    e.apply_update()
    cp = e.current_pass
    close([cp.grads[f"w2_1_{k}"] for k in (1, 2, 3)], [0.022763, 0.022212, 0.023714])
    close(cp.grads["b2"], 0.038917)
    close([cp.grads[f"b1_{k}"] for k in (1, 2, 3)], [0.000686, 0.003450, 0.007317])
    e.reset(tutorial_231())
    close(e.train(5000)[-1], 0.000894)


# ------------------------------------------------------------------ D
def and_bce(**kw):
    return Engine(neuron((0.1, 0.6), 0.0, loss="bce"), gate("and"), lr=1.0, **kw)


def test_d_cross_entropy_one_example():
    e = and_bce(example=0)
    e.finish_backward()
    close(e.current_pass.cost, 0.693147)
    hop = [s for s in e.steps if s.phase == "backward" and s.kind == "hop"]
    # ∂L/∂z is shown directly as ŷ − y: no overflow-prone ∂L/∂ŷ hop
    assert [s.target for s in hop] == ["edge:z->y_hat"]
    close(hop[0].value, [0.5])
    assert hop[0].symbol == "∂L/∂z"
    assert hop[0].text(3)[-1] == "∂L/∂z = 0.500 − 0 = 0.500"
    e.apply_update()
    close(e.parameters()["b"], -0.5)
    e.step_forward()
    e.finish_forward()
    close(e.current_pass.y_hat, [0.377541])
    close(e.current_pass.cost, 0.474077)


def test_d_cross_entropy_batch():
    e = and_bce(mode="batch")
    e.apply_update()
    close(e.current_pass.cost, 0.719554)
    loss = [s for s in e.steps if s.kind == "loss"][0]
    assert loss.text(6)[-1] == "Cost = (1/4) × Σ losses = 0.719554"
    e.apply_update()
    cp = e.current_pass
    close(cp.cost, 0.618313)
    close([cp.grads["w1"], cp.grads["w2"]], [-0.002732, 0.026482])
    close(cp.grads["b"], 0.238186)
    e.reset(neuron((0.1, 0.6), 0.0, loss="bce"))
    costs = e.train(5000)
    close(costs[-1], 0.003441)
    p = e.parameters()
    np.testing.assert_allclose([p["w1"], p["w2"], p["b"]], [10.678, 10.678, -16.186], atol=1e-3)


def test_d_saturated_neuron_cross_entropy_keeps_its_gradient():
    """At w = (−8, −8), b = −8 on (1, 1) with y = 1, ŷ ≈ 0: squared error's ∂L/∂z
    vanishes with σ′, cross-entropy's stays ŷ − y ≈ −1."""
    ds = from_points([(1, 1, 1)])
    shown = {}
    for loss in ("mse", "bce"):
        e = Engine(neuron((-8, -8), -8.0, loss=loss), ds, example=0)
        e.finish_backward()
        dz = [s for s in e.steps if s.symbol == "∂L/∂z"][0]
        shown[loss] = float(dz.value[0])
    assert abs(shown["bce"]) == pytest.approx(1.0, abs=1e-6)
    assert abs(shown["mse"]) < 1e-9
