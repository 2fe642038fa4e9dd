"""Activation and attribution patching on tiny random decoders (Llama and GPT-2 layouts), real computations."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from transformers import GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM

from auditkit.errors import CheckConfigError
from auditkit.explain.patching import Component, decoder_components, parse_component, patch_effects

YES, NO, PAD = 5, 6, 0


class TinyAdapter:
    """Stand-in for the LLM adapter: texts are space-separated token ids, left padding, score = logit[5] − logit[6]."""

    def __init__(self, model: torch.nn.Module, batch_size: int = 4) -> None:
        self.model = model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.batch_size = batch_size
        self.device = torch.device("cpu")

    def prepare_inputs(self, texts):
        seqs = [[int(t) for t in (x.split() if isinstance(x, str) else x)] for x in texts]
        width = max(map(len, seqs))
        ids = torch.full((len(seqs), width), PAD, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        for i, s in enumerate(seqs):
            ids[i, width - len(s):] = torch.tensor(s)
            mask[i, width - len(s):] = 1
        return ids, mask

    def forward_func(self, input_ids, attention_mask, output="logit"):
        assert output == "logit"
        logits = self.model(input_ids=input_ids, attention_mask=attention_mask).logits[:, -1]
        return logits[:, YES] - logits[:, NO]


def llama(seed: int = 0, **kw) -> LlamaForCausalLM:
    torch.manual_seed(seed)
    cfg = dict(vocab_size=50, hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=4,
               num_key_value_heads=4, max_position_embeddings=64)
    cfg.update(kw)
    return LlamaForCausalLM(LlamaConfig(**cfg))


def gpt2(seed: int = 0) -> GPT2LMHeadModel:
    torch.manual_seed(seed)
    return GPT2LMHeadModel(GPT2Config(n_embd=32, n_layer=2, n_head=4, vocab_size=50, n_positions=64))


def pairs(n: int = 6, length: int = 7, seed: int = 1, swap_at: int = 2):
    """Random prompts; each counterfactual changes one token (the "attribute") at position ``swap_at``."""
    g = np.random.default_rng(seed)
    origs, cfs = [], []
    for i in range(n):
        toks = g.integers(7, 50, size=length - (i % 2)).tolist()  # two lengths: left padding is exercised
        cf = list(toks)
        cf[swap_at] = 7 + (toks[swap_at] - 7 + 1 + int(g.integers(0, 42))) % 43
        origs.append(" ".join(map(str, toks)))
        cfs.append(" ".join(map(str, cf)))
    return origs, cfs


@pytest.fixture(scope="module", params=["llama", "gpt2"])
def adapter(request):
    return TinyAdapter(llama() if request.param == "llama" else gpt2())


def test_component_names():
    names = [c.name for c in decoder_components(llama())]
    assert names[:4] == ["embed", "attn.0", "mlp.0", "resid.0"]
    assert {f"{k}.{i}" for k in ("attn", "mlp", "resid") for i in range(3)} <= set(names)
    assert [n for n in names if n.startswith("head.")] == [f"head.{layer}.{h}" for layer in (1, 2) for h in range(4)]
    assert len(names) == 1 + 9 + 8
    g = [c.name for c in decoder_components(gpt2(), head_layers=1)]
    heads = [f"head.1.{h}" for h in range(4)]
    assert g == ["embed", "attn.0", "mlp.0", "resid.0", "attn.1", "mlp.1", "resid.1", *heads]
    assert parse_component("head.1.2") == Component("head.1.2", "head", 1, 2)
    with pytest.raises(CheckConfigError, match="unknown component"):
        parse_component("neuron.1")


def test_unknown_architecture_is_a_clear_error():
    from transformers import BertConfig, BertModel

    bert = BertModel(BertConfig(vocab_size=50, hidden_size=32, num_hidden_layers=1, num_attention_heads=4,
                                intermediate_size=64))
    with pytest.raises(CheckConfigError, match=r"BertModel.*model\.layers.*transformer\.h"):
        decoder_components(bert)


def test_explicit_head_dim():
    model = llama(head_dim=16)  # 4 heads × 16 = 64 ≠ hidden 32
    assert [c.name for c in decoder_components(model, head_layers=1) if c.kind == "head"] == [
        f"head.2.{h}" for h in range(4)]
    origs, cfs = pairs(4)
    res = patch_effects(TinyAdapter(model), origs, cfs, components=["attn.2", *[f"head.2.{h}" for h in range(4)]],
                        top_k=0)
    assert res.estimate[1:].sum() == pytest.approx(res.estimate[0], rel=1e-4)


def test_last_resid_and_embed_reproduce_the_whole_change(adapter):
    n_layers = len(decoder_components(adapter.model, head_layers=0)) // 3
    last = f"resid.{n_layers - 1}"
    origs, cfs = pairs(6)
    res = patch_effects(adapter, origs, cfs, components=["embed", last, "attn.0"], top_k=3, batch_size=4)
    assert res.pairs_used == 6 and res.pairs_skipped == 0
    assert res.total_change > 1e-3
    assert res.share(last)[1] == pytest.approx(1.0, abs=1e-5)
    assert res.share("embed")[1] == pytest.approx(1.0, abs=1e-5)
    assert set(res.validated) == {"embed", last, "attn.0"}
    assert np.abs(res.per_pair_total).mean() == pytest.approx(res.total_change)


def test_heads_add_up_to_their_attention_layer(adapter):
    origs, cfs = pairs(5)
    res = patch_effects(adapter, origs, cfs, top_k=0)
    assert res.validated == () and np.isnan(res.exact).all() and np.isnan(res.spearman)
    layer = max(c.layer for c in decoder_components(adapter.model))
    heads = [i for i, n in enumerate(res.components) if n.startswith(f"head.{layer}.")]
    attn = res.components.index(f"attn.{layer}")
    assert len(heads) == 4
    assert res.estimate[heads].sum() == pytest.approx(res.estimate[attn], rel=1e-4)


def test_estimate_ranks_like_exact_for_small_perturbations():
    """cf = orig with one token's embedding nudged: first order is accurate, so the rankings agree."""
    model = llama(seed=3).double()  # float64: the tiny change is far above rounding
    emb = model.get_input_embeddings().weight
    with torch.no_grad():  # token 49 becomes a close neighbour of token 48
        emb[49] = emb[48] + 0.05 * emb.std() * torch.randn(emb.shape[1], generator=torch.Generator().manual_seed(0))
    g = np.random.default_rng(0)
    origs, cfs = [], []
    for _ in range(4):
        toks = g.integers(7, 48, size=8).tolist()
        toks[3] = 48
        origs.append(toks)
        cfs.append([*toks[:3], 49, *toks[4:]])
    res = patch_effects(TinyAdapter(model), origs, cfs, top_k=50, batch_size=4)
    assert len(res.validated) == len(res.components)  # all validated when fewer than top_k
    assert res.spearman > 0.8
    lo, hi = res.spearman_ci
    assert lo < res.spearman < hi <= 1
    assert np.allclose(res.estimate, res.exact, atol=0.1)


