"""Numbers that check themselves: every number the tutorial publishes for a lesson's stage
(shared/reference/worked-numbers.md, sections A to D) is checked against the app's own
value, in core (core.tutorial_checks) and in the window (the explanation's badges and the
"Tutorial check" list of gui/badges.py). The badges must be able to fail: a slider moved
turns them to a mismatch."""

import numpy as np
import pytest

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
)
from gui.lessons import load_lessons
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
