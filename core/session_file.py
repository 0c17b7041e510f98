"""Session files: the learner's whole state as one JSON document, and back, exactly.

Pure NumPy and the standard library (the window, the trace and the lessons share it).
`dump` writes; `load` checks everything and builds a fresh engine, so nothing that is
open changes until a file has passed every check; `read` adds the checks of the file
itself (a regular file, at most MAX_FILE_BYTES, UTF-8 with or without a byte-order
mark). Every problem is a SessionFileError whose message names the file and the field.

Numbers are written as Python's repr (the shortest text that reads back as the same
float), so a reopened session shows the same numbers bit for bit. JSON has no NaN or
infinity, and bare NaN / Infinity tokens are refused; a cost that overflowed is written
as the string "NaN", "Infinity" or "-Infinity" (costs only: parameters must be finite).

Version 1 (the README's "Session files" section says more): one object with
  format "neuron-lab-session", version 1;
  network {network, bias, activation, loss, init, seed|null}: NetworkSpec.to_dict();
  start_parameters, parameters: {name: number}, every parameter of that network, no other;
  data {kind, points, noise|null, seed, test_fraction} (the data choice) and, for points
    placed by hand (or whenever the choice would not give the same sets back), train_name,
    train_points [[x1, x2, y], …] (1 to 10 000), test_name|null, test_points|null;
  training {lr, mode, example|null, batch_size, stride};
  progress {book, pass|null, epoch_costs, iteration_costs, test_costs}: book is the
    engine's counters {epoch, iteration, batch_pos, epoch_sum, n_epoch_costs,
    n_iteration_costs, status (ok, non-finite, rising, above-start, stuck), watch {first,
    prev, best, rises, flat, still_ok, noisy}, closed_cost, closed_test}; pass is the pass
    on show {start_parameters, lr, book, cursor}, rebuilt from them (Engine.from_record);
  settings (optional): the window's, flat {key: number|string|bool|null}.
Version 2 adds, each optional (a version 1 file still opens):
  network.params: the starting values the network choice sets by name (NetworkSpec.params;
    they must give start_parameters), so that the choice reads back as it was;
  progress.back: the passes Step back goes into, oldest first, at most MAX_BACK, each
    {start_parameters, lr, book}, rebuilt as stepping built them (Engine.pass_from);
  progress.log: what gives the parameters at each epoch's end again (core.history.
    ParamLog): {checkpoints [{parameters, lr, mode, example, batch_size, book, first}],
    ops, iters};
  timeline: the undo history as the timeline shows it (see TimelineRecord): states, the
    steps between them with their marks, where the timeline is, the branches, and the
    pools they share (curves, data sets, passes), each bounded (MAX_* below).
Unknown keys are refused, so that a misspelt key is never silently ignored.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field, replace

import numpy as np

from . import datasets
from .datasets import Dataset, DatasetError
from .engine import MODES, Book, Checkpoint, Engine, EngineError
from .files import read_regular_file
from .network import NetworkError
from .setup import NetworkSpec, SetupError
from .steps import STRIDES
from .watch import ABOVE_START, NON_FINITE, OK, RISING, STUCK, Watch

FORMAT = "neuron-lab-session"
VERSION = 2
VERSIONS = (1, 2)  # what this Neuron Lab reads
SUFFIX = ".json"
MAX_FILE_BYTES = 50_000_000
MAX_CURVE = 10_000_000  # entries in one cost curve
MAX_POINTS = datasets.MAX_POINTS  # in the training part and in the test part
MAX_SETTINGS = 64
MAX_TEXT = 1000  # characters of a name or a setting
MAX_DEPTH = 8  # the schema nests at most 7 deep (progress.log.checkpoints[i].book.watch)
# version 2's bounds (an undo history of UNDO_LIMIT steps, MAX_BRANCHES branches, the
# marks of played runs and the passes kept for stepping back all fit well within them)
MAX_BACK = 2000  # passes Step back goes into (the engine keeps at most that many)
MAX_STATES = 10_000  # distinct states on the timeline
MAX_STEPS = 1000  # steps on the main line, and in each branch
MAX_BRANCHES = 16
MAX_MARKS = 1024  # points kept inside one played run
MAX_POOL = 1000  # curves, and data sets, the states share
MAX_PASSES = 4000  # passes (for stepping back) the states share
MAX_CHECKPOINTS = 10_000  # where stretches of training start (parameters per epoch)
STATUSES = {"ok": OK, "non-finite": NON_FINITE, "rising": RISING,
            "above-start": ABOVE_START, "stuck": STUCK}
DATA_KEYS = ("kind", "points", "noise", "seed", "test_fraction")
NON_FINITE_TEXT = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class SessionFileError(ValueError):
    """A session file that cannot be read or written; the message names file and field."""


@dataclass(frozen=True, eq=False)
class SessionParts:
    """What a session file holds: the engine as it was, the network choice Reset returns
    to, the data choice (a dict of DATA_KEYS), the stride and the window's settings."""

    engine: Engine
    spec: NetworkSpec
    data: dict
    stride: str = "step"
    settings: dict = field(default_factory=dict)
    timeline: TimelineRecord | None = None


