"""Lessons load, set the window up as they say, and a malformed file gets a message."""

import pytest

from gui.lessons import LessonError, load_lessons, parse_lessons
from gui.main_window import MainWindow


def test_shipped_lessons_load():
    lessons = load_lessons()
    assert len(lessons) >= 5
    assert len({le.id for le in lessons}) == len(lessons)


@pytest.mark.parametrize("text,match", [
    ("{", "not valid JSON"),
    ('{"lessons": 3}', "list"),
    ('{"lessons": [{"id": "a", "title": "t", "text": "x"}]}', "setup"),
    ('{"lessons": [{"id": "a", "title": "t", "text": "x", "setup": {"dataset": "xnor"}}]}',
     "dataset"),
    ('{"lessons": [{"id": "a", "title": "t", "text": "x", "setup": {"alpha": 1}}]}',
     "unknown setting"),
    ('{"lessons": [{"id": "a", "title": "t", "text": "x", "setup": {"w1": "big"}}]}',
     "w1 must be a finite number"),
])
def test_malformed_lessons_are_named(text, match):
    with pytest.raises(LessonError, match=match):
        parse_lessons(text)


def test_each_lesson_sets_up_the_window(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    for lesson in win.lessons:
        win.start_lesson(lesson)
        e = win.session.engine
        s = lesson.setup
        assert e.dataset.name.lower() == s.get("dataset", "or")
        assert e.mode == s.get("mode", "single")
        assert e.lr == s.get("lr", 1.0)
        assert ("b" in e.parameters()) == s.get("bias", True)
        assert e.epoch == 0
        assert lesson.title in win.lesson_text.text()


def test_bias_lesson_numbers(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.start_lesson(next(le for le in win.lessons if le.id == "bias"))
    win.session.apply_update()
    assert win.session.engine.parameters()["b"] == pytest.approx(-0.125)
    win.session.reset()  # back to the lesson's start
    assert win.session.engine.parameters()["b"] == 0.0


def test_teachers_file_malformed_keeps_the_menu(qtbot, tmp_path):
    win = MainWindow()
    qtbot.addWidget(win)
    before = list(win.lessons)
    bad = tmp_path / "mine.json"
    bad.write_text('{"lessons": [', encoding="utf-8")
    win.open_lessons(str(bad))
    assert "not valid JSON" in win.problem_text()
    assert win.lessons == before
    good = tmp_path / "good.json"
    good.write_text('{"lessons": [{"id": "t", "title": "Mine", "text": "Try AND.", '
                    '"setup": {"dataset": "and", "mode": "batch"}}]}', encoding="utf-8")
    win.open_lessons(str(good))
    assert [le.title for le in win.lessons] == ["Mine"]
    win.start_lesson(win.lessons[0])
    assert win.session.engine.dataset.name == "AND"
    win.open_lessons(str(tmp_path / "missing.json"))
    assert "could not be read" in win.problem_text()


@pytest.mark.parametrize("setup,match", [
    ({"stop_at": "5k"}, "stop_at"), ({"stop_at": 10**10}, "stop_at"),
    ({"example": 9}, "example"), ({"bias": "false"}, "bias"), ({"lr": -1}, "lr"),
    ({"batch_size": 0}, "batch_size"), ({"speed": "warp"}, "speed"),
    ({"w2": float("inf")}, "w2"),
])
def test_every_setting_is_checked_when_the_file_is_read(setup, match):
    import json

    text = json.dumps({"lessons": [{"id": "a", "title": "t", "text": "x", "setup": setup}]})
    with pytest.raises(LessonError, match=match):
        parse_lessons(text)
