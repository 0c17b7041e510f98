"""The computational-graph diagram: what it shows as the session steps.

Numbers are the tutorial's worked example (OR gate, w₁ = 0.1, w₂ = 0.6, b = 0,
α = 1): on x = (0, 0), y = 0 the forward pass gives ŷ = 0.500, L = 0.125; the
backward pass ∂L/∂z = 0.125 = ∂L/∂b and zero weight gradients; the update b = −0.125.
"""

import itertools
import pathlib
import re

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsSimpleTextItem

from core.symbols import MINUS, fmt
from gui.diagram import KEYS, DiagramView, NodeItem
from gui.session import Session


def norm(text: str) -> str:
    """The displayed text on one line (stacked vectors wrap over several)."""
    return " ".join(text.split())


@pytest.fixture
def session():
    return Session()


@pytest.fixture
def view(qtbot, session):
    v = DiagramView(session)
    qtbot.addWidget(v)
    v.resize(1100, 520)
    return v


def snapshot(view) -> dict:
    return {k: (view.value_text(k), view.tooltip_text(k), view.value_colour(k)) for k in KEYS}


def assert_no_overlap(view):
    """Visible texts never overlap each other or a node, and stay inside the scene."""
    scene = view.scene()
    texts = [i for i in scene.items() if isinstance(i, QGraphicsSimpleTextItem) and i.isVisible()]
    nodes = [i for i in scene.items() if isinstance(i, NodeItem)]
    rect = view.sceneRect()
    for t in texts:
        r = t.sceneBoundingRect()
        assert rect.contains(r), f"{t.text()!r} leaves the scene"
    for a, b in itertools.combinations(texts, 2):
        assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect()), (a.text(), b.text())
    for t in texts:
        for n in nodes:
            # the node's own outline (without the glow margin) must not be covered
            inner = n.sceneBoundingRect().adjusted(14, 14, -14, -14)
            assert not t.sceneBoundingRect().intersects(inner), (t.text(), n.text)


def test_start_shows_parameters_and_inputs_but_no_computed_value(view):
    assert view.accessibleName() == "diagram"
    for key in ("prod:w1", "prod:w2", "z", "y_hat", "loss", "grad:loss", "grad:y_hat",
                "grad:z", "grad:w1", "grad:w2", "grad:b"):
        assert view.value_text(key) == "", key
    assert view.value_text("w1") == "w₁ = 0.100"
    assert view.value_text("w2") == "w₂ = 0.600"
    assert view.value_text("b") == "b = 0.000"
    assert view.value_text("x1") == "0" and view.value_text("x2") == "0"
    assert view.value_text("y") == "y = 0"
    assert "example 1 of 4" in view.value_text("example")
    assert norm(view.node_text("z")) == "z = w₁x₁ + w₂x₂ + b"
    assert view.node_text("y_hat") == "ŷ = σ(z)"
    assert norm(view.node_text("loss")) == "L = ½(y − ŷ)²"
    assert view.highlighted() is None
    with pytest.raises(KeyError):
        view.value_text("yhat")


def test_forward_pass_step_by_step(view, session):
    session.step_forward()
    assert view.value_text("prod:w1") == "w₁x₁ = 0.000 →"
    assert view.value_text("prod:w2") == ""
    assert view.highlighted() == "edge:w1"
    for _ in range(3):
        session.step_forward()
    assert view.value_text("z") == "z = 0.000 →"
    assert view.value_text("y_hat") == ""
    assert view.highlighted() == "node:z"
    session.step_forward()
    session.step_forward()
    assert "0.500" in view.value_text("y_hat")
    assert view.value_text("loss") == "L = 0.125 →"
    assert view.highlighted() == "node:loss"
    assert view.value_text("grad:loss") == ""


