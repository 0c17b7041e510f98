"""The Gradient check tab (issue 10, "See the maths"): backpropagation's gradients beside
central differences, on the examples and parameters of the pass on show."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from core import Engine, datasets
from core.gradcheck import gradient_check
from core.network import Network
from core.setup import NetworkSpec
from core.symbols import MINUS, fmt
from gui.gradcheck_view import AUTO_WORK, SYNC_WORK, GradientCheckView
from gui.palette import PALETTES
from gui.session import Session

NETWORKS = ("neuron", "cross", "2-3-1")
MODES = ("single", "minibatch", "batch")


def make_view(qtbot, network="neuron", mode="batch", data="xor", lr=1.0, init=None,
              dataset=None, show=True):
    spec = NetworkSpec(network=network, **({"init": init} if init else {}))
    ds = dataset if dataset is not None else datasets.gate(data)
    engine = Engine(spec.build(), ds, lr=lr, mode=mode,
                    example=0 if mode == "single" else None, batch_size=2)
    session = Session(engine)
    view = GradientCheckView(session)
    qtbot.addWidget(view)
    if show:
        view.resize(900, 400)
        view.show()
        qtbot.waitExposed(view)
    return session, view


def reference(engine):
    """core.gradcheck on the pass's examples, at the parameters it started from."""
    p = engine.current_pass
    net = engine.network.copy()
    net.set_state(p.state_before)
    cols = list(p.indices)
    return net, engine.dataset.X[:, cols], engine.dataset.Y[:, cols]


def central(net, X, Y, name, eps=1e-5):
    """An independent finite difference (another ε than the view's)."""
    theta = net.get(name)
    net.set(name, theta + eps)
    plus = net.cost(X, Y)
    net.set(name, theta - eps)
    minus = net.cost(X, Y)
    net.set(name, theta)
    return (plus - minus) / (2 * eps)


def assert_table_is_core(view, engine):
    net, X, Y = reference(engine)
    want = gradient_check(net.copy(), X, Y)
    rows = view.rows()
    assert [r.name for r in rows] == [c.name for c in want]
    for i, (row, c) in enumerate(zip(rows, want)):
        assert row.analytic == c.analytic and row.numeric == c.numeric, row.name
        assert row.error == c.error
        # as shown: six decimals (a power of ten for the tiny ones)
        assert view.cell_text(i, 1) == fmt(c.analytic, 6)
        assert view.cell_text(i, 2) == fmt(c.numeric, 6)
        assert view.cell_text(i, 0) == net.slot(c.name).symbol
        # and they are right: an independent difference, and the diagram's own gradient
        assert row.analytic == pytest.approx(central(net, X, Y, c.name), rel=1e-6, abs=1e-9)
        assert row.analytic == pytest.approx(engine.current_pass.grads[c.name], abs=1e-12)
        assert row.kind == "ok" and view.cell_text(i, 4).startswith("✓")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("network", NETWORKS)
def test_the_table_is_core_gradcheck_on_the_pass_examples(qtbot, network, mode):
    session, view = make_view(qtbot, network, mode)
    assert view.check()
    assert_table_is_core(view, session.engine)
    n = len(session.engine.indices)
    assert view.what_text().startswith("Checked on example")
    assert "ε = 10⁻⁶" in view.what_text() and "(θ + ε)" in view.what_text()
    assert (f"{n} examples" in view.what_text()) == (n > 1)
    # later in training, mid-pass: the examples and parameters of that pass
    session.run_epoch()
    session.step_forward()
    session.step_forward()
    assert view.check()
    assert_table_is_core(view, session.engine)
    assert view.summary_text().startswith("✓ All")
    # the pass finished: its update moved the parameters, the check stays the pass's
    session.apply_update()
    assert session.engine.parameters() != session.engine.current_pass.params_before
    assert view.check()
    assert_table_is_core(view, session.engine)
    assert "at the parameters this pass started from" in view.what_text()


