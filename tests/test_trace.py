"""The headless trace, run as a learner or teacher would: `python main.py trace …`."""

import json
import pathlib
import subprocess
import sys

import numpy as np
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


# ------------------------------------------------------------ issue #7
def run_trace(*args):
    """In-process: (exit status, stdout text)."""
    import io

    from core import trace as tr

    out = io.StringIO()
    return tr.run(tr.build_parser().parse_args(list(args)), out), out.getvalue()


def test_a_closed_pipe_ends_the_trace_quietly():
    p = subprocess.Popen([sys.executable, "main.py", "trace", "--epochs", "5000"], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.readline()  # `| head -1`
    p.stdout.close()
    with p.stderr:
        err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 141  # as a tool stopped by SIGPIPE
    assert err == ""  # no traceback, no "Exception ignored … BrokenPipeError" at exit


@pytest.mark.skipif(not pathlib.Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_gives_one_line_and_a_failure_status():
    with open("/dev/full", "w") as full:
        r = subprocess.run([sys.executable, "main.py", "trace", "--epochs", "300"], cwd=ROOT,
                           stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "neuron-lab trace: error: cannot write the output: No space left on device"]


def test_ctrl_c_exits_130_without_a_traceback():
    import signal

    p = subprocess.Popen([sys.executable, "main.py", "trace", "--epochs", "100000000",
                          "--summary"], cwd=ROOT, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    p.stdout.readline()  # running, past start-up
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 130
    assert err.decode() == ""


MODES_KW = [("single",), ("single", "--example", "2"), ("minibatch", "--batch-size", "3"),
            ("minibatch", "--batch-size", "1"), ("batch",)]


@pytest.mark.parametrize("mode", MODES_KW, ids=lambda m: "-".join(m))
@pytest.mark.parametrize("net", [(), ("--no-bias",)], ids=["bias", "no-bias"])
def test_summary_has_the_full_traces_costs_and_parameters(mode, net):
    common = ("--dataset", "xor", "--lr", "1.5", "--epochs", "300", "--format", "json",
              "--mode", *mode, *net)
    docs = {}
    for steps in ("all", "ends", "none"):
        code, text = run_trace(*common, "--steps", steps)
        assert code == 0
        docs[steps] = json.loads(text)
    full = docs["all"]
    assert len(full["epoch_costs"]) == 300
    for steps in ("ends", "none"):
        d = docs[steps]
        assert d["micro_steps"] == steps
        np.testing.assert_allclose(d["epoch_costs"], full["epoch_costs"], rtol=0, atol=1e-12)
        assert d["final"] == pytest.approx(full["final"], rel=0, abs=1e-12)
        assert d["status"] == full["status"]
    per_epoch = len(full["iterations"]) // 300
    assert docs["none"]["iterations"] == [] and docs["none"]["steps"] == []
    ends = docs["ends"]["iterations"]  # the first and the last epoch's passes
    assert [i["epoch"] for i in ends] == [0] * per_epoch + [299] * per_epoch
    assert ends[:per_epoch] == full["iterations"][:per_epoch]
    for got, want in zip(ends[per_epoch:], full["iterations"][-per_epoch:]):
        assert (got["epoch"], got["examples"]) == (want["epoch"], want["examples"])
        np.testing.assert_allclose(numbers(got), numbers(want), rtol=0, atol=1e-12)


def numbers(iteration):
    vals = []
    for key in ("cost", "w", "b", "grad_w", "grad_b", "y_hat"):
        v = iteration[key]
        vals.extend(v if isinstance(v, list) else [np.nan if v is None else v])
    return vals


@pytest.mark.parametrize("args", [("--mode", "batch", "--lr", "1e6"),
                                  ("--dataset", "xor", "--mode", "batch", "--lr", "50"),
                                  ("--mode", "minibatch", "--batch-size", "3", "--lr", "100")])
def test_summary_stops_where_the_full_trace_stops(args):
    full = run_trace(*args, "--epochs", "200")[1]
    summary = run_trace(*args, "--epochs", "200", "--summary")[1]
    ends = [line for line in full.splitlines() if line.startswith(("epoch ", "stopped:"))]
    assert summary.splitlines() == ends and ends[-1].startswith("stopped:")


def test_text_is_streamed_as_it_is_produced():
    from core import trace as tr

    class Out:
        def __init__(self):
            self.writes = 0

        def write(self, text):
            self.writes += 1
            if self.writes == 30:
                raise BrokenPipeError  # the reader went away long before the end

        def flush(self):
            pass

    out = Out()
    with pytest.raises(BrokenPipeError):
        tr.run(tr.build_parser().parse_args(["--epochs", "100000"]), out)
    assert out.writes == 30


def test_memory_stays_flat_however_many_epochs():
    import tracemalloc

    from core import trace as tr

    class Sink:  # the output leaves the process, as it would through a pipe
        def write(self, text):
            pass

        def flush(self):
            pass

    def peak(*args):
        tracemalloc.start()
        try:
            assert tr.run(tr.build_parser().parse_args(list(args)), Sink()) == 0
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    # the full trace held every line: 10 times the epochs took about 10 times the memory
    small, large = peak("--mode", "batch", "--epochs", "20"), peak("--mode", "batch",
                                                                     "--epochs", "200")
    assert large < 1.5 * small + 100_000, (small, large)
    small, large = peak("--summary", "--epochs", "500"), peak("--summary", "--epochs", "5000")
    assert large < 1.5 * small + 100_000, (small, large)


def test_epochs_beyond_what_can_be_printed_are_refused_with_a_reason():
    r = trace("--epochs", "1000000000", "--format", "json", "--summary")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "--format text" in r.stderr and r.stdout == ""
    r = trace("--epochs", "1000000001")
    assert r.returncode == 2 and "--epochs must be between 0 and 1000000000" in r.stderr


@pytest.mark.parametrize("args,message", [
    (("--no-bias", "--b", "0.5"), "--b"),
    (("--batch-size", "3"), "--batch-size applies to --mode minibatch only"),
    (("--mode", "batch", "--batch-size", "2"), "--batch-size applies to --mode minibatch only"),
    (("--mode", "minibatch", "--batch-size", "5"), "--batch-size must be between 1 and the 4"),
    (("--w", "nan", "0"), "--w must be finite numbers"),
    (("--w", "0", "inf"), "--w must be finite numbers"),
    (("--b", "nan"), "--b must be a finite number"),
    (("--lr", "inf"), "--lr must be a finite number"),
    (("--lr", "-1"), "--lr must not be negative"),
    (("--example", "9"), "--example 9 does not exist"),
    (("--summary", "--steps", "all"), "--summary"),
    (("--steps", "some"), "--steps"),
])
def test_ignored_or_impossible_options_are_named(args, message):
    r = trace(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr, r.stderr


def test_epoch_lines_use_the_step_lines_number_format():
    from core.symbols import fmt_scalar

    big = "1e308"
    code, text = run_trace("--w", big, "0", "--b", "-1e308", "--example", "0", "--lr", "0")
    line = [ln for ln in text.splitlines() if ln.startswith("epoch 1:")][0]
    assert f"w1 = {fmt_scalar(1e308, 6)}" in line and f"b = {fmt_scalar(-1e308, 6)}" in line
    assert len(line) < 120  # not 309 digits
    big = str(int(1.7e308))
    code, text = run_trace("--w", big, "-" + big, "--lr", "1.7e308", "--example", "3")
    line = [ln for ln in text.splitlines() if ln.startswith("epoch 1:")][0]
    assert "w1 = ∞" in line and "inf" not in text


def test_a_neuron_frozen_except_at_zero_input_is_reported_stuck():
    r = trace("--dataset", "nand", "--w", "0.5", "-0.5", "--no-bias", "--lr", "1e6",
              "--mode", "batch", "--epochs", "50")
    assert r.returncode == 0
    assert "stopped: Stuck:" in r.stdout
    assert r.stdout.count("\nepoch ") < 10
