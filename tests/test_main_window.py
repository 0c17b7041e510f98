"""The window driven as a learner drives it (pytest-qt, offscreen)."""

import pathlib
import subprocess
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider, QLineEdit, QWidget

from core.symbols import fmt_full
from gui.main_window import FRAME_MS, SPEEDS

ROOT = pathlib.Path(__file__).resolve().parents[1]
MINUS = "\u2212"


def named(win, name, cls=QWidget):
    found = [c for c in win.findChildren(cls) if c.accessibleName() == name]
    assert found, f"no control named {name!r}"
    return found[0]


def click(win, qtbot, name):
    qtbot.mouseClick(named(win, name), Qt.LeftButton)


def shown(win):
    d = win.diagram
    keys = ["x1", "x2", "w1", "w2", "b", "prod:w1", "prod:w2", "z", "y_hat", "loss", "grad:loss",
            "grad:y_hat", "grad:z", "grad:w1", "grad:w2", "grad:b", "y"]
    return {k: d.value_text(k) for k in keys}


def test_starts_in_the_tutorial_state(win):
    e = win.session.engine
    assert e.parameters() == {"w1": 0.1, "w2": 0.6, "b": 0.0}
    assert e.lr == 1.0 and e.dataset.name == "OR" and e.indices == (0,)
    assert named(win, "w1").value() == 100 and named(win, "w2").value() == 600
    assert win.diagram.value_text("y_hat") == ""  # nothing computed before the first step


def test_forward_backward_update_and_back(win, qtbot):
    states = [shown(win)]
    for _ in range(6):  # the forward pass, one micro-step at a time
        click(win, qtbot, "step forward")
        states.append(shown(win))
    assert "0.500" in win.diagram.value_text("y_hat")
    assert "0.125" in win.diagram.value_text("loss")
    for _ in range(6):
        click(win, qtbot, "step forward")
        states.append(shown(win))
    assert "0.125" in win.diagram.value_text("grad:b")
    assert "0.000" in win.diagram.value_text("grad:w1")
    assert "0.000" in win.diagram.value_text("grad:w2")
    click(win, qtbot, "apply update")
    assert f"{MINUS}0.125" in win.diagram.value_text("b")
    assert win.session.engine.parameters()["b"] == pytest.approx(-0.125)
    assert named(win, "b").value() == -125  # the slider followed
    assert "b = 0.000 − 1 × 0.125 = −0.125" in win.explain.toPlainText()
    for _ in range(3):
        click(win, qtbot, "step back")
    for expected in reversed(states[:-1]):
        click(win, qtbot, "step back")
        assert shown(win) == expected


def test_dragging_w2_moves_y_hat(win, qtbot):
    win.session.set_mode("batch")
    qtbot.keyClick(win, Qt.Key_F)  # finish the forward pass
    before = win.diagram.value_text("y_hat")
    slider = named(win, "w2", QAbstractSlider)
    for v in (700, 800, 900):  # as a drag delivers values
        slider.setValue(v)
        now = win.diagram.value_text("y_hat")
        assert now and now != before
        before = now
    assert win.session.engine.parameters()["w2"] == pytest.approx(0.9)
    assert "0.711" in win.diagram.value_text("y_hat")  # σ(0.9) for x = (0, 1)


def test_keyboard_shortcuts(win, qtbot):
    e = win.session.engine
    win.setFocus()
    qtbot.keyClick(win, Qt.Key_Right)
    assert e.cursor == 1
    qtbot.keyClick(win, Qt.Key_Left)
    assert e.cursor == 0
    qtbot.keyClick(win, Qt.Key_F)
    assert e.phase == "forward" and e.cursor == e.current_pass.n_forward
    qtbot.keyClick(win, Qt.Key_B)
    assert e.cursor == e.current_pass.n_forward + e.current_pass.n_backward
    qtbot.keyClick(win, Qt.Key_U)
    assert e.phase == "done" and e.parameters()["b"] == pytest.approx(-0.125)
    qtbot.keyClick(win, Qt.Key_E)
    assert e.epoch == 2
    qtbot.keyClick(win, Qt.Key_R)
    assert e.epoch == 0 and e.parameters()["b"] == 0.0
    qtbot.keyClick(win, Qt.Key_Space)
    assert win.timer.isActive()
    qtbot.keyClick(win, Qt.Key_Space)
    assert not win.timer.isActive()
    tip = win.act_forward.toolTip()
    assert "Right" in tip or "→" in tip


def test_batch_mode_cost(win, qtbot):
    win.mode.setCurrentIndex(win.mode.findData("batch"))
    win._mode_chosen()
    qtbot.keyClick(win, Qt.Key_F)
    assert "0.089" in win.diagram.value_text("loss")
    assert "Cost" in win.status_text.text()
    qtbot.keyClick(win, Qt.Key_U)
    qtbot.keyClick(win, Qt.Key_F)
    assert "0.084" in win.diagram.value_text("loss")


