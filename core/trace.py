"""`python main.py trace`: the engine headless, every micro-step printed.

Teachers make worksheets from it; anyone can check the numbers. Text by
default, or one JSON object with `--format json`.

Output is streamed: each line is written as it is produced, and the cost
records are dropped once written, so memory stays flat however many epochs
are asked for. `--steps ends` prints the micro-steps of the first and last
epochs only and `--steps none` (or `--summary`) none at all: the epochs in
between run on the engine's fast path, with the same costs and parameters
(to rounding, 1e-12) and the same judgement of the run.

JSON keeps its keys whatever `--steps` says: `epoch_costs` has every epoch,
while `iterations` and `steps` hold only the passes of the epochs whose
micro-steps are shown (the first and last with `ends`, none with `none`:
empty lists); `micro_steps` says which. `status` has `kind`, `title` and
`message`. Each `iterations` entry also has `params` and `grads`: every parameter
and its gradient by name (for any network; `w`, `b`, `grad_w` and `grad_b` keep
their meaning for the neurons), and the head has `network`, the choices made.
A JSON document is read whole, so one that would exceed
JSON_MAX_BYTES is refused with the ways round it; text has no such limit.

`--dataset` is a gate or a generated set (`--points`, `--noise`, `--data-seed`), of
which `--test-fraction` holds a part out: each epoch then also has its test cost, the
loss on the held-out points with the parameters at the epoch's end (see `engine`), on
its text line and in the JSON list `test_costs` (empty without a test set); the JSON
head's `data` says how the set was made.

`--session FILE` starts from a saved session (core.session_file): its network, data
(points placed by hand too), learning rate, mode, example and batch size are the
options' defaults, and its parameters the start (at the start of the pass on show, if
it was part-way through one); options given on the command line override the file's.
A network option (--network, --no-bias, --init, --seed, --w, --b) starts from that
network's own start instead; --dataset trains on that data set instead. Epochs count
from 1 again. A bad file is refused with status 2 and a one-line message.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
import tempfile

from . import datasets
from .datasets import GATES, DatasetError
from .engine import MODES, Engine, EngineError
from .network import NetworkError
from .ops import ACTIVATIONS, LOSSES
from .session_file import SessionFileError, SessionParts
from .session_file import read as read_session
from .setup import CROSS, INITS, NEURON, NetworkSpec, SetupError
from .symbols import fmt_scalar, fmt_short

PROG = "neuron-lab trace"
MAX_EPOCHS = 10**9  # text streams in flat memory; beyond this a run would take years
# A JSON document is read whole by its reader (json.load), so one that would not fit in
# a reader's memory is refused up front, with the ways round it
JSON_MAX_BYTES = 200_000_000
FORGET_EVERY = 1000  # fast-path epochs run at a time, whose cost records are then dropped
STEPS = ("all", "ends", "none")


class OptionError(ValueError):
    """A bad combination of options; the message names the option."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # argparse takes "-1e-3" for an option (it knows only "-1" and "-0.5" as
        # numbers); weights and biases in scientific notation must pass as values
        self._negative_number_matcher = re.compile(
            r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$|^-(inf|infinity|nan)$", re.IGNORECASE)

    def error(self, message):  # one line and status 2, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG,
                description="Run a network headless and print every micro-step.")
    p.add_argument("--dataset", choices=[*sorted(GATES), *datasets.GENERATED_TITLES], default="or",
                   help="a logic gate, or a generated set of points: blobs, circles, moons, "
                        "spiral")
    p.add_argument("--points", type=int, default=None, metavar="N",
                   help=f"generated sets: how many points (default {datasets.DEFAULT_POINTS})")
    p.add_argument("--noise", type=float, default=None, metavar="X",
                   help="generated sets: the spread of the points, 0 to 1 (default: "
                        + ", ".join(f"{k} {v:g}" for k, v in datasets.DEFAULT_NOISE.items()) + ")")
    p.add_argument("--data-seed", type=int, default=None, metavar="N",
                   help="generated sets: the seed of the points and of the test split "
                        "(default 0)")
    p.add_argument("--test-fraction", type=float, default=None, metavar="F",
                   help="generated sets: the part held out to measure the test cost, "
                        "0 to 0.9 (default 0: none)")
    p.add_argument("--network", default=NEURON, metavar="NET",
                   help="neuron (default), cross (the feature x3 = x1·x2), or layer sizes "
                        "with one or two hidden layers of 1 to 8 units: 2-3-1, 2-5-3-1, …")
    p.add_argument("--activation", choices=list(ACTIVATIONS), default=None,
                   help="of the hidden units (default sigmoid); the output is a sigmoid")
    p.add_argument("--loss", choices=list(LOSSES), default="mse",
                   help="mse: squared error ½(y − ŷ)² (default); bce: cross-entropy")
    p.add_argument("--init", choices=INITS, default=None,
                   help="starting parameters: the tutorial's (default; for neuron, cross and "
                        "2-3-1) or random with --seed: plain (×0.01), xavier (÷√fan-in), "
                        "he (×√(2/fan-in))")
    p.add_argument("--seed", type=int, default=None, metavar="N",
                   help="seed of a random start (default 0)")
    p.add_argument("--w", nargs="+", type=float, metavar="W", default=None,
                   help="starting weights of the neuron (two) or the feature cross (three)")
    p.add_argument("--b", type=float, default=None, help="starting bias (default 0)")
    p.add_argument("--no-bias", action="store_true",
                   help="no biases (the tutorial's first neuron)")
    p.add_argument("--lr", type=float, default=1.0, metavar="ALPHA")
    p.add_argument("--mode", choices=MODES, default="single")
    p.add_argument("--example", type=int, default=None, metavar="I",
                   help="single mode: train on example I alone (0-based)")
    p.add_argument("--batch-size", type=int, default=None, metavar="K",
                   help="minibatch mode: examples per mini-batch (default 2)")
    p.add_argument("--epochs", type=int, default=1, metavar="N",
                   help=f"passes over the data set, 0 to {MAX_EPOCHS}")
    p.add_argument("--steps", choices=STEPS, default=None,
                   help="which epochs print their micro-steps: all (default), the first "
                        "and last (ends), or none; the others print one summary line")
    p.add_argument("--summary", action="store_true", help="the same as --steps none")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--session", metavar="FILE", default=None,
                   help="start from a saved session: its set-up and parameters are the "
                        "defaults, the options given override them")
    return p


