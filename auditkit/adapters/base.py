"""The model adapter interface and its capability protocols.

Every model auditkit audits is wrapped in a :class:`ModelAdapter`, so checks see
one shape whatever the framework: ``predict`` gives the probability of the
*favourable* outcome (float64, one per row), ``decide`` turns scores into 0/1
decisions with the policy's threshold, and ``forward_func`` is the tensor callable
that captum wants (differentiable only where the adapter supports gradients; the
black-box adapters of :mod:`auditkit.adapters.blackbox` wrap ``predict``). Extra
abilities are small ``Protocol`` classes (:class:`SupportsGradients`,
:class:`SupportsLayers`, :class:`SupportsTokens`, :class:`SupportsTreeStructure`, :class:`SupportsReadout`):
a check declares which it requires and the runner reports SKIPPED, with the
reason, when an adapter lacks one, instead of failing deep inside captum.

This module only describes; the torch-specific helpers live in
:mod:`auditkit.adapters.outputs` and :mod:`auditkit.adapters.device`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import numpy as np

if TYPE_CHECKING:
    import torch

Task = Literal["tabular", "text"]

#: Which scalar ``forward_func`` explains: P(favourable) or its log-odds.
OutputKind = Literal["probability", "logit"]


class ModelAdapter(ABC):
    """A loaded model, seen through auditkit's one interface.

    Attributes
    ----------
    name:
        A short human-readable name (the factory, file or directory it came from).
    task:
        ``"tabular"`` (a float matrix in, one row per example) or ``"text"``.
    device:
        The torch device the model runs on; inputs are moved there batch by batch.
    fingerprint:
        SHA-256 over the weights (see :func:`auditkit.adapters.device.state_dict_sha256`):
        the same weights give the same hash whether they came from safetensors,
        a ``torch.save`` state dict or a TorchScript archive.
    feature_names:
        The input columns in the order the model reads them (empty for text).
    decision_threshold:
        Scores at or above it are favourable decisions (``decide``).
    batch_size:
        Rows (or texts) per forward pass when ``predict`` is not given one:
        ``model.batch_size`` when the policy sets it, else the adapter's measured
        optimum (4096 rows for tabular models, 32 texts for text models).
    """

    name: str
    task: Task
    device: torch.device
    fingerprint: str
    feature_names: list[str]
    decision_threshold: float
    batch_size: int

    @abstractmethod
    def predict(self, inputs: Any, *, batch_size: int | None = None) -> np.ndarray:
        """Return P(favourable outcome) per example, float64 of shape ``(n,)``.

        Runs batched under ``torch.inference_mode()`` on :attr:`device`;
        ``batch_size`` overrides the adapter's default for this call only.
        """

    @abstractmethod
    def forward_func(self, *inputs: torch.Tensor, output: OutputKind = "probability") -> torch.Tensor:
        """The differentiable favourable-class score for captum, shape ``(n,)``.

        ``output="probability"`` gives P(favourable); ``output="logit"`` gives its
        log-odds, log p − log(1 − p), computed stably.
        """

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """A JSON-able reference to the model for the run record and the report."""

    def decide(self, scores: np.ndarray) -> np.ndarray:
        """Turn scores into decisions: 1 (favourable) where ``score >= decision_threshold``, else 0 (int8)."""
        return (np.asarray(scores, dtype=np.float64) >= self.decision_threshold).astype(np.int8)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, task={self.task!r}, device={str(self.device)!r})"


@runtime_checkable
class SupportsGradients(Protocol):
    """An adapter whose ``forward_func`` is differentiable with respect to its tensor inputs.

    ``prepare_inputs`` turns a batch of raw inputs (a float matrix, or a list of
    texts) into the positional tensors ``forward_func`` takes, already on the
    adapter's device: ``(x,)`` for tabular models, ``(input_ids, attention_mask)``
    for text models.
    """

    def forward_func(self, *inputs: torch.Tensor, output: OutputKind = "probability") -> torch.Tensor:
        """The favourable-class score, differentiable, shape ``(n,)``."""
        ...

    def prepare_inputs(self, inputs: Any) -> tuple[torch.Tensor, ...]:
        """Raw inputs → the tensors ``forward_func`` takes, on the adapter's device."""
        ...


@runtime_checkable
class SupportsLayers(Protocol):
    """An adapter that exposes its hidden layers for forward hooks (probes, activations).

    For an MLP: every hidden leaf module (each Linear and activation) in the order
    the forward pass runs them, without the output layer. For a transformer: the
    embeddings, each encoder layer and the pooler if present. Hooks put on these
    modules fire during ordinary ``predict`` batches, so one pass collects both
    predictions and activations.
    """

    def named_layers(self) -> dict[str, torch.nn.Module]:
        """Hookable hidden layers by their qualified module name, in forward order."""
        ...


