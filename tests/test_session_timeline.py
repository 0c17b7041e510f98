"""Session files keep the timeline (schema version 2): its steps, the marks inside played
runs, the branches and the passes Step back goes into; reopened in a new window, every
point of it shows the same numbers, exactly."""

from __future__ import annotations

import json

import pytest
from test_undo import choose, observe, play

from core import session_file as sf
from core.export import epochs_csv
from gui.main_window import MainWindow


def new_window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def every_point(win) -> list:
    """What the window shows at each point of the timeline, walked by its slider."""
    tl = win.timeline
    seen = []
    for v in range(tl.slider.maximum() + 1):
        tl.slider.setValue(v)
        seen.append((observe(win), tl.where.text()))
    return seen


def rows(text: str) -> list:
    import csv
    import io

    return list(csv.reader(io.StringIO(text, newline="")))


def branches(win) -> list:
    return [b.describe() for b in win.undo.branches]


def test_a_reopened_session_has_the_same_timeline_marks_and_branches(win, qtbot, tmp_path):
    h, tl = win.undo, win.timeline
    choose(win.network_panel.network, "2-3-1")
    choose(win.dataset, "xor")
    choose(win.mode, "batch")
    play(win, frames=120, speed=5)  # a played run: marks part-way through it
    run = h.stack.index()
    tl.slider.setValue(tl.slider.maximum() - 3)  # scrub into the run...
    win.act_forward.trigger()  # ...and go on from there: the rest becomes a branch
    win.act_forward.trigger()
    play(win, frames=30, speed=5)
    tl.slider.setValue(run + 2)
    win.act_epoch.trigger()  # a second branch
    win.act_forward.trigger()
    win.act_forward.trigger()  # a pass part-way: micro-steps to step back through
    assert len(h.branches) == 2
    here = observe(win)
    path = tmp_path / "run.json"
    assert win.save_session_as(str(path))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["version"] == 2 and len(doc["timeline"]["branches"]) == 2
    points, names, at = every_point(win), branches(win), tl.slider.value()
    tl.slider.setValue(tl.slider.maximum())
    other = new_window(qtbot)
    assert other.open_session(str(path))
    h2, tl2 = other.undo, other.timeline
    assert observe(other) == here
    assert h2.stack.command(0).text() == "open session"  # undo goes back to before it
    # the same points, one step later (the opening), and the same branches
    assert tl2.slider.maximum() == len(points) and branches(other) == names
    assert tl2.slider.value() == at + 1
    for v, (seen, where) in enumerate(points, start=1):
        tl2.slider.setValue(v)
        got = observe(other)
        assert got == seen, v
        if v > 1:  # the file's start is where the opening step ends
            assert tl2.where.text().split(": ", 1)[1] == where.split(": ", 1)[1]
    # any epoch inside the run: recomputed exactly, as in the first window
    tl.slider.setValue(run + 1 + len(h.stack.command(run - 1).marks) // 2)
    tl2.slider.setValue(tl.slider.value() + 1)
    assert tl.epoch.isEnabled() and tl2.epoch.isEnabled()
    wanted = tl.epoch.minimum() + 7
    tl.epoch.setValue(wanted)
    tl2.epoch.setValue(wanted)
    assert other.session.engine.epoch == wanted and observe(other) == observe(win)
    # a branch returns as it did
    b1 = next(b for b in h.branches if b.describe() == names[0])
    b2 = next(b for b in h2.branches if b.describe() == names[0])
    assert h.return_to(b1) and h2.return_to(b2)
    assert observe(other) == observe(win)


def test_step_back_works_after_reopening_as_before_saving(win, qtbot, tmp_path):
    choose(win.network_panel.network, "2-3-1")
    for _ in range(40):  # several passes: Step back goes into the earlier ones
        win.act_forward.trigger()
    path = tmp_path / "steps.json"
    assert win.save_session_as(str(path))
    other = new_window(qtbot)
    assert other.open_session(str(path))
    for _ in range(40):
        assert observe(other) == observe(win)
        win.act_back.trigger()
        other.act_back.trigger()
    assert observe(other) == observe(win)


def test_a_version_1_file_still_opens(win, tmp_path):
    from session_cases import good_text

    doc = json.loads(good_text())
    doc["version"] = 1  # as version 1 wrote it: none of version 2's fields
    del doc["network"]["params"]
    assert "timeline" not in doc and "back" not in doc["progress"]
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert win.open_session(str(path))
    assert win.session.engine.cursor == 2


def test_saving_while_playing_keeps_the_run_so_far(win, qtbot, tmp_path):
    win.speed.setCurrentIndex(5)
    win.toggle_play(True)
    for _ in range(20):
        win.play_frame(0.05)
    path = tmp_path / "playing.json"
    assert win.write_session(str(path))
    win.toggle_play(False)
    parts = sf.read(path)
    assert parts.timeline is not None and parts.timeline.steps[-1].marks
    other = new_window(qtbot)
    assert other.open_session(str(path))
    assert observe(other) == observe(win)


@pytest.mark.parametrize("network", ["neuron", "cross", "2-8-8-1"])
def test_every_point_of_the_timeline_round_trips(win, qtbot, tmp_path, network):
    choose(win.network_panel.network, network)
    choose(win.dataset, "moons")
    choose(win.mode, "minibatch")
    play(win, frames=15, speed=5)
    win.act_forward.trigger()
    win.sliders[next(iter(win.sliders))].spin.setValue(0.5)
    play(win, frames=5, speed=4)
    points = every_point(win)
    path = tmp_path / "net.json"
    assert win.save_session_as(str(path))
    other = new_window(qtbot)
    assert other.open_session(str(path))
    assert [p[0] for p in every_point(other)[1:]] == [p[0] for p in points]
    # the history's parameters per epoch too, at the end and part-way
    for v in (0, 3):
        win.timeline.slider.setValue(win.timeline.slider.maximum() - v)
        other.timeline.slider.setValue(other.timeline.slider.maximum() - v)
        assert epochs_csv(other.session.engine) == epochs_csv(win.session.engine)
        assert "" not in rows(epochs_csv(other.session.engine))[-1][3:]


def test_trace_runs_a_session_with_a_timeline(tmp_path):
    import subprocess
    import sys

    from session_cases import good_timeline_text

    path = tmp_path / "tl.json"
    path.write_text(good_timeline_text(), encoding="utf-8")
    parts = sf.read(path)
    assert len(parts.timeline.steps) == 2 and len(parts.engine.back_record) == 3
    r = subprocess.run([sys.executable, "main.py", "trace", "--session", str(path), "--epochs",
                        "2", "--summary", "--format", "json"], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)["epoch_costs"]) == 2


