"""The main window: diagram, explanation, controls, plots, menus and play."""

from __future__ import annotations

import os
import time
from html import escape

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QIODevice,
    QObject,
    QSaveFile,
    QSettings,
    QSignalBlocker,
    QStandardPaths,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import session_file
from core.datasets import GATE_TITLES, GENERATED_TITLES, from_points
from core.export import names as history_names
from core.setup import NetworkSpec
from core.symbols import fmt, fmt_rate

from .controls import (
    MAX_STOP_AT,
    SPANS,
    SPEEDS,
    LearningRateControl,
    ParameterSlider,
    SaysWhySpinBox,
    auto_span,
)
from .diagram import DiagramView
from .explain import ExplanationPanel
from .export import ExportError, export_diagram_dialog
from .export import export_history as write_history
from .labels import Readout
from .lessons import LessonError, load_lessons
from .netdiagram import NetworkDiagram
from .plots import PlotsPanel
from .session import DataChoice, Session
from .setup_panel import DataPanel, NetworkPanel
from .undo import Timeline, UndoHistory


def _notice(name: str, style: str) -> QLabel:
    """A hidden, word-wrapped box of text (the lesson, a problem) shown when needed."""
    label = QLabel()
    label.setWordWrap(True)
    label.setAccessibleName(name)
    label.setStyleSheet(f"{style}; padding: 6px")
    label.hide()
    return label


class KeepKeys(QObject):
    """Lets a focused control keep the keys it uses (arrows on a slider, Space on a
    check box or button) instead of the window's one-key shortcuts taking them."""

    KEYS = {
        QAbstractSlider: {Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down, Qt.Key_PageUp,
                          Qt.Key_PageDown, Qt.Key_Home, Qt.Key_End},
        QAbstractButton: {Qt.Key_Space},
        QComboBox: {Qt.Key_Up, Qt.Key_Down, Qt.Key_Space, Qt.Key_PageUp, Qt.Key_PageDown},
    }

    def install(self, root: QWidget):
        for cls in self.KEYS:
            for w in root.findChildren(cls):
                w.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.ShortcutOverride and obj.hasFocus() and \
                event.modifiers() == Qt.KeyboardModifier.NoModifier:
            for cls, keys in self.KEYS.items():
                if isinstance(obj, cls) and event.key() in keys:
                    event.accept()  # the key goes to the control, not to a shortcut
                    return True
        return False


class WheelGuard(QObject):
    """The mouse wheel scrolls the controls' column rather than changing the slider, spin
    box or list that happens to pass under the pointer (α went from 1 to 0.008 that way);
    a control the learner has clicked into takes the wheel as usual."""

    TYPES = (QAbstractSlider, QAbstractSpinBox, QComboBox)

    def __init__(self, area: QScrollArea):
        super().__init__(area)
        self.area = area

    def install(self, root: QWidget):
        for cls in self.TYPES:
            for w in root.findChildren(cls):
                w.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Wheel and not obj.hasFocus():
            QCoreApplication.sendEvent(self.area.verticalScrollBar(), event)
            return True
        return False


DEFAULT_SPEED = 1
DEFAULT_STOP_AT = 5000
DEFAULT_SIZE = (1600, 1000)
MIN_SIZE = (1024, 700)  # the smallest window the layout is made for
WELCOME = (
    "<b>Welcome to Neuron Lab.</b> Start with <b>Lessons → 1 · A neuron without a bias</b>, "
    "or press <b>→</b> to compute the next value of the neuron below and <b>←</b> to take it "
    "back. <b>F</b> and <b>B</b> finish the forward and backward pass, <b>U</b> applies the "
    "update, <b>Space</b> plays. <a href='lesson:first'>Start the first lesson</a> · "
    "<a href='hide'>Hide</a>")
MAX_SLIDERS = 4  # more parameters than this: one slider for the parameter picked
STRIDE_NAMES = (("one computation", "step"), ("node", "node"), ("layer", "layer"),
                ("phase", "pass"))
BIAS_TEXT = "Bias b (the tutorial starts without one)"

EXAMPLE_LIST_MAX = 1000
FRAME_MS = 16  # redraw at display rate, whatever the training speed
FRAME_BUDGET_S = 0.008  # full speed: train for at most this long per frame


