"""``type: mlflow`` against real MLflow stores created here: registry and run URIs, flavours, refusals, provenance.

One local file store (MLflow's ``file:`` backend, tracking and registry) is built
per module with the real ``mlflow.xgboost`` / ``mlflow.sklearn`` / ``mlflow.lightgbm``
writers: an XGBoost classifier registered as ``credit-scorer`` version 1 (alias
``champion``), an sklearn Pipeline saved with skops, the same Pipeline pickled,
a LightGBM Booster, and a pickled model whose file is then replaced by a payload
that creates a file when unpickled. The tests resolve them offline through
auditkit, compare the predictions with the flavour's own adapter on the same
file, and run an audit through ``run_audit``. A SQLite store is tested too.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
import torch
import yaml
from tabular_models import FEATURES, make_frame, sklearn_pipeline, training_arrays

import auditkit
from auditkit.adapters import SupportsTreeStructure, load_adapter
from auditkit.adapters.mlflow_store import redact_uri
from auditkit.errors import ModelError
from auditkit.policy.model_types import CAPABILITIES, model_type
from auditkit.policy.schema import ModelSpec
from auditkit.report import render_report
from auditkit.results import Status
from auditkit.store import open_store

mlflow = pytest.importorskip("mlflow")
xgb = pytest.importorskip("xgboost")
lgb = pytest.importorskip("lightgbm")
pytest.importorskip("skops")
CPU = torch.device("cpu")
NAME = "credit-scorer"


class WritesAFile:
    """A pickle payload: unpickling it calls ``open(marker, "w")``, which creates the marker file."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _xgb_classifier(seed: int):
    x, y = training_arrays(seed)
    return xgb.XGBClassifier(n_estimators=30, max_depth=3, learning_rate=0.2, n_jobs=1, random_state=seed).fit(x, y)


