"""Export: the diagram as PNG and SVG, the history as CSV, every file written atomically."""

import csv
import io
import os
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSaveFile, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QContextMenuEvent, QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from core import datasets
from core.engine import Engine
from core.export import (
    EPOCH_COLUMNS,
    STEP_COLUMNS,
    epochs_csv,
    names,
    number,
    read_vector,
    steps_csv,
    write_epochs,
)
from core.setup import NetworkSpec
from core.symbols import MINUS
from gui import export
from gui.diagram import DiagramView
from gui.export import ExportError, export_diagram, save_stream, screen_size
from gui.netdiagram import NetworkDiagram
from gui.session import Session

SVG = "{http://www.w3.org/2000/svg}"


# ------------------------------------------------------------------ engines
def neuron_engine():
    """The tutorial's neuron on OR, one example at a time: stepped, then the fast path."""
    e = Engine(NetworkSpec().build(), datasets.gate("or"), lr=1.0, mode="single", example=None)
    e.run_epoch()
    e.train(30)
    e.step_forward()
    return e


def net_engine():
    """2-3-1 on moons with a held-out test set, in mini-batches, part-way through a pass."""
    train, test = datasets.split(datasets.generated("moons", 40, 0.2, 3), 0.25, 3)
    e = Engine(NetworkSpec(network="2-3-1").build(), train, lr=0.5, mode="minibatch",
               example=None, batch_size=8, test_set=test)
    e.run_epoch()
    e.train(25)
    e.apply_update()
    e.step_forward()
    return e


def bce_engine():
    e = Engine(NetworkSpec(network="2-3-1", loss="bce").build(), datasets.gate("xor"),
               lr=2.0, mode="batch")
    e.train(40)
    e.finish_backward()
    return e


ENGINES = {"neuron": neuron_engine, "2-3-1 with a test set": net_engine, "bce": bce_engine}


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


# ------------------------------------------------------------------ CSV
@pytest.mark.parametrize("make", ENGINES.values(), ids=list(ENGINES))
def test_epochs_round_trip_exactly(make):
    e = make()
    head, *body = rows(epochs_csv(e))
    names = [sl.name for sl in e.network.slots]
    assert head == [*EPOCH_COLUMNS, *names]
    assert len(body) == len(e.epoch_costs) > 20
    assert [int(r[0]) for r in body] == list(range(1, len(body) + 1))
    assert [float(r[1]) for r in body] == e.epoch_costs.tolist()  # exactly, not approximately
    if e.test_set is None:
        assert {r[2] for r in body} == {""}
    else:
        assert len(e.test_costs) == len(body)
        assert [float(r[2]) for r in body] == e.test_costs.tolist()
    # the parameters at each epoch's end (tests/test_param_log.py: the run's own), in full
    assert [[float(v) for v in r[3:]] for r in body] == [
        v for _, v in e.parameters_by_epoch()]


@pytest.mark.parametrize("make", ENGINES.values(), ids=list(ENGINES))
def test_steps_round_trip_exactly(make):
    e = make()
    head, *body = rows(steps_csv(e))
    assert tuple(head) == STEP_COLUMNS
    assert len(body) == len(e.steps)
    for r, s in zip(body, e.steps):
        got = dict(zip(head, r))
        d = s.to_dict()
        for key in ("phase", "kind", "target", "symbol"):
            assert got[key] == d[key]
        assert int(got["index"]) == s.index
        assert got["param"] == (s.param or "")
        for key in ("value", "upstream", "local", "per_example"):
            want = getattr(s, key)
            if want is None:
                assert got[key] == ""
            else:
                assert read_vector(got[key]) == np.asarray(want, float).reshape(-1).tolist()
        assert got["text"] == "\n".join(d["text"]).replace(MINUS, "-")


