"""Stepping, stepping back, the fast path, settings and bad input."""

import numpy as np
import pytest

from core import Engine, EngineError, from_points, gate, neuron, two_layer
from core.datasets import DatasetError
from core.network import NetworkError


def snapshot(e: Engine):
    return (
        e.cursor, e.phase, e.epoch, e.iteration, e.parameters(), list(e.epoch_costs),
        list(e.iteration_costs), e.status, [s.to_dict() for s in e.revealed],
        e.current_pass.indices,
    )


@pytest.mark.parametrize("mode", ["single", "minibatch", "batch"])
def test_step_back_restores_exactly(mode):
    e = Engine(mode=mode, example=None, batch_size=3, lr=2.0)
    states = [snapshot(e)]
    for _ in range(60):  # several passes and epochs, one micro-step at a time
        e.step_forward()
        states.append(snapshot(e))
    for expected in reversed(states[:-1]):
        e.step_back()
        assert snapshot(e) == expected
    assert e.step_back() is None  # nothing before the start


def test_one_pass_micro_steps_in_order():
    e = Engine()
    kinds = []
    while e.phase != "done":
        kinds.append(e.step_forward().phase)
    assert kinds == ["forward"] * 6 + ["backward"] * 6 + ["update"] * 3
    assert e.iteration == 1 and e.epoch == 1  # example 0 alone is the whole epoch


@pytest.mark.parametrize("mode,kw", [
    ("batch", {}), ("single", {"example": None}), ("single", {"example": 2}),
    ("minibatch", {"batch_size": 3}), ("minibatch", {"batch_size": 1}),
])
@pytest.mark.parametrize("net", ["neuron", "no-bias", "hidden"])
def test_fast_path_equals_stepped_path(mode, kw, net):
    def make():
        if net == "hidden":
            return two_layer([[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]], [0, 0, 0],
                             [[0.1, 0.4, 0.9]], [0])
        return neuron((0.1, 0.6), None if net == "no-bias" else 0.0)

    stepped = Engine(make(), gate("xor"), lr=1.5, mode=mode, **kw)
    fast = Engine(make(), gate("xor"), lr=1.5, mode=mode, **kw)
    for _ in range(40):
        stepped.run_epoch()
    costs = fast.train(40)
    np.testing.assert_allclose(costs, stepped.epoch_costs, atol=1e-12, rtol=0)
    for k, v in stepped.parameters().items():
        assert fast.parameters()[k] == pytest.approx(v, abs=1e-12)
    assert (fast.epoch, fast.iteration) == (stepped.epoch, stepped.iteration)


def test_fast_path_from_the_middle_of_an_epoch():
    a = Engine(mode="single", example=None)
    b = Engine(mode="single", example=None)
    for e in (a, b):
        for _ in range(20):  # into the second example's pass
            e.step_forward()
    for _ in range(3):
        a.run_epoch()
    b.train(3)
    np.testing.assert_allclose(b.epoch_costs, a.epoch_costs, atol=1e-12, rtol=0)
    assert b.parameters() == pytest.approx(a.parameters(), abs=1e-12)
    assert b.epoch == a.epoch == 3


def test_parameters_set_mid_pass_show_forward_values():
    e = Engine(mode="batch")
    assert e.phase == "idle"
    e.set_parameter("w2", 0.9)
    assert e.phase == "forward" and e.cursor == e.current_pass.n_forward
    z = e.current_pass.steps[e.cursor - 3].value  # z of the rebuilt pass
    np.testing.assert_allclose(z, [0, 0.9, 0.1, 1.0])
    e.finish_backward()
    e.set_parameter("b", 0.5)  # stays in the backward phase, gradients recomputed
    assert e.phase == "backward"
    assert e.current_pass.params_before["b"] == 0.5


def test_learning_rate_change_recomputes_the_update():
    e = Engine()
    e.finish_backward()
    e.set_learning_rate(0.5)
    e.apply_update()
    assert e.parameters()["b"] == pytest.approx(-0.0625)


def test_single_example_choice_and_cycle():
    e = Engine(example=3)
    e.apply_update()
    assert e.current_pass.indices == (3,)
    e.set_mode("single", example=None)
    seen = []
    for _ in range(5):
        e.apply_update()
        seen.append(e.current_pass.indices[0])
    assert seen == [0, 1, 2, 3, 0]


def test_minibatch_schedule():
    e = Engine(dataset=from_points([(0, 0, 0)] * 5), mode="minibatch", batch_size=2)
    assert e.schedule() == [(0, 1), (2, 3), (4,)]


