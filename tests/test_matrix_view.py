"""The Matrices tab (gui/matrix_view.py): the pass written out as the tutorial's matrices,
with the numbers of the current pass, entries appearing as the pass reveals them."""

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from core import Engine, datasets
from core.setup import NetworkSpec
from core.symbols import fmt_full, parse_number
from gui.matrix_view import MAX_COLS, MAX_ROWS, MatrixView, sheet_cells
from gui.palette import PALETTES
from gui.session import Session

MINUS = "\u2212"


def make_view(qtbot, network="neuron", data="or", mode="batch", size=(900, 700), **kw):
    spec = NetworkSpec(network=network, **kw)
    ds = datasets.gate(data) if isinstance(data, str) else data
    eng = Engine(spec.build(), ds, lr=1.0, mode=mode, example=0 if mode == "single" else None,
                 batch_size=2)
    view = MatrixView(Session(eng))
    qtbot.addWidget(view)
    view.resize(*size)
    view.show()
    qtbot.waitExposed(view)
    return view


def step(view, how):
    """Move the pass through the session, as the window's buttons do."""
    getattr(view.session, how)()


def numbers(row):
    return [parse_number(t) for t in row]


def hidden(rows):
    return all(t == "?" for r in rows for t in r if t not in ("…", "⋮"))


# ------------------------------------------------------------------ the tutorial's pass
def test_batch_or_forward_shows_z_and_y_hat_with_the_tutorials_numbers(qtbot):
    v = make_view(qtbot)
    c = v.cells()
    # at the start: the data and the parameters, nothing computed yet
    assert c["X"] == [["0", "0", "1", "1"], ["0", "1", "0", "1"]]
    assert c["W"] == [["0.100", "0.600"]] and c["b"] == [["0.000"]]
    assert hidden(c["Z"]) and hidden(c["A"]) and hidden(c["cost"])
    step(v, "finish_forward")
    c = v.cells()
    assert c["Z"] == [["0.000", "0.600", "0.100", "0.700"]]
    assert c["A"] == [["0.500", "0.646", "0.525", "0.668"]]
    assert c["cost"] == [["0.089"]]
    # each z written out as w₁x₁ + w₂x₂ + b, example by example
    assert c["Z terms"][3] == ["z⁽⁴⁾", "=", "0.100·1 + 0.600·1 + 0.000", "=", "0.700"]
    # the backward side waits for the backward pass
    for key in ("dA", "local", "dZ", "dW", "db", "W new"):
        assert hidden(v.cells()[key]), key


def test_batch_or_backward_shows_the_gradients_as_products_and_the_unrolled_bias(qtbot):
    v = make_view(qtbot)
    step(v, "finish_backward")
    c, vals = v.cells(), v.cell_values()
    assert c["dA"] == [["0.125", f"{MINUS}0.089", f"{MINUS}0.119", f"{MINUS}0.083"]]
    assert c["local"] == [["0.250", "0.229", "0.249", "0.222"]]
    assert c["dZ"] == [["0.031", f"{MINUS}0.020", f"{MINUS}0.030", f"{MINUS}0.018"]]
    assert c["XT"] == [["0", "0"], ["0", "1"], ["1", "0"], ["1", "1"]]
    assert c["dW"] == [[f"{MINUS}0.048", f"{MINUS}0.039"]]
    # ∂Cost/∂W = ∂Cost/∂Z · Xᵀ: each entry a sum of one term per example
    assert c["dW terms"][0] == [
        "∂Cost/∂w₁", "=", f"0.031·0 + ({MINUS}0.020)·0 + ({MINUS}0.030)·1 + ({MINUS}0.018)·1",
        "=", f"{MINUS}0.048"]
    assert c["dW terms"][1][2] == (f"0.031·0 + ({MINUS}0.020)·1 + ({MINUS}0.030)·0 + "
                                   f"({MINUS}0.018)·1")
    # the shared bias unrolled: b copied to every example's z, each sends its part back
    assert c["fan b copies"] == [["0.000"]] * 4
    assert c["fan b contributions"] == [["0.031"], [f"{MINUS}0.020"], [f"{MINUS}0.030"],
                                        [f"{MINUS}0.018"]]
    assert c["db terms"] == [["∂Cost/∂b", "=",
                              f"0.031 + ({MINUS}0.020) + ({MINUS}0.030) + ({MINUS}0.018)",
                              "=", f"{MINUS}0.037"]]
    assert c["db"] == [[f"{MINUS}0.037"]]
    # the exact contributions shown add up to the gradient shown, and to the engine's
    parts = [r[0] for r in vals["fan b contributions"]]
    grads = v.session.engine.current_pass.grads
    assert math.fsum(parts) == pytest.approx(vals["db"][0][0], abs=1e-15)
    assert vals["db"][0][0] == grads["b"]
    assert vals["dW"][0] == [grads["w1"], grads["w2"]]
    assert hidden(c["W new"])
    step(v, "apply_update")
    assert numbers(v.cells()["W new"][0]) == pytest.approx([0.148, 0.639], abs=5e-4)
    assert numbers(v.cells()["b new"][0]) == pytest.approx([0.037], abs=5e-4)


