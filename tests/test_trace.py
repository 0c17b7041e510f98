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


# ------------------------------------------------------------ issue #8: networks
def trace_json(*args):
    code, text = run_trace(*args, "--format", "json")
    assert code == 0
    return json.loads(text)


TOL = 1e-6


def test_feature_cross_worked_numbers():
    d = trace_json("--network", "cross", "--dataset", "xor", "--mode", "batch", "--epochs", "1")
    it = d["iterations"][0]
    assert it["cost"] == pytest.approx(0.138332, abs=TOL)
    assert it["grad_w"] == pytest.approx([0.006910, 0.016258, 0.036525], abs=TOL)
    assert it["grads"]["w3"] == it["grad_w"][2] and it["params"]["w3"] == 0.2
    assert it["grad_b"] == pytest.approx(0.017893, abs=TOL)
    assert d["network"] == {"network": "cross", "bias": True, "activation": "sigmoid",
                            "loss": "mse", "init": "tutorial", "seed": None}
    d = trace_json("--network", "cross", "--dataset", "xor", "--mode", "batch",
                   "--epochs", "5000", "--summary")
    assert d["epoch_costs"][-1] == pytest.approx(0.001567, abs=TOL)


def test_hidden_layer_worked_numbers():
    d = trace_json("--network", "2-3-1", "--dataset", "xor", "--mode", "batch", "--epochs", "2")
    first, second = d["iterations"]
    assert first["y_hat"] == pytest.approx([0.668188, 0.712060, 0.687709, 0.727710], abs=TOL)
    assert first["cost"] == pytest.approx(0.144559, abs=TOL)
    g = first["grads"]
    assert len(g) == 13 and g.keys() == first["params"].keys()
    assert [g[f"w2_1_{k}"] for k in (1, 2, 3)] == pytest.approx([0.024274, 0.023738, 0.025378],
                                                                abs=TOL)
    assert g["b2"] == pytest.approx(0.041559, abs=TOL)
    assert first["params"]["w1_3_2"] == 0.7
    g = second["grads"]
    assert [g[f"w2_1_{k}"] for k in (1, 2, 3)] == pytest.approx([0.022763, 0.022212, 0.023714],
                                                                abs=TOL)
    assert g["b2"] == pytest.approx(0.038917, abs=TOL)
    assert [g[f"b1_{k}"] for k in (1, 2, 3)] == pytest.approx([0.000686, 0.003450, 0.007317],
                                                              abs=TOL)
    d = trace_json("--network", "2-3-1", "--dataset", "xor", "--mode", "batch",
                   "--epochs", "5000", "--summary")
    assert d["epoch_costs"][-1] == pytest.approx(0.000894, abs=TOL)


def test_cross_entropy_worked_numbers():
    d = trace_json("--loss", "bce", "--dataset", "and", "--example", "0", "--epochs", "2")
    first, second = d["iterations"]
    assert first["cost"] == pytest.approx(0.693147, abs=TOL)
    dz = [s for s in d["steps"] if s["symbol"] == "∂L/∂z"][0]
    assert dz["value"] == pytest.approx([0.5], abs=TOL)
    assert dz["text"][-1] == "∂L/∂z = 0.500000 − 0 = 0.500000"
    assert second["params"]["b"] == pytest.approx(-0.5, abs=TOL)
    assert second["y_hat"] == pytest.approx([0.377541], abs=TOL)
    assert second["cost"] == pytest.approx(0.474077, abs=TOL)
    d = trace_json("--loss", "bce", "--dataset", "and", "--mode", "batch", "--epochs", "2")
    first, second = d["iterations"]
    assert [first["cost"], second["cost"]] == pytest.approx([0.719554, 0.618313], abs=TOL)
    assert second["grad_w"] == pytest.approx([-0.002732, 0.026482], abs=TOL)
    assert second["grad_b"] == pytest.approx(0.238186, abs=TOL)
    d = trace_json("--loss", "bce", "--dataset", "and", "--mode", "batch", "--epochs", "5000",
                   "--summary")
    assert d["epoch_costs"][-1] == pytest.approx(0.003441, abs=TOL)
    f = d["final"]
    assert [f["w1"], f["w2"], f["b"]] == pytest.approx([10.678, 10.678, -16.186], abs=1e-3)


