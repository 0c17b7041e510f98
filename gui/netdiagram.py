"""Any network but the plain neuron drawn as a computational graph, one column per layer.

Inputs x₁, x₂ (and x₃ = x₁·x₂ for the feature cross) on the left, each hidden unit a
node (z and its activation a in one node), the output unit ŷ, then the loss. Every
unit of a layer is joined to every unit of the next by an edge whose colour and width
say the weight's sign and size (as in TensorFlow Playground); exact numbers show on
the current step's edge, the selected parameter's and on hover. A unit with a bias
wears a small "b" tag. Each unit can show a heatmap of its activation over the input
plane.

Unlike `DiagramView`, the scene is laid out in viewport pixels (the view never
scales it): every text is drawn at its real size, 12 px, however many units there are.
What cannot all fit (2-8-8-1) is chosen by priority: the current step's computation,
the hovered and selected items, the current step's neighbours, the output and loss,
then the rest, each placed where it overlaps nothing already placed, else hidden.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsView,
    QToolTip,
)

from core.symbols import fmt, fmt_full, fmt_rate, sup

from .diagram import FILLS, INK, MUTED, DiagramSettings, NodeItem, _font, vector_text
from .export import add_export_actions

VALUE_PX = 12  # on screen: the view never scales the scene
NODE_PX = 13
NOTE_PX = 12
GRID = 24  # heatmap resolution (cells per side)
POS_W, NEG_W = QColor("#2f6db5"), QColor("#e0722b")  # weight sign, as TF Playground's
IDLE = QColor("#b0b0b0")
MAX_ROW = 4  # a batch row shows up to this many values; a longer one its ends and a count
FN = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU"}


def row_text(arr, digits: int, exact_int: bool = False) -> str:
    """One value, or a batch as one compact row: a long one keeps its ends and a count."""
    arr = np.asarray(arr, dtype=float).reshape(-1)
    if arr.size <= MAX_ROW:
        return vector_text(arr, digits, exact_int=exact_int, column=False)
    ints = exact_int and bool(np.all(arr == np.round(arr)))
    parts = [fmt(v, digits, exact_int=ints) for v in arr[:2]]
    return f"[{', '.join(parts)}, …, {fmt(arr[-1], digits, exact_int=ints)}] ({arr.size})"


def tip_text(parts) -> str:
    """A tooltip from (text, value) parts, written only when shown (fmt_full of every
    value at every refresh would cost more than the rest of it): values at full precision,
    a long batch by its first few and a count."""
    out = []
    for text, v in parts:
        out.append(text)
        if v is None:
            continue
        arr = np.asarray(v, dtype=float).reshape(-1)
        if arr.size > 8:
            out.append(f"{fmt_full(arr[:6])[:-1]}, …] ({arr.size} values)")
        else:
            out.append(fmt_full(arr if arr.size > 1 else arr[0]))
    return "".join(out).strip("\n")


# ---------------------------------------------------------------------- items
class Node(NodeItem):
    """An input, x₃ or the loss: `NodeItem` at this diagram's on-screen text size."""

    def __init__(self, kind: str, text: str, w: float, h: float, view):
        super().__init__(kind, text, w, h, view)
        self._font = _font(NODE_PX)
        self.setZValue(1)

    def resize(self, w: float, h: float) -> None:
        self.prepareGeometryChange()
        self._w, self._h = w, h

    def size(self) -> tuple[float, float]:
        return self._w, self._h

    def edge_point(self, towards: QPointF) -> QPointF:
        return _ellipse_point(self.pos(), self._w / 2, self._h / 2, towards,
                              rect=self._kind == "loss")


def _ellipse_point(c: QPointF, rx: float, ry: float, towards: QPointF,
                   rect: bool = False) -> QPointF:
    """Where the line from centre `c` towards `towards` leaves the node's outline."""
    dx, dy = towards.x() - c.x(), towards.y() - c.y()
    if dx == 0 and dy == 0:
        return QPointF(c)
    if rect:
        t = min(rx / abs(dx) if dx else math.inf, ry / abs(dy) if dy else math.inf)
    else:
        t = 1 / math.hypot(dx / rx, dy / ry)
    return QPointF(c.x() + dx * t, c.y() + dy * t)


class UnitItem(QGraphicsItem):
    """A hidden or output unit: a rounded square, its heatmap inside, its symbol on a
    small white tag, and a "b" tag at the top-left corner when it has a bias."""

    def __init__(self, key: str, text: str, output: bool, bias: bool, view):
        super().__init__()
        self.key, self.text, self._output, self._bias, self._view = key, text, output, bias, view
        self._s = 30.0
        self._image: QImage | None = None
        self._hl = self._bias_hl = self._sel = self._bias_sel = False
        self._font = _font(NODE_PX)
        self.setZValue(1)

    def resize(self, s: float) -> None:
        self.prepareGeometryChange()
        self._s = s

    def size(self) -> float:
        return self._s

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def set_state(self, hl: bool, bias_hl: bool, sel: bool, bias_sel: bool) -> None:
        if (hl, bias_hl, sel, bias_sel) != (self._hl, self._bias_hl, self._sel, self._bias_sel):
            self._hl, self._bias_hl, self._sel, self._bias_sel = hl, bias_hl, sel, bias_sel
            self.update()

    def bias_rect(self) -> QRectF:
        r = 8.0
        h = self._s / 2
        return QRectF(-h - r, -h - r, 2 * r, 2 * r)

    def edge_point(self, towards: QPointF) -> QPointF:
        h = self._s / 2
        return _ellipse_point(self.pos(), h, h, towards, rect=True)

    def boundingRect(self) -> QRectF:
        m = self._s / 2 + 14
        return QRectF(-m, -m, 2 * m, 2 * m)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        h = self._s / 2
        path.addRect(QRectF(-h, -h, self._s, self._s))
        path.addEllipse(self.bias_rect())
        return path

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pal = self._view.colours
        h = self._s / 2
        r = QRectF(-h, -h, self._s, self._s)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._hl:
            glow = QColor(pal.highlight)
            glow.setAlpha(150)
            painter.setPen(QPen(glow, 10))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(r, 5, 5)
        fill, border = FILLS["sigma" if self._output else "z"]
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        painter.drawRoundedRect(r, 5, 5)
        if self._image is not None:
            painter.drawImage(r.adjusted(1, 1, -1, -1), self._image)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(border, 2 if not self._sel or self._bias_sel else 3.5))
        painter.drawRoundedRect(r, 5, 5)
        if self._hl:  # shape as well as colour: a dashed dark outline
            painter.setPen(QPen(INK, 1.5, Qt.PenStyle.DashLine))
            painter.drawRoundedRect(r.adjusted(-5, -5, 5, 5), 7, 7)
        # the symbol on a small white tag, legible over any heatmap, if it fits
        painter.setFont(self._font)
        fm = QFontMetricsF(self._font)
        tw, th = fm.horizontalAdvance(self.text) + 6, fm.height()
        if tw > self._s - 6:  # a small unit: its heatmap is what shows, the symbol on hover
            self._paint_bias(painter, pal)
            return
        tag = QRectF(-tw / 2, -th / 2, tw, th)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(255, 255, 255, 215))
        painter.drawRoundedRect(tag, 3, 3)
        painter.setPen(INK)
        painter.drawText(tag, Qt.AlignmentFlag.AlignCenter, self.text)
        self._paint_bias(painter, pal)

    def _paint_bias(self, painter: QPainter, pal) -> None:
        if self._bias:
            br = self.bias_rect()
            if self._bias_hl:
                glow = QColor(pal.highlight)
                glow.setAlpha(170)
                painter.setPen(QPen(glow, 8))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(br)
            bfill, bborder = FILLS["bias"]
            painter.setBrush(bfill)
            painter.setPen(QPen(INK if self._bias_sel else bborder, 3 if self._bias_sel else 1.5))
            painter.drawEllipse(br)
            if self._bias_hl:
                painter.setPen(QPen(INK, 1.2, Qt.PenStyle.DashLine))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(br.adjusted(-4, -4, 4, 4))
            f = _font(11)
            f.setBold(True)
            painter.setFont(f)
            painter.setPen(INK)
            painter.drawText(br, Qt.AlignmentFlag.AlignCenter, "b")


