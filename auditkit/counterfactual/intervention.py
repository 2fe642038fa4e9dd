"""The input-space intervention on a protected attribute, with a placebo control (methods.md A2, C2).

``prohibited_feature_use`` asks whether a model *uses* an attribute. On a
hidden layer it answers by erasing the attribute (LEACE) and counting flipped
decisions; but a hidden layer can under-state what the inputs carry (ReLUs
gate a proxy's effect row by row, which no single direction of a layer
captures; in the validity grid, models whose true effect was 2–3.6 × the
tolerance flipped 0.4–1 % under erasure). The input-space intervention moves
the attribute where it enters the model:

* tabular: its own input columns are set to the other value's code
  (flip-only), and its accepted proxies move by the propagated
  counterfactual's within-group mapping (:mod:`auditkit.counterfactual.tabular`:
  mean shift, quantile map, or a categorical block redrawn as one), fitted on
  the *fit* rows and applied to the *evaluation* rows, every row moved to
  every other value;
* text: the attribute's lexicon terms are substituted
  (:mod:`auditkit.counterfactual.text`, methods.md C3) in every evaluation
  text whose value is clear.

Its flip rate is averaged over the other values and, where the mapping draws
random keys, over several draws. The interval bootstraps the whole estimator:
fit rows and evaluation rows are resampled within each value, the mapping is
refitted, the counterfactuals regenerated (percentile interval, never
narrower than the Wilson interval of the point estimate).

**Placebo control** (tabular). The same mapping on the same columns, fitted and applied
with the attribute's labels permuted (group sizes kept), the own columns left
alone: what the machinery flips when the labels carry nothing (chance mean
differences of the moved proxies). Use is shown only beyond its 95th
percentile. This is the input-space counterpart of the erasure's random
control: the same geometry (columns, mapping) without the attribute. A
lexicon substitution estimates nothing and changes only the attribute's own
words, so text has no placebo: a flip it causes is caused by those words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from auditkit.adapters.base import ModelAdapter
from auditkit.counterfactual.lexicon import Lexicon
from auditkit.counterfactual.refit import MappingSpec
from auditkit.counterfactual.sweep import predict_variants
from auditkit.counterfactual.tabular import AttributeInputs, fill_variant
from auditkit.counterfactual.text import Substituter, text_variants
from auditkit.metrics.stats import wilson_interval

#: Draws averaged for the point estimate when the mapping uses random keys (category redraws, quantile ties).
DRAWS = 5
#: Rows per ``predict`` call when resamples are stacked.
MAX_ROWS = 65_536


@dataclass(frozen=True)
class InputIntervention:
    """The attribute's counterfactual on the inputs: what moved, its flip rate and interval, the placebo's."""

    moved: tuple[str, ...]
    n: int
    flip_rate: float
    ci: tuple[float, float]
    placebo_p95: float | None
    placebo_median: float | None
    placebo_draws: int
    resamples: int
    method: str = "propagated counterfactual"

    @property
    def changed(self) -> float:
        """Decisions changed (averaged over target values and draws)."""
        return self.flip_rate * self.n


def _resample(rows: np.ndarray, group: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """``rows`` resampled with replacement within each value (the group sizes are the design's)."""
    parts = []
    for g in range(k):
        mine = rows[group[rows] == g]
        if mine.size:
            parts.append(mine[rng.integers(0, mine.size, mine.size)])
    return np.concatenate(parts) if parts else rows[:0]


class _Batch:
    """Stacks counterfactual variants of several estimates and scores them in few ``predict`` calls."""

    def __init__(self, adapter: ModelAdapter, X: np.ndarray, decisions: np.ndarray, k: int, present: set[int]
                 ) -> None:
        self.adapter, self.X, self.decisions, self.k = adapter, X, decisions, k
        self.present = present  # values with fit rows: only these can be mapped from or to
        self.parts: list[tuple[int, np.ndarray, np.ndarray, int]] = []  # (estimate, rows, variants, targets)
        self.size = 0
        self.changed: dict[int, float] = {}
        self.weight: dict[int, float] = {}

    def add(self, estimate: int, rows: np.ndarray, group: np.ndarray, inputs: AttributeInputs, maps: list,
            keys: Sequence[np.ndarray | None]) -> None:
        """Variants of ``rows`` (values ``group[rows]``) moved to every other value, once per key set."""
        self.weight[estimate] = self.weight.get(estimate, 0.0) + (
            np.isin(group[rows], list(self.present)).sum() * len(keys))
        targets = len(self.present) - 1
        for a in sorted(self.present):
            mine = rows[group[rows] == a]
            if not mine.size:
                continue
            for b in sorted(self.present - {a}):
                for key in keys:
                    out = np.array(self.X[mine], dtype=np.float32, copy=True)
                    fill_variant(out, self.X[mine], inputs, maps, a, b, mine,
                                 None if key is None else key[: mine.size])
                    self.parts.append((estimate, mine, out, targets))
                    self.size += mine.size
        if self.size >= MAX_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.parts:
            return
        variants = np.concatenate([p[2] for p in self.parts])
        decided = np.asarray(self.adapter.decide(np.asarray(predict_variants(self.adapter, variants))))
        at = 0
        for estimate, rows, _, targets in self.parts:
            flips = decided[at: at + rows.size] != self.decisions[rows]
            at += rows.size
            self.changed[estimate] = self.changed.get(estimate, 0.0) + float(flips.sum()) / targets
        self.parts, self.size = [], 0

    def rates(self, count: int) -> np.ndarray:
        """Flip rate of each estimate 0..count−1 (averaged over targets and key sets)."""
        self.flush()
        return np.array([self.changed.get(i, 0.0) / self.weight[i] if self.weight.get(i) else np.nan
                         for i in range(count)])


def input_intervention(
    adapter: ModelAdapter, X: np.ndarray, group: np.ndarray, k: int, inputs: AttributeInputs, spec: MappingSpec,
    *, fit_rows: np.ndarray, eval_rows: np.ndarray, decisions: np.ndarray, moved: Sequence[str],
    resamples: int, placebo_draws: int, level: float, rng: np.random.Generator, random_keys: bool,
) -> InputIntervention:
    """Flip rate of the attribute's input counterfactual on ``eval_rows``, its interval and the placebo control.

    ``group`` holds each row's value code (0..k−1); ``spec`` the proxies to
    move (fitted on ``fit_rows``); ``decisions`` the model's decisions on
    every row; ``random_keys`` whether the mapping draws random keys (then
    :data:`DRAWS` draws are averaged for the point estimate).
    """
    X = np.asarray(X, dtype=np.float32)
    present = {int(g) for g in np.unique(group[fit_rows])}
    if len(present) < 2:
        raise ValueError("the input intervention needs fit rows of at least two values")
    batch = _Batch(adapter, X, np.asarray(decisions), k, present)
    n_keys = DRAWS if random_keys else 1

    def keys(count: int) -> list[np.ndarray | None]:
        return [rng.random(eval_rows.size) for _ in range(count)] if random_keys else [None]

    batch.add(0, eval_rows, group, inputs, spec.fit(X, fit_rows, group, k), keys(n_keys))
    for r in range(1, resamples + 1):
        fit_r, eval_r = _resample(fit_rows, group, k, rng), _resample(eval_rows, group, k, rng)
        batch.add(r, eval_r, group, inputs, spec.fit(X, fit_r, group, k), keys(1))
    absent = AttributeInputs(inputs.values, (), np.zeros((k, 0), dtype=np.float32), "absent")
    for p in range(placebo_draws):
        fake = group.copy()
        fake[fit_rows] = rng.permutation(group[fit_rows])
        fake[eval_rows] = rng.permutation(group[eval_rows])
        batch.add(resamples + 1 + p, eval_rows, fake, absent, spec.fit(X, fit_rows, fake, k), keys(1))
    rates = batch.rates(resamples + 1 + placebo_draws)
    point, boot, placebo = float(rates[0]), rates[1: resamples + 1], rates[resamples + 1:]
    n = int(np.isin(group[eval_rows], list(present)).sum())
    lo, hi = wilson_interval(round(point * n), n, level)
    boot = boot[np.isfinite(boot)]
    if boot.size:
        tail = (1.0 - level) / 2.0
        b_lo, b_hi = np.quantile(boot, [tail, 1.0 - tail])
        lo, hi = min(lo, float(b_lo)), max(hi, float(b_hi))
    placebo = placebo[np.isfinite(placebo)]
    return InputIntervention(
        moved=tuple(moved), n=n, flip_rate=point, ci=(float(lo), float(hi)),
        placebo_p95=float(np.quantile(placebo, 0.95)) if placebo.size else 0.0,
        placebo_median=float(np.median(placebo)) if placebo.size else 0.0,
        placebo_draws=int(placebo.size), resamples=resamples)


def text_intervention(adapter: ModelAdapter, texts: Sequence[str], lexicon: Lexicon, *, eval_rows: np.ndarray,
                      decisions: np.ndarray, level: float) -> InputIntervention | None:
    """Flip rate of the lexicon substitution on the evaluation texts whose value is clear (None: no such text).

    Each text is rewritten into every other value (one ``predict`` call, texts
    batched by length); its flips are averaged over those values. The interval
    is Wilson's over the rewritten texts.
    """
    variants = text_variants([texts[i] for i in eval_rows], Substituter(lexicon))
    if not variants.texts:
        return None
    decided = np.asarray(adapter.decide(np.asarray(predict_variants(adapter, variants.texts))))
    original = np.asarray(decisions)[eval_rows[variants.example]]
    per_text = np.bincount(variants.example, minlength=len(eval_rows)).astype(np.float64)
    changed = np.bincount(variants.example, weights=(decided != original).astype(np.float64),
                          minlength=len(eval_rows))
    covered = per_text > 0
    n = int(covered.sum())
    share = float((changed[covered] / per_text[covered]).sum())
    lo, hi = wilson_interval(round(share), n, level)
    return InputIntervention(moved=(f"lexicon {lexicon.name}",), n=n, flip_rate=share / n, ci=(float(lo), float(hi)),
                             placebo_p95=None, placebo_median=None, placebo_draws=0, resamples=0,
                             method="lexicon substitution")
