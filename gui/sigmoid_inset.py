"""A small plot of the output unit's sigmoid (or a hidden unit's tanh or ReLU): each
example of the pass as a dot at (z, ŷ), and the tangent at it, whose slope is the local
gradient ∂ŷ/∂z = ŷ(1 − ŷ) the backward pass multiplies by. A saturated neuron is seen
sitting on a flat plateau, where the tangent lies flat and the gradient vanishes.

The dots follow the pass as the diagram does: they appear once z and ŷ have been
computed (engine.shown_values()). The tangent is drawn dashed from then on, as a preview
(its slope follows from ŷ alone), and solid once the backward pass has computed ∂ŷ/∂z.
With cross-entropy the output's ∂ŷ/∂z is never computed (σ′ cancels: ∂L/∂z = ŷ − y), so
its tangent stays dashed and the caption says why.

A z far outside the curve (±1e5 after a far too large step) is drawn at the plot's edge
as an arrow, and the caption gives its value ("z = 1.2×10⁵, off the plot →").
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
)

# isort: split
import pyqtgraph as pg  # after PySide6, so that pyqtgraph binds to it

from core.symbols import MINUS, fmt, sup

from .palette import PALETTES
from .plots import LivePlot

HALF_SPAN = 6.0  # the z axis shows at least −6 … 6: the whole bend of a sigmoid
MAX_SPAN = 30.0  # and at most −30 … 30; a z beyond MAX_SPAN is off the plot
MAX_TANGENTS = 8  # a tangent per example up to this many; more would be a thicket
TANGENT_HALF = 0.18  # each tangent is drawn over this part of the z axis either side
EDGE = 0.94  # a dot off the plot is drawn as an arrow this far out (of the half span)
FLAT = 1e-3  # a slope below this: the unit sits on a plateau (saturated)
CURVE_POINTS = 241
PLOT_HEIGHT = 130  # at most; in a short column (a lesson open at 1024×700) less...
MIN_PLOT_HEIGHT = 56  # ...down to this, and the caption to fewer lines
CAPTION_LINES = 3
NO_ROOM = "No room for the curve: hide the lesson text or make the window taller."
INK = QColor(60, 60, 60)
GRID = QColor(222, 222, 222)


def _big(v: float, digits: int) -> str:
    """A z for the caption: from 1000 on, two figures and a power of ten ("1.2×10⁵")."""
    v = float(v)
    if not math.isfinite(v) or abs(v) < 1000:
        return fmt(v, digits)
    mantissa, exp = f"{abs(v):.1e}".split("e")
    return (MINUS if v < 0 else "") + f"{mantissa}×10{sup(int(exp))}"


def unit_of(net, name: str) -> tuple[int, int] | None:
    """The unit a parameter belongs to (layer, unit), or None if the name is not the
    network's."""
    try:
        slot = net.slot(name)
    except Exception:  # noqa: BLE001 - a name of another network: no unit
        return None
    return slot.layer, slot.index[0]


