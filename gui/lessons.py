"""Lessons: ready-made starting points for each idea of the tutorial, read from
resources/lessons.json (teachers can add their own there).

A teacher's file is untrusted input: everything is checked when it is read, so that a bad
file gets one clear message naming the file (and the lesson and setting) and changes
nothing, instead of hanging, eating memory or failing later in the window."""

from __future__ import annotations

import codecs
import difflib
import html
import json
import math
import os
import re
from dataclasses import dataclass
from importlib import resources

from core import ops, session_file
from core.datasets import (
    DEFAULT_POINTS,
    GATES,
    GENERATED_TITLES,
    MAX_NOISE,
    MAX_POINTS,
    MAX_SEED,
    MAX_TEST_FRACTION,
    DatasetError,
)
from core.engine import MODES, Engine, EngineError
from core.files import read_regular_file
from core.network import NetworkError
from core.setup import INITS, SEED_MAX, NetworkSpec, SetupError
from core.symbols import MINUS, fmt_scalar, fmt_short

from .controls import MAX_STOP_AT, SPEEDS
from .session import NEURON_KEYS, START_LR, DataChoice, Session
from .tasks import Task, TaskError, parse_tasks

SETUP_KEYS = {"dataset", "mode", "example", "batch_size", "bias", "w1", "w2", "b", "lr",
              "speed", "stop_at", "slice", "lrs", "tab",
              # the network (core.setup.NetworkSpec) and generated data (core.datasets)
              "network", "activation", "loss", "init", "seed", "params",
              "points", "noise", "data_seed", "test_fraction",
              # a session file (core.session_file) as the starting state, relative to the
              # lessons file: it gives the network, data, parameters and run
              "session"}
# what a lesson with a session may still set: how the window shows it
SESSION_LESSON_KEYS = {"session", "speed", "stop_at", "slice", "lrs", "tab"}

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
TABS = ("loss", "boundary", "landscape", "rates")
DATASETS = (*GATES, *GENERATED_TITLES)
MAX_NAME = 40  # a network or parameter name: "2-8-8-1", "w2_8_8"
MAX_NAMES_SHOWN = 13  # a message lists this many parameter names (all of 2-3-1's) in full
# A link to another lesson of the file in a text: [what to click](lesson:its-id)
LINK = re.compile(r"\[([^\[\]\n]+)\]\(lesson:([^()\n]+)\)")
_PARAM_LIKE = re.compile(r"[wb]\d[\d_]*")

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
    tasks: tuple[Task, ...] = ()  # the guided tour's checklist (gui/tasks.py); may be empty

    def html(self) -> str:
        """The title in bold and the text, escaped for a rich-text label: a "<" in the text
        shows as "<", newlines start new lines, and long words (URLs) can wrap. Each
        [label](lesson:id) becomes a link the window follows by starting that lesson."""
        return f"<b>{_html_text(self.title)}</b><br>{_text_with_links(self.text)}"

    def menu_text(self) -> str:
        """The title for a QAction: a lone "&" would otherwise become a shortcut mark."""
        return self.title.replace("&", "&&")


def lesson_html(lesson: Lesson) -> str:
    return lesson.html()


