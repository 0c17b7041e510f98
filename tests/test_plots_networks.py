"""gui/plots.py for every network and data set: layered nets, the feature cross, hidden
tanh/ReLU, cross-entropy, generated sets with a held-out test set, tiny custom sets."""

import numpy as np
import pytest
from conftest import run_comparison, show_widget

from core import Engine, datasets
from core.datasets import Dataset
from core.landscape import cost_grid, cost_slice, landscape_costs
from core.setup import NetworkSpec
from gui.plots import (
    DecisionBoundaryPlot,
    LandscapePlot,
    LearningRateComparison,
    PlotsPanel,
    map_pair,
)
from gui.session import Session

SPIRAL = datasets.generated("spiral", 300, 0.05, 0)
TRAIN, TEST = datasets.split(SPIRAL, 0.25, seed=1)


def make_session(network="2-3-1", ds=None, lr=1.0, mode="batch", test=None, **spec):
    if network not in ("neuron", "cross", "2-3-1") or spec.get("init"):
        spec.setdefault("init", "xavier")
    net = NetworkSpec(network=network, **spec).build()
    eng = Engine(net, ds if ds is not None else datasets.gate("xor"), lr=lr, mode=mode,
                 example=None, test_set=test)
    return Session(eng)


def _cross(u, v) -> float:
    return float(u[0] * v[1] - u[1] * v[0])


def _crossings(seg_x, seg_y, a, b) -> int:
    """How many of the drawn segments (pairs of points) the segment a–b crosses."""
    n = 0
    for k in range(0, len(seg_x) - 1, 2):
        p, q = np.array([seg_x[k], seg_y[k]]), np.array([seg_x[k + 1], seg_y[k + 1]])
        if not (np.all(np.isfinite(p)) and np.all(np.isfinite(q))):
            continue
        d1, d2 = _cross(b - a, p - a), _cross(b - a, q - a)
        d3, d4 = _cross(q - p, a - p), _cross(q - p, b - p)
        if d1 * d2 < 0 and d3 * d4 < 0:
            n += 1
    return n


# ------------------------------------------------------------------ loss curve
def test_loss_curve_draws_the_test_cost_beside_the_training_cost(qtbot):
    s = make_session("2-3-1", TRAIN, lr=2.0, test=TEST, loss="bce")
    p = show_widget(qtbot, PlotsPanel(s), (900, 500))
    s.train(40)
    p.refresh()
    eng = s.engine
    x, y = p.loss.test_curve_data()
    ok = np.isfinite(y)
    np.testing.assert_array_equal(y[ok], eng.test_costs.view())
    np.testing.assert_array_equal(x[ok], np.arange(len(eng.test_costs)))
    # another colour and another dash pattern than the training line, and in the legend
    tp, cp = p.loss.test_curve.opts["pen"], p.loss.curve.opts["pen"]
    assert tp.color() != cp.color() and tp.style() != cp.style()
    labels = [label.text for _, label in p.loss.legend.items]
    assert "test cost" in labels
    assert "cross-entropy" in p.loss.plot.getPlotItem().getAxis("left").labelText
    # the readout gives both at the hovered epoch
    text = p.loss.show_value_at(12)
    assert "epoch 12" in text and "test" in text
    from core.symbols import fmt
    assert fmt(eng.epoch_costs[12]) in text and fmt(eng.test_costs[12]) in text
    # the log scale floors and keeps the same values
    p.loss.set_log(True)
    x2, y2 = p.loss.test_curve_data()
    np.testing.assert_array_equal(y2[np.isfinite(y2)], eng.test_costs.view())
    # a break (a parameter changed by hand) cuts the test line too
    s.set_parameter("w1_1_1", 0.3)
    s.train(5)
    p.refresh()
    x3, y3 = p.loss.test_curve_data()
    assert np.isnan(y3).sum() == 1
    np.testing.assert_array_equal(y3[np.isfinite(y3)], eng.test_costs.view())
    # a new data set (no test set) clears it
    s.set_dataset(datasets.gate("xor"))
    eng.set_test_set(None)
    s.datasetChanged.emit()
    s.train(3)
    p.refresh()
    assert p.loss.test_curve_data()[0].size == 0
    assert "test cost" not in [label.text for _, label in p.loss.legend.items]


def test_no_test_line_without_a_test_set(qtbot):
    s = make_session("2-3-1")
    p = show_widget(qtbot, PlotsPanel(s), (900, 500))
    s.train(30)
    p.refresh()
    assert p.loss.test_curve_data()[0].size == 0
    assert not p.loss.test_curve.isVisible() or p.loss.test_curve.xData is None
    assert "test" not in p.loss.show_value_at(5)


