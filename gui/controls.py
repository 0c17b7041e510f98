"""Parameter sliders with exact entry, and the logarithmic learning-rate control."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QWidget,
)

PARAM_RANGE = 10.0  # sliders span −10 … 10
PARAM_STEP = 0.001
SPIN_LIMIT = 1e9
LR_MIN_EXP, LR_MAX_EXP = -4, 2  # the slider spans 10⁻⁴ … 10²
LR_TICKS_PER_DECADE = 100
MAX_STOP_AT = 10_000_000  # the largest epoch Play can be told to stop at

# (label, kind, rate): micro-steps per second, or epochs per second; None = full speed
SPEEDS = [
    ("1 step / s", "steps", 1.0),
    ("2 steps / s", "steps", 2.0),
    ("5 steps / s", "steps", 5.0),
    ("1 epoch / s", "epochs", 1.0),
    ("10 epochs / s", "epochs", 10.0),
    ("100 epochs / s", "epochs", 100.0),
    ("1000 epochs / s", "epochs", 1000.0),
    ("Full speed", "epochs", None),
]


class ParameterSlider(QWidget):
    """A slider and a spin box bound to one parameter; either edits it."""

    valueChanged = Signal(str, float)

    def __init__(self, name: str, symbol: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.label = QLabel(symbol)
        self.label.setMinimumWidth(28)
        self.slider = QSlider(Qt.Horizontal)
        n = round(PARAM_RANGE / PARAM_STEP)
        self.slider.setRange(-n, n)
        self.slider.setSingleStep(10)  # arrow keys move by 0.01
        self.slider.setPageStep(250)
        self.slider.setAccessibleName(name)
        self.slider.setToolTip(f"Drag to change {symbol}; the diagram and plots follow live.")
        self.spin = QDoubleSpinBox()
        # the slider spans ±10, but training can go further: the box shows the truth
        self.spin.setRange(-SPIN_LIMIT, SPIN_LIMIT)
        self.spin.setDecimals(3)
        self.spin.setSingleStep(PARAM_STEP * 10)
        self.spin.setAccessibleName(f"{name} exact")
        self.spin.setToolTip(f"Type an exact value for {symbol} (steps of 0.001).")
        self.spin.setKeyboardTracking(False)
        self.spin.setMinimumWidth(86)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.spin)
        self._shown: float | None = None
        self.slider.valueChanged.connect(self._from_slider)
        self.spin.valueChanged.connect(self._from_spin)

    def value(self) -> float:
        return self.spin.value()

    def set_value(self, v: float):
        """Show a value coming from the engine, without echoing it back."""
        if v == self._shown:
            return  # setting a spin box re-renders its text even when equal
        self._shown = v
        with QSignalBlocker(self.slider), QSignalBlocker(self.spin):
            self.spin.setValue(v)
            self.slider.setValue(self._ticks(v))
        beyond = not abs(v) <= SPIN_LIMIT  # NaN too
        # a value the box cannot hold is shown clamped, in red, with the truth in the tooltip
        self.spin.setStyleSheet("color: #b00020" if beyond else "")
        self.spin.setToolTip(f"{self.name} = {v!r}" + (" (beyond what this box shows)"
                                                      if beyond else ""))

    @staticmethod
    def _ticks(v: float) -> int:
        """The slider position for v, pinned to the slider's ends."""
        if v != v:  # NaN
            return 0
        return round(max(-PARAM_RANGE, min(PARAM_RANGE, v)) / PARAM_STEP)

    @Slot(int)
    def _from_slider(self, ticks: int):
        v = round(ticks * PARAM_STEP, 3)
        self._shown = v
        with QSignalBlocker(self.spin):
            self.spin.setValue(v)
        self.valueChanged.emit(self.name, v)

    @Slot(float)
    def _from_spin(self, v: float):
        self._shown = v
        with QSignalBlocker(self.slider):
            self.slider.setValue(self._ticks(v))
        self.valueChanged.emit(self.name, v)


def parse_number(text: str) -> float:
    """A learning rate typed by a learner: '0.5', '5e-10', '5×10^-10', '1,5'."""
    t = text.strip().replace("×10^", "e").replace("x10^", "e").replace("×10", "e")
    t = t.replace("−", "-").replace(",", ".").replace(" ", "")
    return float(t)


class LearningRateControl(QWidget):
    """α on a logarithmic slider (10⁻⁴ … 100) plus exact entry (any α ≥ 0)."""

    valueChanged = Signal(float)
    invalid = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.label = QLabel("α")
        self.label.setMinimumWidth(28)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(LR_MIN_EXP * LR_TICKS_PER_DECADE, LR_MAX_EXP * LR_TICKS_PER_DECADE)
        self.slider.setSingleStep(10)
        self.slider.setPageStep(LR_TICKS_PER_DECADE)
        self.slider.setAccessibleName("learning rate")
        self.slider.setToolTip("Learning rate α on a logarithmic scale, 0.0001 to 100.")
        self.edit = QLineEdit()
        self.edit.setAccessibleName("learning rate exact")
        self.edit.setToolTip("Type any learning rate ≥ 0, e.g. 0.5, 50 or 5e-10, then Enter.")
        self.edit.setMaximumWidth(86)
        self.edit.setMinimumWidth(86)
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 0, 0)
        lay.addWidget(self.slider, 0, 1)
        lay.addWidget(self.edit, 0, 2)
        lay.setColumnStretch(1, 1)
        self._value = 1.0
        self.slider.valueChanged.connect(self._from_slider)
        self.edit.editingFinished.connect(self._from_edit)

    def value(self) -> float:
        return self._value

    def set_value(self, lr: float):
        self._value = lr
        with QSignalBlocker(self.slider), QSignalBlocker(self.edit):
            if lr > 0:
                ticks = round(math.log10(lr) * LR_TICKS_PER_DECADE)
                self.slider.setValue(max(self.slider.minimum(), min(self.slider.maximum(), ticks)))
            else:
                self.slider.setValue(self.slider.minimum())
            self.edit.setText(f"{lr:g}")

    @Slot(int)
    def _from_slider(self, ticks: int):
        lr = float(f"{10 ** (ticks / LR_TICKS_PER_DECADE):.3g}")  # 3 significant digits
        self._value = lr
        with QSignalBlocker(self.edit):
            self.edit.setText(f"{lr:g}")
        self.valueChanged.emit(lr)

    @Slot()
    def _from_edit(self):
        text = self.edit.text()
        try:
            lr = parse_number(text)
        except ValueError:
            self.invalid.emit(f"“{text}” is not a number: type a learning rate such as 0.5 or "
                              "5e-10.")
            self.set_value(self._value)
            return
        if not math.isfinite(lr) or lr < 0:
            self.invalid.emit(f"The learning rate must be a finite number ≥ 0, not {text}.")
            self.set_value(self._value)
            return
        if lr != self._value:
            self.set_value(lr)
            self.valueChanged.emit(lr)
