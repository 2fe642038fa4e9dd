"""``type: mlflow``: a model logged with MLflow, audited through the adapter of its flavour.

The URI is resolved to a local model directory (:mod:`auditkit.adapters.mlflow_store`
for ``models:/`` and ``runs:/``; a local directory is read in place), its
``MLmodel`` file is read as YAML, and the files of one flavour go to the adapter
auditkit already has for that library:

============  =====================================  ======================================================
flavour       file (MLmodel key)                     adapter
============  =====================================  ======================================================
xgboost       ``data``: ``model.ubj`` / ``.json``    ``type: xgboost`` (the legacy ``.xgb`` format is refused)
lightgbm      ``data``: ``model.lgb`` (a Booster)    ``type: lightgbm``; an ``LGBMClassifier`` saved as
                                                     ``model.skops`` / ``model.pkl`` goes to ``type: sklearn``
onnx          ``data``: ``model.onnx``               ``type: onnx``
sklearn       ``pickled_model``: ``model.skops`` or  ``type: sklearn``: skops with the policy's ``trusted``
              ``model.pkl`` (pickle / cloudpickle)   list; a pickle only with ``allow_pickle: true``
============  =====================================  ======================================================

``mlflow.pyfunc.load_model`` is never called: it unpickles, imports the code
the model directory ships and may install packages. The ``MLmodel`` file is data
from the artifact store and is trusted for nothing: a file it names must lie
inside the model directory, the file's own suffix (not the MLmodel's
``serialization_format``) decides between skops and pickle, and its
``skops_trusted_types`` are shown as a hint, never used. A model directory whose
flavours include none of the four is an error naming the flavours found.

The adapter is the flavour's own, so predictions, fingerprint and capabilities
(TreeSHAP and leaf probes for boosters) are exactly those of the direct type;
:meth:`~auditkit.adapters.blackbox.BlackBoxTabularAdapter.loaded_through` adds
the MLflow provenance (URI, registered name, version, alias, run id, stores,
flavour) to its model reference.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import torch
import yaml

from auditkit.adapters.base import ModelAdapter
from auditkit.adapters.blackbox import BlackBoxTabularAdapter
from auditkit.adapters.mlflow_store import ResolvedModel, resolve_store_model
from auditkit.errors import ModelError
from auditkit.policy.model_specs import (
    MLFLOW_FLAVOURS,
    PICKLE_SUFFIXES,
    SKOPS_SUFFIXES,
    MlflowRef,
    MlflowSpec,
    ModelSpec,
    parse_mlflow_uri,
)

_XGB_SUFFIXES = (".json", ".ubj")
#: The MLmodel key naming each flavour's model file.
_FILE_KEY = {"xgboost": "data", "lightgbm": "data", "onnx": "data", "sklearn": "pickled_model"}


def _local_directory(spec: MlflowSpec, ref: MlflowRef, base_dir: Path) -> ResolvedModel:
    """A local MLflow model directory (a path relative to the policy, or a ``file:`` URI), read in place."""
    value = str(ref.path)
    parts = urlsplit(value)
    raw = unquote(parts.path) if parts.scheme.lower() == "file" else value
    path = Path(raw).expanduser()
    path = path if path.is_absolute() else base_dir / path
    if path.is_file() and path.name == "MLmodel":
        path = path.parent
    if not (path / "MLmodel").is_file():
        what = "has no MLmodel file" if path.is_dir() else "was not found"
        raise ModelError(f"model.uri: {path} {what} (given as {spec.uri!r}; relative paths are resolved against the "
                         f"policy's directory {base_dir}); point it at the directory mlflow.<flavour>.save_model "
                         "wrote, or use a models:/ or runs:/ URI")
    return ResolvedModel(path.resolve(), {"model_directory": str(path.resolve())})


def _read_mlmodel(directory: Path, uri: str) -> dict[str, Any]:
    try:
        document = yaml.safe_load((directory / "MLmodel").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ModelError(f"model.uri {uri!r}: the MLmodel file of {directory} cannot be read "
                         f"({type(exc).__name__}: {exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("flavors"), dict):
        raise ModelError(f"model.uri {uri!r}: the MLmodel file of {directory} has no 'flavors' mapping; it is not "
                         "an MLflow model")
    return document


def _choose_flavour(spec: MlflowSpec, flavours: dict[str, Any]) -> str:
    """``model.flavour`` if given (it must be in the MLmodel), else the first of :data:`MLFLOW_FLAVOURS` present."""
    found = ", ".join(flavours) or "none"
    supported = ", ".join(MLFLOW_FLAVOURS)
    if spec.flavour is not None:
        if spec.flavour not in flavours:
            raise ModelError(f"model.flavour is {spec.flavour!r} but the model at {spec.uri!r} has the flavours "
                             f"{found}; choose one of those auditkit reads ({supported}) or remove model.flavour")
        return spec.flavour
    usable = [f for f in MLFLOW_FLAVOURS if f in flavours]
    if not usable:
        raise ModelError(f"the model at {spec.uri!r} has the MLflow flavours {found}, none of which auditkit reads "
                         f"without running the model's own code; supported flavours: {supported}. Log the model "
                         "with mlflow.xgboost, mlflow.lightgbm, mlflow.onnx or mlflow.sklearn (skops), or export it "
                         "to ONNX")
    return usable[0]


def _model_file(spec: MlflowSpec, directory: Path, flavour: str, conf: dict[str, Any]) -> str:
    """The flavour's model file, relative to ``directory``; refused when the MLmodel points outside it."""
    rel = conf.get(_FILE_KEY[flavour])
    if not isinstance(rel, str) or not rel.strip():
        raise ModelError(f"the {flavour} flavour of the model at {spec.uri!r} names no model file (MLmodel key "
                         f"{_FILE_KEY[flavour]!r}); the model directory is incomplete")
    root = directory.resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        raise ModelError(f"the MLmodel file of the model at {spec.uri!r} names {rel!r}, which lies outside the "
                         "model directory; auditkit reads only files inside it")
    if not target.is_file():
        raise ModelError(f"the {flavour} flavour of the model at {spec.uri!r} names {rel!r}, which is not in the "
                         f"model directory {directory}")
    return target.relative_to(root).as_posix()


