"""Sessions in the window: Save / Open round trips, bad files change nothing, an
interrupted save keeps the old file, Open Recent, settings remembered between
launches, autosave and the offer to restore after a crash, lessons that start from a
session, and `python main.py FILE`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSaveFile, QSettings
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox
from session_cases import BAD_FILES, good_text, observe

from gui import main_window
from gui.lessons import LessonError, load_lessons
from gui.main_window import MainWindow, autosave_path


def state(w):
    """All that a learner could see change, compared exactly."""
    s = w.session
    return (observe(s.engine), s.start_values, s.spec.to_dict(), s.data, s.stride, w.digits,
            w.act_colorblind.isChecked(), w.speed.currentIndex(), w.stop_at.value())


SETUPS = [
    ({"network": "neuron", "dataset": "or"}, "single"),
    ({"network": "neuron", "bias": False, "dataset": "and"}, "single"),
    ({"network": "cross", "dataset": "xor", "loss": "bce"}, "batch"),
    ({"network": "2-3-1", "dataset": "moons", "points": 30, "noise": 0.1, "data_seed": 2,
      "test_fraction": 0.2}, "minibatch"),
    ({"network": "2-5-3-1", "init": "he", "seed": 3, "activation": "relu", "loss": "bce",
      "dataset": "circles", "points": 24}, "batch"),
]


def work(w, mode):
    """Some of everything: training, steps, a parameter moved, settings changed."""
    s = w.session
    s.set_mode(mode, 0 if mode == "single" else None, 3)
    s.train(9)
    s.step_forward()
    s.step_forward()
    name = next(iter(s.engine.parameters()))
    s.set_parameter(name, 0.25)
    s.set_learning_rate(0.75)
    s.set_stride("node")
    s.step_forward()
    w.set_digits(5)
    w.act_colorblind.setChecked(True)
    w.set_colorblind(True)
    w.speed.setCurrentIndex(3)
    w.stop_at.setValue(777)


@pytest.mark.parametrize("setup,mode", SETUPS, ids=[s["network"] + str(s.get("bias", ""))
                                                    for s, _ in SETUPS])
def test_save_and_reopen_in_another_window_is_exact(win, qtbot, tmp_path, setup, mode):
    win.session.apply_setup(setup)
    work(win, mode)
    path = str(tmp_path / "work.json")
    assert win.save_session_as(path)
    before = state(win)
    assert win.windowTitle().startswith("work.json") and not win.isWindowModified()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.open_session(path)
    assert state(w2) == before
    assert w2.windowTitle().startswith("work.json") and not w2.isWindowModified()
    w2.session.step_forward()  # and both go on the same way
    win.session.step_forward()
    assert observe(w2.session.engine) == observe(win.session.engine)


def test_custom_points_round_trip_through_the_window(win, qtbot, tmp_path):
    s = win.session
    s.set_data_option(kind="blobs", points=12, test_fraction=0.25)
    s.add_point(0.3, 0.9, 1)  # by hand: the data is custom now, the test part kept
    s.remove_point(0)
    s.run_epoch()
    s.step_forward()
    assert s.data.kind == "custom" and s.engine.test_set is not None
    path = str(tmp_path / "custom.json")
    assert win.save_session_as(path)
    assert "train_points" in Path(path).read_text(encoding="utf-8")
    before = state(win)
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert w2.open_session(path)
    assert state(w2) == before


def test_a_change_marks_the_window_modified_and_save_clears_it(win, tmp_path):
    assert not win.isWindowModified()
    win.session.step_forward()
    assert win.isWindowModified()
    assert win.windowTitle() == "Untitled[*] — Neuron Lab"
    assert win.save_session_as(str(tmp_path / "a.json"))
    assert win.windowTitle() == "a.json[*] — Neuron Lab" and not win.isWindowModified()
    win.session.step_forward()
    assert win.isWindowModified()
    assert win.save_session()  # to the same file, no dialog
    assert not win.isWindowModified()


def test_the_file_keys_are_the_platforms_and_the_screenshot_gave_up_ctrl_s(win):
    keys = QKeySequence.StandardKey
    assert win.act_save.shortcuts() == QKeySequence.keyBindings(keys.Save)[:1]
    assert win.act_save_as.shortcuts() == QKeySequence.keyBindings(keys.SaveAs)[:1]
    assert win.act_open.shortcuts() == QKeySequence.keyBindings(keys.Open)[:1]
    taken = {k.toString() for a in win.actions() if a is not win.act_save
             for k in a.shortcuts()}
    assert QKeySequence(keys.Save).toString() not in taken


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_a_bad_file_shows_a_message_and_changes_nothing(win, tmp_path, case):
    _, make, expected = case
    win.session.apply_setup({"network": "2-3-1", "dataset": "xor"})
    win.session.train(3)
    win.session.step_forward()
    good = str(tmp_path / "good.json")
    assert win.save_session_as(good)
    win.session.step_forward()
    before, title, modified = state(win), win.windowTitle(), win.isWindowModified()
    h = win.undo
    steps = (h.stack.count(), h.stack.index(), h.mark, list(h.branches))
    path = make(tmp_path / "lesson.json")
    assert not win.open_session(str(path))
    assert expected in win.problem_text()
    assert state(win) == before
    assert (h.stack.count(), h.stack.index(), h.mark, list(h.branches)) == steps
    assert (win.windowTitle(), win.isWindowModified()) == (title, modified)
    assert win.session_path == os.path.abspath(good)


class FailingCommit(QSaveFile):
    def commit(self):
        self.cancelWriting()
        super().commit()
        return False


class ShortWrite(QSaveFile):
    """The disk fills half-way through."""

    def write(self, data):
        super().write(bytes(data)[: len(data) // 2])
        return len(data) // 2


@pytest.mark.parametrize("broken", [FailingCommit, ShortWrite])
def test_an_interrupted_save_leaves_the_old_file_intact(win, tmp_path, monkeypatch, broken):
    folder = tmp_path / "files"
    folder.mkdir()
    path = str(folder / "kept.json")
    assert win.save_session_as(path)
    old = Path(path).read_bytes()
    win.session.train(5)
    monkeypatch.setattr(main_window, "QSaveFile", broken)
    assert not win.save_session()
    assert "unchanged" in win.problem_text()
    assert Path(path).read_bytes() == old
    assert os.listdir(folder) == ["kept.json"]  # no temporary file left behind
    assert win.isWindowModified()  # the work is still not saved


def test_open_recent_lists_at_most_eight_and_drops_missing_files(win, tmp_path):
    paths = []
    for i in range(10):
        p = str(tmp_path / f"s{i}.json")
        assert win.save_session_as(p)
        paths.append(os.path.abspath(p))
    assert win.recent_sessions() == paths[::-1][:8]
    os.remove(paths[9])
    win.recent_menu.aboutToShow.emit()
    shown = [a.text() for a in win.recent_menu.actions()]
    assert shown == [f"s{i}.json" for i in range(8, 1, -1)]
    assert "s9.json" in win.statusBar().currentMessage()
    assert paths[9] not in win.recent_sessions()
    win.session.step_forward()
    before = observe(win.session.engine)
    win.recent_menu.actions()[0].trigger()  # opens s8.json
    assert win.session_path == paths[8] and observe(win.session.engine) != before


def test_settings_are_remembered_between_launches(qtbot):
    w1 = MainWindow()
    qtbot.addWidget(w1)
    w1.show()
    w1.resize(700, 520)
    size = w1.size()
    w1.set_digits(6)
    w1.act_colorblind.setChecked(True)
    w1.set_colorblind(True)
    w1.speed.setCurrentIndex(2)
    sizes = [300, 200]
    w1._splitters["middle"].setSizes(sizes)
    remembered = w1._splitters["middle"].sizes()
    w1.close()
    w2 = MainWindow()
    qtbot.addWidget(w2)
    assert (w2.digits, w2.act_colorblind.isChecked(), w2.speed.currentIndex()) == (6, True, 2)
    assert w2.size() == size
    assert w2._splitters["middle"].saveState() == w1._splitters["middle"].saveState()
    assert remembered


def test_after_a_crash_the_next_launch_offers_the_autosave(qtbot, monkeypatch):
    w1 = MainWindow()
    qtbot.addWidget(w1)
    w1.session.apply_setup({"network": "2-3-1", "dataset": "xor"})
    w1.session.train(4)
    w1.session.step_forward()
    assert w1.autosave()  # the timer's work
    saved = observe(w1.session.engine)
    # the process dies here: no closeEvent, "running" stays set
    asked = []

    def answer(reply):
        def question(*args, **kwargs):
            asked.append(args)
            return reply
        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    w2 = MainWindow()
    qtbot.addWidget(w2)
    qtbot.waitUntil(lambda: bool(asked))
    assert observe(w2.session.engine) == saved
    assert w2.session_path is None and w2.isWindowModified()  # Save asks where
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    w3 = MainWindow()
    qtbot.addWidget(w3)
    qtbot.waitUntil(lambda: len(asked) == 2)
    assert w3.session.engine.network.depth == 1  # declined: the usual start


def test_a_clean_close_autosaves_and_makes_no_offer(qtbot, monkeypatch):
    w1 = MainWindow()
    qtbot.addWidget(w1)
    w1.session.step_forward()
    w1.close()
    assert os.path.isfile(autosave_path())
    assert not QSettings().value("running", True, type=bool)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("asked"))
    w2 = MainWindow()
    qtbot.addWidget(w2)
    qtbot.wait(50)


def test_a_lesson_can_start_from_a_session_file(win, tmp_path):
    win.session.apply_setup({"network": "cross", "dataset": "xor"})
    win.session.train(6)
    win.session.step_forward()
    (tmp_path / "states").mkdir()
    assert win.save_session_as(str(tmp_path / "states" / "start.json"))
    saved = observe(win.session.engine)
    lessons = tmp_path / "lessons.json"
    lessons.write_text(json.dumps({"lessons": [
        {"id": "from-file", "title": "From a file", "text": "Go on from here.",
         "setup": {"session": "states/start.json", "tab": "loss"}}]}), encoding="utf-8")
    found = load_lessons(str(lessons))
    win.session.reset()
    win.start_lesson(found[0])
    assert observe(win.session.engine) == saved
    assert win._lesson_setup_left() == ""  # the lesson holds
    (tmp_path / "states" / "start.json").write_text("[]", encoding="utf-8")
    with pytest.raises(LessonError, match="start.json"):
        load_lessons(str(lessons))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"lessons": [
        {"id": "x", "title": "X", "text": "x",
         "setup": {"session": "states/nothing.json"}}]}), encoding="utf-8")
    with pytest.raises(LessonError, match="no such file"):
        load_lessons(str(bad))
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"lessons": [
        {"id": "x", "title": "X", "text": "x",
         "setup": {"session": "states/start.json", "lr": 3}}]}), encoding="utf-8")
    with pytest.raises(LessonError, match="remove lr"):
        load_lessons(str(mixed))


def run_main(*args):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True,
                          timeout=120, env=env)


@pytest.mark.parametrize("case", BAD_FILES[:12], ids=[c[0] for c in BAD_FILES[:12]])
def test_main_with_a_bad_file_exits_2_before_any_window(tmp_path, case):
    _, make, expected = case
    path = make(tmp_path / "lesson.json")
    r = run_main(str(path))
    assert r.returncode == 2
    assert expected in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 3 and "Traceback" not in r.stderr


def test_main_opens_a_session_file(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(good_text(), encoding="utf-8")
    shot = tmp_path / "shot.png"
    r = run_main(str(path), "--screenshot", str(shot), "--size", "800x600")
    assert r.returncode == 0, r.stderr
    assert shot.stat().st_size > 0
