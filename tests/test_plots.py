"""gui/plots.py: every plot draws what the engine holds (pytest-qt, offscreen)."""

import math

import numpy as np
import pytest
from conftest import run_comparison, show_widget
from PySide6.QtCore import QPoint, Qt

from core import Engine, feature_cross_neuron, gate, neuron
from core.landscape import cost_slice, pixel_centres
from gui.plots import (
    DecisionBoundaryPlot,
    LandscapePlot,
    LearningRateComparison,
    LossCurvePlot,
    PeakDecimator,
    PlotsPanel,
    parse_learning_rates,
)
from gui.session import Session


def _grad(net, X, Y, name):
    s = net.slot(name)
    _, grads = net.gradients(X, Y)
    dW, db = grads[s.layer]
    return float((dW if s.kind == "W" else db)[s.index])


@pytest.fixture
def session():
    return Session()


# ------------------------------------------------------------ decision boundary
def test_boundary_line_intercepts_follow_the_parameters(qtbot, session):
    w = show_widget(qtbot, DecisionBoundaryPlot(session))
    session.set_parameter("w1", 2.0)
    session.set_parameter("w2", 1.5)
    session.set_parameter("b", -1.0)
    w.refresh()
    x1, x2 = w.line_intercepts()
    assert x1 == pytest.approx(1.0 / 2.0, abs=1e-9)  # −b/w₁
    assert x2 == pytest.approx(1.0 / 1.5, abs=1e-9)  # −b/w₂
    session.set_parameter("b", 0.3)  # no refresh by hand: the coalesced redraw catches up
    qtbot.waitUntil(lambda: w.line_intercepts()[0] == pytest.approx(-0.15, abs=1e-9))
    assert w.line_intercepts()[1] == pytest.approx(-0.2, abs=1e-9)


def test_boundary_after_training_crosses_at_0462(qtbot, session):
    w = show_widget(qtbot, DecisionBoundaryPlot(session))
    session.set_mode("batch")
    session.train(5000)
    w.refresh()
    x1, x2 = w.line_intercepts()
    p = session.engine.parameters()
    assert x1 == pytest.approx(-p["b"] / p["w1"], abs=1e-9)
    assert x2 == pytest.approx(-p["b"] / p["w2"], abs=1e-9)
    assert x1 == pytest.approx(0.462, abs=1e-3) and x2 == pytest.approx(0.462, abs=1e-3)


def test_boundary_image_follows_y_hat(qtbot, session):
    w = show_widget(qtbot, DecisionBoundaryPlot(session))
    session.set_parameter("w1", 3.0)
    session.set_parameter("b", -1.2)
    w.refresh()
    img = w.grid_image()
    assert img.shape == (200, 200) and img.dtype == np.float32
    x0, y0, width, height = w.grid_rect()
    xs = pixel_centres((x0, x0 + width), 200)
    ys = pixel_centres((y0, y0 + height), 200)
    net = session.engine.network
    for r, c in [(0, 0), (199, 199), (57, 140), (120, 12)]:
        expect = net.predict(np.array([[xs[c]], [ys[r]]]))[0, 0]
        assert img[r, c] == pytest.approx(expect, abs=1e-6)
    # the default view shows −0.5 … 1.5 on both axes (aspect locked: at least that)
    (a, b), (c, d) = w.vb.viewRange()
    assert a <= -0.5 + 1e-9 and b >= 1.5 - 1e-9 and c <= -0.5 + 1e-9 and d >= 1.5 - 1e-9


def test_boundary_without_bias_and_with_feature_cross(qtbot, session):
    w = show_widget(qtbot, DecisionBoundaryPlot(session))
    session.set_bias(False)
    w.refresh()
    assert w.line_intercepts() == pytest.approx((0.0, 0.0), abs=1e-12)
    session.engine.set_network(feature_cross_neuron())
    session.setupChanged.emit()
    w.refresh()
    assert w.line_intercepts() == (None, None)  # the boundary is a curve: no line
    assert w.iso.isVisible()