def test_saturated_neuron_under_both_losses():
    """w = (−8, −8), b = −8 on (1, 1), y = 1: |∂L/∂z| ≈ 1 with cross-entropy, ≈ 0 with
    the squared error."""
    shown = {}
    for loss in ("mse", "bce"):
        d = trace_json("--loss", loss, "--dataset", "and", "--example", "3",
                       "--w", "-8", "-8", "--b", "-8")
        shown[loss] = [s for s in d["steps"] if s["symbol"] == "∂L/∂z"][0]["value"][0]
    assert abs(shown["bce"]) == pytest.approx(1.0, abs=1e-6)
    assert abs(shown["mse"]) < 1e-9


def test_xavier_seed_48_run_as_the_issue_gives_it():
    args = ("--network", "2-3-1", "--init", "xavier", "--seed", "48", "--dataset", "xor",
            "--lr", "1", "--mode", "batch", "--epochs", "5000", "--summary")
    code, text = run_trace(*args)
    assert code == 0
    lines = text.splitlines()
    assert lines[0] == "network 2-3-1, hidden sigmoid, loss mse, start xavier, seed 48"
    assert lines[1].startswith("epoch 1: cost 0.129265 ")
    assert lines[-1].startswith("epoch 5000: cost 0.000893 ")
    d = trace_json(*args)
    assert d["epoch_costs"][0] == pytest.approx(0.1292651, abs=1e-7)
    assert d["epoch_costs"][-1] == pytest.approx(0.000893, abs=1e-6)
    assert d["network"]["seed"] == 48 and len(d["final"]) == 13


@pytest.mark.parametrize("net", ["2-1-1", "2-8-1", "2-5-3-1", "2-8-8-1"])
@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("loss", ["mse", "bce"])
def test_every_network_traces_with_every_parameter_by_name(net, act, loss):
    from core import NetworkSpec

    d = trace_json("--network", net, "--activation", act, "--loss", loss, "--init", "he",
                   "--seed", "5", "--dataset", "xor", "--mode", "minibatch", "--epochs", "3",
                   "--steps", "ends")
    names = [s.name for s in NetworkSpec(net, init="he").build().slots]
    assert all(list(i["params"]) == names == list(i["grads"]) for i in d["iterations"])
    assert list(d["final"]) == names and len(d["epoch_costs"]) == 3
    assert all(np.isfinite(i["cost"]) for i in d["iterations"])


def test_text_trace_of_a_hidden_layer_names_its_activation():
    code, text = run_trace("--network", "2-2-1", "--activation", "tanh", "--init", "xavier",
                           "--dataset", "xor", "--example", "3")
    assert code == 0
    assert "a¹₁ = tanh(z¹₁) = (e^z¹₁ − e^(−z¹₁)) / (e^z¹₁ + e^(−z¹₁))" in text
    assert "local gradient ∂a¹₁/∂z¹₁ = 1 − a¹₁² = 1 − " in text
    assert "ŷ = σ(z²) = 1 / (1 + e^(−z²))" in text


