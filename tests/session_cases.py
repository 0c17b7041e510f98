"""Shared by the session-file tests: what to compare, and a table of bad session files."""

from __future__ import annotations

import json
import os

import numpy as np

from core import Engine, datasets
from core import session_file as sf
from core.setup import NetworkSpec


def observe(e):
    """Everything a view can see of an engine, compared with == (exact floats)."""
    shown = {k: np.asarray(s.value).tolist() for k, s in e.shown_values().items()}
    test = None if e.test_set is None else (e.test_set.name, e.test_set.X.tolist(),
                                            e.test_set.Y.tolist())
    return (e.parameters(), e.cursor, e.epoch, e.iteration, e.phase, e.status,
            e.book.batch_pos, e.book.epoch_sum, e.book.watch,
            e.epoch_costs.tolist(), e.iteration_costs.tolist(), e.test_costs.tolist(),
            e.indices, shown, e.lr, e.mode, e.example, e.batch_size, e.dataset.name,
            e.dataset.X.tolist(), e.dataset.Y.tolist(), test)


TUTORIAL_DATA = {"kind": "or", "points": 200, "noise": None, "seed": 0, "test_fraction": 0.0}


def good_text() -> str:
    """A valid session: the tutorial's neuron on OR, two micro-steps in."""
    e = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1.0, mode="single", example=0)
    e.step_forward()
    e.step_forward()
    return sf.dump(e, NetworkSpec(), TUTORIAL_DATA, "step", {"decimals": 3})


def good_timeline_text() -> str:
    """A valid version 2 session with a timeline: a run of 6 epochs with a mark at epoch
    3, a branch, and three micro-steps of the next passes (so Step back has passes)."""
    from types import SimpleNamespace

    spec = NetworkSpec()
    e = Engine(spec.build(), datasets.gate("or"), lr=1.0, mode="single", example=None)

    def state():
        return SimpleNamespace(engine=e.snapshot(), spec=spec, data=TUTORIAL_DATA,
                               stride="step")

    start = state()
    e.train(3)
    e.finish_forward()
    mark = state()
    e.train(3)
    e.finish_forward()
    end = state()
    for _ in range(50):
        e.step_forward()
    now = state()
    rec = sf.TimelineRecord(
        steps=(sf.Step("play to epoch 6", "play", start, end, (mark,)),
               sf.Step("step forward", "step forward", end, now)),
        index=2, mark=None,
        branches=((1.0e9, (sf.Step("epoch", "epoch", start, mark),)),))
    return sf.dump(e, spec, TUTORIAL_DATA, "step", {"decimals": 3}, rec)


def _tl(change):
    def make(path):
        doc = json.loads(good_timeline_text())
        change(doc)
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path
    return make


def _set(path, value):
    """A change setting doc[path…] = value, the path as a list of keys and indices."""
    def change(doc):
        for k in path[:-1]:
            doc = doc[k]
        doc[path[-1]] = value(doc[path[-1]]) if callable(value) else value
    return change


def _edit(change):
    def make(path):
        doc = json.loads(good_text())
        change(doc)
        path.write_text(json.dumps(doc), encoding="utf-8")
        return path
    return make


def _replace(old, new):
    def make(path):
        text = good_text()
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path
    return make


def _raw(data: bytes):
    def make(path):
        path.write_bytes(data)
        return path
    return make


def _missing(path):
    return path.with_name("no-such-session.json")


def _folder(path):
    path.mkdir()
    return path


def _fifo(path):
    os.mkfifo(path)
    return path


def _too_big(path):
    with open(path, "wb") as f:  # sparse: no 50 MB actually written
        f.truncate(sf.MAX_FILE_BYTES + 1)
    return path


def _two_million(path):
    doc = json.loads(good_text())
    doc["data"].update(kind="custom", train_name="custom", test_name=None, test_points=None,
                       train_points=[[0, 0, 0]] * 2_000_000)
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return path


def _setting(doc):
    doc["settings"]["palette"] = {"nested": 1}


