"""Predict, then reveal (issue 10): the learner types the next value before it is shown.

The core part (next step, question, parsing, grading, score) is tested without Qt; the
window is driven as a learner drives it: the Run menu's check box, the entry, Enter,
the Step button, Edit → Undo.
"""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core import datasets
from core.engine import Engine
from core.gradcheck import gradient_check
from core.predict import (
    FREE_PLAY,
    PredictionError,
    Score,
    grade,
    next_step,
    parse_prediction,
    question,
)
from core.setup import NetworkSpec

MINUS = "\u2212"


# ------------------------------------------------------------------ core
@pytest.mark.parametrize("text, want", [
    ("0.125", 0.125), ("−0.048", -0.048), ("-0.048", -0.048), ("1e-3", 0.001),
    ("0,125", 0.125), (" 5×10⁻³ ", 0.005), ("[0.5]", 0.5),
])
def test_one_number_is_read_in_every_usual_spelling(text, want):
    assert parse_prediction(text, 1) == pytest.approx([want])


@pytest.mark.parametrize("text", ["0 0 0.1 0.1", "0; 0; 0.1; 0.1", "0, 0, 0.1, 0.1",
                                  "0,0,0.1,0.1", "[0, 0, 0.1, 0.1]", "0;0;0,1;0,1"])
def test_one_value_per_example(text):
    assert parse_prediction(text, 4) == pytest.approx([0, 0, 0.1, 0.1])


def test_one_number_stands_for_every_example():
    assert parse_prediction("0", 4) == pytest.approx([0, 0, 0, 0])


@pytest.mark.parametrize("text, n, says", [
    ("", 1, "Type your prediction"), ("   ", 1, "Type your prediction"),
    ("abc", 1, "“abc” is not a number"), ("0.1x", 1, "not a number"),
    ("inf", 1, "not a finite number"), ("nan", 1, "not a finite number"),
    ("0.1 0.2", 1, "Type one number"), ("0.1 0.2 0.3", 4, "Type 4 numbers"),
])
def test_garbage_is_refused_with_a_message(text, n, says):
    with pytest.raises(PredictionError, match=says):
        parse_prediction(text, n)


def _engine(network="neuron", mode="single", gate="or"):
    init = "tutorial" if network in ("neuron", "cross", "2-3-1") else "xavier"
    return Engine(NetworkSpec(network=network, init=init).build(), datasets.gate(gate), lr=1.0,
                  mode=mode, example=0 if mode == "single" else None)


def _to(engine, symbol):
    """Step the engine until `symbol` is the next step's."""
    for _ in range(200):
        if next_step(engine)[0].symbol == symbol:
            return next_step(engine)[0]
        engine.step_forward()
    raise AssertionError(f"{symbol} never came")


def test_tolerance_is_one_percent_or_a_thousandth_whichever_is_looser():
    step = _to(_engine(), "∂L/∂b")  # 0.125: 1 % is 0.00125
    assert grade(step, [0.1262]).right and grade(step, [0.1238]).right
    assert not grade(step, [0.1263]).right and not grade(step, [0.2]).right
    e = _engine()
    zero = next_step(e)[0]  # w₁x₁ = 0.1 × 0 = 0: 1 % of 0 is nothing, 0.001 counts
    assert grade(zero, [0.0009]).right and grade(zero, [-0.0009]).right
    assert not grade(zero, [0.0011]).right


def test_a_batch_value_is_graded_per_example_or_for_the_focused_one():
    step = next_step(_engine(mode="batch"))[0]  # w₁x₁ = 0.1 × [0, 0, 1, 1]
    assert grade(step, [0, 0, 0.1, 0.1]).right
    g = grade(step, [0, 0, 0.1, 0.2])
    assert not g.right and list(g.hits) == [True, True, True, False]
    assert "1 of 4 values" in g.summary()
    assert grade(step, [0.1], focus=3).right and not grade(step, [0.1], focus=0).right


@pytest.mark.parametrize("network, mode", [("neuron", "single"), ("cross", "minibatch"),
                                           ("2-3-1", "batch"), ("2-8-8-1", "minibatch")])
def test_the_next_step_is_read_without_taking_it(network, mode):
    e = _engine(network, mode, "xor")
    n = len(e.current_pass.steps)
    for _ in range(2 * n + 3):  # over the end of passes too: the next pass is built aside
        before = (e.cursor, e.iteration, e.parameters())
        step, _ = next_step(e)
        assert (e.cursor, e.iteration, e.parameters()) == before
        taken = e.step_forward()
        assert (taken.symbol, taken.target, taken.phase) == (step.symbol, step.target, step.phase)
        assert np.allclose(taken.value, step.value)


