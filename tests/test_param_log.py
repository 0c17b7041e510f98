"""The parameters at the end of every epoch, given again by replaying the run from the
checkpoints the engine keeps (Engine.parameters_by_epoch), compared with == against a run
that records them as it goes."""

from __future__ import annotations

import pytest

from core import Engine, datasets, engine
from core.setup import NetworkSpec


class Recording(Engine):
    """An engine that writes down the parameters whenever an epoch closes: on the
    stepped path as the counters move, on the fast path through its `each` hook."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.seen: dict[int, list] = {}

    def _set_book(self, book):
        closed = book.n_epoch_costs > self.book.n_epoch_costs
        super()._set_book(book)
        if closed:  # the pass that closed it is applied: the parameters are its end's
            self.seen[book.n_epoch_costs - 1] = list(self.parameters().values())

    def train(self, epochs, each=None):
        at = []

        def hook(cost, values):
            at.append(list(values.values()))

        n = len(self.epoch_costs)
        out = super().train(epochs, each=hook)
        first = len(self.epoch_costs) - len(at)
        for k, v in enumerate(at):
            self.seen[first + k] = v
        assert first >= n
        return out

    def truth(self) -> list:
        return [(i, self.seen[i]) for i in range(len(self.epoch_costs))]


def replayed(e) -> list:
    return list(e.parameters_by_epoch())


def play(e, frames, n):
    """As Play at full speed does: a chunk of epochs, then the next pass's forward."""
    for _ in range(frames):
        e.train(n)
        e.finish_forward()


@pytest.mark.parametrize("network, data, mode", [
    ("neuron", datasets.gate("or"), "single"),
    ("neuron", datasets.gate("and"), "batch"),
    ("cross", datasets.gate("xor"), "minibatch"),
    ("2-3-1", datasets.gate("xor"), "batch"),
    ("2-8-8-1", datasets.generated("moons", 23, 0.2, 1), "minibatch"),
])
@pytest.mark.parametrize("chunk", [4096, 3])
def test_every_epochs_parameters_are_given_again_exactly(network, data, mode, chunk,
                                                        monkeypatch):
    monkeypatch.setattr(engine, "REPLAY_CHUNK", chunk)  # long calls replayed in parts
    spec = NetworkSpec(network=network, init="tutorial" if network in ("neuron", "cross",
                                                                       "2-3-1") else "xavier")
    e = Recording(spec.build(), data, lr=0.5, mode=mode,
                  example=None, batch_size=3)
    for _ in range(7):
        e.step_forward("pass")  # stepped passes, closing epochs now and then
    play(e, 5, 13)
    e.run_epoch()
    e.step_forward()
    e.step_forward()
    name = next(iter(e.parameters()))
    e.set_parameter(name, 0.3)  # an edit part-way through a pass: a new segment
    play(e, 3, 11)
    e.set_learning_rate(0.9)
    for _ in range(4):
        e.step_forward("pass")
    for _ in range(2):
        e.step_back("pass")  # stepped back: the log goes back too
    e.step_forward("pass")
    e.set_mode("batch" if mode != "batch" else "minibatch", None, 2)
    play(e, 4, 9)
    assert len(e.epoch_costs) > 40
    assert replayed(e) == e.truth()


def test_undo_and_redo_keep_the_log_with_the_state():
    e = Recording(NetworkSpec(network="2-3-1").build(), datasets.gate("xor"), lr=2.0,
                  mode="batch")
    play(e, 3, 20)
    mid = e.snapshot()
    truth_mid = e.truth()
    play(e, 3, 20)
    end, truth_end = e.snapshot(), e.truth()
    e.restore(mid)
    assert replayed(e) == truth_mid
    e.set_parameter("b2", 1.0)
    play(e, 2, 5)
    assert replayed(e) == e.truth()[: len(e.epoch_costs)]
    e.restore(end)
    assert replayed(e) == truth_end


def test_a_reset_or_new_data_starts_the_log_afresh():
    e = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1.0, mode="batch")
    e.train(30)
    assert len(replayed(e)) == 30
    e.reset(NetworkSpec().build())
    assert replayed(e) == []
    e.train(3)
    assert [i for i, _ in replayed(e)] == [0, 1, 2]


def test_the_log_stays_small_on_a_long_run():
    e = Engine(NetworkSpec(network="2-8-8-1", init="xavier").build(),
               datasets.generated("moons", 20, 0.2, 0), lr=0.5, mode="batch")
    for _ in range(300):
        e.train(50)
        e.finish_forward()
    log = e._plog
    # one segment; one number an operation (each frame but the first: a pass, then a call)
    assert len(log.segments) == 1 and len(log) == 599


@pytest.mark.parametrize("network, mode", [("neuron", "single"), ("2-3-1", "minibatch")])
def test_a_reopened_session_gives_the_same_parameters(network, mode):
    from core import session_file as sf

    spec = NetworkSpec(network=network)
    e = Recording(spec.build(), datasets.gate("xor"), lr=0.7, mode=mode, example=None,
                  batch_size=3)
    play(e, 4, 10)
    e.set_parameter(next(iter(e.parameters())), -0.4)
    for _ in range(9):
        e.step_forward("pass")
    data = {"kind": "xor", "points": 200, "noise": None, "seed": 0, "test_fraction": 0.0}
    back = sf.load(sf.dump(e, spec, data)).engine
    assert replayed(back) == replayed(e) == e.truth()
    play(back, 2, 5)  # and the log goes on from there
    play(e, 2, 5)
    assert replayed(back) == replayed(e) == e.truth()
