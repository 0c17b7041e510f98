"""The activation-curve inset (issue 10, "See the maths"): the sigmoid with each example's
(z, ŷ) as a dot and the tangent of slope ∂ŷ/∂z, following the pass, beside the diagram."""

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QRect, Qt
from test_diagram_layout import stages

from core import Engine, datasets
from core.setup import NetworkSpec
from gui.diagram import KEYS
from gui.main_window import MainWindow
from gui.palette import PALETTES
from gui.session import Session
from gui.sigmoid_inset import SigmoidInset


def lesson(win, lesson_id):
    win.start_lesson(next(le for le in win.lessons if le.id == lesson_id))


def inset_of(qtbot, network="neuron", mode="batch", data="xor", activation="sigmoid",
             loss="mse"):
    spec = NetworkSpec(network=network, activation=activation, loss=loss,
                       init="tutorial" if network in ("neuron", "cross", "2-3-1") else "xavier")
    engine = Engine(spec.build(), datasets.gate(data), lr=1.0, mode=mode,
                    example=0 if mode == "single" else None)
    session = Session(engine)
    inset = SigmoidInset(session)
    qtbot.addWidget(inset)
    inset.resize(300, 260)
    inset.show()
    qtbot.waitExposed(inset)
    return session, inset


def test_or_example_1_at_the_start_sits_at_the_middle_with_slope_a_quarter(win, qtbot):
    inset = win.sigmoid
    s = win.session
    assert inset.isVisible() and inset.has_room
    inset.refresh()
    assert inset.dots() == [] and inset.tangents() == []
    assert "appears once the forward pass" in inset.caption_text()
    # the dot waits for z and ŷ: after z alone there is none
    while "node:z" not in s.engine.shown_values():
        s.step_forward()
    inset.refresh()
    assert inset.dots() == []
    s.finish_forward()
    inset.refresh()
    assert inset.dots() == [(0.0, 0.5)]
    (z, y, slope), = inset.tangents()
    assert (z, y, slope) == (0.0, 0.5, 0.25)
    # a preview until the backward pass computes ∂ŷ/∂z: dashed, and said so
    assert not inset.tangent_revealed
    assert inset.tangent_style() == Qt.PenStyle.DashLine
    assert "Dashed until the backward pass" in inset.caption_full_text()
    assert "z = 0.000, ŷ = 0.500" in inset.caption_text()
    assert "= 0.250" in inset.caption_text()
    s.finish_backward()
    inset.refresh()
    assert inset.tangent_revealed and inset.tangent_style() == Qt.PenStyle.SolidLine
    assert inset.tangents() == [(0.0, 0.5, 0.25)]
    assert "Dashed" not in inset.caption_full_text()
    assert inset.x_range() == (-6.0, 6.0)


def test_the_slope_is_the_backward_pass_local_gradient(win, qtbot):
    win.session.set_mode("batch")
    win.session.finish_backward()
    win.sigmoid.refresh()
    step = win.session.engine.shown_values()["edge:z->y_hat#grad"]
    assert [t[2] for t in win.sigmoid.tangents()] == list(step.local)
    assert [d[0] for d in win.sigmoid.dots()] == list(win.session.engine.shown_values()[
        "node:z"].value)
    assert "4 examples" in win.sigmoid.caption_text()


def test_after_the_too_large_step_the_neuron_sits_on_a_plateau(win, qtbot):
    win.resize(1600, 1000)
    lesson(win, "too-large")
    s = win.session
    s.run_epoch()  # the first epoch: one update with α = 10⁶
    s.finish_forward()
    s.finish_backward()
    inset = win.sigmoid
    inset.refresh()
    slopes = [t[2] for t in inset.tangents()]
    assert len(slopes) == 4 and max(abs(v) for v in slopes) < 1e-9
    assert inset.tangent_revealed
    # z is in the tens of thousands: off the plot, said with its value
    assert len(inset.off_plot()) == 4 and min(inset.off_plot()) > 1e4
    assert inset.x_range() == (-6.0, 6.0)
    full = inset.caption_full_text()
    assert "Flat: the unit is saturated" in full
    assert "off the plot" in full and "×10⁵) →" in full
    assert "Flat" in inset.caption_text()