def test_batch_or_at_the_start_shows_the_tutorial_gradient(win, qtbot):
    """In the window: the tab, its button, and ∂Cost/∂w₁ = −0.048006 (worked numbers)."""
    win.session.set_mode("batch")
    tabs = win.plots.tabs
    names = [tabs.tabText(i) for i in range(tabs.count())]
    assert {"Grad check", "Gradient check"} & set(names)
    tabs.setCurrentWidget(win.gradcheck)
    assert "central-difference" in tabs.tabToolTip(tabs.currentIndex())
    view = win.gradcheck
    assert view.rows() == []
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    assert view.cell_text(0, 0) == "w₁"
    assert view.cell_text(0, 1) == f"{MINUS}0.048006"
    assert view.cell_text(0, 2) == f"{MINUS}0.048006"
    assert [view.cell_text(i, 1) for i in range(3)] == \
        [f"{MINUS}0.048006", f"{MINUS}0.038659", f"{MINUS}0.037024"]
    assert "examples 1, 2, 3, 4" in view.what_text() and "full batch" in view.what_text()
    assert "squared error" in view.what_text()
    assert "∂Cost/∂θ" in view.table.horizontalHeaderItem(1).text()


def test_one_example_is_named_and_the_loss_is_L(qtbot):
    session, view = make_view(qtbot, "neuron", "single", data="or")
    view.check()
    assert "example 1 (one example)" in view.what_text()
    assert "∂L/∂θ" in view.table.horizontalHeaderItem(1).text()
    session.set_mode("minibatch", batch_size=2)
    session.apply_update()
    session.step_forward()
    view.check()
    assert "examples 3, 4 (2 examples, mini-batch 2 of 2)" in view.what_text()


def test_a_broken_gradient_fails_the_check(qtbot, monkeypatch):
    session, view = make_view(qtbot, "2-3-1", "batch")
    good = Network.gradients

    def broken(self, X, Y):  # a bug in backprop: the first layer's weights twice too big
        cost, grads = good(self, X, Y)
        (dW, db), rest = grads[0], grads[1:]
        return cost, [(2 * dW, db), *rest]

    monkeypatch.setattr(Network, "gradients", broken)
    view.check()
    rows = {r.name: r for r in view.rows()}
    first = [s.name for s in session.engine.network.slots if s.layer == 0 and s.kind == "W"]
    for name, r in rows.items():
        if name in first and r.numeric != 0:
            assert r.kind == "bad" and r.verdict.startswith("✗"), name
        elif name not in first:
            assert r.kind == "ok", name
    assert view.summary_text().startswith(f"✗ {len(first)} of {len(rows)} gradients disagree")
    # the verdict is in words too, not colour alone
    i = list(rows).index(first[0])
    assert "disagree" in view.cell_text(i, 4)


def test_a_slightly_wrong_gradient_is_close_not_agreeing(qtbot, monkeypatch):
    _, view = make_view(qtbot, "neuron", "batch", data="or")
    good = Network.gradients

    def off(self, X, Y):
        cost, grads = good(self, X, Y)
        return cost, [(dW * (1 + 1e-4), db) for dW, db in grads]

    monkeypatch.setattr(Network, "gradients", off)
    view.check()
    assert {r.name: r.kind for r in view.rows()} == {"w1": "close", "w2": "close", "b": "ok"}
    assert view.summary_text().startswith("⚠ 2 of 3")


def test_a_check_goes_out_of_date_and_says_so(qtbot):
    session, view = make_view(qtbot, "neuron", "batch", data="or")
    view.auto.setChecked(False)
    view.check()
    assert not view.stale
    session.set_parameter("w1", 0.5)
    qtbot.waitUntil(lambda: "Out of date" in view.summary_text())
    assert view.stale
    grey = view.table.item(0, 1).foreground().color().name()
    assert grey == "#9a9a9a"
    qtbot.mouseClick(view.button, Qt.MouseButton.LeftButton)
    assert not view.stale and view.summary_text().startswith("✓")
    assert view.row("w1").analytic == pytest.approx(session.engine.current_pass.grads["w1"])


def test_a_small_check_keeps_up_by_itself_once_asked(qtbot):
    session, view = make_view(qtbot, "2-3-1", "batch")
    session.finish_backward()
    qtbot.wait(5)
    assert view.rows() == []  # nothing until the learner asks once
    view.check()
    first = view.row("b2").analytic
    assert len(session.engine.network.slots) * 4 <= AUTO_WORK
    session.apply_update()
    session.finish_backward()  # the next pass: other parameters
    qtbot.waitUntil(lambda: view.row("b2").analytic != first)
    assert not view.stale
    assert_table_is_core(view, session.engine)