def _text_with_links(s: str) -> str:
    out, at = [], 0
    for m in LINK.finditer(s):
        target = html.escape(f"lesson:{m.group(2)}", quote=True)
        out += [_html_text(s[at:m.start()]), f"<a href='{target}'>{_html_text(m.group(1))}</a>"]
        at = m.end()
    out.append(_html_text(s[at:]))
    return "".join(out)


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
def parse_lessons(text: str, source: str = "lessons.json",
                  base: str | None = None) -> list[Lesson]:
    """The lessons in `text`; `base` is the folder a lesson's "session" file is relative
    to (that of the lessons file; None: the current folder)."""
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
            hint = ""
            close = [m for k in sorted(unknown)[:5] if len(k) <= MAX_NAME
                     for m in difflib.get_close_matches(k, SETUP_KEYS, 1)]
            if close:  # a typo, most likely
                hint = f" (did you mean {', '.join(_shown(k) for k in close)}?)"
            elif any(_PARAM_LIKE.fullmatch(k) for k in unknown):
                hint = (" (parameters other than w1, w2 and b go in \"params\", such as "
                        "\"params\": {\"w3\": 0.2})")
            known = "" if close else f"; known: {', '.join(sorted(SETUP_KEYS))}"
            raise LessonError(f"{where}: unknown setting(s) {names}{more}{hint}{known}")
        if "session" in setup:
            checked, setup = _session_setup(setup, where, base)
            _check_setup(checked, where)  # the plots' settings against its network
        else:
            _check_setup(setup, where)
        setup = dict(setup)
        if "lrs" in setup:
            setup["lrs"] = list(setup["lrs"])
        try:
            tasks = parse_tasks(item.get("tasks"), where, lambda v, key, here, limit:
                                _check_text(v, key, here, limit, one_line=True))
        except TaskError as exc:
            raise LessonError(str(exc)) from None
        out.append(Lesson(lid, item["title"], item["text"], setup, tasks))
    for n, lesson in enumerate(out, 1):  # links may point forward: checked once all are read
        for m in LINK.finditer(lesson.text):
            if m.group(2) not in ids:
                raise LessonError(f"{source}, lesson {n} ({_shown(lesson.id)}): text links "
                                  f"to lesson {_shown(m.group(2))}, which {source} does not "
                                  "have")
    return out


def _session_setup(setup: dict, where: str, base: str | None) -> tuple[dict, dict]:
    """A lesson that starts from a session file: the file must exist and load now, so
    that starting the lesson cannot fail. The set-up gets the session's network, data
    and mode (what the window checks the lesson against) and the file's full path."""
    others = set(setup) - SESSION_LESSON_KEYS
    if others:
        raise LessonError(f"{where}: a lesson with a \"session\" takes its network, data "
                          f"and parameters from it; remove {', '.join(sorted(others)[:5])}")
    rel = setup["session"]
    _check_text(rel, "session", where, MAX_TITLE, one_line=True)
    path = os.path.join(base or os.curdir, rel)
    try:
        parts = session_file.read(path, timeline=False)  # a lesson takes the state only
    except session_file.SessionFileError as exc:
        raise LessonError(f"{where}: session {_shown(rel)}: {exc}") from None
    spec, e = parts.spec, parts.engine
    net = {"network": spec.label, "bias": spec.bias, "loss": spec.loss, "init": spec.init}
    if spec.layered:
        net["activation"] = spec.activation
    if spec.init != "tutorial":
        net["seed"] = spec.seed
    shown = {k: v for k, v in setup.items() if k != "session"}
    return ({**shown, **net},
            {**shown, **net, "session": os.path.abspath(path), "dataset": parts.data["kind"],
             "mode": e.mode})


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


def _names(names: list[str]) -> str:
    """Parameter names for a message: all of a small network's, a sample of a large one's."""
    if len(names) <= MAX_NAMES_SHOWN:
        return ", ".join(names)
    return f"{', '.join(names[:6])}, …, {', '.join(names[-2:])} ({len(names)} in all)"


