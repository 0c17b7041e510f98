"""Predict, then reveal: the pure part of the mode in which the learner types the next
value before the app shows it.

- `next_step(engine)`: the micro-step one more Step forward would reveal, read without
  taking it (the engine is left as it was).
- `question(step, ...)`: its formula with the values already revealed filled in and
  the result as "?".
- `parse_prediction(text, n)`: what the learner typed, as n numbers; a PredictionError
  with a message for the learner otherwise.
- `grade(guess, truth)`: right within the tolerance (1 % or 0.001, whichever is looser).
- `Score`: right / asked, kept per lesson.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .steps import BACKWARD, FORWARD, UPDATE, Pass, Step, build_pass
from .symbols import fmt, parse_number, render

REL_TOL = 0.01  # 1 % of the right value...
ABS_TOL = 0.001  # ...or 0.001, whichever is looser (a value near 0 has no useful 1 %)
FREE_PLAY = "free play"  # the score kept outside any lesson

KIND_HINTS = {
    "feature": "the feature cross multiplies the two inputs",
    "product": "a weight times its input",
    "bias": "the bias is added as it is: read its current value",
    "linear": "the weighted sum: add the products and the bias",
    "activation": "the activation of the weighted sum",
    "loss": "how far the prediction is from the label",
    "seed": "the gradient of the loss with respect to itself starts the backward pass",
    "hop": "chain rule: upstream gradient × local gradient",
    "param_grad": "chain rule: upstream gradient × local gradient",
    "update": "gradient descent: the old value minus α times the gradient",
}


class PredictionError(ValueError):
    """The learner's text is no prediction: the message says why and what to type."""


def next_step(engine) -> tuple[Step, Pass] | None:
    """The record the next Step forward (one micro-step) would reveal, with its pass;
    None when stepping is stopped (an overflow). Nothing about the engine changes:
    after a finished pass the next pass is built aside, exactly as the engine would
    build it (the same examples, parameters and learning rate)."""
    if engine.status.kind == "non-finite":
        return None
    p = engine.current_pass
    if engine.cursor < len(p.steps):
        return p.steps[engine.cursor], p
    ds = engine.dataset
    nxt = build_pass(engine.network, ds.X, ds.Y, engine.schedule()[engine.book.batch_pos],
                     engine.lr)
    return nxt.steps[0], nxt


def per_example(step: Step) -> bool:
    """Whether the step's value is one number per example of its pass (forward values
    and the gradients that flow back through the units) rather than one number."""
    return np.ndim(step.value) > 0


def _hide_result(line) -> tuple:
    """A line of a step's explanation with its last value (the result) as "?"."""
    template, values = line
    return (template, (*values[:-1], "?")) if values else (template, values)


def question(step: Step, digits: int = 3, y=None, y_hat=None, max_items: int = 8) -> list[str]:
    """The step's computation with what is already known filled in and the result left
    as "?": the lines the explanation panel will show once it is revealed, up to the
    answer. `y` and `y_hat` (the pass's labels and predictions) are quoted for a cost
    over several examples, whose own lines give only the losses."""
    lines = list(step.lines)
    if step.kind == "seed":
        return [f"{step.symbol} = ?"]
    if step.kind == "loss" and np.size(step.per_example) > 1:
        shown = [lines[0]]
        if y is not None and y_hat is not None:
            shown.append(("with y = {0:i} and ŷ = {1}", (y, y_hat)))
        shown.append(_hide_result(lines[-1]))
    elif step.kind == "hop" and step.target.endswith("->loss"):
        # its second line already ends in the answer: ask there, leave out the restatement
        shown = [lines[0], _hide_result(lines[1])]
    elif step.kind == "param_grad" and len(lines) == 4:
        # several examples: leave out the per-example products, which give the sum away
        shown = [lines[0], lines[1], _hide_result(lines[3])]
    else:
        shown = [*lines[:-1], _hide_result(lines[-1])]
    return [render(t, v, digits, max_items) for t, v in shown]


def answer_count(step: Step, focus: int | None = None) -> int:
    """How many numbers the learner is asked for: one per example of a per-example
    value (one alone when the diagram shows a single example, `focus`), else one."""
    if not per_example(step) or focus is not None:
        return 1
    return int(np.size(step.value))


def expected(step: Step, focus: int | None = None) -> np.ndarray:
    """The right answer as a flat array (the focused example's alone, if `focus`)."""
    v = np.asarray(step.value, dtype=float).reshape(-1)
    if per_example(step) and focus is not None and 0 <= focus < v.size:
        return v[focus:focus + 1]
    return v