def test_click_adds_and_removes_points(qtbot, session):
    w = show_widget(qtbot, DecisionBoundaryPlot(session))
    ds0 = session.engine.dataset
    assert ds0.m == 4 and ds0.name == "OR"
    assert w.handle_click(0.7, 0.3) == "added"
    ds = session.engine.dataset
    assert ds.m == 5 and ds.name == "custom"
    assert ds.points[-1] == pytest.approx((0.7, 0.3, 1))
    w.set_add_class(0)
    w.handle_click(-0.3, 1.2)
    assert session.engine.dataset.points[-1] == pytest.approx((-0.3, 1.2, 0))
    w.handle_click(1.3, -0.2, shift=True)  # Shift: the other class
    assert session.engine.dataset.points[-1] == pytest.approx((1.3, -0.2, 1))
    assert session.engine.dataset.m == 7
    # a click on (or just beside) an example removes it
    assert w.handle_click(1.0 + 1e-3, 1.0 - 1e-3) == "removed"
    pts = session.engine.dataset.points
    assert len(pts) == 6 and (1.0, 1.0, 1) not in pts
    w.refresh()
    xs, ys = w.points.getData()
    assert len(xs) == 6


def test_mouse_click_on_the_plot_adds_a_point(qtbot, session):
    w = show_widget(qtbot, DecisionBoundaryPlot(session))
    qtbot.wait(50)
    scene_pt = w.data_to_scene(0.6, 0.8)
    view_pt = w.plot.mapFromScene(scene_pt)
    qtbot.mouseClick(w.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_pt.x(),
                                                                             view_pt.y()))
    ds = session.engine.dataset
    assert ds.m == 5 and ds.name == "custom"
    x1, x2, y = ds.points[-1]
    assert (x1, x2) == pytest.approx((0.6, 0.8), abs=0.02) and y == 1
    # the same place again removes it
    qtbot.mouseClick(w.plot.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(view_pt.x(),
                                                                             view_pt.y()))
    assert session.engine.dataset.m == 4


def test_last_point_cannot_be_removed(qtbot):
    from core import from_points

    s = Session()
    s.set_dataset(from_points([(0.0, 0.0, 0)]))
    w = show_widget(qtbot, DecisionBoundaryPlot(s))
    with qtbot.waitSignal(s.problem):
        w.handle_click(0.0, 0.0)
    assert s.engine.dataset.m == 1


# ------------------------------------------------------------ loss curve
def test_loss_curve_equals_engine_costs(qtbot, session):
    w = show_widget(qtbot, LossCurvePlot(session))
    session.set_mode("batch")
    session.train(100)
    w.refresh()
    x, y = w.curve_data()
    np.testing.assert_array_equal(x, np.arange(100))
    np.testing.assert_array_equal(y, session.engine.epoch_costs)
    assert w.current.getData()[1][0] == session.engine.epoch_costs[-1]
    session.train(50)
    w.refresh()
    np.testing.assert_array_equal(w.curve_data()[1], session.engine.epoch_costs)
    assert "0.08" in w.show_value_at(0.2)  # epoch 0: 0.0889
    assert w.show_value_at(None).endswith("(latest)")


def test_loss_curve_log_scale(qtbot, session):
    w = show_widget(qtbot, LossCurvePlot(session))
    session.set_mode("batch")
    session.train(300)
    w.set_log(True)
    assert w.log and w.plot.getPlotItem().getAxis("left").logMode
    np.testing.assert_array_equal(w.curve_data()[1], session.engine.epoch_costs)
    w.set_log(False)
    assert not w.log_box.isChecked()


