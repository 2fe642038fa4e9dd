"""Adapter for a decoder language model that decides from a prompt (``type: huggingface-causal``).

The model (any local ``AutoModelForCausalLM`` directory with a fast tokenizer)
is asked ``model.prompt`` with each audit text in place of ``{text}``
(:mod:`auditkit.adapters.prompts`). Its score is the probability of the
favourable answer among the two answers as the next tokens::

    score = P(fav) / (P(fav) + P(unfav)),   log P(answer) = Σ log P(answer token | prompt, earlier tokens)

(one forward pass when both answers are one token; a multi-token answer adds a
teacher-forced pass with its first tokens appended). The decision is
``score >= decision_threshold``. ``forward_func(output="logit")`` is the
log-odds ``log P(fav) − log P(unfav)``, differentiable through the token
embeddings.

Batches are left-padded, so the last position is every prompt's last token,
with position ids counted from each prompt's first real token (a prompt's score
does not depend on its batch), and sorted by length (less padding); the scores
come back in input order and activation hooks learn each batch's rows from
:meth:`batch_rows`.

Layers are the residual stream after each decoder block, read two ways
(:class:`~auditkit.adapters.base.SupportsReadout`): ``model.layers.N`` at the
last prompt token (what the answer is predicted from) and ``model.layers.N@span``
mean-pooled over the audit text's tokens (what the text itself put there);
``resid_N`` and ``resid_N@span`` are aliases. Interventions (LEACE erasure, SAE
ablations) edit those positions only.

Precision: ``fp32``, ``bf16`` or ``fp16`` weights; ``auto`` is bf16 on a CUDA
device that supports it (fp16 on one that does not) and fp32 on the CPU. On
CUDA a model larger than the free memory of one GPU is spread over the GPUs with
``device_map="auto"`` (needs the ``accelerate`` package). Nothing is downloaded:
``HF_HUB_OFFLINE=1`` and ``local_files_only=True``, as for the encoder type.
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from auditkit.adapters.base import ModelAdapter, OutputKind
from auditkit.adapters.device import module_dtype, parameter_count, state_dict_sha256
from auditkit.adapters.hf import (
    DEFAULT_TEXT_BATCH,
    _pretrained_options,
    _quiet_transformers,
    _resolve_directory,
    text_list,
)
from auditkit.adapters.outputs import require_finite
from auditkit.adapters.prompts import EncodedPrompts, PromptCodec, position_ids
from auditkit.errors import ModelError
from auditkit.policy.model_specs import HuggingFaceCausalSpec

#: Where decoder blocks live in the causal-LM classes transformers ships (Llama/Mistral/Qwen/Gemma, GPT-2/GPT-J,
#: GPT-NeoX/Pythia, OPT), relative to the top-level model.
_BLOCK_LISTS = ("model.layers", "transformer.h", "gpt_neox.layers", "model.decoder.layers", "transformer.layers")
#: The suffix of a layer read as the mean over the audit text's tokens (no suffix: the last prompt token).
SPAN = "@span"
_DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


@dataclass
class _Pass:
    """What the current forward pass holds: its rows, where the text is, which position is the last prompt token,
    and whether hooks should record it (not an answer continuation)."""

    rows: np.ndarray | None
    span: torch.Tensor
    last: int
    record: bool


def resolve_precision(precision: str, device: torch.device) -> str:
    """``auto`` → ``bf16`` on a CUDA device with bfloat16 support, ``fp16`` on an older one, ``fp32`` on the CPU."""
    if precision != "auto":
        if precision not in _DTYPES:
            raise ModelError(f"precision {precision!r} is not known; expected auto, fp32, bf16 or fp16")
        return precision
    if device.type != "cuda":
        return "fp32"
    return "bf16" if torch.cuda.is_bf16_supported() else "fp16"


class HFCausalAdapter(ModelAdapter):
    """A transformers decoder asked one prompt per audit text; its score is the favourable answer's probability."""

    task = "text"

    def __init__(self, model: torch.nn.Module, tokenizer: Any, *, spec: HuggingFaceCausalSpec, directory: Path,
                 device: torch.device, precision: str, feature_names: list[str], sharded: bool = False) -> None:
        self.name = directory.name
        self.feature_names = list(feature_names)
        self.decision_threshold = float(spec.decision_threshold)
        self.batch_size = spec.batch_size if "batch_size" in spec.model_fields_set else DEFAULT_TEXT_BATCH
        self.precision = precision
        self._sharded = sharded
        self.model = model if sharded else model.to(torch.device(device))
        self.model.eval()
        for param in self.model.parameters():
            param.requires_grad_(False)
        self.device = self.model.get_input_embeddings().weight.device if sharded else torch.device(device)
        self._tokenizer = tokenizer
        self._spec = spec
        self._source = {"path": spec.path or "", "resolved": str(directory)}
        max_length = spec.max_length
        limit = getattr(self.model.config, "max_position_embeddings", None)
        if isinstance(limit, int) and max_length > limit:
            if "max_length" in spec.model_fields_set:
                raise ModelError(f"model.max_length is {max_length} but {self.name} accepts at most {limit} tokens "
                                 f"(config.max_position_embeddings); set model.max_length to {limit} or less")
            max_length = limit
        self.max_length = max_length
        self.codec = PromptCodec(tokenizer, spec.prompt, chat=spec.chat, max_length=max_length,
                                 answers=(spec.answers.favourable, spec.answers.unfavourable))
        self._blocks = _blocks(self.model)
        self._positions = "position_ids" in inspect.signature(self.model.forward).parameters
        self._pass: _Pass | None = None
        self._probe()
        self.fingerprint = state_dict_sha256(self.model)

    def _probe(self) -> None:
        try:
            scores = self.predict(["auditkit probe text", "a second, slightly longer probe text"])
        except ModelError:
            raise  # already says what is wrong
        except Exception as exc:
            raise ModelError(f"model {self.name!r} failed on a probe batch of 2 prompts "
                             f"({type(exc).__name__}: {exc})") from exc
        if scores.shape != (2,):
            raise ModelError(f"model {self.name!r} gave scores of shape {scores.shape} for 2 prompts")

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

    def encode(self, texts: Sequence[str]) -> EncodedPrompts:
        """The prompts of ``texts``, left-padded, on :attr:`device`."""
        return self.codec.encode(self._texts(texts), self.device)

    def prepare_inputs(self, inputs: Sequence[str]) -> tuple[torch.Tensor, ...]:
        """Texts → ``(input_ids, attention_mask)`` of their prompts on :attr:`device`, for :meth:`forward_func`."""
        enc = self.encode(inputs)
        return enc.input_ids, enc.attention_mask

    def word_ids(self, texts: Sequence[str]) -> list[list[int | None]]:
        """Word index (in the text alone) per prompt position, aligned with :meth:`prepare_inputs`; template and
        padding positions are None, so attributions cover the audit text's words only."""
        return self.codec.word_ids(self._texts(texts))

    def reference_input_ids(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Attribution baseline: the template kept, every token of the audit text replaced by the pad token."""
        span = self.codec.span_of(input_ids)
        return torch.where(span, torch.full_like(input_ids, self.codec.pad_id), input_ids)

    # -- scoring ----------------------------------------------------------------------------
    def _forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        kwargs: dict[str, Any] = {"input_ids": ids, "attention_mask": mask, "use_cache": False}
        if self._positions:
            kwargs["position_ids"] = position_ids(mask)
        return self.model(**kwargs).logits

    def _answer_logprobs(self, ids: torch.Tensor, mask: torch.Tensor, rows: np.ndarray | None) -> torch.Tensor:
        """``(b, 2)`` float32: log P(favourable answer), log P(unfavourable answer) after each prompt."""
        span = self.codec.span_of(ids)
        self._pass = _Pass(rows, span, ids.shape[1] - 1, True)
        try:
            first = torch.log_softmax(self._forward(ids, mask)[:, -1].float(), dim=-1)
            out = []
            for answer in self.codec.answer_ids:
                total = first[:, answer[0]]
                if len(answer) > 1:  # teacher-forced continuation; hooks edit the prompt positions, record nothing
                    extra = torch.tensor(answer[:-1], device=ids.device).expand(ids.shape[0], -1)
                    seq = torch.cat([ids, extra], dim=1)
                    seq_mask = torch.cat([mask, torch.ones_like(extra)], dim=1)
                    pad = torch.zeros_like(extra, dtype=torch.bool)
                    self._pass = _Pass(rows, torch.cat([span, pad], dim=1), ids.shape[1] - 1, False)
                    logits = self._forward(seq, seq_mask)[:, ids.shape[1]:].float()
                    cont = torch.log_softmax(logits, dim=-1)
                    nxt = torch.tensor(answer[1:], device=ids.device)
                    total = total + cont.gather(-1, nxt.expand(ids.shape[0], -1).unsqueeze(-1)).squeeze(-1).sum(-1)
                out.append(total)
            return torch.stack(out, dim=1)
        finally:
            self._pass = None

    def predict(self, inputs: Sequence[str], *, batch_size: int | None = None, sort_by_length: bool = True
                ) -> np.ndarray:
        """P(favourable answer) per text, float64 ``(n,)``, in input order.

        Prompts are batched by length (``sort_by_length``, the default: less
        padding), under inference mode; hooks on :meth:`named_layers` learn each
        batch's rows from :meth:`batch_rows`.
        """
        texts = self._texts(inputs)
        size = int(batch_size or self.batch_size)
        if size < 1:
            raise ValueError(f"batch_size must be >= 1, got {size}")
        order = np.arange(len(texts))
        if sort_by_length and len(texts) > size:
            order = np.argsort(np.asarray(self.codec.text_lengths(texts)), kind="stable")
        out = torch.empty(len(texts), dtype=torch.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), size):
                idx = order[start: start + size]
                enc = self.encode([texts[i] for i in idx])
                lp = self._answer_logprobs(enc.input_ids, enc.attention_mask, idx)
                out[torch.from_numpy(idx)] = torch.sigmoid(lp[:, 0] - lp[:, 1]).cpu()
        return require_finite(out.numpy().astype(np.float64), what=f"model {self.name!r}")

    def forward_func(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, *,
                     output: OutputKind = "probability") -> torch.Tensor:
        """The favourable answer's probability (or log-odds) per prompt ``(n,)``, differentiable."""
        mask = torch.ones_like(input_ids) if attention_mask is None else attention_mask
        lp = self._answer_logprobs(input_ids, mask, None)
        logit = lp[:, 0] - lp[:, 1]
        return logit if output == "logit" else torch.sigmoid(logit)

    # -- layers -----------------------------------------------------------------------------
    def named_layers(self) -> dict[str, torch.nn.Module]:
        """Per decoder block ``i``: ``<blocks>.i@span`` (mean over the text) and ``<blocks>.i`` (last prompt token),
        in forward order, so the last layer listed is the representation the answer is read from."""
        path, blocks = self._blocks
        layers: dict[str, torch.nn.Module] = {}
        for i, block in enumerate(blocks):
            layers[f"{path}.{i}{SPAN}"] = block
            layers[f"{path}.{i}"] = block
        return layers

    def layer_aliases(self) -> dict[str, str]:
        """``resid_i`` → the last-token readout of block ``i``, ``resid_i@span`` → its text-span readout."""
        path, blocks = self._blocks
        out = {}
        for i in range(len(blocks)):
            out[f"resid_{i}"] = f"{path}.{i}"
            out[f"resid_{i}{SPAN}"] = f"{path}.{i}{SPAN}"
        return out

    def _current(self) -> _Pass:
        if self._pass is None:
            raise RuntimeError(f"a layer of {self.name!r} ran outside the adapter's scoring; run it through predict "
                               "or forward_func")
        return self._pass

    def pool_layer(self, name: str, hidden: torch.Tensor) -> torch.Tensor | None:
        """The last prompt token's hidden state, or the mean over the text span for ``@span`` layers."""
        state = self._current()
        if not state.record:
            return None
        if name.endswith(SPAN):
            m = state.span.to(hidden.dtype).unsqueeze(-1)
            return (hidden * m).sum(dim=1) / m.sum(dim=1).clamp_min(1.0)
        return hidden[:, state.last]

    def edit_layer(self, name: str, hidden: torch.Tensor, edit: Any) -> torch.Tensor:
        """``edit`` applied to the readout positions of layer ``name`` (each text token for ``@span`` layers)."""
        state = self._current()
        out = hidden.clone()
        if name.endswith(SPAN):
            out[state.span] = edit(hidden[state.span]).to(hidden.dtype)
        else:
            out[:, state.last] = edit(hidden[:, state.last]).to(hidden.dtype)
        return out

    def batch_rows(self) -> np.ndarray | None:
        """The current forward pass's rows (indices into the ``predict`` call's texts)."""
        return self._current().rows

    # -- provenance -------------------------------------------------------------------------
    def describe(self) -> dict[str, Any]:
        """JSON-able model reference: directory, class, size, precision, prompt, answers, threshold."""
        config = self.model.config
        spec = self._spec
        return {
            "type": "huggingface-causal",
            "adapter": type(self).__name__,
            "name": self.name,
            "task": self.task,
            "source": dict(self._source),
            "class": f"{type(self.model).__module__}.{type(self.model).__qualname__}",
            "architecture": getattr(config, "model_type", None),
            "tokenizer": type(self._tokenizer).__name__,
            "parameters": parameter_count(self.model),
            "precision": self.precision,
            "precision_requested": spec.precision,
            "dtype": str(module_dtype(self.model)).removeprefix("torch."),
            "device": str(self.device),
            "device_map": "auto" if self._sharded else None,
            "prompt": spec.prompt,
            "chat": spec.chat,
            "answers": {"favourable": spec.answers.favourable, "unfavourable": spec.answers.unfavourable},
            "answer_token_ids": {"favourable": list(self.codec.answer_ids[0]),
                                 "unfavourable": list(self.codec.answer_ids[1])},
            "decision_threshold": self.decision_threshold,
            "max_length": self.max_length,
            "batch_size": self.batch_size,
            "layers": len(self._blocks[1]),
            "fingerprint": self.fingerprint,
            "options": dict(spec.options),
            "trust_remote_code": spec.options.get("trust_remote_code") is True,
        }


def _blocks(model: torch.nn.Module) -> tuple[str, torch.nn.ModuleList]:
    for path in _BLOCK_LISTS:
        try:
            blocks = model.get_submodule(path)
        except AttributeError:
            continue
        if isinstance(blocks, torch.nn.ModuleList) and len(blocks):
            return path, blocks
    raise ModelError(f"cannot find the decoder blocks of {type(model).__name__} (looked for "
                     f"{', '.join(_BLOCK_LISTS)}); layer-based checks cannot run on it")


def _needs_sharding(directory: Path, device: torch.device, dtype: torch.dtype) -> bool:
    """Whether the weights (at ``dtype``) exceed 90% of the free memory of the CUDA device."""
    if device.type != "cuda":
        return False
    files = [*directory.glob("*.safetensors"), *directory.glob("*.bin")]
    stored = sum(f.stat().st_size for f in files)
    # the files may hold float32: scale by the bytes per element of the dtype the model is loaded in
    size = stored * torch.tensor([], dtype=dtype).element_size() / 4
    free, _ = torch.cuda.mem_get_info(device)
    return size > 0.9 * free


def load_hf_causal_adapter(spec: HuggingFaceCausalSpec, *, base_dir: Path, device: torch.device,
                           feature_names: list[str], allow_remote_code: bool = False,
                           precision: str | None = None) -> HFCausalAdapter:
    """Load the tokenizer and causal LM from ``spec.path`` (local files only) at the run's precision.

    ``precision`` (the CLI's ``--precision``) overrides ``spec.precision`` when given.
    """
    directory = _resolve_directory(spec.path or "", base_dir)
    resolved = resolve_precision(precision or spec.precision, torch.device(device))
    dtype = _DTYPES[resolved]
    with _quiet_transformers():
        try:
            tokenizer = AutoTokenizer.from_pretrained(str(directory), local_files_only=True)
        except Exception as exc:
            raise ModelError(f"model.path: the tokenizer in {directory} could not be loaded: {exc}") from exc
        if not getattr(tokenizer, "is_fast", False):
            raise ModelError(f"model.path: the tokenizer in {directory} is a slow (Python) tokenizer "
                             f"({type(tokenizer).__name__}); auditkit needs a fast tokenizer (tokenizer.json) for "
                             "word alignment. Save one with AutoTokenizer.from_pretrained(..., use_fast=True)"
                             ".save_pretrained(dir)")
        options = _pretrained_options(spec, allow_remote_code)
        sharded = _needs_sharding(directory, torch.device(device), dtype)
        if sharded:
            try:
                import accelerate  # noqa: F401
            except ImportError:
                raise ModelError(f"the weights in {directory} do not fit the free memory of {device}; spreading "
                                 "them over the GPUs (device_map=\"auto\") needs accelerate: pip install accelerate"
                                 ) from None
            options["device_map"] = "auto"
        try:
            model = AutoModelForCausalLM.from_pretrained(str(directory), local_files_only=True, dtype=dtype,
                                                         **options)
        except Exception as exc:
            raise ModelError(f"model.path: {directory} could not be loaded as a causal language model "
                             f"({type(exc).__name__}: {exc}); expected a directory written by "
                             "AutoModelForCausalLM.save_pretrained(dir)") from exc
    return HFCausalAdapter(model, tokenizer, spec=spec, directory=directory, device=device, precision=resolved,
                           feature_names=feature_names, sharded=sharded)
