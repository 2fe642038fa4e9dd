"""Intervals, verdict logic and multiple-testing correction (methods.md C6)."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.metrics import stats
from auditkit.results import Status


def test_wilson_matches_statsmodels_and_edge_cases():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (3, 10), (10, 10), (45, 300)]:
        lo, hi = stats.wilson_interval(k, n, 0.95)
        ref = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert (float(lo), float(hi)) == pytest.approx(ref)
    lo, hi = stats.wilson_interval(0, 0, 0.95)
    assert np.isnan(lo) and np.isnan(hi)


@pytest.mark.parametrize(
    ("low", "high", "thr", "cmp", "expected"),
    [
        (0.02, 0.08, 0.1, "<=", Status.PASS),
        (0.12, 0.20, 0.1, "<=", Status.FAIL),
        (0.05, 0.15, 0.1, "<=", Status.INCONCLUSIVE),
        (0.85, 0.95, 0.8, ">=", Status.PASS),
        (0.50, 0.70, 0.8, ">=", Status.FAIL),
        (0.75, 0.90, 0.8, ">=", Status.INCONCLUSIVE),
        (None, None, 0.8, ">=", Status.INCONCLUSIVE),
    ],
)
def test_interval_verdict(low, high, thr, cmp, expected):
    assert stats.interval_verdict(low, high, thr, cmp) is expected


def test_point_estimate_inside_but_interval_across_is_inconclusive():
    # value 0.09 <= 0.1, but the interval reaches 0.13: not shown to pass
    assert stats.interval_verdict(0.05, 0.13, 0.1, "<=") is Status.INCONCLUSIVE


def test_holm_by_hand():
    p = [0.01, 0.04, 0.03, 0.20]
    # sorted: .01 .03 .04 .20 ; m=4 -> 4*.01=.04, 3*.03=.09, 2*.04=.08->max(.09)=.09, 1*.2=.2
    assert stats.adjust_pvalues(p, "holm") == pytest.approx([0.04, 0.09, 0.09, 0.20])
    assert stats.adjust_pvalues(p, "bonferroni") == pytest.approx([0.04, 0.16, 0.12, 0.80])
    assert stats.adjust_pvalues(p, "none") == p
    with pytest.raises(ValueError, match="unknown correction"):
        stats.adjust_pvalues(p, "sidak")


def test_combine_verdicts_never_passes_on_nothing():
    assert stats.combine_verdicts([]) is Status.INCONCLUSIVE
    assert stats.combine_verdicts([Status.PASS, None, Status.PASS]) is Status.PASS
    assert stats.combine_verdicts([Status.PASS, Status.INCONCLUSIVE]) is Status.INCONCLUSIVE
    assert stats.combine_verdicts([Status.INCONCLUSIVE, Status.FAIL]) is Status.FAIL


def test_derive_seed_is_stable_and_distinct():
    assert stats.derive_seed(7, "a", "performance") == stats.derive_seed(7, "a", "performance")
    assert stats.derive_seed(7, "a", "performance") != stats.derive_seed(7, "b", "performance")
    assert stats.derive_seed(7, "a") != stats.derive_seed(8, "a")


def test_covering_widens_a_bootstrap_interval_to_contain_a_bounded_estimate():
    from auditkit.metrics.fairness import bootstrap_counts, fairness_metrics
    from auditkit.metrics.stats import covering, percentile_interval

    # two groups with exactly equal selection rates: the spread is 0, and every resample's spread is >= 0
    counts = np.array([[1200, 800, 900, 1100], [1200, 800, 900, 1100]], dtype=np.int64)
    point = fairness_metrics(counts)["demographic_parity_difference"]
    boot = fairness_metrics(bootstrap_counts(counts, 500, np.random.default_rng(0)))["demographic_parity_difference"]
    lo, hi = percentile_interval(boot, 0.95)
    assert point == 0 and lo > 0  # the raw percentile interval excludes its own estimate
    c_lo, c_hi = covering(lo, hi, point)
    assert c_lo == 0 and c_hi == hi
    assert covering(np.float64(0.2), np.float64(0.4), np.float64(0.3)) == (0.2, 0.4)  # inside: unchanged


def test_holm_matches_statsmodels_with_ties_nans_free_and_clipping():
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(4)
    for p in (rng.uniform(0, 0.2, 17), np.array([0.5, 0.01, 0.01, 0.9, 0.3]), np.array([0.04])):
        ref = multipletests(p, alpha=0.05, method="holm")[1]
        assert stats.adjust_pvalues(p, "holm") == pytest.approx(list(ref))