def test_parameter_change_breaks_the_curve(qtbot, session):
    w = show_widget(qtbot, LossCurvePlot(session))
    session.set_mode("batch")
    session.train(50)
    session.set_parameter("w1", 3.0)
    session.train(50)
    w.refresh()
    x, y = w.curve_data()
    gap = np.flatnonzero(np.isnan(y))
    assert len(gap) == 1 and x[gap[0]] == 49.5
    costs = session.engine.epoch_costs
    np.testing.assert_array_equal(y[~np.isnan(y)], costs)
    assert w.breaks == [50]
    bx, _ = w.breaks_item.getData()
    assert list(bx) == [49.5, 49.5]
    # a jump, not a continuation: the first cost after the change is not near the last
    assert abs(costs[50] - costs[49]) > 10 * abs(costs[49] - costs[48])
    # reset clears the curve and its breaks
    session.reset()
    w.refresh()
    assert w.curve_data()[0].size == 0 and w.breaks == []


def test_loss_per_step_in_single_mode(qtbot, session):
    session.set_mode("single", example=None)  # every example in turn
    w = show_widget(qtbot, LossCurvePlot(session))
    for _ in range(8):
        session.apply_update()
    w.refresh()
    xs, ys = w.step_curve_data()
    np.testing.assert_allclose(ys, session.engine.iteration_costs)
    np.testing.assert_allclose(xs, np.arange(8) / 4)  # four passes per epoch
    np.testing.assert_array_equal(w.curve_data()[1], session.engine.epoch_costs)
    assert len(session.engine.epoch_costs) == 2


def test_step_back_and_reset_follow_the_engine(qtbot, session):
    session.set_mode("single", example=None)
    w = show_widget(qtbot, LossCurvePlot(session))
    for _ in range(6):
        session.apply_update()
    w.refresh()
    while len(session.engine.iteration_costs) > 3:
        session.step_back()
    w.refresh()
    np.testing.assert_allclose(w.step_curve_data()[1], session.engine.iteration_costs)
    for _ in range(5):
        session.apply_update()
    w.refresh()
    np.testing.assert_allclose(w.step_curve_data()[1], session.engine.iteration_costs)
    np.testing.assert_allclose(w.step_curve_data()[0], np.arange(8) / 4)
    # a break, then a reset and new training before any redraw: the old break is gone
    session.set_parameter("w2", 2.0)
    assert w.breaks == [2]
    session.reset()
    for _ in range(12):
        session.apply_update()
    w.refresh()
    assert w.breaks == []
    assert not np.any(np.isnan(w.curve_data()[1]))
    np.testing.assert_array_equal(w.curve_data()[1], session.engine.epoch_costs)


def test_peak_decimator_bounded_and_faithful():
    rng = np.random.default_rng(1)
    y = np.exp(-np.arange(1_000_000) / 2e5) + 0.01 * rng.standard_normal(1_000_000)
    y[123_457] = 5.0  # one spike must survive decimation
    y[700_001] = np.inf  # non-finite: a gap, never a drawn value
    dec = PeakDecimator(1800)
    for chunk in np.array_split(y, 37):  # fed incrementally, as training plays
        dec.extend(chunk)
    x, d = dec.xy()
    assert len(x) <= 2 * 1800 + dec.k
    assert np.all(np.diff(x) >= 0) and x[-1] == 999_999
    finite = np.isfinite(y)
    assert np.nanmax(d) == 5.0 and 123_457 in x
    assert np.nanmin(d) == y[finite].min()
    assert not np.any(np.isinf(d))
    one = PeakDecimator(1800)
    one.extend(y)
    np.testing.assert_array_equal(one.xy()[0], x)


def test_long_run_is_drawn_with_bounded_points(qtbot, session):
    w = show_widget(qtbot, LossCurvePlot(session))
    session.set_mode("batch")
    session.train(30_000)
    w.refresh()
    x, y = w.curve_data()
    assert len(x) < 4200
    costs = np.asarray(session.engine.epoch_costs)
    assert np.nanmax(y) == costs.max() and np.nanmin(y) == costs.min()
    assert w.curve.opts["clipToView"] and w.curve.opts["downsampleMethod"] == "peak"


