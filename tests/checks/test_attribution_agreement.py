"""The ``attribution_agreement`` check end to end on tabular models: verdicts and their rules, typed evidence,
bad input."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import auditkit
from auditkit.checks import registry
from auditkit.checks.attribution_agreement import AttributionAgreementCheck
from auditkit.errors import PolicyError
from auditkit.evidence import ColumnRole, Msg, Role, Unit, ref
from auditkit.explain import METHODS, Attribution, register_method
from auditkit.i18n import LANGUAGES, messages, use_language
from auditkit.i18n.render import localise, missing_keys, text
from auditkit.policy import parse_policy
from auditkit.results import Status
from auditkit.store import open_store

MODEL = textwrap.dedent(
    """
    import torch
    from torch import nn


    class Focused(nn.Module):
        '''Logit driven by x0, x1, x2; the others (the last is the protected attribute) hardly matter.'''

        def __init__(self, d=10, detach=False):
            super().__init__()
            torch.manual_seed(0)
            self.detach = detach
            self.net = nn.Sequential(nn.Linear(d, 16), nn.Tanh(), nn.Linear(16, 1))
            with torch.no_grad():
                w = 0.05 * torch.randn(16, d)
                w[:, 0] += 2.0
                w[:8, 1] -= 1.5
                w[8:, 2] += 0.8
                self.net[0].weight.copy_(w)
                self.net[0].bias.zero_()
                self.net[2].weight.copy_(torch.linspace(-1, 1, 16)[None, :] + 0.5)
                self.net[2].bias.zero_()

        def forward(self, x):
            return self.net(x.detach() if self.detach else x)


    def build(detach=False):
        return Focused(detach=detach)
    """
)
FEATURES = [f"x{i}" for i in range(9)] + ["sex"]
FAST = {"n_examples": 40, "background_size": 20, "nsamples": 100, "sanity_examples": 16, "seeds": 2,
        "ceiling_examples": 8, "random_orders": 4, "explanations": 2}


def write_policy(tmp: Path, check: dict, *, detach: bool = False) -> Path:
    (tmp / "model.py").write_text(MODEL)
    rng = np.random.default_rng(0)
    # ±1 features (and a 0/1 attribute): every feature is equally far from the mean baseline, so attribution
    # magnitudes come from the model, not from the inputs, and randomising the model must reshuffle them
    frame = pd.DataFrame(rng.choice([-1.0, 1.0], size=(200, 9)), columns=FEATURES[:9])
    frame["sex"] = rng.integers(0, 2, 200)
    frame["y"] = rng.integers(0, 2, 200)
    frame.to_csv(tmp / "data.csv", index=False)
    policy = {
        "schema_version": 1,
        "policy": {"id": "agree", "version": 1, "effective_from": "2026-01-01", "approved_by": "tests"},
        "system": {"name": "agree-system", "version": "1"},
        "model": {"type": "torch", "factory": "model.py:build", "options": {"detach": detach}},
        "data": {"path": "data.csv", "label": "y", "favourable_label": 1, "features": FEATURES},
        "protected_attributes": [{"name": "sex", "column": "sex", "values": [0, 1], "model_input": True}],
        "statistics": {"bootstrap": 300, "seed": 11},
        "checks": [{"id": "explainers", "kind": "attribution_agreement", **check}],
    }
    path = tmp / "policy.yaml"
    path.write_text(yaml.safe_dump(policy, sort_keys=False))
    return path


def run_check(tmp: Path, check: dict, *, detach: bool = False, strict: bool = True):
    with open_store(f"sqlite:///{tmp / 'audit.db'}") as store:
        run = auditkit.run_audit(write_policy(tmp, check, detach=detach), store=store, device="cpu", report=False,
                                 strict=strict)
    return run.outcome("explainers")


@pytest.fixture
def constant_method(monkeypatch):
    """A model-insensitive explainer: the same ranking whatever the model (registered for one test)."""
    monkeypatch.setitem(METHODS, "constant", {})

    @register_method("constant", "tabular", title="Constant", family="perturbation", needs_gradients=False)
    def constant(job, settings, *, seed=0):
        values = np.tile(np.linspace(0.1, 1.0, job.grouping.size), (job.n, 1))  # the last features first
        return Attribution("constant", values, job.grouping.names, job.explained, job.reference, 0.0, False)

    return "constant"


K = "attribution_agreement"


def key(name: str) -> str:
    return f"{K}.{name}"


def table(out, title: str):
    """The evidence table whose title has message key ``attribution_agreement.<title>``."""
    return next(t for t in out.evidence.tables if t.title.key == key(title))


def notes(out, name: str) -> list[Msg]:
    return [n for n in out.evidence.notes if n.key == key(f"note.{name}")]


def reads(out) -> set[str]:
    return set(out.evidence.verdict.reads)


def assert_consistent(out) -> None:
    """The verdict's rule is one of the kind's, its criterion renders in every language, the measurements it
    read are the decisive ones and never contradict it (issue #13's invariants)."""
    verdict = out.evidence.verdict
    assert verdict.rule in AttributionAgreementCheck.rules
    rule = Msg(key(f"rule.{verdict.rule}"), **verdict.params)
    for lang in LANGUAGES:
        assert missing_keys([rule], lang) == []
        assert missing_keys(out.evidence.messages(), lang) == []
    by_ref = {ref(m.name, m.group): m for m in out.measurements}
    assert reads(out) <= set(by_ref)
    assert all((m.role == Role.DECISIVE.value) == (r in reads(out)) for r, m in by_ref.items())
    assert all(m.unit is not None for m in out.measurements)
    statuses = {by_ref[r].status for r in reads(out)}
    if out.status is Status.PASS:
        assert not statuses & {Status.FAIL, Status.INCONCLUSIVE}
    elif out.status is Status.FAIL:
        assert Status.FAIL in statuses
    elif out.status is Status.INCONCLUSIVE:
        assert Status.FAIL not in statuses
    if out.status is not Status.PASS:
        assert out.evidence.findings


def test_every_rule_and_measurement_has_its_message_in_every_language():
    from auditkit.checks._agreement_report import UNITS

    for lang in LANGUAGES:
        catalogue = messages(lang)
        for rule in AttributionAgreementCheck.rules:
            assert key(f"rule.{rule}") in catalogue, (lang, rule)
        for name in UNITS:
            assert key(f"measure.{name}") in catalogue, (lang, name)
    assert len(set(AttributionAgreementCheck.rules)) == len(AttributionAgreementCheck.rules) == 5


def test_agreeing_methods_pass_with_a_full_report(tmp_path):
    out = run_check(tmp_path, {**FAST, "attributes": ["sex"]})
    assert out.status is Status.PASS, out.summary
    assert "every pair meets the agreement minimum" in out.summary
    assert out.evidence.summary[0].key == key("summary.pass")
    details = json.loads(json.dumps(out.details, allow_nan=False))  # plain JSON
    assert set(details) == {"explanations"}
    json.dumps(out.evidence.to_json(), allow_nan=False)
    methods = ("integrated_gradients", "gradient_shap", "shapley_sampling", "feature_ablation")
    sanity = {m.group: m for m in out.measurements if m.name == "sanity_rank_correlation"}
    assert set(sanity) == set(methods) and all(m.status is Status.PASS and m.ci_high <= 0.5 for m in sanity.values())
    rc = [m for m in out.measurements if m.name == "rank_correlation"]
    assert len(rc) == 6 and all(m.status is Status.PASS and m.ci_low >= 0.5 for m in rc)
    assert all(m.ci_low is not None for m in out.measurements if m.threshold is not None)
    names = {m.name for m in out.measurements}
    assert {"deletion_gain", "insertion_gain", "ig_completeness_max_relative_delta", "protected_share",
            "protected_in_top_k_fleiss_kappa", "feature_agreement_star", "pairwise_rank_agreement"} <= names
    assert all(m.value > 0 for m in out.measurements if m.name == "deletion_gain")  # beat random orders
    # the PASS rule read every judged agreement measurement and every required sanity measurement, nothing else
    assert out.evidence.verdict.rule == "agreement_meets_minimum"
    assert_consistent(out)
    judged = {ref(m.name, m.group) for m in out.measurements if m.threshold is not None}
    assert reads(out) == judged
    assert {ref("sanity_rank_correlation", m) for m in methods} <= reads(out)
    assert out.evidence.verdict.params["sanity"].key == key("sanity.required")
    assert not out.evidence.findings
    units = {m.name: m.unit for m in out.measurements}
    assert units["rank_correlation"] == Unit.CORRELATION.value and units["protected_share"] == Unit.SHARE.value
    charts = {c["title"].key: c for c in out.evidence.charts}
    heat = charts[key("chart.heatmap.rank_correlation")]
    assert heat["type"] == "heatmap" and len(heat["values"]) == 4 and heat["range"] == [-1.0, 1.0]
    assert all(len(row) == 4 for row in heat["annotations"])
    with use_language("en"):
        assert localise(heat)["title"] == "Rank correlation between methods"
    lines = charts[key("chart.deletion.title")]
    assert lines["type"] == "lines" and lines["series"][0]["name"] == Msg(key("chart.random_order"))
    assert len(lines["series"][1]["x"]) == len(lines["series"][1]["y"]) == 11  # 10 features: 0..10 removed
    titles = [t.title.key for t in out.evidence.tables]
    assert key("table.ceiling.title") in titles
    protected = table(out, "table.protected.title")
    assert protected.columns[-1].role is ColumnRole.FLAG
    assert {row[1] for row in protected.rows} == set(methods) and all(row[-1] is False for row in protected.rows)
    assert len(details["explanations"]) == 2
    assert details["explanations"][0]["text"].startswith("Decision on row ")
    assert "the main factors of this decision were x" in details["explanations"][0]["text"]
    # the explanations are messages too: the same sentence in English, feature names verbatim, also in German
    words = table(out, "table.explanations.title")
    assert len(words.rows) == 2
    sentence = words.rows[0][-1]
    assert isinstance(sentence, Msg) and sentence.key.startswith(key("explanation."))
    with use_language("en"):
        english = text(sentence)
    assert english.startswith("Decision on row ") and "the main factors of this decision were x" in english
    with use_language("de"):
        german = text(sentence)
    assert german.startswith("Entscheidung zu Zeile ") and "Die wichtigsten Faktoren" in german
    factor = details["explanations"][0]["factors"][0]["feature"]
    assert factor in english and factor in german


def test_unknown_method_is_a_policy_error_listing_the_known_ones(tmp_path):
    path = write_policy(tmp_path, {"methods": ["integrated_gradients", "deeplift"]})
    with pytest.raises(PolicyError) as err:
        parse_policy(path.read_text(), base_dir=tmp_path, kinds=registry.param_models())
    message = str(err.value)
    assert "checks[0].methods" in message and "unknown attribution method(s) 'deeplift'" in message
    assert "known methods: feature_ablation, gradient_shap, integrated_gradients" in message


def test_k_not_smaller_than_the_number_of_features_is_a_clear_error(tmp_path):
    out = run_check(tmp_path, {"k": 12, "methods": ["integrated_gradients", "feature_ablation"]}, strict=False)
    assert out.status is Status.ERROR
    assert "k=12 is not smaller than the number of features (10)" in out.error and "at most 9" in out.error


def test_gradients_through_a_non_differentiable_model(tmp_path):
    out = run_check(tmp_path, {"methods": ["integrated_gradients", "feature_ablation"]}, detach=True)
    assert out.status is Status.SKIPPED
    assert "fewer than two attribution methods can run" in out.summary and "no autograd graph" in out.summary
    assert out.evidence.verdict is None and out.evidence.summary[0].key == key("summary.skipped")
    out = run_check(tmp_path, {**FAST, "methods": ["integrated_gradients", "kernel_shap", "feature_ablation"],
                               "require_sanity": False}, detach=True)
    assert out.status is not Status.SKIPPED
    assert [n.params["method"] for n in notes(out, "method_not_run")] == ["Integrated Gradients"]
    cost = out.evidence.tables[0]
    assert cost.title.key == key("table.methods.title")
    skipped = [row[-1] for row in cost.rows if row[-1].key == key("method_status.skipped")]
    assert len(skipped) == 1 and skipped[0].params["reason"].key == "explain.gradient.no_graph"
    assert {m.group for m in out.measurements if m.name == "rank_correlation"} == {"kernel_shap vs feature_ablation"}


def test_a_model_insensitive_method_fails_when_sanity_is_required(tmp_path, constant_method):
    check = {**FAST, "methods": ["integrated_gradients", "feature_ablation", constant_method]}
    out = run_check(tmp_path, check)
    assert out.status is Status.FAIL
    assert out.summary.startswith("Constant failed the randomisation sanity check")
    sanity = {m.group: m for m in out.measurements if m.name == "sanity_rank_correlation"}
    assert sanity[constant_method].status is Status.FAIL and sanity[constant_method].value == pytest.approx(1.0)
    assert sanity["integrated_gradients"].status is Status.PASS
    # the FAIL rule read the failed method's sanity measurement (and only that)
    assert out.evidence.verdict.rule == "sanity_check_failed"
    assert reads(out) == {ref("sanity_rank_correlation", constant_method)}
    assert_consistent(out)
    assert [f.message.params["method"] for f in out.evidence.findings] == ["Constant"]
    # without the requirement the method is only excluded from the agreement statistics, and named
    out = run_check(tmp_path, {**check, "require_sanity": False})
    assert out.status is Status.PASS
    assert [n.params["methods"] for n in notes(out, "model_insensitive")] == [["Constant"]]
    with use_language("en"):
        assert any("excluded from the agreement statistics: Constant" in text(n) for n in out.evidence.notes)
    # not required: the sanity measurements are not judged, and the PASS rule does not read them
    assert out.evidence.verdict.rule == "agreement_meets_minimum"
    assert out.evidence.verdict.params["sanity"].key == key("sanity.not_required")
    assert not any(r.startswith("sanity_rank_correlation") for r in reads(out))
    assert_consistent(out)
    assert {m.group for m in out.measurements if m.name == "rank_correlation"} == {
        "integrated_gradients vs feature_ablation"}
    assert all(m.status is None for m in out.measurements if m.name == "sanity_rank_correlation")


def test_low_agreement_is_a_warning_not_a_failure(tmp_path, constant_method):
    check = {**FAST, "methods": ["integrated_gradients", constant_method], "sanity_examples": 0,
             "require_sanity": False}
    out = run_check(tmp_path, check)
    assert out.status is Status.INCONCLUSIVE
    assert "(warning)" in out.summary
    assert len(notes(out, "low_agreement")) == 1
    with use_language("en"):
        assert any(text(n).startswith("Warning (methods.md B6.6)") for n in out.evidence.notes)
    judged = [m for m in out.measurements if m.threshold is not None]
    assert judged and all(m.status is Status.INCONCLUSIVE for m in judged)  # never FAIL for disagreement
    assert any(m.ci_high < m.threshold for m in judged)  # the interval lies wholly below the minimum
    # the warning rule read the pair's undecided agreement measurements
    assert out.evidence.verdict.rule == "agreement_not_shown"
    assert reads(out) == {ref(m.name, m.group) for m in judged}
    assert_consistent(out)
    assert [f.message.key for f in out.evidence.findings] == [key("finding.low_agreement")]


def test_too_few_methods_left_after_the_sanity_check_is_undecided(tmp_path, constant_method):
    check = {**FAST, "methods": ["integrated_gradients", constant_method], "require_sanity": False,
             "explanations": 0}
    out = run_check(tmp_path, check)
    assert out.status is Status.INCONCLUSIVE
    assert out.summary.startswith("Fewer than two methods passed the sanity check")
    # the rule read the excluded method's (unjudged) sanity measurement, never a FAIL
    assert out.evidence.verdict.rule == "too_few_sane_methods"
    assert reads(out) == {ref("sanity_rank_correlation", constant_method)}
    assert_consistent(out)
    assert not [m for m in out.measurements if m.name == "rank_correlation"]
