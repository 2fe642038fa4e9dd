"""The ``model`` section of a policy: one spec class per model type, chosen by ``model.type``.

:class:`ModelSpec` holds what every type shares (the favourable output, the
decision threshold, the batch size); each registered type
(:mod:`auditkit.policy.model_types`) adds its own keys and rules, so that a key
of another type is an error naming the allowed keys, not a silently ignored
value. ``ModelSpec(type="torch", ...)`` still builds the right variant (it
dispatches on ``type``), so code that builds a spec in Python keeps working.

Relative paths resolve against the policy file. No spec here executes
anything: a model file that can only be loaded by running code (a pickle, a
``trust_remote_code`` directory) needs an explicit opt-in key in the policy.
"""

from __future__ import annotations

import re
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from auditkit.policy.sections import OpenFraction, Scalar, Section

#: ``model.options`` a ``type: huggingface`` policy may pass to ``from_pretrained`` (value: allowed values, or
#: None for any scalar). Anything else is refused: options such as ``trust_remote_code`` execute code from the
#: model directory, which ``trust_remote_code`` allows only with a top-level ``allow_remote_code: true``.
HF_OPTIONS: dict[str, tuple[Scalar, ...] | None] = {
    "dtype": ("auto", "float32", "float16", "bfloat16"),
    "torch_dtype": ("auto", "float32", "float16", "bfloat16"),
    "revision": None,
    "attn_implementation": ("eager", "sdpa"),
    "low_cpu_mem_usage": (True, False),
    "use_safetensors": (True, False),
    "num_labels": None,
    "trust_remote_code": (True, False),
}

#: File endings a ``type: sklearn`` model may have: skops archives, and pickles (only with ``allow_pickle``).
SKOPS_SUFFIXES = (".skops",)
PICKLE_SUFFIXES = (".joblib", ".pkl", ".pickle")


class ModelSpec(Section):
    """How to load the model: the keys every model type shares.

    ``favourable_output`` is the output (class) index of the favourable outcome,
    ``decision_threshold`` turns its probability into a decision, ``batch_size``
    is rows (or texts) per prediction call. Build a spec with
    ``ModelSpec(type=..., ...)`` or validate the policy: either way the result is
    the variant registered for ``type``.
    """

    type: str
    favourable_output: int = Field(default=1, ge=0)
    decision_threshold: OpenFraction = 0.5
    batch_size: int = Field(default=1024, ge=1)

    #: ``model.options`` allow-list of this type (None: the options are free, e.g. a torch factory's kwargs).
    option_choices: ClassVar[Mapping[str, tuple[Scalar, ...] | None] | None] = None

    def __new__(cls, *args: Any, **data: Any) -> ModelSpec:
        """``ModelSpec(type=t, ...)`` builds the variant registered for ``t`` (pydantic then validates it)."""
        if cls is ModelSpec:
            cls = variant_for(data.get("type"))
        return super().__new__(cls)


def _variants(base: type[ModelSpec]) -> list[type[ModelSpec]]:
    out = []
    for sub in base.__subclasses__():
        out += [sub, *_variants(sub)]
    return out


def type_names(spec: type[ModelSpec]) -> tuple[str, ...]:
    """The ``model.type`` values a spec class accepts (the arguments of its ``type: Literal[...]``)."""
    return tuple(typing.get_args(spec.model_fields["type"].annotation))


def variant_for(type_name: Any) -> type[ModelSpec]:
    """The spec class whose ``type`` literal is ``type_name``; ValueError naming the known types otherwise."""
    variants = _variants(ModelSpec)
    for sub in variants:
        if type_name in type_names(sub):
            return sub
    known = ", ".join(n for sub in variants for n in type_names(sub))
    raise ValueError(f"model.type {type_name!r} is not a registered model type; known types: {known}")


class _TorchFamilySpec(ModelSpec):
    """Keys shared by the torch and transformers types (both read ``max_length`` and free ``options``)."""

    factory: str | None = None
    weights: str | None = None
    torchscript: str | None = None
    path: str | None = None
    options: dict[str, Scalar] = Field(default_factory=dict)
    max_length: int = Field(default=256, ge=8)


