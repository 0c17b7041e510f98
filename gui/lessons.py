"""Lessons: ready-made starting points for each idea of the tutorial, read from
resources/lessons.json (teachers can add their own there).

A teacher's file is untrusted input: everything is checked when it is read, so that a bad
file gets one clear message naming the file (and the lesson and setting) and changes
nothing, instead of hanging, eating memory or failing later in the window."""

from __future__ import annotations

import codecs
import html
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from importlib import resources

from core.datasets import GATES
from core.engine import MODES
from core.symbols import MINUS, fmt_scalar

from .controls import MAX_STOP_AT, SPEEDS

SETUP_KEYS = {"dataset", "mode", "example", "batch_size", "bias", "w1", "w2", "b", "lr",
              "speed", "stop_at", "slice", "lrs", "tab"}

# Bounds, each chosen well above any real lesson and well below what hurts the window.
MAX_FILE_BYTES = 1_000_000  # the shipped file is ~5 kB
MAX_LESSONS = 100
MAX_ID = 100
MAX_TITLE = 200  # a menu entry
MAX_TEXT = 4000  # a few paragraphs in a word-wrapped label
MAX_WORD = 60  # longer unbroken runs (URLs) get break opportunities in html()
MAX_DIGITS = 100  # a whole number in the file; Python itself refuses past 4300
PARAM_LIMIT = 1e6  # |w1|, |w2|, |b|, and lr
PARAM_LIMIT_TEXT = "1 000 000"  # as the lessons write it
MAX_BATCH = 10_000  # the window's batch-size spin box range (a Qt int: 2**31 overflowed)
MAX_LRS = 8
SLICES = ("w1", "w2", "b")
TABS = ("loss", "boundary", "landscape", "rates")

ZWSP = "\u200b"  # zero-width space: a line may break here, nothing is drawn
_BREAK_AFTER = "/-?&=_.,;:"
# Control characters other than tab and line ends, and lone surrogates (invalid text that
# Qt silently drops).
_BAD_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message says where and why."""

    def __init__(self, message: str):
        # Messages quote the file (ids, keys, its path) and the window shows them in labels
        # that guess rich text: a quoted "<img src=/dev/zero>" would be loaded as an image
        # and abort the app. An invisible word joiner after "<" keeps them plain text.
        super().__init__(message.replace("<", "<\u2060"))


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    text: str
    setup: dict

    def html(self) -> str:
        """The title in bold and the text, escaped for a rich-text label: a "<" in the text
        shows as "<", newlines start new lines, and long words (URLs) can wrap."""
        return f"<b>{_html_text(self.title)}</b><br>{_html_text(self.text)}"

    def menu_text(self) -> str:
        """The title for a QAction: a lone "&" would otherwise become a shortcut mark."""
        return self.title.replace("&", "&&")


def lesson_html(lesson: Lesson) -> str:
    return lesson.html()


def _html_text(s: str) -> str:
    s = _soft_breaks(s.replace("\r\n", "\n").replace("\r", "\n"))
    return html.escape(s, quote=False).replace("\n", "<br>")


def _soft_breaks(s: str) -> str:
    """Zero-width spaces in every unbroken run longer than MAX_WORD, preferably after a
    URL's punctuation, so that the word-wrapped label never has to lay out one huge word."""
    def split(m: re.Match) -> str:
        word, pieces = m.group(0), []
        while len(word) > MAX_WORD:
            window = word[:MAX_WORD]
            cut = max(window.rfind(c) for c in _BREAK_AFTER) + 1
            if cut < MAX_WORD // 3:  # no punctuation late enough: a hard break
                cut = MAX_WORD
            pieces.append(word[:cut])
            word = word[cut:]
        pieces.append(word)
        return ZWSP.join(pieces)

    return re.sub(rf"[^\s{ZWSP}]{{{MAX_WORD + 1},}}", split, s)