_SEP = re.compile(r"\s*;\s*|\s*,\s+|\s+")


def parse_prediction(text: str, n: int = 1) -> np.ndarray:
    """The learner's prediction as `n` numbers.

    Accepted: "0.125", "−0.048" (the real minus) or "-0.048", "1e-3", "5×10⁻³", a
    decimal comma "0,125". Several values are separated by ";", spaces or ", " (a comma
    and a space), or, with no other separator, by bare commas ("0.1,0.2,0.3,0.4"). One
    number for several examples stands for each of them. PredictionError otherwise."""
    t = str(text).strip().strip("[]()").strip()
    if not t:
        raise PredictionError("Type your prediction first (or Skip / reveal to see it).")
    tokens = [tok for tok in _SEP.split(t) if tok]
    if n > 1 and len(tokens) == 1 and "," in tokens[0]:
        tokens = [tok for tok in tokens[0].split(",") if tok.strip()]
    values = []
    for tok in tokens:
        try:
            v = parse_number(tok)
        except ValueError:
            raise PredictionError(
                f"“{tok}” is not a number: type a value such as 0.125, −0.048 or 1e-3"
                + (" (several examples: separate them with “;” or spaces)" if n > 1 else "")
                + ".") from None
        if not math.isfinite(v):
            raise PredictionError(f"“{tok}” is not a finite number: predict a value such as "
                                  "0.125.")
        values.append(v)
    if len(values) == 1:
        return np.full(n, values[0])
    if len(values) != n:
        what = "one number" if n == 1 else f"{n} numbers, one per example,"
        raise PredictionError(f"Type {what} — you typed {len(values)}."
                              + (" (A decimal comma needs “;” or spaces between the values.)"
                                 if "," in t else ""))
    return np.asarray(values, dtype=float)


def tolerance(truth) -> np.ndarray:
    """How far off a prediction may be: 1 % of the right value or 0.001, the looser."""
    return np.maximum(ABS_TOL, REL_TOL * np.abs(np.asarray(truth, dtype=float)))


@dataclass(frozen=True)
class Grade:
    symbol: str
    guess: np.ndarray
    truth: np.ndarray
    hits: np.ndarray  # per value: within the tolerance

    @property
    def right(self) -> bool:
        return bool(np.all(self.hits))

    def summary(self, digits: int = 3) -> str:
        """"Right: ∂L/∂b = 0.125 (you said 0.125)" and the like."""
        said = fmt(self.guess if self.guess.size > 1 else self.guess[0], max(digits, 3))
        exact = fmt(self.truth if self.truth.size > 1 else self.truth[0], max(digits, 3))
        if self.right:
            return f"Right: {self.symbol} = {exact} (you said {said})"
        if self.truth.size > 1:
            wrong = int(np.sum(~self.hits))
            return (f"Not quite: {self.symbol} = {exact} (you said {said}; {wrong} of "
                    f"{self.truth.size} values off by more than 1 % or 0.001)")
        return f"Not quite: {self.symbol} = {exact} (you said {said})"


def grade(step: Step, guess, focus: int | None = None) -> Grade:
    """The prediction `guess` (answer_count(step, focus) numbers) against the step's
    value: each value right within `tolerance`. A value that overflowed cannot be
    predicted right."""
    truth = expected(step, focus)
    g = np.asarray(guess, dtype=float).reshape(-1)
    if g.size != truth.size:
        raise PredictionError(f"Type {truth.size} numbers, one per example.")
    with np.errstate(all="ignore"):
        hits = np.isfinite(truth) & (np.abs(g - truth) <= tolerance(truth))
    return Grade(step.symbol, g, truth, hits)


def phase_name(step: Step) -> str:
    return {FORWARD: "forward value", BACKWARD: "gradient", UPDATE: "update"}[step.phase]


@dataclass
class Score:
    """Right and asked per lesson id (FREE_PLAY outside a lesson)."""

    tally: dict[str, list[int]] = field(default_factory=dict)

    def add(self, lesson: str | None, right: bool) -> None:
        t = self.tally.setdefault(lesson or FREE_PLAY, [0, 0])
        t[0] += bool(right)
        t[1] += 1

    def of(self, lesson: str | None) -> tuple[int, int]:
        right, asked = self.tally.get(lesson or FREE_PLAY, (0, 0))
        return right, asked
