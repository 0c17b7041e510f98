"""A seeded, randomised walk through the window's own controls.

Each step picks one thing a learner can do (a combo box chosen, a number typed, an
action triggered, a click on the diagram or on the boundary plot, a lesson started, a
few frames of Play, Undo / Redo from the Edit menu or Ctrl+Z / Ctrl+Shift+Z, a drag of
the timeline, a return to a branch, Save as then Open of the file in the same window,
an export of the diagram or of the history) and then checks that the window still tells
the truth: no exception, no Qt warning, the right diagram, sliders for the network's
parameters, the Network and Data panels showing what the session uses, gradients that
agree with finite differences, no "nan" or "inf" in the status line while the engine
says all is well, the timeline where the history is, a reopened file showing exactly
what was saved, and an export that changes nothing. At the end of each walk, undo all
the way back gives the start exactly, redo all the way forward the end, and the end
saved and opened in a new window is the same again.

By default 2 seeds × 2000 actions (`-m quick`: one walk of 300, for CI).
FUZZ_ACTIONS=3000 FUZZ_SEEDS=6 runs longer walks (seeds FUZZ_FIRST_SEED, default 0, on);
a failure names its seed and the actions that led to it, and a seed's walk is the same on
every run.
"""

from __future__ import annotations

import json
import math
import os
import random
import re

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from session_cases import observe

import gui.undo
from core import gradient_check
from core.datasets import GENERATED_TITLES, MAX_POINTS
from core.export import epoch_columns
from gui.diagram import KEYS
from gui.main_window import EXAMPLE_LIST_MAX, MAX_SLIDERS, MainWindow
from gui.netdiagram import NetworkDiagram
from gui.setup_panel import SEED_UI_MAX

ACTIONS = int(os.environ.get("FUZZ_ACTIONS", "2000"))
FIRST_SEED = int(os.environ.get("FUZZ_FIRST_SEED", "0"))
SEEDS = range(FIRST_SEED, FIRST_SEED + int(os.environ.get("FUZZ_SEEDS", "2")))
QUICK_ACTIONS = 300
# typed into the editable network box: sizes that work and sizes that must be refused
TYPED_NETWORKS = ("2-4-1", "2-1-1", "2-8-1", "2-2-2-1", "2-6-3-1", "2-8-8-1", "neuron",
                  "cross", "2-9-1", "3-3-1", "2-3-3-3-1", "2-0-1", "abc", "", "2--1",
                  "single neuron", " 2-3-1 ")
TYPED_RATES = ("0.5", "1", "3", "0", "1e6", "1e-9", "100", "-1", "abc", "inf", "nan", "1e308",
               "0.01")
TYPED_VALUES = ("0", "0.5", "-3", "12", "1e6", "-1e12", "abc", "nan", "2.5e-3")
BIG_MOVES = 1  # 10 000-point sets in each walk (each makes the next actions slower)
BIG_FOR = 8  # actions on such a set before the walk goes back to 300 points
SHAPE_KEYS = tuple(GENERATED_TITLES)
NAN_INF = re.compile(r"\b(nan|inf)\b|∞", re.IGNORECASE)


def choose_index(combo, i):
    """A learner's choice: the combo's current index, then its activated signal."""
    combo.setCurrentIndex(i)
    combo.activated.emit(i)


def type_into(qtbot, edit, text):
    edit.selectAll()
    if text:
        qtbot.keyClicks(edit, text)
    else:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def session_state(w):
    """What undo and redo must restore: the session, exactly (== on floats)."""
    s = w.session
    return (observe(s.engine), s.start_values, s.spec.to_dict(), s.data, s.stride)


def canon(x):
    """`x` with each NaN made a string: NaN != NaN, but a NaN restored is no difference."""
    if isinstance(x, float):
        return "NaN" if math.isnan(x) else x
    if isinstance(x, (list, tuple)):
        return [canon(v) for v in x]
    if isinstance(x, dict):
        return {k: canon(v) for k, v in x.items()}
    if hasattr(x, "__dataclass_fields__"):
        return (type(x).__name__, canon(vars(x)))
    return x


def same(a, b) -> bool:
    """Equal exactly (==), NaN equal to NaN."""
    return a == b or canon(a) == canon(b)


def assert_same(a, b, what: str):
    assert same(a, b), f"{what}: {where_differ(a, b)}"


