"""Issue #7: the plots measure what the diagram measures, say plainly what they show,
and stay usable (no freeze, no stale curves, no colour-only cues, a way back)."""

import json
import re
from importlib import resources

import numpy as np
import pytest
from conftest import run_comparison, show_widget
from PySide6.QtCore import Qt

from core import Engine, gate, neuron
from core.landscape import compare_learning_rates, cost_grid, param_gradient, pixel_centres
from core.symbols import fmt
from gui.palette import PALETTES
from gui.plots import (
    LOG_FLOOR,
    MIN_PLOT_HEIGHT,
    DecisionBoundaryPlot,
    LandscapePlot,
    LearningRateComparison,
    LossCurvePlot,
    PlotsPanel,
    export_plot,
)
from gui.session import Session

BIAS_LESSON = {"dataset": "or", "mode": "single", "example": 0, "bias": True,
               "w1": 0.1, "w2": 0.6, "b": 0.0, "lr": 1.0}


# ------------------------------------------------ 1. the landscape's loss
def test_landscape_slices_the_loss_of_the_current_example(qtbot):
    s = Session()
    s.apply_setup(BIAS_LESSON)
    w = show_widget(qtbot, LandscapePlot(s), (1000, 500))
    w.set_parameter_name("b")
    for _ in range(12):
        s.step_forward()
    e = s.engine
    p = e.current_pass
    assert e.cursor == p.n_forward + p.n_backward  # the backward pass is done
    w.refresh()
    # the diagram's ∂L/∂b of example 0, not the whole data set's −0.037
    assert w.tangent_slope() == pytest.approx(0.125, abs=1e-12)
    assert w.loss_title() == "L of example 1"
    assert w.title.text().startswith("L of example 1")  # the title over both plots
    assert "∂L/∂b = 0.125" in w.info.text()
    # the arrows descend the same loss: b − α·∂L/∂b
    a, _, c, _ = w.arrows()[0]
    assert c == pytest.approx(a - e.lr * 0.125, abs=1e-12)
    # the (w₁, w₂) map too
    net, ds = e.network, e.dataset
    lo, hi = w.default_range()[1][0]
    ws = pixel_centres((lo, hi), w.map_image.image.shape[1])
    want = cost_grid(net, ds.X[:, [0]], ds.Y[:, [0]], ws, ws)
    np.testing.assert_allclose(w.map_image.image,
                               np.log10(np.maximum(want, 1e-12)).astype(np.float32),
                               rtol=1e-6)


def test_landscape_title_names_the_batch_and_the_whole_set(qtbot):
    s = Session()
    w = show_widget(qtbot, LandscapePlot(s), (1000, 500))
    s.set_mode("minibatch", batch_size=2)
    w.refresh()
    assert w.loss_title() == "Cost of the batch (examples 1, 2)"
    ds = s.engine.dataset
    g = param_gradient(s.engine.network, ds.X[:, :2], ds.Y[:, :2], w.parameter_name)
    assert w.tangent_slope() == pytest.approx(g, rel=1e-9)
    s.set_mode("batch")
    w.refresh()
    assert w.loss_title() == "Cost of all 4 examples"


# ------------------------------------------------ 2. lesson 3 on opening
def _lesson(ident):
    data = json.loads(resources.files("resources").joinpath("lessons.json")
                      .read_text(encoding="utf-8"))
    return next(le for le in data["lessons"] if le["id"] == ident)


# the plot keys of lesson 3 (lessons.json carries them once gui/lessons.py knows them)
LESSON3_PLOTS = {"slice": "b", "lrs": [0.5, 5, 50, 200], "tab": "rates"}


