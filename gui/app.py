"""Start the application (or render one screenshot) from main.py."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import contextmanager


def app_icon():
    from importlib import resources

    from PySide6.QtGui import QIcon

    path = resources.files("resources").joinpath("icons/neuron-lab.svg")
    return QIcon(str(path))


@contextmanager
def _fresh_settings():
    """A screenshot shows what its options ask for, the same on every machine: it reads
    and writes settings in a folder of its own (not the learner's window size, palette or
    tour progress), as a returning learner (no first-launch tour unless --tour). The
    settings' place is put back afterwards (for a caller in the same process: tests)."""
    from PySide6.QtCore import QSettings

    ini, user = QSettings.Format.IniFormat, QSettings.Scope.UserScope
    fmt = QSettings.defaultFormat()
    # <root>/<organisation>/<application>.ini: the root to give back
    old_root = (os.path.dirname(os.path.dirname(QSettings().fileName()))
                if fmt == ini else None)
    with tempfile.TemporaryDirectory(prefix="neuron-lab-shot-") as folder:
        QSettings.setDefaultFormat(ini)
        QSettings.setPath(ini, user, folder)
        settings = QSettings()
        settings.setValue("welcomed", True)
        settings.setValue("tour/visible", False)
        settings.sync()
        try:
            yield
        finally:
            QSettings.setDefaultFormat(fmt)
            if old_root:
                QSettings.setPath(ini, user, old_root)


def run(screenshot: str | None = None, steps: int = 0, size=(1600, 1000),
        lesson: str | None = None, setup: dict | None = None, by: str = "step",
        epochs: int = 0, session: str | None = None, tour: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Neuron Lab")
    app.setOrganizationName("Neuron Lab")  # where QSettings keeps what is remembered
    app.setWindowIcon(app_icon())
    if screenshot:
        with _fresh_settings():
            return _run(app, screenshot, steps, size, lesson, setup, by, epochs, session,
                        tour)
    return _run(app, screenshot, steps, size, lesson, setup, by, epochs, session, tour)


def _run(app, screenshot, steps, size, lesson, setup, by, epochs, session, tour) -> int:
    from PySide6.QtCore import QEventLoop

    from .main_window import MainWindow

    win = MainWindow()
    if screenshot:
        win.resize(*size)
    for lesson_id in (lesson, tour):
        if not lesson_id:
            continue
        found = [le for le in win.lessons if le.id == lesson_id]
        if not found:
            ids = ", ".join(le.id for le in win.lessons)
            print(f"neuron-lab: no lesson {lesson_id!r}; the lessons are {ids}",
                  file=sys.stderr)
            return 2
        if lesson_id == tour:  # through the tour, which opens at it
            win.tour.go_to(win.lessons.index(found[0]))
            win.tour.show()
            win.tour.start()
        else:
            win.start_lesson(found[0])
    if setup:
        win.session.apply_setup(setup)
    if session and not win.open_session(session):  # checked by main.py; changed since?
        print(f"neuron-lab: {win.problem_text()}", file=sys.stderr)
        return 2
    win.undo.clear()  # the set-up asked for on the command line is where undo stops
    if screenshot:
        if epochs:
            win.session.train(epochs)
        win.session.set_stride(by)
        for _ in range(steps):
            win.session.step_forward()
        win.show()
        app.processEvents()
        deadline = time.monotonic() + 30  # a lesson may start a comparison: show it done
        while win.plots.lr_compare.running and time.monotonic() < deadline:
            # sleep until the comparison's timer fires rather than spin
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        app.processEvents()
        if not win.grab().save(screenshot):
            print(f"neuron-lab: could not write {screenshot}", file=sys.stderr)
            return 1
        print(screenshot)
        win.close()
        return 0
    win.show()
    return app.exec()
