"""How long the Matrices tab takes to rebuild and paint one pass (prints figures; asserts
nothing). Run: QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_matrix_view.py"""

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from core import Engine, datasets  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402
from gui.matrix_view import MatrixView  # noqa: E402
from gui.session import Session  # noqa: E402


def main():
    app = QApplication.instance() or QApplication([])
    cases = [("neuron, OR, batch", NetworkSpec(), datasets.gate("or")),
             ("2-3-1, XOR, batch", NetworkSpec(network="2-3-1"), datasets.gate("xor")),
             ("2-8-8-1, spiral 300, batch", NetworkSpec(network="2-8-8-1", init="xavier"),
              datasets.generated("spiral", 300, 0.05, 0))]
    for name, spec, ds in cases:
        eng = Engine(spec.build(), ds, lr=1.0, mode="batch")
        view = MatrixView(Session(eng))
        view.resize(900, 600)
        view.show()
        eng.finish_backward()
        app.processEvents()
        n = 20
        t = time.perf_counter()
        for _ in range(n):
            view.refresh()
            view.page.grab()
        ms = (time.perf_counter() - t) / n * 1000
        t = time.perf_counter()
        for _ in range(n):
            view.refresh()
            view.page.grab(QRect(0, 300, 900, 300))  # what a tab on screen shows
        band = (time.perf_counter() - t) / n * 1000
        print(f"{name:28s} rebuild + paint: whole page {ms:6.1f} ms, a 300 px band "
              f"{band:6.1f} ms")
        view.close()


if __name__ == "__main__":
    main()