def where_differ(a, b, path="") -> str:
    """The first place two observations differ, for a failure's message."""
    a, b = canon(a), canon(b)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: lengths {len(a)} and {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return where_differ(x, y, f"{path}[{i}]")
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a.keys() | b.keys():
            if a.get(k) != b.get(k):
                return where_differ(a.get(k), b.get(k), f"{path}[{k!r}]")
    return f"{path}: {str(a)[:300]} != {str(b)[:300]}"


def saved_state(w):
    """What a session file must bring back: the session and the window's settings."""
    return (session_state(w), w.digits, w.act_colorblind.isChecked(),
            w.speed.currentIndex(), w.stop_at.value())


class Walk:
    def __init__(self, qtbot, win, seed, tmp=None, dialogs=None):
        self.qtbot, self.win, self.rng = qtbot, win, random.Random(seed)
        self.log: list[str] = []
        self.gradients_checked = 0  # passes whose gradients were compared
        self.tmp = tmp  # a folder for saved sessions and exports (None: no file moves)
        self.dialogs = dialogs  # what the patched file dialogs answer next
        self.files = 0
        self.deepest = 0  # the most steps the history held
        self.counts = dict.fromkeys(("undo", "redo", "timeline", "branch", "reopen",
                                     "refused save", "export", "session lesson"), 0)
        self.builtin = list(win.lessons)
        self.lesson = None  # (a lesson from a session file, the state that file holds)

    # ---------------------------------------------------------------- actions
    def combo(self, combo, label):
        enabled = [i for i in range(combo.count())
                   if combo.model().item(i) is None or combo.model().item(i).isEnabled()]
        i = self.rng.choice(enabled)
        self.log.append(f"{label} → {combo.itemText(i)!r}")
        choose_index(combo, i)

    def spin(self, box, label, values):
        if not box.isVisible():
            return  # a hidden row (a shape's points while a gate is chosen) is out of reach
        v = self.rng.choice(values)
        self.log.append(f"{label} = {v}")
        if self.rng.random() < 0.5:
            box.setValue(v)
        else:
            type_into(self.qtbot, box.lineEdit(), str(v))

    def act(self, big=False):
        """One random move; `big`: a generated set of 10 000 points."""
        r = self.rng
        if big:
            if not self.win.data_panel.points.isVisible():
                self.combo_to(self.win.dataset, r.choice(SHAPE_KEYS), "dataset")
            self.spin(self.win.data_panel.points, "points", [MAX_POINTS])
            return
        choice = r.choices(list(self.MOVES), weights=[m[1] for m in self.MOVES.values()])[0]
        getattr(self, self.MOVES[choice][0])()

    def shrink(self):
        if self.win.data_panel.points.isVisible():
            self.spin(self.win.data_panel.points, "points", [300])

    def combo_to(self, combo, data, label):
        i = combo.findData(data)
        self.log.append(f"{label} → {combo.itemText(i)!r}")
        choose_index(combo, i)

    def a_network(self):
        self.combo(self.win.network_panel.network, "network")

    def a_type_network(self):
        text = self.rng.choice(TYPED_NETWORKS)
        self.log.append(f"network typed {text!r}")
        type_into(self.qtbot, self.win.network_panel.network.lineEdit(), text)

    def a_activation(self):
        self.combo(self.win.network_panel.activation, "activation")

    def a_loss(self):
        self.combo(self.win.network_panel.loss, "loss")

    def a_init(self):
        self.combo(self.win.network_panel.init, "start")

    def a_seed(self):
        self.spin(self.win.network_panel.seed, "seed", [0, 1, 7, 42, 12345, SEED_UI_MAX])

    def a_reroll(self):
        self.log.append("re-roll")
        self.qtbot.mouseClick(self.win.network_panel.reroll, Qt.MouseButton.LeftButton)

    def a_dataset(self):
        self.combo(self.win.dataset, "dataset")

    def a_points(self):
        values = [1, 2, 5, 30, 120, 300]
        self.spin(self.win.data_panel.points, "points", values)

    def a_noise(self):
        self.spin(self.win.data_panel.noise, "noise", [0.0, 0.05, 0.3, 1.0])

    def a_data_seed(self):
        self.spin(self.win.data_panel.data_seed, "data seed", [0, 3, 99, SEED_UI_MAX])

    def a_test_part(self):
        self.spin(self.win.data_panel.test_part, "test part", [0, 10, 50, 90])

    def a_mode(self):
        self.combo(self.win.mode, "mode")

    def a_example(self):
        if self.win.example.isEnabled():
            self.combo(self.win.example, "example")

    def a_batch(self):
        if self.win.batch_size.isEnabled():
            self.spin(self.win.batch_size, "batch size", [1, 2, 3, 16, 64, 10_000])

    def a_focus(self):
        if self.win.focus.isEnabled():
            self.combo(self.win.focus, "show")

    def a_stride(self):
        self.combo(self.win.stride, "step by")

    def a_speed(self):
        self.combo(self.win.speed, "speed")

    def a_span(self):
        self.combo(self.win.span, "slider span")

    def a_stop_at(self):
        self.spin(self.win.stop_at, "stop at", [1, 3, 50, 5000])

    def a_step(self):
        w = self.win
        a = self.rng.choice([w.act_forward, w.act_forward, w.act_forward, w.act_back,
                             w.act_fwd_pass, w.act_bwd_pass, w.act_update])
        self.log.append(a.text())
        a.trigger()

    def a_epoch(self):
        e = self.win.session.engine
        if e.dataset.m > 400 and e.mode != "batch":
            return  # hundreds of passes stepped one by one: slow, and nothing new
        self.log.append("run epoch")
        self.win.act_epoch.trigger()

    def a_play(self):
        w = self.win
        frames = self.rng.randint(1, 4)
        self.log.append(f"play {frames} frames at {w.speed.currentText()}")
        # full speed sizes its chunk of epochs by the time the last one took: from a fixed
        # chunk, and for one frame, the walk is the same on every run
        w._chunk = 64
        if w.speed.currentIndex() == w.speed.count() - 1:
            frames = 1
        w.act_play.trigger()
        for _ in range(frames):
            if not w._playing:
                break
            w.play_frame(self.rng.choice([0.016, 0.1, 0.25]))
        if w._playing:
            w.act_play.trigger()
        assert not w.timer.isActive()

    def a_reset(self):
        self.log.append("reset")
        self.win.act_reset.trigger()

    def a_param_pick(self):
        if self.win.param_pick.isVisible():
            self.combo(self.win.param_pick, "parameter")

    def a_slider(self):
        w = self.win
        name = self.rng.choice(list(w.sliders))
        sl = w.sliders[name]
        if not sl.isEnabled():
            return
        if self.rng.random() < 0.5:
            t = self.rng.randint(sl.slider.minimum(), sl.slider.maximum())
            self.log.append(f"slider {name} to tick {t}")
            sl.slider.setValue(t)
        else:
            text = self.rng.choice(TYPED_VALUES)
            self.log.append(f"{name} typed {text!r}")
            type_into(self.qtbot, sl.spin.lineEdit(), text)

    def a_click_diagram(self):
        w = self.win
        if w.session.engine.dataset.m > 1000:
            return  # a pick redraws the Loss landscape: seconds on 10 000 points (reported)
        d = w.shown_diagram()
        net = w.session.engine.network
        if d is w.net_diagram:
            keys = [s.name for s in net.slots if s.kind == "W"] + [net.a_id(l, i) for l, lin in
                                                 enumerate(net.linears)
                                                 for i in range(lin.units)]
            key = self.rng.choice(keys)
            pos = d.anchor(key)
        else:
            key = self.rng.choice(["w1", "w2", "b"])
            rect = d.label_rect(key)
            if rect is None:
                return
            pos = rect.center()
        self.log.append(f"click diagram at {key}")
        self.qtbot.mouseClick(d.viewport(), Qt.MouseButton.LeftButton, pos=pos)

    def a_lesson(self):
        w = self.win
        lesson = self.rng.choice(self.builtin)  # the app's own, even after a teacher's file
        self.log.append(f"lesson {lesson.id}")
        w.start_lesson(lesson)

    def a_bias(self):
        self.log.append("bias box clicked")
        self.qtbot.mouseClick(self.win.bias_box, Qt.MouseButton.LeftButton,
                              pos=self.win.bias_box.rect().center())

    def a_lr(self):
        w = self.win
        if self.rng.random() < 0.3:
            t = self.rng.randint(w.lr.slider.minimum(), w.lr.slider.maximum())
            self.log.append(f"α slider to {t}")
            w.lr.slider.setValue(t)
        else:
            text = self.rng.choice(TYPED_RATES)
            self.log.append(f"α typed {text!r}")
            type_into(self.qtbot, w.lr.edit, text)

    def a_view(self):
        w = self.win
        a = self.rng.choice([w.act_heatmaps, w.act_colorblind, w.digit_actions[1],
                             w.digit_actions[3], w.digit_actions[8]])
        self.log.append(f"view: {a.text()}")
        a.trigger()

    def a_boundary(self):
        w = self.win
        plot = w.plots.boundary
        ds = w.session.engine.dataset
        if ds.m and self.rng.random() < 0.4:  # on a point: removes it
            i = self.rng.randrange(ds.m)
            x1, x2 = float(ds.X[0, i]), float(ds.X[1, i])
        else:
            x1, x2 = self.rng.uniform(-1.5, 2.5), self.rng.uniform(-1.5, 2.5)
        shift = self.rng.random() < 0.3
        self.log.append(f"boundary click ({x1:.3f}, {x2:.3f}) shift={shift}")
        plot.handle_click(x1, x2, shift=shift)

    def a_key(self):
        key = self.rng.choice([Qt.Key.Key_Right, Qt.Key.Key_Right, Qt.Key.Key_Left,
                               Qt.Key.Key_F, Qt.Key.Key_B, Qt.Key.Key_U])
        self.log.append(f"key {key.name}")
        self.qtbot.keyClick(self.win, key)

    def a_resize(self):
        size = self.rng.choice([(1024, 700), (1280, 860), (700, 520), (1600, 1000)])
        self.log.append(f"window resized to {size}")
        self.win.resize(*size)
        self.qtbot.wait(0)

    # ---- undo, the timeline, files
    def a_undo(self):
        self.counts["undo"] += 1
        if self.rng.random() < 0.25:
            self.log.append("Ctrl+Z")
            self.qtbot.keyClick(self.win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        else:
            self.log.append(f"Edit → {self.win.act_undo.text()!r}")
            self.win.act_undo.trigger()

    def a_redo(self):
        self.counts["redo"] += 1
        if self.rng.random() < 0.25:
            self.log.append("Ctrl+Shift+Z")
            self.qtbot.keyClick(self.win, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                                | Qt.KeyboardModifier.ShiftModifier)
        else:
            self.log.append(f"Edit → {self.win.act_redo.text()!r}")
            self.win.act_redo.trigger()

    def a_timeline(self):
        sl = self.win.timeline.slider
        if not sl.isEnabled():
            return
        self.counts["timeline"] += 1
        top = sl.maximum()
        # mostly a look back at the last few steps (acting from far back would leave most
        # of the history as a branch, and the undo all the way at the end would be short)
        stops = [self.rng.randint(0, top) if self.rng.random() < 0.2 else
                 self.rng.randint(max(0, top - 6), top)
                 for _ in range(self.rng.randint(1, 4))]
        if self.rng.random() < 0.4:
            stops.append(top)  # and back to the end
        self.log.append(f"timeline dragged through {stops} of 0…{sl.maximum()}")
        sl.setSliderDown(True)
        for v in stops:
            sl.setValue(v)
        sl.setSliderDown(False)

    def a_branch(self):
        tl = self.win.timeline
        if not tl.branch_button.isEnabled():
            return
        self.counts["branch"] += 1
        tl.fill_menu()
        acts = [a for a in tl.menu.actions() if a.text() and a.isEnabled()]
        back = [a for a in acts if a.text().startswith("Return")]
        a = self.rng.choice(back if back and self.rng.random() < 0.8 else acts)
        self.log.append(a.text())
        a.trigger()

    def next_file(self, ending):
        self.files += 1
        return str(self.tmp / f"walk{self.files % 3}{ending}")  # some files replaced

    def a_save_reopen(self):
        """Save as, then open that file in the same window: exactly what was there."""
        if self.tmp is None:
            return
        w = self.win
        path = self.next_file(".json")
        before = saved_state(w)
        self.log.append(f"save as {path}, then open it")
        if not w.save_session_as(path):  # parameters overflowed to NaN: refused, said why
            self.counts["refused save"] += 1
            assert "cannot save the session" in w.problem_text(), w.problem_text()
            values = [*w.session.engine.parameters().values(),
                      *w.session.start_values.values()]
            assert not all(math.isfinite(v) for v in values)
        else:
            self.counts["reopen"] += 1
            assert not w.isWindowModified()
            assert w.open_session(path), w.problem_text()
        after = saved_state(w)
        assert_same(after, before, "the reopened session differs from the one saved")

    def a_session_lesson(self):
        """A teacher's lesson that starts from a session file: saved now (if it can be),
        started later from wherever the walk is; it brings back exactly what was saved."""
        if self.tmp is None:
            return
        w = self.win
        if self.lesson is None or self.rng.random() < 0.3:
            k = self.files = self.files + 1
            path = self.tmp / f"lesson{k}.json"
            if not w.write_session(str(path)):
                return  # refused (overflowed parameters): a_save_reopen checks the message
            lessons = self.tmp / f"lessons{k}.json"
            lessons.write_text(json.dumps({"lessons": [
                {"id": f"walk{k}", "title": f"Walk {k}", "text": "Go on from here.",
                 "setup": {"session": path.name}}]}), encoding="utf-8")
            self.log.append(f"lessons file {lessons.name} from a saved session")
            w.open_lessons(str(lessons))
            assert [le.id for le in w.lessons] == [f"walk{k}"], w.problem_text()
            self.lesson = (w.lessons[0], session_state(w))
            return
        lesson, expected = self.lesson
        self.log.append(f"lesson {lesson.id} (from its session file)")
        w.start_lesson(lesson)
        assert_same(session_state(w), expected, "the lesson's session differs from the file's")
        self.counts["session lesson"] += 1

    def a_while_playing(self):
        """Undo, redo, the timeline, a branch, a file saved and reopened, an export or a
        slider moved while Play runs: travel pauses Play; the rest lets it go on."""
        w = self.win
        if w.session.engine.dataset.m > 400 and w.session.engine.mode != "batch":
            return
        w._chunk = 64  # as in a_play: the same walk on every run
        self.log.append("play (one frame), then:")
        w.act_play.trigger()
        if w._playing:
            w.play_frame(0.1)
        move = self.rng.choice([self.a_undo, self.a_redo, self.a_timeline, self.a_branch,
                                self.a_save_reopen, self.a_export, self.a_slider,
                                self.a_step])
        travels = w._playing and (move == self.a_undo and w.act_undo.isEnabled() or
                                  move == self.a_redo and w.act_redo.isEnabled())
        move()
        if travels:
            assert not w._playing and not w.timer.isActive(), "undo or redo left Play on"
        if w._playing:
            w.play_frame(0.1)
        if w._playing:
            w.act_play.trigger()

    def a_overflow(self):
        """α = 10³⁰⁸ and two epochs: the parameters overflow (to ±∞ or NaN)."""
        w = self.win
        if w.session.engine.dataset.m > 400 and w.session.engine.mode != "batch":
            return
        if self.rng.random() < 0.5:  # this one grows to ∞ − ∞ = NaN
            p = w.network_panel
            self.combo_to(p.network, "2-3-1", "network")
            self.combo_to(p.activation, "relu", "activation")
            self.combo_to(p.init, "xavier", "start")
            self.combo_to(w.dataset, "xor", "dataset")
            self.combo_to(w.mode, "batch", "mode")
        self.log.append("α typed '1e308', two epochs")
        type_into(self.qtbot, w.lr.edit, "1e308")
        w.act_epoch.trigger()
        w.act_epoch.trigger()
        if self.rng.random() < 0.5:
            self.a_save_reopen()  # NaN parameters: refused, with the reason

    def a_export(self):
        if self.tmp is None:
            return
        w = self.win
        before = session_state(w)
        self.counts["export"] += 1
        if self.rng.random() < 0.6:
            path = self.next_file(self.rng.choice([".png", ".svg"]))
            self.log.append(f"export the diagram to {path}")
            self.dialogs[:] = [path]
            w.export_diagram()
            assert os.path.exists(path), f"not exported: {w.problem_text()!r}"
            assert os.path.getsize(path) > 0
        else:
            path = self.next_file(".csv")
            replace = self.rng.random() < 0.7
            self.log.append(f"export the history to {path} (replace: {replace})")
            self.dialogs[:] = [path, replace]
            old = {f: os.path.getmtime(f) if os.path.exists(f) else None
                   for f in (path[:-4] + "-epochs.csv", path[:-4] + "-steps.csv")}
            w.export_history()
            epochs = path[:-4] + "-epochs.csv"
            if replace or old[epochs] is None:
                with open(epochs, encoding="utf-8") as f:
                    rows = f.read().splitlines()
                assert rows[0] == ",".join(epoch_columns(w.session.engine))
                assert len(rows) - 1 == len(w.session.engine.epoch_costs)
        assert_same(session_state(w), before, "an export changed the session")

    # name → (method, weight)
    MOVES = {
        "network": ("a_network", 4), "type network": ("a_type_network", 3),
        "activation": ("a_activation", 2), "loss": ("a_loss", 2), "init": ("a_init", 2),
        "seed": ("a_seed", 1), "reroll": ("a_reroll", 1), "dataset": ("a_dataset", 4),
        "points": ("a_points", 2), "noise": ("a_noise", 1), "data seed": ("a_data_seed", 1),
        "test part": ("a_test_part", 1), "mode": ("a_mode", 3), "example": ("a_example", 2),
        "batch": ("a_batch", 2), "focus": ("a_focus", 2), "stride": ("a_stride", 2),
        "speed": ("a_speed", 2), "span": ("a_span", 1), "stop at": ("a_stop_at", 1),
        "step": ("a_step", 12), "epoch": ("a_epoch", 2), "play": ("a_play", 3),
        "reset": ("a_reset", 2), "param pick": ("a_param_pick", 2), "slider": ("a_slider", 4),
        "click diagram": ("a_click_diagram", 3), "lesson": ("a_lesson", 2),
        "bias": ("a_bias", 2), "lr": ("a_lr", 3), "view": ("a_view", 1),
        "boundary": ("a_boundary", 3), "key": ("a_key", 2), "resize": ("a_resize", 1),
        "undo": ("a_undo", 6), "redo": ("a_redo", 5), "timeline": ("a_timeline", 3),
        "branch": ("a_branch", 1), "save and reopen": ("a_save_reopen", 1),
        "export": ("a_export", 1), "session lesson": ("a_session_lesson", 1),
        "overflow": ("a_overflow", 1), "while playing": ("a_while_playing", 2),
    }

    # ---------------------------------------------------------------- checks
    def check(self):
        w = self.win
        s, e = w.session, w.session.engine
        net = e.network
        # the right diagram
        want = w.net_diagram if NetworkDiagram.draws(net) else w.diagram
        assert w.shown_diagram() is want
        # sliders for the network's parameters (one, for the one picked, in a big network)
        names = [slot.name for slot in net.slots]
        params = e.parameters()
        if len(names) > MAX_SLIDERS:
            assert len(w.sliders) == 1
            (shown,) = w.sliders
            assert shown in names
            assert w.param_pick.isVisible()
            assert w.param_pick.currentData() == shown
            assert [w.param_pick.itemData(i) for i in range(w.param_pick.count())] == names
        else:
            assert [n for n, sl in w.sliders.items() if sl.isEnabled()] == names
            assert set(w.sliders) <= set(names) | {"b"}
            assert not w.param_pick.isVisible()
        for name, sl in w.sliders.items():
            if name in params and abs(params[name]) < 1e6:
                assert sl.value() == pytest.approx(params[name], abs=1e-3), name
        # the Network panel shows the spec in use
        p, spec = w.network_panel, s.spec
        i = p.network.findData(spec.label)
        if i >= 0:
            assert p.network.currentIndex() == i
        assert p.network.currentText().strip() == (p.network.itemText(i) if i >= 0
                                                   else spec.label)
        assert p.activation.currentData() == spec.activation
        assert p.loss.currentData() == spec.loss
        assert p.init.currentData() == spec.init
        assert p.seed.value() == min(spec.seed, SEED_UI_MAX)
        assert spec.build().values().keys() == params.keys()
        assert net.loss.name == spec.loss
        if spec.layered:
            assert net.activation.name == spec.activation
        # the Data panel, mode and switches show what is used
        assert w.dataset.currentData() == s.data.kind
        d = w.data_panel
        if s.data.generated:
            assert d.points.value() == s.data.points
            assert d.test_part.value() == round(s.data.test_fraction * 100)
            assert d.data_seed.value() == min(s.data.seed, SEED_UI_MAX)
            if s.data.noise is not None:
                assert d.noise.value() == pytest.approx(s.data.noise)
        if e.mode == "single":
            assert w.example.currentData() == (-1 if e.example is None else e.example)
        assert w.batch_size.maximum() == max(1, e.dataset.m)
        assert w.example.findData(-1) == min(e.dataset.m, EXAMPLE_LIST_MAX)
        assert w.focus.count() == len(e.indices) + 1
        for diagram in w._diagrams():
            assert diagram.focus() is None or diagram.focus() < len(e.indices)
        assert w.mode.currentData() == e.mode
        assert w.bias_box.isChecked() == s.bias
        assert w.lr.value() == e.lr
        assert w.stride.currentData() == s.stride
        assert not w._playing and not w.timer.isActive()
        # the timeline shows where the history is
        h, tl = w.undo, w.timeline
        assert tl.slider.maximum() == len(h.positions()) - 1
        assert tl.slider.value() == h.position()
        assert w.act_undo.isEnabled() == h.stack.canUndo()
        assert w.act_redo.isEnabled() == h.stack.canRedo()
        self.deepest = max(self.deepest, h.stack.count())
        # nothing non-finite in the status line while the engine says all is well
        if e.status.ok:
            shown = [w.status_text.text(), w.explain.toPlainText(), w.lr.edit.text(),
                     w.timeline.where.text(), w.windowTitle()]
            shown += [sl.spin.lineEdit().text() for sl in w.sliders.values()]
            d = w.shown_diagram()
            shown += [d.value_text(k) for k in (d.keys() if d is w.net_diagram else KEYS)]
            for text in shown:
                assert not NAN_INF.search(text), text
        self.check_gradients()

    def check_gradients(self):
        e = self.win.session.engine
        p = e.current_pass
        before = p.params_before
        if not p.finite or not all(math.isfinite(v) and abs(v) <= 20 for v in before.values()):
            return
        if len(p.indices) > 400:
            return  # a 10 000-point pass: checked on the smaller ones
        net = e.network.copy()
        for name, v in before.items():
            net.set(name, v)
        cols = list(p.indices)
        X, Y = e.dataset.X[:, cols], e.dataset.Y[:, cols]
        if net.activation.name == "relu":
            _, zs = net.forward_z(X)
            if any(np.any(np.abs(z) < 1e-4) for z in zs[:-1]):
                return  # at a kink the two one-sided slopes differ: no difference agrees
        shown = {st.param: float(st.value) for st in p.steps if st.kind == "param_grad"}
        numeric = {c.name: c.numeric for c in gradient_check(net, X, Y)}
        assert shown.keys() == numeric.keys()
        for name, g in shown.items():
            assert g == pytest.approx(numeric[name], abs=2e-5, rel=1e-3), name
        self.gradients_checked += 1


def patch_dialogs(monkeypatch):
    """The file dialogs answer from a list the walk fills: a path, then (for the history)
    whether to replace files already there."""
    answers: list = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (answers.pop(0), "")))
    yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: yes if answers.pop(0) else no))
    return answers


