"""Window responsiveness, measured offscreen; prints median and 95th percentile.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_gui.py

1. slider value change → diagram repainted (every view that listens updates,
   then the diagram paints synchronously), over 300 changes;
2. one micro-step rendered (step forward, the diagram painted; and the whole
   window brought up to date, for reference); and the diagram's refresh() alone,
   a batch pass stepped back and forth (once a test asserted its p95 < 8 ms);
3. one full refresh (diagram + explanation + all plots with a 200×200
   boundary grid) during play and during slider drags, painting included
   (pyqtgraph schedules its scene updates, so the event loop runs);
4. wall time for 5000 OR epochs (full batch) at full speed with live plots;
5. 10⁶ epochs at full speed: wall time, resident-memory growth, frame times;
6. the Learning rates tab comparing 8 rates over 100 000 epochs: wall time and
   the longest the window waits between two events (a timer slice);
7. the plots panel alone (no window) for larger networks: 2-8-8-1 on 200 generated
   points (circles) during play, each frame 5 epochs then the panel refreshed and
   painted, on the first tab and on the Loss landscape tab; 10 000 points drawn; and
   a learning-rate comparison for 2-8-8-1 on 10 000 points (the longest wait); and
   2-3-1 on XOR for 5000 epochs at full speed with every plot refreshed each frame.
8. the whole window with a network: 2-8-8-1 (Xavier) on 200 generated points
   (circles) in full batch with every hidden unit's heatmap shown, at 1600×1000, one
   frame of play (5 epochs, then the network diagram, explanation and plots brought
   up to date and painted); and 2-3-1 on XOR, 5000 epochs at full speed through Play
   with every plot live.
Targets: 1–2 p95 < 8 ms; 3 median < 8 ms and p95 < 16 ms; 4 under 1 s;
6 longest wait < 50 ms; 7 p95 < 16 ms during play; 8 p95 < 16 ms, and under 1 s.

    python tests/benchmarks/bench_gui.py --plots     # only 7
    python tests/benchmarks/bench_gui.py --networks  # only 8
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
from gui.main_window import SPEEDS, MainWindow  # noqa: E402
from gui.plots import PlotsPanel  # noqa: E402
from gui.session import Session  # noqa: E402


def summary(label, samples, target):
    samples = sorted(samples)
    med = statistics.median(samples) * 1e3
    p95 = samples[int(0.95 * (len(samples) - 1))] * 1e3
    print(f"{label:52s} median {med:6.2f} ms   p95 {p95:6.2f} ms   (n={len(samples)}; {target})")


def paint(win):
    win.diagram.viewport().repaint()


def full_refresh(win):
    """Every view brought up to date and painted: pyqtgraph schedules its scene
    updates, so the event loop must run for the paint to really happen."""
    win.plots.refresh()
    QApplication.processEvents()


def main():
    app = QApplication.instance() or QApplication([])
    win = MainWindow()
    win.resize(1600, 1000)
    win.show()
    app.processEvents()

    # 1. slider → diagram (in the tutorial's batch view: four values per node)
    win.session.set_mode("batch")
    slider = win.sliders["w2"].slider
    samples = []
    for i in range(300):
        v = 600 + (i % 100) * 7
        t0 = time.perf_counter()
        slider.setValue(v)
        paint(win)
        samples.append(time.perf_counter() - t0)
    summary("slider change → diagram repainted", samples, "target p95 < 8 ms")

    # 2. one micro-step rendered: the diagram alone, then the whole window
    win.session.reset()
    QApplication.processEvents()
    samples, whole = [], []
    for _ in range(300):
        t0 = time.perf_counter()
        win.session.step_forward()
        paint(win)
        t1 = time.perf_counter()
        QApplication.processEvents()  # the explanation, controls and plots follow
        whole.append(time.perf_counter() - t0)
        samples.append(t1 - t0)
    summary("one micro-step rendered (diagram)", samples, "target p95 < 8 ms")
    summary("one micro-step, whole window painted", whole, "for reference")
    diagram_refresh(win)

    # 3. full refresh, during play and during a drag
    win.session.reset()
    samples = []
    for _ in range(200):
        win.session.engine.train(5)
        win.session.engine.finish_forward()
        t0 = time.perf_counter()
        win.session.trained.emit()
        full_refresh(win)
        samples.append(time.perf_counter() - t0)
    summary("full refresh during play", samples, "target median < 8, p95 < 16 ms")
    samples = []
    for i in range(200):
        t0 = time.perf_counter()
        slider.setValue(600 + (i % 100) * 7)
        full_refresh(win)
        samples.append(time.perf_counter() - t0)
    summary("full refresh during a slider drag", samples, "target median < 8, p95 < 16 ms")

    # 4. 5000 OR epochs at full speed with live plots
    win.session.reset()
    win.session.set_mode("batch")
    win.speed.setCurrentIndex(len(SPEEDS) - 1)
    win.stop_at.setValue(5000)
    t0 = time.perf_counter()
    win.toggle_play(True)
    while win.timer.isActive():
        app.processEvents()
    wall = time.perf_counter() - t0
    e = win.session.engine
    print(f"{'5000 OR epochs at full speed, plots live':52s} {wall:6.3f} s "
          f"(epoch {e.epoch}, cost {e.epoch_costs[-1]:.6f}; target < 1 s)")

    # 5. a long run: 10⁶ epochs at full speed, plots live; memory and frame times
    win.session.reset()
    win.stop_at.setValue(1_000_000)
    ticks = []
    tick = win._tick

    def timed_tick():
        t = time.perf_counter()
        tick()
        QApplication.processEvents()  # the frame's painting
        ticks.append(time.perf_counter() - t)

    win.timer.timeout.disconnect(tick)
    win.timer.timeout.connect(timed_tick)
    rss0 = rss_mb()
    t0 = time.perf_counter()
    win.toggle_play(True)
    while win.timer.isActive():
        app.processEvents()
    wall = time.perf_counter() - t0
    print(f"{'10⁶ OR epochs at full speed, plots live':52s} {wall:6.2f} s, "
          f"resident memory +{rss_mb() - rss0:.1f} MB (epoch {e.epoch})")
    summary("  frame (train + every view) during that run", ticks,
            "each frame trains ~8 ms, then draws")
    bench_comparison(app, win)
    win.close()


def diagram_refresh(win):
    """The diagram's refresh() alone (no painting), in batch mode, stepping back and forth."""
    session = win.session
    session.set_mode("batch")
    session.finish_backward()
    samples = []
    for i in range(200):
        session.engine.step_back() if i % 2 else session.engine.step_forward()
        t0 = time.perf_counter()
        win.diagram.refresh()
        samples.append(time.perf_counter() - t0)
    summary("diagram refresh() alone, batch, step back/forth", samples, "target p95 < 8 ms")


