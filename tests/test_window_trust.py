"""The window's own controls tell the truth and fit the hand and the screen (issue 7)."""

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QStyle,
    QStyleOptionSlider,
)

from gui.main_window import MainWindow

MINUS = "\u2212"


def lesson(win, lesson_id):
    return next(le for le in win.lessons if le.id == lesson_id)


# ------------------------------------------------------------------ sliders
def _handle_centre(slider) -> QPoint:
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    r = slider.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                      QStyle.SubControl.SC_SliderHandle, slider)
    return r.center()


def _mouse(slider, kind, pos: QPoint, buttons, mods=Qt.KeyboardModifier.NoModifier):
    p = QPointF(pos)
    button = Qt.MouseButton.LeftButton if kind != QEvent.Type.MouseMove else \
        Qt.MouseButton.NoButton
    ev = QMouseEvent(kind, p, QPointF(slider.mapToGlobal(pos)), button, buttons, mods)
    QApplication.sendEvent(slider, ev)


def drag(slider, dx: int, shift=False, release=True):
    """Press on the handle, move dx pixels in steps, release: as a hand does."""
    start = _handle_centre(slider)
    left = Qt.MouseButton.LeftButton
    mods = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    _mouse(slider, QEvent.Type.MouseButtonPress, start, left, mods)
    step = 1 if dx > 0 else -1
    for i in range(1, abs(dx) + 1):
        _mouse(slider, QEvent.Type.MouseMove, start + QPoint(i * step, 0), left, mods)
    if release:
        _mouse(slider, QEvent.Type.MouseButtonRelease, start + QPoint(dx, 0),
               Qt.MouseButton.NoButton, mods)


def test_sliders_span_the_values_in_play(win):
    sl = win.sliders["w1"]
    per_pixel = 2 * sl.span / sl.slider.width()
    assert per_pixel <= 0.03, f"{per_pixel:.3f} per pixel is too coarse to reach 0.1"
    assert {s.span for s in win.sliders.values()} == {sl.span}  # one span for all


def test_a_hand_can_drag_w1_to_a_tenth(win):
    sl = win.sliders["w1"]
    win.session.set_parameter("w1", 0.0)
    px = sl.slider.ticks_per_pixel() * 0.001  # value per pixel of a plain drag
    drag(sl.slider, round(0.1 / px))
    assert win.session.engine.parameters()["w1"] == pytest.approx(0.1, abs=0.02)


def choose_span(win, text):
    win.span.setCurrentIndex(win.span.findText(text))
    win.span.activated.emit(win.span.currentIndex())


def test_shift_drag_is_ten_times_finer(win):
    choose_span(win, "±2")  # a fixed span: Auto would grow it between the two drags
    sl = win.sliders["w2"]
    before = win.session.engine.parameters()["w2"]
    drag(sl.slider, 20)
    coarse = win.session.engine.parameters()["w2"] - before
    win.session.set_parameter("w2", before)
    drag(sl.slider, 20, shift=True)
    fine = win.session.engine.parameters()["w2"] - before
    assert coarse > 0 and fine > 0
    assert fine == pytest.approx(coarse / 10, rel=0.2)


def test_ten_and_beyond_stay_reachable(win):
    sl = win.sliders["w1"]
    span = sl.span
    drag(sl.slider, sl.slider.width())  # to the right end, then let go
    assert win.session.engine.parameters()["w1"] == pytest.approx(span)
    assert sl.span > span  # the span grew so the drag can go on
    for _ in range(6):
        drag(sl.slider, sl.slider.width())
    assert win.session.engine.parameters()["w1"] >= 10
    choose_span(win, "±10")
    assert sl.span == 10
    win.session.set_parameter("w1", 250.0)  # typed or trained beyond: the box shows it
    assert sl.spin.value() == 250.0 and sl.slider.value() == sl.slider.maximum()