class Guard:
    """Runs a move and fails, naming the seed and the last actions, on an exception, a
    Qt warning or a broken invariant."""

    def __init__(self, qtbot, qtlog, walk, seed):
        self.qtbot, self.qtlog, self.walk, self.seed = qtbot, qtlog, walk, seed

    def __call__(self, n, move, check=True):
        seen = len(self.qtlog.records)
        walk = self.walk
        trail = lambda: "\n  ".join(walk.log[-15:])  # noqa: E731
        with self.qtbot.capture_exceptions() as errors:
            try:
                move()
            except AssertionError as exc:
                raise AssertionError(f"seed {self.seed}, action {n}; the last actions:\n"
                                     f"  {trail()}\n{exc}") from None
        where = f"seed {self.seed}, action {n}; the last actions:\n  {trail()}"
        assert not errors, f"{where}\n{errors[0][1]!r}"
        warned = [r.message for r in self.qtlog.records[seen:]
                  if r.type.name in ("QtWarningMsg", "QtCriticalMsg", "QtFatalMsg")
                  and "propagateSizeHints" not in r.message]
        assert not warned, f"{where}\n{warned}"
        if check:
            try:
                walk.check()
            except AssertionError as exc:
                raise AssertionError(f"{where}\n{exc}") from None


def run_walk(qtbot, qtlog, win, seed, actions, tmp=None, dialogs=None):
    walk = Walk(qtbot, win, seed, tmp, dialogs)
    win.resize(1280, 860)
    guard = Guard(qtbot, qtlog, walk, seed)
    big = set(walk.rng.sample(range(actions), min(BIG_MOVES, actions)))
    for n in range(actions):
        def move(n=n):
            if n - BIG_FOR in big and walk.win.data_panel.points.value() > 300:
                walk.shrink()  # a few actions on 10 000 points, then a quicker walk
            else:
                walk.act(big=n in big)
            # the window's own deferred work (singleShot timers, repaints) runs too
            qtbot.wait(0) if walk.rng.random() < 0.1 else None
        guard(n, move)
    walk.guard = guard
    return walk