@runtime_checkable
class SupportsTokens(Protocol):
    """A text adapter with a fast tokenizer: word alignment and token-level attribution inputs."""

    @property
    def tokenizer(self) -> Any:
        """The (fast) tokenizer the model was trained with."""
        ...

    @property
    def embedding_layer(self) -> torch.nn.Module:
        """The token embedding module (``LayerIntegratedGradients`` target)."""
        ...

    def word_ids(self, texts: Sequence[str]) -> list[list[int | None]]:
        """Per text, the word index of each token position (``None`` for special and padding tokens)."""
        ...

    def reference_input_ids(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Attribution baseline: special tokens kept, every other token replaced by the pad token."""
        ...


@runtime_checkable
class SupportsReadout(Protocol):
    """An adapter that decides where in a sequence each named layer is read and edited (a decoder LLM).

    An encoder classifier's layer is mean-pooled over the real tokens; a decoder reads its residual stream
    at the last prompt token (what the answer is predicted from) or averaged over the audit text's own
    tokens (``@span`` layers). The activation hooks ask the adapter instead of pooling themselves, and
    interventions edit only those positions.
    """

    def layer_aliases(self) -> dict[str, str]:
        """Other names a policy may use for a layer (``resid_3`` for ``model.layers.3``) → the layer's name."""
        ...

    def pool_layer(self, name: str, hidden: torch.Tensor) -> torch.Tensor | None:
        """The ``(batch, hidden)`` readout of layer ``name`` from its ``(batch, seq, hidden)`` output in the
        current forward pass, or None when this pass must not be recorded (an answer continuation)."""
        ...

    def edit_layer(self, name: str, hidden: torch.Tensor, edit: Any) -> torch.Tensor:
        """``hidden`` with ``edit`` applied to layer ``name``'s readout positions (same shape and dtype)."""
        ...

    def batch_rows(self) -> np.ndarray | None:
        """Indices (into the ``predict`` call's inputs) of the rows of the current forward pass, or None when
        batches run in input order."""
        ...


@runtime_checkable
class HasCategoricalInputs(Protocol):
    """An adapter that knows which of its inputs are categories: a tree ensemble's categorical splits, or the
    columns a scikit-learn pipeline routes to an encoder. Checks treat each such input as one categorical
    variable (counterfactuals redraw its categories instead of moving codes along quantiles)."""

    @property
    def categorical_features(self) -> tuple[str, ...]:
        """The inputs the model treats as categories, in input order."""
        ...


@runtime_checkable
class SupportsTextCategories(Protocol):
    """An adapter whose model takes text categories itself (a scikit-learn pipeline with an encoder): auditkit
    holds ``data.categorical`` columns as codes, and :meth:`use_categories` tells the adapter which text each
    code stands for, so it can hand the model the text."""

    def use_categories(self, categories: Mapping[str, Sequence[str]]) -> None:
        """Decode these columns' codes (indices into each column's categories) to text before predicting."""
        ...


@runtime_checkable
class SupportsTreeStructure(Protocol):
    """An adapter over a tree ensemble (XGBoost, LightGBM) that exposes its trees.

    For TreeSHAP (``tree_model`` is the library's own booster, which shap's
    ``TreeExplainer`` reads; ``favourable_output`` and ``margin`` say which sign
    of the trees' raw score is the audited class's log-odds, so explain/ needs no
    concrete adapter) and for leaf probes (``leaf_indices``: which leaf of each
    tree every row falls into, the tree analogue of a layer's activations).
    """

    #: The audited class of the binary model: 1 scores P(class 1), 0 scores 1 − P(class 1).
    favourable_output: int

    @property
    def tree_model(self) -> Any:
        """The native booster (``xgboost.Booster`` or ``lightgbm.Booster``)."""
        ...

    @property
    def n_trees(self) -> int:
        """Number of trees the prediction sums over (one per boosting round for a binary model)."""
        ...

    def leaf_indices(self, inputs: Any) -> np.ndarray:
        """The leaf each row reaches in each tree: int32 of shape ``(n, n_trees)``, as the library numbers them."""
        ...

    def margin(self, inputs: Any) -> np.ndarray:
        """The favourable class's raw score (log-odds) per row, float64 ``(n,)``: the sum of the trees' leaf values
        and the base score, as the library computes it, negated when ``favourable_output`` is 0."""
        ...

    @property
    def categorical_features(self) -> tuple[str, ...]:
        """The inputs the trees split on as categories (integer category codes), in input order."""
        ...

    @property
    def leaf_values(self) -> list[dict[int, float]]:
        """Per tree, ``{leaf id: value}`` (ids as :meth:`leaf_indices` returns them; values the raw score of
        class 1): the margin is a linear readout of the one-hot leaves, ± (base + Σ_t value[t, leaf_t])."""
        ...

    #: Which code computes :meth:`contributions` (e.g. "xgboost 3.2.0 pred_contribs (cuda:0)").
    contributions_implementation: str

    def contributions(self, inputs: Any) -> np.ndarray:
        """The library's own path-dependent TreeSHAP of :meth:`margin`: float64 ``(n, features + 1)``, the last
        column the expected margin under the trees' cover; each row sums to :meth:`margin`."""
        ...

    def randomised(self, trees: int, seed: int, reference: np.ndarray) -> Any:
        """A copy of the adapter whose last ``trees`` trees have random splits (thresholds drawn from the
        ``reference`` rows) and random leaf values (the sanity check's model randomisation), with its own
        fingerprint; the original is untouched."""
        ...