def _log(flavour, model, name: str, registered: str | None = None, **kwargs):
    return flavour.log_model(model, name=name, registered_model_name=registered, pip_requirements=[], **kwargs)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A file store with the models of the module docstring; MLflow's global URI is reset afterwards."""
    root = tmp_path_factory.mktemp("mlflow")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
        mp.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        mp.setenv("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
        mlflow.set_tracking_uri((root / "mlruns").as_uri())
        try:
            mlflow.set_experiment("credit")
            with mlflow.start_run() as run:
                clf = _xgb_classifier(0)
                _log(mlflow.xgboost, clf, "model", NAME)
                _log(mlflow.sklearn, sklearn_pipeline(0), "skops", "sk-skops", serialization_format="skops")
                _log(mlflow.sklearn, sklearn_pipeline(0), "pickled", "sk-pickle", serialization_format="pickle")
                x, y = training_arrays(1)
                booster = lgb.train({"objective": "binary", "num_leaves": 8, "verbose": -1},
                                    lgb.Dataset(x, y), num_boost_round=20)
                _log(mlflow.lightgbm, booster, "lgb", "lgb-booster")
                tampered = _log(mlflow.sklearn, sklearn_pipeline(0), "tampered", "tampered",
                                serialization_format="pickle")
            client = mlflow.MlflowClient()
            client.set_registered_model_alias(NAME, "champion", "1")
            pkl = Path(client.get_logged_model(tampered.model_id).artifact_location.removeprefix("file://"))
            marker = root / "pwned"
            (pkl / "model.pkl").write_bytes(pickle.dumps(WritesAFile(str(marker))))
        finally:
            mlflow.set_tracking_uri(None)
    clf.save_model(root / "direct.json")
    booster.save_model(str(root / "direct.txt"))
    return SimpleNamespace(root=root, run_id=run.info.run_id, marker=marker, uri="mlruns")


def load(store, uri, **keys):
    spec = ModelSpec(type="mlflow", uri=uri, tracking_uri=keys.pop("tracking_uri", store.uri), **keys)
    return load_adapter(spec, base_dir=store.root, device=CPU, feature_names=FEATURES)


def capabilities(adapter) -> tuple[str, ...]:
    import auditkit.adapters.base as base

    return tuple(c for c in CAPABILITIES if isinstance(adapter, getattr(base, c)))


def test_a_registered_xgboost_model_predicts_like_its_own_adapter_and_records_the_registry(store):
    x, _ = training_arrays(5, n=500)
    adapter = load(store, f"models:/{NAME}/1")
    direct = load_adapter(ModelSpec(type="xgboost", path="direct.json"), base_dir=store.root, device=CPU,
                          feature_names=FEATURES)
    np.testing.assert_array_equal(adapter.predict(x), direct.predict(x))
    assert adapter.fingerprint == direct.fingerprint  # XGBoost's canonical serialisation: UBJ in MLflow, JSON here
    assert capabilities(adapter) == model_type("xgboost").capabilities == ("SupportsTreeStructure",)
    ref = adapter.describe()
    assert ref["type"] == "mlflow" and ref["flavour"] == "xgboost" and ref["adapter"] == "XGBoostAdapter"
    assert ref["registered_model"] == NAME and ref["model_version"] == "1" and "model_alias" not in ref
    assert ref["run_id"] == store.run_id and ref["mlflow_uri"] == f"models:/{NAME}/1"
    assert ref["tracking_uri"] == ref["registry_uri"] == (store.root / "mlruns").as_uri()  # relative to the policy
    assert ref["store_configured_by"] == {"tracking_uri": "policy", "registry_uri": "tracking store"}
    assert ref["source"] == {"path": "model.ubj", "format": "ubj"} and ref["logged_model_id"].startswith("m-")
    assert ref["name"] == f"{NAME} version 1" and ref["fingerprint"] == adapter.fingerprint


def test_alias_latest_run_and_logged_model_uris_resolve_to_the_same_model(store):
    first = load(store, f"models:/{NAME}/1")
    alias = load(store, f"models:/{NAME}@champion")
    assert alias.describe()["model_alias"] == "champion" and alias.describe()["model_version"] == "1"
    latest = load(store, f"models:/{NAME}/latest")
    assert latest.describe()["model_version"] == "1"
    run = load(store, f"runs:/{store.run_id}/model")
    ref = run.describe()
    assert ref["run_id"] == store.run_id and "registered_model" not in ref
    logged = load(store, f"models:/{ref['logged_model_id']}")
    assert {first.fingerprint, alias.fingerprint, latest.fingerprint, run.fingerprint, logged.fingerprint} == \
        {first.fingerprint}


def test_skops_and_allowed_pickle_sklearn_models_predict_like_the_pipeline(store):
    x, _ = training_arrays(6, n=300)
    expected = sklearn_pipeline(0).predict_proba(x)[:, 1]
    skops = load(store, "models:/sk-skops/1")
    np.testing.assert_allclose(skops.predict(x), expected, rtol=1e-6)
    assert skops.describe()["unpickled"] is False and skops.describe()["flavour"] == "sklearn"
    pickled = load(store, "models:/sk-pickle/1", allow_pickle=True)
    np.testing.assert_allclose(pickled.predict(x), expected, rtol=1e-6)
    assert pickled.describe()["unpickled"] is True and pickled.describe()["source"]["format"] == "pickle"
    with pytest.raises(ModelError, match=r"model.allow_pickle is set, but .*'model.skops'"):
        load(store, "models:/sk-skops/1", allow_pickle=True)


def test_a_pickled_model_is_refused_without_allow_pickle_and_nothing_runs(store):
    with pytest.raises(ModelError) as info:
        load(store, "models:/tampered/1")
    message = str(info.value)
    assert "'model.pkl'" in message and "allow_pickle: true" in message and "models:/tampered/1" in message
    assert not store.marker.exists()
    with pytest.raises(ModelError, match="allow_pickle"):
        load(store, "models:/sk-pickle/1")
    assert not store.marker.exists()


def test_a_lightgbm_booster_goes_to_the_lightgbm_adapter(store):
    x, _ = training_arrays(7, n=300)
    adapter = load(store, "models:/lgb-booster/1")
    direct = lgb.Booster(model_file=str(store.root / "direct.txt"))
    np.testing.assert_allclose(adapter.predict(x), direct.predict(x), rtol=1e-12)
    assert isinstance(adapter, SupportsTreeStructure) and adapter.describe()["flavour"] == "lightgbm"


def test_unknown_names_versions_aliases_and_runs_list_what_the_store_holds(store):
    with pytest.raises(ModelError, match=r"no registered model 'credit-scorr'; registered models: credit-scorer, "
                                         r"lgb-booster, sk-pickle, sk-skops, tampered"):
        load(store, "models:/credit-scorr/1")
    with pytest.raises(ModelError, match=r"'credit-scorer' has no version 7; its versions: 1"):
        load(store, f"models:/{NAME}/7")
    with pytest.raises(ModelError, match=r"no alias 'prod'; its aliases: @champion \(version 1\)"):
        load(store, f"models:/{NAME}@prod")
    with pytest.raises(ModelError, match=r"has no run 'deadbeef'"):
        load(store, "runs:/deadbeef/model")
    with pytest.raises(ModelError, match=r"has no model at 'modle'.*its logged models and artifacts: .*model"):
        load(store, f"runs:/{store.run_id}/modle")


def test_a_store_must_be_configured_and_must_exist(store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # MLflow's defaults (./mlruns, ./mlflow.db) would land here
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    with pytest.raises(ModelError, match=r"none is configured: set model.tracking_uri.*MLFLOW_TRACKING_URI"):
        load_adapter(ModelSpec(type="mlflow", uri=f"models:/{NAME}/1"), base_dir=store.root, device=CPU,
                     feature_names=FEATURES)
    monkeypatch.setenv("MLFLOW_TRACKING_URI", (store.root / "mlruns").as_uri())
    from_env = load_adapter(ModelSpec(type="mlflow", uri=f"models:/{NAME}/1"), base_dir=tmp_path, device=CPU,
                            feature_names=FEATURES)
    assert from_env.describe()["store_configured_by"]["tracking_uri"] == "MLFLOW_TRACKING_URI"
    for uri in ("sqlite:///missing.db", "file:missing-dir"):
        with pytest.raises(ModelError, match=r"does not exist .*never creates one"):
            load(store, f"models:/{NAME}/1", tracking_uri=uri)
    assert not (store.root / "missing.db").exists() and not (store.root / "missing-dir").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no default store was opened (or created)


def test_a_local_model_directory_and_refusals_of_its_mlmodel(store, tmp_path):
    clf = _xgb_classifier(0)
    mlflow.xgboost.save_model(clf, tmp_path / "exported", pip_requirements=[])
    adapter = load_adapter(ModelSpec(type="mlflow", uri="exported"), base_dir=tmp_path, device=CPU,
                           feature_names=FEATURES)
    assert adapter.fingerprint == load(store, f"models:/{NAME}/1").fingerprint
    assert adapter.describe()["model_directory"] == str((tmp_path / "exported").resolve())
    with pytest.raises(ModelError, match=r"model.trusted is set, but .*xgboost flavour"):
        load_adapter(ModelSpec(type="mlflow", uri="exported", trusted=["a.B"]), base_dir=tmp_path, device=CPU,
                     feature_names=FEATURES)

    mlmodel = tmp_path / "exported" / "MLmodel"
    document = yaml.safe_load(mlmodel.read_text())
    document["flavors"]["xgboost"]["data"] = "../../outside.ubj"
    mlmodel.write_text(yaml.safe_dump(document))
    with pytest.raises(ModelError, match="outside the model directory"):
        load_adapter(ModelSpec(type="mlflow", uri="exported"), base_dir=tmp_path, device=CPU, feature_names=FEATURES)
    document["flavors"] = {"python_function": {"loader_module": "my_code"}, "transformers": {}}
    mlmodel.write_text(yaml.safe_dump(document))
    with pytest.raises(ModelError, match=r"flavours python_function, transformers, none of which.*supported "
                                         r"flavours: xgboost, lightgbm, onnx, sklearn"):
        load_adapter(ModelSpec(type="mlflow", uri="exported"), base_dir=tmp_path, device=CPU, feature_names=FEATURES)
    with pytest.raises(ModelError, match="has no MLmodel file"):
        load_adapter(ModelSpec(type="mlflow", uri="."), base_dir=tmp_path, device=CPU, feature_names=FEATURES)


def test_an_onnx_flavour_goes_to_the_onnx_adapter(tmp_path):
    onnx = pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    pytest.importorskip("skl2onnx")
    from tabular_models import onnx_bytes

    graph = onnx_bytes(sklearn_pipeline(0))
    mlflow.onnx.save_model(onnx.load_from_string(graph), tmp_path / "onnx-model", pip_requirements=[])
    (tmp_path / "direct.onnx").write_bytes(graph)
    x, _ = training_arrays(9, n=200)
    direct = load_adapter(ModelSpec(type="onnx", path="direct.onnx"), base_dir=tmp_path, device=CPU,
                          feature_names=FEATURES)
    adapter = load_adapter(ModelSpec(type="mlflow", uri=(tmp_path / "onnx-model").as_uri(), output="probabilities"),
                           base_dir=Path("/nonexistent"), device=CPU, feature_names=FEATURES)
    np.testing.assert_array_equal(adapter.predict(x), direct.predict(x))
    assert adapter.describe()["flavour"] == "onnx" and adapter.describe()["source"]["path"] == "model.onnx"
    with pytest.raises(ModelError, match=r"model.output is 'proba' but .* has the outputs"):
        load_adapter(ModelSpec(type="mlflow", uri="onnx-model", output="proba"), base_dir=tmp_path, device=CPU,
                     feature_names=FEATURES)


def test_an_audit_through_the_registry_runs_checks_and_reports_the_provenance(store, tmp_path):
    make_frame(1200, 0).to_csv(tmp_path / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "mlflow", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "credit-scorer", "version": "1"},
        "model": {"type": "mlflow", "uri": f"models:/{NAME}@champion",
                  "tracking_uri": (store.root / "mlruns").as_uri()},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": FEATURES},
        "protected_attributes": [{"name": "sex", "column": "sex_code", "values": [0, 1], "model_input": True}],
        "statistics": {"bootstrap": 200, "seed": 3},
        "checks": [{"id": "perf", "kind": "performance", "attributes": ["sex"],
                    "thresholds": {"accuracy": {"min": 0.6}}},
                   {"id": "parity", "kind": "group_fairness", "attributes": ["sex"],
                    "thresholds": {"demographic_parity_ratio": {"min": 0.8}}}],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    with open_store(f"sqlite:///{tmp_path / 'runs.db'}") as db:
        record = auditkit.run_audit(path, store=db, device="cpu", report=False)
        stored = db.get_run(record.run_id)
    status = {o.check_id: o.status for o in record.outcomes}
    assert status == {"perf": Status.PASS, "parity": Status.FAIL}, [o.summary for o in record.outcomes]
    ref = stored.model_ref
    assert (ref["registered_model"], ref["model_version"], ref["model_alias"], ref["run_id"]) == \
        (NAME, "1", "champion", store.run_id)
    direct = load_adapter(ModelSpec(type="xgboost", path="direct.json"), base_dir=store.root, device=CPU,
                          feature_names=FEATURES)
    assert stored.model_fingerprint == direct.fingerprint
    for language, labels in (("en", ("Registered model", "Model version", "Model alias", "MLflow run ID")),
                             ("de", ("Registriertes Modell", "Modellversion", "Modell-Alias", "MLflow-Lauf-ID"))):
        html = render_report(stored, report_id="R-1", version=1, formats=("html",), language=language).html
        text = html.decode("utf-8").replace("<wbr>", "")  # identifiers may break after "-" and "/"
        for label in labels:
            assert label in text, (language, label)
        assert NAME in text and store.run_id in text and "champion" in text


def test_a_sqlite_registry_works_offline(tmp_path):
    db = f"sqlite:///{tmp_path / 'mlflow.db'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MLFLOW_DISABLE_TELEMETRY", "true")
        mlflow.set_tracking_uri(db)
        try:
            experiment = mlflow.create_experiment("sq", artifact_location=(tmp_path / "artifacts").as_uri())
            with mlflow.start_run(experiment_id=experiment):
                _log(mlflow.sklearn, sklearn_pipeline(0), "model", "sq-model", serialization_format="skops")
        finally:
            mlflow.set_tracking_uri(None)
    adapter = load_adapter(ModelSpec(type="mlflow", uri="models:/sq-model/1", tracking_uri="sqlite:///mlflow.db"),
                           base_dir=tmp_path, device=CPU, feature_names=FEATURES)
    x, _ = training_arrays(8, n=200)
    np.testing.assert_allclose(adapter.predict(x), sklearn_pipeline(0).predict_proba(x)[:, 1], rtol=1e-6)
    assert adapter.describe()["tracking_uri"] == db and adapter.describe()["registered_model"] == "sq-model"


def test_credentials_are_removed_from_recorded_uris():
    assert redact_uri("postgresql://alice:s3cret@db.example:5432/mlflow") == "postgresql://***@db.example:5432/mlflow"
    assert redact_uri("https://token@mlflow.example/api?x=1&token=abc") == \
        "https://***@mlflow.example/api?x=1&token=***"
    assert redact_uri("sqlite:////data/mlflow.db") == "sqlite:////data/mlflow.db"
    assert redact_uri("file:///tmp/mlruns") == "file:///tmp/mlruns"


@pytest.mark.parametrize(("uri", "message"), [
    ("models:/credit", r"no version: write models:/credit/VERSION"),
    ("models:/credit/Production", r"stages .* are deprecated"),
    ("runs:/abc", r"write runs:/RUN_ID/PATH"),
    ("s3://bucket/model", r"the scheme 's3' is not read directly"),
])
def test_malformed_uris_are_policy_errors(uri, message):
    with pytest.raises(ValueError, match=message):
        ModelSpec(type="mlflow", uri=uri)