def all_the_way(walk, n, undo: bool, seen: dict):
    """Undo (or redo) until there is nothing left to, each step checked. `seen` maps a
    stack index to the state shown there: filled on the way back, compared on the way
    forward (each step undoes and redoes exactly, wherever it is taken from)."""
    w, h = walk.win, walk.win.undo
    steps = 0
    while (h.stack.canUndo() or h.mark is not None) if undo else \
            (h.stack.canRedo() or h.mark is not None):
        act = w.act_undo if undo else w.act_redo
        walk.log.append(f"all the way: {act.text()!r}")
        walk.guard(n, act.trigger, check=steps % 50 == 0)
        steps += 1
        assert steps <= h.stack.count() + 1, "undo or redo goes round in circles"
        if h.mark is None:
            here = session_state(w)
            i = h.stack.index()
            if undo:
                seen[i] = here
            elif i in seen:
                assert_same(here, seen[i], f"redo to step {i} differs from undo to it")
    walk.guard(n, lambda: None)
    return steps


def scrub(walk, n, seen: dict):
    """The timeline dragged to points already seen: the same state as undo showed."""
    w, h = walk.win, walk.win.undo
    where = h.positions()
    picks = [walk.rng.randrange(len(where)) for _ in range(20)] + [len(where) - 1]
    for p in picks:
        walk.log.append(f"timeline to {p}")
        walk.guard(n, lambda p=p: w.timeline.slider.setValue(p), check=False)
        index, mark = where[p]
        if mark is None and index in seen:
            assert_same(session_state(w), seen[index], f"the timeline at {p} differs from undo")
    walk.guard(n, lambda: None)


