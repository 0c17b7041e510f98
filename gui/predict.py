"""Predict, then reveal: the panel in which the learner types the next value before the
app shows it (issue 10).

With "Predict before each step" on, Step forward (→, the Step button, the Run menu)
no longer reveals at once. The panel always asks about the value the next step would
compute, its formula filled in with what is already shown; Step forward or Enter
grades what the learner typed (right within 1 % or 0.001, whichever is looser), then
takes that one step, and the panel shows the verdict, the exact value and its
computation, and the score of the lesson (window.lesson; "free play" outside one).
"Skip / reveal" takes the step ungraded. Bad input is refused with a message and
changes nothing. The other actions (finish a pass, update, epoch, Play, step back,
undo) work as usual: they reveal without asking and the question moves on to whatever
is next. The pure part (the question, parsing, grading, the score) is core/predict.py.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core.predict import (
    FREE_PLAY,
    KIND_HINTS,
    PredictionError,
    Score,
    answer_count,
    grade,
    next_step,
    parse_prediction,
    phase_name,
    question,
)
from core.symbols import fmt_full

from .palette import verdict_style
from .session import recorded

PLAIN_STYLE = "color: #333; background: #f3f3f3; border: 1px solid #bbb; padding: 4px"
QUESTION_STYLE = "background: #fff8e1; border: 1px solid #e0c97f; padding: 4px"
MAX_ITEMS = 8  # longer vectors (big data sets) show their ends, as in the explanation
OTHER_ACTIONS = ("Finish forward / backward pass, Apply update, Run one epoch and Play work "
                 "as usual: they reveal without asking, and the question moves on to the "
                 "next value.")


@recorded("step forward")
def take_one_step(session):
    """One micro-step, whatever the "step by" choice: a prediction is about one value.
    One step to undo, as Step forward is."""
    e = session.engine
    e.step_forward("step")
    session.stepped.emit()
    if not e.status.ok:
        session.problem.emit(e.status.message)


class PredictPanel(QWidget):
    """Asks for the next value, grades it, reveals it. `window` gives the session, the
    lesson (window.lesson, lessonChanged), the diagram's focused example and Play."""

    graded = Signal(object)  # a core.predict.Grade, after the step was revealed
    activeChanged = Signal(bool)
    showRequested = Signal()  # Step forward while predicting, with the panel closed

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.session = window.session
        self.score = Score()
        self.active = False
        self.asked = None  # (Step, Pass) the question is about, or None
        self.last_grade = None
        self.setAccessibleName("predict panel")

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.enable = QCheckBox("Predict before each step")
        self.enable.setAccessibleName("predict before each step")
        self.enable.setToolTip("Step forward asks for the next value before it shows it")
        self.enable.toggled.connect(self.set_active)
        lay.addWidget(self.enable)
        self.header = self._label("header")
        lay.addWidget(self.header)
        self.question = self._label("question")
        self.question.setStyleSheet(QUESTION_STYLE)
        self.question.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.question)
        self.hint = self._label("how to answer")
        self.hint.setStyleSheet("color: #555")
        row = QHBoxLayout()
        self.entry = QLineEdit()
        self.entry.setAccessibleName("prediction")
        self.entry.setPlaceholderText("e.g. 0.125")
        self.entry.setClearButtonEnabled(True)
        self.entry.returnPressed.connect(self.check)
        row.addWidget(self.entry, 1)
        self.check_button = QPushButton("Check")
        self.check_button.setAccessibleName("check prediction")
        self.check_button.setToolTip("Grade the prediction, then reveal the value (Enter)")
        self.check_button.clicked.connect(lambda: self.check())  # not with `checked`
        row.addWidget(self.check_button)
        lay.addLayout(row)
        self.skip_button = QPushButton("Skip / reveal")
        self.skip_button.setAccessibleName("skip prediction")
        self.skip_button.setToolTip("Take the step without a prediction (not scored)")
        self.skip_button.clicked.connect(lambda: self.skip())
        # what answers the learner's Enter sits right under the entry, in sight in a
        # short panel; how to answer and Skip come after
        self.message = self._label("prediction problem")
        self.message.setStyleSheet("color: #8a1c1c; font-weight: bold")
        self.message.hide()
        lay.addWidget(self.message)
        self.result = self._label("prediction result")
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        lay.addWidget(self.result)
        self.score_label = self._label("prediction score")
        self.score_label.setStyleSheet("font-weight: bold")
        lay.addWidget(self.score_label)
        lay.addWidget(self.skip_button)
        lay.addWidget(self.hint)
        self.about = self._label("predict notes")
        self.about.setStyleSheet("color: #666")
        lay.addWidget(self.about)
        lay.addStretch(1)

        s = self.session
        for sig in (s.stepped, s.parametersChanged, s.trained, s.setupChanged,
                    s.networkChanged, s.datasetChanged):
            sig.connect(self.refresh)
        window.lessonChanged.connect(self._show_score)
        # Play sets its check mark with signals blocked, then its text: `changed` tells
        window.act_play.changed.connect(self.refresh)
        window.focus.activated.connect(self.refresh)
        window.stride.activated.connect(self.refresh)
        for a in window.digit_actions.values():  # the question's decimals follow the View's
            a.triggered.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _label(name: str) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setAccessibleName(name)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    # ------------------------------------------------------------ state
    @Slot(bool)
    def set_active(self, on: bool):
        on = bool(on)
        if on == self.active:
            return
        self.active = on
        self.enable.setChecked(on)
        self.message.hide()
        self.refresh()
        self.activeChanged.emit(on)  # the dock shows first: a hidden entry takes no focus
        if on:
            self.entry.setFocus()

    def focus_example(self) -> int | None:
        """The one example of a batch the diagram shows, if the learner picked one."""
        d = self.window.shown_diagram()
        f = d.focus() if hasattr(d, "focus") else None
        return f if f is not None and len(self.session.engine.indices) > 1 else None

    def _digits(self) -> int:
        return max(3, int(getattr(self.window, "digits", 3)))

    @Slot()
    def refresh(self, *_):
        """Ask about the value the next step computes (or say why nothing is asked)."""
        self._show_score()
        playing = self.window.act_play.isChecked()
        self.about.setText(OTHER_ACTIONS if self.active else "")
        if not self.active:
            return self._ask_nothing(
                "Predict, then reveal",
                "Turn on <i>Predict before each step</i> (here or in the Run menu): each "
                "step forward then asks you for the value it computes before it shows it.")
        if playing:
            return self._ask_nothing("Playing", "Play reveals every value without asking. "
                                                "Pause, and the next value is asked for here.")
        found = next_step(self.session.engine)
        if found is None:
            return self._ask_nothing(
                "Nothing to predict", "The values overflowed, so stepping has stopped. "
                                      "Reset, or take a smaller learning rate, to go on.")
        step, p = found
        if self.asked is None or self.asked[0] is not step:
            self.message.hide()  # a refusal was about the question before
        self.asked = found
        e = self.session.engine
        y = e.dataset.Y[0, list(p.indices)] if p.indices else None
        lines = question(step, self._digits(), y, p.y_hat, MAX_ITEMS)
        self.header.setText(f"<b>Next: the {phase_name(step)} {html.escape(step.symbol)}</b>"
                            f" — {html.escape(KIND_HINTS.get(step.kind, ''))}")
        self.question.setText("<br>".join(html.escape(t) for t in lines))
        focus = self.focus_example()
        n = answer_count(step, focus)
        if n > 1:
            how = (f"Type {n} numbers, one per example in the order shown, separated by “;” "
                   "or spaces (one number stands for all of them).")
        elif np.ndim(step.value) > 0 and focus is not None:
            how = (f"Type the value for example {focus + 1} of the pass, the one the diagram "
                   "shows.")
        else:
            how = "Type one number."
        how += " Enter, Check or Step forward grades it and reveals the value."
        if self.session.stride != "step":
            how += (" Predicting goes one computation at a time; the “Step by” choice "
                    "applies when it is off.")
        self.hint.setText(html.escape(how))
        self._enable_answer(True)

    def _ask_nothing(self, header: str, text: str) -> None:
        """No question now: say why, and take no answer."""
        self.asked = None
        self.header.setText(f"<b>{header}</b>")
        self.question.setText(text)
        self.hint.setText("")
        self._enable_answer(False)

    def _enable_answer(self, on: bool):
        for w in (self.entry, self.check_button, self.skip_button):
            w.setEnabled(on)

    def _show_score(self, *_):
        lesson = self.window.lesson
        key = lesson.id if lesson is not None else None
        right, asked = self.score.of(key)
        where = f"“{lesson.title}”" if lesson is not None else FREE_PLAY
        self.score_label.setText(html.escape(f"Score in {where}: {right}/{asked} right"))

    def score_text(self) -> str:
        return self.score_label.text()

    # ------------------------------------------------------------ answering
    def _problem(self, text: str):
        self.message.setText(html.escape(text))
        self.message.show()

    @Slot()
    def step_forward(self):
        """The window's Step forward: as before when predicting is off; a check when on."""
        if not self.active:
            self.session.step_forward()
            return
        if not self.isVisible():  # the learner closed the panel: the question is in it
            self.showRequested.emit()
        self.check()

    @Slot()
    def check(self, text: str | None = None):
        """Grade `text` (default: what is typed) against the next value, then reveal it.
        A message and no change when it is no prediction. Returns the Grade or None."""
        if not self.active or self.asked is None:
            return None
        text = self.entry.text() if text is None else text
        step, _ = self.asked
        focus = self.focus_example()
        try:
            guess = parse_prediction(text, answer_count(step, focus))
            g = grade(step, guess, focus)
        except PredictionError as exc:
            self._problem(str(exc).replace("Type your prediction",
                                           f"Type your prediction for {step.symbol}"))
            self.entry.setFocus()
            self.entry.selectAll()
            return None
        lesson = self.window.lesson
        self.score.add(lesson.id if lesson is not None else None, g.right)
        self.last_grade = g
        self._reveal(step, g)
        self.graded.emit(g)
        return g

    @Slot()
    def skip(self):
        """Take the step without a prediction: shown, not scored."""
        if not self.active or self.asked is None:
            return
        step, _ = self.asked
        self._reveal(step, None)

    def _reveal(self, step, g):
        self.message.hide()
        self.entry.clear()
        take_one_step(self.session)  # the views (and this panel's next question) follow
        digits = self._digits()
        if g is None:
            head, style = f"Revealed (not scored): {step.symbol}", PLAIN_STYLE
        else:
            head = ("✓ " if g.right else "✗ ") + g.summary(digits)
            style = verdict_style(getattr(self.window.explain, "palette_name", "default"),
                                  "good" if g.right else "bad")
        exact = ""
        if np.size(step.value) == 1:
            exact = f"exact value: {fmt_full(step.value)}"
        body = [html.escape(head)]
        if exact:
            body.append(html.escape(exact))
        body.append("<i>computation:</i>")
        body += [html.escape(t) for t in step.text(digits, MAX_ITEMS)]
        self.result.setStyleSheet(style)
        self.result.setText("<br>".join(body))
        self.result.show()
        self._show_score()
        self.entry.setFocus()

    def result_text(self) -> str:
        return self.result.text() if not self.result.isHidden() else ""

    def message_text(self) -> str:
        return self.message.text() if not self.message.isHidden() else ""