@pytest.mark.parametrize("lr", [1e6, 1e300])
@pytest.mark.parametrize("mode", ["batch", "single"])
def test_huge_learning_rate_is_reported_and_stops(lr, mode):
    e = Engine(lr=lr, mode=mode, example=None)
    costs = e.train(1000)
    assert e.status.kind == "stuck" and e.status.title == "Stuck"
    assert e.status.message.startswith("Stuck:") and "learning rate" in e.status.message
    assert len(costs) < 1000 or mode == "single"
    assert np.all(np.isfinite(costs))
    assert e.run_epoch() is None  # stopped there
    assert len(e.train(10)) == 0
    e.set_learning_rate(0.5)  # a smaller α cannot unsaturate the sigmoid...
    assert e.status.kind == "stuck"
    e.reset()  # ...a reset can
    assert e.status.ok


def test_rising_cost_is_reported():
    from core.watch import Watch

    w, st = Watch(), None
    for c in [0.1, 0.11, 0.12, 0.13, 0.14, 0.15]:
        w, st = w.feed(c)
    assert st.kind == "diverged"
    w, st = Watch().feed(float("nan"))
    assert st.kind == "non-finite"


@pytest.mark.parametrize("case", ["update", "forward"])
def test_non_finite_stops_stepping(case):
    if case == "update":  # α·gradient overflows: the parameters become ±∞
        e = Engine(neuron((0.0, 0.0), 0.0), from_points([(1e6, 1e6, 0), (-1e6, 1e6, 1)]),
                   mode="batch", lr=1e308)
    else:  # w·x overflows while cost and update stay finite (σ(∞) = 1, slope 0)
        e = Engine(neuron((1e303, 1e303), 0.0), from_points([(1e6, 1e6, 0), (0, 0, 1)]),
                   mode="batch", lr=1.0)
    e.apply_update()
    assert e.status.kind == "non-finite" and e.status.title == "Overflowed"
    assert e.status.message.startswith("Overflowed:")
    n, it = e.cursor, e.iteration
    assert e.step_forward() is None and e.cursor == n  # no step past the overflow
    e.apply_update()
    assert (e.cursor, e.iteration) == (n, it)
    assert e.run_epoch() is None and len(e.train(5)) == 0


@pytest.mark.parametrize("mode", ["batch", "single"])
def test_fast_path_reports_a_forward_overflow_like_the_stepped_path(mode):
    def make():
        return Engine(neuron((1e303, 1e303), 0.0), from_points([(1e6, 1e6, 0), (0, 0, 1)]),
                      mode=mode, example=None, lr=1.0)

    fast, stepped = make(), make()
    fast.train(10)
    stepped.run_epoch()
    assert fast.status == stepped.status and fast.status.kind == "non-finite"
    assert fast.epoch == 1
    ds = gate("or")
    big = Engine(two_layer(np.full((3, 2), 1e308), np.full((3, 1), 1e308), [[1, 1, 1]], [0]),
                 from_points(np.column_stack([np.tile(ds.X.T, (20, 1)), np.tile(ds.Y[0], 20)])),
                 mode="batch")  # over SCALAR_LIMIT: the NumPy kernel
    big.train(3)
    assert big.status.kind == "non-finite"


def test_bad_arguments_name_the_problem():
    with pytest.raises(EngineError, match="negative"):
        Engine(lr=-0.1)
    with pytest.raises(EngineError, match="finite"):
        Engine(lr=float("nan"))
    with pytest.raises(EngineError, match="finite"):
        Engine().set_learning_rate(float("inf"))
    with pytest.raises(EngineError, match="mode"):
        Engine(mode="stochastic")
    with pytest.raises(EngineError, match="example 7"):
        Engine(example=7)
    with pytest.raises(EngineError, match="batch size"):
        Engine(mode="minibatch", batch_size=0)
    with pytest.raises(NetworkError, match="no parameter"):
        Engine().set_parameter("w9", 1.0)
    with pytest.raises(EngineError, match="finite"):
        Engine().set_parameter("w1", float("inf"))
    with pytest.raises(NetworkError, match="two weights"):
        neuron((1, 2, 3))
    with pytest.raises(NetworkError, match="expects 3 inputs"):
        two_layer([[1, 2, 3]], [0], [[1]], [0])
    with pytest.raises(EngineError, match="whole number"):
        Engine().train(2.5)


