"""The one adapter between the core and the widgets.

Widgets never talk to each other: they call Session methods and redraw on its
signals. Every core error (bad input) is turned into the `problem` signal with
a message for the learner, so no traceback reaches them.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal, Slot

from core import Engine, datasets, network
from core.datasets import DatasetError
from core.engine import EngineError
from core.network import NetworkError

START = {"w1": 0.1, "w2": 0.6, "b": 0.0}  # the tutorial's starting point
START_LR = 1.0


def tutorial_engine(bias: bool = True) -> Engine:
    """OR gate, w₁ = 0.1, w₂ = 0.6, b = 0, α = 1, one example at a time on x = (0, 0).

    The bias is on at launch (the tutorial's figures with b); the switch turns it
    off for the tutorial's first, bias-less neuron."""
    return Engine(network.neuron((START["w1"], START["w2"]), START["b"] if bias else None),
                  datasets.gate("or"), lr=START_LR, mode="single", example=0)


class Session(QObject):
    # what changed, so that each view redraws only what it must
    stepped = Signal()  # the cursor moved (micro-step, pass, epoch)
    parametersChanged = Signal()  # a slider or entry set w₁, w₂ or b
    trained = Signal()  # epochs ran on the fast path
    setupChanged = Signal()  # dataset, mode, bias or learning rate
    datasetChanged = Signal()
    problem = Signal(str)  # a message for the learner (bad input, divergence)
    train_seconds = 0.0  # how long the last train() took in the engine

    def __init__(self, engine: Engine | None = None, parent=None):
        super().__init__(parent)
        self.engine = engine if engine is not None else tutorial_engine()
        self.start_values = dict(START)
        self._bias = self.engine.network.has_bias

    # ------------------------------------------------------------ helpers
    def _guard(self, fn, *args):
        try:
            return fn(*args), True
        except (EngineError, DatasetError, NetworkError, ValueError) as exc:
            self.problem.emit(str(exc))
            return None, False

    def _after_run(self):
        st = self.engine.status
        if not st.ok:
            self.problem.emit(st.message)

    # ------------------------------------------------------------ stepping
    @Slot()
    def step_forward(self):
        self.engine.step_forward()
        self.stepped.emit()
        self._after_run()

    @Slot()
    def step_back(self):
        self.engine.step_back()
        self.stepped.emit()

    @Slot()
    def finish_forward(self):
        self.engine.finish_forward()
        self.stepped.emit()

    @Slot()
    def finish_backward(self):
        self.engine.finish_backward()
        self.stepped.emit()

    @Slot()
    def apply_update(self):
        self.engine.apply_update()
        self.stepped.emit()
        self._after_run()

    @Slot()
    def run_epoch(self):
        self.engine.run_epoch()
        self.stepped.emit()
        self._after_run()

    def train(self, epochs: int):
        """Fast path (play at high speed); returns the new epoch costs.

        The next pass's forward values are shown, so the diagram stays live."""
        t0 = time.perf_counter()
        costs, ok = self._guard(self.engine.train, epochs)
        self.engine.finish_forward()
        # the engine's time alone: Play sizes its next chunk by it, and the views'
        # redraw below must not count (on a busy machine it would shrink the chunk to one
        # epoch a frame)
        self.train_seconds = time.perf_counter() - t0
        self.trained.emit()
        self._after_run()
        return costs

    @Slot()
    def reset(self):
        """The starting parameters, epoch 0, keeping dataset, mode, bias and α."""
        v = self.start_values
        net = network.neuron((v["w1"], v["w2"]), v["b"] if self._bias else None)
        self.engine.reset(net)
        self.parametersChanged.emit()
        self.stepped.emit()

    def apply_setup(self, setup: dict):
        """Start afresh from a lesson's setup (dataset, mode, bias, parameters, α)."""
        bias = bool(setup.get("bias", True))
        start = {"w1": float(setup.get("w1", START["w1"])),
                 "w2": float(setup.get("w2", START["w2"])), "b": float(setup.get("b", 0.0))}
        mode = setup.get("mode", "single")
        example = setup.get("example", 0) if mode == "single" else None

        def build():  # a whole new engine, swapped in only if every setting is valid
            return Engine(network.neuron((start["w1"], start["w2"]), start["b"] if bias else None),
                          datasets.gate(setup.get("dataset", "or")),
                          lr=float(setup.get("lr", START_LR)), mode=mode, example=example,
                          batch_size=int(setup.get("batch_size", self.engine.batch_size)))

        engine, ok = self._guard(build)
        if ok:
            self.engine = engine
            self._bias = bias
            self.start_values = start
        for sig in (self.datasetChanged, self.setupChanged, self.parametersChanged,
                    self.stepped):
            sig.emit()

    # ------------------------------------------------------------ settings
    def set_parameter(self, name: str, value: float):
        if name == "b" and not self._bias:
            return
        if self.engine.parameters().get(name) == value:
            return  # equality guard: no feedback loop between slider and spin box
        _, ok = self._guard(self.engine.set_parameter, name, value)
        if ok:
            self.parametersChanged.emit()

    def set_learning_rate(self, lr: float):
        if self.engine.lr == lr:
            return
        _, ok = self._guard(self.engine.set_learning_rate, lr)
        if ok:
            self.setupChanged.emit()

    def set_mode(self, mode: str, example: int | None = None, batch_size: int | None = None):
        _, ok = self._guard(self.engine.set_mode, mode, example, batch_size)
        if ok:
            self.setupChanged.emit()
            self.stepped.emit()

    def set_bias(self, on: bool):
        if on == self._bias:
            return
        self.engine.settle()
        p = self.engine.parameters()
        b = 0.0 if on else None  # the tutorial starts the bias at zero

        def rebuild():
            self.engine.set_network(network.neuron((p["w1"], p["w2"]), b))

        _, ok = self._guard(rebuild)
        if not ok:  # e.g. weights that overflowed: the switch stays as it was
            self.setupChanged.emit()
            return
        self._bias = on
        self.setupChanged.emit()
        self.parametersChanged.emit()
        self.stepped.emit()

    @property
    def bias(self) -> bool:
        return self._bias

    def set_dataset(self, dataset):
        _, ok = self._guard(self.engine.set_dataset, dataset)
        if ok:
            self.datasetChanged.emit()
            self.setupChanged.emit()
            self.stepped.emit()

    def set_gate(self, name: str):
        ds, ok = self._guard(datasets.gate, name)
        if ok:
            self.set_dataset(ds)

    def add_point(self, x1: float, x2: float, y: int):
        ds, ok = self._guard(self.engine.dataset.with_point, x1, x2, y)
        if ok:
            self.set_dataset(ds)

    def remove_point(self, index: int):
        if self.engine.dataset.m <= 1:
            self.problem.emit("The dataset needs at least one point: add another before "
                              "removing this one.")
            return
        ds, ok = self._guard(self.engine.dataset.without_point, index)
        if ok:
            self.set_dataset(ds)
