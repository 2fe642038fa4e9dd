"""The model-type registry: one record per ``model.type`` drives the schema, the loader and the runner."""

from __future__ import annotations

import typing

import pytest
from pydantic import Field

from auditkit import api
from auditkit.policy.model_specs import MLFLOW_FLAVOURS, MlflowSpec, ModelSpec, OnnxSpec, SklearnSpec, TorchSpec
from auditkit.policy.model_types import MODEL_TYPES, ModelType, model_type


def test_every_registered_type_is_in_the_policy_json_schema():
    schema = api.policy_json_schema()
    model = schema["properties"]["model"]
    assert set(model["discriminator"]["mapping"]) == set(MODEL_TYPES) == {
        "torch", "huggingface", "huggingface-causal", "sklearn", "xgboost", "lightgbm", "onnx", "mlflow"}
    for kind in MODEL_TYPES.values():
        definition = schema["$defs"][kind.spec.__name__]
        assert definition["properties"]["type"]["const"] == kind.name


def test_task_extra_and_features_come_from_the_registry():
    assert [t.name for t in MODEL_TYPES.values() if t.needs_features] == ["torch", "sklearn", "xgboost", "lightgbm",
                                                                                "onnx", "mlflow"]
    assert model_type("huggingface").task == "text" and not model_type("huggingface").needs_features
    assert model_type("huggingface-causal").task == "text" and "SupportsReadout" in model_type(
        "huggingface-causal").capabilities
    assert model_type("xgboost").install_hint() == 'pip install "auditkit[xgboost]"'
    assert model_type("onnx").install_hint() == 'pip install "auditkit[onnx]"'
    assert model_type("onnx").library == "onnxruntime" and model_type("onnx").capabilities == ()
    assert model_type("mlflow").install_hint() == 'pip install "auditkit[mlflow]"'
    assert model_type("torch").install_hint() == ""
    with pytest.raises(KeyError, match="known types: torch, huggingface, huggingface-causal, sklearn, xgboost, "
                                       "lightgbm, onnx, mlflow"):
        model_type("pmml")


def test_model_spec_builds_the_variant_of_its_type():
    spec = ModelSpec(type="sklearn", path="m.skops", trusted=["a.B"])
    assert type(spec) is SklearnSpec and isinstance(spec, ModelSpec) and spec.trusted == ["a.B"]
    assert type(ModelSpec(type="torch", factory="m.py:f")) is TorchSpec
    assert type(ModelSpec(type="onnx", path="m.onnx", output="probabilities")) is OnnxSpec
    assert type(ModelSpec(type="mlflow", uri="models:/credit/7")) is MlflowSpec
    flavours = typing.get_args(typing.get_args(MlflowSpec.model_fields["flavour"].annotation)[0])
    assert flavours == MLFLOW_FLAVOURS  # the policy's choices are the flavours the loader reads, in its order
    with pytest.raises(ValueError, match="'pmml' is not a registered model type"):
        ModelSpec(type="pmml")


def test_a_type_whose_spec_does_not_declare_its_name_is_refused():
    class Mislabelled(ModelSpec):
        type: str = Field(default="x")

    with pytest.raises(ValueError, match="must declare type: Literal"):
        ModelType("x", Mislabelled, "tabular", "m:f", "nothing", ())
    with pytest.raises(ValueError, match="unknown capabilities"):
        ModelType("torch", TorchSpec, "tabular", "m:f", "nothing", ("SupportsTelepathy",))