def test_bad_datasets_name_the_problem():
    with pytest.raises(DatasetError, match="empty"):
        from_points([])
    with pytest.raises(DatasetError, match="0 or 1"):
        from_points([(0, 0, 2)])
    with pytest.raises(DatasetError, match="three numbers"):
        from_points([(0, 0)])
    with pytest.raises(DatasetError, match="finite"):
        from_points([(0, float("nan"), 1)])
    with pytest.raises(DatasetError, match="unknown dataset"):
        gate("xnor")
    with pytest.raises(DatasetError, match="no example"):
        gate("or").without_point(4)


def test_custom_dataset_trains_like_a_gate():
    ds = gate("and").with_point(0.5, 0.5, 1)
    assert ds.name == "custom" and ds.m == 5
    e = Engine(dataset=ds, mode="batch")
    assert len(e.train(10)) == 10
    e.set_dataset(ds.without_point(4))
    assert e.dataset.m == 4 and e.epoch == 0


@pytest.mark.parametrize("name", ["or", "and", "nand", "nor", "xor"])
def test_gates(name):
    ds = gate(name)
    assert ds.X.shape == (2, 4) and ds.Y.shape == (1, 4)
    assert set(ds.Y[0]) <= {0.0, 1.0}


@pytest.mark.parametrize("mode", ["batch", "minibatch", "single"])
def test_numpy_kernel_equals_stepped_path_on_a_large_dataset(mode):
    """Above core.fastpath.SCALAR_LIMIT the neuron trains on the NumPy kernel."""
    from core import fastpath

    rng = np.random.default_rng(7)
    m = fastpath.SCALAR_LIMIT  # × 2 inputs: over the limit
    pts = np.column_stack([rng.uniform(-0.5, 1.5, size=(m, 2)), rng.integers(0, 2, size=m)])
    a = Engine(dataset=from_points(pts), mode=mode, example=None, batch_size=7, lr=2.0)
    b = Engine(dataset=from_points(pts), mode=mode, example=None, batch_size=7, lr=2.0)
    for _ in range(5):
        a.run_epoch()
    np.testing.assert_allclose(b.train(5), a.epoch_costs, atol=1e-12, rtol=0)
    assert b.parameters() == pytest.approx(a.parameters(), abs=1e-12)


@pytest.mark.parametrize("mode,lr", [("single", 0.1), ("single", 1.0), ("batch", 1.0),
                                     ("batch", 5.0)])
def test_xor_plateau_is_not_called_divergence(mode, lr):
    """A single neuron stalls on XOR: rounding-sized rises are no divergence."""
    e = Engine(dataset=gate("xor"), mode=mode, example=None, lr=lr)
    costs = e.train(5000)
    assert e.status.ok, (e.epoch, e.status.message)
    assert len(costs) == 5000 and 0.12 < costs[-1] < 0.15


@pytest.mark.parametrize("mode", ["single", "batch"])
def test_fast_and_stepped_paths_stop_at_the_same_epoch(mode):
    a = Engine(lr=1e6, mode=mode, example=None)
    b = Engine(lr=1e6, mode=mode, example=None)
    a.train(50)
    for _ in range(50):
        b.run_epoch()
    assert a.epoch == b.epoch < 10
    assert a.status == b.status and a.status.kind == "stuck"
    assert "saturation" in a.status.message
    np.testing.assert_allclose(a.epoch_costs, b.epoch_costs, atol=1e-12, rtol=0)


def test_zero_learning_rate_is_not_stuck():
    e = Engine(lr=0.0, mode="batch")
    e.train(50)
    assert e.status.ok and e.epoch == 50


def test_a_new_setup_mid_update_does_not_keep_half_a_step():
    e = Engine(mode="batch")
    p = e.current_pass
    for _ in range(p.n_forward + p.n_backward + 1):  # w1's update shown, w2's and b's not
        e.step_forward()
    assert e.parameters()["w1"] != 0.1
    e.set_mode("single", 0)
    assert e.parameters() == {"w1": 0.1, "w2": 0.6, "b": 0.0}
    assert e.iteration == 0


def test_a_smaller_rate_clears_an_overshoot_warning():
    e = Engine(dataset=gate("xor"), mode="batch", lr=50.0)
    e.train(100)
    assert e.status.kind == "diverged" and "overshoot" in e.status.message
    e.set_learning_rate(0.5)  # the cure for overshooting
    assert e.status.ok


def test_each_status_kind_has_its_own_title_and_message():
    from core import watch

    cases = {watch.OK: ("ok", ""), watch.RISING: ("diverged", "Diverging"),
             watch.ABOVE_START: ("diverged", "Diverging"), watch.STUCK: ("stuck", "Stuck"),
             watch.NON_FINITE: ("non-finite", "Overflowed")}
    for st, (kind, title) in cases.items():
        assert (st.kind, st.title) == (kind, title)
        assert st.message.startswith(f"{title}: ") or st.ok