@pytest.mark.parametrize("args,message", [
    (("--network", "2-9-1", "--init", "he"), "1 to 8 units, not 9"),
    (("--network", "2-3-3-3-1", "--init", "he"), "at most 2"),
    (("--network", "3-3-1"), "input layer has 2 units"),
    (("--network", "triangle"), "choose neuron, cross, or layer sizes"),
    (("--network", "2-4-1"), "2-3-1 only"),
    (("--activation", "relu"), "no hidden activation"),
    (("--activation", "gelu"), "--activation"),
    (("--loss", "hinge"), "--loss"),
    (("--init", "lecun"), "--init"),
    (("--seed", "4"), "--seed applies to a random start"),
    (("--network", "2-3-1", "--init", "he", "--seed", "-1"), "seed must be between 0"),
    (("--network", "2-3-1", "--w", "1", "2"), "--w sets the weights of the neuron"),
    (("--network", "2-3-1", "--b", "1"), "--b sets the bias of the neuron"),
    (("--network", "cross", "--w", "1", "2"), "--w takes 3 weights"),
    (("--w", "1", "2", "3"), "--w takes 2 weights"),
    (("--w", "1", "2", "--init", "xavier"), "give one of them"),
])
def test_bad_network_choices_exit_2_with_one_line(args, message):
    r = trace(*args)
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr, r.stderr


# ------------------------------------------------- issue #8: generated data, test cost
def test_generated_data_sets_train_and_say_how_they_were_made():
    for kind in ("blobs", "circles", "moons", "spiral"):
        r = trace("--dataset", kind, "--points", "30", "--noise", "0.2", "--data-seed", "7",
                  "--test-fraction", "0.2", "--epochs", "3", "--summary")
        assert r.returncode == 0 and r.stderr == "", r.stderr
        lines = r.stdout.splitlines()
        assert lines[0] == f"data {kind}: 30 points, noise 0.2, seed 7; 6 held out to test " \
                           "(fraction 0.2)"
        epochs = [ln for ln in lines if ln.startswith("epoch ")]
        assert len(epochs) == 3 and all("   test cost " in ln for ln in epochs)
    r = trace("--dataset", "moons", "--epochs", "2", "--summary")  # defaults; no test set
    assert r.stdout.splitlines()[0] == "data moons: 200 points, noise 0.1, seed 0"
    assert "test cost" not in r.stdout


def test_the_json_test_costs_are_the_loss_on_the_held_out_points_after_each_epoch():
    from core import datasets
    from core.setup import NetworkSpec

    d = trace_json("--dataset", "circles", "--points", "24", "--data-seed", "3",
                   "--test-fraction", "0.25", "--network", "2-3-1", "--loss", "bce",
                   "--mode", "minibatch", "--batch-size", "5", "--lr", "2", "--epochs", "4")
    assert d["data"] == {"kind": "circles", "points": 24, "noise": 0.05, "seed": 3,
                         "test_fraction": 0.25, "train_points": 18, "test_points": 6}
    _, test = datasets.split(datasets.generated("circles", 24, seed=3), 0.25, seed=3)
    net = NetworkSpec("2-3-1", loss="bce").build()
    ends = [it["params"] for it in d["iterations"] if it["examples"][0] == 0][1:]
    ends.append(d["final"])  # each epoch's end: the next epoch's first parameters
    assert len(ends) == len(d["test_costs"]) == len(d["epoch_costs"]) == 4
    for params, cost in zip(ends, d["test_costs"]):
        for name, v in params.items():
            net.set(name, v)
        assert cost == pytest.approx(net.cost(test.X, test.Y), rel=1e-12)


def test_without_a_test_set_the_json_has_an_empty_test_cost_list():
    d = trace_json("--epochs", "2")
    assert d["test_costs"] == [] and d["dataset"] == "OR" and len(d["epoch_costs"]) == 2
    assert d["data"] == {"kind": "or", "points": 4, "noise": None, "seed": None,
                         "test_fraction": 0.0, "train_points": 4, "test_points": 0}


@pytest.mark.parametrize("mode", MODES_KW[:1] + MODES_KW[2:3] + MODES_KW[4:],
                         ids=lambda m: "-".join(m))
