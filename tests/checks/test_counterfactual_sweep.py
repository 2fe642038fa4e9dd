"""counterfactual_sweep end to end: models whose use of the attribute is known, through the runner and the store."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml

import auditkit
from auditkit.checks import registry
from auditkit.checks.counterfactual_sweep import CounterfactualSweepCheck
from auditkit.demo import prepare_sample
from auditkit.errors import PolicyError
from auditkit.evidence import ColumnRole, Msg, ref
from auditkit.i18n import messages
from auditkit.i18n.render import text
from auditkit.policy import parse_policy
from auditkit.results import GateDecision, Status
from auditkit.store import open_store

# x = [score, noise, sex_code, age]; the logit uses sex with weight `beta` and age with weight `age_weight`.
MODEL_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Direct(nn.Module):
        def __init__(self, beta, age_weight):
            super().__init__()
            self.beta = beta
            self.age_weight = age_weight
            self.scale = nn.Parameter(torch.tensor([10.0]))

        def forward(self, x):
            return (self.scale * (x[:, 0] - 0.5) + self.beta * (x[:, 2] - 0.5)
                    + self.age_weight * (x[:, 3] - 45.0) / 10.0)


    def build(beta=0.0, age_weight=0.0):
        return Direct(beta, age_weight)
    """
)


def tabular_audit(tmp: Path, checks: list[dict], *, n_per_group: int = 400, beta: float = 0.0,
                  age_weight: float = 0.0, seed: int = 0) -> Path:
    """Write a direct-use tabular audit (sex and age are model inputs, independent of the other features)."""
    rng = np.random.default_rng(seed)
    n = 2 * n_per_group
    frame = pd.DataFrame({
        "score": rng.random(n).round(4), "noise": rng.random(n).round(4),
        "sex_code": np.repeat([0, 1], n_per_group), "age": rng.integers(20, 71, n), "y": rng.integers(0, 2, n),
    })
    (tmp / "direct.py").write_text(MODEL_PY)
    frame.to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "cf", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "cf-system", "version": "1"},
        "model": {"type": "torch", "factory": "direct.py:build", "options": {"beta": beta, "age_weight": age_weight}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1,
                 "features": ["score", "noise", "sex_code", "age"]},
        "protected_attributes": [
            {"name": "sex", "column": "sex_code", "values": [0, 1], "model_input": True},
            {"name": "age", "column": "age", "model_input": True},
        ],
        "statistics": {"bootstrap": 300, "seed": 5},
        "checks": checks,
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def run(policy: Path, tmp: Path):
    with open_store(f"sqlite:///{tmp / 'runs.db'}") as store:
        return auditkit.run_audit(policy, store=store, device="cpu", report=False)


CF = {"id": "cf", "kind": "counterfactual_sweep", "attribute": "sex", "severity": "blocker"}
K = "counterfactual_sweep"


def table(out, key: str):
    """The evidence table whose title is the message ``counterfactual_sweep.table.<key>``."""
    return next(t for t in out.evidence.tables if t.title.key == f"{K}.table.{key}")


def keys(out) -> list[str]:
    """Message keys of the summary sentences."""
    return [m.key for m in out.evidence.summary]


def note(out, key: str) -> Msg:
    return next(n for n in out.evidence.notes if n.key == f"{K}.note.{key}")


def assert_verdict(out, rule: str) -> None:
    """The verdict's rule is ``rule`` and it read exactly the measurements marked decisive; a FAIL verdict read a
    FAIL measurement, a PASS or INCONCLUSIVE one no FAIL."""
    verdict = out.evidence.verdict
    assert verdict is not None and verdict.rule == rule and rule in CounterfactualSweepCheck.rules
    read = [m for m in out.measurements if ref(m.name, m.group) in verdict.reads]
    assert len(read) == len(verdict.reads) and read
    assert {ref(m.name, m.group) for m in out.measurements if m.role == "decisive"} == set(verdict.reads)
    statuses = {m.status for m in read}
    if out.status is Status.FAIL:
        assert statuses == {Status.FAIL}
    else:
        assert Status.FAIL not in statuses
    if out.status is Status.PASS:
        assert statuses == {Status.PASS}