def test_learning_rate_lesson_shows_crawl_stride_and_overshoot(qtbot):
    setup = {**LESSON3_PLOTS, **_lesson("learning-rate")["setup"]}
    s = Session()
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    s.apply_setup(setup)
    with qtbot.waitSignal(p.lr_compare.compared, timeout=60000):
        p.apply_lesson(setup)
    assert p.tabs.currentWidget() is p.lr_compare
    assert p.landscape.parameter_name == "b"
    curves = p.lr_compare.curves()
    assert list(curves) == [0.5, 5.0, 50.0, 200.0]
    crawl, stride, big = curves[0.5], curves[5.0], curves[200.0]
    assert crawl[20] > stride[20]  # a small step crawls, a larger one strides
    above = int(np.sum(big[1:] > big[0]))
    assert above >= 10  # the large step overshoots: the cost rises and stays up
    msg = p.lr_compare.message.text()
    assert "α = 200 overshoots" in msg
    # α = 200 still ends lowest on OR, and the tab says why
    assert "no minimum" in msg and "Why α = 200 wins" in msg
    # the landscape, along b, bounces across the valley with α = 50
    p.tabs.setCurrentWidget(p.landscape)
    p.landscape.set_arrow_lr(50.0)
    steps = [c - a for a, _, c, _ in p.landscape.arrows()]
    assert min(steps) < 0 < max(steps)
    text = _lesson("learning-rate")["text"]
    for word in ("crawl", "stride", "overshoot", "200", "no minimum", f"for {above} epochs"):
        assert word in text


def test_apply_lesson_without_plot_keys_changes_nothing(qtbot):
    s = Session()
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    p.apply_lesson({"dataset": "or"})
    assert p.tabs.currentIndex() == 0 and not p.lr_compare.running


# ------------------------------------------------ 3. no boundary where there is none
def test_flat_prediction_draws_no_boundary(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("xor"), lr=1.0, mode="batch"))
    s.train(5000)
    w = show_widget(qtbot, DecisionBoundaryPlot(s), (600, 600))
    assert w.line_intercepts() == (None, None)
    assert w.boundary_note() == f"no boundary: ŷ ≈ {fmt(0.5)} everywhere"
    s.reset()
    w.refresh()
    assert w.boundary_note() == "" and w.line_intercepts() != (None, None)


# ------------------------------------------------ 4. nothing stale
def test_comparison_marked_out_of_date_with_one_click_refresh(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1.0, mode="batch"))
    w = show_widget(qtbot, LearningRateComparison(s), (900, 500))
    w.set_learning_rates([0.5, 5])
    w.set_epochs(300)
    run_comparison(qtbot, w)
    assert not w.out_of_date and not w.refresh_btn.isVisible()
    s.set_gate("xor")
    w.refresh()
    assert w.out_of_date
    assert w.stale_label.isVisible() and "data set" in w.stale_label.text()
    assert w.refresh_btn.isVisible()
    assert all(it.opacity() < 1 for it in w._items if it.isVisible())
    with qtbot.waitSignal(w.compared, timeout=60000):
        qtbot.mouseClick(w.refresh_btn, Qt.MouseButton.LeftButton)
    assert not w.out_of_date and not w.stale_label.isVisible()
    ds = s.engine.dataset
    res = compare_learning_rates(s.engine.network, ds.X, ds.Y, [0.5, 5.0], 300)
    np.testing.assert_array_equal(w.curves()[0.5], res.costs[0])
    assert "XOR" in w.message.text()


def test_boundary_readout_follows_the_parameters(qtbot):
    s = Session()
    w = show_widget(qtbot, DecisionBoundaryPlot(s), (600, 600))
    t0 = w.show_value_at(0.5, 0.5)
    net = s.engine.network
    assert t0 == f"x = (0.50, 0.50)   ŷ = {fmt(net.predict(np.array([[0.5], [0.5]]))[0, 0])}"
    s.set_parameter("b", -3.0)
    w.refresh()
    y = s.engine.network.predict(np.array([[0.5], [0.5]]))[0, 0]
    assert w.info.text() == f"x = (0.50, 0.50)   ŷ = {fmt(y)}"
    assert w.info.text() != t0