def test_at_the_start_of_the_too_large_lesson_the_slope_is_not_flat(win, qtbot):
    lesson(win, "too-large")
    win.session.finish_backward()
    win.sigmoid.refresh()
    assert min(t[2] for t in win.sigmoid.tangents()) > 0.2
    assert "Flat" not in win.sigmoid.caption_full_text()


@pytest.mark.parametrize("which,revealed", [("saturated-mse", True),
                                            ("saturated-bce", False)])
def test_the_saturated_lessons_show_the_plateau(win, qtbot, which, revealed):
    lesson(win, which)
    win.session.finish_backward()
    inset = win.sigmoid
    inset.refresh()
    (z, y), = inset.dots()
    assert z == pytest.approx(-24.0) and y == pytest.approx(3.78e-11, rel=1e-2)
    (_, _, slope), = inset.tangents()
    assert slope == pytest.approx(3.78e-11, rel=1e-2)
    assert inset.off_plot() == [] and inset.x_range()[0] <= -24
    assert "Flat" in inset.caption_full_text()
    # cross-entropy never computes ∂ŷ/∂z (σ′ cancels): the tangent stays dashed, and why
    assert inset.tangent_revealed == revealed
    assert ("cross-entropy never needs" in inset.caption_full_text()) == (not revealed)


def test_a_z_of_a_million_is_clipped_and_named(win, qtbot):
    s = win.session
    s.set_mode("single", 3)  # x = (1, 1)
    s.set_parameter("w1", 1e6)
    s.set_parameter("w2", 1e6)
    inset = win.sigmoid
    inset.refresh()
    assert inset.off_plot() == [2e6]
    assert inset.x_range() == (-6.0, 6.0)
    assert "z = 2.0×10⁶, off the plot →" in inset.caption_full_text()
    s.set_parameter("w1", -1e6)
    s.set_parameter("w2", -1e6)
    inset.refresh()
    assert "← z = −2.0×10⁶, off the plot" in inset.caption_full_text()


def test_a_hidden_unit_gets_its_own_curve(qtbot):
    session, inset = inset_of(qtbot, "2-3-1", activation="tanh")
    assert inset.unit_box.isVisible() and inset.unit == (1, 0)
    inset.refresh()
    assert inset.title.text() == "ŷ = σ(z²)"
    inset.follow_parameter("w1_2_1")  # a weight into hidden unit 2
    assert inset.unit == (0, 1)
    assert inset.unit_box.currentText() == "hidden a¹₂"
    assert "tanh" in inset.title.text()
    session.finish_backward()
    inset.refresh()
    shown = session.engine.shown_values()
    z = shown["node:z1_2"].value
    a = shown["node:a1_2"].value
    assert inset.dots() == list(zip(z, a))
    np.testing.assert_allclose([t[2] for t in inset.tangents()], 1 - a ** 2)
    assert inset.tangent_revealed
    ys = inset.curve.getData()[1]
    assert ys.min() < -0.99 and ys.max() > 0.99  # tanh, not σ
    # the output again, through the list
    inset.unit_box.setCurrentIndex(0)
    inset.unit_box.activated.emit(0)
    assert inset.unit == (1, 0)


def test_relu_units_show_the_kink(qtbot):
    session, inset = inset_of(qtbot, "2-3-1", activation="relu")
    inset.set_unit(0, 0)
    session.finish_forward()
    inset.refresh()
    z = session.engine.shown_values()["node:z1_1"].value
    assert [t[2] for t in inset.tangents()] == [1.0 if v > 0 else 0.0 for v in z]


def test_a_network_switch_goes_back_to_the_output(qtbot):
    session, inset = inset_of(qtbot, "2-3-1")
    inset.set_unit(0, 2)
    session.set_network(NetworkSpec(network="neuron"))
    assert inset.unit == (0, 0) and not inset.unit_box.isVisible()
    inset.refresh()
    assert inset.title.text() == "ŷ = σ(z)"


def test_the_window_follows_the_parameter_clicked(win, qtbot):
    win.session.set_network(NetworkSpec(network="2-3-1"))
    win.net_diagram.parameterClicked.emit("b1_3")
    assert win.sigmoid.unit == (0, 2)


