"""Defects seen in a first-hour review of issue 10's features (guided tour, predict, badges,
worksheets), each seen failing before its fix."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget

from core import worksheet


def _lesson(win, lesson_id):
    return next(le for le in win.lessons if le.id == lesson_id)


def test_a_refusal_goes_when_the_question_moves_on(win, qtbot):
    win.start_lesson(_lesson(win, "bias"))
    win.act_fwd_pass.trigger()
    win.act_bwd_pass.trigger()
    panel = win.predict
    qtbot.mouseClick(panel.enable, Qt.LeftButton)
    assert panel.asked[0].symbol == "w₁"
    panel.entry.clear()
    win.act_forward.trigger()  # nothing typed: refused, with a message about w₁
    assert "Type your prediction for w₁" in panel.message_text()
    win.act_update.trigger()  # the learner applies the update instead
    assert panel.asked[0].symbol != "w₁"  # the panel now asks about the next pass
    assert "w₁" not in panel.message_text()


def test_the_worksheets_update_rule_names_the_loss():
    text = next(t for kind, _, t in worksheet.SECTIONS if kind == worksheet.UPDATE)
    assert "∂/∂θ" not in text


def _wide_tour_at_lesson_1(win, qtbot):
    win.resize(1560, 940)
    win.tour.show()
    qtbot.wait(50)
    assert not win.tour.compact  # a column at the right
    win.tour.go_to(0)
    win.tour.start()
    win.act_fwd_pass.trigger()  # z, ŷ and L: three published numbers on screen
    qtbot.wait(50)
    return win.tour.sections.itemAt(0).widget()  # the tutorial's numbers (BadgeList)


def test_the_tours_list_of_numbers_uses_the_free_room(win, qtbot):
    badges = _wide_tour_at_lesson_1(win, qtbot)
    viewport = badges.body.parentWidget()
    below = badges.mapTo(win.tour.body, badges.rect().bottomLeft()).y()
    spare = win.tour.line.y() - below  # empty column between the list and Previous/Next
    cut = viewport.height() < badges.body.sizeHint().height()
    assert not (cut and spare > 40), (viewport.height(), spare)  # cut short beside free room


def test_the_tour_keeps_its_column_after_a_narrow_spell(win, qtbot):
    _wide_tour_at_lesson_1(win, qtbot)
    check = next(d for d in win.findChildren(QDockWidget)
                 if d.windowTitle() == "Tutorial check")
    check.show()
    qtbot.wait(50)
    tall = win.tour.height()
    win.resize(1300, 850)  # narrower than 1440: the tour becomes a strip
    qtbot.wait(50)
    assert win.tour.compact
    win.resize(1560, 940)
    qtbot.wait(50)
    assert not win.tour.compact
    assert win.tour.height() >= 0.8 * tall


def test_the_frame_hides_when_its_control_is_scrolled_out_of_sight(qtbot):
    from PySide6.QtWidgets import QPushButton, QScrollArea, QVBoxLayout, QWidget

    from gui.tour import Highlight

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 300)
    scroll = QScrollArea(window)
    scroll.setGeometry(0, 0, 300, 200)  # the window's lower 100 pixels lie outside it
    content = QWidget()
    lay = QVBoxLayout(content)
    lay.addSpacing(230)
    button = QPushButton("Show")
    lay.addWidget(button)
    lay.addSpacing(600)
    scroll.setWidget(content)
    window.show()
    qtbot.waitExposed(window)
    frame = Highlight(window)
    frame.point_at(button)
    qtbot.wait(20)
    assert button.visibleRegion().isEmpty()  # below the scroll area's fold…
    inside = scroll.geometry()
    assert frame.isHidden() or inside.contains(frame.geometry())  # …so no frame outside it


def test_a_lesson_without_a_tab_starts_on_the_boundary_and_loss(win):
    """Lesson 3 leaves the Loss landscape in front; lesson 5 speaks of the boundary."""
    win.start_lesson(_lesson(win, "learning-rate"))
    assert win.plots.tabs.currentWidget() is not win.plots.tabs.widget(0)
    win.start_lesson(_lesson(win, "5000-epochs"))
    assert win.plots.tabs.currentIndex() == 0


def test_the_tours_list_of_numbers_waits_for_a_lesson(win, qtbot):
    """Before Start (or after leaving) the tour's Start says what to do; its list of the
    tutorial's numbers does not add "start one from the Lessons menu"."""
    from gui.badges import BadgeList

    win.resize(1560, 940)
    win.tour.show()
    qtbot.wait(50)
    badges = win.tour.findChildren(BadgeList)[0]
    assert win.lesson is None and not badges.isVisible()
    win.tour.start()
    assert badges.isVisible()


