"""The explain interface: Attribution records, feature groupings, the method registry and shared helpers.

Every attribution method, whatever library computes it, returns an
:class:`Attribution`: a float64 matrix ``(n, m)`` over the same *interpretable
features* (one-hot groups and subword pieces count as one feature), for the same
explained scalar (the favourable class's logit or probability, recorded), with
the number of model evaluations it cost. Methods are registered by name per task
(``tabular`` or ``text``) in :data:`METHODS`; a method the adapter cannot support
raises :class:`UnsupportedMethod` with the reason, so a check can report it as
skipped instead of failing deep inside captum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import torch

from auditkit.errors import AuditkitError, CheckConfigError
from auditkit.evidence import Msg
from auditkit.explain.settings import MethodSettings, NoSettings
from auditkit.i18n import use_language
from auditkit.i18n.render import text

Explained = Literal["logit", "probability"]
Task = Literal["tabular", "text"]
Family = Literal["gradient", "perturbation"]


class UnsupportedMethod(AuditkitError):
    """An attribution method cannot run on this model (e.g. gradients through a non-differentiable forward)."""

    def __init__(self, method: str, reason: Msg) -> None:
        self.method = method
        #: Why, as a message (the report states it in its language; ``str(exc)`` is English).
        self.reason = reason
        with use_language("en"):
            super().__init__(f"{method} cannot run on this model: {text(reason)}")


@dataclass(frozen=True)
class Attribution:
    """Attributions of one method for ``n`` instances over ``m`` interpretable features.

    Attributes
    ----------
    method:
        Registered method name (``integrated_gradients``, ``kernel_shap``, ...).
    values:
        float64 ``(n, m)``. For text, column ``j`` is word ``j`` of each text and
        entries beyond a text's last word are NaN.
    features:
        Tabular: the ``m`` feature (or group) names. Text: per instance, its words.
    explained:
        The scalar explained: ``"logit"`` or ``"probability"`` of the favourable class.
    reference:
        What the attribution is relative to (baseline or background), in words.
    evaluations:
        Model rows evaluated per instance (forward passes; a gradient step counts one).
    gradient:
        Whether those evaluations were forward+backward passes.
    seconds:
        Wall-clock time of the computation.
    delta:
        Per instance ``Σφ − (F(x) − F(x′))`` for additive methods (completeness), else None.
    settings:
        The method's resolved settings (n_steps, nsamples, batch sizes, ...), JSON-able.
    stderr:
        ``(n, m)`` Monte-Carlo standard error of each value for sampling estimators that measure it
        (``shapley_sampling``), else None.
    """

    method: str
    values: np.ndarray
    features: tuple[Any, ...]
    explained: str
    reference: str
    evaluations: float
    gradient: bool
    seconds: float = 0.0
    delta: np.ndarray | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    stderr: np.ndarray | None = None

    @property
    def valid(self) -> np.ndarray:
        """Boolean ``(n, m)``: which entries are real features (text rows are padded with NaN)."""
        return np.isfinite(self.values)

    def feature_names(self, row: int) -> list[str]:
        """Names of the features of instance ``row`` (the words of a text, or the tabular names)."""
        if self.features and isinstance(self.features[0], tuple):
            return list(self.features[row])
        return [str(f) for f in self.features]


@dataclass(frozen=True)
class FeatureGrouping:
    """Interpretable features over the model's input columns: each group is ablated and summed as one."""

    names: tuple[str, ...]
    columns: tuple[tuple[int, ...], ...]
    n_inputs: int

    @classmethod
    def build(cls, feature_names: Sequence[str], groups: Mapping[str, Sequence[str]] | None = None) -> FeatureGrouping:
        """Singletons for every column, except the columns listed together under a group name.

        A group takes the place of its first column; each column may belong to
        one group only. Unknown columns are a :class:`CheckConfigError`.
        """
        index = {name: j for j, name in enumerate(feature_names)}
        owner: dict[int, str] = {}
        for gname, cols in (groups or {}).items():
            if not cols:
                raise CheckConfigError(f"feature group {gname!r} lists no columns")
            for col in cols:
                if col not in index:
                    raise CheckConfigError(
                        f"feature group {gname!r} names column {col!r}, which is not a model input; "
                        f"inputs: {', '.join(feature_names)}"
                    )
                if index[col] in owner:
                    raise CheckConfigError(f"column {col!r} is in two feature groups: {owner[index[col]]!r} "
                                           f"and {gname!r}")
                owner[index[col]] = gname
        names: list[str] = []
        columns: list[tuple[int, ...]] = []
        seen: set[str] = set()
        for j, name in enumerate(feature_names):
            if j in owner:
                g = owner[j]
                if g in seen:
                    continue
                seen.add(g)
                names.append(g)
                columns.append(tuple(index[c] for c in (groups or {})[g]))
            else:
                names.append(name)
                columns.append((j,))
        return cls(tuple(names), tuple(columns), len(feature_names))

    @property
    def size(self) -> int:
        """Number of interpretable features."""
        return len(self.names)

    @property
    def is_trivial(self) -> bool:
        """True when every interpretable feature is one column, in order."""
        return all(c == (j,) for j, c in enumerate(self.columns)) and self.size == self.n_inputs

    @property
    def mask(self) -> np.ndarray:
        """Column → interpretable feature id, int64 ``(d,)`` (captum's ``feature_mask``)."""
        out = np.empty(self.n_inputs, dtype=np.int64)
        for g, cols in enumerate(self.columns):
            out[list(cols)] = g
        return out

    def sum_columns(self, values: np.ndarray) -> np.ndarray:
        """Column attributions ``(n, d)`` → feature attributions ``(n, m)`` (additive methods sum a group)."""
        if self.is_trivial:
            return np.asarray(values, dtype=np.float64)
        out = np.zeros((values.shape[0], self.size))
        np.add.at(out.T, self.mask, np.asarray(values, dtype=np.float64).T)
        return out

    def expand(self, removed: np.ndarray) -> np.ndarray:
        """A boolean mask over features ``(..., m)`` → over input columns ``(..., d)``."""
        return np.asarray(removed)[..., self.mask]

    def index_of(self, name: str) -> int:
        """Position of the feature (or group) called ``name``; ValueError if absent."""
        return self.names.index(name)


