"""Real scikit-learn, XGBoost, LightGBM and ONNX models for the black-box adapter tests, trained on generated data.

The data: ``score`` drives the outcome, ``noise`` does not, and ``sex_code`` (a
protected attribute the model reads) shifts it by a large fixed amount, so a
model trained on it scores well, selects the groups at clearly different rates
and changes many decisions when only ``sex_code`` is flipped, whatever the seed.
Each ``save_*`` trains on one sample and writes the library's own file format.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

FEATURES = ["score", "noise", "sex_code"]


def make_frame(n: int, seed: int) -> pd.DataFrame:
    """``n`` rows; P(y = 1) = sigmoid(8·(score − 0.5) + 3·(sex_code − 0.5))."""
    rng = np.random.default_rng(seed)
    score, noise, sex = rng.random(n), rng.random(n), rng.integers(0, 2, n)
    logit = 8.0 * (score - 0.5) + 3.0 * (sex - 0.5)
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    return pd.DataFrame({"score": score.round(4), "noise": noise.round(4), "sex_code": sex, "y": y})


def training_arrays(seed: int, n: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    frame = make_frame(n, seed + 1000)
    return frame[FEATURES].to_numpy(np.float32), frame["y"].to_numpy()


def save_sklearn(path: Path, seed: int) -> None:
    """A scaler + logistic regression Pipeline, saved with skops."""
    import skops.io as sio

    sio.dump(sklearn_pipeline(seed), path)


def save_xgboost(path: Path, seed: int) -> None:
    """An XGBClassifier (binary:logistic), saved natively (JSON or UBJ by the suffix)."""
    import xgboost as xgb

    x, y = training_arrays(seed)
    xgb.XGBClassifier(n_estimators=60, max_depth=3, learning_rate=0.1, n_jobs=1, random_state=seed).fit(x, y) \
        .save_model(path)


def save_lightgbm(path: Path, seed: int) -> None:
    """An LGBMClassifier (binary), its booster saved in LightGBM's text format."""
    import lightgbm as lgb

    x, y = training_arrays(seed)
    lgb.LGBMClassifier(n_estimators=60, num_leaves=8, learning_rate=0.1, n_jobs=1, verbose=-1,
                       random_state=seed).fit(x, y).booster_.save_model(path)


def sklearn_pipeline(seed: int):
    """The scaler + logistic regression Pipeline of :func:`save_sklearn`, fitted (the same model for any format)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x, y = training_arrays(seed)
    return make_pipeline(StandardScaler(), LogisticRegression()).fit(x, y)


def onnx_bytes(estimator, n_features: int = len(FEATURES)) -> bytes:
    """A fitted classifier converted with skl2onnx: one ``FloatTensorType([None, d])`` input, no ZipMap."""
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType

    final = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    return to_onnx(estimator, initial_types=[("X", FloatTensorType([None, n_features]))],
                   options={id(final): {"zipmap": False}}).SerializeToString()


def save_onnx(path: Path, seed: int) -> None:
    """The Pipeline of :func:`save_sklearn`, converted to ONNX (probabilities as a matrix)."""
    path.write_bytes(onnx_bytes(sklearn_pipeline(seed)))


SAVERS = {"sklearn": ("model.skops", save_sklearn), "xgboost": ("model.json", save_xgboost),
          "lightgbm": ("model.txt", save_lightgbm), "onnx": ("model.onnx", save_onnx)}


def write_audit(tmp: Path, model_type: str, checks: list[dict], *, seed: int = 0, n: int = 1200) -> Path:
    """Train and save a ``model_type`` model, write held-out audit data and a policy; return the policy path."""
    name, save = SAVERS[model_type]
    save(tmp / name, seed)
    make_frame(n, seed).to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "blackbox", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": f"{model_type}-scorer", "version": "1"},
        "model": {"type": model_type, "path": name},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": FEATURES},
        "protected_attributes": [{"name": "sex", "column": "sex_code", "values": [0, 1], "model_input": True}],
        "statistics": {"bootstrap": 200, "seed": 3},
        "checks": checks,
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path