def test_entries_appear_one_micro_step_at_a_time_as_on_the_diagram(qtbot):
    v = make_view(qtbot)
    eng = v.session.engine
    seen_partial = False
    while eng.cursor < len(eng.current_pass.steps):
        step(v, "step_forward")
        shown = eng.shown_values()
        c = v.cells()
        assert hidden(c["Z"]) != ("node:z" in shown)
        assert hidden(c["A"]) != ("node:y_hat" in shown)
        assert hidden(c["dZ"]) != ("edge:z->y_hat#grad" in shown)
        for j, name in enumerate(("w1", "w2")):
            assert (c["dW"][0][j] == "?") != (f"edge:{name}#grad" in shown)
        assert (c["db"][0][0] == "?") != ("edge:b#grad" in shown)
        # the products of z appear one by one before z itself
        terms = c["Z terms"][0][2]
        if "edge:w1" in shown and "edge:b" not in shown:
            assert terms.startswith("0.100·0") and "?" in terms
            seen_partial = True
    assert seen_partial
    assert not hidden(v.cells()["W new"])


# ------------------------------------------------------------------ networks
def test_2_3_1_shows_w1_as_3_by_2_and_the_layer_2_product(qtbot):
    v = make_view(qtbot, network="2-3-1", data="xor")
    assert v.layer_pick.isVisibleTo(v) and v.layer_pick.count() == 2
    assert v.layer == 1  # the output layer first: where backpropagation starts
    step(v, "finish_backward")
    eng = v.session.engine
    net, grads = eng.network, eng.current_pass.grads
    c, vals = v.cells(), v.cell_values()
    assert c["W"] == [["0.100", "0.400", "0.900"]]
    assert len(c["X"]) == 3 and len(c["X"][0]) == 4  # A¹: 3 hidden units × 4 examples
    # ∂Cost/∂W² = ∂Cost/∂Z² · A¹ᵀ, term by term
    dz = vals["dZ"][0]
    a1 = vals["X"]
    for j in range(3):
        name = net.slot_at(1, "W", 0, j).name
        assert vals["dW"][0][j] == grads[name]
        assert math.fsum(dz[k] * a1[j][k] for k in range(4)) == pytest.approx(grads[name],
                                                                             abs=1e-15)
        assert c["dW terms"][j][0] == f"∂Cost/∂w²₁{'₁₂₃'[j]}"
        assert c["dW terms"][j][2].count("·") == 4
    assert not hidden(c["dA prev"])  # sent back to layer 1
    v.layer_pick.activated.emit(0)  # the learner picks layer 1
    assert v.layer == 0
    c, vals = v.cells(), v.cell_values()
    assert c["W"] == [["0.100", "0.600"], ["0.200", "0.400"], ["0.300", "0.700"]]
    assert c["X"] == [["0", "0", "1", "1"], ["0", "1", "0", "1"]]
    assert len(c["dW"]) == 3 and all(len(r) == 2 for r in c["dW"])
    for i in range(3):
        for j in range(2):
            assert vals["dW"][i][j] == grads[net.slot_at(0, "W", i, j).name]
    v.set_layer(1)
    sent = v.cell_values()["dA prev"]
    v.set_layer(0)
    assert v.cell_values()["dA"] == sent


