"""Counterfactuals that respect the data: one-hot blocks move as one, every counterfactual row is a valid row.

Census-like synthetic data: race with three values (not a model input), a
birth-country one-hot block of 5 columns (``birth_country_*``) and a
citizenship block of 3 (``citizenship=*``), both distributed differently by
race, an integer age, a bounded integer ``weeks_worked`` (0…52, a mass at
52), a continuous wage and an unrelated 0/1 flag. A torch linear-logistic
model reads every input. Every row the model is asked to score — the
propagated variants of every draw and of every refit-bootstrap resample — is
recorded and checked against the constraints real rows satisfy.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from auditkit.counterfactual.tabular import (
    attribute_inputs,
    fit_category_maps,
    fit_proxy_maps,
    needs_draws,
    pattern_codes,
    propagate,
)
from auditkit.counterfactual.tabular_sweep import TabularSettings, sweep_tabular
from auditkit.evidence import Msg
from auditkit.metrics.categorical import category_codes, find_blocks

COUNTRIES = ["us", "mexico", "india", "philippines", "germany"]
CITIZENSHIP = ["native", "naturalized", "foreign"]
RACES = ["white", "black", "asian_pi"]
# P(birth country | race) and P(citizenship | race): clearly different per race
P_COUNTRY = np.array([[0.90, 0.05, 0.01, 0.01, 0.03], [0.85, 0.10, 0.02, 0.02, 0.01], [0.30, 0.02, 0.30, 0.35, 0.03]])
P_CITIZEN = np.array([[0.92, 0.05, 0.03], [0.88, 0.07, 0.05], [0.45, 0.35, 0.20]])
NAMES = ([f"birth_country_{c}" for c in COUNTRIES] + [f"citizenship={c}" for c in CITIZENSHIP]
         + ["age", "weeks_worked", "wage", "union_member"])


def census_like(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    race = rng.choice(3, size=n, p=[0.5, 0.25, 0.25])
    country = np.array([rng.choice(5, p=P_COUNTRY[r]) for r in race])
    citizen = np.array([rng.choice(3, p=P_CITIZEN[r]) for r in race])
    age = np.clip(np.round(rng.normal(np.array([42.0, 38.0, 36.0])[race], 12.0)), 16, 90)
    weeks = np.clip(np.round(rng.normal(np.array([48.0, 44.0, 46.0])[race], 8.0)), 0, 52)
    wage = np.round(np.exp(rng.normal(np.array([3.2, 3.0, 3.3])[race], 0.4)), 2)
    union = (rng.random(n) < 0.15).astype(float)
    X = np.column_stack([np.eye(5)[country], np.eye(3)[citizen], age, weeks, wage, union]).astype(np.float32)
    return X, np.array(RACES)[race]


class RecordingLogistic:
    """A real torch linear-logistic model over every input that keeps a copy of every row it scores."""

    decision_threshold = 0.5

    def __init__(self, d: int) -> None:
        torch.manual_seed(0)
        self.model = torch.nn.Linear(d, 1)
        with torch.no_grad():
            w = torch.zeros(d)
            w[:5] = torch.tensor([0.0, -1.2, 0.8, 0.5, 0.3])  # birth country
            w[5:8] = torch.tensor([0.0, 0.4, -0.9])  # citizenship
            w[8:11] = torch.tensor([0.03, 0.05, 0.04])  # age, weeks, wage
            self.model.weight.copy_(w[None, :])
            self.model.bias.fill_(-4.2)
        self.seen: list[np.ndarray] = []

    def predict(self, inputs, *, batch_size=None):
        batch = np.array(inputs, dtype=np.float32, copy=True)
        self.seen.append(batch)
        with torch.inference_mode():
            return torch.sigmoid(self.model(torch.from_numpy(batch))[:, 0]).double().numpy()

    def decide(self, scores):
        return (np.asarray(scores) >= 0.5).astype(np.int8)


@pytest.fixture(scope="module")
def census():
    return census_like(3000, seed=4)


def assert_valid_rows(rows: np.ndarray, X: np.ndarray) -> None:
    """The constraints every real row satisfies: one 1 per block, observed ranges, integer columns integer."""
    for block in (slice(0, 5), slice(5, 8)):
        part = rows[:, block]
        assert np.all((part == 0) | (part == 1)) and np.all(part.sum(axis=1) == 1)
    low, high = X.min(axis=0), X.max(axis=0)
    assert np.all(rows >= low) and np.all(rows <= high)
    integer = np.all(np.round(X) == X, axis=0)
    assert integer.tolist() == [True] * 10 + [False, True]
    assert np.all(rows[:, integer] == np.round(rows[:, integer]))


def test_one_hot_blocks_are_found_and_declared_groups_win(census):
    X, _ = census
    blocks = find_blocks(X, NAMES)
    assert [(b.name, b.names, b.declared) for b in blocks] == [
        ("birth_country", tuple(NAMES[0:5]), False), ("citizenship", tuple(NAMES[5:8]), False)]
    assert [b.name for b in find_blocks(X, NAMES, exclude=["citizenship=native"])] == ["birth_country"]
    declared = find_blocks(X, NAMES, {"work": ["weeks_worked", "union_member"]})
    assert declared[0].name == "work" and declared[0].declared and len(declared) == 3
    bad = X.copy()
    bad[0, 0] = 1.0  # a row with two birth countries: not a one-hot block any more
    assert [b.name for b in find_blocks(bad, NAMES)] == ["citizenship"]


def test_categories_move_as_one_and_follow_the_target_groups_distribution(census):
    X, race = census
    group = np.array([RACES.index(r) for r in race])
    blocks = find_blocks(X, NAMES)
    maps = fit_category_maps(X, group, 3, blocks)
    country = next(m for m in maps if m.feature == "birth_country")
    inputs = attribute_inputs(X, NAMES, "race", race, RACES)
    white = np.flatnonzero(group == 0)
    keys = np.random.default_rng(0).random(white.size)
    out, _ = propagate(X[white], inputs, maps, 0, 2, white, keys)
    assert_valid_rows(out, X)
    before = pattern_codes(country.patterns, X[white][:, :5])
    after = pattern_codes(country.patterns, out[:, :5])
    shares = np.bincount(after, minlength=5) / white.size
    assert np.abs(shares - country.probs[2]).max() < 0.03  # now distributed like asian_pi rows
    # the fewest rows change: the total-variation distance between the two groups' distributions
    tv = 0.5 * np.abs(country.probs[0] - country.probs[2]).sum()
    assert np.mean(after != before) == pytest.approx(tv, abs=0.03)
    assert needs_draws(maps) and not needs_draws(fit_proxy_maps(X, group, 3, [10], NAMES))


def test_every_row_the_model_scores_is_valid_in_every_draw_and_resample(census):
    X, race = census
    adapter = RecordingLogistic(X.shape[1])
    scores = adapter.predict(X)
    adapter.seen.clear()
    settings = TabularSettings(mode="propagated", proxies=["birth_country", "citizenship=native", "age",
                                                           "weeks_worked", "wage"],
                               grid=None, top_changes=5, inv_threshold=0.1, min_group_size=30, resamples=100,
                               level=0.9, draws=3, refit_resamples=60)
    out = sweep_tabular(adapter=adapter, X=X, feature_names=NAMES, labels=race, declared=RACES, attribute="race",
                        column="race", scores=scores, decisions=adapter.decide(scores), example_id=str,
                        settings=settings, screen=None,  # type: ignore[arg-type]
                        rng=np.random.default_rng(3))
    assert out.proxies == ["age", "weeks_worked", "wage", "birth_country", "citizenship"]  # a column names its block
    rows = np.concatenate(adapter.seen)
    # 6 ordered pairs × 3 draws of every row's group, then 60 refit resamples × every row × 2 targets
    assert rows.shape[0] == 3 * 2 * X.shape[0] + 60 * 2 * X.shape[0]
    assert_valid_rows(rows, X)
    moved = next(t for t in out.tables if t.title.key == "counterfactual_sweep.table.moved")
    by = {(r[0], r[1]): r for r in moved.rows}
    assert by[("white→asian_pi", "birth_country")][2] == Msg("counterfactual_sweep.method.category_redraw")
    assert by[("white→asian_pi", "birth_country")][5] > 0.4  # most white rows get another birth country
    assert by[("white→asian_pi", "age")][3] == pytest.approx(-6.0, abs=1.5)  # 42 → 36 years on average
    r = next(r for r in out.results["propagated"] if (r.source, r.target) == (0, 2))
    assert r.draws == 3 and r.refit_resamples == 60 and r.effects.flip_rate_ci[0] <= r.effects.flip_rate
    assert r.effects.flip_rate == pytest.approx(float(r.flip_shares.mean()))
    assert any(n.key == "counterfactual_sweep.note.draws" and n.params["draws"].value == 3 for n in out.notes)
    assert any(n.key == "counterfactual_sweep.note.refit_capped" and n.params["resamples"].value == 60
               and n.params["bootstrap"].value == 100 for n in out.notes)


def test_category_codes_and_pattern_lookup_agree(census):
    X, _ = census
    codes, patterns = category_codes(X, [5, 6, 7])
    assert patterns.shape == (3, 3) and np.array_equal(pattern_codes(patterns, X[:, 5:8]), codes)
    assert pattern_codes(patterns, np.array([[1.0, 1.0, 0.0]]))[0] == -1
