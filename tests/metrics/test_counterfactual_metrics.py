"""Pure counterfactual metrics against hand computations and reference implementations."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.contingency_tables import mcnemar
from statsmodels.stats.proportion import proportion_confint

from auditkit.metrics.counterfactual import (
    antisymmetry_gaps,
    ctf_gap,
    directional_counts,
    inv_failures,
    mcnemar_exact,
    min_pairs_zero_events,
    pair_effects,
    pair_matrix,
    paired_bootstrap_means,
    pairs_needed_for_mean,
    pairs_needed_for_rate,
    proportion_interval,
    tost_level,
)


@pytest.mark.parametrize(("k", "n"), [(0, 50), (3, 50), (50, 50), (17, 299)])
def test_proportion_intervals_match_statsmodels(k, n):
    for method, sm in (("exact", "beta"), ("wilson", "wilson")):
        lo, hi = proportion_interval(k, n, 0.9, method)
        ref = proportion_confint(k, n, alpha=0.1, method=sm)
        assert (lo, hi) == pytest.approx(ref, abs=1e-9)
    assert np.isnan(proportion_interval(0, 0, 0.9)[0])


def test_zero_events_need_299_pairs_for_one_percent():
    level = tost_level(0.95)
    assert level == pytest.approx(0.90)
    assert proportion_interval(0, 100, level)[1] == pytest.approx(1 - 0.05 ** (1 / 100))
    assert min_pairs_zero_events(0.01, 0.95) == 299
    assert proportion_interval(0, 299, level)[1] < 0.01 < proportion_interval(0, 298, level)[1]
    assert pairs_needed_for_rate(0.0, 0.01, level) == 299


def test_pairs_needed_for_a_nonzero_rate_decides_at_that_size():
    level = 0.9
    n = pairs_needed_for_rate(0.004, 0.01, level)
    assert proportion_interval(round(0.004 * n), n, level)[1] < 0.01
    assert proportion_interval(round(0.004 * (n - 1)), n - 1, level)[1] >= 0.01
    above = pairs_needed_for_rate(0.03, 0.01, level)
    assert proportion_interval(round(0.03 * above), above, level)[0] > 0.01
    assert pairs_needed_for_rate(0.01, 0.01, level) is None
    assert pairs_needed_for_mean(0.005, (0.0, 0.02), 100, 0.01) == 400  # half-width 0.01 vs gap 0.005
    assert pairs_needed_for_mean(0.01, (0.0, 0.02), 100, 0.01) is None


def test_directional_counts_and_exact_mcnemar():
    y = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    y_cf = np.array([0, 0, 1, 1, 0, 0, 0, 0])
    assert directional_counts(y, y_cf) == (3, 1)
    ref = mcnemar([[1, 3], [1, 3]], exact=True).pvalue
    assert mcnemar_exact(3, 1) == pytest.approx(ref)
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 12) == pytest.approx(2 * 0.5**12)


def test_inv_failures_need_a_flip_and_a_large_move():
    s = np.array([0.55, 0.55, 0.9, 0.2])
    s_cf = np.array([0.46, 0.30, 0.2, 0.25])
    y, y_cf = (s >= 0.5).astype(int), (s_cf >= 0.5).astype(int)
    assert inv_failures(s, s_cf, y, y_cf, 0.1).tolist() == [False, True, True, False]


def test_pair_effects_by_hand():
    rng = np.random.default_rng(0)
    s = np.array([0.6, 0.7, 0.4, 0.2, 0.9, 0.55])
    s_cf = np.array([0.4, 0.7, 0.6, 0.2, 0.8, 0.46])
    y, y_cf = (s >= 0.5).astype(int), (s_cf >= 0.5).astype(int)
    e = pair_effects(s, s_cf, y, y_cf, level=0.9, resamples=500, rng=rng, inv_threshold=0.1)
    assert (e.n, e.flips, e.b, e.c) == (6, 3, 2, 1)
    assert e.flip_rate == pytest.approx(0.5)
    assert e.flip_rate_ci == pytest.approx(proportion_confint(3, 6, alpha=0.1, method="beta"))
    assert e.mean_change == pytest.approx(np.mean(s_cf - s))
    assert e.mean_abs_change == pytest.approx(np.mean(np.abs(s_cf - s)))
    assert e.mean_abs_change_ci[0] <= e.mean_abs_change <= e.mean_abs_change_ci[1]
    assert e.net_change == pytest.approx((1 - 2) / 6)
    assert e.max_abs_change == pytest.approx(0.2) and e.argmax == 0
    assert e.inv_failures == 2  # the 0.55 -> 0.46 flip moves by less than 0.1: not a failure
    assert e.mcnemar_p == pytest.approx(1.0)


def test_paired_bootstrap_is_seeded_paired_and_exact_for_constant_pairs():
    d = np.random.default_rng(1).normal(0.1, 0.05, 300)
    a = paired_bootstrap_means(np.column_stack([d, np.abs(d)]), resamples=400, level=0.9,
                               rng=np.random.default_rng(5))
    b = paired_bootstrap_means(np.column_stack([d, np.abs(d)]), resamples=400, level=0.9,
                               rng=np.random.default_rng(5))
    for x, z in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, z)
    _, lo, hi = a
    se = d.std(ddof=1) / np.sqrt(d.size)
    assert hi[0] - lo[0] == pytest.approx(2 * 1.645 * se, rel=0.2)
    zeros = paired_bootstrap_means(np.zeros((50, 2)), resamples=100, level=0.9, rng=np.random.default_rng(0))
    assert [x.tolist() for x in zeros] == [[0.0, 0.0]] * 3
    empty = paired_bootstrap_means(np.zeros((0, 1)), resamples=10, level=0.9, rng=np.random.default_rng(0))
    assert np.isnan(empty[0][0])


def test_ctf_gap_matrices_and_antisymmetry():
    s = np.array([0.5, 0.5, 0.2])
    s_cf = np.array([0.7, 0.3, 0.2])
    example = np.array([0, 0, 2])
    np.testing.assert_allclose(ctf_gap(s, s_cf, example, 4), [0.2, np.nan, 0.0, np.nan])
    m = pair_matrix({(0, 1): 0.3, (1, 0): -0.3, (0, 2): 0.1}, 3)
    assert np.isnan(m[0, 0]) and m[0, 1] == 0.3 and np.isnan(m[2, 0])
    gaps = antisymmetry_gaps(m)
    assert gaps[0, 1] == pytest.approx(0.0) and np.isnan(gaps[1, 0]) and np.isnan(gaps[0, 2])
    with pytest.raises(ValueError):
        tost_level(0.4)


def test_minimum_detectable_rate_is_the_least_rate_whose_exact_interval_clears_the_tolerance():
    from auditkit.metrics.counterfactual import maximum_passing_rate, minimum_detectable_rate

    mde = minimum_detectable_rate(400, 0.01, 0.90)
    assert mde == pytest.approx(9 / 400)
    assert proportion_interval(9, 400, 0.90)[0] > 0.01 >= proportion_interval(8, 400, 0.90)[0]
    assert maximum_passing_rate(400, 0.01, 0.90) == 0.0  # only zero flips pass at 400 pairs...
    assert maximum_passing_rate(200, 0.01, 0.90) == float("-inf")  # ...and nothing passes below 299
    big = maximum_passing_rate(5000, 0.01, 0.90)
    assert proportion_interval(round(big * 5000), 5000, 0.90)[1] < 0.01
    assert proportion_interval(round(big * 5000) + 1, 5000, 0.90)[1] >= 0.01
    assert minimum_detectable_rate(3, 0.5, 0.90) == float("inf")  # three pairs can never show > 50 %
    assert np.isnan(minimum_detectable_rate(0, 0.01, 0.90))
    # more pairs, smaller detectable effects, approaching the tolerance
    values = [minimum_detectable_rate(n, 0.01, 0.90) for n in (100, 1000, 10_000, 100_000)]
    assert np.all(np.diff(values) < 0) and values[-1] < 0.0112


def test_draws_are_averaged_per_pair():
    s = np.array([0.6, 0.4, 0.7, 0.2])
    s_cf = np.array([[0.4, 0.4, 0.7, 0.6], [0.6, 0.45, 0.7, 0.6]])  # pair 0 flips in one draw of two
    y, y_cf = (s >= 0.5).astype(int), (s_cf >= 0.5).astype(int)
    e = pair_effects(s, s_cf, y, y_cf, level=0.9, resamples=200, rng=np.random.default_rng(0))
    assert e.flip_rate == pytest.approx((0.5 + 0 + 0 + 1) / 4) and e.flips == 2  # round(1.5): banker's → 2
    assert e.mean_abs_change == pytest.approx(np.mean([0.1, 0.025, 0.0, 0.4]))
    assert e.mean_change == pytest.approx(np.mean([-0.1, 0.025, 0.0, 0.4]))
    single = pair_effects(s, s_cf[:1], y, y_cf[:1], level=0.9, resamples=200, rng=np.random.default_rng(0))
    plain = pair_effects(s, s_cf[0], y, y_cf[0], level=0.9, resamples=200, rng=np.random.default_rng(0))
    assert single == plain  # one draw is the plain computation
