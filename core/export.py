"""The history as CSV, for a spreadsheet or a script: pure, no Qt.

Two tables. `epochs`: one row per closed epoch (numbered from 1, as the trace
counts), its cost, its test cost (empty without a test set) and every parameter at the
epoch's end, one column each by name (w1, w2, b; w1_2_1 … b2 for a network). The engine
keeps no parameters per epoch: they are trained again from the checkpoints it keeps
(Engine.parameters_by_epoch), exactly, as the rows are written, so memory stays small
however long the run. An epoch the engine has no checkpoint for (a session reopened
from a file, a run before the trace forgot its records) has them empty. `steps`: one
row per micro-step of the current pass (all of it, shown yet or not), the
fields of the trace's JSON (core.steps.Step.to_dict): index, phase, kind,
target, symbol, value, upstream, local, per_example, param and text, the
explanation at 6 decimals with its lines joined by newlines inside the field
(the csv module quotes it).

Numbers are written exactly: Python's repr of the float, which reads back as
the same float ("0.1", "-2.5e-07", "nan", "inf"), with the ASCII minus a
machine reads (the real minus the app shows appears nowhere, not even in the
text). A vector (one value per example) is its values separated by spaces; an
absent value is an empty field. UTF-8 without a byte-order mark (symbols such as
ŷ and w¹₁₂ are text), rows ending in CRLF as RFC 4180 has them.
Rows are streamed to the file object given, so a million epochs never sit in
memory as text.
"""

from __future__ import annotations

import csv
import io

import numpy as np

from .symbols import MINUS

EPOCH_COLUMNS = ("epoch", "cost", "test_cost")
STEP_COLUMNS = ("index", "phase", "kind", "target", "symbol", "value", "upstream", "local",
                "per_example", "param", "text")
TEXT_DIGITS = 6  # the explanations' decimals, as the trace writes them
CHUNK = 8192  # epoch rows formatted at a time (fewer with many parameters): ~1 MB of text


def number(v) -> str:
    """One float, exactly (repr), or a vector as space-separated floats; None as ""."""
    if v is None:
        return ""
    a = np.asarray(v, dtype=float)
    if a.ndim == 0:
        return repr(float(a))
    return " ".join(map(repr, a.reshape(-1).tolist()))


def _writer(out):
    return csv.writer(out)  # RFC 4180: fields quoted as needed, rows ending in CRLF


def epoch_columns(engine) -> tuple[str, ...]:
    """The epochs table's header: EPOCH_COLUMNS, then the parameters' names."""
    return EPOCH_COLUMNS + tuple(s.name for s in engine.network.slots)


def write_epochs(engine, out) -> None:
    """Stream the epochs table to the text file object `out`."""
    w = _writer(out)
    w.writerow(epoch_columns(engine))
    costs = engine.epoch_costs.view()
    tests = engine.test_costs.view() if engine.test_set is not None else costs[:0]
    blank = [""] * len(engine.network.slots)
    params = engine.parameters_by_epoch()  # (index, values), in order, as replayed
    nxt = next(params, None)
    step = max(64, min(CHUNK, CHUNK * 6 // (3 + len(blank))))  # rows of ~CHUNK·6 fields
    for start in range(0, len(costs), step):
        part = costs[start : start + step].tolist()
        tpart = list(map(repr, tests[start : start + step].tolist()))
        tpart += [""] * (len(part) - len(tpart))  # no test set: empty fields
        rows = []
        for i, c, t in zip(range(start, start + len(part)), part, tpart):
            while nxt is not None and nxt[0] < i:  # (an index the curve has not: none)
                nxt = next(params, None)
            if nxt is not None and nxt[0] == i:
                rows.append([i + 1, repr(c), t, *map(repr, nxt[1])])
                nxt = next(params, None)
            else:
                rows.append([i + 1, repr(c), t, *blank])
        w.writerows(rows)


def _step_row(s) -> list:
    text = "\n".join(s.text(TEXT_DIGITS)).replace(MINUS, "-")
    return [s.index, s.phase, s.kind, s.target, s.symbol, number(s.value), number(s.upstream),
            number(s.local), number(s.per_example), s.param or "", text]


def write_steps(engine, out) -> None:
    """Stream the current pass's micro-steps (all of them, shown or not yet) to `out`."""
    w = _writer(out)
    w.writerow(STEP_COLUMNS)
    w.writerows(_step_row(s) for s in engine.steps)


def _text(write) -> str:
    buf = io.StringIO()
    write(buf)
    return buf.getvalue()


def epochs_csv(engine) -> str:
    return _text(lambda out: write_epochs(engine, out))


def steps_csv(engine) -> str:
    return _text(lambda out: write_steps(engine, out))


def read_vector(field: str) -> list[float]:
    """A field as `number` wrote it, back as floats (empty: none)."""
    return [float(x) for x in field.split()]


def names(base: str) -> tuple[str, str]:
    """The two files for the name a learner chose: "run.csv" (or "run", "run-epochs.csv")
    → ("run-epochs.csv", "run-steps.csv")."""
    if base.lower().endswith(".csv"):
        base = base[:-4]
    for tail in ("-epochs", "-steps"):
        base = base.removesuffix(tail)
    return f"{base}-epochs.csv", f"{base}-steps.csv"


__all__ = ["EPOCH_COLUMNS", "STEP_COLUMNS", "epoch_columns", "epochs_csv", "steps_csv",
                          "write_epochs", "write_steps", "number", "read_vector", "names"]
