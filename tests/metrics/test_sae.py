"""Sparse autoencoders: training on a known dictionary, ablation, sae-lens I/O, feature ranking, matched controls."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from scipy.stats import kruskal, mannwhitneyu

from auditkit.errors import CheckConfigError
from auditkit.metrics.roc import roc_auc
from auditkit.metrics.sae import (
    SparseAutoencoder,
    load_sae_lens,
    matched_random_features,
    rank_features,
    reconstruction_quality,
    save_sae_lens,
    train_topk_sae,
)


def _sparse_data(n: int = 1500, d: int = 32, atoms: int = 64, active: int = 3, seed: int = 0) -> torch.Tensor:
    """Rows that are sums of ``active`` random unit-norm atoms (out of ``atoms``) with positive coefficients."""
    g = torch.Generator().manual_seed(seed)
    D = torch.randn(atoms, d, generator=g)
    D /= D.norm(dim=1, keepdim=True)
    idx = torch.argsort(torch.rand(n, atoms, generator=g), dim=1)[:, :active]
    coef = torch.rand(n, active, generator=g) + 0.5
    return torch.zeros(n, atoms).scatter(1, idx, coef) @ D + 0.3


@pytest.fixture(scope="module")
def trained() -> tuple[torch.Tensor, SparseAutoencoder]:
    acts = _sparse_data()
    return acts, train_topk_sae(acts, dict_size=96, k=3, seed=7)


def _random_sae(d_in: int = 8, d_sae: int = 16, seed: int = 0, **kw) -> SparseAutoencoder:
    g = torch.Generator().manual_seed(seed)
    return SparseAutoencoder(W_enc=torch.randn(d_in, d_sae, generator=g), b_enc=torch.randn(d_sae, generator=g) * 0.1,
                             W_dec=torch.randn(d_sae, d_in, generator=g), b_dec=torch.randn(d_in, generator=g),
                             source="test", **kw)


def test_topk_sae_recovers_a_known_sparse_dictionary(trained):
    acts, sae = trained
    q = reconstruction_quality(sae, acts, confidence=0.95, resamples=200, seed=0)
    assert q.variance_explained > 0.9
    assert q.ci_low <= q.variance_explained <= q.ci_high
    assert q.mean_l0 <= 3.0 and q.n == acts.shape[0]
    assert sae.source == "trained on the audit data" and sae.k == 3
    assert torch.allclose(sae.W_dec.norm(dim=1), torch.ones(96), atol=1e-5)


def test_training_is_bit_identical_for_a_seed_and_leaves_global_state(trained):
    acts, sae = trained
    state = torch.random.get_rng_state()
    threads = torch.get_num_threads()
    again = train_topk_sae(acts, dict_size=96, k=3, seed=7)
    assert torch.equal(torch.random.get_rng_state(), state)
    assert torch.get_num_threads() == threads
    for name in ("W_enc", "b_enc", "W_dec", "b_dec"):
        assert torch.equal(getattr(sae, name), getattr(again, name))
    other = train_topk_sae(acts[:300], dict_size=96, k=3, seed=8, epochs=2)
    assert not torch.equal(other.W_dec, sae.W_dec)


def test_training_works_on_raw_scale(trained):
    acts, _ = trained
    x = acts[:400]

    def explained(sae: SparseAutoencoder, data: torch.Tensor) -> float:
        rec = sae.decode(sae.encode(data))
        return float(1 - (data - rec).pow(2).sum() / (data - data.mean(0)).pow(2).sum())

    # rows are standardised internally and the scaling folded back: an affine rescaling of the activations
    # trains the same SAE in raw units
    small = train_topk_sae(x, dict_size=32, k=3, seed=1, epochs=5)
    big = train_topk_sae(x * 50.0 + 7.0, dict_size=32, k=3, seed=1, epochs=5)
    assert explained(big, x * 50.0 + 7.0) == pytest.approx(explained(small, x), abs=1e-3)
    assert torch.allclose(big.encode(x * 50.0 + 7.0), 50.0 * small.encode(x), rtol=1e-3, atol=1e-2)


def test_ablate_keeps_the_error_term_and_any_shape():
    sae = _random_sae(k=4)
    x = torch.randn(5, 8, dtype=torch.float64) * 2
    assert torch.allclose(sae.ablate(x, []), x)
    assert sae.ablate(x, []).dtype == torch.float64
    f = sae.encode(x)
    err = x.float() - sae.decode(f)
    everything = sae.ablate(x, range(16))
    assert torch.allclose(everything.float(), sae.b_dec + err, atol=1e-5)
    one = sae.ablate(x, torch.tensor([3]))
    f0 = f.clone()
    f0[:, 3] = 0
    assert torch.allclose(one.float(), sae.decode(f0) + err, atol=1e-5)
    x3 = torch.randn(2, 3, 8)
    assert sae.encode(x3).shape == (2, 3, 16)
    assert torch.allclose(sae.ablate(x3, [1, 2]).reshape(6, 8), sae.ablate(x3.reshape(6, 8), [1, 2]), atol=1e-6)
    with pytest.raises(CheckConfigError, match=r"\[0, 16\)"):
        sae.ablate(x, [16])


def test_jumprelu_and_relu_encoding_and_to():
    sae = _random_sae(threshold=torch.full((16,), 0.5))
    x = torch.randn(4, 8)
    pre = sae.pre_activations(x)
    f = sae.encode(x)
    assert torch.equal(f > 0, pre > 0.5)
    relu = _random_sae()
    assert torch.equal(relu.encode(x), torch.relu(relu.pre_activations(x)))
    d = sae.to("cpu", torch.float64)
    assert d.W_enc.dtype == torch.float64 and d.threshold.dtype == torch.float64


def test_dead_share_and_l0_on_a_hand_built_sae():
    # identity encoder on 4 features plus two features with a large negative bias that can never fire
    W_enc = torch.cat([torch.eye(4), torch.zeros(4, 2)], dim=1)
    sae = SparseAutoencoder(W_enc=W_enc, b_enc=torch.tensor([0, 0, 0, 0, -1.0, -1.0]), W_dec=W_enc.T.clone(),
                            b_dec=torch.zeros(4), apply_b_dec_to_input=False)
    x = torch.tensor([[1.0, 0, 0, 0], [0, 2.0, 0, 0], [1.0, 1.0, 0, 0], [0, 0, 0, 0]])
    q = reconstruction_quality(sae, x, confidence=0.9, resamples=100, seed=3)
    assert q.dead_share == pytest.approx(4 / 6)  # features 2, 3, 4, 5 never fire
    assert q.mean_l0 == pytest.approx(4 / 4)
    assert q.variance_explained == pytest.approx(1.0)
    assert q.ci_low <= q.variance_explained <= q.ci_high


def test_sae_lens_round_trip(tmp_path, trained):
    acts, sae = trained
    save_sae_lens(sae, tmp_path / "sae")
    cfg = json.loads((tmp_path / "sae" / "cfg.json").read_text())
    assert cfg["architecture"] == "topk" and cfg["k"] == 3 and cfg["d_sae"] == 96
    back = load_sae_lens(tmp_path / "sae")
    assert torch.equal(back.encode(acts[:50]), sae.encode(acts[:50]))
    assert back.k == 3 and back.source == str(tmp_path / "sae")
    jump = _random_sae(threshold=torch.rand(16), hook_name="blocks.3.hook_resid_post")
    save_sae_lens(jump, tmp_path / "jump")
    back = load_sae_lens(tmp_path / "jump")
    x = torch.randn(3, 8)
    assert torch.equal(back.encode(x), jump.encode(x))
    assert back.hook_name == "blocks.3.hook_resid_post" and back.architecture == "jumprelu"


def test_old_sae_lens_configs_are_read(tmp_path):
    sae = _random_sae(k=2)
    save_sae_lens(sae, tmp_path)
    cfg = json.loads((tmp_path / "cfg.json").read_text())
    for key in ("architecture", "k", "metadata"):
        cfg.pop(key)
    (tmp_path / "cfg.json").write_text(json.dumps(cfg))
    back = load_sae_lens(tmp_path)
    assert back.k == 2 and back.hook_name is None


def test_sae_lens_errors(tmp_path):
    with pytest.raises(CheckConfigError, match="does not exist"):
        load_sae_lens(tmp_path / "nope")
    save_sae_lens(_random_sae(), tmp_path)
    (tmp_path / "sae_weights.safetensors").rename(tmp_path / "weights.bin")
    with pytest.raises(CheckConfigError, match=r"lacks sae_weights\.safetensors.*cfg\.json, weights\.bin"):
        load_sae_lens(tmp_path)
    (tmp_path / "weights.bin").rename(tmp_path / "sae_weights.safetensors")
    cfg = json.loads((tmp_path / "cfg.json").read_text())
    for change, pattern in (({"d_sae": 17}, "W_enc"), ({"architecture": "gated"}, "gated"),
                            ({"normalize_activations": "expected_average_only_in"}, "normalize_activations")):
        (tmp_path / "cfg.json").write_text(json.dumps({**cfg, **change}))
        with pytest.raises(CheckConfigError, match=pattern):
            load_sae_lens(tmp_path)


def _codes_with_signal(n: int = 600, d: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    codes = np.maximum(rng.normal(size=(n, d)), 0) * (rng.random((n, d)) < 0.3)
    codes[:, 17] = np.where(labels == 1, rng.random(n) + 0.5, 0.0)  # fires only for value 1
    codes[:, 40] = np.where(labels == 0, rng.random(n), 0.0) * (rng.random(n) < 0.8)  # fires mostly for value 0
    return codes.astype(np.float32), labels


def test_a_feature_of_one_value_ranks_first():
    codes, labels = _codes_with_signal()
    ranked = rank_features(codes, labels, 2, confidence=0.95)
    top = ranked[0]
    assert (top.feature, top.value) == (17, 1)
    assert top.auc == pytest.approx(1.0) and top.ci_low > 0.5 and top.p_adjusted < 1e-10
    second = ranked[1]
    assert (second.feature, second.value) == (40, 0) and second.auc > 0.5
    assert top.frequency == pytest.approx(labels.mean())
    dists = [abs(r.auc - 0.5) for r in ranked]
    assert dists == sorted(dists, reverse=True)


def test_noise_features_are_not_significant_after_holm():
    codes, labels = _codes_with_signal(seed=5)
    noise = np.delete(codes, [17, 40], axis=1)
    ranked = rank_features(noise, labels, 2, confidence=0.95)
    assert len(ranked) == noise.shape[1]
    assert sum(r.p_adjusted < 0.05 for r in ranked) <= 1
    assert all(r.p_adjusted >= r.p_value for r in ranked)
    assert all(r.auc >= 0.5 for r in ranked)


def test_rank_features_agrees_with_roc_auc_and_mann_whitney():
    codes, labels = _codes_with_signal(n=300, d=50, seed=2)
    ranked = {r.feature: r for r in rank_features(codes, labels, 2, confidence=0.9)}
    for j in (0, 3, 17, 40):
        r = ranked[j]
        ref = roc_auc(codes[:, j], labels == r.value, 0.9)
        assert r.auc == pytest.approx(ref.auc, abs=1e-9)
        assert r.ci_low == pytest.approx(ref.ci_low, abs=1e-9)
        assert r.ci_high == pytest.approx(ref.ci_high, abs=1e-9)
        x = codes[:, j].astype(np.float64)
        mw = mannwhitneyu(x[labels == 1], x[labels == 0], use_continuity=False, method="asymptotic")
        assert r.p_value == pytest.approx(mw.pvalue, rel=1e-7)


def test_rank_features_with_three_values():
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 3, 400)
    codes = np.maximum(rng.normal(size=(400, 30)), 0)
    codes[:, 5] = np.where(labels == 2, rng.random(400) + 1.0, rng.random(400))
    codes[:, 6] = 0.0
    codes[:, 7] = 0.0
    codes[:3, 7] = 1.0  # active on fewer than 1 % of rows: not tested
    ranked = rank_features(codes, labels, 3, confidence=0.95)
    assert {r.feature for r in ranked}.isdisjoint({6, 7})
    assert (ranked[0].feature, ranked[0].value) == (5, 2) and ranked[0].auc == pytest.approx(1.0)
    for r in ranked[:4]:
        ref = roc_auc(codes[:, r.feature], labels == r.value, 0.95)
        assert (r.auc, r.ci_low, r.ci_high) == pytest.approx((ref.auc, ref.ci_low, ref.ci_high), abs=1e-9)
        kw = kruskal(*(codes[labels == v, r.feature].astype(np.float64) for v in range(3)))
        assert r.p_value == pytest.approx(kw.pvalue, rel=1e-7, abs=1e-300)
    with pytest.raises(CheckConfigError, match="integer codes"):
        rank_features(codes, labels + 1, 3, confidence=0.95)


def test_matched_random_features():
    rng = np.random.default_rng(0)
    freq = np.sort(rng.random(300))
    chosen, exclude = [10, 150, 290], [11, 149, 151]
    sets = matched_random_features(freq, chosen, 50, np.random.default_rng(1), exclude=exclude)
    assert len(sets) == 50
    for s in sets:
        assert len(s) == 3 and len(set(s.tolist())) == 3
        assert set(s.tolist()).isdisjoint(chosen + exclude)
        assert np.abs(freq[s] - freq[chosen]).max() < 0.05
    assert len({tuple(s) for s in sets}) > 1
    again = matched_random_features(freq, chosen, 50, np.random.default_rng(1), exclude=exclude)
    assert all(np.array_equal(a, b) for a, b in zip(sets, again, strict=True))
    with pytest.raises(CheckConfigError, match="eligible"):
        matched_random_features(freq[:4], [0, 1, 2], 1, rng)