# ------------------------------------------------ 5. no freeze, and Cancel
def test_long_comparison_runs_without_blocking_and_cancels(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1.0, mode="batch"))
    w = show_widget(qtbot, LearningRateComparison(s), (900, 500))
    w.set_learning_rates([0.1, 0.2, 0.5, 1, 2, 5, 10, 20])
    w.set_epochs(100_000)
    assert w.compare()
    assert w.running  # compare() returned at once: the work goes on in timer slices
    assert w.progress.isVisible() and w.cancel_btn.isVisible()
    assert not w.compare_btn.isEnabled()
    qtbot.waitUntil(lambda: w.progress.value() > 0, timeout=10000)
    qtbot.mouseClick(w.cancel_btn, Qt.MouseButton.LeftButton)
    assert not w.running and not w.has_result
    assert not w.progress.isVisible() and w.compare_btn.isEnabled()
    assert "cancelled" in w.message.text() and w.curves() == {}
    # and a short one still ends with its curves
    w.set_epochs(200)
    run_comparison(qtbot, w)
    assert len(w.curves()) == 8 and not w.progress.isVisible()


# ------------------------------------------------ 6. colour is never the only cue
def test_palette_recolours_and_classes_differ_by_shape(qtbot):
    s = Session()
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    b = p.boundary
    for btn in (b.add0, b.add1):
        assert not re.search(r"green|red", btn.text(), re.I)
    assert "●" in b.add1.text() and "✕" in b.add0.text()
    pts = b.points.points()
    labels = s.engine.dataset.Y[0]
    sym = {int(lab): pt.symbol() for lab, pt in zip(labels, pts)}
    assert sym == {0: "x", 1: "o"}
    for name in ("colorblind", "default"):
        p.set_palette(name)
        pal = PALETTES[name]
        pts = b.points.points()
        got = {int(lab): pt.brush().color().name() for lab, pt in zip(labels, pts)}
        assert got == {0: pal.backward.name(), 1: pal.forward.name()}
        lut = b.image.getColorMap().getLookupTable(nPts=3, alpha=False)
        assert lut[0][0] > lut[0][2] if name == "default" else lut[-1][2] > lut[-1][0]
    # the comparison's curves differ by dash pattern as well as colour
    lc = p.lr_compare
    lc.set_learning_rates([0.5, 5, 50])
    lc.set_epochs(100)
    run_comparison(qtbot, lc)
    p.set_palette("colorblind")
    pens = [it.opts["pen"] for it in lc._items if it.isVisible()]
    assert len({pen.style() for pen in pens}) == 3
    assert [pen.color().name() for pen in pens] == ["#0072b2", "#d55e00", "#009e73"]
    with pytest.raises(ValueError, match="palette"):
        p.set_palette("neon")


# ------------------------------------------------ 7. a way back, and a learner's menu
def _ranges(vb):
    return [v for r in vb.viewRange() for v in r]


def _flat(rng):
    return [v for r in rng for v in r]


def test_every_plot_resets_to_its_default_view(qtbot, tmp_path):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1.0, mode="batch"))
    p = show_widget(qtbot, PlotsPanel(s), (1100, 650))
    s.train(50)
    p.refresh()
    cases = [(p.boundary, p.boundary.vb), (p.loss, p.loss.vb)]
    for w, vb in cases:
        want = _ranges(vb)  # as first drawn
        (x0, x1), (y0, y1) = w.default_range()  # (the aspect lock may widen one axis)
        assert want[0] <= x0 < x1 <= want[1] and want[2] <= y0 < y1 <= want[3]
        vb.scaleBy((0.3, 0.3))
        assert _ranges(vb) != pytest.approx(want)
        qtbot.mouseClick(w.menu.button, Qt.MouseButton.LeftButton)
        assert _ranges(vb) == pytest.approx(want)
    p.tabs.setCurrentWidget(p.landscape)
    ls = p.landscape
    want = ls.default_range()
    ls.svb.scaleBy((0.3, 0.3))
    ls.mvb.scaleBy((2, 2))
    qtbot.mouseClick(ls.menu.button, Qt.MouseButton.LeftButton)
    assert _ranges(ls.svb) == pytest.approx(_flat(want[0]))
    assert _ranges(ls.mvb) == pytest.approx(_flat(want[1]))
    p.tabs.setCurrentWidget(p.lr_compare)
    lc = p.lr_compare
    qtbot.waitUntil(lambda: lc.has_result, timeout=60000)
    want = _flat(lc.default_range())
    lc.vb.scaleBy((0.3, 0.3))
    qtbot.mouseClick(lc.menu.button, Qt.MouseButton.LeftButton)
    assert _ranges(lc.vb) == pytest.approx(want)
    # the right-click menu: what a learner needs, not pyqtgraph's internals
    for w in (p.boundary, p.loss, p.landscape, p.lr_compare):
        texts = [a.text() for a in w.menu.build().actions() if a.text()]
        assert texts[0] == "Reset view"
        assert "Export as PNG…" in texts and "Export as SVG…" in texts
        for item in w.menu.items:
            assert not item.menuEnabled() and not item.getViewBox().menuEnabled()
    assert "Log scale" in [a.text() for a in p.loss.menu.build().actions()]
    export_plot(p.loss.plot, str(tmp_path / "loss.png"), p.loss.plot.getPlotItem())
    export_plot(p.loss.plot, str(tmp_path / "loss.svg"))
    assert (tmp_path / "loss.png").stat().st_size > 0
    assert "<svg" in (tmp_path / "loss.svg").read_text(encoding="utf-8")


