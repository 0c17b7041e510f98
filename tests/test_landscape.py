"""core/landscape.py: what the plots draw, checked against the engine and the maths."""

import numpy as np
import pytest

from core import Engine, feature_cross_neuron, gate, neuron, two_layer
from core.landscape import (
    LRRun,
    boundary_grid,
    boundary_line,
    compare_learning_rates,
    cost_grid,
    cost_slice,
    param_gradient,
    pixel_centres,
    slice_descent,
)

TUTORIAL_LRS = [5e-10, 0.5, 5.0, 50.0]


def _two_layer():
    return two_layer([[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]], [[0], [0], [0]],
                     [[0.1, 0.4, 0.9]], [[0]])


NETS = {
    "neuron": (lambda: neuron((0.1, 0.6), 0.0), "or"),
    "no bias": (lambda: neuron((0.1, 0.6), None), "or"),
    "feature cross": (lambda: feature_cross_neuron((0.1, 0.6, 0.2), 0.0), "xor"),
    "two layers": (_two_layer, "xor"),
}


def _grad(net, X, Y, name):
    s = net.slot(name)
    _, grads = net.gradients(X, Y)
    dW, db = grads[s.layer]
    return float((dW if s.kind == "W" else db)[s.index])


# ------------------------------------------------------------ boundary
def test_boundary_grid_shape_dtype_and_values():
    net = neuron((0.1, 0.6), 0.0)
    g = boundary_grid(net, n=200)
    assert g.shape == (200, 200)
    assert g.dtype == np.float32
    assert g.flags["C_CONTIGUOUS"]
    xs = pixel_centres((-0.5, 1.5), 200)
    # rows are x₂, columns x₁: compare a few pixels with the network itself
    for r, c in [(0, 0), (10, 190), (199, 3), (120, 77)]:
        expect = net.predict(np.array([[xs[c]], [xs[r]]]))[0, 0]
        assert g[r, c] == pytest.approx(expect, abs=1e-6)


@pytest.mark.parametrize("key", list(NETS))
def test_boundary_grid_any_network(key):
    make, _ = NETS[key]
    g = boundary_grid(make(), (-1, 2), (0, 1), n=50)
    assert g.shape == (50, 50) and g.dtype == np.float32
    assert np.all((g >= 0) & (g <= 1))


def test_boundary_grid_huge_weights_no_warning():
    net = neuron((1e200, -1e200), 1e200)
    g = boundary_grid(net, n=64)
    assert np.all(np.isfinite(g))


def test_boundary_line_intercepts():
    line = boundary_line(6.434191, 6.434236, -2.973036)
    assert line.kind == "line"
    assert line.x1_intercept == pytest.approx(2.973036 / 6.434191)
    assert line.x2_intercept == pytest.approx(2.973036 / 6.434236)
    assert line.x1_intercept == pytest.approx(0.462, abs=1e-3)
    (xa, ya), (xb, yb) = line.segment
    for x, y in line.segment:  # endpoints on the line and on the box's border
        assert 6.434191 * x + 6.434236 * y - 2.973036 == pytest.approx(0, abs=1e-9)
        assert -0.5 - 1e-12 <= x <= 1.5 + 1e-12 and -0.5 - 1e-12 <= y <= 1.5 + 1e-12
    # the intercept read off the drawn segment
    t = ya / (ya - yb)
    assert xa + t * (xb - xa) == pytest.approx(line.x1_intercept)