def _refuse_unused(spec: MlflowSpec, used: set[str], what: str) -> None:
    """No silent keys: ``allow_pickle``, ``trusted`` and ``output`` must apply to the file actually read."""
    for key, hint in (("allow_pickle", "it is for a pickled sklearn model"),
                      ("trusted", "it lists types of a skops archive"),
                      ("output", "it names an output of an ONNX model")):
        if key not in used and key in spec.model_fields_set and getattr(spec, key) not in (False, [], None):
            raise ModelError(f"model.{key} is set, but {what}: {hint}; remove model.{key}")


def _sklearn_spec(spec: MlflowSpec, rel: str, flavour: str, conf: dict[str, Any], common: dict[str, Any]) -> ModelSpec:
    """A pickle or skops file of the sklearn API (sklearn, or an LGBMClassifier) → the ``type: sklearn`` spec."""
    suffix = Path(rel).suffix.lower()
    what = f"the model at {spec.uri!r} is a {flavour} flavour stored as {rel!r}"
    if suffix in PICKLE_SUFFIXES:
        _refuse_unused(spec, {"allow_pickle"}, what)
        if not spec.allow_pickle:
            fmt = conf.get("serialization_format") or "pickle"
            raise ModelError(
                f"{what} ({fmt}): loading it executes code named in the file, so auditkit does not open it unless the "
                "policy says 'allow_pickle: true' under model (and the report then states that the model file was "
                "unpickled). Prefer logging the model with serialization_format='skops'")
        return ModelSpec(type="sklearn", path=rel, allow_pickle=True, **common)
    if suffix in SKOPS_SUFFIXES:
        _refuse_unused(spec, {"trusted"}, what)
        return ModelSpec(type="sklearn", path=rel, trusted=list(spec.trusted), **common)
    raise ModelError(f"{what}, which is neither a skops archive ({', '.join(SKOPS_SUFFIXES)}) nor a pickle "
                     f"({', '.join(PICKLE_SUFFIXES)}); auditkit cannot read it")


