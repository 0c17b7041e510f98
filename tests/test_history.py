"""The engine's cost record: a list's behaviour at 8 bytes an entry."""

import numpy as np
import pytest

from core.history import CostHistory


def test_behaves_like_the_list_it_replaces():
    h, ref = CostHistory(capacity=2), []
    for v in range(5):
        h.append(v / 10)
        ref.append(v / 10)
    h.extend(np.array([0.7, 0.8]))
    ref.extend([0.7, 0.8])
    assert list(h) == ref and len(h) == 7 and h == ref
    assert h[-1] == 0.8 and h[0] == 0.0
    np.testing.assert_array_equal(h[2:4], ref[2:4])
    np.testing.assert_array_equal(np.asarray(h), ref)
    h.truncate(3)
    assert h.tolist() == ref[:3]
    with pytest.raises(IndexError):
        h[3]
    h.clear()
    assert len(h) == 0 and list(h) == []


def test_views_cannot_change_the_record():
    h = CostHistory()
    h.extend([1.0, 2.0])
    with pytest.raises(ValueError):
        h.view()[0] = 5.0
    a = np.asarray(h)
    a[0] = 5.0
    assert h[0] == 1.0


def test_a_million_entries_take_eight_megabytes():
    h = CostHistory()
    h.extend(np.zeros(1_000_000))
    assert h._buf.nbytes <= 16_000_000  # doubling leaves at most 2× the 8 MB


def _big_engine(m=2000):
    from core import Engine, from_points

    rng = np.random.default_rng(3)
    pts = np.column_stack([rng.uniform(0, 1, (m, 2)), rng.integers(0, 2, m)])
    return Engine(dataset=from_points(pts), mode="batch", lr=2.0)


def test_step_back_history_is_bounded_by_memory(monkeypatch):
    """2000 points in full batch: a pass holds ~0.7 MB, so a count alone (2000 passes)
    reached 1.5 GB. With a 5 MB budget the kept passes must fit in it."""
    import tracemalloc

    import core.engine

    budget = 5_000_000
    monkeypatch.setattr(core.engine, "HISTORY_BYTES", budget)
    e = _big_engine()
    e.apply_update()
    tracemalloc.start()
    try:
        for _ in range(25):
            e.apply_update()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    one_pass = 1_000_000  # the current pass, outside the history
    assert held < budget + one_pass  # real memory, not only the estimate
    assert e._history.nbytes <= budget and 2 <= len(e._history) < 25


def test_estimate_is_not_below_the_real_memory():
    import tracemalloc

    from core import Engine, two_layer
    from core.history import pass_bytes

    for make in (_big_engine, lambda: Engine(two_layer(
            [[0.1, 0.6], [0.2, 0.4], [0.3, 0.7]], [0, 0, 0], [[0.1, 0.4, 0.9]], [0]),
            _big_engine(500).dataset, mode="batch")):
        e = make()
        e.apply_update()
        tracemalloc.start()
        try:
            e.apply_update()  # into the history; the next pass is built: one pass's worth
            held, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        p = e._history.pop()[0]
        assert held <= pass_bytes(p) <= 2 * held


def test_step_back_restores_exactly_within_what_is_kept(monkeypatch):
    import core.engine

    monkeypatch.setattr(core.engine, "HISTORY_BYTES", 3_000_000)
    e = _big_engine()
    ends = {}
    for _ in range(12):
        e.apply_update()
        ends[e.iteration] = (e.parameters(), list(e.epoch_costs), e.cursor)
    kept = len(e._history)
    assert 1 <= kept < 11
    seen = 0
    while e.step_back() is not None or e.cursor:
        if e.cursor == len(e.current_pass.steps):
            assert (e.parameters(), list(e.epoch_costs), e.cursor) == ends[e.iteration]
            seen += 1
    assert seen == kept  # back through every kept pass, and no further
    assert e.cursor == 0 and e.iteration == 12 - kept - 1
