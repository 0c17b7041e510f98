"""Stepping a network by node, by layer or by phase instead of one record at a time."""

import numpy as np
import pytest

from core import Engine, datasets
from core.engine import EngineError
from core.setup import NetworkSpec
from core.steps import STRIDES, stops

NETS = [NetworkSpec(), NetworkSpec(network="cross"), NetworkSpec(network="2-3-1"),
        NetworkSpec(network="2-5-3-1", init="xavier", seed=3, loss="bce"),
        NetworkSpec(network="2-8-8-1", init="he", seed=1, activation="relu")]


def engine(spec, mode="batch"):
    return Engine(spec.build(), datasets.gate("xor"), lr=1.0, mode=mode,
                  example=0 if mode == "single" else None)


@pytest.mark.parametrize("spec", NETS, ids=lambda s: s.label + "-" + s.loss)
@pytest.mark.parametrize("by", STRIDES)
def test_strides_walk_the_pass_and_back_exactly(spec, by):
    e = engine(spec)
    p = e.current_pass
    ends = stops(p, by)
    assert ends == sorted(set(ends)) and ends[-1] == len(p.steps)
    seen = []
    for _ in ends:
        e.step_forward(by)
        seen.append(e.cursor)
    assert seen == ends
    after = e.parameters()
    assert after != p.params_before  # the last stride applied the update
    for want in reversed([0] + ends[:-1]):
        e.step_back(by)
        assert e.cursor == want
    assert e.parameters() == p.params_before


def test_stride_sizes_for_the_tutorial_networks():
    e = engine(NetworkSpec(network="2-3-1"))
    p = e.current_pass
    # one record each; 25 nodes; hidden layer, output layer, loss, back through loss, output,
    # hidden layer, and the update of each layer; forward, backward, update
    assert [len(stops(p, by)) for by in STRIDES] == [57, 25, 8, 3]
    neuron = engine(NetworkSpec(), mode="single").current_pass
    assert len(stops(neuron, "step")) == 15  # the single neuron keeps its micro-steps


def test_a_node_stride_reveals_one_unit_and_a_layer_stride_a_whole_layer():
    e = engine(NetworkSpec(network="2-3-1"))
    e.step_forward("node")
    assert e.current_step.target == "node:z1_1"
    assert [s.kind for s in e.revealed] == ["product", "product", "bias", "linear"]
    e.step_back("node")
    e.step_forward("layer")
    shown = e.shown_values()
    assert {"node:a1_1", "node:a1_2", "node:a1_3"} <= shown.keys()
    assert "node:z2" not in shown
    e.step_forward("layer")  # the output layer: ŷ of the tutorial's 2-3-1 on XOR
    np.testing.assert_allclose(e.shown_values()["node:y_hat"].value,
                               [0.668, 0.712, 0.688, 0.728], atol=5e-4)


def test_a_pass_stride_is_a_phase():
    a, b = engine(NetworkSpec(network="2-3-1")), engine(NetworkSpec(network="2-3-1"))
    a.step_forward("pass")
    b.finish_forward()
    assert a.cursor == b.cursor
    a.step_forward("pass")
    b.finish_backward()
    assert a.cursor == b.cursor


def test_strides_continue_into_the_next_pass():
    e = engine(NetworkSpec(network="cross"))
    n = len(e.current_pass.steps)
    for _ in range(3):
        e.step_forward("pass")
    assert e.cursor == n and e.iteration == 1
    e.step_forward("layer")  # the next pass opens
    assert e.iteration == 1 and 0 < e.cursor < n
    e.step_back("layer")
    assert e.cursor == n  # back at the end of the first pass


def test_an_unknown_stride_is_refused():
    e = engine(NetworkSpec())
    with pytest.raises(EngineError, match="unknown stride 'unit'.*step, node, layer, pass"):
        e.step_forward("unit")
    with pytest.raises(EngineError, match="unknown stride"):
        e.step_back(3)
