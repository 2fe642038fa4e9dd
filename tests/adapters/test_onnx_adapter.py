"""The ONNX adapter with the real onnxruntime, skl2onnx and onnx: load through the policy spec, predict, refusals.

The models are real conversions (skl2onnx) of scikit-learn models trained on the
generated data of ``tabular_models``, and small graphs built with
``onnx.helper`` for the output shapes skl2onnx does not produce (one
probability column, a logit, two float outputs).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
import torch
from tabular_models import FEATURES, onnx_bytes, sklearn_pipeline, training_arrays

from auditkit.adapters import SupportsGradients, SupportsLayers, load_adapter
from auditkit.errors import ModelError
from auditkit.policy.model_types import CAPABILITIES, model_type
from auditkit.policy.schema import ModelSpec

ort = pytest.importorskip("onnxruntime")
onnx = pytest.importorskip("onnx")
skl2onnx = pytest.importorskip("skl2onnx")
CPU = torch.device("cpu")


def load(tmp_path, features=FEATURES, device=CPU, **spec):
    return load_adapter(ModelSpec(type="onnx", **spec), base_dir=tmp_path, device=device, feature_names=features)


def capabilities(adapter) -> tuple[str, ...]:
    import auditkit.adapters.base as base

    return tuple(c for c in CAPABILITIES if isinstance(adapter, getattr(base, c)))


def linear_graph(path, *, outputs: tuple[str, ...], bias: float = 0.0, width: int = 3, batch=None) -> np.ndarray:
    """A graph ``logit = X @ w + bias`` (``(n, 1)``) with outputs ``logit`` and/or ``prob`` = Sigmoid(logit)."""
    from onnx import TensorProto, helper, numpy_helper

    w = np.array([[2.0], [-1.0], [0.5]], dtype=np.float32)[:width]
    nodes = [helper.make_node("MatMul", ["X", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["logit"]),
             helper.make_node("Sigmoid", ["logit"], ["prob"])]
    graph = helper.make_graph(
        nodes, "linear", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [batch, width])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, [batch, 1]) for name in outputs],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(np.array([bias], np.float32), "b")])
    model = helper.make_model(graph, producer_name="auditkit-tests", opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return w[:, 0]


def test_a_skl2onnx_pipeline_predicts_like_sklearn_and_records_its_interface(tmp_path):
    pipe = sklearn_pipeline(seed=0)
    (tmp_path / "m.onnx").write_bytes(onnx_bytes(pipe))
    x, _ = training_arrays(0, n=700)
    adapter = load(tmp_path, path="m.onnx")
    np.testing.assert_allclose(adapter.predict(x, batch_size=256), pipe.predict_proba(x)[:, 1], atol=1e-5)
    flipped = load(tmp_path, path="m.onnx", favourable_output=0)
    np.testing.assert_allclose(flipped.predict(x), pipe.predict_proba(x)[:, 0], atol=1e-5)

    ref = adapter.describe()
    assert ref["fingerprint"] == hashlib.sha256((tmp_path / "m.onnx").read_bytes()).hexdigest()
    assert ref["fingerprint_basis"].startswith("SHA-256 of the .onnx file's bytes")
    assert ref["producer_name"] == "skl2onnx" and ref["providers"] == ["CPUExecutionProvider"]
    assert ref["inputs"] == [{"name": "X", "shape": [None, 3], "type": "tensor(float)"}]
    assert [o["name"] for o in ref["outputs"]] == ["label", "probabilities"] and ref["output_read"] == "probabilities"
    assert ref["opset"]["ai.onnx"] >= 9 and ref["classes"] == 2 and ref["batch_size"] == 65536
    assert capabilities(adapter) == model_type("onnx").capabilities == ()
    assert not isinstance(adapter, SupportsGradients) and not isinstance(adapter, SupportsLayers)


def test_a_converted_tree_ensemble_predicts_like_sklearn(tmp_path):
    from sklearn.ensemble import GradientBoostingClassifier

    x, y = training_arrays(1)
    gbc = GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=1).fit(x, y)
    (tmp_path / "gbc.onnx").write_bytes(onnx_bytes(gbc))
    adapter = load(tmp_path, path="gbc.onnx")
    held_out, _ = training_arrays(2, n=700)
    np.testing.assert_allclose(adapter.predict(held_out), gbc.predict_proba(held_out)[:, 1], atol=1e-5)
    logit = adapter.forward_func(torch.as_tensor(held_out[:5]), output="logit").double().numpy()
    p = gbc.predict_proba(held_out[:5])[:, 1]
    np.testing.assert_allclose(logit, np.log(p / (1 - p)), atol=1e-3)


def test_an_input_width_mismatch_names_the_expected_input_and_the_policy_columns(tmp_path):
    (tmp_path / "m.onnx").write_bytes(onnx_bytes(sklearn_pipeline(seed=0)))
    with pytest.raises(ModelError) as err:
        load(tmp_path, features=["score", "noise"], path="m.onnx")
    message = str(err.value)
    assert "expects input 'X' tensor(float) of shape [None, 3]: 3 columns per row" in message
    assert "data.features lists 2 columns (score, noise)" in message


def test_a_model_with_one_input_per_column_is_refused_with_the_single_input_fix(tmp_path):
    import pandas as pd
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = training_arrays(0, n=300)
    clf = LogisticRegression()
    pipe = make_pipeline(ColumnTransformer([("scale", StandardScaler(), FEATURES)]), clf)
    pipe.fit(pd.DataFrame(x, columns=FEATURES), y)  # the DataFrame case: skl2onnx then takes one input per column
    per_column = [(name, FloatTensorType([None, 1])) for name in FEATURES]
    model = to_onnx(pipe, initial_types=per_column, options={id(clf): {"zipmap": False}})
    (tmp_path / "cols.onnx").write_bytes(model.SerializeToString())
    with pytest.raises(ModelError, match=r"has 3 inputs \('score' tensor\(float\) of shape \[None, 1\]; 'noise'.*"
                                         r"auditkit feeds one float matrix of shape \(n, 3\).*"
                                         r"FloatTensorType\(\[None, 3\]\)"):
        load(tmp_path, path="cols.onnx")


def test_a_zipmap_output_is_refused_with_the_conversion_option(tmp_path):
    from skl2onnx import to_onnx
    from sklearn.linear_model import LogisticRegression

    x, y = training_arrays(0, n=300)
    (tmp_path / "zip.onnx").write_bytes(to_onnx(LogisticRegression().fit(x, y), x[:1]).SerializeToString())
    with pytest.raises(ModelError, match=r"'output_probability' seq\(map\(int64,tensor\(float\)\)\).*ZipMap.*"
                                         r"'zipmap': False"):
        load(tmp_path, path="zip.onnx")
    with pytest.raises(ModelError, match=r"model.output 'output_label' .* is tensor\(int64\) \(labels\?\)"):
        load(tmp_path, path="zip.onnx", output="output_label")


def test_a_single_probability_column_is_p_class_1_and_a_logit_is_refused_by_name(tmp_path):
    w = linear_graph(tmp_path / "two.onnx", outputs=("logit", "prob"), bias=3.0)
    x, _ = training_arrays(0, n=100)
    with pytest.raises(ModelError, match=r"several float outputs \('logit' .*; 'prob' .*\); set model.output"):
        load(tmp_path, path="two.onnx")
    adapter = load(tmp_path, path="two.onnx", output="prob")
    np.testing.assert_allclose(adapter.predict(x), 1.0 / (1.0 + np.exp(-(x @ w + 3.0))), atol=1e-6)
    assert adapter.n_classes == 2 and adapter.describe()["output_read"] == "prob"
    with pytest.raises(ModelError, match=r"output 'logit' of onnx model 'two.onnx' has values from 3 to 3, outside "
                                         r"\[0, 1\]: it looks like a logit"):
        load(tmp_path, path="two.onnx", output="logit")
    with pytest.raises(ModelError, match=r"model.output is 'proba' but .* has the outputs 'logit'"):
        load(tmp_path, path="two.onnx", output="proba")


def test_fixed_batch_unreadable_file_wrong_suffix_and_missing_cuda_are_clear_errors(tmp_path):
    linear_graph(tmp_path / "fixed.onnx", outputs=("prob",), batch=1)
    with pytest.raises(ModelError, match=r"fixed batch of 1 rows.*dynamic batch axis"):
        load(tmp_path, path="fixed.onnx")
    (tmp_path / "broken.onnx").write_bytes(b"not a protobuf at all")
    with pytest.raises(ModelError, match=r"'broken.onnx' is not a readable ONNX model"):
        load(tmp_path, path="broken.onnx")
    with pytest.raises(ValueError, match=r"must be an ONNX file \(.onnx\)"):
        ModelSpec(type="onnx", path="model.pb")
    if "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("this onnxruntime has the CUDA execution provider")
    linear_graph(tmp_path / "ok.onnx", outputs=("prob",))
    with pytest.raises(ModelError, match=r"no CUDAExecutionProvider .*onnxruntime-gpu.*--device cpu"):
        load(tmp_path, path="ok.onnx", device=torch.device("cuda"))