def walk_and_return(qtbot, qtlog, win, seed, actions, tmp, monkeypatch, tight=False):
    """The walk, then: undo to the start, redo to the end, the end reopened elsewhere.
    `tight`: the history keeps few steps and little memory, so that the oldest steps go
    during the walk (the start is out of reach then; each step still undoes exactly)."""
    assert win.undo.stack.count() == 0
    if tight:
        win.undo.stack.setUndoLimit(25)
        monkeypatch.setattr(gui.undo, "BYTES_BUDGET", 400_000)
        monkeypatch.setattr(gui.undo, "BOUND_EVERY", 3)
    else:
        # every step kept: undo all the way back reaches the walk's start (the app's own
        # limits, 500 steps and a memory budget, are tested in test_undo.py and in the
        # tight walk)
        win.undo.stack.setUndoLimit(0)
        monkeypatch.setattr(gui.undo, "BYTES_BUDGET", 1 << 40)
    dialogs = patch_dialogs(monkeypatch)
    start = session_state(win)
    walk = run_walk(qtbot, qtlog, win, seed, actions, tmp, dialogs)
    seen: dict = {}
    all_the_way(walk, actions, False, seen)  # the end of the history, if the walk was back
    end = session_state(win)
    seen[win.undo.stack.index()] = end
    steps = all_the_way(walk, actions, True, seen)
    if not tight:
        assert_same(session_state(win), start, f"seed {seed}: undo all the way is not the start")
    all_the_way(walk, actions, False, seen)
    assert_same(session_state(win), end, f"seed {seed}: redo all the way is not the end")
    scrub(walk, actions, seen)
    assert_same(session_state(win), end, "the timeline dragged to its end is not the end")
    path = str(tmp / "end.json")
    kept = saved_state(win)
    if win.save_session_as(path):
        w2 = MainWindow()
        qtbot.addWidget(w2)
        assert w2.open_session(path), w2.problem_text()
        assert_same(saved_state(w2), kept, f"seed {seed}: the end reopened differs")
        for a, b in ((win.act_forward, w2.act_forward), (win.act_update, w2.act_update),
                     (win.act_fwd_pass, w2.act_fwd_pass)):
            a.trigger()
            b.trigger()
            assert_same(session_state(w2), session_state(win), f"seed {seed}: goes on otherwise")
    walk.undo_steps = steps
    return walk