def test_every_rule_has_its_criterion_in_every_language():
    assert CounterfactualSweepCheck.rules
    for language in ("en", "de"):
        catalogue = messages(language)
        for rule in CounterfactualSweepCheck.rules:
            assert f"{K}.rule.{rule}" in catalogue
        for name in ("flip_rate", "mean_abs_change", "net_favourable_change", "proxy_flip_rate_difference",
                     "grid_flip_rate", "grid_mean_abs_change"):
            assert f"{K}.measure.{name}" in catalogue


def test_model_using_the_attribute_fails_with_interval_above_tolerance(tmp_path):
    out = run(tabular_audit(tmp_path, [CF], beta=3.0), tmp_path).outcome("cf")
    assert out.status is Status.FAIL
    fr = out.measurement("flip_rate", "flip-only: 0→1")
    assert 0.2 < fr.value < 0.4 and fr.ci_low > 0.01 and fr.status is Status.FAIL
    assert fr.n == 400 and fr.confidence == pytest.approx(0.90)
    net = out.measurement("net_favourable_change", "flip-only: 0→1")
    assert net.p_value < 1e-10 and net.value > 0  # 0→1 only ever raises the score
    assert out.summary.startswith("Flipping sex (") and "wholly above the 1.0% tolerance" in out.summary
    assert keys(out)[0] == f"{K}.summary.fail"
    assert_verdict(out, "interval_above_tolerance")
    assert ref("flip_rate", "flip-only: 0→1") in out.evidence.verdict.reads
    assert fr.unit == "rate" and net.unit == "difference_pp"
    assert [f.cause for f in out.evidence.findings] == ["attribute:sex"]
    screening = table(out, "screen")  # nothing else encodes sex here...
    assert screening.columns[3].role is ColumnRole.FLAG
    assert not any(r[3] for r in screening.rows)  # ...so nothing is flagged
    heat = [c for c in out.evidence.charts if c["type"] == "heatmap"]
    assert heat and heat[0]["values"][0][0] is None and heat[0]["values"][0][1] == pytest.approx(fr.value)
    assert heat[0]["title"].key == f"{K}.chart.flip_rate"
    top = table(out, "top_inputs")
    assert top.title.params["n"].value == 10 and len(top.rows) == 10
    assert top.rows[0][-1] in ("sex_code: 0 → 1", "sex_code: 1 → 0")
    assert "tables" not in out.details and "notes" not in out.details and "charts" not in out.details


def test_same_seed_gives_identical_outcomes(tmp_path):
    policy = tabular_audit(tmp_path, [CF], beta=1.0)
    a, b = run(policy, tmp_path).outcome("cf"), run(policy, tmp_path).outcome("cf")
    assert [m.to_dict() for m in a.measurements] == [m.to_dict() for m in b.measurements]
    assert a.details == b.details and a.summary == b.summary and a.evidence == b.evidence


def test_model_ignoring_the_attribute_passes_with_enough_pairs(tmp_path):
    out = run(tabular_audit(tmp_path, [{**CF, "proxies": []}], n_per_group=400), tmp_path).outcome("cf")
    assert out.status is Status.PASS
    for group in ("flip-only: 0→1", "flip-only: 1→0"):
        fr = out.measurement("flip_rate", group)
        assert fr.value == 0 and fr.ci_high == pytest.approx(1 - 0.05 ** (1 / 400)) and fr.ci_high < 0.01
        assert out.measurement("mean_abs_change", group).ci_high == 0
    assert "moves no decision beyond the tolerance" in out.summary
    assert keys(out) == [f"{K}.summary.pass.pairs"]
    assert_verdict(out, "every_interval_inside_tolerance")
    assert ref("flip_rate", "flip-only: 0→1") in out.evidence.verdict.reads and not out.evidence.findings