def test_big_networks_and_data_sets_are_elided(qtbot):
    ds = datasets.generated("spiral", 40, 0.05, 0)
    v = make_view(qtbot, network="2-8-8-1", data=ds, init="xavier")
    step(v, "finish_backward")
    v.set_layer(1)  # W² is 8 × 8
    c = v.cells()
    assert len(c["W"]) == MAX_ROWS and c["W"][MAX_ROWS - 2] == ["⋮"]
    assert all(len(r) == MAX_COLS for r in c["W"] if r != ["⋮"])
    assert len(c["Z"][0]) == MAX_COLS and c["Z"][0][MAX_COLS - 2] == "…"
    assert "…" in c["dW terms"][0][2]
    assert "left out" in v.note_text()


def test_cross_entropy_goes_straight_to_dz(qtbot):
    v = make_view(qtbot, loss="bce")
    step(v, "finish_backward")
    c, vals = v.cells(), v.cell_values()
    assert "local" not in c and "dA" not in c
    yhat = np.array([0.5, 0.64565631, 0.52497919, 0.66818777])
    assert vals["dZ"][0] == pytest.approx((yhat - [0, 1, 1, 1]) / 4, abs=1e-8)


# ------------------------------------------------------------------ modes
def test_one_example_mode_has_one_column_and_points_to_batch_mode(qtbot):
    v = make_view(qtbot, mode="single")
    assert "m = 1" in v.note_text() and "Batch mode shows the full picture" in v.note_text()
    step(v, "finish_backward")
    c = v.cells()
    assert c["X"] == [["0"], ["0"]] and c["Z"] == [["0.000"]] and c["A"] == [["0.500"]]
    # the tutorial's bias lesson: ∂L/∂b = 0.125, one example, nothing to add up
    assert c["db terms"][0][0] == "∂L/∂b" and c["db"] == [["0.125"]]
    assert c["dW"] == [["0.000", "0.000"]]
    assert c["fan b contributions"] == [["0.125"]]


def test_mini_batch_mode_has_the_batch_size_as_m(qtbot):
    v = make_view(qtbot, mode="minibatch")
    assert "m = 2" in v.note_text()
    step(v, "finish_forward")
    c = v.cells()
    assert c["X"] == [["0", "0"], ["0", "1"]] and c["Z"] == [["0.000", "0.600"]]
    step(v, "apply_update")
    step(v, "step_forward")  # the next pass: examples 3 and 4
    assert v.cells()["X"] == [["1", "1"], ["0", "1"]]
    assert "#3" in v.note_text() and "#4" in v.note_text()


# ------------------------------------------------------------------ the window
def test_window_has_the_tab_and_it_follows_decimals_and_palette(win, qtbot):
    tabs = win.plots.tabs
    names = [tabs.tabText(i) for i in range(tabs.count())]
    assert "Matrices" in names
    tabs.setCurrentIndex(names.index("Matrices"))
    v = win.matrix_view
    win.session.set_mode("batch")
    win.session.finish_backward()
    win.set_digits(6)
    c = v.cells()
    assert c["dW terms"][0][2:] == [
        f"0.031250·0 + ({MINUS}0.020267)·0 + ({MINUS}0.029615)·1 + ({MINUS}0.018392)·1",
        "=", f"{MINUS}0.048006"]
    win.act_colorblind.trigger()
    assert v.palette_name == "colorblind"
    assert v.colors()["backward"] == PALETTES["colorblind"].backward.name()
    win.act_colorblind.trigger()
    assert v.colors()["forward"] == PALETTES["default"].forward.name()


