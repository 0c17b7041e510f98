"""Undo, redo and the timeline, driven through the window's own controls."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from test_snapshots import observe as observe_engine

from core import Engine, datasets
from core.setup import NetworkSpec
from gui.main_window import FRAME_MS
from gui.session import DataChoice, Session
from gui.undo import UndoHistory


def named(win, name, cls=QWidget):
    found = [c for c in win.findChildren(cls) if c.accessibleName() == name]
    assert found, f"no control named {name!r}"
    return found[0]


def choose(combo, data):
    """Pick an entry as a learner does: the combo's own activated signal."""
    i = combo.findData(data)
    assert i >= 0, data
    combo.setCurrentIndex(i)
    combo.activated.emit(i)


def observe(win):
    """The session as every view sees it, and the controls that show it."""
    s = win.session
    return (observe_engine(s.engine), s.spec, s.data, s.stride,
            sliders_true(win),
            win.lr.edit.text(), win.mode.currentData(), win.dataset.currentData(),
            win.network_panel.network.currentText(), win.bias_box.isChecked(),
            win.stride.currentData(), win.shown_diagram() is win.net_diagram)


def sliders_true(win):
    """Each slider shows its parameter's value (which ones are shown is the view's)."""
    params = win.session.engine.parameters()
    assert all(sl.value() == pytest.approx(params[n]) for n, sl in win.sliders.items()
               if sl.isEnabled())
    return sorted(win.sliders) if len(params) <= 4 else len(win.sliders)


def type_lr(qtbot, win, text):
    edit = win.lr.edit
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def set_slider(win, name, value):
    win.sliders[name].spin.setValue(value)


def click_box(qtbot, box):
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def click_boundary(win, x1, x2):
    return win.plots.boundary.handle_click(x1, x2)


# each: (set-up before the action, the action), both through the window's controls
ACTIONS = {
    "step forward": (None, lambda w, q: w.act_forward.trigger()),
    "step back": (lambda w, q: [w.act_forward.trigger() for _ in range(3)],
                  lambda w, q: w.act_back.trigger()),
    "finish forward": (None, lambda w, q: w.act_fwd_pass.trigger()),
    "finish backward": (None, lambda w, q: w.act_bwd_pass.trigger()),
    "update": (lambda w, q: w.act_forward.trigger(), lambda w, q: w.act_update.trigger()),
    "epoch": (None, lambda w, q: w.act_epoch.trigger()),
    "reset": (lambda w, q: w.session.train(5), lambda w, q: w.act_reset.trigger()),
    "slider": (None, lambda w, q: set_slider(w, "w1", -0.75)),
    "learning rate": (None, lambda w, q: type_lr(q, w, "0.25")),
    "mode": (None, lambda w, q: choose(w.mode, "batch")),
    "example": (None, lambda w, q: choose(w.example, 2)),
    "batch size": (lambda w, q: choose(w.mode, "minibatch"),
                   lambda w, q: w.batch_size.setValue(3)),
    "gate": (None, lambda w, q: choose(w.dataset, "xor")),
    "generated": (None, lambda w, q: choose(w.dataset, "moons")),
    "points": (lambda w, q: choose(w.dataset, "circles"),
               lambda w, q: w.data_panel.points.setValue(30)),
    "data seed": (lambda w, q: choose(w.dataset, "circles"),
                  lambda w, q: w.data_panel.data_seed.setValue(4)),
    "test part": (lambda w, q: choose(w.dataset, "blobs"),
                  lambda w, q: w.data_panel.test_part.setValue(20)),
    "own points": (None, lambda w, q: choose(w.dataset, "custom")),
    "network": (None, lambda w, q: choose(w.network_panel.network, "2-3-1")),
    "loss": (None, lambda w, q: choose(w.network_panel.loss, "bce")),
    "start": (lambda w, q: choose(w.network_panel.network, "2-3-1"),
              lambda w, q: choose(w.network_panel.init, "he")),
    "re-roll": (lambda w, q: choose(w.network_panel.network, "2-5-3-1"),
                lambda w, q: w.network_panel.reroll.click()),
    "bias": (None, lambda w, q: click_box(q, w.bias_box)),
    "stride": (None, lambda w, q: (w.stride.setCurrentIndex(2), w.stride.activated.emit(2))),
    "add point": (None, lambda w, q: click_boundary(w, 0.5, 0.5)),
    "remove point": (None, lambda w, q: click_boundary(w, 1.0, 1.0)),
    "lesson": (None, lambda w, q: w.start_lesson(w.lessons[2])),
    "play": (None, lambda w, q: play(w, frames=20)),
}