# ------------------------------------------------------------------ entries
@pytest.mark.parametrize("typed", ["-1", f"{MINUS}1", "-0.5"])
def test_a_negative_learning_rate_says_why(win, typed):
    edit = win.lr.edit
    edit.setText(typed)
    edit.editingFinished.emit()
    assert "negative" in win.problem_text()
    assert win.session.engine.lr == 1.0 and edit.text() == "1"


def test_minus_zero_is_zero(win):
    edit = win.lr.edit
    edit.setText("-0")
    edit.editingFinished.emit()
    assert win.session.engine.lr == 0 and edit.text() == "0"
    assert "-0" not in win.status_text.text()


def test_space_past_the_stop_epoch_says_what_happens(win, qtbot):
    win.session.set_mode("batch")
    win.stop_at.setValue(3)
    win.session.train(3)
    win.toggle_play(True)
    win.toggle_play(False)
    said = win.statusBar().currentMessage()
    assert "6" in said and "3" in said and "Stop at epoch" in said
    assert win.stop_at.value() == 6
    win.reset()  # the raise belonged to that run
    assert win.stop_at.value() == 3


# ------------------------------------------------------------------ layout
def test_the_window_opens_within_the_screen(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    area = w.screen().availableGeometry()
    assert w.width() <= area.width() and w.height() <= area.height()


def _clipped(win):
    """Visible controls drawn smaller than they need, or overlapping a sibling."""
    problems = []
    kinds = (QAbstractButton, QComboBox, QLabel, QAbstractSpinBox, QLineEdit)
    for cls in kinds:
        for w in win.findChildren(cls):
            if not w.isVisibleTo(win) or w.width() <= 1 or w.parent() is None:
                continue
            if isinstance(w, QLabel) and (w.wordWrap() or not w.text()):
                continue
            if w.objectName().startswith("qt_"):
                continue
            hint = w.minimumSizeHint()
            if w.width() + 1 < hint.width() or w.height() + 1 < hint.height():
                problems.append(f"{type(w).__name__} {w.accessibleName() or w.text()!r} "
                                f"{w.width()}x{w.height()} < {hint.width()}x{hint.height()}")
    return problems


def _overlaps(panel):
    widgets = [w for w in panel.findChildren(QAbstractButton) + panel.findChildren(QComboBox)
               + panel.findChildren(QAbstractSpinBox) + panel.findChildren(QLineEdit)
               if w.isVisibleTo(panel)]
    rects = [(w, w.geometry().translated(w.parent().mapTo(panel, QPoint(0, 0))))
             for w in widgets]
    found = []
    for i, (a, ra) in enumerate(rects):
        for b, rb in rects[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            if ra.intersects(rb):
                found.append((a.accessibleName(), b.accessibleName()))
    return found


@pytest.mark.parametrize("size", [(1024, 700), (1280, 800), (1600, 1000)])
def test_nothing_clipped_or_overlapping(win, qtbot, size):
    win.resize(*size)
    qtbot.wait(20)
    assert win.width() == size[0]
    for le in win.lessons:  # every lesson fits the window as it is: no sideways scrolling
        win.start_lesson(le)
        # the activation inset fits the room left once the lesson box has its height: a
        # turn of the event loop later
        qtbot.wait(40)
        assert not win.page.horizontalScrollBar().isVisible(), le.id
        assert not win.page.verticalScrollBar().isVisible(), le.id
    assert not _clipped(win), _clipped(win)
    assert not _overlaps(win.controls_panel), _overlaps(win.controls_panel)


def test_the_dataset_box_shows_whole_names(win):
    box = win.dataset
    fm = box.fontMetrics()
    for i in range(box.count()):
        assert fm.horizontalAdvance(box.itemText(i)) < box.width() - 24, box.itemText(i)


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_a_problem_does_not_push_the_diagram(win, qtbot, size):
    win.resize(*size)
    win.start_lesson(lesson(win, "batch"))
    qtbot.wait(20)
    before = win.diagram.geometry()
    win.show_problem("Stuck: a huge step pushed the sigmoid into saturation. Its slope is "
                     "zero, so every gradient vanished while the cost is still high. Lower "
                     "the learning rate and reset.")
    qtbot.wait(10)
    assert win.banner.isVisible()
    assert win.diagram.geometry() == before  # nothing around the diagram moves…
    banner = win.banner.geometry()
    drawn = win.diagram.drawn_rect().translated(win.diagram.pos())
    assert not banner.intersects(drawn), (banner, drawn)  # …and nothing of it is covered
    qtbot.mouseClick(win.banner, Qt.LeftButton)  # a click puts it away
    assert not win.banner.isVisible()
    assert win.diagram.viewportMargins().top() == 0


def test_the_status_bar_never_cuts_a_word(win):
    message = ("Stuck: a huge step pushed the sigmoid into saturation. Its slope is zero, so "
               "every gradient vanished while the cost is still high. Lower the learning rate "
               "and reset. " * 2).strip()
    win.show_problem(message)
    shown = win.warning.text()
    fm = win.warning.label.fontMetrics()
    assert fm.horizontalAdvance(shown) <= win.warning.width()
    assert shown == "⚠ " + message or shown.endswith("(see the message above the diagram)") \
        or shown == "⚠ See the message above the diagram"
    assert win.problem_text() == message


# ------------------------------------------------------------------ lessons
def test_first_launch_says_where_to_start(qtbot):
    first = MainWindow()
    qtbot.addWidget(first)
    first.show()
    qtbot.waitUntil(lambda: first.tour.isVisible())  # the guided tour, at lesson 1
    assert first.tour.lesson is first.lessons[0]
    first.tour.start_button.click()
    assert first.session.engine.network.has_bias is False  # lesson 1: no bias
    first.tour.hide()  # closed by the learner
    first.close()
    again = MainWindow()  # a later launch does not nag
    qtbot.addWidget(again)
    again.show()
    qtbot.wait(20)
    assert not again.lesson_text.isVisible() and not again.tour.isVisible()


def test_leaving_a_lessons_set_up_says_so(win):
    win.start_lesson(lesson(win, "batch"))
    assert "0.089" in win.lesson_text.text()
    win.dataset.setCurrentIndex(win.dataset.findData("and"))
    win.dataset.activated.emit(win.dataset.currentIndex())
    text = win.lesson_text.text()
    assert "0.089" not in text and "left" in text and "AND" in text
    win.lesson_text.linkActivated.emit("lesson:batch")  # one click back
    assert win.session.engine.dataset.name == "OR" and "0.089" in win.lesson_text.text()
    win.mode.setCurrentIndex(win.mode.findData("single"))
    win.mode.activated.emit(win.mode.currentIndex())
    assert "left" in win.lesson_text.text()


def test_a_lesson_sets_every_control_it_relies_on(win):
    win.start_lesson(lesson(win, "batch"))
    win.focus.setCurrentIndex(2)
    win.focus.activated.emit(2)
    win.speed.setCurrentIndex(0)
    win.stop_at.setValue(7)
    assert win.diagram.focus() == 1
    win.start_lesson(lesson(win, "5000-epochs"))
    assert win.diagram.focus() is None and win.focus.currentIndex() == 0
    assert win.stop_at.value() == 5000
    assert "ex. 2" not in win.diagram.node_text("loss")


def test_lesson_text_is_text_not_html(win):
    from gui.lessons import parse_lessons

    (le,) = parse_lessons('{"lessons": [{"id": "t", "title": "a < b", "text": '
                          '"if z<0 then ŷ<0.5", "setup": {}}]}')
    win.start_lesson(le)
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(win.lesson_text.text())
    assert "if z<0 then ŷ<0.5" in doc.toPlainText() and "a < b" in doc.toPlainText()


# ------------------------------------------------------------------ menus
def test_menu_words(win, monkeypatch):
    assert win.digit_actions[1].text() == "1 decimal"
    assert win.digit_actions[3].text() == "3 decimals"
    seen = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: seen.append(a[2]))
    win.show_shortcuts()
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(seen[0])
    assert "R, Ctrl+R" in doc.toPlainText()
    assert "padding-right" in seen[0]  # the keys keep a gap before the action's name


@pytest.mark.parametrize("box, typed", [("stop at epoch", "20000000"), ("batch size", "9"),
                                        ("w1 exact", "5000000000")])
def test_a_refused_entry_says_why(win, qtbot, box, typed):
    from PySide6.QtWidgets import QAbstractSpinBox

    win.session.set_mode("minibatch", None, 2)
    spin = next(w for w in win.findChildren(QAbstractSpinBox) if w.accessibleName() == box)
    before = spin.value()
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, typed)
    qtbot.keyClick(spin, Qt.Key_Return)
    assert spin.value() == before  # nothing changed…
    assert typed in win.problem_text() and "takes" in win.problem_text()  # …and it says why


