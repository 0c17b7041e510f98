"""The gradient check, on demand: every parameter's gradient from backpropagation beside
its central-difference estimate (Cost(θ + ε) − Cost(θ − ε)) / 2ε, their relative error
and a verdict in words (✓ agree, ⚠ close, ✗ disagree).

The check takes what the window shows: the network and loss in use, the examples of
the current pass (one example, the mini-batch or the whole batch: `engine.indices`) and
the parameters that pass started from, i.e. those its gradients on the diagram were
computed at. The numbers are `core.gradcheck.gradient_check`'s, on a copy of the
network (the engine's own is never touched).

When the pass changes (a step to another pass, a slider, another data set) a check
becomes out of date: it says so, greyed, until checked again. A small check (a few
thousand parameter × example evaluations: a few ms) is then simply redone while the tab
is in view, at most ten times a second (while Play runs, the pass changes every frame).
A large one (a deep network on thousands of examples) waits for the button and runs in
a worker thread, so the window stays responsive; if the pass changed meanwhile, its
result is shown marked out of date.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.gradcheck import GradCheck, gradient_check
from core.network import Network, NetworkError
from core.symbols import fmt, fmt_full, sup

from .palette import PALETTES

EPS = 1e-6  # gradient_check's default step
AGREE = 1e-6  # relative error below this: ✓
CLOSE = 1e-3  # below this: ⚠ (a kink, or rounding); from here on: ✗
GRAD_DIGITS = 6  # decimals of the gradients in the table ("−0.048006")
ROUNDING = 2.2e-16  # double precision: a cost is known to about this relative error
SYNC_WORK = 50_000  # parameter × example evaluations done at once (≈ 30 ms); more: a thread
AUTO_WORK = 5_000  # and up to this, a check out of date is redone by itself (a few ms)
AUTO_MS = 100  # at most this often: while Play runs, the pass changes every frame
POLL_MS = 25  # how often a check running in the worker thread is looked at
COLUMNS = ("Parameter", "Backprop", "Central difference", "Relative error", "Verdict")
VERDICT_COLOURS = {"ok": "forward", "close": None, "bad": "backward"}
STALE_INK = QColor("#9a9a9a")
MAX_LISTED = 8  # examples named one by one; more are given as a range and a count

_pool: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gradient-check")
    return _pool


# ------------------------------------------------------------ what is checked
@dataclass(frozen=True)
class CheckInput:
    """One check's inputs, taken from the engine: a copy of the network at the pass's
    starting parameters, the pass's examples, and words for them."""

    key: tuple  # what the result depends on: compared to tell a check out of date
    network: Network
    X: np.ndarray
    Y: np.ndarray
    symbols: dict  # parameter name → symbol ("w₁", "w²₁₃")
    examples: str  # "examples 1, 2, 3, 4 (full batch)"
    single: bool  # one example: the loss is L, not Cost
    loss: str  # "squared error"
    network_title: str
    relu: bool  # ReLU hidden units: a kink at z = 0 may make the estimate differ

    @property
    def work(self) -> int:
        return len(self.network.slots) * self.X.shape[1]


@dataclass(frozen=True)
class Row:
    name: str
    symbol: str
    analytic: float
    numeric: float
    error: float
    kind: str  # "ok", "close" or "bad"
    verdict: str  # the words


@dataclass(frozen=True)
class CheckResult:
    key: tuple
    rows: tuple[Row, ...]
    cost: float
    seconds: float
    input: CheckInput

    @property
    def counts(self) -> dict[str, int]:
        out = {"ok": 0, "close": 0, "bad": 0}
        for r in self.rows:
            out[r.kind] += 1
        return out


def pass_key(engine) -> tuple:
    """What a check depends on: the network (structure and loss), the data set, the
    pass's examples and its starting parameters."""
    p = engine.current_pass
    params = b"".join(a.tobytes() for W, b in p.state_before for a in (W, b)
                      if a is not None)
    return (id(engine.network), engine.network.loss.name, id(engine.dataset),
            tuple(p.indices), params)


