"""The network diagram (gui/netdiagram.py): every network but the plain neuron.

Numbers are the tutorial's 2-3-1 on XOR (W¹ = [[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]],
W² = [[0.1, 0.4, 0.9]], biases 0, α = 1): in batch mode the forward pass gives
Ŷ = [0.668, 0.712, 0.688, 0.728] and cost 0.145 (worked-numbers.md, section C).
"""

import itertools

import numpy as np
import pytest
from conftest import show_widget
from PySide6.QtCore import Qt

from core import Engine, datasets
from core.setup import NetworkSpec
from core.symbols import fmt
from gui.netdiagram import NetworkDiagram, row_text
from gui.session import Session

SIZES = ((660, 360), (900, 470))  # what a 1280×800 and a 1600×1000 window give it


def make(qtbot, network="2-3-1", mode="batch", ds=None, size=(900, 470), **spec):
    engine = Engine(NetworkSpec(network=network, **spec).build(),
                    ds if ds is not None else datasets.gate("xor"), lr=1, mode=mode,
                    example=0 if mode == "single" else None)
    session = Session(engine)
    view = show_widget(qtbot, NetworkDiagram(session), size)
    return session, view


def circles():
    return datasets.generated("circles", 200, 0.1, 0)


def assert_legible(view, where=""):
    """Every visible text at least 11 px on screen, inside the widget, none overlapping."""
    labels = view.visible_labels()
    assert labels, where
    vp = view.viewport().rect()
    for key, text, rect, px in labels:
        assert px >= 11, (where, key, px)
        assert vp.contains(rect), (where, key, text, rect, vp)
    for (ka, ta, ra, _), (kb, tb, rb, _) in itertools.combinations(labels, 2):
        assert not ra.intersects(rb), (where, ka, ta, kb, tb)


# ---------------------------------------------------------------------- values
def test_batch_forward_shows_the_engines_numbers(qtbot):
    session, view = make(qtbot)
    assert view.value_text("y_hat") == ""  # nothing computed yet
    session.finish_forward()
    assert "ŷ = [0.668, 0.712, 0.688, 0.728]" in view.value_text("y_hat").split("\n")
    assert view.value_text("loss").startswith("Cost = 0.145")
    assert "y = [0, 1, 1, 0]" in view.value_text("loss")
    assert view.value_text("x1") == "x₁ = [0, 0, 1, 1]"
    # every unit's z and a are the engine's revealed values, one row per vector
    shown = session.engine.shown_values()
    net = session.engine.network
    for l, lin in enumerate(net.linears):
        for i in range(lin.units):
            text = view.value_text(net.a_id(l, i)).split("\n")
            for target in (f"node:{net.z_id(l, i)}", f"node:{net.a_id(l, i)}"):
                s = shown[target]
                assert f"{s.symbol} = {row_text(s.value, 3)}" in text, (target, text)
    assert view.highlighted() == "node:loss"
    assert view.node_text("loss") == "Cost = (1/2m) Σ (y − ŷ)²"
    assert view.node_text("a1_2") == "a¹₂" and view.node_text("y_hat") == "ŷ"


def test_focus_shows_one_example_of_the_batch(qtbot):
    session, view = make(qtbot)
    session.finish_forward()
    view.set_focus(1)
    assert view.focus() == 1
    assert "ŷ⁽²⁾ = 0.712" in view.value_text("y_hat").replace(" · ", "\n").split("\n")
    assert view.value_text("x1") == "x₁⁽²⁾ = 0" and view.value_text("x2") == "x₂⁽²⁾ = 1"
    assert view.value_text("loss").startswith("Cost = 0.145")  # the whole batch's
    view.set_focus(None)
    assert "[" in view.value_text("y_hat")


def test_highlight_follows_every_step_of_a_pass(qtbot):
    session, view = make(qtbot, mode="single")
    engine = session.engine
    for _ in range(len(engine.steps)):
        session.step_forward()
        assert view.highlighted() == engine.current_step.target
        assert view.value_text("step"), engine.current_step.target
    session.step_back()
    assert view.highlighted() == engine.current_step.target