# ------------------------------------------------------------ decision boundary
def test_xor_contour_of_a_trained_2_3_1_separates_the_four_points(qtbot):
    s = make_session("2-3-1", lr=1.0)
    w = show_widget(qtbot, DecisionBoundaryPlot(s))
    s.train(5000)
    w.refresh()
    net = s.engine.network
    yhat = net.predict(s.engine.dataset.X)[0]
    assert np.all((yhat > 0.5) == (s.engine.dataset.Y[0] > 0.5))  # it did learn XOR
    cx, cy = w.contour_data()
    assert cx.size > 10
    pts = {k: np.array(k, dtype=float) for k in ((0, 0), (0, 1), (1, 0), (1, 1))}
    # between the classes the contour is crossed an odd number of times, within a class
    # an even number: (0, 1) and (1, 0) lie on the same side, ŷ > 0.5
    for a in ((0, 1), (1, 0)):
        for b in ((0, 0), (1, 1)):
            assert _crossings(cx, cy, pts[a], pts[b]) % 2 == 1, (a, b)
    assert _crossings(cx, cy, pts[(0, 1)], pts[(1, 0)]) % 2 == 0
    assert _crossings(cx, cy, pts[(0, 0)], pts[(1, 1)]) % 2 == 0
    # the contour lies where ŷ = 0.5
    on = net.predict(np.vstack([cx[np.isfinite(cx)], cy[np.isfinite(cy)]]))[0]
    assert np.max(np.abs(on - 0.5)) < 0.05


@pytest.mark.parametrize("network,spec", [
    ("cross", {}), ("2-3-1", {"activation": "tanh"}), ("2-3-1", {"activation": "relu"}),
    ("2-8-8-1", {"loss": "bce"}), ("2-5-3-1", {"activation": "relu", "loss": "bce"})])
def test_contour_is_drawn_where_y_hat_is_one_half_for_every_network(qtbot, network, spec):
    s = make_session(network, datasets.generated("moons", 200, 0.1, 0), lr=0.5, **spec)
    w = show_widget(qtbot, DecisionBoundaryPlot(s))
    s.train(300)
    w.refresh()
    cx, cy = w.contour_data()
    ok = np.isfinite(cx)
    assert ok.sum() > 10
    on = s.engine.network.predict(np.vstack([cx[ok], cy[ok]]))[0]
    assert np.max(np.abs(on - 0.5)) < 0.05
    assert w.boundary_note() == ""


def test_generated_points_test_points_and_the_view_follow_the_data(qtbot):
    big = datasets.generated("circles", 10_000, 0.3, 2)
    train, test = datasets.split(big, 0.2, seed=0)
    s = make_session("2-3-1", train, test=test)
    w = show_widget(qtbot, DecisionBoundaryPlot(s))
    w.refresh()
    x, y = w.points.getData()
    assert len(x) == train.m  # one item for all the training points
    tx, ty = w.test_points.getData()
    np.testing.assert_array_equal(tx, test.X[0])
    np.testing.assert_array_equal(ty, test.X[1])
    # hollow markers: no fill
    def brushes(item):
        return [b if b is not None else item.opts["brush"] for b in item.data["brush"]]

    assert all(b.color().alpha() == 0 for b in brushes(w.test_points))
    assert all(b.color().alpha() > 0 for b in brushes(w.points))
    # every point in the default view
    (x0, x1), (y0, y1) = w.vb.viewRange()
    allx = np.concatenate([train.X[0], test.X[0]])
    ally = np.concatenate([train.X[1], test.X[1]])
    assert x0 <= allx.min() and allx.max() <= x1 and y0 <= ally.min() and ally.max() <= y1
    # and the image covers the view
    gx, gy, gw, gh = w.grid_rect()
    assert gx <= x0 + 1e-9 and gx + gw >= x1 - 1e-9


def test_a_hand_placed_point_far_away_keeps_the_plot_working(qtbot):
    s = make_session("neuron", datasets.from_points([(0, 0, 0), (1e6, -1e6, 1)]))
    w = show_widget(qtbot, DecisionBoundaryPlot(s))
    w.refresh()
    (x0, x1), (y0, y1) = w.vb.viewRange()
    assert x0 <= 0 and x1 >= 1e6 and y0 <= -1e6 and y1 >= 0
    img = w.grid_image()
    assert np.all(np.isfinite(img))
    s.train(20)
    w.refresh()