def bench_comparison(app, win):
    """8 learning rates × 100 000 epochs run in timer slices: the longest slice is
    how long the window cannot answer a click."""
    win.reset()
    lc = win.plots.lr_compare
    lc.set_learning_rates([0.1, 0.2, 0.5, 1, 2, 5, 10, 20])
    lc.set_epochs(100_000)
    slices = []
    tick = lc._tick

    def timed():
        t = time.perf_counter()
        tick()
        slices.append(time.perf_counter() - t)

    lc._timer_run.timeout.disconnect(tick)
    lc._timer_run.timeout.connect(timed)
    t0 = time.perf_counter()
    lc.compare()
    while lc.running:
        app.processEvents()
    wall = time.perf_counter() - t0
    print(f"{'8 learning rates × 100 000 epochs (Learning rates tab)':52s} {wall:6.2f} s, "
          f"longest wait {max(slices) * 1e3:.1f} ms over {len(slices)} slices")
    print("  slices (ms): first", round(slices[0] * 1e3, 1), "last", round(slices[-1] * 1e3, 1),
          "median", round(statistics.median(slices) * 1e3, 1))
    lc._timer_run.timeout.disconnect(timed)
    lc._timer_run.timeout.connect(tick)


def rss_mb() -> float:
    """Resident memory of this process (Linux), in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def panel_for(app, network, ds, test=None, lr=1.0, **spec):
    if network not in ("neuron", "cross", "2-3-1"):
        spec.setdefault("init", "xavier")
    eng = Engine(NetworkSpec(network=network, **spec).build(), ds, lr=lr, mode="batch",
                 test_set=test)
    session = Session(eng)
    panel = PlotsPanel(session)
    panel.set_auto_refresh(False)  # refreshed by the frame loop below, as the window does
    panel.resize(1000, 520)
    panel.show()
    app.processEvents()
    return session, panel


def bench_plots_networks(app):
    """The plots panel alone for the larger networks and data sets (point 7)."""
    circles = datasets.generated("circles", 200, 0.1, 0)
    for tab, label in ((0, "boundary & loss tab"), (1, "landscape tab")):
        session, panel = panel_for(app, "2-8-8-1", circles)
        panel.tabs.setCurrentIndex(tab)
        panel.refresh()
        app.processEvents()
        samples = []
        for _ in range(200):
            session.engine.train(5)
            t0 = time.perf_counter()
            panel.refresh()
            app.processEvents()  # the paint
            samples.append(time.perf_counter() - t0)
        summary(f"2-8-8-1, 200 circles, play: panel ({label})", samples,
                "5 epochs a frame; target p95 < 16 ms")
        panel.close()
    # 10 000 generated points with a test set: how long the boundary takes to draw them
    big = datasets.generated("spiral", 10_000, 0.05, 0)
    train, test = datasets.split(big, 0.2, 0)
    session, panel = panel_for(app, "2-3-1", train, test=test)
    samples = []
    for i in range(20):
        session.engine.set_test_set(test if i % 2 else None)  # new points every time
        session.datasetChanged.emit()
        t0 = time.perf_counter()
        panel.refresh()
        app.processEvents()
        samples.append(time.perf_counter() - t0)
    summary("10 000 points (8000 + 2000 test) drawn afresh", samples, "for reference")
    samples = []
    for _ in range(50):
        session.engine.train(1)
        t0 = time.perf_counter()
        panel.refresh()
        app.processEvents()
        samples.append(time.perf_counter() - t0)
    summary("  then a frame of play with them (panel)", samples, "target p95 < 16 ms")
    panel.close()
    # the Learning rates tab for 2-8-8-1 on 10 000 points: the window must stay live
    session, panel = panel_for(app, "2-8-8-1", datasets.generated("circles", 10_000, 0.1, 0))
    lc = panel.lr_compare
    lc.set_epochs(200)
    slices, tick = [], lc._tick

    def timed():
        t = time.perf_counter()
        tick()
        slices.append(time.perf_counter() - t)

    lc._timer_run.timeout.disconnect(tick)
    lc._timer_run.timeout.connect(timed)
    t0 = time.perf_counter()
    lc.compare()
    while lc.running:
        app.processEvents()
    print(f"{'2-8-8-1, 10 000 points: 4 rates × 200 epochs':52s} "
          f"{time.perf_counter() - t0:6.2f} s, longest wait {max(slices) * 1e3:.1f} ms over "
          f"{len(slices)} slices")
    panel.close()
    # 2-3-1 XOR, 5000 epochs at full speed, every plot refreshed each frame
    session, panel = panel_for(app, "2-3-1", datasets.gate("xor"))
    eng = session.engine
    # frames of 250 epochs (about 8 ms of training each here): the same frames every run,
    # so that two runs compare (a chunk sized by the clock varies with the load)
    frames, draw = 0, []
    t0 = time.perf_counter()
    while len(eng.epoch_costs) < 5000 and eng.status.ok:
        eng.train(250)
        t = time.perf_counter()
        panel.refresh(include_hidden=True)
        app.processEvents()
        draw.append(time.perf_counter() - t)
        frames += 1
    wall = time.perf_counter() - t0
    print(f"{'2-3-1 XOR, 5000 epochs at full speed, every plot live':52s} {wall:6.3f} s "
          f"({frames} frames, cost {eng.epoch_costs[-1]:.6f}; target < 1 s)")
    summary("  refresh of every plot in that run", draw, "for reference")
    panel.close()


def bench_window_networks(app):
    """8. The whole window with 2-8-8-1 and its heatmaps; 2-3-1 XOR at full speed."""
    win = MainWindow()
    win.resize(1600, 1000)
    win.show()
    app.processEvents()
    win.session.apply_setup({"network": "2-8-8-1", "init": "xavier", "dataset": "circles",
                             "points": 200, "mode": "batch"})
    win.act_heatmaps.setChecked(True)
    app.processEvents()
    assert win.shown_diagram() is win.net_diagram and win.net_diagram.heatmaps()
    samples = []
    for _ in range(200):
        t0 = time.perf_counter()
        win.session.train(5)  # as a frame of play: the next pass's forward values shown
        full_refresh(win)  # every view brought up to date, then painted once
        samples.append(time.perf_counter() - t0)
    summary("2-8-8-1, 200 points, heatmaps: one frame of play", samples,
            "the whole window; for reference")
    samples = []
    for _ in range(200):
        win.session.engine.train(5)
        win.session.engine.finish_forward()
        t0 = time.perf_counter()
        win.net_diagram.refresh()
        samples.append(time.perf_counter() - t0)
    summary("  of which the network diagram's refresh (heatmaps)", samples,
            "target p95 < 16 ms")
    win.session.apply_setup({"network": "2-3-1", "dataset": "xor", "mode": "batch"})
    win.speed.setCurrentIndex(len(SPEEDS) - 1)
    win.stop_at.setValue(5000)
    app.processEvents()
    t0 = time.perf_counter()
    win.toggle_play(True)
    while win.timer.isActive():
        app.processEvents()
    wall = time.perf_counter() - t0
    e = win.session.engine
    print(f"{'2-3-1 XOR, 5000 epochs at full speed (window)':52s} {wall:6.3f} s "
          f"(epoch {e.epoch}, cost {e.epoch_costs[-1]:.6f}; target < 1 s)")
    win.close()


if __name__ == "__main__":
    app = QApplication.instance() or QApplication([])
    if "--plots" in sys.argv[1:]:
        bench_plots_networks(app)
    elif "--networks" in sys.argv[1:]:
        bench_window_networks(app)
    else:
        main()
        bench_plots_networks(app)
        bench_window_networks(app)