def test_summary_and_full_trace_have_the_same_test_costs(mode):
    common = ("--dataset", "moons", "--points", "20", "--test-fraction", "0.3",
              "--network", "2-3-1", "--lr", "3", "--epochs", "40", "--mode", *mode)
    docs = {s: trace_json(*common, "--steps", s) for s in ("all", "ends", "none")}
    full = docs["all"]["test_costs"]
    assert len(full) == 40
    for steps in ("ends", "none"):
        np.testing.assert_allclose(docs[steps]["test_costs"], full, rtol=0, atol=1e-12)
    text = {s: run_trace(*common, "--steps", s)[1] for s in ("all", "none")}
    lines = [ln for ln in text["all"].splitlines() if ln.startswith(("epoch ", "data "))]
    assert text["none"].splitlines()[1:] == lines


@pytest.mark.parametrize("args,message", [
    (("--points", "50"), "--points applies to the generated data sets"),
    (("--dataset", "xor", "--noise", "0.1"), "--noise applies to the generated data sets"),
    (("--dataset", "and", "--data-seed", "1"), "--data-seed applies to the generated"),
    (("--dataset", "nand", "--test-fraction", "0.25"), "--test-fraction applies to the gen"),
    (("--dataset", "moons", "--points", "0"), "--points: the number of points must be"),
    (("--dataset", "moons", "--points", "10001"), "--points: the number of points must be"),
    (("--dataset", "spiral", "--noise", "-0.1"), "--noise: noise must be a number from 0"),
    (("--dataset", "spiral", "--noise", "nan"), "--noise: noise must be a number from 0"),
    (("--dataset", "blobs", "--data-seed", "-1"), "--data-seed: the seed must be"),
    (("--dataset", "circles", "--test-fraction", "0.95"), "--test-fraction: the test fra"),
    (("--dataset", "circles", "--test-fraction", "-0.5"), "--test-fraction: the test fra"),
    (("--dataset", "moons", "--points", "1", "--test-fraction", "0.5"),
     "--test-fraction: 1 point cannot be split"),
    (("--dataset", "moons", "--points", "20", "--example", "20"), "--example 20 does not"),
    (("--dataset", "moons", "--points", "20", "--test-fraction", "0.5", "--example", "10"),
     "--example 10 does not exist"),
    (("--dataset", "moons", "--points", "20", "--test-fraction", "0.5", "--mode", "minibatch",
      "--batch-size", "11"), "--batch-size must be between 1 and the 10 examples"),
    (("--dataset", "squares",), "--dataset"),
])
def test_bad_data_options_exit_2_naming_the_option(args, message):
    r = trace(*args)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and message in r.stderr, r.stderr


def test_ten_thousand_moons_run_without_warnings():
    r = subprocess.run([sys.executable, "-W", "error", "main.py", "trace", "--dataset", "moons",
                        "--points", "10000", "--test-fraction", "0.2", "--network", "2-3-1",
                        "--epochs", "3", "--summary"],
                       cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stderr == ""
    lines = r.stdout.splitlines()
    assert lines[1] == "data moons: 10000 points, noise 0.1, seed 0; 2000 held out to test " \
                       "(fraction 0.2)"
    assert len([ln for ln in lines if "   test cost " in ln]) == 3
    d = trace_json("--dataset", "moons", "--points", "10000", "--test-fraction", "0.2",
                   "--mode", "batch", "--epochs", "2")  # the stepped path too
    assert len(d["test_costs"]) == 2 and all(isinstance(c, float) for c in d["test_costs"])


def test_memory_stays_flat_with_a_test_set():
    import tracemalloc

    from core import trace as tr

    class Sink:
        def write(self, text):
            pass

        def flush(self):
            pass

    def peak(epochs):
        tracemalloc.start()
        try:
            args = ["--dataset", "blobs", "--points", "8", "--test-fraction", "0.25",
                    "--summary", "--epochs", str(epochs)]
            assert tr.run(tr.build_parser().parse_args(args), Sink()) == 0
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(500), peak(5000)
    assert large < 1.5 * small + 100_000, (small, large)
