"""Proxy screening: flags on a known proxy, silence on independent features, reference implementations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats.contingency import association, crosstab
from sklearn.metrics import roc_auc_score

from auditkit.metrics.proxies import (
    _weighted_auc,
    binned,
    cramers_v,
    detect_proxies,
    discrete_mask,
    normalised_mutual_information,
    redundant_encoding,
)


@pytest.fixture(scope="module")
def sample():
    rng = np.random.default_rng(0)
    n = 3000
    a = np.where(rng.random(n) < 0.5, "female", "male")
    male = a == "male"
    X = np.column_stack([
        rng.normal(size=n),  # independent
        rng.poisson(1.0, n),  # independent, discrete
        np.where(male, 40.0, 30.0) + rng.normal(0, 6, n),  # strong proxy
        male.astype(float),  # the attribute's own column
    ])
    return X, a, ["income", "late", "hours", "sex_code"]


def test_known_proxy_is_flagged_and_independent_features_are_not(sample):
    X, a, names = sample
    report = detect_proxies(X, a, names, seed=3, exclude=["sex_code"], resamples=200)
    assert report.flagged == ["hours"]
    by = {f.feature: f for f in report.features}
    assert set(by) == {"income", "late", "hours"}  # the attribute's own column is left out
    assert by["hours"].nmi > 0.2 and by["hours"].cramers_v > 0.5
    assert by["income"].nmi < 0.05 and by["late"].cramers_v < 0.3 and by["late"].discrete
    enc = report.encoding
    assert enc.level == "strong" and enc.auc_ci[0] < enc.auc < enc.auc_ci[1]
    assert enc.credo_score == pytest.approx(2 * enc.auc - 1)
    again = detect_proxies(X, a, names, seed=3, exclude=["sex_code"], resamples=200)
    assert again == report  # seeded: identical


def test_cramers_v_equals_scipy_and_nmi_of_a_copy_is_one(sample):
    X, a, _ = sample
    codes = binned(X[:, 2], 10)
    assert np.unique(codes).size == 10
    table = crosstab(codes, a).count
    assert cramers_v(codes, a) == pytest.approx(association(table, method="cramer"))
    assert np.isnan(cramers_v(np.zeros(10), np.arange(10) % 2))
    copy = (a == "male").astype(float)[:, None]
    assert normalised_mutual_information(copy, a, discrete=np.array([True]))[0] == pytest.approx(1.0, abs=1e-6)


def test_discrete_mask():
    X = np.column_stack([np.arange(100) % 3, np.linspace(0, 1, 100), np.arange(100)])
    assert discrete_mask(X).tolist() == [True, False, False]


def test_weighted_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 400)
    s = np.round(rng.normal(size=400) + y, 1)
    assert _weighted_auc(s, y == 1, np.ones((1, 400)))[0] == pytest.approx(roc_auc_score(y, s))
    w = rng.integers(0, 3, (1, 400)).astype(float)
    ref = roc_auc_score(np.repeat(y, w[0].astype(int)), np.repeat(s, w[0].astype(int)))
    assert _weighted_auc(s, y == 1, w)[0] == pytest.approx(ref)


def test_three_values_use_macro_one_vs_rest_and_none_when_a_class_is_tiny():
    rng = np.random.default_rng(4)
    a = rng.integers(0, 3, 900)
    X = np.column_stack([a + rng.normal(0, 0.8, 900), rng.normal(size=900)])
    enc = redundant_encoding(X, a, seed=0, resamples=100)
    assert enc is not None and 0.7 < enc.auc < 0.95
    assert redundant_encoding(X[:10], np.array([0] * 8 + [1, 1]), seed=0) is None


def test_weak_links_are_rejected_with_the_reason_and_a_strong_proxy_is_accepted():
    """The German-Credit failure mode of issue #11: three weak correlates of sex on 400 rows are not proxies."""
    from scipy.stats import norm

    rng = np.random.default_rng(1)
    n = 400
    male = rng.random(n) < 0.5
    d = np.sqrt(2) * norm.ppf(0.6)  # each feature alone predicts sex with AUC ≈ 0.6
    X = np.column_stack([
        np.round(35 + 11 * (rng.normal(size=n) + d * male)),  # age
        np.round(20 + 12 * (rng.normal(size=n) + d * male)),  # duration
        1 + (rng.random(n) < np.where(male, 0.25, 0.10)),  # n_liable
        np.clip(rng.normal(np.where(male, 40.0, 30.0), 6.0), 6.0, 70.0),  # hours: a real proxy
    ])
    names = ["age", "duration", "n_liable", "hours"]
    report = detect_proxies(X, np.where(male, "male", "female"), names, seed=0, resamples=100)
    assert report.encoding.auc > 0.75
    assert report.flagged == ["hours"]
    by = {f.feature: f for f in report.features}
    hours = by["hours"]
    assert hours.significant and hours.strong and hours.strength_ci[0] >= 0.3 and hours.why.startswith("proxy")
    assert hours.reasons and hours.columns == ("hours",)
    for name in ("age", "duration", "n_liable"):
        f = by[name]
        assert not f.flagged and f.reasons == () and f.why.startswith("rejected")
        assert f.strength_ci[0] < 0.3 and f.strength_ci[0] <= f.cramers_v <= f.strength_ci[1]
    assert {f.feature for f in report.rejected} == {"age", "duration", "n_liable"}


