"""Shared pytest setup.

Runs before any test module imports Qt: the tests must work on a machine with no
display, so Qt uses its offscreen platform unless the caller chose another one.
"""

import atexit
import os
import shutil
import tempfile

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYQTGRAPH_QT_LIB", "PySide6")

# Without XDG_RUNTIME_DIR (usual in CI and containers) Qt warns on first use of the
# runtime location, and qt_log_level_fail turns that warning into a test failure.
if not os.environ.get("XDG_RUNTIME_DIR"):
    _runtime_dir = tempfile.mkdtemp(prefix="neuron-lab-xdg-")  # created with mode 0700
    os.environ["XDG_RUNTIME_DIR"] = _runtime_dir
    atexit.register(shutil.rmtree, _runtime_dir, ignore_errors=True)


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path):
    """Each test starts as a first launch, with settings in its own folder: never the
    developer's own, and never what an earlier test left."""
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("NeuronLabTests")
    QCoreApplication.setApplicationName("Neuron Lab")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


def show_widget(qtbot, widget, size=(700, 500)):
    """Show a widget at a size, wait until it is on screen, and draw it once."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    return widget


@pytest.fixture
def win(qtbot):
    """The main window, shown, as a learner first sees it."""
    from gui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def pytest_configure(config):
    """Stop at once on the PySide6 release that crashes painting code.

    PySide6 6.12.0 on Python < 3.12 leaks references to None (see
    test_qt_none_refcount.py); GUI tests would abort the run with
    "Fatal Python error: none_dealloc" and no useful report.
    """
    import sys
    from importlib import metadata

    try:
        version = metadata.version("shiboken6")
    except metadata.PackageNotFoundError:
        return
    if sys.version_info < (3, 12) and version.split("+")[0] == "6.12.0":
        pytest.exit(
            f"PySide6/shiboken6 {version} on Python {sys.version.split()[0]} leaks "
            "references to None and crashes painting code ('Fatal Python error: "
            'none_dealloc\'). Install PySide6-Essentials<6.12 (pip install ".[test]" '
            "does this) or use Python >= 3.12.",
            returncode=1,
        )
