"""``type: onnx``: any ONNX model file, run with onnxruntime, as a black-box tabular adapter.

ONNX is the common export format of many libraries (skl2onnx and onnxmltools
for scikit-learn, XGBoost and LightGBM; ``torch.onnx`` for networks), so this
one adapter audits models whose own library auditkit does not load. The graph
is opaque to auditkit: it is fed one float matrix and read as probabilities,
and every mismatch between the graph's declared interface and the policy's data
is checked once, at load time, with a message naming both sides:

* **input**: exactly one tensor input of rank 2 whose element type is float or
  double (the rows are cast to it) and whose width, when the graph fixes it,
  equals ``len(data.features)``; a graph with one input per column (the
  skl2onnx default for DataFrames) or a fixed batch size is refused with how
  to re-export it;
* **output**: ``model.output`` or else the only float tensor output (skl2onnx's
  ``label`` output is int64 and never chosen); a ZipMap output (a sequence of
  maps, skl2onnx's default for classifiers) is refused with the
  ``zipmap: False`` option that removes it. The values must lie in [0, 1]:
  ``(n, k)`` is read as class probabilities, ``(n,)``/``(n, 1)`` as P(class 1);
  anything outside [0, 1] is reported as a likely logit, with the output named.

The fingerprint is the SHA-256 of the ``.onnx`` file's bytes. The session uses
CPUExecutionProvider, or CUDAExecutionProvider first under ``--device cuda``,
which must then be available and actually registered by onnxruntime (it falls
back to the CPU silently when the CUDA libraries are missing, so the session's
providers are checked, as the XGBoost adapter checks its build).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from auditkit.adapters.blackbox import BlackBoxTabularAdapter, binary_proba
from auditkit.adapters.files import file_sha256, resolve_file
from auditkit.adapters.optional import import_optional
from auditkit.errors import ModelError
from auditkit.policy.model_specs import OnnxSpec

#: ONNX tensor element types the adapter can feed, with the numpy dtype the rows are cast to.
_INPUT_DTYPES = {"tensor(float)": np.float32, "tensor(double)": np.float64}
_FLOAT_OUTPUTS = ("tensor(float)", "tensor(double)", "tensor(float16)")
_CPU = "CPUExecutionProvider"
_CUDA = "CUDAExecutionProvider"
#: Tolerance on [0, 1] for probabilities computed in float32.
_PROBA_TOL = 1e-5


def _arg(node: Any) -> dict[str, Any]:
    """An onnxruntime ``NodeArg`` as JSON: name, shape (None or a symbol for a free axis), element type."""
    return {"name": node.name, "shape": list(node.shape), "type": node.type}


def _shown(node: Any) -> str:
    return f"{node.name!r} {node.type} of shape {list(node.shape)}"


def _features(feature_names: list[str]) -> str:
    shown = ", ".join(feature_names[:8]) + (", ..." if len(feature_names) > 8 else "")
    return f"{len(feature_names)} columns ({shown})"


def _check_input(inputs: list[Any], feature_names: list[str], what: str) -> tuple[Any, type]:
    """The graph's single float ``(n, d)`` input and its numpy dtype; ModelError naming expected and found."""
    d = len(feature_names)
    fix = (f"auditkit feeds one float matrix of shape (n, {d}) (data.features, in order); re-export the model with a "
           f"single input, e.g. skl2onnx initial_types=[('X', FloatTensorType([None, {d}]))] or "
           f"torch.onnx.export with one (n, {d}) tensor and a dynamic batch axis")
    if len(inputs) != 1:
        listed = "; ".join(_shown(i) for i in inputs)
        raise ModelError(f"{what} has {len(inputs)} inputs ({listed}), but {fix}")
    node = inputs[0]
    if node.type not in _INPUT_DTYPES:
        raise ModelError(f"{what} expects input {_shown(node)}, but auditkit feeds float rows; {fix}")
    shape = list(node.shape)
    if len(shape) != 2:
        raise ModelError(f"{what} expects input {_shown(node)} (rank {len(shape)}), but data.features gives a "
                         f"matrix of {_features(feature_names)} per row; {fix}")
    width = shape[1]
    if isinstance(width, int) and width != d:
        raise ModelError(f"{what} expects input {_shown(node)}: {width} columns per row, but data.features lists "
                         f"{_features(feature_names)}; list exactly the model's {width} input columns, in training "
                         "order")
    if isinstance(shape[0], int):
        raise ModelError(f"{what} expects input {_shown(node)} with a fixed batch of {shape[0]} rows; auditkit "
                         f"predicts blocks of any size: {fix}")
    return node, _INPUT_DTYPES[node.type]


def _zipmap_error(node: Any, what: str) -> ModelError:
    return ModelError(
        f"{what} outputs {_shown(node)}: a ZipMap (one dictionary per row, skl2onnx's default for classifiers), which "
        "auditkit does not read; convert the model without it: skl2onnx.to_onnx(clf, X, options={id(clf): "
        "{'zipmap': False}}) (onnxmltools: the same option), which outputs a probability matrix")


