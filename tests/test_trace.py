"""The headless trace, run as a learner or teacher would: `python main.py trace …`."""

import json
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def trace(*args):
    return subprocess.run([sys.executable, "main.py", "trace", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)


def test_text_trace_shows_every_micro_step():
    r = trace("--example", "0")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "ŷ = σ(0.000000) = 0.500000" in out
    assert "L = ½(0 − 0.500000)² = 0.125000" in out
    assert "∂L/∂b = 0.125000 × 1 = 0.125000" in out
    assert "b = 0.000000 − 1 × 0.125000 = −0.125000" in out
    assert "epoch 1: cost 0.125000" in out


def test_json_batch_iterations_hold_values_before_each_update():
    r = trace("--mode", "batch", "--epochs", "2", "--format", "json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    it = d["iterations"]
    assert [i["epoch"] for i in it] == [0, 1]
    assert it[0]["examples"] == [0, 1, 2, 3]
    assert it[0]["cost"] == pytest.approx(0.088913, abs=1e-6)
    assert it[0]["w"] == [0.1, 0.6] and it[0]["b"] == 0.0
    assert it[0]["grad_w"] == pytest.approx([-0.048006, -0.038659], abs=1e-6)
    assert it[0]["grad_b"] == pytest.approx(-0.037024, abs=1e-6)
    assert it[0]["y_hat"] == pytest.approx([0.5, 0.645656, 0.524979, 0.668188], abs=1e-6)
    assert it[1]["cost"] == pytest.approx(0.084010, abs=1e-6)
    assert it[1]["w"] == pytest.approx([0.148006, 0.638659], abs=1e-6)
    kinds = {s["kind"] for s in d["steps"]}
    assert {"product", "linear", "activation", "loss", "hop", "param_grad", "update"} <= kinds


def test_json_no_bias_single_example():
    r = trace("--no-bias", "--example", "0", "--epochs", "3", "--format", "json")
    d = json.loads(r.stdout)
    assert all(i["b"] is None and i["grad_b"] is None for i in d["iterations"])
    assert all(i["examples"] == [0] for i in d["iterations"])
    assert [i["grad_w"] for i in d["iterations"]] == [[0.0, 0.0]] * 3  # nothing to learn


def test_cycling_and_minibatch():
    d = json.loads(trace("--epochs", "1", "--format", "json").stdout)
    assert [i["examples"] for i in d["iterations"]] == [[0], [1], [2], [3]]
    d = json.loads(trace("--mode", "minibatch", "--batch-size", "3", "--format", "json").stdout)
    assert [i["examples"] for i in d["iterations"]] == [[0, 1, 2], [3]]


def test_diverging_run_is_reported_not_crashed():
    r = trace("--mode", "batch", "--lr", "1e6", "--epochs", "50")
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "stopped:" in r.stdout and "learning rate" in r.stdout


@pytest.mark.parametrize("args", [
    ("--lr", "-1"), ("--lr", "nan"), ("--dataset", "xnor"), ("--epochs", "-2"),
    ("--example", "9"), ("--mode", "batch", "--example", "1"), ("--batch-size", "0", "--mode",
                                                                  "minibatch"), ("--w", "1"),
])
def test_bad_options_exit_2_with_one_line(args):
    r = trace(*args)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_negative_numbers_in_scientific_notation():
    d = json.loads(trace("--b", "-1e-3", "--w", "0.1", "-6e-1", "--format", "json").stdout)
    assert d["iterations"][0]["b"] == -0.001 and d["iterations"][0]["w"] == [0.1, -0.6]


def test_overflow_is_written_as_json_null():
    big = str(int(1.7e308))
    r = trace("--w", big, "-" + big, "--lr", "1.7e308", "--example", "3", "--format", "json")

    def strict(constant):
        raise ValueError(f"not JSON: {constant}")

    d = json.loads(r.stdout, parse_constant=strict)
    assert d["status"]["kind"] == "non-finite"
    assert None in d["final"].values()