def test_csv_is_machine_readable():
    """Negative numbers with the ASCII minus, no real minus anywhere, floats in full."""
    e = bce_engine()
    text = epochs_csv(e) + steps_csv(e)
    assert MINUS not in text
    negatives = [v for s in e.steps for v in np.asarray(s.value, float).reshape(-1) if v < 0]
    assert negatives and repr(float(negatives[0])) in text
    assert number(None) == "" and number(-0.1) == "-0.1" and number(2.5e-300) == "2.5e-300"
    assert number(np.array([1.0, -3.0])) == "1.0 -3.0"
    for v in (float("nan"), float("inf"), -float("inf"), -0.0, 0.1 + 0.2):
        back = float(number(v))
        assert (np.isnan(back) and np.isnan(v)) or (back == v and repr(back) == repr(v))


def test_an_engine_without_epochs_gives_the_header_alone():
    e = Engine()
    assert rows(epochs_csv(e)) == [[*EPOCH_COLUMNS, "w1", "w2", "b"]]
    assert len(rows(steps_csv(e))) == len(e.steps) + 1


def test_epochs_are_streamed_not_built_whole():
    """Rows reach the file object in many writes, not as one string at the end."""
    e = Engine()
    e.epoch_costs.extend(np.linspace(0.3, 0.1, 200_000))
    sizes = []

    class Out:
        def write(self, s):
            sizes.append(len(s))

    write_epochs(e, Out())
    assert len(sizes) > 1000 and max(sizes) < 1000


def test_the_two_file_names():
    for chosen in ("/d/run.csv", "/d/run", "/d/run.CSV", "/d/run-epochs.csv", "/d/run-steps.csv"):
        assert names(chosen) == ("/d/run-epochs.csv", "/d/run-steps.csv")


# ------------------------------------------------------------------ diagrams
@pytest.fixture
def neuron_view(qtbot):
    s = Session()
    v = DiagramView(s)
    qtbot.addWidget(v)
    v.resize(760, 420)
    v.show()
    qtbot.waitExposed(v)
    s.finish_forward()
    return v


@pytest.fixture
def net_view(qtbot):
    s = Session(Engine(NetworkSpec(network="2-3-1").build(), datasets.gate("xor"), lr=1,
                       mode="batch"))
    v = NetworkDiagram(s)
    qtbot.addWidget(v)
    v.resize(760, 420)
    v.show()
    qtbot.waitExposed(v)
    s.finish_forward()
    return v


def non_white(img: QImage) -> int:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return int(np.count_nonzero(a[:, : img.width() * 4] != 255))


@pytest.mark.parametrize("which", ["neuron_view", "net_view"])
def test_png_is_the_diagram_at_twice_its_size_on_white(which, request, tmp_path):
    view = request.getfixturevalue(which)
    path = tmp_path / "d.png"
    export_diagram(view, path)
    img = QImage(str(path))
    assert not img.isNull()
    on_screen = screen_size(view)
    assert img.size() == on_screen * 2
    if which == "net_view":  # drawn unscaled: the whole viewport
        assert on_screen == view.viewport().size()
    else:  # scaled to fit: as wide or as tall as the view (fitInView keeps a margin)
        vp = view.viewport().size()
        assert vp.width() - 8 <= on_screen.width() <= vp.width() or \
            vp.height() - 8 <= on_screen.height() <= vp.height()
    assert img.pixelColor(1, img.height() - 2) == QColor("#ffffff")  # white, not transparent
    assert non_white(img) > 0.02 * img.width() * img.height()


@pytest.mark.parametrize("which", ["neuron_view", "net_view"])
def test_svg_is_xml_with_the_diagrams_text(which, request, tmp_path):
    view = request.getfixturevalue(which)
    path = tmp_path / "d.svg"
    export_diagram(view, path)
    root = ET.parse(path).getroot()
    assert root.tag == SVG + "svg"
    size = screen_size(view)
    assert root.get("viewBox") == f"0 0 {size.width()} {size.height()}"
    assert root.find(SVG + "title").text == "Neuron Lab diagram"
    assert ("2-3-1" if which == "net_view" else "neuron") in root.find(SVG + "desc").text
    texts = "".join(t.text or "" for t in root.iter(SVG + "text"))
    assert "ŷ" in texts
    assert "x₁" in texts


