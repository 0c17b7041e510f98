"""The engine a view drives: stepping micro-steps, epochs, and the fast path.

State is (network parameters, current pass, cursor, bookkeeping). A pass is
built in full when it starts; stepping only moves the cursor over its
records, so stepping back restores the earlier state exactly.

An optional held-out test set (`test_set`, `set_test_set`) is never trained on:
each closed epoch also records `test_costs[e]`, the network's own loss (mse or
bce) on all of the test set with the parameters at the end of epoch e, after its
last update: the parameters the window shows and the trace prints once the epoch
is done. (Epoch e's training cost is the mean of the costs taken before each of
its updates, so in batch mode it uses the parameters at the epoch's start: the
test cost is one update later.) The stepped path and the fast path compute it
with the same function from the same parameters, so they agree to rounding.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from . import datasets
from .datasets import Dataset
from .fastpath import SATURATED_Z, movable_columns, train_epochs
from .history import CostHistory, ParamLog, PassHistory
from .network import Linear, Network, neuron
from .steps import BACKWARD, FORWARD, STRIDES, UPDATE, Pass, Step, build_pass, stops
from .watch import NON_FINITE, OK, Status, Watch

MODES = ("single", "minibatch", "batch")
REPLAY_CHUNK = 1024  # epochs trained again at a time to give their parameters
HISTORY_LIMIT = 2000  # passes kept for stepping back...
HISTORY_BYTES = 200_000_000  # ...and the memory they may take (estimated), oldest dropped


class EngineError(ValueError):
    """A bad argument: the message names the problem."""


@dataclass(frozen=True)
class Book:
    """Counters that a completed pass advances."""

    epoch: int = 0
    iteration: int = 0
    batch_pos: int = 0
    epoch_sum: float = 0.0  # Σ cost·m over the current epoch's finished passes
    n_epoch_costs: int = 0
    n_iteration_costs: int = 0
    status: Status = OK
    watch: Watch = Watch()
    closed_cost: float = math.nan  # the cost of the epoch this pass closed, if it did
    closed_test: float = math.nan  # and the test cost after it, if there is a test set


@dataclass(frozen=True, eq=False)
class EngineState:
    """Everything an Engine is at one moment, to go back to exactly (undo, a timeline).

    Cheap to take: the network object (its structure never changes) with a copy of its
    parameters, the data sets, the current pass and the step-back history by reference
    (they are never changed in place), and the cost curves as frozen buffers
    (CostHistory.frozen)."""

    network: Network
    params: list
    dataset: Dataset
    test_set: Dataset | None
    lr: float
    mode: str
    example: int | None
    batch_size: int
    book: Book
    pass_book: Book
    current: Pass | None
    cursor: int
    history: tuple
    curves: tuple
    plog: tuple = ((), (np.empty(1), 0), (np.empty(1), 0), None)  # ParamLog.frozen()

    @property
    def epoch(self) -> int:
        return self.book.epoch

    def parameters(self) -> dict[str, float]:
        """The parameters by name, as they were."""
        out = {}
        for slot in self.network.slots:
            W, b = self.params[slot.layer]
            out[slot.name] = float((W if slot.kind == "W" else b)[slot.index])
        return out


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """Where a stretch of training starts (core.history.ParamLog): the parameters, the
    settings and the counters, enough to train it again exactly. `first`: its first
    operation in the log."""

    params: list
    network: Network
    dataset: Dataset
    lr: float
    mode: str
    example: int | None
    batch_size: int
    book: Book
    first: int


def _same_state(a, b) -> bool:
    """Two parameter states [(W, b or None)] hold the same numbers."""
    return len(a) == len(b) and all(
        np.array_equal(wa, wb) and (ba is None) == (bb is None)
        and (ba is None or np.array_equal(ba, bb)) for (wa, ba), (wb, bb) in zip(a, b))


def check_stride(by) -> str:
    if by not in STRIDES:
        raise EngineError(f"unknown stride {by!r}; choose one of {', '.join(STRIDES)}")
    return by


def check_lr(lr) -> float:
    try:
        lr = float(lr)
    except (TypeError, ValueError):
        raise EngineError(f"the learning rate must be a number, got {lr!r}") from None
    if not math.isfinite(lr):
        raise EngineError("the learning rate must be a finite number")
    if lr < 0:
        raise EngineError(f"the learning rate must not be negative (got {lr:g})")
    return lr


class Engine:
    def __init__(self, network: Network | None = None, dataset: Dataset | None = None,
                 lr: float = 1.0, mode: str = "single", example: int | None = 0,
                 batch_size: int = 2, test_set: Dataset | None = None):
        self.network = network if network is not None else neuron()
        self.dataset = dataset if dataset is not None else datasets.gate("or")
        self.test_set = self._check_test_set(test_set)
        self._probe = self._probe_of = None  # a copy of the network to take the test cost
        self._lr = check_lr(lr)
        self._mode, self._example, self._batch_size = self._check_mode(mode, example, batch_size)
        self.epoch_costs = CostHistory()
        self.iteration_costs = CostHistory()
        self.test_costs = CostHistory()  # as long as epoch_costs with a test set, else empty
        self.book = Book(status=self._start_status(), watch=self._fresh_watch())
        self._history = PassHistory(HISTORY_LIMIT, HISTORY_BYTES)
        self._plog = ParamLog()  # to give the parameters at each epoch's end again
        self._pass: Pass | None = None
        self._pass_book = self.book
        self.cursor = 0

    # ------------------------------------------------------------------ setup
    def _check_mode(self, mode, example, batch_size):
        if mode not in MODES:
            raise EngineError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}")
        m = self.dataset.m
        if example is not None:
            if isinstance(example, bool) or not isinstance(example, (int, np.integer)):
                raise EngineError(f"the example must be a whole number, got {example!r}")
            if not 0 <= example < m:
                raise EngineError(f"example {example} does not exist: the dataset has "
                                  f"{m} examples, numbered 0 to {m - 1}")
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
            raise EngineError(f"the batch size must be a whole number, got {batch_size!r}")
        if batch_size < 1:
            raise EngineError(f"the batch size must be at least 1 (got {batch_size})")
        return mode, (None if example is None else int(example)), int(batch_size)

    @property
    def lr(self) -> float:
        return self._lr

    def set_learning_rate(self, lr) -> None:
        """Takes effect from the next update (the current pass is rebuilt)."""
        self._lr = check_lr(lr)
        if self.status.kind not in ("stuck", "non-finite"):
            self.clear_status()  # a smaller step is the cure for overshooting...
        # ...but not for a saturated or overflowed neuron: that needs a reset
        self._rebuild_current()

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def example(self) -> int | None:
        return self._example

    @property
    def batch_size(self) -> int:
        return self._batch_size

    def set_mode(self, mode: str, example: int | None = None, batch_size: int | None = None):
        if batch_size is None:
            batch_size = self._batch_size
        mode, example, batch_size = self._check_mode(mode, example, batch_size)
        self.settle()
        self._mode, self._example, self._batch_size = mode, example, batch_size
        self._restart()

    def set_dataset(self, dataset: Dataset) -> None:
        if dataset.m == 0:
            raise EngineError("the dataset is empty: add at least one point")
        self.settle()
        self.dataset = dataset
        if self._example is not None and self._example >= dataset.m:
            self._example = 0
        self._restart(clear_curves=True)

    @staticmethod
    def _check_test_set(test_set):
        if test_set is None:
            return None
        if not isinstance(test_set, Dataset):
            raise EngineError(f"the test set must be a Dataset or None, got {test_set!r}")
        if test_set.m == 0:
            raise EngineError("the test set is empty: hold out at least one point, or none")
        return test_set

    def set_test_set(self, test_set: Dataset | None) -> None:
        """Hold out `test_set` (None: no test set). The cost curves start afresh, as
        for a new dataset: test costs on another set would not compare."""
        test_set = self._check_test_set(test_set)
        self.settle()
        self.test_set = test_set
        self._restart(clear_curves=True)

    def test_cost(self, state=None) -> float:
        """The network's loss on the whole test set with parameters `state` (default:
        as now); NaN without a test set. Not finite when the parameters overflowed:
        a measurement, never a warning."""
        if self.test_set is None:
            return math.nan
        if self._probe_of is not self.network:  # this network's structure, zeroed: a
            net = self.network                    # copy would refuse overflowed weights
            self._probe = Network(
                [Linear(np.zeros_like(lin.W), None if lin.b is None else np.zeros_like(lin.b))
                 for lin in net.linears], feature_cross=bool(net.feature_cross),
                activation=net.activation, loss=net.loss)
            self._probe_of = net
        probe = self._probe
        probe.set_state(self.network.get_state() if state is None else state)
        with np.errstate(all="ignore"):
            return probe.cost(self.test_set.X, self.test_set.Y)

    def _test_cost_of_values(self, values) -> float:
        """The test cost with parameters given in slot order (the fast path's): layer by
        layer, each unit's weights then its bias, so each layer is a [W | b] block."""
        vals = np.asarray(values, dtype=float)
        state, at = [], 0
        for lin in self.network.linears:
            cols = lin.fan_in + (lin.b is not None)
            block = vals[at : at + lin.units * cols].reshape(lin.units, cols)
            at += block.size
            state.append((block[:, : lin.fan_in], None if lin.b is None else block[:, lin.fan_in:]))
        return self.test_cost(state)

    def set_network(self, network: Network) -> None:
        self._pass = None  # the pass belongs to the old network: nothing of it carries over
        self.network = network
        self._restart(clear_curves=True)

    def set_parameter(self, name: str, value: float) -> None:
        self.set_parameters({name: value})

    def set_parameters(self, values: dict[str, float]) -> None:
        """Set parameters now; the forward values follow at once.

        Within a pass the pass is rebuilt from the new values and at least the
        forward pass is shown. After a finished pass the next pass starts.
        """
        for name, v in values.items():
            self.network.slot(name)
            if not math.isfinite(float(v)):
                raise EngineError(f"{name} must be a finite number, got {v}")
        if self._pass is not None and self.cursor == len(self._pass.steps):
            self._begin_next_pass()
        for name, v in values.items():
            self.network.set(name, v)
        self.clear_status()
        self._rebuild_current(show_forward=True)

    def parameters(self) -> dict[str, float]:
        return self.network.values()

    # --------------------------------------------------------------- schedule
    def schedule(self) -> list[tuple[int, ...]]:
        m = self.dataset.m
        if self._mode == "batch":
            return [tuple(range(m))]
        if self._mode == "minibatch":
            k = self._batch_size
            return [tuple(range(s, min(s + k, m))) for s in range(0, m, k)]
        if self._example is not None:
            return [(self._example,)]
        return [(i,) for i in range(m)]

    # ------------------------------------------------------------ pass state
    @property
    def current_pass(self) -> Pass:
        if self._pass is None:
            self._pass_book = self.book
            self._pass = self._build(self.schedule()[self.book.batch_pos])
        return self._pass

    @property
    def steps(self) -> list[Step]:
        return self.current_pass.steps

    @property
    def revealed(self) -> list[Step]:
        return self.current_pass.steps[: self.cursor]

    @property
    def current_step(self) -> Step | None:
        return self.current_pass.steps[self.cursor - 1] if self.cursor else None

    @property
    def phase(self) -> str:
        """'idle' (nothing shown yet), 'forward', 'backward', 'update' or 'done'."""
        p = self.current_pass
        if self.cursor == 0:
            return "idle"
        if self.cursor == len(p.steps):
            return "done"
        return p.steps[self.cursor - 1].phase

    @property
    def epoch(self) -> int:
        return self.book.epoch

    @property
    def pass_epoch(self) -> int:
        """The epoch (0-based) that the current pass belongs to, as the loss curve
        counts: a finished pass still belongs to the epoch it was part of."""
        self.current_pass  # noqa: B018 - built lazily, with its counters
        return self._pass_book.epoch

    @property
    def iteration(self) -> int:
        return self.book.iteration

    @property
    def status(self) -> Status:
        return self.book.status

    @property
    def indices(self) -> tuple[int, ...]:
        return self.current_pass.indices

    def _build(self, indices, lr: float | None = None) -> Pass:
        lr = self._lr if lr is None else lr
        p = build_pass(self.network, self.dataset.X, self.dataset.Y, indices, lr)
        # σ(±∞) is a plain 0 or 1, so an overflowed z leaves cost and update finite;
        # the diagram would show ∞ under an "ok" status: count it as overflowed
        if p.finite and not all(np.all(np.isfinite(s.value)) for s in p.steps[: p.n_forward]):
            p.finite = False
        return p

    def _sync(self) -> None:
        """Make parameters and counters match the cursor."""
        p = self.current_pass
        n_fb = p.n_forward + p.n_backward
        state = [(W.copy(), None if b is None else b.copy()) for W, b in p.state_before]
        for s in p.steps[n_fb : self.cursor]:
            slot = self.network.slot(s.param)
            arr = state[slot.layer][0 if slot.kind == "W" else 1]
            arr[slot.index] = float(s.value)
        self.network.set_state(state)
        book = self._complete_book(p) if self.cursor == len(p.steps) else self._pass_book
        if book.iteration > self.book.iteration and self.cursor == len(p.steps):
            self._log_op(0, p.state_before, self._pass_book, p.lr, p.state_after, book)
        if self.cursor and not p.finite and book.status.ok:
            # a pass that shows ∞ or NaN (a parameter set, the mode changed, after an
            # overflow) is no "ok" pass, finished or not
            book = replace(book, status=NON_FINITE)
        self._set_book(book)

    def _complete_book(self, p: Pass) -> Book:
        """The counters once pass `p` is finished (its update applied)."""
        b = self._pass_book
        sched = self.schedule()
        epoch_sum = b.epoch_sum + p.cost * len(p.indices)
        pos, epoch, n_ep = b.batch_pos + 1, b.epoch, b.n_epoch_costs
        watch, status, closed, closed_test = b.watch, b.status, math.nan, math.nan
        if pos >= len(sched):
            pos, epoch, n_ep = 0, epoch + 1, n_ep + 1
            closed = epoch_sum / sum(len(s) for s in sched)
            closed_test = self.test_cost(p.state_after)
            watch, flagged = watch.feed(closed, lambda: self._saturated(p.state_after))
            epoch_sum = 0.0
            if status.ok:
                status = flagged
        if not p.finite:
            status = NON_FINITE
        return Book(epoch, b.iteration + 1, pos, epoch_sum, n_ep, b.n_iteration_costs + 1,
                    status, watch, closed, closed_test)

    def _set_book(self, book: Book) -> None:
        """Counters and cost lists as `book` says; the lists grow by the pass's cost."""
        p = self._pass
        if book.iteration < self.book.iteration:  # stepped back: so does the log
            self._plog.cut(book.iteration)
            if p is not None:  # it goes on from the start of this pass
                self._plog.tail = (p.state_before, self._log_key(book, p.lr))
        self.iteration_costs.truncate(book.n_iteration_costs)
        self.epoch_costs.truncate(book.n_epoch_costs)
        self.test_costs.truncate(book.n_epoch_costs)
        if book.n_iteration_costs > len(self.iteration_costs):
            self.iteration_costs.append(p.cost)
        if book.n_epoch_costs > len(self.epoch_costs):
            self.epoch_costs.append(book.closed_cost)
            if self.test_set is not None:
                self.test_costs.append(book.closed_test)
        self.book = book

    def _begin_next_pass(self) -> None:
        p = self.current_pass
        self._history.append(p, self._pass_book)
        self._pass = None  # built lazily from self.book
        self.cursor = 0

    def _rebuild_current(self, show_forward: bool = False) -> None:
        """Rebuild the unfinished pass: after a learning-rate change from the
        parameters it started with (`show_forward` False), after a parameter
        change from the parameters as now set, showing at least the forward pass.
        """
        p = self._pass
        if p is not None and self.cursor == len(p.steps):
            return  # a finished pass keeps its record; the change applies to the next
        if p is None:
            if not show_forward:
                return
            keep = 0
        elif show_forward:
            keep = min(self.cursor, p.n_forward + p.n_backward)
        else:
            keep = self.cursor
            self.network.set_state(p.state_before)
        self._pass = None
        p = self.current_pass
        self.cursor = max(keep, p.n_forward) if show_forward else keep
        self._sync()

    def _restart(self, clear_curves: bool = False) -> None:
        """A new setup (mode, dataset, network): a fresh epoch, no step-back history.
        The parameters stay as they are (callers `settle` a half-shown update first)."""
        self._history.clear()
        self._pass = None
        self.cursor = 0
        if clear_curves:
            self.epoch_costs.clear()
            self.iteration_costs.clear()
            self.test_costs.clear()
            self._plog.clear()
            self.book = Book(status=self._start_status(), watch=self._fresh_watch())
        else:
            self.book = replace(self.book, batch_pos=0, epoch_sum=0.0,
                                status=self._start_status(),
                                watch=self._fresh_watch(),
                                n_epoch_costs=len(self.epoch_costs),
                                n_iteration_costs=len(self.iteration_costs))

    # ---------------------------------------------------------------- stepping
    def step_forward(self, by: str = "step") -> Step | None:
        """Reveal one micro-step (or, `by` "node", "layer" or "pass", the rest of the
        current node, layer or phase: see steps.stops); after a finished pass, start
        the next."""
        check_stride(by)
        if self.status.kind == "non-finite":
            return None
        p = self._open_pass()
        self.cursor = next(n for n in stops(p, by) if n > self.cursor)
        self._sync()
        return p.steps[self.cursor - 1]

    def step_back(self, by: str = "step") -> Step | None:
        """Undo one micro-step (or stride `by`) exactly; at a pass's start, go back into
        the previous one."""
        check_stride(by)
        earlier = [0] + [n for n in stops(self.current_pass, by) if n < self.cursor]
        if earlier[-1] == 0 and self._history:
            # a pass's first stride came straight after the previous pass's end
            self._pass, self._pass_book = self._history.pop()
            self.cursor = len(self._pass.steps)
        elif self.cursor == 0:
            return None
        else:
            self.cursor = earlier[-1]
        self._sync()
        return self.current_step

    def _open_pass(self) -> Pass:
        """The pass to step in: after a finished pass, the next one (none after an
        overflow: the finished pass stays in view)."""
        if self.cursor == len(self.current_pass.steps) and self.status.kind != "non-finite":
            self._begin_next_pass()
        return self.current_pass

    def _run_to(self, n: int) -> None:
        if self.status.kind != "non-finite" and n > self.cursor:
            self.cursor = n
            self._sync()

    def finish_forward(self) -> None:
        self._run_to(self._open_pass().n_forward)

    def finish_backward(self) -> None:
        p = self._open_pass()
        self._run_to(p.n_forward + p.n_backward)

    def apply_update(self) -> None:
        """Finish the pass: forward, backward and the update, as far as not yet shown."""
        self._run_to(len(self._open_pass().steps))

    def run_epoch(self) -> float | None:
        """Step through to the end of the current epoch (every record is built)."""
        if not self.status.ok:
            return None
        start = self.book.epoch
        guard = len(self.schedule()) + 1
        while self.book.epoch == start and guard and self.status.ok:
            self.apply_update()
            guard -= 1
        return self.epoch_costs[-1] if self.epoch_costs else None

    def train(self, epochs: int, each=None) -> np.ndarray:
        """The fast path: `epochs` epochs, recording only each epoch's cost.

        An unfinished pass is finished first and a part-done epoch counts as
        the first. Stops early at a flagged status (diverged, non-finite).
        Step-back history does not reach before this call. `each(cost, params)`,
        if given, is called after every epoch run on the fast path, with the
        parameters as a {name: value} dict; with a test set, `test_costs[-1]` is
        then already that epoch's test cost (epoch_costs grows at the end).
        """
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 0:
            raise EngineError(f"the number of epochs must be a whole number ≥ 0, got {epochs!r}")
        if epochs == 0 or not self.status.ok:
            return np.empty(0)
        n_before = len(self.epoch_costs)
        if self._pass is not None and 0 < self.cursor < len(self._pass.steps):
            self.apply_update()
            epochs -= len(self.epoch_costs) - n_before  # that update may have closed an epoch
        sched = self.schedule()
        total = sum(len(s) for s in sched)
        b = self.book
        before = self.network.get_state()
        watch, status, runs = b.watch, b.status, []
        start = b.batch_pos
        hook = None
        names = [s.name for s in self.network.slots]
        if each is not None or self.test_set is not None:
            def hook(cost, values):
                if self.test_set is not None:
                    self.test_costs.append(self._test_cost_of_values(values))
                if each is not None:
                    each(cost, dict(zip(names, values)))

        if epochs and status.ok and start:  # finish the part-done epoch
            costs, watch, status = train_epochs(
                self.network, self.dataset.X, self.dataset.Y, sched[start:], self._lr, 1,
                watch, carry=b.epoch_sum, m_total=total, sat_cols=self._trained_columns(),
                each=hook)
            runs.append(costs)
            epochs -= 1
        if epochs and status.ok:
            costs, watch, status = train_epochs(
                self.network, self.dataset.X, self.dataset.Y, sched, self._lr, epochs, watch,
                each=hook)
            runs.append(costs)
        new = np.concatenate(runs) if runs else np.empty(0)
        self.epoch_costs.extend(new)
        updates = len(new) * len(sched) - (start if runs else 0)
        self.book = Book(epoch=b.epoch + len(new), iteration=b.iteration + updates,
                         batch_pos=0 if runs else b.batch_pos,
                         epoch_sum=0.0 if runs else b.epoch_sum,
                         n_epoch_costs=len(self.epoch_costs),
                         n_iteration_costs=len(self.iteration_costs), status=status, watch=watch)
        if len(new):
            self._log_op(len(new), before, b, self._lr, self.network.get_state(), self.book)
        self._history.clear()
        self._pass = None
        self.cursor = 0
        return self.epoch_costs[n_before:]

    def forget_records(self) -> None:
        """Drop the cost curves and the step-back history; parameters, counters and
        the divergence watch carry on. A long headless run (the trace) writes the
        costs out as they come and must not hold them all. Not in the middle of a pass.
        """
        p = self._pass
        if p is not None and 0 < self.cursor < len(p.steps):
            raise EngineError("finish the pass before forgetting the records")
        self.epoch_costs.clear()
        self.iteration_costs.clear()
        self.test_costs.clear()
        self._history.clear()
        self._plog.clear()
        self._pass = None  # the next pass is built from the book, as after a finished one
        self.cursor = 0
        self.book = replace(self.book, n_epoch_costs=0, n_iteration_costs=0)

    def _trained_columns(self) -> list[int]:
        return sorted({i for batch in self.schedule() for i in batch})

    def _saturated(self, state) -> bool:
        """Is the output sigmoid flat (|z| > SATURATED_Z) with `state` on every example that
        training uses (the chosen one alone, when one example is trained on) and
        that can move a parameter (see fastpath.movable_columns)?"""
        net = self.network.copy()
        net.set_state(state)
        cols = movable_columns(net, net.features(self.dataset.X), self._trained_columns())
        if not cols:
            return False
        X = self.dataset.X[:, cols]
        with np.errstate(all="ignore"):
            z = net.linears[-1].forward(net.forward(X)[-2])
        return bool(np.all(np.abs(z) > SATURATED_Z))

    def settle(self) -> None:
        """Undo an update shown only in part: half a gradient step is no state to
        start anything from (a new mode, dataset or bias)."""
        p = self._pass
        if p is not None and p.n_forward + p.n_backward < self.cursor < len(p.steps):
            self.network.set_state(p.state_before)
            self.cursor = p.n_forward + p.n_backward

    def clear_status(self) -> None:
        """A new start for the divergence watch (after the learner changed something)."""
        self.book = replace(self.book, status=OK, watch=self._fresh_watch())
        self._pass_book = replace(self._pass_book, status=OK, watch=self._fresh_watch())

    def _start_status(self) -> Status:
        """A fresh start keeps the parameters, and the diagram shows them at once:
        overflowed ones (±∞, NaN) make it no "ok" start."""
        finite = all(np.all(np.isfinite(a)) for W, b in self.network.get_state()
                     for a in (W, b) if a is not None)
        return OK if finite else NON_FINITE

    def _fresh_watch(self) -> Watch:
        # several updates an epoch make the epoch cost noisy (see watch.NOISY_FACTOR)
        return Watch(still_ok=self._lr == 0, noisy=len(self.schedule()) > 1)

    def reset(self, network: Network | None = None) -> None:
        """Back to the start: given parameters (default: the tutorial's), epoch 0."""
        if network is not None:
            self._pass = None
            self.network = network
        else:
            self.settle()
        self._restart(clear_curves=True)

    # ------------------------------------------------------- parameters per epoch
    def _log_key(self, book: Book, lr: float) -> tuple:
        """What must not change between two operations for the second to go on from the
        first in the log (anything else starts a new segment)."""
        return (lr, self._mode, self._example, self._batch_size, id(self.dataset),
                id(self.network), book.batch_pos, book.epoch, book.iteration,
                book.n_epoch_costs, book.epoch_sum, book.status, book.watch)

    def _log_op(self, n: int, before, book: Book, lr: float, after, new_book: Book) -> None:
        """Log one operation (n = 0: a pass stepped through; n > 0: a fast-path call of n
        epochs) that went from parameters `before` at counters `book` to `after` at
        `new_book`: it goes on from the last one, or starts a segment from a checkpoint."""
        log, key = self._plog, self._log_key(book, lr)
        cp = None
        tail = log.tail
        if tail is None or tail[1] != key or not _same_state(tail[0], before):
            cp = Checkpoint([(W.copy(), None if b is None else b.copy()) for W, b in before],
                            self.network, self.dataset, lr, self._mode, self._example,
                            self._batch_size, book, len(log))
        log.add(n, new_book.iteration, cp)
        log.tail = (after, self._log_key(new_book, lr))

    def parameters_by_epoch(self):
        """(epoch index in epoch_costs, [parameter values in slot order]) for each closed
        epoch the log covers, in order: trained again from the log's checkpoints
        (core.history.ParamLog), so exactly the numbers the run had, in bounded memory."""
        log = self._plog
        segs = log.segments
        ops = log.ops.view()
        n_epochs = len(self.epoch_costs)
        for k, cp in enumerate(segs):
            end = segs[k + 1].first if k + 1 < len(segs) else len(ops)
            net = cp.network.copy()
            net.set_state(cp.params)
            e = Engine(net, cp.dataset, lr=cp.lr, mode=cp.mode, example=cp.example,
                       batch_size=cp.batch_size)
            e.book = e._pass_book = cp.book
            at = [cp.book.n_epoch_costs]
            out: list = []

            def each(_cost, values, out=out, at=at):
                out.append((at[0], list(values.values())))
                at[0] += 1

            for op in ops[cp.first : end].tolist():
                if op == 0:
                    epoch = e.book.epoch
                    e.apply_update()
                    if e.book.epoch > epoch:
                        each(None, e.parameters())
                    yield from (r for r in out if r[0] < n_epochs)
                    out.clear()
                    continue
                # a long call in chunks, rows handed on between them: memory stays a
                # chunk's; the same numbers, since a fast-path call carries nothing to
                # the next but the parameters and the watch, which the engine keeps
                for left in range(int(op), 0, -REPLAY_CHUNK):
                    e.train(min(left, REPLAY_CHUNK), each=each)
                    e.forget_records()  # its own curves would grow with the run
                    yield from (r for r in out if r[0] < n_epochs)
                    out.clear()

    # ---------------------------------------------------------------- snapshots
    def snapshot(self) -> EngineState:
        """The whole state, to `restore` exactly later."""
        return EngineState(
            network=self.network, params=self.network.get_state(), dataset=self.dataset,
            test_set=self.test_set, lr=self._lr, mode=self._mode, example=self._example,
            batch_size=self._batch_size, book=self.book, pass_book=self._pass_book,
            current=self._pass, cursor=self.cursor, history=self._history.frozen(),
            curves=(self.epoch_costs.frozen(), self.iteration_costs.frozen(),
                    self.test_costs.frozen()), plog=self._plog.frozen())

    def restore(self, state: EngineState) -> None:
        """Be exactly as when `state` was taken: parameters, data, settings, counters,
        cost curves, the pass on show with its cursor and the passes to step back to."""
        if not isinstance(state, EngineState):
            raise EngineError(f"not an engine state: {state!r}")
        self.network = state.network
        self.network.set_state(state.params)
        self.dataset, self.test_set = state.dataset, state.test_set
        self._lr, self._mode = state.lr, state.mode
        self._example, self._batch_size = state.example, state.batch_size
        self.book, self._pass_book = state.book, state.pass_book
        self._pass, self.cursor = state.current, state.cursor
        self._history.thaw(state.history)
        e, i, t = state.curves
        self.epoch_costs = CostHistory.thawed(e)
        self.iteration_costs = CostHistory.thawed(i)
        self.test_costs = CostHistory.thawed(t)
        self._plog.thaw(state.plog)

    # ------------------------------------------------------------------ records
    @classmethod
    def from_record(cls, network: Network, dataset: Dataset, *, lr: float, mode: str,
                    example: int | None, batch_size: int, test_set: Dataset | None,
                    book: Book, curves: tuple, pass_record: tuple | None = None) -> Engine:
        """An engine as a saved session left it (core.session_file), exactly.

        `network` holds the current parameters when `pass_record` is None (no pass on
        show: the next one is built from `book`). Otherwise `pass_record` is (parameters
        at the pass's start as {name: value}, the pass's learning rate, the counters it
        started from, cursor): the pass is rebuilt from them (a pass is a pure function
        of them), the parameters follow from the cursor. `curves` are the epoch,
        iteration and test costs. The passes before it (stepping back) are not kept.
        EngineError if the parts do not fit together."""
        e = cls(network, dataset, lr=lr, mode=mode, example=example,
                batch_size=batch_size, test_set=test_set)
        epoch_costs, iteration_costs, test_costs = (np.asarray(c, dtype=float).reshape(-1)
                                                    for c in curves)
        if (len(epoch_costs), len(iteration_costs)) != (book.n_epoch_costs,
                                                        book.n_iteration_costs):
            raise EngineError("the cost curves' lengths do not match the counters")
        if len(test_costs) != (len(epoch_costs) if test_set is not None else 0):
            raise EngineError("the test costs must be one per epoch cost with a test set, "
                              "and none without")
        sched = e.schedule()
        if not 0 <= book.batch_pos < len(sched):
            raise EngineError(f"the place in the epoch ({book.batch_pos}) is not one of its "
                              f"{len(sched)} passes")
        if pass_record is not None:
            start, pass_lr, pass_book, cursor = pass_record
            if not 0 <= pass_book.batch_pos < len(sched):
                raise EngineError(f"the pass's place in the epoch ({pass_book.batch_pos}) is "
                                  f"not one of its {len(sched)} passes")
            for name, v in start.items():
                e.network.set(name, v)
            e._pass_book = pass_book
            e._pass = e._build(sched[pass_book.batch_pos], check_lr(pass_lr))
            if isinstance(cursor, bool) or not isinstance(cursor, (int, np.integer)) or \
                    not 0 <= cursor <= len(e._pass.steps):
                raise EngineError(f"the cursor {cursor!r} is not within the pass's "
                                  f"{len(e._pass.steps)} steps")
            e.cursor = int(cursor)
            e._sync()  # the parameters as the cursor leaves them
        # the counters and curves as recorded, not recomputed: a status cleared after the
        # pass, say, would not come back the same
        e.book = book
        if pass_record is None:
            e._pass_book = book
        e.epoch_costs, e.iteration_costs, e.test_costs = CostHistory(), CostHistory(), \
            CostHistory()
        e.epoch_costs.extend(epoch_costs)
        e.iteration_costs.extend(iteration_costs)
        e.test_costs.extend(test_costs)
        e._plog.clear()  # what rebuilding the pass logged counts from counters set aside
        return e

    def pass_from(self, start: dict, lr: float, book: Book):
        """The pass that starts from parameters `start` ({name: value}) with learning rate
        `lr` at counters `book` (its place in the epoch): a pure function of them, built
        as stepping built it. The network's parameters are left as they are."""
        sched = self.schedule()
        if not 0 <= book.batch_pos < len(sched):
            raise EngineError(f"a pass's place in the epoch ({book.batch_pos}) is not one "
                              f"of its {len(sched)} passes")
        keep = self.network.get_state()
        try:
            for name, v in start.items():
                self.network.set(name, v)
            return self._build(sched[book.batch_pos], check_lr(lr))
        finally:
            self.network.set_state(keep)

    def set_back(self, items) -> None:
        """The passes Step back goes into, oldest first: [(Pass, the counters it started
        from)] (see pass_from, back_record)."""
        self._history.clear()
        for p, book in items:
            self._history.append(p, book)

    @property
    def back_record(self) -> list[tuple]:
        """The passes Step back goes into, oldest first, as what rebuilds them:
        [(parameters at the pass's start, its learning rate, its counters)]."""
        return [(dict(p.params_before), p.lr, book) for p, book, _size in self._history.frozen()[0]]

    @property
    def pass_record(self) -> tuple | None:
        """What from_record needs to rebuild the pass on show: (parameters at its start,
        its learning rate, the counters it started from, cursor), or None."""
        p = self._pass
        if p is None:
            return None
        return (dict(p.params_before), p.lr, self._pass_book, self.cursor)

    # ------------------------------------------------------------------ views
    def shown_values(self) -> dict[str, Step]:
        """The latest revealed record for each target (what the diagram shows)."""
        out = {}
        for s in self.revealed:
            out[s.target + ("#grad" if s.phase == BACKWARD else "")] = s
        return out


__all__ = ["Engine", "EngineError", "EngineState", "Status", "MODES", "FORWARD", "BACKWARD",
           "UPDATE"]