# ---------------------------------------------------------------- messages
def _shown(v) -> str:
    """A value from the file, short enough for a message (the file may hold anything)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        digits = len(str(abs(v))) if abs(v) < 10**MAX_DIGITS else MAX_DIGITS
        if digits > 15:
            return f"a whole number with {digits}{'+' if digits >= MAX_DIGITS else ''} digits"
        return str(v).replace("-", MINUS)
    if isinstance(v, float):
        return fmt_scalar(v)
    if isinstance(v, str):
        short = v if len(v) <= 40 else v[:40] + "…"
        return json.dumps(short, ensure_ascii=False)
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "an object"
    return type(v).__name__


def _size(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000} MB"
    return f"{fmt_scalar(n / 1e6, 1)} MB" if n >= 100_000 else f"{n} bytes"


# ---------------------------------------------------------------- parsing
def parse_lessons(text: str, source: str = "lessons.json") -> list[Lesson]:
    def parse_int(digits: str) -> int:
        n = len(digits.lstrip("-"))
        if n > MAX_DIGITS:
            raise LessonError(f"{source} holds a whole number with {n} digits; numbers in "
                              f"a lessons file have at most {MAX_DIGITS} digits")
        return int(digits)

    def no_twice(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise LessonError(f"{source}: the key {_shown(key)} appears twice in one "
                                  "object (the second would silently win)")
            seen[key] = value
        return seen

    try:
        data = json.loads(text, parse_int=parse_int, object_pairs_hook=no_twice)
    except json.JSONDecodeError as exc:
        raise LessonError(f"{source} is not valid JSON (line {exc.lineno}: {exc.msg})") from None
    except LessonError:
        raise
    except RecursionError:
        raise LessonError(f"{source} nests lists or objects too deeply to be a lessons "
                          "file") from None
    except ValueError:  # e.g. a number Python refuses to convert
        raise LessonError(f"{source} holds a number that cannot be read") from None
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
        raise LessonError(f"{source} needs an object with a list \"lessons\"")
    if len(data["lessons"]) > MAX_LESSONS:
        raise LessonError(f"{source} holds {len(data['lessons'])} lessons; a lessons file "
                          f"may hold at most {MAX_LESSONS}")
    out, ids = [], {}
    for n, item in enumerate(data["lessons"], 1):
        where = f"{source}, lesson {n}"
        if not isinstance(item, dict):
            raise LessonError(f"{where} is not an object")
        for key in ("id", "title", "text", "setup"):
            if key not in item:
                raise LessonError(f"{where} has no \"{key}\"")
        _check_text(item["id"], "id", where, MAX_ID, one_line=True)
        lid = item["id"]
        if lid in ids:
            raise LessonError(f"{where}: the id {_shown(lid)} is already used by lesson "
                              f"{ids[lid]}")
        ids[lid] = n
        where = f"{where} ({_shown(lid)})"
        _check_text(item["title"], "title", where, MAX_TITLE, one_line=True)
        _check_text(item["text"], "text", where, MAX_TEXT, one_line=False)
        setup = item["setup"]
        if not isinstance(setup, dict):
            raise LessonError(f"{where}: \"setup\" must be an object")
        unknown = set(setup) - SETUP_KEYS
        if unknown:
            names = ", ".join(_shown(k) for k in sorted(unknown)[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise LessonError(f"{where}: unknown setting(s) {names}{more}; known: "
                              f"{', '.join(sorted(SETUP_KEYS))}")
        _check_setup(setup, where)
        setup = dict(setup)
        if "lrs" in setup:
            setup["lrs"] = list(setup["lrs"])
        out.append(Lesson(lid, item["title"], item["text"], setup))
    return out


def _check_text(v, key: str, where: str, limit: int, one_line: bool) -> None:
    if not isinstance(v, str):
        raise LessonError(f"{where}: {key} must be text in quotes, not {_shown(v)}")
    if key != "text" and not v.strip():
        raise LessonError(f"{where}: {key} is empty")
    if len(v) > limit:
        raise LessonError(f"{where}: {key} is {len(v)} characters long; at most {limit} "
                          "fit")
    if one_line and ("\n" in v or "\r" in v):
        raise LessonError(f"{where}: {key} must be a single line")
    bad = _BAD_CHAR.search(v)
    if bad:
        raise LessonError(f"{where}: {key} holds an invalid character "
                          f"(U+{ord(bad.group()):04X}) at position {bad.start() + 1}")


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
    def bad(key: str, rule: str):
        raise LessonError(f"{where}: {key} must be {rule} (not {_shown(setup[key])})")

    def one_of(key: str, choices) -> None:
        v = setup[key]
        if not isinstance(v, str) or v not in choices:
            bad(key, f"one of {', '.join(choices)}")

    for key, choices in (("dataset", GATES), ("mode", MODES), ("slice", SLICES),
                         ("tab", TABS)):
        if key in setup:
            one_of(key, list(choices))
    lim = PARAM_LIMIT_TEXT
    for key in ("w1", "w2", "b"):
        if key in setup and not (_is_number(setup[key]) and abs(setup[key]) <= PARAM_LIMIT):
            bad(key, f"a number from {MINUS}{lim} to {lim}")
    if "lr" in setup and not (_is_number(setup["lr"]) and 0 <= setup["lr"] <= PARAM_LIMIT):
        bad("lr", f"a number from 0 to {lim}")
    if "lrs" in setup:
        lrs = setup["lrs"]
        if not isinstance(lrs, list):
            bad("lrs", f"a list of 1 to {MAX_LRS} learning rates")
        if not 1 <= len(lrs) <= MAX_LRS:
            raise LessonError(f"{where}: lrs must be a list of 1 to {MAX_LRS} learning rates "
                              f"(it has {len(lrs)})")
        for v in lrs:
            if not (_is_number(v) and 0 < v <= PARAM_LIMIT):
                raise LessonError(f"{where}: each of lrs must be a number above 0 and at "
                                  f"most {lim} (not {_shown(v)})")
    if "bias" in setup and not isinstance(setup["bias"], bool):
        bad("bias", "true or false")
    if setup.get("slice") == "b" and setup.get("bias", True) is False:
        raise LessonError(f"{where}: slice is \"b\" but the lesson has no bias (\"bias\": "
                          "false); slice along w1 or w2")
    ex = setup.get("example")
    if ex is not None and not (_is_int(ex) and 0 <= ex < 4):
        bad("example", "0, 1, 2 or 3 (or null to cycle)")
    if "batch_size" in setup and not (_is_int(setup["batch_size"])
                                      and 1 <= setup["batch_size"] <= MAX_BATCH):
        bad("batch_size", f"a whole number from 1 to {MAX_BATCH}")
    if "stop_at" in setup and not (_is_int(setup["stop_at"])
                                   and 1 <= setup["stop_at"] <= MAX_STOP_AT):
        bad("stop_at", f"a whole number from 1 to {MAX_STOP_AT}")
    labels = [label for label, _, _ in SPEEDS]
    if "speed" in setup and (not isinstance(setup["speed"], str)
                             or setup["speed"] not in labels):
        bad("speed", f"one of: {'; '.join(labels)}")


# ---------------------------------------------------------------- reading
def _decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without a byte-order mark), or UTF-16/32 when a mark says so."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16: FF FE
        encoding = "utf-32"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding != "utf-8-sig":
            raise LessonError(f"{name} starts like {encoding.upper()} text but cannot be "
                              "read as such: save it as UTF-8") from None
        line = data[:exc.start].count(b"\n") + 1
        raise LessonError(f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02X} on line "
                          f"{line}): save it as UTF-8") from None
    if "\x00" in text:  # never valid in JSON; typically UTF-16 without a byte-order mark
        raise LessonError(f"{name} is not UTF-8 text (it holds zero bytes, as UTF-16 does): "
                          "save it as UTF-8")
    return text


def read_lessons_file(path) -> str:
    """The text of the file at `path`, refusing anything that is not a regular file of
    at most MAX_FILE_BYTES (a pipe would block, a device could be endless)."""
    name = str(path)
    fail = f"{name} could not be read"
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise LessonError(f"{fail}: it is a folder, not a lessons file")
        if not stat.S_ISREG(st.st_mode):
            raise LessonError(f"{fail}: it is not a regular file (a pipe, device or socket)")
        if st.st_size > MAX_FILE_BYTES:
            raise LessonError(f"{fail}: it is {_size(st.st_size)}, and a lessons file may be "
                              f"at most {_size(MAX_FILE_BYTES)}")
        # Non-blocking, and checked again once open: the path might have been swapped for
        # a pipe since os.stat.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                     | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                raise LessonError(f"{fail}: it is not a regular file")
            data = f.read(MAX_FILE_BYTES + 1)
    except LessonError:
        raise
    except FileNotFoundError:
        raise LessonError(f"{fail}: there is no such file") from None
    except PermissionError:
        raise LessonError(f"{fail}: permission denied") from None
    except OSError as exc:
        raise LessonError(f"{fail}: {exc.strerror or 'the system refused'}") from None
    except ValueError:  # e.g. a NUL character in the path
        raise LessonError(f"{fail}: that is not a valid file name") from None
    if len(data) > MAX_FILE_BYTES:  # it grew since os.stat
        raise LessonError(f"{fail}: it is larger than {_size(MAX_FILE_BYTES)}, the most a "
                          "lessons file may be")
    return _decode(data, name)


def load_lessons(path=None) -> list[Lesson]:
    """The shipped lessons, or a teacher's own file at `path`."""
    if path is None:
        data = resources.files("resources").joinpath("lessons.json").read_bytes()
        return parse_lessons(_decode(data, "lessons.json"))
    return parse_lessons(read_lessons_file(path), source=str(path))
