"""Badges: the tutorial's published numbers beside the app's own (core.tutorial_checks).

Under each step of the explanation that the tutorial prints a number for, a compact badge
(✓ tutorial 0.089 · ⚠ misprint: prints 0.109, exact 0.109882 · ✗ tutorial 0.089, here
0.0901); and BadgeList, every number of the current lesson's current stage with the app's
value and its state. A badge follows the lesson whose set-up holds (MainWindow.lesson):
out of a lesson there is nothing to check against. The symbol and the words say the state,
the colour only repeats it (colour-blind safe).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QDockWidget, QLabel, QScrollArea, QVBoxLayout, QWidget

from core.tutorial_checks import (
    MATCH,
    MISMATCH,
    MISPRINT,
    SIGNS,
    WORDS,
    Result,
    StageView,
    current_stage,
    step_results,
)

from .palette import verdict_colour

VERDICTS = {MATCH: "good", MISPRINT: "warn", MISMATCH: "bad"}


def colour(window, status: str) -> str:
    """The status's text colour in the window's palette (grey: nothing to judge yet)."""
    if status not in VERDICTS:
        return "#666666"
    return verdict_colour(getattr(window.explain, "palette_name", "default"),
                          VERDICTS[status])
DOCK_NAME = "tutorialCheckDock"


def badge_html(window, result: Result) -> str:
    """The compact badge of one result, for the explanation's lines."""
    return (f"<span style='color:{colour(window, result.status)}; font-size:small'>"
            f"<b>{html.escape(result.badge())}</b></span>")


def step_badges(window, step) -> str:
    """The badges of `step` of the current pass, while a lesson's set-up holds."""
    lesson = getattr(window, "lesson", None)
    if lesson is None:
        return ""
    results = step_results(lesson.id, window.session.engine, step)
    if not results:
        return ""
    if len(results) == 1:
        return badge_html(window, results[0])
    # one step, several numbers (∂Cost/∂Z and its local gradient ∂Ŷ/∂Z): name each
    return "<br>".join(f"<span style='font-size:small'>{html.escape(r.check.label)}:</span> "
                       f"{badge_html(window, r)}" for r in results)


def result_line(r: Result) -> str:
    """One row of the list: the state in words, what the tutorial prints, the app's value."""
    c, sign = r.check, SIGNS[r.status]
    told = f"tutorial {c.published}" if c.published else f"exact {r.exact_text()}"
    if r.status == MISPRINT:
        return f"{sign} misprint: the tutorial prints {c.published}, exact {r.exact_text()}"
    if r.status == MISMATCH:
        return f"{sign} {WORDS[r.status]}: {told}, here {r.here()}"
    if r.status == MATCH:
        return (f"{sign} {WORDS[r.status]}: {c.published}" if c.published
                else f"{sign} matches the exact value (the tutorial prints no figure)")
    return f"{sign} {WORDS[r.status]}" + (f": tutorial {c.published}" if c.published else "")


class BadgeList(QWidget):
    """Every published number of the lesson's current stage: the app's value and its
    badge (not yet reached, passed, matches, misprint, mismatch)."""

    def __init__(self, session, window, parent=None):
        super().__init__(parent)
        self.session, self.window = session, window
        self.setAccessibleName("tutorial check")
        self.setMinimumWidth(200)
        self.head = QLabel()
        self.head.setWordWrap(True)
        self.head.setAccessibleName("tutorial check stage")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.RichText)
        self.body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.body.setAccessibleName("tutorial check list")
        scroll = QScrollArea()
        scroll.setWidget(self.body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.head)
        lay.addWidget(scroll, 1)
        self._stage: StageView | None = None
        s = session
        for sig in (s.stepped, s.parametersChanged, s.trained, s.setupChanged,
                    s.networkChanged, s.datasetChanged):
            sig.connect(self.refresh)
        window.lessonChanged.connect(self.refresh)
        window.paletteChanged.connect(self.refresh)
        self.refresh()

    def stage(self) -> StageView | None:
        """What the list shows: the stage and its results (None: nothing to check)."""
        return self._stage

    def results(self) -> tuple[Result, ...]:
        return self._stage.results if self._stage is not None else ()

    def text(self) -> str:
        return self.head.text() + "\n" + self.body.text()

    @Slot()
    def refresh(self, *_):
        lesson = self.window.lesson
        stage = None if lesson is None else current_stage(lesson.id, self.session.engine)
        self._stage = stage
        if lesson is None:
            head = ("No lesson: start one from the Lessons menu to check the app's numbers "
                    "against the tutorial's.")
            body = ""
        elif stage is None:
            head = f"<b>{html.escape(lesson.title)}</b>"
            body = "The tutorial prints no number for this lesson's stages to check."
        else:
            when = {"now": "on screen now", "next": "not on screen yet",
                    "behind": "behind you: reset to see them again"}[stage.state]
            head = (f"The tutorial's numbers for <b>{html.escape(stage.title)}</b> of "
                    f"lesson {html.escape(lesson.title.split(' ')[0])} ({when})")
            body = "".join(self._row(r) for r in stage.results)
        if head != self.head.text():
            self.head.setText(head)
        if body != self.body.text():
            self.body.setText(body)

    def _row(self, r: Result) -> str:
        here = f" = {html.escape(r.here())}" if r.value is not None else ""
        why = ""
        if r.status == MISPRINT and r.check.note is not None:
            why = (f"<br><span style='color:#555; font-size:small'>"
                   f"{html.escape(r.check.note.why)}</span>")
        return (f"<p style='margin:0 0 5px 0'><b>{html.escape(r.check.label)}</b>{here}<br>"
                f"<span style='color:{colour(self.window, r.status)}'>"
                f"{html.escape(result_line(r))}"
                f"</span>{why}</p>")


def install(window) -> QDockWidget:
    """The explanation's badges and the "Tutorial check" dock (View menu to toggle)."""
    window.explain.set_badge(lambda step: step_badges(window, step))
    # a badge belongs to the lesson: another lesson (or none) writes the lines again
    window.lessonChanged.connect(
        lambda _lesson: window.explain.set_badge(lambda step: step_badges(window, step)))
    dock = QDockWidget("Tutorial check", window)
    dock.setObjectName(DOCK_NAME)
    dock.setWidget(BadgeList(window.session, window))
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.view_menu.addAction(dock.toggleViewAction())
    window.resizeDocks([dock], [230], Qt.Orientation.Horizontal)
    dock.hide()  # the tour lists them too; the View menu shows the dock
    return dock