def test_the_question_fills_in_what_is_known_and_hides_the_answer():
    e = _engine()
    assert question(_to(e, "∂L/∂b"))[-1] == "∂L/∂b = 0.125 × 1 = ?"
    assert question(_to(e, "b")) == ["b ← b − α · ∂L/∂b", "b = 0.000 − 1 × 0.125 = ?"]
    b = _engine(mode="batch")
    loss = _to(b, "Cost")
    p = b.current_pass
    lines = question(loss, 3, b.dataset.Y[0], p.y_hat)
    assert lines[-1].endswith("= ?") and "0.089" not in " ".join(lines)
    assert "y = [0, 1, 1, 1]" in lines[1] and "ŷ = [0.500, 0.646, 0.525, 0.668]" in lines[1]
    grad = _to(b, "∂Cost/∂w₁")  # the per-example products would give the sum away
    assert not any("per example" in t for t in question(grad))
    assert question(_to(b, "∂Cost/∂Cost")) == ["∂Cost/∂Cost = ?"]


def test_the_score_is_kept_per_lesson():
    s = Score()
    s.add("bias", True)
    s.add("bias", False)
    s.add(None, True)
    assert s.of("bias") == (1, 2) and s.of(None) == (1, 1) and s.of(FREE_PLAY) == (1, 1)
    assert s.of("xor") == (0, 0)


# ------------------------------------------------------------------ window
def _lesson(win, lesson_id):
    return next(le for le in win.lessons if le.id == lesson_id)


def _predicting(win, qtbot, on=True):
    box = win.predict.enable
    if box.isChecked() != on:
        qtbot.mouseClick(box, Qt.LeftButton)
    assert win.predict_action.isChecked() == on and win.predict.active == on
    return win.predict


def _answer(panel, qtbot, text):
    panel.entry.clear()
    qtbot.keyClicks(panel.entry, text)
    qtbot.keyClick(panel.entry, Qt.Key_Return)


def _bias_lesson_at_db(win):
    """The bias lesson, stepped forward and back until ∂L/∂b is next (predicting off)."""
    win.start_lesson(_lesson(win, "bias"))
    for _ in range(12):
        win.act_forward.trigger()
    assert "0.125" in win.diagram.value_text("grad:b")
    win.act_back.trigger()
    assert win.diagram.value_text("grad:b") == ""


def test_a_right_prediction_at_the_bias_lesson(win, qtbot):
    _bias_lesson_at_db(win)
    panel = _predicting(win, qtbot)
    assert win.predict_dock.isVisible()
    assert panel.asked[0].symbol == "∂L/∂b"
    assert "∂L/∂b = 0.125 × 1 = ?" in panel.question.text()
    assert win.diagram.value_text("grad:b") == ""  # asked, not yet shown
    _answer(panel, qtbot, "0.125")
    assert panel.last_grade.right
    assert "0.125" in win.diagram.value_text("grad:b")  # revealed once graded
    assert "✓ Right: ∂L/∂b = 0.125" in panel.result_text()
    assert "∂L/∂b = 0.125 × 1 = 0.125" in panel.result_text()  # with its computation
    assert "The bias" in panel.score_text() and "1/1 right" in panel.score_text()
    assert panel.asked[0].symbol == "w₁"  # and the next value is asked for


def test_a_wrong_prediction_shows_the_right_value(win, qtbot):
    """From a fresh launch (the tutorial's neuron with b = 0: the bias lesson's numbers),
    outside any lesson."""
    panel = _predicting(win, qtbot)
    for _ in range(11):
        panel.skip()
    assert panel.asked[0].symbol == "∂L/∂b" and win.lesson is None
    panel.entry.setText("0.2")
    qtbot.mouseClick(panel.check_button, Qt.LeftButton)
    assert not panel.last_grade.right
    assert "✗ Not quite: ∂L/∂b = 0.125 (you said 0.200)" in panel.result_text()
    assert "exact value: 0.125" in panel.result_text()
    assert "0.125" in win.diagram.value_text("grad:b")
    assert f"{FREE_PLAY}: 0/1 right" in panel.score_text()


def test_the_step_button_and_the_menu_grade_what_is_typed(win, qtbot):
    from test_main_window import click

    _bias_lesson_at_db(win)
    panel = _predicting(win, qtbot)
    panel.entry.setText("0,125")
    click(win, qtbot, "step forward")  # the Step button, through the gate
    assert panel.last_grade.right and "1/1" in panel.score_text()
    panel.entry.setText("0.5")
    win.act_forward.trigger()  # → and Run → Step forward: the same action
    assert not panel.last_grade.right and "1/2" in panel.score_text()
    assert win.session.engine.parameters()["w1"] == pytest.approx(0.1)