def _flavour_spec(spec: MlflowSpec, flavour: str, rel: str, conf: dict[str, Any]) -> ModelSpec:
    """The spec of the auditkit type that reads the flavour's file (its path relative to the model directory)."""
    common: dict[str, Any] = {"favourable_output": spec.favourable_output,
                              "decision_threshold": spec.decision_threshold}
    if "batch_size" in spec.model_fields_set:
        common["batch_size"] = spec.batch_size
    suffix = Path(rel).suffix.lower()
    what = f"the model at {spec.uri!r} is a {flavour} flavour stored as {rel!r}"
    if flavour == "xgboost":
        _refuse_unused(spec, set(), what)
        if suffix not in _XGB_SUFFIXES:
            raise ModelError(f"{what} (model_format {conf.get('model_format')!r}): XGBoost's legacy binary format, "
                             "which auditkit does not read; log the model with mlflow.xgboost.log_model(..., "
                             "model_format='ubj') or 'json'")
        return ModelSpec(type="xgboost", path=rel, **common)
    if flavour == "lightgbm":
        if suffix in SKOPS_SUFFIXES + PICKLE_SUFFIXES:  # an LGBMClassifier, saved through the sklearn API
            return _sklearn_spec(spec, rel, flavour, conf, common)
        _refuse_unused(spec, set(), what)
        return ModelSpec(type="lightgbm", path=rel, **common)
    if flavour == "onnx":
        _refuse_unused(spec, {"output"}, what)
        return ModelSpec(type="onnx", path=rel, output=spec.output, **common)
    return _sklearn_spec(spec, rel, flavour, conf, common)


def _load_flavour(spec: MlflowSpec, resolved: ResolvedModel, *, device: torch.device,
                  feature_names: list[str]) -> tuple[BlackBoxTabularAdapter, str, str, dict[str, Any]]:
    """Read the MLmodel, choose the flavour and load its file with that type's adapter (errors name the URI)."""
    from auditkit.adapters import load_adapter

    mlmodel = _read_mlmodel(resolved.directory, spec.uri)
    flavours = mlmodel["flavors"]
    flavour = _choose_flavour(spec, flavours)
    conf = flavours.get(flavour) or {}
    rel = _model_file(spec, resolved.directory, flavour, conf)
    inner = _flavour_spec(spec, flavour, rel, conf)
    try:
        adapter = load_adapter(inner, base_dir=resolved.directory, device=device, feature_names=feature_names)
    except ModelError as exc:
        listed = conf.get("skops_trusted_types") if rel.endswith(SKOPS_SUFFIXES) else None
        hint = (f" (the MLmodel file lists skops_trusted_types {', '.join(map(str, listed))}; it comes with the "
                "model, so review each type before listing it in the policy)") if isinstance(listed, list) else ""
        raise ModelError(f"model.uri {spec.uri!r} (MLflow {flavour} flavour, file {rel}): {exc}{hint}") from None
    if not isinstance(adapter, BlackBoxTabularAdapter):  # pragma: no cover - every flavour above is one
        raise ModelError(f"model.uri {spec.uri!r}: the {flavour} flavour loaded as {type(adapter).__name__}")
    return adapter, flavour, rel, mlmodel


def load_mlflow_adapter(spec: MlflowSpec, *, base_dir: Path, device: torch.device,
                        feature_names: list[str]) -> ModelAdapter:
    """Build the adapter for ``type: mlflow``: resolve the URI, read the flavour's file with its type's adapter,
    and record the MLflow provenance with it (the downloaded copy is deleted once the model is in memory)."""
    ref = parse_mlflow_uri(spec.uri)
    with tempfile.TemporaryDirectory(prefix="auditkit-mlflow-") as tmp:
        if ref.needs_store:
            resolved = resolve_store_model(spec, ref, base_dir=Path(base_dir), dst=Path(tmp))
        else:
            resolved = _local_directory(spec, ref, Path(base_dir))
        adapter, flavour, rel, mlmodel = _load_flavour(spec, resolved, device=device, feature_names=feature_names)
    file_source = {k: v for k, v in adapter.describe()["source"].items() if k != "path_resolved"}
    record: dict[str, Any] = {
        "mlflow_uri": spec.uri,
        "flavour": flavour,
        "run_id": mlmodel.get("run_id") or None,
        "logged_model_id": mlmodel.get("model_id") or None,
        "logged_with": f"MLflow {mlmodel['mlflow_version']}" if mlmodel.get("mlflow_version") else None,
        **resolved.record,
        "source": {**file_source, "path": rel},
    }
    if ref.kind in ("version", "alias"):
        name = f"{record['registered_model']} version {record['model_version']}"
    elif ref.kind == "local":
        name = resolved.directory.name
    else:
        name = spec.uri
    adapter.loaded_through("mlflow", name=name, record={k: v for k, v in record.items() if v is not None})
    return adapter
