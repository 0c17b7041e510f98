"""Pictures and tables out of the app: the diagram as PNG or SVG, the history as CSV.

Every file is written through QSaveFile: the new content goes to a temporary
file that replaces the old one only once it is complete, so a failed write (a
folder without permission, a full disk) leaves what was there untouched. A
failure is an `ExportError` with a message for the learner, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QRectF, QSaveFile, QSize, Qt
from PySide6.QtGui import QAction, QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMessageBox

from core import export as csv_export
from core.setup import network_label

PNG_SCALE = 2  # pixels per on-screen pixel: sharp on a slide or in print
SUFFIXES = (".png", ".svg")
FLUSH_BYTES = 1 << 20  # streamed text is handed to the file a megabyte at a time


class ExportError(Exception):
    """A file could not be written; the message says which and why."""


# ------------------------------------------------------------------ atomic writing
def _failed(path: str, f: QSaveFile) -> ExportError:
    return ExportError(f"Could not save {path}: {f.errorString() or 'the write failed'}. "
                       "Any file that was there is unchanged.")


class _Sink:
    """A text file object (write(str)) over a QSaveFile, in UTF-8, buffered."""

    def __init__(self, f: QSaveFile, path: str):
        self.f, self.path = f, path
        self.parts: list[str] = []
        self.size = 0

    def write(self, s: str) -> int:
        self.parts.append(s)
        self.size += len(s)
        if self.size >= FLUSH_BYTES:
            self.flush()
        return len(s)

    def flush(self) -> None:
        data = "".join(self.parts).encode("utf-8")
        self.parts, self.size = [], 0
        if data and self.f.write(data) != len(data):
            raise _failed(self.path, self.f)


def save_stream(path, fill) -> None:
    """Write the file `path` atomically: `fill(out)` writes text to `out`."""
    path = str(path)
    f = QSaveFile(path)
    if not f.open(QIODevice.OpenModeFlag.WriteOnly):
        raise _failed(path, f)
    try:
        sink = _Sink(f, path)
        fill(sink)
        sink.flush()
    except BaseException:
        f.cancelWriting()
        f.commit()  # with writing cancelled this only removes the temporary file
        raise
    if not f.commit():
        raise _failed(path, f)


def save_bytes(path, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    path = str(path)
    f = QSaveFile(path)
    if not f.open(QIODevice.OpenModeFlag.WriteOnly):
        raise _failed(path, f)
    if f.write(bytes(data)) != len(data):
        f.cancelWriting()
        f.commit()
        raise _failed(path, f)
    if not f.commit():
        raise _failed(path, f)


def png_bytes(image) -> bytes:
    """A QImage or QPixmap encoded as PNG."""
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise ExportError("Could not encode the picture as PNG.")
    return bytes(buf.data())


def svg_bytes(paint, size: QSize, title: str, description: str = "") -> bytes:
    """An SVG document of `size` drawn by `paint(painter)`, with a title and description."""
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(buf)
    gen.setSize(size)
    gen.setViewBox(QRectF(0, 0, size.width(), size.height()))
    gen.setTitle(title)
    gen.setDescription(description)
    painter = QPainter(gen)
    try:
        paint(painter)
    finally:
        painter.end()
    return bytes(buf.data())


# ------------------------------------------------------------------ the diagram
def screen_size(view) -> QSize:
    """The size of the view's scene as drawn on screen (the neuron's diagram is scaled to
    fit; the network's is drawn at its size)."""
    s = view.transform().mapRect(view.sceneRect()).size()
    return QSize(max(1, round(s.width())), max(1, round(s.height())))


def _draw(view, painter: QPainter, w: int, h: int) -> None:
    painter.setRenderHints(QPainter.RenderHint.Antialiasing
                           | QPainter.RenderHint.TextAntialiasing
                           | QPainter.RenderHint.SmoothPixmapTransform)
    target = QRectF(0, 0, w, h)
    painter.fillRect(target, QColor("#ffffff"))
    view.scene().render(painter, target, view.sceneRect(), Qt.AspectRatioMode.KeepAspectRatio)


