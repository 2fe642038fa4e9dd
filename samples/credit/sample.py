"""Synthetic retail-credit sample with a known causal structure (EU AI Act Annex III 5(b)).

The sample exists to give auditkit a case where the right answer is known in
advance: two models with the same architecture and the same inputs, one of
which discriminates against women *through a proxy* while never seeing ``sex``,
and one of which does not.

Causal structure (each arrow is a term of the data generator; there are no others)::

    sex ──────────────► hours_per_week            (proxy: no arrow into default)
     │
     │   income_k ─────────┐
     │   debt_ratio ───────┤
     │   credit_history ───┤
     │   late_payments ────┼──► default           (true outcome, 1 = defaulted)
     │   loan_amount_k ────┤
     │   employment_years ─┘        │
     │                              ▼
     └────────────────────────► hist_default      (historical lender's records:
                                                   some women who repaid were
                                                   recorded as defaulted)

* ``sex`` is drawn 50/50 and is **not** a model input.
* The six legitimate features are drawn independently of ``sex``.
* ``hours_per_week`` depends on ``sex`` only (women ≈ 30 h, men ≈ 40 h, sd 6);
  it has no effect on ``default``.
* ``default`` follows a logistic model of the legitimate features only.
* ``hist_default`` equals ``default``, except that a fixed share of the women who
  repaid are recorded as defaults (label bias).

Both models take :data:`FEATURES` (legitimate features + ``hours_per_week``):

* **credit-proxy** is trained on ``hist_default``. The biased labels make being
  a woman look risky; ``hours_per_week`` is the only input that carries ``sex``,
  so the model learns to penalise short working hours, i.e. it uses ``sex``
  through the proxy. Expected audit outcome: demographic parity FAILS.
* **credit-fair** is trained on the true ``default``. ``hours_per_week`` carries
  no information about the true outcome, so the model (almost) ignores it.
  Expected audit outcome: parity and accuracy checks PASS.

The favourable outcome is "repaid" (``default == 0``). The models output a
single logit of the favourable outcome (P(repaid) = sigmoid(logit)) and
standardise their raw inputs internally, so audit data can be fed as-is.

The same data also train three models that auditkit audits as black boxes
(:func:`prepare_trees`, ``auditkit demo --sample credit-trees``; they need
``pip install "auditkit[xgboost,sklearn]"``):

* **credit-proxy-xgb** and **credit-fair-xgb**: gradient-boosted trees
  (XGBoost ``binary:logistic``, saved in XGBoost's JSON format) trained with
  one recipe on ``hist_default`` and on ``default`` respectively, predicting
  P(repaid) as class 1. Expected audit outcome as for the MLPs: the proxy
  model FAILS parity, ``sex-not-used`` and the counterfactual; the fair one
  PASSES parity and the counterfactual. The recipe's minimum split gain
  (``gamma``) keeps the fair model from splitting on ``hours_per_week`` at all.
* **credit-scorecard**: a logistic-regression scorecard (``StandardScaler`` +
  ``LogisticRegression``, a skops archive): the bank's legacy scorecard,
  refitted on the historical lender's records (``hist_default``). A linear,
  fully transparent model learns the label bias just as the trees do: it gives
  ``hours_per_week`` a large positive coefficient. Expected audit outcome: it
  FAILS parity, ``sex-not-used`` and the counterfactual.

This file is self-contained (loaded by path with importlib, and copied by
``auditkit demo``): it imports no sibling modules, and XGBoost, scikit-learn
and skops only inside :func:`prepare_trees`. Run it as
``python samples/credit/sample.py [DEST] [--trees]`` to write the data and models.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch
from safetensors.torch import save_file
from torch import nn

#: Bump whenever the generator, the model or the training recipe changes: it
#: invalidates every cached ``models/manifest.json``.
GENERATOR_VERSION = "1"

#: The legitimate features (drawn independently of ``sex``, they cause ``default``).
LEGITIMATE_FEATURES: list[str] = [
    "income_k",
    "debt_ratio",
    "credit_history_years",
    "late_payments",
    "loan_amount_k",
    "employment_years",
]
#: The proxy: caused by ``sex``, no effect on ``default``.
PROXY_FEATURE = "hours_per_week"
#: Model inputs, in the order the models expect them.
FEATURES: list[str] = [*LEGITIMATE_FEATURES, PROXY_FEATURE]

#: Seeds and sizes used by :func:`prepare` (recorded in the manifest).
DATA_SEED = 20261101
PROXY_TRAIN_SEED = 11
FAIR_TRAIN_SEED = 12
N_TRAIN = 12_000
N_HOLDOUT = 8_000

# Generator parameters.
_HOURS_MEAN = {"female": 30.0, "male": 40.0}
_HOURS_SD = 6.0
_DEFAULT_INTERCEPT = -2.3
_DEFAULT_COEFFICIENTS = {
    "income": -1.4,  # per sd of log income
    "debt_ratio": 1.4,
    "credit_history": -0.8,
    "late_payments": 0.95,  # per late payment
    "loan_burden": 0.8,  # per sd of log(loan / income)
    "employment": -0.45,
}
_HIST_FLIP_WOMEN = 0.50  # share of women who repaid but were recorded as defaulted

# Training recipe: full-batch Adam with L2 weight decay and a group-lasso penalty
# on the first layer's input columns, which drives the weights of inputs that
# carry no signal for the labels towards zero (the usual feature-selection
# regulariser; it is what lets the fair model really ignore hours_per_week).
_EPOCHS = 300
_LR = 0.01
_WEIGHT_DECAY = 1e-3
_GROUP_LASSO = 0.01

#: Bump whenever the tree models' recipe changes: it invalidates every cached
#: ``models/manifest-trees.json`` and leaves the MLPs (and their manifest) alone.
TREES_VERSION = "1"
XGB_PROXY_SEED = 21
XGB_FAIR_SEED = 22
SCORECARD_SEED = 23

# Tree recipe, shared by the proxy and the fair model (only the labels differ): 150 rounds of depth-3 trees on
# one thread (exact, reproducible histograms). ``gamma`` (the minimum loss reduction of a split) and
# ``min_child_weight`` prune the splits that only fit noise, which is what keeps the fair model off
# hours_per_week; the proxy model's splits on it gain far more than gamma, the biased labels being the signal.
_XGB_ROUNDS = 150
_XGB_PARAMS: dict[str, object] = {
    "objective": "binary:logistic",
    "eval_metric": "logloss",
    "tree_method": "hist",
    "max_depth": 3,
    "eta": 0.1,
    "gamma": 5.0,
    "min_child_weight": 50.0,
    "nthread": 1,
}
# Scorecard recipe: standardised inputs, logistic regression with scikit-learn's default L2 penalty.
_SCORECARD_C = 1.0

_SAMPLE_DIR = Path(__file__).resolve().parent
_SAMPLE_FILES = (
    "sample.py",
    "policy.yaml",
    "policy-fair.yaml",
    "policy-xgb.yaml",
    "policy-xgb-fair.yaml",
    "policy-scorecard.yaml",
    "README.md",
)


# --------------------------------------------------------------------------- data


def _default_logit(frame: pd.DataFrame) -> np.ndarray:
    """Log-odds of the true default: a linear function of the legitimate features only.

    Income and loan burden enter on the log scale; every term is standardised
    with the generator's population parameters, so the coefficients in
    :data:`_DEFAULT_COEFFICIENTS` are per standard deviation (per late payment).
    """
    income = frame["income_k"].to_numpy(dtype=float)
    burden = np.log(frame["loan_amount_k"].to_numpy(dtype=float) / income)
    terms = {
        "income": (np.log(income) - np.log(42.0)) / 0.45,
        "debt_ratio": (frame["debt_ratio"].to_numpy(dtype=float) - 0.30) / 0.15,
        "credit_history": (frame["credit_history_years"].to_numpy(dtype=float) - 10.0) / 6.0,
        "late_payments": frame["late_payments"].to_numpy(dtype=float),
        "loan_burden": (burden - np.log(15.0 / 42.0)) / 0.70,
        "employment": (frame["employment_years"].to_numpy(dtype=float) - 6.0) / 5.5,
    }
    logit = np.full(len(frame), _DEFAULT_INTERCEPT)
    for name, value in terms.items():
        logit += _DEFAULT_COEFFICIENTS[name] * value
    return logit


def generate(n: int, seed: int) -> pd.DataFrame:
    """Draw ``n`` synthetic applicants, deterministically from ``seed``.

    Columns: ``applicant_id``, ``sex``, the :data:`FEATURES`, the true outcome
    ``default`` (1 = defaulted) and the historical lender's label
    ``hist_default`` (biased against women). Values are rounded to the
    precision written to CSV, so a frame read back from CSV equals this one.
    """
    if n < 1:
        raise ValueError(f"n must be a positive number of applicants, got {n}")
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(n) < 0.5, "female", "male")
    female = sex == "female"

    income = np.clip(np.exp(rng.normal(np.log(42.0), 0.45, n)), 8.0, 400.0)
    debt = rng.beta(2.5, 5.8, n)
    history = np.clip(rng.gamma(2.8, 3.6, n), 0.0, 45.0)
    late = rng.poisson(0.8, n)
    loan = np.clip(np.exp(rng.normal(np.log(15.0), 0.55, n)), 1.0, 250.0)
    employment = np.clip(rng.exponential(6.0, n), 0.0, 45.0)
    hours_mean = np.where(female, _HOURS_MEAN["female"], _HOURS_MEAN["male"])
    hours = np.clip(rng.normal(hours_mean, _HOURS_SD), 6.0, 70.0)

    frame = pd.DataFrame(
        {
            "applicant_id": np.arange(100_001, 100_001 + n, dtype=np.int64),
            "sex": sex,
            "income_k": np.round(income, 1),
            "debt_ratio": np.round(debt, 3),
            "credit_history_years": np.round(history, 1),
            "late_payments": late.astype(np.int64),
            "loan_amount_k": np.round(loan, 1),
            "employment_years": np.round(employment, 1),
            "hours_per_week": np.round(hours, 1),
        }
    )
    p_default = 1.0 / (1.0 + np.exp(-_default_logit(frame)))
    default = (rng.random(n) < p_default).astype(np.int64)
    recorded_as_default = female & (default == 0) & (rng.random(n) < _HIST_FLIP_WOMEN)
    frame["default"] = default
    frame["hist_default"] = np.where(recorded_as_default, 1, default).astype(np.int64)
    return frame


# -------------------------------------------------------------------------- model


class CreditScorer(nn.Module):
    """MLP ``d → 32 → 16 → 1`` (ReLU) returning the logit of P(repaid).

    Inputs are raw feature values in :data:`FEATURES` order; the module
    standardises them with the buffers ``feature_mean`` and ``feature_std``,
    which are part of the state dict (set from the training data).
    """

    def __init__(self, n_features: int, hidden: int, hidden2: int) -> None:
        super().__init__()
        self.register_buffer("feature_mean", torch.zeros(n_features))
        self.register_buffer("feature_std", torch.ones(n_features))
        self.net = nn.Sequential(
            nn.Linear(n_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden2),
            nn.ReLU(),
            nn.Linear(hidden2, 1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logit of the favourable outcome (repaid), shape ``(batch, 1)``."""
        return self.net((x - self.feature_mean) / self.feature_std)


