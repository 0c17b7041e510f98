"""The Network and Data sections of the window: choosing a network, its loss and start,
generated data with a test part, and sliders made from the network's parameters."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core.setup import TUTORIAL, NetworkSpec


def choose(combo, data):
    """Pick an entry as a learner does: the combo's own activated signal."""
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)
    combo.activated.emit(i)


def type_network(qtbot, win, text):
    edit = win.network_panel.network.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def sizes(net):
    return (net.n_inputs, *(lin.units for lin in net.linears))


def test_choosing_2_3_1_builds_the_tutorial_network_with_its_start(win):
    choose(win.network_panel.network, "2-3-1")
    net = win.session.engine.network
    assert sizes(net) == (2, 3, 1)
    W1, b1, W2, b2 = TUTORIAL[(2, 3, 1)]
    np.testing.assert_array_equal(net.linears[0].W, W1)
    np.testing.assert_array_equal(net.linears[1].W, W2)
    # 13 parameters: one slider, for the parameter picked in the list above it
    assert win.param_pick.isVisibleTo(win) and win.param_pick.count() == 13
    assert list(win.sliders) == ["w1_1_1"]
    assert win.stride.currentData() == "node" and win.session.stride == "node"
    assert win.network_panel.form.isRowVisible(win.network_panel.activation)


def test_the_single_neuron_keeps_a_slider_each_and_micro_steps(win):
    choose(win.network_panel.network, "cross")
    assert list(win.sliders) == ["w1", "w2", "w3", "b"]
    assert not win.param_pick.isVisibleTo(win)
    assert win.session.engine.network.get("w3") == pytest.approx(0.2)
    choose(win.network_panel.network, "neuron")
    assert list(win.sliders) == ["w1", "w2", "b"]
    assert win.session.stride == "step"


def test_typed_sizes_without_a_tutorial_start_draw_a_xavier_one(qtbot, win):
    type_network(qtbot, win, "2-4-1")
    spec = win.session.spec
    assert spec.label == "2-4-1" and spec.init == "xavier"
    assert win.network_panel.init.currentData() == "xavier"
    assert win.network_panel.form.isRowVisible(win.network_panel._seed_row)


def test_impossible_sizes_are_refused_and_nothing_changes(qtbot, win):
    before = win.session.engine.parameters()
    type_network(qtbot, win, "2-9-1")
    assert "1 to 8 units" in win.problem_text()
    assert win.session.engine.parameters() == before
    assert win.network_panel.network.currentText() == "single neuron"
    type_network(qtbot, win, "three layers")
    assert "unknown network" in win.problem_text()


def test_xavier_seed_48_reproduces_the_authors_notebook(win):
    """The author's 2-3-1 notebook on XOR: cost 0.1292651 at epoch 0."""
    choose(win.dataset, "xor")
    choose(win.mode, "batch")
    choose(win.network_panel.network, "2-3-1")
    choose(win.network_panel.init, "xavier")
    win.network_panel.seed.setValue(48)
    win.act_fwd_pass.trigger()
    assert win.session.engine.current_pass.cost == pytest.approx(0.1292651, abs=5e-8)


def test_re_roll_draws_another_start_reproducible_from_its_seed(win):
    choose(win.network_panel.network, "2-3-1")
    choose(win.network_panel.init, "he")
    first = win.session.engine.parameters()
    seed = win.network_panel.seed.value()
    win.network_panel.reroll.click()
    assert win.network_panel.seed.value() == seed + 1
    assert win.session.engine.parameters() != first
    win.network_panel.seed.setValue(seed)
    assert win.session.engine.parameters() == first
    assert first == NetworkSpec(network="2-3-1", init="he", seed=seed).build().values()


def test_switching_the_loss_keeps_the_parameters(win):
    win.session.set_parameter("w1", 0.37)
    choose(win.network_panel.loss, "bce")
    e = win.session.engine
    assert e.network.loss.name == "bce" and e.parameters()["w1"] == 0.37
    win.act_fwd_pass.trigger()
    assert "log" in " ".join(e.current_step.text())


