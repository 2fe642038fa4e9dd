"""Calibration metrics against hand-computed bins and closed-form calibration errors."""

from __future__ import annotations

import math

import numpy as np
import pytest

from auditkit.metrics import calibration as cal

# six rows in three equal-mass bins of two: mean scores 0.15, 0.35, 0.75; observed rates 0, 1/2, 1
S = np.array([0.9, 0.1, 0.4, 0.2, 0.6, 0.3])
Y = np.array([1, 0, 0, 0, 1, 1])


def test_bins_and_counts_by_hand():
    rel = cal.reliability(S, Y, bins=3)
    assert rel.counts.tolist() == [2, 2, 2] and rel.n == 6
    assert rel.mean_score == pytest.approx([0.15, 0.35, 0.75])
    assert rel.observed == pytest.approx([0.0, 0.5, 1.0])
    assert cal.expected_calibration_error(S, Y, bins=3) == pytest.approx((0.15 + 0.15 + 0.25) / 3)


def test_equal_mass_bins_split_like_array_split_and_keep_two_rows_a_bin():
    s = np.linspace(0.05, 0.95, 7)
    assert cal.reliability(s, np.ones(7), bins=3).counts.tolist() == [3, 2, 2]
    assert cal.reliability(s[:5], np.ones(5), bins=10).counts.tolist() == [3, 2]  # never fewer than two rows
    assert cal.bin_count(1) == 0 and math.isnan(cal.expected_calibration_error([0.5], [1]))


def test_debiased_bin_term_by_closed_form():
    # E|N(0, σ²)| = σ·sqrt(2/π); σ = 0 gives |μ|
    assert cal._mean_abs_normal(np.array([0.0]), np.array([0.1]))[0] == pytest.approx(0.1 * math.sqrt(2 / math.pi))
    assert cal._mean_abs_normal(np.array([-0.3]), np.array([0.0]))[0] == pytest.approx(0.3)
    draws = np.random.default_rng(0).normal(0.05, 0.04, 400_000)
    assert cal._mean_abs_normal(np.array([0.05]), np.array([0.04]))[0] == pytest.approx(np.abs(draws).mean(),
                                                                                          abs=5e-4)


def _sample(n: int, seed: int, distort=lambda p: p):
    rng = np.random.default_rng(seed)
    p = rng.random(n)
    return distort(p), (rng.random(n) < p).astype(int)


def test_calibrated_scores_have_a_small_ece_and_an_interval_reaching_zero():
    s, y = _sample(4000, 1)
    e = cal.calibration_estimate(s, y, resamples=500, rng=np.random.default_rng(2))
    assert e.ece < 0.02 and e.ci_low < 0.005 and e.ci_high < 0.05
    assert e.plugin_ece > e.ece  # the plug-in is biased upwards; the judged estimate corrects it
    assert e.n == 4000 and e.bins.counts.sum() == 4000


def test_cubed_scores_have_the_closed_form_ece():
    # s = p³ with p ~ U(0, 1) and P(y=1 | p) = p: every bin is under-confident, ECE = E[p − p³] = 1/2 − 1/4
    s, y = _sample(4000, 3, lambda p: p**3)
    e = cal.calibration_estimate(s, y, resamples=500, rng=np.random.default_rng(4))
    assert e.ece == pytest.approx(0.25, abs=0.02) and e.ci_low <= 0.25 <= e.ci_high
    assert e.ci_low > 0.2
    assert cal.expected_calibration_error(s, y) == pytest.approx(0.25, abs=0.02)


def test_interval_is_seeded_and_contains_the_estimate():
    s, y = _sample(300, 5)
    a = cal.calibration_estimate(s, y, resamples=200, rng=np.random.default_rng(6))
    b = cal.calibration_estimate(s, y, resamples=200, rng=np.random.default_rng(6))
    assert (a.ece, a.ci_low, a.ci_high, a.plugin_ece) == (b.ece, b.ci_low, b.ci_high, b.plugin_ece)
    assert 0.0 <= a.ci_low <= a.ece <= a.ci_high


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="probabilities"):
        cal.reliability([0.2, 1.2], [0, 1])
    with pytest.raises(ValueError, match="0 or 1"):
        cal.reliability([0.2, 0.3], [0, 2])
    with pytest.raises(ValueError, match="length"):
        cal.reliability([0.2, 0.3], [0])
