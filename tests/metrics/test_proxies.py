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
