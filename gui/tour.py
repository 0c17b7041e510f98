"""The guided tour: a dock that walks the lessons in the tutorial's order, one short
checklist per lesson, and points at the control each task names.

A task is done when the session shows it (the loss computed, an update applied, epoch
5000 reached, a tab shown), never because a button was clicked: a click that changes
nothing completes nothing. The tour follows the window's lessons (a teacher's file
replaces them) and remembers, per set of lessons, where the learner was (QSettings)."""

from __future__ import annotations

import hashlib
import json
from html import escape

import shiboken6
from PySide6.QtCore import QEvent, QPoint, QRect, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QIcon, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .palette import verdict_colour
from .tasks import DEFAULT_TASKS, Task

NOT_STARTED, IN_PROGRESS, DONE, LEFT = "not started", "in progress", "done", "left"
MARKS = {NOT_STARTED: "○", IN_PROGRESS: "◐", DONE: "✓", LEFT: "↩"}
TAB_INDEX = {"tab:boundary": 0, "tab:landscape": 1, "tab:rates": 2}  # PlotsPanel.TABS
HIGHLIGHT = QColor("#f08c00")
SETTINGS_KEY = "tour"
DOCK_WIDTH = (240, 290)  # its width at a 1024- and at a 1600-pixel window
NARROW = 1440  # a narrower window gets the tour as a strip above it


# ------------------------------------------------------------------ highlight
class Highlight(QWidget):
    """A frame drawn over another widget (or a part of it, such as one tab), following it
    as it moves, resizes, scrolls or hides. It takes no clicks and no style: the control
    keeps its own look, whatever stylesheet it has."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setObjectName("tour highlight")
        self._target: QWidget | None = None
        self._rect = None  # a callable giving the part of the target, in its coordinates
        self._watched: list[QWidget] = []
        self.hide()

    @property
    def target(self) -> QWidget | None:
        return self._target

    def target_rect(self) -> QRect:
        """The part of the target the frame surrounds, in the target's coordinates."""
        if self._target is None:
            return QRect()
        return self._rect() if self._rect is not None else self._target.rect()

    def point_at(self, widget: QWidget | None, rect=None):
        if widget is self._target and rect is self._rect:
            self.place()
            return
        for w in self._watched:
            if shiboken6.isValid(w):  # the window may be closing
                w.removeEventFilter(self)
        self._watched = []
        self._target, self._rect = widget, rect
        if widget is not None:
            w = widget
            while w is not None:  # any ancestor's move or resize moves the target
                w.installEventFilter(self)
                self._watched.append(w)
                w = w.parentWidget()
            widget.destroyed.connect(self._gone)
        self.place()

    @Slot()
    def _gone(self):
        self._target, self._rect, self._watched = None, None, []
        self.hide()

    def eventFilter(self, obj, event):
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show,
                            QEvent.Type.Hide, QEvent.Type.LayoutRequest):
            QTimer.singleShot(0, self, self.place)  # once the layout has settled
        return False

    @Slot()
    def place(self):
        t = self._target
        if t is None or not t.isVisible():
            self.hide()
            return
        host = t.window()
        if self.parentWidget() is not host:  # the target's dock was floated or docked
            self.setParent(host)
        r = self.target_rect()
        # only the part not scrolled or clipped away: cut by every widget around the
        # target (a scroll area's viewport), up to the window (not by visibleRegion(),
        # which is empty before a paint and so cannot tell "out of sight")
        r = QRect(t.mapTo(host, r.topLeft()), r.size())
        w = t.parentWidget()
        while w is not None and w is not host:
            r = r.intersected(QRect(w.mapTo(host, QPoint(0, 0)), w.size()))
            w = w.parentWidget()
        r = r.intersected(host.rect())
        if r.isEmpty():
            self.hide()
            return
        self.setGeometry(r.adjusted(-3, -3, 3, 3))
        self.show()
        self.raise_()

    def paintEvent(self, _event):
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(QPen(HIGHLIGHT, 3))
        p.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 4, 4)


