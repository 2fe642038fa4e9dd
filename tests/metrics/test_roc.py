"""ROC AUC, its DeLong / score interval, Gini and score distributions on cases with known answers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import norm

from auditkit.metrics.roc import (
    delong_components,
    gini,
    roc_auc,
    roc_auc_by_group,
    score_distribution,
    score_interval,
)


def test_hand_computed_auc_with_ties():
    # positives 0.5, 0.7; negatives 0.3, 0.5: pairs (0.5>0.3)=1, (0.5=0.5)=½, (0.7>0.3)=1, (0.7>0.5)=1 → 3.5/4
    e = roc_auc([0.3, 0.5, 0.5, 0.7], [0, 0, 1, 1], 0.95)
    assert e.auc == pytest.approx(0.875)
    assert (e.positives, e.negatives, e.n) == (2, 2, 4)
    assert e.ci_low <= e.auc <= e.ci_high <= 1.0


def test_every_score_tied_gives_one_half():
    e = roc_auc(np.full(10, 0.4), [0, 1] * 5, 0.95)
    assert e.auc == pytest.approx(0.5)


def test_delong_variance_equals_its_pairwise_definition():
    """The mid-rank components equal the O(m·n) kernel ψ(x, y) = 1[x > y] + ½·1[x = y] averaged per row."""
    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, 60)
    s = np.round(rng.normal(y * 0.7, 1.0), 1)  # rounded: many ties
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    auc, v10, v01 = delong_components(s, y)
    assert auc == pytest.approx(psi.mean())
    assert v10 == pytest.approx(psi.mean(axis=1)) and v01 == pytest.approx(psi.mean(axis=0))
    var = np.var(psi.mean(axis=1), ddof=1) / pos.size + np.var(psi.mean(axis=0), ddof=1) / neg.size
    e = roc_auc(s, y, 0.9)
    half = norm.ppf(0.95) * np.sqrt(var)
    assert e.method == "delong" and (e.ci_low, e.ci_high) == pytest.approx((auc - half, auc + half))


def test_matches_sklearn_on_continuous_scores():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 400)
    s = rng.normal(y * 1.0, 1.0)
    assert roc_auc(s, y, 0.95).auc == pytest.approx(roc_auc_score(y, s))


def test_perfect_separation_is_one_with_a_finite_sample_lower_bound():
    y = np.r_[np.zeros(50), np.ones(50)]
    s = np.r_[np.linspace(0.0, 0.4, 50), np.linspace(0.6, 1.0, 50)]
    e = roc_auc(s, y, 0.95)
    assert e.auc == 1.0 and e.ci_high == 1.0 and e.method == "score"
    assert 0.9 < e.ci_low < 1.0  # not the zero-width interval DeLong's variance would give
    small = roc_auc(s[45:55], y[45:55], 0.95)  # 5 and 5 rows: a much wider interval
    assert small.auc == 1.0 and small.ci_low < e.ci_low
    reversed_ = roc_auc(1 - s, y, 0.95)
    assert reversed_.auc == 0.0 and reversed_.ci_low == 0.0 and 0.0 < reversed_.ci_high < 0.1


def test_score_interval_solves_its_equation():
    """At each bound θ: (AUC − θ)² = z²·V(θ) with Newcombe's variance (N* = (m + n)/2)."""
    m, n, auc, conf = 20, 30, 0.8, 0.95
    lo, hi = score_interval(auc, m, n, conf)
    z2 = norm.ppf(0.975) ** 2
    star = (m + n) / 2

    def v(t):
        return t * (1 - t) / (m * n) * (1 + (star - 1) * ((1 - t) / (2 - t) + t / (1 + t)))

    assert lo < auc < hi
    assert (auc - lo) ** 2 == pytest.approx(z2 * v(lo)) and (hi - auc) ** 2 == pytest.approx(z2 * v(hi))


def test_random_scores_on_a_large_sample_cover_one_half():
    rng = np.random.default_rng(2024)
    y = rng.integers(0, 2, 20_000)
    e = roc_auc(rng.random(20_000), y, 0.95)
    assert e.ci_low < 0.5 < e.ci_high and e.ci_high - e.ci_low < 0.02


def test_gini_is_twice_auc_minus_one_with_the_interval_mapped():
    assert gini(0.5) == 0.0 and gini(1.0) == 1.0 and gini(0.0) == -1.0 and gini(0.75) == pytest.approx(0.5)
    e = roc_auc([0.3, 0.5, 0.5, 0.7], [0, 0, 1, 1], 0.95)
    assert e.gini == pytest.approx((2 * e.auc - 1, 2 * e.ci_low - 1, 2 * e.ci_high - 1))


def test_a_missing_class_leaves_the_auc_undefined():
    e = roc_auc([0.1, 0.9], [1, 1], 0.95)
    assert np.isnan(e.auc) and np.isnan(e.ci_low) and e.method == "" and e.positives == 2


def test_auc_by_group():
    s = np.array([0.1, 0.9, 0.2, 0.8, 0.7, 0.3])
    y = np.array([0, 1, 0, 1, 0, 1])
    codes = np.array([0, 0, 0, 0, 1, 1])
    got = roc_auc_by_group(s, y, codes, 2, 0.95)
    assert [e.auc for e in got] == [1.0, 0.0]


def test_score_distribution_shares_per_group():
    s = np.array([0.0, 0.04, 0.05, 0.99, 1.0, 0.5])
    codes = np.array([0, 0, 0, 0, 1, 1])
    centres, shares = score_distribution(s, codes, 3, bins=20)
    assert centres[0] == pytest.approx(0.025) and centres[-1] == pytest.approx(0.975) and centres.size == 20
    assert shares[0, 0] == pytest.approx(0.5) and shares[0, 1] == pytest.approx(0.25)
    assert shares[0, 19] == pytest.approx(0.25)  # 0.99 in the last bin
    assert shares[1, 19] == pytest.approx(0.5) and shares[1, 10] == pytest.approx(0.5)  # 1.0 in the last bin too
    assert np.nansum(shares[:2], axis=1) == pytest.approx([1.0, 1.0]) and np.isnan(shares[2]).all()