def test_garbage_is_refused_and_nothing_changes(win, qtbot):
    _bias_lesson_at_db(win)
    panel = _predicting(win, qtbot)
    e = win.session.engine
    before = (e.cursor, win.undo.stack.count(), panel.score_text(), panel.asked[0].symbol)
    for text in ("abc", "", "0.1 0.2", "1/8"):
        _answer(panel, qtbot, text)
        assert panel.message_text(), text
        assert (e.cursor, win.undo.stack.count(), panel.score_text(),
                panel.asked[0].symbol) == before
        assert win.diagram.value_text("grad:b") == ""
    _answer(panel, qtbot, "abc")
    assert "“abc” is not a number" in panel.message_text()
    panel.entry.clear()
    win.act_forward.trigger()  # an empty entry: asked for, not stepped
    assert "Type your prediction for ∂L/∂b" in panel.message_text()
    assert e.cursor == before[0]
    _answer(panel, qtbot, "0.125")
    assert panel.message_text() == "" and panel.last_grade.right


def test_typing_letters_of_shortcuts_goes_to_the_entry(win, qtbot):
    """"1e-3" holds E (Run one epoch) and Space plays: typed in the entry they are text."""
    panel = _predicting(win, qtbot)
    qtbot.keyClicks(panel.entry, "1e-3 ")
    assert panel.entry.text() == "1e-3 "
    assert win.session.engine.epoch == 0 and win.session.engine.cursor == 0
    assert not win.act_play.isChecked()


def test_the_score_follows_the_lesson(win, qtbot):
    _bias_lesson_at_db(win)
    panel = _predicting(win, qtbot)
    _answer(panel, qtbot, "0.125")
    assert "1/1 right" in panel.score_text()
    win.start_lesson(_lesson(win, "no-bias"))
    assert win.lesson.title in panel.score_text()
    assert "0/0 right" in panel.score_text()
    _answer(panel, qtbot, "0")  # w₁x₁ = 0.1 × 0
    assert panel.last_grade.right and "1/1 right" in panel.score_text()
    _answer(panel, qtbot, "7")
    assert "1/2 right" in panel.score_text()
    win.start_lesson(_lesson(win, "bias"))
    assert "1/1 right" in panel.score_text()  # each lesson's own
    win.session.set_gate("and")  # leaving the lesson's set-up: free play
    assert win.lesson is None
    assert f"{FREE_PLAY}: 0/0 right" in panel.score_text()


def test_off_step_forward_reveals_at_once(win, qtbot):
    panel = _predicting(win, qtbot, False)
    win.act_forward.trigger()
    assert win.session.engine.cursor == 1 and panel.asked is None
    _predicting(win, qtbot, True)
    win.predict_action.trigger()  # the Run menu's check box turns it off again
    assert not panel.active and not panel.enable.isChecked()


def test_batch_mode_asks_for_every_example_or_the_focused_one(win, qtbot):
    win.start_lesson(_lesson(win, "batch"))  # OR, the four examples at once
    panel = _predicting(win, qtbot)
    assert panel.asked[0].symbol == "w₁x₁"
    assert "Type 4 numbers" in panel.hint.text()
    _answer(panel, qtbot, "0; 0; 0.1; 0.1")
    assert panel.last_grade.right
    _answer(panel, qtbot, "0 0.6 0 0.5")  # w₂x₂: the last one is 0.6
    assert not panel.last_grade.right and "1 of 4 values" in panel.result_text()
    # the diagram shows example 3 alone: its value is asked for
    win.focus.setCurrentIndex(3)
    win.focus.activated.emit(3)
    assert win.shown_diagram().focus() == 2
    assert "example 3" in panel.hint.text()
    _answer(panel, qtbot, "0")  # b, the same for every example
    assert panel.last_grade.right
    _answer(panel, qtbot, "0.1")  # z of example 3: 0.1 + 0 + 0
    assert panel.last_grade.right
    win.act_fwd_pass.trigger()  # the rest of the forward pass, not asked for
    assert panel.asked[0].symbol == "∂Cost/∂Cost"
    win.act_bwd_pass.trigger()
    assert panel.asked[0].symbol == "w₁"
    _answer(panel, qtbot, "0.148")  # the tutorial's w₁ after the update: 0.1 + 0.048
    assert panel.last_grade.right
    assert "4/5 right" in panel.score_text()


