"""The guided tour (gui/tour.py), driven as a learner would: only what the tour frames is
clicked (or, for a combo box or a typed value, its own signal emitted)."""

import json

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractSlider, QApplication, QTabBar, QToolButton

from gui.lessons import LessonError, load_lessons
from gui.main_window import MainWindow
from gui.tour import DONE, IN_PROGRESS, LEFT, NOT_STARTED

PLAY_TIMEOUT = 120_000  # 5000 epochs at full speed on a busy machine


def open_window(qtbot, size=(1600, 1000)):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    return w


@pytest.fixture
def first(qtbot):
    """A first launch: the settings are empty (tests/conftest.py isolates them)."""
    w = open_window(qtbot)
    qtbot.waitUntil(lambda: w.tour.isVisible())
    return w


def use_highlighted(win, qtbot):
    """Use the control the tour frames, as a learner would; returns it."""
    found = win.tour.highlighted()
    assert found is not None, "the tour points at nothing"
    w, rect = found
    assert w.isVisible() and w.isEnabled(), w.accessibleName()
    if w is win.focus:  # "Show": follow the first example
        w.setCurrentIndex(1)
        w.activated.emit(1)
    elif w is win.plots.landscape.lr_box:  # the arrows' learning rate the task names
        w.setCurrentIndex(w.findData(50.0))
    elif w is win.lr:  # a learning rate typed in
        win.lr.edit.setText("1")
        win.lr.edit.editingFinished.emit()
    else:  # a button, or one tab of the tab bar
        qtbot.mouseClick(w, Qt.MouseButton.LeftButton, pos=rect.center())
    return w


def finish_lesson(win, qtbot, max_actions=40):
    """Start the tour's lesson and do its tasks, using only what the tour frames."""
    tour = win.tour
    assert tour.highlighted()[0] is tour.start_button
    use_highlighted(win, qtbot)
    assert tour.active and win.lesson is tour.lesson
    lid = tour.lesson.id
    for _ in range(max_actions):
        if tour.mark(lid) == DONE:
            break
        n = tour.done
        w = use_highlighted(win, qtbot)
        if w is win.play_button or isinstance(w, QTabBar):  # it runs on a timer
            qtbot.waitUntil(lambda n=n: tour.done > n, timeout=PLAY_TIMEOUT)
    assert tour.mark(lid) == DONE and tour.done == len(tour.tasks())
    assert "Lesson done" in tour.checklist.text()


def test_a_fresh_launch_opens_the_tour_at_lesson_1(first):
    tour = first.tour
    assert tour.lesson.id == "no-bias" and tour.index == 0
    assert tour.mark("no-bias") == NOT_STARTED
    assert tour.highlighted()[0] is tour.start_button
    assert "Start" in tour.checklist.text()
    assert first.tour.toggleViewAction() in first.view_menu.actions()
    assert first.tour.toggleViewAction() in first.lessons_menu.actions()
    assert not tour.prev_button.isEnabled() and tour.next_button.isEnabled()
    assert tour.intro.isVisible() and "Welcome" in tour.intro.text()
    tour.start()
    assert not tour.intro.isVisible()  # said once


def test_the_tour_alone_gets_a_learner_to_training_to_the_end(first, qtbot):
    tour = first.tour
    for lid in ("no-bias", "bias", "learning-rate", "batch", "5000-epochs"):
        assert tour.lesson.id == lid
        finish_lesson(first, qtbot)
        if lid != "5000-epochs":
            assert tour.highlighted()[0] is tour.next_button
            use_highlighted(first, qtbot)
    e = first.session.engine
    assert tour.lesson.id == "5000-epochs" and e.epoch == 5000
    assert e.epoch_costs[-1] == pytest.approx(0.000528, abs=5e-6)
    assert [tour.mark(i) for i in ("no-bias", "bias", "learning-rate", "batch",
                                   "5000-epochs", "too-large")] == [DONE] * 5 + [NOT_STARTED]


