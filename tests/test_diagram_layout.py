"""The single-neuron diagram in the real window, at the window sizes learners have.

At 1280×800 and 1366×768 (and 1600×1000) every value on the diagram is drawn at 11 px
or more on screen, at every stage of a pass, one example or a batch, and no two texts
overlap. At 1024×700 the texts still never overlap (they are smaller there).
"""

import itertools

import pytest

from gui.diagram import KEYS
from gui.main_window import MainWindow

MIN_PX = 11


def stages(session):
    """(name, action) for the stages a learner stops at; each runs after the last."""
    def forward():
        session.finish_forward()

    def to_dz():  # ∂L/∂ŷ, then ∂L/∂z: upstream × local on the edge, local at σ
        for _ in range(3):
            session.step_forward()

    def to_dw1():  # ∂L/∂w₁: the local gradient at z, a sum of examples in a batch
        session.step_forward()

    def to_db():
        session.finish_backward()

    def update():
        session.apply_update()

    def next_pass():  # the parameters as the update left them, no longer bold
        session.step_forward()

    return [("idle", lambda: None), ("after forward", forward), ("backward at ∂L/∂z", to_dz),
            ("backward at ∂L/∂w₁", to_dw1), ("backward at ∂L/∂b", to_db),
            ("after update, old → new", update), ("next pass", next_pass)]


def visible(d):
    return {k: d.label_rect(k) for k in KEYS if d.label_rect(k) is not None}


def overlaps(rects):
    return [(a, b) for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2)
            if ra.intersected(rb).width() > 0.5 and ra.intersected(rb).height() > 0.5]


@pytest.fixture
def window(qtbot):
    def make(size, mode):
        w = MainWindow()
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        if mode == "batch":
            w.session.set_mode("batch")
        qtbot.wait(10)
        return w
    return make


@pytest.mark.parametrize("mode", ["single", "batch"])
@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800), (1366, 768)])
def test_every_value_is_legible_and_clear_of_the_others(window, qtbot, size, mode):
    w = window(size, mode)
    d = w.diagram
    seen = set()
    for stage, act in stages(w.session):
        act()
        qtbot.wait(1)
        rects = visible(d)
        seen.update(rects)
        if stage.startswith("after update"):
            assert "→" in d.value_text("b")
        small = {k: round(d.text_px(k), 1) for k in rects if d.text_px(k) < MIN_PX}
        assert not small, (size, mode, stage, small)
        assert not overlaps(rects), (size, mode, stage, overlaps(rects))
        for k, r in rects.items():  # inside the view, under no scroll bar
            assert d.viewport().rect().contains(r), (stage, k, r)
    # the stages showed the chain rule's local gradients and the update's old → new
    assert {"local:y_hat", "local:z", "grad:b", "b"} <= seen


@pytest.mark.parametrize("mode", ["single", "batch"])
def test_a_1024_by_700_window_keeps_the_texts_apart(window, qtbot, mode):
    w = window((1024, 700), mode)
    d = w.diagram
    for stage, act in stages(w.session):
        act()
        qtbot.wait(1)
        rects = visible(d)
        assert not overlaps(rects), (mode, stage, overlaps(rects))
        # smaller than at 1280, but the whole diagram is there, at one size
        sizes = {round(d.text_px(k), 1) for k in rects if k != "example"}
        assert len(sizes) == 1 and min(sizes) >= 7, (stage, sizes)


@pytest.mark.parametrize("mode", ["single", "batch"])
@pytest.mark.parametrize("digits", [0, 1, 2])
def test_fewer_digits_are_as_legible_at_1280(window, qtbot, mode, digits):
    """Fewer decimals never make the text smaller ("0.1" is wider than "−8")."""
    w = window((1280, 800), mode)
    w.diagram.set_digits(digits)
    d = w.diagram
    for stage, act in stages(w.session):
        act()
        qtbot.wait(1)
        rects = visible(d)
        small = {k: round(d.text_px(k), 1) for k in rects if d.text_px(k) < MIN_PX}
        assert not small, (digits, mode, stage, small)
        assert not overlaps(rects), (digits, mode, stage, overlaps(rects))


@pytest.mark.parametrize("points,mode,batch,least", [(12, "minibatch", 4, 9.5),
                                                     (40, "batch", None, 8.9)])
def test_generated_data_in_batches_is_as_legible_as_before(window, qtbot, points, mode,
                                                           batch, least):
    """Inputs other than 0 and 1 give values like 0.00345: the rows have room for them.
    `least` is what the one-value-a-line columns gave at 1280×800."""
    from core import datasets

    w = window((1280, 800), "single")
    w.tour.hide()  # as before the tour: its strip takes 32 px of height (8.7 px here then)
    qtbot.wait(10)
    w.session.set_dataset(datasets.generated("blobs", points, seed=1))
    w.session.set_mode(mode, batch_size=batch) if batch else w.session.set_mode(mode)
    d = w.diagram
    for _ in range(17):  # a whole pass and into the next
        w.session.step_forward()
        qtbot.wait(1)
        rects = visible(d)
        assert not overlaps(rects)
        px = {k: round(d.text_px(k), 1) for k in rects if k != "example"}
        assert min(px.values()) >= least, px