@pytest.mark.parametrize("seed", SEEDS)
def test_random_walk_through_the_window(qtbot, qtlog, win, seed, tmp_path, monkeypatch):
    walk = walk_and_return(qtbot, qtlog, win, seed, ACTIONS, tmp_path, monkeypatch)
    assert walk.gradients_checked > ACTIONS // 4  # the check is no formality
    assert walk.deepest > ACTIONS // 20 and walk.undo_steps > 10
    assert all(walk.counts[k] for k in ("undo", "redo", "timeline", "reopen", "export"))
    print(f"seed {seed}: {walk.counts}, {walk.undo_steps} steps undone (at most "
          f"{walk.deepest} kept), {walk.gradients_checked} gradients checked")


@pytest.mark.parametrize("seed", [FIRST_SEED + 100])
def test_random_walk_with_a_tight_history(qtbot, qtlog, win, seed, tmp_path, monkeypatch):
    """25 steps and 400 kB kept: the oldest steps (and branches) go during the walk."""
    walk = walk_and_return(qtbot, qtlog, win, seed, ACTIONS // 2, tmp_path, monkeypatch,
                           tight=True)
    assert walk.deepest == 25 and walk.undo_steps > 0


@pytest.mark.quick
def test_a_short_random_walk(qtbot, qtlog, win, tmp_path, monkeypatch):
    """For CI: one short walk with every invariant, the end ones too."""
    walk = walk_and_return(qtbot, qtlog, win, 12345, QUICK_ACTIONS, tmp_path, monkeypatch)
    assert walk.gradients_checked > QUICK_ACTIONS // 4
    assert walk.undo_steps > 0


