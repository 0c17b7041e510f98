"""A lesson's tasks for the guided tour (gui/tour.py): what the learner should do next,
the control that does it, and what the session shows once it is done.

In a lessons file, a lesson may hold a list of tasks; a teacher's file without them stays
valid (the tour then asks for one forward pass, the backward pass and the update):

    "tasks": [{"text": "Press F to finish the forward pass", "control": "finish forward",
               "until": "loss"}]

"until" is read from the session, never from the click: pressing a button that cannot
act (Play at its last epoch) completes nothing. Plain Python, so that gui/lessons.py can
check a file's tasks when it reads it."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

MAX_TASKS = 12
MAX_TASK_TEXT = 200

# control → where the learner finds it (a message names it this way)
CONTROLS = {
    "step forward": "the Step forward button",
    "step back": "the Step back button",
    "finish forward": "the Finish forward pass button",
    "finish backward": "the Finish backward pass button",
    "apply update": "the Apply update button",
    "run epoch": "the Run one epoch button",
    "play": "the Play button",
    "reset": "the Reset button",
    "learning rate": "the learning rate α",
    "focus example": "the Show box (one example of the pass)",
    "arrows": "the loss landscape's arrow learning rate",
    "tab:boundary": "the Boundary & loss tab",
    "tab:landscape": "the Loss landscape tab",
    "tab:rates": "the Learning rates tab",
}

# until → what it waits for; N is a whole number, X a number
UNTIL = {
    "loss": "the loss (or cost) of the pass is computed",
    "loss:N": "the loss is computed again after N updates",
    "gradients": "the backward pass is complete",
    "updates:N": "N updates have been applied",
    "epochs:N": "training has reached epoch N",
    "warning": "training is flagged (stuck, rising, not a number)",
    "lr-at-most:X": "the learning rate is at most X",
    "reset": "the run is back at its start",
    "tab:boundary": "that tab is shown",
    "tab:landscape": "that tab is shown",
    "tab:rates": "that tab is shown",
    "compared": "the learning-rate comparison has finished",
    "arrows:X": "the landscape's arrows use learning rate X",
    "focus": "the diagram follows one example",
}
_WITH_NUMBER = re.compile(r"(loss|updates|epochs|lr-at-most|arrows):(.+)")
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class Task:
    text: str
    control: str
    until: str

    @property
    def condition(self) -> tuple[str, float | None]:
        """("epochs", 5000.0), ("loss", 0.0), ("gradients", None)…"""
        m = _WITH_NUMBER.fullmatch(self.until)
        if m:
            return m.group(1), float(m.group(2))
        if self.until == "loss":
            return "loss", 0.0
        return self.until, None


# A teacher's lesson without tasks: one pass, in the three strides every lesson knows.
DEFAULT_TASKS = (
    Task("Press F (Finish forward pass) to compute the loss", "finish forward", "loss"),
    Task("Press B (Finish backward pass) to send the gradients back", "finish backward",
         "gradients"),
    Task("Apply the update (U)", "apply update", "updates:1"),
)


class TaskError(ValueError):
    """A task list that cannot be used; the message says which task and why."""


def _check_until(until: str, where: str) -> None:
    if until in UNTIL:
        return
    m = _WITH_NUMBER.fullmatch(until)
    if not m:
        known = ", ".join(UNTIL)
        raise TaskError(f"{where}: \"until\" {until[:40]!r} is not known; known: {known}")
    kind, value = m.groups()
    try:
        v = float(value)
    except ValueError:
        v = math.nan
    whole = kind in ("loss", "updates", "epochs")
    if not math.isfinite(v) or v < 0 or v > MAX_COUNT or (whole and v != int(v)) or \
            (not whole and v <= 0):
        need = "a whole number" if whole else "a number above 0"
        raise TaskError(f"{where}: \"until\" {until[:40]!r} needs {need} up to "
                        f"{MAX_COUNT:,} after \"{kind}:\"")


def parse_tasks(value, where: str, check_text) -> tuple[Task, ...]:
    """The tasks of one lesson (`value` is the file's "tasks", None when absent).
    `check_text(text, key, where, limit)` is the lessons file's own text check."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise TaskError(f"{where}: \"tasks\" must be a list of tasks")
    if len(value) > MAX_TASKS:
        raise TaskError(f"{where}: {len(value)} tasks; a lesson may have at most {MAX_TASKS}")
    out = []
    for n, item in enumerate(value, 1):
        here = f"{where}, task {n}"
        if not isinstance(item, dict):
            raise TaskError(f"{here} is not an object with \"text\", \"control\" and \"until\"")
        for key in ("text", "control", "until"):
            if key not in item:
                raise TaskError(f"{here} has no \"{key}\"")
        unknown = set(item) - {"text", "control", "until"}
        if unknown:
            raise TaskError(f"{here}: unknown key(s) {', '.join(sorted(unknown)[:5])}; a task "
                            "has text, control and until")
        check_text(item["text"], "text", here, MAX_TASK_TEXT)
        for key in ("control", "until"):
            if not isinstance(item[key], str):
                raise TaskError(f"{here}: \"{key}\" must be text in quotes")
        if item["control"] not in CONTROLS:
            raise TaskError(f"{here}: \"control\" {item['control'][:40]!r} is not known; "
                            f"known: {', '.join(CONTROLS)}")
        _check_until(item["until"], here)
        out.append(Task(item["text"], item["control"], item["until"]))
    return tuple(out)