def test_overflowed_parameters_give_a_message_and_no_warning(qtbot):
    """Parameters that overflowed: a sentence, no table, no NumPy warning (warnings are
    errors in this suite)."""
    session, view = make_view(qtbot, "neuron", "batch", data="or", show=False)
    net = NetworkSpec(network="neuron").build()
    net.linears[0].W[0, 0] = np.inf  # as an overflowing step leaves them
    session.engine.set_network(net)
    assert not view.check()
    assert view.rows() == [] and view.table.rowCount() == 0
    assert "overflowed" in view.summary_text() and "w₁ = ∞" in view.summary_text()
    assert "Reset" in view.summary_text()


def test_huge_parameters_are_checked_without_warnings(qtbot):
    """After the far too large step (α = 10⁶) the neuron is saturated: both gradients
    are 0 and agree; no warning escapes."""
    session, view = make_view(qtbot, "neuron", "batch", data="or", lr=1e6)
    session.run_epoch()
    session.finish_backward()
    assert abs(session.engine.parameters()["w1"]) > 1e4
    view.check()
    for r in view.rows():
        assert r.analytic == 0 and r.numeric == 0 and r.kind == "ok"


def test_a_parameter_too_large_for_epsilon_is_flagged(qtbot):
    session, view = make_view(qtbot, "neuron", "batch", data="or")
    session.set_parameter("w1", 1e12)  # θ + 10⁻⁶ rounds: no difference to measure
    view.check()
    assert view.row("w1").kind == "close"
    assert "too large for ε" in view.row("w1").verdict


def test_a_large_check_runs_in_a_worker_and_matches(qtbot):
    ds = datasets.generated("moons", 2100, seed=1)
    session, view = make_view(qtbot, "2-8-8-1", "batch", init="xavier", dataset=ds)
    assert 105 * ds.m > SYNC_WORK
    assert view.check()
    assert view.running and not view.button.isEnabled()
    with qtbot.waitSignal(view.checked, timeout=60000):
        pass
    assert not view.running and view.button.isEnabled()
    net, X, Y = reference(session.engine)
    want = gradient_check(net, X, Y)
    assert [(r.analytic, r.numeric) for r in view.rows()] == \
        [(c.analytic, c.numeric) for c in want]
    assert "2,100 examples" in view.what_text() or "2100 examples" in view.what_text()
    # out of date, a large one waits for the button
    session.set_parameter("w1_1_1", 0.3)
    qtbot.waitUntil(lambda: view.stale and "Out of date" in view.summary_text())


def test_clicking_a_row_selects_the_parameter_in_the_window(win, qtbot):
    win.session.set_mode("batch")
    win.plots.tabs.setCurrentWidget(win.gradcheck)
    view = win.gradcheck
    view.check()
    rect = view.table.visualItemRect(view.table.item(1, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert win.plots.landscape.parameter_name == "w2"


def test_the_verdicts_follow_the_colour_blind_palette(win, qtbot):
    win.plots.tabs.setCurrentWidget(win.gradcheck)
    view = win.gradcheck
    view.check()
    col = view.table.columnCount() - 1
    assert view.table.item(0, col).foreground().color() == PALETTES["default"].forward
    win.act_colorblind.trigger()
    assert view.table.item(0, col).foreground().color() == PALETTES["colorblind"].forward


def test_a_worker_result_for_a_pass_gone_by_is_marked_out_of_date(qtbot):
    ds = datasets.generated("moons", 2100, seed=2)
    session, view = make_view(qtbot, "2-8-8-1", "batch", init="xavier", dataset=ds)
    assert view.check() and view.running
    session.set_parameter("w1_1_1", 0.3)  # while the worker checks the old parameters
    with qtbot.waitSignal(view.checked, timeout=60000):
        pass
    assert view.stale and "Out of date" in view.summary_text()


def test_a_slow_result_does_not_replace_a_newer_check(qtbot):
    ds = datasets.generated("moons", 2100, seed=3)
    session, view = make_view(qtbot, "2-8-8-1", "batch", init="xavier", dataset=ds)
    assert view.check() and view.running
    session.set_network(NetworkSpec(network="neuron"))
    assert view.check()  # small: done at once, while the worker still runs
    assert [r.name for r in view.rows()] == ["w1", "w2", "b"]
    qtbot.waitUntil(lambda: not view.running, timeout=60000)
    assert [r.name for r in view.rows()] == ["w1", "w2", "b"] and not view.stale
