"""Fixed report text: section list, check families, "not assessed" sentences, definitions, traceability.

Kept apart from the view builder so that the wording an auditor reads can be
reviewed in one place, and so that tests can assert on the same constants the
templates print.
"""

from __future__ import annotations

from dataclasses import dataclass

#: (anchor, number, title) of every top-level section, in the order of DESIGN.md "Report".
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("document-control", "0", "Document control"),
    ("summary", "1", "Executive summary and gate decision"),
    ("scope", "2", "System identification and scope"),
    ("criteria", "3", "Acceptance criteria"),
    ("setup", "4", "Test setup and provenance"),
    ("data", "5", "Data and bias examination"),
    ("results", "6", "Results per check family"),
    ("not-assessed", "7", "Not assessed"),
    ("findings", "8", "Findings and residual risk"),
    ("changes", "9", "Changes since the previous audit"),
    ("signoff", "10", "Sign-off"),
    ("annex-a", "A", "Annex A. Test log"),
    ("annex-b", "B", "Annex B. Full metric tables"),
    ("annex-c", "C", "Annex C. Policy (verbatim) and attachments"),
    ("annex-d", "D", "Annex D. Metric definitions"),
    ("annex-e", "E", "Annex E. Traceability matrix"),
)


@dataclass(frozen=True)
class Family:
    """A check family: its kind, its report title, and what is lost when it is absent."""

    kind: str
    title: str
    method: str
    not_assessed: str


#: The five families in report order; any other kind follows under "Other checks".
FAMILIES: tuple[Family, ...] = (
    Family(
        "performance",
        "Performance and disaggregated accuracy",
        "Accuracy and error rates overall and per group, with Wilson intervals for proportions.",
        "Performance: not assessed — the policy has no performance check, so no evidence on the accuracy "
        "level overall or per group (Art. 13(3)(b)(ii),(v), Art. 15(1),(3)).",
    ),
    Family(
        "group_fairness",
        "Group fairness",
        "Disparities in selection and error rates between groups, with stratified bootstrap intervals, "
        "judged on the whole interval against the policy threshold.",
        "Group fairness: not assessed — the policy has no group_fairness check, so no evidence on whether "
        "decisions or error rates differ between protected groups (Art. 10(2)(f)).",
    ),
    Family(
        "prohibited_feature_use",
        "Prohibited-feature and proxy use",
        "Probes show whether a protected attribute is encoded; interventions (erasure, counterfactuals) "
        "show whether it is used. The verdict rests on the intervention.",
        "Prohibited-feature use: not assessed — the policy has no prohibited_feature_use check, so no "
        "evidence on whether the model encodes or uses a protected attribute or its proxies.",
    ),
    Family(
        "attribution_agreement",
        "Attribution-method agreement",
        "Agreement between explanation methods (rank correlation, top-k overlap) as a test of whether "
        "the explanations given to overseers can be trusted.",
        "Attribution agreement: not assessed — the policy has no attribution_agreement check, so no "
        "evidence on whether the explanations shown to overseers are consistent (Art. 14(4)(c), Art. 86).",
    ),
    Family(
        "counterfactual_sweep",
        "Counterfactual sweeps",
        "Flip rates and score changes when only the protected attribute is changed, with intervals.",
        "Counterfactual sweeps: not assessed — the policy has no counterfactual_sweep check, so no "
        "evidence on whether changing the protected attribute changes decisions.",
    ),
)
FAMILY_BY_KIND = {f.kind: f for f in FAMILIES}
OTHER_FAMILY = Family("other", "Other checks", "Checks of kinds outside the five standard families.", "")

#: Items a regulator expects that auditkit does not test at all, whatever the policy says.
NOT_COVERED: tuple[str, ...] = (
    "Cybersecurity (Art. 15(5)): resilience against unauthorised attempts to alter use, outputs or "
    "performance, including data poisoning, model poisoning and confidentiality attacks — not assessed by "
    "auditkit.",
    "Robustness to adversarial examples (Art. 15(5)): inputs crafted to cause mistakes — not assessed by "
    "auditkit; counterfactual sweeps change the protected attribute only.",
    "Data quality of the training data (Art. 10(2)(a)–(e)): design choices, collection and origin, "
    "preparation, assumptions and suitability of the training and validation sets — not assessed by "
    "auditkit, which sees the audit (test) data only.",
)