def test_parameter_boxes_use_the_real_minus(win, qtbot):
    spin = win.sliders["b"].spin
    win.session.set_parameter("b", -0.125)
    assert spin.text() == f"{MINUS}0.125"
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "-0.25")  # a typed hyphen still works
    qtbot.keyClick(spin, Qt.Key_Return)
    assert win.session.engine.parameters()["b"] == -0.25 and spin.text() == f"{MINUS}0.250"
    win.session.set_parameter("b", -1e-9)  # as the diagram writes it
    assert spin.text() == f"{MINUS}1.00×10⁻⁹"
    assert "-" not in win.status_text.text()


def test_a_parameter_box_keeps_what_is_typed(win, qtbot):
    spin = win.sliders["w1"].spin
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.0004")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert win.session.engine.parameters()["w1"] == 0.0004 and spin.text() == "0.000400"
    win.session.set_parameter("w1", 2.64e-16)  # as after 5000 XOR epochs
    assert spin.text() == "2.64×10⁻¹⁶" == win.diagram.value_text("w1").split("= ")[-1]
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "abc")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert "not a number" in win.problem_text() and "abc" in win.problem_text()
    assert win.session.engine.parameters()["w1"] == 2.64e-16


def test_the_learning_rate_box_writes_numbers_like_the_rest(win):
    edit = win.lr.edit
    edit.setText("1e6")
    edit.editingFinished.emit()
    assert win.session.engine.lr == 1e6 and edit.text() == "1×10⁶"
    edit.setText("5×10⁻¹⁰")  # what the app writes, it reads
    edit.editingFinished.emit()
    assert win.session.engine.lr == 5e-10 and edit.text() == "5×10⁻¹⁰"


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_a_long_lesson_can_be_read_to_the_end(win, qtbot, size):
    win.resize(*size)
    win.start_lesson(lesson(win, "learning-rate"))
    qtbot.wait(20)
    box, text = win.lesson_box, win.lesson_text
    assert box.isVisible()
    bar = box.verticalScrollBar()
    # either all of it fits, or the rest is a scroll away (never silently cut off)
    assert text.height() <= box.viewport().height() + 1 or bar.maximum() > 0
    bar.setValue(bar.maximum())
    whole = text.heightForWidth(box.viewport().width())
    assert whole <= box.viewport().height() + bar.maximum() + 2
    assert win.explain.height() > 100  # the explanation keeps its room


