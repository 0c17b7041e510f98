"""File → Export worksheet…: the current pass as a worksheet for a class.

The text comes from core.worksheet (Markdown and HTML, with the values or blank,
an answer key); this module adds the diagram as a picture and writes the files.

The diagram is drawn by a view of its own over a copy of the engine, hidden
(never on screen), with the pass's forward and backward values on show (values
variant) or none of them (blank variant: the picture must not give the answers
away); the window's own diagram and session are left alone. It is rendered as
gui.export renders a diagram for File → Export diagram.

Files: NAME.html (the picture inside it, a data URI), NAME.md with
NAME-diagram.png beside it, and NAME-key.md / NAME-key.html when the answer key
goes in a file of its own. All of them are prepared first, then written through
QSaveFile and committed together: a failure (a read-only folder, a full disk)
leaves every file that was there as it was and says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QIODevice, QSaveFile, QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
)

from core import worksheet as sheet_text
from core.engine import Engine, EngineError
from core.network import NetworkError

from .diagram import DiagramView
from .export import ExportError, diagram_image, png_bytes
from .netdiagram import NetworkDiagram
from .session import Session

FORMATS = (("html", "HTML: one page that opens in any browser"),
           ("markdown", "Markdown, with the diagram as a PNG beside it"),
           ("both", "Both"))
KEYS = (("end", "At the end"), ("file", "In a file of its own"), ("none", "None"))
DIAGRAM_SIZE = QSize(900, 540)  # when the window's diagram is too small to copy its size
SUFFIXES = (".html", ".htm", ".md", ".markdown")


@dataclass(frozen=True)
class Options:
    formats: str = "html"  # "html", "markdown" or "both"
    blank: bool = False
    key: str = "end"  # "end", "file" or "none" (values only: a blank sheet needs its key)


def base_of(path) -> str:
    """The chosen name without its ending: "lesson.md", "lesson.html", "lesson" → "lesson"."""
    path = str(path)
    root, ext = os.path.splitext(path)
    return root if ext.lower() in SUFFIXES else path


def file_names(path, options: Options) -> list[str]:
    """Every file the export writes, in order."""
    base = base_of(path)
    out = []
    if options.formats in ("html", "both"):
        out.append(base + ".html")
        if options.key == "file":
            out.append(base + "-key.html")
    if options.formats in ("markdown", "both"):
        out += [base + ".md", base + "-diagram.png"]
        if options.key == "file":
            out.append(base + "-key.md")
    return out


# ------------------------------------------------------------------ the picture
def _copy_engine(engine: Engine, cursor: int) -> Engine:
    """The engine as it is, on a copy of its network, with the current pass's cursor at
    `cursor`: what the picture shows, leaving the learner's engine untouched."""
    p = engine.current_pass
    record = engine.pass_record
    return Engine.from_record(
        engine.network.copy(), engine.dataset, lr=engine.lr, mode=engine.mode,
        example=engine.example, batch_size=engine.batch_size, test_set=engine.test_set,
        book=engine.book,
        curves=(engine.epoch_costs.view(), engine.iteration_costs.view(),
                engine.test_costs.view()),
        pass_record=(dict(p.params_before), p.lr, record[2], cursor))


def diagram_png(engine: Engine, blank: bool, digits: int = 3,
                size: QSize | None = None) -> bytes | None:
    """The diagram of the current pass as PNG: its forward and backward values shown, or
    (blank) none of them. None if the parameters overflowed (∞, NaN): a network cannot
    be copied then, and a worksheet of such a pass goes without its picture."""
    p = engine.current_pass
    try:
        copy = _copy_engine(engine, 0 if blank else p.n_forward + p.n_backward)
    except (NetworkError, EngineError):
        return None
    session = Session(copy)
    cls = NetworkDiagram if NetworkDiagram.draws(copy.network) else DiagramView
    view = cls(session)
    try:
        view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        size = size if size is not None and size.width() >= 400 and size.height() >= 250 \
            else DIAGRAM_SIZE
        view.resize(size)
        view.show()  # laid out and fitted as on screen, but never drawn there
        view.set_digits(digits)
        view.refresh()
        return png_bytes(diagram_image(view))
    finally:
        view.hide()
        view.deleteLater()
        session.deleteLater()


# ------------------------------------------------------------------ the files
def contents(engine: Engine, path, options: Options, digits: int = 3,
             image_png: bytes | None = None) -> dict[str, bytes]:
    """Every file's bytes by path. `image_png`: the diagram (None: drawn here; b"": none)."""
    if options.blank and options.key == "none":
        raise ValueError("a blank worksheet needs its answer key: at the end or in a file")
    sheet = sheet_text.build(engine)
    if image_png is None:
        image_png = diagram_png(engine, options.blank, digits)
    at_end = options.key == "end"
    base = base_of(path)
    out: dict[str, bytes] = {}
    if options.formats in ("html", "both"):
        out[base + ".html"] = sheet_text.html(sheet, blank=options.blank, key=at_end,
                                              digits=digits, image_png=image_png).encode()
        if options.key == "file":
            out[base + "-key.html"] = sheet_text.html_key(sheet, digits).encode()
    if options.formats in ("markdown", "both"):
        png = base + "-diagram.png"
        out[base + ".md"] = sheet_text.markdown(
            sheet, blank=options.blank, key=at_end, digits=digits,
            image=os.path.basename(png) if image_png else None).encode()
        if image_png:
            out[png] = image_png
        if options.key == "file":
            out[base + "-key.md"] = sheet_text.markdown_key(sheet, digits).encode()
    return out