def test_chain_rule_at_a_backward_hop(qtbot):
    session, view = make(qtbot, mode="single")
    engine = session.engine
    while engine.current_step is None or engine.current_step.target != "edge:z1_2->a1_2":
        session.step_forward()
    s = engine.current_step
    up, loc, res = (float(np.ravel(v)[0]) for v in (s.upstream, s.local, s.value))
    text = view.value_text("step")
    assert f"∂a¹₂/∂z¹₂ = {fmt(loc, 3)}" in text  # the local gradient at the node
    assert f"{fmt(up, 3)} × {fmt(loc, 3)} = {fmt(res, 3)}" in text  # upstream × local
    assert view.highlighted() == "edge:z1_2->a1_2"
    assert f"∂L/∂z¹₂ = {fmt(res, 3)}" in view.value_text("a1_2")


def test_gradients_meeting_at_a_hidden_unit_are_summed(qtbot):
    session, view = make(qtbot, network="2-5-3-1", mode="single", init="xavier", seed=3)
    engine = session.engine
    while engine.current_step is None or engine.current_step.target != "edge:a1_2->z2_1":
        session.step_forward()
    s = engine.current_step
    text = view.value_text("step")
    assert "Σ over the 3 units it feeds" in text
    assert f"= {fmt(float(np.ravel(s.value)[0]), 3)}" in text
    # the three paths: upstream × weight for each unit a¹₂ feeds
    def par(v):
        return f"({fmt(v, 3)})" if v < 0 else fmt(v, 3)

    terms = [f"{par(float(u))}×{par(float(w))}"
             for u, w in zip(np.ravel(s.upstream), np.ravel(s.local))]
    assert " + ".join(terms) in text
    assert view.glowing() == {"a1_2", "w2_1_2", "w2_2_2", "w2_3_2"}  # the paths that meet


def test_update_shows_old_and_new_values(qtbot):
    session, view = make(qtbot)
    session.finish_backward()
    old = session.engine.network.get("w2_1_3")
    session.apply_update()
    new = session.engine.network.get("w2_1_3")
    assert old != new
    view.set_selected("w2_1_3")
    assert f"w²₁₃: {fmt(old, 3)} → {fmt(new, 3)}" in view.value_text("w2_1_3")
    assert f"(was {old!r})" in view.tooltip_text("w2_1_3")
    # the current step (the last update, b²) says how it was computed
    assert view.highlighted() == "param:b2"
    assert "b² ← b² − α × ∂Cost/∂b²" in view.value_text("step")
    assert "→" in view.value_text("y_hat")  # b² moved: its unit shows old → new


def test_palette_colours_the_values_and_the_legend(qtbot):
    from gui.palette import PALETTES

    session, view = make(qtbot)
    session.finish_backward()
    for name, pal in PALETTES.items():
        view.set_palette(name)
        assert view.palette_name() == name
        assert view.value_colour("y_hat") == pal.forward.name()
        assert view.value_colour("step") == pal.backward.name()
        assert view.legend()[1][1] == pal.backward.name()
    assert "ŷ = [0.668" in view.accessibleDescription()


def test_legend_names_meanings(qtbot):
    _, view = make(qtbot)
    texts = [t for t, _ in view.legend()]
    assert texts[:4] == ["forward value", "← gradient", "old → new: update", "current step"]
    assert "weight" in texts[4] and "dashed −" in texts[4]  # not by colour alone
    colours = {c for _, c in view.legend()}
    assert len(colours) >= 4


# ---------------------------------------------------------------------- clicks
def test_click_on_an_edge_or_a_node_emits_its_parameter(qtbot):
    session, view = make(qtbot)
    for key, name in (("w1_2_1", "w1_2_1"), ("w2_1_3", "w2_1_3"), ("a1_2", "b1_2"),
                      ("y_hat", "b2")):
        pos = view.anchor(key)
        assert view.parameter_at(pos) == name
        with qtbot.waitSignal(view.parameterClicked) as blocker:
            qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        assert blocker.args == [name]
    assert view.parameter_at(view.anchor("x1")) is None  # an input has no parameter
    view.set_selected("w1_2_1")
    assert view.selected() == "w1_2_1"
    assert view.value_text("w1_2_1").startswith("w¹₂₁ = 0.200")


