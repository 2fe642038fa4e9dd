"""Adapters for tabular torch models: an ``nn.Module`` from a factory, or a TorchScript archive.

The model reads a float matrix ``(n, d)`` whose columns are ``data.features`` in
order, and returns logits (see :mod:`auditkit.adapters.outputs`). On load the
adapter moves the model to the device, switches it to eval mode, freezes its
parameters (attributions need gradients with respect to the inputs only, which
is ~30 % cheaper), runs a 2-row probe batch to check the input width and the
output shape, and hashes the weights.

Modules built by a factory also expose their hidden layers for forward hooks
(:class:`~auditkit.adapters.base.SupportsLayers`); TorchScript modules do not,
because torch refuses hooks on them.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auditkit.adapters.base import ModelAdapter, OutputKind
from auditkit.adapters.device import module_dtype, parameter_count, state_dict_sha256
from auditkit.adapters.outputs import NonFiniteRows, check_output, favourable_score, require_finite
from auditkit.adapters.torch_loading import (
    FILE_MODULE_PREFIX,
    apply_state_dict,
    build_from_factory,
    load_torchscript,
    read_state_dict,
    resolve_file,
)
from auditkit.errors import ModelError
from auditkit.policy.schema import ModelSpec

_PROBE_ROWS = 2
#: Rows per forward pass when the policy does not set model.batch_size: ~4096 rows is the measured
#: optimum for small MLPs (performance-baseline.md; 1024 reaches ~85 % of it, 65536 ~65 %).
DEFAULT_TABULAR_BATCH = 4096
_NO_OP_LAYERS = (torch.nn.Dropout, torch.nn.Dropout1d, torch.nn.AlphaDropout, torch.nn.Identity)


def _shared_tensor(x: np.ndarray) -> torch.Tensor:
    """``torch.from_numpy`` without copying, also for read-only arrays (``AuditData.X``): never written to."""
    if x.flags.writeable:
        return torch.from_numpy(x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(x)


class _TorchTabularBase(ModelAdapter):
    """Shared machinery of the tabular torch adapters (batching, output convention, provenance)."""

    task = "tabular"

    def __init__(
        self,
        model: torch.nn.Module,
        *,
        spec: ModelSpec,
        name: str,
        source: dict[str, str],
        device: torch.device,
        feature_names: list[str],
    ) -> None:
        if not feature_names:
            raise ModelError(
                "a tabular torch model needs the names of its input columns, but none were given; "
                "list them in data.features in the order the model reads them"
            )
        self.name = name
        self.device = torch.device(device)
        self.feature_names = list(feature_names)
        self.favourable_output = spec.favourable_output
        self.decision_threshold = float(spec.decision_threshold)
        self.batch_size = spec.batch_size if "batch_size" in spec.model_fields_set else DEFAULT_TABULAR_BATCH
        self.model = model.to(self.device).eval()
        for param in self.model.parameters():
            param.requires_grad_(False)
        self.dtype = module_dtype(self.model)
        self._source = dict(source)
        self._leaf_order: list[str] = []
        self.output_convention = self._probe()
        self.fingerprint = state_dict_sha256(self.model)

    # -- load-time validation ---------------------------------------------------------------
    def _what(self) -> str:
        return f"model {self.name!r}"

    def _record_order(self) -> list[Any]:
        """Hooks that record the execution order of leaf modules during the probe (none for TorchScript)."""
        return []

    def _probe(self) -> str:
        d = len(self.feature_names)
        x = torch.zeros(_PROBE_ROWS, d, dtype=self.dtype, device=self.device)
        handles = self._record_order()
        try:
            with torch.inference_mode():
                raw = self.model(x)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # SystemExit from model code is a broken model, not the end of auditkit
            raise ModelError(self._probe_failure(exc, d)) from None
        finally:
            for handle in handles:
                handle.remove()
        return check_output(raw, n_rows=_PROBE_ROWS, favourable_output=self.favourable_output, what=self._what())

    def _probe_failure(self, exc: BaseException, d: int) -> str:
        first = next((m for m in self.model.modules() if isinstance(m, torch.nn.Linear)), None)
        hint = ""
        if first is not None and first.in_features != d:
            hint = (
                f" Its first Linear layer takes {first.in_features} inputs but data.features lists {d} columns; "
                f"make data.features list exactly the model's {first.in_features} input columns, in training order."
            )
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        if not isinstance(exc, Exception):  # SystemExit & co: say so, "torch said: 0" would mean nothing
            message = (f"{type(exc).__name__}({message}) was raised; model code must return logits, never end the "
                       "process (remove sys.exit() from forward())")
        return (
            f"{self._what()} failed on a probe batch of shape ({_PROBE_ROWS}, {d}) "
            f"({d} features: {', '.join(self.feature_names[:8])}{', ...' if d > 8 else ''}); "
            f"expected input shape (n, {d}) to work. torch said: {message}.{hint}"
        )

    # -- inference --------------------------------------------------------------------------
    def _as_matrix(self, inputs: Any) -> np.ndarray:
        x = inputs.detach().cpu().numpy() if isinstance(inputs, torch.Tensor) else inputs
        x = np.ascontiguousarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != len(self.feature_names):
            raise ModelError(
                f"{self._what()} takes a matrix of shape (n, {len(self.feature_names)}) "
                f"(columns {', '.join(self.feature_names[:8])}{', ...' if len(self.feature_names) > 8 else ''}), "
                f"got shape {x.shape}"
            )
        return x

    def predict(self, inputs: Any, *, batch_size: int | None = None) -> np.ndarray:
        """P(favourable) per row, float64 ``(n,)``, batched under inference mode on :attr:`device`."""
        x = _shared_tensor(self._as_matrix(inputs))
        size = int(batch_size or self.batch_size)
        if size < 1:
            raise ValueError(f"batch_size must be >= 1, got {size}")
        n = x.shape[0]
        out_dtype = torch.float64 if self.dtype == torch.float64 else torch.float32
        out = torch.empty(n, dtype=out_dtype, device=self.device)
        bad = NonFiniteRows()
        with torch.inference_mode():
            for start in range(0, n, size):
                batch = x[start : start + size].to(self.device, dtype=self.dtype, non_blocking=True)
                raw = self._call(batch)
                check_output(raw, n_rows=batch.shape[0], favourable_output=self.favourable_output, what=self._what(),
                             batch=f"the batch starting at row {start}")
                bad.add(raw, start)  # ±inf logits give finite probabilities: judge the raw output
                out[start : start + size] = favourable_score(raw, self.favourable_output, "probability")
        bad.raise_if_any(self._what(), n)
        return require_finite(out.cpu().numpy().astype(np.float64, copy=False), what=self._what())

    def _call(self, batch: torch.Tensor) -> Any:
        """The model's raw output for one batch; a ``SystemExit`` from model code is a :class:`ModelError`.

        Model code that calls ``sys.exit()`` (or raises another process-ending exception other than
        Ctrl-C) must not end the audit with that exit code: it becomes an error of the check that asked.
        """
        try:
            return self.model(batch)
        except (KeyboardInterrupt, Exception):
            raise
        except BaseException as exc:
            raise ModelError(f"{self._what()} raised {type(exc).__name__}({exc}) during prediction on "
                             f"{batch.shape[0]} rows; model code must return logits, never end the process "
                             "(remove sys.exit() from forward())") from None

    def forward_func(self, x: torch.Tensor, *, output: OutputKind = "probability") -> torch.Tensor:
        """Favourable-class score of ``x`` ``(n, d)`` on :attr:`device`, shape ``(n,)``, differentiable in ``x``."""
        if x.dtype != self.dtype:
            x = x.to(self.dtype)
        return favourable_score(self.model(x), self.favourable_output, output)

    def prepare_inputs(self, inputs: Any) -> tuple[torch.Tensor, ...]:
        """A float matrix → ``(x,)``: one float32 tensor on :attr:`device`, ready for :meth:`forward_func`."""
        return (torch.tensor(self._as_matrix(inputs), device=self.device),)

    # -- provenance -------------------------------------------------------------------------
    def _class_name(self) -> str:
        cls = type(self.model)
        if cls.__module__.startswith(FILE_MODULE_PREFIX):  # a class from a factory file: name the file
            return f"{Path(self._source.get('factory_origin', '')).name}:{cls.__qualname__}"
        return f"{cls.__module__}.{cls.__qualname__}"

    def describe(self) -> dict[str, Any]:
        """JSON-able model reference: source, class, size, dtype, device, output convention, threshold."""
        return {
            "type": "torch",
            "adapter": type(self).__name__,
            "name": self.name,
            "task": self.task,
            "source": dict(self._source),
            "class": self._class_name(),
            "parameters": parameter_count(self.model),
            "dtype": str(self.dtype).removeprefix("torch."),
            "device": str(self.device),
            "output": self.output_convention,
            "favourable_output": self.favourable_output,
            "decision_threshold": self.decision_threshold,
            "batch_size": self.batch_size,
            "feature_names": list(self.feature_names),
            "fingerprint": self.fingerprint,
        }


class TorchTabularAdapter(_TorchTabularBase):
    """A tabular ``nn.Module`` built by a factory (optionally with weights from a file).

    Supports gradients and layers: :meth:`named_layers` gives every hidden leaf
    module (each Linear, activation, normalisation...) in the order the forward
    pass runs them, found by hooking a probe batch on load; the output layer
    (the last leaf to run) and no-op layers (Dropout, Identity) are left out.
    """

    def _record_order(self) -> list[Any]:
        order: list[str] = []
        self._leaf_order = order
        handles = []
        for name, module in self.model.named_modules():
            if name and not any(True for _ in module.children()):

                def hook(_mod: torch.nn.Module, _inp: Any, _out: Any, name: str = name) -> None:
                    if name not in order:
                        order.append(name)

                handles.append(module.register_forward_hook(hook))
        return handles

    def named_layers(self) -> dict[str, torch.nn.Module]:
        """Hidden layers by qualified module name, in forward order, without the output layer."""
        modules = dict(self.model.named_modules())
        hidden = self._leaf_order[:-1]
        return {n: modules[n] for n in hidden if not isinstance(modules[n], _NO_OP_LAYERS)}


class TorchScriptTabularAdapter(_TorchTabularBase):
    """A tabular TorchScript module. Supports gradients; no layer hooks (torch forbids them on ScriptModules)."""

    def _class_name(self) -> str:
        return f"torch.jit.ScriptModule({getattr(self.model, 'original_name', type(self.model).__name__)})"


def load_torch_adapter(
    spec: ModelSpec, *, base_dir: Path, device: torch.device, feature_names: list[str]
) -> _TorchTabularBase:
    """Build the tabular torch adapter ``spec`` describes (factory + weights, or TorchScript)."""
    common: dict[str, Any] = {"spec": spec, "device": device, "feature_names": feature_names}
    if spec.torchscript:
        if spec.options:
            raise ModelError(
                f"model.options {sorted(spec.options)} only apply to model.factory; a TorchScript "
                "archive takes no options; remove them"
            )
        path = resolve_file(spec.torchscript, base_dir=base_dir, field="model.torchscript")
        module = load_torchscript(path, torch.device(device))
        source = {"torchscript": spec.torchscript, "torchscript_resolved": str(path)}
        return TorchScriptTabularAdapter(module, name=path.name, source=source, **common)
    if not spec.factory:
        raise ModelError("a torch model needs model.factory or model.torchscript; neither was given")
    try:
        model, source = build_from_factory(spec.factory, spec.options, base_dir=base_dir)
    except (KeyboardInterrupt, Exception):
        raise
    except BaseException as exc:  # sys.exit() in a factory must not end auditkit with that exit code
        raise ModelError(f"model.factory {spec.factory!r} raised {type(exc).__name__}({exc}) instead of returning "
                         "a torch.nn.Module; remove sys.exit() and similar calls from the factory") from None
    if spec.weights:
        wpath = resolve_file(spec.weights, base_dir=base_dir, field="model.weights")
        apply_state_dict(model, read_state_dict(wpath), path=wpath)
        source.update(weights=spec.weights, weights_resolved=str(wpath))
    cls = TorchScriptTabularAdapter if isinstance(model, torch.jit.ScriptModule) else TorchTabularAdapter
    return cls(model, name=spec.factory, source=source, **common)