def describe_examples(engine) -> str:
    """Which examples the pass uses, numbered from 1 as the Example list numbers them."""
    idx = [i + 1 for i in engine.indices]
    mode = {"single": "one example", "minibatch": "mini-batch", "batch": "full batch"}
    what = mode.get(engine.mode, engine.mode)
    if engine.mode == "minibatch":
        sched = engine.schedule()
        pos = next((k for k, s in enumerate(sched) if tuple(s) == tuple(engine.indices)), None)
        if pos is not None:
            what = f"mini-batch {pos + 1} of {len(sched)}"
    if len(idx) == 1:
        return f"example {idx[0]} ({what})"
    if len(idx) <= MAX_LISTED:
        listed = ", ".join(map(str, idx))
    elif idx == list(range(idx[0], idx[-1] + 1)):
        listed = f"{idx[0]} to {idx[-1]}"
    else:
        listed = ", ".join(map(str, idx[:3])) + f", … {idx[-1]}"
    return f"examples {listed} ({len(idx)} examples, {what})"


def not_finite(state) -> bool:
    return not all(np.all(np.isfinite(a)) for W, b in state for a in (W, b) if a is not None)


def prepare(engine, title: str = "") -> CheckInput | str:
    """The inputs of a check of the current pass, or why there is nothing to check."""
    p = engine.current_pass
    net = engine.network
    if not_finite(p.state_before):
        bad = [f"{s.symbol} = {fmt(v)}" for s, v in
               zip(net.slots, _values(net, p.state_before)) if not math.isfinite(v)]
        shown = ", ".join(bad[:3]) + (", …" if len(bad) > 3 else "")
        return (f"No gradient to check: the parameters overflowed ({shown}), so the cost is "
                "not a number near them. Reset (R), and choose a smaller learning rate.")
    copy = Network([type(lin)(W, b) for lin, (W, b) in zip(net.linears, p.state_before)],
                   feature_cross=bool(net.feature_cross), activation=net.activation,
                   loss=net.loss)
    cols = list(p.indices)
    ds = engine.dataset
    return CheckInput(
        key=pass_key(engine), network=copy, X=ds.X[:, cols], Y=ds.Y[:, cols],
        symbols={s.name: s.symbol for s in net.slots}, examples=describe_examples(engine),
        single=len(cols) == 1, loss=net.loss.title, network_title=title,
        relu=net.depth > 1 and net.activation.name == "relu")


def _values(net, state) -> list[float]:
    out = []
    for s in net.slots:
        W, b = state[s.layer]
        out.append(float((W if s.kind == "W" else b)[s.index]))
    return out


def verdict(c: GradCheck, cost: float, theta: float, eps: float = EPS,
            relu: bool = False) -> tuple[str, str]:
    """(kind, words) for one parameter: "ok", "close" or "bad"."""
    a, n = c.analytic, c.numeric
    if not (math.isfinite(a) and math.isfinite(n)):
        return "bad", "✗ not a number: the cost overflows here"
    with np.errstate(all="ignore"):
        step = ((theta + eps) - (theta - eps)) / (2 * eps)
    if not math.isfinite(step) or abs(step - 1.0) > 1e-3:
        return "close", "⚠ θ is too large for ε: θ ± ε rounds, the estimate means little"
    if c.error < AGREE:
        return "ok", "✓ agree"
    # a cost is known to about ROUNDING of itself, so a difference quotient to about
    # ROUNDING·Cost/ε: two gradients that near zero agree as well as can be told
    if abs(a - n) <= 10 * ROUNDING * max(abs(cost), 1.0) / eps:
        return "ok", "✓ agree (both ≈ 0, within rounding)"
    if c.error < CLOSE:
        why = "a ReLU kink at z = 0, or rounding" if relu else "rounding, or a bug"
        return "close", f"⚠ close, not equal ({why}?)"
    return "bad", "✗ disagree: this gradient is wrong"