@dataclass(frozen=True, eq=False)
class StateParts:
    """One state of the timeline as read from a file: as gui.session.SessionState."""

    engine: object  # core.engine.EngineState
    spec: NetworkSpec
    data: dict
    stride: str


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the timeline: its name, the played run's name (for the steps cut
    from it), the states on either side and the states kept part-way (a played run)."""

    text: str
    run_text: str
    before: object
    after: object
    marks: tuple = ()


@dataclass(frozen=True, eq=False)
class TimelineRecord:
    """The undo history (gui/undo.py) as the session file keeps it: the steps of the
    main line, the position (`index` steps done, and `mark`: a point inside the last of
    them, or None), and the branches as (time made, [Step]). States are objects with
    `engine` (an EngineState), `spec`, `data` (DATA_KEYS as attributes or keys) and
    `stride`; one object used in several places is written once."""

    steps: tuple
    index: int
    mark: int | None
    branches: tuple = ()


# ------------------------------------------------------------------------------ writing
def _cost(v) -> float | str:
    v = float(v)
    if math.isfinite(v):
        return v
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def _curve(h) -> str:
    """A cost curve as a JSON list on one line, by the C encoder (a million costs in well
    under a second; the indenting encoder is pure Python)."""
    values = np.asarray(h.tolist() if hasattr(h, "tolist") else list(h), dtype=float)
    arr = values.tolist()
    if not np.all(np.isfinite(values)):
        arr = [_cost(v) for v in arr]
    return json.dumps(arr, allow_nan=False)


def _book(b: Book) -> dict:
    name = next((k for k, s in STATUSES.items() if s == b.status), "ok")
    w = b.watch
    return {"epoch": b.epoch, "iteration": b.iteration, "batch_pos": b.batch_pos,
            "epoch_sum": _cost(b.epoch_sum), "n_epoch_costs": b.n_epoch_costs,
            "n_iteration_costs": b.n_iteration_costs, "status": name,
            "watch": {"first": None if w.first is None else _cost(w.first),
                      "prev": _cost(w.prev), "best": _cost(w.best), "rises": w.rises,
                      "flat": w.flat, "still_ok": w.still_ok, "noisy": w.noisy},
            "closed_cost": _cost(b.closed_cost), "closed_test": _cost(b.closed_test)}


def _points(ds: Dataset | None):
    if ds is None:
        return None
    return [[float(a), float(b), int(c)] for a, b, c in zip(ds.X[0], ds.X[1], ds.Y[0])]


def _same(a: Dataset | None, b: Dataset | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.name == b.name and np.array_equal(a.X, b.X) and np.array_equal(a.Y, b.Y)


def make_data(data: dict) -> tuple[Dataset, Dataset | None]:
    """(training set, test set or None) from a gate's or a shape's choice (DATA_KEYS)."""
    kind = data["kind"]
    if kind in datasets.GENERATED_TITLES:
        ds = datasets.generated(kind, data["points"], data["noise"], data["seed"])
    elif kind in datasets.GATES:
        ds = datasets.gate(kind)
    else:
        raise DatasetError(f"unknown dataset {kind!r}")
    return datasets.split(ds, data["test_fraction"], data["seed"])


def _finite_parameters(values: dict, what: str) -> dict:
    for name, v in values.items():
        if not math.isfinite(v):
            raise SessionFileError(f"cannot save the session: {what} {name} is {v} (the "
                                   "numbers overflowed); lower the learning rate and reset")
    return {k: float(v) for k, v in values.items()}


def _choice(data) -> dict:
    choice = {k: (data[k] if isinstance(data, dict) else getattr(data, k)) for k in DATA_KEYS}
    choice["noise"] = None if choice["noise"] is None else float(choice["noise"])
    choice["test_fraction"] = float(choice["test_fraction"])
    return choice


def _spec_doc(spec: NetworkSpec) -> dict:
    """The network choice, with (version 2) the starting values it sets by name, so that
    the choice reads back as it was (its start is in start_parameters either way)."""
    return {**spec.to_dict(), "params": _finite_parameters(spec.params, "a start")}


def _pass_doc(start: dict, lr: float, book: Book) -> dict:
    return {"start_parameters": _finite_parameters(start, "a kept pass's start"),
            "lr": float(lr), "book": _book(book)}


def _values(network, params) -> dict:
    out = {}
    for slot in network.slots:
        W, b = params[slot.layer]
        out[slot.name] = float((W if slot.kind == "W" else b)[slot.index])
    return out


def _checkpoint_doc(cp: Checkpoint) -> dict:
    return {"parameters": _finite_parameters(_values(cp.network, cp.params), "a checkpoint"),
            "lr": float(cp.lr), "mode": cp.mode, "example": cp.example,
            "batch_size": cp.batch_size, "book": _book(cp.book), "first": cp.first}


def _log_doc(plog) -> dict:
    segments, (ops, n_ops), (iters, _n) = plog[:3]
    return {"checkpoints": [_checkpoint_doc(cp) for cp in segments[-MAX_CHECKPOINTS:]],
            "ops": ops[:n_ops].tolist(), "iters": iters[:n_ops].tolist()}


class _Pools:
    """What the timeline's states share, each written once: curves (as a prefix of one
    written curve: frozen buffers never change below their length), data sets and the
    passes kept for stepping back. Curves 0-2 are progress's own three."""

    def __init__(self, engine: Engine):
        self.curves: list[np.ndarray] = [np.asarray(h.view()) for h in (
            engine.epoch_costs, engine.iteration_costs, engine.test_costs)]
        self.by_buf: dict[int, tuple] = {}
        self.owner: dict[int, int] = {}  # pool entry → the buffer it was last written from
        self.keep: list = []  # the buffers seen, alive while ids are compared
        self.datasets: list = []
        self.by_data: dict[int, int] = {}
        self.passes: list = []
        self.by_pass: dict[int, int] = {}
        self.checkpoints: list = []
        self.by_checkpoint: dict[int, int] = {}
        self.starts: dict[int, dict] = {}
        self.tag = os.urandom(6).hex()  # placeholders no name or text can spell

    def curve(self, buf: np.ndarray, n: int) -> list:
        got = self.by_buf.get(id(buf))  # (pool entry, how many values checked)
        if got is not None and got[1] >= n:
            return [got[0], n]
        values = buf[:n]
        if got is not None and self.owner.get(got[0]) == id(buf):
            k = got[0]  # written from this very buffer: the rest follows on
            self.curves[k] = values
        else:
            for k, c in enumerate(self.curves):  # the same numbers in another buffer
                if len(c) >= n and np.array_equal(c[:n], values, equal_nan=True):
                    break
                if k >= 3 and len(c) < n and np.array_equal(values[: len(c)], c,
                                                            equal_nan=True):
                    self.curves[k] = values
                    self.owner[k] = id(buf)
                    break
            else:
                if len(self.curves) - 3 >= MAX_POOL:
                    raise SessionFileError("cannot save the timeline: it holds more than "
                                           f"{MAX_POOL} different cost curves")
                self.curves.append(values)
                k = len(self.curves) - 1
                self.owner[k] = id(buf)
        self.by_buf[id(buf)] = (k, n)
        self.keep.append(buf)
        return [k, n]

    def dataset(self, ds: Dataset | None) -> int | None:
        if ds is None:
            return None
        if id(ds) not in self.by_data:
            if len(self.datasets) >= MAX_POOL:
                raise SessionFileError("cannot save the timeline: it holds more than "
                                       f"{MAX_POOL} different data sets")
            self.by_data[id(ds)] = len(self.datasets)
            self.datasets.append({"name": ds.name, "points": _points(ds)})
            self.keep.append(ds)
        return self.by_data[id(ds)]

    def start(self, spec: NetworkSpec) -> dict:
        """The start a spec gives, built once for the states that share it."""
        if id(spec) not in self.starts:
            self.starts[id(spec)] = _finite_parameters(spec.build().values(), "a start")
            self.keep.append(spec)
        return self.starts[id(spec)]

    def log(self, plog) -> dict:
        segments, (ops, n), (iters, _n) = plog[:3]
        refs = []
        for cp in segments[-MAX_CHECKPOINTS:]:
            if id(cp) not in self.by_checkpoint:
                if len(self.checkpoints) >= MAX_CHECKPOINTS:
                    raise SessionFileError("cannot save the timeline: it holds more than "
                                           f"{MAX_CHECKPOINTS} checkpoints")
                self.by_checkpoint[id(cp)] = len(self.checkpoints)
                self.checkpoints.append(_checkpoint_doc(cp))
                self.keep.append(cp)
            refs.append(self.by_checkpoint[id(cp)])
        return {"checkpoints": refs, "ops": self.curve(ops, n), "iters": self.curve(iters, n)}

    def back(self, history) -> list[int]:
        """The passes of a state's step-back history, the newest that fit."""
        items = history[0]
        out = []
        for p, book, _size in reversed(items):
            if id(p) not in self.by_pass:
                if len(self.passes) >= MAX_PASSES or len(out) >= MAX_BACK:
                    break  # the oldest passes of this state are not kept
                self.by_pass[id(p)] = len(self.passes)
                self.passes.append(_pass_doc(p.params_before, p.lr, book))
                self.keep.append(p)
            out.append(self.by_pass[id(p)])
        return out[::-1][-MAX_BACK:]