def test_backward_pass_and_update(view, session):
    session.finish_forward()
    session.step_forward()
    assert view.value_text("grad:loss") == "← ∂L/∂L = 1"
    session.finish_backward()
    assert view.value_text("grad:y_hat") == "← ∂L/∂ŷ = 0.500"
    assert view.value_text("grad:z") == "← ∂L/∂z = 0.125"
    # the current step, ∂L/∂b, shows the chain rule: upstream × local
    assert view.value_text("grad:b") == "← ∂L/∂b =\n0.125 × 1\n= 0.125"
    assert view.value_text("grad:w1") == "← ∂L/∂w₁ = 0.000"
    assert view.value_text("grad:w2") == "← ∂L/∂w₂ = 0.000"
    assert view.highlighted() == "edge:b"
    assert view.value_text("b") == "b = 0.000"  # not updated yet
    session.apply_update()
    assert view.value_text("b") == f"b: 0.000\n→ {MINUS}0.125"  # old → new
    assert view.value_text("w1") == "w₁ = 0.100"  # unchanged: no arrow
    assert view.highlighted() == "param:b"
    assert "was 0.0" in view.tooltip_text("b")
    # forward values keep their arrow, gradients theirs: colour is not the only cue
    for key in ("prod:w1", "z", "y_hat", "loss"):
        assert view.value_text(key).endswith("→")
    for key in ("grad:loss", "grad:y_hat", "grad:z", "grad:w1", "grad:w2", "grad:b"):
        assert view.value_text(key).startswith("← ∂L/∂")


def test_highlight_follows_every_step_and_step_back_restores_exactly(view, session):
    engine = session.engine
    n_steps = len(engine.steps)
    for _ in range(n_steps + 2):  # into the next pass as well
        before = snapshot(view)
        hl_before = view.highlighted()
        session.step_forward()
        assert view.highlighted() == engine.current_step.target
        after = snapshot(view)
        assert after != before
        session.step_back()
        assert snapshot(view) == before
        assert view.highlighted() == hl_before
        session.step_forward()
        assert snapshot(view) == after


def test_digits_and_full_precision_tooltip(view, session):
    session.finish_forward()
    view.set_digits(5)
    assert view.value_text("y_hat") == "ŷ = 0.50000 →"
    assert view.value_text("loss") == "L = 0.12500 →"
    assert view.value_text("w2") == "w₂ = 0.60000"
    assert view.tooltip_text("y_hat") == "ŷ = 0.5"
    assert view.tooltip_text("w1") == "w₁ = 0.1"
    view.set_digits(3)
    assert view.value_text("y_hat") == "ŷ = 0.500 →"
    with pytest.raises(ValueError):
        view.set_digits(-1)


def test_batch_shows_vectors_cost_and_summed_gradients(view, session):
    session.set_mode("batch")
    assert view.node_text("loss").startswith("Cost")
    assert "batch of 4" in view.value_text("example")
    assert view.value_text("y_hat") == ""
    session.finish_forward()
    assert norm(view.value_text("y_hat")) == "ŷ = [0.500, 0.646, 0.525, 0.668] →"
    assert norm(view.value_text("z")) == "z = [0.000, 0.600, 0.100, 0.700] →"
    assert norm(view.value_text("loss")) == "Cost = 0.089 →"
    assert norm(view.value_text("x1")) == "[0, 0, 1, 1]"
    assert norm(view.value_text("y")) == "y = [0, 1, 1, 1]"
    # full precision of the second prediction, σ(0.6)
    y_hat = session.engine.steps[4].value
    assert repr(float(y_hat[1])) in view.tooltip_text("y_hat")
    session.finish_backward()
    assert norm(view.value_text("grad:w1")) == f"← ∂Cost/∂w₁ = {MINUS}0.048"
    assert norm(view.value_text("grad:w2")) == f"← ∂Cost/∂w₂ = {MINUS}0.039"
    # the current step: the bias is shared by the examples, so their gradients add up
    assert norm(view.value_text("grad:b")) == (
        f"← ∂Cost/∂b = Σ [0.031, {MINUS}0.020, {MINUS}0.030, {MINUS}0.018] = {MINUS}0.037")
    assert norm(view.value_text("grad:y_hat")).startswith("← ∂Cost/∂ŷ = [0.125, −0.089,")
    session.apply_update()
    assert norm(view.value_text("grad:b")) == f"← ∂Cost/∂b = {MINUS}0.037"
    assert view.value_text("w1") == "w₁: 0.100\n→ 0.148"  # old → new
    assert view.value_text("w2") == "w₂: 0.600\n→ 0.639"
    assert view.value_text("b") == "b: 0.000\n→ 0.037"
    session.finish_forward()  # the next pass, with the new parameters
    assert view.value_text("w1") == "w₁ = 0.148"
    assert norm(view.value_text("loss")) == "Cost = 0.084 →"


