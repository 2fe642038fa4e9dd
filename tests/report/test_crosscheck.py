"""The report says where the erasure and the propagated counterfactual disagree beyond their intervals."""

from __future__ import annotations

import pytest

from auditkit.i18n import use_language
from auditkit.report.crosscheck import erasure_vs_counterfactual, pooled_propagated_rate
from auditkit.results import CheckOutcome, Measurement, Severity, Status


def _outcome(check_id: str, kind: str, attribute: str, *measurements: Measurement) -> CheckOutcome:
    return CheckOutcome(check_id=check_id, kind=kind, version=1, fingerprint="f", status=Status.FAIL,
                        severity=Severity.BLOCKER, summary="", measurements=measurements,
                        params={"attribute": attribute})


def _counterfactual(rate_ab: float, rate_ba: float, n: int = 1000, attribute: str = "sex") -> CheckOutcome:
    return _outcome("sex-cf", "counterfactual_sweep", attribute,
                    Measurement("flip_rate", rate_ab, group="propagated: female → male", n=n),
                    Measurement("flip_rate", rate_ba, group="propagated: male → female", n=n),
                    Measurement("flip_rate", 0.0, group="flip-only: female → male", n=n))  # not pooled


def _erasure(value: float, lo: float, hi: float, attribute: str = "sex") -> CheckOutcome:
    return _outcome("sex-not-used", "prohibited_feature_use", attribute,
                    Measurement("erasure_flip_rate", value, lo, hi, group="net.3", n=4000))


def test_pooled_rate_counts_every_propagated_pair_and_only_those():
    pooled = pooled_propagated_rate(_counterfactual(0.10, 0.30), 0.95)
    assert pooled.n == 2000 and pooled.value == pytest.approx(0.20)
    assert pooled.ci[0] < 0.20 < pooled.ci[1] and pooled.ci[1] - pooled.ci[0] < 0.04


def test_disjoint_intervals_are_called_a_disagreement():
    with use_language("en"):
        notes = erasure_vs_counterfactual([_erasure(0.02, 0.015, 0.025), _counterfactual(0.20, 0.24)], 0.95)
    assert list(notes) == ["sex-not-used"]
    assert "disagree beyond their intervals" in notes["sex-not-used"][0] and "net.3" in notes["sex-not-used"][0]


def test_overlapping_intervals_agree():
    with use_language("en"):
        notes = erasure_vs_counterfactual([_erasure(0.21, 0.19, 0.23), _counterfactual(0.20, 0.24)], 0.95)
    assert "agree within their intervals" in notes["sex-not-used"][0]


def test_no_note_without_a_propagated_counterfactual_of_the_same_attribute():
    assert erasure_vs_counterfactual([_erasure(0.02, 0.015, 0.025), _counterfactual(0.2, 0.2, attribute="age")],
                                     0.95) == {}
    assert erasure_vs_counterfactual([_erasure(0.02, 0.015, 0.025)], 0.95) == {}


def test_german_report_says_it_in_german():
    with use_language("de"):
        note = erasure_vs_counterfactual([_erasure(0.02, 0.015, 0.025), _counterfactual(0.20, 0.24)], 0.95)
    assert "widersprechen sich" in note["sex-not-used"][0]
