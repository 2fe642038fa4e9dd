"""What a verdict means for the people affected: each kind states it in plain words, with its decisive numbers.

Known-answer audits (the step-function model of ``analytic_audit.py``, the small tabular models of the kinds'
own tests) run each check to a FAIL and a PASS; the meaning's English text must carry the decisive numbers
formatted exactly as the evidence's unit formats them, and every meaning message must exist in both languages.
"""

from __future__ import annotations

import pytest
from test_attribution_agreement import constant_method  # noqa: F401  (a fixture of the tests below)

import auditkit
from auditkit.evidence import Q, Unit
from auditkit.i18n import LANGUAGES, render, use_language
from auditkit.i18n.render import missing_keys
from auditkit.i18n.render import text as render_text
from auditkit.results import Status
from auditkit.store import open_store

PARITY = {"id": "parity", "kind": "group_fairness", "severity": "blocker", "attributes": ["sex"],
          "thresholds": {"demographic_parity_ratio": {"min": 0.8}, "demographic_parity_difference": {"max": 0.1}}}


@pytest.fixture
def store(tmp_path):
    with open_store(f"sqlite:///{tmp_path / 'a.db'}") as s:
        yield s


def _run(policy, store):
    return auditkit.run_audit(policy, store=store, device="cpu", report=False)


def meaning_text(out, language: str = "en") -> str:
    """The meaning paragraphs of an outcome in ``language`` (checked to exist in every catalogue)."""
    ev = out.evidence
    assert ev is not None and ev.meaning, f"{out.check_id} ({out.status.value}) states no meaning"
    assert len(ev.meaning) <= 2
    for lang in LANGUAGES:
        assert missing_keys(ev.meaning, lang) == []
    with use_language(language):
        return " ".join(render.text(m) for m in ev.meaning)


def said(value: float | None, unit: Unit) -> str:
    """How the report formats ``value`` in ``unit`` (English)."""
    with use_language("en"):
        return render.text(Q(value, unit))


def interval(m, unit: Unit) -> list[str]:
    return [said(m.value, unit), said(m.ci_low, unit), said(m.ci_high, unit)]


def test_group_fairness_fail_states_the_rates_and_the_gap(analytic, store):
    out = _run(analytic({"female": 0.3, "male": 0.6}, [PARITY], n_per_group=1000), store).outcome("parity")
    assert out.status is Status.FAIL
    text = meaning_text(out)
    gap = out.measurement("demographic_parity_difference")
    for s in ("female", "male", said(0.3, Unit.RATE), said(0.6, Unit.RATE), *interval(gap, Unit.DIFFERENCE_PP),
              said(0.1, Unit.DIFFERENCE_PP), "more differently than the policy tolerates"):
        assert s in text, (s, text)
    assert "Abstand" in meaning_text(out, "de")


def test_group_fairness_pass_says_within_tolerance_not_fair(analytic, store):
    out = _run(analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=2000), store).outcome("parity")
    assert out.status is Status.PASS
    text = meaning_text(out)
    gap = out.measurement("demographic_parity_difference")
    for s in (*interval(gap, Unit.DIFFERENCE_PP), "within the policy's tolerance", "not that every decision is fair"):
        assert s in text, (s, text)


def test_group_fairness_inconclusive_says_what_the_data_cannot_tell(analytic, store):
    out = _run(analytic({"female": 0.5, "male": 0.5}, [PARITY], n_per_group=40), store).outcome("parity")
    assert out.status is Status.INCONCLUSIVE
    text = meaning_text(out)
    assert "cannot tell" in text and said(0.1, Unit.DIFFERENCE_PP) in text


def _perf(minimum: float) -> dict:
    return {"id": "perf", "kind": "performance", "attributes": ["sex"], "per_group_thresholds": True,
            "thresholds": {"selection_rate": {"min": minimum}}}