def build(n_features: int = len(FEATURES), hidden: int = 32, hidden2: int = 16) -> CreditScorer:
    """Model factory named by the policies (``factory: "sample.py:build"``).

    Returns an untrained :class:`CreditScorer`; auditkit loads the weights
    (including the standardisation buffers) from the safetensors file.
    """
    return CreditScorer(int(n_features), int(hidden), int(hidden2))


@contextmanager
def _isolated_torch(seed: int) -> Iterator[None]:
    """Seeded, single-threaded torch for reproducible training, leaving the caller's state as it was.

    One thread keeps floating-point reductions in a fixed order; the global RNG
    is forked so that training does not disturb the caller's random stream.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            yield
    finally:
        torch.set_num_threads(threads)


def train(frame: pd.DataFrame, *, labels: str, seed: int) -> CreditScorer:
    """Train a :class:`CreditScorer` to predict repayment from ``frame[FEATURES]``.

    ``labels`` names the 0/1 default column to learn (``"hist_default"`` for the
    proxy model, ``"default"`` for the fair one); the target is its complement
    (repaid). Full-batch Adam with a fixed seed on one thread: training twice
    with the same data and seed gives identical weights.
    """
    if labels not in frame.columns:
        raise KeyError(f"label column {labels!r} not in frame; columns: {', '.join(frame.columns)}")
    x = torch.tensor(frame[FEATURES].to_numpy(dtype=np.float32))
    y = torch.tensor(1.0 - frame[labels].to_numpy(dtype=np.float32)).unsqueeze(1)
    with _isolated_torch(seed):
        model = build()
        model.feature_mean.copy_(x.mean(dim=0))
        model.feature_std.copy_(x.std(dim=0).clamp_min(1e-6))
        optimiser = torch.optim.Adam(model.parameters(), lr=_LR, weight_decay=_WEIGHT_DECAY)
        loss_fn = nn.BCEWithLogitsLoss()
        model.train()
        for _ in range(_EPOCHS):
            optimiser.zero_grad(set_to_none=True)
            loss = loss_fn(model(x), y)
            loss = loss + _GROUP_LASSO * model.net[0].weight.norm(dim=0).sum()
            loss.backward()
            optimiser.step()
    model.eval()
    return model


# ------------------------------------------------------------------------ prepare


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _manifest_spec() -> dict[str, object]:
    """What the cached files were made from; any change (even to one coefficient) forces a rebuild."""
    return {
        "generator_version": GENERATOR_VERSION,
        "data_seed": DATA_SEED,
        "proxy_train_seed": PROXY_TRAIN_SEED,
        "fair_train_seed": FAIR_TRAIN_SEED,
        "n_train": N_TRAIN,
        "n_holdout": N_HOLDOUT,
        "features": FEATURES,
        "generator": {
            "hours_mean": _HOURS_MEAN,
            "hours_sd": _HOURS_SD,
            "default_intercept": _DEFAULT_INTERCEPT,
            "default_coefficients": _DEFAULT_COEFFICIENTS,
            "hist_flip_women": _HIST_FLIP_WOMEN,
        },
        "training": {"epochs": _EPOCHS, "lr": _LR, "weight_decay": _WEIGHT_DECAY, "group_lasso": _GROUP_LASSO},
    }


def _outputs(dest: Path) -> dict[str, Path]:
    return {
        "train": dest / "data" / "train.csv",
        "holdout": dest / "data" / "holdout.csv",
        "proxy_model": dest / "models" / "credit-proxy.safetensors",
        "fair_model": dest / "models" / "credit-fair.safetensors",
    }


def _cache_valid(manifest: Path, outputs: dict[str, Path], spec: dict[str, object] | None = None) -> bool:
    """True if the manifest records ``spec`` (default: the MLPs' :func:`_manifest_spec`) and every file has its
    recorded hash."""
    if not manifest.is_file():
        return False
    try:
        recorded = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not isinstance(recorded, dict) or recorded.get("spec") != (_manifest_spec() if spec is None else spec):
        return False
    hashes = recorded.get("sha256", {})
    return all(path.is_file() and hashes.get(key) == _sha256(path) for key, path in outputs.items())


def _save_model(model: CreditScorer, path: Path, *, trained_on: str, seed: int) -> None:
    """Write the state dict as safetensors with a description of the model in the header.

    The description is one metadata entry holding canonical JSON: safetensors
    keeps metadata in a hash map, so several entries would be written in a
    varying order and the file bytes would not be reproducible.
    """
    tensors = {k: v.detach().contiguous().clone() for k, v in model.state_dict().items()}
    description = {
        "features": FEATURES,
        "output": "logit of P(repaid); favourable outcome = repaid (default == 0)",
        "trained_on": trained_on,
        "train_seed": seed,
        "generator_version": GENERATOR_VERSION,
    }
    save_file(tensors, str(path), metadata={"auditkit_sample": json.dumps(description, sort_keys=True)})


def _copy_sample_files(dest: Path) -> None:
    """Make ``dest`` a self-contained audit folder (policies, factory, README); never overwrite."""
    if dest.resolve() == _SAMPLE_DIR:
        return
    for name in _SAMPLE_FILES:
        source, target = _SAMPLE_DIR / name, dest / name
        if source.is_file() and not target.exists():
            shutil.copyfile(source, target)


def _write_data(outputs: dict[str, Path]) -> pd.DataFrame:
    """Draw the sample's applicants, write ``train`` and ``holdout`` CSVs; return the training frame.

    The bytes depend on the generator only, so rewriting them (for the tree models) leaves the MLPs'
    manifest valid.
    """
    frame = generate(N_TRAIN + N_HOLDOUT, DATA_SEED)
    train_frame = frame.iloc[:N_TRAIN].reset_index(drop=True)
    holdout_frame = frame.iloc[N_TRAIN:].reset_index(drop=True)
    outputs["train"].parent.mkdir(parents=True, exist_ok=True)
    train_frame.to_csv(outputs["train"], index=False, lineterminator="\n")
    holdout_frame.to_csv(outputs["holdout"], index=False, lineterminator="\n")
    return train_frame


def prepare(dest: Path | str, *, force: bool = False) -> dict[str, Path]:
    """Write the sample's data and models into ``dest`` and return their paths.

    Creates ``data/train.csv`` (training rows, with both label columns),
    ``data/holdout.csv`` (disjoint audit rows), ``models/credit-proxy.safetensors``
    (trained on the biased ``hist_default``), ``models/credit-fair.safetensors``
    (trained on the true ``default``) and ``models/manifest.json``. If the
    manifest records the same generator version, parameters, seeds and sizes
    and every file still has its recorded SHA-256, nothing is rewritten (unless
    ``force``). The manifest is written last, so an interrupted run rebuilds.
    The sample's policy files, README and this module are copied into ``dest``
    when missing, so the folder can be audited on its own.

    Returns a dict with keys ``train``, ``holdout``, ``proxy_model``,
    ``fair_model`` and ``manifest``.
    """
    dest = Path(dest)
    outputs = _outputs(dest)
    manifest = dest / "models" / "manifest.json"
    dest.mkdir(parents=True, exist_ok=True)
    _copy_sample_files(dest)
    if not force and _cache_valid(manifest, outputs):
        return {**outputs, "manifest": manifest}

    manifest.unlink(missing_ok=True)
    outputs["proxy_model"].parent.mkdir(parents=True, exist_ok=True)
    train_frame = _write_data(outputs)

    proxy = train(train_frame, labels="hist_default", seed=PROXY_TRAIN_SEED)
    _save_model(proxy, outputs["proxy_model"], trained_on="hist_default", seed=PROXY_TRAIN_SEED)
    fair = train(train_frame, labels="default", seed=FAIR_TRAIN_SEED)
    _save_model(fair, outputs["fair_model"], trained_on="default", seed=FAIR_TRAIN_SEED)

    record = {"spec": _manifest_spec(), "sha256": {key: _sha256(path) for key, path in outputs.items()}}
    manifest.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {**outputs, "manifest": manifest}


# -------------------------------------------------------------------- tree models

#: What to install for :func:`prepare_trees` (named in its error when a library is missing).
TREES_EXTRA = 'pip install "auditkit[xgboost,sklearn]"'


def _tree_libraries() -> tuple[Any, Any, Any]:
    """``(xgboost, sklearn, skops.io)``, imported here so that the MLP sample works without them."""
    try:
        import sklearn
        import skops.io as sio
        import xgboost as xgb
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            f"the credit sample's tree and scorecard models need XGBoost, scikit-learn and skops, but "
            f"{exc.name or exc} is not installed; install them with: {TREES_EXTRA}",
            name=exc.name,
        ) from exc
    return xgb, sklearn, sio


def train_xgb(frame: pd.DataFrame, *, labels: str, seed: int) -> Any:
    """Train an XGBoost ``binary:logistic`` booster predicting repayment (class 1 = repaid) from ``frame[FEATURES]``.

    ``labels`` names the 0/1 default column (``"hist_default"``: proxy model; ``"default"``: fair model). One
    thread and a fixed seed: training twice gives the same trees. The booster carries the feature names.
    """
    if labels not in frame.columns:
        raise KeyError(f"label column {labels!r} not in frame; columns: {', '.join(frame.columns)}")
    xgb, _, _ = _tree_libraries()
    x = frame[FEATURES].to_numpy(dtype=np.float32)
    repaid = 1.0 - frame[labels].to_numpy(dtype=np.float64)
    dtrain = xgb.DMatrix(x, label=repaid, feature_names=FEATURES, nthread=1)
    return xgb.train({**_XGB_PARAMS, "seed": seed, "verbosity": 0}, dtrain, num_boost_round=_XGB_ROUNDS)


def train_scorecard(frame: pd.DataFrame, *, labels: str, seed: int) -> Any:
    """Train the logistic-regression scorecard: ``Pipeline([StandardScaler, LogisticRegression])``.

    Fitted on the DataFrame ``frame[FEATURES]`` (so the pipeline knows its column names) to predict repayment
    (class 1 = repaid), with scikit-learn's default L2 penalty (C = :data:`_SCORECARD_C`, lbfgs, deterministic).
    """
    if labels not in frame.columns:
        raise KeyError(f"label column {labels!r} not in frame; columns: {', '.join(frame.columns)}")
    _tree_libraries()
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    logit = LogisticRegression(C=_SCORECARD_C, max_iter=1000, random_state=seed)
    model = Pipeline([("scale", StandardScaler()), ("logit", logit)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a convergence warning would mean the recipe no longer fits
        model.fit(frame[FEATURES].astype(np.float64), 1 - frame[labels].to_numpy(dtype=np.int64))
    return model


def _trees_spec() -> dict[str, object]:
    """What the cached tree models were made from (the data's spec, both recipes, the library versions)."""
    xgb, sklearn, _ = _tree_libraries()
    return {
        "trees_version": TREES_VERSION,
        "data": {key: value for key, value in _manifest_spec().items() if key != "training"},
        "xgboost": {"version": xgb.__version__, "rounds": _XGB_ROUNDS, "params": _XGB_PARAMS,
                    "proxy_seed": XGB_PROXY_SEED, "fair_seed": XGB_FAIR_SEED},
        "scorecard": {"sklearn_version": sklearn.__version__, "C": _SCORECARD_C, "penalty": "l2",
                      "solver": "lbfgs", "seed": SCORECARD_SEED, "trained_on": "hist_default"},
    }


def _tree_outputs(dest: Path) -> dict[str, Path]:
    models = dest / "models"
    return {
        "train": dest / "data" / "train.csv",
        "holdout": dest / "data" / "holdout.csv",
        "xgb_proxy_model": models / "credit-proxy-xgb.json",
        "xgb_fair_model": models / "credit-fair-xgb.json",
        "scorecard_model": models / "credit-scorecard.skops",
    }


def prepare_trees(dest: Path | str, *, force: bool = False) -> dict[str, Path]:
    """Write the sample's data and its three black-box models into ``dest``; return their paths.

    Creates ``data/train.csv`` and ``data/holdout.csv`` (the same bytes :func:`prepare` writes),
    ``models/credit-proxy-xgb.json`` (XGBoost on ``hist_default``), ``models/credit-fair-xgb.json`` (XGBoost on
    ``default``), ``models/credit-scorecard.skops`` (the logistic scorecard on ``hist_default``) and
    ``models/manifest-trees.json``, cached like :func:`prepare` (the MLPs are neither trained nor touched).
    The XGBoost files are byte-identical on every run with the same XGBoost version; a skops archive names
    its members after Python object ids and stamps the time, so the scorecard's bytes differ between runs
    (its coefficients do not). A missing library is a ``ModuleNotFoundError`` naming :data:`TREES_EXTRA`.

    Returns a dict with keys ``train``, ``holdout``, ``xgb_proxy_model``, ``xgb_fair_model``,
    ``scorecard_model`` and ``manifest``.
    """
    _, _, sio = _tree_libraries()  # fail before writing anything
    dest = Path(dest)
    outputs = _tree_outputs(dest)
    manifest = dest / "models" / "manifest-trees.json"
    dest.mkdir(parents=True, exist_ok=True)
    _copy_sample_files(dest)
    spec = _trees_spec()
    if not force and _cache_valid(manifest, outputs, spec):
        return {**outputs, "manifest": manifest}

    manifest.unlink(missing_ok=True)
    outputs["xgb_proxy_model"].parent.mkdir(parents=True, exist_ok=True)
    train_frame = _write_data(outputs)
    train_xgb(train_frame, labels="hist_default", seed=XGB_PROXY_SEED).save_model(str(outputs["xgb_proxy_model"]))
    train_xgb(train_frame, labels="default", seed=XGB_FAIR_SEED).save_model(str(outputs["xgb_fair_model"]))
    scorecard = train_scorecard(train_frame, labels="hist_default", seed=SCORECARD_SEED)
    sio.dump(scorecard, outputs["scorecard_model"])

    record = {"spec": spec, "sha256": {key: _sha256(path) for key, path in outputs.items()}}
    manifest.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return {**outputs, "manifest": manifest}


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python sample.py [DEST] [--force] [--trees]``; prints the written paths.

    ``--trees`` writes the XGBoost pair and the scorecard (:func:`prepare_trees`) instead of the MLPs.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    force, trees = "--force" in args, "--trees" in args
    positional = [a for a in args if a not in ("--force", "--trees")]
    if len(positional) > 1 or any(a.startswith("-") for a in positional):
        print("usage: python sample.py [DEST] [--force] [--trees]", file=sys.stderr)
        return 2
    dest = Path(positional[0]) if positional else _SAMPLE_DIR
    try:
        written = (prepare_trees if trees else prepare)(dest, force=force)
    except ModuleNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for key, path in written.items():
        print(f"{key:16s} {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