def test_model_ignoring_the_attribute_is_inconclusive_with_too_few_pairs(tmp_path):
    out = run(tabular_audit(tmp_path, [{**CF, "proxies": []}], n_per_group=100), tmp_path).outcome("cf")
    assert out.status is Status.INCONCLUSIVE
    assert out.measurement("flip_rate", "flip-only: 0→1").value == 0
    assert "299" in out.summary and "pairs per value pair would be needed" in out.summary
    # the minimum detectable effect at the 100 pairs used: 4 flips of 100 is the least rate shown above 1 %
    assert "At 100 pairs the minimum detectable effect is a flip rate of 4.0%" in out.summary
    assert "none can be shown below it with so few pairs" in out.summary
    assert keys(out) == [f"{K}.summary.undecided.need", f"{K}.mde.no_pass"]
    assert out.evidence.summary[1].params["head"].params["fail_at"].value == pytest.approx(0.04)
    assert_verdict(out, "interval_straddles_tolerance")
    assert ref("flip_rate", "flip-only: 0→1") in out.evidence.verdict.reads
    assert [f.message.key for f in out.evidence.findings] == [f"{K}.finding.undecided.need"]
    assert out.details["pairs_needed"] == 299
    power = table(out, "power")
    row = next(r for r in power.rows if r[0] == Msg(f"{K}.measure.flip_rate") and r[1] == "flip-only: 0→1")
    assert row[2] == 100 and row[7].value == pytest.approx(0.04) and row[8].value is None and row[9] == 299


def test_data_beyond_max_examples_is_swept_on_a_stratified_sample_with_its_intervals(tmp_path):
    """The sweep's cost is bounded by max_examples: 300 of 800 rows, 150 per sex, and the verdicts still hold."""
    uses = run(tabular_audit(tmp_path, [{**CF, "max_examples": 300}], beta=3.0), tmp_path).outcome("cf")
    assert uses.status is Status.FAIL
    fr = uses.measurement("flip_rate", "flip-only: 0→1")
    assert fr.n == 150 and 0.2 < fr.value < 0.4 and fr.ci_low > 0.01
    sampled = note(uses, "sampled_rows")
    assert (sampled.params["rows"].value, sampled.params["total"].value, sampled.params["limit"].value) == (300, 800,
                                                                                                            300)
    assert text(sampled).startswith("Swept on 300 of the 800 rows")
    # a model that ignores sex: 150 pairs cannot show a rate below 1 %, and the summary says how many would
    ignores = run(tabular_audit(tmp_path, [{**CF, "proxies": [], "max_examples": 300}]), tmp_path).outcome("cf")
    assert ignores.status is Status.INCONCLUSIVE and ignores.measurement("flip_rate", "flip-only: 0→1").n == 150
    everything = run(tabular_audit(tmp_path, [{**CF, "proxies": []}]), tmp_path).outcome("cf")
    assert everything.status is Status.PASS and everything.measurement("flip_rate", "flip-only: 0→1").n == 400
    assert not any(n.key == f"{K}.note.sampled_rows" for n in everything.evidence.notes)


def test_grid_sweep_counts_crossings_and_judges_the_curve(tmp_path):
    check = {**CF, "id": "age", "attribute": "age", "grid": {"start": 20, "stop": 70, "step": 5}}
    out = run(tabular_audit(tmp_path, [check], age_weight=2.0), tmp_path).outcome("age")
    assert out.status is Status.FAIL and out.measurement("grid_flip_rate", "grid").ci_low > 0.01
    assert_verdict(out, "interval_above_tolerance")
    assert ref("grid_flip_rate", "grid") in out.evidence.verdict.reads
    chart = next(c for c in out.evidence.charts if c["type"] == "lines")
    assert chart["series"][0]["x"] == list(np.arange(20.0, 71.0, 5.0))
    assert all(len(s["y"]) == 11 and len(s["low"]) == 11 for s in chart["series"])
    assert chart["reference_lines"][0]["y"] == 0.5
    assert chart["reference_lines"][0]["label"].key == f"{K}.chart.decision_threshold"
    crossings = table(out, "grid")
    assert len(crossings.rows) == 4 and all(r[2] > 0 for r in crossings.rows)
    flat = run(tabular_audit(tmp_path, [check], age_weight=0.0), tmp_path).outcome("age")
    assert flat.status is Status.PASS and flat.measurement("grid_flip_rate", "grid").value == 0
    assert_verdict(flat, "every_interval_inside_tolerance")
    assert keys(flat) == [f"{K}.summary.pass.examples"]