def test_boundary_line_special_cases():
    v = boundary_line(2.0, 0.0, -1.0)  # x₁ = 0.5
    assert v.kind == "vertical" and v.x1_intercept == 0.5 and v.x2_intercept is None
    assert {p[0] for p in v.segment} == {0.5}
    h = boundary_line(0.0, 4.0, -1.0)  # x₂ = 0.25
    assert h.kind == "horizontal" and h.x2_intercept == 0.25 and h.x1_intercept is None
    assert {p[1] for p in h.segment} == {0.25}
    assert boundary_line(0.0, 0.0, 1.0) == ("none", None, None, None)
    far = boundary_line(1.0, 1.0, -100.0)  # x₁ + x₂ = 100: outside the box
    assert far.segment is None and far.x1_intercept == 100.0
    no_bias = boundary_line(0.1, 0.6, None)
    assert no_bias.x1_intercept == 0.0 and no_bias.x2_intercept == 0.0
    huge = boundary_line(1e308, 1e308, -1e308)
    assert huge.x1_intercept == pytest.approx(1.0)


# ------------------------------------------------------------ slices
@pytest.mark.parametrize("key", list(NETS))
def test_cost_slice_matches_network_cost_and_gradient(key):
    make, gname = NETS[key]
    net = make()
    ds = gate(gname)
    for s in net.slots:
        theta = net.get(s.name)
        values = theta + np.linspace(-2, 2, 41)
        costs = cost_slice(net, ds.X, ds.Y, s.name, values)
        for v, c in zip(values[::10], costs[::10]):
            probe = net.copy()
            probe.set(s.name, v)
            assert c == pytest.approx(probe.cost(ds.X, ds.Y), rel=1e-12, abs=1e-15)
        # the slope of the slice at θ is the analytic gradient
        h = 1e-5
        left, right = cost_slice(net, ds.X, ds.Y, s.name, [theta - h, theta + h])
        analytic = _grad(net, ds.X, ds.Y, s.name)
        assert (right - left) / (2 * h) == pytest.approx(analytic, rel=1e-6, abs=1e-9)
        assert param_gradient(net, ds.X, ds.Y, s.name) == analytic
    assert net.values() == make().values()  # untouched


def test_cost_grid_matches_slices():
    net = neuron((0.1, 0.6), -0.3)
    ds = gate("or")
    w1 = np.linspace(-3, 8, 23)
    w2 = np.linspace(-2, 7, 17)
    grid = cost_grid(net, ds.X, ds.Y, w1, w2)
    assert grid.shape == (17, 23)
    for r in (0, 5, 16):
        probe = net.copy()
        probe.set("w2", w2[r])
        np.testing.assert_allclose(grid[r], cost_slice(probe, ds.X, ds.Y, "w1", w1), rtol=1e-12)


def test_slice_descent_steps_follow_the_gradient():
    net = neuron((0.1, 0.6), 0.0)
    ds = gate("or")
    for lr in (0.5, 5.0, 50.0):
        r = slice_descent(net, ds.X, ds.Y, "b", lr, 8)
        assert r.finite and len(r.thetas) == len(r.costs) == 9
        for k in range(8):
            probe = net.copy()
            probe.set("b", r.thetas[k])
            assert r.costs[k] == pytest.approx(probe.cost(ds.X, ds.Y), rel=1e-12)
            g = _grad(probe, ds.X, ds.Y, "b")
            assert r.thetas[k + 1] == pytest.approx(r.thetas[k] - lr * g, rel=1e-12, abs=1e-15)
    # α = 0.5 crawls, α = 5 strides, α = 50 overshoots: its steps change sign
    crawl = np.diff(slice_descent(net, ds.X, ds.Y, "b", 0.5, 8).thetas)
    stride = np.diff(slice_descent(net, ds.X, ds.Y, "b", 5.0, 8).thetas)
    over = np.diff(slice_descent(net, ds.X, ds.Y, "b", 50.0, 8).thetas)
    assert np.all(crawl > 0) and np.all(stride > 0) and abs(stride[0]) > 5 * abs(crawl[0])
    assert np.any(over > 0) and np.any(over < 0)
    assert net.get("b") == 0.0


def test_slice_descent_with_an_enormous_step_stays_finite():
    net = neuron((0.1, 0.6), 0.0)
    ds = gate("or")
    r = slice_descent(net, ds.X, ds.Y, "b", 1.7e308, 5)
    assert np.all(np.isfinite(r.thetas)) and np.all(np.isfinite(r.costs))
    assert len(r.thetas) == len(r.costs) >= 1