def install(window) -> PredictPanel:
    """The panel in a dock, the Run menu's check box, and Step forward routed through
    the panel (MainWindow.install_predict calls this)."""
    panel = PredictPanel(window)
    scroll = QScrollArea()  # a long formula (a big batch) scrolls rather than clipping
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(230)  # with the controls and plots, fits a 1024-px window
    dock = QDockWidget("Predict, then reveal", window)
    dock.setObjectName("predict dock")
    dock.setWidget(scroll)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()  # shown when the mode is turned on
    toggle = dock.toggleViewAction()
    toggle.setText("Predict panel")
    window.view_menu.addAction(toggle)

    act = QAction("Predict before each step", window)
    act.setObjectName("predict before each step")
    act.setCheckable(True)
    act.setStatusTip("Step forward asks for the next value and grades it before showing it")
    act.toggled.connect(panel.set_active)
    panel.activeChanged.connect(act.setChecked)

    def shown(on):
        if on:
            dock.show()
            dock.raise_()

    panel.activeChanged.connect(shown)
    panel.showRequested.connect(lambda: shown(True))
    # Space on the panel's buttons and check box presses them rather than playing
    from .main_window import KeepKeys

    KeepKeys(panel).install(panel)
    window.run_menu.insertAction(window.act_back, act)  # beside Step forward
    # Step forward (→, the button, the menu) goes through the panel
    fwd = window.act_forward
    try:
        fwd.triggered.disconnect(window.session.step_forward)
    except (RuntimeError, TypeError):  # connected otherwise: take all its slots
        fwd.triggered.disconnect()
    fwd.triggered.connect(panel.step_forward)
    tips = (fwd.toolTip(), "Grade the prediction typed in the Predict panel, then reveal the "
                           "value (Right arrow)")

    def tip(on):  # the Step button says what it does now
        fwd.setToolTip(tips[1] if on else tips[0])

    panel.activeChanged.connect(tip)
    window.predict_action, window.predict_dock = act, dock
    return panel