def test_clicking_a_point_into_the_plane_does_not_move_the_view(qtbot):
    s = make_session("neuron", datasets.gate("or"))
    w = show_widget(qtbot, DecisionBoundaryPlot(s))
    before = w.vb.viewRange()
    w.handle_click(1.3, 1.4)
    w.refresh()
    assert s.engine.dataset.m == 5
    assert w.vb.viewRange() == before


# ------------------------------------------------------------------- landscape
def test_slice_along_a_hidden_weight_of_2_3_1(qtbot):
    s = make_session("2-3-1", lr=1.0)
    w = show_widget(qtbot, LandscapePlot(s), (1000, 500))
    s.train(200)
    w.set_parameter_name("w1_2_1")
    w.refresh()
    eng = s.engine
    net, ds = eng.network, eng.dataset
    x, y = w.slice_data()
    assert x.size > 20
    for k in (0, x.size // 3, x.size // 2, x.size - 1):
        probe = net.copy()
        probe.set("w1_2_1", x[k])
        assert y[k] == pytest.approx(probe.cost(ds.X, ds.Y), rel=1e-12)
    theta = net.get("w1_2_1")
    h = 1e-6
    lo, hi = cost_slice(net, ds.X, ds.Y, "w1_2_1", [theta - h, theta + h])
    assert w.tangent_slope() == pytest.approx((hi - lo) / (2 * h), rel=1e-5)
    assert "w1_2_1" in w.map_parameters()
    assert w.param_box.currentText() == net.slot("w1_2_1").symbol
    assert w.param_box.count() == len(net.slots)


def test_landscape_follows_a_new_network_without_stale_names(qtbot):
    s = make_session("2-3-1")
    p = show_widget(qtbot, PlotsPanel(s), (1000, 500))
    p.tabs.setCurrentWidget(p.landscape)
    p.landscape.set_parameter_name("w2_1_3")
    p.refresh()
    # the window swaps in another network: the old name is gone
    s.engine.set_network(NetworkSpec(network="cross").build())
    s.setupChanged.emit()
    assert p.landscape.set_parameter_name("w2_1_3") is False  # refused quietly
    p.refresh()
    names = [p.landscape.param_box.itemData(i) for i in range(p.landscape.param_box.count())]
    assert names == [sl.name for sl in s.engine.network.slots]
    assert p.landscape.parameter_name in names
    assert set(p.landscape.map_parameters()) <= set(names)
    # same names, another activation: redrawn all the same
    s.engine.set_network(NetworkSpec(network="2-3-1", activation="tanh").build())
    s.setupChanged.emit()
    p.refresh()
    sig = NetworkSpec(network="2-3-1").build()
    eng = s.engine
    x, y = p.landscape.slice_data()
    name = p.landscape.parameter_name
    np.testing.assert_allclose(y, cost_slice(eng.network, eng.dataset.X, eng.dataset.Y, name,
                                             x), rtol=1e-12)
    assert not np.allclose(y, cost_slice(sig, eng.dataset.X, eng.dataset.Y, name, x))


def test_landscape_of_2_8_8_1_bounds_its_grids(qtbot):
    s = make_session("2-8-8-1", datasets.generated("circles", 2000, 0.1, 0))
    p = show_widget(qtbot, PlotsPanel(s), (1000, 500))
    p.tabs.setCurrentWidget(p.landscape)
    p.landscape.set_parameter_name("w2_5_7")
    p.refresh()
    qtbot.waitUntil(lambda: p.landscape.map_ready, timeout=60000)  # a few rows a frame
    img = p.landscape.map_image.image
    # 2000 examples × 105 parameters: the map is coarser, not slower
    assert img.shape[0] == img.shape[1] and img.shape[0] < 120
    assert np.all(np.isfinite(img))
    assert "w2_5_7" in p.landscape.map_parameters()


# ---------------------------------------------------------- learning-rate comparison
@pytest.mark.parametrize("network,spec", [("2-3-1", {"loss": "bce"}),
                                          ("cross", {"loss": "bce"}),
                                          ("2-5-3-1", {"activation": "tanh"})])
def test_lr_comparison_for_any_network_equals_the_engine(qtbot, network, spec):
    s = make_session(network, datasets.generated("moons", 60, 0.1, 0), **spec)
    w = show_widget(qtbot, LearningRateComparison(s), (900, 500))
    w.set_learning_rates([0.1, 1.0])
    w.set_epochs(300)
    run_comparison(qtbot, w)
    curves = w.curves()
    for lr in (0.1, 1.0):
        e = Engine(s.engine.network.copy(), s.engine.dataset, lr=lr, mode="batch")
        e.train(300)
        np.testing.assert_allclose(curves[lr], e.epoch_costs.view(), rtol=1e-9)
    # another loss with the same weights: the comparison is out of date
    other = "mse" if spec.get("loss") == "bce" else "bce"
    init = {} if network in ("cross", "2-3-1") else {"init": "xavier"}
    s.engine.set_network(NetworkSpec(network=network, **{**spec, "loss": other},
                                     **init).build())
    s.setupChanged.emit()
    w.refresh()
    assert w.out_of_date


# ----------------------------------------------------------- tiny and odd data sets
def _empty() -> Dataset:
    return Dataset("custom", np.empty((2, 0)), np.empty((1, 0)))


@pytest.mark.parametrize("points", [
    [(0.2, 0.3, 1)], [(0, 0, 1), (1, 1, 1), (0.5, 0.2, 1)], [(0, 0, 0), (1, 0, 0)]])
@pytest.mark.parametrize("network", ["neuron", "cross", "2-3-1", "2-8-8-1"])
def test_single_class_sets_draw_with_a_note(qtbot, network, points):
    s = make_session(network, datasets.from_points(points))
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    s.train(30)
    for i in range(3):
        p.tabs.setCurrentIndex(i)
        p.refresh()
    lc = p.lr_compare
    qtbot.waitUntil(lambda: lc.has_result, timeout=60000)
    cls = int(points[0][2])
    assert f"y = {cls}" in p.boundary.data_note()


@pytest.mark.parametrize("network", ["neuron", "2-3-1", "2-8-8-1"])
def test_an_empty_data_set_draws_notes_not_errors(qtbot, network):
    s = make_session(network)
    p = show_widget(qtbot, PlotsPanel(s), (1000, 600))
    s.engine.dataset = _empty()  # a window that lets the learner clear every point
    s.datasetChanged.emit()
    for i in range(3):
        p.tabs.setCurrentIndex(i)
        p.refresh(include_hidden=True)
    assert "no examples" in p.boundary.data_note().lower()
    assert "no examples" in p.landscape.info.text().lower()
    assert p.lr_compare.compare() is False
    assert "no examples" in p.lr_compare.message.text().lower()


@pytest.mark.parametrize("network,spec,m", [
    ("neuron", {}, 4), ("cross", {"loss": "bce"}, 4), ("2-3-1", {"activation": "tanh"}, 30),
    ("2-5-3-1", {"activation": "relu", "loss": "bce"}, 50), ("2-8-8-1", {}, 40)])
def test_landscape_costs_equal_the_cores_map_for_any_two_parameters(network, spec, m):
    net = make_session(network, datasets.generated("moons", m, 0.1, 0), **spec).engine.network
    ds = datasets.generated("moons", m, 0.1, 0)
    names = [s.name for s in net.slots]
    ws = np.linspace(-3, 4, 9)
    pairs = [map_pair(net, n) for n in (names[0], names[-1], names[len(names) // 2])]
    pairs.append((names[0], names[-1]))  # across layers
    for a, b in pairs:
        assert a != b
        g1, g2 = np.meshgrid(ws, ws)
        got = landscape_costs(net, ds.X, ds.Y, {a: g1.ravel(), b: g2.ravel()}).reshape(9, 9)
        np.testing.assert_allclose(got, cost_grid(net, ds.X, ds.Y, ws, ws, names=(a, b)),
                                   rtol=1e-12)


def test_the_map_catches_up_with_training_by_itself(qtbot):
    from core.landscape import pixel_centres

    s = make_session("2-3-1", lr=1.0)
    w = show_widget(qtbot, LandscapePlot(s), (1000, 500))
    w.set_parameter_name("w2_1_2")
    for _ in range(3):  # frames of play, closer together than the map follows
        s.train(50)
        w.refresh()
    # no more signals: the map still ends up of the parameters as they are now
    qtbot.waitUntil(lambda: w.map_ready, timeout=10000)
    eng = s.engine
    n1, n2 = w.map_parameters()
    img = w.map_image.image
    rect = w.map_image.mapRectToParent(w.map_image.boundingRect())
    ws = pixel_centres((rect.left(), rect.right()), img.shape[1])
    want = cost_grid(eng.network, eng.dataset.X, eng.dataset.Y, ws, ws, names=(n1, n2))
    np.testing.assert_allclose(img, np.log10(np.maximum(want, 1e-12)), rtol=1e-5)
