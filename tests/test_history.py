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
