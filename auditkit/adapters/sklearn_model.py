"""``type: sklearn``: a fitted scikit-learn classifier or Pipeline, as a black-box tabular adapter.

Two file formats, and neither is unpickled by default:

* a **skops** archive (``.skops``): :func:`skops.io.get_untrusted_types` lists
  the types outside skops' safe defaults first; any not named in the policy's
  ``model.trusted`` is a :class:`~auditkit.errors.ModelError` naming each one,
  and the file is then loaded with exactly the policy's list;
* a **joblib/pickle** file (``.joblib``, ``.pkl``, ``.pickle``): unpickling runs
  whatever code the file names, so it is opened only with ``allow_pickle: true``
  in the policy; without it the loader refuses before the file is opened, and
  with it the model reference records ``unpickled: true`` for the report.

The score is the ``predict_proba`` column ``model.favourable_output`` (the
index in ``classes_``). An estimator fitted on a DataFrame (``feature_names_in_``)
gets DataFrame blocks with those columns, which must equal ``data.features``;
pipelines that select columns by name then work unchanged.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from auditkit.adapters.blackbox import BlackBoxTabularAdapter
from auditkit.adapters.files import file_sha256, resolve_file
from auditkit.adapters.optional import import_optional
from auditkit.errors import ModelError
from auditkit.policy.model_specs import PICKLE_SUFFIXES, SklearnSpec


class SklearnAdapter(BlackBoxTabularAdapter):
    """A fitted estimator with ``predict_proba``, predicted on the CPU in large blocks."""

    fingerprint_basis = "SHA-256 of the model file's bytes"

    def __init__(self, estimator: Any, *, spec: SklearnSpec, path: Path, unpickled: bool,
                 feature_names: list[str]) -> None:
        if not callable(getattr(estimator, "predict_proba", None)):
            raise ModelError(
                f"model.path {spec.path!r} holds a {type(estimator).__name__}, which has no predict_proba; auditkit "
                "audits probabilities: save a classifier (or wrap it in CalibratedClassifierCV) instead")
        self.estimator = estimator
        self.device = torch.device("cpu")
        self.fingerprint = file_sha256(path)
        self.unpickled = unpickled
        self.trusted = list(spec.trusted)
        self._columns = self._fitted_columns(estimator, feature_names)
        self._encoded = encoder_categories(estimator, feature_names)
        # column index → the text its codes stand for: until data.categorical says otherwise, the categories the
        # pipeline's own encoder learned, when they are text (so the load-time probe can call it)
        self._categories: dict[int, np.ndarray] = {
            feature_names.index(c): cats for c, cats in self._encoded.items()
            if c in feature_names and len(cats) and not all(isinstance(v, int | float | np.number) for v in cats)}
        source = {"path": spec.path, "path_resolved": str(path), "format": "pickle" if unpickled else "skops"}
        self._setup(spec, name=path.name, source=source, feature_names=feature_names)

    @staticmethod
    def _fitted_columns(estimator: Any, feature_names: list[str]) -> list[str] | None:
        """The column names the estimator was fitted with (None: fitted on an array); must be data.features."""
        fitted = getattr(estimator, "feature_names_in_", None)
        if fitted is None:
            return None
        fitted = [str(c) for c in fitted]
        if fitted != list(feature_names):
            raise ModelError(
                f"the sklearn model was fitted on the columns {fitted}, but data.features lists {list(feature_names)}; "
                "list exactly the model's columns, in the order it was fitted on")
        return fitted

    @property
    def categorical_features(self) -> tuple[str, ...]:
        """Inputs the estimator encodes as categories: the columns a ColumnTransformer (at any depth of the
        pipeline) routes to a categorical encoder, and every ``data.categorical`` column."""
        given = {self.feature_names[j] for j in self._categories}
        return tuple(c for c in self.feature_names if c in self._encoded or c in given)

    def use_categories(self, categories: Mapping[str, Sequence[str]]) -> None:
        """Hand the estimator these columns as text: the matrix holds indices into each column's categories
        (rounded and clipped, so a perturbed code still names a category)."""
        unknown = [c for c in categories if c not in self.feature_names]
        if unknown:
            raise ModelError(f"data.categorical names {unknown}, which are not model inputs")
        self._categories.update({self.feature_names.index(c): np.asarray(list(v), dtype=object)
                                 for c, v in categories.items()})

    def _decoded(self, x: np.ndarray) -> Any:
        """The block as the estimator takes it: a DataFrame with the fitted column names when there are any,
        ``data.categorical`` columns as their text."""
        if not self._categories:
            if self._columns is None:
                return x
            import pandas as pd

            return pd.DataFrame(x, columns=self._columns, copy=False)
        columns: list[np.ndarray] = []
        for j in range(x.shape[1]):
            texts = self._categories.get(j)
            columns.append(x[:, j] if texts is None else
                           texts[np.clip(np.rint(x[:, j]), 0, len(texts) - 1).astype(np.int64)])
        if self._columns is None:  # fitted on an array: an object array keeps text and numbers side by side
            block = np.empty(x.shape, dtype=object)
            for j, col in enumerate(columns):
                block[:, j] = col
            return block
        import pandas as pd

        return pd.DataFrame(dict(zip(self._columns, columns, strict=True)))

    def _class_probabilities(self, x: np.ndarray) -> np.ndarray:
        """``predict_proba`` on one block (see :meth:`_decoded`)."""
        block = self._decoded(x)
        try:
            return np.asarray(self.estimator.predict_proba(block))
        except Exception as exc:
            raise ModelError(f"{self._what()} failed in predict_proba on {x.shape[0]} rows: "
                             f"{type(exc).__name__}: {exc}") from None

    def _model_record(self) -> dict[str, Any]:
        import sklearn

        est = self.estimator
        steps = getattr(est, "steps", None)
        record: dict[str, Any] = {
            "class": f"{type(est).__module__}.{type(est).__qualname__}",
            "library": f"scikit-learn {sklearn.__version__}",
            "unpickled": self.unpickled,
        }
        if steps:
            record["steps"] = [f"{name}: {type(step).__name__}" for name, step in steps]
        if not self.unpickled:
            record["trusted_types"] = self.trusted
        if self.categorical_features:
            record["categorical_features"] = list(self.categorical_features)
        classes = getattr(est, "classes_", None)
        if classes is not None:
            record["class_labels"] = [c.item() if hasattr(c, "item") else c for c in classes]
        return record


#: Encoders whose input columns are categories (matched by class name, so no sklearn import is needed here).
CATEGORICAL_ENCODERS = ("OneHotEncoder", "OrdinalEncoder", "TargetEncoder")


def encoder_categories(estimator: Any, feature_names: Sequence[str]) -> dict[str, np.ndarray]:
    """Input columns a fitted ColumnTransformer (found anywhere in a Pipeline) sends to a categorical encoder
    (alone or as a step of a sub-pipeline), each with the categories that encoder learned (``categories_``);
    columns named or indexed as the transformer was fitted."""
    found: dict[str, np.ndarray] = {}

    def encoder(transformer: Any) -> Any:
        if type(transformer).__name__ in CATEGORICAL_ENCODERS:
            return transformer
        return next((e for _, step in getattr(transformer, "steps", ()) if (e := encoder(step)) is not None), None)

    def visit(est: Any) -> None:
        for _, step in getattr(est, "steps", ()):
            visit(step)
        for _, transformer, columns in getattr(est, "transformers_", ()):
            enc = None if isinstance(transformer, str) else encoder(transformer)
            if enc is None:
                continue
            cols = [columns] if isinstance(columns, str | int) else list(columns)
            learned = list(getattr(enc, "categories_", [])) or [np.asarray([])] * len(cols)
            for c, cats in zip(cols, learned, strict=False):
                name = c if isinstance(c, str) else (feature_names[int(c)] if 0 <= int(c) < len(feature_names)
                                                     else None)
                if name is not None:
                    found[name] = np.asarray(cats, dtype=object)

    visit(estimator)
    return found


def untrusted_types(path: Path, *, shown_as: str) -> list[str]:
    """The types in the skops archive at ``path`` that skops does not trust by default (read without loading
    anything); ModelError naming ``shown_as`` (the policy's value) when the file is not a skops archive."""
    sio = import_optional("skops.io", extra="sklearn", model_type="sklearn")
    try:
        return sorted(sio.get_untrusted_types(file=path))
    except Exception as exc:
        raise ModelError(f"model.path {shown_as!r} is not a readable skops archive ({type(exc).__name__}: "
                         f"{exc}); save the model with skops.io.dump") from None


def _load_skops(spec: SklearnSpec, path: Path) -> Any:
    """Load a skops archive, refusing every type that is neither a skops default nor listed in model.trusted."""
    sio = import_optional("skops.io", extra="sklearn", model_type="sklearn")
    untrusted = untrusted_types(path, shown_as=spec.path)
    missing = sorted(set(untrusted) - set(spec.trusted))
    if missing:
        listed = ", ".join(missing)
        raise ModelError(
            f"model.path {spec.path!r} contains types that skops does not trust by default and the policy does not "
            f"list: {listed}. Loading them could run their code. Review them, then list each one under "
            f"model.trusted (e.g. trusted: [{listed}]; `auditkit policy trust POLICY` asks about each and writes the "
            f"list), or save the model without them")
    try:
        return sio.load(path, trusted=list(spec.trusted) or None)
    except Exception as exc:
        raise ModelError(f"model.path {spec.path!r} could not be loaded with skops ({type(exc).__name__}: "
                         f"{exc})") from None


def _load_pickle(spec: SklearnSpec, path: Path) -> Any:
    """Unpickle (with joblib) a file the policy explicitly allowed; the caller has checked ``allow_pickle``."""
    import joblib

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # version-mismatch warnings: the provenance records the version
            return joblib.load(path)
    except Exception as exc:
        raise ModelError(f"model.path {spec.path!r} could not be unpickled ({type(exc).__name__}: {exc})") from None


def load_sklearn_adapter(spec: SklearnSpec, *, base_dir: Path, device: torch.device,
                         feature_names: list[str]) -> SklearnAdapter:
    """Build the adapter for ``type: sklearn`` (the model always predicts on the CPU, whatever ``device``)."""
    path = resolve_file(spec.path, base_dir=base_dir, field="model.path")
    pickled = path.suffix.lower() in PICKLE_SUFFIXES
    if pickled and not spec.allow_pickle:
        raise ModelError(
            f"model.path {spec.path!r} is a joblib/pickle file: loading it executes code named in the file, so "
            "auditkit does not open it unless the policy says 'allow_pickle: true' under model (and the report "
            "then states that the model file was unpickled). Prefer saving the model with skops.io.dump")
    estimator = _load_pickle(spec, path) if pickled else _load_skops(spec, path)
    return SklearnAdapter(estimator, spec=spec, path=path, unpickled=pickled, feature_names=feature_names)
