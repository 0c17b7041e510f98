"""Numbers that check themselves: every number the tutorial publishes for a lesson's stage
(shared/reference/worked-numbers.md, sections A to D) is checked against the app's own
value, in core (core.tutorial_checks) and in the window (the explanation's badges and the
"Tutorial check" list of gui/badges.py). The badges must be able to fail: a slider moved
turns them to a mismatch."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider

from core.tutorial_checks import (
    CHECKS,
    MATCH,
    MISMATCH,
    MISPRINT,
    NOT_YET,
    PASSED,
    checks_for,
    current_stage,
    evaluate,
    published_numbers,
    step_results,
)
from gui.badges import result_line
from gui.lessons import load_lessons
from gui.main_window import FRAME_MS
from gui.session import Session

LESSONS = {le.id: le for le in load_lessons()}
COVERED = ["no-bias", "bias", "batch", "5000-epochs", "feature-cross", "hidden-layer",
           "cross-entropy"]


def session_at(lesson_id):
    session = Session()
    session.apply_setup(LESSONS[lesson_id].setup)
    return session


def at_pass(session, n):
    """The lesson's pass n (0: the first) revealed to its last update step."""
    e = session.engine
    for _ in range(n):
        e.finish_backward()
        e.apply_update()
    e.finish_backward()
    e.apply_update()  # the pass is done and still the one shown: every step revealed
    assert e.pass_epoch == n


# ------------------------------------------------------------------------------- core
def test_the_covered_lessons_exist_and_each_has_checks():
    ids = {c.lesson for c in CHECKS}
    assert ids == set(COVERED)
    assert ids <= set(LESSONS)


@pytest.mark.parametrize("lesson_id", COVERED)
def test_every_exact_value_is_the_engines_and_every_print_within_its_rounding(lesson_id):
    checks = checks_for(lesson_id)
    seen = set()
    for n in sorted({c.passno for c in checks if c.source == "step"}):
        session = session_at(lesson_id)
        at_pass(session, n)
        for c in checks:
            if c.source == "step" and c.passno == n:
                _assert_exact(c, session.engine)
                seen.add(c)
    epochs = {c.epochs for c in checks if c.source != "step"}
    for n in epochs:
        session = session_at(lesson_id)
        session.engine.train(n)
        for c in checks:
            if c.source != "step" and c.epochs == n:
                _assert_exact(c, session.engine)
                seen.add(c)
    assert seen == set(checks)


def _assert_exact(c, engine):
    r = evaluate(c, engine)
    assert r.value is not None, (c.label, c.stage)
    np.testing.assert_allclose(r.value, c.exact, atol=1e-6, rtol=0, err_msg=c.label)
    if c.note is not None:  # the note's own exact value is the same number
        np.testing.assert_allclose(r.value, c.note.exact, atol=1e-6, rtol=0)
    if c.published is None:
        assert r.status == MATCH
        return
    nums = published_numbers(c.published)
    assert len(nums) == len(c.exact), c.label
    within = all(abs(p - x) <= tol for (p, tol), x in zip(nums, c.exact))
    # a print outside its rounding is flagged a misprint, and only such a print
    assert within == (c.note is None), (c.label, c.published, c.exact)
    assert r.status == (MATCH if within else MISPRINT)


def test_published_numbers_carry_the_tutorials_rounding():
    assert published_numbers("0.089") == [(0.089, pytest.approx(0.0005))]
    assert published_numbers("≈ 0.0005") == [(0.0005, pytest.approx(0.00005))]
    # fewer printed decimals are the 3-decimal rounding with its zeros dropped
    assert [t for _, t in published_numbers("0, 0.5")] == [pytest.approx(0.0005)] * 2
    assert published_numbers("\u22122.973")[0][0] == -2.973


def test_a_moved_parameter_turns_the_check_to_a_mismatch_and_back():
    session = session_at("batch")
    e = session.engine
    e.finish_forward()
    [cost] = [c for c in checks_for("batch") if c.label == "Cost" and c.passno == 0]
    assert evaluate(cost, e).status == MATCH
    session.set_parameter("w1", 0.11)
    r = evaluate(cost, e)
    assert r.status == MISMATCH and r.badge() == "✗ tutorial 0.089, here 0.0884"
    session.set_parameter("w1", 0.1)
    assert evaluate(cost, e).status == MATCH


def test_stages_come_in_order_and_pass():
    session = session_at("bias")
    e = session.engine
    st = current_stage("bias", e)
    assert st.title == "the first pass" and st.state == "next"
    assert {r.status for r in st.results} == {NOT_YET}
    e.finish_forward()
    st = current_stage("bias", e)
    assert st.state == "now" and {r.status for r in st.results} == {MATCH, NOT_YET}
    e.apply_update()
    e.step_forward()  # the next pass
    st = current_stage("bias", e)
    assert st.title == "after the update" and st.state == "next"
    e.finish_forward()
    st = current_stage("bias", e)
    assert [r.status for r in st.results] == [MATCH, MISPRINT]
    assert st.results[1].badge() == "⚠ misprint: prints 0.109, exact 0.109882"
    e.apply_update()
    e.step_forward()
    st = current_stage("bias", e)
    assert st.state == "behind" and {r.status for r in st.results} == {PASSED}
    assert current_stage("xor", e) is None  # the tutorial prints no number for it


