"""main.py's own options (the window and its screenshot), checked before Qt starts."""

import pathlib
import subprocess
import sys

import pytest

import main

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("size", ["50000x50000", "2147483647x1", "0x0", "-5x-5", "319x240",
                                  "7681x4320", "1600x1000x3", "big"])
def test_a_window_size_qt_cannot_make_is_refused_in_one_line(size, capsys):
    with pytest.raises(SystemExit) as exc:
        main.parse_gui_args(["--screenshot", "x.png", f"--size={size}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--size" in err


@pytest.mark.parametrize("size,expected", [("320x240", (320, 240)), ("7680x4320", (7680, 4320)),
                                           ("1600X1000", (1600, 1000))])
def test_sizes_within_bounds_are_taken(size, expected):
    assert main.parse_gui_args(["--size", size]).size == expected


@pytest.mark.parametrize("steps", ["-1", "100001", "2147483647"])
def test_steps_are_bounded(steps, capsys):
    with pytest.raises(SystemExit) as exc:
        main.parse_gui_args(["--screenshot", "x.png", f"--steps={steps}"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--steps" in err


def test_a_huge_screenshot_exits_2_without_starting_qt(tmp_path):
    out = tmp_path / "x.png"
    r = subprocess.run([sys.executable, "main.py", "--screenshot", str(out), "--size",
                        "50000x50000"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and not out.exists()
    assert r.stderr.strip().splitlines() == [
        "neuron-lab: error: --size must be between 320x240 and 7680x4320, got 50000x50000"]


@pytest.mark.parametrize("argv,says", [
    (["--network", "2-9-1"], "1 to 8 units"),
    (["--network", "cross", "--activation", "tanh"], "no hidden activation"),
    (["--network", "2-5-3-1", "--init", "tutorial"], "2-3-1 only"),
    (["--dataset", "spirals"], "unknown dataset 'spirals'"),
    (["--dataset", "moons", "--points", "0"], "number of points"),
    (["--dataset", "moons", "--test-fraction", "1.5"], "test fraction"),
    (["--lr", "-1"], "learning rate"),
    (["--network", "2-3-1", "--lesson", "xor"], "not both"),
    (["--epochs", "-3"], "--epochs"),
])
def test_a_bad_set_up_is_refused_in_one_line(argv, says, capsys):
    with pytest.raises(SystemExit) as exc:
        main.parse_gui_args(["--screenshot", "x.png", *argv])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and says in err[0]


def test_a_set_up_reaches_the_window(qtbot):
    """--network and the data options set the window up as its own controls would."""
    from gui.main_window import MainWindow

    args = main.parse_gui_args(["--network", "2-3-1", "--dataset", "xor", "--mode", "batch",
                                "--init", "xavier", "--seed", "48"])
    win = MainWindow()
    qtbot.addWidget(win)
    win.session.apply_setup(args.setup)
    assert win.network_panel.network.currentData() == "2-3-1"
    assert win.network_panel.seed.value() == 48
    win.act_fwd_pass.trigger()
    assert win.session.engine.current_pass.cost == pytest.approx(0.1292651, abs=5e-8)