def run_check(inp: CheckInput, eps: float = EPS) -> CheckResult | str:
    """The check itself (safe in a worker thread: it touches only `inp`'s copy)."""
    t0 = time.perf_counter()
    try:
        with np.errstate(all="ignore"):
            checks = gradient_check(inp.network, inp.X, inp.Y, eps)
            cost = inp.network.cost(inp.X, inp.Y)
    except NetworkError as exc:  # θ ± ε past the largest float
        return f"No gradient to check: {exc}."
    seconds = time.perf_counter() - t0
    if not math.isfinite(cost):
        return ("No gradient to check: the cost is not a finite number at these parameters "
                "(the network overflowed). Reset (R), and choose a smaller learning rate.")
    rows = []
    for c in checks:
        theta = inp.network.get(c.name)
        kind, words = verdict(c, cost, theta, eps, inp.relu)
        with np.errstate(all="ignore"):
            err = c.error
        rows.append(Row(c.name, inp.symbols.get(c.name, c.name), c.analytic, c.numeric,
                        err, kind, words))
    return CheckResult(inp.key, tuple(rows), cost, seconds, inp)


def eps_text(eps: float) -> str:
    e = math.log10(eps)
    if e == round(e):
        return f"10{'⁻' if e < 0 else ''}{sup(abs(int(e)))}"
    return fmt(eps, 2)


