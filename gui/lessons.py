"""Lessons: ready-made starting points for each idea of the tutorial, read from
resources/lessons.json (teachers can add their own there)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from importlib import resources

from core.datasets import GATES
from core.engine import MODES

from .controls import MAX_STOP_AT, SPEEDS

SETUP_KEYS = {"dataset", "mode", "example", "batch_size", "bias", "w1", "w2", "b", "lr",
              "speed", "stop_at"}


class LessonError(ValueError):
    """A lesson file that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    text: str
    setup: dict


def parse_lessons(text: str, source: str = "lessons.json") -> list[Lesson]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LessonError(f"{source} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
        raise LessonError(f"{source} needs an object with a list \"lessons\"")
    out = []
    for n, item in enumerate(data["lessons"], 1):
        where = f"{source}, lesson {n}"
        if not isinstance(item, dict):
            raise LessonError(f"{where} is not an object")
        for key in ("id", "title", "text", "setup"):
            if key not in item:
                raise LessonError(f"{where} has no \"{key}\"")
        setup = item["setup"]
        if not isinstance(setup, dict):
            raise LessonError(f"{where}: \"setup\" must be an object")
        unknown = set(setup) - SETUP_KEYS
        if unknown:
            raise LessonError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}")
        _check_setup(setup, where)
        out.append(Lesson(str(item["id"]), str(item["title"]), str(item["text"]), setup))
    return out


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return False
    try:
        return math.isfinite(v)
    except OverflowError:  # an integer too large for a float
        return False


def _check_setup(setup: dict, where: str) -> None:
    """Every setting checked here, so that starting a lesson cannot fail half-way."""
    if not isinstance(setup.get("dataset", "or"), str) or setup.get("dataset", "or") not in GATES:
        raise LessonError(f"{where}: dataset must be one of {', '.join(GATES)}")
    if not isinstance(setup.get("mode", "single"), str) or setup.get("mode", "single") not in MODES:
        raise LessonError(f"{where}: mode must be one of {', '.join(MODES)}")
    for key in ("w1", "w2", "b"):
        if key in setup and not _is_number(setup[key]):
            raise LessonError(f"{where}: {key} must be a finite number")
    if "lr" in setup and not (_is_number(setup["lr"]) and setup["lr"] >= 0):
        raise LessonError(f"{where}: lr must be a finite number ≥ 0")
    if "bias" in setup and not isinstance(setup["bias"], bool):
        raise LessonError(f"{where}: bias must be true or false")
    ex = setup.get("example")
    if ex is not None and not (_is_int(ex) and 0 <= ex < 4):
        raise LessonError(f"{where}: example must be 0, 1, 2 or 3 (or null to cycle)")
    if "batch_size" in setup and not (_is_int(setup["batch_size"]) and setup["batch_size"] >= 1):
        raise LessonError(f"{where}: batch_size must be a whole number ≥ 1")
    if "stop_at" in setup and not (_is_int(setup["stop_at"])
                                   and 1 <= setup["stop_at"] <= MAX_STOP_AT):
        raise LessonError(f"{where}: stop_at must be a whole number from 1 to {MAX_STOP_AT}")
    labels = [label for label, _, _ in SPEEDS]
    if "speed" in setup and (not isinstance(setup["speed"], str)
                             or setup["speed"] not in labels):
        raise LessonError(f"{where}: speed must be one of: {'; '.join(labels)}")


def load_lessons(path=None) -> list[Lesson]:
    """The shipped lessons, or a teacher's own file at `path`."""
    if path is None:
        text = resources.files("resources").joinpath("lessons.json").read_text(encoding="utf-8")
        return parse_lessons(text)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonError(f"{path} could not be read: {exc}") from None
    return parse_lessons(text, source=str(path))