def test_pairs_of_different_lengths_are_skipped():
    ad = TinyAdapter(llama())
    origs, cfs = pairs(4)
    cfs[1] = cfs[1] + " 9"  # one token longer: positions no longer align
    res = patch_effects(ad, origs, cfs, components=["embed"], top_k=1, batch_size=2)
    assert res.pairs_used == 3 and res.pairs_skipped == 1 and len(res.per_pair_total) == 3
    assert res.exact[0] == pytest.approx(1.0, abs=1e-5)
    with pytest.raises(CheckConfigError, match="tokenize to the same length"):
        patch_effects(ad, ["1 2 3", "7 8"], ["1 2", "7 8 9"], components=["embed"])
    with pytest.raises(CheckConfigError, match="pair up"):
        patch_effects(ad, ["1 2 3"], [], components=["embed"])


def test_unchanged_pairs_get_zero_weight():
    ad = TinyAdapter(llama())
    origs, cfs = pairs(3)
    res = patch_effects(ad, [*origs, origs[0]], [*cfs, origs[0]], components=["embed", "resid.2"], top_k=2)
    assert res.pairs_used == 4 and res.pairs_unchanged == 1
    assert res.exact == pytest.approx([1.0, 1.0], abs=1e-5)
    same = patch_effects(ad, origs, origs, components=["embed"])
    assert same.total_change == 0 and np.isnan(same.estimate).all() and same.validated == ()


def test_hooks_are_removed_afterwards(adapter):
    ids, mask = adapter.prepare_inputs(["7 8 9 10", "11 12 13 14"])
    before = adapter.forward_func(ids, mask)
    origs, cfs = pairs(3)
    patch_effects(adapter, origs, cfs, components=["embed", "attn.0", "mlp.1", "resid.1", "head.1.2"], top_k=5)
    assert torch.equal(adapter.forward_func(ids, mask), before)


@pytest.mark.parametrize("fail_at", [2, 5])  # the gradient pass; a patched forward
def test_hooks_are_removed_after_an_error(fail_at):
    model = gpt2()
    ad = TinyAdapter(model)
    ids, mask = ad.prepare_inputs(["7 8 9 10", "11 12 13 14"])
    before = ad.forward_func(ids, mask)

    class Broken(TinyAdapter):
        calls = 0

        def forward_func(self, input_ids, attention_mask, output="logit"):
            Broken.calls += 1
            if Broken.calls == fail_at:
                assert any(m._forward_hooks or m._forward_pre_hooks for m in model.modules())
                raise RuntimeError("boom")
            return super().forward_func(input_ids, attention_mask, output)

    origs, cfs = pairs(3)
    with pytest.raises(RuntimeError, match="boom"):
        patch_effects(Broken(model), origs, cfs, components=["embed", "head.1.2"], top_k=2, batch_size=8)
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    assert torch.equal(ad.forward_func(ids, mask), before)
