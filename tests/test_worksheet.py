"""Worksheets: the current pass written out for a class, as Markdown and HTML, with the
values or blank, an answer key and the diagram (core/worksheet.py, gui/worksheet.py)."""

import base64
import os
from html.parser import HTMLParser

import numpy as np
import pytest
from PySide6.QtCore import QSaveFile, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QMessageBox

from core import datasets
from core import worksheet as ws
from core.engine import Engine
from core.setup import NetworkSpec
from core.symbols import MINUS, fmt
from gui import worksheet as gws

# the tutorial's numbers at the whole-table lesson, with the real minus U+2212
COST, GRADIENTS = "0.089", (f"{MINUS}0.048", f"{MINUS}0.039", f"{MINUS}0.037")
NOTE = f"prints {MINUS}0.038"  # the tutorial's cut gradient, explained
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------ helpers
def file_menu_action(win, name):
    return next(a for a in win.file_menu.actions() if a.objectName() == name)


def export_via_menu(win, monkeypatch, path, formats="both", blank=False, key="end"):
    """File → Export worksheet…, the dialog answered through its widgets, the file chosen."""
    seen = []

    def answer():
        dialog = win.findChild(gws.WorksheetDialog)
        seen.append(dialog)
        dialog.format.setCurrentIndex(dialog.format.findData(formats))
        (dialog.blank if blank else dialog.values).click()
        dialog.key.setCurrentIndex(dialog.key.findData(key))
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    def save_as(parent, title, name, filters, *args, **kwargs):
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    QTimer.singleShot(0, answer)
    file_menu_action(win, "export worksheet").trigger()
    assert seen, "the dialog did not open"


@pytest.fixture
def out(tmp_path):
    """A folder of its own (tmp_path also holds the test's settings)."""
    folder = tmp_path / "sheets"
    folder.mkdir()
    return folder


@pytest.fixture
def lesson_win(win):
    """The whole-table lesson, its forward and backward pass run through the window."""
    lesson = next(le for le in win.lessons if le.id == "batch")
    win.start_lesson(lesson)
    win.act_fwd_pass.trigger()
    win.act_bwd_pass.trigger()
    assert win.session.engine.mode == "batch" and len(win.session.engine.indices) == 4
    return win


def split_key(text: str, fmt_: str) -> tuple[str, str]:
    marker = '<section class="key" id="answer-key">' if fmt_ == "html" else "\n## Answer key\n"
    assert text.count(marker) == 1
    head, _, key = text.partition(marker)
    return head, key


