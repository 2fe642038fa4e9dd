"""``type: xgboost`` and ``type: lightgbm``: gradient-boosted trees from their native model files.

Both are black-box tabular adapters (:mod:`auditkit.adapters.blackbox`) that
also expose their trees (:class:`~auditkit.adapters.base.SupportsTreeStructure`:
the native booster for TreeSHAP, the leaf index of every row in every tree for
leaf probes). Neither library unpickles anything: XGBoost reads its JSON or UBJ
format, LightGBM its text format. Only binary models whose output is a
probability are accepted (XGBoost ``binary:logistic``, LightGBM ``binary``);
the score is P(class 1), or 1 − P(class 1) with ``favourable_output: 0``.

Fingerprints: XGBoost hashes the booster's canonical JSON serialisation
(``save_raw("json")``, taken before any device setting), so the same model
saved as JSON or UBJ has the same identity; LightGBM hashes the model file's
bytes. XGBoost predicts on the GPU under ``--device cuda`` (``device=cuda``
booster parameter; a CPU-only build is a clear error); LightGBM on the CPU.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import re
from abc import abstractmethod
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auditkit.adapters.blackbox import BlackBoxTabularAdapter, as_matrix, binary_proba
from auditkit.adapters.files import file_sha256, resolve_file
from auditkit.adapters.optional import import_optional
from auditkit.adapters.tree_formats import (
    lightgbm_leaf_values,
    randomise_lightgbm,
    randomise_xgboost,
    xgboost_leaf_values,
)
from auditkit.errors import ModelError
from auditkit.policy.model_specs import LightGBMSpec, XGBoostSpec

_XGB_SUFFIXES = (".json", ".ubj")
_LGB_DEFAULT_NAME = re.compile(r"^Column_\d+$")


def _check_width(n_model: int, feature_names: list[str], what: str) -> None:
    if n_model != len(feature_names):
        raise ModelError(f"{what} reads {n_model} features but data.features lists {len(feature_names)} columns; "
                         f"list exactly the model's {n_model} input columns, in training order")


def _check_names(model_names: list[str] | None, feature_names: list[str], what: str) -> None:
    if model_names and list(model_names) != list(feature_names):
        raise ModelError(f"{what} was trained on the columns {list(model_names)}, but data.features lists "
                         f"{list(feature_names)}; list exactly the model's columns, in training order")


def _signed(raw: np.ndarray, favourable_output: int) -> np.ndarray:
    """The raw score of class 1 as the favourable class's log-odds: log(p/(1−p)) is −raw for class 0."""
    return raw if favourable_output == 1 else -raw


