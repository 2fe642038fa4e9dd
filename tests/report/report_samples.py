"""Realistic stored runs for the report tests (no database, no model: RunRecords built by hand).

A module with a unique name (not ``conftest``) so that tests can import its builders even when
other test directories have their own ``conftest.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from auditkit.results import CheckOutcome, GateDecision, Measurement, RunRecord, RunState, Severity, Status

UTC = dt.UTC
HOSTILE = "<script>alert(1)</script>"
#: The report's own inline script (templates/report.js after the catalogue words): the one script a page may hold.
REPORT_SCRIPT = re.compile(r"<script>\nconst AUDITKIT_UI = .*?</script>\n", re.S)
HOSTILE_CELL = "</td></tr></table><img src=x onerror=alert(2)>"
HOSTILE_CSS = "url(http://evil.example/x)"
HOSTILE_IMG = '<img src="http://evil.example/pixel.png">'

POLICY_TEXT = """\
schema_version: 1
policy:
  id: credit-scoring-eu
  version: 3
  effective_from: 2026-11-01
  approved_by: "Head of Model Risk"
  rationale: "Thresholds follow the four-fifths rule and the bank's model-risk standard MR-7."
system:
  name: retail-credit-scorer
  version: 2.4.0
  provider: "Example Bank AG"
  intended_purpose: "Score consumer credit applications up to EUR 50,000 for creditworthiness."
  annex_iii_point: "5(b)"
  deployer_context: "Loan officers in retail branches in DE and AT; every refusal is reviewed."
model: {type: torch, factory: "samples.credit.model:load"}
data: {path: data/holdout.parquet, label: default, favourable_label: 0}
protected_attributes:
  - {name: sex, column: sex, values: [female, male], reference: male, model_input: false}
statistics: {confidence: 0.95, correction: holm, min_group_size: 30, bootstrap: 2000, seed: 7}
checks:
  - {id: accuracy, kind: performance, metrics: [accuracy, fpr, fnr], min_accuracy: 0.8, severity: major}
  - {id: selection-parity, kind: group_fairness, attribute: sex, metric: demographic_parity_ratio,
     min: 0.8, severity: blocker, rationale: "Four-fifths rule (29 CFR 1607.4(D))."}
  - {id: eo-difference, kind: group_fairness, attribute: sex, metric: equalized_odds_difference, max: 0.1}
  - {id: sex-not-used, kind: prohibited_feature_use, attribute: sex, severity: blocker}
  - {id: explainers-agree, kind: attribution_agreement,
     methods: [integrated_gradients, kernel_shap, feature_ablation]}
