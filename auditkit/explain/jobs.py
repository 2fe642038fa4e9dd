"""What one explanation run needs: the instances, the reference, the explained scalar and the settings.

A *job* bundles everything a method takes, so every method of a comparison
sees the same instances, the same baseline or background, the same feature
grouping and the same explained scalar (methods.md B4: otherwise disagreement
is an artefact). :func:`tabular_job` and :func:`text_job` build them; both are
cheap. :func:`gradient_problem` probes whether gradient methods can run.

Text jobs tokenize once: every method attributes the same tokens, and
:attr:`TextJob.token_word` maps each token position to its word (−1 for
[CLS], [SEP] and padding), so subword scores are summed to words everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from auditkit.adapters.base import ModelAdapter, SupportsGradients, SupportsTokens
from auditkit.errors import CheckConfigError
from auditkit.evidence import Msg
from auditkit.explain.base import METHODS, Explained, FeatureGrouping

#: Words are replaced by the pad token (attention kept) in every text method: one baseline for all.
TEXT_REFERENCE = "[PAD] in place of each word's tokens ([CLS]/[SEP] kept, attention mask unchanged)"


@dataclass(frozen=True, eq=False)
class TabularJob:
    """Rows of a tabular model to explain, with the baseline row and the background sample."""

    adapter: ModelAdapter
    X: np.ndarray
    grouping: FeatureGrouping
    baseline: np.ndarray
    background: np.ndarray
    reference: str
    explained: Explained
    rows: np.ndarray
    settings: Mapping[str, Any] = field(default_factory=dict)
    task: str = "tabular"

    @property
    def n(self) -> int:
        """Number of instances."""
        return int(self.X.shape[0])

    def sample_digest(self) -> str:
        """Identity of what is explained, for artefact keys: the instances, baseline, background and grouping.

        Hashes the values themselves (not only row indices), so two jobs share
        attributions exactly when every method would see the same inputs.
        """
        return _digest_parts(self.task, self.explained, self.reference, self.rows, self.X, self.baseline,
                             self.background, repr((self.grouping.names, self.grouping.columns)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The explained scalar per row, ``(n,)``, differentiable in ``x``."""
        return self.adapter.forward_func(x, output=self.explained)

    def scores(self, x: np.ndarray, rows: int) -> np.ndarray:
        """The explained scalar for a float matrix, batched by ``rows``, under inference mode (float64)."""
        dev = self.adapter.device
        out = np.empty(x.shape[0], dtype=np.float64)
        with torch.inference_mode():
            for s in range(0, x.shape[0], rows):
                chunk = torch.as_tensor(np.ascontiguousarray(x[s : s + rows], dtype=np.float32), device=dev)
                out[s : s + rows] = self.forward(chunk).double().cpu().numpy()
        return out