# options that choose the network's start: given, the session's parameters do not apply
_NETWORK_OPTIONS = ("network", "no_bias", "init", "seed", "w", "b")


def given_options(argv) -> set[str]:
    """The destinations of the options written on the command line (not defaulted)."""
    p = build_parser()
    for a in p._actions:  # noqa: SLF001 - argparse has no public way to list them
        a.default = argparse.SUPPRESS
    return set(vars(p.parse_args(argv)))


def apply_session(args, given: set[str], parts: SessionParts):
    """Set every option not given from the session `parts`; returns what make_engine needs
    beyond the options: (training set, test set) for data only the file has (points
    placed by hand), or None, and the starting parameters, or None."""
    spec, data, e = parts.spec, parts.data, parts.engine
    d = spec.to_dict()
    defaults = {"network": d["network"], "no_bias": not d["bias"],
                "activation": d["activation"] if spec.layered else None, "loss": d["loss"],
                "init": d["init"], "seed": d["seed"], "lr": e.lr, "mode": e.mode,
                "example": e.example if e.mode == "single" else None,
                "batch_size": e.batch_size if e.mode == "minibatch" else None}
    if data["kind"] in GATES or data["kind"] in datasets.GENERATED_TITLES:
        defaults["dataset"] = data["kind"]
        if data["kind"] not in GATES:
            defaults.update(points=data["points"], noise=data["noise"], data_seed=data["seed"],
                            test_fraction=data["test_fraction"] or None)
    if "dataset" in given:  # the data options go with the data set given
        for k in ("points", "noise", "data_seed", "test_fraction"):
            defaults.pop(k, None)
    for k, v in defaults.items():
        if k not in given:
            setattr(args, k, v)
    own_data = None
    if "dataset" not in given and "dataset" not in defaults:  # custom: the file's points
        own_data = (e.dataset, e.test_set)
    start = None
    if not given & set(_NETWORK_OPTIONS):
        rec = e.pass_record
        if rec is not None and 0 < rec[3] < len(e.current_pass.steps):
            start = rec[0]  # half a pass is no place to start an epoch from
        else:
            start = e.parameters()
    return own_data, start