def play(win, frames, speed=6):
    win.speed.setCurrentIndex(speed)
    win.toggle_play(True)
    for _ in range(frames):
        win.play_frame(FRAME_MS / 1000)
    win.toggle_play(False)


@pytest.mark.parametrize("kind", list(ACTIONS))
def test_each_action_is_one_step_that_undoes_and_redoes_exactly(win, qtbot, kind):
    setup, action = ACTIONS[kind]
    if setup is not None:
        setup(win, qtbot)
    h = win.undo
    h.close_burst()
    n, before = h.stack.count(), observe(win)
    action(win, qtbot)
    after = observe(win)
    assert after != before, "the action changed nothing"
    assert h.stack.count() == n + 1 and h.stack.index() == n + 1
    assert win.act_undo.isEnabled() and win.act_undo.text().startswith("Undo ")
    win.act_undo.trigger()
    assert observe(win) == before
    assert win.act_redo.isEnabled() and win.act_redo.text().startswith("Redo ")
    win.act_redo.trigger()
    assert observe(win) == after
    win.act_undo.trigger()  # and again: a state can be restored any number of times
    assert observe(win) == before


def test_undo_text_names_the_step(win):
    win.act_forward.trigger()
    assert win.act_undo.text() == "Undo step forward"
    set_slider(win, "w1", 0.3)
    assert win.act_undo.text() == "Undo w₁ change"
    win.act_undo.trigger()
    assert win.act_redo.text() == "Redo w₁ change"
    assert win.act_undo.text() == "Undo step forward"


def test_a_slider_drag_is_one_step(win):
    h = win.undo
    sl = win.sliders["w2"].slider
    n, before = h.stack.count(), observe(win)
    sl.setSliderDown(True)  # the learner holds the handle and drags (slowly, even)
    for v in range(600, 100, -25):
        sl.setValue(v)
        h.close_burst()  # however long the drag pauses, it stays one step
    sl.setSliderDown(False)
    assert win.session.engine.parameters()["w2"] == pytest.approx(0.125)
    assert h.stack.count() == n + 1
    assert win.act_undo.text() == "Undo w₂ change"
    win.act_undo.trigger()
    assert observe(win) == before
    # the next drag of the same slider is a step of its own
    sl.setSliderDown(True)
    sl.setValue(300)
    sl.setSliderDown(False)
    h.close_burst()
    sl.setSliderDown(True)
    sl.setValue(200)
    sl.setSliderDown(False)
    assert h.stack.count() == n + 2


def test_quick_edits_of_one_value_merge_and_a_drag_back_to_the_start_is_no_step(win):
    h = win.undo
    n = h.stack.count()
    for v in (0.2, 0.3, 0.4):  # arrow keys or the wheel: a quick burst
        set_slider(win, "w1", v)
    assert h.stack.count() == n + 1
    set_slider(win, "w2", 0.9)  # another value: another step
    assert h.stack.count() == n + 2
    win.act_fwd_pass.trigger()  # already shown (an edit shows the forward pass): no step
    assert h.stack.count() == n + 2
    h.close_burst()
    shown = observe(win)
    sl = win.sliders["b"].slider
    sl.setSliderDown(True)
    sl.setValue(400)
    sl.setValue(0)  # and back where it was: nothing to undo
    sl.setSliderDown(False)
    assert observe(win) == shown
    assert h.stack.count() == n + 2 and win.act_undo.text() == "Undo w₂ change"


def test_a_played_run_is_one_step(win):
    h = win.undo
    n, before = h.stack.count(), observe(win)
    play(win, frames=30)
    assert win.session.engine.epoch > 0
    assert h.stack.count() == n + 1
    assert win.act_undo.text().startswith("Undo play")
    win.act_undo.trigger()
    assert observe(win) == before


def test_an_edit_while_playing_splits_the_run(win):
    h = win.undo
    n = h.stack.count()
    win.speed.setCurrentIndex(6)
    win.toggle_play(True)
    for _ in range(5):
        win.play_frame(FRAME_MS / 1000)
    mid = observe(win)
    set_slider(win, "w1", 2.0)
    edited = observe(win)
    for _ in range(5):
        win.play_frame(FRAME_MS / 1000)
    end = observe(win)
    win.act_undo.trigger()  # undo pauses Play, then takes back the run after the edit
    assert not win._playing
    assert observe(win) == edited and h.stack.count() == n + 3
    win.act_undo.trigger()
    assert observe(win) == mid
    win.act_redo.trigger()
    win.act_redo.trigger()
    assert observe(win) == end


