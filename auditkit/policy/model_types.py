"""The model-type registry: everything auditkit knows about a ``model.type``, in one record.

Each :class:`ModelType` owns its policy spec (a :mod:`auditkit.policy.model_specs`
class whose ``type`` literal is the name), its task (which decides how the data
is read and whether ``data.features`` is required), its loader (a
``"module:function"`` path imported only when a policy asks for the type, so
optional libraries stay optional), the pip extra that installs its library, and
the capabilities its adapter provides. The policy schema's ``model`` union, the
policy loader's cross-checks, the runner's task and
:func:`auditkit.adapters.load_adapter` all read this registry instead of
comparing type strings.

The registry lives in ``policy/`` because the policy schema is built from it and
imports point one way (policy → adapters): the loader is named by its import
path, never imported here. Capabilities are the names of the protocols in
:mod:`auditkit.adapters.base`; the adapter tests check each type's loaded
adapter against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, Union

from pydantic import Field

from auditkit.policy.model_specs import (
    HuggingFaceCausalSpec,
    HuggingFaceSpec,
    LightGBMSpec,
    MlflowSpec,
    ModelSpec,
    OnnxSpec,
    SklearnSpec,
    TorchSpec,
    XGBoostSpec,
    type_names,
)

ModelTask = Literal["tabular", "text"]

#: Every capability protocol an adapter may provide (see :mod:`auditkit.adapters.base`).
CAPABILITIES = ("SupportsGradients", "SupportsLayers", "SupportsTokens", "SupportsTreeStructure",
                "SupportsReadout")


@dataclass(frozen=True)
class ModelType:
    """One registered model type.

    Attributes
    ----------
    name:
        The ``model.type`` value.
    spec:
        Its policy spec class (``type: Literal[name]``).
    task:
        ``"tabular"`` (needs ``data.features``) or ``"text"`` (needs ``data.text_column``).
    loader:
        ``"module:function"`` building the adapter: ``function(spec, *, base_dir, device, feature_names,
        allow_remote_code)``.
    loads:
        What the type loads, in words (the README's model-types table).
    capabilities:
        Names of the capability protocols the adapter provides.
    library:
        The import name of the library every model of the type needs beyond auditkit's core dependencies,
        checked before the loader runs (None: none, or the loader imports it only for some files).
    extra:
        The pip extra that installs it: ``pip install "auditkit[<extra>]"``.
    remote_code:
        Whether the type can run code shipped with the model (then ``allow_remote_code`` applies to it).
    """

    name: str
    spec: type[ModelSpec]
    task: ModelTask
    loader: str
    loads: str
    capabilities: tuple[str, ...]
    library: str | None = None
    extra: str | None = None
    remote_code: bool = False

    def __post_init__(self) -> None:
        if type_names(self.spec) != (self.name,):
            raise ValueError(f"model type {self.name!r}: its spec {self.spec.__name__} must declare "
                             f"type: Literal[{self.name!r}], declares {type_names(self.spec)}")
        unknown = [c for c in self.capabilities if c not in CAPABILITIES]
        if unknown:
            raise ValueError(f"model type {self.name!r}: unknown capabilities {unknown}; known: {CAPABILITIES}")

    @property
    def needs_features(self) -> bool:
        """Whether the policy must list the model's input columns (``data.features``)."""
        return self.task == "tabular"

    def install_hint(self) -> str:
        """How to install this type's library (empty when it needs none beyond auditkit)."""
        return f'pip install "auditkit[{self.extra}]"' if self.extra else ""


MODEL_TYPES: dict[str, ModelType] = {}


def register_model_type(model_type: ModelType) -> ModelType:
    """Add ``model_type`` to the registry (names are unique)."""
    if model_type.name in MODEL_TYPES:
        raise ValueError(f"model type {model_type.name!r} is already registered")
    MODEL_TYPES[model_type.name] = model_type
    return model_type


def model_type(name: str) -> ModelType:
    """The registered type called ``name``; KeyError naming the known types otherwise."""
    try:
        return MODEL_TYPES[name]
    except KeyError:
        raise KeyError(f"model type {name!r} is not registered; known types: {', '.join(MODEL_TYPES)}") from None


_BLACK_BOX = "perturbation explainers only (no gradients, no layers)"

register_model_type(ModelType(
    "torch", TorchSpec, "tabular", "auditkit.adapters.torch_model:load_torch_adapter",
    "a tabular nn.Module from a factory (+ safetensors / torch.save state dict), or a TorchScript archive",
    ("SupportsGradients", "SupportsLayers")))
register_model_type(ModelType(
    "huggingface", HuggingFaceSpec, "text", "auditkit.adapters.hf:load_hf_adapter",
    "a transformers sequence classifier and its fast tokenizer from a local directory",
    ("SupportsGradients", "SupportsLayers", "SupportsTokens"), remote_code=True))
register_model_type(ModelType(
    "huggingface-causal", HuggingFaceCausalSpec, "text", "auditkit.adapters.hf_causal:load_hf_causal_adapter",
    "a transformers decoder (AutoModelForCausalLM) and its fast tokenizer from a local directory, asked a prompt per "
    "text: the score is the favourable answer's probability among the two answers as the next tokens",
    ("SupportsGradients", "SupportsLayers", "SupportsTokens", "SupportsReadout"), remote_code=True))
register_model_type(ModelType(
    "sklearn", SklearnSpec, "tabular", "auditkit.adapters.sklearn_model:load_sklearn_adapter",
    f"a fitted classifier or Pipeline with predict_proba: a skops archive, or joblib/pickle with allow_pickle; "
    f"{_BLACK_BOX}",
    (), extra="sklearn"))  # skops is imported by the loader for .skops files only: a joblib file needs none
register_model_type(ModelType(
    "xgboost", XGBoostSpec, "tabular", "auditkit.adapters.tree_models:load_xgboost_adapter",
    f"an XGBoost binary:logistic model in JSON or UBJ (Booster or XGBClassifier.save_model); {_BLACK_BOX}",
    ("SupportsTreeStructure",), library="xgboost", extra="xgboost"))
register_model_type(ModelType(
    "lightgbm", LightGBMSpec, "tabular", "auditkit.adapters.tree_models:load_lightgbm_adapter",
    f"a LightGBM binary model in its text format (Booster or LGBMClassifier.booster_); {_BLACK_BOX}",
    ("SupportsTreeStructure",), library="lightgbm", extra="lightgbm"))
register_model_type(ModelType(
    "onnx", OnnxSpec, "tabular", "auditkit.adapters.onnx_model:load_onnx_adapter",
    f"any ONNX model with one float (n, d) input and a probability output (skl2onnx/onnxmltools conversions, "
    f"torch.onnx exports), run with onnxruntime (CUDA execution provider with --device cuda); {_BLACK_BOX}",
    (), library="onnxruntime", extra="onnx"))
register_model_type(ModelType(
    "mlflow", MlflowSpec, "tabular", "auditkit.adapters.mlflow_model:load_mlflow_adapter",
    "a model logged with MLflow (models:/NAME/VERSION, models:/NAME@ALIAS, runs:/RUN_ID/PATH, or a model directory) "
    "from a tracking/registry store the policy names (a local file or SQLite store works offline): the MLmodel "
    "file's xgboost, lightgbm, onnx or sklearn flavour is read by that type's adapter (never mlflow.pyfunc); the "
    "registered name, version, alias and run id go into the provenance",
    # the capabilities are those of the flavour's adapter (SupportsTreeStructure for XGBoost and LightGBM boosters),
    # known only once the MLmodel file is read. mlflow is imported by the loader itself, after it has turned
    # MLflow's usage telemetry off, and only for store URIs: a local model directory needs no MLflow.
    (), extra="mlflow"))

#: The policy's ``model`` section: the spec of the registered type named by ``model.type``.
AnyModelSpec = Annotated[Union[tuple(t.spec for t in MODEL_TYPES.values())], Field(discriminator="type")]  # noqa: UP007