def test_the_loss_curve_names_the_loss_the_landscape_names(win, qtbot):
    def said():
        legend = win.plots.loss.legend
        return " ".join([win.plots.loss.plot.getPlotItem().titleLabel.text]
                        + [label.text for _, label in legend.items])

    win.start_lesson(lesson(win, "bias"))  # one example: x = (0, 0)
    assert "L per epoch" in said() and "example 1" in said()
    win.start_lesson(lesson(win, "batch"))
    assert "Cost per epoch" in said() and "all 4 examples" in said()
    legend = win.plots.loss.legend  # whole, inside its plot, at the narrowest window
    win.resize(1024, 700)
    QApplication.processEvents()
    assert win.plots.loss.plot.getPlotItem().vb.sceneBoundingRect().contains(
        legend.sceneBoundingRect())


def test_slow_drawing_does_not_slow_full_speed_training(win):
    """Full speed sizes each frame's epochs by the engine's time: a slow redraw (a busy
    machine) must not shrink it to one epoch a frame."""
    import time

    from gui.main_window import FRAME_MS, SPEEDS

    win.session.set_mode("batch")
    win.session.trained.connect(lambda: time.sleep(0.02))  # a redraw that takes 20 ms
    win.speed.setCurrentIndex(len(SPEEDS) - 1)
    win.toggle_play(True)
    win.timer.stop()
    for _ in range(4):
        win.play_frame(FRAME_MS / 1000)
    win.toggle_play(False)
    assert win.session.engine.epoch > 100