def _finite(name: str, values) -> None:
    if not all(math.isfinite(v) for v in values):
        shown = " ".join(fmt_scalar(v, 6) for v in values)
        what = "finite numbers" if len(values) > 1 else "a finite number"
        raise OptionError(f"{name} must be {what}, got {shown}")


def check_options(args) -> str:
    """Reject what would be ignored or cannot run, naming the option. Returns the
    `--steps` choice."""
    if args.summary and args.steps not in (None, "none"):
        raise OptionError(f"--summary means --steps none; it cannot go with --steps {args.steps}")
    steps = "none" if args.summary else (args.steps or "all")
    if not 0 <= args.epochs <= MAX_EPOCHS:
        raise OptionError(f"--epochs must be between 0 and {MAX_EPOCHS}, got {args.epochs}")
    if args.dataset in GATES:
        kinds = ", ".join(datasets.GENERATED_TITLES)
        for opt, v in (("--points", args.points), ("--noise", args.noise),
                       ("--data-seed", args.data_seed), ("--test-fraction", args.test_fraction)):
            if v is not None:
                raise OptionError(
                    f"{opt} applies to the generated data sets ({kinds}); "
                    f"the gate {datasets.GATE_TITLES[args.dataset]} has its four points")
    init = args.init or "tutorial"
    layered = args.network.strip().lower() not in (NEURON, CROSS)
    if args.w is not None:
        if layered:
            raise OptionError("--w sets the weights of the neuron or the feature cross; a "
                              "network of layers starts from --init")
        if init != "tutorial":
            raise OptionError(f"--w sets the starting weights and --init {init} draws them: "
                              "give one of them")
        n = 3 if args.network.strip().lower() == CROSS else 2
        if len(args.w) != n:
            raise OptionError(f"--w takes {n} weights for --network {args.network.strip()}, "
                              f"got {len(args.w)}")
        _finite("--w", args.w)
    if args.b is not None and layered:
        raise OptionError("--b sets the bias of the neuron or the feature cross; the biases "
                          "of a network of layers start at 0")
    if args.seed is not None and init == "tutorial":
        raise OptionError("--seed applies to a random start: add --init plain, xavier or he")
    if args.b is not None:
        if args.no_bias:
            raise OptionError("--b sets the bias, and --no-bias removes it: give one of them")
        _finite("--b", [args.b])
    _finite("--lr", [args.lr])
    if args.lr < 0:
        raise OptionError(f"--lr must not be negative, got {fmt_scalar(args.lr, 6)}")
    if args.example is not None and args.mode != "single":
        raise OptionError("--example applies to --mode single only")
    if args.batch_size is not None and args.mode != "minibatch":
        raise OptionError("--batch-size applies to --mode minibatch only")
    return steps


# Which option a DatasetError from `generated` or `split` is about, by how it begins
_DATA_OPTIONS = (("the number of points", "--points"), ("noise", "--noise"),
                 ("the seed", "--data-seed"), ("the split seed", "--data-seed"),
                 ("the test fraction", "--test-fraction"))


def make_data(args):
    """(training set, test set or None) as the options choose; OptionError naming
    the option for a bad value."""
    if args.dataset in GATES:
        return datasets.gate(args.dataset), None
    seed = 0 if args.data_seed is None else args.data_seed
    try:
        ds = datasets.generated(args.dataset, datasets.DEFAULT_POINTS if args.points is None
                                else args.points, args.noise, seed)
        return datasets.split(ds, args.test_fraction or 0.0, seed)
    except DatasetError as exc:
        msg = str(exc)
        opt = next((o for start, o in _DATA_OPTIONS if msg.startswith(start)),
                   "--test-fraction")  # "N points cannot be split…"
        raise OptionError(f"{opt}: {msg}") from None