def test_performance_pass_states_accuracy_and_the_closest_rate(analytic, store):
    out = _run(analytic({"female": 0.3, "male": 0.6}, [_perf(0.2)], n_per_group=1000), store).outcome("perf")
    assert out.status is Status.PASS
    text = meaning_text(out)
    acc, closest = out.measurement("accuracy"), out.measurement("selection_rate", "sex=female")
    for s in (*interval(acc, Unit.RATE), said(out.measurement("accuracy", "sex=male").value, Unit.RATE),
              *interval(closest, Unit.RATE), said(0.2, Unit.RATE), "sex=female", "not that every decision is right"):
        assert s in text, (s, text)


def test_performance_fail_states_the_failing_group_rate(analytic, store):
    out = _run(analytic({"female": 0.3, "male": 0.6}, [_perf(0.4)], n_per_group=1000), store).outcome("perf")
    assert out.status is Status.FAIL
    text = meaning_text(out)
    failing = out.measurement("selection_rate", "sex=female")
    for s in (*interval(failing, Unit.RATE), said(0.4, Unit.RATE), "sex=female", "falls short"):
        assert s in text, (s, text)
    assert "verfehlt" in meaning_text(out, "de")


def _calibration(tmp_path, distort: dict) -> object:
    from test_calibration import _write

    with open_store(f"sqlite:///{tmp_path / 'cal.db'}") as s:
        return auditkit.run_audit(_write(tmp_path, 1500, distort), store=s, device="cpu", report=False).outcome("cal")


def test_calibration_fail_says_scores_mislead_for_the_group(tmp_path):
    from test_calibration import calibrated, cubed

    out = _calibration(tmp_path, {"female": cubed, "male": calibrated})
    assert out.status is Status.FAIL
    text = meaning_text(out)
    bad = out.measurement("ece", "sex=female")
    # the calibration error is a gap between predicted and observed rates: said in percentage points
    for s in (*interval(out.measurement("ece"), Unit.DIFFERENCE_PP), *interval(bad, Unit.DIFFERENCE_PP),
              said(0.05, Unit.DIFFERENCE_PP), "sex=female", "does not mean what it says"):
        assert s in text, (s, text)


def test_calibration_pass_says_within_tolerance(tmp_path):
    from test_calibration import calibrated

    out = _calibration(tmp_path, {"female": calibrated, "male": calibrated})
    assert out.status is Status.PASS
    text = meaning_text(out)
    for s in (*interval(out.measurement("ece"), Unit.DIFFERENCE_PP), said(0.05, Unit.DIFFERENCE_PP),
              "within the policy's tolerance"):
        assert s in text, (s, text)


def _pfu_cases():
    from test_prohibited_feature_use import ENCODED, NOT_ENCODED, _erasure, _inputs, _probe

    layer = [(NOT_ENCODED, _erasure(0.058, (0.052, 0.064)), None),
             (ENCODED, _erasure(0.2, (0.18, 0.22), gap_before=0.231, gap_after=0.034, delta_accuracy=0.069), None),
             (ENCODED, _erasure(0.2, (0.18, 0.22), p95=0.5), None),
             (_probe(0.56, 0.54, 0.58), _erasure(0.2, (0.18, 0.22)), None),
             (_probe(0.56, 0.49, 0.60, p=0.3), _erasure(), None),
             (ENCODED, _erasure(0.002, (0.0, 0.006)), None),
             (ENCODED, _erasure(after=_probe(0.7, 0.65, 0.75)), None),
             (ENCODED, _erasure(shift=0.05, shift_ci=(0.04, 0.06)), None),
             (ENCODED, _erasure(0.012, (0.006, 0.02)), None)]
    inputs = [(NOT_ENCODED, _erasure(0.058, (0.052, 0.064)), i)
              for i in (_inputs(0.3, (0.27, 0.33)), _inputs(0.3, (0.27, 0.33), None),
                        _inputs(0.03, (0.02, 0.04), 0.05), _inputs(0.001, (0.0, 0.005)))]
    return layer + inputs


