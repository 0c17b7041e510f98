"""Issue #8: a held-out test set, whose cost the engine records beside each epoch's
training cost (the network's own loss, parameters at the end of the epoch)."""

import math

import numpy as np
import pytest

from core import datasets
from core.engine import Engine, EngineError
from core.setup import NetworkSpec

MOONS = datasets.generated("moons", 40, seed=3)
TRAIN, TEST = datasets.split(MOONS, 0.25, seed=1)

NETS = [("neuron", "mse"), ("neuron", "bce"), ("cross", "mse"), ("2-3-1", "bce"),
        ("2-5-3-1", "mse")]
MODES = [("single", {}), ("single", {"example": 5}), ("minibatch", {"batch_size": 7}),
         ("batch", {})]


def engine(net="neuron", loss="mse", mode="single", test=TEST, lr=0.5, **kw):
    init = "tutorial" if net in ("neuron", "cross") else "xavier"
    spec = NetworkSpec(net, loss=loss, init=init, seed=4)
    if mode == "single":
        kw.setdefault("example", None)
    return Engine(spec.build(), TRAIN, lr=lr, mode=mode, test_set=test, **kw)


def direct_test_cost(e: Engine) -> float:
    """The loss on the test set by its textbook formula, parameters as the engine has them."""
    y = TEST.Y[0]
    yhat = e.network.predict(TEST.X)[0]
    if e.network.loss.name == "bce":
        return float(-np.mean(y * np.log(yhat) + (1 - y) * np.log(1 - yhat)))
    return float(np.mean(0.5 * (y - yhat) ** 2))


@pytest.mark.parametrize("net,loss", NETS)
def test_each_epochs_test_cost_is_the_loss_on_the_test_set_after_its_last_update(net, loss):
    e = engine(net, loss)
    want = []
    for _ in range(4):
        e.run_epoch()
        want.append(direct_test_cost(e))  # the parameters now: the epoch's end
    assert len(e.test_costs) == len(e.epoch_costs) == 4
    np.testing.assert_allclose(e.test_costs.view(), want, rtol=1e-12, atol=1e-15)
    # not the training cost: another set of points
    assert not np.allclose(e.test_costs.view(), e.epoch_costs.view())


@pytest.mark.parametrize("mode,kw", MODES, ids=lambda m: str(m))
@pytest.mark.parametrize("net,loss", NETS)
def test_the_fast_path_records_the_stepped_paths_test_costs(net, loss, mode, kw):
    stepped, fast = engine(net, loss, mode, **kw), engine(net, loss, mode, **kw)
    for _ in range(6):
        stepped.run_epoch()
    costs = fast.train(6)
    assert len(fast.test_costs) == len(costs) == 6
    np.testing.assert_allclose(fast.test_costs.view(), stepped.test_costs.view(),
                               rtol=0, atol=1e-12)


def test_a_part_done_epoch_finished_on_the_fast_path_keeps_the_test_costs_in_step():
    stepped, fast = engine(mode="minibatch", batch_size=4), engine(mode="minibatch", batch_size=4)
    for _ in range(3):
        stepped.run_epoch()
    for _ in range(5):
        fast.step_forward()  # into the first pass: train() finishes it first
    fast.apply_update()
    fast.apply_update()
    fast.train(3)
    np.testing.assert_allclose(fast.test_costs.view(), stepped.test_costs.view(),
                               rtol=0, atol=1e-12)
    assert len(fast.test_costs) == len(fast.epoch_costs) == 3


def test_stepping_back_takes_the_test_cost_back_exactly():
    e = engine(mode="minibatch", batch_size=10)  # 3 passes an epoch
    e.run_epoch()
    e.run_epoch()
    before = e.test_costs[:]
    e.run_epoch()
    third = e.test_costs[:]
    assert len(third) == 3
    while e.iteration > 6:  # back through the whole third epoch, micro-step by micro-step
        e.step_back()
        assert len(e.test_costs) == len(e.epoch_costs)
    np.testing.assert_array_equal(e.test_costs[:], before)
    e.run_epoch()
    np.testing.assert_array_equal(e.test_costs[:], third)


def test_without_a_test_set_there_are_no_test_costs():
    e = engine(test=None)
    e.run_epoch()
    e.train(5)
    assert len(e.epoch_costs) == 6 and len(e.test_costs) == 0
    assert math.isnan(e.test_cost())


def test_setting_or_removing_the_test_set_starts_the_curves_afresh():
    e = engine(test=None)
    e.train(3)
    e.set_test_set(TEST)
    assert len(e.epoch_costs) == len(e.test_costs) == 0
    e.train(2)
    assert len(e.test_costs) == 2
    assert e.test_cost() == pytest.approx(direct_test_cost(e), rel=1e-12)
    e.set_test_set(None)
    e.train(2)
    assert len(e.epoch_costs) == 2 and len(e.test_costs) == 0
    e.forget_records()
    e.set_test_set(TEST)
    e.train(1)
    e.forget_records()
    assert len(e.test_costs) == 0


@pytest.mark.parametrize("bad,message", [
    (datasets.Dataset("empty", np.zeros((2, 0)), np.zeros((1, 0))), "the test set is empty"),
    ([[0, 0, 1]], "must be a Dataset"),
])
def test_a_bad_test_set_is_refused_and_the_old_one_kept(bad, message):
    e = engine()
    e.run_epoch()
    with pytest.raises(EngineError, match=message):
        e.set_test_set(bad)
    assert e.test_set is TEST and len(e.test_costs) == 1
    with pytest.raises(EngineError, match=message):
        engine(test=bad)


@pytest.mark.parametrize("path", ["stepped", "fast"])
def test_an_overflowed_network_has_a_non_finite_test_cost_and_no_warning(path):
    # z = ∞ at (1, 1), whose cross-entropy z − z·y + log(1 + e^−|z|) is then ∞ − ∞
    spec = NetworkSpec("neuron", loss="bce", params={"w1": 1.7e308, "w2": 1.7e308})
    e = Engine(spec.build(), TRAIN, lr=1.0, mode="batch", test_set=TEST.with_point(1, 1, 1))
    if path == "stepped":
        for _ in range(3):
            e.run_epoch()
    else:
        e.train(3)
    assert e.status.kind == "non-finite"
    assert len(e.test_costs) == len(e.epoch_costs) == 1
    assert math.isnan(e.test_cost())
    assert all(math.isnan(c) for c in e.test_costs)


def test_ten_thousand_moons_with_a_test_set_train_without_warnings():
    train, test = datasets.split(datasets.generated("moons", 10_000), 0.2)
    assert test.m == 2000
    for mode in ("single", "batch"):
        e = Engine(NetworkSpec("2-5-3-1", init="he", activation="relu").build(), train,
                   lr=0.1, mode=mode, example=None, test_set=test)
        e.train(3)
        assert len(e.test_costs) == 3 and np.all(np.isfinite(e.test_costs.view()))
