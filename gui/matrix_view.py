"""The Matrices tab: one pass written out as matrices, the vectorised picture of the
tutorial (its figures 42 to 45) and the unrolled sum for a shared parameter (53 to 55).

The examples of the pass are the columns (X is n × m, W is units × n, b is units × 1),
so Z = W · X + b, Â = g(Z), and backward ∂Cost/∂W = ∂Cost/∂Z · Xᵀ, ∂Cost/∂b = the sum
of ∂Cost/∂Z over the examples. Every number comes from the engine's step records, and
an entry the pass has not revealed yet shows "?", as on the diagram.

The page is built in two parts: `build_sheet` turns the engine's state into plain
tokens (text, bracketed grids, the bias's fan), with no Qt; `MatrixView` lays them out
and paints them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from core.steps import UPDATE
from core.symbols import fmt, fmt_full, sup
from gui.palette import PALETTES

HIDDEN = "?"  # an entry the pass has not revealed yet
MAX_COLS = 6  # examples drawn as columns: the first MAX_COLS − 2, "…", the last
MAX_ROWS = 6  # units drawn as rows, likewise
MAX_TERMS = 6  # terms of a written-out sum, likewise
MAX_LINES = 8  # written-out entries (one line each), likewise
MAX_FANS = 3  # biases of a layer drawn unrolled, likewise

# roles of what is drawn; the colours of the computed ones come from the palette
DATA, PARAM, FORWARD, BACKWARD, UPDATED, LABEL, MUTED = (
    "data", "param", "forward", "backward", "update", "label", "muted")


# ------------------------------------------------------------------ the sheet (no Qt)
@dataclass
class Cell:
    text: str
    role: str = DATA
    value: float = math.nan  # the exact number shown (NaN: hidden, or not a number)
    tip: str = ""


@dataclass
class Text:
    text: str
    role: str = LABEL
    bold: bool = False


@dataclass
class Grid:
    """A matrix in brackets (or, without, a table of written-out sums). A row or a
    column that is None is an elided run ("⋮" / "…")."""

    key: str
    rows: list  # list[list[Cell | None] | None]
    brackets: bool = True
    labels: list[str] | None = None  # under the columns: which example
    caption: str = ""  # under the grid: its shape
    align_left: tuple[int, ...] = ()  # columns written from the left (tables' sums)


@dataclass
class Fan:
    """The shared bias unrolled (the tutorial's figure 55): b copied into every
    example's z, and each example's gradient flowing back to it."""

    key: str
    bias: Cell
    symbol: str
    rows: list  # list[tuple[str, Cell, Cell] | None]: (z label, copy, contribution)


@dataclass
class Section:
    title: str
    role: str
    lines: list = field(default_factory=list)  # list[list[token]]


def picked(n: int, limit: int) -> list[int | None]:
    """Indices 0 … n−1 to draw, at most `limit` of them: the first ones, None for the
    run left out, and the last."""
    if n <= limit:
        return list(range(n))
    return [*range(limit - 2), None, n - 1]


def ex_label(k: int) -> str:
    """Example k (0-based in the data set) as the tutorial numbers it: ⁽¹⁾."""
    return "⁽" + sup(k + 1) + "⁾"


class _Sheet:
    """What the Matrices tab shows for one layer of the current pass."""

    def __init__(self, engine, layer: int, digits: int):
        self.e, self.digits = engine, digits
        p = self.p = engine.current_pass
        net = self.net = engine.network
        self.shown = engine.shown_values()
        self.idx = p.indices
        self.m = len(p.indices)
        self.L = "L" if self.m == 1 else "Cost"
        self.d = f"∂{self.L}/∂"
        self.l = max(0, min(layer, net.depth - 1))
        self.lin = net.linears[self.l]
        self.W0, self.b0 = p.state_before[self.l]
        self.cols = picked(self.m, MAX_COLS)
        self.last = self.l == net.depth - 1
        self.per_m = "" if self.m == 1 else "(1/m)"  # the cost is the mean over m examples

    # --- names ------------------------------------------------------------------
    def sym(self, base: str, layer: int | None = None) -> str:
        layer = self.l if layer is None else layer
        if base == "A" and layer == self.net.depth - 1:
            return "Ŷ"
        if base == "A" and layer < 0:
            return "X"
        return base + ("" if self.net.depth == 1 else sup(layer + 1))

    # --- cells ------------------------------------------------------------------
    def num(self, v, role, exact_int=False, paren=False) -> Cell:
        v = float(v)
        return Cell(fmt(v, self.digits, exact_int=exact_int, paren=paren), role, v, fmt_full(v))

    def hidden(self) -> Cell:
        return Cell(HIDDEN, MUTED)

    def step(self, target: str, grad: bool = False):
        return self.shown.get(target + ("#grad" if grad else ""))

    def row_of(self, step, role) -> list:
        """One grid row from a per-example step value (hidden if the step is not shown)."""
        out = []
        for k in self.cols:
            if k is None:
                out.append(None)
            elif step is None:
                out.append(self.hidden())
            else:
                out.append(self.num(np.asarray(step.value).reshape(-1)[k], role))
        return out

    def matrix(self, key, n_rows, row_fn, labels=True) -> Grid:
        """An n_rows × m matrix, row i from row_fn(i)."""
        rows = [None if i is None else row_fn(i) for i in picked(n_rows, MAX_ROWS)]
        lab = [("" if k is None else f"#{self.idx[k] + 1}") for k in self.cols]
        return Grid(key, rows, labels=lab if labels else None, caption=f"{n_rows} × {self.m}")

    # --- inputs of the layer -------------------------------------------------------
    def a_prev(self, j: int, k: int):
        """The layer's input j for example column k, or None if not revealed."""
        if self.l == 0:
            if j < 2:
                return float(self.e.dataset.X[j, self.idx[k]])
            s = self.step("node:x3")
            return None if s is None else float(np.asarray(s.value).reshape(-1)[k])
        s = self.step("node:" + self.net.a_id(self.l - 1, j))
        return None if s is None else float(np.asarray(s.value).reshape(-1)[k])

    def a_prev_cell(self, j, k) -> Cell:
        v = self.a_prev(j, k)
        if v is None:
            return self.hidden()
        return self.num(v, DATA if self.l == 0 else FORWARD, exact_int=self.l == 0)

    # --- the page -----------------------------------------------------------------
    def build(self) -> list[Section]:
        secs = [self.forward()]
        secs.append(self.backward())
        bias = self.bias_section()
        if bias is not None:
            secs.append(bias)
        if self.l > 0:
            secs.append(self.sent_back())
        secs.append(self.update())
        return secs

    def forward(self) -> Section:
        net, l, lin = self.net, self.l, self.lin
        W, b, Z, A = self.sym("W"), self.sym("b"), self.sym("Z"), self.sym("A")
        Ap = self.sym("A", l - 1)
        n = lin.fan_in
        has_b = lin.b is not None
        sec = Section(f"Forward: {Z} = {W} · {Ap}" + (f" + {b}" if has_b else "")
                      + f", then {A} = {net.activations[l].symbol}({Z})", FORWARD)
        w_grid = Grid("W", [None if i is None else
                            [None if j is None else self.num(self.W0[i, j], PARAM)
                             for j in picked(n, MAX_COLS)]
                            for i in picked(lin.units, MAX_ROWS)],
                      caption=f"{lin.units} × {n}")
        x_grid = self.matrix("X", n, lambda j: [None if k is None else self.a_prev_cell(j, k)
                                                for k in self.cols])
        line = [Text(f"{Z} ="), w_grid, Text("·"), x_grid]
        if has_b:
            b_grid = Grid("b", [None if i is None else [self.num(self.b0[i, 0], PARAM)]
                                for i in picked(lin.units, MAX_ROWS)],
                          caption=f"{lin.units} × 1")
            line += [Text("+"), b_grid]
        sec.lines.append(line)
        if l == 0 and net.feature_cross:
            sec.lines.append([Text("The third row of X is the feature cross x₃ = x₁ · x₂, "
                                   "computed first.", MUTED)])
        if has_b and self.m > 1:
            sec.lines.append([Text(f"{b} is added to every column (every example): "
                                   "the same bias, shared", MUTED)])
        # each entry written out: z = w·x + w·x + b
        rows = []
        for i, k in self._entries(lin.units):
            if i is None:
                rows.append(None)
                continue
            zs = net.z_symbol(l, i) + ex_label(self.idx[k])
            terms = []
            for j in picked(n, MAX_TERMS):
                if j is None:
                    terms.append("…")
                    continue
                slot = net.slot_at(l, "W", i, j)
                a = self.a_prev(j, k)
                if self.step("edge:" + slot.name) is None or a is None:
                    terms.append(HIDDEN)
                else:
                    terms.append(f"{fmt(self.W0[i, j], self.digits, paren=True)}·"
                                 f"{fmt(a, self.digits, paren=True, exact_int=l == 0)}")
            if has_b:
                slot = net.slot_at(l, "b", i, 0)
                terms.append(HIDDEN if self.step("edge:" + slot.name) is None
                             else fmt(self.b0[i, 0], self.digits, paren=True))
            zstep = self.step("node:" + net.z_id(l, i))
            res = self.hidden() if zstep is None else self.num(
                np.asarray(zstep.value).reshape(-1)[k], FORWARD)
            expr = (HIDDEN if all(t in (HIDDEN, "…") for t in terms)
                    else " + ".join(terms))
            rows.append([Cell(zs, LABEL), Cell("=", LABEL),
                         Cell(expr, FORWARD if HIDDEN not in terms else MUTED),
                         Cell("=", LABEL), res])
        sec.lines.append([Grid("Z terms", rows, brackets=False, align_left=(2,))])
        z_grid = self.matrix("Z", lin.units, lambda i: self.row_of(
            self.step("node:" + net.z_id(l, i)), FORWARD))
        sec.lines.append([Text(f"{Z} ="), z_grid])
        a_grid = self.matrix("A", lin.units, lambda i: self.row_of(
            self.step("node:" + net.a_id(l, i)), FORWARD))
        act = net.activations[l]
        sec.lines.append([Text(f"{A} = {act.symbol}({Z}) ="), a_grid,
                          Text("(entry by entry)", MUTED)])
        if self.last:
            self._cost(sec)
        return sec

    def _entries(self, units: int) -> list[tuple]:
        """(unit, example column) pairs to write out, at most MAX_LINES."""
        pairs = [(i, k) for i in range(units) for k in range(self.m)]
        return [(None, None) if t is None else pairs[t] for t in picked(len(pairs), MAX_LINES)]

    def _cost(self, sec: Section) -> None:
        loss = self.net.loss
        s = self.step("node:loss")
        y_grid = self.matrix("Y", 1, lambda _i: [
            None if k is None else self.num(self.e.dataset.Y[0, self.idx[k]], DATA,
                                            exact_int=True) for k in self.cols])
        sec.lines.append([Text("Y ="), y_grid])
        per = self.matrix("losses", 1, lambda _i: [
            None if k is None else (self.hidden() if s is None else
                                    self.num(s.per_example[k], FORWARD)) for k in self.cols])
        sec.lines.append([Text("each example's loss ="), per])
        cost = Grid("cost", [[self.hidden() if s is None else self.num(s.value, FORWARD)]],
                    brackets=False)
        sec.lines.append([Text(loss.formula(self.m) + " ="), cost])

    def backward(self) -> Section:
        net, l, d = self.net, self.l, self.d
        Z, A, W = self.sym("Z"), self.sym("A"), self.sym("W")
        Ap = self.sym("A", l - 1)
        sec = Section(f"Backward: {d}{W} = {d}{Z} · {Ap}ᵀ", BACKWARD)
        act = net.activations[l]
        units = self.lin.units
        hops = [self.step(f"edge:{net.z_id(l, i)}->{net.a_id(l, i)}", grad=True)
                for i in range(units)]
        if self.last and not net.loss.via_yhat:
            sec.lines.append([Text(f"{d}{Z} = {self.per_m}({A} − Y) ="),
                              self.matrix("dZ", units, lambda i: self.row_of(hops[i],
                                                                              BACKWARD))])
            sec.lines.append([Text("with a sigmoid output, cross-entropy's ∂L/∂ŷ and σ′ "
                                   "cancel", MUTED)])
        else:
            if self.last:
                up = [self.step("edge:y_hat->loss", grad=True)]
                sec.lines.append([Text(f"{d}{A} = {self.per_m}({A} − Y) ="),
                                  self.matrix("dA", 1, lambda _i: self.row_of(up[0],
                                                                               BACKWARD))])
            else:
                nxt = net.z_id(l + 1, 0)
                up = [self.step(f"edge:{net.a_id(l, j)}->{nxt}", grad=True)
                      for j in range(units)]
                sec.lines.append([Text(f"{d}{A} (sent back by layer {l + 2}) ="),
                                  self.matrix("dA", units, lambda i: self.row_of(up[i],
                                                                                  BACKWARD))])
            local = {"sigmoid": f"{A} ⊙ (1 − {A})", "tanh": f"1 − {A} ⊙ {A}",
                     "relu": f"1 where {Z} > 0, else 0"}.get(act.name, f"{act.symbol}′({Z})")

            def loc_row(i):
                s = hops[i]
                return [None if k is None else self.hidden() if s is None else
                        self.num(np.asarray(s.local).reshape(-1)[k], BACKWARD,
                                 exact_int=act.name == "relu")  # its slope is 0 or 1
                        for k in self.cols]

            sec.lines.append([Text(f"∂{A}/∂{Z} = {local} ="),
                              self.matrix("local", units, loc_row)])
            sec.lines.append([Text(f"{d}{Z} = {d}{A} ⊙ ∂{A}/∂{Z} ="),
                              self.matrix("dZ", units, lambda i: self.row_of(hops[i],
                                                                              BACKWARD))])
            sec.lines.append([Text("⊙: entry by entry (the Hadamard product)", MUTED)])
        # ∂Cost/∂W = ∂Cost/∂Z · Xᵀ
        n = self.lin.fan_in
        dz = self.matrix("dZ", units, lambda i: self.row_of(hops[i], BACKWARD))
        rows_t = []
        for k in self.cols:
            rows_t.append(None if k is None else
                          [None if j is None else self.a_prev_cell(j, k)
                           for j in picked(n, MAX_COLS)])
        xt = Grid("XT", rows_t, caption=f"{self.m} × {n}")
        sec.lines.append([Text(f"{d}{W} = {d}{Z} · {Ap}ᵀ")])
        sec.lines.append([Text("="), dz, Text("·"), xt])
        rows = []
        pairs = [(i, j) for i in range(units) for j in range(n)]
        for t in picked(len(pairs), MAX_LINES):
            if t is None:
                rows.append(None)
                continue
            i, j = pairs[t]
            slot = net.slot_at(l, "W", i, j)
            s = self.step("edge:" + slot.name, grad=True)
            rows.append(self._sum_row(f"{d}{slot.symbol}", s, exact_local=l == 0))
        sec.lines.append([Grid("dW terms", rows, brackets=False, align_left=(2,))])
        sec.lines.append([Text("row of " + f"{d}{Z}" + " times column of " + f"{Ap}ᵀ" +
                               ": one term per example", MUTED)])

        def dw_row(i):
            out = []
            for j in picked(n, MAX_COLS):
                if j is None:
                    out.append(None)
                    continue
                s = self.step("edge:" + net.slot_at(l, "W", i, j).name, grad=True)
                out.append(self.hidden() if s is None else self.num(s.value, BACKWARD))
            return out

        dw = Grid("dW", [None if i is None else dw_row(i) for i in picked(units, MAX_ROWS)],
                  caption=f"{units} × {n}, the shape of {W}")
        sec.lines.append([Text(f"{d}{W} ="), dw])
        return sec

    def _sum_row(self, label: str, s, exact_local: bool, bias: bool = False) -> list:
        """[label, =, u·x + u·x + …, =, result] for a gradient summed over the examples."""
        if s is None:
            return [Cell(label, LABEL), Cell("=", LABEL), Cell(HIDDEN, MUTED),
                    Cell("=", LABEL), self.hidden()]
        up = np.asarray(s.upstream, dtype=float).reshape(-1)
        loc = np.asarray(s.local, dtype=float).reshape(-1)
        terms = []
        for k in picked(self.m, MAX_TERMS):
            if k is None:
                terms.append("…")
            elif bias:
                terms.append(fmt(up[k], self.digits, paren=True))
            else:
                terms.append(f"{fmt(up[k], self.digits, paren=True)}·"
                             f"{fmt(loc[k], self.digits, paren=True, exact_int=exact_local)}")
        return [Cell(label, LABEL), Cell("=", LABEL), Cell(" + ".join(terms), BACKWARD),
                Cell("=", LABEL), self.num(s.value, BACKWARD)]

    def bias_section(self) -> Section | None:
        net, l, d = self.net, self.l, self.d
        if self.lin.b is None:
            return None
        b, Z = self.sym("b"), self.sym("Z")
        sec = Section(f"The shared bias: {d}{b} = Σ over the examples of {d}{Z}", BACKWARD)
        if self.m == 1:
            sec.lines.append([Text("One example: nothing to add up. Batch mode shows the "
                                   "bias shared by every example.", MUTED)])
        else:
            sec.lines.append([Text(f"Unrolled: {b} is copied into each example's z, so "
                                   "each example sends a gradient back to it, and they add "
                                   "up.", MUTED)])
        units = self.lin.units
        for i in picked(units, MAX_FANS):
            if i is None:
                sec.lines.append([Text("⋮", LABEL)])
                continue
            slot = net.slot_at(l, "b", i, 0)
            s = self.step("edge:" + slot.name, grad=True)
            z_shown = self.step("edge:" + slot.name) is not None
            zsym = net.z_symbol(l, i)
            rows = []
            for k in self.cols:
                if k is None:
                    rows.append(None)
                    continue
                copy = self.num(self.b0[i, 0], FORWARD) if z_shown else self.hidden()
                contrib = (self.hidden() if s is None else
                           self.num(np.asarray(s.per_example).reshape(-1)[k], BACKWARD))
                rows.append((zsym + ex_label(self.idx[k]), copy, contrib))
            sec.lines.append([Fan(f"fan {slot.name}", self.num(self.b0[i, 0], PARAM),
                                  slot.symbol, rows)])
            sec.lines.append([Grid("db terms" if i == 0 else f"db terms {i + 1}",
                                   [self._sum_row(f"{d}{slot.symbol}", s, False, bias=True)],
                                   brackets=False, align_left=(2,))])

        def db_row(i):
            s = self.step("edge:" + net.slot_at(l, "b", i, 0).name, grad=True)
            return [self.hidden() if s is None else self.num(s.value, BACKWARD)]

        sec.lines.append([Text(f"{d}{b} ="),
                          Grid("db", [None if i is None else db_row(i)
                                      for i in picked(units, MAX_ROWS)],
                               caption=f"{units} × 1")])
        return sec

    def sent_back(self) -> Section:
        net, l, d = self.net, self.l, self.d
        W, Z, Ap = self.sym("W"), self.sym("Z"), self.sym("A", l - 1)
        sec = Section(f"Sent back to layer {l}: {d}{Ap} = {W}ᵀ · {d}{Z}", BACKWARD)
        z0 = net.z_id(l, 0)

        def rows_fn(j):
            return self.row_of(self.step(f"edge:{net.a_id(l - 1, j)}->{z0}", grad=True),
                               BACKWARD)

        sec.lines.append([Text(f"{d}{Ap} ="), self.matrix("dA prev", self.lin.fan_in,
                                                          rows_fn)])
        return sec

    def update(self) -> Section:
        net, l, d = self.net, self.l, self.d
        W, b = self.sym("W"), self.sym("b")
        lr = fmt(self.p.lr, self.digits, exact_int=True)
        sec = Section(f"Update: {W} ← {W} − α · {d}{W}" +
                      (f", {b} ← {b} − α · {d}{b}" if self.lin.b is not None else "") +
                      f"  (α = {lr})", UPDATE)

        def new(kind, i, j):
            s = self.shown.get("param:" + net.slot_at(l, kind, i, j).name)
            if s is None or s.phase != UPDATE:
                return self.hidden()
            return self.num(s.value, UPDATED)

        n = self.lin.fan_in
        sec.lines.append([Text(f"new {W} ="), Grid(
            "W new", [None if i is None else [None if j is None else new("W", i, j)
                                              for j in picked(n, MAX_COLS)]
                      for i in picked(self.lin.units, MAX_ROWS)],
            caption=f"{self.lin.units} × {n}")])
        if self.lin.b is not None:
            sec.lines.append([Text(f"new {b} ="), Grid(
                "b new", [None if i is None else [new("b", i, 0)]
                          for i in picked(self.lin.units, MAX_ROWS)],
                caption=f"{self.lin.units} × 1")])
        return sec


def build_sheet(engine, layer: int = 0, digits: int = 3) -> list[Section]:
    """The sections the Matrices tab draws for `layer` (0-based) of the current pass."""
    return _Sheet(engine, layer, digits).build()


def sheet_cells(sections) -> dict[str, list[list[str]]]:
    """Every grid's drawn text by key: rows of cell texts; an elided row or column
    is "⋮" / "…"; a fan gives "<key> copies" and "<key> contributions" columns."""
    out = {}
    for grid in _grids(sections):
        if isinstance(grid, Fan):
            out[grid.key + " copies"] = [["⋮"] if r is None else [r[1].text]
                                         for r in grid.rows]
            out[grid.key + " contributions"] = [["⋮"] if r is None else [r[2].text]
                                                for r in grid.rows]
            continue
        out[grid.key] = [["⋮"] if r is None else ["…" if c is None else c.text for c in r]
                         for r in grid.rows]
    return out


def sheet_values(sections) -> dict[str, list[list[float]]]:
    """As sheet_cells, with the exact numbers behind the texts (NaN: hidden or text)."""
    out = {}
    for grid in _grids(sections):
        if isinstance(grid, Fan):
            out[grid.key + " copies"] = [[math.nan] if r is None else [r[1].value]
                                         for r in grid.rows]
            out[grid.key + " contributions"] = [[math.nan] if r is None else [r[2].value]
                                                for r in grid.rows]
            continue
        out[grid.key] = [[math.nan] if r is None else
                         [math.nan if c is None else c.value for c in r] for r in grid.rows]
    return out


def _grids(sections):
    for sec in sections:
        for line in sec.lines:
            for tok in line:
                if isinstance(tok, (Grid, Fan)):
                    yield tok


# ------------------------------------------------------------------------ drawing
PAD = 16  # around the page
GAP = 8  # between tokens of a line
LINE_GAP = 10
SECTION_GAP = 18
CELL_PAD = 10  # between grid columns
BRACKET = 7  # width of a bracket's serif
FAN_ROW = 34


class _Metrics:
    """QFontMetrics with each text's width remembered: a page measures the same
    numbers again at every redraw, and asking Qt each time is what makes it slow."""

    LIMIT = 20000

    def __init__(self, font: QFont):
        self.fm = QFontMetrics(font)
        self.widths: dict[str, int] = {}

    def horizontalAdvance(self, text: str) -> int:  # noqa: N802 - QFontMetrics' name
        w = self.widths.get(text)
        if w is None:
            if len(self.widths) > self.LIMIT:
                self.widths.clear()
            w = self.widths[text] = self.fm.horizontalAdvance(text)
        return w

    def height(self) -> int:
        return self.fm.height()

    def ascent(self) -> int:
        return self.fm.ascent()

    def boundingRect(self, *args):  # noqa: N802
        return self.fm.boundingRect(*args)


class _Page(QWidget):
    """Lays the sections out and paints them; as large as they need (it scrolls)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.sections: list[Section] = []
        self.colors = {}
        self.font_main = QFont(self.font())
        self.font_main.setPixelSize(14)
        self.font_small = QFont(self.font())
        self.font_small.setPixelSize(11)
        self.font_bold = QFont(self.font_main)
        self.font_bold.setBold(True)
        self._size = QSize(400, 200)
        self._tips: list[tuple[QRectF, str]] = []  # each number's place: its exact value
        self._metrics = {}  # font → its metrics, with the widths of texts measured
        self.wrap_width = 600  # a note alone on its line wraps to this width (the view's)
        self.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Minimum)

    def set_sections(self, sections, colors):
        self.sections, self.colors = sections, colors
        self._tips = []
        self._size = self._measure_page()
        self.setMinimumSize(self._size)
        self.updateGeometry()
        self.update()

    def sizeHint(self):
        return self._size

    def set_wrap_width(self, width: int):
        width = max(240, int(width) - 2 * PAD - 12)
        if width != self.wrap_width:
            self.wrap_width = width
            self.set_sections(self.sections, self.colors)

    def tip_at(self, pos: QPointF) -> str:
        """The exact value of the number drawn at `pos` ("" if none)."""
        return next((tip for rect, tip in self._tips if rect.contains(pos)), "")

    def event(self, event):
        if event.type() == QEvent.Type.ToolTip:
            tip = self.tip_at(QPointF(event.pos()))
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    @staticmethod
    def _is_note(line) -> bool:
        return len(line) == 1 and isinstance(line[0], Text) and line[0].role == MUTED

    def _note_rect(self, text: str) -> QRect:
        return self._fm().boundingRect(QRect(0, 0, self.wrap_width, 10000),
                                       int(Qt.TextFlag.TextWordWrap), text)

    # --- measuring ----------------------------------------------------------------
    def _fm(self, font=None) -> _Metrics:
        font = font or self.font_main
        key = font.key()
        if key not in self._metrics:
            self._metrics[key] = _Metrics(font)
        return self._metrics[key]

    def _grid_cols(self, g: Grid) -> list[int]:
        fm = self._fm()
        n = max((len(r) for r in g.rows if r is not None), default=0)
        widths = [0] * n
        for r in g.rows:
            if r is None:
                continue
            for c, cell in enumerate(r):
                text = "…" if cell is None else cell.text
                widths[c] = max(widths[c], fm.horizontalAdvance(text))
        if g.labels:
            fs = self._fm(self.font_small)
            for c, t in enumerate(g.labels[:n]):
                widths[c] = max(widths[c], fs.horizontalAdvance(t))
        return widths

    def _measure(self, tok) -> tuple[int, int, int]:
        """(width, height, y of its middle) of one token."""
        fm, fs = self._fm(), self._fm(self.font_small)
        if isinstance(tok, Text):
            f = self._fm(self.font_bold if tok.bold else self.font_main)
            return f.horizontalAdvance(tok.text), f.height(), f.height() // 2
        if isinstance(tok, Grid):
            widths = self._grid_cols(tok)
            w = sum(widths) + CELL_PAD * max(0, len(widths) - 1)
            if tok.brackets:
                w += 2 * (BRACKET + 4)
            rh = fm.height() + 4
            body = rh * len(tok.rows)
            h = body + (fs.height() if tok.labels else 0) + (fs.height() if tok.caption else 0)
            if tok.caption:
                w = max(w, fs.horizontalAdvance(tok.caption))
            return w, h, body // 2
        if isinstance(tok, Fan):
            w = 56 + self._fan_arrow_w() + self._fan_right_w(tok)
            h = max(FAN_ROW * len(tok.rows), 56) + 8
            return w, h, h // 2
        return 0, 0, 0

    def _fan_arrow_w(self) -> int:
        return self._fm(self.font_small).horizontalAdvance("+ −0.00000000") + 70

    def _fan_right_w(self, fan: Fan) -> int:
        fm = self._fm()
        zw = max((fm.horizontalAdvance(r[0]) for r in fan.rows if r is not None), default=0)
        cw = max((fm.horizontalAdvance(f"sends {r[2].text} back") for r in fan.rows
                  if r is not None), default=0)
        return zw + 16 + cw

    def _measure_page(self) -> QSize:
        y, width = PAD, 0
        fb = self._fm(self.font_bold)
        for sec in self.sections:
            width = max(width, fb.horizontalAdvance(sec.title))
            y += fb.height() + LINE_GAP
            for line in sec.lines:
                w, h = self._line_size(line)
                width = max(width, 12 + w)
                y += h + LINE_GAP
            y += SECTION_GAP
        return QSize(width + 2 * PAD, y + PAD)

    def _sizes(self, line) -> list[tuple[int, int, int]]:
        if self._is_note(line):
            r = self._note_rect(line[0].text)
            return [(r.width(), r.height(), r.height() // 2)]
        return [self._measure(t) for t in line]

    def _line_size(self, line) -> tuple[int, int]:
        sizes = self._sizes(line)
        w = sum(s[0] for s in sizes) + GAP * max(0, len(sizes) - 1)
        above = max((s[2] for s in sizes), default=0)
        below = max((s[1] - s[2] for s in sizes), default=0)
        return w, above + below

    # --- painting -------------------------------------------------------------------
    def color(self, role) -> QColor:
        return QColor(self.colors.get(role, "#202020"))

    def paintEvent(self, event):
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        clip = event.rect()
        p.fillRect(clip, QColor("white"))
        # only the lines in view: the page is long and scrolls
        top, bottom = clip.top(), clip.bottom()
        self._tips = [t for t in self._tips if t[0].bottom() < top or t[0].top() > bottom]
        fb = self._fm(self.font_bold)
        y = PAD
        for sec in self.sections:
            p.setFont(self.font_bold)
            p.setPen(self.color(sec.role))
            p.drawText(QPointF(PAD, y + fb.ascent()), sec.title)
            y += fb.height() + LINE_GAP
            for line in sec.lines:
                sizes = self._sizes(line)
                above = max((s[2] for s in sizes), default=0)
                below = max((s[1] - s[2] for s in sizes), default=0)
                x = PAD + 12
                if y > bottom or y + above + below < top:
                    y += above + below + LINE_GAP
                    continue
                if self._is_note(line):
                    p.setFont(self.font_main)
                    p.setPen(self.color(MUTED))
                    p.drawText(QRectF(x, y, sizes[0][0], sizes[0][1]),
                               int(Qt.TextFlag.TextWordWrap), line[0].text)
                    y += sizes[0][1] + LINE_GAP
                    continue
                for tok, (w, _h, mid) in zip(line, sizes):
                    self._paint(p, tok, x, y + above - mid)
                    x += w + GAP
                y += above + below + LINE_GAP
            y += SECTION_GAP
        p.end()

    def _paint(self, p: QPainter, tok, x: float, y: float):
        if isinstance(tok, Text):
            font = self.font_bold if tok.bold else self.font_main
            p.setFont(font)
            p.setPen(self.color(tok.role))
            p.drawText(QPointF(x, y + self._fm(font).ascent()), tok.text)
        elif isinstance(tok, Grid):
            self._paint_grid(p, tok, x, y)
        elif isinstance(tok, Fan):
            self._paint_fan(p, tok, x, y)

    def _paint_grid(self, p: QPainter, g: Grid, x: float, y: float):
        fm, fs = self._fm(), self._fm(self.font_small)
        widths = self._grid_cols(g)
        rh = fm.height() + 4
        body = rh * len(g.rows)
        inner = sum(widths) + CELL_PAD * max(0, len(widths) - 1)
        x0 = x + (BRACKET + 4 if g.brackets else 0)
        if g.brackets:
            pen = QPen(QColor("#303030"), 1.4)
            p.setPen(pen)
            for left, bx in ((True, x + 1), (False, x0 + inner + 4 + BRACKET - 1)):
                serif = BRACKET if left else -BRACKET
                path = QPainterPath(QPointF(bx + serif, y + 1))
                path.lineTo(bx, y + 1)
                path.lineTo(bx, y + body - 1)
                path.lineTo(bx + serif, y + body - 1)
                p.drawPath(path)
        p.setFont(self.font_main)
        for r, row in enumerate(g.rows):
            ty = y + r * rh + 2 + fm.ascent()
            if row is None:
                p.setPen(self.color(LABEL))
                p.drawText(QPointF(x0 + inner / 2 - fm.horizontalAdvance("⋮") / 2, ty), "⋮")
                continue
            cx = x0
            for c, cell in enumerate(row):
                text = "…" if cell is None else cell.text
                role = LABEL if cell is None else cell.role
                tw = fm.horizontalAdvance(text)
                left = c in g.align_left
                tx = cx if left else cx + widths[c] - tw
                p.setPen(self.color(role))
                p.drawText(QPointF(tx, ty), text)
                if cell is not None and cell.tip:
                    self._tips.append((QRectF(cx, ty - fm.ascent(), widths[c], rh), cell.tip))
                cx += widths[c] + CELL_PAD
        ly = y + body
        p.setFont(self.font_small)
        p.setPen(self.color(MUTED))
        if g.labels:
            cx = x0
            for c, t in enumerate(g.labels[: len(widths)]):
                tw = fs.horizontalAdvance(t)
                p.drawText(QPointF(cx + (widths[c] - tw) / 2, ly + fs.ascent()), t)
                cx += widths[c] + CELL_PAD
            ly += fs.height()
        if g.caption:
            p.drawText(QPointF(x0, ly + fs.ascent()), g.caption)

    def _paint_fan(self, p: QPainter, fan: Fan, x: float, y: float):
        """b in a circle on the left; to each example's z a green arrow carrying the copy
        of b (its value above it), and under it the dashed red path of that example's
        gradient back to b, its value written after the z."""
        fm, fs = self._fm(), self._fm(self.font_small)
        n = len(fan.rows)
        h = max(FAN_ROW * n, 56)
        cy = y + 4 + h / 2
        r = max(20, fm.horizontalAdvance(fan.symbol) / 2 + 7)
        centre = QPointF(x + r + 2, cy - 6)
        p.setPen(QPen(QColor("#303030"), 1.4))
        p.setBrush(QColor("#f2f2f2"))
        p.drawEllipse(centre, r, r)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setFont(self.font_main)
        p.setPen(self.color(PARAM))
        p.drawText(QPointF(centre.x() - fm.horizontalAdvance(fan.symbol) / 2,
                           centre.y() + fm.ascent() / 2 - 2), fan.symbol)
        p.setFont(self.font_small)
        value = fan.bias.text
        p.drawText(QPointF(centre.x() - fs.horizontalAdvance(value) / 2,
                           centre.y() + r + fs.ascent() + 1), value)
        bus = x + 2 * r + 24  # where the fan's lines turn towards each z
        zx = x + 56 + self._fan_arrow_w()
        zw = max((fm.horizontalAdvance(rw[0]) for rw in fan.rows if rw is not None), default=0)
        top = y + 4 + (h - FAN_ROW * n) / 2
        for i, row in enumerate(fan.rows):
            ry = top + FAN_ROW * i + FAN_ROW / 2 + 4  # the forward arrow's height
            if row is None:
                p.setFont(self.font_main)
                p.setPen(self.color(LABEL))
                p.drawText(QPointF(zx, ry + fm.ascent() / 2 - 2), "⋮")
                continue
            zlabel, copy, contrib = row
            fwd = self.color(FORWARD if copy.role != MUTED else MUTED)
            p.setPen(QPen(fwd, 1.3))
            start = QPointF(centre.x() + r, centre.y())
            p.drawLine(start, QPointF(bus, ry))
            p.drawLine(QPointF(bus, ry), QPointF(zx - 6, ry))
            self._arrow_head(p, QPointF(bus, ry), QPointF(zx - 6, ry), fwd)
            p.setFont(self.font_small)
            label = "+ " + copy.text
            p.drawText(QPointF((bus + zx) / 2 - fs.horizontalAdvance(label) / 2,
                               ry - 4), label)
            back = self.color(BACKWARD if contrib.role != MUTED else MUTED)
            # the gradient's path back to b: dashed, as the tutorial draws it
            p.setPen(QPen(back, 1.0, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(zx - 6, ry + 5), QPointF(bus + 4, ry + 5))
            p.drawLine(QPointF(bus + 4, ry + 5), QPointF(centre.x() + r * 0.8,
                                                         centre.y() + r * 0.6))
            p.setFont(self.font_main)
            p.setPen(self.color(LABEL))
            p.drawText(QPointF(zx, ry + fm.ascent() / 2 - 1), zlabel)
            p.setPen(back)
            p.drawText(QPointF(zx + zw + 16, ry + fm.ascent() / 2 - 1),
                       f"sends {contrib.text} back")

    @staticmethod
    def _arrow_head(p, a: QPointF, b: QPointF, color):
        dx, dy = b.x() - a.x(), b.y() - a.y()
        length = math.hypot(dx, dy) or 1.0
        ux, uy = dx / length, dy / length
        size = 7
        left = QPointF(b.x() - ux * size - uy * size * 0.5, b.y() - uy * size + ux * size * 0.5)
        right = QPointF(b.x() - ux * size + uy * size * 0.5, b.y() - uy * size - ux * size * 0.5)
        path = QPainterPath(b)
        path.lineTo(left)
        path.lineTo(right)
        path.closeSubpath()
        p.fillPath(path, color)

    def text_rects(self) -> list[tuple[str, QRectF]]:
        """Where each token of text is drawn (for checking that nothing is cut off)."""
        out, y = [], PAD
        fb = self._fm(self.font_bold)
        for sec in self.sections:
            out.append((sec.title, QRectF(PAD, y, fb.horizontalAdvance(sec.title),
                                          fb.height())))
            y += fb.height() + LINE_GAP
            for line in sec.lines:
                sizes = self._sizes(line)
                above = max((s[2] for s in sizes), default=0)
                below = max((s[1] - s[2] for s in sizes), default=0)
                x = PAD + 12
                for tok, (w, h, mid) in zip(line, sizes):
                    label = tok.text if isinstance(tok, Text) else getattr(tok, "key", "")
                    out.append((label, QRectF(x, y + above - mid, w, h)))
                    x += w + GAP
                y += above + below + LINE_GAP
            y += SECTION_GAP
        return out


class MatrixView(QWidget):
    """The Matrices tab. Follows the session (redrawn when shown, if something changed
    while it was hidden), the window's decimals (`set_digits`) and palette
    (`set_palette`); a layer picker for networks with more than one layer."""

    def __init__(self, session, digits: int = 3, parent=None):
        super().__init__(parent)
        self.session = session
        self.digits = digits
        self._palette = "default"
        self._layer = None  # None: the output layer, where the cost's gradient starts
        self._stale = True
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self._flush)
        self.sections: list[Section] = []
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.layer_label = QLabel("Layer:")
        self.layer_pick = QComboBox()
        self.layer_pick.setToolTip("Which layer's matrices to write out")
        self.layer_pick.activated.connect(self._layer_chosen)
        self.page = _Page()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.page)
        self.scroll.setWidgetResizable(True)
        self.scroll.setBackgroundRole(self.page.backgroundRole())
        self.scroll.viewport().installEventFilter(self)
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        top.addWidget(self.note, 1)
        top.addWidget(self.layer_label)
        top.addWidget(self.layer_pick)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.scroll, 1)
        s = session
        for sig in (s.stepped, s.parametersChanged, s.trained, s.setupChanged,
                    s.datasetChanged):
            sig.connect(self._changed)
        s.networkChanged.connect(self._network_changed)
        self._fill_layers()

    # --- public ---------------------------------------------------------------------
    @property
    def layer(self) -> int:
        """The layer shown (0-based)."""
        depth = self.session.engine.network.depth
        return depth - 1 if self._layer is None else min(self._layer, depth - 1)

    def set_layer(self, layer: int) -> None:
        depth = self.session.engine.network.depth
        if not 0 <= layer < depth:
            raise ValueError(f"layer {layer + 1} does not exist: this network has {depth}")
        self._layer = layer
        self.layer_pick.setCurrentIndex(layer)
        self.refresh()

    def set_digits(self, d: int) -> None:
        self.digits = int(d)
        self._changed()

    def set_palette(self, name: str) -> None:
        if name not in PALETTES:
            raise ValueError(f"unknown palette {name!r}; choose one of {', '.join(PALETTES)}")
        self._palette = name
        self._changed()

    @property
    def palette_name(self) -> str:
        return self._palette

    def colors(self) -> dict[str, str]:
        pal = PALETTES[self._palette]
        return {DATA: "#202020", PARAM: "#202020", LABEL: "#202020", MUTED: "#707070",
                FORWARD: pal.forward.name(), BACKWARD: pal.backward.name(),
                UPDATED: pal.update.name()}

    def cells(self) -> dict[str, list[list[str]]]:
        """What is drawn, by grid: rows of the texts shown ("?" for an entry not yet
        revealed). Keys: X, W, b, Z terms, Z, A, Y, losses, cost, dA, local, dZ, XT,
        dW terms, dW, fan <b> copies / contributions, db terms, db, dA prev, W new,
        b new (those that apply to the layer shown)."""
        self._ensure()
        return sheet_cells(self.sections)

    def cell_values(self) -> dict[str, list[list[float]]]:
        """As cells(), with the exact numbers behind the texts (NaN where none)."""
        self._ensure()
        return sheet_values(self.sections)

    def note_text(self) -> str:
        return self.note.text()

    def text_rects(self):
        """Where each title, text and grid is drawn on the page (which scrolls)."""
        self._ensure()
        return self.page.text_rects()

    def refresh(self) -> None:
        e = self.session.engine
        m = len(e.indices)
        n = e.dataset.m
        if e.mode == "single":
            note = (f"One example at a time (m = 1, example {e.indices[0] + 1}): each matrix "
                    "has a single column. Batch mode shows the full picture, every example "
                    "a column.")
        elif e.mode == "minibatch":
            note = (f"Mini-batch: m = {m} of the {n} examples "
                    f"({', '.join(f'#{i + 1}' for i in e.indices[:6])}"
                    f"{', …' if m > 6 else ''}), one column each.")
        else:
            note = f"Batch: all m = {m} examples at once, one column each."
        if m > MAX_COLS:
            note += f" Columns between the first {MAX_COLS - 2} and the last are left out (…)."
        self.note.setText(note)
        depth = e.network.depth
        self.layer_label.setVisible(depth > 1)
        self.layer_pick.setVisible(depth > 1)
        self.sections = build_sheet(e, self.layer, self.digits)
        self.page.set_sections(self.sections, self.colors())
        self._stale = False

    # --- internals --------------------------------------------------------------------
    def _ensure(self):
        if self._stale:
            self.refresh()

    @Slot()
    def _changed(self):
        # several changes in one go (Play's steps in a frame) make one redraw, when
        # the event loop comes back; a hidden tab waits until it is shown
        self._stale = True
        if self.isVisible():
            self._later.start()

    @Slot()
    def _flush(self):
        if self._stale and self.isVisible():
            self.refresh()

    @Slot()
    def _network_changed(self):
        self._layer = None
        self._fill_layers()
        self._changed()

    def _fill_layers(self):
        net = self.session.engine.network
        self.layer_pick.clear()
        for l in range(net.depth):
            what = "output" if l == net.depth - 1 else "hidden"
            units = net.linears[l].units
            self.layer_pick.addItem(f"{l + 1} ({what}, {units} unit{'s' * (units > 1)})")
        self.layer_pick.setCurrentIndex(self.layer)

    @Slot(int)
    def _layer_chosen(self, index: int):
        self._layer = index
        self.refresh()

    def showEvent(self, event):
        super().showEvent(event)
        self._ensure()

    def eventFilter(self, obj, event):
        if obj is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            # notes wrap to the visible width, less a scroll bar's (the new layout may
            # bring one)
            self.page.set_wrap_width(event.size().width() - 20)
        return super().eventFilter(obj, event)


__all__ = ["MatrixView", "build_sheet", "sheet_cells", "sheet_values"]