# ------------------------------------------------------------ what the walk found
def pick_on_diagram(qtbot, win, key):
    d = win.net_diagram
    qtbot.mouseClick(d.viewport(), Qt.MouseButton.LeftButton, pos=d.anchor(key))


def test_a_parameter_picked_on_the_diagram_then_another_network(qtbot, win):
    """A weight clicked on the network diagram, then a network without it: the diagram
    drops the selection instead of asking the new network for the old weight."""
    type_into(qtbot, win.network_panel.network.lineEdit(), "2-2-2-1")
    pick_on_diagram(qtbot, win, "w1_2_2")
    assert win.net_diagram.selected() == "w1_2_2"
    choose_index(win.network_panel.network, win.network_panel.network.findData("cross"))
    assert win.shown_diagram() is win.net_diagram
    assert win.net_diagram.selected() is None
    assert win.session.engine.network.feature_cross


def test_a_bias_picked_on_the_diagram_then_biases_off(qtbot, win):
    type_into(qtbot, win.network_panel.network.lineEdit(), "2-3-1")
    pick_on_diagram(qtbot, win, "a1_2")  # a unit's click picks its bias
    assert win.net_diagram.selected() == "b1_2"
    qtbot.mouseClick(win.bias_box, Qt.MouseButton.LeftButton,
                     pos=win.bias_box.rect().center())
    assert not win.session.bias
    assert win.net_diagram.selected() is None


@pytest.mark.parametrize("typed", [" 2-3-1 ", "2-3-1"])
def test_typing_the_network_in_use_shows_its_name(qtbot, win, typed):
    """Typed sizes of the network already in use change nothing, and the box shows the
    network's own entry again, not the typed text."""
    box = win.network_panel.network
    choose_index(box, box.findData("2-3-1"))
    type_into(qtbot, box.lineEdit(), "2-4-1")
    assert win.session.spec.label == "2-4-1"
    type_into(qtbot, box.lineEdit(), "2-3-1")
    assert win.session.spec.label == "2-3-1"
    assert box.currentText() == box.itemText(box.findData("2-3-1"))
    type_into(qtbot, box.lineEdit(), typed)
    assert box.currentText() == box.itemText(box.findData("2-3-1"))


