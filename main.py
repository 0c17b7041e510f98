"""Neuron Lab: launch the window, render a screenshot, or run the headless trace.

    python main.py                          the app
    python main.py FILE.json                the app, with a saved session open
    python main.py --screenshot F.png [--steps N]
    python main.py --tour ID                the app, the guided tour open at a lesson
    python main.py trace [options]          every micro-step as text or JSON
"""

from __future__ import annotations

import argparse
import ctypes.util
import os
import sys


def display_problem(environ=os.environ, platform=sys.platform,
                    find_library=ctypes.util.find_library):
    """Why Qt could not open a window here, with the fix; None when it can.

    Qt aborts with a cryptic message in these cases, so we check first."""
    qpa = environ.get("QT_QPA_PLATFORM", "")
    if qpa.startswith(("offscreen", "minimal", "vnc")) or not platform.startswith("linux"):
        return None
    if qpa.startswith("wayland") or (not qpa and environ.get("WAYLAND_DISPLAY")):
        return None
    if not environ.get("DISPLAY"):
        return ("Neuron Lab needs a graphical display, and none was found (DISPLAY is not "
                "set).\n  - On a desktop, start it from a terminal inside your session.\n"
                "  - Over SSH, use `ssh -X`, or a virtual screen: "
                "`xvfb-run python main.py`.\n"
                "  - To render a picture without a screen: "
                "`QT_QPA_PLATFORM=offscreen python main.py --screenshot out.png`.")
    if find_library("xcb-cursor") is None:
        return ("Qt 6 needs the system library libxcb-cursor0 to open a window on Linux, "
                "and it is not installed.\n  Fix (Debian/Ubuntu): "
                "sudo apt-get install libxcb-cursor0\n  Fix (Fedora): "
                "sudo dnf install xcb-util-cursor")
    return None


MIN_SIZE, MAX_SIZE = (320, 240), (7680, 4320)  # beyond 8K, Qt cannot allocate the picture
MAX_STEPS = 100_000  # micro-steps before a screenshot; each one redraws the window
MAX_EPOCHS = 1_000_000
# set-up key (Session.apply_setup) ← command-line option
SETUP_OPTIONS = (("network", "network"), ("activation", "activation"), ("loss", "loss"),
                 ("init", "init"), ("seed", "seed"), ("dataset", "dataset"),
                 ("points", "points"), ("noise", "noise"), ("data_seed", "data_seed"),
                 ("test_fraction", "test_fraction"), ("mode", "mode"), ("lr", "lr"))


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 2, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_gui_args(argv):
    p = _Parser(prog="neuron-lab", description="Neuron Lab: see a neuron learn.")
    p.add_argument("session", nargs="?", metavar="FILE.json",
                   help="a saved session to open (File → Save)")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="render the window to FILE.png and exit (works offscreen)")
    p.add_argument("--steps", type=int, default=0, metavar="N",
                   help=f"with --screenshot: take N micro-steps from the start first "
                        f"(0 to {MAX_STEPS})")
    p.add_argument("--lesson", metavar="ID",
                   help="start in one of the lessons (e.g. batch, no-bias, xor)")
    p.add_argument("--tour", metavar="ID",
                   help="open the guided tour at a lesson and start it (e.g. no-bias, bias)")
    p.add_argument("--size", default="1600x1000", metavar="WxH",
                   help=f"window size, {MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x"
                        f"{MAX_SIZE[1]} (default 1600x1000)")
    g = p.add_argument_group("the set-up (as in the window's Network and Data sections)")
    g.add_argument("--network", help="neuron (default), cross, or layer sizes such as 2-3-1")
    g.add_argument("--activation", choices=("sigmoid", "tanh", "relu"),
                   help="the hidden units' activation")
    g.add_argument("--loss", choices=("mse", "bce"), help="squared error or cross-entropy")
    g.add_argument("--init", choices=("tutorial", "plain", "xavier", "he"),
                   help="the starting parameters")
    g.add_argument("--seed", type=int, help="the random start's seed")
    g.add_argument("--dataset", help="a gate (or, and, nand, nor, xor) or a shape (blobs, "
                                     "circles, moons, spiral)")
    g.add_argument("--points", type=int, help="how many points a shape has")
    g.add_argument("--noise", type=float, help="a shape's noise")
    g.add_argument("--data-seed", type=int, help="a shape's seed")
    g.add_argument("--test-fraction", type=float, help="the part held out as a test set")
    g.add_argument("--mode", choices=("single", "minibatch", "batch"))
    g.add_argument("--lr", type=float, help="the learning rate α")
    g.add_argument("--by", choices=("step", "node", "layer", "pass"), default="step",
                   help="with --steps: how far each step goes (default: one computation)")
    g.add_argument("--epochs", type=int, default=0,
                   help=f"with --screenshot: train this many epochs first (0 to {MAX_EPOCHS})")
    args = p.parse_args(argv)
    if not 0 <= args.epochs <= MAX_EPOCHS:
        p.error(f"--epochs must be between 0 and {MAX_EPOCHS}, got {args.epochs}")
    args.setup = {key: getattr(args, attr) for key, attr in SETUP_OPTIONS
                  if getattr(args, attr) is not None}
    if args.setup and args.lesson:
        p.error("--lesson sets up the window itself: give a lesson or set-up options, "
                "not both")
    if args.tour and (args.lesson or args.setup):
        p.error("--tour starts a lesson itself: give --tour, --lesson or set-up options, "
                "not two of them")
    if args.setup:
        from gui.session import check_setup

        problem = check_setup(args.setup)
        if problem:
            p.error(problem)
    if not 0 <= args.steps <= MAX_STEPS:
        p.error(f"--steps must be between 0 and {MAX_STEPS}, got {args.steps}")
    try:
        w, h = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        p.error(f"--size must look like 1600x1000, got {args.size!r}")
    if not (MIN_SIZE[0] <= w <= MAX_SIZE[0] and MIN_SIZE[1] <= h <= MAX_SIZE[1]):
        p.error(f"--size must be between {MIN_SIZE[0]}x{MIN_SIZE[1]} and "
                f"{MAX_SIZE[0]}x{MAX_SIZE[1]}, got {args.size}")
    args.size = (w, h)
    if args.session is not None:
        if args.lesson or args.setup or args.tour:
            p.error("a session file holds its own set-up: give a session, a lesson or "
                    "set-up options, not both")
        # checked before any window opens: a bad file is one message and status 2
        from core.session_file import SessionFileError
        from core.session_file import read as read_session

        try:
            read_session(args.session)
        except SessionFileError as exc:
            p.error(str(exc))
    return args


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["trace"]:
        from core.trace import main as trace_main

        return trace_main(argv[1:])
    args = parse_gui_args(argv)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from gui.app import run

    return run(screenshot=args.screenshot, steps=args.steps, size=args.size, lesson=args.lesson,
               setup=args.setup, by=args.by, epochs=args.epochs, session=args.session,
               tour=args.tour)


if __name__ == "__main__":
    sys.exit(main())