# ------------------------------------------------------------ learning rates
def _separate(net, ds, lr, epochs):
    eng = Engine(network=net.copy(), dataset=ds, mode="batch", lr=lr)
    costs = eng.train(epochs)
    return costs, eng.parameters(), eng.status


@pytest.mark.parametrize("key", list(NETS))
def test_compare_learning_rates_equals_separate_engine_runs(key):
    make, gname = NETS[key]
    net, ds = make(), gate(gname)
    lrs = [*TUTORIAL_LRS, 1e6, 0.0]
    res = compare_learning_rates(net, ds.X, ds.Y, lrs, 3000)
    assert res.costs.shape == (len(lrs), 3000)
    for i, lr in enumerate(lrs):
        costs, params, status = _separate(net, ds, lr, 3000)
        n = res.lengths[i]
        assert n == len(costs)
        np.testing.assert_allclose(res.costs[i, :n], costs, rtol=0, atol=1e-12)
        assert np.all(np.isnan(res.costs[i, n:]))
        assert res.params[i].keys() == params.keys()
        for k in params:
            assert res.params[i][k] == pytest.approx(params[k], rel=1e-12, abs=1e-12)
        assert res.statuses[i] == status
    assert net.values() == make().values()


def test_compare_reproduces_the_tutorial_run():
    ds = gate("or")
    res = compare_learning_rates(neuron((0.1, 0.6), 0.0), ds.X, ds.Y, [1.0], 5000)
    assert res.costs[0, 0] == pytest.approx(0.088913, abs=1e-6)
    assert res.costs[0, 4999] == pytest.approx(0.000528, abs=1e-6)
    assert res.params[0]["w1"] == pytest.approx(6.434191, abs=1e-6)
    assert res.params[0]["b"] == pytest.approx(-2.973036, abs=1e-6)


def test_huge_learning_rates_raise_no_warning_and_are_flagged():
    # filterwarnings = error: any overflow warning would fail this test
    ds = gate("xor")
    res = compare_learning_rates(neuron((0.1, 0.6), 0.0), ds.X, ds.Y, [1e6, 1e300], 200)
    assert all(not s.ok for s in res.statuses)
    for i in range(2):
        assert np.all(np.isfinite(res.costs[i, : res.lengths[i]]))
    r = slice_descent(neuron((0.1, 0.6), 0.0), ds.X, ds.Y, "w1", 1e6, 10)
    assert np.all(np.isfinite(r.costs))
    cost_slice(neuron((0.1, 0.6), 0.0), ds.X, ds.Y, "w1", [1e308, -1e308, 0.0])


def test_compare_rejects_bad_input():
    ds = gate("or")
    with pytest.raises(ValueError):
        compare_learning_rates(neuron(), ds.X, ds.Y, [-1.0], 10)
    with pytest.raises(ValueError):
        compare_learning_rates(neuron(), ds.X, ds.Y, [float("nan")], 10)


@pytest.mark.parametrize("key", list(NETS))
def test_lr_run_in_instalments_equals_one_go(key):
    """The window runs a comparison a slice at a time: the slices add up to the whole."""
    make, gname = NETS[key]
    net, ds = make(), gate(gname)
    lrs = [0.5, 5.0, 1e6]
    whole = compare_learning_rates(net, ds.X, ds.Y, lrs, 700)
    run = LRRun(net, ds.X, ds.Y, lrs, 700)
    calls, seen = 0, []
    while not run.advance(97):
        calls += 1
        seen.append(run.done_work)
    assert calls > 3 and seen == sorted(seen) and run.done_work == run.total
    part = run.result()
    np.testing.assert_array_equal(part.costs, whole.costs)
    np.testing.assert_array_equal(part.lengths, whole.lengths)
    assert part.statuses == whole.statuses and part.params == whole.params