def test_an_unknown_ending_is_refused_with_the_ways_that_work(neuron_view, tmp_path):
    for name in ("d.jpg", "diagram"):
        with pytest.raises(ValueError, match=r"\.png or \.svg") as err:
            export_diagram(neuron_view, tmp_path / name)
        assert name in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_commit_keeps_the_old_file(neuron_view, tmp_path, monkeypatch):
    old = tmp_path / "d.png"
    old.write_bytes(b"the learner's picture")
    monkeypatch.setattr(QSaveFile, "commit", lambda self: False)
    with pytest.raises(ExportError, match="Could not save .*unchanged"):
        export_diagram(neuron_view, old)
    assert old.read_bytes() == b"the learner's picture"


def test_a_stream_cut_off_midway_keeps_the_old_file(tmp_path):
    old = tmp_path / "run-epochs.csv"
    old.write_text("epoch,cost\n1,0.5\n")

    def fill(out):
        out.write("x" * (export.FLUSH_BYTES + 10))  # some of it already handed to the file
        raise MemoryError("killed midway")

    with pytest.raises(MemoryError):
        save_stream(old, fill)
    assert old.read_text() == "epoch,cost\n1,0.5\n"
    assert [p.name for p in tmp_path.iterdir()] == [old.name]  # no temporary file left


# ------------------------------------------------------------------ the window
def file_menu(win):
    return next(a.menu() for a in win.menuBar().actions() if a.text() == "&File")


def test_file_menu_offers_the_exports_after_the_screenshot(win):
    texts = [a.text() for a in file_menu(win).actions()]
    i = texts.index("Save screenshot…")
    assert texts[i + 1 : i + 3] == ["Export diagram…", "Export history as CSV…"]


def save_as(monkeypatch, path, chosen=""):
    asked = []

    def fake(parent, title, name, filters, *args, **kwargs):
        asked.append((title, name, filters))
        return str(path), chosen

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return asked


def trigger(win, name):
    next(a for a in file_menu(win).actions() if a.objectName() == name).trigger()


@pytest.mark.parametrize("network", ["neuron", "2-3-1"])
def test_file_export_diagram_saves_the_diagram_in_view(win, monkeypatch, tmp_path, network):
    if network != "neuron":
        assert win.session.set_network(NetworkSpec(network=network))
    view = win.shown_diagram()
    assert isinstance(view, DiagramView if network == "neuron" else NetworkDiagram)
    save_as(monkeypatch, tmp_path / "pic", "SVG image (*.svg)")  # the ending from the filter
    trigger(win, "export diagram")
    assert ET.parse(tmp_path / "pic.svg").getroot().tag == SVG + "svg"
    save_as(monkeypatch, tmp_path / "pic.png")
    trigger(win, "export diagram")
    assert QImage(str(tmp_path / "pic.png")).size() == screen_size(view) * 2
    assert win.problem_text() == ""


@pytest.mark.parametrize("which", ["neuron_view", "net_view"])
def test_the_right_click_menu_exports(which, request, monkeypatch, tmp_path):
    view = request.getfixturevalue(which)
    assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    acts = {a.text(): a for a in view.actions()}
    assert list(acts) == ["Export PNG…", "Export SVG…"]
    asked = save_as(monkeypatch, tmp_path / "right")  # no ending: the action's own
    acts["Export PNG…"].trigger()
    assert asked[-1][1:] == ("diagram.png", "PNG image (*.png)")
    assert QImage(str(tmp_path / "right.png")).size() == QSize(screen_size(view) * 2)
    acts["Export SVG…"].trigger()
    assert ET.parse(tmp_path / "right.svg").getroot().tag == SVG + "svg"