# ----------------------------------------------------------------------------- window
# each lesson's set-up and the actions its text asks for ("steps": → until the pass is
# done, one micro-step at a time; "play": Play at full speed to "Stop at epoch")
WALKS = {
    "no-bias": ["steps"],
    "bias": ["steps", "F"],
    "batch": ["steps", "steps"],
    "5000-epochs": ["play"],
    "feature-cross": ["F", "B", "play"],
    "hidden-layer": ["F", "B", "U", "F", "B", "play"],
    "cross-entropy": ["F", "B", "U", "F", "B", "play"],
}
KEYS = {"F": Qt.Key_F, "B": Qt.Key_B, "U": Qt.Key_U, "→": Qt.Key_Right}


def check_list(win):
    return win.badges_dock.widget()


def start(win, lesson_id):
    win.start_lesson(LESSONS[lesson_id])
    assert win.lesson is LESSONS[lesson_id]


def press(win, qtbot, key):
    qtbot.keyClick(win, KEYS[key])


def play_to_the_end(win):
    win.act_play.trigger()  # Space's action
    assert win.speed.currentText() == "Full speed"
    win.timer.stop()  # frames driven here, so the machine's load cannot matter
    frames = 0
    while win._playing and frames < 100_000:
        win.play_frame(FRAME_MS / 1000)
        frames += 1
    assert win.session.engine.epoch == win.stop_at.value() == 5000


def assert_screen_matches(win, seen):
    """Every reached number in the list matches the tutorial (or shows its misprint), and
    the current step's badges are in the explanation's box."""
    e, lesson = win.session.engine, win.lesson
    body = check_list(win).body.text()
    for r in check_list(win).results():
        if r.value is None:
            continue
        want = MISPRINT if r.check.note is not None else MATCH
        assert r.status == want, (lesson.id, r.check.stage, r.check.label, r.badge())
        assert result_line(r) in body
        seen.add(r.check)
    for r in step_results(lesson.id, e, e.current_step):
        assert r.status in (MATCH, MISPRINT), r.badge()
        assert r.badge() in win.explain.current.toPlainText()


@pytest.mark.parametrize("lesson_id", COVERED)
def test_every_badge_of_a_lesson_walked_as_its_text_says_matches(win, qtbot, lesson_id):
    start(win, lesson_id)
    e, seen = win.session.engine, set()
    assert_screen_matches(win, seen)
    for action in WALKS[lesson_id]:
        if action == "steps":
            press(win, qtbot, "→")
            assert_screen_matches(win, seen)
            while e.phase != "done":
                press(win, qtbot, "→")
                assert_screen_matches(win, seen)
        elif action == "play":
            play_to_the_end(win)
        else:
            press(win, qtbot, action)
        assert_screen_matches(win, seen)
        assert win.lesson is LESSONS[lesson_id]  # the walk stayed in the lesson
    assert seen == set(checks_for(lesson_id))  # every number was on screen, and right


def test_a_slider_moved_turns_the_badges_to_a_mismatch(win, qtbot):
    start(win, "batch")
    press(win, qtbot, "F")
    box = win.explain.current
    assert "✓ tutorial 0.089" in box.toPlainText()
    named = [c for c in win.findChildren(QAbstractSlider) if c.accessibleName() == "w1"]
    named[0].setValue(110)  # w₁ = 0.11: the lesson still holds, its numbers no longer do
    assert win.lesson is LESSONS["batch"]
    assert "✗ tutorial 0.089, here 0.0884" in box.toPlainText()
    rows = {r.check.label: r for r in check_list(win).results()}
    assert rows["Cost"].status == MISMATCH and rows["Ŷ"].status == MISMATCH
    assert "✗ does not match the tutorial: tutorial 0.089, here 0.0884" in \
        check_list(win).body.text()
    named[0].setValue(100)
    assert "✓ tutorial 0.089" in box.toPlainText()
    assert rows["Cost"].check in {r.check for r in check_list(win).results()
                                  if r.status == MATCH}


def test_badges_leave_with_the_lesson(win, qtbot):
    start(win, "batch")
    press(win, qtbot, "F")
    assert "tutorial 0.089" in win.explain.current.toPlainText()
    win.session.set_gate("and")  # another data set: the lesson is left
    assert win.lesson is None
    assert "tutorial" not in win.explain.toPlainText()
    assert check_list(win).results() == ()
    assert "No lesson" in check_list(win).text()
    start(win, "xor")  # a lesson for which the tutorial prints no number
    assert "prints no number" in check_list(win).text()


def test_the_dock_is_in_the_view_menu(win):
    dock = win.badges_dock
    assert dock.objectName() == "tutorialCheckDock"
    assert dock.toggleViewAction() in win.view_menu.actions()