def test_grid_outside_the_observed_range_is_an_error(tmp_path):
    check = {**CF, "id": "age", "attribute": "age", "grid": {"start": 10, "stop": 70, "step": 5}}
    out = run(tabular_audit(tmp_path, [check]), tmp_path).outcome("age")
    assert out.status is Status.ERROR
    assert "outside the observed range of 'age' (20…70)" in out.error and "grid.start ≥ 20" in out.error


def _policy_problems(check: dict) -> str:
    base = {
        "schema_version": 1,
        "policy": {"id": "p", "version": 1, "effective_from": "2026-01-01", "approved_by": "x"},
        "system": {"name": "s", "version": "1"}, "model": {"type": "torch", "factory": "m.py:build"},
        "data": {"path": "d.csv", "label": "y", "favourable_label": 1, "features": ["a"]},
        "protected_attributes": [{"name": "sex", "column": "sex"}],
        "checks": [{"id": "cf", "kind": "counterfactual_sweep", **check}],
    }
    with pytest.raises(PolicyError) as err:
        parse_policy(yaml.safe_dump(base), kinds=registry.param_models())
    return str(err.value)


@pytest.mark.parametrize(("check", "expected"), [
    ({"attribute": "sex", "max_flip_rat": 0.02}, "unknown key 'max_flip_rat' (did you mean 'max_flip_rate'?)"),
    ({"attribute": "sex", "max_flip_rate": 1.5}, "checks[0].max_flip_rate"),
    ({"attribute": "sex", "mode": "flip"}, "must be one of 'flip_only', 'propagated' or 'both'"),
    ({"attribute": "sex", "grid": {"start": 5, "stop": 1, "step": 1}}, "grid.stop (1) must be greater than"),
    ({"attribute": "sex", "grid": {"start": 0, "stop": 1, "step": 0.0001}}, "at most 1000 are allowed"),
    ({"attribute": "gender"}, "attribute 'gender' is not declared"),
])
def test_bad_parameters_read_well(check, expected):
    assert expected in _policy_problems(check)


# ---------------------------------------------------------------- one-hot proxies and weak links

BLOCK_MODEL_PY = textwrap.dedent(
    """
    import torch
    from torch import nn


    class UsesRegionAndAge(nn.Module):
        # x = [score, region_north, region_south, region_east, age]: region east and age lower the score
        def __init__(self, region=3.0, age=0.15):
            super().__init__()
            self.region, self.age = region, age
            self.scale = nn.Parameter(torch.tensor([8.0]))

        def forward(self, x):
            return self.scale * (x[:, 0] - 0.5) - self.region * (x[:, 3] - 0.3) - self.age * (x[:, 4] - 40.0)


    def build(region=3.0, age=0.15):
        return UsesRegionAndAge(region, age)
    """
)