class TorchSpec(_TorchFamilySpec):
    """``type: torch``: a tabular ``nn.Module``.

    Either ``factory`` (``"package.module:function"`` or ``"file.py:function"``
    relative to the policy file; it must return an ``nn.Module``) with optional
    ``weights`` (a safetensors or ``torch.save`` state dict, loaded with
    ``weights_only=True``), or ``torchscript`` (a file). ``options`` are the
    factory's keyword arguments.
    """

    type: Literal["torch"]

    @model_validator(mode="after")
    def _one_source(self) -> TorchSpec:
        given = [k for k in ("factory", "torchscript") if getattr(self, k)]
        if len(given) != 1:
            raise PydanticCustomError(
                "model_source",
                "a torch model needs exactly one of 'factory' (\"package.module:function\") "
                "or 'torchscript' (a file), got {given}",
                {"given": ", ".join(given) or "neither"},
            )
        if self.path:
            raise PydanticCustomError(
                "model_source", "'path' is for type: huggingface; a torch model uses 'factory' or 'torchscript'"
            )
        if self.weights and self.torchscript:
            raise PydanticCustomError("model_source", "'weights' goes with 'factory', not with 'torchscript'")
        return self


class HuggingFaceSpec(_TorchFamilySpec):
    """``type: huggingface``: ``path``, a local directory with a sequence classifier and its tokenizer.

    ``options`` go to ``from_pretrained`` and are limited to :data:`HF_OPTIONS`;
    ``max_length`` truncates the tokenized texts.
    """

    type: Literal["huggingface"]
    option_choices: ClassVar[Mapping[str, tuple[Scalar, ...] | None] | None] = HF_OPTIONS

    @model_validator(mode="after")
    def _one_source(self) -> HuggingFaceSpec:
        if not self.path:
            raise PydanticCustomError(
                "model_source", "a huggingface model needs 'path': a local directory with the model and tokenizer"
            )
        stray = [k for k in ("factory", "torchscript", "weights") if getattr(self, k)]
        if stray:
            raise PydanticCustomError(
                "model_source", "{keys} not used with type: huggingface; remove it", {"keys": ", ".join(stray)}
            )
        return self


#: ``model.precision`` of ``type: huggingface-causal``: the weights' dtype. ``auto``: bfloat16 on a CUDA device that
#: supports it (float16 on one that does not), float32 on the CPU.
PRECISIONS = ("auto", "fp32", "bf16", "fp16")
#: The placeholder a causal model's ``prompt`` must hold exactly once: where the audit text goes.
PROMPT_FIELD = "{text}"


class AnswerSpec(Section):
    """The two answers a decoder model chooses between: text as it follows the prompt (leading space included)."""

    favourable: Annotated[str, Field(min_length=1)]
    unfavourable: Annotated[str, Field(min_length=1)]

    @model_validator(mode="after")
    def _distinct(self) -> AnswerSpec:
        if self.favourable == self.unfavourable:
            raise PydanticCustomError("answers", "the favourable and unfavourable answers are both {a!r}; they must "
                                      "differ (e.g. favourable: \" Yes\", unfavourable: \" No\")",
                                      {"a": self.favourable})
        return self


class HuggingFaceCausalSpec(_TorchFamilySpec):
    """``type: huggingface-causal``: ``path``, a local ``AutoModelForCausalLM`` directory with its tokenizer.

    Each audit text is put into ``prompt`` at ``{text}`` (with ``chat: true`` the prompt is the user message of
    the tokenizer's chat template, followed by the assistant turn's opening); the score is the probability of
    the ``favourable`` answer among the two ``answers`` as the next tokens (multi-token answers: the sum of
    their tokens' log-probabilities), the decision ``score >= decision_threshold``. ``precision`` picks the
    weights' dtype (the CLI's ``--precision`` overrides it). ``favourable_output`` does not apply: the answers
    name the favourable outcome.
    """

    type: Literal["huggingface-causal"]
    prompt: Annotated[str, Field(min_length=1)]
    answers: AnswerSpec
    chat: bool = False
    precision: Literal["auto", "fp32", "bf16", "fp16"] = "auto"
    option_choices: ClassVar[Mapping[str, tuple[Scalar, ...] | None] | None] = HF_OPTIONS

    @model_validator(mode="after")
    def _prompt(self) -> HuggingFaceCausalSpec:
        if not self.path:
            raise PydanticCustomError(
                "model_source", "a huggingface-causal model needs 'path': a local directory with the model and "
                "tokenizer (written by save_pretrained)")
        stray = [k for k in ("factory", "torchscript", "weights") if getattr(self, k)]
        if "favourable_output" in self.model_fields_set:
            stray.append("favourable_output (the answers name the favourable outcome)")
        if any(k in self.options for k in ("num_labels", "dtype", "torch_dtype")):
            stray.append("options.num_labels/dtype (use precision: auto|fp32|bf16|fp16 for the dtype)")
        if stray:
            raise PydanticCustomError(
                "model_source", "{keys} not used with type: huggingface-causal; remove it", {"keys": ", ".join(stray)})
        count = self.prompt.count(PROMPT_FIELD)
        if count != 1:
            raise PydanticCustomError(
                "prompt", "the prompt must contain {field} exactly once (where the audit text goes), found it "
                "{count} times in {prompt!r}", {"field": PROMPT_FIELD, "count": count, "prompt": self.prompt[:120]})
        return self