def test_a_weight_picked_on_the_neuron_then_a_network_drawn_before(qtbot, win):
    """w₂ clicked on the neuron's diagram is handed to the (hidden) network diagram; a
    2-3-1 network it drew before, with no w₂, must not be asked for it."""
    box = win.network_panel.network
    choose_index(box, box.findData("2-3-1"))
    choose_index(box, box.findData("neuron"))
    rect = win.diagram.label_rect("w2")
    qtbot.mouseClick(win.diagram.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    choose_index(box, box.findData("2-3-1"))
    assert win.shown_diagram() is win.net_diagram
    assert win.net_diagram.selected() is None


@pytest.mark.parametrize("typed", [False, True])
def test_a_refused_number_of_points_is_not_left_in_its_box(qtbot, win, typed):
    """2 points with a test part leave none to test: refused, with the reason, and the
    box shows the points in use again."""
    choose_index(win.dataset, win.dataset.findData("moons"))
    win.data_panel.test_part.setValue(50)
    assert win.session.data.test_fraction == 0.5
    if typed:
        type_into(qtbot, win.data_panel.points.lineEdit(), "2")
    else:
        win.data_panel.points.setValue(2)
    assert win.session.data.points == 200
    assert win.data_panel.points.value() == 200
    assert "cannot be split" in win.problem_text()


def overflowed_engine(mode="batch"):
    from core import Engine, datasets
    from core.setup import NetworkSpec

    e = Engine(NetworkSpec(network="2-3-1", activation="relu",
                                   init="xavier").build(), datasets.gate("xor"),
               lr=1e308, mode=mode)
    e.run_epoch()
    e.run_epoch()
    assert e.status.kind == "non-finite"
    assert not all(math.isfinite(v) for v in e.parameters().values())
    return e


def test_one_parameter_set_in_an_overflowed_network_is_no_cure():
    """The other parameters are still NaN: the pass shown is no "ok" pass."""
    e = overflowed_engine()
    e.set_parameter("w2_1_2", 0.5)
    assert e.cursor > 0 and math.isnan(e.current_pass.cost)
    assert e.status.kind == "non-finite"


def test_an_overflowed_network_in_another_mode_is_no_ok_pass():
    e = overflowed_engine()
    e.set_mode("minibatch", batch_size=2)
    # the diagram shows the NaN parameters before any step (this said "ok" until the
    # walk found ∞ shown under it: see the test below)
    assert e.cursor == 0 and e.status.kind == "non-finite"
    e.finish_forward()
    assert e.status.kind == "non-finite"
    e.step_back("pass")
    assert e.cursor == 0 and e.status.kind == "non-finite"


def test_overflowed_parameters_on_a_new_data_set_are_no_ok_start():
    """A new data set (or mode) starts the counters afresh but keeps the parameters:
    overflowed ones are shown on the diagram at once, so the start is no "ok" start
    (found by the walk, seed 0 of 6 × 3000: "b¹₃ = −∞" under an ok status)."""
    from core import datasets
    from core.setup import NetworkSpec

    e = overflowed_engine()
    e.set_dataset(datasets.gate("and"))
    assert e.cursor == 0 and e.status.kind == "non-finite"
    e.set_mode("single", example=0)
    assert e.cursor == 0 and e.status.kind == "non-finite"
    e.reset(NetworkSpec(network="2-3-1").build())  # the cure: finite parameters again
    assert e.status.ok


def overflow_a_network(qtbot, win, epochs=2):
    """2-3-1 ReLU from Xavier on XOR in batch with α = 10³⁰⁸: the parameters overflow."""
    panel = win.network_panel
    choose_index(panel.network, panel.network.findData("2-3-1"))
    choose_index(panel.activation, panel.activation.findData("relu"))
    choose_index(panel.init, panel.init.findData("xavier"))
    choose_index(win.dataset, win.dataset.findData("xor"))
    choose_index(win.mode, win.mode.findData("batch"))
    type_into(qtbot, win.lr.edit, "1e308")
    for _ in range(epochs):
        win.act_epoch.trigger()


def test_the_window_explains_overflowed_parameters_after_another_data_set(qtbot, win):
    overflow_a_network(qtbot, win)
    assert not all(math.isfinite(v) for v in win.session.engine.parameters().values())
    choose_index(win.dataset, win.dataset.findData("moons"))
    assert win.session.engine.epoch == 0
    assert win.problem_text().startswith("Overflowed")
    assert not win.session.engine.status.ok


@pytest.mark.parametrize("ending", [".svg", ".png"])
def test_the_diagram_of_an_overflowed_network_can_be_exported(qtbot, win, tmp_path, ending):
    """The SVG's description named the network through a spec that refuses NaN
    parameters: the export failed with "w1 must be a finite number, got nan" (found by
    the walk, seed 3 of 6 × 3000). The picture of an overflow is worth keeping too."""
    from gui.export import export_diagram

    overflow_a_network(qtbot, win, epochs=4)
    assert not all(math.isfinite(v) for v in win.session.engine.parameters().values())
    path = tmp_path / f"overflow{ending}"
    export_diagram(win.shown_diagram(), path)
    assert path.stat().st_size > 0
    if ending == ".svg":
        assert "the 2-3-1 network" in path.read_text(encoding="utf-8")


def test_the_window_warns_after_a_parameter_typed_into_an_overflowed_network(qtbot, win):
    overflow_a_network(qtbot, win)
    assert win.session.engine.status.kind == "non-finite"
    choose_index(win.param_pick, win.param_pick.findData("w2_1_2"))
    type_into(qtbot, win.sliders["w2_1_2"].spin.lineEdit(), "0.5")
    assert win.session.engine.parameters()["w2_1_2"] == 0.5
    assert "NaN" in win.status_text.text()
    assert win.session.engine.status.kind == "non-finite"
    assert win.problem_text().startswith("Overflowed")


def test_the_landscape_of_a_network_with_huge_parameters(qtbot):
    """Training with α = 10³⁰⁸ leaves parameters near the float limit; the Loss landscape
    slice once raised in snap_range (found by the walk, seed 7 of 10 × 2000)."""
    from core import Engine, datasets
    from core.setup import NetworkSpec
    from gui.plots import LandscapePlot
    from gui.session import Session

    net = NetworkSpec(network="neuron", params={"w1": 1e308, "w2": 1e308, "b": 1e308}).build()
    plot = LandscapePlot(Session(Engine(net, datasets.gate("nand"), lr=1.0, mode="batch")))
    qtbot.addWidget(plot)
    plot.set_parameter_name("w1")


def test_the_cost_map_of_a_wide_network_on_many_points_keeps_its_memory_bounded():
    """The Loss landscape's map evaluates 120² parameter sets at once; with 2-8-8-1 on
    10 000 points each temporary took 9 GB and the app was killed (found by the walk).
    Here, at a size safe to run unfixed: 60² sets on 500 points."""
    import tracemalloc

    from core import datasets
    from core.landscape import cost_grid
    from core.setup import NetworkSpec

    net = NetworkSpec(network="2-8-8-1", init="xavier").build()
    ds = datasets.generated("moons", 500)
    ws = np.linspace(-2, 2, 60)
    tracemalloc.start()
    try:
        costs = cost_grid(net, ds.X, ds.Y, ws, ws, names=("w2_1_1", "w2_2_2"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 250e6  # unbounded: 460 MB here
    # the same costs, one parameter set at a time
    for i, j in ((0, 0), (17, 42), (59, 3)):
        one = net.copy()
        one.set("w2_1_1", ws[j])
        one.set("w2_2_2", ws[i])
        assert costs[i, j] == pytest.approx(one.cost(ds.X, ds.Y), rel=1e-12)


def test_the_landscape_of_a_saturated_cross_entropy_neuron(qtbot):
    """Cross-entropy at huge weights: every cost of the slice may be infinite or NaN; the
    slice is drawn from what is finite, or a unit range, never a crash."""
    from core import Engine, datasets
    from core.setup import NetworkSpec
    from gui.plots import LandscapePlot
    from gui.session import Session

    net = NetworkSpec(network="neuron", loss="bce",
                      params={"w1": -1e308, "w2": -1e308, "b": -1e308}).build()
    plot = LandscapePlot(Session(Engine(net, datasets.gate("and"), lr=1e308, mode="batch")))
    qtbot.addWidget(plot)
    plot.resize(500, 400)
    plot.show()
    qtbot.waitExposed(plot)
    for name in ("w1", "b"):
        plot.set_parameter_name(name)
        plot.refresh(force=True)
