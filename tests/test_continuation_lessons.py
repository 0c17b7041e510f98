"""The tutorial's continuation as lessons: the feature cross and a hidden layer solve XOR,
cross-entropy on AND, and a saturated neuron under both losses. Each lesson's set-up, applied
to a Session as the window applies it, reproduces the numbers its text gives (the exact
values of shared/reference/worked-numbers.md, sections C and D, to 1e-6); the new set-up
keys are checked when a file is read, with messages naming the lesson and the key."""

import json
import re

import numpy as np
import pytest

from gui.lessons import LessonError, load_lessons, parse_lessons
from gui.session import Session

TOL = 1e-6
NEW = ["feature-cross", "hidden-layer", "cross-entropy", "saturated-mse", "saturated-bce"]


def close(a, b):
    np.testing.assert_allclose(np.asarray(a, dtype=float), b, atol=TOL, rtol=0)


def lesson(lid):
    found = [le for le in load_lessons() if le.id == lid]
    assert found, f"no lesson {lid!r} in the shipped file"
    return found[0]


def started(lid):
    """A window-free session set up as the lesson says, and the lesson."""
    le = lesson(lid)
    session = Session()
    problems = []
    session.problem.connect(problems.append)
    session.apply_setup(le.setup)
    assert problems == []
    return session, le


def says(le, *numbers):
    """The lesson's text quotes each number (as the window shows it, with a real minus)."""
    for n in numbers:
        assert n in le.text, f"{le.id}: its text does not give {n}"


def dz(session):
    """∂L/∂z as the backward pass shows it."""
    [step] = [s for s in session.engine.steps if s.symbol == "∂L/∂z"]
    return float(np.asarray(step.value).ravel()[0])


# ------------------------------------------------------------------ the shipped lessons
def test_the_continuation_follows_the_xor_lesson():
    ids = [le.id for le in load_lessons()]
    at = ids.index("xor")
    assert ids[at + 1:at + 1 + len(NEW)] == NEW


def test_feature_cross_solves_xor():
    session, le = started("feature-cross")
    e = session.engine
    assert e.network.feature_cross and e.dataset.name == "XOR" and e.mode == "batch"
    assert e.parameters() == {"w1": 0.1, "w2": 0.6, "w3": 0.2, "b": 0.0}
    session.finish_forward()
    session.finish_backward()
    cp = e.current_pass
    close(cp.cost, 0.138332)
    close([cp.grads["w1"], cp.grads["w2"], cp.grads["w3"]], [0.006910, 0.016258, 0.036525])
    close(cp.grads["b"], 0.017893)
    session.reset()
    close(session.train(5000)[-1], 0.001567)
    says(le, "0.138", "0.007", "0.016", "0.037", "0.018", "0.0016")


def test_hidden_layer_solves_xor():
    session, le = started("hidden-layer")
    e = session.engine
    assert e.network.depth == 2 and e.dataset.name == "XOR" and e.mode == "batch"
    session.finish_forward()
    cp = e.current_pass
    close(cp.y_hat, [0.668188, 0.712060, 0.687709, 0.727710])
    close(cp.cost, 0.144559)
    session.finish_backward()
    close([cp.grads[f"w2_1_{k}"] for k in (1, 2, 3)], [0.024274, 0.023738, 0.025378])
    close(cp.grads["b2"], 0.041559)
    session.reset()
    close(session.train(5000)[-1], 0.000894)
    says(le, "0.668", "0.712", "0.688", "0.728", "0.145", "0.024, 0.024 and 0.025", "0.0009")


def test_cross_entropy_on_and():
    session, le = started("cross-entropy")
    e = session.engine
    assert e.network.loss.name == "bce" and e.dataset.name == "AND" and e.mode == "batch"
    session.finish_forward()  # as the text says: F, then U and F again
    close(e.current_pass.cost, 0.719554)
    session.apply_update()
    session.finish_forward()
    cp = e.current_pass
    close(cp.cost, 0.618313)
    session.finish_backward()
    close([cp.grads["w1"], cp.grads["w2"]], [-0.002732, 0.026482])
    close(cp.grads["b"], 0.238186)
    session.reset()
    close(session.train(5000)[-1], 0.003441)
    p = e.parameters()
    np.testing.assert_allclose([p["w1"], p["w2"], p["b"]], [10.678, 10.678, -16.186],
                               atol=1e-3)
    says(le, "0.720", "0.618", "0.0034", "10.68", "−16.19")