def test_prohibited_feature_use_states_a_meaning_for_every_rule():
    from test_prohibited_feature_use import NOT_ENCODED, _erasure, _sae_section, _synthetic

    seen = set()
    for before, erasure, inputs in _pfu_cases():
        out = _synthetic({"3": (before, erasure)}, inputs)
        seen.add(out.evidence.verdict.rule)
        meaning_text(out)  # exists, at most two paragraphs, in every language
    # the SAE section's rules that can decide: ablation above the tolerance, an SAE that explains too little, and
    # an ablation effect that straddles the tolerance (a passing layer beside each)
    for sae in (_sae_section("sae_ablation_beyond_tolerance_and_control", (0.2, 0.17, 0.23)),
                _sae_section("sae_explains_too_little", fve=0.5),
                _sae_section("sae_effect_undecided", (0.012, 0.006, 0.02))):
        out = _synthetic({"3": (NOT_ENCODED, _erasure(0.058, (0.052, 0.064)))}, sae=sae)
        assert out.evidence.verdict.rule == sae.rule
        seen.add(out.evidence.verdict.rule)
        meaning_text(out)
    from auditkit.checks.prohibited_feature_use import ProhibitedFeatureUseCheck

    assert seen == set(ProhibitedFeatureUseCheck.rules) - {"all_erased_layers_pass", "too_few_examples_per_value"}


def test_prohibited_feature_use_fail_states_the_changed_decisions_and_the_remedy():
    """The meaning states the changed decisions; what removing the attribute would do is remediation evidence
    (printed once, in the report's findings section), with the interval of each effect and the caveats."""
    from test_prohibited_feature_use import ENCODED, _erasure, _synthetic

    out = _synthetic({"3": (ENCODED, _erasure(0.166, (0.157, 0.175), gap_before=0.231, gap_before_ci=(0.21, 0.25),
                                              gap_after=0.034, gap_after_ci=(0.015, 0.052), delta_accuracy=0.069,
                                              delta_accuracy_ci=(0.058, 0.080)))})
    assert out.status is Status.FAIL
    text = meaning_text(out)
    for s in ("16.6%", "15.7%", "17.5%", "1.0%", "depend in part on"):
        assert s in text, (s, text)
    (remedy,) = out.evidence.remediation
    with use_language("en"):
        said = render_text(remedy)
    for s in ("23.1\u00a0pp", "21.0\u00a0pp", "25.0\u00a0pp", "3.4\u00a0pp", "1.5\u00a0pp", "5.2\u00a0pp",
              "6.9\u00a0pp", "5.8\u00a0pp", "8.0\u00a0pp", "not a retrained model", "new audit"):
        assert s in said, (s, said)
    fr = next(m for m in out.measurements if m.name == "erasure_flip_rate")
    assert interval(fr, Unit.RATE) == ["16.6%", "15.7%", "17.5%"]  # as the summary's unit formats it


def test_prohibited_feature_use_pass_states_the_changed_decisions_within_tolerance():
    from test_prohibited_feature_use import ENCODED, _erasure, _inputs, _synthetic

    out = _synthetic({"3": (ENCODED, _erasure(0.002, (0.0, 0.006)))}, _inputs(0.001, (0.0, 0.005)))
    assert out.status is Status.PASS
    text = meaning_text(out)
    for s in ("0.2%", "0.6%", "0.1%", "0.5%", "within the 1.0% the policy tolerates", "proxy"):
        assert s in text, (s, text)


def test_attribution_agreement_pass_states_the_lowest_agreement(tmp_path):
    from test_attribution_agreement import FAST, run_check

    out = run_check(tmp_path, {**FAST, "methods": ["integrated_gradients", "feature_ablation"]})
    assert out.status is Status.PASS
    text = meaning_text(out)
    rc = out.measurement("rank_correlation", "integrated_gradients vs feature_ablation")
    for s in (*interval(rc, Unit.CORRELATION), "consistent across 2 independent methods", "−1 to 1",
              "not whether its reasons are justified"):
        assert s in text, (s, text)