def _failed(path: str, f: QSaveFile) -> ExportError:
    return ExportError(f"Could not save the worksheet to {path}: "
                       f"{f.errorString() or 'the write failed'}. Nothing was changed: any "
                       "file that was there is as it was.")


def write_all(files: dict[str, bytes]) -> None:
    """Write every file or none: each goes to a temporary file first, and they replace
    the old ones only once all of them are written."""
    opened: list[tuple[str, QSaveFile]] = []
    try:
        for path, data in files.items():
            f = QSaveFile(path)
            if not f.open(QIODevice.OpenModeFlag.WriteOnly):
                raise _failed(path, f)
            opened.append((path, f))
            if f.write(data) != len(data):
                raise _failed(path, f)
    except BaseException:
        for _, f in opened:
            f.cancelWriting()
            f.commit()  # cancelled: only removes the temporary file
        raise
    for k, (path, f) in enumerate(opened):
        if not f.commit():
            for _, rest in opened[k + 1:]:
                rest.cancelWriting()
                rest.commit()
            raise _failed(path, f)


def export_worksheet(engine: Engine, path, options: Options = Options(), digits: int = 3,
                     image_png: bytes | None = None) -> list[str]:
    """Write the worksheet's files for the name `path`; returns their paths."""
    files = contents(engine, path, options, digits, image_png)
    write_all(files)
    return list(files)


# ------------------------------------------------------------------ the dialog
class WorksheetDialog(QDialog):
    """Format, values or blank, and where the answer key goes."""

    def __init__(self, parent=None, options: Options = Options()):
        super().__init__(parent)
        self.setWindowTitle("Export worksheet")
        self.setObjectName("worksheet dialog")
        intro = QLabel("Every computation of the current pass written out, forward, backward "
                       "and the updates, with the diagram as a picture.")
        intro.setWordWrap(True)
        self.format = QComboBox()
        self.format.setObjectName("worksheet format")
        for key, text in FORMATS:
            self.format.addItem(text, key)
        self.values = QRadioButton("With the values filled in")
        self.values.setObjectName("worksheet values")
        self.blank = QRadioButton("Blank, for the learner to fill in")
        self.blank.setObjectName("worksheet blank")
        group = QButtonGroup(self)
        group.addButton(self.values)
        group.addButton(self.blank)
        self.key = QComboBox()
        self.key.setObjectName("worksheet key")
        for key, text in KEYS:
            self.key.addItem(text, key)
        self.blank.toggled.connect(self._blank_toggled)
        form = QFormLayout()
        form.addRow("Format", self.format)
        form.addRow("Numbers", self.values)
        form.addRow("", self.blank)
        form.addRow("Answer key", self.key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.set_options(options)

    def _blank_toggled(self, on: bool):
        """A blank sheet without its key would leave the teacher without the answers."""
        item = self.key.model().item(self.key.findData("none"))
        item.setEnabled(not on)
        if on and self.key.currentData() == "none":
            self.key.setCurrentIndex(self.key.findData("end"))
        self.key.setToolTip("A blank worksheet always comes with its answer key" if on else "")

    def set_options(self, o: Options) -> None:
        self.format.setCurrentIndex(self.format.findData(o.formats))
        (self.blank if o.blank else self.values).setChecked(True)
        self._blank_toggled(o.blank)
        self.key.setCurrentIndex(self.key.findData(o.key))

    def options(self) -> Options:
        return Options(self.format.currentData(), self.blank.isChecked(), self.key.currentData())


def export_worksheet_dialog(win) -> list[str] | None:
    """Ask how and where, then write; a failure goes to the window's message area.
    Returns the paths written, or None."""
    dialog = WorksheetDialog(win, getattr(win, "worksheet_options", Options()))
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        options = dialog.options()
    finally:
        dialog.deleteLater()
    win.worksheet_options = options  # the next export starts from these choices
    suffix = ".md" if options.formats == "markdown" else ".html"
    kind = "Markdown (*.md)" if options.formats == "markdown" else "HTML page (*.html)"
    path, _ = QFileDialog.getSaveFileName(
        win, "Export worksheet", "worksheet" + suffix, kind,
        options=QFileDialog.Option.DontConfirmOverwrite)  # asked below, for every file
    if not path:
        return None
    names = file_names(path, options)
    there = [n for n in names if os.path.exists(n)]
    if there and QMessageBox.question(
            win, "Replace files?", "Replace " + ", ".join(Path(n).name for n in there) + "?",
    ) != QMessageBox.StandardButton.Yes:
        return None
    engine = win.session.engine
    try:
        png = diagram_png(engine, options.blank, win.digits,
                          win.shown_diagram().viewport().size())
        written = export_worksheet(engine, path, options, win.digits, png)
    except (ExportError, ValueError) as exc:
        win.show_problem(str(exc))
        return None
    win.statusBar().showMessage("Worksheet saved: " + ", ".join(written), 8000)
    return written


def install(win) -> QAction:
    """File → Export worksheet…, after Export history as CSV…"""
    a = QAction("Export worksheet…", win)
    a.setObjectName("export worksheet")
    a.setStatusTip("Write the current pass as a worksheet for a class (HTML or Markdown), "
                   "with the values or blank, and an answer key")
    a.triggered.connect(lambda: export_worksheet_dialog(win))
    menu = win.file_menu
    acts = menu.actions()
    after = next((i for i, x in enumerate(acts) if x.objectName() == "export history"), None)
    if after is not None and after + 1 < len(acts):
        menu.insertAction(acts[after + 1], a)
    else:
        menu.addAction(a)
    win.act_worksheet = a
    return a