#: ``fn(job, settings, *, seed) -> Attribution``: ``settings`` is the method's resolved :class:`MethodSettings`.
MethodFn = Callable[..., Attribution]


@dataclass(frozen=True)
class Method:
    """A registered attribution method for one task, with the settings model it runs with."""

    name: str
    task: Task
    title: str
    family: Family
    needs_gradients: bool
    stochastic: bool
    additive: bool
    run: MethodFn
    settings: type[MethodSettings] = NoSettings

    def resolve(self, overrides: Mapping[str, Any]) -> MethodSettings:
        """The settings this method runs with for a job's ``overrides`` (its fields taken, defaults filled in)."""
        return self.settings.resolve(overrides)


#: Registered methods: name → task → Method.
METHODS: dict[str, dict[str, Method]] = {}


def register_method(name: str, task: Task, *, title: str, family: Family, needs_gradients: bool,
                    stochastic: bool = False, additive: bool = True,
                    settings: type[MethodSettings] = NoSettings) -> Callable[[MethodFn], MethodFn]:
    """Decorator registering ``fn(job, settings, *, seed) -> Attribution`` as method ``name`` for ``task``.

    Like the check registry, it is loud on conflict: a second, different function
    under a name already registered for the task raises ``ValueError`` instead of
    silently replacing the first (checks would otherwise run another explainer
    than the one their report names).
    """

    def wrap(fn: MethodFn) -> MethodFn:
        existing = METHODS.get(name, {}).get(task)
        if existing is not None and existing.run is not fn:
            raise ValueError(f"attribution method {name!r} for {task} models is already registered by "
                             f"{existing.run.__module__}.{existing.run.__qualname__}")
        METHODS.setdefault(name, {})[task] = Method(name, task, title, family, needs_gradients, stochastic,
                                                    additive, fn, settings)
        return fn

    return wrap


def known_methods(task: Task | None = None) -> list[str]:
    """Sorted method names (for ``task`` only, if given)."""
    return sorted(n for n, by_task in METHODS.items() if task is None or task in by_task)


def get_method(name: str, task: Task) -> Method:
    """The method ``name`` for ``task``; a :class:`CheckConfigError` naming the alternatives otherwise."""
    by_task = METHODS.get(name)
    if by_task is None:
        raise CheckConfigError(f"unknown attribution method {name!r}; known methods: {', '.join(known_methods())}")
    if task not in by_task:
        raise CheckConfigError(
            f"attribution method {name!r} is for {' and '.join(sorted(by_task))} models, not {task} models; "
            f"methods for {task} models: {', '.join(known_methods(task))}"
        )
    return by_task[task]


# -- device-sized batching -------------------------------------------------------------------

#: Rows per pass for tabular models on the CPU: the measured optimum for small MLPs (performance-baseline.md).
CPU_TABULAR_ROWS = 4096
#: Tokens per pass for text models on the CPU: 32–100 sequences of 64 tokens is the measured optimum.
CPU_TEXT_TOKENS = 6400


def rows_per_pass(device: torch.device, bytes_per_row: int, cpu_rows: int) -> int:
    """How many rows one forward(+backward) pass should hold on ``device``.

    On the CPU: the measured optimum ``cpu_rows``. On CUDA: a quarter of the
    free memory divided by ``bytes_per_row`` (an estimate of activations and
    gradients per row), between ``cpu_rows`` and 64 times it.
    """
    if device.type != "cuda":
        return cpu_rows
    try:
        free, _ = torch.cuda.mem_get_info(device)
    except Exception:  # pragma: no cover - no CUDA runtime
        return cpu_rows
    fit = int(free // 4 // max(bytes_per_row, 1))
    return int(min(max(fit, cpu_rows), cpu_rows * 64))


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    """Run ``fn`` and return its result and the wall-clock seconds (CUDA synchronised)."""
    import time

    start = time.perf_counter()
    out = fn()
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()
    return out, time.perf_counter() - start


def import_shap() -> Any:
    """Import shap, silencing the PendingDeprecationWarnings its import raises about matplotlib colormaps."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import shap
    return shap