class MainWindow(QMainWindow):
    # watched by eventFilter, which Qt may call before __init__ has made them
    _lesson_host = None
    _banner_host = None
    _current_lesson = None
    # the lesson whose set-up holds (None when there is none, or the learner left it)
    lessonChanged = Signal(object)
    lessonsChanged = Signal()  # the Lessons menu was filled (a teacher's file, say)
    paletteChanged = Signal(str)  # "default" or "colorblind", once the core views have it

    @property
    def _lesson(self):
        return self._current_lesson

    @_lesson.setter
    def _lesson(self, lesson):
        if lesson is not self._current_lesson:
            self._current_lesson = lesson
            self.lessonChanged.emit(lesson)

    @property
    def lesson(self):
        """The lesson whose set-up the screen shows, or None."""
        return self._current_lesson

    def __init__(self, session: Session | None = None, parent=None):
        super().__init__(parent)
        self.session = session if session is not None else Session()
        self.setWindowTitle("Neuron Lab")
        self.digits = 3
        self._playing = False
        self._play_clock = 0.0
        self._play_debt = 0.0
        self._chunk = 64  # full-speed epochs per call, adapted to the frame budget

        # the single neuron keeps the tutorial's picture; any other network is laid out
        # from its layers. One of the two is shown, the other sleeps.
        self.diagram = DiagramView(self.session)
        self.net_diagram = NetworkDiagram(self.session)
        self.diagrams = QStackedWidget()
        self.diagrams.addWidget(self.diagram)
        self.diagrams.addWidget(self.net_diagram)
        self.explain = ExplanationPanel(self.session)
        self.plots = PlotsPanel(self.session)
        self.lesson_text = _notice("lesson", "background: #fff8e1; border: 1px solid #e0c97f")
        # every change of the session is a step to undo (gui/undo.py); moving in the
        # history pauses Play first
        self.undo = UndoHistory(self.session)
        self.undo.aboutToTravel.connect(lambda: self.toggle_play(False))
        self._make_actions()
        self._make_menus()
        controls = self._make_controls()

        self.lesson_text.setTextFormat(Qt.TextFormat.RichText)
        self.lesson_text.linkActivated.connect(self._lesson_link)
        self._lesson = None  # the lesson whose text is up, while its set-up holds

        middle = QSplitter(Qt.Vertical)
        middle.setChildrenCollapsible(False)
        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.setSpacing(0)
        tl.addWidget(self.diagrams, 1)
        # Problems in full where the learner is looking (the status bar has one line). The
        # banner floats over the top of the diagram: appearing, it moves nothing.
        self.banner = _notice("problem", "background: #fdecea; color: #8a1c1c; "
                                         "border: 1px solid #e6a0a0; font-weight: bold")
        self.banner.setParent(top)
        self.banner.setToolTip("Click to hide this message")
        self.banner.installEventFilter(self)
        top.installEventFilter(self)
        self._banner_host = top
        middle.addWidget(top)
        lower = QWidget()  # the plots, and under them the timeline of the steps taken
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.setSpacing(0)
        ll.addWidget(self.plots, 1)
        self.timeline = Timeline(self.undo)
        ll.addWidget(self.timeline)
        middle.addWidget(lower)
        middle.setStretchFactor(0, 1)
        middle.setStretchFactor(1, 1)
        middle.setSizes([520, 450])
        right = QWidget()
        right.setMinimumWidth(220)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(4, 4, 4, 4)
        # A long lesson scrolls in its own box rather than being cut off on a small screen.
        self.lesson_box = QScrollArea()
        self.lesson_box.setWidget(self.lesson_text)
        self.lesson_box.setWidgetResizable(True)
        self.lesson_box.setFrameShape(QScrollArea.Shape.NoFrame)
        self.lesson_box.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.lesson_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.lesson_box.hide()
        self.lesson_text.hide()  # setWidget() showed it
        self.lesson_text.installEventFilter(self)  # the box shows and hides with its text
        self._lesson_host = right
        right.installEventFilter(self)
        self.lesson_box.installEventFilter(self)
        rl.addWidget(self.lesson_box)
        title = QLabel("<b>What the current step computes</b>")
        title.setWordWrap(True)
        rl.addWidget(title)
        rl.addWidget(self.explain, 1)
        outer = QSplitter(Qt.Horizontal)
        outer.setChildrenCollapsible(False)
        outer.addWidget(controls)
        outer.addWidget(middle)
        outer.addWidget(right)
        # the middle takes most of any change in width; the explanation some of it
        outer.setStretchFactor(0, 0)
        outer.setStretchFactor(1, 3)
        outer.setStretchFactor(2, 1)
        outer.setSizes([330, 940, 340])
        self._splitters = {"outer": outer, "middle": middle}  # remembered in QSettings
        # Below the smallest size the layout is made for (a screen under 1024×700) the
        # whole window scrolls, rather than squeezing its panels until they overlap.
        page = QScrollArea()
        page.setWidget(outer)
        page.setWidgetResizable(True)
        page.setFrameShape(QScrollArea.Shape.NoFrame)
        self.page = page
        self.setCentralWidget(page)
        self._make_status()

        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)

        s = self.session
        s.stepped.connect(self._sync_from_engine)
        s.parametersChanged.connect(self._sync_from_engine)
        s.trained.connect(self._sync_from_engine)
        s.setupChanged.connect(self._sync_from_engine)
        s.datasetChanged.connect(self._sync_dataset)
        s.networkChanged.connect(self._network_changed)
        s.problem.connect(self.show_problem)
        for d in self._diagrams():
            d.parameterClicked.connect(self.select_parameter)
        self._show_diagram()
        self._sync_dataset()
        self._sync_from_engine()
        self._keep_keys = KeepKeys(self)
        self._keep_keys.install(self)
        self.setMinimumSize(640, 480)
        self.resize(*self.fitting_size())
        self._install_features()
        QTimer.singleShot(0, self._first_launch)
        self._init_sessions()

    def _install_features(self):
        """Views and tools that live beside the core window: each wires itself in its own
        install method, called here once the window's parts exist."""
        self.install_badges()
        self.install_matrix()
        self.install_worksheet()
        self.install_gradcheck()
        self.install_sigmoid()
        self.install_predict()
        self.install_tour()

    def install_badges(self):
        """The tutorial's published numbers checked against the app's: badges in the
        explanation and the "Tutorial check" dock (gui/badges.py)."""
        from .badges import install

        self.badges_dock = install(self)

    def install_matrix(self):
        """The Matrices tab (gui/matrix_view.py): the pass written out as matrices. It
        follows the decimals and the palette through their menu actions, which
        set_digits and the settings keep checked."""
        from gui.matrix_view import MatrixView

        self.matrix_view = MatrixView(self.session, digits=self.digits)
        self.matrix_view.set_palette("colorblind" if self.act_colorblind.isChecked()
                                     else "default")
        self.plots.add_tab(self.matrix_view, "Matrices")
        for d, action in self.digit_actions.items():
            action.toggled.connect(
                lambda on, d=d: on and self.matrix_view.set_digits(d))
        self.paletteChanged.connect(self.matrix_view.set_palette)

    def install_worksheet(self):
        """File → Export worksheet…: the current pass for a class (gui/worksheet.py)."""
        from .worksheet import install

        install(self)

    def install_gradcheck(self):
        """A "Grad check" tab beside the plots: backprop's gradients against central
        differences on the current pass; clicking a row selects that parameter."""
        from .gradcheck_view import GradientCheckView

        self.gradcheck = GradientCheckView(self.session)
        self.plots.add_tab(self.gradcheck, "Gradient check", "Grad check",
                           tip="Each parameter's gradient from backpropagation beside a "
                               "central-difference estimate, on the current pass")
        self.gradcheck.parameterChosen.connect(self.select_parameter)
        self.paletteChanged.connect(self.gradcheck.set_palette)

    def install_sigmoid(self):
        """The activation's curve with the pass's (z, ŷ) dots and tangents, in the right
        column under the explanation (beside the diagram, covering none of its labels);
        View → Activation curve shows or hides it."""
        from .sigmoid_inset import SigmoidInset

        inset = self.sigmoid = SigmoidInset(self.session)
        self._lesson_host.layout().addWidget(inset)
        inset.set_palette("colorblind" if self.act_colorblind.isChecked() else "default")
        inset.set_digits(self.digits)
        self.paletteChanged.connect(inset.set_palette)
        for d, a in self.digit_actions.items():
            a.toggled.connect(lambda on, d=d: on and inset.set_digits(d))
        for d in self._diagrams():
            d.parameterClicked.connect(inset.follow_parameter)
        self.param_pick.activated.connect(
            lambda i: inset.follow_parameter(self.param_pick.itemData(i)))
        a = self.act_sigmoid = QAction("Activation curve", self, checkable=True)
        a.setChecked(True)
        a.setObjectName("activation curve")
        a.setStatusTip("The sigmoid's curve with each example's (z, ŷ) and the tangent "
                       "whose slope is ∂ŷ/∂z, under the explanation")
        a.toggled.connect(inset.set_wanted)
        self.view_menu.addAction(a)

    def install_predict(self):
        """Predict, then reveal (gui/predict.py): a panel in a dock, a Run-menu check box,
        and Step forward routed through the panel, which asks before it reveals."""
        from .predict import install

        self.predict = install(self)
        self.predict_dock.visibilityChanged.connect(lambda _visible: self._fit_columns())

    # Below this width the predict panel stands in for the explanation's column (it writes
    # out the step's computation itself): three columns and a dock do not fit, and the
    # page would scroll sideways with the explanation off screen.
    PREDICT_BESIDE_EXPLANATION = 1280

    def _fit_columns(self):
        dock = getattr(self, "predict_dock", None)
        instead = (dock is not None and dock.isVisible() and not dock.isFloating()
                   and self.width() < self.PREDICT_BESIDE_EXPLANATION)
        if self._lesson_host.isHidden() != instead:
            self._lesson_host.setVisible(not instead)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_columns()

    def install_tour(self):
        """The guided tour (gui/tour.py): a dock that walks the lessons in order."""
        from .badges import BadgeList
        from .tour import install

        self.tour = install(self)
        # the tutorial's numbers for the lesson's stage, under its tasks (the tour's strip
        # in a narrow window has no room: View → Tutorial check shows them there)
        badges = BadgeList(self.session, self)
        self.tour.add_section(badges)
        # without a lesson the tour's own Start says what to do: no "start a lesson" here
        self.lessonChanged.connect(lambda lesson: badges.setVisible(lesson is not None))
        badges.setVisible(self.lesson is not None)

    def fitting_size(self, wanted=DEFAULT_SIZE) -> tuple[int, int]:
        """The default size, shrunk to the screen's available area (less a margin)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return wanted
        area = screen.availableGeometry()
        return (max(MIN_SIZE[0] // 2, min(wanted[0], area.width() - 40)),
                max(MIN_SIZE[1] // 2, min(wanted[1], area.height() - 60)))

    def _first_launch(self):
        """The first time the app opens, say where to start (remembered in QSettings)."""
        settings = QSettings()
        if settings.value("welcomed", False, type=bool) or self._lesson is not None:
            return
        settings.setValue("welcomed", True)
        self.tour.open_at_first()  # the tour, at its first lesson, is the welcome

    def show_welcome(self):
        self._lesson = None
        self.lesson_text.setText(WELCOME)
        self.lesson_text.show()
        self._fit_lesson_box()

    def eventFilter(self, obj, event):
        if self._lesson_host is None:
            return super().eventFilter(obj, event)
        if obj is self.lesson_text and event.type() in (QEvent.Type.ShowToParent,
                                                         QEvent.Type.HideToParent):
            self.lesson_box.setVisible(event.type() == QEvent.Type.ShowToParent)
            self._fit_lesson_box()
        elif obj in (self._lesson_host, self.lesson_box) and \
                event.type() == QEvent.Type.Resize:
            self._fit_lesson_box()
        elif obj is self._banner_host and event.type() == QEvent.Type.Resize:
            self._place_banner()
        elif obj is self.banner and event.type() == QEvent.Type.MouseButtonPress:
            self.banner.hide()
            self._place_banner()
            return True
        return super().eventFilter(obj, event)

    def _fit_lesson_box(self):
        """As tall as the lesson's text, up to 45 % of the column; past that it scrolls."""
        # from the box's own width: its viewport is resized only after this runs
        width = self.lesson_box.contentsRect().width() - \
            self.lesson_box.verticalScrollBar().sizeHint().width()
        need = self.lesson_text.heightForWidth(max(50, width)) + 2
        room = int(0.45 * self._lesson_host.height())
        height = max(40, min(need, room))
        if height != self.lesson_box.height():
            self.lesson_box.setFixedHeight(height)

    def _place_banner(self):
        host = self._banner_host
        w = max(50, host.width() - 16)
        h = self.banner.heightForWidth(w)
        h = h if h > 0 else self.banner.sizeHint().height()
        self.banner.setGeometry(8, 4, w, h)
        self.banner.raise_()
        # the diagram fits itself below the banner instead of being covered by it
        for d in self._diagrams():
            d.set_top_margin(h + 8 if not self.banner.isHidden() else 0)

    # ------------------------------------------------------------------ parts
    def _act(self, text, slot, keys, tip, icon=None, name=None):
        a = QAction(text, self)
        if icon is not None:
            a.setIcon(self.style().standardIcon(icon))
        seqs = [QKeySequence(k) for k in keys]
        a.setShortcuts(seqs)
        a.setShortcutContext(Qt.WindowShortcut)
        shown = ", ".join(s.toString(QKeySequence.NativeText) for s in seqs)
        a.setToolTip(f"{tip} ({shown})" if shown else tip)
        a.setStatusTip(tip)
        a.triggered.connect(slot)
        a.setObjectName(name or text.lower())
        self.addAction(a)
        return a

    def _make_actions(self):
        s = self.session
        sp = QStyle.StandardPixmap
        self.act_back = self._act("Step back", s.step_back, ["Left"],
                                  "Take back one micro-step", sp.SP_MediaSeekBackward, "step back")
        self.act_forward = self._act("Step forward", s.step_forward, ["Right"],
                                     "Compute the next micro-step", sp.SP_MediaSeekForward,
                                     "step forward")
        self.act_fwd_pass = self._act("Finish forward pass", s.finish_forward, ["F"],
                                      "Compute every forward value of this pass", None,
                                      "finish forward")
        self.act_bwd_pass = self._act("Finish backward pass", s.finish_backward, ["B"],
                                      "Compute every gradient of this pass", None,
                                      "finish backward")
        self.act_update = self._act("Apply update", s.apply_update, ["U"],
                                    "Gradient descent: θ ← θ − α·∂L/∂θ (finishes the pass)",
                                    None, "apply update")
        self.act_epoch = self._act("Run one epoch", s.run_epoch, ["E"],
                                   "Every pass of one epoch", None, "run epoch")
        self.act_play = self._act("Play", self.toggle_play, ["Space"],
                                  "Play or pause at the chosen speed", sp.SP_MediaPlay, "play")
        self.act_play.setCheckable(True)
        self.act_reset = self._act("Reset", self.reset, ["R", "Ctrl+R"],
                                   "Back to the starting parameters, epoch 0",
                                   sp.SP_BrowserReload, "reset")
        # no shortcut: Ctrl+S saves the session, Ctrl+Shift+S is Save as
        self.act_shot = self._act("Save screenshot…", self.save_screenshot, [],
                                  "Save a picture of the window", None, "save screenshot")
        self.act_quit = self._act("Quit", self.close, ["Ctrl+Q"], "Close Neuron Lab", None,
                                  "quit")
        self.act_colorblind = self._act("Colour-blind-safe palette", self.set_colorblind,
                                        ["Ctrl+B"], "Okabe–Ito colours instead of green/red",
                                        None, "colour-blind palette")
        self.act_colorblind.setCheckable(True)

    def _make_menus(self):
        mb = self.menuBar()
        # kept so that each feature's own install_* method can add its entries
        m = self.file_menu = mb.addMenu("&File")
        self._make_session_menu(m)
        a = QAction("Open lessons file…", self)
        a.setStatusTip("Load a teacher's own lessons (JSON, like resources/lessons.json)")
        a.triggered.connect(self.open_lessons)
        m.addAction(a)
        m.addAction(self.act_shot)
        for text, slot, name, tip in (
                ("Export diagram…", self.export_diagram, "export diagram",
                 "Save the diagram in view as a PNG or SVG picture"),
                ("Export history as CSV…", self.export_history, "export history",
                 "Save the cost of every epoch and the micro-steps of this pass as CSV")):
            a = QAction(text, self)
            a.setObjectName(name)
            a.setStatusTip(tip)
            a.triggered.connect(slot)
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_quit)
        self._make_edit_menu(mb)
        m = self.run_menu = mb.addMenu("&Run")
        for a in (self.act_forward, self.act_back, None, self.act_fwd_pass, self.act_bwd_pass,
                  self.act_update, self.act_epoch, None, self.act_play, self.act_reset):
            m.addSeparator() if a is None else m.addAction(a)
        m = self.view_menu = mb.addMenu("&View")
        prec = m.addMenu("Decimals")
        group = QActionGroup(self)
        self.digit_actions = {}
        for d in range(1, 9):
            a = QAction(f"{d} decimals", self, checkable=True)
            a.setChecked(d == self.digits)
            a.triggered.connect(lambda _=False, d=d: self.set_digits(d))
            group.addAction(a)
            prec.addAction(a)
            if d == 1:
                a.setText("1 decimal")
            self.digit_actions[d] = a
        m.addAction(self.act_colorblind)
        self.act_heatmaps = QAction("Unit heatmaps", self, checkable=True)
        self.act_heatmaps.setChecked(True)
        self.act_heatmaps.setStatusTip("Draw in each unit of a network its output over the "
                                       "input plane")
        self.act_heatmaps.setObjectName("unit heatmaps")
        self.act_heatmaps.toggled.connect(self.net_diagram.set_heatmaps)
        m.addAction(self.act_heatmaps)
        self.lessons_menu = mb.addMenu("&Lessons")
        self.lessons = []
        try:
            self.set_lessons(load_lessons())
        except (LessonError, OSError) as exc:
            QTimer.singleShot(0, lambda msg=str(exc): self.show_problem(
                f"The lessons could not be loaded: {msg}"))
        m = self.help_menu = mb.addMenu("&Help")
        a = QAction("Keyboard shortcuts", self)
        a.triggered.connect(self.show_shortcuts)
        m.addAction(a)
        a = QAction("About Neuron Lab", self)
        a.triggered.connect(self.show_about)
        m.addAction(a)

    def _make_edit_menu(self, mb):
        """Undo and Redo, named after the step they take back or again (Ctrl+Z,
        Ctrl+Shift+Z / Ctrl+Y where the platform says so)."""
        m = self.edit_menu = mb.addMenu("&Edit")
        stack = self.undo.stack
        self.act_undo = stack.createUndoAction(self, "Undo")
        self.act_redo = stack.createRedoAction(self, "Redo")
        for a, key, slot, name in ((self.act_undo, QKeySequence.StandardKey.Undo,
                                    self.undo.undo, "undo"),
                                   (self.act_redo, QKeySequence.StandardKey.Redo,
                                    self.undo.redo, "redo")):
            a.setShortcuts(key)
            a.setShortcutContext(Qt.WindowShortcut)
            a.setObjectName(name)
            a.triggered.disconnect()  # through the history, which pauses Play first
            a.triggered.connect(slot)
            self.addAction(a)
            m.addAction(a)

    def _button(self, action, name):
        b = QToolButton()
        b.setDefaultAction(action)
        b.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        b.setAccessibleName(name)
        b.setSizePolicy(b.sizePolicy().horizontalPolicy(), b.sizePolicy().verticalPolicy())
        return b

    def _make_controls(self):
        panel = QWidget()
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(6, 6, 6, 6)

        box = QGroupBox("Step through")
        g = QVBoxLayout(box)
        row = QHBoxLayout()
        row.addWidget(self._button(self.act_back, "step back"))
        row.addWidget(self._button(self.act_forward, "step forward"))
        g.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self._button(self.act_fwd_pass, "finish forward"))
        row.addWidget(self._button(self.act_bwd_pass, "finish backward"))
        g.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self._button(self.act_update, "apply update"))
        row.addWidget(self._button(self.act_epoch, "run epoch"))
        g.addLayout(row)
        row = QHBoxLayout()
        self.play_button = self._button(self.act_play, "play")
        row.addWidget(self.play_button)
        row.addWidget(self._button(self.act_reset, "reset"))
        g.addLayout(row)
        form = QFormLayout()
        self.speed = QComboBox()
        self.speed.setAccessibleName("speed")
        self.speed.setToolTip("How fast Play goes: micro-steps or whole epochs per second")
        for label, _, _ in SPEEDS:
            self.speed.addItem(label)
        self.speed.setCurrentIndex(DEFAULT_SPEED)
        form.addRow("Speed", self.speed)
        self.stride = QComboBox()
        self.stride.setAccessibleName("step by")
        self.stride.setToolTip("How far Step forward and Step back go: one computation, a "
                               "whole node (unit), a whole layer, or a whole phase (forward "
                               "pass, backward pass, update)")
        for label, key in STRIDE_NAMES:
            self.stride.addItem(label, key)
        self.stride.activated.connect(
            lambda i: self.session.set_stride(self.stride.itemData(i)))
        form.addRow("Step by", self.stride)
        self.stop_at = SaysWhySpinBox("Stop at epoch")
        self.stop_at.setGroupSeparatorShown(True)
        self.stop_at.setKeyboardTracking(False)  # the value counts once typed, not per digit
        self.stop_at.setRange(1, MAX_STOP_AT)
        self.stop_at.setValue(DEFAULT_STOP_AT)
        self.stop_at.setAccessibleName("stop at epoch")
        self.stop_at.setToolTip("Play pauses when this epoch is reached")
        form.addRow("Stop at epoch", self.stop_at)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        g.addLayout(form)
        lay.addWidget(box)

        box = QGroupBox("Parameters")
        g = QVBoxLayout(box)
        # a network with many parameters gets one slider, for the parameter picked here
        # (or clicked on the diagram); a small one gets a slider each
        self.param_pick = QComboBox()
        self.param_pick.setAccessibleName("parameter")
        self.param_pick.setToolTip("The parameter the slider below edits; clicking an edge "
                                   "or a node of the diagram picks it too")
        self.param_pick.activated.connect(
            lambda i: self.select_parameter(self.param_pick.itemData(i)))
        g.addWidget(self.param_pick)
        self.slider_box = QVBoxLayout()
        g.addLayout(self.slider_box)
        self.sliders = {}
        self._selected = None
        row = QHBoxLayout()
        row.addWidget(QLabel("Slider span"))
        self.span = QComboBox()
        self.span.setAccessibleName("slider span")
        self.span.setToolTip("How far the weight sliders reach. Auto fits the values in play "
                             "and grows when you drag to an end. Shift+drag for fine steps; "
                             "type any value in the boxes.")
        self.span.addItem("Auto", None)
        for v in SPANS:
            self.span.addItem(f"±{v:g}", v)
        self.span.activated.connect(lambda _i: self._fit_spans(fresh=True))
        row.addWidget(self.span, 1)
        g.addLayout(row)
        self.bias_box = QCheckBox(BIAS_TEXT)
        self.bias_box.setAccessibleName("bias")
        self.bias_box.setToolTip("Add or remove the bias node b")
        self.bias_box.toggled.connect(self.session.set_bias)
        g.addWidget(self.bias_box)
        self.lr = LearningRateControl()
        self.lr.set_value(self.session.engine.lr)
        self.lr.valueChanged.connect(self.session.set_learning_rate)
        self.lr.slider.sliderPressed.connect(lambda: self.undo.hold(("lr",)))
        self.lr.slider.sliderReleased.connect(self.undo.release)
        self.lr.invalid.connect(self.show_problem)
        g.addWidget(QLabel("Learning rate"))
        g.addWidget(self.lr)
        lay.addWidget(box)

        self.network_panel = NetworkPanel(self.session)
        lay.insertWidget(1, self.network_panel)  # after Step through, before Parameters
        box = self.data_panel = DataPanel(self.session)
        form = box.form
        self.dataset = box.dataset
        self.dataset.activated.connect(self._dataset_chosen)
        self.mode = QComboBox()
        self.mode.setAccessibleName("mode")
        for label, key in (("One example", "single"), ("Mini-batch", "minibatch"),
                           ("Full batch", "batch")):
            self.mode.addItem(label, key)
        self.mode.activated.connect(self._mode_chosen)
        form.addRow("Mode", self.mode)
        self.example = QComboBox()
        self.example.setAccessibleName("example")
        self.example.activated.connect(self._mode_chosen)
        form.addRow("Example", self.example)
        self.batch_size = SaysWhySpinBox("The batch size (at most the number of examples)")
        self.batch_size.setRange(1, 10_000)
        self.batch_size.setKeyboardTracking(False)
        self.batch_size.setAccessibleName("batch size")
        self.batch_size.valueChanged.connect(self._mode_chosen)
        form.addRow("Batch size", self.batch_size)
        self.focus = QComboBox()
        self.focus.setAccessibleName("focus example")
        self.focus.setToolTip("In a pass over several examples, show one example's values")
        self.focus.activated.connect(self._focus_chosen)
        form.addRow("Show", self.focus)
        for combo in (self.mode, self.example, self.focus, self.speed, self.stride):
            # a long entry elides in the closed box instead of pushing the panel wider
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        lay.addWidget(box)
        lay.addStretch(1)
        # A click or drag must not keep the keyboard: → and ← should step the pass, not
        # nudge the slider or combo box last touched. Tab still reaches every control.
        for cls in (QSlider, QComboBox, QCheckBox):
            for w in panel.findChildren(cls):
                w.setFocusPolicy(Qt.TabFocus)
        # after typing a value and pressing Enter, hand the keys back to the shortcuts
        for edit in (self.lr.edit, self.stop_at, self.batch_size,
                     *self.data_panel.generated_rows(), self.network_panel.seed):
            edit.editingFinished.connect(self._release_keyboard)
        for box in (self.stop_at, self.batch_size, self.data_panel.points,
                    self.network_panel.seed):
            box.rejected.connect(self.show_problem)
        self._make_sliders()
        # On a small screen the controls scroll rather than overlap or clip.
        scroll = QScrollArea()
        scroll.setWidget(panel)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        width = panel.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width()
        scroll.setMinimumWidth(width)
        scroll.setMaximumWidth(max(width, 440))
        self.controls_panel = panel
        self._wheel_guard = WheelGuard(scroll)
        self._wheel_guard.install(panel)
        return scroll

    @Slot()
    def _release_keyboard(self):
        w = self.focusWidget()
        if w is not None and w.hasFocus():
            self.shown_diagram().setFocus()

    def _make_status(self):
        sb = self.statusBar()
        self.status_text = Readout()
        self.status_text.setMinimumWidth(200)
        self.status_text.setAccessibleName("status")
        self.warning = Readout()  # one line; the full message is also its tooltip
        self.warning.setAccessibleName("warning")
        self.warning.setStyleSheet("color: #b00020; font-weight: bold")
        self.banner.setTextFormat(Qt.TextFormat.PlainText)  # a message is never markup
        sb.addWidget(self.status_text, 3)
        sb.addWidget(self.warning, 2)

    # ------------------------------------------------------------ syncing
    @Slot()
    def _sync_from_engine(self):
        e = self.session.engine
        params = e.parameters()
        for name, sl in self.sliders.items():
            sl.setEnabled(name in params)
            if name in params:
                sl.set_value(params[name])
        self._fit_spans()
        with QSignalBlocker(self.bias_box):
            self.bias_box.setChecked(self.session.bias)
        if e.lr != self.lr.value():
            self.lr.set_value(e.lr)
        with QSignalBlocker(self.mode), QSignalBlocker(self.example), \
                QSignalBlocker(self.batch_size):
            self.mode.setCurrentIndex(self.mode.findData(e.mode))
            ex = self.example.findData(-1 if e.example is None else e.example)
            if ex < 0:  # an example past the list's end
                self.example.addItem(f"{e.example + 1}", e.example)
                ex = self.example.count() - 1
            self.example.setCurrentIndex(ex)
            if self.batch_size.value() != e.batch_size:  # an equal set still repaints
                self.batch_size.setValue(e.batch_size)
        self.example.setEnabled(e.mode == "single")
        self.batch_size.setEnabled(e.mode == "minibatch")
        with QSignalBlocker(self.stride):
            self.stride.setCurrentIndex(self.stride.findData(self.session.stride))
        self._sync_focus()
        self._update_status()

    def _make_sliders(self):
        """Sliders made from the network's parameters: one each for a small network,
        else one for the parameter picked (in the list above it, or on the diagram)."""
        net = self.session.engine.network
        slots = net.slots
        with QSignalBlocker(self.param_pick):
            self.param_pick.clear()
            for slot in slots:
                self.param_pick.addItem(slot.symbol, slot.name)
        many = len(slots) > MAX_SLIDERS
        self.param_pick.setVisible(many)
        names = [s.name for s in slots]
        if self._selected not in names:
            self._selected = None
        if many:
            shown = [self._selected or names[0]]
        else:
            shown = [n for n in names] if net.has_bias else names + ["b"] * (net.depth == 1)
        if list(self.sliders) != shown:
            for sl in self.sliders.values():
                self.slider_box.removeWidget(sl)
                sl.hide()  # at once: deleteLater waits for the event loop to come round
                sl.deleteLater()
            self.sliders = {}
            symbols = {s.name: s.symbol for s in slots} | {"b": "b"}
            for name in shown:
                sl = ParameterSlider(name, symbols[name])
                sl.valueChanged.connect(self.session.set_parameter)
                # one drag, however many values it passes through, is one step to undo
                sl.slider.sliderPressed.connect(
                    lambda n=name: self.undo.hold(("parameter", n)))
                sl.slider.sliderReleased.connect(self.undo.release)
                sl.slider.sliderReleased.connect(self._fit_spans)
                sl.spin.editingFinished.connect(self._release_keyboard)
                sl.spin.rejected.connect(self.show_problem)
                sl.slider.setFocusPolicy(Qt.TabFocus)
                self.slider_box.addWidget(sl)
                self.sliders[name] = sl
        if many:
            with QSignalBlocker(self.param_pick):
                self.param_pick.setCurrentIndex(self.param_pick.findData(shown[0]))
        self.bias_box.setText(BIAS_TEXT if net.depth == 1 and not net.feature_cross
                              else "Biases (one per unit)")
        self._mark_selected()
        if hasattr(self, "_wheel_guard"):  # the new sliders, too
            for sl in self.sliders.values():
                self._wheel_guard.install(sl)

    def _network_changed(self):
        self._show_diagram()
        self._make_sliders()
        # a big network stepped one computation at a time takes hundreds of presses
        stride = "step" if self.session.engine.network.depth == 1 else "node"
        self.session.set_stride(stride)
        with QSignalBlocker(self.stride):
            self.stride.setCurrentIndex(self.stride.findData(stride))

    def _mark_selected(self):
        for n, sl in self.sliders.items():
            sl.label.setStyleSheet("font-weight: bold; text-decoration: underline"
                                   if n == self._selected else "")

    @Slot(str)
    def select_parameter(self, name: str):
        """A parameter clicked on the diagram (or picked in the list): the landscape
        slices along it and its slider is marked (or, in a big network, becomes the
        slider), so the learner sees the same parameter everywhere."""
        params = self.session.engine.parameters()
        if name not in params:
            return  # the bias, switched off
        self._selected = name
        self.plots.landscape.set_parameter_name(name)
        if len(params) > MAX_SLIDERS:
            self._make_sliders()
            self.sliders[name].set_value(params[name])
            self._fit_spans()
        self._mark_selected()
        self.explain.set_selected(name)
        for d in self._diagrams():
            if hasattr(d, "set_selected"):
                d.set_selected(name)
        symbol = self.session.engine.network.slot(name).symbol
        self.statusBar().showMessage(f"{symbol} selected: the Loss landscape tab slices the "
                                     f"cost along {symbol}, its slider is underlined and the "
                                     "explanation follows it.", 6000)

    def _diagrams(self):
        return [self.diagram, self.net_diagram]

    def shown_diagram(self):
        """The diagram in view: the neuron's, or the network's."""
        return self.diagrams.currentWidget()

    def _show_diagram(self):
        net = self.session.engine.network
        self.diagrams.setCurrentWidget(self.net_diagram if NetworkDiagram.draws(net)
                                       else self.diagram)
        self.shown_diagram().refresh()

    @Slot()
    def _fit_spans(self, fresh: bool = False):
        """One span for every weight slider (so they compare at a glance): the chosen one,
        or in Auto the smallest that holds the values in play. Never mid-drag."""
        if any(sl.slider.isSliderDown() for sl in self.sliders.values()):
            return
        chosen = self.span.currentData()
        if chosen is None:
            values = self.session.engine.parameters().values()
            current = None if fresh else next(iter(self.sliders.values())).span
            # dragged to an end and let go: the span grows so the drag can go on
            at_end = any(sl.isEnabled() and sl.slider.value() in
                         (sl.slider.minimum(), sl.slider.maximum())
                         for sl in self.sliders.values())
            chosen = auto_span(values, current)
            if at_end and chosen == current:
                chosen = next((v for v in SPANS if v > current), current)
        for sl in self.sliders.values():
            sl.set_span(chosen)

    def _sync_focus(self):
        idx = self.session.engine.indices
        with QSignalBlocker(self.focus):
            wanted = ["All examples in the pass"] + [f"Example {i + 1}" for i in idx]
            if [self.focus.itemText(i) for i in range(self.focus.count())] != wanted:
                self.focus.clear()
                self.focus.addItems(wanted)
                for d in self._diagrams():
                    d.set_focus(None)
        self.focus.setEnabled(len(idx) > 1)

    @Slot()
    def _sync_dataset(self):
        ds = self.session.engine.dataset
        with QSignalBlocker(self.dataset), QSignalBlocker(self.example):
            self.dataset.setCurrentIndex(self.dataset.findData(self.session.data.kind))
            self.example.clear()
            # a list of 10 000 examples helps nobody: the first ones, then cycling
            for i, (x1, x2, y) in enumerate(ds.points[:EXAMPLE_LIST_MAX]):
                x = fmt((x1, x2), 2, exact_int=True).strip("[]")
                self.example.addItem(f"{i + 1}: x = ({x}), y = {y}", i)
            self.example.addItem("Cycle through all", -1)
        with QSignalBlocker(self.batch_size):  # a clamp here is no choice of the learner's
            self.batch_size.setMaximum(max(1, ds.m))

    def _update_status(self):
        e = self.session.engine
        p = e.current_pass
        shown = e.cursor >= p.n_forward
        sym = "L" if len(p.indices) == 1 else "Cost"
        loss = f"{sym} = {fmt(p.cost, self.digits)}" if shown else f"{sym} not computed yet"
        phase = {"idle": "ready", "done": "pass complete"}.get(e.phase, f"{e.phase} pass")
        self.status_text.setText(
            f"Epochs done {e.epoch} · updates {e.iteration} · epoch {e.pass_epoch}: {phase} · "
            f"{loss} · α = {fmt_rate(e.lr)} · {e.dataset.name}")
        if e.status.ok and not self._problem_sticky:
            self.warning.clear()
            self._show_banner("")
        elif not e.status.ok:
            self._set_warning(e.status.message)
            self._show_banner("⚠ " + e.status.message)
        self._check_lesson()

    _problem_sticky = False

    def _set_warning(self, message: str):
        """The status bar's one line: the whole message if it fits, else its first clause
        and a pointer to the banner, never a cut-off word. The tooltip has it all."""
        fm = self.warning.label.fontMetrics()
        room = max(100, self.warning.width() - 8)
        text = "⚠ " + message
        if fm.horizontalAdvance(text) > room:
            head = message.split(":")[0].split(". ")[0].rstrip(".")
            text = f"⚠ {head} (see the message above the diagram)"
            if fm.horizontalAdvance(text) > room:
                text = "⚠ See the message above the diagram"
        self.warning.setText(text)
        self.warning.set_detail(message)

    def problem_text(self) -> str:
        """The problem in view, in full (the banner's text without its sign)."""
        return "" if self.banner.isHidden() else self.banner.text().removeprefix("⚠ ")

    @Slot(str)
    def show_problem(self, message: str):
        """Bad input or divergence: a clear message in the status area, nothing lost."""
        self._set_warning(message)
        self._show_banner("⚠ " + message)
        if message != self.session.engine.status.message:
            # a bad input: keep it in view a while; a training status lasts as long as it holds
            self._problem_sticky = True
            QTimer.singleShot(8000, self._unstick)
        if not self.session.engine.status.ok and self._playing:
            self.toggle_play(False)

    def _unstick(self):
        self._problem_sticky = False
        self._update_status()

    # ------------------------------------------------------------ choices
    @Slot(int)
    def _dataset_chosen(self, index: int):
        key = self.dataset.itemData(index)
        if key == "custom":  # the current points become the learner's own, to edit
            ds = self.session.engine.dataset
            if ds.name != "custom":
                self.session.set_dataset(from_points(ds.points, name="custom"))
        elif key in GENERATED_TITLES:  # a shape keeps the learner's size, seed and test part
            d = self.session.data
            self.session.set_data(DataChoice(kind=key, points=d.points, seed=d.seed,
                                             test_fraction=d.test_fraction))
        else:
            self.session.set_gate(key)

    @Slot()
    def _mode_chosen(self, *_):
        mode = self.mode.currentData()
        ex = self.example.currentData()
        example = None if ex is None or ex < 0 or ex >= self.session.engine.dataset.m else ex
        self.session.set_mode(mode, example, self.batch_size.value())

    @Slot(int)
    def _focus_chosen(self, index: int):
        self.shown_diagram().set_focus(None if index <= 0 else index - 1)

    def set_digits(self, d: int):
        self.digits = d
        self.digit_actions[d].setChecked(True)
        for diagram in self._diagrams():
            diagram.set_digits(d)
        self.explain.set_digits(d)
        self._update_status()

    @Slot(bool)
    def set_colorblind(self, on: bool):
        name = "colorblind" if on else "default"
        for d in self._diagrams():
            d.set_palette(name)
        self.explain.set_palette(name)
        self.plots.set_palette(name)
        self.paletteChanged.emit(name)

    def set_lessons(self, lessons):
        self.lessons = list(lessons)
        m = self.lessons_menu
        m.clear()
        for lesson in self.lessons:
            a = QAction(lesson.menu_text(), self)
            a.triggered.connect(lambda _=False, le=lesson: self.start_lesson(le))
            m.addAction(a)
        m.addSeparator()
        a = QAction("Where to start", self)
        a.triggered.connect(self.show_welcome)
        m.addAction(a)
        a = QAction("Hide the lesson text", self)
        a.triggered.connect(self.lesson_text.hide)
        m.addAction(a)
        self.lessonsChanged.emit()

    def open_lessons(self, path: str | None = None):
        """Replace the Lessons menu with a teacher's file; a bad file changes nothing."""
        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Open lessons", "",
                                                  "Lessons (*.json)")
            if not path:
                return
        try:
            lessons = load_lessons(path)
        except LessonError as exc:
            self.show_problem(str(exc))
            return
        if not lessons:
            self.show_problem(f"{path} holds no lessons.")
            return
        self.set_lessons(lessons)

    def start_lesson(self, lesson):
        """Set the app up as the lesson says. Every control the lesson relies on starts
        from a known state, whether the lesson names it or not."""
        self.toggle_play(False)
        self.clear_problem()
        setup = lesson.setup
        self._lesson = None  # not judged against while its set-up is being applied

        def set_up():  # from the lesson's session file, or its set-up
            if not self._lesson_session(setup):
                self.session.apply_setup(setup)

        self.undo.record(f"start of lesson {lesson.title}", set_up)
        labels = [label for label, _, _ in SPEEDS]
        speed = setup.get("speed")
        self.speed.setCurrentIndex(labels.index(speed) if speed in labels else DEFAULT_SPEED)
        self.stop_at.setValue(int(setup.get("stop_at", DEFAULT_STOP_AT)))
        self._stop_at_before_raise = None
        with QSignalBlocker(self.focus):
            self.focus.setCurrentIndex(0)
        self.diagram.set_focus(None)
        self.span.setCurrentIndex(0)
        self._fit_spans(fresh=True)
        self.plots.apply_lesson(setup)
        self._lesson = lesson
        self.lesson_text.setText(lesson.html())
        self.lesson_text.show()
        self._fit_lesson_box()

    def _lesson_setup_left(self) -> str:
        return self.setup_left(self._lesson)

    def setup_left(self, lesson) -> str:
        """How the screen has left `lesson`'s set-up ("" while it holds, or no lesson)."""
        if lesson is None:
            return ""
        setup, e, s = lesson.setup, self.session.engine, self.session
        kind = str(setup.get("dataset", "or")).lower()
        if s.data.kind != kind:
            wanted = GATE_TITLES.get(kind, kind)
            return f"the data set is now {e.dataset.name}, not {wanted}"
        if e.mode != setup.get("mode", "single"):
            return f"the mode is now {self.mode.currentText().lower()}"
        if s.bias != bool(setup.get("bias", True)):
            return "the bias was switched " + ("on" if s.bias else "off")
        if s.spec.label != NetworkSpec(network=setup.get("network", "neuron"),
                                       init="plain").label:
            return f"the network is now the {s.spec.title}"
        if s.spec.loss != setup.get("loss", "mse"):
            return "the loss is now " + ("cross-entropy" if s.spec.loss == "bce"
                                         else "squared error")
        return ""

    def _check_lesson(self):
        why = self._lesson_setup_left()
        if not why:
            return
        lesson, self._lesson = self._lesson, None
        self.lesson_text.setText(
            f"<b>{escape(lesson.title)}</b> — <i>you have left this lesson's set-up ({why}), "
            "so its text no longer describes the screen.</i><br>"
            f"<a href='lesson:{escape(lesson.id)}'>Restart the lesson</a> · "
            "<a href='hide'>Hide</a>")
        self._fit_lesson_box()

    @Slot(str)
    def _lesson_link(self, link: str):
        if link == "hide":
            self.lesson_text.hide()
        elif link == "lesson:first" and self.lessons:
            self.start_lesson(self.lessons[0])
        elif link.startswith("lesson:"):
            found = [le for le in self.lessons if le.id == link[len("lesson:"):]]
            if found:
                self.start_lesson(found[0])

    @Slot()
    def reset(self):
        self.toggle_play(False)
        self.clear_problem()
        if self._stop_at_before_raise is not None:  # undo what Space raised, with the run
            self.stop_at.setValue(self._stop_at_before_raise)
            self._stop_at_before_raise = None
        self.session.reset()

    _stop_at_before_raise: int | None = None

    def clear_problem(self):
        """A fresh start: an old warning would now mislead."""
        self._problem_sticky = False
        self.warning.clear()
        self._show_banner("")

    def _show_banner(self, text: str):
        if text != self.banner.text() or (text and self.banner.isHidden()):
            self.banner.setText(text)
            self.banner.setVisible(bool(text))
            self._place_banner()

    # ------------------------------------------------------------ play
    @Slot(bool)
    def toggle_play(self, on: bool | None = None):
        if on is None or not isinstance(on, bool):
            on = not self._playing
        if on and self.session.engine.epoch >= self.stop_at.maximum():
            self.show_problem(f"Play stops at epoch {self.stop_at.maximum():,} at the most: "
                              "reset to train again.")
            on = False
        self._playing = on
        with QSignalBlocker(self.act_play):
            self.act_play.setChecked(on)
        self.act_play.setText("Pause" if on else "Play")
        icon = QStyle.StandardPixmap.SP_MediaPause if on else QStyle.StandardPixmap.SP_MediaPlay
        self.act_play.setIcon(self.style().standardIcon(icon))
        if on:
            epoch = self.session.engine.epoch
            if epoch >= self.stop_at.value():
                more = self.stop_at.value()
                if self._stop_at_before_raise is None:
                    self._stop_at_before_raise = more
                new = min(self.stop_at.maximum(), epoch + more)
                self.stop_at.setValue(new)
                # said, not done silently: the learner may have expected nothing to happen
                self.statusBar().showMessage(
                    f"Epoch {epoch:,} already reached “Stop at epoch”: playing {new - epoch:,} "
                    f"more, to epoch {new:,}. Space pauses; change “Stop at epoch” to choose.",
                    8000)
            self._play_clock = time.perf_counter()
            self._play_debt = 0.0
            self.timer.start()
            self.undo.begin_run("play")  # the whole run is one step to undo
        else:
            self.timer.stop()
            self.undo.end_run()

    def play_frame(self, dt: float):
        """Advance play by `dt` seconds' worth at the chosen speed (one display frame)."""
        with self.undo.run_part():  # part of the run's one step, not steps of their own
            self._play_frame(dt)

    def _play_frame(self, dt: float):
        e = self.session.engine
        _, kind, rate = SPEEDS[self.speed.currentIndex()]
        target = self.stop_at.value()
        if kind == "steps":
            self._play_debt += dt * rate
            while self._play_debt >= 1.0:
                self._play_debt -= 1.0
                self.session.step_forward()
            if e.epoch >= target:
                self.toggle_play(False)
            return
        remaining = target - e.epoch
        if remaining <= 0:  # the learner lowered "stop at" below where we are
            self.toggle_play(False)
            return
        if rate is None:  # full speed: as many epochs as fit in the frame budget
            n = min(self._chunk, remaining)
            self.session.train(n)
            spent = self.session.train_seconds
            if spent > 0:  # aim the next chunk at the budget
                self._chunk = max(1, min(100_000, int(n * FRAME_BUDGET_S / spent)))
        else:
            self._play_debt += dt * rate
            n = min(int(self._play_debt), remaining)
            if n <= 0:
                return
            self._play_debt -= n
            self.session.train(n)
        if not e.status.ok or e.epoch >= target:
            self.toggle_play(False)

    @Slot()
    def _tick(self):
        now = time.perf_counter()
        dt = min(0.25, now - self._play_clock)  # a stalled frame does not jump ahead
        self._play_clock = now
        self.play_frame(dt)

    # ------------------------------------------------------------ misc
    @Slot()
    def save_screenshot(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save screenshot", "neuron-lab.png",
                                              "PNG images (*.png)")
        if path and not self.grab().save(path):
            self.show_problem(f"Could not save the picture to {path}.")

    def show_shortcuts(self):
        rows = []
        for a in (self.act_forward, self.act_back, self.act_fwd_pass, self.act_bwd_pass,
                  self.act_update, self.act_epoch, self.act_play, self.act_reset,
                  self.act_undo, self.act_redo, self.act_colorblind, self.act_shot):
            keys = ", ".join(k.toString(QKeySequence.NativeText) for k in a.shortcuts())
            rows.append(f"<tr><td style='padding-right: 18px'><b>{escape(keys)}</b></td>"
                        f"<td>{escape(a.text())}</td></tr>")
        QMessageBox.information(self, "Keyboard shortcuts",
                                "<table cellspacing='4'>" + "".join(rows) + "</table>")

    def show_about(self):
        QMessageBox.about(self, "About Neuron Lab",
                          "Neuron Lab shows a neuron learning: forward values, gradients "
                          "and every gradient-descent step, with the real numbers.")

    def closeEvent(self, event):
        self.timer.stop()
        self._sessions_closing()
        super().closeEvent(event)

    # ------------------------------------------------------------ export
    @Slot()
    def export_diagram(self):
        path = export_diagram_dialog(self, self.shown_diagram())
        if path:
            self.statusBar().showMessage(f"Diagram saved to {path}", 5000)

    @Slot()
    def export_history(self):
        """Two files for the name chosen: NAME-epochs.csv and NAME-steps.csv."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export history as CSV (writes NAME-epochs.csv and NAME-steps.csv)",
            "neuron-lab.csv", "CSV files (*.csv)",
            options=QFileDialog.Option.DontConfirmOverwrite)  # asked below, for both files
        if not path:
            return
        files = history_names(path)
        there = [f for f in files if os.path.exists(f)]
        if there and QMessageBox.question(
                self, "Replace files?", "Replace " + " and ".join(there) + "?",
        ) != QMessageBox.StandardButton.Yes:
            return
        # a long run's parameters are trained again as the rows are written: up to a minute
        # for a million epochs, so say that the app is busy
        self.statusBar().showMessage(f"Writing the history of {self.session.engine.epoch:,} "
                                     "epochs…")
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            write_history(self.session.engine, path)
        except ExportError as exc:
            self.statusBar().clearMessage()
            self.show_problem(str(exc))
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.statusBar().showMessage(f"History saved to {files[0]} and {files[1]}", 5000)

    # ------------------------------------------------------------ session files
    def _make_session_menu(self, m):
        """File → Open…, Open Recent, Save, Save as… (the platform's usual keys)."""
        keys = QKeySequence.StandardKey
        self.act_open = self._act("Open…", self.open_session_dialog, [keys.Open],
                                  "Open a saved session", None, "open session")
        self.act_save = self._act("Save", self.save_session, [keys.Save],
                                  "Save the session: network, data, parameters, the run",
                                  None, "save session")
        self.act_save_as = self._act("Save as…", self.save_session_as, [keys.SaveAs],
                                     "Save the session in a new file", None, "save session as")
        m.addAction(self.act_open)
        self.recent_menu = m.addMenu("Open Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        m.addAction(self.act_save)
        m.addAction(self.act_save_as)
        m.addSeparator()

    def _init_sessions(self):
        """Files, the modified mark, settings remembered between launches, autosave and
        the offer to restore after a crash."""
        self.session_path: str | None = None
        self._loading = False
        self._autosave_due = False  # changed since the last autosave
        s = self.session
        for sig in (s.stepped, s.parametersChanged, s.trained, s.setupChanged,
                    s.datasetChanged, s.networkChanged):
            sig.connect(self._session_touched)
        self._update_title()
        self._restore_settings()
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()
        settings = QSettings()
        crashed = settings.value("running", False, type=bool)
        settings.setValue("running", True)
        settings.sync()
        if crashed and os.path.isfile(autosave_path()):
            QTimer.singleShot(0, self.offer_restore)

    @Slot()
    def _session_touched(self):
        self._autosave_due = True
        if not self._loading:
            self.setWindowModified(True)

    def _update_title(self):
        name = os.path.basename(self.session_path) if self.session_path else "Untitled"
        self.setWindowTitle(f"{name}[*] — Neuron Lab")

    def window_settings(self) -> dict:
        """What a session file keeps of the window besides the session itself."""
        return {"decimals": self.digits,
                "palette": "colorblind" if self.act_colorblind.isChecked() else "default",
                "speed": self.speed.currentText(), "stop_at": self.stop_at.value()}

    def apply_window_settings(self, settings: dict):
        """The settings a session file or QSettings holds; what does not fit is ignored."""
        d = settings.get("decimals")
        if isinstance(d, int) and not isinstance(d, bool) and d in self.digit_actions:
            self.set_digits(d)
        palette = settings.get("palette")
        if palette in ("colorblind", "default"):
            self.act_colorblind.setChecked(palette == "colorblind")
            self.set_colorblind(palette == "colorblind")
        labels = [label for label, _, _ in SPEEDS]
        if settings.get("speed") in labels:
            self.speed.setCurrentIndex(labels.index(settings["speed"]))
        stop = settings.get("stop_at")
        if isinstance(stop, int) and not isinstance(stop, bool) and 1 <= stop <= MAX_STOP_AT:
            self.stop_at.setValue(stop)

    # ---- saving
    def write_session(self, path: str) -> bool:
        """Write the session to `path` atomically (QSaveFile: the old file stays whole
        until the new one is complete). False, with a message, if it could not be."""
        try:
            data = self.session.to_text(self.window_settings()).encode("utf-8")
        except session_file.SessionFileError as exc:
            self.show_problem(str(exc))
            return False
        f = QSaveFile(path)
        name = os.path.basename(path)
        if not f.open(QIODevice.OpenModeFlag.WriteOnly):
            self.show_problem(f"Could not save {name}: {f.errorString()}. Nothing was "
                              "changed on disk.")
            return False
        if f.write(data) != len(data):
            why = f.errorString()
            f.cancelWriting()
            f.commit()  # cancelled: only the temporary file goes
            self.show_problem(f"Could not save {name}: {why or 'the disk may be full'}. "
                              "The file that was there is unchanged.")
            return False
        if not f.commit():
            why = f.errorString() or "the disk may be full"
            self.show_problem(f"Could not save {name}: {why}. The file that was there is "
                              "unchanged.")
            return False
        return True

    @Slot()
    def save_session(self) -> bool:
        if not self.session_path:
            return self.save_session_as()
        return self._save_to(self.session_path)

    @Slot()
    def save_session_as(self, path: str | None = None) -> bool:
        if not path:
            start = self.session_path or "session.json"
            path, _ = QFileDialog.getSaveFileName(self, "Save session", start,
                                                  "Neuron Lab sessions (*.json)")
            if not path:
                return False
            if not os.path.splitext(path)[1]:
                path += session_file.SUFFIX
        return self._save_to(path)

    def _save_to(self, path: str) -> bool:
        if not self.write_session(path):
            return False
        self.session_path = os.path.abspath(path)
        self._update_title()
        self.setWindowModified(False)
        self._add_recent(self.session_path)
        self.statusBar().showMessage(f"Saved {os.path.basename(path)}", 4000)
        return True

    # ---- opening
    @Slot()
    def open_session_dialog(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open session", "",
                                              "Neuron Lab sessions (*.json);;All files (*)")
        if path:
            self.open_session(path)

    def open_session(self, path: str, remember: bool = True) -> bool:
        """Open the session in `path`: checked whole first, so that a bad file changes
        nothing (its message is shown). `remember`: becomes the file Save writes to and
        joins Open Recent (not for the autosave)."""
        try:
            parts = session_file.read(path)
        except session_file.SessionFileError as exc:
            self.show_problem(str(exc))
            return False
        self._use_parts(parts)
        if remember:
            self.session_path = os.path.abspath(path)
            self._add_recent(self.session_path)
        self._update_title()
        self.setWindowModified(not remember)
        return True

    def _use_parts(self, parts):
        self.toggle_play(False)
        self.clear_problem()
        self._lesson = None
        self._loading = True
        try:  # opening a file is a step: Undo goes back to what was open before
            if parts.timeline is not None:  # the file's timeline follows that step
                self.undo.adopt(parts.timeline, lambda: self.session.load_parts(parts))
            else:
                self.undo.record("open session", self.session.load_parts, parts)
        finally:
            self._loading = False
        self.apply_window_settings(parts.settings)
        with QSignalBlocker(self.focus):
            self.focus.setCurrentIndex(0)
        self.diagram.set_focus(None)
        self._fit_spans(fresh=True)

    def _lesson_session(self, setup: dict) -> bool:
        """A lesson that starts from a session file: open it (checked when the lessons
        were read, checked again now). False if the lesson has none."""
        if "session" not in setup:
            return False
        try:
            parts = session_file.read(setup["session"], timeline=False)  # the state only
        except session_file.SessionFileError as exc:
            self.show_problem(f"The lesson's session could not be opened: {exc}")
            return True
        self._use_parts(parts)
        self.setWindowModified(False)
        return True

    # ---- recent files
    def recent_sessions(self) -> list[str]:
        v = QSettings().value("recent_sessions", [], type=list)
        return [str(p) for p in v if isinstance(p, str)][:MAX_RECENT]

    def _add_recent(self, path: str):
        files = [path] + [p for p in self.recent_sessions() if p != path]
        QSettings().setValue("recent_sessions", files[:MAX_RECENT])

    @Slot()
    def _fill_recent_menu(self):
        """The menu, without the files that no longer exist (said in the status bar)."""
        files = self.recent_sessions()
        kept = [p for p in files if os.path.isfile(p)]
        gone = [p for p in files if p not in kept]
        if gone:
            QSettings().setValue("recent_sessions", kept)
            names = ", ".join(os.path.basename(p) for p in gone)
            self.statusBar().showMessage(f"Removed from Open Recent, as no longer found: "
                                         f"{names}", 8000)
        m = self.recent_menu
        m.clear()
        for p in kept:
            a = m.addAction(os.path.basename(p))
            a.setStatusTip(p)
            a.triggered.connect(lambda _=False, p=p: self.open_session(p))
        if not kept:
            m.addAction("No recent sessions").setEnabled(False)

    # ---- remembered between launches, autosave, crash restore
    def _restore_settings(self):
        st = QSettings()
        geometry = st.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        for name, sp in self._splitters.items():
            state = st.value(f"window/splitter_{name}")
            if state is not None:
                sp.restoreState(state)
        saved = {}
        for key, kind in (("decimals", int), ("palette", str), ("speed", str)):
            if st.contains(f"view/{key}"):
                saved[key] = st.value(f"view/{key}", type=kind)
        self.apply_window_settings(saved)

    def save_settings(self):
        st = QSettings()
        st.setValue("window/geometry", self.saveGeometry())
        for name, sp in self._splitters.items():
            st.setValue(f"window/splitter_{name}", sp.saveState())
        w = self.window_settings()
        for key in ("decimals", "palette", "speed"):
            st.setValue(f"view/{key}", w[key])

    @Slot()
    def autosave(self, force: bool = False) -> bool:
        """The session to the autosave file, atomically, if it changed since the last
        time (or `force`); quiet: False if it could not be written."""
        if not (self._autosave_due or force):
            return True
        path = autosave_path()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            data = self.session.to_text(self.window_settings()).encode("utf-8")
        except session_file.SessionFileError:
            return False  # overflowed: the last good autosave stays
        f = QSaveFile(path)
        if not f.open(QIODevice.OpenModeFlag.WriteOnly) or f.write(data) != len(data):
            f.cancelWriting()
            f.commit()
            return False
        if not f.commit():
            return False
        self._autosave_due = False
        return True

    @Slot()
    def offer_restore(self) -> bool:
        """After a run that did not close cleanly: offer the last autosaved session."""
        path = autosave_path()
        if not os.path.isfile(path):
            return False
        answer = QMessageBox.question(
            self, "Restore the last session?",
            "Neuron Lab did not close properly last time. Restore the session it saved "
            "automatically?")
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.open_session(path, remember=False)

    def _sessions_closing(self):
        self.autosave_timer.stop()
        self.autosave(force=True)
        self.save_settings()
        st = QSettings()
        st.setValue("running", False)
        st.sync()


AUTOSAVE_MS = 30_000
MAX_RECENT = 8


def autosave_path() -> str:
    """Where the session is saved every AUTOSAVE_MS and on close."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return os.path.join(folder, "autosave.json")
