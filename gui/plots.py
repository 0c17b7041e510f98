"""The plots: loss curve, decision boundary, loss landscape, learning-rate comparison.

Each widget takes the `Session`, listens to its signals and reads
`session.engine`. A signal only schedules a redraw; redraws coalesce into one per
pass of the event loop, and `refresh()` redraws only what changed since the last
one (it compares a key of what it would draw with what it drew), so calling it
at display rate while training plays is cheap. The main window may also switch
the automatic redraws off (`PlotsPanel.set_auto_refresh(False)`) and call
`PlotsPanel.refresh()` from its own frame timer.
"""

from __future__ import annotations

import math
import re
import time

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QColor
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it
import pyqtgraph.exporters as pg_exporters

from core.landscape import (
    LRRun,
    boundary_grid,
    boundary_line,
    landscape_costs,
    param_gradient,
    pixel_centres,
    slice_descent,
)
from core.symbols import MINUS, fmt, fmt_rate, fmt_short, parse_number, sub
from gui.export import ExportError, png_bytes, report, save_bytes, svg_bytes
from gui.labels import Readout
from gui.palette import PALETTES, Palette

DEFAULT_RANGE = (-0.5, 1.5)
GRID_N = 200  # boundary image resolution
GRID_MIN_N = 100  # while a deep network trains, at least this (sharpened once it stops)
BOUNDARY_BUDGET = 160_000  # (pixel × unit) evaluations of a boundary image while training
SHARPEN_MS = 250  # this long after the last change, a coarse boundary is drawn again finely
LANDSCAPE_N = 120  # (w₁, w₂) heatmap resolution, at most
MAP_MIN_N = 32  # and at least (a deep network on many examples)
MAP_BUDGET = 12_000_000  # (parameter set × example × unit) evaluations for one map
MAP_SLICE_SECONDS = 0.008  # map work per refresh while a large map is computed
MAP_QUICK = 250_000  # a map of fewer evaluations than this is computed at once
MAP_INTERVAL = 0.25  # s: while only the other parameters move, the map follows this often
SLICE_N = 241  # samples along the slice
SLICE_STEPS = 8  # gradient-descent arrows on the slice
MAX_BUCKETS = 1800  # loss curve: at most ~2 points per bucket are drawn
DEFAULT_LRS = "5×10⁻¹⁰, 0.5, 5, 50"
MIN_PLOT_HEIGHT = 170  # px: below this a plot is a strip that shows nothing readable

INK = QColor(30, 30, 30)
TEST_COLOR = QColor(170, 50, 120)  # the test cost: magenta, apart from the blue and the orange dot
GRID = QColor(222, 222, 222)
LOG_FLOOR = 1e-16  # a cost of exactly 0 is drawn here on a log axis
FLAT_YHAT = 0.01  # ŷ varying less than this over the plane: no boundary to draw
# the comparison's curves differ by dash pattern as well as by colour
LR_STYLES = [Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine,
             Qt.PenStyle.DashDotLine]
LR_COLORS = {
    "default": ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                "#e377c2", "#17becf"],
    # Okabe–Ito
    "colorblind": ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
                   "#000000", "#F0E442"],
}
MAX_LRS = 8
# y = 1 dots, y = 0 crosses, as in the tutorial: the shape tells the class without colour
CLASS_SYMBOLS = {0: "x", 1: "o"}
CLASS_GLYPHS = {0: "✕", 1: "●"}


def class_colors(pal: Palette) -> dict[int, QColor]:
    """y = 1 takes the palette's forward colour, y = 0 its backward colour."""
    return {0: QColor(pal.backward), 1: QColor(pal.forward)}


def _soft(c: QColor, keep: float = 0.45) -> tuple[int, int, int]:
    """The colour mixed with white, so that the examples stay visible on top."""
    return tuple(int(round(255 - keep * (255 - v))) for v in (c.red(), c.green(), c.blue()))


def boundary_cmap(pal: Palette) -> pg.ColorMap:
    """ŷ = 0 the soft class-0 colour, 0.5 white, 1 the soft class-1 colour."""
    col = class_colors(pal)
    return pg.ColorMap(pos=[0.0, 0.5, 1.0],
                       color=[_soft(col[0]), (255, 255, 255), _soft(col[1])])


def status_title(st) -> str:
    """The short word for a stopped run, as the banner says it ("Diverging", "Stuck")."""
    title = getattr(st, "title", None)
    if title:
        return title
    head = st.message.split(":", 1)[0]
    if ":" in st.message and len(head) <= 12:
        return head
    return {"non-finite": "Overflowed"}.get(st.kind, st.kind.capitalize())


def export_plot(widget: QWidget, path: str, item=None):
    """Save a plot as PNG (the plot item, or the whole widget) or SVG (by the name's
    ending), atomically (gui.export: a failed write raises ExportError and leaves an
    existing file as it was). SVG goes through Qt's own generator: pyqtgraph's
    SVGExporter cannot parse the paths Qt 6 writes."""
    path = str(path)
    if path.lower().endswith(".svg"):
        size = widget.size()
        save_bytes(path, svg_bytes(widget.render, size, "Neuron Lab plot"))
    elif item is not None:
        save_bytes(path, png_bytes(pg_exporters.ImageExporter(item).export(toBytes=True)))
    else:
        save_bytes(path, png_bytes(widget.grab()))


class PlotMenu:
    """The right-click menu a learner needs (Reset view, Export as PNG/SVG, extras)
    instead of pyqtgraph's ViewBox internals, and a small "Reset view" button."""

    def __init__(self, owner: QWidget, widget, items, reset, extra=()):
        self.owner, self.widget, self.reset = owner, widget, reset
        self.items = list(items)  # the plot items; the first is the one exported
        self.extra = list(extra)  # QActions added below Reset view
        for it in self.items:
            it.setMenuEnabled(False)  # also the ViewBox's menu
        self.button = QToolButton()
        self.button.setText("Reset view")
        self.button.setToolTip("Back to the default view after zooming or panning "
                               "(right-click the plot for more)")
        self.button.setAutoRaise(True)
        self.button.clicked.connect(lambda: self.reset())
        widget.scene().sigMouseClicked.connect(self._clicked)
        self.menu: QMenu | None = None

    def build(self) -> QMenu:
        if self.menu is not None:
            self.menu.deleteLater()  # one menu at a time, not one more per right-click
        menu = QMenu(self.owner)
        a = menu.addAction("Reset view")
        a.triggered.connect(lambda: self.reset())
        for act in self.extra:
            menu.addAction(act)
        menu.addSeparator()
        for kind in ("PNG", "SVG"):
            a = menu.addAction(f"Export as {kind}…")
            a.triggered.connect(lambda _=False, k=kind: self.export_dialog(k))
        self.menu = menu
        return menu

    def _clicked(self, ev):
        if ev.button() == Qt.MouseButton.RightButton:
            ev.accept()
            self.build().popup(ev.screenPos().toPoint())

    def export_dialog(self, kind: str):
        ext = kind.lower()
        path, _ = QFileDialog.getSaveFileName(self.owner, f"Export the plot as {kind}",
                                              f"plot.{ext}", f"{kind} image (*.{ext})")
        if path:
            if not path.lower().endswith("." + ext):
                path += "." + ext
            try:
                export_plot(self.widget, path, self.items[0])
            except ExportError as exc:
                report(self.owner, str(exc))


def _pen(color, width=1.5, style=None):
    pen = pg.mkPen(color, width=width)
    if style is not None:
        pen.setStyle(style)
    return pen


def real_minus(ax: pg.AxisItem):
    """Tick labels with the real minus sign, as every other number in the app."""
    plain = ax.tickStrings
    ax.tickStrings = lambda values, scale, spacing: [
        t.replace("-", MINUS) for t in plain(values, scale, spacing)]


def style_plot(item: pg.PlotItem, xlabel: str, ylabel: str, title: str | None = None):
    """Dark axes with labels (no SI prefix: "cost (x0.001)" misleads more than it helps)."""
    for side, text in (("bottom", xlabel), ("left", ylabel)):
        ax = item.getAxis(side)
        real_minus(ax)
        ax.setPen(pg.mkPen(INK))
        ax.setTextPen(pg.mkPen(INK))
        ax.enableAutoSIPrefix(False)
        ax.setStyle(autoReduceTextSpace=False)  # else the axis label can touch the ticks
        item.setLabel(side, text, color="#1e1e1e", **{"font-size": "11pt"})
    if title:
        item.setTitle(title, color="#1e1e1e", size="11pt")
    item.hideButtons()


def make_plot(xlabel: str, ylabel: str, title: str | None = None) -> pg.PlotWidget:
    """A white plot with dark, labelled axes."""
    w = pg.PlotWidget(background="w")
    style_plot(w.getPlotItem(), xlabel, ylabel, title)
    return w


def light_grid(item: pg.PlotItem):
    """Grid lines at the major ticks only, opaque light grey: minor lines and
    translucent ones cost about 1 ms more per paint of each axis."""
    for side in ("bottom", "left"):
        ax = item.getAxis(side)
        ax.setGrid(255)
        ax.setPen(pg.mkPen(GRID))  # the grid takes the axis pen; tick labels stay dark
        ax.setTextPen(pg.mkPen(INK))
        ax.setStyle(maxTickLevel=0)
        ax.setLabel(ax.labelText, color="#1e1e1e", **{"font-size": "11pt"})


def set_text(item: pg.PlotItem, title: str | None = None, **labels):
    """Title and axis labels, touched only when they change (each change re-lays out)."""
    cache = item.__dict__.setdefault("_nl_text", {})
    if title is not None and cache.get("title") != title:
        cache["title"] = title
        item.setTitle(title, color="#1e1e1e", size="11pt")
        # a view narrower than its plot item cuts the plot's right side off: a long title
        # widens the item, so the view grows its minimum to match
        view = item.getViewWidget()
        if view is not None:
            item.layout.activate()
            view.setMinimumWidth(int(math.ceil(item.minimumWidth())) + 2)
    for side, text in labels.items():
        if cache.get(side) != text:
            cache[side] = text
            item.setLabel(side, text, color="#1e1e1e", **{"font-size": "11pt"})


_NICE = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


def nice_ceil(v: float) -> float:
    """The smallest of 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ᵏ that is ≥ v (v > 0)."""
    if not v > 0 or not math.isfinite(v):
        return 1.0
    k = 10.0 ** math.floor(math.log10(v))
    for m in _NICE:
        if m * k >= v * (1 - 1e-12):
            return m * k
    return 10.0 * k


def snap_range(lo: float, hi: float, parts: int = 4) -> tuple[float, float]:
    """[lo, hi] widened outward to multiples of a round step (≈ width/parts), so a
    range that drifts a little stays the same and the axes need no redraw."""
    if not (math.isfinite(lo) and math.isfinite(hi)):  # parameters at the float limit
        finite = [v for v in (lo, hi) if math.isfinite(v)]
        lo = hi = finite[0] if finite else 0.0
    width = hi - lo
    if not (width > 0 and math.isfinite(width)):
        width = min(max(abs(lo), 1.0) * 0.1, 1e300)
    step = nice_ceil(width / parts)
    a, b = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return (a, b) if math.isfinite(a) and math.isfinite(b) else (lo - width, hi + width)


def _net_key(net) -> tuple:
    return tuple(
        (lin.W.tobytes(), None if lin.b is None else lin.b.tobytes()) for lin in net.linears
    )


def contour_segments(grid, level, x0, y0, pw, ph):
    """Marching squares: the segments where the sampled field crosses `level`, as
    (x, y) arrays of point pairs (connect="pairs"); samples at pixel centres."""
    v = np.asarray(grid, dtype=float)
    if v.ndim != 2 or min(v.shape) < 2:
        return np.empty(0), np.empty(0)
    a, b = v[:-1, :-1], v[:-1, 1:]  # bottom-left, bottom-right
    d, c = v[1:, :-1], v[1:, 1:]  # top-left, top-right
    up = v > level
    ua, ub, ud, uc = up[:-1, :-1], up[:-1, 1:], up[1:, :-1], up[1:, 1:]
    cut = np.stack([ua != ub, ub != uc, ud != uc, ua != ud])  # bottom, right, top, left
    n = cut.sum(axis=0)
    rows, cols = np.nonzero(n)
    if rows.size == 0:
        return np.empty(0), np.empty(0)
    A, B, C, D = a[rows, cols], b[rows, cols], c[rows, cols], d[rows, cols]
    with np.errstate(all="ignore"):
        t = np.stack([(level - A) / (B - A), (level - B) / (C - B), (level - D) / (C - D),
                      (level - A) / (D - A)])
    t = np.clip(np.nan_to_num(t, nan=0.5), 0.0, 1.0)
    xc = x0 + (cols + 0.5) * pw
    yc = y0 + (rows + 0.5) * ph
    px = np.stack([xc + t[0] * pw, xc + pw, xc + t[2] * pw, xc])
    py = np.stack([yc, yc + t[1] * ph, yc + ph, yc + t[3] * ph])
    e = cut[:, rows, cols]
    k = n[rows, cols]
    two = k == 2
    order = np.argsort(~e[:, two], axis=0, kind="stable")[:2]  # the two cut edges
    i2 = np.nonzero(two)[0]
    sx = [px[order, i2].T.ravel()]
    sy = [py[order, i2].T.ravel()]
    i4 = np.nonzero(k == 4)[0]
    if i4.size:  # a saddle: the centre's side decides which corners are cut off
        mid_up = (A[i4] + B[i4] + C[i4] + D[i4]) / 4 > level
        same = mid_up == (A[i4] > level)
        pairs = np.where(same[:, None], [[0, 1, 3, 2]], [[0, 3, 1, 2]])
        sx.append(px[pairs.T, i4].T.ravel())
        sy.append(py[pairs.T, i4].T.ravel())
    return np.concatenate(sx), np.concatenate(sy)


