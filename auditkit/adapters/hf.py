"""Adapter for a transformers sequence classifier stored in a local directory.

The directory (``model.path``, relative to the policy) must hold the model
(``config.json`` + weights) and its tokenizer, as written by ``save_pretrained``.
Nothing is ever fetched from the Hugging Face hub: this module sets
``HF_HUB_OFFLINE=1`` before importing transformers and loads with
``local_files_only=True``. The tokenizer must be a fast (Rust) tokenizer,
because word alignment (``word_ids``) needs it.

``predict`` tokenizes each batch once (padding to the longest text of the batch,
truncating to ``model.max_length``); on request it batches texts by length, so
short texts are not padded to the length of long ones.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import torch
import transformers
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from auditkit.adapters.base import ModelAdapter, OutputKind
from auditkit.adapters.device import module_dtype, parameter_count, state_dict_sha256
from auditkit.adapters.outputs import check_output, favourable_score, require_finite
from auditkit.errors import ModelError
from auditkit.policy.schema import HF_OPTIONS, ModelSpec

#: Texts per forward pass when the policy does not set model.batch_size: 32–100 sequences
#: is the measured optimum for a MiniLM-sized encoder on CPU (performance-baseline.md).
DEFAULT_TEXT_BATCH = 32
_TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "vocab.json", "spiece.model")
_LAYER_LISTS = ("encoder.layer", "encoder.layers", "transformer.layer", "layers", "h")


@contextmanager
def _quiet_transformers() -> Iterator[None]:
    """Silence transformers' load chatter (progress bars, load reports) and restore it afterwards."""
    logging = transformers.utils.logging
    verbosity, bars = logging.get_verbosity(), logging.is_progress_bar_enabled()
    logging.set_verbosity_error()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()


def _resolve_directory(value: str, base_dir: Path) -> Path:
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base_dir / path
    where = f"(given as {value!r}; relative paths are resolved against the policy's directory {base_dir})"
    if not path.is_dir():
        state = "is a file, not a directory" if path.exists() else "does not exist"
        raise ModelError(
            f"model.path: {path} {state} {where}; it must be a directory written by "
            "model.save_pretrained(dir) and tokenizer.save_pretrained(dir)"
        )
    missing = []
    if not (path / "config.json").is_file():
        missing.append("config.json (the model configuration)")
    if not any((path / f).is_file() for f in _TOKENIZER_FILES):
        missing.append(f"tokenizer files (one of {', '.join(_TOKENIZER_FILES)})")
    if missing:
        found = ", ".join(sorted(p.name for p in path.iterdir())[:15]) or "nothing"
        raise ModelError(
            f"model.path: {path} lacks {' and '.join(missing)} {where}; found: {found}. "
            "Save both with model.save_pretrained(dir) and tokenizer.save_pretrained(dir)"
        )
    return path


def text_list(texts: Sequence[str]) -> list[str]:
    """``texts`` as a list of strings; a :class:`ModelError` for a bare string or a non-string item."""
    if isinstance(texts, str):
        raise ModelError("a text model takes a list of texts, got a single string; wrap it in a list")
    out = list(texts)
    bad = [i for i, t in enumerate(out) if not isinstance(t, str)]
    if bad:
        raise ModelError(
            f"a text model takes strings; items at positions {bad[:10]} are "
            f"{', '.join(sorted({type(out[i]).__name__ for i in bad}))}"
        )
    return out


