"""Text categories into a scikit-learn pipeline that encodes them itself (``data.categorical``).

Credit pipelines take raw columns such as ``region = "north"`` and one-hot encode them inside a
ColumnTransformer. auditkit holds such a column as category codes, hands the pipeline the text back, reads
from the pipeline which inputs it encodes, and treats each as one categorical variable: the counterfactual
redraws its categories. Known answers on generated data (pinned seeds): sex shifts ``region``; the proxy
pipeline is trained on labels that follow region, the fair one on labels that follow ``score`` only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import auditkit
from auditkit.errors import DataError, ModelError
from auditkit.results import Status
from auditkit.store import open_store

sio = pytest.importorskip("skops.io")
REGIONS = ("east", "north", "south")


def frame(n: int, seed: int, *, fair: bool) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], n)
    male = sex == "male"
    region = np.where(male, rng.choice(REGIONS, n, p=[0.1, 0.2, 0.7]), rng.choice(REGIONS, n, p=[0.6, 0.3, 0.1]))
    score = rng.random(n).round(4)
    logit = 6 * (score - 0.5) if fair else 1.5 * (score - 0.5) + np.where(region == "south", 2.5, -1.5)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"score": score, "region": region, "sex": sex, "y": y})


def pipeline_policy(tmp: Path, *, fair: bool, categorical: bool = True, model: dict | None = None) -> Path:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train = frame(3000, 1, fair=fair)
    pipe = Pipeline([("prep", ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["region"]),
                                                 ("num", StandardScaler(), ["score"])])),
                     # the fair labels ignore region; an L1 penalty then gives region's columns exactly zero
                     # weight (an L2 fit would keep chance weights that move a few decisions near the threshold)
                     ("clf", LogisticRegression(l1_ratio=1.0, solver="liblinear", C=0.05) if fair else
                      LogisticRegression())]).fit(train[["score", "region"]], train["y"])
    sio.dump(pipe, tmp / "pipe.skops")
    frame(2000, 2, fair=fair).to_csv(tmp / "data.csv", index=False)
    data = {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["score", "region"]}
    if categorical:
        data["categorical"] = ["region"]
    policy = {
        "schema_version": 1,
        "policy": {"id": "cats", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "pipeline-scorer", "version": "1"},
        "model": model or {"type": "sklearn", "path": "pipe.skops"},
        "data": data,
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 200, "seed": 3},
        "checks": [{"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex", "refit_resamples": 100},
                   {"id": "pfu", "kind": "prohibited_feature_use", "attribute": "sex", "n_permutations": 19,
                    "random_draws": 5, "attribution_examples": 0, "input_resamples": 20}],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def audit(path: Path):
    with open_store(f"sqlite:///{path.parent / 'runs.db'}") as store:
        return auditkit.run_audit(path, store=store, device="cpu", report=False)


def test_the_pipeline_gets_its_text_back_and_says_which_inputs_it_encodes(tmp_path):
    from auditkit.adapters import load_adapter
    from auditkit.data import load_data
    from auditkit.policy import load_policy

    loaded = load_policy(pipeline_policy(tmp_path, fair=False))
    policy = loaded.policy
    data = load_data(policy.data, policy.protected_attributes, base_dir=tmp_path, task="tabular")
    assert data.categories == {"region": REGIONS}  # sorted as text; X holds the indices
    np.testing.assert_array_equal(data.X[:, 1], [REGIONS.index(r) for r in data.frame["region"]])
    adapter = load_adapter(policy.model, base_dir=tmp_path, device="cpu", feature_names=["score", "region"])
    assert adapter.categorical_features == ("region",)  # read from the pipeline's ColumnTransformer
    adapter.use_categories(data.categories)
    pipe = sio.load(tmp_path / "pipe.skops", trusted=sio.get_untrusted_types(file=tmp_path / "pipe.skops"))
    np.testing.assert_allclose(adapter.predict(data.X), pipe.predict_proba(data.frame[["score", "region"]])[:, 1],
                               rtol=1e-6)
    assert adapter.describe()["categorical_features"] == ["region"]


def test_a_proxy_category_is_redrawn_by_the_counterfactual_and_fails_the_pipeline(tmp_path):
    record = audit(pipeline_policy(tmp_path, fair=False))
    cf, pfu = record.outcome("cf"), record.outcome("pfu")
    assert cf.status is Status.FAIL and "proxies (region)" in cf.summary, cf.summary
    moved = next(t for t in cf.evidence.tables if t.title.key == "counterfactual_sweep.table.moved")
    assert {r[1] for r in moved.rows} == {"region"}
    assert all(r[2].key.endswith("method.category_redraw") for r in moved.rows)
    assert pfu.status is Status.FAIL, pfu.summary
    assert pfu.measurement("input_counterfactual_flip_rate", group="inputs").ci_low > 0.01


def test_a_pipeline_that_ignores_region_passes(tmp_path):
    record = audit(pipeline_policy(tmp_path, fair=True))
    for check in ("cf", "pfu"):
        assert record.outcome(check).status is Status.PASS, record.outcome(check).summary


def test_text_categories_need_data_categorical_and_a_model_that_reads_text(tmp_path):
    with pytest.raises(DataError, match=r"'region' has .*non-numeric.*data\.categorical"):
        audit(pipeline_policy(tmp_path, fair=True, categorical=False))
    (tmp_path / "x").mkdir()
    xgb = pytest.importorskip("xgboost")
    rng = np.random.default_rng(0)
    xgb.XGBClassifier(n_estimators=2, max_depth=2).fit(rng.random((50, 2)), rng.integers(0, 2, 50)) \
        .save_model(tmp_path / "x" / "m.json")
    with pytest.raises(ModelError, match=r"data\.categorical lists 'region'.*model\.type is 'xgboost'"):
        audit(pipeline_policy(tmp_path / "x", fair=True, model={"type": "xgboost", "path": "m.json"}))