# (id, how to make the file from a path, what the message must say)
BAD_FILES = [
    ("missing", _missing, "no such file"),
    ("folder", _folder, "folder"),
    ("fifo", _fifo, "not a regular file"),
    ("empty", _raw(b""), "empty"),
    ("truncated", lambda p: _raw(good_text()[:300].encode())(p), "cut short"),
    ("not-json", _raw(b"hello, I am not JSON"), "not valid JSON"),
    ("array", _raw(b"[1, 2, 3]"), "JSON array"),
    ("binary", _raw(bytes(range(256)) * 4), "not UTF-8"),
    ("zero-bytes", _raw("{}".encode("utf-16-le")), "zero bytes"),
    ("nan", _replace('"w1": 0.1', '"w1": NaN'), '"start_parameters.w1" must be a finite'),
    ("infinity", _replace('"lr": 1.0', '"lr": Infinity'), '"training.lr" must be a finite'),
    ("1e400", _replace('"w2": 0.6', '"w2": 1e400'), '"start_parameters.w2" must be a finite'),
    ("huge-int", _replace('"epoch": 0', '"epoch": ' + "9" * 5000), '"progress.book.epoch"'),
    ("wrong-type", _replace('"lr": 1.0', '"lr": "fast"'), '"training.lr" must be a finite '
                                                         'number, got "fast"'),
    ("text-param", _edit(lambda d: d["parameters"].update(w1="abc")),
     '"parameters.w1" must be a finite number, got "abc"'),
    ("version", _edit(lambda d: d.update(version=3)), "version 3"),
    ("format", _edit(lambda d: d.update(format="something-else")), "not a Neuron Lab session"),
    ("no-format", _raw(b'{"a": 1}'), "not a Neuron Lab session"),
    ("two-million", _two_million, "1 to 10000 points"),
    ("too-big", _too_big, "at most 50 MB"),
    ("unknown-key", _edit(lambda d: d["training"].update(colour="blue")),
     "unknown key 'colour'"),
    ("foreign-param", _edit(lambda d: d["start_parameters"].update(w9=1.0)),
     "'w9', which the network does not have"),
    ("missing-param", _edit(lambda d: d["parameters"].pop("b")), '"parameters" lacks b'),
    ("deep", _raw(b"[" * 100_000 + b"]" * 100_000), "nests too deeply"),
    ("duplicate", _replace('"lr": 1.0', '"lr": 1.0, "lr": 2.0'), "appears twice"),
    ("bad-mode", _edit(lambda d: d["training"].update(mode="sideways")), '"training.mode"'),
    ("bad-network", _edit(lambda d: d["network"].update(network="2-99-1")), '"network"'),
    ("setting", _edit(_setting), '"settings.palette"'),
    ("cursor", _edit(lambda d: d["progress"]["pass"].update(cursor=999)), "cursor"),
    ("curve", _edit(lambda d: d["progress"].update(epoch_costs=[0.1, 0.2])), "lengths"),
    ("wrong-current", _edit(lambda d: d["parameters"].update(w1=0.5)), "do not match"),
    # version 2: the timeline and the passes Step back goes into
    ("v1-timeline", _tl(lambda d: d.update(version=1)), "unknown key"),
    ("tl-index", _tl(_set(["timeline", "index"], 7)), '"timeline.index" must be from 0 to 2'),
    ("tl-wrong-place", _tl(_set(["timeline", "index"], 1)),
     '"timeline.index" does not point at the state the session is in'),
    ("tl-mark", _tl(_set(["timeline", "mark"], 0)), '"timeline.mark" must be null'),
    ("tl-state-ref", _tl(_set(["timeline", "steps", 0, "after"], 99)),
     '"timeline.steps[0].after" must be from 0 to'),
    ("tl-branches", _tl(_set(["timeline", "branches"], lambda b: b * 17)),
     '"timeline.branches" has 17 branches; at most 16'),
    ("tl-marks", _tl(_set(["timeline", "steps", 0, "marks"], [1] * 1025)),
     '"timeline.steps[0].marks" has 1,025 marks; at most 1,024'),
    ("tl-states", _tl(_set(["timeline", "states"], lambda s: s * 2501)),
     '"timeline.states" has 10,004 states; at most 10,000'),
    ("tl-curve", _tl(_set(["timeline", "states", 1, "curves", 0, 1], 10**6)),
     '"timeline.states[1].curves[0][1]" must be from 0 to'),
    ("tl-lengths", _tl(_set(["timeline", "states", 1, "curves", 0, 1], 1)),
     '"timeline.states[1].curves" lengths do not match'),
    ("tl-nan", _tl(_set(["timeline", "states", 1, "parameters", "w1"], "NaN")),
     '"timeline.states[1].parameters.w1" must be a finite number'),
    ("tl-network", _tl(_set(["timeline", "states", 0, "network", "network"], "2-99-1")),
     '"timeline.states[0].network" cannot be built'),
    ("tl-pass-ref", _tl(_set(["timeline", "states", 3, "back"], [0, 99])),
     '"timeline.states[3].back[1]" must be from 0 to'),
    ("tl-cursor", _tl(_set(["timeline", "states", 3, "pass", "cursor"], 999)),
     '"timeline.states[3]" does not fit together'),
    ("tl-missing", _tl(lambda d: d["timeline"].pop("branches")),
     '"timeline" lacks \'branches\''),
    ("back-foreign", _tl(_set(["progress", "back", 0, "start_parameters", "w9"], 1.0)),
     '"progress.back[0].start_parameters" names \'w9\''),
    ("back-too-many", _tl(_set(["progress", "back"], lambda b: b * 2001)),
     '"progress.back" has'),
    ("log-ops", _tl(_set(["progress", "log", "ops"], lambda o: [10**9] * len(o))),
     '"progress.log.ops" must be whole numbers of epochs'),
    ("log-mode", _tl(_set(["progress", "log", "checkpoints", 0, "mode"], "sideways")),
     '"progress.log.checkpoints[0].mode" must be one of'),
    ("log-checkpoint-ref", _tl(_set(["timeline", "states", 1, "log", "checkpoints"], [99])),
     '"timeline.states[1].log.checkpoints[0]" must be from 0 to'),
    ("spec-params", _edit(_set(["network", "params", "w1"], 0.3)),
     '"network.params" do not give the start_parameters'),
]
