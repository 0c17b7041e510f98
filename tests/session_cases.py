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
]
