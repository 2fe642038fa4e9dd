"""XGBoost and LightGBM adapters with the real libraries: load through the policy spec, predict, trees, refusals."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from tabular_models import FEATURES, save_lightgbm, save_xgboost, training_arrays

from auditkit.adapters import SupportsGradients, SupportsLayers, SupportsTreeStructure, load_adapter
from auditkit.errors import ModelError
from auditkit.policy.model_types import CAPABILITIES, model_type
from auditkit.policy.schema import ModelSpec

xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")
CPU = torch.device("cpu")


def load(tmp_path, **spec):
    return load_adapter(ModelSpec(**spec), base_dir=tmp_path, device=CPU, feature_names=FEATURES)


def capabilities(adapter) -> tuple[str, ...]:
    """The capability protocols ``adapter`` satisfies, by name."""
    import auditkit.adapters.base as base

    return tuple(c for c in CAPABILITIES if isinstance(adapter, getattr(base, c)))


def test_xgboost_json_and_ubj_predict_like_the_library_and_share_a_fingerprint(tmp_path):
    save_xgboost(tmp_path / "m.json", seed=0)
    xgb.Booster(model_file=str(tmp_path / "m.json")).save_model(tmp_path / "m.ubj")
    x, _ = training_arrays(0, n=500)
    js, ubj = load(tmp_path, type="xgboost", path="m.json"), load(tmp_path, type="xgboost", path="m.ubj")
    clf = xgb.XGBClassifier()
    clf.load_model(tmp_path / "m.json")
    np.testing.assert_allclose(js.predict(x, batch_size=64), clf.predict_proba(x)[:, 1], rtol=1e-6)
    np.testing.assert_array_equal(js.predict(x), ubj.predict(x))
    assert js.fingerprint == ubj.fingerprint  # canonical serialisation, not the file bytes
    assert "canonical JSON" in js.describe()["fingerprint_basis"]
    assert js.describe()["sklearn_wrapper"] is True and js.describe()["objective"] == "binary:logistic"
    assert capabilities(js) == model_type("xgboost").capabilities == ("SupportsTreeStructure",)
    assert not isinstance(js, SupportsGradients) and not isinstance(js, SupportsLayers)
    flipped = load(tmp_path, type="xgboost", path="m.json", favourable_output=0)
    np.testing.assert_allclose(flipped.predict(x), 1.0 - js.predict(x))


def test_lightgbm_predicts_like_the_library(tmp_path):
    save_lightgbm(tmp_path / "m.txt", seed=1)
    x, _ = training_arrays(1, n=500)
    adapter = load(tmp_path, type="lightgbm", path="m.txt")
    booster = lgb.Booster(model_file=str(tmp_path / "m.txt"))
    np.testing.assert_allclose(adapter.predict(x, batch_size=100), booster.predict(x), rtol=1e-12)
    assert capabilities(adapter) == model_type("lightgbm").capabilities
    assert adapter.describe()["fingerprint_basis"] == "SHA-256 of the model file's bytes"
    logit = adapter.forward_func(torch.as_tensor(x[:5]), output="logit").double().numpy()
    p = booster.predict(x[:5])
    np.testing.assert_allclose(logit, np.log(p / (1 - p)), rtol=1e-5)


@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_leaf_indices_have_one_column_per_tree_and_match_pred_leaf(tmp_path, kind):
    name = "m.json" if kind == "xgboost" else "m.txt"
    (save_xgboost if kind == "xgboost" else save_lightgbm)(tmp_path / name, seed=2)
    x, _ = training_arrays(2, n=200)
    adapter = load(tmp_path, type=kind, path=name)
    assert isinstance(adapter, SupportsTreeStructure)
    leaves = adapter.leaf_indices(x)
    assert leaves.shape == (200, adapter.n_trees) and adapter.n_trees == 60 and leaves.dtype == np.int32
    if kind == "xgboost":
        expected = adapter.tree_model.predict(xgb.DMatrix(x), pred_leaf=True)
    else:
        expected = adapter.tree_model.predict(x, pred_leaf=True)
    np.testing.assert_array_equal(leaves, expected.astype(np.int32))
    assert len(np.unique(leaves[:, 0])) > 1  # rows do reach different leaves


def test_a_regression_objective_is_refused_with_the_fix(tmp_path):
    x, y = training_arrays(0, n=300)
    xgb.XGBRegressor(n_estimators=3).fit(x, y.astype(float)).save_model(tmp_path / "r.json")
    with pytest.raises(ModelError, match=r"objective 'reg:squarederror'.*binary:logistic"):
        load(tmp_path, type="xgboost", path="r.json")
    lgb.LGBMRegressor(n_estimators=3, verbose=-1).fit(x, y).booster_.save_model(tmp_path / "r.txt")
    with pytest.raises(ModelError, match=r"objective 'regression'.*objective='binary'"):
        load(tmp_path, type="lightgbm", path="r.txt")


def test_wrong_width_and_wrong_format_are_model_errors(tmp_path):
    save_xgboost(tmp_path / "m.json", seed=0)
    with pytest.raises(ModelError, match=r"reads 3 features but data.features lists 2 columns"):
        load_adapter(ModelSpec(type="xgboost", path="m.json"), base_dir=tmp_path, device=CPU,
                     feature_names=["score", "noise"])
    (tmp_path / "m.bin").write_bytes(b"\x00" * 16)
    with pytest.raises(ModelError, match=r"JSON \(.json\) or UBJ"):
        load(tmp_path, type="xgboost", path="m.bin")
    (tmp_path / "broken.txt").write_text("not a model\n")
    with pytest.raises(ModelError, match="not a readable LightGBM text model"):
        load(tmp_path, type="lightgbm", path="broken.txt")


def test_cuda_on_a_cpu_only_xgboost_build_is_refused(tmp_path):
    if xgb.build_info().get("USE_CUDA"):
        pytest.skip("this XGBoost build has CUDA")
    from auditkit.adapters.tree_models import XGBoostAdapter

    save_xgboost(tmp_path / "m.json", seed=0)
    booster = xgb.Booster(model_file=str(tmp_path / "m.json"))
    with pytest.raises(ModelError, match=r"no CUDA support.*--device cpu"):
        XGBoostAdapter(booster, spec=ModelSpec(type="xgboost", path="m.json"), path=tmp_path / "m.json",
                       device=torch.device("cuda"), feature_names=FEATURES)


@pytest.mark.parametrize("kind", ["xgboost", "lightgbm"])
def test_categorical_splits_are_read_from_the_model_and_recorded(tmp_path, kind):
    """Columns the booster splits on as categories (XGBoost ``enable_categorical``, LightGBM
    ``categorical_feature``) are named by the adapter and in the model reference; integer codes predict as the
    library does; a model without categorical splits names none."""
    import pandas as pd

    x, y = training_arrays(0, n=800)
    codes = np.random.default_rng(1).integers(0, 4, len(x))
    y = np.where(codes == 2, 1, y)  # the category matters, so the trees split on it
    x[:, 1] = codes
    if kind == "xgboost":
        frame = pd.DataFrame(x, columns=FEATURES).astype({FEATURES[1]: pd.CategoricalDtype(range(4))})
        xgb.XGBClassifier(n_estimators=20, max_depth=3, enable_categorical=True, tree_method="hist", n_jobs=1,
                          random_state=0).fit(frame, y).save_model(tmp_path / "m.json")
        path, direct = "m.json", xgb.Booster(model_file=str(tmp_path / "m.json")).inplace_predict(x)
    else:
        booster = lgb.LGBMClassifier(n_estimators=20, num_leaves=8, n_jobs=1, verbose=-1, random_state=0) \
            .fit(x, y, categorical_feature=[1]).booster_
        booster.save_model(tmp_path / "m.txt")
        path, direct = "m.txt", lgb.Booster(model_file=str(tmp_path / "m.txt")).predict(x)
    adapter = load(tmp_path, type=kind, path=path)
    assert adapter.categorical_features == (FEATURES[1],)
    assert adapter.describe()["categorical_features"] == [FEATURES[1]]
    np.testing.assert_allclose(adapter.predict(x), direct, rtol=1e-6)
    save_xgboost(tmp_path / "plain.json", seed=0)
    plain = load(tmp_path, type="xgboost", path="plain.json")
    assert plain.categorical_features == () and "categorical_features" not in plain.describe()
