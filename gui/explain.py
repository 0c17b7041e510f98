"""The explanation panel: the current micro-step written out with its numbers,
like the tutorial's grey boxes, and the pass's earlier steps below it.

The current step sits in a box of fixed height, and earlier steps are
appended to the history rather than re-rendered, so a step costs the same
at the end of a pass as at its start.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from core.symbols import fmt, fmt_rate
from core.tutorial_notes import note_for

from .labels import Readout
from .palette import PALETTES

HISTORY_SHOWN = 12  # earlier steps written out when a pass is shown at once
PHASE_TITLES = {"forward": "forward →", "backward": "← backward", "update": "update"}
MAX_ITEMS = 8  # longer vectors (big custom datasets) show their ends and a count
CURRENT_HEIGHT = 200  # px: room for five wrapped lines at the large size
# The history scrolls on every step. The style's own scroll bar costs ~4 ms to repaint
# (measured offscreen with Fusion); a flat style-sheet one costs a fraction of that.
FLAT_SCROLLBAR = (
    "QScrollBar:vertical { width: 12px; background: #eeeeee; margin: 0; }"
    "QScrollBar::handle:vertical { background: #a0a0a0; min-height: 24px; border-radius: 5px; }"
    "QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical { height: 0; }"
    "QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical { background: none; }"
)


class ExplanationPanel(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.digits = 3
        self.palette_name = "default"
        self.setAccessibleName("explanation")
        self.header = Readout()
        self.header.setStyleSheet("color: #555")
        self.current = QTextBrowser()
        self.current.setAccessibleName("current step")
        self.current.setFixedHeight(CURRENT_HEIGHT)
        self.current.setStyleSheet("QTextBrowser { background: #f3f3f3; "
                                   "border: 1px solid #999; }")
        big = QFont(self.font())
        big.setPointSizeF(max(big.pointSizeF(), 10.0) * 1.3)
        self.current.setFont(big)
        self.history = QTextBrowser()
        self.history.setAccessibleName("earlier steps")
        self.history.setStyleSheet(FLAT_SCROLLBAR)
        self.current.setStyleSheet(self.current.styleSheet() + FLAT_SCROLLBAR)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.history.setFont(font)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.header)
        # the parameter clicked on the diagram (or picked): its value and, once this pass
        # has computed it, its gradient and its update, wherever the cursor is
        self.selected_text = QLabel()
        self.selected_text.setWordWrap(True)
        self.selected_text.setAccessibleName("selected parameter")
        self.selected_text.setStyleSheet("background: #eef3fb; border: 1px solid #b9c9e6; "
                                         "padding: 3px")
        self.selected_text.hide()
        self._selected: str | None = None
        lay.addWidget(self.selected_text)
        lay.addWidget(self.current)
        lay.addWidget(QLabel("Earlier steps of this pass"))
        lay.addWidget(self.history, 1)
        self._shown: list = []  # the steps in the history, to append rather than redo
        self._gap = QTextBlockFormat()
        self._gap.setTopMargin(8)
        self._pass = None
        self._badge = None  # step → HTML of its tutorial checks (gui/badges.py), or None
        for sig in (session.stepped, session.parametersChanged, session.trained,
                    session.setupChanged):
            sig.connect(self.refresh)
        self.refresh()

    def set_digits(self, n: int):
        self.digits = n
        self._pass = None  # every number changes
        self.refresh()

    def set_palette(self, name: str):
        self.palette_name = name
        self._pass = None
        self.refresh()

    def set_badge(self, badge):
        """`badge(step)` gives the HTML written under a step's lines ("" for none); the
        lines are written again, as a badge may change (another lesson)."""
        self._badge = badge
        self._pass = None
        self.refresh()

    def set_selected(self, name: str | None):
        """Follow parameter `name` (None: none)."""
        self._selected = name
        self._show_selected()

    def selected(self) -> str | None:
        return self._selected

    def _show_selected(self):
        e = self.session.engine
        name = self._selected
        if name is None or name not in e.parameters():
            self._selected = None
            self.selected_text.hide()
            return
        sym = e.network.slot(name).symbol
        parts = [f"<b>{html.escape(sym)}</b> = {fmt(e.parameters()[name], self.digits)}"]
        grad = upd = None
        for st in e.revealed:
            if st.param == name and st.kind == "param_grad":
                grad = st
            elif st.param == name and st.kind == "update":
                upd = st
        if grad is None:
            parts.append("its gradient is not computed yet in this pass")
        else:
            parts.append(f"{html.escape(grad.symbol)} = {fmt(grad.value, self.digits)} "
                         f"(step {grad.index + 1})")
        if upd is not None:
            parts.append(f"updated {fmt(upd.old, self.digits)} → {fmt(upd.value, self.digits)} "
                         f"(step {upd.index + 1})")
        self.selected_text.setText("Selected: " + " · ".join(parts))
        self.selected_text.show()

    def toPlainText(self) -> str:
        return "\n".join((self.header.text(), self.current.toPlainText(),
                          self.history.toPlainText()))

    def _step_html(self, s, large: bool = False, of: int = 0) -> str:
        pal = PALETTES[self.palette_name]
        col = {"forward": pal.forward, "backward": pal.backward,
               "update": pal.update}[s.phase].name()
        body = "<br>".join(html.escape(t) for t in s.text(self.digits, MAX_ITEMS))
        badge = self._badge(s) if self._badge is not None else ""
        if badge and not large:
            body += "<br>" + badge
        head = (f"<span style='color:{col}'><b>{s.index + 1}. {PHASE_TITLES[s.phase]}</b>"
                f" · {html.escape(s.symbol)}</span>")
        if large:  # the badge under the title, where the box's fixed height keeps it seen
            return (f"{head} <span style='color:#777; font-size:small'>(step {s.index + 1} "
                    f"of {of})</span><br>{badge + '<br>' if badge else ''}{body}")
        return f"{head}<br><span style='color:#333'>{body}</span>"

    @Slot()
    def refresh(self):
        e = self.session.engine
        p = e.current_pass
        revealed = e.revealed
        idx = p.indices
        who = ", ".join(str(i + 1) for i in idx[:MAX_ITEMS])
        if len(idx) > MAX_ITEMS:
            run = idx == tuple(range(idx[0], idx[-1] + 1))
            who = f"{idx[0] + 1} … {idx[-1] + 1} ({len(idx)})" if run else who + ", …"
        noun = "example" if len(p.indices) == 1 else "examples"
        # the header changes once a pass (a per-step counter here would repaint the column)
        alpha = fmt_rate(e.lr)
        self.header.setText(f"Pass on {noun} {who} · epoch {e.pass_epoch} · α = {alpha}")
        self._show_selected()
        if revealed:
            text = self._step_html(revealed[-1], large=True, of=len(p.steps))
            note = note_for(e.dataset, p, revealed[-1])
            if note is not None:  # where the tutorial prints another number, say why
                text += (f"<p style='color:#555; font-size:small'><b>Why the tutorial differs."
                         f"</b> {html.escape(note.text)}</p>")
            if e.phase == "done":
                text += ("<p><b>Pass complete.</b> The parameters are updated; step forward "
                         "to start the next pass.</p>")
        else:
            text = ("Nothing computed yet in this pass. Press <b>Step forward</b> (→) to "
                    "compute the first value.")
        self.current.setHtml(text)
        earlier = revealed[:-1]
        if p is self._pass and self._shown and earlier[: len(self._shown)] == self._shown \
                and len(earlier) == len(self._shown) + 1:
            cursor = self.history.textCursor()  # one more step: append it as a paragraph
            cursor.movePosition(QTextCursor.MoveOperation.End)
            cursor.insertBlock(self._gap)
            cursor.insertHtml(self._step_html(earlier[-1]))
        elif p is not self._pass or earlier != self._shown:
            # a pass revealed all at once (a big network's forward pass after a frame of
            # play) writes out only its latest steps: hundreds would take a frame's time
            hidden = len(earlier) - HISTORY_SHOWN
            head = (f"<p style='color:#777'>… {hidden} earlier steps: step back to see "
                    f"them one by one</p>" if hidden > 0 else "")
            self.history.setHtml(head + "".join(f"<p>{self._step_html(s)}</p>"
                                                for s in earlier[-HISTORY_SHOWN:]))
        self._pass, self._shown = p, list(earlier)
        self.history.moveCursor(QTextCursor.MoveOperation.End)  # the newest at the bottom
        self.history.ensureCursorVisible()