def test_the_verdicts_follow_the_colour_blind_palette(win, qtbot):
    """Badges, the tour's ticks and predict's grades take the palette's colours, as the
    diagram does (their symbols and words carry the meaning either way)."""
    from gui.badges import BadgeList
    from gui.palette import VERDICT_TEXT

    win.resize(1560, 940)
    win.tour.show()
    win.tour.go_to([le.id for le in win.tour.lessons].index("batch"))
    win.tour.start()
    win.act_fwd_pass.trigger()  # the cost: a match, and the first task ticked
    badges = win.tour.findChildren(BadgeList)[0]
    good, cb_good = VERDICT_TEXT["default"]["good"], VERDICT_TEXT["colorblind"]["good"]
    assert good in badges.body.text() and good in win.tour.checklist.text()
    win.act_colorblind.trigger()
    assert win.explain.palette_name == "colorblind"
    assert cb_good in badges.body.text() and good not in badges.body.text()
    assert cb_good in win.tour.checklist.text()
    assert cb_good in win.explain.current.toHtml().lower()
    win.predict.set_active(True)
    win.predict.entry.setText("7")
    win.predict.check()
    assert VERDICT_TEXT["colorblind"]["bad"] in win.predict.result.styleSheet()


@pytest.mark.parametrize("size", [(1024, 700), (1600, 1000)])
def test_predict_panel_fits_beside_the_window(win, qtbot, size):
    """At 1024 px the panel stands in for the explanation's column (it writes out the
    step's computation itself) instead of pushing it off screen; wide, both show."""
    win.resize(*size)
    qtbot.wait(20)
    win.predict.set_active(True)
    qtbot.waitUntil(lambda: win.predict_dock.isVisible())
    qtbot.wait(20)
    assert not win.page.horizontalScrollBar().isVisible()
    assert win.explain.isVisible() == (size[0] >= 1280)
    win.predict_dock.close()
    qtbot.wait(20)
    assert win.explain.isVisible()


def test_the_activation_inset_is_never_a_bare_title(win, qtbot):
    """At 1024×700 with a lesson's text up there is no room for the curve: the inset
    says so in a line, or steps aside; a heading alone explains nothing."""
    from gui.sigmoid_inset import SigmoidInset

    win.resize(1024, 700)
    for lid in ("batch", "no-bias", "too-large"):
        win.start_lesson(_lesson(win, lid))
        win.act_fwd_pass.trigger()
        qtbot.wait(40)
        inset = win.findChild(SigmoidInset)
        if inset.isVisible():
            line = inset.caption.fontMetrics().lineSpacing()
            assert inset.plot.isVisible() or (inset.caption.isVisible() and
                                              inset.caption.height() >= line), lid


def test_the_wheel_scrolls_the_controls_not_the_learning_rate(win, qtbot):
    """Scrolling the controls' column with the wheel over a slider leaves α alone (a
    slider clicked into first still takes the wheel)."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    win.resize(1024, 700)
    qtbot.wait(20)
    lr = win.session.engine.lr
    target = win.lr.slider
    bar = win.controls_panel.parentWidget().parentWidget().verticalScrollBar()
    before = bar.value()
    pos = QPointF(target.width() / 2, target.height() / 2)
    wheel = QWheelEvent(pos, QPointF(target.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                        QPoint(0, -120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(target, wheel)
    assert win.session.engine.lr == lr
    assert bar.value() > before  # the column scrolled down instead
