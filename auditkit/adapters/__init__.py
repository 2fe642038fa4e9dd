"""Model adapters: one interface over tabular torch models and transformers text classifiers.

``load_adapter`` turns the policy's ``model`` section into a :class:`ModelAdapter`.
The transformers adapter is imported only when a policy asks for it, because
importing transformers takes seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.adapters.base import (
    ModelAdapter,
    OutputKind,
    SupportsGradients,
    SupportsLayers,
    SupportsTokens,
    Task,
)
from auditkit.adapters.device import resolve_device
from auditkit.errors import ModelError
from auditkit.policy.schema import ModelSpec

if TYPE_CHECKING:
    import torch

__all__ = [
    "HFTextAdapter",
    "ModelAdapter",
    "OutputKind",
    "SupportsGradients",
    "SupportsLayers",
    "SupportsTokens",
    "Task",
    "TorchScriptTabularAdapter",
    "TorchTabularAdapter",
    "load_adapter",
    "resolve_device",
]

_LAZY = {
    "HFTextAdapter": "auditkit.adapters.hf",
    "TorchTabularAdapter": "auditkit.adapters.torch_model",
    "TorchScriptTabularAdapter": "auditkit.adapters.torch_model",
}


def load_adapter(spec: ModelSpec, *, base_dir: Path, device: torch.device, feature_names: list[str],
                 allow_remote_code: bool = False) -> ModelAdapter:
    """Load the model ``spec`` describes and wrap it in the matching adapter.

    ``base_dir`` is the policy file's directory (relative paths resolve against
    it), ``device`` comes from :func:`resolve_device`, and ``feature_names`` are
    the model's input columns in order (``data.features``; empty for text).
    ``allow_remote_code`` is the policy's top-level opt-in: without it a
    ``trust_remote_code`` option is refused, however the spec was built.
    Raises :class:`~auditkit.errors.ModelError` with a fix-it message for every
    user mistake (missing file, wrong keys, wrong output shape...).
    """
    base_dir = Path(base_dir)
    if spec.type == "torch":
        from auditkit.adapters.torch_model import load_torch_adapter

        return load_torch_adapter(spec, base_dir=base_dir, device=device, feature_names=feature_names)
    if spec.type == "huggingface":
        from auditkit.adapters.hf import load_hf_adapter

        return load_hf_adapter(spec, base_dir=base_dir, device=device, feature_names=feature_names,
                               allow_remote_code=allow_remote_code)
    raise ModelError(f"model.type {spec.type!r} is not supported; expected torch or huggingface")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