def test_the_colour_blind_palette_is_followed(win, qtbot):
    s = win.session
    s.finish_forward()
    inset = win.sigmoid
    inset.refresh()

    colours = inset.colours
    assert colours() == (PALETTES["default"].forward, PALETTES["default"].backward)
    win.act_colorblind.trigger()
    assert colours() == (PALETTES["colorblind"].forward, PALETTES["colorblind"].backward)


def test_the_view_menu_hides_and_shows_it(win, qtbot):
    act = win.act_sigmoid
    assert act in win.view_menu.actions() and act.isChecked()
    act.trigger()
    assert not win.sigmoid.isVisible()
    act.trigger()
    assert win.sigmoid.isVisible()


# ------------------------------------------------------------------ layout
def window_rect(w, widget) -> QRect:
    return QRect(widget.mapTo(w, widget.rect().topLeft()), widget.size())


def label_rects(w):
    d = w.diagram
    out = {}
    for k in KEYS:
        r = d.label_rect(k)
        if r is not None:
            out[k] = QRect(d.mapTo(w, r.topLeft()), r.size())
    return out


def assert_clear_of_the_diagram(qtbot, w, where):
    inset = w.sigmoid
    # a lesson box just grown is laid out on the next pass of the event loop
    kids = [c for c in (w.lesson_box, w.explain, inset) if c.isVisible()]
    qtbot.waitUntil(lambda: not any(a.geometry().intersects(b.geometry())
                                    for a, b in itertools.combinations(kids, 2)))
    qtbot.wait(5)
    mine = window_rect(w, inset)
    assert not mine.intersects(window_rect(w, w.diagrams)), where
    for k, r in label_rects(w).items():
        assert not mine.intersects(r), (where, k)
    # whole, inside its column, and the widgets above it not squeezed into each other
    host = w._lesson_host
    assert host.rect().contains(inset.geometry()), where
    assert w.explain.height() >= w.explain.minimumSizeHint().height(), where
    assert not w.page.verticalScrollBar().isVisible(), where
    kids = [c for c in (w.lesson_box, w.explain, inset) if c.isVisible()]
    for a, b in itertools.combinations(kids, 2):
        assert not a.geometry().intersects(b.geometry()), (where, a, b)


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800), (1024, 700)])
@pytest.mark.parametrize("which", [None, "too-large"])
def test_the_inset_is_beside_the_diagram_and_covers_no_label(qtbot, size, which):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    if which:
        lesson(w, which)
    for stage, act in stages(w.session):
        act()
        qtbot.wait(1)
        assert w.sigmoid.isVisible() and w.sigmoid.has_room, (size, stage)
        assert w.sigmoid.plot.height() >= 56
        assert_clear_of_the_diagram(qtbot, w, (size, which, stage))


def test_with_no_room_it_says_so_and_squeezes_nothing(qtbot):
    """A long lesson text in a 1280×800 window leaves the column no room for the plot."""
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    lesson(w, "saturated-bce")
    qtbot.waitUntil(lambda: not w.sigmoid.has_room)
    assert "No room for the curve" in w.sigmoid.caption_text()
    assert_clear_of_the_diagram(qtbot, w, "no room")
    w.lesson_text.hide()  # the room comes back
    qtbot.waitUntil(lambda: w.sigmoid.has_room)
    assert_clear_of_the_diagram(qtbot, w, "lesson hidden")


def test_with_not_even_a_line_to_spare_it_steps_aside(qtbot):
    """At the smallest window a long lesson text takes the column: the inset goes out of
    the way (no page scrolling, nothing squeezed) and comes back when there is room."""
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1024, 700)
    w.show()
    qtbot.waitExposed(w)
    lesson(w, "xor")
    qtbot.waitUntil(lambda: w.sigmoid.squeezed)
    assert not w.sigmoid.isVisible() and not w.sigmoid.has_room
    assert w.act_sigmoid.isChecked()  # the learner's choice is untouched
    assert not w.page.verticalScrollBar().isVisible()
    assert w.explain.height() >= w.explain.minimumSizeHint().height()
    w.lesson_text.hide()
    qtbot.waitUntil(lambda: w.sigmoid.isVisible() and w.sigmoid.has_room)
    assert_clear_of_the_diagram(qtbot, w, "lesson hidden at 1024×700")
