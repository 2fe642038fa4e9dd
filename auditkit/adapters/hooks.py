"""Forward hooks on an adapter's named layers: capture activations, or replace a layer's output.

Capture runs inside an ordinary batched ``predict`` pass, so predictions and
activations come from ONE pass over the audit data (DESIGN.md principle 5).
Sequence outputs (text encoder layers) are pooled per example with the
batch's attention mask (mean over real tokens) as they are captured, so only
``(n, hidden)`` is kept per layer. Replacement is how interventions such as
concept erasure reach the model: the hook returns the edited activation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import torch

from auditkit.adapters.base import SupportsReadout
from auditkit.errors import CheckConfigError


def _hidden(output: Any) -> torch.Tensor:
    """The hidden-state tensor of a module output (transformer blocks may return tuples)."""
    if isinstance(output, tuple | list):
        return output[0]
    if hasattr(output, "last_hidden_state"):
        return output.last_hidden_state
    return output


def _with_hidden(output: Any, hidden: torch.Tensor) -> Any:
    if isinstance(output, tuple):
        return (hidden, *output[1:])
    if isinstance(output, list):
        return [hidden, *output[1:]]
    return hidden


def canonical_layers(adapter: Any, names: Sequence[str]) -> list[str]:
    """``names`` with every alias the adapter knows (``resid_3``) replaced by the layer's own name, in order and
    without repeats; unknown names are kept as they are (:func:`resolve_layers` reports them)."""
    aliases = adapter.layer_aliases() if isinstance(adapter, SupportsReadout) else {}
    return list(dict.fromkeys(aliases.get(n, n) for n in names))


def resolve_layers(adapter: Any, names: Sequence[str] | None) -> dict[str, torch.nn.Module]:
    """The named layers to hook: ``names`` (validated; aliases resolved) or all of the adapter's layers."""
    available = adapter.named_layers()
    if not names:
        return available
    names = canonical_layers(adapter, names)
    missing = [n for n in names if n not in available]
    if missing:
        raise CheckConfigError(
            f"layer(s) {', '.join(map(repr, missing))} do not exist in {adapter.name!r}; "
            f"layers available: {', '.join(available)}"
        )
    return {n: available[n] for n in names}


class _MaskTracker:
    """Remembers the attention mask of the batch being run (text models), for pooling."""

    def __init__(self) -> None:
        self.mask: torch.Tensor | None = None

    def pre_hook(self, _module: torch.nn.Module, args: tuple, kwargs: dict) -> None:
        mask = kwargs.get("attention_mask")
        self.mask = mask if isinstance(mask, torch.Tensor) else None


def _pool(hidden: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    if hidden.dim() == 2:
        return hidden
    if hidden.dim() != 3:
        return hidden.reshape(hidden.shape[0], -1)
    if mask is None or mask.shape[:2] != hidden.shape[:2]:
        return hidden.mean(dim=1)
    m = mask.to(hidden.dtype).unsqueeze(-1)
    return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)