def _check_setup(setup: dict, where: str) -> None:
    """Every setting checked here, so that starting a lesson cannot fail half-way: each on
    its own first (type and range), then together (the network, the data, the engine)."""
    def bad(key: str, rule: str):
        raise LessonError(f"{where}: {key} must be {rule} (not {_shown(setup[key])})")

    def one_of(key: str, choices) -> None:
        v = setup[key]
        if not isinstance(v, str) or v not in choices:
            bad(key, f"one of {', '.join(choices)}")

    def whole(key: str, lo: int, hi: int) -> None:
        if key in setup and not (_is_int(setup[key]) and lo <= setup[key] <= hi):
            bad(key, f"a whole number from {lo} to {hi}")

    def number(key: str, lo: float, hi: float) -> None:
        if key in setup and not (_is_number(setup[key]) and lo <= setup[key] <= hi):
            bad(key, f"a number from {fmt_short(lo)} to {fmt_short(hi)}")

    for key, choices in (("dataset", DATASETS), ("mode", MODES), ("tab", TABS),
                         ("activation", tuple(ops.ACTIVATIONS)), ("loss", tuple(ops.LOSSES)),
                         ("init", INITS)):
        if key in setup:
            one_of(key, list(choices))
    lim = PARAM_LIMIT_TEXT
    for key in NEURON_KEYS:
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
    ex = setup.get("example")
    if ex is not None and not (_is_int(ex) and ex >= 0):
        bad("example", "a whole number from 0 (or null to cycle)")
    whole("batch_size", 1, MAX_BATCH)
    whole("stop_at", 1, MAX_STOP_AT)
    labels = [label for label, _, _ in SPEEDS]
    if "speed" in setup and (not isinstance(setup["speed"], str)
                             or setup["speed"] not in labels):
        bad("speed", f"one of: {'; '.join(labels)}")
    # short text before any of it is quoted in a message
    for key, rule in (("network", "a name such as neuron, cross, 2-3-1 or 2-5-3-1"),
                      ("slice", "the name of one of the network's parameters, such as w1")):
        if key in setup and not (isinstance(setup[key], str) and len(setup[key]) <= MAX_NAME):
            bad(key, rule)
    whole("seed", 0, SEED_MAX)
    if "params" in setup:
        params = setup["params"]
        if not isinstance(params, dict):
            bad("params", "an object of starting values by parameter name, such as "
                          "{\"w3\": 0.2}")
        for name, v in params.items():
            if len(name) > MAX_NAME:
                raise LessonError(f"{where}: params names {_shown(name)}, which is no "
                                  "parameter's name (they are short, such as w1 or w2_1_3)")
            if not (_is_number(v) and abs(v) <= PARAM_LIMIT):
                raise LessonError(f"{where}: params {_shown(name)} must be a number from "
                                  f"{MINUS}{lim} to {lim} (not {_shown(v)})")
        twice = [k for k in NEURON_KEYS if k in setup and k in params]
        if twice:
            raise LessonError(f"{where}: {twice[0]} is set twice, on its own and in params; "
                              "keep one")
    whole("points", 1, MAX_POINTS)
    number("noise", 0, MAX_NOISE)
    whole("data_seed", 0, MAX_SEED)
    number("test_fraction", 0, MAX_TEST_FRACTION)
    spec = _check_network(setup, where)
    _check_slice(setup, spec, where)
    _check_start(setup, spec, where)


def _check_network(setup: dict, where: str) -> NetworkSpec:
    """The lesson's network, built up one setting at a time so that a refusal names the
    setting that causes it (with core.setup's own reason)."""
    def refuse(key: str, exc: Exception):
        raise LessonError(f"{where}: {key} {_shown(fields[key])} cannot be used: "
                          f"{exc}") from None

    fields = {"network": setup.get("network", "neuron"), "bias": setup.get("bias", True),
              "init": "plain"}  # the network alone first: any start suits it
    for key, more in (("network", {}),
                      ("activation", {"activation": setup.get("activation", "sigmoid")}),
                      ("loss", {"loss": setup.get("loss", "mse")}),
                      ("init" if "init" in setup else "network",
                       {"init": setup.get("init", "tutorial"), "seed": setup.get("seed", 0)})):
        fields.update(more)
        try:
            spec = NetworkSpec(**fields)
        except SetupError as exc:
            refuse(key, exc)
    if "seed" in setup and spec.init == "tutorial":
        raise LessonError(f"{where}: seed only matters for a random start (init plain, "
                          "xavier or he); this lesson starts from the tutorial's parameters")
    names = [s.name for s in spec.build().slots]
    own = [(k, k) for k in NEURON_KEYS if k in setup and (spec.bias or k != "b")]
    for key, name in own + [("params", k) for k in setup.get("params", {})]:
        if name not in names:
            hint = "" if key == "params" or not spec.layered else (
                f"; give the {spec.label} network's in \"params\"")
            raise LessonError(f"{where}: {key} cannot be used: the {spec.title} has no "
                              f"parameter {_shown(name)}; its parameters are "
                              f"{_names(names)}{hint}")
    params = {k: float(setup[k]) for _, k in own}
    params.update({k: float(v) for k, v in setup.get("params", {}).items()})
    return spec.replace(params=params)