def test_a_task_is_done_by_what_the_session_shows_not_by_a_click(first, qtbot):
    tour = first.tour
    use_highlighted(first, qtbot)  # Start lesson 1
    forward = tour.highlighted()[0]
    assert isinstance(forward, QToolButton) and forward.accessibleName() == "step forward"
    qtbot.mouseClick(forward, Qt.MouseButton.LeftButton)
    assert tour.done == 0  # one computation: the loss is not there yet
    first.act_fwd_pass.trigger()  # F, not the framed button: the loss is computed all the same
    assert tour.done == 1 and "☑" in tour.checklist.text()
    first.act_back.trigger()  # a done task stays done
    assert tour.done == 1


@pytest.mark.parametrize("index", range(12))
def test_every_lesson_can_be_done_through_what_the_tour_frames(first, qtbot, index):
    tour = first.tour
    tour.go_to(index)
    assert tour.lesson is first.lessons[index] and tour.lesson.tasks  # each has its own
    finish_lesson(first, qtbot)


def test_leaving_the_set_up_marks_the_lesson_left(first, qtbot):
    tour = first.tour
    tour.go_to(3)  # the whole OR table
    use_highlighted(first, qtbot)
    assert tour.mark("batch") == IN_PROGRESS
    first.dataset.setCurrentIndex(first.dataset.findData("and"))
    first.dataset.activated.emit(first.dataset.currentIndex())
    assert tour.mark("batch") == LEFT and not tour.active
    said = tour.notice.text()
    assert tour.notice.isVisible() and "left" in said and "AND" in said
    assert "↩" in tour.picker.itemText(3)
    assert tour.highlighted()[0] is tour.return_button
    use_highlighted(first, qtbot)  # back to the lesson, as it starts
    assert first.session.engine.dataset.name == "OR"
    assert tour.mark("batch") == IN_PROGRESS and tour.active and not tour.notice.isVisible()
    first.mode.setCurrentIndex(first.mode.findData("single"))
    first.mode.activated.emit(first.mode.currentIndex())
    assert tour.mark("batch") == LEFT and "mode" in tour.notice.text()


def test_another_lesson_from_the_menu_is_followed(first, qtbot):
    tour = first.tour
    use_highlighted(first, qtbot)  # lesson 1 starts
    first.start_lesson(first.lessons[6])  # Lessons → 7 · XOR
    assert tour.lesson.id == "xor" and tour.active
    assert tour.mark("no-bias") == LEFT and tour.mark("xor") == IN_PROGRESS


def test_progress_survives_closing_and_reopening_the_window(first, qtbot):
    tour = first.tour
    finish_lesson(first, qtbot)
    use_highlighted(first, qtbot)  # Next
    use_highlighted(first, qtbot)  # Start lesson 2
    use_highlighted(first, qtbot)  # F: its first task
    assert tour.done == 1
    first.close()
    again = open_window(qtbot)
    qtbot.wait(20)  # a later launch: no first-launch tour, but it was left open
    t = again.tour
    assert t.isVisible() and t.lesson.id == "bias"
    assert t.mark("no-bias") == DONE and t.mark("bias") == IN_PROGRESS
    assert t.tasks_done["bias"] == 1 and "1 of 4 tasks" in t.where.text()
    assert t.highlighted()[0] is t.start_button  # its set-up is not on screen yet
    t.toggleViewAction().trigger()  # the learner closes the tour…
    assert not t.isVisible() and t.highlighted() is None
    again.close()
    third = open_window(qtbot)
    qtbot.wait(20)
    assert not third.tour.isVisible()  # …and it stays closed
    third.tour.toggleViewAction().trigger()
    assert third.tour.lesson.id == "bias"  # where they were


def test_previous_and_next(first, qtbot):
    tour = first.tour
    qtbot.mouseClick(tour.next_button, Qt.MouseButton.LeftButton)
    assert tour.lesson.id == "bias" and tour.prev_button.isEnabled()
    assert first.lesson is None  # Next shows the lesson; Start sets it up
    qtbot.mouseClick(tour.prev_button, Qt.MouseButton.LeftButton)
    assert tour.lesson.id == "no-bias" and not tour.prev_button.isEnabled()
    tour.go_to(len(first.lessons) - 1)
    assert not tour.next_button.isEnabled()
    tour.next()
    assert tour.index == len(first.lessons) - 1  # nothing past the last lesson
    tour.picker.setCurrentIndex(4)
    tour.picker.activated.emit(4)
    assert tour.lesson.id == "5000-epochs"


