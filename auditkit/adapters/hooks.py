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

import torch

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


def resolve_layers(adapter: Any, names: Sequence[str] | None) -> dict[str, torch.nn.Module]:
    """The named layers to hook: ``names`` (validated) or all of the adapter's layers."""
    available = adapter.named_layers()
    if not names:
        return available
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


@contextmanager
def capture(adapter: Any, layers: Sequence[str] | None) -> Iterator[dict[str, list[torch.Tensor]]]:
    """Collect pooled activations of ``layers`` for every batch the adapter runs inside the block.

    Yields ``{layer: [batch tensors]}`` (detached, on the adapter's device, in
    batch order); concatenate them after the pass.
    """
    modules = resolve_layers(adapter, layers)
    store: dict[str, list[torch.Tensor]] = {name: [] for name in modules}
    tracker = _MaskTracker()
    handles = [adapter.model.register_forward_pre_hook(tracker.pre_hook, with_kwargs=True)]

    def make(name: str) -> Callable:
        def hook(_module: torch.nn.Module, _inputs: Any, output: Any) -> None:
            store[name].append(_pool(_hidden(output), tracker.mask).detach())

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
    ``(batch, seq, hidden)``) and must return a tensor of the same shape.
    """
    module = resolve_layers(adapter, [layer])[layer]

    def hook(_module: torch.nn.Module, _inputs: Any, output: Any) -> Any:
        return _with_hidden(output, edit(_hidden(output)))

    handle = module.register_forward_hook(hook)
    try:
        yield
    finally:
        handle.remove()