def _net_sig(net) -> tuple:
    """What, besides the parameter values, decides what a network computes: swapping in
    another network with the same names (another activation, another loss) redraws."""
    return (id(net), bool(net.feature_cross), net.activation.name, net.loss.name,
            tuple(lin.W.shape for lin in net.linears), _net_key(net))


def data_extent(*sets) -> tuple[tuple[float, float], tuple[float, float]]:
    """The input plane's default view: the gates' square, widened to every point of the
    given sets (None or empty ones skipped), padded and rounded outward, so a point
    clicked near the edge does not move it."""
    xs = [ds.X for ds in sets if ds is not None and ds.m]
    if not xs:
        return DEFAULT_RANGE, DEFAULT_RANGE
    X = np.hstack(xs)
    lo, hi = X.min(axis=1), X.max(axis=1)
    out = []
    for k in range(2):
        a, b = DEFAULT_RANGE
        if lo[k] >= a and hi[k] <= b:
            out.append(DEFAULT_RANGE)
            continue
        a, b = min(a, float(lo[k])), max(b, float(hi[k]))
        pad = 0.04 * (b - a)
        out.append(snap_range(a - pad, b + pad, parts=8))
    return out[0], out[1]


PAIR_BUDGET = 300_000  # (parameter set × example × unit) evaluations for one slice
MAP_BLOCK = 100_000  # the same, for one block of a map's rows (a few ms)


def _units_from(net, layer: int) -> int:
    """Units computed from `layer` on: the work of one example once `layer` changes."""
    return sum(lin.units for lin in net.linears[layer:])


def pass_indices(eng) -> tuple[int, ...]:
    """The examples of the current pass. In full-batch mode all of them, without asking
    the engine for its pass: building the micro-steps of a deep network on many examples
    takes longer than a frame, and a plot needs only the indices."""
    if eng.mode == "batch":
        return tuple(range(eng.dataset.m))
    return tuple(eng.indices)


def _params_finite(net) -> bool:
    return all(
        np.all(np.isfinite(lin.W)) and (lin.b is None or np.all(np.isfinite(lin.b)))
        for lin in net.linears
    )


# ------------------------------------------------------------------ base
class LivePlot(QWidget):
    """A plot widget that redraws from the engine, at most once per event-loop pass."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.auto_refresh = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._auto)
        self._stale = True
        for sig in (session.stepped, session.parametersChanged, session.trained,
                    session.setupChanged, session.datasetChanged):
            sig.connect(self.schedule)

    @property
    def engine(self):
        return self.session.engine

    @Slot()
    def schedule(self):
        """Something changed: redraw soon (once, however many signals arrive)."""
        self._stale = True
        if self.auto_refresh and self.isVisible() and not self._timer.isActive():
            self._timer.start()

    @Slot()
    def _auto(self):
        if self.isVisible():
            self.refresh()

    def showEvent(self, event):
        super().showEvent(event)
        if self._stale and self.auto_refresh:
            self._timer.start()

    def refresh(self, force: bool = False):
        """Redraw whatever changed in the engine since the last refresh."""
        self._stale = False
        self._redraw(force)

    def _redraw(self, force: bool):  # pragma: no cover - subclasses
        raise NotImplementedError


# ------------------------------------------------------------ loss curve
class PeakDecimator:
    """A growing series y[0], y[1], … kept as at most `max_buckets` buckets of k
    consecutive values, each remembered by its minimum and maximum (and where
    they are). When the buckets are full, neighbours merge and k doubles, so
    memory stays bounded and every spike still shows. Non-finite values are gaps.
    """

    def __init__(self, max_buckets: int = MAX_BUCKETS):
        self.max_buckets = max_buckets + (max_buckets % 2)
        self.clear()

    def clear(self):
        cap = self.max_buckets
        self.k = 1
        self.n = 0
        self.nb = 0
        self.lo_i = np.empty(cap, np.int64)
        self.hi_i = np.empty(cap, np.int64)
        self.lo_v = np.empty(cap)
        self.hi_v = np.empty(cap)
        self.pending = np.empty(0)

    def extend(self, values):
        v = np.asarray(values, dtype=float).ravel()
        if v.size == 0:
            return
        v = np.where(np.isfinite(v), v, np.nan)
        base = self.n - self.pending.size
        buf = np.concatenate([self.pending, v])
        self.n += v.size
        pos = 0
        while True:
            if self.nb == self.max_buckets:
                self._merge()
            take = min(self.max_buckets - self.nb, (buf.size - pos) // self.k)
            if take == 0:
                break
            self._add(buf[pos : pos + take * self.k].reshape(take, self.k), base + pos)
            pos += take * self.k
        self.pending = buf[pos:].copy()

    def _add(self, chunk, first):
        t, k = chunk.shape
        nan = np.isnan(chunk)
        am = np.where(nan, np.inf, chunk).argmin(axis=1)
        aM = np.where(nan, -np.inf, chunk).argmax(axis=1)
        r = np.arange(t)
        s = slice(self.nb, self.nb + t)
        self.lo_i[s] = first + r * k + am
        self.hi_i[s] = first + r * k + aM
        self.lo_v[s] = chunk[r, am]
        self.hi_v[s] = chunk[r, aM]
        self.nb += t

    def _merge(self):
        h = self.nb // 2
        for idx, val, better in ((self.lo_i, self.lo_v, np.less), (self.hi_i, self.hi_v,
                                                                  np.greater)):
            ia, ib = idx[0 : 2 * h : 2], idx[1 : 2 * h : 2]
            va, vb = val[0 : 2 * h : 2], val[1 : 2 * h : 2]
            pick_b = better(vb, va) | np.isnan(va)
            new_i, new_v = np.where(pick_b, ib, ia), np.where(pick_b, vb, va)
            idx[:h], val[:h] = new_i, new_v
        self.nb = h
        self.k *= 2

    def xy(self) -> tuple[np.ndarray, np.ndarray]:
        """Points to draw, in order of x: each bucket's min and max, then the raw tail."""
        nb = self.nb
        if self.k == 1:
            x, y = self.lo_i[:nb].astype(float), self.lo_v[:nb].copy()
        else:
            li, hi, lv, hv = self.lo_i[:nb], self.hi_i[:nb], self.lo_v[:nb], self.hi_v[:nb]
            lo_first = li <= hi
            x = np.empty(2 * nb)
            y = np.empty(2 * nb)
            x[0::2] = np.where(lo_first, li, hi)
            x[1::2] = np.where(lo_first, hi, li)
            y[0::2] = np.where(lo_first, lv, hv)
            y[1::2] = np.where(lo_first, hv, lv)
        tail_x = np.arange(self.n - self.pending.size, self.n, dtype=float)
        return np.concatenate([x, tail_x]), np.concatenate([y, self.pending])


def _raw(item: pg.PlotDataItem) -> tuple[np.ndarray, np.ndarray]:
    """The data given to an item (not log-mapped, not downsampled)."""
    if item.xData is None:
        return np.empty(0), np.empty(0)
    return np.asarray(item.xData, dtype=float), np.asarray(item.yData, dtype=float)


def _same(a: float, b: float) -> bool:
    return a == b or (a != a and b != b)


def _insert_gaps(x, y, gaps):
    """NaN at each x in `gaps` (sorted), so connect="finite" breaks the line there."""
    if not len(gaps) or not len(x):
        return x, y
    g = np.asarray(gaps, dtype=float)
    at = np.searchsorted(x, g)
    return np.insert(x, at, g), np.insert(y, at, np.nan)


def epoch_cost_words(eng) -> tuple[str, str, str]:
    """(title, axis label, legend) of what the loss curve plots, in the landscape's
    words: an epoch's cost is the mean of the losses its updates descended, each taken
    before its own update. Title and legend stay short: a long one widens the plot, or
    is cut off in a narrow one."""
    if eng.mode == "batch":
        return "Cost per epoch", "cost", f"all {eng.dataset.m} examples"
    if eng.mode == "single" and eng.example is not None:
        return "L per epoch", "L", f"example {eng.example + 1}"
    return "Cost per epoch", "cost", "mean over the epoch"


