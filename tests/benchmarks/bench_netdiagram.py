"""The network diagram's refresh during training; prints median and 95th percentile.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_netdiagram.py

2-8-8-1 (Xavier start) on circles (200 points, noise 0.1, seed 0), full batch: 200
times engine.train(1) (not timed) then NetworkDiagram.refresh() (timed: the heatmaps
recomputed, every text and edge updated, the labels placed), then the diagram painted
(timed separately). Shown at 900×470, what a 1600×1000 window gives it.
Target: refresh p95 well under 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import os
import pathlib
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from core import Engine, datasets  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402
from gui.netdiagram import NetworkDiagram  # noqa: E402
from gui.session import Session  # noqa: E402


def summary(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    med = statistics.median(samples) * 1e3
    p95 = samples[int(0.95 * (len(samples) - 1))] * 1e3
    print(f"{label:<44} p50 {med:6.2f} ms   p95 {p95:6.2f} ms   (n = {len(samples)})")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    engine = Engine(NetworkSpec(network="2-8-8-1", init="xavier").build(),
                    datasets.generated("circles", 200, 0.1, 0), lr=1, mode="batch")
    session = Session(engine)
    view = NetworkDiagram(session)
    view.resize(900, 470)
    view.show()
    app.processEvents()
    refresh, paint = [], []
    for _ in range(200):
        engine.train(1)
        engine.finish_forward()  # as Session.train leaves it: the next pass's forward shown
        t0 = time.perf_counter()
        view.refresh()
        t1 = time.perf_counter()
        view.viewport().repaint()
        t2 = time.perf_counter()
        refresh.append(t1 - t0)
        paint.append(t2 - t1)
    summary("refresh() after train(1), 2-8-8-1, 200 pts", refresh)
    summary("paint of the diagram (for reference)", paint)
    view.set_heatmaps(False)
    off = []
    for _ in range(100):
        engine.train(1)
        engine.finish_forward()
        t0 = time.perf_counter()
        view.refresh()
        off.append(time.perf_counter() - t0)
    summary("refresh() with the heatmaps off", off)


if __name__ == "__main__":
    main()