def test_a_hidden_layer_forward_value_gradient_and_update(win, qtbot):
    win.start_lesson(_lesson(win, "hidden-layer"))  # 2-3-1 on XOR, batch
    panel = _predicting(win, qtbot)
    e = win.session.engine
    assert panel.asked[0].symbol == "w¹₁₁x₁"
    _answer(panel, qtbot, f"0 0 {e.parameters()['w1_1_1']} {e.parameters()['w1_1_1']}")
    assert panel.last_grade.right
    ds = e.dataset
    check = {c.name: c.numeric for c in gradient_check(e.network.copy(), ds.X, ds.Y)}
    start = e.parameters()
    win.act_fwd_pass.trigger()
    for _ in range(100):  # bounded: a broken gate must fail, not hang
        if panel.asked[0].symbol == "∂Cost/∂w²₁₁":
            break
        panel.skip()  # revealed, not scored
    _answer(panel, qtbot, f"{check['w2_1_1']:.5f}")  # a gradient (a central difference)
    assert panel.last_grade.right
    for _ in range(100):
        if panel.asked[0].symbol == "w²₁₁":
            break
        cursor = e.cursor
        win.act_forward.trigger()  # an empty entry: refused, nothing taken
        assert panel.message_text() and e.cursor == cursor
        panel.skip()
    new = start["w2_1_1"] - e.lr * check["w2_1_1"]
    _answer(panel, qtbot, f"{new:.5f}")  # an update
    assert panel.last_grade.right
    assert e.parameters()["w2_1_1"] == pytest.approx(new, abs=1e-6)
    assert "3/3 right" in panel.score_text()


def test_predicting_goes_one_computation_at_a_time_whatever_the_stride(win, qtbot):
    panel = _predicting(win, qtbot)
    layer = win.stride.findData("layer")
    win.stride.setCurrentIndex(layer)
    win.stride.activated.emit(layer)
    assert "one computation at a time" in panel.hint.text()
    _answer(panel, qtbot, "0")
    assert win.session.engine.cursor == 1
    assert win.session.stride == "layer"  # the learner's choice is kept


def test_undo_takes_back_the_revealed_step_and_asks_again(win, qtbot):
    _bias_lesson_at_db(win)
    panel = _predicting(win, qtbot)
    e = win.session.engine
    cursor = e.cursor
    _answer(panel, qtbot, "0.125")
    assert e.cursor == cursor + 1 and win.act_undo.text().endswith("step forward")
    win.act_undo.trigger()  # Edit → Undo
    assert e.cursor == cursor and win.diagram.value_text("grad:b") == ""
    assert panel.asked[0].symbol == "∂L/∂b"  # the same value asked for again
    assert "1/1 right" in panel.score_text()  # a grade is not undone
    win.act_redo.trigger()
    assert e.cursor == cursor + 1 and panel.asked[0].symbol == "w₁"


def test_play_reveals_without_asking(win, qtbot):
    panel = _predicting(win, qtbot)
    win.toggle_play(True)
    assert panel.asked is None and "Playing" in panel.header.text()
    assert not panel.entry.isEnabled()
    win.toggle_play(False)
    assert panel.asked is not None and panel.entry.isEnabled()


def test_the_panel_fits_the_smallest_window(win, qtbot):
    _bias_lesson_at_db(win)
    panel = _predicting(win, qtbot)
    _answer(panel, qtbot, "0.2")
    for size in ((1280, 800), (1024, 700)):
        win.resize(*size)
        qtbot.wait(10)
        for w in (panel.question, panel.entry, panel.check_button, panel.skip_button,
                  panel.result, panel.score_label):
            assert w.isVisible() and w.width() > 0
            assert w.height() >= w.minimumSizeHint().height()


def test_step_forward_with_the_panel_closed_shows_it_and_reveals_nothing(win, qtbot):
    panel = _predicting(win, qtbot)
    assert panel.entry.hasFocus()  # ready to type
    win.predict_dock.close()
    assert not panel.isVisible()
    win.act_forward.trigger()
    assert win.predict_dock.isVisible() and win.session.engine.cursor == 0
    assert "Type your prediction for w₁x₁" in panel.message_text()


def test_space_on_the_panels_buttons_does_not_play(win, qtbot):
    panel = _predicting(win, qtbot)
    panel.skip_button.setFocus()
    qtbot.keyClick(panel.skip_button, Qt.Key_Space)
    assert not win.act_play.isChecked()
    assert win.session.engine.cursor == 1  # the button was pressed: the step revealed
