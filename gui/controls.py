"""Parameter sliders with exact entry, and the logarithmic learning-rate control."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QSpinBox,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from core.symbols import MINUS, fmt_full, fmt_scalar, fmt_short, parse_number

PARAM_RANGE = 10.0  # the widest span of the fixed choices below the auto ones
PARAM_STEP = 0.001
# Slider spans: ±10 on a 115 px slider is 0.17 per pixel, too coarse to reach 0.1, so the
# sliders span what is in play (auto) and grow on demand; Shift+drag is ten times finer.
SPANS = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1000.0)
FINE = 0.1  # Shift+drag moves the value this much per pixel of a normal drag
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


def auto_span(values, current: float | None = None) -> float:
    """The smallest span in SPANS that holds every finite value with 20 % to spare.

    With `current`, the span only shrinks once the values fit in a fifth of it, so a
    value wobbling near a boundary does not make the sliders jump back and forth."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    need = 1.2 * max(finite, default=0.0)
    fit = next((s for s in SPANS if s >= need), SPANS[-1])
    if current is not None and fit < current and need > current / 5:
        return current
    return fit


class FineSlider(QSlider):
    """A slider that is dragged relative to the mouse, so that holding Shift part-way
    through a drag makes the rest of it ten times finer without the handle jumping."""

    def __init__(self, orientation, parent=None):
        super().__init__(orientation, parent)
        self._last_x: float | None = None
        self._exact = 0.0  # the dragged position before rounding to a tick

    def _handle_rect(self):
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        return self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                           QStyle.SubControl.SC_SliderHandle, self)

    def ticks_per_pixel(self) -> float:
        travel = max(1, self.width() - self._handle_rect().width())
        return (self.maximum() - self.minimum()) / travel

    def mousePressEvent(self, event):
        super().mousePressEvent(event)
        if self.isSliderDown():  # the press caught the handle: a drag starts
            self._last_x = event.position().x()
            self._exact = float(self.sliderPosition())

    def mouseMoveEvent(self, event):
        if self._last_x is None or not self.isSliderDown():
            super().mouseMoveEvent(event)
            return
        x = event.position().x()
        scale = FINE if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1.0
        self._exact += (x - self._last_x) * self.ticks_per_pixel() * scale
        self._exact = max(self.minimum(), min(self.maximum(), self._exact))
        self._last_x = x
        self.setSliderPosition(round(self._exact))
        event.accept()

    def mouseReleaseEvent(self, event):
        self._last_x = None
        super().mouseReleaseEvent(event)


class _SaysWhy:
    """A spin box that says why it refuses a typed value instead of silently dropping the
    keystroke: out-of-range numbers may be typed, and are then refused with a message."""

    what = "This box"
    hint = ""  # what to type instead, after a refusal

    def _number(self, text: str):
        t = text.strip()
        for affix in (self.prefix(), self.suffix()):
            if affix:
                t = t.replace(affix.strip(), "")
        t = t.replace(MINUS, "-").replace(",", "").replace(" ", "").strip()
        try:
            return float(t)
        except ValueError:
            return None

    def validate(self, text, pos):
        state = super().validate(text.replace(MINUS, "-"), pos)
        result = state[0] if isinstance(state, tuple) else state
        if result == QValidator.State.Invalid:
            # let it be typed, and explain in fixup() why it is refused
            result = QValidator.State.Intermediate
        return result, text, pos

    # the app's one minus sign (U+2212) in the box too; a typed hyphen still works
    def textFromValue(self, value):
        text = super().textFromValue(value)
        if text.startswith("-") and self._number(text[1:]) == 0:
            return text[1:]  # no "−0.000"
        return text.replace("-", MINUS)

    def valueFromText(self, text):
        return super().valueFromText(text.replace(MINUS, "-"))

    def fixup(self, text):
        v = self._number(text)
        if v is None and text.strip():
            self.rejected.emit(f"“{text.strip()}” is not a number: {self.what} stays at "
                               f"{self.textFromValue(self.value())}.{self.hint}")
        elif v is not None and not self.minimum() <= v <= self.maximum():
            lo, hi = self.textFromValue(self.minimum()), self.textFromValue(self.maximum())
            self.rejected.emit(f"{self.what} takes {lo} to {hi}; “{text.strip()}” is outside "
                               f"that, so it stays at {self.textFromValue(self.value())}.")
        return super().fixup(text)


class SaysWhySpinBox(_SaysWhy, QSpinBox):
    rejected = Signal(str)

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        self.what = what


