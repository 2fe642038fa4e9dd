"""The selection gap over decision thresholds (selection_gap_curve) on scores whose gap is known at every threshold."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.metrics.fairness import SWEEP_THRESHOLDS, selection_gap_curve


def _scores(per_group: int = 4):
    """Group 0 uniform on (0, 1), group 1 uniform on (0.5, 1), on grids that avoid every multiple of 0.01.

    Selection rates at a threshold t on the grid: group 0 ``1 − t``; group 1 ``1`` up to 0.5, ``2·(1 − t)`` above.
    The gap is ``t`` up to 0.5 and ``1 − t`` above.
    """
    a = np.repeat((np.arange(100) + 0.5) / 100, per_group)
    b = np.repeat(0.5 + (np.arange(100) + 0.5) / 200, per_group)
    scores = np.concatenate([a, b])
    codes = np.repeat([0, 1], a.size)
    y = np.tile([0, 1], a.size)
    return scores, y, codes


def test_known_gap_at_every_threshold():
    scores, y, codes = _scores()
    curve = selection_gap_curve(scores, y, codes, 2, SWEEP_THRESHOLDS, confidence=0.95, resamples=300,
                                rng=np.random.default_rng(0))
    t = np.asarray(SWEEP_THRESHOLDS)
    assert curve["threshold"] == pytest.approx(t)
    assert curve["gap"] == pytest.approx(np.where(t <= 0.5, t, 1 - t))
    assert curve["rates"][:, 0] == pytest.approx(1 - t)
    assert curve["selection_rate"] == pytest.approx(((1 - t) + np.minimum(1, 2 * (1 - t))) / 2)
    assert np.all(curve["low"] <= curve["gap"]) and np.all(curve["gap"] <= curve["high"])
    i = int(np.flatnonzero(np.isclose(t, 0.3))[0])
    assert curve["low"][i] > 0.2 and curve["high"][i] < 0.4  # 400 rows a group: the gap 0.3 is well resolved


def test_a_threshold_where_one_group_is_all_selected_keeps_a_wilson_width():
    """At 0.05 every row of group 1 is selected: its resamples cannot vary, so the band is widened, not zero."""
    scores, y, codes = _scores()
    curve = selection_gap_curve(scores, y, codes, 2, (0.05,), confidence=0.95, resamples=300,
                                rng=np.random.default_rng(0))
    assert curve["gap"][0] == pytest.approx(0.05) and curve["high"][0] > 0.06


def test_same_seed_same_band():
    scores, y, codes = _scores(1)
    a, b = (selection_gap_curve(scores, y, codes, 2, (0.3, 0.7), confidence=0.9, resamples=200,
                                rng=np.random.default_rng(7)) for _ in range(2))
    assert all(np.array_equal(a[k], b[k]) for k in a)


def test_resampled_selection_gaps_equal_the_parity_difference_on_each_resample():
    """Each row of the index matrix is one resample; on the identity resample the gap is the demographic parity
    difference of the data, and a group missing from a resample does not count in it."""
    from auditkit.metrics.fairness import confusion_counts, fairness_metrics, resampled_selection_gaps

    d = np.array([1, 1, 0, 0, 1, 0, 0, 0])
    g = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    idx = np.array([np.arange(8), [0, 1, 2, 3, 0, 1, 2, 3], [0, 0, 4, 4, 5, 5, 6, 6]])
    gaps = resampled_selection_gaps(d, g, 2, idx)
    whole = fairness_metrics(confusion_counts(np.zeros(8, int), d, g, 2))["demographic_parity_difference"]
    assert gaps[0] == pytest.approx(whole) == pytest.approx(0.5 - 0.25)
    assert gaps[1] == 0.0  # only group 0 drawn: nothing to compare
    assert gaps[2] == pytest.approx(1.0 - 2 / 6)  # group 0 decisions (1, 1), group 1 (1, 1, 0, 0, 0, 0)
