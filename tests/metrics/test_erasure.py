"""Erasure and probing maths: dead units cannot leak the erased attribute back; the control matches its target."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditkit.metrics import erasure, probing


def _layer_with_dead_units(seed: int, n: int = 4000):
    """ReLU activations that encode a binary attribute, plus 3 dead units and 3 firing on ~0.1% of rows."""
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 2, n)
    proxy = np.where(z == 1, 1.0, -1.0) + 0.8 * rng.normal(size=n)
    x = rng.normal(size=(n, 8))
    live = np.maximum(0, np.column_stack([x[:, :6] + 0.5 * proxy[:, None], proxy, -proxy]) + 0.3)
    nearly = np.zeros((n, 3))
    for j in range(3):
        rows = rng.choice(n, 3, replace=False)
        nearly[rows, j] = rng.random(3) * 0.5
    H = np.column_stack([live, np.zeros((n, 3)), nearly]).astype(np.float32)
    return torch.tensor(H), z


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dead_units_do_not_leak_the_attribute_back_after_erasure(seed):
    H, z = _layer_with_dead_units(seed)
    fit, held = np.arange(0, len(z), 2), np.arange(1, len(z), 2)
    before = probing.probe(H[held].double().numpy(), z[held], n_permutations=0, bootstrap=200, seed=0)
    assert before.balanced_accuracy > 0.85

    # the failure this guards against: erase every unit, then standardise each fold with its own statistics
    naive = erasure.fit_leace(H[fit], z[fit], 2)(H[held]).double().numpy()
    leaked = probing.probe(naive, z[held], n_permutations=0, bootstrap=200, seed=0)
    assert leaked.balanced_accuracy > 0.75  # a round-off copy of the erased direction, blown up to unit variance

    keep = probing.stable_columns(H[fit].double().numpy())
    assert keep.sum() == 8 and not keep[8:].any()  # the dead and nearly-dead units are left out
    eraser = erasure.fit_leace(H[fit], z[fit], 2, columns=keep)
    mu, sd = probing.fixed_scaling(H[held].double().numpy()[:, keep])
    erased = eraser(H[held]).double().numpy()
    after = probing.probe((erased[:, keep] - mu) / sd, z[held], n_permutations=0, bootstrap=200, seed=0,
                          standardise=False)
    # near chance: LEACE equalises the class means (what is left comes from class-dependent spreads of the ReLUs)
    assert after.balanced_accuracy < 0.58 < leaked.balanced_accuracy - 0.15
    assert np.array_equal(erased[:, ~keep], H[held].double().numpy()[:, ~keep])  # untouched, bit for bit


def test_leace_on_a_column_subset_guards_those_columns_on_its_fit_rows():
    H, z = _layer_with_dead_units(3)
    keep = probing.stable_columns(H.double().numpy())
    erased = erasure.fit_leace(H, z, 2, columns=keep)(H).double().numpy()
    diff = erased[z == 1].mean(axis=0) - erased[z == 0].mean(axis=0)
    assert np.abs(diff[keep]).max() < 1e-4  # equal class means: no linear predictor beats a constant one


def _covariances(H: torch.Tensor, z: np.ndarray):
    x = H.double()
    within = x.clone()
    for c in (0, 1):
        within[z == c] -= x[z == c].mean(dim=0)
    return within


@pytest.mark.parametrize("rank", [1, 3])
def test_matched_control_removes_the_target_within_class_variance(rank):
    H, z = _layer_with_dead_units(4)
    within = _covariances(H, z)
    total = float(within.pow(2).sum(dim=1).mean())
    gen = torch.Generator().manual_seed(0)
    for share in (0.02, 0.1, 0.15):  # each within what `rank` directions can remove (clamping: the next test)
        control = erasure.matched_random_eraser(H, rank, share * total, gen, z)
        assert control.removed == pytest.approx(share * total, rel=1e-4)
        removed = float((within - _covariances(control.erase(H), z)).pow(2).sum(dim=1).mean())
        assert removed == pytest.approx(share * total, rel=1e-3)  # what it does equals what it says
        assert torch.allclose(control.erase(H)[:, 8:11], H[:, 8:11], atol=1e-6)  # dead units: nothing to remove


def test_matched_control_clamps_to_what_its_directions_can_remove():
    H, z = _layer_with_dead_units(5)
    total = float(_covariances(H, z).pow(2).sum(dim=1).mean())
    control = erasure.matched_random_eraser(H, 1, 10 * total, torch.Generator().manual_seed(0), z)
    eig = torch.linalg.eigvalsh(torch.cov(_covariances(H, z).T))
    assert control.removed == pytest.approx(float(eig.max()), rel=1e-3)  # the top eigen-direction, no more
    assert control.target == pytest.approx(10 * total)


def test_removed_variance_splits_the_attribute_from_the_collateral_part():
    H, z = _layer_with_dead_units(6)
    keep = probing.stable_columns(H.double().numpy())
    eraser = erasure.fit_leace(H, z, 2, columns=keep)
    total, collateral = erasure.removed_variance(H, eraser), erasure.removed_variance(H, eraser, z)
    assert 0 < collateral < total  # part of what LEACE removes is the attribute itself
