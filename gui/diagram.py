"""The neuron drawn as a computational graph, with the current pass's values on it.

Inputs x₁, x₂ (and the bias b) feed the linear node z, then σ gives ŷ, then the
loss. What the engine has revealed so far in the pass is written on the arrows:
forward values above them ("… →", forward colour), gradients below them on
arrows pointing back ("← ∂L/∂…", backward colour). The item the current
micro-step acts on is outlined. A backward step shows the chain rule as the
tutorial's figures do: the local gradient at its node ("local ∂ŷ/∂z = 0.250")
and upstream × local = result on its edge; with several examples, a parameter's
gradient as the sum of theirs (Σ). Several examples' values read as a row,
wrapped over two lines.

The scene is built once per structure (bias on/off, number of examples in the
pass, digits, palette), each label with the room of the widest text it will show;
a rarer, longer one (a power of ten) is drawn smaller in that room. A step only
changes texts, colours and visibility of the existing items, as in Qt's
elasticnodes example. The layout is compact so that the texts stay ≥ 11 px on
screen in a 1280×800 window (tests/test_diagram_layout.py).
"""

from __future__ import annotations

import math
import textwrap

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal, Slot
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
)

from core.symbols import MINUS, fmt, fmt_full, sub, sup
from core.tutorial_notes import note_for

from .export import add_export_actions
from .palette import PALETTES

PARAMS = ("w1", "w2", "b")
KEYS = (
    "x1", "x2", "w1", "w2", "b", "prod:w1", "prod:w2", "prod:b", "z", "y_hat", "loss",
    "grad:loss", "grad:y_hat", "grad:z", "grad:w1", "grad:w2", "grad:b", "y", "example",
    "local:z", "local:y_hat", "local:loss",
)
# engine.shown_values() key -> the label that displays it
SHOWN_TO_KEY = {
    "edge:w1": "prod:w1", "edge:w2": "prod:w2", "edge:b": "prod:b",
    "node:z": "z", "node:y_hat": "y_hat", "node:loss": "loss",
    "node:loss#grad": "grad:loss", "edge:y_hat->loss#grad": "grad:y_hat",
    "edge:z->y_hat#grad": "grad:z", "edge:w1#grad": "grad:w1", "edge:w2#grad": "grad:w2",
    "edge:b#grad": "grad:b",
    "param:w1": "w1", "param:w2": "w2", "param:b": "b",
}
# the current backward step's local gradient, shown at its node: label key by step target
LOCAL_AT = {"edge:y_hat->loss": "local:loss", "edge:z->y_hat": "local:y_hat",
            "edge:w1": "local:z", "edge:w2": "local:z", "edge:b": "local:z"}
LOCAL_KEYS = ("local:z", "local:y_hat", "local:loss")
LOCAL_NODE = {"local:z": "z", "local:y_hat": "y_hat", "local:loss": "loss"}
FORWARD_LABELS = ("prod:w1", "prod:w2", "prod:b", "z", "y_hat", "loss")
GRAD_LABELS = ("grad:w1", "grad:w2", "grad:b", "grad:z", "grad:y_hat", "grad:loss")
NODE_OF = {"node:z": "z", "node:y_hat": "y_hat", "node:loss": "loss", "param:b": "b"}

INK = QColor("#222222")
MUTED = QColor("#5a5a5a")
EDGE_IDLE = QColor("#8a8a8a")
FILLS = {  # node fills (the tutorial's: inputs green, bias grey, z white, σ pink)
    "input": (QColor("#d5e8d4"), QColor("#82b366")),
    "bias": (QColor("#eeeeee"), QColor("#8c8c8c")),
    "z": (QColor("#ffffff"), QColor("#333333")),
    "sigma": (QColor("#f8cecc"), QColor("#b85450")),
    "loss": (QColor(0, 0, 0, 0), QColor(0, 0, 0, 0)),
}

VALUE_PX = 22  # scene pixels; the view scales the scene to fit
NODE_PX = 22
NOTE_PX = 22  # header and legend: as legible as the values
GAP = 12
GLOW = 12  # margin around items for the highlight glow


def _font(px: int) -> QFont:
    """A compact sans serif (the condensed DejaVu where present, else the UI font)."""
    f = QFont()
    f.setFamilies(["DejaVu Sans Condensed", f.family()])
    f.setStyleHint(QFont.StyleHint.SansSerif)
    f.setPixelSize(px)
    return f


def _is_int(arr: np.ndarray) -> bool:
    return bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))


MAX_VECTOR = 6  # values shown per node; a longer pass shows its ends (Show picks one)


def vector_text(arr, digits: int, exact_int: bool = False, column: bool = True,
                per_line: int | None = None) -> str:
    """A scalar as fmt prints it; a vector in brackets, as a column (a few values per
    line when there are many examples), as one row, or (`per_line`) as a row wrapped
    after every `per_line` values ("[0.500, 0.646,\n 0.525, 0.668]")."""
    arr = np.asarray(arr, dtype=float).reshape(-1)
    if arr.size == 1:
        return fmt(arr[0], digits, exact_int=exact_int)
    ints = exact_int and _is_int(arr)
    long = arr.size > MAX_VECTOR  # a long vector stays legible: its ends and a count
    parts = [fmt(v, digits, exact_int=ints) for v in (arr[: MAX_VECTOR - 2] if long else arr)]
    if long:
        parts += ["…", fmt(arr[-1], digits, exact_int=ints)]
    if per_line:
        k = per_line
    else:
        k = 1 if long else math.ceil(arr.size / 6)
        k = len(parts) if not column else k
    rows = ",\n ".join(", ".join(parts[i:i + k]) for i in range(0, len(parts), k))
    if not long:
        return f"[{rows}]"
    return f"[{rows}]\n({arr.size} values)" if column or per_line else \
        f"[{rows}] ({arr.size} values)"


