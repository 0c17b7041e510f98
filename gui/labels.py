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
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.label.sizeHint().height())

    def setText(self, text: str):
        if text != self.label.text():  # an unchanged text repaints nothing
            self.label.setText(text)
            self.label.setToolTip(text if len(text) > 60 else "")

    def text(self) -> str:
        return self.label.text()

    def setStyleSheet(self, sheet: str):
        self.label.setStyleSheet(sheet)

    def setAccessibleName(self, name: str):
        super().setAccessibleName(name)
        self.label.setAccessibleName(name)

    def clear(self):
        self.setText("")

    def resizeEvent(self, event):
        self.label.setGeometry(0, 0, self.width(), self.height())
        super().resizeEvent(event)

    def minimumSizeHint(self):
        return QSize(max(10, self.minimumWidth()), self.height())

    def sizeHint(self):
        return QSize(max(200, self.minimumWidth()), self.height())
