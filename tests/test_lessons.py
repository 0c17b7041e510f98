"""Lessons load, set the window up as they say, and a malformed file gets a message."""

import json

import pytest

from gui.lessons import ZWSP, LessonError, load_lessons, parse_lessons
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
     "w1 must be a number"),
])
def test_malformed_lessons_are_named(text, match):
    with pytest.raises(LessonError, match=match):
        parse_lessons(text)


@pytest.mark.parametrize("lid", [le.id for le in load_lessons()])
def test_each_lesson_sets_up_the_window(qtbot, lid):
    win = MainWindow()
    qtbot.addWidget(win)
    lesson = next(le for le in win.lessons if le.id == lid)
    win.start_lesson(lesson)
    e = win.session.engine
    s = lesson.setup
    assert e.dataset.name.lower() == s.get("dataset", "or")
    assert e.mode == s.get("mode", "single")
    assert e.lr == s.get("lr", 1.0)
    assert win.session.bias == s.get("bias", True)
    assert win.session.spec.label == s.get("network", "neuron")
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
    text = json.dumps({"lessons": [{"id": "a", "title": "t", "text": "x", "setup": setup}]})
    with pytest.raises(LessonError, match=match):
        parse_lessons(text)


def _label(qtbot, html_text):
    """A word-wrapped rich-text QLabel, as the window's lesson box."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    label.setWordWrap(True)
    qtbot.addWidget(label)
    label.setText(html_text)
    return label


def _rendered(label):
    """The text a rich-text label shows, as plain text."""
    from PySide6.QtGui import Qt, QTextDocument  # QtGui's Qt holds mightBeRichText

    assert Qt.mightBeRichText(label.text())  # so its <b> and <br> are honoured
    doc = QTextDocument()
    doc.setHtml(label.text())
    return doc.toPlainText()


def test_lesson_html_shows_the_text_as_written(qtbot):
    [lesson] = parse_lessons(json.dumps({"lessons": [{
        "id": "z", "title": "Signs & <thresholds>", "setup": {},
        "text": "if z<0 then ŷ<0.5\nif z>0 then ŷ>0.5 & <b>not bold</b>"}]}))
    shown = _rendered(_label(qtbot, lesson.html()))
    assert shown.splitlines() == ["Signs & <thresholds>", "if z<0 then ŷ<0.5",
                                  "if z>0 then ŷ>0.5 & <b>not bold</b>"]
    # the window's former f"<b>{title}</b><br>{text}" lost all of it after "if z"
    naive = _rendered(_label(qtbot, f"<b>{lesson.title}</b><br>{lesson.text}"))
    assert "if z<0 then ŷ<0.5" not in naive


def test_a_long_url_can_wrap_and_reads_the_same(qtbot):
    url = "https://example.org/" + "/".join(["neuron-lab-lesson-material"] * 12) + "?x=1"
    word = "w" * 3000
    [lesson] = parse_lessons(json.dumps({"lessons": [{
        "id": "u", "title": "Links", "setup": {}, "text": f"See {url} and {word}."}]}))
    label = _label(qtbot, lesson.html())
    assert _rendered(label).replace(ZWSP, "") == f"Links\nSee {url} and {word}."
    line = label.fontMetrics().horizontalAdvance("w" * 60)
    # the label can be as narrow as 60 characters: it never lays out a 3000-char line
    assert label.minimumSizeHint().width() <= line + 20
    naive = _label(qtbot, f"<b>{lesson.title}</b><br>{lesson.text}")
    assert naive.minimumSizeHint().width() > 10 * line
    pieces = lesson.html().replace("<br>", " ").replace(ZWSP, " ").split()
    assert max(len(p) for p in pieces) <= 60
    assert lesson.text == f"See {url} and {word}."  # the lesson itself is unchanged


def test_menu_text_keeps_an_ampersand():
    [lesson] = parse_lessons(json.dumps({"lessons": [{
        "id": "q", "title": "Q&A", "setup": {}, "text": ""}]}))
    assert lesson.menu_text() == "Q&&A"


def test_the_shipped_file_loads_as_a_teachers_file():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "resources" / "lessons.json"
    assert load_lessons(path) == load_lessons()
    for lesson in load_lessons(path):
        assert lesson.title in lesson.html()