def test_ctrl_z_and_ctrl_shift_z_on_the_window(win, qtbot):
    before = observe(win)
    win.act_forward.trigger()
    win.act_forward.trigger()
    after = observe(win)
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert observe(win) == before
    qtbot.keyClick(win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier |
                   Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(win, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert observe(win) == after
    # the one-key shortcuts still work beside them
    qtbot.keyClick(win, Qt.Key.Key_Right)
    assert win.session.engine.cursor == after[0][1] + 1


def test_undo_across_a_network_change_and_a_generated_data_set(win, qtbot):
    win.act_forward.trigger()
    start = observe(win)
    choose(win.dataset, "moons")
    win.data_panel.points.setValue(60)
    choose(win.network_panel.network, "2-8-8-1")
    win.act_epoch.trigger()
    name = win.session.engine.network.slots[3].name
    choose(win.param_pick, name)
    set_slider(win, name, 1.5)
    for _ in range(4):
        win.act_forward.trigger()
    end = observe(win)
    assert win.shown_diagram() is win.net_diagram
    while win.undo.stack.canUndo() and observe(win) != start:
        win.act_undo.trigger()
    assert observe(win) == start
    assert win.shown_diagram() is win.diagram and len(win.sliders) == 3
    while win.undo.stack.canRedo():
        win.act_redo.trigger()
    assert observe(win) == end


def test_refused_inputs_push_nothing(win, qtbot):
    h = win.undo
    n, before = h.stack.count(), observe(win)
    type_lr(qtbot, win, "abc")
    type_lr(qtbot, win, "-3")
    edit = win.network_panel.network.lineEdit()
    edit.selectAll()
    qtbot.keyClicks(edit, "2-99-1")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "2-99-1" not in win.session.spec.label
    win.act_back.trigger()  # nothing to step back to
    set_slider(win, "w1", 0.1)  # the value it has
    choose(win.dataset, "custom")
    m = h.stack.count()
    while win.session.engine.dataset.m > 1:
        ds = win.session.engine.dataset
        click_boundary(win, *ds.points[0][:2])
    k = h.stack.count()
    ds = win.session.engine.dataset
    assert click_boundary(win, *ds.points[0][:2]) == "removed"  # refused: the last point
    assert "at least one point" in win.problem_text()
    assert h.stack.count() == k and m > n
    for _ in range(k - n):
        win.act_undo.trigger()
    assert observe(win) == before


def random_action(win, qtbot, rng):
    k = int(rng.integers(0, 16))
    e = win.session.engine
    if k == 0:
        win.act_forward.trigger()
    elif k == 1:
        win.act_back.trigger()
    elif k == 2:
        win.act_update.trigger()
    elif k == 3:
        win.act_epoch.trigger()
    elif k == 4:
        name = str(rng.choice(list(win.sliders)))
        if win.sliders[name].isEnabled():
            set_slider(win, name, float(np.round(rng.normal(), 3)))
    elif k == 5:
        type_lr(qtbot, win, str(rng.choice(["0.1", "1", "3", "x"])))
    elif k == 6:
        choose(win.mode, str(rng.choice(["single", "minibatch", "batch"])))
    elif k == 7:
        choose(win.dataset, str(rng.choice(["or", "and", "xor", "moons", "custom"])))
    elif k == 8:
        choose(win.network_panel.network, str(rng.choice(["neuron", "cross", "2-3-1"])))
    elif k == 9:
        win.bias_box.setChecked(not win.bias_box.isChecked())
    elif k == 10:
        click_boundary(win, float(rng.uniform(-0.5, 1.5)), float(rng.uniform(-0.5, 1.5)))
    elif k == 11:
        win.act_reset.trigger()
    elif k == 12:
        play(win, frames=int(rng.integers(1, 6)), speed=int(rng.integers(0, 8)))
    elif k == 13:
        win.act_fwd_pass.trigger() if rng.random() < 0.5 else win.act_bwd_pass.trigger()
    elif k == 14 and e.mode == "single":
        choose(win.example, int(rng.integers(0, e.dataset.m)))
    elif k == 15:
        i = int(rng.integers(0, 3))
        h, r = win.undo, rng.random()
        if r < 0.2 and h.stack.canUndo():
            win.act_undo.trigger()
        elif r < 0.4 and h.stack.canRedo():
            win.act_redo.trigger()
        elif r < 0.6:  # drag the timeline somewhere
            win.timeline.slider.setValue(int(rng.integers(0, win.timeline.slider.maximum() + 1)))
        elif r < 0.7 and h.branches:
            h.return_to(h.branches[int(rng.integers(0, len(h.branches)))])
        else:
            win.stride.setCurrentIndex(i)
            win.stride.activated.emit(i)


@pytest.mark.parametrize("seed", range(3))
def test_undo_all_the_way_back_after_200_random_actions(win, qtbot, seed):
    rng = np.random.default_rng(seed)
    start = observe(win)
    for _ in range(200):
        random_action(win, qtbot, rng)
    end = observe(win)
    while win.undo.stack.canUndo():
        win.act_undo.trigger()
    assert observe(win) == start
    while win.undo.stack.canRedo():
        win.act_redo.trigger()
    assert observe(win) == end


# ------------------------------------------------------------ timeline and branches
def test_the_timeline_shows_each_step_and_going_on_keeps_a_branch(win, qtbot):
    h, tl = win.undo, win.timeline
    states = [observe(win)]
    for _ in range(4):
        win.act_forward.trigger()
        states.append(observe(win))
    assert tl.slider.maximum() == 4 and tl.slider.value() == 4
    for i in (0, 2, 1, 4, 3):  # the learner drags the scrubber
        tl.slider.setValue(i)
        assert observe(win) == states[i]
        assert tl.where.text().startswith(f"step {i} of 4")
    tl.slider.setValue(2)
    set_slider(win, "w1", -1.0)  # going on from step 2
    branch_end = states[4]
    assert h.stack.count() == 3 and len(h.branches) == 1
    assert tl.branch_button.isEnabled() and "Branches (1)" in tl.branch_button.text()
    tl.fill_menu()
    texts = [a.text() for a in tl.menu.actions() if a.text()]
    assert texts[0].startswith("Return to branch: 2 steps") and texts[1].startswith("Discard")
    mine = observe(win)
    tl.menu.actions()[0].trigger()  # return to the branch
    assert observe(win) == branch_end
    assert len(h.branches) == 1  # the line just left is a branch in its turn
    h.travel(2)
    assert observe(win) == states[2]
    h.return_to(h.branches[0])
    assert observe(win) == mine
    tl.fill_menu()
    [a for a in tl.menu.actions() if a.text().startswith("Discard")][0].trigger()
    assert not h.branches and not tl.branch_button.isEnabled()
    while h.stack.canUndo():
        win.act_undo.trigger()
    assert observe(win) == states[0]


def test_the_timeline_pauses_play(win):
    play(win, frames=3)
    win.toggle_play(True)
    win.play_frame(FRAME_MS / 1000)
    win.timeline.slider.setValue(0)
    assert not win._playing
    assert win.session.engine.epoch == 0


# ------------------------------------------------------------ window-free
def session_history(limit=500):
    s = Session(Engine(NetworkSpec(network="2-3-1").build(), datasets.gate("xor"), lr=1,
                       mode="batch"))
    return s, UndoHistory(s, limit=limit)


def test_the_undo_limit_drops_the_oldest_steps(qtbot):
    s, h = session_history(limit=10)
    for _ in range(25):
        s.step_forward()
    assert h.stack.count() == 10
    while h.stack.canUndo():
        h.undo()
    assert s.engine.cursor == 15


def test_long_runs_share_their_curves(qtbot):
    s, h = session_history()
    s.set_data(DataChoice(kind="moons", points=20, seed=1))
    for _ in range(40):
        s.train(250)  # 10⁴ epochs over 40 steps
    kept = h.kept_bytes()
    one_curve = 8 * len(s.engine.epoch_costs)
    # the steps share the curves' buffers: a few curves' worth, not one per step
    assert kept < 8 * one_curve, (kept, one_curve)


def test_undo_across_a_network_change_keeps_the_stride_chosen(win):
    i = win.stride.findData("pass")
    win.stride.setCurrentIndex(i)
    win.stride.activated.emit(i)
    before = observe(win)
    choose(win.network_panel.network, "2-3-1")  # a network picks its own stride
    assert win.session.stride == "node"
    win.act_undo.trigger()
    assert observe(win) == before and win.stride.currentData() == "pass"


def test_a_restore_without_the_history_keeps_the_stride_too(win):
    i = win.stride.findData("layer")
    win.stride.setCurrentIndex(i)
    win.stride.activated.emit(i)
    state, before = win.session.snapshot(), observe(win)
    choose(win.network_panel.network, "2-3-1")
    win.session.restore(state)  # as a session file or an autosave would
    assert observe(win) == before


def test_memory_stays_within_its_budget(qtbot, monkeypatch):
    import gui.undo as undo

    budget = 20_000_000
    monkeypatch.setattr(undo, "BYTES_BUDGET", budget)
    s, h = session_history()
    line = []  # the main line: train, train, …, train, step (each step was undone)
    for k in range(60):  # undo, then act: each new line owns fresh copies of the curves
        if h.stack.canUndo():
            h.undo()
        s.train(3000 + k)
        line.append((observe_engine(s.engine), s.stride))
        s.step_forward()
    line.append((observe_engine(s.engine), s.stride))
    h.bound()  # (checked every few steps as they come; here at once)
    assert h.kept_bytes() <= budget
    assert 2 <= h.stack.count() < 61 and len(h.branches) <= undo.MAX_BRANCHES
    for state in reversed(line[-h.stack.count():]):  # the newest steps go back exactly
        assert (observe_engine(s.engine), s.stride) == state
        h.undo()


def test_the_timeline_reaches_inside_a_played_run(win):
    h, tl = win.undo, win.timeline
    start = observe(win)
    win.speed.setCurrentIndex(5)  # 100 epochs a second
    win.toggle_play(True)
    seen = []
    for _ in range(200):  # 200 frames: more than the marks kept, so they are thinned
        win.play_frame(0.05)
        seen.append(observe(win))
    win.toggle_play(False)
    end = observe(win)
    assert h.stack.count() == 1  # still one step to undo
    marks = h.stack.command(0).marks
    assert 2 <= len(marks) <= 64 and tl.slider.maximum() == len(marks) + 1
    epochs = [m.engine.epoch for m in marks]
    assert epochs == sorted(epochs) and 0 < epochs[0] and epochs[-1] < end[0][2]
    tl.slider.setValue(3)  # drag into the run: the session as it was then
    mid = observe(win)
    assert mid in seen and mid[0][2] == epochs[2]
    assert "at epoch" in tl.where.text()
    win.act_forward.trigger()  # go on from there: the whole run is kept as a branch
    assert h.stack.count() == 2 and len(h.branches) == 1
    assert h.stack.command(0).text() == f"play to epoch {epochs[2]:,}"
    win.act_undo.trigger()
    assert observe(win) == mid
    win.act_undo.trigger()  # back to where the run started
    assert observe(win) == start
    h.return_to(h.branches[0])
    assert observe(win) == end
    tl.slider.setValue(5)
    win.act_undo.trigger()  # from inside a run, undo goes to the run's start
    assert observe(win) == start
    win.act_redo.trigger()
    assert observe(win) == end
    tl.slider.setValue(7)
    h.redo()  # from inside a run, redo goes to its end
    assert observe(win) == end and tl.slider.value() == tl.slider.maximum()


def test_any_epoch_of_a_played_run_is_recomputed_exactly(win):
    """The run keeps at most 64 points; any other epoch is trained again from the point
    before it, with the numbers the run itself had at that epoch."""
    h, tl = win.undo, win.timeline
    choose(win.mode, "batch")
    win.speed.setCurrentIndex(5)  # 100 epochs a second
    win.toggle_play(True)
    seen = {}
    for _ in range(300):
        win.play_frame(0.05)
        seen[win.session.engine.epoch] = observe(win)
    win.toggle_play(False)
    end = observe(win)
    kept = {m.engine.epoch for m in h.stack.command(h.stack.index() - 1).marks}
    assert tl.epoch.isEnabled() and tl.epoch.maximum() == win.session.engine.epoch
    wanted = next(e for e in sorted(seen) if e not in kept and e > min(kept))
    tl.epoch.setValue(wanted)  # through the timeline's own box
    assert win.session.engine.epoch == wanted
    assert observe(win) == seen[wanted]  # exactly, not to rounding
    assert "at epoch" in tl.where.text()
    win.act_undo.trigger()
    win.act_redo.trigger()
    assert observe(win) == end
    assert not h.go_to_epoch(10**9)  # outside the run: nothing moves
    assert observe(win) == end
