"""Batched evaluation of counterfactual variants: every variant of a chunk goes through the model in one call.

The generators in :mod:`auditkit.counterfactual.tabular` and
:mod:`auditkit.counterfactual.text` build variants; the functions here stack
all variants of all value pairs (and both generators) and send them to
``adapter.predict`` together, which batches them on the adapter's device under
``torch.inference_mode`` (text: tokenized once per batch, batched by length).
Tabular variants are written into one reused buffer of up to 32 MiB and each
full buffer is one ``predict`` call, so the Python overhead is a few calls per
audit, never one per example.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from auditkit.adapters.base import ModelAdapter
from auditkit.counterfactual.tabular import AttributeInputs, CategoryMap, ProxyMap, fill_variant

#: Bytes of the reused tabular variant buffer (262,144 rows of 20 float32 features was measured best for
#: the baseline MLP; much smaller buffers cost one predict call each, much larger ones only memory).
CHUNK_BYTES = 32 * 2**20
MODES = ("flip_only", "propagated")


_LOCAL = threading.local()
_NO_FLIP = AttributeInputs(values=(), columns=(), codes=np.zeros((0, 0), dtype=np.float32), kind="absent")


def _buffer(rows: int, cols: int) -> np.ndarray:
    """A float32 ``(rows, cols)`` scratch matrix, reused by later sweeps in this thread.

    Re-allocating tens of MB per sweep costs the page faults of touching fresh
    memory, about 5 % of a small MLP's inference time; one buffer (at most
    :data:`CHUNK_BYTES`) is kept per thread instead.
    """
    cached = getattr(_LOCAL, "buffer", None)
    if cached is None or cached.size < rows * cols:
        cached = np.empty(max(rows * cols, 1), dtype=np.float32)
        _LOCAL.buffer = cached
    return cached[: rows * cols].reshape(rows, cols)


def predict_variants(adapter: ModelAdapter, inputs: np.ndarray | list[str]) -> np.ndarray:
    """Scores of stacked variants in one ``predict`` call; texts are batched by length when the adapter can."""
    if isinstance(inputs, list) and "sort_by_length" in inspect.signature(adapter.predict).parameters:
        return adapter.predict(inputs, sort_by_length=True)  # type: ignore[call-arg]
    return adapter.predict(inputs)


@dataclass(frozen=True)
class SweepScores:
    """Counterfactual scores in segments: ``(mode, source, target, draw, example indices, scores)``.

    ``mode`` indexes :data:`MODES`; the segment's variants are its examples
    moved from value ``source`` to ``target`` in draw ``draw`` of the random
    keys (flip-only has draw 0 only). ``moved[(mode, a, b)]`` sums, per proxy
    over every draw, ``[clipped, Σ change, Σ |change|, rows changed]`` (see
    :func:`~auditkit.counterfactual.tabular.fill_variant`).
    """

    segments: list[tuple[int, int, int, int, np.ndarray, np.ndarray]]
    moved: dict[tuple[int, int, int], dict[str, np.ndarray]] = field(default_factory=dict)
    draws: int = 1

    @property
    def clipped(self) -> dict[tuple[int, int, int], dict[str, int]]:
        """Per generator and value pair, per proxy: values clipped to the observed range (over every draw)."""
        return {key: {name: int(v[0]) for name, v in per.items()} for key, per in self.moved.items()}

    def select(self, mode: int, source: int, target: int, draw: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """``(example indices, scores)`` of one generator, ordered value pair and draw (empty if none)."""
        parts = [(ex, sc) for m, a, b, d, ex, sc in self.segments if (m, a, b, d) == (mode, source, target, draw)]
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    @property
    def rows(self) -> int:
        """Variants scored."""
        return sum(seg[4].size for seg in self.segments)


def tabular_sweep(
    adapter: ModelAdapter,
    X: np.ndarray,
    group: np.ndarray,
    k: int,
    inputs: AttributeInputs,
    maps: Sequence[ProxyMap | CategoryMap],
    modes: Sequence[str],
    *,
    max_rows: int | None = None,
    keys: np.ndarray | None = None,
) -> SweepScores:
    """Flip-only and/or propagated counterfactuals of every row to every other value, scored in bulk.

    ``group[i]`` is row ``i``'s value index (−1: left out). ``keys`` (draws,
    n) holds each draw's uniform number per row for the propagated mapping's
    random parts; without it there is one draw with the fixed keys of
    :func:`~auditkit.counterfactual.tabular.tie_keys`. Variants are written
    straight into one reused buffer of ``max_rows`` rows and each full buffer
    is scored by one ``predict`` call: the buffer is allocated once and stays
    cache-sized, which matters for small, fast models (the generation costs a
    few percent of inference, not a copy of every variant).
    """
    X = np.asarray(X, dtype=np.float32)
    if max_rows is None:
        max_rows = max(4096, min(262_144, CHUNK_BYTES // (4 * max(X.shape[1], 1))) // 4096 * 4096)
    draws = 1 if keys is None else int(keys.shape[0])
    members = [np.flatnonzero(group == a) for a in range(k)]
    # pair-major: propagated blocks directly follow the flip-only block of the same rows and copy it
    items: list[tuple[int, int, int, int, np.ndarray]] = []
    for a in range(k):
        for b in range(k):
            for s in range(0, members[a].size if b != a else 0, max_rows):
                piece = members[a][s : s + max_rows]
                for mode in modes:
                    items += [(MODES.index(mode), a, b, d, piece)
                              for d in range(draws if mode == "propagated" else 1)]
    total = sum(item[4].size for item in items)
    store = _buffer(min(total, max_rows), X.shape[1])
    segments: list[tuple[int, int, int, int, np.ndarray, np.ndarray]] = []
    moved: dict[tuple[int, int, int], dict[str, np.ndarray]] = {}
    pending: list[tuple[int, int, int, int, np.ndarray]] = []
    offset = 0

    def flush() -> None:
        scores = predict_variants(adapter, store[:offset])
        at = 0
        for mode, a, b, d, mine in pending:
            segments.append((mode, a, b, d, mine, scores[at : at + mine.size]))
            at += mine.size
        pending.clear()

    previous: tuple[int, int, np.ndarray, np.ndarray] | None = None  # (a, b, rows, flip-only view) in the buffer
    for mode, a, b, d, mine in items:
        if offset + mine.size > store.shape[0]:
            flush()
            offset, previous = 0, None
        view = store[offset : offset + mine.size]
        propagated = MODES[mode] == "propagated"
        row_keys = None if keys is None else keys[d, mine]
        if propagated and previous is not None and previous[:2] == (a, b) and previous[2] is mine:
            view[:] = previous[3]  # the same rows, already flipped: a cache-hot copy instead of a gather
            counts = fill_variant(view, view, _NO_FLIP, maps, a, b, mine, row_keys)
        else:
            np.take(X, mine, axis=0, out=view, mode="clip")  # indices are valid; "clip" skips the slow check
            # proxies never include the attribute's own columns, so each reads its original value from the view
            counts = fill_variant(view, view, inputs, maps if propagated else (), a, b, mine, row_keys)
        if not propagated:
            previous = (a, b, mine, view)
        if propagated:
            tally = moved.setdefault((mode, a, b), {})
            for name, c in counts.items():
                tally[name] = tally.get(name, 0.0) + c
        pending.append((mode, a, b, d, mine))
        offset += mine.size
    if pending:
        flush()
    return SweepScores(segments, moved, draws)


def grid_sweep(adapter: ModelAdapter, X: np.ndarray, column: int, points: np.ndarray, *,
               max_rows: int | None = None) -> np.ndarray:
    """Scores ``(n, G)`` of every row with ``column`` set to each grid point (a reused buffer, one call per fill)."""
    X = np.asarray(X, dtype=np.float32)
    n, g, d = X.shape[0], points.size, X.shape[1]
    if max_rows is None:
        max_rows = max(4096, CHUNK_BYTES // (4 * max(d, 1)))
    chunk = max(1, max_rows // max(g, 1))
    store = _buffer(min(n, chunk) * g, d).reshape(-1, g, d)
    out = np.empty((n, g), dtype=np.float64)
    for start in range(0, n, chunk):
        block = X[start : start + chunk]
        view = store[: block.shape[0]]
        view[:] = block[:, None, :]
        view[:, :, column] = points.astype(np.float32)[None, :]
        out[start : start + block.shape[0]] = predict_variants(adapter, view.reshape(-1, d)).reshape(-1, g)
    return out