class _BoosterAdapter(BlackBoxTabularAdapter):
    """What XGBoost and LightGBM adapters share: the booster, its tree count, leaf indices and margins.

    Subclasses set ``booster``, ``objective``, ``_n_trees``, ``_library`` (e.g. ``"xgboost 3.2.0"``) and
    ``_booster_class``, and implement the two raw library calls :meth:`_raw_leaves` and :meth:`_raw_margin`.
    """

    booster: Any
    objective: str
    _n_trees: int
    _library: str
    _booster_class: str
    _contributions_call: str

    @property
    def tree_model(self) -> Any:
        """The library's native booster (``xgboost.Booster`` or ``lightgbm.Booster``), for TreeSHAP."""
        return self.booster

    @property
    def n_trees(self) -> int:
        """Trees in the booster (one per boosting round, and per parallel tree in XGBoost)."""
        return self._n_trees

    def leaf_indices(self, inputs: Any) -> np.ndarray:
        """Leaf id per row and tree, ``(n, n_trees)`` int32 (the libraries' ``pred_leaf``)."""
        x = as_matrix(inputs, len(self.feature_names), self._what(), self.feature_names)
        return np.asarray(self._raw_leaves(x)).reshape(x.shape[0], -1).astype(np.int32)

    def margin(self, inputs: Any) -> np.ndarray:
        """The favourable class's log-odds per row, float64 ``(n,)``: the booster's raw margin (sign by
        ``favourable_output``), the quantity TreeSHAP with ``model_output="raw"`` decomposes."""
        x = as_matrix(inputs, len(self.feature_names), self._what(), self.feature_names)
        raw = np.asarray(self._raw_margin(x), dtype=np.float64).reshape(x.shape[0])
        return _signed(raw, self.favourable_output)

    @functools.cached_property
    def categorical_features(self) -> tuple[str, ...]:
        """The inputs the trees split on as categories (integer category codes in the data), in input order:
        counterfactuals and proxy screening then move and test each as one categorical variable."""
        return tuple(name for i, name in enumerate(self.feature_names) if i in self._categorical_indices())

    @functools.cached_property
    def leaf_values(self) -> list[dict[int, float]]:
        """Per tree, ``{leaf id: value}`` with ids as :meth:`leaf_indices` returns them; the values are the raw
        score of class 1 (not signed by ``favourable_output``): ``margin`` is ± (base + Σ_t value[t, leaf])."""
        return self._leaf_values()

    @abstractmethod
    def _leaf_values(self) -> list[dict[int, float]]:
        """The booster's leaf values, parsed from its own serialisation."""

    @abstractmethod
    def _categorical_indices(self) -> set[int]:
        """Column indices the booster treats as categorical."""

    def contributions(self, inputs: Any) -> np.ndarray:
        """Path-dependent TreeSHAP of :meth:`margin` by the library itself, ``(n, features + 1)`` float64 (the last
        column is the expected margin), negated with the margin for ``favourable_output: 0``."""
        x = as_matrix(inputs, len(self.feature_names), self._what(), self.feature_names)
        raw = np.asarray(self._raw_contributions(x), dtype=np.float64).reshape(x.shape[0], -1)
        return _signed(raw, self.favourable_output)

    @property
    def contributions_implementation(self) -> str:
        """The library call behind :meth:`contributions`, with the device it runs on."""
        return f"{self._library} {self._contributions_call} ({self.device})"

    def randomised(self, trees: int, seed: int, reference: np.ndarray) -> _BoosterAdapter:
        """A copy whose last ``trees`` trees (in boosting order) have random splits and leaf values, thresholds
        drawn from ``reference`` rows (:mod:`auditkit.adapters.tree_formats`); the original is untouched."""
        rng = np.random.default_rng(int(seed))
        ref = as_matrix(reference, len(self.feature_names), self._what(), self.feature_names)
        new = copy.copy(self)
        new.booster = self._randomised_booster(range(max(0, self._n_trees - int(trees)), self._n_trees), rng, ref)
        # its own identity for artefact keys: (original booster, trees, seed, reference) determines the new trees
        ref_digest = hashlib.sha256(ref.tobytes()).hexdigest()
        new.fingerprint = hashlib.sha256(
            f"{self.fingerprint}:randomised:{trees}:{seed}:{ref_digest}".encode()).hexdigest()
        return new

    @abstractmethod
    def _randomised_booster(self, trees: range, rng: np.random.Generator, reference: np.ndarray) -> Any:
        """A new native booster equal to ours except for random splits and leaves in ``trees``."""

    @abstractmethod
    def _raw_contributions(self, x: np.ndarray) -> np.ndarray:
        """The library's path-dependent TreeSHAP (features then bias) for a float32 matrix."""

    @abstractmethod
    def _raw_leaves(self, x: np.ndarray) -> np.ndarray:
        """The library's leaf prediction for a float32 matrix."""

    @abstractmethod
    def _raw_margin(self, x: np.ndarray) -> np.ndarray:
        """The library's raw (log-odds) score of class 1 for a float32 matrix."""

    def _model_record(self) -> dict[str, Any]:
        record = {"class": self._booster_class, "library": self._library, "objective": self.objective,
                  "trees": self._n_trees}
        if self.categorical_features:
            record["categorical_features"] = list(self.categorical_features)
        return record