def test_any_epoch_of_a_run_played_in_micro_steps_is_reachable(win):
    """Played a phase at a time: the timeline's epoch box reaches every epoch, recomputed
    from the point kept before it, as the run's last update of that epoch left it."""
    h, tl = win.undo, win.timeline
    win.stride.setCurrentIndex(win.stride.findData("pass"))
    win.stride.activated.emit(win.stride.currentIndex())
    win.speed.setCurrentIndex(2)  # 5 steps a second: one step a frame of 0.2 s
    win.toggle_play(True)
    closed = {}
    for _ in range(330):
        win.play_frame(0.2)
        if win.session.engine.phase == "done":
            closed[win.session.engine.epoch] = observe(win)
    win.toggle_play(False)
    end = observe(win)
    run = h.stack.command(h.stack.index() - 1)
    assert len(run.marks) <= 64 and len(closed) > 100
    assert tl.epoch.isEnabled() and tl.epoch.maximum() == win.session.engine.epoch
    for wanted in (5, 37, 38, 99):
        tl.epoch.setValue(wanted)
        assert win.session.engine.epoch == wanted
        assert observe(win) == closed[wanted]  # exactly
    win.act_undo.trigger()
    win.act_redo.trigger()
    assert observe(win) == end


def test_a_lesson_starting_from_a_session_with_a_timeline_is_one_step(win, tmp_path):
    choose(win.network_panel.network, "2-3-1")
    play(win, frames=10, speed=5)
    win.act_forward.trigger()
    path = tmp_path / "start.json"
    assert win.save_session_as(str(path))
    here = observe(win)
    lessons = tmp_path / "lessons.json"
    lessons.write_text(json.dumps({"lessons": [{"id": "s", "title": "From a session",
                                                 "text": "Go on.",
                                                 "setup": {"session": "start.json"}}]}),
                       encoding="utf-8")
    from gui.lessons import load_lessons

    win.act_reset.trigger()
    count = win.undo.stack.count()
    win.start_lesson(load_lessons(str(lessons))[0])
    assert observe(win) == here
    assert win.undo.stack.count() == count + 1  # the lesson's start, one step
    win.act_undo.trigger()
    assert win.session.engine.epoch == 0
