"""Optional model libraries (skops, XGBoost, LightGBM, onnxruntime): imported on demand, with the pip extra.

auditkit's core install carries torch and transformers only; each further model
type has its own extra (``auditkit[xgboost]``, ...), so a policy that asks for a
type whose library is missing must say which extra installs it, not fail with a
bare ``ModuleNotFoundError`` deep in a loader.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from auditkit.errors import ModelError


def import_optional(module: str, *, extra: str, model_type: str) -> ModuleType:
    """Import ``module`` for ``model.type: model_type``; ModelError naming ``pip install "auditkit[extra]"``."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ModelError(
            f"model.type {model_type} needs the Python package {module!r}, which is not installed "
            f"({type(exc).__name__}: {exc}); install it with: pip install \"auditkit[{extra}]\""
        ) from None
