"""Lessons: ready-made starting points for each idea of the tutorial, read from
resources/lessons.json (teachers can add their own there)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

from core.datasets import GATES
from core.engine import MODES

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
        if setup.get("dataset", "or") not in GATES:
            raise LessonError(f"{where}: dataset must be one of {', '.join(GATES)}")
        if setup.get("mode", "single") not in MODES:
            raise LessonError(f"{where}: mode must be one of {', '.join(MODES)}")
        for key in ("w1", "w2", "b", "lr"):
            if key in setup and not isinstance(setup[key], (int, float)):
                raise LessonError(f"{where}: {key} must be a number")
        out.append(Lesson(str(item["id"]), str(item["title"]), str(item["text"]), setup))
    return out


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
