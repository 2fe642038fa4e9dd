"""Where a protected attribute's effect flows inside a decoder LLM: activation and attribution patching.

For counterfactual prompt pairs that differ only in a protected attribute
("she"↔"he", "Emma"↔"James"), :func:`patch_effects` measures, per component of
the network (embeddings, each block's attention and MLP sublayers, the residual
stream after each block, single attention heads), what share of the decision
change appears when ONLY that component's activation is taken from the
counterfactual run. A large share says the attribute's effect passes through
the component; the shares of components on one path need not add to 1
(components in series each carry the whole effect: the embeddings and the
last block's residual stream always have share 1).

Definitions
-----------
* **score**: the favourable answer's log-odds, ``adapter.forward_func(..., output="logit")``.
  For pair *i*: ``o_i = score(orig_i)``, ``c_i = score(cf_i)``, ``s_i = sign(c_i − o_i)``.
* **exact (activation) patching** of component *C*: run ``orig_i`` with *C*'s activation replaced,
  at every position, by its value in the ``cf_i`` run → ``p_i``. ::

      share(C) = Σ_i s_i (p_i − o_i) / Σ_i |c_i − o_i|

  so every pair's own total change counts positive and a component that
  reproduces each pair's change has share 1 whatever the pairs' directions.
* **attribution patching** (Nanda 2023; Syed, Rager & Conmy 2023): the first-order estimate
  ``est_i(C) = Σ_positions (a_C(cf_i) − a_C(orig_i)) · ∂score/∂a_C |orig_i``: one forward and
  backward pass on the originals gives the gradients w.r.t. every component at once, one
  forward pass on the counterfactuals gives their activations. Aggregated exactly like the
  exact share. Because the attention output projection is linear, the estimates of one
  layer's heads add up to the estimate of that layer's attention sublayer.
* **validation**: the ``top_k`` components by ``|estimate|`` are patched exactly and the
  Spearman rank correlation of estimate vs exact over them is reported, with a 95 % interval
  from Fisher's z with the Bonett & Wright (2000) standard error ``sqrt((1 + ρ²/2) / (k − 3))``
  (NaN for fewer than 4 components; ρ itself is NaN for fewer than 3).

Pairs
-----
Patching at every position needs the two prompts of a pair to align position by
position, so each batch of originals and counterfactuals is encoded together
(identical left padding) and a pair whose attention masks differ (the prompts
tokenize to different lengths) is skipped and counted (``pairs_skipped``); with
no aligned pair left, :class:`~auditkit.errors.CheckConfigError` says so.
Aligned pairs whose change is below ``min_change`` stay in ``pairs_used`` (and
in ``total_change``) with zero weight: ``s_i = 0`` and their ``|c_i − o_i|``
left out of the denominator (``pairs_unchanged`` counts them). When no pair
changes, there is nothing to attribute: every share is NaN and nothing is
patched exactly.

Components
----------
``embed`` is the token-embedding output; ``resid.L`` the hidden state a block
outputs (the residual stream after block L); ``attn.L`` / ``mlp.L`` a
sublayer's output before it is added to the residual stream; ``head.L.H`` head
H's slice of the input of layer L's attention output projection (``o_proj``,
``c_proj``). Blocks are found at ``model.model.layers`` (Llama, Mistral, Qwen,
Gemma, ...) or ``model.transformer.h`` (GPT-2 style).

All hooks are removed when a pass ends, also on error, and no parameter is
changed: the model behaves as before afterwards.

References: N. Nanda, "Attribution Patching: Activation Patching At Industrial
Scale" (2023); A. Syed, C. Rager, A. Conmy, "Attribution Patching Outperforms
Automated Circuit Discovery" (2023); K. Meng et al., "Locating and Editing
Factual Associations in GPT" (NeurIPS 2022); D. G. Bonett, T. A. Wright,
"Sample size requirements for estimating Pearson, Kendall and Spearman
correlations", Psychometrika 65 (2000).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from auditkit.errors import CheckConfigError

#: Where the decoder blocks are looked for, as attribute paths from the causal LM.
_BLOCK_PATHS = ("model.layers", "transformer.h", "model.decoder.layers", "gpt_neox.layers")
_ATTN_NAMES = ("self_attn", "attn", "attention")
_OUT_PROJ_NAMES = ("o_proj", "c_proj", "out_proj", "dense")
_KINDS = ("embed", "resid", "attn", "mlp", "head")


@dataclass(frozen=True)
class Component:
    """One patchable activation of a decoder: ``embed``, ``resid.L``, ``attn.L``, ``mlp.L`` or ``head.L.H``."""

    name: str
    kind: str
    layer: int
    head: int | None = None


@dataclass(frozen=True)
class PatchingResult:
    """Per component, the share of the pairs' decision change that patching it reproduces.

    ``estimate`` (attribution patching) covers every component; ``exact``
    (activation patching) only those in ``validated`` (NaN elsewhere).
    ``per_pair_total`` holds ``c_i − o_i`` (signed, log-odds) of each used pair.
    """

    components: tuple[str, ...]
    estimate: np.ndarray
    exact: np.ndarray
    validated: tuple[str, ...]
    spearman: float
    spearman_ci: tuple[float, float]
    pairs_used: int
    pairs_skipped: int
    total_change: float
    per_pair_total: np.ndarray
    pairs_unchanged: int = 0

    def share(self, name: str) -> tuple[float, float]:
        """``(estimate, exact)`` share of component ``name`` (exact NaN when it was not validated)."""
        i = self.components.index(name)
        return float(self.estimate[i]), float(self.exact[i])


# --------------------------------------------------------------------------- model structure


@dataclass(frozen=True)
class _Decoder:
    """The modules of a decoder that components live in."""

    embed: torch.nn.Module
    blocks: tuple[torch.nn.Module, ...]
    attn: tuple[torch.nn.Module, ...]
    out_proj: tuple[torch.nn.Module, ...]
    mlp: tuple[torch.nn.Module, ...]
    n_heads: int
    head_dim: int


def _get_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _first_attr(obj: Any, names: Sequence[str]) -> Any:
    for n in names:
        found = getattr(obj, n, None)
        if isinstance(found, torch.nn.Module):
            return found
    return None


def _in_features(module: torch.nn.Module) -> int | None:
    """Input width of a linear layer (``nn.Linear`` or GPT-2's transposed ``Conv1D``)."""
    if isinstance(module, torch.nn.Linear):
        return int(module.in_features)
    weight = getattr(module, "weight", None)
    if type(module).__name__ == "Conv1D" and isinstance(weight, torch.Tensor):
        return int(weight.shape[0])
    return None


def _decoder(model: torch.nn.Module) -> _Decoder:
    """Locate embeddings, blocks, sublayers and head geometry; a clear error when the layout is unknown."""
    cls = type(model).__name__
    blocks = next((b for p in _BLOCK_PATHS if isinstance(b := _get_path(model, p), torch.nn.ModuleList)), None)
    if blocks is None or len(blocks) == 0:
        raise CheckConfigError(
            f"cannot find the decoder blocks of {cls}: looked for a ModuleList at "
            + ", ".join(f"model.{p}" for p in _BLOCK_PATHS)
            + "; patching supports Llama/Mistral/Qwen-style and GPT-2-style causal LMs"
        )
    attn, out_proj, mlp = [], [], []
    for i, block in enumerate(blocks):
        a = _first_attr(block, _ATTN_NAMES)
        o = _first_attr(a, _OUT_PROJ_NAMES) if a is not None else None
        m = _first_attr(block, ("mlp", "feed_forward"))
        if a is None or o is None or m is None:
            raise CheckConfigError(
                f"block {i} of {cls} ({type(block).__name__}) lacks an attention sublayer "
                f"({'/'.join(_ATTN_NAMES)}) with an output projection ({'/'.join(_OUT_PROJ_NAMES)}) "
                "or an mlp sublayer (mlp/feed_forward)"
            )
        attn.append(a)
        out_proj.append(o)
        mlp.append(m)
    embed = model.get_input_embeddings() if hasattr(model, "get_input_embeddings") else None
    if not isinstance(embed, torch.nn.Module):
        raise CheckConfigError(f"{cls} has no input embeddings (get_input_embeddings())")
    config = getattr(model, "config", None)
    n_heads = getattr(config, "num_attention_heads", None) or getattr(config, "n_head", None)
    if not n_heads:
        raise CheckConfigError(f"the config of {cls} gives no number of attention heads (num_attention_heads)")
    width = _in_features(out_proj[0])
    head_dim = getattr(config, "head_dim", None) or (width // n_heads if width else None)
    if not head_dim or (width is not None and width != n_heads * head_dim):
        raise CheckConfigError(
            f"cannot split the attention output projection of {cls} into {n_heads} heads "
            f"(input width {width}, head_dim {head_dim})"
        )
    return _Decoder(embed, tuple(blocks), tuple(attn), tuple(out_proj), tuple(mlp), int(n_heads), int(head_dim))


def decoder_components(model: torch.nn.Module, *, head_layers: int = 2) -> list[Component]:
    """Every patchable component of ``model``: embeddings, each layer's resid/attn/mlp, heads of the last layers.

    Heads are listed for the last ``head_layers`` layers only (all heads of
    every layer multiply the component count by the number of heads).
    """
    dec = _decoder(model)
    n = len(dec.blocks)
    out = [Component("embed", "embed", -1)]
    for layer in range(n):
        out += [Component(f"{k}.{layer}", k, layer) for k in ("attn", "mlp", "resid")]
    for layer in range(max(0, n - head_layers), n):
        out += [Component(f"head.{layer}.{h}", "head", layer, h) for h in range(dec.n_heads)]
    return out


def parse_component(name: str) -> Component:
    """The :class:`Component` a name such as ``"resid.3"`` or ``"head.3.1"`` stands for."""
    parts = name.split(".")
    try:
        if parts[0] == "embed" and len(parts) == 1:
            return Component(name, "embed", -1)
        if parts[0] in ("resid", "attn", "mlp") and len(parts) == 2:
            return Component(name, parts[0], int(parts[1]))
        if parts[0] == "head" and len(parts) == 3:
            return Component(name, "head", int(parts[1]), int(parts[2]))
    except ValueError:
        pass
    raise CheckConfigError(f"unknown component {name!r}: expected embed, resid.L, attn.L, mlp.L or head.L.H")


def _resolve(dec: _Decoder, components: Sequence[Component | str]) -> list[Component]:
    out = [parse_component(c) if isinstance(c, str) else c for c in components]
    n = len(dec.blocks)
    bad = [c.name for c in out
           if c.kind not in _KINDS or c.layer >= n or (c.kind != "embed" and c.layer < 0)
           or (c.kind == "head" and not (c.head is not None and 0 <= c.head < dec.n_heads))]
    if bad:
        raise CheckConfigError(
            f"component(s) {', '.join(map(repr, bad))} do not exist in a model with {len(dec.blocks)} layers "
            f"and {dec.n_heads} heads"
        )
    if len({c.name for c in out}) != len(out):
        raise CheckConfigError("components must be distinct")
    if not out:
        raise CheckConfigError("no components to patch")
    return out


# --------------------------------------------------------------------------- hooks


def _hidden(output: Any) -> torch.Tensor:
    return output[0] if isinstance(output, tuple | list) else output


def _with_hidden(output: Any, hidden: torch.Tensor) -> Any:
    if isinstance(output, tuple):
        return (hidden, *output[1:])
    if isinstance(output, list):
        return [hidden, *output[1:]]
    return hidden


def _site(dec: _Decoder, c: Component) -> tuple[str, torch.nn.Module]:
    """Where a component's activation is read: ``("out", module)`` output or ``("in", out_proj)`` input."""
    if c.kind == "embed":
        return "out", dec.embed
    if c.kind == "resid":
        return "out", dec.blocks[c.layer]
    if c.kind == "attn":
        return "out", dec.attn[c.layer]
    if c.kind == "mlp":
        return "out", dec.mlp[c.layer]
    return "in", dec.out_proj[c.layer]


def _site_key(c: Component) -> str:
    """Components sharing an activation tensor (one layer's heads) share a site key."""
    return f"oproj_in.{c.layer}" if c.kind == "head" else c.name


@contextmanager
def _hooked(dec: _Decoder, components: Sequence[Component], *, capture: dict[str, torch.Tensor] | None = None,
            patch: tuple[Component, torch.Tensor] | None = None, grad_from_embed: bool = False) -> Iterator[None]:
    """Within the block, record the components' activations into ``capture`` and/or patch one component.

    ``patch = (component, value)`` replaces the component's activation at every
    position by ``value`` (the full site tensor; for a head only its slice is
    used). ``grad_from_embed`` makes the embedding output a leaf that requires
    grad, so gradients w.r.t. every captured activation exist although the
    parameters are frozen. Every hook is removed on exit, also on error.
    """
    sites: dict[str, tuple[str, torch.nn.Module]] = {_site_key(c): _site(dec, c) for c in components}
    if patch is not None:
        sites.setdefault(_site_key(patch[0]), _site(dec, patch[0]))
    if grad_from_embed:
        sites.setdefault("embed", ("out", dec.embed))

    def edit(key: str, x: torch.Tensor) -> torch.Tensor:
        if patch is not None and key == _site_key(patch[0]):
            c, value = patch
            value = value.to(device=x.device, dtype=x.dtype)
            if c.kind == "head":
                lo = c.head * dec.head_dim
                x = x.clone()
                x[..., lo:lo + dec.head_dim] = value[..., lo:lo + dec.head_dim]
            else:
                x = value
        if grad_from_embed and key == "embed" and not x.requires_grad:
            x = x.detach().requires_grad_(True)
        if capture is not None and key in capture_keys:
            capture[key] = x
        return x

    capture_keys = {_site_key(c) for c in components}

    def out_hook(key: str) -> Callable:
        def hook(_module: torch.nn.Module, _inputs: Any, output: Any) -> Any:
            h = _hidden(output)
            new = edit(key, h)
            return None if new is h else _with_hidden(output, new)

        return hook

    def in_hook(key: str) -> Callable:
        def hook(_module: torch.nn.Module, args: tuple) -> Any:
            new = edit(key, args[0])
            return None if new is args[0] else (new, *args[1:])

        return hook

    handles = []
    try:
        for key, (where, module) in sites.items():
            if where == "out":
                handles.append(module.register_forward_hook(out_hook(key)))
            else:
                handles.append(module.register_forward_pre_hook(in_hook(key)))
        yield
    finally:
        for h in handles:
            h.remove()


# --------------------------------------------------------------------------- the engine


def _pair_batches(adapter: Any, originals: Sequence[str], counterfactuals: Sequence[str], bs: int
                  ) -> Iterator[tuple[np.ndarray, torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]:
    """Aligned pairs per batch: ``(pair indices, orig ids, orig mask, cf ids, cf mask)``, padded identically.

    Originals and counterfactuals of a batch are encoded in one call, so
    their left padding is identical; pairs whose masks differ are dropped.
    """
    n = len(originals)
    for start in range(0, n, bs):
        stop = min(n, start + bs)
        m = stop - start
        ids, mask = adapter.prepare_inputs([*originals[start:stop], *counterfactuals[start:stop]])
        same = (mask[:m] == mask[m:]).all(dim=1)
        keep = torch.nonzero(same).flatten()
        if keep.numel() == 0:
            continue
        cf_keep = keep + m
        yield (np.arange(start, stop)[keep.cpu().numpy()], ids[keep], mask[keep], ids[cf_keep], mask[cf_keep])


def _score(adapter: Any, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    return adapter.forward_func(ids, mask, output="logit").reshape(-1)


def _contribution(c: Component, dec: _Decoder, delta: torch.Tensor, grad: torch.Tensor | None) -> torch.Tensor:
    """``Σ_positions Δa · ∂score/∂a`` per row, in float32 (a head: its slice only)."""
    if grad is None:  # the score does not depend on this activation
        return torch.zeros(delta.shape[0], device=delta.device)
    if c.kind == "head":
        lo = c.head * dec.head_dim
        delta, grad = delta[..., lo:lo + dec.head_dim], grad[..., lo:lo + dec.head_dim]
    return (delta.float() * grad.float()).reshape(delta.shape[0], -1).sum(dim=1)


def _fisher_ci(rho: float, k: int, level: float = 0.95) -> tuple[float, float]:
    """Fisher-z interval of a Spearman ρ over ``k`` items with the Bonett–Wright standard error."""
    if not math.isfinite(rho) or k < 4:
        return float("nan"), float("nan")
    from scipy.stats import norm

    r = min(max(rho, -1 + 1e-12), 1 - 1e-12)
    se = math.sqrt((1 + r * r / 2) / (k - 3))
    z = math.atanh(r)
    q = float(norm.ppf(0.5 + level / 2))
    return math.tanh(z - q * se), math.tanh(z + q * se)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) < 3 or np.all(a == a[0]) or np.all(b == b[0]):
        return float("nan")
    from scipy.stats import spearmanr

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(spearmanr(a, b).statistic)


def patch_effects(adapter: Any, originals: Sequence[str], counterfactuals: Sequence[str], *,
                  components: Sequence[Component | str] | None = None, top_k: int = 20,
                  batch_size: int | None = None, min_change: float = 1e-6) -> PatchingResult:
    """Share of the pairs' decision change each component carries: attribution-patching estimates for all,
    exact activation patching for the ``top_k`` by ``|estimate|`` (see the module docstring).

    ``components`` defaults to :func:`decoder_components` of ``adapter.model``
    (names such as ``"attn.3"`` are accepted too). Cost: per batch of pairs,
    one forward on the counterfactuals, one forward and backward on the
    originals, then one more counterfactual forward plus ``top_k`` patched
    forwards on the originals.
    """
    if len(originals) != len(counterfactuals):
        raise CheckConfigError(
            f"{len(originals)} original prompt(s) but {len(counterfactuals)} counterfactual(s): they must pair up"
        )
    if not originals:
        raise CheckConfigError("no prompt pairs to patch")
    model = adapter.model
    dec = _decoder(model)
    comps = _resolve(dec, decoder_components(model) if components is None else components)
    bs = max(1, int(batch_size or getattr(adapter, "batch_size", 8) or 8))
    keys = {c.name: _site_key(c) for c in comps}

    # pass 1: scores and attribution-patching estimates, batch by batch
    used, orig_scores, cf_scores, est_rows = [], [], [], []
    for idx, o_ids, o_mask, c_ids, c_mask in _pair_batches(adapter, originals, counterfactuals, bs):
        cf_acts: dict[str, torch.Tensor] = {}
        with torch.no_grad(), _hooked(dec, comps, capture=cf_acts):
            c = _score(adapter, c_ids, c_mask)
        acts: dict[str, torch.Tensor] = {}
        with torch.enable_grad(), _hooked(dec, comps, capture=acts, grad_from_embed=True):
            o = _score(adapter, o_ids, o_mask)
            site_keys = sorted(acts)
            grads = torch.autograd.grad(o.sum(), [acts[k] for k in site_keys], allow_unused=True)
        grad_of = dict(zip(site_keys, grads, strict=True))
        with torch.no_grad():
            est = torch.stack([_contribution(cm, dec, cf_acts[keys[cm.name]] - acts[keys[cm.name]].detach(),
                                             grad_of[keys[cm.name]]) for cm in comps], dim=1)
        used.append(idx)
        orig_scores.append(o.detach().float().cpu().numpy())
        cf_scores.append(c.float().cpu().numpy())
        est_rows.append(est.cpu().numpy())
        del cf_acts, acts, grads, grad_of
    n_pairs = len(originals)
    if not used:
        raise CheckConfigError(
            f"none of the {n_pairs} prompt pair(s) tokenize to the same length, so no pair's positions align "
            "for patching; use counterfactuals whose substituted words have equal token counts"
        )
    used_idx = np.concatenate(used)
    o_all, c_all = np.concatenate(orig_scores), np.concatenate(cf_scores)
    est_all = np.concatenate(est_rows, axis=0)
    change = c_all - o_all
    sign = np.where(np.abs(change) >= min_change, np.sign(change), 0.0)
    denom = float(np.abs(change[sign != 0]).sum())
    n_comp = len(comps)
    names = tuple(c.name for c in comps)
    estimate = (sign @ est_all) / denom if denom > 0 else np.full(n_comp, np.nan)
    exact = np.full(n_comp, np.nan)

    # pass 2: exact patching of the top_k components by |estimate|
    chosen: list[int] = []
    if denom > 0 and top_k > 0:
        order = np.argsort(-np.abs(estimate), kind="stable")
        chosen = sorted(order[:min(top_k, n_comp)].tolist())
        top = [comps[i] for i in chosen]
        num = np.zeros(len(chosen))
        pos = {int(p): j for j, p in enumerate(used_idx)}
        for idx, o_ids, o_mask, c_ids, c_mask in _pair_batches(adapter, originals, counterfactuals, bs):
            rows = np.array([pos[int(i)] for i in idx])
            cf_acts = {}
            with torch.no_grad():
                with _hooked(dec, top, capture=cf_acts):
                    _score(adapter, c_ids, c_mask)
                o = _score(adapter, o_ids, o_mask).float().cpu().numpy()  # no-grad twin of pass 1's score
                for j, cm in enumerate(top):
                    with _hooked(dec, [], patch=(cm, cf_acts[keys[cm.name]])):
                        p = _score(adapter, o_ids, o_mask).float().cpu().numpy()
                    num[j] += float(sign[rows] @ (p - o))
            del cf_acts
        exact[chosen] = num / denom
    rho = _spearman(estimate[chosen], exact[chosen]) if chosen else float("nan")
    return PatchingResult(
        components=names, estimate=estimate, exact=exact, validated=tuple(names[i] for i in chosen),
        spearman=rho, spearman_ci=_fisher_ci(rho, len(chosen)), pairs_used=len(used_idx),
        pairs_skipped=n_pairs - len(used_idx), total_change=float(np.abs(change).mean()), per_pair_total=change,
        pairs_unchanged=int((sign == 0).sum()),
    )