def block_audit(tmp: Path, region: float, n_per_group: int = 300) -> Path:
    """Sex (not an input) shifts a 3-region one-hot block strongly and age only weakly (AUC ≈ 0.6)."""
    rng = np.random.default_rng(21)
    sex = np.repeat(["female", "male"], n_per_group)
    male = sex == "male"
    zone = np.where(male, rng.choice(3, sex.size, p=[0.2, 0.2, 0.6]), rng.choice(3, sex.size, p=[0.5, 0.4, 0.1]))
    onehot = np.eye(3, dtype=int)[zone]
    frame = pd.DataFrame({"score": rng.random(sex.size).round(4), "region_north": onehot[:, 0],
                          "region_south": onehot[:, 1], "region_east": onehot[:, 2],
                          "age": np.round(40 + 10 * (rng.normal(size=sex.size) + 0.36 * male)), "sex": sex,
                          "y": rng.integers(0, 2, sex.size)})
    (tmp / "block.py").write_text(BLOCK_MODEL_PY)
    frame.to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "cf", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "cf-system", "version": "1"},
        "model": {"type": "torch", "factory": "block.py:build", "options": {"region": region, "age": 0.15}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1,
                 "features": ["score", "region_north", "region_south", "region_east", "age"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 200, "seed": 5},
        "checks": [{**CF, "refit_resamples": 100}],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def test_a_one_hot_proxy_moves_as_one_and_a_weak_correlate_is_not_moved(tmp_path):
    out = run(block_audit(tmp_path, region=3.0), tmp_path).outcome("cf")
    assert out.status is Status.FAIL
    assert "travels entirely through the proxies (region)" in out.summary  # the block, by its name
    assert keys(out) == [f"{K}.summary.fail", f"{K}.tail.vacuous_missed"]
    assert_verdict(out, "interval_above_tolerance")
    assert [f.cause for f in out.evidence.findings] == ["feature:region"]
    screening = table(out, "screen")
    rows = {r[0]: r for r in screening.rows}
    assert set(rows) == {"score", "age", "region"}  # the block's columns are one candidate
    assert rows["region"][3] is True and rows["region"][9] == "region_north, region_south, region_east"
    assert rows["age"][3] is False and rows["age"][4].key == f"{K}.screen.too_weak"  # used by the model, yet
    assert rows["age"][7] < 0.3 <= rows["region"][7]  # not a proxy of sex: its V's lower bound is small
    moved = table(out, "moved")
    assert [r[1] for r in moved.rows] == ["region", "region"]
    assert all(r[2] == Msg(f"{K}.method.category_redraw") and r[3] is None and 0.3 < r[5] < 0.7
               for r in moved.rows)
    fr = out.measurement("flip_rate", "propagated: female→male")
    assert fr.ci_low > 0.01 and fr.ci_low <= fr.value <= fr.ci_high
    assert note(out, "draws").params["draws"].value == 5
    assert note(out, "refit_capped").params["resamples"].value == 100  # capped: statistics.bootstrap is 200


@pytest.mark.parametrize(("prefix", "group"), [
    ("", ["north", "south", "east"]),
    ("rg", {"prefix": "rg"}),  # a prefix rule: no separator, so only the rule makes these columns one variable
])
def test_a_declared_feature_group_is_screened_and_moved_as_one(tmp_path, prefix, group):
    path = block_audit(tmp_path, region=3.0)
    doc = yaml.safe_load(path.read_text())
    names = {f"region_{r}": f"{prefix}{r}" for r in ("north", "south", "east")}  # no detectable prefix now
    frame = pd.read_csv(tmp_path / "data.csv").rename(columns=names)
    frame.to_csv(tmp_path / "data.csv", index=False)
    doc["data"]["features"] = [names.get(f, f) for f in doc["data"]["features"]]
    doc["data"]["feature_groups"] = {"home_region": group}
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    out = run(path, tmp_path).outcome("cf")
    assert out.status is Status.FAIL and "proxies (home_region)" in out.summary
    region = next(r for r in table(out, "screen").rows if r[0] == "home_region")
    assert region[3] is True and region[9] == ", ".join(f"{prefix}{r}" for r in ("north", "south", "east"))
    assert [f.cause for f in out.evidence.findings] == ["feature:home_region"]


def test_a_model_ignoring_the_one_hot_proxy_passes(tmp_path):
    out = run(block_audit(tmp_path, region=0.0), tmp_path).outcome("cf")
    assert out.status is Status.PASS  # age is used but is no proxy of sex: it is not moved
    assert out.measurement("flip_rate", "propagated: male→female").value == 0
    assert_verdict(out, "every_interval_inside_tolerance")


# ---------------------------------------------------------------- the credit sample's proxy model


@pytest.fixture(scope="module")
def credit(tmp_path_factory) -> Path:
    policies = prepare_sample("credit", tmp_path_factory.mktemp("credit"))
    return policies[0].parent


def _credit_run(folder: Path, name: str, check: dict):
    doc = yaml.safe_load((folder / name).read_text())
    doc["checks"].append(check)
    path = folder / f"cf-{check['id']}-{name}"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    with open_store(f"sqlite:///{folder / 'cf.db'}") as store:
        return auditkit.run_audit(path, store=store, device="cpu", report=False)


def test_proxy_model_is_caught_by_propagated_not_by_flip_only(credit):
    run_ = _credit_run(credit, "policy.yaml", CF)
    out = run_.outcome("cf")
    assert out.status is Status.FAIL and run_.gate is GateDecision.FAIL
    assert not any(m.group.startswith("flip-only") for m in out.measurements)  # vacuous: never a pass
    for group in ("propagated: female→male", "propagated: male→female"):
        fr = out.measurement("flip_rate", group)
        assert 0.18 < fr.value < 0.27 and fr.ci_low > 0.01 and fr.status is Status.FAIL
        assert out.measurement("mean_abs_change", group).value == pytest.approx(0.14, abs=0.03)
    assert "travels entirely through the proxies (hours_per_week)" in out.summary
    assert "flip-only test is vacuous and would have missed it" in out.summary
    assert_verdict(out, "interval_above_tolerance")
    assert ref("flip_rate", "propagated: female→male") in out.evidence.verdict.reads
    assert [(f.message.key, f.cause) for f in out.evidence.findings] == [(f"{K}.finding.proxy",
                                                                          "feature:hours_per_week")]
    comparison = table(out, "comparison")
    assert all(row[1] == Msg(f"{K}.cell.vacuous") for row in comparison.rows)
    assert [r[0] for r in table(out, "screen").rows if r[3]] == ["hours_per_week"]


def test_flip_only_alone_cannot_judge_a_model_that_never_sees_the_attribute(credit):
    out = _credit_run(credit, "policy.yaml", {**CF, "id": "flip", "mode": "flip_only"}).outcome("flip")
    assert out.status is Status.SKIPPED  # reported as not assessed, never as a pass
    assert "flip-only is vacuous" in out.summary and "set mode: propagated" in out.summary
    assert keys(out) == [f"{K}.summary.skipped"] and out.evidence.verdict is None


def test_fair_model_is_not_caught(credit):
    out = _credit_run(credit, "policy-fair.yaml", CF).outcome("cf")
    assert out.status is Status.PASS
    assert out.measurement("flip_rate", "propagated: female→male").ci_high < 0.01
    assert "Flip-only is vacuous because sex is not a model input" in out.summary
    assert keys(out) == [f"{K}.summary.pass.pairs", f"{K}.tail.vacuous_decides"]
    assert_verdict(out, "every_interval_inside_tolerance")
    assert ref("flip_rate", "propagated: female→male") in out.evidence.verdict.reads


# ---------------------------------------------------------------- text: a tiny BERT that learned gender words

_WORD_TEXT = ("she he her his him woman man is a an the good great careful quick engineer nurse doctor teacher "
              "lawyer manager said would join team thanked report was done and . ,")
WORDS = _WORD_TEXT.split()
ROLES = ["engineer", "nurse", "doctor", "teacher", "lawyer", "manager"]
ADJS = ["good", "great", "careful", "quick"]


def gender_texts(n: int, seed: int) -> tuple[list[str], list[int]]:
    """Sentences whose only label signal is the gendered words (male → favourable)."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for i in range(n):
        male = i % 2
        subj, obj, poss, noun = ("he", "him", "his", "man") if male else ("she", "her", "her", "woman")
        role, adj = ROLES[rng.integers(len(ROLES))], ADJS[rng.integers(len(ADJS))]
        template = [f"{subj} is a {adj} {role} .", f"the {role} thanked {obj} and {poss} report was done .",
                    f"the {noun} said {subj} would join the team .", f"{poss} manager is a {adj} {role} ."][i // 2 % 4]
        texts.append(template)
        labels.append(male)
    return texts, labels


@pytest.fixture(scope="module")
def bert_dir(tmp_path_factory) -> Path:
    """A 2-layer BERT (hidden 32) trained for a few seconds on :func:`gender_texts`."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    root = tmp_path_factory.mktemp("gender-bert")
    vocab = root / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS]) + "\n")
    tokenizer = BertTokenizerFast(vocab=str(vocab))
    config = BertConfig(vocab_size=len(WORDS) + 5, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64, num_labels=2)
    torch.manual_seed(0)
    model = BertForSequenceClassification(config)
    texts, labels = gender_texts(240, seed=1)
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    target = torch.tensor(labels)
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # a tiny model: one thread is fastest, and immune to a busy machine
    try:
        for _ in range(40):
            optimiser.zero_grad()
            model(**enc, labels=target).loss.backward()
            optimiser.step()
    finally:
        torch.set_num_threads(threads)
    model.eval()
    model.save_pretrained(root / "model")
    tokenizer.save_pretrained(root / "model")
    return root / "model"