def test_attribution_agreement_fail_says_explanations_must_not_be_given(tmp_path, constant_method):  # noqa: F811
    from test_attribution_agreement import FAST, run_check

    out = run_check(tmp_path, {**FAST, "methods": ["integrated_gradients", "feature_ablation", constant_method]})
    assert out.status is Status.FAIL
    text = meaning_text(out)
    sanity = out.measurement("sanity_rank_correlation", constant_method)
    for s in ("Constant", said(sanity.value, Unit.CORRELATION), said(0.5, Unit.CORRELATION), "must not be given"):
        assert s in text, (s, text)


def test_counterfactual_sweep_fail_states_the_decisions_that_would_have_changed(tmp_path):
    from test_counterfactual_sweep import CF, run, tabular_audit

    out = run(tabular_audit(tmp_path, [CF], beta=3.0), tmp_path).outcome("cf")
    assert out.status is Status.FAIL
    text = meaning_text(out)
    worst = max((m for m in out.measurements if m.name == "flip_rate" and m.status is Status.FAIL),
                key=lambda m: m.value)
    for s in (*interval(worst, Unit.RATE), said(0.01, Unit.RATE), worst.group.removeprefix("flip-only: "),
              "would have changed", "the decision depends on sex"):
        assert s in text, (s, text)


def test_counterfactual_sweep_pass_states_the_highest_rate_within_tolerance(tmp_path):
    from test_counterfactual_sweep import CF, run, tabular_audit

    out = run(tabular_audit(tmp_path, [{**CF, "proxies": []}], n_per_group=400), tmp_path).outcome("cf")
    assert out.status is Status.PASS
    text = meaning_text(out)
    fr = out.measurement("flip_rate", "flip-only: 0→1")
    for s in (said(fr.value, Unit.RATE), said(fr.ci_high, Unit.RATE), "within the 1.0% the policy tolerates"):
        assert s in text, (s, text)


def test_counterfactual_sweep_undecided_says_what_would_decide_it(tmp_path):
    from test_counterfactual_sweep import CF, run, tabular_audit

    out = run(tabular_audit(tmp_path, [{**CF, "proxies": []}], n_per_group=100), tmp_path).outcome("cf")
    assert out.status is Status.INCONCLUSIVE
    text = meaning_text(out)
    assert "cannot tell" in text and "About 299 people" in text


JARGON = ("selectivity", "selektivität", "control task", "flip-only", "holm", "leace", "straddle")


def test_meaning_messages_are_free_of_method_jargon_and_exist_in_every_language():
    from auditkit.i18n import messages

    keys = {lang: {k for k in messages(lang) if ".meaning." in k} for lang in LANGUAGES}
    assert keys["en"] and all(found == keys["en"] for found in keys.values())
    kinds = {k.split(".")[0] for k in keys["en"]}
    assert kinds == {"performance", "group_fairness", "calibration", "prohibited_feature_use",
                     "attribution_agreement", "counterfactual_sweep"}
    for lang in LANGUAGES:
        for k in keys[lang]:
            text = messages(lang)[k].lower()
            assert not [w for w in JARGON if w in text], (lang, k, messages(lang)[k])


def test_meaning_round_trips_and_older_evidence_has_none():
    from auditkit.evidence import Evidence, Msg

    ev = Evidence(summary=(Msg("group_fairness.clause.undefined", measure="x"),),
                  meaning=(Msg("group_fairness.meaning.limit.max", threshold=Q(0.1, Unit.DIFFERENCE_PP)),))
    data = ev.to_json()
    assert Evidence.from_json(data) == ev and data["meaning"][0]["msg"] == "group_fairness.meaning.limit.max"
    assert [m.key for m in ev.messages()] == ["group_fairness.clause.undefined", "group_fairness.meaning.limit.max"]
    older = {k: v for k, v in data.items() if k != "meaning"}
    assert Evidence.from_json(older).meaning == ()
    assert "meaning" not in Evidence(summary=ev.summary).to_json()  # stored bytes of evidence without it unchanged
