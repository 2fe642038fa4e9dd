"""The input-space intervention of prohibited_feature_use, on models whose answer is known in closed form."""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from auditkit.counterfactual.intervention import input_intervention, text_intervention
from auditkit.counterfactual.lexicon import Lexicon, LexiconRow, check_conflicts
from auditkit.counterfactual.refit import MappingSpec
from auditkit.counterfactual.tabular import AttributeInputs, attribute_inputs

SHIFT = 1.5  # the proxy's structural dependence on A: proxy = 1.5 A + N(0, 1)


class ThresholdAdapter:
    """Favourable when ``w · x ≥ c``; scores are the indicator itself (a deterministic step model)."""

    decision_threshold = 0.5

    def __init__(self, w: np.ndarray, c: float) -> None:
        self.w, self.c = np.asarray(w, dtype=np.float64), c

    def predict(self, inputs, *, batch_size=None):
        return (np.asarray(inputs, dtype=np.float64) @ self.w >= self.c).astype(np.float64)

    def decide(self, scores):
        return (np.asarray(scores) >= self.decision_threshold).astype(np.int8)


def _data(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, n)
    X = np.column_stack([rng.normal(size=n), SHIFT * a + rng.normal(size=n)]).astype(np.float32)
    return X, a


def _run(adapter, X, a, *, seed: int = 0):
    rows = np.arange(len(a))
    fit, ev = rows[: len(rows) // 2], rows[len(rows) // 2:]
    spec = MappingSpec(proxies=(1,), kinds=("continuous",), blocks=(), patterns=(), names=("x", "proxy"))
    absent = AttributeInputs(("f", "m"), (), np.zeros((2, 0), dtype=np.float32), "absent")
    decisions = adapter.decide(adapter.predict(X))
    return input_intervention(adapter, X, a, 2, absent, spec, fit_rows=fit, eval_rows=ev, decisions=decisions,
                              moved=["proxy"], resamples=200, placebo_draws=20, level=0.95,
                              rng=np.random.default_rng(seed), random_keys=False)


def test_flip_rate_of_a_proxy_threshold_model_matches_the_closed_form():
    """Decision 1[proxy ≥ c]: moving A=0 rows up by 1.5 flips P(c − 1.5 ≤ proxy < c | A=0) = Φ(c) − Φ(c − 1.5);
    moving A=1 rows (proxy ~ N(1.5, 1)) down flips P(c ≤ proxy < c + 1.5 | A=1), the same number."""
    c = 1.2
    X, a = _data(40_000, seed=3)
    out = _run(ThresholdAdapter([0.0, 1.0], c), X, a)
    truth = norm.cdf(c) - norm.cdf(c - SHIFT)
    assert out.ci[0] <= truth <= out.ci[1], (out, truth)
    assert abs(out.flip_rate - truth) < 0.01
    # the placebo moves the proxy by chance mean differences only (≈ 0.01): it flips almost nothing
    assert out.placebo_p95 < 0.02 < out.ci[0]
    assert out.n == 20_000 and out.moved == ("proxy",)


def test_a_model_that_ignores_the_proxy_is_never_moved():
    X, a = _data(4_000, seed=4)
    out = _run(ThresholdAdapter([1.0, 0.0], 0.3), X, a)
    assert out.flip_rate == 0.0 and out.ci[0] == 0.0 and out.ci[1] < 0.002
    assert out.placebo_p95 == 0.0


def test_own_column_is_flipped_and_the_placebo_leaves_it_alone():
    """A direct model 1[s ≥ 0.5] on the attribute's own column: every row flips; the placebo moves nothing."""
    rng = np.random.default_rng(5)
    s = rng.integers(0, 2, 2_000)
    X = np.column_stack([rng.normal(size=s.size), s]).astype(np.float32)
    adapter = ThresholdAdapter([0.0, 1.0], 0.5)
    inputs = attribute_inputs(X, ["x", "sex"], "sex", np.where(s == 1, "m", "f"), ["f", "m"])
    spec = MappingSpec(proxies=(), kinds=(), blocks=(), patterns=(), names=("x", "sex"))
    rows = np.arange(s.size)
    out = input_intervention(adapter, X, s, 2, inputs, spec, fit_rows=rows[:1000], eval_rows=rows[1000:],
                             decisions=adapter.decide(adapter.predict(X)), moved=["sex"], resamples=50,
                             placebo_draws=10, level=0.95, rng=np.random.default_rng(0), random_keys=False)
    assert out.flip_rate == 1.0 and out.placebo_p95 == 0.0


def test_text_substitution_flips_exactly_the_texts_the_rule_reads():
    """A model favourable iff a text says 'he': swapping she↔he flips every text that has either word."""

    class HeAdapter:
        decision_threshold = 0.5

        def predict(self, inputs, *, batch_size=None):
            return np.array([1.0 if " he " in f" {t.lower()} " else 0.0 for t in inputs])

        def decide(self, scores):
            return (np.asarray(scores) >= 0.5).astype(np.int8)

    lexicon = Lexicon(name="g", values=("female", "male"),
                      rows=(LexiconRow(terms=("she", "he"), context="", origin="g.tsv:1"),), files=("g.tsv",))
    check_conflicts(lexicon)
    texts = ["she is a nurse .", "he is a nurse .", "the nurse is here .", "she said he left ."]
    adapter = HeAdapter()
    decisions = adapter.decide(adapter.predict(texts))
    out = text_intervention(adapter, texts, lexicon, eval_rows=np.arange(4), decisions=decisions, level=0.95)
    # texts 0 and 1 have a clear value and flip; text 2 mentions neither, text 3 both (no clear value)
    assert out is not None and out.n == 2 and out.flip_rate == 1.0 and out.placebo_p95 is None