class HFTextAdapter(ModelAdapter):
    """A transformers ``AutoModelForSequenceClassification`` with its fast tokenizer.

    Supports gradients (``forward_func(input_ids, attention_mask)`` for captum's
    ``LayerIntegratedGradients`` on :attr:`embedding_layer`), layers (embeddings,
    each encoder layer, pooler) and tokens (``word_ids``, reference ids).
    """

    task = "text"

    def __init__(
        self,
        model: torch.nn.Module,
        tokenizer: Any,
        *,
        spec: ModelSpec,
        directory: Path,
        device: torch.device,
        feature_names: list[str],
        new_weights: Sequence[str] = (),
    ) -> None:
        self.name = directory.name
        self.device = torch.device(device)
        self.feature_names = list(feature_names)
        self.favourable_output = spec.favourable_output
        self.decision_threshold = float(spec.decision_threshold)
        self.batch_size = spec.batch_size if "batch_size" in spec.model_fields_set else DEFAULT_TEXT_BATCH
        self.max_length = spec.max_length
        self.model = model.to(self.device).eval()
        for param in self.model.parameters():
            param.requires_grad_(False)
        self._tokenizer = tokenizer
        self._source = {"path": spec.path or "", "resolved": str(directory)}
        self._options = dict(spec.options)
        self._new_weights = sorted(new_weights)
        limit = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(limit, int) and self.max_length > limit and "max_length" not in spec.model_fields_set:
            self.max_length = limit  # the default (256) exceeds what this model takes
        elif isinstance(limit, int) and self.max_length > limit:
            raise ModelError(
                f"model.max_length is {self.max_length} but {self.name} accepts at most {limit} tokens "
                f"(config.max_position_embeddings); set model.max_length to {limit} or less"
            )
        self.output_convention = self._probe()
        self.fingerprint = state_dict_sha256(self.model)

    def _probe(self) -> str:
        enc = self.encode(["auditkit probe text", "a second, slightly longer probe text"])
        try:
            with torch.inference_mode():
                raw = self.model(**enc).logits
        except Exception as exc:
            raise ModelError(
                f"model {self.name!r} failed on a probe batch of 2 texts ({type(exc).__name__}: {exc})"
            ) from exc
        return check_output(raw, n_rows=2, favourable_output=self.favourable_output, what=f"model {self.name!r}")

    # -- tokens -----------------------------------------------------------------------------
    @property
    def tokenizer(self) -> Any:
        """The fast tokenizer loaded from the model directory."""
        return self._tokenizer

    @property
    def embedding_layer(self) -> torch.nn.Module:
        """The token embedding module, the target for ``LayerIntegratedGradients``."""
        return self.model.get_input_embeddings()

    def _texts(self, texts: Sequence[str]) -> list[str]:
        return text_list(texts)

    def encode(self, texts: Sequence[str]) -> dict[str, torch.Tensor]:
        """Tokenize ``texts`` (padding to the longest, truncating to ``max_length``); tensors on :attr:`device`."""
        enc = self._tokenizer(
            self._texts(texts), padding=True, truncation=True, max_length=self.max_length, return_tensors="pt"
        )
        return {k: v.to(self.device) for k, v in enc.items()}

    def word_ids(self, texts: Sequence[str]) -> list[list[int | None]]:
        """Word index per token position, aligned with :meth:`encode` / :meth:`prepare_inputs` of the same list."""
        enc = self._tokenizer(self._texts(texts), padding=True, truncation=True, max_length=self.max_length)
        return [list(enc.word_ids(i)) for i in range(len(enc["input_ids"]))]

    def reference_input_ids(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Baseline ids for attribution: special tokens ([CLS], [SEP], padding) kept, all others → [PAD]."""
        pad = self._tokenizer.pad_token_id
        if pad is None:
            raise ModelError(f"the tokenizer of {self.name!r} has no pad token, so no reference input can be built")
        special = torch.tensor(sorted(self._tokenizer.all_special_ids), device=input_ids.device)
        keep = torch.isin(input_ids, special)
        return torch.where(keep, input_ids, torch.full_like(input_ids, pad))

    # -- inference --------------------------------------------------------------------------
    def predict(
        self, inputs: Sequence[str], *, batch_size: int | None = None, sort_by_length: bool = False
    ) -> np.ndarray:
        """P(favourable) per text, float64 ``(n,)``: batched, under inference mode, in input order.

        Batches run in input order, so forward hooks on :meth:`named_layers` see
        the texts in that order. ``sort_by_length=True`` batches texts of similar
        length together (less padding, faster on texts of varied length); the
        scores still come back in input order, but hooks then see a permutation.
        """
        texts = self._texts(inputs)
        size = int(batch_size or self.batch_size)
        if size < 1:
            raise ValueError(f"batch_size must be >= 1, got {size}")
        order = np.arange(len(texts))
        if sort_by_length:
            lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
            order = np.argsort(lengths, kind="stable")
        out = torch.empty(len(texts), dtype=torch.float32, device=self.device)
        with torch.inference_mode():
            for start in range(0, len(texts), size):
                idx = order[start : start + size]
                enc = self.encode([texts[i] for i in idx])
                scores = favourable_score(self.model(**enc).logits, self.favourable_output, "probability")
                if sort_by_length:
                    out[torch.from_numpy(idx).to(self.device)] = scores.float()
                else:
                    out[start : start + size] = scores.float()
        return require_finite(out.cpu().numpy().astype(np.float64), what=f"model {self.name!r}")

    def forward_func(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        token_type_ids: torch.Tensor | None = None,
        *,
        output: OutputKind = "probability",
    ) -> torch.Tensor:
        """Favourable-class score per sequence ``(n,)``, differentiable through the embeddings."""
        kwargs: dict[str, torch.Tensor] = {"input_ids": input_ids}
        if attention_mask is not None:
            kwargs["attention_mask"] = attention_mask
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        return favourable_score(self.model(**kwargs).logits, self.favourable_output, output)

    def prepare_inputs(self, inputs: Sequence[str]) -> tuple[torch.Tensor, ...]:
        """Texts → ``(input_ids, attention_mask)`` on :attr:`device`, ready for :meth:`forward_func`."""
        enc = self.encode(inputs)
        return enc["input_ids"], enc["attention_mask"]

    # -- layers -----------------------------------------------------------------------------
    def named_layers(self) -> dict[str, torch.nn.Module]:
        """``embeddings``, ``encoder.layer.{i}`` (each block) and ``pooler`` if present, of the base model."""
        base = self.model.base_model
        layers: dict[str, torch.nn.Module] = {}
        if isinstance(getattr(base, "embeddings", None), torch.nn.Module):
            layers["embeddings"] = base.embeddings
        for path in _LAYER_LISTS:
            try:
                blocks = base.get_submodule(path)
            except AttributeError:
                continue
            if isinstance(blocks, torch.nn.ModuleList):
                layers.update({f"{path}.{i}": block for i, block in enumerate(blocks)})
                break
        else:
            raise ModelError(
                f"cannot find the encoder layers of {type(self.model).__name__} (looked for "
                f"{', '.join(_LAYER_LISTS)} in its base model); layer-based checks cannot run on it"
            )
        if isinstance(getattr(base, "pooler", None), torch.nn.Module):
            layers["pooler"] = base.pooler
        return layers

    # -- provenance -------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """JSON-able model reference: directory, class, size, dtype, labels, output convention, threshold."""
        config = self.model.config
        labels = {str(k): str(v) for k, v in (getattr(config, "id2label", None) or {}).items()}
        return {
            "type": "huggingface",
            "adapter": type(self).__name__,
            "name": self.name,
            "task": self.task,
            "source": dict(self._source),
            "class": f"{type(self.model).__module__}.{type(self.model).__qualname__}",
            "architecture": getattr(config, "model_type", None),
            "tokenizer": type(self._tokenizer).__name__,
            "parameters": parameter_count(self.model),
            "dtype": str(module_dtype(self.model)).removeprefix("torch."),
            "device": str(self.device),
            "output": self.output_convention,
            "labels": labels,
            "favourable_output": self.favourable_output,
            "favourable_label_name": labels.get(str(self.favourable_output)),
            "decision_threshold": self.decision_threshold,
            "max_length": self.max_length,
            "batch_size": self.batch_size,
            "newly_initialised_weights": list(self._new_weights),
            "fingerprint": self.fingerprint,
            "options": dict(self._options),
            "trust_remote_code": self._options.get("trust_remote_code") is True,
        }


def _pretrained_options(spec: ModelSpec, allow_remote_code: bool) -> dict[str, Any]:
    """``model.options`` checked against the allow-list :data:`~auditkit.policy.schema.HF_OPTIONS`.

    The policy loader already refuses anything else (and ``trust_remote_code:
    true`` without the policy's ``allow_remote_code: true``); this second check
    keeps a hand-built ``ModelSpec`` from passing arbitrary keyword arguments
    to ``from_pretrained``.
    """
    bad = sorted(k for k in spec.options if k not in HF_OPTIONS)
    if bad:
        raise ModelError(
            f"model.options {', '.join(map(repr, bad))} not allowed for type: huggingface; allowed: "
            f"{', '.join(sorted(HF_OPTIONS))}. Remove them"
        )
    if spec.options.get("trust_remote_code") is True and not allow_remote_code:
        raise ModelError("model.options.trust_remote_code: true runs Python code from the model directory; it needs "
                         "allow_remote_code: true at the top level of the policy (printed in the report)")
    return dict(spec.options)


def load_hf_adapter(
    spec: ModelSpec, *, base_dir: Path, device: torch.device, feature_names: list[str],
    allow_remote_code: bool = False,
) -> HFTextAdapter:
    """Load the tokenizer and sequence classifier from ``spec.path`` (local files only) into an adapter."""
    directory = _resolve_directory(spec.path or "", base_dir)
    with _quiet_transformers():
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
        except Exception as exc:
            raise ModelError(f"model.path: the tokenizer in {directory} could not be loaded: {exc}") from exc
        if not getattr(tokenizer, "is_fast", False):
            raise ModelError(
                f"model.path: the tokenizer in {directory} is a slow (Python) tokenizer "
                f"({type(tokenizer).__name__}); auditkit needs a fast tokenizer for word alignment. "
                "Save a fast one (tokenizer.json) with AutoTokenizer.from_pretrained(..., use_fast=True)"
                ".save_pretrained(dir)"
            )
        options = _pretrained_options(spec, allow_remote_code)
        try:
            model, info = AutoModelForSequenceClassification.from_pretrained(
                str(directory), local_files_only=True, output_loading_info=True, **options
            )
        except Exception as exc:
            raise ModelError(
                f"model.path: {directory} could not be loaded as a sequence classifier "
                f"({type(exc).__name__}: {exc}); expected a directory written by "
                "AutoModelForSequenceClassification.save_pretrained(dir)"
            ) from exc
    return HFTextAdapter(
        model,
        tokenizer,
        spec=spec,
        directory=directory,
        device=device,
        feature_names=feature_names,
        new_weights=sorted(info.get("missing_keys", ())),
    )