def test_diverging_run_draws_no_garbage(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("xor"), lr=1e6, mode="batch"))
    w = show_widget(qtbot, LossCurvePlot(s))
    with qtbot.waitSignal(s.problem):
        s.train(100)
    w.refresh()
    assert not s.engine.status.ok
    _, y = w.curve_data()
    assert np.all(np.isfinite(y))
    # the banner's word for the stop, not a word of the plot's own
    assert "Diverging" in w.readout.text()
    assert s.engine.status.message.startswith("Diverging")


# ------------------------------------------------------------ landscape
@pytest.mark.parametrize("name", ["w1", "w2", "b"])
def test_slice_tangent_slope_is_the_gradient(qtbot, session, name):
    w = show_widget(qtbot, LandscapePlot(session), (1000, 500))
    session.set_mode("batch")
    session.train(30)
    w.set_parameter_name(name)
    ds, net = session.engine.dataset, session.engine.network
    g = _grad(net, ds.X, ds.Y, name)
    assert w.tangent_slope() == pytest.approx(g, rel=1e-9)
    x, y = w.slice_data()
    np.testing.assert_allclose(y, cost_slice(net, ds.X, ds.Y, name, x), rtol=1e-12)
    # the tangent touches the slice at the current value
    theta = net.get(name)
    assert x.min() < theta < x.max()
    tx, ty = w.tangent.getData()
    assert np.mean(ty) == pytest.approx(net.cost(ds.X, ds.Y), rel=1e-12)
    # and the slice's own slope there agrees
    h = 1e-5
    lo, hi = cost_slice(net, ds.X, ds.Y, name, [theta - h, theta + h])
    assert (hi - lo) / (2 * h) == pytest.approx(w.tangent_slope(), rel=1e-5)


def test_slice_arrows_are_gradient_steps(qtbot, session):
    w = show_widget(qtbot, LandscapePlot(session), (1000, 500))
    session.set_mode("batch")  # the arrows descend the whole data set's cost
    w.set_parameter_name("b")
    ds = session.engine.dataset
    for lr in (0.5, 5.0, 50.0):
        w.set_arrow_lr(lr)
        arrows = w.arrows()
        assert len(arrows) == 8
        for a, _, c, _ in arrows:
            probe = session.engine.network.copy()
            probe.set("b", a)
            assert c == pytest.approx(a - lr * _grad(probe, ds.X, ds.Y, "b"), rel=1e-12)
    # α = 50 overshoots: the steps change direction
    steps = [c - a for a, _, c, _ in w.arrows()]
    assert min(steps) < 0 < max(steps)
    assert sum(h.isVisible() for h in w.heads) >= 6
    w.set_arrow_lr(None)
    assert w.arrow_lr() == session.engine.lr


def test_landscape_map_records_the_descent_path(qtbot, session):
    w = show_widget(qtbot, LandscapePlot(session), (1000, 500))
    session.set_mode("batch")
    for _ in range(5):
        session.train(100)
    w.refresh()
    px, py = w.path_data()
    assert len(px) == 6  # the start and one point per training call
    p = session.engine.parameters()
    assert (px[-1], py[-1]) == (p["w1"], p["w2"])
    assert (px[0], py[0]) == (0.1, 0.6)
    img = w.map_image.image
    assert img.dtype == np.float32 and np.all(np.isfinite(img))
    session.reset()
    w.refresh()
    assert len(w.path_data()[0]) == 1


# ------------------------------------------------------------ learning rates
def test_parse_learning_rates():
    assert parse_learning_rates("5e-10, 0.5, 5, 50") == [5e-10, 0.5, 5.0, 50.0]
    assert parse_learning_rates(" 1;2 3 ") == [1.0, 2.0, 3.0]
    for bad in ("", "abc", "0.5, x", "-1", "inf", "nan", ",".join(["1"] + [str(i) for i in
                                                                          range(2, 12)])):
        with pytest.raises(ValueError):
            parse_learning_rates(bad)