@pytest.mark.parametrize("how", ["chmod", "commit fails", "no such folder"])
def test_a_failed_export_says_so_and_keeps_the_old_files(win, monkeypatch, tmp_path, how):
    if how == "chmod" and os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder: the 'commit fails' case stands in")
    folder = tmp_path / "out"
    folder.mkdir()
    old = {folder / "d.png": b"old picture", folder / "h-epochs.csv": b"old epochs",
           folder / "h-steps.csv": b"old steps"}
    for p, data in old.items():
        p.write_bytes(data)
    if how == "chmod":
        folder.chmod(0o500)
    elif how == "commit fails":
        monkeypatch.setattr(QSaveFile, "commit", lambda self: False)
    else:
        folder = tmp_path / "gone"
    try:
        save_as(monkeypatch, folder / "d.png")
        trigger(win, "export diagram")
        assert "Could not save" in win.problem_text() and "d.png" in win.problem_text()
        win.clear_problem()
        monkeypatch.setattr(QMessageBox, "question",  # replace the old files: yes
                            staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
        save_as(monkeypatch, folder / "h.csv")
        trigger(win, "export history")
        assert "Could not save" in win.problem_text() and "h-epochs.csv" in win.problem_text()
    finally:
        if how == "chmod":
            (tmp_path / "out").chmod(0o700)
    for p, data in old.items():
        assert p.read_bytes() == data


def test_file_export_history_writes_both_files(win, monkeypatch, tmp_path):
    s = win.session
    s.run_epoch()
    s.train(12)
    s.step_forward()
    save_as(monkeypatch, tmp_path / "lesson.csv")
    trigger(win, "export history")
    e = s.engine
    for name, text in (("lesson-epochs.csv", epochs_csv(e)), ("lesson-steps.csv", steps_csv(e))):
        with open(tmp_path / name, encoding="utf-8", newline="") as f:
            assert f.read() == text
    assert win.problem_text() == ""


def test_replacing_history_files_is_asked_first(win, monkeypatch, tmp_path):
    (tmp_path / "h-steps.csv").write_text("keep me")
    asked = []

    def no(*args, **kwargs):
        asked.append(args[2])
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", staticmethod(no))
    save_as(monkeypatch, tmp_path / "h.csv")
    trigger(win, "export history")
    assert len(asked) == 1 and "h-steps.csv" in asked[0]
    assert (tmp_path / "h-steps.csv").read_text() == "keep me"
    assert not (tmp_path / "h-epochs.csv").exists()


# ------------------------------------------------------------------ the plots
def test_plot_export_is_atomic_and_a_failure_is_said(win, monkeypatch, tmp_path):
    loss = win.plots.loss
    old = tmp_path / "loss.png"
    old.write_bytes(b"old plot")
    monkeypatch.setattr(QSaveFile, "commit", lambda self: False)
    save_as(monkeypatch, old)
    loss.menu.export_dialog("PNG")
    assert old.read_bytes() == b"old plot"
    assert "Could not save" in win.problem_text() and "loss.png" in win.problem_text()


# the offscreen platform cannot raise a popup or let it grab the keyboard: noise
@pytest.mark.qt_log_ignore("This plugin does not support (raise|grabbing the keyboard)")
@pytest.mark.parametrize("which", ["neuron_view", "net_view"])
def test_a_right_click_opens_the_menu(which, request, qtbot):
    view = request.getfixturevalue(which)
    seen = []

    def look():
        menu = QApplication.activePopupWidget()
        seen.append([a.text() for a in menu.actions()] if menu else None)
        if menu:
            menu.close()

    QTimer.singleShot(100, look)
    pos = QPoint(5, 5)
    vp = view.viewport()
    QApplication.sendEvent(vp, QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                                                 vp.mapToGlobal(pos)))
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    assert seen == [["Export PNG…", "Export SVG…"]]
