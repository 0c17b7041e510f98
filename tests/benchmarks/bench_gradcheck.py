"""How long the Grad check tab and the activation inset take (issue 10, "See the maths").

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gradcheck.py

1. ms for one gradient check (gui.gradcheck_view.prepare + run_check: core.gradcheck on
   a copy of the network, the pass's examples), per network and number of examples in
   the pass. The view runs a check of at most SYNC_WORK parameter × example
   evaluations at once and a larger one in its worker thread; it redoes one of at most
   AUTO_WORK by itself when the pass changes. Target: the sizes run at once stay well
   under 0.2 s (the 2-8-8-1 network, 105 parameters, on the four gate examples: a few ms).
2. ms for one redraw of the activation inset, on a pass of 4 and of 1000 examples.
Absolute times on a shared machine are noisy: the median of a few runs is printed.
"""

from __future__ import annotations

import os
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from core import Engine, datasets  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402

REPEATS = 5


def median_ms(fn, repeats=REPEATS) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def engine(network: str, m: int) -> Engine:
    init = "tutorial" if network in ("neuron", "2-3-1") else "xavier"
    ds = datasets.gate("xor") if m == 4 else datasets.generated("moons", m, seed=0)
    return Engine(NetworkSpec(network=network, init=init).build(), ds, lr=1.0, mode="batch",
                  example=None)


def main() -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from gui.gradcheck_view import AUTO_WORK, SYNC_WORK, prepare, run_check
    from gui.session import Session
    from gui.sigmoid_inset import SigmoidInset

    print("1. one gradient check (ms, median of 5)")
    print(f"   {'network':>8} {'params':>6} {'examples':>8} {'work':>9} {'ms':>8}  runs")
    for network in ("neuron", "2-3-1", "2-8-8-1"):
        for m in (4, 200, 1000, 10_000):
            e = engine(network, m)
            inp = prepare(e)
            ms = median_ms(lambda inp=inp: run_check(inp), 3 if m >= 10_000 else REPEATS)
            how = ("at once, and by itself" if inp.work <= AUTO_WORK else
                   "at once" if inp.work <= SYNC_WORK else "in the worker thread")
            print(f"   {network:>8} {len(e.network.slots):>6} {m:>8} {inp.work:>9,} "
                  f"{ms:>8.2f}  {how}")

    print("2. one redraw of the activation inset (ms, median of 5)")
    for m in (4, 1000):
        e = engine("neuron", m)
        e.finish_backward()
        inset = SigmoidInset(Session(e))
        inset.resize(300, 240)
        inset.show()
        app.processEvents()
        print(f"   {m:>5} examples: {median_ms(lambda i=inset: i.refresh(force=True)):.2f}")
        inset.close()


if __name__ == "__main__":
    main()