def test_bad_learning_rate_gets_a_message_and_loses_nothing(win, qtbot):
    edit = named(win, "learning rate exact", QLineEdit)
    edit.setText("fast please")
    edit.editingFinished.emit()
    assert "not a number" in win.problem_text()
    assert win.session.engine.lr == 1.0 and edit.text() == "1"
    edit.setText("-3")
    edit.editingFinished.emit()
    assert "≥ 0" in win.problem_text()
    edit.setText("5e-10")
    edit.editingFinished.emit()
    assert win.session.engine.lr == 5e-10


def test_learning_rate_slider_is_logarithmic(win):
    s = named(win, "learning rate", QAbstractSlider)
    s.setValue(s.minimum())
    assert win.session.engine.lr == pytest.approx(1e-4)
    s.setValue(s.maximum())
    assert win.session.engine.lr == pytest.approx(100)


def test_divergence_is_reported(win, qtbot):
    win.session.set_mode("batch")
    win.session.set_learning_rate(1e6)
    win.speed.setCurrentIndex(len(SPEEDS) - 1)
    win.toggle_play(True)
    qtbot.waitUntil(lambda: not win.timer.isActive(), timeout=5000)
    assert "learning rate" in win.problem_text()
    assert win.session.engine.status.kind == "stuck"  # saturated: see core.watch.STUCK
    assert win.banner.isVisible() and "saturation" in win.banner.text()  # in full
    win.session.set_learning_rate(0.5)  # not enough: the neuron is still saturated
    assert "saturation" in win.banner.text()
    win.reset()
    assert not win.banner.isVisible()


def test_full_speed_play_reaches_5000_epochs(win, qtbot):
    win.session.set_mode("batch")
    win.speed.setCurrentIndex(len(SPEEDS) - 1)
    win.toggle_play(True)
    win.timer.stop()  # the frames are driven here, so the machine's load cannot matter
    frames = 0
    while win._playing and frames < 100_000:
        win.play_frame(FRAME_MS / 1000)
        frames += 1
    e = win.session.engine
    assert not win.timer.isActive()
    assert e.epoch == 5000
    assert e.epoch_costs[-1] == pytest.approx(0.000528, abs=1e-6)


def test_step_speed_play_takes_micro_steps(win):
    win.speed.setCurrentIndex(2)  # 5 steps / s
    win._playing = True
    win.play_frame(1.0)
    assert win.session.engine.cursor == 5


def test_bias_switch_and_dataset(win, qtbot):
    named(win, "bias").setChecked(False)
    assert "b" not in win.session.engine.parameters()
    assert win.diagram.value_text("b") == ""
    assert not win.sliders["b"].isEnabled()
    win.dataset.setCurrentIndex(win.dataset.findData("xor"))
    win._dataset_chosen(win.dataset.currentIndex())
    assert win.session.engine.dataset.name == "XOR"


def test_accessible_names(win):
    for name in ["w1", "w2", "b", "learning rate", "step forward", "step back", "play",
                 "finish forward", "finish backward", "apply update", "run epoch", "reset",
                 "speed", "dataset", "mode", "example", "batch size", "bias", "diagram",
                 "explanation"]:
        named(win, name)


def test_precision_setting(win, qtbot):
    qtbot.keyClick(win, Qt.Key_F)
    win.set_digits(5)
    assert "0.50000" in win.diagram.value_text("y_hat")
    assert "0.50000" in win.explain.toPlainText()