def test_a_saturated_neuron_under_both_losses():
    """At w = (−8, −8), b = −8 on (1, 1), y = 1: ŷ = σ(−24). Squared error's ∂L/∂z carries
    σ′(z) ≈ 3.8×10⁻¹¹ and vanishes; cross-entropy's is ŷ − y ≈ −1."""
    y_hat = 1 / (1 + np.exp(24.0))
    shown = {}
    for lid, loss in (("saturated-mse", "mse"), ("saturated-bce", "bce")):
        session, le = started(lid)
        e = session.engine
        assert e.network.loss.name == loss and e.example == 3 and e.mode == "single"
        assert e.parameters() == {"w1": -8.0, "w2": -8.0, "b": -8.0}
        session.finish_forward()
        session.finish_backward()
        close(e.current_pass.y_hat, [y_hat])
        shown[loss] = dz(session)
    assert shown["bce"] == pytest.approx(y_hat - 1, abs=1e-12)
    assert shown["mse"] == pytest.approx(-(1 - y_hat) * y_hat * (1 - y_hat), rel=1e-9)
    assert abs(shown["mse"]) < 1e-10
    # the two lessons link to each other, so that the numbers can be compared
    assert "lesson:saturated-bce" in lesson("saturated-mse").html()
    assert "lesson:saturated-mse" in lesson("saturated-bce").html()
    says(lesson("saturated-mse"), "3.8×10⁻¹¹")
    says(lesson("saturated-bce"), "−1.000", "3.8×10⁻¹¹")


def test_cross_entropy_lifts_the_saturated_neuron_in_nine_updates():
    """What the lesson promises: under cross-entropy nine updates bring ŷ above 0.5 (to
    0.812); under squared error the same nine leave ŷ at 3.8×10⁻¹¹."""
    for lid, after in (("saturated-bce", 0.811920), ("saturated-mse", 3.775136e-11)):
        session, _ = started(lid)
        for _ in range(9):
            session.apply_update()
        session.finish_forward()
        close(session.engine.current_pass.y_hat, [after])
    says(lesson("saturated-bce"), "0.812")


def test_the_xor_lesson_points_onwards():
    xor = lesson("xor")
    for lid in ("feature-cross", "hidden-layer"):
        assert f"href='lesson:{lid}'" in xor.html()
    assert xor.text.rstrip(" .").endswith("(lesson:hidden-layer)")  # the links end it


def test_every_link_leads_to_a_lesson_of_the_file():
    lessons = load_lessons()
    ids = {le.id for le in lessons}
    targets = [t for le in lessons for t in re.findall(r"href='lesson:([^']*)'", le.html())]
    assert set(NEW) <= set(targets) | {"saturated-mse"}
    assert set(targets) <= ids


# ------------------------------------------------------------------ links in a text
def one(setup=None, text="x", lid="a", extra=()):
    lessons = [{"id": lid, "title": "t", "text": text, "setup": setup or {}}, *extra]
    return json.dumps({"lessons": lessons}, ensure_ascii=False)


def test_a_link_in_a_text_becomes_a_lesson_link(qtbot):
    from PySide6.QtGui import QTextDocument

    other = {"id": "b c&d", "title": "u", "text": "y", "setup": {}}
    [a, _] = parse_lessons(one(text="Next: [the <cross> & more](lesson:b c&d). [x](y)",
                               extra=[other]))
    h = a.html()
    assert "<a href='lesson:b c&amp;d'>the &lt;cross&gt; &amp; more</a>" in h
    doc = QTextDocument()
    doc.setHtml(h)
    # what the reader sees: the label, and a bracket that is not a lesson link as written
    assert doc.toPlainText().splitlines()[1] == "Next: the <cross> & more. [x](y)"


def test_a_link_to_a_missing_lesson_is_refused():
    with pytest.raises(LessonError, match=r'lesson 1 \("a"\): text links to lesson "nope"'):
        parse_lessons(one(text="See [this](lesson:nope)."))


