"""A worksheet for a big pass: 2-8-8-1 on 10 000 points in full batch, exported as
File → Export worksheet… does it (both formats, with the values, the key at the end).

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_worksheet.py [POINTS]

Prints the seconds to build the pass (the engine's own work), to build the worksheet,
to draw the diagram and to write the files, and the files' sizes. The tables show
the first MAX_COLUMNS examples only, so the text stays about the same size however
many points there are; the pass itself grows with them.
"""

from __future__ import annotations

import os
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from PySide6.QtWidgets import QApplication  # noqa: E402

from core import datasets  # noqa: E402
from core import worksheet as ws  # noqa: E402
from core.engine import Engine  # noqa: E402
from core.setup import NetworkSpec  # noqa: E402
from gui import worksheet as gws  # noqa: E402


def timed(what: str, fn):
    t = time.perf_counter()
    out = fn()
    print(f"{what}: {time.perf_counter() - t:.2f} s")
    return out


def main(points: int = 10_000) -> None:
    app = QApplication.instance() or QApplication(sys.argv)  # noqa: F841 - for the picture
    ds = datasets.generated("circles", points, 0.1, 0)
    e = Engine(NetworkSpec(network="2-8-8-1", init="xavier").build(), ds, mode="batch")
    p = timed(f"the pass ({points:,} points, 2-8-8-1)", lambda: e.current_pass)
    print(f"  {len(p.steps)} micro-steps")
    sheet = timed("the worksheet's model", lambda: ws.build(e))
    timed("  as Markdown", lambda: ws.markdown(sheet))
    timed("  as HTML (no picture)", lambda: ws.html(sheet))
    png = timed("the diagram as PNG", lambda: gws.diagram_png(e, blank=False))
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "big.html")
        files = timed("written, both formats", lambda: gws.export_worksheet(
            e, base, gws.Options("both", False, "end"), image_png=png))
        for f in files:
            print(f"  {os.path.basename(f)}: {os.path.getsize(f) / 1e3:,.0f} kB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