class XGBoostAdapter(_BoosterAdapter):
    """An XGBoost ``binary:logistic`` booster, predicted with ``inplace_predict`` (CPU) or on a DMatrix (CUDA)."""

    fingerprint_basis = "SHA-256 of the booster's canonical JSON serialisation (Booster.save_raw('json'))"

    def __init__(self, booster: Any, *, spec: XGBoostSpec, path: Path, device: torch.device,
                 feature_names: list[str]) -> None:
        import xgboost as xgb

        self._xgb = xgb
        self._library = f"xgboost {xgb.__version__}"
        self._booster_class = "xgboost.Booster"
        self._contributions_call = "pred_contribs"
        self.booster = booster
        what = f"xgboost model {path.name!r}"
        config = json.loads(booster.save_config())
        self.objective = config["learner"]["objective"]["name"]
        if self.objective != "binary:logistic":
            raise ModelError(f"{what} has objective {self.objective!r}; auditkit audits binary classifiers that output "
                             "a probability: train with objective='binary:logistic'")
        _check_width(booster.num_features(), feature_names, what)
        _check_names(booster.feature_names, feature_names, what)
        self.fingerprint = hashlib.sha256(bytes(booster.save_raw("json"))).hexdigest()
        self.device = torch.device(device)
        if self.device.type == "cuda":
            if not xgb.build_info().get("USE_CUDA"):
                raise ModelError(f"--device {self.device} was requested but this XGBoost build has no CUDA support "
                                 "(xgboost-cpu?); install the CUDA build with pip install \"auditkit[xgboost]\" or run "
                                 "with --device cpu")
            booster.set_param({"device": str(self.device)})
        else:
            booster.set_param({"device": "cpu"})
        self._n_trees = len(booster.get_dump())
        source = {"path": spec.path, "path_resolved": str(path), "format": path.suffix.lower().lstrip(".")}
        self._setup(spec, name=path.name, source=source, feature_names=feature_names)

    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        if self.device.type == "cuda":  # numpy on a CUDA booster: a DMatrix is copied to the GPU once per block
            p = self.booster.predict(self._xgb.DMatrix(x), validate_features=False)
        else:
            p = self.booster.inplace_predict(x, validate_features=False)
        return binary_proba(p)

    def _raw_leaves(self, x: np.ndarray) -> np.ndarray:
        return self.booster.predict(self._xgb.DMatrix(x), pred_leaf=True, validate_features=False)

    def _leaf_values(self) -> list[dict[int, float]]:
        return xgboost_leaf_values(json.loads(bytes(self.booster.save_raw("json"))))

    def _categorical_indices(self) -> set[int]:
        return {i for i, kind in enumerate(self.booster.feature_types or ()) if kind == "c"}

    def _randomised_booster(self, trees: range, rng: np.random.Generator, reference: np.ndarray) -> Any:
        model = randomise_xgboost(json.loads(bytes(self.booster.save_raw("json"))), trees, rng, reference)
        booster = self._xgb.Booster()
        booster.load_model(bytearray(json.dumps(model).encode("utf-8")))
        booster.set_param({"device": str(self.device)})
        return booster

    def _raw_contributions(self, x: np.ndarray) -> np.ndarray:  # GPUTreeShap when the booster is on a CUDA device
        return self.booster.predict(self._xgb.DMatrix(x), pred_contribs=True, validate_features=False)

    def _raw_margin(self, x: np.ndarray) -> np.ndarray:
        return self.booster.predict(self._xgb.DMatrix(x), output_margin=True, validate_features=False)

    def _model_record(self) -> dict[str, Any]:
        return {**super()._model_record(), "sklearn_wrapper": "scikit_learn" in (self.booster.attributes() or {})}