def test_association_test_matches_scipy_and_its_interval_inverts_the_noncentral_chi2():
    from scipy.stats import chi2_contingency, ncx2

    from auditkit.metrics.proxies import association_test

    rng = np.random.default_rng(5)
    a = rng.integers(0, 2, 2000)
    x = np.where(rng.random(2000) < 0.3, a, rng.integers(0, 3, 2000))
    p, v, (lo, hi) = association_test(x, a, 0.95)
    table = crosstab(x, a).count
    stat, p_ref, df, _ = chi2_contingency(table, correction=False)
    assert p == pytest.approx(p_ref) and v == pytest.approx(association(table, method="cramer"))
    assert ncx2.cdf(stat, df, lo**2 * 2000) == pytest.approx(0.975, abs=1e-6)
    assert ncx2.cdf(stat, df, hi**2 * 2000) == pytest.approx(0.025, abs=1e-6)
    # no association: the lower bound is 0 and the test does not reject
    p0, _, (lo0, _) = association_test(rng.integers(0, 3, 2000), a, 0.95)
    assert p0 > 0.05 and lo0 == 0.0


def test_one_hot_block_is_one_candidate_and_holm_counts_every_candidate():
    rng = np.random.default_rng(2)
    n = 1500
    a = rng.integers(0, 2, n)
    probs = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.3, 0.3, 0.3]])
    country = np.array([rng.choice(4, p=probs[g]) for g in a])
    X = np.column_stack([np.eye(4)[country], rng.normal(size=n), rng.normal(size=n)])
    names = ["country_a", "country_b", "country_c", "country_d", "x1", "x2"]
    report = detect_proxies(X, a, names, seed=0, encoding=False)
    assert [f.feature for f in report.features] == ["x1", "x2", "country"]
    block = report.features[-1]
    assert block.kind == "one-hot block" and block.columns == tuple(names[:4]) and block.flagged
    assert report.flagged == ["country"] and report.columns_of("country") == tuple(names[:4])
    ps = np.array([f.p_value for f in report.features])
    order = np.argsort(ps)
    assert report.features[order[0]].p_holm == pytest.approx(min(1.0, 3 * ps[order[0]]))
    declared = detect_proxies(X, a, names, seed=0, encoding=False, groups={"noise": ["x1", "x2"]})
    assert [f.feature for f in declared.features] == ["noise", "country"]
    assert declared.features[0].kind == "declared group" and not declared.features[0].flagged