def test_screenshot_entry_point(tmp_path):
    out = tmp_path / "shot.png"
    r = subprocess.run([sys.executable, "main.py", "--screenshot", str(out), "--steps", "9",
                        "--size", "1200x800"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120, env={**__import__("os").environ,
                                         "QT_QPA_PLATFORM": "offscreen"})
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size > 10_000


def test_no_display_gets_an_explanation():
    from main import display_problem

    msg = display_problem(environ={}, platform="linux", find_library=lambda n: "x")
    assert "DISPLAY" in msg and "xvfb-run" in msg
    msg = display_problem(environ={"DISPLAY": ":0"}, platform="linux",
                          find_library=lambda n: None)
    assert "libxcb-cursor0" in msg
    assert display_problem(environ={"DISPLAY": ":0"}, platform="linux",
                           find_library=lambda n: "libxcb-cursor.so.0") is None
    assert display_problem(environ={"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None


def test_arrows_step_after_a_slider_was_used(win, qtbot):
    """Dragging a slider must not leave the arrow keys nudging it."""
    slider = named(win, "w2", QAbstractSlider)
    qtbot.mouseClick(slider, Qt.LeftButton)
    e = win.session.engine
    before = e.parameters()["w2"]
    cursor = e.cursor
    qtbot.keyClick(win.focusWidget() or win, Qt.Key_Right)
    assert e.cursor == cursor + 1
    assert e.parameters()["w2"] == before


def test_enter_in_a_spin_box_hands_back_the_arrows(win, qtbot):
    spin = win.sliders["w1"].spin
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin, "0.3")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert win.session.engine.parameters()["w1"] == pytest.approx(0.3)
    assert not spin.hasFocus()
    cursor = win.session.engine.cursor
    qtbot.keyClick(win.focusWidget() or win, Qt.Key_Right)
    assert win.session.engine.cursor == cursor + 1


@pytest.fixture
def slot_errors(monkeypatch):
    """Exceptions raised inside Qt slots (PySide hands them to sys.excepthook)."""
    errors = []
    monkeypatch.setattr(sys, "excepthook", lambda t, v, tb: errors.append(v))
    return errors


def test_removing_a_point_keeps_cycling(win):
    s = win.session
    s.set_mode("minibatch", None, 4)
    s.set_mode("single", None)  # cycle through all
    win.plots.boundary.handle_click(1.0, 1.0)  # on a point: removes it
    assert s.engine.dataset.m == 3
    assert s.engine.example is None


def test_a_huge_value_typed_in_a_spin_box(win, qtbot, slot_errors):
    spin = win.sliders["w1"].spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "3000000")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert not slot_errors, slot_errors
    assert win.session.engine.parameters()["w1"] == 3000000
    slider = named(win, "w1", QAbstractSlider)
    assert slider.value() == slider.maximum()  # pinned to its end


def test_values_beyond_the_box_are_marked(win):
    win.session.set_learning_rate(1e308)
    win.session.apply_update()  # b = −1.25e307
    b = win.session.engine.parameters()["b"]
    tip = win.sliders["b"].spin.toolTip()
    assert "beyond" in tip and fmt_full(b) in tip


def test_bias_switch_after_an_overflow(win, qtbot):
    from core import network

    s = win.session
    big = 1.7e308
    s.engine.set_network(network.neuron((big, -big), 0.0))
    s.set_mode("single", 3)
    s.set_learning_rate(big)
    s.apply_update()  # w1 overflows to inf
    assert s.engine.status.kind == "non-finite"
    assert win.bias_box.isChecked()
    # the click goes through Qt's signal to the session's slot: an exception raised there
    # would be swallowed by Qt, so it is captured and checked here
    with qtbot.captureExceptions() as raised:
        qtbot.mouseClick(win.bias_box, Qt.LeftButton)
    assert not raised, raised
    assert s.bias == ("b" in s.engine.parameters()) == win.bias_box.isChecked()
    assert win.problem_text()  # the learner is told why nothing changed


@pytest.mark.parametrize("speed", [4, len(SPEEDS) - 1])  # 10 epochs / s, full speed
def test_lowering_stop_at_below_the_epoch_pauses(win, speed):
    win.session.set_mode("batch")
    win.speed.setCurrentIndex(speed)
    win.stop_at.setValue(1_000_000)
    win.toggle_play(True)
    for _ in range(3):
        win.play_frame(0.25)
    assert win._playing and win.session.engine.epoch > 1
    win.stop_at.setValue(1)
    win.play_frame(0.25)
    assert not win._playing
    assert "number of epochs" not in win.problem_text()


def test_a_focused_slider_keeps_its_arrow_keys(win, qtbot):
    sl = named(win, "w1", QAbstractSlider)
    sl.setFocus()
    v = sl.value()
    qtbot.keyClick(sl, Qt.Key_Right)
    e = win.session.engine
    assert sl.value() != v and e.parameters()["w1"] != 0.1  # the slider moved
    assert e.cursor == e.current_pass.n_forward  # the forward values follow, no step


def test_epoch_labels_agree(win, qtbot):
    win.session.apply_update()  # the first pass: epoch 0, L = 0.125
    qtbot.waitUntil(lambda: win.plots.loss.readout.text().startswith("epoch 0: cost 0.125"))
    assert "epoch 0" in win.explain.header.text()
    assert "epoch 0: pass complete" in win.status_text.text()


def test_choosing_your_own_points_keeps_the_points(win):
    win.dataset.setCurrentIndex(win.dataset.findData("custom"))
    win._dataset_chosen(win.dataset.currentIndex())
    ds = win.session.engine.dataset
    assert ds.name == "custom" and ds.m == 4
    win._dataset_chosen(win.dataset.currentIndex())  # again: nothing added
    assert win.session.engine.dataset.m == 4


def test_the_app_icon_loads():
    from gui.app import app_icon

    assert not app_icon().isNull()


def test_lesson_changed_follows_the_lessons_set_up(win):
    """Views beside the window (the tour, the tutorial badges) learn which lesson holds."""
    w = win
    seen = []
    w.lessonChanged.connect(seen.append)
    w.start_lesson(w.lessons[3])
    assert w.lesson is w.lessons[3] and seen[-1] is w.lessons[3]
    w.mode.setCurrentIndex(0)
    w.mode.activated.emit(0)  # the learner picks "One example": the batch lesson is left
    assert w.lesson is None and seen[-1] is None