@dataclass(frozen=True, eq=False)
class TextJob:
    """Texts to explain, tokenized once, with each token's word."""

    adapter: ModelAdapter
    texts: list[str]
    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    token_word: np.ndarray
    words: tuple[tuple[str, ...], ...]
    word_ids_raw: tuple[dict[int, int], ...]
    explained: Explained
    rows: np.ndarray
    settings: Mapping[str, Any] = field(default_factory=dict)
    reference: str = TEXT_REFERENCE
    task: str = "text"

    @property
    def n(self) -> int:
        """Number of texts."""
        return len(self.texts)

    def sample_digest(self) -> str:
        """Identity of what is explained, for artefact keys: the token ids, masks and word alignment."""
        return _digest_parts(self.task, self.explained, self.reference, self.rows,
                             self.input_ids.detach().cpu().numpy(), self.attention_mask.detach().cpu().numpy(),
                             self.token_word)

    @property
    def n_words(self) -> np.ndarray:
        """Words per text ``(n,)``."""
        return np.array([len(w) for w in self.words], dtype=np.int64)

    @property
    def max_words(self) -> int:
        """The largest number of words of one text (the width of text attributions)."""
        return int(self.n_words.max()) if self.n else 0

    def chunk(self, start: int, stop: int) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
        """Token ids, attention mask and token→word map of texts ``start:stop``, trimmed to their longest."""
        return self.select(np.arange(start, min(stop, self.n)))

    def select(self, idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
        """Token ids, attention mask and token→word map of texts ``idx``, trimmed to their longest."""
        picked = np.asarray(idx, dtype=np.int64)
        rows = torch.as_tensor(picked, device=self.input_ids.device)
        mask = self.attention_mask[rows]
        length = int(mask.sum(dim=1).max().item()) if len(picked) else 0
        return self.input_ids[rows, :length], mask[:, :length], self.token_word[picked, :length]

    def reference_ids(self, input_ids: torch.Tensor, token_word: np.ndarray) -> torch.Tensor:
        """Baseline ids ``[CLS] + [PAD]… + [SEP]``: every token of a word → [PAD], the rest kept.

        Unlike a special-token test, this also replaces words the tokenizer maps
        to [UNK], so every word can be removed and attributed.
        """
        pad = self.adapter.tokenizer.pad_token_id  # type: ignore[attr-defined]
        if pad is None:
            raise CheckConfigError("the tokenizer has no pad token, so no reference input can be built")
        word = torch.as_tensor(np.asarray(token_word) >= 0, device=input_ids.device)
        return torch.where(word, torch.full_like(input_ids, pad), input_ids)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """The explained scalar per text ``(n,)``."""
        return self.adapter.forward_func(input_ids, attention_mask, output=self.explained)

    def to_words(self, token_values: np.ndarray, token_word: np.ndarray) -> np.ndarray:
        """Token scores ``(c, L)`` → word scores ``(c, max_words)``: subwords summed, NaN past a text's end."""
        c = token_values.shape[0]
        out = np.zeros((c, self.max_words + 1))
        idx = np.where(token_word >= 0, token_word, self.max_words)
        np.add.at(out, (np.repeat(np.arange(c), token_values.shape[1]), idx.reshape(-1)),
                  np.asarray(token_values, dtype=np.float64).reshape(-1))
        return out[:, : self.max_words]

    def pad_words(self, values: np.ndarray, start: int) -> np.ndarray:
        """Set entries beyond each text's last word to NaN (rows ``start..`` of the job)."""
        n_words = self.n_words[start : start + values.shape[0]]
        cols = np.arange(values.shape[1])[None, :]
        return np.where(cols < n_words[:, None], values, np.nan)


def _digest_parts(*parts: str | np.ndarray) -> str:
    """SHA-256 over strings and arrays (dtype and shape included, so equal bytes of other shapes differ)."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            h.update(b"s" + part.encode("utf-8", "surrogatepass"))
        else:
            a = np.ascontiguousarray(part)
            h.update(f"a{a.dtype.str}{a.shape}".encode())
            h.update(a.tobytes())
        h.update(b"\0")
    return h.hexdigest()


def check_settings(settings: Mapping[str, Any] | None) -> dict[str, Any]:
    """A job's setting overrides, refused when a key is no setting of any registered method (a typo).

    One mapping serves every method of a comparison; each method takes its own
    fields from it (:meth:`~auditkit.explain.settings.MethodSettings.resolve`).
    """
    given = dict(settings or {})
    known = {f for by_task in METHODS.values() for m in by_task.values() for f in m.settings.model_fields}
    unknown = sorted(set(given) - known)
    if unknown:
        raise CheckConfigError(f"unknown attribution setting(s) {', '.join(map(repr, unknown))}; settings of the "
                               f"registered methods: {', '.join(sorted(known))}")
    return given


def tabular_job(
    adapter: ModelAdapter,
    X: np.ndarray,
    rows: np.ndarray,
    *,
    background: np.ndarray,
    baseline: str = "mean",
    grouping: FeatureGrouping | None = None,
    explained: Explained = "logit",
    settings: Mapping[str, Any] | None = None,
    categorical: Sequence[int] = (),
) -> TabularJob:
    """A tabular job: ``baseline`` is ``"mean"`` (of the background) or ``"zero"``; background rows as given.

    ``categorical`` columns hold category codes: a mean of codes names no category (nor a meaningful mix), so
    their ``"mean"`` baseline is the background's most frequent code.
    """
    x = np.ascontiguousarray(X, dtype=np.float32)
    bg = np.ascontiguousarray(background, dtype=np.float32)
    if x.ndim != 2 or bg.ndim != 2 or bg.shape[1] != x.shape[1] or bg.shape[0] == 0:
        raise CheckConfigError(f"inputs {x.shape} and background {bg.shape} must be matrices with equal columns")
    if baseline == "mean":
        base = bg.mean(axis=0).astype(np.float32)
        for j in categorical:
            codes, counts = np.unique(bg[:, j], return_counts=True)
            base[j] = codes[int(np.argmax(counts))]
        desc = (f"mean of a background sample of {bg.shape[0]} rows" if not len(categorical) else
                f"mean of a background sample of {bg.shape[0]} rows (most frequent category of categorical inputs)")
    elif baseline == "zero":
        base = np.zeros(x.shape[1], dtype=np.float32)
        desc = "all-zero input"
    else:
        raise CheckConfigError(f"baseline must be 'mean' or 'zero', got {baseline!r}")
    group = grouping or FeatureGrouping.build(adapter.feature_names)
    return TabularJob(adapter=adapter, X=x, grouping=group, baseline=base, background=bg, reference=desc,
                      explained=explained, rows=np.asarray(rows, dtype=np.int64), settings=check_settings(settings))


def text_job(
    adapter: ModelAdapter,
    texts: Sequence[str],
    rows: np.ndarray,
    *,
    explained: Explained = "logit",
    settings: Mapping[str, Any] | None = None,
) -> TextJob:
    """A text job: tokenize once with the adapter, align tokens to words via the fast tokenizer's word ids."""
    if not isinstance(adapter, SupportsTokens):
        raise CheckConfigError(f"text attributions need a tokenizer with word ids; {type(adapter).__name__} has none")
    texts = list(texts)
    ids, mask = adapter.prepare_inputs(texts)  # type: ignore[attr-defined]
    word_ids = adapter.word_ids(texts)
    tokenizer = adapter.tokenizer
    max_length = getattr(adapter, "max_length", None)
    enc = tokenizer(texts, truncation=max_length is not None, max_length=max_length)
    n, length = ids.shape
    token_word = np.full((n, length), -1, dtype=np.int64)
    words, remaps = [], []
    for i, wids in enumerate(word_ids):
        present = sorted({w for w in wids[:length] if w is not None})
        remap = {w: j for j, w in enumerate(present)}
        for t, w in enumerate(wids[:length]):
            if w is not None:
                token_word[i, t] = remap[w]
        spans = [enc.word_to_chars(i, w) for w in present]
        words.append(tuple(texts[i][s.start : s.end] if s is not None else "?" for s in spans))
        remaps.append(remap)
    return TextJob(adapter=adapter, texts=texts, input_ids=ids, attention_mask=mask, token_word=token_word,
                   words=tuple(words), word_ids_raw=tuple(remaps), explained=explained,
                   rows=np.asarray(rows, dtype=np.int64), settings=check_settings(settings))


def gradient_problem(job: TabularJob | TextJob) -> Msg | None:
    """Why gradient methods cannot run on the job's model (a message, so a report states it in its language), or
    None if they can.

    Probes a few instances: the adapter must support gradients, the explained
    score must carry an autograd graph back to the inputs (or, for text, to
    the token embeddings), and the gradients must be finite and not all zero.
    """
    adapter = job.adapter
    if not isinstance(adapter, SupportsGradients):
        return Msg("explain.gradient.unsupported", adapter=type(adapter).__name__)
    try:
        with torch.enable_grad():
            if isinstance(job, TabularJob):
                # the inputs, points on their paths from the baseline and background rows: a saturated model
                # is flat at its inputs but not along the paths; a piecewise-constant one is flat everywhere
                x0 = job.X[:16]
                path = [job.baseline + a * (x0 - job.baseline) for a in (0.1, 0.3, 0.5, 0.7, 0.9)]
                probe = np.concatenate([x0, *path, job.background[:16]]).astype(np.float32)
                x = torch.as_tensor(probe, device=adapter.device).clone().requires_grad_(True)
                out = job.forward(x)
                target = x
            else:
                captured: list[torch.Tensor] = []

                def hook(_m: torch.nn.Module, _i: Any, output: torch.Tensor) -> torch.Tensor:
                    output = output.detach().requires_grad_(True)
                    captured.append(output)
                    return output

                handle = adapter.embedding_layer.register_forward_hook(hook)  # type: ignore[attr-defined]
                try:
                    ids, mask, _ = job.chunk(0, min(job.n, 4))
                    out = job.forward(ids, mask)
                finally:
                    handle.remove()
                if not captured:
                    return Msg("explain.gradient.embedding_unused")
                target = captured[0]
            if not out.requires_grad:
                return Msg("explain.gradient.no_graph")
            (grad,) = torch.autograd.grad(out.sum(), target, allow_unused=True)
    except RuntimeError as exc:
        return Msg("explain.gradient.failed", error=str(exc).splitlines()[0])
    if grad is None:
        return Msg("explain.gradient.not_differentiable")
    if not torch.isfinite(grad).all():
        return Msg("explain.gradient.not_finite")
    if not bool((grad != 0).any()):
        return Msg("explain.gradient.zero")
    return None


def subset(job: TabularJob | TextJob, count: int) -> TabularJob | TextJob:
    """The job restricted to its first ``count`` instances (instances are drawn in random order)."""
    import dataclasses

    count = min(count, job.n)
    if isinstance(job, TabularJob):
        return dataclasses.replace(job, X=job.X[:count], rows=job.rows[:count])
    ids, mask, tw = job.chunk(0, count)
    return dataclasses.replace(job, texts=job.texts[:count], input_ids=ids, attention_mask=mask, token_word=tw,
                               words=job.words[:count], word_ids_raw=job.word_ids_raw[:count],
                               rows=job.rows[:count])


def with_adapter(job: TabularJob | TextJob, adapter: ModelAdapter) -> TabularJob | TextJob:
    """The same job on another model (a randomised copy for the sanity check).

    Integrated Gradients keeps its first number of steps there: the sanity check
    compares rankings, and a random model can need many steps to converge.
    """
    import dataclasses

    from auditkit.explain.settings import IntegratedGradientsSettings

    settings = {**job.settings, "max_steps": IntegratedGradientsSettings.resolve(job.settings).n_steps}
    return dataclasses.replace(job, adapter=adapter, settings=settings)
