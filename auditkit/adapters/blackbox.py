"""Black-box tabular adapters: models auditkit can only ask for class probabilities (scikit-learn, trees).

A subclass implements :meth:`BlackBoxTabularAdapter._class_probabilities` for one
block of rows (a float32 matrix → ``(n, k)`` probabilities); this base does the
rest once: blocks of :attr:`batch_size` rows (65,536 by default: the libraries
vectorise internally, so per-row calls would cost orders of magnitude),
the favourable column, finiteness, the input width, and the provenance record.

``forward_func`` exists only as a **non-differentiable** torch wrapper around the
numpy prediction, for the perturbation explainers (Kernel SHAP, feature
ablation) that call it under ``inference_mode``. These adapters have no
``prepare_inputs`` and no ``named_layers``, so they satisfy neither
:class:`~auditkit.adapters.base.SupportsGradients` nor
:class:`~auditkit.adapters.base.SupportsLayers`: gradient explainers report
"not run" with the reason and layer probes (``prohibited_feature_use``) are
SKIPPED by the runner, never run on a fake gradient.

``device`` is the CPU unless the library itself predicts on CUDA (XGBoost with
``--device cuda``); the fingerprint is set by the subclass, which says in
:meth:`describe` what it hashes (``fingerprint_basis``).
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

from auditkit.adapters.base import ModelAdapter, OutputKind
from auditkit.adapters.outputs import require_finite
from auditkit.errors import ModelError
from auditkit.policy.schema import ModelSpec

#: Rows per library call when the policy does not set model.batch_size: large, because the libraries
#: vectorise internally and per-call overhead (input validation, thread start-up) dominates small blocks.
DEFAULT_BLACKBOX_BATCH = 65536
#: Probabilities are clipped to [ε, 1 − ε] before log-odds: a tree ensemble may output exactly 0 or 1.
_LOGIT_EPS = 1e-12
_PROBE_ROWS = 2


def as_matrix(inputs: Any, n_features: int, what: str, feature_names: list[str]) -> np.ndarray:
    """Inputs (numpy or a torch tensor) → a C-contiguous float32 ``(n, d)`` matrix; ModelError on a wrong width."""
    x = inputs.detach().cpu().numpy() if isinstance(inputs, torch.Tensor) else inputs
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim != 2 or x.shape[1] != n_features:
        shown = ", ".join(feature_names[:8]) + (", ..." if len(feature_names) > 8 else "")
        raise ModelError(f"{what} takes a matrix of shape (n, {n_features}) (columns {shown}), got shape {x.shape}")
    return x


class BlackBoxTabularAdapter(ModelAdapter):
    """A tabular model seen only through its class probabilities (see the module docstring).

    Subclasses set :attr:`fingerprint`, :attr:`fingerprint_basis` and
    :attr:`device` in their constructor, call :meth:`_setup` and implement
    :meth:`_class_probabilities` and :meth:`_model_record`.
    """

    task = "tabular"
    #: What :attr:`fingerprint` hashes, in words (stored with the model reference).
    fingerprint_basis: str
    #: Set by :meth:`loaded_through`: the model type that found the model's file, and what it records about it.
    _origin: tuple[str, dict[str, Any]] | None = None

    def _setup(self, spec: ModelSpec, *, name: str, source: dict[str, str], feature_names: list[str]) -> None:
        """Shared initialisation: names, threshold, batch size; then a probe batch checks the output."""
        if not feature_names:
            raise ModelError(f"a {spec.type} model needs the names of its input columns, but none were given; list "
                             "them in data.features in the order the model was trained on")
        self.name = name
        self.model_type = spec.type
        self.feature_names = list(feature_names)
        self.favourable_output = int(spec.favourable_output)
        self.decision_threshold = float(spec.decision_threshold)
        self.batch_size = spec.batch_size if "batch_size" in spec.model_fields_set else DEFAULT_BLACKBOX_BATCH
        self._source = dict(source)
        probe = self._class_probabilities(np.zeros((_PROBE_ROWS, len(self.feature_names)), dtype=np.float32))
        self.n_classes = self._check_probabilities(probe, _PROBE_ROWS, "a probe batch")

    def _what(self) -> str:
        return f"{self.model_type} model {self.name!r}"

    def _check_probabilities(self, proba: np.ndarray, n: int, where: str) -> int:
        if proba.ndim != 2 or proba.shape[0] != n or proba.shape[1] < 2:
            raise ModelError(f"{self._what()} returned class probabilities of shape {proba.shape} for {where} of "
                             f"{n} rows; expected (n, k) with k >= 2 classes")
        k = int(proba.shape[1])
        if self.favourable_output >= k:
            raise ModelError(f"model.favourable_output is {self.favourable_output} but {self._what()} has {k} "
                             f"classes; set model.favourable_output to a class index from 0 to {k - 1}")
        return k

    @abstractmethod
    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities ``(n, k)`` for one block of rows ``x`` (float32 ``(n, d)``)."""

    @abstractmethod
    def _model_record(self) -> dict[str, Any]:
        """Library-specific provenance (class, library version, objective, trees...) for :meth:`describe`."""

    # -- inference ---------------------------------------------------------------------------
    def predict(self, inputs: Any, *, batch_size: int | None = None) -> np.ndarray:
        """P(favourable) per row, float64 ``(n,)``: the library's probabilities in blocks of ``batch_size`` rows."""
        x = as_matrix(inputs, len(self.feature_names), self._what(), self.feature_names)
        size = int(batch_size or self.batch_size)
        if size < 1:
            raise ValueError(f"batch_size must be >= 1, got {size}")
        out = np.empty(x.shape[0], dtype=np.float64)
        for start in range(0, x.shape[0], size):
            block = x[start : start + size]
            proba = np.asarray(self._class_probabilities(block), dtype=np.float64)
            self._check_probabilities(proba, block.shape[0], f"the block starting at row {start}")
            out[start : start + size] = proba[:, self.favourable_output]
        return require_finite(out, what=self._what())

    def forward_func(self, x: torch.Tensor, *, output: OutputKind = "probability") -> torch.Tensor:
        """The favourable-class score of ``x`` ``(n, d)`` as a tensor like ``x``: **not differentiable**.

        It calls :meth:`predict` on a numpy copy, for perturbation explainers
        only. ``output="logit"`` gives log p − log(1 − p) with p clipped to
        [1e-12, 1 − 1e-12], since a tree ensemble can output exactly 0 or 1.
        """
        p = self.predict(x)
        if output == "logit":
            p = np.clip(p, _LOGIT_EPS, 1.0 - _LOGIT_EPS)
            p = np.log(p) - np.log1p(-p)
        dtype = x.dtype if x.is_floating_point() else torch.float32
        return torch.as_tensor(p, dtype=dtype, device=x.device)

    # -- provenance ---------------------------------------------------------------------------
    def loaded_through(self, model_type: str, *, name: str, record: Mapping[str, Any]) -> None:
        """Record that ``model_type`` found this model's file and handed it to this adapter (``type: mlflow``
        resolves a registry URI to a flavour's file). :meth:`describe` then reports ``model_type`` as the type,
        ``name`` as the name, and ``record``'s fields on top of the library's own (its ``source`` replaces the
        file's), so the run's provenance says where the model came from, not only which file was read."""
        self.name = name
        self._origin = (model_type, dict(record))

    def describe(self) -> dict[str, Any]:
        """JSON-able model reference: type, source, library details, threshold, and what the fingerprint hashes."""
        ref = self._describe_file()
        if self._origin is not None:
            ref["type"] = self._origin[0]
            ref.update(self._origin[1])
        return ref

    def _describe_file(self) -> dict[str, Any]:
        """The reference of the model file as this adapter's own type reads it (before :meth:`loaded_through`)."""
        return {
            "type": self.model_type,
            "adapter": type(self).__name__,
            "name": self.name,
            "task": self.task,
            "source": dict(self._source),
            **self._model_record(),
            "classes": self.n_classes,
            "device": str(self.device),
            "output": "class probabilities (black box: no gradients, no layers)",
            "favourable_output": self.favourable_output,
            "decision_threshold": self.decision_threshold,
            "batch_size": self.batch_size,
            "feature_names": list(self.feature_names),
            "fingerprint": self.fingerprint,
            "fingerprint_basis": self.fingerprint_basis,
        }


def binary_proba(p: np.ndarray) -> np.ndarray:
    """P(class 1) ``(n,)`` → ``(n, 2)`` columns [P(class 0), P(class 1)], the convention of ``predict_proba``."""
    p = np.asarray(p, dtype=np.float64).reshape(-1)
    return np.column_stack([1.0 - p, p])

