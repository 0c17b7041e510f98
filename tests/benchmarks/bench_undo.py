"""Undo on a long run: what a step costs to record and to undo, and the memory the
history keeps, after 10⁶ epochs (the neuron on OR, full batch, one epoch a pass).

    python tests/benchmarks/bench_undo.py [epochs]

Prints: the time to train (one Play run, one undo step), the time to record a step
at that length (two snapshots and a comparison), to undo and redo it (a restore copies
the curves), to jump along the timeline, and the history's estimated memory after a
run of 200 steps with undos between them (curves shared between steps; a step after
an undo owns a fresh copy of the curves it extends). Then, in the window (offscreen):
the time of one step of the timeline's slider dragged through a played run of 2-3-1 on
XOR, every view redrawing (median, ms), and of a recomputed epoch (the epoch box).
"""

from __future__ import annotations

import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from core import Engine, datasets  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402
from gui.session import Session  # noqa: E402
from gui.undo import UndoHistory  # noqa: E402


def ms(f, repeats=7):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(1000 * (time.perf_counter() - t0))
    return statistics.median(times)


def main(epochs: int):
    _app = QApplication.instance() or QApplication([])
    s = Session(Engine(NetworkSpec().build(), datasets.gate("or"), lr=1, mode="batch"))
    h = UndoHistory(s)
    t0 = time.perf_counter()
    h.begin_run("play")
    with h.run_part():
        for _ in range(epochs // 100_000 or 1):
            s.train(min(epochs, 100_000))
    h.end_run()
    print(f"{len(s.engine.epoch_costs):,} epochs trained in {time.perf_counter() - t0:.1f} s "
          f"as {h.stack.count()} undo step")
    print(f"record one step forward:  {ms(s.step_forward):7.2f} ms")
    print(f"undo one step:            {ms(lambda: (h.undo(), h.redo())) / 2:7.2f} ms")
    n = h.stack.count()
    print(f"timeline jump 0 ↔ {n}:     {ms(lambda: (h.travel(0), h.travel(n))) / 2:7.2f} ms")
    print(f"kept after the run:       {h.kept_bytes() / 1e6:7.1f} MB "
          f"(one curve: {8 * len(s.engine.epoch_costs) / 1e6:.1f} MB)")
    for k in range(200):  # steps and updates, now and then undone and done otherwise
        s.step_forward() if k % 3 else s.apply_update()
        if k % 10 == 0:
            h.undo()
    h.bound()
    print(f"kept after 200 more steps with 20 undos: {h.kept_bytes() / 1e6:.1f} MB "
          f"in {h.stack.count()} steps and {len(h.branches)} branches")

    scrub()


def scrub():
    from gui.main_window import MainWindow

    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    w.session.apply_setup({"network": "2-3-1", "dataset": "xor", "mode": "batch"})
    w.speed.setCurrentIndex(5)  # 100 epochs a second: a run with 64 marks
    w.toggle_play(True)
    for _ in range(300):
        w.play_frame(0.05)
    w.toggle_play(False)
    tl = w.timeline
    n = tl.slider.maximum()
    times, jumps = [], []
    for v in [*range(n, -1, -1), *range(n + 1)]:
        t0 = time.perf_counter()
        tl.slider.setValue(v)  # the jump: restore, and the views' redraws it sets off
        jumps.append(1000 * (time.perf_counter() - t0))
        QApplication.processEvents()  # and painting
        times.append(1000 * (time.perf_counter() - t0))
    print(f"timeline in the window, 2-3-1, {n + 1} points: {statistics.median(jumps):7.2f} ms "
          f"a step to jump and redraw, {statistics.median(times):7.2f} ms with painting "
          "(medians)")
    tl.slider.setValue(n)
    epochs = range(tl.epoch.minimum() + 1, tl.epoch.maximum(), 7)
    times = []
    for e in epochs:
        t0 = time.perf_counter()
        tl.epoch.setValue(e)
        QApplication.processEvents()
        times.append(1000 * (time.perf_counter() - t0))
    print(f"an epoch recomputed from the nearest mark: {statistics.median(times):7.2f} ms "
          "(median)")
    w.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
