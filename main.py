"""Neuron Lab: launch the window, render a screenshot, or run the headless trace.

    python main.py                          the app
    python main.py --screenshot F.png [--steps N]
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


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and status 2, no usage dump
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_gui_args(argv):
    p = _Parser(prog="neuron-lab", description="Neuron Lab: see a neuron learn.")
    p.add_argument("--screenshot", metavar="FILE.png",
                   help="render the window to FILE.png and exit (works offscreen)")
    p.add_argument("--steps", type=int, default=0, metavar="N",
                   help=f"with --screenshot: take N micro-steps from the start first "
                        f"(0 to {MAX_STEPS})")
    p.add_argument("--lesson", metavar="ID",
                   help="start in one of the lessons (e.g. batch, no-bias, xor)")
    p.add_argument("--size", default="1600x1000", metavar="WxH",
                   help=f"window size, {MIN_SIZE[0]}x{MIN_SIZE[1]} to {MAX_SIZE[0]}x"
                        f"{MAX_SIZE[1]} (default 1600x1000)")
    args = p.parse_args(argv)
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

    return run(screenshot=args.screenshot, steps=args.steps, size=args.size, lesson=args.lesson)


if __name__ == "__main__":
    sys.exit(main())