def _state_doc(st, pools: _Pools) -> dict:
    es = st.engine
    p = es.current
    return {"network": _spec_doc(st.spec),
            "start_parameters": pools.start(st.spec),
            "data": _choice(st.data), "stride": st.stride,
            "parameters": _finite_parameters(es.parameters(), "a parameter"),
            "lr": float(es.lr), "mode": es.mode, "example": es.example,
            "batch_size": es.batch_size, "book": _book(es.book),
            "pass_book": _book(es.pass_book),
            "pass": None if p is None else {
                "start_parameters": _finite_parameters(p.params_before, "a pass's start"),
                "lr": float(p.lr), "cursor": int(es.cursor)},
            "train": pools.dataset(es.dataset), "test": pools.dataset(es.test_set),
            "curves": [pools.curve(buf, n) for buf, n in es.curves],
            "back": pools.back(es.history), "log": pools.log(es.plog)}


def _timeline_doc(rec: TimelineRecord, pools: _Pools) -> dict:
    states: list[dict] = []
    index: dict[int, int] = {}

    def ref(st) -> int:
        if id(st) not in index:
            if len(states) >= MAX_STATES:
                raise SessionFileError(f"cannot save the timeline: it holds more than "
                                       f"{MAX_STATES} states")
            index[id(st)] = len(states)
            states.append(_state_doc(st, pools))
        return index[id(st)]

    def steps(items) -> list[dict]:
        return [{"text": s.text[:MAX_TEXT], "run_text": s.run_text[:MAX_TEXT],
                 "before": ref(s.before), "after": ref(s.after),
                 "marks": [ref(m) for m in s.marks[:MAX_MARKS]]}
                for s in list(items)[-MAX_STEPS:]]

    main = list(rec.steps)
    cut = max(0, len(main) - MAX_STEPS)  # the oldest steps go, as the undo limit drops them
    doc = {"index": max(0, rec.index - cut),
           "mark": rec.mark if rec.index > cut else None,
           "steps": steps(main[cut:]),
           "branches": [{"made": float(made), "steps": steps(entries)}
                        for made, entries in list(rec.branches)[-MAX_BRANCHES:] if entries]}
    doc.update(states=states, datasets=pools.datasets, passes=pools.passes,
               checkpoints=pools.checkpoints,
               curves=[f"@curve{pools.tag}-{k}@" for k in range(3, len(pools.curves))])
    return doc


def dump(engine: Engine, spec: NetworkSpec, data, stride: str = "step",
         settings: dict | None = None, timeline: TimelineRecord | None = None) -> str:
    """The session as JSON text. `data`: the data choice, a dict of DATA_KEYS or an object
    with those attributes (gui.session.DataChoice). The points themselves are written for
    custom data, and whenever the choice would not give back exactly the engine's sets.
    `timeline`: the undo history to keep with it; left out if it cannot be written (a
    state whose parameters overflowed) or would make the file too large to open."""
    if timeline is not None:
        try:
            return _dump(engine, spec, data, stride, settings, timeline)
        except SessionFileError:
            pass  # the session itself, without its timeline
    return _dump(engine, spec, data, stride, settings, None)


def _dump(engine, spec, data, stride, settings, timeline) -> str:
    choice = {k: (data[k] if isinstance(data, dict) else getattr(data, k)) for k in DATA_KEYS}
    choice["noise"] = None if choice["noise"] is None else float(choice["noise"])
    choice["test_fraction"] = float(choice["test_fraction"])
    out_data = dict(choice)
    rebuilt = None
    if choice["kind"] != "custom":
        try:
            rebuilt = make_data(choice)
        except (DatasetError, KeyError, TypeError, ValueError):
            rebuilt = None
    if rebuilt is None or not (_same(rebuilt[0], engine.dataset)
                               and _same(rebuilt[1], engine.test_set)):
        out_data.update(train_name=engine.dataset.name, train_points=_points(engine.dataset),
                        test_name=None if engine.test_set is None else engine.test_set.name,
                        test_points=_points(engine.test_set))
    rec = engine.pass_record
    progress = {"book": _book(engine.book), "pass": None,
                "epoch_costs": "@epoch_costs@", "iteration_costs": "@iteration_costs@",
                "test_costs": "@test_costs@"}  # placeholders: see _curve
    if rec is not None:
        start, lr, book, cursor = rec
        progress["pass"] = {"start_parameters": _finite_parameters(start, "the pass's start"),
                            "lr": float(lr), "book": _book(book), "cursor": int(cursor)}
    back = engine.back_record[-MAX_BACK:]
    if back:
        progress["back"] = [_pass_doc(*b) for b in back]
    plog = engine.snapshot().plog
    tag = os.urandom(6).hex()
    if plog[0]:
        progress["log"] = f"@log{tag}@"  # written below: its lists on one line
    doc = {"format": FORMAT, "version": VERSION,
           "network": _spec_doc(spec),
           "start_parameters": _finite_parameters(spec.build().values(), "the start"),
           "parameters": _finite_parameters(engine.parameters(), "the parameter"),
           "data": out_data,
           "training": {"lr": float(engine.lr), "mode": engine.mode, "example": engine.example,
                        "batch_size": engine.batch_size, "stride": stride},
           "progress": progress,
           "settings": dict(settings or {})}
    _check_settings(doc["settings"], _Checker("(settings)"), "settings")
    pools = _Pools(engine)
    if timeline is not None:
        doc["timeline"] = _timeline_doc(timeline, pools)
    text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    for key in ("epoch_costs", "iteration_costs", "test_costs"):
        text = text.replace(f'"@{key}@"', _curve(getattr(engine, key)), 1)
    if plog[0]:
        text = text.replace(f'"@log{tag}@"', json.dumps(_log_doc(plog), allow_nan=False), 1)
    if timeline is not None:  # one pass over the text, however many curves
        text = re.sub(f'"@curve{pools.tag}-(\\d+)@"', lambda m: _curve(pools.curves[int(m[1])]),
                      text)
    if len(text) > MAX_FILE_BYTES:  # it could not be opened again
        raise SessionFileError(
            f"cannot save the session: with {len(engine.epoch_costs):,} epochs its file "
            f"would take {len(text) / 1e6:,.0f} MB, more than the {MAX_FILE_BYTES // 1_000_000}"
            " MB a session file may be; reset to start a shorter run")
    return text


