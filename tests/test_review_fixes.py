"""Regressions found in review: fast and stepped paths agree on "stuck", a reset or
a new network mid-update starts clean, and small display details."""

import numpy as np
import pytest

from core import Engine, from_points, gate, neuron, two_layer
from core.symbols import fmt


def _stepped_and_fast(make, epochs, **kw):
    a, b = make(**kw), make(**kw)
    a.train(epochs)
    for _ in range(epochs):
        b.run_epoch()
    return a, b


def test_two_layer_stuck_check():
    W = lambda *s: np.full(s, 50.0)  # noqa: E731
    net = two_layer(W(3, 2), W(3, 1), W(1, 3), W(1, 1))
    a, b = _stepped_and_fast(lambda: Engine(net.copy(), gate("and"), lr=1.0, mode="batch"), 6)
    assert (a.epoch, a.status) == (b.epoch, b.status)
    assert a.status.kind == "stuck"


def test_stuck_on_the_chosen_example_alone():
    net = neuron((-30.0, -30.0), 0.0)
    a, b = _stepped_and_fast(
        lambda: Engine(net.copy(), gate("and"), lr=1.0, mode="single", example=3), 20)
    assert (a.epoch, a.status.kind) == (b.epoch, b.status.kind)


def test_stuck_judged_alike_when_resumed_mid_epoch():
    net = neuron((-50.0, -50.0), None)
    a = Engine(net.copy(), gate("or"), lr=1.0, mode="single", example=None)
    b = Engine(net.copy(), gate("or"), lr=1.0, mode="single", example=None)
    for e in (a, b):
        for _ in range(3):
            e.run_epoch()
        e.apply_update()
    a.train(10)
    for _ in range(10):
        b.run_epoch()
    assert (a.epoch, a.status.kind) == (b.epoch, b.status.kind)


@pytest.mark.parametrize("seed", range(40))
def test_random_setups_fast_equals_stepped(seed):
    rng = np.random.default_rng(seed)
    m = int(rng.integers(1, 7))
    pts = np.column_stack([rng.uniform(-1, 2, (m, 2)), rng.integers(0, 2, m)])
    mode = ["single", "minibatch", "batch"][seed % 3]
    example = None if seed % 2 else int(rng.integers(0, m))
    w = rng.normal(scale=[1, 1, 30, 30][seed % 4], size=2)
    b = None if seed % 5 == 0 else float(rng.normal())
    lr = float(10 ** rng.uniform(-2, 6))

    def make():
        return Engine(neuron(w, b), from_points(pts), lr=lr, mode=mode,
                      example=example if mode == "single" else None, batch_size=2)

    a, s = _stepped_and_fast(make, 30)
    assert (a.epoch, a.status) == (s.epoch, s.status)


def _to_update_phase(e):
    while e.phase != "update":
        e.step_forward()


def test_reset_mid_update_gives_the_start_values():
    e = Engine(neuron((0.1, 0.6), 0.0), gate("or"), mode="single", example=3)
    for _ in range(3):
        e.run_epoch()
    _to_update_phase(e)
    e.reset(neuron((0.1, 0.6), 0.0))
    assert e.parameters() == {"w1": 0.1, "w2": 0.6, "b": 0.0}


def test_bias_switched_on_mid_update_starts_at_zero():
    e = Engine(neuron((0.1, 0.6), None), gate("or"), mode="single", example=3)
    _to_update_phase(e)
    e.set_network(neuron((0.1, 0.6), 0.0))
    assert e.parameters() == {"w1": 0.1, "w2": 0.6, "b": 0.0}


def test_session_bias_switch_mid_update_uses_the_settled_weights(qtbot):
    from gui.session import Session

    s = Session()
    s.set_mode("batch")
    _to_update_phase(s.engine)
    s.engine.step_forward()  # w1 updated, w2 not yet
    s.set_bias(False)
    assert s.engine.parameters() == {"w1": 0.1, "w2": 0.6}


def test_explanation_header_names_the_batch(qtbot):
    from gui.explain import ExplanationPanel
    from gui.session import Session

    s = Session(Engine(neuron(), from_points([(i, 0, i % 2) for i in range(24)]),
                       mode="minibatch", batch_size=10))
    s.engine.apply_update()
    s.engine.step_forward()  # the second batch: examples 11 to 20
    p = ExplanationPanel(s)
    qtbot.addWidget(p)
    assert p.header.text().startswith("Pass on examples 11 … 20 (10)")


@pytest.mark.parametrize("setup", ['{"dataset": ["or"]}', '{"w1": ' + "9" * 400 + "}",
                                   '{"speed": 3}', '{"mode": {"a": 1}}'])
def test_odd_lesson_values_are_lesson_errors(setup):
    from gui.lessons import LessonError, parse_lessons

    text = '{"lessons": [{"id": "a", "title": "A", "text": "t", "setup": ' + setup + "}]}"
    with pytest.raises(LessonError):
        parse_lessons(text)


def test_a_small_rate_is_not_called_a_flat_slope(qtbot):
    from gui.plots import LandscapePlot
    from gui.session import Session

    s = Session()
    s.engine.set_learning_rate(0.001)
    p = LandscapePlot(s)
    qtbot.addWidget(p)
    p.refresh(force=True)
    assert "slope is (almost) zero" not in p.info.text()
    assert "too small" in p.info.text()


def test_shortened_vectors_format_like_short_ones():
    x = np.array([0, 0.5, 1, 0, 0.5, 1, 0, 0.5, 1, 0])
    assert fmt(x[:6], 3, exact_int=True) == "[0.000, 0.500, 1.000, 0.000, 0.500, 1.000]"
    assert fmt(x, 3, exact_int=True, max_items=8).startswith("[0.000, 0.500, 1.000")
    assert fmt(np.arange(10.0) % 2, 3, exact_int=True, max_items=8) == \
        "[0, 1, 0, 1, 0, 1, …, 1] (10 values)"