@pytest.mark.parametrize("typed, shown", [("1e6", "1×10⁶"), ("0.5", "0.5"), ("200", "200")])
def test_one_learning_rate_one_text(win, typed, shown):
    win.lr.edit.setText(typed)
    win.lr.edit.editingFinished.emit()
    assert win.lr.edit.text() == shown
    assert f"α = {shown} ·" in win.status_text.text()
    assert win.explain.header.text().endswith(f"α = {shown}")
    arrows = [win.plots.landscape.lr_box.itemText(i)
              for i in range(win.plots.landscape.lr_box.count())]
    assert all("1.00×" not in a and "0.500" not in a for a in arrows)


def test_a_parameter_box_shows_its_whole_text(win):
    win.session.set_parameter("b", -1.11e-16)  # as after 5000 XOR epochs
    spin = win.sliders["b"].spin
    from PySide6.QtWidgets import QStyle, QStyleOptionSpinBox

    opt = QStyleOptionSpinBox()
    spin.initStyleOption(opt)
    field = spin.style().subControlRect(QStyle.ComplexControl.CC_SpinBox, opt,
                                        QStyle.SubControl.SC_SpinBoxEditField, spin)
    assert spin.fontMetrics().horizontalAdvance(spin.text()) <= field.width()


def test_clicking_a_parameter_on_the_diagram_selects_it(win, qtbot):
    d = win.diagram
    for name in ("w1", "b", "w2"):
        centre = d.label_rect(name).center()  # where the learner sees the tag
        with qtbot.waitSignal(d.parameterClicked) as sig:
            qtbot.mouseClick(d.viewport(), Qt.LeftButton, pos=centre)
        assert sig.args == [name]
        assert win.plots.landscape.parameter_name == name
        assert "underline" in win.sliders[name].label.styleSheet()
        assert all("underline" not in sl.label.styleSheet()
                   for n, sl in win.sliders.items() if n != name)
    # an empty spot selects nothing
    assert d.parameter_at(QPoint(2, 2)) is None


def test_a_flat_slice_has_a_readable_range(win):
    win.select_parameter("w1")  # x = (0, 0): L does not depend on w₁
    win.plots.tabs.setCurrentWidget(win.plots.landscape)
    win.plots.landscape.refresh()
    (_, _), (bottom, top) = win.plots.landscape.svb.viewRange()
    assert top - bottom >= 0.01  # ticks a learner can read, not 10⁻¹⁰ apart


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_plot_tabs_show_every_name_whole(win, qtbot, size):
    """Every tab of the plots is on screen with a whole name: short names in a narrow
    window (the full one as its tooltip), never scroll arrows that hide a tab."""
    win.resize(*size)
    win.show()
    qtbot.wait(20)
    tabs = win.plots.tabs
    bar = tabs.tabBar()
    assert bar.count() >= 5
    for i in range(bar.count()):
        rect = bar.tabRect(i)
        assert rect.right() <= tabs.width(), bar.tabText(i)
        # as wide as its whole name needs: not elided
        assert rect.width() >= bar.tabSizeHint(i).width(), bar.tabText(i)
        if size[0] < 1200 and bar.tabText(i) in ("Boundary", "Landscape", "Rates"):
            assert bar.tabToolTip(i)
    names = [bar.tabText(i) for i in range(bar.count())]
    if size[0] >= 1600:
        assert "Loss landscape" in names and "Gradient check" in names