class LossCurvePlot(LivePlot):
    """Cost per epoch (and loss per step in one-example mode), log or linear.

    A manual change of a parameter starts a new segment: the curve breaks there
    (a NaN gap) and a dashed vertical line marks the place. Long histories are
    summarised by a `PeakDecimator` fed only with the new epochs, so memory and
    drawing time stay bounded (10⁶ epochs draw as a few thousand points).
    """

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.setAccessibleName("loss curve")
        self.plot = make_plot("epoch", "cost", "Cost per epoch")
        self.plot.setAccessibleName("loss curve plot")
        self.readout = Readout()  # changes every frame: no relayout
        self.log_box = QCheckBox("log scale")
        self.log_box.setToolTip("Show the cost on a logarithmic axis")
        self.log_box.toggled.connect(self.set_log)
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        pi = self.plot.getPlotItem()
        log_act = QAction("Log scale", self)
        log_act.setCheckable(True)
        log_act.toggled.connect(self.set_log)
        self.log_box.toggled.connect(log_act.setChecked)
        self.menu = PlotMenu(self, self.plot, [pi], self.reset_view, [log_act])
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.log_box)
        top.addWidget(self.menu.button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.readout)  # under the plot, as the boundary's readout

        light_grid(pi)
        self.vb = pi.getViewBox()
        self.vb.disableAutoRange()  # set_range below: round limits that rarely change
        self.vb.sigRangeChangedManually.connect(self._user_moved)
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.plot.setToolTip("Drag or wheel to pan and zoom; double-click or Reset view to "
                             "follow the curve again")
        # close to the corner: the plot is about 150 px wide in a 1024 px window, and the
        # view box cuts off what sticks out
        self.legend = pi.addLegend(offset=(-2, 8), labelTextColor=INK,
                                   brush=pg.mkBrush(255, 255, 255, 200))
        self.iter_curve = pg.PlotDataItem(pen=_pen(QColor(120, 160, 220), 1), connect="finite",
                                          name="loss per step")
        self.curve = pg.PlotDataItem(pen=_pen(QColor(20, 70, 160), 2), connect="finite",
                                     name="cost per epoch")
        # the held-out set's cost: another colour and a dashed line, so that it reads
        # apart from the training cost in grey print and for colour-blind eyes too
        self.test_curve = pg.PlotDataItem(pen=_pen(TEST_COLOR, 2, Qt.PenStyle.DashLine),
                                          connect="finite", name="test cost")
        self.breaks_item = pg.PlotDataItem(pen=_pen(QColor(90, 90, 90), 1,
                                                    Qt.PenStyle.DashLine), connect="pairs")
        self.current = pg.PlotDataItem(pen=None, symbol="o", symbolSize=9,
                                       symbolBrush=pg.mkBrush(230, 120, 0),
                                       symbolPen=pg.mkPen(INK))
        self.hover = pg.PlotDataItem(pen=None, symbol="o", symbolSize=7,
                                     symbolBrush=None, symbolPen=pg.mkPen(INK, width=1.5))
        self.test_hover = pg.PlotDataItem(pen=None, symbol="o", symbolSize=7, symbolBrush=None,
                                          symbolPen=pg.mkPen(TEST_COLOR, width=1.5))
        for it in (self.breaks_item, self.iter_curve, self.curve, self.test_curve, self.hover,
                   self.test_hover, self.current):
            pi.addItem(it)
        # after addItem, which hands every item the plot's own settings
        pi.setDownsampling(auto=True, mode="peak")
        pi.setClipToView(True)
        self.legend.removeItem(self.iter_curve)  # listed only in one-example mode
        self.legend.removeItem(self.test_curve)  # listed only with a test set
        self._iter_in_legend = False
        self._test_in_legend = False

        self._dec = PeakDecimator()
        self._n_seen = 0
        self._last = math.nan
        self._test_dec = PeakDecimator()  # engine.test_costs, summarised the same way
        self._test_seen = 0
        self._test_last = math.nan
        self._test_of = None  # the test set those costs were measured on
        self._breaks: list[int] = []  # epoch counts at which a manual change happened
        self._iter_breaks: list[float] = []  # the same places in step units (x)
        self._iter_x: list[float] = []
        self._iter_y: list[float] = []
        self._mode = self.engine.mode
        self._log = False
        self._drawn = None
        self._hover_i: int | None = None
        self._follow = True
        self._range = None
        self._default = ((-0.15, 10.0), (0.0, 0.5))
        self._has_zero = False
        session.parametersChanged.connect(self._manual_change)
        session.setupChanged.connect(self._setup_changed)
        self._name_loss()
        self._mouse_proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=60,
                                           slot=self._mouse_moved)

    # -------------------------------------------------------------- public
    @Slot(bool)
    def set_log(self, on: bool):
        on = bool(on)
        if self.log_box.isChecked() != on:
            self.log_box.setChecked(on)  # comes back here through toggled
            return
        self._log = on
        self.plot.getPlotItem().setLogMode(y=on)
        self._drawn = None
        self._range = None
        self.refresh()

    @property
    def log(self) -> bool:
        return self._log

    @property
    def breaks(self) -> list[int]:
        """Epoch counts at which the learner changed a parameter by hand."""
        return list(self._breaks)

    def curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the cost-per-epoch curve as drawn (NaN marks a break)."""
        return _raw(self.curve)

    def step_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        return _raw(self.iter_curve)

    def test_curve_data(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) of the test-cost curve as drawn (empty without a test set; NaN marks a
        break; on a log axis a cost of 0 is at LOG_FLOOR)."""
        return _raw(self.test_curve)

    def follow(self):
        """Keep the whole curve in view again (after the learner panned or zoomed)."""
        self._follow = True
        self._range = None
        self._fit()

    reset_view = follow

    def default_range(self):
        """((x0, x1), (y0, y1)) that Reset view shows (y in log₁₀ units on a log axis)."""
        return self._default

    def set_palette(self, pal: Palette):
        """The loss curves are blue in every palette; nothing depends on red or green."""

    # ------------------------------------------------------------- signals
    def _user_moved(self, *_):
        self._follow = False

    def _scene_clicked(self, ev):
        if ev.double() and ev.button() == Qt.MouseButton.LeftButton:
            self.follow()

    @Slot()
    def _manual_change(self):
        n = len(self.engine.epoch_costs)
        self._prune_breaks(n)
        if n == 0 or (self._breaks and self._breaks[-1] == n):
            return
        self._breaks.append(n)
        self._iter_breaks.append(self._step_position() - 0.5 / self._passes())

    def _prune_breaks(self, n: int):
        """Forget breaks beyond the history's end (after a reset, a new dataset, a step back)."""
        keep = [i for i, b in enumerate(self._breaks) if b <= n]
        if len(keep) != len(self._breaks):
            self._breaks = [self._breaks[i] for i in keep]
            self._iter_breaks = [self._iter_breaks[i] for i in keep]

    @Slot()
    def _setup_changed(self):
        self._name_loss()
        self._prune_breaks(len(self.engine.epoch_costs))
        if self.engine.mode != self._mode:  # the cost means something else now
            self._mode = self.engine.mode
            self._manual_change()

    def _name_loss(self):
        title, axis, legend = epoch_cost_words(self.engine)
        # the axis names the loss: a cross-entropy's numbers do not compare with a
        # squared error's
        axis = f"{axis} ({self.engine.network.loss.title})"
        set_text(self.plot.getPlotItem(), title, left=axis)
        for sample, label in self.legend.items:
            if sample.item is self.curve and label.text != legend:
                label.setText(legend)

    def _passes(self) -> int:
        return max(1, len(self.engine.schedule()))

    def _step_position(self) -> float:
        """x (in epochs) of the pass the engine will complete next."""
        b = self.engine.book
        return b.epoch + b.batch_pos / self._passes()

    # ------------------------------------------------------------- drawing
    def _sync_epochs(self) -> bool:
        costs = self.engine.epoch_costs
        n = len(costs)
        if n < self._n_seen or (self._n_seen and not _same(costs[self._n_seen - 1], self._last)):
            self._dec.clear()  # truncated or rewritten (reset, step back, new dataset)
            self._n_seen = 0
            if n == 0:
                self._follow = True
            self._prune_breaks(n)
        if n == self._n_seen:
            return False
        self._dec.extend(costs[self._n_seen :])
        self._n_seen = n
        self._last = costs[-1]
        return True

    def _sync_tests(self) -> bool:
        """The test costs, kept as the training costs are (a new test set, a reset or a
        step back starts them again)."""
        eng = self.engine
        costs = eng.test_costs if eng.test_set is not None else ()
        n = len(costs)
        if (eng.test_set is not self._test_of or n < self._test_seen
                or (self._test_seen and not _same(costs[self._test_seen - 1],
                                                  self._test_last))):
            changed = self._test_seen > 0 or eng.test_set is not self._test_of
            self._test_of = eng.test_set
            self._test_dec.clear()
            self._test_seen = 0
            if n == 0:
                return changed
        if n == self._test_seen:
            return False
        self._test_dec.extend(costs[self._test_seen :])
        self._test_seen = n
        self._test_last = costs[-1]
        return True

    def _sync_steps(self) -> bool:
        if self.engine.mode != "single":
            changed = bool(self._iter_x)
            self._iter_x.clear()
            self._iter_y.clear()
            return changed
        its = self.engine.iteration_costs
        n, have = len(its), len(self._iter_y)
        changed = False
        if n < have or (have and not _same(its[have - 1], self._iter_y[-1])):
            m = min(n, have)  # stepped back: keep the part that still agrees
            if m and not _same(its[m - 1], self._iter_y[m - 1]):
                m = 0  # rewritten (reset, new dataset): start again
            del self._iter_x[m:], self._iter_y[m:]
            have, changed = m, True
        if n == have:
            return changed
        k = n - have
        npass = self._passes()
        last = self._step_position() - 1.0 / npass  # the pass just completed
        self._iter_x.extend(last - (k - 1 - i) / npass for i in range(k))
        self._iter_y.extend(its[have:])
        return True

    def _floored(self, y: np.ndarray) -> np.ndarray:
        """On a log axis a cost of exactly 0 has no place: draw it at LOG_FLOOR."""
        if not self._log:
            return y
        with np.errstate(invalid="ignore"):
            return np.where(y <= 0.0, LOG_FLOOR, y)

    def _redraw(self, force: bool):
        self._name_loss()  # another network may have come with another loss
        ch_epochs = self._sync_epochs()
        ch_steps = self._sync_steps()
        ch_tests = self._sync_tests()
        key = (self._n_seen, len(self._breaks), len(self._iter_y), self._log,
               self.engine.status.kind, self._test_seen, id(self._test_of))
        if not (force or ch_epochs or ch_steps or ch_tests or key != self._drawn):
            return
        self._drawn = key
        x, y = self._dec.xy()
        tx, ty = self._test_dec.xy()
        self._has_zero = (bool(np.any(y == 0.0)) or 0.0 in self._iter_y
                          or bool(np.any(ty == 0.0)))
        y = self._floored(y)
        gaps = [b - 0.5 for b in self._breaks if b < self._n_seen]
        x, y = _insert_gaps(x, y, gaps)
        self.curve.setData(x, y, connect="finite")
        self._draw_tests(tx, ty, gaps)
        self._draw_steps()
        self._draw_breaks(gaps, y)
        finite = np.flatnonzero(np.isfinite(y))
        if finite.size:
            i = finite[-1]
            self.current.setData([x[i]], [y[i]])
        else:
            self.current.setData([], [])
        self._fit()
        self._show_readout()

    def _legend_entry(self, item, name: str, show: bool, shown: bool) -> bool:
        """Add `item` to the legend or take it out, only when that changes; returns
        whether it is in."""
        if show != shown:
            if show:
                self.legend.addItem(item, name)
            else:
                self.legend.removeItem(item)
        return show

    def _draw_tests(self, tx, ty, gaps):
        """Test cost e at x = e, beside training cost e (the trace pairs them so too)."""
        show = self._test_of is not None and tx.size > 0
        self._test_in_legend = self._legend_entry(self.test_curve, "test cost", show,
                                                  self._test_in_legend)
        if not show:
            self.test_curve.setData([], [])
            self.test_curve.setVisible(False)
            return
        tx, ty = _insert_gaps(tx, self._floored(ty), gaps)
        self.test_curve.setData(tx, ty, connect="finite")
        self.test_curve.setVisible(True)

    def _fit(self):
        """Round axis limits around the curves; unchanged limits are not set again."""
        x, y = _raw(self.curve)
        ix, iy = _raw(self.iter_curve)
        _, ty = _raw(self.test_curve)
        ys = np.concatenate([y, iy, ty])
        with np.errstate(all="ignore"):
            ys = ys[np.isfinite(ys) & ((ys > 0) if self._log else True)]
        xs = np.concatenate([x[-1:], ix[np.isfinite(ix)]])
        xmax = max(float(xs.max()) if xs.size else 0.0, 0.0)
        top = nice_ceil(max(xmax, 10.0) * 1.02)
        xr = (-0.015 * top, top)
        if ys.size == 0:
            yr = (-3.0, 0.0) if self._log else (0.0, 0.5)
        elif self._log:
            lo, hi = math.log10(float(ys.min())), math.log10(float(ys.max()))
            yr = (math.floor(lo - 0.05), math.ceil(hi + 0.05))
        else:
            lo, hi = min(0.0, float(ys.min())), float(ys.max())
            hi = nice_ceil(hi * 1.04) if hi > 0 else 1.0
            yr = (lo - 0.02 * (hi - lo), hi)
        self._default = (xr, yr)
        if not self._follow:
            return
        if (xr, yr) != self._range:
            self._range = (xr, yr)
            self.vb.setRange(xRange=xr, yRange=yr, padding=0)

    def _draw_steps(self):
        single = self.engine.mode == "single" and bool(self._iter_y)
        self._iter_in_legend = self._legend_entry(self.iter_curve, "loss per step", single,
                                                  self._iter_in_legend)
        if not single:
            self.iter_curve.setData([], [])
            return
        x = np.asarray(self._iter_x)
        y = np.asarray(self._iter_y, dtype=float)
        y = self._floored(np.where(np.isfinite(y), y, np.nan))
        if x.size > 2 * MAX_BUCKETS:  # stepping by hand rarely gets here
            dec = PeakDecimator()
            dec.extend(y)
            idx, y = dec.xy()
            x = x[idx.astype(int)]
        order = np.argsort(x, kind="stable")
        x, y = _insert_gaps(x[order], y[order], sorted(self._iter_breaks))
        self.iter_curve.setData(x, y, connect="finite")

    def _draw_breaks(self, gaps, y):
        if not gaps:
            self.breaks_item.setData([], [])
            return
        with np.errstate(all="ignore"):
            pos = y[np.isfinite(y) & (y > 0)] if self._log else y[np.isfinite(y)]
        if pos.size == 0:
            self.breaks_item.setData([], [])
            return
        lo, hi = float(pos.min()), float(pos.max())
        if not self._log:
            lo = min(lo, 0.0)
        # a drag during play changes the parameters at every epoch: mark such a run of
        # breaks by its first and last one instead of hatching the plot with lines
        near = max(1.0, self._n_seen / 150)
        runs: list[list[float]] = []
        for g in gaps:
            if runs and g - runs[-1][1] <= near:
                runs[-1][1] = g
            else:
                runs.append([g, g])
        marks = sorted({v for run in runs for v in run})
        xs = np.repeat(np.asarray(marks, dtype=float), 2)
        ys = np.tile([lo, hi], len(marks))
        self.breaks_item.setData(xs, ys, connect="pairs")

    def _show_readout(self):
        costs = self.engine.epoch_costs
        st = self.engine.status
        note = "" if st.ok else f"   ⚠ {status_title(st)}"
        if self._log and self._has_zero:
            note += f"   cost reached 0 (shown at {fmt(LOG_FLOOR)} on the log scale)"
        if self._hover_i is not None and self._hover_i < len(costs):
            i = self._hover_i
            self.readout.setText(f"epoch {i}: cost {fmt(costs[i])}{self._test_text(i)}{note}")
        elif costs:
            i = len(costs) - 1
            self.readout.setText(f"epoch {i}: cost {fmt(costs[i])}{self._test_text(i)} "
                                 f"(latest){note}")
        else:
            self.readout.setText("no epoch finished yet" + note)

    def _test_text(self, i: int) -> str:
        eng = self.engine
        if eng.test_set is None or i >= len(eng.test_costs):
            return ""
        return f", test cost {fmt(eng.test_costs[i])}"

    def _mouse_moved(self, args):
        pos = args[0]
        vb = self.plot.getPlotItem().getViewBox()
        n = len(self.engine.epoch_costs)
        if n == 0 or not vb.sceneBoundingRect().contains(pos):
            self._hover_i = None
            self.hover.setData([], [])
            self.test_hover.setData([], [])
            self._show_readout()
            return
        x = vb.mapSceneToView(pos).x()
        self.show_value_at(x)

    def show_value_at(self, x: float | None):
        """The readout (and a small ring) for the epoch nearest x; None: the latest."""
        costs = self.engine.epoch_costs
        tests = self.engine.test_costs if self.engine.test_set is not None else ()
        if x is None or not costs or not math.isfinite(x):
            self._hover_i = None
            self.hover.setData([], [])
            self.test_hover.setData([], [])
        else:
            i = int(min(max(round(x), 0), len(costs) - 1))
            self._hover_i = i
            for item, vals in ((self.hover, costs), (self.test_hover, tests)):
                c = vals[i] if i < len(vals) else math.nan
                if math.isfinite(c):
                    item.setData([i], [max(c, LOG_FLOOR) if self._log else c])
                else:
                    item.setData([], [])
        self._show_readout()
        return self.readout.text()