def test_without_biases_a_node_selects_its_first_weight(qtbot):
    _, view = make(qtbot, bias=False)
    assert view.parameter_at(view.anchor("a1_3")) == "w1_3_1"
    assert view.parameter_at(view.anchor("y_hat")) == "w2_1_1"


def test_hovering_a_unit_of_a_big_network_shows_its_values(qtbot):
    session, view = make(qtbot, network="2-8-8-1", init="xavier", ds=circles(), size=(660, 360))
    session.finish_forward()
    assert view.value_text("a2_4") == ""  # too many to show them all
    qtbot.mouseMove(view.viewport(), view.anchor("a2_4"))
    qtbot.waitUntil(lambda: view.value_text("a2_4") != "")
    assert "a²₄ = [" in view.value_text("a2_4")
    assert_legible(view, "hover")
    # an edge: its weight's value, at hover, and the exact one in its tooltip
    assert view.value_text("w2_5_7") == ""
    qtbot.mouseMove(view.viewport(), view.anchor("w2_5_7"))
    qtbot.waitUntil(lambda: view.value_text("w2_5_7") != "")
    w = session.engine.network.get("w2_5_7")
    assert view.value_text("w2_5_7").startswith(f"w²₅₇ = {fmt(w, 3)}")
    assert view.tooltip_text("w2_5_7").startswith(f"w²₅₇ = {repr(w).replace('-', '−')}")
    assert_legible(view, "hover edge")


# ---------------------------------------------------------------------- legibility
def _walk(session, view, where, every=1):
    """Check legibility at steps of one whole pass."""
    engine = session.engine
    assert_legible(view, f"{where} start")
    for k in range(len(engine.steps)):
        session.step_forward()
        if k % every == 0 or k == len(engine.steps) - 1:
            assert_legible(view, f"{where} {engine.current_step.target}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", ["single", "batch"])
def test_2_3_1_is_legible(qtbot, size, mode):
    session, view = make(qtbot, mode=mode, size=size)
    _walk(session, view, f"2-3-1 {mode} {size}")
    view.set_selected("w1_3_2")
    assert view.value_text("w1_3_2")
    assert_legible(view, "selected")


@pytest.mark.parametrize("size", SIZES)
def test_2_8_8_1_is_legible(qtbot, size):
    session, view = make(qtbot, network="2-8-8-1", init="xavier", ds=circles(), size=size)
    session.train(3)
    _walk(session, view, f"2-8-8-1 {size}", every=17)
    for name in ("w2_5_7", "b1_3"):
        view.set_selected(name)
        assert_legible(view, name)


def test_layout_follows_the_widget_and_its_top_margin(qtbot):
    session, view = make(qtbot, size=(660, 360))
    session.finish_forward()
    before = view.anchor("y_hat")
    view.set_top_margin(40)
    assert view.drawn_rect().top() >= 40
    assert_legible(view, "margin")
    view.resize(900, 470)
    qtbot.waitUntil(lambda: view.anchor("y_hat") != before)
    assert_legible(view, "resized")


# ---------------------------------------------------------------------- heatmaps
def test_output_heatmap_is_the_networks_prediction(qtbot):
    session, view = make(qtbot, network="2-5-3-1", init="xavier", seed=2, ds=circles(),
                         activation="tanh")
    session.train(5)
    g1, g2 = view.heatmap_grid()
    assert g1.min() < session.engine.dataset.X[0].min()  # the data's range and a margin
    P = np.stack([np.tile(g1, len(g2)), np.repeat(g2, len(g1))])
    expected = session.engine.network.predict(P).reshape(len(g2), len(g1))
    np.testing.assert_allclose(view.heatmap("y_hat"), expected)
    hidden = session.engine.network.forward(P)[1][2].reshape(len(g2), len(g1))
    np.testing.assert_allclose(view.heatmap("a1_3"), hidden)
    img = view.heatmap_image("y_hat")
    assert (img.width(), img.height()) == (len(g1), len(g2))
    # the image's bottom row is the lowest x₂: blue where ŷ > 0.5, orange where below
    lo = img.pixelColor(int(np.argmin(expected[0])), len(g2) - 1)
    hi = img.pixelColor(int(np.argmax(expected[0])), len(g2) - 1)
    if expected[0].max() > 0.6 and expected[0].min() < 0.4:
        assert hi.blue() > hi.red() and lo.red() > lo.blue()
    view.set_heatmaps(False)
    assert not view.heatmaps() and view.heatmap("y_hat") is None
    assert view.heatmap_image("y_hat") is None


