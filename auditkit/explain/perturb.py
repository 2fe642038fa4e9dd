"""Scores of inputs with some interpretable features removed: the model side of faithfulness tests.

:func:`removed_scores` takes a boolean mask ``(n, T, m)`` ("feature j of
instance i is removed at step t"), builds every perturbed input at once and
evaluates them in device-sized batches. Removing a tabular feature sets its
columns to the job's baseline row; removing a word replaces its tokens by the
pad token (the same reference every attribution method used). The masks
themselves come from :mod:`auditkit.metrics.faithfulness`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from auditkit.explain.base import Attribution
from auditkit.explain.jobs import TabularJob, TextJob
from auditkit.explain.tabular import tabular_rows
from auditkit.explain.text import text_rows, text_scores


def removed_scores(job: TabularJob | TextJob, removed: np.ndarray) -> np.ndarray:
    """The explained scalar ``(n, T)`` for each instance with the features ``removed[i, t]`` removed."""
    removed = np.asarray(removed, dtype=bool)
    if removed.ndim != 3 or removed.shape[0] != job.n:
        raise ValueError(f"removed must be (n={job.n}, T, m), got {removed.shape}")
    if isinstance(job, TabularJob):
        return _tabular(job, removed)
    return _text(job, removed)


def valid_features(job: TabularJob | TextJob) -> np.ndarray:
    """Boolean ``(n, m)``: the interpretable features each instance has (all of them for tabular jobs)."""
    if isinstance(job, TabularJob):
        return np.ones((job.n, job.grouping.size), dtype=bool)
    return np.arange(job.max_words)[None, :] < job.n_words[:, None]


def endpoint_scores(job: TabularJob | TextJob) -> tuple[np.ndarray, np.ndarray]:
    """Scores of the full inputs and of the fully removed inputs (the baseline), each ``(n,)``."""
    valid = valid_features(job)
    removed = np.stack([np.zeros_like(valid), valid], axis=1)
    out = removed_scores(job, removed)
    return out[:, 0], out[:, 1]


@dataclass(frozen=True)
class Curves:
    """Deletion and insertion curves of one order per instance, oriented (full input ``|Δ|``, baseline 0)."""

    fractions: np.ndarray
    deletion: np.ndarray
    insertion: np.ndarray


def order_curves(job: TabularJob | TextJob, order: np.ndarray, fractions: np.ndarray, full: np.ndarray,
                 empty: np.ndarray) -> Curves:
    """Remove (deletion) or restore (insertion) features in ``order`` at each fraction; score every step."""
    from auditkit.metrics.faithfulness import orient_curves, removal_counts, removal_masks

    valid = valid_features(job)
    counts = removal_counts(valid.sum(axis=1), fractions)
    top = removal_masks(order, counts) & valid[:, None, :]
    steps = len(fractions)
    both = removed_scores(job, np.concatenate([top, valid[:, None, :] & ~top], axis=1))
    return Curves(np.asarray(fractions, dtype=np.float64),
                  orient_curves(both[:, :steps], full, empty), orient_curves(both[:, steps:], full, empty))


def attribution_curves(job: TabularJob | TextJob, attribution: Attribution, fractions: np.ndarray,
                       full: np.ndarray, empty: np.ndarray) -> Curves:
    """Curves in the order of ``attribution``: features pushing the score away from the baseline first."""
    from auditkit.metrics.faithfulness import removal_order

    order = removal_order(attribution.values, full - empty, valid_features(job))
    return order_curves(job, order, fractions, full, empty)


def random_curves(job: TabularJob | TextJob, rng: np.random.Generator, repeats: int, fractions: np.ndarray,
                  full: np.ndarray, empty: np.ndarray) -> list[Curves]:
    """Curves of ``repeats`` random orders per instance (the reference a faithful method must beat)."""
    from auditkit.metrics.faithfulness import random_orders

    orders = random_orders(rng, valid_features(job), repeats)
    return [order_curves(job, o, fractions, full, empty) for o in orders]


def eraser_scores(job: TabularJob | TextJob, attribution: Attribution, decisions: np.ndarray,
                  fractions: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Scores without the top-k% rationale and with only it, for the predicted class's direction.

    The rationale is the top fraction of features by ``φ`` toward the predicted
    class (``φ`` for favourable decisions, ``−φ`` otherwise). Returns two
    ``(n, B)`` arrays of the explained favourable-class scalar.
    """
    from auditkit.metrics.faithfulness import removal_counts, removal_masks, removal_order

    valid = valid_features(job)
    direction = np.where(np.asarray(decisions).astype(bool), 1.0, -1.0)
    order = removal_order(attribution.values, direction, valid)
    top = removal_masks(order, removal_counts(valid.sum(axis=1), np.asarray(fractions))) & valid[:, None, :]
    b = len(fractions)
    both = removed_scores(job, np.concatenate([top, valid[:, None, :] & ~top], axis=1))
    return both[:, :b], both[:, b:]


def _tabular(job: TabularJob, removed: np.ndarray) -> np.ndarray:
    n, steps, _ = removed.shape
    rows = tabular_rows(job)
    out = np.empty((n, steps))
    per_chunk = max(1, rows // steps)
    for s in range(0, n, per_chunk):
        cols = job.grouping.expand(removed[s : s + per_chunk])
        x = np.where(cols, job.baseline[None, None, :], job.X[s : s + per_chunk, None, :])
        out[s : s + per_chunk] = job.scores(x.reshape(-1, x.shape[-1]), rows).reshape(-1, steps)
    return out


def _text(job: TextJob, removed: np.ndarray) -> np.ndarray:
    n, steps, width = removed.shape
    out = np.empty((n, steps))
    _, mask_all, _ = job.chunk(0, n)
    per_chunk = max(1, text_rows(job, mask_all.shape[1]) // steps)
    for s in range(0, n, per_chunk):
        e = min(n, s + per_chunk)
        ids, mask, tw = job.chunk(s, e)
        ref = job.reference_ids(ids, tw)
        padded = np.concatenate([removed[s:e], np.zeros((e - s, steps, 1), dtype=bool)], axis=2)
        idx = np.where(tw >= 0, tw, width)  # special tokens and padding: never removed
        tok_removed = np.take_along_axis(padded, np.broadcast_to(idx[:, None, :], (e - s, steps, idx.shape[1])),
                                         axis=2)
        flag = torch.as_tensor(tok_removed, device=ids.device)
        variants = torch.where(flag, ref[:, None, :], ids[:, None, :]).reshape(-1, ids.shape[1])
        masks = mask[:, None, :].expand(-1, steps, -1).reshape(-1, ids.shape[1])
        out[s:e] = text_scores(job, variants, masks).reshape(e - s, steps)
    return out
