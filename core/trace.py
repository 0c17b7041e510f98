"""`python main.py trace`: the engine headless, every micro-step printed.

Teachers make worksheets from it; anyone can check the numbers. Text by
default, or one JSON object with `--format json`.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys

from . import datasets
from .datasets import GATES, DatasetError
from .engine import MODES, Engine, EngineError
from .network import NetworkError, neuron


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
    p = _Parser(prog="neuron-lab trace",
                description="Run the neuron headless and print every micro-step.")
    p.add_argument("--dataset", choices=sorted(GATES), default="or")
    p.add_argument("--w", nargs=2, type=float, metavar=("W1", "W2"), default=(0.1, 0.6))
    p.add_argument("--b", type=float, default=0.0)
    p.add_argument("--no-bias", action="store_true", help="the tutorial's first neuron")
    p.add_argument("--lr", type=float, default=1.0, metavar="ALPHA")
    p.add_argument("--mode", choices=MODES, default="single")
    p.add_argument("--example", type=int, default=None, metavar="I",
                   help="single mode: train on example I alone (0-based)")
    p.add_argument("--batch-size", type=int, default=2, metavar="K")
    p.add_argument("--epochs", type=int, default=1, metavar="N")
    p.add_argument("--format", choices=("text", "json"), default="text")
    return p


def _iteration(engine: Engine, p) -> dict:
    names = [s.name for s in engine.network.slots]
    before = p.params_before
    ws = [n for n in names if n.startswith("w")]
    return {
        "epoch": engine.epoch,
        "examples": list(p.indices),
        "cost": p.cost,
        "w": [before[n] for n in ws],
        "b": before.get("b"),
        "grad_w": [p.grads[n] for n in ws],
        "grad_b": p.grads.get("b"),
        "y_hat": p.y_hat.tolist(),
    }


def run(args, out=sys.stdout) -> int:
    try:
        if args.epochs < 0:
            raise EngineError(f"--epochs must be 0 or more, got {args.epochs}")
        if args.example is not None and args.mode != "single":
            raise EngineError("--example applies to --mode single only")
        net = neuron(args.w, None if args.no_bias else args.b)
        engine = Engine(net, datasets.gate(args.dataset), lr=args.lr, mode=args.mode,
                        example=args.example, batch_size=args.batch_size)
    except (EngineError, NetworkError, DatasetError) as exc:
        print(f"neuron-lab trace: error: {exc}", file=sys.stderr)
        return 2

    iterations, steps, lines = [], [], []
    for _ in range(args.epochs):
        if not engine.status.ok:
            break
        epoch = engine.epoch
        while engine.epoch == epoch and engine.status.kind != "non-finite":
            engine.apply_update()
            p = engine.current_pass
            iterations.append(_iteration(engine, p) | {"epoch": epoch})
            steps.extend(s.to_dict() for s in p.steps)
            if args.format == "text":
                ex = ", ".join(str(i) for i in p.indices)
                lines.append(f"── epoch {epoch + 1}, examples {ex} ──")
                for s in p.steps:
                    tag = {"forward": "fwd", "backward": "bwd", "update": "upd"}[s.phase]
                    lines.extend(f"  [{tag}] {t}" for t in s.text(6))
        if args.format == "text" and engine.epoch_costs:
            lines.append(f"epoch {epoch + 1}: cost {engine.epoch_costs[-1]:.6f}   "
                         + "  ".join(f"{k} = {v:.6f}" for k, v in engine.parameters().items()))
    status = engine.status
    if args.format == "json":
        doc = {"dataset": engine.dataset.name, "mode": engine.mode, "lr": engine.lr,
               "iterations": iterations, "steps": steps,
               "epoch_costs": engine.epoch_costs.tolist(), "final": engine.parameters(),
               "status": {"kind": status.kind, "message": status.message}}
        json.dump(_finite_or_null(doc), out, indent=1, allow_nan=False)
        out.write("\n")
    else:
        out.write("\n".join(lines) + "\n")
        if not status.ok:
            out.write(f"stopped: {status.message}\n")
    return 0


def _finite_or_null(obj):
    """JSON has no Infinity or NaN: an overflowed number is written as null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite_or_null(v) for v in obj]
    return obj


def main(argv=None) -> int:
    return run(build_parser().parse_args(argv))