# ------------------------------------------------------------------------------ reading
class _Odd:
    """A number JSON can spell but a session cannot hold (NaN, ∞, 1e400, 10⁴⁰⁰⁰):
    kept as its text so that the message can name the field it is in."""

    def __init__(self, text: str):
        self.text = text


def _parse_float(text: str):
    v = float(text)
    return v if math.isfinite(v) else _Odd(text)


def _parse_int(text: str):
    return int(text) if len(text) <= 30 else _Odd(text[:20] + "…")


def _pairs(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise _Duplicate(k)
        d[k] = v
    return d


class _Duplicate(Exception):
    pass


def _shown(v) -> str:
    if isinstance(v, _Odd):
        return v.text
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "a list"
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "…"


def _depth(v, limit: int) -> int:
    """How deeply `v` nests (lists are counted, their numbers not walked)."""
    if limit < 0:
        return 1
    if isinstance(v, dict):
        return 1 + max((_depth(x, limit - 1) for x in v.values()), default=0)
    if isinstance(v, list):
        inner = [x for x in v if isinstance(x, (dict, list))]
        return 1 + max((_depth(x, limit - 1) for x in inner[:MAX_POINTS + 1]), default=0)
    return 0


class _Checker:
    def __init__(self, name: str):
        self.name = name

    def fail(self, path: str, rule: str):
        raise SessionFileError(f'{self.name}: "{path}" {rule}')

    def obj(self, v, path: str, required=(), optional=()) -> dict:
        if not isinstance(v, dict):
            self.fail(path, f"must be an object, got {_shown(v)}")
        missing = [k for k in required if k not in v]
        if missing:
            self.fail(path, f"lacks {', '.join(repr(k) for k in missing)}")
        unknown = [k for k in v if k not in required and k not in optional]
        if unknown:
            shown = ", ".join(repr(k)[:40] for k in unknown[:5])
            self.fail(path, f"has unknown key{'s' if len(unknown) > 1 else ''} {shown}; "
                            f"known: {', '.join((*required, *optional))}")
        return v

    def number(self, v, path: str, lo=-math.inf, hi=math.inf) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            self.fail(path, f"must be a finite number, got {_shown(v)}")
        try:
            f = float(v)
        except OverflowError:
            f = math.inf
        if not math.isfinite(f):
            self.fail(path, f"must be a finite number, got {_shown(v)[:20]}")
        if not lo <= f <= hi:
            self.fail(path, f"must be from {lo:g} to {hi:g}, got {f:g}")
        return f

    def whole(self, v, path: str, lo: int, hi: int) -> int:
        if isinstance(v, bool) or not isinstance(v, int):
            self.fail(path, f"must be a whole number, got {_shown(v)}")
        if not lo <= v <= hi:
            self.fail(path, f"must be from {lo} to {hi}, got {_shown(v)}")
        return v

    def flag(self, v, path: str) -> bool:
        if not isinstance(v, bool):
            self.fail(path, f"must be true or false, got {_shown(v)}")
        return v

    def text(self, v, path: str, choices=None, limit: int = MAX_TEXT) -> str:
        if not isinstance(v, str):
            self.fail(path, f"must be a string, got {_shown(v)}")
        if choices is not None and v not in choices:
            self.fail(path, f"must be one of {', '.join(choices)}, got {_shown(v)}")
        if len(v) > limit:
            self.fail(path, f"is longer than {limit} characters")
        return v

    def cost(self, v, path: str) -> float:
        if isinstance(v, str) and v in NON_FINITE_TEXT:
            return NON_FINITE_TEXT[v]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or \
                not math.isfinite(float(v)):
            self.fail(path, f'must be a finite number or "NaN", "Infinity", "-Infinity", got '
                            f"{_shown(v)}")
        return float(v)

    def costs(self, v, path: str) -> np.ndarray:
        if not isinstance(v, list):
            self.fail(path, f"must be a list of costs, got {_shown(v)}")
        if len(v) > MAX_CURVE:
            self.fail(path, f"has {len(v)} entries; at most {MAX_CURVE}")
        try:  # the common case at C speed: plain finite numbers
            arr = np.array(v, dtype=float)
            if arr.ndim == 1 and np.all(np.isfinite(arr)) and not any(
                    isinstance(x, bool) for x in v):
                return arr
        except (TypeError, ValueError, OverflowError):
            pass
        return np.array([self.cost(x, f"{path}[{i}]") for i, x in enumerate(v)], dtype=float)

    def params(self, v, path: str, names: list[str]) -> dict[str, float]:
        if not isinstance(v, dict):
            self.fail(path, f"must be an object of parameters by name, got {_shown(v)}")
        unknown = [k for k in v if k not in names]
        if unknown:
            self.fail(path, f"names {', '.join(repr(k)[:40] for k in unknown[:5])}, which the "
                            f"network does not have; its parameters are {', '.join(names)}")
        missing = [k for k in names if k not in v]
        if missing:
            self.fail(path, f"lacks {', '.join(missing[:8])}{'…' if len(missing) > 8 else ''}")
        return {k: self.number(v[k], f"{path}.{k}") for k in names}

    def points(self, v, path: str) -> list:
        if not isinstance(v, list):
            self.fail(path, f"must be a list of points [x1, x2, y], got {_shown(v)}")
        if not 1 <= len(v) <= MAX_POINTS:
            self.fail(path, f"must hold 1 to {MAX_POINTS} points, got {len(v)}")
        for i, p in enumerate(v):
            if not isinstance(p, list) or len(p) != 3:
                self.fail(f"{path}[{i}]", f"must be a point [x1, x2, y], got {_shown(p)}")
            for j, x in enumerate(p):
                self.number(x, f"{path}[{i}][{j}]")
        return v


def _check_settings(v, c: _Checker, path: str) -> dict:
    c.obj(v, path, optional=tuple(v) if isinstance(v, dict) else ())
    if len(v) > MAX_SETTINGS:
        c.fail(path, f"has {len(v)} entries; at most {MAX_SETTINGS}")
    for k, x in v.items():
        if len(k) > 100:
            c.fail(path, "has a key longer than 100 characters")
        if x is None or isinstance(x, bool):
            continue
        if isinstance(x, (int, float)):
            c.number(x, f"{path}.{k}")
        elif isinstance(x, str):
            c.text(x, f"{path}.{k}")
        else:
            c.fail(f"{path}.{k}", f"must be a number, a string, true, false or null, got "
                                  f"{_shown(x)}")
    return dict(v)


def _read_book(v, c: _Checker, path: str) -> Book:
    keys = ("epoch", "iteration", "batch_pos", "epoch_sum", "n_epoch_costs",
            "n_iteration_costs", "status", "watch", "closed_cost", "closed_test")
    c.obj(v, path, required=keys)
    big = 2**62
    w = c.obj(v["watch"], f"{path}.watch",
              required=("first", "prev", "best", "rises", "flat", "still_ok", "noisy"))
    watch = Watch(first=None if w["first"] is None else c.cost(w["first"], f"{path}.watch.first"),
                  prev=c.cost(w["prev"], f"{path}.watch.prev"),
                  best=c.cost(w["best"], f"{path}.watch.best"),
                  rises=c.whole(w["rises"], f"{path}.watch.rises", 0, big),
                  flat=c.whole(w["flat"], f"{path}.watch.flat", 0, big),
                  still_ok=c.flag(w["still_ok"], f"{path}.watch.still_ok"),
                  noisy=c.flag(w["noisy"], f"{path}.watch.noisy"))
    return Book(epoch=c.whole(v["epoch"], f"{path}.epoch", 0, big),
                iteration=c.whole(v["iteration"], f"{path}.iteration", 0, big),
                batch_pos=c.whole(v["batch_pos"], f"{path}.batch_pos", 0, MAX_POINTS),
                epoch_sum=c.cost(v["epoch_sum"], f"{path}.epoch_sum"),
                n_epoch_costs=c.whole(v["n_epoch_costs"], f"{path}.n_epoch_costs", 0, MAX_CURVE),
                n_iteration_costs=c.whole(v["n_iteration_costs"], f"{path}.n_iteration_costs",
                                          0, MAX_CURVE),
                status=STATUSES[c.text(v["status"], f"{path}.status", tuple(STATUSES))],
                watch=watch,
                closed_cost=c.cost(v["closed_cost"], f"{path}.closed_cost"),
                closed_test=c.cost(v["closed_test"], f"{path}.closed_test"))


def parse(text: str, name: str = "session.json"):
    """The JSON document in `text`, refusing what JSON allows but a session cannot hold."""
    c = _Checker(name)
    if len(text) > MAX_FILE_BYTES:
        raise SessionFileError(f"{name}: it is larger than {MAX_FILE_BYTES // 1_000_000} MB, "
                               "the most a session file may be")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise SessionFileError(f"{name}: the file is empty, not a session")
    try:
        doc = json.loads(text, parse_float=_parse_float, parse_int=_parse_int,
                         parse_constant=_Odd, object_pairs_hook=_pairs)
    except _Duplicate as exc:
        raise SessionFileError(f"{name}: the key {str(exc)[:40]!r} appears twice in one "
                               "object") from None
    except json.JSONDecodeError as exc:
        end = " (the file ends too soon: it may be cut short)" if exc.pos >= len(text.rstrip()) \
            else ""
        raise SessionFileError(f"{name}: not valid JSON at line {exc.lineno}, column "
                               f"{exc.colno}: {exc.msg}{end}") from None
    except RecursionError:
        raise SessionFileError(f"{name}: not a session file: it nests too deeply") from None
    except ValueError as exc:
        raise SessionFileError(f"{name}: not valid JSON: {str(exc)[:80]}") from None
    if not isinstance(doc, dict):
        kind = "a JSON array" if isinstance(doc, list) else f"a single value {_shown(doc)}"
        raise SessionFileError(f"{name}: not a session file: it holds {kind}, not an object")
    if _depth(doc, MAX_DEPTH) > MAX_DEPTH:
        raise SessionFileError(f"{name}: not a session file: it nests too deeply")
    if doc.get("format") != FORMAT:
        got = _shown(doc["format"]) if "format" in doc else "missing"
        raise SessionFileError(f'{name}: not a Neuron Lab session file ("format" must be '
                               f'"{FORMAT}", got {got})')
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        c.fail("version", f"must be a whole number, got {_shown(version)}")
    if version not in VERSIONS:
        newer = " (written by a newer Neuron Lab)" if version > VERSION else ""
        raise SessionFileError(f"{name}: session format version {version} is not known"
                               f"{newer}; this Neuron Lab reads versions "
                               f"{', '.join(map(str, VERSIONS))}")
    return doc


def _read_spec(n, c: _Checker, path: str, v2: bool = True) -> NetworkSpec:
    """The network's kind and settings (no start values yet)."""
    c.obj(n, path, required=("network", "bias", "activation", "loss", "init"),
          optional=("seed", "params") if v2 else ("seed",))
    seed = n.get("seed")
    seed = 0 if seed is None else c.whole(seed, f"{path}.seed", 0, 2**32 - 1)
    try:
        return NetworkSpec(network=c.text(n["network"], f"{path}.network", limit=40),
                           bias=c.flag(n["bias"], f"{path}.bias"),
                           activation=c.text(n["activation"], f"{path}.activation", limit=40),
                           loss=c.text(n["loss"], f"{path}.loss", limit=40),
                           init=c.text(n["init"], f"{path}.init", limit=40), seed=seed)
    except SetupError as exc:
        c.fail(path, f"cannot be built: {exc}")


def _with_start(bare: NetworkSpec, start: dict, n, c: _Checker, path: str) -> NetworkSpec:
    """The spec with its start: the values it set by name (`n`'s params, version 2),
    which must give `start`; or (version 1) all of `start`."""
    given = start
    if "params" in n:
        names = list(start)
        v = n["params"]
        if not isinstance(v, dict):
            c.fail(f"{path}.params", f"must be an object of parameters, got {_shown(v)}")
        unknown = [k for k in v if k not in names]
        if unknown:
            c.fail(f"{path}.params", f"names {', '.join(repr(k)[:40] for k in unknown[:5])}, "
                                     "which the network does not have")
        given = {k: c.number(v[k], f"{path}.params.{k}") for k in names if k in v}
    spec = NetworkSpec(network=bare.network, bias=bare.bias, activation=bare.activation,
                       loss=bare.loss, init=bare.init, seed=bare.seed, params=given)
    if given is not start and spec.build().values() != start:
        c.fail(f"{path}.params", "do not give the start_parameters")
    return spec


def _read_choice(d, c: _Checker, path: str, optional=()) -> dict:
    c.obj(d, path, required=DATA_KEYS, optional=optional)
    kinds = (*datasets.GATES, *datasets.GENERATED_TITLES, "custom")
    return {"kind": c.text(d["kind"], f"{path}.kind", kinds),
            "points": c.whole(d["points"], f"{path}.points", 1, MAX_POINTS),
            "noise": None if d["noise"] is None else c.number(d["noise"], f"{path}.noise", 0,
                                                              datasets.MAX_NOISE),
            "seed": c.whole(d["seed"], f"{path}.seed", 0, datasets.MAX_SEED),
            "test_fraction": c.number(d["test_fraction"], f"{path}.test_fraction", 0,
                                      datasets.MAX_TEST_FRACTION)}


def _list(v, c: _Checker, path: str, most: int, what: str) -> list:
    if not isinstance(v, list):
        c.fail(path, f"must be a list of {what}, got {_shown(v)}")
    if len(v) > most:
        c.fail(path, f"has {len(v):,} {what}; at most {most:,}")
    return v


def _net_key(spec: NetworkSpec) -> tuple:
    return spec.network, spec.bias, spec.activation, spec.loss


CHECKPOINT_KEYS = ("parameters", "lr", "mode", "example", "batch_size", "book", "first")


def _read_checkpoint(q, c: _Checker, where: str, engine: Engine, names, n_ops: int):
    """A Checkpoint of `engine`'s network and data set, from _checkpoint_doc."""
    c.obj(q, where, required=CHECKPOINT_KEYS)
    values = c.params(q["parameters"], f"{where}.parameters", names)
    net = engine.network.copy()
    for k, v in values.items():
        net.set(k, v)
    mode = c.text(q["mode"], f"{where}.mode", MODES)
    example = None if q["example"] is None else c.whole(q["example"], f"{where}.example", 0,
                                                        engine.dataset.m - 1)
    batch_size = c.whole(q["batch_size"], f"{where}.batch_size", 1, 2**31)
    book = _read_book(q["book"], c, f"{where}.book")
    try:
        sched = Engine(net, engine.dataset, mode=mode, example=example,
                       batch_size=batch_size).schedule()
    except EngineError as exc:
        c.fail(where, f"cannot be used: {exc}")
    if not 0 <= book.batch_pos < len(sched):
        c.fail(f"{where}.book.batch_pos", f"must be from 0 to {len(sched) - 1}")
    return Checkpoint(net.get_state(), engine.network, engine.dataset,
                      c.number(q["lr"], f"{where}.lr", 0), mode, example, batch_size, book,
                      c.whole(q["first"], f"{where}.first", 0, n_ops))


def _check_log(segments, ops, iters, c: _Checker, path: str, book: Book) -> None:
    """Operations a replay can do: whole numbers of epochs, no more in all than the
    epochs the session has closed, updates counted in order; checkpoints in order."""
    if len(ops) != len(iters):
        c.fail(path, "ops and iters must be as long as each other")
    if len(ops) and (np.any(ops < 0) or np.any(ops != np.floor(ops))
                     or ops.sum() > book.n_epoch_costs or len(ops) > book.iteration + 1):
        c.fail(f"{path}.ops", "must be whole numbers of epochs, no more in all than the "
                              "epochs closed")
    if len(iters) and (np.any(np.diff(iters) < 0) or iters[-1] > book.iteration):
        c.fail(f"{path}.iters", "must count the updates in order, up to the book's")
    firsts = [cp.first for cp in segments]
    if firsts != sorted(firsts):
        c.fail(f"{path}.checkpoints", "must be in the order of their first operations")


def _read_log(v, c: _Checker, path: str, engine: Engine, names, book: Book) -> tuple:
    """ParamLog.frozen() from _log_doc."""
    c.obj(v, path, required=("checkpoints", "ops", "iters"))
    ops, iters = c.costs(v["ops"], f"{path}.ops"), c.costs(v["iters"], f"{path}.iters")
    segments = tuple(_read_checkpoint(q, c, f"{path}.checkpoints[{i}]", engine, names,
                                      len(ops))
                     for i, q in enumerate(_list(v["checkpoints"], c, f"{path}.checkpoints",
                                                 MAX_CHECKPOINTS, "checkpoints")))
    _check_log(segments, ops, iters, c, path, book)
    return segments, (ops, len(ops)), (iters, len(iters)), None


def _read_pass(q, c: _Checker, where: str, engine: Engine, names) -> tuple:
    """(Pass, book) for Engine.set_back, from {start_parameters, lr, book}."""
    c.obj(q, where, required=("start_parameters", "lr", "book"))
    book = _read_book(q["book"], c, f"{where}.book")
    try:
        p = engine.pass_from(c.params(q["start_parameters"], f"{where}.start_parameters",
                                      names), c.number(q["lr"], f"{where}.lr", 0), book)
    except (EngineError, NetworkError) as exc:
        c.fail(where, f"cannot be rebuilt: {exc}")
    return p, book


def _read_back(items, c: _Checker, path: str, engine: Engine, names) -> list:
    return [_read_pass(q, c, f"{path}[{i}]", engine, names)
            for i, q in enumerate(_list(items, c, path, MAX_BACK, "passes"))]


class _TimelineReader:
    """Checks and builds the timeline of a version 2 file (see _timeline_doc)."""

    STATE_KEYS = ("network", "start_parameters", "data", "stride", "parameters", "lr", "mode",
                  "example", "batch_size", "book", "pass_book", "pass", "train", "test",
                  "curves", "back", "log")

    def __init__(self, c: _Checker, engine: Engine, spec: NetworkSpec, progress_curves):
        self.c = c
        self.networks = {_net_key(spec): engine.network}  # one object per structure
        self.curves = list(progress_curves)
        self.passes_built: dict[int, tuple] = {}

    def read(self, v) -> TimelineRecord:
        c = self.c
        t = c.obj(v, "timeline", required=("index", "mark", "steps", "branches", "states",
                                           "datasets", "passes", "checkpoints", "curves"))
        for i, x in enumerate(_list(t["curves"], c, "timeline.curves", MAX_POOL, "curves")):
            self.curves.append(c.costs(x, f"timeline.curves[{i}]"))
        self.datasets = []
        for i, d in enumerate(_list(t["datasets"], c, "timeline.datasets", MAX_POOL,
                                    "data sets")):
            where = f"timeline.datasets[{i}]"
            c.obj(d, where, required=("name", "points"))
            try:
                self.datasets.append(datasets.from_points(
                    c.points(d["points"], f"{where}.points"), c.text(d["name"], f"{where}.name")))
            except DatasetError as exc:
                c.fail(where, f"cannot be used: {exc}")
        self.passes = _list(t["passes"], c, "timeline.passes", MAX_PASSES, "passes")
        self.checkpoints = _list(t["checkpoints"], c, "timeline.checkpoints",
                                 MAX_CHECKPOINTS, "checkpoints")
        self.checkpoints_built: dict[tuple, Checkpoint] = {}
        self.states = [self.state(x, f"timeline.states[{i}]") for i, x in enumerate(
            _list(t["states"], c, "timeline.states", MAX_STATES, "states"))]
        steps = self.steps(t["steps"], "timeline.steps")
        index = c.whole(t["index"], "timeline.index", 0, len(steps))
        mark = t["mark"]
        if mark is not None:
            most = len(steps[index - 1].marks) - 1 if index else -1
            if most < 0:
                c.fail("timeline.mark", "must be null: the step it would be inside has no "
                                        "marks")
            mark = c.whole(mark, "timeline.mark", 0, most)
        branches = []
        for i, b in enumerate(_list(t["branches"], c, "timeline.branches", MAX_BRANCHES,
                                    "branches")):
            where = f"timeline.branches[{i}]"
            c.obj(b, where, required=("made", "steps"))
            entries = self.steps(b["steps"], f"{where}.steps")
            if not entries:
                c.fail(f"{where}.steps", "must hold at least one step")
            branches.append((c.number(b["made"], f"{where}.made"), tuple(entries)))
        return TimelineRecord(tuple(steps), index, mark, tuple(branches))

    def steps(self, v, path: str) -> list[Step]:
        c, out = self.c, []
        last = len(self.states) - 1
        for i, s in enumerate(_list(v, c, path, MAX_STEPS, "steps")):
            where = f"{path}[{i}]"
            c.obj(s, where, required=("text", "run_text", "before", "after", "marks"))
            marks = _list(s["marks"], c, f"{where}.marks", MAX_MARKS, "marks")
            out.append(Step(c.text(s["text"], f"{where}.text"),
                            c.text(s["run_text"], f"{where}.run_text"),
                            self.states[c.whole(s["before"], f"{where}.before", 0, last)],
                            self.states[c.whole(s["after"], f"{where}.after", 0, last)],
                            tuple(self.states[c.whole(m, f"{where}.marks[{j}]", 0, last)]
                                  for j, m in enumerate(marks))))
        return out

    def ref(self, r, path: str) -> tuple:
        """A [curve, length] reference: (the pool's array, length)."""
        if not isinstance(r, list) or len(r) != 2:
            self.c.fail(path, f"must be [curve, length], got {_shown(r)}")
        k = self.c.whole(r[0], f"{path}[0]", 0, len(self.curves) - 1)
        return self.curves[k], self.c.whole(r[1], f"{path}[1]", 0, len(self.curves[k]))

    def log(self, v, path: str, e: Engine, names, book: Book) -> tuple:
        c = self.c
        c.obj(v, path, required=("checkpoints", "ops", "iters"))
        ops, iters = self.ref(v["ops"], f"{path}.ops"), self.ref(v["iters"], f"{path}.iters")
        segments = []
        for j, x in enumerate(_list(v["checkpoints"], c, f"{path}.checkpoints",
                                    MAX_CHECKPOINTS, "checkpoints")):
            k = c.whole(x, f"{path}.checkpoints[{j}]", 0, len(self.checkpoints) - 1)
            key = (k, id(e.dataset), id(e.network))  # built once for its data and network
            if key not in self.checkpoints_built:
                self.checkpoints_built[key] = _read_checkpoint(
                    self.checkpoints[k], c, f"timeline.checkpoints[{k}]", e, names, ops[1])
            segments.append(self.checkpoints_built[key])
        _check_log(segments, ops[0][: ops[1]], iters[0][: iters[1]], c, path, book)
        return tuple(segments), ops, iters, None

    def dataset(self, v, path: str, optional: bool = False):
        if v is None and optional:
            return None
        return self.datasets[self.c.whole(v, path, 0, len(self.datasets) - 1)]

    def state(self, v, path: str) -> StateParts:
        c = self.c
        c.obj(v, path, required=self.STATE_KEYS)
        bare = _read_spec(v["network"], c, f"{path}.network")
        net = self.networks.get(_net_key(bare))
        if net is None:
            net = self.networks[_net_key(bare)] = bare.build()
        names = [s.name for s in net.slots]
        spec = _with_start(bare, c.params(v["start_parameters"], f"{path}.start_parameters",
                                          names), v["network"], c, f"{path}.network")
        choice = _read_choice(v["data"], c, f"{path}.data")
        stride = c.text(v["stride"], f"{path}.stride", STRIDES)
        current = c.params(v["parameters"], f"{path}.parameters", names)
        train = self.dataset(v["train"], f"{path}.train")
        test = self.dataset(v["test"], f"{path}.test", optional=True)
        lr = c.number(v["lr"], f"{path}.lr", 0)
        mode = c.text(v["mode"], f"{path}.mode", MODES)
        example = None if v["example"] is None else c.whole(v["example"], f"{path}.example",
                                                            0, train.m - 1)
        batch_size = c.whole(v["batch_size"], f"{path}.batch_size", 1, 2**31)
        book = _read_book(v["book"], c, f"{path}.book")
        pass_book = _read_book(v["pass_book"], c, f"{path}.pass_book")
        pass_record = None
        if v["pass"] is not None:
            q = c.obj(v["pass"], f"{path}.pass", required=("start_parameters", "lr", "cursor"))
            pass_record = (c.params(q["start_parameters"], f"{path}.pass.start_parameters",
                                    names),
                           c.number(q["lr"], f"{path}.pass.lr", 0),
                           replace(pass_book, n_epoch_costs=0, n_iteration_costs=0),
                           c.whole(q["cursor"], f"{path}.pass.cursor", 0, 2**31))
        refs = _list(v["curves"], c, f"{path}.curves", 3, "curves")
        if len(refs) != 3:
            c.fail(f"{path}.curves", "must hold three curves: epoch, iteration and test costs")
        curves = []
        for j, r in enumerate(refs):
            where = f"{path}.curves[{j}]"
            if not isinstance(r, list) or len(r) != 2:
                c.fail(where, f"must be [curve, length], got {_shown(r)}")
            k = c.whole(r[0], f"{where}[0]", 0, len(self.curves) - 1)
            curves.append((self.curves[k], c.whole(r[1], f"{where}[1]", 0,
                                                   len(self.curves[k]))))
        want = (book.n_epoch_costs, book.n_iteration_costs,
                book.n_epoch_costs if test is not None else 0)
        if tuple(n for _, n in curves) != want:
            c.fail(f"{path}.curves", "lengths do not match the counters in its book")
        try:
            if pass_record is None:
                for k, x in current.items():
                    net.set(k, x)
            # the counters apart: the curves are shared, not copied into each state
            e = Engine.from_record(net, train, lr=lr, mode=mode, example=example,
                                   batch_size=batch_size, test_set=test,
                                   book=replace(book, n_epoch_costs=0, n_iteration_costs=0),
                                   curves=((), (), ()), pass_record=pass_record)
        except (EngineError, NetworkError, SetupError, DatasetError) as exc:
            c.fail(path, f"does not fit together: {exc}")
        if e.parameters() != current:
            c.fail(f"{path}.parameters", "do not match where its pass has got to")
        back = []
        for j, x in enumerate(_list(v["back"], c, f"{path}.back", MAX_BACK, "passes")):
            k = c.whole(x, f"{path}.back[{j}]", 0, len(self.passes) - 1)
            if k not in self.passes_built:  # built once: states share their passes
                self.passes_built[k] = _read_pass(self.passes[k], c, f"timeline.passes[{k}]",
                                                  e, names)
            back.append(self.passes_built[k])
        e.set_back(back)
        es = replace(e.snapshot(), book=book, pass_book=pass_book, curves=tuple(curves),
                     plog=self.log(v["log"], f"{path}.log", e, names, book))
        return StateParts(es, spec, choice, stride)


def load(text: str, name: str = "session.json", timeline: bool = True) -> SessionParts:
    """Check every field of the session in `text` and build it (a new engine); nothing
    else changes. SessionFileError naming the file and the field."""
    timeline_wanted = timeline
    doc = parse(text, name)
    c = _Checker(name)
    v2 = doc["version"] >= 2
    c.obj(doc, "(top level)", required=("format", "version", "network", "start_parameters",
                                        "parameters", "data", "training", "progress"),
          optional=("settings", "timeline") if v2 else ("settings",))
    # ---- the network
    bare = _read_spec(doc["network"], c, "network", v2)
    names = [s.name for s in bare.build().slots]
    start = c.params(doc["start_parameters"], "start_parameters", names)
    current = c.params(doc["parameters"], "parameters", names)
    spec = _with_start(bare, start, doc["network"], c, "network")
    # ---- the data
    d = doc["data"]
    data = _read_choice(d, c, "data", optional=("train_name", "train_points", "test_name",
                                                "test_points"))
    try:
        if "train_points" in d:
            train = datasets.from_points(c.points(d["train_points"], "data.train_points"),
                                         c.text(d.get("train_name", "custom"),
                                                "data.train_name"))
            test = None
            if d.get("test_points") is not None:
                test = datasets.from_points(c.points(d["test_points"], "data.test_points"),
                                            c.text(d.get("test_name", "test"),
                                                   "data.test_name"))
        elif data["kind"] == "custom":
            c.fail("data", "is custom data but holds no train_points")
        else:
            train, test = make_data(data)
    except DatasetError as exc:
        c.fail("data", f"cannot be used: {exc}")
    # ---- training settings
    t = c.obj(doc["training"], "training",
              required=("lr", "mode", "example", "batch_size", "stride"))
    lr = c.number(t["lr"], "training.lr", 0)
    mode = c.text(t["mode"], "training.mode", MODES)
    example = None if t["example"] is None else c.whole(t["example"], "training.example", 0,
                                                        train.m - 1)
    batch_size = c.whole(t["batch_size"], "training.batch_size", 1, 2**31)
    stride = c.text(t["stride"], "training.stride", STRIDES)
    # ---- progress
    p = c.obj(doc["progress"], "progress",
              required=("book", "pass", "epoch_costs", "iteration_costs", "test_costs"),
              optional=("back", "log") if v2 else ())
    book = _read_book(p["book"], c, "progress.book")
    curves = tuple(c.costs(p[k], f"progress.{k}")
                   for k in ("epoch_costs", "iteration_costs", "test_costs"))
    pass_record = None
    if p["pass"] is not None:
        q = c.obj(p["pass"], "progress.pass",
                  required=("start_parameters", "lr", "book", "cursor"))
        pass_record = (c.params(q["start_parameters"], "progress.pass.start_parameters", names),
                       c.number(q["lr"], "progress.pass.lr", 0),
                       _read_book(q["book"], c, "progress.pass.book"),
                       c.whole(q["cursor"], "progress.pass.cursor", 0, 2**31))
    settings = _check_settings(doc.get("settings", {}), c, "settings")
    try:
        net = spec.build()
        if pass_record is None:
            for k, v in current.items():
                net.set(k, v)
        engine = Engine.from_record(net, train, lr=lr, mode=mode, example=example,
                                    batch_size=batch_size, test_set=test, book=book,
                                    curves=curves, pass_record=pass_record)
    except (EngineError, NetworkError, SetupError, DatasetError) as exc:
        c.fail("progress", f"does not fit the rest of the session: {exc}")
    if engine.parameters() != current:
        c.fail("parameters", 'do not match where the pass in "progress.pass" has got to')
    if "back" in p:
        engine.set_back(_read_back(p["back"], c, "progress.back", engine, names))
    if "log" in p:
        engine.restore(replace(engine.snapshot(), plog=_read_log(p["log"], c, "progress.log",
                                                                 engine, names, book)))
    timeline = None
    # without the timeline (a lesson takes the state only), its many states are not rebuilt
    if "timeline" in doc and timeline_wanted:
        keep = engine.network.get_state()  # the states share this network object
        timeline = _TimelineReader(c, engine, spec, curves).read(doc["timeline"])
        engine.network.set_state(keep)
        here = timeline.steps[timeline.index - 1] if timeline.index else None
        if here is None:
            st = timeline.steps[0].before if timeline.steps else None
        else:
            st = here.after if timeline.mark is None else here.marks[timeline.mark]
        if st is not None and (st.engine.parameters() != current or st.engine.epoch
                               != engine.epoch or st.engine.cursor != engine.cursor):
            c.fail("timeline.index", "does not point at the state the session is in")
    return SessionParts(engine, spec, data, stride, settings, timeline)


def read_text(path) -> str:
    """The text of the file at `path`: a regular file (a pipe would block, a device
    could be endless) of at most MAX_FILE_BYTES, read in chunks, UTF-8 (a byte-order
    mark is allowed). SessionFileError otherwise."""
    name = os.path.basename(str(path)) or str(path)
    most = MAX_FILE_BYTES // 1_000_000
    data = read_regular_file(
        path, MAX_FILE_BYTES, SessionFileError, f"{name} could not be opened",
        "a session file", lambda n: f"it is {n / 1e6:,.0f} MB; a session file may be at "
                                    f"most {most} MB",
        f"it is larger than {most} MB, the most a session file may be")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SessionFileError(f"{name}: not a session file: byte {exc.start} (0x"
                               f"{data[exc.start]:02X}) is not UTF-8 text") from None
    if "\x00" in text:
        raise SessionFileError(f"{name}: not a session file: it holds zero bytes (binary "
                               "data or UTF-16)")
    return text


def read(path, timeline: bool = True) -> SessionParts:
    """The session in the file at `path`, checked whole (see read_text and load); with
    timeline=False its timeline is neither checked nor kept."""
    return load(read_text(path), os.path.basename(str(path)) or str(path), timeline)


__all__ = ["FORMAT", "VERSION", "VERSIONS", "SessionFileError", "SessionParts", "StateParts",
           "Step", "TimelineRecord", "dump", "load", "parse", "read", "read_text", "make_data"]