@pytest.mark.parametrize("stepped", [False, True])
def test_no_bias_neuron_frozen_apart_from_the_zero_input_is_stuck(stepped):
    """NAND, no bias, α = 10⁶: every example saturates except (0, 0), where z = 0
    whatever the weights, so it moves nothing: the cost freezes at 0.15625."""
    e = Engine(neuron((0.5, -0.5), None), gate("nand"), lr=1e6, mode="batch")
    if stepped:
        for _ in range(50):
            e.run_epoch()
    else:
        e.train(50)
    assert e.status.kind == "stuck" and e.status.message.startswith("Stuck:")
    assert e.epoch < 10 and e.epoch_costs[-1] == 0.15625


def test_a_no_bias_neuron_on_zero_inputs_alone_is_not_called_stuck():
    e = Engine(neuron((0.5, -0.5), None), from_points([(0, 0, 1), (0, 0, 1)]), lr=1.0,
               mode="batch")
    e.train(50)
    assert e.status.ok  # nothing can move, but nothing saturated: no huge step to blame


@pytest.mark.parametrize("mode,kw", [("minibatch", {"batch_size": 3}),
                                     ("minibatch", {"batch_size": 1}),
                                     ("single", {"example": None})])
@pytest.mark.parametrize("lr", [0.1, 1.0])
def test_stochastic_wobble_is_not_called_divergence(mode, kw, lr):
    """XOR, batch size 3, α = 0.1: the epoch cost dips to 0.127 and settles at 0.139 on
    the cycle the updates go round: noise, not a too-large learning rate."""
    e = Engine(dataset=gate("xor"), mode=mode, lr=lr, **kw)
    e.train(3000)
    assert e.status.ok, (e.epoch, e.status.message)


@pytest.mark.parametrize("mode,kw", [("minibatch", {"batch_size": 3}),
                                     ("minibatch", {"batch_size": 1}),
                                     ("single", {"example": None}), ("batch", {})])
@pytest.mark.parametrize("lr", [1e3, 1e6])
def test_a_far_too_large_rate_is_still_caught_in_every_mode(mode, kw, lr):
    for name in ("or", "xor"):
        e = Engine(dataset=gate(name), mode=mode, lr=lr, **kw)
        e.train(200)
        assert not e.status.ok and "learning rate" in e.status.message


def test_overshooting_in_minibatch_is_still_diverging():
    e = Engine(dataset=gate("or"), mode="minibatch", batch_size=3, lr=100.0)
    e.train(200)
    assert e.status.kind == "diverged" and e.status.message.startswith("Diverging:")


def test_far_away_points_are_refused():
    with pytest.raises(DatasetError, match="x₁ .*between −10⁶ and 10⁶"):
        from_points([(0, 0, 1), (1e30, 0, 0)])
    with pytest.raises(DatasetError, match="point 4 has x₂"):
        gate("or").with_point(0, -2e6, 1)  # the fifth point
    assert from_points([(1e6, -1e6, 1)]).m == 1


@pytest.mark.parametrize("net", ["neuron", "no-bias", "hidden"])
@pytest.mark.parametrize("mode,kw", [("batch", {}), ("minibatch", {"batch_size": 3})])
def test_train_reports_every_epochs_cost_and_parameters(net, mode, kw):
    """The trace prints a line per fast epoch from this hook: it must see what a stepped
    run has after each epoch, names and all (a hidden layer runs the NumPy kernel)."""
    def make():
        if net == "hidden":
            n = two_layer([[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]], [0, 0, 0],
                          [[0.1, 0.4, 0.9]], [0])
        else:
            n = neuron((0.1, 0.6), None if net == "no-bias" else 0.0)
        return Engine(n, gate("xor"), lr=1.5, mode=mode, **kw)

    stepped, fast, seen = make(), make(), []
    for e in (stepped, fast):
        e.apply_update()  # part-way into the first epoch (one pass in batch mode)
    fast.train(6, lambda cost, params: seen.append((cost, params)))
    expected = []
    for _ in range(6):
        stepped.run_epoch()
        expected.append((stepped.epoch_costs[-1], stepped.parameters()))
    assert len(seen) == 6
    for (c, p), (c0, p0) in zip(seen, expected):
        assert c == pytest.approx(c0, abs=1e-12) and p.keys() == p0.keys()
        assert p == pytest.approx(p0, abs=1e-12)
