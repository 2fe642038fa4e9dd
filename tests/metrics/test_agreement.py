"""Agreement metrics on hand-made attribution vectors (methods.md B1, B2, B6)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from auditkit.metrics import agreement as agr

# Two explanations of one instance over 5 features.
#   |a| order: f0 (0.9), f2 (0.7), f4 (0.4), f1 (0.2), f3 (0.1)
#   |b| order: f2 (0.8), f0 (0.6), f1 (0.5), f3 (0.3), f4 (0.05)
A = np.array([0.9, -0.2, 0.7, 0.1, -0.4])
B = np.array([0.6, 0.5, -0.8, 0.3, 0.05])


def test_top_k_metrics_equal_hand_computation():
    out = agr.instance_agreement(A, B, k=2)
    # top2(a) = {f0, f2}, top2(b) = {f2, f0}: both features shared; ranks swapped; f0 same sign, f2 not.
    assert out["feature_agreement"][0] == pytest.approx(1.0)
    assert out["rank_agreement"][0] == pytest.approx(0.0)
    assert out["sign_agreement"][0] == pytest.approx(0.5)
    assert out["signed_rank_agreement"][0] == pytest.approx(0.0)
    # FA* = (FA − k/d) / (1 − k/d) = (1 − 0.4) / 0.6
    assert out["feature_agreement_star"][0] == pytest.approx(1.0)
    out3 = agr.instance_agreement(A, B, k=3)
    # top3(a) = {f0, f2, f4}, top3(b) = {f2, f0, f1}: T = {f0, f2}; no rank equal; signs: f0 equal
    assert out3["feature_agreement"][0] == pytest.approx(2 / 3)
    assert out3["rank_agreement"][0] == pytest.approx(0.0)
    assert out3["sign_agreement"][0] == pytest.approx(1 / 3)
    assert out3["feature_agreement_star"][0] == pytest.approx((2 / 3 - 3 / 5) / (1 - 3 / 5))


def test_rank_correlation_and_pairwise_rank_agreement_by_hand():
    out = agr.instance_agreement(A, B, k=2)
    # dense ranks of -|E|: a → [1, 4, 2, 5, 3]; b → [2, 3, 1, 4, 5]
    ra, rb = np.array([1, 4, 2, 5, 3.0]), np.array([2, 3, 1, 4, 5.0])
    assert out["rank_correlation"][0] == pytest.approx(np.corrcoef(ra, rb)[0, 1])
    assert out["rank_correlation"][0] == pytest.approx(0.6)  # deviations (−2,1,−1,2,0)·(−1,0,−2,1,2) = 6; 6/10
    # pairs (i<j) ordered alike: count by hand over the 10 pairs
    agree = sum((ra[i] < ra[j]) == (rb[i] < rb[j]) for i, j in itertools.combinations(range(5), 2))
    assert agree == 7
    assert out["pairwise_rank_agreement"][0] == pytest.approx(0.7)


def test_ties_share_a_dense_rank():
    a = np.array([[0.5, 0.5, 0.1, 0.0]])
    b = np.array([[0.5, 0.2, 0.2, 0.0]])
    np.testing.assert_array_equal(agr.dense_ranks(a), [[1, 1, 2, 3]])
    # pairs: (0,1) a tie → "not greater" both ways; b says 0 > 1 → disagree. Others agree except (1,2)? a: 1>2,
    # b: tie → not greater → disagree. Remaining 4 pairs agree.
    assert agr.pairwise_rank_agreement(a, b)[0] == pytest.approx(4 / 6)
    # top-k ties break by feature order: feature 0 before feature 1
    assert agr.magnitude_order(a)[0, :2].tolist() == [0, 1]


def test_rank_correlation_matches_openxai_formula_on_random_vectors():
    from scipy.stats import pearsonr, rankdata

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(20, 9)), rng.normal(size=(20, 9))
    a[0, 3] = a[0, 4] = 0.5  # a tie
    got = agr.rank_correlation(a, b)
    for i in range(20):
        ref = pearsonr(rankdata(-np.abs(a[i]), method="dense"), rankdata(-np.abs(b[i]), method="dense"))[0]
        assert got[i] == pytest.approx(ref)


def test_identical_and_reversed_explanations():
    e = np.array([[3.0, -2.0, 1.0, 0.5, 0.25]])
    same = agr.instance_agreement(e, e, k=2)
    assert all(same[m][0] == pytest.approx(1.0) for m in agr.AGREEMENT_METRICS)
    rev = agr.instance_agreement(e, e[:, ::-1].copy(), k=2)
    assert rev["rank_correlation"][0] == pytest.approx(-1.0)
    assert rev["pairwise_rank_agreement"][0] == pytest.approx(0.0)
    assert rev["feature_agreement"][0] == pytest.approx(0.0)
    assert rev["feature_agreement_star"][0] == pytest.approx(-2 / 3)  # below chance


def test_padding_and_short_instances():
    nan = np.nan
    a = np.array([[0.3, 0.2, 0.1, nan], [0.5, 0.1, nan, nan]])
    b = np.array([[0.1, 0.2, 0.3, nan], [0.4, 0.3, nan, nan]])
    out = agr.instance_agreement(a, b, k=2)
    assert out["feature_agreement"][0] == pytest.approx(0.5)  # {0,1} vs {2,1}
    assert np.isnan(out["feature_agreement"][1])  # 2 words, k = 2: trivial, undefined
    assert out["pairwise_rank_agreement"][1] == pytest.approx(1.0)
    assert agr.rank_correlation(a[1:], b[1:])[0] == pytest.approx(1.0)  # padding ignored
    assert np.isnan(agr.rank_correlation(np.array([[0.2, nan]]), np.array([[0.1, nan]]))[0])  # one feature
    levels = agr.chance_levels(2, 5)
    assert levels["feature_agreement"] == pytest.approx(0.4) and levels["pairwise_rank_agreement"] == 0.5
    assert agr.chance_corrected(0.7, 0.4) == pytest.approx(0.5)


def test_fleiss_kappa_matches_statsmodels_and_hand_value():
    from statsmodels.stats.inter_rater import aggregate_raters, fleiss_kappa

    # 4 instances × 3 methods: "protected attribute in the top k"
    ratings = np.array([[1, 1, 1], [0, 0, 0], [1, 0, 1], [0, 0, 1]])
    # P_i: 1, 1, 1/3, 1/3 → P̄ = 2/3; p1 = 6/12 → P̄e = 0.5; κ = (2/3 − 1/2) / (1/2) = 1/3
    assert agr.fleiss_kappa(ratings) == pytest.approx(1 / 3)
    rng = np.random.default_rng(0)
    many = rng.integers(0, 2, size=(50, 4))
    assert agr.fleiss_kappa(many) == pytest.approx(fleiss_kappa(aggregate_raters(many)[0]))
    assert np.isnan(agr.fleiss_kappa(np.ones((5, 3))))  # one category only: undefined


def test_share_and_top_k_of_a_feature():
    e = np.array([[0.5, -0.3, 0.2], [0.0, 0.0, 0.0]])
    share = agr.attribution_share(e, 1)
    assert share[0] == pytest.approx(0.3) and np.isnan(share[1])
    assert agr.in_top_k(e, 1, 2).tolist() == [True, True]
    assert agr.in_top_k(e, 2, 2).tolist() == [False, False]


def test_bootstrap_means_and_statistic():
    rng = np.random.default_rng(0)
    const = np.full((30, 2), 0.7)
    point, lo, hi = agr.bootstrap_means(const, 200, 0.95, rng)
    np.testing.assert_allclose([point, lo, hi], 0.7)
    values = rng.normal(size=400)
    values[:5] = np.nan
    p, lo, hi = agr.bootstrap_means(values, 1000, 0.95, rng)
    assert p == pytest.approx(np.nanmean(values))
    assert lo < p < hi and hi - lo == pytest.approx(2 * 1.96 * np.nanstd(values) / np.sqrt(395), rel=0.2)
    s, slo, shi = agr.bootstrap_statistic(lambda idx: float(np.mean(idx >= 0)), 10, 50, 0.95, rng)
    assert (s, slo, shi) == (1.0, 1.0, 1.0)


def test_self_agreement_of_identical_runs_is_one():
    run = np.random.default_rng(0).normal(size=(6, 7))
    ceiling = agr.self_agreement([run, run.copy(), run.copy()], k=3)
    assert all(v == pytest.approx(1.0) for v in ceiling.values())
    assert np.isnan(agr.self_agreement([run], k=3)["rank_correlation"])