def test_picking_a_parameter_moves_its_slider_and_the_landscape(qtbot, win):
    choose(win.network_panel.network, "2-3-1")
    choose(win.param_pick, "w2_1_3")
    assert list(win.sliders) == ["w2_1_3"]
    assert win.plots.landscape.parameter_name == "w2_1_3"
    sl = win.sliders["w2_1_3"]
    assert sl.value() == pytest.approx(0.9)
    sl.spin.setValue(-0.25)
    assert win.session.engine.parameters()["w2_1_3"] == -0.25


def test_biases_off_keeps_the_weights(win):
    choose(win.network_panel.network, "2-3-1")
    win.session.set_parameter("w1_2_1", 0.55)
    win.bias_box.setChecked(False)
    e = win.session.engine
    assert not e.network.has_bias and e.parameters()["w1_2_1"] == 0.55
    assert not any(n.startswith("b") for n in e.parameters())
    assert win.bias_box.text() == "Biases (one per unit)"


def test_generated_data_with_a_test_part(win):
    choose(win.dataset, "circles")
    dp = win.data_panel
    assert all(dp.form.isRowVisible(w) for w in dp.generated_rows())
    assert win.session.engine.dataset.m == 200
    dp.points.setValue(500)
    dp.test_part.setValue(20)
    e = win.session.engine
    assert e.dataset.m == 400 and e.test_set.m == 100
    dp.data_seed.setValue(7)
    assert win.session.data.seed == 7 and e.test_set.m == 100
    choose(win.dataset, "moons")  # another shape keeps the size and the test part
    assert win.session.engine.dataset.m == 400
    choose(win.dataset, "or")
    assert win.session.engine.test_set is None
    assert not any(dp.form.isRowVisible(w) for w in dp.generated_rows())


def test_a_typed_out_of_range_size_says_why(qtbot, win):
    choose(win.dataset, "spiral")
    box = win.data_panel.points
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "20000")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert "1 to 10" in win.problem_text() and win.session.engine.dataset.m == 200


def test_step_by_layer_from_the_window(win):
    choose(win.dataset, "xor")
    choose(win.mode, "batch")
    choose(win.network_panel.network, "2-3-1")
    choose(win.stride, "layer")
    win.act_forward.trigger()
    win.act_forward.trigger()
    shown = win.session.engine.shown_values()
    np.testing.assert_allclose(shown["node:y_hat"].value, [0.668, 0.712, 0.688, 0.728],
                               atol=5e-4)
    win.act_back.trigger()
    assert "node:y_hat" not in win.session.engine.shown_values()


def test_clicking_an_edge_selects_its_weight_everywhere(qtbot, win):
    """A click on the network diagram: the slider, the landscape and the explanation follow."""
    choose(win.dataset, "xor")
    choose(win.mode, "batch")
    choose(win.network_panel.network, "2-3-1")
    win.resize(1600, 1000)
    win.show()
    qtbot.waitExposed(win)
    view = win.net_diagram
    pos = view.anchor("w2_1_2")
    assert view.parameter_at(pos) == "w2_1_2"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert list(win.sliders) == ["w2_1_2"]
    assert win.plots.landscape.parameter_name == "w2_1_2"
    assert win.param_pick.currentData() == "w2_1_2"
    text = win.explain.selected_text
    assert text.isVisibleTo(win) and "w²₁₂" in text.text() and "not computed yet" in text.text()
    win.act_bwd_pass.trigger()
    g = next(s for s in win.session.engine.revealed if s.param == "w2_1_2"
             and s.kind == "param_grad")
    assert "∂Cost/∂w²₁₂ = 0.024 " in text.text() and f"step {g.index + 1}" in text.text()
    win.act_update.trigger()
    assert "updated 0.400 → 0.376" in text.text()
    choose(win.network_panel.network, "neuron")  # a name the neuron lacks: nothing follows
    assert not text.isVisibleTo(win)


def test_a_new_networks_sliders_replace_the_old_at_once(qtbot, win):
    """Switching networks in a shown window: the old sliders go from view straight away,
    not when the event loop next deletes them (they were drawn over the new one)."""
    win.show()
    qtbot.waitExposed(win)
    old = list(win.sliders.values())
    choose(win.network_panel.network, "2-3-1")
    assert not any(sl.isVisible() for sl in old)
    qtbot.waitUntil(lambda: all(sl.isVisible() for sl in win.sliders.values()))
