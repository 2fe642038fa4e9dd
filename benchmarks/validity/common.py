"""Shared pieces of the validity benchmark: the audit policy, running it, true group metrics, per-check records.

A record (``CheckRecord``) pairs one check's verdict on one model with that model's true effect, expressed as a
multiple of the check's tolerance (``effect_ratio``: 1 = exactly at the tolerance), plus every interval the check
reported next to the true value it estimates. ``score.py`` turns the records into power, false alarms, unsafe
passes and coverage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

TOLERANCE = 0.01  # flip rate and mean |Δ| (counterfactual_sweep defaults; prohibited_feature_use's flip limit)
GF_LIMITS = {"demographic_parity_difference": 0.1, "demographic_parity_ratio": 0.8, "equalized_odds_difference": 0.1}


def audit_policy(name: str, model: dict, data: dict, attribute: dict, *, layers: list[str], seed: int,
                 quick: bool, group_column: str | None = None, text: bool = False) -> dict:
    """One policy with the three checks under test (attribution_agreement has no ground truth: see README)."""
    pfu: dict[str, Any] = {"id": "pfu", "kind": "prohibited_feature_use", "attribute": "sex" if not text else "gender",
                           "severity": "blocker", "layers": layers, "n_permutations": 49, "random_draws": 10,
                           "max_probe_examples": 1000, "folds": 4}
    if group_column:
        pfu["group_column"] = group_column
    cf: dict[str, Any] = {"id": "cf", "kind": "counterfactual_sweep", "attribute": pfu["attribute"],
                          "severity": "blocker", "max_flip_rate": TOLERANCE, "max_mean_abs_change": TOLERANCE}
    if text:
        cf["lexicons"] = pfu["lexicons"] = ["names_gender"]  # the bios carry gender in names and pronouns
    gf = {"id": "gf", "kind": "group_fairness", "attributes": [pfu["attribute"]], "severity": "blocker",
          "thresholds": {"demographic_parity_difference": {"max": GF_LIMITS["demographic_parity_difference"]},
                         "demographic_parity_ratio": {"min": GF_LIMITS["demographic_parity_ratio"]},
                         "equalized_odds_difference": {"max": GF_LIMITS["equalized_odds_difference"]}}}
    return {
        "schema_version": 1,
        "policy": {"id": f"validity-{name}", "version": 1, "effective_from": "2026-01-01",
                   "approved_by": "validity benchmark"},
        "system": {"name": name, "version": "1"},
        "model": model,
        "data": data,
        "protected_attributes": [attribute],
        "statistics": {"confidence": 0.95, "bootstrap": 500 if quick else 1000, "seed": seed, "min_group_size": 30},
        "checks": [pfu, cf, gf],
    }


def run_policy(policy: Path, workdir: Path) -> dict:
    """Audit through the public API; return the outcomes of the three checks by id."""
    import auditkit
    from auditkit.store import open_store

    with open_store(f"sqlite:///{workdir / 'audit.db'}") as store:
        result = auditkit.run_audit(policy, store=store, device="cpu", report=False)
    return {cid: result.outcome(cid) for cid in ("pfu", "cf", "gf")}


def group_truth(decisions: np.ndarray, y: np.ndarray, a: np.ndarray) -> dict:
    """Population demographic parity difference/ratio and equalized-odds difference of the decisions."""
    sr = [float(decisions[a == g].mean()) for g in (0, 1)]
    tpr = [float(decisions[(a == g) & (y == 1)].mean()) for g in (0, 1)]
    fpr = [float(decisions[(a == g) & (y == 0)].mean()) for g in (0, 1)]
    return {"selection_rates": sr,
            "demographic_parity_difference": abs(sr[1] - sr[0]),
            "demographic_parity_ratio": min(sr) / max(sr) if max(sr) > 0 else 1.0,
            "equalized_odds_difference": max(abs(tpr[1] - tpr[0]), abs(fpr[1] - fpr[0]))}


@dataclass
class CheckRecord:
    """One check's verdict on one model, next to that model's true effect."""

    kind: str
    status: str
    summary: str
    effect_ratio: float  # true effect / tolerance (the largest over the quantities the check judges)
    zero_effect: bool  # the true effect is exactly zero by construction (tabular "none", text "blind")
    intervals: list[dict] = field(default_factory=list)  # name, group, value, ci_low, ci_high, confidence, truth


def _status(outcome: Any) -> str:
    return outcome.status.value if hasattr(outcome.status, "value") else str(outcome.status)


def _summary(outcome: Any) -> str:
    return outcome.summary or outcome.error or ""


def pfu_record(outcome: Any, use_flip_rate: float, *, zero_by_construction: bool) -> CheckRecord:
    """prohibited_feature_use: the model uses A iff flipping A structurally changes decisions (all rows)."""
    return CheckRecord("prohibited_feature_use", _status(outcome), _summary(outcome),
                       effect_ratio=use_flip_rate / TOLERANCE, zero_effect=zero_by_construction)


def cf_record(outcome: Any, truth: dict[str, dict[str, float]], *, zero_by_construction: bool) -> CheckRecord:
    """counterfactual_sweep: every flip rate and mean |Δ| it reports, matched to the structural truth by group."""
    intervals = []
    for m in outcome.measurements:
        if m.name not in ("flip_rate", "mean_abs_change") or m.group not in truth:
            continue
        intervals.append({"name": m.name, "group": m.group, "value": m.value, "ci_low": m.ci_low,
                          "ci_high": m.ci_high, "confidence": m.confidence, "truth": truth[m.group][m.name]})
    worst = max((v for t in truth.values() for v in t.values()), default=0.0)
    return CheckRecord("counterfactual_sweep", _status(outcome), _summary(outcome), effect_ratio=worst / TOLERANCE,
                       zero_effect=zero_by_construction, intervals=intervals)


def gf_ratio(truth: dict) -> float:
    """The true group disparity as a multiple of its limit (ratio metrics: distance from parity over 1 − limit)."""
    return max(truth["demographic_parity_difference"] / GF_LIMITS["demographic_parity_difference"],
               truth["equalized_odds_difference"] / GF_LIMITS["equalized_odds_difference"],
               (1 - truth["demographic_parity_ratio"]) / (1 - GF_LIMITS["demographic_parity_ratio"]))


def gf_record(outcome: Any, truth: dict, *, zero_by_construction: bool) -> CheckRecord:
    """group_fairness: DP difference/ratio and EO difference against the population values of the decisions."""
    if zero_by_construction:  # decisions and label independent of A: exact population values
        truth = {**truth, "demographic_parity_difference": 0.0, "demographic_parity_ratio": 1.0,
                 "equalized_odds_difference": 0.0}
    intervals = []
    for m in outcome.measurements:
        if m.name in GF_LIMITS and m.group is None and m.value is not None:
            intervals.append({"name": m.name, "group": None, "value": m.value, "ci_low": m.ci_low,
                              "ci_high": m.ci_high, "confidence": m.confidence, "truth": truth[m.name]})
    return CheckRecord("group_fairness", _status(outcome), _summary(outcome), effect_ratio=gf_ratio(truth),
                       zero_effect=zero_by_construction, intervals=intervals)
