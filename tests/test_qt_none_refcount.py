"""Guard against the PySide6 6.12.0 reference leak on ``None``.

With PySide6 6.12.0 on CPython < 3.12 every call of a void method
(``QPainter.setPen``, ``drawLine``, ``save``, ...) drops one reference to ``None``.
Once the count reaches zero the interpreter aborts with
"Fatal Python error: none_dealloc", so any window that paints dies within seconds.
From Python 3.12 on ``None`` is immortal and the bug is harmless.
"""

import sys

import PySide6
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen

ITERATIONS = 5000
CHUNK = 50  # check after every CHUNK iterations, long before None's count can hit zero

# References to None handed back after a detected leak, so that the broken binding
# fails this test cleanly instead of aborting the whole pytest process.
_NONE_KEEPALIVE: list[None] = []


def _version_tuple(text: str) -> tuple[int, ...]:
    parts = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits or 0))
    return tuple(parts)


def test_installed_pyside6_is_not_the_broken_release():
    version = _version_tuple(PySide6.__version__)
    broken = sys.version_info < (3, 12) and version == (6, 12, 0)
    assert not broken, (
        f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} leaks "
        "references to None and aborts painting windows with "
        "'Fatal Python error: none_dealloc'. Install PySide6-Essentials<6.12 "
        '(pip install ".[test]" does this) or use Python >= 3.12.'
    )


def test_void_calls_do_not_drop_references_to_none(qapp):
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    pen = QPen(QColor(200, 30, 30))
    painter = QPainter(image)
    calls = 0
    try:
        before = sys.getrefcount(None)
        for _ in range(ITERATIONS // CHUNK):
            for _ in range(CHUNK):
                painter.save()
                painter.setPen(pen)
                painter.drawLine(0, 0, 10, 10)
                painter.restore()
            calls += 4 * CHUNK
            if sys.getrefcount(None) < before - 10:
                break
        after = sys.getrefcount(None)
    finally:
        painter.end()
    if after < before:
        # Give the lost references back, plus a cushion for the rest of the run.
        _NONE_KEEPALIVE.extend([None] * (before - after + 1_000_000))
    # A sound binding leaves the count unchanged (or a little higher); the broken
    # one loses one reference per call.
    assert after >= before - 10, (
        f"refcount of None fell from {before} to {after} over {calls} void Qt calls: "
        f"PySide6 {PySide6.__version__} is dropping references to None and will crash "
        "with 'Fatal Python error: none_dealloc'"
    )
