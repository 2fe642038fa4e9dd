"""Text attribution methods (Hugging Face classifiers), all speaking in words.

* **Integrated Gradients**: captum's ``LayerIntegratedGradients`` on the token
  embedding layer, baseline ids ``[CLS] + [PAD]… + [SEP]`` (every word's
  tokens → [PAD], unknown words included), ~8 texts per call and ``internal_batch_size`` sized to ~6.4k tokens
  per pass on CPU (performance-baseline.md: 95–101 % of raw forward+backward;
  ``internal_batch_size=1`` halves it). Texts missing completeness are recomputed
  with more steps.
* **Partition SHAP**: shap's ``Explainer`` with the tokenizer's ``Text`` masker
  (Partition algorithm), masking tokens with the pad token so that it removes
  words the same way the other two methods do; ``batch_size`` ≥ 32 masked texts
  per model call (the default of 5 costs ~10 %).
* **Word ablation**: captum ``FeatureAblation`` on the token ids with a
  ``feature_mask`` of word ids (special tokens form one extra group that ablates
  to itself), perturbations batched.

Subword scores are summed to words through the fast tokenizer's word ids, so the
three methods return the same words in the same order.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from auditkit.explain.base import (
    CPU_TEXT_TOKENS,
    Attribution,
    import_shap,
    register_method,
    rows_per_pass,
    timed,
)
from auditkit.explain.jobs import TextJob
from auditkit.explain.settings import NoSettings, PartitionShapSettings, TextIntegratedGradientsSettings
from auditkit.metrics.faithfulness import completeness

COMPLETENESS_TOL = 0.05


def text_rows(job: TextJob, length: int) -> int:
    """Sequences per pass for sequences of ``length`` tokens: ~6.4k tokens on CPU, memory-sized on CUDA."""
    hidden = int(getattr(getattr(getattr(job.adapter, "model", None), "config", None), "hidden_size", 384) or 384)
    tokens = rows_per_pass(job.adapter.device, bytes_per_row=hidden * 4 * 40, cpu_rows=CPU_TEXT_TOKENS)
    return max(1, tokens // max(length, 1))


def text_scores(job: TextJob, ids: torch.Tensor, mask: torch.Tensor) -> np.ndarray:
    """The explained scalar for token id rows, batched by :func:`text_rows`, under inference mode."""
    rows = text_rows(job, ids.shape[1])
    out = np.empty(ids.shape[0], dtype=np.float64)
    with torch.inference_mode():
        for s in range(0, ids.shape[0], rows):
            out[s : s + rows] = job.forward(ids[s : s + rows], mask[s : s + rows]).double().cpu().numpy()
    return out


def _lig(job: TextJob, idx: np.ndarray, n_steps: int, per_call: int) -> tuple[np.ndarray, np.ndarray, int]:
    """LIG word attributions and ``F(x) − F(x′)`` of texts ``idx``, ``per_call`` texts per captum call.

    Also returns the rows per pass (``internal_batch_size``) used.
    """
    from captum.attr import LayerIntegratedGradients

    lig = LayerIntegratedGradients(job.forward, job.adapter.embedding_layer)  # type: ignore[attr-defined]
    values = np.zeros((len(idx), job.max_words))
    gap = np.zeros(len(idx))
    per_pass = 0
    for s in range(0, len(idx), per_call):
        ids, mask, tw = job.select(idx[s : s + per_call])
        ref = job.reference_ids(ids, tw)
        per_pass = max(ids.shape[0], text_rows(job, ids.shape[1]))
        attr = lig.attribute(inputs=ids, baselines=ref, additional_forward_args=(mask,), n_steps=n_steps,
                             internal_batch_size=per_pass)
        tokens = attr.sum(dim=-1).detach().double().cpu().numpy()
        values[s : s + per_call] = job.to_words(tokens, tw)
        gap[s : s + per_call] = text_scores(job, ids, mask) - text_scores(job, ref, mask)
    return values, gap, per_pass


@register_method("integrated_gradients", "text", title="Integrated Gradients (token embeddings)",
                 family="gradient", needs_gradients=True, settings=TextIntegratedGradientsSettings)
def text_ig(job: TextJob, settings: TextIntegratedGradientsSettings, *, seed: int = 0) -> Attribution:
    """LayerIntegratedGradients on the embeddings, summed to words; more steps where completeness is missed."""
    n_steps = settings.n_steps
    max_steps = max(n_steps, settings.max_steps)
    per_call = settings.examples_per_call

    def run() -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int]:
        values, gap, per_pass = _lig(job, np.arange(job.n), n_steps, per_call)
        steps = np.full(job.n, n_steps)
        evals, current = float(n_steps), n_steps
        while current < max_steps:
            _, rel = completeness(values.sum(axis=1), gap, np.zeros(job.n))
            todo = np.flatnonzero(rel > COMPLETENESS_TOL)
            if todo.size == 0:
                break
            current = min(max_steps, current * 2)
            values[todo], gap[todo], _ = _lig(job, todo, current, per_call)
            steps[todo] = current
            evals += current * todo.size / job.n
        return values, gap, steps, evals + 2.0, per_pass

    (values, gap, steps, evals, per_pass), seconds = timed(run)
    return Attribution("integrated_gradients", job.pad_words(values, 0), job.words, job.explained, job.reference,
                       evaluations=evals, gradient=True, seconds=seconds, delta=values.sum(axis=1) - gap,
                       settings={"n_steps": n_steps, "max_steps_used": int(steps.max()), "steps": steps.tolist(),
                                 "examples_per_call": per_call, "internal_batch_size": per_pass,
                                 "layer": "token embeddings"})


@register_method("partition_shap", "text", title="Partition SHAP", family="perturbation", needs_gradients=False,
                 settings=PartitionShapSettings)
def text_partition_shap(job: TextJob, settings: PartitionShapSettings, *, seed: int = 0) -> Attribution:
    """shap Partition explainer with the tokenizer's Text masker (pad token as mask), summed to words."""
    shap = import_shap()
    tokenizer = job.adapter.tokenizer  # type: ignore[attr-defined]
    max_evals = settings.max_evals
    batch = max(32, int(getattr(job.adapter, "batch_size", 32) or 32))
    evaluated = [0]

    def model(strings: Any) -> np.ndarray:
        texts = [str(s) for s in np.asarray(strings).reshape(-1)]
        evaluated[0] += len(texts)
        ids, mask = job.adapter.prepare_inputs(texts)  # type: ignore[attr-defined]
        return text_scores(job, ids, mask)

    masker = shap.maskers.Text(tokenizer, mask_token=tokenizer.pad_token, collapse_mask_token=False)

    def run() -> Any:
        explainer = shap.Explainer(model, masker, algorithm="partition", seed=int(seed))
        evaluated[0] = 0
        return explainer(job.texts, max_evals=max_evals, batch_size=batch, silent=True)

    explanation, seconds = timed(run)
    values = np.full((job.n, job.max_words), np.nan)
    for i, text in enumerate(job.texts):
        token_values = np.asarray(explanation[i].values, dtype=np.float64).reshape(-1)
        word_ids = tokenizer(text).word_ids()
        if len(word_ids) != token_values.shape[0]:
            raise RuntimeError(f"shap returned {token_values.shape[0]} token values for text {i}, "
                               f"but the tokenizer gives {len(word_ids)} tokens")
        row = np.zeros(len(job.words[i]))
        remap = job.word_ids_raw[i]
        for w, v in zip(word_ids, token_values, strict=True):
            if w is not None and w in remap:
                row[remap[w]] += v
        values[i, : row.shape[0]] = row
    base = np.asarray(explanation.base_values, dtype=np.float64).reshape(-1)
    ids, mask = job.input_ids, job.attention_mask
    f_x = text_scores(job, ids, mask)
    return Attribution("partition_shap", values, job.words, job.explained, job.reference,
                       evaluations=evaluated[0] / max(job.n, 1), gradient=False, seconds=seconds,
                       delta=np.nansum(values, axis=1) - (f_x - base),
                       settings={"max_evals": max_evals, "batch_size": batch, "mask_token": str(tokenizer.pad_token),
                                 "algorithm": "partition"})