class ValueBox(_SaysWhy, QDoubleSpinBox):
    """Exact entry of a parameter. It holds the value to the last bit (a spin box
    otherwise rounds to its decimals, so 0.0004 became 0.000), shows it in the app's one
    number format (0.000400, 2.64×10⁻¹⁶, the real minus), reads back what it shows and
    what a learner types (0.25, -1, 5e-3, 5×10⁻³), and says why it refuses a text."""

    rejected = Signal(str)
    hint = " Type a value such as 0.25, −1.5 or 5e−3."

    def __init__(self, what: str, parent=None):
        super().__init__(parent)
        self.what = what
        self.setDecimals(323)  # Qt's maximum: setValue keeps the double as it is

    def _number(self, text: str):
        try:
            v = parse_number(text)
        except ValueError:
            return None
        return v if math.isfinite(v) else None

    def textFromValue(self, value):
        return fmt_scalar(value, 3)

    def valueFromText(self, text):
        v = self._number(text)
        return self.value() if v is None else v

    def validate(self, text, pos):
        v = self._number(text)
        ok = v is not None and self.minimum() <= v <= self.maximum()
        # anything may be typed; what cannot be used is explained in fixup()
        return (QValidator.State.Acceptable if ok else QValidator.State.Intermediate), text, pos


class ParameterSlider(QWidget):
    """A slider and a spin box bound to one parameter; either edits it."""

    valueChanged = Signal(str, float)

    def __init__(self, name: str, symbol: str, parent=None):
        super().__init__(parent)
        self.name = name
        self.label = QLabel(symbol)
        self.label.setMinimumWidth(28)
        self.slider = FineSlider(Qt.Horizontal)
        self.span = PARAM_RANGE
        n = round(PARAM_RANGE / PARAM_STEP)
        self.slider.setRange(-n, n)
        self.slider.setSingleStep(10)  # arrow keys move by 0.01
        self.slider.setPageStep(250)
        self.slider.setAccessibleName(name)
        self.slider.setToolTip(f"Drag to change {symbol}; the diagram and plots follow live. "
                               "Hold Shift while dragging for fine steps.")
        self.spin = ValueBox(symbol)
        # the slider spans ±10, but training can go further: the box shows the truth
        self.spin.setRange(-SPIN_LIMIT, SPIN_LIMIT)
        self.spin.setSingleStep(PARAM_STEP * 10)
        self.spin.setAccessibleName(f"{name} exact")
        self.spin.setToolTip(f"Type an exact value for {symbol} (steps of 0.001).")
        self.spin.setKeyboardTracking(False)
        # room for the widest text the box writes ("−8.88×10⁻¹⁸" after a long XOR run)
        self.spin.setMinimumWidth(self.spin.fontMetrics().horizontalAdvance("−8.88×10⁻¹⁸")
                                  + 34)
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
        self.spin.setToolTip(f"{self.name} = {fmt_full(v)}" + (" (beyond what this box shows)"
                                                      if beyond else ""))

    def set_span(self, span: float):
        """The slider covers −span … span; the spin box still takes any value."""
        if span == self.span:
            return
        self.span = span
        n = round(span / PARAM_STEP)
        with QSignalBlocker(self.slider):
            self.slider.setRange(-n, n)
            self.slider.setValue(self._ticks(self.value()))
        self.slider.setPageStep(max(1, n // 40))

    def _ticks(self, v: float) -> int:
        """The slider position for v, pinned to the slider's ends."""
        if v != v:  # NaN
            return 0
        return round(max(-self.span, min(self.span, v)) / PARAM_STEP)

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
            self.edit.setText(fmt_short(lr))

    @Slot(int)
    def _from_slider(self, ticks: int):
        lr = float(f"{10 ** (ticks / LR_TICKS_PER_DECADE):.3g}")  # 3 significant digits
        self._value = lr
        with QSignalBlocker(self.edit):
            self.edit.setText(fmt_short(lr))
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
        if not math.isfinite(lr):
            self.invalid.emit(f"“{text}” is not a finite number: type a learning rate such as "
                              "0.5 (any finite number ≥ 0).")
            self.set_value(self._value)
            return
        if lr < 0:
            self.invalid.emit(f"A negative learning rate (“{text}”) is refused: θ − α·∂L/∂θ with "
                              "α < 0 would climb the cost instead of descending it. Type a number "
                              "≥ 0.")
            self.set_value(self._value)
            return
        lr += 0.0  # −0 is 0: "α = -0" would puzzle anyone
        if lr != self._value:
            self.set_value(lr)
            self.valueChanged.emit(lr)