# ------------------------------------------------------------------ the view
class GradientCheckView(QWidget):
    """The "Gradient check" tab: a button, what is checked, a summary and the table."""

    parameterChosen = Signal(str)  # a row was clicked: the window selects that parameter
    checked = Signal()  # a check finished (its result is on show, or its problem)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.eps = EPS
        self.palette = PALETTES["default"]
        self.result: CheckResult | None = None
        self.problem = ""  # why there is nothing to check, if so
        self._problem_key = None  # the pass that problem was of
        self._future: Future | None = None
        self._pending: CheckInput | None = None
        self._asked = False  # once checked, a cheap check follows the pass by itself
        self.setAccessibleName("gradient check")

        self.button = QPushButton("Check the gradients")
        self.button.setAccessibleName("check the gradients")
        self.button.setToolTip("Compare every gradient backpropagation computed with a "
                               "central-difference estimate, on this pass's examples")
        self.button.clicked.connect(self.check)
        self.auto = QCheckBox("Keep up to date")
        self.auto.setChecked(True)
        self.auto.setAccessibleName("keep the gradient check up to date")
        self.auto.setToolTip("Once checked, check again by itself whenever the pass "
                             "changes, if the check is small (a few milliseconds); a "
                             "large one waits for the button")
        self.auto.toggled.connect(lambda _on: self._follow())
        self.what = QLabel()
        self.what.setWordWrap(True)
        self.what.setAccessibleName("what is checked")
        self.what.setTextFormat(Qt.TextFormat.PlainText)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("gradient check summary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        bold = QFont(self.summary.font())
        bold.setBold(True)
        self.summary.setFont(bold)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setAccessibleName("gradients")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        head = self.table.horizontalHeader()
        for i in range(len(COLUMNS) - 1):
            head.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.cellClicked.connect(self._row_clicked)
        self._set_headers()

        top = QHBoxLayout()
        top.addWidget(self.button)
        top.addWidget(self.auto)
        top.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addLayout(top)
        lay.addWidget(self.what)
        lay.addWidget(self.summary)
        lay.addWidget(self.table, 1)

        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._collect)
        self._soon = QTimer(self)  # many changes (a Play) in a short while: one look
        self._soon.setSingleShot(True)
        self._soon.setInterval(AUTO_MS)
        self._soon.timeout.connect(self._follow)
        for sig in (session.stepped, session.parametersChanged, session.trained,
                    session.setupChanged, session.datasetChanged, session.networkChanged):
            sig.connect(self._changed)
        self._show_idle()

    # ------------------------------------------------------------ reading
    @property
    def engine(self):
        return self.session.engine

    @property
    def stale(self) -> bool:
        """Is the check on show one of another pass (or parameters) than the current?"""
        return self.result is not None and self.result.key != pass_key(self.engine)

    @property
    def running(self) -> bool:
        return self._future is not None

    def rows(self) -> list[Row]:
        return list(self.result.rows) if self.result else []

    def row(self, name: str) -> Row:
        return next(r for r in self.rows() if r.name == name)

    def cell_text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def summary_text(self) -> str:
        return self.summary.text()

    def what_text(self) -> str:
        return self.what.text()

    # ------------------------------------------------------------ checking
    @Slot()
    def check(self) -> bool:
        """Check the current pass now (in the worker thread if it is large). False, with
        the reason on show, if there is nothing to check."""
        self._asked = True
        inp = prepare(self.engine, self.session.spec.title)
        if isinstance(inp, str):
            self._show_problem(inp)
            return False
        if inp.work <= SYNC_WORK:
            self._finish(run_check(inp, self.eps))
            return True
        if self._future is not None:  # one at a time: the newest request waits its turn
            self._pending = inp
            return True
        self._start(inp)
        return True

    def _start(self, inp: CheckInput):
        self._future = _worker().submit(run_check, inp, self.eps)
        self.button.setEnabled(False)
        self.button.setText("Checking…")
        self.summary.setText(f"Checking {len(inp.network.slots)} parameters on "
                             f"{inp.X.shape[1]:,} examples…")
        self._poll.start()

    @Slot()
    def _collect(self):
        f = self._future
        if f is None or not f.done():
            return
        self._future = None
        self._poll.stop()
        self.button.setEnabled(True)
        self.button.setText("Check the gradients")
        if self._pending is not None:
            nxt, self._pending = self._pending, None
            self._start(nxt)
            return
        try:
            result = f.result()
        except Exception as exc:  # noqa: BLE001 - a message, never a traceback
            self._show_problem(f"The check could not be done: {exc}")
            return
        now = self.result
        if now is not None and not isinstance(result, str) and result.key != now.key and \
                now.key == pass_key(self.engine):
            return  # a check of the current pass came in meanwhile: it stays
        self._finish(result)

    def wait(self, timeout: float = 30.0) -> None:
        """Block until a check running in the worker thread is on show (tests, scripts)."""
        deadline = time.monotonic() + timeout
        while self._future is not None and time.monotonic() < deadline:
            self._future.result(timeout=max(0.0, deadline - time.monotonic()))
            self._collect()

    def _finish(self, result: CheckResult | str):
        if isinstance(result, str):
            self._show_problem(result)
            return
        self.problem, self._problem_key = "", None
        self.result = result
        self._fill()
        if self.stale:  # the pass moved on while a worker checked it
            self._mark_stale()
        self.checked.emit()

    # ------------------------------------------------------------ following the pass
    @Slot()
    def _changed(self):
        if not self._soon.isActive():
            self._soon.start()

    @Slot()
    def _follow(self):
        """The pass changed: a cheap check is redone (once asked for, while in view and
        kept up to date), any other is marked out of date."""
        shown = self.result.key if self.result is not None else self._problem_key
        if shown is None or shown == pass_key(self.engine):
            return
        if self._asked and self.auto.isChecked() and self.isVisible() and not self.running:
            inp = prepare(self.engine, self.session.spec.title)
            if isinstance(inp, str):
                self._show_problem(inp)
                return
            if inp.work <= AUTO_WORK:
                self._finish(run_check(inp, self.eps))
                return
        if self.result is not None:
            self._mark_stale()
        else:  # the problem was of another pass: it may be gone (after a reset, say)
            self.problem, self._problem_key = "", None
            self._show_idle()

    def showEvent(self, event):
        super().showEvent(event)
        self._follow()

    # ------------------------------------------------------------ drawing
    def _set_headers(self, single: bool = False):
        c = "L" if single else "Cost"
        # two lines each, so that the table fits the plots' width in a 1024-px window
        heads = ("Parameter\nθ", f"Backprop\n∂{c}/∂θ", f"Numerical\n({c}₊ − {c}₋) / 2ε",
                 "Relative\nerror", "Verdict")
        self.table.setHorizontalHeaderLabels(list(heads))
        tips = ("The parameter; click a row to select it in the window",
                "The gradient backpropagation computes (the chain rule, as on the diagram)",
                f"The slope measured by nudging θ: ({c}(θ + ε) − {c}(θ − ε)) / 2ε, the "
                "cost recomputed with θ moved by ε either way",
                "|backprop − numerical| / (|backprop| + |numerical|): below 10⁻⁶ they agree",
                "✓ agree (relative error below 10⁻⁶), ⚠ close (below 10⁻³), ✗ disagree")
        for i, tip in enumerate(tips):
            self.table.horizontalHeaderItem(i).setToolTip(tip)

    def _show_idle(self):
        self.what.setText("Backpropagation's gradient of every parameter beside a numerical "
                          f"estimate, (Cost(θ + ε) − Cost(θ − ε)) / 2ε with ε = "
                          f"{eps_text(self.eps)}, on the examples of the current pass.")
        self.summary.setText("Press “Check the gradients”.")

    def _show_problem(self, message: str):
        self.problem = message
        self._problem_key = pass_key(self.engine)
        self.result = None
        self.table.setRowCount(0)
        self.summary.setText("⚠ " + message)
        self.checked.emit()

    def _mark_stale(self):
        if self.result is None:
            return
        self.summary.setText("⟳ Out of date: this check was of another pass or other "
                             "parameters. Press “Check the gradients” to check the current "
                             "pass.")
        self._paint_rows(stale=True)

    def _fill(self):
        r = self.result
        inp = r.input
        c = "L" if inp.single else "Cost"
        self._set_headers(inp.single)
        self.what.setText(
            f"Checked on {inp.examples}, at the parameters this pass started from, with "
            f"the {inp.loss} of the {inp.network_title or 'network'}. Numerical: "
            f"{c}₊ = {c}(θ + ε), {c}₋ = {c}(θ − ε), ε = {eps_text(self.eps)}. "
            f"{len(r.rows)} parameters in {r.seconds * 1000:.1f} ms.")
        n = r.counts
        worst = max((row.error for row in r.rows if math.isfinite(row.error)), default=0.0)
        total = len(r.rows)
        if n["bad"]:
            self.summary.setText(f"✗ {n['bad']} of {total} gradients disagree with their "
                                 "estimate: backpropagation is wrong there.")
        elif n["close"]:
            self.summary.setText(f"⚠ {n['close']} of {total} gradients are close to their "
                                 "estimate but not equal; the others agree.")
        else:
            self.summary.setText(f"✓ All {total} gradients agree with their estimates "
                                 f"(largest relative error {fmt(worst, 2)}).")
        self.table.setRowCount(total)
        for i, row in enumerate(r.rows):
            texts = (row.symbol, fmt(row.analytic, GRAD_DIGITS), fmt(row.numeric, GRAD_DIGITS),
                     fmt(row.error, 2), row.verdict)
            tips = (row.name, fmt_full(row.analytic), fmt_full(row.numeric),
                    fmt_full(row.error), row.verdict)
            for j, (text, tip) in enumerate(zip(texts, tips)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                item.setData(Qt.ItemDataRole.UserRole, row.name)
                if j in (1, 2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight |
                                          Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
        self._paint_rows(stale=False)

    def _paint_rows(self, stale: bool):
        for i, row in enumerate(self.rows()):
            for j in range(self.table.columnCount()):
                item = self.table.item(i, j)
                if item is None:
                    continue
                colour = STALE_INK if stale else self._verdict_colour(row.kind, j)
                item.setForeground(QBrush(colour))

    def _verdict_colour(self, kind: str, column: int) -> QColor:
        if column != len(COLUMNS) - 1:
            return QColor("#1e1e1e")
        role = VERDICT_COLOURS[kind]
        return QColor(getattr(self.palette, role)) if role else QColor("#8a5a00")

    def set_palette(self, name: str):
        """"default" or "colorblind": the verdicts' colours (their words say it too)."""
        self.palette = PALETTES[name]
        self._paint_rows(stale=self.stale)

    @Slot(int, int)
    def _row_clicked(self, row: int, _column: int):
        item = self.table.item(row, 0)
        if item is not None:
            self.parameterChosen.emit(item.data(Qt.ItemDataRole.UserRole))


__all__ = ["CheckInput", "CheckResult", "GradientCheckView", "Row", "describe_examples",
           "pass_key", "prepare", "run_check", "verdict"]