@register_method("feature_ablation", "text", title="Word ablation", family="perturbation", needs_gradients=False,
                 additive=False)
def text_feature_ablation(job: TextJob, settings: NoSettings, *, seed: int = 0) -> Attribution:
    """captum FeatureAblation over words: ``F(x) − F(x with the word's tokens → [PAD])``."""
    from captum.attr import FeatureAblation

    def run() -> tuple[np.ndarray, int]:
        values = np.zeros((job.n, job.max_words))
        fa = FeatureAblation(job.forward)
        per_eval = 1
        _, mask_all, _ = job.chunk(0, job.n)
        per_call = max(1, text_rows(job, mask_all.shape[1]))
        with torch.inference_mode():
            for s in range(0, job.n, per_call):
                e = min(job.n, s + per_call)
                ids, mask, tw = job.chunk(s, e)
                rows = text_rows(job, ids.shape[1])
                per_eval = max(1, rows // ids.shape[0])
                extra = int(tw.max()) + 1
                groups = torch.as_tensor(np.where(tw >= 0, tw, extra), device=ids.device)
                attr = fa.attribute(ids, baselines=job.reference_ids(ids, tw), additional_forward_args=(mask,),
                                    feature_mask=groups, perturbations_per_eval=per_eval)
                tok = attr.double().cpu().numpy()
                r, t = np.nonzero(tw >= 0)
                values[s + r, tw[r, t]] = tok[r, t]
        return values, per_eval

    (values, per_eval), seconds = timed(run)
    return Attribution("feature_ablation", job.pad_words(values, 0), job.words, job.explained, job.reference,
                       evaluations=float(job.n_words.mean() + 2) if job.n else 0.0, gradient=False,
                       seconds=seconds, settings={"perturbations_per_eval": per_eval, "unit": "word"})