class SklearnSpec(ModelSpec):
    """``type: sklearn``: a fitted classifier or Pipeline with ``predict_proba``.

    ``path`` is a skops archive (``.skops``, loaded with ``skops.io.load``: no
    pickle; every type outside skops' safe defaults must be listed in
    ``trusted`` by its full name, as ``skops.io.get_untrusted_types`` prints it).
    A joblib or pickle file (``.joblib``, ``.pkl``, ``.pickle``) is loaded only
    with ``allow_pickle: true``: unpickling runs code from the file, so the run
    record states that the model file was unpickled. ``favourable_output`` is the
    ``predict_proba`` column (the index in ``classes_``) of the favourable class.
    """

    type: Literal["sklearn"]
    path: str
    trusted: list[str] = Field(default_factory=list)
    allow_pickle: bool = False

    @model_validator(mode="after")
    def _format(self) -> SklearnSpec:
        suffix = "." + self.path.rsplit(".", 1)[-1].lower() if "." in self.path else ""
        if suffix not in SKOPS_SUFFIXES + PICKLE_SUFFIXES:
            raise PydanticCustomError(
                "model_source", "'path' of a sklearn model must be a skops archive (.skops) or, with "
                "'allow_pickle: true', a joblib/pickle file (.joblib, .pkl, .pickle); got {path!r}",
                {"path": self.path})
        if suffix in SKOPS_SUFFIXES and self.allow_pickle:
            raise PydanticCustomError(
                "model_source", "'allow_pickle' is for joblib/pickle files; a skops archive is loaded without "
                "pickle: remove allow_pickle")
        if suffix in PICKLE_SUFFIXES and self.trusted:
            raise PydanticCustomError(
                "model_source", "'trusted' lists types a skops archive may contain; a pickle file is all or nothing "
                "(allow_pickle): remove trusted")
        return self


class XGBoostSpec(ModelSpec):
    """``type: xgboost``: a binary ``binary:logistic`` model in XGBoost's own format (``.json`` or ``.ubj``).

    Saved with ``Booster.save_model`` or ``XGBClassifier.save_model``; never a
    pickle. Predicts on the GPU when the run uses ``--device cuda``.
    """

    type: Literal["xgboost"]
    path: str


class LightGBMSpec(ModelSpec):
    """``type: lightgbm``: a binary (``objective: binary``) model in LightGBM's text format.

    Saved with ``Booster.save_model`` (``LGBMClassifier.booster_.save_model``);
    never a pickle. Predicts on the CPU.
    """

    type: Literal["lightgbm"]
    path: str


class OnnxSpec(ModelSpec):
    """``type: onnx``: any ONNX model file (``.onnx``), run with onnxruntime.

    The model must take one float tensor of shape ``(n, d)`` with ``d`` the
    number of ``data.features`` (skl2onnx: ``initial_types=[("X",
    FloatTensorType([None, d]))]``) and output class probabilities, ``(n, k)``
    or P(class 1) as ``(n,)``/``(n, 1)``. ``output`` names the output to read
    when the model has several float outputs (by default the only float tensor
    output is read, so skl2onnx's ``label`` + ``probabilities`` pair needs no
    setting). ``favourable_output`` is the probability column of the favourable
    class. Runs on the CUDA execution provider under ``--device cuda``.
    """

    type: Literal["onnx"]
    path: str
    output: str | None = None

    @model_validator(mode="after")
    def _format(self) -> OnnxSpec:
        if not self.path.lower().endswith(".onnx"):
            raise PydanticCustomError(
                "model_source", "'path' of an onnx model must be an ONNX file (.onnx); got {path!r}",
                {"path": self.path})
        return self


#: The MLflow flavours ``type: mlflow`` reads, in the order it prefers them when a model has several.
MLFLOW_FLAVOURS = ("xgboost", "lightgbm", "onnx", "sklearn")
_MLFLOW_NAME = r"[^/@\s]+"
_MLFLOW_MODELS = re.compile(rf"^models:/(?P<name>{_MLFLOW_NAME})(?:/(?P<version>[^/@\s]+)|@(?P<alias>[^/@\s]+))?/?$")
_MLFLOW_RUNS = re.compile(r"^runs:/(?P<run_id>[0-9A-Za-z_-]+)/(?P<path>\S+?)/?$")
_URI_SCHEME = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")


