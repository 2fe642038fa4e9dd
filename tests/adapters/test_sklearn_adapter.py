"""The scikit-learn adapter with the real libraries: skops with a trusted-type list, pickles only when allowed."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from tabular_models import FEATURES, save_sklearn, training_arrays, write_audit

import auditkit
from auditkit.adapters import SupportsGradients, SupportsLayers, SupportsTreeStructure, load_adapter
from auditkit.adapters.optional import import_optional
from auditkit.errors import ModelError
from auditkit.policy.model_types import model_type
from auditkit.policy.schema import ModelSpec
from auditkit.store import open_store

sio = pytest.importorskip("skops.io")
CPU = torch.device("cpu")
TREE_PREDICTOR = "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor"


def load(tmp_path, feature_names=FEATURES, **spec):
    return load_adapter(ModelSpec(type="sklearn", **spec), base_dir=tmp_path, device=CPU, feature_names=feature_names)


class WritesAFile:
    """A pickle payload: unpickling it calls ``open(marker, "w")``, which creates the marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_skops_pipeline_predicts_the_favourable_column(tmp_path):
    save_sklearn(tmp_path / "m.skops", seed=0)
    x, _ = training_arrays(0, n=400)
    adapter = load(tmp_path, path="m.skops")
    pipe = sio.load(tmp_path / "m.skops")
    np.testing.assert_allclose(adapter.predict(x, batch_size=50), pipe.predict_proba(x)[:, 1], rtol=1e-6)
    np.testing.assert_allclose(load(tmp_path, path="m.skops", favourable_output=0).predict(x),
                               pipe.predict_proba(x)[:, 0], rtol=1e-6)
    ref = adapter.describe()
    assert ref["unpickled"] is False and ref["steps"] == ["standardscaler: StandardScaler",
                                                          "logisticregression: LogisticRegression"]
    assert ref["class_labels"] == [0, 1] and ref["fingerprint_basis"] == "SHA-256 of the model file's bytes"
    assert model_type("sklearn").capabilities == ()
    for protocol in (SupportsGradients, SupportsLayers, SupportsTreeStructure):
        assert not isinstance(adapter, protocol)
    with pytest.raises(ModelError, match=r"model.favourable_output is 2 but .* has 2 classes"):
        load(tmp_path, path="m.skops", favourable_output=2)


def test_skops_refuses_an_untrusted_type_by_name_until_the_policy_trusts_it(tmp_path):
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = training_arrays(0, n=400)
    sio.dump(HistGradientBoostingClassifier(max_iter=5).fit(x, y), tmp_path / "hgb.skops")
    with pytest.raises(ModelError) as info:
        load(tmp_path, path="hgb.skops")
    assert TREE_PREDICTOR in str(info.value) and "model.trusted" in str(info.value)
    adapter = load(tmp_path, path="hgb.skops", trusted=[TREE_PREDICTOR])
    assert adapter.predict(x).shape == (400,) and adapter.describe()["trusted_types"] == [TREE_PREDICTOR]


def test_a_pickle_is_never_opened_without_allow_pickle(tmp_path):
    marker = tmp_path / "pwned"
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(WritesAFile(str(marker))))
    with pytest.raises(ModelError, match="allow_pickle: true"):
        load(tmp_path, path="model.pkl")
    assert not marker.exists()
    # nor through a whole audit: the run stops at the model, before anything is unpickled
    policy = write_audit(tmp_path, "sklearn", [{"id": "perf", "kind": "performance", "attributes": ["sex"],
                                                "thresholds": {"accuracy": {"min": 0.6}}}])
    policy.write_text(policy.read_text().replace("path: model.skops", "path: model.pkl"))
    with open_store(f"sqlite:///{tmp_path / 'runs.db'}") as store, pytest.raises(ModelError, match="allow_pickle"):
        auditkit.run_audit(policy, store=store, device="cpu", report=False)
    assert not marker.exists()


def test_an_allowed_joblib_model_loads_and_is_recorded_as_unpickled(tmp_path):
    import joblib
    from sklearn.linear_model import LogisticRegression

    x, y = training_arrays(0, n=400)
    model = LogisticRegression().fit(x, y)
    joblib.dump(model, tmp_path / "m.joblib")
    adapter = load(tmp_path, path="m.joblib", allow_pickle=True)
    np.testing.assert_allclose(adapter.predict(x), model.predict_proba(x)[:, 1], rtol=1e-6)
    assert adapter.describe()["unpickled"] is True and adapter.describe()["source"]["format"] == "pickle"


def test_a_model_fitted_on_named_columns_gets_them_and_must_match_data_features(tmp_path):
    from sklearn.linear_model import LogisticRegression

    x, y = training_arrays(0, n=400)
    frame = pd.DataFrame(x, columns=FEATURES)
    sio.dump(LogisticRegression().fit(frame, y), tmp_path / "named.skops")
    with warnings.catch_warnings():  # a numpy block would make sklearn warn "X does not have valid feature names"
        warnings.filterwarnings("error", message=".*feature names.*")
        scores = load(tmp_path, path="named.skops").predict(x)
    np.testing.assert_allclose(scores, sio.load(tmp_path / "named.skops").predict_proba(frame)[:, 1], rtol=1e-6)
    with pytest.raises(ModelError, match="fitted on the columns"):
        load(tmp_path, path="named.skops", feature_names=list(reversed(FEATURES)))


def test_an_estimator_without_predict_proba_is_refused(tmp_path):
    from sklearn.linear_model import LinearRegression

    x, y = training_arrays(0, n=100)
    sio.dump(LinearRegression().fit(x, y), tmp_path / "lin.skops")
    with pytest.raises(ModelError, match="LinearRegression, which has no predict_proba"):
        load(tmp_path, path="lin.skops")


def test_a_missing_library_names_the_extra_to_install():
    with pytest.raises(ModelError, match=r'pip install "auditkit\[xgboost\]"'):
        import_optional("auditkit_no_such_library", extra="xgboost", model_type="xgboost")
