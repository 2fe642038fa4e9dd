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


def _reserved_coordinate(seed: int, n: int = 500, d: int = 64):
    """A wide layer whose coordinate 0 is the attribute (±2 plus noise) and whose other ``d − 1`` are independent of it.

    The decision reads only coordinates 1…d−1 (``w[0] = 0``): the attribute is encoded and provably unused.
    """
    g = torch.Generator().manual_seed(seed)
    z = (torch.rand(n, generator=g) < 0.5).long()
    H = torch.randn(n, d, generator=g)
    H[:, 0] = torch.where(z == 1, 2.0, -2.0) + 0.3 * torch.randn(n, generator=g)
    w = torch.randn(d, generator=g)
    w[0] = 0.0
    return H, z.numpy(), w


@pytest.mark.parametrize("seed", range(5))
def test_the_denoised_eraser_does_not_move_a_model_that_never_reads_the_attribute(seed):
    H, z, w = _reserved_coordinate(seed)
    fit, held = np.arange(0, 500, 2), np.arange(1, 500, 2)
    held_t = torch.as_tensor(held)
    decide = lambda x: (x @ w) > 0  # noqa: E731

    plain = erasure.fit_leace(H[fit], z[fit], 2)
    # the failure this guards against: the estimated direction's noise, times the discriminant score (the
    # attribute's sign), moves every row along directions the decision reads, by an amount signed by the attribute
    moved = (plain(H[held_t]) - H[held_t])[:, 1:]
    assert moved.norm(dim=1).mean() > 0.2  # about sqrt(d / n) · 2 in all
    logit_change = (plain(H[held_t]) - H[held_t]) @ w
    zh = torch.as_tensor(z[held])
    signed = float(logit_change[zh == 1].mean() - logit_change[zh == 0].mean())
    assert abs(signed) > 0.4

    denoised = erasure.fit_leace(H[fit], z[fit], 2, noise_alpha=0.05)
    assert (denoised.kept, denoised.components) == (1, 64)
    edited = denoised(H[held_t])
    # the other units move only through the within-class covariance's estimated off-diagonal (Σ_W^{1/2} maps the
    # kept entry back): a small fraction of the plain eraser's move, and of its attribute-signed logit change
    denoised_change = (edited - H[held_t]) @ w
    assert abs(float(denoised_change[zh == 1].mean() - denoised_change[zh == 0].mean())) < 0.2 * abs(signed)
    assert float((edited - H[held_t])[:, 1:].norm(dim=1).mean()) < 0.1 * float(moved.norm(dim=1).mean())
    assert int((decide(edited) != decide(H[held_t])).sum()) <= 1
    # and the attribute is still erased: equal class means on the fit rows
    fitted = denoised(H[fit])[:, 0]
    assert abs(float(fitted[z[fit] == 1].mean() - fitted[z[fit] == 0].mean())) < 1e-3  # of a separation of 4


def test_a_well_estimated_concept_is_erased_as_plain_leace_does():
    """With many rows per dimension the components left out are tiny, and the edit is LEACE's own."""
    g = torch.Generator().manual_seed(7)
    n, d = 20000, 6
    z = (torch.rand(n, generator=g) < 0.5).long()
    within = torch.randn(n, d, generator=g) * torch.linspace(0.5, 3.0, d)  # anisotropic: the concept spans
    H = within + torch.where(z == 1, 1.0, -1.0)[:, None] * torch.linspace(1, 2, d)  # several components
    plain = erasure.fit_leace(H, z.numpy(), 2)
    denoised = erasure.fit_leace(H, z.numpy(), 2, noise_alpha=0.05)
    assert denoised.kept >= 2
    edit_plain, edit_denoised = H - plain(H), H - denoised(H)
    assert float((edit_plain - edit_denoised).norm() / edit_plain.norm()) < 0.02


def test_the_denoised_cross_covariance_keeps_no_pure_noise_entry_at_its_level():
    """Under the null (no concept anywhere) the share of fits keeping any entry is at most about alpha."""
    kept_any = 0
    for seed in range(40):
        g = torch.Generator().manual_seed(seed)
        H = torch.randn(300, 32, generator=g, dtype=torch.float64)
        z = (torch.rand(300, generator=g) < 0.5).long().numpy()
        kept_any += erasure.denoised_statistics(H, z, 2, 0.05).kept > 0
    assert kept_any <= 6  # under the global null BH keeps the family-wise rate ≤ 5%: 2 of 40 expected, 6 is p < 0.02


def test_a_quiet_unit_that_varies_on_every_row_is_not_dead():
    """Small scale alone does not make a unit dead: a residual coordinate can carry a concept quietly."""
    H, z = _layer_with_dead_units(4)
    quiet = (np.where(z == 1, 0.01, -0.01) + 0.001 * np.random.default_rng(0).normal(size=len(z)))[:, None]
    keep = probing.stable_columns(np.column_stack([H.double().numpy(), quiet]))
    assert keep[-1] and keep.sum() == 9 and not keep[8:14].any()  # the dead and nearly-dead ones still out
