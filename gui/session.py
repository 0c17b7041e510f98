"""The one adapter between the core and the widgets.

Widgets never talk to each other: they call Session methods and redraw on its
signals. Every core error (bad input) is turned into the `problem` signal with
a message for the learner, so no traceback reaches them.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal, Slot

from core import Engine, datasets, session_file
from core.datasets import DatasetError
from core.engine import EngineError, EngineState, check_stride
from core.network import NetworkError
from core.setup import NetworkSpec, SetupError, spec_of

START = {"w1": 0.1, "w2": 0.6, "b": 0.0}  # the tutorial's starting point
START_LR = 1.0
GATE_KEYS = tuple(datasets.GATES)
NEURON_KEYS = ("w1", "w2", "b")  # a lesson may set the single neuron's parameters by name


def tutorial_engine(bias: bool = True) -> Engine:
    """OR gate, w₁ = 0.1, w₂ = 0.6, b = 0, α = 1, one example at a time on x = (0, 0).

    The bias is on at launch (the tutorial's figures with b); the switch turns it
    off for the tutorial's first, bias-less neuron."""
    return Engine(NetworkSpec(bias=bias).build(), datasets.gate("or"), lr=START_LR,
                  mode="single", example=0)


@dataclass(frozen=True)
class DataChoice:
    """Where the training points came from: a gate, a generated shape, or the learner's
    hand (kind "custom"), and the part held out as a test set."""

    kind: str = "or"
    points: int = datasets.DEFAULT_POINTS
    noise: float | None = None
    seed: int = 0
    test_fraction: float = 0.0

    @property
    def generated(self) -> bool:
        return self.kind in datasets.GENERATED_TITLES


def check_setup(setup: dict) -> str:
    """What is wrong with a set-up (Session.apply_setup's keys), or "" if nothing."""
    try:
        _spec_of_setup(setup)
        Session._make_data(_data_of_setup(setup))
        Engine(lr=float(setup.get("lr", START_LR)), mode=setup.get("mode", "single"),
               example=0 if setup.get("mode", "single") == "single" else None)
    except (EngineError, DatasetError, NetworkError, SetupError, ValueError, TypeError) as exc:
        return str(exc)
    return ""


def _spec_of_setup(setup: dict) -> NetworkSpec:
    bias = bool(setup.get("bias", True))
    params = {k: float(setup[k]) for k in NEURON_KEYS if k in setup and (bias or k != "b")}
    params.update(setup.get("params") or {})
    return NetworkSpec(network=setup.get("network", "neuron"), bias=bias,
                       activation=setup.get("activation", "sigmoid"),
                       loss=setup.get("loss", "mse"), init=setup.get("init", "tutorial"),
                       seed=setup.get("seed", 0), params=params)


def _data_of_setup(setup: dict) -> DataChoice:
    return DataChoice(kind=str(setup.get("dataset", "or")).lower(),
                      points=setup.get("points", datasets.DEFAULT_POINTS),
                      noise=setup.get("noise"), seed=setup.get("data_seed", 0),
                      test_fraction=setup.get("test_fraction", 0.0))


def recorded(text, key=None):
    """An action that changes the session: with an undo history attached (gui/undo.py,
    `session.recorder`), each outermost call is one undoable step named `text` (a string
    or a function of the session and the call's arguments). `key`, a function of the
    same, groups quick repeats of one edit (a slider drag) into one step."""

    def wrap(fn):
        @functools.wraps(fn)
        def method(self, *args, **kwargs):
            rec = self.recorder
            if rec is None:
                return fn(self, *args, **kwargs)
            name = (lambda: text(self, *args, **kwargs)) if callable(text) else text
            merge = key(self, *args, **kwargs) if key is not None else None
            return rec.record(name, fn, self, *args, merge_key=merge, **kwargs)

        return method

    return wrap


def _symbol(session, name, *_args, **_kwargs) -> str:
    try:
        return session.engine.network.slot(name).symbol
    except Exception:  # a name the network lacks: the step is refused anyway
        return str(name)


def _network_text(session, spec, *_args, **_kwargs) -> str:
    old = session.spec
    for field, what in (("network", f"network {getattr(spec, 'label', '')}"),
                        ("loss", "loss change"), ("activation", "activation change"),
                        ("bias", "bias change")):
        if getattr(spec, field, None) != getattr(old, field):
            return what
    return "start change"


def _data_text(session, *args, **changes) -> str:
    names = {"points": "number of points", "noise": "noise", "seed": "data seed",
             "test_fraction": "test part"}
    return " and ".join(names.get(k, k) for k in changes) + " change"


@dataclass(frozen=True, eq=False)
class SessionState:
    """The whole session at one moment (undo, the timeline, autosave): the engine's
    state and the choices it was made from."""

    engine: EngineState
    spec: NetworkSpec
    data: DataChoice
    stride: str


class Session(QObject):
    # what changed, so that each view redraws only what it must
    stepped = Signal()  # the cursor moved (micro-step, pass, epoch)
    parametersChanged = Signal()  # a slider or entry set w₁, w₂ or b
    trained = Signal()  # epochs ran on the fast path
    setupChanged = Signal()  # dataset, mode, bias or learning rate
    datasetChanged = Signal()
    networkChanged = Signal()  # another network: other parameters, another diagram
    problem = Signal(str)  # a message for the learner (bad input, divergence)
    train_seconds = 0.0  # how long the last train() took in the engine
    recorder = None  # the undo history (gui/undo.py), if one is attached

    def __init__(self, engine: Engine | None = None, parent=None):
        super().__init__(parent)
        self.engine = engine if engine is not None else tutorial_engine()
        # what Reset returns to: the network as it starts (its starting parameters)
        self.spec = spec_of(self.engine.network)
        self.data = DataChoice(kind=self._kind_of(self.engine.dataset))

    @staticmethod
    def _kind_of(ds) -> str:
        for key, title in datasets.GATE_TITLES.items():
            if ds.name == title:
                return key
        return "custom"

    @property
    def start_values(self) -> dict[str, float]:
        """The starting value of every parameter (what Reset gives)."""
        return self.spec.build().values()

    # ------------------------------------------------------------ snapshots
    def snapshot(self) -> SessionState:
        return SessionState(self.engine.snapshot(), self.spec, self.data, self.stride)

    def restore(self, state: SessionState) -> None:
        """Be exactly as at `state`; every view redraws, once (see announce)."""
        old = self.aspects()
        self.engine.restore(state.engine)
        self.spec, self.data, self.stride = state.spec, state.data, state.stride
        self.announce(old)

    def aspects(self) -> tuple:
        """What tells which signals a jump to another state must send (announce)."""
        e = self.engine
        return (e.network, (e.dataset, e.test_set, self.data),
                (e.lr, e.mode, e.example, e.batch_size, self.stride, self.spec),
                e.parameters(), (e.epoch, e.iteration))

    def announce(self, old: tuple) -> None:
        """After a jump (undo, the timeline) from a state with aspects `old`: the signals
        of what changed, then `stepped`, which every view redraws on. Each view redrew
        on each of four signals before: a timeline scrubbed through a run was four
        redraws a step."""
        net, data, setup, params, counters = self.aspects()
        if net is not old[0]:
            stride = self.stride
            self.networkChanged.emit()
            self.stride = stride  # the window picks a stride for a new network
        if data != old[1]:
            self.datasetChanged.emit()
        if setup != old[2] or net is not old[0] or data != old[1]:
            self.setupChanged.emit()  # (as set_data and set_network send it too)
        if params != old[3] and counters == old[4]:  # an edit (undone or redone), not
            self.parametersChanged.emit()             # training: the loss curve marks it
        self.stepped.emit()

    # ------------------------------------------------------------ session files
    def to_text(self, settings: dict | None = None) -> str:
        """The session as a session file's text (core.session_file); SessionFileError if
        it cannot be saved (overflowed parameters)."""
        timeline = self.recorder.to_record() if self.recorder is not None else None
        return session_file.dump(self.engine, self.spec, self.data, self.stride, settings,
                                 timeline)

    def load_parts(self, parts: session_file.SessionParts) -> None:
        """Be the session read from a file (checked whole already); every view redraws."""
        self.engine, self.spec = parts.engine, parts.spec
        self.data = DataChoice(**parts.data)
        self.networkChanged.emit()  # the window picks a stride for the network here...
        self.stride = parts.stride  # ...and the file's wins
        for sig in (self.datasetChanged, self.setupChanged, self.parametersChanged,
                    self.stepped):
            sig.emit()

    # ------------------------------------------------------------ helpers
    def _guard(self, fn, *args):
        try:
            return fn(*args), True
        except (EngineError, DatasetError, NetworkError, SetupError, ValueError) as exc:
            self.problem.emit(str(exc))
            return None, False

    def _after_run(self):
        st = self.engine.status
        if not st.ok:
            self.problem.emit(st.message)

    # ------------------------------------------------------------ stepping
    stride = "step"  # how far Step forward / Step back go: see core.steps.STRIDES

    @recorded("step by change")
    def set_stride(self, by: str):
        _, ok = self._guard(check_stride, by)
        if ok:
            self.stride = by

    @Slot()
    @recorded("step forward")
    def step_forward(self):
        self.engine.step_forward(self.stride)
        self.stepped.emit()
        self._after_run()

    @Slot()
    @recorded("step back")
    def step_back(self):
        self.engine.step_back(self.stride)
        self.stepped.emit()

    @Slot()
    @recorded("finish forward pass")
    def finish_forward(self):
        self.engine.finish_forward()
        self.stepped.emit()

    @Slot()
    @recorded("finish backward pass")
    def finish_backward(self):
        self.engine.finish_backward()
        self.stepped.emit()

    @Slot()
    @recorded("update")
    def apply_update(self):
        self.engine.apply_update()
        self.stepped.emit()
        self._after_run()

    @Slot()
    @recorded("epoch")
    def run_epoch(self):
        self.engine.run_epoch()
        self.stepped.emit()
        self._after_run()

    @recorded(lambda s, n, *_a, **_k: f"training {n:,} epochs")
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
    @recorded("reset")
    def reset(self):
        """The starting parameters, epoch 0, keeping network, dataset, mode and α."""
        self.engine.reset(self.spec.build())
        self.parametersChanged.emit()
        self.stepped.emit()

    @recorded("set-up")
    def apply_setup(self, setup: dict):
        """Start afresh from a lesson's setup: network, data, mode, parameters, α.

        Keys (all optional): network, bias, activation, loss, init, seed, params (a dict
        by parameter name; w1, w2 and b may also be given on their own), dataset (a gate
        or a generated shape), points, noise, data_seed, test_fraction, mode, example,
        batch_size, lr. Nothing changes unless all of them are valid."""
        mode = setup.get("mode", "single")
        example = setup.get("example", 0) if mode == "single" else None
        data = _data_of_setup(setup)

        def build():  # a whole new engine, swapped in only if every setting is valid
            spec = _spec_of_setup(setup)
            train, test = self._make_data(data)
            engine = Engine(spec.build(), train, lr=float(setup.get("lr", START_LR)),
                            mode=mode, example=example,
                            batch_size=int(setup.get("batch_size", self.engine.batch_size)),
                            test_set=test)
            return engine, spec

        made, ok = self._guard(build)
        if ok:
            self.engine, self.spec = made
            self.data = data
        for sig in (self.networkChanged, self.datasetChanged, self.setupChanged,
                    self.parametersChanged, self.stepped):
            sig.emit()

    # ------------------------------------------------------------ settings
    @recorded(lambda s, name, *_a, **_k: f"{_symbol(s, name)} change",
              key=lambda s, name, *_a, **_k: ("parameter", name))
    def set_parameter(self, name: str, value: float):
        if name not in self.engine.parameters():
            return  # e.g. b with the bias off: nothing to set
        if self.engine.parameters().get(name) == value:
            return  # equality guard: no feedback loop between slider and spin box
        _, ok = self._guard(self.engine.set_parameter, name, value)
        if ok:
            self.parametersChanged.emit()

    @recorded("α change", key=lambda *_a, **_k: ("lr",))
    def set_learning_rate(self, lr: float):
        if self.engine.lr == lr:
            return
        _, ok = self._guard(self.engine.set_learning_rate, lr)
        if ok:
            self.setupChanged.emit()

    @recorded("mode change")
    def set_mode(self, mode: str, example: int | None = None, batch_size: int | None = None):
        _, ok = self._guard(self.engine.set_mode, mode, example, batch_size)
        if ok:
            self.setupChanged.emit()
            self.stepped.emit()

    @recorded(lambda s, on, *_a, **_k: "bias on" if on else "bias off")
    def set_bias(self, on: bool):
        """Biases on or off, keeping the weights as they are (a new bias starts at 0, as
        in the tutorial)."""
        if on == self.bias:
            return
        self.set_network(self.spec.replace(bias=bool(on)), keep=True)

    @property
    def bias(self) -> bool:
        return self.engine.network.has_bias

    @recorded(_network_text)
    def set_network(self, spec: NetworkSpec, keep: bool = False) -> bool:
        """Another network (or the same one with another loss, activation, start…): it
        becomes what Reset returns to. `keep`: carry over the current value of every
        parameter the new network also has (a loss or a bias switched, say).
        False, with a message, if it cannot be built; nothing changes then."""
        self.engine.settle()
        current = self.engine.parameters()

        def build():
            net = spec.build()
            if keep:
                for name, v in current.items():
                    if name in net.values():
                        net.set(name, v)
            self.engine.set_network(net)

        _, ok = self._guard(build)
        if ok:
            self.spec = spec
            self.networkChanged.emit()
            self.parametersChanged.emit()
        self.setupChanged.emit()  # a refused switch puts its control back
        self.stepped.emit()
        return ok

    # ------------------------------------------------------------ data
    @staticmethod
    def _make_data(data: DataChoice):
        """(training set, test set or None) for a choice of data."""
        if data.generated:
            ds = datasets.generated(data.kind, data.points, data.noise, data.seed)
        elif data.kind in GATE_KEYS:
            ds = datasets.gate(data.kind)
        else:
            raise DatasetError(f"unknown dataset {data.kind!r}; choose a gate "
                               f"({', '.join(GATE_KEYS)}) or a shape "
                               f"({', '.join(datasets.GENERATED_TITLES)})")
        return datasets.split(ds, data.test_fraction, data.seed)

    @recorded("data change")
    def set_data(self, data: DataChoice) -> bool:
        """A gate or a generated set, split into training and test points as asked."""
        made, ok = self._guard(self._make_data, data)
        if ok:
            train, test = made

            def swap():
                self.engine.set_dataset(train)
                self.engine.set_test_set(test)

            _, ok = self._guard(swap)
        if ok:
            self.data = data
            self.datasetChanged.emit()
            self.setupChanged.emit()
            self.stepped.emit()
        return ok

    @recorded(_data_text, key=lambda s, **c: ("data", *sorted(c)))
    def set_data_option(self, **changes) -> bool:
        """Change one setting of the current data (points, noise, seed, test fraction)."""
        return self.set_data(replace(self.data, **changes))

    @recorded("data set change")
    def set_dataset(self, dataset):
        """Train on `dataset` (points placed by hand, or edited); a test set is kept."""
        _, ok = self._guard(self.engine.set_dataset, dataset)
        if ok:
            self.data = replace(self.data, kind=self._kind_of(dataset))
            self.datasetChanged.emit()
            self.setupChanged.emit()
            self.stepped.emit()

    @recorded(lambda s, name, *_a, **_k: f"{str(name).upper()} gate")
    def set_gate(self, name: str):
        self.set_data(DataChoice(kind=str(name).lower()))

    @recorded("point added")
    def add_point(self, x1: float, x2: float, y: int):
        ds, ok = self._guard(self.engine.dataset.with_point, x1, x2, y)
        if ok:
            self.set_dataset(ds)

    @recorded("point removed")
    def remove_point(self, index: int):
        if self.engine.dataset.m <= 1:
            self.problem.emit("The dataset needs at least one point: add another before "
                              "removing this one.")
            return
        ds, ok = self._guard(self.engine.dataset.without_point, index)
        if ok:
            self.set_dataset(ds)