def _check_slice(setup: dict, spec: NetworkSpec, where: str) -> None:
    if "slice" not in setup:
        return
    v = setup["slice"]
    names = [s.name for s in spec.build().slots]
    if v in names:
        return
    if not spec.bias and v in [s.name for s in spec.replace(bias=True).build().slots]:
        weights = [s.name for s in spec.build().slots if s.kind == "W"]
        raise LessonError(f"{where}: slice is {_shown(v)} but the lesson has no bias "
                          f"(\"bias\": false); slice along a weight ({_names(weights)})")
    raise LessonError(f"{where}: slice must be one of {_names(names)} (the {spec.title}'s "
                      f"parameters), not {_shown(v)}")


def _check_start(setup: dict, spec: NetworkSpec, where: str) -> None:
    """The data and the engine, made as Session.apply_setup makes them: what cannot be
    made here is refused now rather than when the lesson is started."""
    kind = setup.get("dataset", "or")
    generated = kind in GENERATED_TITLES
    shapes = ", ".join(GENERATED_TITLES)
    for key in ("points", "noise"):
        if key in setup and not generated:
            raise LessonError(f"{where}: {key} applies to a generated data set ({shapes}), "
                              f"not to the {kind.upper()} gate")
    if "data_seed" in setup and not generated and not setup.get("test_fraction"):
        raise LessonError(f"{where}: data_seed draws a generated data set ({shapes}) or the "
                          f"test points (test_fraction); the {kind.upper()} gate without a "
                          "test part has nothing to draw")
    data = DataChoice(kind=kind, points=setup.get("points", DEFAULT_POINTS),
                      noise=setup.get("noise"), seed=setup.get("data_seed", 0),
                      test_fraction=setup.get("test_fraction", 0.0))
    try:
        train, test = Session._make_data(data)
    except DatasetError as exc:  # each setting is in range: the split is what fails
        raise LessonError(f"{where}: test_fraction {_shown(data.test_fraction)} cannot be "
                          f"used: {exc}") from None
    mode = setup.get("mode", "single")
    example = setup.get("example", 0) if mode == "single" else None
    if example is not None and example >= train.m:
        raise LessonError(f"{where}: example must be from 0 to {train.m - 1} (or null to "
                          f"cycle): the lesson trains on {train.m} point"
                          f"{'s' if train.m != 1 else ''}, not {_shown(example)}")
    try:  # a safety net: every setting above was checked on its own
        Engine(spec.build(), train, lr=float(setup.get("lr", START_LR)), mode=mode,
               example=example, batch_size=setup.get("batch_size", 1), test_set=test)
    except (EngineError, NetworkError, SetupError, DatasetError, ValueError) as exc:
        raise LessonError(f"{where}: this set-up cannot be started: {exc}") from None


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
    data = read_regular_file(
        path, MAX_FILE_BYTES, LessonError, f"{name} could not be read", "a lessons file",
        lambda n: f"it is {_size(n)}, and a lessons file may be at most "
                  f"{_size(MAX_FILE_BYTES)}",
        f"it is larger than {_size(MAX_FILE_BYTES)}, the most a lessons file may be")
    return _decode(data, name)


def load_lessons(path=None) -> list[Lesson]:
    """The shipped lessons, or a teacher's own file at `path`."""
    if path is None:
        folder = resources.files("resources")
        data = folder.joinpath("lessons.json").read_bytes()
        # a shipped lesson's session file lies beside lessons.json
        return parse_lessons(_decode(data, "lessons.json"), base=str(folder))
    return parse_lessons(read_lessons_file(path), source=str(path),
                         base=os.path.dirname(os.path.abspath(path)))