def diagram_image(view, scale: int = PNG_SCALE) -> QImage:
    """The diagram on white at `scale` times its on-screen size."""
    size = screen_size(view) * scale
    img = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(img)
    try:
        _draw(view, painter, size.width(), size.height())
    finally:
        painter.end()
    return img


def describe(view) -> str:
    """The SVG's description: what the diagram shows, and when."""
    e = view.session.engine
    net = network_label(e.network)  # not spec_of: it refuses overflowed (NaN) values
    return (f"Neuron Lab: the computational graph of the {net} network, loss "
            f"{e.network.loss.name}, data set {e.dataset.name}, epoch {e.epoch}, "
            f"learning rate {e.lr!r}, {e.mode} mode.")


def diagram_svg(view) -> bytes:
    size = screen_size(view)
    return svg_bytes(lambda p: _draw(view, p, size.width(), size.height()), size,
                     "Neuron Lab diagram", describe(view))


def export_diagram(view, path) -> None:
    """Save the diagram `view` shows as PNG or SVG, by the ending of `path`."""
    suffix = Path(str(path)).suffix.lower()
    if suffix == ".png":
        save_bytes(path, png_bytes(diagram_image(view)))
    elif suffix == ".svg":
        save_bytes(path, diagram_svg(view))
    else:
        said = f"“{suffix}”" if suffix else "no ending"
        raise ValueError(f"The diagram can be exported as PNG or SVG: the file name "
                         f"{Path(str(path)).name} has {said}; end it in .png or .svg.")


# ------------------------------------------------------------------ the history
def export_history(engine, base) -> tuple[str, str]:
    """Write NAME-epochs.csv and NAME-steps.csv (see core.export); returns their paths."""
    epochs, steps = csv_export.names(str(base))
    save_stream(epochs, lambda out: csv_export.write_epochs(engine, out))
    save_stream(steps, lambda out: csv_export.write_steps(engine, out))
    return epochs, steps


# ------------------------------------------------------------------ dialogs
def report(widget, message: str) -> None:
    """A failure in words: to the window's message area (through the session's
    `problem` signal or the window's show_problem), else in a message box."""
    session = getattr(widget, "session", None)
    if session is not None and hasattr(session, "problem"):
        session.problem.emit(message)
        return
    win = widget.window()
    if hasattr(win, "show_problem"):
        win.show_problem(message)
    else:
        QMessageBox.warning(widget, "Export", message)


def export_diagram_dialog(parent, view, kind: str | None = None) -> str | None:
    """Ask where to save the diagram (as `kind`, "PNG" or "SVG", or either) and save it.
    Returns the path written, or None (cancelled or failed: the failure reported)."""
    kinds = [kind] if kind else ["PNG", "SVG"]
    filters = ";;".join(f"{k} image (*.{k.lower()})" for k in kinds)
    path, chosen = QFileDialog.getSaveFileName(parent, "Export the diagram" + (
        f" as {kind}" if kind else ""), f"diagram.{kinds[0].lower()}", filters)
    if not path:
        return None
    if Path(path).suffix.lower() not in SUFFIXES:  # the ending the chosen filter implies
        k = next((k for k in kinds if chosen.startswith(k)), kinds[0])
        path += "." + k.lower()
    try:
        export_diagram(view, path)
    except (ExportError, ValueError) as exc:
        report(parent, str(exc))
        return None
    return path


def add_export_actions(view) -> list[QAction]:
    """The diagram's right-click menu: Export PNG…, Export SVG…"""
    acts = []
    for kind in ("PNG", "SVG"):
        a = QAction(f"Export {kind}…", view)
        a.setObjectName(f"export {kind.lower()}")
        a.setStatusTip(f"Save the diagram as a {kind} picture")
        a.triggered.connect(lambda _=False, k=kind: export_diagram_dialog(view, view, k))
        view.addAction(a)
        acts.append(a)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    return acts
