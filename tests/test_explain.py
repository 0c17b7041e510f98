"""The explanation panel: current step in full, earlier steps appended, at any precision."""

from gui.explain import ExplanationPanel
from gui.session import Session


def panel(qtbot):
    s = Session()
    p = ExplanationPanel(s)
    qtbot.addWidget(p)
    return s, p


def test_appended_history_equals_a_fresh_render(qtbot):
    s, p = panel(qtbot)
    for _ in range(12):
        s.step_forward()
    appended = p.history.toPlainText()
    p.set_digits(3)  # forces a full re-render at the same precision
    assert p.history.toPlainText() == appended
    assert appended.count("forward →") == 6 and appended.count("← backward") == 5


def test_current_step_is_written_out(qtbot):
    s, p = panel(qtbot)
    assert "Nothing computed yet" in p.current.toPlainText()
    s.finish_backward()
    text = p.current.toPlainText()
    assert "∂L/∂b = 0.125 × 1 = 0.125" in text and "step 12 of 15" in text
    s.step_forward()
    s.step_forward()
    s.step_forward()
    assert "b = 0.000 − 1 × 0.125 = −0.125" in p.current.toPlainText()
    assert "Pass complete" in p.current.toPlainText()


def test_step_back_and_a_new_pass_rewrite_the_history(qtbot):
    s, p = panel(qtbot)
    for _ in range(5):
        s.step_forward()
    s.step_back()
    assert p.history.toPlainText().count("forward →") == 3
    s.apply_update()
    s.step_forward()  # the next pass: its first step, nothing earlier
    assert p.history.toPlainText().strip() == ""
    assert "1. forward" in p.current.toPlainText()


def test_precision_and_batch_vectors(qtbot):
    s, p = panel(qtbot)
    s.set_mode("batch")
    s.finish_forward()
    p.set_digits(5)
    assert "[0.50000, 0.64566, 0.52498, 0.66819]" in p.toPlainText()


def test_one_number_format_in_the_panel(qtbot):
    """The learning rate and the small values of a trained run read like every other number."""
    s, p = panel(qtbot)
    assert "α = 1 " in p.header.text() + " "
    s.set_mode("batch")
    s.train(5000)
    s.finish_forward()
    assert "Cost = (1/8) × Σ (y − ŷ)² = 0.000528" in p.current.toPlainText()
    s.set_learning_rate(0.00001)
    assert p.header.text().endswith("α = 1×10⁻⁵")  # as the α box writes it
    assert "-" not in p.toPlainText()


def test_a_note_says_why_the_tutorial_prints_0_109(qtbot):
    """The bias lesson: after b = −0.125 the loss is 0.110; the tutorial says 0.109."""
    s, p = panel(qtbot)
    s.finish_backward()
    s.apply_update()
    for _ in range(5):  # the next pass, up to ŷ: no note yet
        s.step_forward()
        assert "tutorial" not in p.current.toPlainText()
    s.step_forward()
    text = p.current.toPlainText()
    assert "L = ½(0 − 0.469)² = 0.110" in text
    assert "0.109" in text and "0.110" in text and "0.469" in text
    s.step_forward()  # the next step has no note
    assert "0.109" not in p.current.toPlainText()


def test_every_tutorial_note_meets_its_situation_once():
    """The table's situations are real: running the tutorial's two lessons (and its
    cross-entropy sequel's) finds every note on exactly one step, and only where 3 decimals
    differ from the printed value."""
    from core import Engine, datasets
    from core.setup import NetworkSpec
    from core.symbols import fmt
    from core.tutorial_notes import NOTES, note_for

    found = []
    for mode, example, gate, loss in (("single", 0, "or", "mse"), ("batch", None, "or", "mse"),
                                      ("batch", None, "and", "bce")):
        e = Engine(NetworkSpec(loss=loss).build(), datasets.gate(gate), lr=1.0, mode=mode,
                   example=example)
        for _ in range(2 * len(e.steps)):  # two whole passes
            e.step_forward()
            p, step = e.current_pass, e.current_step
            note = note_for(e.dataset, p, step)
            if note is not None:
                found.append(note)
                assert fmt(float(step.value.reshape(-1)[0])) not in note.printed
    assert sorted(map(id, found)) == sorted(map(id, NOTES))


def test_a_pass_shown_at_once_writes_out_its_latest_steps(qtbot):
    """A big network's forward pass shown in one go (a frame of play) lists its last
    steps and says how many came before, instead of hundreds of paragraphs."""
    from core import Engine, datasets
    from core.setup import NetworkSpec
    from gui.explain import HISTORY_SHOWN

    s = Session(Engine(NetworkSpec(network="2-8-8-1", init="xavier").build(),
                       datasets.gate("xor"), lr=1.0, mode="batch"))
    p = ExplanationPanel(s)
    qtbot.addWidget(p)
    s.finish_forward()
    revealed = s.engine.revealed
    text = p.history.toPlainText()
    hidden = len(revealed) - 1 - HISTORY_SHOWN
    assert f"… {hidden} earlier steps" in text
    assert f"{revealed[-2].index + 1}. forward" in text
    assert f"\n{revealed[0].index + 1}. forward" not in text
    s.step_back()  # one step at a time from there: the list follows exactly
    s.step_forward()
    assert f"{revealed[-2].index + 1}. forward" in p.history.toPlainText()
