"""A teacher's lessons file is untrusted: every bad file found by fuzzing gets one clear
message naming the file, in bounded time and memory, and the window keeps its lessons."""

import json
import os
import sys
import threading

import pytest

from gui.lessons import LessonError, load_lessons

GOOD_SETUP = {"dataset": "or", "mode": "batch", "w1": 0.1, "w2": 0.6, "b": 0.0, "lr": 0.5}


def lessons_json(*, title="Mine", text="Try AND.", setup=None, lid="mine", extra=()):
    lesson = {"id": lid, "title": title, "text": text,
              "setup": dict(GOOD_SETUP) if setup is None else setup}
    return json.dumps({"lessons": [lesson, *extra]}, ensure_ascii=False)


def with_setup(**kw):
    return lessons_json(setup={**GOOD_SETUP, **kw})


def write_text(text, encoding="utf-8"):
    def make(tmp_path):
        p = tmp_path / "mine.json"
        p.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
        return p
    return make


def fifo(tmp_path):
    p = tmp_path / "pipe.json"
    os.mkfifo(p)
    return p


def dev_zero(tmp_path):
    return "/dev/zero"


def dev_zero_link(tmp_path):
    p = tmp_path / "lessons.json"
    p.symlink_to("/dev/zero")
    return p


def folder(tmp_path):
    p = tmp_path / "lessons.json"
    p.mkdir()
    return p


def too_big(tmp_path):
    p = tmp_path / "big.json"  # valid JSON, just padded
    p.write_text(lessons_json() + " " * 1_500_000, encoding="utf-8")
    return p


def nested(tmp_path):
    p = tmp_path / "deep.json"
    p.write_text('{"lessons": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    return p


WORD = "a" * 300_000
LATIN1 = lessons_json(title="Leçon étendue")

BAD_FILES = [
    # what the file is, how to make it, a fragment the message must hold
    ("fifo", fifo, "not a regular file"),
    ("dev-zero", dev_zero, "not a regular file"),
    ("link to dev-zero", dev_zero_link, "not a regular file"),
    ("folder", folder, "it is a folder"),
    ("missing", lambda tmp_path: tmp_path / "missing.json", "no such file"),
    ("over 1 MB", too_big, "1.5 MB"),
    ("latin-1", write_text(LATIN1, "latin-1"), "is not UTF-8 text (byte 0xE7 on line 1)"),
    ("utf-16 no BOM", write_text(lessons_json(), "utf-16-le"), "save it as UTF-8"),
    ("utf-16 BOM, odd length", write_text(b"\xff\xfe{\x00 "), "save it as UTF-8"),
    ("nested 100000 deep", nested, "too deeply"),
    ("5000-digit int", write_text('{"lessons": [], "n": ' + "9" * 5000 + "}"), "5000 digits"),
    ("huge batch_size", write_text(with_setup(batch_size=2**31)), "batch_size must be a whole"),
    ("300000-char word", write_text(lessons_json(text=WORD)), "text is 300000 characters"),
    ("300000-char title", write_text(lessons_json(title=WORD)), "title is 300000 characters"),
    ("null title", write_text(lessons_json(title=None)), "title must be text"),
    ("number id", write_text(lessons_json(lid=7)), "id must be text"),
    ("list text", write_text(lessons_json(text=["a"])), "text must be text"),
    ("empty id", write_text(lessons_json(lid=" ")), "id is empty"),
    ("empty title", write_text(lessons_json(title="")), "title is empty"),
    ("duplicate ids", write_text(lessons_json(extra=[json.loads(lessons_json())["lessons"][0]])),
     'lesson 2: the id "mine" is already used by lesson 1'),
    ("top level list", write_text("[]"), 'needs an object with a list "lessons"'),
    ("101 lessons", write_text(json.dumps({"lessons": [{}] * 101})), "at most 100"),
    ("w1 1e7", write_text(with_setup(w1=1e7)), "w1 must be a number"),
    ("lr 2e6", write_text(with_setup(lr=2e6)), "lr must be a number from 0"),
    ("lr NaN", write_text(with_setup(lr=float("nan"))), "lr must be a number from 0"),
    ("slice w3", write_text(with_setup(slice="w3")), "slice must be one of w1, w2, b"),
    ("slice b, no bias", write_text(with_setup(slice="b", bias=False)), "no bias"),
    ("lrs empty", write_text(with_setup(lrs=[])), "lrs must be a list of 1 to 8"),
    ("lrs 9", write_text(with_setup(lrs=[0.1] * 9)), "lrs must be a list of 1 to 8"),
    ("lrs zero", write_text(with_setup(lrs=[0.5, 0])), "each of lrs"),
    ("lrs bool", write_text(with_setup(lrs=[True])), "each of lrs"),
    ("lrs text", write_text(with_setup(lrs="0.5, 5")), "lrs must be a list"),
    ("tab 3d", write_text(with_setup(tab="3d")), "tab must be one of loss"),
    ("key twice", write_text('{"lessons": [], "lessons": []}'), '"lessons" appears twice'),
    ("huge unknown key", write_text(with_setup(**{"k" * 100_000: 1})), "unknown setting"),
    ("control char", write_text(lessons_json(title="a\u0007b")), "invalid character (U+0007)"),
    ("newline in title", write_text(lessons_json(title="a\nb")), "single line"),
    ("lone surrogate", write_text(lessons_json(text="a@b").replace("@", "\\ud800")),
     "text holds an invalid character (U+D800)"),
]


def load_in_thread(path, timeout=20.0):
    """load_lessons(path) in a daemon thread: a loader that blocks (a FIFO) fails the test
    instead of hanging the suite."""
    box = {}

    def run():
        try:
            box["value"] = load_lessons(path)
        except BaseException as exc:  # whatever it is, the test reports it
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
            try:  # let a reader blocked on the FIFO go
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass
        pytest.fail(f"load_lessons({path}) still running after {timeout} s")
    return box


@pytest.mark.parametrize("make,fragment", [(m, f) for _, m, f in BAD_FILES],
                         ids=[name for name, _, _ in BAD_FILES])
def test_bad_file_gets_a_clear_message(tmp_path, make, fragment):
    if make is fifo and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    if make in (dev_zero, dev_zero_link) and not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    path = make(tmp_path)
    box = load_in_thread(path)
    error = box.get("error")
    assert isinstance(error, LessonError), f"expected a LessonError, got {box!r}"[:500]
    message = str(error)
    assert message.startswith(str(path)), message  # names the file first
    assert fragment in message
    # short enough for the warning line (an unknown setting lists the 24 known ones)
    assert len(message) < 400, message
    for noise in ("Traceback", "codec", "Errno", "sys.set_int_max_str_digits"):
        assert noise not in message


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="root reads any file; Windows has no chmod 000")
def test_unreadable_file_is_named(tmp_path):
    p = tmp_path / "mine.json"
    p.write_text(lessons_json(), encoding="utf-8")
    p.chmod(0)
    with pytest.raises(LessonError, match="could not be read: permission denied"):
        load_lessons(p)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks_are_read(tmp_path, encoding):
    p = tmp_path / "mine.json"
    text = lessons_json(title="Leçon · ŷ < 0.5")
    data = text.encode(encoding)
    if encoding == "utf-16-be":  # Python writes no mark for an explicit byte order
        data = "\ufeff".encode(encoding) + data
    p.write_bytes(data)
    [lesson] = load_lessons(p)
    assert lesson.title == "Leçon · ŷ < 0.5"