class LightGBMAdapter(_BoosterAdapter):
    """A LightGBM ``binary`` booster from its text model file, predicted on the CPU."""

    fingerprint_basis = "SHA-256 of the model file's bytes"

    def __init__(self, booster: Any, *, spec: LightGBMSpec, path: Path, objective: str,
                 feature_names: list[str]) -> None:
        import lightgbm as lgb

        self._library = f"lightgbm {lgb.__version__}"
        self._booster_class = "lightgbm.Booster"
        self._contributions_call = "pred_contrib"
        self.booster = booster
        what = f"lightgbm model {path.name!r}"
        self.objective = objective
        if objective.split()[0] != "binary":
            raise ModelError(f"{what} has objective {objective!r}; auditkit audits binary classifiers that output a "
                             "probability: train with objective='binary'")
        _check_width(booster.num_feature(), feature_names, what)
        names = booster.feature_name()
        _check_names(None if all(_LGB_DEFAULT_NAME.match(n) for n in names) else names, feature_names, what)
        self.fingerprint = file_sha256(path)
        self.device = torch.device("cpu")
        self._n_trees = int(booster.num_trees())
        source = {"path": spec.path, "path_resolved": str(path), "format": "text"}
        self._setup(spec, name=path.name, source=source, feature_names=feature_names)

    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        return binary_proba(self.booster.predict(x))

    def _raw_leaves(self, x: np.ndarray) -> np.ndarray:
        return self.booster.predict(x, pred_leaf=True)

    def _raw_contributions(self, x: np.ndarray) -> np.ndarray:
        return self.booster.predict(x, pred_contrib=True)

    def _leaf_values(self) -> list[dict[int, float]]:
        return lightgbm_leaf_values(self.booster.model_to_string())

    def _categorical_indices(self) -> set[int]:
        # the model text's parameter block records the categorical columns as "[categorical_feature: 0,3]"
        for line in self.booster.model_to_string().splitlines():
            if line.startswith("[categorical_feature:"):
                listed = line.partition(":")[2].strip(" ]")
                return {int(i) for i in listed.split(",") if i.strip()}
        return set()

    def _randomised_booster(self, trees: range, rng: np.random.Generator, reference: np.ndarray) -> Any:
        import lightgbm as lgb

        return lgb.Booster(model_str=randomise_lightgbm(self.booster.model_to_string(), trees, rng, reference))

    def _raw_margin(self, x: np.ndarray) -> np.ndarray:
        return self.booster.predict(x, raw_score=True)


def load_xgboost_adapter(spec: XGBoostSpec, *, base_dir: Path, device: torch.device,
                         feature_names: list[str]) -> XGBoostAdapter:
    """Build the adapter for ``type: xgboost`` from a JSON or UBJ model file."""
    xgb = import_optional("xgboost", extra="xgboost", model_type="xgboost")
    path = resolve_file(spec.path, base_dir=base_dir, field="model.path")
    if path.suffix.lower() not in _XGB_SUFFIXES:
        raise ModelError(f"model.path {spec.path!r} must be an XGBoost JSON (.json) or UBJ (.ubj) model file; save it "
                         "with Booster.save_model('model.json') or XGBClassifier.save_model('model.json')")
    try:
        booster = xgb.Booster(model_file=str(path))
    except xgb.core.XGBoostError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
        raise ModelError(f"model.path {spec.path!r} is not a readable XGBoost model ({first})") from None
    return XGBoostAdapter(booster, spec=spec, path=path, device=device, feature_names=feature_names)


def _lightgbm_objective(path: Path) -> str:
    """The ``objective=`` line of a LightGBM text model's header (before the first tree)."""
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("objective="):
                return line.strip().partition("=")[2]
            if line.startswith("Tree="):
                break
    return "unknown"


def load_lightgbm_adapter(spec: LightGBMSpec, *, base_dir: Path, device: torch.device,
                          feature_names: list[str]) -> LightGBMAdapter:
    """Build the adapter for ``type: lightgbm`` from a text model file (predicts on the CPU whatever ``device``)."""
    lgb = import_optional("lightgbm", extra="lightgbm", model_type="lightgbm")
    path = resolve_file(spec.path, base_dir=base_dir, field="model.path")
    try:
        booster = lgb.Booster(model_file=str(path))
    except lgb.basic.LightGBMError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no detail"
        raise ModelError(f"model.path {spec.path!r} is not a readable LightGBM text model ({first}); save it with "
                         "Booster.save_model('model.txt')") from None
    return LightGBMAdapter(booster, spec=spec, path=path, objective=_lightgbm_objective(path),
                           feature_names=feature_names)