# ---------------------------------------------------------------------- every kind
@pytest.mark.parametrize("spec", [
    dict(network="cross"), dict(network="cross", bias=False),
    dict(network="cross", loss="bce"),
    dict(network="2-3-1"), dict(network="2-3-1", activation="tanh", init="xavier"),
    dict(network="2-3-1", activation="relu", init="he"),
    dict(network="2-5-3-1", init="xavier"), dict(network="2-3-1", loss="bce"),
    dict(network="2-8-8-1", init="xavier", bias=False),
])
@pytest.mark.parametrize("mode", ["single", "batch"])
def test_every_network_steps_a_whole_pass(qtbot, spec, mode):
    session, view = make(qtbot, mode=mode, size=(660, 360), **spec)
    engine = session.engine
    for _ in range(len(engine.steps) + 1):  # into the next pass
        session.step_forward()
        assert view.highlighted() == engine.current_step.target
    assert view.heatmap("y_hat") is not None
    view.set_palette("colorblind")
    view.set_digits(5)
    assert_legible(view, str(spec))


def test_the_plain_neuron_and_a_hidden_widget_cost_nothing(qtbot):
    session = Session()  # the tutorial's plain neuron: the other diagram draws it
    view = NetworkDiagram(session)
    qtbot.addWidget(view)
    view.resize(660, 360)
    view.show()
    qtbot.waitExposed(view)
    session.step_forward()
    assert view.keys() == []
    hidden = NetworkDiagram(Session(Engine(NetworkSpec(network="2-3-1").build(),
                                           datasets.gate("xor"))))
    qtbot.addWidget(hidden)
    hidden.session.step_forward()
    assert hidden.keys() == []  # nothing built while hidden...
    show_widget(qtbot, hidden, (660, 360))
    assert "y_hat" in hidden.keys()  # ...until it is shown
    assert hidden.highlighted() == hidden.session.engine.current_step.target


# ---------------------------------------------------------------------- bad input
def test_bad_input_gets_a_clear_message_and_changes_nothing(qtbot):
    session, view = make(qtbot)
    session.finish_forward()
    before = view.value_text("y_hat")
    with pytest.raises(ValueError, match="focus must be None or an example 0 to 3"):
        view.set_focus(4)
    with pytest.raises(ValueError, match="unknown palette 'neon'; choose one of default"):
        view.set_palette("neon")
    with pytest.raises(ValueError, match="digits must be a whole number"):
        view.set_digits(-1)
    with pytest.raises(ValueError, match="no parameter 'w9'; this network has w1_1_1"):
        view.set_selected("w9")
    with pytest.raises(KeyError, match="unknown diagram key"):
        view.value_text("yhat")
    assert view.value_text("y_hat") == before
    assert view.focus() is None and view.palette_name() == "default" and view.digits() == 3
    assert view.selected() is None


def test_a_diverged_network_is_drawn_without_warnings(qtbot):
    session, view = make(qtbot, network="2-5-3-1", init="xavier", activation="relu",
                         ds=circles(), size=(660, 360))
    session.set_learning_rate(1e12)
    session.train(20)  # weights of 10⁹ and more: the session reports it, the diagram goes on
    assert session.engine.status.kind == "diverged"
    for _ in range(40):
        session.step_forward()
    assert view.heatmap("y_hat") is not None
    assert_legible(view, "diverged")
    assert view.tooltip_text("w2_1_1")