def _choose_output(outputs: list[Any], requested: str | None, what: str) -> Any:
    """``model.output`` or else the only float tensor output; ModelError naming the outputs otherwise."""
    listed = "; ".join(_shown(o) for o in outputs)
    if requested is not None:
        matches = [o for o in outputs if o.name == requested]
        if not matches:
            raise ModelError(f"model.output is {requested!r} but {what} has the outputs {listed}; set model.output "
                             "to one of their names")
        node = matches[0]
    else:
        floats = [o for o in outputs if o.type in _FLOAT_OUTPUTS]
        if len(floats) == 1:
            return floats[0]
        if len(floats) > 1:
            raise ModelError(f"{what} has several float outputs ({listed}); set model.output to the name of the one "
                             "holding the class probabilities")
        maps = [o for o in outputs if o.type.startswith("seq(map(")]
        if maps:
            raise _zipmap_error(maps[0], what)
        raise ModelError(f"{what} has no float tensor output ({listed}); auditkit reads class probabilities")
    if node.type.startswith("seq(map("):
        raise _zipmap_error(node, what)
    if node.type not in _FLOAT_OUTPUTS:
        raise ModelError(f"model.output {node.name!r} of {what} is {node.type} (labels?), not probabilities; choose "
                         f"the probability output among: {listed}")
    return node


class OnnxAdapter(BlackBoxTabularAdapter):
    """An ONNX graph run by an onnxruntime ``InferenceSession``, read as class probabilities (see the module)."""

    fingerprint_basis = "SHA-256 of the .onnx file's bytes (weights stored as ONNX external data are not included)"

    def __init__(self, session: Any, *, spec: OnnxSpec, path: Path, device: torch.device,
                 feature_names: list[str]) -> None:
        import onnxruntime as ort

        self._ort_version = ort.__version__
        self.session = session
        what = f"onnx model {path.name!r}"
        self._input, self._input_dtype = _check_input(session.get_inputs(), feature_names, what)
        self._output = _choose_output(session.get_outputs(), spec.output, what)
        self.fingerprint = file_sha256(path)
        self.device = torch.device(device)
        meta = session.get_modelmeta()
        self._meta = {"producer_name": meta.producer_name, "graph_name": meta.graph_name, "domain": meta.domain,
                      "model_version": meta.version, "opset": _opsets(path)}
        source = {"path": spec.path, "path_resolved": str(path), "format": "onnx"}
        self._setup(spec, name=path.name, source=source, feature_names=feature_names)

    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        """One ``session.run`` on a block cast to the input's element type; values checked to lie in [0, 1]."""
        block = np.ascontiguousarray(x, dtype=self._input_dtype)
        try:
            (out,) = self.session.run([self._output.name], {self._input.name: block})
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
            raise ModelError(f"{self._what()} failed on a block of {x.shape[0]} rows: {type(exc).__name__}: "
                             f"{first}") from None
        out = np.asarray(out, dtype=np.float64)
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        finite = out[np.isfinite(out)]
        if finite.size and (finite.min() < -_PROBA_TOL or finite.max() > 1.0 + _PROBA_TOL):
            raise ModelError(
                f"output {self._output.name!r} of {self._what()} has values from {finite.min():.4g} to "
                f"{finite.max():.4g}, outside [0, 1]: it looks like a logit or score, not a probability; export the "
                "model with its Sigmoid/Softmax, or set model.output to the probability output")
        out = np.clip(out, 0.0, 1.0)
        return binary_proba(out) if out.ndim == 1 else out

    def _model_record(self) -> dict[str, Any]:
        return {
            "class": "onnxruntime.InferenceSession",
            "library": f"onnxruntime {self._ort_version}",
            "providers": list(self.session.get_providers()),
            "inputs": [_arg(i) for i in self.session.get_inputs()],
            "outputs": [_arg(o) for o in self.session.get_outputs()],
            "output_read": self._output.name,
            **self._meta,
        }


def _opsets(path: Path) -> dict[str, int] | None:
    """The graph's opset imports ``{domain: version}`` ("ai.onnx" for the default domain), read with the ``onnx``
    package when it is installed (onnxruntime does not expose them); None when it is not or cannot parse the file."""
    try:
        import onnx
    except ImportError:
        return None
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception:  # an onnx package older than the file's IR: onnxruntime ran it, the opsets stay unrecorded
        return None
    return {(o.domain or "ai.onnx"): int(o.version) for o in model.opset_import}


def _providers(ort: Any, device: torch.device) -> list[str]:
    """CPUExecutionProvider, or CUDA first under ``--device cuda``; ModelError when this onnxruntime has no CUDA."""
    if device.type != "cuda":
        return [_CPU]
    available = ort.get_available_providers()
    if _CUDA not in available:
        raise ModelError(f"--device {device} was requested but this onnxruntime has no {_CUDA} (available: "
                         f"{', '.join(available)}); install onnxruntime-gpu in place of onnxruntime, or run with "
                         "--device cpu")
    index = device.index if device.index is not None else 0
    return [(_CUDA, {"device_id": index}), _CPU]


def load_onnx_adapter(spec: OnnxSpec, *, base_dir: Path, device: torch.device,
                      feature_names: list[str]) -> OnnxAdapter:
    """Build the adapter for ``type: onnx``: an InferenceSession on the CPU, or on CUDA under ``--device cuda``."""
    ort = import_optional("onnxruntime", extra="onnx", model_type="onnx")
    path = resolve_file(spec.path, base_dir=base_dir, field="model.path")
    device = torch.device(device)
    providers = _providers(ort, device)
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only: onnxruntime's warnings about unused initialisers are noise here
    try:
        session = ort.InferenceSession(str(path), sess_options=options, providers=providers)
    except Exception as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
        raise ModelError(f"model.path {spec.path!r} is not a readable ONNX model ({type(exc).__name__}: "
                         f"{first})") from None
    if device.type == "cuda" and _CUDA not in session.get_providers():
        raise ModelError(f"--device {device} was requested but onnxruntime could not start {_CUDA} for "
                         f"{path.name!r} (CUDA or cuDNN libraries missing?; it runs on {session.get_providers()}); "
                         "fix the CUDA installation or run with --device cpu")
    return OnnxAdapter(session, spec=spec, path=path, device=device, feature_names=feature_names)