class SigmoidInset(LivePlot):
    """The activation curve of one unit (the output by default), with the pass's dots."""

    unitChanged = Signal()

    def __init__(self, session, parent=None):
        super().__init__(session, parent)
        self.digits = 3
        self.palette = PALETTES["default"]
        self._unit: tuple[int, int] | None = None  # None: the output unit
        self.setAccessibleName("activation curve")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-weight: bold")
        self.unit_box = QComboBox()
        self.unit_box.setAccessibleName("unit of the curve")
        self.unit_box.setToolTip("Whose activation to draw: the output ŷ or a hidden unit "
                                 "(clicking a parameter on the diagram picks its unit)")
        self.unit_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.unit_box.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.unit_box.activated.connect(self._unit_chosen)

        self.plot = pg.PlotWidget(background="w")
        self.plot.setFixedHeight(PLOT_HEIGHT)
        self.plot.setMinimumWidth(120)
        self.plot.setAccessibleName("activation curve plot")
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(False, False)
        item.vb.setDefaultPadding(0.0)
        for side in ("bottom", "left"):
            ax = item.getAxis(side)
            ax.setPen(pg.mkPen(GRID))
            ax.setTextPen(pg.mkPen(INK))
            ax.setGrid(255)
            ax.setStyle(maxTickLevel=0, tickTextOffset=2)
        item.getAxis("left").setWidth(30)
        item.getAxis("bottom").setHeight(20)
        self.curve = pg.PlotDataItem(pen=pg.mkPen(INK, width=2))
        self.tangent_item = pg.PlotDataItem(connect="pairs")
        self.dot_item = pg.ScatterPlotItem(size=9, symbol="o", pen=pg.mkPen("w", width=1))
        self._dot_colour = ""
        self._drawn = None  # the key of what is drawn: an unchanged pass is not redrawn
        self.edge_item = pg.ScatterPlotItem(size=12)  # arrows for the dots off the plot
        for it in (self.curve, self.tangent_item, self.dot_item, self.edge_item):
            item.addItem(it)

        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setAccessibleName("activation curve caption")
        self.caption.setStyleSheet("color: #333")

        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title, 1)
        head.addWidget(self.unit_box)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(head)
        lay.addWidget(self.plot)
        lay.addWidget(self.caption)

        self._dots: list[tuple[float, float]] = []
        self._tangents: list[tuple[float, float, float]] = []
        self._off: list[float] = []
        self._revealed = False
        self._span = HALF_SPAN
        self._parts: list[str] = []  # the caption's sentences, most important first
        self._lines = CAPTION_LINES
        self._host = None
        self._wanted = True  # the learner's choice (View menu)
        self._squeezed = False  # hidden for want of room
        self._places: list[tuple[int, int]] = []  # the unit list's entries
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(0)
        self._fit_timer.timeout.connect(self.fit)
        session.networkChanged.connect(self._network_changed)
        self._network_changed()
        self._set_heights(PLOT_HEIGHT, CAPTION_LINES)

    # ------------------------------------------------------------ reading (tests)
    def dots(self) -> list[tuple[float, float]]:
        """(z, a) of each example whose values are shown, as computed (even off the plot)."""
        return list(self._dots)

    def tangents(self) -> list[tuple[float, float, float]]:
        """(z, a, slope) of each tangent drawn."""
        return list(self._tangents)

    def off_plot(self) -> list[float]:
        """The z of the dots beyond the plot's edge."""
        return list(self._off)

    @property
    def tangent_revealed(self) -> bool:
        """Has the backward pass computed ∂a/∂z (solid tangent), or is it a preview?"""
        return self._revealed

    def tangent_style(self) -> Qt.PenStyle:
        return self.tangent_item.opts["pen"].style()

    def colours(self) -> tuple[QColor, QColor]:
        """(the dots' colour, the tangents' colour)."""
        return (QColor(self.dot_item.opts["brush"].color()),
                QColor(self.tangent_item.opts["pen"].color()))

    def x_range(self) -> tuple[float, float]:
        return -self._span, self._span

    def caption_text(self) -> str:
        """The caption as shown (the sentences that fit)."""
        return self.caption.text()

    @property
    def unit(self) -> tuple[int, int]:
        net = self.engine.network
        return self._unit if self._unit is not None else (net.depth - 1, 0)

    # ------------------------------------------------------------ settings
    def set_palette(self, name: str):
        """"default" or "colorblind": dots in the forward colour, tangents in the
        backward colour (a local gradient), as on the diagram."""
        self.palette = PALETTES[name]
        self.refresh()

    def set_digits(self, d: int):
        self.digits = int(d)
        self.refresh()

    @Slot(str)
    def follow_parameter(self, name: str):
        """A parameter was selected: draw the curve of the unit it feeds."""
        place = unit_of(self.engine.network, name)
        if place is not None:
            self.set_unit(*place)

    def set_unit(self, layer: int | None, unit: int = 0):
        """The unit whose curve is drawn (layer None, or the last: the output)."""
        net = self.engine.network
        if layer is None or layer >= net.depth - 1:
            self._unit = None
        elif 0 <= layer and 0 <= unit < net.linears[layer].units:
            self._unit = (layer, unit)
        else:
            return
        if self.unit in self._places:
            self.unit_box.setCurrentIndex(self._places.index(self.unit))
        self.unitChanged.emit()
        self.refresh()

    @Slot(int)
    def _unit_chosen(self, index: int):
        if 0 <= index < len(self._places):
            self.set_unit(*self._places[index])

    @Slot()
    def _network_changed(self):
        net = self.engine.network
        self._unit = None
        self.unit_box.clear()
        self._places = [(net.depth - 1, 0)]
        self.unit_box.addItem("output ŷ")
        for layer in range(net.depth - 1):
            for i in range(net.linears[layer].units):
                self.unit_box.addItem(f"hidden {net.a_symbol(layer, i)}")
                self._places.append((layer, i))
        self.unit_box.setVisible(net.depth > 1)
        self._fit_timer.start()  # the title row is as tall as the list, when it shows
        self.schedule()

    # ------------------------------------------------------------ drawing
    def _redraw(self, force: bool):
        e = self.engine
        net = e.network
        layer, unit = self.unit
        act = net.activations[layer]
        zid, aid = net.z_id(layer, unit), net.a_id(layer, unit)
        zsym, asym = net.z_symbol(layer, unit), net.a_symbol(layer, unit)
        output = layer == net.depth - 1
        self.title.setText(f"{asym} = {act.symbol}({zsym})" +
                           ("" if output else f", a hidden unit ({act.title})"))
        shown = e.shown_values()
        zs, as_ = shown.get(f"node:{zid}"), shown.get(f"node:{aid}")
        grad = shown.get(f"edge:{zid}->{aid}#grad")
        key = (id(net), net.loss.name, layer, unit, zs, as_, grad, self.palette,
               self.digits)
        if key == self._drawn and not force:
            return
        self._drawn = key
        # with cross-entropy the output's hop is ∂L/∂z itself: σ′ is never computed
        cancels = output and not net.loss.via_yhat
        self._revealed = grad is not None and not cancels
        if zs is None or as_ is None:
            z = a = np.empty(0)
        else:
            z = np.asarray(zs.value, dtype=float).reshape(-1)
            a = np.asarray(as_.value, dtype=float).reshape(-1)
        with np.errstate(all="ignore"):
            slope = (np.asarray(grad.local, dtype=float).reshape(-1) if self._revealed
                     else act.local(a))
        if slope.size != z.size:  # a local given once for every example
            slope = np.broadcast_to(slope, z.shape)

        finite = np.isfinite(z) & np.isfinite(a)
        near = finite & (np.abs(z) <= MAX_SPAN)
        far = ~finite | (np.abs(z) > MAX_SPAN)
        biggest = float(np.max(np.abs(z[near]))) if near.any() else 0.0
        self._span = span = min(MAX_SPAN, max(HALF_SPAN, math.ceil(1.15 * biggest)))
        self._dots = [(float(zi), float(ai)) for zi, ai in zip(z, a)]
        self._off = [float(zi) for zi in z[far]]

        # the curve, and a y range that holds it and the arrows
        xs = np.linspace(-span, span, CURVE_POINTS)
        ys = act.forward(xs)
        self.curve.setData(xs, ys)
        lo, hi = (-0.08, 1.08) if act.name == "sigmoid" else \
            (-1.1, 1.1) if act.name == "tanh" else (-0.08 * span, 1.05 * span)
        item = self.plot.getPlotItem()
        item.setXRange(-span, span, padding=0)
        item.setYRange(lo, hi, padding=0)
        item.getAxis("bottom").setLabel("")
        pal = self.palette

        if self._dot_colour != pal.forward.name():  # per point, so only when it changes
            self._dot_colour = pal.forward.name()
            self.dot_item.setBrush(pg.mkBrush(pal.forward))
        self.dot_item.setData(z[near], a[near])
        # off the plot: an arrow at the edge, at the height the unit saturates to
        edge_x = np.where(np.nan_to_num(z, nan=1.0) < 0, -EDGE * span, EDGE * span)
        if far.any():
            ey = np.clip(np.nan_to_num(a[far], nan=0.5), lo + 0.04 * (hi - lo),
                         hi - 0.04 * (hi - lo))
            sym = ["t3" if v < 0 else "t2" for v in np.nan_to_num(z[far], nan=1.0)]
            self.edge_item.setData(edge_x[far], ey, symbol=sym,
                                   brush=pg.mkBrush(pal.forward), pen=pg.mkPen(pal.forward))
        else:
            self.edge_item.setData([], [])

        # tangents: y = a + s·(x − z) over a short stretch either side of the dot (for a
        # dot off the plot, inward from its arrow: as flat as the plateau it sits on)
        self._tangents = []
        seg_x, seg_y = [], []
        idx = np.flatnonzero(np.isfinite(z) & np.isfinite(a) & np.isfinite(slope))
        if 0 < len(idx) <= MAX_TANGENTS:
            h = TANGENT_HALF * span
            for k in idx:
                zi, ai, si = float(z[k]), float(a[k]), float(slope[k])
                self._tangents.append((zi, ai, si))
                if near[k]:
                    x0, x1, at = zi - h, zi + h, zi
                else:
                    at = float(edge_x[k])
                    x0, x1 = (at - 2 * h, at) if at > 0 else (at, at + 2 * h)
                seg_x += [x0, x1]
                seg_y += [ai + si * (x0 - at), ai + si * (x1 - at)]
        style = Qt.PenStyle.SolidLine if self._revealed else Qt.PenStyle.DashLine
        self.tangent_item.setData(seg_x, seg_y, connect="pairs",
                                  pen=pg.mkPen(pal.backward, width=2, style=style))
        self._parts = self._caption(act, output, cancels, z, a, slope, near, far, zsym, asym)
        self._show_caption()

    # ------------------------------------------------------------ room
    def _set_heights(self, plot: int, lines: int):
        """The plot `plot` px tall (0: no room, hidden) and the caption `lines` lines."""
        self._lines = lines
        line = self.caption.fontMetrics().lineSpacing()
        self.caption.setFixedHeight(lines * line + 2)
        self.caption.setVisible(lines > 0)
        self.plot.setVisible(plot > 0)
        if plot > 0:
            self.plot.setFixedHeight(plot)
        self.setFixedHeight(self._fixed_height() + plot + (lines * line + 2 if lines else 0))
        self._show_caption()

    def set_wanted(self, on: bool):
        """Shown or hidden by the learner (View → Activation curve); shown only while
        the column has room for it."""
        self._wanted = bool(on)
        self.setVisible(self._wanted and not self._squeezed)
        if self._wanted:
            self.fit()

    @property
    def squeezed(self) -> bool:
        """Hidden because the column has no room even for its title line?"""
        return self._squeezed

    @property
    def has_room(self) -> bool:
        """Is the curve drawn (False: the column is too short for it just now)?"""
        return not self._squeezed and not self.plot.isHidden()

    def _title_row_height(self) -> int:
        return max(self.title.sizeHint().height(),
                   self.unit_box.sizeHint().height() if self.unit_box.isVisibleTo(self) else 0)

    def _fixed_height(self) -> int:
        lay = self.layout()
        m = lay.contentsMargins()
        return self._title_row_height() + 2 * lay.spacing() + m.top() + m.bottom()

    def eventFilter(self, obj, event):
        if obj is self._host and event.type() in (QEvent.Type.Resize,
                                                  QEvent.Type.LayoutRequest):
            # at once, before the column is laid out with the old height; and once more
            # after it, when the widgets above may have taken their new heights
            self.fit()
            self._fit_timer.start()
        return False

    def showEvent(self, event):
        host = self.parentWidget()
        if host is not self._host and host is not None:
            if self._host is not None:
                self._host.removeEventFilter(self)
            self._host = host
            host.installEventFilter(self)
        self.fit()
        super().showEvent(event)

    @Slot()
    def fit(self):
        """As tall as the column has room for once the widgets above it have what they
        need (never squeezing them into each other): the plot up to PLOT_HEIGHT, down to
        MIN_PLOT_HEIGHT; with less room than that, no plot and a caption saying so."""
        host = self._host
        lay = host.layout() if host is not None else None
        if lay is None:
            return
        m = lay.contentsMargins()
        need, n = m.top() + m.bottom(), 0
        for i in range(lay.count()):
            w = lay.itemAt(i).widget()
            if w is None or w is self or w.isHidden():
                continue
            hfw = w.heightForWidth(w.width()) if w.hasHeightForWidth() else 0
            need += max(w.minimumSizeHint().height(), w.minimumHeight(), hfw)
            n += 1
        need += lay.spacing() * n
        line = self.caption.fontMetrics().lineSpacing()
        left = self._available(host) - need
        # not even room for the title and one line saying why there is no curve: out of
        # the way altogether until there is (a bare title explains nothing)
        self._squeezed = left < self._fixed_height() + line + 2
        if self.isHidden() != (self._squeezed or not self._wanted):
            self.setVisible(self._wanted and not self._squeezed)
        if self._squeezed:
            return
        room = left - self._fixed_height() - 2
        plot, lines = 0, max(0, min(2, room // line))
        for k in (CAPTION_LINES, 2):
            if room - k * line >= MIN_PLOT_HEIGHT:
                plot, lines = min(PLOT_HEIGHT, room - k * line), k
                break
        if (plot, lines) != (self.plot.height() if self.has_room else 0, self._lines):
            self._set_heights(plot, lines)

    @staticmethod
    def _available(host) -> int:
        """The column's height, less what a scrolling page around it has pushed out of
        view (grown to hold a taller inset: that height is no room)."""
        height = host.height()
        p = host.parentWidget()
        while p is not None:
            if isinstance(p, QScrollArea) and p.widget() is not None:
                return height - max(0, p.widget().height() - p.viewport().height())
            p = p.parentWidget()
        return height

    def _show_caption(self):
        """As many of the caption's sentences as fit its lines; all in the tooltip."""
        parts = list(self._parts)
        if not self.has_room:
            parts.insert(0, NO_ROOM)
        full = " ".join(parts)
        self.caption.setToolTip(full)
        width = max(50, self.caption.width())
        room = self.caption.height()
        fm = self.caption.fontMetrics()
        shown = parts
        while len(shown) > 1 and fm.boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap,
                " ".join(shown)).height() > room:
            shown.pop()
        self.caption.setText(" ".join(shown))

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._show_caption()

    def caption_full_text(self) -> str:
        """Every sentence of the caption, shown or not (the tooltip)."""
        return " ".join(self._parts)

    def _caption(self, act, output, cancels, z, a, slope, near, far, zsym,
                 asym) -> list[str]:
        """The caption's sentences, the most important first (a short caption keeps
        those)."""
        d = self.digits
        dsym = f"∂{asym}/∂{zsym}"
        if z.size == 0:
            return [f"The dot appears once the forward pass computes {zsym} and {asym} "
                    "(→ or F)."]
        parts = []
        rule = {"sigmoid": f"{asym}(1 − {asym})", "tanh": f"1 − {asym}²",
                "relu": f"1 if {zsym} > 0, else 0"}.get(act.name, "")
        ok = np.isfinite(slope)
        if z.size == 1:
            parts.append(f"{zsym} = {_big(z[0], d)}, {asym} = {fmt(a[0], d)}.")
            if np.isfinite(slope[0]):
                parts.append(f"Slope {dsym} = {rule} = {fmt(slope[0], d)}.")
        elif ok.any():
            s = slope[ok]
            lo, hi = fmt(np.min(s), d), fmt(np.max(s), d)
            parts.append(f"{z.size} examples, slopes {dsym} all {lo}." if lo == hi else
                         f"{z.size} examples, slopes {dsym} from {lo} to {hi}.")
        else:
            parts.append(f"{z.size} examples.")
        with np.errstate(all="ignore"):
            s_all = np.abs(act.local(a[np.isfinite(a)]))
        if s_all.size and np.all(s_all < FLAT):
            if act.name == "relu":
                parts.append(f"The ReLU is off ({zsym} ≤ 0): slope 0, no gradient passes.")
            else:
                parts.append("Flat: the unit is saturated, almost no gradient flows back.")
        if far.any():
            parts.append(self._off_text(z[far], zsym))
        if cancels:
            parts.append(f"Dashed: cross-entropy never needs {dsym} (σ′ cancels, "
                         f"∂L/∂{zsym} = ŷ − y).")
        elif not self._revealed:
            parts.append("Dashed until the backward pass computes it.")
        return parts

    def _off_text(self, zf: np.ndarray, zsym: str) -> str:
        d = self.digits
        if zf.size == 1:
            v = zf[0]
            if not np.isfinite(v) and not np.isinf(v):
                return f"{zsym} is not a number: the network overflowed."
            return (f"{zsym} = {_big(v, d)}, off the plot →" if v > 0 else
                    f"← {zsym} = {_big(v, d)}, off the plot")
        right, left = zf[zf > 0], zf[zf < 0]
        bits = []
        if left.size:
            bits.append(f"← {left.size} off the plot ({zsym} down to "
                        f"{_big(np.min(left), d)})")
        if right.size:
            bits.append(f"{right.size} off the plot ({zsym} up to {_big(np.max(right), d)}) →")
        nan = zf.size - left.size - right.size
        if nan:
            bits.append(f"{nan} not a number")
        return "; ".join(bits) + "."


__all__ = ["SigmoidInset", "unit_of"]