class ElidedLabel(QLabel):
    """One line of text that ends in "…" when it does not fit (the whole of it in its
    tooltip), so that a long task never widens the strip."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str):
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setWidth(20)
        return hint

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._elide()

    def _elide(self):
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight,
                                                   max(20, self.width())))


# ------------------------------------------------------------------ conditions
def _loss_shown(engine) -> bool:
    return any(s.kind == "loss" for s in engine.revealed)


def task_done(task: Task, window) -> bool:
    """Whether the session (and the window's views) show what the task asks for."""
    e = window.session.engine
    kind, n = task.condition
    if kind == "loss":  # computed in a pass that follows n updates
        return e.iteration > n or (e.iteration == n and e.phase != "done" and _loss_shown(e))
    if kind == "gradients":
        p = e.current_pass
        return e.iteration > 0 or e.cursor >= p.n_forward + p.n_backward
    if kind == "updates":
        return e.iteration >= n
    if kind == "epochs":
        return e.epoch >= n
    if kind == "warning":
        return not e.status.ok
    if kind == "lr-at-most":
        return e.lr <= n
    if kind == "reset":
        return e.iteration == 0 and e.epoch == 0 and e.cursor == 0
    if kind in TAB_INDEX:
        return window.plots.tabs.currentIndex() == TAB_INDEX[kind]
    if kind == "compared":
        return window.plots.lr_compare.has_result
    if kind == "arrows":
        return window.plots.landscape.lr_box.currentData() == n and \
            window.plots.tabs.currentIndex() == TAB_INDEX["tab:landscape"]
    if kind == "focus":
        return window.focus.currentIndex() > 0
    return False


def control_of(task: Task, window) -> tuple[QWidget | None, object]:
    """The widget a task names, and (for a tab) a callable giving its part to frame."""
    c = task.control
    if c in TAB_INDEX:
        bar = window.plots.tabs.tabBar()
        return bar, lambda: bar.tabRect(TAB_INDEX[c])
    if c == "learning rate":
        return window.lr, None
    if c == "focus example":
        return window.focus, None
    if c == "arrows":
        return window.plots.landscape.lr_box, None
    found = [b for b in window.controls_panel.findChildren(QToolButton)
             if b.accessibleName() == c]
    return (found[0] if found else None), None


def lessons_key(lessons) -> str:
    """Progress is kept per set of lessons: a teacher's file has its own."""
    text = "\n".join(f"{le.id}\t{le.title}" for le in lessons)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


# ------------------------------------------------------------------ the dock
class TourDock(QDockWidget):
    """The tour. `window` is the MainWindow (session, lessons, start_lesson,
    lessonChanged, the controls the tasks name)."""

    changed = Signal()  # lesson, task or a progress mark changed

    def __init__(self, window, parent=None):
        super().__init__("Guided tour", parent or window)
        self.setObjectName("tour")
        self.window_ = window
        self.lessons: list = []
        self._key = ""
        self.index = 0
        self.marks: dict[str, str] = {}
        self.tasks_done: dict[str, int] = {}
        self.active = False  # the current lesson's set-up holds: its tasks are watched
        self.left_why = ""
        self._fitted = False
        self.highlight = Highlight(window)
        self._build()
        s = window.session
        for sig in (s.stepped, s.trained, s.parametersChanged, s.setupChanged,
                    s.datasetChanged, s.networkChanged):
            sig.connect(self.check)
        window.plots.tabs.currentChanged.connect(self.check)
        window.plots.lr_compare.compared.connect(self.check)
        window.plots.landscape.lr_box.currentIndexChanged.connect(self.check)
        window.focus.activated.connect(self.check)
        window.lessonChanged.connect(self._lesson_changed)
        window.paletteChanged.connect(lambda _name: self._show())  # ticks recoloured
        self.visibilityChanged.connect(lambda _v: self._point())
        # A teacher's file refills the Lessons menu: the tour takes the new lessons then.
        window.lessonsChanged.connect(self._lessons_maybe_replaced)
        window.lesson_text.installEventFilter(self)  # its text shown here when it hides
        window.installEventFilter(self)  # saved as the window closes
        self.set_lessons(window.lessons)

    # ---------------------------------------------------------------- parts
    def _build(self):
        self.picker = QComboBox()
        self.picker.setAccessibleName("tour lesson")
        self.picker.setToolTip("Every lesson of the tour, with its progress: ○ not started, "
                               "◐ in progress, ✓ done, ↩ left")
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.picker.setMinimumContentsLength(12)
        self.picker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.picker.activated.connect(self.go_to)
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.where.setAccessibleName("tour progress")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("tour notice")
        self.notice.setStyleSheet("background: #fdecea; border: 1px solid #e6a0a0; "
                                  "padding: 4px")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAccessibleName("tour text")
        self.text.linkActivated.connect(self._link)
        self.intro = QLabel("<b>Welcome to Neuron Lab.</b> This tour walks you through the "
                            "tutorial a lesson at a time: <b>Start</b> sets the app up, and "
                            "the control to use next is framed in orange. <i>View → Guided "
                            "tour</i> hides it and brings it back.")
        self.intro.setWordWrap(True)
        self.intro.setAccessibleName("tour welcome")
        self.hint = QLabel("<i>The lesson's text is in the yellow box beside the "
                           "explanation.</i>")
        self.hint.setWordWrap(True)
        self.start_button = QPushButton("Start")
        self.start_button.setAccessibleName("tour start")
        self.start_button.setToolTip("Set the app up for this lesson")
        self.start_button.clicked.connect(self.start)
        self.return_button = QPushButton("Return to the lesson")
        self.return_button.setAccessibleName("tour return")
        self.return_button.setToolTip("Set the lesson up again, as it starts")
        self.return_button.clicked.connect(self.start)
        self.checklist_title = QLabel("<b>To do</b>")
        self.checklist = QLabel()
        self.checklist.setWordWrap(True)
        self.checklist.setTextFormat(Qt.TextFormat.RichText)
        self.checklist.setAccessibleName("tour tasks")
        self.task_line = ElidedLabel()
        self.task_line.setAccessibleName("tour task")
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAccessibleName("tour close")
        self.close_button.setToolTip("Close the tour (View → Guided tour opens it again)")
        self.close_button.clicked.connect(self.hide)
        # other views (the tutorial's numbers with their badges…) go here, under the tasks
        self.sections_box = QWidget()
        self.sections = QVBoxLayout(self.sections_box)
        self.sections.setContentsMargins(0, 4, 0, 0)
        self.sections_box.hide()
        self.line = QFrame()
        self.line.setFrameShape(QFrame.Shape.HLine)
        self.line.setFrameShadow(QFrame.Shadow.Sunken)
        self.prev_button = QPushButton("◀ Previous")
        self.prev_button.setAccessibleName("tour previous")
        self.prev_button.clicked.connect(self.previous)
        self.next_button = QPushButton("Next ▶")
        self.next_button.setAccessibleName("tour next")
        self.next_button.clicked.connect(self.next)
        self.prev_button.setToolTip("The previous lesson")
        self.next_button.setToolTip("The next lesson")
        for w in (self.start_button, self.return_button, self.prev_button, self.next_button,
                  self.picker, self.close_button):
            w.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # → and ← keep stepping the pass
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(self.scroll)
        self.compact = None
        self._arrange(False)
        self.dockLocationChanged.connect(self._area_changed)

    @Slot(Qt.DockWidgetArea)
    def _area_changed(self, area):
        self._arrange(area in (Qt.DockWidgetArea.TopDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea))

    def _arrange(self, compact: bool):
        """A column beside the window (left or right), or a strip of one line above or
        below it (a narrow window has no room for another column, and barely for another
        line): the strip shows the task at hand and the buttons; the lesson's text is in
        the window's own box."""
        if compact == self.compact:
            return
        self.compact = compact
        body = QWidget()
        lay = QVBoxLayout(body)
        full_only = (self.intro, self.where, self.text, self.hint, self.checklist_title,
                     self.checklist, self.notice, self.sections_box, self.line)
        if compact:
            lay.setContentsMargins(6, 1, 2, 1)
            row = QHBoxLayout()
            row.setSpacing(4)
            for w in (self.picker, self.task_line, self.start_button, self.return_button,
                      self.prev_button, self.next_button, self.close_button):
                row.addWidget(w, 1 if w is self.task_line else 0)
            lay.addLayout(row)
            for w in full_only:
                w.setParent(body)
                w.hide()
            self.picker.setMinimumContentsLength(20)
            self.picker.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.task_line.show()
            self.close_button.show()
            # icons, not text: a button with text is at least 80 pixels wide
            style = self.style()
            for b, icon in ((self.prev_button, QStyle.StandardPixmap.SP_ArrowBack),
                            (self.next_button, QStyle.StandardPixmap.SP_ArrowForward)):
                b.setText("")
                b.setIcon(style.standardIcon(icon))
            self.setTitleBarWidget(QWidget())  # no title bar: one line is all there is
        else:
            lay.setContentsMargins(8, 6, 8, 8)
            for w in (self.intro, self.picker, self.where, self.notice, self.text, self.hint):
                lay.addWidget(w)
            row = QHBoxLayout()
            row.addWidget(self.start_button)
            row.addWidget(self.return_button)
            row.addStretch(1)
            lay.addLayout(row)
            for w in (self.checklist_title, self.checklist):
                lay.addWidget(w)
            # the free room goes to the sections (the tutorial's numbers), when there are
            lay.addWidget(self.sections_box, 1)
            lay.addStretch(0)
            lay.addWidget(self.line)
            row = QHBoxLayout()
            row.addWidget(self.prev_button)
            row.addStretch(1)
            row.addWidget(self.next_button)
            lay.addLayout(row)
            for w in (self.task_line, self.close_button):
                w.setParent(body)
                w.hide()
            for w in (self.where, self.checklist_title, self.checklist, self.line):
                w.show()
            self.sections_box.setVisible(self.sections.count() > 0)
            self.picker.setMinimumContentsLength(12)
            self.picker.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.prev_button.setText("◀ Previous")
            self.next_button.setText("Next ▶")
            for b in (self.prev_button, self.next_button):
                b.setIcon(QIcon())
            self.setTitleBarWidget(None)
        self.body = body
        self.scroll.setWidget(body)  # the old body goes; its widgets live on in this one
        if compact:
            self.scroll.setMinimumWidth(0)
            self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setFixedHeight(body.sizeHint().height())
        else:
            self.scroll.setMinimumWidth(200)
            self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            self.setMinimumHeight(0)
            self.setMaximumHeight(16777215)
        if self.lessons:
            self._show()

    def add_section(self, widget: QWidget):
        """Show another view in the tour, under the lesson's tasks."""
        widget.setSizePolicy(QSizePolicy.Policy.Preferred, widget.sizePolicy().verticalPolicy())
        self.sections.addWidget(widget)
        self.sections_box.setVisible(not self.compact)

    # ---------------------------------------------------------------- lessons
    @property
    def lesson(self):
        return self.lessons[self.index] if self.lessons else None

    def tasks(self, lesson=None) -> tuple[Task, ...]:
        lesson = lesson or self.lesson
        if lesson is None:
            return ()
        return lesson.tasks or DEFAULT_TASKS

    @property
    def done(self) -> int:
        """How many of the current lesson's tasks are done."""
        return self.tasks_done.get(self.lesson.id, 0) if self.lesson else 0

    def mark(self, lesson_id: str) -> str:
        return self.marks.get(lesson_id, NOT_STARTED)

    def set_lessons(self, lessons):
        """Walk these lessons (the window's), from where this set was left last time."""
        self.lessons = list(lessons)
        self._seen = self.window_.lessons  # the list object: set_lessons makes a new one
        self._key = lessons_key(self.lessons)
        self.index, self.marks, self.tasks_done = 0, {}, {}
        self.active = False
        self.left_why = ""
        state = self._load()
        ids = [le.id for le in self.lessons]
        if state.get("lesson") in ids:
            self.index = ids.index(state["lesson"])
        for lid, m in state.get("marks", {}).items():
            if lid in ids and m in MARKS:
                self.marks[lid] = m
        for lid, n in state.get("tasks", {}).items():
            if lid in ids and isinstance(n, int) and not isinstance(n, bool):
                self.tasks_done[lid] = max(0, min(n, len(self.tasks(self.lessons[ids.index(
                    lid)]))))
        self.picker.clear()
        for le in self.lessons:
            self.picker.addItem(le.title)
        if self.window_.lesson is not None and self.window_.lesson in self.lessons:
            self._follow(self.window_.lesson)
        self._show()

    def go_to(self, index: int):
        """Show another lesson of the tour (Start sets it up)."""
        if not self.lessons:
            return
        index = max(0, min(int(index), len(self.lessons) - 1))
        if index == self.index:
            self._show()
            return
        self.index = index
        self.left_why = ""
        self.active = self.window_.lesson is self.lesson
        self._show()
        self._save()

    @Slot()
    def next(self):
        self.go_to(self.index + 1)

    @Slot()
    def previous(self):
        self.go_to(self.index - 1)

    @Slot()
    def start(self):
        """Set the app up for the current lesson; its tasks start over."""
        if self.lesson is not None:
            self.window_.start_lesson(self.lesson)

    def open_at_first(self):
        """The first launch: the tour, open at its first lesson."""
        self.go_to(0)
        self.show()
        self.raise_()

    def _follow(self, lesson):
        """The window started `lesson` (from here, the Lessons menu or a link)."""
        was = self.lesson
        if was is not None and was is not lesson and self.active and \
                self.mark(was.id) == IN_PROGRESS:
            self.marks[was.id] = LEFT  # another lesson replaced its set-up
        self.index = self.lessons.index(lesson)
        self.active, self.left_why = True, ""
        self.tasks_done[lesson.id] = 0  # a fresh set-up: the tasks start over
        if self.mark(lesson.id) != DONE:
            self.marks[lesson.id] = IN_PROGRESS

    @Slot(object)
    def _lesson_changed(self, lesson):
        if lesson is not None and lesson in self.lessons:
            self._follow(lesson)
        elif lesson is not None:  # a lesson the tour does not hold
            self._leave("another lesson was started")
        self.check()
        self._save()

    def _why_left(self) -> str:
        """How the screen has left the current lesson's set-up, in the window's words."""
        return self.window_.setup_left(self.lesson)

    def _leave(self, why: str):
        if not self.active:
            return
        self.active, self.left_why = False, why
        lid = self.lesson.id
        if self.mark(lid) != DONE:
            self.marks[lid] = LEFT
        self._save()

    @Slot()
    def check(self, *_):
        """Tick off what the session now shows; point at what comes next."""
        lesson = self.lesson
        if lesson is None:
            return
        if self.active:
            why = self._why_left()
            if why:
                self._leave(why)
        if self.active:
            tasks = self.tasks()
            n = self.done
            while n < len(tasks) and task_done(tasks[n], self.window_):
                n += 1
            if n != self.done:
                self.tasks_done[lesson.id] = n
                if n == len(tasks):
                    self.marks[lesson.id] = DONE
                self._save()
        self._show()

    # ---------------------------------------------------------------- showing
    def _show(self):
        lesson = self.lesson
        n_lessons = len(self.lessons)
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < n_lessons - 1)
        if lesson is None:
            self.where.setText("No lessons")
            self.text.setText("")
            self.checklist.setText("")
            self._point()
            return
        for i, le in enumerate(self.lessons):
            item = f"{MARKS[self.mark(le.id)]} {le.title}"
            if self.picker.itemText(i) != item:  # this runs at every frame of Play
                self.picker.setItemText(i, item)
        if self.picker.currentIndex() != self.index:
            self.picker.setCurrentIndex(self.index)
        mark = self.mark(lesson.id)
        tasks = self.tasks()
        done = self.done
        self.where.setText(f"Lesson {self.index + 1} of {n_lessons} · {mark}"
                           + (f" · {done} of {len(tasks)} tasks" if mark != NOT_STARTED
                              else ""))
        self.text.setText(lesson.html())
        # Once started, the window shows the text in its own box: said once, not twice.
        in_window = self.active and self.window_.lesson_text.isVisible()
        if not self.compact:
            self.text.setVisible(not in_window)
            self.hint.setVisible(in_window)
            # nothing started yet in this set of lessons: a word of welcome
            self.intro.setVisible(not self.marks)
        if self.left_why:
            self.notice.setText(f"You have left this lesson's set-up ({self.left_why}), so "
                                "its text no longer describes the screen.")
        self.notice.setVisible(bool(self.left_why))
        self.return_button.setVisible(bool(self.left_why))
        self.start_button.setVisible(not self.left_why)
        self.start_button.setText("Start again" if self.active else "Start")
        rows = []
        for i, t in enumerate(tasks):
            if i < done:  # remembered, even once the set-up is gone
                ink = verdict_colour(getattr(self.window_.explain, "palette_name", "default"),
                                     "good")
                rows.append(f"<span style='color: {ink}'>☑ {escape(t.text)}</span>")
            elif self.active and i == done:
                rows.append(f"<b>☐ {escape(t.text)}</b>")
            else:
                rows.append(f"<span style='color: #666'>☐ {escape(t.text)}</span>")
        if not self.active and not self.left_why:
            head = ("Press <b>Start</b> to set the app up" if mark == NOT_STARTED else
                    "Press <b>Start</b> to set the lesson up again (its tasks start over)")
            rows.insert(0, f"<i>{head}.</i>")
        elif self.active and done == len(tasks):
            rows.append("<b>Lesson done.</b> " + ("Press <b>Next</b> for the next one."
                                                  if self.index < n_lessons - 1 else
                                                  "That was the last lesson of the tour."))
        self.checklist.setText("<br>".join(rows))
        # the strip's one line: the task at hand, or what to press
        if self.left_why:
            line = f"Left: {self.left_why}. Return to the lesson to go on."
        elif not self.active:
            line = f"Lesson {self.index + 1} of {n_lessons}, {mark}: press Start."
        elif done < len(tasks):
            line = f"{done + 1}/{len(tasks)} · {tasks[done].text}"
        else:
            line = "Lesson done. " + ("Next goes to the next one." if self.index < n_lessons - 1
                                      else "That was the tour's last lesson.")
        self.task_line.set_full_text(line)
        self._point()
        self.changed.emit()

    def highlighted(self) -> tuple[QWidget, QRect] | None:
        """The control the tour points at now and its framed part (its own coordinates),
        or None."""
        t = self.highlight.target
        if t is None or not self.isVisible():
            return None
        return t, self.highlight.target_rect()

    def _point(self):
        """Frame what the learner should use next: a task's control, else Start, Return
        or Next in the tour itself."""
        if not shiboken6.isValid(self.highlight):
            return  # the window is going
        if not self.isVisible() or self.lesson is None:
            self.highlight.point_at(None)
            return
        tasks, done = self.tasks(), self.done
        if self.left_why:
            self.highlight.point_at(self.return_button)
        elif not self.active:
            self.highlight.point_at(self.start_button)
        elif done < len(tasks):
            self.highlight.point_at(*control_of(tasks[done], self.window_))
        elif self.index < len(self.lessons) - 1:
            self.highlight.point_at(self.next_button)
        else:
            self.highlight.point_at(None)

    @Slot(str)
    def _link(self, link: str):
        """A [label](lesson:id) link in a lesson's text: go there and start it."""
        ids = [le.id for le in self.lessons]
        lid = link[len("lesson:"):] if link.startswith("lesson:") else ""
        if lid in ids:
            self.go_to(ids.index(lid))
            self.start()

    # ---------------------------------------------------------------- remembered
    def _load(self) -> dict:
        raw = QSettings().value(f"{SETTINGS_KEY}/{self._key}", "", type=str)
        try:
            state = json.loads(raw) if raw else {}
        except ValueError:  # a damaged entry: start the tour afresh
            return {}
        return state if isinstance(state, dict) else {}

    def _save(self):
        if not self.lessons:
            return
        state = {"lesson": self.lesson.id, "marks": self.marks, "tasks": self.tasks_done}
        QSettings().setValue(f"{SETTINGS_KEY}/{self._key}", json.dumps(state))

    def eventFilter(self, obj, event):
        if obj is self.window_.lesson_text and event.type() in (QEvent.Type.ShowToParent,
                                                                 QEvent.Type.HideToParent):
            QTimer.singleShot(0, self, self._show)
        elif obj is self.window_ and event.type() == QEvent.Type.Show and not self._fitted:
            self._fitted = True  # once, at the size the window is first shown at
            fit_width(self.window_, self)
        elif obj is self.window_ and event.type() == QEvent.Type.Resize and self._fitted and \
                self.compact != (self.window_.width() < NARROW):
            QTimer.singleShot(0, self, lambda: fit_width(self.window_, self))
        elif obj is self.window_ and event.type() == QEvent.Type.Close:
            self._save()
            QSettings().setValue(f"{SETTINGS_KEY}/visible", self.isVisible())
        return False

    @Slot()
    def _lessons_maybe_replaced(self):
        menu = self.window_.lessons_menu
        if self.toggleViewAction() not in menu.actions():  # refilled without it
            menu.addAction(self.toggleViewAction())
        if self.window_.lessons is not self._seen:
            self.set_lessons(self.window_.lessons)