@dataclass(frozen=True)
class MlflowRef:
    """What an ``type: mlflow`` ``uri`` points at, parsed without MLflow (so the policy is checked offline).

    ``kind`` is ``"version"`` (``models:/NAME/VERSION``, ``VERSION`` a number or ``latest``), ``"alias"``
    (``models:/NAME@ALIAS``), ``"logged_model"`` (``models:/m-ID``, MLflow 3's logged-model id), ``"run"``
    (``runs:/RUN_ID/PATH``) or ``"local"`` (a directory holding an ``MLmodel`` file: a path, or a
    ``file:`` URI).
    """

    kind: Literal["version", "alias", "logged_model", "run", "local"]
    name: str | None = None
    version: str | None = None
    alias: str | None = None
    run_id: str | None = None
    path: str | None = None

    @property
    def needs_store(self) -> bool:
        """Whether resolving it needs an MLflow tracking store (every form but a local directory)."""
        return self.kind != "local"


def parse_mlflow_uri(uri: str) -> MlflowRef:
    """Parse a ``model.uri`` of ``type: mlflow``; ValueError saying which forms are accepted otherwise."""
    forms = ("models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/latest, runs:/RUN_ID/PATH, or a local "
             "MLflow model directory (a path relative to the policy, or a file: URI)")
    uri = uri.strip()
    if uri.startswith("models:"):
        match = _MLFLOW_MODELS.match(uri)
        if not match:
            raise ValueError(f"model.uri {uri!r} is not a model URI auditkit reads; use one of {forms}")
        name, version, alias = match["name"], match["version"], match["alias"]
        if version is None and alias is None:
            if name.startswith("m-"):
                return MlflowRef("logged_model", name=name)
            raise ValueError(f"model.uri {uri!r} names a registered model but no version: write "
                             f"models:/{name}/VERSION (e.g. models:/{name}/1) or models:/{name}@ALIAS")
        if version is not None and not (version.isdigit() or version == "latest"):
            raise ValueError(f"model.uri {uri!r}: {version!r} is not a version number; registry stages (Staging, "
                             f"Production) are deprecated in MLflow: write models:/{name}/VERSION or "
                             f"models:/{name}@ALIAS")
        return MlflowRef("alias" if alias else "version", name=name, version=version, alias=alias)
    if uri.startswith("runs:"):
        match = _MLFLOW_RUNS.match(uri)
        if not match:
            raise ValueError(f"model.uri {uri!r} is not a run URI auditkit reads: write runs:/RUN_ID/PATH, PATH being "
                             "the model's artifact path in the run (e.g. runs:/0a1b2c/model)")
        return MlflowRef("run", run_id=match["run_id"], path=match["path"])
    scheme = _URI_SCHEME.match(uri)
    if scheme and scheme["scheme"].lower() != "file" and len(scheme["scheme"]) > 1:  # "C:" is a Windows drive
        raise ValueError(f"model.uri {uri!r}: the scheme {scheme['scheme']!r} is not read directly; use one of "
                         f"{forms} (a model stored remotely is reached through the registry or its run)")
    return MlflowRef("local", path=uri)


class MlflowSpec(ModelSpec):
    """``type: mlflow``: a model logged with MLflow, read from its flavour's files by the matching adapter.

    ``uri`` is ``models:/NAME/VERSION``, ``models:/NAME@ALIAS``, ``models:/NAME/latest``,
    ``runs:/RUN_ID/PATH`` or a local MLflow model directory (a path relative to the
    policy, or a ``file:`` URI). The store is ``tracking_uri`` (else the
    ``MLFLOW_TRACKING_URI`` environment variable; a registry URI without either is
    an error, never MLflow's default ``./mlruns``) and ``registry_uri`` (else
    ``MLFLOW_REGISTRY_URI``, else the tracking store); a local file store
    (a directory or ``file:`` URI) and a SQLite store (``sqlite:///mlflow.db``)
    work offline, and relative paths in either resolve against the policy file.

    The artifact's ``MLmodel`` file picks the flavour (``flavour`` chooses when it
    lists several of :data:`MLFLOW_FLAVOURS`) and its files go to that type's
    adapter; ``mlflow.pyfunc`` is never called. ``allow_pickle`` and ``trusted``
    are the sklearn type's keys (a pickled sklearn or LightGBM-sklearn model needs
    ``allow_pickle: true``; a skops one lists its non-default types in
    ``trusted``), ``output`` the onnx type's; each is refused when the resolved
    model's files do not use it.
    """

    type: Literal["mlflow"]
    uri: str
    tracking_uri: str | None = None
    registry_uri: str | None = None
    flavour: Literal["xgboost", "lightgbm", "onnx", "sklearn"] | None = None
    allow_pickle: bool = False
    trusted: list[str] = Field(default_factory=list)
    output: str | None = None

    @field_validator("uri")
    @classmethod
    def _uri(cls, value: str) -> str:
        parse_mlflow_uri(value)  # its ValueError says which URI forms are read
        return value