# ------------------------------------------------------------------ the new keys, checked
BAD = [
    # set-up, the key the message must name, a fragment of the reason
    ({"network": "2-9-1"}, "network", "a hidden layer has 1 to 8 units, not 9"),
    ({"network": "triangle"}, "network", "choose neuron, cross, or layer sizes"),
    ({"network": 231}, "network", "network must be"),
    ({"network": "2-3-1", "params": {"w1": 0.3}}, "params", 'has no parameter "w1"'),
    ({"network": "2-3-1", "w1": 0.3}, "w1", 'has no parameter "w1"'),
    ({"params": {"w1_1_1": 0.3}}, "params", 'has no parameter "w1_1_1"'),
    ({"params": {"w1": 2e6}}, "params", "1 000 000"),
    ({"params": {"w1": "big"}}, "params", "a number"),
    ({"params": [0.3]}, "params", "an object"),
    ({"params": {"w1": 0.3}, "w1": 0.2}, "w1", "twice"),
    ({"activation": "relu"}, "activation", "no hidden layer"),
    ({"network": "2-3-1", "activation": "softsign"}, "activation", "one of"),
    ({"loss": "hinge"}, "loss", "one of"),
    ({"network": "2-5-3-1", "init": "tutorial"}, "init",
     "the tutorial gives starting parameters for 2-3-1 only"),
    ({"network": "2-5-3-1"}, "network", "choose a random start"),
    ({"init": "xavier", "seed": -1}, "seed", "whole number from 0"),
    ({"seed": 48}, "seed", "random start"),
    ({"dataset": "moons", "points": 0}, "points", "1 to 10000"),
    ({"dataset": "moons", "points": 20000}, "points", "1 to 10000"),
    ({"dataset": "moons", "points": 2.5}, "points", "whole number"),
    ({"points": 50}, "points", "generated data set"),
    ({"dataset": "moons", "noise": 2}, "noise", "0 to 1"),
    ({"noise": 0.1}, "noise", "generated data set"),
    ({"data_seed": 3}, "data_seed", "generated data set"),
    ({"test_fraction": 1.5}, "test_fraction", "0 to 0.9"),
    ({"dataset": "moons", "points": 2, "test_fraction": 0.5}, "test_fraction",
     "cannot be split"),
    ({"dataset": "spirals"}, "dataset", "blobs, circles, moons, spiral"),
    ({"example": 4}, "example", "0 to 3"),
    ({"dataset": "xor", "test_fraction": 0.25, "example": 3}, "example", "0 to 2"),
    ({"slice": "w3"}, "slice", "one of w1, w2, b"),
    ({"network": "2-3-1", "slice": "w1"}, "slice", "w1_1_1"),
    ({"network": "2-3-1", "bias": False, "slice": "b1_2"}, "slice", "no bias"),
    ({"w3": 0.2}, "w3", '"params"'),
]


@pytest.mark.parametrize("setup,key,fragment", BAD, ids=[f"{k}:{json.dumps(s)}"
                                                         for s, k, _ in BAD])
def test_a_bad_new_setting_is_refused_naming_lesson_and_key(setup, key, fragment):
    with pytest.raises(LessonError) as info:
        parse_lessons(one(setup, lid="mine"), source="mine.json")
    msg = str(info.value)
    assert msg.startswith('mine.json, lesson 1 ("mine"): '), msg
    assert key in msg and fragment in msg, msg
    assert len(msg) < 600, msg  # a message, not a dump


GOOD = [
    {"network": "cross", "params": {"w3": -0.5}, "slice": "w3"},
    {"network": "2-3-1", "init": "tutorial", "slice": "w2_1_3", "loss": "bce"},
    {"network": "2-8-8-1", "init": "he", "seed": 5, "activation": "tanh", "loss": "bce",
     "dataset": "spiral", "points": 10_000, "noise": 0.1, "data_seed": 3,
     "test_fraction": 0.9, "mode": "minibatch", "batch_size": 64,
     "params": {"w3_1_8": 1e6, "b1_8": -1e6}, "slice": "b2_8"},
    {"network": " 2-5-3-1 ", "init": "xavier", "activation": "relu", "dataset": "moons",
     "points": 10, "mode": "single", "example": 9},
    {"dataset": "xor", "test_fraction": 0.25, "data_seed": 7, "example": 2},
    {"network": "2-3-1", "bias": False, "b": 0.5},  # b without a bias: ignored, as before
]


@pytest.mark.parametrize("setup", GOOD)
def test_a_good_new_setting_loads_and_starts(setup):
    [le] = parse_lessons(one(setup))
    assert le.setup == setup
    session = Session()
    problems = []
    session.problem.connect(problems.append)
    session.apply_setup(le.setup)
    assert problems == []
    names = session.engine.parameters()
    for name, value in setup.get("params", {}).items():
        assert names[name] == value


# ------------------------------------------------------------------ in the window
@pytest.mark.parametrize("lid", NEW)
def test_each_new_lesson_starts_in_the_window(qtbot, lid):
    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    le = next(x for x in win.lessons if x.id == lid)
    win.start_lesson(le)
    e = win.session.engine
    assert win.problem_text() == ""
    assert e.epoch == 0 and e.dataset.name.lower() == le.setup["dataset"]
    assert e.network.loss.name == le.setup.get("loss", "mse")
    assert win.session.spec.label == le.setup.get("network", "neuron")
    assert le.title in win.lesson_text.text()
    win.session.finish_forward()
    win.session.finish_backward()
    assert win.problem_text() == ""


def test_a_link_in_the_xor_lesson_starts_the_lesson_it_names(qtbot):
    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.start_lesson(next(x for x in win.lessons if x.id == "xor"))
    assert "href='lesson:feature-cross'" in win.lesson_text.text()
    win.lesson_text.linkActivated.emit("lesson:feature-cross")
    assert win.session.spec.label == "cross"
    assert win.session.engine.parameters() == {"w1": 0.1, "w2": 0.6, "w3": 0.2, "b": 0.0}
    assert "8 · The feature cross solves XOR" in win.lesson_text.text()