def _vec(arr, digits: int, exact_int: bool = False) -> str:
    """A value of the diagram: a vector as a row, two values a line (one value a line
    made the batch diagram tall, and so every text small; a whole row, wide)."""
    return vector_text(arr, digits, exact_int=exact_int, per_line=2)


def label_text(symbol: str, y, digits: int) -> str:
    """The labels under the loss node: all of them, or for a long pass a count."""
    y = np.asarray(y, dtype=float).reshape(-1)
    if y.size > MAX_VECTOR:
        ones = int(np.sum(y == 1))
        return f"{symbol}: {y.size} labels\n({ones} ones)"
    values = vector_text(y, digits, exact_int=True, column=False)
    return f"{symbol} =\n{values}" if y.size > 1 else f"{symbol} = {values}"


def _equals(values: str, digits: int, stacked: bool) -> str:
    """" = " before the values, or " =\n" to put them under the symbol: a vector (with
    several examples), and one value wider than "−0.888" ("0.000528", "6.35×10⁻¹⁰",
    "12.346"), which would otherwise push the diagram wider than the window."""
    wide = len(values.lstrip(MINUS)) > digits + 2
    return " =\n" if (stacked and "[" in values) or wide else " = "


def forward_text(symbol: str, arr, digits: int, stacked: bool, under: bool = False) -> str:
    """"ŷ = 0.500 →"; a vector (several examples), or any value if `under`, under the
    symbol, a vector as a row."""
    values = _vec(arr, digits)
    return f"{symbol}{' =' + chr(10) if under else _equals(values, digits, stacked)}{values} →"


def backward_text(symbol: str, arr, digits: int, stacked: bool, exact_int: bool = False) -> str:
    """"← ∂L/∂ŷ = 0.500"; with several examples the value under the symbol ("∂Cost/∂…"
    is long), a vector as a row."""
    values = _vec(arr, digits, exact_int)
    return f"← {symbol}{' =' + chr(10) if stacked else _equals(values, digits, stacked)}{values}"


def chain_text(symbol: str, upstream: str, local: str, result: str) -> str:
    """The chain rule on an edge: "← ∂L/∂z =" / "0.500 × 0.250" / "= 0.125" (the two
    factors on two lines when they are long, "6.35×10⁻¹⁰ ×" / "0.250")."""
    times = " ×\n" if len(upstream) + len(local) > 15 else " × "
    return f"← {symbol} =\n{upstream}{times}{local}\n= {result}"


def local_text(symbol: str, arr, digits: int, exact_int: bool = False) -> str:
    """A node's local gradient: "local ∂ŷ/∂z = 0.250"; a vector under it, as a row."""
    arr = np.asarray(arr, dtype=float).reshape(-1)
    if arr.size > 1 and np.all(arr == 1):
        arr = arr[:1]  # ∂z/∂b = 1 for every example
    values = _vec(arr, digits, exact_int)
    return f"local {symbol}{' =' + chr(10) if '[' in values else ' = '}{values}"


def sum_text(symbol: str, per_example, digits: int) -> str:
    """Gradients meeting at a parameter shared by the examples: their sum ("Σ [0.031,
    −0.020,…] = −0.037"; of a long pass, only how many)."""
    per = np.asarray(per_example, dtype=float).reshape(-1)
    terms = f"over {per.size} examples" if per.size > MAX_VECTOR else _vec(per, digits)
    return f"← {symbol} = Σ\n{terms}\n= {fmt(np.sum(per), digits)}"


