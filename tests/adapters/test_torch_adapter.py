from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from auditkit.adapters import (
    SupportsGradients,
    SupportsLayers,
    SupportsTokens,
    load_adapter,
)
from auditkit.adapters.torch_model import TorchScriptTabularAdapter, TorchTabularAdapter
from auditkit.errors import ModelError
from auditkit.policy.schema import ModelSpec

pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.*` is deprecated:DeprecationWarning")

FEATURES = ["f0", "f1", "f2", "f3"]
CPU = torch.device("cpu")


class Payload:
    """A custom class: pickling it into a weights file must be refused."""

    def __init__(self) -> None:
        self.secret = 42


def load(model_dir: Path, features: list[str] = FEATURES, **spec: object):
    return load_adapter(ModelSpec(type="torch", **spec), base_dir=model_dir, device=CPU, feature_names=features)


def rows(n: int = 50, d: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)


def direct_sigmoid(model: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return torch.sigmoid(model(torch.from_numpy(x))).squeeze(1).double().numpy()


# -- predictions ------------------------------------------------------------------------------


def test_predict_matches_direct_sigmoid(model_dir, reference_model):
    adapter = load(model_dir, factory="tiny_model.py:build")
    x = rows()
    scores = adapter.predict(x)
    assert scores.dtype == np.float64 and scores.shape == (50,)
    np.testing.assert_allclose(scores, direct_sigmoid(reference_model(seed=0), x), rtol=0, atol=1e-7)
    assert adapter.task == "tabular" and adapter.feature_names == FEATURES


def test_factory_options_are_passed(model_dir, reference_model):
    adapter = load(model_dir, factory="tiny_model.py:build", options={"seed": 3, "hidden": 5})
    x = rows()
    np.testing.assert_allclose(adapter.predict(x), direct_sigmoid(reference_model(seed=3, hidden=5), x), atol=1e-7)


def test_batch_size_does_not_change_results(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build", batch_size=7)
    x = rows(n=1003)
    small = adapter.predict(x)
    large = adapter.predict(x, batch_size=1000)
    assert adapter.batch_size == 7  # set in the policy, so honoured
    assert load(model_dir, factory="tiny_model.py:build").batch_size == 4096  # unset: measured optimum
    np.testing.assert_allclose(small, large, rtol=0, atol=1e-7)
    assert adapter.predict(x[:0]).shape == (0,)


def test_favourable_output_zero_gives_complement(model_dir):
    x = rows()
    p1 = load(model_dir, factory="tiny_model.py:build").predict(x)
    p0 = load(model_dir, factory="tiny_model.py:build", favourable_output=0).predict(x)
    np.testing.assert_allclose(p0, 1.0 - p1, atol=1e-7)


def test_two_output_softmax_model(model_dir, reference_model):
    x = rows()
    ref = reference_model(out=2)
    with torch.no_grad():
        logits = ref(torch.from_numpy(x))
    for fav in (0, 1):
        adapter = load(model_dir, factory="tiny_model.py:build", options={"out": 2}, favourable_output=fav)
        expected = torch.softmax(logits, dim=1)[:, fav].double().numpy()
        np.testing.assert_allclose(adapter.predict(x), expected, atol=1e-7)
        logit = adapter.forward_func(torch.from_numpy(x), output="logit").detach()
        np.testing.assert_allclose(logit.numpy(), (logits[:, fav] - logits[:, 1 - fav]).numpy(), atol=1e-5)
        assert adapter.describe()["output"] == "softmax over 2 classes"


def test_decide_uses_threshold(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build", decision_threshold=0.3)
    decisions = adapter.decide(np.array([0.1, 0.3, 0.29999, 0.9]))
    assert decisions.tolist() == [0, 1, 0, 1]
    assert decisions.dtype == np.int8


def test_forward_func_is_differentiable_and_matches_predict(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build", favourable_output=0)
    x = rows(n=9)
    (xt,) = adapter.prepare_inputs(x)
    xt.requires_grad_(True)
    prob = adapter.forward_func(xt)
    assert prob.shape == (9,)
    np.testing.assert_allclose(prob.detach().numpy(), adapter.predict(x), atol=1e-7)
    (grad,) = torch.autograd.grad(prob.sum(), xt)
    assert grad.shape == (9, 4) and torch.any(grad != 0)
    logit = adapter.forward_func(xt, output="logit").detach().numpy()
    p = prob.detach().double().numpy()
    np.testing.assert_allclose(logit, np.log(p) - np.log1p(-p), atol=1e-4)
    with pytest.raises(ValueError, match="probability, logit"):
        adapter.forward_func(xt, output="odds")


def test_protocols_and_named_layers(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build")
    assert isinstance(adapter, TorchTabularAdapter)
    assert isinstance(adapter, SupportsGradients) and isinstance(adapter, SupportsLayers)
    assert not isinstance(adapter, SupportsTokens)
    layers = adapter.named_layers()
    # hidden leaves in forward order; dropout (no-op in eval) and the output layer left out
    assert list(layers) == ["net.0", "net.1", "net.3", "net.4"]
    seen: dict[str, tuple[int, ...]] = {}

    def record(name: str):
        def hook(_module, _inputs, output) -> None:
            seen[name] = tuple(output.shape)

        return hook

    handles = [m.register_forward_hook(record(n)) for n, m in layers.items()]
    try:
        adapter.predict(rows(n=10), batch_size=64)
    finally:
        for h in handles:
            h.remove()
    assert seen == {"net.0": (10, 8), "net.1": (10, 8), "net.3": (10, 8), "net.4": (10, 8)}


def test_describe_is_json_and_complete(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build", decision_threshold=0.4)
    info = adapter.describe()
    json.dumps(info)
    assert info["type"] == "torch"
    assert info["source"]["factory"] == "tiny_model.py:build"
    assert info["source"]["factory_origin"].endswith("tiny_model.py")
    assert info["class"] == "tiny_model.py:TinyMLP"
    assert info["parameters"] == 4 * 8 + 8 + 8 * 8 + 8 + 8 + 1
    assert info["dtype"] == "float32" and info["device"] == "cpu"
    assert info["favourable_output"] == 1 and info["decision_threshold"] == 0.4
    assert info["fingerprint"] == adapter.fingerprint and len(adapter.fingerprint) == 64


def test_dotted_factory_from_installed_package():
    adapter = load_adapter(
        ModelSpec(type="torch", factory="torch.nn:Linear", options={"in_features": 4, "out_features": 1}),
        base_dir=Path("."),
        device=CPU,
        feature_names=FEATURES,
    )
    assert adapter.predict(rows(n=3)).shape == (3,)


def test_dotted_factory_found_next_to_policy(tmp_path, tiny_model_source):
    pkg = tmp_path / "auditkit_test_pkg_next_to_policy"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "models.py").write_text(tiny_model_source)
    adapter = load(tmp_path, factory="auditkit_test_pkg_next_to_policy.models:build")
    assert adapter.predict(rows(n=3)).shape == (3,)


# -- weights and fingerprints -----------------------------------------------------------------


def test_same_weights_same_fingerprint_across_formats(model_dir, reference_model):
    trained = reference_model(seed=1)
    state = trained.state_dict()
    save_file(state, str(model_dir / "w.safetensors"))
    torch.save(state, model_dir / "w.pt")
    torch.jit.save(torch.jit.script(trained), str(model_dir / "w.ts"))

    from_st = load(model_dir, factory="tiny_model.py:build", weights="w.safetensors")
    from_pt = load(model_dir, factory="tiny_model.py:build", weights="w.pt")
    from_ts = load(model_dir, torchscript="w.ts")
    fresh = load(model_dir, factory="tiny_model.py:build")  # seed 0: other weights

    assert from_st.fingerprint == from_pt.fingerprint == from_ts.fingerprint
    assert fresh.fingerprint != from_st.fingerprint
    x = rows()
    expected = direct_sigmoid(trained, x)
    for adapter in (from_st, from_pt, from_ts):
        np.testing.assert_allclose(adapter.predict(x), expected, atol=1e-7)
    assert from_pt.describe()["source"]["weights"] == "w.pt"


def test_torchscript_adapter(model_dir, reference_model):
    model = reference_model(seed=2, out=2)
    torch.jit.save(torch.jit.script(model), str(model_dir / "model.ts"))
    adapter = load(model_dir, torchscript="model.ts", favourable_output=0)
    assert isinstance(adapter, TorchScriptTabularAdapter)
    assert isinstance(adapter, SupportsGradients)
    assert not isinstance(adapter, SupportsLayers)  # torch refuses hooks on ScriptModules
    x = rows()
    with torch.no_grad():
        expected = torch.softmax(model(torch.from_numpy(x)), dim=1)[:, 0].double().numpy()
    np.testing.assert_allclose(adapter.predict(x, batch_size=16), expected, atol=1e-7)
    xt = torch.from_numpy(x).requires_grad_(True)
    (grad,) = torch.autograd.grad(adapter.forward_func(xt).sum(), xt)
    assert grad.shape == x.shape
    info = adapter.describe()
    assert info["source"]["torchscript"] == "model.ts" and "TinyMLP" in info["class"]


def test_wrong_weights_keys_are_listed(model_dir, reference_model):
    state = {k.replace("net.", "body."): v for k, v in reference_model().state_dict().items()}
    save_file(state, str(model_dir / "renamed.safetensors"))
    with pytest.raises(ModelError) as err:
        load(model_dir, factory="tiny_model.py:build", weights="renamed.safetensors")
    msg = str(err.value)
    assert "missing keys" in msg and "net.0.weight" in msg
    assert "unexpected keys" in msg and "body.0.weight" in msg


def test_wrong_weight_shapes_are_listed(model_dir, reference_model):
    torch.save(reference_model(hidden=16).state_dict(), model_dir / "wide.pt")
    with pytest.raises(ModelError) as err:
        load(model_dir, factory="tiny_model.py:build", weights="wide.pt")
    assert "shape mismatches" in str(err.value) and "net.0.weight (file (16, 4), model (8, 4))" in str(err.value)


def test_dataparallel_prefix_gets_a_hint(model_dir, reference_model):
    torch.save({f"module.{k}": v for k, v in reference_model().state_dict().items()}, model_dir / "dp.pt")
    with pytest.raises(ModelError, match=r"model\.module\.state_dict\(\)"):
        load(model_dir, factory="tiny_model.py:build", weights="dp.pt")


def test_pickled_objects_are_refused(model_dir, reference_model):
    state = dict(reference_model().state_dict())
    state["extra"] = Payload()
    torch.save(state, model_dir / "pickled.pt")
    with pytest.raises(ModelError) as err:
        load(model_dir, factory="tiny_model.py:build", weights="pickled.pt")
    msg = str(err.value)
    assert "weights_only=True" in msg and "Payload" in msg and "state_dict()" in msg


def test_whole_pickled_model_is_refused(model_dir, reference_model):
    torch.save(reference_model(), model_dir / "whole.pt")
    with pytest.raises(ModelError, match="refused"):
        load(model_dir, factory="tiny_model.py:build", weights="whole.pt")


def test_checkpoint_with_non_tensors_is_refused(model_dir, reference_model):
    torch.save({"epoch": 3, "model": reference_model().state_dict()}, model_dir / "ckpt.pt")
    with pytest.raises(ModelError, match=r"not a state dict: entries 'epoch' \(int\)"):
        load(model_dir, factory="tiny_model.py:build", weights="ckpt.pt")


def test_missing_and_corrupt_weight_files(model_dir):
    with pytest.raises(ModelError, match=r"model\.weights: .*nope\.pt was not found"):
        load(model_dir, factory="tiny_model.py:build", weights="nope.pt")
    (model_dir / "junk.safetensors").write_bytes(b"not safetensors at all")
    with pytest.raises(ModelError, match="not a readable safetensors file"):
        load(model_dir, factory="tiny_model.py:build", weights="junk.safetensors")
    (model_dir / "junk.ts").write_bytes(b"garbage")
    with pytest.raises(ModelError, match="not a loadable TorchScript archive"):
        load(model_dir, torchscript="junk.ts")


# -- factory errors ---------------------------------------------------------------------------


def test_factory_file_not_found(model_dir):
    with pytest.raises(ModelError) as err:
        load(model_dir, factory="missing_model.py:build")
    assert "missing_model.py was not found" in str(err.value) and str(model_dir) in str(err.value)


def test_factory_module_not_found(model_dir):
    with pytest.raises(ModelError, match=r"module 'no_such_pkg.models' was not found"):
        load(model_dir, factory="no_such_pkg.models:build")


def test_factory_function_not_found(model_dir):
    with pytest.raises(ModelError) as err:
        load(model_dir, factory="tiny_model.py:buld")
    msg = str(err.value)
    assert "function 'buld' was not found" in msg and "did you mean 'build'?" in msg
    assert "build_cube" in msg  # lists the callables defined there
    with pytest.raises(ModelError, match="'NOT_CALLABLE' is not callable"):
        load(model_dir, factory="tiny_model.py:NOT_CALLABLE")


def test_factory_without_function_part(model_dir):
    with pytest.raises(ModelError, match=r"'package.module:function' or 'file.py:function'"):
        load(model_dir, factory="tiny_model.py")


def test_factory_returning_non_module(model_dir):
    with pytest.raises(ModelError, match=r"returned builtins\.dict; expected a torch\.nn\.Module"):
        load(model_dir, factory="tiny_model.py:not_a_module")


def test_factory_that_raises(model_dir):
    with pytest.raises(ModelError, match="raised RuntimeError: cannot build without the secret sauce"):
        load(model_dir, factory="tiny_model.py:broken")
    with pytest.raises(ModelError, match="unexpected keyword argument 'colour'"):
        load(model_dir, factory="tiny_model.py:build", options={"colour": "red"})


def test_factory_file_with_errors(model_dir):
    (model_dir / "bad_model.py").write_text("import torch\nx = 1 / 0\n")
    with pytest.raises(ModelError, match=r"running .*bad_model\.py failed with ZeroDivisionError"):
        load(model_dir, factory="bad_model.py:build")
    (model_dir / "dep_model.py").write_text("import auditkit_missing_dependency_xyz\n")
    with pytest.raises(ModelError, match="auditkit_missing_dependency_xyz"):
        load(model_dir, factory="dep_model.py:build")


def test_wrong_input_width(model_dir):
    with pytest.raises(ModelError) as err:
        load(model_dir, features=[*FEATURES, "extra"], factory="tiny_model.py:build")
    msg = str(err.value)
    assert "probe batch of shape (2, 5)" in msg
    assert "first Linear layer takes 4 inputs but data.features lists 5 columns" in msg


def test_wrong_output_shape(model_dir):
    with pytest.raises(ModelError, match=r"output of shape \(2, 3, 2\).*expected a tensor of shape \(2,\)"):
        load(model_dir, factory="tiny_model.py:build_cube")


def test_favourable_output_out_of_range(model_dir):
    with pytest.raises(ModelError, match=r"favourable_output is 2 but .* returns a single logit"):
        load(model_dir, factory="tiny_model.py:build", favourable_output=2)
    with pytest.raises(ModelError, match=r"returns 2 classes \(output shape \(2, 2\)\)"):
        load(model_dir, factory="tiny_model.py:build", options={"out": 2}, favourable_output=2)


def test_no_feature_names(model_dir):
    with pytest.raises(ModelError, match=r"data.features"):
        load(model_dir, features=[], factory="tiny_model.py:build")


def test_predict_rejects_wrong_width(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build")
    with pytest.raises(ModelError, match=r"shape \(n, 4\).*got shape \(3, 5\)"):
        adapter.predict(rows(n=3, d=5))


def test_read_only_inputs_are_accepted(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build")
    x = rows()
    x.setflags(write=False)
    with_copy = adapter.predict(x.copy())
    np.testing.assert_array_equal(adapter.predict(x), with_copy)


def test_non_finite_scores_are_an_error(model_dir):
    adapter = load(model_dir, factory="tiny_model.py:build")
    with torch.no_grad():
        adapter.model.net[5].bias.fill_(float("nan"))
    with pytest.raises(ModelError, match="produced 3 non-finite scores"):
        adapter.predict(rows(n=3))