def data_details(args, engine: Engine) -> dict:
    """How the data set was made, for the JSON head."""
    gate = args.dataset in GATES
    test = engine.test_set
    return {"kind": args.dataset,
            "points": engine.dataset.m + (test.m if test is not None else 0),
            "noise": None if gate else (datasets.DEFAULT_NOISE[args.dataset] if args.noise is None
                                        else args.noise),
            "seed": None if gate else (args.data_seed or 0),
            "test_fraction": args.test_fraction or 0.0,
            "train_points": engine.dataset.m,
            "test_points": 0 if test is None else test.m}


def make_engine(args, own_data=None, start=None) -> Engine:
    ds, test = make_data(args) if own_data is None else own_data
    m = ds.m
    if args.example is not None and not 0 <= args.example < m:
        raise OptionError(f"--example {args.example} does not exist: {ds.name} has {m} "
                          f"examples, numbered 0 to {m - 1}")
    k = 2 if args.batch_size is None else args.batch_size
    if args.mode == "minibatch" and not 1 <= k <= m:
        raise OptionError(f"--batch-size must be between 1 and the {m} examples of {ds.name} "
                          f"({m} is full batch: --mode batch), got {k}")
    net = make_spec(args).build()
    for name, v in (start or {}).items():
        net.set(name, v)
    return Engine(net, ds, lr=args.lr, mode=args.mode, example=args.example, batch_size=k,
                  test_set=test)


def make_spec(args) -> NetworkSpec:
    """The network the options choose (SetupError for a bad combination)."""
    params = {}
    if args.w is not None:
        params.update({f"w{j + 1}": v for j, v in enumerate(args.w)})
    if args.b is not None:
        params["b"] = args.b
    return NetworkSpec(args.network, bias=not args.no_bias,
                       activation=args.activation or "sigmoid", loss=args.loss,
                       init=args.init or "tutorial",
                       seed=0 if args.seed is None else args.seed, params=params)


def _iteration(engine: Engine, p, epoch: int) -> dict:
    names = [s.name for s in engine.network.slots]
    before = p.params_before
    ws = [n for n in names if n.startswith("w")]
    return {
        "epoch": epoch,
        "examples": list(p.indices),
        "cost": p.cost,
        "w": [before[n] for n in ws],
        "b": before.get("b"),
        "grad_w": [p.grads[n] for n in ws],
        "grad_b": p.grads.get("b"),
        "y_hat": p.y_hat.tolist(),
        "params": dict(before),
        "grads": {n: p.grads[n] for n in names},
    }


def _json(obj) -> str:
    return json.dumps(_finite_or_null(obj), allow_nan=False)


class TextWriter:
    def __init__(self, out, spec: NetworkSpec | None = None, data: dict | None = None):
        self.out, self.spec, self.data = out, spec, data

    def start(self, engine: Engine) -> None:
        if self.spec is not None and self.spec != NetworkSpec():  # today's output as it was
            d = self.spec.to_dict()
            seed = "" if d["seed"] is None else f", seed {d['seed']}"
            hidden = f", hidden {d['activation']}" if self.spec.layered else ""
            bias = "" if d["bias"] else ", no bias"
            self.out.write(f"network {d['network']}{hidden}, loss {d['loss']}, "
                           f"start {d['init']}{seed}{bias}\n")
        d = self.data
        if d is not None and d["kind"] == "custom":
            held = f"; {d['test_points']} held out to test" if d["test_points"] else ""
            self.out.write(f"data custom: {d['train_points']} points{held}\n")
        elif d is not None and d["kind"] not in GATES:  # a gate's output as it was
            held = (f"; {d['test_points']} held out to test (fraction "
                    f"{fmt_short(d['test_fraction'])})" if d["test_points"] else "")
            self.out.write(f"data {d['kind']}: {d['points']} points, noise "
                           f"{fmt_short(d['noise'])}, seed {d['seed']}{held}\n")

    def pass_done(self, engine: Engine, p, epoch: int) -> None:
        ex = ", ".join(str(i) for i in p.indices)
        lines = [f"── epoch {epoch + 1}, examples {ex} ──"]
        for s in p.steps:
            tag = {"forward": "fwd", "backward": "bwd", "update": "upd"}[s.phase]
            lines.extend(f"  [{tag}] {t}" for t in s.text(6))
        self.out.write("\n".join(lines) + "\n")

    def epoch_done(self, epoch: int, cost: float, params: dict, test=None) -> None:
        params = "  ".join(f"{k} = {fmt_scalar(v, 6)}" for k, v in params.items())
        test = "" if test is None else f"   test cost {fmt_scalar(test, 6)}"
        self.out.write(f"epoch {epoch + 1}: cost {fmt_scalar(cost, 6)}{test}   {params}\n")

    def finish(self, engine: Engine) -> None:
        if not engine.status.ok:
            self.out.write(f"stopped: {engine.status.message}\n")


