"""Faithfulness and sanity metrics on hand-made numbers (methods.md B3)."""

from __future__ import annotations

import numpy as np
import pytest

from auditkit.metrics import faithfulness as fth


def test_removal_order_follows_the_direction_of_the_score():
    phi = np.array([[0.5, -2.0, 1.0], [0.5, -2.0, 1.0]])
    # instance 0 scores above its baseline: positive evidence first; instance 1 below: negative first
    order = fth.removal_order(phi, direction=np.array([1.0, -1.0]))
    assert order[0].tolist() == [2, 0, 1]
    assert order[1].tolist() == [1, 0, 2]
    padded = np.array([[0.1, np.nan, 0.3]])
    assert fth.removal_order(padded).tolist() == [[2, 0, 1]]  # invalid last


def test_counts_and_masks():
    counts = fth.removal_counts(np.array([4, 10]), np.array([0.0, 0.01, 0.5, 1.0]))
    assert counts.tolist() == [[0, 1, 2, 4], [0, 1, 5, 10]]  # at least one feature for a positive fraction
    masks = fth.removal_masks(np.array([[2, 0, 1]]), np.array([[0, 1, 3]]))
    assert masks.tolist() == [[[False, False, False], [False, False, True], [True, True, True]]]


def test_random_orders_keep_invalid_features_last():
    valid = np.array([[True, True, False, True]])
    orders = fth.random_orders(np.random.default_rng(0), valid, repeats=20)
    assert orders.shape == (20, 1, 4)
    assert (orders[:, 0, -1] == 2).all()
    assert len({tuple(o[0]) for o in orders}) > 1


def test_oriented_curves_and_auc():
    scores = np.array([[3.0, 2.0, 1.0], [-2.0, 0.0, 1.0]])
    full, empty = np.array([3.0, -2.0]), np.array([1.0, 1.0])
    curves = fth.orient_curves(scores, full, empty)
    np.testing.assert_allclose(curves[0], [2.0, 1.0, 0.0])  # above the baseline: from |Δ| = 2 down to 0
    np.testing.assert_allclose(curves[1], [3.0, 1.0, 0.0])  # below it: the same orientation
    fractions = np.array([0.0, 0.5, 1.0])
    np.testing.assert_allclose(fth.curve_auc(fractions, curves), [1.0, 1.25])
    assert fth.curve_auc(fractions, np.array([1.0, 0.0, 0.0])) == pytest.approx(0.25)
    # the mean curve over instances, scaled by the mean |Δ| = 2.5: 1 at the full input, 0 at the reference
    np.testing.assert_allclose(fth.mean_normalised_curve(curves, full, empty), [1.0, 0.4, 0.0])


def test_relative_gain_against_random_orders():
    # deletion: method AUC 0.2, random 0.5 → (0.5 − 0.2) / 0.5
    assert fth.relative_gain(np.array([0.1, 0.3]), np.array([0.5, 0.5]), higher_is_better=False) == pytest.approx(0.6)
    # insertion: method 0.8, random 0.5 → (0.8 − 0.5) / 0.5
    assert fth.relative_gain(np.array([0.8]), np.array([0.5]), higher_is_better=True) == pytest.approx(0.6)
    assert np.isnan(fth.relative_gain(np.array([0.8]), np.array([0.0]), higher_is_better=True))


def test_eraser_comprehensiveness_sufficiency_and_aopc():
    full = np.array([0.9, 0.8])
    without = np.array([[0.7, 0.5, 0.3, 0.2, 0.1], [0.8, 0.8, 0.7, 0.6, 0.5]])
    comp = fth.comprehensiveness(full, without)
    np.testing.assert_allclose(comp[0], [0.2, 0.4, 0.6, 0.7, 0.8])
    # AOPC over {0} ∪ B: the 0 % term is 0 for comprehensiveness
    assert fth.aopc(comp)[0] == pytest.approx((0.2 + 0.4 + 0.6 + 0.7 + 0.8) / 6)
    only = np.array([[0.4, 0.6, 0.8, 0.85, 0.9]])
    suff = fth.sufficiency(full[:1], only)
    assert fth.aopc(suff, at_zero=0.9 - 0.1)[0] == pytest.approx((0.5 + 0.3 + 0.1 + 0.05 + 0.0 + 0.8) / 6)
    # the predicted class's score: unfavourable decisions read the logit (or probability) the other way
    s = fth.predicted_class_scores(np.array([2.0, -1.0]), np.array([1, 0]), "logit")
    np.testing.assert_allclose(s, [2.0, 1.0])
    p = fth.predicted_class_scores(np.array([0.8, 0.3]), np.array([1, 0]), "probability")
    np.testing.assert_allclose(p, [0.8, 0.7])


def test_completeness_delta():
    delta, rel = fth.completeness(np.array([1.0, 0.5, 1e-9]), np.array([2.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(delta, [0.0, -0.5, 1e-9])
    np.testing.assert_allclose(rel, [0.0, 0.5, 0.0])  # a tiny |δ| on a flat instance counts as exact


def test_spearman_rows_matches_scipy():
    from scipy.stats import spearmanr

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(10, 8)), rng.normal(size=(10, 8))
    a[0, :3] = 1.0  # ties in |a|
    got = fth.spearman_rows(a, b)
    for i in range(10):
        assert got[i] == pytest.approx(spearmanr(np.abs(a[i]), np.abs(b[i]))[0])
    signed = fth.spearman_rows(a, b, absolute=False)
    assert signed[3] == pytest.approx(spearmanr(a[3], b[3])[0])
    assert fth.spearman_rows(a, a)[1] == pytest.approx(1.0)
    assert np.isnan(fth.spearman_rows(np.ones((1, 8)), b[:1])[0])  # constant row: undefined
    padded = np.array([[0.3, 0.1, np.nan, 0.2]])
    assert fth.spearman_rows(padded, np.array([[3.0, 1.0, 9.0, 2.0]]))[0] == pytest.approx(1.0)