def test_small_values_keep_their_figures_after_5000_epochs(view, session):
    """The lesson ends with "Cost … about 0.0005": 0.000528, not 0.001, and laid out clear."""
    session.set_mode("batch")
    session.train(5000)
    session.finish_backward()
    assert norm(view.value_text("loss")) == "Cost = 0.000528 →"
    assert norm(view.value_text("grad:w1")) == f"← ∂Cost/∂w₁ = {MINUS}0.000225"
    # the fourth example's gradient is zero but for rounding: a power of ten, one minus sign
    assert norm(view.value_text("grad:z")).endswith(f"{MINUS}6.35×10⁻¹⁰]")
    assert_no_overlap(view)
    session.set_mode("single", 3)  # one small value: the symbol above it, still clear
    session.finish_forward()
    assert view.value_text("loss").startswith("L =\n") and "×10⁻" in view.value_text("loss")
    assert_no_overlap(view)


def test_tooltips_give_the_full_value_with_the_real_minus(view, session):
    session.set_mode("batch")
    session.finish_backward()
    g = session.engine.current_pass.grads["w1"]
    assert view.tooltip_text("grad:w1") == f"∂Cost/∂w₁ = {MINUS}{repr(g)[1:]}"
    session.apply_update()
    assert view.tooltip_text("b") == f"b = {session.engine.network.get('b')!r} (was 0.0)"
    assert "-" not in "".join(view.tooltip_text(k) for k in KEYS)


def test_loss_tooltip_says_why_the_tutorial_prints_0_109(view, session):
    session.finish_forward()
    assert "tutorial" not in view.tooltip_text("loss")  # 0.125, as printed
    session.finish_backward()
    session.apply_update()
    session.finish_forward()  # the pass after b = −0.125
    assert view.value_text("loss") == "L = 0.110 →"
    tip = view.tooltip_text("loss")
    assert tip.startswith("L = 0.10988") and "0.109" in tip and "0.110" in tip


def test_batch_focus_shows_one_example(view, session):
    session.set_mode("batch")
    session.finish_backward()
    view.set_focus(1)
    assert view.focus() == 1
    assert norm(view.value_text("y_hat")) == "ŷ⁽²⁾ = 0.646 →"
    assert "[" not in view.value_text("grad:z")
    assert view.value_text("x1") == "0" and view.value_text("x2") == "1"
    assert norm(view.value_text("y")) == "y⁽²⁾ = 1"
    assert "ex. 2 of 4" in view.value_text("example")
    # the cost and the parameter gradients belong to the whole batch
    assert norm(view.value_text("loss")) == "Cost = 0.089 →"
    assert norm(view.value_text("grad:w1")) == f"← ∂Cost/∂w₁ = {MINUS}0.048"
    view.set_focus(None)
    assert "0.500" in view.value_text("y_hat")
    with pytest.raises(ValueError):
        view.set_focus(4)


def test_bias_off_removes_the_bias(view, session):
    session.set_bias(False)
    assert view.value_text("b") == ""
    assert view.node_text("b") == ""
    assert norm(view.node_text("z")) == "z = w₁x₁ + w₂x₂"
    session.finish_backward()
    assert view.value_text("grad:b") == ""
    assert view.value_text("prod:b") == ""
    assert view.value_text("grad:z") == "← ∂L/∂z = 0.125"
    session.set_bias(True)
    assert view.value_text("b") == "b = 0.000"
    assert view.node_text("z").endswith("+ b")


def test_colourblind_palette_changes_colours(view, session):
    session.finish_backward()
    forward, backward = view.value_colour("y_hat"), view.value_colour("grad:z")
    view.set_palette("colorblind")
    assert view.value_colour("y_hat") == "#0072b2" != forward
    assert view.value_colour("grad:z") == "#d55e00" != backward
    assert view.value_text("y_hat") == "ŷ = 0.500 →"  # same texts
    with pytest.raises(ValueError):
        view.set_palette("neon")


def test_legend_names_meanings_not_the_colours_the_palette_changes(view, session):
    colour_words = re.compile(r"green|red|orange|blue|vermilion|yellow|purple|pink", re.I)
    for name in ("default", "colorblind"):
        view.set_palette(name)
        legend = dict(view.legend())
        assert not any(colour_words.search(text) for text in legend), legend
        pal = view.colours
        assert legend["→ forward value"] == pal.forward.name()
        assert legend["← gradient"] == pal.backward.name()
        assert legend["parameter set by the update (bold)"] == pal.update.name()
    assert_no_overlap(view)