class Parsed(HTMLParser):
    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs, self.text, self.open = [], [], [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


def assert_self_contained(text: str):
    page = Parsed(text)
    assert page.tags[0] == "html" and "style" in page.tags and "body" in page.tags
    assert not {"script", "link", "iframe", "object", "embed", "base"} & set(page.tags)
    images = [v for tag, k, v in page.attrs if tag == "img" and k == "src"]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")
    assert base64.b64decode(images[0].split(",", 1)[1]).startswith(PNG_MAGIC)
    for _tag, k, v in page.attrs:  # nothing fetched from anywhere, no handlers
        assert not k.startswith("on")
        if k in ("href", "src"):
            assert v.startswith(("data:", "#"))
    assert "url(" not in text and "@import" not in text and "http" not in text
    assert ('<meta charset="utf-8">') in text
    return page


# ------------------------------------------------------------------ the lesson
def test_the_whole_table_lesson_has_the_tutorials_numbers(lesson_win, monkeypatch, out):
    export_via_menu(lesson_win, monkeypatch, out / "lesson.html", "both")
    assert lesson_win.problem_text() == ""
    for name in ("lesson.html", "lesson.md"):
        text = (out / name).read_text(encoding="utf-8")
        for number in (COST, *GRADIENTS):
            assert number in text, (name, number)
        assert NOTE in text  # the tutorial's −0.038, and why it differs
        assert "Cost" in text and "∂Cost/∂w₁" in text and "∂Cost/∂b" in text
        exercise, key = split_key(text, "html" if name.endswith("html") else "md")
        assert COST in exercise and all(g in exercise for g in GRADIENTS)  # values variant
        assert COST in key and all(g in key for g in GRADIENTS)
    assert sorted(p.name for p in out.iterdir()) == ["lesson-diagram.png", "lesson.html",
                                                          "lesson.md"]


@pytest.mark.parametrize("fmt_", ["html", "md"])
def test_a_blank_sheet_keeps_its_answers_for_the_key(lesson_win, monkeypatch, out, fmt_):
    export_via_menu(lesson_win, monkeypatch, out / "sheet.md", "both", blank=True)
    text = (out / f"sheet.{fmt_}").read_text(encoding="utf-8")
    exercise, key = split_key(text, fmt_)
    answers = (COST, *GRADIENTS, "0.646", "0.668", "0.148", "0.639")  # ŷ, w after
    for number in answers:
        assert number not in exercise, number
        assert number in key, number
    assert NOTE not in exercise and NOTE in key  # the note would give the answer away
    # the givens are still there: the parameters at the start, the data, α
    for given in ("0.100", "0.600", "α = 1", "x₁", "y"):
        assert given in exercise
    blanks = exercise.count('class="fill"') if fmt_ == "html" else exercise.count(ws.BLANK)
    assert blanks > 40


def test_the_export_leaves_the_learners_pass_as_it_was(lesson_win, monkeypatch, out):
    e = lesson_win.session.engine
    before = (e.cursor, e.parameters(), e.epoch, e.iteration, lesson_win.undo.stack.count())
    export_via_menu(lesson_win, monkeypatch, out / "a.html", "html", blank=True)
    assert (e.cursor, e.parameters(), e.epoch, e.iteration,
            lesson_win.undo.stack.count()) == before
    assert (out / "a.html").exists() and not (out / "a.md").exists()


def test_html_opens_alone_in_a_browser(lesson_win, monkeypatch, out):
    export_via_menu(lesson_win, monkeypatch, out / "page.html", "html")
    text = (out / "page.html").read_text(encoding="utf-8")
    page = assert_self_contained(text)
    assert "@media print" in text
    assert page.tags.count("table") > 10
    assert "F1 · w₁x₁" in "".join(page.text)


def test_markdown_links_a_png_written_beside_it(lesson_win, monkeypatch, out):
    export_via_menu(lesson_win, monkeypatch, out / "class 4.md", "markdown")
    text = (out / "class 4.md").read_text(encoding="utf-8")
    assert "](class%204-diagram.png)" in text  # relative, the space escaped
    png = out / "class 4-diagram.png"
    assert png.read_bytes().startswith(PNG_MAGIC)
    img = QImage(str(png))
    assert img.width() > 300 and img.height() > 150
    assert not (out / "class 4.html").exists()


def test_the_key_can_go_in_a_file_of_its_own(lesson_win, monkeypatch, out):
    export_via_menu(lesson_win, monkeypatch, out / "w", "both", blank=True, key="file")
    for name in ("w.html", "w.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert "Answer key" not in text and COST not in text
    assert_self_contained((out / "w.html").read_text(encoding="utf-8"))
    for name in ("w-key.html", "w-key.md"):
        key = (out / name).read_text(encoding="utf-8")
        assert COST in key and all(g in key for g in GRADIENTS) and NOTE in key


def test_the_file_menu_offers_it_after_the_other_exports(win):
    names = [a.objectName() for a in win.file_menu.actions()]
    i = names.index("export history")
    assert names[i + 1] == "export worksheet"
    assert file_menu_action(win, "export worksheet").text() == "Export worksheet…"


def test_a_blank_sheet_always_has_its_key(qtbot):
    d = gws.WorksheetDialog()
    qtbot.addWidget(d)
    none = d.key.model().item(d.key.findData("none"))
    d.values.click()
    d.key.setCurrentIndex(d.key.findData("none"))
    assert d.options() == gws.Options("html", False, "none") and none.isEnabled()
    d.blank.click()
    assert not none.isEnabled() and d.options().key == "end"
    d.values.click()
    assert none.isEnabled()
    with pytest.raises(ValueError, match="answer key"):
        gws.contents(Engine(), "x.html", gws.Options("html", True, "none"), image_png=b"")


# ------------------------------------------------------------------ failures
@pytest.mark.parametrize("how", ["chmod", "commit fails", "no such folder", "a folder in the way"])
def test_an_unwritable_place_says_so_and_keeps_the_old_files(lesson_win, monkeypatch,
                                                             out, how):
    if how == "chmod" and os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder: 'commit fails' stands in")
    folder = out / "out"
    folder.mkdir()
    old = {folder / "w.html": b"old page", folder / "w.md": b"old text",
           folder / "w-diagram.png": b"old picture"}
    for p, data in old.items():
        p.write_bytes(data)
    monkeypatch.setattr(QMessageBox, "question",  # replace the old files: yes
                        staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    if how == "chmod":
        folder.chmod(0o500)
    elif how == "commit fails":
        monkeypatch.setattr(QSaveFile, "commit", lambda self: False)
    elif how == "no such folder":
        folder = out / "gone"
    else:  # the picture cannot be written, the pages could: none may be replaced
        (folder / "w-diagram.png").unlink()
        (folder / "w-diagram.png").mkdir()
        del old[folder / "w-diagram.png"]
    try:
        export_via_menu(lesson_win, monkeypatch, folder / "w.html", "both")
    finally:
        if how == "chmod":
            (out / "out").chmod(0o700)
    message = lesson_win.problem_text()
    assert "Could not save the worksheet" in message and str(folder / "w") in message
    assert "as it was" in message
    for p, data in old.items():
        assert p.read_bytes() == data
    left = sorted(p.name for p in (out / "out").iterdir())
    assert left == sorted(["w-diagram.png", *(p.name for p in old)]) if how.startswith(
        "a folder") else sorted(p.name for p in old)  # no temporary file left behind


def test_replacing_files_is_asked_first(lesson_win, monkeypatch, out):
    (out / "w-diagram.png").write_bytes(b"keep me")
    asked = []

    def no(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(no))
    export_via_menu(lesson_win, monkeypatch, out / "w.md", "markdown")
    assert len(asked) == 1 and "w-diagram.png" in asked[0]
    assert (out / "w-diagram.png").read_bytes() == b"keep me"
    assert not (out / "w.md").exists()


# ------------------------------------------------------------------ other networks
def engines():
    def hidden():  # 2-3-1 on XOR, the whole table
        return Engine(NetworkSpec(network="2-3-1").build(), datasets.gate("xor"), lr=1,
                      mode="batch")

    def bce():  # cross-entropy on AND, one example
        return Engine(NetworkSpec(loss="bce").build(), datasets.gate("and"), lr=0.5,
                      mode="single", example=3)

    def cross():  # the feature cross, a later pass
        e = Engine(NetworkSpec(network="cross").build(), datasets.gate("xor"), mode="batch")
        e.train(3)
        return e

    def minibatch():  # two hidden layers of tanh, cross-entropy, in mini-batches
        e = Engine(NetworkSpec(network="2-4-3-1", activation="tanh", loss="bce",
                               init="xavier", seed=2).build(),
                   datasets.generated("moons", 30, 0.1, 1), lr=0.3, mode="minibatch",
                   example=None, batch_size=5)
        e.apply_update()
        e.step_forward()
        return e

    return {"2-3-1": hidden, "bce": bce, "cross": cross, "minibatch": minibatch}


@pytest.mark.parametrize("name", list(engines()))
@pytest.mark.parametrize("blank", [False, True], ids=["values", "blank"])
def test_every_network_and_loss_exports(name, blank, out, qtbot):
    e = engines()[name]()
    p = e.current_pass
    written = gws.export_worksheet(e, out / "w.html", gws.Options("both", blank, "end"))
    assert [os.path.basename(f) for f in written] == ["w.html", "w.md", "w-diagram.png"]
    sheet = ws.build(e)
    assert len(sheet.items) == len(p.steps)
    for phase, prefix in (("forward", "F"), ("backward", "B"), ("update", "U")):
        numbers = [it.number for it in sheet.items if it.step.phase == phase]
        assert numbers == [f"{prefix}{k}" for k in range(1, len(numbers) + 1)]
    html_text = (out / "w.html").read_text(encoding="utf-8")
    md_text = (out / "w.md").read_text(encoding="utf-8")
    assert_self_contained(html_text)
    for text, kind in ((html_text, "html"), (md_text, "md")):
        exercise, key = split_key(text, kind)
        assert fmt(p.cost) in key
        for name_, g in p.grads.items():
            assert fmt(g) in key, name_  # every parameter's gradient, in the key
        after = p.state_after  # and every update's result
        assert all(fmt(v) in key for W, b in after for v in W.reshape(-1))
        if not blank:
            assert fmt(p.cost) in exercise
    assert QImage(str(out / "w-diagram.png")).width() > 300


def test_names_and_data_are_escaped():
    """A data set's name is the learner's text: it reaches neither tag nor markup."""
    ds = datasets.from_points([(0, 0, 0), (1, 1, 1)], name="<b>mine</b> & *yours* | [x](y)")
    e = Engine(NetworkSpec().build(), ds, mode="batch")
    sheet = ws.build(e)
    page = Parsed(ws.html(sheet, image_png=PNG_MAGIC))
    assert "b" not in page.tags
    assert "<b>mine</b> & *yours* | [x](y)" in "".join(page.text)
    md = ws.markdown(sheet)
    assert r"\<b>mine\</b> & \*yours\* \| [x\](y)" in md


def test_a_big_batch_shows_the_first_examples_and_says_how_many_more():
    ds = datasets.generated("circles", 10_000, 0.1, 0)
    e = Engine(NetworkSpec(network="2-8-8-1", init="xavier").build(), ds, mode="batch")
    sheet = ws.build(e)
    assert sheet.shown == ws.MAX_COLUMNS and sheet.elided == 10_000 - ws.MAX_COLUMNS
    md = ws.markdown(sheet, blank=False)
    page = ws.html(sheet, image_png=PNG_MAGIC)
    more = "… 9\u202f992 more"
    assert more in md and more in page
    assert "the tables show the first 8, and the sums and the cost use all 10\u202f000" in md
    widest = max(line.count("|") for line in md.splitlines() if line.startswith("|"))
    assert widest == ws.MAX_COLUMNS + 4  # the key: number, quantity, 8 examples, "…"
    assert len(md) < 1_000_000 and len(page) < 2_000_000
    p = e.current_pass
    assert fmt(p.cost) in md and fmt(p.grads["w3_1_8"]) in md


def test_decimals_follow_the_argument():
    e = Engine(NetworkSpec().build(), datasets.gate("or"), mode="batch")
    sheet = ws.build(e)
    md5 = ws.markdown(sheet, digits=5)
    assert "Cost = 0.08891" in md5 and f"{MINUS}0.04801" in md5
    assert "rounded to 5 decimals" in md5
    assert "-0.0" not in md5  # the real minus, never a hyphen
    assert np.isclose(e.current_pass.cost, 0.0889129, atol=1e-6)


def test_an_overflowed_pass_exports_without_its_picture(out, qtbot):
    """∞ in a weight: the numbers say so (∞, NaN), and the picture, which needs a copy of
    the network, is left out rather than failing the export."""
    net = NetworkSpec(network="2-3-1").build()
    state = net.get_state()
    state[0][0][0, 0] = np.inf
    net.set_state(state)
    e = Engine(net, datasets.gate("xor"), mode="batch")
    assert e.status.kind == "non-finite"
    written = gws.export_worksheet(e, out / "w.md", gws.Options("both", False, "end"))
    assert [os.path.basename(f) for f in written] == ["w.html", "w.md"]
    md = (out / "w.md").read_text(encoding="utf-8")
    assert "NaN" in md and "![" not in md
    assert "<img" not in (out / "w.html").read_text(encoding="utf-8")