def test_a_file_at_the_size_limit_still_loads(tmp_path):
    p = tmp_path / "mine.json"
    body = lessons_json()
    p.write_text(body + " " * (1_000_000 - len(body.encode())), encoding="utf-8")
    assert [le.id for le in load_lessons(p)] == ["mine"]


def test_every_new_setting_within_range_loads(tmp_path):
    p = tmp_path / "mine.json"
    setup = {**GOOD_SETUP, "slice": "w2", "lrs": [0.5, 5, 50, 1e6], "tab": "rates",
             "batch_size": 10_000, "w1": -1e6, "b": 1e6, "example": 3, "lr": 0}
    p.write_text(lessons_json(setup=setup), encoding="utf-8")
    [lesson] = load_lessons(p)
    assert lesson.setup == setup


def test_bad_file_in_the_window_changes_nothing(qtbot, tmp_path):
    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    before = list(win.lessons)
    for name, make, fragment in BAD_FILES:
        if make in (fifo, nested, dev_zero, dev_zero_link):
            continue  # covered above, with a guard against hanging
        sub = tmp_path / name.replace(" ", "-")
        sub.mkdir()
        win.open_lessons(str(make(sub)))
        assert fragment in win.problem_text(), name
        assert win.lessons == before, name


def test_a_message_quoting_markup_stays_plain_text(qtbot, tmp_path):
    """The window's warning label guesses rich text: a quoted tag must not become one
    (an <img> naming a device would be read as an image and abort the app)."""
    from PySide6.QtGui import Qt

    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    before = list(win.lessons)
    p = tmp_path / "mine.json"
    p.write_text(with_setup(**{"<b>speed</b>": 1}), encoding="utf-8")
    win.open_lessons(str(p))
    shown = win.problem_text()
    assert "unknown setting" in shown
    assert not Qt.mightBeRichText(shown)
    assert "<b>speed</b>" in shown.replace("\u2060", "")
    assert win.lessons == before


def test_windows_line_ends_in_a_text_are_new_lines(tmp_path):
    p = tmp_path / "mine.json"
    p.write_text(lessons_json(text="one\r\ntwo\rthree\nfour"), encoding="utf-8")
    [lesson] = load_lessons(p)
    assert lesson.html() == "<b>Mine</b><br>one<br>two<br>three<br>four"
