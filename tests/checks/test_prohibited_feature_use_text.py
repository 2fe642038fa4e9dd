"""prohibited_feature_use on a transformer: gendered words carry the label → FAIL; trained without them → PASS."""

from __future__ import annotations

import json

import numpy as np
import pytest
import yaml
from test_prohibited_feature_use import _assert_verdict_reads_agree
from tiny_bert import train_tiny_bert

import auditkit
from auditkit.results import Status
from auditkit.store import open_store

NAMES = {"female": ["mary", "anna", "sofia", "emma", "laura", "julia", "nina", "clara"],
         "male": ["john", "peter", "lukas", "omar", "david", "paul", "felix", "marco"]}
PRONOUN = {"female": "she", "male": "he"}
ROLES = ["engineer", "nurse", "teacher", "analyst", "designer", "manager"]


def _bios(n: int, seed: int, *, neutral: bool = False):
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        gender = "female" if i % 2 == 0 else "male"
        name = str(rng.choice(NAMES[gender]))
        years = int(rng.integers(1, 10))
        role = str(rng.choice(ROLES))
        who, pron = ("the candidate", "they") if neutral else (name, PRONOUN[gender])
        text = f"{who} is a {role} . {pron} has {years} years of experience ."
        rows.append({"text": text, "gender": gender, "name": name, "years": years})
    return rows


CHECK = {"id": "gender-not-used", "kind": "prohibited_feature_use", "attribute": "gender", "severity": "blocker",
         "group_column": "name", "n_permutations": 49, "random_draws": 8, "folds": 4,
         "layers": ["encoder.layer.1", "pooler"]}


def _audit(tmp_path, model_dir, rows, labels):
    with (tmp_path / "audit.jsonl").open("w") as f:
        for r, y in zip(rows, labels, strict=True):
            f.write(json.dumps({**r, "shortlisted": int(y)}) + "\n")
    policy = {
        "schema_version": 1,
        "policy": {"id": "pfu-text", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "pfu-text", "version": "1"},
        "model": {"type": "huggingface", "path": str(model_dir), "batch_size": 64, "max_length": 32},
        "data": {"path": "audit.jsonl", "text_column": "text", "label": "shortlisted", "favourable_label": 1},
        "protected_attributes": [{"name": "gender", "column": "gender", "values": ["female", "male"],
                                  "lexicon": "bios.tsv"}],
        "statistics": {"bootstrap": 500, "seed": 2},
        "checks": [CHECK],
    }
    # the bios' gendered words (names paired in order, pronouns) as the attribute's substitution lexicon
    pairs = [*zip(NAMES["female"], NAMES["male"], strict=True), (PRONOUN["female"], PRONOUN["male"])]
    (tmp_path / "bios.tsv").write_text("female\tmale\n" + "".join(f"{f}\t{m}\n" for f, m in pairs))
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as store:
        return auditkit.run_audit(path, store=store, device="cpu", report=False).outcome("gender-not-used")


@pytest.fixture(scope="module")
def audit_rows():
    return _bios(800, seed=11)


@pytest.mark.slow
def test_classifier_whose_label_depends_on_gendered_words_fails(tmp_path, audit_rows):
    train = _bios(600, seed=1)
    rng = np.random.default_rng(0)
    labels = [int((r["gender"] == "male") if rng.random() < 0.9 else rng.random() < 0.5) for r in train]
    model = train_tiny_bert(tmp_path / "leaky", [r["text"] for r in train], labels)
    out = _audit(tmp_path, model, audit_rows, [int(r["years"] >= 5) for r in audit_rows])
    assert out.status is Status.FAIL, out.summary
    fr = out.measurement("erasure_flip_rate", "pooler")
    assert fr.ci_low > 0.01
    assert "it is used" in out.summary
    # where gender enters the model (its names and pronouns, substituted in the texts) it shows by itself too
    assert out.details["rules"]["inputs"] == "input_substitution_beyond_tolerance"
    assert out.measurement("input_counterfactual_flip_rate", "inputs").ci_low > 0.01
    layers = {m.group for m in out.measurements if m.name == "probe_balanced_accuracy"}
    assert layers == {"encoder.layer.1", "pooler"}
    chart = out.evidence.charts[0]
    assert chart["type"] == "lines" and chart["x_ticks"][-1] == "pooler"
    assert chart["title"].key == "prohibited_feature_use.chart.layers.title"
    # the verdict reads a failing measurement; gender enters the model as words, so the finding names the attribute
    verdict = _assert_verdict_reads_agree(out)
    assert verdict.rule in ("erasure_effect_beyond_tolerance_and_control", "input_substitution_beyond_tolerance")
    assert {f.cause for f in out.evidence.findings} == {"attribute:gender"}


@pytest.mark.slow
def test_classifier_trained_without_gendered_words_passes(tmp_path, audit_rows):
    train = _bios(600, seed=1, neutral=True)
    # gendered words are not in its vocabulary, so they reach it as [UNK] (blind screening). With them in the
    # vocabulary at their untrained random embeddings, gender was encoded and the erasure at the pooler was complete
    # on one CPU kind but not on another (INCONCLUSIVE, as the rule says); the encoded-but-unused known answer is
    # the llm-screening sample's llm-encoded-unused, where it holds by construction.
    model = train_tiny_bert(tmp_path / "clean", [r["text"] for r in train], [int(r["years"] >= 5) for r in train])
    out = _audit(tmp_path, model, audit_rows, [int(r["years"] >= 5) for r in audit_rows])
    assert out.status is not Status.FAIL, out.summary
    assert out.status is Status.PASS, out.summary
    assert "inputs" not in out.details["rules"]  # substituting names and pronouns changes no decision
    assert out.measurement("input_counterfactual_flip_rate", "inputs").ci_high < 0.01
    # a PASS also needs the substitution within the tolerance, and its criterion says so
    verdict = _assert_verdict_reads_agree(out)
    assert "input_counterfactual_flip_rate@inputs" in verdict.reads
    assert verdict.params["inputs"].key == "prohibited_feature_use.rule.clause.inputs_within"
