"""Sections C and D of the worked numbers, reproduced through the window's own controls:
the feature cross and the 2-3-1 network on XOR, cross-entropy on AND."""

import numpy as np
import pytest
from test_network_panel import choose

C_CROSS_GRADS = {"w1": 0.006910, "w2": 0.016258, "w3": 0.036525, "b": 0.017893}


def set_up(win, network, dataset, mode="batch", loss="mse"):
    choose(win.dataset, dataset)
    choose(win.mode, mode)
    choose(win.network_panel.network, network)
    choose(win.network_panel.loss, loss)


def grads(engine):
    return {s.param: float(s.value) for s in engine.current_pass.steps
            if s.kind == "param_grad"}


def test_feature_cross_on_xor(win):
    set_up(win, "cross", "xor")
    win.act_bwd_pass.trigger()
    e = win.session.engine
    assert e.current_pass.cost == pytest.approx(0.138332, abs=1e-6)
    g = grads(e)
    for name, want in C_CROSS_GRADS.items():
        assert g[name] == pytest.approx(want, abs=1e-6)
    win.session.train(5000)
    assert e.epoch_costs[-1] == pytest.approx(0.001567, abs=1e-6)


def test_two_three_one_on_xor(win):
    set_up(win, "2-3-1", "xor")
    win.act_fwd_pass.trigger()
    e = win.session.engine
    np.testing.assert_allclose(e.current_pass.y_hat, [0.668188, 0.712060, 0.687709, 0.727710],
                               atol=1e-6)
    assert e.current_pass.cost == pytest.approx(0.144559, abs=1e-6)
    win.act_bwd_pass.trigger()
    g = grads(e)
    np.testing.assert_allclose([g["w2_1_1"], g["w2_1_2"], g["w2_1_3"], g["b2"]],
                               [0.024274, 0.023738, 0.025378, 0.041559], atol=1e-6)
    win.act_update.trigger()
    win.act_bwd_pass.trigger()  # iteration 2
    g = grads(e)
    np.testing.assert_allclose([g["w2_1_1"], g["w2_1_2"], g["w2_1_3"], g["b2"]],
                               [0.022763, 0.022212, 0.023714, 0.038917], atol=1e-6)
    np.testing.assert_allclose([g["b1_1"], g["b1_2"], g["b1_3"]],
                               [0.000686, 0.003450, 0.007317], atol=1e-6)
    win.act_update.trigger()
    win.session.train(4998)
    assert e.epoch_costs[-1] == pytest.approx(0.000894, abs=1e-6)


def test_cross_entropy_on_and(win):
    set_up(win, "neuron", "and", mode="single", loss="bce")
    e = win.session.engine
    win.act_bwd_pass.trigger()
    assert e.current_pass.cost == pytest.approx(0.693147, abs=1e-6)
    assert grads(e)["b"] == pytest.approx(0.5, abs=1e-12)
    win.act_update.trigger()
    assert e.parameters()["b"] == pytest.approx(-0.5)
    set_up(win, "neuron", "and", loss="bce")
    win.act_reset.trigger()  # back to the start, now a batch of all four
    win.act_update.trigger()
    assert e.current_pass.cost == pytest.approx(0.719554, abs=1e-6)
    win.act_fwd_pass.trigger()  # the next pass: cost after one update
    assert e.current_pass.cost == pytest.approx(0.618313, abs=1e-6)
    win.act_bwd_pass.trigger()
    g = grads(e)
    np.testing.assert_allclose([g["w1"], g["w2"], g["b"]], [-0.002732, 0.026482, 0.238186],
                               atol=1e-6)


def lesson(win, lid):
    return next(le for le in win.lessons if le.id == lid)


@pytest.mark.parametrize("change,says", [
    (lambda win: choose(win.network_panel.network, "cross"), "feature-cross neuron"),
    (lambda win: choose(win.network_panel.loss, "bce"), "cross-entropy"),
    (lambda win: choose(win.dataset, "moons"), "moons"),
])
def test_leaving_a_network_lesson_says_so(win, change, says):
    win.start_lesson(lesson(win, "hidden-layer"))
    assert "0.145" in win.lesson_text.text()
    change(win)
    text = win.lesson_text.text()
    assert "left" in text and says in text and "0.145" not in text
    win.lesson_text.linkActivated.emit("lesson:hidden-layer")  # one click back
    assert win.session.spec.label == "2-3-1" and "0.145" in win.lesson_text.text()



@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800), (1366, 768)])
@pytest.mark.parametrize("network,dataset,mode", [("2-3-1", "xor", "single"),
                                                  ("2-3-1", "xor", "batch"),
                                                  ("2-8-8-1", "circles", "batch"),
                                                  ("cross", "xor", "batch")])
def test_network_diagram_legible_in_the_window(qtbot, size, network, dataset, mode):
    """In the real window at the sizes learners have, every value the network diagram
    shows is at least 11 px on screen and no two overlap, through a whole pass."""
    from test_netdiagram import assert_legible

    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    set_up(win, network, dataset, mode)
    if network == "2-8-8-1":
        choose(win.network_panel.init, "xavier")
    choose(win.stride, "step")  # one computation at a time: every stage is seen
    view = win.shown_diagram()
    assert view is win.net_diagram
    e = win.session.engine
    n = len(e.steps)
    every = max(1, n // 40)
    for k in range(n):
        win.act_forward.trigger()
        if k % every == 0:
            assert_legible(view, f"{size} {network} {mode} {e.current_step.target}")
        if e.cursor == n:
            break
    assert_legible(view, "after the update")