# ------------------------------------------------------- decision boundary
class DecisionBoundaryPlot(LivePlot):
    """The input plane shaded by ŷ, the line w₁x₁ + w₂x₂ + b = 0 and the examples.

    Click on empty space to add an example (class from the toggle; Shift+click
    adds the other class), click on an example to remove it.
    """

    PICK_PIXELS = 10.0  # a click this close to an example removes it

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.setAccessibleName("decision boundary")
        self.plot = make_plot(f"x{sub(1)}", f"x{sub(2)}", "Decision boundary")
        self.plot.setAccessibleName("decision boundary plot")
        pi = self.plot.getPlotItem()
        self.vb = pi.getViewBox()
        self.vb.setAspectLocked(True)
        self.vb.setMouseEnabled(x=True, y=True)
        self.vb.setRange(xRange=DEFAULT_RANGE, yRange=DEFAULT_RANGE, padding=0)
        self.vb.disableAutoRange()

        self._pal = PALETTES["default"]
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setColorMap(boundary_cmap(self._pal))
        self.image.setZValue(-10)
        pi.addItem(self.image)
        axis_pen = _pen(QColor(60, 60, 60), 1)
        for angle in (0, 90):
            pi.addItem(pg.InfiniteLine(pos=0, angle=angle, pen=axis_pen, movable=False))
        self.line = pg.PlotDataItem(pen=_pen(QColor(10, 60, 150), 3))
        pi.addItem(self.line)
        # ŷ = 0.5 of a curved boundary, traced on the image's samples (marching squares,
        # in data units: the samples sit at pixel centres)
        self.iso = pg.PlotDataItem(pen=_pen(QColor(10, 60, 150), 3), connect="pairs")
        pi.addItem(self.iso)
        # said instead of a line when ŷ is (almost) the same over the whole plane
        self.flat_note = pg.TextItem("", color=INK, anchor=(0.5, 0.5),
                                     fill=pg.mkBrush(255, 255, 255, 220),
                                     border=pg.mkPen(INK))
        self.flat_note.setVisible(False)
        pi.addItem(self.flat_note, ignoreBounds=True)
        # what is odd about the data (no example, a single class), at the top of the view
        self.data_label = pg.TextItem("", color=INK, anchor=(0.5, 0.0),
                                      fill=pg.mkBrush(255, 255, 255, 220))
        self.data_label.setVisible(False)
        pi.addItem(self.data_label, ignoreBounds=True)
        self.halo = pg.ScatterPlotItem(symbol="o", size=30, brush=None,
                                       pen=pg.mkPen(QColor(255, 170, 0), width=3))
        # one item for all the training examples and one for the test examples (hollow),
        # however many: a generated set has up to 10 000
        self.points = pg.ScatterPlotItem(size=16, pxMode=True)
        self.test_points = pg.ScatterPlotItem(size=12, pxMode=True, brush=None)
        pi.addItem(self.halo)
        pi.addItem(self.test_points)
        pi.addItem(self.points)
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        self.menu = PlotMenu(self, self.plot, [pi], self.reset_view)

        # one line that elides rather than wraps (a wrap left a lone word on its own line)
        self.help = Readout("Click to add or remove a point")
        self.help.setToolTip("Click on the plane adds an example of the class chosen above "
                             "(Shift+click: the other class); click on an example removes it.")
        # short labels: the two plots share a narrow column on a 1024 px screen
        self.add1 = QPushButton(f"{CLASS_GLYPHS[1]} y = 1")
        self.add0 = QPushButton(f"{CLASS_GLYPHS[0]} y = 0")
        self.add1.setToolTip("A click on the plane adds an example with label y = 1 (a dot)")
        self.add0.setToolTip("A click on the plane adds an example with label y = 0 "
                             "(a cross)")
        self.class_group = QButtonGroup(self)
        for i, btn in ((1, self.add1), (0, self.add0)):
            btn.setCheckable(True)
            self.class_group.addButton(btn, i)
        self.add1.setChecked(True)
        self.class_group.idClicked.connect(self.set_add_class)
        self.info = Readout()
        top = QHBoxLayout()
        top.addWidget(self.add1)
        top.addWidget(self.add0)
        top.addStretch(1)
        top.addWidget(self.menu.button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(top)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.info)
        lay.addWidget(self.help)

        self._add_class = 1
        self._drawn_grid = None
        self._drawn_points = None
        self._drawn_sets = None  # (training set, test set) the view was fitted to
        self._default = (DEFAULT_RANGE, DEFAULT_RANGE)
        self._sharp = False  # draw the next image at full resolution
        self._sharpen_timer = QTimer(self)
        self._sharpen_timer.setSingleShot(True)
        self._sharpen_timer.setInterval(SHARPEN_MS)
        self._sharpen_timer.timeout.connect(self._sharpen)
        self._line_seg = None
        self._probe: tuple[float, float] | None = None  # where the readout reads ŷ
        self.plot.scene().sigMouseClicked.connect(self._scene_clicked)
        self.vb.sigRangeChanged.connect(self.schedule)
        self._mouse_proxy = pg.SignalProxy(self.plot.scene().sigMouseMoved, rateLimit=30,
                                           slot=self._mouse_moved)

    # -------------------------------------------------------------- public
    @Slot(int)
    def set_add_class(self, cls: int):
        cls = 1 if int(cls) else 0
        self._add_class = cls
        btn = self.add1 if cls else self.add0
        if not btn.isChecked():
            btn.setChecked(True)

    @property
    def add_class(self) -> int:
        return self._add_class

    def reset_view(self):
        """The default view of the input plane (after wheel zoom or drag): the gates'
        square, widened to show every example."""
        xr, yr = self._default
        self.vb.setRange(xRange=xr, yRange=yr, padding=0)

    def default_range(self):
        return self._default

    def set_palette(self, pal: Palette):
        self._pal = pal
        self.image.setColorMap(boundary_cmap(pal))
        # dark blue would sit too close to the colour-blind palette's blue class
        ink = QColor(10, 60, 150) if pal == PALETTES["default"] else QColor(20, 20, 20)
        self.line.setPen(_pen(ink, 3))
        self.iso.setPen(_pen(ink, 3))
        self._drawn_points = None
        self.refresh(force=True)

    def class_color(self, cls: int) -> QColor:
        return class_colors(self._pal)[1 if cls else 0]

    def boundary_note(self) -> str:
        """What is said instead of a line when there is no boundary ("" when a line shows)."""
        return self.flat_note.toPlainText() if self.flat_note.isVisible() else ""

    def data_note(self) -> str:
        """What the plot says about the data ("" for two classes): no example, one class."""
        return self.data_label.toPlainText() if self.data_label.isVisible() else ""

    def contour_data(self) -> tuple[np.ndarray, np.ndarray]:
        """The drawn boundary ŷ = 0.5 as (x₁, x₂) point pairs, one pair per segment: the
        line of a single neuron, or the traced contour of any other network."""
        for item in (self.line, self.iso):
            x, y = _raw(item)
            if x.size:
                return x, y
        return np.empty(0), np.empty(0)

    def show_value_at(self, x1: float | None, x2: float | None = None) -> str:
        """The readout for input (x1, x2) (None: clear it); it follows the parameters."""
        self._probe = None if x1 is None else (float(x1), float(x2))
        self._show_info()
        return self.info.text()

    def grid_image(self) -> np.ndarray | None:
        """The ŷ values shown (rows = x₂, columns = x₁)."""
        return self.image.image

    def grid_rect(self) -> tuple[float, float, float, float]:
        """(x₁ left, x₂ bottom, width, height) of the shaded image, data units."""
        r = self.image.mapRectToParent(self.image.boundingRect())
        return r.x(), r.y(), r.width(), r.height()

    def line_intercepts(self) -> tuple[float | None, float | None]:
        """Where the drawn line crosses the x₁ axis and the x₂ axis (None: parallel or
        not drawn), read back from the drawn segment."""
        x, y = self.line.getData()
        if x is None or len(x) < 2:
            return None, None
        xa, xb, ya, yb = float(x[0]), float(x[1]), float(y[0]), float(y[1])
        x1 = xa + (xb - xa) * ya / (ya - yb) if ya != yb else None
        x2 = ya + (yb - ya) * xa / (xa - xb) if xa != xb else None
        return x1, x2

    def handle_click(self, x1: float, x2: float, shift: bool = False) -> str:
        """What a left click at data point (x1, x2) does: remove the example under
        it, or add one there. Returns "removed" or "added"."""
        ds = self.engine.dataset
        if ds.m:
            pw, ph = self._pixel_size()
            d = np.hypot((ds.X[0] - x1) / pw, (ds.X[1] - x2) / ph)
            i = int(np.argmin(d))
            if d[i] <= self.PICK_PIXELS:
                self.session.remove_point(i)
                return "removed"
        cls = self._add_class ^ (1 if shift else 0)
        self.session.add_point(float(x1), float(x2), cls)
        return "added"

    def data_to_scene(self, x1: float, x2: float) -> QPointF:
        return self.vb.mapViewToScene(QPointF(x1, x2))

    # ------------------------------------------------------------- events
    def _pixel_size(self) -> tuple[float, float]:
        pw, ph = self.vb.viewPixelSize()
        if not (pw > 0 and ph > 0 and math.isfinite(pw) and math.isfinite(ph)):
            pw = ph = 0.004  # not laid out yet: about a 500-pixel view of the default range
        return pw, ph

    def _scene_clicked(self, ev):
        if ev.button() != Qt.MouseButton.LeftButton or ev.double():
            return
        pos = ev.scenePos()
        if not self.vb.sceneBoundingRect().contains(pos):
            return
        p = self.vb.mapSceneToView(pos)
        shift = bool(ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        ev.accept()
        self.handle_click(p.x(), p.y(), shift)

    def _mouse_moved(self, args):
        pos = args[0]
        if not self.vb.sceneBoundingRect().contains(pos):
            self.show_value_at(None)
            return
        p = self.vb.mapSceneToView(pos)
        self.show_value_at(p.x(), p.y())

    def _show_info(self):
        if self._probe is None:
            self.info.setText("")
            return
        a, b = self._probe
        with np.errstate(all="ignore"):
            y = float(self.engine.network.predict(np.array([[a], [b]]))[0, 0])
        self.info.setText(f"x = ({fmt(a, 2)}, {fmt(b, 2)})   ŷ = {fmt(y)}")

    # ------------------------------------------------------------- drawing
    @staticmethod
    def _grid_n(net) -> int:
        """The image's resolution while the parameters move: a deep network costs more
        a pixel, so it gets fewer (the contour is interpolated between them)."""
        units = sum(lin.units for lin in net.linears)
        return int(min(GRID_N, max(GRID_MIN_N, math.sqrt(BOUNDARY_BUDGET / units))))

    @Slot()
    def _sharpen(self):
        if self.isVisible():
            self._sharp = True
            self.refresh()

    def _fit_data(self, eng):
        """A new data set (or test set): the view shows all of it, unless the learner
        just clicked a point into the current view (then nothing moves)."""
        sets = (eng.dataset, eng.test_set)
        if self._drawn_sets is not None and all(
                a is b for a, b in zip(sets, self._drawn_sets)):
            return
        old = self._drawn_sets
        self._drawn_sets = sets
        self._default = data_extent(*sets)
        edited = old is not None and eng.dataset.name == "custom" and eng.test_set is old[1]
        if edited:
            (x0, x1), (y0, y1) = self.vb.viewRange()
            X = eng.dataset.X
            if X.size == 0 or (X[0].min() >= x0 and X[0].max() <= x1 and X[1].min() >= y0
                               and X[1].max() <= y1):
                return
        self.reset_view()

    def _redraw(self, force: bool):
        eng = self.engine
        net = eng.network
        self._fit_data(eng)
        (x0, x1), (y0, y1) = self.vb.viewRange()
        key = (_net_sig(net), round(x0, 9), round(x1, 9), round(y0, 9), round(y1, 9))
        if self._drawn_grid is None or key != self._drawn_grid[0]:
            self._sharp = False  # something moved: coarse while it keeps moving
        n = GRID_N if self._sharp or force else self._grid_n(net)
        if force or (key, n) != self._drawn_grid:
            self._drawn_grid = (key, n)
            if n < GRID_N:
                self._sharpen_timer.start()
            grid = boundary_grid(net, (x0, x1), (y0, y1), n)
            self.image.setImage(grid, autoLevels=False, levels=(0.0, 1.0))
            self.image.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
            self._draw_line(net, (x0, x1), (y0, y1), grid)
            self._show_info()  # ŷ under the pointer changed with the parameters
        ds = eng.dataset
        emph = self._emphasised(eng)
        pkey = (id(ds), id(eng.test_set), emph)
        if force or pkey != self._drawn_points:
            self._drawn_points = pkey
            self._draw_points(ds, eng.test_set)
            if emph:
                idx = list(emph)
                self.halo.setData(x=ds.X[0, idx], y=ds.X[1, idx])
            else:
                self.halo.setData([], [])
            self._show_data_note(ds)
        if self.data_label.isVisible():  # stays at the top of whatever is in view
            self.data_label.setPos(0.5 * (x0 + x1), y1)

    def _draw_points(self, ds, test):
        """Training examples filled, test examples hollow; the markers shrink as the
        examples grow in number, so that thousands stay a readable cloud."""
        col = class_colors(self._pal)
        m_all = ds.m + (test.m if test is not None else 0)
        big, small = ((20, 14) if m_all <= 50 else (12, 9) if m_all <= 200 else
                      (8, 6) if m_all <= 1000 else (6, 4))
        crowd = m_all > 1000
        # thousands of examples hide the plane: no outlines, and the boundary on top
        edge = pg.mkPen(INK, width=1.2 if m_all <= 600 else 0.6) if not crowd else None
        for item in (self.line, self.iso):
            item.setZValue(10 if crowd else 0)
        brushes = {c: pg.mkBrush(col[c]) for c in (0, 1)}
        pens = {c: pg.mkPen(col[c].darker(130), width=2 if m_all <= 600 else 1.3)
                for c in (0, 1)}
        for item, part, hollow in ((self.points, ds, False), (self.test_points, test, True)):
            if part is None or part.m == 0:
                item.setData([], [])
                continue
            labels = part.Y[0].astype(int)
            style = np.array([CLASS_SYMBOLS[0], CLASS_SYMBOLS[1]], dtype=object)[labels]
            sizes = np.where(labels == 0, big, small)
            if hollow:  # the class by shape and the colour of the outline, no fill
                item.setData(x=part.X[0], y=part.X[1], symbol=style, size=sizes,
                             brush=pg.mkBrush(0, 0, 0, 0),
                             pen=np.array([pens[0], pens[1]], dtype=object)[labels])
            else:
                item.setData(x=part.X[0], y=part.X[1], symbol=style, size=sizes,
                             brush=np.array([brushes[0], brushes[1]], dtype=object)[labels],
                             pen=edge)

    def _show_data_note(self, ds):
        # two short lines: the plot is narrow in a small window
        if ds.m == 0:
            text = "No examples:\nclick on the plane to add one"
        else:
            cls = np.unique(ds.Y[0]).astype(int)
            other = 1 - int(cls[0])
            text = ("" if cls.size > 1 else
                    f"Every example is y = {cls[0]}:\nShift+click adds one of y = {other}")
        self.data_label.setText(text)
        self.data_label.setVisible(bool(text))

    def _emphasised(self, eng) -> tuple[int, ...]:
        """The examples of the current pass, when it uses only some of them."""
        if eng.mode == "batch" or not eng.status.ok or eng.dataset.m == 0:
            return ()
        idx = tuple(eng.indices)
        return idx if len(idx) < eng.dataset.m else ()

    def _draw_line(self, net, xr, yr, grid):
        linear = net.depth == 1 and not net.feature_cross
        with np.errstate(all="ignore"):
            lo, hi = float(np.nanmin(grid)), float(np.nanmax(grid))
        flat = hi - lo < FLAT_YHAT
        self.flat_note.setVisible(flat)
        if flat:  # a line of ŷ = 0.5 would be drawn from rounding noise
            self.flat_note.setText(f"no boundary: ŷ ≈ {fmt(0.5 * (lo + hi))} everywhere")
            self.flat_note.setPos(0.5 * (xr[0] + xr[1]), 0.5 * (yr[0] + yr[1]))
            self._line_seg = None
            self.line.setData([], [])
            self.iso.setData([], [])
            return
        if linear and _params_finite(net):
            v = net.values()
            line = boundary_line(v["w1"], v["w2"], v.get("b"), xr, yr)
            self._line_seg = line.segment
        else:
            self._line_seg = None
        if self._line_seg is None:
            self.line.setData([], [])
        else:
            (xa, ya), (xb, yb) = self._line_seg
            self.line.setData([xa, xb], [ya, yb])
        if linear:
            self.iso.setData([], [])
        else:  # the boundary ŷ = 0.5 is a curve: trace it on the image's samples
            n_rows, n_cols = grid.shape
            sx, sy = contour_segments(grid, 0.5, xr[0], yr[0], (xr[1] - xr[0]) / n_cols,
                                      (yr[1] - yr[0]) / n_rows)
            self.iso.setData(sx, sy, connect="pairs")


# --------------------------------------------------------------- landscape
def map_pair(net, name: str) -> tuple[str, str]:
    """The two parameters of the landscape's map when the slice is along `name`: a weight
    beside its unit's neighbouring weight, and a bias over its unit's first two weights
    (for the neuron: (w₁, w₂) for w₁, w₂ and b, the tutorial's plane). Ordered as the
    slots are."""
    s = net.slot(name)
    lin = net.linears[s.layer]
    unit = s.index[0]
    by_place = {(x.layer, x.kind, x.index): x.name for x in net.slots}

    def weight(j):
        return by_place[(s.layer, "W", (unit, j))]

    if lin.fan_in > 1:
        if s.kind == "W":
            j = s.index[1]
            k = j ^ 1 if (j ^ 1) < lin.fan_in else j - 1
            return weight(min(j, k)), weight(max(j, k))
        return weight(0), weight(1)
    names = [x.name for x in net.slots]
    if s.kind == "b":
        return weight(0), name
    bias = by_place.get((s.layer, "b", (unit, 0)))
    if bias is not None:
        return name, bias
    i = names.index(name)  # one weight, no bias: its neighbour in the list
    other = names[i - 1] if i else names[1]
    return (other, name) if i else (name, other)


def _param_vector(net) -> np.ndarray:
    """All the parameters in slot order: layer by layer, each unit's weights then bias."""
    return np.concatenate([
        (np.hstack([lin.W, lin.b]) if lin.b is not None else lin.W).ravel()
        for lin in net.linears])


class _MapJob:
    """One cost map computed a few rows at a time (a deep network on many examples
    takes longer than a frame): the network and the examples are copied at the start,
    so the map is of one moment, shown once complete."""

    def __init__(self, key, net, X, Y, names, ws):
        self.key, self.net, self.X, self.Y = key, net.copy(), X, Y
        self.names, self.ws = names, ws
        self.img = np.empty((ws.size, ws.size))
        self.row = 0
        self.quick = False  # cheap enough to compute at once
        per = max(1, Y.shape[1]) * _units_from(net, min(net.slot(n).layer for n in names))
        self.rows_per_block = max(1, int(MAP_BLOCK // (per * ws.size)))

    @property
    def done(self) -> bool:
        return self.row >= self.ws.size

    def advance(self, seconds: float):
        """Rows until `seconds` have passed (at least one block)."""
        t0 = time.perf_counter()
        ws, n1, n2 = self.ws, *self.names
        while not self.done:
            r1 = min(ws.size, self.row + self.rows_per_block)
            g1, g2 = np.meshgrid(ws, ws[self.row : r1])
            self.img[self.row : r1] = landscape_costs(
                self.net, self.X, self.Y, {n1: g1.ravel(), n2: g2.ravel()}).reshape(g1.shape)
            self.row = r1
            if time.perf_counter() - t0 > seconds:
                break


class LandscapePlot(LivePlot):
    """The loss along one parameter (with the tangent and gradient-descent steps)
    and over the (w₁, w₂) plane (with the path training took).

    The loss is the one the current update descends, as the diagram shows it: the
    loss L of the pass's example in one-example mode, the mini-batch's cost, or
    the cost of all examples in full-batch mode (`loss_title()` says which)."""

    ARROW_LRS = [("training α", None), ("α = 5×10⁻¹⁰", 5e-10), ("α = 0.5", 0.5), ("α = 5", 5.0),
                 ("α = 50", 50.0)]

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.setAccessibleName("loss landscape")
        self.param_box = QComboBox()
        self.param_box.setToolTip("The parameter the slice varies; the others stay fixed")
        self.param_box.currentIndexChanged.connect(self._param_chosen)
        self.lr_box = QComboBox()
        self.lr_box.setToolTip("The learning rate of the arrows (steps along the slice)")
        for text, lr in self.ARROW_LRS:
            self.lr_box.addItem(text, lr)
        self.lr_box.currentIndexChanged.connect(self.schedule)
        self.info = QLabel()
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.info.setWordWrap(True)

        self.slice_plot = make_plot("b", "cost", "Slice along b")
        self.slice_plot.setAccessibleName("cost slice plot")
        sp = self.slice_plot.getPlotItem()
        light_grid(sp)
        self.svb = sp.getViewBox()
        self.svb.disableAutoRange()
        self.slice_curve = pg.PlotDataItem(pen=_pen(QColor(30, 110, 200), 2.5))
        self.tangent = pg.PlotDataItem(pen=_pen(QColor(120, 60, 160), 2, Qt.PenStyle.DashLine))
        self.shafts = pg.PlotDataItem(pen=_pen(QColor(40, 190, 40), 2.5), connect="pairs")
        self.step_points = pg.PlotDataItem(pen=None, symbol="o", symbolSize=5,
                                           symbolBrush=pg.mkBrush(40, 170, 40), symbolPen=None)
        self.point = pg.PlotDataItem(pen=None, symbol="o", symbolSize=11,
                                     symbolBrush=pg.mkBrush(230, 120, 0),
                                     symbolPen=pg.mkPen(INK))
        for it in (self.slice_curve, self.tangent, self.shafts, self.step_points, self.point):
            sp.addItem(it)
        self.heads = []
        for _ in range(SLICE_STEPS):
            a = pg.ArrowItem(headLen=14, tipAngle=32, tailLen=0, pen=pg.mkPen(10, 90, 10),
                             brush=pg.mkBrush(60, 210, 60))
            a.setVisible(False)
            sp.addItem(a)
            self.heads.append(a)
        self.svb.sigTransformChanged.connect(self._aim_heads)

        self.map_plot = make_plot(f"w{sub(1)}", f"w{sub(2)}", "Map over (w₁, w₂)")
        # which loss both plots show, above them: a long plot title would squeeze the
        # plot (and push the colour bar out of a narrow map)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.title.setStyleSheet("font-weight: bold;")
        self.title.setAccessibleName("landscape loss")
        self.map_plot.setAccessibleName("cost map plot")
        mp = self.map_plot.getPlotItem()
        self.mvb = mp.getViewBox()
        self.mvb.disableAutoRange()
        self.map_image = pg.ImageItem(axisOrder="row-major")
        self.map_image.setZValue(-10)
        mp.addItem(self.map_image)
        self.colorbar = pg.ColorBarItem(values=(-4.0, math.log10(0.5)), colorMap="viridis",
                                        interactive=False, width=14)
        self.colorbar.setImageItem(self.map_image, insert_in=mp)
        self.colorbar.axis.setLabel("log₁₀ cost", color="#1e1e1e")
        self.colorbar.axis.setTextPen(pg.mkPen(INK))
        real_minus(self.colorbar.axis)
        # narrower than its plot item's minimum, the view cut off the colour bar's numbers
        self.map_plot.setMinimumWidth(int(math.ceil(mp.minimumWidth())) + 2)
        self.path = pg.PlotDataItem(pen=_pen(QColor(255, 255, 255), 2))
        self.path_point = pg.PlotDataItem(pen=None, symbol="o", symbolSize=11,
                                          symbolBrush=pg.mkBrush(230, 120, 0),
                                          symbolPen=pg.mkPen("w"))
        self.path_start = pg.PlotDataItem(pen=None, symbol="s", symbolSize=8,
                                          symbolBrush=pg.mkBrush("w"), symbolPen=pg.mkPen(INK))
        for it in (self.path, self.path_start, self.path_point):
            mp.addItem(it)

        self.slice_plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        self.map_plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        self.menu = PlotMenu(self, self.slice_plot, [sp], self.reset_view)
        self.map_menu = PlotMenu(self, self.map_plot, [mp], self.reset_view)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("slice along"))
        controls.addWidget(self.param_box)
        controls.addSpacing(12)
        controls.addWidget(QLabel("arrows with"))
        controls.addWidget(self.lr_box)
        controls.addStretch(1)
        controls.addWidget(self.menu.button)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.slice_plot)
        split.addWidget(self.map_plot)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(controls)
        lay.addWidget(self.title)
        lay.addWidget(split, 1)
        lay.addWidget(self.info)

        self._name = "b"
        self._slots_key = None
        self._slice_key = None
        self._slice_range = None
        self._map_range = None
        self._map_key = None
        self._path_key = None
        self._arrows: list[tuple[float, float, float, float]] = []
        self._tangent_slope = math.nan
        # (iteration, every parameter): the map's path for whichever two it shows
        self._path: list[tuple[int, np.ndarray]] = []
        self._map_names = ("w1", "w2")
        self._map_job: _MapJob | None = None
        self._map_timer = QTimer(self)  # carries a map on when no signal comes
        self._map_timer.setSingleShot(True)
        self._map_timer.setInterval(0)
        self._map_timer.timeout.connect(self._continue_map)
        self._map_want = None  # the key of the map the current parameters call for
        self._map_done_at = -math.inf
        self._slot_names: tuple[str, ...] = ()
        self._net_id = id(self.engine.network)
        self._sync_slots()
        for sig in (session.trained, session.stepped, session.parametersChanged):
            sig.connect(self._record)
        session.datasetChanged.connect(self._clear_path)
        self._record()

    # -------------------------------------------------------------- public
    def set_parameter_name(self, name: str) -> bool:
        """Slice along this parameter ("w1", "b", "w1_2_1", …; the map shows it beside a
        neighbour, see `map_pair`). A name the current network does not have (one clicked
        on the diagram of the network before) changes nothing and returns False."""
        self._sync_slots()
        i = self.param_box.findData(name)
        if i < 0:
            return False
        self.param_box.setCurrentIndex(i)  # → _param_chosen
        self._name = name
        self._choose_map()
        if self.isVisible():
            self.refresh()
        else:  # drawn when its tab is shown: a deep network on 10 000 points takes ~1 s
            self._stale = True
        return True

    @property
    def parameter_name(self) -> str:
        return self._name

    def map_parameters(self) -> tuple[str, str]:
        """The names of the map's two parameters (x axis, y axis)."""
        return self._map_names

    @property
    def map_ready(self) -> bool:
        """The map shown is of the current parameters (a large one is computed over a
        few frames; until then the previous one stays)."""
        return self._map_job is None and self._map_key == self._map_want

    def reset_view(self):
        """Both plots back to the ranges they were drawn with (after zoom or pan)."""
        self._slice_range = self._map_range = None
        self.refresh(force=True)

    def default_range(self):
        """The drawn ranges: ((slice x, slice y), (map x, map y))."""
        s, m = self._slice_range, self._map_range
        return ((s[0], s[1]), (s[2], s[3])), ((m[0], m[1]), (m[0], m[1]))

    def loss_title(self) -> str:
        """Which loss the slice and the map show: the one the current update uses."""
        return self._loss_subset()[2]

    def set_palette(self, pal: Palette):
        """The arrows: green, or Okabe–Ito's bluish green beside the colour-blind blues
        (they differ from the slice by their heads as well)."""
        col = QColor(40, 190, 40) if pal == PALETTES["default"] else QColor("#009E73")
        self.shafts.setPen(_pen(col, 2.5))
        self.step_points.setSymbolBrush(pg.mkBrush(col))
        for h in self.heads:
            h.setStyle(brush=pg.mkBrush(col))
        self.refresh(force=True)

    def set_arrow_lr(self, lr: float | None):
        """The learning rate of the slice's arrows; None: the engine's."""
        for i in range(self.lr_box.count()):
            if self.lr_box.itemData(i) == lr:
                self.lr_box.setCurrentIndex(i)
                break
        else:
            self.lr_box.addItem(f"α = {fmt_rate(lr)}", float(lr))
            self.lr_box.setCurrentIndex(self.lr_box.count() - 1)
        self.refresh()

    def arrow_lr(self) -> float:
        lr = self.lr_box.currentData()
        return self.engine.lr if lr is None else float(lr)

    def slice_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.slice_curve.getData()
        if x is None:
            return np.empty(0), np.empty(0)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def tangent_slope(self) -> float:
        """The slope of the drawn tangent, read back from its two end points."""
        x, y = self.tangent.getData()
        if x is None or len(x) < 2:
            return math.nan
        return float((y[1] - y[0]) / (x[1] - x[0]))

    def arrows(self) -> list[tuple[float, float, float, float]]:
        """The drawn descent steps: (θ from, cost from, θ to, cost to)."""
        return list(self._arrows)

    def path_data(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.path.getData()
        if x is None:
            return np.empty(0), np.empty(0)
        return np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    # ------------------------------------------------------------- signals
    @Slot(int)
    def _param_chosen(self, i: int):
        if i >= 0:
            self._name = self.param_box.itemData(i)
            self._choose_map()
            self.schedule()

    def _choose_map(self):
        net = self.engine.network
        try:
            pair = map_pair(net, self._name)
        except ValueError:  # the network changed under the name: _sync_slots sees to it
            return
        if pair != self._map_names:
            self._map_names = pair
            s1, s2 = (net.slot(n).symbol for n in pair)
            set_text(self.map_plot.getPlotItem(), bottom=s1, left=s2)
            self._map_key = self._path_key = self._map_job = None

    def _sync_slots(self):
        net = self.engine.network
        names = tuple(s.name for s in net.slots)
        if names == self._slots_key:
            return
        self._slots_key = names
        self.param_box.blockSignals(True)
        self.param_box.clear()
        for s in net.slots:
            self.param_box.addItem(s.symbol, s.name)
        if self._name not in names:
            self._name = "b" if "b" in names else names[0]
        self.param_box.setCurrentIndex(self.param_box.findData(self._name))
        self.param_box.blockSignals(False)
        self._slot_names = names
        self._map_names = ("", "")  # another network: chosen afresh
        self._choose_map()

    @Slot()
    def _clear_path(self):
        self._path.clear()
        self._record()

    @Slot()
    def _record(self):
        eng = self.engine
        if id(eng.network) != self._net_id:
            self._net_id = id(eng.network)
            self._path.clear()
            self._sync_slots()
        vec = _param_vector(eng.network)
        if vec.size != len(self._slot_names) or not np.all(np.isfinite(vec)):
            return
        it = eng.iteration
        while self._path and self._path[-1][0] > it:  # stepped back or reset
            self._path.pop()
        if self._path and np.array_equal(self._path[-1][1], vec):
            return
        self._path.append((it, vec))
        if len(self._path) > max(1000, 500_000 // vec.size):  # bounded memory
            self._path = self._path[:-1:2] + self._path[-1:]

    # ------------------------------------------------------------- drawing
    def _redraw(self, force: bool):
        self._sync_slots()
        eng = self.engine
        net = eng.network
        if not _params_finite(net):
            for it in (self.slice_curve, self.tangent, self.shafts, self.step_points,
                       self.point, self.path, self.path_point, self.path_start):
                it.setData([], [])
            for h in self.heads:
                h.setVisible(False)
            self._arrows = []
            self.info.setText("The parameters are no longer finite numbers: nothing to "
                              "draw. Lower the learning rate and reset.")
            self._slice_key = self._path_key = self._map_key = self._map_job = None
            return
        if eng.dataset.m == 0:
            self._clear_all("No examples: there is no cost to draw. Add examples on the "
                            "decision boundary plot.")
            return
        nkey = (_net_sig(net), id(eng.dataset), pass_indices(eng))
        skey = (nkey, self._name, self.arrow_lr())
        if force or skey != self._slice_key:
            self._slice_key = skey
            self._draw_slice(net, eng.dataset)
        pkey = (nkey, self._map_names, len(self._path),
                self._path[-1][0] if self._path else None)
        if (force or pkey != self._path_key or self._map_job is not None
                or self._map_key != self._map_want):
            self._path_key = pkey
            self._draw_map(net, force)

    def _clear_all(self, why: str):
        for it in (self.slice_curve, self.tangent, self.shafts, self.step_points,
                   self.point, self.path, self.path_point, self.path_start):
            it.setData([], [])
        for h in self.heads:
            h.setVisible(False)
        self._arrows = []
        self.map_image.clear()
        self.info.setText(why)
        self.title.setText("")
        self._slice_key = self._path_key = self._map_key = self._map_job = None

    def _loss_subset(self):
        """(X, Y, title, symbol) of the loss the current update descends: the examples
        of the current pass (one example, a mini-batch or all of them)."""
        eng = self.engine
        ds = eng.dataset
        idx = list(pass_indices(eng))
        X, Y = ds.X[:, idx], ds.Y[:, idx]
        nums = ", ".join(str(i + 1) for i in idx[:4])
        if len(idx) > 4:  # a title, not a list: a mini-batch of a large set has many
            nums += f", … ({len(idx)} in all)"
        if eng.mode == "single":
            return X, Y, f"L of example {nums}", "L"
        if len(idx) < ds.m:
            return X, Y, f"Cost of the batch (examples {nums})", "Cost"
        return X, Y, f"Cost of all {ds.m} examples", "Cost"

    def _draw_slice(self, net, ds):
        name = self._name
        X, Y, what, lsym = self._loss_subset()
        theta = net.get(name)
        lr = self.arrow_lr()
        steps = slice_descent(net, X, Y, name, lr, SLICE_STEPS)
        th = steps.thetas
        # as many samples as a frame affords: a deep network on many examples gets fewer
        per = max(1, X.shape[1]) * _units_from(net, net.slot(name).layer)
        n = int(min(SLICE_N, max(61, PAIR_BUDGET // (2 * per))))
        # show the descent and the nearest valley of the slice, not more
        wide = np.linspace(theta - 6.0, theta + 6.0, n // 2 + 1)
        valley = float(wide[np.argmin(landscape_costs(net, X, Y, {name: wide}))])
        fin = th[np.isfinite(th)]  # a step past the float limit is not drawn
        lo = min(float(fin.min()) if fin.size else theta, valley, theta)
        hi = max(float(fin.max()) if fin.size else theta, valley, theta)
        if hi - lo > 200.0:  # a huge step: keep the curve readable, the arrows leave it
            lo, hi = max(lo, theta - 100.0), min(hi, theta + 100.0)
        mid, half = 0.5 * (lo + hi), max(0.5 * (hi - lo) * 1.25, 0.5)
        lo, hi = snap_range(mid - half, mid + half, parts=8)
        values = np.linspace(lo, hi, n)
        costs = landscape_costs(net, X, Y, {name: values})
        c0 = float(steps.costs[0])
        g = param_gradient(net, X, Y, name)
        self._tangent_slope = g
        self.slice_curve.setData(values, costs)
        # a cost past the float limit has no place on the axes: not drawn (pyqtgraph
        # would warn on bounds that are all NaN)
        ok = math.isfinite(theta) and math.isfinite(c0)
        self.point.setData([theta] if ok else [], [c0] if ok else [])
        inside = (th >= lo) & (th <= hi)
        seen = np.concatenate([costs, steps.costs[inside]])
        seen = seen[np.isfinite(seen)]  # a cost past the float limit is not drawn
        bottom, top = (float(seen.min()), float(seen.max())) if seen.size else (0.0, 1.0)
        # a flat slice (a weight whose input is 0) gets a readable range, not ticks 10⁻¹⁰
        # apart
        span = max(top - bottom, 0.1 * abs(top), 1e-6)
        mid = (top + bottom) / 2
        bottom, top = min(bottom, mid - span / 2), max(top, mid + span / 2)
        bottom, top = snap_range(max(0.0, bottom - 0.08 * span), top + 0.08 * span, parts=8)
        bottom = max(bottom, 0.0)
        # the tangent, long enough to read its slope, clipped to the drawn box
        h = 0.22 * (hi - lo)
        if g != 0.0:
            h = min(h, 0.45 * (top - bottom) / abs(g))
        self.tangent.setData([theta - h, theta + h], [c0 - g * h, c0 + g * h])
        self._arrows = [(th[k], steps.costs[k], th[k + 1], steps.costs[k + 1])
                        for k in range(len(th) - 1)
                        if np.all(np.isfinite([th[k], steps.costs[k], th[k + 1],
                                               steps.costs[k + 1]]))]
        xs = np.array([[a, c] for a, _, c, _ in self._arrows]).ravel()
        ys = np.array([[b, d] for _, b, _, d in self._arrows]).ravel()
        self.shafts.setData(xs, ys, connect="pairs")
        fine = np.isfinite(th[1:]) & np.isfinite(steps.costs[1:])
        self.step_points.setData(th[1:][fine], steps.costs[1:][fine])
        pi = self.slice_plot.getPlotItem()
        sym = net.slot(name).symbol
        set_text(pi, f"Slice along {sym}", bottom=sym, left=lsym)
        self.title.setText(f"{what}: the loss the current update descends")
        if (lo, hi, bottom, top) != self._slice_range:
            self._slice_range = (lo, hi, bottom, top)
            self.svb.setRange(xRange=(lo, hi), yRange=(bottom, top), padding=0)
        self._aim_heads()
        moved = th[-1] - th[0]
        off = sum(1 for t in th if not lo <= t <= hi)
        msg = (f"{what}: ∂{lsym}/∂{sym} = {fmt(g)} at {sym} = {fmt(theta)} (the tangent's "
               f"slope). {len(th) - 1} steps of α = {fmt_rate(lr)} move {sym} by {fmt(moved)}.")
        if not steps.finite:
            msg += " A step left the finite numbers: the descent diverged."
        elif off:
            msg += f" {off} of the points lie outside the view: the steps overshoot."
        elif abs(g) < 1e-9:
            msg += " The slope is (almost) zero here, so the steps barely move."
        elif th.size < 2 or np.max(np.abs(np.diff(th))) < 1e-3 * (hi - lo):
            msg += " This α is too small for the steps to show at this scale."
        elif np.any(np.diff(np.sign(np.diff(th))) != 0):
            msg += " The steps overshoot the valley's bottom and bounce across it."
        self.info.setText(msg)

    @Slot()
    def _aim_heads(self):
        """Point each arrow head along its step as it appears on screen."""
        for k, head in enumerate(self.heads):
            if k >= len(self._arrows):
                head.setVisible(False)
                continue
            a, b, c, d = self._arrows[k]
            p0 = self.svb.mapViewToScene(QPointF(a, b))
            p1 = self.svb.mapViewToScene(QPointF(c, d))
            sx, sy = p1.x() - p0.x(), p1.y() - p0.y()
            if math.hypot(sx, sy) < 1.0:
                head.setVisible(False)
                continue
            head.setStyle(angle=math.degrees(math.atan2(-sy, -sx)))
            head.setPos(c, d)
            head.setVisible(True)

    def _draw_map(self, net, force: bool = False):
        """The path and current point; the cost image only when the plane changed
        (the other parameters, the data or the range): moving along the two mapped
        parameters does not change the map. A map too large for one frame is computed a
        few rows per refresh (`_MapJob`) while the previous one stays in view."""
        n1, n2 = self._map_names
        at = {nm: k for k, nm in enumerate(self._slot_names)}
        if self._path and n1 in at and n2 in at:
            pts = np.array([(v[at[n1]], v[at[n2]]) for _, v in self._path])
        else:
            pts = np.empty((0, 2))
        cur = (net.get(n1), net.get(n2))
        allx = np.append(pts[:, 0], cur[0]) if pts.size else np.array([cur[0]])
        ally = np.append(pts[:, 1], cur[1]) if pts.size else np.array([cur[1]])
        lo = min(-4.0, 2.0 * math.floor(float(min(allx.min(), ally.min())) / 2.0) - 2.0)
        hi = max(8.0, 2.0 * math.ceil(float(max(allx.max(), ally.max())) / 2.0) + 2.0)
        lo, hi = max(lo, -1e3), min(hi, 1e3)
        vec = _param_vector(net)
        vec[[at[n1], at[n2]]] = 0.0
        X, Y, what, _ = self._loss_subset()
        # what the picture depends on besides the other parameters' values
        plane = (_net_sig(net)[:5], id(self.engine.dataset), pass_indices(self.engine),
                 self._map_names, lo, hi)
        mkey = (vec.tobytes(), plane)
        self._map_want = mkey
        job = self._map_job
        if job is not None and job.key[1] != plane:
            job = None  # another plane: what was begun is of no use
        wait = MAP_INTERVAL - (time.perf_counter() - self._map_done_at)
        if (job is None and not force and mkey != self._map_key and wait > 0
                and self._map_key is not None and self._map_key[1] == plane):
            # only the other parameters moved (training plays): the map follows a few
            # times a second, not at every frame
            if self.isVisible() and not self._map_timer.isActive():
                self._map_timer.start(int(wait * 1000) + 1)
        elif job is None and (force or mkey != self._map_key):
            per = max(1, Y.shape[1]) * _units_from(net, min(net.slot(n).layer
                                                            for n in self._map_names))
            # the whole map at most MAP_BUDGET evaluations, spread over a few frames
            n = int(min(LANDSCAPE_N, max(MAP_MIN_N, math.sqrt(MAP_BUDGET / per))))
            job = _MapJob(mkey, net, X, Y, self._map_names, pixel_centres((lo, hi), n))
            job.quick = n * n * per <= MAP_QUICK
        self._map_job = job
        if job is not None:
            # all at once when asked (Reset view, the palette) or when it is cheap
            job.advance(math.inf if force or job.quick else MAP_SLICE_SECONDS)
            if job.done:
                self._map_job = None
                self._map_key = job.key
                self._map_done_at = time.perf_counter()
                self._show_map(job, lo, hi)
            elif self.isVisible():
                self._map_timer.start(0)
        if (lo, hi) != self._map_range:
            self._map_range = (lo, hi)
            self.mvb.setRange(xRange=(lo, hi), yRange=(lo, hi), padding=0)
        if pts.size:
            self.path.setData(pts[:, 0], pts[:, 1])
            self.path_start.setData([pts[0, 0]], [pts[0, 1]])
        else:
            self.path.setData([], [])
            self.path_start.setData([], [])
        self.path_point.setData([cur[0]], [cur[1]])

    def _show_map(self, job, lo, hi):
        s1, s2 = (job.net.slot(n).symbol for n in job.names)
        set_text(self.map_plot.getPlotItem(), f"Map over ({s1}, {s2})")
        with np.errstate(all="ignore"):
            img = np.log10(np.maximum(job.img, 1e-12)).astype(np.float32)
        top = math.log10(0.5)  # ½(y − ŷ)² ≤ ½: the squared error's whole range
        if job.net.loss.name != "mse":  # cross-entropy has no ceiling: what is there
            fin = img[np.isfinite(img)]
            top = min(max(float(np.percentile(fin, 98)) if fin.size else 0.0, top), 2.0)
        levels = (-4.0, top)
        if levels != tuple(self.colorbar.levels()):
            self.colorbar.setLevels(levels)
        self.map_image.setImage(np.ascontiguousarray(img), autoLevels=False, levels=levels)
        self.map_image.setRect(QRectF(lo, lo, hi - lo, hi - lo))

    @Slot()
    def _continue_map(self):
        if self.isVisible() and (self._map_job is not None or self._map_key != self._map_want):
            self.refresh()

    def showEvent(self, event):
        super().showEvent(event)
        # a map begun (or put off) before the tab was left: carry on without waiting for
        # the next change
        if self._map_job is not None or self._map_key != self._map_want:
            self._map_timer.start(0)


# ------------------------------------------------- learning-rate comparison
_SPLIT = re.compile(r"[,;\s]+")


def parse_learning_rates(text: str) -> list[float]:
    """'5e-10, 0.5, 5, 50' → [5e-10, 0.5, 5.0, 50.0]; ValueError with a message
    for the learner otherwise."""
    parts = [p for p in _SPLIT.split(text.strip()) if p]
    if not parts:
        raise ValueError("Type one or more learning rates separated by commas, "
                         "e.g. 0.5, 5, 50.")
    out = []
    for p in parts:
        try:
            v = parse_number(p)
        except ValueError:
            raise ValueError(f"“{p}” is not a number. Type learning rates separated by "
                             "commas, e.g. 5e-10, 0.5, 5, 50.") from None
        if not math.isfinite(v):
            raise ValueError(f"“{p}” is not a finite number.")
        if v < 0:
            raise ValueError(f"A learning rate cannot be negative (got {p}).")
        if v not in out:
            out.append(v)
    if len(out) > MAX_LRS:
        raise ValueError(f"Compare at most {MAX_LRS} learning rates at once.")
    return out


class LearningRateComparison(LivePlot):
    """The same start trained with several learning rates (full batch), all the
    runs computed together, their cost curves overlaid.

    A long comparison runs a slice at a time on a timer (the window stays live),
    with a progress bar and a Cancel button. When the data set, the bias or the
    parameters change afterwards, the curves are dimmed and marked out of date,
    with a one-click Refresh."""

    compared = Signal()  # a comparison finished and is drawn
    SLICE_SECONDS = 0.025  # work per timer tick: the window stays responsive

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.setAccessibleName("learning-rate comparison")
        self.lr_edit = QLineEdit(DEFAULT_LRS)
        self.lr_edit.setToolTip("Learning rates separated by commas")
        self.lr_edit.setAccessibleName("learning rates")
        self.lr_edit.returnPressed.connect(self.compare)
        self.epochs_box = QSpinBox()
        self.epochs_box.setRange(1, 100_000)
        self.epochs_box.setSingleStep(1000)
        self.epochs_box.setValue(5000)
        self.epochs_box.setAccessibleName("epochs")
        self.compare_btn = QPushButton("Compare")
        self.compare_btn.clicked.connect(self.compare)
        self.log_box = QCheckBox("log cost")
        self.log_box.setToolTip("Show the cost on a logarithmic axis")
        self.log_box.setChecked(True)
        self.log_box.toggled.connect(self._set_log)
        self.logx_box = QCheckBox("log epochs")
        self.logx_box.setToolTip("A logarithmic epoch axis shows the first few epochs (where "
                                 "a large step overshoots) and the long run together")
        self.logx_box.setChecked(True)
        self.logx_box.toggled.connect(self._set_log)
        self.message = QLabel("Press Compare to train the current start with each learning "
                              "rate.")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setAccessibleName("comparison progress")
        self.cancel_btn = QPushButton("Cancel")
        self.cancel_btn.setToolTip("Stop the comparison (nothing is drawn)")
        self.cancel_btn.clicked.connect(self.cancel)
        # one line beside the options (a row of its own squeezed the plot on a small
        # screen); elided, with the whole reason in its tooltip
        self.stale_label = Readout()
        self.stale_label.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.refresh_btn = QPushButton("Refresh")
        self.refresh_btn.setToolTip("Run the comparison again from the current start")
        self.refresh_btn.clicked.connect(self.compare)

        # the legend sits beside the plot: inside, it would hide some curve
        self.plot = pg.GraphicsLayoutWidget()
        self.plot.setBackground("w")
        self.plot.setAccessibleName("learning-rate comparison plot")
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        pi = self.plot.addPlot(row=0, col=0)
        # no title: the message under the plot says what was trained, and a title would
        # keep the plot wide enough to push the legend out of a narrow window
        style_plot(pi, "epoch", "cost")
        light_grid(pi)
        pi.setLogMode(x=True, y=True)
        pi.setDownsampling(auto=True, mode="peak")
        pi.setClipToView(True)
        self.plot_item = pi
        self.vb = pi.getViewBox()
        self.menu = PlotMenu(self, self.plot, [pi], self.reset_view)
        self.legend = pg.LegendItem(labelTextColor=INK, verSpacing=-4)
        self.plot.addItem(self.legend, row=0, col=1)
        self.legend.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.plot.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        self._items: list[pg.PlotDataItem] = []
        self._curves: dict[float, np.ndarray] = {}
        self._flags: dict[float, str] = {}
        self._start_key = None
        self._pal_name = "default"
        self._run: LRRun | None = None
        self._job = None  # (lrs, epochs, start key) of the run under way
        self._chunk = 2000
        self._default = None
        self.cancelled = False  # the learner stopped the last run
        self._timer_run = QTimer(self)
        self._timer_run.setInterval(0)
        self._timer_run.timeout.connect(self._tick)

        row = QHBoxLayout()
        row.addWidget(QLabel("α ="))
        row.addWidget(self.lr_edit, 2)
        row.addWidget(QLabel("epochs"))
        row.addWidget(self.epochs_box)
        row.addWidget(self.compare_btn)
        busy = QHBoxLayout()  # the axes' options, and the progress while a run goes on
        busy.addWidget(self.log_box)
        busy.addWidget(self.logx_box)
        busy.addStretch(1)
        busy.addWidget(self.stale_label, 6)
        busy.addWidget(self.refresh_btn)
        busy.addWidget(self.progress, 3)
        busy.addWidget(self.cancel_btn)
        busy.addWidget(self.menu.button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addLayout(busy)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.message)
        self._show_busy(False)
        self._show_stale("")

    # -------------------------------------------------------------- public
    def set_learning_rates(self, lrs):
        self.lr_edit.setText(", ".join(fmt_short(v) for v in lrs))

    def set_epochs(self, n: int):
        self.epochs_box.setValue(int(n))

    def curves(self) -> dict[float, np.ndarray]:
        """The cost curve drawn for each learning rate (finite values only)."""
        return {k: v.copy() for k, v in self._curves.items()}

    def flags(self) -> dict[float, str]:
        """Learning rates whose run was stopped, with the status' word ("Diverging", …)."""
        return dict(self._flags)

    @property
    def has_result(self) -> bool:
        return self._start_key is not None

    @property
    def running(self) -> bool:
        return self._run is not None

    @property
    def out_of_date(self) -> bool:
        """A comparison is shown but the start has changed since."""
        return self.has_result and self._current_start() != self._start_key

    def reset_view(self):
        """The whole of every curve in view again (after zoom or pan)."""
        if self._default is not None:
            (x0, x1), (y0, y1) = self._default
            self.vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def default_range(self):
        return self._default

    def set_palette(self, name: str):
        self._pal_name = name if name in LR_COLORS else "default"
        for i, it in enumerate(self._items):
            it.setPen(self._lr_pen(i))

    @Slot()
    def compare(self) -> bool:
        """Parse the learning rates and start training them all from the current
        parameters; the curves are drawn when the run ends (`compared`). False (and a
        message) when the input is not usable."""
        try:
            lrs = parse_learning_rates(self.lr_edit.text())
        except ValueError as exc:
            self._say(str(exc), error=True)
            return False
        eng = self.engine
        net, ds = eng.network, eng.dataset
        if ds.m == 0:
            self._say("No examples to train on: add examples on the decision boundary plot.",
                      error=True)
            return False
        if not _params_finite(net):
            self._say("The parameters are no longer finite: reset them first.", error=True)
            return False
        self.cancel(quiet=True)
        self.cancelled = False
        epochs = self.epochs_box.value()
        self._run = LRRun(net, ds.X, ds.Y, lrs, epochs)
        self._job = (lrs, epochs, self._current_start(), ds, net.copy())
        # the first slice guessed from the work of an epoch (a deep network on thousands
        # of examples takes milliseconds an epoch), then sized by the time it took
        self._chunk = int(min(2000, max(1, 3e6 // (ds.m * len(net.slots)))))
        self.progress.setValue(0)
        self._show_busy(True)
        self._say(f"Training {len(lrs)} learning rates for {epochs} epochs…")
        self._timer_run.start()
        return True

    @Slot()
    def cancel(self, quiet: bool = False):
        """Stop a comparison under way; nothing of it is drawn."""
        if self._run is None:
            return
        self._timer_run.stop()
        done, total = self._run.done_work, max(self._run.total, 1)
        self._run = self._job = None
        self._show_busy(False)
        if not quiet:
            self.cancelled = True  # so that showing the tab again does not restart it
            self._clear()
            self._say(f"Comparison cancelled at {round(100 * done / total)} %: nothing is "
                      "drawn. Press Compare to run it again.")

    # ------------------------------------------------------------- running
    @Slot()
    def _tick(self):
        run = self._run
        if run is None:
            self._timer_run.stop()
            return
        t0 = time.perf_counter()
        done = run.advance(self._chunk)
        dt = time.perf_counter() - t0
        # next slice sized so that one tick takes about SLICE_SECONDS
        scale = self.SLICE_SECONDS / dt if dt > 0 else 4.0
        self._chunk = int(min(max(self._chunk * min(scale, 4.0), 1), 10_000_000))
        self.progress.setValue(int(1000 * run.done_work / max(run.total, 1)))
        if done:
            self._timer_run.stop()
            lrs, epochs, key, ds, start = self._job
            self._run = self._job = None
            self._show_busy(False)
            self._start_key = key
            self._draw(lrs, run.result(), epochs, ds, start)
            self._redraw(True)
            self.compared.emit()

    def _show_busy(self, on: bool):
        self.progress.setVisible(on)
        self.cancel_btn.setVisible(on)
        self.compare_btn.setEnabled(not on)

    def _show_stale(self, text: str):
        self.stale_label.setText(text)
        self.stale_label.setVisible(bool(text))
        self.refresh_btn.setVisible(bool(text))
        for it in self._items:
            it.setOpacity(0.3 if text else 1.0)

    def _say(self, text: str, error: bool = False):
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00000;" if error else "")

    # ------------------------------------------------------------- drawing
    def _current_start(self):
        eng = self.engine
        net = eng.network
        return (id(eng.dataset), (tuple(s.name for s in net.slots), net.activation.name,
                                  net.loss.name, bool(net.feature_cross)), _net_key(net))

    def _lr_pen(self, i: int):
        colors = LR_COLORS[self._pal_name]
        return _pen(colors[i % len(colors)], 2, LR_STYLES[i % len(LR_STYLES)])

    def _clear(self):
        self.legend.clear()
        self._curves.clear()
        self._flags.clear()
        for it in self._items:
            it.setData([], [])
            it.setVisible(False)
        self._start_key = None
        self._default = None
        self._show_stale("")

    def _draw(self, lrs, res, epochs, ds, start):
        self.legend.clear()
        self._curves.clear()
        self._flags.clear()
        while len(self._items) < len(lrs):
            it = pg.PlotDataItem()
            self.plot_item.addItem(it)  # takes the plot's peak downsampling and clipping
            self._items.append(it)
        notes, finals = [], {}
        for i, it in enumerate(self._items):
            if i >= len(lrs):
                it.setData([], [])
                it.setVisible(False)
                continue
            lr = lrs[i]
            n = int(res.lengths[i])
            y = res.costs[i, :n]
            y = y[: np.argmax(~np.isfinite(y))] if not np.all(np.isfinite(y)) else y
            st = res.statuses[i]
            it.setVisible(True)
            it.setPen(self._lr_pen(i))
            # epochs counted from 1, so that a log axis can show the first one; a long
            # run is drawn as its peaks (the drawing, not the training, was the slow part)
            if y.size > 2 * MAX_BUCKETS:
                dec = PeakDecimator()
                dec.extend(y)
                dx, dy = dec.xy()
            else:
                dx, dy = np.arange(y.size, dtype=float), y
            it.setData(dx + 1.0, np.maximum(dy, LOG_FLOOR))
            self._curves[lr] = y
            name = f"α = {fmt_rate(lr)}"
            if st.ok:
                if y.size:
                    name += f": {fmt(y[-1])}"
                    finals[lr] = float(y[-1])
            else:
                word = status_title(st)
                self._flags[lr] = word
                name += f": {word} at epoch {n}"
                notes.append(f"α = {fmt_rate(lr)}: {st.message}")
            above = int(np.sum(y[1:] > y[0] * (1 + 1e-9))) if y.size else 0
            if above and st.ok:
                notes.append(f"α = {fmt_rate(lr)} overshoots: cost above the start for "
                             f"{above} epoch{'s' if above > 1 else ''}.")
            self.legend.addItem(it, name)
        if any(y.size and np.any(y == 0.0) for y in self._curves.values()):
            notes.append(f"Some cost reached 0 (shown at {fmt(LOG_FLOOR)} on the log scale).")
        notes.extend(self._winner_note(lrs, finals, res, ds, start))
        head = (f"Same start, full batch, {epochs} epochs on {ds.name} (legend: final "
                "cost).")
        self._say(" ".join([head, *notes]))
        self._fit(epochs)

    def _winner_note(self, lrs, finals, res, ds, start) -> list[str]:
        """Why the largest α can end lowest: with separable data there is no minimum
        at finite weights, so there is nothing to overshoot in the long run."""
        big = max(lrs)
        if len(finals) < 2 or big not in finals or min(finals, key=finals.get) != big:
            return []
        net = start.copy()
        for k, v in res.params[lrs.index(big)].items():
            net.set(k, v)
        with np.errstate(all="ignore"):
            yhat = net.predict(ds.X)
        if not np.all((yhat > 0.5) == (ds.Y > 0.5)):
            return [f"The largest α, {fmt_rate(big)}, ends lowest in these epochs."]
        return [f"Why α = {fmt_rate(big)} wins: {ds.name}'s classes can be split by a line, "
                "so its cost keeps falling as the weights grow. There is no minimum to "
                "overshoot in the long run; large steps just get there faster."]

    def _fit(self, epochs: int):
        """The default view: every epoch and every drawn cost."""
        # the curves hold finite values only: their extremes are enough
        ext = [(float(y.min()), float(y.max())) for y in self._curves.values() if y.size]
        ys = np.maximum(np.array(ext, dtype=float).ravel(), LOG_FLOOR)
        logx, logy = self.logx_box.isChecked(), self.log_box.isChecked()
        xr = (0.0, math.log10(max(epochs, 10))) if logx else (0.0, float(max(epochs, 10)))
        if ys.size == 0:
            yr = (-3.0, 0.0) if logy else (0.0, 0.5)
        elif logy:
            yr = (math.floor(math.log10(ys.min()) - 0.05), math.ceil(math.log10(ys.max())
                                                                     + 0.05))
        else:
            yr = (0.0, nice_ceil(float(ys.max()) * 1.04))
        self._default = (xr, yr)
        self.reset_view()

    @Slot(bool)
    def _set_log(self, _on: bool):
        self.plot_item.setLogMode(x=self.logx_box.isChecked(), y=self.log_box.isChecked())
        if self._curves:
            self._fit(self.epochs_box.value() if self._job is None else self._job[1])

    def _redraw(self, force: bool):
        """Nothing to recompute on a step: training thousands of epochs per rate is
        too slow to redo at display rate. Mark the curves out of date when the start
        has changed since they were computed."""
        if self._start_key is None:
            self._show_stale("")
            return
        now = self._current_start()
        if now == self._start_key:
            self._show_stale("")
            return
        what = ("the data set" if now[0] != self._start_key[0] else
                "the network" if now[1] != self._start_key[1] else "the parameters")
        self._show_stale(f"Out of date: {what} changed since this comparison.")


# ------------------------------------------------------------------- panel
class PlotsPanel(QWidget):
    """Decision boundary and loss curve side by side; landscape and learning-rate
    comparison in tabs."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.boundary = DecisionBoundaryPlot(session)
        self.loss = LossCurvePlot(session)
        self.landscape = LandscapePlot(session)
        self.lr_compare = LearningRateComparison(session)
        self.tabs = QTabWidget()
        first = QSplitter(Qt.Orientation.Horizontal)
        first.addWidget(self.boundary)
        first.addWidget(self.loss)
        first.setChildrenCollapsible(False)
        first.setStretchFactor(0, 1)
        first.setStretchFactor(1, 1)
        # A narrow window shows shorter names (the full one as a tooltip) rather than
        # scroll arrows that hide tabs; eliding is the last resort.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self._tab_names: list[tuple[str, str]] = []
        self.add_tab(first, "Boundary && loss", "Boundary")
        self.add_tab(self.landscape, "Loss landscape", "Landscape")
        self.add_tab(self.lr_compare, "Learning rates", "Rates")
        self.tabs.currentChanged.connect(self._tab_changed)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.tabs)

    @property
    def plots(self) -> list[LivePlot]:
        return [self.boundary, self.loss, self.landscape, self.lr_compare]

    def add_tab(self, widget, name: str, short: str | None = None,
                tip: str | None = None) -> int:
        """A tab named `name`, or `short` when the full names do not fit the width."""
        i = self.tabs.addTab(widget, name)
        self._tab_names.append((name, short or name))
        if tip:
            self.tabs.setTabToolTip(i, tip)
        self._fit_tab_names()
        return i

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_tab_names()

    def _fit_tab_names(self):
        bar = self.tabs.tabBar()
        fm = bar.fontMetrics()
        # each tab's width less its text's: the frame and margins the style adds
        pad = sum(bar.tabSizeHint(i).width() - fm.horizontalAdvance(bar.tabText(i))
                  for i in range(bar.count()))
        full = sum(fm.horizontalAdvance(n.replace("&&", "&")) for n, _ in self._tab_names)
        short = full + pad > self.tabs.width()
        for i, (name, brief) in enumerate(self._tab_names):
            text = brief if short else name
            if bar.tabText(i) != text:
                bar.setTabText(i, text)
            if short and brief != name and not bar.tabToolTip(i):
                bar.setTabToolTip(i, name.replace("&&", "&"))

    def set_auto_refresh(self, on: bool):
        """False: the plots wait for `refresh()` (for a main window that redraws from
        its own frame timer while training plays)."""
        for p in self.plots:
            p.auto_refresh = bool(on)

    def refresh(self, include_hidden: bool = False):
        """Redraw what changed, in the plots on the current tab (all plots with
        include_hidden). Cheap when nothing changed."""
        for p in self.plots:
            if include_hidden or p.isVisibleTo(self):
                p.refresh()
            else:
                p._stale = True

    TABS = {"loss": 0, "boundary": 0, "landscape": 1, "rates": 2}

    def apply_lesson(self, setup: dict):
        """A lesson's plot settings, after `Session.apply_setup`: "slice" (the landscape's
        parameter), "lrs" (the comparison's learning rates; it is run at once) and "tab"
        (loss, boundary, landscape or rates). Absent keys change nothing, but for the tab:
        a lesson without one starts on the boundary and loss, not on a tab an earlier
        lesson (or the learner) left in front."""
        if "slice" in setup:
            names = [s.name for s in self.session.engine.network.slots]
            if setup["slice"] in names:  # b on a lesson without bias: keep the current one
                self.landscape.set_parameter_name(setup["slice"])
        if "lrs" in setup:
            self.lr_compare.set_learning_rates(setup["lrs"])
            self.lr_compare.compare()
        elif self.lr_compare.running:
            self.lr_compare.cancel()
        self.tabs.setCurrentIndex(self.TABS.get(setup.get("tab"), 0))

    def set_palette(self, name: str):
        """Recolour every plot: "default" or "colorblind" (gui.palette.PALETTES)."""
        if name not in PALETTES:
            raise ValueError(f"unknown palette {name!r}; choose one of {', '.join(PALETTES)}")
        pal = PALETTES[name]
        self.boundary.set_palette(pal)
        self.loss.set_palette(pal)
        self.landscape.set_palette(pal)
        self.lr_compare.set_palette(name)

    @Slot(int)
    def _tab_changed(self, _index: int):
        w = self.tabs.currentWidget()
        lc = self.lr_compare
        if w is lc and not (lc.has_result or lc.running or lc.cancelled):
            self.lr_compare.compare()
        for p in self.plots:
            if p._stale and p.isVisibleTo(self):
                p.refresh()


__all__ = [
    "DecisionBoundaryPlot", "LandscapePlot", "LearningRateComparison", "LivePlot",
    "LossCurvePlot", "PeakDecimator", "PlotsPanel", "make_plot", "parse_learning_rates",
]
