"""A jump in the history (undo, redo, the timeline) sends each view one redraw: the
signals of what changed, and `stepped`, which every view redraws on."""

from __future__ import annotations

from core import Engine, datasets
from core.setup import NetworkSpec
from gui.session import Session
from gui.undo import UndoHistory

SIGNALS = ("networkChanged", "datasetChanged", "setupChanged", "parametersChanged",
           "stepped", "trained")


def counting(session):
    seen = []
    for name in SIGNALS:
        getattr(session, name).connect(lambda name=name: seen.append(name))
    return seen


def make(qtbot):
    s = Session(Engine(NetworkSpec(network="2-3-1").build(), datasets.gate("xor"), lr=1,
                       mode="batch"))
    return s, UndoHistory(s)


def test_a_jump_inside_a_run_is_one_stepped(qtbot):
    s, h = make(qtbot)
    h.begin_run("play")
    for _ in range(20):
        with h.run_part():
            s.train(5)
    h.end_run()
    seen = counting(s)
    for pos in range(len(h.positions()) - 2, 0, -1):  # through the run's marks
        seen.clear()
        h.go_to(pos)
        assert seen == ["stepped"]
    seen.clear()
    assert h.go_to_epoch(42)  # recomputed: one redraw at the end, not one per part
    assert seen == ["stepped"]


def test_undoing_an_edit_still_says_so(qtbot):
    s, h = make(qtbot)
    s.set_parameter("b2", 0.5)
    s.set_learning_rate(0.25)
    seen = counting(s)
    h.undo()
    assert seen == ["setupChanged", "stepped"]
    seen.clear()
    h.undo()
    assert seen == ["parametersChanged", "stepped"]  # the loss curve marks an edit
    seen.clear()
    s.set_gate("or")
    seen.clear()
    h.undo()
    assert seen == ["datasetChanged", "setupChanged", "stepped"]
    s.set_network(NetworkSpec())
    seen.clear()
    h.undo()
    assert seen[0] == "networkChanged" and seen[-1] == "stepped"
