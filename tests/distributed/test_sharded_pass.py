"""The shared pass split into row blocks and joined again equals the single pass to the bit (no Ray needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from credit_policy import BATCH, cheap_policy, prepare_sample

from auditkit import api
from auditkit.adapters import resolve_device
from auditkit.checks import CheckContext
from auditkit.executor import request_captures
from auditkit.plan import build_plan
from auditkit.runner import load_inputs
from auditkit.sharded_pass import Block, block_bounds, join_blocks, on_device, to_cpu


@pytest.mark.parametrize(("n_rows", "batch", "parts", "expected"), [
    (8000, 1024, 2, [(0, 4096), (4096, 8000)]),
    (8000, 1024, 3, [(0, 3072), (3072, 6144), (6144, 8000)]),
    (8000, 4096, 4, [(0, 4096), (4096, 8000)]),  # two batches: two blocks, not four
    (100, 4096, 2, [(0, 100)]),
    (0, 64, 2, []),
])
def test_blocks_start_on_batch_boundaries_and_cover_every_row(n_rows: int, batch: int, parts: int,
                                                               expected: list[tuple[int, int]]) -> None:
    blocks = block_bounds(n_rows, batch, parts)
    assert blocks == [Block(a, b) for a, b in expected]
    assert all(b.start % batch == 0 and b.stop > b.start for b in blocks)


def test_bad_block_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="must be >= 1"):
        block_bounds(10, 0, 2)


def _context(policy: Path) -> CheckContext:
    """A check context of the cheap credit policy with every task's layers requested, as an executor builds it."""
    loaded = api.load_policy(policy)
    data, adapter = load_inputs(loaded, resolve_device("cpu"))
    plan = build_plan(loaded, list(loaded.policy.checks), model_fingerprint=adapter.fingerprint,
                      data_fingerprint=data.fingerprint)
    ctx = CheckContext(adapter=adapter, data=data, policy=loaded.policy, base_dir=loaded.base_dir)
    request_captures(ctx, plan.tasks)
    return ctx


def test_joined_blocks_equal_the_single_pass_bit_for_bit(tmp_path: Path) -> None:
    ctx = _context(cheap_policy(prepare_sample(tmp_path / "credit")))
    assert ctx.adapter.batch_size == BATCH and ctx.captured_layers == ("net.1", "net.3")
    whole = ctx.predictions(), {name: ctx.activations(name) for name in ctx.captured_layers}
    blocks = block_bounds(ctx.data.n_rows, BATCH, 3)
    assert len(blocks) == 3
    joined = on_device(join_blocks([to_cpu(ctx.pass_block(b.start, b.stop)) for b in blocks],
                                   ctx.captured_layers), "cpu")
    np.testing.assert_array_equal(joined.predictions.scores, whole[0].scores)
    np.testing.assert_array_equal(joined.predictions.decisions, whole[0].decisions)
    assert joined.predictions.scores.flags.writeable
    for name, tensor in whole[1].items():
        assert len(tensor) == len(ctx.activation_rows) < ctx.data.n_rows  # a sample of rows, spread over blocks
        assert torch.equal(joined.activations[name], tensor), name