def test_moving_a_weight_updates_the_prediction(view, session):
    session.set_mode("single", 1)  # x = (0, 1): ŷ = σ(w₂)
    session.finish_forward()
    assert view.value_text("y_hat") == "ŷ = 0.646 →"
    session.set_parameter("w2", 0.9)
    assert view.value_text("w2") == "w₂ = 0.900"
    assert view.value_text("y_hat") == f"ŷ = {fmt(1 / (1 + np.exp(-0.9)))} →"


def test_training_and_minibatch_keep_the_diagram_in_step(view, session):
    session.train(3)
    assert view.value_text("w1") == f"w₁ = {fmt(session.engine.network.get('w1'))}"
    session.set_mode("minibatch", batch_size=2)
    session.finish_forward()
    assert "mini-batch of 2" in view.value_text("example")
    assert norm(view.value_text("y_hat")).count(",") == 1


def test_steps_update_items_without_rebuilding_the_scene(view, session):
    scene = view.scene()
    for item in scene.items():
        item.setData(0, "built")
    count = len(scene.items())
    session.finish_backward()
    session.apply_update()
    session.step_forward()
    session.step_back()
    session.set_parameter("w1", 0.3)
    view.set_focus(None)
    assert len(scene.items()) == count
    assert all(item.data(0) == "built" for item in scene.items())


@pytest.mark.parametrize("mode", ["single", "batch", "minibatch"])
@pytest.mark.parametrize("bias", [True, False])
@pytest.mark.parametrize("digits", [3, 5])
def test_texts_never_overlap(view, session, mode, bias, digits):
    session.set_bias(bias)
    session.set_mode(mode)
    view.set_digits(digits)
    session.finish_backward()
    assert_no_overlap(view)
    session.apply_update()
    assert_no_overlap(view)
    if mode != "single":
        view.set_focus(1)
        assert_no_overlap(view)


def test_view_fits_the_scene_and_fonts_stay_readable(qtbot, view):
    view.show()
    qtbot.waitExposed(view)
    view.resize(1000, 500)
    qtbot.waitUntil(lambda: view.viewport().width() == 1000)
    scale = view.transform().m11()
    rect = view.sceneRect()
    assert scale == pytest.approx(min(1000 / rect.width(), 500 / rect.height()), rel=0.02)
    # value texts are ≥ 11 pt (≈ 14.7 px at 96 dpi) on screen in a 1000 px wide view
    label = next(i for i in view.scene().items() if isinstance(i, QGraphicsSimpleTextItem))
    assert label.font().pixelSize() * scale >= 11 * 96 / 72


def test_no_test_times_itself():
    """Timings depend on the machine's load: they live in tests/benchmarks/, which
    prints them (bench_gui.py measures this view's refresh)."""
    tests = pathlib.Path(__file__).parent
    clock = re.compile("|".join(("perf_" + "counter", r"time\.time\(", "time" + "it",
                                 r"monotonic\(")))
    timed = [p.name for p in tests.glob("test_*.py") if clock.search(p.read_text("utf-8"))]
    assert timed == []


def test_a_large_custom_dataset_stays_legible(view, session):
    """40 examples in a pass: each node shows the ends of its vector and a count."""
    import numpy as np

    from core import from_points

    rng = np.random.default_rng(1)
    pts = np.column_stack([rng.uniform(-0.4, 1.4, (40, 2)), rng.integers(0, 2, 40)])
    session.set_dataset(from_points(pts))
    session.set_mode("batch")
    session.finish_backward()
    assert "(40 values)" in view.value_text("y_hat")
    assert "labels" in view.value_text("y")
    assert_no_overlap(view)
    view.set_focus(39)
    assert "(40 values)" not in view.value_text("y_hat")
    assert_no_overlap(view)


def test_batch_values_read_as_rows_not_columns(view, session):
    """A vector of four values takes two lines at most, under its symbol."""
    session.set_mode("batch")
    session.finish_backward()
    for key in ("prod:w1", "z", "y_hat", "grad:y_hat", "x1"):
        text = view.value_text(key)
        values = text[text.index("["):text.index("]") + 1]
        assert values.count("\n") <= 1, (key, text)
    assert view.value_text("y_hat") == "ŷ =\n[0.500, 0.646,\n 0.525, 0.668] →"
    assert view.value_text("x1") == "[0, 0,\n 1, 1]"