class Captured:
    """Activations collected by :func:`capture`: one ``(len(rows), hidden)`` tensor per layer.

    Only the selected ``rows`` (sorted indices into the pass) are kept, each
    copied once into a buffer allocated when the layer's width is first seen:
    capture costs one write per kept activation and no concatenation, so a
    large audit set does not pay for activations no check reads.
    """

    def __init__(self, names: Sequence[str], rows: np.ndarray, n_rows: int) -> None:
        self.rows = np.asarray(rows, dtype=np.int64)
        self.n_rows = n_rows
        self._buffers: dict[str, torch.Tensor] = {}
        self._seen: dict[str, int] = dict.fromkeys(names, 0)
        self._all = len(self.rows) == n_rows
        # where the current batch's selected rows go: (batch start, lo, hi, positions in the batch or None)
        self._current: tuple[int, int, int, torch.Tensor | None] = (-1, 0, 0, None)

    def _locate(self, start: int, stop: int, device: torch.device) -> tuple[int, int, int, torch.Tensor | None]:
        """Where batch rows ``[start, stop)`` go in the buffers; computed once per batch, shared by all layers."""
        lo, hi = np.searchsorted(self.rows, (start, stop)).tolist()
        local = None if self._all else torch.as_tensor(self.rows[lo:hi] - start, device=device)
        self._current = (start, lo, hi, local)  # only the current batch is ever needed again
        return self._current

    def add_rows(self, name: str, batch: torch.Tensor, rows: np.ndarray) -> None:
        """Take the selected rows of a batch whose rows are ``rows`` (indices into the pass, in any order): for
        adapters that batch their inputs out of order (sorted by length)."""
        self._seen[name] += batch.shape[0]
        pos = np.searchsorted(self.rows, rows).clip(max=max(len(self.rows) - 1, 0))
        hit = self.rows[pos] == rows if len(self.rows) else np.zeros(len(rows), dtype=bool)
        if not hit.any():
            return
        buf = self._buffers.get(name)
        if buf is None:
            buf = self._buffers[name] = torch.empty((len(self.rows), *batch.shape[1:]), dtype=batch.dtype,
                                                    device=batch.device)
        local = torch.as_tensor(np.flatnonzero(hit), device=batch.device)
        buf[torch.as_tensor(pos[hit], device=batch.device)] = batch.index_select(0, local)

    def add(self, name: str, batch: torch.Tensor) -> None:
        """Take the selected rows of the next batch of pooled activations of layer ``name``.

        Runs once per layer and batch inside the forward pass, so it is kept lean:
        the batch's row positions are computed by the first layer that sees it.
        """
        start = self._seen[name]
        stop = start + batch.shape[0]
        self._seen[name] = stop
        current = self._current
        if current[0] != start:
            current = self._locate(start, stop, batch.device)
        _, lo, hi, local = current
        if hi == lo:
            return
        buf = self._buffers.get(name)
        if buf is None:
            buf = self._buffers[name] = torch.empty((len(self.rows), *batch.shape[1:]), dtype=batch.dtype,
                                                    device=batch.device)
        if local is None:
            buf[lo:hi].copy_(batch)
        else:
            torch.index_select(batch, 0, local, out=buf[lo:hi])

    def tensors(self) -> dict[str, torch.Tensor]:
        """The filled tensor of every layer; an error if the pass did not cover all rows."""
        short = {n: f for n, f in self._seen.items() if f != self.n_rows}
        if short:
            raise RuntimeError(f"activation capture saw {short} rows, expected {self.n_rows} for every layer")
        return dict(self._buffers)


@contextmanager
def capture(adapter: Any, layers: Sequence[str] | None, n_rows: int, rows: np.ndarray | None = None
            ) -> Iterator[Captured]:
    """Collect pooled activations of ``layers`` while the adapter runs ``n_rows`` rows inside the block.

    ``rows`` (sorted indices; default all) selects which rows are kept. Yields a
    :class:`Captured`; read ``.tensors()`` after the pass (on the adapter's device).
    """
    modules = resolve_layers(adapter, layers)
    store = Captured(list(modules), np.arange(n_rows) if rows is None else rows, n_rows)
    tracker = _MaskTracker()
    handles = []
    readout = adapter if isinstance(adapter, SupportsReadout) else None
    if readout is None and getattr(adapter, "task", "text") == "text":  # sequences need the mask for pooling
        handles.append(adapter.model.register_forward_pre_hook(tracker.pre_hook, with_kwargs=True))

    def make(name: str) -> Callable:
        def hook(_module: torch.nn.Module, _inputs: Any, output: Any) -> None:
            if readout is None:
                store.add(name, _pool(_hidden(output), tracker.mask))
                return
            pooled = readout.pool_layer(name, _hidden(output))
            if pooled is None:  # not a pass to record (an answer continuation)
                return
            rows = readout.batch_rows()
            if rows is None:
                store.add(name, pooled)
            else:
                store.add_rows(name, pooled, rows)

        return hook

    handles += [module.register_forward_hook(make(name)) for name, module in modules.items()]
    try:
        yield store
    finally:
        for h in handles:
            h.remove()


@contextmanager
def replace_output(adapter: Any, layer: str, edit: Callable[[torch.Tensor], torch.Tensor]) -> Iterator[None]:
    """Within the block, the output of ``layer`` is replaced by ``edit(output)`` (hidden state only).

    ``edit`` receives the layer's hidden state as it is (``(batch, hidden)`` or
    ``(batch, seq, hidden)``) and must return a tensor of the same shape. An adapter that reads its layers at
    chosen positions (:class:`~auditkit.adapters.base.SupportsReadout`) applies ``edit`` there only, to the
    ``(rows, hidden)`` activations at those positions.
    """
    (name, module), = resolve_layers(adapter, [layer]).items()
    readout = adapter if isinstance(adapter, SupportsReadout) else None

    def hook(_module: torch.nn.Module, _inputs: Any, output: Any) -> Any:
        hidden = _hidden(output)
        return _with_hidden(output, edit(hidden) if readout is None else readout.edit_layer(name, hidden, edit))

    handle = module.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()
