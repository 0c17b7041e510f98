"""Engine.snapshot / restore: going back to a moment exactly, then on from there."""

import numpy as np
import pytest

from core import Engine, datasets
from core.engine import EngineError
from core.history import CostHistory
from core.setup import NetworkSpec

SPECS = [NetworkSpec(), NetworkSpec(bias=False), NetworkSpec(network="cross", loss="bce"),
         NetworkSpec(network="2-3-1"), NetworkSpec(network="2-5-3-1", init="he", seed=2,
                                                   activation="relu")]


def observe(e):
    """Everything a view can see of the engine."""
    shown = {k: np.asarray(s.value).tolist() for k, s in e.shown_values().items()}
    return (e.parameters(), e.cursor, e.epoch, e.iteration, e.phase, e.status.kind,
            e.epoch_costs.tolist(), e.iteration_costs.tolist(), e.test_costs.tolist(),
            e.indices, shown, e.lr, e.mode, e.dataset.name)


def act(e, rng):
    """One random thing a learner does to the engine."""
    k = int(rng.integers(0, 9))
    if k == 0:
        e.step_forward()
    elif k == 1:
        e.step_back()
    elif k == 2:
        e.step_forward(str(rng.choice(["node", "layer", "pass"])))
    elif k == 3:
        e.apply_update()
    elif k == 4:
        e.train(int(rng.integers(1, 30)))
    elif k == 5:
        name = str(rng.choice(list(e.parameters())))
        e.set_parameter(name, float(rng.normal()))
    elif k == 6:
        e.set_learning_rate(float(rng.choice([0.1, 1.0, 3.0])))
    elif k == 7:
        e.set_mode(str(rng.choice(["single", "minibatch", "batch"])),
                   example=None, batch_size=2)
    else:
        e.run_epoch()


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.label + str(s.bias) + s.loss)
@pytest.mark.parametrize("seed", range(4))
def test_restore_goes_back_exactly_and_on_the_same_way(spec, seed):
    rng = np.random.default_rng(seed)
    ds = datasets.generated("moons", 30, 0.1, seed)
    train, test = datasets.split(ds, 0.2, seed)
    e = Engine(spec.build(), train, lr=1.0, mode="batch", test_set=test)
    for _ in range(40):
        act(e, rng)
    snap, seen = e.snapshot(), observe(e)
    later = [int(v) for v in rng.integers(0, 1_000_000, size=3)]
    path = []
    for s in later:  # go on a while, then back
        r = np.random.default_rng(s)
        for _ in range(30):
            act(e, r)
        path.append(observe(e))
    e.restore(snap)
    assert observe(e) == seen
    back = []
    for _ in range(25):  # the passes to step back to are those it had
        e.step_back()
        back.append(observe(e))
    e.restore(snap)
    again = []
    for s in later:  # the same actions from there give the same states
        r = np.random.default_rng(s)
        for _ in range(30):
            act(e, r)
        again.append(observe(e))
    assert again == path
    e.restore(snap)  # a snapshot can be restored again and again
    assert observe(e) == seen
    assert [observe(e) for _ in range(25) if e.step_back() or True] == back


def test_a_snapshot_survives_another_network_and_data():
    e = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1.0, mode="batch")
    e.train(50)
    for _ in range(3):
        e.apply_update()
    e.step_forward()  # the first step of a pass: stepping back leaves it
    snap, seen = e.snapshot(), observe(e)
    e.set_network(NetworkSpec(network="2-3-1").build())
    e.set_dataset(datasets.gate("xor"))
    e.train(10)
    e.restore(snap)
    assert observe(e) == seen
    e.step_back()  # the passes to step back to came back too
    assert e.cursor == len(e.steps) and e.cursor != seen[1] - 1


def test_frozen_cost_curves_stay_true_after_truncation():
    h = CostHistory(4)
    h.extend(np.arange(10.0))
    frozen = h.frozen()
    h.truncate(3)
    h.extend([-1.0, -2.0])
    assert CostHistory.thawed(frozen).tolist() == list(np.arange(10.0))
    assert h.tolist() == [0.0, 1.0, 2.0, -1.0, -2.0]


def test_restore_refuses_anything_else():
    e = Engine()
    with pytest.raises(EngineError, match="not an engine state"):
        e.restore({"w1": 1})
