"""core.session_file: a saved session reopens with the same numbers exactly, and every
kind of bad file is refused with a message naming the file and the field."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from session_cases import BAD_FILES, TUTORIAL_DATA, good_text, observe

from core import Engine, datasets
from core import session_file as sf
from core.setup import NetworkSpec

SPECS = [NetworkSpec(), NetworkSpec(bias=False), NetworkSpec(network="cross"),
         NetworkSpec(network="2-3-1"),
         NetworkSpec(network="2-5-3-1", init="he", seed=2, activation="relu", loss="bce")]
GATE = {"kind": "xor", "points": 200, "noise": None, "seed": 0, "test_fraction": 0.0}
MOONS = {"kind": "moons", "points": 40, "noise": 0.15, "seed": 3, "test_fraction": 0.25}
CUSTOM = {"kind": "custom", "points": 200, "noise": None, "seed": 1, "test_fraction": 0.2}
CUSTOM_POINTS = [(0.1, 0.2, 0), (0.9, 0.8, 1), (0.3, 0.7, 1), (-0.25, 0.5, 0),
                 (1.0 / 3.0, 2.0 / 3.0, 1)]


def data_sets(data):
    if data["kind"] == "custom":
        train = datasets.from_points(CUSTOM_POINTS)
        test = datasets.Dataset("moons: test part", np.array([[0.5], [0.5]]), np.array([[1.0]]))
        return train, test
    return sf.make_data(data)


def engine_for(spec, data, mode):
    train, test = data_sets(data)
    example = 0 if mode == "single" else None
    return Engine(spec.build(), train, lr=0.7, mode=mode, example=example, batch_size=3,
                  test_set=test)


def reach(e, where):
    """Put the engine somewhere: fresh, mid-pass, mid-update, after training."""
    if where == "fresh":
        return
    if where == "mid-pass":
        e.run_epoch()
        for _ in range(5):
            e.step_forward()
    elif where == "mid-update":
        e.finish_backward()
        e.step_forward()
    elif where == "trained":
        e.train(23)
        e.finish_forward()  # as Session.train leaves it
    elif where == "done-then-lr":
        e.apply_update()
        e.set_learning_rate(2.5)  # the finished pass keeps its own α


def go_on(e):
    for _ in range(7):
        e.step_forward()
    e.apply_update()
    e.train(4)
    e.step_forward("layer")
    return observe(e)


@pytest.mark.parametrize("where", ["fresh", "mid-pass", "mid-update", "trained",
                                   "done-then-lr"])
@pytest.mark.parametrize("data", [GATE, MOONS, CUSTOM], ids=["gate", "generated", "custom"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.label}-{s.bias}-{s.loss}")
def test_round_trip_is_exact(spec, data, where):
    mode = {"fresh": "single", "mid-pass": "minibatch", "mid-update": "batch",
            "trained": "minibatch", "done-then-lr": "single"}[where]
    e = engine_for(spec, data, mode)
    reach(e, where)
    text = sf.dump(e, spec, data, "node", {"decimals": 5, "palette": "colorblind"})
    parts = sf.load(text, "x.json")
    again = sf.dump(parts.engine, parts.spec, parts.data, "node", parts.settings)
    assert again == text  # saved again: the same file
    assert observe(parts.engine) == observe(e)
    assert parts.spec.build().values() == spec.build().values()
    assert parts.data == {k: data[k] for k in sf.DATA_KEYS}
    assert (parts.stride, parts.settings) == ("node", {"decimals": 5, "palette": "colorblind"})
    assert go_on(parts.engine) == go_on(e)  # and it goes on the same way


def test_gate_and_generated_data_are_written_as_choices_custom_as_points():
    for data, has_points in ((GATE, False), (MOONS, False), (CUSTOM, True)):
        text = sf.dump(engine_for(SPECS[0], data, "single"), SPECS[0], data)
        assert ("train_points" in text) == has_points


def test_overflowed_costs_round_trip_and_overflowed_parameters_are_not_saved():
    e = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1e300, mode="batch")
    e.train(3)
    e2 = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1.0, mode="batch")
    e2.train(2)
    e2.epoch_costs.truncate(0)  # a cost that overflowed is written as a string
    e2.epoch_costs.extend([float("nan"), float("inf")])
    text = sf.dump(e2, NetworkSpec(), {**TUTORIAL_DATA, "kind": "or"})
    assert '"NaN"' in text and '"Infinity"' in text
    back = sf.load(text, "x.json").engine
    assert np.isnan(back.epoch_costs[0]) and back.epoch_costs[1] == np.inf
    if not all(np.isfinite(list(e.parameters().values()))):
        with pytest.raises(sf.SessionFileError, match="overflowed"):
            sf.dump(e, NetworkSpec(), TUTORIAL_DATA)


def test_a_byte_order_mark_is_accepted(tmp_path):
    p = tmp_path / "bom.json"
    p.write_bytes(b"\xef\xbb\xbf" + good_text().encode())
    assert observe(sf.read(p).engine) == observe(sf.load(good_text(), "x").engine)


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_files_are_refused_naming_file_and_field(tmp_path, case):
    _, make, expected = case
    path = make(tmp_path / "lesson.json")
    with pytest.raises(sf.SessionFileError) as info:
        sf.read(path)
    msg = str(info.value)
    assert expected in msg
    assert msg.startswith(path.name)
    assert msg.count("\n") == 0


def run_trace(*args):
    return subprocess.run([sys.executable, "main.py", "trace", *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("case", BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_trace_refuses_bad_files_with_status_2(tmp_path, case):
    _, make, expected = case
    path = make(tmp_path / "lesson.json")
    r = run_trace("--session", str(path))
    assert r.returncode == 2
    assert expected in r.stderr
    assert len(r.stderr.strip().splitlines()) <= 3
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_trace_runs_a_session_and_options_override_the_file(tmp_path):
    e = Engine(NetworkSpec(network="2-3-1").build(), datasets.gate("xor"), lr=2.0,
               mode="batch")
    e.train(5)
    path = tmp_path / "s.json"
    path.write_text(sf.dump(e, NetworkSpec(network="2-3-1"), GATE), encoding="utf-8")
    r = run_trace("--session", str(path), "--epochs", "3", "--summary", "--format", "json")
    assert r.returncode == 0, r.stderr
    import json

    out = json.loads(r.stdout)
    e.train(3)  # the trace goes on from where the session was
    assert out["epoch_costs"] == e.epoch_costs.tolist()[5:]
    assert out["lr"] == 2.0
    r = run_trace("--session", str(path), "--epochs", "1", "--summary", "--format", "json",
                  "--lr", "0.5")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["lr"] == 0.5


def test_a_session_too_large_to_open_again_is_not_saved(monkeypatch):
    e = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1.0, mode="batch")
    e.train(2000)
    monkeypatch.setattr(sf, "MAX_FILE_BYTES", 20_000)
    with pytest.raises(sf.SessionFileError, match="2,000 epochs"):
        sf.dump(e, NetworkSpec(), TUTORIAL_DATA)