# ---------------------------------------------------------------------- items
class NodeItem(QGraphicsItem):
    """A circle or ellipse with a text inside (loss: the text alone)."""

    def __init__(self, kind: str, text: str, w: float, h: float, view: DiagramView):
        super().__init__()
        self._kind, self._text, self._w, self._h, self._view = kind, text, w, h, view
        self._font = _font(NODE_PX)
        self._hl = False

    @property
    def text(self) -> str:
        return self._text

    def boundingRect(self) -> QRectF:
        w, h = self._w / 2 + GLOW, self._h / 2 + GLOW
        return QRectF(-w, -h, 2 * w, 2 * h)

    def set_highlight(self, on: bool) -> None:
        if on != self._hl:
            self._hl = on
            self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        r = QRectF(-self._w / 2, -self._h / 2, self._w, self._h)
        pal = self._view.colours
        fill, border = FILLS[self._kind]
        if self._hl:
            glow = QColor(pal.highlight)
            glow.setAlpha(150)
            painter.setPen(QPen(glow, 12))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._outline(painter, r)
        painter.setBrush(QBrush(fill))
        painter.setPen(QPen(border, 2) if self._kind != "loss" else Qt.PenStyle.NoPen)
        self._outline(painter, r)
        if self._hl:  # shape as well as colour: a dashed dark outline
            pen = QPen(INK, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._outline(painter, r.adjusted(-6, -6, 6, 6))
        painter.setPen(INK)
        painter.setFont(self._font)
        painter.drawText(r, Qt.AlignmentFlag.AlignCenter, self._text)

    def _outline(self, painter: QPainter, r: QRectF) -> None:
        if self._kind == "loss":
            painter.drawRoundedRect(r, 10, 10)
        else:
            painter.drawEllipse(r)


class ArrowItem(QGraphicsItem):
    """A polyline with an arrowhead at its last point."""

    def __init__(self, points: list[QPointF], view: DiagramView, dashed: bool = False,
                 role: str = "forward"):
        super().__init__()
        self._view, self._dashed, self._role = view, dashed, role
        self._path = QPainterPath(points[0])
        for p in points[1:]:
            self._path.lineTo(p)
        a, b = points[-2], points[-1]
        ang = math.atan2(b.y() - a.y(), b.x() - a.x())
        size = 14
        self._head = QPolygonF([
            b,
            QPointF(b.x() - size * math.cos(ang - 0.42), b.y() - size * math.sin(ang - 0.42)),
            QPointF(b.x() - size * math.cos(ang + 0.42), b.y() - size * math.sin(ang + 0.42)),
        ])
        self._rect = self._path.boundingRect().united(self._head.boundingRect()).adjusted(
            -GLOW, -GLOW, GLOW, GLOW)
        stroker = QPainterPathStroker()
        stroker.setWidth(20)
        stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
        self._halo = stroker.createStroke(self._path)  # the highlight's dashed outline
        self._live = False  # forward arrows: coloured once their value is computed
        self._hl = False

    def boundingRect(self) -> QRectF:
        return self._rect

    def set_live(self, on: bool) -> None:
        if on != self._live:
            self._live = on
            self.update()

    def set_highlight(self, on: bool) -> None:
        if on != self._hl:
            self._hl = on
            self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        pal = self._view.colours
        if self._role == "backward":
            colour = pal.backward
        else:
            colour = pal.forward if self._live else EDGE_IDLE
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._hl:
            glow = QColor(pal.highlight)
            glow.setAlpha(150)
            painter.setPen(QPen(glow, 14, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                                Qt.PenJoinStyle.RoundJoin))
            painter.drawPath(self._path)
            painter.setPen(QPen(INK, 1.5, Qt.PenStyle.DashLine))
            painter.drawPath(self._halo)
        width = 4 if self._hl else 2.5
        pen = QPen(colour, width, Qt.PenStyle.DashLine if self._dashed else Qt.PenStyle.SolidLine)
        painter.setPen(pen)
        painter.drawPath(self._path)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(colour)
        painter.drawPolygon(self._head)


class ValueLabel(QGraphicsSimpleTextItem):
    """Text placed relative to an anchor point; boxed labels sit on a white tag.

    `align` says where the anchor is: "above" (text above it, centred), "below",
    "center", "left" (text to its left), "right-top" / "right-bottom" (text to the
    right, starting at / ending at the anchor's height).
    """

    PAD = 5

    def __init__(self, font: QFont, anchor: QPointF, align: str, boxed: bool = False,
                 view: DiagramView | None = None):
        super().__init__()
        self.setFont(font)
        self._anchor, self._align, self._boxed, self._view = anchor, align, boxed, view
        self._hl = False
        self._colour = QColor(INK)
        self._room: tuple[float, float] | None = None
        self.setBrush(self._colour)
        self.setZValue(2)

    def reserve(self) -> None:
        """Keep the room the current text takes: a longer text later (a value as a power
        of ten) is drawn smaller in it, rather than over its neighbours."""
        r = super().boundingRect()
        self._room = (r.width(), r.height())
        self._place()

    def set_text(self, text: str) -> None:
        if text != self.text():
            self.setText(text)
            self._place()

    def set_anchor(self, anchor: QPointF) -> None:
        self._anchor = anchor
        self._place()

    def set_colour(self, colour: QColor) -> None:
        if colour != self._colour:
            self._colour = QColor(colour)
            self.setBrush(self._colour)

    def set_bold(self, on: bool) -> None:
        if on != self.font().bold():
            f = self.font()
            f.setBold(on)
            self.setFont(f)
            self._place()

    def set_highlight(self, on: bool) -> None:
        if on != self._hl:
            self._hl = on
            self.update()

    def colour(self) -> QColor:
        return QColor(self._colour)

    def _place(self) -> None:
        r = super().boundingRect()
        k = 1.0
        if self._room is not None and r.width() > 0 and r.height() > 0:
            k = min(1.0, self._room[0] / r.width(), self._room[1] / r.height())
        if k != self.scale():
            self.setScale(k)
        a, w, h, al = self._anchor, r.width() * k, r.height() * k, self._align
        if al in ("above", "below", "center"):
            x = a.x() - w / 2
        else:
            x = a.x() - w if al == "left" else a.x()
        if al in ("above", "right-bottom"):
            y = a.y() - h
        elif al in ("below", "right-top"):
            y = a.y()
        else:
            y = a.y() - h / 2
        self.setPos(x, y)

    def boundingRect(self) -> QRectF:
        p = self.PAD
        return super().boundingRect().adjusted(-p, -p / 2, p, p / 2)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self._hl and self._view is not None:
            glow = QColor(self._view.colours.highlight)
            glow.setAlpha(90)
            painter.setPen(QPen(INK, 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(glow)
            painter.drawRoundedRect(self.boundingRect(), 6, 6)
        elif self._boxed:
            painter.setPen(QPen(QColor("#9a9a9a"), 1))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRoundedRect(self.boundingRect(), 6, 6)
        super().paint(painter, option, widget)


def _widest_tallest(font: QFont, *texts: str) -> str:
    """The widest of `texts`, padded with empty lines to the height of the tallest: a
    label laid out by it has room for each."""
    wide = max(texts, key=lambda t: _measure(font, t)[0])
    lines = max(t.count("\n") for t in texts)
    return wide + "\n " * (lines - wide.count("\n"))


def _measure(font: QFont, text: str) -> tuple[float, float]:
    item = QGraphicsSimpleTextItem(text)
    item.setFont(font)
    r = item.boundingRect()
    return r.width(), r.height()


# ---------------------------------------------------------------------- view
# the items a click can select a parameter by: its tag, its edge and the values on it
PARAM_OF = {key: name for name in PARAMS
            for key in (name, f"prod:{name}", f"grad:{name}")}


class DiagramSettings:
    """What both diagrams (the neuron's and a network's) take from the window: decimals,
    palette and the one example of a batch to show. Each class has `_digits`,
    `_palette`, `_focus`, `session` and `refresh`."""

    @property
    def colours(self):
        return PALETTES[self._palette]

    def set_digits(self, n: int) -> None:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 0 <= n <= 12:
            raise ValueError(f"digits must be a whole number from 0 to 12, got {n!r}")
        self._digits = int(n)
        self.refresh()

    def digits(self) -> int:
        return self._digits

    def set_palette(self, name: str) -> None:
        if name not in PALETTES:
            raise ValueError(f"unknown palette {name!r}; choose one of {', '.join(PALETTES)}")
        self._palette = name
        self.scene().update()  # items that paint in the palette's colours
        self.refresh()

    def palette_name(self) -> str:
        return self._palette

    def set_focus(self, i: int | None) -> None:
        """Show one example of a several-example pass (an index into the pass), or all."""
        n = len(self.session.engine.indices)
        if i is not None:
            if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or not 0 <= i < n:
                raise ValueError(f"focus must be None or an example 0 to {n - 1}, got {i!r}")
            i = int(i)
        self._focus = i if n > 1 else None
        self.refresh()

    def focus(self) -> int | None:
        return self._focus


class DiagramView(DiagramSettings, QGraphicsView):
    """The neuron's computational graph with the engine's revealed values."""

    # a click on a parameter's tag, edge or values (or the bias node): its name
    parameterClicked = Signal(str)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self._digits = 3
        self._palette = "default"
        self._focus: int | None = None
        self._structure = None
        self._labels: dict[str, ValueLabel] = {}
        self._nodes: dict[str, NodeItem] = {}
        self._arrows: dict[str, ArrowItem] = {}  # forward arrows, by the value they carry
        self._backs: dict[str, ArrowItem] = {}  # back arrows, by the gradient they carry
        self._hl_items: list = []
        self._hl_target: str | None = None
        self._legend: list[ValueLabel] = []

        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing
                            | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setBackgroundBrush(QColor("#ffffff"))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QGraphicsView.Shape.NoFrame)
        self.setAccessibleName("diagram")
        self.setMinimumSize(320, 160)
        self.setMouseTracking(True)
        add_export_actions(self)  # right-click: Export PNG…, Export SVG…

        for sig in (session.stepped, session.parametersChanged, session.trained,
                    session.setupChanged, session.datasetChanged):
            sig.connect(self.refresh)
        self.refresh()

    # ------------------------------------------------------------ clicks
    def parameter_at(self, pos) -> str | None:
        """The parameter drawn at `pos` (viewport coordinates), if any."""
        for item in self.items(pos):
            for table in (self._labels, self._arrows, self._backs, self._nodes):
                for key, it in table.items():
                    if it is item and key in PARAM_OF:
                        return PARAM_OF[key]
        return None

    def mousePressEvent(self, event) -> None:
        name = self.parameter_at(event.position().toPoint())
        if name is not None and event.button() == Qt.MouseButton.LeftButton:
            self.parameterClicked.emit(name)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        # a hand over what can be clicked
        over = self.parameter_at(event.position().toPoint()) is not None
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor if over
                                  else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    # ------------------------------------------------------------ public API
    def value_text(self, key: str) -> str:
        """The text shown for `key` (one of KEYS), or "" if nothing is shown."""
        label = self._label(key)
        return label.text() if label is not None and label.isVisible() else ""

    def label_rect(self, key: str):
        """Where the label of `key` is drawn, in viewport coordinates (None if hidden)."""
        label = self._label(key)
        if label is None or not label.isVisible():
            return None
        return self.mapFromScene(label.sceneBoundingRect()).boundingRect()

    def text_px(self, key: str) -> float | None:
        """The on-screen pixel size of the text of `key` (None if hidden): its font's
        size times the label's own scale (a long value shrinks in its place) times
        the view's."""
        label = self._label(key)
        if label is None or not label.isVisible():
            return None
        return label.font().pixelSize() * label.scale() * self.transform().m11()

    def tooltip_text(self, key: str) -> str:
        """The full-precision value shown on hovering `key`, or ""."""
        label = self._label(key)
        return label.toolTip() if label is not None and label.isVisible() else ""

    def value_colour(self, key: str) -> str:
        """The text colour of `key` as "#rrggbb", or "" if nothing is shown."""
        label = self._label(key)
        return label.colour().name() if label is not None and label.isVisible() else ""

    def node_text(self, name: str) -> str:
        """The text inside node `name` ("x1", "x2", "b", "z", "y_hat", "loss"), or "" if
        that node is not drawn (b with the bias off)."""
        node = self._nodes.get(name)
        return node.text if node is not None else ""

    def legend(self) -> list[tuple[str, str]]:
        """The legend under the diagram: (text, colour as "#rrggbb") per entry."""
        return [(item.text(), item.colour().name()) for item in self._legend]

    def highlighted(self) -> str | None:
        """The target of the current micro-step, if it is drawn; else None."""
        return self._hl_target

    # ------------------------------------------------------------ Qt overrides
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        self.fitInView(self.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)

    def set_top_margin(self, px: int) -> None:
        """Keep the top `px` pixels free (a message shown over them) and fit the
        diagram in the rest: nothing of it is hidden, and nothing around it moves."""
        if px != self.viewportMargins().top():
            self.setViewportMargins(0, px, 0, 0)
            self._fit()

    def drawn_rect(self):
        """Where the diagram's items are drawn, in this widget's coordinates."""
        poly = self.mapFromScene(self.scene().itemsBoundingRect())
        return poly.boundingRect().translated(self.viewport().pos())

    # ------------------------------------------------------------ refresh
    def _label(self, key: str) -> ValueLabel | None:
        if key not in KEYS:
            raise KeyError(f"unknown diagram key {key!r}; keys are {', '.join(KEYS)}")
        return self._labels.get(key)

    @Slot()
    def refresh(self) -> None:
        """Show the engine's state: texts, colours, visibility; the scene is rebuilt
        only when its structure changed."""
        e = self.session.engine
        if e.network.depth != 1 or e.network.feature_cross:
            return  # another network: the window shows the network diagram instead
        n = len(e.indices)
        structure = (e.network.has_bias, n, self._digits, self._palette, e.dataset)
        if structure != self._structure:
            self._build(e, n)
            self._structure = structure
            if self._focus is not None and self._focus >= n:
                self._focus = None
        d, pal, labels = self._digits, self.colours, self._labels
        stacked = n > 1
        focus = self._focus if stacked else None

        def pick(value) -> np.ndarray:
            arr = np.asarray(value, dtype=float).reshape(-1)
            return arr[focus:focus + 1] if focus is not None and arr.size == n else arr

        def tag(symbol: str, value) -> str:
            """A per-example symbol gets the example's number, as ŷ⁽²⁾."""
            if focus is not None and np.size(value) == n:
                return f"{symbol}⁽{sup(focus + 1)}⁾"
            return symbol

        shown = {SHOWN_TO_KEY[k]: s for k, s in e.shown_values().items() if k in SHOWN_TO_KEY}
        current = e.current_step
        p = e.current_pass

        def note(step) -> str:
            """Where the tutorial prints another number for this step: why, on a new line."""
            found = note_for(e.dataset, p, step)
            return "" if found is None else "\n" + textwrap.fill(found.text, 72)  # tips never wrap

        for key in FORWARD_LABELS + GRAD_LABELS:
            label = labels.get(key)
            if label is None:
                continue
            step = shown.get(key)
            if step is None:
                label.setVisible(False)
                continue
            arr, sym = pick(step.value), tag(step.symbol, step.value)
            if key in FORWARD_LABELS:  # "Cost" is long: its value goes under it
                label.set_text(forward_text(sym, arr, d, stacked,
                                            under=stacked and key == "loss"))
                label.set_colour(pal.forward)
            elif step is current and step.upstream is not None:
                label.set_text(self._chain(e, step, sym, pick, d, focus))
                label.set_colour(pal.backward)
            else:
                label.set_text(backward_text(sym, arr, d, stacked, exact_int=key == "grad:loss"))
                label.set_colour(pal.backward)
            label.setToolTip(f"{sym} = {fmt_full(arr)}{note(step)}")
            label.setVisible(True)
        # the local gradient of the current backward step, at the node it belongs to
        at = LOCAL_AT.get(current.target) if current is not None else None
        if current is not None and current.phase != "backward":
            at = None
        for key in LOCAL_KEYS:
            label = labels.get(key)
            if label is None:
                continue
            label.setVisible(key == at and current.local is not None)
            if label.isVisible():
                sym = tag(self._local_symbol(e, current), current.local)
                loc = pick(current.local)
                label.set_text(local_text(sym, loc, d, exact_int=key == "local:z"))
                label.set_colour(pal.backward)
                label.setToolTip(f"local gradient {sym} = {fmt_full(loc)}")
        for key, arrow in self._arrows.items():
            arrow.set_live(key in shown)
        for key, arrow in self._backs.items():
            arrow.setVisible(key in shown)

        # parameters, always shown; bold in the update colour once this pass set them
        for name in PARAMS:
            label = labels.get(name)
            if label is None:
                continue
            value = e.network.get(name)
            symbol = "b" if name == "b" else f"w{sub(name[1])}"
            step = shown.get(name)
            # once this pass's update set it: where it came from and where it went
            # (two lines: one would widen the diagram and shrink every text in it)
            changed = step is not None and step.old != value
            label.set_text(f"{symbol}: {fmt(step.old, d)}\n→ {fmt(value, d)}" if changed
                           else f"{symbol} = {fmt(value, d)}")
            label.set_colour(pal.update if step is not None else INK)
            label.set_bold(step is not None)
            was = f" (was {fmt_full(step.old)}){note(step)}" if step is not None else ""
            label.setToolTip(f"{symbol} = {fmt_full(value)}{was}")

        # the example(s): inputs, label, which examples
        idx = list(e.indices)
        X, Y = e.dataset.X[:, idx], e.dataset.Y[0, idx]
        for j in range(2):
            arr = pick(X[j])
            label = labels[f"x{j + 1}"]
            label.set_text(_vec(arr, d, exact_int=True))  # narrow: over x
            label.setToolTip(f"{tag(f'x{sub(j + 1)}', X[j])} = {fmt_full(arr)}")
        yarr, ysym = pick(Y), tag("y", Y)
        labels["y"].set_text(label_text(ysym, yarr, d))
        labels["y"].setToolTip(f"{ysym} = {fmt_full(yarr)}")
        labels["example"].set_text(self._example_text(e, idx, focus))

        self._set_highlight(e)
        self.setAccessibleDescription("; ".join(
            " ".join(labels[k].text().split()) for k in FORWARD_LABELS + GRAD_LABELS + LOCAL_KEYS
            if k in labels and labels[k].isVisible()))

    @staticmethod
    def _local_symbol(e, step) -> str:
        """What the local gradient of a backward step is the derivative of."""
        t = step.target
        if t == "edge:z->y_hat":
            return "∂ŷ/∂z" if e.network.loss.via_yhat else step.symbol
        if t in ("edge:w1", "edge:w2"):
            j = sub(t[-1])
            return f"∂z/∂w{j} = x{j}"
        if t == "edge:b":
            return "∂z/∂b"
        return step.symbol  # the loss's own: ∂L/∂ŷ

    def _chain(self, e, step, sym: str, pick, d: int, focus) -> str:
        """The current backward step on its edge: upstream × local = result, or for a
        parameter shared by a batch's examples the sum of their gradients."""
        n = len(e.indices)
        if step.kind == "param_grad" and n > 1:
            return sum_text(sym, step.per_example, d)
        up, loc, res = pick(step.upstream), pick(step.local), pick(step.value)

        def one(v, exact: bool = False) -> str:
            return fmt(v[0], d, exact_int=exact)

        seed = np.ndim(step.upstream) == 0 and float(step.upstream) == 1.0
        if up.size == 1 and loc.size == 1:
            exact = step.kind == "param_grad"  # ∂z/∂w = x (data), ∂z/∂b = 1
            return chain_text(sym, "1" if seed else one(up), one(loc, exact), one(res))
        # several examples: the factors are on the graph already; name them
        L = "L" if n == 1 else "Cost"
        up_sym = "1" if seed else f"∂{L}/∂ŷ"
        return chain_text(sym, up_sym, self._local_symbol(e, step), _vec(res, d))

    @staticmethod
    def _example_text(e, idx: list[int], focus: int | None) -> str:
        name, m_all, n = e.dataset.name, e.dataset.m, len(idx)
        if n == 1:
            return f"{name} · example {idx[0] + 1} of {m_all}"
        what = "batch" if n == m_all else "mini-batch"
        if focus is None:
            which = "" if n == m_all else f" ({', '.join(str(i + 1) for i in idx)})"
            return f"{name} · {what} of {n} examples{which}: one value per example"
        return (f"{name} · ex. {focus + 1} of {n} in the {what} (dataset example "
                f"{idx[focus] + 1})\nCost and the parameter gradients: whole {what}")

    def _set_highlight(self, e) -> None:
        step = e.current_step
        items: list = []
        target = None
        if step is not None:
            target = step.target
            key = SHOWN_TO_KEY.get(target + ("#grad" if step.phase == "backward" else ""))
            if key in self._labels:
                items.append(self._labels[key])
            if step.phase == "backward" and key in self._backs:
                items.append(self._backs[key])
            elif step.phase == "forward" and target.startswith("edge:") and key in self._arrows:
                items.append(self._arrows[key])
            node = NODE_OF.get(target)
            if step.phase == "backward" and target in LOCAL_AT:
                node = LOCAL_NODE[LOCAL_AT[target]]  # where its local gradient is shown
            if node in self._nodes:
                items.append(self._nodes[node])
            if not items:
                target = None  # nothing of it is drawn
        for it in self._hl_items:
            if not any(it is other for other in items):
                it.set_highlight(False)
        for it in items:
            it.set_highlight(True)
        self._hl_items, self._hl_target = items, target

    # ------------------------------------------------------------ build
    def _samples(self, e, n: int) -> dict[str, str]:
        """For each label, the widest text it shows in this structure (to lay out by)."""
        d, stacked = self._digits, n > 1
        L = "L" if n == 1 else "Cost"
        dd = f"∂{L}/∂"
        font = _font(VALUE_PX)

        def widest(make, v: float, per_example: bool = False, tiny: bool = True) -> str:
            """make(value)'s widest text over the shapes fmt gives a value of this size:
            fixed point ("−8.000", and at 0 or 1 digits "0.09"), small with significant
            figures ("0.000528") and, if `tiny`, a power of ten ("6.35×10⁻¹⁰": a trained
            gradient that is zero but for rounding). A vector takes the room of ordinary
            values only: one of such small values is drawn smaller in it
            (ValueLabel.reserve), rather than every text of the batch diagram; with
            inputs other than 0 and 1, products and gradients that small are common: a
            row has room for one."""
            cands = (v, math.copysign(0.0888, v), math.copysign(0.000888, v)) + (
                (math.copysign(8.88e-10, v),) if tiny else ())
            texts = [make(np.full(n, c) if per_example else c) for c in cands]
            if n > 1 and "[" in texts[0]:
                texts = texts[:2]
                if not gate_like:  # room for one small value in a row of ordinary ones
                    mixed = np.full(n, v)
                    mixed[0] = cands[2]
                    texts.append(make(mixed))
            return _widest_tallest(font, *texts)

        X = e.dataset.X
        gate_like = _is_int(X)
        # a parameter or an input as wide as fmt writes one: "−8.000", or "−0.09" at 0 digits
        num = max((fmt(c, d) for c in (-8.0, -0.0888)), key=len)
        xs = _vec(np.full(n, max(X.reshape(-1), key=lambda v: len(fmt(v, d, exact_int=True)))),
                  d, exact_int=True)
        out = {"x1": xs, "x2": xs, "example": "",
               "y": label_text("y", np.ones(n) if n <= MAX_VECTOR else np.arange(n) % 2, d),
               "loss": widest(lambda v: forward_text(L, v, d, stacked, under=stacked), 0.888),
               "grad:loss": backward_text(f"{dd}{L}", 1.0, d, stacked, exact_int=True)}
        for key, sym in (("w1", "w₁"), ("w2", "w₂"), ("b", "b")):
            # room for "w₁ = …" and, after an update, "w₁: …" / "→ …"
            out[key] = f"{sym} = {num}\n→ {num}"
        for key, sym, v in (("prod:w1", "w₁x₁", -8.0), ("prod:w2", "w₂x₂", -8.0),
                            ("prod:b", "b", -8.0), ("z", "z", -8.0), ("y_hat", "ŷ", 0.888)):
            out[key] = widest(lambda a, sym=sym: forward_text(sym, a, d, stacked), v, True,
                              tiny=not stacked)
        V = (lambda c: _vec(np.full(n, c), d)) if n > 1 else (lambda c: fmt(c, d))
        # the local gradient of a weight is an input (as the data has them), of b one
        x_wide = fmt(max(X.reshape(-1), key=lambda v: len(fmt(v, d, exact_int=True))), d,
                     exact_int=True)
        for key, sym, loc in (("grad:w1", "w₁", x_wide), ("grad:w2", "w₂", x_wide),
                              ("grad:b", "b", "1")):
            plain = widest(lambda a, sym=sym: backward_text(f"{dd}{sym}", a, d, stacked), -0.888)
            if n > 1:  # the sum of the examples' gradients, while the step is current
                chain = widest(lambda a, sym=sym: sum_text(f"{dd}{sym}", a, d), -0.888, True)
            else:
                chain = widest(lambda c, sym=sym, loc=loc: chain_text(
                    f"{dd}{sym}", fmt(c, d), loc, fmt(c, d)), -0.888)
            out[key] = _widest_tallest(font, plain, chain)
        for key, sym, up in (("grad:z", "z", f"{dd}ŷ"), ("grad:y_hat", "ŷ", "1")):
            plain = widest(lambda a, sym=sym: backward_text(f"{dd}{sym}", a, d, stacked),
                           -0.888, True)
            if n > 1:
                chain = widest(lambda c, sym=sym, up=up: chain_text(
                    f"{dd}{sym}", up, "∂ŷ/∂z" if sym == "z" else f"{dd}ŷ", V(c)), -0.888)
            else:
                chain = widest(lambda c, sym=sym: chain_text(f"{dd}{sym}", fmt(c, d), fmt(c, d),
                                                             fmt(c, d)), -0.888)
            out[key] = _widest_tallest(font, plain, chain)
        xv = np.full(n, float(max(X.reshape(-1), key=lambda v: len(fmt(v, d, exact_int=True)))))
        out["local:z"] = _widest_tallest(font, local_text("∂z/∂w₁ = x₁", xv, d, True),
                                         local_text("∂z/∂b", np.ones(n), d, True))
        # σ's own, or with a cross-entropy loss σ's and the loss's together (ŷ − y)
        out["local:y_hat"] = _widest_tallest(font, *(
            widest(lambda a, sym=sym: local_text(sym, a, d), -0.888, n > 1)
            for sym in ("∂ŷ/∂z", f"{dd}z")))
        out["local:loss"] = widest(lambda a: local_text(f"{dd}ŷ", a, d), -0.888, n > 1)
        return out

    def _build(self, e, n: int) -> None:
        """Create every item for this structure, laid out from the widest texts."""
        scene = self.scene()
        scene.clear()
        self._labels, self._nodes, self._arrows, self._backs = {}, {}, {}, {}
        self._hl_items, self._hl_target = [], None
        bias = e.network.has_bias
        samples = self._samples(e, n)
        vf, nf = _font(VALUE_PX), _font(NODE_PX)
        W, H = {}, {}
        for key, text in samples.items():
            W[key], H[key] = _measure(vf, text)
        R_in, R_b = 38.0, 34.0

        # ---- input column and the w edges: a horizontal run, then into z
        tag_h = H["w1"]
        run = max(W["w1"], W["prod:w1"], W["grad:w1"]) + GAP
        above = tag_h / 2 + 10 + H["prod:w1"]  # the run's forward value sits above it
        below = tag_h / 2 + 22 + H["grad:w1"]  # its gradient below, clear of the tag
        D = max(R_in + 24, (above + below + 24) / 2)
        x_in = max(R_in, W["x1"] / 2)
        start = x_in + max(R_in, W["x1"] / 2 + 6)  # the run's values clear of x₁'s
        knee = start + run
        # the formulas on two lines: one made the chain, and so the scene, wider and every
        # text smaller
        zt = "z = w₁x₁\n+ w₂x₂" + (" + b" if bias else "")
        zw, zh = _measure(nf, zt)
        a, bz = zw / 2 + 24, max(zh / 2 + 18, 42)
        z_cx = knee + 24 + 0.87 * a
        self._add_node("z", "z", zt, 2 * a, 2 * bz, QPointF(z_cx, 0))
        mid = start + run / 2
        for j, key in enumerate(("w1", "w2")):
            y = (2 * j - 1) * D
            self._add_node(f"x{j + 1}", "input", f"x{sub(j + 1)}", 2 * R_in, 2 * R_in,
                           QPointF(x_in, y))
            # the inputs' values above x₁ and below x₂: beside them they widened the scene
            self._add_label(f"x{j + 1}", QPointF(x_in, y + (2 * j - 1) * (R_in + 4)),
                            "above" if j == 0 else "below")
            end = QPointF(z_cx - 0.87 * a, (2 * j - 1) * 0.5 * bz)
            self._add_arrow(f"prod:{key}", [QPointF(x_in + R_in, y), QPointF(knee, y), end])
            yb = y + tag_h / 2 + 13  # the highlight glow (7 px) stays off the tag
            self._add_arrow(f"grad:{key}", [QPointF(mid + W["w1"] / 2, yb),
                                             QPointF(mid - W["w1"] / 2, yb)])
            self._add_label(key, QPointF(mid, y), "center", boxed=True)
            self._add_label(f"prod:{key}", QPointF(mid, y - tag_h / 2 - 10), "above")
            self._add_label(f"grad:{key}", QPointF(mid, y + tag_h / 2 + 22), "below")

        # ---- z → σ → loss → out, along y = 0
        def connection(x0: float, key: str) -> float:
            x1 = x0 + max(W[key], W[f"grad:{key}"], 100) + GAP
            self._add_arrow(key, [QPointF(x0, -2), QPointF(x1, -2)])
            self._add_arrow(f"grad:{key}", [QPointF(x1 - 10, 10), QPointF(x0 + 10, 10)])
            self._add_label(key, QPointF((x0 + x1) / 2, -10), "above")
            self._add_label(f"grad:{key}", QPointF((x0 + x1) / 2, 18), "below")
            return x1

        x_sig = connection(z_cx + a + 6, "z")
        st = "ŷ = σ(z)"
        R_s = max(54.0, _measure(nf, st)[0] / 2 + 14)
        sig_cx = x_sig + 6 + R_s
        self._add_node("y_hat", "sigma", st, 2 * R_s, 2 * R_s, QPointF(sig_cx, 0))
        x_loss = connection(sig_cx + R_s + 6, "y_hat")
        lt = e.network.loss.formula(n)  # the network's own loss says how it is written
        lt = lt.replace(" = ", " =\n", 1).replace(" Σ ", " Σ\n", 1)
        lw, lh = _measure(nf, lt)
        # the loss node is its text alone: a small gap, unless the labels under it are wider
        half = max(lw / 2 + 12, W["y"] / 2 + ValueLabel.PAD + 6)
        loss_cx = x_loss + half
        self._add_node("loss", "loss", lt, lw + 20, lh + 16, QPointF(loss_cx, 0))
        connection(loss_cx + half, "loss")
        self._add_label("y", QPointF(loss_cx, lh / 2 + 16), "below")

        # ---- the current backward step's local gradient, under its node, in a row below
        # the chain's gradients (one shows at a time; the node is outlined with it)
        row = max(18 + max(H["grad:z"], H["grad:y_hat"], H["grad:loss"]),
                  lh / 2 + 16 + H["y"], R_s, bz) + GAP
        # z's: right of the w₂ run's gradient and below where the w₂ edge meets the knee
        z_local = max(z_cx, knee + W["local:z"] / 2 + ValueLabel.PAD + 2)
        for key, cx, y in (("local:z", z_local, max(row, D + 10)),
                           ("local:y_hat", sig_cx, row), ("local:loss", loss_cx, row)):
            self._add_label(key, QPointF(cx, y), "below", boxed=True)

        # ---- the bias node above z, its edge straight down into z
        if bias:
            x_b = z_cx - 0.3 * a
            z_top = -bz * math.sqrt(1 - 0.3 ** 2)
            bottom = z_top - 10
            if x_b + 14 + max(W["prod:b"], W["grad:b"]) > z_cx + a:  # keep above z's value
                bottom = min(bottom, -10 - H["z"] - 12)
            y_b = bottom - (H["prod:b"] + 8 + H["grad:b"]) - 10 - R_b
            # b's value, left of its node, must not sit on the w₁ run's values
            w1_top = -D - above - 10
            if x_b - R_b - 12 - W["b"] < knee and y_b + H["b"] / 2 > w1_top:
                y_b = w1_top - H["b"] / 2
            self._add_node("b", "bias", "b", 2 * R_b, 2 * R_b, QPointF(x_b, y_b))
            self._add_label("b", QPointF(x_b - R_b - 12, y_b), "left", boxed=True)
            self._add_arrow("prod:b", [QPointF(x_b, y_b + R_b), QPointF(x_b, z_top - 2)],
                            dashed=True)
            self._add_arrow("grad:b", [QPointF(x_b - 10, z_top - 8),
                                       QPointF(x_b - 10, y_b + R_b + 8)])
            self._add_label("prod:b", QPointF(x_b + 14, y_b + R_b + 6), "right-top")
            self._add_label("grad:b", QPointF(x_b + 14, bottom), "right-bottom")

        # ---- the scene's size from the widest texts; a header and a legend
        for key, label in self._labels.items():
            label.set_text(samples[key])
            label.set_bold(key in PARAMS)  # a parameter set by the update is bold
            label.reserve()
        body = scene.itemsBoundingRect()
        header = ValueLabel(_font(NOTE_PX), QPointF(0, 0), "right-top", view=self)
        header.set_text(_widest_tallest(_font(NOTE_PX), *(
            self._example_text(e, list(e.indices), f) for f in (None, 0 if n > 1 else None))))
        header.reserve()
        header.set_colour(MUTED)
        self._labels["example"] = header
        # the legend names meanings, not colours (the palette changes those): each entry
        # is drawn in its own colour, and the current-step entry wears the highlight
        pal = self.colours
        self._legend = []
        for text, colour, bold, hl in (("→ forward value", pal.forward, False, False),
                                       ("← gradient", pal.backward, False, False),
                                       ("parameter set by the update (bold)", pal.update, True,
                                        False),
                                       ("current step (dashed outline)", INK, False, True)):
            item = ValueLabel(_font(NOTE_PX), QPointF(0, 0), "right-top", view=self)
            item.set_text(text)
            item.set_bold(bold)
            item.set_colour(colour)
            item.set_highlight(hl)
            self._legend.append(item)
        notes = [header] + self._legend
        # as a column in the body's top right corner, when that is free: a header above
        # and a legend below the body made the scene taller and every text smaller
        heights = [i.boundingRect().height() + 6 for i in notes]
        width = max(i.boundingRect().width() for i in notes) + GAP
        corner = QRectF(body.right() - width, body.top(), width, sum(heights))
        if not any(corner.intersects(i.sceneBoundingRect()) for i in scene.items()):
            y = corner.top()
            for item, h in zip(notes, heights):
                item.set_anchor(QPointF(corner.left() + ValueLabel.PAD, y))
                y += h
        else:
            header.set_anchor(QPointF(body.left(), body.top() - 10 - heights[0]))
            x, y = body.left(), body.bottom() + 16
            for item in self._legend:  # rows as wide as the body, not a wider scene
                w = item.boundingRect().width()
                if x > body.left() and x + w > body.right():
                    x, y = body.left(), y + item.boundingRect().height() + 8
                item.set_anchor(QPointF(x + ValueLabel.PAD, y))
                x += w + 22
        for item in notes:
            scene.addItem(item)
        rect = scene.itemsBoundingRect().adjusted(-12, -12, 12, 12)
        scene.setSceneRect(rect)
        self.setSceneRect(rect)
        self._fit()

    def _add_node(self, key, kind, text, w, h, pos: QPointF) -> NodeItem:
        node = NodeItem(kind, text, w, h, self)
        node.setPos(pos)
        self.scene().addItem(node)
        self._nodes[key] = node
        return node

    def _add_arrow(self, key: str, points, dashed: bool = False) -> ArrowItem:
        """A forward arrow carrying value `key`, or (keys "grad:…") a back arrow."""
        backward = key.startswith("grad:")
        arrow = ArrowItem(points, self, dashed=dashed, role="backward" if backward else "forward")
        self.scene().addItem(arrow)
        (self._backs if backward else self._arrows)[key] = arrow
        return arrow

    def _add_label(self, key, anchor: QPointF, align: str, boxed: bool = False,
                   font: QFont | None = None) -> ValueLabel:
        label = ValueLabel(font or _font(VALUE_PX), anchor, align, boxed, view=self)
        self.scene().addItem(label)
        self._labels[key] = label
        return label
