"""The explanation panel: each micro-step of the current pass written out with
its numbers, like the tutorial's grey boxes, newest at the bottom."""

from __future__ import annotations

import html

from PySide6.QtCore import Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QTextBrowser

from .palette import PALETTES

PHASE_TITLES = {"forward": "forward →", "backward": "← backward", "update": "update"}


class ExplanationPanel(QTextBrowser):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.digits = 3
        self.palette_name = "default"
        self.setAccessibleName("explanation")
        self.setOpenLinks(False)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 11.0))
        self.setFont(font)
        for sig in (session.stepped, session.parametersChanged, session.trained,
                    session.setupChanged):
            sig.connect(self.refresh)
        self.refresh()

    def set_digits(self, n: int):
        self.digits = n
        self.refresh()

    def set_palette(self, name: str):
        self.palette_name = name
        self.refresh()

    def html_for(self) -> str:
        e = self.session.engine
        pal = PALETTES[self.palette_name]
        colours = {"forward": pal.forward.name(), "backward": pal.backward.name(),
                   "update": pal.update.name()}
        revealed = e.revealed
        p = e.current_pass
        who = ", ".join(str(i + 1) for i in p.indices)
        noun = "example" if len(p.indices) == 1 else "examples"
        parts = [f"<p style='color:#555'>Pass on {noun} {who} · epoch {e.epoch} · "
                 f"α = {e.lr:g} · step {e.cursor} of {len(p.steps)}</p>"]
        if not revealed:
            parts.append("<p>Nothing computed yet in this pass. Press <b>Step forward</b> "
                         "(→) to compute the first value.</p>")
        for s in revealed:
            current = s.index == e.cursor - 1
            col = colours[s.phase]
            lines = [html.escape(t) for t in s.text(self.digits)]
            body = "<br>".join(lines)
            head = (f"<span style='color:{col}'><b>{s.index + 1}. {PHASE_TITLES[s.phase]}"
                    f"</b> · {html.escape(s.symbol)}</span>")
            if current:
                parts.append(
                    f"<table width='100%' cellpadding='6' style='background:#f3f3f3;"
                    f"border:1px solid #999'><tr><td>{head}<br>"
                    f"<span style='font-size:large'>{body}</span></td></tr></table>"
                )
            else:
                parts.append(f"<p style='color:#444'>{head}<br>{body}</p>")
        if e.phase == "done":
            parts.append("<p><b>Pass complete.</b> The parameters are updated; step forward "
                         "to start the next pass.</p>")
        return "".join(parts)

    @Slot()
    def refresh(self):
        self.setHtml(self.html_for())
        sb = self.verticalScrollBar()
        sb.setValue(sb.maximum())  # the current step is the newest