# ------------------------------------------------ 8. a cost of exactly 0 on a log axis
def test_zero_cost_on_a_log_axis_is_shown_and_said(qtbot):
    s = Session()  # OR, one example at a time (example 0): its loss reaches exactly 0
    s.set_learning_rate(1e6)
    w = show_widget(qtbot, LossCurvePlot(s), (700, 400))
    w.set_log(True)
    s.apply_update()  # U
    s.run_epoch()  # E
    w.refresh()  # pytest turns any NumPy warning into a failure
    costs = list(s.engine.epoch_costs)
    assert 0.0 in costs
    _, y = w.curve_data()
    assert np.nanmin(y) == LOG_FLOOR
    _, iy = w.step_curve_data()
    assert np.nanmin(iy) == LOG_FLOOR
    assert f"cost reached 0 (shown at {fmt(LOG_FLOOR)} on the log scale)" in w.readout.text()


# ------------------------------------------------ 9. one story about a stopped run
def test_stuck_run_is_called_stuck_everywhere(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1e6, mode="batch"))
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    s.train(50)
    st = s.engine.status
    assert st.message.startswith("Stuck")
    p.refresh()
    assert "Stuck" in p.loss.readout.text() and "diverged" not in p.loss.readout.text()
    s.reset()
    lc = p.lr_compare
    lc.set_learning_rates([1e6])
    lc.set_epochs(50)
    run_comparison(qtbot, lc)
    assert lc.flags() == {1e6: "Stuck"}


# ------------------------------------------------ 10. usable at 1024 × 700
def test_plots_keep_a_readable_height_and_the_hint_fits(qtbot):
    s = Session()
    p = show_widget(qtbot, PlotsPanel(s), (1024, 330))
    for plot in (p.boundary.plot, p.loss.plot, p.landscape.slice_plot, p.landscape.map_plot,
                 p.lr_compare.plot):
        assert plot.minimumHeight() >= MIN_PLOT_HEIGHT
    assert p.loss.plot.height() >= MIN_PLOT_HEIGHT
    from gui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1024, 700)
    win.show()
    qtbot.waitExposed(win)
    hint = win.plots.boundary.help
    # whole, on one line, at the width the boundary gets in a 1024 × 700 window
    assert hint.label.text() == hint.text() == "Click to add or remove a point"
    assert hint.height() < 2 * hint.fontMetrics().height()


# ------------------------------------------------ 11. one number format
def test_numbers_in_plots_use_fmt(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("or"), lr=1.0, mode="batch"))
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    p.tabs.setCurrentWidget(p.landscape)
    p.landscape.set_parameter_name("w1")
    g = p.landscape.tangent_slope()
    assert g < 0
    info = p.landscape.info.text()
    assert f"∂Cost/∂w₁ = {fmt(g)}" in info and fmt(g).startswith("\u2212")
    s.train(3)
    p.tabs.setCurrentIndex(0)
    p.refresh()
    texts = [info, p.loss.readout.text(), p.boundary.show_value_at(-0.25, -0.4)]
    for t in texts:
        assert not re.search(r"-\d", t), t
        assert not re.search(r"\d\.\d{4,}", t), t  # no "0.08891"-style figures
