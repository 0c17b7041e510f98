"""Where the tutorial prints a number the app does not show, and why.

The tutorial rounds intermediate values to 3 decimals (and sometimes cuts digits
off instead of rounding), so a few printed numbers differ from the exact value the
app computes. Each note names the exact situation it belongs to, so a view can show
it beside the step when, and only when, the learner is looking at that number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .symbols import MINUS


@dataclass(frozen=True)
class TutorialNote:
    """A printed value of the tutorial, the situation it belongs to, and why it differs.

    The situation: the pass's examples (inputs x and labels y, so the same points in
    any dataset match), the parameters at the pass's start, and the step's symbol and
    exact value (which also pins the loss, the learning rate and the network).
    """

    where: str  # where the tutorial prints it
    examples: tuple[tuple[float, float, float], ...]  # (x₁, x₂, y) of the pass, in order
    params: tuple[tuple[str, float], ...]  # at the pass's start
    symbol: str  # the step's symbol, as Step.symbol writes it
    exact: float  # the step's value (every example's, for a per-example value)
    printed: str
    why: str

    def matches(self, dataset, p, step) -> bool:
        """Whether `step` of pass `p` (a core.steps.Pass) on `dataset` is this situation."""
        indices, params = p.indices, p.params_before
        if step.symbol != self.symbol or len(indices) != len(self.examples):
            return False
        if set(params) != {name for name, _ in self.params}:
            return False
        if not all(abs(params[name] - v) <= 1e-6 for name, v in self.params):
            return False
        pts = [(dataset.X[0, i], dataset.X[1, i], dataset.Y[0, i]) for i in indices]
        if not np.allclose(pts, self.examples, rtol=0, atol=1e-12):
            return False
        return bool(np.allclose(np.asarray(step.value, dtype=float), self.exact,
                                rtol=0, atol=1e-6))

    @property
    def text(self) -> str:
        return f"{self.where} prints {self.printed}: {self.why}"


OR = ((0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 1))
START = (("w1", 0.1), ("w2", 0.6), ("b", 0.0))
AFTER_BIAS_STEP = (("w1", 0.1), ("w2", 0.6), ("b", -0.125))  # one step on x = (0, 0), α = 1
AFTER_BATCH_STEP = (("w1", 0.1480065), ("w2", 0.6386588), ("b", 0.0370235))
AND = ((0, 0, 0), (0, 1, 0), (1, 0, 0), (1, 1, 1))
# one cross-entropy batch step on AND from the start, α = 1 (section D of the worked numbers)
AFTER_BCE_STEP = (("w1", 0.0517083), ("w2", 0.5215390), ("b", -0.3347058))

NOTES: tuple[TutorialNote, ...] = (
    TutorialNote(
        where="The tutorial (Fig. 26 and its text)",
        examples=(OR[0],), params=AFTER_BIAS_STEP, symbol="L", exact=0.109882,
        printed="L = 0.10998005, “around 0.109”",
        why=("it squares ŷ rounded to 0.469, then drops digits instead of rounding. "
             "With the exact ŷ = σ(−0.125) = 0.468791, L = 0.109882, which rounds to 0.110.")),
    TutorialNote(
        where="The tutorial (Fig. 45)",
        examples=OR, params=START, symbol="∂Cost/∂w₂", exact=-0.0386588,
        printed=f"{MINUS}0.038",
        why=f"it cuts {MINUS}0.038659 to three decimals; rounded, that is {MINUS}0.039."),
    TutorialNote(
        where="The tutorial (Fig. 45)",
        examples=OR, params=START, symbol="w₂", exact=0.6386588,
        printed="w₂ = 0.638",
        why=(f"it subtracts the cut gradient {MINUS}0.038; exactly, 0.6 + 0.038659 = "
             "0.638659, which rounds to 0.639.")),
    TutorialNote(
        where="The tutorial's figure for the second iteration",
        examples=OR, params=AFTER_BATCH_STEP, symbol="b", exact=0.0370235,
        printed="b = 0.099 (and another X_train)",
        why=("a misprint: its own numbers are computed with b = 0.037, the bias after the "
             "first update, as here.")),
    TutorialNote(
        where="The tutorial's cross-entropy sequel (iteration 2)",
        examples=AND, params=AFTER_BCE_STEP, symbol="∂Cost/∂w₁", exact=-0.0027317,
        printed=f"{MINUS}0.002",
        why=f"it cuts {MINUS}0.002732 to three decimals; rounded, that is {MINUS}0.003."),
    TutorialNote(
        where="The tutorial's cross-entropy sequel (iteration 2)",
        examples=AND, params=AFTER_BCE_STEP, symbol="∂Cost/∂w₂", exact=0.0264818,
        printed="0.027",
        why="the exact value is 0.026482, which rounds to 0.026."),
    TutorialNote(
        where="The tutorial's cross-entropy sequel (iteration 2)",
        examples=AND, params=AFTER_BCE_STEP, symbol="∂Cost/∂b", exact=0.2381855,
        printed="0.239",
        why="the exact value is 0.238186, which rounds to 0.238."),
)


def note_for(dataset, p, step) -> TutorialNote | None:
    """The note for `step` of pass `p` on `dataset`, or None: most steps print as the
    tutorial prints them."""
    if step is None:
        return None
    for note in NOTES:
        if note.matches(dataset, p, step):
            return note
    return None
