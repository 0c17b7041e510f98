"""The numbers the tutorial publishes, per lesson and stage, checked against the app's own.

Each check belongs to a lesson (an id of resources/lessons.json) and to a stage of it (a
pass of the lesson, or a number of epochs done), not to exact parameters: so when the
learner moves a slider, the app's value differs and the check can fail. The numbers come
from shared/reference/worked-numbers.md, sections A to D: the tutorial's printed text
("published", rounded to 3 decimals, so it matches within half a unit of its last printed
decimal) and the exact value, to 10⁻⁶. Where the tutorial misprints a number, the check
carries the core.tutorial_notes note that says why, and the app's value must be the exact
one. Where the tutorial prints nothing, the exact value alone is checked.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .steps import BACKWARD
from .symbols import MINUS, fmt
from .tutorial_notes import NOTES, TutorialNote

EXACT_TOL = 1e-6  # the worked numbers' exact column is given to 6 decimals
MIN_DECIMALS = 3  # the tutorial rounds to 3 decimals: "0.5" there means 0.500
NUMBER = re.compile(r"[-\u2212]?\d+(?:\.\d+)?")

# a result's status: the words beside each symbol say it without colour
NOT_YET, PASSED, MATCH, MISPRINT, MISMATCH = "not yet", "passed", "match", "misprint", "mismatch"
WORDS = {NOT_YET: "not yet reached", PASSED: "passed", MATCH: "matches the tutorial",
         MISPRINT: "the tutorial misprints it", MISMATCH: "does not match the tutorial"}
SIGNS = {NOT_YET: "·", PASSED: "–", MATCH: "✓", MISPRINT: "⚠", MISMATCH: "✗"}


def published_numbers(text: str) -> list[tuple[float, float]]:
    """Each number of a printed text with its tolerance: half a unit of its last decimal
    (at least of the third, the tutorial's rounding)."""
    out = []
    for m in NUMBER.finditer(text):
        s = m.group().replace(MINUS, "-")
        decimals = len(s.split(".")[1]) if "." in s else 0
        out.append((float(s), 0.5 * 10.0 ** -max(decimals, MIN_DECIMALS) + 1e-12))
    return out


def _decimals(text: str) -> int:
    found = [m.group() for m in NUMBER.finditer(text)]
    return max([len(s.split(".")[1]) if "." in s else 0 for s in found] + [MIN_DECIMALS])


@dataclass(frozen=True)
class Check:
    """One number of one lesson's stage: where the app shows it and what it should be.

    source "step": the value (or `field` "local", its local gradient) of the revealed step
    `key` (a target, with "#grad" for a backward one, as Engine.shown_values names them)
    in pass `passno` of the lesson (0: the first). "param": parameter `key` once `epochs`
    epochs are done. "cost": the cost recorded for epoch int(key) (0-based). "crossing":
    where the decision boundary crosses axis x₁ ("x1") or x₂ ("x2") after `epochs` epochs.
    """

    lesson: str
    stage: str  # the stage's title, as the list shows it
    label: str  # what is checked, in the app's words
    source: str
    key: str
    exact: tuple[float, ...]
    published: str | None = None  # as the tutorial prints it; None: it prints nothing
    passno: int = 0
    epochs: int = 0
    field: str = "value"
    where: str = ""  # in the worked numbers
    note: TutorialNote | None = None  # the tutorial misprints it, and why



@dataclass(frozen=True)
class Result:
    check: Check
    status: str
    value: tuple[float, ...] | None  # the app's, once reached

    @property
    def ok(self) -> bool:
        return self.status in (MATCH, MISPRINT)

    def here(self) -> str:
        """The app's value, one decimal finer than the tutorial prints it."""
        if self.value is None:
            return ""
        c = self.check
        digits = _decimals(c.published) + 1 if c.published else 6
        return ", ".join(fmt(v, digits) for v in self.value)

    def exact_text(self) -> str:
        c = self.check
        vals = (c.note.exact,) if c.note is not None else c.exact
        return ", ".join(fmt(v, 6) for v in vals)

    def badge(self) -> str:
        """Compact: "✓ tutorial 0.089", "⚠ misprint: prints 0.109, exact 0.109882",
        "✗ tutorial 0.089, here 0.0901"."""
        c, sign = self.check, SIGNS[self.status]
        told = f"tutorial {c.published}" if c.published else f"exact {self.exact_text()}"
        if self.status == MISPRINT:
            return f"{sign} misprint: prints {c.published}, exact {self.exact_text()}"
        if self.status == MISMATCH:
            if c.note is not None:
                told = f"tutorial prints {c.published} (exact {self.exact_text()})"
            return f"{sign} {told}, here {self.here()}"
        if self.status == MATCH:
            return f"{sign} {told}"
        return f"{sign} {WORDS[self.status]} ({told})"

    def words(self) -> str:
        return WORDS[self.status]


def app_value(check: Check, engine) -> tuple[float, ...] | None:
    """The app's value for `check` now, or None if its stage is not on screen."""
    c = check
    if c.source == "step":
        if engine.pass_epoch != c.passno:
            return None
        step = engine.shown_values().get(c.key)
        if step is None:
            return None
        v = np.asarray(step.local if c.field == "local" else step.value, dtype=float)
        v = v.reshape(-1)
        if len(c.exact) == 1 and len(v) > 1 and np.all(v == v[0]):
            v = v[:1]  # a shared value (the bias, in every example's column) counts once
        return tuple(float(x) for x in v)
    if c.source == "cost":
        k = int(c.key)
        return (float(engine.epoch_costs[k]),) if len(engine.epoch_costs) > k else None
    if engine.epoch != c.epochs:
        return None
    p = engine.parameters()
    if c.source == "param":
        return (float(p[c.key]),) if c.key in p else None
    if c.source == "crossing":  # w₁x₁ + w₂x₂ + b = 0 on an axis: x = −b/w
        w = p.get("w1" if c.key == "x1" else "w2")
        if w is None or "b" not in p or w == 0:
            return None
        return (-p["b"] / w,)
    raise ValueError(f"unknown source {c.source!r}")


def _passed(check: Check, engine) -> bool:
    c = check
    if c.source == "step":
        return engine.pass_epoch > c.passno
    if c.source == "cost":
        return False
    return engine.epoch > c.epochs


def evaluate(check: Check, engine) -> Result:
    v = app_value(check, engine)
    if v is None:
        return Result(check, PASSED if _passed(check, engine) else NOT_YET, None)
    c = check
    if c.note is not None:  # the app must show the exact value, not the printed one
        good = _close(v, (c.note.exact,) * len(v), EXACT_TOL)
        return Result(c, MISPRINT if good else MISMATCH, v)
    if c.published is None:
        return Result(c, MATCH if _close(v, c.exact, EXACT_TOL) else MISMATCH, v)
    nums = published_numbers(c.published)
    good = len(nums) == len(v) and all(abs(a - p) <= tol for a, (p, tol) in zip(v, nums))
    return Result(c, MATCH if good else MISMATCH, v)


def _close(v, want, tol) -> bool:
    return len(v) == len(want) and all(
        math.isfinite(a) and abs(a - b) <= tol for a, b in zip(v, want))


def checks_for(lesson: str | None) -> tuple[Check, ...]:
    return tuple(c for c in CHECKS if c.lesson == lesson)


def step_results(lesson: str | None, engine, step) -> list[Result]:
    """The results for `step` of the current pass (for the explanation's lines)."""
    if lesson is None or step is None:
        return []
    key = step.target + ("#grad" if step.phase == BACKWARD else "")
    out = []
    for c in checks_for(lesson):
        if c.source == "step" and c.key == key and c.passno == engine.pass_epoch:
            out.append(evaluate(c, engine))
    return out


@dataclass(frozen=True)
class StageView:
    title: str
    state: str  # "now", "next" (not reached yet) or "behind" (every stage passed)
    results: tuple[Result, ...]


def current_stage(lesson: str | None, engine) -> StageView | None:
    """The lesson's stage the screen is at (or the next one to come; or, all behind, the
    last), with every check of it; None for a lesson with no published numbers."""
    checks = checks_for(lesson)
    if not checks:
        return None
    stages: dict[str, list[Check]] = {}
    for c in checks:
        stages.setdefault(c.stage, []).append(c)
    for title, group in stages.items():
        results = tuple(evaluate(c, engine) for c in group)
        if any(r.value is not None for r in results):
            return StageView(title, "now", results)
        if not all(r.status == PASSED for r in results):
            return StageView(title, "next", results)
    return StageView(title, "behind", results)


# ------------------------------------------------------------------------- the numbers
def _note(symbol: str, exact: float) -> TutorialNote:
    found = [n for n in NOTES if n.symbol == symbol and abs(n.exact - exact) <= EXACT_TOL]
    assert len(found) == 1, (symbol, exact)
    return found[0]


def _m(s: str) -> str:
    return s.replace("-", MINUS)


def _step(lesson, stage, passno, label, key, exact, published=None, field="value",
          where="", note=None) -> Check:
    exact = tuple(exact) if isinstance(exact, (tuple, list)) else (exact,)
    return Check(lesson, stage, label, "step", key, tuple(float(v) for v in exact),
                 None if published is None else _m(published), passno=passno, field=field,
                 where=where, note=note)


def _after(lesson, epochs, label, source, key, exact, published=None, where="") -> Check:
    return Check(lesson, f"after {epochs:,} epochs", label, source, key, (float(exact),),
                 None if published is None else _m(published), epochs=epochs, where=where)


def _first_pass(lesson: str, stage: str, bias: bool) -> list[Check]:
    """Section A: the first OR example, (0, 0) with y = 0, from w = (0.1, 0.6), b = 0."""
    a = "A"
    out = [
        _step(lesson, stage, 0, "z", "node:z", 0.0, "0", where=a),
        _step(lesson, stage, 0, "ŷ = σ(z)", "node:y_hat", 0.5, "0.5", where=a),
        _step(lesson, stage, 0, "L", "node:loss", 0.125, "0.125", where=a),
        _step(lesson, stage, 0, "∂L/∂ŷ", "edge:y_hat->loss#grad", 0.5, "0.5", where=a),
        _step(lesson, stage, 0, "∂ŷ/∂z", "edge:z->y_hat#grad", 0.25, "0.25", field="local",
              where=a),
        _step(lesson, stage, 0, "∂L/∂z", "edge:z->y_hat#grad", 0.125, "0.125", where=a),
        _step(lesson, stage, 0, "∂L/∂w₁", "edge:w1#grad", 0.0, "0", where=a),
        _step(lesson, stage, 0, "∂L/∂w₂", "edge:w2#grad", 0.0, "0", where=a),
    ]
    if bias:
        out += [_step(lesson, stage, 0, "∂L/∂b", "edge:b#grad", 0.125, "0.125", where=a),
                _step(lesson, stage, 0, "b after the update", "param:b", -0.125, "-0.125",
                      where=a)]
    return out


def _lesson_batch(lesson: str) -> list[Check]:
    """Section B: the OR table in full-batch mode, iterations 1 and 2."""
    one, two = "iteration 1", "iteration 2"
    b1, b2 = "B, iteration 1", "B, iteration 2"
    return [
        _step(lesson, one, 0, "Z", "node:z", (0, 0.6, 0.1, 0.7), "0, 0.6, 0.1, 0.7", where=b1),
        _step(lesson, one, 0, "Ŷ", "node:y_hat", (0.5, 0.645656, 0.524979, 0.668188),
              "0.5, 0.646, 0.525, 0.668", where=b1),
        _step(lesson, one, 0, "Cost", "node:loss", 0.088913, "0.089", where=b1),
        _step(lesson, one, 0, "∂Cost/∂Ŷ", "edge:y_hat->loss#grad",
              (0.125, -0.088586, -0.118755, -0.082953), where=b1),
        _step(lesson, one, 0, "∂Ŷ/∂Z", "edge:z->y_hat#grad",
              (0.25, 0.228784, 0.249376, 0.221713), field="local", where=b1),
        _step(lesson, one, 0, "∂Cost/∂Z", "edge:z->y_hat#grad",
              (0.03125, -0.020267, -0.029615, -0.018392), where=b1),
        _step(lesson, one, 0, "∂Cost/∂w₁", "edge:w1#grad", -0.048006, "-0.048", where=b1),
        _step(lesson, one, 0, "∂Cost/∂w₂", "edge:w2#grad", -0.038659, "-0.038", where=b1,
              note=_note("∂Cost/∂w₂", -0.0386588)),
        _step(lesson, one, 0, "∂Cost/∂b", "edge:b#grad", -0.037024, "-0.037", where=b1),
        _step(lesson, one, 0, "w₁ after the update", "param:w1", 0.148006, "0.148", where=b1),
        _step(lesson, one, 0, "w₂ after the update", "param:w2", 0.638659, "0.638", where=b1,
              note=_note("w₂", 0.6386588)),
        _step(lesson, one, 0, "b after the update", "param:b", 0.037024, "0.037", where=b1),
        _step(lesson, two, 1, "b", "edge:b", 0.037024, "0.099", where=b2,
              note=_note("b", 0.0370235)),
        _step(lesson, two, 1, "Ŷ", "node:y_hat", (0.509255, 0.662774, 0.546126, 0.695019),
              where=b2),
        _step(lesson, two, 1, "Cost", "node:loss", 0.084010, "0.084", where=b2),
        _step(lesson, two, 1, "∂Cost/∂w₁", "edge:w1#grad", -0.044287, "-0.044", where=b2),
        _step(lesson, two, 1, "∂Cost/∂w₂", "edge:w2#grad", -0.035004, "-0.035", where=b2),
        _step(lesson, two, 1, "∂Cost/∂b", "edge:b#grad", -0.031313, "-0.031", where=b2),
    ]


def _lesson_5000() -> list[Check]:
    """Section B, after 5000 epochs: the cost recorded before each update on the way."""
    le, b = "5000-epochs", "B, 5000 epochs"
    costs = [_after(le, 5000, "Cost, epoch 0", "cost", "0", 0.088913, "0.089", b)]
    costs += [_after(le, 5000, f"Cost, epoch {k:,}", "cost", str(k), v, where=b)
              for k, v in ((100, 0.030480), (1000, 0.003144), (3000, 0.000920),
                           (4900, 0.000539))]
    return costs + [
        _after(le, 5000, "Cost, epoch 4,999 (the last)", "cost", "4999", 0.000528,
               "≈ 0.0005", b),
        _after(le, 5000, "w₁", "param", "w1", 6.434191, "6.434", b),
        _after(le, 5000, "w₂", "param", "w2", 6.434236, "6.434", b),
        _after(le, 5000, "b", "param", "b", -2.973036, "-2.973", b),
        _after(le, 5000, "boundary on the x₁ axis", "crossing", "x1", 0.462068, "0.462", b),
        _after(le, 5000, "boundary on the x₂ axis", "crossing", "x2", 0.462065, "0.462", b),
    ]


def _lesson_cross() -> list[Check]:
    le, one, c = "feature-cross", "iteration 1", "C, feature cross"
    return [
        _step(le, one, 0, "Cost", "node:loss", 0.138332, "0.138", where=c),
        _step(le, one, 0, "∂Cost/∂w₁", "edge:w1#grad", 0.006910, "0.007", where=c),
        _step(le, one, 0, "∂Cost/∂w₂", "edge:w2#grad", 0.016258, "0.016", where=c),
        _step(le, one, 0, "∂Cost/∂w₃", "edge:w3#grad", 0.036525, "0.037", where=c),
        _step(le, one, 0, "∂Cost/∂b", "edge:b#grad", 0.017893, "0.018", where=c),
        _after(le, 5000, "Cost, epoch 4,999 (the last)", "cost", "4999", 0.001567, where=c),
    ]


def _lesson_hidden() -> list[Check]:
    le, one, two, c = "hidden-layer", "iteration 1", "iteration 2", "C, 2-3-1"
    w2 = [f"edge:w2_1_{k}#grad" for k in (1, 2, 3)]
    sym = ["∂Cost/∂w²₁₁", "∂Cost/∂w²₁₂", "∂Cost/∂w²₁₃"]
    out = [
        _step(le, one, 0, "Ŷ", "node:y_hat", (0.668188, 0.712060, 0.687709, 0.727710),
              where=c),
        _step(le, one, 0, "Cost", "node:loss", 0.144559, "0.145", where=c),
    ]
    out += [_step(le, one, 0, s, k, v, where=c)
            for s, k, v in zip(sym, w2, (0.024274, 0.023738, 0.025378))]
    out += [_step(le, one, 0, "∂Cost/∂b²", "edge:b2#grad", 0.041559, where=c)]
    out += [_step(le, two, 1, s, k, v, p, where=c)
            for s, k, v, p in zip(sym, w2, (0.022763, 0.022212, 0.023714),
                                  ("0.023", "0.022", "0.024"))]
    out += [_step(le, two, 1, "∂Cost/∂b²", "edge:b2#grad", 0.038917, "0.039", where=c)]
    out += [_step(le, two, 1, f"∂Cost/∂b¹{s}", f"edge:b1_{k}#grad", v, p, where=c)
            for s, k, v, p in zip("₁₂₃", (1, 2, 3), (0.000686, 0.003450, 0.007317),
                                  ("0.001", "0.003", "0.007"))]
    return out + [_after(le, 5000, "Cost, epoch 4,999 (the last)", "cost", "4999", 0.000894,
                         "≈ 0.0009", c)]


def _lesson_bce() -> list[Check]:
    le, one, two, d = "cross-entropy", "iteration 1", "iteration 2", "D, batch"
    return [
        _step(le, one, 0, "Cost", "node:loss", 0.719554, "0.720", where=d),
        _step(le, two, 1, "Cost", "node:loss", 0.618313, "0.618", where=d),
        _step(le, two, 1, "∂Cost/∂w₁", "edge:w1#grad", -0.002732, "-0.002", where=d,
              note=_note("∂Cost/∂w₁", -0.0027317)),
        _step(le, two, 1, "∂Cost/∂w₂", "edge:w2#grad", 0.026482, "0.027", where=d,
              note=_note("∂Cost/∂w₂", 0.0264818)),
        _step(le, two, 1, "∂Cost/∂b", "edge:b#grad", 0.238186, "0.239", where=d,
              note=_note("∂Cost/∂b", 0.2381855)),
        _after(le, 5000, "Cost, epoch 4,999 (the last)", "cost", "4999", 0.003441, where=d),
        _after(le, 5000, "w₁", "param", "w1", 10.678121, where=d),
        _after(le, 5000, "w₂", "param", "w2", 10.678121, where=d),
        _after(le, 5000, "b", "param", "b", -16.186257, where=d),
    ]


CHECKS: tuple[Check, ...] = tuple(
    _first_pass("no-bias", "the first pass", bias=False)
    + _first_pass("bias", "the first pass", bias=True)
    + [_step("bias", "after the update", 1, "ŷ", "node:y_hat", 0.468791, "0.469", where="A"),
       _step("bias", "after the update", 1, "L", "node:loss", 0.109882, "0.109", where="A",
             note=_note("L", 0.109882))]
    + _lesson_batch("batch")
    + _lesson_5000()
    + _lesson_cross()
    + _lesson_hidden()
    + _lesson_bce()
)
