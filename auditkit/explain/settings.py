"""Typed settings of each attribution method, with their defaults resolved.

A job carries one mapping of setting overrides for every method of a comparison
(the agreement check passes ``n_steps``, ``nsamples``, ... together). Each method
declares its own :class:`MethodSettings` model; :meth:`MethodSettings.resolve`
takes the fields that model knows from the mapping and fills in the defaults. The
method runs with exactly that object, and the attribution cache key holds it, so
a job without settings and a job with the default settings share one computation
(and a setting another method reads never splits the cache of this one).
Defaults are those of ``reference/methods.md`` B3/B6.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

S = TypeVar("S", bound="MethodSettings")


class MethodSettings(BaseModel):
    """Base of every method's settings: frozen (hashable, usable in keys), unknown fields forbidden."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @classmethod
    def resolve(cls: type[S], overrides: Mapping[str, Any]) -> S:
        """This method's settings from a job's shared ``overrides``: its own fields taken, defaults filled in."""
        return cls.model_validate({k: v for k, v in overrides.items() if k in cls.model_fields})


class NoSettings(MethodSettings):
    """A method without settings (feature ablation: its batching changes no number)."""


class IntegratedGradientsSettings(MethodSettings):
    """Integrated Gradients: ``n_steps`` quadrature nodes, doubled per instance up to ``max_steps``.

    ``max_steps`` is resolved to at least ``n_steps`` (the method never uses fewer),
    so settings that compute the same attributions are equal.
    """

    n_steps: int = Field(default=50, ge=2)
    max_steps: int = Field(default=300, ge=2)

    @model_validator(mode="before")
    @classmethod
    def _at_least_n_steps(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            n_steps = data.get("n_steps", 50)
            max_steps = data.get("max_steps", 300)
            if isinstance(n_steps, int) and isinstance(max_steps, int) and max_steps < n_steps:
                return {**data, "max_steps": n_steps}
        return data


class TextIntegratedGradientsSettings(IntegratedGradientsSettings):
    """Integrated Gradients on token embeddings: also how many texts share one captum call.

    ``examples_per_call`` stays in the key: the texts of one call are padded to
    the longest of them, so it decides which padded inputs the model sees.
    """

    examples_per_call: int = Field(default=8, ge=1)


class GradientShapSettings(MethodSettings):
    """GradientShap (expected gradients): ``n_samples`` background baselines per instance."""

    n_samples: int = Field(default=50, ge=1)


class KernelShapSettings(MethodSettings):
    """Kernel SHAP: coalitions sampled per instance (``"auto"``: shap's 2·m + 2048)."""

    nsamples: int | Literal["auto"] = "auto"


class ShapleySamplingSettings(MethodSettings):
    """Antithetic Shapley sampling: stop tolerance (largest standard error / attribution range) and round budget.

    A round is one antithetic pair per background row per instance; names carry a ``shapley_`` prefix because a
    job's one settings mapping serves every method of a comparison.
    """

    shapley_tolerance: float = Field(default=0.02, ge=0.0, lt=1.0)
    shapley_max_rounds: int = Field(default=10, ge=1, le=1000)


class PartitionShapSettings(MethodSettings):
    """Partition SHAP over words: the model-evaluation budget per text."""

    max_evals: int = Field(default=500, ge=10)
