"""A one-line text readout whose text changes every frame without a relayout."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


class Readout(QWidget):
    """Changing a QLabel's text makes its parent's layout recompute and repaint
    the neighbours (1–2 ms a frame during play). Here the label sits in a
    layout-less box that only resizes it, so a new text repaints the text alone.
    """

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self.label = QLabel(text, self)
        self._full = text
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.label.sizeHint().height())

    _full = ""
    _detail = ""

    def set_detail(self, text: str):
        """A longer text for the tooltip than the one shown."""
        self._detail = text
        self._show()

    def setText(self, text: str):
        if text != self._full:  # an unchanged text repaints nothing
            self._full = text
            self._show()

    def _show(self):
        """The text, elided with "…" when the box is too narrow (whole in the tooltip)."""
        text = self._full
        shown = self.label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight,
                                                   max(0, self.width()))
        if shown != self.label.text():
            self.label.setText(shown)
        self.label.setToolTip(self._detail or (text if shown != text or len(text) > 60 else ""))

    def text(self) -> str:
        return self._full

    def setStyleSheet(self, sheet: str):
        self.label.setStyleSheet(sheet)

    def setAccessibleName(self, name: str):
        super().setAccessibleName(name)
        self.label.setAccessibleName(name)

    def clear(self):
        self._detail = ""
        self.setText("")

    def resizeEvent(self, event):
        self.label.setGeometry(0, 0, self.width(), self.height())
        self._show()
        super().resizeEvent(event)

    def minimumSizeHint(self):
        return QSize(max(10, self.minimumWidth()), self.height())

    def sizeHint(self):
        return QSize(max(200, self.minimumWidth()), self.height())