def test_the_chain_rule_on_the_graph_step_by_step(view, session):
    """Fig. 23: the local gradient at the node, upstream × local = result on the edge."""
    session.finish_forward()
    session.step_forward()  # ∂L/∂L = 1: no local gradient yet
    assert all(view.value_text(k) == "" for k in ("local:z", "local:y_hat", "local:loss"))
    session.step_forward()  # ∂L/∂ŷ: at the loss node
    assert view.value_text("local:loss") == "local ∂L/∂ŷ = 0.500"
    assert view.value_text("grad:y_hat") == "← ∂L/∂ŷ =\n1 × 0.500\n= 0.500"
    session.step_forward()  # ∂L/∂z: σ's local gradient
    assert view.value_text("local:y_hat") == "local ∂ŷ/∂z = 0.250"
    assert view.value_text("local:loss") == ""
    assert view.value_text("grad:z") == "← ∂L/∂z =\n0.500 × 0.250\n= 0.125"
    assert view.value_colour("local:y_hat") == view.colours.backward.name()
    assert "0.25" in view.tooltip_text("local:y_hat")
    assert view.value_text("grad:y_hat") == "← ∂L/∂ŷ = 0.500"  # a past step: its result
    session.step_forward()  # ∂L/∂w₁ = ∂L/∂z × x₁
    assert view.value_text("local:z") == "local ∂z/∂w₁ = x₁ = 0"
    assert view.value_text("grad:w1") == "← ∂L/∂w₁ =\n0.125 × 0\n= 0.000"
    assert_no_overlap(view)
    session.step_back()
    assert view.value_text("local:z") == "" and "0.250" in view.value_text("local:y_hat")
    session.finish_backward()
    assert view.value_text("local:z") == "local ∂z/∂b = 1"
    session.apply_update()  # the update step: no local gradient
    assert all(view.value_text(k) == "" for k in ("local:z", "local:y_hat", "local:loss"))


def test_the_chain_rule_with_a_batch_and_with_one_example_of_it(view, session):
    session.set_mode("batch")
    session.finish_forward()
    for _ in range(3):
        session.step_forward()  # ∂Cost/∂z
    assert norm(view.value_text("local:y_hat")) == "local ∂ŷ/∂z = [0.250, 0.229, 0.249, 0.222]"
    assert norm(view.value_text("grad:z")) == (
        f"← ∂Cost/∂z = ∂Cost/∂ŷ × ∂ŷ/∂z = [0.031, {MINUS}0.020, {MINUS}0.030, {MINUS}0.018]")
    assert_no_overlap(view)
    view.set_focus(1)  # one example: its own numbers
    assert norm(view.value_text("grad:z")) == f"← ∂Cost/∂z⁽²⁾ = {MINUS}0.089 × 0.229 = {MINUS}0.020"
    assert norm(view.value_text("local:y_hat")) == "local ∂ŷ/∂z⁽²⁾ = 0.229"
    assert_no_overlap(view)
    view.set_focus(None)
    session.step_forward()  # ∂Cost/∂w₁: the examples' x₁ as the local gradient, then a sum
    assert norm(view.value_text("local:z")) == "local ∂z/∂w₁ = x₁ = [0, 0, 1, 1]"
    assert norm(view.value_text("grad:w1")).startswith("← ∂Cost/∂w₁ = Σ [0.000,")
    assert norm(view.value_text("grad:w1")).endswith(f"= {MINUS}0.048")
    assert_no_overlap(view)


@pytest.mark.parametrize("mode", ["single", "batch"])
def test_with_cross_entropy_the_local_gradient_at_sigma_is_y_hat_minus_y(qtbot, mode):
    """σ′ cancels: the first hop is ∂L/∂z = 1 × (ŷ − y), drawn at full size like the rest."""
    from core import datasets
    from core.engine import Engine
    from core.setup import NetworkSpec

    session = Session(Engine(NetworkSpec(network="neuron", loss="bce").build(),
                             datasets.gate("or"), lr=1, mode=mode))
    view = DiagramView(session)
    qtbot.addWidget(view)
    view.resize(1100, 520)
    session.finish_forward()
    session.step_forward()
    session.step_forward()
    assert session.engine.current_step.target == "edge:z->y_hat"
    L = "L" if mode == "single" else "Cost"
    if mode == "single":
        assert view.value_text("local:y_hat") == "local ∂L/∂z = 0.500"
        assert view.value_text("grad:z") == "← ∂L/∂z =\n1 × 0.500\n= 0.500"
    else:
        assert norm(view.value_text("local:y_hat")).startswith(f"local ∂{L}/∂z = [0.125,")
    assert view.text_px("local:y_hat") == pytest.approx(view.text_px("grad:z"))
    assert_no_overlap(view)
