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
def fresh_settings(tmp_path, monkeypatch):
    """Each test starts as a first launch, with settings in its own folder: never the
    developer's own, and never what an earlier test left (the autosaved session too: it
    lives in the data folder, QStandardPaths.AppDataLocation)."""
    from PySide6.QtCore import QCoreApplication, QSettings

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
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


def run_comparison(qtbot, w):
    """Start a learning-rate comparison and wait for it: it runs a slice at a time on a
    timer."""
    with qtbot.waitSignal(w.compared, timeout=60000):
        assert w.compare()
    assert w.has_result and not w.running


def assert_shown_gradients_match(engine, passes: int, close):
    """Over `passes` passes, every parameter gradient the learner is shown (the pass's
    param_grad steps) agrees, by `close(shown, numeric)`, with a central difference on
    that pass's examples; then the update is applied."""
    from core import gradient_check

    ds = engine.dataset
    for _ in range(passes):
        engine.finish_backward()
        cols = list(engine.current_pass.indices)
        shown = {s.param: float(s.value) for s in engine.current_pass.steps
                 if s.kind == "param_grad"}
        numeric = {c.name: c.numeric for c in
                   gradient_check(engine.network.copy(), ds.X[:, cols], ds.Y[:, cols])}
        assert shown.keys() == numeric.keys()
        for name, g in shown.items():
            assert close(g, numeric[name]), name
        engine.apply_update()


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
