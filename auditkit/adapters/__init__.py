"""Model adapters: one interface over every model type (torch, transformers, sklearn, XGBoost, LightGBM, ONNX).

``load_adapter`` turns the policy's ``model`` section into a :class:`ModelAdapter`
through the model-type registry (:mod:`auditkit.policy.model_types`): the
type's loader module is imported only when a policy asks for it, because
importing transformers takes seconds and the tree libraries are optional extras.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditkit.adapters.base import (
    HasCategoricalInputs,
    ModelAdapter,
    OutputKind,
    SupportsGradients,
    SupportsLayers,
    SupportsReadout,
    SupportsTextCategories,
    SupportsTokens,
    SupportsTreeStructure,
    Task,
)
from auditkit.adapters.device import resolve_device
from auditkit.adapters.optional import import_optional
from auditkit.errors import ModelError
from auditkit.policy.model_types import MODEL_TYPES
from auditkit.policy.schema import ModelSpec

if TYPE_CHECKING:
    import torch

__all__ = [
    "HFTextAdapter",
    "HasCategoricalInputs",
    "ModelAdapter",
    "OutputKind",
    "SupportsGradients",
    "SupportsLayers",
    "SupportsReadout",
    "SupportsTextCategories",
    "SupportsTokens",
    "SupportsTreeStructure",
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
                 allow_remote_code: bool = False, precision: str | None = None) -> ModelAdapter:
    """Load the model ``spec`` describes and wrap it in the matching adapter.

    ``base_dir`` is the policy file's directory (relative paths resolve against
    it), ``device`` comes from :func:`resolve_device`, and ``feature_names`` are
    the model's input columns in order (``data.features``; empty for text).
    ``allow_remote_code`` is the policy's top-level opt-in: without it a
    ``trust_remote_code`` option is refused, however the spec was built.
    ``precision`` (``--precision``: auto, fp32, bf16, fp16) overrides the spec's ``precision`` for the types that
    have one (``huggingface-causal``); for any other type it is refused.
    Raises :class:`~auditkit.errors.ModelError` with a fix-it message for every
    user mistake (missing file, wrong keys, wrong output shape...).
    """
    base_dir = Path(base_dir)
    kind = MODEL_TYPES.get(spec.type)
    if kind is None:
        raise ModelError(f"model.type {spec.type!r} is not supported; expected one of {', '.join(MODEL_TYPES)}")
    takes_precision = "precision" in type(spec).model_fields
    if precision is not None and not takes_precision:
        raise ModelError(f"--precision applies to huggingface-causal models; model.type {spec.type!r} runs at the "
                         "precision its weights are stored in: leave --precision out")
    if kind.library:
        import_optional(kind.library, extra=kind.extra or kind.name, model_type=kind.name)
    module_name, _, function = kind.loader.partition(":")
    import importlib

    loader = getattr(importlib.import_module(module_name), function)
    extra: dict[str, Any] = {"allow_remote_code": allow_remote_code} if kind.remote_code else {}
    if takes_precision:
        extra["precision"] = precision
    return loader(spec, base_dir=base_dir, device=device, feature_names=feature_names, **extra)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