class EdgeItem(QGraphicsItem):
    """A line from one node to another that follows them (Qt's elasticnodes Edge).

    A weight edge is coloured by the weight's sign (solid +, dashed −: colour is never
    the only cue) and as thick as its size; other edges (x₁, x₂ → x₃; ŷ → loss) are
    grey until their value is computed, then drawn in the forward colour."""

    def __init__(self, key: str, source, dest, view, weight: bool = True):
        super().__init__()
        self.key, self.source, self.dest, self._view, self._weight = (key, source, dest,
                                                                      view, weight)
        self._w = 0.0
        self._width = 1.5
        self._live = self._hl = self._sel = False
        self._line = (QPointF(), QPointF())
        self._path = QPainterPath()
        self._shape = QPainterPath()
        self.setZValue(0)
        self.adjust()

    def adjust(self) -> None:
        """Follow the nodes (call after moving or resizing them)."""
        self.prepareGeometryChange()
        s, d = self.source.pos(), self.dest.pos()
        a, b = self.source.edge_point(d), self.dest.edge_point(s)
        self._line = (a, b)
        self._path = QPainterPath(a)
        self._path.lineTo(b)
        stroker = QPainterPathStroker()
        stroker.setWidth(9)
        self._shape = stroker.createStroke(self._path)

    def point_at(self, t: float) -> QPointF:
        a, b = self._line
        return QPointF(a.x() + (b.x() - a.x()) * t, a.y() + (b.y() - a.y()) * t)

    def set_weight(self, w: float, width: float) -> None:
        if (w, width) != (self._w, self._width):
            self._w, self._width = w, width
            self.update()

    def set_state(self, live: bool, hl: bool, sel: bool) -> None:
        if (live, hl, sel) != (self._live, self._hl, self._sel):
            self._live, self._hl, self._sel = live, hl, sel
            self.update()

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-12, -12, 12, 12)

    def shape(self) -> QPainterPath:
        return self._shape

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pal = self._view.colours
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._hl:
            glow = QColor(pal.highlight)
            glow.setAlpha(150)
            painter.setPen(QPen(glow, 12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPath(self._path)
        if self._sel:  # the selected parameter: a dark casing around the line
            painter.setPen(QPen(INK, self._width + 4, Qt.PenStyle.SolidLine,
                                Qt.PenCapStyle.RoundCap))
            painter.drawPath(self._path)
            painter.setPen(QPen(QColor("#ffffff"), self._width + 1.5))
            painter.drawPath(self._path)
        if self._weight:
            colour = POS_W if self._w >= 0 else NEG_W
            style = Qt.PenStyle.SolidLine if self._w >= 0 else Qt.PenStyle.DashLine
            pen = QPen(colour, self._width, style, Qt.PenCapStyle.FlatCap)
        else:
            pen = QPen(pal.forward if self._live else IDLE, 2)
        painter.setPen(pen)
        painter.drawPath(self._path)
        if not self._weight:  # a small head: the direction of the computation
            a, b = self._line
            ang = math.atan2(b.y() - a.y(), b.x() - a.x())
            head = QPolygonF([b] + [QPointF(b.x() - 9 * math.cos(ang + s),
                                            b.y() - 9 * math.sin(ang + s)) for s in (-0.45, 0.45)])
            painter.setBrush(pen.color())
            painter.setPen(QPen(pen.color(), 1))
            painter.drawPolygon(head)
        if self._hl:
            stroker = QPainterPathStroker()
            stroker.setWidth(14)
            stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(QPen(INK, 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(stroker.createStroke(self._path))


class Tag(QGraphicsItem):
    """A few lines of text, each in its colour, on a white box; placed by its top-left."""

    PAD = 4

    def __init__(self, key: str, view, px: int = VALUE_PX, boxed: bool = True):
        super().__init__()
        self.key, self._view, self._boxed = key, view, boxed
        self._font = _font(px)
        self._fm = QFontMetricsF(self._font)
        self._lines: list[tuple[str, QColor, bool]] = []
        self._w = self._h = 0.0
        self._hl = False
        self.setZValue(3)

    def px(self) -> int:
        return self._font.pixelSize()

    def set_lines(self, lines: list[tuple[str, QColor, bool]]) -> None:
        if lines != self._lines:
            self.prepareGeometryChange()
            self._lines = list(lines)
            bold = _font(self._font.pixelSize())
            bold.setBold(True)
            bfm = QFontMetricsF(bold)
            self._w = max([(bfm if b else self._fm).horizontalAdvance(t)
                           for t, _, b in lines] or [0]) + 2 * self.PAD
            self._h = len(lines) * self._fm.lineSpacing() + self.PAD
            self.update()

    def text(self) -> str:
        return "\n".join(t for t, _, _ in self._lines)

    def colour(self) -> QColor:
        return QColor(self._lines[0][1]) if self._lines else QColor(INK)

    def set_highlight(self, on: bool) -> None:
        if on != self._hl:
            self._hl = on
            self.update()

    def size(self) -> tuple[float, float]:
        return self._w, self._h

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._w, self._h)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = self.boundingRect()
        if self._hl:  # opaque: the current step's numbers stay legible over any edge
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(r, 4, 4)
            glow = QColor(self._view.colours.highlight)
            glow.setAlpha(45)
            painter.setPen(QPen(INK, 1.2, Qt.PenStyle.DashLine))
            painter.setBrush(glow)
            painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        elif self._boxed:
            painter.setPen(QPen(QColor("#c8c8c8"), 1))
            painter.setBrush(QColor(255, 255, 255, 235))
            painter.drawRoundedRect(r.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        y = self.PAD / 2
        for text, colour, bold in self._lines:
            f = QFontMetricsF(self._font)
            font = self._font
            if bold:
                font = _font(self._font.pixelSize())
                font.setBold(True)
            painter.setFont(font)
            painter.setPen(colour)
            painter.drawText(QPointF(self.PAD, y + f.ascent()), text)
            y += f.lineSpacing()


# ---------------------------------------------------------------------- heatmaps
def _lut() -> np.ndarray:
    """−1 → orange, 0 → white, +1 → blue, as ARGB32 words (256 entries)."""
    t = np.linspace(-1, 1, 256)
    white = np.array([250, 250, 250.0])
    pos = np.array([POS_W.red(), POS_W.green(), POS_W.blue()], dtype=float)
    neg = np.array([NEG_W.red(), NEG_W.green(), NEG_W.blue()], dtype=float)
    a = np.abs(t)[:, None] * 0.85
    rgb = np.where(t[:, None] >= 0, white * (1 - a) + pos * a, white * (1 - a) + neg * a)
    rgb = np.round(rgb).astype(np.uint32)
    return (0xFF << 24) | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]


LUT = _lut()


def _image(words: np.ndarray) -> QImage:
    """An image of ARGB words whose row 0 is the lowest x₂ (drawn at the bottom)."""
    words = np.ascontiguousarray(words[::-1])  # image rows run top to bottom
    h, w = words.shape
    return QImage(words.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()



# ---------------------------------------------------------------------- the view
class NetworkDiagram(DiagramSettings, QGraphicsView):
    """The layered network (or the feature-cross neuron) with the engine's revealed values."""

    parameterClicked = Signal(str)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._digits = 3
        self._palette = "default"
        self._focus: int | None = None
        self._selected: str | None = None
        self._hover: str | None = None
        self._heatmaps = True
        self._structure = None
        self._size = None
        self._heat_key = None
        self._heat: dict[str, np.ndarray] = {}
        self._grid = None
        self._clicked = False
        self._hl_target: str | None = None
        self._nodes: dict = {}
        self._units: dict[str, UnitItem] = {}
        self._edges: dict[str, EdgeItem] = {}
        self._labels: dict[str, Tag] = {}
        self._param_of: dict[str, str] = {}  # node, edge or label key → its parameter
        self._edge_layer: dict[str, tuple[int, int, int]] = {}
        self._leaders: dict[str, QGraphicsLineItem] = {}
        self._anchor: str | None = None
        self._near: set[str] = set()
        self._legend: list[Tag] = []
        self._tips: dict[str, str] = {}
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAccessibleName("network diagram")
        self.setMinimumSize(320, 160)
        self.setMouseTracking(True)
        add_export_actions(self)  # right-click: Export PNG…, Export SVG…
        for sig in (session.stepped, session.parametersChanged, session.trained,
                    session.setupChanged, session.datasetChanged):
            sig.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------ public API
    def set_selected(self, name: str | None) -> None:
        """Outline parameter `name` (None: none) and keep its values shown."""
        if name is not None:
            names = [s.name for s in self.session.engine.network.slots]
            if name not in names:
                raise ValueError(f"no parameter {name!r}; this network has {', '.join(names)}")
        self._selected = name
        self.refresh()

    def selected(self) -> str | None:
        return self._selected

    def set_heatmaps(self, on: bool) -> None:
        self._heatmaps = bool(on)
        self._heat_key = None
        self.refresh()

    def heatmaps(self) -> bool:
        return self._heatmaps

    def heatmap(self, key: str) -> np.ndarray | None:
        """The activation of unit `key` over the heatmap grid (GRID×GRID, row i at the
        i-th x₂ of `heatmap_grid()`, column j at its j-th x₁), or None when off."""
        self._unit(key)
        return self._heat.get(key) if self._heatmaps else None

    def heatmap_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """The x₁ and x₂ values of the heatmap grid."""
        return self._grid

    def heatmap_image(self, key: str) -> QImage | None:
        unit = self._unit(key)
        return unit._image

    def set_top_margin(self, px: int) -> None:
        """Keep the top `px` pixels free (a message shown over them); lay out in the rest."""
        if px != self.viewportMargins().top():
            self.setViewportMargins(0, px, 0, 0)
            self._size = None
            self.refresh()

    def drawn_rect(self) -> QRect:
        """Where the diagram's items are drawn, in this widget's coordinates."""
        poly = self.mapFromScene(self.scene().itemsBoundingRect())
        return poly.boundingRect().translated(self.viewport().pos())

    def keys(self) -> list[str]:
        return list(self._labels)

    def value_text(self, key: str) -> str:
        """The text shown for `key` (a node or parameter name, "step", "header"), or ""."""
        tag = self._label(key)
        return tag.text() if tag is not None and tag.isVisible() else ""

    def label_rect(self, key: str) -> QRect | None:
        """Where the label of `key` is drawn, in viewport coordinates (None if hidden)."""
        tag = self._label(key)
        if not tag.isVisible() or not tag.text():
            return None
        return self.mapFromScene(tag.sceneBoundingRect()).boundingRect()

    def value_colour(self, key: str) -> str:
        """The colour of the first line of `key`'s label as "#rrggbb", or "" if hidden."""
        tag = self._label(key)
        return tag.colour().name() if tag.isVisible() and tag.text() else ""

    def tooltip_text(self, key: str) -> str:
        """Exact values of a node or a parameter, as shown on hovering it."""
        self._label(key)
        return self._tip(key)

    def _tip(self, key: str) -> str:
        if key in self._edge_layer:  # made when asked for: 88 of them would cost each refresh
            e = self.session.engine
            return tip_text(self._param_tip(e, e.network.slot(key), e.shown_values()))
        return tip_text(self._tips.get(key, []))

    def node_text(self, key: str) -> str:
        """The symbol inside node `key` ("x1", "a1_2", "y_hat", "loss" …), or ""."""
        node = self._units.get(key) or self._nodes.get(key)
        return "" if node is None else node.text

    def highlighted(self) -> str | None:
        """The target of the current micro-step, if it is drawn; else None."""
        return self._hl_target

    def glowing(self) -> set[str]:
        """The nodes and edges the current step lights up (its target, and where
        gradients meet, every path into the sum)."""
        out = {k for k, u in self._units.items() if u._hl or u._bias_hl}
        out |= {k for k, n in self._nodes.items() if n._hl}
        return out | {k for k, e in self._edges.items() if e._hl}

    def legend(self) -> list[tuple[str, str]]:
        """The legend: (text, colour as "#rrggbb") per entry."""
        return [(t.text(), t.colour().name()) for t in self._legend]

    def visible_labels(self) -> list[tuple[str, str, QRect, float]]:
        """Every visible text: (key, text, rectangle in viewport coordinates, on-screen
        pixel size of its font)."""
        scale = self.transform().m11()
        out = []
        for tag in list(self._labels.values()) + self._legend:
            if tag.isVisible() and tag.text():
                rect = self.mapFromScene(tag.sceneBoundingRect()).boundingRect()
                out.append((tag.key, tag.text(), rect, tag.px() * scale))
        return out

    def anchor(self, key: str) -> QPoint:
        """Where node or edge `key` is drawn (its centre, an edge's middle), in viewport
        coordinates: for clicking and hovering it."""
        if key in self._edges:  # a point of it that no other item covers, if there is one
            edge = self._edges[key]
            for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9):
                p = self.mapFromScene(edge.point_at(t))
                if self._item_key_at(p) == key:
                    return p
            p = edge.point_at(0.5)
        elif key in self._units or key in self._nodes:
            p = (self._units.get(key) or self._nodes[key]).pos()
        else:
            raise KeyError(f"no node or edge {key!r}")
        return self.mapFromScene(p)

    def parameter_at(self, pos) -> str | None:
        """The parameter drawn at `pos` (viewport coordinates): an edge's weight; a unit's
        bias (else its first incoming weight)."""
        key = self._item_key_at(pos)
        return None if key is None else self._param_of.get(key)

    # ------------------------------------------------------------ events
    def _item_key_at(self, pos) -> str | None:
        for item in self.items(pos):
            if isinstance(item, (UnitItem, EdgeItem)):
                return item.key
            if isinstance(item, Node):
                return next((k for k, n in self._nodes.items() if n is item), None)
            if isinstance(item, Tag) and item.key in self._param_of:
                return item.key
        return None

    def mousePressEvent(self, event) -> None:
        name = self.parameter_at(event.position().toPoint())
        if name is not None and event.button() == Qt.MouseButton.LeftButton:
            self._clicked = True
            self.parameterClicked.emit(name)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._clicked:  # the press was ours: so is its release
            self._clicked = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseMoveEvent(self, event) -> None:
        pos = event.position().toPoint()
        key = self._item_key_at(pos)
        over = key is not None and key in self._param_of
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over
                                  else Qt.CursorShape.ArrowCursor)
        if key != self._hover:  # hovering shows that item's values
            self._hover = key
            self.refresh()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()
        super().leaveEvent(event)

    def viewportEvent(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            key = self._item_key_at(event.pos())
            tip = self._tip(key) if key is not None else ""
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    # ------------------------------------------------------------ helpers
    def _label(self, key: str) -> Tag | None:
        if key not in self._labels:
            raise KeyError(f"unknown diagram key {key!r}; keys are {', '.join(self._labels)}")
        return self._labels[key]

    def _unit(self, key: str) -> UnitItem:
        if key not in self._units:
            raise KeyError(f"no unit {key!r}; units are {', '.join(self._units)}")
        return self._units[key]

    @staticmethod
    def draws(network) -> bool:
        """Whether this diagram draws `network` (all but the plain single neuron)."""
        return network.depth > 1 or bool(network.feature_cross)

    # ------------------------------------------------------------ refresh
    @Slot()
    def refresh(self) -> None:
        """Show the engine's state. Returns at once for the plain neuron (the other
        diagram draws it) and while hidden (showEvent refreshes)."""
        e = self.session.engine
        if not self.draws(e.network):
            return
        if not self.isVisible():
            return
        net = e.network
        n = len(e.indices)
        structure = (tuple(lin.W.shape for lin in net.linears), net.has_bias,
                     bool(net.feature_cross), net.activation.name, net.loss.name, n,
                     self._palette)
        if structure != self._structure:
            self._build(e, n)
            self._structure = structure
            self._size = None
            if self._focus is not None and self._focus >= n:
                self._focus = None
        if self._selected is not None and self._selected not in net.values():
            # picked in another network (or a bias since switched off); it may have been
            # picked while the neuron's diagram was shown, with this structure kept
            self._selected = None
        vp = self.viewport().size()
        if (vp.width(), vp.height()) != self._size:
            self._layout(vp.width(), vp.height())
            self._size = (vp.width(), vp.height())
        self._update_heatmaps(e)
        self._update_values(e, n)
        self._place_labels()

    # ------------------------------------------------------------ build
    def _build(self, e, n: int) -> None:
        scene = self.scene()
        scene.clear()
        net = e.network
        self._nodes, self._units, self._edges, self._labels = {}, {}, {}, {}
        self._legend, self._tips, self._heat, self._heat_key = [], {}, {}, None
        self._leaders = {}
        self._param_of, self._edge_layer = {}, {}
        slot_of = {(s.layer, s.kind, s.index): s for s in net.slots}
        self._slot_of = slot_of
        self._columns: list[list] = []
        inputs = []
        for j in range(2):
            node = Node("input", f"x{chr(0x2081 + j)}", 34, 34, self)
            self._nodes[f"x{j + 1}"] = node
            inputs.append(node)
        self._columns.append(inputs[:])
        if net.feature_cross:
            x3 = Node("input", "x₃", 34, 34, self)
            self._nodes["x3"] = x3
            inputs.append(x3)
        prev = inputs
        self._unit_layer: dict[str, tuple[int, int]] = {}
        self._alias: dict[str, str] = {}  # z ids and a ids → the unit's key
        for l, lin in enumerate(net.linears):
            out = l == net.depth - 1
            col = []
            for i in range(lin.units):
                key = net.a_id(l, i)
                unit = UnitItem(key, net.a_symbol(l, i), out, lin.b is not None, self)
                self._units[key] = unit
                self._unit_layer[key] = (l, i)
                self._alias[key] = self._alias[net.z_id(l, i)] = key
                col.append(unit)
                b = slot_of.get((l, "b", (i, 0)))
                self._param_of[key] = b.name if b is not None else slot_of[(l, "W", (i, 0))].name
            for i, unit in enumerate(col):
                for j, src in enumerate(prev):
                    slot = slot_of[(l, "W", (i, j))]
                    self._edges[slot.name] = EdgeItem(slot.name, src, unit, self)
                    self._param_of[slot.name] = slot.name
                    self._edge_layer[slot.name] = (l, i, j)
            self._columns.append(col)
            prev = col
        loss = Node("loss", net.loss.formula(n).replace(" + (1", "\n+ (1"), 100, 40, self)
        self._nodes["loss"] = loss
        self._columns.append([loss])
        if net.feature_cross:
            for j in range(2):
                self._edges[f"x{j + 1}->x3"] = EdgeItem(f"x{j + 1}->x3", inputs[j],
                                                        self._nodes["x3"], self, weight=False)
        out_unit = self._units["y_hat"]
        self._edges["y_hat->loss"] = EdgeItem("y_hat->loss", out_unit, loss, self, weight=False)
        for item in (list(self._nodes.values()) + list(self._units.values())
                     + list(self._edges.values())):
            scene.addItem(item)
        for key in list(self._nodes) + list(self._units) + [k for k in self._edges
                                                             if k in self._param_of]:
            self._add_tag(key)
        for key in ("step", "header"):
            self._add_tag(key, boxed=key == "step")
        self._labels["header"].setZValue(4)
        pal = self.colours
        for i, (text, colour, bold, hl) in enumerate((
                ("forward value", pal.forward, False, False),
                ("← gradient", pal.backward, False, False),
                ("old → new: update", pal.update, True, False),
                ("current step", INK, False, True),
                ("edge: weight (solid +, dashed −, width = size)", POS_W, False, False),
                ("unit: its output over the input plane (blue high, orange low)",
                 MUTED, False, False))):
            tag = Tag(f"legend{i}", self, NOTE_PX, boxed=False)
            tag.set_lines([(text, colour, bold)])
            tag.set_highlight(hl)
            scene.addItem(tag)
            self._legend.append(tag)

    def _add_tag(self, key: str, boxed: bool = True) -> Tag:
        tag = Tag(key, self, VALUE_PX, boxed)
        self.scene().addItem(tag)
        tag.setVisible(False)
        self._labels[key] = tag
        if key in self._units or key in self._nodes:  # to its node, when placed away
            line = QGraphicsLineItem()
            line.setPen(QPen(QColor("#9a9a9a"), 1, Qt.PenStyle.DotLine))
            line.setZValue(2)
            line.setVisible(False)
            self.scene().addItem(line)
            self._leaders[key] = line
        return tag

    # ------------------------------------------------------------ layout
    def _layout(self, w: int, h: int) -> None:
        """Nodes placed to fill the viewport; edges follow them."""
        self.scene().setSceneRect(0, 0, w, h)
        self.setSceneRect(0, 0, w, h)
        self.resetTransform()
        # the legend along the bottom, wrapped
        x, rows, y_leg = 8.0, 1, 0.0
        placed = []
        for tag in self._legend:
            tw, th = tag.size()
            if x + tw > w - 8 and x > 8:
                x, rows = 8.0, rows + 1
            placed.append((tag, x, rows))
            x += tw + 16
        line_h = self._legend[0].size()[1] + 3
        y_leg = h - rows * line_h - 4
        roomy = y_leg - 30 >= 140  # a very short widget keeps its height for the network
        if not roomy:
            y_leg = h - 2
        for tag, x, row in placed:
            tag.setPos(x, y_leg + (row - 1) * line_h)
            tag.setVisible(roomy)
        self._legend_top = y_leg
        top, bottom = 24.0, y_leg - 6
        area = QRectF(0, top, w, max(bottom - top, 40))
        cols = self._columns
        kmax = max(len(c) for c in cols)
        row_h = area.height() / kmax
        loss = self._nodes["loss"]
        fm = QFontMetricsF(_font(NODE_PX))
        lines = loss.text.split("\n")
        lw = max(fm.horizontalAdvance(t) for t in lines) + 16
        lh = fm.lineSpacing() * len(lines) + 10
        loss.resize(lw, lh)
        # the inputs' values to their left (a long batch row goes under them instead)
        left = 8 + min(self._input_label_w, 0.16 * w) + 20
        s0 = min(48.0, row_h * 0.6)
        # the loss right of the output unit, its formula whole; the units share the rest
        out_x = w - 8 - lw - 40 - s0 / 2
        gap = (out_x - left) / (len(cols) - 2)
        s = max(18.0, min(s0, gap * 0.32))
        cross = "x3" in self._nodes
        small = min(34.0, s + 4)
        for c, col in enumerate(cols[:-1]):
            x = left + c * gap
            k = len(col) + (1 if c == 0 and cross else 0)
            step = area.height() / k
            # the rows of a short column sit on the middle of a tall one's
            for r, item in enumerate(col):
                y = area.top() + (r + 0.5) * step
                if isinstance(item, UnitItem):
                    item.resize(s)
                else:
                    item.resize(small, small)
                item.setPos(x, y)
        loss.setPos(out_x + s / 2 + 40 + lw / 2, area.center().y())
        if cross:
            x3 = self._nodes["x3"]
            x3.resize(small, small)
            x3.setPos(left + 0.45 * gap, area.top() + 2.5 * area.height() / 3)
        for edge in self._edges.values():
            edge.adjust()
        # where labels must not go: the nodes (and bias tags)
        rects = []
        for u in self._units.values():
            h = u.size() / 2 + 2
            rects.append(QRectF(u.x() - h, u.y() - h, 2 * h, 2 * h))
            if u._bias:
                rects.append(u.bias_rect().translated(u.pos()))
        for it in self._nodes.values():
            w, h = it.size()
            rects.append(QRectF(it.x() - w / 2, it.y() - h / 2, w, h))
        self._node_rects = rects

    @property
    def _input_label_w(self) -> float:
        e = self.session.engine
        n = len(e.indices)
        # formatting every input of 10 000 points took ~50 ms per layout
        key = (e.dataset, self._digits, n)
        cached = getattr(self, "_label_w_cache", None)
        if cached is not None and cached[0] is key[0] and cached[1:3] == key[1:]:
            return cached[3]
        fm = QFontMetricsF(_font(VALUE_PX))
        values = e.dataset.X.reshape(-1)
        if values.size > 256:  # a text's length follows the value's size and sign: the
            # extremes and evenly spaced ranks find the longest
            values = np.sort(values)[np.linspace(0, values.size - 1, 256).astype(int)]
        sample = row_text(np.full(n, max(values, key=lambda v: len(
            fmt(v, self._digits, exact_int=True)))), self._digits, exact_int=True)
        width = fm.horizontalAdvance(f"x₁ = {sample}") + 2 * Tag.PAD
        self._label_w_cache = (*key, width)
        return width

    # ------------------------------------------------------------ heatmaps
    def _update_heatmaps(self, e) -> None:
        net, ds = e.network, e.dataset
        if not self._heatmaps:
            if self._heat_key is not None or any(u._image for u in self._units.values()):
                for u in self._units.values():
                    u.set_image(None)
                self._heat, self._heat_key = {}, None
            return
        state = net.get_state()
        key = (id(net), id(ds), tuple(W.tobytes() + (b.tobytes() if b is not None else b"")
                                      for W, b in state))
        if key == self._heat_key:
            return
        self._heat_key = key
        X = ds.X
        with np.errstate(all="ignore"):
            lo, hi = np.min(X, axis=1), np.max(X, axis=1)
            span = np.maximum(hi - lo, 1e-9)
            lo, hi = lo - 0.15 * span - 0.05, hi + 0.15 * span + 0.05
            g1, g2 = np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID)
            self._grid = (g1, g2)
            P = np.stack([np.tile(g1, GRID), np.repeat(g2, GRID)])
            acts = net.forward(P)
            keys = list(self._unit_layer)
            heat = np.empty((len(keys), GRID, GRID))
            for k, key_ in enumerate(keys):
                l, i = self._unit_layer[key_]
                heat[k] = acts[l + 1][i].reshape(GRID, GRID)
                self._heat[key_] = heat[k]
            # each unit's activation onto [−1, 1]: σ and ŷ around ½, tanh as is, ReLU by
            # its largest value over the plane
            t = np.empty_like(heat)
            for k, key_ in enumerate(keys):
                name = net.activations[self._unit_layer[key_][0]].name
                if name == "tanh":
                    t[k] = heat[k]
                elif name == "relu":
                    top = np.max(heat[k])
                    t[k] = heat[k] / top if np.isfinite(top) and top > 0 else 0.0
                else:
                    t[k] = 2 * heat[k] - 1
            idx = np.round((np.nan_to_num(np.clip(t, -1, 1), nan=0.0) + 1) * 127.5)
            words = LUT[idx.astype(np.intp)]
        for k, key_ in enumerate(keys):
            self._units[key_].set_image(_image(words[k]))

    # ------------------------------------------------------------ values
    def _update_values(self, e, n: int) -> None:
        net, d, pal = e.network, self._digits, self.colours
        focus = self._focus if n > 1 else None
        shown = e.shown_values()

        def pick(v) -> np.ndarray:
            arr = np.asarray(v, dtype=float).reshape(-1)
            return arr[focus:focus + 1] if focus is not None and arr.size == n else arr

        def tag(sym: str, v) -> str:
            if focus is not None and np.size(v) == n:
                return f"{sym}⁽{sup(focus + 1)}⁾"
            return sym

        def val(v) -> str:
            return row_text(pick(v), d)

        fw, bw, up = pal.forward, pal.backward, pal.update
        tips = {}
        idx = list(e.indices)
        X = e.dataset.X[:, idx]
        for j in range(2):
            key = f"x{j + 1}"
            sym = tag(f"x{chr(0x2081 + j)}", X[j])
            self._labels[key].set_lines([(f"{sym} = {row_text(pick(X[j]), d, True)}", INK,
                                          False)])
            tips[key] = [(f"{sym} = ", pick(X[j]))]
        if "x3" in self._nodes:
            s = shown.get("node:x3")
            lines = [] if s is None else [
                (f"{tag('x₃', s.value)} = x₁·x₂ = {row_text(pick(s.value), d, True)}", fw, False)]
            self._labels["x3"].set_lines(lines)
            tips["x3"] = [("x₃ = x₁·x₂", None)] + ([] if s is None else
                                                   [(" = ", pick(s.value))])
        # units: z and a forward, ∂/∂a and ∂/∂z backward
        for key, (l, i) in self._unit_layer.items():
            zid, aid = net.z_id(l, i), net.a_id(l, i)
            out = l == net.depth - 1
            lines, tip = [], []
            z, a = shown.get(f"node:{zid}"), shown.get(f"node:{aid}")
            if out:
                ga = shown.get("edge:y_hat->loss#grad")
            else:
                ga = shown.get(f"edge:{aid}->{net.z_id(l + 1, 0)}#grad")
            gz = shown.get(f"edge:{zid}->{aid}#grad")
            for s, colour, prefix in ((z, fw, ""), (a, fw, ""), (ga, bw, "← "), (gz, bw, "← ")):
                if s is not None:
                    sym = tag(s.symbol, s.value)
                    lines.append((f"{prefix}{sym} = {val(s.value)}", colour, False))
                    tip += [(f"\n{sym} = ", pick(s.value))]
            if n == 1 and len(lines) >= 2 and lines[0][1] == fw and lines[1][1] == fw:
                lines[0:2] = [(f"{lines[0][0]} · {lines[1][0]}", fw, False)]
            b = self._slot_of.get((l, "b", (i, 0)))
            if b is not None:
                tip += self._param_tip(e, b, shown)
                bv, upd = net.get(b.name), shown.get(f"param:{b.name}")
                if upd is not None and upd.old != bv:  # this pass's update moved it
                    lines.append((f"{b.symbol}: {fmt(upd.old, d)} → {fmt(bv, d)}", up, True))
                elif b.name == self._selected:
                    lines.append((f"{b.symbol} = {fmt(bv, d)}", INK, False))
            self._labels[key].set_lines(lines)
            fn = "σ" if out else FN[net.activation.name]
            tips[key] = [(f"{net.a_symbol(l, i)} = {fn}({net.z_symbol(l, i)})", None)] + tip
        s, ys = shown.get("node:loss"), e.dataset.Y[0, idx]
        lines = [] if s is None else [(f"{s.symbol} = {fmt(float(s.value), d)}", fw, False)]
        lines.append((f"{tag('y', ys)} = {row_text(pick(ys), d, True)}", INK, False))
        self._labels["loss"].set_lines(lines)
        tips["loss"] = ([(f"{s.symbol} = ", s.value), ("\n", None)] if s is not None else []) \
            + [("y = ", pick(ys))]
        # edges: weights by colour and width; values in their label when asked for
        Ws = [lin.W for lin in net.linears]
        with np.errstate(all="ignore"):
            mags = np.concatenate([np.abs(W).reshape(-1) for W in Ws])
            mags = mags[np.isfinite(mags)]
        top = float(mags.max()) if mags.size and mags.max() > 0 else 1.0
        # a weight's texts only where they can show (2-8-8-1 has 88 edges)
        cur = e.current_step
        wanted = {self._selected, self._hover, cur.param if cur is not None else None,
                  cur.target.partition(":")[2] if cur is not None else None}
        every = len(self._edge_layer) <= 4
        for key, (l, i, j) in self._edge_layer.items():
            w = float(Ws[l][i, j])
            width = 1.0 + 5.0 * min(abs(w) / top, 1.0) if math.isfinite(w) else 1.0
            self._edges[key].set_weight(w, width)
            if not every and key not in wanted:
                self._labels[key].set_lines([])
                continue
            slot = net.slot(key)
            upd = shown.get(f"param:{key}")
            if upd is not None and upd.old != w:
                lines = [(f"{slot.symbol}: {fmt(upd.old, d)} → {fmt(w, d)}", up, True)]
            else:
                lines = [(f"{slot.symbol} = {fmt(w, d)}", INK, False)]
            prod, grad = shown.get(f"edge:{key}"), shown.get(f"edge:{key}#grad")
            if prod is not None:
                lines.append((f"{tag(prod.symbol, prod.value)} = {val(prod.value)}", fw, False))
            if grad is not None:
                lines.append((f"← {grad.symbol} = {fmt(float(grad.value), d)}", bw, False))
            self._labels[key].set_lines(lines)
        for key, edge in self._edges.items():
            if key == "y_hat->loss":
                edge.set_state("node:loss" in shown, False, False)
            elif key.endswith("->x3"):
                edge.set_state("node:x3" in shown, False, False)
        self._tips = tips
        # header
        name, m_all = e.dataset.name, e.dataset.m
        if n == 1:
            head = f"{name} · example {idx[0] + 1} of {m_all}"
        else:
            what = "batch" if n == m_all else "mini-batch"
            head = (f"{name} · {what} of {n}" if focus is None else
                    f"{name} · example {focus + 1} of the {what} of {n}")
        arch = ("feature cross" if net.feature_cross else
                "-".join(str(v) for v in [2] + [lin.units for lin in net.linears]))
        hidden = "" if net.depth == 1 else f", hidden {net.activation.name}"
        self._labels["header"].set_lines([(f"{head} · {arch}{hidden}, loss {net.loss.name}",
                                           MUTED, False)])
        self._set_highlight(e, shown, pick, tag, val)

    def _param_tip(self, e, slot, shown) -> list:
        """A parameter's exact value (and what it was, and its gradient), as tip parts."""
        out = [(f"\n{slot.symbol} = ", e.network.get(slot.name))]
        upd = shown.get(f"param:{slot.name}")
        if upd is not None:
            out += [(" (was ", upd.old), (")", None)]
        g = shown.get(f"edge:{slot.name}#grad")
        if g is not None:
            out += [(f"\n{g.symbol} = ", float(g.value))]
        return out

    # ------------------------------------------------------------ the current step
    def _set_highlight(self, e, shown, pick, tag, val) -> None:
        """Glow on what the current micro-step acts on, and its computation beside it."""
        step = e.current_step
        Lsym = "L" if len(e.indices) == 1 else "Cost"
        d, pal = self._digits, self.colours
        unit_hl, bias_hl, edge_hl = None, None, None
        paths: set[str] = set()  # the edges whose gradients meet at the current unit
        callout: list = []
        anchor = None
        self._near: set[str] = set()
        target = step.target if step is not None else None
        if step is not None:
            colour = {"forward": pal.forward, "backward": pal.backward,
                      "update": pal.update}[step.phase]
            dd = f"∂{Lsym}/∂"
            what, _, name = target.partition(":")
            res = val(step.value)
            sym = tag(step.symbol, step.value)
            if what == "param":
                slot = e.network.slot(name)
                if slot.kind == "W":
                    edge_hl = name
                else:
                    bias_hl = self._unit_key_of_bias(slot)
                anchor = edge_hl or bias_hl
                g = shown.get(f"edge:{name}#grad")
                gtext = "" if g is None else fmt(float(g.value), d)
                callout = [(f"{slot.symbol} ← {slot.symbol} − α × ∂{Lsym}/∂{slot.symbol}",
                            colour, False),
                           (f"= {fmt(step.old, d)} − {fmt_rate(e.lr)} × {gtext}", colour, False),
                           (f"= {fmt(float(step.value), d)}", colour, True)]
            elif what == "node" and name == "loss":
                anchor = unit_hl = "loss"
                if step.kind == "seed":
                    callout = [(f"{step.symbol} = 1", colour, False)]
                elif len(e.indices) > 1:
                    callout = [(f"{sym} = the mean of the {len(e.indices)} examples' losses",
                                colour, False), (f"= {res}", colour, True)]
                else:
                    callout = [(f"{sym} = {res}", colour, True)]
            elif what == "node" and name == "x3":
                anchor = unit_hl = "x3"
                callout = [(f"{sym} = x₁ × x₂ = {row_text(pick(step.value), d, True)}",
                            colour, True)]
            elif what == "node":
                anchor = unit_hl = self._alias[name]
                l, i = self._unit_layer[anchor]
                if step.kind == "linear":
                    callout = [(f"{sym} = Σ w·input" + (" + b" if e.network.has_bias else ""),
                                colour, False), (f"= {res}", colour, True)]
                    self._near |= self._inputs_of(l)
                else:
                    fn = "σ" if l == e.network.depth - 1 else FN[e.network.activation.name]
                    callout = [(f"{sym} = {fn}({e.network.z_symbol(l, i)}) = {res}", colour,
                                True)]
            elif what == "edge" and "->" in name:
                src, dst = name.split("->")
                if dst == "loss":
                    edge_hl, anchor = "y_hat->loss", "y_hat"
                    callout = [(f"{sym} = {res}", colour, True)]
                elif self._alias.get(src) == self._alias.get(dst):  # z → a inside one unit
                    anchor = unit_hl = self._alias[dst]
                    l, i = self._unit_layer[anchor]
                    zs = e.network.z_symbol(l, i)
                    asym = e.network.a_symbol(l, i)
                    if l == e.network.depth - 1 and not e.network.loss.via_yhat:
                        # cross-entropy: ∂L/∂ŷ and σ′ cancel, ∂L/∂z = ŷ − y straight away
                        callout = [(f"{sym} = " + ("ŷ − y" if len(e.indices) == 1 else
                                                   "(1/m)(ŷ − y)"), colour, False),
                                   (f"= {res}", colour, True)]
                    else:
                        local = f"∂{asym}/∂{zs}"
                        callout = [(f"{sym} = {dd}{asym} × {local}", colour, False)]
                        if np.size(pick(step.value)) == 1:  # the local gradient on its own
                            callout.insert(0, (f"local {local} = {val(step.local)}", colour,
                                               False))
                        callout += self._product(pick(step.upstream), pick(step.local),
                                                 pick(step.value), colour, f"{dd}{asym}", local)
                    self._near |= self._outputs_of(l)
                else:  # a hidden unit's gradient: from every unit it feeds
                    anchor = unit_hl = self._alias[src]
                    l, j = self._unit_layer[anchor]
                    paths = {self._slot_of[(l + 1, "W", (k, j))].name
                             for k in range(e.network.linears[l + 1].units)}
                    callout = self._sum_text(e, step, l, j, sym, pick, colour)
                    self._near |= self._outputs_of(l)
            elif what == "edge":
                slot = e.network.slot(name)
                l = slot.layer
                if slot.kind == "W":
                    edge_hl = anchor = name
                else:
                    bias_hl = anchor = self._unit_key_of_bias(slot)
                if step.kind in ("product", "bias"):
                    if slot.kind == "W":
                        callout = [(f"{sym} = {fmt(e.network.get(name), d)} × "
                                    f"{row_text(self._input_value(e, slot, pick), d, True)}",
                                    colour, False), (f"= {res}", colour, True)]
                    else:
                        callout = [(f"{sym} = {fmt(e.network.get(name), d)}", colour, True)]
                else:  # param_grad: upstream × local, summed over the examples
                    g = fmt(float(step.value), d)
                    zs = e.network.z_symbol(l, slot.index[0])
                    xs = "1" if slot.kind == "b" else e.network.a_prev_symbol(l, slot.index[1])
                    args = (colour, f"{dd}{zs}", xs, l == 0)
                    if step.per_example is not None and np.size(step.per_example) > 1:
                        callout = [(f"{sym} = Σ {dd}{zs} × {xs}", colour, False)]
                        per = pick(step.per_example)
                        # a long batch: its rows' ends say little, the sum is the answer
                        callout += self._product(pick(step.upstream), pick(step.local), per,
                                                 *args, result=per.size <= MAX_ROW)
                        callout.append((f"Σ over the examples = {g}", colour, True))
                    else:
                        callout = [(f"{sym} = {dd}{zs} × {xs}", colour, False)]
                        callout += self._product(pick(step.upstream), pick(step.local),
                                                 np.asarray(step.value), *args)
        self._anchor = anchor
        sel = self._selected
        sel_bias = sel is not None and e.network.slot(sel).kind == "b"
        for key, unit in self._units.items():
            mine = sel is not None and self._param_of.get(key) == sel
            unit.set_state(key == unit_hl, key == bias_hl, mine and not sel_bias,
                           mine and sel_bias)
        for key, node in self._nodes.items():
            node.set_highlight(key == unit_hl)
        for key, edge in self._edges.items():
            if key in self._edge_layer:
                edge.set_state(False, key == edge_hl or key in paths, key == self._selected)
            else:
                edge.set_state(edge._live, key == edge_hl, False)
        self._hl_target = target if anchor is not None else None
        if anchor is not None:
            self._near.add(anchor)
            if anchor in self._edge_layer:
                e_ = self._edges[anchor]
                self._near |= {self._key_of_item(e_.source), self._key_of_item(e_.dest)}
        self._labels["step"].set_lines(callout)
        self._labels["step"].set_highlight(bool(callout))

    def _product(self, upv, locv, resv, colour, up_name: str, loc_name: str,
                 exact_local: bool = False, result: bool = True) -> list:
        """upstream × local = result: on one line, or for a batch one named row each
        (`result` False: without the result row, when a sum of it follows)."""
        d = self._digits
        loc = row_text(locv, d, exact_int=exact_local and bool(np.all(locv == np.round(locv))))
        if upv.size <= 1 and locv.size <= 1:
            return [(f"{row_text(upv, d)} × {loc} = {row_text(resv, d)}", colour, True)]
        rows = [(f"  {up_name} = {row_text(upv, d)}", colour, False),
                (f"× {loc_name} = {loc}", colour, False)]
        if result:
            rows.append((f"= {row_text(resv, d)}", colour, True))
        return rows

    def _sum_text(self, e, step, l, j, sym, pick, colour) -> list:
        """∂/∂a of a hidden unit: the paths through every unit it feeds, added up."""
        d, net = self._digits, e.network
        nxt = net.linears[l + 1]
        res = row_text(pick(step.value), d)
        if nxt.units == 1:
            zs = net.z_symbol(l + 1, 0)
            w = self._slot_of[(l + 1, "W", (0, j))]
            dd = sym[: sym.index("∂", 1) + 1]  # "∂L/∂" or "∂Cost/∂"
            return [(f"{sym} = {dd}{zs} × {w.symbol}", colour, False)] + self._product(
                pick(step.upstream), np.asarray(step.local, dtype=float).reshape(-1),
                pick(step.value), colour, f"{dd}{zs}", w.symbol)
        k = nxt.units
        head = (f"{sym} = Σ over the {k} units it feeds", colour, False)
        up = np.asarray(step.upstream, dtype=float)
        loc = np.asarray(step.local, dtype=float).reshape(-1)
        if up.ndim == 2 and up.shape[1] == len(e.indices) and self._focus is not None:
            up = up[:, self._focus]
        up = up.reshape(k, -1)
        if up.shape[1] == 1:
            def par(v: float) -> str:  # "0.5×(−0.2)", not "0.5×−0.2"
                return f"({fmt(v, d)})" if v < 0 else fmt(v, d)

            terms = [f"{par(float(up[r, 0]))}×{par(loc[r])}" for r in range(k)]
            if k > 3:
                terms = terms[:2] + ["…"]
            return [head, ("  " + " + ".join(terms), colour, False), (f"= {res}", colour, True)]
        return [head, (f"of ∂/∂z × w = {res}", colour, True)]

    def _input_value(self, e, slot, pick) -> np.ndarray:
        idx = list(e.indices)
        # the input of this weight is the revealed value of its source node
        shown = e.shown_values()
        l, j = slot.layer, slot.index[1]
        if l == 0:
            if e.network.feature_cross and j == 2:
                s = shown.get("node:x3")
                return pick(s.value) if s is not None else np.array([np.nan])
            return pick(e.dataset.X[j, idx])
        s = shown.get(f"node:{e.network.a_id(l - 1, j)}")
        return pick(s.value) if s is not None else np.array([np.nan])

    def _unit_key_of_bias(self, slot) -> str:
        return self.session.engine.network.a_id(slot.layer, slot.index[0])

    def _key_of_item(self, item) -> str:
        if isinstance(item, UnitItem):
            return item.key
        return next(k for k, n in self._nodes.items() if n is item)

    def _inputs_of(self, l: int) -> set[str]:
        return {self._key_of_item(c) for c in self._columns[l]} if l else {"x1", "x2"}

    def _outputs_of(self, l: int) -> set[str]:
        return {self._key_of_item(c) for c in self._columns[l + 2]}

    # ------------------------------------------------------------ label placement
    def _place_labels(self) -> None:
        """Show the labels that matter most first, each where it overlaps nothing."""
        if not self._labels or self._size is None:
            return
        labels = self._labels
        header = labels["header"]
        header.setPos(6, 2)
        if header.size()[0] > self._size[0] - 12:  # a narrow widget: the essentials
            header.set_lines([(header.text().split(" · ")[0] + " · "
                               + header.text().split(" · ")[1], MUTED, False)])
        header.setVisible(True)
        placed = [header.sceneBoundingRect()] + [t.sceneBoundingRect() for t in self._legend
                                                 if t.isVisible()]
        nodes = self._node_rects
        bounds = QRectF(2, 2, self._size[0] - 4, self._legend_top - 4)
        prio: dict[str, int] = {}
        small = len(self._edge_layer) <= 4
        # a big network shows its hidden units' values only where they matter now
        rest = 30 if max(len(c) for c in self._columns) <= 4 else 0
        for key in labels:
            if key in ("header",):
                continue
            if key in self._edge_layer:
                prio[key] = 20 if small else 0
            elif key == "loss":  # the cost: wanted at every step
                prio[key] = 75
            elif key == "y_hat":
                prio[key] = 50
            elif key.startswith("x"):
                prio[key] = 45
            else:
                prio[key] = rest
        for key in self._near:
            if key in prio:
                prio[key] = max(prio[key], 70)
        if self._anchor is not None and self._anchor in prio:
            prio[self._anchor] = 85
        if self._selected is not None:
            for key, p in self._param_of.items():
                if p == self._selected and key in prio:
                    prio[key] = max(prio[key], 88 if key in self._edge_layer else 60)
        if self._hover is not None and self._hover in prio:
            prio[self._hover] = 90
        prio["step"] = 100 if labels["step"].text() else 0
        order = sorted((k for k in prio if prio[k] > 0 and labels[k].text()),
                       key=lambda k: -prio[k])
        for key in labels:
            if key != "header" and key not in order:
                labels[key].setVisible(False)
        for key in order:
            tag = labels[key]
            tw, th = tag.size()
            ok = None
            for x, y in self._candidates(key, tw, th):
                # slid inside the widget: a label by a node at the edge stays by it
                x = min(max(x, bounds.left()), bounds.right() - tw)
                r = QRectF(x, y, tw, th)
                if not bounds.contains(r):
                    continue
                if any(r.adjusted(-2, -2, 2, 2).intersects(p) for p in placed):
                    continue
                if any(r.intersects(n) for n in nodes):
                    continue
                ok = r
                break
            if ok is None and prio[key] >= 80:  # what was asked for shows: over the
                best = None                      # fewest nodes, as a last resort
                for x, y in self._candidates(key, tw, th):
                    x = min(max(x, bounds.left()), bounds.right() - tw)
                    r = QRectF(x, y, tw, th)
                    if bounds.contains(r) and not any(r.adjusted(-2, -2, 2, 2).intersects(p)
                                                      for p in placed):
                        covered = sum(r.intersects(n) for n in nodes)
                        if best is None or covered < best[0]:
                            best = (covered, r)
                ok = None if best is None else best[1]
            if ok is None:
                tag.setVisible(False)
                continue
            tag.setPos(ok.topLeft())
            tag.setVisible(True)
            placed.append(ok)
            self._lead(key, ok)
        for key, line in self._leaders.items():
            if not labels[key].isVisible():
                line.setVisible(False)
        self.setAccessibleDescription("; ".join(
            " ".join(labels[k].text().split()) for k in order if labels[k].isVisible()))

    def _lead(self, key: str, r: QRectF) -> None:
        """A dotted line from a label to its node when it had to sit away from it."""
        line = self._leaders.get(key)
        if line is None:
            return
        node = self._units.get(key) or self._nodes[key]
        c = node.pos()
        p = QPointF(min(max(c.x(), r.left()), r.right()), min(max(c.y(), r.top()), r.bottom()))
        q = node.edge_point(p)
        far = math.hypot(p.x() - q.x(), p.y() - q.y()) > 14
        if far:
            line.setLine(q.x(), q.y(), p.x(), p.y())
        line.setVisible(far)

    def _candidates(self, key: str, tw: float, th: float):
        """Top-left corners to try for label `key`, best first."""
        g = 6.0
        if key == "step":
            anchor = self._anchor
            if anchor is None:
                return []
            if anchor in self._edge_layer:
                e = self._edges[anchor]
                pts = [e.point_at(t) for t in (0.5, 0.35, 0.65, 0.2, 0.8)]
                out = []
                for p in pts:
                    out += [(p.x() - tw / 2, p.y() - th - g), (p.x() - tw / 2, p.y() + g)]
                return out + self._around(self._key_of_item(e.dest), tw, th)
            return self._around(anchor, tw, th)
        if key in self._edge_layer:
            e = self._edges[key]
            out = []
            for t in (0.5, 0.35, 0.65, 0.25, 0.75):
                p = e.point_at(t)
                out += [(p.x() - tw / 2, p.y() - th - 3), (p.x() - tw / 2, p.y() + 3)]
            return (out + self._around(self._key_of_item(e.dest), tw, th)
                    + self._around(self._key_of_item(e.source), tw, th))
        if key in ("x1", "x2"):
            n = self._nodes[key]
            c, (w, h) = n.pos(), n.size()
            return [(c.x() - w / 2 - g - tw, c.y() - th / 2),
                    (c.x() - w / 2 - g - tw, c.y() - th - 2),
                    (max(4.0, c.x() - tw / 2), c.y() + h / 2 + g),
                    (max(4.0, c.x() - tw / 2), c.y() - h / 2 - g - th)]
        return self._around(key, tw, th)

    def _around(self, key: str, tw: float, th: float):
        """Below, above, right of, left of a node; then further away."""
        item = self._units.get(key) or self._nodes.get(key)
        c = item.pos()
        if isinstance(item, UnitItem):
            w = h = item.size()
        else:
            w, h = item.size()
        g = 5.0
        out = []
        for extra in (0.0, 0.5 * th, th):
            out += [(c.x() - tw / 2, c.y() + h / 2 + g + extra),
                    (c.x() - tw / 2, c.y() - h / 2 - g - th - extra),
                    (c.x() + w / 2 + 2 * g + extra, c.y() - th / 2),
                    (c.x() - w / 2 - 2 * g - tw - extra, c.y() - th / 2),
                    (c.x() + w / 2 + g, c.y() + h / 2 + g + extra),
                    (c.x() - w / 2 - g - tw, c.y() + h / 2 + g + extra),
                    (c.x() + w / 2 + g, c.y() - h / 2 - g - th - extra),
                    (c.x() - w / 2 - g - tw, c.y() - h / 2 - g - th - extra)]
        return out


__all__ = ["NetworkDiagram", "row_text", "tip_text"]
