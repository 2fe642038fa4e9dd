"""The shared prediction pass split into row blocks that several workers compute, then joined into one.

A distributed executor (:mod:`auditkit.ray_executor`) does not let every worker
repeat the pass over all audit rows: :func:`block_bounds` cuts the rows into one
contiguous block per worker, each worker runs
:meth:`~auditkit.checks.CheckContext.pass_block` on its block, and the driver
joins the blocks with :func:`join_blocks` into the
:class:`~auditkit.checks.base.SharedPass` that the whole pass would have made.

Bit-identity with the local pass: every block starts at a multiple of the
adapter's batch size, so the model sees exactly the batches the single pass
feeds it (a batched matrix product may round differently when a row shares its
batch with other rows); decisions are per-row thresholds of the scores; the
kept activation rows are sorted indices, so concatenating the blocks' kept rows
in block order gives the whole pass's order. Activations travel on the CPU and
:func:`on_device` puts them back on the model's device.

This module imports no distributed engine: it is plain arithmetic over the
check context's records and is tested without one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from auditkit.checks.base import Predictions, SharedPass


@dataclass(frozen=True)
class Block:
    """Rows ``[start, stop)`` of the audit data: one worker's share of the shared pass."""

    start: int
    stop: int


def block_bounds(n_rows: int, batch_size: int, parts: int) -> list[Block]:
    """At most ``parts`` contiguous, non-empty blocks covering ``n_rows`` rows, each starting at a batch boundary.

    The batches are spread as evenly as whole batches allow (the last block may
    be shorter); fewer blocks than ``parts`` when there are fewer batches.
    """
    if batch_size < 1 or parts < 1:
        raise ValueError(f"batch_size and parts must be >= 1, got {batch_size} and {parts}")
    batches = -(-n_rows // batch_size)
    if batches == 0:
        return []
    per_block = -(-batches // min(parts, batches))
    return [Block(b * batch_size, min(n_rows, (b + per_block) * batch_size)) for b in range(0, batches, per_block)]


def to_cpu(part: SharedPass) -> SharedPass:
    """``part`` with its activations on the CPU (what travels between processes)."""
    return SharedPass(part.predictions, {name: t.cpu() for name, t in part.activations.items()})


def join_blocks(parts: Sequence[SharedPass], layers: Sequence[str]) -> SharedPass:
    """The shared pass of all rows from its blocks' passes, given in row order.

    ``layers`` are the captured layers (a block holding none of the kept rows
    may lack a layer's tensor; it contributes no row to it).
    """
    if not parts:
        raise ValueError("no block to join: the audit data has no rows")
    scores = np.concatenate([p.predictions.scores for p in parts])
    decisions = np.concatenate([p.predictions.decisions for p in parts])
    activations: dict[str, torch.Tensor] = {}
    for name in layers:
        pieces = [p.activations[name] for p in parts if name in p.activations]
        if pieces:
            activations[name] = torch.cat(pieces, dim=0)
    return SharedPass(Predictions(scores=scores, decisions=decisions), activations)


def on_device(shared: SharedPass, device: torch.device | str) -> SharedPass:
    """A private, writable copy of ``shared`` with its activations on ``device`` (what a worker's checks read).

    Arrays that arrive through an object store are read-only views of shared
    memory; checks get their own copies, as from a local pass.
    """
    preds = shared.predictions
    return SharedPass(Predictions(scores=np.array(preds.scores, copy=True), decisions=np.array(preds.decisions,
                                                                                               copy=True)),
                      {name: t.to(device, copy=True) for name, t in shared.activations.items()})