def was_visible() -> bool | None:
    """Whether the tour was open when the window last closed (None: never recorded)."""
    st = QSettings()
    key = f"{SETTINGS_KEY}/visible"
    return st.value(key, False, type=bool) if st.contains(key) else None


def install(window) -> TourDock:
    """Add the tour to a MainWindow: a dock at its right, narrow enough to leave the
    diagram its room, toggled from the View menu; open if it was open when the window
    last closed."""
    dock = TourDock(window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    act = dock.toggleViewAction()
    act.setText("Guided tour")
    act.setObjectName("guided tour")
    window.view_menu.addAction(act)
    window.lessons_menu.addAction(act)  # where a learner looks for lessons, too
    dock.setVisible(bool(was_visible()))
    fit_width(window, dock)
    return dock


def fit_width(window, dock: TourDock):
    """A column at the right, DOCK_WIDTH wide from a 1024- to a 1600-pixel window; below
    NARROW pixels a strip above the window instead: there is no room for a fourth
    column beside the controls, the diagram and the explanation."""
    if window.dockWidgetArea(dock) not in (Qt.DockWidgetArea.RightDockWidgetArea,
                                           Qt.DockWidgetArea.TopDockWidgetArea):
        return  # the learner put it elsewhere
    if window.width() < NARROW:
        window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
        return
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    others = [d for d in window.findChildren(QDockWidget) if d is not dock and
              d.isVisible() and not d.isFloating() and
              window.dockWidgetArea(d) == Qt.DockWidgetArea.RightDockWidgetArea]
    if others:  # added under them: the tour takes back most of the column's height
        h = window.height()
        window.resizeDocks([dock, *others], [int(0.75 * h)] +
                           [int(0.25 * h / len(others))] * len(others),
                           Qt.Orientation.Vertical)
    lo, hi = DOCK_WIDTH
    t = min(1.0, max(0.0, (window.width() - 1024) / (1600 - 1024)))
    window.resizeDocks([dock], [int(lo + t * (hi - lo))], Qt.Orientation.Horizontal)