def text_audit(tmp: Path, model: Path, texts: list[str], labels: list[int], *, values=("female", "male"),
               check_extra: dict | None = None) -> Path:
    pd.DataFrame({"text": texts, "y": labels}).to_csv(tmp / "texts.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "txt", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "txt-system", "version": "1"},
        "model": {"type": "huggingface", "path": str(model)},
        "data": {"path": "texts.csv", "label": "y", "favourable_label": 1, "text_column": "text"},
        "protected_attributes": [{"name": "gender", "lexicon": "gender", "values": list(values)}],
        "statistics": {"bootstrap": 200, "seed": 2},
        "checks": [{"id": "cf", "kind": "counterfactual_sweep", "attribute": "gender", **(check_extra or {})}],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def test_text_model_keyed_on_gender_words_fails_and_names_the_word_pairs(tmp_path, bert_dir):
    texts, labels = gender_texts(80, seed=7)
    texts += ["the team is great .", "the report was done ."]  # nothing to substitute: excluded, not dropped
    labels += [1, 0]
    out = run(text_audit(tmp_path, bert_dir, texts, labels), tmp_path).outcome("cf")
    assert out.status is Status.FAIL
    fr = out.measurement("flip_rate", "female→male")
    assert fr.value > 0.5 and fr.ci_low > 0.01 and fr.n == 40
    assert_verdict(out, "interval_above_tolerance")
    assert ref("flip_rate", "female→male") in out.evidence.verdict.reads
    assert [f.cause for f in out.evidence.findings] == ["attribute:gender"]
    words = table(out, "word_pairs")
    responsible = {row[0] for row in words.rows if row[2] > 0}
    assert {"she → he", "he → she"} <= responsible
    coverage = table(out, "coverage")
    assert list(coverage.rows[1][1:]) == [80, pytest.approx(80 / 82)]
    excluded = table(out, "exclusions")
    assert [(text(r[0]), r[1], r[2], text(r[3])) for r in excluded.rows] == [
        ("no lexicon term in the text", 2, 2, "row 81, row 82")]  # English: the report's default language
    assert excluded.rows[0][0].key == f"{K}.exclusion.no_term"
    top = table(out, "top_texts")
    assert top.title.params["n"].value == 10
    original, substitutions = top.rows[0][7], top.rows[0][8]
    assert len(original) <= 240 and " → " in substitutions  # the counterfactual is the original with these


def test_texts_without_any_lexicon_term_are_skipped_with_the_reason(tmp_path, bert_dir):
    policy = text_audit(tmp_path, bert_dir, ["the team is great .", "the report was done ."], [1, 0])
    out = run(policy, tmp_path).outcome("cf")
    assert out.status is Status.SKIPPED
    assert "no text could be rewritten" in out.summary and "no lexicon term in the text (2)" in out.summary


def test_attribute_value_missing_from_the_lexicon_is_an_error(tmp_path, bert_dir):
    texts, labels = gender_texts(8, seed=3)
    out = run(text_audit(tmp_path, bert_dir, texts, labels, values=("female", "nonbinary")), tmp_path).outcome("cf")
    assert out.status is Status.ERROR
    assert "'nonbinary' of attribute 'gender' are not columns of lexicon 'gender'" in out.error
    assert "its header names: female, male" in out.error


def test_user_lexicon_with_a_wrong_number_of_columns_is_an_error_naming_the_line(tmp_path, bert_dir):
    (tmp_path / "extra.tsv").write_text("female\tmale\nqueen\tking\nwaitress\twaiter\textra\n")
    texts, labels = gender_texts(8, seed=3)
    policy = text_audit(tmp_path, bert_dir, texts, labels, check_extra={"lexicons": ["extra.tsv"]})
    out = run(policy, tmp_path).outcome("cf")
    assert out.status is Status.ERROR
    assert "extra.tsv:3: 3 column(s), but the header (line 1) has 2 (female, male)" in out.error


def test_tabular_parameters_on_a_text_model_are_an_error(tmp_path, bert_dir):
    texts, labels = gender_texts(8, seed=3)
    out = run(text_audit(tmp_path, bert_dir, texts, labels, check_extra={"mode": "flip_only"}), tmp_path).outcome("cf")
    assert out.status is Status.ERROR and "'mode' apply to tabular models" in out.error


def test_a_categorical_split_of_a_tree_model_is_redrawn_as_categories_not_moved_along_quantiles(tmp_path):
    """An XGBoost model that splits on ``zone`` as a category (integer codes 0–2, no order): the counterfactual
    must redraw zone's categories by sex, as for a declared group, not map the codes through quantiles (which
    treats code 1 as lying between 0 and 2). Nothing in the policy declares it: the booster says so."""
    xgb = pytest.importorskip("xgboost")
    rng = np.random.default_rng(21)
    n = 600
    sex = np.repeat(["female", "male"], n // 2)
    male = sex == "male"
    zone = np.where(male, rng.choice(3, n, p=[0.2, 0.2, 0.6]), rng.choice(3, n, p=[0.5, 0.4, 0.1]))
    score = rng.random(n).round(4)
    y = ((zone == 2) | (score > 0.8)).astype(int)
    frame = pd.DataFrame({"score": score, "zone": zone, "sex": sex, "y": y})
    train = frame[["score", "zone"]].astype({"zone": pd.CategoricalDtype(range(3))})
    xgb.XGBClassifier(n_estimators=20, max_depth=3, enable_categorical=True, tree_method="hist", n_jobs=1,
                      max_cat_to_onehot=1, random_state=0).fit(train, y).save_model(tmp_path / "m.json")
    frame.to_csv(tmp_path / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "cf", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "cf-trees", "version": "1"},
        "model": {"type": "xgboost", "path": "m.json"},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": ["score", "zone"]},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": ["female", "male"]}],
        "statistics": {"bootstrap": 200, "seed": 5},
        "checks": [{**CF, "refit_resamples": 100}],
    }
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    out = run(path, tmp_path).outcome("cf")
    assert out.status is Status.FAIL and "proxies (zone)" in out.summary
    moved = table(out, "moved")
    assert {r[1] for r in moved.rows} == {"zone"}
    assert all(r[2] == Msg(f"{K}.method.category_redraw") for r in moved.rows)