def test_a_link_in_a_lessons_text_starts_that_lesson(first):
    tour = first.tour
    tour.go_to(6)
    tour.text.linkActivated.emit("lesson:feature-cross")
    assert tour.lesson.id == "feature-cross" and first.lesson is tour.lesson


def test_the_frame_follows_its_control(first, qtbot):
    tour = first.tour
    frame = tour.highlight
    assert frame.isVisible() and frame.testAttribute(
        Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    start = tour.start_button
    assert frame.geometry().contains(start.mapTo(frame.parentWidget(), start.rect().center()))
    first.resize(1500, 950)
    qtbot.waitUntil(lambda: frame.geometry().contains(
        start.mapTo(frame.parentWidget(), start.rect().center())))
    assert start.styleSheet() == ""  # the control keeps its own look


def test_a_narrow_window_gets_the_tour_as_a_strip(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1024, 700)
    w.show()
    qtbot.waitUntil(lambda: w.tour.isVisible())
    assert w.dockWidgetArea(w.tour) == Qt.DockWidgetArea.TopDockWidgetArea
    assert w.tour.compact and w.tour.height() < 140
    assert w.page.horizontalScrollBar().maximum() == 0  # nothing pushed off the side
    w.tour.start()
    assert "Press →" in w.tour.task_line.full_text()
    w.resize(1600, 1000)  # wide enough for a column again
    qtbot.waitUntil(lambda: w.dockWidgetArea(w.tour) == Qt.DockWidgetArea.RightDockWidgetArea)
    qtbot.waitUntil(lambda: not w.tour.compact and w.tour.checklist.isVisible())
    assert 200 <= w.tour.width() <= 320


def write_lessons(tmp_path, lessons):
    p = tmp_path / "mine.json"
    p.write_text(json.dumps({"lessons": lessons}), encoding="utf-8")
    return p


TEACHER = [
    {"id": "and", "title": "The AND gate", "text": "Train AND.",
     "setup": {"dataset": "and", "mode": "batch", "lr": 2.0},
     "tasks": [{"text": "Run one epoch", "control": "run epoch", "until": "epochs:1"}]},
    {"id": "plain", "title": "No tasks here", "text": "Look around.",
     "setup": {"dataset": "nand", "mode": "single"}},
]


def test_a_teachers_file_replaces_the_tours_lessons(first, qtbot, tmp_path):
    tour = first.tour
    tour.go_to(2)
    first.open_lessons(str(write_lessons(tmp_path, TEACHER)))
    qtbot.waitUntil(lambda: [le.id for le in tour.lessons] == ["and", "plain"])
    assert tour.index == 0 and tour.picker.count() == 2
    assert tour.toggleViewAction() in first.lessons_menu.actions()  # still in the menu
    finish_lesson(first, qtbot)
    assert first.session.engine.epoch == 1
    use_highlighted(first, qtbot)  # Next
    assert [t.until for t in tour.tasks()] == ["loss", "gradients", "updates:1"]  # default
    finish_lesson(first, qtbot)
    assert first.session.engine.dataset.name == "NAND"


@pytest.mark.parametrize("tasks, says", [
    ("one", "\"tasks\" must be a list"),
    ([{"text": "x", "control": "fly", "until": "loss"}], "\"control\" 'fly' is not known"),
    ([{"text": "x", "control": "play", "until": "epochs:1.5"}], "needs a whole number"),
    ([{"text": "x", "control": "play", "until": "never"}], "\"until\" 'never' is not known"),
    ([{"text": "x", "control": "play"}], "task 1 has no \"until\""),
    ([{"text": "a\nb", "control": "play", "until": "loss"}], "single line"),
])
def test_a_bad_task_list_gets_a_clear_message(tmp_path, tasks, says):
    p = write_lessons(tmp_path, [{**TEACHER[0], "tasks": tasks}])
    with pytest.raises(LessonError) as exc:
        load_lessons(p)
    assert says in str(exc.value) and "lesson 1" in str(exc.value)


def test_the_shipped_lessons_each_have_tasks():
    assert all(le.tasks for le in load_lessons())


def test_tour_option_renders_the_window_with_the_tour(qtbot, tmp_path):
    import main
    from gui.app import run

    args = main.parse_gui_args(["--screenshot", "x.png", "--tour", "bias"])
    assert args.tour == "bias"
    out = tmp_path / "tour.png"
    assert run(screenshot=str(out), size=(1280, 800), tour="bias", steps=6) == 0
    QApplication.processEvents()
    assert out.stat().st_size > 10_000
    # a screenshot keeps its own settings: the learner's tour progress is not touched
    assert not [k for k in QSettings().allKeys() if k.startswith("tour")]


def test_a_screenshot_shows_the_tour_only_when_asked(qtbot, tmp_path, monkeypatch):
    """Whatever the learner's settings say (the tour open at lesson 4), a screenshot
    shows what its options ask for: --tour renders the tour started at its lesson with
    its first task done, and without it no tour, however the last session ended."""
    from gui import app as app_module

    st = QSettings()
    st.setValue("welcomed", True)
    st.setValue("tour/visible", True)
    st.sync()
    mine = st.fileName()
    seen = {}
    grab = MainWindow.grab

    def remember(win, *args):
        seen.update(tour=win.tour.isVisible(), lesson=win.tour.lesson.id,
                    marks=dict(win.tour.marks), done=win.tour.done)
        return grab(win, *args)

    monkeypatch.setattr(MainWindow, "grab", remember)
    assert app_module.run(screenshot=str(tmp_path / "a.png"), size=(1600, 1000)) == 0
    assert seen["tour"] is False
    assert app_module.run(screenshot=str(tmp_path / "b.png"), size=(1600, 1000),
                          tour="bias", steps=6) == 0
    assert seen == {"tour": True, "lesson": "bias", "marks": {"bias": IN_PROGRESS},
                    "done": 1}  # six steps: the loss is computed
    after = QSettings(mine, QSettings.Format.IniFormat)  # the learner's, as they were
    assert after.value("tour/visible", type=bool) and after.value("welcomed", type=bool)
    assert sorted(after.allKeys()) == ["tour/visible", "welcomed"]


def test_tour_option_with_a_lesson_is_refused(capsys):
    import main

    with pytest.raises(SystemExit) as exc:
        main.parse_gui_args(["--tour", "bias", "--lesson", "xor"])
    assert exc.value.code == 2 and "--tour" in capsys.readouterr().err


def test_the_tour_lists_the_tutorials_numbers_for_the_lessons_stage(first, qtbot):
    """In the tour's column, under the tasks: every number the tutorial prints for the
    stage the learner is at, with its badge; a moved slider turns one to a mismatch."""
    from core.tutorial_checks import MATCH, MISMATCH
    from gui.badges import BadgeList

    tour = first.tour
    lists = tour.findChildren(BadgeList)
    assert len(lists) == 1
    badges = lists[0]
    tour.go_to([le.id for le in tour.lessons].index("batch"))
    use_highlighted(first, qtbot)  # Start
    use_highlighted(first, qtbot)  # the first task: the forward pass (F)
    assert badges.isVisible()
    cost = [r for r in badges.results() if r.check.label.startswith("Cost")]
    assert cost and cost[0].status == MATCH
    assert "0.089" in badges.text()
    w1 = [c for c in first.findChildren(QAbstractSlider) if c.accessibleName() == "w1"]
    w1[0].setValue(110)  # w₁ = 0.11: the lesson holds, its numbers no longer do
    assert first.lesson is tour.lesson
    assert any(r.status == MISMATCH for r in badges.results())