class JsonWriter:
    """One JSON object with today's keys, written as it goes. `iterations` streams
    straight out; `steps` and `epoch_costs`, which come interleaved with it, wait
    in temporary files rather than in memory."""

    def __init__(self, out, steps: str, spec: NetworkSpec | None = None,
                 data: dict | None = None):
        self.out, self.steps, self.spec, self.data = out, steps, spec, data
        self._steps = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._costs = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._tests = tempfile.TemporaryFile("w+", encoding="utf-8")
        self._n = {"iterations": 0, "steps": 0, "costs": 0, "tests": 0}

    def _item(self, f, key: str, text: str) -> None:
        f.write(("\n  " if self._n[key] == 0 else ",\n  ") + text)
        self._n[key] += 1

    def start(self, engine: Engine) -> None:
        head = {"dataset": engine.dataset.name, "mode": engine.mode, "lr": engine.lr,
                "micro_steps": self.steps}
        if self.spec is not None:
            head["network"] = self.spec.to_dict()
        if self.data is not None:
            head["data"] = self.data
        self.out.write("{\n" + "".join(f" {json.dumps(k)}: {_json(v)},\n"
                                       for k, v in head.items()) + ' "iterations": [')

    def pass_done(self, engine: Engine, p, epoch: int) -> None:
        self._item(self.out, "iterations", _json(_iteration(engine, p, epoch)))
        for s in p.steps:
            self._item(self._steps, "steps", _json(s.to_dict()))

    def epoch_done(self, epoch: int, cost: float, params: dict, test=None) -> None:
        self._item(self._costs, "costs", _json(cost))
        if test is not None:
            self._item(self._tests, "tests", _json(test))

    def _then(self, ended: str, key: str, f=None) -> None:
        """Close the list `ended`, open the list `key` and copy in what waited in `f`."""
        self.out.write(("\n ]" if self._n[ended] else "]") + f',\n "{key}": [')
        f.seek(0)
        while chunk := f.read(1 << 16):
            self.out.write(chunk)

    def finish(self, engine: Engine) -> None:
        st = engine.status
        self._then("iterations", "steps", self._steps)
        self._then("steps", "epoch_costs", self._costs)
        self._then("costs", "test_costs", self._tests)
        status = {"kind": st.kind, "title": st.title, "message": st.message}
        self.out.write(("\n ]" if self._n["tests"] else "]")
                       + f',\n "final": {_json(engine.parameters())},\n'
                       + f' "status": {_json(status)}\n}}\n')

    def close(self) -> None:
        self._steps.close()
        self._costs.close()
        self._tests.close()


def json_size(engine: Engine, epochs: int, stepped: int) -> int:
    """About how many bytes the JSON document would take: one pass measured, times
    the passes whose micro-steps it holds, plus each epoch's cost."""
    p = engine.current_pass  # built from the starting parameters, not applied
    per_pass = len(_json(_iteration(engine, p, 0))) + sum(
        len(_json(s.to_dict())) + 4 for s in p.steps)
    return (stepped * len(engine.schedule()) * per_pass
            + epochs * (25 if engine.test_set is None else 50))