report: {formats: [html, pdf], title: "Audit of the retail credit scorer", confidentiality: "Confidential"}
"""

T0 = dt.datetime(2026, 11, 25, 9, 14, 3, tzinfo=UTC)


def _m(name, value, lo=None, hi=None, *, thr=None, op=None, status=None, p=None, group=None, n=None):
    return Measurement(name=name, value=value, ci_low=lo, ci_high=hi, threshold=thr, comparator=op,
                       status=status, p_value=p, group=group, n=n, confidence=0.95 if lo is not None else None)


def make_outcomes(*, summary: str = "", group: str = "female", cell: str = "female") -> tuple[CheckOutcome, ...]:
    """The five outcomes of the sample run; arguments let a test inject hostile text."""
    perf = CheckOutcome(
        check_id="accuracy", kind="performance", version=1, fingerprint="a1" * 32, status=Status.PASS,
        severity=Severity.MAJOR,
        summary=summary or "Overall accuracy 0.8712 (95% CI 0.8561–0.8850) meets the minimum of 0.80.",
        measurements=(
            _m("accuracy", 0.8712, 0.8561, 0.8850, thr=0.8, op=">=", status=Status.PASS, n=2000),
            _m("accuracy", 0.8534, 0.8290, 0.8750, thr=0.8, op=">=", status=Status.PASS, group=group, n=780),
            _m("accuracy", 0.8826, 0.8633, 0.8994, thr=0.8, op=">=", status=Status.PASS, group="male", n=1196),
            _m("accuracy", 0.7917, 0.5954, 0.9076, group="nonbinary", n=24),
            _m("fpr", 0.1021, 0.0822, 0.1262, group=group, n=780),
            _m("fpr", 0.0912, 0.0760, 0.1091, group="male", n=1196),
            _m("accuracy_gap", 0.0292, -0.0040, 0.0610, p=0.035),
        ),
        details={
            "tables": [{
                "title": "Group sizes and error rates",
                "columns": ["group", "n", "accuracy", "FPR", "FNR"],
                "rows": [[cell, 780, 0.85341, 0.10213, 0.21129],
                         ["male", 1196, 0.88261, 0.09124, 0.15043],
                         ["nonbinary", 24, 0.791666, None, None]],
            }],
            "notes": ["Group 'nonbinary' has 24 examples, below min_group_size 30; reported, not compared."],
        },
        params={"metrics": ["accuracy", "fpr", "fnr"], "min_accuracy": 0.8},
        seed=1234567, started_at=T0 + dt.timedelta(seconds=5), duration_s=1.42,
    )
    parity = CheckOutcome(
        check_id="selection-parity", kind="group_fairness", version=2, fingerprint="b2" * 32,
        status=Status.FAIL, severity=Severity.BLOCKER,
        summary="Women are selected at 58% of the rate of men (DP ratio 0.58, 95% CI 0.54–0.62), "
                "wholly below the minimum of 0.8.",
        measurements=(
            _m("demographic_parity_ratio", 0.58, 0.54, 0.62, thr=0.8, op=">=", status=Status.FAIL, p=0.0004),
            _m("demographic_parity_difference", 0.21, 0.17, 0.25, thr=0.1, op="<=", status=Status.FAIL, p=0.001),
            _m("selection_rate", 0.29, 0.26, 0.32, group=group, n=780),
            _m("selection_rate", 0.50, 0.47, 0.53, group="male", n=1196),
        ),
        details={"tables": [{"title": "Selection rates", "columns": ["group", "n", "selected", "rate"],
                             "rows": [[group, 780, 226, 0.2897], ["male", 1196, 598, 0.5]]}]},
        params={"attribute": "sex", "metric": "demographic_parity_ratio", "min": 0.8},
        seed=99, started_at=T0 + dt.timedelta(seconds=7), duration_s=3.05,
    )
    eo = CheckOutcome(
        check_id="eo-difference", kind="group_fairness", version=2, fingerprint="c3" * 32,
        status=Status.INCONCLUSIVE, severity=Severity.MAJOR,
        summary="Equalized odds difference 0.08 (95% CI 0.03–0.13) straddles the maximum of 0.1.",
        measurements=(_m("equalized_odds_difference", 0.08, 0.03, 0.13, thr=0.1, op="<=",
                         status=Status.INCONCLUSIVE, p=0.03),),
        params={"attribute": "sex", "metric": "equalized_odds_difference", "max": 0.1},
        seed=100, started_at=T0 + dt.timedelta(seconds=11), duration_s=2.5,
    )
    probe = CheckOutcome(
        check_id="sex-not-used", kind="prohibited_feature_use", version=1, fingerprint="d4" * 32,
        status=Status.ERROR, severity=Severity.BLOCKER,
        summary="The prohibited-feature test could not be computed.",
        error="LEACE eraser could not be fitted: activations of layer 'fc2' have zero variance",
        params={"attribute": "sex"}, seed=101, started_at=T0 + dt.timedelta(seconds=14), duration_s=0.2,
    )
    skipped = CheckOutcome(
        check_id="explainers-agree", kind="attribution_agreement", version=1, fingerprint="e5" * 32,
        status=Status.SKIPPED, severity=Severity.MAJOR, summary="Attribution agreement was not run.",
        error="the model adapter does not support gradients (integrated_gradients needs SupportsGradients)",
        params={"methods": ["integrated_gradients", "kernel_shap", "feature_ablation"]},
        seed=102, started_at=T0 + dt.timedelta(seconds=15), duration_s=0.0,
    )
    return (perf, parity, eo, probe, skipped)


def make_run(**kw) -> RunRecord:
    """The sample run (FAIL gate); keyword arguments override RunRecord fields."""
    base = RunRecord(
        run_id="run-20261125-0001", system_name="retail-credit-scorer", system_version="2.4.0",
        policy_id="credit-scoring-eu", policy_version="3", policy_sha256="9f" * 32, policy_text=POLICY_TEXT,
        policy_effective_from=dt.date(2026, 11, 1), model_fingerprint="4e" * 32,
        model_ref={"type": "torch", "factory": "samples.credit.model:load",
                   "weights": "models/credit-v2.4.safetensors"},
        dataset_fingerprint="7c" * 32, dataset_ref={"path": "data/holdout.parquet", "rows": 2000, "label": "default"},
        seed=7, device="cpu",
        environment={"python": "3.11.7", "platform": "Linux-6.1.0-x86_64-with-glibc2.36", "device": "cpu",
                     "packages": {"auditkit": "0.1.0", "torch": "2.4.1", "numpy": "1.26.4", "captum": "0.7.0",
                                  "fairlearn": "0.11.0", "weasyprint": "70.0"}},
        trigger="ci", state=RunState.COMPLETE, started_at=T0, finished_at=T0 + dt.timedelta(seconds=16),
        gate=GateDecision.FAIL, outcomes=make_outcomes(),
    )
    return dataclasses.replace(base, **kw)


def make_previous() -> RunRecord:
    """An earlier audit of the same system: other model, parity passed, one check since removed."""
    outcomes = list(make_outcomes())
    outcomes[1] = dataclasses.replace(
        outcomes[1], status=Status.PASS,
        measurements=(_m("demographic_parity_ratio", 0.86, 0.82, 0.90, thr=0.8, op=">=", status=Status.PASS,
                         p=0.2),))
    outcomes.append(CheckOutcome(
        check_id="legacy-check", kind="performance", version=1, fingerprint="f6" * 32, status=Status.PASS,
        severity=Severity.MINOR, summary="Old check."))
    return make_run(run_id="run-20260601-0007", model_fingerprint="3d" * 32, system_version="2.3.1",
                    started_at=dt.datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
                    finished_at=dt.datetime(2026, 6, 1, 8, 1, tzinfo=UTC), gate=GateDecision.PASS,
                    outcomes=tuple(outcomes))


SIGNOFFS = (  # as the store's list_signoffs returns them
    {"run_id": "run-20261125-0001", "report_id": "AR-2026-0042", "report_sha256": "ab" * 32,
     "name": "Dr. Anna Weber", "function": "Head of Model Risk", "role": "approver", "decision": "reject",
     "comment": "Selection parity fails; mitigation plan required.", "prev_sha256": "0" * 64,
     "signed_at": dt.datetime(2026, 11, 26, 14, 2, 0, tzinfo=UTC), "record_sha256": "cd" * 32},
)


def make_hostile_run() -> RunRecord:
    """The sample run with hostile text in a summary, a details cell, a group name and the policy."""
    text = POLICY_TEXT.replace(
        'approved_by: "Head of Model Risk"',
        f"approved_by: '{HOSTILE} {HOSTILE_CSS} {HOSTILE_IMG}'",
    )
    return make_run(policy_text=text, outcomes=make_outcomes(
        summary=f"Accuracy fine {HOSTILE} {HOSTILE_IMG} {HOSTILE_CSS}", group=HOSTILE, cell=HOSTILE_CELL))



METHODS = ["integrated_gradients", "kernel_shap", "feature_ablation"]
LAYERS = [f"encoder.layer.{i}.output" for i in range(12)]
CHART_SPECS = (  # one chart of each type, as a prohibited_feature_use / attribution check would store them
    {"type": "heatmap", "title": "Rank agreement between attribution methods", "rows": METHODS, "columns": METHODS,
     "values": [[1.0, 0.83, 0.71], [0.83, 1.0, None], [0.71, None, 1.0]],
     "annotations": [["1.00", "0.83 [0.79, 0.86]", "0.71 [0.67, 0.74]"], ["0.83 [0.79, 0.86]", "1.00", "—"],
                     ["0.71 [0.67, 0.74]", "—", "1.00"]],
     "value_label": "Spearman rank correlation", "range": [0, 1]},
    {"type": "lines", "title": "Probe accuracy per layer", "x_label": "Layer", "y_label": "Probe accuracy",
     "x_ticks": LAYERS,
     "series": [{"name": "linear probe", "x": list(range(12)),
                 "y": [0.52, 0.55, 0.61, 0.66, 0.71, 0.74, 0.78, 0.79, 0.81, 0.80, 0.77, 0.75],
                 "low": [0.49, 0.52, 0.58, 0.63, 0.68, 0.71, 0.75, 0.76, 0.78, 0.77, 0.74, 0.72],
                 "high": [0.55, 0.58, 0.64, 0.69, 0.74, 0.77, 0.81, 0.82, 0.84, 0.83, 0.80, 0.78]},
                {"name": "after erasure", "x": list(range(12)), "y": [0.5] * 12, "low": None, "high": None}],
     "reference_lines": [{"y": 0.5, "label": "chance"}]},
    {"type": "bars", "title": "Counterfactual flip rate by group", "value_label": "Flip rate",
     "bars": [{"label": "female → male", "value": 0.031, "low": 0.022, "high": 0.041},
              {"label": "male → female", "value": 0.027, "low": 0.019, "high": 0.036}],
     "reference": {"value": 0.05, "label": "tolerance"}},
    {"type": "sankey", "title": "A chart of a kind the report does not know"},
)


def make_chart_run() -> RunRecord:
    """The sample run with the prohibited-feature check computed, its outcome carrying CHART_SPECS."""
    outcomes = list(make_outcomes())
    outcomes[3] = dataclasses.replace(
        outcomes[3], status=Status.FAIL, error=None, summary="Sex is encoded from layer 2 on and used.",
        measurements=(_m("flip_rate", 0.031, 0.022, 0.041, thr=0.02, op="<=", status=Status.FAIL),),
        details={"charts": list(CHART_SPECS), "tables": [{"title": "Probe accuracy", "columns": ["layer", "acc"],
                                                            "rows": [["encoder.layer.0.output", 0.52]]}]})
    return make_run(outcomes=tuple(outcomes))


def without_report_script(page: str) -> str:
    """``page`` without the report's own inline script, which it must hold exactly once: what is left may hold
    no script at all (hostile text in the data never becomes one)."""
    out, n = REPORT_SCRIPT.subn("", page)
    assert n == 1, f"expected the report's one inline script, found {n}"
    return out
