"""Undo on a long run: what a step costs to record and to undo, and the memory the
history keeps, after 10⁶ epochs (the neuron on OR, full batch, one epoch a pass).

    python tests/benchmarks/bench_undo.py [epochs]

Prints: the time to train (one Play run, one undo step), the time to record a step
at that length (two snapshots and a comparison), to undo and redo it (a restore copies
the curves), to jump along the timeline, and the history's estimated memory after a
run of 200 steps with undos between them (curves shared between steps; a step after
an undo owns a fresh copy of the curves it extends).
"""

from __future__ import annotations

import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication  # noqa: E402

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
    _app = QCoreApplication.instance() or QCoreApplication([])
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