def stepped_epochs(steps: str, epochs: int) -> int:
    return {"all": epochs, "ends": min(epochs, 2), "none": 0}[steps]


def custom_details(engine: Engine) -> dict:
    test = engine.test_set
    return {"kind": "custom", "points": engine.dataset.m + (test.m if test is not None else 0),
            "noise": None, "seed": None, "test_fraction": 0.0,
            "train_points": engine.dataset.m, "test_points": 0 if test is None else test.m}


def run(args, out=None, given: set[str] = frozenset()) -> int:
    out = sys.stdout if out is None else out
    try:
        own_data = start = None
        if args.session is not None:
            own_data, start = apply_session(args, given, read_session(args.session))
        steps = check_options(args)
        engine = make_engine(args, own_data, start)
        spec = make_spec(args)
        data = data_details(args, engine) if own_data is None else custom_details(engine)
    except (OptionError, SetupError, EngineError, NetworkError, DatasetError,
            SessionFileError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    n = args.epochs
    if args.format == "json":
        size = json_size(engine, n, stepped_epochs(steps, n))
        if size > JSON_MAX_BYTES:
            print(f"{PROG}: error: the JSON document would take about {size / 1e6:,.0f} MB "
                  f"(the limit is {JSON_MAX_BYTES / 1e6:,.0f} MB, as a JSON reader loads it "
                  "whole): ask for fewer --epochs, --steps ends or none, or --format text, "
                  "which streams", file=sys.stderr)
            return 2
        writer = JsonWriter(out, steps, spec, data)
    else:
        writer = TextWriter(out, spec, data)
    try:
        writer.start(engine)
        train(engine, writer, n, steps)
        writer.finish(engine)
        out.flush()
    finally:
        if isinstance(writer, JsonWriter):
            writer.close()
    return 0


def train(engine: Engine, writer, epochs: int, steps: str) -> None:
    """Run `epochs` epochs, handing each finished pass (where its micro-steps are
    shown) and each epoch's cost to `writer` as they come."""
    shown = {"all": range(epochs), "ends": {0, epochs - 1}, "none": ()}[steps]
    e = 0
    while e < epochs and engine.status.ok:
        if e in shown:
            before = len(engine.epoch_costs)
            while engine.epoch == e and engine.status.kind != "non-finite":
                engine.apply_update()
                writer.pass_done(engine, engine.current_pass, e)
            if len(engine.epoch_costs) > before:  # not if it overflowed midway
                writer.epoch_done(e, engine.epoch_costs[-1], engine.parameters(),
                                  _last_test(engine))
            e += 1
        else:  # the fast path up to the next shown epoch: no micro-step records at all
            k = min(FORGET_EVERY, (epochs - 1 if steps == "ends" else epochs) - e)
            first = e

            def each(cost, params):
                nonlocal e
                writer.epoch_done(e, cost, params, _last_test(engine))
                e += 1

            engine.train(k, each)
            e = first + k if engine.status.ok else e
        engine.forget_records()  # written out, and no stepping back: memory stays flat


def _last_test(engine: Engine):
    """The test cost of the epoch just done (the engine has it by then), or None."""
    return engine.test_costs[-1] if engine.test_set is not None else None


def _finite_or_null(obj):
    """JSON has no Infinity or NaN: an overflowed number is written as null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite_or_null(v) for v in obj]
    return obj


def _quiet_stdout() -> None:
    """Point stdout at /dev/null, so that Python's own flush at exit meets no closed
    pipe or full disk (it would print "Exception ignored …"): the Python docs' advice
    for SIGPIPE."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv=None) -> int:
    """Exit status: 0 done, 2 bad options, 1 the output could not be written, 141 the
    reader went away (`| head`: what a tool killed by SIGPIPE reports), 130 Ctrl-C."""
    try:
        args = build_parser().parse_args(argv)
        return run(args, given=given_options(argv) if args.session is not None else set())
    except BrokenPipeError:
        _quiet_stdout()
        return 141
    except OSError as exc:
        _quiet_stdout()
        print(f"{PROG}: error: cannot write the output: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _quiet_stdout()  # what is still buffered would only be half a record
        return 130