#: Annex D: definitions of the performance and group-fairness metrics and of the statistics used.
METRIC_DEFINITIONS: dict[str, str] = {
    "Accuracy": "Share of examples whose decision equals the true label: (TP + TN) / n.",
    "False positive rate (FPR)": "P(ŷ = 1 | y = 0): share of truly unfavourable cases decided favourably.",
    "False negative rate (FNR)": "P(ŷ = 0 | y = 1) = 1 − TPR: share of truly favourable cases refused.",
    "Selection rate": "P(ŷ = 1 | A = a): share of group a receiving the favourable decision.",
    "Demographic parity difference": "max over groups of the selection rate minus min over groups "
    "(fairlearn, method between_groups). 0 is parity.",
    "Demographic parity ratio": "min over groups of the selection rate divided by max over groups. 1 is parity.",
    "Equalized odds difference": "The larger of the between-group differences in TPR and in FPR "
    "(worst case). 0 is parity.",
    "Equal opportunity difference": "Between-group difference in TPR (the favourable label's recall) only.",
    "Four-fifths impact ratio": "Per group, selection rate divided by the highest group's selection rate; "
    "below 0.8 is evidence of adverse impact under the four-fifths rule (29 CFR 1607.4(D)).",
    "Wilson interval": "Score interval for a proportion k/n; stays inside [0, 1] and keeps its coverage for "
    "small groups and for rates near 0 or 1.",
    "Stratified bootstrap": "Resampling within each group (so no group vanishes from a resample); the "
    "interval is the percentile interval of the resampled statistic, invariant for ratio metrics.",
    "Holm correction": "Step-down family-wise correction: sort the m raw p-values; adjusted "
    "p̃(i) = max over j ≤ i of min(1, (m − j + 1) p(j)). Controls the family-wise error rate.",
    "Bonferroni correction": "Adjusted p = min(1, m p). Controls the family-wise error rate; more "
    "conservative than Holm.",
    "Benjamini–Hochberg (fdr_bh)": "Adjusted p̃(i) = min over j ≥ i of min(1, m p(j) / j). Controls the "
    "false discovery rate (screening, not confirmation).",
    "Verdict rule": "PASS only when the whole confidence interval lies inside the tolerance, FAIL when it "
    "lies wholly outside, INCONCLUSIVE otherwise. A point estimate alone is never compared with a threshold.",
}


@dataclass(frozen=True)
class Trace:
    """One row of the traceability matrix: a requirement and where the report answers it."""

    requirement: str
    demand: str
    sections: tuple[str, ...]  # section anchors or "family:<kind>"
    evidence: str


TRACEABILITY: tuple[Trace, ...] = (
    Trace("Art. 9(8)", "Testing against prior defined metrics and probabilistic thresholds",
          ("criteria", "annex-c"), "Policy SHA-256 and effective date vs run start; thresholds per check"),
    Trace("Art. 9(2)(d), 9(5)", "Risk management measures; residual risk judged acceptable",
          ("findings", "signoff"), "Findings with required actions; sign-off decisions"),
    Trace("Art. 10(2)(f)–(h)", "Examination for biases, measures to detect them, data gaps",
          ("data", "family:group_fairness", "family:prohibited_feature_use"),
          "Group sizes, groups below the minimum, disparity metrics with intervals"),
    Trace("Art. 13(3)(b)(v)", "Performance as regards specific persons or groups",
          ("family:performance",), "Per-group accuracy and error rates with intervals"),
    Trace("Art. 15(1), 15(3)", "Appropriate accuracy; accuracy metrics declared",
          ("family:performance", "criteria"), "Overall accuracy with interval vs the policy threshold"),
    Trace("Art. 15(5)", "Cybersecurity and adversarial robustness",
          ("not-assessed",), "Stated as not assessed"),
    Trace("Annex IV 2(g)", "Validation and testing procedures, metrics, dated and signed test logs",
          ("setup", "annex-a", "annex-b", "signoff"), "Environment, seeds, hashes, test log, sign-off table"),
    Trace("Annex IV 2(f), 6", "Changes through the lifecycle",
          ("changes",), "Fingerprint and status changes since the previous audit"),
    Trace("Art. 14(4)(c)", "Overseers correctly interpret output with the interpretation tools available",
          ("family:attribution_agreement",), "Agreement between attribution methods"),
    Trace("Art. 86", "Clear and meaningful explanation of the main elements of a decision",
          ("family:attribution_agreement", "family:counterfactual_sweep"),
          "Attribution agreement and counterfactual flip rates"),
)