def test_lr_comparison_equals_separate_runs(qtbot, session):
    w = show_widget(qtbot, LearningRateComparison(session), (900, 500))
    w.set_epochs(2000)
    assert w.lr_edit.text() == "5×10⁻¹⁰, 0.5, 5, 50"
    run_comparison(qtbot, w)
    curves = w.curves()
    assert list(curves) == [5e-10, 0.5, 5.0, 50.0]
    for lr, y in curves.items():
        eng = Engine(network=session.engine.network.copy(), dataset=session.engine.dataset,
                     mode="batch", lr=lr)
        np.testing.assert_allclose(y, eng.train(2000), rtol=0, atol=1e-12)
    assert curves[0.5][-1] > curves[5.0][-1]  # α = 5 gets further in the same epochs
    # the session's engine was not trained
    assert session.engine.epoch == 0


def test_lr_comparison_flags_a_diverging_rate(qtbot):
    s = Session(Engine(neuron((0.1, 0.6), 0.0), gate("xor"), lr=1.0, mode="batch"))
    w = show_widget(qtbot, LearningRateComparison(s), (900, 500))
    w.set_learning_rates([0.5, 1e6])
    w.set_epochs(500)
    run_comparison(qtbot, w)
    assert w.flags() == {1e6: "Diverging"}  # the status' own word, as the banner says
    for y in w.curves().values():
        assert np.all(np.isfinite(y))
    for it in w._items:
        _, y = it.getData()
        assert y is None or np.all(np.isfinite(y))
    labels = [lab.text for _, lab in w.legend.items]
    assert any("Diverging" in t for t in labels)
    assert "Diverging" in w.message.text()


def test_lr_comparison_bad_text_gives_a_message(qtbot, session):
    w = show_widget(qtbot, LearningRateComparison(session), (900, 500))
    w.lr_edit.setText("0.5, fast")
    assert w.compare() is False
    assert "“fast” is not a number" in w.message.text()
    w.lr_edit.setText("0.5, 5")
    w.set_epochs(100)
    qtbot.mouseClick(w.compare_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.has_result, timeout=60000)
    assert list(w.curves()) == [0.5, 5.0]
    session.set_parameter("w1", 1.0)
    w.refresh()
    assert w.out_of_date and w.stale_label.text().startswith("Out of date")


# ------------------------------------------------------------ panel
def test_panel_names_and_refresh(qtbot, session):
    p = PlotsPanel(session)
    qtbot.addWidget(p)
    p.resize(1200, 600)
    p.show()
    qtbot.waitExposed(p)
    names = {w.accessibleName() for w in p.plots}
    assert names == {"loss curve", "decision boundary", "loss landscape",
                     "learning-rate comparison"}
    assert p.boundary.isVisible() and p.loss.isVisible()
    session.set_mode("batch")
    session.train(200)
    p.refresh()
    np.testing.assert_array_equal(p.loss.curve_data()[1], session.engine.epoch_costs)
    assert p.landscape._stale  # hidden tab: drawn when shown
    p.tabs.setCurrentWidget(p.landscape)
    assert not p.landscape._stale
    assert p.landscape.tangent_slope() == pytest.approx(
        _grad(session.engine.network, session.engine.dataset.X, session.engine.dataset.Y,
              p.landscape.parameter_name), rel=1e-9)
    p.tabs.setCurrentWidget(p.lr_compare)  # first visit runs the comparison
    qtbot.waitUntil(lambda: p.lr_compare.has_result, timeout=60000)
    p.set_auto_refresh(False)
    assert not any(w.auto_refresh for w in p.plots)
    p.refresh(include_hidden=True)


def test_refresh_is_idempotent(qtbot, session):
    p = PlotsPanel(session)
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    session.set_mode("batch")
    session.train(10)
    p.refresh(include_hidden=True)
    img = p.boundary.grid_image()
    x = p.loss.curve_data()[0]
    p.refresh(include_hidden=True)
    assert p.boundary.grid_image() is img  # nothing recomputed
    assert p.loss.curve_data()[0] is not None and len(p.loss.curve_data()[0]) == len(x)
    assert math.isfinite(p.landscape.tangent_slope())