def _ink_box(img: QImage, bg: QColor):
    """The bounding box (x0, y0, x1, y1) of pixels that differ from the background."""
    w, h = img.width(), img.height()
    xs, ys = [], []
    bg_rgb = bg.rgb() & 0xFFFFFF
    for y in range(0, h, 2):
        for x in range(0, w, 2):
            if img.pixel(x, y) & 0xFFFFFF != bg_rgb:
                xs.append(x)
                ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("size", [(1600, 1000), (1280, 800), (1024, 700)])
def test_nothing_is_clipped_at_the_window_sizes(win, qtbot, size):
    win.resize(*size)
    tabs = win.plots.tabs
    tabs.setCurrentWidget(win.matrix_view)
    win.session.set_network(NetworkSpec(network="2-3-1"))
    win.session.set_mode("batch")
    win.session.finish_backward()
    qtbot.wait(10)
    v = win.matrix_view
    page = v.page
    assert page.font_small.pixelSize() >= 11 and page.font_main.pixelSize() >= 11
    img = page.grab().toImage()
    # every piece of text lies inside the page, and the page's ink stops short of its edges
    for text, rect in v.text_rects():
        assert 0 <= rect.left() and rect.right() <= page.width(), text
        assert 0 <= rect.top() and rect.bottom() <= page.height(), text
    x0, y0, x1, y1 = _ink_box(img, QColor("white"))
    assert x0 > 4 and y0 > 4 and x1 < img.width() - 4 and y1 < img.height() - 4
    # the scroll area reaches all of it
    sa = v.scroll
    assert sa.horizontalScrollBar().maximum() >= page.width() - sa.viewport().width()
    assert sa.verticalScrollBar().maximum() >= page.height() - sa.viewport().height()
    img.save(f"/tmp/matrix_{size[0]}.png")


def test_a_shown_view_redraws_itself_and_tells_exact_values_on_hover(qtbot):
    v = make_view(qtbot)
    v.session.finish_backward()
    # no call to cells(): the view on screen follows the session by itself
    qtbot.waitUntil(lambda: sheet_cells(v.sections)["db"] == [[f"{MINUS}0.037"]])
    v.page.grab()
    rect = dict(v.text_rects())["db"]
    tips = {v.page.tip_at(QPointF(x, y))
            for x in range(int(rect.left()), int(rect.right()), 3)
            for y in range(int(rect.top()), int(rect.bottom()), 3)} - {""}
    assert tips == {fmt_full(v.session.engine.current_pass.grads["b"])}


@pytest.mark.parametrize("spec", [
    dict(network="neuron", bias=False), dict(network="cross", loss="bce"),
    dict(network="2-5-3-1", init="he", seed=2, activation="relu"),
    dict(network="2-3-1", activation="tanh")])
def test_any_moment_of_any_network_draws(qtbot, spec):
    """Whatever the learner does, the page agrees with the engine: every gradient shown
    is the pass's, and a hidden one is one the pass has not reached."""
    v = make_view(qtbot, data="xor", **spec)
    s, rng = v.session, np.random.default_rng(3)
    actions = [s.step_forward, s.step_back, s.finish_forward, s.finish_backward,
               s.apply_update, lambda: s.train(3), lambda: s.set_mode("single", 2),
               lambda: s.set_mode("minibatch", batch_size=3), lambda: s.set_mode("batch"),
               lambda: s.set_learning_rate(200.0)]
    for _ in range(40):
        actions[int(rng.integers(len(actions)))]()
        eng = s.engine
        for layer in range(eng.network.depth):
            v.set_layer(layer)
            vals, cells = v.cell_values(), v.cells()
            for i, row in enumerate(cells["dW"]):
                if row == ["⋮"]:
                    continue
                for j, text in enumerate(row):
                    if text == "…":
                        continue
                    name = eng.network.slot_at(layer, "W", i, j).name
                    grad = eng.shown_values().get(f"edge:{name}#grad")
                    assert (text == "?") == (grad is None)
                    if grad is not None:
                        assert vals["dW"][i][j] == float(grad.value)
        v.page.grab()
